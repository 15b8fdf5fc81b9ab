//! Food-coupon store tests on every path a sale can take: SQLite with the in-place sale path,
//! SQLite without it, and (when configured) PostgreSQL: a whole season with a moving clock, and
//! registers racing to spend the same card.

mod support;

use halles_core::coupons::{CardStatus, Expiry, LoadMoment, ProgramRole, ReportPeriod, local_date};
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::validation::FieldError;
use halles_core::{CardId, Clock, ManualClock, OrgId, ProductGroupId, ProgramId};
use halles_store::coupons::{
    CardLookup, Dimension, ParticipantInput, ProgramInput, ProgramScope, RedemptionInput,
    ReportFilter, ScheduleInput, TransactionFilter,
};
use halles_store::testing::TestDb;
use halles_store::{Actor, Store, StoreError, TenantScope};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use support::{scope, season};

/// Manual loads here draw on the program's reserve.
const RESERVE: Option<halles_store::coupons::FundSource> =
    Some(halles_store::coupons::FundSource::Reserve);

/// The program `id` as `scope`'s organization reaches it.
async fn access(store: &Store, scope: &TenantScope, id: ProgramId) -> ProgramScope {
    store.program_access(scope, id).await.unwrap()
}

/// The program as its operator reaches it.
async fn op_program(store: &Store, program: ProgramId) -> ProgramScope {
    let operator = store.program_by_id(program).await.unwrap().operator;
    store
        .operated_program(&scope(operator), program)
        .await
        .unwrap()
}

/// The program as an organization reaches it.
async fn reach_as(store: &Store, scope: &TenantScope, program: ProgramId) -> ProgramScope {
    store.program_access(scope, program).await.unwrap()
}

/// Noon in Montréal on a date.
fn noon(d: Date) -> Timestamp {
    halles_core::coupons::start_of(d) + SignedDuration::from_hours(12)
}

/// Runs `body` on every sale path, the clock at noon on May 20th, 2026.
async fn on_every_db<F, Fut>(body: F)
where
    F: Fn(Store, Arc<ManualClock>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    support::on_every_sale_path(noon(date(2026, 5, 20)), body).await;
}

struct World {
    operator: OrgId,
    partner_a: OrgId,
    partner_b: OrgId,
    market: OrgId,
    other_market: OrgId,
    funder: OrgId,
    program: ProgramId,
    fruits: ProductGroupId,
    dairy: ProductGroupId,
    loyalty: ProductGroupId,
}

async fn world(store: &Store) -> World {
    let org = |k, n: &'static str| support::org(store, k, n);
    let operator = org(OrgKind::ProgramOperator, "Collectif").await;
    let partner_a = org(OrgKind::PartnerOrg, "Entraide A").await;
    let partner_b = org(OrgKind::PartnerOrg, "Maison B").await;
    let market = org(OrgKind::Market, "Marché des Saules").await;
    let other_market = org(OrgKind::Market, "Marché hors programme").await;
    let funder = org(OrgKind::Funder, "Fondation").await;
    let program = store
        .create_program(&scope(operator), &season())
        .await
        .unwrap();
    for (m, r) in [
        (partner_a, ProgramRole::Partner),
        (partner_b, ProgramRole::Partner),
        (market, ProgramRole::Market),
        (funder, ProgramRole::Funder),
    ] {
        store
            .add_program_member(&access(store, &scope(operator), program).await, m, r)
            .await
            .unwrap();
    }
    // A market cannot join as a partner.
    assert!(matches!(
        store
            .add_program_member(
                &access(store, &scope(operator), program).await,
                other_market,
                ProgramRole::Partner
            )
            .await,
        Err(StoreError::Refused(Refusal::WrongKind))
    ));
    // Manual loads in these tests draw on the program's reserve.
    store
        .set_reserve_budget(
            &access(store, &scope(operator), program).await,
            Cents(1_000_000_000),
        )
        .await
        .unwrap();
    let groups = store.product_groups(program).await.unwrap();
    assert_eq!(groups.len(), 3);
    assert!(groups[2].is_loyalty);
    World {
        operator,
        partner_a,
        partner_b,
        market,
        other_market,
        funder,
        program,
        fruits: groups[0].id,
        dairy: groups[1].id,
        loyalty: groups[2].id,
    }
}

impl World {
    /// A batch of `batch` cards; `who` becomes a participant of partner A and gets the batch's
    /// first card, loaded by the operator with `cents` of fruits.
    async fn loaded_card(
        &self,
        store: &Store,
        batch: u32,
        who: &ParticipantInput,
        cents: i64,
    ) -> (halles_store::coupons::Participant, CardId) {
        let op = access(store, &scope(self.operator), self.program).await;
        let partner = access(store, &scope(self.partner_a), self.program).await;
        store.create_card_batch(&op, batch).await.unwrap();
        let p = store.create_participant(&partner, who).await.unwrap();
        let card = store.assign_card(&partner, p.id, None).await.unwrap().id;
        store
            .adjust_funds(
                &op,
                card,
                self.fruits,
                Cents(cents),
                RESERVE,
                "chargement manuel",
            )
            .await
            .unwrap();
        (p, card)
    }
}

fn someone(t: halles_core::ParticipantTypeId, id1: &str) -> ParticipantInput {
    ParticipantInput {
        participant_type: Some(t),
        id1: id1.into(),
        name: format!("Personne {id1}"),
        receipts: true,
        consent_on: Some(date(2026, 5, 20)),
        consent_purpose: "Programme Bonne Bouffe 2026".into(),
        ..ParticipantInput::default()
    }
}

async fn spend(
    store: &Store,
    market: OrgId,
    card: CardId,
    lines: &[(ProductGroupId, i64)],
) -> Result<halles_store::coupons::Redemption, StoreError> {
    // A sale names its card by what the holder shows: here, its number.
    let number = store.find_card_by_id(&scope(market), card).await?.number;
    store
        .redeem(
            &scope(market),
            &RedemptionInput {
                card: CardLookup::Number(number),
                register: None,
                lines: lines.iter().map(|(g, c)| (*g, Cents(*c))).collect(),
                pin: None,
            },
        )
        .await
}

async fn balance(store: &Store, card: CardId, group: ProductGroupId) -> i64 {
    store
        .card_balances(card)
        .await
        .unwrap()
        .iter()
        .find(|b| b.group == group)
        .map(|b| b.balance.0)
        .unwrap_or(0)
}

/// Moves the clock to noon of `d`, running the background jobs each day on the way (twice, as a
/// restarted worker would).
async fn run_until(store: &Store, clock: &ManualClock, d: Date) {
    let mut today = local_date(clock.now());
    while today < d {
        today = today.tomorrow().unwrap();
        clock.set(noon(today));
        for _ in 0..2 {
            store.run_due_loads(today).await.unwrap();
            store.run_expiry().await.unwrap();
        }
    }
}

#[tokio::test]
async fn a_refused_schedule_or_batch_names_each_field_once_and_creates_nothing() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let ps = op_program(&store, w.program).await;
        let types = store.participant_types(w.program).await.unwrap();
        let before = store.schedules(&ps).await.unwrap().len();
        let input = ScheduleInput {
            name: " ".into(),
            starts_on: date(2026, 8, 31),
            ends_on: date(2026, 6, 1),
            moment: LoadMoment::FirstAndFifteenth,
            max_loads: 0,
            carry_over: false,
            usage_based: false,
            expiry: Expiry::Never,
            amounts: Vec::new(),
        };
        let Err(StoreError::Invalid(fields)) = store.create_schedule(&ps, &input).await else {
            panic!("a schedule refused field by field");
        };
        let named: Vec<(&str, &str)> = fields.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            named,
            [
                ("name", "required"),
                ("ends_on", "ends_before_start"),
                ("max_loads", "max_loads")
            ]
        );
        let stray = ScheduleInput {
            name: "Été".into(),
            starts_on: date(2026, 6, 1),
            ends_on: date(2026, 8, 31),
            max_loads: 3,
            amounts: vec![(types[0].id, ProductGroupId(w.fruits.0 + 999), Cents(100))],
            ..input
        };
        assert!(matches!(
            store.create_schedule(&ps, &stray).await,
            Err(StoreError::Invalid(f)) if f == [FieldError::refused("amounts", Refusal::UnknownGroupOrType)]
        ));
        assert_eq!(store.schedules(&ps).await.unwrap().len(), before);
        assert!(matches!(
            store.create_card_batch(&ps, 0).await,
            Err(StoreError::Invalid(f)) if f == [FieldError::refused("size", Refusal::BatchSize)]
        ));
    })
    .await;
}

#[tokio::test]
async fn a_refused_program_names_each_field_and_changes_nothing() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let named = |r: Result<(), StoreError>| match r {
            Err(StoreError::Invalid(fields)) => fields
                .iter()
                .map(|f| (f.field.clone(), f.code))
                .collect::<Vec<_>>(),
            other => panic!("a program refused field by field, not {other:?}"),
        };
        let both = [
            ("name".to_owned(), "required"),
            ("ends_on".to_owned(), "ends_before_start"),
        ];
        let before = store.programs(&op).await.unwrap().len();
        let bad = ProgramInput {
            name: " ".into(),
            starts_on: date(2026, 8, 31),
            ends_on: date(2026, 6, 1),
            ..season()
        };
        assert_eq!(named(store.create_program(&op, &bad).await.map(drop)), both);
        assert_eq!(store.programs(&op).await.unwrap().len(), before);
        let ps = op_program(&store, w.program).await;
        let kept = store.program_by_id(w.program).await.unwrap();
        let mut settings = halles_store::coupons::ProgramSettings::from(&kept);
        settings.name = String::new();
        settings.ends_on = date(2020, 1, 1);
        assert_eq!(named(store.update_program(&ps, &settings).await), both);
        let after = store.program_by_id(w.program).await.unwrap();
        assert_eq!((after.name, after.ends_on), (kept.name, kept.ends_on));
    })
    .await;
}

