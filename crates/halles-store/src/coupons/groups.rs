//! Changing a program's product groups after they were made: rename, reorder, and delete a group
//! that nothing uses yet (no amount in a schedule, no money ever on a card). The loyalty group is
//! reserved and stays.

use super::ProgramScope;
use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::platform::audit::{self, Action, Change};
use halles_core::refusals::Refusal;
use halles_core::{ProductGroupId, ProgramId};
use serde_json::json;

impl Store {
    /// Renames a group of a program the acting organization runs.
    pub async fn rename_product_group(
        &self,
        ps: &ProgramScope,
        group: ProductGroupId,
        name_fr: &str,
        name_en: &str,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let (fr, en) = (name_fr.trim(), name_en.trim());
        if fr.is_empty() {
            return Err(StoreError::Refused(Refusal::NameRequired));
        }
        if !halles_core::validation::is_clean_text(fr)
            || !halles_core::validation::is_clean_text(en)
        {
            return Err(StoreError::Refused(Refusal::InvalidCharacters));
        }
        let en = if en.is_empty() { fr } else { en };
        let before = self.group_of(program, group).await?;
        // The loyalty group keeps its name; no other group takes it.
        if before.is_loyalty
            || halles_core::coupons::is_loyalty_name(fr)
            || halles_core::coupons::is_loyalty_name(en)
        {
            return Err(StoreError::Refused(Refusal::LoyaltyGroupReserved));
        }
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE product_groups SET name_fr = $1, name_en = $2 WHERE id = $3 AND program_id = $4 \
             AND organization_id = $5",
        )
        .bind(fr)
        .bind(en)
        .bind(group.0)
        .bind(program.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            e if e.is_unique_violation() => StoreError::Refused(Refusal::DuplicateName),
            e => e,
        })?;
        let change = Change::by(scope, Action::Update, "product_group", group)
            .before(json!({"name_fr": before.name_fr, "name_en": before.name_en}))
            .after(json!({"name_fr": fr, "name_en": en}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a group one place up (`up`) or down in the program's display order.
    pub async fn move_product_group(
        &self,
        ps: &ProgramScope,
        group: ProductGroupId,
        up: bool,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let mut order: Vec<ProductGroupId> = self
            .product_groups(program)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
        let at = order
            .iter()
            .position(|g| *g == group)
            .ok_or(StoreError::NotFound)?;
        let to = if up {
            at.checked_sub(1)
        } else {
            Some(at + 1).filter(|t| *t < order.len())
        };
        let Some(to) = to else {
            return Ok(());
        };
        order.swap(at, to);
        let mut tx = self.write_tx().await?;
        for (position, g) in order.iter().enumerate() {
            sqlx::query(
                "UPDATE product_groups SET position = $1 WHERE id = $2 AND program_id = $3 AND organization_id = $4",
            )
            .bind(i64::try_from(position).map_err(|_| StoreError::Corrupt("position"))?)
            .bind(g.0)
            .bind(program.0)
            .bind(scope.org.0)
            .execute(&mut *tx)
            .await?;
        }
        let change = Change::by(scope, Action::Update, "product_group", group)
            .before(json!({"position": at}))
            .after(json!({"position": to}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a group nothing uses: refused for the loyalty group (`loyalty_reserved`) and for a
    /// group with an amount in a schedule or money ever on a card (`group_in_use`). Its zero
    /// amounts in schedules go with it.
    pub async fn delete_product_group(
        &self,
        ps: &ProgramScope,
        group: ProductGroupId,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let before = self.group_of(program, group).await?;
        if before.is_loyalty {
            return Err(StoreError::Refused(Refusal::LoyaltyReserved));
        }
        let mut tx = self.write_tx().await?;
        let used: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM schedule_amounts WHERE product_group_id = $1 AND amount_cents > 0) \
             + (SELECT COUNT(*) FROM card_funds WHERE product_group_id = $1) \
             + (SELECT COUNT(*) FROM fund_lots WHERE product_group_id = $1) \
             + (SELECT COUNT(*) FROM fund_entries WHERE product_group_id = $1 OR line_group_id = $1) \
             + (SELECT COUNT(*) FROM redemption_lines WHERE product_group_id = $1) AS n",
        )
        .bind(group.0)
        .fetch_one(&mut *tx)
        .await?;
        if used > 0 {
            return Err(StoreError::Refused(Refusal::GroupInUse));
        }
        sqlx::query(
            "DELETE FROM schedule_amounts WHERE organization_id = $1 AND product_group_id = $2",
        )
        .bind(scope.org.0)
        .bind(group.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM product_groups WHERE id = $1 AND program_id = $2 AND organization_id = $3",
        )
        .bind(group.0)
        .bind(program.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Delete, "product_group", group)
            .before(json!({"name_fr": before.name_fr, "name_en": before.name_en}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One group of a program, or `NotFound`.
    async fn group_of(
        &self,
        program: ProgramId,
        group: ProductGroupId,
    ) -> StoreResult<super::ProductGroup> {
        self.product_groups(program)
            .await?
            .into_iter()
            .find(|g| g.id == group)
            .ok_or(StoreError::NotFound)
    }
}
