//! Ending a hub's links with its producers and buyers, and changing a buyer's price list (the
//! links are made in `catalog`). A link is not money: it is deleted, and the orders placed
//! through it stay.

use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::rows::parsed;
use crate::{Store, StoreError, StoreResult};
use halles_core::OrgId;
use halles_core::pricing::BuyerType;
use halles_core::refusals::Refusal;
use serde_json::json;

impl Store {
    /// The hub stops working with a producer; refused while the producer takes part in one of
    /// the hub's cycles that is not closed (its offers are still being ordered).
    pub async fn unlink_producer(&self, hs: &HubScope, producer: OrgId) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let busy = sqlx::query(
            "SELECT 1 AS one FROM cycle_producers p JOIN order_cycles c ON c.organization_id = p.organization_id \
             AND c.id = p.cycle_id WHERE p.organization_id = $1 AND p.producer_id = $2 \
             AND c.status IN ('draft', 'open') LIMIT 1",
        )
        .bind(scope.org.0)
        .bind(producer.0)
        .fetch_optional(&mut *tx)
        .await?;
        if busy.is_some() {
            return Err(StoreError::Refused(Refusal::ProducerInOpenCycle));
        }
        let n = sqlx::query(
            "DELETE FROM hub_producers WHERE organization_id = $1 AND producer_id = $2",
        )
        .bind(scope.org.0)
        .bind(producer.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(
            &mut tx,
            Change::by(scope, Action::Delete, "hub_producer", producer),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The hub stops serving a buyer: the link goes and the buyer's standing orders at the hub
    /// stop with it (no later cycle runs them); its orders stay.
    pub async fn unlink_buyer(&self, hs: &HubScope, buyer: OrgId) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let n = sqlx::query("DELETE FROM hub_buyers WHERE organization_id = $1 AND buyer_id = $2")
            .bind(scope.org.0)
            .bind(buyer.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let stopped = sqlx::query(
            "UPDATE standing_orders SET active = $1 WHERE organization_id = $2 AND buyer_id = $3 AND active = $4",
        )
        .bind(false)
        .bind(scope.org.0)
        .bind(buyer.0)
        .bind(true)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let change = Change::by(scope, Action::Delete, "hub_buyer", buyer)
            .after(json!({"standing_orders_stopped": stopped}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the price list (buyer type) of a buyer the hub serves.
    pub async fn set_buyer_type(
        &self,
        hs: &HubScope,
        buyer: OrgId,
        buyer_type: BuyerType,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let before: String = sqlx::query_scalar(
            "SELECT buyer_type FROM hub_buyers WHERE organization_id = $1 AND buyer_id = $2",
        )
        .bind(scope.org.0)
        .bind(buyer.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let before: BuyerType = parsed(&before, "buyer type")?;
        sqlx::query(
            "UPDATE hub_buyers SET buyer_type = $1 WHERE organization_id = $2 AND buyer_id = $3",
        )
        .bind(buyer_type.code())
        .bind(scope.org.0)
        .bind(buyer.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "hub_buyer", buyer)
            .before(json!({"buyer_type": before}))
            .after(json!({"buyer_type": buyer_type}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
