//! Orders: placed, changed and cancelled until the cut-off, reserving availability in the same
//! transaction with conditional updates, so stock is never oversold.

use crate::db::ms;
use crate::hub::HubScope;
use crate::hub::catalog::ProductRow;
use crate::platform::audit::{self, Action, Change};
use crate::platform::idempotency::KeyRow;
use crate::platform::rows::{Flag, instant, parsed};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::catalog::{SaleUnit, WeightPrices};
use halles_core::money::Cents;
use halles_core::ordering::OrderStatus;
use halles_core::pricing::{
    BuyerType, MarginBp, PriceRule, buyer_price, catch_weight_unit_price, margin_for,
};
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::taxes::{
    TaxBreakdown, TaxClass, TaxCodes, TaxDocument, TaxLine, TaxSettings, compute,
};
use halles_core::validation::{FieldError, Validator};
use halles_core::{CycleId, LocationId, OrderId, OrderLineId, OrgId, ProductId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;
use std::collections::{BTreeMap, HashMap};

/// What a checkout did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The order holding the lines.
    pub order: OrderId,
    /// Whether the lines were added to the buyer's open order of the same cycle and location
    /// (else the order is new).
    pub added: bool,
}

/// The buyer's open order of a cycle and location, with its lines (product, quantity, unit
/// price).
struct OpenOrder {
    row: OpenOrderRow,
    /// Product, quantity, unit price and the sale unit it was ordered in.
    lines: Vec<(ProductId, Qty, Cents, String)>,
}

/// What a checkout keeps of an open order.
#[derive(FromRow)]
struct OpenOrderRow {
    id: i64,
    po_number: String,
    note: String,
}

/// A standing order's run placing its order: recorded in the order's transaction.
pub(crate) struct StandingPlacement {
    /// The standing order.
    pub id: halles_core::StandingOrderId,
    /// Lines lowered or dropped for want of stock: product, wanted, left.
    pub shortages: Vec<(ProductId, Qty, Qty)>,
}

impl StandingPlacement {
    /// Records what the run placed (for a later take-back), its outcome and its event.
    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        cycle: CycleId,
        buyer: OrgId,
        order: OrderId,
        lines: &[(ProductId, Qty)],
        now: Timestamp,
    ) -> StoreResult<()> {
        for (p, q) in lines {
            sqlx::query(
                "INSERT INTO standing_order_placed (organization_id, standing_order_id, cycle_id, \
                 order_id, product_id, quantity) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(hub.0)
            .bind(self.id.0)
            .bind(cycle.0)
            .bind(order.0)
            .bind(p.0)
            .bind(q.0)
            .execute(&mut *tx)
            .await?;
        }
        let shortages: Vec<(i64, i64, i64)> = self
            .shortages
            .iter()
            .map(|(p, w, g)| (p.0, w.0, g.0))
            .collect();
        sqlx::query(
            "UPDATE standing_order_runs SET order_id = $1, outcome = 'placed', shortages = $2 \
             WHERE organization_id = $3 AND standing_order_id = $4 AND cycle_id = $5",
        )
        .bind(order.0)
        .bind(serde_json::to_string(&shortages).unwrap_or_default())
        .bind(hub.0)
        .bind(self.id.0)
        .bind(cycle.0)
        .execute(&mut *tx)
        .await?;
        let ran = crate::platform::events::Event::StandingOrderRan {
            hub,
            buyer,
            standing: self.id,
            cycle,
            order: Some(order),
            outcome: "placed".into(),
            shortages: self.shortages.clone(),
        };
        crate::platform::events::record(&mut *tx, ran, now).await?;
        Ok(())
    }
}

/// What a buyer (or the hub for a buyer) asks for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderInput {
    /// The buyer.
    pub buyer: OrgId,
    /// Pickup point or delivery zone.
    pub location: Option<LocationId>,
    /// The delivery day, one of the cycle's; none takes the cycle's only one (with several,
    /// `delivery_day_required`). A change keeps the order's day.
    #[serde(default)]
    pub delivery_day: Option<Date>,
    /// The buyer's own purchase-order number.
    pub po_number: String,
    /// A note for the hub.
    pub note: String,
    /// Products and quantities (merged when a product appears twice).
    pub lines: Vec<(ProductId, Qty)>,
}

/// A product as an order line and a cycle's totals name it: its names, sale unit and unit
/// detail as they were when the line was ordered (kept on the line), and its producer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRef {
    /// The product.
    pub id: ProductId,
    /// Its French name.
    pub name_fr: String,
    /// Its English name (empty: the French one is shown).
    pub name_en: String,
    /// Its sale unit.
    pub unit: SaleUnit,
    /// What a unit holds ("sac de 10 lb"), empty when the product says nothing.
    pub unit_detail: String,
    /// Its producer.
    pub producer: OrgId,
    /// The producer's name.
    pub producer_name: String,
}

impl ProductRef {
    /// The name in a language, French when it has no English name.
    pub fn name<L: std::borrow::Borrow<Lang>>(&self, lang: L) -> &str {
        lang.borrow().pick(&self.name_fr, &self.name_en)
    }
}

/// A line as stored: the product, prices and tax class as they were when the line was ordered
/// (a later rename, new price or new unit of the product does not change it).
#[derive(Debug, Clone, Serialize)]
pub struct OrderLine {
    /// Its id.
    pub id: OrderLineId,
    /// The product as ordered.
    pub product: ProductRef,
    /// Quantity.
    pub quantity: Qty,
    /// The buyer's unit price.
    pub unit_price: Cents,
    /// The producer's unit price (what the hub owes the producer), never shown to the buyer.
    #[serde(skip)]
    pub producer_price: Cents,
    /// Tax class, for the order-time estimate of taxes.
    pub tax_class: TaxClass,
    /// For a product sold by the unit and priced by weight: its prices per kilogram, the
    /// estimated weight of a unit and, once packed, the real weight.
    pub catch_weight: Option<CatchWeight>,
    /// What was ordered, when a shortage at receiving lowered the line since.
    pub ordered_quantity: Option<Qty>,
    /// The line it replaces, when the hub put it in for a product it could not deliver.
    pub substitute_for: Option<OrderLineId>,
}

/// A catch-weight line's weights and prices per kilogram (see [`OrderLine::total`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CatchWeight {
    /// The estimated weight of one unit, in grams.
    pub est_weight_g: i64,
    /// The buyer's price per kilogram.
    pub kg_price: Cents,
    /// The producer's price per kilogram.
    #[serde(skip)]
    pub producer_kg_price: Cents,
    /// The real weight of all its units, once weighed.
    pub packed_weight_g: Option<i64>,
}

impl OrderLine {
    /// The weight this line is priced at: the real one once weighed, else the estimate (a
    /// catch-weight line only).
    pub fn priced_weight_g(&self) -> Option<i64> {
        self.catch_weight.map(|c| {
            c.packed_weight_g
                .unwrap_or_else(|| self.quantity.price(Cents(c.est_weight_g)).0)
        })
    }

    /// What the hub owes the producer for this line: at the real weight once weighed.
    pub fn producer_total(&self) -> Cents {
        match self.catch_weight {
            Some(CatchWeight {
                producer_kg_price,
                packed_weight_g: Some(g),
                ..
            }) => halles_core::fulfilment::catch_weight_amount(producer_kg_price, g),
            _ => self.quantity.price(self.producer_price),
        }
    }

    /// The product's name in a language, French when it has no English name.
    pub fn name<L: std::borrow::Borrow<Lang>>(&self, lang: L) -> &str {
        self.product.name(lang)
    }

    /// The line total: the quantity at the unit price, or for a weighed catch-weight line the
    /// price per kilogram times the real weight.
    pub fn total(&self) -> Cents {
        match self.catch_weight {
            Some(CatchWeight {
                kg_price,
                packed_weight_g: Some(g),
                ..
            }) => halles_core::fulfilment::catch_weight_amount(kg_price, g),
            _ => self.quantity.price(self.unit_price),
        }
    }
}

/// An order with its lines.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    /// Its id.
    pub id: OrderId,
    /// The hub.
    pub hub: OrgId,
    /// The cycle.
    pub cycle: CycleId,
    /// The buyer.
    pub buyer: OrgId,
    /// The buyer's name.
    pub buyer_name: String,
    /// State.
    pub status: OrderStatus,
    /// Pickup point or delivery zone.
    pub location: Option<LocationId>,
    /// The delivery day (none only for an order kept from before delivery days).
    pub delivery_day: Option<Date>,
    /// Buyer's PO number.
    pub po_number: String,
    /// Note.
    pub note: String,
    /// Fees (location and per-order).
    pub fees: Cents,
    /// Lines.
    pub lines: Vec<OrderLine>,
    /// The hub's tax settings, for the estimate of taxes.
    #[serde(skip)]
    pub tax_settings: TaxSettings,
    /// Placed at.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

impl Order {
    /// Sum of the lines.
    pub fn subtotal(&self) -> Cents {
        self.lines.iter().map(OrderLine::total).sum()
    }

