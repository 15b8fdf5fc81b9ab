//! Producers through the real pages, API and worker, on SQLite and (when configured)
//! PostgreSQL: told when a cycle's grid waits for them, reminded once before the cut-off,
//! the grid's shortcuts at its top, and offers on demand.

mod support;

use halles_core::OrgId;
use halles_core::accounts::Lang;
use halles_core::catalog::{Category, Origin, SaleUnit};
use halles_core::organizations::{OrgKind, Role};
use halles_core::taxes::TaxClass;
use halles_store::Actor;
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::cycles::{CycleInput, LocationInput};
use jiff::SignedDuration;
use serde_json::json;
use support::TestApp;
use support::mail::about;
use support::world::{Who, World, people, scope};

const ORCHARD: &str = "verger@x.example";
const DAIRY: &str = "laiterie@x.example";

/// The worker's on-time step, then every job it queued.
async fn worker(app: &TestApp) {
    halles::worker::on_time(&app.store, &app.url).await;
    app.run_jobs().await;
}

#[tokio::test]
async fn producers_are_told_when_a_grid_waits_and_the_silent_one_is_reminded_once() {
    for app in TestApp::on_every_db().await {
        let hub = app.org(OrgKind::Hub, "Pôle").await;
        let farm = app.org(OrgKind::Producer, "Ferme").await;
        let dairy = app.org(OrgKind::Producer, "Laiterie").await;
        let orchard = app.org(OrgKind::Producer, "Verger").await;
        app.user(people::COORDINATOR, Some((hub.id, Role::Admin)))
            .await;
        app.user(people::FARMER, Some((farm.id, Role::Admin))).await;
        app.user(DAIRY, Some((dairy.id, Role::Staff))).await;
        let grower = app.user(ORCHARD, Some((orchard.id, Role::Admin))).await;
        // The orchard reads English.
        app.store
            .update_profile(Actor::system(), grower.id, "Orchard", Lang::En)
            .await
            .unwrap();
        let h = app.store.own_hub(&scope(hub.id)).await.unwrap();
        let producers = [farm.id, dairy.id, orchard.id];
        for p in producers {
            app.store.link_producer(&h, p).await.unwrap();
        }
        let carrots = app
            .store
            .create_product(&scope(farm.id), &vegetable("Carottes"))
            .await
            .unwrap()
            .id;
        let now = app.store.now();
        let closes = now + SignedDuration::from_hours(73);
        let cycle = app
            .store
            .create_cycle(&h, &week(now, closes, &producers))
            .await
            .unwrap();
        worker(&app).await;
        assert!(app.mail_to(people::FARMER).await.is_empty(), "a draft");

        // The cycle opens: each producer's staff is told, in their language, with the link.
        app.clock.advance(SignedDuration::from_hours(2));
        worker(&app).await;
        let grid = format!("/o/{}/disponibilites/{}/{}", farm.id, hub.id, cycle);
        let mail = app.mail_to(people::FARMER).await;
        let told = about(&mail, "la grille du cycle Semaine 49 vous attend");
        assert!(told.body.contains(&app.at(&grid)), "{}", told.body);
        let mail = app.mail_to(ORCHARD).await;
        assert!(
            about(&mail, "the grid of cycle Semaine 49 is waiting")
                .body
                .contains(&app.at(&format!(
                    "/o/{}/disponibilites/{}/{}",
                    orchard.id, hub.id, cycle
                )))
        );
        assert_eq!(app.mail_to(DAIRY).await.len(), 1);

        // The farmer's home page says so until the farm posts its grid.
        let farmer = app.logged_in(people::FARMER).await;
        let home = format!("/o/{}", farm.id);
        let page = farmer.page(&home).await;
        assert!(
            page.has("La grille de disponibilités du cycle Semaine 49 vous attend (jusqu")
                && page.has(&format!("href=\"{grid}\"")),
            "{page:?}"
        );
        let page = farmer.page(&grid).await;
        let copy = page.html.find("value=\"copy\"").unwrap_or(usize::MAX);
        let none = page.html.find("value=\"none\"").unwrap_or(usize::MAX);
        let first_row = page.html.find("name=\"qty\"").unwrap_or(0);
        assert!(
            copy < first_row && none < first_row,
            "the shortcuts sit above the rows"
        );
        let product = carrots.to_string();
        let fields = [
            ("action", "save"),
            ("product", product.as_str()),
            ("qty", "30"),
            ("price", "2,50"),
        ];
        assert_eq!(farmer.send(&grid, &fields).await.status, 303);
        assert!(
            !farmer
                .page(&home)
                .await
                .has("La grille de disponibilités du cycle")
        );
        // The dairy has nothing this week, and says so.
        let dairy_staff = app.logged_in(DAIRY).await;
        let dairy_grid = format!("/o/{}/disponibilites/{}/{}", dairy.id, hub.id, cycle);
        let page = dairy_staff.send(&dairy_grid, &[("action", "none")]).await;
        assert_eq!(page.status, 303);

        // The hub reminds 30 hours ahead; 200 is refused on the form, as typed.
        let coord = app.logged_in(people::COORDINATOR).await;
        let setting = format!("/o/{}/rappel-disponibilites", hub.id);
        let page = coord.send(&setting, &[("hours", "200")]).await;
        assert_eq!(page.status, 422);
        assert!(
            page.has("entre 1 et 168") && page.has("value=\"200\""),
            "{page:?}"
        );
        assert_eq!(coord.send(&setting, &[("hours", "30")]).await.status, 303);
        assert!(coord.page(&setting).await.has("value=\"30\""));

        app.clock.set(closes - SignedDuration::from_hours(31));
        worker(&app).await;
        assert_eq!(app.mail_to(ORCHARD).await.len(), 1, "not yet");
        // The day before: only the silent orchard is reminded, once.
        app.clock.set(closes - SignedDuration::from_hours(29));
        worker(&app).await;
        worker(&app).await;
        let mail = app.mail_to(ORCHARD).await;
        assert_eq!(mail.len(), 2, "{mail:?}");
        let reminder = about(&mail, "Reminder");
        assert!(reminder.body.contains("You have not posted anything yet"));
        assert_eq!(
            app.mail_to(people::FARMER).await.len(),
            1,
            "the farm posted"
        );
        assert_eq!(
            app.mail_to(DAIRY).await.len(),
            1,
            "nothing this week is an answer"
        );
        app.clock.advance(SignedDuration::from_hours(1));
        worker(&app).await;
        assert_eq!(
            app.mail_to(ORCHARD).await.len(),
            2,
            "a second run sends nothing"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_product_on_demand_is_never_short_and_its_producer_sees_what_was_ordered() {
    for app in TestApp::on_every_db().await {
        let w = World::hub_week(&app).await;
        let farmer = app.logged_in(people::FARMER).await;
        let grid = format!("/o/{}/disponibilites/{}/{}", w.farm.id, w.hub.id, w.cycle);
        let product = w.carrots.to_string();
        // On demand without a price is refused, with what was ticked kept.
        let mut fields = vec![
            ("action", "save"),
            ("product", product.as_str()),
            ("qty", ""),
            ("price", ""),
            ("on_demand", product.as_str()),
        ];
        let page = farmer.send(&grid, &fields).await;
        assert_eq!(page.status, 422);
        let ticked = format!(
            "name=\"on_demand\" type=\"checkbox\" value=\"{product}\" aria-describedby=\"p-{product}\" checked"
        );
        assert!(page.has(&ticked), "{page:?}");
        assert_eq!(page.errors(), vec!["price_invalid"], "{page:?}");
        fields[3] = ("price", "2,50");
        assert_eq!(farmer.send(&grid, &fields).await.status, 303);
        let offer = &w.availability(&app, Who::Farm).await.body[0];
        assert_eq!(
            (offer["on_demand"].clone(), offer["quantity"].clone()),
            (json!(true), json!(null))
        );

        // The buyer's catalog says "on demand", never a quantity left.
        let kitchen = app.logged_in(people::KITCHEN).await;
        let shop = format!("/o/{}/boutique/{}/{}", w.cpe.id, w.hub.id, w.cycle);
        let page = kitchen.page(&shop).await;
        assert!(
            page.has(&format!("id=\"p-{product}\" data-status=\"on_demand\"")),
            "{page:?}"
        );
        assert!(!page.has("reste 0"), "never a quantity left: {page:?}");
        let catalog = w.catalog(&app, Who::Cpe).await;
        let carrots = catalog
            .list()
            .iter()
            .find(|i| i["product"]["id"] == w.carrots)
            .cloned()
            .unwrap_or_default();
        assert_eq!(carrots["on_demand"], true);

        // Far more than the 40 kg once offered: never short.
        let big = w.order_body(&[(w.carrots, "500")]);
        let placed = w.order(&app, Who::Cpe, None, &big).await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let placed = w.order(&app, Who::Bistro, None, &big).await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        let page = farmer.page(&grid).await;
        assert!(page.has("déjà commandé : 1000"), "{page:?}");
        let offer = &w.availability(&app, Who::Farm).await.body[0];
        assert_eq!(offer["reserved"], "1000");

        // Through the API: on demand takes no quantity.
        let both = json!([{"product_id": w.carrots, "on_demand": true, "quantity": "3",
                           "price_cents": 250}]);
        let refused = w.post_availability(&app, Who::Farm, &both).await;
        assert_eq!(
            refused.field_error(),
            (422, "[0].quantity", "on_demand_quantity")
        );
        // Back to a limit, not below what was ordered.
        let limited = json!([{"product_id": w.carrots, "quantity": "1200", "price_cents": 250}]);
        let saved = w.post_availability(&app, Who::Farm, &limited).await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        assert_eq!(
            (
                saved.body[0]["on_demand"].clone(),
                saved.body[0]["quantity"].clone()
            ),
            (json!(false), json!("1200"))
        );
        let catalog = w.catalog(&app, Who::Cpe).await;
        let left = catalog
            .list()
            .iter()
            .find(|i| i["product"]["id"] == w.carrots)
            .map(|i| i["remaining"].clone());
        assert_eq!(left, Some(json!("200")));
        app.stop().await;
    }
}

fn vegetable(name: &str) -> ProductInput {
    ProductInput {
        name_fr: name.into(),
        name_en: String::new(),
        category: Category::Vegetables,
        description: String::new(),
        unit: SaleUnit::Kg,
        unit_detail: String::new(),
        catch_weight: false,
        est_weight_g: None,
        tax_class: TaxClass::ZeroRated,
        origin: Origin::QuebecGrown,
        region: String::new(),
        certifications: vec![],
        organic_certifier: String::new(),
        active: true,
        details: Default::default(),
    }
}

/// "Semaine 49", opening in an hour, with these producers and one pickup point.
fn week(now: jiff::Timestamp, closes: jiff::Timestamp, producers: &[OrgId]) -> CycleInput {
    CycleInput {
        name: "Semaine 49".into(),
        opens_at: now + SignedDuration::from_hours(1),
        closes_at: closes,
        delivery_days: vec![halles_core::ordering::local_day(
            closes + SignedDuration::from_hours(24),
        )],
        delivery_note: String::new(),
        order_fee: halles_core::money::Cents(0),
        producers: producers.to_vec(),
        locations: vec![LocationInput {
            kind: "pickup".into(),
            name: "Entrepôt".into(),
            fee: halles_core::money::Cents(0),
            min_order: halles_core::money::Cents(0),
        }],
    }
}
