//! Participants enrolled by partner organizations, with the least personal data.

use super::ProgramScope;
use crate::db::{flag, ms};
use crate::platform::audit::{self, Action, Change};
use crate::{Store, StoreError, StoreResult};
use halles_core::coupons::{ProgramRole, participant_code};
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{CardId, OrgId, ParticipantId, ParticipantTypeId, ProgramId};
use jiff::civil::Date;
use rand::RngCore;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::Access;

/// What a partner organization enters for a participant. Identity fields are optional: the
/// program decides which it collects.
#[derive(Debug, Clone, Default)]
pub struct ParticipantInput {
    /// The participant type.
    pub participant_type: Option<ParticipantTypeId>,
    /// First free identifier, unique within the organization (e.g. the organization's file number).
    pub id1: String,
    /// Second free identifier.
    pub id2: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// E-mail (for receipts and expiry notices).
    pub email: String,
    /// Postal code.
    pub postal_code: String,
    /// Notes.
    pub notes: String,
    /// Whether they want e-mailed receipts.
    pub receipts: bool,
    /// When consent was given.
    pub consent_on: Option<Date>,
    /// What it was given for.
    pub consent_purpose: String,
}

impl ParticipantInput {
    /// The input as a program keeps it: an anonymous program never stores name, phone, e-mail
    /// or postal code, whatever a form, an import or the API sends.
    pub(crate) fn for_program(&self, anonymous: bool) -> ParticipantInput {
        if !anonymous {
            return self.clone();
        }
        ParticipantInput {
            name: String::new(),
            phone: String::new(),
            email: String::new(),
            postal_code: String::new(),
            receipts: false,
            ..self.clone()
        }
    }
}

/// What a change of type does to one of a participant's schedules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeChangeEffect {
    /// The schedule.
    pub schedule: halles_core::ScheduleId,
    /// Its name.
    pub schedule_name: String,
    /// Loads still to come.
    pub pending: i64,
    /// One load, before.
    pub per_load_before: Cents,
    /// One load, after (zero: the new type gets nothing there).
    pub per_load_after: Cents,
    /// The loads to come, before.
    pub total_before: Cents,
    /// The loads to come, after.
    pub total_after: Cents,
}

/// A participant enrolled in a running schedule that gives their type nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeConflict {
    /// The participant.
    pub participant: ParticipantId,
    /// Their code.
    pub code: String,
    /// Their type.
    pub participant_type: ParticipantTypeId,
    /// The schedule.
    pub schedule: halles_core::ScheduleId,
    /// Its name.
    pub schedule_name: String,
}

/// An enrolled participant.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    /// Its id.
    pub id: ParticipantId,
    /// The partner organization that enrolled them.
    pub partner: OrgId,
    /// The program.
    pub program: ProgramId,
    /// The code the platform gave them.
    pub code: String,
    /// Their type.
    pub participant_type: ParticipantTypeId,
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
    /// E-mailed receipts.
    pub receipts: bool,
    /// Consent date.
    pub consent_on: Date,
    /// Consent purpose.
    pub consent_purpose: String,
    /// Removed participants are kept (money went through them) but inactive.
    pub active: bool,
    /// Their current card (assigned or disabled: a disabled card stays theirs), if any: id and
    /// number.
    pub card: Option<(CardId, String)>,
}

const COLUMNS: &str = "p.id, p.organization_id, p.program_id, p.code, p.participant_type_id, p.id1, p.id2, p.name, \
     p.phone, p.email, p.postal_code, p.notes, p.receipts, p.consent_on, p.consent_purpose, p.active, \
     (SELECT c.id FROM cards c WHERE c.participant_id = p.id AND c.status IN ('assigned', 'disabled') ORDER BY c.id DESC LIMIT 1) AS card_id, \
     (SELECT c.number FROM cards c WHERE c.participant_id = p.id AND c.status IN ('assigned', 'disabled') ORDER BY c.id DESC LIMIT 1) AS card_number";

/// A row of [`COLUMNS`], but its flags (`receipts`, `active`: INTEGER on SQLite, BOOLEAN on
/// PostgreSQL), read apart.
#[derive(FromRow)]
struct ParticipantRow {
    id: i64,
    organization_id: i64,
    program_id: i64,
    code: String,
    participant_type_id: i64,
    id1: Option<String>,
    id2: String,
    name: String,
    phone: String,
    email: String,
    postal_code: String,
    notes: String,
    consent_on: String,
    consent_purpose: String,
    card_id: Option<i64>,
    card_number: Option<String>,
}

