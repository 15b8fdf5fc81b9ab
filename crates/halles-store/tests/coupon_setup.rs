//! Set-up mistakes people fix after the fact, on every database: a schedule changed (preview,
//! then applied; loads made stay), market groups renamed, archived and deleted, registers
//! renamed, an archived market's registers and program links ended, and the messages of a
//! negative envelope budget and of a typed card that is not free.

mod support;

use halles_core::coupons::{Expiry, LoadMoment, ProgramRole, local_date, start_of};
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::{Clock, ManualClock, OrgId, ParticipantTypeId, ProductGroupId, ProgramId};
use halles_store::coupons::{ParticipantInput, ProgramScope, ScheduleChange, ScheduleInput};
use halles_store::platform::audit::Filter;
use halles_store::{Actor, Store, StoreError};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use support::{refused, scope, season};

/// Noon in Montréal on a date.
fn noon(d: Date) -> Timestamp {
    start_of(d) + SignedDuration::from_hours(12)
}

async fn on_every_db<F, Fut>(body: F)
where
    F: Fn(Store, Arc<ManualClock>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    support::on_every_db(noon(date(2026, 5, 20)), body).await;
}

/// Moves the clock to noon of `d`, running the loads and expiry each day.
async fn run_until(store: &Store, clock: &ManualClock, d: Date) {
    let mut today = local_date(clock.now());
    while today < d {
        today = today.tomorrow().unwrap();
        clock.set(noon(today));
        store.run_due_loads(today).await.unwrap();
        store.run_expiry().await.unwrap();
    }
}

struct World {
    operator: OrgId,
    partner: OrgId,
    market: OrgId,
    program: ProgramId,
    fruits: ProductGroupId,
    one: ParticipantTypeId,
}

impl World {
    async fn op(&self, store: &Store) -> ProgramScope {
        store
            .operated_program(&scope(self.operator), self.program)
            .await
            .unwrap()
    }
    async fn partner(&self, store: &Store) -> ProgramScope {
        store
            .program_access(&scope(self.partner), self.program)
            .await
            .unwrap()
    }
}

async fn world(store: &Store) -> World {
    let operator = support::org(store, OrgKind::ProgramOperator, "Collectif").await;
    let partner = support::org(store, OrgKind::PartnerOrg, "Entraide A").await;
    let market = support::org(store, OrgKind::Market, "Marché des Saules").await;
    let program = store
        .create_program(&scope(operator), &season())
        .await
        .unwrap();
    let op = store
        .operated_program(&scope(operator), program)
        .await
        .unwrap();
    for (m, r) in [
        (partner, ProgramRole::Partner),
        (market, ProgramRole::Market),
    ] {
        store.add_program_member(&op, m, r).await.unwrap();
    }
    let groups = store.product_groups(program).await.unwrap();
    let types = store.participant_types(program).await.unwrap();
    World {
        operator,
        partner,
        market,
        program,
        fruits: groups[0].id,
        one: types[0].id,
    }
}

/// A monthly schedule from June 1st to August 31st, at most 3 loads of 10.00, carried over,
/// usable through August 31st, with an envelope of `budget` for the partner; one participant
/// with a card enrolled in it. Returns the schedule, the participant and the card.
async fn season_with_one(
    store: &Store,
    w: &World,
    budget: i64,
) -> (
    halles_core::ScheduleId,
    halles_core::ParticipantId,
    halles_core::CardId,
) {
    let op = w.op(store).await;
    let s = store
        .create_schedule(
            &op,
            &ScheduleInput {
                name: "Été".into(),
                starts_on: date(2026, 6, 1),
                ends_on: date(2026, 8, 31),
                moment: LoadMoment::FirstOfMonth,
                max_loads: 3,
                carry_over: true,
                usage_based: false,
                expiry: Expiry::OnDate {
                    date: date(2026, 8, 31),
                },
                amounts: vec![(w.one, w.fruits, Cents(1000))],
            },
        )
        .await
        .unwrap();
    store
        .set_envelope(&op, s, w.partner, Cents(budget))
        .await
        .unwrap();
    store.create_card_batch(&op, 3).await.unwrap();
    let pa = w.partner(store).await;
    let p = store
        .create_participant(
            &pa,
            &ParticipantInput {
                participant_type: Some(w.one),
                id1: "M-1".into(),
                name: "Personne".into(),
                receipts: true,
                consent_on: Some(date(2026, 5, 20)),
                consent_purpose: "Programme".into(),
                ..ParticipantInput::default()
            },
        )
        .await
        .unwrap();
    let card = store.assign_card(&pa, p.id, None).await.unwrap().id;
    store
        .enrol_in_schedule(&pa, s, p.id, false, None)
        .await
        .unwrap();
    (s, p.id, card)
}

