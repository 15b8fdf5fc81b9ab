//! Market groups: the operator groups a program's markets (by neighbourhood, by the association
//! that runs them) and may name one of the program's markets their manager. The manager reads the
//! group's sales and what the program owes each of its markets; it sees no identities.

use super::ProgramScope;
use crate::db::{Store, ms};
use crate::error::{StoreError, StoreResult};
use crate::platform::audit::{self, Action, Change};
use halles_core::coupons::ProgramRole;
use halles_core::refusals::Refusal;
use halles_core::{MarketGroupId, OrgId, ProgramId};
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

/// A group of a program's markets.
#[derive(Debug, Clone, Serialize)]
pub struct MarketGroup {
    /// Its id.
    pub id: MarketGroupId,
    /// Its name.
    pub name: String,
    /// The market that manages it, if any, and its name.
    pub manager: Option<(OrgId, String)>,
    /// Its markets, by name.
    pub markets: Vec<(OrgId, String)>,
    /// Archived: kept with its markets and history, no longer offered for new placements.
    pub archived: bool,
}

/// Whether `org` takes part in the program as a market.
async fn is_market(tx: &mut AnyConnection, program: ProgramId, org: OrgId) -> StoreResult<bool> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM program_members WHERE program_id = $1 AND member_id = $2",
    )
    .bind(program.0)
    .bind(org.0)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(role.as_deref() == Some(ProgramRole::Market.code()))
}

