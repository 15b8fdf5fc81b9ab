//! Billing store tests on SQLite and (when configured) PostgreSQL: a delivered order becomes
//! its invoice, built from what was delivered, with GST and QST to the cent; numbers without
//! gaps under concurrency; an issued invoice frozen whatever is renamed; settings checked.

mod support;

use halles_core::billing::PaymentTerms;
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::taxes::{FeeTaxation, TaxCodes};
use halles_core::{ManualClock, OrgId};
use halles_store::hub::HubScope;
use halles_store::hub::billing::settings::BillingSettings;
use halles_store::platform::events::Event;
use halles_store::testing::billing_week::{self, TZ, Week, registered};
use halles_store::{Actor, Store, StoreError};
use support::{at, refused, scope};

fn day(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

const TT: TaxCodes = TaxCodes::TAXABLE;
const ZZ: TaxCodes = TaxCodes::ZERO_RATED;

async fn hub_scope(store: &Store, org: OrgId, hub: OrgId) -> HubScope {
    store.hub_scope(&scope(org), hub).await.unwrap()
}

async fn week(store: &Store, clock: &ManualClock, buyers: usize) -> Week {
    billing_week::week(store, clock, buyers).await.unwrap()
}

async fn deliver_all(store: &Store, w: &Week) {
    billing_week::deliver_all(store, w).await.unwrap();
}

#[tokio::test]
async fn a_delivered_order_becomes_an_invoice_of_what_was_delivered_with_its_taxes_to_the_cent() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock, 1).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        let (buyer, order) = (w.buyers[0], w.orders[0]);
        // Not set up yet: nothing is invoiced.
        refused(
            store.issue_invoice(&h, order).await,
            Refusal::BillingNotSetUp,
        );
        store.set_billing_settings(&h, registered()).await.unwrap();
        refused(
            store.issue_invoice(&h, order).await,
            Refusal::OrderNotDelivered,
        );
        deliver_all(&store, &w).await;

        // Confirming the delivery issued the invoice, in the same transaction.
        let id = store
            .invoice_of_order(&scope(w.hub), order)
            .await
            .unwrap()
            .expect("invoiced at delivery");
        let inv = store.invoice(&scope(buyer), id).await.unwrap();
        let i = &inv.invoice;
        assert_eq!(i.number, "FAC-2026-0001");
        assert_eq!(
            (i.invoice_date, i.delivery_date, i.due_date),
            (day("2026-12-05"), day("2026-12-05"), day("2026-12-20"))
        );
        assert_eq!(i.payment_terms, PaymentTerms::Net15);
        assert_eq!(i.po_number, "PO-4500");
        assert_eq!(
            (i.seller_name.as_str(), i.buyer_name.as_str()),
            ("Coopérative Pôle Nord", "Hôpital 0")
        );
        assert_eq!(
            (i.gst_number.as_str(), i.qst_number.as_str()),
            ("123456789RT0001", "1234567890TQ0001")
        );
        assert_eq!(i.delivery_address, "Livraison Montréal");

        // The lines as delivered: 28 of 30 kg of carrots, the soap, 4.05 kg of chicken at
        // 12.00 $/kg (not the 2 × 2 kg estimated), 4 muffins in place of the 2 kg missing.
        let got: Vec<_> = inv
            .lines
            .iter()
            .map(|l| (l.product, l.quantity, l.weight_g, l.amount, l.codes))
            .collect();
        let mut want = vec![
            (w.carrots, Qty::units(28), None, Cents(7_000), ZZ),
            (w.chicken, Qty::units(2), Some(4_050), Cents(4_860), ZZ),
            (w.muffins, Qty::units(4), None, Cents(900), TZ),
            (w.soap, Qty::units(3), None, Cents(1_497), TT),
        ];
        want.sort_by_key(|l| l.0);
        let mut got_sorted = got.clone();
        got_sorted.sort_by_key(|l| l.0);
        assert_eq!(got_sorted, want);
        let carrots = inv.lines.iter().find(|l| l.product == w.carrots).unwrap();
        assert_eq!(carrots.short_quantity, Some(Qty::units(2)));
        assert_eq!(carrots.lots, "CAR-49");
        let muffins = inv.lines.iter().find(|l| l.product == w.muffins).unwrap();
        assert_eq!(muffins.substitute_for_fr, "Carottes");
        let chicken = inv.lines.iter().find(|l| l.product == w.chicken).unwrap();
        assert_eq!(chicken.kg_price, Some(Cents(1_200)));

        // Goods 142.57 $: GST on the soap and the muffins (23.97), QST on the soap only
        // (14.97, the muffins are zero-rated for QST since 2026-07-15). The 10.00 $ fee
        // follows the goods: 10.00 × 23.97 / 142.57 = 1.68 for GST, 10.00 × 14.97 / 142.57 =
        // 1.05 for QST. GST 5 % of 25.65 = 1.2825 → 1.28; QST 9.975 % of 16.02 = 1.597995 → 1.60.
        assert_eq!(i.goods, Cents(14_257));
        assert_eq!(i.delivery, Cents(1_000));
        assert_eq!(i.subtotal, Cents(15_257));
        assert_eq!((i.gst_base, i.qst_base), (Cents(2_565), Cents(1_602)));
        assert_eq!((i.gst, i.qst), (Cents(128), Cents(160)));
        assert_eq!(i.total, Cents(15_545));

        // The event, once; by hand again: already invoiced.
        let events = store.undelivered_events(500).await.unwrap();
        assert_eq!(
            events
                .iter()
                .filter(
                    |e| matches!(e.event, Event::InvoiceIssued { invoice, .. } if invoice == id)
                )
                .count(),
            1
        );
        refused(store.issue_invoice(&h, order).await, Refusal::InvoiceExists);

        // Frozen: renaming the hub and the buyer, new settings and a new tax status change
        // nothing on it.
        store
            .rename_organization(Actor::system(), w.hub, "Pôle Nord renommé")
            .await
            .unwrap();
        store
            .rename_organization(Actor::system(), buyer, "Hôpital renommé")
            .await
            .unwrap();
        store
            .set_billing_settings(
                &h,
                BillingSettings {
                    legal_name: "Autre nom".into(),
                    gst_number: "987654321RT0001".into(),
                    fee_taxation: FeeTaxation::Taxable,
                    ..registered()
                },
            )
            .await
            .unwrap();
        store
            .set_tax_status(&scope(w.farm), w.soap, day("2026-12-01"), ZZ)
            .await
            .unwrap();
        assert_eq!(store.invoice(&scope(w.hub), id).await.unwrap(), inv);

        // A buyer reads only its own invoices; the hub lists what it issued.
        let other = support::org(&store, OrgKind::Buyer, "Autre").await;
        assert!(matches!(
            store.invoice(&scope(other), id).await,
            Err(StoreError::NotFound)
        ));
        assert!(
            store
                .invoices(&scope(other), None, 50)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.invoices(&scope(buyer), None, 50).await.unwrap().len(),
            1
        );
        assert_eq!(
            store.invoices(&scope(w.hub), None, 50).await.unwrap().len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn parallel_issues_number_invoices_one_to_n_without_gap_or_duplicate() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        const N: usize = 8;
        let w = week(&store, &clock, N).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        store
            .set_billing_settings(
                &h,
                BillingSettings {
                    auto_issue: false,
                    invoice_prefix: "H".into(),
                    yearly_reset: false,
                    ..registered()
                },
            )
            .await
            .unwrap();
        deliver_all(&store, &w).await;
        assert!(
            store
                .invoices(&scope(w.hub), None, 50)
                .await
                .unwrap()
                .is_empty()
        );
        let tasks: Vec<_> = w
            .orders
            .iter()
            .map(|o| {
                let (store, o) = (store.clone(), *o);
                tokio::spawn(async move { store.issue_invoice(&h, o).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        // A refused issue takes no number.
        refused(
            store.issue_invoice(&h, w.orders[0]).await,
            Refusal::InvoiceExists,
        );
        let mut numbers: Vec<String> = store
            .invoices(&scope(w.hub), None, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.number)
            .collect();
        numbers.sort();
        let want: Vec<String> = (1..=N).map(|n| format!("H{n:05}")).collect();
        assert_eq!(numbers, want);
    })
    .await;
}

#[tokio::test]
async fn numbers_restart_each_year_and_a_hub_not_registered_charges_no_tax() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock, 2).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        store
            .set_billing_settings(
                &h,
                BillingSettings {
                    registered: false,
                    gst_number: String::new(),
                    qst_number: String::new(),
                    auto_issue: false,
                    ..registered()
                },
            )
            .await
            .unwrap();
        deliver_all(&store, &w).await;
        let first = store.issue_invoice(&h, w.orders[0]).await.unwrap();
        clock.set(at("2027-01-04T15:00:00Z"));
        let second = store.issue_invoice(&h, w.orders[1]).await.unwrap();
        let a = store.invoice(&scope(w.hub), first).await.unwrap().invoice;
        let b = store.invoice(&scope(w.hub), second).await.unwrap().invoice;
        assert_eq!(
            (a.number.as_str(), b.number.as_str()),
            ("FAC-2026-0001", "FAC-2027-0001")
        );
        assert!(!b.registered);
        assert_eq!(
            (b.gst, b.qst, b.gst_number.as_str()),
            (Cents(0), Cents(0), "")
        );
        assert_eq!(b.total, b.subtotal);
        // The order-time estimate uses the same function and settings: no tax either.
        let o = store.order(&h, w.orders[1]).await.unwrap();
        assert_eq!(o.taxes().taxes(), Cents(0));
    })
    .await;
}

