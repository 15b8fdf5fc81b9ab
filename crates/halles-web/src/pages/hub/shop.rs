//! Ordering: a buyer (or the hub, taking an order by phone) browses a cycle's combined catalog at
//! the buyer's own prices, fills quantities, and places, changes or cancels the order.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::catalog::{Category, Certification};
use halles_core::ordering::OrderStatus;
use halles_core::organizations::Role;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::{CycleId, LocationId, OrderId, OrgId, ProductId};
use halles_store::hub::HubScope;
use halles_store::hub::cycles::Cycle;
use halles_store::hub::orders::{CatalogItem, Order, OrderInput, Placement};
use halles_store::{StoreError, TenantScope};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "shop.html")]
struct ShopPage {
    page: Ctx,
    cycles: Vec<(Cycle, String)>,
}

/// The open cycles of the buyer's hubs.
pub async fn shop(
    _: paths::Shop,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let mut cycles = Vec::new();
    for c in state.store.open_cycles_for_buyer(&m.scope).await? {
        let hub = state.store.organization_by_id(c.hub).await?.name;
        cycles.push((c, hub));
    }
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &ShopPage {
            page: m.ctx,
            cycles,
        },
        lang,
    ))
}

/// Filters and pre-fills of the catalog page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CatalogQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    producer: String,
    #[serde(default)]
    cert: String,
    #[serde(default)]
    origin: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    reorder: String,
}

/// One product line of the order form.
pub struct Line {
    item: CatalogItem,
    qty: String,
    /// Nothing left and nothing of it in this order: shown without a quantity box.
    sold_out: bool,
    /// What the buyer already ordered of it in this cycle (other orders), formatted.
    ordered: Option<String>,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    page: Ctx,
    cycle: Cycle,
    hub_name: String,
    buyer_name: String,
    lines: Vec<Line>,
    producers: Vec<String>,
    photos: std::collections::HashSet<ProductId>,
    q: CatalogQuery,
    action: String,
    filter_action: String,
    location: String,
    /// The delivery day chosen (a new order of a cycle with several).
    delivery_day: String,
    po_number: String,
    note: String,
    errors: FormErrors,
    editing: bool,
}

impl CatalogPage {
    fn categories(&self) -> Vec<&'static str> {
        Category::ALL.iter().map(|c| c.code()).collect()
    }
    fn origins(&self) -> Vec<&'static str> {
        halles_core::catalog::Origin::ALL
            .iter()
            .map(|o| o.code())
            .collect()
    }
    fn certs(&self) -> Vec<&'static str> {
        Certification::ALL.iter().map(|c| c.code()).collect()
    }
    fn bad(&self, id: &ProductId) -> bool {
        self.errors.has(&format!("qty_{id}"))
    }
    fn qty_error(&self, id: &ProductId) -> String {
        self.errors
            .get(&format!("qty_{id}"))
            .unwrap_or_default()
            .to_owned()
    }
}

/// Who orders for whom.
struct Target {
    hs: HubScope,
    cycle: CycleId,
    buyer: OrgId,
    action: String,
    filter_action: String,
    editing: Option<OrderId>,
}

fn buyer_target(
    m: &Member<StaffRole>,
    hs: HubScope,
    cycle: i64,
    editing: Option<OrderId>,
) -> Target {
    let hub = hs.hub();
    let base = paths::Catalog(m.org.id, hub, CycleId(cycle)).to_string();
    Target {
        hs,
        cycle: CycleId(cycle),
        buyer: m.org.id,
        action: match editing {
            Some(id) => paths::Order(m.org.id, hub, id).to_string(),
            None => base.clone(),
        },
        filter_action: base,
        editing,
    }
}

fn hub_target(m: &Member<StaffRole>, hs: HubScope, cycle: i64, buyer: i64) -> Target {
    let base = paths::OrderFor(m.org.id, CycleId(cycle), OrgId(buyer)).to_string();
    Target {
        hs,
        cycle: CycleId(cycle),
        buyer: OrgId(buyer),
        action: base.clone(),
        filter_action: base,
        editing: None,
    }
}

/// The hub changing a buyer's order (with audit, as every change).
fn hub_edit_target(m: &Member<StaffRole>, hs: HubScope, o: &Order) -> Target {
    let base = paths::HubOrder(m.org.id, o.cycle, o.id).to_string();
    Target {
        hs,
        cycle: o.cycle,
        buyer: o.buyer,
        action: base.clone(),
        filter_action: base,
        editing: Some(o.id),
    }
}

