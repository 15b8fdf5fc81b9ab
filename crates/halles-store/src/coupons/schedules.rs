//! Allocation schedules (their configuration), budget envelopes and enrolments; the loads they
//! make are in `loads`.

use super::ProgramScope;
use super::day;
use crate::db::{flag, ms};
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::{Calendar, Enrolment, Expiry, LoadMoment, local_date};
use halles_core::limits::{Limit, MAX_BUDGET};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_core::{
    EnvelopeId, OrgId, ParticipantId, ParticipantTypeId, ProductGroupId, ProgramId, ScheduleId,
};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

/// What an operator enters to create a schedule.
#[derive(Debug, Clone)]
pub struct ScheduleInput {
    /// Name (e.g. "Été 2026").
    pub name: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// When loads happen.
    pub moment: LoadMoment,
    /// At most this many loads per participant.
    pub max_loads: u32,
    /// Whether unspent funds stay when the next load comes (otherwise they are replaced).
    pub carry_over: bool,
    /// Whether a load only comes if the card was used since the previous one.
    pub usage_based: bool,
    /// When loaded funds expire.
    pub expiry: Expiry,
    /// Amount per participant type and product group, per load.
    pub amounts: Vec<(ParticipantTypeId, ProductGroupId, Cents)>,
}

/// An allocation schedule.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    /// Its id.
    pub id: ScheduleId,
    /// Its program.
    pub program: ProgramId,
    /// The operator.
    #[serde(skip)]
    pub operator: OrgId,
    /// Name.
    pub name: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// When loads happen.
    pub moment: LoadMoment,
    /// Maximum loads per participant.
    pub max_loads: u32,
    /// Carry-over of unspent funds.
    pub carry_over: bool,
    /// Usage-based loading.
    pub usage_based: bool,
    /// Expiry rule.
    pub expiry: Expiry,
    /// Archived schedules load nothing more.
    pub archived: bool,
    /// Amount per participant type and product group, per load.
    pub amounts: Vec<(ParticipantTypeId, ProductGroupId, Cents)>,
    /// A personal schedule: one off-platform participant's own allocation.
    pub participant: Option<ParticipantId>,
}

impl Schedule {
    /// The calendar part.
    pub fn calendar(&self) -> Calendar {
        Calendar {
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            moment: self.moment,
            max_loads: self.max_loads,
        }
    }

    /// What one load gives a participant of this type, per group (positive amounts only).
    pub fn load_for(&self, t: ParticipantTypeId) -> Vec<(ProductGroupId, Cents)> {
        self.amounts
            .iter()
            .filter(|(pt, _, c)| *pt == t && c.0 > 0)
            .map(|(_, g, c)| (*g, *c))
            .collect()
    }

    /// The dates an enrolment's loads may come on: every date from its start for a usage-based
    /// schedule (its maximum counts loads made), the first `max_loads` dates otherwise.
    pub fn candidate_dates(&self, e: Enrolment) -> Vec<Date> {
        if self.usage_based {
            self.calendar().dates_from(e)
        } else {
            self.calendar().due_dates(e)
        }
    }

    /// How many loads an enrolment will still receive, given the loads already run for it (due
    /// date, outcome). A usage-based schedule's maximum counts loads made: a date skipped for
    /// want of use leaves its load to a later date, so what is pending is the smaller of the loads
    /// still allowed and the dates still to come. Otherwise the first `max_loads` dates are the
    /// participant's, and those not run yet are pending.
    pub fn pending_loads(&self, e: Enrolment, loads: &[(String, String)]) -> i64 {
        let done = |d: &Date| loads.iter().any(|(due, _)| *due == d.to_string());
        if !self.usage_based {
            return self
                .calendar()
                .due_dates(e)
                .iter()
                .filter(|d| !done(d))
                .count() as i64;
        }
        let cap = i64::from(e.max_loads);
        let made = loads.iter().filter(|(_, o)| o == "loaded").count() as i64;
        let last = loads.iter().map(|(d, _)| d.as_str()).max().unwrap_or("");
        let left = self
            .calendar()
            .dates_from(e)
            .iter()
            .filter(|d| d.to_string().as_str() > last && !done(d))
            .count() as i64;
        (cap - made).clamp(0, left)
    }

