//! A producer's statement as a printed document, in the producer's language (the
//! statement's), drawn by `halles-docs` like the invoice. The pages and the API print the same
//! document.

use super::document::col;
use crate::i18n::I18n;
use halles_core::catalog::SaleUnit;
use halles_core::quantity::Qty;
use halles_docs::{Align, DocTable, Document, Section};
use halles_store::hub::billing::payouts::{IssuedStatement, StatementLine};

/// The product cell: name, and the product it replaced.
fn product_cell(i18n: &I18n, l: &StatementLine) -> String {
    let mut text = l.name(i18n.lang).to_owned();
    if !l.substitute_for_fr.is_empty() {
        text.push_str(&format!(
            " · {}",
            i18n.ta(
                "invoice-substitute-for",
                &[("product", l.substitute_for_fr.clone())]
            )
        ));
    }
    text
}

/// The statement, in its own language.
pub fn statement_document(s: &IssuedStatement) -> Document {
    let st = &s.statement;
    let i18n = I18n::new(st.lang);
    let period = if st.period_kind == "month" {
        i18n.ta(
            "statement-period-month",
            &[("month", st.period_label.clone())],
        )
    } else {
        i18n.ta(
            "statement-period-cycle",
            &[("cycle", st.period_label.clone())],
        )
    };
    let mut doc = Document {
        title: i18n.ta("pstatement-doc-title", &[("number", st.number.clone())]),
        lines: vec![
            st.hub_name.clone(),
            i18n.ta(
                "statement-producer-line",
                &[("name", st.producer_name.clone())],
            ),
            period,
            i18n.ta(
                "statement-dates-line",
                &[
                    ("from", i18n.day(&st.period_start)),
                    ("to", i18n.day(&st.period_end)),
                ],
            ),
        ],
        sections: Vec::new(),
        footer: st.hub_name.clone(),
        page_label: i18n.t("doc-page-of"),
    };
    let rows = s
        .lines
        .iter()
        .map(|l| {
            vec![
                format!(
                    "{} · {} · {}",
                    l.invoice_number,
                    i18n.day(&l.invoice_date),
                    l.buyer_name
                ),
                product_cell(&i18n, l),
                i18n.qty_unit(l.quantity, l.unit),
                l.weight_g
                    .map(|g| i18n.qty_unit(Qty(g), SaleUnit::Kg))
                    .unwrap_or_default(),
                match l.producer_kg_price {
                    Some(k) => format!("{}/kg", i18n.money(k)),
                    None => i18n.money(l.producer_unit_price),
                },
                i18n.money(l.producer_amount),
                i18n.money(l.buyer_amount),
                i18n.money(l.margin),
            ]
        })
        .collect();
    doc.sections.push(Section {
        heading: i18n.t("statement-lines"),
        lines: Vec::new(),
        table: Some(DocTable {
            columns: vec![
                col(i18n.t("col-invoice"), 2.6, Align::Left),
                col(i18n.t("col-product"), 2.6, Align::Left),
                col(i18n.t("col-quantity"), 1.2, Align::Right),
                col(i18n.t("col-weight"), 1.1, Align::Right),
                col(i18n.t("col-producer-price"), 1.3, Align::Right),
                col(i18n.t("col-producer-amount"), 1.3, Align::Right),
                col(i18n.t("col-buyer-amount"), 1.3, Align::Right),
                col(i18n.t("col-margin"), 1.2, Align::Right),
            ],
            rows,
            totals: None,
        }),
    });
    if !s.adjustments.is_empty() {
        let rows = s
            .adjustments
            .iter()
            .map(|a| {
                vec![
                    format!("{} · {}", a.name(i18n.lang), a.lot_code),
                    format!("{} : {}", i18n.t(&format!("movement-{}", a.kind)), a.reason),
                    i18n.qty_unit(a.quantity, a.unit),
                    i18n.t(&format!("charged-to-{}", a.charged_to.code())),
                    i18n.money(a.value),
                    i18n.money(a.amount),
                ]
            })
            .collect();
        doc.sections.push(Section {
            heading: i18n.t("statement-adjustments"),
            lines: Vec::new(),
            table: Some(DocTable {
                columns: vec![
                    col(i18n.t("col-product"), 3.0, Align::Left),
                    col(i18n.t("col-reason"), 3.0, Align::Left),
                    col(i18n.t("col-quantity"), 1.4, Align::Right),
                    col(i18n.t("col-charged-to"), 1.6, Align::Left),
                    col(i18n.t("col-value"), 1.3, Align::Right),
                    col(i18n.t("col-amount"), 1.3, Align::Right),
                ],
                rows,
                totals: None,
            }),
        });
    }
    let t = st.totals;
    let money = |key: &str, c| i18n.ta(key, &[("amount", i18n.money(c))]);
    doc.sections.push(Section {
        heading: i18n.t("invoice-totals"),
        lines: vec![
            money("statement-buyers-paid", t.buyer_amount),
            money("statement-hub-margin", t.margin),
            money("statement-producer-amount", t.producer_amount),
            money("statement-adjustments-total", t.adjustments),
            money("statement-owed", t.owed),
        ],
        table: None,
    });
    let payout = match &st.payout {
        Some(p) => i18n.ta(
            "pstatement-paid-line",
            &[
                ("date", i18n.day(&p.paid_on)),
                ("reference", p.reference.clone()),
            ],
        ),
        None => i18n.t("statement-not-paid"),
    };
    doc.sections.push(Section {
        heading: i18n.t("statement-payout"),
        lines: vec![payout, i18n.t("statement-margin-note")],
        table: None,
    });
    doc
}