#[tokio::test]
async fn a_season_loads_on_the_right_days_carries_over_expires_and_reconciles() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let types = store.participant_types(w.program).await.unwrap();
        let (one, two) = (types[0].id, types[1].id);
        // Twice a month, 30-day expiry, carry-over: 6 loads from June to August.
        let s1 = store
            .create_schedule(
                &access(&store, &op, w.program).await,
                &ScheduleInput {
                    name: "Été".into(),
                    starts_on: date(2026, 6, 1),
                    ends_on: date(2026, 8, 31),
                    moment: LoadMoment::FirstAndFifteenth,
                    max_loads: 6,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::AfterDays { days: 30 },
                    amounts: vec![
                        (one, w.fruits, Cents(1000)),
                        (one, w.dairy, Cents(500)),
                        (two, w.fruits, Cents(1500)),
                        (two, w.dairy, Cents(500)),
                    ],
                },
            )
            .await
            .unwrap();
        // Monthly, replaced by each load, everything expires after October 31st.
        let s2 = store
            .create_schedule(
                &access(&store, &op, w.program).await,
                &ScheduleInput {
                    name: "Saison".into(),
                    starts_on: date(2026, 6, 1),
                    ends_on: date(2026, 10, 31),
                    moment: LoadMoment::FirstOfMonth,
                    max_loads: 5,
                    carry_over: false,
                    usage_based: false,
                    expiry: Expiry::OnDate {
                        date: date(2026, 10, 31),
                    },
                    amounts: vec![(one, w.fruits, Cents(2000))],
                },
            )
            .await
            .unwrap();
        store
            .set_envelope(
                &access(&store, &op, store.schedule(s1).await.unwrap().program).await,
                s1,
                w.partner_a,
                Cents(20_000),
            )
            .await
            .unwrap();
        store
            .set_envelope(
                &access(&store, &op, store.schedule(s2).await.unwrap().program).await,
                s2,
                w.partner_a,
                Cents(10_000),
            )
            .await
            .unwrap();
        store
            .set_envelope(
                &access(&store, &op, store.schedule(s1).await.unwrap().program).await,
                s1,
                w.partner_b,
                Cents(5_000),
            )
            .await
            .unwrap();
        let pa = scope(w.partner_a);
        let p1 = store
            .create_participant(&access(&store, &pa, w.program).await, &someone(one, "A-1"))
            .await
            .unwrap();
        let p2 = store
            .create_participant(&access(&store, &pa, w.program).await, &someone(two, "A-2"))
            .await
            .unwrap();
        assert_eq!(p1.code.len(), 8);
        // The first identifier is unique within the organization.
        assert!(matches!(
            store
                .create_participant(&access(&store, &pa, w.program).await, &someone(one, "A-1"))
                .await,
            Err(StoreError::Invalid(f)) if f == [FieldError::refused("id1", Refusal::DuplicateId1)]
        ));
        // Partner B never sees partner A's participants; a market sees none at all.
        assert!(
            store
                .participant(&access(&store, &scope(w.partner_b), w.program).await, p1.id)
                .await
                .is_err()
        );
        assert!(
            store
                .participants(&access(&store, &scope(w.market), w.program).await, "")
                .await
                .is_err()
        );
        assert_eq!(
            store
                .participants(&access(&store, &op, w.program).await, "A-")
                .await
                .unwrap()
                .len(),
            2
        );

        // Enrolling reserves every load from the envelope, and never beyond it.
        assert_eq!(
            store
                .enrol_in_schedule(
                    &access(&store, &pa, store.schedule(s1).await.unwrap().program).await,
                    s1,
                    p1.id,
                    false,
                    None
                )
                .await
                .unwrap(),
            Cents(9_000)
        );
        assert!(matches!(
            store
                .enrol_in_schedule(
                    &access(&store, &pa, store.schedule(s1).await.unwrap().program).await,
                    s1,
                    p2.id,
                    false,
                    None
                )
                .await,
            Err(StoreError::Refused(Refusal::OverBudget))
        ));
        store
            .move_envelope(
                &access(&store, &op, store.schedule(s1).await.unwrap().program).await,
                s1,
                w.partner_b,
                w.partner_a,
                Cents(1_000),
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .enrol_in_schedule(
                    &access(&store, &pa, store.schedule(s1).await.unwrap().program).await,
                    s1,
                    p2.id,
                    false,
                    None
                )
                .await
                .unwrap(),
            Cents(12_000)
        );
        store
            .enrol_in_schedule(
                &access(&store, &pa, store.schedule(s2).await.unwrap().program).await,
                s2,
                p1.id,
                false,
                None,
            )
            .await
            .unwrap();
        let forecast = store
            .forecast(
                &access(&store, &pa, store.schedule(s1).await.unwrap().program).await,
                s1,
                p1.id,
            )
            .await
            .unwrap();
        assert_eq!(
            forecast.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
            vec![
                date(2026, 6, 1),
                date(2026, 6, 15),
                date(2026, 7, 1),
                date(2026, 7, 15),
                date(2026, 8, 1),
                date(2026, 8, 15)
            ]
        );

        let (_, cards) = store
            .create_card_batch(&access(&store, &op, w.program).await, 6)
            .await
            .unwrap();
        assert!(cards.iter().all(|c| c.status == CardStatus::Unassigned));
        let card1 = store
            .assign_card(&access(&store, &pa, w.program).await, p1.id, None)
            .await
            .unwrap();
        assert_eq!(card1.id, cards[0].id);

        // June 1st: P1 gets both schedules; P2 has no card, gets nothing (money stays).
        run_until(&store, &clock, date(2026, 6, 1)).await;
        assert_eq!(balance(&store, card1.id, w.fruits).await, 3000);
        assert_eq!(balance(&store, card1.id, w.dairy).await, 500);
        let env = store
            .envelopes(&op_program(&store, w.program).await, Some(w.partner_a))
            .await
            .unwrap();
        let env_s1 = env.iter().find(|e| e.schedule == s1).unwrap();
        assert_eq!(env_s1.loaded, Cents(1500));
        assert_eq!(env_s1.reserved, Cents(9_000 - 1_500 + 12_000 - 2_000));
        // Each load is an event of its own transaction, once however often the job runs
        // (it ran twice): what was credited to which card, or why nothing was.
        let runs = store.events(Some("load_run"), 10).await.unwrap();
        assert!(
            runs.iter()
                .all(|e| e.event.organization() == Some(w.operator))
        );
        let mut runs: Vec<_> = runs
            .into_iter()
            .map(|e| match e.event {
                halles_store::platform::events::Event::LoadRun {
                    operator,
                    program,
                    schedule,
                    participant,
                    due_on,
                    outcome,
                    card,
                    total,
                    ..
                } => {
                    assert_eq!((operator, program), (w.operator, w.program));
                    assert_eq!(due_on, date(2026, 6, 1));
                    (schedule, participant, outcome, card, total)
                }
                other => panic!("{other:?}"),
            })
            .collect();
        runs.sort_by_key(|r| (r.0, r.1));
        assert_eq!(
            runs,
            vec![
                (s1, p1.id, "loaded".to_owned(), Some(card1.id), Cents(1500)),
                (s1, p2.id, "no_card".to_owned(), None, Cents(0)),
                (s2, p1.id, "loaded".to_owned(), Some(card1.id), Cents(2000)),
            ]
        );

        run_until(&store, &clock, date(2026, 6, 3)).await;
        spend(&store, w.market, card1.id, &[(w.fruits, 800)])
            .await
            .unwrap();
        // A market outside the program does not even find the card.
        assert!(matches!(
            spend(&store, w.other_market, card1.id, &[(w.fruits, 1)]).await,
            Err(StoreError::NotFound)
        ));
        assert!(
            store
                .find_card(
                    &scope(w.other_market),
                    &CardLookup::Number(card1.number.clone())
                )
                .await
                .is_err()
        );

        // June 10th: P2 gets a card, and a catch-up of the missed June 1st load.
        run_until(&store, &clock, date(2026, 6, 10)).await;
        let card2 = store
            .assign_card(&access(&store, &pa, w.program).await, p2.id, None)
            .await
            .unwrap();
        store
            .reissue_load(
                &access(&store, &pa, store.schedule(s1).await.unwrap().program).await,
                s1,
                p2.id,
                date(2026, 6, 1),
            )
            .await
            .unwrap();
        assert_eq!(balance(&store, card2.id, w.fruits).await, 1500);
        assert!(matches!(
            store
                .reissue_load(
                    &access(&store, &pa, store.schedule(s1).await.unwrap().program).await,
                    s1,
                    p2.id,
                    date(2026, 6, 1)
                )
                .await,
            Err(StoreError::Refused(Refusal::NoMissedLoad))
        ));

        // June 20th: a sale over two groups, refused beyond the balance, then a partial refund.
        run_until(&store, &clock, date(2026, 6, 20)).await;
        assert!(matches!(
            spend(&store, w.market, card1.id, &[(w.dairy, 5_000)]).await,
            Err(StoreError::Insufficient(_))
        ));
        let sale = spend(
            &store,
            w.market,
            card1.id,
            &[(w.fruits, 1500), (w.dairy, 200)],
        )
        .await
        .unwrap();
        assert_eq!(sale.total, Cents(1700));
        store
            .refund(
                &scope(w.market),
                sale.id,
                &[(w.fruits, Cents(300))],
                "retour",
            )
            .await
            .unwrap();
        assert!(matches!(
            store
                .refund(&scope(w.market), sale.id, &[(w.dairy, Cents(201))], "trop")
                .await,
            Err(StoreError::Refused(Refusal::RefundExceedsPayment))
        ));

        // July 2nd: June 1st's summer load expired (30 days), June's monthly load was replaced.
        run_until(&store, &clock, date(2026, 7, 2)).await;
        // The refund went back to the lots the sale drew from (the June 1st lots, 200 + 100), so
        // June 1st's 30-day lot expired with 200 of fruits and 300 of dairy, and 1,800 of June's
        // monthly load was replaced on July 1st.
        assert_eq!(balance(&store, card1.id, w.fruits).await, 1000 + 2000);
        assert_eq!(balance(&store, card1.id, w.dairy).await, 500 + 500);
        let t = store
            .report_totals(
                &reach_as(&store, &op, w.program).await,
                ReportFilter::default(),
            )
            .await
            .unwrap();
        // P2's caught-up June 1st load (1,500 + 500) expired on July 1st too.
        assert_eq!(t.expired, Cents(200 + 300 + 1800 + 2000));

        // July 5th: card 1 is lost; its funds move to a new card, the old one is refused.
        run_until(&store, &clock, date(2026, 7, 5)).await;
        let card3 = store
            .replace_lost_card(
                &access(
                    &store,
                    &pa,
                    store.card(&pa, card1.id).await.unwrap().program,
                )
                .await,
                card1.id,
                None,
            )
            .await
            .unwrap();
        assert_eq!(balance(&store, card3.id, w.fruits).await, 3000);
        assert_eq!(balance(&store, card3.id, w.dairy).await, 1000);
        assert_eq!(balance(&store, card1.id, w.fruits).await, 0);
        assert!(matches!(
            spend(&store, w.market, card1.id, &[(w.fruits, 1)]).await,
            Err(StoreError::Refused(Refusal::CardLost))
        ));

        // August 20th: P2 never spends; only the two loads of the last 30 days are left.
        run_until(&store, &clock, date(2026, 8, 20)).await;
        assert_eq!(balance(&store, card2.id, w.fruits).await, 3000);
        assert_eq!(balance(&store, card2.id, w.dairy).await, 1000);

        // After the season everything has expired; the ledger, the cached balances, the lots
        // and every report agree to the cent.
        run_until(&store, &clock, date(2026, 11, 5)).await;
        let loaded = 6 * 1500 + 5 * 2000 + 6 * 2000;
        let t = store
            .report_totals(
                &reach_as(&store, &op, w.program).await,
                ReportFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!(t.loaded, Cents(loaded));
        assert_eq!(t.spent, Cents(800 + 1700));
        assert_eq!(t.refunded, Cents(300));
        assert_eq!(t.expired, Cents(loaded - 2500 + 300));
        assert_eq!(t.transferred, Cents(0));
        assert_eq!(t.remaining(), Cents(0));
        assert_eq!(
            store.ledger_check(w.program).await.unwrap(),
            (Cents(0), Cents(0), Cents(0))
        );
        // Every cent loaded, by a schedule or by hand, came from an envelope or the reserve.
        let funds = store.funds_check(w.program).await.unwrap();
        assert!(funds.balanced(), "{funds:?}");
        for d in Dimension::ALL {
            let rows = store
                .report(
                    &reach_as(&store, &op, w.program).await,
                    Some(d),
                    ReportFilter::default(),
                )
                .await
                .unwrap();
            let sum = |f: fn(&halles_store::coupons::Totals) -> Cents| {
                Cents(rows.iter().map(|r| f(&r.totals).0).sum())
            };
            assert_eq!(sum(|x| x.loaded), t.loaded, "{d:?}");
            assert_eq!(sum(|x| x.spent), t.spent, "{d:?}");
            assert_eq!(sum(|x| x.expired), t.expired, "{d:?}");
            assert_eq!(sum(|x| x.refunded), t.refunded, "{d:?}");
        }
        // The end-of-schedule report: every cent spent and refunded is traced to the schedule
        // that loaded it, and each schedule ends with nothing left.
        let by_schedule = store
            .report(
                &reach_as(&store, &op, w.program).await,
                Some(Dimension::Schedule),
                ReportFilter::default(),
            )
            .await
            .unwrap();
        for id in [s1, s2] {
            let row = by_schedule.iter().find(|r| r.key == Some(id.0)).unwrap();
            assert!(row.totals.loaded.0 > 0 && row.totals.spent.0 > 0, "{row:?}");
            assert_eq!(row.totals.remaining(), Cents(0), "{row:?}");
        }
        assert!(
            by_schedule.iter().all(|r| r.key.is_some()),
            "{by_schedule:?}"
        );
        let by_market = store
            .report(
                &reach_as(&store, &op, w.program).await,
                Some(Dimension::Market),
                ReportFilter::default(),
            )
            .await
            .unwrap();
        let owed = by_market
            .iter()
            .find(|r| r.key == Some(w.market.0))
            .unwrap();
        assert_eq!(owed.totals.net_spent(), Cents(2200));
        // The market reads only what it is owed; the funder reads everything.
        let market_view = store
            .report_totals(
                &reach_as(&store, &scope(w.market), w.program).await,
                ReportFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!(market_view.loaded, Cents(0));
        assert_eq!(market_view.net_spent(), Cents(2200));
        assert_eq!(
            store
                .report_totals(
                    &reach_as(&store, &scope(w.funder), w.program).await,
                    ReportFilter::default()
                )
                .await
                .unwrap(),
            t
        );
        // Each load ran exactly once, though the jobs ran twice a day.
        let reach = store
            .reach(
                &reach_as(&store, &op, w.program).await,
                ReportFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            (reach.enrolled, reach.loaded, reach.used, reach.repeat),
            (2, 2, 1, 1)
        );
        // The same, per partner organization: all of it is partner A's.
        let by_partner = store
            .reach_by_partner(
                &reach_as(&store, &op, w.program).await,
                ReportFilter::default(),
            )
            .await
            .unwrap();
        let of = |name: &str| {
            by_partner
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, r)| (r.enrolled, r.loaded, r.used, r.repeat))
        };
        assert_eq!(of("Entraide A"), Some((2, 2, 1, 1)));
        assert_eq!(of("Maison B"), Some((0, 0, 0, 0)));
        assert!(
            store
                .reach_by_partner(
                    &reach_as(&store, &scope(w.market), w.program).await,
                    ReportFilter::default()
                )
                .await
                .is_err()
        );
        // Envelopes: nothing left reserved, and what expired went back.
        for e in store
            .envelope_report(&reach_as(&store, &op, w.program).await)
            .await
            .unwrap()
        {
            assert_eq!(e.reserved, Cents(0), "{}", e.partner);
        }
        let a = store
            .envelopes(&op_program(&store, w.program).await, Some(w.partner_a))
            .await
            .unwrap();
        let loaded_left: i64 = a.iter().map(|e| e.loaded.0).sum();
        assert_eq!(
            loaded_left,
            2500 - 300,
            "only what was spent stays out of the envelopes"
        );
        // June: a month filter sees only June's movements.
        let june = ReportFilter {
            from: Some(halles_core::coupons::start_of(date(2026, 6, 1))),
            until: Some(halles_core::coupons::start_of(date(2026, 7, 1))),
            ..ReportFilter::default()
        };
        let tj = store
            .report_totals(&reach_as(&store, &op, w.program).await, june)
            .await
            .unwrap();
        assert_eq!(tj.loaded, Cents(1500 * 2 + 2000 + 2000 * 2));
        assert_eq!(tj.spent, Cents(2500));
        // By the program's reconciliation period (months): June's row is June's totals, the
        // months come in order, and one market's rows add up to what it is owed.
        let months = store
            .report(
                &reach_as(&store, &op, w.program).await,
                Some(Dimension::Period),
                ReportFilter::default(),
            )
            .await
            .unwrap();
        let keys: Vec<i64> = months.iter().filter_map(|r| r.key).collect();
        assert_eq!(keys.first(), Some(&20260601), "{keys:?}");
        assert!(keys.windows(2).all(|k| k[0] < k[1]) && keys.iter().all(|k| k % 100 == 1));
        let june_row = months.iter().find(|r| r.key == Some(20260601)).unwrap();
        assert_eq!(june_row.totals, tj);
        assert_eq!(june_row.label, "2026-06-01");
        let one_market = ReportFilter {
            market: Some(w.market),
            ..ReportFilter::default()
        };
        let owed: i64 = store
            .report(
                &reach_as(&store, &op, w.program).await,
                Some(Dimension::Period),
                one_market,
            )
            .await
            .unwrap()
            .iter()
            .map(|r| {
                assert_eq!(r.totals.loaded, Cents(0), "a market's rows hold no loads");
                r.totals.net_spent().0
            })
            .sum();
        assert_eq!(owed, 2200);
    })
    .await;
}

