//! Reimbursement claims and payment batches: a market claims what a program owes it for a
//! closed period; the operator approves or refuses, gathers approved claims into a payment
//! batch, downloads it for the bank and marks it paid, which e-mails a remittance notice.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::{FormErrors, PerRow, Typed};
use crate::pages::coupons::programs::{ProgramView, view};
use crate::pages::coupons::reports::FormatQuery;
use crate::pages::paths;
use crate::pages::{download, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::ClaimId;
use halles_core::ProgramId;
use halles_core::coupons::ClaimStatus;
use halles_core::refusals::Refusal;
use halles_docs::{Cell, Table};
use halles_store::StoreError;
use halles_store::coupons::{Claim, OwedPeriod, PaymentBatch};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Every claim status, in the filter's order.
const STATUSES: [ClaimStatus; 4] = [
    ClaimStatus::Submitted,
    ClaimStatus::Approved,
    ClaimStatus::Rejected,
    ClaimStatus::Paid,
];

/// The claims list's filter.
#[derive(Debug, Deserialize, Default)]
pub struct ClaimsQuery {
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "claims.html")]
struct ClaimsPage {
    page: Ctx,
    v: ProgramView,
    /// The market's closed periods and what they owe it.
    periods: Vec<OwedPeriod>,
    claims: Vec<Claim>,
    batches: Vec<PaymentBatch>,
    statuses: Vec<ClaimStatus>,
    status: String,
    errors: FormErrors,
    typed: Typed,
}

impl ClaimsPage {
    /// What was typed in a field when the form came back.
    fn typed(&self, field: &str) -> String {
        self.typed.get(field).unwrap_or_default().to_owned()
    }
    /// Claims the operator may put in a new batch.
    fn batchable(&self) -> Vec<&Claim> {
        self.claims
            .iter()
            .filter(|c| c.status == ClaimStatus::Approved && c.batch.is_none())
            .collect()
    }
}

/// The claims page: for a market, its closed periods (claim one) and its claims; for the
/// operator, every claim (approve, refuse, batch) and the payment batches.
pub async fn claims(
    paths::Claims(_, id): paths::Claims,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<ClaimsQuery>,
) -> Result<Response, PageError> {
    claims_page(&state, m, id, q.status, FormErrors::none(), Typed::none()).await
}

async fn claims_page(
    state: &AppState,
    m: Member,
    id: ProgramId,
    status: String,
    errors: FormErrors,
    typed: Typed,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let (periods, batches) = if v.is_operator() {
        (Vec::new(), state.store.payment_batches(&v.scope).await?)
    } else if v.is_market() {
        (state.store.owed_periods(&v.scope).await?, Vec::new())
    } else {
        return Err(crate::pages::coupons::programs::forbidden(&m.ctx));
    };
    let claims = state.store.claims(&v.scope, status.parse().ok()).await?;
    let failed = !errors.is_empty();
    let page = ClaimsPage {
        page: m.ctx,
        v,
        periods,
        claims,
        batches,
        statuses: STATUSES.to_vec(),
        status,
        errors,
        typed,
    };
    let lang = page.page.i18n.lang;
    Ok(render_form(&page, lang, failed))
}

/// A refusal of the store shown beside `field`, with what was typed.
async fn refused(
    state: &AppState,
    m: Member<StaffRole>,
    id: ProgramId,
    code: Refusal,
    field: String,
    typed: Typed,
) -> Result<Response, PageError> {
    let errors = FormErrors::one(&field, &format!("err-{code}"), &m.ctx.i18n);
    claims_page(
        state,
        Member::from_staff(m),
        id,
        String::new(),
        errors,
        typed,
    )
    .await
}

fn back(to: impl std::fmt::Display, flash: &str, state: &AppState) -> Response {
    let [f, k] = flash_headers("success", flash, state.config.secure_cookies);
    see_other(&to.to_string(), [f, k])
}

/// A claim for one closed period: the period's first day, and the notes, in fields named
/// after each period on the page (`note_{period}`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ClaimForm {
    period: String,
    #[serde(flatten)]
    notes: PerRow,
}

