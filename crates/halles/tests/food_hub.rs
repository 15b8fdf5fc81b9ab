//! The food hub through the real HTTP API and pages, on SQLite and (when configured) PostgreSQL:
//! a producer posts availability, buyers order at their own prices, the hub sees totals;
//! and every new route's permissions.

mod support;

use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_store::{Actor, TenantScope};
use jiff::SignedDuration;
use serde_json::{Value, json};
use support::TestApp;
use support::matrix::{Allowed, Fixture, Row, api_rows, check, page_routes_without_rows};

fn scope(org: halles_core::OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

#[tokio::test]
async fn producers_post_availability_buyers_order_at_their_prices_and_the_hub_sees_totals() {
    for app in TestApp::on_every_db().await {
        let hub = app.org(OrgKind::Hub, "Pôle").await;
        let farm = app.org(OrgKind::Producer, "Ferme").await;
        let dairy = app.org(OrgKind::Producer, "Laiterie").await;
        let cpe = app.org(OrgKind::Buyer, "CPE").await;
        let bistro = app.org(OrgKind::Buyer, "Bistro").await;
        let h = app.store.own_hub(&scope(hub.id)).await.unwrap();
        app.store.link_producer(&h, farm.id).await.unwrap();
        app.store.link_producer(&h, dairy.id).await.unwrap();
        app.store
            .link_buyer(&h, cpe.id, BuyerType::Institution)
            .await
            .unwrap();
        app.store
            .link_buyer(&h, bistro.id, BuyerType::Restaurant)
            .await
            .unwrap();
        app.store
            .add_price_rule(
                &h,
                &PriceRule {
                    buyer_type: None,
                    buyer: None,
                    product: None,
                    margin: MarginBp(2500),
                },
            )
            .await
            .unwrap();
        app.store
            .add_price_rule(
                &h,
                &PriceRule {
                    buyer_type: Some(BuyerType::Institution),
                    buyer: None,
                    product: None,
                    margin: MarginBp(1500),
                },
            )
            .await
            .unwrap();
        let all = Scope::ALL;
        let (t_hub, t_farm, t_dairy, t_cpe, t_bistro) = (
            app.token(hub.id, &all).await,
            app.token(farm.id, &all).await,
            app.token(dairy.id, &all).await,
            app.token(cpe.id, &all).await,
            app.token(bistro.id, &all).await,
        );
        let http = reqwest::Client::new();
        let api = |path: &str| app.at(&format!("/api/v1/organizations{path}"));

        // Producers describe their products.
        let product = |name: &str, unit: &str, tax: &str| json!({"name_fr": name, "category": "vegetables", "unit": unit, "tax_class": tax, "origin": "quebec_grown", "certifications": ["aliments_du_quebec"]});
        let res = http
            .post(api(&format!("/{}/products", farm.id)))
            .bearer_auth(&t_farm)
            .json(&product("Carottes", "kg", "zero_rated"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let carrots = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let cheese: Value = http
            .post(api(&format!("/{}/products", dairy.id)))
            .bearer_auth(&t_dairy)
            .json(&product("Cheddar", "each", "zero_rated"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let cheese = cheese["id"].as_i64().unwrap();
        let bad = http.post(api(&format!("/{}/products", farm.id))).bearer_auth(&t_farm).json(&json!({"name_fr": "", "category": "nope", "unit": "kg", "tax_class": "zero_rated", "origin": "quebec_grown"})).send().await.unwrap();
        assert_eq!(bad.status(), 422);
        let fields: Vec<String> = bad.json::<Value>().await.unwrap()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(fields, ["category", "name_fr"]);

        // The hub opens a cycle (idempotently).
        let now = app.store.now();
        let cycle_body = json!({
            "name": "Semaine 49", "opens_at": (now + SignedDuration::from_hours(1)).to_string(),
            "closes_at": (now + SignedDuration::from_hours(72)).to_string(), "order_fee_cents": 300,
            "producer_ids": [farm.id.0, dairy.id.0],
            "locations": [{"kind": "pickup", "name": "Entrepôt", "fee_cents": 0, "min_order_cents": 1000}]
        });
        let res = http
            .post(api(&format!("/{}/order-cycles", hub.id)))
            .bearer_auth(&t_hub)
            .header("Idempotency-Key", "cycle-49")
            .json(&cycle_body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let cycle: Value = res.json().await.unwrap();
        let again: Value = http
            .post(api(&format!("/{}/order-cycles", hub.id)))
            .bearer_auth(&t_hub)
            .header("Idempotency-Key", "cycle-49")
            .json(&cycle_body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(cycle, again, "a replay creates no second cycle");
        let cycle_id = cycle["id"].as_i64().unwrap();
        let location = cycle["locations"][0]["id"].as_i64().unwrap();
        assert_eq!(cycle["status"], "draft");

        // Producers post what they have this week.
        let path = |org: &halles_store::platform::organizations::Organization| {
            api(&format!(
                "/{}/hubs/{}/order-cycles/{cycle_id}/availability",
                org.id, hub.id
            ))
        };
        let res = http
            .put(path(&farm))
            .bearer_auth(&t_farm)
            .json(&json!([{"product_id": carrots, "quantity": "40", "price_cents": 250}]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = http
            .put(path(&dairy))
            .bearer_auth(&t_dairy)
            .json(&json!([{"product_id": cheese, "quantity": "10", "price_cents": 800}]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // A producer cannot post for another's product, nor read another producer's grid through the hub's path.
        let res = http
            .put(path(&farm))
            .bearer_auth(&t_farm)
            .json(&json!([{"product_id": cheese, "quantity": "10", "price_cents": 1}]))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let res = http
            .get(api(&format!(
                "/{}/order-cycles/{cycle_id}/availability",
                hub.id
            )))
            .bearer_auth(&t_farm)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);

        // The cycle opens on time, by the worker.
        app.clock.advance(SignedDuration::from_hours(2));
        halles::worker::on_time(&app.store, &app.url).await;

        // Each buyer sees its own price list.
        let cat = |org: &halles_store::platform::organizations::Organization, token: &str| {
            let url = api(&format!(
                "/{}/hubs/{}/order-cycles/{cycle_id}/catalog",
                org.id, hub.id
            ));
            let req = http.get(url).bearer_auth(token.to_owned());
            async move {
                req.send()
                    .await
                    .unwrap()
                    .json::<Vec<Value>>()
                    .await
                    .unwrap()
            }
        };
        let cpe_cat = cat(&cpe, &t_cpe).await;
        let price_of = |c: &[Value], id: i64| {
            c.iter().find(|i| i["product"]["id"] == id).unwrap()["price_cents"]
                .as_i64()
                .unwrap()
        };
        assert_eq!(price_of(&cpe_cat, carrots), 288, "2.50 $ + 15 %");
        assert_eq!(
            price_of(&cat(&bistro, &t_bistro).await, carrots),
            313,
            "2.50 $ + 25 %"
        );

        // One cart, two producers.
        let order = json!({"hub_id": hub.id.0, "cycle_id": cycle_id, "location_id": location, "po_number": "BC-77",
                           "lines": [{"product_id": carrots, "quantity": "12.5"}, {"product_id": cheese, "quantity": "2"}]});
        let res = http
            .post(api(&format!("/{}/orders", cpe.id)))
            .bearer_auth(&t_cpe)
            .header("Idempotency-Key", "o-1")
            .json(&order)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let placed: Value = res.json().await.unwrap();
        assert_eq!(placed["lines"].as_array().unwrap().len(), 2);
        assert_eq!(placed["subtotal_cents"], 12_500 * 288 / 1000 + 2 * 920);
        assert_eq!(placed["fees_cents"], 300);
        let order_id = placed["id"].as_i64().unwrap();
        let replay: Value = http
            .post(api(&format!("/{}/orders", cpe.id)))
            .bearer_auth(&t_cpe)
            .header("Idempotency-Key", "o-1")
            .json(&order)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(replay["id"], order_id);

        // Nobody else reads it.
        let res = http
            .get(api(&format!("/{}/orders/{order_id}", bistro.id)))
            .bearer_auth(&t_bistro)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let res = http
            .get(api(&format!("/{}/orders/{order_id}", cpe.id)))
            .bearer_auth(&t_bistro)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);

        // A shortage names the line; nothing of the order is kept.
        let greedy = json!({"hub_id": hub.id.0, "cycle_id": cycle_id, "location_id": location,
                            "lines": [{"product_id": carrots, "quantity": "5"}, {"product_id": cheese, "quantity": "9"}]});
        let res = http
            .post(api(&format!("/{}/orders", bistro.id)))
            .bearer_auth(&t_bistro)
            .json(&greedy)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["code"], "shortage");
        let grid: Vec<Value> = http
            .get(path(&farm))
            .bearer_auth(&t_farm)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            grid[0]["reserved"], "12.5",
            "the failed order reserved nothing"
        );

        // The hub sees the orders and the totals by producer on its page.
        let orders: Vec<Value> = http
            .get(api(&format!("/{}/order-cycles/{cycle_id}/orders", hub.id)))
            .bearer_auth(&t_hub)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(orders.len(), 1);
        app.user("coord@pole.example", Some((hub.id, Role::Admin)))
            .await;
        let b = app.logged_in("coord@pole.example").await;
        let page = b
            .get(&format!("/o/{}/cycles/{cycle_id}", hub.id))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Totaux par producteur")
                && page.contains("Ferme")
                && page.contains("Laiterie")
        );

        // Change, then cancel through the API.
        let change =
            json!({"location_id": location, "lines": [{"product_id": carrots, "quantity": "20"}]});
        let res = http
            .put(api(&format!("/{}/orders/{order_id}", cpe.id)))
            .bearer_auth(&t_cpe)
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = http
            .post(api(&format!("/{}/orders/{order_id}/cancel", cpe.id)))
            .bearer_auth(&t_cpe)
            .send()
            .await
            .unwrap();
        assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
        let grid: Vec<Value> = http
            .get(path(&farm))
            .bearer_auth(&t_farm)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(grid[0]["reserved"], "0");

        // The confirmation e-mail went to the buyer's team.
        app.user("cuisine@cpe.example", Some((cpe.id, Role::Admin)))
            .await;
        let res = http
            .post(api(&format!("/{}/orders", cpe.id)))
            .bearer_auth(&t_cpe)
            .json(&order)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        app.run_jobs().await;
        // The API does not e-mail (the page does); the page path is tested by the browser tests.
        let _ = app
            .store
            .outbox(Some("cuisine@cpe.example"), 5)
            .await
            .unwrap();
        app.stop().await;
    }
}

#[tokio::test]
async fn a_buyer_orders_through_the_pages_and_gets_a_confirmation() {
    let app = TestApp::start(halles_store::testing::TestDb::sqlite()).await;
    let hub = app.org(OrgKind::Hub, "Pôle").await;
    let farm = app.org(OrgKind::Producer, "Ferme").await;
    let cpe = app.org(OrgKind::Buyer, "CPE").await;
    let h = app.store.own_hub(&scope(hub.id)).await.unwrap();
    app.store.link_producer(&h, farm.id).await.unwrap();
    app.store
        .link_buyer(&h, cpe.id, BuyerType::Institution)
        .await
        .unwrap();
    app.user("ferme@x.example", Some((farm.id, Role::Admin)))
        .await;
    app.user("cuisine@x.example", Some((cpe.id, Role::Admin)))
        .await;
    let producer = app.logged_in("ferme@x.example").await;
    let res = producer
        .post_form(
            &format!("/o/{}/produits/nouveau", farm.id),
            &[
                ("name_fr", ""),
                ("category", "vegetables"),
                ("unit", "kg"),
                ("tax_class", "zero_rated"),
                ("origin", "quebec_grown"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = producer
        .post_form(
            &format!("/o/{}/produits/nouveau", farm.id),
            &[
                ("name_fr", "Carottes"),
                ("category", "vegetables"),
                ("unit", "kg"),
                ("tax_class", "zero_rated"),
                ("origin", "quebec_grown"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let carrots = app.store.products(&scope(farm.id)).await.unwrap()[0].id;

    // A photo: any picture in, a resized JPEG stored, shown to signed-in people.
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(1600, 1200, |x, _| {
        image::Rgb([(x % 255) as u8, 120, 40])
    }))
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    let csrf = producer.csrf().await;
    let upload = |bytes: Vec<u8>, csrf: String| {
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name("carottes.png"),
        );
        producer
            .http
            .post(app.at(&format!("/o/{}/produits/{carrots}/photo", farm.id)))
            .multipart(form)
            .send()
    };
    let res = upload(
        png.clone(),
        "forged-forged-forged-forged-forged-forged".into(),
    )
    .await
    .unwrap();
    assert_eq!(
        res.status(),
        403,
        "the CSRF token is checked on uploads too"
    );
    let res = upload(b"pas une photo".to_vec(), csrf.clone())
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        app.store.product_photo(carrots).await.unwrap().is_none(),
        "garbage is refused"
    );
    let res = upload(png, csrf).await.unwrap();
    assert_eq!(res.status(), 303);
    let photo = producer.get(&format!("/photos/{carrots}.jpg")).await;
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let jpeg = image::load_from_memory(&photo.bytes().await.unwrap()).unwrap();
    assert_eq!((jpeg.width(), jpeg.height()), (800, 600));
    assert_eq!(
        app.client()
            .get(&format!("/photos/{carrots}.jpg"))
            .await
            .status(),
        303,
        "signed-in people only"
    );
    let now = app.store.now();
    let cycle = app
        .store
        .create_cycle(
            &h,
            &halles_store::hub::cycles::CycleInput {
                name: "Semaine".into(),
                opens_at: now,
                closes_at: now + SignedDuration::from_hours(48),
                delivery_note: String::new(),
                order_fee: halles_core::money::Cents(0),
                producers: vec![farm.id],
                locations: vec![],
            },
        )
        .await
        .unwrap();
    let grid = format!("/o/{}/disponibilites/{}/{}", farm.id, hub.id, cycle);
    let res = producer
        .post_form(
            &grid,
            &[
                ("action", "save"),
                (&format!("qty_{carrots}"), "abc"),
                (&format!("price_{carrots}"), "2,50"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"abc\""), "what was typed comes back");
    let res = producer
        .post_form(
            &grid,
            &[
                ("action", "save"),
                (&format!("qty_{carrots}"), "30"),
                (&format!("price_{carrots}"), "2,50"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    halles::worker::on_time(&app.store, &app.url).await;
    let buyer = app.logged_in("cuisine@x.example").await;
    let shop = format!("/o/{}/boutique/{}/{}", cpe.id, hub.id, cycle);
    let page = buyer.get(&shop).await.text().await.unwrap();
    assert!(
        page.contains("Carottes") && page.contains("2,50\u{a0}$"),
        "no margin rule: the producer's price"
    );
    let res = buyer
        .post_form(&shop, &[(&format!("qty_{carrots}"), "31")])
        .await;
    assert_eq!(res.status(), 422, "more than is left");
    let res = buyer
        .post_form(
            &shop,
            &[(&format!("qty_{carrots}"), "4"), ("po_number", "BC-1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = support::location(&res);
    assert!(buyer.get(&to).await.text().await.unwrap().contains("BC-1"));
    let orders_page = buyer
        .get(&format!("/o/{}/commandes", cpe.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        orders_page.contains("100,0"),
        "the share of Québec food is measured"
    );
    app.run_jobs().await;
    let mail = app
        .store
        .outbox(Some("cuisine@x.example"), 5)
        .await
        .unwrap();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].subject.contains("confirmée") && mail[0].body.contains("Carottes"));

    // Repeat it every week; when the hub opens next week's cycle by hand, it becomes an order.
    let res = buyer
        .post_form(
            &format!("{to}/refaire"),
            &[("every_weeks", "1"), ("until", "2027-03-31")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        buyer
            .get(&format!("/o/{}/commandes-recurrentes", cpe.id))
            .await
            .text()
            .await
            .unwrap()
            .contains("Carottes")
    );
    // A second checkout in the cycle goes into the open order: the catalog says what is
    // already ordered, the buyer is told which order got the lines.
    let page = buyer.get(&shop).await.text().await.unwrap();
    assert!(
        page.contains("Déjà commandé dans ce cycle : 4"),
        "the catalog shows what was ordered"
    );
    let res = buyer
        .post_form(&shop, &[(&format!("qty_{carrots}"), "2")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(support::location(&res), to, "the same order");
    let id = to.rsplit('/').next().unwrap();
    let page = buyer.get(&to).await.text().await.unwrap();
    assert!(
        page.contains(&format!("Ajouté à votre commande n° {id}.")),
        "{page}"
    );
    let orders = app.store.orders_of_buyer(&scope(cpe.id), 10).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0].lines[0].quantity,
        halles_core::quantity::Qty::units(6)
    );
    let next = app.store.copy_cycle_next_week(&h, cycle).await.unwrap();
    app.store
        .save_availability(
            &app.store.hub_scope(&scope(farm.id), hub.id).await.unwrap(),
            next,
            farm.id,
            &[(
                carrots,
                Some((
                    halles_core::quantity::Qty::units(2),
                    halles_core::money::Cents(250),
                )),
            )],
        )
        .await
        .unwrap();
    app.user("coord@x.example", Some((hub.id, Role::Admin)))
        .await;
    let coord = app.logged_in("coord@x.example").await;
    let res = coord
        .post_form(
            &format!("/o/{}/cycles/{next}/statut", hub.id),
            &[("status", "open")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = buyer
        .get(&format!("/o/{}/commandes-recurrentes", cpe.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("2 sur 4"), "the shortage is reported: {page}");
    app.run_jobs().await;
    let mail = app
        .store
        .outbox(Some("cuisine@x.example"), 1)
        .await
        .unwrap();
    assert!(
        mail[0].subject.contains("commande récurrente")
            && mail[0].body.contains("Carottes : 2 sur 4"),
        "{}",
        mail[0].body
    );

    // The hub, from its cycle page, opens the buyer's order and sets up a standing order for
    // the buyer; its own list names the buyer, and it can skip a week.
    let cycle_page = coord
        .get(&format!("/o/{}/cycles/{next}", hub.id))
        .await
        .text()
        .await
        .unwrap();
    let marker = format!("/o/{}/commandes/{}/", hub.id, hub.id);
    let at = cycle_page
        .find(&marker)
        .expect("a link to the buyer's order");
    let order_path = cycle_page[at..].split('"').next().unwrap().to_owned();
    let page = coord.get(&order_path).await.text().await.unwrap();
    assert!(page.contains("Commande de CPE"), "{page}");
    let res = coord
        .post_form(
            &format!("{order_path}/refaire"),
            &[("every_weeks", "2"), ("until", "2027-03-31")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        support::location(&res),
        format!("/o/{}/commandes-recurrentes", hub.id)
    );
    let list = coord
        .get(&format!("/o/{}/commandes-recurrentes", hub.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("CPE — toutes les 2 semaine(s)"),
        "the hub sees whose standing order it is: {list}"
    );
    let held = app.store.standing_orders(h.tenant()).await.unwrap();
    assert_eq!(held.len(), 2);
    let newest = held.iter().find(|s| s.input.every_weeks == 2).unwrap();
    assert_eq!(newest.input.buyer, cpe.id);
    let res = coord
        .post_form(
            &format!("/o/{}/commandes-recurrentes/{}/sauter", hub.id, newest.id),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    // The buyer sees it too, under the hub's name.
    let mine = buyer
        .get(&format!("/o/{}/commandes-recurrentes", cpe.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(mine.contains("toutes les 2 semaine(s)"), "{mine}");
    app.stop().await;
}

#[tokio::test]
async fn food_hub_routes_refuse_the_wrong_role_and_another_organization() {
    for app in TestApp::on_every_db().await {
        let producer = Fixture::new(&app, OrgKind::Producer, "prod").await;
        let producer_rows = check(
            &app,
            &producer,
            &[
                Row {
                    method: "GET",
                    path: "/o/{org}/produits",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 200,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/produits/nouveau",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 200,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/produits/nouveau",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 422,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/produits/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/disponibilites",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 200,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/disponibilites/{foreign}/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/produits/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 422,
                },
                Row {
                    method: "GET",
                    path: "/photos/1.jpg",
                    allowed: Allowed::Anyone,
                    ok_status: 303,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/produits/{foreign}/photo",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 400,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/disponibilites/{foreign}/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
            ],
        )
        .await;
        check(&app, &producer, api_rows::PRODUCER).await;
        let hub = Fixture::new(&app, OrgKind::Hub, "hubf").await;
        let hub_rows = check(
            &app,
            &hub,
            &[
                Row {
                    method: "GET",
                    path: "/o/{org}/cycles",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 200,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/cycles",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 422,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/cycles/{foreign}",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 404,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/partenaires",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 200,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/prix",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 200,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/prix",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 422,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/cycles/{foreign}/commandes/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/cycles/{foreign}/commandes/{foreign}/annuler",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/cycles/{foreign}/commander-pour/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/cycles/{foreign}/statut",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 303,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/cycles/{foreign}/copier",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/cycles/{foreign}/disponibilites/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/cycles/{foreign}/disponibilites/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/cycles/{foreign}/commander-pour/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/cycles/{foreign}/commandes/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/partenaires/producteurs",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 303,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/prix/{foreign}/supprimer",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
            ],
        )
        .await;
        check(&app, &hub, api_rows::HUB).await;
        let buyer = Fixture::new(&app, OrgKind::Buyer, "buy").await;
        let buyer_rows = check(
            &app,
            &buyer,
            &[
                Row {
                    method: "GET",
                    path: "/o/{org}/boutique",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 200,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/commandes",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 200,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/boutique/{foreign}/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/commandes/{foreign}/{foreign}",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/commandes/{foreign}/{foreign}/annuler",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/commandes-recurrentes",
                    allowed: Allowed::Role(Role::Viewer),
                    ok_status: 200,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/commandes-recurrentes/{foreign}/arreter",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/commandes/{foreign}/{foreign}/refaire",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/boutique/{foreign}/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "POST",
                    path: "/o/{org}/commandes/{foreign}/{foreign}",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
                Row {
                    method: "GET",
                    path: "/o/{org}/commandes/{foreign}/{foreign}/modifier",
                    allowed: Allowed::Role(Role::Staff),
                    ok_status: 404,
                },
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
        let orders = app.store.orders_of_buyer(&scope, 100).await.unwrap();
        assert_eq!(orders.len(), 1, "one order per buyer, cycle and location");
        assert_eq!(
            orders[0].lines[0].quantity,
            halles_core::quantity::Qty::units(4),
            "2 + 2: the retry added nothing"
        );
        app.stop().await;
    }
}
