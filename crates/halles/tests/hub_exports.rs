//! What a hub sees and exports of a cycle, and a whole cycle run through the API alone as a
//! hub's own system would, on SQLite and (when configured) PostgreSQL: totals by product with
//! their unit, by producer, by buyer and delivery (day and location), in the viewer's
//! language; orders filtered by product; every list downloaded as CSV and XLSX and read back.

mod support;

use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::pricing::BuyerType;
use halles_store::{Actor, TenantScope};
use jiff::SignedDuration;
use serde_json::{Value, json};
use support::TestApp;
use support::world::{Who, World, carrots_on, people, two_delivery_days};

fn scope(org: halles_core::OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

/// GET with a token, the JSON answer.
async fn get_json(http: &reqwest::Client, url: String, token: &str) -> Value {
    let res = http.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// POST with a token and a body, the status and the JSON answer.
async fn post_json(http: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let res = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The rows of a downloaded list, read back with the project's reader (CSV or XLSX).
fn read_back(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let t = halles_docs::read_table(bytes).unwrap();
    (t.header, t.rows)
}

#[tokio::test]
async fn a_hub_runs_a_whole_cycle_through_the_api_and_sees_and_exports_it_on_its_page() {
    for app in TestApp::on_every_db().await {
        let hub = app.org(OrgKind::Hub, "Pôle").await;
        let farm = app.org(OrgKind::Producer, "Ferme Tournesol").await;
        let cpe = app.org(OrgKind::Buyer, "CPE Les Lucioles").await;
        let bistro = app.org(OrgKind::Buyer, "Bistro Verdun").await;
        let h = app.store.own_hub(&scope(hub.id)).await.unwrap();
        app.store.link_producer(&h, farm.id).await.unwrap();
        app.store
            .link_buyer(&h, cpe.id, BuyerType::Institution)
            .await
            .unwrap();
        app.store
            .link_buyer(&h, bistro.id, BuyerType::Restaurant)
            .await
            .unwrap();
        let all = Scope::ALL;
        let (t_hub, t_farm, t_cpe, t_bistro) = (
            app.token(hub.id, &all).await,
            app.token(farm.id, &all).await,
            app.token(cpe.id, &all).await,
            app.token(bistro.id, &all).await,
        );
        let http = reqwest::Client::new();
        let api = |path: &str| app.at(&format!("/api/v1/organizations{path}"));

        // The farm's products: carrots by the kilogram (with an English name), eggs by the unit.
        let (s, carrots) = post_json(&http, api(&format!("/{}/products", farm.id)), &t_farm,
            json!({"name_fr": "Carottes", "name_en": "Carrots", "category": "vegetables", "unit": "kg",
                   "tax_class": "zero_rated", "origin": "quebec_grown"})).await;
        assert_eq!(s, 201);
        let carrots = carrots["id"].as_i64().unwrap();
        let (s, jam) = post_json(
            &http,
            api(&format!("/{}/products", farm.id)),
            &t_farm,
            json!({"name_fr": "Confiture de fraises", "category": "vegetables", "unit": "each",
                   "tax_class": "taxable", "origin": "quebec_processed"}),
        )
        .await;
        assert_eq!(s, 201);
        let jam = jam["id"].as_i64().unwrap();

        // The hub's system creates the cycle and opens it by hand, before its opening time.
        let now = app.store.now();
        let (s, cycle) = post_json(&http, api(&format!("/{}/order-cycles", hub.id)), &t_hub, json!({
            "name": "Semaine 49", "opens_at": (now + SignedDuration::from_hours(24)).to_string(),
            "closes_at": (now + SignedDuration::from_hours(72)).to_string(),
            "producer_ids": [farm.id.0],
            "locations": [{"kind": "pickup", "name": "Entrepôt", "fee_cents": 0, "min_order_cents": 0},
                          {"kind": "delivery", "name": "Zone Ouest", "fee_cents": 1500, "min_order_cents": 0}]
        })).await;
        assert_eq!(s, 201);
        let cycle_id = cycle["id"].as_i64().unwrap();
        let (pickup, zone) = (
            cycle["locations"][0]["id"].as_i64().unwrap(),
            cycle["locations"][1]["id"].as_i64().unwrap(),
        );
        let res = http
            .put(api(&format!(
                "/{}/hubs/{}/order-cycles/{cycle_id}/availability",
                farm.id, hub.id
            )))
            .bearer_auth(&t_farm)
            .json(
                &json!([{"product_id": carrots, "quantity": "100", "price_cents": 250},
                          {"product_id": jam, "quantity": "50", "price_cents": 600}]),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let (s, opened) = post_json(
            &http,
            api(&format!("/{}/order-cycles/{cycle_id}/open", hub.id)),
            &t_hub,
            json!({}),
        )
        .await;
        assert_eq!((s, opened["status"].as_str()), (200, Some("open")));
        let (s, again) = post_json(
            &http,
            api(&format!("/{}/order-cycles/{cycle_id}/open", hub.id)),
            &t_hub,
            json!({}),
        )
        .await;
        assert_eq!(s, 409, "an open cycle does not open again: {again}");

        // Two buyers order: the daycare twice (pickup and delivery), the bistro once.
        let order = |location: i64, lines: Value| json!({"hub_id": hub.id.0, "cycle_id": cycle_id, "location_id": location, "lines": lines});
        let (s, _) = post_json(&http, api(&format!("/{}/orders", cpe.id)), &t_cpe,
            order(pickup, json!([{"product_id": carrots, "quantity": "12.5"}, {"product_id": jam, "quantity": "2"}]))).await;
        assert_eq!(s, 201);
        let (s, _) = post_json(
            &http,
            api(&format!("/{}/orders", cpe.id)),
            &t_cpe,
            order(zone, json!([{"product_id": carrots, "quantity": "5"}])),
        )
        .await;
        assert_eq!(s, 201);
        let (s, _) = post_json(
            &http,
            api(&format!("/{}/orders", bistro.id)),
            &t_bistro,
            order(pickup, json!([{"product_id": jam, "quantity": "1"}])),
        )
        .await;
        assert_eq!(s, 201);

        // The hub's order list is no longer empty, and lines carry names, units, producer,
        // prices and taxes.
        let mine = get_json(&http, api(&format!("/{}/orders", hub.id)), &t_hub).await;
        assert_eq!(
            mine.as_array().unwrap().len(),
            3,
            "the hub lists its orders"
        );
        let orders = get_json(
            &http,
            api(&format!("/{}/order-cycles/{cycle_id}/orders", hub.id)),
            &t_hub,
        )
        .await;
        let first = orders
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["buyer_name"] == "CPE Les Lucioles" && o["location_id"] == pickup)
            .unwrap();
        let line = first["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["product_id"] == carrots)
            .unwrap();
        assert_eq!(line["name_fr"], "Carottes");
        assert_eq!(line["name_en"], "Carrots");
        assert_eq!(line["unit"], "kg");
        assert_eq!(line["quantity"], "12.5");
        assert_eq!(line["producer_name"], "Ferme Tournesol");
        assert_eq!(line["tax_class"], "zero_rated");
        assert_eq!(
            line["line_total_cents"],
            12_500 * line["unit_price_cents"].as_i64().unwrap() / 1000
        );
        let jam_line = first["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["product_id"] == jam)
            .unwrap();
        assert_eq!(jam_line["tax_class"], "taxable");
        assert!(first["gst_cents"].as_i64().unwrap() > 0);

        // Totals by product (with their unit), by producer, by buyer and location.
        let totals = get_json(
            &http,
            api(&format!("/{}/order-cycles/{cycle_id}/totals", hub.id)),
            &t_hub,
        )
        .await;
        let by_product = totals["by_product"].as_array().unwrap();
        let c = by_product
            .iter()
            .find(|t| t["product_id"] == carrots)
            .unwrap();
        assert_eq!(
            (c["quantity"].as_str(), c["unit"].as_str()),
            (Some("17.5"), Some("kg"))
        );
        assert_eq!(c["producer_amount_cents"], 17_500 * 250 / 1000);
        let j = by_product.iter().find(|t| t["product_id"] == jam).unwrap();
        assert_eq!(
            (j["quantity"].as_str(), j["unit"].as_str()),
            (Some("3"), Some("each"))
        );
        assert_eq!(
            totals["by_producer"][0]["producer_amount_cents"],
            17_500 * 250 / 1000 + 3 * 600
        );
        let by_buyer = totals["by_buyer"].as_array().unwrap();
        assert_eq!(
            by_buyer.len(),
            3,
            "the daycare at two locations, the bistro at one"
        );
        let delivered = by_buyer
            .iter()
            .find(|b| b["location_name"] == "Zone Ouest")
            .unwrap();
        assert_eq!(delivered["name"], "CPE Les Lucioles");
        assert_eq!(delivered["fees_cents"], 1500);

        // The hub's page: totals with units, in French, then in English with the English name.
        app.user("coord@pole.example", Some((hub.id, Role::Admin)))
            .await;
        let b = app.logged_in("coord@pole.example").await;
        let page_path = format!("/o/{}/cycles/{cycle_id}", hub.id);
        let page = b.get(&page_path).await.text().await.unwrap();
        assert!(page.contains("Carottes 17,5 kg"), "{page}");
        assert!(page.contains("Confiture de fraises 3 unités"));
        assert!(page.contains("Totaux par acheteur et livraison") && page.contains("Zone Ouest"));
        // Filtered by product: the bistro ordered no carrots.
        let filtered = b
            .get(&format!("{page_path}?product={carrots}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(filtered.contains("CPE Les Lucioles"));
        let orders_part = |html: &str| {
            html.split("id=\"f-product\"")
                .nth(1)
                .unwrap_or_default()
                .to_owned()
        };
        assert!(
            !orders_part(&filtered).contains("Bistro Verdun"),
            "filtered out"
        );
        assert!(orders_part(&page).contains("Bistro Verdun"));

        // Every list downloads as CSV and XLSX, read back.
        for (list, rows) in [
            ("orders", 3),
            ("lines", 4),
            ("products", 2),
            ("producers", 1),
            ("buyers", 3),
        ] {
            for format in ["csv", "xlsx"] {
                let res = b
                    .get(&format!("{page_path}/exporter/{list}?format={format}"))
                    .await;
                assert_eq!(res.status(), 200, "{list}.{format}");
                let bytes = res.bytes().await.unwrap();
                let (header, got) = read_back(&bytes);
                assert_eq!(got.len(), rows, "{list}.{format}");
                assert!(!header.is_empty());
            }
        }
        let lines = b
            .get(&format!("{page_path}/exporter/lines?format=xlsx"))
            .await
            .bytes()
            .await
            .unwrap();
        let (header, rows) = read_back(&lines);
        assert_eq!(
            (header[4].as_str(), header[5].as_str()),
            ("Jour de livraison", "Produit")
        );
        assert!(
            rows.iter()
                .all(|r| r[4].parse::<jiff::civil::Date>().is_ok()),
            "each line's delivery day"
        );
        assert!(
            rows.iter()
                .any(|r| r[5] == "Carottes" && r[7] == "12.5" && r[8] == "kg")
        );
        let res = b
            .get(&format!("{page_path}/exporter/nope?format=csv"))
            .await;
        assert_eq!(res.status(), 404);

        let res = b
            .post_form("/langue", &[("lang", "en"), ("next", "/")])
            .await;
        assert_eq!(res.status(), 303);
        let page = b.get(&page_path).await.text().await.unwrap();
        assert!(page.contains("Carrots 17.5 kg"), "{page}");
        assert!(
            page.contains("Confiture de fraises 3 units"),
            "no English name: the French one"
        );
        let products = b
            .get(&format!("{page_path}/exporter/products?format=csv"))
            .await
            .bytes()
            .await
            .unwrap();
        let (header, rows) = read_back(&products);
        assert_eq!(header[0], "Product");
        assert!(
            rows.iter()
                .any(|r| r[0] == "Carrots" && r[2] == "17.5" && r[3] == "kg")
        );

        // The hub's system closes the cycle, exports it, and copies it for next week.
        let (s, closed) = post_json(
            &http,
            api(&format!("/{}/order-cycles/{cycle_id}/close", hub.id)),
            &t_hub,
            json!({}),
        )
        .await;
        assert_eq!((s, closed["status"].as_str()), (200, Some("closed")));
        for format in ["csv", "xlsx"] {
            let res = http
                .get(api(&format!(
                    "/{}/order-cycles/{cycle_id}/export/lines?format={format}",
                    hub.id
                )))
                .bearer_auth(&t_hub)
                .header("Accept-Language", "en")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let (header, rows) = read_back(&res.bytes().await.unwrap());
            assert_eq!(
                (header[4].as_str(), header[5].as_str()),
                ("Delivery day", "Product")
            );
            assert_eq!(rows.len(), 4);
            assert!(rows.iter().any(|r| r[5] == "Carrots"));
        }
        let res = http
            .get(api(&format!(
                "/{}/order-cycles/{cycle_id}/export/everything",
                hub.id
            )))
            .bearer_auth(&t_hub)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error());
        let (s, next) = post_json(
            &http,
            api(&format!("/{}/order-cycles/{cycle_id}/copy", hub.id)),
            &t_hub,
            json!({}),
        )
        .await;
        assert_eq!(s, 201);
        assert_eq!(
            (next["name"].as_str(), next["status"].as_str()),
            (Some("Semaine 50"), Some("draft"))
        );
        assert_eq!(next["locations"].as_array().unwrap().len(), 2);

        // Nobody else reads or moves the hub's cycle.
        let res = http
            .get(api(&format!("/{}/order-cycles/{cycle_id}/totals", cpe.id)))
            .bearer_auth(&t_cpe)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "a buyer has no cycles");
        let (s, _) = post_json(
            &http,
            api(&format!("/{}/order-cycles/{cycle_id}/close", bistro.id)),
            &t_bistro,
            json!({}),
        )
        .await;
        assert!(s == 403 || s == 404, "{s}");
        app.stop().await;
    }
}

#[tokio::test]
async fn totals_by_buyer_are_split_by_delivery_day_on_the_page_in_the_exports_and_the_api() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let hub = w.api(&app, Who::Hub);
        let (thursday, friday) = two_delivery_days(&app, &w).await;
        // The daycare, at the same pickup point: 5 kg for Thursday, 4 kg for Friday.
        for (kg, day) in [("5", &thursday), ("4", &friday)] {
            let body = carrots_on(&w, kg, Some(day));
            let r = w.order(&app, Who::Cpe, None, &body).await;
            assert_eq!(r.status, 201, "{}", r.body);
        }
        let path = format!("/organizations/{}/order-cycles/{}", w.hub.id, w.cycle);
        let totals = hub.get(&format!("{path}/totals")).await;
        let rows: Vec<(&str, &str, i64)> = totals.body["by_buyer"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|b| {
                (
                    b["name"].as_str().unwrap_or_default(),
                    b["delivery_day"].as_str().unwrap_or_default(),
                    b["subtotal_cents"].as_i64().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("CPE", thursday.as_str(), 1440),
                ("CPE", friday.as_str(), 1152)
            ],
            "{}",
            totals.body
        );
        // The page names each day of the daycare's totals.
        let coord = app.logged_in(people::COORDINATOR).await;
        let page_path = format!("/o/{}/cycles/{}", w.hub.id, w.cycle);
        let page = coord.page(&page_path).await;
        let by_buyer = page
            .html
            .split("class=\"rows totals-buyer\"")
            .nth(1)
            .unwrap_or_default();
        let by_buyer = &by_buyer[..by_buyer.find("</ul>").unwrap_or(by_buyer.len())];
        assert!(
            by_buyer.contains(&format!("data-day=\"{thursday}\""))
                && by_buyer.contains(&format!("data-day=\"{friday}\"")),
            "{by_buyer}"
        );
        // The buyers' list, downloaded: one row per day, with the day.
        for format in ["csv", "xlsx"] {
            let res = coord
                .get(&format!("{page_path}/exporter/buyers?format={format}"))
                .await;
            assert_eq!(res.status(), 200);
            let (header, rows) = read_back(&res.bytes().await.unwrap_or_default());
            assert_eq!(header[1], "Jour de livraison", "{format}");
            let days: Vec<(&str, &str)> = rows
                .iter()
                .map(|r| (r[0].as_str(), r[1].as_str()))
                .collect();
            assert_eq!(
                days,
                vec![("CPE", thursday.as_str()), ("CPE", friday.as_str())],
                "{format}"
            );
        }
        app.stop().await;
    }
}
