//! Accounting exports and money corrections on SQLite and (when configured) PostgreSQL: the
//! hub's journal (every entry balanced, totals equal to the stored invoices, credit notes,
//! payments, statements and payouts to the cent, on the accounts the hub names); a payment
//! recorded by mistake voided (its allocations released, the invoice owing again, out of the
//! statement, the aging and the journal) and recorded again.

mod support;

use halles_core::journal::Account;
use halles_core::money::Cents;
use halles_core::payouts::{ChargedTo, Period};
use halles_core::receivables::{InvoiceStatus, PaymentMethod};
use halles_core::refusals::Refusal;
use halles_core::{InvoiceId, OrgId};
use halles_store::hub::HubScope;
use halles_store::hub::billing::credit_notes::{CreditLineInput, NewCreditNote};
use halles_store::hub::billing::exports::{EntryKind, Journal};
use halles_store::hub::billing::payouts::StatementInput;
use halles_store::hub::billing::receivables::NewPayment;
use halles_store::platform::events::Event;
use halles_store::testing::billing_week::{self, registered};
use halles_store::{Store, StoreError};
use std::collections::BTreeMap;
use support::{at, refused, scope};

fn day(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

async fn own(store: &Store, hub: OrgId) -> HubScope {
    store.hub_scope(&scope(hub), hub).await.unwrap()
}

async fn invoice_of(store: &Store, hub: OrgId, order: halles_core::OrderId) -> InvoiceId {
    store
        .invoice_of_order(&scope(hub), order)
        .await
        .unwrap()
        .unwrap()
}

/// The sum of an account's postings of one kind of entry (debits positive).
fn net(j: &Journal, kind: EntryKind, account: Account) -> Cents {
    j.entries
        .iter()
        .filter(|e| e.kind == kind)
        .flat_map(|e| e.postings.iter())
        .filter(|p| p.account == account)
        .map(|p| p.amount)
        .sum()
}

#[tokio::test]
async fn the_journal_balances_every_entry_and_equals_the_stored_documents_to_the_cent() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = billing_week::week_with_margin(&store, &clock, 2, 1_500)
            .await
            .unwrap();
        let h = own(&store, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        billing_week::deliver_all(&store, &w).await.unwrap();
        let (a0, a1) = (
            invoice_of(&store, w.hub, w.orders[0]).await,
            invoice_of(&store, w.hub, w.orders[1]).await,
        );
        let inv0 = store.invoice(&scope(w.hub), a0).await.unwrap();
        let inv1 = store.invoice(&scope(w.hub), a1).await.unwrap();

        // The hub names two of its accounts; the others keep their defaults.
        let mut names = store.journal_accounts(&h).await.unwrap();
        assert_eq!(names[&Account::Bank], Account::Bank.default_name());
        names.insert(Account::Bank, "1010 Caisse populaire".into());
        names.insert(Account::Receivables, "  1200 Clients  ".into());
        store.set_journal_accounts(&h, &names).await.unwrap();
        let mut blank = names.clone();
        blank.insert(Account::GstPayable, " ".into());
        blank.insert(Account::QstPayable, "x".repeat(101));
        match store.set_journal_accounts(&h, &blank).await {
            Err(StoreError::Invalid(errors)) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["gst_payable", "qst_payable"]);
            }
            other => panic!("{other:?}"),
        }

        // On 2026-12-08: a full credit note of the second invoice, a partial one (the
        // soap) of the first; a payment of 100.00 on the first, 20.00 left as a credit.
        clock.set(at("2026-12-08T15:00:00Z"));
        store
            .issue_credit_note(
                &h,
                a1,
                &NewCreditNote {
                    reason: "Refusée".into(),
                    lines: None,
                },
            )
            .await
            .unwrap();
        let soap = inv0.lines.iter().find(|l| l.product == w.soap).unwrap();
        store
            .issue_credit_note(
                &h,
                a0,
                &NewCreditNote {
                    reason: "Savon".into(),
                    lines: Some(vec![CreditLineInput {
                        line_no: soap.line_no,
                        quantity: None,
                        amount: Some(Cents(499)),
                    }]),
                },
            )
            .await
            .unwrap();
        store
            .record_payment(
                &h,
                &NewPayment {
                    buyer: w.buyers[0],
                    method: PaymentMethod::Cheque,
                    received_on: day("2026-12-08"),
                    amount: Cents(12_000),
                    reference: "CHQ 77".into(),
                    allocations: vec![(a0, Cents(10_000))],
                },
            )
            .await
            .unwrap();
        // The farm's statement for the cycle, issued and paid on the 8th.
        let statement = store
            .issue_statement(
                &h,
                StatementInput {
                    producer: w.farm,
                    period: Period::Cycle { cycle: w.cycle },
                    losses_charged_to: ChargedTo::Hub,
                },
            )
            .await
            .unwrap();
        store
            .mark_statement_paid(&h, statement, day("2026-12-08"), "VIR 9")
            .await
            .unwrap();
        let st = store
            .producer_statement(&scope(w.hub), statement)
            .await
            .unwrap()
            .statement;

        let j = store
            .journal(&h, day("2026-12-01"), day("2026-12-31"))
            .await
            .unwrap();
        // Two invoices, two credit notes, a payment, a statement and its payout.
        let kinds: Vec<_> = j.entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds.len(), 7);
        for e in &j.entries {
            let sum: i64 = e.postings.iter().map(|p| p.amount.0).sum();
            assert_eq!(sum, 0, "{} does not balance", e.number);
            assert!(e.postings.iter().all(|p| p.amount.0 != 0));
        }
        // Receivables: invoices debit their totals, credit notes and the payment credit.
        let notes = store.credit_notes(&scope(w.hub), None, 50).await.unwrap();
        let credited: Cents = notes.iter().map(|n| n.total).sum();
        assert_eq!(
            net(&j, EntryKind::Invoice, Account::Receivables),
            inv0.invoice.total + inv1.invoice.total
        );
        assert_eq!(
            net(&j, EntryKind::CreditNote, Account::Receivables),
            Cents(-credited.0)
        );
        assert_eq!(net(&j, EntryKind::Payment, Account::Bank), Cents(12_000));
        // Taxes: what the invoices charged less what the notes gave back.
        let gst: Cents = inv0.invoice.gst + inv1.invoice.gst;
        let gst_back: Cents = notes.iter().map(|n| n.gst).sum();
        let qst: Cents = inv0.invoice.qst + inv1.invoice.qst;
        let qst_back: Cents = notes.iter().map(|n| n.qst).sum();
        let all = |a| -> Cents {
            j.entries
                .iter()
                .flat_map(|e| e.postings.iter())
                .filter(|p| p.account == a)
                .map(|p| p.amount)
                .sum()
        };
        assert_eq!(all(Account::GstPayable), Cents(gst_back.0 - gst.0));
        assert_eq!(all(Account::QstPayable), Cents(qst_back.0 - qst.0));
        // Delivery: charged on both, given back by the full note of the second.
        assert_eq!(
            all(Account::Delivery),
            Cents(inv1.invoice.delivery.0 - inv0.invoice.delivery.0 - inv1.invoice.delivery.0)
        );
        // The soap (GST and QST taxable) credited at 4.99 to taxable sales.
        let soap_note = j
            .entries
            .iter()
            .find(|e| e.kind == EntryKind::CreditNote && e.reference == inv0.invoice.number)
            .unwrap();
        let taxable = soap_note
            .postings
            .iter()
            .find(|p| p.account == Account::SalesTaxable)
            .unwrap();
        assert_eq!(taxable.amount, Cents(499));
        // Sales by class add up to the invoices' goods.
        let sales = net(&j, EntryKind::Invoice, Account::SalesTaxable)
            + net(&j, EntryKind::Invoice, Account::SalesZeroRated)
            + net(&j, EntryKind::Invoice, Account::SalesExempt);
        assert_eq!(sales, Cents(-(inv0.invoice.goods.0 + inv1.invoice.goods.0)));
        // The statement: owed to the farm, then paid from the bank.
        assert_eq!(
            net(&j, EntryKind::ProducerStatement, Account::ProducersPayable),
            Cents(-st.totals.owed.0)
        );
        assert_eq!(
            net(&j, EntryKind::Payout, Account::Bank),
            Cents(-st.totals.owed.0)
        );
        // The hub's names, trimmed.
        assert_eq!(j.account(Account::Bank), "1010 Caisse populaire");
        assert_eq!(j.account(Account::Receivables), "1200 Clients");
        assert_eq!(
            j.account(Account::Delivery),
            Account::Delivery.default_name()
        );

        // November holds nothing; a range the wrong way round or over a year is refused.
        let nov = store
            .journal(&h, day("2026-11-01"), day("2026-11-30"))
            .await
            .unwrap();
        assert!(nov.entries.is_empty());
        refused(
            store
                .journal(&h, day("2026-12-31"), day("2026-12-01"))
                .await,
            Refusal::PeriodInvalid,
        );
        refused(
            store
                .journal(&h, day("2026-01-01"), day("2027-01-10"))
                .await,
            Refusal::PeriodInvalid,
        );
        // Only the hub reads its journal.
        let as_buyer = store.hub_scope(&scope(w.buyers[0]), w.hub).await.unwrap();
        assert!(
            store
                .journal(&as_buyer, day("2026-12-01"), day("2026-12-31"))
                .await
                .is_err()
        );
        let _: BTreeMap<Account, String> = names;
    })
    .await;
}

