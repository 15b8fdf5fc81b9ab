//! Food-coupon programs in the web UI: the program page (groups, types, schedules, members,
//! envelopes, totals), participants and their cards, card batches with their printable sheet,
//! and reports with CSV and XLSX downloads.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render, render_form};
use crate::forms::FormErrors;
use crate::pages::{download, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::OrgId;
use halles_core::coupons::{CardNumber, CardStatus, Expiry, LoadMoment, ProgramRole, ReportPeriod};
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::{
    CardBatchId, CardId, ParticipantId, ParticipantTypeId, ProductGroupId, ProgramId, ScheduleId,
};
use halles_docs::Table;
use halles_store::StoreError;
use halles_store::coupons::{
    Access, Balance, Card, Dimension, Envelope, MarketGroup, Participant, ParticipantInput,
    ParticipantType, ProductGroup, Program, ProgramInput, ProgramMember, Reach, ReportFilter,
    ReportRow, Schedule, ScheduleInput, Totals,
};
use jiff::civil::Date;
use serde::Deserialize;
use std::collections::HashMap;

/// What every program page knows.
pub struct ProgramView {
    /// The program.
    pub program: Program,
    /// How the viewer's organization takes part.
    pub access: Access,
    /// Product groups.
    pub groups: Vec<ProductGroup>,
    /// Participant types.
    pub types: Vec<ParticipantType>,
}

impl ProgramView {
    /// Whether the viewer runs the program.
    pub fn is_operator(&self) -> bool {
        self.access == Access::Operator
    }
    /// Whether the viewer is a partner organization.
    pub fn is_partner(&self) -> bool {
        self.access == Access::Member(ProgramRole::Partner)
    }
    /// Whether the viewer is a market.
    pub fn is_market(&self) -> bool {
        self.access == Access::Member(ProgramRole::Market)
    }
    /// The access label key.
    pub fn access_code(&self) -> &'static str {
        match self.access {
            Access::Operator => "operator",
            Access::Member(r) => r.code(),
        }
    }
    fn group_name(&self, lang: &str, id: ProductGroupId) -> String {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name(lang).to_owned())
            .unwrap_or_default()
    }
    fn type_name(&self, lang: &str, id: ParticipantTypeId) -> String {
        self.types
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name(lang).to_owned())
            .unwrap_or_default()
    }
}

/// A schedule's name among a program's schedules.
fn schedule_name(schedules: &[Schedule], id: ScheduleId) -> String {
    schedules
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

async fn view(
    state: &AppState,
    m: &Member<impl crate::ctx::RoleRequirement>,
    id: i64,
) -> Result<ProgramView, PageError> {
    let (program, access) = state.store.program_access(&m.scope, ProgramId(id)).await?;
    let groups = state.store.product_groups(program.id).await?;
    let types = state.store.participant_types(program.id).await?;
    Ok(ProgramView {
        program,
        access,
        groups,
        types,
    })
}

fn forbidden(m: &Ctx) -> PageError {
    PageError::new(StatusCode::FORBIDDEN, m.i18n.lang, "err-forbidden")
}

// ---------- list and create ----------

#[derive(Template)]
#[template(path = "programs.html")]
struct ProgramsPage {
    page: Ctx,
    programs: Vec<(Program, Access)>,
    can_create: bool,
    errors: FormErrors,
    form: ProgramForm,
}

impl ProgramsPage {
    fn access_code(&self, a: &Access) -> &'static str {
        match a {
            Access::Operator => "operator",
            Access::Member(r) => r.code(),
        }
    }
}

/// The new-program form.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct ProgramForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    anonymous: Option<String>,
    #[serde(default)]
    pin_required: Option<String>,
}

async fn programs_page(
    state: &AppState,
    m: Member,
    errors: FormErrors,
    form: ProgramForm,
) -> Result<Response, PageError> {
    let programs = state.store.programs(&m.scope).await?;
    let can_create = m.org.kind == OrgKind::ProgramOperator
        && m.role.satisfies(halles_core::organizations::Role::Staff);
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &ProgramsPage {
            page: m.ctx,
            programs,
            can_create,
            errors,
            form,
        },
        lang,
        failed,
    ))
}

/// The programs of the organization.
pub async fn list(State(state): State<AppState>, m: Member) -> Result<Response, PageError> {
    programs_page(&state, m, FormErrors::none(), ProgramForm::default()).await
}

