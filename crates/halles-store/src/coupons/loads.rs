//! The load engine: loads due by a schedule put on each enrolled participant's card (exactly
//! once per participant, schedule and due date), missed loads re-issued, and forecasts.

use super::ProgramScope;
use super::day;
use super::ledger::{CardDims, Entry, add_lot, expire_lot_by, insert_entry};
use super::schedules::Schedule;
use crate::db::ms;
use crate::platform::audit::{self, Action, Change};
use crate::platform::events::{self, Event};
use crate::{Actor, Store, StoreError, StoreResult};
use halles_core::coupons::{EntryKind, local_date};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{
    CardId, LoadId, OrgId, ParticipantId, ParticipantTypeId, ProductGroupId, ScheduleId,
};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

/// What a run of the load job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LoadRun {
    /// Loads put on cards.
    pub loaded: u32,
    /// Their total.
    pub loaded_cents: i64,
    /// Due loads of participants without a card (the money stays in the envelope).
    pub no_card: u32,
    /// Due loads skipped by usage-based schedules (card unused since the previous load).
    pub unused: u32,
    /// Unspent funds replaced by a new load (schedules without carry-over).
    pub replaced_cents: i64,
}

impl Store {
    /// The loads a participant will still receive from a schedule: due date and amounts.
    pub async fn forecast(
        &self,
        ps: &ProgramScope,
        schedule: ScheduleId,
        participant: ParticipantId,
    ) -> StoreResult<Vec<(Date, Vec<(ProductGroupId, Cents)>)>> {
        Ok(self.forecast_with_max(ps, schedule, participant).await?.1)
    }

    /// [`Store::forecast`], with the participant's maximum number of loads in the schedule.
    #[allow(clippy::type_complexity)]
    pub async fn forecast_with_max(
        &self,
        ps: &ProgramScope,
        schedule: ScheduleId,
        participant: ParticipantId,
    ) -> StoreResult<(u32, Vec<(Date, Vec<(ProductGroupId, Cents)>)>)> {
        let s = self.program_schedule(ps, schedule).await?;
        let p = self.participant(ps, participant).await?;
        let row = sqlx::query_as::<_, EnrolmentRow>(
            "SELECT from_on, max_loads, loaded_through FROM enrolments WHERE schedule_id = $1 AND participant_id = $2 \
             AND active = $3",
        )
        .bind(schedule.0)
        .bind(participant.0)
        .bind(true)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let e = row.enrolment()?;
        let through = row.loaded_through;
        let amounts = s.load_for(p.participant_type);
        let mut tx = self.pool.acquire().await?;
        let done = super::enrolments::enrolment_loads(&mut tx, &s, participant).await?;
        let pending = usize::try_from(s.pending_loads(e, &done)).unwrap_or(0);
        let loads = s
            .candidate_dates(e)
            .into_iter()
            .filter(|d| d.to_string() > through)
            .take(pending)
            .map(|d| (d, amounts.clone()))
            .collect();
        Ok((e.max_loads, loads))
    }

    /// Runs every load due on or before `today` that has not run yet: exactly once per
    /// participant, schedule and due date (a unique key on `loads`), whatever how often or
    /// concurrently the job runs.
    pub async fn run_due_loads(&self, today: Date) -> StoreResult<LoadRun> {
        let mut run = LoadRun::default();
        let schedule_ids: Vec<i64> = sqlx::query_scalar(
            "SELECT s.id FROM allocation_schedules s JOIN programs p ON p.id = s.program_id \
             WHERE s.archived = $1 AND p.archived = $1 AND s.starts_on <= $2 ORDER BY s.id",
        )
        .bind(false)
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await?;
        for sid in schedule_ids {
            self.run_schedule_loads(ScheduleId(sid), today, Actor::system(), &mut run)
                .await?;
        }
        Ok(run)
    }

