//! Receivables: a buyer's payments to a hub, allocated to its invoices (several at once, in
//! part), the rest kept as the buyer's credit to apply later; each invoice's balance and
//! status; the hub's aging report; a buyer's monthly statement of account; reminders of
//! overdue invoices.
//!
//! Everything is computed from the frozen documents and the allocations, as of a day: an
//! invoice counts from its date, a credit note from its date, a payment from the day it was
//! received, an allocation from the day it was applied (the payment's day, or the invoice's if
//! later, or the day a credit was applied). So a statement's closing balance (opening +
//! invoices − credit notes − payments) always equals its aging total less the buyer's credit.

use super::credit_notes::lock_buyer;
use super::invoices::date;
use super::settings::served;
use crate::db::ms;
use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::email::{OutgoingEmail, insert_email};
use crate::platform::events::{self, Event};
use crate::platform::idempotency::FormKey;
use crate::platform::rows::{Flag, instant, parsed};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::money::Cents;
use halles_core::ordering::local_day;
use halles_core::receivables::{
    Aging, InvoiceMoney, InvoiceStatus, MAX_ALLOCATIONS, MAX_PAYMENT, MAX_REASON, MAX_REFERENCE,
    PaymentMethod, REMINDER_INTERVAL_DAYS, days_past_due,
};
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_core::{InvoiceId, OrgId, PaymentId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// A payment as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// Its id.
    pub id: PaymentId,
    /// The hub paid.
    pub hub: OrgId,
    /// The buyer that paid.
    pub buyer: OrgId,
    /// The buyer's name now.
    pub buyer_name: String,
    /// How.
    pub method: PaymentMethod,
    /// The day it was received.
    pub received_on: Date,
    /// Its amount.
    pub amount: Cents,
    /// Cheque number, Interac confirmation...
    pub reference: String,
    /// What of it is allocated to invoices (the rest is the buyer's credit).
    pub allocated: Cents,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// When and why it was voided, if it was.
    pub voided: Option<Voided>,
}

/// A payment voided: it stays, and counts nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voided {
    /// When.
    pub at: Timestamp,
    /// Why.
    pub reason: String,
}

impl Payment {
    /// What is left to allocate.
    pub fn unallocated(&self) -> Cents {
        self.amount - self.allocated
    }
}

/// A part of a payment applied to an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// The payment.
    pub payment: PaymentId,
    /// The invoice.
    pub invoice: InvoiceId,
    /// The invoice's number.
    pub invoice_number: String,
    /// Amount applied.
    pub amount: Cents,
    /// The day it counts from.
    pub applied_on: Date,
}

/// A payment to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    /// The buyer.
    pub buyer: OrgId,
    /// How it paid.
    pub method: PaymentMethod,
    /// The day it was received (not after today).
    pub received_on: Date,
    /// 0.01 $ to [`MAX_PAYMENT`].
    pub amount: Cents,
    /// At most [`MAX_REFERENCE`] characters.
    pub reference: String,
    /// What to apply to which invoices (at most [`MAX_ALLOCATIONS`]); the rest is a credit.
    pub allocations: Vec<(InvoiceId, Cents)>,
}

/// An invoice with what is owed on it on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receivable {
    /// The invoice.
    pub invoice: InvoiceId,
    /// Its hub.
    pub hub: OrgId,
    /// Its buyer.
    pub buyer: OrgId,
    /// Its number.
    pub number: String,
    /// The buyer's name, as on the invoice.
    pub buyer_name: String,
    /// The seller's name, as on the invoice.
    pub seller_name: String,
    /// Its date.
    pub invoice_date: Date,
    /// Its due date.
    pub due_date: Date,
    /// Its total, what was credited and what was paid.
    pub money: InvoiceMoney,
    /// Its status on the day.
    pub status: InvoiceStatus,
}

impl Receivable {
    /// What is left to pay.
    pub fn balance(&self) -> Cents {
        self.money.balance()
    }
}

/// A buyer's line of the aging report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgingRow {
    /// The buyer.
    pub buyer: OrgId,
    /// Its name now.
    pub name: String,
    /// What it owes, by bucket.
    pub aging: Aging,
    /// Its credit (payments not allocated, and credited beyond what was left to pay).
    pub credit: Cents,
}

/// A hub's aging report on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgingReport {
    /// The day.
    pub on: Date,
    /// One row per buyer that owes something or has a credit, by name.
    pub rows: Vec<AgingRow>,
    /// Every buyer together.
    pub total: Aging,
    /// Every buyer's credit together.
    pub credit: Cents,
}

