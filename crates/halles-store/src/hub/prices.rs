//! Checking and changing a hub's price rules (listed, added and removed in `cycles`): a rule
//! names only buyers the hub serves and products of its producers, with a margin of 0 to 1000 %.

use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::PriceRuleId;
use halles_core::pricing::PriceRule;
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use serde_json::json;

/// The largest margin, in basis points (1000 %).
pub const MARGIN_MAX_BP: i64 = 100_000;

impl Store {
    /// Checks what a rule names, each refusal on its field (`margin_bp`, `buyer_id`,
    /// `product_id`): a margin within bounds, a buyer the hub serves, a product of a producer
    /// it works with.
    pub async fn check_price_rule(&self, hs: &HubScope, rule: &PriceRule) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        let mut v = Validator::new();
        if !(0..=MARGIN_MAX_BP).contains(&rule.margin.0) {
            v.add("margin_bp", "margin_invalid");
        }
        if let Some(b) = rule.buyer
            && self.buyer_type_at(hub, b).await?.is_none()
        {
            v.refuse("buyer_id", Refusal::NotABuyer);
        }
        if let Some(p) = rule.product {
            let known = sqlx::query(
                "SELECT 1 AS one FROM products p JOIN hub_producers l ON l.producer_id = p.organization_id \
                 WHERE l.organization_id = $1 AND p.id = $2",
            )
            .bind(hub.0)
            .bind(p.0)
            .fetch_optional(&self.pool)
            .await?;
            if known.is_none() {
                v.refuse("product_id", Refusal::UnknownProduct);
            }
        }
        v.finish().map_err(StoreError::Invalid)
    }

    /// Changes a price rule (what it applies to and its margin), checked as when added.
    pub async fn change_price_rule(
        &self,
        hs: &HubScope,
        id: PriceRuleId,
        rule: &PriceRule,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        self.check_price_rule(hs, rule).await?;
        let before = self
            .rules_of(scope.org)
            .await?
            .into_iter()
            .find(|(r, _)| *r == id)
            .map(|(_, r)| r)
            .ok_or(StoreError::NotFound)?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE price_rules SET buyer_type = $1, buyer_id = $2, product_id = $3, margin_bp = $4 \
             WHERE organization_id = $5 AND id = $6",
        )
        .bind(rule.buyer_type.map(|t| t.code()))
        .bind(rule.buyer.map(|b| b.0))
        .bind(rule.product.map(|p| p.0))
        .bind(rule.margin.0)
        .bind(scope.org.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "price_rule", id.0)
            .before(json!(before))
            .after(json!(rule));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
