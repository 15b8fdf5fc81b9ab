//! Product data institutions ask for (allergens, storage, SKU, GTIN, case size, the pound) and
//! the hub's visibility rules, through the real pages and API on SQLite and (when configured)
//! PostgreSQL. Each story starts from [`World::hub_week`].

mod support;

use serde_json::json;
use support::TestApp;
use support::world::{Who, World, people};

#[tokio::test]
async fn product_data_round_trips_through_the_api_and_the_page_and_a_bad_gtin_comes_back() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let api = w.api(&app, Who::Farm);
        let products = format!("/organizations/{}/products", w.farm.id);
        let mut body = json!({"name_fr": "Beurre", "category": "dairy", "unit": "lb",
            "tax_class": "zero_rated", "origin": "quebec_processed",
            "allergens": ["milk", "wheat_triticale"], "storage": "refrigerated",
            "sku": "BEU-250", "gtin": "4006381333932", "case_size": 24});
        let res = api.post_json(&products, &body).await;
        assert_eq!(
            res.field_error(),
            (422, "gtin", "gtin_check"),
            "{}",
            res.body
        );
        body["case_size"] = json!(0);
        body["gtin"] = json!("4006381333931");
        let res = api.post_json(&products, &body).await;
        assert_eq!(res.field_error(), (422, "case_size", "case_size_invalid"));
        body["case_size"] = json!(24);
        let created = api.post_json(&products, &body).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let read = api.get(&format!("{products}/{}", created.id())).await.body;
        for field in ["unit", "allergens", "storage", "sku", "gtin", "case_size"] {
            assert_eq!(read[field], body[field], "{field}: {read}");
        }

        // The same through the producer's form: a bad check digit comes back with what was typed.
        let farmer = app.logged_in(people::FARMER).await;
        let new = format!("/o/{}/produits/nouveau", w.farm.id);
        let mut fields = vec![
            ("name_fr", "Fromage frais"),
            ("category", "dairy"),
            ("unit", "kg"),
            ("tax_class", "zero_rated"),
            ("origin", "quebec_processed"),
            ("active", "on"),
            ("allergen", "milk"),
            ("allergen", "eggs"),
            ("storage", "frozen"),
            ("sku", "FF-1"),
            ("gtin", "036000291453"),
            ("case_size", "12"),
        ];
        let page = farmer.send(&new, &fields).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), ["gtin"]);
        assert!(page.has("value=\"036000291453\""), "typed value kept");
        assert_eq!(page.errors(), vec!["gtin_check"], "{page:?}");
        assert!(page.has("id=\"f-allergen-milk\" name=\"allergen\" value=\"milk\" checked"));
        fields[10] = ("gtin", "036000291452");
        assert_eq!(farmer.send(&new, &fields).await.status, 303);
        let list = api.get(&products).await;
        let saved = list
            .list()
            .iter()
            .find(|p| p["name_fr"] == "Fromage frais")
            .unwrap_or_else(|| panic!("{}", list.body));
        assert_eq!(saved["allergens"], json!(["eggs", "milk"]));
        assert_eq!(
            (
                &saved["storage"],
                &saved["sku"],
                &saved["gtin"],
                &saved["case_size"]
            ),
            (
                &json!("frozen"),
                &json!("FF-1"),
                &json!("036000291452"),
                &json!(12)
            )
        );
        // The producer's list shows the allergens and storage in its language.
        let list = farmer.page(&format!("/o/{}/produits", w.farm.id)).await;
        assert!(list.has("Congelé") && list.has("Œufs") && list.has("caisse de 12"));
        app.stop().await;
    }
}