#[tokio::test]
async fn registers_racing_on_one_card_never_take_it_below_zero() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let (_, cards) = store
            .create_card_batch(&access(&store, &op, w.program).await, 2)
            .await
            .unwrap();
        let types = store.participant_types(w.program).await.unwrap();
        let p = store
            .create_participant(
                &access(&store, &scope(w.partner_a), w.program).await,
                &someone(types[0].id, "R-1"),
            )
            .await
            .unwrap();
        let card = store
            .assign_card(
                &access(&store, &scope(w.partner_a), w.program).await,
                p.id,
                None,
            )
            .await
            .unwrap()
            .id;
        store
            .adjust_funds(
                &access(&store, &op, store.card(&op, card).await.unwrap().program).await,
                card,
                w.fruits,
                Cents(10_000),
                RESERVE,
                "chargement manuel",
            )
            .await
            .unwrap();
        store
            .adjust_funds(
                &access(&store, &op, store.card(&op, card).await.unwrap().program).await,
                card,
                w.loyalty,
                Cents(1_000),
                RESERVE,
                "fidélité",
            )
            .await
            .unwrap();
        // A gift card spends loyalty funds for any group.
        store
            .load_gift_card(
                &access(
                    &store,
                    &op,
                    store.card(&op, cards[1].id).await.unwrap().program,
                )
                .await,
                cards[1].id,
                Cents(500),
                "cadeau",
            )
            .await
            .unwrap();
        spend(&store, w.market, cards[1].id, &[(w.dairy, 400)])
            .await
            .unwrap();
        let mut handles = Vec::new();
        for _ in 0..60 {
            let s = store.clone();
            let (market, fruits) = (w.market, w.fruits);
            handles.push(tokio::spawn(async move {
                match spend(&s, market, card, &[(fruits, 300)]).await {
                    Ok(_) => 300,
                    Err(StoreError::Insufficient(_)) => 0,
                    Err(e) => panic!("unexpected: {e}"),
                }
            }));
        }
        let mut spent = 0;
        for h in handles {
            spent += h.await.unwrap();
        }
        // 11,000 cents at 300 a sale: 36 sales, 200 left, whatever the interleaving.
        assert_eq!(spent, 36 * 300);
        let left = balance(&store, card, w.fruits).await + balance(&store, card, w.loyalty).await;
        assert_eq!(left, 200);
        let (ledger, cached, lots) = store.ledger_check(w.program).await.unwrap();
        assert_eq!(ledger, Cents(11_000 + 500 - 400 - spent));
        assert_eq!(cached, ledger);
        assert_eq!(lots, ledger);
        let t = store
            .report_totals(
                &reach_as(&store, &op, w.program).await,
                ReportFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!(t.adjusted, Cents(11_500));
        assert_eq!(t.spent, Cents(400 + spent));
        assert_eq!(t.remaining(), ledger);
        // A disabled card is refused with its state.
        store
            .set_card_enabled(
                &access(&store, &op, store.card(&op, card).await.unwrap().program).await,
                card,
                false,
            )
            .await
            .unwrap();
        assert!(matches!(
            spend(&store, w.market, card, &[(w.fruits, 100)]).await,
            Err(StoreError::Refused(Refusal::CardDisabled))
        ));
        store
            .set_card_enabled(
                &access(&store, &op, store.card(&op, card).await.unwrap().program).await,
                card,
                true,
            )
            .await
            .unwrap();
        spend(&store, w.market, card, &[(w.fruits, 100)])
            .await
            .unwrap();
    })
    .await;
}

/// On SQLite a sale runs in place on its own connection (or through the writer pool, with the
/// in-place path off); when another writer holds the file's write lock (here another process's
/// transaction), the sale waits its turn and completes.
#[tokio::test]
async fn a_sale_waits_for_another_writer_then_completes() {
    for db in [TestDb::sqlite(), TestDb::sqlite_general()] {
        eprintln!("running on {}", db.label);
        a_sale_waits_for_another_writer(db).await;
    }
}

