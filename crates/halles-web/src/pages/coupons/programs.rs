//! Food-coupon programs in the web UI: the list, creating one, the program page (groups,
//! types, schedules, members, envelopes, totals) and archiving. What the program page's forms
//! change lives in the sibling modules named after it.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::{FormErrors, Typed};
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::OrgId;
use halles_core::coupons::{Expiry, ProgramRole, ReportPeriod};
use halles_core::organizations::OrgKind;
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_core::{ParticipantTypeId, ProductGroupId, ProgramId, ScheduleId};
use halles_store::StoreError;
use halles_store::coupons::{
    Access, Envelope, MarketGroup, ParticipantType, ProductGroup, Program, ProgramInput,
    ProgramMember, ProgramScope, Reach, ReportFilter, Schedule, Totals,
};
use jiff::civil::Date;
use serde::Deserialize;

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
    id: ProgramId,
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
    id: ProgramId,
) -> Result<ProgramScope, PageError> {
    Ok(state.store.program_access(&m.scope, id).await?)
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
pub async fn list(
    _: paths::Programs,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    if let Some(program) = m.program {
        return Ok(see_other(
            &paths::Program(m.org.id, program).to_string(),
            [],
        ));
    }
    programs_page(&state, m, FormErrors::none(), ProgramForm::default()).await
}

/// Creates a program (an operator's staff).
pub async fn create(
    _: paths::Programs,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ProgramForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    if m.org.kind != OrgKind::ProgramOperator {
        return Err(forbidden(&m.ctx));
    }
    // The page reads the dates; the store refuses a missing name or an end before the start
    // (`StoreError::Invalid`, naming the field).
    let mut v = Validator::new();
    if form.name.trim().is_empty() {
        v.add("name", "required");
    }
    let starts: Option<Date> = form.starts_on.trim().parse().ok();
    let ends: Option<Date> = form.ends_on.trim().parse().ok();
    if starts.is_none() {
        v.refuse("starts_on", Refusal::DateInvalid);
    }
    if ends.is_none() {
        v.refuse("ends_on", Refusal::DateInvalid);
    }
    let errors = match (v.finish(), starts, ends) {
        (Ok(()), Some(starts_on), Some(ends_on)) => {
            let input = ProgramInput {
                name: form.name.clone(),
                public_name: String::new(),
                starts_on,
                ends_on,
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
                    return Ok(see_other(&paths::Program(m.org.id, id).to_string(), [f, k]));
                }
                Err(e) => FormErrors::from_store(e, "name", &i18n)?,
            }
        }
        (Err(fields), _, _) => FormErrors::from_fields(&fields, &i18n),
        _ => FormErrors::none(),
    };
    programs_page(&state, Member::from_staff(m), errors, form).await
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
    /// The program's reserve (the operator and funders).
    reserve: Option<halles_store::coupons::Reserve>,
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
    /// What was typed in the form that came back.
    typed: Typed,
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
        self.typed.get(k).unwrap_or(current).to_owned()
    }
    /// Whether a settings checkbox is ticked: as sent when the form came back, else as stored.
    fn setting_checked(&self, k: &str, current: &bool) -> bool {
        if self.typed.has("set_name") {
            self.typed.has(k)
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
        self.typed.get(k).unwrap_or_default().to_owned()
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
    /// The name field of a market group's rename form.
    fn mg_field(&self, g: &MarketGroup) -> String {
        format!("market_group_{}", g.id)
    }
}

pub(super) async fn program_page(
    state: &AppState,
    m: Member,
    id: ProgramId,
    errors: FormErrors,
    typed: Typed,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let schedules = state.store.schedules(&v.scope).await?;
    let members = state.store.program_members(v.program.id).await?;
    let envelopes = match v.access {
        Access::Operator | Access::Member(ProgramRole::Funder) => {
            state.store.envelopes(&v.scope, None).await?
        }
        Access::Member(ProgramRole::Partner) => {
            state.store.envelopes(&v.scope, Some(m.org.id)).await?
        }
        Access::Member(ProgramRole::Market) => Vec::new(),
    };
    let reserve = match v.access {
        Access::Operator | Access::Member(ProgramRole::Funder) => {
            Some(state.store.reserve(&v.scope).await?)
        }
        Access::Member(_) => None,
    };
    let totals = state
        .store
        .report_totals(&v.scope, ReportFilter::default())
        .await?;
    let reach = if v.is_market() {
        None
    } else {
        Some(state.store.reach(&v.scope, ReportFilter::default()).await?)
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
            reserve,
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
    paths::Program(_, id): paths::Program,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    program_page(&state, m, id, FormErrors::none(), Typed::none()).await
}

pub(super) fn back(
    m: &Member<StaffRole>,
    id: ProgramId,
    flash: &str,
    state: &AppState,
) -> Response {
    let [f, k] = flash_headers("success", flash, state.config.secure_cookies);
    see_other(&paths::Program(m.org.id, id).to_string(), [f, k])
}

/// An archive (`archived` = 1) or a restore (anything else).
#[derive(Debug, Deserialize)]
pub struct ArchiveForm {
    #[serde(default)]
    archived: String,
}

/// Archives or restores the program.
pub async fn archive(
    paths::ProgramArchive(_, id): paths::ProgramArchive,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ArchiveForm>,
) -> Result<Response, PageError> {
    set_archived(&state, &m, id, None, form.archived == "1").await
}

/// Archives or restores one of the program's schedules.
pub async fn archive_schedule(
    paths::ScheduleArchive(_, id, schedule): paths::ScheduleArchive,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ArchiveForm>,
) -> Result<Response, PageError> {
    set_archived(&state, &m, id, Some(schedule), form.archived == "1").await
}

/// Archives or restores the program, or the schedule when one is named.
async fn set_archived(
    state: &AppState,
    m: &Member<StaffRole>,
    id: ProgramId,
    schedule: Option<ScheduleId>,
    archived: bool,
) -> Result<Response, PageError> {
    let program = program_scope(state, m, id).await?;
    match schedule {
        Some(schedule) => {
            state
                .store
                .set_schedule_archived(&program, schedule, archived)
                .await?
        }
        None => state.store.set_program_archived(&program, archived).await?,
    }
    Ok(back(m, id, "flash-saved", state))
}

/// After an operator's change on the program page: back to it with "saved" or, for a refusal,
/// the page again with what was typed kept and the message beside the field the store names
/// ([`StoreError::Invalid`]) or, for a refusal of the domain, the field `field(code)` names
/// (`name_required` reads as the usual "required").
pub(super) async fn saved_or_refused(
    state: &AppState,
    m: Member<StaffRole>,
    id: ProgramId,
    result: Result<(), StoreError>,
    typed: Typed,
    field: impl Fn(&str) -> String,
) -> Result<Response, PageError> {
    let errors = match result {
        Ok(()) => return Ok(back(&m, id, "flash-saved", state)),
        Err(StoreError::Refused(code)) => {
            let key = if code == Refusal::NameRequired {
                "err-required".to_owned()
            } else {
                format!("err-{code}")
            };
            FormErrors::one(&field(code.code()), &key, &m.ctx.i18n)
        }
        Err(e) => FormErrors::from_store(e, "", &m.ctx.i18n)?,
    };
    program_page(state, Member::from_staff(m), id, errors, typed).await
}
