//! Importing a partner organization's list of participants: every row is checked first (type,
//! consent date, e-mail, identifiers unique in the file, the second one in the organization, the
//! envelope when a schedule is chosen), the report lists every problem of every row and what each
//! row does (a new person, a known first identifier's changes before and after, or nothing), and
//! the list is applied in one transaction only when no row has a problem: nothing is ever
//! half-imported. A re-imported list updates the people it already knows.
//!
//! In a program whose allocations are administered off the platform, each row also carries the
//! participant's dates, load frequency and amounts per group, and the list is the partner's
//! whole list: a known first identifier updates that participant (a new allocation when its
//! terms changed), and active participants missing from it are deactivated.

use super::ProgramScope;
use super::loads::LoadRun;
use super::off_platform::{Allowance, allowance_from, empty_cards, end_allowance, start_allowance};
use super::participants::{insert_participant, update_identity};
use super::schedules::enrol_tx;
use super::{Access, ParticipantInput};
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::coupons::{ProgramRole, local_date};
use halles_core::limits::{AmountError, Limit};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{ParticipantId, ProductGroupId, ScheduleId};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// A row ready to apply off the platform: its type, consent date and identity, and its allocation.
type Planned<'a> = (
    &'a (
        halles_core::ParticipantTypeId,
        jiff::civil::Date,
        ParticipantInput,
    ),
    &'a Allowance,
);

/// The partner's participants an off-platform list is matched against.
struct Known<'a> {
    /// Every participant with a first identifier (lowercase), active or not.
    by_id1: &'a HashMap<String, ParticipantId>,
    /// The active ones.
    active: &'a HashMap<String, ParticipantId>,
    /// The first identifiers of the list (lowercase).
    listed: &'a HashSet<String>,
}

/// One row of an imported list, as read (text cells).
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    /// The row's line in the file (the header is line 1).
    pub line: usize,
    /// Participant type: its match key (`1`, `2`, `3+`) or its name in French or English.
    pub participant_type: String,
    /// First identifier.
    pub id1: String,
    /// Second identifier.
    pub id2: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Postal code.
    pub postal_code: String,
    /// Notes.
    pub notes: String,
    /// Date of consent, `YYYY-MM-DD`.
    pub consent_on: String,
    /// Off-platform allocations: first day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Off-platform allocations: last day.
    pub ends_on: String,
    /// Off-platform allocations: when loads happen (a load moment's code).
    pub moment: String,
    /// Off-platform allocations: amount per load, per product group, as typed.
    pub amounts: Vec<(ProductGroupId, String)>,
}

impl ImportRow {
    /// The row's off-platform allocation, or the problem with it. A row without an end date
    /// is an open-ended entitlement: it runs until the program ends (`program_ends`). Every
    /// group must be one of the program's own (`groups`, the loyalty group left out).
    fn allowance(
        &self,
        program_starts: jiff::civil::Date,
        program_ends: jiff::civil::Date,
        groups: &[ProductGroupId],
    ) -> Result<Allowance, &'static str> {
        let starts_on = self.starts_on.trim().parse::<jiff::civil::Date>();
        let ends_on = match self.ends_on.trim() {
            "" => Ok(program_ends),
            typed => typed.parse::<jiff::civil::Date>(),
        };
        let (Ok(starts_on), Ok(ends_on)) = (starts_on, ends_on) else {
            return Err("date_invalid");
        };
        if ends_on < starts_on {
            return Err("ends_before_start");
        }
        // Within the season: a start years back would have the worker catch up every date since.
        if starts_on < program_starts || ends_on > program_ends {
            return Err(Refusal::AllowanceOutsideProgram.code());
        }
        let moment = self.moment.trim().parse().map_err(|_| "moment_invalid")?;
        let mut amounts = Vec::new();
        for (g, typed) in &self.amounts {
            if typed.trim().is_empty() {
                continue;
            }
            if !groups.contains(g) {
                return Err(Refusal::UnknownGroupOrType.code());
            }
            match Cents::parse_within(typed, Limit::Movement) {
                Ok(c) if c.0 > 0 => amounts.push((*g, c)),
                Ok(_) => {}
                Err(e @ AmountError::TooLarge(_)) => return Err(e.code()),
                Err(_) => return Err("amount_invalid"),
            }
        }
        if amounts.is_empty() {
            return Err("amount_invalid");
        }
        let a = Allowance {
            starts_on,
            ends_on,
            moment,
            amounts,
        };
        let loads = a.moment.dates(a.starts_on, a.ends_on).len();
        if loads == 0 {
            return Err("no_load_in_period");
        }
        // Its envelope holds every load: a budget, bounded like one.
        let total = Cents::checked_sum(a.amounts.iter().map(|(_, c)| *c))
            .and_then(|c| c.checked_mul(i64::try_from(loads).ok()?));
        if total.is_none_or(|t| t.within(Limit::Budget).is_err()) {
            return Err(Limit::Budget.too_large_code());
        }
        Ok(a)
    }
}

