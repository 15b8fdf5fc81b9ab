//! A product's GST and QST statuses by date: its producer, or a hub it works with (the hub is
//! the seller on its invoices), reads the history and adds a status from a day.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::{paths, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::ProductId;
use halles_core::taxes::{DatedCodes, TaxClass, TaxCodes, in_force};
use halles_core::validation::Validator;
use serde::{Deserialize, Serialize};

/// The status form as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct StatusForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    gst: String,
    #[serde(default)]
    qst: String,
}

impl StatusForm {
    /// The day and statuses, each problem on its field.
    fn parse(
        &self,
    ) -> Result<(jiff::civil::Date, TaxCodes), Vec<halles_core::validation::FieldError>> {
        let mut v = Validator::new();
        let from = self.from.trim().parse::<jiff::civil::Date>();
        if from.is_err() {
            v.add("from", "date_invalid");
        }
        let gst = self.gst.parse::<TaxClass>();
        if gst.is_err() {
            v.add("gst", "choice_invalid");
        }
        let qst = self.qst.parse::<TaxClass>();
        if qst.is_err() {
            v.add("qst", "choice_invalid");
        }
        match (from, gst, qst) {
            (Ok(from), Ok(gst), Ok(qst)) => Ok((from, TaxCodes { gst, qst })),
            _ => Err(v.into_errors()),
        }
    }
}

#[derive(Template)]
#[template(path = "product_taxes.html")]
struct TaxesPage {
    page: Ctx,
    product: ProductId,
    name: String,
    class: TaxClass,
    history: Vec<DatedCodes>,
    today: TaxCodes,
    form: StatusForm,
    errors: FormErrors,
    can_edit: bool,
}

impl TaxesPage {
    fn today_text(&self) -> String {
        self.page.ta(
            "taxstatus-today",
            [
                ("gst", self.page.label("taxstatus", self.today.gst.code())),
                ("qst", self.page.label("taxstatus", self.today.qst.code())),
            ],
        )
    }
    fn classes(&self) -> Vec<&'static str> {
        TaxClass::ALL.iter().map(|c| c.code()).collect()
    }
}

async fn page(
    state: &AppState,
    m: Member,
    id: ProductId,
    form: Option<(StatusForm, FormErrors)>,
) -> Result<Response, PageError> {
    let (class, history) = state.store.tax_statuses(&m.scope, id).await?;
    let names = state.store.product_names(&[id]).await?;
    let lang = m.ctx.i18n.lang;
    let name = names
        .get(&id)
        .map(|(fr, en)| match lang {
            halles_core::accounts::Lang::En if !en.is_empty() => en.clone(),
            _ => fr.clone(),
        })
        .unwrap_or_default();
    let today = in_force(
        &history,
        halles_core::ordering::local_day(state.store.now()),
    )
    .unwrap_or(TaxCodes::both(class));
    let failed = form.is_some();
    let (form, errors) = form.unwrap_or_else(|| {
        (
            StatusForm {
                from: String::new(),
                gst: today.gst.code().into(),
                qst: today.qst.code().into(),
            },
            FormErrors::none(),
        )
    });
    let can_edit = m.ctx.is_org_staff();
    let mut res = render(
        &TaxesPage {
            page: m.ctx,
            product: id,
            name,
            class,
            history,
            today,
            form,
            errors,
            can_edit,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// A product's tax history and the form that adds a status.
pub async fn show(
    paths::ProductTaxes(_, id): paths::ProductTaxes,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    page(&state, m, id, None).await
}

/// Adds a dated status, back to the history; the form again with what was typed when refused.
pub async fn add(
    paths::ProductTaxes(org, id): paths::ProductTaxes,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, PageError> {
    // Another organization's product is not found, whatever was typed.
    state.store.tax_statuses(&m.scope, id).await?;
    let outcome = match form.parse() {
        Ok((from, codes)) => state
            .store
            .set_tax_status(&m.scope, id, from, codes)
            .await
            .map_err(|e| FormErrors::from_store(e, "from", &m.ctx.i18n)),
        Err(errs) => Err(Ok(FormErrors::from_fields(&errs, &m.ctx.i18n))),
    };
    match outcome {
        Ok(()) => {
            let [f, k] = flash_headers(
                "success",
                "flash-taxstatus-saved",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::ProductTaxes(org, id).to_string(), [f, k]))
        }
        Err(Ok(errors)) => page(&state, Member::from_staff(m), id, Some((form, errors))).await,
        Err(Err(e)) => Err(e.into()),
    }
}
