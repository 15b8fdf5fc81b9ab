//! Standing orders: these products every N weeks until a date. When a hub's cycle opens, each
//! due standing order becomes a real order with what is available; shortages are recorded for
//! the buyer. A run row per (standing order, cycle), claimed by an insert, makes it exactly once.

use crate::db::ms;
use crate::hub::HubScope;
use crate::hub::orders::{OrderInput, StandingPlacement};
use crate::platform::audit::{self, Action, Change};
use crate::platform::rows::{Flag, instant, parsed};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::catalog::SaleUnit;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::{CycleId, OrderId, OrgId, ProductId, StandingOrderId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;
use sqlx::any::AnyRow;

/// What a buyer (or its hub) sets up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StandingInput {
    /// The buyer.
    pub buyer: OrgId,
    /// Every how many weeks (1 to 8).
    pub every_weeks: i64,
    /// The last day it runs.
    pub until: Timestamp,
    /// The pickup point or delivery zone, by name (matched in each new cycle).
    pub location_name: String,
    /// The buyer's PO number for these orders.
    pub po_number: String,
    /// A note.
    pub note: String,
    /// Products and quantities.
    pub lines: Vec<(ProductId, Qty)>,
    /// The first day it may run (a cycle whose cut-off is on or after it); none: at once.
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
}

/// A standing order.
#[derive(Debug, Clone, Serialize)]
pub struct StandingOrder {
    /// Its id.
    pub id: StandingOrderId,
    /// The hub.
    pub hub: OrgId,
    /// The hub's name.
    pub hub_name: String,
    /// The buyer's name.
    pub buyer_name: String,
    /// What was set up.
    #[serde(flatten)]
    pub input: StandingInput,
    /// When it started.
    pub starts_at: Timestamp,
    /// The next due cycle is skipped.
    pub skip_next: bool,
    /// Paused: no cycle runs it until it is resumed.
    pub paused: bool,
    /// Still running.
    pub active: bool,
    /// Its runs, newest first.
    pub runs: Vec<Run>,
}

/// One run of a standing order in a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// The cycle.
    pub cycle: CycleId,
    /// The order it became, if any.
    pub order: Option<OrderId>,
    /// `placed`, `skipped` or `failed` (nothing available, or a rule refused it).
    pub outcome: String,
    /// Products short: id, wanted, got.
    pub shortages: Vec<(ProductId, Qty, Qty)>,
    /// What it put in the order (kept so that stopping can take it back out).
    #[serde(skip)]
    pub placed: Vec<(ProductId, Qty)>,
    /// When.
    pub at: Timestamp,
}

/// A change to a standing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandingChange {
    /// Skip the next due cycle.
    Skip,
    /// No cycle runs it until it is resumed.
    Pause,
    /// Runs again from the next cycle that opens.
    Resume,
    /// Stops for good; with `take_back`, what it placed this week leaves the open order.
    Stop {
        /// Take what it placed back out of orders still open to changes.
        take_back: bool,
    },
}

/// What a standing order placed in one order still open to changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacedThisWeek {
    /// The cycle.
    pub cycle: CycleId,
    /// The order.
    pub order: OrderId,
    /// Products and the quantities it placed that the order still holds.
    pub lines: Vec<(ProductId, Qty)>,
}

/// A `standing_order_placed` row with its order line's quantity.
#[derive(FromRow)]
struct PlacedRow {
    cycle_id: i64,
    order_id: i64,
    product_id: i64,
    quantity: i64,
    line_quantity: i64,
}

/// A run that just happened, to report to the buyer.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The hub.
    pub hub: OrgId,
    /// The buyer.
    pub buyer: OrgId,
    /// The standing order.
    pub standing: StandingOrderId,
    /// What happened.
    pub run: Run,
}

/// How long after it began a run still `running` counts as cut off (10 minutes).
const RUN_CUT_OFF_MS: i64 = 10 * 60 * 1000;

fn lines_json(lines: &[(ProductId, Qty)]) -> String {
    serde_json::to_string(&lines.iter().map(|(p, q)| (p.0, q.0)).collect::<Vec<_>>())
        .unwrap_or_default()
}

