//! Producers' statements and payouts: the hub chooses a period (a cycle or a month), sees
//! what each producer has left to put on a statement and the period's balance, issues the
//! statements and marks them paid; a producer reads its own statements and their payouts.
//! Each statement is a PDF.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::hub::fulfilment::{back_with, pdf};
use crate::pages::paths;
use crate::security::CsrfForm;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::organizations::OrgKind;
use halles_core::payouts::{ChargedTo, Period};
use halles_core::{CycleId, OrgId, StatementId};
use halles_store::hub::billing::payouts::{Draft, PeriodBalance, Statement, StatementInput};
use halles_store::hub::cycles::Cycle;
use serde::Deserialize;

/// Statements a page.
const PAGE: i64 = 200;

/// The period chosen: `cycle-12` or `mois-2026-12`.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    periode: String,
    /// A month typed as `2026-12`, instead of `periode`.
    #[serde(default)]
    mois: String,
}

/// Reads a period as the pages write it.
fn period_of(text: &str) -> Option<Period> {
    if let Some(id) = text.strip_prefix("cycle-") {
        let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
        return Some(Period::Cycle { cycle: CycleId(id) });
    }
    Period::parse_month(text.strip_prefix("mois-")?)
}

/// The payout typed for one statement.
#[derive(Debug, Default, Deserialize)]
pub struct PayForm {
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    reference: String,
}

#[derive(Template)]
#[template(path = "statements.html")]
struct StatementsPage {
    page: Ctx,
    hub: bool,
    cycles: Vec<Cycle>,
    periode: String,
    month: String,
    drafts: Vec<Draft>,
    balance: Option<PeriodBalance>,
    statements: Vec<Statement>,
    paying: Option<(StatementId, PayForm, FormErrors)>,
    errors: FormErrors,
}

impl StatementsPage {
    fn charged_to(&self) -> Vec<(&'static str, String)> {
        ChargedTo::ALL
            .iter()
            .map(|c| (c.code(), self.page.t(&format!("charged-to-{}", c.code()))))
            .collect()
    }

    fn period_label(&self, s: &Statement) -> String {
        if s.period_kind == "month" {
            self.page.ta(
                "statement-period-month",
                [("month", s.period_label.clone())],
            )
        } else {
            self.page.ta(
                "statement-period-cycle",
                [("cycle", s.period_label.clone())],
            )
        }
    }

    /// What was typed for this statement's payout, if it came back with errors.
    fn typed(&self, id: &StatementId) -> (&str, &str) {
        match &self.paying {
            Some((i, f, _)) if i == id => (&f.paid_on, &f.reference),
            _ => ("", ""),
        }
    }

    fn pay_errors(&self, id: &StatementId) -> FormErrors {
        match &self.paying {
            Some((i, _, e)) if i == id => e.clone(),
            _ => FormErrors::none(),
        }
    }
}

async fn page(
    state: &AppState,
    m: Member,
    periode: String,
    paying: Option<(StatementId, PayForm, FormErrors)>,
) -> Result<StatementsPage, PageError> {
    let lang = m.ctx.i18n.lang;
    let hub = match m.org.kind {
        OrgKind::Hub => true,
        OrgKind::Producer => false,
        _ => {
            return Err(PageError::new(
                StatusCode::FORBIDDEN,
                lang,
                "err-wrong_kind",
            ));
        }
    };
    let mut errors = FormErrors::none();
    let (mut cycles, mut drafts, mut balance) = (Vec::new(), Vec::new(), None);
    let mut month = String::new();
    if hub {
        let hs = crate::pages::hub::own_hub(state, &m).await?;
        cycles = state.store.cycles(&hs).await?;
        if let Some(text) = periode.strip_prefix("mois-") {
            month = text.to_owned();
        }
        if !periode.is_empty() {
            match period_of(&periode) {
                Some(p) => match state.store.statement_drafts(&hs, p).await {
                    Ok(d) => {
                        drafts = d;
                        balance = Some(state.store.period_balance(&hs, p).await?);
                    }
                    Err(e) => errors = FormErrors::from_store(e, "periode", &m.ctx.i18n)?,
                },
                None => errors = FormErrors::one("periode", "err-period_invalid", &m.ctx.i18n),
            }
        }
    }
    let statements = state.store.statements(&m.scope, None, None, PAGE).await?;
    Ok(StatementsPage {
        page: m.ctx,
        hub,
        cycles,
        periode,
        month,
        drafts,
        balance,
        statements,
        paying,
        errors,
    })
}

/// A hub's statements and the period it chose; a producer's own statements.
pub async fn list(
    _: paths::ProducerStatements,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let lang = m.ctx.i18n.lang;
    let periode = if q.mois.trim().is_empty() {
        q.periode
    } else {
        format!("mois-{}", q.mois.trim())
    };
    let p = page(&state, m, periode, None).await?;
    let mut res = render(&p, lang);
    if !p.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// Issuing a statement: the producer, the period, who bears the losses.
#[derive(Debug, Default, Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    producer: String,
    #[serde(default)]
    periode: String,
    #[serde(default)]
    losses: String,
}

/// Issues a producer's statement for the period, back to the period.
pub async fn issue(
    paths::IssueStatement(org): paths::IssueStatement,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<IssueForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let back = format!(
        "{}?periode={}",
        paths::ProducerStatements(org),
        form.periode
    );
    let input = match (
        form.producer.parse::<i64>(),
        period_of(&form.periode),
        form.losses.parse::<ChargedTo>(),
    ) {
        (Ok(p), Some(period), Ok(losses_charged_to)) => StatementInput {
            producer: OrgId(p),
            period,
            losses_charged_to,
        },
        _ => {
            let refused =
                halles_store::StoreError::Refused(halles_core::refusals::Refusal::ChoiceInvalid);
            return back_with(&state, Err(refused), &back);
        }
    };
    let outcome = state
        .store
        .issue_statement(&hs, input)
        .await
        .map(|_| "flash-statement-issued".to_owned());
    back_with(&state, outcome, &back)
}

/// Marks a statement paid; the page again with what was typed when refused.
pub async fn pay(
    paths::PayStatement(org, id): paths::PayStatement,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<PayForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    // A date that does not read is refused by the store's own check, after it looked the
    // statement up: another hub's id is not found whatever was typed.
    let day = form
        .paid_on
        .trim()
        .parse()
        .unwrap_or(jiff::civil::Date::MIN);
    let outcome = state
        .store
        .mark_statement_paid(&hs, id, day, &form.reference)
        .await;
    match outcome {
        Ok(()) => back_with(
            &state,
            Ok("flash-payout-recorded".to_owned()),
            &paths::ProducerStatements(org).to_string(),
        ),
        Err(e @ halles_store::StoreError::NotFound) => Err(e.into()),
        Err(e) => {
            let errors = FormErrors::from_store(e, "reference", &m.ctx.i18n)?;
            let lang = m.ctx.i18n.lang;
            let m: Member = Member::from_staff(m);
            let p = page(&state, m, String::new(), Some((id, form, errors))).await?;
            let mut res = render(&p, lang);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

/// A statement as a PDF, in the producer's language, for the hub or the producer.
pub async fn download(
    paths::ProducerStatementPdf(_, id): paths::ProducerStatementPdf,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let s = state.store.producer_statement(&m.scope, id).await?;
    let bytes =
        super::producer_statement_pdf(&s).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
    Ok(pdf(bytes, &s.statement.number))
}
