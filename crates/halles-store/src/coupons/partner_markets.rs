//! The markets where each partner organization's participants may spend. A partner without
//! links sends its participants to every market of the program; with links, only to those.

use super::ProgramScope;
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::ProgramRole;
use halles_core::{OrgId, ProgramId};
use serde_json::json;

impl Store {
    /// Sets the markets a partner's participants may spend at (the operator); an empty list
    /// lets them spend at every market of the program. Every organization named must take
    /// part in the program in that role.
    pub async fn set_partner_markets(
        &self,
        ps: &ProgramScope,
        partner: OrgId,
        markets: &[OrgId],
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let members = self.program_members(program).await?;
        let has =
            |org: OrgId, role: ProgramRole| members.iter().any(|m| m.org == org && m.role == role);
        if !has(partner, ProgramRole::Partner)
            || !markets.iter().all(|m| has(*m, ProgramRole::Market))
        {
            return Err(StoreError::NotFound);
        }
        let before = self.partner_markets(program).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM partner_markets WHERE program_id = $1 AND partner_id = $2")
            .bind(program.0)
            .bind(partner.0)
            .execute(&mut *tx)
            .await?;
        for m in markets {
            sqlx::query(
                "INSERT INTO partner_markets (organization_id, program_id, partner_id, market_id) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(scope.org.0)
            .bind(program.0)
            .bind(partner.0)
            .bind(m.0)
            .execute(&mut *tx)
            .await?;
        }
        let was: Vec<OrgId> = before
            .into_iter()
            .filter(|(p, _)| *p == partner)
            .map(|(_, m)| m)
            .collect();
        let change = Change::by(
            scope,
            Action::Update,
            "partner_markets",
            format!("{program}/{partner}"),
        )
        .before(json!({ "markets": was }))
        .after(json!({ "markets": markets }));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// Every (partner, market) link of a program.
    pub async fn partner_markets(&self, program: ProgramId) -> StoreResult<Vec<(OrgId, OrgId)>> {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT partner_id, market_id FROM partner_markets WHERE program_id = $1 \
             ORDER BY partner_id, market_id",
        )
        .bind(program.0)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(partner, market)| Ok((OrgId(partner), OrgId(market))))
        .collect()
    }

    /// Whether a card may be spent at a market: gift cards and cards of partners without links
    /// anywhere, others only at their partner's markets (checked again by the sale itself).
    pub async fn spends_at(&self, card: &super::Card, market: OrgId) -> StoreResult<bool> {
        let Some(partner) = card.partner else {
            return Ok(true);
        };
        let (links, here) = sqlx::query_as::<_, (i64, i64)>(
            "SELECT (SELECT COUNT(*) FROM partner_markets WHERE program_id = $1 AND partner_id = $2) AS links, \
             (SELECT COUNT(*) FROM partner_markets WHERE program_id = $1 AND partner_id = $2 AND market_id = $3) AS here",
        )
        .bind(card.program.0)
        .bind(partner.0)
        .bind(market.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(links == 0 || here > 0)
    }
}
