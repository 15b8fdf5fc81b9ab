//! Food-coupon programs in the web UI: the program page (groups, types, schedules, members,
//! envelopes, totals), participants and their cards, card batches with their printable sheet,
//! and reports with CSV and XLSX downloads.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::FormErrors;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::OrgId;
use halles_core::coupons::{Expiry, LoadMoment, ProgramRole, ReportPeriod};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::{ParticipantTypeId, ProductGroupId, ProgramId, ScheduleId};
use halles_store::StoreError;
use halles_store::coupons::{
    Access, Envelope, MarketGroup, ParticipantType, ProductGroup, Program, ProgramInput,
    ProgramMember, ProgramScope, ProgramSettings, Reach, ReportFilter, Schedule, ScheduleInput,
    Totals,
};
use jiff::civil::Date;
use serde::Deserialize;
use std::collections::HashMap;

/// What every program page knows.
pub(crate) struct ProgramView {
    /// The program.
    pub program: Program,
    /// How the viewer's organization takes part.
    pub access: Access,
    /// Product groups.
    pub groups: Vec<ProductGroup>,
    /// Participant types.
    pub types: Vec<ParticipantType>,
    /// The program as a scope for the store's program functions.
    pub scope: ProgramScope,
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
    /// A product group's name in `lang`.
    pub fn group_name(&self, lang: &str, id: ProductGroupId) -> String {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.name(lang).to_owned())
            .unwrap_or_default()
    }
    /// A participant type's name in `lang`.
    pub fn type_name(&self, lang: &str, id: ParticipantTypeId) -> String {
        self.types
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name(lang).to_owned())
            .unwrap_or_default()
    }
}

