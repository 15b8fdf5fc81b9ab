//! The hub's API as a hub's own system uses it, on SQLite and (when configured) PostgreSQL:
//! partners, buyers' tags, visibility rules and the producers' reminder, price rules, a cycle's
//! pickup points and zones, a whole cycle run with API tokens
//! alone, and standing orders paused, started later and stopped (API and page).

mod support;

use halles_core::organizations::{OrgKind, Scope};
use jiff::SignedDuration;
use serde_json::{Value, json};
use support::requests::{Api, Reply};
use support::world::{HubWeek, Who, World, people, product_body};
use support::{TestApp, location};

/// `/organizations/{org}{rest}`.
fn at(org: halles_core::OrgId, rest: &str) -> String {
    format!("/organizations/{org}{rest}")
}

/// The rows of a downloaded list, read back with the project's reader (CSV or XLSX).
fn read_back(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let t = halles_docs::read_table(bytes).unwrap();
    (t.header, t.rows)
}

/// The line of `product` in an order answer.
fn line_of(order: &Value, product: i64) -> Option<&Value> {
    order["lines"]
        .as_array()?
        .iter()
        .find(|l| l["product_id"].as_i64() == Some(product))
}

/// What a cycle's catalog shows `who` for one product, in cents.
async fn price_of(w: &HubWeek, app: &TestApp, who: Who, product: i64) -> i64 {
    let c = w.catalog(app, who).await;
    assert_eq!(c.status, 200, "{}", c.body);
    c.list()
        .iter()
        .find(|i| i["product"]["id"].as_i64() == Some(product))
        .and_then(|i| i["price_cents"].as_i64())
        .unwrap_or_else(|| panic!("{product} not in {}", c.body))
}

