//! The food hub through the real HTTP API and pages, on SQLite and (when configured) PostgreSQL:
//! a producer posts availability, buyers order at their own prices, the hub sees totals;
//! and every new route's permissions. Each story starts from [`World::hub_week`].

mod support;

use halles_core::organizations::{OrgKind, Role, Scope};
use halles_store::{Actor, TenantScope};
use jiff::SignedDuration;
use serde_json::{Value, json};
use support::TestApp;
use support::matrix::{Allowed, Fixture, Row, api_rows, check, page_routes_without_rows};
use support::world::{
    HubWeek, Who, World, carrots_on, cycle_body, day_in, hub_cycle, people, product_body, scope,
    two_delivery_days,
};

#[tokio::test]
async fn a_product_missing_its_name_and_category_names_both_fields() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let bad = json!({"name_fr": "", "category": "nope", "unit": "kg", "tax_class": "zero_rated", "origin": "quebec_grown"});
        let res = w
            .api(&app, Who::Farm)
            .post_json(&format!("/organizations/{}/products", w.farm.id), &bad)
            .await;
        assert_eq!(
            (res.status, res.fields()),
            (422, vec!["category".to_owned(), "name_fr".to_owned()])
        );
        let good = w
            .api(&app, Who::Farm)
            .post_json(
                &format!("/organizations/{}/products", w.farm.id),
                &product_body("Navets", "kg"),
            )
            .await;
        assert_eq!(good.status, 201);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_hub_creates_a_cycle_once_per_idempotency_key_as_a_draft() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let hub = w.api(&app, Who::Hub);
        let path = format!("/organizations/{}/order-cycles", w.hub.id);
        let body = cycle_body(&app, &[w.farm.id, w.dairy.id]);
        let cycle = hub.post_keyed(&path, "cycle-50", &body).await;
        assert_eq!(cycle.status, 201);
        assert_eq!(cycle.body["status"], "draft");
        let again = hub.post_keyed(&path, "cycle-50", &body).await;
        assert_eq!(cycle.body, again.body, "a replay creates no second cycle");
        app.stop().await;
    }
}

#[tokio::test]
async fn a_producer_posts_only_its_own_products_and_reads_no_other_grid() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let theirs = json!([{"product_id": w.cheese, "quantity": "10", "price_cents": 1}]);
        assert_eq!(
            w.post_availability(&app, Who::Farm, &theirs).await.status,
            404
        );
        let through_the_hub = format!(
            "/organizations/{}/order-cycles/{}/availability",
            w.hub.id, w.cycle
        );
        assert_eq!(
            w.api(&app, Who::Farm).get(&through_the_hub).await.status,
            404
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn each_buyer_sees_its_own_price_list() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let price_of = |catalog: &support::requests::Reply, id: i64| {
            let item = catalog
                .list()
                .iter()
                .find(|i| i["product"]["id"] == id)
                .cloned();
            item.and_then(|i| i["price_cents"].as_i64())
        };
        let cpe = w.catalog(&app, Who::Cpe).await;
        assert_eq!(price_of(&cpe, w.carrots), Some(288), "2.50 $ + 15 %");
        let bistro = w.catalog(&app, Who::Bistro).await;
        assert_eq!(price_of(&bistro, w.carrots), Some(313), "2.50 $ + 25 %");
        app.stop().await;
    }
}

/// The CPE's order: 12,5 kg of carrots and 2 cheddars, with a PO number.
fn cpe_order(w: &HubWeek) -> Value {
    let mut body = w.order_body(&[(w.carrots, "12.5"), (w.cheese, "2")]);
    body["po_number"] = "BC-77".into();
    body
}