impl Store {
    /// Creates a market group in a program the acting organization runs. The manager, if any,
    /// must be one of the program's markets.
    pub async fn create_market_group(
        &self,
        ps: &ProgramScope,
        name: &str,
        manager: Option<OrgId>,
    ) -> StoreResult<MarketGroupId> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused(Refusal::NameRequired));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        if let Some(m) = manager
            && !is_market(&mut tx, program, m).await?
        {
            return Err(StoreError::Refused(Refusal::ManagerNotMarket));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO market_groups (organization_id, program_id, name, manager_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(name)
        .bind(manager.map(|m| m.0))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            e if e.is_unique_violation() => StoreError::Refused(Refusal::NameTaken),
            e => e,
        })?;
        let change = Change::by(scope, Action::Create, "market_group", id)
            .after(json!({"program": program, "name": name, "manager": manager}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(MarketGroupId(id))
    }

    /// Puts one of the program's markets in a group, or takes it out (`None`).
    pub async fn set_market_group(
        &self,
        ps: &ProgramScope,
        market: OrgId,
        group: Option<MarketGroupId>,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let now = self.now();
        let mut tx = self.write_tx().await?;
        if !is_market(&mut tx, program, market).await? {
            return Err(StoreError::NotFound);
        }
        if let Some(g) = group {
            sqlx::query("SELECT id FROM market_groups WHERE id = $1 AND program_id = $2 AND organization_id = $3 \
                 AND archived = $4")
                .bind(g.0)
                .bind(program.0)
                .bind(scope.org.0)
                .bind(false)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
        }
        sqlx::query(
            "UPDATE program_members SET market_group_id = $1 WHERE organization_id = $2 AND program_id = $3 \
             AND member_id = $4",
        )
        .bind(group.map(|g| g.0))
        .bind(scope.org.0)
        .bind(program.0)
        .bind(market.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(
            scope,
            Action::Update,
            "program_member",
            format!("{program}/{market}"),
        )
        .after(json!({"market_group": group}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A program's market groups, with their manager and markets.
    pub async fn market_groups(&self, program: ProgramId) -> StoreResult<Vec<MarketGroup>> {
        let rows = sqlx::query(
            "SELECT g.id, g.name, g.manager_id, o.name AS manager_name, g.archived FROM market_groups g \
             LEFT JOIN organizations o ON o.id = g.manager_id WHERE g.program_id = $1 ORDER BY g.name",
        )
        .bind(program.0)
        .fetch_all(&self.pool)
        .await?;
        let groups = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<i64, _>("id")?,
                    r.try_get::<String, _>("name")?,
                    r.try_get::<Option<i64>, _>("manager_id")?,
                    r.try_get::<Option<String>, _>("manager_name")?,
                    crate::db::flag(r, "archived")?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let markets = sqlx::query_as::<_, (i64, i64, String)>(
            "SELECT m.market_group_id, m.member_id, o.name FROM program_members m \
             JOIN organizations o ON o.id = m.member_id WHERE m.program_id = $1 AND m.market_group_id IS NOT NULL \
             ORDER BY o.name",
        )
        .bind(program.0)
        .fetch_all(&self.pool)
        .await?;
        groups
            .into_iter()
            .map(|(id, name, manager_id, manager_name, archived)| {
                let manager = match manager_id {
                    Some(m) => Some((
                        OrgId(m),
                        manager_name.ok_or(StoreError::Corrupt("manager_name"))?,
                    )),
                    None => None,
                };
                let members = markets
                    .iter()
                    .filter(|(group, _, _)| *group == id)
                    .map(|(_, member, name)| (OrgId(*member), name.clone()))
                    .collect();
                Ok(MarketGroup {
                    id: MarketGroupId(id),
                    name,
                    manager,
                    markets: members,
                    archived,
                })
            })
            .collect()
    }
}

impl Store {
    /// Renames a market group of a program the acting organization runs (`name_required`,
    /// `name_taken`), audited.
    pub async fn rename_market_group(
        &self,
        ps: &ProgramScope,
        id: MarketGroupId,
        name: &str,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused(Refusal::NameRequired));
        }
        if name.chars().count() > MAX_GROUP_NAME || !halles_core::validation::is_clean_text(name) {
            return Err(StoreError::Refused(Refusal::InvalidCharacters));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let before = group_name(&mut tx, scope.org, program, id).await?;
        sqlx::query("UPDATE market_groups SET name = $1 WHERE id = $2 AND program_id = $3 AND organization_id = $4")
            .bind(name)
            .bind(id.0)
            .bind(program.0)
            .bind(scope.org.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                e if e.is_unique_violation() => StoreError::Refused(Refusal::NameTaken),
                e => e,
            })?;
        let change = Change::by(scope, Action::Update, "market_group", id)
            .before(json!({"name": before}))
            .after(json!({"name": name}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    /// Archives or restores a market group: an archived group keeps its markets, its manager and
    /// its history (reports still show it) but no market can be placed in it any more.
    pub async fn set_market_group_archived(
        &self,
        ps: &ProgramScope,
        id: MarketGroupId,
        archived: bool,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let now = self.now();
        let mut tx = self.write_tx().await?;
        group_name(&mut tx, scope.org, program, id).await?;
        sqlx::query(
            "UPDATE market_groups SET archived = $1 WHERE id = $2 AND program_id = $3 AND organization_id = $4",
        )
        .bind(archived)
        .bind(id.0)
        .bind(program.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "market_group", id)
            .after(json!({"archived": archived}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    /// Deletes a market group with no market in it (`market_group_in_use` otherwise), audited.
    pub async fn delete_market_group(
        &self,
        ps: &ProgramScope,
        id: MarketGroupId,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let name = group_name(&mut tx, scope.org, program, id).await?;
        // The emptiness check rides on the delete itself, so a market placed meanwhile keeps it.
        let n = sqlx::query(
            "DELETE FROM market_groups WHERE id = $1 AND program_id = $2 AND organization_id = $3 \
             AND NOT EXISTS (SELECT 1 FROM program_members m WHERE m.program_id = $2 AND m.market_group_id = $1)",
        )
        .bind(id.0)
        .bind(program.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Refused(Refusal::MarketGroupInUse));
        }
        let change = Change::by(scope, Action::Delete, "market_group", id)
            .before(json!({"program": program, "name": name}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }
}

/// The longest market group name.
pub const MAX_GROUP_NAME: usize = 120;

/// The name of a market group of this program and operator, or `NotFound`.
async fn group_name(
    tx: &mut AnyConnection,
    operator: OrgId,
    program: ProgramId,
    id: MarketGroupId,
) -> StoreResult<String> {
    sqlx::query_scalar(
        "SELECT name FROM market_groups WHERE id = $1 AND program_id = $2 AND organization_id = $3",
    )
    .bind(id.0)
    .bind(program.0)
    .bind(operator.0)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)
}
