//! The weekly availability grid ("arrivage"): a producer, or the hub on its behalf, enters the
//! quantity (or "on demand") and price of each product for a cycle; "copy last week" and
//! "nothing this week" at the top. Also when the hub reminds producers that posted nothing.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::ordering::CycleStatus;
use halles_core::quantity::Qty;
use halles_core::validation::Validator;
use halles_core::{CycleId, OrgId, ProductId};
use halles_store::StoreError;
use halles_store::hub::HubScope;
use halles_store::hub::availability::{GridEntry, GridRow, Offer, Stock};
use halles_store::hub::cycles::Cycle;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "availability_list.html")]
struct CyclesPage {
    page: Ctx,
    cycles: Vec<Cycle>,
}

/// The cycles a producer takes part in.
pub async fn cycles(
    _: paths::Availability,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let cycles = state.store.cycles_of_producer(&m.scope).await?;
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &CyclesPage {
            page: m.ctx,
            cycles,
        },
        lang,
    ))
}

/// One row of the grid as shown (values as typed).
pub struct Row {
    id: ProductId,
    name: String,
    unit: String,
    qty: String,
    price: String,
    on_demand: bool,
    reserved: Qty,
    /// A catch-weight product: the price is per kilogram.
    per_kg: bool,
}

#[derive(Template)]
#[template(path = "availability_grid.html")]
struct GridPage {
    page: Ctx,
    cycle: Cycle,
    producer_name: String,
    rows: Vec<Row>,
    errors: FormErrors,
    action: String,
    editable: bool,
    copied: bool,
}

impl GridPage {
    fn bad(&self, what: &str, id: &ProductId) -> bool {
        self.errors.has(&format!("{what}_{id}"))
    }
    fn message(&self, what: &str, id: &ProductId) -> String {
        self.errors
            .get(&format!("{what}_{id}"))
            .unwrap_or_default()
            .to_owned()
    }
}

/// What a row shows of an offer.
fn show_offer(page: &Ctx, r: &mut Row, offer: &Offer) {
    r.on_demand = offer.stock == Stock::OnDemand;
    r.qty = match offer.stock {
        Stock::Limited(q) => page.i18n.qty(q),
        Stock::OnDemand => String::new(),
    };
    r.price = page.i18n.money_input(offer.price);
}

fn rows_from(page: &Ctx, grid: &[GridRow]) -> Vec<Row> {
    grid.iter()
        .map(|g| Row {
            id: g.product.id,
            name: g.product.name(page.i18n.lang).to_owned(),
            unit: page.label("unit", g.product.input.unit.code()),
            qty: g.quantity.map(|q| page.i18n.qty(q)).unwrap_or_default(),
            price: g
                .price
                .map(|p| page.i18n.money_input(p))
                .unwrap_or_default(),
            on_demand: g.on_demand,
            reserved: g.reserved,
            per_kg: g.product.input.catch_weight,
        })
        .collect()
}

/// Who is entering the grid: the producer itself, or the hub for one of its producers.
struct Target {
    hs: HubScope,
    cycle: CycleId,
    producer: OrgId,
    action: String,
}

async fn target_for(
    state: &AppState,
    m: &Member<StaffRole>,
    hub: i64,
    cycle: i64,
    producer: Option<i64>,
) -> Result<Target, PageError> {
    let (hs, producer) = match producer {
        // The hub enters for a producer of the cycle.
        Some(p) => (super::own_hub(state, m).await?, OrgId(p)),
        // A producer enters its own, for a hub that works with it.
        None => (state.store.hub_scope(&m.scope, OrgId(hub)).await?, m.org.id),
    };
    let hub = hs.hub();
    let c = state.store.cycle(&hs, CycleId(cycle)).await?;
    if !c.producers.contains(&producer) || (hub != m.org.id && producer != m.org.id) {
        return Err(StoreError::NotFound.into());
    }
    let action = if producer == m.org.id {
        paths::ProducerGrid(m.org.id, hub, CycleId(cycle)).to_string()
    } else {
        paths::HubGrid(m.org.id, CycleId(cycle), producer).to_string()
    };
    Ok(Target {
        hs,
        cycle: CycleId(cycle),
        producer,
        action,
    })
}