async fn reserved(store: &Store, w: &World, s: halles_core::ScheduleId) -> (i64, i64) {
    let e = store.envelopes(&w.op(store).await, None).await.unwrap();
    let e = e.iter().find(|e| e.schedule == s).unwrap();
    (e.reserved.0, e.loaded.0)
}

async fn balance(store: &Store, card: halles_core::CardId) -> i64 {
    store
        .card_balances(card)
        .await
        .unwrap()
        .iter()
        .map(|b| b.balance.0)
        .sum()
}

async fn audits(store: &Store, org: OrgId, entity: &str) -> usize {
    store
        .audit_entries(
            &scope(org),
            &Filter {
                entity: Some(entity.into()),
                ..Filter::default()
            },
            1000,
        )
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_schedule_change_is_previewed_then_applied_and_loads_made_stay() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let (s, _, card) = season_with_one(&store, &w, 100_000).await;
        assert_eq!(reserved(&store, &w, s).await, (3000, 0));
        run_until(&store, &clock, date(2026, 6, 2)).await;
        assert_eq!(balance(&store, card).await, 1000);
        assert_eq!(reserved(&store, &w, s).await, (2000, 1000));

        // A longer season, two more loads and 15.00 a load from now on.
        let change = ScheduleChange {
            name: Some("Été prolongé".into()),
            ends_on: Some(date(2026, 10, 31)),
            max_loads: Some(5),
            amounts: Some(vec![(w.one, w.fruits, Cents(1500))]),
            ..ScheduleChange::default()
        };
        let op = w.op(&store).await;
        let audited = audits(&store, w.operator, "allocation_schedule").await;
        let preview = store.change_schedule(&op, s, &change, false).await.unwrap();
        assert!(!preview.applied);
        assert_eq!(preview.enrolled, 1);
        assert_eq!(preview.participants, 1);
        // Four loads to come (July to October) at 15.00.
        assert_eq!(
            (preview.reserved_before.0, preview.reserved_after.0),
            (2000, 6000)
        );
        assert_eq!(
            preview.fields,
            vec!["name", "ends_on", "max_loads", "amounts"]
        );
        // The preview changed nothing and wrote no audit entry.
        let unchanged = store.schedule(s).await.unwrap();
        assert_eq!((unchanged.name.as_str(), unchanged.max_loads), ("Été", 3));
        assert_eq!(reserved(&store, &w, s).await, (2000, 1000));
        assert_eq!(
            audits(&store, w.operator, "allocation_schedule").await,
            audited
        );

        let applied = store.change_schedule(&op, s, &change, true).await.unwrap();
        assert!(applied.applied);
        assert_eq!(applied.reserved_after.0, preview.reserved_after.0);
        let changed = store.schedule(s).await.unwrap();
        assert_eq!(
            (
                changed.name.as_str(),
                changed.ends_on,
                changed.max_loads,
                changed.amounts.clone()
            ),
            (
                "Été prolongé",
                date(2026, 10, 31),
                5,
                vec![(w.one, w.fruits, Cents(1500))]
            )
        );
        assert_eq!(reserved(&store, &w, s).await, (6000, 1000));
        assert_eq!(
            audits(&store, w.operator, "allocation_schedule").await,
            audited + 1
        );
        // The load already made keeps its 10.00.
        assert_eq!(balance(&store, card).await, 1000);

        // The carry-over expiry moves to November 30th, with the June load still usable.
        let later = ScheduleChange {
            expiry: Some(Expiry::OnDate {
                date: date(2026, 11, 30),
            }),
            ..ScheduleChange::default()
        };
        let preview = store.change_schedule(&op, s, &later, false).await.unwrap();
        assert_eq!(
            (
                preview.lots_moved,
                preview.cards_moved,
                preview.cents_moved.0
            ),
            (1, 1, 1000)
        );
        store.change_schedule(&op, s, &later, true).await.unwrap();
        // Past August 31st nothing expired: 10.00 of June and three loads of 15.00.
        run_until(&store, &clock, date(2026, 9, 2)).await;
        assert_eq!(balance(&store, card).await, 1000 + 3 * 1500);
        assert_eq!(reserved(&store, &w, s).await, (1500, 5500));
        assert!(store.funds_check(w.program).await.unwrap().balanced());
        run_until(&store, &clock, date(2026, 11, 2)).await;
        assert_eq!(balance(&store, card).await, 1000 + 4 * 1500);
        assert_eq!(reserved(&store, &w, s).await, (0, 7000));
        // ...and on December 1st it all expires.
        run_until(&store, &clock, date(2026, 12, 2)).await;
        assert_eq!(balance(&store, card).await, 0);
        assert!(store.funds_check(w.program).await.unwrap().balanced());
    })
    .await;
}

