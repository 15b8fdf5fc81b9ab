//! The demo coupon program, "Programme Bonne Bouffe": two schedules, two partner organizations
//! with participants and cards, three markets with registers (two of them in a market group that
//! the first one manages), and the weeks since the season began, replayed day by day (loads,
//! expiry and sales at the markets).

use super::OPERATOR;
use crate::coupons::{ParticipantInput, ProgramInput, RedemptionInput, ScheduleInput};
use crate::{Actor, Store, StoreResult, TenantScope};
use halles_core::coupons::{Expiry, LoadMoment, ProgramRole, ReportPeriod, local_date, start_of};
use halles_core::money::Cents;
use halles_core::{ManualClock, OrgId};
use jiff::{SignedDuration, ToSpan};
use std::sync::Arc;

const PARTNERS: [&str; 2] = ["Entraide du Parc-Vert", "Maison de quartier Les Lilas"];
const MARKETS: [&str; 3] = [
    "Marché des Saules",
    "Marché du Vieux-Moulin",
    "Marché solidaire de l'Est",
];
const FUNDER: &str = "Fondation des Semences";

/// Invented first names and family names for the participants.
const FIRST: [&str; 12] = [
    "Amélie", "Bruno", "Chantal", "Denis", "Élise", "Farid", "Gisèle", "Hugo", "Inès", "Jacques",
    "Kim", "Lina",
];
const LAST: [&str; 6] = [
    "Tremblay-Nord",
    "Lacasse",
    "Desrosiers",
    "Bellefleur",
    "Ouimet",
    "Saint-Onge",
];