async fn a_sale_waits_for_another_writer(db: TestDb) {
    use sqlx::Connection;
    let clock = Arc::new(ManualClock::new(noon(date(2026, 5, 20))));
    let store = db.store(clock as Arc<dyn Clock>).await.unwrap();
    let w = world(&store).await;
    let types = store.participant_types(w.program).await.unwrap();
    let (_, card) = w
        .loaded_card(&store, 1, &someone(types[0].id, "W-1"), 1_000)
        .await;
    let mut other = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let sale = {
        let s = store.clone();
        tokio::spawn(async move { spend(&s, w.market, card, &[(w.fruits, 400)]).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!sale.is_finished(), "the sale went past a held write lock");
    sqlx::query("COMMIT").execute(&mut other).await.unwrap();
    let done = sale.await.unwrap().unwrap();
    assert_eq!(done.total, Cents(400));
    assert_eq!(balance(&store, card, w.fruits).await, 600);
    let (ledger, cached, lots) = store.ledger_check(w.program).await.unwrap();
    assert_eq!((ledger, cached, lots), (Cents(600), Cents(600), Cents(600)));
    store.close().await;
    db.cleanup().await;
}

/// Asserts a refusal with its stable code.
fn refused<T>(r: Result<T, StoreError>, code: &str) {
    match r {
        Err(StoreError::Refused(c)) => assert_eq!(c.code(), code),
        Err(e) => panic!("expected {code}, got {e}"),
        Ok(_) => panic!("expected {code}, got a success"),
    }
}

/// A market claims a closed period's redemptions less refunds; the operator refuses, approves,
/// batches and pays; the claim equals the period report's figure.
#[tokio::test]
async fn a_market_claims_a_closed_period_and_the_operator_pays_it_in_a_batch() {
    use halles_core::coupons::{BatchStatus, ClaimStatus};
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let market = scope(w.market);
        let types = store.participant_types(w.program).await.unwrap();
        let (_, card) = w
            .loaded_card(&store, 1, &someone(types[0].id, "C-1"), 5_000)
            .await;
        // May: 1,000 spent, 200 refunded. June: 300 spent.
        let sale = spend(&store, w.market, card, &[(w.fruits, 1_000)])
            .await
            .unwrap();
        store
            .refund(&market, sale.id, &[(w.fruits, Cents(200))], "retour")
            .await
            .unwrap();
        clock.set(noon(date(2026, 6, 2)));
        spend(&store, w.market, card, &[(w.fruits, 300)])
            .await
            .unwrap();
        let periods = store
            .owed_periods(&access(&store, &market, w.program).await)
            .await
            .unwrap();
        assert_eq!(periods.len(), 1, "June is not closed yet");
        assert_eq!(periods[0].start, date(2026, 5, 1));
        assert_eq!(periods[0].end, date(2026, 6, 1));
        assert_eq!(periods[0].owed, Cents(800));
        // The period report says the same.
        let by_period = store
            .report(
                &reach_as(&store, &op, w.program).await,
                Some(Dimension::Period),
                ReportFilter {
                    market: Some(w.market),
                    ..ReportFilter::default()
                },
            )
            .await
            .unwrap();
        let may = &by_period[0].totals;
        assert_eq!(may.spent.0 - may.refunded.0, 800);

        refused(
            store
                .file_claim(
                    &access(&store, &market, w.program).await,
                    date(2026, 5, 5),
                    "",
                )
                .await,
            "period_invalid",
        );
        refused(
            store
                .file_claim(
                    &access(&store, &market, w.program).await,
                    date(2026, 6, 1),
                    "",
                )
                .await,
            "period_open",
        );
        refused(
            store
                .file_claim(
                    &access(&store, &market, w.program).await,
                    date(2026, 4, 1),
                    "",
                )
                .await,
            "nothing_owed",
        );
        // Only markets of the program claim; only the operator and the market read claims.
        assert!(matches!(
            store
                .file_claim(
                    &access(&store, &scope(w.partner_a), w.program).await,
                    date(2026, 5, 1),
                    ""
                )
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .claims(&access(&store, &scope(w.funder), w.program).await, None)
                .await,
            Err(StoreError::NotFound)
        ));
        let first = store
            .file_claim(
                &access(&store, &market, w.program).await,
                date(2026, 5, 1),
                "  Mai  ",
            )
            .await
            .unwrap();
        assert_eq!(
            (first.amount, first.status, first.note.as_str()),
            (Cents(800), ClaimStatus::Submitted, "Mai")
        );
        refused(
            store
                .file_claim(
                    &access(&store, &market, w.program).await,
                    date(2026, 5, 1),
                    "",
                )
                .await,
            "already_claimed",
        );
        // A market cannot decide; a refusal needs a reason; a refused period is claimed again.
        assert!(
            store
                .decide_claim(
                    &access(&store, &market, w.program).await,
                    first.id,
                    true,
                    ""
                )
                .await
                .is_err()
        );
        refused(
            store
                .decide_claim(&access(&store, &op, w.program).await, first.id, false, " ")
                .await,
            "reason_required",
        );
        let r = store
            .decide_claim(
                &access(&store, &op, w.program).await,
                first.id,
                false,
                "Facture manquante",
            )
            .await
            .unwrap();
        assert_eq!(r.status, ClaimStatus::Rejected);
        let again = store
            .file_claim(
                &access(&store, &market, w.program).await,
                date(2026, 5, 1),
                "Avec facture",
            )
            .await
            .unwrap();
        // Weeks instead of months: the days of May claimed already cannot be claimed again.
        let mut settings = halles_store::coupons::ProgramSettings::from(
            &store.program_by_id(w.program).await.unwrap(),
        );
        settings.report_period = ReportPeriod::Week;
        store
            .update_program(&access(&store, &op, w.program).await, &settings)
            .await
            .unwrap();
        refused(
            store
                .file_claim(
                    &access(&store, &market, w.program).await,
                    date(2026, 5, 18),
                    "",
                )
                .await,
            "already_claimed",
        );
        settings.report_period = ReportPeriod::Month;
        store
            .update_program(&access(&store, &op, w.program).await, &settings)
            .await
            .unwrap();
        refused(
            store
                .create_payment_batch(&access(&store, &op, w.program).await, &[again.id])
                .await,
            "claim_not_approved",
        );
        refused(
            store
                .create_payment_batch(&access(&store, &op, w.program).await, &[])
                .await,
            "no_claims",
        );
        store
            .decide_claim(&access(&store, &op, w.program).await, again.id, true, "")
            .await
            .unwrap();
        refused(
            store
                .decide_claim(
                    &access(&store, &op, w.program).await,
                    again.id,
                    false,
                    "non",
                )
                .await,
            "claim_decided",
        );
        let batch = store
            .create_payment_batch(&access(&store, &op, w.program).await, &[again.id, again.id])
            .await
            .unwrap();
        assert_eq!((batch.total, batch.claims), (Cents(800), 1));
        assert_eq!(batch.status, BatchStatus::Open);
        refused(
            store
                .create_payment_batch(&access(&store, &op, w.program).await, &[again.id])
                .await,
            "claim_not_approved",
        );
        let (_, paid) = store
            .mark_batch_paid(
                &access(&store, &op, w.program).await,
                batch.id,
                date(2026, 6, 10),
                " VIR-0042 ",
            )
            .await
            .unwrap();
        assert_eq!(paid.len(), 1);
        assert_eq!(paid[0].status, ClaimStatus::Paid);
        refused(
            store
                .mark_batch_paid(
                    &access(&store, &op, w.program).await,
                    batch.id,
                    date(2026, 6, 10),
                    "",
                )
                .await,
            "batch_paid",
        );
        let (b, _) = store
            .payment_batch(&access(&store, &op, w.program).await, batch.id)
            .await
            .unwrap();
        assert_eq!(b.reference, "VIR-0042");
        assert_eq!(b.paid_on, Some(date(2026, 6, 10)));
        let mine = store
            .claims(&access(&store, &market, w.program).await, None)
            .await
            .unwrap();
        assert_eq!(mine.len(), 2);
        let periods = store
            .owed_periods(&access(&store, &market, w.program).await)
            .await
            .unwrap();
        assert_eq!(periods[0].claim, Some((again.id, ClaimStatus::Paid)));
        assert_eq!(
            store
                .claims(
                    &access(&store, &op, w.program).await,
                    Some(ClaimStatus::Paid)
                )
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            store
                .payment_batches(&access(&store, &op, w.program).await)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            store
                .payment_batches(&access(&store, &market, w.program).await)
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn the_demo_season_reconciles_with_its_ledger() {
    for db in TestDb::every_sale_path().await {
        let store = db
            .store(Arc::new(halles_core::SystemClock) as Arc<dyn Clock>)
            .await
            .unwrap();
        halles_store::demo::load(&store).await.unwrap();
        let operator = store
            .organizations()
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.kind == OrgKind::ProgramOperator)
            .unwrap()
            .id;
        let programs = store.programs(&scope(operator)).await.unwrap();
        let program = programs[0].0.id;
        let t = store
            .report_totals(
                &reach_as(&store, &scope(operator), program).await,
                ReportFilter::default(),
            )
            .await
            .unwrap();
        assert!(t.loaded.0 > 0 && t.spent.0 > 0, "{t:?}");
        let (ledger, cached, lots) = store.ledger_check(program).await.unwrap();
        assert_eq!(ledger, t.remaining());
        assert_eq!(cached, ledger);
        assert_eq!(lots, ledger);
        assert_eq!(
            store
                .schedules(&op_program(&store, program).await)
                .await
                .unwrap()
                .len(),
            2
        );
        // Markets claimed their closed months; the oldest are paid in one batch.
        let claims = store
            .claims(&access(&store, &scope(operator), program).await, None)
            .await
            .unwrap();
        let has = |st| claims.iter().any(|c| c.status == st);
        use halles_core::coupons::ClaimStatus;
        assert!(
            has(ClaimStatus::Paid) && has(ClaimStatus::Approved) && has(ClaimStatus::Submitted),
            "{claims:?}"
        );
        assert_eq!(
            store
                .payment_batches(&access(&store, &scope(operator), program).await)
                .await
                .unwrap()
                .len(),
            1
        );
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_import_reports_every_row_and_applies_all_or_nothing() {
    use halles_store::coupons::ImportRow;
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let types = store.participant_types(w.program).await.unwrap();
        let s = store
            .create_schedule(
                &access(&store, &op, w.program).await,
                &ScheduleInput {
                    name: "Été".into(),
                    starts_on: date(2026, 6, 1),
                    ends_on: date(2026, 7, 31),
                    moment: LoadMoment::FirstOfMonth,
                    max_loads: 2,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::Never,
                    amounts: vec![(types[0].id, w.fruits, Cents(1000))],
                },
            )
            .await
            .unwrap();
        // Room for two people of type 1 (2 loads of 10 $ each).
        store
            .set_envelope(
                &access(&store, &op, store.schedule(s).await.unwrap().program).await,
                s,
                w.partner_a,
                Cents(4000),
            )
            .await
            .unwrap();
        let pa = scope(w.partner_a);
        store
            .create_participant(
                &access(&store, &pa, w.program).await,
                &someone(types[0].id, "X-1"),
            )
            .await
            .unwrap();
        let row = |line, t: &str, id1: &str, consent: &str, email: &str| ImportRow {
            line,
            participant_type: t.into(),
            id1: id1.into(),
            consent_on: consent.into(),
            email: email.into(),
            name: format!("Ligne {line}"),
            ..ImportRow::default()
        };
        let rows = vec![
            row(2, "1", "N-1", "2026-05-01", ""),
            row(3, "1 personne", "N-2", "2026-05-01", "n2@example.org"),
            row(4, "7", "N-3", "2026-05-01", ""),
            row(5, "1", "N-4", "hier", ""),
            row(6, "1", "X-1", "2026-05-01", ""),
            row(7, "1", "N-1", "2026-05-01", ""),
            row(8, "1", "N-5", "2026-05-01", "pas-un-courriel"),
            row(9, "1", "N-6", "2026-05-01", ""),
        ];
        let report = store
            .import_participants(
                &access(&store, &pa, w.program).await,
                &rows,
                "programme",
                Some(s),
                true,
            )
            .await
            .unwrap();
        let problems: Vec<_> = report.rows.iter().map(|r| r.problem).collect();
        assert_eq!(
            problems,
            vec![
                None,
                None,
                Some("unknown_type"),
                Some("date_invalid"),
                None,
                Some("duplicate_id1_in_file"),
                Some("email_invalid"),
                Some("over_budget")
            ]
        );
        assert!(!report.applied);
        assert_eq!(
            store
                .participants(&access(&store, &pa, w.program).await, "")
                .await
                .unwrap()
                .len(),
            1,
            "nothing saved"
        );
        // The two good rows alone go in, enrolled, in one go.
        let report = store
            .import_participants(
                &access(&store, &pa, w.program).await,
                &rows[..2],
                "programme",
                Some(s),
                true,
            )
            .await
            .unwrap();
        assert!(report.applied);
        assert!(
            report
                .rows
                .iter()
                .all(|r| r.code.as_ref().is_some_and(|c| c.len() == 8))
        );
        assert_eq!(
            store
                .participants(&access(&store, &pa, w.program).await, "")
                .await
                .unwrap()
                .len(),
            3
        );
        let env = store
            .envelopes(&op_program(&store, w.program).await, Some(w.partner_a))
            .await
            .unwrap();
        assert_eq!(env[0].reserved, Cents(4000));
        // Another partner cannot import into this program's lists of partner A, nor a market.
        assert!(
            store
                .import_participants(
                    &access(&store, &scope(w.market), w.program).await,
                    &rows,
                    "p",
                    None,
                    false
                )
                .await
                .is_err()
        );
        // An envelope with enrolments stays; an unused one can be deleted, by the operator only.
        assert!(matches!(
            store
                .delete_envelope(&access(&store, &op, w.program).await, env[0].id)
                .await,
            Err(StoreError::Refused(Refusal::EnvelopeInUse))
        ));
        let unused = store
            .set_envelope(
                &access(&store, &op, store.schedule(s).await.unwrap().program).await,
                s,
                w.partner_b,
                Cents(1000),
            )
            .await
            .unwrap();
        assert!(matches!(
            store
                .delete_envelope(
                    &access(&store, &scope(w.partner_b), w.program).await,
                    unused
                )
                .await,
            Err(StoreError::NotFound)
        ));
        // Named under another program, it is not found.
        assert!(matches!(
            store
                .program_access(&op, ProgramId(w.program.0 + 1000))
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .delete_envelope(&access(&store, &op, w.program).await, unused)
            .await
            .unwrap();
        assert!(
            store
                .envelopes(&op_program(&store, w.program).await, Some(w.partner_b))
                .await
                .unwrap()
                .is_empty()
        );

        // A partner reads its own envelopes only, whatever it asks for.
        let own = access(&store, &scope(w.partner_a), w.program).await;
        for asked in [None, Some(w.partner_a), Some(w.partner_b)] {
            let seen = store.envelopes(&own, asked).await.unwrap();
            assert!(seen.iter().all(|e| e.partner == w.partner_a), "{seen:?}");
        }

        // A large organization: 600 people in one list. The export has them all (the search
        // page shows 500), and a later list is checked against every one of them.
        let pb = scope(w.partner_b);
        let many: Vec<ImportRow> = (0..600)
            .map(|i| row(i + 2, "1", &format!("G-{i}"), "2026-05-01", ""))
            .collect();
        let report = store
            .import_participants(
                &access(&store, &pb, w.program).await,
                &many,
                "Programme",
                None,
                true,
            )
            .await
            .unwrap();
        assert!(report.applied);
        assert_eq!(
            store
                .all_participants(&access(&store, &pb, w.program).await)
                .await
                .unwrap()
                .len(),
            600
        );
        assert_eq!(
            store
                .participants(&access(&store, &pb, w.program).await, "")
                .await
                .unwrap()
                .len(),
            500
        );
        let again = store
            .import_participants(
                &access(&store, &pb, w.program).await,
                &many[..1],
                "Programme",
                None,
                false,
            )
            .await
            .unwrap();
        // A known identifier is that person, unchanged (a list imported again updates them).
        assert_eq!(again.rows[0].problem, None, "G-0 is the oldest");
        assert_eq!(again.rows[0].action, Some("unchanged"));
    })
    .await;
}

#[tokio::test]
async fn a_program_with_pins_refuses_a_card_without_the_right_one() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let program = store
            .create_program(
                &op,
                &ProgramInput {
                    name: "Avec NIP".into(),
                    anonymous: true,
                    pin_required: true,
                    ..season()
                },
            )
            .await
            .unwrap();
        store
            .add_program_member(
                &access(&store, &op, program).await,
                w.partner_a,
                ProgramRole::Partner,
            )
            .await
            .unwrap();
        store
            .add_program_member(
                &access(&store, &op, program).await,
                w.market,
                ProgramRole::Market,
            )
            .await
            .unwrap();
        let fruits = store.product_groups(program).await.unwrap()[0].id;
        let t = store.participant_types(program).await.unwrap()[0].id;
        store
            .fund_reserve(&access(&store, &op, program).await, Cents(1000))
            .await
            .unwrap();
        store
            .create_card_batch(&access(&store, &op, program).await, 1)
            .await
            .unwrap();
        let pa = scope(w.partner_a);
        let p = store
            .create_participant(&access(&store, &pa, program).await, &someone(t, "P-1"))
            .await
            .unwrap();
        let card = store
            .assign_card(&access(&store, &pa, program).await, p.id, None)
            .await
            .unwrap()
            .id;
        store
            .adjust_funds(
                &access(&store, &op, store.card(&op, card).await.unwrap().program).await,
                card,
                fruits,
                Cents(1000),
                RESERVE,
                "test",
            )
            .await
            .unwrap();
        let number = store.card(&pa, card).await.unwrap().number;
        let pay = |pin: Option<&str>| RedemptionInput {
            card: CardLookup::Number(number.clone()),
            register: None,
            lines: vec![(fruits, Cents(100))],
            pin: pin.map(str::to_owned),
        };
        let m = scope(w.market);
        assert!(matches!(
            store.redeem(&m, &pay(Some("1234"))).await,
            Err(StoreError::Refused(Refusal::PinNotSet))
        ));
        assert!(matches!(
            store
                .set_card_pin(
                    &access(&store, &pa, store.card(&pa, card).await.unwrap().program).await,
                    card,
                    "12a4"
                )
                .await,
            Err(StoreError::Refused(Refusal::PinInvalid))
        ));
        store
            .set_card_pin(
                &access(&store, &pa, store.card(&pa, card).await.unwrap().program).await,
                card,
                "2468",
            )
            .await
            .unwrap();
        assert!(matches!(
            store.redeem(&m, &pay(None)).await,
            Err(StoreError::Refused(Refusal::PinRequired))
        ));
        assert!(matches!(
            store.redeem(&m, &pay(Some("1357"))).await,
            Err(StoreError::Refused(Refusal::PinWrong))
        ));
        store.redeem(&m, &pay(Some("2468"))).await.unwrap();
        assert_eq!(balance(&store, card, fruits).await, 900);

        // Five wrong PINs in a row lock it: the right one is refused too, until the partner
        // unlocks it (a market cannot); both are audited.
        for n in 1..=5 {
            let expected = if n < 5 { "pin_wrong" } else { "pin_locked" };
            let got = store.redeem(&m, &pay(Some("1111"))).await;
            assert!(
                matches!(got, Err(StoreError::Refused(c)) if c.code() == expected),
                "try {n}: {got:?}"
            );
        }
        assert!(matches!(
            store.redeem(&m, &pay(Some("2468"))).await,
            Err(StoreError::Refused(Refusal::PinLocked))
        ));
        assert!(store.card(&pa, card).await.unwrap().pin_locked);
        assert_eq!(balance(&store, card, fruits).await, 900);
        assert!(matches!(
            store.unlock_card_pin(&m, card).await,
            Err(StoreError::NotFound)
        ));
        store.unlock_card_pin(&pa, card).await.unwrap();
        store.redeem(&m, &pay(Some("2468"))).await.unwrap();
        assert_eq!(balance(&store, card, fruits).await, 800);
        let pins = |who: TenantScope| {
            let store = store.clone();
            async move {
                store
                    .audit_entries(&who, &halles_store::platform::audit::Filter::default(), 100)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|e| {
                        e.entity == "card"
                            && e.after
                                .as_ref()
                                .is_some_and(|a| a.get("pin_locked").is_some())
                    })
                    .map(|e| e.after.unwrap()["pin_locked"].clone())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            pins(m).await,
            vec![serde_json::json!(true)],
            "the lock, by the market"
        );
        assert_eq!(
            pins(pa).await,
            vec![serde_json::json!(false)],
            "the unlock, by the partner"
        );

        // A right PIN starts the count again; many wrong PINs at once are counted in the
        // database: no more than four of them are ever checked before the lock.
        store.redeem(&m, &pay(Some("1111"))).await.ok();
        store.redeem(&m, &pay(Some("2468"))).await.unwrap();
        let mut tries = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (store, input) = (store.clone(), pay(Some("9999")));
            tries.spawn(async move { store.redeem(&m, &input).await });
        }
        let mut wrong = 0;
        while let Some(r) = tries.join_next().await {
            match r.unwrap() {
                Err(StoreError::Refused(Refusal::PinWrong)) => wrong += 1,
                Err(StoreError::Refused(Refusal::PinLocked)) => {}
                other => panic!("{other:?}"),
            }
        }
        assert!(wrong <= 4, "{wrong} wrong PINs checked past the limit");
        assert!(matches!(
            store.redeem(&m, &pay(Some("2468"))).await,
            Err(StoreError::Refused(Refusal::PinLocked))
        ));
        assert_eq!(balance(&store, card, fruits).await, 700);
    })
    .await;
}

#[tokio::test]
async fn a_market_group_manager_reads_its_markets_sales_and_no_one_elses() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let north = support::org(&store, OrgKind::Market, "Marché du Nord").await;
        let south = support::org(&store, OrgKind::Market, "Marché du Sud").await;
        for m in [north, south] {
            store
                .add_program_member(
                    &access(&store, &op, w.program).await,
                    m,
                    ProgramRole::Market,
                )
                .await
                .unwrap();
        }
        // The manager must be one of the program's markets; names are unique per program.
        assert!(matches!(
            store
                .create_market_group(
                    &access(&store, &op, w.program).await,
                    "Quartiers",
                    Some(w.partner_a)
                )
                .await,
            Err(StoreError::Refused(Refusal::ManagerNotMarket))
        ));
        assert!(matches!(
            store
                .create_market_group(
                    &access(&store, &scope(w.market), w.program).await,
                    "Quartiers",
                    None
                )
                .await,
            Err(StoreError::NotFound)
        ));
        let group = store
            .create_market_group(
                &access(&store, &op, w.program).await,
                "Quartiers",
                Some(w.market),
            )
            .await
            .unwrap();
        assert!(matches!(
            store
                .create_market_group(&access(&store, &op, w.program).await, "Quartiers", None)
                .await,
            Err(StoreError::Refused(Refusal::NameTaken))
        ));
        for m in [w.market, north] {
            store
                .set_market_group(&access(&store, &op, w.program).await, m, Some(group))
                .await
                .unwrap();
        }
        // A market outside the program cannot be placed.
        assert!(matches!(
            store
                .set_market_group(
                    &access(&store, &op, w.program).await,
                    w.other_market,
                    Some(group)
                )
                .await,
            Err(StoreError::NotFound)
        ));
        // The program's default group (where joining markets land) and the new one.
        let groups = store.market_groups(w.program).await.unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].name, "Marchés du programme");
        assert!(groups[0].manager.is_none());
        assert_eq!(
            groups[0].markets.len(),
            1,
            "the south stayed in the default group"
        );
        assert_eq!(groups[1].manager.as_ref().map(|m| m.0), Some(w.market));
        assert_eq!(groups[1].markets.len(), 2);

        // One card spends 1 $ at the manager's market, 2 $ at the north, 4 $ at the south.
        let t = store.participant_types(w.program).await.unwrap()[0].id;
        let pa = scope(w.partner_a);
        let (p, card) = w.loaded_card(&store, 1, &someone(t, "G-1"), 1000).await;
        for (m, c) in [(w.market, 100), (north, 200), (south, 400)] {
            spend(&store, m, card, &[(w.fruits, c)]).await.unwrap();
        }
        let spent_by = |s: TenantScope, by| {
            let store = store.clone();
            async move {
                store
                    .report(
                        &reach_as(&store, &s, w.program).await,
                        by,
                        ReportFilter::default(),
                    )
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| (r.label, r.totals.spent.0))
                    .collect::<Vec<_>>()
            }
        };
        // The manager reads its group's markets; the north its own; the operator every group.
        assert_eq!(
            spent_by(scope(w.market), Some(Dimension::Market)).await,
            vec![
                ("Marché des Saules".to_owned(), 100),
                ("Marché du Nord".to_owned(), 200)
            ]
        );
        assert_eq!(
            spent_by(scope(north), Some(Dimension::Market)).await,
            vec![("Marché du Nord".to_owned(), 200)]
        );
        let by_group = spent_by(op, Some(Dimension::MarketGroup)).await;
        assert!(
            by_group.contains(&("Quartiers".to_owned(), 300)),
            "{by_group:?}"
        );
        assert!(
            by_group.contains(&("Marchés du programme".to_owned(), 400)),
            "{by_group:?}"
        );
        // The transaction log: the operator reads every sale with its card's holder, a market
        // its group's sales without any holder, a partner only its participants' movements.
        let all = store
            .transactions(
                &reach_as(&store, &op, w.program).await,
                &TransactionFilter::default(),
                100,
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 4, "a correction and three sales: {all:?}");
        assert!(all.windows(2).all(|x| x[0].id > x[1].id), "newest first");
        assert!(
            all.iter()
                .all(|t| t.participant.as_deref() == Some(p.code.as_str()))
        );
        let sales = TransactionFilter {
            kind: Some(halles_core::coupons::EntryKind::Spend),
            ..TransactionFilter::default()
        };
        let seen = store
            .transactions(
                &reach_as(&store, &scope(w.market), w.program).await,
                &sales,
                100,
            )
            .await
            .unwrap();
        assert_eq!(
            seen.iter().map(|t| t.amount.0).collect::<Vec<_>>(),
            vec![-200, -100]
        );
        assert!(seen.iter().all(|t| t.participant.is_none()));
        // A funder reads the money, and only the last 4 digits of cards and codes.
        let funded = store
            .transactions(
                &reach_as(&store, &scope(w.funder), w.program).await,
                &TransactionFilter::default(),
                100,
            )
            .await
            .unwrap();
        assert_eq!(funded.len(), all.len());
        for (f, o) in funded.iter().zip(&all) {
            assert_eq!(f.card, format!("•••• {}", &o.card[o.card.len() - 4..]));
            assert!(!f.card.contains(&o.card[..12]), "{}", f.card);
            let code = o.participant.clone().unwrap_or_default();
            let tail: String = code
                .chars()
                .skip(code.chars().count().saturating_sub(4))
                .collect();
            assert_eq!(f.participant, Some(format!("•••• {tail}")));
        }
        let page = store
            .transactions(
                &reach_as(&store, &op, w.program).await,
                &TransactionFilter {
                    before: Some(all[1].id),
                    ..sales.clone()
                },
                1,
            )
            .await
            .unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(
            page[0].id, all[2].id,
            "the next page starts after the last seen"
        );
        assert_eq!(
            store
                .transactions(
                    &reach_as(&store, &scope(w.partner_b), w.program).await,
                    &TransactionFilter::default(),
                    100
                )
                .await
                .unwrap()
                .len(),
            0
        );
        // Card balances: the operator and the card's partner read them, a market cannot.
        let balances = store.card_balance_report(&op, w.program).await.unwrap();
        assert_eq!(balances.len(), 1);
        assert_eq!(balances[0].total(), Cents(300));
        assert_eq!(balances[0].participant.as_deref(), Some(p.code.as_str()));
        assert_eq!(
            store
                .card_balance_report(&pa, w.program)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            store
                .card_balance_report(&scope(w.partner_b), w.program)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .card_balance_report(&scope(w.market), w.program)
                .await
                .is_err()
        );
        // Partner A sends its participants to the north only: the card is refused elsewhere,
        // before anything moves; with no market ticked, every market takes it again.
        store
            .set_partner_markets(&access(&store, &op, w.program).await, w.partner_a, &[north])
            .await
            .unwrap();
        assert!(matches!(
            spend(&store, w.market, card, &[(w.fruits, 50)]).await,
            Err(StoreError::Refused(Refusal::CardOtherMarket))
        ));
        spend(&store, north, card, &[(w.fruits, 50)]).await.unwrap();
        assert_eq!(
            store.partner_markets(w.program).await.unwrap(),
            vec![(w.partner_a, north)]
        );
        // Only the operator links, and only the program's own partners and markets.
        assert!(
            store
                .set_partner_markets(&access(&store, &pa, w.program).await, w.partner_a, &[])
                .await
                .is_err()
        );
        assert!(matches!(
            store
                .set_partner_markets(
                    &access(&store, &op, w.program).await,
                    w.partner_a,
                    &[w.other_market]
                )
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .set_partner_markets(&access(&store, &op, w.program).await, w.partner_a, &[])
            .await
            .unwrap();
        spend(&store, w.market, card, &[(w.fruits, 50)])
            .await
            .unwrap();
        // A partner with participants cannot leave the program; an empty one can, and a
        // market taken out redeems no more and manages nothing.
        assert!(matches!(
            store
                .remove_program_member(&access(&store, &op, w.program).await, w.partner_a)
                .await,
            Err(StoreError::Refused(Refusal::MemberInUse))
        ));
        // Nor can it be archived from the platform.
        assert!(matches!(
            store
                .set_organization_archived(Actor::system(), w.partner_a, true)
                .await,
            Err(StoreError::Refused(Refusal::OrgInUse))
        ));
        store
            .remove_program_member(&access(&store, &op, w.program).await, w.partner_b)
            .await
            .unwrap();
        assert!(
            store
                .remove_program_member(&access(&store, &pa, w.program).await, w.funder)
                .await
                .is_err()
        );
        // Taken out of the group, the north is no longer the manager's to read.
        store
            .set_market_group(&access(&store, &op, w.program).await, north, None)
            .await
            .unwrap();
        assert_eq!(
            spent_by(scope(w.market), Some(Dimension::Market)).await,
            vec![("Marché des Saules".to_owned(), 150)],
            "its first sale and the one after the links were lifted"
        );
        store
            .remove_program_member(&access(&store, &op, w.program).await, w.market)
            .await
            .unwrap();
        assert!(
            spend(&store, w.market, card, &[(w.fruits, 10)])
                .await
                .is_err()
        );
        assert!(
            store
                .market_groups(w.program)
                .await
                .unwrap()
                .iter()
                .all(|g| g.manager.is_none())
        );
        assert!(
            store
                .program_members(w.program)
                .await
                .unwrap()
                .iter()
                .all(|m| m.org != w.market && m.org != w.partner_b)
        );
    })
    .await;
}

