//! Credit notes: a correction of an issued invoice, whole or by line, with its reason. Never an
//! edit nor a deletion of the invoice: the note is a document of its own, numbered without gaps
//! in its own sequence per hub (`AV-2026-0001`, see
//! [`halles_core::receivables::credit_note_prefix`]) in the transaction that issues it, and
//! frozen like an invoice (migration 0033).
//!
//! What a note freezes: the seller (legal name, address, registration, tax numbers) and the
//! buyer (name, billing address) as the invoice it corrects froze them, the invoice's number
//! and date, the buyer's language, and each credited line's names, unit, quantity, amount and
//! tax statuses. Renaming the hub or the buyer afterwards changes neither.
//!
//! A full note reverses the invoice's amounts and taxes exactly, copied from it. A partial one
//! credits amounts of goods lines, each at most what is left uncredited on that line; on a
//! discounted invoice it credits what was really charged for them
//! ([`halles_core::receivables::charged_share`]: the lines keep the amounts typed, the note's
//! goods are the charged ones), taxed on its own base by the one tax function (see
//! [`halles_core::receivables::credit_taxes`]); the
//! note that credits the last of an invoice's goods (an invoice without delivery fee, deposits
//! or discount) takes the invoice's remaining tax instead, so an invoice wholly credited by
//! parts nets to zero. Whatever the parts, the notes of an invoice never credit more than its
//! total.

use super::invoices::{IssuedInvoice, date, issued_in};
use super::settings::saved_settings;
use crate::db::ms;
use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::events::{self, Event};
use crate::platform::idempotency::FormKey;
use crate::platform::rows::{Flag, instant, parsed};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::billing::{counter_year, invoice_number};
use halles_core::catalog::SaleUnit;
use halles_core::money::Cents;
use halles_core::ordering::local_day;
use halles_core::quantity::Qty;
use halles_core::receivables::{MAX_REASON, charged_share, credit_note_prefix, credit_taxes};
use halles_core::refusals::Refusal;
use halles_core::taxes::{TaxCodes, TaxLine};
use halles_core::validation::Validator;
use halles_core::{CreditNoteId, InvoiceId, OrgId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::FromRow;
use std::collections::HashMap;

/// An issued credit note, as frozen when it was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditNote {
    /// Its id.
    pub id: CreditNoteId,
    /// The hub that issued it.
    pub hub: OrgId,
    /// The invoice it corrects.
    pub invoice: InvoiceId,
    /// The buyer.
    pub buyer: OrgId,
    /// Its number (`AV-2026-0001`).
    pub number: String,
    /// The buyer's language, the invoice's.
    pub lang: Lang,
    /// Its date (Montréal).
    pub credit_date: Date,
    /// Why it was issued.
    pub reason: String,
    /// Whether it reverses the whole invoice.
    pub full: bool,
    /// The invoice's number.
    pub invoice_number: String,
    /// The invoice's date.
    pub invoice_date: Date,
    /// The seller's legal name, as on the invoice.
    pub seller_name: String,
    /// The seller's address, as on the invoice.
    pub seller_address: String,
    /// Whether the invoice charged GST and QST.
    pub registered: bool,
    /// GST number, as on the invoice.
    pub gst_number: String,
    /// QST number, as on the invoice.
    pub qst_number: String,
    /// The buyer's name, as on the invoice.
    pub buyer_name: String,
    /// The buyer's billing address, as on the invoice.
    pub buyer_address: String,
    /// Goods credited.
    pub goods: Cents,
    /// Delivery fee credited (a full note only).
    pub delivery: Cents,
    /// Deposits credited (a full note only).
    pub deposits: Cents,
    /// Before taxes.
    pub subtotal: Cents,
    /// GST base credited.
    pub gst_base: Cents,
    /// QST base credited.
    pub qst_base: Cents,
    /// GST credited.
    pub gst: Cents,
    /// QST credited.
    pub qst: Cents,
    /// Total credited.
    pub total: Cents,
    /// When it was issued.
    pub issued_at: Timestamp,
}