#[tokio::test]
async fn billing_settings_are_checked_field_by_field() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, _clock| async move {
        let hub = support::org(&store, OrgKind::Hub, "Pôle").await;
        let h = store.own_hub(&scope(hub)).await.unwrap();
        let bad = BillingSettings {
            legal_name: " ".into(),
            gst_number: "12345678RT0001".into(),
            qst_number: "1234567890RT0001".into(),
            invoice_prefix: "FAC 2026".into(),
            ..registered()
        };
        match store.set_billing_settings(&h, bad).await {
            Err(StoreError::Invalid(f)) => {
                let got: Vec<_> = f.iter().map(|e| (e.field.as_str(), e.code)).collect();
                assert_eq!(
                    got,
                    vec![
                        ("legal_name", "required"),
                        ("invoice_prefix", "invoice_prefix_invalid"),
                        ("gst_number", "gst_number_invalid"),
                        ("qst_number", "qst_number_invalid"),
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        let missing = BillingSettings {
            gst_number: String::new(),
            ..registered()
        };
        refused(
            store.set_billing_settings(&h, missing).await,
            Refusal::TaxNumbersRequired,
        );
        let (before, saved) = store.billing_settings(&h).await.unwrap();
        assert!(!saved);
        assert_eq!(before, BillingSettings::default());
        let s = store.set_billing_settings(&h, registered()).await.unwrap();
        assert_eq!(s.gst_number, "123456789RT0001");
        assert_eq!(store.billing_settings(&h).await.unwrap(), (s, true));
        // A buyer cannot read them.
        let buyer = support::org(&store, OrgKind::Buyer, "CPE").await;
        store
            .link_buyer(&h, buyer, BuyerType::Institution)
            .await
            .unwrap();
        let as_buyer = store.hub_scope(&scope(buyer), hub).await.unwrap();
        assert!(store.billing_settings(&as_buyer).await.is_err());
        store
            .set_buyer_billing(&h, buyer, "1, rue du CPE", Some(PaymentTerms::Net30))
            .await
            .unwrap();
        let b = store.buyers_billing(&h).await.unwrap();
        assert_eq!(b[0].payment_terms, Some(PaymentTerms::Net30));
    })
    .await;
}

#[tokio::test]
async fn the_demos_delivered_week_is_invoiced_without_gaps() {
    support::on_every_db(jiff::Timestamp::now(), |store, _clock| async move {
        halles_store::demo::load(&store).await.unwrap();
        let orgs = store.organizations().await.unwrap();
        let hub = orgs.iter().find(|o| o.kind == OrgKind::Hub).unwrap().id;
        let invoices = store.invoices(&scope(hub), None, 200).await.unwrap();
        assert!(invoices.len() >= 2, "{invoices:?}");
        let mut seqs: Vec<String> = invoices.iter().map(|i| i.number.clone()).collect();
        seqs.sort();
        let year = invoices[0].invoice_date.year();
        let want: Vec<String> = (1..=invoices.len())
            .map(|n| format!("PNO-{year}-{n:04}"))
            .collect();
        assert_eq!(seqs, want);
        // One invoice with a credit note, one partly paid.
        assert_eq!(
            store
                .credit_notes(&scope(hub), None, 50)
                .await
                .unwrap()
                .len(),
            1
        );
        let statuses: Vec<_> = store
            .receivables(&scope(hub), None)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.money.credited.0 > 0, r.money.paid.0 > 0))
            .collect();
        assert!(statuses.contains(&(true, false)), "{statuses:?}");
        assert!(statuses.contains(&(false, true)), "{statuses:?}");
        // And one overdue: the last buyer pays on receipt, its invoice of the delivered week
        // sits in the aging report's overdue buckets today.
        let h = hub_scope(&store, hub, hub).await;
        let today = halles_core::ordering::local_day(store.now());
        let aging = store.aging(&h, today).await.unwrap();
        assert!(
            aging.total.total().0 > aging.total.get(AgingBucket::Current).0,
            "{aging:?}"
        );
        assert!(
            store
                .receivables(&scope(hub), None)
                .await
                .unwrap()
                .iter()
                .any(|r| r.status == InvoiceStatus::Overdue)
        );
        for i in &invoices {
            let full = store.invoice(&scope(i.buyer), i.id).await.unwrap();
            assert!(!full.lines.is_empty());
            assert_eq!(i.total, i.subtotal + i.gst + i.qst);
            assert_eq!(i.gst_number, "123456789RT0001");
        }
    })
    .await;
}