/// The hub's form to change a buyer's order.
pub async fn hub_edit(
    paths::HubOrder(_, _, OrderId(id)): paths::HubOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let o = state.store.order(&hs, OrderId(id)).await?;
    let t = hub_edit_target(&m, hs, &o);
    catalog_page(
        &state,
        m,
        &t,
        CatalogQuery::default(),
        HashMap::new(),
        FormErrors::none(),
    )
    .await
}

/// Saves the hub's change to a buyer's order.
pub async fn hub_update(
    paths::HubOrder(_, _, OrderId(id)): paths::HubOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let o = state.store.order(&hs, OrderId(id)).await?;
    let t = hub_edit_target(&m, hs, &o);
    submit(state, m, t, form).await
}

/// The hub cancels a buyer's order until the cut-off.
pub async fn hub_cancel(
    paths::HubOrderCancel(_, CycleId(cycle), OrderId(id)): paths::HubOrderCancel,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let hs = super::own_hub(&state, &m).await?;
    let [f, k] = match state.store.cancel_order(&hs, OrderId(id)).await {
        Ok(()) => flash_headers("success", "flash-order-cancelled", secure),
        Err(StoreError::Refused(_)) => flash_headers("error", "err-order_not_editable", secure),
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(
        &paths::Cycle(m.org.id, CycleId(cycle)).to_string(),
        [f, k],
    ))
}