#[tokio::test]
async fn a_new_frequency_applies_from_tomorrow_and_counts_the_loads_made() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let (s, p, card) = season_with_one(&store, &w, 100_000).await;
        run_until(&store, &clock, date(2026, 6, 2)).await;
        let op = w.op(&store).await;
        let weekly = ScheduleChange {
            moment: Some(LoadMoment::Weekly),
            ..ScheduleChange::default()
        };
        let i = store.change_schedule(&op, s, &weekly, true).await.unwrap();
        assert_eq!(i.participants, 1);
        // Three loads at most, one made: two Mondays to come, from tomorrow.
        let f = store
            .forecast(&w.partner(&store).await, s, p)
            .await
            .unwrap();
        let dates: Vec<Date> = f.iter().map(|(d, _)| *d).collect();
        assert_eq!(dates, vec![date(2026, 6, 8), date(2026, 6, 15)]);
        assert_eq!(reserved(&store, &w, s).await, (2000, 1000));
        run_until(&store, &clock, date(2026, 7, 31)).await;
        assert_eq!(balance(&store, card).await, 3000);
        assert_eq!(reserved(&store, &w, s).await, (0, 3000));
        assert!(store.funds_check(w.program).await.unwrap().balanced());
    })
    .await;
}

#[tokio::test]
async fn a_schedule_change_out_of_bounds_or_beyond_the_envelope_is_refused_and_changes_nothing() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        // Room for the three loads, not for more.
        let (s, _, _) = season_with_one(&store, &w, 3000).await;
        let op = w.op(&store).await;
        let try_change = |c: ScheduleChange, apply: bool| {
            let (store, op) = (store.clone(), op.clone());
            async move { store.change_schedule(&op, s, &c, apply).await }
        };
        // Before it starts and before any load, the first day may move (not into the past).
        refused(
            try_change(
                ScheduleChange {
                    starts_on: Some(date(2026, 5, 1)),
                    ..ScheduleChange::default()
                },
                true,
            )
            .await,
            Refusal::ScheduleStarted,
        );
        for (c, code) in [
            (
                ScheduleChange {
                    max_loads: Some(0),
                    ..ScheduleChange::default()
                },
                Refusal::MaxLoads,
            ),
            (
                ScheduleChange {
                    max_loads: Some(1001),
                    ..ScheduleChange::default()
                },
                Refusal::MaxLoads,
            ),
            (
                ScheduleChange {
                    ends_on: Some(date(2026, 5, 1)),
                    ..ScheduleChange::default()
                },
                Refusal::EndsInPast,
            ),
            (
                ScheduleChange {
                    expiry: Some(Expiry::OnDate {
                        date: date(2026, 5, 19),
                    }),
                    ..ScheduleChange::default()
                },
                Refusal::ExpiryInPast,
            ),
            (
                ScheduleChange {
                    amounts: Some(vec![(w.one, w.fruits, Cents(-1))]),
                    ..ScheduleChange::default()
                },
                Refusal::NegativeAmount,
            ),
            (
                ScheduleChange {
                    name: Some(" ".into()),
                    ..ScheduleChange::default()
                },
                Refusal::NameRequired,
            ),
        ] {
            match try_change(c, true).await {
                Err(StoreError::Invalid(f)) => {
                    assert!(
                        f.iter()
                            .any(|e| e.code == code.code() || e.code == "required"),
                        "{f:?} for {code}"
                    )
                }
                Err(StoreError::Refused(r)) => assert_eq!(r, code),
                other => panic!("{code}: {other:?}"),
            }
        }
        // Twice the amount: the preview names the short envelope, applying is refused.
        let more = ScheduleChange {
            amounts: Some(vec![(w.one, w.fruits, Cents(2000))]),
            ..ScheduleChange::default()
        };
        let preview = try_change(more.clone(), false).await.unwrap();
        assert_eq!(preview.short.len(), 1);
        assert_eq!(preview.short[0].missing.0, 3000);
        refused(try_change(more, true).await, Refusal::OverBudget);
        let s_now = store.schedule(s).await.unwrap();
        assert_eq!(s_now.amounts, vec![(w.one, w.fruits, Cents(1000))]);
        assert_eq!(reserved(&store, &w, s).await, (3000, 0));
        // Moving the start later while nothing ran is fine.
        try_change(
            ScheduleChange {
                starts_on: Some(date(2026, 6, 10)),
                ..ScheduleChange::default()
            },
            true,
        )
        .await
        .unwrap();
        // Once a load ran, it is not.
        run_until(&store, &clock, date(2026, 7, 2)).await;
        refused(
            try_change(
                ScheduleChange {
                    starts_on: Some(date(2026, 7, 10)),
                    ..ScheduleChange::default()
                },
                true,
            )
            .await,
            Refusal::ScheduleStarted,
        );
        // Another organization cannot change it.
        assert!(matches!(
            store
                .change_schedule(
                    &w.partner(&store).await,
                    s,
                    &ScheduleChange::default(),
                    false
                )
                .await,
            Err(StoreError::NotFound | StoreError::Refused(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn market_groups_are_renamed_archived_and_deleted_only_when_empty() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let op = w.op(&store).await;
        let north = store.create_market_group(&op, "Nord", None).await.unwrap();
        store.create_market_group(&op, "Sud", None).await.unwrap();
        store
            .set_market_group(&op, w.market, Some(north))
            .await
            .unwrap();
        store
            .rename_market_group(&op, north, "Nord-Est")
            .await
            .unwrap();
        refused(
            store.rename_market_group(&op, north, "Sud").await,
            Refusal::NameTaken,
        );
        refused(
            store.rename_market_group(&op, north, "  ").await,
            Refusal::NameRequired,
        );
        let groups = store.market_groups(w.program).await.unwrap();
        let g = groups.iter().find(|g| g.id == north).unwrap();
        assert_eq!(g.name, "Nord-Est");
        assert_eq!(g.markets.len(), 1);
        // Not empty: refused, kept.
        refused(
            store.delete_market_group(&op, north).await,
            Refusal::MarketGroupInUse,
        );
        // Archived: kept with its market, but no market can be placed in it any more.
        store
            .set_market_group_archived(&op, north, true)
            .await
            .unwrap();
        let groups = store.market_groups(w.program).await.unwrap();
        assert!(groups.iter().find(|g| g.id == north).unwrap().archived);
        store.set_market_group(&op, w.market, None).await.unwrap();
        assert!(matches!(
            store.set_market_group(&op, w.market, Some(north)).await,
            Err(StoreError::NotFound)
        ));
        store.delete_market_group(&op, north).await.unwrap();
        assert!(
            !store
                .market_groups(w.program)
                .await
                .unwrap()
                .iter()
                .any(|g| g.id == north)
        );
        // A partner cannot touch them; each change is audited.
        assert!(
            store
                .rename_market_group(&w.partner(&store).await, north, "X")
                .await
                .is_err()
        );
        assert_eq!(audits(&store, w.operator, "market_group").await, 5);
    })
    .await;
}

#[tokio::test]
async fn registers_are_renamed_and_an_archived_market_ends_its_registers_and_program_links() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let m = scope(w.market);
        let r = store.create_register(&m, "Caisse 1").await.unwrap();
        store
            .rename_register(&m, r, "Caisse de l'entrée")
            .await
            .unwrap();
        assert_eq!(
            store.registers(&m).await.unwrap(),
            vec![(r, "Caisse de l'entrée".to_owned())]
        );
        match store.rename_register(&m, r, " ").await {
            Err(StoreError::Invalid(f)) => assert_eq!(f[0].code, "required"),
            other => panic!("{other:?}"),
        }
        assert_eq!(audits(&store, w.market, "register").await, 2);
        // Another market's register is not found.
        let other = support::org(&store, OrgKind::Market, "Autre").await;
        assert!(matches!(
            store.rename_register(&scope(other), r, "X").await,
            Err(StoreError::NotFound)
        ));

        store
            .set_organization_archived(Actor::system(), w.market, true)
            .await
            .unwrap();
        assert!(store.registers(&m).await.unwrap().is_empty());
        assert!(
            !store
                .program_members(w.program)
                .await
                .unwrap()
                .iter()
                .any(|x| x.org == w.market)
        );
    })
    .await;
}

