//! Invoices: a delivered order becomes one invoice, built from what was delivered (real
//! weights, substitutions, shortages, fees), numbered without gaps in the transaction that
//! issues it, and frozen: every name, address, price and tax number is copied into it, and the
//! database refuses to change or delete it (migration 0032).

use super::settings::{BillingSettings, saved_settings};
use crate::db::ms;
use crate::hub::HubScope;
use crate::hub::orders::Order;
use crate::platform::audit::{self, Action, Change};
use crate::platform::events::{self, Event};
use crate::platform::rows::{Flag, instant, parsed};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::accounts::Lang;
use halles_core::billing::{PaymentTerms, counter_year, invoice_number};
use halles_core::catalog::SaleUnit;
use halles_core::money::Cents;
use halles_core::ordering::local_day;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::taxes::{
    DatedCodes, FeeTaxation, TaxClass, TaxCodes, TaxDocument, TaxLine, check_status_date, compute,
    in_force,
};
use halles_core::{InvoiceId, OrderId, OrgId, ProductId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sqlx::FromRow;
use std::collections::HashMap;

/// An issued invoice, as frozen when it was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    /// Its id.
    pub id: InvoiceId,
    /// The hub that issued it (the seller).
    pub hub: OrgId,
    /// The order it bills.
    pub order: OrderId,
    /// The buyer.
    pub buyer: OrgId,
    /// Its number (`FAC-2026-0001`).
    pub number: String,
    /// The buyer's language, the invoice's.
    pub lang: Lang,
    /// Invoice date (Montréal).
    pub invoice_date: Date,
    /// Delivery date.
    pub delivery_date: Date,
    /// Due date.
    pub due_date: Date,
    /// Payment terms.
    pub payment_terms: PaymentTerms,
    /// How to pay.
    pub how_to_pay: String,
    /// The buyer's purchase-order number.
    pub po_number: String,
    /// The seller's legal name.
    pub seller_name: String,
    /// The seller's address.
    pub seller_address: String,
    /// Whether the seller charged GST and QST.
    pub registered: bool,
    /// The seller's GST number.
    pub gst_number: String,
    /// The seller's QST number.
    pub qst_number: String,
    /// How the delivery fee was taxed.
    pub fee_taxation: FeeTaxation,
    /// The buyer's name.
    pub buyer_name: String,
    /// The buyer's billing address.
    pub buyer_address: String,
    /// Where it was delivered (address, or pickup point).
    pub delivery_address: String,
    /// Goods before discounts.
    pub goods: Cents,
    /// Discounts.
    pub discount: Cents,
    /// Delivery fee.
    pub delivery: Cents,
    /// Deposits.
    pub deposits: Cents,
    /// Before taxes.
    pub subtotal: Cents,
    /// What GST was computed on.
    pub gst_base: Cents,
    /// What QST was computed on.
    pub qst_base: Cents,
    /// GST.
    pub gst: Cents,
    /// QST.
    pub qst: Cents,
    /// Total due.
    pub total: Cents,
    /// When it was issued.
    pub issued_at: Timestamp,
}

/// A line of an invoice, as delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceLine {
    /// Its place on the invoice, from 1.
    pub line_no: i64,
    /// The product.
    pub product: ProductId,
    /// French name.
    pub name_fr: String,
    /// English name (empty: the French one).
    pub name_en: String,
    /// The producer's name.
    pub producer_name: String,
    /// The lots delivered, comma-separated.
    pub lots: String,
    /// Sale unit.
    pub unit: SaleUnit,
    /// Quantity delivered.
    pub quantity: Qty,
    /// Real weight in grams (a catch-weight line).
    pub weight_g: Option<i64>,
    /// Unit price.
    pub unit_price: Cents,
    /// Price per kilogram (a catch-weight line, billed at its real weight).
    pub kg_price: Option<Cents>,
    /// Amount.
    pub amount: Cents,
    /// GST and QST statuses in force on the invoice date.
    pub codes: TaxCodes,
    /// The French name of the product it replaced (a substitution), else empty.
    pub substitute_for_fr: String,
    /// Its English name.
    pub substitute_for_en: String,
    /// What was ordered and not delivered (a shortage).
    pub short_quantity: Option<Qty>,
}

impl InvoiceLine {
    /// The product's name in a language.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_fr, &self.name_en)
    }

    /// The replaced product's name in a language, if this line is a substitution.
    pub fn substitute_for(&self, lang: Lang) -> Option<&str> {
        (!self.substitute_for_fr.is_empty())
            .then(|| lang.pick(&self.substitute_for_fr, &self.substitute_for_en))
    }
}

