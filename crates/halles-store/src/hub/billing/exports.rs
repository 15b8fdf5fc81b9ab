//! What the accounting exports read: a hub's issued invoices with their lines, by invoice
//! date; and its journal, every invoice, credit note, payment, producer statement and payout
//! of a range as a balanced entry on the accounts the hub names.

use crate::hub::HubScope;
use crate::hub::billing::credit_notes::IssuedCreditNote;
use crate::hub::billing::invoices::{IssuedInvoice, date};
use crate::hub::billing::payouts::{
    STATEMENT_SELECT, Statement as ProducerStatement, StatementRow, local_midnight,
};
use crate::platform::audit::{self, Action, Change};
use crate::platform::rows::parsed;
use crate::{Store, StoreError, StoreResult};
use halles_core::journal::{Account, MAX_ACCOUNT, Posting, balanced, sales_account};
use halles_core::money::Cents;
use halles_core::ordering::local_day;
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_core::{CreditNoteId, InvoiceId, OrgId};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// The longest range an export covers, in days.
pub const RANGE_MAX_DAYS: i32 = 366;
/// The most invoices an export holds.
pub const INVOICES_MAX: i64 = 5_000;

impl Store {
    /// The hub's invoices dated from `from` to `to` (both included, at most
    /// [`RANGE_MAX_DAYS`] days, at most [`INVOICES_MAX`] invoices), oldest first, with their
    /// lines: `period_invalid` for a range the wrong way round or too long, `too_many_rows`
    /// beyond the maximum.
    pub async fn invoices_dated(
        &self,
        hs: &HubScope,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<IssuedInvoice>> {
        let hub = hs.own()?.hub();
        let days = (to - from).get_days();
        if to < from || days >= RANGE_MAX_DAYS {
            return Err(StoreError::Refused(Refusal::PeriodInvalid));
        }
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM invoices WHERE organization_id = $1 AND invoice_date >= $2 AND invoice_date <= $3 \
             ORDER BY invoice_date, id LIMIT $4",
        )
        .bind(hub.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(INVOICES_MAX + 1)
        .fetch_all(&self.pool)
        .await?;
        let ids = at_most(ids)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.invoice(hs.tenant(), InvoiceId(id)).await?);
        }
        Ok(out)
    }
}

/// What a journal entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// An invoice issued: the buyer owes its total.
    Invoice,
    /// A credit note: the reverse of what it credits.
    CreditNote,
    /// A payment received from a buyer.
    Payment,
    /// A payment voided: the reverse of its entry, on the day it was voided (the payment's
    /// own entry stays in its period, so a journal already exported never changes).
    PaymentVoid,
    /// A producer's statement issued: the hub owes the producer.
    ProducerStatement,
    /// A statement paid to its producer.
    Payout,
}

impl EntryKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Invoice => "invoice",
            EntryKind::CreditNote => "credit_note",
            EntryKind::Payment => "payment",
            EntryKind::PaymentVoid => "payment_void",
            EntryKind::ProducerStatement => "producer_statement",
            EntryKind::Payout => "payout",
        }
    }
}

/// One balanced entry of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// What it records.
    pub kind: EntryKind,
    /// Its number: the document's (an invoice's, a credit note's, a statement's), `PMT-{id}`
    /// for a payment, the statement's followed by `-P` for a payout.
    pub number: String,
    /// Its day.
    pub on: Date,
    /// The buyer or the producer.
    pub name: String,
    /// The document it refers to (the invoice a credit note corrects, a payment's reference).
    pub reference: String,
    /// Its postings, debits positive and credits negative, summing to zero.
    pub postings: Vec<Posting>,
}

/// A hub's journal for a date range, with the names it gives its accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
    /// Each account's name at the hub.
    pub accounts: BTreeMap<Account, String>,
    /// Invoices, credit notes, payments, statements and payouts of the range, by day.
    pub entries: Vec<JournalEntry>,
}

impl Journal {
    /// The hub's name of an account.
    pub fn account(&self, a: Account) -> &str {
        self.accounts
            .get(&a)
            .map_or(a.default_name(), String::as_str)
    }
}

fn posting(account: Account, amount: Cents) -> Posting {
    Posting { account, amount }
}

impl JournalEntry {
    /// An entry of these postings, merged by account ([`balanced`]); `Corrupt` when they do
    /// not balance (never expected of frozen documents).
    fn new(
        kind: EntryKind,
        number: String,
        on: Date,
        name: String,
        reference: String,
        postings: &[Posting],
    ) -> StoreResult<JournalEntry> {
        Ok(JournalEntry {
            kind,
            number,
            on,
            name,
            reference,
            postings: balanced(postings).ok_or(StoreError::Corrupt("journal entry amounts"))?,
        })
    }
}

/// The rows of one kind of document, refused beyond [`INVOICES_MAX`] (`export_too_large`).
fn at_most<T>(rows: Vec<T>) -> StoreResult<Vec<T>> {
    if i64::try_from(rows.len()).unwrap_or(i64::MAX) > INVOICES_MAX {
        return Err(StoreError::Refused(Refusal::ExportTooLarge));
    }
    Ok(rows)
}

