//! What the hub holds: lots with what is on hand, set aside and free, best-before warnings; a
//! lot's ledger and recall report (page and CSV); losses, donations and counts by hand; finding
//! a lot by its code.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render, render_form};
use crate::forms::FormErrors;
use crate::pages::{paths, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::fulfilment::MovementKind;
use halles_core::quantity::Qty;
use halles_store::StoreError;
use halles_store::hub::fulfilment::stock::{Lot, Recall};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "stock.html")]
struct StockPage {
    page: Ctx,
    lots: Vec<Lot>,
    today: jiff::civil::Date,
}

impl StockPage {
    fn soon(&self, l: &Lot) -> bool {
        l.expires_within(self.today, 2)
    }
}

/// Every lot the hub still holds, the ones near their best-before first flagged.
pub async fn stock(
    _: paths::Stock,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let lots = state.store.lots(&hs, None).await?;
    let today = halles_core::ordering::local_day(state.store.now());
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &StockPage {
            page: m.ctx,
            lots,
            today,
        },
        lang,
    ))
}

#[derive(Template)]
#[template(path = "lot.html")]
struct LotPage {
    page: Ctx,
    recall: Recall,
    errors: FormErrors,
    kind: String,
    quantity: String,
    reason: String,
}

impl LotPage {
    fn kind_label(&self, k: &MovementKind) -> String {
        self.page.label("movement", k.code())
    }

    fn hand_kinds(&self) -> Vec<MovementKind> {
        MovementKind::ALL
            .iter()
            .copied()
            .filter(|k| k.by_hand())
            .collect()
    }
}

/// The `?format=csv` of a lot's page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LotQuery {
    format: String,
}

async fn lot_page(
    state: &AppState,
    m: Member<StaffRole>,
    lot: halles_core::LotId,
    errors: FormErrors,
    typed: (String, String, String),
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(state, &m).await?;
    let code = state.store.lot(&hs, lot).await?.code;
    let recall = state.store.recall(&hs, &code).await?;
    let failed = !errors.is_empty();
    let page = LotPage {
        page: m.ctx,
        recall,
        errors,
        kind: typed.0,
        quantity: typed.1,
        reason: typed.2,
    };
    let lang = page.page.i18n.lang;
    Ok(render_form(&page, lang, failed))
}

/// A lot: where it came from, where it went (the recall report), its ledger. `?format=csv`
/// downloads the recall report.
pub async fn lot(
    paths::Lot(_, lot): paths::Lot,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<LotQuery>,
) -> Result<Response, PageError> {
    if q.format == "csv" {
        let hs = crate::pages::hub::own_hub(&state, &m).await?;
        let code = state.store.lot(&hs, lot).await?.code;
        let recall = state.store.recall(&hs, &code).await?;
        let i18n = &m.ctx.i18n;
        let mut t = halles_docs::Table::new(
            [
                "col-lot",
                "col-producer",
                "col-product",
                "col-buyer",
                "col-order",
                "col-delivery-day",
                "col-delivered",
                "col-allocated",
            ]
            .iter()
            .map(|k| i18n.t(k))
            .collect(),
        );
        for r in &recall.recipients {
            t.push(vec![
                recall.lot.code.clone(),
                recall.lot.producer_name.clone(),
                recall.lot.name(i18n.lang).to_owned(),
                r.buyer_name.clone(),
                r.order.to_string(),
                r.delivery_day.map(|d| d.to_string()).unwrap_or_default(),
                r.delivered.plain(),
                r.allocated.plain(),
            ]);
        }
        return crate::pages::download(
            &m.ctx,
            t,
            "csv",
            "rappel",
            &format!("rappel-{}", recall.lot.code),
        );
    }
    lot_page(&state, m, lot, FormErrors::none(), Default::default()).await
}

/// A movement by hand, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MovementForm {
    kind: String,
    quantity: String,
    reason: String,
}

/// Records a loss, a donation or a count.
pub async fn movement(
    paths::LotMovement(org, lot): paths::LotMovement,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<MovementForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let kind = form.kind.parse::<MovementKind>();
    let quantity = signed_qty(&form.quantity);
    let saved = match (kind, quantity) {
        (Ok(k), Some(q)) => {
            state
                .store
                .record_movement(&hs, lot, k, q, &form.reason)
                .await
        }
        (Err(_), _) => Err(StoreError::field(
            "kind",
            halles_core::refusals::Refusal::ChoiceInvalid,
        )),
        (_, None) => Err(StoreError::Invalid(vec![
            halles_core::validation::FieldError::new("quantity", "qty_invalid"),
        ])),
    };
    match saved {
        Ok(()) => {
            let headers = flash_headers(
                "success",
                "flash-movement-saved",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::Lot(org, lot).to_string(), headers))
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Refused(_))) => {
            let errors = FormErrors::from_store(e, "quantity", &m.ctx.i18n)?;
            lot_page(
                &state,
                m,
                lot,
                errors,
                (form.kind, form.quantity, form.reason),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A quantity as typed, a leading minus allowed (a count that lowers what is on hand).
fn signed_qty(typed: &str) -> Option<Qty> {
    let t = typed.trim();
    match t.strip_prefix('-') {
        Some(rest) => Qty::parse_input(rest).map(|q| Qty(-q.0)),
        None => Qty::parse_input(t),
    }
}

/// A lot code to look up.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RecallQuery {
    lot: String,
}

/// Finds a lot by its code and opens it; an unknown code comes back to the stock page.
pub async fn recall(
    paths::Recall(org): paths::Recall,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<RecallQuery>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    match state.store.lot_by_code(&hs, &q.lot).await {
        Ok(l) => Ok(see_other(&paths::Lot(org, l.id).to_string(), [])),
        Err(StoreError::Refused(r)) => {
            let headers = flash_headers("error", &format!("err-{r}"), state.config.secure_cookies);
            Ok(see_other(&paths::Stock(org).to_string(), headers))
        }
        Err(e) => Err(e.into()),
    }
}
