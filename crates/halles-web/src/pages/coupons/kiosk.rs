//! Kiosk mode: card holders pay at a market's register themselves, on a tablet opened with the
//! register's secret link. Only the card's QR code is accepted (a typed number is not proof of
//! holding the card), the PIN is asked when the program has one, and a page sent twice never
//! spends twice. Kiosk pages are never cached, so the next person cannot page back to them.

use crate::AppState;
use crate::ctx::Ctx;
use crate::errors::{PageError, render_form};
use crate::forms::{FormErrors, Typed};
use crate::pages::coupons::register::{
    GroupLine, SaleForm, SaleRefusal, group_lines, read_amounts, refusal,
};
use crate::pages::paths;
use crate::security::CsrfForm;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use halles_core::{ProductGroupId, RedemptionId};
use halles_store::coupons::{
    Card, CardLookup, Kiosk, Once, Program, Redeemed, Redemption, RedemptionInput,
};
use halles_store::platform::idempotency::Claim;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "kiosk.html")]
struct StartPage {
    page: Ctx,
    errors: FormErrors,
    kiosk: Kiosk,
    secret: String,
}

#[derive(Template)]
#[template(path = "kiosk_card.html")]
struct CardPage {
    page: Ctx,
    errors: FormErrors,
    program: Program,
    program_name: String,
    card_token: String,
    sale: String,
    lines: Vec<GroupLine>,
    loyalty: Option<GroupLine>,
    secret: String,
}

impl CardPage {
    fn error_of(&self, l: &GroupLine) -> Option<String> {
        self.errors
            .get(&format!("amount_{}", l.group.id))
            .map(str::to_owned)
    }
}

#[derive(Template)]
#[template(path = "kiosk_receipt.html")]
struct ReceiptPage {
    page: Ctx,
    redemption: Redemption,
    names: HashMap<ProductGroupId, String>,
    balances: Vec<GroupLine>,
    secret: String,
}

impl ReceiptPage {
    fn name(&self, g: &ProductGroupId) -> String {
        self.names.get(g).cloned().unwrap_or_default()
    }
}

/// Kiosk pages are private to the moment: not cached, not indexed, no referrer.
fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    res
}

/// The kiosk of a link; a link turned off or renewed answers 404.
async fn kiosk_of(state: &AppState, page: &Ctx, secret: &str) -> Result<Kiosk, PageError> {
    state
        .store
        .kiosk(secret)
        .await?
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, page.i18n.lang, "err-kiosk-off"))
}

fn start_page(page: Ctx, kiosk: Kiosk, secret: String, errors: FormErrors) -> Response {
    let lang = page.i18n.lang;
    let failed = !errors.is_empty();
    private(render_form(
        &StartPage {
            page,
            errors,
            kiosk,
            secret,
        },
        lang,
        failed,
    ))
}

/// Step 1: "scan your card".
pub async fn start(
    paths::Kiosk(secret): paths::Kiosk,
    State(state): State<AppState>,
    page: Ctx,
) -> Result<Response, PageError> {
    let kiosk = kiosk_of(&state, &page, &secret).await?;
    Ok(start_page(page, kiosk, secret, FormErrors::none()))
}

#[allow(clippy::too_many_arguments)]
async fn card_page(
    state: &AppState,
    page: Ctx,
    secret: String,
    card: &Card,
    sale: String,
    program: Program,
    errors: FormErrors,
    typed: &Typed,
) -> Result<Response, PageError> {
    let lang = page.i18n.lang;
    let (lines, loyalty) = group_lines(state, card, lang.code(), typed).await?;
    let program_name = if program.public_name.is_empty() {
        program.name.clone()
    } else {
        program.public_name.clone()
    };
    let failed = !errors.is_empty();
    Ok(private(render_form(
        &CardPage {
            page,
            errors,
            program,
            program_name,
            card_token: card.token.clone(),
            sale,
            lines,
            loyalty,
            secret,
        },
        lang,
        failed,
    )))
}

/// The scanned card's QR value.
#[derive(Debug, serde::Deserialize)]
pub struct CardForm {
    #[serde(default)]
    card: String,
}

