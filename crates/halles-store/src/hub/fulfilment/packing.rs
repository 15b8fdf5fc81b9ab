//! Packing: the real weight of each unit of a catch-weight line (typed by the hub, or by the
//! producer for its own products before delivery), which prices the line; then each order
//! packed in numbered cases, each case with its code for labels and scanning.

use super::day_of;
use super::stock::{self, NewMovement};
use crate::db::ms;
use crate::hub::HubScope;
use crate::hub::orders::Order;
use crate::platform::audit::{self, Action, Change};
use crate::platform::rows::{Flag, instant};
use crate::{Store, StoreError, StoreResult};
use halles_core::fulfilment::{
    MAX_CASES, MAX_WEIGHED_UNITS, MovementKind, case_code, is_unit_weight, out_of_tolerance,
};
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::validation::FieldError;
use halles_core::{CaseId, CycleId, LotId, OrderId, OrderLineId, OrgId, ProductId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::FromRow;
use std::collections::BTreeMap;

/// A packed case of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// Its id.
    pub id: CaseId,
    /// The order.
    pub order: OrderId,
    /// Its number in the order, from 1.
    pub number: i64,
    /// How many cases the order has.
    pub of: i64,
    /// Its code (Code 128 and QR on its label).
    pub code: String,
    /// Its SSCC (18 digits) when the hub has a GS1 company prefix.
    pub sscc: Option<String>,
    /// The lines it holds.
    pub lines: Vec<OrderLineId>,
}

/// An order as the packing list shows it: its lines, the lots set aside for each, the units
/// weighed, and its cases once packed.
#[derive(Debug, Clone, Serialize)]
pub struct PackingOrder {
    /// The order.
    pub order: Order,
    /// For each line: the lot codes set aside and how much of each.
    pub lots: BTreeMap<OrderLineId, Vec<(String, Qty)>>,
    /// For each weighed line: the weight of each unit in grams, and whether the producer
    /// typed them.
    pub weights: BTreeMap<OrderLineId, (Vec<i64>, bool)>,
    /// Its cases (none until packed).
    pub cases: Vec<Case>,
    /// When it was packed.
    pub packed_at: Option<Timestamp>,
}

/// A catch-weight line to weigh: one product of one order, with the weights typed so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeighLine {
    /// The line.
    pub line: OrderLineId,
    /// Its order.
    pub order: OrderId,
    /// The order's buyer.
    pub buyer_name: String,
    /// The order's delivery day.
    pub delivery_day: Option<Date>,
    /// The product.
    pub product: ProductId,
    /// Its French name as ordered.
    pub name_fr: String,
    /// Its English name (may be empty).
    pub name_en: String,
    /// The producer.
    pub producer: OrgId,
    /// How many units (one weight each).
    pub quantity: Qty,
    /// The estimated weight of one unit, in grams.
    pub est_weight_g: i64,
    /// The weights typed so far, one per unit, in grams (empty: not weighed).
    pub weights_g: Vec<i64>,
    /// Whether the producer typed them.
    pub by_producer: bool,
}

/// A catch-weight line as read for [`WeighLine`].
#[derive(FromRow)]
struct WeighRow {
    id: i64,
    order_id: i64,
    buyer_name: String,
    delivery_day: String,
    product_id: i64,
    name_fr: String,
    name_en: String,
    producer_id: i64,
    quantity: i64,
    est_weight_g: i64,
}

/// A line to weigh as read: order, cycle, producer, quantity, estimated unit weight, packed at.
type LineToWeigh = (i64, i64, i64, i64, Option<i64>, Option<i64>);

/// A case row with its order's count.
#[derive(FromRow)]
struct CaseRow {
    id: i64,
    order_id: i64,
    case_no: i64,
    code: String,
    cases: i64,
}

/// Who typed the weights of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weigher {
    /// The hub, at packing.
    Hub,
    /// The line's producer, before delivery.
    Producer,
}

