//! Participants of a food-coupon program in the web UI: the list with its search and export,
//! enrolment, a participant's page (card, balances, loads) and the actions on it.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::{FormErrors, PerRow, Typed};
use crate::pages::coupons::programs::{ProgramView, schedule_name, view};
use crate::pages::coupons::reports::FormatQuery;
use crate::pages::paths;
use crate::pages::{download, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::ProgramId;
use halles_core::coupons::CardNumber;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{ParticipantId, ParticipantTypeId, ProductGroupId, ScheduleId};
use halles_docs::{Cell, Table};
use halles_store::StoreError;
use halles_store::coupons::{
    Balance, Card, Participant, ParticipantInput, Schedule, TypeChangeEffect, TypeConflict,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

// ---------- participants ----------

#[derive(Template)]
#[template(path = "participants.html")]
struct ParticipantsPage {
    page: Ctx,
    v: ProgramView,
    participants: Vec<Participant>,
    /// People enrolled in a schedule that gives their type nothing.
    conflicts: Vec<TypeConflict>,
    q: String,
    errors: FormErrors,
    typed: Typed,
}

impl ParticipantsPage {
    fn ptype(&self, id: &ParticipantTypeId) -> String {
        self.v.type_name(self.page.i18n.lang.code(), *id)
    }
    fn typed(&self, k: &str) -> String {
        self.typed.get(k).unwrap_or_default().to_owned()
    }
    /// Receipts are wanted by default, until a form comes back without them.
    fn receipts_checked(&self) -> bool {
        self.typed.is_empty() || self.typed.has("receipts")
    }
}

/// The search of the participants list.
#[derive(Debug, Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn participants_page(
    state: &AppState,
    m: Member,
    id: ProgramId,
    q: String,
    errors: FormErrors,
    typed: Typed,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let participants = state.store.participants(&v.scope, &q).await?;
    let conflicts = state.store.type_conflicts(&v.scope, None).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &ParticipantsPage {
            page: m.ctx,
            v,
            participants,
            conflicts,
            q,
            errors,
            typed,
        },
        lang,
        failed,
    ))
}

/// The participants the organization may see, with a search, and (partners) the enrolment form.
pub async fn participants(
    paths::Participants(_, id): paths::Participants,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    participants_page(&state, m, id, q.q, FormErrors::none(), Typed::none()).await
}

/// The identity fields of the enrolment and edit forms (`participant_fields.html`), and the
/// enrolment's consent.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ParticipantForm {
    participant_type: String,
    id1: String,
    id2: String,
    name: String,
    phone: String,
    email: String,
    postal_code: String,
    notes: String,
    receipts: Option<String>,
    consent_on: String,
    consent_purpose: String,
}

impl From<&Participant> for ParticipantForm {
    /// The edit form as the participant is now.
    fn from(p: &Participant) -> Self {
        ParticipantForm {
            participant_type: p.participant_type.to_string(),
            id1: p.id1.clone(),
            id2: p.id2.clone(),
            name: p.name.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            postal_code: p.postal_code.clone(),
            notes: p.notes.clone(),
            receipts: p.receipts.then(|| "1".to_owned()),
            consent_on: String::new(),
            consent_purpose: String::new(),
        }
    }
}

/// What the store takes from the enrolment or edit form, trimmed.
fn participant_input(form: &ParticipantForm) -> ParticipantInput {
    let get = |s: &String| s.trim().to_owned();
    ParticipantInput {
        participant_type: form
            .participant_type
            .trim()
            .parse()
            .ok()
            .map(ParticipantTypeId),
        id1: get(&form.id1),
        id2: get(&form.id2),
        name: get(&form.name),
        phone: get(&form.phone),
        email: get(&form.email),
        postal_code: get(&form.postal_code),
        notes: get(&form.notes),
        receipts: form.receipts.is_some(),
        consent_on: form.consent_on.trim().parse().ok(),
        consent_purpose: get(&form.consent_purpose),
    }
}

/// What the page itself refuses in the identity fields, before the store sees them.
fn input_errors(input: &ParticipantInput, i18n: &crate::i18n::I18n) -> FormErrors {
    let mut errors = FormErrors::none();
    let texts = [
        ("id1", &input.id1),
        ("id2", &input.id2),
        ("name", &input.name),
        ("phone", &input.phone),
        ("email", &input.email),
        ("postal_code", &input.postal_code),
        ("notes", &input.notes),
        ("consent_purpose", &input.consent_purpose),
    ];
    for (field, text) in texts {
        if !halles_core::validation::is_clean_text(text) {
            errors.push(field, "err-invalid_characters", i18n);
        }
    }
    if !input.email.is_empty() && !halles_core::validation::is_plausible_email(&input.email) {
        errors.push("email", "err-email_invalid", i18n);
    }
    errors
}