/// Step 2: the scanned card's balances, and the amounts to pay.
pub async fn card(
    paths::KioskCard(secret): paths::KioskCard,
    State(state): State<AppState>,
    page: Ctx,
    CsrfForm(form): CsrfForm<CardForm>,
) -> Result<Response, PageError> {
    let kiosk = kiosk_of(&state, &page, &secret).await?;
    let i18n = page.i18n;
    let typed = form.card.trim();
    let token = match CardLookup::parse(typed) {
        Ok(CardLookup::Token(t)) => t,
        Ok(CardLookup::Number(_)) | Err(_) => {
            let errors = FormErrors::one("card", "err-kiosk-scan", &i18n);
            return Ok(start_page(page, kiosk, secret, errors));
        }
    };
    let card = match state
        .store
        .find_card(&kiosk.scope(), &CardLookup::Token(token.clone()))
        .await
    {
        Ok(c) if c.status.can_spend() => {
            if !state.store.spends_at(&c, kiosk.scope().org).await? {
                let errors = FormErrors::one("card", "err-card_other_market", &i18n);
                return Ok(start_page(page, kiosk, secret, errors));
            }
            c
        }
        Ok(c) => {
            let key = format!("err-{}", c.status.refusal());
            let errors = FormErrors::one("card", &key, &i18n);
            return Ok(start_page(page, kiosk, secret, errors));
        }
        Err(halles_store::StoreError::NotFound) => {
            let errors = FormErrors::one("card", "err-card_unknown", &i18n);
            return Ok(start_page(page, kiosk, secret, errors));
        }
        Err(e) => return Err(e.into()),
    };
    let program = state.store.program_by_id(card.program).await?;
    let sale = halles_store::platform::secrets::new_secret();
    card_page(
        &state,
        page,
        secret,
        &card,
        sale,
        program,
        FormErrors::none(),
        &Typed::none(),
    )
    .await
}

/// Step 3: pays, and shows what was paid and what is left. The form's one-time sale number is
/// the idempotency key: the same page sent again shows the same receipt and spends nothing.
pub async fn pay(
    paths::KioskPay(secret): paths::KioskPay,
    State(state): State<AppState>,
    page: Ctx,
    CsrfForm(form): CsrfForm<SaleForm>,
) -> Result<Response, PageError> {
    let kiosk = kiosk_of(&state, &page, &secret).await?;
    let i18n = page.i18n;
    let scope = kiosk.scope();
    let token = form.card.clone();
    let sale = form.sale.clone();
    let typed = Typed::of(&form);
    let card = match state
        .store
        .find_card(&scope, &CardLookup::Token(token.clone()))
        .await
    {
        Ok(c) => c,
        Err(halles_store::StoreError::NotFound) => {
            let errors = FormErrors::one("card", "err-card_unknown", &i18n);
            return Ok(start_page(page, kiosk, secret, errors));
        }
        Err(e) => return Err(e.into()),
    };
    let program = state.store.program_by_id(card.program).await?;
    let groups = state.store.product_groups(card.program).await?;
    let lines = match read_amounts(&groups, &form.amounts, &i18n) {
        Ok(l) => l,
        Err(errors) => {
            return card_page(&state, page, secret, &card, sale, program, errors, &typed).await;
        }
    };
    if sale.len() < 16 {
        let errors = FormErrors::one("card", "err-kiosk-again", &i18n);
        return Ok(start_page(page, kiosk, secret, errors));
    }
    // What the form asked for (every field but the CSRF token), so the same sale number with
    // other amounts is refused.
    let hash =
        crate::api::idempotency::request_hash("POST", "/borne", format!("{typed:?}").as_bytes());
    let input = RedemptionInput {
        card: CardLookup::Token(token.clone()),
        register: Some(kiosk.register),
        lines,
        pin: form.pin,
    };
    let once = Once {
        token: kiosk.token,
        key: format!("kiosk-{sale}"),
        request_hash: hash,
        respond: |r| r.id.0.to_string(),
    };
    let redemption = match state.store.redeem_once(&scope, &input, Some(once)).await {
        // The holder's receipt is written by the worker, from the sale's event; a replay
        // made no sale, so no event and no second receipt.
        Ok(Redeemed::Done(r)) => r,
        Ok(Redeemed::Replay(Claim::Replay { body, .. })) => {
            let id = body
                .parse()
                .map_err(|_| halles_store::StoreError::Corrupt("idempotency_keys"))?;
            state.store.redemption(&scope, RedemptionId(id)).await?
        }
        Ok(Redeemed::Replay(_)) => {
            let errors = FormErrors::one("card", "err-kiosk-again", &i18n);
            return Ok(start_page(page, kiosk, secret, errors));
        }
        Err(e) => {
            return match refusal(e, &i18n)? {
                SaleRefusal::Card(errors) => Ok(start_page(page, kiosk, secret, errors)),
                SaleRefusal::Amounts(errors) => {
                    card_page(&state, page, secret, &card, sale, program, errors, &typed).await
                }
            };
        }
    };
    let lang = page.i18n.lang;
    let names = groups
        .iter()
        .map(|g| (g.id, g.name(lang.code()).to_owned()))
        .collect();
    let (mut balances, loyalty) = group_lines(&state, &card, lang.code(), &Typed::none()).await?;
    balances.extend(loyalty.filter(|l| l.balance.0 > 0));
    Ok(private(render_form(
        &ReceiptPage {
            page,
            redemption,
            names,
            balances,
            secret,
        },
        lang,
        false,
    )))
}
