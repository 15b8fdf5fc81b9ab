//! GST and QST statuses by date, set through the API and the pages, on SQLite and (when
//! configured) PostgreSQL: a product zero-rated for QST from a day is invoiced with QST the
//! day before and without it from that day on; bad input answers 422 with its code (the page
//! gives back what was typed); another organization's product is not found.

mod support;

use halles_core::organizations::{Role, Scope};
use halles_store::testing::billing_week;
use serde_json::{Value, json};
use support::TestApp;
use support::pdf::at;

/// The invoice of an order, read through the API by the hub.
async fn invoice_of(h: &support::requests::Api, hub: halles_core::OrgId, nth: usize) -> Value {
    let list = h.get(&at(hub, "/invoices")).await;
    assert_eq!(list.status, 200, "{}", list.body);
    // Newest first.
    let all = list.list();
    let id = all[all.len() - 1 - nth]["id"].as_i64().unwrap();
    h.get(&at(hub, &format!("/invoices/{id}"))).await.body
}

fn soap_code(inv: &Value, soap: halles_core::ProductId) -> String {
    inv["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["product_id"].as_i64() == Some(soap.0))
        .unwrap()["tax_code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn taxes(inv: &Value) -> (i64, i64, i64, i64) {
    (
        inv["gst_base_cents"].as_i64().unwrap(),
        inv["qst_base_cents"].as_i64().unwrap(),
        inv["gst_cents"].as_i64().unwrap(),
        inv["qst_cents"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn a_status_from_a_day_set_through_the_api_and_the_page_invoices_each_side_of_the_day() {
    for app in TestApp::on_every_db().await {
        // Three hospitals with the same order (the last one short of carrots); soap taxable.
        let w = billing_week::week(&app.store, &app.clock, 3).await.unwrap();
        let hs = app
            .store
            .own_hub(&support::world::scope(w.hub))
            .await
            .unwrap();
        app.store
            .set_billing_settings(&hs, billing_week::registered())
            .await
            .unwrap();
        app.user("compta@polenord.example", Some((w.hub, Role::Staff)))
            .await;
        app.user("ferme@lavoie.example", Some((w.farm, Role::Staff)))
            .await;
        let h = app.api(&app.token(w.hub, &Scope::ALL).await);
        let statuses = at(w.hub, &format!("/products/{}/tax-statuses", w.soap));

        // The hub reads the soap's history: its class, no dated status yet.
        let r = h.get(&statuses).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["tax_class"], json!("taxable"));
        assert_eq!(r.body["statuses"], json!([]));

        // Bad input: 422 with a code on its field; a date out of bounds; another
        // organization's product.
        let bad = h
            .post_json(
                &statuses,
                &json!({"from": "2026-13-01", "gst": "taxable", "qst": "zero_rated"}),
            )
            .await;
        assert_eq!(
            bad.field_error(),
            (422, "from", "date_invalid"),
            "{}",
            bad.body
        );
        let bad = h
            .post_json(
                &statuses,
                &json!({"from": "2026-12-06", "gst": "taxable", "qst": "free"}),
            )
            .await;
        assert_eq!(
            bad.field_error(),
            (422, "qst", "choice_invalid"),
            "{}",
            bad.body
        );
        let bad = h
            .post_json(
                &statuses,
                &json!({"from": "1999-12-31", "gst": "taxable", "qst": "zero_rated"}),
            )
            .await;
        assert_eq!(
            bad.field_error(),
            (422, "from", "tax_status_date_invalid"),
            "{}",
            bad.body
        );
        let other = app
            .org(halles_core::organizations::OrgKind::Hub, "Autre pôle")
            .await;
        let o = app.api(&app.token(other.id, &Scope::ALL).await);
        let r = o
            .get(&at(other.id, &format!("/products/{}/tax-statuses", w.soap)))
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
        // Once it works with the producer, the other hub reads the product and sets its own
        // status, which counts on its invoices only: the first hub's history (and, below,
        // its invoices) never see it.
        let os = app
            .store
            .own_hub(&support::world::scope(other.id))
            .await
            .unwrap();
        app.store.link_producer(&os, w.farm).await.unwrap();
        let r = o
            .post_json(
                &at(other.id, &format!("/products/{}/tax-statuses", w.soap)),
                &json!({"from": "2000-01-01", "gst": "exempt", "qst": "exempt"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let r = h.get(&statuses).await;
        assert_eq!(r.body["statuses"], json!([]), "{}", r.body);
        let read_only = app.api(&app.token(w.hub, &[Scope::CatalogRead]).await);
        let r = read_only
            .post_json(
                &statuses,
                &json!({"from": "2026-12-06", "gst": "taxable", "qst": "zero_rated"}),
            )
            .await;
        assert_eq!(r.status, 403, "{}", r.body);

        // Through the API: soap zero-rated for QST from 2026-12-06.
        let r = h
            .post_json(
                &statuses,
                &json!({"from": "2026-12-06", "gst": "taxable", "qst": "zero_rated"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(
            r.body["statuses"],
            json!([{"from": "2026-12-06", "gst": "taxable", "qst": "zero_rated"}])
        );

        // Through the producer's page: taxable again from 2026-12-07; a bad date first comes
        // back with what was typed.
        let farm = app.logged_in("ferme@lavoie.example").await;
        let page = format!("/o/{}/produits/{}/taxes", w.farm, w.soap);
        let p = farm.page(&page).await;
        assert_eq!(p.status, 200, "{p:?}");
        // The hub's status is the hub's own: the producer's page does not list it.
        assert!(!p.has("data-from=\"2026-12-06\""), "{p:?}");
        assert!(!p.has("data-from=\"2000-01-01\""), "{p:?}");
        let typed = [
            ("from", "2026-02-30"),
            ("gst", "taxable"),
            ("qst", "taxable"),
        ];
        let p = farm.send(&page, &typed).await;
        assert_eq!(p.status, 422, "{p:?}");
        assert!(p.has_error("date_invalid"), "{p:?}");
        assert!(p.has("value=\"2026-02-30\""), "{p:?}");
        let p = farm
            .send(
                &page,
                &[
                    ("from", "2026-12-07"),
                    ("gst", "taxable"),
                    ("qst", "taxable"),
                ],
            )
            .await;
        assert_eq!(
            (p.status, p.location.as_str()),
            (303, page.as_str()),
            "{p:?}"
        );
        // The hub sees it on its own page for the product.
        let hub = app.logged_in("compta@polenord.example").await;
        let p = hub
            .page(&format!("/o/{}/produits/{}/taxes", w.hub, w.soap))
            .await;
        assert_eq!(p.status, 200, "{p:?}");
        assert!(p.has("data-from=\"2026-12-06\""), "{p:?}");
        assert!(p.has("data-from=\"2026-12-07\""), "{p:?}");
        assert!(!p.has("data-from=\"2000-01-01\""), "{p:?}");
        let prices = hub.page(&format!("/o/{}/prix", w.hub)).await;
        assert!(
            prices.has(&format!("/o/{}/produits/{}/taxes", w.hub, w.soap)),
            "{prices:?}"
        );
        // Both changes are in the audit log.
        let audit = h.get(&at(w.hub, "/audit")).await;
        let body = audit.body.to_string();
        assert!(body.contains("product_tax_status"), "{body}");

        // One hospital delivered each day: 2026-12-05 (soap taxable for both), 2026-12-06
        // (zero-rated for QST), 2026-12-07 (taxable again).
        let day = "2026-12-05".parse().unwrap();
        let stops = app
            .store
            .stops(&hs, w.cycle, Some(day), w.route)
            .await
            .unwrap();
        let delivered = halles_store::hub::fulfilment::routes::StopOutcome::Delivered {
            recipient: "Réception".into(),
            note: String::new(),
        };
        for (i, at_noon) in [
            "2026-12-05T17:00:00Z",
            "2026-12-06T17:00:00Z",
            "2026-12-07T17:00:00Z",
        ]
        .iter()
        .enumerate()
        {
            app.clock.set(at_noon.parse().unwrap());
            app.store
                .mark_stop(&hs, stops[i].id, &delivered)
                .await
                .unwrap();
        }
        let (before, on, after) = (
            invoice_of(&h, w.hub, 0).await,
            invoice_of(&h, w.hub, 1).await,
            invoice_of(&h, w.hub, 2).await,
        );
        assert_eq!(before["invoice_date"], json!("2026-12-05"));
        assert_eq!(on["invoice_date"], json!("2026-12-06"));
        assert_eq!(soap_code(&before, w.soap), "TT");
        assert_eq!(soap_code(&on, w.soap), "TZ");
        assert_eq!(soap_code(&after, w.soap), "TT");
        // The first two orders are the same: the soap and its share of the delivery fee are
        // the only taxable goods, so the QST base drops to nothing and the GST stays.
        let (gst_base, qst_base, gst, qst) = taxes(&before);
        assert_eq!(gst_base, qst_base);
        assert!(gst > 0 && qst > 0, "{before}");
        assert_eq!(taxes(&on), (gst_base, 0, gst, 0), "{on}");
        assert_eq!(
            on["total_cents"].as_i64().unwrap(),
            before["total_cents"].as_i64().unwrap() - qst
        );
        app.stop().await;
    }
}
