//! The cashier's register: scan or type a card, enter amounts per product group, confirm; the
//! receipt; refunds; and the card holder's public balance page.

use crate::AppState;
use crate::ctx::{CashierRole, Ctx, Member, StaffRole};
use crate::errors::{PageError, render, render_form};
use crate::forms::{FormErrors, PerRow, Typed};
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::coupons::CardNumberError;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::refusals::Refusal;
use halles_core::{ProductGroupId, RedemptionId, RegisterId};
use halles_store::StoreError;
use halles_store::coupons::{
    Balance, Card, CardLookup, Once, ProductGroup, Program, Redeemed, Redemption, RedemptionInput,
    RegisterInfo,
};
use halles_store::platform::idempotency::Claim;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One product group on the register's screen.
pub(crate) struct GroupLine {
    /// The group.
    pub group: ProductGroup,
    /// Its name in the viewer's language.
    pub name: String,
    /// Balance.
    pub balance: Cents,
    /// What the cashier typed.
    pub typed: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct StartPage {
    page: Ctx,
    errors: FormErrors,
    card: String,
    /// The paper coupon typed or scanned in the paper-coupon form.
    coupon: String,
    registers: Vec<(RegisterId, String)>,
    register: Option<i64>,
    recent: Vec<Redemption>,
}

impl StartPage {
    fn selected(&self, id: &RegisterId) -> bool {
        self.register == Some(id.0)
    }
}

#[derive(Template)]
#[template(path = "register_card.html")]
struct CardPage {
    page: Ctx,
    errors: FormErrors,
    card: Card,
    /// What the cashier typed or scanned, sent again with the sale as proof of holding the card.
    proof: String,
    /// The sale's one-time number: the same form sent twice makes one sale.
    sale: String,
    program: Program,
    lines: Vec<GroupLine>,
    loyalty: Option<GroupLine>,
    register: Option<i64>,
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    page: Ctx,
    redemption: Redemption,
    card: Card,
    names: HashMap<ProductGroupId, String>,
    balances: Vec<GroupLine>,
    can_refund: bool,
    errors: FormErrors,
}

impl CardPage {
    fn error_of(&self, l: &GroupLine) -> Option<String> {
        self.errors
            .get(&format!("amount_{}", l.group.id))
            .map(str::to_owned)
    }
}

impl ReceiptPage {
    fn refund_error(&self, g: &ProductGroupId) -> Option<String> {
        self.errors.get(&format!("refund_{g}")).map(str::to_owned)
    }
    fn name(&self, g: &ProductGroupId) -> String {
        self.names.get(g).cloned().unwrap_or_default()
    }
    fn open(&self, g: &ProductGroupId) -> String {
        self.redemption
            .lines
            .iter()
            .find(|l| l.group == *g)
            .map(|l| self.page.i18n.money_input(Cents(l.amount.0 - l.refunded.0)))
            .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "card_public.html")]
struct PublicCardPage {
    page: Ctx,
    program: Program,
    card: Card,
    lines: Vec<GroupLine>,
    usable: bool,
    /// Whether the holder receives e-mails (and may stop them here).
    emails: bool,
}

/// Step 1's form: the card typed or scanned, and the register (in the body, never the URL);
/// the paper-coupon form sends the coupon instead of the card.
#[derive(Debug, Deserialize, Default)]
pub struct CardQuery {
    #[serde(default)]
    card: String,
    #[serde(default)]
    coupon: String,
    #[serde(default)]
    register: String,
}

impl CardQuery {
    /// The register chosen, if any.
    pub(crate) fn register(&self) -> Option<i64> {
        register_param(&self.register)
    }
    /// The paper coupon typed or scanned.
    pub(crate) fn coupon(&self) -> &str {
        &self.coupon
    }
}

fn register_param(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

pub(crate) async fn start_page(
    state: &AppState,
    m: Member<CashierRole>,
    errors: FormErrors,
    q: CardQuery,
) -> Result<Response, PageError> {
    let registers = state.store.registers(&m.scope).await?;
    let recent = state.store.recent_redemptions(&m.scope, 10).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    Ok(render_form(
        &StartPage {
            page: m.ctx,
            errors,
            card: q.card,
            coupon: q.coupon,
            register: register_param(&q.register).or(registers.first().map(|r| r.0.0)),
            registers,
            recent,
        },
        lang,
        failed,
    ))
}

/// Step 1: scan or type the card.
pub async fn start(
    _: paths::Register,
    State(state): State<AppState>,
    m: Member<CashierRole>,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let q = CardQuery {
        register: q.register,
        ..CardQuery::default()
    };
    start_page(&state, m, FormErrors::none(), q).await
}

/// The register chosen, kept in the first step's link.
#[derive(Debug, Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    register: String,
}

/// The balances of a card, by group, in the viewer's language (loyalty apart).
pub(crate) async fn group_lines(
    state: &AppState,
    card: &Card,
    lang: &str,
    typed: &Typed,
) -> Result<(Vec<GroupLine>, Option<GroupLine>), PageError> {
    let groups = state.store.product_groups(card.program).await?;
    let balances: Vec<Balance> = state.store.card_balances(card.id).await?;
    let mut lines = Vec::new();
    let mut loyalty = None;
    for g in groups {
        let line = GroupLine {
            name: g.name(lang).to_owned(),
            balance: balances
                .iter()
                .find(|b| b.group == g.id)
                .map(|b| b.balance)
                .unwrap_or(Cents(0)),
            typed: typed
                .get(&format!("amount_{}", g.id))
                .unwrap_or_default()
                .to_owned(),
            group: g,
        };
        if line.group.is_loyalty {
            loyalty = Some(line);
        } else {
            lines.push(line);
        }
    }
    Ok((lines, loyalty))
}

#[allow(clippy::too_many_arguments)]
async fn card_page(
    state: &AppState,
    m: Member<CashierRole>,
    card: Card,
    proof: String,
    sale: String,
    register: Option<i64>,
    errors: FormErrors,
    typed: &Typed,
) -> Result<Response, PageError> {
    let program = state.store.program_by_id(card.program).await?;
    let lang = m.ctx.i18n.lang;
    let (lines, loyalty) = group_lines(state, &card, lang.code(), typed).await?;
    let failed = !errors.is_empty();
    Ok(render_form(
        &CardPage {
            page: m.ctx,
            errors,
            card,
            proof,
            sale,
            program,
            lines,
            loyalty,
            register,
        },
        lang,
        failed,
    ))
}

/// What the cashier typed or scanned, read as a card number or a QR value.
fn card_lookup(typed: &str, i18n: &crate::i18n::I18n) -> Result<CardLookup, FormErrors> {
    CardLookup::parse(typed).map_err(|e| {
        let key = match e {
            CardNumberError::Length => "err-card_number_length",
            CardNumberError::CheckDigit => "err-card_check_digit",
        };
        FormErrors::one("card", key, i18n)
    })
}

/// The proof a sale carries: the number's 16 digits, or the QR token.
fn proof_of(lookup: &CardLookup) -> String {
    match lookup {
        CardLookup::Number(n) => n.as_str().to_owned(),
        CardLookup::Token(t) => t.clone(),
    }
}

/// Step 2: the card's balances and the amounts to take. The card comes in the form's body; the
/// next form carries it again, so the sale is made with what the cashier typed or scanned.
pub async fn card(
    _: paths::RegisterCard,
    State(state): State<AppState>,
    m: Member<CashierRole>,
    CsrfForm(q): CsrfForm<CardQuery>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let lookup = match card_lookup(&q.card, &i18n) {
        Ok(l) => l,
        Err(errors) => return start_page(&state, m, errors, q).await,
    };
    let card = match state.store.find_card(&m.scope, &lookup).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => {
            let errors = FormErrors::one("card", "err-card_unknown", &i18n);
            return start_page(&state, m, errors, q).await;
        }
        Err(e) => return Err(e.into()),
    };
    if !card.status.can_spend() {
        let key = format!("err-{}", card.status.refusal());
        let errors = FormErrors::one("card", &key, &i18n);
        return start_page(&state, m, errors, q).await;
    }
    // Said before any amount is typed: the holder's organization sends them elsewhere.
    if !state.store.spends_at(&card, m.scope.org).await? {
        let errors = FormErrors::one("card", "err-card_other_market", &i18n);
        return start_page(&state, m, errors, q).await;
    }
    let register = register_param(&q.register);
    // A fresh one-time sale number for this page's form (like the kiosk's).
    let sale = halles_store::platform::secrets::new_secret();
    card_page(
        &state,
        m,
        card,
        proof_of(&lookup),
        sale,
        register,
        FormErrors::none(),
        &Typed::none(),
    )
    .await
}

