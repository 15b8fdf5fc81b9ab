//! Manual loads and corrections of a card's funds by the program's operator.

use super::ProgramScope;
use super::ledger::{Entry, add_lot, card_dims, insert_entry, take_balance};
use super::reserve::{FundSource, draw, give_back};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::CardAction;
use halles_core::coupons::EntryKind;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{CardId, ProductGroupId};
use sqlx::AnyConnection;

/// Draws `amount` from a card's lots of a group, soonest expiring first. The balance has already
/// been taken; each lot is decremented conditionally too.
async fn draw_lots(
    tx: &mut AnyConnection,
    card: CardId,
    group: ProductGroupId,
    amount: Cents,
) -> StoreResult<Vec<(i64, Option<i64>, Cents)>> {
    let mut left = amount.0;
    let mut out = Vec::new();
    if left == 0 {
        return Ok(out);
    }
    let lots = sqlx::query_as::<_, (i64, i64, Option<i64>)>(
        "SELECT id, remaining_cents, envelope_id FROM fund_lots WHERE card_id = $1 AND product_group_id = $2 AND remaining_cents > 0 \
         ORDER BY COALESCE(expires_at, 9000000000000000), id",
    )
    .bind(card.0)
    .bind(group.0)
    .fetch_all(&mut *tx)
    .await?;
    for (id, remaining, envelope) in lots {
        if left == 0 {
            break;
        }
        let take = left.min(remaining);
        let n = sqlx::query(
            "UPDATE fund_lots SET remaining_cents = remaining_cents - $1 WHERE id = $2 AND remaining_cents >= $1",
        )
        .bind(take)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Refused(Refusal::ConcurrentUpdate));
        }
        out.push((id, envelope, Cents(take)));
        left -= take;
    }
    if left != 0 {
        return Err(StoreError::Corrupt("fund_lots"));
    }
    Ok(out)
}

impl Store {
    /// A manual load (positive) or correction (negative) on a card, with a reason, by the
    /// operator. A load draws on the `source` it names (an envelope of the holder's partner, or
    /// the program's reserve; `fund_source_required` without one), refused if that holds too
    /// little, and makes a lot that never expires. A correction is refused beyond the balance and
    /// gives each cent back to where its lot came from (its envelope or the reserve).
    pub async fn adjust_funds(
        &self,
        ps: &ProgramScope,
        card: CardId,
        group: ProductGroupId,
        amount: Cents,
        source: Option<FundSource>,
        reason: &str,
    ) -> StoreResult<()> {
        self.adjust(ps, card, group, amount, source, reason, None)
            .await
            .map(|_| ())
    }

    /// [`Store::adjust_funds`] under a one-time key of the page's form (like the register's
    /// one-time sale number): the key is kept in the adjustment's transaction, so the same
    /// form sent twice moves the money once. `Ok(false)`: that key was used before by this
    /// person, nothing done again.
    #[allow(clippy::too_many_arguments)]
    pub async fn adjust_funds_once(
        &self,
        ps: &ProgramScope,
        card: CardId,
        group: ProductGroupId,
        amount: Cents,
        source: Option<FundSource>,
        reason: &str,
        key: &str,
    ) -> StoreResult<bool> {
        self.adjust(ps, card, group, amount, source, reason, Some(key))
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn adjust(
        &self,
        ps: &ProgramScope,
        card: CardId,
        group: ProductGroupId,
        amount: Cents,
        source: Option<FundSource>,
        reason: &str,
        once: Option<&str>,
    ) -> StoreResult<bool> {
        if reason.trim().is_empty() {
            return Err(StoreError::Refused(Refusal::ReasonRequired));
        }
        if amount.0 == 0 {
            return Err(StoreError::Refused(Refusal::InvalidAmount));
        }
        amount.within_signed(Limit::Movement)?;
        let source = match (amount.0 > 0, source) {
            (true, None) => return Err(StoreError::field("source", Refusal::FundSourceRequired)),
            (_, s) => s,
        };
        let now = self.now();
        let mut tx = self.write_tx().await?;
        self.lock_card(&mut tx, card).await?;
        let dims = card_dims(&mut tx, card).await?;
        let scope = ps.operated()?.tenant();
        if dims.operator != scope.org || dims.program != ps.id() {
            return Err(StoreError::NotFound);
        }
        let known =
            sqlx::query("SELECT 1 AS x FROM product_groups WHERE id = $1 AND program_id = $2")
                .bind(group.0)
                .bind(dims.program.0)
                .fetch_optional(&mut *tx)
                .await?;
        if known.is_none() {
            return Err(StoreError::NotFound);
        }
        let action = if amount.0 > 0 {
            CardAction::ManualLoad
        } else {
            CardAction::Correct
        };
        super::cards::allowed(ps, &dims, action)?;
        if let (true, Some(source)) = (amount.0 > 0, source) {
            let envelope = draw(&mut tx, dims.program, dims.partner, source, amount).await?;
            let lot = add_lot(
                &mut tx,
                dims.operator,
                card,
                group,
                amount,
                None,
                envelope,
                None,
                None,
                now,
            )
            .await?;
            let mut e = Entry::new(&dims, group, EntryKind::Adjust, amount);
            e.lot = Some(lot);
            e.reason = reason.trim();
            e.actor = scope.actor;
            insert_entry(&mut tx, &e, now).await?;
        } else {
            if !take_balance(&mut tx, card, group, Cents(-amount.0)).await? {
                return Err(StoreError::Insufficient(group));
            }
            for (lot, envelope, c) in draw_lots(&mut tx, card, group, Cents(-amount.0)).await? {
                // The correction goes back where the lot's money came from.
                give_back(&mut tx, dims.program, envelope, c.0).await?;
                let mut e = Entry::new(&dims, group, EntryKind::Adjust, Cents(-c.0));
                e.lot = Some(lot);
                e.reason = reason.trim();
                e.actor = scope.actor;
                insert_entry(&mut tx, &e, now).await?;
            }
        }
        // The ledger holds the money; the audit log says who moved it.
        let change = crate::platform::audit::Change::by(
            scope,
            crate::platform::audit::Action::Create,
            "fund_adjustment",
            card,
        )
        .after(serde_json::json!({
            "card_id": card,
            "product_group_id": group,
            "amount_cents": amount.0,
            "source": source,
            "reason": reason.trim(),
        }));
        crate::platform::audit::record(&mut tx, change, now).await?;
        if let Some(key) = once {
            // Kept last, as a sale keeps its key: used meanwhile, nothing of this one is kept.
            // Page keys belong to no API token (token 0) and name the person.
            let user = scope.actor.user.map_or(0, |u| u.0);
            let kept = sqlx::query(super::sale::KEEP_KEY)
                .bind(scope.org.0)
                .bind(0_i64)
                .bind(format!("adjust-{user}-{key}"))
                .bind(format!(
                    "card {} group {} amount {}",
                    card.0, group.0, amount.0
                ))
                .bind(crate::db::ms(now))
                .bind(card.0.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if kept != 1 {
                return Ok(false);
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}