/// The first identifier of the template's sample row: a row carrying it is refused
/// (`sample_row`), so the sample left in a filled template never becomes a person.
pub const SAMPLE_ID1: &str = "#EXEMPLE";

/// One field a re-imported row changes on a known participant: as recorded, and as imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field: `participant_type` (its id), `id1`, `id2`, `name`, `phone`, `email`,
    /// `postal_code` or `notes`.
    pub field: &'static str,
    /// As recorded.
    pub before: String,
    /// As the list gives it.
    pub after: String,
}

/// What happened to a row.
#[derive(Debug, Clone, Serialize)]
pub struct RowOutcome {
    /// Its line in the file.
    pub line: usize,
    /// Its first problem's stable code, if any (see `problems`).
    pub problem: Option<&'static str>,
    /// Every problem of the row, in this order: `sample_row` (alone), `unknown_type`,
    /// `date_invalid`, `email_invalid`; off the platform `id1_required` and the allocation's
    /// (`ends_before_start`, `moment_invalid`, `amount_invalid`, `amount_too_large` (above
    /// $100,000 a load), `budget_too_large` (above $10,000,000 in all), `no_load_in_period`,
    /// `unknown_group_or_type`); `participant_removed` (a known first identifier of a removed
    /// participant), `duplicate_id1_in_file`, `duplicate_id2` (another participant of the
    /// organization has it), `duplicate_id2_in_file`; then, for a new person enrolled in a
    /// schedule, `type_without_amount` or `over_budget`.
    pub problems: Vec<&'static str>,
    /// What the row does: `created` (a new person), `updated` (a known first identifier whose
    /// fields change; off the platform, also new terms) or `unchanged`.
    pub action: Option<&'static str>,
    /// On the platform, for `updated`: each field that changes, before and after.
    pub changes: Vec<FieldChange>,
    /// The participant's code, once imported.
    pub code: Option<String>,
}

/// The report of an import or of its preview.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Every row, in file order.
    pub rows: Vec<RowOutcome>,
    /// Rows with a problem.
    pub problems: usize,
    /// Whether the list was saved (only when asked and no row has a problem).
    pub applied: bool,
    /// Off the platform: active participants missing from the list, deactivated on applying.
    pub deactivated: usize,
}

impl ImportReport {
    /// How many rows do `action` (`created`, `updated`, `unchanged`).
    pub fn count(&self, action: &str) -> usize {
        self.rows
            .iter()
            .filter(|r| r.problem.is_none() && r.action == Some(action))
            .count()
    }
}

/// A known participant's identity as a re-imported row leaves it: an empty cell keeps what is
/// recorded; e-mailed receipts start with a first e-mail address and stop without one.
fn merged(before: &super::Participant, row: &ParticipantInput) -> ParticipantInput {
    let keep = |typed: &str, recorded: &str| {
        if typed.trim().is_empty() {
            recorded.to_owned()
        } else {
            typed.trim().to_owned()
        }
    };
    let email = keep(&row.email, &before.email);
    ParticipantInput {
        id1: keep(&row.id1, &before.id1),
        id2: keep(&row.id2, &before.id2),
        name: keep(&row.name, &before.name),
        phone: keep(&row.phone, &before.phone),
        receipts: if email.is_empty() {
            false
        } else if before.email.is_empty() {
            true
        } else {
            before.receipts
        },
        email,
        postal_code: keep(&row.postal_code, &before.postal_code),
        notes: keep(&row.notes, &before.notes),
        ..row.clone()
    }
}

/// The fields `input` changes on a known participant, for the preview.
fn changes(
    before: &super::Participant,
    t: halles_core::ParticipantTypeId,
    input: &ParticipantInput,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    if t != before.participant_type {
        out.push(FieldChange {
            field: "participant_type",
            before: before.participant_type.0.to_string(),
            after: t.0.to_string(),
        });
    }
    let text = [
        ("id1", &before.id1, input.id1.trim().to_owned()),
        ("id2", &before.id2, input.id2.trim().to_owned()),
        ("name", &before.name, input.name.trim().to_owned()),
        ("phone", &before.phone, input.phone.trim().to_owned()),
        ("email", &before.email, input.email.trim().to_owned()),
        (
            "postal_code",
            &before.postal_code,
            input.postal_code.trim().to_uppercase(),
        ),
        ("notes", &before.notes, input.notes.trim().to_owned()),
    ];
    for (field, was, now) in text {
        if *was != now {
            out.push(FieldChange {
                field,
                before: was.clone(),
                after: now,
            });
        }
    }
    out
}