/// A sale: the card as typed or scanned (the proof of holding it), the register, the PIN when
/// the program asks for one, and the amounts in fields named after the program's product
/// groups (`amount_{group}`). The kiosk sends the same, with its one-time sale number.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SaleForm {
    pub card: String,
    pub register: String,
    pub sale: String,
    pub pin: Option<String>,
    #[serde(flatten)]
    pub amounts: PerRow,
}

/// Step 3: takes the amounts in one transaction and shows the receipt. The card is the number
/// or QR value in the form (never an id): the store looks it up again with the sale.
pub async fn pay(
    _: paths::RegisterSale,
    State(state): State<AppState>,
    m: Member<CashierRole>,
    CsrfForm(form): CsrfForm<SaleForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let register = register_param(&form.register);
    let again = CardQuery {
        register: register.map(|r| r.to_string()).unwrap_or_default(),
        ..CardQuery::default()
    };
    let lookup = match card_lookup(&form.card, &i18n) {
        Ok(l) => l,
        Err(errors) => return start_page(&state, m, errors, again).await,
    };
    let card = match state.store.find_card(&m.scope, &lookup).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => {
            let errors = FormErrors::one("card", "err-card_unknown", &i18n);
            return start_page(&state, m, errors, again).await;
        }
        Err(e) => return Err(e.into()),
    };
    let proof = proof_of(&lookup);
    let groups = state.store.product_groups(card.program).await?;
    let typed = Typed::of(&form);
    let sale = form.sale.trim().to_owned();
    let lines = match read_amounts(&groups, &form.amounts, &i18n) {
        Ok(l) => l,
        Err(errors) => {
            return card_page(&state, m, card, proof, sale, register, errors, &typed).await;
        }
    };
    // The form's one-time sale number is the idempotency key: a form without one (an old page)
    // starts again rather than sell without protection.
    if sale.len() < 16 || sale.len() > 64 {
        let errors = FormErrors::one("card", "err-register-sale-again", &i18n);
        return start_page(&state, m, errors, again).await;
    }
    // What the form asked for, so the same sale number with other amounts is refused.
    let hash =
        crate::api::idempotency::request_hash("POST", "/caisse", format!("{typed:?}").as_bytes());
    let input = RedemptionInput {
        card: lookup,
        register: register.map(RegisterId),
        lines,
        pin: form.pin,
    };
    // Keys of page sales belong to the cashier's market and no API token (token 0); the key
    // names the person, so one cashier's number never answers another's.
    let user = m.scope.actor.user.map(|u| u.0).unwrap_or(0);
    let once = Once {
        token: halles_core::TokenId(0),
        key: format!("register-{user}-{sale}"),
        request_hash: hash,
        respond: |r| r.id.0.to_string(),
    };
    let done = match state.store.redeem_once(&m.scope, &input, Some(once)).await {
        Ok(Redeemed::Done(r)) => Ok(r.id),
        // Sent twice: the first sale's receipt, nothing spent again.
        Ok(Redeemed::Replay(Claim::Replay { body, .. })) => body
            .parse()
            .map(RedemptionId)
            .map_err(|_| StoreError::Corrupt("idempotency_keys")),
        Ok(Redeemed::Replay(_)) => {
            let errors = FormErrors::one("card", "err-register-sale-again", &i18n);
            return start_page(&state, m, errors, again).await;
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(id) => {
            // The holder's receipt is written by the worker, from the sale's event.
            let [f, k] = flash_headers("success", "flash-redeemed", state.config.secure_cookies);
            Ok(see_other(&paths::Receipt(m.org.id, id).to_string(), [f, k]))
        }
        Err(e) => match refusal(e, &i18n)? {
            SaleRefusal::Card(errors) => start_page(&state, m, errors, again).await,
            SaleRefusal::Amounts(errors) => {
                card_page(&state, m, card, proof, sale, register, errors, &typed).await
            }
        },
    }
}

