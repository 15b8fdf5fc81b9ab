//! Receivables pages: an invoice with its balance, credit notes and payments (the hub issues
//! credit notes there), the credit notes (each as a PDF), payments (the hub records one with
//! its allocations), the hub's aging report (and its CSV), and a buyer's monthly statement of
//! account (and its PDF), for the hub or the buyer itself.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::{FormErrors, PerRow, Typed};
use crate::i18n::I18n;
use crate::pages::hub::fulfilment::{back_with, pdf};
use crate::pages::paths;
use crate::security::CsrfForm;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::ordering::local_day;
use halles_core::organizations::OrgKind;
use halles_core::quantity::Qty;
use halles_core::receivables::{AgingBucket, PaymentMethod, month_period};
use halles_core::refusals::Refusal;
use halles_core::{InvoiceId, OrgId};
use halles_store::StoreError;
use halles_store::hub::billing::credit_notes::{CreditLineInput, CreditNote, NewCreditNote};
use halles_store::hub::billing::invoices::IssuedInvoice;
use halles_store::hub::billing::receivables::{
    AgingReport, Allocation, NewPayment, Payment, Receivable, Statement,
};
use halles_store::platform::idempotency::FormKey;
use serde::{Deserialize, Serialize};

/// Documents a page.
const PAGE: i64 = 200;

/// Whether the member's organization is a hub.
fn is_hub(m: &Member<impl crate::ctx::RoleRequirement>) -> bool {
    m.org.kind == OrgKind::Hub
}

#[derive(Template)]
#[template(path = "invoice.html")]
struct InvoicePage {
    page: Ctx,
    inv: IssuedInvoice,
    balance: Receivable,
    notes: Vec<CreditNote>,
    allocations: Vec<Allocation>,
    issued: bool,
    /// The credit-note form's one-time key: sent twice, it issues once.
    key: String,
    errors: FormErrors,
    typed: Typed,
}

impl InvoicePage {
    fn status_key(&self) -> &'static str {
        status_key(self.balance.status)
    }

    fn line_name(&self, l: &halles_store::hub::billing::invoices::InvoiceLine) -> String {
        l.name(self.page.i18n.lang).to_owned()
    }

    fn line_qty(&self, l: &halles_store::hub::billing::invoices::InvoiceLine) -> String {
        self.page.i18n.qty_unit(l.quantity, l.unit)
    }

    /// What was typed in a field (empty when nothing was).
    fn typed(&self, field: &str) -> String {
        self.typed.get(field).unwrap_or_default().to_owned()
    }

    /// What was typed in a line's field (`qty` or `amount`).
    fn line_typed(&self, kind: &str, line_no: impl std::fmt::Display) -> String {
        self.typed(&format!("{kind}-{line_no}"))
    }

    /// Whether the whole invoice was chosen.
    fn full_chosen(&self) -> bool {
        self.typed.get("mode") == Some("full")
    }
}

/// The message key of an invoice's status.
pub fn status_key(s: halles_core::receivables::InvoiceStatus) -> &'static str {
    use halles_core::receivables::InvoiceStatus;
    match s {
        InvoiceStatus::Unpaid => "invoice-status-unpaid",
        InvoiceStatus::PartlyPaid => "invoice-status-partly_paid",
        InvoiceStatus::Paid => "invoice-status-paid",
        InvoiceStatus::Overdue => "invoice-status-overdue",
    }
}

/// The invoice page, with the credit-note form given back (errors and what was typed) or new.
async fn invoice_page(
    state: &AppState,
    m: Member<impl crate::ctx::RoleRequirement>,
    id: InvoiceId,
    errors: FormErrors,
    typed: Typed,
    key: Option<String>,
) -> Result<Response, PageError> {
    let inv = state.store.invoice(&m.scope, id).await?;
    let balance = state.store.receivable(&m.scope, id).await?;
    let notes = state.store.credit_notes_of_invoice(&m.scope, id).await?;
    let allocations = state.store.allocations_of_invoice(&m.scope, id).await?;
    let issued = inv.invoice.hub == m.scope.org;
    let lang = m.ctx.i18n.lang;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = render(
        &InvoicePage {
            page: m.ctx,
            inv,
            balance,
            notes,
            allocations,
            issued,
            key: key.unwrap_or_else(halles_store::platform::secrets::new_secret),
            errors,
            typed,
        },
        lang,
    );
    *res.status_mut() = status;
    Ok(res)
}

