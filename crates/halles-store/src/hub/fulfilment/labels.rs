//! What producers' product labels print, read from the hub's records of a delivery day: one
//! label per lot received (name, producer, lot, packing day, best-before, GTIN, the quantity
//! received) and one per weighed unit of a catch-weight line (the same, with the unit's real
//! weight, the price per kilogram and the price). The hub prints them all; a producer prints
//! its own products' (without prices: what the buyer pays is the hub's to print).

use super::{day_of, day_text};
use crate::hub::HubScope;
use crate::platform::rows::{instant, parsed};
use crate::{Store, StoreError, StoreResult};
use halles_core::catalog::SaleUnit;
use halles_core::fulfilment::catch_weight_amount;
use halles_core::money::Cents;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::{CycleId, OrgId, ProductId};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::FromRow;

/// The most product labels printed at once (what `halles-docs` draws in one call).
pub const MAX_PRODUCT_LABELS: usize = 10_000;

/// One product label's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelledProduct {
    /// The product.
    pub product: ProductId,
    /// Its French name, as received or ordered.
    pub name_fr: String,
    /// Its English name (may be empty).
    pub name_en: String,
    /// The producer.
    pub producer: OrgId,
    /// The producer's name.
    pub producer_name: String,
    /// The product's GTIN, if the producer gave one.
    pub gtin: Option<String>,
    /// The lot's code (none for a unit weighed before its lot was received).
    pub lot: Option<String>,
    /// Harvest or packing day: the lot's, else the day it was received or weighed.
    pub packed_on: Date,
    /// Best before, from the lot.
    pub best_before: Option<Date>,
    /// For a lot: what was received, in its sale unit.
    pub quantity: Option<(Qty, SaleUnit)>,
    /// For a weighed unit: its weight in grams.
    pub weight_g: Option<i64>,
    /// For a weighed unit, on the hub's labels: the buyer's price per kilogram.
    pub kg_price: Option<Cents>,
    /// For a weighed unit, on the hub's labels: its price (price per kg × weight).
    pub price: Option<Cents>,
}

impl LabelledProduct {
    /// The name in a language (French when the English one is empty).
    pub fn name(&self, lang: halles_core::accounts::Lang) -> &str {
        if lang == halles_core::accounts::Lang::En && !self.name_en.is_empty() {
            &self.name_en
        } else {
            &self.name_fr
        }
    }
}

#[derive(FromRow)]
struct LotLabelRow {
    code: String,
    product_id: i64,
    name_fr: String,
    name_en: String,
    producer_id: i64,
    producer_name: String,
    gtin: Option<String>,
    unit: String,
    packed_on: String,
    best_before: String,
    received_at: i64,
    received: i64,
}

#[derive(FromRow)]
struct UnitLabelRow {
    product_id: i64,
    name_fr: String,
    name_en: String,
    producer_id: i64,
    producer_name: String,
    gtin: Option<String>,
    weight_g: i64,
    entered_at: i64,
    kg_price_cents: Option<i64>,
    lot_code: Option<String>,
    packed_on: Option<String>,
    best_before: Option<String>,
}

/// A stored day ('' for none) read back.
fn date_of(text: Option<&str>) -> StoreResult<Option<Date>> {
    day_of(text.unwrap_or_default())
}