fn scope(org: OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

/// Loads the program, replaying the season up to today.
pub(super) async fn load(store: &Store, id_of: &dyn Fn(&str) -> Option<OrgId>) -> StoreResult<()> {
    let (Some(operator), Some(funder)) = (id_of(OPERATOR), id_of(FUNDER)) else {
        return Ok(());
    };
    let partners: Vec<OrgId> = PARTNERS.iter().filter_map(|n| id_of(n)).collect();
    let markets: Vec<OrgId> = MARKETS.iter().filter_map(|n| id_of(n)).collect();
    let today = local_date(store.now());
    // The season began on the 1st of the month, about three months ago.
    let start = today
        .checked_sub(80.days())
        .map(|d| d.first_of_month())
        .unwrap_or(today);
    let end = start
        .checked_add(10.months())
        .and_then(|d| d.yesterday())
        .unwrap_or(today);
    let clock = Arc::new(ManualClock::new(start_of(
        start.checked_sub(10.days()).unwrap_or(start),
    )));
    let past = store.with_clock(clock.clone());
    let op = scope(operator);
    let program = past
        .create_program(
            &op,
            &ProgramInput {
                name: "Programme Bonne Bouffe".into(),
                public_name: "Bonne Bouffe".into(),
                starts_on: start,
                ends_on: end,
                report_period: ReportPeriod::Month,
                anonymous: false,
                pin_required: false,
                off_platform: false,
            },
        )
        .await?;
    let opp = past.operated_program(&op, program).await?;
    for p in &partners {
        past.add_program_member(&opp, *p, ProgramRole::Partner)
            .await?;
    }
    for m in &markets {
        past.add_program_member(&opp, *m, ProgramRole::Market)
            .await?;
        for n in ["Caisse 1", "Caisse 2"] {
            past.create_register(&scope(*m), n).await?;
        }
    }
    // The first market manages a group of itself and the second one.
    if let [first, second, ..] = markets.as_slice() {
        let group = past
            .create_market_group(&opp, "Saules et Vieux-Moulin", Some(*first))
            .await?;
        for m in [first, second] {
            past.set_market_group(&opp, *m, Some(group)).await?;
        }
    }
    past.add_program_member(&opp, funder, ProgramRole::Funder)
        .await?;
    let groups = past.product_groups(program).await?;
    let types = past.participant_types(program).await?;
    let (fruits, dairy) = (groups[0].id, groups[1].id);
    let mut amounts = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let size = i as i64 + 1;
        amounts.push((t.id, fruits, Cents(1500 + 1000 * size)));
        amounts.push((t.id, dairy, Cents(500 + 500 * size)));
    }
    let season = past
        .create_schedule(
            &opp,
            &ScheduleInput {
                name: "Saison automne-hiver".into(),
                starts_on: start,
                ends_on: end,
                moment: LoadMoment::FirstAndFifteenth,
                max_loads: 20,
                carry_over: true,
                usage_based: false,
                expiry: Expiry::AfterDays { days: 60 },
                amounts,
            },
        )
        .await?;
    let winter_start = start.checked_add(2.months()).unwrap_or(start);
    let winter = past
        .create_schedule(
            &opp,
            &ScheduleInput {
                name: "Fruits d'hiver".into(),
                starts_on: winter_start,
                ends_on: winter_start.checked_add(12.weeks()).unwrap_or(end),
                moment: LoadMoment::Weekly,
                max_loads: 12,
                carry_over: false,
                usage_based: false,
                expiry: Expiry::OnDate {
                    date: winter_start.checked_add(13.weeks()).unwrap_or(end),
                },
                amounts: types.iter().map(|t| (t.id, fruits, Cents(500))).collect(),
            },
        )
        .await?;
    for p in &partners {
        past.set_envelope(&opp, season, *p, Cents(1_500_000))
            .await?;
        past.set_envelope(&opp, winter, *p, Cents(100_000)).await?;
    }
    past.create_card_batch(&opp, 40).await?;
    let mut cards = Vec::new();
    for (pi, partner) in partners.iter().enumerate() {
        let ps = scope(*partner);
        for i in 0..12 {
            let n = pi * 12 + i;
            let person = past
                .create_participant(
                    &past.program_access(&ps, program).await?,
                    &ParticipantInput {
                        participant_type: Some(types[n % types.len()].id),
                        id1: format!("{}-{:03}", if pi == 0 { "PV" } else { "LL" }, i + 1),
                        id2: String::new(),
                        name: format!("{} {}", FIRST[n % FIRST.len()], LAST[n % LAST.len()]),
                        phone: format!("514 555-{:04}", 1200 + n),
                        email: String::new(),
                        postal_code: if pi == 0 {
                            "H4A 1T2".into()
                        } else {
                            "H1N 3K5".into()
                        },
                        notes: String::new(),
                        receipts: false,
                        consent_on: Some(start),
                        consent_purpose: "Participation au programme Bonne Bouffe".into(),
                    },
                )
                .await?;
            past.enrol_in_schedule(
                &past.program_access(&ps, program).await?,
                season,
                person.id,
                true,
                None,
            )
            .await?;
            // The last two of each organization have no card yet: their loads wait.
            if i < 10 {
                cards.push(
                    past.assign_card(&past.program_access(&ps, program).await?, person.id, None)
                        .await?
                        .number,
                );
            }
        }
    }
    // The season, day by day: loads and expiry, and a few sales at the markets each week.
    let mut day = start;
    let mut n = 0usize;
    while day <= today {
        if day == winter_start {
            for (pi, partner) in partners.iter().enumerate() {
                for p in past
                    .participants(&past.program_access(&scope(*partner), program).await?, "")
                    .await?
                    .iter()
                    .take(6)
                {
                    let _ = pi;
                    past.enrol_in_schedule(
                        &past.program_access(&scope(*partner), program).await?,
                        winter,
                        p.id,
                        false,
                        None,
                    )
                    .await?;
                }
            }
        }
        clock.set(start_of(day) + SignedDuration::from_hours(7));
        past.run_due_loads(day).await?;
        past.run_expiry().await?;
        // Markets open Thursday and Saturday.
        if matches!(
            day.weekday(),
            jiff::civil::Weekday::Thursday | jiff::civil::Weekday::Saturday
        ) && day < today
        {
            for (k, card) in cards.iter().enumerate() {
                if !(k + n).is_multiple_of(3) {
                    continue;
                }
                clock.set(start_of(day) + SignedDuration::from_mins(9 * 60 + 7 * k as i64));
                let market = markets[k % markets.len()];
                let registers = past.registers(&scope(market)).await?;
                let input = RedemptionInput {
                    card: crate::coupons::CardLookup::Number(card.clone()),
                    register: registers.get(k % 2).map(|r| r.0),
                    lines: vec![
                        (fruits, Cents(700 + 50 * (k as i64 % 7))),
                        (dairy, Cents(300)),
                    ],
                    pin: None,
                };
                // A card short of funds is simply refused, as at a real register.
                let _ = past.redeem(&scope(market), &input).await;
            }
            n += 1;
        }
        day = match day.tomorrow() {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    // A gift card for the holidays.
    let free = past
        .cards(
            &opp,
            Some(halles_core::coupons::CardStatus::Unassigned),
            None,
        )
        .await?;
    if let Some(c) = free.last() {
        // Loyalty funds are the program's own money: its reserve, funded by the operator.
        past.set_reserve_budget(&opp, Cents(10_000)).await?;
        past.load_gift_card(&opp, c.id, Cents(2500), "Panier des Fêtes")
            .await?;
    }
    // The markets claimed their closed months. The operator paid the oldest in one batch; of the
    // later months, the first market has not claimed yet, the second waits for a decision and
    // the third is approved.
    let mut paid = Vec::new();
    for (k, market) in markets.iter().enumerate() {
        let periods = past
            .owed_periods(&past.program_access(&scope(*market), program).await?)
            .await?;
        for (i, period) in periods.iter().enumerate() {
            if i > 0 && k == 0 {
                continue;
            }
            let claim = past
                .file_claim(
                    &past.program_access(&scope(*market), program).await?,
                    period.start,
                    "",
                )
                .await?;
            if i == 0 || k == 2 {
                past.decide_claim(&opp, claim.id, true, "").await?;
            }
            if i == 0 {
                paid.push(claim.id);
            }
        }
    }
    if !paid.is_empty() {
        let batch = past.create_payment_batch(&opp, &paid).await?;
        past.mark_batch_paid(&opp, batch.id, today, "VIR-2026-001")
            .await?;
    }
    Ok(())
}