/// The entry of an invoice: the buyer owes its total; sales by tax class (each line's amount),
/// less discounts, delivery, deposits and each tax.
pub fn invoice_entry(inv: &IssuedInvoice) -> StoreResult<JournalEntry> {
    let i = &inv.invoice;
    let mut p = vec![posting(Account::Receivables, i.total)];
    for l in &inv.lines {
        p.push(posting(sales_account(l.codes), Cents(-l.amount.0)));
    }
    p.push(posting(Account::Discounts, i.discount));
    p.push(posting(Account::Delivery, Cents(-i.delivery.0)));
    p.push(posting(Account::Deposits, Cents(-i.deposits.0)));
    p.push(posting(Account::GstPayable, Cents(-i.gst.0)));
    p.push(posting(Account::QstPayable, Cents(-i.qst.0)));
    JournalEntry::new(
        EntryKind::Invoice,
        i.number.clone(),
        i.invoice_date,
        i.buyer_name.clone(),
        i.po_number.clone(),
        &p,
    )
}

/// The entry of a credit note: the reverse of an invoice's for what it credits (its lines'
/// amounts by tax class, less the discount they bore, its delivery, deposits and taxes).
pub fn credit_note_entry(cn: &IssuedCreditNote) -> StoreResult<JournalEntry> {
    let n = &cn.note;
    let mut p = vec![posting(Account::Receivables, Cents(-n.total.0))];
    let lines: Cents = cn.lines.iter().map(|l| l.amount).sum();
    for l in &cn.lines {
        p.push(posting(sales_account(l.codes), l.amount));
    }
    p.push(posting(Account::Discounts, Cents(n.goods.0 - lines.0)));
    p.push(posting(Account::Delivery, n.delivery));
    p.push(posting(Account::Deposits, n.deposits));
    p.push(posting(Account::GstPayable, n.gst));
    p.push(posting(Account::QstPayable, n.qst));
    JournalEntry::new(
        EntryKind::CreditNote,
        n.number.clone(),
        n.credit_date,
        n.buyer_name.clone(),
        n.invoice_number.clone(),
        &p,
    )
}

impl Store {
    /// The names the hub gives the accounts of its journal (the defaults for those it did not
    /// name).
    pub async fn journal_accounts(&self, hs: &HubScope) -> StoreResult<BTreeMap<Account, String>> {
        let hub = hs.own()?.hub();
        let mut conn = self.pool.acquire().await?;
        accounts_in(&mut conn, hub).await
    }

