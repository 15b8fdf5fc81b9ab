//! Food-coupon pages: programs and their set-up, participants and imports, cards, the
//! register and the kiosk, transactions, reports, and reimbursement claims.

pub mod cards;
pub mod claims;
pub mod envelopes;
pub mod groups;
pub mod import;
pub mod kiosk;
pub mod managers;
pub mod members;
pub mod participant_types;
pub mod participants;
pub mod programs;
pub mod register;
pub mod reports;
pub mod schedules;
pub mod settings;
pub mod transactions;

use super::Routes;

/// The food-coupon pages, and the old English paths that redirect to them.
pub fn routes() -> Routes {
    let program = Routes::new()
        .get("/o/{org}/programmes", programs::list)
        .post("/o/{org}/programmes", programs::create)
        .get("/o/{org}/programmes/{id}", programs::show)
        .post("/o/{org}/programmes/{id}/archiver", programs::archive)
        .post(
            "/o/{org}/programmes/{id}/versements/{sid}/archiver",
            programs::archive,
        )
        .post(
            "/o/{org}/programmes/{id}/versements",
            schedules::create_schedule,
        )
        .post("/o/{org}/programmes/{id}/reglages", settings::settings)
        .post_upload(
            "/o/{org}/programmes/{id}/illustration",
            settings::card_artwork,
        )
        .post("/o/{org}/programmes/{id}/membres", members::add_member)
        .post(
            "/o/{org}/programmes/{id}/membres/{member}/retirer",
            members::remove_member,
        )
        .post(
            "/o/{org}/programmes/{id}/partenaires/{partner}/marches",
            members::set_partner_markets,
        )
        .post("/o/{org}/programmes/{id}/groupes", groups::add_group)
        .post(
            "/o/{org}/programmes/{id}/groupes/{group}/{action}",
            groups::group_action,
        )
        .post(
            "/o/{org}/programmes/{id}/groupes-marches",
            groups::add_market_group,
        )
        .post(
            "/o/{org}/programmes/{id}/groupes-marches/marche",
            groups::place_market,
        )
        .post(
            "/o/{org}/programmes/{id}/types",
            participant_types::add_type,
        )
        .post(
            "/o/{org}/programmes/{id}/types/{ptype}",
            participant_types::update_type,
        )
        .post(
            "/o/{org}/programmes/{id}/types/{ptype}/supprimer",
            participant_types::delete_type,
        )
        .post(
            "/o/{org}/programmes/{id}/enveloppes",
            envelopes::set_envelope,
        )
        .post(
            "/o/{org}/programmes/{id}/enveloppes/{envelope}/supprimer",
            envelopes::delete_envelope,
        )
        .post(
            "/o/{org}/programmes/{id}/gestionnaires",
            managers::invite_manager,
        )
        .post(
            "/o/{org}/programmes/{id}/gestionnaires/{member}/retirer",
            managers::remove_manager,
        );
    let people = Routes::new()
        .get(
            "/o/{org}/programmes/{id}/participants",
            participants::participants,
        )
        .post("/o/{org}/programmes/{id}/participants", participants::enrol)
        .get(
            "/o/{org}/programmes/{id}/participants/exporter",
            participants::export_participants,
        )
        .get(
            "/o/{org}/programmes/{id}/participants/importer",
            import::form,
        )
        .post_upload(
            "/o/{org}/programmes/{id}/participants/importer",
            import::submit,
        )
        .get(
            "/o/{org}/programmes/{id}/participants/importer/modele",
            import::template,
        )
        .get(
            "/o/{org}/programmes/{id}/participants/{pid}",
            participants::participant,
        )
        .post(
            "/o/{org}/programmes/{id}/participants/{pid}/{action}",
            participants::participant_action,
        )
        .get("/o/{org}/programmes/{id}/cartes", cards::cards)
        .post("/o/{org}/programmes/{id}/cartes", cards::create_batch)
        .post(
            "/o/{org}/programmes/{id}/cartes/{card}/{action}",
            cards::card_action,
        )
        .get(
            "/o/{org}/programmes/{id}/lots/{batch}/pdf",
            cards::batch_pdf,
        )
        .moved(
            "/o/{org}/programmes/{id}/participants/export",
            "/o/{org}/programmes/{id}/participants/exporter",
        )
        .moved(
            "/o/{org}/programmes/{id}/participants/import",
            "/o/{org}/programmes/{id}/participants/importer",
        )
        .moved(
            "/o/{org}/programmes/{id}/participants/import/modele",
            "/o/{org}/programmes/{id}/participants/importer/modele",
        );
    let money = Routes::new()
        .get("/o/{org}/programmes/{id}/rapports", reports::report)
        .get("/o/{org}/programmes/{id}/mouvements", transactions::log)
        .get("/o/{org}/programmes/{id}/soldes", transactions::balances)
        .get("/o/{org}/programmes/{id}/reclamations", claims::claims)
        .post("/o/{org}/programmes/{id}/reclamations", claims::file)
        .post(
            "/o/{org}/programmes/{id}/reclamations/{claim}/{action}",
            claims::decide,
        )
        .post("/o/{org}/programmes/{id}/paiements", claims::create_batch)
        .get("/o/{org}/programmes/{id}/paiements/{batch}", claims::batch)
        .post(
            "/o/{org}/programmes/{id}/paiements/{batch}/paye",
            claims::pay,
        );
    let markets = Routes::new()
        .get("/o/{org}/caisse", register::start)
        .post("/o/{org}/caisse/carte", register::card)
        .post("/o/{org}/caisse/vente", register::pay)
        .get("/o/{org}/caisse/recus/{id}", register::receipt)
        .post("/o/{org}/caisse/recus/{id}/rembourser", register::refund)
        .get("/o/{org}/caisses", register::registers)
        .post("/o/{org}/caisses", register::create_register)
        .post("/o/{org}/caisses/{id}/borne", register::kiosk_action)
        .post("/o/{org}/caisses/{id}/retirer", register::retire_register)
        .get("/borne/{secret}", kiosk::start)
        .post("/borne/{secret}/carte", kiosk::card)
        .post("/borne/{secret}/payer", kiosk::pay)
        .get("/c/{token}", register::public_card)
        .post("/c/{token}/courriels", register::unsubscribe);
    program.merge(people).merge(money).merge(markets)
}
