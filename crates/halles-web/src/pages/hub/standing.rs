//! Standing orders of a buyer: set up from an order (from a start day), skip a week, pause and
//! resume, stop (asking first whether what it placed this week leaves the open order).

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
use halles_store::hub::standing::{PlacedThisWeek, StandingChange, StandingInput, StandingOrder};
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
        product_name(&self.names, self.page.i18n.lang, p)
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
    /// The first day it may run (empty: at once).
    #[serde(default)]
    starts_on: String,
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
    let starts_at = match form.starts_on.trim() {
        "" => None,
        day => match crate::api::hub::standing::start_of_day(day) {
            Some(t) => Some(t),
            None => {
                let [f, k] = flash_headers("error", "err-date_invalid", secure);
                return Ok(see_other(&back, [f, k]));
            }
        },
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
        starts_at,
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

/// A change to a standing order; stopping one that placed lines this week asks first
/// whether they leave the open order (`retirer`: `oui` or `non`).
#[derive(Debug, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    retirer: Option<String>,
}

/// The question asked before stopping a standing order that placed lines this week.
#[derive(Template)]
#[template(path = "standing_stop.html")]
struct StopPage {
    page: Ctx,
    standing: StandingOrder,
    placed: Vec<PlacedThisWeek>,
    names: HashMap<ProductId, (String, String)>,
}

impl StopPage {
    fn name(&self, p: &ProductId) -> String {
        product_name(&self.names, self.page.i18n.lang, p)
    }
}

/// A product's name in a language (French when it has no English one), else its id.
fn product_name(
    names: &HashMap<ProductId, (String, String)>,
    lang: halles_core::accounts::Lang,
    p: &ProductId,
) -> String {
    names
        .get(p)
        .map(|(fr, en)| lang.pick(fr, en).to_owned())
        .unwrap_or_else(|| p.to_string())
}

/// Skips the next week, pauses, resumes or stops (`what` is `sauter`, `pause`, `reprendre` or
/// `arreter`).
pub async fn change(
    paths::StandingChange(_, StandingOrderId(id), what): paths::StandingChange,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ChangeForm>,
) -> Result<Response, PageError> {
    let id = StandingOrderId(id);
    let (change, key) = match what.as_str() {
        "sauter" => (StandingChange::Skip, "flash-standing-skipped"),
        "pause" => (StandingChange::Pause, "flash-standing-paused"),
        "reprendre" => (StandingChange::Resume, "flash-standing-resumed"),
        "arreter" => match form.retirer.as_deref() {
            Some("oui") => (
                StandingChange::Stop { take_back: true },
                "flash-standing-stopped-taken-back",
            ),
            Some("non") => (
                StandingChange::Stop { take_back: false },
                "flash-standing-stopped",
            ),
            _ => {
                let placed = state.store.placed_this_week(&m.scope, id).await?;
                if placed.is_empty() {
                    (
                        StandingChange::Stop { take_back: false },
                        "flash-standing-stopped",
                    )
                } else {
                    return stop_question(&state, m, id, placed).await;
                }
            }
        },
        _ => return Err(StoreError::NotFound.into()),
    };
    let secure = state.config.secure_cookies;
    let [f, k] = match state
        .store
        .change_standing_order(&m.scope, id, change)
        .await
    {
        Ok(_) => flash_headers("success", key, secure),
        Err(StoreError::Refused(code)) => flash_headers("error", &format!("err-{code}"), secure),
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(
        &paths::StandingOrders(m.org.id).to_string(),
        [f, k],
    ))
}

/// Asks whether what a standing order placed this week leaves the open order.
async fn stop_question(
    state: &AppState,
    m: Member<StaffRole>,
    id: StandingOrderId,
    placed: Vec<PlacedThisWeek>,
) -> Result<Response, PageError> {
    let standing = state
        .store
        .standing_orders(&m.scope)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(StoreError::NotFound)?;
    let ids: Vec<ProductId> = placed
        .iter()
        .flat_map(|p| p.lines.iter().map(|(p, _)| *p))
        .collect();
    let names = state.store.product_names(&ids).await?;
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &StopPage {
            page: m.ctx,
            standing,
            placed,
            names,
        },
        lang,
    ))
}