async fn show(
    state: &AppState,
    m: Member<StaffRole>,
    t: Target,
    rows: Option<Vec<Row>>,
    errors: FormErrors,
    copied: bool,
) -> Result<Response, PageError> {
    let cycle = state.store.cycle(&t.hs, t.cycle).await?;
    let producer_name = state.store.organization_by_id(t.producer).await?.name;
    let rows = match rows {
        Some(r) => r,
        None => rows_from(
            &m.ctx,
            &state
                .store
                .availability_grid(&t.hs, t.cycle, t.producer)
                .await?,
        ),
    };
    let editable = matches!(cycle.status, CycleStatus::Draft | CycleStatus::Open);
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let mut res = render(
        &GridPage {
            page: m.ctx,
            cycle,
            producer_name,
            rows,
            errors,
            action: t.action,
            editable,
            copied,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The producer's grid.
pub async fn producer_grid(
    paths::ProducerGrid(_, OrgId(hub), CycleId(cycle)): paths::ProducerGrid,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let t = target_for(&state, &m, hub, cycle, None).await?;
    show(&state, m, t, None, FormErrors::none(), false).await
}

/// The grid the hub fills for a producer.
pub async fn hub_grid(
    paths::HubGrid(_, CycleId(cycle), OrgId(producer)): paths::HubGrid,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let t = target_for(&state, &m, 0, cycle, Some(producer)).await?;
    show(&state, m, t, None, FormErrors::none(), false).await
}

/// What the grid's buttons ask.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridAction {
    /// Save the grid as typed.
    #[default]
    Save,
    /// Fill the grid with last week's offer, saving nothing.
    Copy,
    /// Offer nothing this week.
    None,
}

/// The grid as sent: one `product`, `qty` and `price` per row, in the rows' order, and the
/// products ticked "on demand".
#[derive(Debug, Default, Deserialize)]
pub struct GridForm {
    #[serde(default)]
    action: GridAction,
    #[serde(default)]
    product: Vec<String>,
    #[serde(default)]
    qty: Vec<String>,
    #[serde(default)]
    price: Vec<String>,
    #[serde(default)]
    on_demand: Vec<String>,
}

impl GridForm {
    /// What was typed for a product: quantity, price, on demand.
    fn typed(&self, id: ProductId) -> (String, String, bool) {
        let id = id.to_string();
        let at = self.product.iter().position(|p| p.trim() == id);
        let cell = |v: &[String]| at.and_then(|i| v.get(i)).cloned().unwrap_or_default();
        (
            cell(&self.qty),
            cell(&self.price),
            self.on_demand.iter().any(|p| p.trim() == id),
        )
    }
}

/// Saves the producer's grid.
pub async fn producer_save(
    paths::ProducerGrid(_, OrgId(hub), CycleId(cycle)): paths::ProducerGrid,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<GridForm>,
) -> Result<Response, PageError> {
    let t = target_for(&state, &m, hub, cycle, None).await?;
    save(state, m, t, form).await
}

/// Saves the grid the hub fills for a producer.
pub async fn hub_save(
    paths::HubGrid(_, CycleId(cycle), OrgId(producer)): paths::HubGrid,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<GridForm>,
) -> Result<Response, PageError> {
    let t = target_for(&state, &m, 0, cycle, Some(producer)).await?;
    save(state, m, t, form).await
}

/// A row's offer as typed: `None` offers nothing; field errors go to `v`.
fn offer_typed(
    v: &mut Validator,
    id: ProductId,
    qty: &str,
    price: &str,
    on_demand: bool,
) -> Option<Offer> {
    if !on_demand && qty.trim().is_empty() && price.trim().is_empty() {
        return None;
    }
    let qty = if on_demand {
        None
    } else {
        v.qty(&format!("qty_{id}"), qty, "qty_invalid")
    };
    let price = match Cents::parse_within(price, Limit::Movement) {
        Ok(c) if c.0 > 0 => Some(c),
        Ok(_) => {
            v.add(&format!("price_{id}"), "price_invalid");
            None
        }
        Err(e) => {
            v.add(&format!("price_{id}"), e.code_or("price_invalid"));
            None
        }
    }?;
    match qty {
        _ if on_demand => Some(Offer {
            stock: Stock::OnDemand,
            price,
        }),
        Some(q) if q.0 > 0 => Some((q, price).into()),
        _ => None,
    }
}

async fn save(
    state: AppState,
    m: Member<StaffRole>,
    t: Target,
    form: GridForm,
) -> Result<Response, PageError> {
    let grid = state
        .store
        .availability_grid(&t.hs, t.cycle, t.producer)
        .await?;
    let secure = state.config.secure_cookies;
    if form.action == GridAction::Copy {
        // Prefill with last week's offer; nothing is saved until the producer checks it.
        let last: HashMap<ProductId, Offer> = state
            .store
            .last_week_offer(&t.hs, t.cycle, t.producer)
            .await?
            .into_iter()
            .filter_map(|(p, o)| o.map(|o| (p, o)))
            .collect();
        let mut rows = rows_from(&m.ctx, &grid);
        for r in &mut rows {
            if let Some(offer) = last.get(&r.id) {
                show_offer(&m.ctx, r, offer);
            }
        }
        let copied = !last.is_empty();
        let errors = if copied {
            FormErrors::none()
        } else {
            FormErrors::one("grid", "err-nothing_last_week", &m.ctx.i18n)
        };
        return show(&state, m, t, Some(rows), errors, copied).await;
    }
    let mut entries: Vec<GridEntry> = Vec::new();
    let mut v = Validator::new();
    let mut rows = rows_from(&m.ctx, &grid);
    for r in &mut rows {
        if form.action == GridAction::None {
            entries.push((r.id, None));
            continue;
        }
        let (qty, price, on_demand) = form.typed(r.id);
        let offer = offer_typed(&mut v, r.id, &qty, &price, on_demand);
        (r.qty, r.price, r.on_demand) = (qty, price, on_demand);
        entries.push((r.id, offer));
    }
    let errs = v.into_errors();
    if !errs.is_empty() {
        let mut errors = FormErrors::from_fields(&errs, &m.ctx.i18n);
        // Each message says which product it is about, so the summary reads on its own.
        for (field, message) in &mut errors.items {
            let id = field.rsplit('_').next().unwrap_or_default();
            if let Some(r) = rows.iter().find(|r| r.id.to_string() == id) {
                *message = format!("{} : {message}", r.name);
            }
        }
        return show(&state, m, t, Some(rows), errors, false).await;
    }
    match state
        .store
        .save_availability(&t.hs, t.cycle, t.producer, &entries)
        .await
    {
        Ok(()) => {
            let key = if form.action == GridAction::None {
                "flash-availability-none"
            } else {
                "flash-availability-saved"
            };
            let [f, k] = flash_headers("success", key, secure);
            Ok(see_other(&t.action, [f, k]))
        }
        Err(StoreError::Refused(code)) => {
            let errors = FormErrors::one("grid", &format!("err-{code}"), &m.ctx.i18n);
            show(&state, m, t, Some(rows), errors, false).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "reminder_hours.html")]
struct ReminderPage {
    page: Ctx,
    hours: String,
    errors: FormErrors,
}

/// When the hub reminds producers that posted nothing.
pub async fn reminder_hours(
    _: paths::ReminderHours,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let hours = state.store.reminder_hours(&hs).await?.to_string();
    let lang = m.ctx.i18n.lang;
    let page = ReminderPage {
        page: m.ctx,
        hours,
        errors: FormErrors::none(),
    };
    Ok(render(&page, lang))
}

/// The reminder's time, as sent.
#[derive(Debug, Default, Deserialize)]
pub struct ReminderForm {
    #[serde(default)]
    hours: String,
}

/// Sets when the hub reminds producers that posted nothing.
pub async fn set_reminder_hours(
    paths::ReminderHours(org): paths::ReminderHours,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ReminderForm>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let saved = match form.hours.trim().parse::<i64>() {
        Ok(hours) => state.store.set_reminder_hours(&hs, hours).await,
        Err(_) => Err(StoreError::field(
            "hours",
            halles_core::refusals::Refusal::ReminderHoursOutOfRange,
        )),
    };
    let errors = match saved {
        Ok(()) => {
            let [f, k] = flash_headers(
                "success",
                "flash-reminder-saved",
                state.config.secure_cookies,
            );
            return Ok(see_other(&paths::ReminderHours(org).to_string(), [f, k]));
        }
        Err(StoreError::Invalid(_)) | Err(StoreError::Refused(_)) => {
            FormErrors::one("hours", "err-reminder_hours_out_of_range", &m.ctx.i18n)
        }
        Err(e) => return Err(e.into()),
    };
    let lang = m.ctx.i18n.lang;
    let page = ReminderPage {
        page: m.ctx,
        hours: form.hours,
        errors,
    };
    let mut res = render(&page, lang);
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}
