//! A producer's purchase order (page and PDF), issuing the cycle's purchase orders, receiving
//! what a producer brought against it, and settling the lines it could not fill.

use super::{DayQuery, documents, hub_name, pdf};
use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render, render_form};
use crate::forms::FormErrors;
use crate::pages::{paths, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::fulfilment::ShortageChoice;
use halles_core::quantity::Qty;
use halles_core::{CycleId, OrderLineId, ProductId};
use halles_store::hub::cycles::Cycle;
use halles_store::hub::fulfilment::purchase_orders::{Issued, PoLine, PurchaseOrder};
use halles_store::hub::fulfilment::receiving::{Receipt, ReceiptLine, Resolution};
use serde::Deserialize;
use std::collections::HashMap;

/// Issues the purchase orders that changed since their last revision (the first at the
/// cut-off, if the worker has not yet).
pub async fn issue(
    paths::PurchaseOrdersIssue(org, CycleId(id)): paths::PurchaseOrdersIssue,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let back = paths::Fulfilment(org, CycleId(id)).to_string();
    let outcome = state
        .store
        .issue_purchase_orders(&hs, CycleId(id))
        .await
        .map(|issued| match issued.len() {
            0 => "flash-po-none".to_owned(),
            n => format!("flash-po-issued#{n}"),
        });
    super::back_with(&state, outcome, &back)
}

#[derive(Template)]
#[template(path = "purchase_order.html")]
struct PoPage {
    page: Ctx,
    cycle: Cycle,
    po: PurchaseOrder,
    revisions: Vec<Issued>,
    pdf: String,
    receive: Option<String>,
    back: String,
}

impl PoPage {
    fn rev_total(&self, r: &Issued) -> halles_core::money::Cents {
        r.lines.iter().map(|l| l.amount).sum()
    }

    fn changed_in(&self, l: &PoLine) -> bool {
        self.po
            .issued
            .as_ref()
            .is_some_and(|i| !i.lines.contains(l))
    }
}

/// A producer's purchase order for a day: page, or PDF with `?format=pdf`.
pub async fn purchase_order(
    paths::PurchaseOrder(org, CycleId(id), producer): paths::PurchaseOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, CycleId(id)).await?;
    let (po, revisions) = state
        .store
        .purchase_order(&hs, cycle.id, producer, q.day())
        .await?;
    if q.format == "pdf" {
        let hub = hub_name(&state, &hs).await?;
        let doc = documents::purchase_order(&m.ctx.i18n, &hub, &cycle, &po);
        let bytes =
            halles_docs::document_pdf(&doc).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
        return Ok(pdf(bytes, &format!("bon-{}-{}", cycle.id, producer)));
    }
    let day = q.jour.clone();
    let page = PoPage {
        pdf: format!(
            "{}?jour={day}&format=pdf",
            paths::PurchaseOrder(org, cycle.id, producer)
        ),
        receive: Some(format!(
            "{}?jour={day}",
            paths::Receive(org, cycle.id, producer)
        )),
        back: paths::Fulfilment(org, cycle.id).to_string(),
        page: m.ctx,
        cycle,
        po,
        revisions,
    };
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}

/// One line of the receiving form, as typed.
#[derive(Debug, Clone)]
pub struct ReceiveRow {
    line: PoLine,
    quantity: String,
    lot: String,
    packed_on: String,
    best_before: String,
}

#[derive(Template)]
#[template(path = "receive.html")]
struct ReceivePage {
    page: Ctx,
    cycle: Cycle,
    producer_name: String,
    action: String,
    rows: Vec<ReceiveRow>,
    errors: FormErrors,
    back: String,
}

/// The receiving form: one row per line of the producer's purchase order, the quantity
/// ordered put in.
pub async fn receive_form(
    paths::Receive(org, CycleId(id), producer): paths::Receive,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, CycleId(id)).await?;
    let (po, _) = state
        .store
        .purchase_order(&hs, cycle.id, producer, q.day())
        .await?;
    let i18n = &m.ctx.i18n;
    let rows = po
        .lines
        .iter()
        .map(|l| ReceiveRow {
            quantity: i18n.qty(l.quantity),
            line: l.clone(),
            lot: String::new(),
            packed_on: String::new(),
            best_before: String::new(),
        })
        .collect();
    let page = ReceivePage {
        action: format!(
            "{}?jour={}",
            paths::Receive(org, cycle.id, producer),
            q.jour
        ),
        back: paths::Fulfilment(org, cycle.id).to_string(),
        producer_name: po.producer_name,
        rows,
        errors: FormErrors::none(),
        page: m.ctx,
        cycle,
    };
    let lang = page.page.i18n.lang;
    Ok(render(&page, lang))
}

