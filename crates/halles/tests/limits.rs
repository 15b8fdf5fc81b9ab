//! Amounts and quantities beyond their maximum (`halles_core::limits`) are refused through the
//! real pages and API, on SQLite and (when configured) PostgreSQL, and nothing changes: the
//! balances, the ledger and every page stay as they were.

mod support;

use halles_core::coupons::{Expiry, LoadMoment};
use halles_core::money::Cents;
use halles_core::organizations::Scope;
use halles_store::coupons::{ProgramInput, ScheduleInput};
use jiff::civil::date;
use serde_json::json;
use support::TestApp;
use support::requests::Api;
use support::world::{CouponProgram, PartnerProgram, Who, World, bonne_bouffe, cycle_body, people};

/// The operator's API client with the coupon scopes.
async fn operator_api(app: &TestApp, w: &CouponProgram) -> Api {
    app.api(
        &app.token(w.operator.id, &[Scope::CouponsRead, Scope::CouponsWrite])
            .await,
    )
}

/// The ledger still holds `cents` in all, its lots agree, and the program's pages answer.
async fn nothing_changed(app: &TestApp, w: &CouponProgram, cents: i64) {
    let (ledger, cached, lots) = app.store.ledger_check(w.program).await.unwrap();
    assert_eq!(
        (ledger, cached, lots),
        (Cents(cents), Cents(cents), Cents(cents))
    );
    let op = app.logged_in(people::OPERATOR).await;
    for page in [
        "",
        "/participants",
        "/cartes",
        "/rapports",
        "/soldes",
        "/mouvements",
    ] {
        assert_eq!(op.page(&w.program_page(page)).await.status, 200, "{page}");
    }
}

#[tokio::test]
async fn an_adjustment_beyond_the_maximum_is_refused_by_the_api_and_the_page() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let api = operator_api(&app, &w).await;
        let adjust = format!(
            "/organizations/{}/programs/{}/cards/{}/adjustments",
            w.operator.id, w.program, w.card.id
        );
        // The attack of the report: i64::MAX as a manual adjustment answers 422, either sign.
        for cents in [i64::MAX, i64::MIN, 10_000_001, -10_000_001] {
            let body =
                json!({"product_group_id": w.fruits.0, "amount_cents": cents, "reason": "x"});
            let res = api.post_json(&adjust, &body).await;
            assert_eq!(
                res.field_error(),
                (422, "amount_cents", "amount_too_large"),
                "{cents}"
            );
        }
        // The page form: 1 000 000 000,00 comes back with the message and what was typed.
        let op = app.logged_in(people::OPERATOR).await;
        let holder = w.card.participant.expect("the card's holder");
        let group = w.fruits.to_string();
        let fields = [
            ("adjust_group", group.as_str()),
            ("adjust_amount", "1000000000,00"),
            ("adjust_reason", "erreur"),
        ];
        let page = op
            .send(
                &w.program_page(&format!("/participants/{holder}/ajuster")),
                &fields,
            )
            .await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["adjust_amount"]);
        assert!(
            page.has("1000000000,00") && page.has("dépasse le maximum permis"),
            "{page:?}"
        );
        nothing_changed(&app, &w, 2000).await;
        app.stop().await;
    }
}

