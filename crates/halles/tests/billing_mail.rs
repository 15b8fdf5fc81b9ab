//! Billing e-mails carry their document as a PDF, on SQLite and (when configured)
//! PostgreSQL: the invoice's, the credit note's and the producer statement's messages are sent
//! (into a folder, by the worker's real mailer) as `multipart/mixed` with an
//! `application/pdf` part whose text (pdftotext) shows the document's number and total; the
//! outbox keeps only a reference to the document.

mod support;

use halles::mailer::Mailer;
use halles_core::accounts::Lang;
use halles_core::money::Cents;
use halles_core::organizations::{Role, Scope};
use halles_core::payouts::{ChargedTo, Period};
use halles_store::hub::billing::payouts::StatementInput;
use halles_store::platform::email::Attachment;
use halles_store::testing::billing_week;
use halles_web::i18n::I18n;
use serde_json::json;
use support::TestApp;
use support::pdf::{at, pdf_text, plain};

/// Standard base64 (RFC 4648), white space skipped.
fn base64(text: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = ABC.iter().position(|a| *a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// A message written by the folder mailer: its raw text.
struct Sent(String);

impl Sent {
    /// The recipient (`To:` header).
    fn to(&self) -> &str {
        self.0
            .lines()
            .find_map(|l| l.strip_prefix("To: "))
            .unwrap_or_default()
            .trim()
    }

    /// The PDF attached under `filename`, decoded, if any.
    fn pdf(&self, filename: &str) -> Option<Vec<u8>> {
        let at = self.0.find(&format!("filename=\"{filename}\""))?;
        let part = &self.0[..at];
        let start = part.rfind("\r\n--")?;
        let part = &self.0[start..];
        assert!(
            part.contains("Content-Type: application/pdf"),
            "{filename} is not application/pdf: {part:.300}"
        );
        assert!(part.contains("Content-Transfer-Encoding: base64"));
        let body = &part[part.find("\r\n\r\n")? + 4..];
        let body = &body[..body.find("\r\n--").unwrap_or(body.len())];
        Some(base64(body))
    }
}

/// The messages written in `dir`.
fn sent_in(dir: &std::path::Path) -> Vec<Sent> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "eml").then(|| Sent(std::fs::read_to_string(p).unwrap()))
        })
        .collect()
}

/// The PDF `filename` sent to `to`, read back by pdftotext (`None` without the tool).
fn attached_text(sent: &[Sent], to: &str, filename: &str) -> Option<String> {
    let pdf = sent
        .iter()
        .filter(|m| m.to() == to)
        .find_map(|m| m.pdf(filename))
        .unwrap_or_else(|| panic!("no {filename} sent to {to}"));
    pdf_text(&pdf, filename)
}

#[tokio::test]
async fn the_invoice_the_credit_note_and_the_producer_statement_are_mailed_with_their_pdf() {
    for app in TestApp::on_every_db().await {
        let w = billing_week::week(&app.store, &app.clock, 1).await.unwrap();
        let buyer = w.buyers[0];
        app.user("achats@hopital.example", Some((buyer, Role::Staff)))
            .await;
        app.user("ferme@lavoie.example", Some((w.farm, Role::Staff)))
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
        let inv = h.get(&at(w.hub, "/invoices")).await.list()[0].clone();
        let id = inv["id"].as_i64().unwrap();
        let inv = h.get(&at(w.hub, &format!("/invoices/{id}"))).await.body;
        let soap = inv["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["product_id"].as_i64() == Some(w.soap.0))
            .unwrap()["line_no"]
            .as_i64()
            .unwrap();
        let body = json!({"reason": "Savon abîmé", "lines": [{"line_no": soap, "quantity": "1"}]});
        let note = h
            .post_json(&at(w.hub, &format!("/invoices/{id}/credit-notes")), &body)
            .await;
        assert_eq!(note.status, 201, "{}", note.body);
        let statement = app
            .store
            .issue_statement(
                &hs,
                StatementInput {
                    producer: w.farm,
                    period: Period::Cycle { cycle: w.cycle },
                    losses_charged_to: ChargedTo::Producer,
                },
            )
            .await
            .unwrap();
        let statement = app
            .store
            .producer_statement(&support::world::scope(w.farm), statement)
            .await
            .unwrap()
            .statement;

        // The worker sends the outbox through a real mailer writing each message to a folder.
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "billing-mail-{}-{}",
            std::process::id(),
            app.label()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mailer = Mailer::from_config(
            Some(&format!("file://{}", dir.display())),
            "Halles <factures@halles.example>",
        )
        .unwrap();
        while halles::worker::tick(&app.store, &mailer, &app.at("")).await {}

        // The outbox keeps a reference to the document, not the PDF, and says it was sent.
        let outbox = app.mail_to("achats@hopital.example").await;
        let invoice_mail = support::mail::about(&outbox, "FAC-2026-0001");
        assert_eq!(invoice_mail.status, "sent", "{invoice_mail:?}");
        assert_eq!(
            invoice_mail.attachment,
            Some(Attachment::Invoice {
                org: buyer,
                id: halles_core::InvoiceId(id)
            })
        );

        let sent = sent_in(&dir);
        let fr = I18n::new(Lang::Fr);
        let money = |c: Option<i64>| plain(&fr.money(Cents(c.unwrap())));
        if let Some(text) = attached_text(&sent, "achats@hopital.example", "FAC-2026-0001.pdf") {
            assert!(text.contains("FAC-2026-0001"), "{text}");
            let total = format!("Total : {}", money(inv["total_cents"].as_i64()));
            assert!(text.contains(&total), "{total:?} not in {text}");
        }
        if let Some(text) = attached_text(&sent, "achats@hopital.example", "AV-2026-0001.pdf") {
            assert!(text.contains("AV-2026-0001"), "{text}");
            let total = money(note.body["total_cents"].as_i64());
            assert!(text.contains(&total), "{total:?} not in {text}");
        }
        let file = format!("{}.pdf", statement.number);
        if let Some(text) = attached_text(&sent, "ferme@lavoie.example", &file) {
            assert!(text.contains(&statement.number), "{text}");
            let owed = money(Some(statement.totals.owed.0));
            assert!(text.contains(&owed), "{owed:?} not in {text}");
        }
        // Mail without a document stays plain text.
        let plain_mail = sent
            .iter()
            .find(|m| !m.0.contains("multipart/mixed"))
            .expect("a message without a document");
        assert!(!plain_mail.0.contains("application/pdf"));
        let _ = std::fs::remove_dir_all(&dir);
        app.stop().await;
    }
}
