//! Paper coupons (issue 16): a batch draws its money on an envelope or the reserve, every cent
//! comes back when a coupon expires or is voided, the state machine of `docs/coupons-cards.md`
//! cell by cell, one redemption only even from two registers at the same instant, and redeemed
//! coupons counted in reports and market claims. Each test runs on SQLite and PostgreSQL.

mod support;

use halles_core::coupons::{Expiry, LoadMoment, PaperStatus, ProgramRole, start_of};
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::{EnvelopeId, OrgId, ProductGroupId, ProgramId, RegisterId};
use halles_store::coupons::{
    FundSource, PaperBatchInput, PaperCoupon, PaperLookup, ParticipantInput, ProgramScope,
    ReportFilter, ScheduleInput,
};
use halles_store::{Store, StoreError};
use jiff::SignedDuration;
use jiff::civil::{Date, date};
use support::{refused, scope, season};

/// Noon in Montréal on a date.
fn noon(d: Date) -> jiff::Timestamp {
    start_of(d) + SignedDuration::from_hours(12)
}

/// The last day of the coupons issued here.
const LAST_DAY: Date = date(2026, 7, 31);

#[derive(Clone, Copy)]
struct World {
    operator: OrgId,
    partner: OrgId,
    other: OrgId,
    market: OrgId,
    program: ProgramId,
    fruits: ProductGroupId,
    loyalty: ProductGroupId,
    envelope: EnvelopeId,
    registers: [RegisterId; 2],
}

/// A program with two partners, a market with two registers, a $1,000 envelope for the first
/// partner and a $500 reserve.
async fn world(store: &Store) -> World {
    let org = |k, n: &'static str| support::org(store, k, n);
    let operator = org(OrgKind::ProgramOperator, "Collectif").await;
    let partner = org(OrgKind::PartnerOrg, "Entraide").await;
    let other = org(OrgKind::PartnerOrg, "Maison voisine").await;
    let market = org(OrgKind::Market, "Marché des Saules").await;
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
        (other, ProgramRole::Partner),
        (market, ProgramRole::Market),
    ] {
        store.add_program_member(&op, m, r).await.unwrap();
    }
    let groups = store.product_groups(program).await.unwrap();
    let types = store.participant_types(program).await.unwrap();
    let fruits = groups[0].id;
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
                amounts: vec![(types[0].id, fruits, Cents(2000))],
            },
        )
        .await
        .unwrap();
    let envelope = store
        .set_envelope(&op, schedule, partner, Cents(100_000))
        .await
        .unwrap();
    store.fund_reserve(&op, Cents(50_000)).await.unwrap();
    let registers = [
        store
            .create_register(&scope(market), "Caisse 1")
            .await
            .unwrap(),
        store
            .create_register(&scope(market), "Caisse 2")
            .await
            .unwrap(),
    ];
    World {
        operator,
        partner,
        other,
        market,
        program,
        fruits,
        loyalty: groups.iter().find(|g| g.is_loyalty).unwrap().id,
        envelope,
        registers,
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

    fn input(&self, size: u32, value: i64, source: FundSource) -> PaperBatchInput {
        PaperBatchInput {
            group: self.fruits,
            value: Cents(value),
            size,
            expires_on: LAST_DAY,
            partner: self.partner,
            source,
        }
    }

    /// Issues `size` coupons of $10 from the partner's envelope.
    async fn issue(&self, store: &Store, size: u32) -> Vec<PaperCoupon> {
        store
            .issue_paper_batch(
                &self.op(store).await,
                &self.input(size, 1000, FundSource::Envelope(self.envelope)),
            )
            .await
            .unwrap()
            .1
    }

    async fn balanced(&self, store: &Store) {
        let check = store.funds_check(self.program).await.unwrap();
        assert!(check.balanced(), "money from nowhere: {check:?}");
    }

    async fn envelope_loaded(&self, store: &Store) -> i64 {
        store
            .envelopes(&self.op(store).await, None)
            .await
            .unwrap()
            .iter()
            .find(|e| e.id == self.envelope)
            .unwrap()
            .loaded
            .0
    }
}

fn serial(c: &PaperCoupon) -> PaperLookup {
    PaperLookup::Serial(c.serial.clone())
}