/// Enrols a participant (a partner organization's staff).
pub async fn enrol(
    paths::Participants(_, id): paths::Participants,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ParticipantForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let input = participant_input(&form);
    let mut errors = input_errors(&input, &i18n);
    if input.consent_on.is_none() {
        errors.push("consent_on", "err-date_invalid", &i18n);
    }
    if input.consent_purpose.is_empty() {
        errors.push("consent_purpose", "err-required", &i18n);
    }
    if errors.is_empty() {
        let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
        match state.store.create_participant(&program, &input).await {
            Ok(p) => {
                let [f, k] = flash_headers(
                    "success",
                    "flash-participant-enrolled",
                    state.config.secure_cookies,
                );
                return Ok(see_other(
                    &paths::Participant(m.org.id, id, p.id).to_string(),
                    [f, k],
                ));
            }
            Err(e) => errors.extend(FormErrors::from_store(e, "consent_purpose", &i18n)?),
        }
    }
    participants_page(
        &state,
        Member::from_staff(m),
        id,
        String::new(),
        errors,
        Typed::of(&form),
    )
    .await
}

/// Downloads the organization's participants (CSV or XLSX) with the balance of each one's
/// card per product group and in all, and a total row.
pub async fn export_participants(
    paths::ParticipantsExport(_, id): paths::ParticipantsExport,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let list = state.store.all_participants(&v.scope).await?;
    let balances = state
        .store
        .card_balance_report(&m.scope, v.program.id)
        .await?;
    let p = &m.ctx;
    let lang = p.i18n.lang.code();
    let mut head: Vec<String> = [
        "col-code",
        "field-participant-type",
        "field-id1",
        "field-id2",
        "field-name",
        "field-phone",
        "field-email",
        "field-postal-code",
        "field-consent-on",
        "col-card",
        "col-active",
    ]
    .iter()
    .map(|k| p.t(k))
    .collect();
    head.extend(v.groups.iter().map(|g| g.name(lang).to_owned()));
    head.push(p.t("freport-balance-total"));
    let mut table = Table::new(head);
    for x in &list {
        let held = x
            .card
            .as_ref()
            .and_then(|(_, n)| balances.iter().find(|b| b.card == *n));
        let mut row = vec![
            Cell::text(x.code.clone()),
            Cell::text(v.type_name(lang, x.participant_type)),
            Cell::text(x.id1.clone()),
            Cell::text(x.id2.clone()),
            Cell::text(x.name.clone()),
            Cell::text(x.phone.clone()),
            Cell::text(x.email.clone()),
            Cell::text(x.postal_code.clone()),
            Cell::date(x.consent_on),
            Cell::text(x.card.as_ref().map(|(_, n)| n.clone()).unwrap_or_default()),
            Cell::text(if x.active { p.t("yes") } else { p.t("no") }),
        ];
        row.extend(v.groups.iter().map(|g| {
            Cell::money(
                held.and_then(|b| b.balances.iter().find(|(id, _)| *id == g.id))
                    .map(|(_, c)| *c)
                    .unwrap_or(Cents(0)),
            )
        }));
        row.push(Cell::money(held.map(|b| b.total()).unwrap_or(Cents(0))));
        table.push_cells(row);
    }
    download(
        p,
        table.with_total(p.t("report-total")),
        &f.format,
        &p.t("participants-title"),
        &format!("participants-{id}"),
    )
}

/// A schedule the participant is enrolled in: its id and name, their maximum number of loads,
/// and the loads still to come (due date and total).
type Forecast = (ScheduleId, String, u32, Vec<(Date, Cents)>);

#[derive(Template)]
#[template(path = "participant.html")]
struct ParticipantPage {
    page: Ctx,
    v: ProgramView,
    p: Participant,
    card: Option<Card>,
    balances: Vec<Balance>,
    schedules: Vec<Schedule>,
    forecasts: Vec<Forecast>,
    /// Loads staff may issue: missed for want of a card, or skipped for want of use.
    to_issue: Vec<(ScheduleId, Date, String)>,
    /// A type change sent without confirming: what it does to each schedule.
    effects: Vec<TypeChangeEffect>,
    /// Schedules that give this person's type nothing.
    conflicts: Vec<TypeConflict>,
    /// Where the operator's manual load may draw from: (form value, label).
    sources: Vec<(String, String)>,
    /// The manual load form's one-time key, fresh on every page.
    once: String,
    errors: FormErrors,
    typed: Typed,
}

