//! Purchase orders: what each producer harvests and brings for a cycle's delivery day. The
//! orders as they stand give each producer's purchase order; issuing it keeps a numbered
//! revision with its lines and tells the producer (an event, then an e-mail). A later change
//! of the orders (a substitution after the cut-off, a cycle reopened) shows the purchase order
//! as changed until the hub issues the next revision.

use super::{day_of, day_text};
use crate::db::ms;
use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::events::{self, Event};
use crate::platform::rows::{instant, parsed};
use crate::{Store, StoreError, StoreResult};
use halles_core::catalog::SaleUnit;
use halles_core::money::Cents;
use halles_core::quantity::Qty;
use halles_core::{CycleId, OrgId, ProductId, PurchaseOrderId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::FromRow;
use std::collections::BTreeMap;

/// One product (in one sale unit) of a purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoLine {
    /// The product.
    pub product: ProductId,
    /// Its French name as ordered.
    pub name_fr: String,
    /// Its English name as ordered (may be empty).
    pub name_en: String,
    /// The sale unit it was ordered in.
    pub unit: SaleUnit,
    /// What one unit holds ("sac de 2 kg").
    pub unit_detail: String,
    /// How much to bring.
    pub quantity: Qty,
    /// At the producer's prices (estimated for catch-weight products).
    pub amount: Cents,
}

impl PoLine {
    /// The product's name in a language, French when it has no English name.
    pub fn name<L: std::borrow::Borrow<halles_core::accounts::Lang>>(&self, lang: L) -> &str {
        match lang.borrow() {
            halles_core::accounts::Lang::En if !self.name_en.is_empty() => &self.name_en,
            _ => &self.name_fr,
        }
    }
}

/// A revision of a purchase order as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issued {
    /// Its id.
    pub id: PurchaseOrderId,
    /// 1 for the first issue, then 2, 3...
    pub revision: i64,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// Its lines (none: everything it held was cancelled).
    pub lines: Vec<PoLine>,
}

/// A producer's purchase order for one delivery day of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchaseOrder {
    /// The hub.
    pub hub: OrgId,
    /// The cycle.
    pub cycle: CycleId,
    /// The producer.
    pub producer: OrgId,
    /// The producer's name.
    pub producer_name: String,
    /// The delivery day (none for a cycle from before delivery days).
    pub delivery_day: Option<Date>,
    /// What the orders hold now.
    pub lines: Vec<PoLine>,
    /// The last revision issued, if any.
    pub issued: Option<Issued>,
}

impl PurchaseOrder {
    /// Whether the orders changed since the last revision was issued (or none was).
    pub fn changed(&self) -> bool {
        self.issued.as_ref().is_none_or(|i| i.lines != self.lines)
    }

    /// The total at the producer's prices.
    pub fn total(&self) -> Cents {
        self.lines.iter().map(|l| l.amount).sum()
    }

    /// The number printed on the document: hub, cycle, producer and revision, e.g.
    /// `BC-4-12-2` (`PO-` in English).
    pub fn number(&self, prefix: &str) -> String {
        let revision = self.issued.as_ref().map_or(0, |i| i.revision);
        format!("{prefix}-{}-{}-{revision}", self.cycle, self.producer)
    }
}

/// A line of the orders, as the purchase orders sum them.
#[derive(FromRow)]
struct OrderedRow {
    producer_id: i64,
    producer_name: String,
    delivery_day: String,
    product_id: i64,
    name_fr: String,
    name_en: String,
    unit: String,
    unit_detail: String,
    quantity: i64,
    ordered_quantity: Option<i64>,
    producer_price_cents: i64,
}

/// A line of an issued revision.
#[derive(FromRow)]
struct IssuedRow {
    id: i64,
    producer_id: i64,
    delivery_day: String,
    revision: i64,
    issued_at: i64,
    product_id: Option<i64>,
    name_fr: Option<String>,
    name_en: Option<String>,
    unit: Option<String>,
    unit_detail: Option<String>,
    quantity: Option<i64>,
    amount_cents: Option<i64>,
}