    /// Runs the loads of one schedule due on or before `today`, each once, made by `actor`
    /// (the platform on the worker's tick; the person whose import started the schedule).
    pub(crate) async fn run_schedule_loads(
        &self,
        schedule: ScheduleId,
        today: Date,
        actor: Actor,
        run: &mut LoadRun,
    ) -> StoreResult<()> {
        let s = self.schedule(schedule).await?;
        let sid = schedule.0;
        let rows = sqlx::query_as::<_, DueRow>(
            "SELECT e.organization_id, e.participant_id, e.envelope_id, e.from_on, e.max_loads, e.loaded_through, \
             p.participant_type_id FROM enrolments e JOIN participants p ON p.id = e.participant_id \
             WHERE e.schedule_id = $1 AND e.active = $2 AND e.loaded_through < $3",
        )
        .bind(sid)
        .bind(true)
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let e = r.enrolment.enrolment()?;
            let through = r.enrolment.loaded_through;
            let due = LoadTarget {
                partner: OrgId(r.organization_id),
                participant: ParticipantId(r.participant_id),
                participant_type: ParticipantTypeId(r.participant_type_id),
                envelope: r.envelope_id,
                enrolment: e,
            };
            // A usage-based schedule's maximum counts loads made, not dates.
            let cap = e.max_loads;
            let mut made: u32 = if s.usage_based {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM loads WHERE schedule_id = $1 AND participant_id = $2 \
                     AND outcome = 'loaded'",
                )
                .bind(sid)
                .bind(r.participant_id)
                .fetch_one(&self.pool)
                .await?
                .try_into()
                .unwrap_or(u32::MAX)
            } else {
                0
            };
            for d in s.candidate_dates(e) {
                if s.usage_based && made >= cap {
                    break;
                }
                if d > today || d.to_string() <= through {
                    continue;
                }
                let before = run.loaded;
                let mut tx = self.write_tx().await?;
                load_in(&mut tx, &s, &due, d, run, Load::due(actor), self.now()).await?;
                tx.commit().await?;
                made += run.loaded - before;
            }
        }
        Ok(())
    }

    /// Re-issues a load a participant missed for want of a card (a catch-up), or one a
    /// usage-based schedule skipped: [`Store::reissue_loads`] for one date.
    pub async fn reissue_load(
        &self,
        ps: &ProgramScope,
        schedule: ScheduleId,
        participant: ParticipantId,
        due: Date,
    ) -> StoreResult<Cents> {
        self.reissue_loads(ps, schedule, participant, &[due]).await
    }

    /// Staff issue, at once and in one transaction, loads a participant did not receive: dates
    /// missed for want of a card (`no_card`) and dates a usage-based schedule skipped
    /// (`unused`). Only dates of the person's own enrolment (`load_outside_enrolment`), while
    /// the schedule runs (`schedule_ended`), to a card (`no_card`), within their number of loads
    /// (`max_loads_reached`) and their envelope (`over_budget`). Each load names the staff
    /// member on its ledger entries and has its audit row. Returns the total loaded.
    pub async fn reissue_loads(
        &self,
        ps: &ProgramScope,
        schedule: ScheduleId,
        participant: ParticipantId,
        dates: &[Date],
    ) -> StoreResult<Cents> {
        let scope = ps.tenant();
        let s = self.program_schedule(ps, schedule).await?;
        let p = self.participant(ps, participant).await?;
        let now = self.now();
        if local_date(now) > s.ends_on {
            return Err(StoreError::Refused(Refusal::ScheduleEnded));
        }
        if !p.active {
            return Err(StoreError::Refused(Refusal::ParticipantRemoved));
        }
        let mut dates = dates.to_vec();
        dates.sort_unstable();
        dates.dedup();
        if dates.is_empty() || dates.len() > MAX_ISSUED_AT_ONCE {
            return Err(StoreError::Refused(Refusal::NoMissedLoad));
        }
        let mut tx = self.write_tx().await?;
        // Only a date of the person's own enrolment: never before it began (a catch-up does not
        // reach back before the enrolment's start) nor after the schedule's end.
        let row = sqlx::query_as::<_, EnrolmentRow>(
            "SELECT from_on, max_loads, loaded_through FROM enrolments WHERE schedule_id = $1 AND participant_id = $2 \
             AND active = $3",
        )
        .bind(schedule.0)
        .bind(participant.0)
        .bind(true)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::NoMissedLoad))?;
        let enrolment = row.enrolment()?;
        let candidates = s.candidate_dates(enrolment);
        if dates
            .iter()
            .any(|d| *d > s.ends_on || !candidates.contains(d))
        {
            return Err(StoreError::Refused(Refusal::LoadOutsideEnrolment));
        }
        let card: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM cards WHERE participant_id = $1 AND status = 'assigned' ORDER BY id DESC LIMIT 1",
        )
        .bind(participant.0)
        .fetch_optional(&mut *tx)
        .await?;
        if card.is_none() {
            return Err(StoreError::Refused(Refusal::NoCard));
        }
        let envelope: i64 = sqlx::query_scalar(
            "SELECT envelope_id FROM enrolments WHERE schedule_id = $1 AND participant_id = $2",
        )
        .bind(schedule.0)
        .bind(participant.0)
        .fetch_one(&mut *tx)
        .await?;
        let total = s.per_load(p.participant_type);
        let t = LoadTarget {
            partner: p.partner,
            participant,
            participant_type: p.participant_type,
            envelope,
            enrolment,
        };
        let mut run = LoadRun::default();
        for due in &dates {
            // The load that did not happen goes back to pending.
            let was: Option<String> = sqlx::query_scalar(
                "DELETE FROM loads WHERE schedule_id = $1 AND participant_id = $2 AND due_on = $3 \
                 AND outcome IN ('no_card', 'unused') RETURNING outcome",
            )
            .bind(schedule.0)
            .bind(participant.0)
            .bind(due.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(was) = was else {
                return Err(StoreError::Refused(Refusal::NoMissedLoad));
            };
            let mut done = super::enrolments::enrolment_loads(&mut tx, &s, participant).await?;
            if s.usage_based
                && done.iter().filter(|(_, o)| o == "loaded").count() as u64
                    >= u64::from(enrolment.max_loads)
            {
                return Err(StoreError::Refused(Refusal::MaxLoadsReached));
            }
            // Reserve what this load takes, less what its issue frees of the reservation of
            // loads to come (a usage-based schedule's load made now is one fewer to come).
            done.push((due.to_string(), "loaded".to_owned()));
            let after = s.per_load(p.participant_type).0 * s.pending_loads(enrolment, &done);
            let reserved: i64 = sqlx::query_scalar(
                "SELECT reserved_cents FROM enrolments WHERE schedule_id = $1 AND participant_id = $2",
            )
            .bind(schedule.0)
            .bind(participant.0)
            .fetch_one(&mut *tx)
            .await?;
            let more = total.0 + after - reserved;
            let moved = sqlx::query(
                "UPDATE budget_envelopes SET reserved_cents = reserved_cents + $1 WHERE id = $2 \
                 AND ($1 <= 0 OR reserved_cents + loaded_cents + $1 <= budget_cents)",
            )
            .bind(more)
            .bind(envelope)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved != 1 {
                return Err(StoreError::Refused(Refusal::OverBudget));
            }
            sqlx::query(
                "UPDATE enrolments SET reserved_cents = reserved_cents + $1 WHERE schedule_id = $2 \
                 AND participant_id = $3",
            )
            .bind(more)
            .bind(schedule.0)
            .bind(participant.0)
            .execute(&mut *tx)
            .await?;
            let how = Load {
                actor: scope.actor,
                issued: true,
            };
            let made = load_in(&mut tx, &s, &t, *due, &mut run, how, now)
                .await?
                .ok_or(StoreError::Refused(Refusal::ConcurrentUpdate))?;
            if made.outcome != "loaded" {
                return Err(StoreError::Refused(Refusal::NoCard));
            }
            audit::record(
                &mut tx,
                Change {
                    org: Some(p.partner),
                    actor: scope.actor,
                    action: Action::Create,
                    entity: "load",
                    entity_id: format!("{schedule}:{participant}:{due}"),
                    before: Some(json!({"outcome": was})),
                    after: Some(json!({
                        "outcome": "loaded",
                        "load": made.id,
                        "card": made.card,
                        "amount_cents": made.total,
                    })),
                },
                now,
            )
            .await?;
        }
        // Put the enrolment's cursor back after the latest load made.
        sqlx::query(
            "UPDATE enrolments SET loaded_through = COALESCE((SELECT MAX(due_on) FROM loads WHERE schedule_id = $1 \
             AND participant_id = $2), '') WHERE schedule_id = $1 AND participant_id = $2",
        )
        .bind(schedule.0)
        .bind(participant.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Cents(run.loaded_cents))
    }

    /// The loads a participant did not receive and staff may issue: missed for want of a card
    /// and skipped by a usage-based schedule, with schedule, due date and outcome, oldest first.
    pub async fn loads_to_issue(
        &self,
        ps: &ProgramScope,
        participant: ParticipantId,
    ) -> StoreResult<Vec<(ScheduleId, Date, String)>> {
        self.participant(ps, participant).await?;
        let rows = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT l.schedule_id, l.due_on, l.outcome FROM loads l JOIN enrolments e ON e.schedule_id = l.schedule_id \
             AND e.participant_id = l.participant_id AND e.active = $2 \
             WHERE l.participant_id = $1 AND l.outcome IN ('no_card', 'unused') ORDER BY l.due_on, l.schedule_id",
        )
        .bind(participant.0)
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(schedule, due, outcome)| Ok((ScheduleId(schedule), day(&due)?, outcome)))
            .collect()
    }

    /// The loads a participant missed for want of a card: schedule and due date, oldest first.
    pub async fn missed_loads(
        &self,
        ps: &ProgramScope,
        participant: ParticipantId,
    ) -> StoreResult<Vec<(ScheduleId, Date)>> {
        self.participant(ps, participant).await?;
        let rows = sqlx::query_as::<_, (i64, String)>(
            "SELECT schedule_id, due_on FROM loads WHERE participant_id = $1 AND outcome = 'no_card' ORDER BY due_on",
        )
        .bind(participant.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(schedule, due)| Ok((ScheduleId(schedule), day(&due)?)))
            .collect()
    }
}