/// A credited line (its number on the invoice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditNoteLine {
    /// The invoice line's number.
    pub line_no: i64,
    /// French name.
    pub name_fr: String,
    /// English name (empty: the French one).
    pub name_en: String,
    /// Sale unit.
    pub unit: SaleUnit,
    /// Quantity credited, when given.
    pub quantity: Option<Qty>,
    /// Amount credited, before taxes.
    pub amount: Cents,
    /// The invoice line's GST and QST statuses.
    pub codes: TaxCodes,
}

impl CreditNoteLine {
    /// The product's name in a language.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_fr, &self.name_en)
    }
}

/// A credit note with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedCreditNote {
    /// The note.
    pub note: CreditNote,
    /// Its lines.
    pub lines: Vec<CreditNoteLine>,
}

/// A line to credit: an amount, or a quantity (credited at the line's price per unit), or
/// both (the amount counts, the quantity is printed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditLineInput {
    /// The invoice line's number.
    pub line_no: i64,
    /// Quantity credited.
    pub quantity: Option<Qty>,
    /// Amount credited, before taxes.
    pub amount: Option<Cents>,
}

/// A credit note to issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCreditNote {
    /// Why (required, at most [`MAX_REASON`] characters).
    pub reason: String,
    /// `None`: the whole invoice; else these lines.
    pub lines: Option<Vec<CreditLineInput>>,
}

#[derive(FromRow)]
struct CreditNoteRow {
    id: i64,
    organization_id: i64,
    invoice_id: i64,
    buyer_id: i64,
    number: String,
    lang: String,
    credit_date: String,
    reason: String,
    full_credit: Flag,
    invoice_number: String,
    invoice_date: String,
    seller_name: String,
    seller_address: String,
    registered: Flag,
    gst_number: String,
    qst_number: String,
    buyer_name: String,
    buyer_address: String,
    goods_cents: i64,
    delivery_cents: i64,
    deposits_cents: i64,
    subtotal_cents: i64,
    gst_base_cents: i64,
    qst_base_cents: i64,
    gst_cents: i64,
    qst_cents: i64,
    total_cents: i64,
    issued_at: i64,
}

const NOTE_COLUMNS: &str = "id, organization_id, invoice_id, buyer_id, number, lang, credit_date, reason, full_credit, \
     invoice_number, invoice_date, seller_name, seller_address, registered, gst_number, qst_number, buyer_name, \
     buyer_address, goods_cents, delivery_cents, deposits_cents, subtotal_cents, gst_base_cents, qst_base_cents, \
     gst_cents, qst_cents, total_cents, issued_at";

impl TryFrom<CreditNoteRow> for CreditNote {
    type Error = StoreError;
    fn try_from(r: CreditNoteRow) -> StoreResult<Self> {
        Ok(CreditNote {
            id: CreditNoteId(r.id),
            hub: OrgId(r.organization_id),
            invoice: InvoiceId(r.invoice_id),
            buyer: OrgId(r.buyer_id),
            number: r.number,
            lang: parsed(&r.lang, "language")?,
            credit_date: date(&r.credit_date)?,
            reason: r.reason,
            full: r.full_credit.into(),
            invoice_number: r.invoice_number,
            invoice_date: date(&r.invoice_date)?,
            seller_name: r.seller_name,
            seller_address: r.seller_address,
            registered: r.registered.into(),
            gst_number: r.gst_number,
            qst_number: r.qst_number,
            buyer_name: r.buyer_name,
            buyer_address: r.buyer_address,
            goods: Cents(r.goods_cents),
            delivery: Cents(r.delivery_cents),
            deposits: Cents(r.deposits_cents),
            subtotal: Cents(r.subtotal_cents),
            gst_base: Cents(r.gst_base_cents),
            qst_base: Cents(r.qst_base_cents),
            gst: Cents(r.gst_cents),
            qst: Cents(r.qst_cents),
            total: Cents(r.total_cents),
            issued_at: instant(r.issued_at)?,
        })
    }
}

type LineRow = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    i64,
    String,
    String,
);

