//! Changing an allocation schedule after it was created: its name, dates, frequency, maximum,
//! amounts and expiry. A change is always computed in one write transaction; a preview runs the
//! same transaction and rolls it back, so what the preview says is exactly what applying does.
//!
//! Loads already made never change; the reservations of the enrolled participants follow the
//! new calendar and amounts (per-load × pending loads, as at enrolment), and a carry-over
//! schedule whose last usable date moves takes the still-usable funds it loaded with it.

use super::ProgramScope;
use super::day;
use super::schedules::{Schedule, insert_amounts};
use crate::db::ms;
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::{Enrolment, Expiry, LoadMoment, local_date, start_of};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_core::{OrgId, ParticipantTypeId, ProductGroupId, ScheduleId};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// The most loads a schedule may give one participant.
pub const MAX_SCHEDULE_LOADS: u32 = 1000;
/// The longest schedule name.
pub const MAX_SCHEDULE_NAME: usize = 120;

/// What to change in a schedule: every field left `None` keeps its value.
#[derive(Debug, Clone, Default)]
pub struct ScheduleChange {
    /// New name.
    pub name: Option<String>,
    /// New first day (only while no load has run and not in the past).
    pub starts_on: Option<Date>,
    /// New last day (today or later).
    pub ends_on: Option<Date>,
    /// New load moment: applies from tomorrow.
    pub moment: Option<LoadMoment>,
    /// New maximum number of loads per participant.
    pub max_loads: Option<u32>,
    /// New expiry rule for loads to come; on a carry-over schedule, a new last usable date
    /// also moves the still-usable funds it loaded.
    pub expiry: Option<Expiry>,
    /// New amounts per participant type and product group, for loads to come.
    pub amounts: Option<Vec<(ParticipantTypeId, ProductGroupId, Cents)>>,
}

/// An envelope that cannot hold what a change would reserve.
#[derive(Debug, Clone, Serialize)]
pub struct ShortEnvelope {
    /// The partner.
    pub partner: OrgId,
    /// Its name.
    pub partner_name: String,
    /// What is missing.
    pub missing: Cents,
}

/// What a schedule change does, before (preview) or after it is applied.
#[derive(Debug, Clone, Serialize)]
pub struct ScheduleImpact {
    /// The fields that change.
    pub fields: Vec<&'static str>,
    /// Participants enrolled (active enrolments).
    pub enrolled: u32,
    /// Participants whose loads to come change (dates, number or amount).
    pub participants: u32,
    /// Reserved for loads to come, over all envelopes, before.
    pub reserved_before: Cents,
    /// ...and after.
    pub reserved_after: Cents,
    /// Loads already made whose last usable day moves (carry-over expiry).
    pub lots_moved: u32,
    /// Cards holding those funds.
    pub cards_moved: u32,
    /// What is left on those loads.
    pub cents_moved: Cents,
    /// Envelopes too small for the new reservations: the change is refused while any is.
    pub short: Vec<ShortEnvelope>,
    /// Whether the change was applied (false: a preview).
    pub applied: bool,
}

/// An active enrolment, as a change reads it.
#[derive(sqlx::FromRow)]
struct EnrolmentRow {
    participant_id: i64,
    envelope_id: i64,
    from_on: String,
    max_loads: i64,
    reserved_cents: i64,
    participant_type_id: i64,
}

