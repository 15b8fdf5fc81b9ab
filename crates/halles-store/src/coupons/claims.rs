//! Merchants' reimbursement claims and the operator's payment batches.
//!
//! A market claims what a program owes it for one closed reconciliation period: the net of its
//! redemptions less refunds in that period, computed from the ledger when the claim is filed.
//! The operator approves or refuses each claim (a refused period may be claimed again), gathers
//! approved claims into a payment batch, and marks the batch paid with its date and reference.

use super::ProgramScope;
use super::{Access, date};
use crate::db::{ms, ts, ts_opt};
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::{BatchStatus, ClaimStatus, ProgramRole, local_date, start_of};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{ClaimId, OrgId, PaymentBatchId, ProgramId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A market's claim for one reconciliation period.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    /// Its id.
    pub id: ClaimId,
    /// The program.
    pub program: ProgramId,
    /// The market that filed it.
    pub market: OrgId,
    /// The market's name.
    pub market_name: String,
    /// First day of the period.
    pub period_start: Date,
    /// First day after the period.
    pub period_end: Date,
    /// What the program owed for the period when the claim was filed.
    pub amount: Cents,
    /// Where it stands.
    pub status: ClaimStatus,
    /// The market's note.
    pub note: String,
    /// Why the operator refused it.
    pub reason: String,
    /// The payment batch it is in.
    pub batch: Option<PaymentBatchId>,
    /// When it was filed.
    pub submitted_at: Timestamp,
    /// When the operator decided.
    pub decided_at: Option<Timestamp>,
}

/// A period the acting market may claim, or has claimed.
#[derive(Debug, Clone, Serialize)]
pub struct OwedPeriod {
    /// First day of the period.
    pub start: Date,
    /// First day after it.
    pub end: Date,
    /// Its redemptions less refunds at the market.
    pub owed: Cents,
    /// The live claim for it, if any.
    pub claim: Option<(ClaimId, ClaimStatus)>,
}

/// A payment batch: approved claims paid together.
#[derive(Debug, Clone, Serialize)]
pub struct PaymentBatch {
    /// Its id (its number for people).
    pub id: PaymentBatchId,
    /// The program.
    pub program: ProgramId,
    /// Sum of its claims.
    pub total: Cents,
    /// Where it stands.
    pub status: BatchStatus,
    /// The day it was paid.
    pub paid_on: Option<Date>,
    /// The payment's reference (cheque or transfer number).
    pub reference: String,
    /// Its claims.
    pub claims: i64,
    /// When it was gathered.
    pub created_at: Timestamp,
}

impl Claim {
    /// The period's last day.
    pub fn last_day(&self) -> Date {
        self.period_end.yesterday().unwrap_or(self.period_end)
    }
}

impl OwedPeriod {
    /// The period's last day.
    pub fn last_day(&self) -> Date {
        self.end.yesterday().unwrap_or(self.end)
    }
}

const CLAIM_COLUMNS: &str = "c.id, c.program_id, c.market_id, o.name AS market_name, c.period_start, \
     c.period_end, c.amount_cents, c.status, c.note, c.reason, c.batch_id, c.submitted_at, c.decided_at";

fn claim_row(r: &AnyRow) -> StoreResult<Claim> {
    Ok(Claim {
        id: ClaimId(r.try_get("id")?),
        program: ProgramId(r.try_get("program_id")?),
        market: OrgId(r.try_get("market_id")?),
        market_name: r.try_get("market_name")?,
        period_start: date(r, "period_start")?,
        period_end: date(r, "period_end")?,
        amount: Cents(r.try_get("amount_cents")?),
        status: crate::db::code(r, "status", "claim_status")?,
        note: r.try_get("note")?,
        reason: r.try_get("reason")?,
        batch: r.try_get::<Option<i64>, _>("batch_id")?.map(PaymentBatchId),
        submitted_at: ts(r, "submitted_at")?,
        decided_at: ts_opt(r, "decided_at")?,
    })
}

const BATCH_COLUMNS: &str = "b.id, b.program_id, b.total_cents, b.status, b.paid_on, b.reference, b.created_at, \
     (SELECT COUNT(*) FROM reimbursement_claims c WHERE c.batch_id = b.id) AS claims";

fn batch_row(r: &AnyRow) -> StoreResult<PaymentBatch> {
    Ok(PaymentBatch {
        id: PaymentBatchId(r.try_get("id")?),
        program: ProgramId(r.try_get("program_id")?),
        total: Cents(r.try_get("total_cents")?),
        status: crate::db::code(r, "status", "batch_status")?,
        paid_on: match r.try_get::<Option<String>, _>("paid_on")? {
            Some(_) => Some(date(r, "paid_on")?),
            None => None,
        },
        reference: r.try_get("reference")?,
        claims: r.try_get("claims")?,
        created_at: ts(r, "created_at")?,
    })
}