/// What a line of a statement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// An invoice (adds to the balance).
    Invoice,
    /// A credit note (takes off).
    CreditNote,
    /// A payment (takes off).
    Payment,
}

impl EntryKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Invoice => "invoice",
            EntryKind::CreditNote => "credit_note",
            EntryKind::Payment => "payment",
        }
    }
}

/// A line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementEntry {
    /// Its day.
    pub on: Date,
    /// What it is.
    pub kind: EntryKind,
    /// The document's number, or the payment's method and reference.
    pub reference: String,
    /// The payment's method (a payment only).
    pub method: Option<PaymentMethod>,
    /// Its amount: positive for an invoice, negative for a credit note or a payment.
    pub amount: Cents,
    /// The balance after it.
    pub balance: Cents,
}

/// A buyer's statement of account at a hub for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The hub.
    pub hub: OrgId,
    /// The seller's name (the hub's legal name, or its name).
    pub seller_name: String,
    /// The seller's address.
    pub seller_address: String,
    /// The buyer.
    pub buyer: OrgId,
    /// Its name now.
    pub buyer_name: String,
    /// Its language.
    pub lang: Lang,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Owed the day before `from`.
    pub opening: Cents,
    /// Every invoice, credit note and payment of the period, by day.
    pub entries: Vec<StatementEntry>,
    /// Invoiced in the period.
    pub invoiced: Cents,
    /// Credited in the period.
    pub credited: Cents,
    /// Paid in the period.
    pub paid: Cents,
    /// Owed on `to` (`opening + invoiced − credited − paid`).
    pub closing: Cents,
    /// What is owed on `to`, by how late it is.
    pub aging: Aging,
    /// The buyer's credit on `to`.
    pub credit: Cents,
}

/// A reminder of an overdue invoice that is due to go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DueInvoiceReminder {
    /// The hub.
    pub hub: OrgId,
    /// The buyer.
    pub buyer: OrgId,
    /// The invoice.
    pub invoice: InvoiceId,
    /// Which interval of [`REMINDER_INTERVAL_DAYS`] overdue (0: the first).
    pub period: i64,
}

type PaymentRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    Option<i64>,
    String,
);

const PAYMENT_SELECT: &str = "SELECT p.id, p.organization_id, p.buyer_id, o.name, p.method, p.received_on, p.amount_cents, \
     p.reference, COALESCE((SELECT CAST(SUM(a.amount_cents) AS BIGINT) FROM payment_allocations a \
     WHERE a.organization_id = p.organization_id AND a.payment_id = p.id), 0), p.recorded_at, p.voided_at, \
     p.void_reason FROM payments p JOIN organizations o ON o.id = p.buyer_id";

fn payment_of(r: PaymentRow) -> StoreResult<Payment> {
    Ok(Payment {
        id: PaymentId(r.0),
        hub: OrgId(r.1),
        buyer: OrgId(r.2),
        buyer_name: r.3,
        method: parsed(&r.4, "payment method")?,
        received_on: date(&r.5)?,
        amount: Cents(r.6),
        reference: r.7,
        allocated: Cents(r.8),
        recorded_at: instant(r.9)?,
        voided: match r.10 {
            Some(at) => Some(Voided {
                at: instant(at)?,
                reason: r.11,
            }),
            None => None,
        },
    })
}

type ReceivableRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
);

/// The invoices of a hub or of a buyer (`org`, either side) issued on or before `on`, with
/// what was credited and paid on them by then; only those of `buyer` when given, of `hub`
/// when given.
async fn receivables_in(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    hub: Option<OrgId>,
    buyer: Option<OrgId>,
    on: Date,
) -> StoreResult<Vec<Receivable>> {
    let rows: Vec<ReceivableRow> = sqlx::query_as(
        "SELECT i.id, i.organization_id, i.buyer_id, i.number, i.buyer_name, i.seller_name, i.invoice_date, i.due_date, \
         i.total_cents, \
         COALESCE((SELECT CAST(SUM(c.total_cents) AS BIGINT) FROM credit_notes c WHERE c.organization_id = i.organization_id \
             AND c.invoice_id = i.id AND c.credit_date <= $2), 0), \
         COALESCE((SELECT CAST(SUM(a.amount_cents) AS BIGINT) FROM payment_allocations a WHERE a.organization_id = i.organization_id \
             AND a.invoice_id = i.id AND a.applied_on <= $2), 0) \
         FROM invoices i WHERE (i.organization_id = $1 OR i.buyer_id = $1) AND i.invoice_date <= $2 \
         AND ($3 = 0 OR i.buyer_id = $3) AND ($4 = 0 OR i.organization_id = $4) ORDER BY i.invoice_date, i.id",
    )
    .bind(org.0)
    .bind(on.to_string())
    .bind(buyer.map_or(0, |b| b.0))
    .bind(hub.map_or(0, |h| h.0))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let money = InvoiceMoney {
                total: Cents(r.8),
                credited: Cents(r.9),
                paid: Cents(r.10),
            };
            let due_date = date(&r.7)?;
            Ok(Receivable {
                invoice: InvoiceId(r.0),
                hub: OrgId(r.1),
                buyer: OrgId(r.2),
                number: r.3,
                buyer_name: r.4,
                seller_name: r.5,
                invoice_date: date(&r.6)?,
                due_date,
                status: money.status(due_date, on),
                money,
            })
        })
        .collect()
}

