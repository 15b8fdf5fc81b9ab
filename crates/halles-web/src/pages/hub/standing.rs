//! Standing orders of a buyer: set up from an order, skip a week, stop.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use halles_core::{OrderId, OrgId, ProductId, StandingOrderId};
use halles_store::StoreError;
use halles_store::hub::standing::{StandingInput, StandingOrder};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "standing.html")]
struct StandingPage {
    page: Ctx,
    orders: Vec<StandingOrder>,
    names: HashMap<ProductId, (String, String)>,
}

impl StandingPage {
    /// Whether the viewer is the hub that holds this standing order (it then sees the buyer).
    fn is_hub(&self, s: &StandingOrder) -> bool {
        self.page
            .current
            .as_ref()
            .is_some_and(|c| c.org.id == s.hub)
    }

    fn name(&self, p: &ProductId) -> String {
        self.names
            .get(p)
            .map(|(fr, en)| {
                if self.page.i18n.lang == halles_core::accounts::Lang::En && !en.is_empty() {
                    en.clone()
                } else {
                    fr.clone()
                }
            })
            .unwrap_or_else(|| p.to_string())
    }
}

/// The buyer's standing orders and what each became.
pub async fn list(
    _: paths::StandingOrders,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let orders = state.store.standing_orders(&m.scope).await?;
    let ids: Vec<ProductId> = orders
        .iter()
        .flat_map(|s| {
            s.input.lines.iter().map(|(p, _)| *p).chain(
                s.runs
                    .iter()
                    .flat_map(|r| r.shortages.iter().map(|(p, _, _)| *p)),
            )
        })
        .collect();
    let names = state.store.product_names(&ids).await?;
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &StandingPage {
            page: m.ctx,
            orders,
            names,
        },
        lang,
    ))
}

/// "Repeat this order".
#[derive(Debug, Deserialize)]
pub struct RepeatForm {
    #[serde(default)]
    every_weeks: String,
    #[serde(default)]
    until: String,
}

/// Sets up a standing order from an order.
pub async fn repeat(
    paths::OrderRepeat(_, OrgId(hub), OrderId(id)): paths::OrderRepeat,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<RepeatForm>,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let hs = state.store.hub_scope(&m.scope, OrgId(hub)).await?;
    let order = state.store.order(&hs, OrderId(id)).await?;
    let back = paths::Order(m.org.id, OrgId(hub), OrderId(id)).to_string();
    let cycle = state.store.cycle(&hs, order.cycle).await?;
    let until = crate::api::hub::standing::end_of_day(&form.until);
    let every = form.every_weeks.parse::<i64>().unwrap_or(0);
    let Some(until) = until else {
        let [f, k] = flash_headers("error", "err-until_invalid", secure);
        return Ok(see_other(&back, [f, k]));
    };
    let input = StandingInput {
        buyer: order.buyer,
        every_weeks: every,
        until,
        location_name: cycle
            .locations
            .iter()
            .find(|l| Some(l.id) == order.location)
            .map(|l| l.input.name.clone())
            .unwrap_or_default(),
        po_number: order.po_number.clone(),
        note: order.note.clone(),
        lines: order
            .lines
            .iter()
            .map(|l| (l.product.id, l.quantity))
            .collect(),
    };
    match state.store.create_standing_order(&hs, &input).await {
        Ok(_) => {
            let [f, k] = flash_headers("success", "flash-standing-created", secure);
            Ok(see_other(
                &paths::StandingOrders(m.org.id).to_string(),
                [f, k],
            ))
        }
        Err(StoreError::Refused(code)) => {
            let [f, k] = flash_headers("error", &format!("err-{code}"), secure);
            Ok(see_other(&back, [f, k]))
        }
        Err(e) => Err(e.into()),
    }
}

/// Skips the next week, or stops (`what` is `sauter` or `arreter`).
pub async fn change(
    paths::StandingChange(_, StandingOrderId(id), what): paths::StandingChange,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let stop = match what.as_str() {
        "arreter" => true,
        "sauter" => false,
        _ => return Err(StoreError::NotFound.into()),
    };
    state
        .store
        .change_standing_order(&m.scope, StandingOrderId(id), stop)
        .await?;
    let key = if stop {
        "flash-standing-stopped"
    } else {
        "flash-standing-skipped"
    };
    let [f, k] = flash_headers("success", key, state.config.secure_cookies);
    Ok(see_other(
        &paths::StandingOrders(m.org.id).to_string(),
        [f, k],
    ))
}