/// The most loads staff issue at once.
pub const MAX_ISSUED_AT_ONCE: usize = 60;

/// Who a load is for.
struct LoadTarget {
    partner: OrgId,
    participant: ParticipantId,
    participant_type: ParticipantTypeId,
    envelope: i64,
    enrolment: halles_core::coupons::Enrolment,
}

/// An enrolment's progress: from when, how many loads, and the last due date loaded.
#[derive(FromRow)]
struct EnrolmentRow {
    from_on: String,
    max_loads: i64,
    loaded_through: String,
}

impl EnrolmentRow {
    /// The enrolment's terms.
    fn enrolment(&self) -> StoreResult<halles_core::coupons::Enrolment> {
        Ok(halles_core::coupons::Enrolment {
            from: day(&self.from_on)?,
            max_loads: u32::try_from(self.max_loads).unwrap_or(0),
        })
    }
}

/// An active enrolment with loads still due, and its participant's type.
#[derive(FromRow)]
struct DueRow {
    organization_id: i64,
    participant_id: i64,
    envelope_id: i64,
    participant_type_id: i64,
    #[sqlx(flatten)]
    enrolment: EnrolmentRow,
}

/// How a load is made: by whom, and whether staff issue it whatever the card's use.
#[derive(Debug, Clone, Copy)]
struct Load {
    /// Who makes it: named on its ledger entries.
    actor: Actor,
    /// Staff issue it: a usage-based schedule loads it though the card went unused.
    issued: bool,
}