/// The amounts typed per product group (loyalty apart), or the fields in error.
pub(crate) fn read_amounts(
    groups: &[ProductGroup],
    amounts: &PerRow,
    i18n: &crate::i18n::I18n,
) -> Result<Vec<(ProductGroupId, Cents)>, FormErrors> {
    let mut lines = Vec::new();
    let mut errors = FormErrors::none();
    for g in groups.iter().filter(|g| !g.is_loyalty) {
        let field = format!("amount_{}", g.id);
        let typed = amounts.get(&field);
        if typed.is_empty() {
            continue;
        }
        match Cents::parse_within(typed, Limit::Movement) {
            Ok(c) => lines.push((g.id, c)),
            Err(e) => errors.push(&field, e.message_key("err-price_invalid"), i18n),
        }
    }
    if errors.is_empty() && lines.iter().all(|(_, c)| c.0 == 0) {
        let first = groups
            .iter()
            .find(|g| !g.is_loyalty)
            .map(|g| format!("amount_{}", g.id))
            .unwrap_or_default();
        errors.push(&first, "err-empty_redemption", i18n);
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// Why a sale was refused, and which page takes the message back.
pub(crate) enum SaleRefusal {
    /// The card itself (its state, or unknown): back to the first step.
    Card(FormErrors),
    /// An amount or the PIN: back to the amounts, with what was typed.
    Amounts(FormErrors),
}

/// The page message of a refused sale; other errors are passed on.
pub(crate) fn refusal(e: StoreError, i18n: &crate::i18n::I18n) -> Result<SaleRefusal, PageError> {
    Ok(match e {
        StoreError::Insufficient(g) => SaleRefusal::Amounts(FormErrors::one(
            &format!("amount_{g}"),
            "err-insufficient_funds",
            i18n,
        )),
        StoreError::Refused(
            code @ (Refusal::CardDisabled
            | Refusal::CardLost
            | Refusal::CardOtherMarket
            | Refusal::CardUnassigned),
        ) => SaleRefusal::Card(FormErrors::one("card", &format!("err-{code}"), i18n)),
        StoreError::Refused(code) => {
            let field = if code.code().starts_with("pin_") {
                "pin"
            } else {
                "card"
            };
            SaleRefusal::Amounts(FormErrors::one(field, &format!("err-{code}"), i18n))
        }
        e => return Err(e.into()),
    })
}

async fn receipt_page(
    state: &AppState,
    m: Member<CashierRole>,
    id: RedemptionId,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let redemption = state.store.redemption(&m.scope, id).await?;
    let card = state
        .store
        .find_card_by_id(&m.scope, redemption.card)
        .await?;
    let lang = m.ctx.i18n.lang;
    let groups = state.store.product_groups(card.program).await?;
    let names = groups
        .iter()
        .map(|g| (g.id, g.name(lang.code()).to_owned()))
        .collect();
    let (mut balances, loyalty) = group_lines(state, &card, lang.code(), &Typed::none()).await?;
    balances.extend(loyalty.filter(|l| l.balance.0 > 0));
    let failed = !errors.is_empty();
    // Only the market that made the sale refunds it (the operator reads it, no more).
    let can_refund =
        m.role.satisfies(halles_core::organizations::Role::Staff) && redemption.market == m.org.id;
    Ok(render_form(
        &ReceiptPage {
            page: m.ctx,
            redemption,
            card,
            names,
            balances,
            can_refund,
            errors,
        },
        lang,
        failed,
    ))
}

/// The receipt of a redemption.
pub async fn receipt(
    paths::Receipt(_, id): paths::Receipt,
    State(state): State<AppState>,
    m: Member<CashierRole>,
) -> Result<Response, PageError> {
    receipt_page(&state, m, id, FormErrors::none()).await
}

/// A refund: the amounts in fields named after the sale's product groups (`refund_{group}`)
/// and the reason.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RefundForm {
    refund_reason: String,
    #[serde(flatten)]
    amounts: PerRow,
}

/// Refunds part of a redemption (market staff and administrators).
pub async fn refund(
    paths::ReceiptRefund(_, id): paths::ReceiptRefund,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<RefundForm>,
) -> Result<Response, PageError> {
    let i18n = m.ctx.i18n;
    let r = state.store.redemption(&m.scope, id).await?;
    let mut lines = Vec::new();
    let mut errors = FormErrors::none();
    for l in &r.lines {
        let field = format!("refund_{}", l.group);
        let typed = form.amounts.get(&field);
        if typed.is_empty() {
            continue;
        }
        match Cents::parse_within(typed, Limit::Movement) {
            Ok(c) => {
                if c.0 > 0 {
                    lines.push((l.group, c));
                }
            }
            Err(e) => errors.push(&field, e.message_key("err-price_invalid"), &i18n),
        }
    }
    if errors.is_empty() && lines.is_empty() {
        errors.push("refund_reason", "err-invalid_amount", &i18n);
    }
    if errors.is_empty() {
        match state
            .store
            .refund(&m.scope, id, &lines, &form.refund_reason)
            .await
        {
            Ok(_) => {
                let [f, k] =
                    flash_headers("success", "flash-refunded", state.config.secure_cookies);
                return Ok(see_other(&paths::Receipt(m.org.id, id).to_string(), [f, k]));
            }
            Err(StoreError::Refused(code)) => {
                errors.push("refund_reason", &format!("err-{code}"), &i18n);
            }
            Err(e) => return Err(e.into()),
        }
    }
    receipt_page(&state, Member::from_staff(m), id, errors).await
}

/// The card holder's balance page, reached from the card's QR code: no sign-in, no identity,
/// only the balances and when they expire.
pub async fn public_card(
    paths::PublicCard(token): paths::PublicCard,
    State(state): State<AppState>,
    page: Ctx,
) -> Result<Response, PageError> {
    let lang = page.i18n.lang;
    let card = state
        .store
        .card_by_token(&token)
        .await
        .map_err(|_| PageError::new(StatusCode::NOT_FOUND, lang, "err-not-found"))?;
    let program = state.store.program_by_id(card.program).await?;
    let (mut lines, loyalty) = group_lines(&state, &card, lang.code(), &Typed::none()).await?;
    lines.extend(loyalty.filter(|l| l.balance.0 > 0));
    let usable = card.status.can_spend();
    let emails = state.store.holder_receives_email(&token).await?;
    let mut res = render(
        &PublicCardPage {
            page,
            program,
            card,
            lines,
            usable,
            emails,
        },
        lang,
    );
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res.headers_mut().insert(
        "referrer-policy",
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    Ok(res)
}

/// The card holder stops every e-mail, from their balance page.
pub async fn unsubscribe(
    paths::PublicCardEmails(token): paths::PublicCardEmails,
    State(state): State<AppState>,
    page: Ctx,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let lang = page.i18n.lang;
    state
        .store
        .unsubscribe_holder(&token)
        .await
        .map_err(|_| PageError::new(StatusCode::NOT_FOUND, lang, "err-not-found"))?;
    let [f, k] = flash_headers("success", "flash-unsubscribed", state.config.secure_cookies);
    Ok(see_other(&paths::PublicCard(token).to_string(), [f, k]))
}

#[derive(Template)]
#[template(path = "registers.html")]
struct RegistersPage {
    page: Ctx,
    registers: Vec<RegisterInfo>,
    errors: FormErrors,
    name: String,
    /// A kiosk link just made: shown this once.
    kiosk_link: Option<(RegisterId, String)>,
    /// A register's new name as typed, when refused.
    renamed: Option<(RegisterId, String)>,
}

impl RegistersPage {
    fn link_of(&self, id: &RegisterId) -> Option<&str> {
        self.kiosk_link
            .as_ref()
            .filter(|(r, _)| r == id)
            .map(|(_, l)| l.as_str())
    }

    fn rename_field(&self, r: &RegisterInfo) -> String {
        format!("name_{}", r.id)
    }

    fn name_of(&self, r: &RegisterInfo) -> String {
        match &self.renamed {
            Some((id, typed)) if *id == r.id => typed.clone(),
            _ => r.name.clone(),
        }
    }
}

async fn registers_page(
    state: &AppState,
    m: Member<crate::ctx::AdminRole>,
    errors: FormErrors,
    name: String,
    kiosk_link: Option<(RegisterId, String)>,
) -> Result<Response, PageError> {
    registers_page_with(state, m, errors, name, kiosk_link, None).await
}

async fn registers_page_with(
    state: &AppState,
    m: Member<crate::ctx::AdminRole>,
    errors: FormErrors,
    name: String,
    kiosk_link: Option<(RegisterId, String)>,
    renamed: Option<(RegisterId, String)>,
) -> Result<Response, PageError> {
    let registers = state.store.register_list(&m.scope).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let mut res = render_form(
        &RegistersPage {
            page: m.ctx,
            registers,
            errors,
            name,
            kiosk_link,
            renamed,
        },
        lang,
        failed,
    );
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// The market's registers (its administrators).
pub async fn registers(
    _: paths::Registers,
    State(state): State<AppState>,
    m: Member<crate::ctx::AdminRole>,
) -> Result<Response, PageError> {
    market_only(&m)?;
    registers_page(&state, m, FormErrors::none(), String::new(), None).await
}

/// Registers are a market's: any other kind of organization is refused (403).
fn market_only<R: crate::ctx::RoleRequirement>(m: &Member<R>) -> Result<(), PageError> {
    if m.org.kind == halles_core::organizations::OrgKind::Market {
        Ok(())
    } else {
        Err(PageError::new(
            StatusCode::FORBIDDEN,
            m.ctx.i18n.lang,
            "err-wrong-kind",
        ))
    }
}

/// A new register's name.
#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    name: String,
}

/// Adds a register to the market.
pub async fn create_register(
    _: paths::Registers,
    State(state): State<AppState>,
    m: Member<crate::ctx::AdminRole>,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> Result<Response, PageError> {
    market_only(&m)?;
    let mut v = halles_core::validation::Validator::new();
    v.required("name", &form.name);
    v.max_len("name", &form.name, 120);
    if let Err(errs) = v.finish() {
        let errors = FormErrors::from_fields(&errs, &m.ctx.i18n);
        return registers_page(&state, m, errors, form.name, None).await;
    }
    if form.name.trim().is_empty() {
        let errors = FormErrors::one("name", "err-required", &m.ctx.i18n);
        return registers_page(&state, m, errors, form.name, None).await;
    }
    state.store.create_register(&m.scope, &form.name).await?;
    let [f, k] = flash_headers("success", "flash-saved", state.config.secure_cookies);
    Ok(see_other(&paths::Registers(m.org.id).to_string(), [f, k]))
}

/// What to do with a register's kiosk mode.
#[derive(Debug, Deserialize)]
pub struct KioskForm {
    #[serde(default)]
    action: String,
}

/// Retires a register (the market's administrator).
pub async fn retire_register(
    paths::RegisterRetire(_, id): paths::RegisterRetire,
    State(state): State<AppState>,
    m: Member<crate::ctx::AdminRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    state.store.retire_register(&m.scope, id).await?;
    let [f, k] = flash_headers(
        "success",
        "flash-register-retired",
        state.config.secure_cookies,
    );
    Ok(see_other(&paths::Registers(m.org.id).to_string(), [f, k]))
}

/// A register's new name.
#[derive(Debug, Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

/// Renames a register (the market's administrator); a refusal comes back on the registers page
/// with what was typed, on the field `name_{id}`.
pub async fn rename_register(
    paths::RegisterRename(_, id): paths::RegisterRename,
    State(state): State<AppState>,
    m: Member<crate::ctx::AdminRole>,
    CsrfForm(form): CsrfForm<RenameForm>,
) -> Result<Response, PageError> {
    market_only(&m)?;
    match state.store.rename_register(&m.scope, id, &form.name).await {
        Ok(()) => {
            let [f, k] = flash_headers("success", "flash-saved", state.config.secure_cookies);
            Ok(see_other(&paths::Registers(m.org.id).to_string(), [f, k]))
        }
        Err(StoreError::Invalid(fields)) => {
            let mut errors = FormErrors::none();
            for e in &fields {
                errors.push(
                    &format!("name_{id}"),
                    &format!("err-{}", e.code),
                    &m.ctx.i18n,
                );
            }
            let renamed = Some((id, form.name));
            registers_page_with(&state, m, errors, String::new(), None, renamed).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Turns a register's kiosk mode on (or renews its link, shown once) or off.
pub async fn kiosk_action(
    paths::RegisterKiosk(_, id): paths::RegisterKiosk,
    State(state): State<AppState>,
    m: Member<crate::ctx::AdminRole>,
    CsrfForm(form): CsrfForm<KioskForm>,
) -> Result<Response, PageError> {
    let register = id;
    match form.action.as_str() {
        "open" => {
            let secret = state.store.open_kiosk(&m.scope, register).await?;
            let link = format!(
                "{}/borne/{secret}",
                state.config.base_url.trim_end_matches('/')
            );
            registers_page(
                &state,
                m,
                FormErrors::none(),
                String::new(),
                Some((register, link)),
            )
            .await
        }
        "close" => {
            state.store.close_kiosk(&m.scope, register).await?;
            let [f, k] =
                flash_headers("success", "flash-kiosk-closed", state.config.secure_cookies);
            Ok(see_other(&paths::Registers(m.org.id).to_string(), [f, k]))
        }
        _ => Err(PageError::new(
            StatusCode::BAD_REQUEST,
            m.ctx.i18n.lang,
            "err-bad-form",
        )),
    }
}
