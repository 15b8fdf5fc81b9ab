//! Producers' statements and payouts. For a period (an order cycle or a calendar month), a
//! producer's statement lists the lines of issued invoices that sold its products (real
//! weights, from the invoices' frozen lines), each at the producer's price and at what the
//! buyer paid, so the hub's margin shows line by line; and the losses and donations of its lots
//! recorded in the stock ledger, with their reason and who bears them. Issuing freezes it
//! under a number (`REL-2026-0001`, per hub and year, gapless like invoices); an invoice line
//! or a ledger entry is on at most one statement (unique keys, migration 0034), so issuing the
//! same period again takes only what is new. Marking it paid (once, with a date and a
//! reference) makes it a payout and records `PayoutMade`.

use crate::db::ms;
use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::events::{self, Event};
use crate::platform::rows::{instant, parsed};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::catalog::SaleUnit;
use halles_core::fulfilment::catch_weight_amount;
use halles_core::money::Cents;
use halles_core::ordering::local_day;
use halles_core::payouts::{ChargedTo, Period, check_payout, statement_number};
use halles_core::pricing::catch_weight_unit_price;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_core::{CycleId, InvoiceId, OrgId, ProductId, StatementId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::FromRow;

/// At most this many statements a page.
pub const PAGE_MAX: i64 = 200;

/// What to put on a statement: a producer, a period, and who bears the losses in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementInput {
    /// The producer.
    pub producer: OrgId,
    /// The period.
    pub period: Period,
    /// Who bears the losses and donations of its lots in the period.
    pub losses_charged_to: ChargedTo,
}

/// A line of a statement: one invoice line of the producer's product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    /// The invoice.
    pub invoice: InvoiceId,
    /// The line on the invoice.
    pub invoice_line_no: i64,
    /// The invoice's number.
    pub invoice_number: String,
    /// Its date.
    pub invoice_date: Date,
    /// The buyer.
    pub buyer_name: String,
    /// The product.
    pub product: ProductId,
    /// French name.
    pub name_fr: String,
    /// English name (empty: the French one).
    pub name_en: String,
    /// Sale unit.
    pub unit: SaleUnit,
    /// Quantity delivered.
    pub quantity: Qty,
    /// Real weight in grams (a catch-weight line).
    pub weight_g: Option<i64>,
    /// The producer's unit price.
    pub producer_unit_price: Cents,
    /// The producer's price per kilogram (a catch-weight line, paid at its real weight).
    pub producer_kg_price: Option<Cents>,
    /// What the producer is owed for it.
    pub producer_amount: Cents,
    /// What the buyer paid for it (before taxes).
    pub buyer_amount: Cents,
    /// The hub's margin on it.
    pub margin: Cents,
    /// The French name of the product it replaced, if a substitution.
    pub substitute_for_fr: String,
}

impl StatementLine {
    /// The product's name in a language.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_fr, &self.name_en)
    }
}

/// An adjustment: a loss or a donation of the producer's goods at the hub, from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementAdjustment {
    /// The ledger entry.
    pub movement: i64,
    /// `lost` or `donated`.
    pub kind: String,
    /// The lot's code.
    pub lot_code: String,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
    /// Sale unit.
    pub unit: SaleUnit,
    /// How much.
    pub quantity: Qty,
    /// The reason recorded.
    pub reason: String,
    /// Who bears it.
    pub charged_to: ChargedTo,
    /// Its value at the producer's price (the cycle's offer).
    pub value: Cents,
    /// What it adds to what the producer is owed: its value when the hub bears it, else 0.
    pub amount: Cents,
}

impl StatementAdjustment {
    /// The product's name in a language.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_fr, &self.name_en)
    }
}

/// A statement's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatementTotals {
    /// At the producer's prices.
    pub producer_amount: Cents,
    /// What buyers paid.
    pub buyer_amount: Cents,
    /// The hub's margin.
    pub margin: Cents,
    /// Adjustments the hub pays.
    pub adjustments: Cents,
    /// What the producer is owed.
    pub owed: Cents,
}

impl StatementTotals {
    fn of(lines: &[StatementLine], adjustments: &[StatementAdjustment]) -> StatementTotals {
        let producer_amount: Cents = lines.iter().map(|l| l.producer_amount).sum();
        let buyer_amount: Cents = lines.iter().map(|l| l.buyer_amount).sum();
        let adjustments: Cents = adjustments.iter().map(|a| a.amount).sum();
        StatementTotals {
            producer_amount,
            buyer_amount,
            margin: buyer_amount - producer_amount,
            adjustments,
            owed: producer_amount + adjustments,
        }
    }
}