#[tokio::test]
async fn a_whole_cycle_runs_through_the_api_alone() {
    for app in TestApp::on_every_db().await {
        // Only the organizations and their tokens exist beforehand (an administrator's work).
        let hub = app.org(OrgKind::Hub, "Pôle de l'Est").await;
        let farm = app.org(OrgKind::Producer, "Ferme des Érables").await;
        let dairy = app.org(OrgKind::Producer, "Fromagerie du Rang").await;
        let cpe = app.org(OrgKind::Buyer, "CPE Les Hiboux").await;
        let bistro = app.org(OrgKind::Buyer, "Bistro du Marché").await;
        let all = Scope::ALL;
        let (t_hub, t_farm, t_dairy, t_cpe, t_bistro) = (
            app.token(hub.id, &all).await,
            app.token(farm.id, &all).await,
            app.token(dairy.id, &all).await,
            app.token(cpe.id, &all).await,
            app.token(bistro.id, &all).await,
        );
        let (h, f, d, c, b) = (
            app.api(&t_hub),
            app.api(&t_farm),
            app.api(&t_dairy),
            app.api(&t_cpe),
            app.api(&t_bistro),
        );

        // Partners and price lists.
        for p in [farm.id, dairy.id] {
            let r = h
                .post_json(&at(hub.id, "/producers"), &json!({"organization_id": p.0}))
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
        }
        for (buyer, kind) in [(cpe.id, "institution"), (bistro.id, "restaurant")] {
            let r = h
                .post_json(
                    &at(hub.id, "/buyers"),
                    &json!({"organization_id": buyer.0, "buyer_type": kind}),
                )
                .await;
            assert_eq!((r.status, r.body["buyer_type"].as_str()), (201, Some(kind)));
        }
        for rule in [
            json!({"margin_bp": 2500}),
            json!({"buyer_type": "institution", "margin_bp": 1500}),
        ] {
            let r = h.post_json(&at(hub.id, "/price-rules"), &rule).await;
            assert_eq!(r.status, 201, "{}", r.body);
        }
        let producers = h.get(&at(hub.id, "/producers")).await;
        assert_eq!(producers.list().len(), 2);

        // Producers put their products.
        let carrots = f
            .post_json(&at(farm.id, "/products"), &product_body("Carottes", "kg"))
            .await
            .id();
        let mut cheddar = product_body("Cheddar", "each");
        cheddar["tax_class"] = json!("taxable");
        let cheese = d.post_json(&at(dairy.id, "/products"), &cheddar).await.id();

        // The cycle with a pickup point, then a delivery zone added and its fee changed.
        let now = app.store.now();
        let cycle = h
            .post_json(
                &at(hub.id, "/order-cycles"),
                &json!({
                    "name": "Semaine 12",
                    "opens_at": (now + SignedDuration::from_hours(1)).to_string(),
                    "closes_at": (now + SignedDuration::from_hours(72)).to_string(),
                    "producer_ids": [farm.id.0, dairy.id.0],
                    "locations": [{"kind": "pickup", "name": "Entrepôt", "min_order_cents": 1000}]
                }),
            )
            .await;
        assert_eq!(cycle.status, 201, "{}", cycle.body);
        let cycle_id = cycle.id();
        let locations = format!("/order-cycles/{cycle_id}/locations");
        let pickup = cycle.body["locations"][0]["id"].as_i64().unwrap();
        let zone = h
            .post_json(
                &at(hub.id, &locations),
                &json!({"kind": "delivery", "name": "Zone Est", "fee_cents": 1000}),
            )
            .await;
        assert_eq!(zone.status, 201, "{}", zone.body);
        let zone_id = zone.id();
        let zone = h
            .put_json(
                &at(hub.id, &format!("{locations}/{zone_id}")),
                &json!({"kind": "delivery", "name": "Zone Est", "fee_cents": 1500, "min_order_cents": 2000}),
            )
            .await;
        assert_eq!(
            (zone.status, zone.body["fee_cents"].as_i64()),
            (200, Some(1500))
        );
        assert_eq!(h.get(&at(hub.id, &locations)).await.list().len(), 2);

        // Producers post what they have; the hub opens the cycle.
        for (api, org, product, qty, price) in [
            (&f, farm.id, carrots, "40", 250),
            (&d, dairy.id, cheese, "10", 800),
        ] {
            let r = api
                .put_json(
                    &at(
                        org,
                        &format!("/hubs/{}/order-cycles/{cycle_id}/availability", hub.id),
                    ),
                    &json!([{"product_id": product, "quantity": qty, "price_cents": price}]),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let opened = h
            .post_json(
                &at(hub.id, &format!("/order-cycles/{cycle_id}/open")),
                &json!({}),
            )
            .await;
        assert_eq!(
            opened.body["status"].as_str(),
            Some("open"),
            "{}",
            opened.body
        );

        // Buyers order: the daycare at the pickup point, the bistro delivered.
        let order = |location: i64, lines: Value| json!({"hub_id": hub.id.0, "cycle_id": cycle_id, "location_id": location, "lines": lines});
        let placed = c
            .post_json(
                &at(cpe.id, "/orders"),
                &order(pickup, json!([{"product_id": carrots, "quantity": "12.5"}, {"product_id": cheese, "quantity": "2"}])),
            )
            .await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let placed = b
            .post_json(
                &at(bistro.id, "/orders"),
                &order(zone_id, json!([{"product_id": carrots, "quantity": "8"}])),
            )
            .await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        assert_eq!(
            placed.body["fees_cents"].as_i64(),
            Some(1500),
            "the changed fee"
        );

        // The hub reads its orders with names, units, producers, prices and taxes.
        let orders = h
            .get(&at(hub.id, &format!("/order-cycles/{cycle_id}/orders")))
            .await;
        assert_eq!(orders.list().len(), 2);
        let daycare = orders
            .list()
            .iter()
            .find(|o| o["buyer_id"].as_i64() == Some(cpe.id.0))
            .unwrap();
        let carrot_line = line_of(daycare, carrots).unwrap();
        assert_eq!(
            (
                carrot_line["name_fr"].as_str(),
                carrot_line["unit"].as_str(),
                carrot_line["producer_name"].as_str(),
                carrot_line["unit_price_cents"].as_i64(),
                carrot_line["line_total_cents"].as_i64(),
                carrot_line["tax_class"].as_str(),
            ),
            (
                Some("Carottes"),
                Some("kg"),
                Some("Ferme des Érables"),
                Some(288), // 2.50 $ + 15 % for an institution, rounded
                Some(3600),
                Some("zero_rated")
            )
        );
        let cheese_line = line_of(daycare, cheese).unwrap();
        assert_eq!(cheese_line["unit_price_cents"].as_i64(), Some(920));
        assert_eq!(cheese_line["tax_class"].as_str(), Some("taxable"));
        // GST and QST on the taxable cheese only (the pickup point has no fee).
        assert_eq!(
            (daycare["gst_cents"].as_i64(), daycare["qst_cents"].as_i64()),
            (Some(92), Some(184))
        );
        let every = h.get(&at(hub.id, "/orders")).await;
        assert_eq!(every.list().len(), 2, "the hub's own list holds them too");

        // Totals by product and by producer.
        let totals = h
            .get(&at(hub.id, &format!("/order-cycles/{cycle_id}/totals")))
            .await;
        let product_total = totals.body["by_product"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["product_id"].as_i64() == Some(carrots))
            .unwrap();
        assert_eq!(
            (
                product_total["quantity"].as_str(),
                product_total["unit"].as_str(),
                product_total["producer_amount_cents"].as_i64(),
            ),
            (Some("20.5"), Some("kg"), Some(5125))
        );
        let by_producer: Vec<(String, i64)> = totals.body["by_producer"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_owned(),
                    t["producer_amount_cents"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            by_producer,
            vec![
                ("Ferme des Érables".to_owned(), 5125),
                ("Fromagerie du Rang".to_owned(), 1600)
            ]
        );

        // Close, then export the lines as CSV and XLSX and read them back.
        let closed = h
            .post_json(
                &at(hub.id, &format!("/order-cycles/{cycle_id}/close")),
                &json!({}),
            )
            .await;
        assert_eq!(closed.body["status"].as_str(), Some("closed"));
        let late = c
            .post_json(
                &at(cpe.id, "/orders"),
                &order(pickup, json!([{"product_id": carrots, "quantity": "1"}])),
            )
            .await;
        assert_eq!((late.status, late.code()), (409, "cycle_not_open"));
        let http = reqwest::Client::new();
        for format in ["csv", "xlsx"] {
            let res = http
                .get(app.at(&format!(
                    "/api/v1/organizations/{}/order-cycles/{cycle_id}/export/lines?format={format}",
                    hub.id
                )))
                .bearer_auth(&t_hub)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{format}");
            let (header, rows) = read_back(&res.bytes().await.unwrap());
            assert_eq!(header[5], "Produit", "{format}");
            assert_eq!(rows.len(), 3, "{format}");
            assert!(
                rows.iter()
                    .any(|r| r[5] == "Carottes" && r[7] == "12.5" && r[8] == "kg"),
                "{format}: {rows:?}"
            );
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn price_rules_are_listed_added_changed_and_removed_through_the_api() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let h = w.api(&app, Who::Hub);
        let rules = h.get(&at(w.hub.id, "/price-rules")).await;
        assert_eq!(rules.list().len(), 2, "{}", rules.body);
        // 8.00 $ cheese at the restaurant default of 25 %.
        assert_eq!(price_of(&w, &app, Who::Bistro, w.cheese).await, 1000);

        let outsider = app.org(OrgKind::Buyer, "Épicerie hors pôle").await;
        let bad = h
            .post_json(
                &at(w.hub.id, "/price-rules"),
                &json!({"buyer_id": outsider.id.0, "product_id": 999_999, "margin_bp": 100_001}),
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert_eq!(
            bad.fields(),
            vec!["margin_bp", "buyer_id", "product_id"],
            "{}",
            bad.body
        );
        let bad = h
            .post_json(
                &at(w.hub.id, "/price-rules"),
                &json!({"buyer_type": "martian", "margin_bp": 10}),
            )
            .await;
        assert_eq!(bad.field_error(), (422, "buyer_type", "choice_invalid"));

        let added = h
            .post_json(
                &at(w.hub.id, "/price-rules"),
                &json!({"buyer_id": w.bistro.id.0, "product_id": w.cheese, "margin_bp": 1000}),
            )
            .await;
        assert_eq!(added.status, 201, "{}", added.body);
        let rule = at(w.hub.id, &format!("/price-rules/{}", added.id()));
        assert_eq!(price_of(&w, &app, Who::Bistro, w.cheese).await, 880);
        let changed = h
            .put_json(
                &rule,
                &json!({"buyer_id": w.bistro.id.0, "product_id": w.cheese, "margin_bp": 500}),
            )
            .await;
        assert_eq!(
            (changed.status, changed.body["margin_bp"].as_i64()),
            (200, Some(500))
        );
        assert_eq!(price_of(&w, &app, Who::Bistro, w.cheese).await, 840);
        assert_eq!(
            price_of(&w, &app, Who::Cpe, w.cheese).await,
            920,
            "another buyer keeps its own"
        );
        assert_eq!(h.delete(&rule).await.status, 204);
        assert_eq!(h.delete(&rule).await.status, 404);
        assert_eq!(price_of(&w, &app, Who::Bistro, w.cheese).await, 1000);
        // A buyer's token has no price rules to read, another hub's rule is not found.
        let r = w
            .api(&app, Who::Bistro)
            .get(&at(w.bistro.id, "/price-rules"))
            .await;
        assert_eq!((r.status, r.code()), (403, "wrong_kind"));
        app.stop().await;
    }
}

#[tokio::test]
async fn partners_are_linked_changed_and_removed_through_the_api() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let h = w.api(&app, Who::Hub);
        let buyers = h.get(&at(w.hub.id, "/buyers")).await;
        let types: Vec<(&str, &str)> = buyers
            .list()
            .iter()
            .map(|b| {
                (
                    b["name"].as_str().unwrap(),
                    b["buyer_type"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            types,
            vec![("Bistro", "restaurant"), ("CPE", "institution")]
        );

        // A buyer is not a producer, and the reverse; an unknown id answers the same.
        let r = h
            .post_json(
                &at(w.hub.id, "/producers"),
                &json!({"organization_id": w.cpe.id.0}),
            )
            .await;
        assert_eq!(r.field_error(), (422, "organization_id", "not_a_producer"));
        let r = h
            .post_json(
                &at(w.hub.id, "/buyers"),
                &json!({"organization_id": 987_654, "buyer_type": "grocer"}),
            )
            .await;
        assert_eq!(r.field_error(), (422, "organization_id", "not_a_buyer"));

        // A new buyer, then its price list changed: its prices follow.
        let school = app.org(OrgKind::Buyer, "École Saint-Paul").await;
        let linked = h
            .post_json(
                &at(w.hub.id, "/buyers"),
                &json!({"organization_id": school.id.0, "buyer_type": "restaurant"}),
            )
            .await;
        assert_eq!(linked.status, 201, "{}", linked.body);
        let school_token = app.token(school.id, &Scope::ALL).await;
        let school_api = app.api(&school_token);
        let catalog = format!(
            "/organizations/{}/hubs/{}/order-cycles/{}/catalog",
            school.id, w.hub.id, w.cycle
        );
        let cheese_price = |r: &Reply| {
            r.list()
                .iter()
                .find(|i| i["product"]["id"].as_i64() == Some(w.cheese))
                .and_then(|i| i["price_cents"].as_i64())
        };
        assert_eq!(cheese_price(&school_api.get(&catalog).await), Some(1000));
        let changed = h
            .put_json(
                &at(w.hub.id, &format!("/buyers/{}", school.id)),
                &json!({"buyer_type": "institution"}),
            )
            .await;
        assert_eq!(changed.body["buyer_type"].as_str(), Some("institution"));
        assert_eq!(cheese_price(&school_api.get(&catalog).await), Some(920));

        // A producer in an open cycle stays linked; one in none can go.
        let r = h
            .delete(&at(w.hub.id, &format!("/producers/{}", w.farm.id)))
            .await;
        assert_eq!((r.status, r.code()), (409, "producer_in_open_cycle"));
        let idle = app.org(OrgKind::Producer, "Ferme au repos").await;
        h.post_json(
            &at(w.hub.id, "/producers"),
            &json!({"organization_id": idle.id.0}),
        )
        .await;
        let r = h
            .delete(&at(w.hub.id, &format!("/producers/{}", idle.id)))
            .await;
        assert_eq!(r.status, 204);
        assert_eq!(h.get(&at(w.hub.id, "/producers")).await.list().len(), 2);

        // A buyer no longer served loses the catalog, and its standing orders stop.
        let standing = w
            .api(&app, Who::Cpe)
            .post_json(
                &at(w.cpe.id, "/standing-orders"),
                &json!({"hub_id": w.hub.id.0, "every_weeks": 1, "until": "2027-03-01",
                        "location_name": "Entrepôt", "lines": [{"product_id": w.carrots, "quantity": "2"}]}),
            )
            .await;
        assert_eq!(standing.status, 201, "{}", standing.body);
        let r = h
            .delete(&at(w.hub.id, &format!("/buyers/{}", w.cpe.id)))
            .await;
        assert_eq!(r.status, 204);
        assert_eq!(w.catalog(&app, Who::Cpe).await.status, 404);
        let list = w
            .api(&app, Who::Cpe)
            .get(&at(w.cpe.id, "/standing-orders"))
            .await;
        assert_eq!(list.list()[0]["active"].as_bool(), Some(false));
        assert_eq!(
            h.delete(&at(w.hub.id, &format!("/buyers/{}", w.cpe.id)))
                .await
                .status,
            404
        );
        app.stop().await;
    }
}

/// Whether `who`'s catalog of the week's cycle lists `product` (`None`: no catalog, 404).
async fn sees(w: &HubWeek, app: &TestApp, who: Who, product: i64) -> Option<bool> {
    let c = w.catalog(app, who).await;
    if c.status == 404 {
        return None;
    }
    assert_eq!(c.status, 200, "{}", c.body);
    Some(
        c.list()
            .iter()
            .any(|i| i["product"]["id"].as_i64() == Some(product)),
    )
}

#[tokio::test]
async fn buyer_tags_visibility_rules_and_the_producers_reminder_are_set_through_the_api() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let h = w.api(&app, Who::Hub);
        let buyers = h.get(&at(w.hub.id, "/buyers")).await;
        assert!(
            buyers
                .list()
                .iter()
                .all(|b| b["tags"] == json!([]) && b["weight_unit"] == "kg"),
            "{}",
            buyers.body
        );

        // The daycare's tags (kept in lower case, each once, sorted) and pounds first.
        let settings = at(w.hub.id, &format!("/buyers/{}/settings", w.cpe.id));
        let r = h
            .put_json(
                &settings,
                &json!({"tags": ["Petite-enfance", "CPE", "cpe"], "weight_unit": "lb"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            (&r.body["tags"], r.body["weight_unit"].as_str()),
            (&json!(["cpe", "petite-enfance"]), Some("lb"))
        );
        // Tags alone keep the weight unit.
        let r = h.put_json(&settings, &json!({"tags": ["cpe"]})).await;
        assert_eq!(
            (&r.body["tags"], r.body["weight_unit"].as_str()),
            (&json!(["cpe"]), Some("lb"))
        );
        let listed = h.get(&at(w.hub.id, "/buyers")).await;
        let cpe = listed
            .list()
            .iter()
            .find(|b| b["id"].as_i64() == Some(w.cpe.id.0))
            .cloned()
            .unwrap_or_default();
        assert_eq!(cpe["tags"], json!(["cpe"]), "{}", listed.body);
        for (body, field, code) in [
            (json!({"tags": ["deux mots"]}), "tags", "tags_invalid"),
            (json!({"tags": ["a;b"]}), "tags", "tags_invalid"),
            (json!({"tags": [""]}), "tags", "tags_invalid"),
            (json!({"tags": ["x".repeat(31)]}), "tags", "tags_invalid"),
            (
                json!({"tags": (0..11).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
                "tags",
                "tags_invalid",
            ),
            (
                json!({"tags": [], "weight_unit": "oz"}),
                "weight_unit",
                "choice_invalid",
            ),
        ] {
            assert_eq!(
                h.put_json(&settings, &body).await.field_error(),
                (422, field, code)
            );
        }
        let outsider = app.org(OrgKind::Buyer, "Épicerie hors pôle").await;
        let r = h
            .put_json(
                &at(w.hub.id, &format!("/buyers/{}/settings", outsider.id)),
                &json!({"tags": ["cpe"]}),
            )
            .await;
        assert_eq!(r.status, 404, "a buyer the hub does not serve");

        // The cheese kept for daycares: the bistro no longer sees it nor can order it.
        assert_eq!(sees(&w, &app, Who::Bistro, w.cheese).await, Some(true));
        let rule = at(
            w.hub.id,
            &format!("/visibility-rules/products/{}", w.cheese),
        );
        let r = h.put_json(&rule, &json!({"tags": ["CPE"]})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body, json!({"product_id": w.cheese, "tags": ["cpe"]}));
        assert_eq!(sees(&w, &app, Who::Bistro, w.cheese).await, Some(false));
        assert_eq!(sees(&w, &app, Who::Cpe, w.cheese).await, Some(true));
        let refused = w
            .order(&app, Who::Bistro, None, &w.order_body(&[(w.cheese, "1")]))
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.code(), "not_offered");
        let r = h.put_json(&rule, &json!({"tags": ["a b"]})).await;
        assert_eq!(r.field_error(), (422, "tags", "tags_invalid"));
        let r = h
            .put_json(
                &at(w.hub.id, "/visibility-rules/products/999999"),
                &json!({"tags": ["cpe"]}),
            )
            .await;
        assert_eq!(r.status, 404);

        // The whole cycle kept for hospitals: no buyer here carries the tag.
        let cycle_rule = at(
            w.hub.id,
            &format!("/visibility-rules/order-cycles/{}", w.cycle),
        );
        let r = h.put_json(&cycle_rule, &json!({"tags": ["hôpital"]})).await;
        assert_eq!(r.body, json!({"cycle_id": w.cycle, "tags": ["hôpital"]}));
        assert_eq!(sees(&w, &app, Who::Cpe, w.carrots).await, None);
        assert_eq!(sees(&w, &app, Who::Bistro, w.carrots).await, None);
        let rules = h.get(&at(w.hub.id, "/visibility-rules")).await;
        assert_eq!(
            rules.body,
            json!({"products": [{"product_id": w.cheese, "tags": ["cpe"]}],
                   "cycles": [{"cycle_id": w.cycle, "tags": ["hôpital"]}]})
        );
        h.put_json(&cycle_rule, &json!({"tags": ["cpe"]})).await;
        assert_eq!(sees(&w, &app, Who::Cpe, w.carrots).await, Some(true));
        assert_eq!(sees(&w, &app, Who::Bistro, w.carrots).await, None);
        // Empty lists show both to everyone again.
        h.put_json(&cycle_rule, &json!({"tags": []})).await;
        h.put_json(&rule, &json!({"tags": []})).await;
        assert_eq!(sees(&w, &app, Who::Bistro, w.cheese).await, Some(true));
        assert_eq!(
            h.get(&at(w.hub.id, "/visibility-rules")).await.body,
            json!({"products": [], "cycles": []})
        );
        let r = h
            .put_json(
                &at(w.hub.id, "/visibility-rules/order-cycles/999999"),
                &json!({"tags": []}),
            )
            .await;
        assert_eq!(r.status, 404);

        // When producers that posted nothing are reminded.
        let reminders = at(w.hub.id, "/producer-reminders");
        assert_eq!(h.get(&reminders).await.body, json!({"reminder_hours": 24}));
        let r = h.put_json(&reminders, &json!({"reminder_hours": 48})).await;
        assert_eq!((r.status, &r.body), (200, &json!({"reminder_hours": 48})));
        assert_eq!(h.get(&reminders).await.body["reminder_hours"], 48);
        for hours in [0, 169, -1] {
            let r = h
                .put_json(&reminders, &json!({"reminder_hours": hours}))
                .await;
            assert_eq!(
                r.field_error(),
                (422, "reminder_hours", "reminder_hours_out_of_range")
            );
        }
        assert_eq!(h.get(&reminders).await.body["reminder_hours"], 48);
        // A buyer has neither reminders nor rules of its own.
        let b = w.api(&app, Who::Bistro);
        let r = b.get(&at(w.bistro.id, "/producer-reminders")).await;
        assert_eq!((r.status, r.code()), (403, "wrong_kind"));
        let r = b.get(&at(w.bistro.id, "/visibility-rules")).await;
        assert_eq!((r.status, r.code()), (403, "wrong_kind"));
        app.stop().await;
    }
}

#[tokio::test]
async fn pickup_points_and_zones_are_added_and_changed_through_the_api() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let h = w.api(&app, Who::Hub);
        let path = at(w.hub.id, &format!("/order-cycles/{}/locations", w.cycle));
        let bad = h
            .post_json(
                &path,
                &json!({"kind": "drone", "name": " ", "fee_cents": 10_000_001}),
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert_eq!(bad.fields(), vec!["name", "kind", "fee_cents"]);
        let dup = h
            .post_json(&path, &json!({"kind": "pickup", "name": "Entrepôt"}))
            .await;
        assert_eq!(dup.field_error(), (422, "name", "duplicate_name"));

        // A standing order named the pickup point: a new name follows into it.
        let standing = w
            .api(&app, Who::Cpe)
            .post_json(
                &at(w.cpe.id, "/standing-orders"),
                &json!({"hub_id": w.hub.id.0, "every_weeks": 1, "until": "2027-03-01",
                        "location_name": "Entrepôt", "lines": [{"product_id": w.carrots, "quantity": "2"}]}),
            )
            .await;
        assert_eq!(standing.status, 201, "{}", standing.body);
        let renamed = h
            .put_json(
                &format!("{path}/{}", w.location),
                &json!({"kind": "pickup", "name": "Entrepôt du Pôle", "fee_cents": 250, "min_order_cents": 1000}),
            )
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.body);
        let list = w
            .api(&app, Who::Cpe)
            .get(&at(w.cpe.id, "/standing-orders"))
            .await;
        assert_eq!(
            list.list()[0]["location_name"].as_str(),
            Some("Entrepôt du Pôle")
        );
        // The new fee applies to the next order.
        let placed = w
            .order(&app, Who::Bistro, None, &w.order_body(&[(w.carrots, "5")]))
            .await;
        assert_eq!(placed.body["fees_cents"].as_i64(), Some(300 + 250));
        // Another hub's cycle is not found; a closed cycle refuses changes.
        let other = app.org(OrgKind::Hub, "Autre pôle").await;
        let t_other = app.token(other.id, &Scope::ALL).await;
        let r = app
            .api(&t_other)
            .get(&at(
                other.id,
                &format!("/order-cycles/{}/locations", w.cycle),
            ))
            .await;
        assert_eq!(r.status, 404);
        h.post_json(
            &at(w.hub.id, &format!("/order-cycles/{}/close", w.cycle)),
            &json!({}),
        )
        .await;
        let r = h
            .post_json(&path, &json!({"kind": "delivery", "name": "Zone Nord"}))
            .await;
        assert_eq!((r.status, r.code()), (409, "cycle_closed"));
        app.stop().await;
    }
}

/// A standing order of the daycare at the pickup point.
async fn standing(app: &TestApp, w: &HubWeek, extra: Value) -> i64 {
    let mut body = json!({"hub_id": w.hub.id.0, "every_weeks": 1, "until": "2027-03-01",
        "location_name": "Entrepôt",
        "lines": [{"product_id": w.carrots, "quantity": "4"}, {"product_id": w.cheese, "quantity": "2"}]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let r = w
        .api(app, Who::Cpe)
        .post_json(&at(w.cpe.id, "/standing-orders"), &body)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.id()
}

async fn runs(api: &Api, w: &HubWeek, id: i64) -> Value {
    let list = api.get(&at(w.cpe.id, "/standing-orders")).await;
    list.list()
        .iter()
        .find(|s| s["id"].as_i64() == Some(id))
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn standing_orders_start_later_pause_resume_and_stop_taking_back_their_lines() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let cpe = w.api(&app, Who::Cpe);
        // Starts in two weeks (the next cycle closes before), and another one paused.
        let later = standing(&app, &w, json!({"starts_on": "2026-12-12"})).await;
        let paused = standing(&app, &w, json!({})).await;
        let r = cpe
            .post_json(
                &at(w.cpe.id, &format!("/standing-orders/{paused}/pause")),
                &json!({}),
            )
            .await;
        assert_eq!((r.status, r.body["paused"].as_bool()), (200, Some(true)));
        let bad = standing_refused(&app, &w, json!({"starts_on": "2027-04-01"})).await;
        assert_eq!((bad.status, bad.code()), (409, "ends_before_start"));

        let week1 = next_week_with_offers(&app, &w, w.cycle).await;
        assert!(
            runs(&cpe, &w, later).await["runs"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(
            runs(&cpe, &w, paused).await["runs"]
                .as_array()
                .unwrap()
                .is_empty()
        );

        // Resumed, it runs in the next cycle; the one starting later runs then too.
        let r = cpe
            .post_json(
                &at(w.cpe.id, &format!("/standing-orders/{paused}/resume")),
                &json!({}),
            )
            .await;
        assert_eq!(r.body["paused"].as_bool(), Some(false));
        let week2 = next_week_with_offers(&app, &w, week1).await;
        let s = runs(&cpe, &w, later).await;
        assert_eq!(s["runs"][0]["outcome"].as_str(), Some("placed"), "{s}");
        let order_id = s["runs"][0]["order_id"].as_i64().unwrap();
        assert_eq!(
            runs(&cpe, &w, paused).await["runs"][0]["order_id"].as_i64(),
            Some(order_id),
            "both went into the daycare's one open order"
        );

        // The buyer adds carrots by hand to the same order.
        let body = json!({"hub_id": w.hub.id.0, "cycle_id": week2, "location_id": runs_location(&app, &w, week2).await,
                          "lines": [{"product_id": w.carrots, "quantity": "1.5"}]});
        let added = cpe.post_json(&at(w.cpe.id, "/orders"), &body).await;
        assert_eq!(
            (added.status, added.id()),
            (200, order_id),
            "{}",
            added.body
        );
        let s = runs(&cpe, &w, later).await;
        assert_eq!(
            s["placed_this_week"],
            json!([{"cycle_id": week2, "order_id": order_id,
                    "lines": [{"product_id": w.carrots, "quantity": "4"}, {"product_id": w.cheese, "quantity": "2"}]}])
        );

        // Stopping asks for an explicit choice.
        let stop = at(w.cpe.id, &format!("/standing-orders/{later}/stop"));
        assert_eq!(cpe.post_json(&stop, &json!({})).await.status, 400);
        let stopped = cpe.post_json(&stop, &json!({"take_back": true})).await;
        assert_eq!(stopped.status, 200, "{}", stopped.body);
        assert_eq!(
            stopped.body["standing_order"]["active"].as_bool(),
            Some(false)
        );
        assert_eq!(
            stopped.body["taken_back"][0]["order_id"].as_i64(),
            Some(order_id)
        );
        let order = cpe.get(&at(w.cpe.id, &format!("/orders/{order_id}"))).await;
        assert_eq!(order.body["status"].as_str(), Some("placed"));
        // 4 + 4 + 1.5 carrots less the 4 it placed; 2 + 2 cheeses less its 2.
        assert_eq!(
            line_of(&order.body, w.carrots).unwrap()["quantity"].as_str(),
            Some("5.5")
        );
        assert_eq!(
            line_of(&order.body, w.cheese).unwrap()["quantity"].as_str(),
            Some("2")
        );
        // What it took went back on offer.
        let grid = w
            .api(&app, Who::Farm)
            .get(&w.availability_path(Who::Farm, week2))
            .await;
        let carrots_reserved = grid
            .list()
            .iter()
            .find(|g| g["product_id"].as_i64() == Some(w.carrots))
            .and_then(|g| g["reserved"].as_str().map(str::to_owned));
        assert_eq!(carrots_reserved.as_deref(), Some("5.5"), "{}", grid.body);
        // Stopped once: a second stop, or a pause, is refused.
        let again = cpe.post_json(&stop, &json!({"take_back": true})).await;
        assert_eq!(
            (again.status, again.code()),
            (409, "status_change_not_allowed")
        );

        // Stopping without taking back leaves the order as it is.
        let kept = cpe
            .post_json(
                &at(w.cpe.id, &format!("/standing-orders/{paused}/stop")),
                &json!({"take_back": false}),
            )
            .await;
        assert_eq!(kept.body["taken_back"], json!([]));
        let order = cpe.get(&at(w.cpe.id, &format!("/orders/{order_id}"))).await;
        assert_eq!(
            line_of(&order.body, w.carrots).unwrap()["quantity"].as_str(),
            Some("5.5")
        );
        // Another buyer cannot stop it.
        let r = w
            .api(&app, Who::Bistro)
            .post_json(
                &at(w.bistro.id, &format!("/standing-orders/{paused}/stop")),
                &json!({"take_back": true}),
            )
            .await;
        assert_eq!(r.status, 404);
        app.stop().await;
    }
}

/// A standing order set up with `extra`, expected refused.
async fn standing_refused(app: &TestApp, w: &HubWeek, extra: Value) -> Reply {
    let mut body = json!({"hub_id": w.hub.id.0, "every_weeks": 1, "until": "2027-03-01",
        "location_name": "Entrepôt", "lines": [{"product_id": w.carrots, "quantity": "4"}]});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    w.api(app, Who::Cpe)
        .post_json(&at(w.cpe.id, "/standing-orders"), &body)
        .await
}

/// The pickup point of a cycle.
async fn runs_location(app: &TestApp, w: &HubWeek, cycle: i64) -> i64 {
    let l = w
        .api(app, Who::Hub)
        .get(&at(w.hub.id, &format!("/order-cycles/{cycle}/locations")))
        .await;
    l.list()[0]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn stopping_a_standing_order_on_its_page_asks_first_and_takes_back_its_lines() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let id = standing(&app, &w, json!({})).await;
        next_week_with_offers(&app, &w, w.cycle).await;
        let cpe = w.api(&app, Who::Cpe);
        let order_id = runs(&cpe, &w, id).await["runs"][0]["order_id"]
            .as_i64()
            .unwrap();
        let kitchen = app.logged_in(people::KITCHEN).await;
        let list = format!("/o/{}/commandes-recurrentes", w.cpe.id);

        // Paused and resumed from the page.
        let res = kitchen.post_form(&format!("{list}/{id}/pause"), &[]).await;
        assert_eq!(res.status(), 303);
        let page = kitchen.get(&list).await.text().await.unwrap();
        assert!(page.contains("data-status=\"paused\""), "{page}");
        kitchen
            .post_form(&format!("{list}/{id}/reprendre"), &[])
            .await;
        let page = kitchen.get(&list).await.text().await.unwrap();
        assert!(!page.contains("data-status=\"paused\""));

        // Stopping asks first, and names the order and what it placed.
        let res = kitchen
            .post_form(&format!("{list}/{id}/arreter"), &[])
            .await;
        assert_eq!(res.status(), 200);
        let question = res.text().await.unwrap();
        assert!(
            question.contains(&format!("data-order=\"{order_id}\"")),
            "{question}"
        );
        assert!(question.contains("name=\"retirer\" value=\"oui\""));
        assert!(
            runs(&cpe, &w, id).await["active"].as_bool() == Some(true),
            "nothing stopped before the answer"
        );
        let res = kitchen
            .post_form(&format!("{list}/{id}/arreter"), &[("retirer", "oui")])
            .await;
        assert_eq!((res.status().as_u16(), location(&res)), (303, list.clone()));
        // Everything in the order came from the standing order: the order is cancelled.
        let order = cpe.get(&at(w.cpe.id, &format!("/orders/{order_id}"))).await;
        assert_eq!(
            order.body["status"].as_str(),
            Some("cancelled"),
            "{}",
            order.body
        );
        let page = kitchen.get(&list).await.text().await.unwrap();
        assert!(page.contains("data-status=\"stopped\""));
        app.stop().await;
    }
}

/// The copy of cycle `from` one week later, with the producers' offers, opened on time
/// (standing orders run then).
async fn next_week_with_offers(app: &TestApp, w: &HubWeek, from: i64) -> i64 {
    let h = w.api(app, Who::Hub);
    let copy = h
        .post_json(
            &at(w.hub.id, &format!("/order-cycles/{from}/copy")),
            &json!({}),
        )
        .await;
    assert_eq!(copy.status, 201, "{}", copy.body);
    let id = copy.id();
    for (who, product, qty, price) in [
        (Who::Farm, w.carrots, "40", 250),
        (Who::Dairy, w.cheese, "10", 800),
    ] {
        let r = w
            .api(app, who)
            .put_json(
                &w.availability_path(who, id),
                &json!([{"product_id": product, "quantity": qty, "price_cents": price}]),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    app.clock.advance(SignedDuration::from_hours(24 * 7));
    halles::worker::on_time(&app.store, &app.url).await;
    id
}
