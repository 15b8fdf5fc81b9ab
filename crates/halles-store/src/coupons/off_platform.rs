//! Off-platform participants: in programs whose allocations are administered elsewhere, the
//! partner's imported list carries each participant's dates, load frequency and amounts per
//! product group. Each becomes a personal schedule (an allocation schedule for that one
//! participant, with an envelope sized to exactly what it will load), so loads, expiry,
//! forecasts and the ledger work as for any schedule. A re-import ends the allocation of anyone
//! missing from the list; the worker deactivates participants whose allocation has ended.

use super::schedules::{Schedule, enrol_tx, insert_amounts};
use super::{Program, date};
use crate::db::ms;
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::{Enrolment, Expiry, LoadMoment};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{OrgId, ParticipantId, ParticipantTypeId, ProductGroupId, ScheduleId};
use jiff::civil::Date;
use sqlx::{AnyConnection, Row};

/// One participant's allocation, as their organization's list gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowance {
    /// First day.
    pub starts_on: Date,
    /// Last day (they are deactivated after it); a list that gives none means the program's
    /// last day.
    pub ends_on: Date,
    /// When loads happen.
    pub moment: LoadMoment,
    /// Amount per load and product group (groups with nothing left out).
    pub amounts: Vec<(ProductGroupId, Cents)>,
}

/// A participant's current personal schedule and its terms.
pub(crate) struct Current {
    pub schedule: ScheduleId,
    pub terms: Allowance,
    pub participant_type: ParticipantTypeId,
}

