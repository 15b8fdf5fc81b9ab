//! The hub's order cycles: the list, creating, editing, opening (with a new cut-off once the
//! old one passed), closing and copying one, and a cycle's orders with totals by product and
//! by producer.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render, render_form};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::accounts::Lang;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::ordering::{CycleStatus, OrderStatus};
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::validation::{FieldError, Validator};
use halles_core::{CycleId, LocationId, OrgId};
use halles_store::StoreError;
use halles_store::hub::cycles::{Cycle, CycleChange, CycleInput, LocationInput};
use halles_store::hub::orders::{CycleTotals, Order, OrderFilter};
use halles_store::platform::organizations::Organization;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::Deserialize;

/// Parses a `datetime-local` value in Montréal time.
pub fn local_time(s: &str) -> Option<Timestamp> {
    let dt: DateTime = s.trim().parse().ok()?;
    let tz = TimeZone::get(crate::i18n::TIME_ZONE).ok()?;
    dt.to_zoned(tz).ok().map(|z| z.timestamp())
}

/// A `datetime-local` value for an instant.
pub fn local_input(t: &Timestamp) -> String {
    let tz = TimeZone::get(crate::i18n::TIME_ZONE).unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// The cycle form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct CycleForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    opens_at: String,
    #[serde(default)]
    closes_at: String,
    #[serde(default)]
    delivery_day: Vec<String>,
    #[serde(default)]
    delivery_note: String,
    #[serde(default)]
    order_fee: String,
    #[serde(default)]
    producer: Vec<String>,
    #[serde(default)]
    loc_id: Vec<String>,
    #[serde(default)]
    loc_kind: Vec<String>,
    #[serde(default)]
    loc_name: Vec<String>,
    #[serde(default)]
    loc_fee: Vec<String>,
    #[serde(default)]
    loc_min: Vec<String>,
}

impl CycleForm {
    fn chosen(&self, id: &OrgId) -> bool {
        self.producer.iter().any(|p| *p == id.to_string())
    }

    fn loc<I: std::borrow::Borrow<usize>>(&self, v: &[String], i: I) -> String {
        v.get(*i.borrow()).cloned().unwrap_or_default()
    }

    /// Whether the form changes a cycle that has locations already.
    fn editing(&self) -> bool {
        self.loc_id.iter().any(|i| !i.is_empty())
    }

    /// The delivery-day boxes to show: those typed, and one more empty (two at least).
    fn day_inputs(&self) -> Vec<String> {
        let mut days: Vec<String> = self
            .delivery_day
            .iter()
            .filter(|d| !d.trim().is_empty())
            .cloned()
            .collect();
        days.push(String::new());
        if days.len() < 2 {
            days.push(String::new());
        }
        days
    }

    /// The cycle's terms as typed, by the rule the store applies (`ordering::check_cycle`);
    /// a location row with no name is left out (on a change: removed).
    fn terms(&self) -> Result<CycleChange, Vec<FieldError>> {
        let mut v = Validator::new();
        halles_core::ordering::check_cycle_name(&mut v, "name", &self.name);
        let opens = local_time(&self.opens_at);
        if opens.is_none() {
            v.add("opens_at", "datetime_invalid");
        }
        let closes = local_time(&self.closes_at);
        if closes.is_none() {
            v.add("closes_at", "datetime_invalid");
        }
        let mut days = Vec::new();
        for d in self.delivery_day.iter().filter(|d| !d.trim().is_empty()) {
            match d.trim().parse::<Date>() {
                Ok(d) => days.push(d),
                Err(_) => v.add("delivery_days", "date_invalid"),
            }
        }
        if let (Some(o), Some(c)) = (opens, closes) {
            halles_core::ordering::check_cycle_times(&mut v, o, c);
            halles_core::ordering::check_delivery_days(&mut v, "delivery_days", c, &days);
        }
        let fee = if self.order_fee.trim().is_empty() {
            Some(Cents::ZERO)
        } else {
            v.cents(
                "order_fee",
                &self.order_fee,
                Limit::Movement,
                "price_invalid",
            )
        };
        let mut locations = Vec::new();
        for i in 0..self.loc_name.len() {
            let name = self.loc(&self.loc_name, i);
            if name.trim().is_empty() {
                continue;
            }
            let fee = self.loc(&self.loc_fee, i);
            let min = self.loc(&self.loc_min, i);
            let bounded = |typed: &str| {
                if typed.trim().is_empty() {
                    Ok(Cents::ZERO)
                } else {
                    Cents::parse_within(typed, Limit::Movement)
                }
            };
            let id = self.loc(&self.loc_id, i).parse().ok().map(LocationId);
            match (bounded(&fee), bounded(&min)) {
                (Ok(fee), Ok(min)) => locations.push((
                    id,
                    LocationInput {
                        kind: self.loc(&self.loc_kind, i),
                        name,
                        fee,
                        min_order: min,
                    },
                )),
                (Err(e), _) | (_, Err(e)) => v.add("locations", e.code_or("price_invalid")),
            }
        }
        v.finish()?;
        Ok(CycleChange {
            name: self.name.trim().into(),
            opens_at: opens.unwrap_or_default(),
            closes_at: closes.unwrap_or_default(),
            delivery_days: days,
            delivery_note: self.delivery_note.trim().into(),
            order_fee: fee.unwrap_or_default(),
            locations,
        })
    }