    /// The total of one load for a participant type.
    pub fn per_load(&self, t: ParticipantTypeId) -> Cents {
        Cents(self.load_for(t).iter().map(|(_, c)| c.0).sum())
    }
}

/// A partner organization's budget envelope for one schedule.
#[derive(Debug, Clone, Serialize)]
pub struct Envelope {
    /// Its id.
    pub id: EnvelopeId,
    /// The schedule.
    pub schedule: ScheduleId,
    /// The partner organization.
    pub partner: OrgId,
    /// Its name.
    pub partner_name: String,
    /// The budget.
    pub budget: Cents,
    /// Promised to enrolled participants for loads still to come.
    pub reserved: Cents,
    /// Put on cards (expired funds come back).
    pub loaded: Cents,
}

impl Envelope {
    /// What is left to promise.
    pub fn free(&self) -> Cents {
        Cents(self.budget.0 - self.reserved.0 - self.loaded.0)
    }
}

const SCHEDULE_COLUMNS: &str = "id, organization_id, program_id, name, starts_on, ends_on, moment, max_loads, \
     carry_over, usage_based, expiry, archived, participant_id";

impl Store {
    /// Creates a schedule in a program the acting organization runs.
    pub async fn create_schedule(
        &self,
        ps: &ProgramScope,
        input: &ScheduleInput,
    ) -> StoreResult<ScheduleId> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let mut v = Validator::new();
        if input.name.trim().is_empty() {
            v.add("name", "required");
        }
        if input.ends_on < input.starts_on {
            v.refuse("ends_on", Refusal::EndsBeforeStart);
        }
        if input.max_loads == 0 {
            v.refuse("max_loads", Refusal::MaxLoads);
        }
        v.finish()?;
        let groups = self.product_groups(program).await?;
        let types = self.participant_types(program).await?;
        let mut seen = std::collections::BTreeSet::new();
        for (t, g, c) in &input.amounts {
            if !types.iter().any(|x| x.id == *t) || !groups.iter().any(|x| x.id == *g) || c.0 < 0 {
                return Err(StoreError::field("amounts", Refusal::UnknownGroupOrType));
            }
            // One amount per type and group (the table's key): a second is refused, not a 500.
            if !seen.insert((t.0, g.0)) {
                return Err(StoreError::field("amounts", Refusal::DuplicateAmount));
            }
            c.within(Limit::Movement)?;
        }
        let expiry =
            serde_json::to_string(&input.expiry).map_err(|_| StoreError::Corrupt("expiry"))?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO allocation_schedules (organization_id, program_id, name, starts_on, ends_on, moment, \
             max_loads, carry_over, usage_based, expiry, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             RETURNING id",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(input.name.trim())
        .bind(input.starts_on.to_string())
        .bind(input.ends_on.to_string())
        .bind(input.moment.code())
        .bind(i64::from(input.max_loads))
        .bind(input.carry_over)
        .bind(input.usage_based)
        .bind(&expiry)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        insert_amounts(&mut tx, scope.org, ScheduleId(id), &input.amounts).await?;
        let change = Change::by(scope, Action::Create, "allocation_schedule", id).after(json!({"program": program, "name": input.name, "moment": input.moment.code(),
                    "max_loads": input.max_loads, "carry_over": input.carry_over, "expiry": input.expiry}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(ScheduleId(id))
    }

    /// The schedules of a program, oldest first (not the personal schedules of off-platform
    /// participants).
    pub async fn schedules(&self, ps: &ProgramScope) -> StoreResult<Vec<Schedule>> {
        self.schedules_where(ps.id(), None).await
    }

    /// The schedules a participant may be in: the program's, and their own personal ones.
    pub async fn schedules_for(
        &self,
        program: ProgramId,
        participant: ParticipantId,
    ) -> StoreResult<Vec<Schedule>> {
        self.schedules_where(program, Some(participant)).await
    }

    async fn schedules_where(
        &self,
        program: ProgramId,
        participant: Option<ParticipantId>,
    ) -> StoreResult<Vec<Schedule>> {
        let sql = format!(
            "SELECT {SCHEDULE_COLUMNS} FROM allocation_schedules WHERE program_id = $1 \
             AND (participant_id IS NULL OR participant_id = $2) ORDER BY id"
        );
        let rows = sqlx::query(&sql)
            .bind(program.0)
            .bind(participant.map(|p| p.0).unwrap_or(0))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.schedule_from(r).await?);
        }
        Ok(out)
    }

