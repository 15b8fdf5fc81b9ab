//! Where money put on a card by hand comes from: a partner's envelope or the program's reserve
//! (money the operator funds at the program level, belonging to no partner), and the check that
//! every cent on a card came from one of them.
//!
//! A fund lot remembers its origin: `envelope_id`, or none for the reserve. Whatever leaves a
//! lot other than by a sale (an expiry, a replacement, a correction) goes back to that origin.

use super::ProgramScope;
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{EnvelopeId, OrgId, ProgramId};
use serde::Serialize;
use serde_json::json;
use sqlx::AnyConnection;

/// Where a manual load draws its money from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FundSource {
    /// The program's reserve (the operator's money, no partner's).
    Reserve,
    /// A budget envelope of the card holder's partner organization.
    Envelope(EnvelopeId),
}

/// A program's reserve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reserve {
    /// What the operator put in it.
    pub budget: Cents,
    /// Put on cards from it (corrections and expired funds come back).
    pub loaded: Cents,
}

impl Reserve {
    /// What is left to load.
    pub fn free(&self) -> Cents {
        Cents(self.budget.0 - self.loaded.0)
    }
}

/// Where a program's money is, to the cent: what was funded (envelope budgets and the
/// reserve), and where it went. [`FundsCheck::balanced`] says that nothing came from nowhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FundsCheck {
    /// Budgets of every envelope plus the reserve's.
    pub funded: Cents,
    /// Still in the envelopes (free or promised to enrolled participants).
    pub in_envelopes: Cents,
    /// Still in the reserve.
    pub in_reserve: Cents,
    /// On cards now.
    pub on_cards: Cents,
    /// On paper coupons not yet redeemed, expired or voided.
    pub on_paper: Cents,
    /// Spent at markets (sales less refunds).
    pub spent: Cents,
}

impl FundsCheck {
    /// Cards + paper + spent + envelopes + reserve = funded.
    pub fn balanced(&self) -> bool {
        self.on_cards.0 + self.on_paper.0 + self.spent.0 + self.in_envelopes.0 + self.in_reserve.0
            == self.funded.0
    }
}

/// Takes `amount` from a source for a card of `program` held through `partner` (none for a gift
/// card), in the caller's transaction: a conditional update, never beyond what it holds.
/// Returns the envelope to write on the lot (none: the reserve).
pub(crate) async fn draw(
    tx: &mut AnyConnection,
    program: ProgramId,
    partner: Option<OrgId>,
    source: FundSource,
    amount: Cents,
) -> StoreResult<Option<i64>> {
    match source {
        FundSource::Reserve => {
            let n = sqlx::query(
                "UPDATE program_reserves SET loaded_cents = loaded_cents + $1 WHERE program_id = $2 \
                 AND loaded_cents + $1 <= budget_cents",
            )
            .bind(amount.0)
            .bind(program.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Refused(Refusal::ReserveTooLow));
            }
            Ok(None)
        }
        FundSource::Envelope(env) => {
            let owner: i64 = sqlx::query_scalar(
                "SELECT partner_id FROM budget_envelopes WHERE id = $1 AND program_id = $2",
            )
            .bind(env.0)
            .bind(program.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            if partner != Some(OrgId(owner)) {
                return Err(StoreError::Refused(Refusal::EnvelopeOtherPartner));
            }
            let n = sqlx::query(
                "UPDATE budget_envelopes SET loaded_cents = loaded_cents + $1 WHERE id = $2 AND program_id = $3 \
                 AND reserved_cents + loaded_cents + $1 <= budget_cents",
            )
            .bind(amount.0)
            .bind(env.0)
            .bind(program.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Refused(Refusal::OverBudget));
            }
            Ok(Some(env.0))
        }
    }
}

