//! Paper coupons end to end (issue 16), on SQLite and PostgreSQL: the operator issues a batch
//! from its page (a refused form comes back with the message and what was typed), prints it
//! (the PDF read back by pdftotext, every QR code decoded by zbarimg), the partner records the
//! hand-out, the cashier redeems by typed serial or scanned value, once: two registers at the
//! same instant through the API make one sale; the API refuses bad bodies with stable codes.

mod support;

use halles_core::money::Cents;
use halles_core::organizations::Scope;
use halles_store::coupons::PaperCoupon;
use serde_json::json;
use support::TestApp;
use support::world::{World, people, scope};

use support::pdf::tool;

/// Writes bytes to a file of the test's own folder.
fn file(name: &str, bytes: &[u8]) -> String {
    support::pdf::file("halles-paper", name, bytes)
}

/// A serial as printed: groups of four digits.
fn grouped(serial: &str) -> String {
    serial
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn paper_coupons_are_printed_handed_out_and_redeemed_once() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = w.operated(&app).await;
        app.store.fund_reserve(&op, Cents(100_000)).await.unwrap();
        let loaded = app.store.reserve(&op).await.unwrap().loaded;
        let operator = app.logged_in(people::OPERATOR).await;
        let page = w.program_page("/coupons-papier");
        let last_day = support::world::day_in(&app, 60);
        let fruits = w.fruits.to_string();
        let partner = w.partner.id.to_string();

        // A refused form comes back with its message and what was typed.
        let refused = operator
            .send(
                &page,
                &[
                    ("group", fruits.as_str()),
                    ("value", "10,00"),
                    ("size", "1001"),
                    ("expires_on", last_day.as_str()),
                    ("partner", partner.as_str()),
                    ("source", "reserve"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{refused:?}");
        assert_eq!(refused.errors(), ["paper_batch_size"]);
        assert_eq!(refused.value_of("size"), "1001");
        assert_eq!(refused.value_of("value"), "10,00");
        let too_late = operator
            .send(
                &page,
                &[
                    ("group", fruits.as_str()),
                    ("value", "10,00"),
                    ("size", "12"),
                    ("expires_on", "2030-01-01"),
                    ("partner", partner.as_str()),
                    ("source", "reserve"),
                ],
            )
            .await;
        assert_eq!(too_late.errors(), ["paper_expiry_invalid"]);

        // Twelve coupons of $10 from the reserve: two pages of the sheet.
        let issued = operator
            .send(
                &page,
                &[
                    ("group", fruits.as_str()),
                    ("value", "10,00"),
                    ("size", "12"),
                    ("expires_on", last_day.as_str()),
                    ("partner", partner.as_str()),
                    ("source", "reserve"),
                ],
            )
            .await;
        assert_eq!(issued.status, 303, "{issued:?}");
        let batches = app.store.paper_batches(&op).await.unwrap();
        assert_eq!(batches.len(), 1);
        let batch = batches[0].id;
        let coupons: Vec<PaperCoupon> = app.store.paper_coupons(&op, batch).await.unwrap();
        assert_eq!(coupons.len(), 12);
        assert_eq!(
            app.store.reserve(&op).await.unwrap().loaded,
            Cents(loaded.0 + 12_000)
        );
        let listed = operator.page(&page).await;
        assert!(listed.has(&format!("data-batch=\"{batch}\"")), "{listed:?}");

        // The sheet: program, value, group, serials and last day as text; every QR code decodes
        // to its coupon's value.
        let res = operator
            .get(&w.program_page(&format!("/coupons-papier/{batch}/pdf")))
            .await;
        assert_eq!(res.status(), 200);
        let pdf = res.bytes().await.unwrap();
        let path = file("coupons.pdf", &pdf);
        if let Some(text) = tool("pdftotext", &[&path, "-"]) {
            let text = support::pdf::plain(&text);
            for c in &coupons {
                assert!(text.contains(&grouped(c.serial.as_str())), "{text}");
            }
            assert!(text.contains("Bonne Bouffe"), "{text}");
            assert!(text.contains("10,00"), "{text}");
            assert!(text.contains("Fruits et légumes"), "{text}");
            assert!(text.contains("Valide jusqu"), "{text}");
        }
        if tool(
            "pdftoppm",
            &["-r", "300", "-png", &path, &format!("{path}-page")],
        )
        .is_some()
        {
            let pages: Option<Vec<String>> = (1..=2)
                .map(|page| {
                    tool(
                        "zbarimg",
                        &["--raw", "-q", &format!("{path}-page-{page}.png")],
                    )
                })
                .collect();
            if let Some(pages) = pages {
                let mut decoded: Vec<&str> = pages.iter().flat_map(|p| p.lines()).collect();
                let mut want: Vec<&str> = coupons.iter().map(|c| c.token.as_str()).collect();
                want.sort_unstable();
                decoded.sort_unstable();
                assert_eq!(decoded, want);
            }
        }

        // Not handed out: the register refuses it, with what was typed.
        let cashier = app.logged_in(people::CASHIER).await;
        let register = format!("/o/{}/caisse/coupon-papier", w.market.id);
        let serial0 = coupons[0].serial.to_string();
        let early = cashier
            .send(&register, &[("coupon", serial0.as_str())])
            .await;
        assert_eq!(early.status, 422, "{early:?}");
        assert_eq!(early.errors(), ["paper_not_handed_out"]);
        assert_eq!(early.value_of("coupon"), serial0);
        // A typo in the serial is caught by its check digit.
        let mut typo = coupons[0].serial.as_str().to_owned();
        let last = typo.pop().unwrap();
        typo.push(if last == '0' { '1' } else { '0' });
        let mistyped = cashier.send(&register, &[("coupon", typo.as_str())]).await;
        assert_eq!(mistyped.errors(), ["paper_serial_invalid"]);

        // The partner records two hand-outs, one to a participant it knows.
        let person = w.participant(&app, "Madame Papier").await;
        let partner_staff = app.logged_in(people::PARTNER_STAFF).await;
        let partner_page = format!(
            "/o/{}/programmes/{}/coupons-papier/remettre",
            w.partner.id, w.program
        );
        let person_field = person.to_string();
        let handed = partner_staff
            .send(
                &partner_page,
                &[
                    ("coupon", coupons[0].token.as_str()),
                    ("participant", person_field.as_str()),
                ],
            )
            .await;
        assert_eq!(handed.status, 303, "{handed:?}");
        let again = partner_staff
            .send(&partner_page, &[("coupon", coupons[0].token.as_str())])
            .await;
        assert_eq!(again.errors(), ["paper_state"]);
        partner_staff
            .send(&partner_page, &[("coupon", serial0.as_str())])
            .await;
        let serial1 = coupons[1].serial.to_string();
        assert_eq!(
            partner_staff
                .send(&partner_page, &[("coupon", serial1.as_str())])
                .await
                .status,
            303
        );

        // Redeemed once by typed serial; the second time refused.
        let paid = cashier
            .send(&register, &[("coupon", serial0.as_str())])
            .await;
        assert_eq!(paid.status, 303, "{paid:?}");
        let twice = cashier
            .send(&register, &[("coupon", serial0.as_str())])
            .await;
        assert_eq!(twice.errors(), ["paper_redeemed"]);

        // Two registers at the same instant through the API: one sale.
        let second = app
            .store
            .create_register(&scope(w.market.id), "Comptoir 2")
            .await
            .unwrap();
        let api = w.market_api(&app);
        let path = format!("/organizations/{}/paper-redemptions", w.market.id);
        let token1 = coupons[1].token.clone();
        let (body_a, body_b) = (
            json!({"coupon": token1, "register_id": w.register.0}),
            json!({"coupon": serial1, "register_id": second.0}),
        );
        let (a, b) = tokio::join!(
            api.post_keyed(&path, "paper-a", &body_a),
            api.post_keyed(&path, "paper-b", &body_b),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "{a:?} {b:?}");
        let lost = if a.status == 409 { &a } else { &b };
        assert_eq!(lost.code(), "paper_redeemed");
        let won = if a.status == 201 { &a } else { &b };
        assert_eq!(won.body["status"], "redeemed");
        assert_eq!(won.body["value_cents"], 1000);

        // Counted like card sales: $20 spent, and the books balance.
        let check = app.store.funds_check(w.program).await.unwrap();
        assert!(check.balanced(), "{check:?}");
        let totals = app
            .store
            .report_totals(&op, Default::default())
            .await
            .unwrap();
        assert_eq!(totals.spent, Cents(2000));
        app.stop().await;
    }
}

#[tokio::test]
async fn the_paper_coupon_api_refuses_bad_bodies_with_stable_codes() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let op = w.operated(&app).await;
        app.store.fund_reserve(&op, Cents(10_000)).await.unwrap();
        let token = app
            .token(w.operator.id, &[Scope::CouponsRead, Scope::CouponsWrite])
            .await;
        let api = app.api(&token);
        let batches = format!(
            "/organizations/{}/programs/{}/paper-batches",
            w.operator.id, w.program
        );
        let last_day = support::world::day_in(&app, 30);
        let body = |size: i64, value: i64, expires: &str, reserve: bool| {
            json!({"product_group_id": w.fruits.0, "value_cents": value, "size": size,
                   "expires_on": expires, "partner_id": w.partner.id.0, "from_reserve": reserve})
        };
        for (b, field, code) in [
            (body(0, 500, &last_day, true), "size", "paper_batch_size"),
            (body(2, 0, &last_day, true), "value_cents", "invalid_amount"),
            (
                body(2, 10_000_001, &last_day, true),
                "value_cents",
                "amount_too_large",
            ),
            (
                body(2, 500, "2026-02-30", true),
                "expires_on",
                "date_invalid",
            ),
            (
                body(2, 500, "2026-11-28", true),
                "expires_on",
                "paper_expiry_invalid",
            ),
            (
                body(2, 500, &last_day, false),
                "envelope_id",
                "fund_source_required",
            ),
        ] {
            let r = api.post_json(&batches, &b).await;
            assert_eq!(r.field_error(), (422, field, code), "{b}");
        }
        let r = api
            .post_json(&batches, &body(21, 500, &last_day, true))
            .await;
        assert_eq!((r.status, r.code()), (409, "reserve_too_low"));
        let r = api
            .post_json(&batches, &body(4, 500, &last_day, true))
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let batch = r.body["batch"]["id"].as_i64().unwrap();
        assert_eq!(r.body["coupons"].as_array().unwrap().len(), 4);
        assert!(r.body["coupons"][0].get("token").is_none());
        let listed = api.get(&batches).await;
        assert_eq!(listed.list().len(), 1);
        assert_eq!(listed.list()[0]["issued"], 4);
        let coupons = api.get(&format!("{batches}/{batch}/coupons")).await;
        let serial = coupons.list()[0]["serial"].as_str().unwrap().to_owned();
        let program = format!(
            "/organizations/{}/programs/{}/paper-coupons",
            w.operator.id, w.program
        );
        let r = api
            .post_json(&format!("{program}/hand-out"), &json!({"coupon": "12345"}))
            .await;
        assert_eq!(r.field_error(), (422, "coupon", "paper_serial_invalid"));
        let r = api
            .post_json(&format!("{program}/hand-out"), &json!({"coupon": serial}))
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("handed_out"))
        );
        let r = api
            .post_json(&format!("{program}/void"), &json!({"coupon": serial}))
            .await;
        assert_eq!((r.status, r.body["status"].as_str()), (200, Some("voided")));
        let r = api
            .post_json(&format!("{program}/void"), &json!({"coupon": serial}))
            .await;
        assert_eq!((r.status, r.code()), (409, "paper_state"));
        // The market cannot redeem a voided coupon.
        let r = w
            .market_api(&app)
            .post_json(
                &format!("/organizations/{}/paper-redemptions", w.market.id),
                &json!({"coupon": serial}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "paper_voided"));
        let check = app.store.funds_check(w.program).await.unwrap();
        assert!(check.balanced(), "{check:?}");
        app.stop().await;
    }
}