fn token(c: &PaperCoupon) -> PaperLookup {
    PaperLookup::Token(c.token.clone())
}

/// A batch draws `value × count` on the partner's envelope or the reserve, is refused beyond
/// what they hold and beyond every bound, and each coupon expired or voided gives its value
/// back; the books balance at every step.
#[tokio::test]
async fn a_batch_draws_on_its_source_and_every_cent_comes_back() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, clock| async move {
        let w = world(&store).await;
        let op = w.op(&store).await;
        let env = FundSource::Envelope(w.envelope);
        // Bounds, each on its field, nothing drawn.
        refused(
            store.issue_paper_batch(&op, &w.input(0, 1000, env)).await,
            Refusal::PaperBatchSize,
        );
        refused(
            store
                .issue_paper_batch(&op, &w.input(1001, 1000, env))
                .await,
            Refusal::PaperBatchSize,
        );
        refused(
            store.issue_paper_batch(&op, &w.input(1, 0, env)).await,
            Refusal::InvalidAmount,
        );
        refused(
            store
                .issue_paper_batch(&op, &w.input(1, 10_000_001, env))
                .await,
            Refusal::AmountTooLarge,
        );
        refused(
            store
                .issue_paper_batch(&op, &w.input(1000, 9_000_000, FundSource::Reserve))
                .await,
            Refusal::BudgetTooLarge,
        );
        for last in [date(2026, 6, 10), date(2028, 6, 12)] {
            let mut input = w.input(1, 1000, env);
            input.expires_on = last;
            refused(
                store.issue_paper_batch(&op, &input).await,
                Refusal::PaperExpiryInvalid,
            );
        }
        let mut loyalty = w.input(1, 1000, env);
        loyalty.group = w.loyalty;
        assert!(matches!(
            store.issue_paper_batch(&op, &loyalty).await,
            Err(StoreError::NotFound)
        ));
        let mut elsewhere = w.input(1, 1000, env);
        elsewhere.partner = w.other;
        refused(
            store.issue_paper_batch(&op, &elsewhere).await,
            Refusal::EnvelopeOtherPartner,
        );
        // Partners and markets do not issue.
        assert!(matches!(
            store
                .issue_paper_batch(&w.as_org(&store, w.partner).await, &w.input(1, 1000, env))
                .await,
            Err(StoreError::NotFound)
        ));
        // More than the envelope or the reserve holds.
        refused(
            store.issue_paper_batch(&op, &w.input(101, 1000, env)).await,
            Refusal::OverBudget,
        );
        refused(
            store
                .issue_paper_batch(&op, &w.input(51, 1000, FundSource::Reserve))
                .await,
            Refusal::ReserveTooLow,
        );
        assert_eq!(w.envelope_loaded(&store).await, 0);
        assert!(store.paper_batches(&op).await.unwrap().is_empty());
        w.balanced(&store).await;

        // 10 coupons of $10 from the envelope, 5 of $20 from the reserve.
        let from_env = w.issue(&store, 10).await;
        assert_eq!(from_env.len(), 10);
        assert_eq!(w.envelope_loaded(&store).await, 10_000);
        let (batch, from_reserve) = store
            .issue_paper_batch(&op, &w.input(5, 2000, FundSource::Reserve))
            .await
            .unwrap();
        assert_eq!((batch.size, batch.counts), (5, [5, 0, 0, 0, 0]));
        assert_eq!(store.reserve(&op).await.unwrap().loaded, Cents(10_000));
        let check = store.funds_check(w.program).await.unwrap();
        assert_eq!(check.on_paper, Cents(20_000));
        w.balanced(&store).await;
        // Serials: 14 digits, distinct, none a card number; QR values distinct and prefixed.
        let mut serials: Vec<&str> = from_env.iter().map(|c| c.serial.as_str()).collect();
        serials.sort_unstable();
        serials.dedup();
        assert_eq!(serials.len(), 10);
        assert!(from_env.iter().all(|c| c.serial.as_str().len() == 14));
        assert!(
            from_env
                .iter()
                .all(|c| c.token.starts_with("HP-") && c.token.len() > 20)
        );
        // A typo in a serial is caught before any lookup.
        let mut typo = from_env[0].serial.as_str().to_owned();
        let last = typo.pop().unwrap();
        typo.push(if last == '9' {
            '0'
        } else {
            char::from(last as u8 + 1)
        });
        refused(PaperLookup::parse(&typo), Refusal::PaperSerialInvalid);
        assert!(matches!(
            PaperLookup::parse(&from_env[0].serial.to_string()),
            Ok(PaperLookup::Serial(_))
        ));

        // Void one of each: their value goes back.
        store.void_paper(&op, &serial(&from_env[0])).await.unwrap();
        store
            .void_paper(&op, &token(&from_reserve[0]))
            .await
            .unwrap();
        assert_eq!(w.envelope_loaded(&store).await, 9_000);
        assert_eq!(store.reserve(&op).await.unwrap().loaded, Cents(8_000));
        w.balanced(&store).await;
        // The envelope's and the reserve's histories show the batches drawn and the voids given
        // back: what is left is what was funded less what is on paper ($1,000 and $500).
        let left = |h: Vec<halles_store::coupons::EnvelopeMove>| h.last().map(|m| m.balance);
        assert_eq!(
            left(
                store
                    .envelope_history(&op, halles_store::coupons::HistoryOf::Envelope(w.envelope))
                    .await
                    .unwrap()
            ),
            Some(Cents(100_000 - 9_000))
        );
        assert_eq!(
            left(
                store
                    .envelope_history(&op, halles_store::coupons::HistoryOf::Reserve)
                    .await
                    .unwrap()
            ),
            Some(Cents(50_000 - 8_000))
        );

        // Hand out and redeem two; the rest expire after their last day, by the worker.
        let partner = w.as_org(&store, w.partner).await;
        for c in [&from_env[1], &from_reserve[1]] {
            store
                .hand_out_paper(&partner, &serial(c), None)
                .await
                .unwrap();
            store
                .redeem_paper(&scope(w.market), &token(c), Some(w.registers[0]))
                .await
                .unwrap();
        }
        store
            .hand_out_paper(&partner, &serial(&from_env[2]), None)
            .await
            .unwrap();
        clock.set(noon(LAST_DAY));
        assert_eq!(store.run_expiry().await.unwrap(), 0);
        clock.set(start_of(LAST_DAY.tomorrow().unwrap()));
        assert_eq!(store.run_expiry().await.unwrap(), 8 * 1000 + 3 * 2000);
        assert_eq!(w.envelope_loaded(&store).await, 1000);
        assert_eq!(store.reserve(&op).await.unwrap().loaded, Cents(2000));
        let check = store.funds_check(w.program).await.unwrap();
        assert_eq!((check.on_paper, check.spent), (Cents(0), Cents(3000)));
        // Each coupon redeemed is a purchase in the reports (the average basket is $15).
        let counts = store
            .report_counts(&op, ReportFilter::default())
            .await
            .unwrap();
        assert_eq!(counts.purchases, 2);
        w.balanced(&store).await;
        let (ledger, cached, _) = store.ledger_check(w.program).await.unwrap();
        assert_eq!(ledger, cached);
        let counts: Vec<[i64; 5]> = store
            .paper_batches(&op)
            .await
            .unwrap()
            .iter()
            .map(|b| b.counts)
            .collect();
        assert_eq!(counts, vec![[0, 0, 1, 3, 1], [0, 0, 1, 8, 1]]);
        // The worker runs again: nothing more.
        assert_eq!(store.run_expiry().await.unwrap(), 0);
        w.balanced(&store).await;
    })
    .await;
}

