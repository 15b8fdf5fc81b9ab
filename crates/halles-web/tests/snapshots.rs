//! Snapshot tests (insta): what the API and the e-mails say, word for word, so a change to a
//! message, a problem document or the API contract shows in review as a diff of the files in
//! `tests/snapshots/`.
//!
//! - problem documents: every stable code, in French and English (status, code, title, detail);
//! - e-mails: each builder of `halles_web::mail`, in French and English, with fixed inputs
//!   (a stopped clock, fixed secrets, the card token of the holders' links replaced), so
//!   nothing random reaches a snapshot;
//! - the OpenAPI document served at `/api/openapi.json`.
//!
//! A changed snapshot fails the test (under CI, `CI=true`, insta never writes files). To accept
//! an intended change: run `INSTA_UPDATE=always cargo test -p halles-web --test snapshots`
//! (or `cargo insta review` where `cargo-insta` is installed), read the diff of
//! `crates/halles-web/tests/snapshots/` with `git diff`, and commit it with the change.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use halles_core::accounts::Lang;
use halles_core::catalog::{Category, Origin, SaleUnit};
use halles_core::coupons::{BatchStatus, CardStatus, ClaimStatus, ReportPeriod};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role};
use halles_core::quantity::Qty;
use halles_core::refusals::{Refusal, RefusalKind};
use halles_core::taxes::TaxClass;
use halles_core::{
    ClaimId, CycleId, InvitationId, ManualClock, OrderId, OrgId, PaymentBatchId, ProgramId,
    RedemptionId, StandingOrderId,
};
use halles_store::coupons::{
    Claim, ParticipantInput, PaymentBatch, Program, Redemption, RedemptionLine,
};
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::standing::{Run, RunReport};
use halles_store::platform::accounts::{NewUser, User};
use halles_store::platform::organizations::{Invitation, Organization};
use halles_store::testing::TestDb;
use halles_store::{Actor, Store, TenantScope};
use halles_web::api::problem::{ApiError, CODES};
use halles_web::{AppState, WebConfig, mail};
use http_body_util::BodyExt;
use jiff::Timestamp;
use serde::Serialize;
use std::sync::Arc;
use tower::ServiceExt;

/// The public address e-mailed links start with.
const BASE_URL: &str = "https://halles.example";

/// Every instant of these tests: the clock is stopped here.
const NOW: &str = "2026-11-28T15:30:00Z";

fn now() -> Timestamp {
    NOW.parse().expect("a fixed instant")
}

// ---------------------------------------------------------------------------------------------
// Problem documents

/// What a problem document says (its `type` is `/api/docs#problem-{code}`).
#[derive(Serialize)]
struct ProblemSnapshot {
    status: u16,
    code: String,
    title: String,
    detail: String,
}

/// The error that answers a code: the ones of the API itself, then the store's refusals.
fn error_for(code: &'static str) -> ApiError {
    match code {
        "unauthorized" => ApiError::Unauthorized,
        "insufficient_scope" => ApiError::InsufficientScope("org:read"),
        "not_found" => ApiError::NotFound,
        "malformed_body" => ApiError::MalformedBody("…".into()),
        "validation_failed" => ApiError::Validation(Vec::new()),
        "idempotency_key_reused" => ApiError::IdempotencyKeyReused,
        "idempotency_key_in_progress" => ApiError::IdempotencyKeyInProgress,
        "invalid_cursor" => ApiError::InvalidCursor,
        "bad_request" => ApiError::Status(StatusCode::BAD_REQUEST, "bad_request"),
        "body_too_large" => ApiError::Status(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
        "busy" => ApiError::Status(StatusCode::SERVICE_UNAVAILABLE, "busy"),
        "internal" => ApiError::Internal,
        other => match Refusal::from_code(other).map(Refusal::kind) {
            Some(RefusalKind::Forbidden) => ApiError::Forbidden(other),
            _ if other == "wrong_kind" => ApiError::Forbidden(other),
            _ => ApiError::Conflict(other),
        },
    }
}

/// Every code the API can answer: the documented ones, then every refusal of the core.
fn every_code() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = CODES.to_vec();
    for r in Refusal::ALL {
        if !codes.contains(&r.code()) {
            codes.push(r.code());
        }
    }
    codes
}

