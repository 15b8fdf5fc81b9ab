//! Receiving: what a producer brought for a delivery day, line by line against its purchase
//! order. Each line received becomes a lot (the producer's code, or one generated), with its
//! harvest or packing day and best-before, and is set aside for the orders that asked for it,
//! oldest order first. A line the lots could not fill is a shortage: the hub lowers it, puts
//! another product in its place, or takes it out, and the buyer is told.

use super::stock::{self, NewMovement};
use super::{day_of, day_text};
use crate::db::ms;
use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::events::{self, Event};
use crate::platform::rows::parsed;
use crate::{Store, StoreError, StoreResult};
use halles_core::catalog::SaleUnit;
use halles_core::fulfilment::{MovementKind, ShortageChoice, generated_lot_code, is_lot_code};
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::validation::{FieldError, Validator};
use halles_core::{CycleId, LotId, OrderId, OrderLineId, OrgId, ProductId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

/// One product received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    /// The product: on the producer's purchase order for the day, or, for a line `extra`,
    /// any product of the producer's own catalog.
    pub product: ProductId,
    /// A product the producer brought beyond its purchase order (extra or a replacement): it
    /// enters stock as a lot like the others, free for substitutions (or set aside for the
    /// lines still waiting for that product).
    #[serde(default)]
    pub extra: bool,
    /// The unit it was ordered in.
    pub unit: SaleUnit,
    /// How much arrived (0: nothing came, a shortage of all of it).
    pub quantity: Qty,
    /// The producer's lot code; blank: one is generated.
    #[serde(default)]
    pub lot_code: String,
    /// Harvest or packing day.
    #[serde(default)]
    pub packed_on: Option<Date>,
    /// Best before.
    #[serde(default)]
    pub best_before: Option<Date>,
}

/// What a producer brought for a delivery day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The producer.
    pub producer: OrgId,
    /// The delivery day (none for a cycle from before delivery days).
    #[serde(default)]
    pub delivery_day: Option<Date>,
    /// The products.
    pub lines: Vec<ReceiptLine>,
}

/// An order line the lots received could not fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortage {
    /// The order.
    pub order: OrderId,
    /// The buyer.
    pub buyer: OrgId,
    /// The buyer's name.
    pub buyer_name: String,
    /// The delivery day.
    pub delivery_day: Option<Date>,
    /// The line.
    pub line: OrderLineId,
    /// The product.
    pub product: ProductId,
    /// Its French name as ordered.
    pub name_fr: String,
    /// Its English name (may be empty).
    pub name_en: String,
    /// The unit.
    pub unit: SaleUnit,
    /// The producer.
    pub producer: OrgId,
    /// What the line asks.
    pub ordered: Qty,
    /// What the lots set aside for it.
    pub allocated: Qty,
}

/// What the hub decides for a short line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// Lower, substitute or cancel.
    pub choice: ShortageChoice,
    /// For a substitution: the product put in its place and how much.
    #[serde(default)]
    pub substitute: Option<(ProductId, Qty)>,
}

/// A line of an order waiting for a product of a receipt, oldest order first.
#[derive(FromRow)]
struct WaitingRow {
    id: i64,
    order_id: i64,
    quantity: i64,
    allocated: i64,
}

/// A line with its allocation, for the shortage list.
#[derive(FromRow)]
struct ShortRow {
    id: i64,
    order_id: i64,
    buyer_id: i64,
    buyer_name: String,
    delivery_day: String,
    product_id: i64,
    name_fr: String,
    name_en: String,
    unit: String,
    producer_id: i64,
    quantity: i64,
    allocated: i64,
}

/// What a line has set aside, as a SQL expression over `order_lines l`.
const ALLOCATED: &str = "COALESCE((SELECT CAST(SUM(m.allocated_quantity) AS BIGINT) FROM stock_movements m \
     WHERE m.organization_id = l.organization_id AND m.order_line_id = l.id \
     AND m.kind IN ('allocated', 'released')), 0)";

