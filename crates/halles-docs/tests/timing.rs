//! Rendering times of large batches, printed (no threshold: machines differ). Run once in
//! release mode to measure: `cargo test --release -p halles-docs --test timing -- --nocapture`.

use std::time::Instant;

use halles_docs::document::{Align, Column, DocTable, Document, Section, document_pdf};
use halles_docs::gs1;
use halles_docs::labels::{CaseCode, CaseLabel, LabelStock, case_labels_pdf, case_labels_zpl};

fn case_labels(count: usize) -> Vec<CaseLabel> {
    (0..count)
        .map(|i| CaseLabel {
            hub: "Halles de Québec".into(),
            buyer: format!("Épicerie n° {i} — Limoilou"),
            delivery_day: "jeudi 10 décembre 2026".into(),
            route_stop: format!("Route Nord · arrêt {}", i % 30 + 1),
            case_of: format!("Caisse {} de 4", i % 4 + 1),
            lines: (0..3)
                .map(|k| format!("Carottes 2 kg — lot L26{k:02}"))
                .collect(),
            code: if i % 2 == 0 {
                CaseCode::Sscc(gs1::sscc(0, "0614141", i as u64).expect("sscc"))
            } else {
                CaseCode::Plain(format!("C{i:06}"))
            },
        })
        .collect()
}

fn big_document(rows: usize) -> Document {
    let column = |title: &str, width: f32, align: Align| Column {
        title: title.into(),
        width,
        align,
        checkbox: false,
    };
    Document {
        title: "Manifeste du chauffeur — jeudi 10 décembre".into(),
        lines: vec!["Halles de Québec".into()],
        sections: vec![Section {
            heading: "Route Nord".into(),
            lines: vec![],
            table: Some(DocTable {
                columns: vec![
                    column("Arrêt", 0.8, Align::Right),
                    column("Acheteur", 3.0, Align::Left),
                    column("Produit", 4.0, Align::Left),
                    column("Qté", 1.0, Align::Right),
                    column("Montant", 1.5, Align::Right),
                ],
                rows: (0..rows)
                    .map(|i| {
                        vec![
                            (i / 20 + 1).to_string(),
                            format!("Épicerie n° {} — Limoilou", i / 20),
                            format!("Produit {i} — pommes Cortland, caisse de 40 lb"),
                            (i % 9 + 1).to_string(),
                            format!("{},{:02} $", i * 7, i % 100),
                        ]
                    })
                    .collect(),
                totals: None,
            }),
        }],
        footer: "Halles".into(),
        page_label: "Page {n} de {total}".into(),
    }
}

/// The full sizes in release builds; a tenth in debug builds, which only check it runs.
fn scaled(n: usize) -> usize {
    if cfg!(debug_assertions) { n / 10 } else { n }
}

#[test]
fn large_batches_render_and_their_times_are_printed() {
    let mode = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let labels = case_labels(scaled(1_000));
    let start = Instant::now();
    let pdf = case_labels_pdf(&labels, LabelStock::Letter2x5).expect("labels");
    eprintln!(
        "{} case labels, Letter 2×5 ({} pages, {mode}): {:.2?}, {} KiB",
        labels.len(),
        labels.len().div_ceil(10),
        start.elapsed(),
        pdf.len() / 1024
    );
    let start = Instant::now();
    let zpl = case_labels_zpl(&labels).expect("zpl");
    eprintln!(
        "{} case labels as ZPL ({mode}): {:.2?}, {} KiB",
        labels.len(),
        start.elapsed(),
        zpl.len() / 1024
    );
    let doc = big_document(scaled(2_000));
    let start = Instant::now();
    let pdf = document_pdf(&doc).expect("document");
    eprintln!(
        "{}-row document ({mode}): {:.2?}, {} KiB",
        scaled(2_000),
        start.elapsed(),
        pdf.len() / 1024
    );
    assert!(pdf.starts_with(b"%PDF-"));
}
