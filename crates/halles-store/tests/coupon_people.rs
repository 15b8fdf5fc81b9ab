//! People who come, go and change during a season (issue 16), on every configured database:
//! off-platform lists that drop, start late or start today; a removed person coming back; a
//! change of type shown before it applies; staff giving one person more; every staff-made load
//! naming its actor.

mod support;

use halles_core::accounts::Lang;
use halles_core::coupons::{EntryKind, Expiry, LoadMoment, ProgramRole, start_of};
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::{
    Clock, ManualClock, OrgId, ParticipantId, ProductGroupId, ProgramId, ScheduleId,
};
use halles_store::coupons::{
    ImportRow, ParticipantInput, ProgramInput, ProgramScope, ScheduleInput, TransactionFilter,
};
use halles_store::platform::accounts::NewUser;
use halles_store::platform::audit::Filter;
use halles_store::{Actor, Store, TenantScope};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use support::{refused, scope, season};

/// Noon in Montréal on a date.
fn noon(d: Date) -> Timestamp {
    start_of(d) + SignedDuration::from_hours(12)
}

/// Runs `body` on every configured database, the clock at noon on May 20th, 2026.
async fn on_every_db<F, Fut>(body: F)
where
    F: Fn(Store, Arc<ManualClock>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    support::on_every_db(noon(date(2026, 5, 20)), body).await;
}

/// Moves the clock to noon of `d`, running the worker's loads and expiry each day on the way.
async fn run_until(store: &Store, clock: &ManualClock, d: Date) {
    let mut today = halles_core::coupons::local_date(clock.now());
    while today < d {
        today = today.tomorrow().unwrap();
        clock.set(noon(today));
        store.run_due_loads(today).await.unwrap();
        store.run_expiry().await.unwrap();
    }
}

/// The operator, one partner, one market, a program (`off_platform` or not) and its groups.
struct World {
    operator: OrgId,
    partner: OrgId,
    program: ProgramId,
    fruits: ProductGroupId,
    dairy: ProductGroupId,
    /// A staff member of the partner, acting by name.
    staff: TenantScope,
}

async fn world(store: &Store, off_platform: bool) -> World {
    let operator = support::org(store, OrgKind::ProgramOperator, "Collectif").await;
    let partner = support::org(store, OrgKind::PartnerOrg, "Entraide").await;
    let market = support::org(store, OrgKind::Market, "Marché").await;
    let program = store
        .create_program(
            &scope(operator),
            &ProgramInput {
                off_platform,
                ..season()
            },
        )
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
    store.create_card_batch(&op, 10).await.unwrap();
    let user = store
        .create_user(
            Actor::system(),
            NewUser {
                email: "benevole@exemple.test",
                name: "Bénévole",
                lang: Lang::Fr,
                password: None,
                is_platform_admin: false,
            },
        )
        .await
        .unwrap();
    let groups = store.product_groups(program).await.unwrap();
    World {
        operator,
        partner,
        program,
        fruits: groups[0].id,
        dairy: groups[1].id,
        staff: TenantScope::checked(partner, Actor::user(user.id)),
    }
}

impl World {
    /// The program as the partner's staff member reaches it.
    async fn ps(&self, store: &Store) -> ProgramScope {
        store
            .program_access(&self.staff, self.program)
            .await
            .unwrap()
    }

    /// The program as its operator reaches it.
    async fn op(&self, store: &Store) -> ProgramScope {
        store
            .operated_program(&scope(self.operator), self.program)
            .await
            .unwrap()
    }

    /// A schedule of the program with the partner's envelope of `budget` cents.
    async fn schedule(&self, store: &Store, input: ScheduleInput, budget: i64) -> ScheduleId {
        let op = self.op(store).await;
        let s = store.create_schedule(&op, &input).await.unwrap();
        store
            .set_envelope(&op, s, self.partner, Cents(budget))
            .await
            .unwrap();
        s
    }

    /// A new participant of type `t`, with a card if `card`.
    async fn person(
        &self,
        store: &Store,
        t: halles_core::ParticipantTypeId,
        id1: &str,
        card: bool,
    ) -> ParticipantId {
        let ps = self.ps(store).await;
        let p = store
            .create_participant(&ps, &someone(t, id1))
            .await
            .unwrap();
        if card {
            store.assign_card(&ps, p.id, None).await.unwrap();
        }
        p.id
    }