/// The summer schedule: 10 $ of fruits on the first of June, July and August.
async fn summer(app: &TestApp, w: &CouponProgram) -> halles_core::ScheduleId {
    let types = app.store.participant_types(w.program).await.unwrap();
    let input = ScheduleInput {
        name: "Été".into(),
        starts_on: date(2026, 6, 1),
        ends_on: date(2026, 8, 31),
        moment: LoadMoment::FirstOfMonth,
        max_loads: 3,
        carry_over: true,
        usage_based: false,
        expiry: Expiry::Never,
        amounts: vec![(types[0].id, w.fruits, Cents(1000))],
    };
    app.store
        .create_schedule(&w.operated(app).await, &input)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_schedule_amount_beyond_the_maximum_is_refused() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let types = app.store.participant_types(w.program).await.unwrap();
        let body = json!({"name": "Trop", "starts_on": "2026-06-01", "ends_on": "2026-08-31",
            "moment": "first_of_month", "max_loads": 3,
            "amounts": [{"participant_type_id": types[0].id.0, "product_group_id": w.fruits.0,
                "amount_cents": 10_000_001}]});
        let path = format!(
            "/organizations/{}/programs/{}/allocation-schedules",
            w.operator.id, w.program
        );
        let res = operator_api(&app, &w).await.post_json(&path, &body).await;
        assert_eq!(
            res.field_error(),
            (422, "amounts[0].amount_cents", "amount_too_large")
        );
        nothing_changed(&app, &w, 2000).await;
        app.stop().await;
    }
}

