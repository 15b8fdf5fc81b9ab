//! The hub's stock ledger: every movement of a lot is an entry, never changed. What is on
//! hand and what is set aside for orders (allocated) are sums of the entries; what is free is
//! their difference. A person records losses, donations and counts by hand; receiving,
//! allocation, packing and delivery write their own entries. A lot's recall report follows its
//! entries to the buyers who received it.

use super::day_of;
use crate::db::ms;
use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::rows::{instant, parsed};
use crate::{Store, StoreError, StoreResult};
use halles_core::catalog::SaleUnit;
use halles_core::fulfilment::MovementKind;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::{CycleId, LotId, MovementId, OrderId, OrderLineId, OrgId, ProductId, UserId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::FromRow;

/// A lot received at the hub, with what its ledger sums to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lot {
    /// Its id.
    pub id: LotId,
    /// Its code (the producer's, or generated at receiving).
    pub code: String,
    /// The producer.
    pub producer: OrgId,
    /// The producer's name.
    pub producer_name: String,
    /// The product.
    pub product: ProductId,
    /// Its French name as ordered.
    pub name_fr: String,
    /// Its English name (may be empty).
    pub name_en: String,
    /// The sale unit counted.
    pub unit: SaleUnit,
    /// The cycle it was received for.
    pub cycle: CycleId,
    /// The delivery day it was received for.
    pub delivery_day: Option<Date>,
    /// Harvest or packing day.
    pub packed_on: Option<Date>,
    /// Best before.
    pub best_before: Option<Date>,
    /// When it was received.
    pub received_at: Timestamp,
    /// How much was received.
    pub received: Qty,
    /// What the hub holds of it now.
    pub on_hand: Qty,
    /// What of that is set aside for orders.
    pub allocated: Qty,
}

impl Lot {
    /// What is on hand and not set aside.
    pub fn free(&self) -> Qty {
        Qty(self.on_hand.0 - self.allocated.0)
    }

    /// The product's name in a language, French when it has no English name.
    pub fn name<L: std::borrow::Borrow<halles_core::accounts::Lang>>(&self, lang: L) -> &str {
        match lang.borrow() {
            halles_core::accounts::Lang::En if !self.name_en.is_empty() => &self.name_en,
            _ => &self.name_fr,
        }
    }

    /// Whether it is still held and its best-before is within `days` of `today` (or past).
    pub fn expires_within(&self, today: Date, days: i32) -> bool {
        self.on_hand.0 > 0
            && self
                .best_before
                .is_some_and(|b| b <= today.saturating_add(jiff::Span::new().days(days)))
    }
}

/// One entry of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    /// Its id.
    pub id: MovementId,
    /// The lot.
    pub lot: LotId,
    /// What it records.
    pub kind: MovementKind,
    /// How much it moved.
    pub quantity: Qty,
    /// Its change of what is on hand.
    pub on_hand: Qty,
    /// Its change of what is allocated.
    pub allocated: Qty,
    /// The order concerned, if any.
    pub order: Option<OrderId>,
    /// The buyer of that order.
    pub buyer_name: Option<String>,
    /// Why (losses and counts).
    pub reason: String,
    /// When.
    pub at: Timestamp,
}

/// An entry about to be written.
pub(crate) struct NewMovement<'a> {
    pub lot: LotId,
    pub kind: MovementKind,
    pub quantity: Qty,
    pub on_hand: i64,
    pub allocated: i64,
    pub order: Option<OrderId>,
    pub line: Option<OrderLineId>,
    pub reason: &'a str,
}

impl<'a> NewMovement<'a> {
    /// An entry of `kind` moving `q`, with the changes that kind makes (see [`MovementKind`]).
    pub fn of(lot: LotId, kind: MovementKind, q: Qty) -> Self {
        let (on_hand, allocated) = match kind {
            MovementKind::Received | MovementKind::Adjusted => (q.0, 0),
            MovementKind::Allocated => (0, q.0),
            MovementKind::Released | MovementKind::Returned => (0, -q.0),
            MovementKind::Packed => (0, 0),
            MovementKind::Delivered => (-q.0, -q.0),
            MovementKind::Lost | MovementKind::Donated => (-q.0, 0),
        };
        NewMovement {
            lot,
            kind,
            quantity: q,
            on_hand,
            allocated,
            order: None,
            line: None,
            reason: "",
        }
    }