#[tokio::test]
async fn a_payment_recorded_by_mistake_is_voided_its_allocations_released_and_recorded_again() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = billing_week::week(&store, &clock, 1).await.unwrap();
        let h = own(&store, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        billing_week::deliver_all(&store, &w).await.unwrap();
        let a0 = invoice_of(&store, w.hub, w.orders[0]).await;
        let b0 = w.buyers[0];
        let total = store.invoice(&scope(b0), a0).await.unwrap().invoice.total;
        clock.set(at("2026-12-10T15:00:00Z"));
        let pay = |amount: i64, allocated: i64| NewPayment {
            buyer: b0,
            method: PaymentMethod::Interac,
            received_on: day("2026-12-10"),
            amount: Cents(amount),
            reference: "CA7X".into(),
            allocations: vec![(a0, Cents(allocated))],
        };
        // Typed 1,000.00 for 100.00: the invoice looks paid, 1,000.00 − total a credit.
        let wrong = store.record_payment(&h, &pay(100_000, total.0)).await.unwrap();
        let r = store.receivable(&scope(w.hub), a0).await.unwrap();
        assert_eq!(r.status, InvoiceStatus::Paid);

        // A reason is required; only the hub voids; another hub's payment is not found.
        match store.void_payment(&h, wrong, "  ").await {
            Err(StoreError::Invalid(e)) => assert_eq!(e[0].field, "reason"),
            other => panic!("{other:?}"),
        }
        let as_buyer = store.hub_scope(&scope(b0), w.hub).await.unwrap();
        assert!(store.void_payment(&as_buyer, wrong, "Erreur").await.is_err());
        store
            .void_payment(&h, wrong, "Montant mal tapé")
            .await
            .unwrap();
        refused(
            store.void_payment(&h, wrong, "Encore").await,
            Refusal::PaymentVoided,
        );
        // Still there, marked, with nothing allocated; the invoice owes its total again.
        let (p, allocations) = store.payment(&scope(w.hub), wrong).await.unwrap();
        let voided = p.voided.expect("voided");
        assert_eq!(voided.reason, "Montant mal tapé");
        assert!(allocations.is_empty());
        let r = store.receivable(&scope(w.hub), a0).await.unwrap();
        assert_eq!((r.balance(), r.status), (total, InvoiceStatus::Unpaid));
        // Its credit cannot be applied.
        refused(
            store.apply_credit(&h, wrong, &[(a0, Cents(100))]).await,
            Refusal::PaymentVoided,
        );
        // Out of the aging (no credit) and the statement.
        let aging = store.aging(&h, day("2026-12-10")).await.unwrap();
        let row = aging.rows.iter().find(|r| r.buyer == b0).unwrap();
        assert_eq!((row.aging.total(), row.credit), (total, Cents(0)));
        let s = store
            .statement(&scope(b0), w.hub, b0, day("2026-12-01"), day("2026-12-31"))
            .await
            .unwrap();
        assert_eq!((s.paid, s.closing, s.credit), (Cents(0), total, Cents(0)));
        let j = store
            .journal(&h, day("2026-12-01"), day("2026-12-31"))
            .await
            .unwrap();
        // The journal keeps the payment's entry (a journal already exported never changes) and
        // reverses it on the day it was voided.
        let wrong_no = format!("PMT-{}", wrong.0);
        let entries: Vec<_> = j
            .entries
            .iter()
            .filter(|e| e.number.starts_with(&wrong_no))
            .map(|e| (e.kind, e.number.clone()))
            .collect();
        assert_eq!(
            entries,
            vec![
                (EntryKind::Payment, wrong_no.clone()),
                (EntryKind::PaymentVoid, format!("{wrong_no}-V"))
            ]
        );
        // Audited and announced.
        let events = store.undelivered_events(500).await.unwrap();
        assert!(events.iter().any(|e| matches!(e.event,
            Event::PaymentVoided { payment, amount, .. } if payment == wrong && amount == Cents(100_000))));

        // Recorded again, right: paid, in the journal once more.
        let right = store.record_payment(&h, &pay(total.0, total.0)).await.unwrap();
        let r = store.receivable(&scope(b0), a0).await.unwrap();
        assert_eq!((r.balance(), r.status), (Cents(0), InvoiceStatus::Paid));
        let j = store
            .journal(&h, day("2026-12-01"), day("2026-12-31"))
            .await
            .unwrap();
        let payments: Vec<_> = j
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Payment)
            .collect();
        assert_eq!(payments.len(), 2);
        assert_eq!(payments[1].number, format!("PMT-{}", right.0));
        // The buyer sees both, the voided one marked.
        let listed = store.payments(&scope(b0), None, None, 50).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed.iter().filter(|p| p.voided.is_some()).count(), 1);
    })
    .await;
}
