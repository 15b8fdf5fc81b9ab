//! Who sees what at a hub: tags on the hub's buyers (with the weight unit each reads prices
//! in), and products or whole cycles shown only to buyers carrying one of a rule's tags.
//!
//! A product or cycle without a rule is shown to every buyer. The rule is applied in the
//! queries themselves ([`visible_to_buyer`]): the buyer's catalog, the check of an order's
//! lines (a hidden product is `not_offered`), the standing-order run and the buyer's list of
//! open cycles.

use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::rows::parsed;
use crate::{Store, StoreError, StoreResult};
use halles_core::catalog::WeightUnit;
use halles_core::{CycleId, OrgId, ProductId};
use serde_json::json;
use std::collections::HashMap;

/// What a rule hides: a product or a whole cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A product of one of the hub's producers.
    Product(ProductId),
    /// One of the hub's cycles.
    Cycle(CycleId),
}

impl Rule {
    fn table(self) -> (&'static str, &'static str, i64) {
        match self {
            Rule::Product(p) => ("product_visibility", "product_id", p.0),
            Rule::Cycle(c) => ("cycle_visibility", "cycle_id", c.0),
        }
    }
}

/// A buyer's settings at a hub: its tags and the weight unit it reads prices in first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyerSettings {
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Kilograms or pounds first.
    pub weight_unit: WeightUnit,
}

/// The hub's rules: the tags of each product and cycle shown only to some buyers.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Products with a rule.
    pub products: HashMap<ProductId, Vec<String>>,
    /// Cycles with a rule.
    pub cycles: HashMap<CycleId, Vec<String>>,
}

/// An SQL condition, true when the rule table `table` (keyed by `column`) holds no tag for
/// `target` at hub `hub`, or one the buyer `buyer` carries there. The arguments are SQL
/// expressions (placeholders or columns).
fn shown_by(table: &str, column: &str, target: &str, hub: &str, buyer: &str) -> String {
    format!(
        "(NOT EXISTS (SELECT 1 FROM {table} v WHERE v.organization_id = {hub} AND v.{column} = {target}) \
         OR EXISTS (SELECT 1 FROM {table} v JOIN buyer_tags t ON t.organization_id = v.organization_id \
         AND t.tag = v.tag WHERE v.organization_id = {hub} AND v.{column} = {target} AND t.buyer_id = {buyer}))"
    )
}

/// An SQL condition: the product `product` in the cycle `cycle` of hub `hub` is shown to
/// `buyer` (neither the product nor the cycle has a rule leaving the buyer out).
pub(crate) fn visible_to_buyer(product: &str, cycle: &str, hub: &str, buyer: &str) -> String {
    format!(
        "{} AND {}",
        shown_by("product_visibility", "product_id", product, hub, buyer),
        cycle_visible_to_buyer(cycle, hub, buyer)
    )
}

/// An SQL condition: the cycle `cycle` of hub `hub` is shown to `buyer`.
pub(crate) fn cycle_visible_to_buyer(cycle: &str, hub: &str, buyer: &str) -> String {
    shown_by("cycle_visibility", "cycle_id", cycle, hub, buyer)
}