#[tokio::test]
async fn product_groups_are_renamed_reordered_and_deleted_only_when_unused() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        store
            .rename_product_group(
                &access(&store, &op, w.program).await,
                w.dairy,
                "Laitiers",
                "Dairy",
            )
            .await
            .unwrap();
        let first = |s: Store| async move { s.product_groups(w.program).await.unwrap() };
        assert!(
            first(store.clone())
                .await
                .iter()
                .any(|g| g.name_fr == "Laitiers")
        );
        let fruits_name = first(store.clone()).await[0].name_fr.clone();
        assert!(matches!(
            store
                .rename_product_group(
                    &access(&store, &op, w.program).await,
                    w.dairy,
                    &fruits_name,
                    ""
                )
                .await,
            Err(StoreError::Refused(Refusal::DuplicateName))
        ));
        assert!(matches!(
            store
                .rename_product_group(&access(&store, &op, w.program).await, w.dairy, " ", "")
                .await,
            Err(StoreError::Refused(Refusal::NameRequired))
        ));
        // Only the operator changes groups.
        assert!(matches!(
            store
                .rename_product_group(
                    &access(&store, &scope(w.partner_a), w.program).await,
                    w.dairy,
                    "X",
                    ""
                )
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .move_product_group(&access(&store, &op, w.program).await, w.dairy, true)
            .await
            .unwrap();
        assert_eq!(first(store.clone()).await[0].id, w.dairy);
        // The first one cannot go higher.
        store
            .move_product_group(&access(&store, &op, w.program).await, w.dairy, true)
            .await
            .unwrap();
        assert_eq!(first(store.clone()).await[0].id, w.dairy);
        // An unused group goes; the loyalty group and a group with money on a card stay.
        let bread = store
            .add_product_group(
                &access(&store, &op, w.program).await,
                "Pain",
                "Bread",
                "#795548",
            )
            .await
            .unwrap();
        store
            .delete_product_group(&access(&store, &op, w.program).await, bread)
            .await
            .unwrap();
        assert!(matches!(
            store
                .delete_product_group(&access(&store, &op, w.program).await, w.loyalty)
                .await,
            Err(StoreError::Refused(Refusal::LoyaltyReserved))
        ));
        let t = store.participant_types(w.program).await.unwrap()[0].id;
        w.loaded_card(&store, 1, &someone(t, "D-1"), 500).await;
        assert!(matches!(
            store
                .delete_product_group(&access(&store, &op, w.program).await, w.fruits)
                .await,
            Err(StoreError::Refused(Refusal::GroupInUse))
        ));
        assert_eq!(first(store.clone()).await.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn participant_types_are_added_and_renamed_with_unique_import_keys() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let big = store
            .add_participant_type(
                &access(&store, &op, w.program).await,
                "Famille de 5 et plus",
                "",
                "5+",
            )
            .await
            .unwrap();
        let types = store.participant_types(w.program).await.unwrap();
        let added = types.iter().find(|t| t.id == big).unwrap();
        assert_eq!(
            (added.name_en.as_str(), added.match_key.as_str()),
            ("Famille de 5 et plus", "5+")
        );
        assert_eq!(types.last().map(|t| t.id), Some(big), "added at the end");
        assert!(matches!(
            store
                .add_participant_type(&access(&store, &op, w.program).await, "Autre", "", "5+")
                .await,
            Err(StoreError::Refused(Refusal::DuplicateMatchKey))
        ));
        assert!(matches!(
            store
                .add_participant_type(
                    &access(&store, &scope(w.partner_a), w.program).await,
                    "X",
                    "",
                    "x"
                )
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .update_participant_type(
                &access(&store, &op, w.program).await,
                big,
                "Grande famille",
                "Large family",
                "GRANDE",
            )
            .await
            .unwrap();
        let t = store
            .participant_types(w.program)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.id == big)
            .unwrap();
        assert_eq!(
            (t.name_fr.as_str(), t.name_en.as_str(), t.match_key.as_str()),
            ("Grande famille", "Large family", "grande")
        );
        assert!(matches!(
            store
                .update_participant_type(&access(&store, &op, w.program).await, big, "", "", "")
                .await,
            Err(StoreError::Refused(Refusal::NameRequired))
        ));
    })
    .await;
}

#[tokio::test]
async fn one_participants_loads_and_type_change_and_the_envelope_follows() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let pa = scope(w.partner_a);
        let types = store.participant_types(w.program).await.unwrap();
        let (one, two) = (types[0].id, types[1].id);
        // Monthly, 10.00 (one person) or 20.00 (two persons), at most 4 loads.
        let s = store
            .create_schedule(
                &access(&store, &op, w.program).await,
                &ScheduleInput {
                    name: "Été".into(),
                    starts_on: date(2026, 6, 1),
                    ends_on: date(2026, 10, 31),
                    moment: LoadMoment::FirstOfMonth,
                    max_loads: 4,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::Never,
                    amounts: vec![(one, w.fruits, Cents(1000)), (two, w.fruits, Cents(2000))],
                },
            )
            .await
            .unwrap();
        store
            .set_envelope(
                &access(&store, &op, store.schedule(s).await.unwrap().program).await,
                s,
                w.partner_a,
                Cents(8_000),
            )
            .await
            .unwrap();
        let reserved = || async {
            let e = store
                .envelopes(&op_program(&store, w.program).await, None)
                .await
                .unwrap();
            e.iter()
                .find(|e| e.schedule == s && e.partner == w.partner_a)
                .map(|e| e.reserved.0)
                .unwrap()
        };
        let p = store
            .create_participant(&access(&store, &pa, w.program).await, &someone(one, "M-1"))
            .await
            .unwrap();
        store
            .enrol_in_schedule(
                &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                s,
                p.id,
                false,
                None,
            )
            .await
            .unwrap();
        assert_eq!(reserved().await, 4_000);

        // Fewer loads give money back; more than the schedule's load dates (five firsts of the
        // month from June to October) is refused.
        store
            .set_max_loads(
                &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                s,
                p.id,
                2,
            )
            .await
            .unwrap();
        assert_eq!(reserved().await, 2_000);
        assert_eq!(
            store
                .forecast(
                    &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                    s,
                    p.id
                )
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(matches!(
            store
                .set_max_loads(
                    &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                    s,
                    p.id,
                    6
                )
                .await,
            Err(StoreError::Refused(Refusal::MaxLoadsAboveSchedule))
        ));
        assert!(matches!(
            store
                .set_max_loads(
                    &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                    s,
                    p.id,
                    0
                )
                .await,
            Err(StoreError::Refused(Refusal::MaxLoads))
        ));
        // Another partner cannot touch them.
        assert!(
            store
                .set_max_loads(
                    &access(
                        &store,
                        &scope(w.partner_b),
                        store.schedule(s).await.unwrap().program
                    )
                    .await,
                    s,
                    p.id,
                    3
                )
                .await
                .is_err()
        );

        // A new type changes what every pending load costs: 2 loads of 20.00.
        let mut input = someone(two, "M-1");
        input.name = "Nouveau nom".into();
        store
            .update_participant(&access(&store, &pa, w.program).await, p.id, &input, true)
            .await
            .unwrap();
        assert_eq!(reserved().await, 4_000);
        // Back to 4 loads would need 8,000 for them alone: still within the 8,000 budget.
        store
            .set_max_loads(
                &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                s,
                p.id,
                4,
            )
            .await
            .unwrap();
        assert_eq!(reserved().await, 8_000);
        let q = store
            .create_participant(&access(&store, &pa, w.program).await, &someone(one, "M-2"))
            .await
            .unwrap();
        assert!(matches!(
            store
                .enrol_in_schedule(
                    &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                    s,
                    q.id,
                    false,
                    None
                )
                .await,
            Err(StoreError::Refused(Refusal::OverBudget))
        ));
        store
            .set_max_loads(
                &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                s,
                p.id,
                3,
            )
            .await
            .unwrap();
        assert_eq!(reserved().await, 6_000);

        // After two loads ran, the maximum cannot go below two.
        store
            .create_card_batch(&access(&store, &op, w.program).await, 2)
            .await
            .unwrap();
        store
            .assign_card(&access(&store, &pa, w.program).await, p.id, None)
            .await
            .unwrap();
        run_until(&store, &clock, date(2026, 7, 2)).await;
        assert!(matches!(
            store
                .set_max_loads(
                    &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                    s,
                    p.id,
                    1
                )
                .await,
            Err(StoreError::Refused(Refusal::MaxLoadsBelowLoaded))
        ));
        store
            .set_max_loads(
                &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                s,
                p.id,
                2,
            )
            .await
            .unwrap();
        assert_eq!(reserved().await, 0, "both loads ran, nothing is pending");

        // Participant types: one in use cannot be deleted, an unused one can.
        let spare = store
            .add_participant_type(
                &access(&store, &op, w.program).await,
                "Inutilisé",
                "",
                "spare",
            )
            .await
            .unwrap();
        assert!(matches!(
            store
                .delete_participant_type(&access(&store, &op, w.program).await, two)
                .await,
            Err(StoreError::Refused(Refusal::TypeInUse))
        ));
        assert!(
            store
                .delete_participant_type(&access(&store, &pa, w.program).await, spare)
                .await
                .is_err()
        );
        store
            .delete_participant_type(&access(&store, &op, w.program).await, spare)
            .await
            .unwrap();
        assert!(
            !store
                .participant_types(w.program)
                .await
                .unwrap()
                .iter()
                .any(|t| t.id == spare)
        );
        let again = store
            .add_participant_type(&access(&store, &op, w.program).await, "Autre", "", "autre")
            .await
            .unwrap();
        let positions: Vec<i64> = store
            .participant_types(w.program)
            .await
            .unwrap()
            .iter()
            .map(|t| t.position)
            .collect();
        let mut unique = positions.clone();
        unique.dedup();
        assert_eq!(
            positions, unique,
            "a type added after a deletion gets its own place"
        );
        assert_eq!(
            store
                .participant_types(w.program)
                .await
                .unwrap()
                .last()
                .map(|t| t.id),
            Some(again)
        );
    })
    .await;
}