    /// What is on a person's card in a group.
    async fn balance(&self, store: &Store, p: ParticipantId, g: ProductGroupId) -> i64 {
        let ps = self.ps(store).await;
        let Some((card, _)) = store.participant(&ps, p).await.unwrap().card else {
            return 0;
        };
        store
            .card_balances(card)
            .await
            .unwrap()
            .iter()
            .find(|b| b.group == g)
            .map_or(0, |b| b.balance.0)
    }

    /// The program's money is where it should be: ledger = balances = lots, and every cent
    /// funded is on a card, spent, or back in an envelope or the reserve.
    async fn reconciles(&self, store: &Store) {
        let (ledger, balances, lots) = store.ledger_check(self.program).await.unwrap();
        assert_eq!(ledger, balances);
        assert_eq!(balances, lots);
        let f = store.funds_check(self.program).await.unwrap();
        assert!(f.balanced(), "{f:?}");
    }

    /// The partner's envelope of a schedule: (budget, reserved, loaded).
    async fn envelope(&self, store: &Store, s: ScheduleId) -> (i64, i64, i64) {
        let e = store
            .envelopes(&self.op(store).await, None)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.schedule == s && e.partner == self.partner)
            .unwrap();
        (e.budget.0, e.reserved.0, e.loaded.0)
    }

    /// The program's ledger entries of a kind, newest first: (amount, reason, actor's name).
    async fn entries(&self, store: &Store, kind: EntryKind) -> Vec<(i64, String, Option<String>)> {
        store
            .transactions(
                &self.op(store).await,
                &TransactionFilter {
                    kind: Some(kind),
                    ..TransactionFilter::default()
                },
                1000,
            )
            .await
            .unwrap()
            .into_iter()
            .map(|t| (t.amount.0, t.reason, t.actor))
            .collect()
    }

    /// The partner's audit rows about `entity`: (actor, before, after).
    async fn audit(
        &self,
        store: &Store,
        entity: &str,
    ) -> Vec<(
        Option<String>,
        Option<serde_json::Value>,
        Option<serde_json::Value>,
    )> {
        store
            .audit_entries(
                &scope(self.partner),
                &Filter {
                    entity: Some(entity.to_owned()),
                    ..Filter::default()
                },
                1000,
            )
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.actor_name, e.before, e.after))
            .collect()
    }
}

fn someone(t: halles_core::ParticipantTypeId, id1: &str) -> ParticipantInput {
    ParticipantInput {
        participant_type: Some(t),
        id1: id1.into(),
        name: format!("Personne {id1}"),
        consent_on: Some(date(2026, 5, 20)),
        consent_purpose: "Programme".into(),
        ..ParticipantInput::default()
    }
}

/// A row of an off-platform list: type "1", fruits only.
fn row(
    line: usize,
    id1: &str,
    start: &str,
    moment: &str,
    fruits: &str,
    g: ProductGroupId,
) -> ImportRow {
    ImportRow {
        line,
        participant_type: "1".into(),
        id1: id1.into(),
        consent_on: "2026-05-20".into(),
        starts_on: start.into(),
        ends_on: "2026-10-31".into(),
        moment: moment.into(),
        amounts: vec![(g, fruits.into())],
        ..ImportRow::default()
    }
}

/// Monthly on the 1st from June to October (five dates), `max_loads` at most.
fn monthly(
    name: &str,
    max_loads: u32,
    usage_based: bool,
    amounts: Vec<(halles_core::ParticipantTypeId, ProductGroupId, Cents)>,
) -> ScheduleInput {
    ScheduleInput {
        name: name.into(),
        starts_on: date(2026, 6, 1),
        ends_on: date(2026, 10, 31),
        moment: LoadMoment::FirstOfMonth,
        max_loads,
        carry_over: true,
        usage_based,
        expiry: Expiry::Never,
        amounts,
    }
}

