//! The reports funders ask for (issue 16): counts beside amounts (purchases, participants who
//! used their card, cards, markets, average basket) by dimension and period, the history of an
//! envelope and of the reserve with its running balance, and the monthly report's recipients
//! and its once-only claim. Each test runs on SQLite and PostgreSQL.

mod support;

use halles_core::accounts::Lang;
use halles_core::coupons::{Expiry, LoadMoment, ProgramRole, local_date};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role};
use halles_core::{CardId, Clock, ManualClock, OrgId, ProductGroupId, ProgramId, ScheduleId};
use halles_store::coupons::{
    CardLookup, Dimension, EnvelopeMoveKind, FundSource, HistoryOf, ParticipantInput, ProgramScope,
    RedemptionInput, ReportFilter, ScheduleInput,
};
use halles_store::platform::accounts::NewUser;
use halles_store::platform::email::OutgoingEmail;
use halles_store::{Actor, Store, StoreError, TenantScope};
use jiff::SignedDuration;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use support::{scope, season};

/// Noon in Montréal on a date.
fn noon(d: Date) -> Timestamp {
    halles_core::coupons::start_of(d) + SignedDuration::from_hours(12)
}

#[derive(Clone, Copy)]
struct World {
    operator: OrgId,
    partner: OrgId,
    funder: OrgId,
    north: OrgId,
    south: OrgId,
    program: ProgramId,
    fruits: ProductGroupId,
    dairy: ProductGroupId,
    schedule: ScheduleId,
}

/// A program with a partner, a funder and two markets; a summer schedule (monthly on the 1st,
/// $20 of fruits and $10 of dairy for the first type) and the partner's $500 envelope.
async fn world(store: &Store) -> World {
    let org = |k, n: &'static str| support::org(store, k, n);
    let operator = org(OrgKind::ProgramOperator, "Collectif").await;
    let partner = org(OrgKind::PartnerOrg, "Entraide").await;
    let funder = org(OrgKind::Funder, "Fondation").await;
    let north = org(OrgKind::Market, "Marché du Nord").await;
    let south = org(OrgKind::Market, "Marché du Sud").await;
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
        (funder, ProgramRole::Funder),
        (north, ProgramRole::Market),
        (south, ProgramRole::Market),
    ] {
        store.add_program_member(&op, m, r).await.unwrap();
    }
    store.create_card_batch(&op, 10).await.unwrap();
    let groups = store.product_groups(program).await.unwrap();
    let types = store.participant_types(program).await.unwrap();
    let (fruits, dairy) = (groups[0].id, groups[1].id);
    let schedule = store
        .create_schedule(
            &op,
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
                    (types[0].id, fruits, Cents(2000)),
                    (types[0].id, dairy, Cents(1000)),
                ],
            },
        )
        .await
        .unwrap();
    store
        .set_envelope(&op, schedule, partner, Cents(50_000))
        .await
        .unwrap();
    let w = World {
        operator,
        partner,
        funder,
        north,
        south,
        program,
        fruits,
        dairy,
        schedule,
    };
    let ps = w.as_org(store, partner).await;
    for id1 in ["P-1", "P-2"] {
        let who = store
            .create_participant(
                &ps,
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    id1: id1.into(),
                    name: format!("Personne {id1}"),
                    consent_on: Some(date(2026, 5, 20)),
                    consent_purpose: "Programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap()
            .id;
        store.assign_card(&ps, who, None).await.unwrap();
        store
            .enrol_in_schedule(&ps, schedule, who, false, Some(3))
            .await
            .unwrap();
    }
    w
}

impl World {
    async fn op(&self, store: &Store) -> ProgramScope {
        self.as_org(store, self.operator).await
    }

    async fn as_org(&self, store: &Store, org: OrgId) -> ProgramScope {
        store
            .program_access(&scope(org), self.program)
            .await
            .unwrap()
    }

    /// The participants' cards, in order.
    async fn cards(&self, store: &Store) -> Vec<CardId> {
        let mut cards: Vec<_> = store
            .cards(
                &self.op(store).await,
                Some(halles_core::coupons::CardStatus::Assigned),
                None,
            )
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        cards.sort();
        cards
    }