/// An invoice, for the hub that issued it or the buyer: its lines, balance and status, its
/// credit notes and the payments applied to it; the hub's form to issue a credit note.
pub async fn invoice(
    paths::Invoice(_, id): paths::Invoice,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    invoice_page(&state, m, id, FormErrors::none(), Typed::none(), None).await
}

/// A credit note as typed: `reason`, `mode` (`full` or `lines`), for each line `amount-N`
/// (money) or `qty-N` (a quantity), empty for none, and the form's one-time `key`.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CreditForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    key: String,
    #[serde(flatten)]
    lines: PerRow,
}

/// Reads a credit note from its form, or the fields in error.
fn credit_input(form: &CreditForm, i18n: &I18n) -> Result<NewCreditNote, FormErrors> {
    let reason = form.reason.clone();
    if form.mode == "full" {
        return Ok(NewCreditNote {
            reason,
            lines: None,
        });
    }
    let mut errors = FormErrors::none();
    let mut lines: Vec<CreditLineInput> = Vec::new();
    let typed = form
        .lines
        .starting_with("amount-")
        .chain(form.lines.starting_with("qty-"));
    for (key, value) in typed {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let Some((kind, no)) = key.split_once('-') else {
            continue;
        };
        let Ok(no) = no.parse::<i64>() else {
            errors.push(key, "err-bad-form", i18n);
            continue;
        };
        let i = match lines.iter().position(|l| l.line_no == no) {
            Some(i) => i,
            None => {
                lines.push(CreditLineInput {
                    line_no: no,
                    quantity: None,
                    amount: None,
                });
                lines.len() - 1
            }
        };
        if kind == "amount" {
            match Cents::parse_within(value, Limit::Movement) {
                Ok(a) => lines[i].amount = Some(a),
                Err(e) => errors.push(key, e.message_key("err-invalid_amount"), i18n),
            }
        } else {
            match Qty::parse_within(value) {
                Ok(q) => lines[i].quantity = Some(q),
                Err(e) => errors.push(key, e.message_key("err-invalid_amount"), i18n),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    lines.sort_by_key(|l| l.line_no);
    Ok(NewCreditNote {
        reason,
        lines: Some(lines),
    })
}

/// Issues a credit note on an invoice (the hub's staff), once per form (its one-time key),
/// back to the invoice; a refused one gives the form back with the message and what was typed.
pub async fn issue_credit_note(
    paths::IssueCreditNote(org, id): paths::IssueCreditNote,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<CreditForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let i18n = m.ctx.i18n;
    let back = paths::Invoice(org, id).to_string();
    let typed = Typed::of(&form);
    let input = match credit_input(&form, &i18n) {
        Ok(i) => i,
        Err(errors) => return invoice_page(&state, m, id, errors, typed, Some(form.key)).await,
    };
    let mut once = claim_once(&state, &m, "credit-note", &form.key, &typed).await?;
    if let Once::Fresh(key) = once {
        once = match state
            .store
            .issue_credit_note_once(&hs, id, &input, Some(&key))
            .await
        {
            Ok(_) => Once::Done,
            Err(StoreError::Refused(Refusal::IdempotencyKeyReused)) => {
                reused_once(&state, key).await?
            }
            Err(e) => {
                let errors = FormErrors::from_store(e, "reason", &i18n)?;
                return invoice_page(&state, m, id, errors, typed, Some(form.key)).await;
            }
        };
    }
    match once {
        // Issued now, or sent twice and issued by the first: nothing again.
        Once::Done | Once::Fresh(_) => {
            back_with(&state, Ok("flash-credit-note-issued".into()), &back)
        }
        Once::Refused(key) => {
            let errors = FormErrors::one("reason", key, &i18n);
            invoice_page(&state, m, id, errors, typed, None).await
        }
    }
}

#[derive(Template)]
#[template(path = "credit_notes.html")]
struct CreditNotesPage {
    page: Ctx,
    notes: Vec<CreditNote>,
    issued: bool,
}

/// The credit notes the organization issued (a hub) or received (a buyer), newest first.
pub async fn credit_notes(
    _: paths::CreditNotes,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let notes = state.store.credit_notes(&m.scope, None, PAGE).await?;
    let issued = is_hub(&m);
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &CreditNotesPage {
            page: m.ctx,
            notes,
            issued,
        },
        lang,
    ))
}

/// A credit note as a PDF, in the buyer's language.
pub async fn credit_note_pdf(
    paths::CreditNotePdf(_, id): paths::CreditNotePdf,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let cn = state.store.credit_note(&m.scope, id).await?;
    let bytes = super::credit_note_pdf(&cn).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
    Ok(pdf(bytes, &cn.note.number))
}

/// The payments page's query: the buyer whose open invoices the form lists.
#[derive(Debug, Default, Deserialize)]
pub struct PaymentsQuery {
    /// The buyer.
    #[serde(default)]
    pub acheteur: Option<i64>,
}

#[derive(Template)]
#[template(path = "payments.html")]
struct PaymentsPage {
    page: Ctx,
    payments: Vec<Payment>,
    issued: bool,
    buyers: Vec<(OrgId, String)>,
    buyer: Option<OrgId>,
    open: Vec<Receivable>,
    today: String,
    /// The form's one-time key: sent twice, it records once.
    key: String,
    errors: FormErrors,
    typed: Typed,
}

impl PaymentsPage {
    fn is_chosen(&self, id: &OrgId) -> bool {
        self.buyer == Some(*id)
    }

    fn method_key(&self, p: &Payment) -> &'static str {
        match p.method {
            PaymentMethod::Cheque => "payment-method-cheque",
            PaymentMethod::Interac => "payment-method-interac",
            PaymentMethod::Cash => "payment-method-cash",
            PaymentMethod::Card => "payment-method-card",
            PaymentMethod::Other => "payment-method-other",
        }
    }

    fn methods(&self) -> Vec<(&'static str, String)> {
        PaymentMethod::ALL
            .iter()
            .map(|m| {
                (
                    m.code(),
                    self.page.t(&format!("payment-method-{}", m.code())),
                )
            })
            .collect()
    }

    /// What was typed in a field, else `default`.
    fn typed_or(&self, field: &str, default: &str) -> String {
        self.typed.get(field).unwrap_or(default).to_owned()
    }

    /// What was typed for an invoice's allocation.
    fn alloc(&self, invoice: impl std::fmt::Display) -> String {
        self.typed_or(&format!("alloc-{invoice}"), "")
    }

    /// The day typed, else today.
    fn received_on(&self) -> String {
        self.typed_or("received_on", &self.today)
    }
}