impl Load {
    /// A load come due.
    fn due(actor: Actor) -> Self {
        Load {
            actor,
            issued: false,
        }
    }
}

/// What one load did: its id, outcome, card and total.
struct Loaded {
    id: i64,
    outcome: &'static str,
    card: Option<i64>,
    total: i64,
}

/// One due load, in the caller's transaction. `None` when another run made it.
async fn load_in(
    tx: &mut sqlx::AnyConnection,
    s: &Schedule,
    t: &LoadTarget,
    due: Date,
    run: &mut LoadRun,
    how: Load,
    now: jiff::Timestamp,
) -> StoreResult<Option<Loaded>> {
    let amounts = s.load_for(t.participant_type);
    let total: i64 = amounts.iter().map(|(_, c)| c.0).sum();
    let claimed: Option<i64> = sqlx::query_scalar(
            "INSERT INTO loads (organization_id, schedule_id, participant_id, due_on, outcome, created_at) \
             VALUES ($1, $2, $3, $4, 'pending', $5) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(s.operator.0)
        .bind(s.id.0)
        .bind(t.participant.0)
        .bind(due.to_string())
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await?;
    let Some(load_id) = claimed else {
        // Another run did it.
        return Ok(None);
    };
    let card: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM cards WHERE participant_id = $1 AND status = 'assigned' ORDER BY id DESC LIMIT 1",
        )
        .bind(t.participant.0)
        .fetch_optional(&mut *tx)
        .await?;
    let outcome = match card {
        None => "no_card",
        Some(card) if s.usage_based && !how.issued => {
            // Used since the previous load of this schedule (or never loaded yet)?
            let prev: Option<i64> = sqlx::query_scalar(
                    "SELECT MAX(created_at) AS at FROM loads WHERE schedule_id = $1 AND participant_id = $2 \
                     AND outcome = 'loaded'",
                )
                .bind(s.id.0)
                .bind(t.participant.0)
                .fetch_one(&mut *tx)
                .await?;
            let used = match prev {
                    None => true,
                    Some(at) => sqlx::query(
                        "SELECT 1 AS x FROM fund_entries WHERE card_id = $1 AND kind = 'spend' AND at >= $2 LIMIT 1",
                    )
                    .bind(card)
                    .bind(at)
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_some(),
                };
            if used { "loaded" } else { "unused" }
        }
        Some(_) => "loaded",
    };
    if outcome == "loaded" {
        let card = CardId(card.unwrap_or_default());
        if !s.carry_over {
            // Replaced: what is left of this schedule's earlier loads leaves the card; for an
            // off-platform participant, of any of their personal schedules (new terms from a
            // re-import replace the old terms' funds too).
            let lots: Vec<i64> = sqlx::query_scalar(
                    "SELECT l.id FROM fund_lots l WHERE l.card_id = $1 AND l.remaining_cents > 0 AND (l.schedule_id = $2 \
                     OR ($3 > 0 AND l.schedule_id IN (SELECT a.id FROM allocation_schedules a WHERE a.participant_id = $3)))",
                )
                .bind(card.0)
                .bind(s.id.0)
                .bind(s.participant.map(|p| p.0).unwrap_or(0))
                .fetch_all(&mut *tx)
                .await?;
            for l in lots {
                run.replaced_cents +=
                    expire_lot_by(&mut *tx, l, "replaced", how.actor, now).await?;
            }
        }
        let expires = s.expiry.expires_at(due);
        let dims = CardDims {
            operator: s.operator,
            program: s.program,
            card,
            status: halles_core::coupons::CardStatus::Assigned,
            partner: Some(t.partner),
            participant: Some(t.participant),
            participant_type: Some(t.participant_type),
        };
        for (group, amount) in &amounts {
            let lot = add_lot(
                &mut *tx,
                s.operator,
                card,
                *group,
                *amount,
                Some(load_id),
                Some(t.envelope),
                Some(s.id),
                expires,
                now,
            )
            .await?;
            if let Some(days) = s.expiry.days_after_first_use() {
                sqlx::query("UPDATE fund_lots SET use_days = $1 WHERE id = $2")
                    .bind(i64::from(days))
                    .bind(lot)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut e = Entry::new(&dims, *group, EntryKind::Load, *amount);
            e.lot = Some(lot);
            e.schedule = Some(s.id);
            e.actor = how.actor;
            insert_entry(&mut *tx, &e, now).await?;
        }
        sqlx::query(
                "UPDATE budget_envelopes SET reserved_cents = reserved_cents - $1, loaded_cents = loaded_cents + $1 \
                 WHERE id = $2",
            )
            .bind(total)
            .bind(t.envelope)
            .execute(&mut *tx)
            .await?;
        run.loaded += 1;
        run.loaded_cents += total;
    } else {
        // Nothing loaded: the promise goes back to the envelope.
        sqlx::query(
            "UPDATE budget_envelopes SET reserved_cents = reserved_cents - $1 WHERE id = $2",
        )
        .bind(total)
        .bind(t.envelope)
        .execute(&mut *tx)
        .await?;
        if outcome == "no_card" {
            run.no_card += 1;
        } else {
            run.unused += 1;
        }
    }
    sqlx::query("UPDATE loads SET outcome = $1, card_id = $2, amount_cents = $3 WHERE id = $4")
        .bind(outcome)
        .bind(card)
        .bind(if outcome == "loaded" { total } else { 0 })
        .bind(load_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE enrolments SET reserved_cents = reserved_cents - $1, loaded_through = $2 \
             WHERE schedule_id = $3 AND participant_id = $4",
    )
    .bind(total)
    .bind(due.to_string())
    .bind(s.id.0)
    .bind(t.participant.0)
    .execute(&mut *tx)
    .await?;
    let loaded = outcome == "loaded";
    let ran = Event::LoadRun {
        operator: s.operator,
        program: s.program,
        schedule: s.id,
        load: LoadId(load_id),
        participant: t.participant,
        due_on: due,
        outcome: outcome.to_owned(),
        card: card.filter(|_| loaded).map(CardId),
        total: Cents(if loaded { total } else { 0 }),
    };
    events::record(&mut *tx, ran, now).await?;
    if s.usage_based {
        super::enrolments::settle_reservation(
            &mut *tx,
            s,
            t.participant,
            t.participant_type,
            t.enrolment,
        )
        .await?;
    }
    Ok(Some(Loaded {
        id: load_id,
        outcome,
        card: card.filter(|_| loaded),
        total: if loaded { total } else { 0 },
    }))
}
