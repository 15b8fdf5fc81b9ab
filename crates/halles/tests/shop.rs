//! The buyer's shop without JavaScript, on SQLite and (when configured) PostgreSQL: filters that
//! keep the typed quantities (also while changing an order), the minimum checked by the
//! server with the form back, the data the running total reads, the delivery details of the
//! order page and its e-mail, and the quick order form. Each story starts from
//! [`World::hub_week`] (carrots at 2,88 $/kg and cheddar at 9,20 $ each for the CPE).

mod support;

use halles_core::quantity::Qty;
use jiff::SignedDuration;
use serde_json::{Value, json};
use support::requests::Page;
use support::world::{
    HubWeek, Who, World, cycle_body, hub_cycle, people, scope, two_delivery_days,
};
use support::{Browser, TestApp};

/// The kitchen's catalog of the week's cycle.
fn catalog(w: &HubWeek) -> String {
    format!("/o/{}/boutique/{}/{}", w.cpe.id, w.hub.id, w.cycle)
}

/// `qty_{product}`.
fn qty(product: i64) -> String {
    format!("qty_{product}")
}

/// Whether the page lists `product` as a row of the catalog.
fn lists(page: &Page, product: i64) -> bool {
    page.has(&format!("id=\"p-{product}\""))
}

/// The value of the hidden field keeping `product`'s quantity, if any.
fn kept(page: &Page, product: i64) -> Option<String> {
    let marker = format!("<input type=\"hidden\" name=\"qty_{product}\" value=\"");
    let at = page.html.find(&marker)?;
    page.html[at + marker.len()..]
        .split('"')
        .next()
        .map(str::to_owned)
}

/// The CPE's placed orders, newest first.
async fn orders(app: &TestApp, w: &HubWeek) -> Vec<halles_store::hub::orders::Order> {
    app.store.orders_of_org(&scope(w.cpe.id), 50).await.unwrap()
}

/// Quantity `n` of a product's sale unit.
fn units(n: i64) -> Qty {
    Qty::units(n)
}

/// `(product, quantity)` of an order's lines, sorted.
fn lines_of(o: &halles_store::hub::orders::Order) -> Vec<(i64, Qty)> {
    let mut l: Vec<(i64, Qty)> = o
        .lines
        .iter()
        .map(|l| (l.product.id.0, l.quantity))
        .collect();
    l.sort();
    l
}

/// Posts `carrots` kg typed and a search for the cheddar to the order form at `form`: the
/// catalog comes back without the carrots, their quantity kept in a hidden field.
async fn search_cheddar(who: &Browser, form: &str, w: &HubWeek, carrots: &str) -> Page {
    let field = qty(w.carrots);
    let page = who
        .send(
            form,
            &[(&field, carrots), ("q", "ched"), ("filter", "apply")],
        )
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(!lists(&page, w.carrots), "{page:?}");
    assert_eq!(kept(&page, w.carrots).as_deref(), Some(carrots), "{page:?}");
    page
}