#[allow(clippy::too_many_arguments)]
async fn catalog_page(
    state: &AppState,
    m: Member<StaffRole>,
    t: &Target,
    q: CatalogQuery,
    typed: HashMap<String, String>,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let cycle = state.store.cycle(&t.hs, t.cycle).await?;
    let items = state.store.buyer_catalog(&t.hs, t.cycle, t.buyer).await?;
    let hub_name = state.store.organization_by_id(t.hs.hub()).await?.name;
    let buyer_name = state.store.organization_by_id(t.buyer).await?.name;
    let producer_ids: Vec<OrgId> = cycle.producers.clone();
    let photos = state.store.products_with_photos(&producer_ids).await?;
    let mut producers: Vec<String> = items.iter().map(|i| i.producer_name.clone()).collect();
    producers.sort();
    producers.dedup();
    // Pre-fill: what was typed, else the order being changed, else the last order ("reorder").
    let mut prefill: HashMap<ProductId, Qty> = HashMap::new();
    let buyer_scope = TenantScope::checked(t.buyer, m.scope.actor);
    if let Some(id) = t.editing {
        let o = state.store.order(&t.hs, id).await?;
        prefill = o.lines.iter().map(|l| (l.product, l.quantity)).collect();
    } else if q.reorder == "last"
        && let Some(o) = state
            .store
            .orders_of_org(&buyer_scope, 50)
            .await?
            .into_iter()
            .find(|o| o.hub == t.hs.hub() && o.status == OrderStatus::Placed)
    {
        prefill = o.lines.iter().map(|l| (l.product, l.quantity)).collect();
    }
    let ordered = state
        .store
        .ordered_in_cycle(&t.hs, t.cycle, t.buyer, t.editing)
        .await?;
    let lang = m.ctx.i18n.lang;
    let search = q.q.trim().to_lowercase();
    let lines = items
        .into_iter()
        .filter(|i| q.category.is_empty() || i.product.input.category.code() == q.category)
        .filter(|i| q.producer.is_empty() || i.producer_name == q.producer)
        .filter(|i| {
            q.cert.is_empty()
                || i.product
                    .input
                    .certifications
                    .iter()
                    .any(|c| c.code() == q.cert)
        })
        .filter(|i| {
            let o = i.product.input.origin;
            q.origin.is_empty() || o.code() == q.origin || (q.origin == "quebec" && o.is_quebec())
        })
        .filter(|i| {
            search.is_empty()
                || i.product.name(lang).to_lowercase().contains(&search)
                || i.producer_name.to_lowercase().contains(&search)
        })
        .map(|item| {
            let key = format!("qty_{}", item.product.id);
            let qty = match typed.get(&key) {
                Some(v) => v.clone(),
                None => prefill
                    .get(&item.product.id)
                    .map(|q| m.ctx.i18n.qty(*q))
                    .unwrap_or_default(),
            };
            let sold_out = !item.on_demand && item.remaining.0 <= 0 && qty.trim().is_empty();
            let ordered = ordered.get(&item.product.id).map(|q| m.ctx.i18n.qty(*q));
            Line {
                item,
                qty,
                sold_out,
                ordered,
            }
        })
        .collect::<Vec<_>>();
    // Sold-out products come after the available ones, in the same order.
    let mut lines = lines;
    lines.sort_by_key(|l| l.sold_out);
    let editing = t.editing.is_some();
    let (location, po_number, note) = match (t.editing, typed.is_empty()) {
        (Some(id), true) => {
            let o = state.store.order(&t.hs, id).await?;
            (
                o.location.map(|l| l.to_string()).unwrap_or_default(),
                o.po_number,
                o.note,
            )
        }
        _ => (
            typed.get("location").cloned().unwrap_or_default(),
            typed.get("po_number").cloned().unwrap_or_default(),
            typed.get("note").cloned().unwrap_or_default(),
        ),
    };
    let delivery_day = typed.get("delivery_day").cloned().unwrap_or_default();
    let failed = !errors.is_empty();
    let mut res = render(
        &CatalogPage {
            delivery_day,
            page: m.ctx,
            cycle,
            hub_name,
            buyer_name,
            lines,
            producers,
            photos,
            q,
            action: t.action.clone(),
            filter_action: t.filter_action.clone(),
            location,
            po_number,
            note,
            errors,
            editing,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The catalog of a cycle, as the buyer sees it.
pub async fn catalog(
    paths::Catalog(_, OrgId(hub), CycleId(cycle)): paths::Catalog,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let t = buyer_target(&m, hs, cycle, None);
    catalog_page(&state, m, &t, q, HashMap::new(), FormErrors::none()).await
}

/// The hub's order form for a buyer (an order taken by phone).
pub async fn hub_catalog(
    paths::OrderFor(_, CycleId(cycle), OrgId(buyer)): paths::OrderFor,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let t = hub_target(&m, hs, cycle, buyer);
    catalog_page(&state, m, &t, q, HashMap::new(), FormErrors::none()).await
}

/// Places the buyer's order.
pub async fn place(
    paths::Catalog(_, OrgId(hub), CycleId(cycle)): paths::Catalog,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let t = buyer_target(&m, hs, cycle, None);
    submit(state, m, t, form).await
}

/// Places an order for a buyer (hub).
pub async fn hub_place(
    paths::OrderFor(_, CycleId(cycle), OrgId(buyer)): paths::OrderFor,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let t = hub_target(&m, hs, cycle, buyer);
    submit(state, m, t, form).await
}

/// Changes a placed order.
pub async fn update(
    paths::Order(_, OrgId(hub), OrderId(id)): paths::Order,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let o = state.store.order(&hs, OrderId(id)).await?;
    let t = buyer_target(&m, hs, o.cycle.0, Some(o.id));
    submit(state, m, t, form).await
}

async fn submit(
    state: AppState,
    m: Member<StaffRole>,
    t: Target,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let mut lines = Vec::new();
    let mut errs = Vec::new();
    for (k, v) in &form {
        let Some(id) = k.strip_prefix("qty_").and_then(|i| i.parse::<i64>().ok()) else {
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        match Qty::parse_within(v) {
            Ok(q) if q.0 > 0 => lines.push((ProductId(id), q)),
            Ok(_) => {}
            Err(e) => errs.push(halles_core::validation::FieldError {
                field: k.clone(),
                code: e.code_or("qty_invalid"),
            }),
        }
    }
    if lines.is_empty() && errs.is_empty() {
        errs.push(halles_core::validation::FieldError {
            field: "order".into(),
            code: "empty_order",
        });
    }
    let location = form
        .get("location")
        .and_then(|l| l.parse::<i64>().ok())
        .map(LocationId);
    if !errs.is_empty() {
        let errors = FormErrors::from_fields(&errs, &m.ctx.i18n);
        return catalog_page(&state, m, &t, CatalogQuery::default(), form, errors).await;
    }
    let input = OrderInput {
        buyer: t.buyer,
        location,
        delivery_day: form.get("delivery_day").and_then(|d| d.parse().ok()),
        po_number: form.get("po_number").cloned().unwrap_or_default(),
        note: form.get("note").cloned().unwrap_or_default(),
        lines,
    };
    let result = match t.editing {
        Some(id) => state
            .store
            .update_order(&t.hs, id, &input)
            .await
            .map(|()| Placement {
                order: id,
                added: false,
            }),
        None => {
            state
                .store
                .place_order_keyed(&t.hs, t.cycle, &input, None)
                .await
        }
    };
    match result {
        Ok(Placement { order: id, added }) => {
            // A new order's confirmation is e-mailed by the worker, from the store's event.
            let key = if t.editing.is_some() {
                "flash-order-changed".to_owned()
            } else if added {
                // A second checkout of the cycle went into the buyer's open order.
                format!("flash-order-added#{id}")
            } else {
                "flash-order-placed".to_owned()
            };
            let [f, k] = flash_headers("success", &key, state.config.secure_cookies);
            let hub = t.hs.hub();
            let to = if t.hs.is_hub() {
                paths::Cycle(hub, t.cycle).to_string()
            } else {
                paths::Order(t.buyer, hub, id).to_string()
            };
            Ok(see_other(&to, [f, k]))
        }
        Err(StoreError::Shortage(p)) => {
            let errors = FormErrors::one(&format!("qty_{p}"), "err-shortage", &m.ctx.i18n);
            catalog_page(&state, m, &t, CatalogQuery::default(), form, errors).await
        }
        Err(StoreError::Refused(code)) => {
            let field = if matches!(
                code,
                Refusal::LocationRequired | Refusal::UnknownLocation | Refusal::BelowMinimum
            ) {
                "location"
            } else {
                "order"
            };
            let errors = FormErrors::one(field, &format!("err-{code}"), &m.ctx.i18n);
            catalog_page(&state, m, &t, CatalogQuery::default(), form, errors).await
        }
        Err(StoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&fields, &m.ctx.i18n);
            catalog_page(&state, m, &t, CatalogQuery::default(), form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OrdersPage {
    page: Ctx,
    orders: Vec<Order>,
    /// Share of Québec food in placed orders, in percent with one decimal, when any.
    quebec_share: Option<String>,
}

/// The buyer's orders.
pub async fn orders(
    _: paths::Orders,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let orders = state.store.orders_of_org(&m.scope, 100).await?;
    let share = state.store.quebec_share(&m.scope).await?;
    let quebec_share = share.map(|(qc, all)| {
        let tenths = if all.0 > 0 {
            (qc.0 * 1000 + all.0 / 2) / all.0
        } else {
            0
        };
        let s = format!("{}.{}", tenths / 10, tenths % 10);
        if m.ctx.i18n.lang == halles_core::accounts::Lang::Fr {
            s.replace('.', ",")
        } else {
            s
        }
    });
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &OrdersPage {
            page: m.ctx,
            orders,
            quebec_share,
        },
        lang,
    ))
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage {
    page: Ctx,
    order: Order,
    cycle: Cycle,
    editable: bool,
    /// The hub looks at a buyer's order: changes go through the hub's own pages.
    hub_view: bool,
    repeat_until: String,
}

/// One order of the buyer.
pub async fn order(
    paths::Order(_, OrgId(hub), OrderId(id)): paths::Order,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let order = state.store.order(&hs, OrderId(id)).await?;
    let cycle = state.store.cycle(&hs, order.cycle).await?;
    let editable = order.status.editable(cycle.status)
        && state.store.now() < cycle.closes_at
        && m.role.satisfies(Role::Staff);
    let hub_view = m.org.id == order.hub;
    let lang = m.ctx.i18n.lang;
    // A standing order runs for three months unless the buyer says otherwise.
    let tz = jiff::tz::TimeZone::get(crate::i18n::TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    let repeat_until = state
        .store
        .now()
        .to_zoned(tz)
        .checked_add(jiff::Span::new().months(3))
        .map(|z| z.date().to_string())
        .unwrap_or_default();
    Ok(render(
        &OrderPage {
            page: m.ctx,
            order,
            cycle,
            editable,
            hub_view,
            repeat_until,
        },
        lang,
    ))
}

/// The form to change an order.
pub async fn edit(
    paths::OrderEdit(_, OrgId(hub), OrderId(id)): paths::OrderEdit,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let o = state.store.order(&hs, OrderId(id)).await?;
    let t = buyer_target(&m, hs, o.cycle.0, Some(o.id));
    catalog_page(
        &state,
        m,
        &t,
        CatalogQuery::default(),
        HashMap::new(),
        FormErrors::none(),
    )
    .await
}

/// Cancels an order until the cut-off.
pub async fn cancel(
    paths::OrderCancel(_, OrgId(hub), OrderId(id)): paths::OrderCancel,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let [f, k] = match state.store.cancel_order(&hs, OrderId(id)).await {
        Ok(()) => flash_headers("success", "flash-order-cancelled", secure),
        Err(StoreError::Refused(_)) => flash_headers("error", "err-order_not_editable", secure),
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(
        &paths::Order(m.org.id, OrgId(hub), OrderId(id)).to_string(),
        [f, k],
    ))
}