// Credit notes and receivables (issue 15, items 3 and 4).

use halles_core::receivables::{AgingBucket, InvoiceStatus, PaymentMethod};
use halles_core::{InvoiceId, PaymentId};
use halles_store::hub::billing::credit_notes::{CreditLineInput, NewCreditNote};
use halles_store::hub::billing::receivables::{EntryKind, NewPayment};

fn full(reason: &str) -> NewCreditNote {
    NewCreditNote {
        reason: reason.into(),
        lines: None,
    }
}

fn lines(reason: &str, l: &[(i64, Option<i64>, Option<i64>)]) -> NewCreditNote {
    NewCreditNote {
        reason: reason.into(),
        lines: Some(
            l.iter()
                .map(|(line_no, q, a)| CreditLineInput {
                    line_no: *line_no,
                    quantity: q.map(Qty::units),
                    amount: a.map(Cents),
                })
                .collect(),
        ),
    }
}

/// The invoice of an order, issued when it was delivered.
async fn invoice_of(store: &Store, hub: OrgId, order: halles_core::OrderId) -> InvoiceId {
    store
        .invoice_of_order(&scope(hub), order)
        .await
        .unwrap()
        .expect("invoiced at delivery")
}

/// The invoice line of a product.
async fn line_of(store: &Store, hub: OrgId, id: InvoiceId, p: halles_core::ProductId) -> i64 {
    let inv = store.invoice(&scope(hub), id).await.unwrap();
    inv.lines.iter().find(|l| l.product == p).unwrap().line_no
}

