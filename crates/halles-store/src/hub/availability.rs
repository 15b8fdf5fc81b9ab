//! The producers' availability ("arrivage"): what each producer offers in a cycle, at what
//! price, with a stock limit or on demand; whether it posted its grid; and the hub's reminder
//! to producers that posted nothing before the cut-off.

use crate::db::ms;
use crate::hub::HubScope;
use crate::hub::catalog::{Product, ProductRow, product_columns};
use crate::platform::audit::{self, Action, Change};
use crate::platform::email::{OutgoingEmail, insert_email};
use crate::platform::rows::{Flag, parsed};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::money::Cents;
use halles_core::ordering::CycleStatus;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::{CycleId, OrgId, ProductId};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

/// How much of a product a producer offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stock {
    /// At most this quantity.
    Limited(Qty),
    /// Without a stock limit: orders never run short of it.
    OnDemand,
}

/// A producer's offer of one product in a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Offer {
    /// How much.
    pub stock: Stock,
    /// The producer's price per unit (per kg for a catch-weight product).
    pub price: Cents,
}

/// A quantity and a price: an offer with a stock limit.
impl From<(Qty, Cents)> for Offer {
    fn from((q, price): (Qty, Cents)) -> Offer {
        Offer {
            stock: Stock::Limited(q),
            price,
        }
    }
}

/// What a producer enters for one product: `None` offers nothing this week.
pub type GridEntry = (ProductId, Option<Offer>);

/// One row of a producer's availability grid.
#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    /// The product.
    pub product: Product,
    /// The producer's price this cycle, if offered.
    pub price: Option<Cents>,
    /// Quantity offered (none when not offered, or on demand).
    pub quantity: Option<Qty>,
    /// Offered without a stock limit.
    pub on_demand: bool,
    /// Quantity already ordered.
    pub reserved: Qty,
}

/// A product with what a cycle offers of it.
#[derive(FromRow)]
struct GridProductRow {
    #[sqlx(flatten)]
    product: ProductRow,
    price_cents: Option<i64>,
    quantity: Option<i64>,
    remaining: Option<i64>,
    on_demand: Option<Flag>,
}

/// Hours before the cut-off when silent producers are reminded, unless the hub chose otherwise.
pub const DEFAULT_REMINDER_HOURS: i64 = 24;

/// A reminder due: a producer of an open cycle that posted nothing, not yet reminded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueReminder {
    /// The hub.
    pub hub: OrgId,
    /// The cycle.
    pub cycle: CycleId,
    /// The producer.
    pub producer: OrgId,
}

/// A cycle whose grid waits for a producer: open, and nothing posted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingGrid {
    /// The hub.
    pub hub: OrgId,
    /// The cycle.
    pub cycle: CycleId,
    /// The cycle's name.
    pub name: String,
    /// Its cut-off.
    pub closes_at: Timestamp,
}

/// A producer of a cycle has neither posted its grid nor an offer (hub, cycle, producer are
/// `p`'s columns).
const SILENT: &str = "NOT EXISTS (SELECT 1 FROM availability_posts x WHERE x.organization_id = p.organization_id \
     AND x.cycle_id = p.cycle_id AND x.producer_id = p.producer_id) \
     AND NOT EXISTS (SELECT 1 FROM availability a WHERE a.organization_id = p.organization_id \
     AND a.cycle_id = p.cycle_id AND a.producer_id = p.producer_id)";

