//! Billing through the API and the pages (issue 15, first part), on SQLite and (when
//! configured) PostgreSQL: the hub's settings, a delivered order with a catch-weight line and a
//! substitution invoiced when its delivery is confirmed, the invoice read by its buyer only, its
//! PDF read back with pdftotext, its e-mail; and who may call each route.

mod support;

use halles_core::accounts::Lang;
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role, Scope};
use halles_store::testing::billing_week;
use halles_web::i18n::I18n;
use serde_json::json;
use support::TestApp;
use support::mail::{about, link_in};
use support::matrix::{Fixture, api_rows, check};
use support::pdf::{at, pdf_text, plain};

#[tokio::test]
async fn a_delivered_order_with_a_catch_weight_and_a_substitution_is_invoiced_and_its_pdf_matches()
{
    for app in TestApp::on_every_db().await {
        let w = billing_week::week(&app.store, &app.clock, 1).await.unwrap();
        let buyer = w.buyers[0];
        app.user("achats@hopital.example", Some((buyer, Role::Staff)))
            .await;
        let h = app.api(&app.token(w.hub, &Scope::ALL).await);
        let b = app.api(&app.token(buyer, &Scope::ALL).await);

        // The hub's settings: checked field by field, then saved.
        let mut settings = json!({
            "legal_name": "Coopérative Pôle Nord", "address": "10, rue du Marché\nMontréal",
            "registered": true, "gst_number": "12345678RT0001", "qst_number": "1234567890TQ0001",
            "invoice_prefix": "FAC-", "yearly_reset": true, "fee_taxation": "follows_goods",
            "payment_terms": "net_30", "how_to_pay": "Virement Interac", "auto_issue": true
        });
        let r = h.put_json(&at(w.hub, "/billing-settings"), &settings).await;
        assert_eq!(
            r.field_error(),
            (422, "gst_number", "gst_number_invalid"),
            "{}",
            r.body
        );
        settings["gst_number"] = json!("123456789 rt 0001");
        let r = h.put_json(&at(w.hub, "/billing-settings"), &settings).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["gst_number"], json!("123456789RT0001"));
        let r = b.get(&at(buyer, "/billing-settings")).await;
        assert_eq!(r.status, 403, "a buyer has no billing settings");

        // The delivery is confirmed through the API: the invoice is issued with it.
        let hs = app
            .store
            .own_hub(&support::world::scope(w.hub))
            .await
            .unwrap();
        let stop = app
            .store
            .stops(&hs, w.cycle, Some("2026-12-05".parse().unwrap()), w.route)
            .await
            .unwrap()[0]
            .id;
        let r = h
            .post_json(
                &at(w.hub, &format!("/stops/{stop}/delivered")),
                &json!({"recipient": "Réception"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let list = b.get(&at(buyer, "/invoices")).await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert_eq!(list.list().len(), 1);
        let id = list.list()[0]["id"].as_i64().unwrap();
        let r = b.get(&at(buyer, &format!("/invoices/{id}"))).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let inv = &r.body;
        assert_eq!(inv["number"], json!("FAC-2026-0001"));
        assert_eq!(inv["due_date"], json!("2027-01-04"));
        assert_eq!(inv["po_number"], json!("PO-4500"));
        // GST and QST on a mixed invoice, to the cent (worked out in the store test).
        assert_eq!(
            (
                inv["subtotal_cents"].as_i64(),
                inv["gst_cents"].as_i64(),
                inv["qst_cents"].as_i64(),
                inv["total_cents"].as_i64()
            ),
            (Some(15_257), Some(128), Some(160), Some(15_545))
        );
        let lines = inv["lines"].as_array().unwrap();
        let chicken = lines
            .iter()
            .find(|l| l["product_id"].as_i64() == Some(w.chicken.0))
            .unwrap();
        assert_eq!(
            (
                chicken["weight_g"].as_i64(),
                chicken["amount_cents"].as_i64()
            ),
            (Some(4_050), Some(4_860))
        );
        let muffins = lines
            .iter()
            .find(|l| l["product_id"].as_i64() == Some(w.muffins.0))
            .unwrap();
        assert_eq!(muffins["substitute_for"], json!("Carottes"));
        assert_eq!(muffins["tax_code"], json!("TZ"));

        // Only its buyer and its hub read it.
        let other = app.org(OrgKind::Buyer, "Autre acheteur").await;
        let o = app.api(&app.token(other.id, &Scope::ALL).await);
        assert_eq!(
            o.get(&at(other.id, &format!("/invoices/{id}")))
                .await
                .status,
            404
        );
        assert_eq!(o.get(&at(other.id, "/invoices")).await.list().len(), 0);
        assert_eq!(h.get(&at(w.hub, "/invoices")).await.list().len(), 1);
        let r = h
            .post_json(
                &at(w.hub, &format!("/orders/{}/invoice", w.orders[0])),
                &json!({}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "invoice_exists"));

        // The PDF, read back, shows the stored number, registration numbers and totals.
        let res = reqwest::Client::new()
            .get(app.at(&format!("/api/v1/organizations/{buyer}/invoices/{id}/pdf")))
            .bearer_auth(app.token(buyer, &[Scope::OrdersRead]).await)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let pdf = res.bytes().await.unwrap();
        if let Some(text) = pdf_text(&pdf, "invoice") {
            let fr = I18n::new(Lang::Fr);
            for want in [
                "Facture FAC-2026-0001".to_owned(),
                "No de TPS : 123456789RT0001".to_owned(),
                "No de TVQ : 1234567890TQ0001".to_owned(),
                plain(&format!("Sous-total : {}", fr.money(Cents(15_257)))),
                plain(&format!(
                    "TPS 5 % sur {} : {}",
                    fr.money(Cents(2_565)),
                    fr.money(Cents(128))
                )),
                plain(&format!(
                    "TVQ 9,975 % sur {} : {}",
                    fr.money(Cents(1_602)),
                    fr.money(Cents(160))
                )),
                plain(&format!("Total : {}", fr.money(Cents(15_545)))),
                "remplace Carottes".to_owned(),
                "4,05 kg".to_owned(),
            ] {
                assert!(text.contains(&want), "{want:?} not in {text}");
            }
        }

        // The buyer's staff get it by e-mail, with the link to the PDF in their account.
        app.run_jobs().await;
        let mail = app.mail_to("achats@hopital.example").await;
        let m = about(&mail, "Facture FAC-2026-0001");
        let link = link_in(&m.body, "/o/");
        let page = app.logged_in("achats@hopital.example").await;
        let res = page.get(&link).await;
        assert_eq!(res.status(), 200, "{link}");
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/pdf"
        );
        let list = page.get(&format!("/o/{buyer}/factures")).await;
        assert!(list.text().await.unwrap().contains("FAC-2026-0001"));
        app.stop().await;
    }
}

#[tokio::test]
async fn billing_routes_answer_only_whom_they_should() {
    for app in TestApp::on_every_db().await {
        let hub = Fixture::new(&app, OrgKind::Hub, "bil-hub").await;
        check(&app, &hub, api_rows::BILLING_HUB).await;
        let buyer = Fixture::new(&app, OrgKind::Buyer, "bil-buy").await;
        check(&app, &buyer, api_rows::BILLING_BUYER).await;
        check(&app, &buyer, api_rows::BILLING_NOT_A_HUB).await;
        let producer = Fixture::new(&app, OrgKind::Producer, "bil-prod").await;
        check(&app, &producer, api_rows::BILLING_NOT_A_HUB).await;
        app.stop().await;
    }
}