/// The market files a claim for the period starting on `period`, with an optional note.
pub async fn file(
    paths::Claims(_, id): paths::Claims,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ClaimForm>,
) -> Result<Response, PageError> {
    let raw = form.period.trim();
    let field = format!("note_{raw}");
    let Ok(start) = raw.parse::<Date>() else {
        return refused(
            &state,
            m,
            id,
            Refusal::PeriodInvalid,
            field,
            Typed::of(&form),
        )
        .await;
    };
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    match state
        .store
        .file_claim(&program, start, form.notes.get(&field))
        .await
    {
        Ok(_) => Ok(back(
            paths::Claims(m.org.id, id),
            "flash-claim-filed",
            &state,
        )),
        Err(StoreError::Refused(code)) => {
            refused(&state, m, id, code, field, Typed::of(&form)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A decision's reason, in a field named after the claim (`reason_{claim}`), since every
/// claim's form is on the same page.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DecisionForm {
    #[serde(flatten)]
    reasons: PerRow,
}

/// The operator approves (`approuver`) or refuses (`refuser`, with a reason) a claim.
pub async fn decide(
    paths::ClaimDecide(_, id, claim, action): paths::ClaimDecide,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, PageError> {
    let approve = match action.as_str() {
        "approuver" => true,
        "refuser" => false,
        _ => {
            return Err(PageError::new(
                axum::http::StatusCode::NOT_FOUND,
                m.ctx.i18n.lang,
                "err-not-found",
            ));
        }
    };
    let field = format!("reason_{claim}");
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    match state
        .store
        .decide_claim(&program, claim, approve, form.reasons.get(&field))
        .await
    {
        Ok(_) => Ok(back(paths::Claims(m.org.id, id), "flash-saved", &state)),
        Err(StoreError::Refused(code)) => {
            refused(&state, m, id, code, field, Typed::of(&form)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The approved claims ticked for a new payment batch (`claim` boxes).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BatchForm {
    claim: Vec<String>,
}

/// The operator gathers the ticked approved claims into a payment batch.
pub async fn create_batch(
    paths::Payments(_, id): paths::Payments,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<BatchForm>,
) -> Result<Response, PageError> {
    let claims: Vec<ClaimId> = form
        .claim
        .iter()
        .filter_map(|v| v.parse().ok().map(ClaimId))
        .collect();
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    match state.store.create_payment_batch(&program, &claims).await {
        Ok(b) => Ok(back(
            paths::PaymentBatch(m.org.id, id, b.id),
            "flash-payment-batch-created",
            &state,
        )),
        Err(StoreError::Refused(code)) => {
            refused(&state, m, id, code, "batch".into(), Typed::none()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "payment_batch.html")]
struct BatchPage {
    page: Ctx,
    v: ProgramView,
    batch: PaymentBatch,
    claims: Vec<Claim>,
    errors: FormErrors,
    paid_on: String,
    reference: String,
}

/// A payment batch with its claims and the form that marks it paid; `format=csv|xlsx`
/// downloads it (one line per claim, for the bank or the books).
pub async fn batch(
    paths::PaymentBatch(_, id, batch): paths::PaymentBatch,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, PageError> {
    let v = view(&state, &m, id).await?;
    let (batch, claims) = state.store.payment_batch(&v.scope, batch).await?;
    if f.format == "csv" || f.format == "xlsx" {
        let p = &m.ctx;
        let mut table = Table::new(
            [
                "batch-number",
                "report-market",
                "claim-period",
                "claim-period-end",
                "claim-amount",
                "claim-status",
                "batch-paid-on",
                "batch-reference",
            ]
            .iter()
            .map(|k| p.t(k))
            .collect(),
        );
        for c in &claims {
            table.push_cells(vec![
                Cell::text(batch.id.to_string()),
                Cell::text(c.market_name.clone()),
                Cell::date(c.period_start),
                Cell::date(c.last_day()),
                Cell::money(c.amount),
                Cell::text(p.label("claim-status", c.status.code())),
                batch
                    .paid_on
                    .map(Cell::date)
                    .unwrap_or_else(|| Cell::text("")),
                Cell::text(batch.reference.clone()),
            ]);
        }
        return download(
            p,
            table.with_total(p.t("report-total")),
            &f.format,
            &p.t("batch-title"),
            &format!("paiement-{}", batch.id),
        );
    }
    let today = halles_core::coupons::local_date(state.store.now()).to_string();
    let form = (today, String::new());
    Ok(batch_page(
        m.ctx,
        v,
        batch,
        claims,
        FormErrors::none(),
        form,
    ))
}

/// The batch page, with the payment form's errors and what was typed (date, reference).
fn batch_page(
    page: Ctx,
    v: ProgramView,
    batch: PaymentBatch,
    claims: Vec<Claim>,
    errors: FormErrors,
    (paid_on, reference): (String, String),
) -> Response {
    let failed = !errors.is_empty();
    let page = BatchPage {
        page,
        v,
        batch,
        claims,
        errors,
        paid_on,
        reference,
    };
    let lang = page.page.i18n.lang;
    render_form(&page, lang, failed)
}

/// The date a batch was paid on and the payment's reference.
#[derive(Debug, Deserialize)]
pub struct PaidForm {
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    reference: String,
}

/// The operator marks a batch paid on a date with the payment's reference; each market in it
/// gets a remittance notice by e-mail.
pub async fn pay(
    paths::PaymentBatchPaid(_, id, batch): paths::PaymentBatchPaid,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<PaidForm>,
) -> Result<Response, PageError> {
    let paid_on = form.paid_on.trim();
    let reference = form.reference.trim();
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    let result = match paid_on.parse::<Date>() {
        Ok(d) => {
            state
                .store
                .mark_batch_paid(&program, batch, d, reference)
                .await
        }
        Err(_) => Err(StoreError::field("paid_on", Refusal::DateInvalid)),
    };
    match result {
        // The store records the event; the worker e-mails the remittance notices.
        Ok(_) => Ok(back(
            paths::PaymentBatch(m.org.id, id, batch),
            "flash-batch-paid",
            &state,
        )),
        Err(e) => {
            let errors = FormErrors::from_store(e, "reference", &m.ctx.i18n)?;
            let v = view(&state, &m, id).await?;
            let (b, claims) = state.store.payment_batch(&program, batch).await?;
            let typed = (paid_on.to_owned(), reference.to_owned());
            Ok(batch_page(m.ctx, v, b, claims, errors, typed))
        }
    }
}