fn row(r: &AnyRow) -> StoreResult<Participant> {
    let p = ParticipantRow::from_row(r)?;
    Ok(Participant {
        id: ParticipantId(p.id),
        partner: OrgId(p.organization_id),
        program: ProgramId(p.program_id),
        code: p.code,
        participant_type: ParticipantTypeId(p.participant_type_id),
        id1: p.id1.unwrap_or_default(),
        id2: p.id2,
        name: p.name,
        phone: p.phone,
        email: p.email,
        postal_code: p.postal_code,
        notes: p.notes,
        receipts: flag(r, "receipts")?,
        consent_on: super::day(&p.consent_on)?,
        consent_purpose: p.consent_purpose,
        active: flag(r, "active")?,
        card: p.card_id.zip(p.card_number).map(|(i, n)| (CardId(i), n)),
    })
}

/// Inserts a participant with a fresh code, in the caller's transaction. Returns its id and code.
pub(crate) async fn insert_participant(
    tx: &mut sqlx::AnyConnection,
    partner: OrgId,
    program: ProgramId,
    t: ParticipantTypeId,
    consent: Date,
    input: &ParticipantInput,
    now: jiff::Timestamp,
) -> StoreResult<i64> {
    // A code collision (8 characters of 31) is astronomically rare; draw again if it happens.
    for _ in 0..3 {
        let mut r = [0u8; 8];
        rand::rng().fill_bytes(&mut r);
        let code = participant_code(r);
        let inserted = sqlx::query(
            "INSERT INTO participants (organization_id, program_id, code, participant_type_id, id1, id2, name, phone, \
             email, postal_code, notes, receipts, consent_on, consent_purpose, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (code) DO NOTHING \
             RETURNING id",
        )
        .bind(partner.0)
        .bind(program.0)
        .bind(&code)
        .bind(t.0)
        .bind_identity(input)
        .bind(consent.to_string())
        .bind(input.consent_purpose.trim())
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            e if e.is_unique_violation() => StoreError::field("id1", Refusal::DuplicateId1),
            e => e,
        })?;
        if let Some(r) = inserted {
            return Ok(r.try_get::<i64, _>("id")?);
        }
    }
    Err(StoreError::Refused(Refusal::CodeCollision))
}

/// Changes a participant's type and identity fields in the caller's transaction.
pub(crate) async fn update_identity(
    tx: &mut sqlx::AnyConnection,
    partner: OrgId,
    id: ParticipantId,
    t: ParticipantTypeId,
    input: &ParticipantInput,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE participants SET participant_type_id = $1, id1 = $2, id2 = $3, name = $4, phone = $5, email = $6, \
         postal_code = $7, notes = $8, receipts = $9 WHERE organization_id = $10 AND id = $11",
    )
    .bind(t.0)
    .bind_identity(input)
    .bind(partner.0)
    .bind(id.0)
    .execute(&mut *tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        e if e.is_unique_violation() => StoreError::field("id1", Refusal::DuplicateId1),
        e => e,
    })?;
    Ok(())
}

/// Binds a participant's identity fields, in the order both the insert and the update list
/// them: id1, id2, name, phone, e-mail, postal code, notes, receipts.
trait BindIdentity<'q> {
    fn bind_identity(self, input: &'q ParticipantInput) -> Self;
}

impl<'q> BindIdentity<'q> for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_identity(self, input: &'q ParticipantInput) -> Self {
        self.bind(nonempty(&input.id1))
            .bind(input.id2.trim())
            .bind(input.name.trim())
            .bind(input.phone.trim())
            .bind(input.email.trim())
            .bind(input.postal_code.trim().to_uppercase())
            .bind(input.notes.trim())
            .bind(input.receipts)
    }
}

/// The fields a participant edit changes, as they were and as they are: only those that
/// differ, for the audit log (the partner's administrators, who read it, see them anyway).
fn changed_fields(
    before: &Participant,
    t: ParticipantTypeId,
    input: &ParticipantInput,
) -> (serde_json::Value, serde_json::Value) {
    let (mut was, mut now) = (serde_json::Map::new(), serde_json::Map::new());
    let mut field = |name: &str, old: serde_json::Value, new: serde_json::Value| {
        if old != new {
            was.insert(name.to_owned(), old);
            now.insert(name.to_owned(), new);
        }
    };
    field("type", json!(before.participant_type), json!(t));
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
    for (name, old, new) in text {
        field(name, json!(old), json!(new));
    }
    field("receipts", json!(before.receipts), json!(input.receipts));
    (was.into(), now.into())
}