#[tokio::test]
async fn a_person_dropped_from_an_off_platform_list_has_their_card_emptied_back_to_the_envelope() {
    on_every_db(|store, clock| async move {
        let w = world(&store, true).await;
        let import = |rows: Vec<ImportRow>| {
            let store = store.clone();
            let w = &w;
            async move {
                let r = store
                    .import_participants(&w.ps(&store).await, &rows, "Programme", None, true)
                    .await
                    .unwrap();
                assert!(r.applied, "{r:?}");
                r
            }
        };
        import(vec![
            row(2, "A", "2026-06-01", "first_of_month", "20", w.fruits),
            row(3, "B", "2026-06-01", "first_of_month", "30", w.fruits),
        ])
        .await;
        let people = store.participants(&w.ps(&store).await, "").await.unwrap();
        let by = |id1: &str| people.iter().find(|p| p.id1 == id1).unwrap().id;
        let (a, b) = (by("A"), by("B"));
        for p in [a, b] {
            store
                .assign_card(&w.ps(&store).await, p, None)
                .await
                .unwrap();
        }
        run_until(&store, &clock, date(2026, 6, 2)).await;
        assert_eq!(w.balance(&store, b, w.fruits).await, 3000);
        let b_schedule = store.schedules_for(w.program, b).await.unwrap()[0].id;
        assert_eq!(w.envelope(&store, b_schedule).await.2, 3000, "loaded");

        // B leaves the list: their card is emptied, the money back in their envelope, by the
        // person who imported the list.
        let r = import(vec![row(
            2,
            "A",
            "2026-06-01",
            "first_of_month",
            "20",
            w.fruits,
        )])
        .await;
        assert_eq!(r.deactivated, 1);
        let ps = w.ps(&store).await;
        assert!(!store.participant(&ps, b).await.unwrap().active);
        assert_eq!(w.balance(&store, b, w.fruits).await, 0, "not spendable");
        assert_eq!(w.balance(&store, a, w.fruits).await, 2000, "A untouched");
        let (budget, reserved, loaded) = w.envelope(&store, b_schedule).await;
        assert_eq!(
            (reserved, loaded),
            (0, 0),
            "the money is back (budget {budget})"
        );
        let withdrawn: Vec<_> = w
            .entries(&store, EntryKind::Expire)
            .await
            .into_iter()
            .filter(|(_, reason, _)| reason == "withdrawn")
            .collect();
        assert_eq!(
            withdrawn,
            vec![(-3000, "withdrawn".to_owned(), Some("Bénévole".to_owned()))]
        );
        let rows = w.audit(&store, "participant").await;
        assert!(
            rows.iter()
                .any(|(who, _, after)| who.as_deref() == Some("Bénévole")
                    && after.as_ref().is_some_and(|a| a["withdrawn_cents"] == 3000)),
            "{rows:?}"
        );
        w.reconciles(&store).await;
    })
    .await;
}