impl Store {
    /// The product labels of a cycle's delivery day: every lot received for it, then every
    /// weighed unit of its orders, by product. The hub reads all of them with their prices; a
    /// producer its own products' without prices. More than [`MAX_PRODUCT_LABELS`] answers
    /// `too_many_labels`.
    pub async fn product_labels(
        &self,
        hs: &HubScope,
        cycle: CycleId,
        day: Option<Date>,
    ) -> StoreResult<Vec<LabelledProduct>> {
        let hub = hs.hub();
        let only = (!hs.is_hub()).then_some(hs.tenant().org);
        if let Some(p) = only {
            hs.for_producer(p)?;
        }
        self.cycle(hs, cycle).await?;
        let filter = (hub, cycle, day_text(day), only.map_or(0, |o| o.0));
        let lots: Vec<LotLabelRow> = self
            .label_rows(
            "SELECT t.code, t.product_id, t.name_fr, t.name_en, t.producer_id, pr.name AS producer_name, p.gtin, \
             t.unit, t.packed_on, t.best_before, t.received_at, \
             COALESCE((SELECT CAST(SUM(m.quantity) AS BIGINT) FROM stock_movements m WHERE m.organization_id = t.organization_id \
               AND m.lot_id = t.id AND m.kind = 'received'), 0) AS received \
             FROM lots t JOIN organizations pr ON pr.id = t.producer_id \
             LEFT JOIN products p ON p.organization_id = t.producer_id AND p.id = t.product_id \
             WHERE t.organization_id = $1 AND t.cycle_id = $2 AND t.delivery_day = $3 AND ($4 = 0 OR t.producer_id = $4) \
             ORDER BY t.name_fr, t.id LIMIT $5",
                &filter,
            )
            .await?;
        let units: Vec<UnitLabelRow> = self
            .label_rows(
            "SELECT l.product_id, l.name_fr, l.name_en, l.producer_id, pr.name AS producer_name, p.gtin, u.weight_g, \
             u.entered_at, l.kg_price_cents, t.code AS lot_code, t.packed_on, t.best_before \
             FROM packed_units u \
             JOIN order_lines l ON l.organization_id = u.organization_id AND l.id = u.order_line_id \
             JOIN orders o ON o.organization_id = l.organization_id AND o.id = l.order_id \
             JOIN organizations pr ON pr.id = l.producer_id \
             LEFT JOIN products p ON p.organization_id = l.producer_id AND p.id = l.product_id \
             LEFT JOIN lots t ON t.organization_id = l.organization_id AND t.id = \
               (SELECT MIN(m.lot_id) FROM stock_movements m WHERE m.organization_id = l.organization_id \
                AND m.order_line_id = l.id AND m.kind = 'allocated') \
             WHERE u.organization_id = $1 AND o.cycle_id = $2 AND o.status = 'placed' AND o.delivery_day = $3 \
             AND ($4 = 0 OR l.producer_id = $4) ORDER BY l.name_fr, l.id, u.unit_no LIMIT $5",
                &filter,
            )
            .await?;
        if lots.len() + units.len() > MAX_PRODUCT_LABELS {
            return Err(StoreError::Refused(Refusal::TooManyLabels));
        }
        let priced = only.is_none();
        let mut out = Vec::with_capacity(lots.len() + units.len());
        for r in lots {
            let received = halles_core::ordering::local_day(instant(r.received_at)?);
            out.push(LabelledProduct {
                product: ProductId(r.product_id),
                name_fr: r.name_fr,
                name_en: r.name_en,
                producer: OrgId(r.producer_id),
                producer_name: r.producer_name,
                gtin: r.gtin.filter(|g| !g.is_empty()),
                lot: Some(r.code),
                packed_on: date_of(Some(&r.packed_on))?.unwrap_or(received),
                best_before: date_of(Some(&r.best_before))?,
                quantity: Some((Qty(r.received), parsed(&r.unit, "unit")?)),
                weight_g: None,
                kg_price: None,
                price: None,
            });
        }
        for r in units {
            let weighed = halles_core::ordering::local_day(instant(r.entered_at)?);
            let kg_price = r.kg_price_cents.map(Cents).filter(|_| priced);
            out.push(LabelledProduct {
                product: ProductId(r.product_id),
                name_fr: r.name_fr,
                name_en: r.name_en,
                producer: OrgId(r.producer_id),
                producer_name: r.producer_name,
                gtin: r.gtin.filter(|g| !g.is_empty()),
                lot: r.lot_code,
                packed_on: date_of(r.packed_on.as_deref())?.unwrap_or(weighed),
                best_before: date_of(r.best_before.as_deref())?,
                quantity: None,
                weight_g: Some(r.weight_g),
                kg_price,
                price: kg_price.map(|k| catch_weight_amount(k, r.weight_g)),
            });
        }
        Ok(out)
    }

    /// The rows of one of the label queries (binds: hub, cycle, day, producer or 0, limit), at
    /// most one more than [`MAX_PRODUCT_LABELS`].
    async fn label_rows<T>(
        &self,
        sql: &str,
        (hub, cycle, day, producer): &(OrgId, CycleId, String, i64),
    ) -> StoreResult<Vec<T>>
    where
        T: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let cap = i64::try_from(MAX_PRODUCT_LABELS).unwrap_or(i64::MAX) + 1;
        Ok(sqlx::query_as(sql)
            .bind(hub.0)
            .bind(cycle.0)
            .bind(day.as_str())
            .bind(*producer)
            .bind(cap)
            .fetch_all(&self.pool)
            .await?)
    }
}
