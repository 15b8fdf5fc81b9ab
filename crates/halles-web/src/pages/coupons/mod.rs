//! Food-coupon pages: programs and their set-up, participants and imports, cards, paper coupons, the
//! register and the kiosk, transactions, reports, and reimbursement claims.

pub mod cards;
pub mod charts;
pub mod claims;
pub mod envelopes;
pub mod groups;
pub mod import;
pub mod kiosk;
pub mod managers;
pub mod members;
pub mod monthly;
pub mod paper;
pub mod participant_types;
pub mod participants;
pub mod programs;
pub mod register;
pub mod reports;
pub mod schedule_edit;
pub mod schedules;
pub mod settings;
pub mod transactions;

use super::{Routes, paths};
use axum_extra::routing::TypedPath;

/// The food-coupon pages, and the old English paths that redirect to them.
pub fn routes() -> Routes {
    let program = Routes::new()
        .typed_get(programs::list)
        .typed_post(programs::create)
        .typed_get(programs::show)
        .typed_post(programs::archive)
        .typed_post(programs::archive_schedule)
        .typed_post(schedules::create_schedule)
        .typed_get(schedule_edit::edit_form)
        .typed_post(schedule_edit::edit)
        .typed_post(settings::settings)
        .typed_post_upload(settings::card_artwork)
        .typed_post(members::add_member)
        .typed_post(members::remove_member)
        .typed_post(members::set_partner_markets)
        .typed_post(groups::add_group)
        .typed_post(groups::group_action)
        .typed_post(groups::add_market_group)
        .typed_post(groups::place_market)
        .typed_post(groups::market_group_action)
        .typed_post(participant_types::add_type)
        .typed_post(participant_types::update_type)
        .typed_post(participant_types::delete_type)
        .typed_post(envelopes::set_envelope)
        .typed_post(envelopes::set_reserve)
        .typed_post(envelopes::delete_envelope)
        .typed_post(managers::invite_manager)
        .typed_post(managers::remove_manager);
    let people = Routes::new()
        .typed_get(participants::participants)
        .typed_post(participants::enrol)
        .typed_get(participants::export_participants)
        .typed_get(import::form)
        .typed_post_upload(import::submit)
        .typed_get(import::template)
        .typed_get(participants::participant)
        .typed_post(participants::participant_action)
        .typed_get(cards::cards)
        .typed_post(cards::create_batch)
        .typed_post(cards::card_action)
        .typed_get(cards::batch_pdf)
        .typed_get(paper::paper)
        .typed_post(paper::issue)
        .typed_post(paper::hand_out)
        .typed_post(paper::void)
        .typed_get(paper::batch_pdf)
        .moved(
            "/o/{org}/programmes/{id}/participants/export",
            paths::ParticipantsExport::PATH,
        )
        .moved(
            "/o/{org}/programmes/{id}/participants/import",
            paths::ParticipantsImport::PATH,
        )
        .moved(
            "/o/{org}/programmes/{id}/participants/import/modele",
            paths::ParticipantsImportTemplate::PATH,
        );
    let money = Routes::new()
        .typed_get(reports::report)
        .typed_get(reports::envelope_history)
        .typed_post(monthly::set)
        .typed_get(transactions::log)
        .typed_get(transactions::balances)
        .typed_get(claims::claims)
        .typed_post(claims::file)
        .typed_post(claims::decide)
        .typed_post(claims::create_batch)
        .typed_get(claims::batch)
        .typed_post(claims::pay);
    let markets = Routes::new()
        .typed_get(register::start)
        .typed_post(register::card)
        .typed_post(register::pay)
        .typed_post(paper::redeem)
        .typed_get(register::receipt)
        .typed_post(register::refund)
        .typed_get(register::registers)
        .typed_post(register::create_register)
        .typed_post(register::kiosk_action)
        .typed_post(register::retire_register)
        .typed_post(register::rename_register)
        .typed_get(kiosk::start)
        .typed_post(kiosk::card)
        .typed_post(kiosk::pay)
        .typed_get(register::public_card)
        .typed_post(register::unsubscribe);
    program.merge(people).merge(money).merge(markets)
}