/// What a statement would hold if issued now (the hub's preview of a period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// The producer.
    pub producer: OrgId,
    /// Its name.
    pub producer_name: String,
    /// Invoice lines not yet on a statement.
    pub lines: Vec<StatementLine>,
    /// Losses and donations not yet on a statement.
    pub adjustments: Vec<StatementAdjustment>,
    /// Their totals.
    pub totals: StatementTotals,
}

/// A payout: a statement paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payout {
    /// The day it was paid.
    pub paid_on: Date,
    /// Its reference (cheque, transfer).
    pub reference: String,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// An issued statement, as frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// Its id.
    pub id: StatementId,
    /// The hub.
    pub hub: OrgId,
    /// The producer.
    pub producer: OrgId,
    /// Its number.
    pub number: String,
    /// The producer's language, the statement's.
    pub lang: Lang,
    /// `cycle` or `month`.
    pub period_kind: String,
    /// The cycle, for a cycle's statement.
    pub cycle: Option<CycleId>,
    /// The period's first day (a cycle: its first invoice's).
    pub period_start: Date,
    /// Its last day.
    pub period_end: Date,
    /// The cycle's name, or the month (`2026-12`).
    pub period_label: String,
    /// The hub's name.
    pub hub_name: String,
    /// The producer's name.
    pub producer_name: String,
    /// Who bore the losses.
    pub losses_charged_to: ChargedTo,
    /// Its totals.
    pub totals: StatementTotals,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// Its payout, once paid.
    pub payout: Option<Payout>,
}

/// A statement with its lines and adjustments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedStatement {
    /// The statement.
    pub statement: Statement,
    /// Its lines.
    pub lines: Vec<StatementLine>,
    /// Its adjustments.
    pub adjustments: Vec<StatementAdjustment>,
}

/// A period's invoices against what their producers are owed: what the invoices total is
/// what producers are owed for the goods, the hub's margin, fees and taxes, to the cent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PeriodBalance {
    /// How many invoices.
    pub invoices: i64,
    /// What they total.
    pub invoiced: Cents,
    /// Owed to producers for the goods (on statements or not yet).
    pub producers: Cents,
    /// The hub's margin on the goods, less the invoices' discounts.
    pub margin: Cents,
    /// Delivery fees and deposits.
    pub fees: Cents,
    /// GST and QST.
    pub taxes: Cents,
    /// Invoice lines already on an issued statement.
    pub lines_on_statements: i64,
    /// Invoice lines not yet on one.
    pub lines_left: i64,
}

/// A period's bounds: the cycle (0 for a month), the invoice dates, and the instants (UTC
/// milliseconds, half-open) the ledger's entries fall in; and its label.
struct Bounds {
    cycle: i64,
    first: Date,
    last: Date,
    from_ms: i64,
    until_ms: i64,
    label: String,
}

pub(crate) fn local_midnight(d: Date) -> StoreResult<i64> {
    let tz = jiff::tz::TimeZone::get("America/Toronto").unwrap_or(jiff::tz::TimeZone::UTC);
    d.to_zoned(tz)
        .map(|z| ms(z.timestamp()))
        .map_err(|_| StoreError::Corrupt("period"))
}

fn date(s: &str) -> StoreResult<Date> {
    s.parse().map_err(|_| StoreError::Corrupt("statement date"))
}

async fn bounds(conn: &mut sqlx::AnyConnection, hub: OrgId, period: Period) -> StoreResult<Bounds> {
    match period {
        Period::Cycle { cycle } => {
            let name: String = sqlx::query_scalar(
                "SELECT name FROM order_cycles WHERE organization_id = $1 AND id = $2",
            )
            .bind(hub.0)
            .bind(cycle.0)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
            Ok(Bounds {
                cycle: cycle.0,
                first: Date::MIN,
                last: Date::MAX,
                from_ms: i64::MIN,
                until_ms: i64::MAX,
                label: name,
            })
        }
        Period::Month { year, month } => {
            let (first, last) = Period::month_days(year, month)
                .ok_or(StoreError::Refused(Refusal::PeriodInvalid))?;
            let next = last.tomorrow().map_err(|_| StoreError::Corrupt("period"))?;
            Ok(Bounds {
                cycle: 0,
                first,
                last,
                from_ms: local_midnight(first)?,
                until_ms: local_midnight(next)?,
                label: format!("{year:04}-{month:02}"),
            })
        }
    }
}