/// The payments page, with a form given back (errors and what was typed) or a new one.
async fn payments_page(
    state: &AppState,
    m: Member<impl crate::ctx::RoleRequirement>,
    buyer: Option<OrgId>,
    errors: FormErrors,
    typed: Typed,
    key: Option<String>,
) -> Result<Response, PageError> {
    let issued = is_hub(&m);
    let payments = state
        .store
        .payments(&m.scope, if issued { buyer } else { None }, None, PAGE)
        .await?;
    let (buyers, open) = if issued {
        let hs = state.store.own_hub(&m.scope).await?;
        let buyers = state
            .store
            .buyers_billing(&hs)
            .await?
            .into_iter()
            .map(|b| (b.buyer, b.name))
            .collect();
        let open = match buyer {
            Some(b) => state
                .store
                .receivables(&m.scope, Some(b))
                .await?
                .into_iter()
                .filter(|r| r.balance().0 > 0)
                .collect(),
            None => Vec::new(),
        };
        (buyers, open)
    } else {
        (Vec::new(), Vec::new())
    };
    let today = local_day(state.store.now()).to_string();
    let lang = m.ctx.i18n.lang;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = render(
        &PaymentsPage {
            page: m.ctx,
            payments,
            issued,
            buyers,
            buyer,
            open,
            today,
            key: key.unwrap_or_else(halles_store::platform::secrets::new_secret),
            errors,
            typed,
        },
        lang,
    );
    *res.status_mut() = status;
    Ok(res)
}