#[tokio::test]
async fn a_full_credit_note_reverses_the_invoice_to_the_cent_and_stays_frozen() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock, 1).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        deliver_all(&store, &w).await;
        let buyer = w.buyers[0];
        let id = invoice_of(&store, w.hub, w.orders[0]).await;
        let inv = store.invoice(&scope(w.hub), id).await.unwrap();

        // A reason is required; a buyer cannot issue one.
        match store.issue_credit_note(&h, id, &full("  ")).await {
            Err(StoreError::Invalid(f)) => assert_eq!(f[0].field, "reason"),
            other => panic!("{other:?}"),
        }
        let as_buyer = hub_scope(&store, buyer, w.hub).await;
        assert!(
            store
                .issue_credit_note(&as_buyer, id, &full("Refusée"))
                .await
                .is_err()
        );

        clock.set(at("2026-12-08T15:00:00Z"));
        let cn = store
            .issue_credit_note(&h, id, &full("Livraison refusée"))
            .await
            .unwrap();
        let note = store.credit_note(&scope(buyer), cn).await.unwrap();
        let n = &note.note;
        let i = &inv.invoice;
        assert_eq!(n.number, "AV-2026-0001");
        assert!(n.full);
        assert_eq!(n.credit_date, day("2026-12-08"));
        assert_eq!(
            (n.invoice_number.as_str(), n.invoice_date),
            ("FAC-2026-0001", day("2026-12-05"))
        );
        // Exactly the invoice's amounts and taxes: 152.57 + 1.28 + 1.60 = 155.45.
        assert_eq!(
            (n.subtotal, n.delivery, n.gst_base, n.qst_base, n.gst, n.qst, n.total),
            (i.subtotal, i.delivery, i.gst_base, i.qst_base, i.gst, i.qst, i.total)
        );
        assert_eq!(
            (n.subtotal, n.gst, n.qst, n.total),
            (Cents(15_257), Cents(128), Cents(160), Cents(15_545))
        );
        let credited: Vec<_> = note.lines.iter().map(|l| (l.line_no, l.amount)).collect();
        let invoiced: Vec<_> = inv.lines.iter().map(|l| (l.line_no, l.amount)).collect();
        assert_eq!(credited, invoiced);
        let r = store.receivable(&scope(buyer), id).await.unwrap();
        assert_eq!((r.balance(), r.status), (Cents(0), InvoiceStatus::Paid));

        // Nothing more to credit: neither again in full, nor a cent of a line.
        refused(
            store.issue_credit_note(&h, id, &full("Encore")).await,
            Refusal::InvoicePartlyCredited,
        );
        let soap = line_of(&store, w.hub, id, w.soap).await;
        refused(
            store
                .issue_credit_note(&h, id, &lines("Encore", &[(soap, None, Some(1))]))
                .await,
            Refusal::CreditExceedsLine,
        );
        let events = store.undelivered_events(500).await.unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e.event, Event::CreditNoteIssued { credit_note, .. } if credit_note == cn))
                .count(),
            1
        );

        // Frozen: the seller and buyer fields come from the invoice, and renaming the hub or
        // the buyer, or new settings, change neither document.
        assert_eq!(
            (n.seller_name.as_str(), n.buyer_name.as_str(), n.gst_number.as_str()),
            ("Coopérative Pôle Nord", "Hôpital 0", "123456789RT0001")
        );
        store
            .rename_organization(Actor::system(), w.hub, "Pôle renommé")
            .await
            .unwrap();
        store
            .rename_organization(Actor::system(), buyer, "Hôpital renommé")
            .await
            .unwrap();
        store
            .set_billing_settings(
                &h,
                BillingSettings {
                    legal_name: "Autre nom".into(),
                    address: "Ailleurs".into(),
                    ..registered()
                },
            )
            .await
            .unwrap();
        assert_eq!(store.credit_note(&scope(w.hub), cn).await.unwrap(), note);
        assert_eq!(store.invoice(&scope(w.hub), id).await.unwrap(), inv);

        // A buyer sees only its own.
        let other = support::org(&store, OrgKind::Buyer, "Autre").await;
        assert!(matches!(
            store.credit_note(&scope(other), cn).await,
            Err(StoreError::NotFound)
        ));
        assert!(store.credit_notes(&scope(other), None, 50).await.unwrap().is_empty());
        assert_eq!(store.credit_notes(&scope(buyer), None, 50).await.unwrap().len(), 1);
        assert_eq!(
            store.credit_notes_of_invoice(&scope(w.hub), id).await.unwrap()[0].id,
            cn
        );
    })
    .await;
}

