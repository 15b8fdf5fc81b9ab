//! Money that escapes its budget (issue 16): every cent on a card comes from an envelope or the
//! program's reserve and goes back there; ended schedules, types without an amount,
//! usage-based caps, off-platform lists, disabled cards and schedule amounts cannot make or
//! hide money. Each test runs on SQLite and PostgreSQL.

mod support;

use halles_core::coupons::{CardStatus, Expiry, LoadMoment, ProgramRole, local_date};
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::{
    CardId, Clock, ManualClock, OrgId, ParticipantTypeId, ProductGroupId, ProgramId,
};
use halles_store::coupons::{
    CardLookup, FundSource, ImportRow, ParticipantInput, ProgramInput, ProgramScope,
    ProgramSettings, RedemptionInput, ScheduleInput,
};
use halles_store::{Store, StoreError};
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use support::{refused, scope, season};

/// Noon in Montréal on a date.
fn noon(d: Date) -> Timestamp {
    halles_core::coupons::start_of(d) + SignedDuration::from_hours(12)
}

#[derive(Clone, Copy)]
struct World {
    operator: OrgId,
    partner_a: OrgId,
    partner_b: OrgId,
    market: OrgId,
    program: ProgramId,
    fruits: ProductGroupId,
    dairy: ProductGroupId,
    loyalty: ProductGroupId,
    small: ParticipantTypeId,
    large: ParticipantTypeId,
}

async fn world(store: &Store, input: &ProgramInput) -> World {
    let org = |k, n: &'static str| support::org(store, k, n);
    let operator = org(OrgKind::ProgramOperator, "Collectif").await;
    let partner_a = org(OrgKind::PartnerOrg, "Entraide A").await;
    let partner_b = org(OrgKind::PartnerOrg, "Maison B").await;
    let market = org(OrgKind::Market, "Marché des Saules").await;
    let program = store.create_program(&scope(operator), input).await.unwrap();
    let op = store
        .operated_program(&scope(operator), program)
        .await
        .unwrap();
    for (m, r) in [
        (partner_a, ProgramRole::Partner),
        (partner_b, ProgramRole::Partner),
        (market, ProgramRole::Market),
    ] {
        store.add_program_member(&op, m, r).await.unwrap();
    }
    store.create_card_batch(&op, 20).await.unwrap();
    let groups = store.product_groups(program).await.unwrap();
    let types = store.participant_types(program).await.unwrap();
    World {
        operator,
        partner_a,
        partner_b,
        market,
        program,
        fruits: groups[0].id,
        dairy: groups[1].id,
        loyalty: groups.iter().find(|g| g.is_loyalty).unwrap().id,
        small: types[0].id,
        large: types[1].id,
    }
}

impl World {
    async fn op(&self, store: &Store) -> ProgramScope {
        store
            .operated_program(&scope(self.operator), self.program)
            .await
            .unwrap()
    }

    async fn as_org(&self, store: &Store, org: OrgId) -> ProgramScope {
        store
            .program_access(&scope(org), self.program)
            .await
            .unwrap()
    }