/// An invoice with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedInvoice {
    /// The invoice.
    pub invoice: Invoice,
    /// Its lines.
    pub lines: Vec<InvoiceLine>,
}

#[derive(FromRow)]
struct InvoiceRow {
    id: i64,
    organization_id: i64,
    order_id: i64,
    buyer_id: i64,
    number: String,
    lang: String,
    invoice_date: String,
    delivery_date: String,
    due_date: String,
    payment_terms: String,
    how_to_pay: String,
    po_number: String,
    seller_name: String,
    seller_address: String,
    registered: Flag,
    gst_number: String,
    qst_number: String,
    fee_taxation: String,
    buyer_name: String,
    buyer_address: String,
    delivery_address: String,
    goods_cents: i64,
    discount_cents: i64,
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

const INVOICE_COLUMNS: &str = "id, organization_id, order_id, buyer_id, number, lang, invoice_date, delivery_date, \
     due_date, payment_terms, how_to_pay, po_number, seller_name, seller_address, registered, gst_number, qst_number, \
     fee_taxation, buyer_name, buyer_address, delivery_address, goods_cents, discount_cents, delivery_cents, \
     deposits_cents, subtotal_cents, gst_base_cents, qst_base_cents, gst_cents, qst_cents, total_cents, issued_at";

pub(crate) fn date(s: &str) -> StoreResult<Date> {
    s.parse().map_err(|_| StoreError::Corrupt("invoice date"))
}

impl TryFrom<InvoiceRow> for Invoice {
    type Error = StoreError;
    fn try_from(r: InvoiceRow) -> StoreResult<Self> {
        Ok(Invoice {
            id: InvoiceId(r.id),
            hub: OrgId(r.organization_id),
            order: OrderId(r.order_id),
            buyer: OrgId(r.buyer_id),
            number: r.number,
            lang: parsed(&r.lang, "language")?,
            invoice_date: date(&r.invoice_date)?,
            delivery_date: date(&r.delivery_date)?,
            due_date: date(&r.due_date)?,
            payment_terms: parsed(&r.payment_terms, "payment terms")?,
            how_to_pay: r.how_to_pay,
            po_number: r.po_number,
            seller_name: r.seller_name,
            seller_address: r.seller_address,
            registered: r.registered.into(),
            gst_number: r.gst_number,
            qst_number: r.qst_number,
            fee_taxation: parsed(&r.fee_taxation, "fee taxation")?,
            buyer_name: r.buyer_name,
            buyer_address: r.buyer_address,
            delivery_address: r.delivery_address,
            goods: Cents(r.goods_cents),
            discount: Cents(r.discount_cents),
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

#[derive(FromRow)]
struct InvoiceLineRow {
    line_no: i64,
    product_id: i64,
    name_fr: String,
    name_en: String,
    producer_name: String,
    lots: String,
    unit: String,
    quantity: i64,
    weight_g: Option<i64>,
    unit_price_cents: i64,
    kg_price_cents: Option<i64>,
    amount_cents: i64,
    gst_status: String,
    qst_status: String,
    substitute_for_fr: String,
    substitute_for_en: String,
    short_quantity: Option<i64>,
}

impl TryFrom<InvoiceLineRow> for InvoiceLine {
    type Error = StoreError;
    fn try_from(r: InvoiceLineRow) -> StoreResult<Self> {
        Ok(InvoiceLine {
            line_no: r.line_no,
            product: ProductId(r.product_id),
            name_fr: r.name_fr,
            name_en: r.name_en,
            producer_name: r.producer_name,
            lots: r.lots,
            unit: parsed(&r.unit, "unit")?,
            quantity: Qty(r.quantity),
            weight_g: r.weight_g,
            unit_price: Cents(r.unit_price_cents),
            kg_price: r.kg_price_cents.map(Cents),
            amount: Cents(r.amount_cents),
            codes: TaxCodes {
                gst: parsed(&r.gst_status, "tax status")?,
                qst: parsed(&r.qst_status, "tax status")?,
            },
            substitute_for_fr: r.substitute_for_fr,
            substitute_for_en: r.substitute_for_en,
            short_quantity: r.short_quantity.map(Qty),
        })
    }
}

/// The GST and QST statuses of products on a day as `hub` sells them, read on a connection in
/// two queries: the dated statuses in force (the producer's and the hub's own; on the same day
/// the hub's), else the product's own tax class for both. Another hub's statuses never count.
pub(crate) async fn statuses_on(
    conn: &mut sqlx::AnyConnection,
    hub: OrgId,
    products: &[ProductId],
    on: Date,
) -> StoreResult<HashMap<ProductId, TaxCodes>> {
    let mut ids: Vec<i64> = products.iter().map(|p| p.0).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // The ids are integers read from the store, written into the statement as numbers.
    let list = ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let classes: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT id, tax_class FROM products WHERE id IN ({list})"
    ))
    .fetch_all(&mut *conn)
    .await?;
    if classes.len() != ids.len() {
        return Err(StoreError::NotFound);
    }
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(&format!(
        "SELECT s.product_id, s.from_date, s.gst_status, s.qst_status FROM product_tax_statuses s \
         JOIN products p ON p.id = s.product_id WHERE s.product_id IN ({list}) \
         AND (s.organization_id = p.organization_id OR s.organization_id = $1) \
         ORDER BY s.product_id, s.from_date, CASE WHEN s.organization_id = $1 THEN 1 ELSE 0 END"
    ))
    .bind(hub.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut histories: HashMap<i64, Vec<DatedCodes>> = HashMap::new();
    for (p, from, g, q) in &rows {
        histories.entry(*p).or_default().push(DatedCodes {
            from: date(from)?,
            codes: TaxCodes {
                gst: parsed(g, "tax status")?,
                qst: parsed(q, "tax status")?,
            },
        });
    }
    let mut out = HashMap::with_capacity(classes.len());
    for (p, class) in classes {
        let class: TaxClass = parsed(&class, "tax class")?;
        let history = histories.get(&p).map_or(&[][..], Vec::as_slice);
        out.insert(
            ProductId(p),
            in_force(history, on).unwrap_or(TaxCodes::both(class)),
        );
    }
    Ok(out)
}

/// Integers read from the store, written into a statement as a list of numbers.
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows of an invoice inserted by one statement (34 values each).
const INVOICE_ROWS: usize = 50;

/// Rows of invoice lines inserted by one statement (19 values each).
const LINE_ROWS: usize = 100;

/// An invoice built, not yet numbered nor written.
struct Draft<'a> {
    order: &'a Order,
    invoice_date: Date,
    delivery_date: Date,
    terms: PaymentTerms,
    lang: Lang,
    buyer_name: String,
    buyer_address: String,
    delivery_address: String,
    lines: Vec<InvoiceLine>,
    taxes: halles_core::taxes::TaxBreakdown,
}

/// Issues the invoice of a delivered order on the caller's transaction: takes the next
/// number from the hub's counter (so a rolled-back issue leaves no gap), freezes the seller,
/// the buyer, the lines as delivered and the taxes computed by
/// [`halles_core::taxes::compute`] under the hub's settings, and records `InvoiceIssued`.
pub(crate) async fn issue_in(
    tx: &mut sqlx::AnyConnection,
    settings: &BillingSettings,
    order: &Order,
    scope: &TenantScope,
    now: Timestamp,
) -> StoreResult<InvoiceId> {
    let issued = issue_many_in(tx, settings, std::slice::from_ref(order), scope, now).await?;
    match issued.into_iter().next() {
        Some(Ok(id)) => Ok(id),
        Some(Err(refusal)) => Err(StoreError::Refused(refusal)),
        None => Err(StoreError::NotFound),
    }
}

/// Issues the invoices of delivered orders of one hub on the caller's transaction, as
/// [`issue_in`] issues one, in a few statements for all of them (not a few per order and per
/// line): one read per kind of fact (invoices already issued, deliveries, buyers, lots, tax
/// statuses), one counter update taking as many numbers as invoices issued (gapless, in the
/// orders' order, in this transaction), and multi-row inserts. For each order, in order: its
/// invoice, or why it has none (`invoice_exists`, `order_not_delivered`).
pub(crate) async fn issue_many_in(
    tx: &mut sqlx::AnyConnection,
    settings: &BillingSettings,
    orders: &[Order],
    scope: &TenantScope,
    now: Timestamp,
) -> StoreResult<Vec<Result<InvoiceId, Refusal>>> {
    let Some(first) = orders.first() else {
        return Ok(Vec::new());
    };
    let hub = first.hub;
    if orders.iter().any(|o| o.hub != hub) {
        return Err(StoreError::NotFound);
    }
    let by = scope.actor.user;
    let order_ids: Vec<i64> = orders.iter().map(|o| o.id.0).collect();
    let list = id_list(&order_ids);
    let exists: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT order_id FROM invoices WHERE organization_id = $1 AND order_id IN ({list})"
    ))
    .bind(hub.0)
    .fetch_all(&mut *tx)
    .await?;
    let delivered_rows: Vec<(i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT order_id, done_at FROM stops WHERE organization_id = $1 AND order_id IN ({list}) \
         AND status = 'delivered' ORDER BY id"
    ))
    .bind(hub.0)
    .fetch_all(&mut *tx)
    .await?;
    let mut delivered: HashMap<i64, Option<i64>> = HashMap::with_capacity(delivered_rows.len());
    for (o, at) in delivered_rows {
        delivered.entry(o).or_insert(at);
    }
    let invoice_date = local_day(now);
    let mut outcome: Vec<Result<usize, Refusal>> = Vec::with_capacity(orders.len());
    let mut to_issue: Vec<(&Order, Timestamp)> = Vec::with_capacity(orders.len());
    for o in orders {
        if exists.contains(&o.id.0) || to_issue.iter().any(|(t, _)| t.id == o.id) {
            outcome.push(Err(Refusal::InvoiceExists));
            continue;
        }
        match delivered.get(&o.id.0) {
            Some(Some(at)) => {
                outcome.push(Ok(to_issue.len()));
                to_issue.push((o, instant(*at)?));
            }
            _ => outcome.push(Err(Refusal::OrderNotDelivered)),
        }
    }
    if to_issue.is_empty() {
        return Ok(outcome
            .into_iter()
            .map(|r| r.map(|_| InvoiceId(0)))
            .collect());
    }