impl ParticipantPage {
    fn is_disabled(&self, c: &Card) -> bool {
        c.status == halles_core::coupons::CardStatus::Disabled
    }
    fn typed(&self, k: &str) -> String {
        self.typed.get(k).unwrap_or_default().to_owned()
    }
    fn receipts_checked(&self) -> bool {
        self.typed.has("receipts")
    }
    fn typed_or(&self, k: &str, default: String) -> String {
        self.typed.get(k).map_or(default, str::to_owned)
    }
    fn schedule_name(&self, id: &ScheduleId) -> String {
        schedule_name(&self.schedules, *id)
    }
    fn group(&self, id: &ProductGroupId) -> String {
        self.v.group_name(self.page.i18n.lang.code(), *id)
    }
    fn ptype(&self, id: &ParticipantTypeId) -> String {
        self.v.type_name(self.page.i18n.lang.code(), *id)
    }
    fn day(&self, d: &Date) -> String {
        self.page.i18n.date(&halles_core::coupons::start_of(*d))
    }
    /// How many loads of a schedule staff may issue (the button that issues them all shows
    /// from two).
    fn issuable(&self, sid: &ScheduleId) -> usize {
        self.to_issue.iter().filter(|(s, _, _)| s == sid).count()
    }
    /// The schedules with loads to issue, once each.
    fn issue_schedules(&self) -> Vec<ScheduleId> {
        let mut out: Vec<ScheduleId> = self.to_issue.iter().map(|(s, _, _)| *s).collect();
        out.sort_unstable_by_key(|s| s.0);
        out.dedup();
        out
    }
}