/// The SSCC of a case: extension digit 0, the company prefix, the case's id as serial
/// reference, and the check digit. `None` without a prefix, or when the id does not fit.
pub fn sscc_of(prefix: &str, case: CaseId) -> Option<String> {
    let prefix = prefix.trim();
    if prefix.len() < 6 || prefix.len() > 12 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let width = 16 - prefix.len();
    let serial = case.0.to_string();
    if serial.len() > width {
        return None;
    }
    let body = format!("0{prefix}{serial:0>width$}");
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    let check = halles_core::gtin::check_digit(&digits);
    Some(format!("{body}{check}"))
}

impl Store {
    /// Records the weight of each unit of a catch-weight line, which prices it (price per kg ×
    /// real weight). The hub may weigh any line until the order is delivered; a producer only
    /// lines of its own products, before the order is packed. One weight per unit ordered, each
    /// from 1 g to 100 kg (`weight_invalid`); a total more than 15 % away from the estimate
    /// needs `confirmed` (`weight_out_of_tolerance`).
    pub async fn record_weights(
        &self,
        hs: &HubScope,
        line: OrderLineId,
        weights_g: &[i64],
        confirmed: bool,
    ) -> StoreResult<()> {
        let hub = hs.hub();
        let row: Option<LineToWeigh> = sqlx::query_as(
            "SELECT l.order_id, o.cycle_id, l.producer_id, l.quantity, l.est_weight_g, o.packed_at \
             FROM order_lines l JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             WHERE l.organization_id = $1 AND l.id = $2 AND o.status = 'placed'",
        )
        .bind(hub.0)
        .bind(line.0)
        .fetch_optional(&self.pool)
        .await?;
        let (order, cycle, producer, quantity, est, packed_at) = row.ok_or(StoreError::NotFound)?;
        hs.for_producer(OrgId(producer))?;
        let weigher = if hs.is_hub() {
            Weigher::Hub
        } else {
            Weigher::Producer
        };
        self.cycle_past_cut_off(hub, CycleId(cycle)).await?;
        if self.order_delivered(hub, OrderId(order)).await? {
            return Err(StoreError::Refused(Refusal::OrderDelivered));
        }
        if weigher == Weigher::Producer && packed_at.is_some() {
            return Err(StoreError::Refused(Refusal::OrderNotEditable));
        }
        let Some(est) = est else {
            return Err(StoreError::field("weights", Refusal::WeightInvalid));
        };
        let units = quantity / Qty::SCALE;
        let valid = quantity % Qty::SCALE == 0
            && usize::try_from(units).is_ok_and(|u| u == weights_g.len())
            && weights_g.len() <= MAX_WEIGHED_UNITS
            && weights_g.iter().all(|w| is_unit_weight(*w));
        if !valid {
            return Err(StoreError::field("weights", Refusal::WeightInvalid));
        }
        let total: i64 = weights_g.iter().sum();
        if !confirmed && out_of_tolerance(est * units, total) {
            return Err(StoreError::field("weights", Refusal::WeightOutOfTolerance));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM packed_units WHERE organization_id = $1 AND order_line_id = $2")
            .bind(hub.0)
            .bind(line.0)
            .execute(&mut *tx)
            .await?;
        for (i, w) in weights_g.iter().enumerate() {
            sqlx::query(
                "INSERT INTO packed_units (organization_id, order_line_id, unit_no, weight_g, by_producer, \
                 entered_at, entered_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(hub.0)
            .bind(line.0)
            .bind(i64::try_from(i).unwrap_or(i64::MAX) + 1)
            .bind(*w)
            .bind(weigher == Weigher::Producer)
            .bind(ms(now))
            .bind(hs.tenant().actor.user.map(|u| u.0))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE order_lines SET packed_weight_g = $1 WHERE organization_id = $2 AND id = $3",
        )
        .bind(total)
        .bind(hub.0)
        .bind(line.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(hs.tenant(), Action::Update, "order_line", line).after(
            serde_json::json!({"weights_g": weights_g, "total_g": total, "confirmed": confirmed}),
        );
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The catch-weight lines of a cycle's placed orders to weigh: every one for the hub, a
    /// producer's own products for a producer (what it weighs before delivery).
    pub async fn lines_to_weigh(
        &self,
        hs: &HubScope,
        cycle: CycleId,
    ) -> StoreResult<Vec<WeighLine>> {
        let hub = hs.hub();
        let only = (!hs.is_hub()).then_some(hs.tenant().org);
        if let Some(p) = only {
            hs.for_producer(p)?;
        }
        self.cycle(hs, cycle).await?;
        let rows: Vec<WeighRow> = sqlx::query_as(
            "SELECT l.id, l.order_id, b.name AS buyer_name, o.delivery_day, l.product_id, l.name_fr, l.name_en, \
             l.producer_id, l.quantity, l.est_weight_g FROM order_lines l \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             JOIN organizations b ON b.id = o.buyer_id \
             WHERE l.organization_id = $1 AND o.cycle_id = $2 AND o.status = 'placed' AND l.est_weight_g IS NOT NULL \
             AND ($3 = 0 OR l.producer_id = $3) ORDER BY o.delivery_day, l.name_fr, b.name, l.id",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(only.map_or(0, |o| o.0))
        .fetch_all(&self.pool)
        .await?;
        let units: Vec<(i64, i64, Flag)> = sqlx::query_as(
            "SELECT u.order_line_id, u.weight_g, u.by_producer FROM packed_units u \
             JOIN order_lines l ON l.organization_id = u.organization_id AND l.id = u.order_line_id \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             WHERE u.organization_id = $1 AND o.cycle_id = $2 ORDER BY u.order_line_id, u.unit_no",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let mine: Vec<&(i64, i64, Flag)> = units.iter().filter(|u| u.0 == r.id).collect();
                Ok(WeighLine {
                    line: OrderLineId(r.id),
                    order: OrderId(r.order_id),
                    buyer_name: r.buyer_name,
                    delivery_day: day_of(&r.delivery_day)?,
                    product: ProductId(r.product_id),
                    name_fr: r.name_fr,
                    name_en: r.name_en,
                    producer: OrgId(r.producer_id),
                    quantity: Qty(r.quantity),
                    est_weight_g: r.est_weight_g,
                    weights_g: mine.iter().map(|u| u.1).collect(),
                    by_producer: mine.iter().any(|u| u.2.0),
                })
            })
            .collect()
    }

    /// Packs an order in cases: `cases` gives each line its case number (a line not named goes
    /// in case 1); the numbers used are renumbered 1 to N in order. Packing again replaces the
    /// cases. Every catch-weight line must be weighed first (`weights_missing`, on its line).
    pub async fn pack_order(
        &self,
        hs: &HubScope,
        order: OrderId,
        cases: &[(OrderLineId, i64)],
    ) -> StoreResult<Vec<CaseId>> {
        let hub = hs.own()?.hub();
        let o = self.order(hs, order).await?;
        self.cycle_past_cut_off(hub, o.cycle).await?;
        if o.status != halles_core::ordering::OrderStatus::Placed {
            return Err(StoreError::Refused(Refusal::OrderNotEditable));
        }
        if self.order_delivered(hub, order).await? {
            return Err(StoreError::Refused(Refusal::OrderDelivered));
        }
        if cases
            .iter()
            .any(|(l, n)| !(1..=MAX_CASES).contains(n) || !o.lines.iter().any(|x| x.id == *l))
        {
            return Err(StoreError::field("cases", Refusal::CasesInvalid));
        }
        let unweighed: Vec<FieldError> = o
            .lines
            .iter()
            .filter(|l| l.catch_weight.is_some_and(|c| c.packed_weight_g.is_none()))
            .map(|l| FieldError::refused(&format!("weights[{}]", l.id), Refusal::WeightsMissing))
            .collect();
        if !unweighed.is_empty() {
            return Err(StoreError::Invalid(unweighed));
        }
        let mut by_case: BTreeMap<i64, Vec<OrderLineId>> = BTreeMap::new();
        for l in &o.lines {
            let n = cases
                .iter()
                .rev()
                .find(|(x, _)| *x == l.id)
                .map_or(1, |(_, n)| *n);
            by_case.entry(n).or_default().push(l.id);
        }
        let now = self.now();
        let by = hs.tenant().actor.user;
        let mut tx = self.write_tx().await?;
        self.unpack(&mut tx, hub, order).await?;
        let mut ids = Vec::with_capacity(by_case.len());
        for (i, lines) in by_case.values().enumerate() {
            let number = i64::try_from(i).unwrap_or(i64::MAX) + 1;
            let placeholder = format!("~{}", rand::random::<u64>());
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (organization_id, order_id, case_no, code, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(hub.0)
            .bind(order.0)
            .bind(number)
            .bind(&placeholder)
            .bind(ms(now))
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE cases SET code = $1 WHERE organization_id = $2 AND id = $3")
                .bind(case_code(CaseId(id)))
                .bind(hub.0)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for l in lines {
                sqlx::query(
                    "INSERT INTO case_lines (organization_id, case_id, order_line_id) VALUES ($1, $2, $3)",
                )
                .bind(hub.0)
                .bind(id)
                .bind(l.0)
                .execute(&mut *tx)
                .await?;
            }
            ids.push(CaseId(id));
        }
        // The ledger notes what went in the cases: each line's lots, as set aside.
        for l in &o.lines {
            for (lot, q) in stock::allocations_of_line(&mut tx, hub, l.id).await? {
                let m = NewMovement::of(lot, MovementKind::Packed, q).for_line(order, l.id);
                stock::record(&mut tx, hub, &m, by, now).await?;
            }
        }
        sqlx::query("UPDATE orders SET packed_at = $1 WHERE organization_id = $2 AND id = $3")
            .bind(ms(now))
            .bind(hub.0)
            .bind(order.0)
            .execute(&mut *tx)
            .await?;
        let change = Change::by(hs.tenant(), Action::Update, "order", order)
            .after(serde_json::json!({"packed": ids.len(), "cases": by_case}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Removes an order's cases (before packing it again).
    async fn unpack(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        order: OrderId,
    ) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM case_lines WHERE organization_id = $1 AND case_id IN \
             (SELECT id FROM cases WHERE organization_id = $1 AND order_id = $2)",
        )
        .bind(hub.0)
        .bind(order.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM cases WHERE organization_id = $1 AND order_id = $2")
            .bind(hub.0)
            .bind(order.0)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// The packing list of a cycle's delivery day (every day with `day` none): each placed
    /// order with its lots, weights and cases, by buyer.
    pub async fn packing_list(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        day: Option<Date>,
    ) -> StoreResult<Vec<PackingOrder>> {
        let hub = hs.own()?.hub();
        let orders = self
            .cycle_orders(hs, cycle, &crate::hub::orders::OrderFilter::default())
            .await?;
        let orders: Vec<Order> = orders
            .into_iter()
            .filter(|o| o.status == halles_core::ordering::OrderStatus::Placed)
            .filter(|o| day.is_none() || o.delivery_day == day)
            .collect();
        self.packing_of(hub, orders).await
    }

    /// One order as the packing page shows it.
    pub async fn packing_order(&self, hs: &HubScope, order: OrderId) -> StoreResult<PackingOrder> {
        let hub = hs.own()?.hub();
        let o = self.order(hs, order).await?;
        self.packing_of(hub, vec![o])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Lots, weights and cases of these orders, read a cycle at a time.
    async fn packing_of(&self, hub: OrgId, orders: Vec<Order>) -> StoreResult<Vec<PackingOrder>> {
        let Some(first) = orders.first() else {
            return Ok(Vec::new());
        };
        let cycle = first.cycle;
        let lots: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT m.order_line_id, t.code, CAST(SUM(m.allocated_quantity) AS BIGINT) FROM stock_movements m \
             JOIN lots t ON t.organization_id = m.organization_id AND t.id = m.lot_id \
             JOIN orders o ON o.organization_id = m.organization_id AND o.id = m.order_id \
             WHERE m.organization_id = $1 AND o.cycle_id = $2 AND m.kind IN ('allocated', 'released') \
             GROUP BY m.order_line_id, t.code ORDER BY m.order_line_id, t.code",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        let units: Vec<(i64, i64, Flag)> = sqlx::query_as(
            "SELECT u.order_line_id, u.weight_g, u.by_producer FROM packed_units u \
             JOIN order_lines l ON l.organization_id = u.organization_id AND l.id = u.order_line_id \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             WHERE u.organization_id = $1 AND o.cycle_id = $2 ORDER BY u.order_line_id, u.unit_no",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        let cases = self.cases_of_cycle(hub, cycle).await?;
        let packed: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, packed_at FROM orders WHERE organization_id = $1 AND cycle_id = $2",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        let mut lots_by: BTreeMap<OrderLineId, Vec<(String, Qty)>> = BTreeMap::new();
        for (line, code, q) in lots.into_iter().filter(|r| r.2 > 0) {
            lots_by
                .entry(OrderLineId(line))
                .or_default()
                .push((code, Qty(q)));
        }
        let mut weights: BTreeMap<OrderLineId, (Vec<i64>, bool)> = BTreeMap::new();
        for (line, g, by_producer) in units {
            let e = weights.entry(OrderLineId(line)).or_default();
            e.0.push(g);
            e.1 |= by_producer.0;
        }
        // Each order takes its own from maps keyed by line and order: one pass, not a scan per order.
        let packed: std::collections::HashMap<i64, Option<i64>> = packed.into_iter().collect();
        let mut cases_by: std::collections::HashMap<OrderId, Vec<Case>> =
            std::collections::HashMap::new();
        for c in cases {
            cases_by.entry(c.order).or_default().push(c);
        }
        orders
            .into_iter()
            .map(|order| {
                let packed_at = packed
                    .get(&order.id.0)
                    .copied()
                    .flatten()
                    .map(instant)
                    .transpose()?;
                let lots = order
                    .lines
                    .iter()
                    .filter_map(|l| lots_by.remove(&l.id).map(|v| (l.id, v)))
                    .collect();
                let weighed = order
                    .lines
                    .iter()
                    .filter_map(|l| weights.remove(&l.id).map(|v| (l.id, v)))
                    .collect();
                Ok(PackingOrder {
                    lots,
                    weights: weighed,
                    cases: cases_by.remove(&order.id).unwrap_or_default(),
                    packed_at,
                    order,
                })
            })
            .collect()
    }

    /// Every case of a cycle's orders, with its lines.
    pub(crate) async fn cases_of_cycle(
        &self,
        hub: OrgId,
        cycle: CycleId,
    ) -> StoreResult<Vec<Case>> {
        let prefix = self.gs1_prefix(hub).await?;
        let rows: Vec<CaseRow> = sqlx::query_as(
            "SELECT c.id, c.order_id, c.case_no, c.code, \
             (SELECT COUNT(*) FROM cases x WHERE x.organization_id = c.organization_id AND x.order_id = c.order_id) AS cases \
             FROM cases c JOIN orders o ON o.organization_id = c.organization_id AND o.id = c.order_id \
             WHERE c.organization_id = $1 AND o.cycle_id = $2 ORDER BY c.order_id, c.case_no",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        let lines: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT cl.case_id, cl.order_line_id FROM case_lines cl \
             JOIN cases c ON c.organization_id = cl.organization_id AND c.id = cl.case_id \
             JOIN orders o ON o.organization_id = c.organization_id AND o.id = c.order_id \
             WHERE cl.organization_id = $1 AND o.cycle_id = $2 ORDER BY cl.case_id, cl.order_line_id",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Case {
                id: CaseId(r.id),
                order: OrderId(r.order_id),
                number: r.case_no,
                of: r.cases,
                sscc: sscc_of(&prefix, CaseId(r.id)),
                code: r.code,
                lines: lines
                    .iter()
                    .filter(|(c, _)| *c == r.id)
                    .map(|(_, l)| OrderLineId(*l))
                    .collect(),
            })
            .collect())
    }

    /// The case a scanned or typed code names: its plain code (`C000123`), its SSCC (18
    /// digits, with or without the `00` application identifier), or its id. Answers the case's
    /// order and id; anything else is not found.
    pub async fn case_by_scan(
        &self,
        hs: &HubScope,
        scanned: &str,
    ) -> StoreResult<(OrderId, CaseId)> {
        let hub = hs.own()?.hub();
        let value: String = scanned
            .trim()
            .trim_start_matches(['(', ']'])
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
            .collect();
        let digits = value
            .strip_prefix("00")
            .filter(|d| d.len() == 18)
            .unwrap_or(&value);
        let by_sscc = if digits.len() == 18 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let prefix = self.gs1_prefix(hub).await?;
            digits
                .get(1 + prefix.len()..17)
                .filter(|_| {
                    !prefix.is_empty() && digits.get(1..1 + prefix.len()) == Some(prefix.as_str())
                })
                .and_then(|serial| serial.parse::<i64>().ok())
                .filter(|id| sscc_of(&prefix, CaseId(*id)).as_deref() == Some(digits))
        } else {
            None
        };
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT order_id, id FROM cases WHERE organization_id = $1 AND (UPPER(code) = UPPER($2) OR id = $3)",
        )
        .bind(hub.0)
        .bind(&value)
        .bind(by_sscc.unwrap_or(-1))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(o, c)| (OrderId(o), CaseId(c)))
            .ok_or(StoreError::NotFound)
    }

    /// The hub's GS1 company prefix (empty: none).
    pub async fn gs1_prefix(&self, hub: OrgId) -> StoreResult<String> {
        Ok(
            sqlx::query_scalar("SELECT gs1_prefix FROM organizations WHERE id = $1")
                .bind(hub.0)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or_default(),
        )
    }

    /// Sets the hub's GS1 company prefix (6 to 12 digits; empty removes it).
    pub async fn set_gs1_prefix(&self, hs: &HubScope, prefix: &str) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        let prefix = prefix.trim();
        let valid = prefix.is_empty()
            || ((6..=12).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_digit()));
        if !valid {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "gs1_prefix",
                "gs1_prefix_invalid",
            )]));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE organizations SET gs1_prefix = $1 WHERE id = $2")
            .bind(prefix)
            .bind(hub.0)
            .execute(&mut *tx)
            .await?;
        let change = Change::by(hs.tenant(), Action::Update, "organization", hub)
            .after(serde_json::json!({"gs1_prefix": prefix}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The delivery days of a cycle's placed orders, in order.
    pub async fn order_days(
        &self,
        hs: &HubScope,
        cycle: CycleId,
    ) -> StoreResult<Vec<Option<Date>>> {
        let hub = hs.own()?.hub();
        let days: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT delivery_day FROM orders WHERE organization_id = $1 AND cycle_id = $2 \
             AND status = 'placed' ORDER BY delivery_day",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        days.iter().map(|d| day_of(d)).collect()
    }

    /// The lot codes of a line (for labels), in order.
    pub async fn line_lots(
        &self,
        hs: &HubScope,
        line: OrderLineId,
    ) -> StoreResult<Vec<(LotId, String)>> {
        let hub = hs.own()?.hub();
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT t.id, t.code FROM stock_movements m JOIN lots t ON t.organization_id = m.organization_id \
             AND t.id = m.lot_id WHERE m.organization_id = $1 AND m.order_line_id = $2 AND m.kind = 'allocated' \
             GROUP BY t.id, t.code ORDER BY t.id",
        )
        .bind(hub.0)
        .bind(line.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(i, c)| (LotId(i), c)).collect())
    }
}