/// A purchase order's key: producer and delivery day (as stored).
type Key = (i64, String);

impl Store {
    /// The cycle's purchase orders as the orders stand, with their last issued revision: the
    /// hub reads every producer's, a producer its own. Each line sums what was ordered of a
    /// product (what a shortage at receiving took off a line is still asked of the producer).
    pub async fn purchase_orders(
        &self,
        hs: &HubScope,
        cycle: CycleId,
    ) -> StoreResult<Vec<PurchaseOrder>> {
        let hub = hs.hub();
        let c = self.cycle(hs, cycle).await?;
        let only = (!hs.is_hub()).then_some(hs.tenant().org);
        if only.is_some() {
            hs.for_producer(hs.tenant().org)?;
        }
        let live = self.ordered_by_producer(hub, cycle, only).await?;
        let issued = self.issued_revisions(hub, cycle, only, true).await?;
        let mut keys: Vec<&Key> = live.keys().chain(issued.keys()).collect();
        keys.sort();
        keys.dedup();
        let mut out = Vec::new();
        for key in keys {
            let (lines, name) = live
                .get(key)
                .map(|(l, n)| (l.clone(), n.clone()))
                .unwrap_or_default();
            let last = issued.get(key).and_then(|v| v.last().cloned());
            let producer_name = if name.is_empty() {
                self.organization_by_id(OrgId(key.0)).await?.name
            } else {
                name
            };
            out.push(PurchaseOrder {
                hub,
                cycle: c.id,
                producer: OrgId(key.0),
                producer_name,
                delivery_day: day_of(&key.1)?,
                lines,
                issued: last,
            });
        }
        out.sort_by(|a, b| {
            (a.delivery_day, a.producer_name.to_lowercase())
                .cmp(&(b.delivery_day, b.producer_name.to_lowercase()))
        });
        Ok(out)
    }

    /// One producer's purchase order for a delivery day, with every revision issued (oldest
    /// first).
    pub async fn purchase_order(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        producer: OrgId,
        day: Option<Date>,
    ) -> StoreResult<(PurchaseOrder, Vec<Issued>)> {
        hs.for_producer(producer)?;
        let po = self
            .purchase_orders(hs, cycle)
            .await?
            .into_iter()
            .find(|p| p.producer == producer && p.delivery_day == day)
            .ok_or(StoreError::NotFound)?;
        let mut all = self
            .issued_revisions(hs.hub(), cycle, Some(producer), false)
            .await?;
        let revisions = all.remove(&(producer.0, day_text(day))).unwrap_or_default();
        Ok((po, revisions))
    }

