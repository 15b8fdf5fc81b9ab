//! An invoice as a printed document, in the buyer's language (the invoice's), drawn by
//! `halles-docs`. The pages and the API print the same document.

use crate::i18n::I18n;
use halles_core::catalog::SaleUnit;
use halles_core::quantity::Qty;
use halles_core::receivables::AgingBucket;
use halles_docs::{Align, Column, DocTable, Document, Section};
use halles_store::hub::billing::credit_notes::IssuedCreditNote;
use halles_store::hub::billing::invoices::{InvoiceLine, IssuedInvoice};
use halles_store::hub::billing::receivables::{EntryKind, Statement, StatementEntry};

pub(super) fn col(title: String, width: f32, align: Align) -> Column {
    Column {
        title,
        width,
        align,
        checkbox: false,
    }
}

/// The product cell: name, producer, lots, and a substitution or shortage note.
fn product_cell(i18n: &I18n, l: &InvoiceLine) -> String {
    let mut text = format!("{} ({})", l.name(i18n.lang), l.producer_name);
    if !l.lots.is_empty() {
        text.push_str(&format!(" · {} {}", i18n.t("label-lot"), l.lots));
    }
    if let Some(replaced) = l.substitute_for(i18n.lang) {
        text.push_str(&format!(
            " · {}",
            i18n.ta(
                "invoice-substitute-for",
                &[("product", replaced.to_owned())]
            )
        ));
    }
    if let Some(q) = l.short_quantity {
        text.push_str(&format!(
            " · {}",
            i18n.ta("invoice-short", &[("qty", i18n.qty_unit(q, l.unit))])
        ));
    }
    text
}

/// The invoice, in its own language.
pub fn invoice_document(inv: &IssuedInvoice) -> Document {
    let i18n = I18n::new(inv.invoice.lang);
    let i = &inv.invoice;
    let lines = seller_lines(
        &i18n,
        &i.seller_name,
        &i.seller_address,
        i.registered,
        &i.gst_number,
        &i.qst_number,
    );
    let mut doc = Document {
        title: i18n.ta("invoice-doc-title", &[("number", i.number.clone())]),
        lines,
        sections: Vec::new(),
        footer: i.seller_name.clone(),
        page_label: i18n.t("doc-page-of"),
    };
    let mut dates = vec![
        i18n.ta("invoice-date-line", &[("date", i18n.day(&i.invoice_date))]),
        i18n.ta(
            "invoice-delivery-line",
            &[("date", i18n.day(&i.delivery_date))],
        ),
        i18n.ta("invoice-due-line", &[("date", i18n.day(&i.due_date))]),
    ];
    if !i.po_number.is_empty() {
        dates.push(i18n.ta("invoice-po-line", &[("po", i.po_number.clone())]));
    }
    doc.sections.push(Section {
        heading: i18n.t("invoice-dates"),
        lines: dates,
        table: None,
    });
    let mut billed = vec![i.buyer_name.clone()];
    billed.extend(i.buyer_address.lines().map(str::to_owned));
    if !i.delivery_address.is_empty() {
        billed.push(i18n.ta(
            "invoice-delivered-to",
            &[("address", i.delivery_address.replace('\n', ", "))],
        ));
    }
    doc.sections.push(Section {
        heading: i18n.t("invoice-billed-to"),
        lines: billed,
        table: None,
    });
    let rows = inv
        .lines
        .iter()
        .map(|l| {
            vec![
                product_cell(&i18n, l),
                i18n.qty_unit(l.quantity, l.unit),
                l.weight_g
                    .map(|g| i18n.qty_unit(Qty(g), SaleUnit::Kg))
                    .unwrap_or_default(),
                match l.kg_price {
                    Some(k) => format!("{}/kg", i18n.money(k)),
                    None => i18n.money(l.unit_price),
                },
                i18n.money(l.amount),
                l.codes.code(),
            ]
        })
        .collect();
    doc.sections.push(Section {
        heading: i18n.t("invoice-lines"),
        lines: Vec::new(),
        table: Some(DocTable {
            columns: vec![
                col(i18n.t("col-product"), 4.6, Align::Left),
                col(i18n.t("col-quantity"), 1.6, Align::Right),
                col(i18n.t("col-weight"), 1.4, Align::Right),
                col(i18n.t("col-unit-price"), 1.6, Align::Right),
                col(i18n.t("col-amount"), 1.6, Align::Right),
                col(i18n.t("col-tax-code"), 1.2, Align::Left),
            ],
            rows,
            totals: None,
        }),
    });
    let mut totals = vec![i18n.ta("invoice-goods", &[("amount", i18n.money(i.goods))])];
    if i.discount.0 != 0 {
        totals.push(i18n.ta("invoice-discount", &[("amount", i18n.money(i.discount))]));
    }
    if i.delivery.0 != 0 {
        totals.push(i18n.ta("invoice-delivery", &[("amount", i18n.money(i.delivery))]));
    }
    totals.push(i18n.ta("invoice-subtotal", &[("amount", i18n.money(i.subtotal))]));
    if i.registered {
        totals.push(i18n.ta(
            "invoice-gst",
            &[
                ("base", i18n.money(i.gst_base)),
                ("amount", i18n.money(i.gst)),
            ],
        ));
        totals.push(i18n.ta(
            "invoice-qst",
            &[
                ("base", i18n.money(i.qst_base)),
                ("amount", i18n.money(i.qst)),
            ],
        ));
    }
    totals.push(i18n.ta("invoice-total", &[("amount", i18n.money(i.total))]));
    doc.sections.push(Section {
        heading: i18n.t("invoice-totals"),
        lines: totals,
        table: None,
    });
    let mut pay = vec![i18n.t(&format!("terms-{}", i.payment_terms.code()))];
    pay.extend(i.how_to_pay.lines().map(str::to_owned));
    pay.push(i18n.t("invoice-tax-codes"));
    doc.sections.push(Section {
        heading: i18n.t("invoice-payment"),
        lines: pay,
        table: None,
    });
    doc
}

