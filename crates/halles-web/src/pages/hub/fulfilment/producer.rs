//! The producer's side of fulfilment: its purchase orders from every hub it sells through (page
//! and PDF), and, for its catch-weight products, a weight box per unit of each order line, to
//! fill on its phone before delivery; and the product labels of its own products.

use super::packing::{WeighForm, save_weights};
use super::{DayQuery, documents, pdf};
use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render, render_form};
use crate::forms::FormErrors;
use crate::pages::{paths, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::ordering::CycleStatus;
use halles_core::{CycleId, OrderLineId, OrgId};
use halles_store::StoreError;
use halles_store::hub::cycles::Cycle;
use halles_store::hub::fulfilment::purchase_orders::PurchaseOrder;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "producer_purchase_orders.html")]
struct ListPage {
    page: Ctx,
    cycles: Vec<(Cycle, String)>,
}

/// The cycles past their cut-off that the producer takes part in, newest first.
pub async fn list(
    _: paths::ProducerPurchaseOrders,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let mut cycles = Vec::new();
    for c in state.store.cycles_of_producer(&m.scope).await? {
        if matches!(c.status, CycleStatus::Closed | CycleStatus::Completed) {
            let hub = state.store.organization_by_id(c.hub).await?.name;
            cycles.push((c, hub));
        }
    }
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &ListPage {
            page: m.ctx,
            cycles,
        },
        lang,
    ))
}

/// A catch-weight line of the producer's to weigh.
pub struct ToWeigh {
    line: OrderLineId,
    buyer: String,
    product: String,
    units: usize,
    est: i64,
    weights: Vec<String>,
}

#[derive(Template)]
#[template(path = "producer_purchase_order.html")]
struct PoPage {
    page: Ctx,
    hub: OrgId,
    hub_name: String,
    cycle: Cycle,
    pos: Vec<PurchaseOrder>,
    weigh: Vec<ToWeigh>,
    errors: FormErrors,
}

impl PoPage {
    fn pdf(&self, po: &PurchaseOrder) -> String {
        format!(
            "{}?jour={}&format=pdf",
            paths::ProducerPurchaseOrder(self.page_org(), self.hub, self.cycle.id),
            po.delivery_day.map(|d| d.to_string()).unwrap_or_default()
        )
    }

    /// The producer's product labels of a purchase order's day: `extra` is `""` (letter
    /// sheet), `&stock=thermique` or `&format=zpl`.
    fn labels(&self, po: &PurchaseOrder, extra: &str) -> String {
        format!(
            "{}?jour={}{extra}",
            paths::ProducerProductLabels(self.page_org(), self.hub, self.cycle.id),
            po.delivery_day.map(|d| d.to_string()).unwrap_or_default()
        )
    }

    fn page_org(&self) -> OrgId {
        self.page.current.as_ref().map_or(OrgId(0), |c| c.org.id)
    }
}

async fn po_page(
    state: &AppState,
    m: Member<StaffRole>,
    hub: OrgId,
    cycle: CycleId,
    q: DayQuery,
    errors: FormErrors,
    typed: Option<(OrderLineId, Vec<String>)>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, hub).await?;
    let c = state.store.cycle(&hs, cycle).await?;
    let pos = state.store.purchase_orders(&hs, cycle).await?;
    let hub_name = state.store.organization_by_id(hub).await?.name;
    if q.format == "pdf" {
        let po = pos
            .iter()
            .find(|p| p.delivery_day == q.day())
            .ok_or(StoreError::NotFound)?;
        let doc = documents::purchase_order(&m.ctx.i18n, &hub_name, &c, po);
        let bytes =
            halles_docs::document_pdf(&doc).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
        return Ok(pdf(bytes, &format!("bon-{}-{}", c.id, m.org.id)));
    }
    let mut weigh = Vec::new();
    for line in state.store.lines_to_weigh(&hs, cycle).await? {
        let units = usize::try_from(line.quantity.0 / halles_core::quantity::Qty::SCALE)
            .unwrap_or(0)
            .min(200);
        let weights = match &typed {
            Some((l, w)) if *l == line.line => w.clone(),
            _ if !line.weights_g.is_empty() => {
                line.weights_g.iter().map(|g| g.to_string()).collect()
            }
            _ => vec![String::new(); units],
        };
        weigh.push(ToWeigh {
            line: line.line,
            product: if m.ctx.i18n.lang == halles_core::accounts::Lang::En
                && !line.name_en.is_empty()
            {
                line.name_en.clone()
            } else {
                line.name_fr.clone()
            },
            buyer: line.buyer_name,
            units,
            est: line.est_weight_g,
            weights,
        });
    }
    let failed = !errors.is_empty();
    let page = PoPage {
        page: m.ctx,
        hub,
        hub_name,
        cycle: c,
        pos,
        weigh,
        errors,
    };
    let lang = page.page.i18n.lang;
    Ok(render_form(&page, lang, failed))
}

/// The producer's purchase orders in a hub's cycle and the units it weighs.
pub async fn purchase_order(
    paths::ProducerPurchaseOrder(_, hub, cycle): paths::ProducerPurchaseOrder,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    po_page(&state, m, hub, cycle, q, FormErrors::none(), None).await
}

/// The producer records the weights of a line of its own product.
pub async fn weigh(
    paths::ProducerWeigh(org, hub, line): paths::ProducerWeigh,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<WeighForm>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, hub).await?;
    let cycle = CycleId(form.cycle.trim().parse().unwrap_or(0));
    match save_weights(&state, &hs, line, &form, &m.ctx.i18n).await? {
        None => {
            let headers = flash_headers("success", "flash-weighed", state.config.secure_cookies);
            Ok(see_other(
                &format!(
                    "{}#ligne-{line}",
                    paths::ProducerPurchaseOrder(org, hub, cycle)
                ),
                headers,
            ))
        }
        Some(errors) => {
            let typed = Some((line, form.weights));
            po_page(&state, m, hub, cycle, DayQuery::default(), errors, typed).await
        }
    }
}

/// Which product labels, on which stock.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LabelsQuery {
    jour: String,
    format: String,
    stock: String,
}

/// The producer's own product labels for a delivery day (`?jour=`): one per lot the hub
/// received from it and one per unit it weighed, without prices; PDF on a letter sheet of
/// 2 × 5, `?stock=thermique` 4 × 6 in, or `?format=zpl`.
pub async fn product_labels(
    paths::ProducerProductLabels(_, hub, cycle): paths::ProducerProductLabels,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<LabelsQuery>,
) -> Result<Response, PageError> {
    let hs = state.store.hub_scope(&m.scope, hub).await?;
    let day = q.jour.trim().parse().ok();
    let i18n = &m.ctx.i18n;
    let found = state.store.product_labels(&hs, cycle, day).await;
    let labels = documents::product_labels(i18n, &super::labels_or_message(found, i18n)?);
    let out = documents::LabelOutput::of(&q.format, &q.stock);
    let drawn = documents::draw_product_labels(&labels, out)
        .map_err(|e| PageError::internal(i18n.lang, e))?;
    let suffix = day
        .map(|d: jiff::civil::Date| d.to_string())
        .unwrap_or_default();
    Ok(super::labels_file(
        drawn,
        &format!("produits-{cycle}-{suffix}"),
    ))
}