/// Creates a program (an operator's staff).
pub async fn create(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ProgramForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    if m.org.kind != OrgKind::ProgramOperator {
        return Err(forbidden(&m.ctx));
    }
    let mut errors = Vec::new();
    let starts: Option<Date> = form.starts_on.parse().ok();
    let ends: Option<Date> = form.ends_on.parse().ok();
    if form.name.trim().is_empty() {
        errors.push(("name".to_owned(), i18n.t("err-required")));
    }
    if starts.is_none() {
        errors.push(("starts_on".to_owned(), i18n.t("err-date_invalid")));
    }
    if ends.is_none() {
        errors.push(("ends_on".to_owned(), i18n.t("err-date_invalid")));
    }
    if let (Some(s), Some(e)) = (starts, ends)
        && errors.is_empty()
    {
        let input = ProgramInput {
            name: form.name.clone(),
            public_name: String::new(),
            starts_on: s,
            ends_on: e,
            report_period: ReportPeriod::Month,
            anonymous: form.anonymous.is_some(),
            pin_required: form.pin_required.is_some(),
        };
        match state.store.create_program(&m.scope, &input).await {
            Ok(id) => {
                let [f, k] = flash_headers(
                    "success",
                    "flash-program-created",
                    state.config.secure_cookies,
                );
                return Ok(see_other(
                    &format!("/o/{}/programmes/{id}", m.org.id),
                    [f, k],
                ));
            }
            Err(StoreError::Conflict("ends_before_start")) => {
                errors.push(("ends_on".to_owned(), i18n.t("err-ends_before_start")));
            }
            Err(e) => return Err(e.into()),
        }
    }
    programs_page(
        &state,
        Member::from_staff(m),
        FormErrors { items: errors },
        form,
    )
    .await
}

// ---------- the program page ----------

#[derive(Template)]
#[template(path = "program.html")]
struct ProgramPage {
    page: Ctx,
    v: ProgramView,
    schedules: Vec<Schedule>,
    members: Vec<ProgramMember>,
    envelopes: Vec<Envelope>,
    totals: Totals,
    reach: Option<Reach>,
    candidates: Vec<(OrgId, String, &'static str)>,
    market_groups: Vec<MarketGroup>,
    errors: FormErrors,
    typed: HashMap<String, String>,
}

impl ProgramPage {
    /// The form field of a group's name in a language (`group_{id}_fr`).
    fn group_field(&self, id: &ProductGroupId, lang: &str) -> String {
        format!("group_{id}_{lang}")
    }
    /// The form field of a participant type (`type_{id}_fr`, `_en`, `_key`).
    fn type_field(&self, id: &ParticipantTypeId, what: &str) -> String {
        format!("type_{id}_{what}")
    }
    /// What was typed in a field, or the value it holds.
    fn typed_or(&self, k: &str, current: &str) -> String {
        self.typed
            .get(k)
            .cloned()
            .unwrap_or_else(|| current.to_owned())
    }
    /// The program's markets, for the market-group forms.
    fn markets(&self) -> Vec<&ProgramMember> {
        self.members
            .iter()
            .filter(|x| x.role == ProgramRole::Market)
            .collect()
    }
    fn lang(&self) -> &'static str {
        self.page.i18n.lang.code()
    }
    fn group(&self, id: &ProductGroupId) -> String {
        self.v.group_name(self.lang(), *id)
    }
    fn ptype(&self, id: &ParticipantTypeId) -> String {
        self.v.type_name(self.lang(), *id)
    }
    fn schedule_name(&self, id: &ScheduleId) -> String {
        schedule_name(&self.schedules, *id)
    }
    fn typed(&self, k: &str) -> String {
        self.typed.get(k).cloned().unwrap_or_default()
    }
    fn typed_is(&self, k: &str, v: &str) -> bool {
        self.typed.get(k).is_some_and(|x| x == v)
    }
    fn amount_key(&self, t: &ParticipantType, g: &ProductGroup) -> String {
        format!("amount_{}_{}", t.id, g.id)
    }
    fn amount_label(&self, t: &ParticipantType, g: &ProductGroup) -> String {
        let lang = self.lang();
        format!("{} — {}", t.name(lang), g.name(lang))
    }
    fn expiry_text(&self, s: &Schedule) -> String {
        match s.expiry {
            Expiry::Never => self.page.t("expiry-never"),
            Expiry::OnDate { date } => self.page.ta("expiry-on", [("date", date.to_string())]),
            Expiry::AfterDays { days } => {
                self.page.ta("expiry-after", [("days", days.to_string())])
            }
        }
    }
    fn partners(&self) -> Vec<&ProgramMember> {
        self.members
            .iter()
            .filter(|m| m.role == ProgramRole::Partner)
            .collect()
    }
    fn spendable_groups(&self) -> Vec<&ProductGroup> {
        self.v.groups.iter().filter(|g| !g.is_loyalty).collect()
    }
}

async fn program_page(
    state: &AppState,
    m: Member,
    id: i64,
    errors: FormErrors,
    typed: HashMap<String, String>,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let schedules = state.store.schedules(v.program.id).await?;
    let members = state.store.program_members(v.program.id).await?;
    let envelopes = match v.access {
        Access::Operator | Access::Member(ProgramRole::Funder) => {
            state.store.envelopes(v.program.id, None).await?
        }
        Access::Member(ProgramRole::Partner) => {
            state.store.envelopes(v.program.id, Some(m.org.id)).await?
        }
        Access::Member(ProgramRole::Market) => Vec::new(),
    };
    let totals = state
        .store
        .report_totals(&m.scope, v.program.id, ReportFilter::default())
        .await?;
    let reach = if v.is_market() {
        None
    } else {
        Some(
            state
                .store
                .reach(&m.scope, v.program.id, ReportFilter::default())
                .await?,
        )
    };
    let candidates = if v.is_operator() {
        state
            .store
            .organizations()
            .await?
            .into_iter()
            .filter_map(|o| {
                let role = match o.kind {
                    OrgKind::PartnerOrg => "partner",
                    OrgKind::Market => "market",
                    OrgKind::Funder => "funder",
                    _ => return None,
                };
                (!members.iter().any(|x| x.org == o.id)).then_some((o.id, o.name, role))
            })
            .collect()
    } else {
        Vec::new()
    };
    let market_groups = state.store.market_groups(v.program.id).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &ProgramPage {
            page: m.ctx,
            v,
            schedules,
            members,
            envelopes,
            totals,
            reach,
            candidates,
            market_groups,
            errors,
            typed,
        },
        lang,
        failed,
    ))
}

