//! Producers' availability on SQLite and (when configured) PostgreSQL: offers on demand next
//! to limited ones under a race, grids waiting for producers, and reminders sent once.

mod support;

use halles_core::catalog::SaleUnit;
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::taxes::TaxClass;
use halles_core::{CycleId, OrgId, ProductId};
use halles_store::hub::HubScope;
use halles_store::hub::availability::{DueReminder, Offer, Stock};
use halles_store::hub::cycles::{CycleInput, LocationInput};
use halles_store::hub::orders::OrderInput;
use halles_store::platform::email::OutgoingEmail;
use halles_store::{Store, StoreError};
use jiff::SignedDuration;
use support::{at, org, product, scope};

async fn hs(store: &Store, org: OrgId, hub: OrgId) -> HubScope {
    store.hub_scope(&scope(org), hub).await.unwrap()
}

/// A hub, producers each with one product, buyers, and a draft cycle with every producer,
/// opening Monday 13:00 UTC and closing Thursday 22:00 UTC.
struct Week {
    hub: OrgId,
    producers: Vec<(OrgId, ProductId)>,
    buyers: Vec<OrgId>,
    cycle: CycleId,
    location: halles_core::LocationId,
}

async fn week(store: &Store, producers: usize, buyers: usize) -> Week {
    let hub = org(store, OrgKind::Hub, "Pôle").await;
    let h = store.own_hub(&scope(hub)).await.unwrap();
    let mut ps = Vec::new();
    for i in 0..producers {
        let p = org(store, OrgKind::Producer, &format!("Ferme {i}")).await;
        let unit = if i == 0 { SaleUnit::Kg } else { SaleUnit::Each };
        let id = store
            .create_product(
                &scope(p),
                &product(&format!("Produit {i}"), unit, TaxClass::ZeroRated),
            )
            .await
            .unwrap()
            .id;
        store.link_producer(&h, p).await.unwrap();
        ps.push((p, id));
    }
    let mut bs = Vec::new();
    for i in 0..buyers {
        let b = org(store, OrgKind::Buyer, &format!("Acheteur {i}")).await;
        store
            .link_buyer(&h, b, BuyerType::Restaurant)
            .await
            .unwrap();
        bs.push(b);
    }
    let cycle = store
        .create_cycle(
            &h,
            &CycleInput {
                name: "Semaine 1".into(),
                opens_at: at("2026-11-30T13:00:00Z"),
                closes_at: at("2026-12-03T22:00:00Z"),
                delivery_days: vec!["2026-12-04".parse().unwrap()],
                delivery_note: String::new(),
                order_fee: Cents(0),
                producers: ps.iter().map(|(p, _)| *p).collect(),
                locations: vec![LocationInput {
                    kind: "pickup".into(),
                    name: "Entrepôt".into(),
                    fee: Cents(0),
                    min_order: Cents(0),
                }],
            },
        )
        .await
        .unwrap();
    let location = store.cycle(&h, cycle).await.unwrap().locations[0].id;
    Week {
        hub,
        producers: ps,
        buyers: bs,
        cycle,
        location,
    }
}