    let (hub_name,): (String,) = sqlx::query_as("SELECT name FROM organizations WHERE id = $1")
        .bind(hub.0)
        .fetch_one(&mut *tx)
        .await?;
    let mut buyer_ids: Vec<i64> = to_issue.iter().map(|(o, _)| o.buyer.0).collect();
    buyer_ids.sort_unstable();
    buyer_ids.dedup();
    let buyer_list = id_list(&buyer_ids);
    let buyers: HashMap<i64, (String, String)> = sqlx::query_as::<_, (i64, String, String)>(
        &format!("SELECT id, name, lang FROM organizations WHERE id IN ({buyer_list})"),
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(id, name, lang)| (id, (name, lang)))
    .collect();
    type Link = (String, Option<String>, Option<String>);
    let links: HashMap<i64, Link> =
        sqlx::query_as::<_, (i64, String, Option<String>, Option<String>)>(&format!(
            "SELECT h.buyer_id, h.delivery_address, b.address, b.payment_terms FROM hub_buyers h \
             LEFT JOIN buyer_billing b ON b.organization_id = h.organization_id AND b.buyer_id = h.buyer_id \
             WHERE h.organization_id = $1 AND h.buyer_id IN ({buyer_list})"
        ))
        .bind(hub.0)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(b, d, a, t)| (b, (d, a, t)))
        .collect();
    let mut location_ids: Vec<i64> = to_issue
        .iter()
        .filter_map(|(o, _)| o.location.map(|l| l.0))
        .collect();
    location_ids.sort_unstable();
    location_ids.dedup();
    let locations: HashMap<i64, String> = if location_ids.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, (i64, String)>(&format!(
            "SELECT id, name FROM cycle_locations WHERE organization_id = $1 AND id IN ({})",
            id_list(&location_ids)
        ))
        .bind(hub.0)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect()
    };
    let delivered_lines: Vec<i64> = to_issue
        .iter()
        .flat_map(|(o, _)| o.lines.iter().filter(|l| l.quantity.0 > 0))
        .map(|l| l.id.0)
        .collect();
    let products: Vec<ProductId> = to_issue
        .iter()
        .flat_map(|(o, _)| o.lines.iter().filter(|l| l.quantity.0 > 0))
        .map(|l| l.product.id)
        .collect();
    let codes = statuses_on(tx, hub, &products, invoice_date).await?;
    let mut lots: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in delivered_lines.chunks(1000) {
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT DISTINCT m.order_line_id, t.code FROM stock_movements m JOIN lots t \
             ON t.organization_id = m.organization_id AND t.id = m.lot_id WHERE m.organization_id = $1 \
             AND m.order_line_id IN ({}) AND m.kind = 'delivered' ORDER BY m.order_line_id, t.code",
            id_list(chunk)
        ))
        .bind(hub.0)
        .fetch_all(&mut *tx)
        .await?;
        for (line, code) in rows {
            lots.entry(line).or_default().push(code);
        }
    }

    let mut drafts = Vec::with_capacity(to_issue.len());
    for (order, delivered_at) in &to_issue {
        let (buyer_name, lang) = buyers
            .get(&order.buyer.0)
            .cloned()
            .ok_or(StoreError::NotFound)?;
        let lang: Lang = parsed(&lang, "language")?;
        let (delivery_address, billing_address, terms) =
            links.get(&order.buyer.0).cloned().unwrap_or_default();
        let terms = match terms.as_deref() {
            None | Some("") => settings.payment_terms,
            Some(t) => parsed(t, "payment terms")?,
        };
        let location = order.location.and_then(|l| locations.get(&l.0).cloned());
        let delivery_address = if delivery_address.trim().is_empty() {
            location.unwrap_or_default()
        } else {
            delivery_address
        };
        let buyer_address = billing_address
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| delivery_address.clone());
        let delivered_lines: Vec<_> = order.lines.iter().filter(|l| l.quantity.0 > 0).collect();
        let mut lines = Vec::with_capacity(delivered_lines.len());
        let mut tax_lines = Vec::with_capacity(delivered_lines.len());
        for (i, l) in delivered_lines.iter().enumerate() {
            let c = codes
                .get(&l.product.id)
                .copied()
                .unwrap_or(TaxCodes::both(l.tax_class));
            let replaced = l
                .substitute_for
                .and_then(|s| order.lines.iter().find(|o| o.id == s));
            let amount = l.total();
            tax_lines.push(TaxLine {
                codes: c,
                amount,
                discount: None,
            });
            lines.push(InvoiceLine {
                line_no: i64::try_from(i + 1).unwrap_or(i64::MAX),
                product: l.product.id,
                name_fr: l.product.name_fr.clone(),
                name_en: l.product.name_en.clone(),
                producer_name: l.product.producer_name.clone(),
                lots: lots.get(&l.id.0).map(|v| v.join(", ")).unwrap_or_default(),
                unit: l.product.unit,
                quantity: l.quantity,
                weight_g: l.catch_weight.and_then(|c| c.packed_weight_g),
                unit_price: l.unit_price,
                kg_price: l.catch_weight.map(|c| c.kg_price),
                amount,
                codes: c,
                substitute_for_fr: replaced
                    .map(|r| r.product.name_fr.clone())
                    .unwrap_or_default(),
                substitute_for_en: replaced
                    .map(|r| r.product.name_en.clone())
                    .unwrap_or_default(),
                short_quantity: l
                    .ordered_quantity
                    .filter(|o| *o > l.quantity)
                    .map(|o| Qty(o.0 - l.quantity.0)),
            });
        }
        let taxes = compute(
            &TaxDocument {
                lines: &tax_lines,
                delivery: order.fees,
                ..Default::default()
            },
            settings.tax_settings(),
        )
        .map_err(|_| StoreError::Corrupt("invoice amounts"))?;
        drafts.push(Draft {
            order,
            invoice_date,
            delivery_date: local_day(*delivered_at),
            terms,
            lang,
            buyer_name,
            buyer_address,
            delivery_address,
            lines,
            taxes,
        });
    }

    // As many numbers as invoices, taken at once in this transaction: gapless.
    let year = counter_year(settings.yearly_reset, invoice_date.year());
    let count = i64::try_from(drafts.len()).map_err(|_| StoreError::Corrupt("invoice count"))?;
    let last: i64 = sqlx::query_scalar(
        "INSERT INTO invoice_counters (organization_id, year, last_number) VALUES ($1, $2, $3) \
         ON CONFLICT (organization_id, year) DO UPDATE SET last_number = invoice_counters.last_number + $3 \
         RETURNING last_number",
    )
    .bind(hub.0)
    .bind(year)
    .bind(count)
    .fetch_one(&mut *tx)
    .await?;
    let first_seq = last - count + 1;
    let seller_name = if settings.legal_name.is_empty() {
        hub_name
    } else {
        settings.legal_name.clone()
    };
    let (gst_number, qst_number) = if settings.registered {
        (settings.gst_number.as_str(), settings.qst_number.as_str())
    } else {
        ("", "")
    };
    let numbers: Vec<(i64, String)> = (0..count)
        .map(|k| {
            let seq = first_seq + k;
            (seq, invoice_number(&settings.invoice_prefix, year, seq))
        })
        .collect();

    let mut ids: HashMap<i64, i64> = HashMap::with_capacity(drafts.len());
    for (chunk, chunk_numbers) in drafts
        .chunks(INVOICE_ROWS)
        .zip(numbers.chunks(INVOICE_ROWS))
    {
        let rows: Vec<String> = (0..chunk.len())
            .map(|r| {
                let marks: Vec<String> = (1..=34).map(|c| format!("${}", r * 34 + c)).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO invoices (organization_id, order_id, buyer_id, number, year, seq, lang, invoice_date, delivery_date, \
             due_date, payment_terms, how_to_pay, po_number, seller_name, seller_address, registered, gst_number, qst_number, \
             fee_taxation, buyer_name, buyer_address, delivery_address, goods_cents, discount_cents, delivery_cents, \
             deposits_cents, subtotal_cents, gst_base_cents, qst_base_cents, gst_cents, qst_cents, total_cents, issued_at, issued_by) \
             VALUES {} RETURNING id, order_id",
            rows.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
        for (d, (seq, number)) in chunk.iter().zip(chunk_numbers) {
            q = q
                .bind(hub.0)
                .bind(d.order.id.0)
                .bind(d.order.buyer.0)
                .bind(number.clone())
                .bind(year)
                .bind(*seq)
                .bind(d.lang.code())
                .bind(d.invoice_date.to_string())
                .bind(d.delivery_date.to_string())
                .bind(d.terms.due(d.invoice_date).to_string())
                .bind(d.terms.code())
                .bind(settings.how_to_pay.clone())
                .bind(d.order.po_number.clone())
                .bind(seller_name.clone())
                .bind(settings.address.clone())
                .bind(settings.registered)
                .bind(gst_number.to_owned())
                .bind(qst_number.to_owned())
                .bind(settings.fee_taxation.code())
                .bind(d.buyer_name.clone())
                .bind(d.buyer_address.clone())
                .bind(d.delivery_address.clone())
                .bind(d.taxes.goods.0)
                .bind(d.taxes.discounts.0)
                .bind(d.taxes.delivery.0)
                .bind(d.taxes.deposits.0)
                .bind(d.taxes.subtotal.0)
                .bind(d.taxes.gst_base.0)
                .bind(d.taxes.qst_base.0)
                .bind(d.taxes.gst.0)
                .bind(d.taxes.qst.0)
                .bind(d.taxes.total().0)
                .bind(ms(now))
                .bind(by.map(|u| u.0));
        }
        for (id, order) in q.fetch_all(&mut *tx).await? {
            ids.insert(order, id);
        }
    }
    let mut all_lines: Vec<(i64, &InvoiceLine)> = Vec::new();
    for d in &drafts {
        let id = *ids
            .get(&d.order.id.0)
            .ok_or(StoreError::Corrupt("invoice not inserted"))?;
        all_lines.extend(d.lines.iter().map(|l| (id, l)));
    }
    for chunk in all_lines.chunks(LINE_ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|r| {
                let marks: Vec<String> = (1..=19).map(|c| format!("${}", r * 19 + c)).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO invoice_lines (organization_id, invoice_id, line_no, product_id, name_fr, name_en, producer_name, \
             lots, unit, quantity, weight_g, unit_price_cents, kg_price_cents, amount_cents, gst_status, qst_status, \
             substitute_for_fr, substitute_for_en, short_quantity) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (id, l) in chunk {
            q = q
                .bind(hub.0)
                .bind(*id)
                .bind(l.line_no)
                .bind(l.product.0)
                .bind(l.name_fr.clone())
                .bind(l.name_en.clone())
                .bind(l.producer_name.clone())
                .bind(l.lots.clone())
                .bind(l.unit.code())
                .bind(l.quantity.0)
                .bind(l.weight_g)
                .bind(l.unit_price.0)
                .bind(l.kg_price.map(|c| c.0))
                .bind(l.amount.0)
                .bind(l.codes.gst.code())
                .bind(l.codes.qst.code())
                .bind(l.substitute_for_fr.clone())
                .bind(l.substitute_for_en.clone())
                .bind(l.short_quantity.map(|q| q.0));
        }
        q.execute(&mut *tx).await?;
    }
    let mut issued = Vec::with_capacity(drafts.len());
    for (d, (_, number)) in drafts.iter().zip(&numbers) {
        let invoice = InvoiceId(
            *ids.get(&d.order.id.0)
                .ok_or(StoreError::Corrupt("invoice not inserted"))?,
        );
        let change =
            Change::by(scope, Action::Create, "invoice", invoice).after(serde_json::json!({
                "number": number, "order": d.order.id.0, "total_cents": d.taxes.total().0,
                "gst_cents": d.taxes.gst.0, "qst_cents": d.taxes.qst.0,
            }));
        audit::record(tx, change, now).await?;
        let event = Event::InvoiceIssued {
            hub,
            buyer: d.order.buyer,
            order: d.order.id,
            invoice,
        };
        events::record(tx, event, now).await?;
        issued.push(invoice);
    }
    outcome
        .into_iter()
        .map(|r| match r {
            Ok(k) => issued
                .get(k)
                .copied()
                .map(Ok)
                .ok_or(StoreError::Corrupt("invoice not inserted")),
            Err(refusal) => Ok(Err(refusal)),
        })
        .collect()
}

/// One invoice with its lines, read on a connection, for the hub that issued it or the buyer
/// that received it (`org`).
pub(crate) async fn issued_in(
    conn: &mut sqlx::AnyConnection,
    org: OrgId,
    id: InvoiceId,
) -> StoreResult<IssuedInvoice> {
    let row: InvoiceRow = sqlx::query_as(&format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices WHERE id = $1 AND (organization_id = $2 OR buyer_id = $2)"
    ))
    .bind(id.0)
    .bind(org.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let invoice = Invoice::try_from(row)?;
    let lines: Vec<InvoiceLineRow> = sqlx::query_as(
        "SELECT line_no, product_id, name_fr, name_en, producer_name, lots, unit, quantity, weight_g, unit_price_cents, \
         kg_price_cents, amount_cents, gst_status, qst_status, substitute_for_fr, substitute_for_en, short_quantity \
         FROM invoice_lines WHERE organization_id = $1 AND invoice_id = $2 ORDER BY line_no",
    )
    .bind(invoice.hub.0)
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    let lines = lines
        .into_iter()
        .map(InvoiceLine::try_from)
        .collect::<StoreResult<_>>()?;
    Ok(IssuedInvoice { invoice, lines })
}

/// The producer of a product and the product's own tax class, when the scope is that
/// producer or a hub it works with; `NotFound` otherwise.
async fn tax_status_access(
    conn: &mut sqlx::AnyConnection,
    scope: &TenantScope,
    product: ProductId,
) -> StoreResult<(OrgId, TaxClass)> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT p.organization_id, p.tax_class FROM products p WHERE p.id = $1 \
         AND (p.organization_id = $2 OR EXISTS (SELECT 1 FROM hub_producers h \
         WHERE h.organization_id = $2 AND h.producer_id = p.organization_id))",
    )
    .bind(product.0)
    .bind(scope.org.0)
    .fetch_optional(&mut *conn)
    .await?;
    let (owner, class) = row.ok_or(StoreError::NotFound)?;
    Ok((OrgId(owner), parsed(&class, "tax class")?))
}