/// A program's page.
pub async fn show(
    State(state): State<AppState>,
    m: Member,
    Path((_, id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    program_page(&state, m, id, FormErrors::none(), HashMap::new()).await
}

fn back(m: &Member<StaffRole>, id: i64, flash: &str, state: &AppState) -> Response {
    let [f, k] = flash_headers("success", flash, state.config.secure_cookies);
    see_other(&format!("/o/{}/programmes/{id}", m.org.id), [f, k])
}

/// Adds a schedule (the operator). Amounts come as `amount_{type}_{group}`.
pub async fn create_schedule(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let v = view(&state, &m, id).await?;
    if !v.is_operator() {
        return Err(forbidden(&m.ctx));
    }
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut err = |f: &str, key: &str| errors.push((f.to_owned(), i18n.t(key)));
    let name = get("name");
    if name.is_empty() {
        err("name", "err-required");
    }
    let starts: Option<Date> = get("starts_on").parse().ok();
    let ends: Option<Date> = get("ends_on").parse().ok();
    if starts.is_none() {
        err("starts_on", "err-date_invalid");
    }
    if ends.is_none() {
        err("ends_on", "err-date_invalid");
    }
    let moment: Option<LoadMoment> = get("moment").parse().ok();
    if moment.is_none() {
        err("moment", "err-choice_invalid");
    }
    let max_loads: u32 = get("max_loads").parse().unwrap_or(0);
    if max_loads == 0 {
        err("max_loads", "err-max_loads");
    }
    let expiry = match get("expiry").as_str() {
        "date" => match get("expires_on").parse() {
            Ok(date) => Some(Expiry::OnDate { date }),
            Err(_) => {
                err("expires_on", "err-date_invalid");
                None
            }
        },
        "days" => match get("expires_days").parse::<u16>() {
            Ok(days) if days > 0 => Some(Expiry::AfterDays { days }),
            _ => {
                err("expires_days", "err-max_loads");
                None
            }
        },
        _ => Some(Expiry::Never),
    };
    let mut amounts = Vec::new();
    for t in &v.types {
        for g in v.groups.iter().filter(|g| !g.is_loyalty) {
            let key = format!("amount_{}_{}", t.id, g.id);
            let s = get(&key);
            if s.is_empty() {
                continue;
            }
            match Cents::parse_input(&s) {
                Some(c) if c.0 >= 0 => amounts.push((t.id, g.id, c)),
                _ => err(&key, "err-price_invalid"),
            }
        }
    }
    if let (true, Some(starts), Some(ends), Some(moment), Some(expiry)) =
        (errors.is_empty(), starts, ends, moment, expiry)
    {
        let input = ScheduleInput {
            name,
            starts_on: starts,
            ends_on: ends,
            moment,
            max_loads,
            carry_over: form.contains_key("carry_over"),
            usage_based: form.contains_key("usage_based"),
            expiry,
            amounts,
        };
        match state
            .store
            .create_schedule(&m.scope, v.program.id, &input)
            .await
        {
            Ok(_) => return Ok(back(&m, id, "flash-schedule-created", &state)),
            Err(StoreError::Conflict("ends_before_start")) => {
                errors.push(("ends_on".into(), i18n.t("err-ends_before_start")))
            }
            Err(e) => return Err(e.into()),
        }
    }
    program_page(
        &state,
        Member::from_staff(m),
        id,
        FormErrors { items: errors },
        form,
    )
    .await
}

/// Archives or restores the program (`archived` = 1 or 0), or one of its schedules when the
/// path names one.
pub async fn archive(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path(params): Path<HashMap<String, String>>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id: i64 = params.get("id").and_then(|x| x.parse().ok()).unwrap_or(0);
    let archived = form.get("archived").is_some_and(|v| v == "1");
    match params.get("sid").and_then(|x| x.parse().ok()) {
        Some(sid) => {
            let s = state.store.schedule(ScheduleId(sid)).await?;
            if s.program != ProgramId(id) {
                return Err(StoreError::NotFound.into());
            }
            state
                .store
                .set_schedule_archived(&m.scope, s.id, archived)
                .await?;
        }
        None => {
            state
                .store
                .set_program_archived(&m.scope, ProgramId(id), archived)
                .await?
        }
    }
    Ok(back(&m, id, "flash-saved", &state))
}

/// Adds a product group (the operator): names in French and English.
pub async fn add_group(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let result = state
        .store
        .add_product_group(
            &m.scope,
            ProgramId(id),
            &get("group_fr"),
            &get("group_en"),
            "#2e7d32",
        )
        .await
        .map(|_| ());
    saved_or_refused(&state, m, id, result, form, |_| "group_fr".to_owned()).await
}

/// After an operator's change on the program page: back to it with "saved" or, for a refusal,
/// the page again with the message beside the field `field(code)` names and what was typed
/// kept (`name_required` reads as the usual "required").
async fn saved_or_refused(
    state: &AppState,
    m: Member<StaffRole>,
    id: i64,
    result: Result<(), StoreError>,
    form: HashMap<String, String>,
    field: impl Fn(&str) -> String,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(back(&m, id, "flash-saved", state)),
        Err(StoreError::Conflict(code)) => {
            let key = if code == "name_required" {
                "err-required".to_owned()
            } else {
                format!("err-{code}")
            };
            let errors = FormErrors {
                items: vec![(field(code), m.ctx.i18n.t(&key))],
            };
            program_page(state, Member::from_staff(m), id, errors, form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Renames, moves or deletes a product group (the operator): `action` is `renommer`, `monter`,
/// `descendre` or `supprimer`. A refusal comes back on the program's page, on the group's form.
pub async fn group_action(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, group, action)): Path<(i64, i64, i64, String)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (program, g) = (ProgramId(id), ProductGroupId(group));
    let field = |lang: &str| format!("group_{group}_{lang}");
    let get = |k: String| {
        form.get(&k)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let store = &state.store;
    let result = match action.as_str() {
        "renommer" => {
            store
                .rename_product_group(&m.scope, program, g, &get(field("fr")), &get(field("en")))
                .await
        }
        "monter" => store.move_product_group(&m.scope, program, g, true).await,
        "descendre" => store.move_product_group(&m.scope, program, g, false).await,
        "supprimer" => store.delete_product_group(&m.scope, program, g).await,
        _ => return Err(StoreError::NotFound.into()),
    };
    let at = field("fr");
    saved_or_refused(&state, m, id, result, form, |_| at.clone()).await
}

/// Adds a participant type (`types`) or changes one (`types/{type}`), for the operator. A refusal
/// comes back on the program's page with what was typed.
async fn save_type(
    state: AppState,
    m: Member<StaffRole>,
    id: i64,
    ptype: Option<ParticipantTypeId>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let prefix = ptype
        .map(|t| format!("type_{t}_"))
        .unwrap_or_else(|| "type_".into());
    let get = |k: &str| {
        form.get(&format!("{prefix}{k}"))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let program = ProgramId(id);
    let result = match ptype {
        Some(t) => {
            state
                .store
                .update_participant_type(&m.scope, program, t, &get("fr"), &get("en"), &get("key"))
                .await
        }
        None => state
            .store
            .add_participant_type(&m.scope, program, &get("fr"), &get("en"), &get("key"))
            .await
            .map(|_| ()),
    };
    saved_or_refused(&state, m, id, result, form, |code| {
        let field = if code == "name_required" { "fr" } else { "key" };
        format!("{prefix}{field}")
    })
    .await
}

/// Adds a participant type (the operator).
pub async fn add_type(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    save_type(state, m, id, None, form).await
}

/// Changes a participant type's names and match key (the operator).
pub async fn update_type(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, ptype)): Path<(i64, i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    save_type(state, m, id, Some(ParticipantTypeId(ptype)), form).await
}

/// Creates a market group, with one of the program's markets as its manager or none (the
/// operator).
pub async fn add_market_group(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let name = form.get("market_group").map(|s| s.trim()).unwrap_or("");
    let manager = form
        .get("manager")
        .and_then(|s| s.trim().parse().ok())
        .map(OrgId);
    let result = state
        .store
        .create_market_group(&m.scope, ProgramId(id), name, manager)
        .await
        .map(|_| ());
    saved_or_refused(&state, m, id, result, form, |code| {
        let field = if code == "manager_not_market" {
            "manager"
        } else {
            "market_group"
        };
        field.to_owned()
    })
    .await
}

/// Puts one of the program's markets in a market group, or out of any (the operator).
pub async fn place_market(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let market = OrgId(
        form.get("market")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
    );
    let group = form
        .get("group")
        .and_then(|s| s.trim().parse().ok())
        .map(halles_core::MarketGroupId);
    state
        .store
        .set_market_group(&m.scope, ProgramId(id), market, group)
        .await?;
    Ok(back(&m, id, "flash-saved", &state))
}

/// Adds a partner, market or funder (the operator).
#[derive(Debug, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    member: String,
}

/// Adds an organization to the program, its role given by its kind.
pub async fn add_member(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, PageError> {
    let org = OrgId(form.member.parse().unwrap_or(0));
    let kind = state.store.organization_by_id(org).await?.kind;
    let role = match kind {
        OrgKind::PartnerOrg => ProgramRole::Partner,
        OrgKind::Market => ProgramRole::Market,
        OrgKind::Funder => ProgramRole::Funder,
        _ => return Err(StoreError::NotFound.into()),
    };
    state
        .store
        .add_program_member(&m.scope, ProgramId(id), org, role)
        .await?;
    Ok(back(&m, id, "flash-member-added", &state))
}

/// Deletes an envelope nothing has used (the operator); one in use stays, with a message.
pub async fn delete_envelope(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, envelope)): Path<(i64, i64, i64)>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> Result<Response, PageError> {
    match state
        .store
        .delete_envelope(&m.scope, halles_core::EnvelopeId(envelope))
        .await
    {
        Ok(()) => Ok(back(&m, id, "flash-envelope-deleted", &state)),
        Err(StoreError::Conflict(code)) => {
            let [f, k] =
                flash_headers("error", &format!("err-{code}"), state.config.secure_cookies);
            Ok(see_other(
                &format!("/o/{}/programmes/{id}", m.org.id),
                [f, k],
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets an envelope (the operator).
pub async fn set_envelope(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let schedule = ScheduleId(get("schedule").parse().unwrap_or(0));
    let partner = OrgId(get("partner").parse().unwrap_or(0));
    let from = get("from");
    let result = match Cents::parse_input(&get("budget")) {
        None => Err(("budget", "err-price_invalid")),
        Some(amount) if !from.is_empty() => {
            let from = OrgId(from.parse().unwrap_or(0));
            match state
                .store
                .move_envelope(&m.scope, schedule, from, partner, amount)
                .await
            {
                Ok(()) => Ok(()),
                Err(StoreError::Conflict("over_budget")) => Err(("budget", "err-over_budget")),
                Err(StoreError::Conflict(_)) => Err(("budget", "err-no_envelope")),
                Err(e) => return Err(e.into()),
            }
        }
        Some(amount) => match state
            .store
            .set_envelope(&m.scope, schedule, partner, amount)
            .await
        {
            Ok(_) => Ok(()),
            Err(StoreError::Conflict("below_committed")) => Err(("budget", "err-below_committed")),
            Err(StoreError::Conflict(_)) => Err(("partner", "err-not_a_partner")),
            Err(e) => return Err(e.into()),
        },
    };
    match result {
        Ok(()) => Ok(back(&m, id, "flash-envelope-saved", &state)),
        Err((f, key)) => {
            let errors = FormErrors {
                items: vec![(f.to_owned(), i18n.t(key))],
            };
            program_page(&state, Member::from_staff(m), id, errors, form).await
        }
    }
}

// ---------- participants ----------

#[derive(Template)]
#[template(path = "participants.html")]
struct ParticipantsPage {
    page: Ctx,
    v: ProgramView,
    participants: Vec<Participant>,
    q: String,
    errors: FormErrors,
    typed: HashMap<String, String>,
}

impl ParticipantsPage {
    fn ptype(&self, id: &ParticipantTypeId) -> String {
        self.v.type_name(self.page.i18n.lang.code(), *id)
    }
    fn typed(&self, k: &str) -> String {
        self.typed.get(k).cloned().unwrap_or_default()
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
    id: i64,
    q: String,
    errors: FormErrors,
    typed: HashMap<String, String>,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let participants = state.store.participants(&m.scope, v.program.id, &q).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &ParticipantsPage {
            page: m.ctx,
            v,
            participants,
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
    State(state): State<AppState>,
    m: Member,
    Path((_, id)): Path<(i64, i64)>,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    participants_page(&state, m, id, q.q, FormErrors::none(), HashMap::new()).await
}

/// Enrols a participant (a partner organization's staff).
pub async fn enrol(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let input = ParticipantInput {
        participant_type: get("participant_type").parse().ok().map(ParticipantTypeId),
        id1: get("id1"),
        id2: get("id2"),
        name: get("name"),
        phone: get("phone"),
        email: get("email"),
        postal_code: get("postal_code"),
        notes: get("notes"),
        receipts: form.contains_key("receipts"),
        consent_on: get("consent_on").parse().ok(),
        consent_purpose: get("consent_purpose"),
    };
    let mut errors = Vec::new();
    if input.consent_on.is_none() {
        errors.push(("consent_on".to_owned(), i18n.t("err-date_invalid")));
    }
    if input.consent_purpose.is_empty() {
        errors.push(("consent_purpose".to_owned(), i18n.t("err-required")));
    }
    if !input.email.is_empty() && !input.email.contains('@') {
        errors.push(("email".to_owned(), i18n.t("err-email_invalid")));
    }
    if errors.is_empty() {
        match state
            .store
            .create_participant(&m.scope, ProgramId(id), &input)
            .await
        {
            Ok(p) => {
                let [f, k] = flash_headers(
                    "success",
                    "flash-participant-enrolled",
                    state.config.secure_cookies,
                );
                return Ok(see_other(
                    &format!("/o/{}/programmes/{id}/participants/{}", m.org.id, p.id),
                    [f, k],
                ));
            }
            Err(StoreError::Conflict(code)) => {
                let field = match code {
                    "duplicate_id1" => "id1",
                    "unknown_type" => "participant_type",
                    _ => "consent_purpose",
                };
                errors.push((field.to_owned(), i18n.t(&format!("err-{code}"))));
            }
            Err(e) => return Err(e.into()),
        }
    }
    participants_page(
        &state,
        Member::from_staff(m),
        id,
        String::new(),
        FormErrors { items: errors },
        form,
    )
    .await
}

/// Downloads the organization's participants (CSV or XLSX).
pub async fn export_participants(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let list = state.store.participants(&m.scope, v.program.id, "").await?;
    let p = &m.ctx;
    let lang = p.i18n.lang.code();
    let mut table = Table::new(
        [
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
        .collect(),
    );
    for x in &list {
        table.push(vec![
            x.code.clone(),
            v.type_name(lang, x.participant_type),
            x.id1.clone(),
            x.id2.clone(),
            x.name.clone(),
            x.phone.clone(),
            x.email.clone(),
            x.postal_code.clone(),
            x.consent_on.to_string(),
            x.card.as_ref().map(|(_, n)| n.clone()).unwrap_or_default(),
            if x.active { p.t("yes") } else { p.t("no") },
        ]);
    }
    download(
        p,
        table,
        &f.format,
        &p.t("participants-title"),
        &format!("participants-{id}"),
    )
}

#[derive(Template)]
#[template(path = "participant.html")]
struct ParticipantPage {
    page: Ctx,
    v: ProgramView,
    p: Participant,
    card: Option<Card>,
    balances: Vec<Balance>,
    schedules: Vec<Schedule>,
    forecasts: Vec<(String, Vec<(Date, Cents)>)>,
    missed: Vec<(ScheduleId, Date)>,
    errors: FormErrors,
}

impl ParticipantPage {
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
}

async fn participant_page(
    state: &AppState,
    m: Member,
    id: i64,
    pid: i64,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let p = state
        .store
        .participant(&m.scope, v.program.id, ParticipantId(pid))
        .await?;
    let card = match &p.card {
        Some((cid, _)) => Some(state.store.card(&m.scope, *cid).await?),
        None => None,
    };
    let balances = match &card {
        Some(c) => state.store.card_balances(c.id).await?,
        None => Vec::new(),
    };
    let schedules = state.store.schedules(v.program.id).await?;
    let mut forecasts = Vec::new();
    for s in &schedules {
        if let Ok(f) = state.store.forecast(&m.scope, s.id, p.id).await {
            forecasts.push((
                s.name.clone(),
                f.into_iter()
                    .map(|(d, a)| (d, Cents(a.iter().map(|(_, c)| c.0).sum())))
                    .collect(),
            ));
        }
    }
    let missed = state
        .store
        .missed_loads(&m.scope, v.program.id, p.id)
        .await?;
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
            missed,
            errors,
        },
        lang,
        failed,
    ))
}

/// A participant: card, balances, schedules and what they will receive.
pub async fn participant(
    State(state): State<AppState>,
    m: Member,
    Path((_, id, pid)): Path<(i64, i64, i64)>,
) -> Result<Response, PageError> {
    participant_page(&state, m, id, pid, FormErrors::none()).await
}

/// Actions on a participant: `inscrire` (schedule, catch-up), `carte` (give a card),
/// `perdue` (replace a lost card), `desactiver`, `activer`, `retirer`.
pub async fn participant_action(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, pid, action)): Path<(i64, i64, i64, String)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let program = ProgramId(id);
    let who = ParticipantId(pid);
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let number = get("card");
    let number = if number.is_empty() {
        None
    } else {
        match CardNumber::parse(&number) {
            Ok(n) => Some(n),
            Err(_) => {
                let errors = FormErrors::one("card", "err-card_check_digit", &i18n);
                return participant_page(&state, Member::from_staff(m), id, pid, errors).await;
            }
        }
    };
    let card_of = |p: &Participant| p.card.as_ref().map(|(c, _)| *c).ok_or(StoreError::NotFound);
    let result: Result<&str, StoreError> = async {
        match action.as_str() {
            "inscrire" => {
                let schedule = ScheduleId(get("schedule").parse().unwrap_or(0));
                state
                    .store
                    .enrol_in_schedule(&m.scope, schedule, who, form.contains_key("catch_up"), None)
                    .await?;
                Ok("flash-enrolled")
            }
            "carte" => {
                state
                    .store
                    .assign_card(&m.scope, program, who, number.as_ref())
                    .await?;
                Ok("flash-card-assigned")
            }
            "perdue" => {
                let p = state.store.participant(&m.scope, program, who).await?;
                state
                    .store
                    .replace_lost_card(&m.scope, card_of(&p)?, number.as_ref())
                    .await?;
                Ok("flash-card-replaced")
            }
            "desactiver" | "activer" => {
                let p = state.store.participant(&m.scope, program, who).await?;
                state
                    .store
                    .set_card_enabled(&m.scope, card_of(&p)?, action == "activer")
                    .await?;
                Ok("flash-saved")
            }
            "nip" => {
                let p = state.store.participant(&m.scope, program, who).await?;
                state
                    .store
                    .set_card_pin(&m.scope, card_of(&p)?, &get("pin"))
                    .await?;
                Ok("flash-pin-set")
            }
            "rattraper" => {
                let schedule = ScheduleId(get("schedule").parse().unwrap_or(0));
                let due: Date = get("due")
                    .parse()
                    .map_err(|_| StoreError::Conflict("no_missed_load"))?;
                state
                    .store
                    .reissue_load(&m.scope, schedule, who, due)
                    .await?;
                Ok("flash-load-reissued")
            }
            "retirer" => {
                state
                    .store
                    .remove_participant(&m.scope, program, who)
                    .await?;
                Ok("flash-participant-removed")
            }
            _ => Err(StoreError::NotFound),
        }
    }
    .await;
    match result {
        Ok(key) => {
            let [f, k] = flash_headers("success", key, state.config.secure_cookies);
            Ok(see_other(
                &format!("/o/{}/programmes/{id}/participants/{pid}", m.org.id),
                [f, k],
            ))
        }
        Err(StoreError::Conflict(code)) => {
            let field = match action.as_str() {
                "inscrire" => "schedule",
                "nip" => "pin",
                _ => "card",
            };
            let errors = FormErrors {
                items: vec![(field.to_owned(), i18n.t(&format!("err-{code}")))],
            };
            participant_page(&state, Member::from_staff(m), id, pid, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------- cards ----------

#[derive(Template)]
#[template(path = "cards.html")]
struct CardsPage {
    page: Ctx,
    v: ProgramView,
    cards: Vec<Card>,
    batches: Vec<(CardBatchId, usize)>,
    status: String,
    statuses: Vec<CardStatus>,
    errors: FormErrors,
}

/// The card filter.
#[derive(Debug, Deserialize, Default)]
pub struct CardsQuery {
    #[serde(default)]
    status: String,
}

async fn cards_page(
    state: &AppState,
    m: Member,
    id: i64,
    status: String,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let filter = status.parse::<CardStatus>().ok();
    let all = state
        .store
        .cards(&m.scope, v.program.id, None, None)
        .await?;
    let mut batches: Vec<(CardBatchId, usize)> = Vec::new();
    for c in &all {
        if let Some(b) = c.batch {
            match batches.iter_mut().find(|(x, _)| *x == b) {
                Some((_, n)) => *n += 1,
                None => batches.push((b, 1)),
            }
        }
    }
    let cards = all
        .into_iter()
        .filter(|c| filter.is_none_or(|s| c.status == s))
        .take(500)
        .collect();
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &CardsPage {
            page: m.ctx,
            v,
            cards,
            batches,
            status,
            statuses: CardStatus::ALL.to_vec(),
            errors,
        },
        lang,
        failed,
    ))
}

/// The program's cards and batches.
pub async fn cards(
    State(state): State<AppState>,
    m: Member,
    Path((_, id)): Path<(i64, i64)>,
    Query(q): Query<CardsQuery>,
) -> Result<Response, PageError> {
    cards_page(&state, m, id, q.status, FormErrors::none()).await
}

/// The batch form.
#[derive(Debug, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    size: String,
}

/// Creates a batch of cards (the operator).
pub async fn create_batch(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<BatchForm>,
) -> Result<Response, PageError> {
    let size: u32 = form.size.trim().parse().unwrap_or(0);
    match state
        .store
        .create_card_batch(&m.scope, ProgramId(id), size)
        .await
    {
        Ok(_) => {
            let [f, k] = flash_headers(
                "success",
                "flash-batch-created",
                state.config.secure_cookies,
            );
            Ok(see_other(
                &format!("/o/{}/programmes/{id}/cartes", m.org.id),
                [f, k],
            ))
        }
        Err(StoreError::Conflict(_)) => {
            let errors = FormErrors::one("size", "err-batch_size", &m.ctx.i18n);
            cards_page(&state, Member::from_staff(m), id, String::new(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The printable sheet of a batch (PDF): numbers and QR codes leading to the balance page.
pub async fn batch_pdf(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, batch)): Path<(i64, i64, i64)>,
) -> Result<Response, PageError> {
    let program = state
        .store
        .operated_program(&m.scope, ProgramId(id))
        .await?;
    let cards = state
        .store
        .cards(&m.scope, program.id, None, Some(CardBatchId(batch)))
        .await?;
    if cards.is_empty() {
        return Err(StoreError::NotFound.into());
    }
    let base = state.config.base_url.trim_end_matches('/');
    let prints: Vec<halles_docs::CardPrint> = cards
        .iter()
        .map(|c| halles_docs::CardPrint {
            number: c.number.as_str().to_owned(),
            qr_value: format!("{base}/c/{}", c.token),
        })
        .collect();
    let p = &m.ctx;
    let text = halles_docs::CardSheetText {
        program: if program.public_name.is_empty() {
            program.name.clone()
        } else {
            program.public_name.clone()
        },
        title: p.ta("cards-sheet-title", [("batch", batch.to_string())]),
        balance_hint: p.t("cards-sheet-hint"),
    };
    let bytes =
        halles_docs::card_sheet(&prints, &text).map_err(|e| PageError::internal(p.i18n.lang, e))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("inline; filename=\"cartes-{id}-{batch}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Operator actions on a card: `cadeau` (gift funds), `ajuster` (manual load or correction),
/// `desactiver`, `activer`, `retrouvee` (unlock a lost card).
pub async fn card_action(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, card, action)): Path<(i64, i64, i64, String)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let card = CardId(card);
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let amount = Cents::parse_input(&get("amount"));
    let result = match action.as_str() {
        "cadeau" => match amount {
            Some(a) => {
                state
                    .store
                    .load_gift_card(&m.scope, card, a, &get("reason"))
                    .await
            }
            None => Err(StoreError::Conflict("invalid_amount")),
        },
        "ajuster" => match amount {
            Some(a) => {
                let group = ProductGroupId(get("group").parse().unwrap_or(0));
                state
                    .store
                    .adjust_funds(&m.scope, card, group, a, &get("reason"))
                    .await
            }
            None => Err(StoreError::Conflict("invalid_amount")),
        },
        "desactiver" => state.store.set_card_enabled(&m.scope, card, false).await,
        "activer" => state.store.set_card_enabled(&m.scope, card, true).await,
        "retrouvee" => state.store.unlock_lost_card(&m.scope, card).await,
        _ => Err(StoreError::NotFound),
    };
    match result {
        Ok(()) => {
            let [f, k] = flash_headers("success", "flash-saved", state.config.secure_cookies);
            Ok(see_other(
                &format!("/o/{}/programmes/{id}/cartes", m.org.id),
                [f, k],
            ))
        }
        Err(StoreError::Conflict(code)) | Err(StoreError::CardRefused(code)) => {
            let errors = FormErrors {
                items: vec![("size".into(), i18n.t(&format!("err-{code}")))],
            };
            cards_page(&state, Member::from_staff(m), id, String::new(), errors).await
        }
        Err(StoreError::Insufficient(_)) => {
            let errors = FormErrors::one("size", "err-insufficient_funds", &i18n);
            cards_page(&state, Member::from_staff(m), id, String::new(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------- reports ----------

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    page: Ctx,
    v: ProgramView,
    by: String,
    from: String,
    to: String,
    dimensions: Vec<Dimension>,
    rows: Vec<ReportRow>,
    totals: Totals,
    reach: Option<Reach>,
    envelopes: Vec<halles_store::coupons::EnvelopeRow>,
}

impl ReportPage {
    fn label(&self, r: &ReportRow) -> String {
        let lang = self.page.i18n.lang.code();
        match (self.by.as_str(), r.key) {
            (_, None) => self.page.t("report-none"),
            ("product_group", Some(k)) => self.v.group_name(lang, ProductGroupId(k)),
            ("participant_type", Some(k)) => self.v.type_name(lang, ParticipantTypeId(k)),
            _ => r.label.clone(),
        }
    }
}

/// The report's query: dimension, period, format.
#[derive(Debug, Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    by: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    format: String,
}

/// A download format.
#[derive(Debug, Deserialize, Default)]
pub struct FormatQuery {
    #[serde(default)]
    format: String,
}

fn filter_of(q: &ReportQuery) -> ReportFilter {
    ReportFilter {
        from: q
            .from
            .parse::<Date>()
            .ok()
            .map(halles_core::coupons::start_of),
        until: q
            .to
            .parse::<Date>()
            .ok()
            .and_then(|d| d.tomorrow().ok())
            .map(halles_core::coupons::start_of),
    }
}

/// The program's report: totals by a dimension over a period; `format=csv|xlsx` downloads it.
pub async fn report(
    State(state): State<AppState>,
    m: Member,
    Path((_, id)): Path<(i64, i64)>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let by = Dimension::parse(&q.by).unwrap_or(Dimension::ProductGroup);
    let filter = filter_of(&q);
    let rows = state
        .store
        .report(&m.scope, v.program.id, Some(by), filter)
        .await?;
    let totals = state
        .store
        .report_totals(&m.scope, v.program.id, filter)
        .await?;
    let reach = if v.is_market() {
        None
    } else {
        Some(state.store.reach(&m.scope, v.program.id, filter).await?)
    };
    let envelopes = if v.is_market() {
        Vec::new()
    } else {
        state.store.envelope_report(&m.scope, v.program.id).await?
    };
    let page = ReportPage {
        page: m.ctx,
        v,
        by: by.code().to_owned(),
        from: q.from.clone(),
        to: q.to.clone(),
        dimensions: Dimension::ALL.to_vec(),
        rows,
        totals,
        reach,
        envelopes,
    };
    if q.format == "csv" || q.format == "xlsx" {
        let p = &page.page;
        let mut table = Table::new(
            [
                format!("report-by-{}", page.by).as_str(),
                "report-loaded",
                "report-adjusted",
                "report-spent",
                "report-refunded",
                "report-expired",
                "report-remaining",
                "report-owed",
            ]
            .iter()
            .map(|k| p.t(k))
            .collect(),
        );
        let cents = |c: Cents| c.plain();
        for r in page.rows.iter() {
            let t = &r.totals;
            table.push(vec![
                page.label(r),
                cents(t.loaded),
                cents(t.adjusted),
                cents(t.spent),
                cents(t.refunded),
                cents(t.expired),
                cents(t.remaining()),
                cents(t.net_spent()),
            ]);
        }
        let t = &page.totals;
        table.push(vec![
            p.t("report-total"),
            cents(t.loaded),
            cents(t.adjusted),
            cents(t.spent),
            cents(t.refunded),
            cents(t.expired),
            cents(t.remaining()),
            cents(t.net_spent()),
        ]);
        return download(
            p,
            table,
            &q.format,
            &p.t("report-title"),
            &format!("rapport-{id}-{}", page.by),
        );
    }
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}