fn line_of(r: LineRow) -> StoreResult<CreditNoteLine> {
    let (line_no, name_fr, name_en, unit, quantity, amount, gst, qst) = r;
    Ok(CreditNoteLine {
        line_no,
        name_fr,
        name_en,
        unit: parsed(&unit, "unit")?,
        quantity: quantity.map(Qty),
        amount: Cents(amount),
        codes: TaxCodes {
            gst: parsed(&gst, "tax status")?,
            qst: parsed(&qst, "tax status")?,
        },
    })
}

/// Takes the buyer's receivables lock on the caller's transaction: a no-op write to its
/// billing row, so on PostgreSQL two transactions that change what the buyer owes (a credit
/// note, a payment's allocations) run one after the other. On SQLite every write transaction
/// already does (`BEGIN IMMEDIATE`).
pub(crate) async fn lock_buyer(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    buyer: OrgId,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO buyer_billing (organization_id, buyer_id) VALUES ($1, $2) \
         ON CONFLICT (organization_id, buyer_id) DO UPDATE SET address = buyer_billing.address",
    )
    .bind(hub.0)
    .bind(buyer.0)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What the notes of an invoice credited so far: by line, and in all.
struct Credited {
    by_line: HashMap<i64, Cents>,
    notes: i64,
    subtotal: Cents,
    gst_base: Cents,
    qst_base: Cents,
    gst: Cents,
    qst: Cents,
    total: Cents,
}

async fn credited_in(
    tx: &mut sqlx::AnyConnection,
    hub: OrgId,
    invoice: InvoiceId,
) -> StoreResult<Credited> {
    let by_line: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT line_no, CAST(SUM(amount_cents) AS BIGINT) FROM credit_note_lines \
         WHERE organization_id = $1 AND invoice_id = $2 GROUP BY line_no",
    )
    .bind(hub.0)
    .bind(invoice.0)
    .fetch_all(&mut *tx)
    .await?;
    let sums: (i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(CAST(SUM(subtotal_cents) AS BIGINT), 0), \
         COALESCE(CAST(SUM(gst_base_cents) AS BIGINT), 0), COALESCE(CAST(SUM(qst_base_cents) AS BIGINT), 0), \
         COALESCE(CAST(SUM(gst_cents) AS BIGINT), 0), COALESCE(CAST(SUM(qst_cents) AS BIGINT), 0), \
         COALESCE(CAST(SUM(total_cents) AS BIGINT), 0) FROM credit_notes WHERE organization_id = $1 AND invoice_id = $2",
    )
    .bind(hub.0)
    .bind(invoice.0)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Credited {
        by_line: by_line.into_iter().map(|(l, c)| (l, Cents(c))).collect(),
        notes: sums.0,
        subtotal: Cents(sums.1),
        gst_base: Cents(sums.2),
        qst_base: Cents(sums.3),
        gst: Cents(sums.4),
        qst: Cents(sums.5),
        total: Cents(sums.6),
    })
}

/// The figures of a note: goods, delivery, deposits, subtotal, bases, taxes.
#[derive(Default)]
struct Figures {
    goods: Cents,
    delivery: Cents,
    deposits: Cents,
    subtotal: Cents,
    gst_base: Cents,
    qst_base: Cents,
    gst: Cents,
    qst: Cents,
}

impl Figures {
    fn total(&self) -> Cents {
        self.subtotal + self.gst + self.qst
    }
}