/// A market's redemptions less refunds in a program between two instants.
async fn owed_between(
    conn: &mut sqlx::AnyConnection,
    program: ProgramId,
    market: OrgId,
    from: Timestamp,
    until: Timestamp,
) -> StoreResult<Cents> {
    let s: Option<i64> = sqlx::query(
        "SELECT CAST(SUM(-amount_cents) AS BIGINT) AS s FROM fund_entries WHERE program_id = $1 \
         AND market_id = $2 AND kind IN ('spend', 'refund') AND at >= $3 AND at < $4",
    )
    .bind(program.0)
    .bind(market.0)
    .bind(ms(from))
    .bind(ms(until))
    .fetch_one(conn)
    .await?
    .try_get("s")?;
    Ok(Cents(s.unwrap_or(0)))
}

impl Store {
    /// The acting market's closed periods of a program with what each owes it, and the live
    /// claim of each; periods with nothing owed and no claim are left out. Oldest first.
    pub async fn owed_periods(&self, ps: &ProgramScope) -> StoreResult<Vec<OwedPeriod>> {
        let (scope, program, p) = (ps.tenant(), ps.id(), ps.program());
        if ps.access() != Access::Member(ProgramRole::Market) {
            return Err(StoreError::NotFound);
        }
        let today = local_date(self.now());
        // Hour buckets fold into local periods.
        let rows = sqlx::query(
            "SELECT (at / 3600000) AS h, CAST(SUM(-amount_cents) AS BIGINT) AS s FROM fund_entries \
             WHERE program_id = $1 AND market_id = $2 AND kind IN ('spend', 'refund') GROUP BY (at / 3600000)",
        )
        .bind(program.0)
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<OwedPeriod> = Vec::new();
        for r in rows {
            let start = super::reports::period_of_hour(p.report_period, r.try_get("h")?)?;
            let s: i64 = r.try_get("s")?;
            match out.iter_mut().find(|o| o.start == start) {
                Some(o) => o.owed.0 += s,
                None => out.push(OwedPeriod {
                    start,
                    end: p.report_period.next(start),
                    owed: Cents(s),
                    claim: None,
                }),
            }
        }
        out.retain(|o| o.end <= today);
        for c in self.claims(ps, None).await? {
            if c.status == ClaimStatus::Rejected {
                continue;
            }
            match out.iter_mut().find(|o| o.start == c.period_start) {
                Some(o) => o.claim = Some((c.id, c.status)),
                None => out.push(OwedPeriod {
                    start: c.period_start,
                    end: c.period_end,
                    owed: Cents(0),
                    claim: Some((c.id, c.status)),
                }),
            }
        }
        out.retain(|o| o.owed.0 > 0 || o.claim.is_some());
        out.sort_by_key(|o| o.start);
        Ok(out)
    }

