//! Food coupons through the real pages and API, on SQLite and (when configured) PostgreSQL: a
//! cashier redeems in three steps, mistakes come back with the message and what was typed, the
//! API redeems once per idempotency key, and every coupon route's permissions.

mod support;

use halles_core::coupons::{CardStatus, ProgramRole, ReportPeriod};
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::refusals::Refusal;
use halles_store::coupons::{ParticipantInput, ProgramInput};
use halles_store::{Actor, TenantScope};
use jiff::civil::date;
use serde_json::{Value, json};
use support::matrix::{Allowed, Fixture, Row, api_rows, check, page_routes_without_rows};
use support::{TestApp, location};

fn scope(org: halles_core::OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

/// The program most tests run: two seasons long, reconciled by month, nothing optional.
fn bonne_bouffe() -> ProgramInput {
    ProgramInput {
        name: "Bonne Bouffe".into(),
        public_name: String::new(),
        starts_on: date(2026, 1, 1),
        ends_on: date(2027, 12, 31),
        report_period: ReportPeriod::Month,
        anonymous: false,
        pin_required: false,
        off_platform: false,
    }
}

/// A program run by an operator, with a partner and a market, one participant whose card holds
/// 20 $ of fruits, and a register at the market; a cashier and an administrator at the market.
struct World {
    operator: halles_store::platform::organizations::Organization,
    partner: halles_store::platform::organizations::Organization,
    market: halles_store::platform::organizations::Organization,
    program: halles_core::ProgramId,
    batch: halles_core::CardBatchId,
    cards: usize,
    fruits: halles_core::ProductGroupId,
    card: halles_store::coupons::Card,
    register: halles_core::RegisterId,
}

async fn world(app: &TestApp, market: &str, program: ProgramInput, holder: &str) -> World {
    let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
    let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
    let market = app.org(OrgKind::Market, market).await;
    app.user("caisse@m.example", Some((market.id, Role::Cashier)))
        .await;
    app.user("gestion@m.example", Some((market.id, Role::Admin)))
        .await;
    let op = scope(operator.id);
    let program = app.store.create_program(&op, &program).await.unwrap();
    for (org, role) in [
        (partner.id, ProgramRole::Partner),
        (market.id, ProgramRole::Market),
    ] {
        app.store
            .add_program_member(
                &app.store.program_access(&op, program).await.unwrap(),
                org,
                role,
            )
            .await
            .unwrap();
    }
    let fruits = app.store.product_groups(program).await.unwrap()[0].id;
    let types = app.store.participant_types(program).await.unwrap();
    let (batch, cards) = app
        .store
        .create_card_batch(&app.store.program_access(&op, program).await.unwrap(), 3)
        .await
        .unwrap();
    let ps = scope(partner.id);
    let person = app
        .store
        .create_participant(
            &app.store.program_access(&ps, program).await.unwrap(),
            &ParticipantInput {
                participant_type: Some(types[0].id),
                name: holder.into(),
                consent_on: Some(date(2026, 11, 1)),
                consent_purpose: "programme".into(),
                ..ParticipantInput::default()
            },
        )
        .await
        .unwrap();
    let card = app
        .store
        .assign_card(
            &app.store.program_access(&ps, program).await.unwrap(),
            person.id,
            None,
        )
        .await
        .unwrap();
    app.store
        .adjust_funds(
            &app.store
                .program_access(&op, app.store.card(&op, card.id).await.unwrap().program)
                .await
                .unwrap(),
            card.id,
            fruits,
            Cents(2000),
            "chargement",
        )
        .await
        .unwrap();
    let register = app
        .store
        .create_register(&scope(market.id), "Comptoir 1")
        .await
        .unwrap();
    World {
        operator,
        partner,
        market,
        program,
        batch,
        cards: cards.len(),
        fruits,
        card,
        register,
    }
}

#[tokio::test]
async fn a_cashier_redeems_in_three_steps_and_the_api_never_spends_twice() {
    for app in TestApp::on_every_db().await {
        let w = world(&app, "Marché", bonne_bouffe(), "Personne Secrète").await;
        app.user("prog@o.example", Some((w.operator.id, Role::Admin)))
            .await;
        let (operator, market, program, batch, fruits, card) =
            (w.operator, w.market, w.program, w.batch, w.fruits, w.card);
        let ps = scope(w.partner.id);
        let cards = w.cards;

        // Step 1: the register page; a typo in the number comes back with the message and
        // what was typed.
        let cashier = app.logged_in("caisse@m.example").await;
        let m = market.id;
        let res = cashier.get(&format!("/o/{m}/caisse")).await;
        assert_eq!(res.status(), 200);
        let mut typo = card.number.as_str().to_owned();
        let last = typo.pop().unwrap();
        typo.push(if last == '0' { '1' } else { '0' });
        let step2 = format!("/o/{m}/caisse/carte");
        let res = cashier.post_form(&step2, &[("card", typo.as_str())]).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("faute de frappe") && html.contains(&typo),
            "{html}"
        );
        // Step 2: the balance per group; the card's number travels in the body, never the URL.
        let number = card.number.grouped();
        let res = cashier
            .post_form(&step2, &[("card", number.as_str())])
            .await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("20,00"), "{html}");
        assert!(
            html.contains(&format!("name=\"card\" value=\"{}\"", card.number.as_str())),
            "the sale's form carries the number: {html}"
        );
        assert!(
            !html.contains("Personne Secrète"),
            "a market never sees identities"
        );
        // Beyond the balance: refused, nothing spent, the amount typed is kept.
        let field = format!("amount_{fruits}");
        let pay = format!("/o/{m}/caisse/vente");
        let proof = card.number.as_str();
        let res = cashier
            .post_form(&pay, &[("card", proof), (field.as_str(), "25,00")])
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Le solde ne suffit pas") && html.contains("25,00"),
            "{html}"
        );
        // Step 3: confirmed, the receipt.
        let res = cashier
            .post_form(&pay, &[("card", proof), (field.as_str(), "5,50")])
            .await;
        assert_eq!(res.status(), 303);
        let receipt = location(&res);
        let html = cashier.get(&receipt).await.text().await.unwrap();
        assert!(html.contains("5,50") && html.contains("14,50"), "{html}");
        // A cashier cannot refund; the market's administrator can, once.
        let refund = format!("{receipt}/rembourser");
        let refund_field = format!("refund_{fruits}");
        assert_eq!(
            cashier
                .post_form(&refund, &[(refund_field.as_str(), "1,50")])
                .await
                .status(),
            403
        );
        let admin = app.logged_in("gestion@m.example").await;
        assert_eq!(
            admin
                .post_form(&refund, &[(refund_field.as_str(), "1,50")])
                .await
                .status(),
            303
        );
        let res = admin
            .post_form(&refund, &[(refund_field.as_str(), "5,00")])
            .await;
        assert_eq!(res.status(), 422);

        // The API: one redemption per idempotency key, refusals with stable codes.
        let token = app
            .token(m, &[Scope::RedemptionsWrite, Scope::CouponsRead])
            .await;
        let http = reqwest::Client::new();
        let redeem = |key: &'static str, cents: i64, card: String| {
            http.post(app.at(&format!("/api/v1/organizations/{m}/redemptions")))
                .bearer_auth(&token)
                .header("Idempotency-Key", key)
                .json(&json!({"card": card, "lines": [{"product_group_id": fruits.0, "amount_cents": cents}]}))
                .send()
        };
        let first: Value = redeem("k1", 300, card.number.as_str().to_owned())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let again = redeem("k1", 300, card.number.as_str().to_owned())
            .await
            .unwrap();
        assert_eq!(again.status(), 201);
        let again: Value = again.json().await.unwrap();
        assert_eq!(first["id"], again["id"]);
        // The same key for another request is refused; the first stays the only one.
        let other = redeem("k1", 400, card.number.as_str().to_owned())
            .await
            .unwrap();
        assert_eq!(other.status(), 422);
        let p: Value = other.json().await.unwrap();
        assert_eq!(p["code"], "idempotency_key_reused");
        let balance = app.store.card_balances(card.id).await.unwrap();
        assert_eq!(balance[0].balance, Cents(2000 - 550 + 150 - 300));
        let res = redeem("k2", 99_999, card.number.as_str().to_owned())
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["errors"][0]["code"], "insufficient_funds");
        // The QR value works as well as the number; a lost card is refused with its code.
        let qr = format!("https://halles.example/c/{}", card.token);
        assert_eq!(redeem("k3", 100, qr).await.unwrap().status(), 201);
        let new_card = app
            .store
            .replace_lost_card(
                &app.store
                    .program_access(&ps, app.store.card(&ps, card.id).await.unwrap().program)
                    .await
                    .unwrap(),
                card.id,
                None,
            )
            .await
            .unwrap();
        assert_eq!(new_card.status, CardStatus::Assigned);
        let res = redeem("k4", 100, card.number.as_str().to_owned())
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["code"], "card_lost");
        assert_eq!(
            app.store.card_balances(new_card.id).await.unwrap()[0].balance,
            Cents(2000 - 550 + 150 - 300 - 100)
        );
        // A repeat of a key still answers its first response, even though the card it paid
        // with is now lost and could not pay again.
        let qr = format!("https://halles.example/c/{}", card.token);
        let replay = redeem("k3", 100, qr).await.unwrap();
        assert_eq!(replay.status(), 201);
        // One event per sale made (the register's, k1's and k3's): no replay nor refusal records
        // one, so none sends a second receipt; one for the refund.
        let events = |kind| {
            let store = app.store.clone();
            async move { store.events(Some(kind), 100).await.unwrap().len() }
        };
        assert_eq!(events("sale_made").await, 3);
        assert_eq!(events("refund_made").await, 1);
        // The market reads its sales in the transaction log, a page at a time and without
        // any holder; a wrong kind is a validation problem.
        let log = app.at(&format!(
            "/api/v1/organizations/{m}/programs/{program}/transactions"
        ));
        let page = http
            .get(format!("{log}?kind=spend&limit=2"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let next = page
            .headers()
            .get("link")
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned)
            .expect("a next page");
        let rows: Value = page.json().await.unwrap();
        assert_eq!(rows.as_array().unwrap().len(), 2);
        assert!(rows.as_array().unwrap().iter().all(|r| {
            r["kind"] == "spend"
                && r["participant_code"].is_null()
                && r["amount_cents"].as_i64() < Some(0)
        }));
        let url = next
            .trim_start_matches('<')
            .split('>')
            .next()
            .unwrap()
            .to_owned();
        let more: Value = http
            .get(url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let first_ids: Vec<i64> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert!(
            more.as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"].as_i64().unwrap() < first_ids[1])
        );
        let bad = http
            .get(format!("{log}?kind=gift"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 422);

        // The holder's balance page: balances, no identity.
        let html = app
            .client()
            .get(&format!("/c/{}", new_card.token))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("12,00") && !html.contains("Personne Secrète"),
            "{html}"
        );
        assert_eq!(app.client().get("/c/nope").await.status(), 404);

        // The operator prints the batch and downloads the report.
        let prog = app.logged_in("prog@o.example").await;
        let o = operator.id;
        let res = prog
            .get(&format!("/o/{o}/programmes/{program}/lots/{batch}/pdf"))
            .await;
        assert_eq!(res.status(), 200);
        let plain = res.bytes().await.unwrap();
        assert!(plain.starts_with(b"%PDF-"));
        // Card artwork: a picture sent from the program page is printed on every card; a file
        // that is not a picture is refused and changes nothing.
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(400, 120, |x, _| {
            image::Rgb([40, (x % 200) as u8, 90])
        }))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
        let send_artwork = |bytes: Vec<u8>| {
            let prog = &prog;
            async move {
                let form = reqwest::multipart::Form::new()
                    .text("csrf", prog.csrf().await)
                    .part(
                        "artwork",
                        reqwest::multipart::Part::bytes(bytes).file_name("logo.png"),
                    );
                prog.http
                    .post(format!(
                        "{}/o/{o}/programmes/{program}/illustration",
                        prog.base
                    ))
                    .multipart(form)
                    .send()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(send_artwork(b"pas une image".to_vec()).await.status(), 303);
        assert!(app.store.card_artwork(program).await.unwrap().is_none());
        assert_eq!(send_artwork(png).await.status(), 303);
        assert!(app.store.card_artwork(program).await.unwrap().is_some());
        let with_art = prog
            .get(&format!("/o/{o}/programmes/{program}/lots/{batch}/pdf"))
            .await
            .bytes()
            .await
            .unwrap();
        assert!(with_art.starts_with(b"%PDF-") && with_art.len() > plain.len());
        // Read back with poppler: no picture before, one per card after.
        if let Some(images) = pdf_images(&plain, "plain") {
            assert_eq!(images, 0);
            assert_eq!(pdf_images(&with_art, "art"), Some(cards));
        }
        let csv = prog
            .get(&format!(
                "/o/{o}/programmes/{program}/rapports?by=market&format=csv"
            ))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            csv.contains("Marché,0.00,0.00,9.50,1.50,0.00,-8.00,8.00"),
            "{csv}"
        );
        // The same market's sales by the program's reconciliation period (months here).
        let csv = prog
            .get(&format!(
                "/o/{o}/programmes/{program}/rapports?by=period&market={}&format=csv",
                market.id
            ))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            csv.starts_with("\u{feff}Période de rapprochement,")
                || csv.starts_with("Période de rapprochement,"),
            "{csv}"
        );
        assert!(
            csv.contains(",0.00,0.00,9.50,1.50,0.00,-8.00,8.00"),
            "{csv}"
        );
        let html = prog
            .get(&format!("/o/{o}/programmes/{program}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("Bonne Bouffe"), "{html}");
        // The operator renames a group: an empty name comes back with the English one typed;
        // a group with money on cards cannot be deleted.
        let rename = format!("/o/{o}/programmes/{program}/groupes/{fruits}/renommer");
        let (fr, en) = (format!("group_{fruits}_fr"), format!("group_{fruits}_en"));
        let res = prog
            .post_form(
                &rename,
                &[(fr.as_str(), ""), (en.as_str(), "Fresh produce")],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("Fresh produce"));
        let res = prog
            .post_form(
                &rename,
                &[
                    (fr.as_str(), "Fruits frais"),
                    (en.as_str(), "Fresh produce"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        let res = prog
            .post_form(
                &format!("/o/{o}/programmes/{program}/groupes/{fruits}/supprimer"),
                &[],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("ne peut pas être supprimé") && html.contains("Fruits frais"),
            "{html}"
        );
        // A new participant type: without a name it comes back with the key typed.
        let types = format!("/o/{o}/programmes/{program}/types");
        let res = prog
            .post_form(&types, &[("type_fr", ""), ("type_key", "cinq-plus")])
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("cinq-plus"));
        let res = prog
            .post_form(
                &types,
                &[("type_fr", "Cinq et plus"), ("type_key", "cinq-plus")],
            )
            .await;
        assert_eq!(res.status(), 303);
        // Settings: without a name the form comes back with what was typed; then saved, and
        // the balance page shows the public address.
        let settings = format!("/o/{o}/programmes/{program}/reglages");
        let mut fields = vec![
            ("set_name", ""),
            ("set_public_name", "Bons santé"),
            ("set_public_address", "1234, rue Ontario Est, Montréal"),
            ("set_starts_on", "2026-01-01"),
            ("set_ends_on", "2027-12-31"),
            ("set_report_period", "week"),
        ];
        let res = prog.post_form(&settings, &fields).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("1234, rue Ontario Est"));
        fields[0] = ("set_name", "Bonne Bouffe 2027");
        fields[4] = ("set_ends_on", "2025-01-01");
        let res = prog.post_form(&settings, &fields).await;
        assert_eq!(res.status(), 422, "an end before the start");
        fields[4] = ("set_ends_on", "2027-12-31");
        assert_eq!(prog.post_form(&settings, &fields).await.status(), 303);
        let saved = app.store.program_by_id(program).await.unwrap();
        assert_eq!(
            (
                saved.name.as_str(),
                saved.report_period,
                saved.pin_required,
                saved.partners_assign_cards
            ),
            ("Bonne Bouffe 2027", ReportPeriod::Week, false, false)
        );
        let html = app
            .client()
            .get(&format!("/c/{}", card.token))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Bons santé") && html.contains("1234, rue Ontario Est"),
            "{html}"
        );
        // The partner's participants may spend at this market only; a market that is not the
        // program's cannot be linked.
        let links = format!(
            "/o/{o}/programmes/{program}/partenaires/{}/marches",
            w.partner.id
        );
        let market_id = market.id.to_string();
        assert_eq!(
            prog.post_form(&links, &[("market", market_id.as_str())])
                .await
                .status(),
            303
        );
        assert_eq!(
            app.store.partner_markets(program).await.unwrap(),
            vec![(w.partner.id, market.id)]
        );
        assert_eq!(
            prog.post_form(&links, &[("market", o.to_string().as_str())])
                .await
                .status(),
            404
        );
        // Sent to another market only, the holder's card is refused at this register before
        // any amount is typed; with no market ticked, it is taken again.
        let north = app.org(OrgKind::Market, "Marché du Nord").await;
        app.store
            .add_program_member(
                &app.store.program_access(&scope(o), program).await.unwrap(),
                north.id,
                ProgramRole::Market,
            )
            .await
            .unwrap();
        let north_id = north.id.to_string();
        assert_eq!(
            prog.post_form(&links, &[("market", north_id.as_str())])
                .await
                .status(),
            303
        );
        let step2 = format!("/o/{m}/caisse/carte");
        let new_number = new_card.number.as_str();
        let res = cashier.post_form(&step2, &[("card", new_number)]).await;
        assert_eq!(res.status(), 422);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("ne peut pas servir à ce marché")
        );
        assert_eq!(prog.post_form(&links, &[]).await.status(), 303);
        assert_eq!(
            cashier
                .post_form(&step2, &[("card", new_number)])
                .await
                .status(),
            200
        );
        // The partner still has a participant: it cannot leave the program.
        let res = prog
            .post_form(
                &format!(
                    "/o/{o}/programmes/{program}/membres/{}/retirer",
                    w.partner.id
                ),
                &[],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("encore des participant"));
        // A type in use cannot be deleted; the one just added can.
        let ts = app.store.participant_types(program).await.unwrap();
        let res = prog
            .post_form(&format!("{types}/{}/supprimer", ts[0].id), &[])
            .await;
        assert_eq!(res.status(), 422);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("ne peut pas être supprimé")
        );
        let added = ts.last().unwrap().id;
        let res = prog
            .post_form(&format!("{types}/{added}/supprimer"), &[])
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(cards, 3);
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
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", b.csrf().await)
        .text("consent_purpose", purpose.to_owned())
        .text("action", action.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("liste.csv"),
        );
    b.http
        .post(format!("{}{path}", b.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
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

/// The value of `name="{name}"` in a page.
fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).expect("the field") + marker.len();
    html[at..].split('"').next().unwrap_or_default().to_owned()
}

/// The kiosk link shown once on the registers page.
fn kiosk_link(html: &str) -> String {
    let at = html.find("/borne/hal_").expect("a kiosk link");
    html[at..].split('"').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_card_holder_pays_at_a_self_service_kiosk_opened_by_a_link_the_market_controls() {
    for app in TestApp::on_every_db().await {
        let w = world(
            &app,
            "Marché Jarry",
            ProgramInput {
                public_name: "Bons santé".into(),
                anonymous: true,
                ..bonne_bouffe()
            },
            "",
        )
        .await;
        let (program, fruits, card, register) = (w.program, w.fruits, w.card, w.register);
        let m = w.market.id;

        // The market's administrator turns the kiosk on: its link is shown once.
        let admin = app.logged_in("gestion@m.example").await;
        let html = admin
            .get(&format!("/o/{m}/caisses"))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("Borne libre-service : inactive"), "{html}");
        let switch = format!("/o/{m}/caisses/{register}/borne");
        let cashier = app.logged_in("caisse@m.example").await;
        assert_eq!(
            cashier
                .post_form(&switch, &[("action", "open")])
                .await
                .status(),
            403,
            "a cashier cannot open a kiosk"
        );
        let res = admin.post_form(&switch, &[("action", "open")]).await;
        assert_eq!(res.status(), 200);
        let link = kiosk_link(&res.text().await.unwrap());
        let html = admin
            .get(&format!("/o/{m}/caisses"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Borne libre-service : active") && !html.contains("/borne/hal_"),
            "the link is shown only once: {html}"
        );

        // Anyone at the kiosk: scan, amounts, paid. A made-up link opens nothing.
        let kiosk = app.client();
        assert_eq!(kiosk.get("/borne/hal_nope").await.status(), 404);
        assert_eq!(
            kiosk
                .post_form("/borne/hal_nope/payer", &[("card", card.token.as_str())])
                .await
                .status(),
            404
        );
        let res = kiosk.get(&link).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        assert!(res.text().await.unwrap().contains("Comptoir 1"));
        // A typed number is not proof of holding the card.
        let res = kiosk
            .post_form(&format!("{link}/carte"), &[("card", card.number.as_str())])
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("numéro tapé"));
        let qr = format!("https://halles.example/c/{}", card.token);
        let res = kiosk
            .post_form(&format!("{link}/carte"), &[("card", qr.as_str())])
            .await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("20,00") && html.contains("Bons santé"),
            "{html}"
        );
        let sale = field_value(&html, "sale");
        let token = field_value(&html, "card");
        assert_eq!(token, card.token);
        let field = format!("amount_{fruits}");
        let pay = format!("{link}/payer");
        let res = kiosk
            .post_form(
                &pay,
                &[("card", &token), ("sale", &sale), (field.as_str(), "25,00")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Le solde ne suffit pas") && html.contains("25,00"),
            "{html}"
        );
        let paid = [
            ("card", token.as_str()),
            ("sale", sale.as_str()),
            (field.as_str(), "5,50"),
        ];
        let res = kiosk.post_form(&pay, &paid).await;
        assert_eq!(res.status(), 200);
        let first = res.text().await.unwrap();
        assert!(
            first.contains("Paiement fait") && first.contains("14,50"),
            "{first}"
        );
        // The same page sent twice spends once and shows the same receipt.
        let again = kiosk.post_form(&pay, &paid).await.text().await.unwrap();
        let number = |h: &str| {
            h.split("Reçu no ").nth(1).map(|r| {
                r.chars()
                    .skip_while(|c| !c.is_ascii_digit())
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
        };
        assert_eq!(number(&first), number(&again), "{again}");
        assert_eq!(
            app.store.card_balances(card.id).await.unwrap()[0].balance,
            Cents(1450)
        );
        let res = kiosk
            .post_form(
                &pay,
                &[("card", &token), ("sale", &sale), (field.as_str(), "1,00")],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("déjà été traité"));

        // The kiosk's token opens no API route, not even `me`.
        let secret = link.trim_start_matches("/borne/");
        let res = reqwest::Client::new()
            .post(app.at(&format!("/api/v1/organizations/{m}/redemptions")))
            .bearer_auth(secret)
            .json(&json!({"card": card.number.as_str(), "lines": [{"product_group_id": fruits.0, "amount_cents": 100}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        for path in [
            "/api/v1/me".to_owned(),
            format!("/api/v1/organizations/{m}"),
        ] {
            let res = reqwest::Client::new()
                .get(app.at(&path))
                .bearer_auth(secret)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401, "{path}");
        }

        // Renewing the link stops the old one; turning the kiosk off stops the new one.
        let res = admin.post_form(&switch, &[("action", "open")]).await;
        let renewed = kiosk_link(&res.text().await.unwrap());
        assert_ne!(renewed, link);
        assert_eq!(kiosk.get(&link).await.status(), 404);
        assert_eq!(kiosk.get(&renewed).await.status(), 200);
        assert_eq!(
            admin
                .post_form(&switch, &[("action", "close")])
                .await
                .status(),
            303
        );
        assert_eq!(kiosk.get(&renewed).await.status(), 404);
        // Retired, the register leaves the list and its sales are refused; a cashier cannot.
        let retire = format!("/o/{m}/caisses/{register}/retirer");
        assert_eq!(cashier.post_form(&retire, &[]).await.status(), 403);
        let res = admin.post_form(&switch, &[("action", "open")]).await;
        let last_link = kiosk_link(&res.text().await.unwrap());
        assert_eq!(admin.post_form(&retire, &[]).await.status(), 303);
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
                    card: halles_store::coupons::CardLookup::Number(card.number.clone()),
                    register: Some(register),
                    lines: vec![(fruits, Cents(100))],
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
        assert_eq!(admin.post_form(&retire, &[]).await.status(), 404);
        let (ledger, cached, lots) = app.store.ledger_check(program).await.unwrap();
        assert_eq!((ledger, cached), (lots, lots));
        app.stop().await;
    }
}

#[tokio::test]
async fn holders_who_gave_an_e_mail_get_receipts_notices_and_monthly_statements() {
    use halles_core::coupons::{Expiry, LoadMoment};
    use halles_store::coupons::{RedemptionInput, ScheduleInput};
    for app in TestApp::on_every_db().await {
        let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        let market = app.org(OrgKind::Market, "Marché").await;
        let op = scope(operator.id);
        let program = app
            .store
            .create_program(&op, &bonne_bouffe())
            .await
            .unwrap();
        app.store
            .add_program_member(
                &app.store.program_access(&op, program).await.unwrap(),
                partner.id,
                ProgramRole::Partner,
            )
            .await
            .unwrap();
        app.store
            .add_program_member(
                &app.store.program_access(&op, program).await.unwrap(),
                market.id,
                ProgramRole::Market,
            )
            .await
            .unwrap();
        let types = app.store.participant_types(program).await.unwrap();
        let fruits = app.store.product_groups(program).await.unwrap()[0].id;
        // Weekly loads on Mondays, usable for 7 days; today is Saturday, November 28th.
        let s = app
            .store
            .create_schedule(
                &app.store.program_access(&op, program).await.unwrap(),
                &ScheduleInput {
                    name: "Hebdo".into(),
                    starts_on: date(2026, 11, 23),
                    ends_on: date(2026, 12, 31),
                    moment: LoadMoment::Weekly,
                    max_loads: 6,
                    carry_over: true,
                    usage_based: false,
                    expiry: Expiry::AfterDays { days: 7 },
                    amounts: vec![(types[0].id, fruits, Cents(1000))],
                },
            )
            .await
            .unwrap();
        app.store
            .set_envelope(
                &app.store
                    .program_access(&op, app.store.schedule(s).await.unwrap().program)
                    .await
                    .unwrap(),
                s,
                partner.id,
                Cents(100_000),
            )
            .await
            .unwrap();
        app.store
            .create_card_batch(&app.store.program_access(&op, program).await.unwrap(), 2)
            .await
            .unwrap();
        let ps = scope(partner.id);
        let person = app
            .store
            .create_participant(
                &app.store.program_access(&ps, program).await.unwrap(),
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    email: "elise@example.org".into(),
                    receipts: true,
                    consent_on: Some(date(2026, 11, 1)),
                    consent_purpose: "programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap();
        let card = app
            .store
            .assign_card(
                &app.store.program_access(&ps, program).await.unwrap(),
                person.id,
                None,
            )
            .await
            .unwrap();
        app.store
            .enrol_in_schedule(
                &app.store
                    .program_access(&ps, app.store.schedule(s).await.unwrap().program)
                    .await
                    .unwrap(),
                s,
                person.id,
                true,
                None,
            )
            .await
            .unwrap();
        app.store.run_due_loads(date(2026, 11, 28)).await.unwrap();
        let r = app
            .store
            .redeem(
                &scope(market.id),
                &RedemptionInput {
                    card: halles_store::coupons::CardLookup::Number(card.number.clone()),
                    register: None,
                    lines: vec![(fruits, Cents(250))],
                    pin: None,
                },
            )
            .await
            .unwrap();
        assert!(r.notify);
        // The receipt is written by the worker, from the sale's event.
        app.run_jobs().await;
        // Monday the 30th: November 23rd's load has expired; the new one, usable through
        // December 6th, is announced once.
        app.clock.set("2026-11-30T14:00:00Z".parse().unwrap());
        app.store.run_due_loads(date(2026, 11, 30)).await.unwrap();
        app.store.run_expiry().await.unwrap();
        assert_eq!(
            halles_web::mail::expiry_notices(&app.store, "https://halles.example")
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            halles_web::mail::expiry_notices(&app.store, "https://halles.example")
                .await
                .unwrap(),
            0
        );
        // A person without a card on a due date misses it; once given a card, the partner makes
        // the missed load from the person's page.
        app.user("accueil@p.example", Some((partner.id, Role::Staff)))
            .await;
        let late = app
            .store
            .create_participant(
                &app.store.program_access(&ps, program).await.unwrap(),
                &ParticipantInput {
                    participant_type: Some(types[0].id),
                    consent_on: Some(date(2026, 11, 1)),
                    consent_purpose: "programme".into(),
                    ..ParticipantInput::default()
                },
            )
            .await
            .unwrap();
        app.store
            .enrol_in_schedule(
                &app.store
                    .program_access(&ps, app.store.schedule(s).await.unwrap().program)
                    .await
                    .unwrap(),
                s,
                late.id,
                false,
                None,
            )
            .await
            .unwrap();
        app.clock.set("2026-12-07T14:00:00Z".parse().unwrap());
        let run = app.store.run_due_loads(date(2026, 12, 7)).await.unwrap();
        assert_eq!(run.no_card, 2, "November 30th and December 7th");
        let late_card = app
            .store
            .assign_card(
                &app.store.program_access(&ps, program).await.unwrap(),
                late.id,
                None,
            )
            .await
            .unwrap();
        let b = app.logged_in("accueil@p.example").await;
        let page = format!(
            "/o/{}/programmes/{program}/participants/{}",
            partner.id, late.id
        );
        let html = b.get(&page).await.text().await.unwrap();
        assert!(
            html.contains("Versements manqués") && html.contains("7 décembre 2026"),
            "{html}"
        );
        let sid = s.to_string();
        let res = b
            .post_form(
                &format!("{page}/rattraper"),
                &[("schedule", sid.as_str()), ("due", "2026-12-07")],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(
            app.store.card_balances(late_card.id).await.unwrap()[0].balance,
            Cents(1000)
        );
        let res = b
            .post_form(
                &format!("{page}/rattraper"),
                &[("schedule", sid.as_str()), ("due", "2026-12-07")],
            )
            .await;
        assert_eq!(res.status(), 422, "a load is made once");
        // December's balance statement goes out once; the schedule's end is announced once,
        // after December 31st.
        for expected in [1, 0] {
            assert_eq!(
                halles_web::mail::balance_statements(&app.store, "https://halles.example")
                    .await
                    .unwrap(),
                expected
            );
        }
        assert_eq!(
            halles_web::mail::schedule_end_notices(&app.store, "https://halles.example")
                .await
                .unwrap(),
            0,
            "the schedule has not ended"
        );
        app.clock.set("2027-01-02T14:00:00Z".parse().unwrap());
        for expected in [1, 0] {
            assert_eq!(
                halles_web::mail::schedule_end_notices(&app.store, "https://halles.example")
                    .await
                    .unwrap(),
                expected
            );
        }
        let mail = app
            .store
            .outbox(Some("elise@example.org"), 10)
            .await
            .unwrap();
        assert_eq!(mail.len(), 4, "{mail:?}");
        let statement = mail
            .iter()
            .find(|m| m.subject.starts_with("Le solde"))
            .unwrap();
        assert!(
            statement.body.contains("2026-12")
                && statement.body.contains("Fruits et légumes")
                && statement.body.contains(&card.token),
            "{}",
            statement.body
        );
        let end = mail
            .iter()
            .find(|m| m.subject.starts_with("Fin des"))
            .unwrap();
        assert!(
            end.body.contains("Hebdo") && end.body.contains("31 décembre 2026"),
            "{}",
            end.body
        );
        // Every message says how to stop them; the holder does, from the balance page.
        assert!(
            mail.iter()
                .all(|m| m.body.contains("Ne plus recevoir de courriels"))
        );
        let holder = app.client();
        let page = format!("/c/{}", card.token);
        let html = holder.get(&page).await.text().await.unwrap();
        assert!(html.contains("Ne plus recevoir de courriels"), "{html}");
        let res = holder.post_form(&format!("{page}/courriels"), &[]).await;
        assert_eq!(res.status(), 303);
        assert!(!app.store.holder_receives_email(&card.token).await.unwrap());
        let html = holder.get(&page).await.text().await.unwrap();
        assert!(!html.contains("Ne plus recevoir de courriels"), "{html}");
        assert_eq!(
            holder.post_form("/c/nope/courriels", &[]).await.status(),
            404
        );
        let receipt = mail.iter().find(|m| m.subject.starts_with("Reçu")).unwrap();
        assert!(
            receipt.body.contains("2,50")
                && receipt.body.contains("$2.50")
                && receipt.body.contains(&card.token)
        );
        let notice = mail
            .iter()
            .find(|m| m.subject.contains("expirent"))
            .unwrap();
        assert!(
            notice.body.contains("10,00") && notice.body.contains("6 décembre 2026"),
            "{}",
            notice.body
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_off_platform_list_carries_allocations_and_a_new_list_deactivates_who_left() {
    for app in TestApp::on_every_db().await {
        let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        app.user("accueil@p.example", Some((partner.id, Role::Staff)))
            .await;
        let op = scope(operator.id);
        let program = app
            .store
            .create_program(
                &op,
                &ProgramInput {
                    name: "Hors plateforme".into(),
                    off_platform: true,
                    ..bonne_bouffe()
                },
            )
            .await
            .unwrap();
        app.store
            .add_program_member(
                &app.store.program_access(&op, program).await.unwrap(),
                partner.id,
                ProgramRole::Partner,
            )
            .await
            .unwrap();
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
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("nouvelle") && html.contains("0 personnes actives"),
            "{html}"
        );
        assert_eq!(upload(first, "apply").await.status(), 303);
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
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("1 personnes actives absentes") && html.contains("Fréquence inconnue"),
            "{html}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_import_bomb_is_refused_with_a_message_and_a_formula_name_is_exported_as_text() {
    for app in TestApp::on_every_db().await {
        let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        app.user("accueil@p.example", Some((partner.id, Role::Staff)))
            .await;
        let op = scope(operator.id);
        let program = app
            .store
            .create_program(&op, &bonne_bouffe())
            .await
            .unwrap();
        app.store
            .add_program_member(
                &app.store.operated_program(&op, program).await.unwrap(),
                partner.id,
                ProgramRole::Partner,
            )
            .await
            .unwrap();
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
        let form = reqwest::multipart::Form::new()
            .text("csrf", b.csrf().await)
            .text("consent_purpose", "Programme Bonne Bouffe")
            .text("action", "apply")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bomb).file_name("liste.xlsx"),
            );
        let res = b
            .http
            .post(format!("{}{path}", b.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("trop de lignes ou de colonnes")
                && html.contains("Programme Bonne Bouffe"),
            "the message, and what was typed: {html}"
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
        let operator = app.org(OrgKind::ProgramOperator, "Collectif").await;
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        app.user("accueil@p.example", Some((partner.id, Role::Staff)))
            .await;
        let op = scope(operator.id);
        let program = app
            .store
            .create_program(&op, &bonne_bouffe())
            .await
            .unwrap();
        app.store
            .add_program_member(
                &app.store.program_access(&op, program).await.unwrap(),
                partner.id,
                ProgramRole::Partner,
            )
            .await
            .unwrap();
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
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Ligne 3") && html.contains("type de participant"),
            "{html}"
        );
        assert!(
            html.contains("Ligne 4") && html.contains("date valide"),
            "{html}"
        );
        assert_eq!(
            app.store
                .participants(
                    &app.store
                        .program_access(&scope(partner.id), program)
                        .await
                        .unwrap(),
                    ""
                )
                .await
                .unwrap()
                .len(),
            0
        );
        // Fixed: the preview says ready, then the import saves both at once.
        let good = "type,identifiant 1,nom,date du consentement\n1,A-1,Élise,2026-11-01\n2 personnes,A-2,Hugo,2026-11-01\n";
        let res = upload(good, "preview").await;
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("Importer 2 personne"));
        assert_eq!(
            app.store
                .participants(
                    &app.store
                        .program_access(&scope(partner.id), program)
                        .await
                        .unwrap(),
                    ""
                )
                .await
                .unwrap()
                .len(),
            0
        );
        let res = upload(good, "apply").await;
        assert_eq!(res.status(), 303);
        assert_eq!(
            app.store
                .participants(
                    &app.store
                        .program_access(&scope(partner.id), program)
                        .await
                        .unwrap(),
                    ""
                )
                .await
                .unwrap()
                .len(),
            2
        );
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
        assert_eq!(report["rows"][0]["problem"], "duplicate_id1");
        assert_eq!(report["rows"][1]["problem"], Value::Null);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_participants_page_edits_them_and_refusals_keep_what_was_typed() {
    for app in TestApp::on_every_db().await {
        let w = world(&app, "Marché", bonne_bouffe(), "Alex").await;
        let (program, fruits) = (w.program, w.fruits);
        app.user("accueil@p.example", Some((w.partner.id, Role::Staff)))
            .await;
        app.user("prog@o.example", Some((w.operator.id, Role::Admin)))
            .await;
        let holder = w.card.participant.expect("the card's holder");
        let t = app.store.participant_types(program).await.unwrap();
        let staff = app.logged_in("accueil@p.example").await;
        let page = format!(
            "/o/{}/programmes/{program}/participants/{holder}",
            w.partner.id
        );

        // A wrong e-mail comes back with every typed field; a right one is saved.
        let ptype = t[1].id.to_string();
        let edit = [
            ("participant_type", ptype.as_str()),
            ("id1", "DOS-7"),
            ("name", "Alex Tremblay"),
            ("email", "pas-un-courriel"),
        ];
        let res = staff.post_form(&format!("{page}/modifier"), &edit).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("Alex Tremblay")
                && html.contains("DOS-7")
                && html.contains("pas-un-courriel"),
            "{html}"
        );
        let mut good = edit;
        good[3] = ("email", "alex@example.org");
        let res = staff.post_form(&format!("{page}/modifier"), &good).await;
        assert_eq!(res.status(), 303);
        let p = app
            .store
            .participant(
                &app.store
                    .program_access(&scope(w.partner.id), program)
                    .await
                    .unwrap(),
                holder,
            )
            .await
            .unwrap();
        assert_eq!(
            (
                p.name.as_str(),
                p.email.as_str(),
                p.participant_type,
                p.receipts
            ),
            ("Alex Tremblay", "alex@example.org", t[1].id, false)
        );

        // The same through the API: a PUT changes the participant, the duplicate identifier of
        // someone else is a field problem, an enrolment that does not exist is 404.
        let token = app.token(w.partner.id, &[Scope::CouponsWrite]).await;
        let url = app.at(&format!(
            "/api/v1/organizations/{}/programs/{program}/participants/{holder}",
            w.partner.id
        ));
        let body = json!({"participant_type_id": t[1].id.0, "id1": "DOS-8", "name": "Alex T.",
            "email": "alex@example.org", "receipts": true, "consent_on": "2026-11-01",
            "consent_purpose": "programme"});
        let res = reqwest::Client::new()
            .put(&url)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.unwrap();
        assert_eq!(
            (v["name"].as_str(), v["id1"].as_str()),
            (Some("Alex T."), Some("DOS-8"))
        );
        let res = reqwest::Client::new()
            .put(format!("{url}/allocation-schedules/999999"))
            .bearer_auth(&token)
            .json(&json!({"max_loads": 2}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);

        // A card with money on it cannot be taken back.
        let res = staff.post_form(&format!("{page}/liberer"), &[]).await;
        assert_eq!(res.status(), 422);

        // The operator's correction: without a reason it comes back with the amount typed; with
        // one, the money leaves the card.
        let prog = app.logged_in("prog@o.example").await;
        let op_page = format!(
            "/o/{}/programmes/{program}/participants/{holder}",
            w.operator.id
        );
        let group = fruits.to_string();
        let res = prog
            .post_form(
                &format!("{op_page}/ajuster"),
                &[
                    ("adjust_group", group.as_str()),
                    ("adjust_amount", "-20,00"),
                    ("adjust_reason", ""),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("-20,00"));
        let res = prog
            .post_form(
                &format!("{op_page}/ajuster"),
                &[
                    ("adjust_group", group.as_str()),
                    ("adjust_amount", "-25,00"),
                    ("adjust_reason", "erreur"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422, "more than the balance is refused");
        let res = prog
            .post_form(
                &format!("{op_page}/ajuster"),
                &[
                    ("adjust_group", group.as_str()),
                    ("adjust_amount", "-20,00"),
                    ("adjust_reason", "erreur de chargement"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert!(
            app.store
                .card_balances(w.card.id)
                .await
                .unwrap()
                .iter()
                .all(|b| b.balance.0 == 0)
        );
        // The correction is in the transaction log with its reason and who made it, and in its
        // download; a filter on another kind leaves it out.
        let log = format!("/o/{}/programmes/{program}/mouvements", w.operator.id);
        let html = prog.get(&log).await.text().await.unwrap();
        assert!(
            html.contains("erreur de chargement")
                && html.contains("Versement manuel ou correction"),
            "{html}"
        );
        let html = prog
            .get(&format!("{log}?kind=spend"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!html.contains("erreur de chargement"), "{html}");
        let csv = prog
            .get(&format!("{log}?kind=adjust&format=csv"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            csv.contains("-20.00") && csv.contains("erreur de chargement"),
            "{csv}"
        );
        assert_eq!(
            csv.lines().count(),
            3,
            "the header, the load and the correction: {csv}"
        );
        // The card is empty, so the balances page lists no card; the partner reads it too.
        let html = staff
            .get(&format!("/o/{}/programmes/{program}/soldes", w.partner.id))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("Aucune carte ne contient de fonds"), "{html}");
        // A partner cannot make corrections; an empty card can be taken back.
        let res = staff
            .post_form(
                &format!("{page}/ajuster"),
                &[
                    ("adjust_group", group.as_str()),
                    ("adjust_amount", "5"),
                    ("adjust_reason", "x"),
                ],
            )
            .await;
        assert_ne!(res.status(), 303);
        let res = staff.post_form(&format!("{page}/liberer"), &[]).await;
        assert_eq!(res.status(), 303);
        let card = app
            .store
            .card(&scope(w.operator.id), w.card.id)
            .await
            .unwrap();
        assert_eq!(card.participant, None);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_market_claims_a_closed_month_and_the_operator_pays_it_in_a_batch() {
    use halles_store::coupons::RedemptionInput;
    for app in TestApp::on_every_db().await {
        let w = world(&app, "Marché Jean-Talon", bonne_bouffe(), "Personne").await;
        app.user("prog@o.example", Some((w.operator.id, Role::Admin)))
            .await;
        let (m, o, program) = (w.market.id, w.operator.id, w.program);
        // A 12.50 $ sale in November; December 2nd, November is closed.
        app.store
            .redeem(
                &scope(m),
                &RedemptionInput {
                    card: halles_store::coupons::CardLookup::Number(w.card.number.clone()),
                    register: Some(w.register),
                    lines: vec![(w.fruits, Cents(1250))],
                    pin: None,
                },
            )
            .await
            .unwrap();
        app.clock.set("2026-12-02T14:00:00Z".parse().unwrap());
        let market = app.logged_in("gestion@m.example").await;
        let page = format!("/o/{m}/programmes/{program}/reclamations");
        let html = market.get(&page).await.text().await.unwrap();
        assert!(
            html.contains("Du 2026-11-01 au 2026-11-30") && html.contains("12,50"),
            "{html}"
        );
        // An open period is refused with the message and the page comes back.
        let res = market
            .post_form(
                &page,
                &[("period", "2026-12-01"), ("note_2026-12-01", "trop tôt")],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("pas terminée"));
        let res = market
            .post_form(
                &page,
                &[("period", "2026-11-01"), ("note_2026-11-01", "Facture 17")],
            )
            .await;
        assert_eq!(res.status(), 303);
        let res = market.post_form(&page, &[("period", "2026-11-01")]).await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("déjà réclamée"));
        // A cashier sees the page but cannot file; the partner cannot see it.
        let cashier = app.logged_in("caisse@m.example").await;
        assert_eq!(cashier.get(&page).await.status(), 200);
        assert_eq!(
            cashier
                .post_form(&page, &[("period", "2026-11-01")])
                .await
                .status(),
            403
        );

        // The operator: a refusal needs a reason (what was typed elsewhere stays), then approves.
        let op = app.logged_in("prog@o.example").await;
        let op_page = format!("/o/{o}/programmes/{program}/reclamations");
        let html = op.get(&op_page).await.text().await.unwrap();
        assert!(
            html.contains("Marché Jean-Talon") && html.contains("Facture 17"),
            "{html}"
        );
        let claim = app
            .store
            .claims(
                &app.store.program_access(&scope(o), program).await.unwrap(),
                None,
            )
            .await
            .unwrap()[0]
            .id;
        let res = op
            .post_form(
                &format!("{op_page}/{claim}/refuser"),
                &[(&format!("reason_{claim}"), " ")],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("Indiquez une raison"));
        let res = op
            .post_form(&format!("{op_page}/{claim}/approuver"), &[])
            .await;
        assert_eq!(res.status(), 303);
        let res = op
            .post_form(
                &format!("/o/{o}/programmes/{program}/paiements"),
                &[("claim", &claim.to_string())],
            )
            .await;
        assert_eq!(res.status(), 303);
        let batch_page = location(&res);
        assert!(batch_page.contains("/paiements/"), "{batch_page}");
        let csv = op
            .get(&format!("{batch_page}?format=csv"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            csv.contains("Marché Jean-Talon") && csv.contains("12.50"),
            "{csv}"
        );
        // A bad date comes back with the reference typed; then the batch is paid.
        let res = op
            .post_form(
                &format!("{batch_page}/paye"),
                &[("paid_on", "le 3"), ("reference", "VIR-77")],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("VIR-77"));
        let res = op
            .post_form(
                &format!("{batch_page}/paye"),
                &[("paid_on", "2026-12-03"), ("reference", "VIR-77")],
            )
            .await;
        assert_eq!(res.status(), 303);
        // The market's manager gets the remittance notice; its cashier does not.
        app.run_jobs().await;
        let mail = app
            .store
            .outbox(Some("gestion@m.example"), 10)
            .await
            .unwrap();
        let notice = mail
            .iter()
            .find(|m| m.subject.starts_with("Avis de paiement"))
            .expect("a remittance notice");
        assert!(
            notice.body.contains("VIR-77")
                && notice.body.contains("2026-12-03")
                && notice.body.contains("du 2026-11-01 au 2026-11-30"),
            "{}",
            notice.body
        );
        assert!(
            app.store
                .outbox(Some("caisse@m.example"), 10)
                .await
                .unwrap()
                .is_empty()
        );
        let html = market.get(&page).await.text().await.unwrap();
        assert!(html.contains("Payée"), "{html}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_api_settles_claims_and_changes_settings_partner_markets_and_balances() {
    use halles_store::coupons::RedemptionInput;
    for app in TestApp::on_every_db().await {
        let w = world(&app, "Marché", bonne_bouffe(), "Personne").await;
        app.user("gestion@o.example", Some((w.operator.id, Role::Admin)))
            .await;
        let (m, o, program) = (w.market.id, w.operator.id, w.program);
        let op_token = app
            .token(o, &[Scope::CouponsRead, Scope::CouponsWrite])
            .await;
        let market_token = app
            .token(m, &[Scope::CouponsRead, Scope::CouponsWrite])
            .await;
        let http = reqwest::Client::new();
        let url = |org: halles_core::OrgId, rest: &str| {
            app.at(&format!(
                "/api/v1/organizations/{org}/programs/{program}{rest}"
            ))
        };
        // A manual correction through the API: a reason is required, the balance never goes
        // below zero, and the ledger keeps it.
        let adjust = url(o, &format!("/cards/{}/adjustments", w.card.id));
        let res = http
            .post(&adjust)
            .bearer_auth(&op_token)
            .json(&serde_json::json!({"product_group_id": w.fruits.0, "amount_cents": -500, "reason": " "}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "reason_required");
        let res = http
            .post(&adjust)
            .bearer_auth(&op_token)
            .json(&serde_json::json!({"product_group_id": w.fruits.0, "amount_cents": -5000, "reason": "erreur"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let res = http
            .post(&adjust)
            .bearer_auth(&op_token)
            .json(&serde_json::json!({"product_group_id": w.fruits.0, "amount_cents": 500, "reason": "rattrapage"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let balance: i64 = app
            .store
            .card_balances(w.card.id)
            .await
            .unwrap()
            .iter()
            .map(|b| b.balance.0)
            .sum();
        assert_eq!(balance, 2500);
        // The market may not correct balances.
        let res = http
            .post(url(m, &format!("/cards/{}/adjustments", w.card.id)))
            .bearer_auth(&market_token)
            .json(&serde_json::json!({"product_group_id": w.fruits.0, "amount_cents": 500, "reason": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);

        // Settings: a bad period is a validation problem; a good body is saved.
        let settings = serde_json::json!({
            "name": "Bonne Bouffe 2026", "public_name": "Bonne Bouffe", "public_address": "1 rue du Marché",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "report_period": "fortnight",
            "partners_assign_cards": true, "pin_required": false,
        });
        let res = http
            .put(url(o, ""))
            .bearer_auth(&op_token)
            .json(&settings)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "report_period");
        let mut good = settings.clone();
        good["report_period"] = "month".into();
        let res = http
            .put(url(o, ""))
            .bearer_auth(&op_token)
            .json(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let p = app.store.program_by_id(program).await.unwrap();
        assert_eq!(
            (p.name.as_str(), p.public_address.as_str()),
            ("Bonne Bouffe 2026", "1 rue du Marché")
        );
        // The partner's participants may spend at another market only: this market refuses.
        let elsewhere = app.org(OrgKind::Market, "Autre marché").await;
        app.store
            .add_program_member(
                &app.store.program_access(&scope(o), program).await.unwrap(),
                elsewhere.id,
                ProgramRole::Market,
            )
            .await
            .unwrap();
        let links = url(o, &format!("/partners/{}/markets", w.partner.id));
        let res = http
            .put(&links)
            .bearer_auth(&op_token)
            .json(&serde_json::json!({"market_ids": [elsewhere.id.0]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let sale = |amount: i64| RedemptionInput {
            card: halles_store::coupons::CardLookup::Number(w.card.number.clone()),
            register: Some(w.register),
            lines: vec![(w.fruits, Cents(amount))],
            pin: None,
        };
        assert!(matches!(
            app.store.redeem(&scope(m), &sale(100)).await,
            Err(halles_store::StoreError::Refused(Refusal::CardOtherMarket))
        ));
        let res = http
            .put(&links)
            .bearer_auth(&op_token)
            .json(&serde_json::json!({"market_ids": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        app.store.redeem(&scope(m), &sale(1000)).await.unwrap();

        // Claims: the market files November in December; the operator approves, batches, pays.
        app.clock.set("2026-12-02T14:00:00Z".parse().unwrap());
        let res = http
            .post(url(m, "/claims"))
            .bearer_auth(&market_token)
            .json(&serde_json::json!({"period_start": "2026-12-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "period_open");
        let res = http
            .post(url(m, "/claims"))
            .bearer_auth(&market_token)
            .json(&serde_json::json!({"period_start": "2026-11-01", "note": "Novembre"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let claim: Value = res.json().await.unwrap();
        assert_eq!(
            (claim["amount_cents"].as_i64(), claim["status"].as_str()),
            (Some(1000), Some("submitted"))
        );
        let cid = claim["id"].as_i64().unwrap();
        let listed: Value = http
            .get(url(o, "/claims?status=submitted"))
            .bearer_auth(&op_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1);
        let res = http
            .post(url(o, &format!("/claims/{cid}/decision")))
            .bearer_auth(&op_token)
            .json(&serde_json::json!({"approve": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = http
            .post(url(o, "/payment-batches"))
            .bearer_auth(&op_token)
            .json(&serde_json::json!({"claim_ids": [cid]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let batch: Value = res.json().await.unwrap();
        assert_eq!(batch["total_cents"].as_i64(), Some(1000));
        let bid = batch["id"].as_i64().unwrap();
        let res = http
            .post(url(o, &format!("/payment-batches/{bid}/payment")))
            .bearer_auth(&op_token)
            .json(&serde_json::json!({"paid_on": "2026-12-03", "reference": "CHQ-12"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let paid: Value = res.json().await.unwrap();
        assert_eq!(paid["status"], "paid");
        assert_eq!(paid["claims"][0]["status"], "paid");
        app.run_jobs().await;
        let mail = app
            .store
            .outbox(Some("gestion@m.example"), 10)
            .await
            .unwrap();
        assert!(mail.iter().any(|m| m.body.contains("CHQ-12")), "{mail:?}");
        // The market reads its own claims, not the batches.
        let res = http
            .get(url(m, "/payment-batches"))
            .bearer_auth(&market_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_program_manager_invited_by_e_mail_reaches_that_program_and_nothing_else() {
    for app in TestApp::on_every_db().await {
        let w = world(&app, "Marché", bonne_bouffe(), "Personne").await;
        let o = w.operator.id;
        app.user("admin@o.example", Some((o, Role::Admin))).await;
        let other = app
            .store
            .create_program(
                &scope(o),
                &ProgramInput {
                    name: "Autre programme".into(),
                    ends_on: date(2026, 12, 31),
                    ..bonne_bouffe()
                },
            )
            .await
            .unwrap();
        let admin = app.logged_in("admin@o.example").await;
        let page = format!("/o/{o}/programmes/{}", w.program);
        // A bad address comes back with the message and what was typed.
        let res = admin
            .post_form(
                &format!("{page}/gestionnaires"),
                &[("manager_email", "pas-un-courriel")],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("pas-un-courriel"));
        let res = admin
            .post_form(
                &format!("{page}/gestionnaires"),
                &[("manager_email", "coord@ailleurs.example")],
            )
            .await;
        assert_eq!(res.status(), 303);
        let html = admin.get(&page).await.text().await.unwrap();
        assert!(
            html.contains("coord@ailleurs.example") && html.contains("Invitation envoyée"),
            "{html}"
        );
        app.run_jobs().await;
        let body = &app
            .store
            .outbox(Some("coord@ailleurs.example"), 1)
            .await
            .unwrap()[0]
            .body;
        assert!(body.contains("programme Bonne Bouffe seulement"), "{body}");
        let start = body.find("/invitations/").unwrap();
        let link: String = body[start..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        let coord = app.client();
        let res = coord
            .post_form(
                &link,
                &[
                    ("name", "Coordination"),
                    ("password", "une-phrase-secrete"),
                    ("password_confirm", "une-phrase-secrete"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        // Home and the programs list land on the program; its pages work.
        let res = coord.get(&format!("/o/{o}")).await;
        assert_eq!((res.status().as_u16(), location(&res)), (303, page.clone()));
        let res = coord.get(&format!("/o/{o}/programmes")).await;
        assert_eq!(location(&res), page);
        assert_eq!(coord.get(&page).await.status(), 200);
        assert_eq!(
            coord.get(&format!("{page}/participants")).await.status(),
            200
        );
        assert_eq!(coord.get(&format!("{page}/rapports")).await.status(), 200);
        // A card of the other program, named under this one, is not found.
        let (_, other_cards) = app
            .store
            .create_card_batch(
                &app.store.program_access(&scope(o), other).await.unwrap(),
                1,
            )
            .await
            .unwrap();
        let res = coord
            .post_form(
                &format!("{page}/cartes/{}/desactiver", other_cards[0].id),
                &[],
            )
            .await;
        assert_eq!(res.status(), 404);
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
        let res = coord
            .post_form(
                &format!("/o/{o}/programmes"),
                &[
                    ("name", "Le mien"),
                    ("starts_on", "2026-01-01"),
                    ("ends_on", "2026-12-31"),
                ],
            )
            .await;
        assert_eq!(res.status(), 403);
        // The operator takes them off the program: the pages close.
        let manager = app
            .store
            .program_managers(
                &app.store
                    .program_access(&scope(o), w.program)
                    .await
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(manager.len(), 1);
        let res = admin
            .post_form(
                &format!("{page}/gestionnaires/{}/retirer", manager[0].id),
                &[],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(coord.get(&page).await.status(), 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn coupon_routes_refuse_the_wrong_role_and_another_organization() {
    for app in TestApp::on_every_db().await {
        let operator = Fixture::new(&app, OrgKind::ProgramOperator, "progf").await;
        let p = "/o/{org}/programmes/{foreign}";
        let rows: Vec<Row> = vec![
            Row {
                method: "GET",
                path: "/o/{org}/programmes",
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 200,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 422,
            },
            Row {
                method: "GET",
                path: p,
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/versements",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/membres",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/enveloppes",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/participants",
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/participants",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/participants/exporter",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/participants/{foreign}",
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/participants/{foreign}/retirer",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/cartes",
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/cartes",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/cartes/{foreign}/desactiver",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/lots/{foreign}/pdf",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/rapports",
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/mouvements",
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/soldes",
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/gestionnaires",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/gestionnaires/{foreign}/retirer",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/reclamations",
                allowed: Allowed::Role(Role::Viewer),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/reclamations",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/reclamations/{foreign}/approuver",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/paiements",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "GET",
                path: "/o/{org}/programmes/{foreign}/paiements/{foreign}",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
            Row {
                method: "POST",
                path: "/o/{org}/programmes/{foreign}/paiements/{foreign}/paye",
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            },
        ];
        let mut rows = rows;
        for path in [
            "/o/{org}/programmes/{foreign}/archiver",
            "/o/{org}/programmes/{foreign}/versements/{foreign}/archiver",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/rattraper",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/nip",
            "/o/{org}/programmes/{foreign}/participants/{foreign}/debloquer-nip",
        ] {
            rows.push(Row {
                method: "POST",
                path,
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            });
        }
        for path in [
            "/o/{org}/programmes/{foreign}/groupes",
            "/o/{org}/programmes/{foreign}/groupes-marches",
            "/o/{org}/programmes/{foreign}/groupes-marches/marche",
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
                allowed: Allowed::Role(Role::Staff),
                ok_status: 404,
            });
        }
        // An upload: a plain form is not the multipart the page sends.
        rows.push(Row {
            method: "POST",
            path: "/o/{org}/programmes/{foreign}/illustration",
            allowed: Allowed::Role(Role::Staff),
            ok_status: 400,
        });
        rows.push(Row {
            method: "GET",
            path: "/o/{org}/programmes/{foreign}/participants/importer",
            allowed: Allowed::Role(Role::Staff),
            ok_status: 404,
        });
        check(&app, &operator, api_rows::OPERATOR).await;
        rows.push(Row {
            method: "POST",
            path: "/o/{org}/programmes/{foreign}/participants/importer",
            allowed: Allowed::Role(Role::Staff),
            ok_status: 400,
        });
        rows.push(Row {
            method: "GET",
            path: "/o/{org}/programmes/{foreign}/participants/importer/modele",
            allowed: Allowed::Role(Role::Staff),
            ok_status: 404,
        });
        // Kiosks and card holders' pages answer their secret link only.
        rows.push(Row {
            method: "GET",
            path: "/borne/nope",
            allowed: Allowed::Anyone,
            ok_status: 404,
        });
        rows.push(Row {
            method: "POST",
            path: "/borne/nope/carte",
            allowed: Allowed::Anyone,
            ok_status: 404,
        });
        rows.push(Row {
            method: "POST",
            path: "/borne/nope/payer",
            allowed: Allowed::Anyone,
            ok_status: 404,
        });
        rows.push(Row {
            method: "GET",
            path: "/c/nope",
            allowed: Allowed::Anyone,
            ok_status: 404,
        });
        rows.push(Row {
            method: "POST",
            path: "/c/nope/courriels",
            allowed: Allowed::Anyone,
            ok_status: 404,
        });
        let operator_rows = check(&app, &operator, &rows).await;
        let market = Fixture::new(&app, OrgKind::Market, "markf").await;
        let market_rows = check(
            &app,
            &market,
            &[
                Row {
                    method: "GET",
                    path: "/o/{org}/caisses",
                    allowed: Allowed::Role(Role::Admin),
                    ok_status: 200,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/caisses",
                    allowed: Allowed::Role(Role::Admin),
                    ok_status: 422,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/caisses/{foreign}/borne",
                    allowed: Allowed::Role(Role::Admin),
                    ok_status: 400,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/caisses/{foreign}/retirer",
                    allowed: Allowed::Role(Role::Admin),
                    ok_status: 404,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/caisse",
                    allowed: Allowed::Role(Role::Cashier),
                    ok_status: 200,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/caisse/carte",
                    allowed: Allowed::Role(Role::Cashier),
                    ok_status: 422,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/caisse/vente",
                    allowed: Allowed::Role(Role::Cashier),
                    ok_status: 422,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/caisse/recus/{foreign}",
                    allowed: Allowed::Role(Role::Cashier),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/caisse/recus/{foreign}/rembourser",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
            ],
        )
        .await;
        check(&app, &market, api_rows::MARKET).await;
        let partner = Fixture::new(&app, OrgKind::PartnerOrg, "partf").await;
        let partner_rows = check(
            &app,
            &partner,
            &[
                Row {
                    method: "GET",
                    path: "/o/{org}/programmes",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 200,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/programmes",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 403,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/programmes/{foreign}/participants",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 404,
                },
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
        let w = world(&app, "Marché", bonne_bouffe(), "Personne").await;
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

#[tokio::test]
async fn a_sale_needs_the_card_and_its_pin_and_five_wrong_pins_lock_it_until_unlocked() {
    for app in TestApp::on_every_db().await {
        let program = ProgramInput {
            pin_required: true,
            ..bonne_bouffe()
        };
        let w = world(&app, "Marché", program, "Personne").await;
        let (m, o, fruits, card) = (w.market.id, w.operator.id, w.fruits, w.card.clone());
        let ps = scope(w.partner.id);
        let pps = app.store.program_access(&ps, w.program).await.unwrap();
        app.store.set_card_pin(&pps, card.id, "2468").await.unwrap();
        let held = || async { app.store.card_balances(card.id).await.unwrap()[0].balance.0 };
        let cashier = app.logged_in("caisse@m.example").await;
        let field = format!("amount_{fruits}");
        let id = card.id.to_string();
        let number = card.number.as_str();

        // Pages: an internal id is no card, in the path or in the form.
        let res = cashier
            .post_form(
                &format!("/o/{m}/caisse/cartes/{id}"),
                &[(field.as_str(), "1,00"), ("pin", "2468")],
            )
            .await;
        assert!(
            matches!(res.status().as_u16(), 404 | 405),
            "{}",
            res.status()
        );
        let pay = format!("/o/{m}/caisse/vente");
        let res = cashier
            .post_form(
                &pay,
                &[("card_id", &id), (field.as_str(), "1,00"), ("pin", "2468")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let res = cashier
            .post_form(
                &pay,
                &[("card", &id), (field.as_str(), "1,00"), ("pin", "2468")],
            )
            .await;
        assert_eq!(res.status(), 422);
        // The right number of a card of another program (this market is not in it): refused.
        let op = scope(o);
        let other = app
            .store
            .create_program(
                &op,
                &ProgramInput {
                    name: "Autre".into(),
                    ..bonne_bouffe()
                },
            )
            .await
            .unwrap();
        let (_, others) = app
            .store
            .create_card_batch(&app.store.operated_program(&op, other).await.unwrap(), 1)
            .await
            .unwrap();
        let stranger = others[0].number.as_str();
        let res = cashier
            .post_form(&pay, &[("card", stranger), (field.as_str(), "1,00")])
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("Aucune carte"));
        assert_eq!(held().await, 2000, "nothing spent");

        // The API: `card_id` is refused, another program's card is not found.
        let token = app
            .token(m, &[Scope::RedemptionsWrite, Scope::CouponsRead])
            .await;
        let http = reqwest::Client::new();
        let redeem = |body: Value| {
            http.post(app.at(&format!("/api/v1/organizations/{m}/redemptions")))
                .bearer_auth(&token)
                .json(&body)
                .send()
        };
        let line = json!([{"product_group_id": fruits.0, "amount_cents": 100}]);
        let res = redeem(json!({"card_id": card.id.0, "lines": line, "pin": "2468"}))
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], "card_proof_required", "{body}");
        let res = redeem(json!({"card": stranger, "lines": line, "pin": "2468"}))
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        assert_eq!(held().await, 2000, "nothing spent");

        // The register: four wrong PINs are wrong, the fifth locks the card, and then the
        // right one is refused too, plainly.
        let try_pin = |pin: &'static str| {
            let (cashier, pay, field) = (&cashier, &pay, &field);
            async move {
                let res = cashier
                    .post_form(
                        pay,
                        &[("card", number), (field.as_str(), "1,00"), ("pin", pin)],
                    )
                    .await;
                (res.status().as_u16(), res.text().await.unwrap())
            }
        };
        for _ in 0..4 {
            let (status, html) = try_pin("1111").await;
            assert_eq!(status, 422);
            assert!(html.contains("NIP n&#39;est pas le bon"), "{html}");
        }
        for pin in ["1111", "2468"] {
            let (status, html) = try_pin(pin).await;
            assert_eq!(status, 422);
            assert!(html.contains("bloqué après 5 essais"), "{html}");
        }
        assert_eq!(held().await, 2000);
        // The partner unlocks it from the participant's page; the sale goes through.
        app.user("accueil@p.example", Some((w.partner.id, Role::Staff)))
            .await;
        let partner = app.logged_in("accueil@p.example").await;
        let person = card.participant.unwrap();
        let page = format!(
            "/o/{}/programmes/{}/participants/{person}",
            w.partner.id, w.program
        );
        assert!(
            partner
                .get(&page)
                .await
                .text()
                .await
                .unwrap()
                .contains("debloquer-nip")
        );
        let res = partner
            .post_form(&format!("{page}/debloquer-nip"), &[])
            .await;
        assert_eq!(res.status(), 303);
        assert!(
            !partner
                .get(&page)
                .await
                .text()
                .await
                .unwrap()
                .contains("debloquer-nip")
        );
        assert_eq!(try_pin("2468").await.0, 303);
        assert_eq!(held().await, 1900);

        // The kiosk: the same lock.
        let admin = app.logged_in("gestion@m.example").await;
        let res = admin
            .post_form(
                &format!("/o/{m}/caisses/{}/borne", w.register),
                &[("action", "open")],
            )
            .await;
        let link = kiosk_link(&res.text().await.unwrap());
        let kiosk = app.client();
        let qr = format!("https://halles.example/c/{}", card.token);
        let kiosk_try = |pin: &'static str| {
            let (kiosk, link, qr, field) = (&kiosk, &link, &qr, &field);
            async move {
                let html = kiosk
                    .post_form(&format!("{link}/carte"), &[("card", qr.as_str())])
                    .await
                    .text()
                    .await
                    .unwrap();
                let sale = field_value(&html, "sale");
                let token = field_value(&html, "card");
                let res = kiosk
                    .post_form(
                        &format!("{link}/payer"),
                        &[
                            ("card", &token),
                            ("sale", &sale),
                            (field.as_str(), "1,00"),
                            ("pin", pin),
                        ],
                    )
                    .await;
                (res.status().as_u16(), res.text().await.unwrap())
            }
        };
        for _ in 0..4 {
            assert!(
                kiosk_try("1111")
                    .await
                    .1
                    .contains("NIP n&#39;est pas le bon")
            );
        }
        for pin in ["1111", "2468"] {
            let (status, html) = kiosk_try(pin).await;
            assert_eq!(status, 422);
            assert!(html.contains("bloqué après 5 essais"), "{html}");
        }
        assert_eq!(held().await, 1900);
        // The API: the partner unlocks it, four wrong PINs, the fifth locks it, then the
        // operator unlocks it.
        let unlock = format!(
            "/api/v1/organizations/{{}}/programs/{}/cards/{}/pin-unlock",
            w.program, card.id
        );
        let partner_token = app.token(w.partner.id, &[Scope::CouponsWrite]).await;
        let res = http
            .post(app.at(&unlock.replace("{}", &w.partner.id.to_string())))
            .bearer_auth(&partner_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let res = http
            .post(app.at(&unlock.replace("{}", &m.to_string())))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "a market cannot unlock a PIN");
        let tries = [
            ("1111", "pin_wrong"),
            ("1111", "pin_wrong"),
            ("1111", "pin_wrong"),
            ("1111", "pin_wrong"),
            ("1111", "pin_locked"),
            ("2468", "pin_locked"),
        ];
        for (pin, expected) in tries {
            let res = redeem(json!({"card": number, "lines": line, "pin": pin}))
                .await
                .unwrap();
            assert_eq!(res.status(), 409);
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["code"], expected, "{body}");
        }
        let res = redeem(json!({"card": number, "lines": line, "pin": "1111"}))
            .await
            .unwrap();
        assert_eq!(res.json::<Value>().await.unwrap()["code"], "pin_locked");
        let op_token = app
            .token(o, &[Scope::CouponsWrite, Scope::RedemptionsWrite])
            .await;
        let res = http
            .post(app.at(&unlock.replace("{}", &o.to_string())))
            .bearer_auth(&op_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let res = redeem(json!({"card": number, "lines": line, "pin": "2468"}))
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let sale: Value = res.json().await.unwrap();
        assert_eq!(held().await, 1800);

        // Only the market that made a sale refunds it: not the operator's staff, on the page
        // or through the API.
        app.user("prog@o.example", Some((o, Role::Admin))).await;
        let prog = app.logged_in("prog@o.example").await;
        let receipt = format!("/o/{o}/caisse/recus/{}", sale["id"]);
        let html = prog.get(&receipt).await.text().await.unwrap();
        assert!(
            !html.contains("/rembourser"),
            "no refund form for the operator"
        );
        let refund_field = format!("refund_{fruits}");
        let res = prog
            .post_form(
                &format!("{receipt}/rembourser"),
                &[(refund_field.as_str(), "1,00")],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("Seul le marché"));
        let res = http
            .post(app.at(&format!("/api/v1/organizations/{o}/redemptions/{}/refunds", sale["id"])))
            .bearer_auth(&op_token)
            .json(&json!({"lines": [{"product_group_id": fruits.0, "amount_cents": 100}], "reason": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        assert_eq!(
            res.json::<Value>().await.unwrap()["code"],
            "refund_selling_market_only"
        );
        assert_eq!(held().await, 1800);
        let res = admin
            .post_form(
                &format!("/o/{m}/caisse/recus/{}/rembourser", sale["id"]),
                &[(refund_field.as_str(), "1,00")],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(held().await, 1900);

        // The market's audit log says who made each sale and refund; the page links them.
        let html = admin
            .get(&format!("/o/{m}/audit?entity=redemption"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!("/caisse/recus/{}", sale["id"])),
            "{html}"
        );
        let audit = app
            .store
            .audit_entries(
                &scope(m),
                &halles_store::platform::audit::Filter::default(),
                100,
            )
            .await
            .unwrap();
        let cashier_id = audit
            .iter()
            .find(|e| e.entity == "redemption" && e.actor_user.is_some())
            .map(|e| e.actor_name.clone());
        assert!(cashier_id.is_some(), "{audit:?}");
        assert!(
            audit
                .iter()
                .any(|e| e.entity == "redemption" && e.actor_token.is_some())
        );
        assert!(
            audit
                .iter()
                .any(|e| e.entity == "refund" && e.actor_user.is_some())
        );
        app.stop().await;
    }
}