/// A schedule's name among a program's schedules.
pub(crate) fn schedule_name(schedules: &[Schedule], id: ScheduleId) -> String {
    schedules
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

pub(crate) async fn view(
    state: &AppState,
    m: &Member<impl crate::ctx::RoleRequirement>,
    id: i64,
) -> Result<ProgramView, PageError> {
    let scope = program_scope(state, m, id).await?;
    let groups = state.store.product_groups(scope.id()).await?;
    let types = state.store.participant_types(scope.id()).await?;
    Ok(ProgramView {
        program: scope.program().clone(),
        access: scope.access(),
        groups,
        types,
        scope,
    })
}

/// The program in the path as the viewer's organization reaches it: what the store's program
/// functions take, so every id a form names is checked against this program.
pub(crate) async fn program_scope(
    state: &AppState,
    m: &Member<impl crate::ctx::RoleRequirement>,
    id: i64,
) -> Result<ProgramScope, PageError> {
    Ok(state.store.program_access(&m.scope, ProgramId(id)).await?)
}

pub(crate) fn forbidden(m: &Ctx) -> PageError {
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
    #[serde(default)]
    off_platform: Option<String>,
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
    if let Some(program) = m.program {
        return Ok(see_other(
            &format!("/o/{}/programmes/{program}", m.org.id),
            [],
        ));
    }
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
            off_platform: form.off_platform.is_some(),
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
            Err(StoreError::Refused(Refusal::EndsBeforeStart)) => {
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
    /// Which markets each partner sends its participants to (none: every market).
    partner_markets: Vec<(OrgId, OrgId)>,
    /// Whether the program has card artwork.
    has_artwork: bool,
    /// People who manage this program only, and pending invitations to do so (the operator).
    managers: Vec<halles_store::platform::organizations::Member>,
    manager_invitations: Vec<halles_store::platform::organizations::Invitation>,
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
    /// Whether a settings checkbox is ticked: as sent when the form came back, else as stored.
    fn setting_checked(&self, k: &str, current: &bool) -> bool {
        if self.typed.contains_key("set_name") {
            self.typed.contains_key(k)
        } else {
            *current
        }
    }
    /// The reconciliation period selected in the settings form.
    fn period_selected(&self, code: &str) -> bool {
        self.typed
            .get("set_report_period")
            .map_or(self.v.program.report_period.code() == code, |x| x == code)
    }
    /// Whether a partner sends its participants to a market (by an explicit link).
    fn links(&self, partner: &OrgId, market: &OrgId) -> bool {
        self.partner_markets.contains(&(*partner, *market))
    }
    /// The names of the markets a partner sends its participants to (empty: every market).
    fn linked_names(&self, partner: &OrgId) -> String {
        self.markets()
            .into_iter()
            .filter(|x| self.links(partner, &x.org))
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
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
            Expiry::AfterFirstUse { days } => self
                .page
                .ta("expiry-after-use", [("days", days.to_string())]),
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
    let partner_markets = if v.is_operator() {
        state.store.partner_markets(v.program.id).await?
    } else {
        Vec::new()
    };
    let has_artwork = v.is_operator() && state.store.card_artwork(v.program.id).await?.is_some();
    let (managers, manager_invitations) = if v.is_operator() {
        (
            state.store.program_managers(&v.scope).await?,
            state.store.program_invitations(&v.scope).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
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
            partner_markets,
            has_artwork,
            managers,
            manager_invitations,
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
        kind @ ("days" | "use") => match get("expires_days").parse::<u16>() {
            Ok(days) if days > 0 && kind == "days" => Some(Expiry::AfterDays { days }),
            Ok(days) if days > 0 => Some(Expiry::AfterFirstUse { days }),
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
            match Cents::parse_within(&s, Limit::Movement) {
                Ok(c) => amounts.push((t.id, g.id, c)),
                Err(e) => err(&key, e.message_key("err-price_invalid")),
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
        match state.store.create_schedule(&v.scope, &input).await {
            Ok(_) => return Ok(back(&m, id, "flash-schedule-created", &state)),
            Err(StoreError::Refused(Refusal::EndsBeforeStart)) => {
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
    let program = program_scope(&state, &m, id).await?;
    match params.get("sid").and_then(|x| x.parse().ok()) {
        Some(sid) => {
            state
                .store
                .set_schedule_archived(&program, ScheduleId(sid), archived)
                .await?;
        }
        None => state.store.set_program_archived(&program, archived).await?,
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
    let program = program_scope(&state, &m, id).await?;
    let result = state
        .store
        .add_product_group(&program, &get("group_fr"), &get("group_en"), "#2e7d32")
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
        Err(StoreError::Refused(code)) => {
            let key = if code == Refusal::NameRequired {
                "err-required".to_owned()
            } else {
                format!("err-{code}")
            };
            let errors = FormErrors {
                items: vec![(field(code.code()), m.ctx.i18n.t(&key))],
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
    let (program, g) = (program_scope(&state, &m, id).await?, ProductGroupId(group));
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
                .rename_product_group(&program, g, &get(field("fr")), &get(field("en")))
                .await
        }
        "monter" => store.move_product_group(&program, g, true).await,
        "descendre" => store.move_product_group(&program, g, false).await,
        "supprimer" => store.delete_product_group(&program, g).await,
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
    let program = program_scope(&state, &m, id).await?;
    let result = match ptype {
        Some(t) => {
            state
                .store
                .update_participant_type(&program, t, &get("fr"), &get("en"), &get("key"))
                .await
        }
        None => state
            .store
            .add_participant_type(&program, &get("fr"), &get("en"), &get("key"))
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

/// Changes the program's settings (the operator): names, public address, dates,
/// reconciliation period, who gives cards, PIN. A refusal comes back with what was typed.
pub async fn settings(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let dates = (
        get("set_starts_on").parse::<Date>(),
        get("set_ends_on").parse::<Date>(),
    );
    let result = match dates {
        (Err(_), _) => Err(("set_starts_on", StoreError::Refused(Refusal::DateInvalid))),
        (_, Err(_)) => Err(("set_ends_on", StoreError::Refused(Refusal::DateInvalid))),
        (Ok(starts_on), Ok(ends_on)) => {
            let input = ProgramSettings {
                name: get("set_name"),
                public_name: get("set_public_name"),
                public_address: get("set_public_address"),
                starts_on,
                ends_on,
                report_period: get("set_report_period")
                    .parse()
                    .unwrap_or(ReportPeriod::Month),
                partners_assign_cards: form.contains_key("set_partners_assign_cards"),
                pin_required: form.contains_key("set_pin_required"),
            };
            let program = program_scope(&state, &m, id).await?;
            state
                .store
                .update_program(&program, &input)
                .await
                .map_err(|e| ("", e))
        }
    };
    let (field, result) = match result {
        Ok(()) => ("", Ok(())),
        Err((field, e)) => (field, Err(e)),
    };
    saved_or_refused(&state, m, id, result, form, |code| {
        match (field, code) {
            ("", "ends_before_start") => "set_ends_on",
            ("", _) => "set_name",
            (f, _) => f,
        }
        .to_owned()
    })
    .await
}

/// Receives the program's card artwork (multipart: `csrf`, `artwork`), or removes it
/// (`remove` = 1), for the operator; printed on every card of the sheets from then on.
pub async fn card_artwork(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    headers: axum::http::HeaderMap,
    token: Option<axum::Extension<crate::security::CsrfToken>>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let upload = crate::pages::picture_upload(
        &headers,
        token.as_ref().map(|t| &t.0),
        multipart,
        "artwork",
        m.ctx.i18n.lang,
    )
    .await?;
    let program = program_scope(&state, &m, id).await?;
    let secure = state.config.secure_cookies;
    let [f, k] = match (upload.fields.contains_key("remove"), upload.picture) {
        (true, _) => {
            state.store.set_card_artwork(&program, None).await?;
            flash_headers("success", "flash-saved", secure)
        }
        (false, None) => flash_headers("error", "err-photo_missing", secure),
        (false, Some(Ok(jpeg))) => {
            state.store.set_card_artwork(&program, Some(&jpeg)).await?;
            flash_headers("success", "flash-artwork-saved", secure)
        }
        (false, Some(Err(()))) => flash_headers("error", "err-photo_unreadable", secure),
    };
    Ok(see_other(
        &format!("/o/{}/programmes/{id}", m.org.id),
        [f, k],
    ))
}

/// Takes an organization out of the program (the operator); a partner still holding people
/// or money is refused beside the list.
pub async fn remove_member(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, member)): Path<(i64, i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let result = state
        .store
        .remove_program_member(&program, OrgId(member))
        .await;
    saved_or_refused(&state, m, id, result, form, |_| "member".to_owned()).await
}

/// Sets the markets where a partner's participants may spend (the operator): the ticked
/// `market` boxes, or none for every market.
pub async fn set_partner_markets(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, partner)): Path<(i64, i64, i64)>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let markets: Vec<OrgId> = form
        .iter()
        .filter(|(k, _)| k == "market")
        .filter_map(|(_, v)| v.parse().ok().map(OrgId))
        .collect();
    let program = program_scope(&state, &m, id).await?;
    state
        .store
        .set_partner_markets(&program, OrgId(partner), &markets)
        .await?;
    Ok(back(&m, id, "flash-saved", &state))
}

/// Deletes a participant type nothing uses (the operator); a refusal comes back beside its form.
pub async fn delete_type(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, ptype)): Path<(i64, i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let result = state
        .store
        .delete_participant_type(&program, ParticipantTypeId(ptype))
        .await;
    saved_or_refused(&state, m, id, result, form, |_| format!("type_{ptype}_fr")).await
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
    let program = program_scope(&state, &m, id).await?;
    let result = state
        .store
        .create_market_group(&program, name, manager)
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
    let program = program_scope(&state, &m, id).await?;
    state
        .store
        .set_market_group(&program, market, group)
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
    let program = program_scope(&state, &m, id).await?;
    state.store.add_program_member(&program, org, role).await?;
    Ok(back(&m, id, "flash-member-added", &state))
}

/// Deletes an envelope nothing has used (the operator); one in use stays, with a message.
pub async fn delete_envelope(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, envelope)): Path<(i64, i64, i64)>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    match state
        .store
        .delete_envelope(&program, halles_core::EnvelopeId(envelope))
        .await
    {
        Ok(()) => Ok(back(&m, id, "flash-envelope-deleted", &state)),
        Err(StoreError::Refused(code)) => {
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
    let program = program_scope(&state, &m, id).await?;
    let get = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let schedule = ScheduleId(get("schedule").parse().unwrap_or(0));
    let partner = OrgId(get("partner").parse().unwrap_or(0));
    let from = get("from");
    let result = match Cents::parse_within(&get("budget"), Limit::Budget) {
        Err(e) => Err(("budget", e.message_key("err-price_invalid"))),
        Ok(amount) if !from.is_empty() => {
            let from = OrgId(from.parse().unwrap_or(0));
            match state
                .store
                .move_envelope(&program, schedule, from, partner, amount)
                .await
            {
                Ok(()) => Ok(()),
                Err(StoreError::Refused(Refusal::OverBudget)) => Err(("budget", "err-over_budget")),
                Err(StoreError::Refused(Refusal::BudgetTooLarge)) => {
                    Err(("budget", "err-budget_too_large"))
                }
                Err(StoreError::Refused(_)) => Err(("budget", "err-no_envelope")),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(amount) => match state
            .store
            .set_envelope(&program, schedule, partner, amount)
            .await
        {
            Ok(_) => Ok(()),
            Err(StoreError::Refused(Refusal::BelowCommitted)) => {
                Err(("budget", "err-below_committed"))
            }
            Err(StoreError::Refused(_)) => Err(("partner", "err-not_a_partner")),
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

/// Invites someone by e-mail to manage this program only (the operator's staff, program
/// managers included): their membership will reach this program's pages and nothing else.
pub async fn invite_manager(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let email = form.get("manager_email").map(|s| s.trim()).unwrap_or("");
    let mut v = halles_core::validation::Validator::new();
    v.email("manager_email", email);
    if let Err(errors) = v.finish() {
        let errors = FormErrors::from_fields(&errors, &m.ctx.i18n);
        return program_page(&state, Member::from_staff(m), id, errors, form).await;
    }
    let program = program_scope(&state, &m, id).await?;
    match state.store.invite_program_manager(&program, email).await {
        Ok((inv, secret)) => {
            crate::mail::invitation(&state, &m.org, &inv, &m.user.name, &secret).await?;
            Ok(back(&m, id, "flash-invitation-sent", &state))
        }
        Err(StoreError::Refused(code)) => {
            let errors = FormErrors {
                items: vec![("manager_email".into(), m.ctx.i18n.t(&format!("err-{code}")))],
            };
            program_page(&state, Member::from_staff(m), id, errors, form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Takes a manager off this program (their membership, limited to it, ends).
pub async fn remove_manager(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id, member)): Path<(i64, i64, i64)>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    state
        .store
        .remove_program_manager(&program, halles_core::MembershipId(member))
        .await?;
    Ok(back(&m, id, "flash-saved", &state))
}