/// A table of the document (see [`support::doc_table`]).
fn table(name: &str) -> Vec<Vec<String>> {
    support::doc_table(name)
}

/// Puts a fresh coupon in a state of the table (its base state: the caller moves the clock
/// past the last day for "past date" and "expired").
async fn coupon_in(store: &Store, w: &World, state: &str) -> PaperCoupon {
    let op = w.op(store).await;
    let partner = w.as_org(store, w.partner).await;
    let c = w.issue(store, 1).await.remove(0);
    let base = state.strip_suffix(", past date").unwrap_or(state);
    match base {
        "issued" => {}
        "handed_out" => {
            store
                .hand_out_paper(&partner, &serial(&c), None)
                .await
                .unwrap();
        }
        "redeemed" => {
            store
                .hand_out_paper(&partner, &serial(&c), None)
                .await
                .unwrap();
            store
                .redeem_paper(&scope(w.market), &serial(&c), None)
                .await
                .unwrap();
        }
        "voided" => {
            store.void_paper(&op, &serial(&c)).await.unwrap();
        }
        "expired" => {}
        other => panic!("unknown state {other}"),
    }
    c
}

/// What a cell says: a new status or a refusal code.
fn outcome(r: Result<PaperCoupon, StoreError>) -> String {
    match r {
        Ok(c) => format!("→ {}", c.status.code()),
        Err(StoreError::NotFound) => "not_found".into(),
        Err(StoreError::Refused(r)) => r.code().into(),
        Err(StoreError::Invalid(f)) => f[0].code.to_owned(),
        Err(e) => format!("error {e}"),
    }
}