#[tokio::test]
async fn an_offer_on_demand_never_runs_short_while_a_limited_one_sells_exactly_what_it_has() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, 2, 50).await;
        let ((farm, carrots), (dairy, cheese)) = (w.producers[0], w.producers[1]);
        let on_demand = Offer {
            stock: Stock::OnDemand,
            price: Cents(250),
        };
        let as_farm = hs(&store, farm, w.hub).await;
        store
            .save_availability(&as_farm, w.cycle, farm, &[(carrots, Some(on_demand))])
            .await
            .unwrap();
        store
            .save_availability(
                &hs(&store, dairy, w.hub).await,
                w.cycle,
                dairy,
                &[(cheese, Some((Qty::units(20), Cents(900))))],
            )
            .await
            .unwrap();
        clock.set(at("2026-12-01T12:00:00Z"));
        store.advance_cycles().await.unwrap();
        let catalog = store
            .buyer_catalog(&hs(&store, w.buyers[0], w.hub).await, w.cycle, w.buyers[0])
            .await
            .unwrap();
        let shown = |p| catalog.iter().find(|i| i.product.id == p).unwrap();
        assert!(shown(carrots).on_demand && !shown(cheese).on_demand);

        // 50 buyers at once, each 2 kg of carrots and one cheese: the cheese runs out at 20,
        // the carrots never do.
        let mut handles = Vec::new();
        for (i, buyer) in w.buyers.iter().copied().enumerate() {
            let s = store.clone();
            let (hub, cycle, location) = (w.hub, w.cycle, w.location);
            handles.push(tokio::spawn(async move {
                let mut lines = vec![(carrots, Qty::units(2))];
                if i % 2 == 0 {
                    lines.push((cheese, Qty::units(1)));
                }
                let two = OrderInput {
                    buyer,
                    location: Some(location),
                    delivery_day: None,
                    po_number: String::new(),
                    note: String::new(),
                    lines,
                };
                let one = OrderInput {
                    lines: vec![(cheese, Qty::units(1))],
                    ..two.clone()
                };
                let as_buyer = hs(&s, buyer, hub).await;
                let placed = s.place_order(&as_buyer, cycle, &two).await;
                let more = s.place_order(&as_buyer, cycle, &one).await;
                (placed, more)
            }));
        }
        let mut carrot_orders: i64 = 0;
        for h in handles {
            let (placed, more) = h.await.unwrap();
            match placed {
                Ok(_) => carrot_orders += 1,
                Err(StoreError::Shortage(short)) => assert!(
                    short.iter().all(|l| l.product.id == cheese),
                    "carrots never run short"
                ),
                Err(e) => panic!("unexpected: {e}"),
            }
            match more {
                Ok(_) | Err(StoreError::Shortage(_)) => {}
                Err(e) => panic!("unexpected: {e}"),
            }
        }
        let grid = |p, producer| {
            let s = store.clone();
            let hub = w.hub;
            let cycle = w.cycle;
            async move {
                let g = s
                    .availability_grid(&hs(&s, hub, hub).await, cycle, producer)
                    .await
                    .unwrap();
                g.into_iter().find(|r| r.product.id == p).unwrap()
            }
        };
        let cheese_row = grid(cheese, dairy).await;
        assert_eq!(
            cheese_row.reserved,
            Qty::units(20),
            "exactly what was offered, never more"
        );
        assert_eq!(cheese_row.quantity, Some(Qty::units(20)));
        let carrots_row = grid(carrots, farm).await;
        assert!(carrots_row.on_demand && carrots_row.quantity.is_none());
        assert!(
            carrot_orders >= 25,
            "every order without cheese took its carrots"
        );
        assert_eq!(
            carrots_row.reserved,
            Qty::units(2 * carrot_orders),
            "the producer sees how much was ordered"
        );

        // A cancelled order gives back its carrots to the count, its cheese to the stock.
        let orders = store.orders_of_org(&scope(w.buyers[1]), 10).await.unwrap();
        store
            .cancel_order(&hs(&store, w.buyers[1], w.hub).await, orders[0].id)
            .await
            .unwrap();
        let after = grid(carrots, farm).await;
        assert_eq!(after.reserved, Qty::units(2 * carrot_orders - 2));
        // Back to a limit: not below what was ordered; above it, the rest is left.
        let ordered = after.reserved;
        let below = Qty(ordered.0 - Qty::units(1).0);
        assert!(matches!(
            store
                .save_availability(
                    &as_farm,
                    w.cycle,
                    farm,
                    &[(carrots, Some((below, Cents(250))))]
                )
                .await,
            Err(StoreError::Refused(Refusal::BelowReserved))
        ));
        let limit = Qty(ordered.0 + Qty::units(5).0);
        store
            .save_availability(
                &as_farm,
                w.cycle,
                farm,
                &[(carrots, Some((limit, Cents(250))))],
            )
            .await
            .unwrap();
        let limited = grid(carrots, farm).await;
        assert_eq!((limited.on_demand, limited.reserved), (false, ordered));
        let buyer = w.buyers[3];
        let six = OrderInput {
            buyer,
            location: Some(w.location),
            delivery_day: None,
            po_number: String::new(),
            note: String::new(),
            lines: vec![(carrots, Qty::units(6))],
        };
        assert!(matches!(
            store
                .place_order(&hs(&store, buyer, w.hub).await, w.cycle, &six)
                .await,
            Err(StoreError::Shortage(short)) if short.len() == 1 && short[0].product.id == carrots
        ));
    })
    .await;
}