#[tokio::test]
async fn a_buyer_orders_from_two_producers_in_one_cart_once_per_key() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let placed = w.order(&app, Who::Cpe, Some("o-1"), &cpe_order(&w)).await;
        assert_eq!(placed.status, 201);
        assert_eq!(placed.body["lines"].as_array().map(Vec::len), Some(2));
        assert_eq!(placed.body["subtotal_cents"], 12_500 * 288 / 1000 + 2 * 920);
        assert_eq!(placed.body["fees_cents"], 300);
        let replay = w.order(&app, Who::Cpe, Some("o-1"), &cpe_order(&w)).await;
        assert_eq!(replay.id(), placed.id());
        // Nobody else reads it.
        let id = placed.id();
        let bistro = w.api(&app, Who::Bistro);
        assert_eq!(
            bistro
                .get(&format!("/organizations/{}/orders/{id}", w.bistro.id))
                .await
                .status,
            404
        );
        assert_eq!(
            bistro
                .get(&format!("/organizations/{}/orders/{id}", w.cpe.id))
                .await
                .status,
            404
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_checkout_with_two_short_lines_names_both_with_what_is_left_and_keeps_nothing() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        assert_eq!(
            w.order(&app, Who::Cpe, None, &cpe_order(&w)).await.status,
            201
        );
        // 27.5 kg of carrots and 8 cheddars are left; the bistro asks for 30 and 9.
        let greedy = w.order_body(&[(w.carrots, "30"), (w.cheese, "9")]);
        let res = w.order(&app, Who::Bistro, None, &greedy).await;
        assert_eq!(
            (res.status, res.body["code"].as_str()),
            (422, Some("validation_failed"))
        );
        let entry = |p: i64| {
            res.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["field"] == format!("lines[product_id={p}]"))
                .unwrap_or_else(|| panic!("no entry for {p}: {}", res.body))
                .clone()
        };
        assert_eq!(res.body["errors"].as_array().unwrap().len(), 2);
        let (carrots, cheese) = (entry(w.carrots), entry(w.cheese));
        assert_eq!(
            (
                &carrots["code"],
                &carrots["product_name"],
                &carrots["left"],
                &carrots["unit"]
            ),
            (
                &json!("shortage"),
                &json!("Carottes"),
                &json!("27.5"),
                &json!("kg")
            )
        );
        assert_eq!(
            (
                &cheese["code"],
                &cheese["product_name"],
                &cheese["left"],
                &cheese["unit"]
            ),
            (
                &json!("shortage"),
                &json!("Cheddar"),
                &json!("8"),
                &json!("each")
            )
        );
        assert!(
            carrots["message"].as_str().unwrap().contains("27,5 kg"),
            "{carrots}"
        );
        let grid = w.availability(&app, Who::Farm).await;
        assert_eq!(
            grid.list()[0]["reserved"],
            "12.5",
            "the failed order reserved nothing"
        );
        // The shop page: the form comes back with what was typed and what is left beside
        // each short product.
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = format!("/o/{}/boutique/{}/{}", w.cpe.id, w.hub.id, w.cycle);
        let (qc, qe) = (format!("qty_{}", w.carrots), format!("qty_{}", w.cheese));
        let location = w.location.to_string();
        let page = kitchen
            .send(
                &shop,
                &[
                    (qc.as_str(), "30"),
                    (qe.as_str(), "9"),
                    ("location", location.as_str()),
                ],
            )
            .await;
        assert_eq!(page.status, 422, "{page:?}");
        assert_eq!(page.field_errors(), [qc.clone(), qe.clone()]);
        for (field, typed) in [(&qc, "30"), (&qe, "9")] {
            // The quantity box keeps what was typed.
            let at = page.html.find(&format!("name=\"{field}\"")).unwrap();
            let input = &page.html[at..at + page.html[at..].find('>').unwrap()];
            assert!(input.contains(&format!("value=\"{typed}\"")), "{input}");
        }
        for (product, left) in [
            (w.carrots, "Il reste 27,5 kg"),
            (w.cheese, "Il reste 8 unités"),
        ] {
            let beside = format!("id=\"f-qty_{product}-error\">{left}");
            assert!(page.has(&beside), "{beside} in {page:?}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn a_past_order_keeps_the_name_unit_and_price_it_was_ordered_at() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        // The kitchen orders 4 kg of carrots at 2,88 $ from the shop.
        let order_page = order_from_the_shop(&app, &w).await;
        let id = order_page.rsplit('/').next().unwrap().to_owned();
        // The farm renames its carrots, sells them by the bag from now on, and reprices them.
        let farm = w.api(&app, Who::Farm);
        let mut renamed = product_body("Carottes nantaises", "each");
        renamed["unit_detail"] = json!("sac de 2 kg");
        let path = format!("/organizations/{}/products/{}", w.farm.id, w.carrots);
        assert_eq!(farm.put_json(&path, &renamed).await.status, 200);
        let grid = format!(
            "/organizations/{}/hubs/{}/order-cycles/{}/availability",
            w.farm.id, w.hub.id, w.cycle
        );
        let repriced = json!([{"product_id": w.carrots, "quantity": "40", "price_cents": 400}]);
        assert_eq!(farm.put_json(&grid, &repriced).await.status, 200);

        // The order through the API, its page, its e-mail and the hub's export are unchanged.
        let cpe = w.api(&app, Who::Cpe);
        let o = cpe
            .get(&format!("/organizations/{}/orders/{id}", w.cpe.id))
            .await;
        let line = &o.body["lines"][0];
        assert_eq!(
            (
                &line["name_fr"],
                &line["unit"],
                &line["unit_price_cents"],
                &line["unit_detail"]
            ),
            (&json!("Carottes"), &json!("kg"), &json!(288), &json!(""))
        );
        assert_eq!(o.body["subtotal_cents"], 4 * 288);
        let kitchen = app.logged_in(people::KITCHEN).await;
        let page = kitchen.page(&order_page).await;
        assert!(page.has("Carottes") && page.has("4 kg × 2,88"), "{page:?}");
        assert!(
            !page.has("nantaises") && !page.has("sac de 2 kg"),
            "{page:?}"
        );
        app.run_jobs().await;
        let mail = app.mail_to(people::KITCHEN).await;
        assert_eq!(mail.len(), 1);
        assert!(
            mail[0].body.contains("4 kg × Carottes (Ferme)"),
            "{}",
            mail[0].body
        );
        assert!(!mail[0].body.contains("nantaises"));
        let export = |list: &str| {
            let url = app.at(&format!(
                "/api/v1/organizations/{}/order-cycles/{}/export/{list}",
                w.hub.id, w.cycle
            ));
            let token = w.tokens.hub.clone();
            async move {
                let res = reqwest::Client::new()
                    .get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
                halles_docs::read_table(&res.bytes().await.unwrap())
                    .unwrap()
                    .rows
            }
        };
        let lines = export("lines").await;
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].iter().any(|c| c == "Carottes")
                && lines[0].iter().any(|c| c == "kg")
                && lines[0].iter().any(|c| c == "2.88"),
            "{lines:?}"
        );
        let products = export("products").await;
        assert!(products[0].iter().any(|c| c == "Carottes"), "{products:?}");

        // A new order takes today's name, unit and price (restaurant: +25 %).
        let res = w
            .order(&app, Who::Bistro, None, &w.order_body(&[(w.carrots, "3")]))
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        let line = &res.body["lines"][0];
        assert_eq!(
            (
                &line["name_fr"],
                &line["unit"],
                &line["unit_price_cents"],
                &line["unit_detail"]
            ),
            (
                &json!("Carottes nantaises"),
                &json!("each"),
                &json!(500),
                &json!("sac de 2 kg")
            )
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_hub_sees_the_cycles_orders_and_its_totals_by_producer() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        assert_eq!(
            w.order(&app, Who::Cpe, None, &cpe_order(&w)).await.status,
            201
        );
        let orders = format!(
            "/organizations/{}/order-cycles/{}/orders",
            w.hub.id, w.cycle
        );
        assert_eq!(w.api(&app, Who::Hub).get(&orders).await.list().len(), 1);
        let coord = app.logged_in(people::COORDINATOR).await;
        let page = coord
            .page(&format!("/o/{}/cycles/{}", w.hub.id, w.cycle))
            .await;
        assert!(
            page.has("Totaux par producteur") && page.has("Ferme") && page.has("Laiterie"),
            "{page:?}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_buyer_changes_then_cancels_an_order_and_the_stock_comes_back() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let id = w.order(&app, Who::Cpe, None, &cpe_order(&w)).await.id();
        let cpe = w.api(&app, Who::Cpe);
        let order = format!("/organizations/{}/orders/{id}", w.cpe.id);
        let change = json!({"location_id": w.location, "lines": [{"product_id": w.carrots, "quantity": "20"}]});
        assert_eq!(cpe.put_json(&order, &change).await.status, 200);
        assert_eq!(
            w.availability(&app, Who::Farm).await.list()[0]["reserved"],
            "20"
        );
        let cancelled = cpe
            .post_json(&format!("{order}/cancel"), &Value::Null)
            .await;
        assert_eq!(cancelled.body["status"], "cancelled");
        assert_eq!(
            w.availability(&app, Who::Farm).await.list()[0]["reserved"],
            "0"
        );
        // What was freed can be ordered again.
        assert_eq!(
            w.order(&app, Who::Cpe, None, &cpe_order(&w)).await.status,
            201
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_producer_adds_a_product_from_its_page_and_a_nameless_one_comes_back() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let farmer = app.logged_in(people::FARMER).await;
        let new = format!("/o/{}/produits/nouveau", w.farm.id);
        let mut fields = vec![
            ("name_fr", ""),
            ("category", "vegetables"),
            ("unit", "kg"),
            ("tax_class", "zero_rated"),
            ("origin", "quebec_grown"),
            ("active", "on"),
        ];
        let page = farmer.send(&new, &fields).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["name_fr"]);
        fields[0] = ("name_fr", "Panais");
        assert_eq!(farmer.send(&new, &fields).await.status, 303);
        let products = w
            .api(&app, Who::Farm)
            .get(&format!("/organizations/{}/products", w.farm.id))
            .await;
        assert!(
            products.list().iter().any(|p| p["name_fr"] == "Panais"),
            "{}",
            products.body
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_product_photo_is_resized_to_a_jpeg_shown_to_signed_in_people_only() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let farmer = app.logged_in(people::FARMER).await;
        let photo = format!("/o/{}/produits/{}/photo", w.farm.id, w.carrots);
        let carrots = halles_core::ProductId(w.carrots);
        // The CSRF token is checked on uploads too.
        let form = reqwest::multipart::Form::new()
            .text("csrf", "forged-forged-forged-forged-forged-forged")
            .part(
                "photo",
                reqwest::multipart::Part::bytes(support::png(16, 12)).file_name("carottes.png"),
            );
        let res = farmer
            .http
            .post(app.at(&photo))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let garbage = ("photo", "carottes.png", b"pas une photo".to_vec());
        assert_eq!(farmer.upload(&photo, &[], garbage).await.status, 303);
        assert!(
            app.store.product_photo(carrots).await.unwrap().is_none(),
            "garbage is refused"
        );
        let picture = ("photo", "carottes.png", support::png(1600, 1200));
        assert_eq!(farmer.upload(&photo, &[], picture).await.status, 303);
        let jpeg_path = format!("/photos/{}.jpg", w.carrots);
        let res = farmer.get(&jpeg_path).await;
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        let jpeg = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
        assert_eq!((jpeg.width(), jpeg.height()), (800, 600));
        assert_eq!(
            app.client().get(&jpeg_path).await.status(),
            303,
            "signed-in people only"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_producers_grid_keeps_a_bad_quantity_as_typed() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let farmer = app.logged_in(people::FARMER).await;
        let grid = format!("/o/{}/disponibilites/{}/{}", w.farm.id, w.hub.id, w.cycle);
        let product = w.carrots.to_string();
        let fields = |q: &'static str| {
            [
                ("action", "save"),
                ("product", product.as_str()),
                ("qty", q),
                ("price", "2,50"),
            ]
        };
        let page = farmer.send(&grid, &fields("abc")).await;
        assert_eq!(page.status, 422);
        assert!(page.has("value=\"abc\""), "what was typed comes back");
        assert_eq!(farmer.send(&grid, &fields("30")).await.status, 303);
        assert_eq!(
            w.availability(&app, Who::Farm).await.list()[0]["quantity"],
            "30"
        );
        app.stop().await;
    }
}

/// The kitchen orders 4 kg of carrots from the shop page with the PO number BC-1; the order's
/// page.
async fn order_from_the_shop(app: &TestApp, w: &HubWeek) -> String {
    let kitchen = app.logged_in(people::KITCHEN).await;
    let shop = format!("/o/{}/boutique/{}/{}", w.cpe.id, w.hub.id, w.cycle);
    let qty = format!("qty_{}", w.carrots);
    let location = w.location.to_string();
    let fields = [
        (qty.as_str(), "4"),
        ("po_number", "BC-1"),
        ("location", location.as_str()),
    ];
    let page = kitchen.send(&shop, &fields).await;
    assert_eq!(page.status, 303, "{page:?}");
    page.location
}

#[tokio::test]
async fn a_buyer_orders_from_the_shop_page_at_its_price_and_gets_a_confirmation() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = format!("/o/{}/boutique/{}/{}", w.cpe.id, w.hub.id, w.cycle);
        let page = kitchen.page(&shop).await;
        assert!(
            page.has("Carottes") && page.has("2,88\u{a0}$"),
            "the CPE's price: {page:?}"
        );
        let qty = format!("qty_{}", w.carrots);
        let page = kitchen.send(&shop, &[(qty.as_str(), "41")]).await;
        assert_eq!(page.status, 422, "more than is left");
        let order = order_from_the_shop(&app, &w).await;
        assert!(kitchen.page(&order).await.has("BC-1"));
        let orders = kitchen.page(&format!("/o/{}/commandes", w.cpe.id)).await;
        assert!(orders.has("100,0"), "the share of Québec food is measured");
        app.run_jobs().await;
        let mail = app.mail_to(people::KITCHEN).await;
        assert_eq!(mail.len(), 1);
        assert!(mail[0].subject.contains("confirmée") && mail[0].body.contains("Carottes"));
        app.stop().await;
    }
}

