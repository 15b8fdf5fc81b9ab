//! What the buyer's quick order form and running total read: the products a buyer usually
//! orders from a hub, and the buyer's open orders of a cycle.

use crate::hub::HubScope;
use crate::{Store, StoreResult};
use halles_core::money::Cents;
use halles_core::quantity::Qty;
use halles_core::{CycleId, LocationId, OrderId, OrgId, ProductId};
use std::collections::HashMap;

/// A product the buyer ordered in its recent cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsualProduct {
    /// The product.
    pub product: ProductId,
    /// In how many of those cycles the buyer ordered it.
    pub cycles: usize,
    /// What the buyer ordered of it in the latest of those cycles.
    pub last_qty: Qty,
}

/// A buyer's placed order in a cycle, for the running total of its next checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOrder {
    /// The order.
    pub id: OrderId,
    /// Its pickup point or delivery zone.
    pub location: Option<LocationId>,
    /// Its delivery day (none only for an order kept from before delivery days).
    pub delivery_day: Option<jiff::civil::Date>,
    /// The sum of its lines.
    pub subtotal: Cents,
}

impl Store {
    /// The products `buyer` ordered from the hub in its last `cycles` cycles with a placed order
    /// (`current` left out), most frequent first, then the most recently ordered; read by that
    /// buyer or the hub.
    pub async fn usual_products(
        &self,
        hs: &HubScope,
        buyer: OrgId,
        current: CycleId,
        cycles: i64,
    ) -> StoreResult<Vec<UsualProduct>> {
        let hub = hs.for_buyer(buyer)?.hub();
        // The lines of those cycles, newest cycle first.
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT o.cycle_id, l.product_id, l.quantity FROM order_lines l \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             WHERE o.organization_id = $1 AND o.buyer_id = $2 AND o.status = 'placed' \
             AND o.cycle_id IN (SELECT cycle_id FROM orders WHERE organization_id = $1 \
               AND buyer_id = $2 AND status = 'placed' AND cycle_id <> $3 \
               GROUP BY cycle_id ORDER BY MAX(id) DESC LIMIT $4) \
             ORDER BY o.id DESC",
        )
        .bind(hub.0)
        .bind(buyer.0)
        .bind(current.0)
        .bind(cycles)
        .fetch_all(&self.pool)
        .await?;
        // Per product: the cycles it was in (newest first) and the quantity of the newest.
        let mut seen: Vec<ProductId> = Vec::new();
        let mut by_product: HashMap<ProductId, (Vec<i64>, Qty)> = HashMap::new();
        for (cycle, product, qty) in rows {
            let product = ProductId(product);
            let e = by_product.entry(product).or_insert_with(|| {
                seen.push(product);
                (vec![cycle], Qty::ZERO)
            });
            if !e.0.contains(&cycle) {
                e.0.push(cycle);
            }
            // Two orders of the newest cycle (two locations) add up.
            if e.0[0] == cycle {
                e.1 = e.1.checked_add(Qty(qty)).unwrap_or(e.1);
            }
        }
        let mut out: Vec<UsualProduct> = seen
            .into_iter()
            .filter_map(|p| {
                by_product.remove(&p).map(|(c, q)| UsualProduct {
                    product: p,
                    cycles: c.len(),
                    last_qty: q,
                })
            })
            .collect();
        // Stable: among equals, the order of first sight (newest order first) stays.
        out.sort_by_key(|u| std::cmp::Reverse(u.cycles));
        Ok(out)
    }

    /// The buyer's placed orders in a cycle with their subtotals; read by that buyer or the hub.
    pub async fn open_orders(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        buyer: OrgId,
    ) -> StoreResult<Vec<OpenOrder>> {
        let hub = hs.for_buyer(buyer)?.hub();
        let rows: Vec<(i64, Option<i64>, String, i64, i64)> = sqlx::query_as(
            "SELECT o.id, o.location_id, o.delivery_day, l.quantity, l.unit_price_cents FROM orders o \
             JOIN order_lines l ON l.organization_id = o.organization_id AND l.order_id = o.id \
             WHERE o.organization_id = $1 AND o.cycle_id = $2 AND o.buyer_id = $3 \
             AND o.status = 'placed' ORDER BY o.id",
        )
        .bind(hub.0)
        .bind(cycle.0)
        .bind(buyer.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<OpenOrder> = Vec::new();
        for (id, location, day, qty, price) in rows {
            let line = Qty(qty).price(Cents(price));
            match out.last_mut() {
                Some(o) if o.id.0 == id => o.subtotal += line,
                _ => out.push(OpenOrder {
                    id: OrderId(id),
                    location: location.map(LocationId),
                    delivery_day: crate::hub::orders::day_of(&day)?,
                    subtotal: line,
                }),
            }
        }
        Ok(out)
    }
}
