//! Snapshot tests (insta): what the API and the e-mails say, word for word, so a change to a
//! message, a problem document or the API contract shows in review as a diff of the files in
//! `tests/snapshots/`.
//!
//! - problem documents: every stable code, in French and English (status, code, title, detail);
//! - e-mails: the messages `halles_web::mail::for_event` builds for each domain event that asks
//!   for some, and the card holders' notices, in French and English, with fixed inputs (a
//!   stopped clock, fixed secrets and ids, the card token of the holders' links replaced), so
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
use halles_core::coupons::{BatchStatus, CardStatus};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role};
use halles_core::quantity::Qty;
use halles_core::taxes::TaxClass;
use halles_core::{CycleId, InvitationId, ManualClock, OrderId, RedemptionId, StandingOrderId};
use halles_store::coupons::ParticipantInput;
use halles_store::hub::catalog::ProductInput;
use halles_store::platform::accounts::{NewUser, User};
use halles_store::platform::email::OutgoingEmail;
use halles_store::platform::events::Event;
use halles_store::platform::organizations::Organization;
use halles_store::testing::TestDb;
use halles_store::{Actor, Store, TenantScope};
use halles_web::api::problem::every_problem;
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

#[test]
fn problem_documents() {
    for lang in [Lang::Fr, Lang::En] {
        // `every_problem` lists each code once.
        let all: Vec<ProblemSnapshot> = every_problem()
            .into_iter()
            .map(|e| {
                let p = e.to_problem(lang);
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

/// Calls `f` with every `$ref` in `v`.
fn refs_in(v: &serde_json::Value, f: &mut dyn FnMut(&str)) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    ("$ref", Some(r)) => f(r),
                    _ => refs_in(x, f),
                }
            }
        }
        serde_json::Value::Array(xs) => xs.iter().for_each(|x| refs_in(x, f)),
        _ => {}
    }
}

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
    // Every schema a path or a schema names is in the document (a type used only as a path
    // or query parameter is not collected by the router: inline it).
    let mut unresolved = Vec::new();
    refs_in(&doc, &mut |r| {
        let name = r.trim_start_matches("#/components/schemas/");
        if doc["components"]["schemas"].get(name).is_none() {
            unresolved.push(r.to_owned());
        }
    });
    assert!(
        unresolved.is_empty(),
        "unresolved references: {unresolved:?}"
    );
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

impl From<OutgoingEmail> for MailSnapshot {
    fn from(e: OutgoingEmail) -> Self {
        MailSnapshot {
            to: e.to,
            subject: e.subject,
            body: e.body.lines().map(str::to_owned).collect(),
        }
    }
}

/// The messages the e-mail subscriber writes for these events, in order.
async fn mails_for(store: &Store, events: &[Event]) -> Vec<MailSnapshot> {
    let mut out = Vec::new();
    for event in events {
        let mails = mail::for_event(store, BASE_URL, event)
            .await
            .expect("the e-mails of an event");
        out.extend(mails.into_iter().map(MailSnapshot::from));
    }
    out
}

/// The outbox, oldest first, emptied of what was read (so each snapshot holds only the e-mails
/// of one builder): the card holders' notices are still queued directly.
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