/// Payments: the hub's (with the form to record one, allocated to the open invoices of the
/// buyer chosen), or the buyer's own.
pub async fn payments(
    _: paths::HubPayments,
    State(state): State<AppState>,
    Query(q): Query<PaymentsQuery>,
    m: Member,
) -> Result<Response, PageError> {
    let buyer = q.acheteur.map(OrgId);
    payments_page(&state, m, buyer, FormErrors::none(), Typed::none(), None).await
}

/// A payment as typed: `buyer`, `method`, `received_on`, `amount`, `reference`, `alloc-N`
/// (money) for each invoice N it pays, and the form's one-time `key`.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PaymentForm {
    #[serde(default)]
    buyer: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    key: String,
    #[serde(flatten)]
    allocs: PerRow,
}

/// Reads a payment from its form, or the fields in error.
fn payment_input(form: &PaymentForm, i18n: &I18n) -> Result<NewPayment, FormErrors> {
    let mut errors = FormErrors::none();
    let buyer = form.buyer.trim().parse().ok();
    if buyer.is_none() {
        errors.push("buyer", "err-bad-form", i18n);
    }
    let method = form.method.trim().parse().ok();
    if method.is_none() {
        errors.push("method", "err-bad-form", i18n);
    }
    let received_on = form.received_on.trim().parse().ok();
    if received_on.is_none() {
        errors.push("received_on", "err-date_invalid", i18n);
    }
    let amount = Cents::parse_input(form.amount.trim());
    if amount.is_none() {
        errors.push("amount", "err-invalid_amount", i18n);
    }
    let mut allocations = Vec::new();
    for (key, value) in form.allocs.starting_with("alloc-") {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let id = key.trim_start_matches("alloc-").parse().ok();
        match (id, Cents::parse_within(value, Limit::Movement)) {
            (Some(id), Ok(part)) if part.0 > 0 => allocations.push((InvoiceId(id), part)),
            (Some(_), Ok(_)) => {}
            (_, Err(e)) => errors.push(key, e.message_key("err-invalid_amount"), i18n),
            (None, Ok(_)) => errors.push(key, "err-bad-form", i18n),
        }
    }
    allocations.sort();
    match (buyer, method, received_on, amount) {
        (Some(buyer), Some(method), Some(received_on), Some(amount)) if errors.is_empty() => {
            Ok(NewPayment {
                buyer: OrgId(buyer),
                method,
                received_on,
                amount,
                reference: form.reference.trim().to_owned(),
                allocations,
            })
        }
        _ => Err(errors),
    }
}