#[test]
fn problem_documents() {
    for lang in [Lang::Fr, Lang::En] {
        let all: Vec<ProblemSnapshot> = every_code()
            .into_iter()
            .map(|code| {
                let p = error_for(code).to_problem(lang);
                ProblemSnapshot {
                    status: p.status,
                    code: p.code,
                    title: p.title,
                    detail: p.detail,
                }
            })
            .collect();
        insta::assert_yaml_snapshot!(format!("problems_{}", lang.code()), all);
    }
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

#[tokio::test]
async fn openapi_document() {
    let db = TestDb::sqlite();
    let store = db
        .store(Arc::new(ManualClock::new(now())))
        .await
        .expect("store");
    let app = halles_web::router(AppState::new(store.clone(), config()));
    let res = app
        .oneshot(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("answer");
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    insta::assert_json_snapshot!("openapi", doc);
    store.close().await;
    db.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// E-mails

fn config() -> WebConfig {
    WebConfig {
        base_url: BASE_URL.into(),
        secure_cookies: true,
        demo: false,
        trust_forwarded_for: false,
        metrics_token: None,
    }
}

/// One e-mail as it leaves: recipient, subject, body (one item a line, to read diffs easily).
#[derive(Serialize)]
struct MailSnapshot {
    to: String,
    subject: String,
    body: Vec<String>,
}

/// The outbox, oldest first, emptied of what was read (so each snapshot holds only the e-mails
/// of one builder).
struct Outbox {
    seen: usize,
}

impl Outbox {
    async fn take(&mut self, store: &Store) -> Vec<MailSnapshot> {
        let mut all = store.outbox(None, 10_000).await.expect("outbox");
        all.reverse();
        let new: Vec<MailSnapshot> = all
            .into_iter()
            .skip(self.seen)
            .map(|e| MailSnapshot {
                to: e.to,
                subject: e.subject,
                body: e.body.lines().map(str::to_owned).collect(),
            })
            .collect();
        self.seen += new.len();
        new
    }
}

/// A small world: people speaking each language, in a hub, a buyer and a market.
struct World {
    fr: User,
    en: User,
    hub: Organization,
    buyer: Organization,
    market: Organization,
}

async fn person(store: &Store, email: &str, name: &str, lang: Lang) -> User {
    store
        .create_user(
            Actor::system(),
            NewUser {
                email,
                name,
                lang,
                password: None,
                is_platform_admin: false,
            },
        )
        .await
        .expect("user")
}

async fn org(store: &Store, kind: OrgKind, name: &str, staff: &[&User]) -> Organization {
    let org = store
        .create_organization(Actor::system(), kind, name, Lang::Fr)
        .await
        .expect("organization");
    let scope = TenantScope::checked(org.id, Actor::system());
    for (i, u) in staff.iter().enumerate() {
        let role = if i == 0 { Role::Admin } else { Role::Staff };
        store.add_member(&scope, u.id, role).await.expect("member");
    }
    org
}

async fn world(store: &Store) -> World {
    let fr = person(store, "rosalie@exemple.test", "Rosalie Tremblay", Lang::Fr).await;
    let en = person(store, "sam@example.test", "Sam Wilson", Lang::En).await;
    let hub = org(store, OrgKind::Hub, "Pôle nourricier de l'Ouest", &[]).await;
    let buyer = org(
        store,
        OrgKind::Buyer,
        "CPE Les Petits Pommiers",
        &[&fr, &en],
    )
    .await;
    let market = org(store, OrgKind::Market, "Marché des Saules", &[&fr, &en]).await;
    World {
        fr,
        en,
        hub,
        buyer,
        market,
    }
}

#[tokio::test]
async fn emails() {
    let db = TestDb::sqlite();
    let store = db
        .store(Arc::new(ManualClock::new(now())))
        .await
        .expect("store");
    let state = AppState::new(store.clone(), config());
    let w = world(&store).await;
    let mut outbox = Outbox { seen: 0 };

    // Accounts: the secrets are fixed here, so the links are too.
    for (user, secret) in [(&w.fr, "SECRET-FR"), (&w.en, "SECRET-EN")] {
        mail::password_reset(&state, user, secret)
            .await
            .expect("reset");
    }
    insta::assert_yaml_snapshot!("mail_password_reset", outbox.take(&store).await);

    for (user, new, secret) in [
        (&w.fr, "rosalie.t@exemple.test", "SECRET-FR"),
        (&w.en, "sam.w@example.test", "SECRET-EN"),
    ] {
        mail::email_change(&state, user, new, secret)
            .await
            .expect("e-mail change");
    }
    insta::assert_yaml_snapshot!("mail_email_change", outbox.take(&store).await);

    // Invitations: in the invited person's language, or the organization's for a stranger.
    for (email, role) in [
        (w.fr.email.as_str(), Role::Staff),
        (w.en.email.as_str(), Role::Admin),
        ("nouveau@exemple.test", Role::Cashier),
    ] {
        let invitation = Invitation {
            id: InvitationId(1),
            org: w.market.id,
            email: email.into(),
            role,
            program: None,
            created_at: now(),
            expires_at: now() + jiff::SignedDuration::from_hours(24 * 7),
            accepted_at: None,
            revoked_at: None,
        };
        mail::invitation(&state, &w.market, &invitation, "Hélène Côté", "SECRET")
            .await
            .expect("invitation");
    }
    insta::assert_yaml_snapshot!("mail_invitation", outbox.take(&store).await);

    // Standing orders: placed with a shortage, skipped, failed; to the buyer's staff.
    let producer = org(&store, OrgKind::Producer, "Ferme des Quatre-Vents", &[]).await;
    let carrots = store
        .create_product(
            &TenantScope::checked(producer.id, Actor::system()),
            &ProductInput {
                name_fr: "Carottes nantaises".into(),
                name_en: "Nantes carrots".into(),
                category: Category::Vegetables,
                description: String::new(),
                unit: SaleUnit::Kg,
                unit_detail: String::new(),
                catch_weight: false,
                est_weight_g: None,
                tax_class: TaxClass::ZeroRated,
                origin: Origin::QuebecGrown,
                region: "Montérégie".into(),
                certifications: Vec::new(),
                organic_certifier: String::new(),
                active: true,
            },
        )
        .await
        .expect("product")
        .id;
    let report = |order: Option<i64>, outcome: &str, short: bool| RunReport {
        hub: w.hub.id,
        buyer: w.buyer.id,
        standing: StandingOrderId(1),
        run: Run {
            cycle: CycleId(1),
            order: order.map(OrderId),
            outcome: outcome.into(),
            shortages: if short {
                vec![(carrots, Qty::units(12), Qty(7_500))]
            } else {
                Vec::new()
            },
            at: now(),
        },
    };
    mail::standing_order_reports(
        &store,
        BASE_URL,
        &[
            report(Some(42), "placed", true),
            report(None, "skipped", false),
            report(None, "failed", false),
        ],
    )
    .await
    .expect("standing order reports");
    insta::assert_yaml_snapshot!("mail_standing_order_reports", outbox.take(&store).await);

    // Remittance: a batch paying two claims of the market, to its staff.
    let date = |s: &str| s.parse::<jiff::civil::Date>().expect("a date");
    let program = Program {
        id: ProgramId(3),
        operator: OrgId(99),
        name: "Bons d'achat d'hiver".into(),
        public_name: "Bons d'hiver".into(),
        public_address: String::new(),
        starts_on: date("2026-09-01"),
        ends_on: date("2027-03-31"),
        report_period: ReportPeriod::Month,
        partners_assign_cards: false,
        anonymous: false,
        pin_required: false,
        archived: false,
        off_platform: false,
    };
    let batch = PaymentBatch {
        id: PaymentBatchId(5),
        program: program.id,
        total: Cents(123_456),
        status: BatchStatus::Paid,
        paid_on: Some(date("2026-11-27")),
        reference: "VIR-2026-11-027".into(),
        claims: 2,
        created_at: now(),
    };
    let claim = |id: i64, month: &str, cents: i64| Claim {
        id: ClaimId(id),
        program: program.id,
        market: w.market.id,
        market_name: w.market.name.clone(),
        period_start: ReportPeriod::Month.start(date(month)),
        period_end: date(month).last_of_month().tomorrow().expect("a day after"),
        amount: Cents(cents),
        status: ClaimStatus::Paid,
        note: String::new(),
        reason: String::new(),
        batch: Some(batch.id),
        submitted_at: now(),
        decided_at: Some(now()),
    };
    let claims = [
        claim(1, "2026-09-01", 45_600),
        claim(2, "2026-10-01", 77_856),
    ];
    let sent = mail::remittance_notices(&store, BASE_URL, &program, &batch, &claims)
        .await
        .expect("remittance");
    assert_eq!(sent, 2, "one e-mail to each of the market's staff");
    insta::assert_yaml_snapshot!("mail_remittance", outbox.take(&store).await);

    store.close().await;
    db.cleanup().await;
}

/// The card holders' e-mails (bilingual, one part per language), over the demo world with the
/// clock stopped: a receipt, this month's statement, the expiry notices and the end of a
/// schedule. The card's token
/// (random) is the only thing replaced, in the balance-page link.
#[tokio::test]
async fn card_holder_emails() {
    let db = TestDb::sqlite();
    let clock = Arc::new(ManualClock::new(now()));
    let store = db.store(clock.clone()).await.expect("store");
    halles_store::demo::load(&store).await.expect("demo world");
    let orgs = store.organizations().await.expect("organizations");
    let id = |name: &str| {
        orgs.iter()
            .find(|o| o.name == name)
            .map(|o| o.id)
            .expect("a demo organization")
    };
    let operator = TenantScope::checked(id("Collectif Bonne Bouffe"), Actor::system());
    let partner = TenantScope::checked(id("Entraide du Parc-Vert"), Actor::system());
    let (program, _) = store
        .programs(&operator)
        .await
        .expect("programs")
        .into_iter()
        .next()
        .expect("the demo program");
    let operated = store
        .operated_program(&operator, program.id)
        .await
        .expect("operated");
    let through_partner = store
        .program_access(&partner, program.id)
        .await
        .expect("partner access");

    // The partner's first participant with a card (of the six the demo enrolled in its winter
    // schedule too) gives an e-mail and asks for receipts.
    let people = store
        .participants(&through_partner, "")
        .await
        .expect("participants");
    let cards = store
        .cards(&operated, Some(CardStatus::Assigned), None)
        .await
        .expect("cards");
    let (card, person) = people
        .iter()
        .take(6)
        .find_map(|p| {
            let c = cards.iter().find(|c| c.participant == Some(p.id))?;
            Some((c.clone(), p.clone()))
        })
        .expect("a participant with a card");
    store
        .update_participant(
            &through_partner,
            person.id,
            &ParticipantInput {
                participant_type: Some(person.participant_type),
                id1: person.id1.clone(),
                id2: person.id2.clone(),
                name: person.name.clone(),
                phone: person.phone.clone(),
                email: "recus@exemple.test".into(),
                postal_code: person.postal_code.clone(),
                notes: person.notes.clone(),
                receipts: true,
                consent_on: Some(person.consent_on),
                consent_purpose: person.consent_purpose.clone(),
            },
        )
        .await
        .expect("participant");
    let mut outbox = Outbox { seen: 0 };
    let redacted = |mut mails: Vec<MailSnapshot>| {
        for line in mails.iter_mut().flat_map(|m| m.body.iter_mut()) {
            *line = line.replace(&card.token, "[token]");
        }
        mails
    };

    let groups = store.product_groups(program.id).await.expect("groups");
    let sale = Redemption {
        id: RedemptionId(1),
        program: program.id,
        card: card.id,
        market: id("Marché des Saules"),
        register: None,
        total: Cents(1_250),
        refunded: Cents(0),
        lines: groups
            .iter()
            .take(2)
            .zip([750, 500])
            .map(|(g, cents)| RedemptionLine {
                group: g.id,
                amount: Cents(cents),
                refunded: Cents(0),
            })
            .collect(),
        at: now(),
        notify: true,
    };
    mail::redemption_receipt(&store, BASE_URL, &sale)
        .await
        .expect("receipt");
    insta::assert_yaml_snapshot!(
        "mail_redemption_receipt",
        redacted(outbox.take(&store).await)
    );

    mail::balance_statements(&store, BASE_URL)
        .await
        .expect("statements");
    insta::assert_yaml_snapshot!(
        "mail_balance_statement",
        redacted(outbox.take(&store).await)
    );

    mail::expiry_notices(&store, BASE_URL)
        .await
        .expect("expiry notices");
    insta::assert_yaml_snapshot!("mail_expiry_notices", redacted(outbox.take(&store).await));

    // The demo's winter schedule ends twelve weeks after November 1st: two days later.
    clock.set("2027-01-26T15:30:00Z".parse().expect("an instant"));
    mail::schedule_end_notices(&store, BASE_URL)
        .await
        .expect("schedule end notices");
    insta::assert_yaml_snapshot!("mail_schedule_end", redacted(outbox.take(&store).await));

    store.close().await;
    db.cleanup().await;
}