#[tokio::test]
async fn a_partial_credit_note_is_taxed_on_its_own_base_and_never_credits_more_than_the_invoice() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock, 1).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        deliver_all(&store, &w).await;
        let id = invoice_of(&store, w.hub, w.orders[0]).await;
        let soap = line_of(&store, w.hub, id, w.soap).await;
        let muffins = line_of(&store, w.hub, id, w.muffins).await;
        let carrots = line_of(&store, w.hub, id, w.carrots).await;

        // One bar of soap (4.99 $, taxable) and 1.00 $ of muffins (GST only): GST 5 % of 5.99
        // = 0.2995 → 0.30; QST 9.975 % of 4.99 = 0.4978 → 0.50; total 6.79 $.
        let cn = store
            .issue_credit_note(
                &h,
                id,
                &lines(
                    "Savon abîmé, muffins écrasés",
                    &[(soap, Some(1), None), (muffins, None, Some(100))],
                ),
            )
            .await
            .unwrap();
        let n = store.credit_note(&scope(w.hub), cn).await.unwrap();
        assert!(!n.note.full);
        assert_eq!(
            (n.note.subtotal, n.note.gst_base, n.note.qst_base),
            (Cents(599), Cents(599), Cents(499))
        );
        assert_eq!(
            (n.note.gst, n.note.qst, n.note.total),
            (Cents(30), Cents(50), Cents(679))
        );
        // The soap's quantity is printed; the muffins' amount alone was given.
        assert_eq!(n.lines.iter().filter(|l| l.quantity.is_some()).count(), 1);

        // Bounded by what is left of each line: the soap has 9.98 $ left.
        refused(
            store
                .issue_credit_note(&h, id, &lines("Trop", &[(soap, None, Some(999))]))
                .await,
            Refusal::CreditExceedsLine,
        );
        refused(
            store.issue_credit_note(&h, id, &lines("Rien", &[])).await,
            Refusal::CreditNoteEmpty,
        );
        refused(
            store
                .issue_credit_note(&h, id, &lines("Ligne", &[(99, None, Some(1))]))
                .await,
            Refusal::UnknownInvoiceLine,
        );
        refused(
            store
                .issue_credit_note(&h, id, &lines("Zéro", &[(carrots, None, Some(0))]))
                .await,
            Refusal::InvalidAmount,
        );
        refused(
            store.issue_credit_note(&h, id, &full("Tout")).await,
            Refusal::InvoicePartlyCredited,
        );
        // A refused note takes no number: the next is AV-2026-0002.
        let cn2 = store
            .issue_credit_note(&h, id, &lines("Savon", &[(soap, None, Some(998))]))
            .await
            .unwrap();
        assert_eq!(
            store
                .credit_note(&scope(w.hub), cn2)
                .await
                .unwrap()
                .note
                .number,
            "AV-2026-0002"
        );
        // Every line credited at last: the notes together never exceed the invoice's total,
        // and what is left to pay is the delivery fee with its taxes and the cents of rounding.
        let everything: Vec<_> = store
            .invoice(&scope(w.hub), id)
            .await
            .unwrap()
            .lines
            .iter()
            .filter(|l| l.line_no != soap)
            .map(|l| {
                let left = if l.line_no == muffins {
                    l.amount.0 - 100
                } else {
                    l.amount.0
                };
                (l.line_no, None, Some(left))
            })
            .collect();
        store
            .issue_credit_note(&h, id, &lines("Reste", &everything))
            .await
            .unwrap();
        let r = store.receivable(&scope(w.hub), id).await.unwrap();
        let notes = store
            .credit_notes_of_invoice(&scope(w.hub), id)
            .await
            .unwrap();
        let credited: Cents = notes.iter().map(|n| n.total).sum();
        assert_eq!(r.money.credited, credited);
        assert!(credited <= r.money.total);
        // Goods 142.57 $ credited; 10.00 $ of fee and its taxes remain, give or take a cent.
        assert_eq!(
            notes.iter().map(|n| n.subtotal).sum::<Cents>(),
            Cents(14_257)
        );
        let left = r.balance().0 - 1_000;
        assert!((0..=30).contains(&left), "{left}");
    })
    .await;
}