async fn participant_page(
    state: &AppState,
    m: Member,
    id: ProgramId,
    pid: ParticipantId,
    errors: FormErrors,
    sent: Sent<'_>,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let p = state.store.participant(&v.scope, pid).await?;
    // The edit form comes back as typed; after another form, the edit form shows the
    // participant and that form's own fields come back as typed.
    let typed = match sent {
        Sent::Edit(form) => Typed::of(form),
        Sent::Other(form) => {
            let mut t = Typed::of(&ParticipantForm::from(&p));
            t.take_from(&Typed::of(form), &["adjust_", "max_"]);
            t
        }
        Sent::Nothing => Typed::of(&ParticipantForm::from(&p)),
    };
    let card = match &p.card {
        Some((cid, _)) => Some(state.store.card(&m.scope, *cid).await?),
        None => None,
    };
    let balances = match &card {
        Some(c) => state.store.card_balances(c.id).await?,
        None => Vec::new(),
    };
    let schedules = state.store.schedules_for(v.program.id, p.id).await?;
    let mut forecasts = Vec::new();
    for s in &schedules {
        if let Ok((max, f)) = state.store.forecast_with_max(&v.scope, s.id, p.id).await {
            forecasts.push((
                s.id,
                s.name.clone(),
                max,
                f.into_iter()
                    .map(|(d, a)| (d, Cents(a.iter().map(|(_, c)| c.0).sum())))
                    .collect(),
            ));
        }
    }
    let to_issue = state.store.loads_to_issue(&v.scope, p.id).await?;
    let conflicts = state.store.type_conflicts(&v.scope, Some(p.id)).await?;
    // A type change sent without confirming shows what it does, to confirm.
    let effects = match sent {
        Sent::Edit(form) if errors.has("participant_type_id") => {
            match participant_input(&form.identity).participant_type {
                Some(t) => state
                    .store
                    .type_change_effects(&v.scope, p.id, t)
                    .await
                    .unwrap_or_default(),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    let sources = if v.is_operator() && card.is_some() {
        super::envelopes::fund_sources(state, &v.scope, Some(p.partner), &schedules, &m.ctx.i18n)
            .await?
    } else {
        Vec::new()
    };
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &ParticipantPage {
            page: m.ctx,
            v,
            p,
            card,
            balances,
            schedules,
            forecasts,
            to_issue,
            effects,
            conflicts,
            sources,
            once: halles_store::platform::secrets::new_secret(),
            errors,
            typed,
        },
        lang,
        failed,
    ))
}

/// A participant: card, balances, schedules and what they will receive.
pub async fn participant(
    paths::Participant(_, id, pid): paths::Participant,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    participant_page(&state, m, id, pid, FormErrors::none(), Sent::Nothing).await
}

/// Which of the participant page's forms came back, to show it as it was sent.
enum Sent<'a> {
    /// None: the page shows the participant.
    Nothing,
    /// The edit form.
    Edit(&'a ParticipantActionForm),
    /// Another action's form: its own fields come back, the edit form shows the participant.
    Other(&'a ParticipantActionForm),
}

/// What the actions on a participant send: the edit form's fields, a card number, a schedule
/// (with its catch-up box or a missed load's `due` date), a PIN, an adjustment, and the
/// maximum number of loads in a field named after its schedule (`max_{schedule}`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ParticipantActionForm {
    #[serde(flatten)]
    identity: ParticipantForm,
    card: String,
    schedule: String,
    catch_up: Option<String>,
    due: String,
    pin: String,
    adjust_amount: String,
    adjust_group: String,
    adjust_reason: String,
    adjust_source: String,
    /// The manual load form's one-time key: the same form sent twice loads once.
    adjust_once: String,
    /// The edit form's box confirming a type change's effects on the loads to come.
    confirm_type_change: Option<String>,
    #[serde(flatten)]
    max: PerRow,
}

/// Actions on a participant: `modifier` (identity, type, receipts), `inscrire` (schedule,
/// catch-up), `maximum` (their number of loads in a schedule), `carte` (give a card), `liberer`
/// (take back an empty card), `perdue` (replace a lost card), `desactiver`, `activer`, `nip`,
/// `debloquer-nip` (unlock a PIN locked after wrong tries),
/// `ajuster` (the operator's manual load or correction, with a reason), `rattraper` (issue one
/// missed or skipped load), `rattraper-tout` (all of a schedule's at once), `retirer`, `revenir`
/// (bring a removed person back).
pub async fn participant_action(
    paths::ParticipantAction(_, id, pid, action): paths::ParticipantAction,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ParticipantActionForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    let who = pid;
    let number = form.card.trim();
    let number = if number.is_empty() {
        None
    } else {
        match CardNumber::parse(number) {
            Ok(n) => Some(n),
            Err(_) => {
                let errors = FormErrors::one("card", "err-card_check_digit", &i18n);
                let m = Member::from_staff(m);
                return participant_page(&state, m, id, pid, errors, Sent::Nothing).await;
            }
        }
    };
    let schedule = ScheduleId(form.schedule.trim().parse().unwrap_or(0));
    let card_of = |p: &Participant| p.card.as_ref().map(|(c, _)| *c).ok_or(StoreError::NotFound);
    let result: Result<&str, StoreError> = async {
        match action.as_str() {
            "modifier" => {
                let input = participant_input(&form.identity);
                if !halles_core::validation::is_clean_text(&input.name)
                    || !halles_core::validation::is_clean_text(&input.notes)
                {
                    return Err(StoreError::field("name", Refusal::InvalidCharacters));
                }
                if !input_errors(&input, &i18n).is_empty() {
                    return Err(StoreError::field("email", Refusal::EmailInvalid));
                }
                let confirmed = form.confirm_type_change.is_some();
                state
                    .store
                    .update_participant(&program, who, &input, confirmed)
                    .await?;
                Ok("flash-saved")
            }
            "maximum" => {
                let max = form
                    .max
                    .get(&format!("max_{}", schedule.0))
                    .parse()
                    .map_err(|_| StoreError::Refused(Refusal::MaxLoads))?;
                state
                    .store
                    .set_max_loads(&program, schedule, who, max)
                    .await?;
                Ok("flash-saved")
            }
            "liberer" => {
                let p = state.store.participant(&program, who).await?;
                state.store.unassign_card(&program, card_of(&p)?).await?;
                Ok("flash-card-unassigned")
            }
            "ajuster" => {
                let p = state.store.participant(&program, who).await?;
                let amount =
                    Cents::parse_within_signed(form.adjust_amount.trim(), Limit::Movement)?;
                let group = ProductGroupId(form.adjust_group.trim().parse().unwrap_or(0));
                let reason = form.adjust_reason.trim();
                let source = super::envelopes::parse_source(&form.adjust_source);
                // A form without its one-time key (an old page) is sent again from a new one.
                let once = form.adjust_once.trim();
                if !(16..=64).contains(&once.len()) {
                    return Err(StoreError::Refused(Refusal::IdempotencyKeyReused));
                }
                let card = card_of(&p)?;
                let done = state
                    .store
                    .adjust_funds_once(&program, card, group, amount, source, reason, once)
                    .await?;
                Ok(if done {
                    "flash-saved"
                } else {
                    "flash-adjust-already"
                })
            }
            "inscrire" => {
                let catch_up = form.catch_up.is_some();
                state
                    .store
                    .enrol_in_schedule(&program, schedule, who, catch_up, None)
                    .await?;
                Ok("flash-enrolled")
            }
            "carte" => {
                state
                    .store
                    .assign_card(&program, who, number.as_ref())
                    .await?;
                Ok("flash-card-assigned")
            }
            "perdue" => {
                let p = state.store.participant(&program, who).await?;
                state
                    .store
                    .replace_lost_card(&program, card_of(&p)?, number.as_ref())
                    .await?;
                Ok("flash-card-replaced")
            }
            "desactiver" | "activer" => {
                let p = state.store.participant(&program, who).await?;
                state
                    .store
                    .set_card_enabled(&program, card_of(&p)?, action == "activer")
                    .await?;
                Ok("flash-saved")
            }
            "nip" => {
                let p = state.store.participant(&program, who).await?;
                state
                    .store
                    .set_card_pin(&program, card_of(&p)?, form.pin.trim())
                    .await?;
                Ok("flash-pin-set")
            }
            "debloquer-nip" => {
                let p = state.store.participant(&program, who).await?;
                state.store.unlock_card_pin(&m.scope, card_of(&p)?).await?;
                Ok("flash-pin-unlocked")
            }
            "rattraper" => {
                let due: Date = form
                    .due
                    .trim()
                    .parse()
                    .map_err(|_| StoreError::Refused(Refusal::NoMissedLoad))?;
                state
                    .store
                    .reissue_load(&program, schedule, who, due)
                    .await?;
                Ok("flash-load-reissued")
            }
            "rattraper-tout" => {
                let dates: Vec<Date> = state
                    .store
                    .loads_to_issue(&program, who)
                    .await?
                    .into_iter()
                    .filter(|(s, _, _)| *s == schedule)
                    .map(|(_, d, _)| d)
                    // At most what one request may issue; the rest stays listed for the next.
                    .take(halles_store::coupons::MAX_ISSUED_AT_ONCE)
                    .collect();
                state
                    .store
                    .reissue_loads(&program, schedule, who, &dates)
                    .await?;
                Ok("flash-load-reissued")
            }
            "retirer" => {
                state.store.remove_participant(&program, who).await?;
                Ok("flash-participant-removed")
            }
            "revenir" => {
                state.store.return_participant(&program, who).await?;
                Ok("flash-participant-returned")
            }
            _ => Err(StoreError::NotFound),
        }
    }
    .await;
    match result {
        Ok(key) => {
            let [f, k] = flash_headers("success", key, state.config.secure_cookies);
            Ok(see_other(
                &paths::Participant(m.org.id, id, pid).to_string(),
                [f, k],
            ))
        }
        Err(e) => {
            // A refusal of the domain goes on the field of the action's form.
            let field = match (action.as_str(), &e) {
                ("modifier", _) => "participant_type_id".to_owned(),
                ("maximum", _) => format!("max_{}", form.schedule.trim()),
                ("ajuster", StoreError::Refused(Refusal::ReasonRequired)) => {
                    "adjust_reason".to_owned()
                }
                (
                    "ajuster",
                    StoreError::Refused(
                        Refusal::ReserveTooLow
                        | Refusal::OverBudget
                        | Refusal::EnvelopeOtherPartner,
                    ),
                ) => "adjust_source".to_owned(),
                ("ajuster", _) => "adjust_amount".to_owned(),
                ("inscrire", _) => "schedule".to_owned(),
                ("rattraper" | "rattraper-tout", _) => "issue".to_owned(),
                ("revenir", _) => "return".to_owned(),
                ("nip", _) => "pin".to_owned(),
                _ => "card".to_owned(),
            };
            let errors = match e {
                StoreError::Insufficient(_) => {
                    FormErrors::one("adjust_amount", "err-insufficient_funds", &i18n)
                }
                // The store names the manual load's source `source`: the form's field.
                StoreError::Invalid(fields) if action == "ajuster" => {
                    let mut out = FormErrors::none();
                    for f in &fields {
                        let at = if f.field == "source" {
                            "adjust_source"
                        } else {
                            "adjust_amount"
                        };
                        out.push(at, &format!("err-{}", f.code), &i18n);
                    }
                    out
                }
                e => FormErrors::from_store(e, &field, &i18n)?,
            };
            let sent = if action == "modifier" {
                Sent::Edit(&form)
            } else {
                Sent::Other(&form)
            };
            participant_page(&state, Member::from_staff(m), id, pid, errors, sent).await
        }
    }
}