    /// A participant of partner A of type `t`.
    async fn person(
        &self,
        store: &Store,
        t: ParticipantTypeId,
        id1: &str,
    ) -> halles_core::ParticipantId {
        store
            .create_participant(
                &self.as_org(store, self.partner_a).await,
                &ParticipantInput {
                    participant_type: Some(t),
                    id1: id1.into(),
                    name: format!("Personne {id1}"),
                    consent_on: Some(date(2026, 5, 20)),
                    consent_purpose: "Programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap()
            .id
    }

    /// A schedule of the program: monthly on the 1st, carry-over, never expiring, $20 of
    /// fruits for the small type only.
    async fn schedule(
        &self,
        store: &Store,
        name: &str,
        (starts_on, ends_on): (Date, Date),
        max_loads: u32,
        usage_based: bool,
    ) -> halles_core::ScheduleId {
        store
            .create_schedule(
                &self.op(store).await,
                &ScheduleInput {
                    name: name.into(),
                    starts_on,
                    ends_on,
                    moment: LoadMoment::FirstOfMonth,
                    max_loads,
                    carry_over: true,
                    usage_based,
                    expiry: Expiry::Never,
                    amounts: vec![(self.small, self.fruits, Cents(2000))],
                },
            )
            .await
            .unwrap()
    }

    async fn spend(&self, store: &Store, card: CardId, group: ProductGroupId, cents: i64) {
        let number = store
            .find_card_by_id(&scope(self.market), card)
            .await
            .unwrap()
            .number;
        store
            .redeem(
                &scope(self.market),
                &RedemptionInput {
                    card: CardLookup::Number(number),
                    register: None,
                    lines: vec![(group, Cents(cents))],
                    pin: None,
                },
            )
            .await
            .unwrap();
    }

    /// Every cent accounted for: cards + spent + envelopes + reserve = funded.
    async fn balanced(&self, store: &Store) {
        let check = store.funds_check(self.program).await.unwrap();
        assert!(check.balanced(), "money from nowhere: {check:?}");
    }
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

/// Moves the clock to noon of `d`, running the loads and expiry of each day on the way.
async fn run_until(store: &Store, clock: &ManualClock, d: Date) {
    let mut today = local_date(clock.now());
    while today < d {
        today = today.tomorrow().unwrap();
        clock.set(noon(today));
        store.run_due_loads(today).await.unwrap();
        store.run_expiry().await.unwrap();
    }
}

/// Item 1: a manual load names the envelope of the holder's partner or the program's reserve
/// it draws on, is refused when that holds too little, and a correction gives each cent back
/// where it came from; the books balance at every step.
#[tokio::test]
async fn manual_loads_draw_on_an_envelope_or_the_reserve_and_corrections_give_back() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, _clock| async move {
        let w = world(&store, &season()).await;
        let op = w.op(&store).await;
        let s = w
            .schedule(
                &store,
                "Été",
                (date(2026, 6, 1), date(2026, 10, 31)),
                5,
                false,
            )
            .await;
        let env_a = store
            .set_envelope(&op, s, w.partner_a, Cents(10_000))
            .await
            .unwrap();
        let env_b = store
            .set_envelope(&op, s, w.partner_b, Cents(10_000))
            .await
            .unwrap();
        let who = w.person(&store, w.small, "A-1").await;
        let card = store
            .assign_card(&w.as_org(&store, w.partner_a).await, who, None)
            .await
            .unwrap()
            .id;
        let load = |amount: i64, source: Option<FundSource>| {
            let (store, op) = (store.clone(), op.clone());
            async move {
                store
                    .adjust_funds(&op, card, w.fruits, Cents(amount), source, "chargement")
                    .await
            }
        };
        // No source: refused, on the source.
        refused(load(1000, None).await, Refusal::FundSourceRequired);
        // The reserve holds nothing yet.
        refused(
            load(1000, Some(FundSource::Reserve)).await,
            Refusal::ReserveTooLow,
        );
        assert_eq!(balance(&store, card, w.fruits).await, 0);
        w.balanced(&store).await;
        // Funded by the operator, it pays, up to what it holds.
        store.set_reserve_budget(&op, Cents(5000)).await.unwrap();
        load(1000, Some(FundSource::Reserve)).await.unwrap();
        refused(
            load(4001, Some(FundSource::Reserve)).await,
            Refusal::ReserveTooLow,
        );
        assert_eq!(store.reserve(&op).await.unwrap().loaded, Cents(1000));
        // It cannot go below what it has loaded.
        refused(
            store.set_reserve_budget(&op, Cents(999)).await,
            Refusal::BelowCommitted,
        );
        // Another partner's envelope does not pay for partner A's participant.
        refused(
            load(1000, Some(FundSource::Envelope(env_b))).await,
            Refusal::EnvelopeOtherPartner,
        );
        // Partner A's envelope pays, never beyond its budget.
        refused(
            load(10_001, Some(FundSource::Envelope(env_a))).await,
            Refusal::OverBudget,
        );
        load(3000, Some(FundSource::Envelope(env_a))).await.unwrap();
        let a = |store: Store| async move {
            store
                .envelopes(&w.op(&store).await, Some(w.partner_a))
                .await
                .unwrap()[0]
                .clone()
        };
        assert_eq!(a(store.clone()).await.loaded, Cents(3000));
        assert_eq!(balance(&store, card, w.fruits).await, 4000);
        w.balanced(&store).await;
        // A correction of $35: the reserve's $10 lot first, then $25 of the envelope's; each
        // goes back where it came from.
        load(-3500, None).await.unwrap();
        assert_eq!(balance(&store, card, w.fruits).await, 500);
        assert_eq!(store.reserve(&op).await.unwrap().loaded, Cents(0));
        assert_eq!(a(store.clone()).await.loaded, Cents(500));
        w.balanced(&store).await;
        // Spent money stays spent; the rest still balances.
        w.spend(&store, card, w.fruits, 300).await;
        w.balanced(&store).await;
        // A gift card's loyalty funds come from the reserve too.
        let gift = store
            .cards(&op, Some(CardStatus::Unassigned), None)
            .await
            .unwrap()[0]
            .id;
        refused(
            store.load_gift_card(&op, gift, Cents(5001), "cadeau").await,
            Refusal::ReserveTooLow,
        );
        store
            .load_gift_card(&op, gift, Cents(2500), "cadeau")
            .await
            .unwrap();
        assert_eq!(store.reserve(&op).await.unwrap().loaded, Cents(2500));
        assert_eq!(balance(&store, gift, w.loyalty).await, 2500);
        w.balanced(&store).await;
        // Partners do not read the reserve.
        assert!(matches!(
            store.reserve(&w.as_org(&store, w.partner_a).await).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

/// Item 2: no enrolment in an ended schedule (even with a catch-up, which paid four old loads);
/// a catch-up never reaches before the enrolment's start; a type the schedule gives nothing is
/// refused at enrolment with its own message.
#[tokio::test]
async fn ended_schedules_and_types_without_amount_take_nobody() {
    support::on_every_db(noon(date(2026, 7, 10)), |store, clock| async move {
        let w = world(&store, &season()).await;
        let op = w.op(&store).await;
        let partner = w.as_org(&store, w.partner_a).await;
        // A spring schedule that ended on May 31st.
        let spring = w
            .schedule(
                &store,
                "Printemps",
                (date(2026, 2, 1), date(2026, 5, 31)),
                4,
                false,
            )
            .await;
        store
            .set_envelope(&op, spring, w.partner_a, Cents(100_000))
            .await
            .unwrap();
        let who = w.person(&store, w.small, "A-1").await;
        store.assign_card(&partner, who, None).await.unwrap();
        refused(
            store
                .enrol_in_schedule(&partner, spring, who, true, None)
                .await,
            Refusal::ScheduleEnded,
        );
        let run = store.run_due_loads(local_date(clock.now())).await.unwrap();
        assert_eq!(run.loaded, 0, "an ended schedule paid out");
        w.balanced(&store).await;
        // A running schedule gives the large type nothing: refused, not enrolled for $0.
        let summer = w
            .schedule(
                &store,
                "Été",
                (date(2026, 6, 1), date(2026, 10, 31)),
                5,
                false,
            )
            .await;
        store
            .set_envelope(&op, summer, w.partner_a, Cents(100_000))
            .await
            .unwrap();
        let large = w.person(&store, w.large, "A-2").await;
        refused(
            store
                .enrol_in_schedule(&partner, summer, large, false, None)
                .await,
            Refusal::TypeWithoutAmount,
        );
        // Enrolled on July 10th without catch-up: June 1st and July 1st are not theirs, and a
        // catch-up of either is refused; neither is a date after the schedule's end.
        store
            .enrol_in_schedule(&partner, summer, who, false, None)
            .await
            .unwrap();
        for due in [date(2026, 6, 1), date(2026, 7, 1), date(2026, 11, 1)] {
            let r = store.reissue_load(&partner, summer, who, due).await;
            refused(r, Refusal::LoadOutsideEnrolment);
        }
        run_until(&store, &clock, date(2026, 8, 2)).await;
        let card = store
            .participant(&partner, who)
            .await
            .unwrap()
            .card
            .unwrap()
            .0;
        assert_eq!(balance(&store, card, w.fruits).await, 2000);
        w.balanced(&store).await;
    })
    .await;
}

/// Item 3: a usage-based schedule's maximum counts loads made. Someone who did not shop for
/// two months still gets the rest of their loads once they shop again, never more than the
/// maximum, and the envelope's reservation follows to the cent.
#[tokio::test]
async fn a_usage_based_maximum_counts_loads_made_not_dates() {
    support::on_every_db(noon(date(2026, 5, 20)), |store, clock| async move {
        let w = world(&store, &season()).await;
        let op = w.op(&store).await;
        let partner = w.as_org(&store, w.partner_a).await;
        let s = w
            .schedule(
                &store,
                "Été",
                (date(2026, 6, 1), date(2026, 10, 31)),
                2,
                true,
            )
            .await;
        store
            .set_envelope(&op, s, w.partner_a, Cents(100_000))
            .await
            .unwrap();
        let who = w.person(&store, w.small, "A-1").await;
        let card = store.assign_card(&partner, who, None).await.unwrap().id;
        store
            .enrol_in_schedule(&partner, s, who, false, None)
            .await
            .unwrap();
        let reserved = |store: Store| async move {
            let e = store
                .envelopes(&w.op(&store).await, Some(w.partner_a))
                .await
                .unwrap()[0]
                .clone();
            (e.reserved.0, e.loaded.0)
        };
        assert_eq!(reserved(store.clone()).await, (4000, 0));
        // June 1st: the first load. No shopping in June and July: both skipped, and the
        // second load stays reserved for a later date.
        run_until(&store, &clock, date(2026, 8, 2)).await;
        assert_eq!(balance(&store, card, w.fruits).await, 2000);
        assert_eq!(reserved(store.clone()).await, (2000, 2000));
        w.balanced(&store).await;
        // They shop in August: September 1st loads the second (on main it never came).
        w.spend(&store, card, w.fruits, 500).await;
        run_until(&store, &clock, date(2026, 9, 2)).await;
        assert_eq!(balance(&store, card, w.fruits).await, 3500);
        assert_eq!(reserved(store.clone()).await, (0, 4000));
        // They shop again: October 1st is past the maximum, nothing more.
        w.spend(&store, card, w.fruits, 500).await;
        run_until(&store, &clock, date(2026, 10, 2)).await;
        assert_eq!(balance(&store, card, w.fruits).await, 3000);
        assert_eq!(reserved(store.clone()).await, (0, 4000));
        w.balanced(&store).await;
    })
    .await;
}

/// Item 3, the other end: someone who never shops again gets their reservation back when
/// the schedule's dates run out.
#[tokio::test]
async fn a_usage_based_reservation_is_given_back_when_the_dates_run_out() {
    support::on_every_db(noon(date(2026, 5, 20)), |store, clock| async move {
        let w = world(&store, &season()).await;
        let op = w.op(&store).await;
        let partner = w.as_org(&store, w.partner_a).await;
        let s = w
            .schedule(
                &store,
                "Été",
                (date(2026, 6, 1), date(2026, 10, 31)),
                3,
                true,
            )
            .await;
        store
            .set_envelope(&op, s, w.partner_a, Cents(100_000))
            .await
            .unwrap();
        let who = w.person(&store, w.small, "A-1").await;
        store.assign_card(&partner, who, None).await.unwrap();
        store
            .enrol_in_schedule(&partner, s, who, false, None)
            .await
            .unwrap();
        run_until(&store, &clock, date(2026, 11, 2)).await;
        let e = store.envelopes(&op, Some(w.partner_a)).await.unwrap()[0].clone();
        assert_eq!((e.reserved.0, e.loaded.0), (0, 2000));
        w.balanced(&store).await;
    })
    .await;
}

/// Item 4: off-platform lists: a group of another program or none at all is refused row by
/// row, a row without an end date runs until the program ends, and what is left of a load is
/// replaced by the next one instead of piling up.
#[tokio::test]
async fn off_platform_rows_are_checked_replaced_at_the_next_load_and_may_be_open_ended() {
    support::on_every_db(noon(date(2026, 5, 20)), |store, clock| async move {
        let off = ProgramInput {
            off_platform: true,
            ..season()
        };
        let w = world(&store, &off).await;
        let other = world(&store, &season()).await;
        let partner = w.as_org(&store, w.partner_a).await;
        let row = |line: usize, id1: &str, ends_on: &str, group: ProductGroupId| ImportRow {
            line,
            participant_type: "1".into(),
            id1: id1.into(),
            name: format!("Personne {id1}"),
            consent_on: "2026-05-20".into(),
            starts_on: "2026-06-01".into(),
            ends_on: ends_on.into(),
            moment: "first_of_month".into(),
            amounts: vec![(group, "20,00".into())],
            ..ImportRow::default()
        };
        let types = store.participant_types(w.program).await.unwrap();
        assert_eq!(types[0].match_key, "1");
        let rows = [
            row(2, "X-1", "2026-10-31", other.fruits),
            row(3, "X-2", "2026-10-31", ProductGroupId(987_654)),
            row(4, "X-3", "2026-10-31", w.loyalty),
        ];
        let report = store
            .import_participants(&partner, &rows, "Programme", None, true)
            .await
            .unwrap();
        let problems: Vec<_> = report.rows.iter().map(|r| r.problem).collect();
        assert_eq!(
            problems,
            [Some("unknown_group_or_type"); 3],
            "rows with groups outside the program"
        );
        assert!(!report.applied);
        // Rows outside the program's season (June 1 to October 31): a start years back would
        // have the worker catch up every date since, an end past the season loads after it.
        let early = ImportRow {
            starts_on: "0001-01-01".into(),
            moment: "weekly".into(),
            amounts: vec![(w.fruits, "0,01".into())],
            ..row(2, "X-5", "2026-10-31", w.fruits)
        };
        let late = row(3, "X-6", "2027-03-31", w.fruits);
        let report = store
            .import_participants(&partner, &[early, late], "Programme", None, true)
            .await
            .unwrap();
        let problems: Vec<_> = report.rows.iter().map(|r| r.problem).collect();
        assert_eq!(problems, [Some("allowance_outside_program"); 2]);
        assert!(!report.applied);
        // A row without an end date: accepted, until the program's last day.
        let report = store
            .import_participants(
                &partner,
                &[row(2, "X-4", "", w.fruits)],
                "Programme",
                None,
                true,
            )
            .await
            .unwrap();
        assert_eq!(report.rows[0].problem, None);
        assert!(report.applied);
        let who = store.participants(&partner, "X-4").await.unwrap()[0].id;
        let card = store.assign_card(&partner, who, None).await.unwrap().id;
        let personal = store.schedules_for(w.program, who).await.unwrap();
        let personal = personal
            .iter()
            .find(|s| s.participant == Some(who))
            .unwrap();
        assert_eq!(personal.ends_on, date(2026, 10, 31));
        // June's $20 unspent is replaced by July's: $20 on the card, not $40.
        run_until(&store, &clock, date(2026, 7, 2)).await;
        assert_eq!(balance(&store, card, w.fruits).await, 2000);
        w.balanced(&store).await;
        let _ = (w.dairy, other.dairy);
    })
    .await;
}

/// Item 6: a disabled card stays the holder's (visible, with its actions), no second card is
/// given while it is there, and partners cannot disable cards where the operator manages them.
#[tokio::test]
async fn a_disabled_card_stays_its_holders_and_only_card() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, _clock| async move {
        let w = world(&store, &season()).await;
        let op = w.op(&store).await;
        let partner = w.as_org(&store, w.partner_a).await;
        let who = w.person(&store, w.small, "A-1").await;
        let card = store.assign_card(&partner, who, None).await.unwrap().id;
        store.set_card_enabled(&partner, card, false).await.unwrap();
        let p = store.participant(&partner, who).await.unwrap();
        assert_eq!(
            p.card.map(|c| c.0),
            Some(card),
            "the disabled card vanished"
        );
        refused(
            store.assign_card(&partner, who, None).await,
            Refusal::AlreadyHasCard,
        );
        // The page's actions work on it: enable, and report lost.
        store.set_card_enabled(&partner, card, true).await.unwrap();
        store.set_card_enabled(&partner, card, false).await.unwrap();
        let new = store.replace_lost_card(&partner, card, None).await.unwrap();
        assert_eq!(new.status, CardStatus::Assigned);
        let held: Vec<_> = store
            .cards(&op, None, None)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| {
                c.participant == Some(who)
                    && matches!(c.status, CardStatus::Assigned | CardStatus::Disabled)
            })
            .collect();
        assert_eq!(held.len(), 1, "one person, one card: {held:?}");
        // Where the operator manages cards, the partner cannot disable them.
        let mut settings = ProgramSettings::from(&store.program_by_id(w.program).await.unwrap());
        settings.partners_assign_cards = false;
        store.update_program(&op, &settings).await.unwrap();
        let partner = w.as_org(&store, w.partner_a).await;
        refused(
            store.set_card_enabled(&partner, new.id, false).await,
            Refusal::CardManagedByOperator,
        );
        store.set_card_enabled(&op, new.id, false).await.unwrap();
    })
    .await;
}

/// Item 5: loyalty funds never land on a lost card, a disabled gift card comes back a gift
/// card, an emptied gift card can be taken back or given, and the loyalty group keeps its name.
#[tokio::test]
async fn gift_cards_and_loyalty_funds_strand_no_money() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, _clock| async move {
        let w = world(&store, &season()).await;
        let op = w.op(&store).await;
        let partner = w.as_org(&store, w.partner_a).await;
        store.set_reserve_budget(&op, Cents(100_000)).await.unwrap();
        let free = |store: Store| async move {
            store
                .cards(&w.op(&store).await, Some(CardStatus::Unassigned), None)
                .await
                .unwrap()[0]
                .id
        };
        // Disabled, then enabled: a gift card again, not a free card holding funds.
        let gift = free(store.clone()).await;
        store
            .load_gift_card(&op, gift, Cents(1000), "cadeau")
            .await
            .unwrap();
        store.set_card_enabled(&op, gift, false).await.unwrap();
        store.set_card_enabled(&op, gift, true).await.unwrap();
        let c = store.program_card(&op, gift).await.unwrap();
        assert_eq!(c.status, CardStatus::Gift);
        // Loyalty funds on a lost card: refused.
        let who = w.person(&store, w.small, "A-1").await;
        let card = store.assign_card(&partner, who, None).await.unwrap().id;
        store.replace_lost_card(&partner, card, None).await.unwrap();
        refused(
            store
                .adjust_funds(
                    &op,
                    card,
                    w.loyalty,
                    Cents(500),
                    Some(FundSource::Reserve),
                    "fidélité",
                )
                .await,
            Refusal::CardState,
        );
        // A gift card spent to $0 can be taken back, and another given to someone.
        w.spend(&store, gift, w.fruits, 1000).await;
        store.unassign_card(&op, gift).await.unwrap();
        assert_eq!(
            store.program_card(&op, gift).await.unwrap().status,
            CardStatus::Unassigned
        );
        let other = free(store.clone()).await;
        store
            .load_gift_card(&op, other, Cents(500), "cadeau")
            .await
            .unwrap();
        w.spend(&store, other, w.fruits, 500).await;
        let number = store.program_card(&op, other).await.unwrap().number;
        let someone = w.person(&store, w.small, "A-2").await;
        let given = store
            .assign_card(&partner, someone, Some(&number))
            .await
            .unwrap();
        assert_eq!(given.status, CardStatus::Assigned);
        // The loyalty group keeps its name, and no other group takes it.
        refused(
            store
                .rename_product_group(&op, w.loyalty, "Bonus", "Bonus")
                .await,
            Refusal::LoyaltyGroupReserved,
        );
        refused(
            store
                .rename_product_group(&op, w.fruits, "Fidélité", "")
                .await,
            Refusal::LoyaltyGroupReserved,
        );
        refused(
            store
                .add_product_group(&op, "Boulangerie", " loyalty ", "#000000")
                .await,
            Refusal::LoyaltyGroupReserved,
        );
        w.balanced(&store).await;
    })
    .await;
}

/// Item 8: the same participant type and group twice is a clear refusal, not a database error.
#[tokio::test]
async fn a_schedule_with_the_same_type_and_group_twice_is_refused() {
    support::on_every_db(noon(date(2026, 5, 20)), |store, _clock| async move {
        let w = world(&store, &season()).await;
        let r = store
            .create_schedule(
                &w.op(&store).await,
                &ScheduleInput {
                    name: "Été".into(),
                    starts_on: date(2026, 6, 1),
                    ends_on: date(2026, 10, 31),
                    moment: LoadMoment::FirstOfMonth,
                    max_loads: 5,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::Never,
                    amounts: vec![
                        (w.small, w.fruits, Cents(2000)),
                        (w.small, w.fruits, Cents(3000)),
                    ],
                },
            )
            .await;
        refused(r, Refusal::DuplicateAmount);
        assert!(
            store
                .schedules(&w.op(&store).await)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}
