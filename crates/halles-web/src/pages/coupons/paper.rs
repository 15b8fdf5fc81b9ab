//! Paper coupons in the web UI: a program's batches, issuing one (the operator), its printable
//! sheet, recording a hand-out (the batch's partner or the operator), voiding (the operator),
//! and redeeming at the register.

use super::programs::{ProgramView, view};
use super::register::{CardQuery, start_page};
use crate::AppState;
use crate::ctx::{CashierRole, Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::{FormErrors, Typed};
use crate::i18n::I18n;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::validation::FieldError;
use halles_core::{OrgId, ParticipantId, ProductGroupId, ProgramId, RegisterId};
use halles_store::StoreError;
use halles_store::coupons::{
    Envelope, PaperBatch, PaperBatchInput, PaperLookup, Participant, ProgramMember,
};
use serde::{Deserialize, Serialize};

#[derive(Template)]
#[template(path = "paper.html")]
struct PaperPage {
    page: Ctx,
    v: ProgramView,
    batches: Vec<PaperBatch>,
    partners: Vec<ProgramMember>,
    envelopes: Vec<Envelope>,
    participants: Vec<Participant>,
    errors: FormErrors,
    typed: Typed,
}

impl PaperPage {
    /// What was typed in a field, for the form shown again.
    fn typed(&self, field: &str) -> String {
        self.typed.get(field).unwrap_or_default().to_owned()
    }
    /// Whether an option was the one chosen.
    fn chosen(&self, field: &str, value: &str) -> bool {
        self.typed.get(field) == Some(value)
    }
}

async fn paper_page(
    state: &AppState,
    m: Member<impl crate::ctx::RoleRequirement>,
    id: ProgramId,
    errors: FormErrors,
    typed: Typed,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let batches = state.store.paper_batches(&v.scope).await?;
    let (partners, envelopes) = if v.is_operator() {
        let partners = state
            .store
            .program_members(id)
            .await?
            .into_iter()
            .filter(|p| p.role == halles_core::coupons::ProgramRole::Partner)
            .collect();
        (partners, state.store.envelopes(&v.scope, None).await?)
    } else {
        (Vec::new(), Vec::new())
    };
    let participants = if v.is_partner() {
        state.store.participants(&v.scope, "").await?
    } else {
        Vec::new()
    };
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &PaperPage {
            page: m.ctx,
            v,
            batches,
            partners,
            envelopes,
            participants,
            errors,
            typed,
        },
        lang,
        failed,
    ))
}

/// A program's paper coupons: the operator's batches and forms, a partner's batches and its
/// hand-out form.
pub async fn paper(
    paths::PaperCoupons(_, id): paths::PaperCoupons,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    paper_page(&state, m, id, FormErrors::none(), Typed::none()).await
}

/// The batch form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BatchForm {
    group: String,
    value: String,
    size: String,
    expires_on: String,
    partner: String,
    /// `reserve` or an envelope's id.
    source: String,
}

/// Shows the page again with the store's refusal on its fields and what was typed.
async fn refused_page(
    state: &AppState,
    m: Member<StaffRole>,
    id: ProgramId,
    e: StoreError,
    field: &str,
    typed: Typed,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let errors = match e {
        StoreError::Invalid(fields) => FormErrors::from_fields(&fields, &i18n),
        StoreError::Refused(code) => FormErrors::one(field, &format!("err-{code}"), &i18n),
        StoreError::NotFound if field == "group" => {
            FormErrors::one(field, "err-choice_invalid", &i18n)
        }
        StoreError::NotFound => FormErrors::one(field, "err-paper_unknown", &i18n),
        other => return Err(other.into()),
    };
    paper_page(state, m, id, errors, typed).await
}

/// Back to the page with `flash` when the store said yes, or the page again with its refusal
/// on `field` and what was typed.
async fn answer<T>(
    state: &AppState,
    m: Member<StaffRole>,
    id: ProgramId,
    result: Result<T, StoreError>,
    (flash, field): (&str, &str),
    typed: Typed,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => {
            let [f, k] = flash_headers("success", flash, state.config.secure_cookies);
            Ok(see_other(
                &paths::PaperCoupons(m.org.id, id).to_string(),
                [f, k],
            ))
        }
        Err(e) => refused_page(state, m, id, e, field, typed).await,
    }
}

/// Issues a batch (the operator).
pub async fn issue(
    paths::PaperCoupons(_, id): paths::PaperCoupons,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<BatchForm>,
) -> Result<Response, PageError> {
    let typed = Typed::of(&form);
    let program = super::programs::program_scope(&state, &m, id).await?;
    let mut bad = Vec::new();
    let value = Cents::parse_within(form.value.trim(), Limit::Movement)
        .map_err(|e| bad.push(FieldError::new("value", e.code_or("invalid_amount"))))
        .ok();
    let expires_on = form
        .expires_on
        .trim()
        .parse()
        .map_err(|_| bad.push(FieldError::new("expires_on", "paper_expiry_invalid")))
        .ok();
    let source = super::envelopes::parse_source(&form.source);
    if source.is_none() {
        bad.push(FieldError::new("source", "fund_source_required"));
    }
    let result = match (value, expires_on, source) {
        (Some(value), Some(expires_on), Some(source)) if bad.is_empty() => {
            let input = PaperBatchInput {
                group: ProductGroupId(form.group.trim().parse().unwrap_or(0)),
                value,
                size: form.size.trim().parse().unwrap_or(0),
                expires_on,
                partner: OrgId(form.partner.trim().parse().unwrap_or(0)),
                source,
            };
            state.store.issue_paper_batch(&program, &input).await
        }
        _ => Err(StoreError::Invalid(bad)),
    };
    // A group or partner that is not the program's is the form's choice gone wrong.
    let field = match result {
        Err(StoreError::NotFound) => "group",
        _ => "source",
    };
    answer(&state, m, id, result, ("flash-paper-issued", field), typed).await
}