    /// The order-time estimate of GST and QST, under a hub's settings, by the same function
    /// an invoice uses ([`halles_core::taxes::compute`]); the line's tax-class snapshot stands
    /// for both statuses, the order's fees are its delivery fee.
    pub fn taxes_under(&self, settings: TaxSettings) -> TaxBreakdown {
        let lines: Vec<TaxLine> = self
            .lines
            .iter()
            .map(|l| TaxLine {
                codes: TaxCodes::both(l.tax_class),
                amount: l.total(),
                discount: None,
            })
            .collect();
        let doc = TaxDocument {
            lines: &lines,
            delivery: self.fees,
            ..Default::default()
        };
        // Lines and fees are bounded and never negative, and there is no discount: no
        // refusal is possible; a corrupt negative amount is estimated as untaxed.
        compute(&doc, settings).unwrap_or_else(|_| TaxBreakdown {
            registered: settings.registered,
            lines: Vec::new(),
            groups: Vec::new(),
            goods: self.subtotal(),
            discounts: Cents::ZERO,
            delivery: self.fees,
            delivery_gst_taxable: Cents::ZERO,
            delivery_qst_taxable: Cents::ZERO,
            deposits: Cents::ZERO,
            subtotal: self.subtotal() + self.fees,
            gst_base: Cents::ZERO,
            qst_base: Cents::ZERO,
            gst: Cents::ZERO,
            qst: Cents::ZERO,
        })
    }

    /// The estimate under the hub's settings (read with the order), as its invoice will
    /// compute them.
    pub fn taxes(&self) -> TaxBreakdown {
        self.taxes_under(self.tax_settings)
    }

    /// Everything due.
    pub fn total(&self) -> Cents {
        self.taxes().total()
    }
}

/// What a cycle's placed orders hold of one product (in one sale unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductTotal {
    /// The product, as its first line in the cycle names it.
    pub product: ProductRef,
    /// Quantity ordered, in the sale unit.
    pub quantity: Qty,
    /// Amount at the producer's prices.
    pub producer_amount: Cents,
    /// Amount at the buyers' prices.
    pub buyer_amount: Cents,
}

impl ProductTotal {
    /// The name in a language, French when it has no English name.
    pub fn name<L: std::borrow::Borrow<Lang>>(&self, lang: L) -> &str {
        self.product.name(lang)
    }
}

/// A line of a checkout that asks for more than is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortLine {
    /// The product as it is offered now.
    pub product: ProductRef,
    /// How much of it is left to order (in its sale unit).
    pub left: Qty,
}

/// The field naming an order line in refusals, as the API's request body names it:
/// `lines[product_id=N]`.
pub fn line_field(product: ProductId) -> String {
    format!("lines[product_id={product}]")
}

/// The product an order-line field ([`line_field`]) names.
pub fn line_of_field(field: &str) -> Option<ProductId> {
    field
        .strip_prefix("lines[product_id=")?
        .strip_suffix(']')?
        .parse()
        .ok()
        .map(ProductId)
}

/// What a cycle's placed orders hold of one producer's products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProducerTotal {
    /// The producer.
    pub producer: OrgId,
    /// Its name.
    pub name: String,
    /// Amount at the producer's prices (what the hub owes it).
    pub producer_amount: Cents,
    /// Amount at the buyers' prices.
    pub buyer_amount: Cents,
}

/// A buyer's placed orders of a cycle for one delivery: a delivery day, at one pickup point or
/// delivery zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuyerTotal {
    /// The buyer.
    pub buyer: OrgId,
    /// Its name.
    pub name: String,
    /// The delivery day (none only for orders kept from before delivery days).
    pub delivery_day: Option<Date>,
    /// The pickup point or delivery zone, if the orders chose one.
    pub location: Option<LocationId>,
    /// Its name (empty without one).
    pub location_name: String,
    /// How many orders.
    pub orders: u32,
    /// Sum of the lines.
    pub subtotal: Cents,
    /// Fees.
    pub fees: Cents,
    /// GST and QST.
    pub taxes: Cents,
    /// Everything due.
    pub total: Cents,
}

/// Totals of a cycle's placed orders.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CycleTotals {
    /// By product, by producer name then product name.
    pub by_product: Vec<ProductTotal>,
    /// By producer, by name.
    pub by_producer: Vec<ProducerTotal>,
    /// By buyer and delivery (day, and pickup point or delivery zone), by buyer name, then day,
    /// then location name.
    pub by_buyer: Vec<BuyerTotal>,
}

impl CycleTotals {
    /// The totals of a cycle's placed orders among `orders` (loaded with their lines; other
    /// statuses are left out), at the prices and in the units the lines were ordered at. A
    /// product counts once per sale unit, named as its first line names it.
    pub fn of(cycle: &crate::hub::cycles::Cycle, orders: &[Order]) -> CycleTotals {
        let mut by_product: BTreeMap<(ProductId, &'static str), ProductTotal> = BTreeMap::new();
        let mut by_producer: BTreeMap<OrgId, ProducerTotal> = BTreeMap::new();
        let mut by_buyer: BTreeMap<(OrgId, Option<Date>, Option<LocationId>), BuyerTotal> =
            BTreeMap::new();
        for o in orders.iter().filter(|o| o.status == OrderStatus::Placed) {
            for l in &o.lines {
                let buyer_amount = l.total();
                let producer_amount = l.producer_total();
                let e = by_product
                    .entry((l.product.id, l.product.unit.code()))
                    .or_insert_with(|| ProductTotal {
                        product: l.product.clone(),
                        quantity: Qty::ZERO,
                        producer_amount: Cents::ZERO,
                        buyer_amount: Cents::ZERO,
                    });
                e.quantity.0 += l.quantity.0;
                e.producer_amount += producer_amount;
                e.buyer_amount += buyer_amount;
                let p = by_producer
                    .entry(l.product.producer)
                    .or_insert_with(|| ProducerTotal {
                        producer: l.product.producer,
                        name: l.product.producer_name.clone(),
                        producer_amount: Cents::ZERO,
                        buyer_amount: Cents::ZERO,
                    });
                p.producer_amount += producer_amount;
                p.buyer_amount += buyer_amount;
            }
            let b = by_buyer
                .entry((o.buyer, o.delivery_day, o.location))
                .or_insert_with(|| BuyerTotal {
                    buyer: o.buyer,
                    name: o.buyer_name.clone(),
                    delivery_day: o.delivery_day,
                    location: o.location,
                    location_name: o
                        .location
                        .and_then(|id| cycle.locations.iter().find(|l| l.id == id))
                        .map(|l| l.input.name.clone())
                        .unwrap_or_default(),
                    orders: 0,
                    subtotal: Cents::ZERO,
                    fees: Cents::ZERO,
                    taxes: Cents::ZERO,
                    total: Cents::ZERO,
                });
            b.orders += 1;
            b.subtotal += o.subtotal();
            b.fees += o.fees;
            b.taxes += o.taxes().taxes();
            b.total += o.total();
        }
        let mut t = CycleTotals {
            by_product: by_product.into_values().collect(),
            by_producer: by_producer.into_values().collect(),
            by_buyer: by_buyer.into_values().collect(),
        };
        t.by_product.sort_by(|a, b| {
            let key = |t: &ProductTotal| {
                (
                    t.product.producer_name.clone(),
                    t.product.name_fr.clone(),
                    t.product.id,
                )
            };
            key(a).cmp(&key(b))
        });
        t.by_producer
            .sort_by(|a, b| (&a.name, a.producer).cmp(&(&b.name, b.producer)));
        t.by_buyer.sort_by(|a, b| {
            (&a.name, a.buyer, a.delivery_day, &a.location_name).cmp(&(
                &b.name,
                b.buyer,
                b.delivery_day,
                &b.location_name,
            ))
        });
        t
    }
}

/// Filters of the hub's order list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Only this buyer.
    pub buyer: Option<OrgId>,
    /// Only orders with a line from this producer.
    pub producer: Option<OrgId>,
    /// Only orders with this product.
    pub product: Option<ProductId>,
    /// Only this status.
    pub status: Option<OrderStatus>,
}

/// What a line keeps of its product when ordered, and what pricing needs to know of it.
#[derive(Clone)]
struct LineFacts {
    tax_class: String,
    /// The estimated weight of a unit, for a catch-weight product.
    est_weight_g: Option<i64>,
    name_fr: String,
    name_en: String,
    unit: String,
    unit_detail: String,
}

/// What an edited order keeps of a line it already had: its snapshot and its prices.
struct Kept {
    quantity: Qty,
    facts: LineFacts,
    unit_price: Cents,
    producer_price: Cents,
    catch_weight: Option<CatchWeight>,
}

/// A line reserved in the write transaction, priced, not yet written.
struct Reserved {
    product: ProductId,
    producer: i64,
    quantity: Qty,
    unit_price: Cents,
    producer_price: Cents,
    facts: LineFacts,
    catch_weight: Option<CatchWeight>,
}