impl Store {
    /// Checks a list of participants and, if `apply` and no row has a problem, saves it all
    /// in one transaction: a new first identifier enrols a new person (and in `schedule`, if
    /// given), a known one updates that person's type and the fields its row fills. The
    /// report gives every problem of every row, and what each row does (`created`, `updated`
    /// with each change, `unchanged`), before anything is saved.
    pub async fn import_participants(
        &self,
        ps: &ProgramScope,
        rows: &[ImportRow],
        consent_purpose: &str,
        schedule: Option<ScheduleId>,
        apply: bool,
    ) -> StoreResult<ImportReport> {
        let (scope, program) = (ps.tenant(), ps.id());
        let prog = match ps.access() {
            Access::Member(ProgramRole::Partner) => ps.program().clone(),
            _ => return Err(StoreError::NotFound),
        };
        if consent_purpose.trim().is_empty() {
            return Err(StoreError::field(
                "consent_purpose",
                Refusal::ConsentRequired,
            ));
        }
        let types = self.participant_types(program).await?;
        let off = prog.off_platform;
        // The groups an off-platform row may give money in: the program's own, not loyalty.
        let allocatable: Vec<ProductGroupId> = self
            .product_groups(program)
            .await?
            .iter()
            .filter(|g| !g.is_loyalty)
            .map(|g| g.id)
            .collect();
        let schedule = if off { None } else { schedule };
        let schedule = match schedule {
            Some(id) => Some(self.program_schedule(ps, id).await?),
            None => None,
        };
        let mut free = match &schedule {
            Some(s) => self
                .program_envelopes(program, Some(scope.org))
                .await?
                .iter()
                .find(|e| e.schedule == s.id)
                .map(|e| e.free().0)
                .unwrap_or(0),
            None => i64::MAX,
        };
        // Every one of the partner's participants (not a page of them): the list is checked
        // against all, by first identifier and by second.
        let people = self.all_participants(ps).await?;
        let by_key: HashMap<String, &super::Participant> = people
            .iter()
            .filter(|p| !p.id1.trim().is_empty())
            .map(|p| (p.id1.trim().to_lowercase(), p))
            .collect();
        let by_id2: HashMap<String, ParticipantId> = people
            .iter()
            .filter(|p| !p.id2.trim().is_empty())
            .map(|p| (p.id2.trim().to_lowercase(), p.id))
            .collect();
        // Off the platform, a known first identifier is that participant, to update (and take
        // back if they had been deactivated); the active ones left out are deactivated.
        let by_id1: HashMap<String, ParticipantId> =
            by_key.iter().map(|(k, p)| (k.clone(), p.id)).collect();
        let active: HashMap<String, ParticipantId> = by_key
            .iter()
            .filter(|(_, p)| p.active)
            .map(|(k, p)| (k.clone(), p.id))
            .collect();
        let mut allowances = Vec::with_capacity(rows.len());
        let today = local_date(self.now());
        let (mut seen, mut seen2) = (HashSet::new(), HashSet::new());
        let mut report = Vec::with_capacity(rows.len());
        let mut ready = Vec::with_capacity(rows.len());
        // On the platform, for each ready row: the known participant it updates, if any.
        let mut matched: Vec<Option<&super::Participant>> = Vec::with_capacity(rows.len());
        for r in rows {
            let id1 = r.id1.trim().to_lowercase();
            if id1 == SAMPLE_ID1.to_lowercase() {
                allowances.push(None);
                report.push(RowOutcome {
                    line: r.line,
                    problem: Some("sample_row"),
                    problems: vec!["sample_row"],
                    action: None,
                    changes: Vec::new(),
                    code: None,
                });
                continue;
            }
            let t = types.iter().find(|t| t.is_named_by(&r.participant_type));
            let consent = r.consent_on.trim().parse::<jiff::civil::Date>().ok();
            let known = by_key.get(&id1).copied().filter(|_| !id1.is_empty());
            let allowance = if off {
                Some(r.allowance(prog.starts_on, prog.ends_on, &allocatable))
            } else {
                None
            };
            let mut problems = Vec::new();
            if t.is_none() {
                problems.push("unknown_type");
            }
            if consent.is_none() {
                problems.push("date_invalid");
            }
            if !r.email.trim().is_empty() && !r.email.contains('@') {
                problems.push("email_invalid");
            }
            if off && id1.is_empty() {
                problems.push("id1_required");
            }
            if let Some(Err(p)) = &allowance {
                problems.push(*p);
            }
            if !off && known.is_some_and(|p| !p.active) {
                problems.push(Refusal::ParticipantRemoved.code());
            }
            if !id1.is_empty() && !seen.insert(id1.clone()) {
                problems.push("duplicate_id1_in_file");
            }
            let id2 = r.id2.trim().to_lowercase();
            if !id2.is_empty() {
                if !seen2.insert(id2.clone()) {
                    problems.push("duplicate_id2_in_file");
                } else if by_id2
                    .get(&id2)
                    .is_some_and(|other| known.is_none_or(|k| k.id != *other))
                {
                    problems.push("duplicate_id2");
                }
            }
            // A new person enrolled in a schedule needs an amount for their type and room in
            // the envelope for every load; a known person keeps their enrolments.
            if let (true, Some(t), Some(s), None) = (problems.is_empty(), t, &schedule, known) {
                if s.per_load(t.id).0 == 0 {
                    problems.push(Refusal::TypeWithoutAmount.code());
                } else {
                    let e = s.calendar().enrolment(today, false, None);
                    let need = s.per_load(t.id).0 * s.calendar().due_dates(e).len() as i64;
                    if need > free {
                        problems.push("over_budget");
                    } else {
                        free -= need;
                    }
                }
            }
            let (mut action, mut changed) = (None, Vec::new());
            if let (true, Some(t), Some(consent)) = (problems.is_empty(), t, consent) {
                let typed = ParticipantInput {
                    participant_type: Some(t.id),
                    id1: r.id1.clone(),
                    id2: r.id2.clone(),
                    name: r.name.clone(),
                    phone: r.phone.clone(),
                    email: r.email.clone(),
                    postal_code: r.postal_code.clone(),
                    notes: r.notes.clone(),
                    receipts: !r.email.trim().is_empty(),
                    consent_on: Some(consent),
                    consent_purpose: consent_purpose.to_owned(),
                };
                let input = match (off, known) {
                    (false, Some(p)) => {
                        let input = merged(p, &typed).for_program(prog.anonymous);
                        changed = changes(p, t.id, &input);
                        action = Some(if changed.is_empty() {
                            "unchanged"
                        } else {
                            "updated"
                        });
                        input
                    }
                    (_, Some(_)) => {
                        action = Some("updated");
                        typed
                    }
                    (_, None) => {
                        action = Some("created");
                        typed
                    }
                };
                ready.push((t.id, consent, input));
                matched.push(known);
            }
            allowances.push(allowance.and_then(Result::ok));
            report.push(RowOutcome {
                line: r.line,
                problem: problems.first().copied(),
                problems,
                action,
                changes: changed,
                code: None,
            });
        }
        let problems = report.iter().filter(|r| r.problem.is_some()).count();
        let listed: HashSet<String> = rows.iter().map(|r| r.id1.trim().to_lowercase()).collect();
        let deactivated = if off {
            active.keys().filter(|k| !listed.contains(*k)).count()
        } else {
            0
        };
        if !apply || problems > 0 || rows.is_empty() {
            return Ok(ImportReport {
                rows: report,
                problems,
                applied: false,
                deactivated,
            });
        }
        let anonymous = prog.anonymous;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        if off {
            let known = Known {
                by_id1: &by_id1,
                active: &active,
                listed: &listed,
            };
            // With no problem, every row is ready and has its allowance, in file order.
            let planned: Vec<Planned<'_>> = ready.iter().zip(allowances.iter().flatten()).collect();
            let started = self
                .apply_off_platform(&mut tx, scope, &prog, &planned, known, &mut report)
                .await?;
            let change = Change::by(scope, Action::Create, "participant_import", program).after(
                json!({"rows": rows.len(), "off_platform": true, "deactivated": deactivated}),
            );
            audit::record(&mut tx, change, now).await?;
            tx.commit().await?;
            // New terms of a person with a card load at once what is due (today's date, and
            // the dates a list imported late missed), made by whoever imported the list; the
            // worker's next tick does it for the others (and here, if this fails).
            let mut run = LoadRun::default();
            for schedule in started {
                if let Err(e) = self
                    .run_schedule_loads(schedule, today, scope.actor, &mut run)
                    .await
                {
                    tracing::warn!(error = %e, "could not load an imported allocation at once");
                }
            }
            return Ok(ImportReport {
                rows: report,
                problems: 0,
                applied: true,
                deactivated,
            });
        }
        // With no problem, every row is ready, in file order.
        for (((t, consent, input), known), outcome) in
            ready.iter().zip(matched.iter()).zip(report.iter_mut())
        {
            if let Some(p) = known {
                if outcome.action == Some("updated") {
                    self.update_participant_tx(&mut tx, scope.actor, p, *t, input)
                        .await?;
                }
                outcome.code = Some(p.code.clone());
                continue;
            }
            let input = &input.for_program(anonymous);
            let id =
                insert_participant(&mut tx, scope.org, program, *t, *consent, input, now).await?;
            if let Some(s) = &schedule {
                let e = s.calendar().enrolment(today, false, None);
                enrol_tx(&mut tx, s, scope.org, ParticipantId(id), *t, e, now).await?;
            }
            let code: String = sqlx::Row::try_get(
                &sqlx::query("SELECT code FROM participants WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?,
                "code",
            )?;
            outcome.code = Some(code);
        }
        let count = |a: &str| report.iter().filter(|r| r.action == Some(a)).count();
        let change =
            Change::by(scope, Action::Create, "participant_import", program).after(json!({
                "rows": rows.len(),
                "created": count("created"),
                "updated": count("updated"),
                "unchanged": count("unchanged"),
                "schedule": schedule.as_ref().map(|s| s.id),
            }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(ImportReport {
            rows: report,
            problems: 0,
            applied: true,
            deactivated: 0,
        })
    }

    /// Applies an off-platform list in the caller's transaction: creates or updates each row's
    /// participant and their allocation, and deactivates the active participants it leaves out,
    /// their cards emptied back to where the money came from. Returns the personal schedules
    /// started for people holding a card (to load at once).
    async fn apply_off_platform(
        &self,
        tx: &mut sqlx::AnyConnection,
        scope: &TenantScope,
        program: &super::Program,
        planned: &[Planned<'_>],
        known: Known<'_>,
        report: &mut [RowOutcome],
    ) -> StoreResult<Vec<ScheduleId>> {
        let now = self.now();
        let mut started = Vec::new();
        let current = self
            .current_allowances(&mut *tx, program.id, scope.org)
            .await?;
        for (((t, consent, input), a), outcome) in planned.iter().zip(report.iter_mut()) {
            let input = &input.for_program(program.anonymous);
            let key = input.id1.trim().to_lowercase();
            let id = match known.by_id1.get(&key) {
                Some(id) => {
                    update_identity(&mut *tx, scope.org, *id, *t, input).await?;
                    sqlx::query("UPDATE participants SET active = $1 WHERE id = $2")
                        .bind(true)
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                    *id
                }
                None => ParticipantId(
                    insert_participant(&mut *tx, scope.org, program.id, *t, *consent, input, now)
                        .await?,
                ),
            };
            let code: String = sqlx::Row::try_get(
                &sqlx::query("SELECT code FROM participants WHERE id = $1")
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?,
                "code",
            )?;
            let running = current.iter().find(|(p, _)| *p == id).map(|(_, c)| c);
            match running {
                Some(c) if c.terms == **a && c.participant_type == *t => {
                    outcome.action = Some("unchanged");
                }
                _ => {
                    if let Some(c) = running {
                        end_allowance(&mut *tx, c.schedule, id).await?;
                    }
                    let from = allowance_from(&mut *tx, id, a).await?;
                    let schedule =
                        start_allowance(&mut *tx, program, scope.org, id, &code, *t, a, from, now)
                            .await?;
                    let card: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM cards WHERE participant_id = $1 AND status = 'assigned' LIMIT 1",
                    )
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if card.is_some() {
                        started.push(schedule);
                    }
                }
            }
            outcome.code = Some(code);
        }
        for (key, id) in known.active {
            if known.listed.contains(key) {
                continue;
            }
            if let Some((_, c)) = current.iter().find(|(p, _)| p == id) {
                end_allowance(&mut *tx, c.schedule, *id).await?;
            }
            let released = Store::release_enrolments(&mut *tx, *id).await?;
            // Off the list, off the card: what is left goes back where it came from.
            let withdrawn = empty_cards(&mut *tx, *id, scope.actor, now).await?;
            sqlx::query(
                "UPDATE participants SET active = $1 WHERE organization_id = $2 AND id = $3",
            )
            .bind(false)
            .bind(scope.org.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            let change = Change::by(scope, Action::Update, "participant", id.to_string())
                .before(json!({"active": true}))
                .after(json!({
                    "active": false,
                    "off_list": true,
                    "released_cents": released,
                    "withdrawn_cents": withdrawn,
                }));
            audit::record(&mut *tx, change, now).await?;
        }
        Ok(started)
    }
}