#[tokio::test]
async fn a_second_checkout_in_the_cycle_goes_into_the_buyers_open_order() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let order = order_from_the_shop(&app, &w).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = format!("/o/{}/boutique/{}/{}", w.cpe.id, w.hub.id, w.cycle);
        let page = kitchen.page(&shop).await;
        assert!(
            page.has("Déjà commandé dans ce cycle : 4"),
            "the catalog shows what was ordered: {page:?}"
        );
        let qty = format!("qty_{}", w.carrots);
        let location = w.location.to_string();
        let fields = [(qty.as_str(), "2"), ("location", location.as_str())];
        let page = kitchen.send(&shop, &fields).await;
        assert_eq!((page.status, page.location.as_str()), (303, order.as_str()));
        let id = order.rsplit('/').next().unwrap_or_default();
        let page = kitchen.page(&order).await;
        assert!(
            page.has(&format!("Ajouté à votre commande n° {id}.")),
            "{page:?}"
        );
        let buyer = support::world::scope(w.cpe.id);
        let orders = app.store.orders_of_org(&buyer, 10).await.unwrap();
        assert_eq!(orders.len(), 1, "one order per buyer, cycle and location");
        assert_eq!(
            orders[0].lines[0].quantity,
            halles_core::quantity::Qty::units(6)
        );
        app.stop().await;
    }
}

/// The coordinator copies the cycle to next week (a draft); the next cycle's id.
async fn copy_to_next_week(app: &TestApp, w: &HubWeek) -> i64 {
    let coord = app.logged_in(people::COORDINATOR).await;
    let page = coord
        .send(&format!("/o/{}/cycles/{}/copier", w.hub.id, w.cycle), &[])
        .await;
    assert_eq!(page.status, 303);
    let id = page
        .location
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok());
    id.unwrap_or_else(|| panic!("a new cycle: {page:?}"))
}