#[tokio::test]
async fn a_negative_budget_and_a_card_not_free_say_so() {
    on_every_db(|store, _clock| async move {
        let w = world(&store).await;
        let (s, p, card) = season_with_one(&store, &w, 10_000).await;
        let op = w.op(&store).await;
        // Whatever the partner named, a negative budget is the budget's error.
        for partner in [w.partner, OrgId(0), w.market] {
            match store.set_envelope(&op, s, partner, Cents(-100)).await {
                Err(StoreError::Invalid(f)) => {
                    assert_eq!(f.len(), 1);
                    assert_eq!(
                        (f[0].field.as_str(), f[0].code),
                        ("budget", "negative_budget")
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        // A lost card replaced by a typed number: an assigned card is "not free", an unknown
        // one "unknown", not "no free card left".
        let pa = w.partner(&store).await;
        let other = store
            .create_participant(
                &pa,
                &ParticipantInput {
                    participant_type: Some(w.one),
                    id1: "M-2".into(),
                    name: "Autre".into(),
                    receipts: true,
                    consent_on: Some(date(2026, 5, 20)),
                    consent_purpose: "Programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap();
        let taken = store.assign_card(&pa, other.id, None).await.unwrap();
        let number = taken.number.clone();
        refused(
            store.replace_lost_card(&pa, card, Some(&number)).await,
            Refusal::CardNotFree,
        );
        let _ = p;
        let unknown = halles_core::coupons::CardNumber::from_digits([9; 15]);
        refused(
            store.replace_lost_card(&pa, card, Some(&unknown)).await,
            Refusal::UnknownCard,
        );
    })
    .await;
}