#[tokio::test]
async fn filters_keep_the_typed_quantities_without_javascript_and_the_order_holds_them() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = catalog(&w);
        let (carrots, cheese) = (qty(w.carrots), qty(w.cheese));
        let location = w.location.to_string();
        let (four_kg, half, two) = (
            (carrots.as_str(), "4"),
            (carrots.as_str(), "4,5"),
            (cheese.as_str(), "2"),
        );
        // Carrots typed, then a search for the cheddar: the carrots are hidden, kept.
        let page = search_cheddar(&kitchen, &shop, &w, "4").await;
        assert!(lists(&page, w.cheese), "{page:?}");
        assert_eq!(page.value_of("q"), "ched", "the search stays in its box");
        // Cheddar typed, the filters cleared: both are shown with what was typed.
        let page = kitchen
            .send(&shop, &[four_kg, two, ("q", "ched"), ("filter", "clear")])
            .await;
        assert_eq!(page.status, 200, "{page:?}");
        assert!(lists(&page, w.carrots) && lists(&page, w.cheese));
        assert_eq!(page.value_of(&carrots), "4");
        assert_eq!(page.value_of(&cheese), "2");
        assert_eq!(kept(&page, w.carrots), None, "shown, so not hidden");
        // A category filter that hides both: both kept, nothing ordered by filtering.
        let page = kitchen
            .send(
                &shop,
                &[half, two, ("category", "fruits"), ("filter", "apply")],
            )
            .await;
        assert_eq!(page.status, 200, "{page:?}");
        assert_eq!(kept(&page, w.carrots).as_deref(), Some("4,5"));
        assert_eq!(kept(&page, w.cheese).as_deref(), Some("2"));
        assert!(
            orders(&app, &w).await.is_empty(),
            "filtering orders nothing"
        );
        // The order button sends everything typed, shown or hidden.
        let page = kitchen
            .send(
                &shop,
                &[
                    (&carrots, "4,5"),
                    (&cheese, "2"),
                    ("category", "fruits"),
                    ("location", &location),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{page:?}");
        let placed = orders(&app, &w).await;
        assert_eq!(placed.len(), 1);
        assert_eq!(
            lines_of(&placed[0]),
            vec![(w.carrots, Qty(4_500)), (w.cheese, units(2))],
            "the order holds every typed line"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn filtering_while_changing_an_order_stays_in_that_order() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let (carrots, cheese) = (qty(w.carrots), qty(w.cheese));
        let location = w.location.to_string();
        let placed = kitchen
            .send(&catalog(&w), &[(&carrots, "4"), ("location", &location)])
            .await;
        assert_eq!(placed.status, 303, "{placed:?}");
        let order = placed.location;
        // The change form: the order's quantities; a search posts to the order itself.
        let edit = kitchen.page(&format!("{order}/modifier")).await;
        assert_eq!(edit.value_of(&carrots), "4");
        assert!(edit.has(&format!("action=\"{order}\"")), "{edit:?}");
        let page = kitchen
            .send(
                &order,
                &[
                    (&carrots, "6"),
                    (&cheese, ""),
                    ("q", "ched"),
                    ("filter", "apply"),
                    ("location", &location),
                ],
            )
            .await;
        assert_eq!(page.status, 200, "{page:?}");
        assert!(page.has(&format!("action=\"{order}\"")), "still this order");
        assert_eq!(kept(&page, w.carrots).as_deref(), Some("6"));
        assert_eq!(page.value_of(&cheese), "", "an emptied box stays empty");
        assert!(page.has("Enregistrer les changements"), "{page:?}");
        let page = kitchen
            .send(
                &order,
                &[(&carrots, "6"), (&cheese, "1"), ("location", &location)],
            )
            .await;
        assert_eq!((page.status, page.location.as_str()), (303, order.as_str()));
        let all = orders(&app, &w).await;
        assert_eq!(all.len(), 1, "no second order");
        assert_eq!(
            lines_of(&all[0]),
            vec![(w.carrots, units(6)), (w.cheese, units(1))]
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn below_the_minimum_the_form_comes_back_with_what_was_typed_and_the_running_totals_data() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let carrots = qty(w.carrots);
        let location = w.location.to_string();
        // The data the running total reads: unit prices in cents, the unit, fee and minimum.
        let page = kitchen.page(&catalog(&w)).await;
        let (_, cycle) = hub_cycle(&app, &w).await;
        let day = cycle["delivery_days"][0]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(page.has("data-price=\"288\" data-unit=\"kg\""), "{page:?}");
        assert!(page.has("data-price=\"920\" data-unit=\"each\""));
        assert!(page.has(&format!(
            "data-fee=\"0\" data-min=\"1000\" data-open=\"{day}:0\""
        )));
        assert!(page.has("data-order-fee=\"300\""));
        assert!(page.has("src=\"/static/cart.js\""));
        // 2 kg × 2,88 $ = 5,76 $, below the 10 $ minimum: refused on the location, kept.
        let page = kitchen
            .send(
                &catalog(&w),
                &[
                    (&carrots, "2"),
                    ("location", &location),
                    ("note", "Porte arrière"),
                ],
            )
            .await;
        assert_eq!(page.status, 422, "{page:?}");
        assert_eq!(page.field_errors(), vec!["location".to_owned()]);
        assert_eq!(page.value_of(&carrots), "2");
        assert!(page.has(">Porte arrière</textarea>"));
        assert!(orders(&app, &w).await.is_empty());
        // Once an order is open at the pickup point, the next checkout shows what it holds.
        let page = kitchen
            .send(&catalog(&w), &[(&carrots, "4"), ("location", &location)])
            .await;
        assert_eq!(page.status, 303);
        let page = kitchen.page(&catalog(&w)).await;
        assert!(
            page.has(&format!("data-min=\"1000\" data-open=\"{day}:1152\"")),
            "{page:?}"
        );
        // The script is served.
        let js = kitchen.get("/static/cart.js").await;
        assert_eq!(js.status(), 200);
        assert!(js.text().await.unwrap().contains("data-price"));
        app.stop().await;
    }
}

#[tokio::test]
async fn the_running_total_counts_the_open_order_of_the_same_delivery_day_only() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let (thursday, friday) = two_delivery_days(&app, &w).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let (carrots, location) = (qty(w.carrots), w.location.to_string());
        // 4 kg × 2,88 $ = 11,52 $ for Friday.
        let page = kitchen
            .send(
                &catalog(&w),
                &[
                    (&carrots, "4"),
                    ("location", &location),
                    ("delivery_day", &friday),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{page:?}");
        // The next checkout: the open order counts for Friday at that point, not Thursday.
        let page = kitchen.page(&catalog(&w)).await;
        assert!(
            page.has(&format!("data-open=\"{thursday}:0 {friday}:1152\"")),
            "{page:?}"
        );
        assert!(
            page.has(&format!("data-day=\"{thursday}\"")),
            "the day preselected"
        );
        app.stop().await;
    }
}

/// A second cycle like the week's (opening with it), changed by `patch`, where both producers
/// offer what they offer in the week's cycle; its id and its location's id.
async fn another_cycle(app: &TestApp, w: &HubWeek, patch: impl Fn(&mut Value)) -> (i64, i64) {
    let mut body = cycle_body(app, &[w.farm.id, w.dairy.id]);
    // The week's cycle opened already: this one opens now.
    body["opens_at"] = json!(app.store.now().to_string());
    patch(&mut body);
    let r = w
        .api(app, Who::Hub)
        .post_json(&format!("/organizations/{}/order-cycles", w.hub.id), &body)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let (cycle, location) = (r.id(), r.body["locations"][0]["id"].as_i64().unwrap_or(0));
    for (who, product, qty, price) in [
        (Who::Farm, w.carrots, "40", 250),
        (Who::Dairy, w.cheese, "10", 800),
    ] {
        let r = w
            .api(app, who)
            .put_json(
                &w.availability_path(who, cycle),
                &json!([{"product_id": product, "quantity": qty, "price_cents": price}]),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    (cycle, location)
}

/// Opens every cycle due (the worker's on-time step, a minute later).
async fn open_due(app: &TestApp) {
    app.clock.advance(SignedDuration::from_mins(1));
    halles::worker::on_time(&app.store, &app.url).await;
}

#[tokio::test]
async fn the_order_page_and_its_confirmation_show_the_delivery_details() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let (cycle, location) = another_cycle(&app, &w, |b| {
            b["delivery_note"] = json!("Livraison jeudi matin");
            b["locations"][0] = json!({"kind": "delivery", "name": "Zone Ouest",
                "fee_cents": 1500, "min_order_cents": 0});
        })
        .await;
        open_due(&app).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = format!("/o/{}/boutique/{}/{cycle}", w.cpe.id, w.hub.id);
        let carrots = qty(w.carrots);
        let location = location.to_string();
        let page = kitchen.page(&shop).await;
        assert!(
            page.has("Livraison ou cueillette : Livraison jeudi matin"),
            "{page:?}"
        );
        let page = kitchen
            .send(
                &shop,
                &[
                    (&carrots, "4"),
                    ("location", &location),
                    ("note", "Sonner à la cuisine"),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{page:?}");
        let order = kitchen.page(&page.location).await;
        for shown in [
            "Zone de livraison</dt><dd>Zone Ouest — frais 15,00\u{a0}$",
            "Livraison jeudi matin",
            "Sonner à la cuisine",
        ] {
            assert!(order.has(shown), "{shown}: {order:?}");
        }
        app.run_jobs().await;
        let mail = app.mail_to(people::KITCHEN).await;
        assert_eq!(mail.len(), 1);
        for shown in [
            "Zone de livraison : Zone Ouest — frais 15,00\u{a0}$",
            "Jour de livraison ou de cueillette : ",
            "Précisions sur la livraison ou la cueillette : Livraison jeudi matin",
            "Note pour le pôle : Sonner à la cuisine",
        ] {
            assert!(mail[0].body.contains(shown), "{shown}: {}", mail[0].body);
        }
        app.stop().await;
    }
}

/// The kitchen's quick order form of `cycle`.
fn quick(w: &HubWeek, cycle: i64) -> String {
    format!(
        "/o/{}/boutique/{}/{cycle}/commande-rapide",
        w.cpe.id, w.hub.id
    )
}

/// `who` orders `lines` in `cycle` at `location` through the API.
async fn order_in(
    app: &TestApp,
    w: &HubWeek,
    who: Who,
    cycle: i64,
    location: i64,
    lines: &[(i64, &str)],
) {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(p, q)| json!({"product_id": p, "quantity": q}))
        .collect();
    let body =
        json!({"hub_id": w.hub.id.0, "cycle_id": cycle, "location_id": location, "lines": lines});
    let r = w.order(app, who, None, &body).await;
    assert_eq!(r.status, 201, "{}", r.body);
}

/// Where `text` first appears in `html`.
fn at(html: &str, text: &str) -> usize {
    html.find(text)
        .unwrap_or_else(|| panic!("{text} not in the page"))
}

#[tokio::test]
async fn the_quick_order_form_lists_the_usual_products_first_and_orders_only_what_is_typed() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let (second, second_at) = another_cycle(&app, &w, |_| {}).await;
        let (third, third_at) = another_cycle(&app, &w, |_| {}).await;
        open_due(&app).await;
        // Carrots in two cycles (8 kg last), cheddar in one; the bistro's orders do not count,
        // nor the CPE's order in the cycle of the form.
        order_in(
            &app,
            &w,
            Who::Cpe,
            w.cycle,
            w.location,
            &[(w.cheese, "3"), (w.carrots, "4")],
        )
        .await;
        order_in(&app, &w, Who::Cpe, second, second_at, &[(w.carrots, "8")]).await;
        order_in(&app, &w, Who::Bistro, second, second_at, &[(w.cheese, "5")]).await;
        order_in(&app, &w, Who::Cpe, third, third_at, &[(w.cheese, "2")]).await;
        let kitchen = app.logged_in(people::KITCHEN).await;
        let form = kitchen.page(&quick(&w, third)).await;
        assert_eq!(form.status, 200, "{form:?}");
        let html = &form.html;
        let usual = at(html, "Vos produits habituels</h2>");
        let others = at(html, "Autres produits</h2>");
        let carrots_row = at(html, &format!("id=\"p-{}\"", w.carrots));
        let cheese_row = at(html, &format!("id=\"p-{}\"", w.cheese));
        assert!(
            usual < carrots_row && carrots_row < cheese_row && cheese_row < others,
            "{form:?}"
        );
        assert!(form.has("La dernière fois : 8 kg"), "{form:?}");
        assert!(form.has("La dernière fois : 3 unités"), "{form:?}");
        assert_eq!(form.value_of(&qty(w.carrots)), "", "the boxes start empty");
        assert_eq!(form.value_of(&qty(w.cheese)), "");
        // Only what is typed is ordered, into the open order of the cycle.
        let third_at = third_at.to_string();
        let page = kitchen
            .send(
                &quick(&w, third),
                &[
                    (&qty(w.carrots), "5"),
                    (&qty(w.cheese), ""),
                    ("location", &third_at),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{page:?}");
        let in_third: Vec<_> = orders(&app, &w)
            .await
            .into_iter()
            .filter(|o| o.cycle.0 == third)
            .collect();
        assert_eq!(in_third.len(), 1, "one order per buyer, cycle and location");
        assert_eq!(
            lines_of(&in_third[0]),
            vec![(w.carrots, units(5)), (w.cheese, units(2))]
        );
        // A bad quantity: the quick form comes back with it.
        let page = kitchen
            .send(
                &quick(&w, third),
                &[(&qty(w.cheese), "deux"), ("location", &third_at)],
            )
            .await;
        assert_eq!(page.status, 422, "{page:?}");
        assert!(page.has("Vos produits habituels"), "the quick form again");
        assert_eq!(page.value_of(&qty(w.cheese)), "deux");
        assert_eq!(page.field_errors(), vec![qty(w.cheese)]);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_hub_taking_an_order_by_phone_filters_without_losing_quantities() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let coord = app.logged_in(people::COORDINATOR).await;
        let form = format!(
            "/o/{}/cycles/{}/commander-pour/{}",
            w.hub.id, w.cycle, w.cpe.id
        );
        let (carrots, cheese) = (qty(w.carrots), qty(w.cheese));
        let location = w.location.to_string();
        let page = search_cheddar(&coord, &form, &w, "5").await;
        assert!(page.has(&format!("action=\"{form}\"")), "{page:?}");
        let page = coord
            .send(
                &form,
                &[(&carrots, "5"), (&cheese, "1"), ("location", &location)],
            )
            .await;
        assert_eq!(page.status, 303, "{page:?}");
        let placed = orders(&app, &w).await;
        assert_eq!(placed.len(), 1);
        assert_eq!(
            lines_of(&placed[0]),
            vec![(w.carrots, units(5)), (w.cheese, units(1))]
        );
        app.stop().await;
    }
}