/// Gives `amount` taken off a lot back to where the lot came from: its envelope, or the
/// program's reserve (a lot without an envelope), in the caller's transaction.
pub(crate) async fn give_back(
    tx: &mut AnyConnection,
    program: ProgramId,
    envelope: Option<i64>,
    amount: i64,
) -> StoreResult<()> {
    match envelope {
        Some(env) => {
            sqlx::query(
                "UPDATE budget_envelopes SET loaded_cents = loaded_cents - $1 WHERE id = $2",
            )
            .bind(amount)
            .bind(env)
            .execute(&mut *tx)
            .await?;
        }
        None => {
            // Lots loaded before the reserve existed were counted into it by migration 0035;
            // never below zero all the same.
            sqlx::query(
                "UPDATE program_reserves SET loaded_cents = CASE WHEN loaded_cents >= $1 \
                 THEN loaded_cents - $1 ELSE 0 END WHERE program_id = $2",
            )
            .bind(amount)
            .bind(program.0)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

impl Store {
    /// The program's reserve (nothing funded yet: zero). The operator and funders read it;
    /// partners and markets do not.
    pub async fn reserve(&self, ps: &ProgramScope) -> StoreResult<Reserve> {
        if let super::reports::Slice::Partner(_) | super::reports::Slice::Markets(_) =
            Self::report_scope(ps)
        {
            return Err(StoreError::NotFound);
        }
        self.program_reserve(ps.id()).await
    }

    /// A program's reserve, for a caller that has checked access.
    pub(crate) async fn program_reserve(&self, program: ProgramId) -> StoreResult<Reserve> {
        let row = sqlx::query_as::<_, (i64, i64)>(
            "SELECT budget_cents, loaded_cents FROM program_reserves WHERE program_id = $1",
        )
        .bind(program.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|(b, l)| Reserve {
                budget: Cents(b),
                loaded: Cents(l),
            })
            .unwrap_or_default())
    }

    /// Sets the reserve's budget (the operator), refused below what it has loaded
    /// (`below_committed`) or beyond the domain's maximum budget. Audited.
    pub async fn set_reserve_budget(&self, ps: &ProgramScope, budget: Cents) -> StoreResult<()> {
        let scope = ps.operated()?.tenant();
        if budget.0 < 0 {
            return Err(StoreError::field("budget", Refusal::NegativeBudget));
        }
        budget.within(Limit::Budget)?;
        let mut tx = self.write_tx().await?;
        let before = sqlx::query_scalar::<_, i64>(
            "SELECT budget_cents FROM program_reserves WHERE program_id = $1",
        )
        .bind(ps.id().0)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO program_reserves (organization_id, program_id, budget_cents) VALUES ($1, $2, 0) \
             ON CONFLICT DO NOTHING",
        )
        .bind(scope.org.0)
        .bind(ps.id().0)
        .execute(&mut *tx)
        .await?;
        let n = sqlx::query(
            "UPDATE program_reserves SET budget_cents = $1 WHERE program_id = $2 AND organization_id = $3 \
             AND loaded_cents <= $1",
        )
        .bind(budget.0)
        .bind(ps.id().0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::field("budget", Refusal::BelowCommitted));
        }
        let change = Change::by(scope, Action::Update, "program_reserve", ps.id())
            .before(json!({"budget_cents": before}))
            .after(json!({"budget_cents": budget.0}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// Adds `amount` to the reserve's budget (the operator), within the domain's maximum budget
    /// (`budget_too_large`). Audited.
    pub async fn fund_reserve(&self, ps: &ProgramScope, amount: Cents) -> StoreResult<()> {
        if amount.0 <= 0 {
            return Err(StoreError::field("budget", Refusal::InvalidAmount));
        }
        amount.within(Limit::Budget)?;
        let r = self.program_reserve(ps.id()).await?;
        let budget = r
            .budget
            .checked_add(amount)
            .ok_or(StoreError::Refused(Refusal::BudgetTooLarge))?;
        self.set_reserve_budget(ps, budget).await
    }

    /// Where a program's money is (see [`FundsCheck`]); for the operator and funders, and tests.
    pub async fn funds_check(&self, program: ProgramId) -> StoreResult<FundsCheck> {
        let (budgets, loaded) = sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT CAST(SUM(budget_cents) AS BIGINT) AS b, CAST(SUM(loaded_cents) AS BIGINT) AS l \
             FROM budget_envelopes WHERE program_id = $1",
        )
        .bind(program.0)
        .fetch_one(&self.pool)
        .await?;
        let reserve = self.program_reserve(program).await?;
        let on_cards: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(f.balance_cents) AS BIGINT) AS s FROM card_funds f JOIN cards c ON c.id = f.card_id \
             WHERE c.program_id = $1",
        )
        .bind(program.0)
        .fetch_one(&self.pool)
        .await?;
        let spent: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(amount_cents) AS BIGINT) AS s FROM fund_entries WHERE program_id = $1 \
             AND kind IN ('spend', 'refund')",
        )
        .bind(program.0)
        .fetch_one(&self.pool)
        .await?;
        let (budgets, loaded) = (budgets.unwrap_or(0), loaded.unwrap_or(0));
        Ok(FundsCheck {
            funded: Cents(budgets + reserve.budget.0),
            in_envelopes: Cents(budgets - loaded),
            in_reserve: reserve.free(),
            on_cards: Cents(on_cards.unwrap_or(0)),
            on_paper: self.paper_outstanding(program).await?,
            spent: Cents(-spent.unwrap_or(0)),
        })
    }
}
