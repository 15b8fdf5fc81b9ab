//! The hub's order cycles: the list, creating, opening, closing and copying one, and a
//! cycle's orders with totals by product and by producer.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::ordering::{CycleStatus, OrderStatus};
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::validation::{FieldError, Validator};
use halles_core::{CycleId, OrgId};
use halles_store::StoreError;
use halles_store::hub::cycles::{Cycle, CycleInput, LocationInput};
use halles_store::hub::orders::{CycleTotals, Order, OrderFilter};
use halles_store::platform::organizations::Organization;
use jiff::Timestamp;
use jiff::civil::DateTime;
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
    delivery_note: String,
    #[serde(default)]
    order_fee: String,
    #[serde(default)]
    producer: Vec<String>,
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

    fn parse(&self) -> Result<CycleInput, Vec<FieldError>> {
        let mut v = Validator::new();
        v.required("name", &self.name);
        v.max_len("name", &self.name, 120);
        let opens = local_time(&self.opens_at);
        if opens.is_none() {
            v.add("opens_at", "datetime_invalid");
        }
        let closes = local_time(&self.closes_at);
        if closes.is_none() {
            v.add("closes_at", "datetime_invalid");
        }
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            v.add("closes_at", "closes_before_opening");
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
        let producers: Vec<OrgId> = self
            .producer
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect();
        if producers.is_empty() {
            v.add("producer", "producer_required");
        }
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
            match (bounded(&fee), bounded(&min)) {
                (Ok(fee), Ok(min)) => locations.push(LocationInput {
                    kind: self.loc(&self.loc_kind, i),
                    name,
                    fee,
                    min_order: min,
                }),
                (Err(e), _) | (_, Err(e)) => v.add("loc_name", e.code_or("price_invalid")),
            }
        }
        v.finish()?;
        Ok(CycleInput {
            name: self.name.trim().into(),
            opens_at: opens.unwrap_or_default(),
            closes_at: closes.unwrap_or_default(),
            delivery_note: self.delivery_note.trim().into(),
            order_fee: fee.unwrap_or_default(),
            producers,
            locations,
        })
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
pub async fn cycles(State(state): State<AppState>, m: Member) -> Result<Response, PageError> {
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
                Ok(see_other(
                    &format!("/o/{}/cycles/{}", any.org.id, id),
                    [f, k],
                ))
            }
            Err(StoreError::Refused(code)) => {
                let errors = FormErrors::one("name", &format!("err-{code}"), &any.ctx.i18n);
                cycles_page(&state, any, form, errors).await
            }
            Err(e) => Err(e.into()),
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
}

/// A cycle: its state, producers, orders and totals.
pub async fn cycle(
    State(state): State<AppState>,
    m: Member,
    Path((_, id)): Path<(i64, i64)>,
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
        product: None,
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
    Ok(render(
        &CyclePage {
            page: m.ctx,
            cycle,
            producers,
            buyers,
            orders,
            totals,
            q,
            next,
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
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, PageError> {
    let back = format!("/o/{}/cycles/{id}", m.org.id);
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
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(&back, [f, k]))
}

/// "Copy last week's cycle": the same cycle one week later, as a draft.
pub async fn copy(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let new = state.store.copy_cycle_next_week(&hs, CycleId(id)).await?;
    let [f, k] = flash_headers("success", "flash-cycle-copied", state.config.secure_cookies);
    Ok(see_other(&format!("/o/{}/cycles/{new}", m.org.id), [f, k]))
}