/// Every cell of the paper-coupon table, played on a fresh coupon, on each database.
#[tokio::test]
async fn every_cell_of_the_paper_coupon_table() {
    let rows = table("paper-table");
    assert_eq!(rows.len(), 21);
    let expiry = table("paper-expiry-table");
    assert_eq!(expiry.len(), 6);
    support::on_every_db(noon(date(2026, 6, 10)), |store, clock| {
        let rows = rows.clone();
        let expiry = expiry.clone();
        async move {
            let w = world(&store).await;
            let who = ["operator", "partner", "other partner", "market"];
            for row in &rows {
                let (state, action) = (row[0].as_str(), row[1].as_str());
                for (i, org) in [w.operator, w.partner, w.other, w.market]
                    .iter()
                    .enumerate()
                {
                    clock.set(noon(date(2026, 6, 10)));
                    let c = coupon_in(&store, &w, state).await;
                    if state == "expired" {
                        clock.set(noon(LAST_DAY.tomorrow().unwrap()));
                        store.run_expiry().await.unwrap();
                    } else if state.ends_with("past date") {
                        clock.set(noon(LAST_DAY.tomorrow().unwrap()));
                    }
                    let got = match action {
                        "hand out" => match store.program_access(&scope(*org), w.program).await {
                            Ok(ps) => outcome(store.hand_out_paper(&ps, &serial(&c), None).await),
                            Err(e) => outcome(Err(e)),
                        },
                        "void" => match store.program_access(&scope(*org), w.program).await {
                            Ok(ps) => outcome(store.void_paper(&ps, &token(&c)).await),
                            Err(e) => outcome(Err(e)),
                        },
                        "redeem" => {
                            outcome(store.redeem_paper(&scope(*org), &token(&c), None).await)
                        }
                        other => panic!("unknown action {other}"),
                    };
                    assert_eq!(
                        got,
                        row[2 + i],
                        "{state} × {action} × {} on {:?}",
                        who[i],
                        store.backend()
                    );
                    // Expire what is left, so each cell starts from clean books.
                    clock.set(noon(date(2026, 9, 1)));
                    store.run_expiry().await.unwrap();
                    w.balanced(&store).await;
                }
            }
            for row in &expiry {
                clock.set(noon(date(2026, 6, 10)));
                let state = row[0].as_str();
                let c = coupon_in(&store, &w, state).await;
                if state.ends_with("past date") {
                    clock.set(start_of(LAST_DAY.tomorrow().unwrap()));
                } else {
                    clock.set(noon(LAST_DAY));
                }
                store.run_expiry().await.unwrap();
                let now = store
                    .paper_coupon(&w.op(&store).await, &serial(&c))
                    .await
                    .unwrap();
                assert_eq!(
                    format!("→ {}", now.status.code()),
                    row[1],
                    "{state} × worker"
                );
                clock.set(noon(date(2026, 9, 1)));
                store.run_expiry().await.unwrap();
                w.balanced(&store).await;
            }
        }
    })
    .await;
}

