//! Standing orders: these products every N weeks until a date. When a hub's cycle opens, each
//! due standing order becomes a real order with what is available; shortages are recorded for
//! the buyer. A run row per (standing order, cycle), claimed by an insert, makes it exactly once.

use crate::db::ms;
use crate::hub::HubScope;
use crate::hub::orders::OrderInput;
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
    /// When.
    pub at: Timestamp,
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
                       s.until_at, s.location_name, s.po_number, s.note, s.lines, s.skip_next, s.active";

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
            },
            starts_at: instant(r.starts_at)?,
            skip_next: r.skip_next.into(),
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
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO standing_orders (organization_id, buyer_id, every_weeks, starts_at, until_at, location_name, \
             po_number, note, lines, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $4) RETURNING id",
        )
        .bind(hub.0)
        .bind(s.buyer.0)
        .bind(s.every_weeks)
        .bind(ms(now))
        .bind(ms(s.until))
        .bind(s.location_name.trim())
        .bind(s.po_number.trim())
        .bind(s.note.trim())
        .bind(lines_json(&s.lines))
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
                        at: instant(r.created_at)?,
                    })
                })
                .collect::<StoreResult<_>>()?;
            out.push(s);
        }
        Ok(out)
    }

    /// Skips the next due cycle, or stops the standing order for good.
    pub async fn change_standing_order(
        &self,
        scope: &TenantScope,
        id: StandingOrderId,
        stop: bool,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let sql = if stop {
            "UPDATE standing_orders SET active = $1 WHERE id = $2 AND (buyer_id = $3 OR organization_id = $3)"
        } else {
            "UPDATE standing_orders SET skip_next = $1 WHERE id = $2 AND (buyer_id = $3 OR organization_id = $3)"
        };
        let n = sqlx::query(sql)
            .bind(!stop)
            .bind(id.0)
            .bind(scope.org.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(
            &mut tx,
            Change {
                org: Some(scope.org),
                actor: scope.actor,
                action: if stop { Action::Delete } else { Action::Update },
                entity: "standing_order",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({ if stop { "active" } else { "skip_next" }: !stop })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
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
             WHERE s.organization_id = $1 AND s.active = $2 AND s.until_at >= $3 AND s.starts_at <= $4"
        ))
        .bind(hub.0)
        .bind(true)
        .bind(ms(c.opens_at))
        .bind(ms(c.closes_at))
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
            let claimed = sqlx::query(
                "INSERT INTO standing_order_runs (organization_id, standing_order_id, cycle_id, outcome, created_at) \
                 VALUES ($1, $2, $3, 'running', $4) ON CONFLICT DO NOTHING",
            )
            .bind(hub.0)
            .bind(s.id.0)
            .bind(cycle.0)
            .bind(ms(self.now()))
            .execute(&self.pool)
            .await?
            .rows_affected();
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
                    at: self.now(),
                }
            } else {
                self.run_one(&s, &c).await?
            };
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
                    at: self.now(),
                });
            }
            found
        }
        .map(|l| l.id);
        // A product this cycle does not offer is short of all of it.
        let offered: Vec<i64> = sqlx::query_scalar(
            "SELECT a.product_id FROM availability a JOIN products p ON p.organization_id = a.producer_id \
             AND p.id = a.product_id WHERE a.organization_id = $1 AND a.cycle_id = $2 AND p.active = $3",
        )
        .bind(s.hub.0)
        .bind(c.id.0)
        .bind(true)
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
            match self.place_order(&scope, c.id, &input).await {
                Ok(id) => {
                    return Ok(Run {
                        cycle: c.id,
                        order: Some(id),
                        outcome: "placed".into(),
                        shortages,
                        at: self.now(),
                    });
                }
                Err(StoreError::Shortage(p)) => {
                    let left: i64 = sqlx::query_scalar("SELECT remaining FROM availability WHERE organization_id = $1 AND cycle_id = $2 AND product_id = $3")
                        .bind(s.hub.0)
                        .bind(c.id.0)
                        .bind(p.0)
                        .fetch_optional(&self.pool)
                        .await?
                        .unwrap_or(0);
                    let wanted = s
                        .input
                        .lines
                        .iter()
                        .find(|(x, _)| *x == p)
                        .map(|(_, q)| *q)
                        .unwrap_or_default();
                    shortages.retain(|(x, _, _)| *x != p);
                    shortages.push((p, wanted, Qty(left)));
                    lines.retain(|(x, _)| *x != p);
                    if left > 0 {
                        lines.push((p, Qty(left)));
                    }
                }
                Err(StoreError::Refused(code)) => {
                    return Ok(Run {
                        cycle: c.id,
                        order: None,
                        outcome: format!("failed:{code}"),
                        shortages,
                        at: self.now(),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Run {
            cycle: c.id,
            order: None,
            outcome: "failed:nothing_available".into(),
            shortages,
            at: self.now(),
        })
    }
}