/// A new line priced for a buyer: the offer's price with the buyer's margin; a catch-weight
/// product's offer is per kg, and a unit is estimated at its usual weight until packing.
fn priced(
    product: ProductId,
    producer: i64,
    quantity: Qty,
    offered: Cents,
    margin: MarginBp,
    facts: &LineFacts,
) -> Reserved {
    let mut unit_price = buyer_price(offered, margin);
    let mut producer_price = offered;
    let mut catch_weight = None;
    if let Some(g) = facts.est_weight_g {
        catch_weight = Some(CatchWeight {
            est_weight_g: g,
            kg_price: unit_price,
            producer_kg_price: producer_price,
            packed_weight_g: None,
        });
        unit_price = catch_weight_unit_price(unit_price, g);
        producer_price = catch_weight_unit_price(producer_price, g);
    }
    Reserved {
        product,
        producer,
        quantity,
        unit_price,
        producer_price,
        facts: facts.clone(),
        catch_weight,
    }
}

/// Puts the quantities an order reserved back into availability (its lines stay).
async fn restore_reserved(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    cycle: CycleId,
    order_id: i64,
) -> StoreResult<()> {
    // An on-demand offer counts what was ordered in `quantity` instead.
    const ORDERED: &str = "(SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l \
         WHERE l.organization_id = availability.organization_id AND l.order_id = $1 \
         AND l.product_id = availability.product_id)";
    sqlx::query(&format!(
        "UPDATE availability SET remaining = remaining + CASE WHEN on_demand THEN 0 ELSE {ORDERED} END, \
         quantity = quantity - CASE WHEN on_demand THEN {ORDERED} ELSE 0 END \
         WHERE organization_id = $2 AND cycle_id = $3 AND product_id IN \
         (SELECT product_id FROM order_lines WHERE organization_id = $2 AND order_id = $1)",
    ))
    .bind(order_id)
    .bind(hub.0)
    .bind(cycle.0)
    .execute(tx)
    .await?;
    Ok(())
}