/// The seller's lines at the top of a document: name, address, tax numbers or "not
/// registered".
fn seller_lines(
    i18n: &I18n,
    name: &str,
    address: &str,
    registered: bool,
    gst: &str,
    qst: &str,
) -> Vec<String> {
    let mut lines = vec![name.to_owned()];
    lines.extend(address.lines().map(str::to_owned));
    if registered {
        lines.push(i18n.ta("invoice-gst-number", &[("number", gst.to_owned())]));
        lines.push(i18n.ta("invoice-qst-number", &[("number", qst.to_owned())]));
    } else {
        lines.push(i18n.t("invoice-not-registered"));
    }
    lines
}

/// A credit note, in its own language (the invoice's): the invoice it corrects, the reason,
/// the credited lines and the amounts and taxes credited.
pub fn credit_note_document(cn: &IssuedCreditNote) -> Document {
    let i18n = I18n::new(cn.note.lang);
    let n = &cn.note;
    let mut doc = Document {
        title: i18n.ta("credit-note-doc-title", &[("number", n.number.clone())]),
        lines: seller_lines(
            &i18n,
            &n.seller_name,
            &n.seller_address,
            n.registered,
            &n.gst_number,
            &n.qst_number,
        ),
        sections: Vec::new(),
        footer: n.seller_name.clone(),
        page_label: i18n.t("doc-page-of"),
    };
    doc.sections.push(Section {
        heading: i18n.t("invoice-dates"),
        lines: vec![
            i18n.ta(
                "credit-note-date-line",
                &[("date", i18n.day(&n.credit_date))],
            ),
            i18n.ta(
                "credit-note-invoice-line",
                &[
                    ("number", n.invoice_number.clone()),
                    ("date", i18n.day(&n.invoice_date)),
                ],
            ),
            i18n.ta("credit-note-reason-line", &[("reason", n.reason.clone())]),
        ],
        table: None,
    });
    let mut billed = vec![n.buyer_name.clone()];
    billed.extend(n.buyer_address.lines().map(str::to_owned));
    doc.sections.push(Section {
        heading: i18n.t("invoice-billed-to"),
        lines: billed,
        table: None,
    });
    let rows = cn
        .lines
        .iter()
        .map(|l| {
            vec![
                l.name(i18n.lang).to_owned(),
                l.quantity
                    .map(|q| i18n.qty_unit(q, l.unit))
                    .unwrap_or_default(),
                i18n.money(l.amount),
                l.codes.code(),
            ]
        })
        .collect();
    doc.sections.push(Section {
        heading: i18n.t("credit-note-lines"),
        lines: Vec::new(),
        table: Some(DocTable {
            columns: vec![
                col(i18n.t("col-product"), 6.0, Align::Left),
                col(i18n.t("col-quantity"), 2.0, Align::Right),
                col(i18n.t("col-amount"), 2.0, Align::Right),
                col(i18n.t("col-tax-code"), 1.2, Align::Left),
            ],
            rows,
            totals: None,
        }),
    });
    let mut totals = Vec::new();
    if n.delivery.0 != 0 {
        totals.push(i18n.ta("invoice-delivery", &[("amount", i18n.money(n.delivery))]));
    }
    totals.push(i18n.ta("invoice-subtotal", &[("amount", i18n.money(n.subtotal))]));
    if n.registered {
        totals.push(i18n.ta(
            "invoice-gst",
            &[
                ("base", i18n.money(n.gst_base)),
                ("amount", i18n.money(n.gst)),
            ],
        ));
        totals.push(i18n.ta(
            "invoice-qst",
            &[
                ("base", i18n.money(n.qst_base)),
                ("amount", i18n.money(n.qst)),
            ],
        ));
    }
    totals.push(i18n.ta("credit-note-total", &[("amount", i18n.money(n.total))]));
    totals.push(i18n.t("invoice-tax-codes"));
    doc.sections.push(Section {
        heading: i18n.t("invoice-totals"),
        lines: totals,
        table: None,
    });
    doc
}

