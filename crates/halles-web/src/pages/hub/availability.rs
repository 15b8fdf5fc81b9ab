//! The weekly availability grid ("arrivage"): a producer, or the hub on its behalf, enters the
//! quantity and price of each product for a cycle; "copy last week" and "nothing this week".

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Path, State};
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
use halles_store::hub::cycles::{Cycle, GridEntry, GridRow};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "availability_list.html")]
struct CyclesPage {
    page: Ctx,
    cycles: Vec<Cycle>,
}

/// The cycles a producer takes part in.
pub async fn cycles(State(state): State<AppState>, m: Member) -> Result<Response, PageError> {
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
        format!("/o/{}/disponibilites/{}/{}", m.org.id, hub, cycle)
    } else {
        format!(
            "/o/{}/cycles/{}/disponibilites/{}",
            m.org.id, cycle, producer
        )
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
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, hub, cycle)): Path<(i64, i64, i64)>,
) -> Result<Response, PageError> {
    let t = target_for(&state, &m, hub, cycle, None).await?;
    show(&state, m, t, None, FormErrors::none(), false).await
}

/// The grid the hub fills for a producer.
pub async fn hub_grid(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, cycle, producer)): Path<(i64, i64, i64)>,
) -> Result<Response, PageError> {
    let t = target_for(&state, &m, 0, cycle, Some(producer)).await?;
    show(&state, m, t, None, FormErrors::none(), false).await
}

/// Saves the producer's grid.
pub async fn producer_save(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, hub, cycle)): Path<(i64, i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let t = target_for(&state, &m, hub, cycle, None).await?;
    save(state, m, t, form).await
}

/// Saves the grid the hub fills for a producer.
pub async fn hub_save(
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Path((_, cycle, producer)): Path<(i64, i64, i64)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let t = target_for(&state, &m, 0, cycle, Some(producer)).await?;
    save(state, m, t, form).await
}

async fn save(
    state: AppState,
    m: Member<StaffRole>,
    t: Target,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let grid = state
        .store
        .availability_grid(&t.hs, t.cycle, t.producer)
        .await?;
    let action = form.get("action").map(String::as_str).unwrap_or("save");
    let secure = state.config.secure_cookies;
    if action == "copy" {
        // Prefill with last week's offer; nothing is saved until the producer checks it.
        let last: HashMap<ProductId, (Qty, Cents)> = state
            .store
            .last_week_offer(&t.hs, t.cycle, t.producer)
            .await?
            .into_iter()
            .filter_map(|(p, o)| o.map(|o| (p, o)))
            .collect();
        let mut rows = rows_from(&m.ctx, &grid);
        for r in &mut rows {
            if let Some((q, p)) = last.get(&r.id) {
                r.qty = m.ctx.i18n.qty(*q);
                r.price = m.ctx.i18n.money_input(*p);
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
    let mut errs = Vec::new();
    let mut rows = rows_from(&m.ctx, &grid);
    for r in &mut rows {
        let qty_s = form
            .get(&format!("qty_{}", r.id))
            .cloned()
            .unwrap_or_default();
        let price_s = form
            .get(&format!("price_{}", r.id))
            .cloned()
            .unwrap_or_default();
        r.qty = qty_s.clone();
        r.price = price_s.clone();
        if action == "none" || (qty_s.trim().is_empty() && price_s.trim().is_empty()) {
            entries.push((r.id, None));
            continue;
        }
        let mut v = Validator::new();
        let qty = v.qty(&format!("qty_{}", r.id), &qty_s, "qty_invalid");
        let price = match Cents::parse_within(&price_s, Limit::Movement) {
            Ok(c) if c.0 > 0 => Some(c),
            Ok(_) => {
                v.add(&format!("price_{}", r.id), "price_invalid");
                None
            }
            Err(e) => {
                v.add(&format!("price_{}", r.id), e.code_or("price_invalid"));
                None
            }
        };
        errs.extend(v.into_errors());
        if let (Some(q), Some(p)) = (qty, price) {
            entries.push((r.id, if q.0 == 0 { None } else { Some((q, p)) }));
        }
    }
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
            let key = if action == "none" {
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