#[tokio::test]
async fn an_anonymous_program_never_stores_identities() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let program = store
            .create_program(
                &op,
                &ProgramInput {
                    name: "Anonyme".into(),
                    anonymous: true,
                    ..season()
                },
            )
            .await
            .unwrap();
        store
            .add_program_member(
                &access(&store, &op, program).await,
                w.partner_a,
                ProgramRole::Partner,
            )
            .await
            .unwrap();
        let t = store.participant_types(program).await.unwrap()[0].id;
        let pa = scope(w.partner_a);
        let mut input = someone(t, "X-1");
        input.email = "x@example.org".into();
        input.phone = "514 555 0000".into();
        let p = store
            .create_participant(&access(&store, &pa, program).await, &input)
            .await
            .unwrap();
        assert_eq!(
            (
                p.name.as_str(),
                p.email.as_str(),
                p.phone.as_str(),
                p.receipts
            ),
            ("", "", "", false)
        );
        assert_eq!(p.id1, "X-1");
        store
            .update_participant(&access(&store, &pa, program).await, p.id, &input, true)
            .await
            .unwrap();
        let p = store
            .participant(&access(&store, &pa, program).await, p.id)
            .await
            .unwrap();
        assert_eq!((p.name.as_str(), p.email.as_str()), ("", ""));
    })
    .await;
}