impl Store {
    /// A producer's grid for a cycle: every active product, with what is offered and ordered.
    /// The hub reads any producer's, a producer its own.
    pub async fn availability_grid(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        producer: OrgId,
    ) -> StoreResult<Vec<GridRow>> {
        let hub = hs.for_producer(producer)?.hub();
        let rows: Vec<GridProductRow> = sqlx::query_as(&format!(
            "SELECT {}, a.price_cents, a.quantity, a.remaining, a.on_demand FROM products p LEFT JOIN availability a \
             ON a.organization_id = $1 AND a.cycle_id = $2 AND a.product_id = p.id \
             WHERE p.organization_id = $3 AND (p.active = $4 OR a.product_id IS NOT NULL) \
             ORDER BY p.category, p.name_fr, p.id",
            product_columns("p.")
        ))
        .bind(hub.0)
        .bind(cycle.0)
        .bind(producer.0)
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let on_demand = r.on_demand.is_some_and(bool::from);
                Ok(GridRow {
                    product: Product::try_from(r.product)?,
                    price: r.price_cents.map(Cents),
                    quantity: r.quantity.filter(|_| !on_demand).map(Qty),
                    on_demand,
                    // On demand, `quantity` counts what was ordered and `remaining` stays 0.
                    reserved: Qty(r.quantity.unwrap_or(0) - r.remaining.unwrap_or(0)),
                })
            })
            .collect()
    }

    /// Saves a producer's grid (offers as `(quantity, price)` or [`Offer`]s), and records that
    /// it posted. A quantity below what buyers already ordered is refused (`below_reserved`) and
    /// nothing is saved.
    pub async fn save_availability<O: Into<Offer> + Copy>(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        producer: OrgId,
        entries: &[(ProductId, Option<O>)],
    ) -> StoreResult<()> {
        let entries: Vec<GridEntry> = entries
            .iter()
            .map(|(p, o)| (*p, o.map(Into::into)))
            .collect();
        let (scope, hub) = (hs.for_producer(producer)?.tenant(), hs.hub());
        let c = self.cycle_of(hub, cycle).await?;
        if !c.producers.contains(&producer) {
            return Err(StoreError::Refused(Refusal::ProducerNotInCycle));
        }
        if matches!(c.status, CycleStatus::Closed | CycleStatus::Completed) {
            return Err(StoreError::Refused(Refusal::CycleClosed));
        }
        for o in entries.iter().filter_map(|(_, o)| o.as_ref()) {
            if let Stock::Limited(q) = o.stock {
                q.within()?;
            }
            o.price.within(halles_core::limits::Limit::Movement)?;
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        for (product, offer) in &entries {
            let unit: String = sqlx::query_scalar(
                "SELECT unit FROM products WHERE organization_id = $1 AND id = $2",
            )
            .bind(producer.0)
            .bind(product.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let unit: halles_core::catalog::SaleUnit = parsed(&unit, "unit")?;
            if let Some(Offer {
                stock: Stock::Limited(q),
                ..
            }) = offer
                && !unit.accepts(*q)
            {
                return Err(StoreError::Refused(Refusal::QtyNotWhole));
            }
            let (qty, price, on_demand) = match offer {
                Some(Offer {
                    stock: Stock::Limited(q),
                    price,
                }) => (*q, *price, false),
                Some(Offer {
                    stock: Stock::OnDemand,
                    price,
                }) => (Qty::ZERO, *price, true),
                None => (Qty::ZERO, Cents::ZERO, false),
            };
            let sql = if on_demand {
                // What was ordered stays counted in `quantity`; nothing can run short of it.
                "UPDATE availability SET price_cents = $2, quantity = quantity - remaining, remaining = 0, \
                 on_demand = $7, updated_at = $3 WHERE organization_id = $4 AND cycle_id = $5 AND product_id = $6 \
                 AND $1 = 0" // (an offer on demand has no quantity of its own)
            } else {
                // New remaining = new quantity − already ordered; refused below zero.
                "UPDATE availability SET price_cents = CASE WHEN $1 > 0 THEN $2 ELSE price_cents END, \
                 remaining = $1 - (quantity - remaining), quantity = $1, on_demand = $7, updated_at = $3 \
                 WHERE organization_id = $4 AND cycle_id = $5 AND product_id = $6 AND $1 >= quantity - remaining"
            };
            let changed = sqlx::query(sql)
                .bind(qty.0)
                .bind(price.0)
                .bind(ms(now))
                .bind(hub.0)
                .bind(cycle.0)
                .bind(product.0)
                .bind(on_demand)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 1 {
                continue;
            }
            let exists = sqlx::query(
                "SELECT 1 AS one FROM availability WHERE organization_id = $1 AND cycle_id = $2 AND product_id = $3",
            )
            .bind(hub.0)
            .bind(cycle.0)
            .bind(product.0)
            .fetch_optional(&mut *tx)
            .await?;
            if exists.is_some() {
                return Err(StoreError::Refused(Refusal::BelowReserved));
            }
            if offer.is_none() || (qty.0 == 0 && !on_demand) {
                continue;
            }
            sqlx::query(
                "INSERT INTO availability (organization_id, cycle_id, product_id, producer_id, price_cents, \
                 quantity, remaining, on_demand, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)",
            )
            .bind(hub.0)
            .bind(cycle.0)
            .bind(product.0)
            .bind(producer.0)
            .bind(price.0)
            .bind(qty.0)
            .bind(on_demand)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        }
        // Rows emptied and never ordered are removed, so "nothing this week" leaves nothing.
        sqlx::query(
            "DELETE FROM availability WHERE organization_id = $1 AND cycle_id = $2 AND producer_id = $3 \
             AND quantity = 0 AND remaining = 0 AND on_demand = $4",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(producer.0)
        .bind(false)
        .execute(&mut *tx)
        .await?;
        // The grid is posted: the producer is no longer waited for, nor reminded.
        let offered: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM availability WHERE organization_id = $1 AND cycle_id = $2 AND producer_id = $3",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(producer.0)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO availability_posts (organization_id, cycle_id, producer_id, nothing_offered, posted_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, cycle_id, producer_id) \
             DO UPDATE SET nothing_offered = excluded.nothing_offered, posted_at = excluded.posted_at",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(producer.0)
        .bind(offered == 0)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let change = Change::by(
            scope,
            Action::Update,
            "availability",
            format!("{hub}/{cycle}/{producer}"),
        )
        .after(json!(
            entries
                .iter()
                .map(|(p, o)| json!({"product_id": p, "offer": o}))
                .collect::<Vec<_>>()
        ));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the producer offered in the hub's previous cycle (by opening time) before `cycle`.
    pub async fn last_week_offer(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        producer: OrgId,
    ) -> StoreResult<Vec<GridEntry>> {
        let hub = hs.for_producer(producer)?.hub();
        let rows: Vec<(i64, i64, i64, Flag)> = sqlx::query_as(
            "SELECT a.product_id, a.quantity, a.price_cents, a.on_demand FROM availability a JOIN products p \
             ON p.organization_id = a.producer_id AND p.id = a.product_id \
             WHERE a.organization_id = $1 AND a.producer_id = $2 AND p.active = $4 AND a.cycle_id = ( \
               SELECT prev.id FROM order_cycles prev JOIN order_cycles cur ON cur.organization_id = prev.organization_id \
               WHERE cur.organization_id = $1 AND cur.id = $3 AND prev.opens_at < cur.opens_at \
               AND EXISTS (SELECT 1 FROM availability x WHERE x.organization_id = prev.organization_id \
                           AND x.cycle_id = prev.id AND x.producer_id = $2) \
               ORDER BY prev.opens_at DESC LIMIT 1)",
        )
        .bind(hub.0)
        .bind(producer.0)
        .bind(cycle.0)
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(product, quantity, price, on_demand)| {
                let stock = if on_demand.into() {
                    Stock::OnDemand
                } else {
                    Stock::Limited(Qty(quantity))
                };
                let price = Cents(price);
                (ProductId(product), Some(Offer { stock, price }))
            })
            .collect())
    }

    /// How many hours before a cycle's cut-off the hub reminds producers that posted nothing.
    pub async fn reminder_hours(&self, hs: &HubScope) -> StoreResult<i64> {
        let hours: Option<i64> = sqlx::query_scalar(
            "SELECT lead_hours FROM hub_reminder_settings WHERE organization_id = $1",
        )
        .bind(hs.own()?.hub().0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(hours.unwrap_or(DEFAULT_REMINDER_HOURS))
    }

    /// Sets how many hours before a cycle's cut-off the hub reminds silent producers
    /// ([`halles_core::limits::REMINDER_HOURS`]; `reminder_hours_out_of_range` otherwise).
    pub async fn set_reminder_hours(&self, hs: &HubScope, hours: i64) -> StoreResult<()> {
        if !halles_core::limits::REMINDER_HOURS.contains(&hours) {
            return Err(StoreError::field(
                "reminder_hours",
                Refusal::ReminderHoursOutOfRange,
            ));
        }
        let before = self.reminder_hours(hs).await?;
        let scope = hs.own()?.tenant();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO hub_reminder_settings (organization_id, lead_hours, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (organization_id) DO UPDATE SET lead_hours = excluded.lead_hours, updated_at = excluded.updated_at",
        )
        .bind(scope.org.0)
        .bind(hours)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "reminder_settings", scope.org)
            .before(json!({ "reminder_hours": before }))
            .after(json!({ "reminder_hours": hours }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    /// Open cycles, at every hub, whose grid waits for this producer: it posted nothing yet.
    pub async fn grids_waiting(&self, scope: &TenantScope) -> StoreResult<Vec<WaitingGrid>> {
        let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(&format!(
            "SELECT c.organization_id, c.id, c.name, c.closes_at FROM order_cycles c \
             JOIN cycle_producers p ON p.organization_id = c.organization_id AND p.cycle_id = c.id \
             WHERE p.producer_id = $1 AND c.status = 'open' AND c.closes_at > $2 AND {SILENT} \
             ORDER BY c.closes_at, c.id"
        ))
        .bind(scope.org.0)
        .bind(ms(self.now()))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(hub, cycle, name, closes_at)| {
                Ok(WaitingGrid {
                    hub: OrgId(hub),
                    cycle: CycleId(cycle),
                    name,
                    closes_at: crate::platform::rows::instant(closes_at)?,
                })
            })
            .collect()
    }

    /// The reminders due now: each producer of an open cycle whose cut-off is within its hub's
    /// reminder time, that posted nothing and was not reminded yet.
    pub async fn due_reminders(&self) -> StoreResult<Vec<DueReminder>> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT c.organization_id, c.id, p.producer_id FROM order_cycles c \
             JOIN cycle_producers p ON p.organization_id = c.organization_id AND p.cycle_id = c.id \
             LEFT JOIN hub_reminder_settings s ON s.organization_id = c.organization_id \
             WHERE c.status = 'open' AND c.closes_at > $1 \
             AND c.closes_at - COALESCE(s.lead_hours, $2) * $3 <= $1 AND {SILENT} \
             AND NOT EXISTS (SELECT 1 FROM availability_reminders r WHERE r.organization_id = p.organization_id \
                 AND r.cycle_id = p.cycle_id AND r.producer_id = p.producer_id) \
             ORDER BY c.id, p.producer_id"
        ))
        .bind(ms(self.now()))
        .bind(DEFAULT_REMINDER_HOURS)
        .bind(SignedDuration::from_hours(1).as_millis() as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(hub, cycle, producer)| DueReminder {
                hub: OrgId(hub),
                cycle: CycleId(cycle),
                producer: OrgId(producer),
            })
            .collect())
    }

    /// Sends a reminder once: claims it by its insert and writes its e-mails in the same
    /// transaction, while the producer is still silent and the cycle open. False when another
    /// worker sent it, or it is no longer due.
    pub async fn send_reminder(
        &self,
        due: DueReminder,
        emails: &[OutgoingEmail],
    ) -> StoreResult<bool> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let claimed = sqlx::query(&format!(
            "INSERT INTO availability_reminders (organization_id, cycle_id, producer_id, sent_at) \
             SELECT p.organization_id, p.cycle_id, p.producer_id, $4 FROM cycle_producers p \
             JOIN order_cycles c ON c.organization_id = p.organization_id AND c.id = p.cycle_id \
             WHERE p.organization_id = $1 AND p.cycle_id = $2 AND p.producer_id = $3 \
             AND c.status = 'open' AND c.closes_at > $4 AND {SILENT} \
             ON CONFLICT (organization_id, cycle_id, producer_id) DO NOTHING"
        ))
        .bind(due.hub.0)
        .bind(due.cycle.0)
        .bind(due.producer.0)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(false);
        }
        for email in emails {
            insert_email(&mut tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