fn parse_lines(s: &str) -> Vec<(ProductId, Qty)> {
    serde_json::from_str::<Vec<(i64, i64)>>(s)
        .unwrap_or_default()
        .into_iter()
        .map(|(p, q)| (ProductId(p), Qty(q)))
        .collect()
}

const COLUMNS: &str = "s.id, s.organization_id, h.name AS hub_name, \
                       (SELECT b.name FROM organizations b WHERE b.id = s.buyer_id) AS buyer_name, \
                       s.buyer_id, s.every_weeks, s.starts_at, \
                       s.until_at, s.location_name, s.po_number, s.note, s.lines, s.skip_next, s.paused, s.active";

/// A `standing_orders` row ([`COLUMNS`]).
#[derive(FromRow)]
struct StandingRow {
    id: i64,
    organization_id: i64,
    hub_name: String,
    buyer_name: String,
    buyer_id: i64,
    every_weeks: i64,
    starts_at: i64,
    until_at: i64,
    location_name: String,
    po_number: String,
    note: String,
    lines: String,
    skip_next: Flag,
    paused: Flag,
    active: Flag,
}

/// A `standing_order_runs` row.
#[derive(FromRow)]
struct RunRow {
    cycle_id: i64,
    order_id: Option<i64>,
    outcome: String,
    shortages: String,
    created_at: i64,
}

impl Store {
    fn standing_from_row(r: &AnyRow) -> StoreResult<StandingOrder> {
        let r = StandingRow::from_row(r)?;
        Ok(StandingOrder {
            id: StandingOrderId(r.id),
            hub: OrgId(r.organization_id),
            hub_name: r.hub_name,
            buyer_name: r.buyer_name,
            input: StandingInput {
                buyer: OrgId(r.buyer_id),
                every_weeks: r.every_weeks,
                until: instant(r.until_at)?,
                location_name: r.location_name,
                po_number: r.po_number,
                note: r.note,
                lines: parse_lines(&r.lines),
                starts_at: Some(instant(r.starts_at)?),
            },
            starts_at: instant(r.starts_at)?,
            skip_next: r.skip_next.into(),
            paused: r.paused.into(),
            active: r.active.into(),
            runs: Vec::new(),
        })
    }

