//! Fulfilment documents read back with poppler's `pdfinfo` and `pdftotext`: accents, page
//! numbers per document, repeated table headers, totals, rows kept whole, no orphan heading.

mod common;

use common::{TEXT_TOOLS, page_count, page_text, tools_ready, write};
use halles_docs::document::{
    Align, Column, DocTable, Document, Section, document_pdf, documents_pdf,
};

const DIR: &str = "halles-docs-documents";

fn column(title: &str, width: f32, align: Align, checkbox: bool) -> Column {
    Column {
        title: title.into(),
        width,
        align,
        checkbox,
    }
}

/// A pick list: one section per producer, a tick-box column, quantities and amounts right.
fn pick_list(rows: usize) -> Document {
    let columns = || {
        vec![
            column("✓", 0.5, Align::Left, true),
            column("Produit", 4.0, Align::Left, false),
            column("Lot", 1.5, Align::Left, false),
            column("Qté", 1.0, Align::Right, false),
            column("Montant", 1.5, Align::Right, false),
        ]
    };
    Document {
        title: "Liste de cueillette — jeudi 10 décembre".into(),
        lines: vec![
            "Halles de Québec · Entrepôt Saint-Roch".into(),
            "Livraison : « Route Nord », départ à 7 h".into(),
            // Amounts as a French formatter writes them: no-break spaces.
            "Crédit : 1\u{a0}234,56\u{a0}$ · solde 2\u{202f}345,00\u{a0}$".into(),
        ],
        sections: vec![
            Section {
                heading: "Ferme Ça Pousse".into(),
                lines: vec!["Producteur : Ferme Ça Pousse, Saint-Ambroise".into()],
                table: Some(DocTable {
                    columns: columns(),
                    rows: (0..rows)
                        .map(|i| {
                            vec![
                                String::new(),
                                format!("Produit n° {i:03} — carottes à l'érable"),
                                format!("L26{i:03}"),
                                format!("{}", i % 7 + 1),
                                format!("{},{:02} $", i * 3 + 1, i % 100),
                            ]
                        })
                        .collect(),
                    totals: Some(vec![
                        String::new(),
                        "Total".into(),
                        String::new(),
                        "312".into(),
                        "1 234,56 $".into(),
                    ]),
                }),
            },
            Section {
                heading: "Verger des Érables".into(),
                lines: vec![],
                table: Some(DocTable {
                    columns: columns(),
                    rows: vec![vec![
                        String::new(),
                        "Pommes Cortland, caisse de 40 lb".into(),
                        "V-7".into(),
                        "4".into(),
                        "180,00 $".into(),
                    ]],
                    totals: None,
                }),
            },
        ],
        footer: "Halles — liste imprimée le 9 décembre 2026".into(),
        page_label: "Page {n} de {total}".into(),
    }
}

#[test]
fn a_pick_list_reads_back_with_accents_page_numbers_and_repeated_headers() {
    if !tools_ready("document read-back", TEXT_TOOLS) {
        return;
    }
    let pdf = document_pdf(&pick_list(50)).expect("render");
    let path = write(DIR, "pick-list.pdf", &pdf);
    let pages = page_count(&path);
    assert_eq!(pages, 2);
    let texts: Vec<String> = (1..=pages).map(|p| page_text(&path, p)).collect();
    let first = &texts[0];
    for needle in [
        "Liste de cueillette — jeudi 10 décembre",
        "Halles de Québec · Entrepôt Saint-Roch",
        "Livraison : « Route Nord », départ à 7 h",
        "Ferme Ça Pousse",
        "Produit n° 000 — carottes à l'érable",
        "Halles — liste imprimée le 9 décembre 2026",
        "Page 1 de 2",
        // pdftotext prints a no-break space as a space.
        "Crédit : 1 234,56 $ · solde 2 345,00 $",
    ] {
        assert!(first.contains(needle), "{needle:?} on page 1:\n{first}");
    }
    let second = &texts[1];
    for needle in [
        "Page 2 de 2",
        "1 234,56 $",
        "Total",
        "Verger des Érables",
        "180,00 $",
    ] {
        assert!(second.contains(needle), "{needle:?} on page 2:\n{second}");
    }
    // The header row is repeated on page 2 above the rows that continue there.
    for (page, text) in texts.iter().enumerate() {
        let header = text
            .lines()
            .filter(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.contains(&"Produit") && w.contains(&"Lot") && w.contains(&"Montant")
            })
            .count();
        assert!(header >= 1, "header on page {}:\n{text}", page + 1);
    }
    // Every row is on exactly one page, whole (product, lot and amount on the same line).
    for i in 0..50 {
        let product = format!("Produit n° {i:03} — carottes à l'érable");
        let lot = format!("L26{i:03}");
        let amount = format!("{},{:02} $", i * 3 + 1, i % 100);
        let on: Vec<usize> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| t.contains(&product))
            .map(|(p, _)| p)
            .collect();
        assert_eq!(on.len(), 1, "{product}");
        let line = texts[on[0]]
            .lines()
            .find(|l| l.contains(&product))
            .unwrap_or_default();
        assert!(line.contains(&lot) && line.contains(&amount), "{line}");
    }
}

#[test]
fn long_cells_wrap_and_a_row_never_splits_nor_a_heading_orphans() {
    if !tools_ready("document read-back", TEXT_TOOLS) {
        return;
    }
    // Sizes the first section so that its table ends near the bottom of page 1, then checks
    // that the second heading never sits alone at the bottom: it is with its first row.
    for rows in 50..64 {
        let mut doc = pick_list(rows);
        if let Some(table) = doc.sections[1].table.as_mut() {
            table.rows[0][1] = "Pommes Cortland début ".to_owned()
                + &"très longue description du produit ".repeat(6)
                + "FINLIGNE";
        }
        let pdf = document_pdf(&doc).expect("render");
        let path = write(DIR, &format!("orphans-{rows}.pdf"), &pdf);
        let pages = page_count(&path);
        let texts: Vec<String> = (1..=pages).map(|p| page_text(&path, p)).collect();
        let heading = texts
            .iter()
            .position(|t| t.contains("Verger des Érables"))
            .expect("heading");
        let start = texts
            .iter()
            .position(|t| t.contains("Pommes Cortland début"))
            .expect("row start");
        let end = texts
            .iter()
            .position(|t| t.contains("FINLIGNE"))
            .expect("row end");
        assert_eq!(
            (heading, start, end),
            (heading, heading, heading),
            "{rows} rows"
        );
        // The long cell wrapped onto several lines.
        let wrapped = texts[start].matches("très longue description").count();
        assert!(wrapped >= 2, "{rows} rows:\n{}", texts[start]);
        let last = &texts[pages - 1];
        assert!(last.contains(&format!("Page {pages} de {pages}")), "{last}");
    }
}

#[test]
fn several_documents_number_their_pages_separately() {
    if !tools_ready("document read-back", TEXT_TOOLS) {
        return;
    }
    let mut short = pick_list(3);
    short.title = "Bon de commande — Ferme Ça Pousse".into();
    let pdf = documents_pdf(&[pick_list(50), short]).expect("render");
    let path = write(DIR, "several.pdf", &pdf);
    assert_eq!(page_count(&path), 3);
    assert!(page_text(&path, 2).contains("Page 2 de 2"));
    let third = page_text(&path, 3);
    assert!(
        third.contains("Page 1 de 1") && third.contains("Bon de commande — Ferme Ça Pousse"),
        "{third}"
    );
}
