//! Importing a partner organization's list of participants: every row is checked first (type,
//! consent date, e-mail, identifiers unique in the file and in the organization, the envelope
//! when a schedule is chosen), the report lists each row's problem, and the list is applied in
//! one transaction only when no row has one: nothing is ever half-imported.

use super::participants::insert_participant;
use super::schedules::enrol_tx;
use super::{Access, ParticipantInput};
use crate::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::coupons::{ProgramRole, local_date};
use halles_core::{ParticipantId, ProgramId, ScheduleId};
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;

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
}

/// What happened to a row.
#[derive(Debug, Clone, Serialize)]
pub struct RowOutcome {
    /// Its line in the file.
    pub line: usize,
    /// The problem's stable code, if any (`unknown_type`, `date_invalid`, `email_invalid`,
    /// `duplicate_id1`, `duplicate_id1_in_file`, `over_budget`).
    pub problem: Option<&'static str>,
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
}

impl Store {
    /// Checks a list of participants and, if `apply` and no row has a problem, enrols them all
    /// (and in `schedule`, if given) in one transaction.
    pub async fn import_participants(
        &self,
        scope: &TenantScope,
        program: ProgramId,
        rows: &[ImportRow],
        consent_purpose: &str,
        schedule: Option<ScheduleId>,
        apply: bool,
    ) -> StoreResult<ImportReport> {
        match self.program_access(scope, program).await?.1 {
            Access::Member(ProgramRole::Partner) => {}
            _ => return Err(StoreError::NotFound),
        }
        if consent_purpose.trim().is_empty() {
            return Err(StoreError::Conflict("consent_required"));
        }
        let types = self.participant_types(program).await?;
        let schedule = match schedule {
            Some(id) => {
                let s = self.schedule(id).await?;
                if s.program != program {
                    return Err(StoreError::NotFound);
                }
                Some(s)
            }
            None => None,
        };
        let mut free = match &schedule {
            Some(s) => self
                .envelopes(program, Some(scope.org))
                .await?
                .iter()
                .find(|e| e.schedule == s.id)
                .map(|e| e.free().0)
                .unwrap_or(0),
            None => i64::MAX,
        };
        let existing: HashSet<String> = self
            .participants(scope, program, "")
            .await?
            .into_iter()
            .filter(|p| !p.id1.is_empty())
            .map(|p| p.id1.to_lowercase())
            .collect();
        let today = local_date(self.now());
        let mut seen = HashSet::new();
        let mut report = Vec::with_capacity(rows.len());
        let mut ready = Vec::with_capacity(rows.len());
        for r in rows {
            let key = r.participant_type.trim().to_lowercase();
            let t = types.iter().find(|t| {
                t.match_key.to_lowercase() == key
                    || t.name_fr.to_lowercase() == key
                    || t.name_en.to_lowercase() == key
            });
            let consent = r.consent_on.trim().parse::<jiff::civil::Date>().ok();
            let id1 = r.id1.trim().to_lowercase();
            let problem = if t.is_none() {
                Some("unknown_type")
            } else if consent.is_none() {
                Some("date_invalid")
            } else if !r.email.trim().is_empty() && !r.email.contains('@') {
                Some("email_invalid")
            } else if !id1.is_empty() && existing.contains(&id1) {
                Some("duplicate_id1")
            } else if !id1.is_empty() && !seen.insert(id1.clone()) {
                Some("duplicate_id1_in_file")
            } else {
                None
            };
            let problem = match (problem, t, &schedule) {
                (None, Some(t), Some(s)) => {
                    let e = s.calendar().enrolment(today, false, None);
                    let need = s.per_load(t.id).0 * s.calendar().due_dates(e).len() as i64;
                    if need > free {
                        Some("over_budget")
                    } else {
                        free -= need;
                        None
                    }
                }
                (p, _, _) => p,
            };
            if let (None, Some(t), Some(consent)) = (problem, t, consent) {
                ready.push((
                    t.id,
                    consent,
                    ParticipantInput {
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
                    },
                ));
            }
            report.push(RowOutcome {
                line: r.line,
                problem,
                code: None,
            });
        }
        let problems = report.iter().filter(|r| r.problem.is_some()).count();
        if !apply || problems > 0 || rows.is_empty() {
            return Ok(ImportReport {
                rows: report,
                problems,
                applied: false,
            });
        }
        let anonymous = self.program_is_anonymous(program).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        for ((t, consent, input), outcome) in ready.iter().zip(report.iter_mut()) {
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
        let change = Change::by(scope, Action::Create, "participant_import", program)
            .after(json!({"rows": rows.len(), "schedule": schedule.as_ref().map(|s| s.id)}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(ImportReport {
            rows: report,
            problems: 0,
            applied: true,
        })
    }
}