/// Writes an order's lines in one statement.
async fn insert_lines(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    order_id: i64,
    lines: &[Reserved],
) -> StoreResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    const COLUMNS: usize = 15;
    let values: Vec<String> = (0..lines.len())
        .map(|i| {
            let marks: Vec<String> = (1..=COLUMNS)
                .map(|c| format!("${}", i * COLUMNS + c))
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO order_lines (organization_id, order_id, product_id, producer_id, quantity, unit_price_cents, \
         producer_price_cents, tax_class, name_fr, name_en, unit, unit_detail, est_weight_g, kg_price_cents, \
         producer_kg_price_cents) VALUES {}",
        values.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for l in lines {
        q = q
            .bind(hub.0)
            .bind(order_id)
            .bind(l.product.0)
            .bind(l.producer)
            .bind(l.quantity.0)
            .bind(l.unit_price.0)
            .bind(l.producer_price.0)
            .bind(l.facts.tax_class.clone())
            .bind(l.facts.name_fr.clone())
            .bind(l.facts.name_en.clone())
            .bind(l.facts.unit.clone())
            .bind(l.facts.unit_detail.clone())
            .bind(l.catch_weight.map(|c| c.est_weight_g))
            .bind(l.catch_weight.map(|c| c.kg_price.0))
            .bind(l.catch_weight.map(|c| c.producer_kg_price.0));
    }
    q.execute(tx).await?;
    Ok(())
}

/// What the buyer typed around the lines, within its bounds (`check_order_details`).
fn check_details(input: &OrderInput) -> StoreResult<()> {
    let mut v = Validator::new();
    halles_core::ordering::check_order_details(
        &mut v,
        &input.po_number,
        &input.note,
        input.lines.len(),
    );
    v.finish().map_err(StoreError::Invalid)
}

fn merge(lines: &[(ProductId, Qty)]) -> StoreResult<Vec<(ProductId, Qty)>> {
    let mut m: BTreeMap<ProductId, Qty> = BTreeMap::new();
    for (p, q) in lines {
        q.within()?;
        let e = m.entry(*p).or_default();
        *e = e
            .checked_add(*q)
            .ok_or(halles_core::limits::AmountError::QtyTooLarge)?
            .within()?;
    }
    Ok(m.into_iter().filter(|(_, q)| q.0 > 0).collect())
}

impl Store {
    /// A buyer's price list at a hub: its buyer type and the hub's rules. Not served: not found.
    async fn price_list(
        &self,
        hub: OrgId,
        buyer: OrgId,
    ) -> StoreResult<(BuyerType, Vec<PriceRule>)> {
        let buyer_type = self
            .buyer_type_at(hub, buyer)
            .await?
            .ok_or(StoreError::NotFound)?;
        let rules = self
            .rules_of(hub)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        Ok((buyer_type, rules))
    }

    /// Places an order. Every line reserves its quantity with a conditional update in the same
    /// transaction; a shortage on any line cancels the whole order (`StoreError::Shortage`).
    /// A buyer has one open order per cycle and location: a second checkout adds its lines to
    /// it (see [`Store::place_order_keyed`], which says which happened).
    pub async fn place_order(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        input: &OrderInput,
    ) -> StoreResult<OrderId> {
        Ok(self.place_order_keyed(hs, cycle, input, None).await?.order)
    }

    /// [`Store::place_order`] under an API idempotency key kept in the order's own transaction:
    /// the order and its key commit together, so a server killed between the two cannot leave
    /// an order whose retry would place it again. A key already used answers
    /// `Refused(Refusal::IdempotencyKeyReused)` and nothing is placed; [`Store::order_key`] then
    /// says what it holds.
    pub async fn place_order_keyed(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        input: &OrderInput,
        key: Option<OrderKey>,
    ) -> StoreResult<Placement> {
        self.place_order_as(hs, cycle, input, key, None).await
    }

    /// [`Store::place_order_keyed`], for a standing order's run when `standing` is given: what
    /// it placed and the run's outcome commit with the order, so a crash cannot keep the one
    /// without the other.
    pub(crate) async fn place_order_as(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        input: &OrderInput,
        key: Option<OrderKey>,
        standing: Option<StandingPlacement>,
    ) -> StoreResult<Placement> {
        let hub = hs.for_buyer(input.buyer)?.hub();
        check_details(input)?;
        let lines = merge(&input.lines)?;
        if lines.is_empty() {
            return Err(StoreError::Refused(Refusal::EmptyOrder));
        }
        let (buyer_type, rules) = self.price_list(hub, input.buyer).await?;
        let c = self.cycle_of(hub, cycle).await?;
        if !self.cycle_shown_to(hub, cycle, input.buyer).await? {
            return Err(StoreError::NotFound);
        }
        let mut input = input.clone();
        input.delivery_day =
            halles_core::ordering::order_delivery_day(&c.delivery_days, input.delivery_day)
                .map_err(|r| StoreError::Invalid(vec![FieldError::refused("delivery_day", r)]))?;
        let facts = self.line_facts(hub, cycle, input.buyer, &lines).await?;
        let now = self.now();
        let store = self.clone();
        let scope = *hs.tenant();
        self.on_writer(async move {
            store
                .place_order_tx(
                    &scope,
                    hub,
                    cycle,
                    &input,
                    lines,
                    buyer_type,
                    rules,
                    c,
                    facts,
                    now,
                    key.as_ref(),
                    standing.as_ref(),
                )
                .await
        })
        .await
    }

    /// The write transaction of [`Store::place_order`]: a new order, or the lines added to the
    /// buyer's open order for the same cycle and location (one order, one fee, one minimum).
    #[allow(clippy::too_many_arguments)]
    async fn place_order_tx(
        &self,
        scope: &TenantScope,
        hub: OrgId,
        cycle: CycleId,
        input: &OrderInput,
        lines: Vec<(ProductId, Qty)>,
        buyer_type: BuyerType,
        rules: Vec<PriceRule>,
        c: crate::hub::cycles::Cycle,
        facts: HashMap<ProductId, LineFacts>,
        now: Timestamp,
        key: Option<&OrderKey>,
        standing: Option<&StandingPlacement>,
    ) -> StoreResult<Placement> {
        let mut tx = self.write_tx().await?;
        self.lock_open_cycle(&mut tx, hub, cycle).await?;
        let open = self.lock_open_order(&mut tx, hub, cycle, input).await?;
        let reserved = self
            .reserve_lines(
                &mut tx,
                hub,
                cycle,
                input.buyer,
                buyer_type,
                &rules,
                &lines,
                &facts,
                &HashMap::new(),
            )
            .await?;
        let added = open.is_some();
        let order_id = match open {
            Some(open) => {
                self.add_to_open_order(&mut tx, hub, &c, input, &open, reserved, now)
                    .await?
            }
            None => {
                let subtotal: Cents = reserved
                    .iter()
                    .map(|r| r.quantity.price(r.unit_price))
                    .sum();
                let fees = self.fees_for(&c, input.location, subtotal)?;
                let order_id: i64 = sqlx::query_scalar(
                    "INSERT INTO orders (organization_id, cycle_id, buyer_id, status, location_id, po_number, note, \
                     fees_cents, placed_by, created_at, updated_at, delivery_day) \
                     VALUES ($1, $2, $3, 'placed', $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
                )
                .bind(hub.0)
                .bind(cycle.0)
                .bind(input.buyer.0)
                .bind(input.location.map(|l| l.0))
                .bind(input.po_number.trim())
                .bind(input.note.trim())
                .bind(fees.0)
                .bind(scope.actor.user.map(|u| u.0))
                .bind(ms(now))
                .bind(day_text(input.delivery_day))
                .fetch_one(&mut *tx)
                .await?;
                insert_lines(&mut tx, hub, order_id, &reserved).await?;
                order_id
            }
        };
        if let Some(k) = key {
            // The status says whether the first answer created the order (201) or added to it.
            let kept = sqlx::query(
                "INSERT INTO idempotency_keys (organization_id, token_id, idem_key, request_hash, \
                 created_at, status_code, content_type, order_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'application/json', $7) ON CONFLICT DO NOTHING",
            )
            .bind(scope.org.0)
            .bind(k.token.0)
            .bind(&k.key)
            .bind(&k.request_hash)
            .bind(ms(now))
            .bind(if added { 200_i64 } else { 201 })
            .bind(order_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if kept != 1 {
                // Used meanwhile: this order rolls back, and the caller answers with the first.
                return Err(StoreError::Refused(Refusal::IdempotencyKeyReused));
            }
        }
        audit::record(
            &mut tx,
            Change {
                org: Some(hub),
                actor: scope.actor,
                action: if added { Action::Update } else { Action::Create },
                entity: "order",
                entity_id: order_id.to_string(),
                before: None,
                after: Some(json!({"buyer": input.buyer, "cycle": cycle, "lines": lines, "po_number": input.po_number, "added": added})),
            },
            now,
        )
        .await?;
        let event = if added {
            crate::platform::events::Event::OrderChanged {
                hub,
                buyer: input.buyer,
                order: OrderId(order_id),
            }
        } else {
            crate::platform::events::Event::OrderPlaced {
                hub,
                buyer: input.buyer,
                cycle,
                order: OrderId(order_id),
                placed_by: scope.actor.user,
            }
        };
        crate::platform::events::record(&mut tx, event, now).await?;
        if let Some(st) = standing {
            st.record(
                &mut tx,
                hub,
                cycle,
                input.buyer,
                OrderId(order_id),
                &lines,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Placement {
            order: OrderId(order_id),
            added,
        })
    }

    /// The buyer's open order in a cycle for a delivery day and location, locked for this
    /// transaction: on
    /// PostgreSQL the buyer's link to the hub is locked first, so two checkouts of one buyer
    /// cannot both start an order (SQLite has a single writer).
    async fn lock_open_order(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        cycle: CycleId,
        input: &OrderInput,
    ) -> StoreResult<Option<OpenOrder>> {
        let (buyer, location) = (input.buyer, input.location);
        self.lock_buyer_link(tx, hub, buyer).await?;
        let open: Option<OpenOrderRow> = sqlx::query_as(
            "SELECT id, po_number, note FROM orders WHERE organization_id = $1 AND cycle_id = $2 \
             AND buyer_id = $3 AND status = 'placed' \
             AND (location_id = $4 OR (location_id IS NULL AND $4 IS NULL)) AND delivery_day = $5 \
             ORDER BY id LIMIT 1",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(buyer.0)
        .bind(location.map(|l| l.0))
        .bind(day_text(input.delivery_day))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(open) = open else { return Ok(None) };
        let lines: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "SELECT product_id, quantity, unit_price_cents, unit FROM order_lines \
             WHERE organization_id = $1 AND order_id = $2",
        )
        .bind(hub.0)
        .bind(open.id)
        .fetch_all(&mut *tx)
        .await?;
        Ok(Some(OpenOrder {
            row: open,
            lines: lines
                .into_iter()
                .map(|(p, q, u, unit)| (ProductId(p), Qty(q), Cents(u), unit))
                .collect(),
        }))
    }

    /// Adds reserved lines to an open order: a product already ordered gets the new quantity on
    /// its line, all of it at today's price (as [`Store::update_order`] prices a grown line);
    /// the fee and the minimum apply to the whole.
    #[allow(clippy::too_many_arguments)]
    async fn add_to_open_order(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        c: &crate::hub::cycles::Cycle,
        input: &OrderInput,
        open: &OpenOrder,
        reserved: Vec<Reserved>,
        now: Timestamp,
    ) -> StoreResult<i64> {
        let mut subtotal: Cents = open.lines.iter().map(|(_, q, u, _)| q.price(*u)).sum();
        let mut fresh = Vec::new();
        let changed: Vec<FieldError> = reserved
            .iter()
            .filter(|r| {
                open.lines
                    .iter()
                    .any(|(p, _, _, unit)| *p == r.product && *unit != r.facts.unit)
            })
            .map(|r| FieldError::refused(&line_field(r.product), Refusal::UnitChanged))
            .collect();
        if !changed.is_empty() {
            return Err(StoreError::Invalid(changed));
        }
        for r in reserved {
            match open.lines.iter().find(|(p, _, _, _)| *p == r.product) {
                Some((_, had, unit, _)) => {
                    // The line grows: all of it takes today's price and product details.
                    let total = had
                        .checked_add(r.quantity)
                        .ok_or(halles_core::limits::AmountError::QtyTooLarge)?
                        .within()?;
                    subtotal = subtotal - had.price(*unit) + total.price(r.unit_price);
                    sqlx::query(
                        "UPDATE order_lines SET quantity = $1, unit_price_cents = $2, \
                         producer_price_cents = $3, tax_class = $4, name_fr = $5, name_en = $6, \
                         unit = $7, unit_detail = $8, est_weight_g = $12, kg_price_cents = $13, \
                         producer_kg_price_cents = $14 WHERE organization_id = $9 \
                         AND order_id = $10 AND product_id = $11",
                    )
                    .bind(total.0)
                    .bind(r.unit_price.0)
                    .bind(r.producer_price.0)
                    .bind(&r.facts.tax_class)
                    .bind(&r.facts.name_fr)
                    .bind(&r.facts.name_en)
                    .bind(&r.facts.unit)
                    .bind(&r.facts.unit_detail)
                    .bind(hub.0)
                    .bind(open.row.id)
                    .bind(r.product.0)
                    .bind(r.catch_weight.map(|c| c.est_weight_g))
                    .bind(r.catch_weight.map(|c| c.kg_price.0))
                    .bind(r.catch_weight.map(|c| c.producer_kg_price.0))
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    subtotal += r.quantity.price(r.unit_price);
                    fresh.push(r);
                }
            }
        }
        insert_lines(tx, hub, open.row.id, &fresh).await?;
        let fees = self.fees_for(c, input.location, subtotal)?;
        // The first PO number stays; a new note is added under the one already there.
        let po_number = if open.row.po_number.is_empty() {
            input.po_number.trim()
        } else {
            open.row.po_number.as_str()
        };
        let new_note = input.note.trim();
        let note = if new_note.is_empty() || open.row.note.contains(new_note) {
            open.row.note.clone()
        } else if open.row.note.is_empty() {
            new_note.to_owned()
        } else {
            format!("{}\n{new_note}", open.row.note)
        };
        if note.chars().count() > halles_core::limits::MAX_ORDER_NOTE {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "note", "too_long",
            )]));
        }
        sqlx::query(
            "UPDATE orders SET fees_cents = $1, po_number = $2, note = $3, updated_at = $4 \
             WHERE organization_id = $5 AND id = $6",
        )
        .bind(fees.0)
        .bind(po_number)
        .bind(&note)
        .bind(ms(now))
        .bind(hub.0)
        .bind(open.row.id)
        .execute(&mut *tx)
        .await?;
        Ok(open.row.id)
    }

    /// What an idempotency key of the orders API holds for this request, if it was used.
    pub async fn order_key(
        &self,
        scope: &TenantScope,
        key: &OrderKey,
    ) -> StoreResult<Option<KeyedOrder>> {
        let row: Option<OrderKeyRow> = sqlx::query_as(
            "SELECT request_hash, status_code, content_type, response_body, order_id \
             FROM idempotency_keys WHERE organization_id = $1 AND token_id = $2 AND idem_key = $3",
        )
        .bind(scope.org.0)
        .bind(key.token.0)
        .bind(&key.key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let OrderKeyRow {
            key: stored,
            order_id,
        } = row;
        if stored.request_hash != key.request_hash {
            return Ok(Some(KeyedOrder::Mismatch));
        }
        if let Some(id) = order_id {
            return Ok(Some(KeyedOrder::Placed {
                order: OrderId(id),
                added: stored.status_code == Some(200),
            }));
        }
        Ok(Some(match stored.status_code {
            // Kept by the generic middleware before orders kept their own keys.
            Some(status) => KeyedOrder::Replay {
                status: u16::try_from(status).map_err(|_| StoreError::Corrupt("status_code"))?,
                content_type: stored.content_type.unwrap_or_default(),
                body: stored.response_body.unwrap_or_default(),
            },
            None => KeyedOrder::InProgress,
        }))
    }

    /// Adds to an order, after the cut-off, a line of `product` replacing `replaces` (a
    /// substitution at receiving), priced for the buyer from the cycle's offer; nothing is
    /// reserved (what the hub holds is in its stock ledger). Answers the new line.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn add_substitute_line(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        cycle: CycleId,
        buyer: OrgId,
        order: OrderId,
        product: ProductId,
        quantity: Qty,
        replaces: OrderLineId,
    ) -> StoreResult<OrderLineId> {
        let facts = self
            .line_facts(hub, cycle, buyer, &[(product, quantity)])
            .await?;
        let facts = facts.get(&product).ok_or(StoreError::NotFound)?;
        let (buyer_type, rules) = self.price_list(hub, buyer).await?;
        let (price, producer): (i64, i64) = sqlx::query_as(
            "SELECT price_cents, producer_id FROM availability WHERE organization_id = $1 \
             AND cycle_id = $2 AND product_id = $3",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(product.0)
        .fetch_one(&mut *tx)
        .await?;
        let margin = margin_for(&rules, MarginBp(0), buyer, buyer_type, product);
        let line = priced(product, producer, quantity, Cents(price), margin, facts);
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM order_lines WHERE organization_id = $1 AND order_id = $2 AND product_id = $3",
        )
        .bind(hub.0)
        .bind(order.0)
        .bind(product.0)
        .fetch_optional(&mut *tx)
        .await?;
        if existing.is_some() {
            // One line per product: the order already has it.
            return Err(StoreError::field("substitute", Refusal::AlreadyOrdered));
        }
        insert_lines(tx, hub, order.0, std::slice::from_ref(&line)).await?;
        let id: i64 = sqlx::query_scalar(
            "UPDATE order_lines SET substitute_for = $1 WHERE organization_id = $2 AND order_id = $3 \
             AND product_id = $4 RETURNING id",
        )
        .bind(replaces.0)
        .bind(hub.0)
        .bind(order.0)
        .bind(product.0)
        .fetch_one(&mut *tx)
        .await?;
        Ok(OrderLineId(id))
    }

    /// The fees of an order as its lines now stand in `tx`, checking its point's minimum.
    pub(crate) async fn fees_after_change(
        &self,
        tx: &mut sqlx::AnyConnection,
        c: &crate::hub::cycles::Cycle,
        order: OrderId,
    ) -> StoreResult<Cents> {
        let location: Option<i64> = sqlx::query_scalar(
            "SELECT location_id FROM orders WHERE organization_id = $1 AND id = $2",
        )
        .bind(c.hub.0)
        .bind(order.0)
        .fetch_one(&mut *tx)
        .await?;
        let lines: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT quantity, unit_price_cents FROM order_lines WHERE organization_id = $1 AND order_id = $2",
        )
        .bind(c.hub.0)
        .bind(order.0)
        .fetch_all(&mut *tx)
        .await?;
        let subtotal: Cents = lines.iter().map(|(q, u)| Qty(*q).price(Cents(*u))).sum();
        self.fees_for(c, location.map(LocationId), subtotal)
    }

    /// The fees of an order at a location, checking the location's minimum.
    fn fees_for(
        &self,
        c: &crate::hub::cycles::Cycle,
        location: Option<LocationId>,
        subtotal: Cents,
    ) -> StoreResult<Cents> {
        let mut fees = c.order_fee;
        match location {
            Some(l) => {
                let loc = c
                    .locations
                    .iter()
                    .find(|x| x.id == l)
                    .ok_or(StoreError::Refused(Refusal::UnknownLocation))?;
                if subtotal < loc.input.min_order {
                    return Err(StoreError::Refused(Refusal::BelowMinimum));
                }
                fees += loc.input.fee;
            }
            None if !c.locations.is_empty() => {
                return Err(StoreError::Refused(Refusal::LocationRequired));
            }
            None => {}
        }
        Ok(fees)
    }

    /// What each line keeps of its product (names, unit, tax class) and what pricing needs
    /// (catch weight), read before the write transaction. Every product the cycle does not offer
    /// (no availability, or withdrawn by its producer: `not_offered`) and every part of a unit
    /// counted whole (`qty_not_whole`) is refused at once, each on its line's field
    /// ([`line_field`]). A product or cycle the hub shows only to other buyers is not offered
    /// to this one.
    async fn line_facts(
        &self,
        hub: OrgId,
        cycle: CycleId,
        buyer: OrgId,
        lines: &[(ProductId, Qty)],
    ) -> StoreResult<HashMap<ProductId, LineFacts>> {
        let marks: Vec<String> = (5..lines.len() + 5).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT p.id, p.tax_class, p.catch_weight, p.est_weight_g, p.unit, p.name_fr, p.name_en, p.unit_detail \
             FROM products p JOIN availability a ON a.producer_id = p.organization_id AND a.product_id = p.id \
             WHERE a.organization_id = $1 AND a.cycle_id = $2 AND p.active = $3 AND p.id IN ({}) AND {}",
            marks.join(", "),
            crate::hub::visibility::visible_to_buyer("p.id", "$2", "$1", "$4")
        );
        let mut q = sqlx::query_as::<_, FactsRow>(&sql)
            .bind(hub.0)
            .bind(cycle.0)
            .bind(true)
            .bind(buyer.0);
        for (p, _) in lines {
            q = q.bind(p.0);
        }
        let mut out = HashMap::new();
        for r in q.fetch_all(&self.pool).await? {
            out.insert(
                ProductId(r.id),
                LineFacts {
                    tax_class: r.tax_class,
                    est_weight_g: if r.catch_weight.0 {
                        r.est_weight_g
                    } else {
                        None
                    },
                    name_fr: r.name_fr,
                    name_en: r.name_en,
                    unit: r.unit,
                    unit_detail: r.unit_detail,
                },
            );
        }
        let mut refused = Vec::new();
        for (p, q) in lines {
            let refusal = match out.get(p) {
                None => Refusal::NotOffered,
                Some(f) if !parsed::<SaleUnit>(&f.unit, "unit")?.accepts(*q) => {
                    Refusal::QtyNotWhole
                }
                Some(_) => continue,
            };
            refused.push(halles_core::validation::FieldError::refused(
                &line_field(*p),
                refusal,
            ));
        }
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        Ok(out)
    }

    /// Reserves every line with a conditional update, and prices it for the buyer. A line of
    /// `kept` (an edited order's line for the same product) keeps its ordered snapshot and
    /// prices when its quantity stays or goes down; a line that grows, and any new line, takes
    /// today's for all of it (the buyer orders more at the price shown now). When any line is short, every short line is
    /// reported ([`StoreError::Shortage`]) and the caller's transaction rolls back.
    #[allow(clippy::too_many_arguments)]
    async fn reserve_lines(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        cycle: CycleId,
        buyer: OrgId,
        buyer_type: BuyerType,
        rules: &[PriceRule],
        lines: &[(ProductId, Qty)],
        facts: &HashMap<ProductId, LineFacts>,
        kept: &HashMap<ProductId, Kept>,
    ) -> StoreResult<Vec<Reserved>> {
        let mut out = Vec::with_capacity(lines.len());
        let mut short = Vec::new();
        for (product, qty) in lines {
            // The reservation: succeeds only if enough remains, decided by the database. An
            // on-demand offer has no limit: it counts what was ordered instead.
            let reserved: Option<(i64, i64)> = sqlx::query_as(
                "UPDATE availability SET remaining = remaining - CASE WHEN on_demand THEN 0 ELSE $1 END, \
                 quantity = quantity + CASE WHEN on_demand THEN $1 ELSE 0 END \
                 WHERE organization_id = $2 AND cycle_id = $3 AND product_id = $4 \
                 AND (on_demand OR remaining >= $1) RETURNING price_cents, producer_id",
            )
            .bind(qty.0)
            .bind(hub.0)
            .bind(cycle.0)
            .bind(product.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((price_cents, producer)) = reserved else {
                short.push(*product);
                continue;
            };
            // Kept or lowered, a line keeps what it was ordered at; grown, it takes today's.
            if let Some(k) = kept.get(product).filter(|k| *qty <= k.quantity) {
                out.push(Reserved {
                    product: *product,
                    producer,
                    quantity: *qty,
                    unit_price: k.unit_price,
                    producer_price: k.producer_price,
                    facts: k.facts.clone(),
                    catch_weight: k.catch_weight,
                });
                continue;
            }
            let facts = facts.get(product).ok_or(StoreError::NotFound)?;
            let margin = margin_for(rules, MarginBp(0), buyer, buyer_type, *product);
            out.push(priced(
                *product,
                producer,
                *qty,
                Cents(price_cents),
                margin,
                facts,
            ));
        }
        if !short.is_empty() {
            return Err(StoreError::Shortage(
                self.short_lines(tx, hub, cycle, &short).await?,
            ));
        }
        Ok(out)
    }

    /// What is left of each short product, with its name and unit, read in the transaction
    /// that found it short.
    async fn short_lines(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        cycle: CycleId,
        products: &[ProductId],
    ) -> StoreResult<Vec<ShortLine>> {
        let marks: Vec<String> = (3..products.len() + 3).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT p.id, p.name_fr, p.name_en, p.unit, p.unit_detail, a.producer_id, o.name AS producer_name, \
             a.remaining FROM availability a \
             JOIN products p ON p.organization_id = a.producer_id AND p.id = a.product_id \
             JOIN organizations o ON o.id = a.producer_id \
             WHERE a.organization_id = $1 AND a.cycle_id = $2 AND a.product_id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, ShortRow>(&sql)
            .bind(hub.0)
            .bind(cycle.0);
        for p in products {
            q = q.bind(p.0);
        }
        let rows = q.fetch_all(&mut *tx).await?;
        // In the order the checkout named them.
        products
            .iter()
            .filter_map(|p| rows.iter().find(|r| r.id == p.0))
            .map(|r| {
                Ok(ShortLine {
                    product: ProductRef {
                        id: ProductId(r.id),
                        name_fr: r.name_fr.clone(),
                        name_en: r.name_en.clone(),
                        unit: parsed(&r.unit, "unit")?,
                        unit_detail: r.unit_detail.clone(),
                        producer: OrgId(r.producer_id),
                        producer_name: r.producer_name.clone(),
                    },
                    left: Qty(r.remaining),
                })
            })
            .collect()
    }

    /// Puts an order's reserved quantities back and removes its lines.
    async fn release_lines(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        cycle: CycleId,
        order_id: i64,
    ) -> StoreResult<()> {
        restore_reserved(tx, hub, cycle, order_id).await?;
        sqlx::query("DELETE FROM order_lines WHERE organization_id = $1 AND order_id = $2")
            .bind(hub.0)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// Changes an order's lines and details until the cut-off (releases, then reserves again).
    pub async fn update_order(
        &self,
        hs: &HubScope,
        id: OrderId,
        input: &OrderInput,
    ) -> StoreResult<()> {
        let before = self.order(hs, id).await?;
        let (scope, hub) = (hs.for_buyer(before.buyer)?.tenant(), hs.hub());
        if before.status != OrderStatus::Placed {
            return Err(StoreError::Refused(Refusal::OrderNotEditable));
        }
        check_details(input)?;
        let lines = merge(&input.lines)?;
        if lines.is_empty() {
            return Err(StoreError::Refused(Refusal::EmptyOrder));
        }
        let (buyer_type, rules) = self.price_list(hub, before.buyer).await?;
        let c = self.cycle_of(hub, before.cycle).await?;
        // A change names another day, or keeps the order's (an order from before delivery
        // days keeps none).
        let day = match input.delivery_day.or(before.delivery_day) {
            None => None,
            asked => halles_core::ordering::order_delivery_day(&c.delivery_days, asked)
                .map_err(|r| StoreError::Invalid(vec![FieldError::refused("delivery_day", r)]))?,
        };
        let facts = self
            .line_facts(hub, before.cycle, before.buyer, &lines)
            .await?;
        // A line the order already had keeps what it was ordered at; a new line takes today's.
        let kept: HashMap<ProductId, Kept> = before
            .lines
            .iter()
            .map(|l| {
                let k = Kept {
                    quantity: l.quantity,
                    facts: LineFacts {
                        tax_class: l.tax_class.code().to_owned(),
                        est_weight_g: None,
                        name_fr: l.product.name_fr.clone(),
                        name_en: l.product.name_en.clone(),
                        unit: l.product.unit.code().to_owned(),
                        unit_detail: l.product.unit_detail.clone(),
                    },
                    unit_price: l.unit_price,
                    producer_price: l.producer_price,
                    catch_weight: l.catch_weight,
                };
                (l.product.id, k)
            })
            .collect();
        // A line that grows takes today's price, which is only meaningful in its own unit.
        let changed: Vec<FieldError> = lines
            .iter()
            .filter(|(p, q)| {
                kept.get(p).is_some_and(|k| {
                    *q > k.quantity && facts.get(p).is_some_and(|f| f.unit != k.facts.unit)
                })
            })
            .map(|(p, _)| FieldError::refused(&line_field(*p), Refusal::UnitChanged))
            .collect();
        if !changed.is_empty() {
            return Err(StoreError::Invalid(changed));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        self.lock_open_cycle(&mut tx, hub, before.cycle).await?;
        if (input.location, day) != (before.location, before.delivery_day) {
            // One open order per buyer and delivery: moving onto another one's is refused.
            self.lock_buyer_link(&mut tx, hub, before.buyer).await?;
            let other: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM orders WHERE organization_id = $1 AND cycle_id = $2 \
                 AND buyer_id = $3 AND status = 'placed' AND id <> $4 \
                 AND (location_id = $5 OR (location_id IS NULL AND $5 IS NULL)) \
                 AND delivery_day = $6 LIMIT 1",
            )
            .bind(hub.0)
            .bind(before.cycle.0)
            .bind(before.buyer.0)
            .bind(id.0)
            .bind(input.location.map(|l| l.0))
            .bind(day_text(day))
            .fetch_optional(&mut *tx)
            .await?;
            if other.is_some() {
                return Err(StoreError::Refused(Refusal::OrderExistsForDelivery));
            }
        }
        // The status guard makes a concurrent cancel and change exclusive.
        let n = sqlx::query(
            "UPDATE orders SET location_id = $1, po_number = $2, note = $3, updated_at = $4, \
             delivery_day = $7 WHERE organization_id = $5 AND id = $6 AND status = 'placed'",
        )
        .bind(input.location.map(|l| l.0))
        .bind(input.po_number.trim())
        .bind(input.note.trim())
        .bind(ms(now))
        .bind(hub.0)
        .bind(id.0)
        .bind(day_text(day))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused(Refusal::OrderNotEditable));
        }
        self.release_lines(&mut tx, hub, before.cycle, id.0).await?;
        let reserved = self
            .reserve_lines(
                &mut tx,
                hub,
                before.cycle,
                before.buyer,
                buyer_type,
                &rules,
                &lines,
                &facts,
                &kept,
            )
            .await?;
        insert_lines(&mut tx, hub, id.0, &reserved).await?;
        let subtotal: Cents = reserved
            .iter()
            .map(|r| r.quantity.price(r.unit_price))
            .sum();
        let fees = self.fees_for(&c, input.location, subtotal)?;
        sqlx::query("UPDATE orders SET fees_cents = $1 WHERE organization_id = $2 AND id = $3")
            .bind(fees.0)
            .bind(hub.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            Change {
                org: Some(hub),
                actor: scope.actor,
                action: Action::Update,
                entity: "order",
                entity_id: id.to_string(),
                before: Some(json!({"lines": before.lines.iter().map(|l| (l.product.id, l.quantity)).collect::<Vec<_>>(),
                                    "po_number": before.po_number, "note": before.note,
                                    "location": before.location, "delivery_day": before.delivery_day})),
                after: Some(json!({"lines": lines, "po_number": input.po_number, "note": input.note,
                                   "location": input.location, "delivery_day": day})),
            },
            now,
        )
        .await?;
        let changed = crate::platform::events::Event::OrderChanged {
            hub,
            buyer: before.buyer,
            order: id,
        };
        crate::platform::events::record(&mut tx, changed, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cancels an order until the cut-off; its quantities go back to availability.
    pub async fn cancel_order(&self, hs: &HubScope, id: OrderId) -> StoreResult<()> {
        let before = self.order(hs, id).await?;
        let (scope, hub) = (hs.tenant(), hs.hub());
        let now = self.now();
        let mut tx = self.write_tx().await?;
        self.lock_open_cycle(&mut tx, hub, before.cycle).await?;
        let n = sqlx::query(
            "UPDATE orders SET status = 'cancelled', updated_at = $1 WHERE organization_id = $2 AND id = $3 AND status = 'placed'",
        )
        .bind(ms(now))
        .bind(hub.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused(Refusal::OrderNotEditable));
        }
        restore_reserved(&mut tx, hub, before.cycle, id.0).await?;
        audit::record(
            &mut tx,
            Change {
                org: Some(hub),
                actor: scope.actor,
                action: Action::Update,
                entity: "order",
                entity_id: id.to_string(),
                before: Some(json!({"status": "placed"})),
                after: Some(json!({"status": "cancelled"})),
            },
            now,
        )
        .await?;
        let cancelled = crate::platform::events::Event::OrderCancelled {
            hub,
            buyer: before.buyer,
            order: id,
        };
        crate::platform::events::record(&mut tx, cancelled, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One order, seen by its hub or its buyer (anyone else: not found).
    pub async fn order(&self, hs: &HubScope, id: OrderId) -> StoreResult<Order> {
        self.order_at(hs.tenant(), hs.hub(), id).await
    }

    /// Orders of the hub by id, with their lines, in `ids`' order, read in two queries a
    /// chunk of 500 (not one order and its lines at a time): `NotFound` when one is not the
    /// hub's.
    pub(crate) async fn orders_by_ids(
        &self,
        hs: &HubScope,
        ids: &[OrderId],
    ) -> StoreResult<Vec<Order>> {
        const CHUNK: usize = 500;
        let hub = hs.hub();
        let mut rows: HashMap<i64, OrderRow> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let marks: Vec<String> = (3..chunk.len() + 3).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT o.id, o.organization_id, o.cycle_id, o.buyer_id, b.name AS buyer_name, o.status, o.location_id, \
                 o.delivery_day, o.po_number, o.note, o.fees_cents, o.created_at, o.updated_at FROM orders o \
                 JOIN organizations b ON b.id = o.buyer_id WHERE o.organization_id = $1 \
                 AND ($2 = o.organization_id OR $2 = o.buyer_id) AND o.id IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query_as::<_, OrderRow>(&sql)
                .bind(hub.0)
                .bind(hs.tenant().org.0);
            for id in chunk {
                q = q.bind(id.0);
            }
            for r in q.fetch_all(&self.pool).await? {
                rows.insert(r.id, r);
            }
        }
        let mut ordered = Vec::with_capacity(ids.len());
        for id in ids {
            ordered.push(rows.remove(&id.0).ok_or(StoreError::NotFound)?);
        }
        self.with_lines(ordered).await
    }

    /// One order of `hub`, if `scope` is its hub or its buyer.
    async fn order_at(&self, scope: &TenantScope, hub: OrgId, id: OrderId) -> StoreResult<Order> {
        let row: OrderRow = sqlx::query_as(
            "SELECT o.id, o.organization_id, o.cycle_id, o.buyer_id, b.name AS buyer_name, o.status, o.location_id, \
             o.delivery_day, o.po_number, o.note, o.fees_cents, o.created_at, o.updated_at FROM orders o \
             JOIN organizations b ON b.id = o.buyer_id WHERE o.organization_id = $1 AND o.id = $2 \
             AND ($3 = o.organization_id OR $3 = o.buyer_id)",
        )
        .bind(hub.0)
        .bind(id.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut orders = self.with_lines(vec![row]).await?;
        orders.pop().ok_or(StoreError::NotFound)
    }

    /// Orders with their lines, the lines read in one query per hub (and per 500 orders), never
    /// one per order. A line names its product as it was ordered (its snapshot).
    async fn with_lines(&self, rows: Vec<OrderRow>) -> StoreResult<Vec<Order>> {
        const CHUNK: usize = 500;
        let mut by_order: HashMap<i64, Vec<OrderLine>> = HashMap::new();
        let mut hubs: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for r in &rows {
            hubs.entry(r.organization_id).or_default().push(r.id);
        }
        let mut settings: HashMap<i64, TaxSettings> = HashMap::new();
        for (hub, ids) in hubs {
            settings.insert(hub, self.tax_settings_of(OrgId(hub)).await?);
            for chunk in ids.chunks(CHUNK) {
                let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT l.id, l.order_id, l.product_id, l.name_fr, l.name_en, l.unit, l.unit_detail, l.producer_id, \
                     o.name AS producer_name, l.quantity, l.unit_price_cents, l.producer_price_cents, l.tax_class, \
                     l.est_weight_g, l.kg_price_cents, l.producer_kg_price_cents, l.packed_weight_g, \
                     l.ordered_quantity, l.substitute_for \
                     FROM order_lines l JOIN organizations o ON o.id = l.producer_id \
                     WHERE l.organization_id = $1 AND l.order_id IN ({}) ORDER BY l.order_id, o.name, l.name_fr, l.id",
                    marks.join(", ")
                );
                let mut q = sqlx::query_as::<_, OrderLineRow>(&sql).bind(hub);
                for id in chunk {
                    q = q.bind(*id);
                }
                for l in q.fetch_all(&self.pool).await? {
                    let catch_weight =
                        match (l.est_weight_g, l.kg_price_cents, l.producer_kg_price_cents) {
                            (Some(g), Some(k), Some(pk)) => Some(CatchWeight {
                                est_weight_g: g,
                                kg_price: Cents(k),
                                producer_kg_price: Cents(pk),
                                packed_weight_g: l.packed_weight_g,
                            }),
                            _ => None,
                        };
                    by_order.entry(l.order_id).or_default().push(OrderLine {
                        id: OrderLineId(l.id),
                        catch_weight,
                        ordered_quantity: l.ordered_quantity.map(Qty),
                        substitute_for: l.substitute_for.map(OrderLineId),
                        product: ProductRef {
                            id: ProductId(l.product_id),
                            name_fr: l.name_fr,
                            name_en: l.name_en,
                            unit: parsed(&l.unit, "unit")?,
                            unit_detail: l.unit_detail,
                            producer: OrgId(l.producer_id),
                            producer_name: l.producer_name,
                        },
                        quantity: Qty(l.quantity),
                        unit_price: Cents(l.unit_price_cents),
                        producer_price: Cents(l.producer_price_cents),
                        tax_class: parsed(&l.tax_class, "tax class")?,
                    });
                }
            }
        }
        rows.into_iter()
            .map(|r| {
                Ok(Order {
                    id: OrderId(r.id),
                    hub: OrgId(r.organization_id),
                    cycle: CycleId(r.cycle_id),
                    buyer: OrgId(r.buyer_id),
                    buyer_name: r.buyer_name,
                    status: parsed(&r.status, "order status")?,
                    location: r.location_id.map(LocationId),
                    delivery_day: day_of(&r.delivery_day)?,
                    po_number: r.po_number,
                    note: r.note,
                    fees: Cents(r.fees_cents),
                    created_at: instant(r.created_at)?,
                    updated_at: instant(r.updated_at)?,
                    lines: by_order.remove(&r.id).unwrap_or_default(),
                    tax_settings: settings
                        .get(&r.organization_id)
                        .copied()
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// An order by id alone, for its hub or its buyer.
    pub async fn order_by_id(&self, scope: &TenantScope, id: OrderId) -> StoreResult<Order> {
        let hub: i64 = sqlx::query_scalar(
            "SELECT organization_id FROM orders WHERE id = $1 AND (organization_id = $2 OR buyer_id = $2)",
        )
        .bind(id.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        self.order_at(scope, OrgId(hub), id).await
    }

    /// The amount of a buyer's placed orders from Québec (grown or processed) and in all, at the
    /// buyer's prices, so institutions can measure their share of Québec food.
    pub async fn quebec_share(&self, scope: &TenantScope) -> StoreResult<Option<(Cents, Cents)>> {
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT l.quantity, l.unit_price_cents, p.origin FROM order_lines l \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             JOIN products p ON p.organization_id = l.producer_id AND p.id = l.product_id \
             WHERE o.buyer_id = $1 AND o.status = 'placed'",
        )
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let (mut qc, mut all) = (Cents::ZERO, Cents::ZERO);
        for (quantity, unit_price, origin) in &rows {
            let amount = Qty(*quantity).price(Cents(*unit_price));
            let origin: halles_core::catalog::Origin = parsed(origin, "origin")?;
            all += amount;
            if origin.is_quebec() {
                qc += amount;
            }
        }
        Ok(Some((qc, all)))
    }

    /// The orders of an organization, newest first: a buyer's own at every hub, or every order
    /// placed at a hub.
    pub async fn orders_of_org(&self, scope: &TenantScope, limit: i64) -> StoreResult<Vec<Order>> {
        let rows: Vec<OrderRow> = sqlx::query_as(
            "SELECT o.id, o.organization_id, o.cycle_id, o.buyer_id, b.name AS buyer_name, o.status, o.location_id, \
             o.delivery_day, o.po_number, o.note, o.fees_cents, o.created_at, o.updated_at FROM orders o \
             JOIN organizations b ON b.id = o.buyer_id WHERE o.buyer_id = $1 OR o.organization_id = $1 \
             ORDER BY o.created_at DESC, o.id DESC LIMIT $2",
        )
        .bind(scope.org.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        self.with_lines(rows).await
    }

    /// The orders of a hub's cycle, filtered.
    pub async fn cycle_orders(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        f: &OrderFilter,
    ) -> StoreResult<Vec<Order>> {
        let scope = hs.own()?.tenant();
        let rows: Vec<OrderRow> = sqlx::query_as(
            "SELECT o.id, o.organization_id, o.cycle_id, o.buyer_id, b.name AS buyer_name, o.status, o.location_id, \
             o.delivery_day, o.po_number, o.note, o.fees_cents, o.created_at, o.updated_at FROM orders o \
             JOIN organizations b ON b.id = o.buyer_id WHERE o.organization_id = $1 AND o.cycle_id = $2 \
             AND ($3 IS NULL OR o.buyer_id = $3) AND ($4 IS NULL OR o.status = $4) \
             AND ($5 IS NULL OR EXISTS (SELECT 1 FROM order_lines l WHERE l.organization_id = o.organization_id \
                  AND l.order_id = o.id AND l.producer_id = $5)) \
             AND ($6 IS NULL OR EXISTS (SELECT 1 FROM order_lines l WHERE l.organization_id = o.organization_id \
                  AND l.order_id = o.id AND l.product_id = $6)) \
             ORDER BY b.name, o.id",
        )
        .bind(scope.org.0)
        .bind(cycle.0)
        .bind(f.buyer.map(|b| b.0))
        .bind(f.status.map(|s| s.code()))
        .bind(f.producer.map(|p| p.0))
        .bind(f.product.map(|p| p.0))
        .fetch_all(&self.pool)
        .await?;
        self.with_lines(rows).await
    }

    /// Totals of a hub's cycle by product, by producer, and by buyer and location (placed
    /// orders only), from one load of its orders with their lines ([`CycleTotals::of`]).
    pub async fn cycle_totals(&self, hs: &HubScope, cycle: CycleId) -> StoreResult<CycleTotals> {
        let c = self.cycle(hs, cycle).await?;
        let placed = OrderFilter {
            status: Some(OrderStatus::Placed),
            ..OrderFilter::default()
        };
        let orders = self.cycle_orders(hs, cycle, &placed).await?;
        Ok(CycleTotals::of(&c, &orders))
    }

    /// How much of each product a buyer has already ordered in a cycle (placed orders, every
    /// location), leaving out `except` (the order being changed); read by that buyer or the hub.
    pub async fn ordered_in_cycle(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        buyer: OrgId,
        except: Option<OrderId>,
    ) -> StoreResult<HashMap<ProductId, Qty>> {
        let hub = hs.for_buyer(buyer)?.hub();
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT l.product_id, l.quantity FROM order_lines l \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             WHERE o.organization_id = $1 AND o.cycle_id = $2 AND o.buyer_id = $3 \
             AND o.status = 'placed' AND o.id <> $4",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(buyer.0)
        .bind(except.map_or(0, |o| o.0))
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<ProductId, Qty> = HashMap::new();
        for (p, q) in rows {
            out.entry(ProductId(p)).or_default().0 += q;
        }
        Ok(out)
    }

    /// What a buyer sees of a cycle: each available product with the buyer's own price (read
    /// by that buyer, or by the hub taking its order). Products and cycles the hub shows only
    /// to other buyers are left out (a hidden cycle is `NotFound`).
    pub async fn buyer_catalog(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        buyer: OrgId,
    ) -> StoreResult<Vec<CatalogItem>> {
        let hub = hs.for_buyer(buyer)?.hub();
        let (buyer_type, rules) = self.price_list(hub, buyer).await?;
        if !self.cycle_shown_to(hub, cycle, buyer).await? {
            return Err(StoreError::NotFound);
        }
        let weight_unit = self.weight_unit_of(hub, buyer).await?;
        let rows: Vec<CatalogRow> = sqlx::query_as(&format!(
            "SELECT {}, o.name AS producer_name, a.price_cents, a.remaining, a.on_demand FROM availability a \
             JOIN products p ON p.organization_id = a.producer_id AND p.id = a.product_id \
             JOIN organizations o ON o.id = a.producer_id \
             WHERE a.organization_id = $1 AND a.cycle_id = $2 AND p.active = $3 AND {} \
             ORDER BY p.category, p.name_fr, p.id",
            crate::hub::catalog::product_columns("p."),
            crate::hub::visibility::visible_to_buyer("p.id", "$2", "$1", "$4")
        ))
        .bind(hub.0)
        .bind(cycle.0)
        .bind(true)
        .bind(buyer.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let product = crate::hub::catalog::Product::try_from(r.product)?;
                let margin = margin_for(&rules, MarginBp(0), buyer, buyer_type, product.id);
                let offered = buyer_price(Cents(r.price_cents), margin);
                let catch = product
                    .input
                    .est_weight_g
                    .filter(|_| product.input.catch_weight);
                let by_weight = product
                    .input
                    .unit
                    .weight()
                    .map(|unit| WeightPrices::of(offered, unit, weight_unit));
                Ok(CatalogItem {
                    by_weight,
                    price: catch
                        .map(|g| catch_weight_unit_price(offered, g))
                        .unwrap_or(offered),
                    price_per_kg: catch.map(|_| offered),
                    remaining: Qty(r.remaining),
                    on_demand: r.on_demand.into(),
                    producer_name: r.producer_name,
                    product,
                })
            })
            .collect()
    }
}

/// A product as a buyer sees it in a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogItem {
    /// The product.
    pub product: crate::hub::catalog::Product,
    /// Its producer's name.
    pub producer_name: String,
    /// The buyer's own price for one unit (estimated for a catch-weight product).
    pub price: Cents,
    /// For a catch-weight product, the buyer's price per kilogram.
    pub price_per_kg: Option<Cents>,
    /// For a product sold by weight, its price per kilogram and per pound, in the buyer's
    /// preferred order.
    pub by_weight: Option<WeightPrices>,
    /// How much is left (nothing to count when on demand).
    pub remaining: Qty,
    /// Offered without a stock limit.
    pub on_demand: bool,
}

/// An API idempotency key for placing an order (see [`Store::place_order_keyed`]).
#[derive(Debug, Clone)]
pub struct OrderKey {
    /// The API token using the key.
    pub token: halles_core::TokenId,
    /// The key.
    pub key: String,
    /// A hash of the request (method, path, body), so a key reused for another request is
    /// refused.
    pub request_hash: String,
}

/// What an orders API key holds (see [`Store::order_key`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyedOrder {
    /// The order this request placed, or added its lines to.
    Placed {
        /// The order.
        order: OrderId,
        /// Whether the lines were added to an open order (answered 200, not 201).
        added: bool,
    },
    /// The key was used for another request.
    Mismatch,
    /// A response kept by the generic middleware: replay it.
    Replay {
        /// HTTP status.
        status: u16,
        /// Content type.
        content_type: String,
        /// Body.
        body: String,
    },
    /// Claimed by the generic middleware and not finished (its lease applies).
    InProgress,
}

/// A delivery day as stored (empty for none).
fn day_text(day: Option<Date>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

/// An order's delivery day as stored (ISO, or empty for an order kept from before delivery
/// days).
pub(crate) fn day_of(text: &str) -> StoreResult<Option<Date>> {
    (!text.is_empty())
        .then(|| text.parse())
        .transpose()
        .map_err(|_| StoreError::Corrupt("delivery_day"))
}

/// An `orders` row with its buyer's name.
#[derive(FromRow)]
struct OrderRow {
    id: i64,
    organization_id: i64,
    cycle_id: i64,
    buyer_id: i64,
    buyer_name: String,
    status: String,
    location_id: Option<i64>,
    delivery_day: String,
    po_number: String,
    note: String,
    fees_cents: i64,
    created_at: i64,
    updated_at: i64,
}

/// An `order_lines` row (its product's snapshot) with its producer's name.
#[derive(FromRow)]
struct OrderLineRow {
    id: i64,
    est_weight_g: Option<i64>,
    kg_price_cents: Option<i64>,
    producer_kg_price_cents: Option<i64>,
    packed_weight_g: Option<i64>,
    ordered_quantity: Option<i64>,
    substitute_for: Option<i64>,
    order_id: i64,
    product_id: i64,
    name_fr: String,
    name_en: String,
    unit: String,
    unit_detail: String,
    producer_id: i64,
    producer_name: String,
    quantity: i64,
    unit_price_cents: i64,
    producer_price_cents: i64,
    tax_class: String,
}

/// What a line takes of its product when ordered.
#[derive(FromRow)]
struct FactsRow {
    id: i64,
    tax_class: String,
    catch_weight: Flag,
    est_weight_g: Option<i64>,
    unit: String,
    name_fr: String,
    name_en: String,
    unit_detail: String,
}

/// A short product with what is left of it.
#[derive(FromRow)]
struct ShortRow {
    id: i64,
    name_fr: String,
    name_en: String,
    unit: String,
    unit_detail: String,
    producer_id: i64,
    producer_name: String,
    remaining: i64,
}

/// What an idempotency key of the orders API holds.
#[derive(FromRow)]
struct OrderKeyRow {
    #[sqlx(flatten)]
    key: KeyRow,
    order_id: Option<i64>,
}

/// A product a buyer may order in a cycle.
#[derive(FromRow)]
struct CatalogRow {
    #[sqlx(flatten)]
    product: ProductRow,
    producer_name: String,
    price_cents: i64,
    remaining: i64,
    on_demand: Flag,
}