/// The lines and figures of a partial note, checked against what is left of each line.
fn partial(
    inv: &IssuedInvoice,
    credited: &Credited,
    input: &[CreditLineInput],
) -> StoreResult<(Vec<CreditNoteLine>, Figures)> {
    if input.is_empty() {
        return Err(StoreError::Refused(Refusal::CreditNoteEmpty));
    }
    let mut lines: Vec<CreditNoteLine> = Vec::with_capacity(input.len());
    for c in input {
        let Some(l) = inv.lines.iter().find(|l| l.line_no == c.line_no) else {
            return Err(StoreError::Refused(Refusal::UnknownInvoiceLine));
        };
        if lines.iter().any(|x| x.line_no == c.line_no) {
            return Err(StoreError::Refused(Refusal::UnknownInvoiceLine));
        }
        if c.quantity.is_some_and(|q| q.0 <= 0 || q > l.quantity) {
            return Err(StoreError::Refused(Refusal::CreditExceedsLine));
        }
        let amount = match (c.amount, c.quantity) {
            (Some(a), _) => a,
            (None, Some(q)) => l.amount.mul_ratio(q.0, l.quantity.0.max(1)),
            (None, None) => return Err(StoreError::Refused(Refusal::InvalidAmount)),
        };
        if amount.0 <= 0 {
            return Err(StoreError::Refused(Refusal::InvalidAmount));
        }
        let left = l.amount
            - credited
                .by_line
                .get(&l.line_no)
                .copied()
                .unwrap_or_default();
        if amount > left {
            return Err(StoreError::Refused(Refusal::CreditExceedsLine));
        }
        lines.push(CreditNoteLine {
            line_no: l.line_no,
            name_fr: l.name_fr.clone(),
            name_en: l.name_en.clone(),
            unit: l.unit,
            quantity: c.quantity,
            amount,
            codes: l.codes,
        });
    }
    lines.sort_by_key(|l| l.line_no);
    let i = &inv.invoice;
    // What was really charged for each credited amount, once the invoice's discounts are
    // taken off (the amount itself on an invoice without discount).
    let charged = |l: &CreditNoteLine| charged_share(l.amount, i.goods, i.discount);
    let goods: Cents = lines.iter().map(charged).sum();
    // The last of the goods, on an invoice of goods alone: the invoice's remaining taxes.
    let completes = i.delivery.0 == 0
        && i.deposits.0 == 0
        && i.discount.0 == 0
        && inv.lines.iter().all(|l| {
            let before = credited
                .by_line
                .get(&l.line_no)
                .copied()
                .unwrap_or_default();
            let now = lines
                .iter()
                .find(|x| x.line_no == l.line_no)
                .map_or(Cents::ZERO, |x| x.amount);
            before + now == l.amount
        });
    let figures = if completes {
        Figures {
            goods,
            subtotal: goods,
            gst_base: i.gst_base - credited.gst_base,
            qst_base: i.qst_base - credited.qst_base,
            gst: i.gst - credited.gst,
            qst: i.qst - credited.qst,
            ..Figures::default()
        }
    } else {
        let tax_lines: Vec<TaxLine> = lines
            .iter()
            .map(|l| TaxLine {
                codes: l.codes,
                amount: charged(l),
                discount: None,
            })
            .collect();
        let t = credit_taxes(&tax_lines, i.registered)
            .map_err(|_| StoreError::Corrupt("credit note amounts"))?;
        // Each note rounds its taxes on its own base, up to a cent a tax more than the
        // invoice's share: never past what is left of each tax, so twenty notes of 6 ¢ credit
        // the invoice's 12 ¢ of QST, not 19 ¢ (and the last note never a negative tax).
        let cap = |v: Cents, left: Cents| if v > left { left } else { v };
        Figures {
            goods: t.goods,
            subtotal: t.subtotal,
            gst_base: cap(t.gst_base, i.gst_base - credited.gst_base),
            qst_base: cap(t.qst_base, i.qst_base - credited.qst_base),
            gst: cap(t.gst, i.gst - credited.gst),
            qst: cap(t.qst, i.qst - credited.qst),
            ..Figures::default()
        }
    };
    Ok((lines, figures))
}

/// At most this many credit notes a page.
pub const PAGE_MAX: i64 = 200;

impl Store {
    /// Issues a credit note on an invoice the hub issued: `reason` required; a full note
    /// (`lines: None`) only on an invoice not yet credited (`invoice_partly_credited`); a
    /// partial one `credit_note_empty`, `unknown_invoice_line`, `invalid_amount`,
    /// `credit_exceeds_line`; never beyond the invoice's total (`credit_exceeds_invoice`).
    pub async fn issue_credit_note(
        &self,
        hs: &HubScope,
        invoice: InvoiceId,
        input: &NewCreditNote,
    ) -> StoreResult<CreditNoteId> {
        self.issue_credit_note_once(hs, invoice, input, None).await
    }