#[tokio::test]
async fn parallel_credit_notes_are_numbered_without_gaps_and_never_over_credit() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        const N: usize = 6;
        let w = week(&store, &clock, N).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        deliver_all(&store, &w).await;
        let mut ids = Vec::new();
        for o in &w.orders {
            ids.push(invoice_of(&store, w.hub, *o).await);
        }
        let soap = line_of(&store, w.hub, ids[0], w.soap).await;
        // Each invoice credited in full, and the first invoice's soap twice over, all at once.
        let mut tasks = Vec::new();
        for id in ids.iter().skip(1) {
            let (store, id) = (store.clone(), *id);
            tasks.push(tokio::spawn(async move {
                store.issue_credit_note(&h, id, &full("Retour")).await
            }));
        }
        for _ in 0..2 {
            let (store, id) = (store.clone(), ids[0]);
            tasks.push(tokio::spawn(async move {
                store
                    .issue_credit_note(&h, id, &lines("Savon", &[(soap, None, Some(1_497))]))
                    .await
            }));
        }
        let mut ok = 0;
        let mut over = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => ok += 1,
                Err(StoreError::Refused(Refusal::CreditExceedsLine)) => over += 1,
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!((ok, over), (N, 1));
        let mut numbers: Vec<String> = store
            .credit_notes(&scope(w.hub), None, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.number)
            .collect();
        numbers.sort();
        let want: Vec<String> = (1..=N).map(|n| format!("AV-2026-{n:04}")).collect();
        assert_eq!(numbers, want);
    })
    .await;
}

