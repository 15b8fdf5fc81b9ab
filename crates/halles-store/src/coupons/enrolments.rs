//! Changes to one participant's enrolment in a schedule after the fact.

use super::ProgramScope;
use super::day;
use super::schedules::Schedule;
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::Enrolment;
use halles_core::refusals::Refusal;
use halles_core::{ParticipantId, ParticipantTypeId, ScheduleId};
use serde_json::json;

impl Store {
    /// Changes how many loads one participant receives from a schedule (a partner's staff or
    /// the operator), down or up: one person may get more than the schedule's maximum. The
    /// envelope's reservation follows: lowering gives back what will no longer be loaded,
    /// raising reserves more and is refused beyond the envelope (`over_budget`). The new
    /// maximum may not exceed the schedule's load dates from the person's start
    /// (`max_loads_above_schedule`) nor fall below the loads already run
    /// (`max_loads_below_loaded`). Audited.
    pub async fn set_max_loads(
        &self,
        ps: &ProgramScope,
        schedule: ScheduleId,
        participant: ParticipantId,
        max_loads: u32,
    ) -> StoreResult<()> {
        let scope = ps.tenant();
        let s = self.program_schedule(ps, schedule).await?;
        let p = self.participant(ps, participant).await?;
        if max_loads == 0 {
            return Err(StoreError::Refused(Refusal::MaxLoads));
        }
        if s.archived {
            return Err(StoreError::Refused(Refusal::ScheduleArchived));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let (before, reserved, reserve) = reserve_again(
            &mut tx,
            &s,
            participant,
            p.participant_type,
            Some(max_loads),
        )
        .await?;
        let change = Change::by(
            scope,
            Action::Update,
            "enrolment",
            format!("{schedule}:{participant}"),
        )
        .before(json!({"max_loads": before, "reserved_cents": reserved}))
        .after(json!({"max_loads": max_loads, "reserved_cents": reserve}));
        audit::record(
            &mut tx,
            Change {
                org: Some(p.partner),
                ..change
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Sets an active enrolment's reservation to what its pending loads will cost, in the caller's
/// transaction: for a new maximum number of loads (`Some`) or a new participant type. The
/// envelope gives back or reserves the difference, never beyond its budget (`over_budget`).
/// Returns the maximum before, and the reservation before and after.
pub(crate) async fn reserve_again(
    tx: &mut sqlx::AnyConnection,
    s: &Schedule,
    participant: ParticipantId,
    participant_type: ParticipantTypeId,
    max_loads: Option<u32>,
) -> StoreResult<(i64, i64, i64)> {
    let (from, before, reserved, envelope) = sqlx::query_as::<_, (String, i64, i64, i64)>(
        "SELECT from_on, max_loads, reserved_cents, envelope_id FROM enrolments \
         WHERE schedule_id = $1 AND participant_id = $2 AND active = $3",
    )
    .bind(s.id.0)
    .bind(participant.0)
    .bind(true)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let from = day(&from)?;
    let max_loads = match max_loads {
        Some(m) => {
            // At most one load per date of the schedule from the person's start.
            let dates = s
                .calendar()
                .dates_from(Enrolment { from, max_loads: m })
                .len();
            if m as usize > dates {
                return Err(StoreError::Refused(Refusal::MaxLoadsAboveSchedule));
            }
            m
        }
        None => u32::try_from(before).map_err(|_| StoreError::Corrupt("max_loads"))?,
    };
    let done = enrolment_loads(&mut *tx, s, participant).await?;
    // A usage-based schedule counts loads made; others count the dates run since the
    // enrolment's start (a person who came back starts again from their return).
    let counted = if s.usage_based {
        done.iter().filter(|(_, o)| o == "loaded").count()
    } else {
        let from = from.to_string();
        done.iter().filter(|(d, _)| *d >= from).count()
    };
    if counted > max_loads as usize {
        return Err(StoreError::Refused(Refusal::MaxLoadsBelowLoaded));
    }
    let pending = s.pending_loads(Enrolment { from, max_loads }, &done);
    let reserve = s.per_load(participant_type).0 * pending;
    let delta = reserve - reserved;
    let moved = sqlx::query(
        "UPDATE budget_envelopes SET reserved_cents = reserved_cents + $1 WHERE id = $2 \
         AND ($1 <= 0 OR reserved_cents + loaded_cents + $1 <= budget_cents)",
    )
    .bind(delta)
    .bind(envelope)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(StoreError::Refused(Refusal::OverBudget));
    }
    sqlx::query(
        "UPDATE enrolments SET max_loads = $1, reserved_cents = $2 WHERE schedule_id = $3 \
         AND participant_id = $4",
    )
    .bind(i64::from(max_loads))
    .bind(reserve)
    .bind(s.id.0)
    .bind(participant.0)
    .execute(&mut *tx)
    .await?;
    Ok((before, reserved, reserve))
}

/// The loads already run for an enrolment: due date and outcome.
pub(crate) async fn enrolment_loads(
    tx: &mut sqlx::AnyConnection,
    s: &Schedule,
    participant: ParticipantId,
) -> StoreResult<Vec<(String, String)>> {
    Ok(sqlx::query_as::<_, (String, String)>(
        "SELECT due_on, outcome FROM loads WHERE schedule_id = $1 AND participant_id = $2",
    )
    .bind(s.id.0)
    .bind(participant.0)
    .fetch_all(&mut *tx)
    .await?)
}

/// Sets an enrolment's reservation back to what its pending loads will cost, after a load of a
/// usage-based schedule ran (loaded, skipped for want of use, or without a card), moving the
/// difference in the envelope in the caller's transaction. A skipped date keeps its money
/// reserved while later dates can still load it.
pub(crate) async fn settle_reservation(
    tx: &mut sqlx::AnyConnection,
    s: &Schedule,
    participant: ParticipantId,
    participant_type: ParticipantTypeId,
    e: Enrolment,
) -> StoreResult<()> {
    let (reserved, envelope) = sqlx::query_as::<_, (i64, i64)>(
        "SELECT reserved_cents, envelope_id FROM enrolments WHERE schedule_id = $1 AND participant_id = $2 \
         AND active = $3",
    )
    .bind(s.id.0)
    .bind(participant.0)
    .bind(true)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let done = enrolment_loads(&mut *tx, s, participant).await?;
    let target = s.per_load(participant_type).0 * s.pending_loads(e, &done);
    let delta = target - reserved;
    if delta == 0 {
        return Ok(());
    }
    let moved = sqlx::query(
        "UPDATE budget_envelopes SET reserved_cents = reserved_cents + $1 WHERE id = $2 \
         AND ($1 <= 0 OR reserved_cents + loaded_cents + $1 <= budget_cents)",
    )
    .bind(delta)
    .bind(envelope)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(StoreError::Refused(Refusal::OverBudget));
    }
    sqlx::query(
        "UPDATE enrolments SET reserved_cents = $1 WHERE schedule_id = $2 AND participant_id = $3",
    )
    .bind(target)
    .bind(s.id.0)
    .bind(participant.0)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