impl Store {
    /// Sets a buyer's tags and preferred weight unit at the hub (the hub's own work). A buyer
    /// the hub does not serve is `NotFound`.
    pub async fn set_buyer_settings(
        &self,
        hs: &HubScope,
        buyer: OrgId,
        settings: &BuyerSettings,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let before = self.buyer_settings(hs).await?.remove(&buyer);
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let found = sqlx::query(
            "UPDATE hub_buyers SET weight_unit = $1 WHERE organization_id = $2 AND buyer_id = $3",
        )
        .bind(settings.weight_unit.code())
        .bind(scope.org.0)
        .bind(buyer.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if found == 0 {
            return Err(StoreError::NotFound);
        }
        replace_tags(
            &mut tx,
            ("buyer_tags", "buyer_id", buyer.0),
            scope.org,
            &settings.tags,
        )
        .await?;
        let show = |s: &BuyerSettings| json!({"tags": s.tags, "weight_unit": s.weight_unit});
        let mut change =
            Change::by(scope, Action::Update, "buyer_settings", buyer).after(show(settings));
        if let Some(b) = &before {
            change = change.before(show(b));
        }
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Each served buyer's settings (the hub's own work).
    pub async fn buyer_settings(
        &self,
        hs: &HubScope,
    ) -> StoreResult<HashMap<OrgId, BuyerSettings>> {
        let hub = hs.own()?.hub();
        let links: Vec<(i64, String)> = sqlx::query_as(
            "SELECT buyer_id, weight_unit FROM hub_buyers WHERE organization_id = $1",
        )
        .bind(hub.0)
        .fetch_all(&self.pool)
        .await?;
        let tags = self.tags_of(hub, "buyer_tags", "buyer_id").await?;
        links
            .into_iter()
            .map(|(b, unit)| {
                Ok((
                    OrgId(b),
                    BuyerSettings {
                        tags: tags.get(&b).cloned().unwrap_or_default(),
                        weight_unit: parsed(&unit, "weight unit")?,
                    },
                ))
            })
            .collect()
    }

    /// The weight unit a buyer reads prices in first at a hub (kilograms when not served).
    pub(crate) async fn weight_unit_of(&self, hub: OrgId, buyer: OrgId) -> StoreResult<WeightUnit> {
        let unit: Option<String> = sqlx::query_scalar(
            "SELECT weight_unit FROM hub_buyers WHERE organization_id = $1 AND buyer_id = $2",
        )
        .bind(hub.0)
        .bind(buyer.0)
        .fetch_optional(&self.pool)
        .await?;
        unit.map_or(Ok(WeightUnit::Kg), |u| parsed(&u, "weight unit"))
    }

    /// Shows a product or a cycle only to buyers carrying one of `tags`; no tags: to every
    /// buyer (the hub's own work). A product of a producer the hub does not work with, or a
    /// cycle of another hub, is `NotFound`.
    pub async fn set_visibility(
        &self,
        hs: &HubScope,
        rule: Rule,
        tags: &[String],
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        match rule {
            Rule::Product(p) => {
                let producer: Option<i64> =
                    sqlx::query_scalar("SELECT organization_id FROM products WHERE id = $1")
                        .bind(p.0)
                        .fetch_optional(&self.pool)
                        .await?;
                match producer {
                    Some(o) if self.works_with(scope.org, OrgId(o)).await? => {}
                    _ => return Err(StoreError::NotFound),
                }
            }
            Rule::Cycle(c) => {
                self.cycle_of(scope.org, c).await?;
            }
        }
        let (table, column, id) = rule.table();
        let before = self.tags_of(scope.org, table, column).await?.remove(&id);
        let now = self.now();
        let mut tx = self.write_tx().await?;
        replace_tags(&mut tx, rule.table(), scope.org, tags).await?;
        let change = Change::by(scope, Action::Update, table, id)
            .before(json!({ "tags": before.unwrap_or_default() }))
            .after(json!({ "tags": tags }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The hub's visibility rules (the hub's own work).
    pub async fn visibility_rules(&self, hs: &HubScope) -> StoreResult<Rules> {
        let hub = hs.own()?.hub();
        let products = self
            .tags_of(hub, "product_visibility", "product_id")
            .await?;
        let cycles = self.tags_of(hub, "cycle_visibility", "cycle_id").await?;
        Ok(Rules {
            products: products
                .into_iter()
                .map(|(k, v)| (ProductId(k), v))
                .collect(),
            cycles: cycles.into_iter().map(|(k, v)| (CycleId(k), v)).collect(),
        })
    }

    /// Whether a cycle of a hub is shown to a buyer.
    pub(crate) async fn cycle_shown_to(
        &self,
        hub: OrgId,
        cycle: CycleId,
        buyer: OrgId,
    ) -> StoreResult<bool> {
        let sql = format!(
            "SELECT 1 AS one WHERE {}",
            cycle_visible_to_buyer("$2", "$1", "$3")
        );
        Ok(sqlx::query(&sql)
            .bind(hub.0)
            .bind(cycle.0)
            .bind(buyer.0)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// The tags of a tag table, by the id in `column`, sorted.
    async fn tags_of(
        &self,
        hub: OrgId,
        table: &str,
        column: &str,
    ) -> StoreResult<HashMap<i64, Vec<String>>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT {column}, tag FROM {table} WHERE organization_id = $1 ORDER BY {column}, tag"
        ))
        .bind(hub.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, tag) in rows {
            out.entry(id).or_default().push(tag);
        }
        Ok(out)
    }
}

/// Replaces the tags of one row of a tag table (`table`, keyed by `column` = `id`).
async fn replace_tags(
    tx: &mut sqlx::AnyConnection,
    (table, column, id): (&str, &str, i64),
    hub: OrgId,
    tags: &[String],
) -> StoreResult<()> {
    sqlx::query(&format!(
        "DELETE FROM {table} WHERE organization_id = $1 AND {column} = $2"
    ))
    .bind(hub.0)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    for tag in tags {
        sqlx::query(&format!(
            "INSERT INTO {table} (organization_id, {column}, tag) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        ))
        .bind(hub.0)
        .bind(id)
        .bind(tag)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