#[tokio::test]
async fn invoices_credit_notes_and_payments_balance_in_the_aging_report_and_the_statement() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock, 2).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        deliver_all(&store, &w).await;
        let (b0, b1) = (w.buyers[0], w.buyers[1]);
        let a0 = invoice_of(&store, w.hub, w.orders[0]).await;
        let a1 = invoice_of(&store, w.hub, w.orders[1]).await;
        // Hôpital 0 got everything: 30 kg of carrots 75.00, soap 14.97, chicken 48.60, fee
        // 10.00; GST on 14.97 + 10.00 × 14.97 / 138.57 (1.08) = 16.05 → 0.80; QST the same
        // base, 1.60 → total 150.97.
        let total_a0 = store.invoice(&scope(b0), a0).await.unwrap().invoice.total;
        assert_eq!(total_a0, Cents(15_097));
        // One bar of soap credited on 2026-12-08: 4.99 + 0.25 + 0.50 = 5.74.
        clock.set(at("2026-12-08T15:00:00Z"));
        let soap = line_of(&store, w.hub, a0, w.soap).await;
        store
            .issue_credit_note(&h, a0, &lines("Savon", &[(soap, Some(1), None)]))
            .await
            .unwrap();
        // The next week: 25.00 of carrots and 9.98 of soap, no fee; GST 0.50, QST 1.00 → 36.48.
        let orders = billing_week::next_week(&store, &clock, &w).await.unwrap();
        let b_0 = invoice_of(&store, w.hub, orders[0]).await;
        let total_b0 = store.invoice(&scope(b0), b_0).await.unwrap().invoice.total;
        assert_eq!(total_b0, Cents(3_648));
        let due_b0 = store.invoice(&scope(b0), b_0).await.unwrap().invoice.due_date;
        assert_eq!(due_b0, day("2026-12-27"));

        // 150.00 $ by cheque on 2026-12-14: 100.00 on the first invoice, 20.00 on the second,
        // 30.00 left as a credit.
        clock.set(at("2026-12-14T15:00:00Z"));
        let pay = |amount: i64, allocations: Vec<(InvoiceId, Cents)>| NewPayment {
            buyer: b0,
            method: PaymentMethod::Cheque,
            received_on: day("2026-12-14"),
            amount: Cents(amount),
            reference: "Chèque 1042".into(),
            allocations,
        };
        refused(
            store
                .record_payment(&h, &pay(15_000, vec![(a0, Cents(14_600))]))
                .await,
            Refusal::AllocationExceedsBalance,
        );
        refused(
            store
                .record_payment(&h, &pay(5_000, vec![(a0, Cents(4_000)), (b_0, Cents(2_000))]))
                .await,
            Refusal::AllocationExceedsPayment,
        );
        refused(store.record_payment(&h, &pay(0, vec![])).await, Refusal::InvalidAmount);
        refused(
            store.record_payment(&h, &pay(100_000_001, vec![])).await,
            Refusal::AmountTooLarge,
        );
        // Dated neither in the future nor before 2000 (a typo would sit in every statement).
        for received_on in [day("2026-12-15"), day("0001-01-01"), day("1999-12-31")] {
            let dated = NewPayment {
                received_on,
                ..pay(1_000, vec![])
            };
            refused(store.record_payment(&h, &dated).await, Refusal::DateInvalid);
        }
        let p = store
            .record_payment(&h, &pay(15_000, vec![(a0, Cents(10_000)), (b_0, Cents(2_000))]))
            .await
            .unwrap();
        let (payment, allocations) = store.payment(&scope(b0), p).await.unwrap();
        assert_eq!((payment.allocated, payment.unallocated()), (Cents(12_000), Cents(3_000)));
        assert_eq!(allocations.len(), 2);
        let events = store.undelivered_events(500).await.unwrap();
        assert!(events.iter().any(|e| matches!(e.event,
            Event::PaymentRecorded { payment, amount, .. } if payment == p && amount == Cents(15_000))));
        let r = store.receivable(&scope(b0), a0).await.unwrap();
        // 150.97 − 5.74 − 100.00 = 45.23 left, partly paid before its due date.
        assert_eq!((r.balance(), r.status), (Cents(4_523), InvoiceStatus::PartlyPaid));

        // At a fixed clock, 2027-01-25: the first invoices are 36 days late, the second 29.
        clock.set(at("2027-01-25T15:00:00Z"));
        let r = store.receivable(&scope(w.hub), a0).await.unwrap();
        assert_eq!(r.status, InvoiceStatus::Overdue);
        let aging = store.aging(&h, day("2027-01-25")).await.unwrap();
        let row0 = aging.rows.iter().find(|r| r.buyer == b0).unwrap();
        assert_eq!(row0.aging.get(AgingBucket::Days31To60), Cents(4_523));
        assert_eq!(row0.aging.get(AgingBucket::Days1To30), Cents(1_648));
        assert_eq!(row0.credit, Cents(3_000));
        let row1 = aging.rows.iter().find(|r| r.buyer == b1).unwrap();
        let total_a1 = store.invoice(&scope(b1), a1).await.unwrap().invoice.total;
        let b_1 = invoice_of(&store, w.hub, orders[1]).await;
        let total_b1 = store.invoice(&scope(b1), b_1).await.unwrap().invoice.total;
        assert_eq!(row1.aging.get(AgingBucket::Days31To60), total_a1);
        assert_eq!(row1.aging.get(AgingBucket::Days1To30), total_b1);
        assert_eq!(aging.total.get(AgingBucket::Current), Cents(0));
        assert_eq!(
            aging.total.total(),
            Cents(4_523 + 1_648) + total_a1 + total_b1
        );
        // Before the first due date everything is current.
        let early = store.aging(&h, day("2026-12-15")).await.unwrap();
        assert_eq!(early.total.total(), early.total.get(AgingBucket::Current));

        // December's statement: opening 0, two invoices, a credit note, a payment; closing =
        // invoices − credit notes − payments = the aging on the 31st less the credit.
        let s = store
            .statement(&scope(b0), w.hub, b0, day("2026-12-01"), day("2026-12-31"))
            .await
            .unwrap();
        assert_eq!(s.opening, Cents(0));
        let kinds: Vec<_> = s.entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![EntryKind::Invoice, EntryKind::CreditNote, EntryKind::Invoice, EntryKind::Payment]
        );
        assert_eq!(
            (s.invoiced, s.credited, s.paid),
            (total_a0 + total_b0, Cents(574), Cents(15_000))
        );
        assert_eq!(s.closing, total_a0 + total_b0 - Cents(574) - Cents(15_000));
        assert_eq!(s.closing, Cents(15_097 + 3_648 - 574 - 15_000));
        assert_eq!(s.entries.last().unwrap().balance, s.closing);
        // On the 31st both are late: 11 and 4 days.
        assert_eq!(s.aging.get(AgingBucket::Days1To30), Cents(4_523 + 1_648));
        assert_eq!(s.aging.get(AgingBucket::Current), Cents(0));
        assert_eq!(s.credit, Cents(3_000));
        assert_eq!(s.closing, s.aging.total() - s.credit);
        // January opens where December closed.
        let jan = store
            .statement(&scope(w.hub), w.hub, b0, day("2027-01-01"), day("2027-01-31"))
            .await
            .unwrap();
        assert_eq!((jan.opening, jan.closing), (s.closing, s.closing));
        // Only the hub and the buyer itself see it.
        assert!(store
            .statement(&scope(b1), w.hub, b0, day("2026-12-01"), day("2026-12-31"))
            .await
            .is_err());

        // The credit applied later to the second invoice: nothing left of the payment.
        refused(
            store.apply_credit(&h, p, &[(b_0, Cents(1_649))]).await,
            Refusal::AllocationExceedsBalance,
        );
        store.apply_credit(&h, p, &[(b_0, Cents(1_648))]).await.unwrap();
        let r = store.receivable(&scope(w.hub), b_0).await.unwrap();
        assert_eq!((r.balance(), r.status), (Cents(0), InvoiceStatus::Paid));
        let aging = store.aging(&h, day("2027-01-25")).await.unwrap();
        let row0 = aging.rows.iter().find(|r| r.buyer == b0).unwrap();
        assert_eq!((row0.aging.total(), row0.credit), (Cents(4_523), Cents(1_352)));
        // The buyer lists its payments; another buyer sees none of them.
        assert_eq!(store.payments(&scope(b0), None, None, 50).await.unwrap().len(), 1);
        assert!(store.payments(&scope(b1), None, None, 50).await.unwrap().is_empty());
        let _: PaymentId = p;
    })
    .await;
}