    /// Issues a revision of every purchase order of the cycle whose orders changed since its
    /// last one (the first issue at the cut-off), each with an event that tells its producer.
    /// Answers the revisions issued. Before the cut-off: `cycle_still_open`.
    pub async fn issue_purchase_orders(
        &self,
        hs: &HubScope,
        cycle: CycleId,
    ) -> StoreResult<Vec<PurchaseOrderId>> {
        let hub = hs.own()?.hub();
        self.cycle_past_cut_off(hub, cycle).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        // Marks the cycle first: two callers at once queue here, and the second finds nothing
        // changed (on PostgreSQL the row lock; SQLite has one writer).
        sqlx::query(
            "UPDATE order_cycles SET purchase_orders_at = $1 WHERE organization_id = $2 AND id = $3",
        )
        .bind(ms(now))
        .bind(hub.0)
        .bind(cycle.0)
        .execute(&mut *tx)
        .await?;
        let pos = self.purchase_orders(hs, cycle).await?;
        let mut issued = Vec::new();
        for po in pos.iter().filter(|p| p.changed()) {
            let revision = po.issued.as_ref().map_or(1, |i| i.revision + 1);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO purchase_orders (organization_id, cycle_id, producer_id, delivery_day, revision, \
                 issued_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(hub.0)
            .bind(cycle.0)
            .bind(po.producer.0)
            .bind(day_text(po.delivery_day))
            .bind(revision)
            .bind(ms(now))
            .bind(hs.tenant().actor.user.map(|u| u.0))
            .fetch_one(&mut *tx)
            .await?;
            for l in &po.lines {
                sqlx::query(
                    "INSERT INTO purchase_order_lines (organization_id, purchase_order_id, product_id, unit, \
                     name_fr, name_en, unit_detail, quantity, amount_cents) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(hub.0)
                .bind(id)
                .bind(l.product.0)
                .bind(l.unit.code())
                .bind(&l.name_fr)
                .bind(&l.name_en)
                .bind(&l.unit_detail)
                .bind(l.quantity.0)
                .bind(l.amount.0)
                .execute(&mut *tx)
                .await?;
            }
            let change = Change::by(hs.tenant(), Action::Create, "purchase_order", id)
                .after(serde_json::json!({"producer": po.producer, "cycle": cycle,
                    "delivery_day": po.delivery_day, "revision": revision, "lines": po.lines}));
            audit::record(&mut tx, change, now).await?;
            let event = Event::PurchaseOrderIssued {
                hub,
                cycle,
                producer: po.producer,
                purchase_order: PurchaseOrderId(id),
                revision,
                delivery_day: po.delivery_day,
            };
            events::record(&mut tx, event, now).await?;
            issued.push(PurchaseOrderId(id));
        }
        tx.commit().await?;
        Ok(issued)
    }

    /// Issues the purchase orders of every cycle whose cut-off passed since they were last
    /// issued (the worker's on-time work): each cycle once, then again only if its cut-off
    /// moves later. Answers the hubs, cycles and revisions issued.
    pub async fn issue_due_purchase_orders(
        &self,
    ) -> StoreResult<Vec<(OrgId, CycleId, Vec<PurchaseOrderId>)>> {
        let due: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT organization_id, id FROM order_cycles WHERE status = 'closed' \
             AND (purchase_orders_at IS NULL OR purchase_orders_at < closes_at) ORDER BY id LIMIT 100",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (hub, cycle) in due {
            let scope = crate::TenantScope::checked(OrgId(hub), crate::Actor::system());
            let hs = self.own_hub(&scope).await?;
            let issued = self.issue_purchase_orders(&hs, CycleId(cycle)).await?;
            out.push((OrgId(hub), CycleId(cycle), issued));
        }
        Ok(out)
    }

    /// What the cycle's placed orders ask of each producer (or of `only`), by producer and
    /// delivery day, one line per product and unit.
    async fn ordered_by_producer(
        &self,
        hub: OrgId,
        cycle: CycleId,
        only: Option<OrgId>,
    ) -> StoreResult<BTreeMap<Key, (Vec<PoLine>, String)>> {
        let rows: Vec<OrderedRow> = sqlx::query_as(
            "SELECT l.producer_id, p.name AS producer_name, o.delivery_day, l.product_id, l.name_fr, \
             l.name_en, l.unit, l.unit_detail, l.quantity, l.ordered_quantity, l.producer_price_cents \
             FROM order_lines l JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             JOIN organizations p ON p.id = l.producer_id \
             WHERE l.organization_id = $1 AND o.cycle_id = $2 AND o.status = 'placed' \
             AND ($3 = 0 OR l.producer_id = $3) ORDER BY l.producer_id, o.delivery_day, l.name_fr, l.id",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(only.map_or(0, |o| o.0))
        .fetch_all(&self.pool)
        .await?;
        let mut out: BTreeMap<Key, (Vec<PoLine>, String)> = BTreeMap::new();
        for r in rows {
            let unit: SaleUnit = parsed(&r.unit, "unit")?;
            let qty = Qty(r.ordered_quantity.unwrap_or(r.quantity));
            let amount = qty.price(Cents(r.producer_price_cents));
            let entry = out
                .entry((r.producer_id, r.delivery_day))
                .or_insert_with(|| (Vec::new(), r.producer_name));
            match entry
                .0
                .iter_mut()
                .find(|l| l.product.0 == r.product_id && l.unit == unit)
            {
                Some(l) => {
                    l.quantity = l
                        .quantity
                        .checked_add(qty)
                        .ok_or(StoreError::Corrupt("quantity"))?;
                    l.amount += amount;
                }
                None => entry.0.push(PoLine {
                    product: ProductId(r.product_id),
                    name_fr: r.name_fr,
                    name_en: r.name_en,
                    unit,
                    unit_detail: r.unit_detail,
                    quantity: qty,
                    amount,
                }),
            }
        }
        for (lines, _) in out.values_mut() {
            lines.sort_by(|a, b| {
                (a.name_fr.to_lowercase(), a.unit.code())
                    .cmp(&(b.name_fr.to_lowercase(), b.unit.code()))
            });
        }
        Ok(out)
    }

    /// The issued revisions of the cycle's purchase orders (of `only`), oldest first; with
    /// `last_only`, only the last of each.
    async fn issued_revisions(
        &self,
        hub: OrgId,
        cycle: CycleId,
        only: Option<OrgId>,
        last_only: bool,
    ) -> StoreResult<BTreeMap<Key, Vec<Issued>>> {
        let last = if last_only {
            "AND po.revision = (SELECT MAX(x.revision) FROM purchase_orders x WHERE x.organization_id = po.organization_id \
             AND x.cycle_id = po.cycle_id AND x.producer_id = po.producer_id AND x.delivery_day = po.delivery_day)"
        } else {
            ""
        };
        let rows: Vec<IssuedRow> = sqlx::query_as(&format!(
            "SELECT po.id, po.producer_id, po.delivery_day, po.revision, po.issued_at, l.product_id, l.name_fr, \
             l.name_en, l.unit, l.unit_detail, l.quantity, l.amount_cents FROM purchase_orders po \
             LEFT JOIN purchase_order_lines l ON l.organization_id = po.organization_id AND l.purchase_order_id = po.id \
             WHERE po.organization_id = $1 AND po.cycle_id = $2 AND ($3 = 0 OR po.producer_id = $3) {last} \
             ORDER BY po.producer_id, po.delivery_day, po.revision, l.name_fr, l.unit"
        ))
        .bind(hub.0)
        .bind(cycle.0)
        .bind(only.map_or(0, |o| o.0))
        .fetch_all(&self.pool)
        .await?;
        let mut out: BTreeMap<Key, Vec<Issued>> = BTreeMap::new();
        for r in rows {
            let revisions = out.entry((r.producer_id, r.delivery_day)).or_default();
            if revisions.last().is_none_or(|i| i.id.0 != r.id) {
                revisions.push(Issued {
                    id: PurchaseOrderId(r.id),
                    revision: r.revision,
                    issued_at: instant(r.issued_at)?,
                    lines: Vec::new(),
                });
            }
            if let (Some(product), Some(unit)) = (r.product_id, r.unit) {
                let issued = revisions
                    .last_mut()
                    .ok_or(StoreError::Corrupt("revision"))?;
                issued.lines.push(PoLine {
                    product: ProductId(product),
                    name_fr: r.name_fr.unwrap_or_default(),
                    name_en: r.name_en.unwrap_or_default(),
                    unit: parsed(&unit, "unit")?,
                    unit_detail: r.unit_detail.unwrap_or_default(),
                    quantity: Qty(r.quantity.unwrap_or(0)),
                    amount: Cents(r.amount_cents.unwrap_or(0)),
                });
            }
        }
        for revisions in out.values_mut() {
            for i in revisions.iter_mut() {
                i.lines.sort_by(|a, b| {
                    (a.name_fr.to_lowercase(), a.unit.code())
                        .cmp(&(b.name_fr.to_lowercase(), b.unit.code()))
                });
            }
        }
        Ok(out)
    }
}