    /// Names the accounts of the hub's journal: each name required, clean text of at most
    /// [`MAX_ACCOUNT`] characters, on the field of its code. Audited.
    pub async fn set_journal_accounts(
        &self,
        hs: &HubScope,
        names: &BTreeMap<Account, String>,
    ) -> StoreResult<BTreeMap<Account, String>> {
        let scope = hs.own()?.tenant();
        let mut v = Validator::new();
        let mut clean = BTreeMap::new();
        for a in Account::ALL {
            let field = a.code();
            let name = names.get(&a).map(|n| n.trim()).unwrap_or_default();
            if v.required(field, name) && v.text(field, name) {
                v.max_len(field, name, MAX_ACCOUNT);
            }
            clean.insert(a, name.to_owned());
        }
        v.finish().map_err(StoreError::Invalid)?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let before = accounts_in(&mut tx, scope.org).await?;
        for (a, name) in &clean {
            sqlx::query(
                "INSERT INTO hub_journal_accounts (organization_id, account_key, account) VALUES ($1, $2, $3) \
                 ON CONFLICT (organization_id, account_key) DO UPDATE SET account = excluded.account",
            )
            .bind(scope.org.0)
            .bind(a.code())
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        let json = |m: &BTreeMap<Account, String>| {
            serde_json::Value::Object(
                m.iter()
                    .map(|(a, n)| (a.code().to_owned(), serde_json::Value::String(n.clone())))
                    .collect(),
            )
        };
        let change = Change::by(scope, Action::Update, "journal_accounts", scope.org)
            .before(json(&before))
            .after(json(&clean));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(clean)
    }

    /// The hub's journal from `from` to `to` (both included, at most [`RANGE_MAX_DAYS`] days):
    /// its invoices (by invoice date), credit notes (by their date), payments (by the day
    /// received) and their voids (by the day voided), producer statements (by the day issued) and payouts (by the day
    /// paid), each a balanced entry; `period_invalid`, and `export_too_large` beyond
    /// [`INVOICES_MAX`] documents of a kind.
    pub async fn journal(&self, hs: &HubScope, from: Date, to: Date) -> StoreResult<Journal> {
        let hub = hs.own()?.hub();
        let invoices = self.invoices_dated(hs, from, to).await?;
        let mut conn = self.pool.acquire().await?;
        let accounts = accounts_in(&mut conn, hub).await?;
        let (f, t) = (from.to_string(), to.to_string());
        let mut entries = Vec::new();
        for inv in &invoices {
            entries.push(invoice_entry(inv)?);
        }
        let notes: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM credit_notes WHERE organization_id = $1 AND credit_date >= $2 AND credit_date <= $3 \
             ORDER BY id LIMIT $4",
        )
        .bind(hub.0)
        .bind(&f)
        .bind(&t)
        .bind(INVOICES_MAX + 1)
        .fetch_all(&mut *conn)
        .await?;
        for id in at_most(notes)? {
            let cn = self.credit_note(hs.tenant(), CreditNoteId(id)).await?;
            entries.push(credit_note_entry(&cn)?);
        }
        let next = to.tomorrow().map_err(|_| StoreError::Corrupt("period"))?;
        let payments: Vec<(i64, String, String, i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT p.id, o.name, p.received_on, p.amount_cents, p.reference, p.voided_at FROM payments p \
             JOIN organizations o ON o.id = p.buyer_id WHERE p.organization_id = $1 \
             AND ((p.received_on >= $2 AND p.received_on <= $3) OR (p.voided_at >= $4 AND p.voided_at < $5)) \
             ORDER BY p.id LIMIT $6",
        )
        .bind(hub.0)
        .bind(&f)
        .bind(&t)
        .bind(local_midnight(from)?)
        .bind(local_midnight(next)?)
        .bind(INVOICES_MAX + 1)
        .fetch_all(&mut *conn)
        .await?;
        for (id, name, on, amount, reference, voided_at) in at_most(payments)? {
            let received = date(&on)?;
            if received >= from && received <= to {
                entries.push(JournalEntry::new(
                    EntryKind::Payment,
                    format!("PMT-{id}"),
                    received,
                    name.clone(),
                    reference.clone(),
                    &[
                        posting(Account::Bank, Cents(amount)),
                        posting(Account::Receivables, Cents(-amount)),
                    ],
                )?);
            }
            let voided = voided_at
                .map(crate::platform::rows::instant)
                .transpose()?
                .map(local_day);
            if let Some(day) = voided.filter(|d| *d >= from && *d <= to) {
                entries.push(JournalEntry::new(
                    EntryKind::PaymentVoid,
                    format!("PMT-{id}-V"),
                    day,
                    name,
                    reference,
                    &[
                        posting(Account::Receivables, Cents(amount)),
                        posting(Account::Bank, Cents(-amount)),
                    ],
                )?);
            }
        }
        let rows: Vec<StatementRow> = sqlx::query_as(&format!(
            "{STATEMENT_SELECT} WHERE s.organization_id = $1 AND ((s.issued_at >= $2 AND s.issued_at < $3) \
             OR (p.paid_on >= $4 AND p.paid_on <= $5)) ORDER BY s.id LIMIT $6"
        ))
        .bind(hub.0)
        .bind(local_midnight(from)?)
        .bind(local_midnight(next)?)
        .bind(&f)
        .bind(&t)
        .bind(INVOICES_MAX + 1)
        .fetch_all(&mut *conn)
        .await?;
        for row in at_most(rows)? {
            let s = ProducerStatement::try_from(row)?;
            let issued_on = local_day(s.issued_at);
            if issued_on >= from && issued_on <= to {
                entries.push(JournalEntry::new(
                    EntryKind::ProducerStatement,
                    s.number.clone(),
                    issued_on,
                    s.producer_name.clone(),
                    s.period_label.clone(),
                    &[
                        posting(Account::ProducerPurchases, s.totals.producer_amount),
                        posting(Account::Losses, s.totals.adjustments),
                        posting(Account::ProducersPayable, Cents(-s.totals.owed.0)),
                    ],
                )?);
            }
            if let Some(paid) = s
                .payout
                .as_ref()
                .filter(|p| p.paid_on >= from && p.paid_on <= to)
            {
                entries.push(JournalEntry::new(
                    EntryKind::Payout,
                    format!("{}-P", s.number),
                    paid.paid_on,
                    s.producer_name.clone(),
                    paid.reference.clone(),
                    &[
                        posting(Account::ProducersPayable, s.totals.owed),
                        posting(Account::Bank, Cents(-s.totals.owed.0)),
                    ],
                )?);
            }
        }
        // By day, then invoices before what corrects or pays them (a stable sort keeps each
        // kind's own order).
        entries.sort_by_key(|e| e.on);
        Ok(Journal {
            from,
            to,
            accounts,
            entries,
        })
    }
}

/// The hub's account names on a connection, the defaults for those never named.
async fn accounts_in(
    conn: &mut sqlx::AnyConnection,
    hub: OrgId,
) -> StoreResult<BTreeMap<Account, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT account_key, account FROM hub_journal_accounts WHERE organization_id = $1",
    )
    .bind(hub.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: BTreeMap<Account, String> = Account::ALL
        .into_iter()
        .map(|a| (a, a.default_name().to_owned()))
        .collect();
    for (key, name) in rows {
        out.insert(parsed(&key, "journal account")?, name);
    }
    Ok(out)
}