/// Starts a participant's personal schedule in the caller's transaction: the schedule, its
/// amounts, an envelope sized to its loads from `from` (dates already past included: they are
/// caught up), and the enrolment.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn start_allowance(
    tx: &mut AnyConnection,
    program: &Program,
    partner: OrgId,
    participant: ParticipantId,
    code: &str,
    participant_type: ParticipantTypeId,
    a: &Allowance,
    from: Date,
    now: jiff::Timestamp,
) -> StoreResult<ScheduleId> {
    let all = a.moment.dates(a.starts_on, a.ends_on).len();
    let max_loads = u32::try_from(all).map_err(|_| StoreError::Refused(Refusal::NoLoadInPeriod))?;
    if max_loads == 0 {
        return Err(StoreError::Refused(Refusal::NoLoadInPeriod));
    }
    let expiry =
        serde_json::to_string(&Expiry::Never).map_err(|_| StoreError::Corrupt("expiry"))?;
    let id: i64 = sqlx::query(
        "INSERT INTO allocation_schedules (organization_id, program_id, name, starts_on, ends_on, moment, \
         max_loads, carry_over, usage_based, expiry, created_at, participant_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(program.operator.0)
    .bind(program.id.0)
    .bind(code)
    .bind(a.starts_on.to_string())
    .bind(a.ends_on.to_string())
    .bind(a.moment.code())
    .bind(i64::from(max_loads))
    .bind(false)
    .bind(false)
    .bind(&expiry)
    .bind(ms(now))
    .bind(participant.0)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let amounts: Vec<_> = a
        .amounts
        .iter()
        .map(|(g, c)| (participant_type, *g, *c))
        .collect();
    insert_amounts(&mut *tx, program.operator, ScheduleId(id), &amounts).await?;
    let schedule = Schedule {
        id: ScheduleId(id),
        program: program.id,
        operator: program.operator,
        name: code.to_owned(),
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        moment: a.moment,
        max_loads,
        // What is left of a load is replaced by the next one, as off the platform.
        carry_over: false,
        usage_based: false,
        expiry: Expiry::Never,
        archived: false,
        amounts,
        participant: Some(participant),
    };
    let e = Enrolment {
        from: from.max(a.starts_on),
        max_loads,
    };
    let budget =
        schedule.per_load(participant_type).0 * schedule.calendar().due_dates(e).len() as i64;
    sqlx::query(
        "INSERT INTO budget_envelopes (organization_id, program_id, schedule_id, partner_id, budget_cents) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(program.operator.0)
    .bind(program.id.0)
    .bind(id)
    .bind(partner.0)
    .bind(budget)
    .execute(&mut *tx)
    .await?;
    enrol_tx(
        tx,
        &schedule,
        partner,
        participant,
        participant_type,
        e,
        now,
    )
    .await?;
    Ok(ScheduleId(id))
}

/// Ends a personal schedule in the caller's transaction: what was reserved and not loaded
/// leaves the envelope and its budget, and the schedule is archived.
pub(crate) async fn end_allowance(
    tx: &mut AnyConnection,
    schedule: ScheduleId,
    participant: ParticipantId,
) -> StoreResult<()> {
    let reserved: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(reserved_cents), 0) AS BIGINT) AS r FROM enrolments WHERE schedule_id = $1 AND participant_id = $2 \
         AND active = $3",
    )
    .bind(schedule.0)
    .bind(participant.0)
    .bind(true)
    .fetch_one(&mut *tx)
    .await?
    .try_get("r")?;
    sqlx::query(
        "UPDATE budget_envelopes SET reserved_cents = reserved_cents - $1, budget_cents = budget_cents - $1 \
         WHERE schedule_id = $2",
    )
    .bind(reserved)
    .bind(schedule.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE enrolments SET active = $1, reserved_cents = 0 WHERE schedule_id = $2 AND participant_id = $3",
    )
    .bind(false)
    .bind(schedule.0)
    .bind(participant.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE allocation_schedules SET archived = $1 WHERE id = $2")
        .bind(true)
        .bind(schedule.0)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The first day a participant's new terms load from: their first day, or the day after the
/// last date one of their earlier personal schedules ran, so a list imported late catches up
/// the dates it missed and never loads a date twice.
pub(crate) async fn allowance_from(
    tx: &mut AnyConnection,
    participant: ParticipantId,
    a: &Allowance,
) -> StoreResult<Date> {
    let last: Option<String> = sqlx::query_scalar(
        "SELECT MAX(l.due_on) FROM loads l JOIN allocation_schedules s ON s.id = l.schedule_id \
         WHERE s.participant_id = $1 AND l.participant_id = $1",
    )
    .bind(participant.0)
    .fetch_one(&mut *tx)
    .await?;
    Ok(match last {
        Some(d) => match super::day(&d)?.tomorrow() {
            Ok(next) => next.max(a.starts_on),
            Err(_) => a.starts_on,
        },
        None => a.starts_on,
    })
}

/// Empties a participant's cards in the caller's transaction, as the platform the lists come
/// from does when a person leaves its list: what is left of each load goes back where it came
/// from (its envelope or the program's reserve), each by an `expire` entry ("withdrawn")
/// naming `actor`. Returns the cents taken back.
pub(crate) async fn empty_cards(
    tx: &mut AnyConnection,
    participant: ParticipantId,
    actor: crate::Actor,
    now: jiff::Timestamp,
) -> StoreResult<i64> {
    let lots: Vec<i64> = sqlx::query_scalar(
        "SELECT l.id FROM fund_lots l JOIN cards c ON c.id = l.card_id WHERE c.participant_id = $1 \
         AND l.remaining_cents > 0 ORDER BY l.id",
    )
    .bind(participant.0)
    .fetch_all(&mut *tx)
    .await?;
    let mut back = 0;
    for lot in lots {
        back += super::ledger::expire_lot_by(&mut *tx, lot, "withdrawn", actor, now).await?;
    }
    Ok(back)
}

impl Store {
    /// The running personal schedule of each of a partner's active participants in a program,
    /// by participant.
    pub(crate) async fn current_allowances(
        &self,
        tx: &mut AnyConnection,
        program: halles_core::ProgramId,
        partner: OrgId,
    ) -> StoreResult<Vec<(ParticipantId, Current)>> {
        let rows = sqlx::query(
            "SELECT s.id, s.participant_id, s.starts_on, s.ends_on, s.moment, p.participant_type_id \
             FROM allocation_schedules s JOIN participants p ON p.id = s.participant_id \
             WHERE s.program_id = $1 AND p.organization_id = $2 AND p.active = $3 AND s.archived = $4 ORDER BY s.id",
        )
        .bind(program.0)
        .bind(partner.0)
        .bind(true)
        .bind(false)
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id = ScheduleId(r.try_get("id")?);
            let participant_type = ParticipantTypeId(r.try_get("participant_type_id")?);
            let amounts = sqlx::query(
                "SELECT product_group_id, amount_cents FROM schedule_amounts WHERE schedule_id = $1 \
                 AND participant_type_id = $2 AND amount_cents > 0 ORDER BY product_group_id",
            )
            .bind(id.0)
            .bind(participant_type.0)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|a| {
                Ok((
                    ProductGroupId(a.try_get("product_group_id")?),
                    Cents(a.try_get("amount_cents")?),
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
            out.push((
                ParticipantId(r.try_get("participant_id")?),
                Current {
                    schedule: id,
                    terms: Allowance {
                        starts_on: date(&r, "starts_on")?,
                        ends_on: date(&r, "ends_on")?,
                        moment: crate::db::code(&r, "moment", "moment")?,
                        amounts,
                    },
                    participant_type,
                },
            ));
        }
        Ok(out)
    }

    /// Deactivates the off-platform participants whose allocation ended before `today`: their
    /// personal schedule is ended and they stop being active. Returns how many.
    pub async fn deactivate_ended_allowances(&self, today: Date) -> StoreResult<usize> {
        let rows = sqlx::query(
            "SELECT s.id, s.participant_id FROM allocation_schedules s JOIN participants p ON p.id = s.participant_id \
             JOIN programs g ON g.id = s.program_id WHERE s.archived = $1 AND s.ends_on < $2 AND p.active = $3 \
             AND g.off_platform = $3 ORDER BY s.id",
        )
        .bind(false)
        .bind(today.to_string())
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        let mut n = 0;
        for r in rows {
            let schedule = ScheduleId(r.try_get("id")?);
            let participant = ParticipantId(r.try_get("participant_id")?);
            let mut tx = self.write_tx().await?;
            end_allowance(&mut tx, schedule, participant).await?;
            let others: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM allocation_schedules WHERE participant_id = $1 AND archived = $2",
            )
            .bind(participant.0)
            .bind(false)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            if others == 0 {
                sqlx::query("UPDATE participants SET active = $1 WHERE id = $2")
                    .bind(false)
                    .bind(participant.0)
                    .execute(&mut *tx)
                    .await?;
                n += 1;
            }
            tx.commit().await?;
        }
        Ok(n)
    }
}
