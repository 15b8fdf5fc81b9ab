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

/// How many rows the receiving form offers for products brought beyond the purchase order
/// (more can be received in another receipt).
const EXTRA_ROWS: usize = 3;

/// One row of the receiving form, as typed: a line of the purchase order, or a product the
/// producer brought beyond it (extra, or in place of another).
#[derive(Debug, Clone)]
pub struct ReceiveRow {
    line: Option<PoLine>,
    product: String,
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
    /// The producer's products, for the rows beyond the purchase order.
    products: Vec<(ProductId, String)>,
    /// The first row beyond the purchase order.
    first_extra: usize,
    errors: FormErrors,
    back: String,
}

/// What the receiving form is built from: the cycle, the producer's purchase order for the
/// day and its products.
struct Receiving {
    cycle: Cycle,
    po: PurchaseOrder,
    products: Vec<halles_store::hub::catalog::Product>,
}

async fn receiving(
    state: &AppState,
    m: &Member<StaffRole>,
    cycle: CycleId,
    producer: halles_core::OrgId,
    day: Option<Date>,
) -> Result<(halles_store::hub::HubScope, Receiving), PageError> {
    let hs = crate::pages::hub::own_hub(state, m).await?;
    let cycle = state.store.cycle(&hs, cycle).await?;
    let (po, _) = state
        .store
        .purchase_order(&hs, cycle.id, producer, day)
        .await?;
    let products = state
        .store
        .hub_products(&hs)
        .await?
        .into_iter()
        .filter(|p| p.producer == producer && p.input.active)
        .collect();
    Ok((
        hs,
        Receiving {
            cycle,
            po,
            products,
        },
    ))
}

/// The form's rows: the purchase order's lines then the extra rows, each with what was typed
/// (`form`), or, shown first, the quantity ordered put in.
fn rows_of(
    r: &Receiving,
    form: Option<&[(String, String)]>,
    i18n: &crate::i18n::I18n,
) -> Vec<ReceiveRow> {
    let value = |name: String| {
        form.and_then(|f| f.iter().find(|(k, _)| *k == name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let lines =
        r.po.lines
            .iter()
            .map(Some)
            .chain(std::iter::repeat_n(None, EXTRA_ROWS));
    lines
        .enumerate()
        .map(|(i, line)| ReceiveRow {
            product: value(format!("lines[{i}].product")),
            quantity: match (form, line) {
                (None, Some(l)) => i18n.qty(l.quantity),
                _ => value(format!("lines[{i}].quantity")),
            },
            lot: value(format!("lines[{i}].lot_code")),
            packed_on: value(format!("lines[{i}].packed_on")),
            best_before: value(format!("lines[{i}].best_before")),
            line: line.cloned(),
        })
        .collect()
}

fn receive_page(
    m: Member<StaffRole>,
    producer: halles_core::OrgId,
    jour: &str,
    r: Receiving,
    rows: Vec<ReceiveRow>,
    errors: FormErrors,
) -> Response {
    let org = m.org.id;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let page = ReceivePage {
        action: format!("{}?jour={jour}", paths::Receive(org, r.cycle.id, producer)),
        back: paths::Fulfilment(org, r.cycle.id).to_string(),
        first_extra: r.po.lines.len(),
        producer_name: r.po.producer_name,
        products: r
            .products
            .iter()
            .map(|p| {
                (
                    p.id,
                    format!(
                        "{} ({})",
                        p.name(lang),
                        m.ctx.label("unit", p.input.unit.code())
                    ),
                )
            })
            .collect(),
        rows,
        errors,
        page: m.ctx,
        cycle: r.cycle,
    };
    render_form(&page, lang, failed)
}

/// The receiving form: one row per line of the producer's purchase order, the quantity
/// ordered put in, and rows for products brought beyond it.
pub async fn receive_form(
    paths::Receive(_, CycleId(id), producer): paths::Receive,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    let (_, r) = receiving(&state, &m, CycleId(id), producer, q.day()).await?;
    let rows = rows_of(&r, None, &m.ctx.i18n);
    Ok(receive_page(
        m,
        producer,
        &q.jour,
        r,
        rows,
        FormErrors::none(),
    ))
}

/// Records what the producer brought: every row's problem is shown at once and nothing is
/// recorded until all are right. A row beyond the purchase order left without product and
/// quantity is not a product received.
pub async fn receive(
    paths::Receive(org, CycleId(id), producer): paths::Receive,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<DayQuery>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (hs, r) = receiving(&state, &m, CycleId(id), producer, q.day()).await?;
    let i18n = &m.ctx.i18n;
    let rows = rows_of(&r, Some(&form), i18n);
    let mut lines = Vec::new();
    // The row each receipt line came from: store errors name receipt lines.
    let mut row_of = Vec::new();
    let mut errors = FormErrors::none();
    for (i, row) in rows.iter().enumerate() {
        let (product, unit, extra) = match &row.line {
            Some(l) => (l.product, l.unit, false),
            None if row.product.trim().is_empty() && row.quantity.trim().is_empty() => continue,
            None => {
                let p = row.product.trim().parse().ok().map(ProductId);
                let found = r.products.iter().find(|x| Some(x.id) == p);
                (
                    p.unwrap_or(ProductId(0)),
                    found.map_or(halles_core::catalog::SaleUnit::Each, |x| x.input.unit),
                    true,
                )
            }
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
            t.parse().ok().or_else(|| {
                errors.push(&format!("lines[{i}].{field}"), "err-date_invalid", i18n);
                None
            })
        };
        let packed_on = date("packed_on", &row.packed_on);
        let best_before = date("best_before", &row.best_before);
        lines.push(ReceiptLine {
            product,
            extra,
            unit,
            quantity,
            lot_code: row.lot.clone(),
            packed_on,
            best_before,
        });
        row_of.push(i);
    }
    let receipt = Receipt {
        producer,
        delivery_day: q.day(),
        lines,
    };
    // Store errors name receipt lines; the form names rows.
    let on_rows = |found: Vec<halles_core::validation::FieldError>| {
        found
            .into_iter()
            .map(|mut e| {
                if let Some((k, rest)) = e
                    .field
                    .strip_prefix("lines[")
                    .and_then(|f| f.split_once(']'))
                    && let Some(row) = k.parse::<usize>().ok().and_then(|k| row_of.get(k))
                {
                    e.field = format!("lines[{row}]{rest}");
                }
                e
            })
            .collect::<Vec<_>>()
    };
    if !errors.is_empty() {
        // What the store would refuse too, so every row's problem shows at once (a value the
        // page could not read is sent as 0: the store's word on it is left out).
        let mut more = on_rows(state.store.check_receipt(&hs, r.cycle.id, &receipt).await?);
        more.retain(|e| !errors.has(&e.field));
        let mut all = FormErrors::from_fields(&more, i18n);
        all.extend(errors);
        errors = all;
    } else {
        match state.store.receive(&hs, r.cycle.id, &receipt).await {
            Ok(lots) => {
                let headers = flash_headers(
                    "success",
                    &format!("flash-received#{}", lots.len()),
                    state.config.secure_cookies,
                );
                return Ok(see_other(
                    &paths::Fulfilment(org, r.cycle.id).to_string(),
                    headers,
                ));
            }
            Err(halles_store::StoreError::Invalid(found)) => {
                errors = FormErrors::from_fields(&on_rows(found), i18n);
            }
            Err(e) => errors = FormErrors::from_store(e, "lines", i18n)?,
        }
    }
    Ok(receive_page(m, producer, &q.jour, r, rows, errors))
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