impl Store {
    /// Records what a producer brought after the cut-off: a lot per line, each set aside for
    /// the orders that asked for it (oldest first). Every problem of every line is reported at
    /// once and nothing is recorded: a product not on the producer's purchase order for that
    /// day (`not_on_purchase_order`) unless the line says it is `extra` (then it must be one of
    /// the producer's products, `unknown_product`, in its sale unit, and more than nothing), a
    /// quantity out of bounds or in parts of a whole unit, a lot code malformed or already
    /// used. Answers the lots, in the receipt's order.
    pub async fn receive(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        receipt: &Receipt,
    ) -> StoreResult<Vec<LotId>> {
        let hub = hs.own()?.hub();
        let (errors, names) = self.receipt_problems(hs, cycle, receipt).await?;
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let now = self.now();
        let today = halles_core::ordering::local_day(now);
        let by = hs.tenant().actor.user;
        let mut tx = self.write_tx().await?;
        let mut lots = Vec::with_capacity(receipt.lines.len());
        for (l, (name_fr, name_en)) in receipt.lines.iter().zip(names) {
            // A code no one can print yet: the row's id names the generated one.
            let given = l.lot_code.trim().to_uppercase();
            let placeholder = format!("~{}", rand::random::<u64>());
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO lots (organization_id, code, producer_id, product_id, unit, name_fr, name_en, \
                 cycle_id, delivery_day, packed_on, best_before, received_at, received_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(hub.0)
            .bind(if given.is_empty() { &placeholder } else { &given })
            .bind(receipt.producer.0)
            .bind(l.product.0)
            .bind(l.unit.code())
            .bind(&name_fr)
            .bind(&name_en)
            .bind(cycle.0)
            .bind(day_text(receipt.delivery_day))
            .bind(l.packed_on.map(|d| d.to_string()).unwrap_or_default())
            .bind(l.best_before.map(|d| d.to_string()).unwrap_or_default())
            .bind(ms(now))
            .bind(by.map(|u| u.0))
            .fetch_one(&mut *tx)
            .await?;
            let lot = LotId(id);
            if given.is_empty() {
                sqlx::query("UPDATE lots SET code = $1 WHERE organization_id = $2 AND id = $3")
                    .bind(generated_lot_code(today, lot))
                    .bind(hub.0)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            stock::record(
                &mut tx,
                hub,
                &NewMovement::of(lot, MovementKind::Received, l.quantity),
                by,
                now,
            )
            .await?;
            self.allocate_lot(&mut tx, hub, cycle, receipt.delivery_day, lot, l)
                .await?;
            lots.push(lot);
        }
        let change = Change::by(hs.tenant(), Action::Create, "receipt", cycle).after(
            serde_json::json!({"producer": receipt.producer, "delivery_day": receipt.delivery_day,
                "lines": receipt.lines, "lots": lots}),
        );
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(lots)
    }

    /// Every problem of every line of a receipt, on the line's fields, without recording
    /// anything (the pages add theirs to these); with the names each line takes from the
    /// purchase order. See [`Store::receive`].
    pub async fn check_receipt(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        receipt: &Receipt,
    ) -> StoreResult<Vec<FieldError>> {
        Ok(self.receipt_problems(hs, cycle, receipt).await?.0)
    }

    async fn receipt_problems(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        receipt: &Receipt,
    ) -> StoreResult<(Vec<FieldError>, Vec<(String, String)>)> {
        let hub = hs.own()?.hub();
        self.cycle_past_cut_off(hub, cycle).await?;
        let pos = self.purchase_orders(hs, cycle).await?;
        let po = pos
            .iter()
            .find(|p| p.producer == receipt.producer && p.delivery_day == receipt.delivery_day);
        let mut v = Validator::new();
        if receipt.lines.is_empty() {
            v.refuse("lines", Refusal::EmptyOrder);
        }
        if receipt.lines.len() > halles_core::limits::MAX_ORDER_LINES {
            v.refuse("lines", Refusal::TooManyLines);
        }
        // The producer's own products, for the lines it brought beyond its purchase order.
        let catalog = if receipt.lines.iter().any(|l| l.extra) {
            self.hub_products(hs)
                .await?
                .into_iter()
                .filter(|p| p.producer == receipt.producer)
                .collect()
        } else {
            Vec::new()
        };
        let mut names = Vec::with_capacity(receipt.lines.len());
        for (i, l) in receipt.lines.iter().enumerate() {
            let f = |name: &str| format!("lines[{i}].{name}");
            let on_po = po.and_then(|p| {
                p.lines
                    .iter()
                    .find(|x| x.product == l.product && x.unit == l.unit)
            });
            let own = catalog.iter().find(|p| p.id == l.product);
            match (on_po, own) {
                (Some(x), _) => names.push((x.name_fr.clone(), x.name_en.clone())),
                (None, Some(p)) if l.extra => {
                    if p.input.unit != l.unit {
                        v.add(&f("unit"), "choice_invalid");
                    }
                    names.push((p.input.name_fr.clone(), p.input.name_en.clone()));
                }
                (None, None) if l.extra => {
                    v.refuse(&f("product"), Refusal::UnknownProduct);
                    names.push(Default::default());
                }
                (None, _) => {
                    v.refuse(&f("product"), Refusal::NotOnPurchaseOrder);
                    names.push(Default::default());
                }
            }
            match l.quantity.within() {
                Err(e) => v.add(&f("quantity"), e.code()),
                Ok(q) if q.0 < 0 => v.add(&f("quantity"), "qty_invalid"),
                Ok(q) if q.0 == 0 && l.extra => v.refuse(&f("quantity"), Refusal::QtyZero),
                Ok(q) if !l.unit.accepts(q) => v.refuse(&f("quantity"), Refusal::QtyNotWhole),
                Ok(_) => {}
            }
            let code = l.lot_code.trim();
            if !code.is_empty() {
                if !is_lot_code(code) {
                    v.refuse(&f("lot_code"), Refusal::LotCodeInvalid);
                } else if receipt.lines[..i]
                    .iter()
                    .any(|o| o.lot_code.trim().eq_ignore_ascii_case(code))
                    || self.lot_code_used(hub, code).await?
                {
                    v.refuse(&f("lot_code"), Refusal::LotCodeTaken);
                }
            }
        }
        Ok((v.into_errors(), names))
    }

    /// Whether a lot of the hub already has this code (letters compared without case).
    async fn lot_code_used(&self, hub: OrgId, code: &str) -> StoreResult<bool> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT id FROM lots WHERE organization_id = $1 AND UPPER(code) = UPPER($2)",
        )
        .bind(hub.0)
        .bind(code)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    /// Sets a lot's free quantity aside for the lines waiting for its product, oldest order
    /// first, in the receipt's transaction.
    async fn allocate_lot(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        cycle: CycleId,
        day: Option<Date>,
        lot: LotId,
        l: &ReceiptLine,
    ) -> StoreResult<()> {
        let waiting: Vec<WaitingRow> = sqlx::query_as(&format!(
            "SELECT l.id, l.order_id, l.quantity, {ALLOCATED} AS allocated FROM order_lines l \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             WHERE l.organization_id = $1 AND o.cycle_id = $2 AND o.status = 'placed' AND o.delivery_day = $3 \
             AND l.product_id = $4 AND l.unit = $5 ORDER BY o.id, l.id"
        ))
        .bind(hub.0)
        .bind(cycle.0)
        .bind(day_text(day))
        .bind(l.product.0)
        .bind(l.unit.code())
        .fetch_all(&mut *tx)
        .await?;
        let (on_hand, allocated) = stock::held(tx, hub, lot).await?;
        let mut free = on_hand - allocated;
        let now = self.now();
        for w in waiting {
            let need = w.quantity - w.allocated;
            if free <= 0 {
                break;
            }
            if need <= 0 {
                continue;
            }
            let take = need.min(free);
            let m = NewMovement::of(lot, MovementKind::Allocated, Qty(take))
                .for_line(OrderId(w.order_id), OrderLineId(w.id));
            stock::record(tx, hub, &m, None, now).await?;
            free -= take;
        }
        Ok(())
    }

    /// The cycle's order lines that the lots received did not fill: those whose product came
    /// in (at least one lot for it, even of nothing) for their delivery day.
    pub async fn shortages(&self, hs: &HubScope, cycle: CycleId) -> StoreResult<Vec<Shortage>> {
        let hub = hs.own()?.hub();
        let rows: Vec<ShortRow> = sqlx::query_as(&format!(
            "SELECT l.id, l.order_id, o.buyer_id, b.name AS buyer_name, o.delivery_day, l.product_id, l.name_fr, \
             l.name_en, l.unit, l.producer_id, l.quantity, {ALLOCATED} AS allocated FROM order_lines l \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             JOIN organizations b ON b.id = o.buyer_id \
             WHERE l.organization_id = $1 AND o.cycle_id = $2 AND o.status = 'placed' \
             AND EXISTS (SELECT 1 FROM lots t WHERE t.organization_id = l.organization_id AND t.cycle_id = o.cycle_id \
               AND t.product_id = l.product_id AND t.unit = l.unit AND t.delivery_day = o.delivery_day) \
             ORDER BY o.delivery_day, l.name_fr, b.name, l.id"
        ))
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .filter(|r| r.allocated < r.quantity)
            .map(|r| {
                Ok(Shortage {
                    order: OrderId(r.order_id),
                    buyer: OrgId(r.buyer_id),
                    buyer_name: r.buyer_name,
                    delivery_day: day_of(&r.delivery_day)?,
                    line: OrderLineId(r.id),
                    product: ProductId(r.product_id),
                    name_fr: r.name_fr,
                    name_en: r.name_en,
                    unit: parsed(&r.unit, "unit")?,
                    producer: OrgId(r.producer_id),
                    ordered: Qty(r.quantity),
                    allocated: Qty(r.allocated),
                })
            })
            .collect()
    }

    /// Settles a short line: lowered to what was set aside for it, lowered with another
    /// product put in its place (set aside from what the hub holds of it), or taken out of
    /// the order (what was set aside goes back). The line keeps what was ordered
    /// (`ordered_quantity`), and an event tells the buyer.
    pub async fn resolve_shortage(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        line: OrderLineId,
        resolution: &Resolution,
    ) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        self.cycle_past_cut_off(hub, cycle).await?;
        let short = self
            .shortages(hs, cycle)
            .await?
            .into_iter()
            .find(|s| s.line == line)
            .ok_or(StoreError::NotFound)?;
        if self.order_delivered(hub, short.order).await? {
            return Err(StoreError::Refused(Refusal::OrderDelivered));
        }
        let substitute = match (resolution.choice, resolution.substitute) {
            (ShortageChoice::Substitute, Some((p, q))) if q.0 > 0 && p != short.product => {
                q.within()?;
                Some((p, q))
            }
            (ShortageChoice::Substitute, _) => {
                return Err(StoreError::Invalid(vec![FieldError::refused(
                    "substitute",
                    Refusal::SubstituteRequired,
                )]));
            }
            _ => None,
        };
        let now = self.now();
        let by = hs.tenant().actor.user;
        let mut tx = self.write_tx().await?;
        let keep = match resolution.choice {
            ShortageChoice::Cancel => Qty::ZERO,
            ShortageChoice::Reduce | ShortageChoice::Substitute => short.allocated,
        };
        if keep.0 == 0 {
            // Out of the order: what was set aside goes back to the lots.
            for (lot, q) in stock::allocations_of_line(&mut tx, hub, line).await? {
                let m = NewMovement::of(lot, MovementKind::Released, q).for_line(short.order, line);
                stock::record(&mut tx, hub, &m, by, now).await?;
            }
            for table in ["packed_units", "case_lines"] {
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE organization_id = $1 AND order_line_id = $2"
                ))
                .bind(hub.0)
                .bind(line.0)
                .execute(&mut *tx)
                .await?;
            }
        }
        if let Some((product, quantity)) = substitute {
            let added = self
                .add_substitute_line(
                    &mut tx,
                    hub,
                    cycle,
                    short.buyer,
                    short.order,
                    product,
                    quantity,
                    line,
                )
                .await?;
            self.allocate_from_stock(&mut tx, hub, short.order, added, product, quantity, by)
                .await?;
        }
        if keep.0 == 0 {
            sqlx::query("DELETE FROM order_lines WHERE organization_id = $1 AND id = $2")
                .bind(hub.0)
                .bind(line.0)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query(
                "UPDATE order_lines SET ordered_quantity = COALESCE(ordered_quantity, quantity), quantity = $1 \
                 WHERE organization_id = $2 AND id = $3",
            )
            .bind(keep.0)
            .bind(hub.0)
            .bind(line.0)
            .execute(&mut *tx)
            .await?;
        }
        let change = Change::by(hs.tenant(), Action::Update, "order", short.order)
            .before(serde_json::json!({"line": line, "product": short.product, "quantity": short.ordered}))
            .after(serde_json::json!({"choice": resolution.choice.code(), "quantity": keep,
                "substitute": substitute}));
        audit::record(&mut tx, change, now).await?;
        let event = Event::OrderAdjusted {
            hub,
            buyer: short.buyer,
            order: short.order,
        };
        events::record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets aside for a new line what the hub holds free of its product, oldest lot first.
    #[allow(clippy::too_many_arguments)]
    async fn allocate_from_stock(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        order: OrderId,
        line: OrderLineId,
        product: ProductId,
        quantity: Qty,
        by: Option<halles_core::UserId>,
    ) -> StoreResult<()> {
        let lots: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT t.id, COALESCE(CAST(SUM(m.on_hand_quantity - m.allocated_quantity) AS BIGINT), 0) AS free \
             FROM lots t LEFT JOIN stock_movements m ON m.organization_id = t.organization_id AND m.lot_id = t.id \
             WHERE t.organization_id = $1 AND t.product_id = $2 GROUP BY t.id ORDER BY t.id",
        )
        .bind(hub.0)
        .bind(product.0)
        .fetch_all(&mut *tx)
        .await?;
        let mut need = quantity.0;
        let now = self.now();
        for (lot, free) in lots {
            if need <= 0 {
                break;
            }
            let take = need.min(free);
            if take <= 0 {
                continue;
            }
            let m = NewMovement::of(LotId(lot), MovementKind::Allocated, Qty(take))
                .for_line(order, line);
            stock::record(tx, hub, &m, by, now).await?;
            need -= take;
        }
        Ok(())
    }

    /// Whether an order's stop was marked delivered.
    pub(crate) async fn order_delivered(&self, hub: OrgId, order: OrderId) -> StoreResult<bool> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT id FROM stops WHERE organization_id = $1 AND order_id = $2 AND status = 'delivered'",
        )
        .bind(hub.0)
        .bind(order.0)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }
}