/// At most this many invoices a page.
pub const PAGE_MAX: i64 = 200;

/// Orders invoiced in one transaction by [`Store::issue_invoices`].
pub const ISSUE_BATCH: usize = 100;

impl Store {
    /// Issues the invoice of a delivered order by hand (the hub only): `billing_not_set_up`
    /// before the hub saved its settings, `order_not_delivered`, `invoice_exists`.
    pub async fn issue_invoice(&self, hs: &HubScope, order: OrderId) -> StoreResult<InvoiceId> {
        let hub = hs.own()?.hub();
        let o = self.order(hs, order).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let settings = saved_settings(&mut tx, hub)
            .await?
            .ok_or(StoreError::Refused(Refusal::BillingNotSetUp))?;
        let id = issue_in(&mut tx, &settings, &o, hs.tenant(), now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Issues the invoices of delivered orders (the hub only), [`ISSUE_BATCH`] orders a
    /// transaction, each numbered as [`Store::issue_invoice`] numbers it; an order already
    /// invoiced or not delivered is passed over. The ids issued, in the orders' order.
    pub async fn issue_invoices(
        &self,
        hs: &HubScope,
        orders: &[OrderId],
    ) -> StoreResult<Vec<InvoiceId>> {
        let hub = hs.own()?.hub();
        let mut unique: Vec<OrderId> = Vec::with_capacity(orders.len());
        let mut seen = std::collections::HashSet::with_capacity(orders.len());
        for o in orders {
            if seen.insert(*o) {
                unique.push(*o);
            }
        }
        let mut issued = Vec::with_capacity(unique.len());
        for batch in unique.chunks(ISSUE_BATCH) {
            let read = self.orders_by_ids(hs, batch).await?;
            let now = self.now();
            let mut tx = self.write_tx().await?;
            let settings = saved_settings(&mut tx, hub)
                .await?
                .ok_or(StoreError::Refused(Refusal::BillingNotSetUp))?;
            // An order already invoiced or not delivered is passed over.
            let outcomes = issue_many_in(&mut tx, &settings, &read, hs.tenant(), now).await?;
            issued.extend(outcomes.into_iter().flatten());
            tx.commit().await?;
        }
        Ok(issued)
    }

    /// The invoices the organization issued (a hub) or received (a buyer), newest first,
    /// after `before` (an id, for the next page), at most `limit` ([`PAGE_MAX`], and one more
    /// to tell whether a next page exists).
    pub async fn invoices(
        &self,
        scope: &TenantScope,
        before: Option<InvoiceId>,
        limit: i64,
    ) -> StoreResult<Vec<Invoice>> {
        let rows: Vec<InvoiceRow> = sqlx::query_as(&format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE (organization_id = $1 OR buyer_id = $1) \
             AND id < $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(scope.org.0)
        .bind(before.map_or(i64::MAX, |b| b.0))
        .bind(limit.clamp(1, PAGE_MAX + 1))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Invoice::try_from).collect()
    }

    /// One invoice with its lines, for the hub that issued it or the buyer that received it.
    pub async fn invoice(&self, scope: &TenantScope, id: InvoiceId) -> StoreResult<IssuedInvoice> {
        let mut conn = self.pool.acquire().await?;
        issued_in(&mut conn, scope.org, id).await
    }

    /// The invoice of an order, if it has one, for its hub or its buyer.
    pub async fn invoice_of_order(
        &self,
        scope: &TenantScope,
        order: OrderId,
    ) -> StoreResult<Option<InvoiceId>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM invoices WHERE order_id = $1 AND (organization_id = $2 OR buyer_id = $2)",
        )
        .bind(order.0)
        .bind(scope.org.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(id.map(InvoiceId))
    }

    /// A product's dated GST and QST statuses, oldest first, as the scope sees them: its
    /// producer's, and for a hub the producer works with, the producer's and the hub's own (on
    /// the same day the hub's); another organization: `NotFound`. With the product's own tax
    /// class, which stands for both taxes before the first.
    pub async fn tax_statuses(
        &self,
        scope: &TenantScope,
        product: ProductId,
    ) -> StoreResult<(TaxClass, Vec<DatedCodes>)> {
        let mut conn = self.pool.acquire().await?;
        let (owner, class) = tax_status_access(&mut conn, scope, product).await?;
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT from_date, gst_status, qst_status FROM product_tax_statuses \
             WHERE (organization_id = $1 OR organization_id = $3) AND product_id = $2 \
             ORDER BY from_date, CASE WHEN organization_id = $3 THEN 1 ELSE 0 END",
        )
        .bind(owner.0)
        .bind(product.0)
        .bind(scope.org.0)
        .fetch_all(&mut *conn)
        .await?;
        let mut history: Vec<DatedCodes> = Vec::with_capacity(rows.len());
        for (from, g, q) in &rows {
            let dated = DatedCodes {
                from: date(from)?,
                codes: TaxCodes {
                    gst: parsed(g, "tax status")?,
                    qst: parsed(q, "tax status")?,
                },
            };
            // The hub's own status of a day follows the producer's and replaces it.
            match history.last_mut() {
                Some(last) if last.from == dated.from => *last = dated,
                _ => history.push(dated),
            }
        }
        Ok((class, history))
    }