/// The e-mails of the account, invitation and standing-order events, built from fixed events
/// (fixed secrets, the ids of this world) as the worker's e-mail subscriber builds them.
#[tokio::test]
async fn emails() {
    let db = TestDb::sqlite();
    let store = db
        .store(Arc::new(ManualClock::new(now())))
        .await
        .expect("store");
    let w = world(&store).await;

    // Accounts: the secrets are fixed here, so the links are too.
    let resets: Vec<Event> = [(&w.fr, "SECRET-FR"), (&w.en, "SECRET-EN")]
        .into_iter()
        .map(|(user, secret)| Event::PasswordResetAsked {
            user: user.id,
            secret: secret.into(),
        })
        .collect();
    insta::assert_yaml_snapshot!("mail_password_reset", mails_for(&store, &resets).await);

    let changes: Vec<Event> = [
        (&w.fr, "rosalie.t@exemple.test", "SECRET-FR"),
        (&w.en, "sam.w@example.test", "SECRET-EN"),
    ]
    .into_iter()
    .map(|(user, new, secret)| Event::EmailChangeAsked {
        user: user.id,
        new_email: new.into(),
        secret: secret.into(),
    })
    .collect();
    insta::assert_yaml_snapshot!("mail_email_change", mails_for(&store, &changes).await);

    // Invitations: in the invited person's language, or the organization's for a stranger.
    let invitations: Vec<Event> = [
        (w.fr.email.as_str(), Role::Staff),
        (w.en.email.as_str(), Role::Admin),
        ("nouveau@exemple.test", Role::Cashier),
    ]
    .into_iter()
    .map(|(email, role)| Event::InvitationSent {
        org: w.market.id,
        invitation: InvitationId(1),
        email: email.into(),
        role,
        program: None,
        expires_at: now() + jiff::SignedDuration::from_hours(24 * 7),
        inviter: "Hélène Côté".into(),
        secret: "SECRET".into(),
    })
    .collect();
    insta::assert_yaml_snapshot!("mail_invitation", mails_for(&store, &invitations).await);

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
                details: Default::default(),
            },
        )
        .await
        .expect("product")
        .id;
    let ran = |order: Option<i64>, outcome: &str, short: bool| Event::StandingOrderRan {
        hub: w.hub.id,
        buyer: w.buyer.id,
        standing: StandingOrderId(1),
        cycle: CycleId(1),
        order: order.map(OrderId),
        outcome: outcome.into(),
        shortages: if short {
            vec![(carrots, Qty::units(12), Qty(7_500))]
        } else {
            Vec::new()
        },
    };
    let runs = [
        ran(Some(42), "placed", true),
        ran(None, "skipped", false),
        ran(None, "failed", false),
    ];
    insta::assert_yaml_snapshot!(
        "mail_standing_order_reports",
        mails_for(&store, &runs).await
    );

    store.close().await;
    db.cleanup().await;
}

/// The remittance notices of a real paid batch: the demo world's (its operator paid the
/// markets' oldest claims), to the staff of the markets it pays, with an English-speaking
/// person added to the first market's staff.
#[tokio::test]
async fn remittance_email() {
    let db = TestDb::sqlite();
    let store = db
        .store(Arc::new(ManualClock::new(now())))
        .await
        .expect("store");
    halles_store::demo::load(&store).await.expect("demo world");
    let orgs = store.organizations().await.expect("organizations");
    let id = |name: &str| {
        orgs.iter()
            .find(|o| o.name == name)
            .map(|o| o.id)
            .expect("a demo organization")
    };
    let en = person(&store, "sam@example.test", "Sam Wilson", Lang::En).await;
    store
        .add_member(
            &TenantScope::checked(id("Marché des Saules"), Actor::system()),
            en.id,
            Role::Staff,
        )
        .await
        .expect("member");
    let operator = TenantScope::checked(id("Collectif Bonne Bouffe"), Actor::system());
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
    let batch = store
        .payment_batches(&operated)
        .await
        .expect("batches")
        .into_iter()
        .find(|b| b.status == BatchStatus::Paid)
        .expect("the demo's paid batch");
    let paid = Event::BatchPaid {
        operator: operator.org,
        program: program.id,
        batch: batch.id,
    };
    let mails = mails_for(&store, &[paid]).await;
    assert!(
        mails.iter().any(|m| m.to == en.email),
        "the English-speaking staff member is told too"
    );
    insta::assert_yaml_snapshot!("mail_remittance", mails);

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
            false,
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
    let sale = Event::SaleMade {
        operator: operated.program().operator,
        program: program.id,
        market: id("Marché des Saules"),
        register: None,
        card: card.id,
        redemption: RedemptionId(1),
        lines: groups
            .iter()
            .take(2)
            .zip([750, 500])
            .map(|(g, cents)| (g.id, Cents(cents)))
            .collect(),
        total: Cents(1_250),
        at: now(),
        receipt: true,
    };
    insta::assert_yaml_snapshot!(
        "mail_redemption_receipt",
        redacted(mails_for(&store, &[sale]).await)
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
