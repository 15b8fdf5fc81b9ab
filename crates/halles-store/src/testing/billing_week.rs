//! A hub's delivered week for the billing tests of the store and of the HTTP layer: one
//! scenario, so both check the same invoice to the cent.

use crate::hub::HubScope;
use crate::hub::billing::settings::BillingSettings;
use crate::hub::catalog::ProductInput;
use crate::hub::cycles::{CycleInput, LocationInput};
use crate::hub::fulfilment::receiving::{Receipt, ReceiptLine, Resolution};
use crate::hub::fulfilment::routes::StopOutcome;
use crate::hub::orders::OrderInput;
use crate::{Actor, Store, StoreError, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::billing::PaymentTerms;
use halles_core::catalog::{Category, Origin, SaleUnit};
use halles_core::fulfilment::ShortageChoice;
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::quantity::Qty;
use halles_core::taxes::{FeeTaxation, TaxClass, TaxCodes};
use halles_core::{CycleId, ManualClock, OrderId, OrgId, ProductId, RouteId};
use jiff::Timestamp;
use jiff::civil::Date;

/// GST taxable, QST zero-rated: a single-portion sweet baked good from 2026-07-15.
pub const TZ: TaxCodes = TaxCodes {
    gst: TaxClass::Taxable,
    qst: TaxClass::ZeroRated,
};

/// The settings of a registered hub whose delivery fee follows the goods.
pub fn registered() -> BillingSettings {
    BillingSettings {
        legal_name: "Coopérative Pôle Nord".into(),
        address: "10, rue du Marché\nMontréal QC H2X 1A1".into(),
        registered: true,
        gst_number: "123456789 RT 0001".into(),
        qst_number: "1234567890TQ0001".into(),
        invoice_prefix: "FAC-".into(),
        yearly_reset: true,
        fee_taxation: FeeTaxation::FollowsGoods,
        payment_terms: PaymentTerms::Net15,
        how_to_pay: "Virement Interac : factures@polenord.ca".into(),
        auto_issue: true,
    }
}

/// The week [`week`] makes.
pub struct Week {
    /// hub
    pub hub: OrgId,
    /// farm
    pub farm: OrgId,
    /// buyers
    pub buyers: Vec<OrgId>,
    /// orders
    pub orders: Vec<OrderId>,
    /// carrots
    pub carrots: ProductId,
    /// soap
    pub soap: ProductId,
    /// muffins
    pub muffins: ProductId,
    /// chicken
    pub chicken: ProductId,
    /// cycle
    pub cycle: CycleId,
    /// route
    pub route: RouteId,
}

async fn hub_scope(store: &Store, org: OrgId, hub: OrgId) -> StoreResult<HubScope> {
    store.hub_scope(&scope(org), hub).await
}

async fn org(store: &Store, kind: OrgKind, name: &str) -> StoreResult<OrgId> {
    Ok(store
        .create_organization(Actor::system(), kind, name, Lang::Fr)
        .await?
        .id)
}

fn scope(org: OrgId) -> TenantScope {
    TenantScope::checked(org, Actor::system())
}

fn day(s: &str) -> StoreResult<Date> {
    s.parse().map_err(|_| StoreError::Corrupt("date"))
}

fn at(s: &str) -> StoreResult<Timestamp> {
    s.parse().map_err(|_| StoreError::Corrupt("instant"))
}

/// A vegetable grown in Québec in the Montérégie, sold in `unit`, of tax class `tax`.
pub fn product(name: &str, unit: SaleUnit, tax: TaxClass) -> ProductInput {
    ProductInput {
        name_fr: name.into(),
        name_en: String::new(),
        category: Category::Vegetables,
        description: String::new(),
        unit,
        unit_detail: String::new(),
        catch_weight: false,
        est_weight_g: None,
        tax_class: tax,
        origin: Origin::QuebecGrown,
        region: "Montérégie".into(),
        certifications: vec![],
        organic_certifier: String::new(),
        active: true,
        details: Default::default(),
    }
}

/// A hub, a farm (carrots by the kg, zero-rated; soap, taxable; muffins, taxable until
/// 2026-07-15 and zero-rated for QST from then; whole chickens weighed at packing) and
/// `buyers` buyers each ordering 30 kg of carrots, 3 bars of soap and 2 chickens, with a
/// 10.00 $ delivery fee, and a café off the route ordering muffins. The cycle is closed,
/// everything received but 2 kg of the last buyer's carrots (4 muffins go in their place),
/// the chickens weighed, the route planned.
pub async fn week(store: &Store, clock: &ManualClock, buyers: usize) -> StoreResult<Week> {
    week_with_margin(store, clock, buyers, 0).await
}

/// [`week`], the hospitals paying the producer's price plus `margin_bp` (a price rule for
/// institutions; 0: none), so the hub keeps a margin on their lines.
pub async fn week_with_margin(
    store: &Store,
    clock: &ManualClock,
    buyers: usize,
    margin_bp: i64,
) -> StoreResult<Week> {
    let hub = org(store, OrgKind::Hub, "Pôle Nord").await?;
    let farm = org(store, OrgKind::Producer, "Ferme Lavoie").await?;
    let mut bs = Vec::new();
    for i in 0..buyers {
        bs.push(org(store, OrgKind::Buyer, &format!("Hôpital {i}")).await?);
    }
    let new = |input: ProductInput| async move {
        store
            .create_product(&scope(farm), &input)
            .await
            .map(|p| p.id)
    };
    let carrots = new(product("Carottes", SaleUnit::Kg, TaxClass::ZeroRated)).await?;
    let soap = new(product("Savon", SaleUnit::Each, TaxClass::Taxable)).await?;
    let muffins = new(product("Muffin", SaleUnit::Each, TaxClass::Taxable)).await?;
    let chicken = new(ProductInput {
        catch_weight: true,
        est_weight_g: Some(2000),
        ..product("Poulet entier", SaleUnit::Each, TaxClass::ZeroRated)
    })
    .await?;
    store
        .set_tax_status(&scope(farm), muffins, day("2026-07-15")?, TZ)
        .await?;
    let h = store.own_hub(&scope(hub)).await?;
    store.link_producer(&h, farm).await?;
    for b in &bs {
        store.link_buyer(&h, *b, BuyerType::Institution).await?;
    }
    if margin_bp > 0 {
        let rule = PriceRule {
            buyer_type: Some(BuyerType::Institution),
            buyer: None,
            product: None,
            margin: MarginBp(margin_bp),
        };
        store.add_price_rule(&h, &rule).await?;
    }
    let cycle = store
        .create_cycle(
            &h,
            &CycleInput {
                name: "Semaine 49".into(),
                opens_at: at("2026-11-30T13:00:00Z")?,
                closes_at: at("2026-12-03T22:00:00Z")?,
                delivery_days: vec![day("2026-12-05")?],
                delivery_note: String::new(),
                order_fee: Cents(0),
                producers: vec![farm],
                locations: vec![LocationInput {
                    kind: "delivery".into(),
                    name: "Livraison Montréal".into(),
                    fee: Cents(1_000),
                    min_order: Cents(0),
                }],
            },
        )
        .await?;
    let n = i64::try_from(buyers).map_err(|_| StoreError::Corrupt("buyers"))?;
    store
        .save_availability(
            &hub_scope(store, farm, hub).await?,
            cycle,
            farm,
            &[
                (carrots, Some((Qty::units(30 * n), Cents(250)))),
                (soap, Some((Qty::units(3 * n), Cents(499)))),
                (muffins, Some((Qty::units(10), Cents(225)))),
                (chicken, Some((Qty::units(2 * n), Cents(1200)))),
            ],
        )
        .await?;
    clock.set(at("2026-12-01T12:00:00Z")?);
    store.advance_cycles().await?;
    let loc = store.cycle(&h, cycle).await?.locations[0].id;
    let mut orders = Vec::new();
    for (i, b) in bs.iter().enumerate() {
        let id = store
            .place_order(
                &hub_scope(store, *b, hub).await?,
                cycle,
                &OrderInput {
                    buyer: *b,
                    location: Some(loc),
                    delivery_day: None,
                    po_number: format!("PO-{}", 4500 + i),
                    note: String::new(),
                    lines: vec![
                        (carrots, Qty::units(30)),
                        (soap, Qty::units(3)),
                        (chicken, Qty::units(2)),
                    ],
                },
            )
            .await?;
        orders.push(id);
    }
    // A café, not on the route, orders muffins: the farm brings them, and more.
    let cafe = org(store, OrgKind::Buyer, "Café").await?;
    store.link_buyer(&h, cafe, BuyerType::Restaurant).await?;
    store
        .place_order(
            &hub_scope(store, cafe, hub).await?,
            cycle,
            &OrderInput {
                buyer: cafe,
                location: Some(loc),
                delivery_day: None,
                po_number: String::new(),
                note: String::new(),
                lines: vec![(muffins, Qty::units(2))],
            },
        )
        .await?;
    clock.set(at("2026-12-03T22:00:01Z")?);
    store.advance_cycles().await?;
    let (packed_on, best_before) = (day("2026-12-04")?, day("2026-12-12")?);
    let line = |q: i64, p: ProductId, unit, code: &str| ReceiptLine {
        product: p,
        unit,
        quantity: Qty::units(q),
        lot_code: code.into(),
        packed_on: Some(packed_on),
        best_before: Some(best_before),
        extra: false,
    };
    store
        .receive(
            &h,
            cycle,
            &Receipt {
                producer: farm,
                delivery_day: Some(day("2026-12-05")?),
                lines: vec![
                    line(30 * n - 2, carrots, SaleUnit::Kg, "CAR-49"),
                    line(3 * n, soap, SaleUnit::Each, "SAV-49"),
                    line(10, muffins, SaleUnit::Each, "MUF-49"),
                    line(2 * n, chicken, SaleUnit::Each, "POU-49"),
                ],
            },
        )
        .await?;
    // The last order is short of 2 kg of carrots (the oldest are served first).
    for short in store.shortages(&h, cycle).await? {
        store
            .resolve_shortage(
                &h,
                cycle,
                short.line,
                &Resolution {
                    choice: ShortageChoice::Substitute,
                    substitute: Some((muffins, Qty::units(4))),
                },
            )
            .await?;
    }
    for o in &orders {
        let order = store.order(&h, *o).await?;
        let chicken_line = order
            .lines
            .iter()
            .find(|l| l.product.id == chicken)
            .ok_or(StoreError::NotFound)?;
        store
            .record_weights(&h, chicken_line.id, &[2100, 1950], false)
            .await?;
    }
    let route = store.create_route(&h, "Nord").await?;
    store.set_route_buyers(&h, route, &bs).await?;
    store
        .plan_routes(&h, cycle, Some(day("2026-12-05")?))
        .await?;
    clock.set(at("2026-12-05T15:00:00Z")?);
    Ok(Week {
        hub,
        farm,
        buyers: bs,
        orders,
        carrots,
        soap,
        muffins,
        chicken,
        cycle,
        route,
    })
}

/// Marks every stop of the week delivered, in order.
pub async fn deliver_all(store: &Store, w: &Week) -> StoreResult<()> {
    deliver(store, w, w.cycle, day("2026-12-05")?).await
}

/// Marks every stop of a cycle's delivery day delivered, in order.
async fn deliver(store: &Store, w: &Week, cycle: CycleId, on: Date) -> StoreResult<()> {
    let h = hub_scope(store, w.hub, w.hub).await?;
    for s in store.stops(&h, cycle, Some(on), w.route).await? {
        store
            .mark_stop(
                &h,
                s.id,
                &StopOutcome::Delivered {
                    recipient: "Réception".into(),
                    note: String::new(),
                },
            )
            .await?;
    }
    Ok(())
}

/// The week after [`week`] for the same buyers (the café aside): a new cycle where each buyer
/// orders 10 kg of carrots and 2 bars of soap, all received, delivered on 2026-12-12 (the
/// clock left there); the orders, in the buyers' order.
pub async fn next_week(store: &Store, clock: &ManualClock, w: &Week) -> StoreResult<Vec<OrderId>> {
    let h = hub_scope(store, w.hub, w.hub).await?;
    let cycle = store
        .create_cycle(
            &h,
            &CycleInput {
                name: "Semaine 50".into(),
                opens_at: at("2026-12-07T13:00:00Z")?,
                closes_at: at("2026-12-10T22:00:00Z")?,
                delivery_days: vec![day("2026-12-12")?],
                delivery_note: String::new(),
                order_fee: Cents(0),
                producers: vec![w.farm],
                locations: vec![LocationInput {
                    kind: "delivery".into(),
                    name: "Livraison Montréal".into(),
                    fee: Cents(0),
                    min_order: Cents(0),
                }],
            },
        )
        .await?;
    let n = i64::try_from(w.buyers.len()).map_err(|_| StoreError::Corrupt("buyers"))?;
    store
        .save_availability(
            &hub_scope(store, w.farm, w.hub).await?,
            cycle,
            w.farm,
            &[
                (w.carrots, Some((Qty::units(10 * n), Cents(250)))),
                (w.soap, Some((Qty::units(2 * n), Cents(499)))),
            ],
        )
        .await?;
    clock.set(at("2026-12-08T12:00:00Z")?);
    store.advance_cycles().await?;
    let loc = store.cycle(&h, cycle).await?.locations[0].id;
    let mut orders = Vec::new();
    for b in &w.buyers {
        orders.push(
            store
                .place_order(
                    &hub_scope(store, *b, w.hub).await?,
                    cycle,
                    &OrderInput {
                        buyer: *b,
                        location: Some(loc),
                        delivery_day: None,
                        po_number: String::new(),
                        note: String::new(),
                        lines: vec![(w.carrots, Qty::units(10)), (w.soap, Qty::units(2))],
                    },
                )
                .await?,
        );
    }
    clock.set(at("2026-12-10T22:00:01Z")?);
    store.advance_cycles().await?;
    let (packed_on, best_before) = (day("2026-12-11")?, day("2026-12-19")?);
    let line = |q: i64, p: ProductId, unit, code: &str| ReceiptLine {
        product: p,
        unit,
        quantity: Qty::units(q),
        lot_code: code.into(),
        packed_on: Some(packed_on),
        best_before: Some(best_before),
        extra: false,
    };
    store
        .receive(
            &h,
            cycle,
            &Receipt {
                producer: w.farm,
                delivery_day: Some(day("2026-12-12")?),
                lines: vec![
                    line(10 * n, w.carrots, SaleUnit::Kg, "CAR-50"),
                    line(2 * n, w.soap, SaleUnit::Each, "SAV-50"),
                ],
            },
        )
        .await?;
    store
        .plan_routes(&h, cycle, Some(day("2026-12-12")?))
        .await?;
    clock.set(at("2026-12-12T15:00:00Z")?);
    deliver(store, w, cycle, day("2026-12-12")?).await?;
    Ok(orders)
}