#[tokio::test]
async fn an_envelope_beyond_the_maximum_comes_back_with_what_was_typed_and_none_is_kept() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let (sid, pid) = (summer(&app, &w).await.to_string(), w.partner.id.to_string());
        let op = app.logged_in(people::OPERATOR).await;
        let fields = [
            ("schedule", sid.as_str()),
            ("partner", pid.as_str()),
            ("budget", "10 000 000,01"),
        ];
        let page = op.send(&w.program_page("/enveloppes"), &fields).await;
        assert_eq!(page.status, 422);
        assert!(
            page.has("10 000 000,01") && page.has("10 000 000,00 $ par budget"),
            "{page:?}"
        );
        let envelopes = app
            .store
            .envelopes(&w.operated(&app).await, None)
            .await
            .unwrap();
        assert!(envelopes.is_empty(), "{envelopes:?}");
        nothing_changed(&app, &w, 2000).await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_sale_or_refund_line_beyond_the_maximum_is_refused_and_only_honest_sales_count() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let number = w.card.number.as_str();
        for cents in [i64::MAX, 10_000_001] {
            let res = w.redeem(&app, &format!("big-{cents}"), number, cents).await;
            assert_eq!(
                res.field_error(),
                (422, "lines[0].amount_cents", "amount_too_large")
            );
        }
        let sale = w.redeem(&app, "honest", number, 500).await.id();
        let refund = format!("/organizations/{}/redemptions/{sale}/refunds", w.market.id);
        let body = json!({"lines": [{"product_group_id": w.fruits.0, "amount_cents": i64::MAX}]});
        let res = w.market_api(&app).post_json(&refund, &body).await;
        assert_eq!(
            res.field_error(),
            (422, "lines[0].amount_cents", "amount_too_large")
        );
        nothing_changed(&app, &w, 1500).await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_cycles_fee_or_minimum_order_beyond_the_maximum_is_refused() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let hub = w.api(&app, Who::Hub);
        let path = format!("/organizations/{}/order-cycles", w.hub.id);
        let body = cycle_body(&app, &[w.farm.id]);
        let mut fee = body.clone();
        fee["order_fee_cents"] = json!(i64::MAX);
        let mut minimum = body.clone();
        minimum["locations"][0]["min_order_cents"] = json!(10_000_001);
        for (body, field) in [
            (fee, "order_fee_cents"),
            (minimum, "locations[0].min_order_cents"),
        ] {
            let res = hub.post_json(&path, &body).await;
            assert_eq!(res.field_error(), (422, field, "amount_too_large"));
        }
        assert_eq!(
            hub.post_json(&path, &body).await.status,
            201,
            "a sane one is created"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_price_or_quantity_beyond_the_maximum_is_refused_on_the_grid() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        for (quantity, price, field, code) in [
            ("40", 10_000_001, "[0].price_cents", "amount_too_large"),
            ("100000.001", 250, "[0].quantity", "qty_too_large"),
            ("99999999999999999999", 250, "[0].quantity", "qty_too_large"),
        ] {
            let offer =
                json!([{"product_id": w.carrots, "quantity": quantity, "price_cents": price}]);
            let res = w.post_availability(&app, Who::Farm, &offer).await;
            assert_eq!(
                res.field_error(),
                (422, field, code),
                "{quantity} at {price}"
            );
        }
        assert_eq!(
            w.availability(&app, Who::Farm).await.list()[0]["quantity"],
            "40"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_order_quantity_beyond_the_maximum_is_refused_as_such_and_reserves_nothing() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        for q in ["100001", "9223372036854775.807"] {
            let res = w
                .order(&app, Who::Cpe, None, &w.order_body(&[(w.carrots, q)]))
                .await;
            assert_eq!(
                res.field_error(),
                (422, "lines[0].quantity", "qty_too_large"),
                "{q}"
            );
        }
        let offered = w.catalog(&app, Who::Cpe).await;
        let carrots = offered
            .list()
            .iter()
            .find(|i| i["product"]["id"] == w.carrots)
            .cloned();
        assert_eq!(
            carrots.map(|c| c["remaining"].clone()),
            Some(json!("40")),
            "{}",
            offered.body
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_imported_row_beyond_the_maximums_is_named_and_nothing_is_imported() {
    for app in TestApp::on_every_db().await {
        let program = ProgramInput {
            name: "Hors plateforme".into(),
            off_platform: true,
            ..bonne_bouffe()
        };
        let pp: PartnerProgram = World::partner_program(&app, program).await;
        let staff = app.logged_in(people::PARTNER_STAFF).await;
        let head =
            "type;identifiant 1;date du consentement;début;fin;fréquence;Fruits et légumes\n";
        // One load above $100,000; then loads that add up to more than $10,000,000 (104 Mondays
        // of $100,000); then a row outside the program's season.
        for (row, message) in [
            (
                "1;A-1;2026-11-01;2026-12-01;2027-05-31;mensuel;1000000000,00\n",
                "100 000,00 $ par mouvement",
            ),
            (
                "1;A-2;2026-11-01;2026-01-05;2027-12-31;hebdomadaire;100000,00\n",
                "10 000 000,00 $ par budget",
            ),
            // Dates past the program's season (which ends 2027-12-31).
            (
                "1;A-3;2026-11-01;2026-12-01;2099-05-31;mensuel;10,00\n",
                "courent pendant la saison du programme",
            ),
        ] {
            let fields = [("consent_purpose", "Programme"), ("action", "apply")];
            let file = ("file", "liste.csv", format!("{head}{row}").into_bytes());
            let page = staff.upload(&pp.import_page(), &fields, file).await;
            assert_eq!(page.status, 422);
            assert!(page.has(message), "{page:?}");
        }
        // A type of no program: the store names the field, the page shows it on its select
        // and the API in its problem.
        let participants = format!(
            "/o/{}/programmes/{}/participants",
            pp.partner.id, pp.program
        );
        let fields = [
            ("participant_type", "999999"),
            ("consent_on", "2026-11-01"),
            ("consent_purpose", "Programme"),
        ];
        let page = staff.send(&participants, &fields).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["participant_type_id"]);
        let token = app.token(pp.partner.id, &[Scope::CouponsWrite]).await;
        let path = format!(
            "/organizations/{}/programs/{}/participants",
            pp.partner.id, pp.program
        );
        let body = json!({"participant_type_id": 999_999, "consent_on": "2026-11-01",
            "consent_purpose": "Programme"});
        let res = app.api(&token).post_json(&path, &body).await;
        assert_eq!(
            res.field_error(),
            (422, "participant_type_id", "unknown_type")
        );
        let people = app
            .store
            .participants(&pp.as_partner(&app).await, "")
            .await
            .unwrap();
        assert!(people.is_empty());
        app.stop().await;
    }
}

#[tokio::test]
async fn fields_the_store_refuses_name_themselves_all_at_once() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let api = operator_api(&app, &w).await;
        let programs = format!("/organizations/{}/programs/{}", w.operator.id, w.program);
        let body = json!({"name": " ", "starts_on": "2026-08-31", "ends_on": "2026-06-01",
            "moment": "first_of_month", "max_loads": 0, "amounts": []});
        let res = api
            .post_json(&format!("{programs}/allocation-schedules"), &body)
            .await;
        assert_eq!(
            (res.status, &res.body["code"]),
            (422, &json!("validation_failed"))
        );
        let codes: Vec<_> = res.body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| (e["field"].clone(), e["code"].clone()))
            .collect();
        assert_eq!(
            codes,
            [
                (json!("name"), json!("required")),
                (json!("ends_on"), json!("ends_before_start")),
                (json!("max_loads"), json!("max_loads")),
            ]
        );
        let res = api
            .post_json(&format!("{programs}/cards"), &json!({"size": 0}))
            .await;
        assert_eq!(res.field_error(), (422, "size", "batch_size"));
        let op = app.logged_in(people::OPERATOR).await;
        let page = op.send(&w.program_page("/cartes"), &[("size", "0")]).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["size"]);
        nothing_changed(&app, &w, 2000).await;
        app.stop().await;
    }
}