#[derive(FromRow)]
struct CandidateRow {
    invoice_id: i64,
    line_no: i64,
    number: String,
    invoice_date: String,
    buyer_name: String,
    product_id: i64,
    name_fr: String,
    name_en: String,
    unit: String,
    quantity: i64,
    weight_g: Option<i64>,
    amount_cents: i64,
    substitute_for_fr: String,
    producer_price_cents: Option<i64>,
    producer_kg_price_cents: Option<i64>,
}

/// The order line an invoice line was built from: same order, product and quantity (an
/// order holds a product once; a substitute is another product).
const ORDER_LINE: &str = "FROM order_lines ol WHERE ol.organization_id = i.organization_id AND ol.order_id = i.order_id \
     AND ol.product_id = il.product_id AND ol.quantity = il.quantity ORDER BY ol.id LIMIT 1";

fn line_of(r: CandidateRow) -> StoreResult<StatementLine> {
    let quantity = Qty(r.quantity);
    let producer_unit_price = Cents(
        r.producer_price_cents
            .ok_or(StoreError::Corrupt("invoice line without its order line"))?,
    );
    let producer_kg_price = r.producer_kg_price_cents.map(Cents);
    // At the real weight for a weighed catch-weight line, as its invoice line was billed.
    let producer_amount = match (producer_kg_price, r.weight_g) {
        (Some(k), Some(g)) => catch_weight_amount(k, g),
        _ => quantity.price(producer_unit_price),
    };
    let buyer_amount = Cents(r.amount_cents);
    Ok(StatementLine {
        invoice: InvoiceId(r.invoice_id),
        invoice_line_no: r.line_no,
        invoice_number: r.number,
        invoice_date: date(&r.invoice_date)?,
        buyer_name: r.buyer_name,
        product: ProductId(r.product_id),
        name_fr: r.name_fr,
        name_en: r.name_en,
        unit: parsed(&r.unit, "unit")?,
        quantity,
        weight_g: r.weight_g,
        producer_unit_price,
        producer_kg_price,
        producer_amount,
        buyer_amount,
        margin: buyer_amount - producer_amount,
        substitute_for_fr: r.substitute_for_fr,
    })
}

#[derive(FromRow)]
struct LossRow {
    id: i64,
    kind: String,
    quantity: i64,
    reason: String,
    code: String,
    name_fr: String,
    name_en: String,
    unit: String,
    price_cents: Option<i64>,
    est_weight_g: Option<i64>,
}