    /// A new cycle as typed: its terms and at least one producer.
    fn parse(&self) -> Result<CycleInput, Vec<FieldError>> {
        let producers: Vec<OrgId> = self
            .producer
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect();
        let terms = self.terms();
        if producers.is_empty() {
            let mut errors = terms.err().unwrap_or_default();
            errors.push(FieldError::new("producer", "producer_required"));
            return Err(errors);
        }
        Ok(terms?.into_input(producers))
    }

    /// The form filled with a cycle's terms, one empty location row to add one.
    fn of(c: &Cycle, lang: Lang) -> Self {
        let i18n = crate::i18n::I18n::new(lang);
        let mut form = CycleForm {
            name: c.name.clone(),
            opens_at: local_input(&c.opens_at),
            closes_at: local_input(&c.closes_at),
            delivery_day: c.delivery_days.iter().map(|d| d.to_string()).collect(),
            delivery_note: c.delivery_note.clone(),
            order_fee: i18n.money_input(c.order_fee),
            ..Default::default()
        };
        for l in &c.locations {
            form.loc_id.push(l.id.to_string());
            form.loc_kind.push(l.input.kind.clone());
            form.loc_name.push(l.input.name.clone());
            form.loc_fee.push(i18n.money_input(l.input.fee));
            form.loc_min.push(i18n.money_input(l.input.min_order));
        }
        for v in [
            &mut form.loc_id,
            &mut form.loc_name,
            &mut form.loc_fee,
            &mut form.loc_min,
        ] {
            v.push(String::new());
        }
        form.loc_kind.push("pickup".into());
        form
    }
}

#[derive(Template)]
#[template(path = "cycles.html")]
struct CyclesPage {
    page: Ctx,
    cycles: Vec<Cycle>,
    producers: Vec<Organization>,
    form: CycleForm,
    errors: FormErrors,
}