    /// For an order line.
    pub fn for_line(mut self, order: OrderId, line: OrderLineId) -> Self {
        self.order = Some(order);
        self.line = Some(line);
        self
    }
}

/// Writes a ledger entry in the caller's transaction.
pub(crate) async fn record(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    m: &NewMovement<'_>,
    by: Option<UserId>,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO stock_movements (organization_id, lot_id, kind, quantity, on_hand_quantity, \
         allocated_quantity, order_id, order_line_id, reason, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(hub.0)
    .bind(m.lot.0)
    .bind(m.kind.code())
    .bind(m.quantity.0)
    .bind(m.on_hand)
    .bind(m.allocated)
    .bind(m.order.map(|o| o.0))
    .bind(m.line.map(|l| l.0))
    .bind(m.reason)
    .bind(ms(now))
    .bind(by.map(|u| u.0))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What a lot holds (on hand, allocated), read in the caller's transaction.
pub(crate) async fn held(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    lot: LotId,
) -> StoreResult<(i64, i64)> {
    let (on_hand, allocated): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(CAST(SUM(on_hand_quantity) AS BIGINT), 0), COALESCE(CAST(SUM(allocated_quantity) AS BIGINT), 0) \
         FROM stock_movements WHERE organization_id = $1 AND lot_id = $2",
    )
    .bind(hub.0)
    .bind(lot.0)
    .fetch_one(&mut *tx)
    .await?;
    Ok((on_hand, allocated))
}

/// What each lot has set aside for an order line: lot and quantity, read in the caller's
/// transaction (allocations less releases, returns and deliveries).
pub(crate) async fn allocations_of_line(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    line: OrderLineId,
) -> StoreResult<Vec<(LotId, Qty)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT lot_id, CAST(SUM(allocated_quantity) AS BIGINT) FROM stock_movements \
         WHERE organization_id = $1 AND order_line_id = $2 GROUP BY lot_id ORDER BY lot_id",
    )
    .bind(hub.0)
    .bind(line.0)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, q)| *q > 0)
        .map(|(l, q)| (LotId(l), Qty(q)))
        .collect())
}

/// Columns of [`LotRow`] over `lots t` with its producer `p` and its sums.
const LOT_COLUMNS: &str = "t.id, t.code, t.producer_id, p.name AS producer_name, t.product_id, t.name_fr, t.name_en, \
     t.unit, t.cycle_id, t.delivery_day, t.packed_on, t.best_before, t.received_at, \
     COALESCE((SELECT CAST(SUM(m.quantity) AS BIGINT) FROM stock_movements m WHERE m.organization_id = t.organization_id \
       AND m.lot_id = t.id AND m.kind = 'received'), 0) AS received, \
     COALESCE((SELECT CAST(SUM(m.on_hand_quantity) AS BIGINT) FROM stock_movements m WHERE m.organization_id = t.organization_id \
       AND m.lot_id = t.id), 0) AS on_hand, \
     COALESCE((SELECT CAST(SUM(m.allocated_quantity) AS BIGINT) FROM stock_movements m WHERE m.organization_id = t.organization_id \
       AND m.lot_id = t.id), 0) AS allocated";

#[derive(FromRow)]
struct LotRow {
    id: i64,
    code: String,
    producer_id: i64,
    producer_name: String,
    product_id: i64,
    name_fr: String,
    name_en: String,
    unit: String,
    cycle_id: i64,
    delivery_day: String,
    packed_on: String,
    best_before: String,
    received_at: i64,
    received: i64,
    on_hand: i64,
    allocated: i64,
}

fn date_of(text: &str) -> StoreResult<Option<Date>> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| StoreError::Corrupt("date"))
}

