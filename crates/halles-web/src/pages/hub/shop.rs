//! Ordering: a buyer (or the hub, taking an order by phone) browses a cycle's combined catalog at
//! the buyer's own prices, fills quantities, and places, changes or cancels the order.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::i18n::I18n;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::accounts::Lang;
use halles_core::catalog::{Category, Certification};
use halles_core::money::Cents;
use halles_core::ordering::OrderStatus;
use halles_core::organizations::Role;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::{CycleId, LocationId, OrderId, OrgId, ProductId};
use halles_store::hub::HubScope;
use halles_store::hub::cycles::{Cycle, Location};
use halles_store::hub::orders::{CatalogItem, Order, OrderInput, Placement, line_of_field};
use halles_store::hub::quick_order::OpenOrder;
use halles_store::{StoreError, TenantScope};
use std::collections::{BTreeMap, HashMap, HashSet};

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

/// Filters of the catalog: in the query string of a link, or in the order form itself when a
/// filter button is pressed (so the typed quantities travel with them).
#[derive(Debug, Default, Clone, serde::Deserialize)]
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

impl CatalogQuery {
    /// Whether any filter narrows the list.
    fn is_active(&self) -> bool {
        [
            &self.category,
            &self.producer,
            &self.cert,
            &self.origin,
            &self.q,
        ]
        .iter()
        .any(|f| !f.trim().is_empty())
    }

    /// Whether `item` passes the filters (the search on its name in `lang` and its producer).
    fn keeps(&self, item: &CatalogItem, lang: Lang) -> bool {
        let p = &item.product.input;
        let search = self.q.trim().to_lowercase();
        (self.category.is_empty() || p.category.code() == self.category)
            && (self.producer.is_empty() || item.producer_name == self.producer)
            && (self.cert.is_empty() || p.certifications.iter().any(|c| c.code() == self.cert))
            && (self.origin.is_empty()
                || p.origin.code() == self.origin
                || (self.origin == "quebec" && p.origin.is_quebec()))
            && (search.is_empty()
                || item.product.name(lang).to_lowercase().contains(&search)
                || item.producer_name.to_lowercase().contains(&search))
    }
}

/// The quantities of an order form as typed, by product (its `qty_{product}` fields).
#[derive(Debug, Default, Clone)]
pub struct Quantities(BTreeMap<ProductId, String>);

impl<'de> serde::Deserialize<'de> for Quantities {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = Quantities;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("form fields")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Quantities, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key
                        .strip_prefix("qty_")
                        .and_then(|id| id.parse::<i64>().ok())
                    {
                        Some(id) => {
                            out.insert(ProductId(id), map.next_value::<String>()?);
                        }
                        None => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(Quantities(out))
            }
        }
        d.deserialize_map(Fields)
    }
}

/// The order form of the catalog and of the quick order form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct OrderForm {
    /// The pickup point or delivery zone (its id).
    #[serde(default)]
    location: String,
    /// The delivery day chosen (YYYY-MM-DD), for a new order of a cycle with several.
    #[serde(default)]
    delivery_day: String,
    #[serde(default)]
    po_number: String,
    #[serde(default)]
    note: String,
    /// The filter button pressed (`apply`, `clear`): the catalog comes back filtered with
    /// everything typed, and nothing is ordered.
    #[serde(default)]
    filter: String,
    #[serde(flatten)]
    filters: CatalogQuery,
    #[serde(flatten)]
    quantities: Quantities,
}

/// One product line of an order form.
pub struct Line {
    pub(super) item: CatalogItem,
    pub(super) qty: String,
    /// Nothing left and nothing of it in this order: shown without a quantity box.
    pub(super) sold_out: bool,
    /// What the buyer already ordered of it in this cycle (other orders), formatted.
    pub(super) ordered: Option<String>,
    /// The quick order form: what the buyer ordered of it last time, with its unit.
    pub(super) last: Option<String>,
    /// The message of its quantity's error.
    pub(super) error: Option<String>,
    /// Whether it has a photo.
    pub(super) photo: bool,
}

/// A quantity typed for a product the filters hide, kept in a hidden field.
pub struct Kept {
    product: ProductId,
    qty: String,
    /// Its unit price, for the running total.
    price: Cents,
}

/// The checkout part of an order form: pickup point or zone, PO number, note, and what the
/// running total needs.
pub struct Checkout {
    pub(super) cycle: Cycle,
    pub(super) location: String,
    /// The delivery day chosen (YYYY-MM-DD): what was typed, the order's, else the first.
    pub(super) delivery_day: String,
    pub(super) po_number: String,
    pub(super) note: String,
    pub(super) editing: bool,
    /// The subtotal of the buyer's open order for each delivery, a location on a day (a new
    /// checkout for the same delivery adds to it, and the minimum applies to the whole); empty
    /// when changing an order.
    pub(super) open: Vec<OpenOrder>,
}