    /// Sets a product's GST and QST statuses from a day on (a day of the years 2000 to 2100:
    /// `tax_status_date_invalid`), by its producer or a hub the producer works with (the
    /// hub is the seller on its invoices). A hub's status is its own: it counts on that hub's
    /// invoices only, never on another hub's nor on the producer's rows. A status set again
    /// for the same day by the same organization replaces it. Audited with what it replaced.
    pub async fn set_tax_status(
        &self,
        scope: &TenantScope,
        product: ProductId,
        from: Date,
        codes: TaxCodes,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        tax_status_access(&mut tx, scope, product).await?;
        check_status_date(from).map_err(|r| StoreError::field("from", r))?;
        let before: Option<(String, String)> = sqlx::query_as(
            "SELECT gst_status, qst_status FROM product_tax_statuses \
             WHERE organization_id = $1 AND product_id = $2 AND from_date = $3",
        )
        .bind(scope.org.0)
        .bind(product.0)
        .bind(from.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO product_tax_statuses (organization_id, product_id, from_date, gst_status, qst_status) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, product_id, from_date) DO UPDATE SET \
             gst_status = excluded.gst_status, qst_status = excluded.qst_status",
        )
        .bind(scope.org.0)
        .bind(product.0)
        .bind(from.to_string())
        .bind(codes.gst.code())
        .bind(codes.qst.code())
        .execute(&mut *tx)
        .await?;
        let mut change = Change::by(scope, Action::Update, "product_tax_status", product).after(
            serde_json::json!({"from": from.to_string(), "gst": codes.gst.code(), "qst": codes.qst.code()}),
        );
        if let Some((g, q)) = before {
            change =
                change.before(serde_json::json!({"from": from.to_string(), "gst": g, "qst": q}));
        }
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }
}