impl TryFrom<LotRow> for Lot {
    type Error = StoreError;
    fn try_from(r: LotRow) -> StoreResult<Lot> {
        Ok(Lot {
            id: LotId(r.id),
            code: r.code,
            producer: OrgId(r.producer_id),
            producer_name: r.producer_name,
            product: ProductId(r.product_id),
            name_fr: r.name_fr,
            name_en: r.name_en,
            unit: parsed(&r.unit, "unit")?,
            cycle: CycleId(r.cycle_id),
            delivery_day: day_of(&r.delivery_day)?,
            packed_on: date_of(&r.packed_on)?,
            best_before: date_of(&r.best_before)?,
            received_at: instant(r.received_at)?,
            received: Qty(r.received),
            on_hand: Qty(r.on_hand),
            allocated: Qty(r.allocated),
        })
    }
}

/// A row of the ledger as read.
#[derive(FromRow)]
struct MovementRow {
    id: i64,
    lot_id: i64,
    kind: String,
    quantity: i64,
    on_hand_quantity: i64,
    allocated_quantity: i64,
    order_id: Option<i64>,
    buyer_name: Option<String>,
    reason: String,
    created_at: i64,
}

/// Who received a lot: an order, its buyer and how much was delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// The order.
    pub order: OrderId,
    /// The buyer.
    pub buyer: OrgId,
    /// The buyer's name.
    pub buyer_name: String,
    /// The delivery day.
    pub delivery_day: Option<Date>,
    /// How much of the lot it received.
    pub delivered: Qty,
    /// How much is still set aside for it (not delivered yet).
    pub allocated: Qty,
}

/// A lot's recall report: where it came from and where it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recall {
    /// The lot.
    pub lot: Lot,
    /// Every order that received it, or holds it set aside.
    pub recipients: Vec<Recipient>,
    /// Its whole ledger.
    pub movements: Vec<Movement>,
}

impl Store {
    /// The hub's lots: of one cycle, or every lot still held (`cycle` none), newest first.
    pub async fn lots(&self, hs: &HubScope, cycle: Option<CycleId>) -> StoreResult<Vec<Lot>> {
        let hub = hs.own()?.hub();
        let rows: Vec<LotRow> = sqlx::query_as(&format!(
            "SELECT {LOT_COLUMNS} FROM lots t JOIN organizations p ON p.id = t.producer_id \
             WHERE t.organization_id = $1 AND ($2 = 0 OR t.cycle_id = $2) ORDER BY t.id DESC LIMIT 5000"
        ))
        .bind(hub.0)
        .bind(cycle.map_or(0, |c| c.0))
        .fetch_all(&self.pool)
        .await?;
        let lots = rows
            .into_iter()
            .map(Lot::try_from)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(match cycle {
            Some(_) => lots,
            None => lots.into_iter().filter(|l| l.on_hand.0 > 0).collect(),
        })
    }