impl Checkout {
    /// What the buyer's open orders at `location` already hold, for each of the cycle's
    /// delivery days, as the running total reads it: `YYYY-MM-DD:cents`, space-separated.
    pub(super) fn open_by_day(&self, location: Option<&LocationId>) -> String {
        self.cycle
            .delivery_days
            .iter()
            .map(|day| {
                let cents: i64 = self
                    .open
                    .iter()
                    .filter(|o| o.location.as_ref() == location && o.delivery_day == Some(*day))
                    .map(|o| o.subtotal.0)
                    .sum();
                format!("{day}:{cents}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    page: Ctx,
    hub_name: String,
    buyer_name: String,
    lines: Vec<Line>,
    kept: Vec<Kept>,
    producers: Vec<String>,
    q: CatalogQuery,
    action: String,
    base: String,
    checkout: Checkout,
    errors: FormErrors,
    /// The buyer's quick order form, for a buyer's new order.
    quick: Option<String>,
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
}

/// Which form a checkout came from, to show it again when refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum View {
    Catalog,
    QuickOrder,
}

/// Who orders for whom, from which form.
pub(super) struct Target {
    hs: HubScope,
    cycle: CycleId,
    buyer: OrgId,
    pub(super) action: String,
    base: String,
    editing: Option<OrderId>,
    view: View,
}

impl Target {
    /// The hub, the cycle and the buyer.
    pub(super) fn parts(&self) -> (&HubScope, CycleId, OrgId) {
        (&self.hs, self.cycle, self.buyer)
    }
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
        base,
        editing,
        view: View::Catalog,
    }
}

/// The buyer's quick order form of a cycle.
pub(super) fn quick_target(m: &Member<StaffRole>, hs: HubScope, cycle: CycleId) -> Target {
    let action = paths::QuickOrder(m.org.id, hs.hub(), cycle).to_string();
    Target {
        action,
        view: View::QuickOrder,
        ..buyer_target(m, hs, cycle.0, None)
    }
}

fn hub_target(m: &Member<StaffRole>, hs: HubScope, cycle: i64, buyer: i64) -> Target {
    let base = paths::OrderFor(m.org.id, CycleId(cycle), OrgId(buyer)).to_string();
    Target {
        hs,
        cycle: CycleId(cycle),
        buyer: OrgId(buyer),
        action: base.clone(),
        base,
        editing: None,
        view: View::Catalog,
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
        base,
        editing: Some(o.id),
        view: View::Catalog,
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
        None,
        FormErrors::none(),
    )
    .await
}

/// Saves the hub's change to a buyer's order.
pub async fn hub_update(
    paths::HubOrder(_, _, OrderId(id)): paths::HubOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<OrderForm>,
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

/// What both order forms show of a cycle for a buyer.
pub(super) struct Sheet {
    pub(super) hub_name: String,
    pub(super) buyer_name: String,
    pub(super) items: Vec<CatalogItem>,
    photos: HashSet<ProductId>,
    /// What the buyer ordered of each product in the cycle (other orders than the one changed).
    ordered: HashMap<ProductId, Qty>,
    /// The order being changed.
    editing: Option<Order>,
    pub(super) checkout: Checkout,
}

impl Sheet {
    /// Reads the cycle for `t`; the checkout fields from `typed`, else from the order changed.
    pub(super) async fn read(
        state: &AppState,
        t: &Target,
        typed: Option<&OrderForm>,
    ) -> Result<Sheet, PageError> {
        let store = &state.store;
        let cycle = store.cycle(&t.hs, t.cycle).await?;
        let items = store.buyer_catalog(&t.hs, t.cycle, t.buyer).await?;
        let hub_name = store.organization_by_id(t.hs.hub()).await?.name;
        let buyer_name = store.organization_by_id(t.buyer).await?.name;
        let photos = store.products_with_photos(&cycle.producers).await?;
        let ordered = store
            .ordered_in_cycle(&t.hs, t.cycle, t.buyer, t.editing)
            .await?;
        let editing = match t.editing {
            Some(id) => Some(store.order(&t.hs, id).await?),
            None => None,
        };
        let open = match editing {
            Some(_) => Vec::new(),
            None => store.open_orders(&t.hs, t.cycle, t.buyer).await?,
        };
        let (location, po_number, note) = match (typed, &editing) {
            (Some(f), _) => (f.location.clone(), f.po_number.clone(), f.note.clone()),
            (None, Some(o)) => (
                o.location.map(|l| l.to_string()).unwrap_or_default(),
                o.po_number.clone(),
                o.note.clone(),
            ),
            (None, None) => Default::default(),
        };
        let delivery_day = match (typed, &editing) {
            (Some(f), _) if !f.delivery_day.is_empty() => f.delivery_day.clone(),
            (_, Some(o)) => o.delivery_day.map(|d| d.to_string()).unwrap_or_default(),
            _ => cycle
                .delivery_days
                .first()
                .map(|d| d.to_string())
                .unwrap_or_default(),
        };
        Ok(Sheet {
            hub_name,
            buyer_name,
            items,
            photos,
            ordered,
            checkout: Checkout {
                cycle,
                location,
                delivery_day,
                po_number,
                note,
                editing: editing.is_some(),
                open,
            },
            editing,
        })
    }

    /// The line of `item` with the quantity `qty`.
    pub(super) fn line(
        &self,
        i18n: &I18n,
        errors: &FormErrors,
        item: CatalogItem,
        qty: String,
    ) -> Line {
        let id = item.product.id;
        Line {
            sold_out: !item.on_demand && item.remaining.0 <= 0 && qty.trim().is_empty(),
            ordered: self.ordered.get(&id).map(|q| i18n.qty(*q)),
            last: None,
            error: errors.get(&format!("qty_{id}")).map(str::to_owned),
            photo: self.photos.contains(&id),
            item,
            qty,
        }
    }

    /// The quantity a product's box starts with: as typed when the form was sent, else the
    /// order being changed, else `reorder` (the last order's).
    pub(super) fn start_qty(
        &self,
        i18n: &I18n,
        typed: Option<&OrderForm>,
        reorder: &HashMap<ProductId, Qty>,
        id: ProductId,
    ) -> String {
        if let Some(f) = typed {
            return f.quantities.0.get(&id).cloned().unwrap_or_default();
        }
        let prefill = match &self.editing {
            Some(o) => o
                .lines
                .iter()
                .find(|l| l.product.id == id)
                .map(|l| l.quantity),
            None => reorder.get(&id).copied(),
        };
        prefill.map(|q| i18n.qty(q)).unwrap_or_default()
    }
}

async fn catalog_page(
    state: &AppState,
    m: Member<StaffRole>,
    t: &Target,
    q: CatalogQuery,
    typed: Option<&OrderForm>,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let mut sheet = Sheet::read(state, t, typed).await?;
    let mut producers: Vec<String> = sheet
        .items
        .iter()
        .map(|i| i.producer_name.clone())
        .collect();
    producers.sort();
    producers.dedup();
    // "Reorder": the quantities of the buyer's last placed order at this hub.
    let mut reorder: HashMap<ProductId, Qty> = HashMap::new();
    if typed.is_none() && t.editing.is_none() && q.reorder == "last" {
        let buyer_scope = TenantScope::checked(t.buyer, m.scope.actor);
        if let Some(o) = state
            .store
            .orders_of_org(&buyer_scope, 50)
            .await?
            .into_iter()
            .find(|o| o.hub == t.hs.hub() && o.status == OrderStatus::Placed)
        {
            reorder = o.lines.iter().map(|l| (l.product.id, l.quantity)).collect();
        }
    }
    let lang = m.ctx.i18n.lang;
    let i18n = m.ctx.i18n;
    let mut lines = Vec::new();
    let mut kept = Vec::new();
    for item in std::mem::take(&mut sheet.items) {
        let qty = sheet.start_qty(&i18n, typed, &reorder, item.product.id);
        if q.keeps(&item, lang) {
            lines.push(sheet.line(&i18n, &errors, item, qty));
        } else if !qty.trim().is_empty() {
            // Hidden by the filters, kept in the form.
            kept.push(Kept {
                product: item.product.id,
                qty,
                price: item.price,
            });
        }
    }
    // Sold-out products come after the available ones, in the same order.
    lines.sort_by_key(|l| l.sold_out);
    let quick = (t.editing.is_none() && !t.hs.is_hub())
        .then(|| paths::QuickOrder(t.buyer, t.hs.hub(), t.cycle).to_string());
    let failed = !errors.is_empty();
    let mut res = render(
        &CatalogPage {
            page: m.ctx,
            hub_name: sheet.hub_name,
            buyer_name: sheet.buyer_name,
            lines,
            kept,
            producers,
            q,
            action: t.action.clone(),
            base: t.base.clone(),
            checkout: sheet.checkout,
            errors,
            quick,
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
    catalog_page(&state, m, &t, q, None, FormErrors::none()).await
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
    catalog_page(&state, m, &t, q, None, FormErrors::none()).await
}

/// Places the buyer's order, or filters the catalog.
pub async fn place(
    paths::Catalog(_, OrgId(hub), CycleId(cycle)): paths::Catalog,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<OrderForm>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let t = buyer_target(&m, hs, cycle, None);
    submit(state, m, t, form).await
}

/// Places an order for a buyer (hub), or filters the catalog.
pub async fn hub_place(
    paths::OrderFor(_, CycleId(cycle), OrgId(buyer)): paths::OrderFor,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<OrderForm>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let t = hub_target(&m, hs, cycle, buyer);
    submit(state, m, t, form).await
}

/// Changes a placed order, or filters the catalog while changing it.
pub async fn update(
    paths::Order(_, OrgId(hub), OrderId(id)): paths::Order,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<OrderForm>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let o = state.store.order(&hs, OrderId(id)).await?;
    let t = buyer_target(&m, hs, o.cycle.0, Some(o.id));
    submit(state, m, t, form).await
}

/// The form `t` came from again, with what was typed and `errors`.
async fn form_again(
    state: &AppState,
    m: Member<StaffRole>,
    t: &Target,
    form: &OrderForm,
    errors: FormErrors,
) -> Result<Response, PageError> {
    match t.view {
        View::Catalog => {
            catalog_page(state, m, t, CatalogQuery::default(), Some(form), errors).await
        }
        View::QuickOrder => super::quick_order::page(state, m, t, Some(form), errors).await,
    }
}

pub(super) async fn submit(
    state: AppState,
    m: Member<StaffRole>,
    t: Target,
    form: OrderForm,
) -> Result<Response, PageError> {
    if !form.filter.is_empty() && t.view == View::Catalog {
        // A filter button: the same form again, filtered, with everything typed kept.
        let q = match form.filter.as_str() {
            "clear" => CatalogQuery::default(),
            _ => form.filters.clone(),
        };
        return catalog_page(&state, m, &t, q, Some(&form), FormErrors::none()).await;
    }
    let mut lines = Vec::new();
    let mut errs = Vec::new();
    for (id, v) in &form.quantities.0 {
        if v.trim().is_empty() {
            continue;
        }
        match Qty::parse_within(v) {
            Ok(q) if q.0 > 0 => lines.push((*id, q)),
            Ok(_) => {}
            Err(e) => errs.push(halles_core::validation::FieldError {
                field: format!("qty_{id}"),
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
    let location = form.location.parse::<i64>().ok().map(LocationId);
    if !errs.is_empty() {
        let errors = FormErrors::from_fields(&errs, &m.ctx.i18n);
        return form_again(&state, m, &t, &form, errors).await;
    }
    let input = OrderInput {
        buyer: t.buyer,
        location,
        delivery_day: form.delivery_day.parse().ok(),
        po_number: form.po_number.clone(),
        note: form.note.clone(),
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
        Err(StoreError::Shortage(short)) => {
            // Every short product, with what is left, beside its quantity.
            let mut errors = FormErrors::none();
            for l in &short {
                let field = format!("qty_{}", l.product.id);
                errors.push_text(&field, "err-shortage", m.ctx.i18n.shortage(l));
            }
            form_again(&state, m, &t, &form, errors).await
        }
        Err(StoreError::Invalid(fields)) => {
            // Lines refused as such (not offered, not whole) go beside their quantity.
            let fields: Vec<_> = fields
                .into_iter()
                .map(|mut f| {
                    if let Some(p) = line_of_field(&f.field) {
                        f.field = format!("qty_{p}");
                    }
                    f
                })
                .collect();
            let errors = FormErrors::from_fields(&fields, &m.ctx.i18n);
            form_again(&state, m, &t, &form, errors).await
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
            form_again(&state, m, &t, &form, errors).await
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
    /// The order's stop once on a route: its state, who received it, the driver's photo.
    delivery: Option<halles_store::hub::fulfilment::routes::Stop>,
    /// Its invoice, once issued.
    invoice: Option<halles_core::InvoiceId>,
}

impl OrderPage {
    fn stop_status(&self, s: &halles_store::hub::fulfilment::routes::Stop) -> String {
        self.page.label("stop-status", s.status.code())
    }

    /// The order's pickup point or delivery zone.
    fn location(&self) -> Option<&Location> {
        let id = self.order.location?;
        self.cycle.locations.iter().find(|l| l.id == id)
    }
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
    let delivery = state.store.order_delivery(&hs, order.id).await?;
    let invoice = state.store.invoice_of_order(&m.scope, order.id).await?;
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
            delivery,
            invoice,
        },
        lang,
    ))
}

/// The photo the driver took when delivering an order, for its buyer (or its hub).
pub async fn delivery_photo(
    paths::OrderDeliveryPhoto(_, hub, order): paths::OrderDeliveryPhoto,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, hub).await?;
    let jpeg = state
        .store
        .order_delivery_photo(&hs, order)
        .await?
        .ok_or(halles_store::StoreError::NotFound)?;
    Ok(super::fulfilment::delivery::jpeg_file(jpeg))
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
        None,
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