#[tokio::test]
async fn funds_expiring_after_first_use_wait_for_it_then_last_their_days() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let pa = scope(w.partner_a);
        let t = store.participant_types(w.program).await.unwrap()[0].id;
        let s = store
            .create_schedule(
                &access(&store, &op, w.program).await,
                &ScheduleInput {
                    name: "Une fois".into(),
                    starts_on: date(2026, 6, 1),
                    ends_on: date(2026, 10, 31),
                    moment: LoadMoment::FirstOfMonth,
                    max_loads: 1,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::AfterFirstUse { days: 10 },
                    amounts: vec![(t, w.fruits, Cents(3000))],
                },
            )
            .await
            .unwrap();
        store
            .set_envelope(
                &access(&store, &op, store.schedule(s).await.unwrap().program).await,
                s,
                w.partner_a,
                Cents(3000),
            )
            .await
            .unwrap();
        store
            .create_card_batch(&access(&store, &op, w.program).await, 2)
            .await
            .unwrap();
        let p = store
            .create_participant(&access(&store, &pa, w.program).await, &someone(t, "U-1"))
            .await
            .unwrap();
        store
            .enrol_in_schedule(
                &access(&store, &pa, store.schedule(s).await.unwrap().program).await,
                s,
                p.id,
                false,
                None,
            )
            .await
            .unwrap();
        let card = store
            .assign_card(&access(&store, &pa, w.program).await, p.id, None)
            .await
            .unwrap()
            .id;
        // Loaded June 1st and untouched all summer: nothing expires.
        run_until(&store, &clock, date(2026, 8, 20)).await;
        assert_eq!(balance(&store, card, w.fruits).await, 3000);
        // First purchase on August 20th (day 1): the rest lasts through August 29th.
        spend(&store, w.market, card, &[(w.fruits, 500)])
            .await
            .unwrap();
        run_until(&store, &clock, date(2026, 8, 29)).await;
        assert_eq!(balance(&store, card, w.fruits).await, 2500);
        run_until(&store, &clock, date(2026, 8, 30)).await;
        assert_eq!(balance(&store, card, w.fruits).await, 0);
        let t = store
            .report_totals(
                &reach_as(&store, &op, w.program).await,
                ReportFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            (t.loaded, t.spent, t.expired),
            (Cents(3000), Cents(500), Cents(2500))
        );
        assert_eq!(
            store.ledger_check(w.program).await.unwrap(),
            (Cents(0), Cents(0), Cents(0))
        );
    })
    .await;
}

#[tokio::test]
async fn off_platform_lists_carry_each_persons_allocation_and_a_reimport_updates_and_deactivates() {
    use halles_store::coupons::ImportRow;
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let pa = scope(w.partner_a);
        let program = store
            .create_program(
                &op,
                &ProgramInput {
                    name: "Hors plateforme".into(),
                    ends_on: date(2026, 12, 31),
                    off_platform: true,
                    ..season()
                },
            )
            .await
            .unwrap();
        for (m, r) in [
            (w.partner_a, ProgramRole::Partner),
            (w.market, ProgramRole::Market),
        ] {
            store
                .add_program_member(&access(&store, &op, program).await, m, r)
                .await
                .unwrap();
        }
        let groups = store.product_groups(program).await.unwrap();
        let (fruits, dairy) = (groups[0].id, groups[1].id);
        store
            .create_card_batch(&access(&store, &op, program).await, 3)
            .await
            .unwrap();
        let row =
            |line, id1: &str, start: &str, end: &str, moment: &str, f: &str, d: &str| ImportRow {
                line,
                participant_type: "1".into(),
                id1: id1.into(),
                consent_on: "2026-05-20".into(),
                starts_on: start.into(),
                ends_on: end.into(),
                moment: moment.into(),
                amounts: vec![(fruits, f.into()), (dairy, d.into())],
                ..ImportRow::default()
            };
        let import = |rows: Vec<ImportRow>, apply: bool| {
            let store = store.clone();
            async move {
                store
                    .import_participants(
                        &access(&store, &pa, program).await,
                        &rows,
                        "Programme",
                        None,
                        apply,
                    )
                    .await
                    .unwrap()
            }
        };
        // Each row's problem: no identifier, an unknown frequency, no amount, no load between
        // the dates.
        let bad = import(
            vec![
                row(
                    2,
                    "",
                    "2026-06-01",
                    "2026-08-31",
                    "first_of_month",
                    "20",
                    "",
                ),
                row(3, "B", "2026-06-01", "2026-08-31", "yearly", "20", ""),
                row(4, "C", "2026-06-01", "2026-08-31", "weekly", "", "0"),
                row(
                    5,
                    "D",
                    "2026-06-02",
                    "2026-06-14",
                    "first_of_month",
                    "5",
                    "",
                ),
            ],
            true,
        )
        .await;
        assert!(!bad.applied);
        assert_eq!(
            bad.rows.iter().map(|r| r.problem).collect::<Vec<_>>(),
            vec![
                Some("id1_required"),
                Some("moment_invalid"),
                Some("amount_invalid"),
                Some("no_load_in_period")
            ]
        );
        // A: 20 $ of fruits on the 1st, June to August; B: 10 $ of dairy every Monday of June.
        let first = vec![
            row(
                2,
                "A",
                "2026-06-01",
                "2026-08-31",
                "first_of_month",
                "20,00",
                "",
            ),
            row(3, "B", "2026-06-01", "2026-06-30", "weekly", "", "10"),
        ];
        let report = import(first.clone(), true).await;
        assert!(report.applied, "{report:?}");
        assert_eq!(report.deactivated, 0);
        let people = store
            .participants(&access(&store, &pa, program).await, "")
            .await
            .unwrap();
        let by = |id1: &str| people.iter().find(|p| p.id1 == id1).unwrap().clone();
        let (a, b) = (by("A"), by("B"));
        for p in [&a, &b] {
            store
                .assign_card(&access(&store, &pa, program).await, p.id, None)
                .await
                .unwrap();
        }
        // Their own schedules, not the program's list of schedules.
        assert!(
            store
                .schedules(&op_program(&store, program).await)
                .await
                .unwrap()
                .is_empty()
        );
        let own = store.schedules_for(program, a.id).await.unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(
            store
                .forecast(
                    &access(
                        &store,
                        &pa,
                        store.schedule(own[0].id).await.unwrap().program
                    )
                    .await,
                    own[0].id,
                    a.id
                )
                .await
                .unwrap()
                .len(),
            3
        );
        run_until(&store, &clock, date(2026, 6, 30)).await;
        let mut cards = Vec::new();
        for p in [&a, &b] {
            let p = store
                .participant(&access(&store, &pa, program).await, p.id)
                .await
                .unwrap();
            cards.push(p.card.unwrap().0);
        }
        let (card_a, card_b) = (cards[0], cards[1]);
        assert_eq!(balance(&store, card_a, fruits).await, 2000);
        // Off the platform, what is left of a load is replaced by the next (issue 16): 5
        // Mondays in June leave one week's 10 $, not 50 $.
        assert_eq!(
            balance(&store, card_b, dairy).await,
            1000,
            "5 Mondays in June, each replacing the last"
        );

        // July: A now gets 30 $, B is gone from the list.
        let report = import(
            vec![row(
                2,
                "A",
                "2026-07-01",
                "2026-08-31",
                "first_of_month",
                "30",
                "",
            )],
            false,
        )
        .await;
        assert_eq!(
            report.deactivated, 1,
            "the preview says who will be deactivated"
        );
        assert_eq!(report.rows[0].action, Some("updated"));
        let report = import(
            vec![row(
                2,
                "A",
                "2026-07-01",
                "2026-08-31",
                "first_of_month",
                "30",
                "",
            )],
            true,
        )
        .await;
        assert!(report.applied);
        assert!(
            !store
                .participant(&access(&store, &pa, program).await, b.id)
                .await
                .unwrap()
                .active
        );
        run_until(&store, &clock, date(2026, 7, 2)).await;
        // July's load replaces June's, though it comes from A's new terms.
        assert_eq!(balance(&store, card_a, fruits).await, 3000);
        // The same list again changes nothing.
        let report = import(
            vec![row(
                2,
                "A",
                "2026-07-01",
                "2026-08-31",
                "first_of_month",
                "30",
                "",
            )],
            true,
        )
        .await;
        assert_eq!(report.rows[0].action, Some("unchanged"));
        assert_eq!(store.schedules_for(program, a.id).await.unwrap().len(), 2);

        // Past August 31st, A is deactivated by the worker's tick, and no envelope holds a
        // reservation.
        run_until(&store, &clock, date(2026, 9, 2)).await;
        assert_eq!(balance(&store, card_a, fruits).await, 3000);
        assert_eq!(
            store
                .deactivate_ended_allowances(date(2026, 9, 2))
                .await
                .unwrap(),
            1
        );
        assert!(
            !store
                .participant(&access(&store, &pa, program).await, a.id)
                .await
                .unwrap()
                .active
        );
        assert_eq!(
            store
                .deactivate_ended_allowances(date(2026, 9, 2))
                .await
                .unwrap(),
            0
        );
        // Ledger, cached balances and lots agree: 30 $ on A's card; B's was emptied back to
        // the envelope when B left the list (issue 16).
        assert_eq!(
            store.ledger_check(program).await.unwrap(),
            (Cents(3_000), Cents(3_000), Cents(3_000))
        );
        let funds = store.funds_check(program).await.unwrap();
        assert!(funds.balanced(), "{funds:?}");
        for e in store
            .envelopes(&op_program(&store, program).await, None)
            .await
            .unwrap()
        {
            assert_eq!(e.reserved, Cents(0));
            assert!(e.budget.0 >= e.loaded.0);
        }
        // A comes back in a later list: taken back, with a new allocation.
        let report = import(
            vec![row(
                2,
                "A",
                "2026-10-01",
                "2026-10-31",
                "first_of_month",
                "15",
                "",
            )],
            true,
        )
        .await;
        assert!(report.applied, "{report:?}");
        assert!(
            store
                .participant(&access(&store, &pa, program).await, a.id)
                .await
                .unwrap()
                .active
        );
    })
    .await;
}