    /// [`Store::issue_credit_note`], the form's one-time key kept with the credit note's id in
    /// the same transaction (`idempotency_key_reused` when the key was used meanwhile: nothing
    /// is issued).
    pub async fn issue_credit_note_once(
        &self,
        hs: &HubScope,
        invoice: InvoiceId,
        input: &NewCreditNote,
        once: Option<&FormKey>,
    ) -> StoreResult<CreditNoteId> {
        let scope = hs.own()?.tenant();
        let hub = scope.org;
        let reason = input.reason.trim();
        let mut v = Validator::new();
        if v.required("reason", reason) && v.text("reason", reason) {
            v.max_len("reason", reason, MAX_REASON);
        }
        v.finish().map_err(StoreError::Invalid)?;
        let now = self.now();
        let today = local_day(now);
        let mut tx = self.write_tx().await?;
        let inv = issued_in(&mut tx, hub, invoice).await?;
        if inv.invoice.hub != hub {
            return Err(StoreError::NotFound);
        }
        let i = &inv.invoice;
        lock_buyer(&mut tx, hub, i.buyer).await?;
        let settings = saved_settings(&mut tx, hub)
            .await?
            .ok_or(StoreError::Refused(Refusal::BillingNotSetUp))?;
        let credited = credited_in(&mut tx, hub, invoice).await?;
        let (lines, figures) = match &input.lines {
            None => {
                if credited.notes > 0 {
                    return Err(StoreError::Refused(Refusal::InvoicePartlyCredited));
                }
                let lines = inv
                    .lines
                    .iter()
                    .map(|l| CreditNoteLine {
                        line_no: l.line_no,
                        name_fr: l.name_fr.clone(),
                        name_en: l.name_en.clone(),
                        unit: l.unit,
                        quantity: Some(l.quantity),
                        amount: l.amount,
                        codes: l.codes,
                    })
                    .collect();
                let figures = Figures {
                    goods: i.goods - i.discount,
                    delivery: i.delivery,
                    deposits: i.deposits,
                    subtotal: i.subtotal,
                    gst_base: i.gst_base,
                    qst_base: i.qst_base,
                    gst: i.gst,
                    qst: i.qst,
                };
                (lines, figures)
            }
            Some(input) => partial(&inv, &credited, input)?,
        };
        let total = figures.total();
        if credited.total + total > i.total || credited.subtotal + figures.subtotal > i.subtotal {
            return Err(StoreError::Refused(Refusal::CreditExceedsInvoice));
        }
        let year = counter_year(settings.yearly_reset, today.year());
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO credit_note_counters (organization_id, year, last_number) VALUES ($1, $2, 1) \
             ON CONFLICT (organization_id, year) DO UPDATE SET last_number = credit_note_counters.last_number + 1 \
             RETURNING last_number",
        )
        .bind(hub.0)
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        let number = invoice_number(credit_note_prefix(&settings.invoice_prefix), year, seq);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO credit_notes (organization_id, invoice_id, buyer_id, number, year, seq, lang, credit_date, reason, \
             full_credit, invoice_number, invoice_date, seller_name, seller_address, registered, gst_number, qst_number, \
             buyer_name, buyer_address, goods_cents, delivery_cents, deposits_cents, subtotal_cents, gst_base_cents, \
             qst_base_cents, gst_cents, qst_cents, total_cents, issued_at, issued_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
             $23, $24, $25, $26, $27, $28, $29, $30) RETURNING id",
        )
        .bind(hub.0)
        .bind(invoice.0)
        .bind(i.buyer.0)
        .bind(&number)
        .bind(year)
        .bind(seq)
        .bind(i.lang.code())
        .bind(today.to_string())
        .bind(reason)
        .bind(input.lines.is_none())
        .bind(&i.number)
        .bind(i.invoice_date.to_string())
        .bind(&i.seller_name)
        .bind(&i.seller_address)
        .bind(i.registered)
        .bind(&i.gst_number)
        .bind(&i.qst_number)
        .bind(&i.buyer_name)
        .bind(&i.buyer_address)
        .bind(figures.goods.0)
        .bind(figures.delivery.0)
        .bind(figures.deposits.0)
        .bind(figures.subtotal.0)
        .bind(figures.gst_base.0)
        .bind(figures.qst_base.0)
        .bind(figures.gst.0)
        .bind(figures.qst.0)
        .bind(total.0)
        .bind(ms(now))
        .bind(scope.actor.user.map(|u| u.0))
        .fetch_one(&mut *tx)
        .await?;
        for l in &lines {
            sqlx::query(
                "INSERT INTO credit_note_lines (organization_id, credit_note_id, invoice_id, line_no, name_fr, name_en, \
                 unit, quantity, amount_cents, gst_status, qst_status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(hub.0)
            .bind(id)
            .bind(invoice.0)
            .bind(l.line_no)
            .bind(&l.name_fr)
            .bind(&l.name_en)
            .bind(l.unit.code())
            .bind(l.quantity.map(|q| q.0))
            .bind(l.amount.0)
            .bind(l.codes.gst.code())
            .bind(l.codes.qst.code())
            .execute(&mut *tx)
            .await?;
        }
        let note = CreditNoteId(id);
        let change = Change::by(scope, Action::Create, "credit_note", note).after(serde_json::json!({
            "number": number, "invoice": invoice.0, "reason": reason, "full": input.lines.is_none(),
            "total_cents": total.0, "gst_cents": figures.gst.0, "qst_cents": figures.qst.0,
        }));
        audit::record(&mut tx, change, now).await?;
        let event = Event::CreditNoteIssued {
            hub,
            buyer: i.buyer,
            invoice,
            credit_note: note,
        };
        events::record(&mut tx, event, now).await?;
        if let Some(key) = once {
            key.keep_in(&mut tx, &note.to_string(), now).await?;
        }
        tx.commit().await?;
        Ok(note)
    }

    /// The credit notes the organization issued (a hub) or received (a buyer), newest first,
    /// after `before`, at most `limit` ([`PAGE_MAX`], and one more).
    pub async fn credit_notes(
        &self,
        scope: &TenantScope,
        before: Option<CreditNoteId>,
        limit: i64,
    ) -> StoreResult<Vec<CreditNote>> {
        let rows: Vec<CreditNoteRow> = sqlx::query_as(&format!(
            "SELECT {NOTE_COLUMNS} FROM credit_notes WHERE (organization_id = $1 OR buyer_id = $1) \
             AND id < $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(scope.org.0)
        .bind(before.map_or(i64::MAX, |b| b.0))
        .bind(limit.clamp(1, PAGE_MAX + 1))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CreditNote::try_from).collect()
    }

    /// The credit notes of one invoice, oldest first, for its hub or its buyer.
    pub async fn credit_notes_of_invoice(
        &self,
        scope: &TenantScope,
        invoice: InvoiceId,
    ) -> StoreResult<Vec<CreditNote>> {
        let rows: Vec<CreditNoteRow> = sqlx::query_as(&format!(
            "SELECT {NOTE_COLUMNS} FROM credit_notes WHERE invoice_id = $1 \
             AND (organization_id = $2 OR buyer_id = $2) ORDER BY id"
        ))
        .bind(invoice.0)
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CreditNote::try_from).collect()
    }

    /// One credit note with its lines, for the hub that issued it or the buyer.
    pub async fn credit_note(
        &self,
        scope: &TenantScope,
        id: CreditNoteId,
    ) -> StoreResult<IssuedCreditNote> {
        let row: CreditNoteRow = sqlx::query_as(&format!(
            "SELECT {NOTE_COLUMNS} FROM credit_notes WHERE id = $1 AND (organization_id = $2 OR buyer_id = $2)"
        ))
        .bind(id.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let note = CreditNote::try_from(row)?;
        let rows: Vec<LineRow> = sqlx::query_as(
            "SELECT line_no, name_fr, name_en, unit, quantity, amount_cents, gst_status, qst_status \
             FROM credit_note_lines WHERE organization_id = $1 AND credit_note_id = $2 ORDER BY line_no",
        )
        .bind(note.hub.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let lines = rows.into_iter().map(line_of).collect::<StoreResult<_>>()?;
        Ok(IssuedCreditNote { note, lines })
    }
}