/// Records what the producer brought: every row's problem is shown at once and nothing is
/// recorded until all are right.
pub async fn receive(
    paths::Receive(org, CycleId(id), producer): paths::Receive,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<DayQuery>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, CycleId(id)).await?;
    let (po, _) = state
        .store
        .purchase_order(&hs, cycle.id, producer, q.day())
        .await?;
    let i18n = &m.ctx.i18n;
    let value = |name: String| {
        form.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut errors = FormErrors::none();
    for (i, l) in po.lines.iter().enumerate() {
        let row = ReceiveRow {
            line: l.clone(),
            quantity: value(format!("lines[{i}].quantity")),
            lot: value(format!("lines[{i}].lot_code")),
            packed_on: value(format!("lines[{i}].packed_on")),
            best_before: value(format!("lines[{i}].best_before")),
        };
        let quantity = match Qty::parse_within(&row.quantity) {
            Ok(q) => q,
            Err(e) => {
                errors.push(
                    &format!("lines[{i}].quantity"),
                    e.message_key("err-qty_invalid"),
                    i18n,
                );
                Qty::ZERO
            }
        };
        let mut date = |field: &str, typed: &str| -> Option<Date> {
            let t = typed.trim();
            if t.is_empty() {
                return None;
            }
            match t.parse() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(&format!("lines[{i}].{field}"), "err-date_invalid", i18n);
                    None
                }
            }
        };
        let packed_on = date("packed_on", &row.packed_on);
        let best_before = date("best_before", &row.best_before);
        lines.push(ReceiptLine {
            product: l.product,
            unit: l.unit,
            quantity,
            lot_code: row.lot.clone(),
            packed_on,
            best_before,
        });
        rows.push(row);
    }
    let receipt = Receipt {
        producer,
        delivery_day: q.day(),
        lines,
    };
    if !errors.is_empty() {
        // What the store would refuse too, so every row's problem shows at once.
        let more = state.store.check_receipt(&hs, cycle.id, &receipt).await?;
        let mut all = FormErrors::from_fields(&more, i18n);
        all.extend(errors);
        errors = all;
    } else {
        match state.store.receive(&hs, cycle.id, &receipt).await {
            Ok(lots) => {
                let headers = flash_headers(
                    "success",
                    &format!("flash-received#{}", lots.len()),
                    state.config.secure_cookies,
                );
                return Ok(see_other(
                    &paths::Fulfilment(org, cycle.id).to_string(),
                    headers,
                ));
            }
            Err(e) => errors = FormErrors::from_store(e, "lines", i18n)?,
        }
    }
    let page = ReceivePage {
        action: format!(
            "{}?jour={}",
            paths::Receive(org, cycle.id, producer),
            q.jour
        ),
        back: paths::Fulfilment(org, cycle.id).to_string(),
        producer_name: po.producer_name,
        rows,
        errors,
        page: m.ctx,
        cycle,
    };
    let lang = page.page.i18n.lang;
    Ok(render_form(&page, lang, true))
}

use jiff::civil::Date;

/// What the hub decides for a short line.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResolveForm {
    choice: String,
    substitute: String,
    quantity: String,
}

/// Settles a short line: lower it, replace it, or take it out; back to the preparation page
/// with the outcome.
pub async fn resolve(
    paths::Shortage(org, CycleId(id), line): paths::Shortage,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ResolveForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let choice = form
        .choice
        .parse::<ShortageChoice>()
        .unwrap_or(ShortageChoice::Reduce);
    let substitute = match (
        form.substitute.trim().parse::<i64>(),
        Qty::parse_within(&form.quantity),
    ) {
        (Ok(p), Ok(q)) => Some((ProductId(p), q)),
        _ => None,
    };
    let resolution = Resolution { choice, substitute };
    let outcome = state
        .store
        .resolve_shortage(&hs, CycleId(id), OrderLineId(line.0), &resolution)
        .await
        .map(|()| "flash-shortage-settled".to_owned());
    super::back_with(
        &state,
        outcome,
        &format!("{}#manques", paths::Fulfilment(org, CycleId(id))),
    )
}