    /// A sale at `market` of `lines`.
    async fn sell(
        &self,
        store: &Store,
        market: OrgId,
        card: CardId,
        lines: &[(ProductGroupId, i64)],
    ) {
        let number = store
            .find_card_by_id(&scope(market), card)
            .await
            .unwrap()
            .number;
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
            .unwrap();
    }
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

/// A season's sales: in July, P-1 buys twice at the north market (once over both groups) and
/// P-2 once at the south market; in August P-1 buys at the south market.
async fn season_of_sales(store: &Store, clock: &ManualClock, w: &World) {
    let cards = w.cards(store).await;
    run_until(store, clock, date(2026, 7, 2)).await;
    w.sell(store, w.north, cards[0], &[(w.fruits, 500), (w.dairy, 200)])
        .await;
    w.sell(store, w.north, cards[0], &[(w.fruits, 300)]).await;
    w.sell(store, w.south, cards[1], &[(w.fruits, 400)]).await;
    run_until(store, clock, date(2026, 8, 3)).await;
    w.sell(store, w.south, cards[0], &[(w.dairy, 600)]).await;
}

#[tokio::test]
async fn counts_stand_beside_amounts_by_schedule_market_group_and_period() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, clock| async move {
        let w = world(&store).await;
        season_of_sales(&store, &clock, &w).await;
        let op = w.op(&store).await;
        let all = ReportFilter::default();
        // The whole program: 4 purchases by 2 participants with 2 cards at 2 markets, $20 spent.
        let c = store.report_counts(&op, all).await.unwrap();
        assert_eq!(
            (c.purchases, c.participants, c.cards, c.markets),
            (4, 2, 2, 2)
        );
        let t = store.report_totals(&op, all).await.unwrap();
        assert_eq!(t.spent, Cents(2000));
        assert_eq!(c.average_basket(t.spent), Cents(500));
        // The end-of-schedule report: every sale drew on the schedule's loads.
        let by_schedule = store
            .report(&op, Some(Dimension::Schedule), all)
            .await
            .unwrap();
        let row = by_schedule
            .iter()
            .find(|r| r.key == Some(w.schedule.0))
            .unwrap();
        assert_eq!(row.counts, c);
        assert_eq!(row.totals.loaded, Cents(2 * 2 * 3000));
        // By market: the north market saw one participant twice; distinct counts do not add
        // up across rows (P-1 shopped at both).
        let by_market = store
            .report(&op, Some(Dimension::Market), all)
            .await
            .unwrap();
        let of = |m: OrgId| by_market.iter().find(|r| r.key == Some(m.0)).unwrap();
        assert_eq!(
            (
                of(w.north).counts.purchases,
                of(w.north).counts.participants
            ),
            (2, 1)
        );
        assert_eq!(
            (
                of(w.south).counts.purchases,
                of(w.south).counts.participants
            ),
            (2, 2)
        );
        assert_eq!(
            of(w.north).counts.average_basket(of(w.north).totals.spent),
            Cents(500)
        );
        // By product group: the two-group sale counts once in each group.
        let by_group = store
            .report(&op, Some(Dimension::ProductGroup), all)
            .await
            .unwrap();
        let g = |id: ProductGroupId| by_group.iter().find(|r| r.key == Some(id.0)).unwrap();
        assert_eq!(g(w.fruits).counts.purchases, 3);
        assert_eq!(g(w.dairy).counts.purchases, 2);
        // By period (the program's month) and by calendar month: July and August apart.
        for rows in [
            store
                .report(&op, Some(Dimension::Period), all)
                .await
                .unwrap(),
            store.report_by_month(&op, all).await.unwrap(),
        ] {
            let m = |d: Date| rows.iter().find(|r| r.period_start == Some(d)).unwrap();
            assert_eq!(
                (
                    m(date(2026, 7, 1)).counts.purchases,
                    m(date(2026, 7, 1)).counts.markets
                ),
                (3, 2)
            );
            assert_eq!(
                (
                    m(date(2026, 8, 1)).counts.purchases,
                    m(date(2026, 8, 1)).counts.participants
                ),
                (1, 1)
            );
        }
        // A period filter: July alone.
        let july = ReportFilter {
            from: Some(halles_core::coupons::start_of(date(2026, 7, 1))),
            until: Some(halles_core::coupons::start_of(date(2026, 8, 1))),
            market: None,
        };
        let c = store.report_counts(&op, july).await.unwrap();
        assert_eq!((c.purchases, c.participants, c.cards), (3, 2, 2));
        // A market reads its own sales only.
        let north = w.as_org(&store, w.north).await;
        let c = store.report_counts(&north, all).await.unwrap();
        assert_eq!((c.purchases, c.participants, c.markets), (2, 1, 1));
    })
    .await;
}

