//! Billing corrections and the journal through the pages and the API, on SQLite and (when
//! configured) PostgreSQL: the payment and credit-note forms sent twice record once (their
//! one-time key) and, refused, come back with the message and what was typed; a payment
//! voided and a buyer's credit applied by form and through the API; the journal downloaded as
//! a CSV whose every entry balances, on the accounts the hub names.

mod support;

use halles_core::organizations::{Role, Scope};
use halles_store::testing::billing_week::{self, registered};
use serde_json::json;
use std::collections::BTreeMap;
use support::pdf::at;
use support::requests::Api;
use support::{Browser, TestApp};

/// The value of the first hidden `key` field of a page.
fn key_in(html: &str) -> String {
    let at = html
        .find("name=\"key\" value=\"")
        .unwrap_or_else(|| panic!("no key in {html}"));
    let rest = &html[at + "name=\"key\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Each entry's debits less its credits, by journal number, from the journal's CSV.
fn balances(csv: &str) -> BTreeMap<String, i64> {
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "Journal No",
            "Journal Date",
            "Account",
            "Debits",
            "Credits",
            "Description",
            "Name"
        ]
    );
    let cents = |s: &str| -> i64 {
        if s.is_empty() {
            0
        } else {
            s.replace('.', "").parse().unwrap()
        }
    };
    let mut out = BTreeMap::new();
    for row in rows.records() {
        let row = row.unwrap();
        *out.entry(row[0].to_owned()).or_insert(0) += cents(&row[3]) - cents(&row[4]);
    }
    out
}

/// A registered hub's week delivered and invoiced: the week, the hub's staff logged in, an API
/// client of the hub with every scope, and the invoice's id.
async fn invoiced(app: &TestApp) -> (billing_week::Week, Browser, Api, i64) {
    let w = billing_week::week(&app.store, &app.clock, 1).await.unwrap();
    let hs = app
        .store
        .own_hub(&support::world::scope(w.hub))
        .await
        .unwrap();
    app.store
        .set_billing_settings(&hs, registered())
        .await
        .unwrap();
    billing_week::deliver_all(&app.store, &w).await.unwrap();
    app.user("caisse@polenord.example", Some((w.hub, Role::Staff)))
        .await;
    let staff = app.logged_in("caisse@polenord.example").await;
    let h = app.api(&app.token(w.hub, &Scope::ALL).await);
    let id = h.get(&at(w.hub, "/invoices")).await.list()[0]["id"]
        .as_i64()
        .unwrap();
    (w, staff, h, id)
}

