//! Delivery routes: named, each with a default order of buyers reused week to week. For a
//! delivery day, each order to deliver becomes a stop on its buyer's route, in that order; the
//! hub renumbers stops as the day requires. The driver marks each stop delivered (with who
//! received it) or not delivered: delivered goods leave the stock, undelivered ones come back
//! to it.

use super::day_text;
use super::stock::{self, NewMovement};
use crate::db::ms;
use crate::hub::HubScope;
use crate::hub::billing::invoices::issue_in;
use crate::hub::billing::settings::saved_settings;
use crate::platform::audit::{self, Action, Change};
use crate::platform::events::{self, Event};
use crate::platform::rows::{instant_opt, parsed};
use crate::{Store, StoreError, StoreResult};
use halles_core::fulfilment::{MovementKind, StopStatus};
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_core::{CycleId, OrderId, OrgId, RouteId, StopId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::FromRow;

/// The longest route name.
const NAME_MAX: usize = 80;

/// A route of the hub, with its default order of buyers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// Its id.
    pub id: RouteId,
    /// Its name ("Nord", "Hôpitaux").
    pub name: String,
    /// Its buyers in their usual order: id and name.
    pub buyers: Vec<(OrgId, String)>,
}

/// A buyer's delivery details, kept by the hub.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryDetails {
    /// Street address.
    pub address: String,
    /// Who to ask for, and a phone number.
    pub contact: String,
    /// How to deliver (door, hours, code).
    pub instructions: String,
}

/// A stop of a route on a delivery day: one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stop {
    /// Its id.
    pub id: StopId,
    /// The route.
    pub route: RouteId,
    /// The order.
    pub order: OrderId,
    /// The buyer.
    pub buyer: OrgId,
    /// The buyer's name.
    pub buyer_name: String,
    /// Its place on the route, from 1.
    pub number: i64,
    /// Where it stands.
    pub status: StopStatus,
    /// Who received it.
    pub recipient: String,
    /// The driver's note.
    pub note: String,
    /// When it was delivered or found undeliverable.
    pub done_at: Option<Timestamp>,
    /// The buyer's delivery details.
    pub details: DeliveryDetails,
    /// The order's note for the hub.
    pub order_note: String,
    /// How many cases it has.
    pub cases: i64,
    /// Whether the driver left a photo as proof of delivery.
    pub photo: bool,
}

/// The largest photo stored with a stop, in bytes: the pages and the API make every photo a
/// JPEG of at most 800 × 800 pixels first (`halles_docs::photo`), far below this.
pub const MAX_STOP_PHOTO_BYTES: usize = 2 * 1024 * 1024;

#[derive(FromRow)]
struct StopRow {
    id: i64,
    route_id: i64,
    order_id: i64,
    buyer_id: i64,
    buyer_name: String,
    seq: i64,
    status: String,
    recipient: String,
    note: String,
    done_at: Option<i64>,
    delivery_address: Option<String>,
    delivery_contact: Option<String>,
    delivery_instructions: Option<String>,
    order_note: String,
    cases: i64,
    photo: i64,
}

/// What the driver says of a stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopOutcome {
    /// Delivered, received by this person.
    Delivered {
        /// Who received it.
        recipient: String,
        /// A note.
        note: String,
    },
    /// Not delivered (closed, refused): the goods come back.
    Undelivered {
        /// Why.
        note: String,
    },
}