#[tokio::test]
async fn an_envelope_history_lists_fundings_loads_returns_and_corrections_with_its_balance() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, clock| async move {
        let w = world(&store).await;
        let op = w.op(&store).await;
        // The operator raises the budget, then takes some back.
        store
            .set_envelope(&op, w.schedule, w.partner, Cents(60_000))
            .await
            .unwrap();
        store
            .set_envelope(&op, w.schedule, w.partner, Cents(55_000))
            .await
            .unwrap();
        season_of_sales(&store, &clock, &w).await;
        let cards = w.cards(&store).await;
        let envelope = store.envelopes(&op, Some(w.partner)).await.unwrap()[0].clone();
        // A manual load from the envelope, then a correction that gives $4 back.
        store
            .adjust_funds(
                &op,
                cards[1],
                w.fruits,
                Cents(700),
                Some(FundSource::Envelope(envelope.id)),
                "rattrapage",
            )
            .await
            .unwrap();
        store
            .adjust_funds(&op, cards[1], w.fruits, Cents(-400), None, "erreur")
            .await
            .unwrap();
        let moves = store
            .envelope_history(&op, HistoryOf::Envelope(envelope.id))
            .await
            .unwrap();
        let kinds: Vec<_> = moves.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            [
                EnvelopeMoveKind::Funding,
                EnvelopeMoveKind::Funding,
                EnvelopeMoveKind::Funding,
                EnvelopeMoveKind::Load,
                EnvelopeMoveKind::Load,
                EnvelopeMoveKind::ManualLoad,
                EnvelopeMoveKind::Correction,
            ]
        );
        let amounts: Vec<i64> = moves.iter().map(|m| m.amount.0).collect();
        assert_eq!(amounts, [50_000, 10_000, -5_000, -6_000, -6_000, -700, 400]);
        // Each load day: two cards, two groups.
        assert_eq!(moves[3].entries, 4);
        // The running balance ends at what is not on cards: budget less loaded.
        let envelope = store.envelopes(&op, Some(w.partner)).await.unwrap()[0].clone();
        assert_eq!(
            moves.last().unwrap().balance,
            Cents(envelope.budget.0 - envelope.loaded.0)
        );
        assert_eq!(moves.last().unwrap().balance, Cents(55_000 - 12_300));
        // The partner reads its own envelope; the funder too; a market does not.
        let partner = w.as_org(&store, w.partner).await;
        assert_eq!(
            store
                .envelope_history(&partner, HistoryOf::Envelope(envelope.id))
                .await
                .unwrap()
                .len(),
            moves.len()
        );
        let funder = w.as_org(&store, w.funder).await;
        assert!(
            store
                .envelope_history(&funder, HistoryOf::Envelope(envelope.id))
                .await
                .is_ok()
        );
        let north = w.as_org(&store, w.north).await;
        assert!(matches!(
            store
                .envelope_history(&north, HistoryOf::Envelope(envelope.id))
                .await,
            Err(StoreError::NotFound)
        ));
        // The reserve: funded twice, a gift card drawn on it, an expiry-free correction back.
        store.fund_reserve(&op, Cents(3000)).await.unwrap();
        store.fund_reserve(&op, Cents(2000)).await.unwrap();
        store
            .adjust_funds(
                &op,
                cards[0],
                w.fruits,
                Cents(1500),
                Some(FundSource::Reserve),
                "don",
            )
            .await
            .unwrap();
        let reserve = store
            .envelope_history(&op, HistoryOf::Reserve)
            .await
            .unwrap();
        let got: Vec<_> = reserve
            .iter()
            .map(|m| (m.kind, m.amount.0, m.balance.0))
            .collect();
        assert_eq!(
            got,
            [
                (EnvelopeMoveKind::Funding, 3000, 3000),
                (EnvelopeMoveKind::Funding, 2000, 5000),
                (EnvelopeMoveKind::ManualLoad, -1500, 3500),
            ]
        );
        assert_eq!(store.reserve(&op).await.unwrap().free(), Cents(3500));
        // Partners do not read the reserve's history.
        assert!(matches!(
            store.envelope_history(&partner, HistoryOf::Reserve).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

/// An account of `org` with `role`.
async fn account(store: &Store, org: OrgId, email: &str, lang: Lang) -> TenantScope {
    let user = store
        .create_user(
            Actor::system(),
            NewUser {
                email,
                name: email,
                lang,
                password: Some("mot-de-passe-de-test"),
                is_platform_admin: false,
            },
        )
        .await
        .unwrap();
    store
        .add_member(&scope(org), user.id, Role::Viewer)
        .await
        .unwrap();
    TenantScope::checked(org, Actor::user(user.id))
}

#[tokio::test]
async fn the_monthly_report_goes_to_those_who_asked_once_per_month() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, clock| async move {
        let w = world(&store).await;
        let reader = |s: TenantScope| {
            let store = store.clone();
            async move { store.program_access(&s, w.program).await.unwrap() }
        };
        let manager =
            reader(account(&store, w.operator, "gestion@collectif.example", Lang::Fr).await).await;
        let funder =
            reader(account(&store, w.funder, "suivi@fondation.example", Lang::En).await).await;
        let partner =
            reader(account(&store, w.partner, "aide@entraide.example", Lang::Fr).await).await;
        // Nobody asked yet: nothing is due.
        assert!(
            store
                .due_monthly_reports(date(2026, 7, 1))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(!store.monthly_report_on(&manager).await.unwrap());
        store.set_monthly_report(&manager, true).await.unwrap();
        store.set_monthly_report(&funder, true).await.unwrap();
        // Asking twice changes nothing; a partner may not ask (it reads a slice only).
        store.set_monthly_report(&funder, true).await.unwrap();
        assert!(matches!(
            store.set_monthly_report(&partner, true).await,
            Err(StoreError::NotFound)
        ));
        assert!(store.monthly_report_on(&funder).await.unwrap());
        let recipients = store
            .monthly_report_recipients(w.program, date(2026, 7, 1))
            .await
            .unwrap();
        let emails: Vec<_> = recipients
            .iter()
            .map(|r| (r.email.as_str(), r.lang.as_str(), r.org))
            .collect();
        assert_eq!(
            emails,
            [
                ("gestion@collectif.example", "fr", w.operator),
                ("suivi@fondation.example", "en", w.funder),
            ]
        );
        // On June 10, nothing is due (May is before the program); July's report is due on
        // August 1st.
        assert!(
            store
                .due_monthly_reports(date(2026, 6, 10))
                .await
                .unwrap()
                .is_empty()
        );
        run_until(&store, &clock, date(2026, 8, 1)).await;
        let due = store.due_monthly_reports(date(2026, 8, 1)).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(
            (due[0].program, due[0].month),
            (w.program, date(2026, 7, 1))
        );
        let mail = |to: &str| OutgoingEmail {
            org: Some(w.operator),
            to: to.into(),
            subject: "Rapport".into(),
            body: "…".into(),
            attachment: None,
        };
        assert!(
            store
                .send_monthly_report(&due[0], &[mail("a@b.example")])
                .await
                .unwrap()
        );
        // Claimed: a second worker (or a restart) sends nothing, and it is no longer due.
        assert!(
            !store
                .send_monthly_report(&due[0], &[mail("a@b.example")])
                .await
                .unwrap()
        );
        assert!(
            store
                .due_monthly_reports(date(2026, 8, 2))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.outbox(Some("a@b.example"), 10).await.unwrap().len(),
            1
        );
        // Stopping it: only the funder's member is left.
        store.set_monthly_report(&manager, false).await.unwrap();
        let left = store
            .monthly_report_recipients(w.program, date(2026, 8, 1))
            .await
            .unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].org, w.funder);
        // After the program's end, no report is due.
        assert!(
            store
                .due_monthly_reports(date(2026, 12, 1))
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}