#[tokio::test]
async fn a_buyer_who_prefers_pounds_reads_prices_per_lb_first_and_bad_tags_come_back() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let coordinator = app.logged_in(people::COORDINATOR).await;
        let settings = format!("/o/{}/partenaires/acheteurs/{}", w.hub.id, w.cpe.id);
        let page = coordinator
            .send(&settings, &[("tags", "cpe; écoles"), ("weight_unit", "lb")])
            .await;
        assert_eq!(page.status, 422);
        let field = format!("tags-{}", w.cpe.id);
        assert_eq!(page.field_errors(), [field]);
        assert!(page.has("value=\"cpe; écoles\""), "typed tags kept");
        let page = coordinator
            .send(&settings, &[("tags", "CPE, écoles"), ("weight_unit", "lb")])
            .await;
        assert_eq!(page.status, 303, "{page:?}");
        let partners = coordinator
            .page(&format!("/o/{}/partenaires", w.hub.id))
            .await;
        assert!(partners.has("value=\"cpe écoles\""), "{partners:?}");

        // The CPE pays 2,88 $/kg for carrots: 1,31 $/lb, shown first.
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = kitchen
            .page(&format!(
                "/o/{}/boutique/{}/{}",
                w.cpe.id, w.hub.id, w.cycle
            ))
            .await;
        assert!(
            shop.has("1,31\u{a0}$/lb (2,88\u{a0}$/kg)"),
            "pounds first: {shop:?}"
        );
        // The bistro keeps kilograms; the API gives both prices.
        let catalog = w
            .api(&app, Who::Bistro)
            .get(&format!(
                "/organizations/{}/hubs/{}/order-cycles/{}/catalog",
                w.bistro.id, w.hub.id, w.cycle
            ))
            .await;
        let carrots = catalog
            .list()
            .iter()
            .find(|i| i["product"]["id"] == w.carrots)
            .unwrap_or_else(|| panic!("{}", catalog.body));
        assert_eq!(
            (
                &carrots["weight_price_per_kg_cents"],
                &carrots["weight_price_per_lb_cents"]
            ),
            (&json!(313), &json!(142))
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_product_or_cycle_kept_for_a_tag_is_hidden_from_other_buyers() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let coordinator = app.logged_in(people::COORDINATOR).await;
        let settings = format!("/o/{}/partenaires/acheteurs/{}", w.hub.id, w.cpe.id);
        let page = coordinator
            .send(&settings, &[("tags", "cpe"), ("weight_unit", "kg")])
            .await;
        assert_eq!(page.status, 303);
        let rule = format!("/o/{}/visibilite/produits/{}", w.hub.id, w.cheese);
        let page = coordinator.send(&rule, &[("tags", &"x".repeat(31))]).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.field_errors(), [format!("tags-p{}", w.cheese)]);
        assert_eq!(
            coordinator.send(&rule, &[("tags", "cpe")]).await.status,
            303
        );
        let rules = coordinator
            .page(&format!("/o/{}/visibilite", w.hub.id))
            .await;
        assert!(rules.has("Étiquettes de vos acheteurs : cpe"), "{rules:?}");

        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = format!("/o/{}/boutique/{}/{}", w.cpe.id, w.hub.id, w.cycle);
        assert!(kitchen.page(&shop).await.has("Cheddar"));
        let bistro = w.api(&app, Who::Bistro);
        let catalog = format!(
            "/organizations/{}/hubs/{}/order-cycles/{}/catalog",
            w.bistro.id, w.hub.id, w.cycle
        );
        let seen: Vec<_> = bistro
            .get(&catalog)
            .await
            .list()
            .iter()
            .map(|i| i["product"]["id"].clone())
            .collect();
        assert_eq!(seen, vec![json!(w.carrots)], "no cheese for the bistro");
        let orders = format!("/organizations/{}/orders", w.bistro.id);
        let order = |product: i64, qty: &str| {
            json!({"hub_id": w.hub.id, "cycle_id": w.cycle, "location_id": w.location,
                "lines": [{"product_id": product, "quantity": qty}]})
        };
        let res = bistro.post_json(&orders, &order(w.cheese, "2")).await;
        assert_eq!(
            (res.status, res.code()),
            (422, "not_offered"),
            "{}",
            res.body
        );
        let res = w
            .api(&app, Who::Cpe)
            .post_json(
                &format!("/organizations/{}/orders", w.cpe.id),
                &json!({
                "hub_id": w.hub.id, "cycle_id": w.cycle, "location_id": w.location,
                "lines": [{"product_id": w.cheese, "quantity": "2"}]}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.body);

        // The whole cycle kept for daycares.
        let rule = format!("/o/{}/visibilite/cycles/{}", w.hub.id, w.cycle);
        assert_eq!(
            coordinator.send(&rule, &[("tags", "cpe")]).await.status,
            303
        );
        assert_eq!(bistro.get(&catalog).await.status, 404);
        let res = bistro.post_json(&orders, &order(w.carrots, "5")).await;
        assert_eq!(res.status, 404, "{}", res.body);
        assert!(kitchen.page(&shop).await.has("Carottes"));
        app.stop().await;
    }
}
