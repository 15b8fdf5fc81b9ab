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
        for i in &invoices {
            let full = store.invoice(&scope(i.buyer), i.id).await.unwrap();
            assert!(!full.lines.is_empty());
            assert_eq!(i.total, i.subtotal + i.gst + i.qst);
            assert_eq!(i.gst_number, "123456789RT0001");
        }
    })
    .await;
}