/// What is left to put on a statement of `producer` for the period: invoice lines and losses
/// not on one yet.
async fn gather(
    conn: &mut sqlx::AnyConnection,
    hub: OrgId,
    producer: OrgId,
    b: &Bounds,
    charged: ChargedTo,
) -> StoreResult<(Vec<StatementLine>, Vec<StatementAdjustment>)> {
    let rows: Vec<CandidateRow> = sqlx::query_as(&format!(
        "SELECT il.invoice_id, il.line_no, i.number, i.invoice_date, i.buyer_name, il.product_id, il.name_fr, il.name_en, \
         il.unit, il.quantity, il.weight_g, il.amount_cents, il.substitute_for_fr, \
         (SELECT ol.producer_price_cents {ORDER_LINE}) AS producer_price_cents, \
         (SELECT ol.producer_kg_price_cents {ORDER_LINE}) AS producer_kg_price_cents \
         FROM invoices i JOIN invoice_lines il ON il.organization_id = i.organization_id AND il.invoice_id = i.id \
         JOIN products p ON p.id = il.product_id \
         JOIN orders o ON o.organization_id = i.organization_id AND o.id = i.order_id \
         WHERE i.organization_id = $1 AND p.organization_id = $2 AND ($3 = 0 OR o.cycle_id = $3) \
         AND i.invoice_date >= $4 AND i.invoice_date <= $5 \
         AND NOT EXISTS (SELECT 1 FROM producer_statement_lines s WHERE s.organization_id = il.organization_id \
         AND s.invoice_id = il.invoice_id AND s.invoice_line_no = il.line_no) \
         ORDER BY i.invoice_date, i.id, il.line_no"
    ))
    .bind(hub.0)
    .bind(producer.0)
    .bind(b.cycle)
    .bind(b.first.to_string())
    .bind(b.last.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let lines = rows
        .into_iter()
        .map(line_of)
        .collect::<StoreResult<Vec<_>>>()?;
    let losses: Vec<LossRow> = sqlx::query_as(
        "SELECT m.id, m.kind, m.quantity, m.reason, t.code, t.name_fr, t.name_en, t.unit, a.price_cents, \
         CASE WHEN p.catch_weight THEN p.est_weight_g ELSE NULL END AS est_weight_g \
         FROM stock_movements m JOIN lots t ON t.organization_id = m.organization_id AND t.id = m.lot_id \
         JOIN products p ON p.id = t.product_id \
         LEFT JOIN availability a ON a.organization_id = t.organization_id AND a.cycle_id = t.cycle_id \
         AND a.product_id = t.product_id \
         WHERE m.organization_id = $1 AND t.producer_id = $2 AND m.kind IN ('lost', 'donated') \
         AND ($3 = 0 OR t.cycle_id = $3) AND m.created_at >= $4 AND m.created_at < $5 \
         AND NOT EXISTS (SELECT 1 FROM producer_statement_adjustments s WHERE s.organization_id = m.organization_id \
         AND s.movement_id = m.id) ORDER BY m.id",
    )
    .bind(hub.0)
    .bind(producer.0)
    .bind(b.cycle)
    .bind(b.from_ms)
    .bind(b.until_ms)
    .fetch_all(&mut *conn)
    .await?;
    let adjustments = losses
        .into_iter()
        .map(|r| {
            let quantity = Qty(r.quantity.abs());
            // The cycle's offer is the producer's price (per kg for a catch-weight product,
            // whose unit is then valued at its estimated weight); no offer, no value.
            let price = r.price_cents.map(Cents).unwrap_or(Cents::ZERO);
            let unit_price = match r.est_weight_g {
                Some(g) => catch_weight_unit_price(price, g),
                None => price,
            };
            let value = quantity.price(unit_price);
            Ok(StatementAdjustment {
                movement: r.id,
                kind: r.kind,
                lot_code: r.code,
                name_fr: r.name_fr,
                name_en: r.name_en,
                unit: parsed(&r.unit, "unit")?,
                quantity,
                reason: r.reason,
                charged_to: charged,
                value,
                amount: match charged {
                    ChargedTo::Hub => value,
                    ChargedTo::Producer => Cents::ZERO,
                },
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((lines, adjustments))
}

#[derive(FromRow)]
pub(crate) struct StatementRow {
    id: i64,
    organization_id: i64,
    producer_id: i64,
    number: String,
    lang: String,
    period_kind: String,
    cycle_id: Option<i64>,
    period_start: String,
    period_end: String,
    period_label: String,
    hub_name: String,
    producer_name: String,
    losses_charged_to: String,
    producer_cents: i64,
    buyer_cents: i64,
    margin_cents: i64,
    adjustments_cents: i64,
    owed_cents: i64,
    issued_at: i64,
    paid_on: Option<String>,
    reference: Option<String>,
    recorded_at: Option<i64>,
}

pub(crate) const STATEMENT_SELECT: &str = "SELECT s.id, s.organization_id, s.producer_id, s.number, s.lang, s.period_kind, s.cycle_id, \
     s.period_start, s.period_end, s.period_label, s.hub_name, s.producer_name, s.losses_charged_to, s.producer_cents, \
     s.buyer_cents, s.margin_cents, s.adjustments_cents, s.owed_cents, s.issued_at, p.paid_on, p.reference, p.recorded_at \
     FROM producer_statements s LEFT JOIN producer_payouts p ON p.organization_id = s.organization_id \
     AND p.statement_id = s.id";

impl TryFrom<StatementRow> for Statement {
    type Error = StoreError;
    fn try_from(r: StatementRow) -> StoreResult<Self> {
        let payout = match (r.paid_on, r.reference, r.recorded_at) {
            (Some(d), Some(reference), Some(at)) => Some(Payout {
                paid_on: date(&d)?,
                reference,
                recorded_at: instant(at)?,
            }),
            _ => None,
        };
        Ok(Statement {
            id: StatementId(r.id),
            hub: OrgId(r.organization_id),
            producer: OrgId(r.producer_id),
            number: r.number,
            lang: parsed(&r.lang, "language")?,
            period_kind: r.period_kind,
            cycle: r.cycle_id.map(CycleId),
            period_start: date(&r.period_start)?,
            period_end: date(&r.period_end)?,
            period_label: r.period_label,
            hub_name: r.hub_name,
            producer_name: r.producer_name,
            losses_charged_to: parsed(&r.losses_charged_to, "charged to")?,
            totals: StatementTotals {
                producer_amount: Cents(r.producer_cents),
                buyer_amount: Cents(r.buyer_cents),
                margin: Cents(r.margin_cents),
                adjustments: Cents(r.adjustments_cents),
                owed: Cents(r.owed_cents),
            },
            issued_at: instant(r.issued_at)?,
            payout,
        })
    }
}

#[derive(FromRow)]
struct LineRow {
    invoice_id: i64,
    invoice_line_no: i64,
    invoice_number: String,
    invoice_date: String,
    buyer_name: String,
    product_id: i64,
    name_fr: String,
    name_en: String,
    unit: String,
    quantity: i64,
    weight_g: Option<i64>,
    producer_unit_price_cents: i64,
    producer_kg_price_cents: Option<i64>,
    producer_cents: i64,
    buyer_cents: i64,
    margin_cents: i64,
    substitute_for_fr: String,
}

#[derive(FromRow)]
struct AdjustmentRow {
    movement_id: i64,
    kind: String,
    lot_code: String,
    name_fr: String,
    name_en: String,
    unit: String,
    quantity: i64,
    reason: String,
    charged_to: String,
    value_cents: i64,
    amount_cents: i64,
}

/// Producers with goods invoiced or lost in a period, by name.
async fn producers_of(
    conn: &mut sqlx::AnyConnection,
    hub: OrgId,
) -> StoreResult<Vec<(OrgId, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT o.id, o.name FROM hub_producers h JOIN organizations o ON o.id = h.producer_id \
         WHERE h.organization_id = $1 ORDER BY o.name, o.id",
    )
    .bind(hub.0)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, n)| (OrgId(id), n)).collect())
}

impl Store {
    /// What each of the hub's producers has left to put on a statement for the period (the
    /// hub only), producers with nothing left out.
    pub async fn statement_drafts(&self, hs: &HubScope, period: Period) -> StoreResult<Vec<Draft>> {
        let hub = hs.own()?.hub();
        let mut conn = self.pool.acquire().await?;
        let b = bounds(&mut conn, hub, period).await?;
        let mut out = Vec::new();
        for (producer, producer_name) in producers_of(&mut conn, hub).await? {
            let (lines, adjustments) =
                gather(&mut conn, hub, producer, &b, ChargedTo::Producer).await?;
            if lines.is_empty() && adjustments.is_empty() {
                continue;
            }
            let totals = StatementTotals::of(&lines, &adjustments);
            out.push(Draft {
                producer,
                producer_name,
                lines,
                adjustments,
                totals,
            });
        }
        Ok(out)
    }

    /// Issues a producer's statement for a period (the hub only): what is left of the period
    /// for that producer, frozen under the next number, `StatementIssued` recorded.
    /// `statement_empty` when nothing is left (every line already on a statement).
    pub async fn issue_statement(
        &self,
        hs: &HubScope,
        input: StatementInput,
    ) -> StoreResult<StatementId> {
        let hub = hs.own()?.hub();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let producer: Option<(String, String)> = sqlx::query_as(
            "SELECT o.name, o.lang FROM hub_producers h JOIN organizations o ON o.id = h.producer_id \
             WHERE h.organization_id = $1 AND h.producer_id = $2",
        )
        .bind(hub.0)
        .bind(input.producer.0)
        .fetch_optional(&mut *tx)
        .await?;
        let (producer_name, lang) = producer.ok_or(StoreError::NotFound)?;
        let b = bounds(&mut tx, hub, input.period).await?;
        let (lines, adjustments) =
            gather(&mut tx, hub, input.producer, &b, input.losses_charged_to).await?;
        if lines.is_empty() && adjustments.is_empty() {
            return Err(StoreError::Refused(Refusal::StatementEmpty));
        }
        let totals = StatementTotals::of(&lines, &adjustments);
        let hub_name: String = sqlx::query_scalar(
            "SELECT COALESCE(NULLIF(s.legal_name, ''), o.name) FROM organizations o \
             LEFT JOIN hub_billing_settings s ON s.organization_id = o.id WHERE o.id = $1",
        )
        .bind(hub.0)
        .fetch_one(&mut *tx)
        .await?;
        let today = local_day(now);
        let (start, end) = match input.period {
            Period::Month { .. } => (b.first, b.last),
            Period::Cycle { .. } => {
                let days: Vec<Date> = lines.iter().map(|l| l.invoice_date).collect();
                (
                    days.iter().min().copied().unwrap_or(today),
                    days.iter().max().copied().unwrap_or(today),
                )
            }
        };
        let year = i64::from(today.year());
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO statement_counters (organization_id, year, last_number) VALUES ($1, $2, 1) \
             ON CONFLICT (organization_id, year) DO UPDATE SET last_number = statement_counters.last_number + 1 \
             RETURNING last_number",
        )
        .bind(hub.0)
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        let number = statement_number(year, seq);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO producer_statements (organization_id, producer_id, number, year, seq, lang, period_kind, \
             cycle_id, period_start, period_end, period_label, hub_name, producer_name, losses_charged_to, \
             producer_cents, buyer_cents, margin_cents, adjustments_cents, owed_cents, issued_at, issued_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
             RETURNING id",
        )
        .bind(hub.0)
        .bind(input.producer.0)
        .bind(&number)
        .bind(year)
        .bind(seq)
        .bind(&lang)
        .bind(input.period.kind())
        .bind((b.cycle != 0).then_some(b.cycle))
        .bind(start.to_string())
        .bind(end.to_string())
        .bind(&b.label)
        .bind(&hub_name)
        .bind(&producer_name)
        .bind(input.losses_charged_to.code())
        .bind(totals.producer_amount.0)
        .bind(totals.buyer_amount.0)
        .bind(totals.margin.0)
        .bind(totals.adjustments.0)
        .bind(totals.owed.0)
        .bind(ms(now))
        .bind(hs.tenant().actor.user.map(|u| u.0))
        .fetch_one(&mut *tx)
        .await?;
        let unique = |e: StoreError| {
            // Another statement took the same line meanwhile (PostgreSQL, in parallel).
            if e.is_unique_violation() {
                StoreError::Refused(Refusal::StatementEmpty)
            } else {
                e
            }
        };
        // A hundred lines a statement (20 values each), not one statement a line.
        const LINE_ROWS: usize = 100;
        for (chunk_no, chunk) in lines.chunks(LINE_ROWS).enumerate() {
            let rows: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let marks: Vec<String> = (1..=20).map(|c| format!("${}", r * 20 + c)).collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO producer_statement_lines (organization_id, statement_id, line_no, invoice_id, \
                 invoice_line_no, invoice_number, invoice_date, buyer_name, product_id, name_fr, name_en, unit, quantity, \
                 weight_g, producer_unit_price_cents, producer_kg_price_cents, producer_cents, buyer_cents, margin_cents, \
                 substitute_for_fr) VALUES {}",
                rows.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (k, l) in chunk.iter().enumerate() {
                q = q
                    .bind(hub.0)
                    .bind(id)
                    .bind(i64::try_from(chunk_no * LINE_ROWS + k + 1).unwrap_or(i64::MAX))
                    .bind(l.invoice.0)
                    .bind(l.invoice_line_no)
                    .bind(l.invoice_number.clone())
                    .bind(l.invoice_date.to_string())
                    .bind(l.buyer_name.clone())
                    .bind(l.product.0)
                    .bind(l.name_fr.clone())
                    .bind(l.name_en.clone())
                    .bind(l.unit.code())
                    .bind(l.quantity.0)
                    .bind(l.weight_g)
                    .bind(l.producer_unit_price.0)
                    .bind(l.producer_kg_price.map(|c| c.0))
                    .bind(l.producer_amount.0)
                    .bind(l.buyer_amount.0)
                    .bind(l.margin.0)
                    .bind(l.substitute_for_fr.clone());
            }
            q.execute(&mut *tx).await.map_err(|e| unique(e.into()))?;
        }
        for (n, a) in adjustments.iter().enumerate() {
            sqlx::query(
                "INSERT INTO producer_statement_adjustments (organization_id, statement_id, adj_no, movement_id, kind, \
                 lot_code, name_fr, name_en, unit, quantity, reason, charged_to, value_cents, amount_cents) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(hub.0)
            .bind(id)
            .bind(i64::try_from(n + 1).unwrap_or(i64::MAX))
            .bind(a.movement)
            .bind(&a.kind)
            .bind(&a.lot_code)
            .bind(&a.name_fr)
            .bind(&a.name_en)
            .bind(a.unit.code())
            .bind(a.quantity.0)
            .bind(&a.reason)
            .bind(a.charged_to.code())
            .bind(a.value.0)
            .bind(a.amount.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique(e.into()))?;
        }
        let statement = StatementId(id);
        let change = Change::by(hs.tenant(), Action::Create, "producer_statement", statement)
            .after(serde_json::json!({
                "number": number, "producer": input.producer.0, "period": b.label,
                "owed_cents": totals.owed.0, "lines": lines.len(), "adjustments": adjustments.len(),
            }));
        audit::record(&mut tx, change, now).await?;
        let event = Event::StatementIssued {
            hub,
            producer: input.producer,
            statement,
        };
        events::record(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(statement)
    }

    /// The statements a hub issued (all, or one producer's) or a producer received from every
    /// hub, newest first, after `before`, at most `limit` ([`PAGE_MAX`], one more to tell
    /// whether a next page exists).
    pub async fn statements(
        &self,
        scope: &TenantScope,
        producer: Option<OrgId>,
        before: Option<StatementId>,
        limit: i64,
    ) -> StoreResult<Vec<Statement>> {
        let rows: Vec<StatementRow> = sqlx::query_as(&format!(
            "{STATEMENT_SELECT} WHERE (s.organization_id = $1 OR s.producer_id = $1) AND ($2 = 0 OR s.producer_id = $2) \
             AND s.id < $3 ORDER BY s.id DESC LIMIT $4"
        ))
        .bind(scope.org.0)
        .bind(producer.map_or(0, |p| p.0))
        .bind(before.map_or(i64::MAX, |b| b.0))
        .bind(limit.clamp(1, PAGE_MAX + 1))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Statement::try_from).collect()
    }

    /// One statement with its lines, for the hub that issued it or its producer.
    pub async fn producer_statement(
        &self,
        scope: &TenantScope,
        id: StatementId,
    ) -> StoreResult<IssuedStatement> {
        let row: StatementRow = sqlx::query_as(&format!(
            "{STATEMENT_SELECT} WHERE s.id = $1 AND (s.organization_id = $2 OR s.producer_id = $2)"
        ))
        .bind(id.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let statement = Statement::try_from(row)?;
        let lines: Vec<LineRow> = sqlx::query_as(
            "SELECT invoice_id, invoice_line_no, invoice_number, invoice_date, buyer_name, product_id, name_fr, name_en, \
             unit, quantity, weight_g, producer_unit_price_cents, producer_kg_price_cents, producer_cents, buyer_cents, \
             margin_cents, substitute_for_fr FROM producer_statement_lines \
             WHERE organization_id = $1 AND statement_id = $2 ORDER BY line_no",
        )
        .bind(statement.hub.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let lines = lines
            .into_iter()
            .map(|r| {
                Ok(StatementLine {
                    invoice: InvoiceId(r.invoice_id),
                    invoice_line_no: r.invoice_line_no,
                    invoice_number: r.invoice_number,
                    invoice_date: date(&r.invoice_date)?,
                    buyer_name: r.buyer_name,
                    product: ProductId(r.product_id),
                    name_fr: r.name_fr,
                    name_en: r.name_en,
                    unit: parsed(&r.unit, "unit")?,
                    quantity: Qty(r.quantity),
                    weight_g: r.weight_g,
                    producer_unit_price: Cents(r.producer_unit_price_cents),
                    producer_kg_price: r.producer_kg_price_cents.map(Cents),
                    producer_amount: Cents(r.producer_cents),
                    buyer_amount: Cents(r.buyer_cents),
                    margin: Cents(r.margin_cents),
                    substitute_for_fr: r.substitute_for_fr,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let adjustments: Vec<AdjustmentRow> = sqlx::query_as(
            "SELECT movement_id, kind, lot_code, name_fr, name_en, unit, quantity, reason, charged_to, value_cents, \
             amount_cents FROM producer_statement_adjustments WHERE organization_id = $1 AND statement_id = $2 \
             ORDER BY adj_no",
        )
        .bind(statement.hub.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let adjustments = adjustments
            .into_iter()
            .map(|r| {
                Ok(StatementAdjustment {
                    movement: r.movement_id,
                    kind: r.kind,
                    lot_code: r.lot_code,
                    name_fr: r.name_fr,
                    name_en: r.name_en,
                    unit: parsed(&r.unit, "unit")?,
                    quantity: Qty(r.quantity),
                    reason: r.reason,
                    charged_to: parsed(&r.charged_to, "charged to")?,
                    value: Cents(r.value_cents),
                    amount: Cents(r.amount_cents),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(IssuedStatement {
            statement,
            lines,
            adjustments,
        })
    }

    /// Marks a statement paid (the hub only), once: the day (not after today) and the
    /// reference of the payment; records `PayoutMade`. `statement_already_paid` the second
    /// time.
    pub async fn mark_statement_paid(
        &self,
        hs: &HubScope,
        id: StatementId,
        paid_on: Date,
        reference: &str,
    ) -> StoreResult<()> {
        let hub = hs.own()?.hub();
        let now = self.now();
        let reference = reference.trim();
        // Another hub's statement is not found, whatever was typed.
        let found: Option<(i64, i64)> = sqlx::query_as(
            "SELECT producer_id, owed_cents FROM producer_statements WHERE organization_id = $1 AND id = $2",
        )
        .bind(hub.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        let (producer, owed) = found.ok_or(StoreError::NotFound)?;
        let mut v = Validator::new();
        check_payout(&mut v, paid_on, reference, local_day(now));
        v.finish().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO producer_payouts (organization_id, statement_id, paid_on, reference, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organization_id, statement_id) DO NOTHING \
             RETURNING statement_id",
        )
        .bind(hub.0)
        .bind(id.0)
        .bind(paid_on.to_string())
        .bind(reference)
        .bind(ms(now))
        .bind(hs.tenant().actor.user.map(|u| u.0))
        .fetch_optional(&mut *tx)
        .await?;
        if inserted.is_none() {
            return Err(StoreError::Refused(Refusal::StatementAlreadyPaid));
        }
        let change = Change::by(hs.tenant(), Action::Update, "producer_statement", id)
            .before(serde_json::json!({"paid": false}))
            .after(serde_json::json!({
                "paid": true, "paid_on": paid_on.to_string(), "reference": reference, "amount_cents": owed,
            }));
        audit::record(&mut tx, change, now).await?;
        let event = Event::PayoutMade {
            hub,
            producer: OrgId(producer),
            statement: id,
            amount: Cents(owed),
        };
        events::record(&mut tx, event, now).await?;
        tx.commit().await
    }

    /// The period's balance (the hub only): its invoices against what the producers are owed
    /// for their lines (on a statement or not yet), the hub's margin, fees and taxes.
    pub async fn period_balance(
        &self,
        hs: &HubScope,
        period: Period,
    ) -> StoreResult<PeriodBalance> {
        let hub = hs.own()?.hub();
        let mut conn = self.pool.acquire().await?;
        let b = bounds(&mut conn, hub, period).await?;
        let (invoices, invoiced, goods, discount, delivery, deposits, taxes): (
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(i.total_cents), 0) AS BIGINT), \
             CAST(COALESCE(SUM(i.goods_cents), 0) AS BIGINT), CAST(COALESCE(SUM(i.discount_cents), 0) AS BIGINT), \
             CAST(COALESCE(SUM(i.delivery_cents), 0) AS BIGINT), CAST(COALESCE(SUM(i.deposits_cents), 0) AS BIGINT), \
             CAST(COALESCE(SUM(i.gst_cents + i.qst_cents), 0) AS BIGINT) \
             FROM invoices i JOIN orders o ON o.organization_id = i.organization_id AND o.id = i.order_id \
             WHERE i.organization_id = $1 AND ($2 = 0 OR o.cycle_id = $2) \
             AND i.invoice_date >= $3 AND i.invoice_date <= $4",
        )
        .bind(hub.0)
        .bind(b.cycle)
        .bind(b.first.to_string())
        .bind(b.last.to_string())
        .fetch_one(&mut *conn)
        .await?;
        let (on, on_producers): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(l.producer_cents), 0) AS BIGINT) \
             FROM producer_statement_lines l JOIN invoices i ON i.organization_id = l.organization_id AND i.id = l.invoice_id \
             JOIN orders o ON o.organization_id = i.organization_id AND o.id = i.order_id \
             WHERE l.organization_id = $1 AND ($2 = 0 OR o.cycle_id = $2) \
             AND i.invoice_date >= $3 AND i.invoice_date <= $4",
        )
        .bind(hub.0)
        .bind(b.cycle)
        .bind(b.first.to_string())
        .bind(b.last.to_string())
        .fetch_one(&mut *conn)
        .await?;
        let mut producers = Cents(on_producers);
        let mut left = 0i64;
        for (producer, _) in producers_of(&mut conn, hub).await? {
            let (lines, _) = gather(&mut conn, hub, producer, &b, ChargedTo::Producer).await?;
            left += i64::try_from(lines.len()).unwrap_or(i64::MAX);
            producers += lines.iter().map(|l| l.producer_amount).sum::<Cents>();
        }
        Ok(PeriodBalance {
            invoices,
            invoiced: Cents(invoiced),
            producers,
            margin: Cents(goods - discount) - producers,
            fees: Cents(delivery + deposits),
            taxes: Cents(taxes),
            lines_on_statements: on,
            lines_left: left,
        })
    }
}