#[tokio::test]
async fn an_off_platform_row_imported_late_catches_up_and_one_starting_today_loads_at_once() {
    on_every_db(|store, clock| async move {
        let w = world(&store, true).await;
        let import = |rows: Vec<ImportRow>| {
            let store = store.clone();
            let w = &w;
            async move {
                let r = store
                    .import_participants(&w.ps(&store).await, &rows, "Programme", None, true)
                    .await
                    .unwrap();
                assert!(r.applied, "{r:?}");
            }
        };
        // In May, A and B are listed from July; both get a card.
        import(vec![
            row(2, "A", "2026-07-01", "first_of_month", "20", w.fruits),
            row(3, "B", "2026-07-01", "first_of_month", "20", w.fruits),
        ])
        .await;
        let people = store.participants(&w.ps(&store).await, "").await.unwrap();
        let by = |id1: &str| people.iter().find(|p| p.id1 == id1).unwrap().id;
        let (a, b) = (by("A"), by("B"));
        for p in [a, b] {
            store
                .assign_card(&w.ps(&store).await, p, None)
                .await
                .unwrap();
        }
        // June 15th, before the worker's tick: the new list says A started June 1st (a month
        // the platform never loaded) and B starts today; C, new, started June 1st.
        clock.set(noon(date(2026, 6, 15)));
        import(vec![
            row(2, "A", "2026-06-01", "first_of_month", "25", w.fruits),
            row(3, "B", "2026-06-15", "first_and_fifteenth", "10", w.fruits),
            row(4, "C", "2026-06-01", "first_of_month", "30", w.fruits),
        ])
        .await;
        // At once: A's June 1st caught up, B's load of today.
        assert_eq!(w.balance(&store, a, w.fruits).await, 2500, "June caught up");
        assert_eq!(
            w.balance(&store, b, w.fruits).await,
            1000,
            "today's load at once"
        );
        let loads = w.entries(&store, EntryKind::Load).await;
        assert!(
            loads
                .iter()
                .all(|(_, _, who)| who.as_deref() == Some("Bénévole")),
            "made by the import's author: {loads:?}"
        );
        // C has no card yet: given one, the worker's next run catches June up.
        let c = store
            .participants(&w.ps(&store).await, "")
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.id1 == "C")
            .unwrap()
            .id;
        store
            .assign_card(&w.ps(&store).await, c, None)
            .await
            .unwrap();
        store.run_due_loads(date(2026, 6, 15)).await.unwrap();
        assert_eq!(w.balance(&store, c, w.fruits).await, 3000);
        // Nothing is loaded twice: the tick after changes nothing, July replaces June.
        store.run_due_loads(date(2026, 6, 15)).await.unwrap();
        assert_eq!(w.balance(&store, a, w.fruits).await, 2500);
        assert_eq!(w.balance(&store, b, w.fruits).await, 1000);
        run_until(&store, &clock, date(2026, 7, 2)).await;
        assert_eq!(w.balance(&store, a, w.fruits).await, 2500);
        assert_eq!(w.balance(&store, b, w.fruits).await, 1000);
        w.reconciles(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_removed_person_comes_back_with_their_history_and_the_schedules_maximum() {
    on_every_db(|store, clock| async move {
        let w = world(&store, false).await;
        let types = store.participant_types(w.program).await.unwrap();
        let one = types[0].id;
        let s = w
            .schedule(
                &store,
                monthly("Été", 4, false, vec![(one, w.fruits, Cents(1000))]),
                10_000,
            )
            .await;
        let p = w.person(&store, one, "R-1", true).await;
        let ps = w.ps(&store).await;
        store
            .enrol_in_schedule(&ps, s, p, false, None)
            .await
            .unwrap();
        run_until(&store, &clock, date(2026, 7, 2)).await;
        assert_eq!(w.balance(&store, p, w.fruits).await, 2000);
        store.remove_participant(&ps, p).await.unwrap();
        assert_eq!(w.envelope(&store, s).await.1, 0, "reservation released");
        let code = store.participant(&ps, p).await.unwrap().code;

        // Away: no way back but the return.
        refused(
            store.enrol_in_schedule(&ps, s, p, false, None).await,
            Refusal::ParticipantRemoved,
        );
        refused(
            store.create_participant(&ps, &someone(one, "r-1")).await,
            Refusal::ParticipantRemoved,
        );
        run_until(&store, &clock, date(2026, 8, 10)).await;
        store.return_participant(&ps, p).await.unwrap();
        refused(
            store.return_participant(&ps, p).await,
            Refusal::ParticipantActive,
        );
        let back = store.participant(&ps, p).await.unwrap();
        assert!(back.active);
        assert_eq!(back.code, code, "the same participant");
        assert!(back.card.is_some(), "their card");
        // Enrolled again: two loads of the four are left (September and October).
        store
            .enrol_in_schedule(&ps, s, p, false, None)
            .await
            .unwrap();
        assert_eq!(w.envelope(&store, s).await.1, 2000);
        assert_eq!(store.forecast(&ps, s, p).await.unwrap().len(), 2);
        run_until(&store, &clock, date(2026, 10, 2)).await;
        assert_eq!(w.balance(&store, p, w.fruits).await, 4000);
        assert_eq!(w.envelope(&store, s).await, (10_000, 0, 4000));
        let rows = w.audit(&store, "participant").await;
        assert!(
            rows.iter()
                .any(|(who, before, after)| who.as_deref() == Some("Bénévole")
                    && before.as_ref().is_some_and(|b| b["active"] == false)
                    && after.as_ref().is_some_and(|a| a["returned"] == true)),
            "{rows:?}"
        );
        w.reconciles(&store).await;
    })
    .await;
}

#[tokio::test]
async fn a_type_change_shows_its_effects_first_and_a_type_without_amount_is_a_conflict() {
    on_every_db(|store, _clock| async move {
        let w = world(&store, false).await;
        let types = store.participant_types(w.program).await.unwrap();
        let (one, two, three) = (types[0].id, types[1].id, types[2].id);
        let s = w
            .schedule(
                &store,
                monthly(
                    "Été",
                    4,
                    false,
                    vec![(one, w.fruits, Cents(1000)), (two, w.fruits, Cents(2000))],
                ),
                20_000,
            )
            .await;
        let p = w.person(&store, one, "T-1", true).await;
        let ps = w.ps(&store).await;
        store
            .enrol_in_schedule(&ps, s, p, false, None)
            .await
            .unwrap();
        assert_eq!(w.envelope(&store, s).await.1, 4000);

        // To type two: four loads of 10.00 become four of 20.00, shown before.
        let effects = store.type_change_effects(&ps, p, two).await.unwrap();
        assert_eq!(effects.len(), 1);
        let e = &effects[0];
        assert_eq!(
            (e.schedule, e.pending, e.per_load_before, e.per_load_after),
            (s, 4, Cents(1000), Cents(2000))
        );
        assert_eq!((e.total_before, e.total_after), (Cents(4000), Cents(8000)));
        refused(
            store
                .update_participant(&ps, p, &someone(two, "T-1"), false)
                .await,
            Refusal::TypeChangeUnconfirmed,
        );
        assert_eq!(
            store.participant(&ps, p).await.unwrap().participant_type,
            one,
            "unchanged"
        );
        // Another edit that changes no amount needs no confirmation.
        let mut renamed = someone(one, "T-1");
        renamed.name = "Autre nom".into();
        store
            .update_participant(&ps, p, &renamed, false)
            .await
            .unwrap();
        store
            .update_participant(&ps, p, &someone(two, "T-1"), true)
            .await
            .unwrap();
        assert_eq!(w.envelope(&store, s).await.1, 8000);

        // To type three, which the schedule gives nothing: shown as $0.00, and a conflict once
        // confirmed.
        assert!(store.type_conflicts(&ps, None).await.unwrap().is_empty());
        let effects = store.type_change_effects(&ps, p, three).await.unwrap();
        assert_eq!(effects[0].per_load_after, Cents(0));
        assert_eq!(effects[0].total_after, Cents(0));
        refused(
            store
                .update_participant(&ps, p, &someone(three, "T-1"), false)
                .await,
            Refusal::TypeChangeUnconfirmed,
        );
        store
            .update_participant(&ps, p, &someone(three, "T-1"), true)
            .await
            .unwrap();
        assert_eq!(w.envelope(&store, s).await.1, 0);
        let conflicts = store.type_conflicts(&ps, None).await.unwrap();
        assert_eq!(conflicts.len(), 1);
        assert_eq!((conflicts[0].participant, conflicts[0].schedule), (p, s));
        assert_eq!(
            store
                .type_conflicts(&w.op(&store).await, Some(p))
                .await
                .unwrap(),
            conflicts,
            "the operator sees it too"
        );
        // Resolved by a type with an amount.
        store
            .update_participant(&ps, p, &someone(one, "T-1"), true)
            .await
            .unwrap();
        assert!(store.type_conflicts(&ps, None).await.unwrap().is_empty());
        assert_eq!(w.envelope(&store, s).await.1, 4000);
    })
    .await;
}

#[tokio::test]
async fn staff_raise_one_persons_loads_issue_skipped_and_missed_loads_naming_themselves() {
    on_every_db(|store, clock| async move {
        let w = world(&store, false).await;
        let types = store.participant_types(w.program).await.unwrap();
        let one = types[0].id;
        // Three loads of 10.00 at most; the envelope holds four and a half.
        let s = w
            .schedule(
                &store,
                monthly("Été", 3, false, vec![(one, w.fruits, Cents(1000))]),
                4_500,
            )
            .await;
        let p = w.person(&store, one, "S-1", true).await;
        let ps = w.ps(&store).await;
        store
            .enrol_in_schedule(&ps, s, p, false, None)
            .await
            .unwrap();
        // One person gets a fourth load; a fifth is beyond the envelope.
        store.set_max_loads(&ps, s, p, 4).await.unwrap();
        assert_eq!(w.envelope(&store, s).await.1, 4000);
        assert_eq!(store.forecast(&ps, s, p).await.unwrap().len(), 4);
        refused(store.set_max_loads(&ps, s, p, 5).await, Refusal::OverBudget);
        refused(
            store.set_max_loads(&ps, s, p, 6).await,
            Refusal::MaxLoadsAboveSchedule,
        );
        let raised = w.audit(&store, "enrolment").await;
        assert!(
            raised
                .iter()
                .any(|(who, _, after)| who.as_deref() == Some("Bénévole")
                    && after.as_ref().is_some_and(|a| a["max_loads"] == 4)),
            "{raised:?}"
        );

        // Q has no card for three due dates; then staff load them all at once.
        let q_s = w
            .schedule(
                &store,
                monthly("Automne", 5, false, vec![(one, w.dairy, Cents(500))]),
                2_500,
            )
            .await;
        let q = w.person(&store, one, "Q-1", false).await;
        store
            .enrol_in_schedule(&ps, q_s, q, false, None)
            .await
            .unwrap();
        run_until(&store, &clock, date(2026, 8, 2)).await;
        let missed = [date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1)];
        assert_eq!(
            store.loads_to_issue(&ps, q).await.unwrap(),
            missed
                .iter()
                .map(|d| (q_s, *d, "no_card".to_owned()))
                .collect::<Vec<_>>()
        );
        refused(
            store.reissue_loads(&ps, q_s, q, &missed).await,
            Refusal::NoCard,
        );
        store.assign_card(&ps, q, None).await.unwrap();
        assert_eq!(
            store.reissue_loads(&ps, q_s, q, &missed).await.unwrap(),
            Cents(1500)
        );
        assert_eq!(w.balance(&store, q, w.dairy).await, 1500);
        assert!(store.loads_to_issue(&ps, q).await.unwrap().is_empty());
        refused(
            store.reissue_loads(&ps, q_s, q, &missed[..1]).await,
            Refusal::NoMissedLoad,
        );
        // Every staff-made load names its actor in the ledger and has its audit row.
        let dairy_loads: Vec<_> = w
            .entries(&store, EntryKind::Load)
            .await
            .into_iter()
            .filter(|(amount, _, _)| *amount == 500)
            .collect();
        assert_eq!(dairy_loads.len(), 3);
        assert!(
            dairy_loads
                .iter()
                .all(|(_, _, who)| who.as_deref() == Some("Bénévole")),
            "{dairy_loads:?}"
        );
        let audited: Vec<_> = w
            .audit(&store, "load")
            .await
            .into_iter()
            .filter(|(who, _, after)| {
                who.as_deref() == Some("Bénévole")
                    && after.as_ref().is_some_and(|a| a["amount_cents"] == 500)
            })
            .collect();
        assert_eq!(audited.len(), 3);
        // The loads the worker made name no one.
        assert!(
            w.entries(&store, EntryKind::Load)
                .await
                .iter()
                .filter(|(amount, _, _)| *amount == 1000)
                .all(|(_, _, who)| who.is_none())
        );
        w.reconciles(&store).await;
    })
    .await;
}

#[tokio::test]
async fn staff_issue_a_load_a_usage_based_schedule_skipped() {
    on_every_db(|store, clock| async move {
        let w = world(&store, false).await;
        let types = store.participant_types(w.program).await.unwrap();
        let one = types[0].id;
        // Loads only when the card was used since the last one; three at most.
        let s = w
            .schedule(
                &store,
                monthly("Usage", 3, true, vec![(one, w.fruits, Cents(1000))]),
                3_000,
            )
            .await;
        let p = w.person(&store, one, "U-1", true).await;
        let ps = w.ps(&store).await;
        store
            .enrol_in_schedule(&ps, s, p, false, None)
            .await
            .unwrap();
        run_until(&store, &clock, date(2026, 7, 2)).await;
        // June loaded; July skipped (the card was not used).
        assert_eq!(w.balance(&store, p, w.fruits).await, 1000);
        assert_eq!(
            store.loads_to_issue(&ps, p).await.unwrap(),
            vec![(s, date(2026, 7, 1), "unused".to_owned())]
        );
        let (_, reserved, _) = w.envelope(&store, s).await;
        assert_eq!(reserved, 2000, "two loads still to come");
        store
            .reissue_load(&ps, s, p, date(2026, 7, 1))
            .await
            .unwrap();
        assert_eq!(w.balance(&store, p, w.fruits).await, 2000);
        assert_eq!(
            w.envelope(&store, s).await,
            (3000, 1000, 2000),
            "one load left"
        );
        // The third and last load; then nothing more can be issued.
        run_until(&store, &clock, date(2026, 8, 2)).await;
        let skipped = store.loads_to_issue(&ps, p).await.unwrap();
        assert_eq!(skipped, vec![(s, date(2026, 8, 1), "unused".to_owned())]);
        store
            .reissue_load(&ps, s, p, date(2026, 8, 1))
            .await
            .unwrap();
        assert_eq!(w.envelope(&store, s).await, (3000, 0, 3000));
        run_until(&store, &clock, date(2026, 9, 2)).await;
        assert_eq!(w.balance(&store, p, w.fruits).await, 3000);
        let left = store.loads_to_issue(&ps, p).await.unwrap();
        if let Some((_, d, _)) = left.first() {
            refused(
                store.reissue_load(&ps, s, p, *d).await,
                Refusal::MaxLoadsReached,
            );
        }
        w.reconciles(&store).await;
    })
    .await;
}