fn nonempty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

impl Store {
    /// Which participants the acting organization may see in a program: a partner only its
    /// own, the operator all; markets and funders none (they never see identities).
    fn participant_filter(ps: &ProgramScope) -> StoreResult<i64> {
        match ps.access() {
            Access::Operator => Ok(0),
            Access::Member(ProgramRole::Partner) => Ok(ps.tenant().org.0),
            Access::Member(_) => Err(StoreError::NotFound),
        }
    }

    /// Enrols a participant in a program for the acting partner organization.
    pub async fn create_participant(
        &self,
        ps: &ProgramScope,
        input: &ParticipantInput,
    ) -> StoreResult<Participant> {
        let (scope, program) = (ps.tenant(), ps.id());
        let prog = match ps.access() {
            Access::Member(ProgramRole::Partner) => ps.program(),
            _ => return Err(StoreError::NotFound),
        };
        let unknown_type = || StoreError::field("participant_type_id", Refusal::UnknownType);
        let t = input.participant_type.ok_or_else(unknown_type)?;
        if !self
            .participant_types(program)
            .await?
            .iter()
            .any(|x| x.id == t)
        {
            return Err(unknown_type());
        }
        let consent = input
            .consent_on
            .ok_or_else(|| StoreError::field("consent_on", Refusal::ConsentRequired))?;
        if input.consent_purpose.trim().is_empty() {
            return Err(StoreError::field(
                "consent_purpose",
                Refusal::ConsentRequired,
            ));
        }
        let input = &input.for_program(prog.anonymous);
        // A removed person with this identifier comes back from their page, with their history.
        let removed: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM participants WHERE program_id = $1 AND organization_id = $2 AND active = $3 \
             AND id1 IS NOT NULL AND LOWER(id1) = $4 LIMIT 1",
        )
        .bind(program.0)
        .bind(scope.org.0)
        .bind(false)
        .bind(input.id1.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        if removed.is_some() {
            return Err(StoreError::field("id1", Refusal::ParticipantRemoved));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let id = insert_participant(&mut tx, scope.org, program, t, consent, input, now).await?;
        audit::record(
            &mut tx,
            Change {
                org: Some(scope.org),
                actor: scope.actor,
                action: Action::Create,
                entity: "participant",
                entity_id: id.to_string(),
                // Personal data stays out of the audit log.
                before: None,
                after: Some(json!({"program": program, "type": t, "consent_on": consent})),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.participant(ps, ParticipantId(id)).await
    }

    /// One participant the acting organization may see.
    pub async fn participant(
        &self,
        ps: &ProgramScope,
        id: ParticipantId,
    ) -> StoreResult<Participant> {
        let (only, program) = (Self::participant_filter(ps)?, ps.id());
        let sql = format!(
            "SELECT {COLUMNS} FROM participants p WHERE p.id = $1 AND p.program_id = $2 AND ($3 = 0 OR p.organization_id = $3)"
        );
        let r = sqlx::query(&sql)
            .bind(id.0)
            .bind(program.0)
            .bind(only)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        row(&r)
    }

    /// The participants the acting organization may see, matching a search on code, identifiers,
    /// name, phone or card number; active first, newest first; the first 500 (a page).
    pub async fn participants(
        &self,
        ps: &ProgramScope,
        search: &str,
    ) -> StoreResult<Vec<Participant>> {
        self.participants_up_to(ps, search, 500).await
    }

    /// Every participant the acting organization may see (the export).
    pub async fn all_participants(&self, ps: &ProgramScope) -> StoreResult<Vec<Participant>> {
        self.participants_up_to(ps, "", i64::MAX).await
    }

    async fn participants_up_to(
        &self,
        ps: &ProgramScope,
        search: &str,
        limit: i64,
    ) -> StoreResult<Vec<Participant>> {
        let (only, program) = (Self::participant_filter(ps)?, ps.id());
        let like = format!("%{}%", search.trim().to_lowercase());
        let sql = format!(
            "SELECT {COLUMNS} FROM participants p WHERE p.program_id = $1 AND ($2 = 0 OR p.organization_id = $2) \
             AND ($3 = '%%' OR LOWER(p.code) LIKE $3 OR LOWER(COALESCE(p.id1, '')) LIKE $3 OR LOWER(p.id2) LIKE $3 \
             OR LOWER(p.name) LIKE $3 OR p.phone LIKE $3 OR EXISTS (SELECT 1 FROM cards c WHERE c.participant_id = p.id \
             AND c.number LIKE $4)) ORDER BY p.active DESC, p.id DESC LIMIT $5"
        );
        let digits: String = search.chars().filter(char::is_ascii_digit).collect();
        let rows = sqlx::query(&sql)
            .bind(program.0)
            .bind(only)
            .bind(&like)
            .bind(if digits.len() >= 4 {
                format!("%{digits}%")
            } else {
                "-".to_owned()
            })
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row).collect()
    }

    /// What moving a participant to another type does to each of their active enrolments:
    /// the amount of one load and of the loads still to come, before and after. Empty when the
    /// type does not change or nothing is to come.
    pub async fn type_change_effects(
        &self,
        ps: &ProgramScope,
        id: ParticipantId,
        to: ParticipantTypeId,
    ) -> StoreResult<Vec<TypeChangeEffect>> {
        let p = self.participant(ps, id).await?;
        if !self
            .participant_types(ps.id())
            .await?
            .iter()
            .any(|x| x.id == to)
        {
            return Err(StoreError::field(
                "participant_type_id",
                Refusal::UnknownType,
            ));
        }
        if to == p.participant_type {
            return Ok(Vec::new());
        }
        let rows = sqlx::query_as::<_, (i64, String, i64)>(
            "SELECT schedule_id, from_on, max_loads FROM enrolments WHERE participant_id = $1 AND active = $2 \
             ORDER BY schedule_id",
        )
        .bind(id.0)
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut conn = self.pool.acquire().await?;
        for (sid, from, max) in rows {
            let s = self.schedule(halles_core::ScheduleId(sid)).await?;
            let e = halles_core::coupons::Enrolment {
                from: super::day(&from)?,
                max_loads: u32::try_from(max).unwrap_or(0),
            };
            let done = super::enrolments::enrolment_loads(&mut conn, &s, id).await?;
            let pending = s.pending_loads(e, &done);
            let (was, will) = (s.per_load(p.participant_type), s.per_load(to));
            if pending == 0 || was == will {
                continue;
            }
            out.push(TypeChangeEffect {
                schedule: s.id,
                schedule_name: s.name.clone(),
                pending,
                per_load_before: was,
                per_load_after: will,
                total_before: Cents(was.0 * pending),
                total_after: Cents(will.0 * pending),
            });
        }
        Ok(out)
    }

    /// The conflicts staff have to resolve in a program: an active participant enrolled in a
    /// running schedule that gives their type nothing (their loads to come are $0.00). A
    /// partner sees its own participants'; `only` narrows to one participant.
    pub async fn type_conflicts(
        &self,
        ps: &ProgramScope,
        only: Option<ParticipantId>,
    ) -> StoreResult<Vec<TypeConflict>> {
        let filter = Self::participant_filter(ps)?;
        let rows = sqlx::query_as::<_, (i64, String, i64, i64, String)>(
            "SELECT p.id, p.code, p.participant_type_id, s.id, s.name FROM enrolments e \
             JOIN participants p ON p.id = e.participant_id JOIN allocation_schedules s ON s.id = e.schedule_id \
             WHERE p.program_id = $1 AND ($2 = 0 OR p.organization_id = $2) AND ($3 = 0 OR p.id = $3) \
             AND e.active = $4 AND p.active = $4 AND s.archived = $5 AND s.ends_on >= $6 \
             AND NOT EXISTS (SELECT 1 FROM schedule_amounts a WHERE a.schedule_id = s.id \
             AND a.participant_type_id = p.participant_type_id AND a.amount_cents > 0) ORDER BY p.id, s.id",
        )
        .bind(ps.id().0)
        .bind(filter)
        .bind(only.map_or(0, |p| p.0))
        .bind(true)
        .bind(false)
        .bind(halles_core::coupons::local_date(self.now()).to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(p, code, t, s, name)| TypeConflict {
                participant: ParticipantId(p),
                code,
                participant_type: ParticipantTypeId(t),
                schedule: halles_core::ScheduleId(s),
                schedule_name: name,
            })
            .collect())
    }

    /// Brings a removed participant back: the same participant (code, card, history), active
    /// again; they are enrolled again in schedules as anyone, the loads they received counting
    /// towards each schedule's maximum. Refused when they are active (`participant_active`).
    /// Audited.
    pub async fn return_participant(
        &self,
        ps: &ProgramScope,
        id: ParticipantId,
    ) -> StoreResult<()> {
        let scope = ps.tenant();
        let p = self.participant(ps, id).await?;
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE participants SET active = $1 WHERE organization_id = $2 AND id = $3 AND active = $4",
        )
        .bind(true)
        .bind(p.partner.0)
        .bind(id.0)
        .bind(false)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Refused(Refusal::ParticipantActive));
        }
        audit::record(
            &mut tx,
            Change {
                org: Some(p.partner),
                actor: scope.actor,
                action: Action::Update,
                entity: "participant",
                entity_id: id.to_string(),
                before: Some(json!({"active": false})),
                after: Some(json!({"active": true, "returned": true})),
            },
            self.now(),
        )
        .await?;
        tx.commit().await
    }

    /// Changes a participant's identity fields and type. A new type changes the amount of their
    /// pending loads, so each enrolment's reservation follows (refused beyond an envelope:
    /// `over_budget`). When it changes what any schedule will still load them, the change
    /// needs `confirm_type_change` (its effects: [`Store::type_change_effects`]), else it is
    /// refused (`type_change_unconfirmed`); a type a schedule gives nothing then shows as a
    /// conflict ([`Store::type_conflicts`]).
    pub async fn update_participant(
        &self,
        ps: &ProgramScope,
        id: ParticipantId,
        input: &ParticipantInput,
        confirm_type_change: bool,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.tenant(), ps.id());
        let before = self.participant(ps, id).await?;
        let t = input.participant_type.unwrap_or(before.participant_type);
        if !self
            .participant_types(program)
            .await?
            .iter()
            .any(|x| x.id == t)
        {
            return Err(StoreError::field(
                "participant_type_id",
                Refusal::UnknownType,
            ));
        }
        if !confirm_type_change && !self.type_change_effects(ps, id, t).await?.is_empty() {
            return Err(StoreError::Refused(Refusal::TypeChangeUnconfirmed));
        }
        let anonymous = ps.program().anonymous;
        let input = &input.for_program(anonymous);
        let mut tx = self.write_tx().await?;
        self.update_participant_tx(&mut tx, scope.actor, &before, t, input)
            .await?;
        tx.commit().await
    }

    /// Changes a known participant's type and identity in the caller's transaction (the input
    /// already as the program keeps it): each active enrolment's reservation follows a new type
    /// (`over_budget` beyond an envelope), and the audit log records the fields that changed.
    pub(crate) async fn update_participant_tx(
        &self,
        tx: &mut sqlx::AnyConnection,
        actor: crate::Actor,
        before: &Participant,
        t: ParticipantTypeId,
        input: &ParticipantInput,
    ) -> StoreResult<()> {
        let id = before.id;
        if t != before.participant_type {
            // Their pending loads change amount: each enrolment's reservation follows.
            let schedules: Vec<i64> = sqlx::query_scalar(
                "SELECT schedule_id FROM enrolments WHERE participant_id = $1 AND active = $2",
            )
            .bind(id.0)
            .bind(true)
            .fetch_all(&mut *tx)
            .await?;
            for sid in schedules {
                let s = self.schedule(halles_core::ScheduleId(sid)).await?;
                super::enrolments::reserve_again(&mut *tx, &s, id, t, None).await?;
            }
        }
        update_identity(&mut *tx, before.partner, id, t, input).await?;
        let (was, now) = changed_fields(before, t, input);
        audit::record(
            &mut *tx,
            Change {
                org: Some(before.partner),
                actor,
                action: Action::Update,
                entity: "participant",
                entity_id: id.to_string(),
                before: Some(was),
                after: Some(now),
            },
            self.now(),
        )
        .await
    }

    /// Removes a participant: inactive from now on, its unused reservations back in the
    /// envelopes. Funds already on the card stay until they are spent or expire.
    pub async fn remove_participant(
        &self,
        ps: &ProgramScope,
        id: ParticipantId,
    ) -> StoreResult<i64> {
        let scope = ps.tenant();
        let p = self.participant(ps, id).await?;
        let mut tx = self.write_tx().await?;
        let released = Store::release_enrolments(&mut tx, id).await?;
        sqlx::query("UPDATE participants SET active = $1 WHERE organization_id = $2 AND id = $3")
            .bind(false)
            .bind(p.partner.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            Change {
                org: Some(p.partner),
                actor: scope.actor,
                action: Action::Delete,
                entity: "participant",
                entity_id: id.to_string(),
                before: Some(json!({"active": true})),
                after: Some(json!({"active": false, "released_cents": released})),
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(released)
    }
}