    /// The acting market files a claim for the closed period that starts on `start`; the
    /// amount is what the ledger says the program owes it for that period. Refused for a period
    /// not closed yet, with nothing owed, or already claimed (unless that claim was refused).
    pub async fn file_claim(
        &self,
        ps: &ProgramScope,
        start: Date,
        note: &str,
    ) -> StoreResult<Claim> {
        let (scope, program, p) = (ps.tenant(), ps.id(), ps.program());
        if ps.access() != Access::Member(ProgramRole::Market) {
            return Err(StoreError::NotFound);
        }
        if p.report_period.start(start) != start {
            return Err(StoreError::Refused(Refusal::PeriodInvalid));
        }
        let end = p.report_period.next(start);
        let now = self.now();
        if end > local_date(now) {
            return Err(StoreError::Refused(Refusal::PeriodOpen));
        }
        let mut tx = self.write_tx().await?;
        // No day is claimed twice, even after the program's period changed (a month claimed,
        // then weeks): a live claim overlapping this period refuses it.
        let overlap = sqlx::query(
            "SELECT 1 AS x FROM reimbursement_claims WHERE program_id = $1 AND market_id = $2 \
             AND status <> 'rejected' AND period_start < $3 AND period_end > $4",
        )
        .bind(program.0)
        .bind(scope.org.0)
        .bind(end.to_string())
        .bind(start.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if overlap.is_some() {
            return Err(StoreError::Refused(Refusal::AlreadyClaimed));
        }
        let owed =
            owed_between(&mut tx, program, scope.org, start_of(start), start_of(end)).await?;
        if owed.0 <= 0 {
            return Err(StoreError::Refused(Refusal::NothingOwed));
        }
        let inserted = sqlx::query(
            "INSERT INTO reimbursement_claims (organization_id, program_id, market_id, period_start, period_end, \
             amount_cents, note, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(p.operator.0)
        .bind(program.0)
        .bind(scope.org.0)
        .bind(start.to_string())
        .bind(end.to_string())
        .bind(owed.0)
        .bind(note.trim())
        .bind(scope.actor.user.map(|u| u.0))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(r) => r.try_get("id")?,
            Err(e) => {
                let e = StoreError::from(e);
                return Err(if e.is_unique_violation() {
                    StoreError::Refused(Refusal::AlreadyClaimed)
                } else {
                    e
                });
            }
        };
        let change = Change::by(scope, Action::Create, "reimbursement_claim", id).after(json!({
            "program_id": program, "period_start": start.to_string(), "amount_cents": owed.0
        }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        self.claim(ps, ClaimId(id)).await
    }

    /// A program's claims the acting organization may read: every one for the operator, its
    /// own for a market; newest period first.
    pub async fn claims(
        &self,
        ps: &ProgramScope,
        status: Option<ClaimStatus>,
    ) -> StoreResult<Vec<Claim>> {
        let (market, program) = (Self::claims_reader(ps)?, ps.id());
        let sql = format!(
            "SELECT {CLAIM_COLUMNS} FROM reimbursement_claims c JOIN organizations o ON o.id = c.market_id \
             WHERE c.program_id = $1 AND ($2 = 0 OR c.market_id = $2) AND ($3 = '' OR c.status = $3) \
             ORDER BY c.period_start DESC, o.name, c.id DESC"
        );
        sqlx::query(&sql)
            .bind(program.0)
            .bind(market.map(|m| m.0).unwrap_or(0))
            .bind(status.map(|s| s.code()).unwrap_or(""))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(claim_row)
            .collect()
    }

    /// One claim the acting organization may read.
    pub async fn claim(&self, ps: &ProgramScope, id: ClaimId) -> StoreResult<Claim> {
        let (market, program) = (Self::claims_reader(ps)?, ps.id());
        let sql = format!(
            "SELECT {CLAIM_COLUMNS} FROM reimbursement_claims c JOIN organizations o ON o.id = c.market_id \
             WHERE c.id = $1 AND c.program_id = $2 AND ($3 = 0 OR c.market_id = $3)"
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .bind(program.0)
            .bind(market.map(|m| m.0).unwrap_or(0))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        claim_row(&row)
    }

    /// Who reads a program's claims: the operator (every market, `None`) or a market (its own).
    fn claims_reader(ps: &ProgramScope) -> StoreResult<Option<OrgId>> {
        match ps.access() {
            Access::Operator => Ok(None),
            Access::Member(ProgramRole::Market) => Ok(Some(ps.tenant().org)),
            Access::Member(_) => Err(StoreError::NotFound),
        }
    }

    /// The operator approves a submitted claim, or refuses it with a reason.
    pub async fn decide_claim(
        &self,
        ps: &ProgramScope,
        id: ClaimId,
        approve: bool,
        reason: &str,
    ) -> StoreResult<Claim> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let reason = reason.trim();
        if !approve && reason.is_empty() {
            return Err(StoreError::Refused(Refusal::ReasonRequired));
        }
        let status = if approve {
            ClaimStatus::Approved
        } else {
            ClaimStatus::Rejected
        };
        let was = self.claim(ps, id).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE reimbursement_claims SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
             WHERE id = $5 AND program_id = $6 AND organization_id = $7 AND status = 'submitted'",
        )
        .bind(status.code())
        .bind(if approve { "" } else { reason })
        .bind(scope.actor.user.map(|u| u.0))
        .bind(ms(now))
        .bind(id.0)
        .bind(program.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            drop(tx);
            // Exists, so it was decided already; or not found.
            self.claim(ps, id).await?;
            return Err(StoreError::Refused(Refusal::ClaimDecided));
        }
        let change = Change::by(scope, Action::Update, "reimbursement_claim", id)
            .before(json!({ "status": was.status.code(), "reason": was.reason }))
            .after(json!({ "status": status.code(), "reason": reason }));
        audit::record(&mut tx, change, now).await?;
        let decided = crate::platform::events::Event::ClaimDecided {
            operator: scope.org,
            program,
            claim: id,
            market: was.market,
            approved: approve,
        };
        crate::platform::events::record(&mut tx, decided, now).await?;
        tx.commit().await?;
        self.claim(ps, id).await
    }

    /// The operator gathers approved claims not in a batch yet into a new payment batch.
    pub async fn create_payment_batch(
        &self,
        ps: &ProgramScope,
        claims: &[ClaimId],
    ) -> StoreResult<PaymentBatch> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let mut ids: Vec<ClaimId> = claims.to_vec();
        ids.sort_by_key(|c| c.0);
        ids.dedup();
        if ids.is_empty() {
            return Err(StoreError::Refused(Refusal::NoClaims));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let mut total = 0i64;
        for c in &ids {
            let amount: Option<i64> = sqlx::query(
                "SELECT amount_cents FROM reimbursement_claims WHERE id = $1 AND program_id = $2 \
                 AND organization_id = $3 AND status = 'approved' AND batch_id IS NULL",
            )
            .bind(c.0)
            .bind(program.0)
            .bind(scope.org.0)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("amount_cents"))
            .transpose()?;
            total += amount.ok_or(StoreError::Refused(Refusal::ClaimNotApproved))?;
        }
        let batch: i64 = sqlx::query(
            "INSERT INTO payment_batches (organization_id, program_id, total_cents, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(total)
        .bind(scope.actor.user.map(|u| u.0))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for c in &ids {
            // Conditional again: on PostgreSQL another batch may have taken the claim meanwhile.
            let n = sqlx::query(
                "UPDATE reimbursement_claims SET batch_id = $1 WHERE id = $2 AND status = 'approved' \
                 AND batch_id IS NULL",
            )
            .bind(batch)
            .bind(c.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Refused(Refusal::ClaimNotApproved));
            }
        }
        let change = Change::by(scope, Action::Create, "payment_batch", batch)
            .after(json!({ "program_id": program, "claims": ids, "total_cents": total }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(self.payment_batch(ps, PaymentBatchId(batch)).await?.0)
    }

    /// The operator marks an open batch paid on `paid_on` with the payment's reference; its
    /// claims become paid. Returns the batch as paid and its claims (for the remittance notices).
    pub async fn mark_batch_paid(
        &self,
        ps: &ProgramScope,
        batch: PaymentBatchId,
        paid_on: Date,
        reference: &str,
    ) -> StoreResult<(PaymentBatch, Vec<Claim>)> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let (was, _) = self.payment_batch(ps, batch).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE payment_batches SET status = 'paid', paid_on = $1, reference = $2 WHERE id = $3 \
             AND program_id = $4 AND organization_id = $5 AND status = 'open'",
        )
        .bind(paid_on.to_string())
        .bind(reference.trim())
        .bind(batch.0)
        .bind(program.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            drop(tx);
            self.payment_batch(ps, batch).await?;
            return Err(StoreError::Refused(Refusal::BatchPaid));
        }
        sqlx::query("UPDATE reimbursement_claims SET status = 'paid' WHERE batch_id = $1")
            .bind(batch.0)
            .execute(&mut *tx)
            .await?;
        let change = Change::by(scope, Action::Update, "payment_batch", batch)
            .before(json!({
                "status": was.status.code(),
                "paid_on": was.paid_on.map(|d| d.to_string()),
                "reference": was.reference,
            }))
            .after(
            json!({ "status": "paid", "paid_on": paid_on.to_string(), "reference": reference.trim() }),
        );
        audit::record(&mut tx, change, now).await?;
        let paid = crate::platform::events::Event::BatchPaid {
            operator: scope.org,
            program,
            batch,
        };
        crate::platform::events::record(&mut tx, paid, now).await?;
        tx.commit().await?;
        self.payment_batch(ps, batch).await
    }

    /// A program's payment batches, newest first (the operator).
    pub async fn payment_batches(&self, ps: &ProgramScope) -> StoreResult<Vec<PaymentBatch>> {
        let program = ps.operated()?.id();
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM payment_batches b WHERE b.program_id = $1 ORDER BY b.id DESC"
        );
        sqlx::query(&sql)
            .bind(program.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(batch_row)
            .collect()
    }

    /// One payment batch with its claims (the operator).
    pub async fn payment_batch(
        &self,
        ps: &ProgramScope,
        id: PaymentBatchId,
    ) -> StoreResult<(PaymentBatch, Vec<Claim>)> {
        let program = ps.operated()?.id();
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM payment_batches b WHERE b.id = $1 AND b.program_id = $2"
        );
        let batch = sqlx::query(&sql)
            .bind(id.0)
            .bind(program.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let sql = format!(
            "SELECT {CLAIM_COLUMNS} FROM reimbursement_claims c JOIN organizations o ON o.id = c.market_id \
             WHERE c.batch_id = $1 ORDER BY o.name, c.period_start"
        );
        let claims = sqlx::query(&sql)
            .bind(id.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(claim_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((batch_row(&batch)?, claims))
    }
}