#[tokio::test]
async fn a_weekly_standing_order_becomes_an_order_when_the_hub_opens_next_week() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let order = order_from_the_shop(&app, &w).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let repeat = [("every_weeks", "1"), ("until", "2027-03-31")];
        assert_eq!(
            kitchen
                .send(&format!("{order}/refaire"), &repeat)
                .await
                .status,
            303
        );
        let standing = format!("/o/{}/commandes-recurrentes", w.cpe.id);
        assert!(kitchen.page(&standing).await.has("Carottes"));
        app.run_jobs().await;
        let next = copy_to_next_week(&app, &w).await;
        let only_two = json!([{"product_id": w.carrots, "quantity": "2", "price_cents": 250}]);
        let res = w
            .api(&app, Who::Farm)
            .put_json(&w.availability_path(Who::Farm, next), &only_two)
            .await;
        assert_eq!(res.status, 200);
        let coord = app.logged_in(people::COORDINATOR).await;
        let status = format!("/o/{}/cycles/{next}/statut", w.hub.id);
        assert_eq!(coord.send(&status, &[("status", "open")]).await.status, 303);
        let page = kitchen.page(&standing).await;
        assert!(page.has("2 sur 4"), "the shortage is reported: {page:?}");
        app.run_jobs().await;
        let mail = app.mail_to(people::KITCHEN).await;
        assert!(
            mail[0].subject.contains("commande récurrente")
                && mail[0].body.contains("Carottes : 2 sur 4"),
            "{}",
            mail[0].body
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_hub_sets_up_a_standing_order_for_a_buyer_from_its_order_and_skips_a_week() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        order_from_the_shop(&app, &w).await;
        let coord = app.logged_in(people::COORDINATOR).await;
        let cycle_page = coord
            .page(&format!("/o/{}/cycles/{}", w.hub.id, w.cycle))
            .await;
        let order = cycle_page.link(&format!("/o/{}/commandes/{}/", w.hub.id, w.hub.id));
        assert!(coord.page(&order).await.has("Commande de CPE"));
        let repeat = [("every_weeks", "2"), ("until", "2027-03-31")];
        let page = coord.send(&format!("{order}/refaire"), &repeat).await;
        let list = format!("/o/{}/commandes-recurrentes", w.hub.id);
        assert_eq!((page.status, page.location.as_str()), (303, list.as_str()));
        let page = coord.page(&list).await;
        assert!(
            page.has("CPE — toutes les 2 semaine(s)"),
            "the hub sees whose it is: {page:?}"
        );
        let h = TenantScope::checked(w.hub.id, Actor::system());
        let held = app.store.standing_orders(&h).await.unwrap();
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].input.buyer, w.cpe.id);
        let skip = format!("{list}/{}/sauter", held[0].id);
        assert_eq!(coord.send(&skip, &[]).await.status, 303);
        // The buyer sees it too.
        let kitchen = app.logged_in(people::KITCHEN).await;
        let mine = kitchen
            .page(&format!("/o/{}/commandes-recurrentes", w.cpe.id))
            .await;
        assert!(mine.has("toutes les 2 semaine(s)"), "{mine:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn food_hub_routes_refuse_the_wrong_role_and_another_organization() {
    for app in TestApp::on_every_db().await {
        let producer = Fixture::new(&app, OrgKind::Producer, "prod").await;
        let producer_rows = check(
            &app,
            &producer,
            &[
                Row::get("/o/{org}/produits", Allowed::VIEWER, 200),
                Row::get("/o/{org}/produits/nouveau", Allowed::STAFF, 200),
                Row::post("/o/{org}/produits/nouveau", Allowed::STAFF, 422),
                Row::get("/o/{org}/produits/{foreign}", Allowed::STAFF, 404),
                Row::get("/o/{org}/disponibilites", Allowed::VIEWER, 200),
                Row::get(
                    "/o/{org}/disponibilites/{foreign}/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post("/o/{org}/produits/{foreign}", Allowed::STAFF, 422),
                Row::get("/photos/1.jpg", Allowed::Anyone, 303),
                Row::post("/o/{org}/produits/{foreign}/photo", Allowed::STAFF, 400),
                Row::get("/o/{org}/produits/{foreign}/taxes", Allowed::VIEWER, 404),
                Row::post("/o/{org}/produits/{foreign}/taxes", Allowed::STAFF, 404),
                Row::post(
                    "/o/{org}/disponibilites/{foreign}/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::get("/o/{org}/bons-de-commande", Allowed::VIEWER, 200),
                Row::get("/o/{org}/releves-producteurs", Allowed::VIEWER, 200),
                Row::get(
                    "/o/{org}/releves-producteurs/{foreign}/pdf",
                    Allowed::VIEWER,
                    404,
                ),
                Row::get(
                    "/o/{org}/bons-de-commande/{foreign}/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/bons-de-commande/{foreign}/pesees/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/bons-de-commande/{foreign}/{foreign}/etiquettes",
                    Allowed::VIEWER,
                    404,
                ),
            ],
        )
        .await;
        check(&app, &producer, api_rows::PRODUCER).await;
        let hub = Fixture::new(&app, OrgKind::Hub, "hubf").await;
        let hub_rows = check(
            &app,
            &hub,
            &[
                Row::get("/o/{org}/cycles", Allowed::VIEWER, 200),
                Row::post("/o/{org}/cycles", Allowed::STAFF, 422),
                Row::get("/o/{org}/cycles/{foreign}", Allowed::VIEWER, 404),
                Row::get(
                    "/o/{org}/cycles/{foreign}/exporter/orders",
                    Allowed::VIEWER,
                    404,
                ),
                Row::get("/o/{org}/partenaires", Allowed::STAFF, 200),
                Row::get("/o/{org}/prix", Allowed::STAFF, 200),
                Row::post("/o/{org}/prix", Allowed::STAFF, 422),
                Row::get(
                    "/o/{org}/cycles/{foreign}/commandes/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/commandes/{foreign}/annuler",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/cycles/{foreign}/commander-pour/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post("/o/{org}/cycles/{foreign}/statut", Allowed::STAFF, 303),
                Row::post("/o/{org}/cycles/{foreign}/copier", Allowed::STAFF, 404),
                Row::get(
                    "/o/{org}/cycles/{foreign}/disponibilites/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/disponibilites/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/commander-pour/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/commandes/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post("/o/{org}/partenaires/producteurs", Allowed::STAFF, 303),
                Row::post("/o/{org}/prix/{foreign}/supprimer", Allowed::STAFF, 404),
                Row::post(
                    "/o/{org}/partenaires/acheteurs/{foreign}",
                    Allowed::STAFF,
                    422,
                ),
                Row::get("/o/{org}/visibilite", Allowed::STAFF, 200),
                Row::post(
                    "/o/{org}/visibilite/produits/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post("/o/{org}/visibilite/cycles/{foreign}", Allowed::STAFF, 404),
                Row::get("/o/{org}/cycles/{foreign}/modifier", Allowed::STAFF, 404),
                Row::post("/o/{org}/cycles/{foreign}/modifier", Allowed::STAFF, 404),
                Row::get("/o/{org}/cycles/{foreign}/ouvrir", Allowed::STAFF, 404),
                Row::post("/o/{org}/cycles/{foreign}/ouvrir", Allowed::STAFF, 404),
                Row::get("/o/{org}/rappel-disponibilites", Allowed::STAFF, 200),
                Row::post("/o/{org}/rappel-disponibilites", Allowed::STAFF, 422),
                // Fulfilment (issue 14): every step after the cut-off is the hub staff's.
                Row::get("/o/{org}/cycles/{foreign}/preparation", Allowed::STAFF, 404),
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/bons-de-commande",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/cycles/{foreign}/preparation/bons-de-commande/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/cycles/{foreign}/preparation/reception/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/reception/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/manques/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/cycles/{foreign}/preparation/emballage/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/emballage/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/pesees/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/cycles/{foreign}/preparation/caisse",
                    Allowed::STAFF,
                    303,
                ),
                Row::get(
                    "/o/{org}/cycles/{foreign}/preparation/documents/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/tournees",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/cycles/{foreign}/preparation/tournees/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/arrets/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                // A multipart form (the driver's photo): a plain form is refused first.
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/arrets/{foreign}/livraison",
                    Allowed::STAFF,
                    400,
                ),
                Row::get(
                    "/o/{org}/cycles/{foreign}/preparation/arrets/{foreign}/photo",
                    Allowed::STAFF,
                    404,
                ),
                // Adding or replacing the photo is a multipart form too.
                Row::post(
                    "/o/{org}/cycles/{foreign}/preparation/arrets/{foreign}/photo",
                    Allowed::STAFF,
                    400,
                ),
                Row::get("/o/{org}/tournees", Allowed::STAFF, 200),
                Row::post("/o/{org}/tournees", Allowed::STAFF, 422),
                Row::post("/o/{org}/tournees/{foreign}", Allowed::STAFF, 404),
                Row::post("/o/{org}/tournees/acheteurs/{foreign}", Allowed::STAFF, 404),
                Row::post("/o/{org}/tournees/gs1", Allowed::STAFF, 303),
                Row::get("/o/{org}/stock", Allowed::STAFF, 200),
                Row::get("/o/{org}/stock/lots/{foreign}", Allowed::STAFF, 404),
                Row::post(
                    "/o/{org}/stock/lots/{foreign}/mouvements",
                    Allowed::STAFF,
                    404,
                ),
                Row::get("/o/{org}/stock/rappel", Allowed::STAFF, 303),
                Row::get("/o/{org}/facturation", Allowed::STAFF, 200),
                Row::post("/o/{org}/facturation", Allowed::STAFF, 422),
                Row::get("/o/{org}/factures", Allowed::VIEWER, 200),
                Row::get("/o/{org}/factures/{foreign}/pdf", Allowed::VIEWER, 404),
                Row::get("/o/{org}/factures/{foreign}/ubl", Allowed::VIEWER, 404),
                Row::get("/o/{org}/factures/export-quickbooks", Allowed::STAFF, 422),
                Row::get("/o/{org}/factures/export-journal", Allowed::STAFF, 422),
                Row::get("/o/{org}/facturation/comptes", Allowed::STAFF, 200),
                Row::post("/o/{org}/facturation/comptes", Allowed::STAFF, 422),
                Row::post("/o/{org}/paiements/{foreign}/annuler", Allowed::STAFF, 404),
                Row::post(
                    "/o/{org}/paiements/{foreign}/appliquer",
                    Allowed::STAFF,
                    404,
                ),
                Row::post("/o/{org}/factures/commandes/{foreign}", Allowed::STAFF, 404),
                Row::get("/o/{org}/factures/{foreign}", Allowed::VIEWER, 404),
                // An empty form: given back on the invoice's page, which is not found.
                Row::post("/o/{org}/factures/{foreign}/avoirs", Allowed::STAFF, 404),
                Row::get("/o/{org}/avoirs", Allowed::VIEWER, 200),
                Row::get("/o/{org}/avoirs/{foreign}/pdf", Allowed::VIEWER, 404),
                Row::get("/o/{org}/avoirs/{foreign}/ubl", Allowed::VIEWER, 404),
                Row::get("/o/{org}/paiements", Allowed::VIEWER, 200),
                // An empty form: given back with its messages.
                Row::post("/o/{org}/paiements", Allowed::STAFF, 422),
                Row::get("/o/{org}/comptes-clients", Allowed::VIEWER, 200),
                Row::get("/o/{org}/releves", Allowed::VIEWER, 200),
                Row::get("/o/{org}/releves/pdf", Allowed::VIEWER, 404),
                Row::post("/o/{org}/releves/rappels/{foreign}", Allowed::STAFF, 404),
                Row::get("/o/{org}/releves-producteurs", Allowed::VIEWER, 200),
                Row::post("/o/{org}/releves-producteurs/emettre", Allowed::STAFF, 303),
                Row::get(
                    "/o/{org}/releves-producteurs/{foreign}/pdf",
                    Allowed::VIEWER,
                    404,
                ),
                Row::post(
                    "/o/{org}/releves-producteurs/{foreign}/versement",
                    Allowed::STAFF,
                    404,
                ),
            ],
        )
        .await;
        check(&app, &hub, api_rows::HUB).await;
        let buyer = Fixture::new(&app, OrgKind::Buyer, "buy").await;
        let buyer_rows = check(
            &app,
            &buyer,
            &[
                Row::get("/o/{org}/boutique", Allowed::VIEWER, 200),
                Row::get("/o/{org}/commandes", Allowed::VIEWER, 200),
                Row::get("/o/{org}/boutique/{foreign}/{foreign}", Allowed::STAFF, 404),
                Row::get(
                    "/o/{org}/commandes/{foreign}/{foreign}",
                    Allowed::VIEWER,
                    404,
                ),
                Row::get(
                    "/o/{org}/commandes/{foreign}/{foreign}/livraison/photo",
                    Allowed::VIEWER,
                    404,
                ),
                Row::post(
                    "/o/{org}/commandes/{foreign}/{foreign}/annuler",
                    Allowed::STAFF,
                    404,
                ),
                Row::get("/o/{org}/commandes-recurrentes", Allowed::VIEWER, 200),
                Row::post(
                    "/o/{org}/commandes-recurrentes/{foreign}/arreter",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/commandes/{foreign}/{foreign}/refaire",
                    Allowed::STAFF,
                    404,
                ),
                Row::post("/o/{org}/boutique/{foreign}/{foreign}", Allowed::STAFF, 404),
                Row::post(
                    "/o/{org}/commandes/{foreign}/{foreign}",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/commandes/{foreign}/{foreign}/modifier",
                    Allowed::STAFF,
                    404,
                ),
                Row::get(
                    "/o/{org}/boutique/{foreign}/{foreign}/commande-rapide",
                    Allowed::STAFF,
                    404,
                ),
                Row::post(
                    "/o/{org}/boutique/{foreign}/{foreign}/commande-rapide",
                    Allowed::STAFF,
                    404,
                ),
            ],
        )
        .await;
        check(&app, &buyer, api_rows::BUYER).await;
        let rows = [producer_rows, hub_rows, buyer_rows].concat();
        let routes = halles_web::pages::hub::routes();
        assert_eq!(
            page_routes_without_rows(routes.list(), &rows),
            Vec::<(&str, &str)>::new(),
            "food hub page routes without a row in the permission matrix"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_order_a_crashed_server_placed_is_answered_not_placed_again_when_its_key_is_retried() {
    for app in TestApp::on_every_db().await {
        let w = support::load::seed(&app.store, 1, 1_000, 1, 50).await;
        let (buyer, secret) = w.buyers[0].clone();
        let token = app.store.token_by_secret(&secret).await.unwrap().unwrap();
        let scope = TenantScope::checked(buyer, Actor::token(token.id));
        let path = support::load::orders_path(buyer);
        let product = w.products[0];
        let body = serde_json::to_vec(&support::load::order_body(&w, product, 2)).unwrap();
        // What a server killed right after the order's commit leaves: the order, its key, and
        // a client that never heard back.
        let key = |k: &str, body: &[u8]| halles_store::hub::orders::OrderKey {
            token: token.id,
            key: k.into(),
            request_hash: halles_web::api::idempotency::request_hash("POST", &path, body),
        };
        let input = halles_store::hub::orders::OrderInput {
            buyer,
            location: Some(halles_core::LocationId(w.location)),
            delivery_day: None,
            lines: vec![(
                halles_core::ProductId(product),
                halles_core::quantity::Qty::units(2),
            )],
            po_number: String::new(),
            note: String::new(),
        };
        let placed = app
            .store
            .place_order_keyed(
                &app.store.hub_scope(&scope, w.hub).await.unwrap(),
                halles_core::CycleId(w.cycle),
                &input,
                Some(key("k-panne", &body)),
            )
            .await
            .unwrap();
        let send = |k: &'static str, body: Vec<u8>| {
            reqwest::Client::new()
                .post(app.at(&path))
                .bearer_auth(&secret)
                .header("Idempotency-Key", k)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        let res = send("k-panne", body.clone()).await.unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(res.headers()["idempotent-replayed"], "true");
        let order: Value = res.json().await.unwrap();
        assert_eq!(
            order["id"], placed.order.0,
            "the order the dead server placed"
        );
        // The same key for another order is refused.
        let other = serde_json::to_vec(&support::load::order_body(&w, product, 3)).unwrap();
        let res = send("k-panne", other).await.unwrap();
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "idempotency_key_reused");
        // Two retries of a new request at once: its lines go once into the buyer's open order
        // of the cycle (the one the dead server placed), the same answer (200) to both.
        let (a, b) = tokio::join!(
            send("k-double", body.clone()),
            send("k-double", body.clone())
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
        let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
        assert_eq!(a["id"], b["id"]);
        assert_eq!(a["id"], placed.order.0, "added to the open order");
        let orders = app.store.orders_of_org(&scope, 100).await.unwrap();
        assert_eq!(orders.len(), 1, "one order per buyer, cycle and location");
        assert_eq!(
            orders[0].lines[0].quantity,
            halles_core::quantity::Qty::units(4),
            "2 + 2: the retry added nothing"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn what_the_cycle_does_not_offer_is_refused_and_sold_out_products_come_last_without_a_box() {
    for app in TestApp::on_every_db().await {
        let w = support::load::seed(&app.store, 1, 1_000, 1, 5).await;
        let (buyer, secret) = w.buyers[0].clone();
        let hub = app.store.own_hub(&scope(w.hub)).await.unwrap();
        let cycle = halles_core::CycleId(w.cycle);
        let farm = app.store.cycle(&hub, cycle).await.unwrap().producers[0];
        // The producer withdraws its first product; its availability row stays.
        let withdrawn = halles_core::ProductId(w.products[0]);
        let mut p = app
            .store
            .product(&scope(farm), withdrawn)
            .await
            .unwrap()
            .input;
        p.active = false;
        app.store
            .update_product(&scope(farm), withdrawn, &p)
            .await
            .unwrap();
        let order = |product: i64, quantity: &str| {
            let mut body = support::load::order_body(&w, product, 1);
            body["lines"][0]["quantity"] = json!(quantity);
            reqwest::Client::new()
                .post(app.at(&support::load::orders_path(buyer)))
                .bearer_auth(&secret)
                .json(&body)
                .send()
        };
        for (product, quantity, code) in [
            (w.products[0], "1", "not_offered"),
            (999_999, "1", "not_offered"),
            (w.products[1], "1.5", "qty_not_whole"),
        ] {
            let res = order(product, quantity).await.unwrap();
            assert_eq!(res.status(), 422, "{product} × {quantity}");
            let p: Value = res.json().await.unwrap();
            assert_eq!(
                (&p["errors"][0]["field"], &p["errors"][0]["code"]),
                (&json!(format!("lines[product_id={product}]")), &json!(code)),
                "{p}"
            );
        }
        // All bad lines of one checkout are named at once.
        let mut body = support::load::order_body(&w, w.products[0], 1);
        body["lines"] = json!([
            {"product_id": w.products[0], "quantity": "1"},
            {"product_id": w.products[1], "quantity": "1.5"},
            {"product_id": w.products[3], "quantity": "1"},
        ]);
        let res = reqwest::Client::new()
            .post(app.at(&support::load::orders_path(buyer)))
            .bearer_auth(&secret)
            .json(&body)
            .send()
            .await
            .unwrap();
        let p: Value = res.json().await.unwrap();
        let mut named: Vec<(String, String)> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().into(),
                    e["code"].as_str().unwrap().into(),
                )
            })
            .collect();
        named.sort();
        assert_eq!(
            named,
            [
                (
                    format!("lines[product_id={}]", w.products[0]),
                    "not_offered".into()
                ),
                (
                    format!("lines[product_id={}]", w.products[1]),
                    "qty_not_whole".into()
                ),
            ]
        );
        // The last units of a product sell out.
        let res = order(w.products[2], "5").await.unwrap();
        assert_eq!(res.status(), 201);

        // The shop page: the form comes back with the message, the sold-out product is last
        // and has no quantity box.
        app.user("achat@x.example", Some((buyer, Role::Staff)))
            .await;
        let b = app.logged_in("achat@x.example").await;
        let shop = format!("/o/{buyer}/boutique/{}/{}", w.hub, w.cycle);
        let page = b.get(&shop).await.text().await.unwrap();
        let sold_out = w.products[2];
        assert!(
            page.contains(&format!(
                "id=\"p-{}\" data-status=\"sold_out\"",
                w.products[2]
            )),
            "{page}"
        );
        assert!(!page.contains(&format!("name=\"qty_{sold_out}\"")));
        assert!(
            page.find(&format!("p-{sold_out}\"")) > page.find(&format!("p-{}\"", w.products[4])),
            "sold out after the available ones"
        );
        let field = format!("qty_{}", w.products[0]);
        let location = w.location.to_string();
        let res = b
            .post_form(&shop, &[(&field, "1"), ("location", &location)])
            .await;
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(page.contains("data-error=\"not_offered\""), "{page}");

        // A blank cycle name: the API refuses it on its field, as the page does.
        let token = app.token(w.hub, &[Scope::CyclesWrite]).await;
        let now = app.store.now();
        let res = reqwest::Client::new()
            .post(app.at(&format!("/api/v1/organizations/{}/order-cycles", w.hub)))
            .bearer_auth(&token)
            .json(&json!({"name": "  ", "opens_at": now.to_string(),
                "closes_at": (now + SignedDuration::from_hours(48)).to_string()}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "name", "{p}");
        assert_eq!(p["errors"][0]["code"], "required", "{p}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_hub_edits_a_cycle_through_the_api_and_buyers_order_after_the_old_cut_off() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let hub = w.api(&app, Who::Hub);
        let (path, mut cycle) = hub_cycle(&app, &w).await;
        assert_eq!(
            cycle["delivery_days"],
            json!([day_in(&app, 4)]),
            "the day after the cut-off"
        );
        // One rule, each field named.
        let mut bad = cycle.clone();
        bad["name"] = " ".into();
        bad["closes_at"] = cycle["opens_at"].clone();
        bad["delivery_days"] = json!(["2026-13-01"]);
        let res = hub.put_json(&path, &bad).await;
        assert_eq!(
            (res.status, res.fields()),
            (
                422,
                vec![
                    "name".to_owned(),
                    "delivery_days[0]".to_owned(),
                    "closes_at".to_owned()
                ]
            )
        );
        bad["delivery_days"] = json!([]);
        let res = hub.put_json(&path, &bad).await;
        assert_eq!(
            (res.status, res.fields()),
            (422, vec!["name".to_owned(), "closes_at".to_owned()])
        );
        // Two days later, two delivery days, the point renamed, a new zone.
        let old_cut_off: jiff::Timestamp = cycle["closes_at"].as_str().unwrap().parse().unwrap();
        cycle["closes_at"] = (old_cut_off + SignedDuration::from_hours(48))
            .to_string()
            .into();
        cycle["delivery_days"] = json!([day_in(&app, 5), day_in(&app, 6)]);
        cycle["locations"][0]["name"] = "Entrepôt du Pôle".into();
        let zone = json!({"kind": "delivery", "name": "Zone Est", "fee_cents": 1500});
        cycle["locations"].as_array_mut().unwrap().push(zone);
        let res = hub.put_json(&path, &cycle).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.body["locations"][0]["id"], w.location);
        assert_eq!(res.body["locations"][0]["name"], "Entrepôt du Pôle");
        assert_eq!(res.body["locations"][1]["fee_cents"], 1500);
        assert_eq!(
            res.body["delivery_days"],
            json!([day_in(&app, 5), day_in(&app, 6)])
        );
        // After the old cut-off the cycle stays open and takes orders.
        app.clock.advance(SignedDuration::from_hours(80));
        halles::worker::on_time(&app.store, &app.url).await;
        assert_eq!(hub.get(&path).await.body["status"], "open");
        let body = carrots_on(&w, "8", None);
        let res = w.order(&app, Who::Bistro, None, &body).await;
        assert_eq!(
            res.field_error(),
            (422, "delivery_day", "delivery_day_required")
        );
        let day = day_in(&app, 2);
        let res = w
            .order(&app, Who::Bistro, None, &carrots_on(&w, "8", Some(&day)))
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        assert_eq!(res.body["delivery_day"], day);
        // The point an order uses stays.
        let without = json!({"name": cycle["name"], "opens_at": cycle["opens_at"],
                         "closes_at": cycle["closes_at"], "locations": [], "delivery_days": []});
        let res = hub.put_json(&path, &without).await;
        assert_eq!(res.field_error(), (422, "locations", "location_in_use"));
        app.stop().await;
    }
}

#[tokio::test]
async fn two_checkouts_for_one_delivery_day_make_one_order_and_another_day_a_second() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let (thursday, friday) = two_delivery_days(&app, &w).await;
        let (hub, (path, _)) = (w.api(&app, Who::Hub), hub_cycle(&app, &w).await);
        let unknown = carrots_on(&w, "5", Some(&day_in(&app, 9)));
        let res = w.order(&app, Who::Cpe, None, &unknown).await;
        assert_eq!(
            res.field_error(),
            (422, "delivery_day", "unknown_delivery_day")
        );
        let first = w
            .order(&app, Who::Cpe, None, &carrots_on(&w, "5", Some(&thursday)))
            .await;
        let again = w
            .order(&app, Who::Cpe, None, &carrots_on(&w, "3", Some(&thursday)))
            .await;
        let other = w
            .order(&app, Who::Cpe, None, &carrots_on(&w, "4", Some(&friday)))
            .await;
        assert_eq!((first.status, again.status, other.status), (201, 200, 201));
        assert_eq!(
            again.id(),
            first.id(),
            "the same day and point: the open order"
        );
        assert_ne!(other.id(), first.id(), "another day: its own order");
        assert_eq!(again.body["fees_cents"], 300, "one fee for Thursday");
        assert_eq!(again.body["lines"][0]["quantity"], "8");
        assert_eq!(
            (
                other.body["fees_cents"].clone(),
                other.body["delivery_day"].clone()
            ),
            (json!(300), json!(friday))
        );
        // The hub's list and the cycle page show each order's day.
        let orders = hub.get(&format!("{path}/orders")).await;
        let days: Vec<&Value> = orders.list().iter().map(|o| &o["delivery_day"]).collect();
        assert_eq!(days.len(), 2);
        let coord = app.logged_in(people::COORDINATOR).await;
        let page = coord
            .page(&format!("/o/{}/cycles/{}", w.hub.id, w.cycle))
            .await;
        let long = |d: &str| {
            let d: jiff::civil::Date = d.parse().unwrap();
            halles_web::i18n::I18n::new(halles_core::accounts::Lang::Fr).day(&d)
        };
        assert!(
            page.has(&long(&thursday)) && page.has(&long(&friday)),
            "{page:?}"
        );
        // The buyer picks the day on the shop page; an unknown one comes back with the form.
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = format!("/o/{}/boutique/{}/{}", w.cpe.id, w.hub.id, w.cycle);
        assert!(kitchen.page(&shop).await.has("name=\"delivery_day\""));
        let qty = format!("qty_{}", w.carrots);
        let location = w.location.to_string();
        let bad = [
            (qty.as_str(), "2"),
            ("location", location.as_str()),
            ("delivery_day", "2030-01-01"),
        ];
        let page = kitchen.send(&shop, &bad).await;
        assert_eq!(
            (page.status, page.field_errors()),
            (422, vec!["delivery_day".to_owned()])
        );
        let good = [
            (qty.as_str(), "2"),
            ("location", location.as_str()),
            ("delivery_day", friday.as_str()),
        ];
        let page = kitchen.send(&shop, &good).await;
        assert_eq!(page.status, 303, "{page:?}");
        assert!(
            page.location.ends_with(&format!("/{}", other.id())),
            "into Friday's order"
        );
        assert!(kitchen.page(&page.location).await.has(&long(&friday)));
        app.stop().await;
    }
}

#[tokio::test]
async fn reopening_a_cycle_after_its_cut_off_asks_for_a_new_one_on_the_page_and_the_api() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let hub = w.api(&app, Who::Hub);
        let (path, _) = hub_cycle(&app, &w).await;
        app.clock.advance(SignedDuration::from_hours(72));
        halles::worker::on_time(&app.store, &app.url).await;
        assert_eq!(hub.get(&path).await.body["status"], "closed");
        let open = format!("{path}/open");
        let res = hub.post_json(&open, &json!({})).await;
        assert_eq!(res.field_error(), (422, "closes_at", "cut_off_passed"));
        let past = (app.store.now() - SignedDuration::from_hours(1)).to_string();
        let res = hub.post_json(&open, &json!({"closes_at": past})).await;
        assert_eq!(res.field_error(), (422, "closes_at", "cut_off_passed"));
        assert_eq!(hub.get(&path).await.body["status"], "closed");
        // On the page, "Ouvrir" leads to the form asking for the new cut-off.
        let coord = app.logged_in(people::COORDINATOR).await;
        let cycle_page = format!("/o/{}/cycles/{}", w.hub.id, w.cycle);
        let reopen = format!("{cycle_page}/ouvrir");
        assert!(
            coord
                .page(&cycle_page)
                .await
                .has(&format!("href=\"{reopen}\""))
        );
        let page = coord
            .send(&format!("{cycle_page}/statut"), &[("status", "open")])
            .await;
        assert_eq!(
            (page.status, page.location.as_str()),
            (303, reopen.as_str())
        );
        let page = coord
            .send(&reopen, &[("closes_at", "2020-01-01T10:00")])
            .await;
        assert_eq!(
            (page.status, page.field_errors()),
            (422, vec!["closes_at".to_owned()])
        );
        assert_eq!(
            page.value_of("closes_at"),
            "2020-01-01T10:00",
            "what was typed stays"
        );
        assert_eq!(page.errors(), vec!["cut_off_passed"], "{page:?}");
        let tomorrow = cycles_local(app.store.now() + SignedDuration::from_hours(20));
        let page = coord
            .send(&reopen, &[("closes_at", tomorrow.as_str())])
            .await;
        assert_eq!(page.status, 303, "{page:?}");
        let cycle = hub.get(&path).await.body;
        assert_eq!(cycle["status"], "open");
        // It stays open past the worker's tick and takes the CPE's order.
        app.clock.advance(SignedDuration::from_hours(1));
        halles::worker::on_time(&app.store, &app.url).await;
        let res = w
            .order(&app, Who::Cpe, None, &carrots_on(&w, "5", None))
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        // Closed again, the API opens it with a new cut-off in its body.
        assert_eq!(
            hub.post_json(&format!("{path}/close"), &json!({}))
                .await
                .status,
            200
        );
        let later = (app.store.now() + SignedDuration::from_hours(15)).to_string();
        let res = hub.post_json(&open, &json!({"closes_at": later})).await;
        assert_eq!(
            (res.status, res.body["status"].as_str()),
            (200, Some("open"))
        );
        app.stop().await;
    }
}

/// A `datetime-local` value in Montréal.
fn cycles_local(t: jiff::Timestamp) -> String {
    halles_web::pages::hub::cycles::local_input(&t)
}

#[tokio::test]
async fn the_cycle_page_edits_a_cycle_with_each_error_beside_its_field() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let coord = app.logged_in(people::COORDINATOR).await;
        let edit = format!("/o/{}/cycles/{}/modifier", w.hub.id, w.cycle);
        assert!(
            coord
                .page(&format!("/o/{}/cycles/{}", w.hub.id, w.cycle))
                .await
                .has(&format!("href=\"{edit}\""))
        );
        let form = coord.page(&edit).await;
        assert_eq!(form.status, 200);
        assert_eq!(form.value_of("name"), "Semaine 49");
        let opens = form.value_of("opens_at");
        let closes = form.value_of("closes_at");
        let location = w.location.to_string();
        let friday = day_in(&app, 5);
        let fields = |name: &'static str, closes: &str, day: &str| {
            vec![
                ("name".to_owned(), name.to_owned()),
                ("opens_at".to_owned(), opens.clone()),
                ("closes_at".to_owned(), closes.to_owned()),
                ("delivery_day".to_owned(), day.to_owned()),
                ("loc_id".to_owned(), location.clone()),
                ("loc_kind".to_owned(), "pickup".to_owned()),
                ("loc_name".to_owned(), "Entrepôt".to_owned()),
                ("loc_fee".to_owned(), String::new()),
                ("loc_min".to_owned(), "10".to_owned()),
            ]
        };
        let send = |f: Vec<(String, String)>| {
            let coord = &coord;
            let edit = &edit;
            async move {
                let f: Vec<(&str, &str)> =
                    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                coord.send(edit, &f).await
            }
        };
        let page = send(fields("", &opens, "")).await;
        assert_eq!(page.status, 422);
        assert_eq!(
            page.field_errors(),
            vec!["name", "closes_at", "delivery_days"]
        );
        assert!(page.has_error("delivery_days_required"), "{page:?}");
        let page = send(fields("Semaine 49 bis", &closes, &friday)).await;
        assert_eq!(page.status, 303, "{page:?}");
        let (_, cycle) = hub_cycle(&app, &w).await;
        assert_eq!(cycle["name"], "Semaine 49 bis");
        assert_eq!(cycle["delivery_days"], json!([friday]));
        app.stop().await;
    }
}