#[tokio::test]
async fn silent_producers_are_waited_for_and_reminded_once_before_the_cut_off() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, 3, 0).await;
        let ((offers, product), (nothing, _), (silent, _)) =
            (w.producers[0], w.producers[1], w.producers[2]);
        store
            .save_availability(
                &hs(&store, offers, w.hub).await,
                w.cycle,
                offers,
                &[(product, Some((Qty::units(5), Cents(300))))],
            )
            .await
            .unwrap();
        // "Nothing this week" saves no offer, but the producer has answered.
        store
            .save_availability::<Offer>(&hs(&store, nothing, w.hub).await, w.cycle, nothing, &[])
            .await
            .unwrap();
        assert!(
            store
                .grids_waiting(&scope(silent))
                .await
                .unwrap()
                .is_empty(),
            "a draft waits for nobody"
        );
        clock.set(at("2026-11-30T14:00:00Z"));
        store.advance_cycles().await.unwrap();
        for (p, waits) in [(offers, false), (nothing, false), (silent, true)] {
            let waiting = store.grids_waiting(&scope(p)).await.unwrap();
            assert_eq!(!waiting.is_empty(), waits, "{p}");
        }
        assert_eq!(
            store.grids_waiting(&scope(silent)).await.unwrap()[0].closes_at,
            at("2026-12-03T22:00:00Z")
        );
        assert!(store.due_reminders().await.unwrap().is_empty(), "not yet");

        // The hub reminds 48 hours ahead; out of bounds is refused.
        let own = store.own_hub(&scope(w.hub)).await.unwrap();
        assert_eq!(store.reminder_hours(&own).await.unwrap(), 24);
        for bad in [0, 169] {
            assert!(matches!(
                store.set_reminder_hours(&own, bad).await,
                Err(StoreError::Invalid(e)) if e[0].code == "reminder_hours_out_of_range"
            ));
        }
        store.set_reminder_hours(&own, 48).await.unwrap();
        clock.set(at("2026-12-01T21:00:00Z"));
        assert!(
            store.due_reminders().await.unwrap().is_empty(),
            "49 h before"
        );
        clock.advance(SignedDuration::from_hours(2));
        let due = store.due_reminders().await.unwrap();
        let expected = DueReminder {
            hub: w.hub,
            cycle: w.cycle,
            producer: silent,
        };
        assert_eq!(due, vec![expected], "only the silent producer");

        // Two workers send it at once: one writes it.
        let mail = |n: &str| OutgoingEmail {
            org: Some(silent),
            to: format!("{n}@verger.example"),
            subject: "Rappel".into(),
            body: "…".into(),
            attachment: None,
        };
        let (first, second) = ([mail("a")], [mail("b")]);
        let (a, b) = tokio::join!(
            store.send_reminder(expected, &first),
            store.send_reminder(expected, &second)
        );
        assert_eq!(
            [a.unwrap(), b.unwrap()].iter().filter(|x| **x).count(),
            1,
            "one reminder"
        );
        let sent = store.outbox(None, 10).await.unwrap();
        assert_eq!(sent.len(), 1, "its e-mail once: {sent:?}");
        assert!(store.due_reminders().await.unwrap().is_empty());
        assert!(!store.send_reminder(expected, &[mail("c")]).await.unwrap());

        // Posting stops the waiting; a closed cycle waits for nobody.
        store
            .save_availability::<Offer>(&hs(&store, silent, w.hub).await, w.cycle, silent, &[])
            .await
            .unwrap();
        assert!(
            store
                .grids_waiting(&scope(silent))
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}
