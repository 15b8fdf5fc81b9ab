//! Fulfilment through the API (issue 14), on SQLite and (when configured) PostgreSQL: a hub's
//! whole week after the cut-off with API tokens alone (purchase orders issued, a receipt
//! refused line by line then recorded, a shortage settled, a producer weighing its own chickens,
//! packing in cases, a route planned and delivered, the recall report, the leftovers donated
//! until every lot is back to zero), and who may call each route.

mod support;

use halles_core::organizations::{OrgKind, Scope};
use jiff::SignedDuration;
use serde_json::{Value, json};
use support::TestApp;
use support::matrix::{Fixture, api_rows, check};
use support::requests::Reply;

/// `/organizations/{org}{rest}`.
fn at(org: halles_core::OrgId, rest: &str) -> String {
    format!("/organizations/{org}{rest}")
}

/// The fields and codes of a validation problem, as `field:code`.
fn problems(r: &Reply) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .map(|es| {
            es.iter()
                .map(|e| {
                    format!(
                        "{}:{}",
                        e["field"].as_str().unwrap_or(""),
                        e["code"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The item of a list whose `key` is `value`.
fn find<'a>(list: &'a [Value], key: &str, value: i64) -> &'a Value {
    list.iter()
        .find(|v| v[key].as_i64() == Some(value))
        .unwrap_or_else(|| panic!("no {key} = {value} in {list:?}"))
}

#[tokio::test]
async fn a_whole_week_of_fulfilment_runs_through_the_api() {
    for app in TestApp::on_every_db().await {
        let hub = app.org(OrgKind::Hub, "Pôle Nord").await;
        let farm = app.org(OrgKind::Producer, "Ferme Lavoie").await;
        let dairy = app.org(OrgKind::Producer, "Laiterie du Lac").await;
        let hospital = app.org(OrgKind::Buyer, "Hôpital Sainte-Anne").await;
        let daycare = app.org(OrgKind::Buyer, "CPE Les Pousses").await;
        let all = Scope::ALL;
        let h = app.api(&app.token(hub.id, &all).await);
        let f = app.api(&app.token(farm.id, &all).await);
        let d = app.api(&app.token(dairy.id, &all).await);
        let b1 = app.api(&app.token(hospital.id, &all).await);
        let b2 = app.api(&app.token(daycare.id, &all).await);

        // Partners, products, a cycle with one delivery day; orders; the cut-off.
        for p in [farm.id, dairy.id] {
            let r = h
                .post_json(&at(hub.id, "/producers"), &json!({"organization_id": p.0}))
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
        }
        for b in [hospital.id, daycare.id] {
            let r = h
                .post_json(
                    &at(hub.id, "/buyers"),
                    &json!({"organization_id": b.0, "buyer_type": "institution"}),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
        }
        let product = |name: &str, unit: &str| {
            json!({"name_fr": name, "category": "vegetables", "unit": unit, "tax_class": "zero_rated",
                   "origin": "quebec_grown"})
        };
        let carrots = f
            .post_json(&at(farm.id, "/products"), &product("Carottes", "kg"))
            .await
            .id();
        let mut whole_chicken = product("Poulet entier", "each");
        whole_chicken["category"] = json!("meat_eggs");
        whole_chicken["catch_weight"] = json!(true);
        whole_chicken["est_weight_g"] = json!(2000);
        let chicken = f.post_json(&at(farm.id, "/products"), &whole_chicken).await;
        assert_eq!(chicken.status, 201, "{}", chicken.body);
        let chicken = chicken.id();
        let cheese = d
            .post_json(&at(dairy.id, "/products"), &product("Cheddar", "each"))
            .await
            .id();
        let now = app.store.now();
        let day = "2026-12-03";
        let cycle = h
            .post_json(
                &at(hub.id, "/order-cycles"),
                &json!({
                    "name": "Semaine 49",
                    "opens_at": (now + SignedDuration::from_hours(1)).to_string(),
                    "closes_at": (now + SignedDuration::from_hours(72)).to_string(),
                    "delivery_days": [day],
                    "producer_ids": [farm.id.0, dairy.id.0],
                    "locations": [{"kind": "delivery", "name": "Montréal"}]
                }),
            )
            .await;
        assert_eq!(cycle.status, 201, "{}", cycle.body);
        let c = cycle.id();
        let location = cycle.body["locations"][0]["id"].as_i64().unwrap();
        for (api, org, grid) in [
            (
                &f,
                farm.id,
                json!([{"product_id": carrots, "quantity": "100", "price_cents": 250},
                       {"product_id": chicken, "quantity": "10", "price_cents": 1200}]),
            ),
            (
                &d,
                dairy.id,
                json!([{"product_id": cheese, "quantity": "20", "price_cents": 800}]),
            ),
        ] {
            let path = at(
                org,
                &format!("/hubs/{}/order-cycles/{c}/availability", hub.id),
            );
            let r = api.put_json(&path, &grid).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let r = h
            .post_json(&at(hub.id, &format!("/order-cycles/{c}/open")), &json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let order = |lines: Value| json!({"hub_id": hub.id.0, "cycle_id": c, "location_id": location, "lines": lines});
        let placed = b1
            .post_json(
                &at(hospital.id, "/orders"),
                &order(json!([{"product_id": carrots, "quantity": "10"},
                              {"product_id": chicken, "quantity": "2"},
                              {"product_id": cheese, "quantity": "4"}])),
            )
            .await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let hospital_order = placed.id();
        let placed = b2
            .post_json(
                &at(daycare.id, "/orders"),
                &order(json!([{"product_id": carrots, "quantity": "6"},
                              {"product_id": cheese, "quantity": "2"}])),
            )
            .await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let daycare_order = placed.id();

        // Before the cut-off, nothing is issued.
        let issue = at(hub.id, &format!("/order-cycles/{c}/purchase-orders/issue"));
        let r = h.post_json(&issue, &json!({})).await;
        assert_eq!(
            (r.status, r.code()),
            (409, "cycle_still_open"),
            "{}",
            r.body
        );
        let r = h
            .post_json(&at(hub.id, &format!("/order-cycles/{c}/close")), &json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);

        // Purchase orders: the hub sees both producers', issues them once.
        let pos = h
            .get(&at(hub.id, &format!("/order-cycles/{c}/purchase-orders")))
            .await;
        assert_eq!(pos.status, 200, "{}", pos.body);
        assert_eq!(pos.list().len(), 2);
        let farm_po = find(pos.list(), "producer_id", farm.id.0);
        assert_eq!(farm_po["changed"], json!(true));
        assert_eq!(farm_po["delivery_day"], json!(day));
        assert_eq!(
            find(farm_po["lines"].as_array().unwrap(), "product_id", carrots)["quantity"],
            json!("16")
        );
        let r = h.post_json(&issue, &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["issued"].as_array().map(Vec::len), Some(2));
        let again = h.post_json(&issue, &json!({})).await;
        assert_eq!(again.body["issued"], json!([]), "nothing changed");

        // A producer reads its own purchase orders, with their revisions, and no one else's.
        let own = at(
            farm.id,
            &format!("/hubs/{}/order-cycles/{c}/purchase-orders", hub.id),
        );
        let r = f.get(&own).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.list().len(), 1);
        assert_eq!(r.list()[0]["producer_id"].as_i64(), Some(farm.id.0));
        assert_eq!(r.list()[0]["issued"]["revision"].as_i64(), Some(1));
        let r = f
            .get(&format!("{own}/{}?delivery_day={day}", farm.id))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["revisions"].as_array().map(Vec::len), Some(1));
        let r = f
            .get(&format!("{own}/{}?delivery_day={day}", dairy.id))
            .await;
        assert_eq!(r.status, 404, "another producer's purchase order");
        let r = f
            .get(&at(hub.id, &format!("/order-cycles/{c}/purchase-orders")))
            .await;
        assert_eq!(r.status, 404, "the hub's path with a producer's token");
        let r = b1
            .get(&at(
                hospital.id,
                &format!("/hubs/{}/order-cycles/{c}/purchase-orders", hub.id),
            ))
            .await;
        assert_eq!(r.status, 404, "a buyer has no purchase order");
        let r = b1
            .get(&at(
                hospital.id,
                &format!("/order-cycles/{c}/purchase-orders"),
            ))
            .await;
        assert_eq!((r.status, r.code()), (403, "wrong_kind"));
        let r = f
            .post_json(
                &at(farm.id, &format!("/order-cycles/{c}/purchase-orders/issue")),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, 403, "only the hub issues");

        // Receiving: every problem of every line at once, and nothing recorded.
        let receipts = at(hub.id, &format!("/order-cycles/{c}/receipts"));
        let bad = h
            .post_json(
                &receipts,
                &json!({"producer_id": farm.id.0, "delivery_day": day, "lines": [
                    {"product_id": carrots, "unit": "kg", "quantity": "beaucoup", "lot_code": "LOT 1!"},
                    {"product_id": cheese, "unit": "each", "quantity": "1"},
                    {"product_id": chicken, "unit": "each", "quantity": "1.5", "best_before": "2026-13-40"},
                ]}),
            )
            .await;
        assert_eq!(
            (bad.status, bad.body["code"].as_str()),
            (422, Some("validation_failed")),
            "{}",
            bad.body
        );
        let mut got = problems(&bad);
        got.sort();
        assert_eq!(
            got,
            [
                "lines[0].lot_code:lot_code_invalid",
                "lines[0].quantity:qty_invalid",
                "lines[1].product:not_on_purchase_order",
                "lines[2].best_before:date_invalid",
                "lines[2].quantity:qty_not_whole",
            ],
            "{}",
            bad.body
        );
        let lots = at(hub.id, &format!("/lots?cycle={c}"));
        assert_eq!(h.get(&lots).await.list().len(), 0, "nothing recorded");

        // The farm brought 14 kg of carrots of 16 and both chickens; the dairy its cheese.
        let r = h
            .post_json(
                &receipts,
                &json!({"producer_id": farm.id.0, "delivery_day": day, "lines": [
                    {"product_id": carrots, "unit": "kg", "quantity": "14", "lot_code": "CAR-49",
                     "packed_on": "2026-12-01", "best_before": "2026-12-20"},
                    {"product_id": chicken, "unit": "each", "quantity": "2"},
                ]}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let received = r.body["lots"].as_array().unwrap().clone();
        assert_eq!(received[0]["code"], json!("CAR-49"));
        assert_eq!(received[0]["allocated"], json!("14"));
        assert!(
            received[1]["code"]
                .as_str()
                .is_some_and(|code| !code.is_empty()),
            "a code is generated: {}",
            r.body
        );
        let again = h
            .post_json(
                &receipts,
                &json!({"producer_id": farm.id.0, "delivery_day": day, "lines": [
                    {"product_id": carrots, "unit": "kg", "quantity": "1", "lot_code": "car-49"}]}),
            )
            .await;
        assert_eq!(
            problems(&again),
            ["lines[0].lot_code:lot_code_taken"],
            "{}",
            again.body
        );
        let r = h
            .post_json(
                &receipts,
                &json!({"producer_id": dairy.id.0, "delivery_day": day, "lines": [
                    {"product_id": cheese, "unit": "each", "quantity": "6", "lot_code": "FROM-1"}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);

        // The daycare, the newer order, is 2 kg short; lowered, it is told.
        let shortages = h
            .get(&at(hub.id, &format!("/order-cycles/{c}/shortages")))
            .await;
        assert_eq!(shortages.list().len(), 1, "{}", shortages.body);
        let short = &shortages.list()[0];
        assert_eq!(
            (
                short["order_id"].as_i64(),
                short["ordered"].as_str(),
                short["allocated"].as_str()
            ),
            (Some(daycare_order), Some("6"), Some("4"))
        );
        let resolve = at(
            hub.id,
            &format!(
                "/order-cycles/{c}/shortages/{}",
                short["line_id"].as_i64().unwrap()
            ),
        );
        let r = h
            .post_json(&resolve, &json!({"choice": "substitute"}))
            .await;
        assert_eq!(r.field_error(), (422, "substitute", "substitute_required"));
        let r = h.post_json(&resolve, &json!({"choice": "reduce"})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let carrots_line = r.body["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["product_id"].as_i64() == Some(carrots))
            .unwrap();
        assert_eq!(carrots_line["quantity"], json!("4"));
        let r = h
            .get(&at(hub.id, &format!("/order-cycles/{c}/shortages")))
            .await;
        assert_eq!(r.list().len(), 0);
        let r = h.post_json(&resolve, &json!({"choice": "reduce"})).await;
        assert_eq!(r.status, 404, "no longer short");

        // The farm weighs its own chickens; the dairy cannot, nor see them.
        let weighing = |org| at(org, &format!("/hubs/{}/order-cycles/{c}/weighing", hub.id));
        let to_weigh = f.get(&weighing(farm.id)).await;
        assert_eq!(to_weigh.list().len(), 1, "{}", to_weigh.body);
        let line = to_weigh.list()[0]["line_id"].as_i64().unwrap();
        assert_eq!(to_weigh.list()[0]["quantity"], json!("2"));
        assert_eq!(d.get(&weighing(dairy.id)).await.list().len(), 0);
        let weights = |org| at(org, &format!("/hubs/{}/order-lines/{line}/weights", hub.id));
        let r = d
            .put_json(&weights(dairy.id), &json!({"weights_g": [2000, 2000]}))
            .await;
        assert_eq!(r.status, 404, "another producer's line");
        let r = f
            .put_json(&weights(farm.id), &json!({"weights_g": [2000]}))
            .await;
        assert_eq!(r.field_error(), (422, "weights_g", "weight_invalid"));
        let r = f
            .put_json(&weights(farm.id), &json!({"weights_g": [3000, 3000]}))
            .await;
        assert_eq!(
            r.field_error(),
            (422, "weights_g", "weight_out_of_tolerance")
        );
        let r = f
            .put_json(&weights(farm.id), &json!({"weights_g": [2100, 1950]}))
            .await;
        assert_eq!(
            (r.status, r.body["total_g"].as_i64()),
            (200, Some(4050)),
            "{}",
            r.body
        );
        let weighed = f.get(&weighing(farm.id)).await;
        assert_eq!(weighed.list()[0]["weights_g"], json!([2100, 1950]));
        assert_eq!(weighed.list()[0]["by_producer"], json!(true));

        // Packing: the chickens in their own case; every case has a code to scan.
        let packing = h
            .get(&at(
                hub.id,
                &format!("/order-cycles/{c}/packing?delivery_day={day}"),
            ))
            .await;
        assert_eq!(packing.list().len(), 2, "{}", packing.body);
        let hospital_packing = find(packing.list(), "order_id", hospital_order);
        let chicken_line = hospital_packing["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["product_id"].as_i64() == Some(chicken))
            .unwrap();
        assert_eq!(chicken_line["catch_weight"], json!(true));
        assert_eq!(chicken_line["weights_g"], json!([2100, 1950]));
        let carrot_lots = &hospital_packing["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["product_id"].as_i64() == Some(carrots))
            .unwrap()["lots"];
        assert_eq!(carrot_lots, &json!([{"code": "CAR-49", "quantity": "10"}]));
        let r = h
            .post_json(
                &at(hub.id, &format!("/orders/{hospital_order}/pack")),
                &json!({"cases": [{"line_id": line, "case": 0}]}),
            )
            .await;
        assert_eq!(r.field_error(), (422, "cases", "cases_invalid"));
        let r = h
            .post_json(
                &at(hub.id, &format!("/orders/{hospital_order}/pack")),
                &json!({"cases": [{"line_id": line, "case": 5}]}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let cases = r.list();
        assert_eq!(cases.len(), 2, "{}", r.body);
        assert_eq!(cases[1]["line_ids"], json!([line]));
        assert_eq!(
            (cases[1]["number"].as_i64(), cases[1]["of"].as_i64()),
            (Some(2), Some(2))
        );
        let code = cases[1]["code"].as_str().unwrap().to_owned();
        let r = h
            .post_json(
                &at(hub.id, &format!("/orders/{daycare_order}/pack")),
                &json!({}),
            )
            .await;
        assert_eq!(r.list().len(), 1, "{}", r.body);
        let scanned = h
            .get(&at(hub.id, &format!("/cases/{}", code.to_lowercase())))
            .await;
        assert_eq!(scanned.status, 200, "{}", scanned.body);
        assert_eq!(scanned.body["case"]["code"], json!(code));
        assert_eq!(
            scanned.body["order"]["order_id"].as_i64(),
            Some(hospital_order)
        );
        assert_eq!(h.get(&at(hub.id, "/cases/C999999")).await.status, 404);
        // The day's labels, pick list and packing lists, as the pages print them.
        for (doc, query, kind) in [
            ("labels", "", "application/pdf"),
            ("labels", "&stock=thermal", "application/pdf"),
            ("labels", "&format=zpl", "text/plain; charset=utf-8"),
            ("pick-list", "", "application/pdf"),
            ("packing-lists", "", "application/pdf"),
        ] {
            let r = h
                .get(&at(
                    hub.id,
                    &format!("/order-cycles/{c}/documents/{doc}?delivery_day={day}{query}"),
                ))
                .await;
            assert_eq!(
                (r.status, r.content_type.as_str()),
                (200, kind),
                "{doc}{query}"
            );
        }
        let r = h
            .get(&at(hub.id, &format!("/order-cycles/{c}/documents/nope")))
            .await;
        assert_eq!(r.status, 404);
        let r = h
            .get(&at(
                hub.id,
                &format!("/order-cycles/{c}/documents/labels?delivery_day=demain"),
            ))
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        let r = f
            .put_json(&weights(farm.id), &json!({"weights_g": [2000, 2000]}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "order_not_editable"),
            "packed: the producer no longer weighs"
        );

        // A route with its usual order of buyers, the day planned, the hospital moved first.
        let route = h
            .post_json(&at(hub.id, "/routes"), &json!({"name": "Nord"}))
            .await;
        assert_eq!(route.status, 201, "{}", route.body);
        let route = route.id();
        let r = h
            .post_json(&at(hub.id, "/routes"), &json!({"name": "nord"}))
            .await;
        assert_eq!(r.field_error(), (422, "name", "duplicate_name"));
        let r = h
            .put_json(
                &at(hub.id, &format!("/routes/{route}/buyers")),
                &json!({"buyer_ids": [daycare.id.0, hospital.id.0]}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            r.body["buyers"][1]["buyer_id"].as_i64(),
            Some(hospital.id.0)
        );
        let r = h
            .put_json(
                &at(hub.id, &format!("/buyers/{}/delivery-details", hospital.id)),
                &json!({"address": "1000 rue Sainte-Anne", "contact": "Réception, 514 555-0100",
                        "instructions": "Quai 3"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = h
            .post_json(
                &at(
                    hub.id,
                    &format!("/order-cycles/{c}/routes/plan?delivery_day={day}"),
                ),
                &json!({}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["added"].as_i64()),
            (200, Some(2)),
            "{}",
            r.body
        );
        let manifest = at(
            hub.id,
            &format!("/order-cycles/{c}/routes/{route}/stops?delivery_day={day}"),
        );
        let stops = h.get(&manifest).await;
        let order_ids: Vec<i64> = stops
            .list()
            .iter()
            .filter_map(|s| s["order_id"].as_i64())
            .collect();
        assert_eq!(order_ids, [daycare_order, hospital_order]);
        let r = h
            .put_json(
                &at(hub.id, &format!("/orders/{hospital_order}/stop")),
                &json!({"route_id": route, "number": 1}),
            )
            .await;
        assert_eq!(r.body["number"].as_i64(), Some(1), "{}", r.body);
        let stops = h.get(&manifest).await;
        let first = &stops.list()[0];
        assert_eq!(first["order_id"].as_i64(), Some(hospital_order));
        assert_eq!(first["details"]["address"], json!("1000 rue Sainte-Anne"));
        assert_eq!(first["cases"].as_i64(), Some(2));
        let (hospital_stop, daycare_stop) = (
            first["id"].as_i64().unwrap(),
            stops.list()[1]["id"].as_i64().unwrap(),
        );

        // Before delivery, the buyer sees its order planned, and no one else's.
        let delivery = |org, o: i64| at(org, &format!("/orders/{o}/delivery"));
        let r = b1.get(&delivery(hospital.id, hospital_order)).await;
        assert_eq!(r.body["status"], json!("pending"), "{}", r.body);
        let r = b2.get(&delivery(daycare.id, hospital_order)).await;
        assert_eq!(r.status, 404, "another buyer's order");

        // Delivered to the hospital (who received it is required), the daycare was closed.
        let delivered = at(hub.id, &format!("/stops/{hospital_stop}/delivered"));
        let r = h.post_json(&delivered, &json!({"recipient": " "})).await;
        assert_eq!(r.field_error(), (422, "recipient", "recipient_required"));
        let r = h
            .post_json(
                &delivered,
                &json!({"recipient": "Julie Tremblay", "note": "Quai 3"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("delivered")),
            "{}",
            r.body
        );
        let r = h
            .post_json(&delivered, &json!({"recipient": "Julie Tremblay"}))
            .await;
        assert_eq!((r.status, r.code()), (409, "order_delivered"));
        let r = h
            .post_json(
                &at(hub.id, &format!("/stops/{daycare_stop}/undelivered")),
                &json!({"note": "Fermé"}),
            )
            .await;
        assert_eq!(r.body["status"], json!("undelivered"), "{}", r.body);

        // The buyers read their proof of delivery.
        let r = b1.get(&delivery(hospital.id, hospital_order)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            (
                r.body["status"].as_str(),
                r.body["recipient"].as_str(),
                r.body["cases"].as_i64()
            ),
            (Some("delivered"), Some("Julie Tremblay"), Some(2))
        );
        assert!(r.body["done_at"].is_string());
        let r = b2.get(&delivery(daycare.id, daycare_order)).await;
        assert_eq!(r.body["status"], json!("undelivered"));

        // The recall of the carrots names exactly the buyer who received them.
        let recall = h.get(&at(hub.id, "/recalls/car-49")).await;
        assert_eq!(recall.status, 200, "{}", recall.body);
        let recipients = recall.body["recipients"].as_array().unwrap();
        assert_eq!(recipients.len(), 1, "{}", recall.body);
        assert_eq!(
            (
                recipients[0]["buyer_id"].as_i64(),
                recipients[0]["delivered"].as_str()
            ),
            (Some(hospital.id.0), Some("10"))
        );
        assert_eq!(recall.body["lot"]["producer_id"].as_i64(), Some(farm.id.0));
        assert!(recall.body["lot"]["movements"].as_array().unwrap().len() >= 4);
        assert_eq!(h.get(&at(hub.id, "/recalls/NOPE-1")).await.status, 404);

        // What came back is given away; a loss needs a reason and no more than is free.
        let held = h.get(&at(hub.id, "/lots")).await;
        assert_eq!(held.status, 200, "{}", held.body);
        let leftovers: Vec<(i64, String)> = held
            .list()
            .iter()
            .map(|l| {
                (
                    l["id"].as_i64().unwrap(),
                    l["free"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(leftovers.len(), 2, "carrots and cheese: {}", held.body);
        let (lot, _) = &leftovers[0];
        let movements = at(hub.id, &format!("/lots/{lot}/movements"));
        let r = h
            .post_json(&movements, &json!({"kind": "lost", "quantity": "1"}))
            .await;
        assert_eq!(r.field_error(), (422, "reason", "reason_required"));
        let r = h
            .post_json(&movements, &json!({"kind": "donated", "quantity": "500"}))
            .await;
        assert_eq!(r.field_error(), (422, "quantity", "not_enough_stock"));
        let r = h
            .post_json(
                &movements,
                &json!({"kind": "lost", "quantity": "100001", "reason": "x"}),
            )
            .await;
        assert_eq!(r.field_error(), (422, "quantity", "qty_too_large"));
        for (lot, free) in &leftovers {
            let r = h
                .post_json(
                    &at(hub.id, &format!("/lots/{lot}/movements")),
                    &json!({"kind": "donated", "quantity": free}),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
            assert_eq!(r.body["on_hand"], json!("0"));
            assert_eq!(
                r.body["movements"].as_array().unwrap().last().unwrap()["kind"],
                json!("donated")
            );
        }
        assert_eq!(h.get(&at(hub.id, "/lots")).await.list().len(), 0);
        let every = h.get(&lots).await;
        assert_eq!(every.list().len(), 3);
        assert!(
            every
                .list()
                .iter()
                .all(|l| l["on_hand"] == json!("0") && l["allocated"] == json!("0")),
            "{}",
            every.body
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn fulfilment_routes_answer_only_whom_they_should() {
    for app in TestApp::on_every_db().await {
        let hub = Fixture::new(&app, OrgKind::Hub, "ful-hub").await;
        check(&app, &hub, api_rows::FULFILMENT_HUB).await;
        let producer = Fixture::new(&app, OrgKind::Producer, "ful-prod").await;
        check(&app, &producer, api_rows::FULFILMENT_PRODUCER).await;
        check(&app, &producer, api_rows::FULFILMENT_NOT_A_HUB).await;
        let buyer = Fixture::new(&app, OrgKind::Buyer, "ful-buy").await;
        check(&app, &buyer, api_rows::FULFILMENT_BUYER).await;
        check(&app, &buyer, api_rows::FULFILMENT_NOT_A_HUB).await;
        app.stop().await;
    }
}