#[tokio::test]
async fn overdue_invoices_are_reminded_once_per_interval_unless_switched_off() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock, 2).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        deliver_all(&store, &w).await;
        let (b0, b1) = (w.buyers[0], w.buyers[1]);
        let a0 = invoice_of(&store, w.hub, w.orders[0]).await;
        // Due 2026-12-20: nothing before, one each the day after.
        clock.set(at("2026-12-20T15:00:00Z"));
        assert!(store.due_invoice_reminders().await.unwrap().is_empty());
        assert!(store.buyer_reminders(&h, b1).await.unwrap());
        store.set_buyer_reminders(&h, b1, false).await.unwrap();
        assert!(!store.buyer_reminders(&h, b1).await.unwrap());
        clock.set(at("2026-12-21T15:00:00Z"));
        let due = store.due_invoice_reminders().await.unwrap();
        assert_eq!(due.len(), 1, "{due:?}");
        assert_eq!((due[0].buyer, due[0].invoice, due[0].period), (b0, a0, 0));
        assert!(store.send_invoice_reminder(due[0], &[]).await.unwrap());
        assert!(!store.send_invoice_reminder(due[0], &[]).await.unwrap());
        assert!(store.due_invoice_reminders().await.unwrap().is_empty());
        // A week later, again; paid in full, never more.
        clock.set(at("2026-12-28T15:00:00Z"));
        let due = store.due_invoice_reminders().await.unwrap();
        assert_eq!(due.iter().map(|d| d.period).collect::<Vec<_>>(), vec![1]);
        let total = store.invoice(&scope(b0), a0).await.unwrap().invoice.total;
        store
            .record_payment(
                &h,
                &NewPayment {
                    buyer: b0,
                    method: PaymentMethod::Interac,
                    received_on: day("2026-12-28"),
                    amount: total,
                    reference: "CA1234".into(),
                    allocations: vec![(a0, total)],
                },
            )
            .await
            .unwrap();
        assert!(store.due_invoice_reminders().await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_batch_issues_what_one_by_one_issues_numbered_in_the_orders_order() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock, 3).await;
        let h = hub_scope(&store, w.hub, w.hub).await;
        store
            .set_billing_settings(
                &h,
                BillingSettings {
                    auto_issue: false,
                    invoice_prefix: "H".into(),
                    yearly_reset: false,
                    ..registered()
                },
            )
            .await
            .unwrap();
        // Not delivered yet: the batch passes every order over and takes no number.
        assert!(
            store
                .issue_invoices(&h, &w.orders)
                .await
                .unwrap()
                .is_empty()
        );
        deliver_all(&store, &w).await;
        let by_hand = store.issue_invoice(&h, w.orders[1]).await.unwrap();
        let (o0, o1, o2) = (w.orders[0], w.orders[1], w.orders[2]);
        // The order invoiced by hand and a repeated order are passed over.
        let ids = store.issue_invoices(&h, &[o0, o1, o2, o0]).await.unwrap();
        assert_eq!(ids.len(), 2);
        let one = store.invoice(&scope(w.hub), by_hand).await.unwrap();
        let first = store.invoice(&scope(w.hub), ids[0]).await.unwrap();
        let last = store.invoice(&scope(w.hub), ids[1]).await.unwrap();
        assert_eq!(
            (
                one.invoice.number.as_str(),
                first.invoice.number.as_str(),
                last.invoice.number.as_str()
            ),
            ("H00001", "H00002", "H00003")
        );
        assert_eq!((first.invoice.order, last.invoice.order), (o0, o2));
        assert_eq!(
            (
                first.invoice.buyer_name.as_str(),
                first.invoice.po_number.as_str()
            ),
            ("Hôpital 0", "PO-4500")
        );
        assert_eq!(first.invoice.delivery_address, "Livraison Montréal");
        // Orders 0 and 1 are alike: the same lines, lots, statuses and amounts.
        assert_eq!(first.lines, one.lines);
        let amounts = |i: &halles_store::hub::billing::invoices::Invoice| {
            (
                i.goods, i.delivery, i.gst_base, i.qst_base, i.gst, i.qst, i.total,
            )
        };
        assert_eq!(amounts(&first.invoice), amounts(&one.invoice));
        // The last order is the short one: its substitution, shortage and lots, its taxes to
        // the cent (the same as the first test's single order).
        let carrots = last.lines.iter().find(|l| l.product == w.carrots).unwrap();
        assert_eq!(
            (carrots.short_quantity, carrots.lots.as_str()),
            (Some(Qty::units(2)), "CAR-49")
        );
        let muffins = last.lines.iter().find(|l| l.product == w.muffins).unwrap();
        assert_eq!(
            (muffins.substitute_for_fr.as_str(), muffins.codes),
            ("Carottes", TZ)
        );
        assert_eq!(
            amounts(&last.invoice),
            (
                Cents(14_257),
                Cents(1_000),
                Cents(2_565),
                Cents(1_602),
                Cents(128),
                Cents(160),
                Cents(15_545)
            )
        );
        // One event each; again: nothing left, no number taken.
        let events = store.undelivered_events(500).await.unwrap();
        for id in [by_hand, ids[0], ids[1]] {
            assert_eq!(
                events
                    .iter()
                    .filter(
                        |e| matches!(e.event, Event::InvoiceIssued { invoice, .. } if invoice == id)
                    )
                    .count(),
                1
            );
        }
        assert!(
            store
                .issue_invoices(&h, &w.orders)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.invoices(&scope(w.hub), None, 50).await.unwrap().len(),
            3
        );
    })
    .await;
}