impl Store {
    /// Creates a route.
    pub async fn create_route(&self, hs: &HubScope, name: &str) -> StoreResult<RouteId> {
        let hub = hs.own()?.hub();
        let mut v = Validator::new();
        if v.required("name", name) {
            v.max_len("name", name, NAME_MAX);
        }
        v.finish().map_err(StoreError::Invalid)?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM routes WHERE organization_id = $1 AND LOWER(name) = LOWER($2)",
        )
        .bind(hub.0)
        .bind(name.trim())
        .fetch_optional(&self.pool)
        .await?;
        if taken.is_some() {
            return Err(StoreError::field("name", Refusal::DuplicateName));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO routes (organization_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(hub.0)
        .bind(name.trim())
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let change = Change::by(hs.tenant(), Action::Create, "route", id)
            .after(serde_json::json!({"name": name.trim()}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(RouteId(id))
    }

    /// The hub's routes, by name, each with its buyers in their usual order.
    pub async fn routes(&self, hs: &HubScope) -> StoreResult<Vec<Route>> {
        let hub = hs.own()?.hub();
        let routes: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM routes WHERE organization_id = $1 ORDER BY LOWER(name), id",
        )
        .bind(hub.0)
        .fetch_all(&self.pool)
        .await?;
        let buyers: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT r.route_id, r.buyer_id, b.name FROM route_buyers r JOIN organizations b ON b.id = r.buyer_id \
             WHERE r.organization_id = $1 ORDER BY r.route_id, r.seq",
        )
        .bind(hub.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(routes
            .into_iter()
            .map(|(id, name)| Route {
                id: RouteId(id),
                name,
                buyers: buyers
                    .iter()
                    .filter(|(r, _, _)| *r == id)
                    .map(|(_, b, n)| (OrgId(*b), n.clone()))
                    .collect(),
            })
            .collect())
    }

    /// Sets a route's buyers in their usual order (a buyer is on one route at a time: naming
    /// it here takes it off any other).
    pub async fn set_route_buyers(
        &self,
        hs: &HubScope,
        route: RouteId,
        buyers: &[OrgId],
    ) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        if !self.routes(hs).await?.iter().any(|r| r.id == route) {
            return Err(StoreError::NotFound);
        }
        for b in buyers {
            self.buyer_type_at(hub, *b)
                .await?
                .ok_or(StoreError::NotFound)?;
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM route_buyers WHERE organization_id = $1 AND route_id = $2")
            .bind(hub.0)
            .bind(route.0)
            .execute(&mut *tx)
            .await?;
        let mut seen = Vec::new();
        for b in buyers.iter().filter(|b| {
            let first = !seen.contains(*b);
            seen.push(**b);
            first
        }) {
            sqlx::query("DELETE FROM route_buyers WHERE organization_id = $1 AND buyer_id = $2")
                .bind(hub.0)
                .bind(b.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO route_buyers (organization_id, buyer_id, route_id, seq) VALUES ($1, $2, $3, \
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM route_buyers WHERE organization_id = $1 AND route_id = $3))",
            )
            .bind(hub.0)
            .bind(b.0)
            .bind(route.0)
            .execute(&mut *tx)
            .await?;
        }
        let change = Change::by(hs.tenant(), Action::Update, "route", route)
            .after(serde_json::json!({"buyers": buyers}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a buyer's delivery details (address, contact, instructions), each at most 300
    /// characters.
    pub async fn set_delivery_details(
        &self,
        hs: &HubScope,
        buyer: OrgId,
        d: &DeliveryDetails,
    ) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        self.buyer_type_at(hub, buyer)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut v = Validator::new();
        v.max_len("address", &d.address, 300);
        v.max_len("contact", &d.contact, 300);
        v.max_len("instructions", &d.instructions, 300);
        v.finish().map_err(StoreError::Invalid)?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE hub_buyers SET delivery_address = $1, delivery_contact = $2, delivery_instructions = $3 \
             WHERE organization_id = $4 AND buyer_id = $5",
        )
        .bind(d.address.trim())
        .bind(d.contact.trim())
        .bind(d.instructions.trim())
        .bind(hub.0)
        .bind(buyer.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(hs.tenant(), Action::Update, "hub_buyer", buyer)
            .after(serde_json::to_value(d).unwrap_or_default());
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A buyer's delivery details at the hub.
    pub async fn delivery_details(
        &self,
        hs: &HubScope,
        buyer: OrgId,
    ) -> StoreResult<DeliveryDetails> {
        let hub = hs.own()?.hub();
        let row: (String, String, String) = sqlx::query_as(
            "SELECT delivery_address, delivery_contact, delivery_instructions FROM hub_buyers \
             WHERE organization_id = $1 AND buyer_id = $2",
        )
        .bind(hub.0)
        .bind(buyer.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(DeliveryDetails {
            address: row.0,
            contact: row.1,
            instructions: row.2,
        })
    }

    /// Makes a stop of every placed order of the day whose buyer is on a route and that has
    /// none yet, after the route's stops, in the route's usual order. Answers how many it
    /// added; orders of buyers on no route stay without one.
    pub async fn plan_routes(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        day: Option<Date>,
    ) -> StoreResult<usize> {
        let hub = hs.own()?.hub();
        self.cycle_past_cut_off(hub, cycle).await?;
        let due: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT o.id, r.route_id FROM orders o JOIN route_buyers r ON r.organization_id = o.organization_id \
             AND r.buyer_id = o.buyer_id WHERE o.organization_id = $1 AND o.cycle_id = $2 AND o.status = 'placed' \
             AND o.delivery_day = $3 AND NOT EXISTS (SELECT 1 FROM stops s WHERE s.organization_id = o.organization_id \
             AND s.order_id = o.id) ORDER BY r.route_id, r.seq, o.id",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(day_text(day))
        .fetch_all(&self.pool)
        .await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        for (order, route) in &due {
            sqlx::query(
                "INSERT INTO stops (organization_id, route_id, order_id, seq) VALUES ($1, $2, $3, \
                 (SELECT COALESCE(MAX(s.seq), 0) + 1 FROM stops s JOIN orders o ON o.organization_id = s.organization_id \
                  AND o.id = s.order_id WHERE s.organization_id = $1 AND s.route_id = $2 AND o.cycle_id = $4 \
                  AND o.delivery_day = $5))",
            )
            .bind(hub.0)
            .bind(*route)
            .bind(*order)
            .bind(cycle.0)
            .bind(day_text(day))
            .execute(&mut *tx)
            .await?;
        }
        if !due.is_empty() {
            let change = Change::by(hs.tenant(), Action::Create, "stops", cycle)
                .after(serde_json::json!({"delivery_day": day, "orders": due}));
            audit::record(&mut tx, change, now).await?;
        }
        tx.commit().await?;
        Ok(due.len())
    }

    /// Puts an order on a route at a place (from 1; the other stops move down), or moves its
    /// stop there.
    pub async fn place_stop(
        &self,
        hs: &HubScope,
        order: OrderId,
        route: RouteId,
        number: i64,
    ) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        let o = self.order(hs, order).await?;
        self.cycle_past_cut_off(hub, o.cycle).await?;
        if !self.routes(hs).await?.iter().any(|r| r.id == route) {
            return Err(StoreError::NotFound);
        }
        if self.order_delivered(hub, order).await? {
            return Err(StoreError::Refused(Refusal::OrderDelivered));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let was: Option<String> = sqlx::query_scalar(
            "SELECT status FROM stops WHERE organization_id = $1 AND order_id = $2",
        )
        .bind(hub.0)
        .bind(order.0)
        .fetch_optional(&mut *tx)
        .await?;
        if was.as_deref() == Some(StopStatus::Undelivered.code()) {
            // Brought back undelivered, it goes out again: what came back is set aside again,
            // as far as it is still free.
            self.set_aside_again(&mut tx, hub, &o, hs.tenant().actor.user, now)
                .await?;
        }
        sqlx::query("DELETE FROM stops WHERE organization_id = $1 AND order_id = $2")
            .bind(hub.0)
            .bind(order.0)
            .execute(&mut *tx)
            .await?;
        // The day's other stops of the route, in order, with this one at its place.
        let others: Vec<i64> = sqlx::query_scalar(
            "SELECT s.id FROM stops s JOIN orders o ON o.organization_id = s.organization_id AND o.id = s.order_id \
             WHERE s.organization_id = $1 AND s.route_id = $2 AND o.cycle_id = $3 AND o.delivery_day = $4 \
             ORDER BY s.seq, s.id",
        )
        .bind(hub.0)
        .bind(route.0)
        .bind(o.cycle.0)
        .bind(day_text(o.delivery_day))
        .fetch_all(&mut *tx)
        .await?;
        let at = usize::try_from(number.max(1) - 1)
            .unwrap_or(0)
            .min(others.len());
        for (i, id) in others.iter().enumerate() {
            let seq = i64::try_from(i + usize::from(i >= at)).unwrap_or(i64::MAX) + 1;
            sqlx::query("UPDATE stops SET seq = $1 WHERE organization_id = $2 AND id = $3")
                .bind(seq)
                .bind(hub.0)
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO stops (organization_id, route_id, order_id, seq) VALUES ($1, $2, $3, $4)",
        )
        .bind(hub.0)
        .bind(route.0)
        .bind(order.0)
        .bind(i64::try_from(at).unwrap_or(0) + 1)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(hs.tenant(), Action::Update, "stop", order)
            .after(serde_json::json!({"route": route, "number": at + 1}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets aside again, for each line of an order that came back undelivered, what each lot
    /// took back (`returned`), as far as the lot still holds it free.
    async fn set_aside_again(
        &self,
        tx: &mut sqlx::AnyConnection,
        hub: OrgId,
        o: &crate::hub::orders::Order,
        by: Option<halles_core::UserId>,
        now: jiff::Timestamp,
    ) -> StoreResult<()> {
        for l in &o.lines {
            let back: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT lot_id, CAST(SUM(quantity) AS BIGINT) FROM stock_movements WHERE organization_id = $1 \
                 AND order_line_id = $2 AND kind = 'returned' GROUP BY lot_id ORDER BY lot_id",
            )
            .bind(hub.0)
            .bind(l.id.0)
            .fetch_all(&mut *tx)
            .await?;
            for (lot, q) in back {
                let lot = halles_core::LotId(lot);
                let (on_hand, allocated) = stock::held(tx, hub, lot).await?;
                let take = q.min(on_hand - allocated);
                if take > 0 {
                    let m = NewMovement::of(lot, MovementKind::Allocated, Qty(take))
                        .for_line(o.id, l.id);
                    stock::record(tx, hub, &m, by, now).await?;
                }
            }
        }
        Ok(())
    }

    /// A route's stops on a cycle's delivery day, in order: the driver's manifest.
    pub async fn stops(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        day: Option<Date>,
        route: RouteId,
    ) -> StoreResult<Vec<Stop>> {
        let hub = hs.own()?.hub();
        self.stop_rows(
            hub,
            "s.route_id = $2 AND o.cycle_id = $3 AND o.delivery_day = $4",
            &[route.0, cycle.0],
            Some(day_text(day)),
        )
        .await
    }

    /// One stop of the hub.
    pub async fn stop(&self, hs: &HubScope, stop: StopId) -> StoreResult<Stop> {
        let hub = hs.own()?.hub();
        self.stop_rows(hub, "s.id = $2", &[stop.0], None)
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// The delivery of an order as its hub or its buyer reads it: its stop, if it has one
    /// (status, who received it and when, how many cases).
    pub async fn order_delivery(&self, hs: &HubScope, order: OrderId) -> StoreResult<Option<Stop>> {
        let o = self.order(hs, order).await?;
        hs.for_buyer(o.buyer)?;
        Ok(self
            .stop_rows(hs.hub(), "s.order_id = $2", &[order.0], None)
            .await?
            .pop())
    }

    /// The stops of the hub matching `filter` (over `stops s` and `orders o`, its binds from
    /// `$2`: the ids, then the delivery day), in order.
    async fn stop_rows(
        &self,
        hub: OrgId,
        filter: &str,
        ids: &[i64],
        day: Option<String>,
    ) -> StoreResult<Vec<Stop>> {
        let sql = format!(
            "SELECT s.id, s.route_id, s.order_id, o.buyer_id, b.name AS buyer_name, s.seq, s.status, s.recipient, \
             s.note, s.done_at, hb.delivery_address, hb.delivery_contact, hb.delivery_instructions, o.note AS order_note, \
             (SELECT COUNT(*) FROM cases c WHERE c.organization_id = s.organization_id AND c.order_id = s.order_id) AS cases, \
             (SELECT COUNT(*) FROM stop_photos p WHERE p.organization_id = s.organization_id AND p.stop_id = s.id) AS photo \
             FROM stops s JOIN orders o ON o.organization_id = s.organization_id AND o.id = s.order_id \
             JOIN organizations b ON b.id = o.buyer_id \
             LEFT JOIN hub_buyers hb ON hb.organization_id = s.organization_id AND hb.buyer_id = o.buyer_id \
             WHERE s.organization_id = $1 AND {filter} ORDER BY s.seq, s.id"
        );
        let mut q = sqlx::query_as::<_, StopRow>(&sql).bind(hub.0);
        for id in ids {
            q = q.bind(*id);
        }
        if let Some(d) = day {
            q = q.bind(d);
        }
        let rows: Vec<StopRow> = q.fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|r| {
                Ok(Stop {
                    id: StopId(r.id),
                    route: RouteId(r.route_id),
                    order: OrderId(r.order_id),
                    buyer: OrgId(r.buyer_id),
                    buyer_name: r.buyer_name,
                    number: r.seq,
                    status: parsed(&r.status, "stop status")?,
                    recipient: r.recipient,
                    note: r.note,
                    done_at: instant_opt(r.done_at)?,
                    details: DeliveryDetails {
                        address: r.delivery_address.unwrap_or_default(),
                        contact: r.delivery_contact.unwrap_or_default(),
                        instructions: r.delivery_instructions.unwrap_or_default(),
                    },
                    order_note: r.order_note,
                    cases: r.cases,
                    photo: r.photo > 0,
                })
            })
            .collect()
    }

    /// The stop of an order, if it has one: its route and its place.
    pub async fn stop_of(
        &self,
        hs: &HubScope,
        order: OrderId,
    ) -> StoreResult<Option<(RouteId, String, i64)>> {
        let hub = hs.own()?.hub();
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "SELECT s.route_id, r.name, s.seq FROM stops s JOIN routes r ON r.organization_id = s.organization_id \
             AND r.id = s.route_id WHERE s.organization_id = $1 AND s.order_id = $2",
        )
        .bind(hub.0)
        .bind(order.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(r, n, s)| (RouteId(r), n, s)))
    }

    /// The route name and stop number of every order of a cycle that has a stop, in one
    /// read (labels print them for thousands of orders).
    pub async fn stops_of_cycle(
        &self,
        hs: &HubScope,
        cycle: CycleId,
    ) -> StoreResult<std::collections::HashMap<OrderId, (String, i64)>> {
        let hub = hs.own()?.hub();
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT s.order_id, r.name, s.seq FROM stops s \
             JOIN routes r ON r.organization_id = s.organization_id AND r.id = s.route_id \
             JOIN orders o ON o.organization_id = s.organization_id AND o.id = s.order_id \
             WHERE s.organization_id = $1 AND o.cycle_id = $2",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(o, name, seq)| (OrderId(o), (name, seq)))
            .collect())
    }

    /// Marks a stop delivered (with who received it: `recipient_required`) or not delivered.
    /// Delivered, what its lines hold of each lot leaves the stock; not delivered, it is set
    /// aside no more and stays on hand. A stop is marked once.
    pub async fn mark_stop(
        &self,
        hs: &HubScope,
        stop: StopId,
        outcome: &StopOutcome,
    ) -> StoreResult<()> {
        self.mark_stop_with_photo(hs, stop, outcome, None).await
    }

    /// [`Store::mark_stop`] with the driver's photo (a JPEG), kept with the stop in the same
    /// transaction: `photo_too_large` past [`MAX_STOP_PHOTO_BYTES`], `photo_unreadable` for
    /// anything but a JPEG, checked with the other fields.
    pub async fn mark_stop_with_photo(
        &self,
        hs: &HubScope,
        stop: StopId,
        outcome: &StopOutcome,
        photo: Option<&[u8]>,
    ) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "SELECT s.order_id, s.status, o.buyer_id FROM stops s JOIN orders o ON o.organization_id = s.organization_id \
             AND o.id = s.order_id WHERE s.organization_id = $1 AND s.id = $2",
        )
        .bind(hub.0)
        .bind(stop.0)
        .fetch_optional(&self.pool)
        .await?;
        let (order, status, buyer) = row.ok_or(StoreError::NotFound)?;
        let (order, buyer) = (OrderId(order), OrgId(buyer));
        if status != StopStatus::Pending.code() {
            return Err(StoreError::Refused(Refusal::OrderDelivered));
        }
        let mut v = Validator::new();
        let (status, recipient, note, kind) = match outcome {
            StopOutcome::Delivered { recipient, note } => {
                if v.required("recipient", recipient) {
                    v.max_len("recipient", recipient, 120);
                }
                (
                    StopStatus::Delivered,
                    recipient.trim(),
                    note.trim(),
                    MovementKind::Delivered,
                )
            }
            StopOutcome::Undelivered { note } => (
                StopStatus::Undelivered,
                "",
                note.trim(),
                MovementKind::Returned,
            ),
        };
        v.max_len("note", note, 500);
        if let Some(jpeg) = photo
            && let Err(r) = check_photo(jpeg)
        {
            v.refuse("photo", r);
        }
        if let Err(mut errors) = v.finish() {
            for e in &mut errors {
                if e.field == "recipient" && e.code == "required" {
                    e.code = Refusal::RecipientRequired.code();
                }
            }
            return Err(StoreError::Invalid(errors));
        }
        let o = self.order(hs, order).await?;
        let now = self.now();
        let by = hs.tenant().actor.user;
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE stops SET status = $1, recipient = $2, note = $3, done_at = $4, done_by = $5 \
             WHERE organization_id = $6 AND id = $7 AND status = 'pending'",
        )
        .bind(status.code())
        .bind(recipient)
        .bind(note)
        .bind(ms(now))
        .bind(by.map(|u| u.0))
        .bind(hub.0)
        .bind(stop.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Refused(Refusal::OrderDelivered));
        }
        for l in &o.lines {
            for (lot, q) in stock::allocations_of_line(&mut tx, hub, l.id).await? {
                let m = NewMovement::of(lot, kind, q).for_line(order, l.id);
                stock::record(&mut tx, hub, &m, by, now).await?;
            }
        }
        if let Some(jpeg) = photo {
            put_photo(&mut tx, hub, stop, jpeg, by, now).await?;
        }
        let change = Change::by(hs.tenant(), Action::Update, "stop", stop).after(
            serde_json::json!({"status": status.code(), "recipient": recipient, "note": note,
                "photo": photo.map(<[u8]>::len)}),
        );
        audit::record(&mut tx, change, now).await?;
        if status == StopStatus::Delivered {
            let event = Event::OrderDelivered { hub, buyer, order };
            events::record(&mut tx, event, now).await?;
            // A hub that set up billing invoices what was delivered, in the same transaction.
            if let Some(settings) = saved_settings(&mut tx, hub).await?
                && settings.auto_issue
            {
                issue_in(&mut tx, &settings, &o, hs.tenant(), now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds or replaces a stop's photo (a JPEG) after it was marked, or before: the driver who
    /// marked it from a phone without a signal sends it later. Audited with its size.
    pub async fn set_stop_photo(
        &self,
        hs: &HubScope,
        stop: StopId,
        jpeg: &[u8],
    ) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        check_photo(jpeg).map_err(|r| StoreError::field("photo", r))?;
        let now = self.now();
        let by = hs.tenant().actor.user;
        let mut tx = self.write_tx().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM stops WHERE organization_id = $1 AND id = $2")
                .bind(hub.0)
                .bind(stop.0)
                .fetch_optional(&mut *tx)
                .await?;
        exists.ok_or(StoreError::NotFound)?;
        let before: Option<i64> = sqlx::query_scalar(
            "SELECT taken_at FROM stop_photos WHERE organization_id = $1 AND stop_id = $2",
        )
        .bind(hub.0)
        .bind(stop.0)
        .fetch_optional(&mut *tx)
        .await?;
        put_photo(&mut tx, hub, stop, jpeg, by, now).await?;
        let change = Change::by(hs.tenant(), Action::Update, "stop_photo", stop)
            .before(serde_json::json!({"photo": before.is_some()}))
            .after(serde_json::json!({"photo": jpeg.len()}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A stop's photo (JPEG), for its hub.
    pub async fn stop_photo(&self, hs: &HubScope, stop: StopId) -> StoreResult<Option<Vec<u8>>> {
        let hub = hs.own()?.hub();
        self.photo_of(hub, "s.id = $2", stop.0).await
    }

    /// The photo of an order's delivery (JPEG), as its buyer or its hub reads it (another
    /// buyer's order answers `NotFound`, as [`Store::order_delivery`]).
    pub async fn order_delivery_photo(
        &self,
        hs: &HubScope,
        order: OrderId,
    ) -> StoreResult<Option<Vec<u8>>> {
        let o = self.order(hs, order).await?;
        hs.for_buyer(o.buyer)?;
        self.photo_of(hs.hub(), "s.order_id = $2", order.0).await
    }

    async fn photo_of(&self, hub: OrgId, filter: &str, id: i64) -> StoreResult<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar(&format!(
            "SELECT p.jpeg FROM stop_photos p JOIN stops s ON s.organization_id = p.organization_id \
             AND s.id = p.stop_id WHERE p.organization_id = $1 AND {filter}"
        ))
        .bind(hub.0)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }
}

/// A stop's photo is a JPEG (its first bytes) of at most [`MAX_STOP_PHOTO_BYTES`].
fn check_photo(jpeg: &[u8]) -> Result<(), Refusal> {
    if jpeg.len() > MAX_STOP_PHOTO_BYTES {
        Err(Refusal::PhotoTooLarge)
    } else if !jpeg.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Err(Refusal::PhotoUnreadable)
    } else {
        Ok(())
    }
}

/// Writes a stop's photo, replacing any, in the caller's transaction.
async fn put_photo(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    stop: StopId,
    jpeg: &[u8],
    by: Option<halles_core::UserId>,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO stop_photos (organization_id, stop_id, jpeg, taken_at, taken_by) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (organization_id, stop_id) DO UPDATE SET jpeg = $3, taken_at = $4, taken_by = $5",
    )
    .bind(hub.0)
    .bind(stop.0)
    .bind(jpeg)
    .bind(ms(now))
    .bind(by.map(|u| u.0))
    .execute(&mut *tx)
    .await?;
    Ok(())
}