/// What a one-time form key gave.
pub(crate) enum Once {
    /// New: do the write with it ([`FormKey`] kept in the write's transaction).
    Fresh(FormKey),
    /// Done already (the first submission's answer is stored with the key).
    Done,
    /// Not usable (too short or long, in progress, sent with other values): the message key.
    Refused(&'static str),
}

/// A page form's one-time key for the person (an idempotency key of no token, named after the
/// form and the person, so one person's key never answers another's), and what it left if it
/// was used. Nothing is claimed here: the write keeps the key in its own transaction.
pub(crate) async fn claim_once(
    state: &AppState,
    m: &Member<impl crate::ctx::RoleRequirement>,
    form: &str,
    key: &str,
    typed: &Typed,
) -> Result<Once, PageError> {
    let key = key.trim();
    if key.len() < 16 || key.len() > 64 {
        return Ok(Once::Refused("err-form-stale"));
    }
    let user = m.scope.actor.user.map_or(0, |u| u.0);
    let once = FormKey {
        org: m.scope.org,
        name: format!("{form}-{user}-{key}"),
        request_hash: crate::api::idempotency::request_hash(
            "POST",
            form,
            format!("{typed:?}").as_bytes(),
        ),
    };
    seen_once(state, once).await
}

/// What a form key left: [`Once::Fresh`] when unused.
async fn seen_once(state: &AppState, once: FormKey) -> Result<Once, PageError> {
    use halles_store::platform::idempotency::Claim;
    Ok(match state.store.form_key(&once).await? {
        None => Once::Fresh(once),
        Some(Claim::Replay { .. }) => Once::Done,
        Some(Claim::InProgress | Claim::Mismatch | Claim::Fresh) => {
            Once::Refused("err-form-sent-twice")
        }
    })
}

/// After a write refused with `idempotency_key_reused` (the same form sent twice at once):
/// done when the other one was written, else the form's message.
async fn reused_once(state: &AppState, once: FormKey) -> Result<Once, PageError> {
    Ok(match seen_once(state, once).await? {
        Once::Fresh(_) => Once::Refused("err-form-sent-twice"),
        other => other,
    })
}

/// Records a payment (the hub's staff), once per form (its one-time key), back to the
/// payments of its buyer; a refused one gives the form back with the message and what was
/// typed.
pub async fn record_payment(
    paths::HubPayments(org): paths::HubPayments,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<PaymentForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let i18n = m.ctx.i18n;
    let buyer = form.buyer.trim().parse().ok().map(OrgId);
    let typed = Typed::of(&form);
    let input = match payment_input(&form, &i18n) {
        Ok(i) => i,
        Err(errors) => return payments_page(&state, m, buyer, errors, typed, Some(form.key)).await,
    };
    let back = format!("{}?acheteur={}", paths::HubPayments(org), input.buyer);
    let mut once = claim_once(&state, &m, "payment", &form.key, &typed).await?;
    if let Once::Fresh(key) = once {
        once = match state
            .store
            .record_payment_once(&hs, &input, Some(&key))
            .await
        {
            Ok(_) => Once::Done,
            Err(StoreError::Refused(Refusal::IdempotencyKeyReused)) => {
                reused_once(&state, key).await?
            }
            Err(e) => {
                let errors = FormErrors::from_store(e, "amount", &i18n)?;
                return payments_page(&state, m, buyer, errors, typed, Some(form.key)).await;
            }
        };
    }
    match once {
        // Recorded now, or sent twice and recorded by the first: nothing again.
        Once::Done | Once::Fresh(_) => {
            back_with(&state, Ok("flash-payment-recorded".into()), &back)
        }
        Once::Refused(key) => {
            let errors = FormErrors::one("amount", key, &i18n);
            payments_page(&state, m, buyer, errors, typed, None).await
        }
    }
}

/// Voiding a payment: why.
#[derive(Debug, Default, Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    reason: String,
}

/// Voids a payment recorded by mistake (the hub's staff), back to its buyer's payments.
pub async fn void_payment(
    paths::VoidPayment(org, id): paths::VoidPayment,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<VoidForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let (p, _) = state.store.payment(&m.scope, id).await?;
    let back = format!("{}?acheteur={}", paths::HubPayments(org), p.buyer);
    let outcome = state
        .store
        .void_payment(&hs, id, &form.reason)
        .await
        .map(|_| "flash-payment-voided".to_owned());
    back_with(&state, outcome, &back)
}

/// Applying a buyer's credit: the invoice and the amount.
#[derive(Debug, Default, Deserialize)]
pub struct ApplyCreditForm {
    #[serde(default)]
    invoice: String,
    #[serde(default)]
    amount: String,
}

/// Applies what is left of a payment to one open invoice of its buyer (the hub's staff),
/// bounded by both; back to the buyer's payments.
pub async fn apply_credit(
    paths::ApplyCredit(org, id): paths::ApplyCredit,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ApplyCreditForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let (p, _) = state.store.payment(&m.scope, id).await?;
    let back = format!("{}?acheteur={}", paths::HubPayments(org), p.buyer);
    let invoice = form.invoice.trim().parse().map(InvoiceId);
    let amount = Cents::parse_within(form.amount.trim(), Limit::Movement);
    let outcome = match (invoice, amount) {
        (Ok(invoice), Ok(amount)) => state
            .store
            .apply_credit(&hs, id, &[(invoice, amount)])
            .await
            .map(|_| "flash-credit-applied".to_owned()),
        (Err(_), _) => Err(halles_store::StoreError::Refused(
            halles_core::refusals::Refusal::InvalidAmount,
        )),
        (_, Err(e)) => {
            let headers = crate::security::flash_headers(
                "error",
                e.message_key("err-invalid_amount"),
                state.config.secure_cookies,
            );
            return Ok(crate::pages::see_other(&back, headers));
        }
    };
    back_with(&state, outcome, &back)
}

