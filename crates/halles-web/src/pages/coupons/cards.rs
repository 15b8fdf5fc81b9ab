//! A program's cards in the web UI: the list, batches with their printable sheet, and the
//! actions on one card.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::FormErrors;
use crate::pages::coupons::programs::{ProgramView, view};
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::coupons::CardStatus;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::{CardBatchId, ProductGroupId, ProgramId};
use halles_store::StoreError;
use halles_store::coupons::Card;
use serde::Deserialize;

// ---------- cards ----------

#[derive(Template)]
#[template(path = "cards.html")]
struct CardsPage {
    page: Ctx,
    v: ProgramView,
    cards: Vec<Card>,
    batches: Vec<(CardBatchId, usize)>,
    status: String,
    statuses: Vec<CardStatus>,
    errors: FormErrors,
}

/// The card filter.
#[derive(Debug, Deserialize, Default)]
pub struct CardsQuery {
    #[serde(default)]
    status: String,
}

async fn cards_page(
    state: &AppState,
    m: Member,
    id: ProgramId,
    status: String,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let v = view(state, &m, id).await?;
    let filter = status.parse::<CardStatus>().ok();
    let all = state.store.cards(&v.scope, None, None).await?;
    let mut batches: Vec<(CardBatchId, usize)> = Vec::new();
    for c in &all {
        if let Some(b) = c.batch {
            match batches.iter_mut().find(|(x, _)| *x == b) {
                Some((_, n)) => *n += 1,
                None => batches.push((b, 1)),
            }
        }
    }
    let cards = all
        .into_iter()
        .filter(|c| filter.is_none_or(|s| c.status == s))
        .take(500)
        .collect();
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &CardsPage {
            page: m.ctx,
            v,
            cards,
            batches,
            status,
            statuses: CardStatus::ALL.to_vec(),
            errors,
        },
        lang,
        failed,
    ))
}

/// The program's cards and batches.
pub async fn cards(
    paths::Cards(_, id): paths::Cards,
    State(state): State<AppState>,
    m: Member,
    Query(q): Query<CardsQuery>,
) -> Result<Response, PageError> {
    cards_page(&state, m, id, q.status, FormErrors::none()).await
}

/// The batch form.
#[derive(Debug, Deserialize)]
pub struct BatchForm {
    #[serde(default)]
    size: String,
}

/// Creates a batch of cards (the operator).
pub async fn create_batch(
    paths::Cards(_, id): paths::Cards,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<BatchForm>,
) -> Result<Response, PageError> {
    let size: u32 = form.size.trim().parse().unwrap_or(0);
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    match state.store.create_card_batch(&program, size).await {
        Ok(_) => {
            let [f, k] = flash_headers(
                "success",
                "flash-batch-created",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::Cards(m.org.id, id).to_string(), [f, k]))
        }
        Err(StoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&fields, &m.ctx.i18n);
            cards_page(&state, Member::from_staff(m), id, String::new(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The printable sheet of a batch (PDF): numbers and QR codes leading to the balance page.
pub async fn batch_pdf(
    paths::CardBatchPdf(_, id, batch): paths::CardBatchPdf,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let scope = state.store.operated_program(&m.scope, id).await?;
    let cards = state.store.cards(&scope, None, Some(batch)).await?;
    let program = scope.program();
    if cards.is_empty() {
        return Err(StoreError::NotFound.into());
    }
    let base = state.config.base_url.trim_end_matches('/');
    let prints: Vec<halles_docs::CardPrint> = cards
        .iter()
        .map(|c| halles_docs::CardPrint {
            number: c.number.as_str().to_owned(),
            qr_value: format!("{base}/c/{}", c.token),
        })
        .collect();
    let p = &m.ctx;
    let text = halles_docs::CardSheetText {
        program: if program.public_name.is_empty() {
            program.name.clone()
        } else {
            program.public_name.clone()
        },
        title: p.ta("cards-sheet-title", [("batch", batch.to_string())]),
        balance_hint: p.t("cards-sheet-hint"),
        artwork: state.store.card_artwork(program.id).await?,
    };
    let bytes =
        halles_docs::card_sheet(&prints, &text).map_err(|e| PageError::internal(p.i18n.lang, e))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("inline; filename=\"cartes-{id}-{batch}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// What a card action sends: the amount, group and reason of a gift or an adjustment (the
/// other actions send nothing).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CardActionForm {
    amount: String,
    group: String,
    reason: String,
    /// Where a manual load draws from: `reserve` or an envelope's id.
    source: String,
}

/// Operator actions on a card: `cadeau` (gift funds), `ajuster` (manual load or correction),
/// `desactiver`, `activer`, `retrouvee` (unlock a lost card).
pub async fn card_action(
    paths::CardAction(_, id, card, action): paths::CardAction,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<CardActionForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    // The card must be one of this program's (a page under one program never acts on another's).
    let program = crate::pages::coupons::programs::program_scope(&state, &m, id).await?;
    state.store.program_card(&program, card).await?;
    let typed = form.amount.trim();
    let reason = form.reason.trim();
    let result = match action.as_str() {
        "cadeau" => match Cents::parse_within(typed, Limit::Movement) {
            Ok(a) => state.store.load_gift_card(&program, card, a, reason).await,
            Err(e) => Err(e.into()),
        },
        "ajuster" => match Cents::parse_within_signed(typed, Limit::Movement) {
            Ok(a) => {
                let group = ProductGroupId(form.group.trim().parse().unwrap_or(0));
                state
                    .store
                    .adjust_funds(
                        &program,
                        card,
                        group,
                        a,
                        super::envelopes::parse_source(&form.source),
                        reason,
                    )
                    .await
            }
            Err(e) => Err(e.into()),
        },
        "desactiver" => state.store.set_card_enabled(&program, card, false).await,
        "activer" => state.store.set_card_enabled(&program, card, true).await,
        "retrouvee" => state.store.unlock_lost_card(&program, card).await,
        _ => Err(StoreError::NotFound),
    };
    match result {
        Ok(()) => {
            let [f, k] = flash_headers("success", "flash-saved", state.config.secure_cookies);
            Ok(see_other(&paths::Cards(m.org.id, id).to_string(), [f, k]))
        }
        Err(StoreError::Refused(code)) => {
            let errors = FormErrors::one("size", &format!("err-{code}"), &i18n);
            cards_page(&state, Member::from_staff(m), id, String::new(), errors).await
        }
        Err(StoreError::Insufficient(_)) => {
            let errors = FormErrors::one("size", "err-insufficient_funds", &i18n);
            cards_page(&state, Member::from_staff(m), id, String::new(), errors).await
        }
        Err(StoreError::Invalid(fields)) => {
            let mut errors = FormErrors::none();
            for f in &fields {
                errors.push("size", &format!("err-{}", f.code), &i18n);
            }
            cards_page(&state, Member::from_staff(m), id, String::new(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}