impl Store {
    /// Previews (`apply` false) or applies a change to a schedule of a program the acting
    /// organization runs. Refused: an archived or personal schedule (`schedule_archived`,
    /// not found), a new start once a load has run or in the past (`schedule_started`), a last
    /// day in the past (`ends_in_past`) or before the start (`ends_before_start`), a maximum out
    /// of 1 to 1,000 (`max_loads`) or below the loads a participant already received
    /// (`max_loads_below_loaded`), a last usable date in the past (`expiry_in_past`), and, when
    /// applied, a change an envelope cannot hold (`over_budget`; the preview lists them).
    pub async fn change_schedule(
        &self,
        ps: &ProgramScope,
        id: ScheduleId,
        change: &ScheduleChange,
        apply: bool,
    ) -> StoreResult<ScheduleImpact> {
        let scope = ps.operated()?.tenant();
        let old = self.program_schedule(ps, id).await?;
        if old.participant.is_some() {
            return Err(StoreError::NotFound);
        }
        if old.archived {
            return Err(StoreError::Refused(Refusal::ScheduleArchived));
        }
        let now = self.now();
        let today = local_date(now);
        let tomorrow = today.tomorrow().map_err(|_| StoreError::Corrupt("date"))?;
        let mut new = old.clone();
        let mut fields = Vec::new();
        let mut v = Validator::new();
        if let Some(name) = &change.name {
            let name = name.trim();
            if v.required("name", name) {
                v.max_len("name", name, MAX_SCHEDULE_NAME);
            }
            if name != old.name {
                new.name = name.to_owned();
                fields.push("name");
            }
        }
        if let Some(d) = change.starts_on
            && d != old.starts_on
        {
            new.starts_on = d;
            fields.push("starts_on");
        }
        if let Some(d) = change.ends_on
            && d != old.ends_on
        {
            if d < today {
                v.refuse("ends_on", Refusal::EndsInPast);
            }
            new.ends_on = d;
            fields.push("ends_on");
        }
        if new.ends_on < new.starts_on {
            v.refuse("ends_on", Refusal::EndsBeforeStart);
        }
        if let Some(m) = change.moment
            && m != old.moment
        {
            new.moment = m;
            fields.push("moment");
        }
        if let Some(n) = change.max_loads {
            if n == 0 || n > MAX_SCHEDULE_LOADS {
                v.refuse("max_loads", Refusal::MaxLoads);
            }
            if n != old.max_loads {
                new.max_loads = n;
                fields.push("max_loads");
            }
        }
        if let Some(x) = change.expiry
            && x != old.expiry
        {
            match x {
                Expiry::OnDate { date } if date < today => {
                    v.refuse("expires_on", Refusal::ExpiryInPast);
                }
                Expiry::AfterDays { days } | Expiry::AfterFirstUse { days } if days == 0 => {
                    v.refuse("expires_days", Refusal::MaxLoads);
                }
                _ => {}
            }
            new.expiry = x;
            fields.push("expiry");
        }
        if let Some(amounts) = &change.amounts {
            let groups = self.product_groups(ps.id()).await?;
            let types = self.participant_types(ps.id()).await?;
            let mut seen = std::collections::BTreeSet::new();
            for (t, g, c) in amounts {
                if !types.iter().any(|x| x.id == *t) || !groups.iter().any(|x| x.id == *g) {
                    return Err(StoreError::field("amounts", Refusal::UnknownGroupOrType));
                }
                if !seen.insert((t.0, g.0)) {
                    return Err(StoreError::field("amounts", Refusal::DuplicateAmount));
                }
                if c.0 < 0 {
                    return Err(StoreError::field("amounts", Refusal::NegativeAmount));
                }
                c.within(Limit::Movement)?;
            }
            let mut sorted = amounts.clone();
            sorted.sort_by_key(|(t, g, _)| (t.0, g.0));
            if sorted != old.amounts {
                new.amounts = sorted;
                fields.push("amounts");
            }
        }
        v.finish()?;
        let mut tx = self.write_tx().await?;
        let loads_run: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM loads WHERE schedule_id = $1")
                .bind(id.0)
                .fetch_one(&mut *tx)
                .await?;
        if fields.contains(&"starts_on")
            && (loads_run > 0 || old.starts_on <= today || new.starts_on < today)
        {
            return Err(StoreError::field("starts_on", Refusal::ScheduleStarted));
        }
        let expiry =
            serde_json::to_string(&new.expiry).map_err(|_| StoreError::Corrupt("expiry"))?;
        sqlx::query(
            "UPDATE allocation_schedules SET name = $1, starts_on = $2, ends_on = $3, moment = $4, \
             max_loads = $5, expiry = $6 WHERE id = $7 AND program_id = $8 AND organization_id = $9",
        )
        .bind(&new.name)
        .bind(new.starts_on.to_string())
        .bind(new.ends_on.to_string())
        .bind(new.moment.code())
        .bind(i64::from(new.max_loads))
        .bind(&expiry)
        .bind(id.0)
        .bind(ps.id().0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?;
        if fields.contains(&"amounts") {
            sqlx::query(
                "DELETE FROM schedule_amounts WHERE schedule_id = $1 AND organization_id = $2",
            )
            .bind(id.0)
            .bind(scope.org.0)
            .execute(&mut *tx)
            .await?;
            insert_amounts(&mut tx, scope.org, id, &new.amounts).await?;
        }
        // The calendar starts again tomorrow when the moment changes on a schedule under way:
        // the dates of the old moment up to today stay as they ran.
        let restart = fields.contains(&"moment") && (loads_run > 0 || old.starts_on <= today);
        let rows = sqlx::query_as::<_, EnrolmentRow>(
            "SELECT e.participant_id, e.envelope_id, e.from_on, e.max_loads, e.reserved_cents, \
             p.participant_type_id FROM enrolments e JOIN participants p ON p.id = e.participant_id \
             WHERE e.schedule_id = $1 AND e.active = $2 ORDER BY e.participant_id",
        )
        .bind(id.0)
        .bind(true)
        .fetch_all(&mut *tx)
        .await?;
        let mut impact = ScheduleImpact {
            fields: fields.clone(),
            enrolled: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            participants: 0,
            reserved_before: Cents(0),
            reserved_after: Cents(0),
            lots_moved: 0,
            cards_moved: 0,
            cents_moved: Cents(0),
            short: Vec::new(),
            applied: apply,
        };
        let mut deltas: BTreeMap<i64, i64> = BTreeMap::new();
        for r in &rows {
            let done = sqlx::query_as::<_, (String, String)>(
                "SELECT due_on, outcome FROM loads WHERE schedule_id = $1 AND participant_id = $2",
            )
            .bind(id.0)
            .bind(r.participant_id)
            .fetch_all(&mut *tx)
            .await?;
            let before_max = u32::try_from(r.max_loads).unwrap_or(0);
            let mut from = day(&r.from_on)?;
            // Participants who had the schedule's maximum follow it; a personal maximum stays,
            // but never above the schedule's.
            let mut max = if fields.contains(&"max_loads")
                && (before_max == old.max_loads || before_max > new.max_loads)
            {
                new.max_loads
            } else {
                before_max
            };
            let counted = if old.usage_based {
                done.iter().filter(|(_, o)| o == "loaded").count()
            } else {
                done.len()
            };
            if (max as usize) < counted {
                return Err(StoreError::field("max_loads", Refusal::MaxLoadsBelowLoaded));
            }
            if restart {
                from = from.max(tomorrow);
                if !old.usage_based {
                    // The dates already run count against the maximum.
                    max -= u32::try_from(counted).unwrap_or(max);
                }
            }
            let e = Enrolment {
                from,
                max_loads: max,
            };
            let reserve = new.per_load(ParticipantTypeId(r.participant_type_id)).0
                * new.pending_loads(e, &done);
            impact.reserved_before.0 += r.reserved_cents;
            impact.reserved_after.0 += reserve;
            let moved = reserve != r.reserved_cents;
            let old_e = Enrolment {
                from: day(&r.from_on)?,
                max_loads: before_max,
            };
            if moved || new.candidate_dates(e) != old.candidate_dates(old_e) {
                impact.participants += 1;
            }
            if moved || from != old_e.from || max != before_max {
                *deltas.entry(r.envelope_id).or_default() += reserve - r.reserved_cents;
                sqlx::query(
                    "UPDATE enrolments SET from_on = $1, max_loads = $2, reserved_cents = $3 \
                     WHERE schedule_id = $4 AND participant_id = $5 AND active = $6",
                )
                .bind(from.to_string())
                .bind(i64::from(max))
                .bind(reserve)
                .bind(id.0)
                .bind(r.participant_id)
                .bind(true)
                .execute(&mut *tx)
                .await?;
            }
        }
        // Each envelope takes the sum of its enrolments' differences, never beyond its budget.
        for (envelope, delta) in deltas {
            if delta == 0 {
                continue;
            }
            let (budget, reserved, loaded, partner, partner_name) =
                sqlx::query_as::<_, (i64, i64, i64, i64, String)>(
                    "SELECT e.budget_cents, e.reserved_cents, e.loaded_cents, e.partner_id, o.name \
                     FROM budget_envelopes e JOIN organizations o ON o.id = e.partner_id WHERE e.id = $1",
                )
                .bind(envelope)
                .fetch_one(&mut *tx)
                .await?;
            let over = reserved + loaded + delta - budget;
            if over > 0 {
                impact.short.push(ShortEnvelope {
                    partner: OrgId(partner),
                    partner_name,
                    missing: Cents(over),
                });
                continue;
            }
            // Checked again in the statement itself: an enrolment committed since the read
            // above may have taken what was free, and the enrolments' reservations were
            // already changed, so an envelope that no longer holds enough refuses the change.
            let done = sqlx::query(
                "UPDATE budget_envelopes SET reserved_cents = reserved_cents + $1 WHERE id = $2 \
                 AND ($1 <= 0 OR reserved_cents + loaded_cents + $1 <= budget_cents)",
            )
            .bind(delta)
            .bind(envelope)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                impact.short.push(ShortEnvelope {
                    partner: OrgId(partner),
                    partner_name,
                    missing: Cents(delta),
                });
            }
        }
        // A carry-over schedule's last usable date moves the funds it loaded that are still
        // usable (expired ones stay expired).
        if let (true, Expiry::OnDate { .. }, Expiry::OnDate { date }) =
            (old.carry_over, old.expiry, new.expiry)
            && fields.contains(&"expiry")
        {
            let at = date
                .checked_add(1.day())
                .map(start_of)
                .map_err(|_| StoreError::Corrupt("date"))?;
            let (lots, cards, cents) = sqlx::query_as::<_, (i64, i64, i64)>(
                "SELECT COUNT(*) AS lots, COUNT(DISTINCT card_id) AS cards, \
                 CAST(COALESCE(SUM(remaining_cents), 0) AS BIGINT) AS cents \
                 FROM fund_lots WHERE schedule_id = $1 AND remaining_cents > 0 AND expires_at > $2",
            )
            .bind(id.0)
            .bind(ms(now))
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE fund_lots SET expires_at = $1 WHERE schedule_id = $2 AND remaining_cents > 0 \
                 AND expires_at > $3",
            )
            .bind(ms(at))
            .bind(id.0)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
            impact.lots_moved = u32::try_from(lots).unwrap_or(u32::MAX);
            impact.cards_moved = u32::try_from(cards).unwrap_or(u32::MAX);
            impact.cents_moved = Cents(cents);
        }
        if !apply {
            tx.rollback().await?;
            return Ok(impact);
        }
        if !impact.short.is_empty() {
            return Err(StoreError::Refused(Refusal::OverBudget));
        }
        let change = Change::by(scope, Action::Update, "allocation_schedule", id)
            .before(schedule_json(&old))
            .after(json!({
                "schedule": schedule_json(&new),
                "fields": impact.fields,
                "participants": impact.participants,
                "reserved_before_cents": impact.reserved_before.0,
                "reserved_after_cents": impact.reserved_after.0,
                "lots_moved": impact.lots_moved,
                "cents_moved": impact.cents_moved.0,
            }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(impact)
    }
}

/// What the audit log keeps of a schedule.
fn schedule_json(s: &Schedule) -> serde_json::Value {
    json!({
        "name": s.name,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "moment": s.moment.code(),
        "max_loads": s.max_loads,
        "expiry": s.expiry,
        "amounts": s.amounts.iter().map(|(t, g, c)| json!([t, g, c.0])).collect::<Vec<_>>(),
    })
}