/// The aging page's query: `format=csv` downloads it.
#[derive(Debug, Default, Deserialize)]
pub struct AgingQuery {
    /// `csv` for the file.
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Template)]
#[template(path = "aging.html")]
struct AgingPage {
    page: Ctx,
    report: AgingReport,
    month: String,
}

impl AgingPage {
    fn buckets(&self) -> Vec<(AgingBucket, String)> {
        AgingBucket::ALL
            .iter()
            .map(|b| (*b, self.page.t(&format!("aging-{}", b.code()))))
            .collect()
    }
}

/// The aging report as a table (the CSV download, the API's CSV): one line per buyer and the
/// total, amounts in dollars with a point.
pub fn aging_table(report: &AgingReport) -> halles_docs::Table {
    let mut header = vec!["buyer_id".to_owned(), "buyer".to_owned()];
    header.extend(AgingBucket::ALL.iter().map(|b| b.code().to_owned()));
    header.extend(["total".to_owned(), "credit".to_owned()]);
    let mut rows = Vec::with_capacity(report.rows.len() + 1);
    for r in &report.rows {
        let mut rec = vec![r.buyer.to_string(), r.name.clone()];
        rec.extend(AgingBucket::ALL.iter().map(|b| r.aging.get(*b).plain()));
        rec.extend([r.aging.total().plain(), r.credit.plain()]);
        rows.push(rec);
    }
    let mut rec = vec![String::new(), "total".to_owned()];
    rec.extend(
        AgingBucket::ALL
            .iter()
            .map(|b| report.total.get(*b).plain()),
    );
    rec.extend([report.total.total().plain(), report.credit.plain()]);
    rows.push(rec);
    halles_docs::Table {
        header,
        rows,
        ..Default::default()
    }
}

/// The hub's aging report today, or its CSV.
pub async fn aging(
    paths::Aging(_): paths::Aging,
    State(state): State<AppState>,
    Query(q): Query<AgingQuery>,
    m: Member,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let today = local_day(state.store.now());
    let report = state.store.aging(&hs, today).await?;
    if q.format.as_deref() == Some("csv") {
        let name = format!("comptes-clients-{today}");
        return crate::pages::table_file(&aging_table(&report), false, "aging", &name)
            .map_err(|e| PageError::internal(m.ctx.i18n.lang, e));
    }
    let month = today.strftime("%Y-%m").to_string();
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &AgingPage {
            page: m.ctx,
            report,
            month,
        },
        lang,
    ))
}

/// The statement's query: the buyer (a hub's page), the hub (a buyer's page), the month.
#[derive(Debug, Default, Deserialize)]
pub struct StatementQuery {
    /// The buyer, for a hub.
    #[serde(default)]
    pub acheteur: Option<i64>,
    /// The hub, for a buyer.
    #[serde(default)]
    pub pole: Option<i64>,
    /// `YYYY-MM` (this month when absent).
    #[serde(default)]
    pub mois: Option<String>,
}

#[derive(Template)]
#[template(path = "statement.html")]
struct StatementPage {
    page: Ctx,
    issued: bool,
    parties: Vec<(OrgId, String)>,
    chosen: Option<OrgId>,
    month: String,
    statement: Option<Statement>,
    reminders: Option<bool>,
    query: String,
}

impl StatementPage {
    fn is_chosen(&self, id: &OrgId) -> bool {
        self.chosen == Some(*id)
    }

    fn label(&self, e: &halles_store::hub::billing::receivables::StatementEntry) -> String {
        super::document::entry_label(&self.page.i18n, e)
    }

    fn buckets(&self) -> Vec<(AgingBucket, String)> {
        AgingBucket::ALL
            .iter()
            .map(|b| (*b, self.page.t(&format!("aging-{}", b.code()))))
            .collect()
    }
}

/// The statement a query asks for, for the member: the hub and buyer, the month, the
/// statement (none until both sides are known), and the other sides the member can choose.
async fn statement_of(
    state: &AppState,
    m: &Member,
    q: &StatementQuery,
) -> Result<
    (
        Vec<(OrgId, String)>,
        Option<OrgId>,
        String,
        Option<Statement>,
    ),
    PageError,