#[tokio::test]
async fn a_program_scope_refuses_another_programs_ids_and_audits_before_and_after() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let (op, pa) = (scope(w.operator), scope(w.partner_a));
        let types = store.participant_types(w.program).await.unwrap();
        // Program 1 (the world's): a schedule, two envelopes, a participant with a card.
        let one = store.operated_program(&op, w.program).await.unwrap();
        let schedule = ScheduleInput {
            name: "Été".into(),
            starts_on: date(2026, 6, 1),
            ends_on: date(2026, 8, 31),
            moment: LoadMoment::FirstOfMonth,
            max_loads: 3,
            carry_over: true,
            usage_based: false,
            expiry: Expiry::Never,
            amounts: vec![(types[0].id, w.fruits, Cents(1000))],
        };
        let s1 = store.create_schedule(&one, &schedule).await.unwrap();
        let envelope = store
            .set_envelope(&one, s1, w.partner_a, Cents(100_000))
            .await
            .unwrap();
        store
            .set_envelope(&one, s1, w.partner_b, Cents(50_000))
            .await
            .unwrap();
        let one_pa = access(&store, &pa, w.program).await;
        let person = store
            .create_participant(&one_pa, &someone(types[0].id, "P1-1"))
            .await
            .unwrap();
        store.create_card_batch(&one, 2).await.unwrap();
        let card = store
            .assign_card(&one_pa, person.id, None)
            .await
            .unwrap()
            .id;

        // Program 2, run by the same operator, with partner A in it.
        let p2 = store
            .create_program(
                &op,
                &ProgramInput {
                    name: "Programme 2".into(),
                    ..season()
                },
            )
            .await
            .unwrap();
        let two = store.operated_program(&op, p2).await.unwrap();
        store
            .add_program_member(&two, w.partner_a, ProgramRole::Partner)
            .await
            .unwrap();
        let two_pa = access(&store, &pa, p2).await;
        let not_found = |r: Result<(), StoreError>, what: &str| {
            assert!(matches!(r, Err(StoreError::NotFound)), "{what}: {r:?}");
        };

        // Program 1's envelope, schedule, participant, card and partner, named under program 2.
        not_found(
            store
                .set_envelope(&two, s1, w.partner_a, Cents(99_999_900))
                .await
                .map(drop),
            "set_envelope",
        );
        not_found(
            store
                .move_envelope(&two, s1, w.partner_a, w.partner_b, Cents(10_000))
                .await,
            "move_envelope",
        );
        not_found(
            store.delete_envelope(&two, envelope).await,
            "delete_envelope",
        );
        not_found(
            store.set_schedule_archived(&two, s1, true).await,
            "set_schedule_archived",
        );
        not_found(
            store
                .enrol_in_schedule(&two_pa, s1, person.id, false, None)
                .await
                .map(drop),
            "enrol_in_schedule",
        );
        not_found(
            store.participant(&two_pa, person.id).await.map(drop),
            "participant",
        );
        not_found(
            store
                .update_participant(&two_pa, person.id, &someone(types[0].id, "X"), true)
                .await,
            "update_participant",
        );
        not_found(
            store.remove_participant(&two_pa, person.id).await.map(drop),
            "remove_participant",
        );
        not_found(
            store.set_card_enabled(&two, card, false).await,
            "set_card_enabled",
        );
        not_found(
            store
                .adjust_funds(&two, card, w.fruits, Cents(500), RESERVE, "test")
                .await,
            "adjust_funds",
        );
        not_found(
            store.set_partner_markets(&two, w.partner_b, &[]).await,
            "set_partner_markets (a partner of program 1 only)",
        );
        // Nothing moved.
        let envelopes = store
            .envelopes(&op_program(&store, w.program).await, None)
            .await
            .unwrap();
        let budget = |p: OrgId| {
            envelopes
                .iter()
                .find(|e| e.partner == p)
                .map(|e| e.budget.0)
        };
        assert_eq!(budget(w.partner_a), Some(100_000));
        assert_eq!(budget(w.partner_b), Some(50_000));
        assert!(
            store
                .envelopes(&op_program(&store, p2).await, None)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(!store.schedule(s1).await.unwrap().archived);
        assert_eq!(
            store.participant(&one_pa, person.id).await.unwrap().id1,
            "P1-1"
        );
        assert_eq!(balance(&store, card, w.fruits).await, 0);

        // Under its own program, the same changes go through and the audit log says what was
        // there before.
        store
            .set_envelope(&one, s1, w.partner_a, Cents(90_000))
            .await
            .unwrap();
        store
            .move_envelope(&one, s1, w.partner_a, w.partner_b, Cents(10_000))
            .await
            .unwrap();
        let entries = store
            .audit_entries(
                &op,
                &halles_store::platform::audit::Filter {
                    entity: Some("budget_envelope".into()),
                    ..Default::default()
                },
                10,
            )
            .await
            .unwrap();
        let (moved, set) = (&entries[0], &entries[1]);
        assert_eq!(set.before.as_ref().unwrap()["budget_cents"], 100_000);
        assert_eq!(set.after.as_ref().unwrap()["budget_cents"], 90_000);
        assert_eq!(moved.before.as_ref().unwrap()["from_budget_cents"], 90_000);
        assert_eq!(moved.before.as_ref().unwrap()["to_budget_cents"], 50_000);
        assert_eq!(moved.after.as_ref().unwrap()["from_budget_cents"], 80_000);
        assert_eq!(moved.after.as_ref().unwrap()["to_budget_cents"], 60_000);

        // A participant edit records the fields it changed, before and after.
        let mut edit = someone(types[1].id, "P1-1");
        edit.phone = "514 555-0101".into();
        store
            .update_participant(&one_pa, person.id, &edit, true)
            .await
            .unwrap();
        let entries = store
            .audit_entries(
                &pa,
                &halles_store::platform::audit::Filter {
                    entity: Some("participant".into()),
                    action: Some("update".into()),
                    ..Default::default()
                },
                1,
            )
            .await
            .unwrap();
        let (before, after) = (
            entries[0].before.clone().unwrap(),
            entries[0].after.clone().unwrap(),
        );
        assert_eq!(before["type"], types[0].id.0);
        assert_eq!(after["type"], types[1].id.0);
        assert_eq!(before["phone"], "");
        assert_eq!(after["phone"], "514 555-0101");
        assert!(before.get("name").is_none() && after.get("name").is_none());
    })
    .await;
}

#[tokio::test]
async fn money_movements_are_in_the_audit_log_and_only_the_selling_market_refunds() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = scope(w.operator);
        let opg = store.operated_program(&op, w.program).await.unwrap();
        let pa = access(&store, &scope(w.partner_a), w.program).await;
        store.create_card_batch(&opg, 1).await.unwrap();
        let t = store.participant_types(w.program).await.unwrap()[0].id;
        let p = store
            .create_participant(&pa, &someone(t, "P-9"))
            .await
            .unwrap();
        let card = store.assign_card(&pa, p.id, None).await.unwrap().id;
        store
            .adjust_funds(&opg, card, w.fruits, Cents(1000), RESERVE, "chargement")
            .await
            .unwrap();
        let sale = spend(&store, w.market, card, &[(w.fruits, 300)])
            .await
            .unwrap();
        // The operator reads the sale, but only the market that made it refunds it.
        assert_eq!(store.redemption(&op, sale.id).await.unwrap().id, sale.id);
        let back = [(w.fruits, Cents(100))];
        assert!(matches!(
            store.refund(&op, sale.id, &back, "erreur").await,
            Err(StoreError::Refused(Refusal::RefundSellingMarketOnly))
        ));
        assert_eq!(balance(&store, card, w.fruits).await, 700);
        let refund = store
            .refund(&scope(w.market), sale.id, &back, "erreur")
            .await
            .unwrap();
        assert_eq!(balance(&store, card, w.fruits).await, 800);
        // Each money movement is in the audit log of the organization that made it, linked
        // to its sale, refund or card.
        let audit = |who: TenantScope, entity: &'static str| {
            let store = store.clone();
            async move {
                store
                    .audit_entries(&who, &halles_store::platform::audit::Filter::default(), 100)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.entity == entity)
                    .map(|e| (e.entity_id, e.after.unwrap_or_default()))
                    .collect::<Vec<_>>()
            }
        };
        let adjusted = audit(op, "fund_adjustment").await;
        assert!(
            adjusted.iter().any(|(id, a)| *id == card.to_string()
                && a["amount_cents"] == 1000
                && a["reason"] == "chargement"),
            "{adjusted:?}"
        );
        let sold = audit(scope(w.market), "redemption").await;
        assert_eq!(sold.len(), 1, "{sold:?}");
        assert_eq!(sold[0].0, sale.id.to_string());
        assert_eq!(sold[0].1["total_cents"], 300);
        assert_eq!(sold[0].1["card_id"], card.0);
        let refunded = audit(scope(w.market), "refund").await;
        assert_eq!(refunded.len(), 1, "{refunded:?}");
        assert_eq!(refunded[0].0, refund.0.to_string());
        assert_eq!(refunded[0].1["redemption_id"], sale.id.0);
        assert_eq!(refunded[0].1["amount_cents"], 100);
    })
    .await;
}

#[tokio::test]
async fn a_sale_records_one_event_in_its_transaction_and_a_refused_sale_none() {
    use halles_core::organizations::Scope;
    use halles_store::coupons::{Once, Redeemed};
    use halles_store::platform::events::{DELIVER_EVENT_JOB, Event};
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let opg = store
            .operated_program(&scope(w.operator), w.program)
            .await
            .unwrap();
        let pa = access(&store, &scope(w.partner_a), w.program).await;
        store.create_card_batch(&opg, 1).await.unwrap();
        let t = store.participant_types(w.program).await.unwrap()[0].id;
        let p = store
            .create_participant(
                &pa,
                &ParticipantInput {
                    email: "p7@example.org".into(),
                    ..someone(t, "P-7")
                },
            )
            .await
            .unwrap();
        let card = store.assign_card(&pa, p.id, None).await.unwrap();
        store
            .adjust_funds(&opg, card.id, w.fruits, Cents(1000), RESERVE, "chargement")
            .await
            .unwrap();
        let sales = || async { store.events(Some("sale_made"), 10).await.unwrap() };
        // No job per event: each waits, undelivered, for the worker's poll.
        let waiting = |event| {
            let store = store.clone();
            async move {
                let jobs = store.jobs(None, 1000).await.unwrap();
                assert!(jobs.iter().all(|j| j.kind != DELIVER_EVENT_JOB));
                store
                    .undelivered_events(100)
                    .await
                    .unwrap()
                    .iter()
                    .any(|e| e.id == event)
            }
        };

        // Refused sales (balance short, empty) record nothing.
        assert!(matches!(
            spend(&store, w.market, card.id, &[(w.fruits, 5000)]).await,
            Err(StoreError::Insufficient(_))
        ));
        assert!(matches!(
            spend(&store, w.market, card.id, &[(w.fruits, 0)]).await,
            Err(StoreError::Refused(Refusal::EmptyRedemption))
        ));
        assert!(sales().await.is_empty());

        // A sale records one event, with what the receipt needs and the holder's wish.
        let sale = spend(&store, w.market, card.id, &[(w.fruits, 300)])
            .await
            .unwrap();
        assert!(sale.notify, "the holder gave an e-mail and wants receipts");
        let made = sales().await;
        assert_eq!(made.len(), 1);
        assert_eq!(
            made[0].event,
            Event::SaleMade {
                operator: w.operator,
                program: w.program,
                market: w.market,
                register: None,
                card: card.id,
                redemption: sale.id,
                lines: vec![(w.fruits, Cents(300))],
                total: Cents(300),
                at: sale.at,
                receipt: true,
            }
        );
        assert_eq!(made[0].created_at, sale.at);
        assert!(waiting(made[0].id).await);

        // Under an idempotency key: a repeat replays the first sale, and its transaction, event
        // included, is rolled back.
        let (token, _) = store
            .create_token(&scope(w.market), "caisse", &[Scope::RedemptionsWrite])
            .await
            .unwrap();
        let input = RedemptionInput {
            card: CardLookup::Number(card.number.clone()),
            register: None,
            lines: vec![(w.fruits, Cents(200))],
            pin: None,
        };
        let once = || Once {
            token: token.id,
            key: "k-1".into(),
            request_hash: "h".into(),
            respond: |r| r.id.0.to_string(),
        };
        let first = store
            .redeem_once(&scope(w.market), &input, Some(once()))
            .await
            .unwrap();
        assert!(matches!(first, Redeemed::Done(_)), "{first:?}");
        let again = store
            .redeem_once(&scope(w.market), &input, Some(once()))
            .await
            .unwrap();
        assert!(matches!(again, Redeemed::Replay(_)), "{again:?}");
        assert_eq!(sales().await.len(), 2);
        assert_eq!(balance(&store, card.id, w.fruits).await, 500);

        // A refund records its own event; one refused records none.
        let back = [(w.fruits, Cents(100))];
        let refund = store
            .refund(&scope(w.market), sale.id, &back, "erreur")
            .await
            .unwrap();
        assert!(matches!(
            store
                .refund(&scope(w.market), sale.id, &[(w.fruits, Cents(500))], "trop")
                .await,
            Err(StoreError::Refused(Refusal::RefundExceedsPayment))
        ));
        let refunds = store.events(Some("refund_made"), 10).await.unwrap();
        assert_eq!(refunds.len(), 1);
        assert_eq!(
            refunds[0].event,
            Event::RefundMade {
                operator: w.operator,
                program: w.program,
                market: w.market,
                card: card.id,
                redemption: sale.id,
                refund,
                lines: vec![(w.fruits, Cents(100))],
                total: Cents(100),
            }
        );
        assert!(waiting(refunds[0].id).await);
    })
    .await;
}