    /// One lot by id.
    pub async fn lot(&self, hs: &HubScope, id: LotId) -> StoreResult<Lot> {
        let hub = hs.own()?.hub();
        let row: LotRow = sqlx::query_as(&format!(
            "SELECT {LOT_COLUMNS} FROM lots t JOIN organizations p ON p.id = t.producer_id \
             WHERE t.organization_id = $1 AND t.id = $2"
        ))
        .bind(hub.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Lot::try_from(row)
    }

    /// A lot by its code (as printed on its labels), or `unknown_lot`.
    pub async fn lot_by_code(&self, hs: &HubScope, code: &str) -> StoreResult<Lot> {
        let hub = hs.own()?.hub();
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM lots WHERE organization_id = $1 AND UPPER(code) = UPPER($2)",
        )
        .bind(hub.0)
        .bind(code.trim())
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::Refused(Refusal::UnknownLot))?;
        self.lot(hs, LotId(id)).await
    }

    /// A lot's ledger, oldest first.
    pub async fn movements(&self, hs: &HubScope, lot: LotId) -> StoreResult<Vec<Movement>> {
        let hub = hs.own()?.hub();
        let rows: Vec<MovementRow> = sqlx::query_as(
            "SELECT m.id, m.lot_id, m.kind, m.quantity, m.on_hand_quantity, m.allocated_quantity, m.order_id, \
             b.name AS buyer_name, m.reason, m.created_at FROM stock_movements m \
             LEFT JOIN orders o ON o.organization_id = m.organization_id AND o.id = m.order_id \
             LEFT JOIN organizations b ON b.id = o.buyer_id \
             WHERE m.organization_id = $1 AND m.lot_id = $2 ORDER BY m.id",
        )
        .bind(hub.0)
        .bind(lot.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Movement {
                    id: MovementId(r.id),
                    lot: LotId(r.lot_id),
                    kind: parsed(&r.kind, "movement kind")?,
                    quantity: Qty(r.quantity),
                    on_hand: Qty(r.on_hand_quantity),
                    allocated: Qty(r.allocated_quantity),
                    order: r.order_id.map(OrderId),
                    buyer_name: r.buyer_name,
                    reason: r.reason,
                    at: instant(r.created_at)?,
                })
            })
            .collect()
    }

    /// Records a loss, a donation or a count by hand. A loss or donation takes at most what is
    /// free (`not_enough_stock`); a count may lower what is on hand down to what is allocated.
    /// Losses and counts need a reason (`reason_required`).
    pub async fn record_movement(
        &self,
        hs: &HubScope,
        lot: LotId,
        kind: MovementKind,
        quantity: Qty,
        reason: &str,
    ) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        if !kind.by_hand() {
            return Err(StoreError::Refused(Refusal::ChoiceInvalid));
        }
        let mut v = halles_core::validation::Validator::new();
        if kind.needs_reason() && reason.trim().is_empty() {
            v.refuse("reason", Refusal::ReasonRequired);
        }
        v.max_len("reason", reason, 500);
        let size = Qty(quantity.0.abs());
        if let Err(e) = size.within() {
            v.add("quantity", e.code());
        }
        if quantity.0 == 0 || (kind != MovementKind::Adjusted && quantity.0 < 0) {
            v.add("quantity", "qty_invalid");
        }
        v.finish().map_err(StoreError::Invalid)?;
        self.lot(hs, lot).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let (on_hand, allocated) = held(&mut tx, hub, lot).await?;
        let m = NewMovement {
            reason: reason.trim(),
            ..NewMovement::of(lot, kind, quantity)
        };
        if on_hand + m.on_hand < allocated {
            return Err(StoreError::field("quantity", Refusal::NotEnoughStock));
        }
        record(&mut tx, hub, &m, hs.tenant().actor.user, now).await?;
        let change = Change::by(hs.tenant(), Action::Create, "stock_movement", lot).after(
            serde_json::json!({"kind": kind.code(), "quantity": quantity, "reason": reason.trim()}),
        );
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The recall report of a lot found by its code: its producer and receipt, every order
    /// that received it or holds it, and its ledger.
    pub async fn recall(&self, hs: &HubScope, code: &str) -> StoreResult<Recall> {
        let lot = self.lot_by_code(hs, code).await?;
        let rows: Vec<(i64, i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT o.id, o.buyer_id, b.name, o.delivery_day, \
             COALESCE(CAST(SUM(CASE WHEN m.kind = 'delivered' THEN m.quantity ELSE 0 END) AS BIGINT), 0), \
             COALESCE(CAST(SUM(m.allocated_quantity) AS BIGINT), 0) \
             FROM stock_movements m JOIN orders o ON o.organization_id = m.organization_id AND o.id = m.order_id \
             JOIN organizations b ON b.id = o.buyer_id \
             WHERE m.organization_id = $1 AND m.lot_id = $2 \
             GROUP BY o.id, o.buyer_id, b.name, o.delivery_day ORDER BY b.name, o.id",
        )
        .bind(hs.hub().0)
        .bind(lot.id.0)
        .fetch_all(&self.pool)
        .await?;
        let recipients = rows
            .into_iter()
            .filter(|r| r.4 > 0 || r.5 > 0)
            .map(|(order, buyer, name, day, delivered, allocated)| {
                Ok(Recipient {
                    order: OrderId(order),
                    buyer: OrgId(buyer),
                    buyer_name: name,
                    delivery_day: day_of(&day)?,
                    delivered: Qty(delivered),
                    allocated: Qty(allocated),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let movements = self.movements(hs, lot.id).await?;
        Ok(Recall {
            lot,
            recipients,
            movements,
        })
    }
}