> {
    let today = local_day(state.store.now());
    let month = q
        .mois
        .clone()
        .filter(|s| month_period(s).is_some())
        .unwrap_or_else(|| today.strftime("%Y-%m").to_string());
    let (from, to) = month_period(&month).ok_or_else(|| {
        PageError::new(
            axum::http::StatusCode::NOT_FOUND,
            m.ctx.i18n.lang,
            "err-not-found",
        )
    })?;
    let (parties, chosen) = if is_hub(m) {
        let hs = state.store.own_hub(&m.scope).await?;
        let buyers: Vec<(OrgId, String)> = state
            .store
            .buyers_billing(&hs)
            .await?
            .into_iter()
            .map(|b| (b.buyer, b.name))
            .collect();
        (buyers, q.acheteur.map(OrgId))
    } else {
        let mut hubs: Vec<(OrgId, String)> = Vec::new();
        for r in state.store.receivables(&m.scope, None).await? {
            if !hubs.iter().any(|(h, _)| *h == r.hub) {
                hubs.push((r.hub, r.seller_name.clone()));
            }
        }
        let chosen = q.pole.map(OrgId).or(hubs.first().map(|h| h.0));
        (hubs, chosen)
    };
    let statement = match chosen {
        Some(other) => {
            let (hub, buyer) = if is_hub(m) {
                (m.scope.org, other)
            } else {
                (other, m.scope.org)
            };
            Some(
                state
                    .store
                    .statement(&m.scope, hub, buyer, from, to)
                    .await?,
            )
        }
        None => None,
    };
    Ok((parties, chosen, month, statement))
}

/// A buyer's statement of account for a month: for the hub (choose the buyer; switch its
/// reminders), or for the buyer (at each hub that invoiced it).
pub async fn statement(
    _: paths::Statement,
    State(state): State<AppState>,
    Query(q): Query<StatementQuery>,
    m: Member,
) -> Result<Response, PageError> {
    let (parties, chosen, month, statement) = statement_of(&state, &m, &q).await?;
    let issued = is_hub(&m);
    let reminders = match (issued, chosen) {
        (true, Some(b)) => {
            let hs = state.store.own_hub(&m.scope).await?;
            Some(state.store.buyer_reminders(&hs, b).await?)
        }
        _ => None,
    };
    let query = match chosen {
        Some(c) if issued => format!("?acheteur={c}&mois={month}"),
        Some(c) => format!("?pole={c}&mois={month}"),
        None => String::new(),
    };
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &StatementPage {
            page: m.ctx,
            issued,
            parties,
            chosen,
            month,
            statement,
            reminders,
            query,
        },
        lang,
    ))
}

/// The statement as a PDF, in the buyer's language.
pub async fn statement_pdf(
    _: paths::StatementPdf,
    State(state): State<AppState>,
    Query(q): Query<StatementQuery>,
    m: Member,
) -> Result<Response, PageError> {
    let (_, _, month, statement) = statement_of(&state, &m, &q).await?;
    let s = statement.ok_or_else(|| {
        PageError::new(
            axum::http::StatusCode::NOT_FOUND,
            m.ctx.i18n.lang,
            "err-not-found",
        )
    })?;
    let bytes = super::statement_pdf(&s).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
    Ok(pdf(bytes, &format!("releve-{}-{month}", s.buyer)))
}

/// The reminders switch's form.
#[derive(Debug, Default, Deserialize)]
pub struct RemindersForm {
    /// `on` or `off`.
    #[serde(default)]
    pub reminders: String,
}

/// Switches a buyer's reminders of overdue invoices (the hub's staff), back to its statement.
pub async fn set_reminders(
    paths::BuyerReminders(org, buyer): paths::BuyerReminders,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<RemindersForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let on = form.reminders == "on";
    let outcome = state
        .store
        .set_buyer_reminders(&hs, buyer, on)
        .await
        .map(|_| "flash-reminders-saved".to_owned());
    back_with(
        &state,
        outcome,
        &format!("{}?acheteur={buyer}", paths::Statement(org)),
    )
}