/// Each buyer's payments not allocated on `on` (received by then, less what was applied by
/// then), for a hub, or for one buyer.
async fn unallocated_in(
    conn: &mut sqlx::AnyConnection,
    hub: OrgId,
    buyer: Option<OrgId>,
    on: Date,
) -> StoreResult<BTreeMap<OrgId, Cents>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT p.buyer_id, CAST(SUM(p.amount_cents - COALESCE((SELECT CAST(SUM(a.amount_cents) AS BIGINT) \
         FROM payment_allocations a WHERE a.organization_id = p.organization_id AND a.payment_id = p.id \
         AND a.applied_on <= $2), 0)) AS BIGINT) \
         FROM payments p WHERE p.organization_id = $1 AND p.received_on <= $2 AND ($3 = 0 OR p.buyer_id = $3) \
         AND p.voided_at IS NULL \
         GROUP BY p.buyer_id",
    )
    .bind(hub.0)
    .bind(on.to_string())
    .bind(buyer.map_or(0, |b| b.0))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(b, c)| (OrgId(b), Cents(c)))
        .collect())
}

/// Applies parts of a payment to invoices of its buyer on the caller's transaction, each at
/// most what is left on the invoice, together at most what is left of the payment.
async fn allocate_in(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    buyer: OrgId,
    payment: PaymentId,
    applied_on: Date,
    parts: &[(InvoiceId, Cents)],
    now: Timestamp,
) -> StoreResult<()> {
    let (amount, allocated, voided): (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT p.amount_cents, COALESCE((SELECT CAST(SUM(a.amount_cents) AS BIGINT) FROM payment_allocations a \
         WHERE a.organization_id = p.organization_id AND a.payment_id = p.id), 0), p.voided_at \
         FROM payments p WHERE p.organization_id = $1 AND p.id = $2",
    )
    .bind(hub.0)
    .bind(payment.0)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    if voided.is_some() {
        return Err(StoreError::Refused(Refusal::PaymentVoided));
    }
    let mut left = Cents(amount - allocated);
    for (invoice, part) in parts {
        if part.0 <= 0 {
            return Err(StoreError::Refused(Refusal::InvalidAmount));
        }
        let row: Option<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT i.invoice_date, i.total_cents, \
             COALESCE((SELECT CAST(SUM(c.total_cents) AS BIGINT) FROM credit_notes c WHERE c.organization_id = i.organization_id \
                 AND c.invoice_id = i.id), 0), \
             COALESCE((SELECT CAST(SUM(a.amount_cents) AS BIGINT) FROM payment_allocations a WHERE a.organization_id = i.organization_id \
                 AND a.invoice_id = i.id), 0) \
             FROM invoices i WHERE i.organization_id = $1 AND i.id = $2 AND i.buyer_id = $3",
        )
        .bind(hub.0)
        .bind(invoice.0)
        .bind(buyer.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((invoice_date, total, credited, paid)) = row else {
            return Err(StoreError::NotFound);
        };
        let money = InvoiceMoney {
            total: Cents(total),
            credited: Cents(credited),
            paid: Cents(paid),
        };
        if *part > money.balance() {
            return Err(StoreError::Refused(Refusal::AllocationExceedsBalance));
        }
        if *part > left {
            return Err(StoreError::Refused(Refusal::AllocationExceedsPayment));
        }
        left = left - *part;
        let on = applied_on.max(date(&invoice_date)?);
        sqlx::query(
            "INSERT INTO payment_allocations (organization_id, payment_id, invoice_id, amount_cents, applied_on, allocated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hub.0)
        .bind(payment.0)
        .bind(invoice.0)
        .bind(part.0)
        .bind(on.to_string())
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// At most this many payments a page.
pub const PAGE_MAX: i64 = 200;

impl Store {
    /// Records a buyer's payment and applies it to its invoices (the hub only): `amount`
    /// 0.01 $ to 1,000,000.00 $ (`invalid_amount`, `amount_too_large`), `reference` at most
    /// 100 characters, `received_on` not after today (`date_invalid`), at most 100
    /// allocations (`too_many_lines`), each at most what is left on its invoice
    /// (`allocation_exceeds_balance`), together at most the payment
    /// (`allocation_exceeds_payment`). What is not allocated is the buyer's credit. Records
    /// `PaymentRecorded`.
    pub async fn record_payment(
        &self,
        hs: &HubScope,
        input: &NewPayment,
    ) -> StoreResult<PaymentId> {
        self.record_payment_once(hs, input, None).await
    }

    /// [`Store::record_payment`], the form's one-time key kept with the payment's id in the
    /// same transaction (`idempotency_key_reused` when the key was used meanwhile: nothing is
    /// recorded).
    pub async fn record_payment_once(
        &self,
        hs: &HubScope,
        input: &NewPayment,
        once: Option<&FormKey>,
    ) -> StoreResult<PaymentId> {
        let scope = hs.own()?.tenant();
        let hub = scope.org;
        let now = self.now();
        let reference = input.reference.trim();
        let mut v = Validator::new();
        if input.amount.0 <= 0 {
            v.refuse("amount", Refusal::InvalidAmount);
        } else if input.amount > MAX_PAYMENT {
            v.refuse("amount", Refusal::AmountTooLarge);
        }
        if v.text("reference", reference) {
            v.max_len("reference", reference, MAX_REFERENCE);
        }
        // Not in the future, nor before 2000 (a typo like 0001-01-01 would sit in every
        // statement's opening balance).
        if input.received_on > local_day(now)
            || input.received_on.year() < halles_core::payouts::YEAR_MIN
        {
            v.refuse("received_on", Refusal::DateInvalid);
        }
        if input.allocations.len() > MAX_ALLOCATIONS {
            v.refuse("allocations", Refusal::TooManyLines);
        }
        v.finish().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        served(&mut tx, hub, input.buyer).await?;
        lock_buyer(&mut tx, hub, input.buyer).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO payments (organization_id, buyer_id, method, received_on, amount_cents, reference, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(hub.0)
        .bind(input.buyer.0)
        .bind(input.method.code())
        .bind(input.received_on.to_string())
        .bind(input.amount.0)
        .bind(reference)
        .bind(ms(now))
        .bind(scope.actor.user.map(|u| u.0))
        .fetch_one(&mut *tx)
        .await?;
        let payment = PaymentId(id);
        allocate_in(
            &mut tx,
            hub,
            input.buyer,
            payment,
            input.received_on,
            &input.allocations,
            now,
        )
        .await?;
        let change = Change::by(scope, Action::Create, "payment", payment).after(serde_json::json!({
            "buyer": input.buyer.0, "method": input.method.code(), "received_on": input.received_on.to_string(),
            "amount_cents": input.amount.0, "reference": reference,
            "allocations": input.allocations.iter().map(|(i, c)| serde_json::json!({"invoice": i.0, "amount_cents": c.0})).collect::<Vec<_>>(),
        }));
        audit::record(&mut tx, change, now).await?;
        let event = Event::PaymentRecorded {
            hub,
            buyer: input.buyer,
            payment,
            amount: input.amount,
        };
        events::record(&mut tx, event, now).await?;
        if let Some(key) = once {
            key.keep_in(&mut tx, &payment.to_string(), now).await?;
        }
        tx.commit().await?;
        Ok(payment)
    }

    /// Voids a payment recorded by mistake (the hub only): `reason` required, at most
    /// [`MAX_REASON`] characters; once (`payment_voided` the second time). The payment stays,
    /// marked voided with who, when and why; its allocations are released, so its invoices owe
    /// again what it paid; it leaves statements, the aging report and the journal. Audited
    /// (with the allocations released); records `PaymentVoided`. Record the right payment
    /// again with [`Store::record_payment`].
    pub async fn void_payment(
        &self,
        hs: &HubScope,
        payment: PaymentId,
        reason: &str,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let hub = scope.org;
        let reason = reason.trim();
        let mut v = Validator::new();
        if v.required("reason", reason) && v.text("reason", reason) {
            v.max_len("reason", reason, MAX_REASON);
        }
        v.finish().map_err(StoreError::Invalid)?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let found: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT buyer_id, amount_cents, voided_at FROM payments WHERE organization_id = $1 AND id = $2",
        )
        .bind(hub.0)
        .bind(payment.0)
        .fetch_optional(&mut *tx)
        .await?;
        let (buyer, amount, voided) = found.ok_or(StoreError::NotFound)?;
        if voided.is_some() {
            return Err(StoreError::Refused(Refusal::PaymentVoided));
        }
        let buyer = OrgId(buyer);
        lock_buyer(&mut tx, hub, buyer).await?;
        // Conditional: of two voids at once, one marks it.
        let marked = sqlx::query(
            "UPDATE payments SET voided_at = $1, voided_by = $2, void_reason = $3 \
             WHERE organization_id = $4 AND id = $5 AND voided_at IS NULL",
        )
        .bind(ms(now))
        .bind(scope.actor.user.map(|u| u.0))
        .bind(reason)
        .bind(hub.0)
        .bind(payment.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 0 {
            return Err(StoreError::Refused(Refusal::PaymentVoided));
        }
        let released: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT invoice_id, amount_cents, applied_on FROM payment_allocations \
             WHERE organization_id = $1 AND payment_id = $2 ORDER BY id",
        )
        .bind(hub.0)
        .bind(payment.0)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM payment_allocations WHERE organization_id = $1 AND payment_id = $2",
        )
        .bind(hub.0)
        .bind(payment.0)
        .execute(&mut *tx)
        .await?;
        let allocations: Vec<_> = released
            .iter()
            .map(
                |(i, c, on)| serde_json::json!({"invoice": i, "amount_cents": c, "applied_on": on}),
            )
            .collect();
        let change = Change::by(scope, Action::Update, "payment", payment)
            .before(serde_json::json!({"voided": false, "allocations": allocations}))
            .after(serde_json::json!({"voided": true, "reason": reason, "allocations": []}));
        audit::record(&mut tx, change, now).await?;
        let event = Event::PaymentVoided {
            hub,
            buyer,
            payment,
            amount: Cents(amount),
        };
        events::record(&mut tx, event, now).await?;
        tx.commit().await
    }

    /// Applies what is left of a payment (the buyer's credit) to invoices of the same buyer,
    /// from today; the same bounds as [`Store::record_payment`].
    pub async fn apply_credit(
        &self,
        hs: &HubScope,
        payment: PaymentId,
        parts: &[(InvoiceId, Cents)],
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let hub = scope.org;
        if parts.is_empty() {
            return Err(StoreError::Refused(Refusal::InvalidAmount));
        }
        if parts.len() > MAX_ALLOCATIONS {
            return Err(StoreError::Refused(Refusal::TooManyLines));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let buyer: i64 = sqlx::query_scalar(
            "SELECT buyer_id FROM payments WHERE organization_id = $1 AND id = $2",
        )
        .bind(hub.0)
        .bind(payment.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let buyer = OrgId(buyer);
        lock_buyer(&mut tx, hub, buyer).await?;
        allocate_in(&mut tx, hub, buyer, payment, local_day(now), parts, now).await?;
        let change = Change::by(scope, Action::Update, "payment", payment).after(serde_json::json!({
            "applied": parts.iter().map(|(i, c)| serde_json::json!({"invoice": i.0, "amount_cents": c.0})).collect::<Vec<_>>(),
        }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    /// The payments a hub received (or a buyer made), newest first, after `before`, at most
    /// `limit` ([`PAGE_MAX`], and one more); only `buyer`'s when given.
    pub async fn payments(
        &self,
        scope: &TenantScope,
        buyer: Option<OrgId>,
        before: Option<PaymentId>,
        limit: i64,
    ) -> StoreResult<Vec<Payment>> {
        let rows: Vec<PaymentRow> = sqlx::query_as(&format!(
            "{PAYMENT_SELECT} WHERE (p.organization_id = $1 OR p.buyer_id = $1) AND p.id < $2 \
             AND ($3 = 0 OR p.buyer_id = $3) ORDER BY p.id DESC LIMIT $4"
        ))
        .bind(scope.org.0)
        .bind(before.map_or(i64::MAX, |b| b.0))
        .bind(buyer.map_or(0, |b| b.0))
        .bind(limit.clamp(1, PAGE_MAX + 1))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(payment_of).collect()
    }

    /// One payment with its allocations, for its hub or its buyer.
    pub async fn payment(
        &self,
        scope: &TenantScope,
        id: PaymentId,
    ) -> StoreResult<(Payment, Vec<Allocation>)> {
        let row: PaymentRow = sqlx::query_as(&format!(
            "{PAYMENT_SELECT} WHERE p.id = $1 AND (p.organization_id = $2 OR p.buyer_id = $2)"
        ))
        .bind(id.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let p = payment_of(row)?;
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT a.invoice_id, i.number, a.amount_cents, a.applied_on FROM payment_allocations a \
             JOIN invoices i ON i.organization_id = a.organization_id AND i.id = a.invoice_id \
             WHERE a.organization_id = $1 AND a.payment_id = $2 ORDER BY a.id",
        )
        .bind(p.hub.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let allocations = rows
            .into_iter()
            .map(|(invoice, number, amount, on)| {
                Ok(Allocation {
                    payment: id,
                    invoice: InvoiceId(invoice),
                    invoice_number: number,
                    amount: Cents(amount),
                    applied_on: date(&on)?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok((p, allocations))
    }

    /// The allocations to one invoice, oldest first, for its hub or its buyer.
    pub async fn allocations_of_invoice(
        &self,
        scope: &TenantScope,
        invoice: InvoiceId,
    ) -> StoreResult<Vec<Allocation>> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT a.payment_id, i.number, a.amount_cents, a.applied_on FROM payment_allocations a \
             JOIN invoices i ON i.organization_id = a.organization_id AND i.id = a.invoice_id \
             WHERE a.invoice_id = $1 AND (i.organization_id = $2 OR i.buyer_id = $2) ORDER BY a.id",
        )
        .bind(invoice.0)
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(payment, number, amount, on)| {
                Ok(Allocation {
                    payment: PaymentId(payment),
                    invoice,
                    invoice_number: number,
                    amount: Cents(amount),
                    applied_on: date(&on)?,
                })
            })
            .collect()
    }

    /// The invoices of the organization (issued by a hub, or received by a buyer) with what is
    /// owed on each today; only `buyer`'s when given.
    pub async fn receivables(
        &self,
        scope: &TenantScope,
        buyer: Option<OrgId>,
    ) -> StoreResult<Vec<Receivable>> {
        let today = local_day(self.now());
        let mut conn = self.pool.acquire().await?;
        receivables_in(&mut conn, scope.org, None, buyer, today).await
    }

    /// One invoice's balance today, for its hub or its buyer.
    pub async fn receivable(&self, scope: &TenantScope, id: InvoiceId) -> StoreResult<Receivable> {
        let inv = self.invoice(scope, id).await?.invoice;
        let today = local_day(self.now());
        let mut conn = self.pool.acquire().await?;
        receivables_in(&mut conn, inv.hub, None, Some(inv.buyer), today)
            .await?
            .into_iter()
            .find(|r| r.invoice == id)
            .ok_or(StoreError::NotFound)
    }

    /// The hub's aging report on a day: each buyer's open balances by days past due, and its
    /// credit.
    pub async fn aging(&self, hs: &HubScope, on: Date) -> StoreResult<AgingReport> {
        let hub = hs.own()?.hub();
        let mut conn = self.pool.acquire().await?;
        let open = receivables_in(&mut conn, hub, Some(hub), None, on).await?;
        let unallocated = unallocated_in(&mut conn, hub, None, on).await?;
        let mut by_buyer: BTreeMap<OrgId, AgingRow> = BTreeMap::new();
        let names: Vec<(i64, String)> = sqlx::query_as(
            "SELECT o.id, o.name FROM hub_buyers h JOIN organizations o ON o.id = h.buyer_id \
             WHERE h.organization_id = $1",
        )
        .bind(hub.0)
        .fetch_all(&mut *conn)
        .await?;
        let names: BTreeMap<OrgId, String> =
            names.into_iter().map(|(i, n)| (OrgId(i), n)).collect();
        let row = |b: OrgId| AgingRow {
            buyer: b,
            name: names.get(&b).cloned().unwrap_or_default(),
            aging: Aging::default(),
            credit: Cents::ZERO,
        };
        for r in &open {
            let e = by_buyer.entry(r.buyer).or_insert_with(|| row(r.buyer));
            e.aging.add(r.balance(), r.due_date, on);
            e.credit += r.money.overpaid();
        }
        for (b, c) in unallocated {
            by_buyer.entry(b).or_insert_with(|| row(b)).credit += c;
        }
        let mut rows: Vec<AgingRow> = by_buyer
            .into_values()
            .filter(|r| r.aging.total().0 != 0 || r.credit.0 != 0)
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.buyer.cmp(&b.buyer)));
        let mut total = Aging::default();
        for r in &rows {
            total.merge(&r.aging);
        }
        let credit = rows.iter().map(|r| r.credit).sum();
        Ok(AgingReport {
            on,
            rows,
            total,
            credit,
        })
    }

    /// A buyer's statement of account at a hub from `from` to `to`, for the hub (its staff)
    /// or the buyer itself.
    pub async fn statement(
        &self,
        scope: &TenantScope,
        hub: OrgId,
        buyer: OrgId,
        from: Date,
        to: Date,
    ) -> StoreResult<Statement> {
        if scope.org != hub && scope.org != buyer {
            return Err(StoreError::NotFound);
        }
        let mut conn = self.pool.acquire().await?;
        served(&mut conn, hub, buyer).await?;
        if from > to {
            return Err(StoreError::NotFound);
        }
        let (buyer_name, lang): (String, String) =
            sqlx::query_as("SELECT name, lang FROM organizations WHERE id = $1")
                .bind(buyer.0)
                .fetch_one(&mut *conn)
                .await?;
        let (hub_name,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
            .bind(hub.0)
            .fetch_one(&mut *conn)
            .await?;
        let settings = super::settings::saved_settings(&mut conn, hub).await?;
        let (seller_name, seller_address) = match settings {
            Some(s) if !s.legal_name.is_empty() => (s.legal_name, s.address),
            Some(s) => (hub_name, s.address),
            None => (hub_name, String::new()),
        };
        let (from_s, to_s) = (from.to_string(), to.to_string());
        let (h, b) = (hub.0, buyer.0);
        let sum = |sql: &'static str| {
            sqlx::query_scalar::<sqlx::Any, i64>(sql)
                .bind(h)
                .bind(b)
                .bind(from_s.clone())
        };
        let before_invoices = sum(
            "SELECT COALESCE(CAST(SUM(total_cents) AS BIGINT), 0) FROM invoices \
             WHERE organization_id = $1 AND buyer_id = $2 AND invoice_date < $3",
        )
        .fetch_one(&mut *conn)
        .await?;
        let before_credits = sum(
            "SELECT COALESCE(CAST(SUM(total_cents) AS BIGINT), 0) FROM credit_notes \
             WHERE organization_id = $1 AND buyer_id = $2 AND credit_date < $3",
        )
        .fetch_one(&mut *conn)
        .await?;
        let before_payments = sum(
            "SELECT COALESCE(CAST(SUM(amount_cents) AS BIGINT), 0) FROM payments \
             WHERE organization_id = $1 AND buyer_id = $2 AND received_on < $3 AND voided_at IS NULL",
        )
        .fetch_one(&mut *conn)
        .await?;
        let opening = Cents(before_invoices - before_credits - before_payments);
        let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT invoice_date, 'invoice', number, '', total_cents FROM invoices \
             WHERE organization_id = $1 AND buyer_id = $2 AND invoice_date >= $3 AND invoice_date <= $4 \
             UNION ALL SELECT credit_date, 'credit_note', number, '', total_cents FROM credit_notes \
             WHERE organization_id = $1 AND buyer_id = $2 AND credit_date >= $3 AND credit_date <= $4 \
             UNION ALL SELECT received_on, 'payment', reference, method, amount_cents FROM payments \
             WHERE organization_id = $1 AND buyer_id = $2 AND received_on >= $3 AND received_on <= $4 \
             AND voided_at IS NULL",
        )
        .bind(h)
        .bind(b)
        .bind(&from_s)
        .bind(&to_s)
        .fetch_all(&mut *conn)
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for (on, kind, reference, method, amount) in rows {
            let (kind, amount, method) = match kind.as_str() {
                "invoice" => (EntryKind::Invoice, Cents(amount), None),
                "credit_note" => (EntryKind::CreditNote, Cents(-amount), None),
                _ => (
                    EntryKind::Payment,
                    Cents(-amount),
                    Some(parsed::<PaymentMethod>(&method, "payment method")?),
                ),
            };
            entries.push(StatementEntry {
                on: date(&on)?,
                kind,
                reference,
                method,
                amount,
                balance: Cents::ZERO,
            });
        }
        let rank = |k: EntryKind| match k {
            EntryKind::Invoice => 0,
            EntryKind::CreditNote => 1,
            EntryKind::Payment => 2,
        };
        entries.sort_by(|a, b| {
            a.on.cmp(&b.on)
                .then(rank(a.kind).cmp(&rank(b.kind)))
                .then(a.reference.cmp(&b.reference))
        });
        let mut balance = opening;
        let (mut invoiced, mut credited, mut paid) = (Cents::ZERO, Cents::ZERO, Cents::ZERO);
        for e in &mut entries {
            balance += e.amount;
            e.balance = balance;
            match e.kind {
                EntryKind::Invoice => invoiced += e.amount,
                EntryKind::CreditNote => credited = credited - e.amount,
                EntryKind::Payment => paid = paid - e.amount,
            }
        }
        let open = receivables_in(&mut conn, hub, Some(hub), Some(buyer), to).await?;
        let mut aging = Aging::default();
        let mut credit = Cents::ZERO;
        for r in &open {
            aging.add(r.balance(), r.due_date, to);
            credit += r.money.overpaid();
        }
        credit += unallocated_in(&mut conn, hub, Some(buyer), to)
            .await?
            .get(&buyer)
            .copied()
            .unwrap_or_default();
        Ok(Statement {
            hub,
            seller_name,
            seller_address,
            buyer,
            buyer_name,
            lang: parsed(&lang, "language")?,
            from,
            to,
            opening,
            entries,
            invoiced,
            credited,
            paid,
            closing: balance,
            aging,
            credit,
        })
    }

    /// Whether the hub reminds a buyer of its overdue invoices (yes unless switched off).
    pub async fn buyer_reminders(&self, hs: &HubScope, buyer: OrgId) -> StoreResult<bool> {
        let hub = hs.own()?.hub();
        let on: Option<Flag> = sqlx::query_scalar(
            "SELECT reminders FROM buyer_billing WHERE organization_id = $1 AND buyer_id = $2",
        )
        .bind(hub.0)
        .bind(buyer.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(on.is_none_or(Into::into))
    }

    /// Switches a buyer's reminders of overdue invoices on or off (the hub only).
    pub async fn set_buyer_reminders(
        &self,
        hs: &HubScope,
        buyer: OrgId,
        on: bool,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        served(&mut tx, scope.org, buyer).await?;
        sqlx::query(
            "INSERT INTO buyer_billing (organization_id, buyer_id, reminders) VALUES ($1, $2, $3) \
             ON CONFLICT (organization_id, buyer_id) DO UPDATE SET reminders = excluded.reminders",
        )
        .bind(scope.org.0)
        .bind(buyer.0)
        .bind(on)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "buyer_reminders", buyer)
            .after(serde_json::json!({ "reminders": on }));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    /// The reminders of overdue invoices due today: one per invoice and interval of
    /// [`REMINDER_INTERVAL_DAYS`] days overdue (the first the day after its due date), for
    /// invoices with something left to pay, of buyers whose reminders are on, not yet sent.
    pub async fn due_invoice_reminders(&self) -> StoreResult<Vec<DueInvoiceReminder>> {
        let today = local_day(self.now());
        let rows: Vec<(i64, i64, i64, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT i.organization_id, i.buyer_id, i.id, i.due_date, i.total_cents, \
             COALESCE((SELECT CAST(SUM(c.total_cents) AS BIGINT) FROM credit_notes c WHERE c.organization_id = i.organization_id \
                 AND c.invoice_id = i.id), 0), \
             COALESCE((SELECT CAST(SUM(a.amount_cents) AS BIGINT) FROM payment_allocations a WHERE a.organization_id = i.organization_id \
                 AND a.invoice_id = i.id), 0) \
             FROM invoices i LEFT JOIN buyer_billing b ON b.organization_id = i.organization_id AND b.buyer_id = i.buyer_id \
             WHERE i.due_date < $1 AND (b.reminders IS NULL OR b.reminders = $2) ORDER BY i.id",
        )
        .bind(today.to_string())
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        let mut due = Vec::new();
        for (hub, buyer, invoice, due_date, total, credited, paid) in rows {
            let money = InvoiceMoney {
                total: Cents(total),
                credited: Cents(credited),
                paid: Cents(paid),
            };
            if money.balance().0 == 0 {
                continue;
            }
            let days = days_past_due(date(&due_date)?, today);
            let period = (days - 1) / REMINDER_INTERVAL_DAYS;
            let sent: Option<i64> = sqlx::query_scalar(
                "SELECT period FROM invoice_reminders WHERE organization_id = $1 AND invoice_id = $2 AND period = $3",
            )
            .bind(hub)
            .bind(invoice)
            .bind(period)
            .fetch_optional(&self.pool)
            .await?;
            if sent.is_none() {
                due.push(DueInvoiceReminder {
                    hub: OrgId(hub),
                    buyer: OrgId(buyer),
                    invoice: InvoiceId(invoice),
                    period,
                });
            }
        }
        Ok(due)
    }

    /// Sends a reminder once: claims it by its insert and writes its e-mails in the same
    /// transaction. False when another worker sent it already.
    pub async fn send_invoice_reminder(
        &self,
        due: DueInvoiceReminder,
        emails: &[OutgoingEmail],
    ) -> StoreResult<bool> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let claimed = sqlx::query(
            "INSERT INTO invoice_reminders (organization_id, invoice_id, period, sent_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (organization_id, invoice_id, period) DO NOTHING",
        )
        .bind(due.hub.0)
        .bind(due.invoice.0)
        .bind(due.period)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(false);
        }
        for email in emails {
            insert_email(&mut tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
