//! An invoice as a printed document, in the buyer's language (the invoice's), drawn by
//! `halles-docs`. The pages and the API print the same document.

use crate::i18n::I18n;
use halles_core::catalog::SaleUnit;
use halles_core::quantity::Qty;
use halles_docs::{Align, Column, DocTable, Document, Section};
use halles_store::hub::billing::invoices::{InvoiceLine, IssuedInvoice};

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
    let mut lines = vec![i.seller_name.clone()];
    lines.extend(i.seller_address.lines().map(str::to_owned));
    if i.registered {
        lines.push(i18n.ta("invoice-gst-number", &[("number", i.gst_number.clone())]));
        lines.push(i18n.ta("invoice-qst-number", &[("number", i.qst_number.clone())]));
    } else {
        lines.push(i18n.t("invoice-not-registered"));
    }
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
