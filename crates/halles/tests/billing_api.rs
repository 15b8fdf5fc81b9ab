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

/// A PDF fetched through the API with a read token.
async fn api_pdf(app: &TestApp, org: halles_core::OrgId, path: &str) -> Vec<u8> {
    let res = reqwest::Client::new()
        .get(app.at(&format!("/api/v1/organizations/{org}{path}")))
        .bearer_auth(app.token(org, &[Scope::OrdersRead]).await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_credit_note_a_payment_the_aging_and_the_statement_through_the_api_and_the_pages() {
    for app in TestApp::on_every_db().await {
        let w = billing_week::week(&app.store, &app.clock, 1).await.unwrap();
        let buyer = w.buyers[0];
        app.user("compta@hopital.example", Some((buyer, Role::Staff)))
            .await;
        app.user("caisse@polenord.example", Some((w.hub, Role::Staff)))
            .await;
        let hs = app
            .store
            .own_hub(&support::world::scope(w.hub))
            .await
            .unwrap();
        app.store
            .set_billing_settings(&hs, billing_week::registered())
            .await
            .unwrap();
        billing_week::deliver_all(&app.store, &w).await.unwrap();
        let h = app.api(&app.token(w.hub, &Scope::ALL).await);
        let b = app.api(&app.token(buyer, &Scope::ALL).await);
        let id = h.get(&at(w.hub, "/invoices")).await.list()[0]["id"]
            .as_i64()
            .unwrap();
        let inv = h.get(&at(w.hub, &format!("/invoices/{id}"))).await.body;
        let soap = inv["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["product_id"].as_i64() == Some(w.soap.0))
            .unwrap()["line_no"]
            .as_i64()
            .unwrap();

        // A credit note of one bar of soap: 4.99 + GST 0.25 + QST 0.50 = 5.74; the buyer
        // cannot issue one; over-crediting is refused.
        let body = json!({"reason": "Savon abîmé", "lines": [{"line_no": soap, "quantity": "1"}]});
        let r = b
            .post_json(&at(buyer, &format!("/invoices/{id}/credit-notes")), &body)
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
        let r = h
            .post_json(&at(w.hub, &format!("/invoices/{id}/credit-notes")), &body)
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["number"], json!("AV-2026-0001"));
        assert_eq!(
            (
                r.body["gst_cents"].as_i64(),
                r.body["qst_cents"].as_i64(),
                r.body["total_cents"].as_i64()
            ),
            (Some(25), Some(50), Some(574))
        );
        let cn = r.body["id"].as_i64().unwrap();
        let r = h
            .post_json(
                &at(w.hub, &format!("/invoices/{id}/credit-notes")),
                &json!({"reason": "Trop", "lines": [{"line_no": soap, "amount_cents": 999}]}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "credit_exceeds_line"),
            "{}",
            r.body
        );
        assert_eq!(b.get(&at(buyer, "/credit-notes")).await.list().len(), 1);
        let other = app.org(OrgKind::Buyer, "Autre acheteur").await;
        let o = app.api(&app.token(other.id, &Scope::ALL).await);
        assert_eq!(
            o.get(&at(other.id, &format!("/credit-notes/{cn}")))
                .await
                .status,
            404
        );
        assert_eq!(o.get(&at(other.id, "/credit-notes")).await.list().len(), 0);

        // Its PDF, read back in the buyer's language.
        let pdf = api_pdf(&app, buyer, &format!("/credit-notes/{cn}/pdf")).await;
        if let Some(text) = pdf_text(&pdf, "credit-note") {
            let fr = I18n::new(Lang::Fr);
            for want in [
                "Avoir AV-2026-0001".to_owned(),
                "Corrige la facture FAC-2026-0001".to_owned(),
                "Raison : Savon abîmé".to_owned(),
                "No de TPS : 123456789RT0001".to_owned(),
                plain(&format!(
                    "TPS 5 % sur {} : {}",
                    fr.money(Cents(499)),
                    fr.money(Cents(25))
                )),
                plain(&format!("Total crédité : {}", fr.money(Cents(574)))),
            ] {
                assert!(text.contains(&want), "{want:?} not in {text}");
            }
        }
        // The buyer's staff are told by e-mail, with the PDF's link.
        app.run_jobs().await;
        let mail = app.mail_to("compta@hopital.example").await;
        let m = about(&mail, "Avoir AV-2026-0001");
        assert!(m.body.contains("Savon abîmé"), "{}", m.body);

        // A payment of 200.00 $ on 2026-12-10: 100.00 on the invoice, the rest a credit; the
        // same key again records nothing more.
        app.clock.set("2026-12-10T15:00:00Z".parse().unwrap());
        let pay = json!({"buyer_id": buyer.0, "method": "interac", "received_on": "2026-12-10",
            "amount_cents": 20_000, "reference": "CA9876", "allocations": [{"invoice_id": id, "amount_cents": 10_000}]});
        let r = h.post_keyed(&at(w.hub, "/payments"), "pay-1", &pay).await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["allocated_cents"].as_i64(), Some(10_000));
        let again = h.post_keyed(&at(w.hub, "/payments"), "pay-1", &pay).await;
        assert_eq!(again.status, 201);
        assert_eq!(again.body["id"], r.body["id"]);
        assert_eq!(h.get(&at(w.hub, "/payments")).await.list().len(), 1);
        let r = h
            .post_json(
                &at(w.hub, "/payments"),
                &json!({"buyer_id": buyer.0, "method": "cash", "received_on": "2026-12-10",
                    "amount_cents": 100_000_001}),
            )
            .await;
        assert_eq!(
            r.field_error(),
            (422, "amount", "amount_too_large"),
            "{}",
            r.body
        );
        let r = b.post_json(&at(buyer, "/payments"), &pay).await;
        assert_eq!(r.status, 403);
        assert_eq!(b.get(&at(buyer, "/payments")).await.list().len(), 1);
        assert_eq!(o.get(&at(other.id, "/payments")).await.list().len(), 0);
        let bal = b.get(&at(buyer, &format!("/invoices/{id}/balance"))).await;
        assert_eq!(
            (
                bal.body["balance_cents"].as_i64(),
                bal.body["status"].clone()
            ),
            (Some(15_545 - 574 - 10_000), json!("partly_paid"))
        );

        // Overdue on 2027-01-25 (due 2026-12-20): 31 to 60 days; the credit beside it.
        app.clock.set("2027-01-25T15:00:00Z".parse().unwrap());
        let r = h.get(&at(w.hub, "/aging")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["total"]["days_31_60_cents"].as_i64(), Some(4_971));
        assert_eq!(r.body["credit_cents"].as_i64(), Some(10_000));
        assert_eq!(b.get(&at(buyer, "/aging")).await.status, 403);
        let staff = app.logged_in("caisse@polenord.example").await;
        let csv = staff
            .get(&format!("/o/{}/comptes-clients?format=csv", w.hub))
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.contains("49.71"), "{csv}");
        let page = staff.get(&format!("/o/{}/comptes-clients", w.hub)).await;
        assert_eq!(page.status(), 200);

        // December's statement: invoice − credit note − payment = closing, read back.
        let r = b
            .get(&at(
                buyer,
                &format!("/statements?with={}&month=2026-12", w.hub),
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            (
                r.body["invoiced_cents"].as_i64(),
                r.body["credited_cents"].as_i64(),
                r.body["paid_cents"].as_i64(),
                r.body["closing_cents"].as_i64()
            ),
            (
                Some(15_545),
                Some(574),
                Some(20_000),
                Some(15_545 - 574 - 20_000)
            )
        );
        let pdf = api_pdf(
            &app,
            buyer,
            &format!("/statements/pdf?with={}&month=2026-12", w.hub),
        )
        .await;
        if let Some(text) = pdf_text(&pdf, "statement") {
            let fr = I18n::new(Lang::Fr);
            for want in [
                "Relevé de compte".to_owned(),
                "Facture FAC-2026-0001".to_owned(),
                "Avoir AV-2026-0001".to_owned(),
                "Paiement (Virement Interac, CA9876)".to_owned(),
                plain(&format!(
                    "Solde de clôture : {}",
                    fr.money(Cents(15_545 - 574 - 20_000))
                )),
            ] {
                assert!(text.contains(&want), "{want:?} not in {text}");
            }
        }
        // The pages: the hub issues a credit note and records a payment by form; the buyer
        // sees its balances and statement.
        let res = staff
            .post_form(
                &format!("/o/{}/factures/{id}/avoirs", w.hub),
                &[
                    ("mode", "lines"),
                    ("key", "credit-note-key-0001"),
                    ("reason", "Carottes molles"),
                    (&format!("amount-{soap}"), "1,00"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(h.get(&at(w.hub, "/credit-notes")).await.list().len(), 2);
        let res = staff
            .post_form(
                &format!("/o/{}/paiements", w.hub),
                &[
                    ("buyer", &buyer.to_string()),
                    ("method", "cheque"),
                    ("key", "payment-key-000001"),
                    ("received_on", "2027-01-25"),
                    ("amount", "10,00"),
                    ("reference", "Chèque 12"),
                    (&format!("alloc-{id}"), "10,00"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(h.get(&at(w.hub, "/payments")).await.list().len(), 2);
        let inv_page = staff
            .get(&format!("/o/{}/factures/{id}", w.hub))
            .await
            .text()
            .await
            .unwrap();
        // A new year: the credit notes restart at 1 with the invoices' yearly reset.
        assert!(inv_page.contains("AV-2027-0001"), "{inv_page}");
        let page = app.logged_in("compta@hopital.example").await;
        let list = page
            .get(&format!("/o/{buyer}/factures"))
            .await
            .text()
            .await
            .unwrap();
        assert!(list.contains("en retard"), "{list}");
        let st = page
            .get(&format!("/o/{buyer}/releves?pole={}&mois=2026-12", w.hub))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            st.contains("AV-2026-0001") && st.contains("FAC-2026-0001"),
            "{st}"
        );
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
