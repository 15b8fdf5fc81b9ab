//! Producers' statements and payouts on SQLite and (when configured) PostgreSQL: a whole cycle
//! invoiced (a catch-weight line and a substitution among them) balances to the cent against
//! the producers' statements, the hub's margin, fees and taxes; a line is on one statement
//! only; a statement is paid once; a producer reads its own statements, a buyer none.

mod support;

use halles_core::fulfilment::MovementKind;
use halles_core::money::Cents;
use halles_core::payouts::{ChargedTo, Period};
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::{OrgId, StatementId};
use halles_store::hub::HubScope;
use halles_store::hub::billing::payouts::StatementInput;
use halles_store::platform::events::Event;
use halles_store::testing::billing_week::{self, registered};
use halles_store::{Store, StoreError};
use support::{at, refused, scope};

fn day(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

async fn own(store: &Store, hub: OrgId) -> HubScope {
    store.hub_scope(&scope(hub), hub).await.unwrap()
}

#[tokio::test]
async fn a_cycle_balances_to_the_cent_and_each_line_is_paid_once() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        // Two hospitals paying the producer's price + 15 %; the second is short of 2 kg of
        // carrots and gets 4 muffins instead; chickens weighed at 2.100 + 1.950 kg.
        let w = billing_week::week_with_margin(&store, &clock, 2, 1_500)
            .await
            .unwrap();
        let h = own(&store, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        billing_week::deliver_all(&store, &w).await.unwrap();
        // A muffin of the extra ones crushed at the hub: a loss, with its reason.
        let muffins = store.lot_by_code(&h, "MUF-49").await.unwrap();
        store
            .record_movement(&h, muffins.id, MovementKind::Lost, Qty::units(1), "Écrasé")
            .await
            .unwrap();
        let cycle = Period::Cycle { cycle: w.cycle };

        // The hub's preview: the farm's 7 invoice lines and its loss.
        let drafts = store.statement_drafts(&h, cycle).await.unwrap();
        assert_eq!(drafts.len(), 1);
        let d = &drafts[0];
        assert_eq!(
            (d.producer, d.lines.len(), d.adjustments.len()),
            (w.farm, 7, 1)
        );
        let chicken = d.lines.iter().find(|l| l.product == w.chicken).unwrap();
        // Paid at the real weight: 4.050 kg × 12.00 $.
        assert_eq!(chicken.weight_g, Some(4_050));
        assert_eq!(chicken.producer_amount, Cents(4_860));
        let sub = d.lines.iter().find(|l| l.product == w.muffins).unwrap();
        assert_eq!(sub.substitute_for_fr, "Carottes");
        assert_eq!(sub.producer_amount, Cents(900));
        // Hand-checked: (75.00 + 14.97 + 48.60) + (70.00 + 14.97 + 48.60 + 9.00).
        assert_eq!(d.totals.producer_amount, Cents(28_114));
        assert!(d.totals.margin.0 > 0);
        assert_eq!(
            d.totals.margin,
            d.totals.buyer_amount - d.totals.producer_amount
        );
        // Not issued yet: nothing is on a statement.
        let b = store.period_balance(&h, cycle).await.unwrap();
        assert_eq!((b.invoices, b.lines_on_statements, b.lines_left), (2, 0, 7));

        // Only the hub issues; a buyer or a producer through the hub's scope gets NotFound.
        let input = StatementInput {
            producer: w.farm,
            period: cycle,
            losses_charged_to: ChargedTo::Hub,
        };
        let as_farm = store.hub_scope(&scope(w.farm), w.hub).await.unwrap();
        assert!(matches!(
            store.issue_statement(&as_farm, input).await,
            Err(StoreError::NotFound)
        ));
        let id = store.issue_statement(&h, input).await.unwrap();
        let s = store.producer_statement(&scope(w.hub), id).await.unwrap();
        assert_eq!(s.statement.number, "REL-2026-0001");
        assert_eq!(s.statement.period_label, "Semaine 49");
        assert_eq!(
            (s.statement.period_start, s.statement.period_end),
            (day("2026-12-05"), day("2026-12-05"))
        );
        assert_eq!(s.lines, d.lines);
        let loss = &s.adjustments[0];
        assert_eq!(
            (loss.kind.as_str(), loss.reason.as_str()),
            ("lost", "Écrasé")
        );
        // The hub bears it: the farm is paid the muffin at its price, 2.25 $.
        assert_eq!((loss.value, loss.amount), (Cents(225), Cents(225)));
        assert_eq!(s.statement.totals.owed, Cents(28_114 + 225));

        // Every invoice line is on it once: the same period (as a cycle or as its month)
        // gives nothing more.
        refused(
            store.issue_statement(&h, input).await,
            Refusal::StatementEmpty,
        );
        let month = StatementInput {
            period: Period::Month {
                year: 2026,
                month: 12,
            },
            ..input
        };
        refused(
            store.issue_statement(&h, month).await,
            Refusal::StatementEmpty,
        );
        assert!(store.statement_drafts(&h, cycle).await.unwrap().is_empty());

        // The balance, to the cent: invoices = producers + margin + fees + taxes, and what
        // the farm is paid is that share plus the loss the hub bears.
        let invoices = store.invoices(&scope(w.hub), None, 200).await.unwrap();
        assert_eq!(invoices.len(), 2);
        let invoiced: Cents = invoices.iter().map(|i| i.total).sum();
        let fees: Cents = invoices.iter().map(|i| i.delivery + i.deposits).sum();
        let taxes: Cents = invoices.iter().map(|i| i.gst + i.qst).sum();
        let discounts: Cents = invoices.iter().map(|i| i.discount).sum();
        let t = s.statement.totals;
        assert_eq!(
            invoiced,
            (t.owed - t.adjustments) + (t.margin - discounts) + fees + taxes
        );
        let b = store.period_balance(&h, cycle).await.unwrap();
        assert_eq!((b.lines_on_statements, b.lines_left), (7, 0));
        assert_eq!(b.invoiced, invoiced);
        assert_eq!(b.invoiced, b.producers + b.margin + b.fees + b.taxes);
        assert_eq!(b.producers, Cents(28_114));

        // Who reads it: the hub and the farm; a buyer and another hub, nothing.
        assert_eq!(
            store.producer_statement(&scope(w.farm), id).await.unwrap(),
            s
        );
        let mine = store
            .statements(&scope(w.farm), None, None, 50)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        for other in [w.buyers[0], OrgId(w.hub.0 + 10_000)] {
            assert!(matches!(
                store.producer_statement(&scope(other), id).await,
                Err(StoreError::NotFound)
            ));
            assert!(
                store
                    .statements(&scope(other), None, None, 50)
                    .await
                    .unwrap()
                    .is_empty()
            );
        }

        // Paid once, on a day not after today, with a reference.
        assert!(matches!(
            store
                .mark_statement_paid(&h, id, day("2026-12-06"), "CHQ 1042")
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store
                .mark_statement_paid(&h, id, day("2026-12-05"), "")
                .await,
            Err(StoreError::Invalid(_))
        ));
        assert!(matches!(
            store
                .mark_statement_paid(&as_farm, id, day("2026-12-05"), "CHQ 1042")
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .mark_statement_paid(&h, id, day("2026-12-05"), "CHQ 1042")
            .await
            .unwrap();
        refused(
            store
                .mark_statement_paid(&h, id, day("2026-12-05"), "CHQ 1043")
                .await,
            Refusal::StatementAlreadyPaid,
        );
        let paid = store
            .producer_statement(&scope(w.farm), id)
            .await
            .unwrap()
            .statement;
        let payout = paid.payout.unwrap();
        assert_eq!(
            (payout.paid_on, payout.reference.as_str()),
            (day("2026-12-05"), "CHQ 1042")
        );
        assert!(matches!(
            store
                .producer_statement(&scope(w.hub), StatementId(id.0 + 1))
                .await,
            Err(StoreError::NotFound)
        ));

        let events = store.undelivered_events(500).await.unwrap();
        let count = |f: &dyn Fn(&Event) -> bool| events.iter().filter(|e| f(&e.event)).count();
        assert_eq!(
            count(&|e| matches!(e, Event::StatementIssued { statement, .. } if *statement == id)),
            1
        );
        assert_eq!(
            count(&|e| matches!(e, Event::PayoutMade { statement, amount, .. }
                if *statement == id && *amount == Cents(28_339))),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn losses_the_producer_bears_are_listed_and_not_paid_and_a_month_takes_what_is_left() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = billing_week::week(&store, &clock, 1).await.unwrap();
        let h = own(&store, w.hub).await;
        store.set_billing_settings(&h, registered()).await.unwrap();
        billing_week::deliver_all(&store, &w).await.unwrap();
        let muffins = store.lot_by_code(&h, "MUF-49").await.unwrap();
        store
            .record_movement(&h, muffins.id, MovementKind::Lost, Qty::units(2), "Moisi")
            .await
            .unwrap();
        let december = Period::Month {
            year: 2026,
            month: 12,
        };
        // November holds nothing.
        refused(
            store
                .issue_statement(
                    &h,
                    StatementInput {
                        producer: w.farm,
                        period: Period::Month {
                            year: 2026,
                            month: 11,
                        },
                        losses_charged_to: ChargedTo::Producer,
                    },
                )
                .await,
            Refusal::StatementEmpty,
        );
        let id = store
            .issue_statement(
                &h,
                StatementInput {
                    producer: w.farm,
                    period: december,
                    losses_charged_to: ChargedTo::Producer,
                },
            )
            .await
            .unwrap();
        let s = store.producer_statement(&scope(w.hub), id).await.unwrap();
        assert_eq!(s.statement.period_label, "2026-12");
        assert_eq!(
            (s.statement.period_start, s.statement.period_end),
            (day("2026-12-01"), day("2026-12-31"))
        );
        assert_eq!(s.lines.len(), 4);
        let loss = &s.adjustments[0];
        assert_eq!(
            (loss.charged_to, loss.value, loss.amount),
            (ChargedTo::Producer, Cents(450), Cents::ZERO)
        );
        // No margin without a price rule: the farm is owed what the buyer paid for goods.
        assert_eq!(s.statement.totals.margin, Cents::ZERO);
        assert_eq!(s.statement.totals.owed, s.statement.totals.buyer_amount);
        // The cycle has nothing left either.
        refused(
            store
                .issue_statement(
                    &h,
                    StatementInput {
                        producer: w.farm,
                        period: Period::Cycle { cycle: w.cycle },
                        losses_charged_to: ChargedTo::Hub,
                    },
                )
                .await,
            Refusal::StatementEmpty,
        );
        // A month that does not exist.
        refused(
            store
                .issue_statement(
                    &h,
                    StatementInput {
                        producer: w.farm,
                        period: Period::Month {
                            year: 2026,
                            month: 13,
                        },
                        losses_charged_to: ChargedTo::Hub,
                    },
                )
                .await,
            Refusal::PeriodInvalid,
        );
    })
    .await;
}