/// A coupon handed out is redeemed once: eight redemptions at the same instant from two
/// registers (by QR value and by typed serial) make one sale, one `spend` entry, and seven
/// `paper_redeemed` refusals.
#[tokio::test]
async fn a_coupon_is_redeemed_once_even_at_two_registers_at_once() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, _clock| async move {
        let w = world(&store).await;
        let coupons = w.issue(&store, 3).await;
        let partner = w.as_org(&store, w.partner).await;
        for c in &coupons {
            store
                .hand_out_paper(&partner, &serial(c), None)
                .await
                .unwrap();
        }
        for c in &coupons {
            let tries = (0..8).map(|i| {
                let store = store.clone();
                let lookup = if i % 2 == 0 { token(c) } else { serial(c) };
                let register = w.registers[i % 2];
                let market = w.market;
                tokio::spawn(async move {
                    store
                        .redeem_paper(&scope(market), &lookup, Some(register))
                        .await
                })
            });
            let results = futures_join(tries.collect()).await;
            let done = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(done, 1, "{results:?}");
            for r in results.into_iter().filter(|r| r.is_err()) {
                refused(r, Refusal::PaperRedeemed);
            }
        }
        let check = store.funds_check(w.program).await.unwrap();
        assert_eq!(check.spent, Cents(3000), "{check:?}");
        w.balanced(&store).await;
        // A third try later is refused the same way.
        refused(
            store
                .redeem_paper(&scope(w.market), &serial(&coupons[0]), Some(w.registers[1]))
                .await,
            Refusal::PaperRedeemed,
        );
    })
    .await;
}

/// Runs spawned tasks to the end, in order.
async fn futures_join(
    tasks: Vec<tokio::task::JoinHandle<Result<PaperCoupon, StoreError>>>,
) -> Vec<Result<PaperCoupon, StoreError>> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Redeemed coupons count in the reports like card sales (spent, by market), in the market's
/// claim for the month, and name the participant they were handed to.
#[tokio::test]
async fn redeemed_coupons_count_in_reports_and_claims() {
    support::on_every_db(noon(date(2026, 6, 10)), |store, clock| async move {
        let w = world(&store).await;
        let coupons = w.issue(&store, 4).await;
        let partner = w.as_org(&store, w.partner).await;
        let types = store.participant_types(w.program).await.unwrap();
        let person = store
            .create_participant(
                &partner,
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    id1: "P-1".into(),
                    name: "Personne".into(),
                    consent_on: Some(date(2026, 5, 20)),
                    consent_purpose: "Programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap()
            .id;
        // Another partner's participant is unknown to this batch.
        let theirs = store
            .create_participant(
                &w.as_org(&store, w.other).await,
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    id1: "Q-1".into(),
                    name: "Voisine".into(),
                    consent_on: Some(date(2026, 5, 20)),
                    consent_purpose: "Programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap()
            .id;
        assert!(matches!(
            store
                .hand_out_paper(&partner, &serial(&coupons[0]), Some(theirs))
                .await,
            Err(StoreError::NotFound)
        ));
        let handed = store
            .hand_out_paper(&partner, &serial(&coupons[0]), Some(person))
            .await
            .unwrap();
        assert_eq!(
            (handed.status, handed.participant, handed.partner),
            (PaperStatus::HandedOut, Some(person), w.partner)
        );
        store
            .hand_out_paper(&partner, &serial(&coupons[1]), None)
            .await
            .unwrap();
        for c in &coupons[..2] {
            store
                .redeem_paper(&scope(w.market), &token(c), Some(w.registers[1]))
                .await
                .unwrap();
        }
        let op = w.op(&store).await;
        let totals = store
            .report_totals(&op, ReportFilter::default())
            .await
            .unwrap();
        assert_eq!((totals.loaded, totals.spent), (Cents(4000), Cents(2000)));
        let market = store
            .program_access(&scope(w.market), w.program)
            .await
            .unwrap();
        let mine = store
            .report_totals(&market, ReportFilter::default())
            .await
            .unwrap();
        assert_eq!(mine.spent, Cents(2000));
        let reach = store.reach(&op, ReportFilter::default()).await.unwrap();
        assert_eq!(reach.used, 1);
        // June closes: the market claims the $20 of paper coupons.
        clock.set(noon(date(2026, 7, 2)));
        let owed = store.owed_periods(&market).await.unwrap();
        assert_eq!(owed.len(), 1);
        assert_eq!(
            (owed[0].start, owed[0].owed),
            (date(2026, 6, 1), Cents(2000))
        );
        let claim = store
            .file_claim(&market, date(2026, 6, 1), "")
            .await
            .unwrap();
        assert_eq!(claim.amount, Cents(2000));
        w.balanced(&store).await;
    })
    .await;
}
