//! Food coupons through the real pages and API, on SQLite and (when configured) PostgreSQL: a
//! cashier redeems in three steps, mistakes come back with the message and what was typed, the
//! API redeems once per idempotency key, and every coupon route's permissions. Each story starts
//! from [`World::coupon_program`].

mod support;

use halles_core::coupons::{CardStatus, ProgramRole, ReportPeriod};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::refusals::Refusal;
use halles_store::coupons::{ParticipantInput, ProgramInput};
use jiff::civil::date;
use serde_json::{Value, json};
use support::TestApp;
use support::mail::{about, link_in};
use support::matrix::{Allowed, Fixture, Row, api_rows, check, page_routes_without_rows};
use support::requests::Page;
use support::world::{
    CouponProgram, CouponSetup, PartnerProgram, World, balance_of, bonne_bouffe, people, scope,
};

/// The card's number with its last digit changed: a typo the check digit catches.
fn typo_of(number: &str) -> String {
    let mut typo = number.to_owned();
    let last = typo.pop().unwrap_or('0');
    typo.push(if last == '0' { '1' } else { '0' });
    typo
}

#[tokio::test]
async fn a_mistyped_card_number_comes_back_with_the_message_and_what_was_typed() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let cashier = app.logged_in(people::CASHIER).await;
        let m = w.market.id;
        assert_eq!(cashier.page(&format!("/o/{m}/caisse")).await.status, 200);
        let typo = typo_of(w.card.number.as_str());
        let page = w.scan(&cashier, &typo).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["card"]);
        assert_eq!(page.errors(), ["card_check_digit"]);
        // The wording itself, once: the cashier reads it in French, with what was typed.
        assert!(page.has("faute de frappe") && page.has(&typo), "{page:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_register_shows_balances_but_no_identity_and_keeps_the_number_out_of_the_url() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program_with(&app, CouponSetup::holder("Personne Secrète")).await;
        let cashier = app.logged_in(people::CASHIER).await;
        let page = w.scan(&cashier, &w.card.number.grouped()).await;
        assert_eq!(page.status, 200);
        assert!(page.has("20,00"), "{page:?}");
        let carried = format!("name=\"card\" value=\"{}\"", w.card.number.as_str());
        assert!(
            page.has(&carried),
            "the sale's form carries the number: {page:?}"
        );
        assert!(
            !page.has("Personne Secrète"),
            "a market never sees identities"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_sale_beyond_the_balance_is_refused_keeps_the_amount_and_spends_nothing() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let cashier = app.logged_in(people::CASHIER).await;
        let page = w.sell(&cashier, w.card.number.as_str(), "25,00").await;
        assert_eq!(page.status, 422);
        assert!(
            page.has_error("insufficient_funds") && page.has("25,00"),
            "{page:?}"
        );
        assert_eq!(w.balance(&app).await, 2000);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_confirmed_sale_leads_to_its_receipt() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let cashier = app.logged_in(people::CASHIER).await;
        let sale = w.sell(&cashier, w.card.number.as_str(), "5,50").await;
        assert_eq!(sale.status, 303);
        let receipt = cashier.page(&sale.location).await;
        assert!(receipt.has("5,50") && receipt.has("14,50"), "{receipt:?}");
        assert_eq!(w.balance(&app).await, 1450);
        app.stop().await;
    }
}

#[tokio::test]
async fn only_the_market_administrator_refunds_and_never_more_than_was_paid() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let cashier = app.logged_in(people::CASHIER).await;
        let sale = w.sell(&cashier, w.card.number.as_str(), "5,50").await;
        let refund = format!("{}/rembourser", sale.location);
        let field = format!("refund_{}", w.fruits);
        let amount = |a: &'static str| [(field.as_str(), a)];
        assert_eq!(cashier.send(&refund, &amount("1,50")).await.status, 403);
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        assert_eq!(admin.send(&refund, &amount("1,50")).await.status, 303);
        assert_eq!(admin.send(&refund, &amount("5,00")).await.status, 422);
        assert_eq!(w.balance(&app).await, 2000 - 550 + 150);
        assert_eq!(
            app.store
                .events(Some("refund_made"), 10)
                .await
                .unwrap()
                .len(),
            1
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_api_redeems_once_per_idempotency_key() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let number = w.card.number.as_str();
        let first = w.redeem(&app, "k1", number, 300).await;
        assert_eq!(first.status, 201);
        let again = w.redeem(&app, "k1", number, 300).await;
        assert_eq!((again.status, again.id()), (201, first.id()));
        // The same key for another request is refused; the first stays the only one.
        let other = w.redeem(&app, "k1", number, 400).await;
        assert_eq!(
            (other.status, other.code()),
            (422, "idempotency_key_reused")
        );
        assert_eq!(w.balance(&app).await, 2000 - 300);
        let greedy = w.redeem(&app, "k2", number, 99_999).await;
        assert_eq!((greedy.status, greedy.code()), (422, "insufficient_funds"));
        // One event per sale made: no replay nor refusal records one (nor sends a receipt).
        assert_eq!(
            app.store.events(Some("sale_made"), 10).await.unwrap().len(),
            1
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_api_takes_the_qr_value_refuses_a_lost_card_and_still_replays_a_kept_key() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let qr = format!("https://halles.example/c/{}", w.card.token);
        assert_eq!(w.redeem(&app, "k3", &qr, 100).await.status, 201);
        let partner = w.access(&app, w.partner.id).await;
        let new_card = app
            .store
            .replace_lost_card(&partner, w.card.id, None)
            .await
            .unwrap();
        assert_eq!(new_card.status, CardStatus::Assigned);
        let lost = w.redeem(&app, "k4", w.card.number.as_str(), 100).await;
        assert_eq!((lost.status, lost.code()), (409, "card_lost"));
        assert_eq!(balance_of(&app, &new_card).await, 2000 - 100);
        // A repeat of a key answers its first response, though the card could not pay again.
        assert_eq!(w.redeem(&app, "k3", &qr, 100).await.status, 201);
        assert_eq!(
            app.store.events(Some("sale_made"), 10).await.unwrap().len(),
            1
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_market_pages_through_its_sales_without_any_holder() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        w.a_month_of_sales(&app).await;
        let api = w.market_api(&app);
        let log = format!(
            "/organizations/{}/programs/{}/transactions",
            w.market.id, w.program
        );
        let page = api.get(&format!("{log}?kind=spend&limit=2")).await;
        assert_eq!((page.status, page.list().len()), (200, 2));
        assert!(page.list().iter().all(|r| {
            r["kind"] == "spend"
                && r["participant_code"].is_null()
                && r["amount_cents"].as_i64() < Some(0)
        }));
        // A card's number is what a sale asks for: the market's log shows its last 4 digits
        // only, so a leaked market token does not hand out the cards it saw.
        let number = w.card.number.as_str();
        let last4 = format!("•••• {}", &number[number.len() - 4..]);
        assert!(
            page.list().iter().all(|r| r["card"] == last4.as_str()),
            "{}",
            page.body
        );
        let found = api.get(&format!("{log}?card={number}")).await;
        assert!(
            !found.list().is_empty(),
            "the full number still finds its sales"
        );
        assert!(!found.body.to_string().contains(number));
        let more = api.get(&page.next().expect("a next page")).await;
        let last_id = page.list()[1]["id"].as_i64();
        assert!(!more.list().is_empty());
        assert!(more.list().iter().all(|r| r["id"].as_i64() < last_id));
        assert_eq!(api.get(&format!("{log}?kind=gift")).await.status, 422);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_holders_balance_page_shows_balances_and_no_identity() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program_with(&app, CouponSetup::holder("Personne Secrète")).await;
        assert_eq!(
            w.redeem(&app, "k1", w.card.number.as_str(), 800)
                .await
                .status,
            201
        );
        let page = app.client().page(&format!("/c/{}", w.card.token)).await;
        assert!(
            page.has("12,00") && !page.has("Personne Secrète"),
            "{page:?}"
        );
        assert_eq!(app.client().get("/c/nope").await.status(), 404);
        app.stop().await;
    }
}

/// How many pictures poppler's `pdfimages` lists in a PDF; `None` when the tool is missing
/// (required when `HALLES_REQUIRE_TOOLS` is set).
fn pdf_images(pdf: &[u8], name: &str) -> Option<usize> {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("halles-coupons");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
    {
        Ok(out) => Some(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .skip(2)
                .filter(|l| l.split_whitespace().nth(2) == Some("image"))
                .count(),
        ),
        Err(_) if std::env::var_os("HALLES_REQUIRE_TOOLS").is_none() => None,
        Err(e) => panic!("pdfimages is required: {e}"),
    }
}

#[tokio::test]
async fn the_operator_prints_the_batch_with_the_artwork_it_sent_and_only_a_picture_is_taken() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let pdf = w.program_page(&format!("/lots/{}/pdf", w.batch));
        let res = op.get(&pdf).await;
        assert_eq!(res.status(), 200);
        let plain = res.bytes().await.unwrap();
        assert!(plain.starts_with(b"%PDF-"));
        let artwork = w.program_page("/illustration");
        let send = |bytes: Vec<u8>| op.upload(&artwork, &[], ("artwork", "logo.png", bytes));
        assert_eq!(send(b"pas une image".to_vec()).await.status, 303);
        assert!(app.store.card_artwork(w.program).await.unwrap().is_none());
        assert_eq!(send(support::png(400, 120)).await.status, 303);
        assert!(app.store.card_artwork(w.program).await.unwrap().is_some());
        let with_art = op.get(&pdf).await.bytes().await.unwrap();
        assert!(with_art.starts_with(b"%PDF-") && with_art.len() > plain.len());
        // Read back with poppler: no picture before, one per card after.
        if let Some(images) = pdf_images(&plain, "plain") {
            assert_eq!(images, 0);
            assert_eq!(pdf_images(&with_art, "art"), Some(3));
        }
        assert_eq!(w.cards, 3);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_reports_sum_each_markets_sales_and_refunds_by_market_and_by_period() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        w.a_month_of_sales(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let report = |q: String| {
            let op = &op;
            let path = w.program_page(&format!("/rapports?{q}&format=csv"));
            async move { op.page(&path).await.html }
        };
        let csv = report("by=market".into()).await;
        assert!(
            csv.contains("Marché,0.00,0.00,9.50,1.50,0.00,-8.00,8.00"),
            "{csv}"
        );
        // By the program's reconciliation period (months here).
        let csv = report(format!("by=period&market={}", w.market.id)).await;
        assert!(
            csv.trim_start_matches('\u{feff}')
                .starts_with("Période de rapprochement,"),
            "{csv}"
        );
        assert!(
            csv.contains(",0.00,0.00,9.50,1.50,0.00,-8.00,8.00"),
            "{csv}"
        );
        assert!(op.page(&w.program_page("")).await.has("Bonne Bouffe"));
        app.stop().await;
    }
}

