//! The monthly report of a program, e-mailed on the 1st for the month before to the accounts
//! that asked for it: members of the operator or of a funder, each choosing for themselves on
//! the reports page. A program's report of a month is claimed once, in the transaction that
//! queues its e-mails ([`Store::send_monthly_report`]), so it goes out exactly once across
//! restarts and workers.

use super::{Access, ProgramScope};
use crate::db::ms;
use crate::platform::email::{OutgoingEmail, insert_email};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::ProgramRole;
use halles_core::{OrgId, ProgramId, UserId};
use jiff::civil::Date;

/// A program whose report of a month is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueMonthlyReport {
    /// The program.
    pub program: ProgramId,
    /// Its operator.
    pub operator: OrgId,
    /// The first day of the month reported.
    pub month: Date,
}

/// Who receives a program's monthly report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecipient {
    /// Their e-mail.
    pub email: String,
    /// Their language code.
    pub lang: String,
    /// The organization through which they read the program.
    pub org: OrgId,
}

impl Store {
    /// The account acting in `ps` asks for (`on`) or stops the program's monthly report. Only
    /// members of the operator and of funders receive it (`NotFound` for others), each for
    /// themselves.
    pub async fn set_monthly_report(&self, ps: &ProgramScope, on: bool) -> StoreResult<()> {
        let (org, user) = Self::report_reader(ps)?;
        if on {
            sqlx::query(
                "INSERT INTO report_recipients (organization_id, program_id, user_id, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(org.0)
            .bind(ps.id().0)
            .bind(user.0)
            .bind(ms(self.now()))
            .execute(self.writes())
            .await?;
        } else {
            sqlx::query(
                "DELETE FROM report_recipients WHERE organization_id = $1 AND program_id = $2 AND user_id = $3",
            )
            .bind(org.0)
            .bind(ps.id().0)
            .bind(user.0)
            .execute(self.writes())
            .await?;
        }
        Ok(())
    }

    /// Whether the account acting in `ps` receives the program's monthly report (`NotFound`
    /// for those who may not).
    pub async fn monthly_report_on(&self, ps: &ProgramScope) -> StoreResult<bool> {
        let (org, user) = Self::report_reader(ps)?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM report_recipients WHERE organization_id = $1 AND program_id = $2 \
             AND user_id = $3",
        )
        .bind(org.0)
        .bind(ps.id().0)
        .bind(user.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// The organization and the person of a scope that may receive the monthly report.
    fn report_reader(ps: &ProgramScope) -> StoreResult<(OrgId, UserId)> {
        let reads_all = matches!(
            ps.access(),
            Access::Operator | Access::Member(ProgramRole::Funder)
        );
        match (reads_all, ps.tenant().actor.user, ps.tenant().actor.token) {
            (true, Some(user), None) => Ok((ps.tenant().org, user)),
            _ => Err(StoreError::NotFound),
        }
    }

    /// The programs whose report of last month (before `today`) has recipients who asked for
    /// it before that month ended, and has not gone out yet: programs not archived that ran
    /// during that month. Someone who asks mid-month gets their first report on the next 1st.
    pub async fn due_monthly_reports(&self, today: Date) -> StoreResult<Vec<DueMonthlyReport>> {
        let month = today
            .first_of_month()
            .yesterday()
            .map_err(|_| StoreError::Corrupt("date"))?
            .first_of_month();
        let last = month.last_of_month();
        let rows = sqlx::query_as::<_, (i64, i64)>(
            "SELECT p.id, p.organization_id FROM programs p WHERE p.archived = $1 \
             AND p.starts_on <= $2 AND p.ends_on >= $3 \
             AND EXISTS (SELECT 1 FROM report_recipients r WHERE r.program_id = p.id AND r.created_at < $5) \
             AND NOT EXISTS (SELECT 1 FROM monthly_report_mailings m WHERE m.program_id = p.id AND m.month = $4) \
             ORDER BY p.id",
        )
        .bind(false)
        .bind(last.to_string())
        .bind(month.to_string())
        .bind(month_code(month))
        .bind(month_end(month))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(p, o)| DueMonthlyReport {
                program: ProgramId(p),
                operator: OrgId(o),
                month,
            })
            .collect())
    }

    /// Who receives a program's report of `month` (its first day): accounts that asked for it
    /// before the month ended, not disabled, still members of the operator or of a funder of
    /// the program.
    pub async fn monthly_report_recipients(
        &self,
        program: ProgramId,
        month: Date,
    ) -> StoreResult<Vec<ReportRecipient>> {
        let rows = sqlx::query_as::<_, (String, String, i64)>(
            "SELECT u.email, u.lang, r.organization_id FROM report_recipients r \
             JOIN users u ON u.id = r.user_id \
             JOIN memberships s ON s.organization_id = r.organization_id AND s.user_id = r.user_id \
             JOIN programs p ON p.id = r.program_id \
             WHERE r.program_id = $1 AND r.created_at < $2 AND u.disabled_at IS NULL \
             AND (r.organization_id = p.organization_id \
             OR EXISTS (SELECT 1 FROM program_members m WHERE m.program_id = r.program_id \
             AND m.member_id = r.organization_id AND m.role = 'funder')) ORDER BY u.email",
        )
        .bind(program.0)
        .bind(month_end(month))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(email, lang, org)| ReportRecipient {
                email,
                lang,
                org: OrgId(org),
            })
            .collect())
    }

    /// Claims a program's report of a month and queues its e-mails in one transaction;
    /// `false` (nothing queued) when it was already sent.
    pub async fn send_monthly_report(
        &self,
        due: &DueMonthlyReport,
        emails: &[OutgoingEmail],
    ) -> StoreResult<bool> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let claimed = sqlx::query(
            "INSERT INTO monthly_report_mailings (organization_id, program_id, month, recipients, sent_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(due.operator.0)
        .bind(due.program.0)
        .bind(month_code(due.month))
        .bind(i64::try_from(emails.len()).unwrap_or(i64::MAX))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(false);
        }
        for email in emails {
            insert_email(&mut tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

/// The instant a month (given by its first day) ends, in Montréal, as stored.
fn month_end(month: Date) -> i64 {
    let next = month.last_of_month().tomorrow().unwrap_or(month);
    ms(halles_core::coupons::start_of(next))
}

/// `2026-07` for July 2026.
fn month_code(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}