#[tokio::test]
async fn forms_sent_twice_record_once_and_refused_forms_come_back_with_what_was_typed() {
    for app in TestApp::on_every_db().await {
        let (w, staff, h, id) = invoiced(&app).await;
        let buyer = w.buyers[0];
        let inv = app
            .store
            .invoice(&support::world::scope(w.hub), halles_core::InvoiceId(id))
            .await
            .unwrap();
        let line = inv.lines[0].line_no.to_string();

        // A credit note: a bad amount comes back with its message and everything typed.
        let page = staff.get(&format!("/o/{}/factures/{id}", w.hub)).await;
        let key = key_in(&page.text().await.unwrap());
        let amount = format!("amount-{line}");
        let res = staff
            .post_form(
                &format!("/o/{}/factures/{id}/avoirs", w.hub),
                &[
                    ("mode", "lines"),
                    ("key", &key),
                    ("reason", "Carottes molles"),
                    (&amount, "1,0x"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("data-error=\"invalid_amount\""), "{html}");
        assert!(html.contains("Carottes molles") && html.contains("value=\"1,0x\""));
        // Sent twice, right: one credit note.
        for _ in 0..2 {
            let res = staff
                .post_form(
                    &format!("/o/{}/factures/{id}/avoirs", w.hub),
                    &[
                        ("mode", "lines"),
                        ("key", &key),
                        ("reason", "Carottes molles"),
                        (&amount, "1,00"),
                    ],
                )
                .await;
            assert_eq!(res.status(), 303);
        }
        assert_eq!(h.get(&at(w.hub, "/credit-notes")).await.list().len(), 1);
        // The same key with other values is refused, nothing issued.
        let res = staff
            .post_form(
                &format!("/o/{}/factures/{id}/avoirs", w.hub),
                &[
                    ("mode", "lines"),
                    ("key", &key),
                    ("reason", "Autre"),
                    (&amount, "2,00"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("data-error=\"form-sent-twice\"")
        );
        assert_eq!(h.get(&at(w.hub, "/credit-notes")).await.list().len(), 1);

        // A payment: more than the invoice owes comes back typed; sent twice, recorded once.
        let page = staff
            .get(&format!("/o/{}/paiements?acheteur={buyer}", w.hub))
            .await;
        let key = key_in(&page.text().await.unwrap());
        let alloc = format!("alloc-{id}");
        let pay = |amount: &'static str, allocated: &'static str| {
            vec![
                ("buyer".to_owned(), buyer.to_string()),
                ("method".to_owned(), "interac".to_owned()),
                ("key".to_owned(), key.clone()),
                ("received_on".to_owned(), "2026-12-05".to_owned()),
                ("amount".to_owned(), amount.to_owned()),
                ("reference".to_owned(), "CA-777".to_owned()),
                (alloc.clone(), allocated.to_owned()),
            ]
        };
        let send = |fields: Vec<(String, String)>| {
            let staff = staff.clone();
            let path = format!("/o/{}/paiements", w.hub);
            async move {
                let refs: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                staff.post_form(&path, &refs).await
            }
        };
        let res = send(pay("5000,00", "5000,00")).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("data-error=\"allocation_exceeds_balance\""),
            "{html}"
        );
        assert!(html.contains("value=\"5000,00\"") && html.contains("value=\"CA-777\""));
        assert!(html.contains("value=\"interac\" selected"));
        for _ in 0..2 {
            assert_eq!(send(pay("10,00", "10,00")).await.status(), 303);
        }
        assert_eq!(h.get(&at(w.hub, "/payments")).await.list().len(), 1);
        // A form without its key (an old page) records nothing.
        let mut stale = pay("10,00", "10,00");
        stale.retain(|(k, _)| k != "key");
        let res = send(stale).await;
        assert_eq!(res.status(), 422);
        assert_eq!(h.get(&at(w.hub, "/payments")).await.list().len(), 1);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_payment_is_voided_a_credit_applied_and_the_journal_balances_through_pages_and_api() {
    for app in TestApp::on_every_db().await {
        let (w, staff, h, id) = invoiced(&app).await;
        let buyer = w.buyers[0];
        let total = h.get(&at(w.hub, &format!("/invoices/{id}"))).await.body["total_cents"]
            .as_i64()
            .unwrap();

        // A payment of 1,000.00 typed for 100.00, all of the invoice allocated.
        let r = h
            .post_json(
                &at(w.hub, "/payments"),
                &json!({"buyer_id": buyer.0, "method": "cheque", "received_on": "2026-12-05",
                    "amount_cents": 100_000, "reference": "CHQ 1",
                    "allocations": [{"invoice_id": id, "amount_cents": total}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let wrong = r.id();
        // Voided by form: a reason is required.
        let res = staff
            .post_form(
                &format!("/o/{}/paiements/{wrong}/annuler", w.hub),
                &[("reason", " ")],
            )
            .await;
        assert_eq!(res.status(), 303);
        let payment = |p: i64| {
            let store = app.store.clone();
            async move {
                store
                    .payment(&support::world::scope(w.hub), halles_core::PaymentId(p))
                    .await
                    .unwrap()
            }
        };
        assert!(payment(wrong).await.0.voided.is_none());
        let res = staff
            .post_form(
                &format!("/o/{}/paiements/{wrong}/annuler", w.hub),
                &[("reason", "Montant mal tapé")],
            )
            .await;
        assert_eq!(res.status(), 303);
        let (p, allocations) = payment(wrong).await;
        assert_eq!(p.voided.unwrap().reason, "Montant mal tapé");
        assert!(allocations.is_empty());
        // The API lists it voided.
        let listed = h.get(&at(w.hub, "/payments")).await;
        let row = listed
            .list()
            .iter()
            .find(|p| p["id"] == json!(wrong))
            .unwrap();
        assert!(row["voided_at"].is_string(), "{row}");
        assert_eq!(row["void_reason"], json!("Montant mal tapé"));
        let r = h.get(&at(w.hub, &format!("/invoices/{id}/balance"))).await;
        assert_eq!(r.body["balance_cents"].as_i64(), Some(total), "{}", r.body);
        // Twice through the API: refused with its code; the page shows it voided.
        let r = h
            .post_json(
                &at(w.hub, &format!("/payments/{wrong}/void")),
                &json!({"reason": "Encore"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "payment_voided"));
        let r = h
            .post_json(
                &at(w.hub, &format!("/payments/{wrong}/void")),
                &json!({"reason": " "}),
            )
            .await;
        assert_eq!(r.field_error(), (422, "reason", "required"), "{}", r.body);
        let html = staff
            .get(&format!("/o/{}/paiements?acheteur={buyer}", w.hub))
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("data-status=\"voided\""), "{html}");

        // Recorded again: 100.00 not allocated, a credit applied by form to the invoice.
        let r = h
            .post_json(
                &at(w.hub, "/payments"),
                &json!({"buyer_id": buyer.0, "method": "cheque", "received_on": "2026-12-05",
                    "amount_cents": 10_000, "reference": "CHQ 1"}),
            )
            .await;
        let right = r.id();
        let apply = |amount: &'static str| {
            let staff = staff.clone();
            let path = format!("/o/{}/paiements/{right}/appliquer", w.hub);
            async move {
                staff
                    .post_form(&path, &[("invoice", &id.to_string()), ("amount", amount)])
                    .await
            }
        };
        // More than is left of the payment: refused, nothing applied.
        assert_eq!(apply("100,01").await.status(), 303);
        let r = h.get(&at(w.hub, &format!("/invoices/{id}/balance"))).await;
        assert_eq!(r.body["balance_cents"].as_i64(), Some(total));
        assert_eq!(apply("60,00").await.status(), 303);
        let r = h.get(&at(w.hub, &format!("/invoices/{id}/balance"))).await;
        assert_eq!(r.body["balance_cents"].as_i64(), Some(total - 6_000));
        assert_eq!(payment(right).await.0.allocated.0, 6_000);

        // The accounts: checked on their fields, then named.
        let mut accounts = h.get(&at(w.hub, "/billing-settings/accounts")).await.body;
        assert_eq!(accounts["bank"], json!("Encaisse"));
        accounts["gst_payable"] = json!("");
        let r = h
            .put_json(&at(w.hub, "/billing-settings/accounts"), &accounts)
            .await;
        assert_eq!(
            r.field_error(),
            (422, "gst_payable", "required"),
            "{}",
            r.body
        );
        accounts["gst_payable"] = json!("2310 TPS");
        accounts["bank"] = json!("1010 Desjardins");
        let r = h
            .put_json(&at(w.hub, "/billing-settings/accounts"), &accounts)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // By form: an empty one comes back with what was typed.
        let res = staff
            .post_form(
                &format!("/o/{}/facturation/comptes", w.hub),
                &[("receivables", "1200 Clients"), ("bank", "")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("value=\"1200 Clients\"") && html.contains("data-error=\"required\"")
        );

        // The journal: the invoice, the voided payment and its reversal (a journal already
        // exported never changes), the payment recorded again, every entry balanced, on the
        // hub's accounts.
        let token = app.token(w.hub, &[Scope::OrdersRead]).await;
        let res = reqwest::Client::new()
            .get(app.at(&format!(
                "/api/v1/organizations/{}/journal?from=2026-12-01&to=2026-12-31",
                w.hub
            )))
            .bearer_auth(&token)
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let csv = res.text().await.unwrap();
        let entries = balances(&csv);
        assert_eq!(entries.len(), 4, "{csv}");
        assert!(entries.values().all(|b| *b == 0), "{csv}");
        assert!(entries.contains_key(&format!("PMT-{right}")), "{csv}");
        assert!(entries.contains_key(&format!("PMT-{wrong}")), "{csv}");
        assert!(entries.contains_key(&format!("PMT-{wrong}-V")), "{csv}");
        assert!(csv.contains(",Payment voided PMT-"), "{csv}");
        assert!(
            csv.contains("1010 Desjardins,100.00,,Payment PMT-"),
            "{csv}"
        );
        // The page's download is the same file, its descriptions in French.
        let res = staff
            .get(&format!(
                "/o/{}/factures/export-journal?du=2026-12-01&au=2026-12-31",
                w.hub
            ))
            .await;
        assert_eq!(res.status(), 200);
        let page_csv = res.text().await.unwrap();
        assert_eq!(balances(&page_csv), entries);
        assert!(page_csv.contains(",Paiement PMT-"), "{page_csv}");
        let res = staff
            .get(&format!(
                "/o/{}/factures/export-journal?du=2026-12-31&au=2026-12-01",
                w.hub
            ))
            .await;
        assert_eq!(res.status(), 422);
        app.stop().await;
    }
}