#[tokio::test]
async fn a_group_renamed_without_a_french_name_keeps_the_english_and_one_holding_money_stays() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let f = w.fruits;
        let rename = w.program_page(&format!("/groupes/{f}/renommer"));
        let (fr, en) = (format!("group_{f}_fr"), format!("group_{f}_en"));
        let page = op
            .send(
                &rename,
                &[(fr.as_str(), ""), (en.as_str(), "Fresh produce")],
            )
            .await;
        assert_eq!(page.status, 422);
        assert!(page.has("Fresh produce"));
        let page = op
            .send(
                &rename,
                &[
                    (fr.as_str(), "Fruits frais"),
                    (en.as_str(), "Fresh produce"),
                ],
            )
            .await;
        assert_eq!(page.status, 303);
        let page = op
            .send(&w.program_page(&format!("/groupes/{f}/supprimer")), &[])
            .await;
        assert_eq!(page.status, 422);
        assert!(
            page.has_error("group_in_use") && page.has("Fruits frais"),
            "{page:?}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_participant_type_needs_a_name_and_one_in_use_cannot_be_deleted() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let types = w.program_page("/types");
        let page = op
            .send(&types, &[("type_fr", ""), ("type_key", "cinq-plus")])
            .await;
        assert_eq!(page.status, 422);
        assert!(page.has("cinq-plus"));
        let page = op
            .send(
                &types,
                &[("type_fr", "Cinq et plus"), ("type_key", "cinq-plus")],
            )
            .await;
        assert_eq!(page.status, 303);
        let ts = app.store.participant_types(w.program).await.unwrap();
        let page = op
            .send(&format!("{types}/{}/supprimer", ts[0].id), &[])
            .await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["type_in_use"]);
        let added = ts.last().map(|t| t.id).unwrap();
        let page = op.send(&format!("{types}/{added}/supprimer"), &[]).await;
        assert_eq!(page.status, 303);
        app.stop().await;
    }
}

#[tokio::test]
async fn program_settings_keep_what_was_typed_and_the_balance_page_shows_the_public_address() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let settings = w.program_page("/reglages");
        let mut fields = vec![
            ("set_name", ""),
            ("set_public_name", "Bons santé"),
            ("set_public_address", "1234, rue Ontario Est, Montréal"),
            ("set_starts_on", "2026-01-01"),
            ("set_ends_on", "2027-12-31"),
            ("set_report_period", "week"),
        ];
        let page = op.send(&settings, &fields).await;
        assert_eq!(page.status, 422);
        assert!(page.has("1234, rue Ontario Est"));
        fields[0] = ("set_name", "Bonne Bouffe 2027");
        fields[4] = ("set_ends_on", "2025-01-01");
        assert_eq!(
            op.send(&settings, &fields).await.status,
            422,
            "an end before the start"
        );
        fields[4] = ("set_ends_on", "2027-12-31");
        assert_eq!(op.send(&settings, &fields).await.status, 303);
        let saved = app.store.program_by_id(w.program).await.unwrap();
        assert_eq!(
            (
                saved.name.as_str(),
                saved.report_period,
                saved.pin_required,
                saved.partners_assign_cards
            ),
            ("Bonne Bouffe 2027", ReportPeriod::Week, false, false)
        );
        let page = app.client().page(&format!("/c/{}", w.card.token)).await;
        assert!(
            page.has("Bons santé") && page.has("1234, rue Ontario Est"),
            "{page:?}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_refused_program_shows_each_field_the_store_names_with_what_was_typed() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        // The settings: no name and an end before the start, both named at once.
        let settings = w.program_page("/reglages");
        let fields = [
            ("set_name", " "),
            ("set_public_name", "Bons santé"),
            ("set_starts_on", "2026-06-01"),
            ("set_ends_on", "2026-05-01"),
            ("set_report_period", "month"),
        ];
        let page = op.send(&settings, &fields).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["set_name", "set_ends_on"]);
        assert_eq!(page.errors(), ["required", "ends_before_start"]);
        assert!(page.has("value=\"2026-05-01\""), "what was typed: {page:?}");
        // A new program: the end before the start, beside its field.
        let programs = format!("/o/{}/programmes", w.operator.id);
        let fields = [
            ("name", "Hiver"),
            ("starts_on", "2027-03-01"),
            ("ends_on", "2027-01-01"),
        ];
        let page = op.send(&programs, &fields).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["ends_on"]);
        assert_eq!(page.errors(), ["ends_before_start"]);
        assert!(page.has("value=\"Hiver\""), "what was typed: {page:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_card_sent_to_another_market_is_refused_at_this_register_until_unticked() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let links = w.program_page(&format!("/partenaires/{}/marches", w.partner.id));
        let market = w.market.id.to_string();
        assert_eq!(
            op.send(&links, &[("market", market.as_str())]).await.status,
            303
        );
        assert_eq!(
            app.store.partner_markets(w.program).await.unwrap(),
            vec![(w.partner.id, w.market.id)]
        );
        // An organization that is not one of the program's markets cannot be linked.
        let operator = w.operator.id.to_string();
        assert_eq!(
            op.send(&links, &[("market", operator.as_str())])
                .await
                .status,
            404
        );
        let north = app.org(OrgKind::Market, "Marché du Nord").await;
        app.store
            .add_program_member(&w.operated(&app).await, north.id, ProgramRole::Market)
            .await
            .unwrap();
        let north = north.id.to_string();
        assert_eq!(
            op.send(&links, &[("market", north.as_str())]).await.status,
            303
        );
        let cashier = app.logged_in(people::CASHIER).await;
        let page = w.scan(&cashier, w.card.number.as_str()).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["card_other_market"], "{page:?}");
        assert_eq!(op.send(&links, &[]).await.status, 303);
        assert_eq!(w.scan(&cashier, w.card.number.as_str()).await.status, 200);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_partner_that_still_has_participants_cannot_leave_the_program() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let leave = w.program_page(&format!("/membres/{}/retirer", w.partner.id));
        let page = op.send(&leave, &[]).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["member_in_use"]);
        app.stop().await;
    }
}

/// The market's administrator opens the register's kiosk; the link it is shown once.
async fn open_kiosk(admin: &support::Browser, w: &CouponProgram) -> String {
    let switch = format!("/o/{}/caisses/{}/borne", w.market.id, w.register);
    let page = admin.send(&switch, &[("action", "open")]).await;
    assert_eq!(page.status, 200);
    page.link("/borne/hal_")
}

/// A kiosk world: an anonymous program with a public name.
async fn kiosk_world(app: &TestApp) -> CouponProgram {
    let setup = CouponSetup {
        market: "Marché Jarry",
        program: ProgramInput {
            public_name: "Bons santé".into(),
            anonymous: true,
            ..bonne_bouffe()
        },
        holder: Some(""),
    };
    World::coupon_program_with(app, setup).await
}