#[tokio::test]
async fn a_unit_weight_beyond_100_kg_is_refused_and_every_catalog_keeps_answering() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let api = w.api(&app, Who::Farm);
        let products = format!("/organizations/{}/products", w.farm.id);
        let mut lamb = support::world::product_body("Agneau", "each");
        lamb["catch_weight"] = json!(true);
        // The attack of the audit: i64::MAX as the estimated weight of a unit was kept, and
        // once offered it broke every buyer's catalog of the cycle (API and shop page).
        for grams in [json!(i64::MAX), json!(100_001), json!(0)] {
            lamb["est_weight_g"] = grams.clone();
            let res = api.post_json(&products, &lamb).await;
            assert_eq!(
                res.field_error(),
                (422, "est_weight_g", "weight_invalid"),
                "{grams}"
            );
        }
        // The producer's form: the weight comes back with the message and what was typed.
        let farmer = app.logged_in(people::FARMER).await;
        let fields = [
            ("name_fr", "Agneau"),
            ("category", "meat_eggs"),
            ("unit", "each"),
            ("catch_weight", "on"),
            ("est_weight_g", "100001"),
            ("tax_class", "zero_rated"),
            ("origin", "quebec_grown"),
            ("active", "on"),
        ];
        let page = farmer
            .send(&format!("/o/{}/produits/nouveau", w.farm.id), &fields)
            .await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["est_weight_g"]);
        assert!(page.has_error("grams_invalid"));
        assert!(page.has("value=\"100001\""), "typed value kept");
        // 100 kg is the bound: kept, offered, and the catalogs answer.
        lamb["est_weight_g"] = json!(100_000);
        let created = api.post_json(&products, &lamb).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let mut grid = w.availability(&app, Who::Farm).await.list().to_vec();
        grid.push(json!({"product_id": created.id(), "quantity": "5", "price_cents": 10_000_000}));
        let grid: Vec<_> = grid
            .iter()
            .map(|o| {
                json!({"product_id": o["product_id"], "quantity": o["quantity"],
                            "price_cents": o["price_cents"]})
            })
            .collect();
        let res = w.post_availability(&app, Who::Farm, &json!(grid)).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let catalog = w.catalog(&app, Who::Cpe).await;
        assert_eq!(catalog.status, 200, "{}", catalog.body);
        assert!(catalog.body.to_string().contains("Agneau"));
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = kitchen
            .page(&format!(
                "/o/{}/boutique/{}/{}",
                w.cpe.id, w.hub.id, w.cycle
            ))
            .await;
        assert_eq!(shop.status, 200);
        app.stop().await;
    }
}