async fn cycles_page(
    state: &AppState,
    m: Member,
    form: CycleForm,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let hs = super::own_hub(state, &m).await?;
    let cycles = state.store.cycles(&hs).await?;
    let producers = state.store.hub_producers(&hs).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let mut res = render(
        &CyclesPage {
            page: m.ctx,
            cycles,
            producers,
            form,
            errors,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The hub's cycles and the form to create one.
pub async fn cycles(
    _: paths::Cycles,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    hub_only(&m)?;
    let now = state.store.now();
    let monday = now + jiff::SignedDuration::from_hours(48);
    let form = CycleForm {
        opens_at: local_input(&now),
        closes_at: local_input(&monday),
        loc_kind: vec!["pickup".into(), "delivery".into()],
        loc_name: vec![String::new(), String::new()],
        loc_fee: vec![String::new(), String::new()],
        loc_min: vec![String::new(), String::new()],
        ..Default::default()
    };
    cycles_page(&state, m, form, FormErrors::none()).await
}

/// Order cycles are a hub's: any other kind of organization is refused (403).
pub(super) fn hub_only<R: crate::ctx::RoleRequirement>(m: &Member<R>) -> Result<(), PageError> {
    if m.org.kind == OrgKind::Hub {
        Ok(())
    } else {
        Err(PageError::new(
            StatusCode::FORBIDDEN,
            m.ctx.i18n.lang,
            "err-wrong-kind",
        ))
    }
}

/// Creates a cycle.
pub async fn create_cycle(
    _: paths::Cycles,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<CycleForm>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let any = Member::<crate::ctx::AnyRole>::from_staff(m);
    match form.parse() {
        Ok(input) => match state.store.create_cycle(&hs, &input).await {
            Ok(id) => {
                let [f, k] = flash_headers(
                    "success",
                    "flash-cycle-created",
                    state.config.secure_cookies,
                );
                Ok(see_other(&paths::Cycle(any.org.id, id).to_string(), [f, k]))
            }
            Err(e) => {
                let errors = FormErrors::from_store(e, "name", &any.ctx.i18n)?;
                cycles_page(&state, any, form, errors).await
            }
        },
        Err(errs) => {
            let errors = FormErrors::from_fields(&errs, &any.ctx.i18n);
            cycles_page(&state, any, form, errors).await
        }
    }
}

/// Filters of a cycle's orders.
#[derive(Debug, Default, Deserialize)]
pub struct OrdersQuery {
    #[serde(default)]
    buyer: String,
    #[serde(default)]
    producer: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    product: String,
}

#[derive(Template)]
#[template(path = "cycle.html")]
struct CyclePage {
    page: Ctx,
    cycle: Cycle,
    producers: Vec<Organization>,
    buyers: Vec<(Organization, BuyerType)>,
    orders: Vec<Order>,
    totals: CycleTotals,
    q: OrdersQuery,
    next: Vec<&'static str>,
    /// Whether opening needs a new cut-off.
    cut_off_passed: bool,
    lists: [super::exports::CycleList; 5],
}

/// A cycle: its state, producers, orders and totals.
pub async fn cycle(
    paths::Cycle(_, CycleId(id)): paths::Cycle,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<OrdersQuery>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, CycleId(id)).await?;
    let all = state.store.hub_producers(&hs).await?;
    let producers = all
        .into_iter()
        .filter(|p| cycle.producers.contains(&p.id))
        .collect();
    let buyers = state.store.hub_buyers(&hs).await?;
    let filter = OrderFilter {
        buyer: q.buyer.parse().ok().map(OrgId),
        producer: q.producer.parse().ok().map(OrgId),
        product: q.product.parse().ok().map(halles_core::ProductId),
        status: q.status.parse::<OrderStatus>().ok(),
    };
    let orders = state.store.cycle_orders(&hs, cycle.id, &filter).await?;
    let totals = state.store.cycle_totals(&hs, cycle.id).await?;
    let next = CycleStatus::ALL
        .iter()
        .filter(|s| cycle.status.can_become(**s))
        .map(|s| s.code())
        .collect();
    let lang = m.ctx.i18n.lang;
    let cut_off_passed = cycle.closes_at <= state.store.now();
    Ok(render(
        &CyclePage {
            cut_off_passed,
            page: m.ctx,
            cycle,
            producers,
            buyers,
            orders,
            totals,
            q,
            next,
            lists: super::exports::CycleList::ALL,
        },
        lang,
    ))
}

/// A status change.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

/// Opens, closes or completes a cycle by hand.
pub async fn set_status(
    paths::CycleStatus(_, CycleId(id)): paths::CycleStatus,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, PageError> {
    let back = paths::Cycle(m.org.id, CycleId(id)).to_string();
    let secure = state.config.secure_cookies;
    let Ok(to) = form.status.parse::<CycleStatus>() else {
        let [f, k] = flash_headers("error", "err-status_change_not_allowed", secure);
        return Ok(see_other(&back, [f, k]));
    };
    let hs = super::own_hub(&state, &m).await?;
    let [f, k] = match state.store.set_cycle_status(&hs, CycleId(id), to).await {
        Ok(()) => {
            if to == CycleStatus::Open {
                // Opening by hand turns the standing orders into orders, as opening on time does;
                // the store records each run's event, and the worker e-mails the reports.
                state.store.run_standing_orders(&hs, CycleId(id)).await?;
            }
            flash_headers("success", "flash-cycle-status", secure)
        }
        Err(StoreError::Refused(_)) => {
            flash_headers("error", "err-status_change_not_allowed", secure)
        }
        // The cut-off has passed: the form that asks for a new one.
        Err(StoreError::Invalid(_)) if to == CycleStatus::Open => {
            return Ok(see_other(
                &paths::CycleOpen(m.org.id, CycleId(id)).to_string(),
                [],
            ));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(&back, [f, k]))
}

/// "Copy last week's cycle": the same cycle one week later, as a draft.
pub async fn copy(
    paths::CycleCopy(_, CycleId(id)): paths::CycleCopy,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let new = state.store.copy_cycle_next_week(&hs, CycleId(id)).await?;
    let [f, k] = flash_headers("success", "flash-cycle-copied", state.config.secure_cookies);
    Ok(see_other(&paths::Cycle(m.org.id, new).to_string(), [f, k]))
}

#[derive(Template)]
#[template(path = "cycle_edit.html")]
struct CycleEditPage {
    page: Ctx,
    cycle: Cycle,
    form: CycleForm,
    errors: FormErrors,
}

fn edit_page(m: Member, cycle: Cycle, form: CycleForm, errors: FormErrors) -> Response {
    let (lang, failed) = (m.ctx.i18n.lang, !errors.is_empty());
    let page = CycleEditPage {
        page: m.ctx,
        cycle,
        form,
        errors,
    };
    render_form(&page, lang, failed)
}

/// The form changing a cycle's terms ("Modifier" on the cycle page).
pub async fn edit_form(
    paths::CycleEdit(_, id): paths::CycleEdit,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, id).await?;
    let form = CycleForm::of(&cycle, m.ctx.i18n.lang);
    let any = Member::<crate::ctx::AnyRole>::from_staff(m);
    Ok(edit_page(any, cycle, form, FormErrors::none()))
}

/// Changes a cycle's terms; refused ones come back with the form as typed.
pub async fn update(
    paths::CycleEdit(_, id): paths::CycleEdit,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<CycleForm>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, id).await?;
    let any = Member::<crate::ctx::AnyRole>::from_staff(m);
    let refused = match form.terms() {
        Ok(change) => match state.store.update_cycle(&hs, id, &change).await {
            Ok(()) => {
                let [f, k] = flash_headers(
                    "success",
                    "flash-cycle-changed",
                    state.config.secure_cookies,
                );
                return Ok(see_other(&paths::Cycle(any.org.id, id).to_string(), [f, k]));
            }
            Err(e) => FormErrors::from_store(e, "name", &any.ctx.i18n)?,
        },
        Err(errs) => FormErrors::from_fields(&errs, &any.ctx.i18n),
    };
    Ok(edit_page(any, cycle, form, refused))
}

/// The new cut-off asked for when opening a cycle whose cut-off has passed.
#[derive(Debug, Default, Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    closes_at: String,
}

#[derive(Template)]
#[template(path = "cycle_open.html")]
struct CycleOpenPage {
    page: Ctx,
    cycle: Cycle,
    form: OpenForm,
    errors: FormErrors,
}

fn open_page(m: Member, cycle: Cycle, form: OpenForm, errors: FormErrors) -> Response {
    let (lang, failed) = (m.ctx.i18n.lang, !errors.is_empty());
    let page = CycleOpenPage {
        page: m.ctx,
        cycle,
        form,
        errors,
    };
    render_form(&page, lang, failed)
}

/// Opening a cycle with a new cut-off: asked when the cycle's own has passed.
pub async fn open_form(
    paths::CycleOpen(_, id): paths::CycleOpen,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, id).await?;
    let form = OpenForm {
        closes_at: local_input(&(state.store.now() + jiff::SignedDuration::from_hours(24))),
    };
    let any = Member::<crate::ctx::AnyRole>::from_staff(m);
    Ok(open_page(any, cycle, form, FormErrors::none()))
}

/// Opens a cycle until the new cut-off typed, placing its standing orders.
pub async fn open(
    paths::CycleOpen(_, id): paths::CycleOpen,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<OpenForm>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, id).await?;
    let any = Member::<crate::ctx::AnyRole>::from_staff(m);
    let errors = match local_time(&form.closes_at) {
        None => FormErrors::one("closes_at", "err-datetime_invalid", &any.ctx.i18n),
        Some(t) => match state.store.open_cycle(&hs, id, Some(t)).await {
            Ok(()) => {
                state.store.run_standing_orders(&hs, id).await?;
                let [f, k] =
                    flash_headers("success", "flash-cycle-status", state.config.secure_cookies);
                return Ok(see_other(&paths::Cycle(any.org.id, id).to_string(), [f, k]));
            }
            Err(e) => FormErrors::from_store(e, "closes_at", &any.ctx.i18n)?,
        },
    };
    Ok(open_page(any, cycle, form, errors))
}
