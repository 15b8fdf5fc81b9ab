//! The quick order form: for institutions that order the same lines every week, a compact list
//! of the cycle's products with the buyer's usual ones first (ordered in its last cycles, most
//! often first, last quantity beside an empty box), then the rest. Only typed quantities are
//! ordered, through the same checks and the same one-order-per-cycle merge as the catalog.

use super::shop::{Checkout, Line, OrderForm, Sheet, Target, quick_target, submit};
use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::security::CsrfForm;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::OrgId;
use std::collections::HashMap;

/// How many of the buyer's last cycles make its usual products.
const USUAL_CYCLES: i64 = 8;

#[derive(Template)]
#[template(path = "quick_order.html")]
struct QuickOrderPage {
    page: Ctx,
    hub_name: String,
    buyer_name: String,
    /// The buyer's usual products, most often ordered first.
    usual: Vec<Line>,
    /// The other products of the cycle.
    others: Vec<Line>,
    action: String,
    catalog: String,
    checkout: Checkout,
    errors: FormErrors,
}

/// The quick order form of a cycle.
pub async fn form(
    paths::QuickOrder(_, OrgId(hub), cycle): paths::QuickOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let t = quick_target(&m, hs, cycle);
    page(&state, m, &t, None, FormErrors::none()).await
}

/// Places what the quick order form holds.
pub async fn place(
    paths::QuickOrder(_, OrgId(hub), cycle): paths::QuickOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<OrderForm>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let t = quick_target(&m, hs, cycle);
    submit(state, m, t, form).await
}

/// The form for `t`, with what was typed and `errors`.
pub(super) async fn page(
    state: &AppState,
    m: Member<StaffRole>,
    t: &Target,
    typed: Option<&OrderForm>,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let (hs, cycle, buyer) = t.parts();
    let mut sheet = Sheet::read(state, t, typed).await?;
    let usual = state
        .store
        .usual_products(hs, buyer, cycle, USUAL_CYCLES)
        .await?;
    let i18n = m.ctx.i18n;
    let mut others = Vec::new();
    let mut found: HashMap<_, Line> = HashMap::new();
    for item in std::mem::take(&mut sheet.items) {
        let qty = sheet.start_qty(&i18n, typed, &HashMap::new(), item.product.id);
        let id = item.product.id;
        let line = sheet.line(&i18n, &errors, item, qty);
        match usual.iter().find(|u| u.product == id) {
            Some(u) => {
                let unit = line.item.product.input.unit;
                found.insert(
                    id,
                    Line {
                        last: Some(i18n.qty_unit(u.last_qty, unit)),
                        ..line
                    },
                );
            }
            None => others.push(line),
        }
    }
    // Usual products in their order (a product no longer offered is left out), then the rest
    // with the sold-out ones last.
    let usual: Vec<Line> = usual
        .iter()
        .filter_map(|u| found.remove(&u.product))
        .collect();
    others.sort_by_key(|l| l.sold_out);
    let failed = !errors.is_empty();
    let lang = i18n.lang;
    let mut res = render(
        &QuickOrderPage {
            page: m.ctx,
            hub_name: sheet.hub_name,
            buyer_name: sheet.buyer_name,
            usual,
            others,
            action: t.action.clone(),
            catalog: paths::Catalog(buyer, hs.hub(), cycle).to_string(),
            checkout: sheet.checkout,
            errors,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}
