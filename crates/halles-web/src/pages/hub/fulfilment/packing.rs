//! Packing an order (on a tablet): its lines with the lots set aside, a weight box per unit of
//! each catch-weight line, a case number per line; a case found by scanning its label; the
//! cycle's pick list, packing list and labels as PDF or ZPL.

use super::documents::LabelOutput;
use super::{DayQuery, documents, hub_name, labels_file, pdf};
use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::FormErrors;
use crate::pages::{paths, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::{CycleId, OrderLineId};
use halles_store::StoreError;
use halles_store::hub::cycles::Cycle;
use halles_store::hub::fulfilment::packing::PackingOrder;
use halles_store::hub::orders::OrderLine;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "pack_order.html")]
struct PackPage {
    page: Ctx,
    cycle: Cycle,
    p: PackingOrder,
    /// Each line's typed values: weights (one box per unit) and case number.
    typed: HashMap<OrderLineId, (Vec<String>, String)>,
    errors: FormErrors,
    stop: Option<(String, i64)>,
}

impl PackPage {
    fn lots(&self, l: &OrderLine) -> String {
        self.p
            .lots
            .get(&l.id)
            .map(|v| {
                v.iter()
                    .map(|(code, q)| format!("{code} ({})", self.page.qty(q)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }

    fn weights(&self, l: &OrderLine) -> Vec<String> {
        self.typed
            .get(&l.id)
            .map(|t| t.0.clone())
            .unwrap_or_default()
    }

    fn case_of(&self, l: &OrderLine) -> String {
        self.typed
            .get(&l.id)
            .map(|t| t.1.clone())
            .unwrap_or_else(|| "1".to_owned())
    }

    fn by_producer(&self, l: &OrderLine) -> bool {
        self.p.weights.get(&l.id).is_some_and(|w| w.1)
    }

    fn est(&self, l: &OrderLine) -> String {
        l.catch_weight
            .map(|c| format!("{} g", c.est_weight_g))
            .unwrap_or_default()
    }
}

/// What the page shows typed: the weights as recorded and each line's case.
fn typed_of(p: &PackingOrder) -> HashMap<OrderLineId, (Vec<String>, String)> {
    p.order
        .lines
        .iter()
        .map(|l| {
            let units =
                usize::try_from(l.quantity.0 / halles_core::quantity::Qty::SCALE).unwrap_or(0);
            let weights = match p.weights.get(&l.id) {
                Some((w, _)) => w.iter().map(|g| g.to_string()).collect(),
                None if l.catch_weight.is_some() => vec![String::new(); units.min(200)],
                None => Vec::new(),
            };
            let case = p
                .cases
                .iter()
                .find(|c| c.lines.contains(&l.id))
                .map_or_else(|| "1".to_owned(), |c| c.number.to_string());
            (l.id, (weights, case))
        })
        .collect()
}

async fn pack_page(
    state: &AppState,
    m: Member<StaffRole>,
    id: CycleId,
    order: halles_core::OrderId,
    typed: Option<HashMap<OrderLineId, (Vec<String>, String)>>,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(state, &m).await?;
    let cycle = state.store.cycle(&hs, id).await?;
    let p = state.store.packing_order(&hs, order).await?;
    if p.order.cycle != cycle.id {
        return Err(StoreError::NotFound.into());
    }
    let stop = state
        .store
        .stop_of(&hs, order)
        .await?
        .map(|(_, name, n)| (name, n));
    let failed = !errors.is_empty();
    let page = PackPage {
        typed: typed.unwrap_or_else(|| typed_of(&p)),
        page: m.ctx,
        cycle,
        p,
        errors,
        stop,
    };
    let lang = page.page.i18n.lang;
    Ok(render_form(&page, lang, failed))
}

/// Packing an order: lines, lots, weights and cases.
pub async fn pack_form(
    paths::PackOrder(_, id, order): paths::PackOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    pack_page(&state, m, id, order, None, FormErrors::none()).await
}

/// The weights of one line, as typed (grams, one box per unit), whether the person confirmed
/// weights far from the estimate, and the page to come back to: the hub's order, or the
/// producer's cycle.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WeighForm {
    pub(super) weights: Vec<String>,
    confirm: String,
    order: String,
    pub(super) cycle: String,
}

/// Parses typed weights in grams ("1 950", "1950"): `None` for any that is not a whole number.
pub(crate) fn grams(typed: &[String]) -> Option<Vec<i64>> {
    typed
        .iter()
        .map(|w| {
            w.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .parse::<i64>()
                .ok()
        })
        .collect()
}

/// Records a line's typed weights, for the hub or the line's producer: `None` once saved, or
/// the refusal as the form's message on `weights[{line}]` (the hub's packing page and the
/// producer's page show it the same way).
pub(super) async fn save_weights(
    state: &AppState,
    hs: &halles_store::hub::HubScope,
    line: OrderLineId,
    form: &WeighForm,
    i18n: &crate::i18n::I18n,
) -> Result<Option<FormErrors>, PageError> {
    let saved = match grams(&form.weights) {
        Some(w) => {
            state
                .store
                .record_weights(hs, line, &w, form.confirm == "oui")
                .await
        }
        None => Err(StoreError::field(
            "weights",
            halles_core::refusals::Refusal::WeightInvalid,
        )),
    };
    let code = match saved {
        Ok(()) => return Ok(None),
        Err(StoreError::Invalid(f)) => f.first().map_or("invalid", |f| f.code),
        Err(StoreError::Refused(r)) => r.code(),
        Err(e) => return Err(e.into()),
    };
    Ok(Some(FormErrors::one(
        &format!("weights[{line}]"),
        &format!("err-{code}"),
        i18n,
    )))
}

/// Records a line's weights; back to the order's packing page.
pub async fn weigh(
    paths::WeighLine(org, id, line): paths::WeighLine,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<WeighForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let order: halles_core::OrderId = form
        .order
        .parse()
        .map_err(|_| PageError::from(StoreError::NotFound))?;
    match save_weights(&state, &hs, line, &form, &m.ctx.i18n).await? {
        None => {
            let headers = flash_headers("success", "flash-weighed", state.config.secure_cookies);
            Ok(see_other(
                &format!("{}#ligne-{line}", paths::PackOrder(org, id, order)),
                headers,
            ))
        }
        Some(errors) => {
            let p = state.store.packing_order(&hs, order).await?;
            let mut typed = typed_of(&p);
            if let Some(t) = typed.get_mut(&line) {
                t.0 = form.weights.clone();
            }
            pack_page(&state, m, id, order, Some(typed), errors).await
        }
    }
}

/// Packs the order in the cases typed per line.
pub async fn pack(
    paths::PackOrder(org, id, order): paths::PackOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let mut cases = Vec::new();
    let mut bad = false;
    for (k, v) in &form {
        if let Some(line) = k
            .strip_prefix("case[")
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|l| l.parse::<i64>().ok())
        {
            match v.trim().parse::<i64>() {
                Ok(n) => cases.push((OrderLineId(line), n)),
                Err(_) => bad = true,
            }
        }
    }
    let saved = if bad {
        Err(StoreError::field(
            "cases",
            halles_core::refusals::Refusal::CasesInvalid,
        ))
    } else {
        state.store.pack_order(&hs, order, &cases).await
    };
    match saved {
        Ok(ids) => {
            let headers = flash_headers(
                "success",
                &format!("flash-packed#{}", ids.len()),
                state.config.secure_cookies,
            );
            Ok(see_other(
                &paths::PackOrder(org, id, order).to_string(),
                headers,
            ))
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Refused(_))) => {
            let errors = FormErrors::from_store(e, "cases", &m.ctx.i18n)?;
            let p = state.store.packing_order(&hs, order).await?;
            let mut typed = typed_of(&p);
            for (k, v) in &form {
                if let Some(line) = k
                    .strip_prefix("case[")
                    .and_then(|r| r.strip_suffix(']'))
                    .and_then(|l| l.parse::<i64>().ok())
                    && let Some(t) = typed.get_mut(&OrderLineId(line))
                {
                    t.1 = v.clone();
                }
            }
            pack_page(&state, m, id, order, Some(typed), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A scanned or typed case code.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ScanQuery {
    code: String,
}

/// Finds a case by the value its label's barcode or QR code carries, and opens its order's
/// packing page; an unknown code comes back to the preparation page with a message.
pub async fn scan(
    paths::CaseScan(org, id): paths::CaseScan,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<ScanQuery>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    match state.store.case_by_scan(&hs, &q.code).await {
        Ok((order, case)) => Ok(see_other(
            &format!("{}#caisse-{case}", paths::PackOrder(org, id, order)),
            [],
        )),
        Err(StoreError::NotFound) => {
            let headers = flash_headers("error", "err-case_unknown", state.config.secure_cookies);
            Ok(see_other(
                &format!("{}#emballage", paths::Fulfilment(org, id)),
                headers,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Which labels, on which stock.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocQuery {
    jour: String,
    stock: String,
}

/// The cycle's documents for a day: `cueillette` (pick list, PDF), `emballage` (packing list,
/// PDF), `etiquettes` (case labels, PDF on a letter sheet of 2 × 5 or `?stock=thermique` 4 ×
/// 6 in), `etiquettes-zpl` (the same labels for Zebra printers), `produits` and
/// `produits-zpl` (producers' product labels: one per lot received, one per weighed unit).
pub async fn document(
    paths::FulfilmentDocument(_, id, doc): paths::FulfilmentDocument,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<DocQuery>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, id).await?;
    let day = DayQuery {
        jour: q.jour.clone(),
        format: String::new(),
    }
    .day();
    let hub = hub_name(&state, &hs).await?;
    let orders = state.store.packing_list(&hs, cycle.id, day).await?;
    let i18n = &m.ctx.i18n;
    let internal = |e: &dyn std::fmt::Display| PageError::internal(i18n.lang, e.to_string());
    let suffix = day.map(|d| d.to_string()).unwrap_or_default();
    match doc.as_str() {
        "cueillette" => {
            let pos = state.store.purchase_orders(&hs, cycle.id).await?;
            let d = documents::pick_list(i18n, &hub, &cycle, day, &pos, &orders);
            let bytes = halles_docs::document_pdf(&d).map_err(|e| internal(&e))?;
            Ok(pdf(bytes, &format!("cueillette-{}-{suffix}", cycle.id)))
        }
        "emballage" => {
            if orders.is_empty() {
                return Err(StoreError::NotFound.into());
            }
            let docs = documents::packing_list(i18n, &hub, &cycle, &orders);
            let bytes = halles_docs::documents_pdf(docs).map_err(|e| internal(&e))?;
            Ok(pdf(bytes, &format!("emballage-{}-{suffix}", cycle.id)))
        }
        "etiquettes" | "etiquettes-zpl" => {
            let stops = documents::stops_of(&state.store, &hs, &orders).await?;
            let labels = documents::case_labels(i18n, &hub, &orders, &stops);
            if labels.is_empty() {
                return Err(PageError::new(
                    StatusCode::NOT_FOUND,
                    i18n.lang,
                    "err-no_cases",
                ));
            }
            let out = LabelOutput::of(if doc == "etiquettes-zpl" { "zpl" } else { "" }, &q.stock);
            let drawn = documents::draw_case_labels(&labels, out).map_err(|e| internal(&e))?;
            Ok(labels_file(
                drawn,
                &format!("etiquettes-{}-{suffix}", cycle.id),
            ))
        }
        "produits" | "produits-zpl" => {
            let found = state.store.product_labels(&hs, cycle.id, day).await;
            let labels = documents::product_labels(i18n, &super::labels_or_message(found, i18n)?);
            let out = LabelOutput::of(if doc == "produits-zpl" { "zpl" } else { "" }, &q.stock);
            let drawn = documents::draw_product_labels(&labels, out).map_err(|e| internal(&e))?;
            Ok(labels_file(
                drawn,
                &format!("produits-{}-{suffix}", cycle.id),
            ))
        }
        _ => Err(StoreError::NotFound.into()),
    }
}