    /// One schedule, by id.
    pub async fn schedule(&self, id: ScheduleId) -> StoreResult<Schedule> {
        let sql = format!("SELECT {SCHEDULE_COLUMNS} FROM allocation_schedules WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.schedule_from(&row).await
    }

    /// One schedule of the program in scope (not another program's), or `NotFound`.
    pub async fn program_schedule(
        &self,
        ps: &ProgramScope,
        id: ScheduleId,
    ) -> StoreResult<Schedule> {
        let sql = format!(
            "SELECT {SCHEDULE_COLUMNS} FROM allocation_schedules WHERE id = $1 AND program_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .bind(ps.id().0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.schedule_from(&row).await
    }

    async fn schedule_from(&self, r: &sqlx::any::AnyRow) -> StoreResult<Schedule> {
        let row = ScheduleRow::from_row(r)?;
        let id = row.id;
        let amounts = sqlx::query_as::<_, (i64, i64, i64)>(
            "SELECT participant_type_id, product_group_id, amount_cents FROM schedule_amounts WHERE schedule_id = $1 \
             ORDER BY participant_type_id, product_group_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(t, g, c)| (ParticipantTypeId(t), ProductGroupId(g), Cents(c)))
        .collect();
        Ok(Schedule {
            id: ScheduleId(id),
            program: ProgramId(row.program_id),
            operator: OrgId(row.organization_id),
            name: row.name,
            starts_on: day(&row.starts_on)?,
            ends_on: day(&row.ends_on)?,
            moment: row
                .moment
                .parse()
                .map_err(|_| StoreError::Corrupt("moment"))?,
            max_loads: u32::try_from(row.max_loads).unwrap_or(0),
            carry_over: flag(r, "carry_over")?,
            usage_based: flag(r, "usage_based")?,
            expiry: serde_json::from_str(&row.expiry).map_err(|_| StoreError::Corrupt("expiry"))?,
            archived: flag(r, "archived")?,
            amounts,
            participant: row.participant_id.map(ParticipantId),
        })
    }

    /// Archives or restores a schedule of a program the acting organization runs.
    pub async fn set_schedule_archived(
        &self,
        ps: &ProgramScope,
        id: ScheduleId,
        archived: bool,
    ) -> StoreResult<()> {
        let scope = ps.operated()?.tenant();
        let s = self.program_schedule(ps, id).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE allocation_schedules SET archived = $1 WHERE organization_id = $2 AND id = $3 \
             AND program_id = $4",
        )
        .bind(archived)
        .bind(scope.org.0)
        .bind(id.0)
        .bind(s.program.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "allocation_schedule", id)
            .before(json!({"archived": s.archived}))
            .after(json!({"archived": archived}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// Deletes an envelope nothing has used (the operator): nothing reserved or loaded, no
    /// participant ever enrolled on it, no funds ever loaded from it and no paper coupons ever
    /// issued on it (`envelope_in_use`).
    pub async fn delete_envelope(&self, ps: &ProgramScope, id: EnvelopeId) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let mut tx = self.write_tx().await?;
        let (held, budget, schedule, partner, uses) = sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(
            "SELECT reserved_cents + loaded_cents AS held, budget_cents, schedule_id, partner_id, \
             (SELECT COUNT(*) FROM enrolments n WHERE n.envelope_id = e.id) \
             + (SELECT COUNT(*) FROM fund_lots l WHERE l.envelope_id = e.id) \
             + (SELECT COUNT(*) FROM paper_batches b WHERE b.envelope_id = e.id) AS uses \
             FROM budget_envelopes e WHERE e.id = $1 AND e.organization_id = $2 AND e.program_id = $3",
        )
        .bind(id.0)
        .bind(scope.org.0)
        .bind(program.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if held != 0 || uses != 0 {
            return Err(StoreError::Refused(Refusal::EnvelopeInUse));
        }
        sqlx::query("DELETE FROM budget_envelopes WHERE id = $1 AND organization_id = $2")
            .bind(id.0)
            .bind(scope.org.0)
            .execute(&mut *tx)
            .await?;
        let change = Change::by(scope, Action::Delete, "budget_envelope", id).before(json!({
            "schedule": schedule,
            "partner": partner,
            "budget_cents": budget,
        }));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a partner organization's envelope for a schedule (creating it). A budget below what
    /// is already reserved and loaded is refused.
    pub async fn set_envelope(
        &self,
        ps: &ProgramScope,
        schedule: ScheduleId,
        partner: OrgId,
        budget: Cents,
    ) -> StoreResult<EnvelopeId> {
        let scope = ps.operated()?.tenant();
        // The budget's own bounds first: a negative or too large budget is the budget's error,
        // whatever the partner.
        if budget.0 < 0 {
            return Err(StoreError::field("budget", Refusal::NegativeBudget));
        }
        budget.within(Limit::Budget)?;
        let s = self.program_schedule(ps, schedule).await?;
        let is_partner = self
            .program_members(s.program)
            .await?
            .iter()
            .any(|m| m.org == partner && m.role == halles_core::coupons::ProgramRole::Partner);
        if !is_partner {
            return Err(StoreError::field("partner", Refusal::NotAPartner));
        }
        let mut tx = self.write_tx().await?;
        let before: Option<i64> = sqlx::query_scalar(
            "SELECT budget_cents FROM budget_envelopes WHERE schedule_id = $1 AND partner_id = $2 \
             AND program_id = $3",
        )
        .bind(schedule.0)
        .bind(partner.0)
        .bind(s.program.0)
        .fetch_optional(&mut *tx)
        .await?;
        let updated: Option<i64> = sqlx::query_scalar(
            "UPDATE budget_envelopes SET budget_cents = $1 WHERE schedule_id = $2 AND partner_id = $3 \
             AND program_id = $4 AND reserved_cents + loaded_cents <= $1 RETURNING id",
        )
        .bind(budget.0)
        .bind(schedule.0)
        .bind(partner.0)
        .bind(s.program.0)
        .fetch_optional(&mut *tx)
        .await?;
        let id: i64 = match updated {
            Some(id) => id,
            None => {
                let exists = sqlx::query(
                    "SELECT id FROM budget_envelopes WHERE schedule_id = $1 AND partner_id = $2",
                )
                .bind(schedule.0)
                .bind(partner.0)
                .fetch_optional(&mut *tx)
                .await?;
                if exists.is_some() {
                    return Err(StoreError::field("budget", Refusal::BelowCommitted));
                }
                sqlx::query_scalar(
                    "INSERT INTO budget_envelopes (organization_id, program_id, schedule_id, partner_id, budget_cents) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(scope.org.0)
                .bind(s.program.0)
                .bind(schedule.0)
                .bind(partner.0)
                .bind(budget.0)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let after = json!({"schedule": schedule, "partner": partner, "budget_cents": budget.0});
        let mut change = Change::by(scope, Action::Update, "budget_envelope", id).after(after);
        if let Some(b) = before {
            change =
                change.before(json!({"schedule": schedule, "partner": partner, "budget_cents": b}));
        }
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(EnvelopeId(id))
    }

    /// Moves part of one partner's free budget to another partner's envelope of the same schedule.
    pub async fn move_envelope(
        &self,
        ps: &ProgramScope,
        schedule: ScheduleId,
        from: OrgId,
        to: OrgId,
        amount: Cents,
    ) -> StoreResult<()> {
        let scope = ps.operated()?.tenant();
        let s = self.program_schedule(ps, schedule).await?;
        if amount.0 <= 0 || from == to {
            return Err(StoreError::Refused(Refusal::InvalidAmount));
        }
        amount.within(Limit::Budget)?;
        let mut tx = self.write_tx().await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "UPDATE budget_envelopes SET budget_cents = budget_cents - $1 WHERE schedule_id = $2 AND partner_id = $3 \
             AND program_id = $4 AND budget_cents - $1 >= reserved_cents + loaded_cents RETURNING budget_cents",
        )
        .bind(amount.0)
        .bind(schedule.0)
        .bind(from.0)
        .bind(s.program.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(from_after) = taken else {
            return Err(StoreError::Refused(Refusal::OverBudget));
        };
        let given: Option<i64> = sqlx::query_scalar(
            "UPDATE budget_envelopes SET budget_cents = budget_cents + $1 WHERE schedule_id = $2 AND partner_id = $3 \
             AND program_id = $4 AND budget_cents <= $5 - $1 RETURNING budget_cents",
        )
        .bind(amount.0)
        .bind(schedule.0)
        .bind(to.0)
        .bind(s.program.0)
        .bind(MAX_BUDGET.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(to_after) = given else {
            let exists = sqlx::query(
                "SELECT id FROM budget_envelopes WHERE schedule_id = $1 AND partner_id = $2 \
                 AND program_id = $3",
            )
            .bind(schedule.0)
            .bind(to.0)
            .bind(s.program.0)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(StoreError::Refused(match exists {
                Some(_) => Refusal::BudgetTooLarge,
                None => Refusal::NoEnvelope,
            }));
        };
        let change = Change::by(
            scope,
            Action::Update,
            "budget_envelope",
            format!("{schedule}:{from}->{to}"),
        )
        .before(json!({"from_budget_cents": from_after + amount.0, "to_budget_cents": to_after - amount.0}))
        .after(json!({"moved_cents": amount.0, "from_budget_cents": from_after, "to_budget_cents": to_after}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await
    }

    /// The envelopes of a program, optionally of one partner, within what the caller may read:
    /// the operator and funders every partner's, a partner only its own, a market none.
    pub async fn envelopes(
        &self,
        ps: &ProgramScope,
        partner: Option<OrgId>,
    ) -> StoreResult<Vec<Envelope>> {
        let partner = match Self::report_scope(ps) {
            super::reports::Slice::All => partner,
            super::reports::Slice::Partner(own) => match partner {
                Some(p) if p.0 != own => return Ok(Vec::new()),
                _ => Some(OrgId(own)),
            },
            super::reports::Slice::Markets(_) => return Err(StoreError::NotFound),
        };
        self.program_envelopes(ps.id(), partner).await
    }

    /// The envelopes of a program the caller has already checked, optionally of one partner.
    pub(crate) async fn program_envelopes(
        &self,
        program: ProgramId,
        partner: Option<OrgId>,
    ) -> StoreResult<Vec<Envelope>> {
        let rows = sqlx::query_as::<_, EnvelopeRow>(
            "SELECT e.id, e.schedule_id, e.partner_id, o.name, e.budget_cents, e.reserved_cents, e.loaded_cents \
             FROM budget_envelopes e JOIN organizations o ON o.id = e.partner_id \
             WHERE e.program_id = $1 AND ($2 = 0 OR e.partner_id = $2) ORDER BY e.schedule_id, o.name",
        )
        .bind(program.0)
        .bind(partner.map(|p| p.0).unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Envelope {
                id: EnvelopeId(r.id),
                schedule: ScheduleId(r.schedule_id),
                partner: OrgId(r.partner_id),
                partner_name: r.name,
                budget: Cents(r.budget_cents),
                reserved: Cents(r.reserved_cents),
                loaded: Cents(r.loaded_cents),
            })
            .collect())
    }

    /// Assigns a participant to a schedule: reserves, from the partner's envelope, the money for
    /// every load still to come (and, with `catch_up`, for those missed since the start). Refused
    /// beyond the envelope.
    pub async fn enrol_in_schedule(
        &self,
        ps: &ProgramScope,
        schedule: ScheduleId,
        participant: ParticipantId,
        catch_up: bool,
        max_loads: Option<u32>,
    ) -> StoreResult<Cents> {
        let scope = ps.tenant();
        let s = self.program_schedule(ps, schedule).await?;
        let p = self.participant(ps, participant).await?;
        if s.archived {
            return Err(StoreError::Refused(Refusal::ScheduleArchived));
        }
        // A removed person comes back first (`Store::return_participant`).
        if !p.active {
            return Err(StoreError::Refused(Refusal::ParticipantRemoved));
        }
        // One person gets more than the schedule's maximum by a raise, never at enrolment.
        if max_loads.is_some_and(|m| m > s.max_loads) {
            return Err(StoreError::Refused(Refusal::MaxLoadsAboveSchedule));
        }
        let today = local_date(self.now());
        // An ended schedule takes nobody: a catch-up would pay out a season that is over.
        if today > s.ends_on {
            return Err(StoreError::field("schedule", Refusal::ScheduleEnded));
        }
        let e = s.calendar().enrolment(today, catch_up, max_loads);
        let mut tx = self.write_tx().await?;
        let reserve = enrol_tx(
            &mut tx,
            &s,
            p.partner,
            participant,
            p.participant_type,
            e,
            self.now(),
        )
        .await?;
        audit::record(
            &mut tx,
            Change {
                org: Some(p.partner),
                actor: scope.actor,
                action: Action::Create,
                entity: "enrolment",
                entity_id: format!("{schedule}:{participant}"),
                before: None,
                after: Some(
                    json!({"from": e.from, "max_loads": e.max_loads, "reserved_cents": reserve.0}),
                ),
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(reserve)
    }

    /// Releases the unused reservations of a participant's enrolments (removal).
    pub(crate) async fn release_enrolments(
        tx: &mut sqlx::AnyConnection,
        participant: ParticipantId,
    ) -> StoreResult<i64> {
        let rows = sqlx::query_as::<_, (i64, i64)>(
            "SELECT envelope_id, reserved_cents FROM enrolments WHERE participant_id = $1 AND active = $2",
        )
        .bind(participant.0)
        .bind(true)
        .fetch_all(&mut *tx)
        .await?;
        let mut released = 0;
        for (env, amount) in rows {
            sqlx::query(
                "UPDATE budget_envelopes SET reserved_cents = reserved_cents - $1 WHERE id = $2",
            )
            .bind(amount)
            .bind(env)
            .execute(&mut *tx)
            .await?;
            released += amount;
        }
        sqlx::query(
            "UPDATE enrolments SET active = $1, reserved_cents = 0 WHERE participant_id = $2",
        )
        .bind(false)
        .bind(participant.0)
        .execute(&mut *tx)
        .await?;
        Ok(released)
    }
}

/// Writes a schedule's amounts per participant type and product group, in the caller's
/// transaction.
pub(crate) async fn insert_amounts(
    tx: &mut sqlx::AnyConnection,
    operator: OrgId,
    schedule: ScheduleId,
    amounts: &[(ParticipantTypeId, ProductGroupId, Cents)],
) -> StoreResult<()> {
    for (t, g, c) in amounts {
        sqlx::query(
            "INSERT INTO schedule_amounts (organization_id, schedule_id, participant_type_id, product_group_id, \
             amount_cents) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(operator.0)
        .bind(schedule.0)
        .bind(t.0)
        .bind(g.0)
        .bind(c.0)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Enrols a participant in a schedule in the caller's transaction: reserves every load they will
/// receive from their partner's envelope (a conditional update: never beyond it) and records the
/// enrolment. Returns the amount reserved.
pub(crate) async fn enrol_tx(
    tx: &mut sqlx::AnyConnection,
    s: &Schedule,
    partner: OrgId,
    participant: ParticipantId,
    participant_type: ParticipantTypeId,
    e: halles_core::coupons::Enrolment,
    now: jiff::Timestamp,
) -> StoreResult<Cents> {
    // A type the schedule gives nothing would be enrolled for nothing, silently.
    if s.per_load(participant_type).0 == 0 {
        return Err(StoreError::field("schedule", Refusal::TypeWithoutAmount));
    }
    // A person enrolled before (removed, then back) keeps their row and its loads: the
    // schedule's maximum counts what they already received.
    let before: Option<i64> = sqlx::query_scalar(
        "SELECT COUNT(l.id) AS n FROM enrolments e \
         LEFT JOIN loads l ON l.schedule_id = e.schedule_id AND l.participant_id = e.participant_id \
         WHERE e.schedule_id = $1 AND e.participant_id = $2 AND e.active = $3 GROUP BY e.participant_id",
    )
    .bind(s.id.0)
    .bind(participant.0)
    .bind(false)
    .fetch_optional(&mut *tx)
    .await?;
    let e = match before {
        Some(_) => {
            // Back from the day after the last date run, never on a date run already.
            let last: Option<String> = sqlx::query_scalar(
                "SELECT MAX(due_on) FROM loads WHERE schedule_id = $1 AND participant_id = $2",
            )
            .bind(s.id.0)
            .bind(participant.0)
            .fetch_one(&mut *tx)
            .await?;
            let after_last = match last {
                Some(d) => super::day(&d)?.tomorrow().ok(),
                None => None,
            };
            match after_last {
                Some(next) if next > e.from => halles_core::coupons::Enrolment { from: next, ..e },
                _ => e,
            }
        }
        None => e,
    };
    let e = match before {
        // A usage-based schedule's maximum counts every load made already; others count
        // dates from the enrolment's start, so what was received comes off the maximum.
        Some(run) if !s.usage_based => {
            let left = i64::from(e.max_loads) - run;
            let max_loads = u32::try_from(left)
                .ok()
                .filter(|m| *m > 0)
                .ok_or(StoreError::Refused(Refusal::MaxLoadsReached))?;
            halles_core::coupons::Enrolment { max_loads, ..e }
        }
        _ => e,
    };
    let loads = if before.is_some() && s.usage_based {
        let done = super::enrolments::enrolment_loads(&mut *tx, s, participant).await?;
        s.pending_loads(e, &done)
    } else {
        s.calendar().due_dates(e).len() as i64
    };
    let reserve = Cents(s.per_load(participant_type).0 * loads);
    let envelope: Option<i64> = sqlx::query_scalar(
        "UPDATE budget_envelopes SET reserved_cents = reserved_cents + $1 WHERE schedule_id = $2 AND partner_id = $3 \
         AND reserved_cents + loaded_cents + $1 <= budget_cents RETURNING id",
    )
    .bind(reserve.0)
    .bind(s.id.0)
    .bind(partner.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(envelope) = envelope else {
        return Err(StoreError::Refused(Refusal::OverBudget));
    };
    if before.is_some() {
        // Back in the schedule: the same row, its history kept, from the new start.
        sqlx::query(
            "UPDATE enrolments SET active = $1, envelope_id = $2, from_on = $3, max_loads = $4, reserved_cents = $5, \
             loaded_through = COALESCE((SELECT MAX(due_on) FROM loads WHERE schedule_id = $6 AND participant_id = $7), '') \
             WHERE schedule_id = $6 AND participant_id = $7 AND active = $8",
        )
        .bind(true)
        .bind(envelope)
        .bind(e.from.to_string())
        .bind(i64::from(e.max_loads))
        .bind(reserve.0)
        .bind(s.id.0)
        .bind(participant.0)
        .bind(false)
        .execute(&mut *tx)
        .await?;
        return Ok(reserve);
    }
    sqlx::query(
        "INSERT INTO enrolments (organization_id, schedule_id, participant_id, envelope_id, from_on, max_loads, \
         reserved_cents, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(partner.0)
    .bind(s.id.0)
    .bind(participant.0)
    .bind(envelope)
    .bind(e.from.to_string())
    .bind(i64::from(e.max_loads))
    .bind(reserve.0)
    .bind(ms(now))
    .execute(&mut *tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        e if e.is_unique_violation() => StoreError::Refused(Refusal::AlreadyEnrolled),
        e => e,
    })?;
    Ok(reserve)
}

/// A row of [`SCHEDULE_COLUMNS`], but its flags (`carry_over`, `usage_based`, `archived`:
/// INTEGER on SQLite, BOOLEAN on PostgreSQL), read apart.
#[derive(FromRow)]
struct ScheduleRow {
    id: i64,
    organization_id: i64,
    program_id: i64,
    name: String,
    starts_on: String,
    ends_on: String,
    moment: String,
    max_loads: i64,
    expiry: String,
    participant_id: Option<i64>,
}

/// A row of `budget_envelopes` with its partner's name.
#[derive(FromRow)]
struct EnvelopeRow {
    id: i64,
    schedule_id: i64,
    partner_id: i64,
    name: String,
    budget_cents: i64,
    reserved_cents: i64,
    loaded_cents: i64,
}