#[tokio::test]
async fn the_market_administrator_opens_a_kiosk_whose_link_is_shown_once() {
    for app in TestApp::on_every_db().await {
        let w = kiosk_world(&app).await;
        let m = w.market.id;
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let registers = format!("/o/{m}/caisses");
        assert!(admin.page(&registers).await.has_status("kiosk-off"));
        let switch = format!("/o/{m}/caisses/{}/borne", w.register);
        let cashier = app.logged_in(people::CASHIER).await;
        let page = cashier.send(&switch, &[("action", "open")]).await;
        assert_eq!(page.status, 403, "a cashier cannot open a kiosk");
        open_kiosk(&admin, &w).await;
        let page = admin.page(&registers).await;
        assert!(
            page.has_status("kiosk-on") && !page.has("/borne/hal_"),
            "the link is shown only once: {page:?}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_holder_pays_at_the_kiosk_with_the_qr_code_once_per_page() {
    for app in TestApp::on_every_db().await {
        let w = kiosk_world(&app).await;
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let link = open_kiosk(&admin, &w).await;
        let kiosk = app.client();
        assert_eq!(kiosk.get("/borne/hal_nope").await.status(), 404);
        let token = w.card.token.as_str();
        let page = kiosk
            .send("/borne/hal_nope/payer", &[("card", token)])
            .await;
        assert_eq!(page.status, 404);
        let res = kiosk.get(&link).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        assert!(res.text().await.unwrap().contains("Comptoir 1"));
        // A typed number is not proof of holding the card.
        let card_step = format!("{link}/carte");
        let page = kiosk
            .send(&card_step, &[("card", w.card.number.as_str())])
            .await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["kiosk-scan"]);
        let qr = format!("https://halles.example/c/{token}");
        let page = kiosk.send(&card_step, &[("card", qr.as_str())]).await;
        assert_eq!(page.status, 200);
        assert!(page.has("20,00") && page.has("Bons santé"), "{page:?}");
        let sale = page.value_of("sale");
        assert_eq!(page.value_of("card"), token);
        let field = format!("amount_{}", w.fruits);
        let pay = format!("{link}/payer");
        let paying = |amount: &'static str| [("card", token), ("sale", &sale), (&field, amount)];
        let page = kiosk.send(&pay, &paying("25,00")).await;
        assert_eq!(page.status, 422);
        assert!(
            page.has_error("insufficient_funds") && page.has("25,00"),
            "{page:?}"
        );
        let first = kiosk.send(&pay, &paying("5,50")).await;
        assert_eq!(first.status, 200);
        assert!(first.has_status("paid") && first.has("14,50"), "{first:?}");
        // The same page sent twice spends once and shows the same receipt.
        let again = kiosk.send(&pay, &paying("5,50")).await;
        let number = |p: &Page| {
            p.html.split("Reçu no ").nth(1).map(|r| {
                r.chars()
                    .skip_while(|c| !c.is_ascii_digit())
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
        };
        assert_eq!(number(&first), number(&again), "{again:?}");
        assert_eq!(w.balance(&app).await, 1450);
        let page = kiosk.send(&pay, &paying("1,00")).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["kiosk-again"]);
        let (ledger, cached, lots) = app.store.ledger_check(w.program).await.unwrap();
        assert_eq!((ledger, cached), (lots, lots));
        app.stop().await;
    }
}

#[tokio::test]
async fn a_kiosk_link_opens_no_api_route() {
    for app in TestApp::on_every_db().await {
        let w = kiosk_world(&app).await;
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let link = open_kiosk(&admin, &w).await;
        let kiosk_api = app.api(link.trim_start_matches("/borne/"));
        let m = w.market.id;
        let sale = json!({"card": w.card.number.as_str(), "lines": [{"product_group_id": w.fruits.0, "amount_cents": 100}]});
        let res = kiosk_api
            .post_json(&format!("/organizations/{m}/redemptions"), &sale)
            .await;
        assert_eq!(res.status, 401);
        for path in ["/me".to_owned(), format!("/organizations/{m}")] {
            assert_eq!(kiosk_api.get(&path).await.status, 401, "{path}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn renewing_closing_or_retiring_stops_a_kiosk_and_a_retired_register_sells_nothing() {
    for app in TestApp::on_every_db().await {
        let w = kiosk_world(&app).await;
        let m = w.market.id;
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let cashier = app.logged_in(people::CASHIER).await;
        let kiosk = app.client();
        let link = open_kiosk(&admin, &w).await;
        let renewed = open_kiosk(&admin, &w).await;
        assert_ne!(renewed, link);
        assert_eq!(kiosk.get(&link).await.status(), 404);
        assert_eq!(kiosk.get(&renewed).await.status(), 200);
        let switch = format!("/o/{m}/caisses/{}/borne", w.register);
        assert_eq!(
            admin.send(&switch, &[("action", "close")]).await.status,
            303
        );
        assert_eq!(kiosk.get(&renewed).await.status(), 404);
        // Retired, the register leaves the list and its sales are refused; a cashier cannot.
        let retire = format!("/o/{m}/caisses/{}/retirer", w.register);
        assert_eq!(cashier.send(&retire, &[]).await.status, 403);
        let last_link = open_kiosk(&admin, &w).await;
        assert_eq!(admin.send(&retire, &[]).await.status, 303);
        assert!(app.store.register_list(&scope(m)).await.unwrap().is_empty());
        assert_eq!(
            kiosk.get(&last_link).await.status(),
            404,
            "its kiosk dies with it"
        );
        let refused = app
            .store
            .redeem(
                &scope(m),
                &halles_store::coupons::RedemptionInput {
                    card: halles_store::coupons::CardLookup::Number(w.card.number.clone()),
                    register: Some(w.register),
                    lines: vec![(w.fruits, Cents(100))],
                    pin: None,
                },
            )
            .await;
        assert!(
            matches!(
                refused,
                Err(halles_store::StoreError::Refused(Refusal::UnknownRegister))
            ),
            "{refused:?}"
        );
        assert_eq!(admin.send(&retire, &[]).await.status, 404);
        app.stop().await;
    }
}

/// Sends a participant list (CSV) to the import page, to `preview` or `apply` it.
async fn upload_list(
    b: &support::Browser,
    path: &str,
    csv: &str,
    purpose: &str,
    action: &str,
) -> Page {
    let fields = [("consent_purpose", purpose), ("action", action)];
    let file = ("file", "liste.csv", csv.as_bytes().to_vec());
    b.upload(path, &fields, file).await
}

/// How many participants the partner has in the program.
async fn participant_count(
    app: &TestApp,
    partner: halles_core::OrgId,
    program: halles_core::ProgramId,
) -> usize {
    let access = app
        .store
        .program_access(&scope(partner), program)
        .await
        .unwrap();
    app.store.participants(&access, "").await.unwrap().len()
}

/// A program with weekly loads of 10 $ of fruits on Mondays from November 23rd, usable for 7
/// days, and Élise, who gave her e-mail for receipts: enrolled with her card, loaded on
/// Saturday November 28th, she pays 2,50 $ (the worker writes the receipt); then Monday the
/// 30th, the 23rd's load has expired and a new one is made.
struct Weekly {
    w: CouponProgram,
    schedule: halles_core::ScheduleId,
    card: halles_store::coupons::Card,
}

async fn weekly(app: &TestApp) -> Weekly {
    use halles_core::coupons::{Expiry, LoadMoment};
    use halles_store::coupons::ScheduleInput;
    let setup = CouponSetup {
        holder: None,
        ..CouponSetup::default()
    };
    let w = World::coupon_program_with(app, setup).await;
    let types = app.store.participant_types(w.program).await.unwrap();
    let operated = w.operated(app).await;
    let schedule = ScheduleInput {
        name: "Hebdo".into(),
        starts_on: date(2026, 11, 23),
        ends_on: date(2026, 12, 31),
        moment: LoadMoment::Weekly,
        max_loads: 6,
        carry_over: true,
        usage_based: false,
        expiry: Expiry::AfterDays { days: 7 },
        amounts: vec![(types[0].id, w.fruits, Cents(1000))],
    };
    let s = app
        .store
        .create_schedule(&operated, &schedule)
        .await
        .unwrap();
    app.store
        .set_envelope(&operated, s, w.partner.id, Cents(100_000))
        .await
        .unwrap();
    let elise = ParticipantInput {
        email: "elise@example.org".into(),
        receipts: true,
        ..ParticipantInput::default()
    };
    let person = w.participant_from(app, elise).await;
    let card = w.card_for(app, person, 0).await;
    let partner = w.access(app, w.partner.id).await;
    app.store
        .enrol_in_schedule(&partner, s, person, true, None)
        .await
        .unwrap();
    app.store.run_due_loads(date(2026, 11, 28)).await.unwrap();
    let number = card.number.as_str().to_owned();
    assert_eq!(w.redeem(app, "r1", &number, 250).await.status, 201);
    app.run_jobs().await;
    app.clock.set("2026-11-30T14:00:00Z".parse().unwrap());
    app.store.run_due_loads(date(2026, 11, 30)).await.unwrap();
    app.store.run_expiry().await.unwrap();
    Weekly {
        w,
        schedule: s,
        card,
    }
}

#[tokio::test]
async fn a_holder_who_gave_an_e_mail_gets_a_receipt_and_one_notice_of_expiring_funds() {
    for app in TestApp::on_every_db().await {
        let Weekly { card, .. } = weekly(&app).await;
        let notices = || halles_web::mail::expiry_notices(&app.store, "https://halles.example");
        assert_eq!(notices().await.unwrap(), 1);
        assert_eq!(notices().await.unwrap(), 0);
        let mail = app.mail_to("elise@example.org").await;
        assert_eq!(mail.len(), 2, "{mail:?}");
        let receipt = about(&mail, "Reçu");
        assert!(
            receipt.body.contains("2,50")
                && receipt.body.contains("$2.50")
                && receipt.body.contains(&card.token)
        );
        // The new load, usable through December 6th, is announced.
        let notice = about(&mail, "expirent");
        assert!(
            notice.body.contains("10,00") && notice.body.contains("6 décembre 2026"),
            "{}",
            notice.body
        );
        assert!(
            mail.iter()
                .all(|m| m.body.contains("Ne plus recevoir de courriels"))
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_partner_makes_a_load_missed_for_want_of_a_card_once_from_the_persons_page() {
    for app in TestApp::on_every_db().await {
        let Weekly { w, schedule, .. } = weekly(&app).await;
        let late = w.participant(&app, "").await;
        let partner = w.access(&app, w.partner.id).await;
        app.store
            .enrol_in_schedule(&partner, schedule, late, false, None)
            .await
            .unwrap();
        app.clock.set("2026-12-07T14:00:00Z".parse().unwrap());
        let run = app.store.run_due_loads(date(2026, 12, 7)).await.unwrap();
        assert_eq!(run.no_card, 2, "November 30th and December 7th");
        let late_card = w.card_for(&app, late, 0).await;
        let staff = app.logged_in(people::PARTNER_STAFF).await;
        let page = format!(
            "/o/{}/programmes/{}/participants/{late}",
            w.partner.id, w.program
        );
        let html = staff.page(&page).await;
        assert!(
            html.has("Versements non reçus") && html.has("7 décembre 2026"),
            "{html:?}"
        );
        let sid = schedule.to_string();
        let catch_up = [("schedule", sid.as_str()), ("due", "2026-12-07")];
        let again = format!("{page}/rattraper");
        assert_eq!(staff.send(&again, &catch_up).await.status, 303);
        assert_eq!(balance_of(&app, &late_card).await, 1000);
        assert_eq!(
            staff.send(&again, &catch_up).await.status,
            422,
            "a load is made once"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_monthly_statement_and_the_schedules_end_are_each_sent_once() {
    for app in TestApp::on_every_db().await {
        let Weekly { card, .. } = weekly(&app).await;
        app.clock.set("2026-12-07T14:00:00Z".parse().unwrap());
        app.store.run_due_loads(date(2026, 12, 7)).await.unwrap();
        let base = "https://halles.example";
        for expected in [1, 0] {
            let sent = halles_web::mail::balance_statements(&app.store, base).await;
            assert_eq!(sent.unwrap(), expected);
        }
        let ends = || halles_web::mail::schedule_end_notices(&app.store, base);
        assert_eq!(ends().await.unwrap(), 0, "the schedule has not ended");
        app.clock.set("2027-01-02T14:00:00Z".parse().unwrap());
        assert_eq!(ends().await.unwrap(), 1);
        assert_eq!(ends().await.unwrap(), 0);
        let mail = app.mail_to("elise@example.org").await;
        let statement = about(&mail, "Le solde");
        assert!(
            statement.body.contains("2026-12")
                && statement.body.contains("Fruits et légumes")
                && statement.body.contains(&card.token),
            "{}",
            statement.body
        );
        let end = about(&mail, "Fin des");
        assert!(
            end.body.contains("Hebdo") && end.body.contains("31 décembre 2026"),
            "{}",
            end.body
        );
        assert!(
            mail.iter()
                .all(|m| m.body.contains("Ne plus recevoir de courriels"))
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_holder_stops_e_mails_from_the_balance_page() {
    for app in TestApp::on_every_db().await {
        let Weekly { card, .. } = weekly(&app).await;
        let holder = app.client();
        let page = format!("/c/{}", card.token);
        assert!(
            holder
                .page(&page)
                .await
                .has("Ne plus recevoir de courriels")
        );
        assert_eq!(
            holder.send(&format!("{page}/courriels"), &[]).await.status,
            303
        );
        assert!(!app.store.holder_receives_email(&card.token).await.unwrap());
        assert!(
            !holder
                .page(&page)
                .await
                .has("Ne plus recevoir de courriels")
        );
        assert_eq!(holder.send("/c/nope/courriels", &[]).await.status, 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn an_off_platform_list_carries_allocations_and_a_new_list_deactivates_who_left() {
    for app in TestApp::on_every_db().await {
        let PartnerProgram {
            partner, program, ..
        } = World::partner_program(
            &app,
            ProgramInput {
                name: "Hors plateforme".into(),
                off_platform: true,
                ..bonne_bouffe()
            },
        )
        .await;
        let b = app.logged_in("accueil@p.example").await;
        let path = format!(
            "/o/{}/programmes/{program}/participants/importer",
            partner.id
        );
        let template = b
            .get(&format!("{path}/modele?format=csv"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            template.contains("début,fin,fréquence,Fruits et légumes,Produits laitiers et œufs"),
            "{template}"
        );
        let upload = |csv: &'static str, action: &'static str| {
            upload_list(&b, &path, csv, "Programme", action)
        };
        let first = "type;identifiant 1;date du consentement;début;fin;fréquence;Fruits et légumes\n1;A-1;2026-11-01;2026-12-01;2027-05-31;mensuel;25,00\n";
        let res = upload(first, "preview").await;
        assert_eq!(res.status, 200);
        assert!(
            res.has_status("created") && res.has("data-deactivated=\"0\""),
            "{res:?}"
        );
        assert_eq!(upload(first, "apply").await.status, 303);
        let people = app
            .store
            .participants(
                &app.store
                    .program_access(&scope(partner.id), program)
                    .await
                    .unwrap(),
                "",
            )
            .await
            .unwrap();
        assert_eq!(people.len(), 1);
        let own = app
            .store
            .schedules_for(program, people[0].id)
            .await
            .unwrap();
        assert_eq!(
            own[0].moment,
            halles_core::coupons::LoadMoment::FirstOfMonth
        );
        // A list without A-1: the preview warns, a bad frequency is named on its line.
        let second = "type;identifiant 1;date du consentement;début;fin;fréquence;Fruits et légumes\n1;B-1;2026-11-01;2026-12-01;2027-05-31;annuel;10\n";
        let res = upload(second, "preview").await;
        assert_eq!(res.status, 422);
        assert_eq!(res.errors(), ["moment_invalid"]);
        assert!(res.has("data-deactivated=\"1\""), "{res:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn an_import_bomb_is_refused_with_a_message_and_a_formula_name_is_exported_as_text() {
    for app in TestApp::on_every_db().await {
        let PartnerProgram {
            partner, program, ..
        } = World::partner_program(&app, bonne_bouffe()).await;
        let b = app.logged_in("accueil@p.example").await;
        let path = format!(
            "/o/{}/programmes/{program}/participants/importer",
            partner.id
        );
        // A 5 KB workbook whose far-away cell made the reader allocate 150,001 × 41 cells.
        let bomb = {
            let mut book = rust_xlsxwriter::Workbook::new();
            let ws = book.add_worksheet();
            ws.write_string(0, 0, "type").unwrap();
            ws.write_string(1, 0, "1").unwrap();
            ws.write_string(150_000, 40, "x").unwrap();
            book.save_to_buffer().unwrap()
        };
        let fields = [
            ("consent_purpose", "Programme Bonne Bouffe"),
            ("action", "apply"),
        ];
        let res = b.upload(&path, &fields, ("file", "liste.xlsx", bomb)).await;
        assert_eq!(res.status, 422);
        assert_eq!(res.errors(), ["import_too_many_rows"]);
        assert!(
            res.has("Programme Bonne Bouffe"),
            "what was typed comes back: {res:?}"
        );
        let ps = app
            .store
            .program_access(&scope(partner.id), program)
            .await
            .unwrap();
        assert!(app.store.participants(&ps, "").await.unwrap().is_empty());

        // A name a spreadsheet would run comes out of the CSV export as text.
        let types = app.store.participant_types(program).await.unwrap();
        app.store
            .create_participant(
                &ps,
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    name: "=cmd|' /C calc'!A0".into(),
                    phone: "+1 514 555 0101".into(),
                    notes: "@SUM(A1)".into(),
                    consent_on: Some(date(2026, 11, 1)),
                    consent_purpose: "p".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap();
        let csv = b
            .get(&format!(
                "/o/{}/programmes/{program}/participants/exporter?format=csv",
                partner.id
            ))
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.contains(",'=cmd|' /C calc'!A0,"), "{csv}");
        assert!(!csv.contains(",=cmd"), "{csv}");
        assert!(
            csv.contains(",+1 514 555 0101,"),
            "a phone number stays as it is: {csv}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_partner_imports_a_list_after_a_preview_that_shows_each_row_problem() {
    for app in TestApp::on_every_db().await {
        let PartnerProgram {
            partner, program, ..
        } = World::partner_program(&app, bonne_bouffe()).await;
        let b = app.logged_in("accueil@p.example").await;
        let path = format!(
            "/o/{}/programmes/{program}/participants/importer",
            partner.id
        );
        assert_eq!(b.get(&path).await.status(), 200);
        let template = b
            .get(&format!("{path}/modele?format=csv"))
            .await
            .text()
            .await
            .unwrap();
        assert!(template.contains("identifiant 1") && template.contains("date du consentement"));
        let upload = |csv: &'static str, action: &'static str| {
            upload_list(&b, &path, csv, "Programme Bonne Bouffe", action)
        };
        // Semicolons, French headers, two bad rows: each is named, nothing is saved.
        let bad = "type;identifiant 1;nom;date du consentement\n1;A-1;Élise;2026-11-01\n9;A-2;Hugo;2026-11-01\n2;A-1;Inès;hier\n";
        let res = upload(bad, "apply").await;
        assert_eq!(res.status, 422);
        assert_eq!(
            res.errors(),
            ["unknown_type", "date_invalid", "duplicate_id1_in_file"]
        );
        assert!(res.has("data-line=\"3\"") && res.has("data-line=\"4\""));
        assert_eq!(participant_count(&app, partner.id, program).await, 0);
        // Fixed: the preview says ready, then the import saves both at once.
        let good = "type,identifiant 1,nom,date du consentement\n1,A-1,Élise,2026-11-01\n2 personnes,A-2,Hugo,2026-11-01\n";
        let res = upload(good, "preview").await;
        assert_eq!(res.status, 200);
        assert!(
            res.has_status("ready") && res.errors().is_empty(),
            "{res:?}"
        );
        assert_eq!(participant_count(&app, partner.id, program).await, 0);
        let res = upload(good, "apply").await;
        assert_eq!(res.status, 303);
        assert_eq!(participant_count(&app, partner.id, program).await, 2);
        // The API: a dry run reports row by row.
        let token = app.token(partner.id, &[Scope::CouponsWrite]).await;
        let report: Value = reqwest::Client::new()
            .post(app.at(&format!(
                "/api/v1/organizations/{}/programs/{program}/participants/import",
                partner.id
            )))
            .bearer_auth(token)
            .json(&json!({"dry_run": true, "consent_purpose": "p", "rows": [
                {"participant_type": "1", "id1": "A-1", "consent_on": "2026-11-01"},
                {"participant_type": "3+", "id1": "A-3", "consent_on": "2026-11-01"}]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(report["applied"], false);
        // A known identifier is that person: unchanged.
        assert_eq!(report["rows"][0]["problem"], Value::Null);
        assert_eq!(report["rows"][0]["action"], "unchanged");
        assert_eq!(report["rows"][1]["problem"], Value::Null);
        app.stop().await;
    }
}

/// The participant page of the world's holder, below `org`'s pages.
fn holder_page(w: &CouponProgram, org: halles_core::OrgId) -> String {
    let holder = w.card.participant.expect("the card's holder");
    format!("/o/{org}/programmes/{}/participants/{holder}", w.program)
}

/// A correction of the holder's fruits by `amount` (as typed), sent from `org`'s page.
async fn correct(
    b: &support::Browser,
    w: &CouponProgram,
    org: halles_core::OrgId,
    amount: &str,
    reason: &str,
) -> Page {
    let group = w.fruits.to_string();
    // The form's one-time key, from the page as a person would send it; someone the page
    // shows no form to forges one.
    let page = b.page(&holder_page(w, org)).await;
    let once = if page.has("name=\"adjust_once\"") {
        page.value_of("adjust_once")
    } else {
        "forged-0123456789abcdef".to_owned()
    };
    let fields = [
        ("adjust_group", group.as_str()),
        ("adjust_amount", amount),
        ("adjust_reason", reason),
        ("adjust_once", once.as_str()),
    ];
    b.send(&format!("{}/ajuster", holder_page(w, org)), &fields)
        .await
}

#[tokio::test]
async fn a_participant_edited_with_a_wrong_e_mail_comes_back_with_every_field_typed() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program_with(&app, CouponSetup::holder("Alex")).await;
        let t = app.store.participant_types(w.program).await.unwrap();
        let staff = app.logged_in(people::PARTNER_STAFF).await;
        let edit = format!("{}/modifier", holder_page(&w, w.partner.id));
        let ptype = t[1].id.to_string();
        let mut fields = [
            ("participant_type", ptype.as_str()),
            ("id1", "DOS-7"),
            ("name", "Alex Tremblay"),
            ("email", "pas-un-courriel"),
        ];
        let page = staff.send(&edit, &fields).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["email"]);
        assert!(
            page.has("Alex Tremblay") && page.has("DOS-7") && page.has("pas-un-courriel"),
            "{page:?}"
        );
        fields[3] = ("email", "alex@example.org");
        assert_eq!(staff.send(&edit, &fields).await.status, 303);
        let holder = w.card.participant.expect("the card's holder");
        let partner = w.access(&app, w.partner.id).await;
        let p = app.store.participant(&partner, holder).await.unwrap();
        assert_eq!(
            (
                p.name.as_str(),
                p.email.as_str(),
                p.participant_type,
                p.receipts
            ),
            ("Alex Tremblay", "alex@example.org", t[1].id, false)
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_api_edits_a_participant_and_an_enrolment_that_does_not_exist_is_not_found() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let t = app.store.participant_types(w.program).await.unwrap();
        let holder = w.card.participant.expect("the card's holder");
        let api = app.api(&app.token(w.partner.id, &[Scope::CouponsWrite]).await);
        let path = format!(
            "/organizations/{}/programs/{}/participants/{holder}",
            w.partner.id, w.program
        );
        let body = json!({"participant_type_id": t[1].id.0, "id1": "DOS-8", "name": "Alex T.",
            "email": "alex@example.org", "receipts": true, "consent_on": "2026-11-01",
            "consent_purpose": "programme"});
        let res = api.put_json(&path, &body).await;
        assert_eq!(res.status, 200);
        assert_eq!(
            (res.body["name"].as_str(), res.body["id1"].as_str()),
            (Some("Alex T."), Some("DOS-8"))
        );
        let schedule = format!("{path}/allocation-schedules/999999");
        let res = api.put_json(&schedule, &json!({"max_loads": 2})).await;
        assert_eq!(res.status, 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn an_operators_correction_needs_a_reason_and_never_exceeds_the_balance() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let o = w.operator.id;
        let page = correct(&op, &w, o, "-20,00", "").await;
        assert_eq!(page.status, 422);
        assert!(page.has("-20,00"), "what was typed comes back");
        let page = correct(&op, &w, o, "-25,00", "erreur").await;
        assert_eq!(page.status, 422, "more than the balance is refused");
        let page = correct(&op, &w, o, "-20,00", "erreur de chargement").await;
        assert_eq!(page.status, 303);
        assert_eq!(w.balance(&app).await, 0);
        // A partner cannot make corrections.
        let staff = app.logged_in(people::PARTNER_STAFF).await;
        assert_ne!(
            correct(&staff, &w, w.partner.id, "5", "x").await.status,
            303
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_correction_is_in_the_transaction_log_and_its_download_with_its_reason() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let page = correct(&op, &w, w.operator.id, "-20,00", "erreur de chargement").await;
        assert_eq!(page.status, 303);
        let log = w.program_page("/mouvements");
        let page = op.page(&log).await;
        assert!(
            page.has("erreur de chargement") && page.has("Versement manuel ou correction"),
            "{page:?}"
        );
        // A filter on another kind leaves it out.
        let page = op.page(&format!("{log}?kind=spend")).await;
        assert!(!page.has("erreur de chargement"), "{page:?}");
        let csv = op.page(&format!("{log}?kind=adjust&format=csv")).await.html;
        assert!(
            csv.contains("-20.00") && csv.contains("erreur de chargement"),
            "{csv}"
        );
        assert_eq!(
            csv.lines().count(),
            4,
            "the header, the load, the correction and the total: {csv}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_card_is_taken_back_only_once_emptied_and_the_balances_page_then_lists_none() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let staff = app.logged_in(people::PARTNER_STAFF).await;
        let release = format!("{}/liberer", holder_page(&w, w.partner.id));
        assert_eq!(staff.send(&release, &[]).await.status, 422, "money on it");
        let op = app.logged_in(people::OPERATOR).await;
        let page = correct(&op, &w, w.operator.id, "-20,00", "vidée").await;
        assert_eq!(page.status, 303);
        // The partner reads the balances page too.
        let balances = format!("/o/{}/programmes/{}/soldes", w.partner.id, w.program);
        let page = staff.page(&balances).await;
        assert!(page.has_status("no-balances"), "{page:?}");
        assert_eq!(staff.send(&release, &[]).await.status, 303);
        let card = app
            .store
            .card(&scope(w.operator.id), w.card.id)
            .await
            .unwrap();
        assert_eq!(card.participant, None);
        app.stop().await;
    }
}

/// A 12,50 $ sale at the Jean-Talon market in November; on December 2nd, November is closed.
async fn a_closed_november(app: &TestApp) -> CouponProgram {
    let setup = CouponSetup {
        market: "Marché Jean-Talon",
        ..CouponSetup::default()
    };
    let w = World::coupon_program_with(app, setup).await;
    let cashier = app.logged_in(people::CASHIER).await;
    assert_eq!(
        w.sell(&cashier, w.card.number.as_str(), "12,50")
            .await
            .status,
        303
    );
    app.clock.set("2026-12-02T14:00:00Z".parse().unwrap());
    w
}

/// The market's claims page.
fn market_claims(w: &CouponProgram) -> String {
    format!("/o/{}/programmes/{}/reclamations", w.market.id, w.program)
}

/// The market claims November with the note "Facture 17"; the claim's id.
async fn claim_november(app: &TestApp, w: &CouponProgram) -> halles_core::ClaimId {
    let market = app.logged_in(people::MARKET_ADMIN).await;
    let fields = [("period", "2026-11-01"), ("note_2026-11-01", "Facture 17")];
    assert_eq!(market.send(&market_claims(w), &fields).await.status, 303);
    let claims = app
        .store
        .claims(&w.operated(app).await, None)
        .await
        .unwrap();
    claims[0].id
}

#[tokio::test]
async fn a_market_claims_a_closed_month_once_and_never_an_open_one() {
    for app in TestApp::on_every_db().await {
        let w = a_closed_november(&app).await;
        let market = app.logged_in(people::MARKET_ADMIN).await;
        let claims = market_claims(&w);
        let page = market.page(&claims).await;
        assert!(
            page.has("Du 2026-11-01 au 2026-11-30") && page.has("12,50"),
            "{page:?}"
        );
        // An open period is refused with the message and the page comes back.
        let early = [("period", "2026-12-01"), ("note_2026-12-01", "trop tôt")];
        let page = market.send(&claims, &early).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["period_open"]);
        claim_november(&app, &w).await;
        let page = market.send(&claims, &[("period", "2026-11-01")]).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["already_claimed"]);
        // A cashier sees the page but cannot file.
        let cashier = app.logged_in(people::CASHIER).await;
        assert_eq!(cashier.page(&claims).await.status, 200);
        let page = cashier.send(&claims, &[("period", "2026-11-01")]).await;
        assert_eq!(page.status, 403);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_operator_refuses_a_claim_only_with_a_reason() {
    for app in TestApp::on_every_db().await {
        let w = a_closed_november(&app).await;
        let claim = claim_november(&app, &w).await;
        let op = app.logged_in(people::OPERATOR).await;
        let claims = w.program_page("/reclamations");
        let page = op.page(&claims).await;
        assert!(
            page.has("Marché Jean-Talon") && page.has("Facture 17"),
            "{page:?}"
        );
        let reason = format!("reason_{claim}");
        let refuse = format!("{claims}/{claim}/refuser");
        let page = op.send(&refuse, &[(reason.as_str(), " ")]).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["reason_required"]);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_operator_pays_an_approved_claim_in_a_batch_and_the_market_manager_is_told() {
    for app in TestApp::on_every_db().await {
        let w = a_closed_november(&app).await;
        let claim = claim_november(&app, &w).await;
        let op = app.logged_in(people::OPERATOR).await;
        let approve = w.program_page(&format!("/reclamations/{claim}/approuver"));
        assert_eq!(op.send(&approve, &[]).await.status, 303);
        let claim = claim.to_string();
        let page = op
            .send(&w.program_page("/paiements"), &[("claim", &claim)])
            .await;
        assert_eq!(page.status, 303);
        let batch = page.location;
        assert!(batch.contains("/paiements/"), "{batch}");
        let csv = op.page(&format!("{batch}?format=csv")).await.html;
        assert!(
            csv.contains("Marché Jean-Talon") && csv.contains("12.50"),
            "{csv}"
        );
        // A bad date comes back with the reference typed; then the batch is paid.
        let paid = format!("{batch}/paye");
        let page = op
            .send(&paid, &[("paid_on", "le 3"), ("reference", "VIR-77")])
            .await;
        assert_eq!(page.status, 422);
        assert!(page.has("VIR-77"));
        let fields = [("paid_on", "2026-12-03"), ("reference", "VIR-77")];
        assert_eq!(op.send(&paid, &fields).await.status, 303);
        // The market's manager gets the remittance notice; its cashier does not.
        app.run_jobs().await;
        let mail = app.mail_to(people::MARKET_ADMIN).await;
        let notice = about(&mail, "Avis de paiement");
        assert!(
            notice.body.contains("VIR-77")
                && notice.body.contains("2026-12-03")
                && notice.body.contains("du 2026-11-01 au 2026-11-30"),
            "{}",
            notice.body
        );
        let cashiers = app.mail_to(people::CASHIER).await;
        assert!(cashiers.is_empty());
        let market = app.logged_in(people::MARKET_ADMIN).await;
        assert!(market.page(&market_claims(&w)).await.has_status("paid"));
        app.stop().await;
    }
}

/// `org`'s API client with the coupon scopes, and the program's API path for `org`.
async fn program_api(
    app: &TestApp,
    w: &CouponProgram,
    org: halles_core::OrgId,
) -> (support::requests::Api, String) {
    let token = app
        .token(org, &[Scope::CouponsRead, Scope::CouponsWrite])
        .await;
    let path = format!("/organizations/{org}/programs/{}", w.program);
    (app.api(&token), path)
}

#[tokio::test]
async fn the_api_corrects_a_balance_only_with_a_reason_and_never_below_zero() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let (op, program) = program_api(&app, &w, w.operator.id).await;
        let adjust = format!("{program}/cards/{}/adjustments", w.card.id);
        let body = |cents: i64, reason: &str| json!({"product_group_id": w.fruits.0, "amount_cents": cents, "reason": reason});
        let res = op.post_json(&adjust, &body(-500, " ")).await;
        assert_eq!((res.status, res.code()), (409, "reason_required"));
        assert_eq!(
            op.post_json(&adjust, &body(-5000, "erreur")).await.status,
            422
        );
        // A load names where its money comes from: the program's reserve here.
        let res = op.post_json(&adjust, &body(500, "rattrapage")).await;
        assert_eq!((res.status, res.code()), (422, "fund_source_required"));
        let mut from_reserve = body(500, "rattrapage");
        from_reserve["from_reserve"] = json!(true);
        let res = op.post_json(&adjust, &from_reserve).await;
        assert_eq!((res.status, res.code()), (409, "reserve_too_low"));
        app.store
            .fund_reserve(&w.operated(&app).await, Cents(500))
            .await
            .unwrap();
        assert_eq!(op.post_json(&adjust, &from_reserve).await.status, 204);
        assert_eq!(w.balance(&app).await, 2500);
        // The market may not correct balances.
        let (market, program) = program_api(&app, &w, w.market.id).await;
        let adjust = format!("{program}/cards/{}/adjustments", w.card.id);
        assert_eq!(market.post_json(&adjust, &body(500, "x")).await.status, 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_api_saves_program_settings_and_names_a_bad_period() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let (op, program) = program_api(&app, &w, w.operator.id).await;
        let mut settings = json!({
            "name": "Bonne Bouffe 2026", "public_name": "Bonne Bouffe", "public_address": "1 rue du Marché",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "report_period": "fortnight",
            "partners_assign_cards": true, "pin_required": false,
        });
        let res = op.put_json(&program, &settings).await;
        assert_eq!(
            (res.status, res.fields()),
            (422, vec!["report_period".to_owned()])
        );
        settings["report_period"] = "month".into();
        assert_eq!(op.put_json(&program, &settings).await.status, 204);
        let p = app.store.program_by_id(w.program).await.unwrap();
        assert_eq!(
            (p.name.as_str(), p.public_address.as_str()),
            ("Bonne Bouffe 2026", "1 rue du Marché")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_api_sends_a_partners_cards_to_another_market_and_this_one_refuses_them() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let (op, program) = program_api(&app, &w, w.operator.id).await;
        let elsewhere = app.org(OrgKind::Market, "Autre marché").await;
        app.store
            .add_program_member(&w.operated(&app).await, elsewhere.id, ProgramRole::Market)
            .await
            .unwrap();
        let links = format!("{program}/partners/{}/markets", w.partner.id);
        let res = op
            .put_json(&links, &json!({"market_ids": [elsewhere.id.0]}))
            .await;
        assert_eq!(res.status, 204);
        let number = w.card.number.as_str();
        let refused = w.redeem(&app, "k1", number, 100).await;
        assert_eq!((refused.status, refused.code()), (409, "card_other_market"));
        let res = op.put_json(&links, &json!({"market_ids": []})).await;
        assert_eq!(res.status, 204);
        assert_eq!(w.redeem(&app, "k2", number, 1000).await.status, 201);
        app.stop().await;
    }
}

#[tokio::test]
async fn through_the_api_a_market_files_a_claim_the_operator_approves_batches_and_pays_it() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        assert_eq!(
            w.redeem(&app, "k1", w.card.number.as_str(), 1000)
                .await
                .status,
            201
        );
        app.clock.set("2026-12-02T14:00:00Z".parse().unwrap());
        let (market, at_market) = program_api(&app, &w, w.market.id).await;
        let claims = format!("{at_market}/claims");
        let res = market
            .post_json(&claims, &json!({"period_start": "2026-12-01"}))
            .await;
        assert_eq!((res.status, res.code()), (409, "period_open"));
        let november = json!({"period_start": "2026-11-01", "note": "Novembre"});
        let claim = market.post_json(&claims, &november).await;
        assert_eq!(claim.status, 201);
        assert_eq!(
            (
                claim.body["amount_cents"].as_i64(),
                claim.body["status"].as_str()
            ),
            (Some(1000), Some("submitted"))
        );
        let cid = claim.id();
        let (op, program) = program_api(&app, &w, w.operator.id).await;
        let listed = op.get(&format!("{program}/claims?status=submitted")).await;
        assert_eq!(listed.list().len(), 1);
        let decision = format!("{program}/claims/{cid}/decision");
        assert_eq!(
            op.post_json(&decision, &json!({"approve": true}))
                .await
                .status,
            200
        );
        let batches = format!("{program}/payment-batches");
        let batch = op.post_json(&batches, &json!({"claim_ids": [cid]})).await;
        assert_eq!(batch.status, 201);
        assert_eq!(batch.body["total_cents"].as_i64(), Some(1000));
        let payment = format!("{batches}/{}/payment", batch.id());
        let paid = json!({"paid_on": "2026-12-03", "reference": "CHQ-12"});
        let paid = op.post_json(&payment, &paid).await;
        assert_eq!(paid.status, 200);
        assert_eq!(paid.body["status"], "paid");
        assert_eq!(paid.body["claims"][0]["status"], "paid");
        app.run_jobs().await;
        let mail = app.mail_to(people::MARKET_ADMIN).await;
        assert!(mail.iter().any(|m| m.body.contains("CHQ-12")), "{mail:?}");
        // The market reads its own claims, not the batches.
        let res = market.get(&format!("{at_market}/payment-batches")).await;
        assert_eq!(res.status, 404);
        app.stop().await;
    }
}

/// The operator invites coord@ailleurs.example to manage the world's program from its page.
async fn invite_manager(app: &TestApp, w: &CouponProgram) {
    let op = app.logged_in(people::OPERATOR).await;
    let email = [("manager_email", "coord@ailleurs.example")];
    let page = op.send(&w.program_page("/gestionnaires"), &email).await;
    assert_eq!(page.status, 303);
}

/// [`invite_manager`], then the invitation accepted from the e-mailed link: the manager's
/// browser.
async fn invited_manager(app: &TestApp, w: &CouponProgram) -> support::Browser {
    invite_manager(app, w).await;
    app.run_jobs().await;
    let body = app.last_mail_to("coord@ailleurs.example").await.body;
    assert!(body.contains("programme Bonne Bouffe seulement"), "{body}");
    let link = link_in(&body, "/invitations/");
    let coord = app.client();
    let fields = [
        ("name", "Coordination"),
        ("password", "une-phrase-secrete"),
        ("password_confirm", "une-phrase-secrete"),
    ];
    assert_eq!(coord.send(&link, &fields).await.status, 303);
    coord
}

#[tokio::test]
async fn an_invitation_to_manage_a_program_needs_a_valid_address_and_is_listed_once_sent() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = app.logged_in(people::OPERATOR).await;
        let invite = w.program_page("/gestionnaires");
        let page = op
            .send(&invite, &[("manager_email", "pas-un-courriel")])
            .await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["email_invalid"]);
        assert!(page.has("pas-un-courriel"));
        invite_manager(&app, &w).await;
        let page = op.page(&w.program_page("")).await;
        assert!(
            page.has("coord@ailleurs.example") && page.has_status("invited"),
            "{page:?}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_invited_manager_lands_on_the_program_and_reaches_nothing_else() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let o = w.operator.id;
        let input = ProgramInput {
            name: "Autre programme".into(),
            ends_on: date(2026, 12, 31),
            ..bonne_bouffe()
        };
        let other = app.store.create_program(&scope(o), &input).await.unwrap();
        let coord = invited_manager(&app, &w).await;
        // Home and the programs list land on the program; its pages work.
        let page = w.program_page("");
        for landing in [format!("/o/{o}"), format!("/o/{o}/programmes")] {
            let res = coord.page(&landing).await;
            assert_eq!((res.status, res.location), (303, page.clone()), "{landing}");
        }
        for rest in ["", "/participants", "/rapports"] {
            assert_eq!(
                coord.page(&w.program_page(rest)).await.status,
                200,
                "{rest}"
            );
        }
        // A card of the other program, named under this one, is not found.
        let other_access = app.store.program_access(&scope(o), other).await.unwrap();
        let (_, cards) = app.store.create_card_batch(&other_access, 1).await.unwrap();
        let disable = w.program_page(&format!("/cartes/{}/desactiver", cards[0].id));
        assert_eq!(coord.send(&disable, &[]).await.status, 404);
        // Nothing else of the organization: another program, members, audit, a new program.
        for path in [
            format!("/o/{o}/programmes/{other}"),
            format!("/o/{o}/programmes/{other}/participants"),
            format!("/o/{o}/membres"),
            format!("/o/{o}/audit"),
            format!("/o/{o}/jetons"),
        ] {
            assert_eq!(coord.get(&path).await.status(), 403, "{path}");
        }
        let mine = [
            ("name", "Le mien"),
            ("starts_on", "2026-01-01"),
            ("ends_on", "2026-12-31"),
        ];
        let res = coord.send(&format!("/o/{o}/programmes"), &mine).await;
        assert_eq!(res.status, 403);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_manager_taken_off_the_program_no_longer_reaches_it() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let coord = invited_manager(&app, &w).await;
        let managers = app
            .store
            .program_managers(&w.operated(&app).await)
            .await
            .unwrap();
        assert_eq!(managers.len(), 1);
        let op = app.logged_in(people::OPERATOR).await;
        let remove = w.program_page(&format!("/gestionnaires/{}/retirer", managers[0].id));
        assert_eq!(op.send(&remove, &[]).await.status, 303);
        assert_eq!(coord.page(&w.program_page("")).await.status, 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn coupon_routes_refuse_the_wrong_role_and_another_organization() {
    for app in TestApp::on_every_db().await {
        let operator = Fixture::new(&app, OrgKind::ProgramOperator, "progf").await;
        let p = "/o/{org}/programmes/{foreign}";
        let rows: Vec<Row> = vec![
            Row::get("/o/{org}/programmes", Allowed::VIEWER, 200),
            Row::post("/o/{org}/programmes", Allowed::STAFF, 422),
            Row::get(p, Allowed::VIEWER, 404),
            Row::post(
                "/o/{org}/programmes/{foreign}/versements",
                Allowed::STAFF,
                404,
            ),
            Row::post("/o/{org}/programmes/{foreign}/membres", Allowed::STAFF, 404),
            Row::post(
                "/o/{org}/programmes/{foreign}/enveloppes",
                Allowed::STAFF,
                404,
            ),
            Row::post("/o/{org}/programmes/{foreign}/reserve", Allowed::STAFF, 404),
            Row::get(
                "/o/{org}/programmes/{foreign}/participants",
                Allowed::VIEWER,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/participants",
                Allowed::STAFF,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/participants/exporter",
                Allowed::STAFF,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/participants/{foreign}",
                Allowed::VIEWER,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/participants/{foreign}/retirer",
                Allowed::STAFF,
                404,
            ),
            Row::get("/o/{org}/programmes/{foreign}/cartes", Allowed::VIEWER, 404),
            Row::post("/o/{org}/programmes/{foreign}/cartes", Allowed::STAFF, 404),
            Row::post(
                "/o/{org}/programmes/{foreign}/cartes/{foreign}/desactiver",
                Allowed::STAFF,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/lots/{foreign}/pdf",
                Allowed::STAFF,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/coupons-papier",
                Allowed::VIEWER,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/coupons-papier",
                Allowed::STAFF,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/coupons-papier/remettre",
                Allowed::STAFF,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/coupons-papier/annuler",
                Allowed::STAFF,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/coupons-papier/{foreign}/pdf",
                Allowed::STAFF,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/rapports",
                Allowed::VIEWER,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/rapports/enveloppes",
                Allowed::VIEWER,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/rapports/envoi-mensuel",
                Allowed::VIEWER,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/mouvements",
                Allowed::VIEWER,
                404,
            ),
            Row::get("/o/{org}/programmes/{foreign}/soldes", Allowed::VIEWER, 404),
            Row::post(
                "/o/{org}/programmes/{foreign}/gestionnaires",
                Allowed::STAFF,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/gestionnaires/{foreign}/retirer",
                Allowed::STAFF,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/reclamations",
                Allowed::VIEWER,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/reclamations",
                Allowed::STAFF,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/reclamations/{foreign}/approuver",
                Allowed::STAFF,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/paiements",
                Allowed::STAFF,
                404,
            ),
            Row::get(
                "/o/{org}/programmes/{foreign}/paiements/{foreign}",
                Allowed::STAFF,
                404,
            ),
            Row::post(
                "/o/{org}/programmes/{foreign}/paiements/{foreign}/paye",
                Allowed::STAFF,
                404,
            ),
        ];
        let mut rows = rows;
        for path in [
            "/o/{org}/programmes/{foreign}/archiver",
            "/o/{org}/programmes/{foreign}/versements/{foreign}/archiver",
            "/o/{org}/programmes/{foreign}/versements/{foreign}/modifier",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/rattraper",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/nip",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/debloquer-nip",
        ] {
            rows.push(Row {
                method: "POST",
                path,
                allowed: Allowed::STAFF,
                ok_status: 404,
            });
        }
        for path in [
            "/o/{org}/programmes/{foreign}/groupes",
            "/o/{org}/programmes/{foreign}/groupes-marches",
            "/o/{org}/programmes/{foreign}/groupes-marches/marche",
            "/o/{org}/programmes/{foreign}/groupes-marches/{foreign}/renommer",
            "/o/{org}/programmes/{foreign}/groupes-marches/{foreign}/supprimer",
            "/o/{org}/programmes/{foreign}/groupes/{foreign}/renommer",
            "/o/{org}/programmes/{foreign}/groupes/{foreign}/supprimer",
            "/o/{org}/programmes/{foreign}/types",
            "/o/{org}/programmes/{foreign}/types/{foreign}",
            "/o/{org}/programmes/{foreign}/types/{foreign}/supprimer",
            "/o/{org}/programmes/{foreign}/reglages",
            "/o/{org}/programmes/{foreign}/partenaires/{foreign}/marches",
            "/o/{org}/programmes/{foreign}/membres/{foreign}/retirer",
            "/o/{org}/programmes/{foreign}/enveloppes/{foreign}/supprimer",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/modifier",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/maximum",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/liberer",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/ajuster",
        ] {
            rows.push(Row {
                method: "POST",
                path,
                allowed: Allowed::STAFF,
                ok_status: 404,
            });
        }
        // An upload: a plain form is not the multipart the page sends.
        rows.push(Row::post(
            "/o/{org}/programmes/{foreign}/illustration",
            Allowed::STAFF,
            400,
        ));
        rows.push(Row::get(
            "/o/{org}/programmes/{foreign}/participants/importer",
            Allowed::STAFF,
            404,
        ));
        rows.push(Row::get(
            "/o/{org}/programmes/{foreign}/versements/{foreign}/modifier",
            Allowed::STAFF,
            404,
        ));
        check(&app, &operator, api_rows::OPERATOR).await;
        rows.push(Row::post(
            "/o/{org}/programmes/{foreign}/participants/importer",
            Allowed::STAFF,
            400,
        ));
        rows.push(Row::get(
            "/o/{org}/programmes/{foreign}/participants/importer/modele",
            Allowed::STAFF,
            404,
        ));
        // Kiosks and card holders' pages answer their secret link only.
        rows.push(Row::get("/borne/nope", Allowed::Anyone, 404));
        rows.push(Row::post("/borne/nope/carte", Allowed::Anyone, 404));
        rows.push(Row::post("/borne/nope/payer", Allowed::Anyone, 404));
        rows.push(Row::get("/c/nope", Allowed::Anyone, 404));
        rows.push(Row::post("/c/nope/courriels", Allowed::Anyone, 404));
        let operator_rows = check(&app, &operator, &rows).await;
        let market = Fixture::new(&app, OrgKind::Market, "markf").await;
        let market_rows = check(
            &app,
            &market,
            &[
                Row::get("/o/{org}/caisses", Allowed::ADMIN, 200),
                Row::post("/o/{org}/caisses", Allowed::ADMIN, 422),
                Row::post("/o/{org}/caisses/{foreign}/borne", Allowed::ADMIN, 400),
                Row::post("/o/{org}/caisses/{foreign}/retirer", Allowed::ADMIN, 404),
                Row::post("/o/{org}/caisses/{foreign}/renommer", Allowed::ADMIN, 404),
                Row::get("/o/{org}/caisse", Allowed::CASHIER, 200),
                Row::post("/o/{org}/caisse/carte", Allowed::CASHIER, 422),
                Row::post("/o/{org}/caisse/vente", Allowed::CASHIER, 422),
                Row::post("/o/{org}/caisse/coupon-papier", Allowed::CASHIER, 422),
                Row::get("/o/{org}/caisse/recus/{foreign}", Allowed::CASHIER, 404),
                Row::post(
                    "/o/{org}/caisse/recus/{foreign}/rembourser",
                    Allowed::STAFF,
                    404,
                ),
            ],
        )
        .await;
        check(&app, &market, api_rows::MARKET).await;
        let partner = Fixture::new(&app, OrgKind::PartnerOrg, "partf").await;
        let partner_rows = check(
            &app,
            &partner,
            &[
                Row::get("/o/{org}/programmes", Allowed::VIEWER, 200),
                Row::post("/o/{org}/programmes", Allowed::STAFF, 403),
                Row::get(
                    "/o/{org}/programmes/{foreign}/participants",
                    Allowed::VIEWER,
                    404,
                ),
            ],
        )
        .await;
        let rows = [operator_rows, market_rows, partner_rows].concat();
        assert_eq!(
            page_routes_without_rows(halles_web::pages::coupons::routes().list(), &rows),
            Vec::<(&str, &str)>::new(),
            "coupon page routes without a row in the permission matrix"
        );
        app.stop().await;
    }
}

/// What the database holds of some programs, as text: compared before and after each
/// cross-program row.
async fn programs_state(
    app: &TestApp,
    operator: halles_core::OrgId,
    partner: halles_core::OrgId,
    programs: &[halles_core::ProgramId],
) -> String {
    let s = &app.store;
    let mut out = String::new();
    for &p in programs {
        let op = s.operated_program(&scope(operator), p).await.unwrap();
        out += &format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n",
            s.program_by_id(p).await.unwrap(),
            s.schedules(&op).await.unwrap(),
            s.envelopes(&op, None).await.unwrap(),
            s.program_members(p).await.unwrap(),
            s.product_groups(p).await.unwrap(),
            s.participant_types(p).await.unwrap(),
            s.market_groups(p).await.unwrap(),
        );
        out += &format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n",
            s.partner_markets(p).await.unwrap(),
            s.all_participants(&op).await.unwrap(),
            s.cards(&op, None, None).await.unwrap(),
            s.claims(&op, None).await.unwrap(),
            s.payment_batches(&op).await.unwrap(),
            s.ledger_check(p).await.unwrap(),
            s.program_managers(&op).await.unwrap(),
        );
    }
    for org in [operator, partner] {
        let n = s
            .audit_entries(
                &scope(org),
                &halles_store::platform::audit::Filter::default(),
                100_000,
            )
            .await
            .unwrap()
            .len();
        out += &format!("audit entries of {org}: {n}\n");
    }
    out
}

/// Issue 11, high 3: a manager invited to one program (and the operator's own staff, and its
/// partner) acting under that program's path with another program's ids. Program "1" (the
/// victim) is the world's; program "3" (the path) is a second program of the same operator.
#[tokio::test]
async fn a_program_limited_member_acting_across_programs_changes_nothing() {
    use halles_core::coupons::{Expiry, LoadMoment};
    use halles_store::coupons::{RedemptionInput, ScheduleInput};
    use support::matrix::{Cross, check_across_programs};
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let (o, partner, market) = (w.operator.id, w.partner.id, w.market.id);
        let (op, pa) = (scope(o), scope(partner));
        let s = &app.store;
        let one = s.operated_program(&op, w.program).await.unwrap();
        // Program 1: a second partner and a second market of its own, a schedule with both
        // partners' envelopes, claims from both markets (one approved and in a batch).
        let q = app.org(OrgKind::PartnerOrg, "Maison Q").await.id;
        let m2 = app.org(OrgKind::Market, "Marché 2").await.id;
        s.add_program_member(&one, q, ProgramRole::Partner)
            .await
            .unwrap();
        s.add_program_member(&one, m2, ProgramRole::Market)
            .await
            .unwrap();
        let types = s.participant_types(w.program).await.unwrap();
        let schedule = ScheduleInput {
            name: "Hiver".into(),
            starts_on: date(2026, 12, 1),
            ends_on: date(2027, 3, 31),
            moment: LoadMoment::FirstOfMonth,
            max_loads: 4,
            carry_over: true,
            usage_based: false,
            expiry: Expiry::Never,
            amounts: vec![(types[0].id, w.fruits, Cents(1000))],
        };
        let s1 = s.create_schedule(&one, &schedule).await.unwrap();
        let envelope = s
            .set_envelope(&one, s1, partner, Cents(100_000))
            .await
            .unwrap();
        s.set_envelope(&one, s1, q, Cents(50_000)).await.unwrap();
        let holder = w.card.participant.unwrap();
        for (m, amount) in [(market, 500), (m2, 300)] {
            s.redeem(
                &scope(m),
                &RedemptionInput {
                    card: halles_store::coupons::CardLookup::Number(w.card.number.clone()),
                    register: None,
                    lines: vec![(w.fruits, Cents(amount))],
                    pin: None,
                },
            )
            .await
            .unwrap();
        }
        app.clock.set("2026-12-02T14:00:00Z".parse().unwrap());
        let november = date(2026, 11, 1);
        let in_batch = s
            .file_claim(
                &s.program_access(&scope(market), w.program).await.unwrap(),
                november,
                "",
            )
            .await
            .unwrap()
            .id;
        let submitted = s
            .file_claim(
                &s.program_access(&scope(m2), w.program).await.unwrap(),
                november,
                "",
            )
            .await
            .unwrap()
            .id;
        s.decide_claim(&one, in_batch, true, "").await.unwrap();
        let batch = s.create_payment_batch(&one, &[in_batch]).await.unwrap().id;
        app.program_manager("coord-1@o.example", o, w.program).await;
        let manager_of_one = s.program_managers(&one).await.unwrap()[0].id;
        let market_group = s.market_groups(w.program).await.unwrap()[0].id;

        // Program 3, with the same partner and market, and one participant of its own.
        let three = s
            .create_program(
                &op,
                &ProgramInput {
                    name: "Programme 3".into(),
                    ..bonne_bouffe()
                },
            )
            .await
            .unwrap();
        let ps3 = s.operated_program(&op, three).await.unwrap();
        for (org, role) in [
            (partner, ProgramRole::Partner),
            (market, ProgramRole::Market),
        ] {
            s.add_program_member(&ps3, org, role).await.unwrap();
        }
        let types3 = s.participant_types(three).await.unwrap();
        let mine = s
            .create_participant(
                &s.program_access(&pa, three).await.unwrap(),
                &ParticipantInput {
                    participant_type: Some(types3[0].id),
                    name: "Quelqu'un".into(),
                    consent_on: Some(date(2026, 11, 1)),
                    consent_purpose: "programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap()
            .id;
        app.program_manager("coord-3@o.example", o, three).await;
        app.user("admin@o.example", Some((o, Role::Admin))).await;
        app.user("staff@p.example", Some((partner, Role::Staff)))
            .await;

        // Every program POST naming program 1's things, sent under program 3's path.
        let page = format!("/o/{o}/programmes/{three}");
        let (card, group, t) = (w.card.id, w.fruits, types[0].id);
        let f = |path: String, form: &[(&str, String)]| Cross::form(format!("{page}{path}"), form);
        let x = |v: &dyn ToString| v.to_string();
        let mut rows = vec![
            // The three attacks of the issue: the envelope raised, budget moved between
            // program 1's partners, program 1's participant enrolled.
            f(
                "/enveloppes".into(),
                &[
                    ("schedule", x(&s1)),
                    ("partner", x(&partner)),
                    ("budget", "999999,00".into()),
                ],
            ),
            f(
                "/enveloppes".into(),
                &[
                    ("schedule", x(&s1)),
                    ("from", x(&partner)),
                    ("partner", x(&q)),
                    ("budget", "100,00".into()),
                ],
            ),
            f(
                format!("/participants/{holder}/inscrire"),
                &[("schedule", x(&s1))],
            ),
            // Program 3's participant with program 1's schedule.
            f(
                format!("/participants/{mine}/inscrire"),
                &[("schedule", x(&s1))],
            ),
            f(
                format!("/participants/{mine}/maximum"),
                &[("schedule", x(&s1)), (&format!("max_{s1}"), "1".into())],
            ),
            f(
                format!("/participants/{mine}/rattraper"),
                &[("schedule", x(&s1)), ("due", "2026-12-01".into())],
            ),
            f(
                format!("/participants/{mine}/carte"),
                &[("card", w.card.number.as_str().to_owned())],
            )
            .refused(&[404, 403, 422]),
            f(
                format!("/versements/{s1}/archiver"),
                &[("archived", "1".into())],
            ),
            f(format!("/enveloppes/{envelope}/supprimer"), &[]),
            f(
                format!("/groupes/{group}/renommer"),
                &[(&format!("group_{group}_fr"), "Volé".into())],
            ),
            f(format!("/groupes/{group}/descendre"), &[]),
            f(format!("/groupes/{group}/supprimer"), &[]),
            f(
                format!("/types/{t}"),
                &[(&format!("type_{t}_fr"), "Volé".into())],
            ),
            f(format!("/types/{t}/supprimer"), &[]),
            f(format!("/membres/{q}/retirer"), &[]),
            f(format!("/partenaires/{q}/marches"), &[("market", x(&m2))]),
            f(
                "/groupes-marches".into(),
                &[("market_group", "Volé".into()), ("manager", x(&m2))],
            )
            .refused(&[404, 403, 422]),
            f(
                "/groupes-marches/marche".into(),
                &[("market", x(&m2)), ("group", x(&market_group))],
            ),
            f(format!("/gestionnaires/{manager_of_one}/retirer"), &[]),
            f(format!("/reclamations/{submitted}/approuver"), &[]),
            f(
                format!("/reclamations/{submitted}/refuser"),
                &[(&format!("reason_{submitted}"), "non".into())],
            ),
            f("/paiements".into(), &[("claim", x(&in_batch))]).refused(&[404, 403, 422]),
            f(
                format!("/paiements/{batch}/paye"),
                &[
                    ("paid_on", "2026-12-03".into()),
                    ("reference", "VOL".into()),
                ],
            ),
            f(
                "/participants".into(),
                &[
                    ("participant_type", x(&t)),
                    ("name", "Volé".into()),
                    ("consent_on", "2026-11-01".into()),
                    ("consent_purpose", "programme".into()),
                ],
            )
            .refused(&[404, 403, 422]),
        ];
        for action in [
            "modifier",
            "retirer",
            "desactiver",
            "liberer",
            "nip",
            "perdue",
            "ajuster",
            "revenir",
            "rattraper-tout",
        ] {
            rows.push(f(
                format!("/participants/{holder}/{action}"),
                &[
                    ("name", "Volé".into()),
                    ("participant_type", x(&t)),
                    ("pin", "1234".into()),
                    ("adjust_amount", "5,00".into()),
                    ("adjust_group", x(&group)),
                    ("adjust_reason", "vol".into()),
                ],
            ));
        }
        for action in ["desactiver", "activer", "retrouvee", "cadeau", "ajuster"] {
            rows.push(f(
                format!("/cartes/{card}/{action}"),
                &[
                    ("amount", "5,00".into()),
                    ("group", x(&group)),
                    ("reason", "vol".into()),
                ],
            ));
        }
        // The API, program 3 in the path, program 1's ids in the path or the body.
        let api = format!("/api/v1/organizations/{o}/programs/{three}");
        let participant = json!({
            "participant_type_id": t.0, "id1": "", "id2": "", "name": "Volé", "phone": "",
            "email": "", "postal_code": "", "notes": "", "receipts": false,
            "consent_on": "2026-11-01", "consent_purpose": "programme"
        });
        rows.extend([
            Cross::api(
                "POST",
                format!("{api}/claims/{submitted}/decision"),
                json!({"approve": true}),
            ),
            Cross::api(
                "POST",
                format!("{api}/payment-batches"),
                json!({"claim_ids": [in_batch.0]}),
            )
            .refused(&[404, 403, 409, 422]),
            Cross::api(
                "POST",
                format!("{api}/payment-batches/{batch}/payment"),
                json!({"paid_on": "2026-12-03", "reference": "VOL"}),
            ),
            Cross::api(
                "PUT",
                format!("{api}/partners/{q}/markets"),
                json!({"market_ids": [m2.0]}),
            ),
            Cross::api(
                "POST",
                format!("{api}/cards/{card}/adjustments"),
                json!({"product_group_id": group.0, "amount_cents": 500, "reason": "vol"}),
            ),
            Cross::api(
                "PUT",
                format!("{api}/participants/{holder}"),
                participant.clone(),
            ),
            Cross::api(
                "PUT",
                format!("{api}/participants/{holder}/allocation-schedules/{s1}"),
                json!({"max_loads": 1}),
            ),
            Cross::api(
                "PUT",
                format!("{api}/participants/{mine}/allocation-schedules/{s1}"),
                json!({"max_loads": 1}),
            ),
            Cross::api(
                "POST",
                format!("{api}/participants/{holder}/return"),
                json!({}),
            ),
            Cross::api(
                "POST",
                format!("{api}/participants/{holder}/allocation-schedules/{s1}/loads"),
                json!({"dates": ["2026-12-01"]}),
            ),
            Cross::api("POST", format!("{api}/participants"), participant)
                .refused(&[404, 403, 422]),
        ]);
        let programs = [w.program, three];
        let state = || programs_state(&app, o, partner, &programs);
        let op_token = app.token(o, &Scope::ALL).await;
        let partner_token = app.token(partner, &Scope::ALL).await;
        for (who, token) in [
            ("coord-3@o.example", None),
            ("admin@o.example", Some(op_token.as_str())),
            ("staff@p.example", Some(partner_token.as_str())),
        ] {
            let browser = app.logged_in(who).await;
            check_across_programs(&app, who, &browser, token, &rows, state).await;
        }
        // Under program 1's own path the first attack's form is legitimate for its operator:
        // the matrix refused it for the path, not the form.
        let res = app
            .logged_in("admin@o.example")
            .await
            .post_form(
                &format!("/o/{o}/programmes/{}/enveloppes", w.program),
                &[
                    ("schedule", s1.to_string().as_str()),
                    ("partner", partner.to_string().as_str()),
                    ("budget", "1500,00"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        let op = s.operated_program(&scope(o), w.program).await.unwrap();
        let budget = s.envelopes(&op, Some(partner)).await.unwrap()[0].budget;
        assert_eq!(budget, Cents(150_000));
        app.stop().await;
    }
}

/// A world whose program asks for a PIN; the holder's card's PIN is 2468.
async fn pin_world(app: &TestApp) -> CouponProgram {
    let setup = CouponSetup {
        program: ProgramInput {
            pin_required: true,
            ..bonne_bouffe()
        },
        ..CouponSetup::default()
    };
    let w = World::coupon_program_with(app, setup).await;
    let partner = w.access(app, w.partner.id).await;
    app.store
        .set_card_pin(&partner, w.card.id, "2468")
        .await
        .unwrap();
    w
}

/// A 1,00 $ sale at the register with the card's number and `pin`.
async fn pay_with_pin(cashier: &support::Browser, w: &CouponProgram, pin: &str) -> Page {
    let field = format!("amount_{}", w.fruits);
    let sale = w.sale_key(cashier, w.card.number.as_str()).await;
    let fields = [
        ("card", w.card.number.as_str()),
        ("sale", sale.as_str()),
        (field.as_str(), "1,00"),
        ("pin", pin),
    ];
    cashier
        .send(&format!("/o/{}/caisse/vente", w.market.id), &fields)
        .await
}

/// A 1,00 $ redemption through the market's API with `card` (a JSON object's fields).
async fn redeem_json(app: &TestApp, w: &CouponProgram, card: Value) -> support::requests::Reply {
    let mut body = card;
    body["lines"] = json!([{"product_group_id": w.fruits.0, "amount_cents": 100}]);
    w.market_api(app)
        .post_json(
            &format!("/organizations/{}/redemptions", w.market.id),
            &body,
        )
        .await
}

#[tokio::test]
async fn an_internal_card_id_or_another_programs_card_pays_nothing() {
    for app in TestApp::on_every_db().await {
        let w = pin_world(&app).await;
        let m = w.market.id;
        let cashier = app.logged_in(people::CASHIER).await;
        let field = format!("amount_{}", w.fruits);
        let id = w.card.id.to_string();
        // Pages: an internal id is no card, in the path or in the form.
        let by_path = format!("/o/{m}/caisse/cartes/{id}");
        let res = cashier
            .send(&by_path, &[(field.as_str(), "1,00"), ("pin", "2468")])
            .await;
        assert!(matches!(res.status, 404 | 405), "{res:?}");
        let pay = format!("/o/{m}/caisse/vente");
        for name in ["card_id", "card"] {
            let fields = [
                (name, id.as_str()),
                (field.as_str(), "1,00"),
                ("pin", "2468"),
            ];
            assert_eq!(cashier.send(&pay, &fields).await.status, 422, "{name}");
        }
        // The right number of a card of another program (this market is not in it): refused.
        let other = ProgramInput {
            name: "Autre".into(),
            ..bonne_bouffe()
        };
        let other = app
            .store
            .create_program(&scope(w.operator.id), &other)
            .await
            .unwrap();
        let other = app
            .store
            .program_access(&scope(w.operator.id), other)
            .await
            .unwrap();
        let (_, others) = app.store.create_card_batch(&other, 1).await.unwrap();
        let stranger = others[0].number.as_str();
        let page = cashier
            .send(&pay, &[("card", stranger), (field.as_str(), "1,00")])
            .await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["card_unknown"]);
        // The API: `card_id` is refused, another program's card is not found.
        let res = redeem_json(&app, &w, json!({"card_id": w.card.id.0, "pin": "2468"})).await;
        assert_eq!((res.status, res.code()), (422, "card_proof_required"));
        let res = redeem_json(&app, &w, json!({"card": stranger, "pin": "2468"})).await;
        assert_eq!(res.status, 404);
        assert_eq!(w.balance(&app).await, 2000, "nothing spent");
        app.stop().await;
    }
}

#[tokio::test]
async fn five_wrong_pins_at_the_register_lock_the_card_until_the_partner_unlocks_it() {
    for app in TestApp::on_every_db().await {
        let w = pin_world(&app).await;
        let cashier = app.logged_in(people::CASHIER).await;
        for _ in 0..4 {
            let page = pay_with_pin(&cashier, &w, "1111").await;
            assert_eq!(page.status, 422);
            assert_eq!(page.errors(), ["pin_wrong"], "{page:?}");
        }
        // The fifth locks the card, and then the right one is refused too, plainly.
        for pin in ["1111", "2468"] {
            let page = pay_with_pin(&cashier, &w, pin).await;
            assert_eq!(page.status, 422);
            assert_eq!(page.errors(), ["pin_locked"], "{page:?}");
        }
        assert_eq!(w.balance(&app).await, 2000);
        let partner = app.logged_in(people::PARTNER_STAFF).await;
        let person = w.card.participant.expect("the card's holder");
        let page = format!(
            "/o/{}/programmes/{}/participants/{person}",
            w.partner.id, w.program
        );
        assert!(partner.page(&page).await.has("debloquer-nip"));
        let unlock = format!("{page}/debloquer-nip");
        assert_eq!(partner.send(&unlock, &[]).await.status, 303);
        assert!(!partner.page(&page).await.has("debloquer-nip"));
        assert_eq!(pay_with_pin(&cashier, &w, "2468").await.status, 303);
        assert_eq!(w.balance(&app).await, 1900);
        app.stop().await;
    }
}

#[tokio::test]
async fn five_wrong_pins_at_the_kiosk_lock_the_card_too() {
    for app in TestApp::on_every_db().await {
        let w = pin_world(&app).await;
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let link = open_kiosk(&admin, &w).await;
        let kiosk = app.client();
        let qr = format!("https://halles.example/c/{}", w.card.token);
        let field = format!("amount_{}", w.fruits);
        let kiosk_try = |pin: &'static str| {
            let (kiosk, link, qr, field) = (&kiosk, &link, &qr, &field);
            async move {
                let page = kiosk
                    .send(&format!("{link}/carte"), &[("card", qr.as_str())])
                    .await;
                let (sale, token) = (page.value_of("sale"), page.value_of("card"));
                let fields = [
                    ("card", token.as_str()),
                    ("sale", sale.as_str()),
                    (field.as_str(), "1,00"),
                    ("pin", pin),
                ];
                kiosk.send(&format!("{link}/payer"), &fields).await
            }
        };
        for _ in 0..4 {
            assert_eq!(kiosk_try("1111").await.errors(), ["pin_wrong"]);
        }
        for pin in ["1111", "2468"] {
            let page = kiosk_try(pin).await;
            assert_eq!(page.status, 422);
            assert_eq!(page.errors(), ["pin_locked"], "{page:?}");
        }
        assert_eq!(w.balance(&app).await, 2000);
        app.stop().await;
    }
}

#[tokio::test]
async fn through_the_api_wrong_pins_lock_a_card_that_the_partner_or_operator_unlocks() {
    for app in TestApp::on_every_db().await {
        let w = pin_world(&app).await;
        let unlock = |org: halles_core::OrgId| {
            format!(
                "/organizations/{org}/programs/{}/cards/{}/pin-unlock",
                w.program, w.card.id
            )
        };
        let partner = app.api(&app.token(w.partner.id, &[Scope::CouponsWrite]).await);
        assert_eq!(
            partner
                .post_json(&unlock(w.partner.id), &Value::Null)
                .await
                .status,
            204
        );
        let market = w.market_api(&app);
        let res = market.post_json(&unlock(w.market.id), &Value::Null).await;
        assert_eq!(res.status, 403, "a market cannot unlock a PIN");
        let number = w.card.number.as_str();
        let tries = [
            ("1111", "pin_wrong"),
            ("1111", "pin_wrong"),
            ("1111", "pin_wrong"),
            ("1111", "pin_wrong"),
            ("1111", "pin_locked"),
            ("2468", "pin_locked"),
            ("1111", "pin_locked"),
        ];
        for (pin, expected) in tries {
            let res = redeem_json(&app, &w, json!({"card": number, "pin": pin})).await;
            assert_eq!((res.status, res.code()), (409, expected));
        }
        let op = app.api(&app.token(w.operator.id, &[Scope::CouponsWrite]).await);
        assert_eq!(
            op.post_json(&unlock(w.operator.id), &Value::Null)
                .await
                .status,
            204
        );
        let res = redeem_json(&app, &w, json!({"card": number, "pin": "2468"})).await;
        assert_eq!(res.status, 201);
        assert_eq!(w.balance(&app).await, 1900);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_right_pin_on_the_last_try_allowed_pays_and_starts_the_count_again() {
    for app in TestApp::on_every_db().await {
        let w = pin_world(&app).await;
        let number = w.card.number.as_str();
        for _ in 0..4 {
            let res = redeem_json(&app, &w, json!({"card": number, "pin": "1111"})).await;
            assert_eq!((res.status, res.code()), (409, "pin_wrong"));
        }
        // The fifth try is right: it pays, and the card is not left locked (it was).
        for _ in 0..2 {
            let res = redeem_json(&app, &w, json!({"card": number, "pin": "2468"})).await;
            assert_eq!(res.status, 201, "{}", res.body);
        }
        // The count started again: four wrong tries are allowed once more.
        for _ in 0..4 {
            let res = redeem_json(&app, &w, json!({"card": number, "pin": "1111"})).await;
            assert_eq!((res.status, res.code()), (409, "pin_wrong"));
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn only_the_market_that_made_a_sale_refunds_it() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let sale = w.redeem(&app, "k1", w.card.number.as_str(), 200).await.id();
        // Not the operator's staff, on the page or through the API.
        let op = app.logged_in(people::OPERATOR).await;
        let receipt = format!("/o/{}/caisse/recus/{sale}", w.operator.id);
        assert!(
            !op.page(&receipt).await.has("/rembourser"),
            "no refund form for the operator"
        );
        let field = format!("refund_{}", w.fruits);
        let refund = format!("{receipt}/rembourser");
        let page = op.send(&refund, &[(field.as_str(), "1,00")]).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.errors(), ["refund_selling_market_only"]);
        let op_api = app.api(&app.token(w.operator.id, &[Scope::RedemptionsWrite]).await);
        let body = json!({"lines": [{"product_group_id": w.fruits.0, "amount_cents": 100}], "reason": "x"});
        let path = format!(
            "/organizations/{}/redemptions/{sale}/refunds",
            w.operator.id
        );
        let res = op_api.post_json(&path, &body).await;
        assert_eq!(
            (res.status, res.code()),
            (409, "refund_selling_market_only")
        );
        assert_eq!(w.balance(&app).await, 1800);
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let refund = format!("/o/{}/caisse/recus/{sale}/rembourser", w.market.id);
        assert_eq!(
            admin
                .send(&refund, &[(field.as_str(), "1,00")])
                .await
                .status,
            303
        );
        assert_eq!(w.balance(&app).await, 1900);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_markets_audit_log_names_who_made_each_sale_and_refund() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let sale = w
            .redeem(&app, "audit", w.card.number.as_str(), 200)
            .await
            .id();
        w.a_month_of_sales(&app).await;
        let m = w.market.id;
        let admin = app.logged_in(people::MARKET_ADMIN).await;
        let page = admin.page(&format!("/o/{m}/audit?entity=redemption")).await;
        assert!(page.has(&format!("/caisse/recus/{sale}")), "{page:?}");
        let filter = halles_store::platform::audit::Filter::default();
        let audit = app
            .store
            .audit_entries(&scope(m), &filter, 100)
            .await
            .unwrap();
        let by = |entity: &str, user: bool| {
            audit.iter().any(|e| {
                e.entity == entity
                    && (if user {
                        e.actor_user.is_some()
                    } else {
                        e.actor_token.is_some()
                    })
            })
        };
        assert!(by("redemption", true), "the cashier's sale: {audit:?}");
        assert!(by("redemption", false), "the token's sale: {audit:?}");
        assert!(by("refund", true), "the administrator's refund: {audit:?}");
        app.stop().await;
    }
}