/// A buyer's statement of account, in the buyer's language: opening balance, each invoice,
/// credit note and payment with the running balance, closing balance, aging and credit.
pub fn statement_document(s: &Statement) -> Document {
    let i18n = I18n::new(s.lang);
    let mut lines = vec![s.seller_name.clone()];
    lines.extend(s.seller_address.lines().map(str::to_owned));
    let mut doc = Document {
        title: i18n.ta(
            "statement-doc-title",
            &[("from", i18n.day(&s.from)), ("to", i18n.day(&s.to))],
        ),
        lines,
        sections: Vec::new(),
        footer: s.seller_name.clone(),
        page_label: i18n.t("doc-page-of"),
    };
    doc.sections.push(Section {
        heading: i18n.t("invoice-billed-to"),
        lines: vec![s.buyer_name.clone()],
        table: None,
    });
    let mut rows = vec![vec![
        i18n.day(&s.from),
        i18n.t("statement-opening"),
        String::new(),
        i18n.money(s.opening),
    ]];
    rows.extend(s.entries.iter().map(|e| {
        vec![
            i18n.day(&e.on),
            entry_label(&i18n, e),
            i18n.money(e.amount),
            i18n.money(e.balance),
        ]
    }));
    doc.sections.push(Section {
        heading: i18n.t("statement-entries"),
        lines: Vec::new(),
        table: Some(DocTable {
            columns: vec![
                col(i18n.t("col-entry-date"), 2.0, Align::Left),
                col(i18n.t("col-document"), 5.0, Align::Left),
                col(i18n.t("col-amount"), 2.2, Align::Right),
                col(i18n.t("col-balance"), 2.2, Align::Right),
            ],
            rows,
            totals: None,
        }),
    });
    doc.sections.push(Section {
        heading: i18n.t("invoice-totals"),
        lines: vec![
            i18n.ta(
                "statement-opening-line",
                &[("amount", i18n.money(s.opening))],
            ),
            i18n.ta(
                "statement-invoiced-line",
                &[("amount", i18n.money(s.invoiced))],
            ),
            i18n.ta(
                "statement-credited-line",
                &[("amount", i18n.money(s.credited))],
            ),
            i18n.ta("statement-paid-line", &[("amount", i18n.money(s.paid))]),
            i18n.ta(
                "statement-closing-line",
                &[("amount", i18n.money(s.closing))],
            ),
        ],
        table: None,
    });
    let mut aging: Vec<String> = AgingBucket::ALL
        .iter()
        .map(|b| {
            format!(
                "{} : {}",
                i18n.t(&format!("aging-{}", b.code())),
                i18n.money(s.aging.get(*b))
            )
        })
        .collect();
    aging.push(i18n.ta("statement-credit-line", &[("amount", i18n.money(s.credit))]));
    doc.sections.push(Section {
        heading: i18n.t("aging-title"),
        lines: aging,
        table: None,
    });
    doc
}

/// How a statement names one of its lines: the invoice or credit note and its number, or the
/// payment's method and reference.
pub fn entry_label(i18n: &I18n, e: &StatementEntry) -> String {
    match (e.kind, e.method) {
        (EntryKind::Payment, Some(m)) => {
            let method = i18n.t(&format!("payment-method-{}", m.code()));
            if e.reference.is_empty() {
                i18n.ta("statement-payment", &[("method", method)])
            } else {
                i18n.ta(
                    "statement-payment-ref",
                    &[("method", method), ("reference", e.reference.clone())],
                )
            }
        }
        (kind, _) => i18n.ta(
            &format!("statement-{}", kind.code().replace('_', "-")),
            &[("number", e.reference.clone())],
        ),
    }
}