    /// Sets up a standing order at `hub` (by the buyer, or by the hub for a buyer).
    pub async fn create_standing_order(
        &self,
        hs: &HubScope,
        s: &StandingInput,
    ) -> StoreResult<StandingOrderId> {
        let (scope, hub) = (hs.for_buyer(s.buyer)?.tenant(), hs.hub());
        self.buyer_type_at(hub, s.buyer)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !(1..=8).contains(&s.every_weeks) {
            return Err(StoreError::Refused(Refusal::EveryWeeksInvalid));
        }
        let mut v = halles_core::validation::Validator::new();
        halles_core::ordering::check_order_details(&mut v, &s.po_number, &s.note, s.lines.len());
        v.finish().map_err(StoreError::Invalid)?;
        if s.lines.is_empty() {
            return Err(StoreError::Refused(Refusal::EmptyOrder));
        }
        for (p, q) in &s.lines {
            q.within()?;
            if q.0 <= 0 {
                return Err(StoreError::Refused(Refusal::QtyZero));
            }
            // A product of a producer the hub works with, in its own unit.
            let unit: String = sqlx::query_scalar(
                "SELECT p.unit FROM products p JOIN hub_producers l ON l.producer_id = p.organization_id \
                 WHERE l.organization_id = $1 AND p.id = $2",
            )
            .bind(hub.0)
            .bind(p.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::Refused(Refusal::UnknownProduct))?;
            if !parsed::<SaleUnit>(&unit, "unit")?.accepts(*q) {
                return Err(StoreError::Refused(Refusal::QtyNotWhole));
            }
        }
        // A pickup point or zone is named as the hub's cycles name it; none means the first.
        let place = s.location_name.trim();
        if !place.is_empty() {
            let known = sqlx::query(
                "SELECT 1 AS one FROM cycle_locations WHERE organization_id = $1 AND name = $2 LIMIT 1",
            )
            .bind(hub.0)
            .bind(place)
            .fetch_optional(&self.pool)
            .await?;
            if known.is_none() {
                return Err(StoreError::Refused(Refusal::UnknownLocation));
            }
        }
        let now = self.now();
        if s.until <= now {
            return Err(StoreError::Refused(Refusal::UntilInPast));
        }
        let farthest = now
            .checked_add(jiff::SignedDuration::from_hours(
                24 * halles_core::limits::MAX_STANDING_DAYS,
            ))
            .unwrap_or(Timestamp::MAX);
        if s.until > farthest {
            return Err(StoreError::Refused(Refusal::UntilTooFar));
        }
        let starts_at = s.starts_at.unwrap_or(now);
        if starts_at >= s.until {
            return Err(StoreError::Refused(Refusal::EndsBeforeStart));
        }
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO standing_orders (organization_id, buyer_id, every_weeks, starts_at, until_at, location_name, \
             po_number, note, lines, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(hub.0)
        .bind(s.buyer.0)
        .bind(s.every_weeks)
        .bind(ms(starts_at))
        .bind(ms(s.until))
        .bind(s.location_name.trim())
        .bind(s.po_number.trim())
        .bind(s.note.trim())
        .bind(lines_json(&s.lines))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Change {
                org: Some(hub),
                actor: scope.actor,
                action: Action::Create,
                entity: "standing_order",
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::to_value(s).unwrap_or_default()),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(StandingOrderId(id))
    }

    /// The standing orders a buyer has (at every hub) or a hub holds, with their runs.
    pub async fn standing_orders(&self, scope: &TenantScope) -> StoreResult<Vec<StandingOrder>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM standing_orders s JOIN organizations h ON h.id = s.organization_id \
             WHERE s.buyer_id = $1 OR s.organization_id = $1 ORDER BY s.active DESC, s.id DESC"
        ))
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let mut s = Self::standing_from_row(r)?;
            let runs: Vec<RunRow> = sqlx::query_as(
                "SELECT cycle_id, order_id, outcome, shortages, created_at FROM standing_order_runs \
                 WHERE organization_id = $1 AND standing_order_id = $2 ORDER BY created_at DESC LIMIT 10",
            )
            .bind(s.hub.0)
            .bind(s.id.0)
            .fetch_all(&self.pool)
            .await?;
            s.runs = runs
                .into_iter()
                .map(|r| {
                    Ok(Run {
                        cycle: CycleId(r.cycle_id),
                        order: r.order_id.map(OrderId),
                        outcome: r.outcome,
                        shortages: serde_json::from_str::<Vec<(i64, i64, i64)>>(&r.shortages)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(p, w, g)| (ProductId(p), Qty(w), Qty(g)))
                            .collect(),
                        placed: Vec::new(),
                        at: instant(r.created_at)?,
                    })
                })
                .collect::<StoreResult<_>>()?;
            out.push(s);
        }
        Ok(out)
    }

    /// Skips the next due cycle, pauses or resumes the standing order, or stops it for good.
    /// Stopping with `take_back` also takes what its runs placed out of orders still open to
    /// changes (cycle open, before its cut-off), and answers what was taken back; the buyer's
    /// own quantities stay, an order left empty is cancelled.
    pub async fn change_standing_order(
        &self,
        scope: &TenantScope,
        id: StandingOrderId,
        change: StandingChange,
    ) -> StoreResult<Vec<PlacedThisWeek>> {
        let now = self.now();
        let (hub, buyer): (i64, i64) = sqlx::query_as(
            "SELECT organization_id, buyer_id FROM standing_orders WHERE id = $1 \
             AND (buyer_id = $2 OR organization_id = $2)",
        )
        .bind(id.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let (hub, buyer) = (OrgId(hub), OrgId(buyer));
        let (column, value, action) = match change {
            StandingChange::Skip => ("skip_next", true, Action::Update),
            StandingChange::Pause => ("paused", true, Action::Update),
            StandingChange::Resume => ("paused", false, Action::Update),
            StandingChange::Stop { .. } => ("active", false, Action::Delete),
        };
        let mut tx = self.write_tx().await?;
        let taken = match change {
            StandingChange::Stop { take_back: true } => {
                self.take_back_placed(&mut tx, scope, hub, buyer, id, now)
                    .await?
            }
            _ => Vec::new(),
        };
        // Only a running standing order changes; a stopped one stays as it is.
        let n = sqlx::query(&format!(
            "UPDATE standing_orders SET {column} = $1 WHERE organization_id = $2 AND id = $3 AND active = $4"
        ))
        .bind(value)
        .bind(hub.0)
        .bind(id.0)
        .bind(true)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused(Refusal::StatusChangeNotAllowed));
        }
        let taken_json: Vec<_> = taken
            .iter()
            .map(|t| json!({"order": t.order, "lines": t.lines}))
            .collect();
        audit::record(
            &mut tx,
            Change {
                org: Some(hub),
                actor: scope.actor,
                action,
                entity: "standing_order",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({ column: value, "taken_back": taken_json })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(taken)
    }

    /// What a standing order placed in orders still open to changes (their cycle open and
    /// before its cut-off, the order not cancelled), as much of it as the lines still hold:
    /// what stopping it with `take_back` would take out.
    pub async fn placed_this_week(
        &self,
        scope: &TenantScope,
        id: StandingOrderId,
    ) -> StoreResult<Vec<PlacedThisWeek>> {
        let hub: i64 = sqlx::query_scalar(
            "SELECT organization_id FROM standing_orders WHERE id = $1 AND (buyer_id = $2 OR organization_id = $2)",
        )
        .bind(id.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut conn = self.pool.acquire().await?;
        self.placed_rows(&mut conn, OrgId(hub), id).await
    }

    /// The placed rows of [`Store::placed_this_week`], read on `conn` (a write transaction's
    /// own when taking them back).
    async fn placed_rows(
        &self,
        conn: &mut sqlx::AnyConnection,
        hub: OrgId,
        id: StandingOrderId,
    ) -> StoreResult<Vec<PlacedThisWeek>> {
        let rows: Vec<PlacedRow> = sqlx::query_as(
            "SELECT sp.cycle_id, sp.order_id, sp.product_id, sp.quantity, l.quantity AS line_quantity \
             FROM standing_order_placed sp \
             JOIN order_cycles c ON c.organization_id = sp.organization_id AND c.id = sp.cycle_id \
             JOIN orders o ON o.organization_id = sp.organization_id AND o.id = sp.order_id \
             JOIN order_lines l ON l.organization_id = sp.organization_id AND l.order_id = sp.order_id \
                  AND l.product_id = sp.product_id \
             WHERE sp.organization_id = $1 AND sp.standing_order_id = $2 AND c.status = 'open' \
             AND c.closes_at > $3 AND o.status = 'placed' ORDER BY sp.order_id, sp.product_id",
        )
        .bind(hub.0)
        .bind(id.0)
        .bind(ms(self.now()))
        .fetch_all(&mut *conn)
        .await?;
        let mut out: Vec<PlacedThisWeek> = Vec::new();
        for r in rows {
            let line = (
                ProductId(r.product_id),
                Qty(r.quantity.min(r.line_quantity)),
            );
            match out.last_mut() {
                Some(last) if last.order.0 == r.order_id => last.lines.push(line),
                _ => out.push(PlacedThisWeek {
                    cycle: CycleId(r.cycle_id),
                    order: OrderId(r.order_id),
                    lines: vec![line],
                }),
            }
        }
        Ok(out)
    }

    /// Takes what a standing order placed back out of orders still open to changes, in the
    /// caller's transaction: each line loses at most what the run put in it, the quantities go
    /// back to availability, an order left without lines is cancelled, and one that keeps lines
    /// of the buyer's own has its fees counted again; left below its point's minimum, the stop
    /// is refused (`below_minimum`) and nothing changes.
    async fn take_back_placed(
        &self,
        tx: &mut sqlx::AnyConnection,
        scope: &TenantScope,
        hub: OrgId,
        buyer: OrgId,
        id: StandingOrderId,
        now: Timestamp,
    ) -> StoreResult<Vec<PlacedThisWeek>> {
        // The buyer's checkouts take this lock too, so they cannot change the order meanwhile.
        self.lock_buyer_link(tx, hub, buyer).await?;
        let mut taken = Vec::new();
        for placed in self.placed_rows(tx, hub, id).await? {
            match self.lock_open_cycle(tx, hub, placed.cycle).await {
                Err(StoreError::Refused(Refusal::CycleNotOpen)) => continue,
                other => other?,
            }
            for (product, q) in &placed.lines {
                // The line goes when the run placed all of it, else it keeps what the buyer added.
                sqlx::query(
                    "DELETE FROM order_lines WHERE organization_id = $1 AND order_id = $2 \
                     AND product_id = $3 AND quantity <= $4",
                )
                .bind(hub.0)
                .bind(placed.order.0)
                .bind(product.0)
                .bind(q.0)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE order_lines SET quantity = quantity - $1 WHERE organization_id = $2 \
                     AND order_id = $3 AND product_id = $4 AND quantity > $1",
                )
                .bind(q.0)
                .bind(hub.0)
                .bind(placed.order.0)
                .bind(product.0)
                .execute(&mut *tx)
                .await?;
                // An on-demand offer counts what was ordered instead of what remains.
                sqlx::query(
                    "UPDATE availability SET remaining = remaining + CASE WHEN on_demand THEN 0 ELSE $1 END, \
                     quantity = quantity - CASE WHEN on_demand THEN $1 ELSE 0 END \
                     WHERE organization_id = $2 AND cycle_id = $3 AND product_id = $4",
                )
                .bind(q.0)
                .bind(hub.0)
                .bind(placed.cycle.0)
                .bind(product.0)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "DELETE FROM standing_order_placed WHERE organization_id = $1 AND standing_order_id = $2 \
                 AND cycle_id = $3",
            )
            .bind(hub.0)
            .bind(id.0)
            .bind(placed.cycle.0)
            .execute(&mut *tx)
            .await?;
            let emptied = sqlx::query(
                "UPDATE orders SET status = 'cancelled', updated_at = $1 WHERE organization_id = $2 \
                 AND id = $3 AND status = 'placed' AND NOT EXISTS (SELECT 1 FROM order_lines l \
                 WHERE l.organization_id = $2 AND l.order_id = $3)",
            )
            .bind(ms(now))
            .bind(hub.0)
            .bind(placed.order.0)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !emptied {
                // What stays is the buyer's own order: its fees again, and its minimum.
                let c = self.cycle_of(hub, placed.cycle).await?;
                let fees = self.fees_after_change(tx, &c, placed.order).await?;
                sqlx::query(
                    "UPDATE orders SET updated_at = $1, fees_cents = $4 WHERE organization_id = $2 AND id = $3",
                )
                .bind(ms(now))
                .bind(hub.0)
                .bind(placed.order.0)
                .bind(fees.0)
                .execute(&mut *tx)
                .await?;
            }
            audit::record(
                &mut *tx,
                Change {
                    org: Some(hub),
                    actor: scope.actor,
                    action: Action::Update,
                    entity: "order",
                    entity_id: placed.order.to_string(),
                    before: None,
                    after: Some(json!({"standing_order": id, "taken_back": placed.lines, "cancelled": emptied})),
                },
                now,
            )
            .await?;
            let event = if emptied {
                crate::platform::events::Event::OrderCancelled {
                    hub,
                    buyer,
                    order: placed.order,
                }
            } else {
                crate::platform::events::Event::OrderChanged {
                    hub,
                    buyer,
                    order: placed.order,
                }
            };
            crate::platform::events::record(&mut *tx, event, now).await?;
            taken.push(placed);
        }
        Ok(taken)
    }

    /// Turns the hub's due standing orders into orders for a cycle that just opened. Each
    /// standing order runs at most once per cycle, whoever calls this and however often.
    pub async fn run_standing_orders(
        &self,
        hs: &HubScope,
        cycle: CycleId,
    ) -> StoreResult<Vec<RunReport>> {
        let hub = hs.own()?.hub();
        let c = self.cycle_of(hub, cycle).await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM standing_orders s JOIN organizations h ON h.id = s.organization_id \
             WHERE s.organization_id = $1 AND s.active = $2 AND s.until_at >= $3 AND s.starts_at <= $4 \
             AND s.paused = $5"
        ))
        .bind(hub.0)
        .bind(true)
        .bind(ms(c.opens_at))
        .bind(ms(c.closes_at))
        .bind(false)
        .fetch_all(&self.pool)
        .await?;
        let mut reports = Vec::new();
        for r in &rows {
            let s = Self::standing_from_row(r)?;
            // Due every N weeks, counted from the week it was set up.
            let weeks = c.closes_at.duration_since(s.starts_at).as_secs().max(0) / (7 * 86_400);
            if weeks % s.input.every_weeks != 0 {
                continue;
            }
            let now = self.now();
            let mut claimed = sqlx::query(
                "INSERT INTO standing_order_runs (organization_id, standing_order_id, cycle_id, outcome, created_at) \
                 VALUES ($1, $2, $3, 'running', $4) ON CONFLICT DO NOTHING",
            )
            .bind(hub.0)
            .bind(s.id.0)
            .bind(cycle.0)
            .bind(ms(now))
            .execute(&self.pool)
            .await?
            .rows_affected();
            if claimed == 0 {
                // A run still `running` long after it began was cut off (a stop or a crash)
                // before its order committed: the order and the outcome commit together, so
                // it placed nothing, and it runs again.
                claimed = sqlx::query(
                    "UPDATE standing_order_runs SET created_at = $1 WHERE organization_id = $2 \
                     AND standing_order_id = $3 AND cycle_id = $4 AND outcome = 'running' \
                     AND created_at < $5",
                )
                .bind(ms(now))
                .bind(hub.0)
                .bind(s.id.0)
                .bind(cycle.0)
                .bind(ms(now) - RUN_CUT_OFF_MS)
                .execute(&self.pool)
                .await?
                .rows_affected();
            }
            if claimed == 0 {
                continue;
            }
            let run = if s.skip_next {
                sqlx::query("UPDATE standing_orders SET skip_next = $1 WHERE organization_id = $2 AND id = $3")
                    .bind(false)
                    .bind(hub.0)
                    .bind(s.id.0)
                    .execute(&self.pool)
                    .await?;
                Run {
                    cycle,
                    order: None,
                    outcome: "skipped".into(),
                    shortages: Vec::new(),
                    placed: Vec::new(),
                    at: self.now(),
                }
            } else {
                self.run_one(&s, &c).await?
            };
            if run.outcome == "placed" {
                // Recorded with its order.
                reports.push(RunReport {
                    hub,
                    buyer: s.input.buyer,
                    standing: s.id,
                    run,
                });
                continue;
            }
            // The run's outcome and its event commit together.
            let mut tx = self.write_tx().await?;
            sqlx::query(
                "UPDATE standing_order_runs SET order_id = $1, outcome = $2, shortages = $3 \
                 WHERE organization_id = $4 AND standing_order_id = $5 AND cycle_id = $6",
            )
            .bind(run.order.map(|o| o.0))
            .bind(&run.outcome)
            .bind(
                serde_json::to_string(
                    &run.shortages
                        .iter()
                        .map(|(p, w, g)| (p.0, w.0, g.0))
                        .collect::<Vec<_>>(),
                )
                .unwrap_or_default(),
            )
            .bind(hub.0)
            .bind(s.id.0)
            .bind(cycle.0)
            .execute(&mut *tx)
            .await?;
            let ran = crate::platform::events::Event::StandingOrderRan {
                hub,
                buyer: s.input.buyer,
                standing: s.id,
                cycle,
                order: run.order,
                outcome: run.outcome.clone(),
                shortages: run.shortages.clone(),
            };
            crate::platform::events::record(&mut tx, ran, self.now()).await?;
            tx.commit().await?;
            reports.push(RunReport {
                hub,
                buyer: s.input.buyer,
                standing: s.id,
                run,
            });
        }
        Ok(reports)
    }

    /// Places one standing order with what is available: a line short of stock is lowered to
    /// what remains (or dropped), and the order is tried again.
    async fn run_one(&self, s: &StandingOrder, c: &crate::hub::cycles::Cycle) -> StoreResult<Run> {
        // The named pickup point or zone, never another one in its place; none named: the first.
        let location = if s.input.location_name.trim().is_empty() {
            c.locations.first()
        } else {
            let found = c
                .locations
                .iter()
                .find(|l| l.input.name == s.input.location_name.trim());
            if found.is_none() && !c.locations.is_empty() {
                return Ok(Run {
                    cycle: c.id,
                    order: None,
                    outcome: format!("failed:{}", Refusal::UnknownLocation),
                    shortages: Vec::new(),
                    placed: Vec::new(),
                    at: self.now(),
                });
            }
            found
        }
        .map(|l| l.id);
        // A product this cycle does not offer, or no longer shows this buyer, is short of all of it.
        let offered: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT a.product_id FROM availability a JOIN products p ON p.organization_id = a.producer_id \
             AND p.id = a.product_id WHERE a.organization_id = $1 AND a.cycle_id = $2 AND p.active = $3 AND {}",
            crate::hub::visibility::visible_to_buyer("p.id", "$2", "$1", "$4")
        ))
        .bind(s.hub.0)
        .bind(c.id.0)
        .bind(true)
        .bind(s.input.buyer.0)
        .fetch_all(&self.pool)
        .await?;
        let (mut lines, missing): (Vec<_>, Vec<_>) = s
            .input
            .lines
            .iter()
            .copied()
            .partition(|(p, _)| offered.contains(&p.0));
        let mut shortages: Vec<(ProductId, Qty, Qty)> = missing
            .into_iter()
            .map(|(p, q)| (p, q, Qty::ZERO))
            .collect();
        let scope = HubScope::system(s.hub);
        let failed = |code: &str, shortages| Run {
            placed: Vec::new(),
            cycle: c.id,
            order: None,
            outcome: format!("failed:{code}"),
            shortages,
            at: self.now(),
        };
        for _ in 0..=s.input.lines.len() {
            if lines.is_empty() {
                break;
            }
            let input = OrderInput {
                buyer: s.input.buyer,
                location,
                // A cycle with several delivery days delivers standing orders on its first.
                delivery_day: c.delivery_days.first().copied(),
                po_number: s.input.po_number.clone(),
                note: s.input.note.clone(),
                lines: lines.clone(),
            };
            let record = StandingPlacement {
                id: s.id,
                shortages: shortages.clone(),
            };
            match self
                .place_order_as(&scope, c.id, &input, None, Some(record))
                .await
                .map(|p| p.order)
            {
                Ok(id) => {
                    return Ok(Run {
                        cycle: c.id,
                        order: Some(id),
                        outcome: "placed".into(),
                        shortages,
                        placed: lines,
                        at: self.now(),
                    });
                }
                Err(StoreError::Shortage(short)) => {
                    for l in short {
                        let p = l.product.id;
                        let wanted = s
                            .input
                            .lines
                            .iter()
                            .find(|(x, _)| *x == p)
                            .map(|(_, q)| *q)
                            .unwrap_or_default();
                        shortages.retain(|(x, _, _)| *x != p);
                        shortages.push((p, wanted, l.left));
                        lines.retain(|(x, _)| *x != p);
                        if l.left.0 > 0 {
                            lines.push((p, l.left));
                        }
                    }
                }
                // A refusal of the order, or of a line as such (its unit changed since).
                Err(StoreError::Invalid(fields)) => {
                    let code = fields.first().map_or("invalid", |f| f.code);
                    return Ok(failed(code, shortages));
                }
                Err(StoreError::Refused(r)) => return Ok(failed(r.code(), shortages)),
                Err(e) => return Err(e),
            }
        }
        Ok(Run {
            cycle: c.id,
            order: None,
            outcome: "failed:nothing_available".into(),
            shortages,
            placed: Vec::new(),
            at: self.now(),
        })
    }
}
