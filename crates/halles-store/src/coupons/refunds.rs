//! Refunds of a sale, returned to the lots it was drawn from.

use super::ledger::{Entry, card_dims, insert_entry};
use crate::db::ms;
use crate::platform::events::{self, Event};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::coupons::EntryKind;
use halles_core::limits::{AmountError, Limit};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{ProductGroupId, RedemptionId, RefundId, ScheduleId};
use sqlx::FromRow;

impl Store {
    /// Refunds part or all of a redemption, per product group: bounded by what was paid and not
    /// yet refunded, and returned to the lots it was drawn from.
    pub async fn refund(
        &self,
        scope: &TenantScope,
        redemption: RedemptionId,
        lines: &[(ProductGroupId, Cents)],
        reason: &str,
    ) -> StoreResult<RefundId> {
        let red = self.redemption(scope, redemption).await?;
        // The operator reads its programs' sales, but only the market that made one refunds
        // it: a refund lowers what that market is owed.
        if red.market != scope.org {
            return Err(StoreError::Refused(Refusal::RefundSellingMarketOnly));
        }
        if lines.iter().any(|(_, c)| c.0 < 0) {
            return Err(StoreError::Refused(Refusal::InvalidAmount));
        }
        for (_, c) in lines {
            c.within(Limit::Movement)?;
        }
        let total = Cents::checked_sum(lines.iter().map(|(_, c)| *c))
            .ok_or(AmountError::TooLarge(Limit::Movement))?
            .within(Limit::Movement)?
            .0;
        if total <= 0 {
            return Err(StoreError::Refused(Refusal::InvalidAmount));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        self.lock_card(&mut tx, red.card).await?;
        let dims = card_dims(&mut tx, red.card).await?;
        let n = sqlx::query(
            "UPDATE redemptions SET refunded_cents = refunded_cents + $1 WHERE id = $2 \
             AND refunded_cents + $1 <= total_cents",
        )
        .bind(total)
        .bind(redemption.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Refused(Refusal::RefundExceedsPayment));
        }
        let refund_id: i64 = sqlx::query_scalar(
            "INSERT INTO refunds (organization_id, redemption_id, amount_cents, reason, actor_user_id, actor_token_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(dims.operator.0)
        .bind(redemption.0)
        .bind(total)
        .bind(reason.trim())
        .bind(scope.actor.user.map(|u| u.0))
        .bind(scope.actor.token.map(|t| t.0))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        for (group, amount) in lines.iter().filter(|(_, c)| c.0 > 0) {
            let n = sqlx::query(
                "UPDATE redemption_lines SET refunded_cents = refunded_cents + $1 WHERE redemption_id = $2 \
                 AND product_group_id = $3 AND refunded_cents + $1 <= amount_cents",
            )
            .bind(amount.0)
            .bind(redemption.0)
            .bind(group.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Refused(Refusal::RefundExceedsPayment));
            }
            // Back to the lots the line was drawn from, net of earlier refunds; own group first.
            let lots = sqlx::query_as::<_, OpenLot>(
                "SELECT lot_id, product_group_id, CAST(-SUM(amount_cents) AS BIGINT) AS open, \
                 (SELECT l.schedule_id FROM fund_lots l WHERE l.id = lot_id) AS schedule_id FROM fund_entries \
                 WHERE redemption_id = $1 AND line_group_id = $2 AND kind IN ('spend', 'refund') \
                 GROUP BY lot_id, product_group_id HAVING -SUM(amount_cents) > 0 \
                 ORDER BY CASE WHEN product_group_id = $2 THEN 0 ELSE 1 END, lot_id",
            )
            .bind(redemption.0)
            .bind(group.0)
            .fetch_all(&mut *tx)
            .await?;
            let mut left = amount.0;
            for l in lots {
                if left == 0 {
                    break;
                }
                let lot = l.lot_id;
                let from = ProductGroupId(l.product_group_id);
                let give = left.min(l.open);
                sqlx::query(
                    "UPDATE card_funds SET balance_cents = balance_cents + $1 WHERE card_id = $2 AND product_group_id = $3",
                )
                .bind(give)
                .bind(red.card.0)
                .bind(from.0)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE fund_lots SET remaining_cents = remaining_cents + $1 WHERE id = $2",
                )
                .bind(give)
                .bind(lot)
                .execute(&mut *tx)
                .await?;
                let mut e = Entry::new(&dims, from, EntryKind::Refund, Cents(give));
                e.line_group = Some(*group);
                e.lot = Some(lot);
                e.schedule = l.schedule_id.map(ScheduleId);
                e.market = Some(red.market);
                e.register = red.register;
                e.redemption = Some(redemption.0);
                e.refund = Some(refund_id);
                e.reason = reason.trim();
                e.actor = scope.actor;
                insert_entry(&mut tx, &e, now).await?;
                left -= give;
            }
            if left != 0 {
                return Err(StoreError::Corrupt("fund_entries"));
            }
        }
        let change = crate::platform::audit::Change::by(
            scope,
            crate::platform::audit::Action::Create,
            "refund",
            refund_id,
        )
        .after(serde_json::json!({
            "redemption_id": redemption,
            "card_id": red.card,
            "amount_cents": total,
            "lines": lines.iter().map(|(g, c)| serde_json::json!({
                "product_group_id": g, "amount_cents": c.0})).collect::<Vec<_>>(),
            "reason": reason.trim(),
        }));
        crate::platform::audit::record(&mut tx, change, now).await?;
        let event = Event::RefundMade {
            operator: dims.operator,
            program: dims.program,
            market: red.market,
            card: red.card,
            redemption,
            refund: RefundId(refund_id),
            lines: lines.iter().filter(|(_, c)| c.0 > 0).copied().collect(),
            total: Cents(total),
        };
        events::record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(RefundId(refund_id))
    }
}

/// What a line drew from one lot and has not had back yet.
#[derive(FromRow)]
struct OpenLot {
    lot_id: i64,
    product_group_id: i64,
    open: i64,
    schedule_id: Option<i64>,
}