/// A coupon named by what is printed on it, and who got it.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CouponForm {
    coupon: String,
    participant: String,
}

/// The coupon typed or scanned, or the form's error on `coupon`.
fn lookup(typed: &str) -> Result<PaperLookup, StoreError> {
    PaperLookup::parse(typed)
}

/// Records a hand-out (the batch's partner or the operator).
pub async fn hand_out(
    paths::PaperHandOut(_, id): paths::PaperHandOut,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<CouponForm>,
) -> Result<Response, PageError> {
    let typed = Typed::of(&form);
    let program = super::programs::program_scope(&state, &m, id).await?;
    let participant = form
        .participant
        .trim()
        .parse()
        .ok()
        .filter(|p: &i64| *p > 0)
        .map(ParticipantId);
    let result = match lookup(&form.coupon) {
        Ok(l) => state.store.hand_out_paper(&program, &l, participant).await,
        Err(e) => Err(e),
    };
    answer(
        &state,
        m,
        id,
        result,
        ("flash-paper-handed-out", "coupon"),
        typed,
    )
    .await
}

/// Voids a coupon not redeemed yet (the operator).
pub async fn void(
    paths::PaperVoid(_, id): paths::PaperVoid,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<CouponForm>,
) -> Result<Response, PageError> {
    let typed = Typed::of(&form);
    let program = super::programs::program_scope(&state, &m, id).await?;
    let result = match lookup(&form.coupon) {
        Ok(l) => state.store.void_paper(&program, &l).await,
        Err(e) => Err(e),
    };
    answer(
        &state,
        m,
        id,
        result,
        ("flash-paper-voided", "void_coupon"),
        typed,
    )
    .await
}

/// The printable sheet of a batch (PDF): QR code, serial, value, group, last day and program.
pub async fn batch_pdf(
    paths::PaperBatchPdf(_, id, batch): paths::PaperBatchPdf,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let scope = super::programs::program_scope(&state, &m, id).await?;
    let b = state.store.paper_batch(&scope, batch).await?;
    let coupons = state.store.paper_coupons(&scope, batch).await?;
    let program = scope.program();
    let p = &m.ctx;
    let lang = p.i18n.lang;
    let group = state
        .store
        .product_groups(program.id)
        .await?
        .into_iter()
        .find(|g| g.id == b.group)
        .map(|g| g.name(lang.code()).to_owned())
        .unwrap_or_default();
    let prints: Vec<halles_docs::CouponPrint> = coupons
        .iter()
        .map(|c| halles_docs::CouponPrint {
            serial: c.serial.as_str().to_owned(),
            qr_value: c.token.clone(),
        })
        .collect();
    let text = halles_docs::CouponSheetText {
        program: if program.public_name.is_empty() {
            program.name.clone()
        } else {
            program.public_name.clone()
        },
        title: p.ta("paper-sheet-title", [("batch", batch.to_string())]),
        value: p.money(b.value),
        group,
        expiry: p.ta("paper-sheet-expiry", [("date", p.day(b.expires_on))]),
    };
    let bytes = halles_docs::coupon_sheet(&prints, &text)
        .map_err(|e| PageError::internal(p.i18n.lang, e))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("inline; filename=\"coupons-{id}-{batch}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The register's message for a coupon it refuses, on the `coupon` field.
fn register_error(e: StoreError, i18n: &I18n) -> Result<FormErrors, PageError> {
    Ok(match e {
        StoreError::Invalid(fields) => FormErrors::from_fields(&fields, i18n),
        StoreError::Refused(code) => FormErrors::one("coupon", &format!("err-{code}"), i18n),
        StoreError::NotFound => FormErrors::one("coupon", "err-paper_unknown", i18n),
        other => return Err(other.into()),
    })
}

/// Redeems a paper coupon at the register, scanned or typed; the start page comes back with
/// the coupon's value, or with the refusal and what was typed.
pub async fn redeem(
    _: paths::RegisterPaper,
    State(state): State<AppState>,
    m: Member<CashierRole>,
    CsrfForm(q): CsrfForm<CardQuery>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let register = q.register().map(RegisterId);
    let result = match lookup(q.coupon()) {
        Ok(l) => state.store.redeem_paper(&m.scope, &l, register).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let [f, k] = flash_headers(
                "success",
                "flash-paper-redeemed",
                state.config.secure_cookies,
            );
            let back = match register {
                Some(r) => format!("{}?register={r}", paths::Register(m.org.id)),
                None => paths::Register(m.org.id).to_string(),
            };
            Ok(see_other(&back, [f, k]))
        }
        Err(e) => {
            let errors = register_error(e, &i18n)?;
            start_page(&state, m, errors, q).await
        }
    }
}
