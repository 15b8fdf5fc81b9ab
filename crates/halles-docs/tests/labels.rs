//! Labels read back by independent tools: pdftoppm rasterizes at 300 dpi, then zbar
//! (`zbarimg`) and ZXing (`ZXingReader`) decode every page; pdftotext reads the texts.

mod common;

use common::{
    Decoded, LABEL_TOOLS, page_count, page_text, rasterize, tools_ready, write, zbar, zxing,
};
use halles_docs::gs1::{self, Element, GS};
use halles_docs::labels::{
    CaseCode, CaseLabel, LabelStock, LabelText, ProductLabel, case_labels_pdf, case_labels_zpl,
    product_labels_pdf, product_labels_zpl,
};
use jiff::civil::date;

const DIR: &str = "halles-docs-labels";

fn case_labels() -> Vec<CaseLabel> {
    let buyers = [
        "Épicerie Le Panier Bleu",
        "Café « La Côte »",
        "Resto Ça Goûte",
        "Coop Limoilou",
        "Marché Saint-Roch",
    ];
    (0..10)
        .map(|i| {
            let code = if i % 2 == 0 {
                CaseCode::Sscc(gs1::sscc(0, "0614141", 1_000 + i as u64).expect("sscc"))
            } else {
                CaseCode::Plain(format!("C{:06}", 120 + i))
            };
            CaseLabel {
                hub: "Halles de Québec".into(),
                buyer: buyers[i % 5].into(),
                delivery_day: "jeudi 10 décembre 2026".into(),
                route_stop: if i % 3 == 0 {
                    String::new()
                } else {
                    format!("Route Nord · arrêt {i}")
                },
                case_of: format!("Caisse {} de 10", i + 1),
                lines: (0..(i % 4 + 1))
                    .map(|k| format!("Carottes nantaises 2 kg — lot L26{k:02}"))
                    .collect(),
                code,
            }
        })
        .collect()
}

fn text() -> LabelText {
    LabelText {
        lot: "Lot :".into(),
        packed_on: "Emballé le :".into(),
        best_before: "Meilleur avant :".into(),
        price_per_kg: "Prix/kg :".into(),
        weight: "Poids :".into(),
        price: "Prix :".into(),
    }
}

fn product_labels() -> Vec<ProductLabel> {
    let gtins = [
        "0614141000012",
        "10850510002011",
        "036000291452",
        "96385074",
    ];
    (0..4)
        .map(|i| ProductLabel {
            name: "Pommes Cortland".into(),
            producer: "Verger des Érables, Saint-Joseph-du-Lac".into(),
            weight: Some("1,250 kg".into()),
            price_per_kg: Some("4,40 $".into()),
            price: Some("5,50 $".into()),
            packed_on: "7 décembre 2026".into(),
            best_before: Some("21 décembre 2026".into()),
            lot: format!("L2612-{i:02}"),
            gtin: Some(gtins[i].into()),
            pack_date: if i == 3 {
                None
            } else {
                Some(date(2026, 12, 7))
            },
            labels_text: text(),
        })
        .collect()
}

/// What a label's linear code and QR code must scan as.
struct Expected {
    linear: String,
    gs1: bool,
    qr: Option<String>,
}

fn case_expected(labels: &[CaseLabel]) -> Vec<Expected> {
    labels
        .iter()
        .map(|l| Expected {
            linear: l.code.scan_data(),
            gs1: matches!(l.code, CaseCode::Sscc(_)),
            qr: Some(l.code.scan_data()),
        })
        .collect()
}

fn product_expected(labels: &[ProductLabel]) -> Vec<Expected> {
    labels
        .iter()
        .filter_map(|l| {
            let Some(gtin) = l.gtin.as_deref() else {
                // Without a GTIN, the lot's code as a plain Code 128 when it fits one.
                let plain = !l.lot.is_empty()
                    && l.lot
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'));
                return plain.then(|| Expected {
                    linear: l.lot.clone(),
                    gs1: false,
                    qr: None,
                });
            };
            let gtin = gs1::gtin14(gtin).expect("gtin");
            let date = l
                .pack_date
                .map(|d| format!("13{:02}{:02}{:02}", d.year() % 100, d.month(), d.day()))
                .unwrap_or_default();
            let lot = if l.lot.is_empty() {
                String::new()
            } else {
                format!("10{}", l.lot)
            };
            Some(Expected {
                linear: format!("01{gtin}{date}{lot}"),
                gs1: true,
                qr: None,
            })
        })
        .collect()
}

/// Decodes one page with zbar and ZXing and checks that each finds exactly the expected
/// symbols: every linear code (reported as GS1 by ZXing when it is one) and every QR code.
fn assert_page_scans(pdf: &str, page: usize, name: &str, expected: &[Expected]) {
    let png = rasterize(pdf, page, DIR, name);
    let mut want_zbar = Vec::new();
    let mut want_zxing = Vec::new();
    for e in expected {
        want_zbar.push(Decoded {
            format: "CODE-128".into(),
            text: e.linear.clone(),
            gs1: false,
        });
        want_zxing.push(Decoded {
            format: "Code128".into(),
            text: e.linear.clone(),
            gs1: e.gs1,
        });
        if let Some(qr) = &e.qr {
            want_zbar.push(Decoded {
                format: "QR-Code".into(),
                text: qr.clone(),
                gs1: false,
            });
            want_zxing.push(Decoded {
                format: "QRCode".into(),
                text: qr.clone(),
                gs1: false,
            });
        }
    }
    want_zbar.sort();
    want_zxing.sort();
    let by_zbar = zbar(&png);
    let by_zxing = zxing(&png);
    assert_eq!(by_zbar, want_zbar, "zbar on {name}");
    assert_eq!(by_zxing, want_zxing, "ZXing on {name}");
    // The GS1 element strings read back parse, their check digits verified by the parser.
    for d in by_zbar
        .iter()
        .chain(&by_zxing)
        .filter(|d| d.gs1 || d.text.starts_with("00") || d.text.starts_with("01"))
    {
        if d.format.starts_with("QR") {
            continue;
        }
        let elements = gs1::parse(&d.text).unwrap_or_else(|e| panic!("{d:?}: {e}"));
        for element in elements {
            match element {
                Element::Sscc(v) => gs1::check_sscc(&v).expect("SSCC check digit"),
                Element::Gtin(v) => assert_eq!(gs1::gtin14(&v).expect("GTIN check digit"), v),
                _ => {}
            }
        }
    }
}

/// One ZPL label's barcodes: the `^BC` field data read as a scanner would (invocation codes
/// of `^BC`'s default mode interpreted), and the `^BQ` field data after "MA,".
fn zpl_codes(zpl: &str) -> Vec<(String, bool, Option<String>)> {
    zpl.split("^XA")
        .skip(1)
        .map(|label| {
            let field = |marker: &str| {
                label.lines().find(|l| l.contains(marker)).map(|l| {
                    let start = l.find("^FD").expect("^FD") + 3;
                    let end = l.rfind("^FS").expect("^FS");
                    l[start..end].to_owned()
                })
            };
            let bc = field("^BC").expect("a ^BC field");
            let (linear, gs1) = read_zpl_code128(&bc);
            let qr = field("^BQ").map(|d| d.strip_prefix("MA,").expect("MA,").to_owned());
            (linear, gs1, qr)
        })
        .collect()
}

fn read_zpl_code128(data: &str) -> (String, bool) {
    let mut out = String::new();
    let mut gs1 = false;
    let mut set_c = false;
    let mut chars = data.chars();
    while let Some(c) = chars.next() {
        if c == '>' {
            match chars.next().expect("invocation code") {
                ';' | '5' => set_c = true,
                ':' | '6' => set_c = false,
                '8' if out.is_empty() => gs1 = true,
                '8' => out.push(GS),
                '<' => out.push('>'),
                other => panic!("unexpected invocation >{other}"),
            }
        } else if set_c {
            out.push(c);
            out.push(chars.next().expect("digit pair"));
        } else {
            out.push(c);
        }
    }
    (out, gs1)
}

fn assert_zpl_matches(zpl: &str, expected: &[Expected]) {
    let codes = zpl_codes(zpl);
    assert_eq!(codes.len(), expected.len(), "{zpl}");
    for ((linear, gs1, qr), e) in codes.iter().zip(expected) {
        assert_eq!(linear, &e.linear, "{zpl}");
        assert_eq!(*gs1, e.gs1, "{zpl}");
        assert_eq!(qr, &e.qr, "{zpl}");
    }
    assert!(zpl.contains("^CI28") && zpl.contains("^PW812"), "{zpl}");
}

#[test]
fn ten_case_labels_on_a_letter_sheet_scan_with_zbar_and_zxing() {
    if !tools_ready("label read-back", LABEL_TOOLS) {
        return;
    }
    let labels = case_labels();
    let pdf = case_labels_pdf(&labels, LabelStock::Letter2x5).expect("render");
    let path = write(DIR, "case-letter.pdf", &pdf);
    assert_eq!(page_count(&path), 1);
    let expected = case_expected(&labels);
    assert_page_scans(&path, 1, "case-letter-1", &expected);

    // The ZPL carries the same data as the PDF.
    let zpl = case_labels_zpl(&labels).expect("zpl");
    assert_zpl_matches(&zpl, &expected);

    // The texts, accents included.
    let text = page_text(&path, 1);
    for needle in [
        "Épicerie Le Panier Bleu",
        "Café « La Côte »",
        "Resto Ça Goûte",
        "Caisse 1 de 10",
        "Caisse 10 de 10",
        "Route Nord · arrêt 1",
        "jeudi 10 décembre 2026",
        "Halles de Québec",
        "(00) 00614141000001000 4",
        "C000121",
        "+2",
    ] {
        assert!(text.contains(needle), "{needle:?} in:\n{text}");
    }
}

#[test]
fn case_labels_on_4x6_scan_one_per_page() {
    if !tools_ready("label read-back", LABEL_TOOLS) {
        return;
    }
    let labels: Vec<CaseLabel> = case_labels().into_iter().take(2).collect();
    let pdf = case_labels_pdf(&labels, LabelStock::Thermal4x6).expect("render");
    let path = write(DIR, "case-4x6.pdf", &pdf);
    assert_eq!(page_count(&path), 2);
    let expected = case_expected(&labels);
    for (i, e) in expected.iter().enumerate() {
        assert_page_scans(
            &path,
            i + 1,
            &format!("case-4x6-{}", i + 1),
            std::slice::from_ref(e),
        );
    }
    let text = page_text(&path, 2);
    assert!(
        text.contains("Café « La Côte »") && text.contains("Caisse 2 de 10"),
        "{text}"
    );
}

#[test]
fn product_labels_carry_gs1_128_and_the_voice_pick_code() {
    if !tools_ready("label read-back", LABEL_TOOLS) {
        return;
    }
    let mut labels = product_labels();
    // Without a GTIN: the lot's code as a plain Code 128, or no linear code for a lot outside
    // its set; with a GTIN and no lot yet, GS1-128 without (10) and no voice pick code.
    labels.push(ProductLabel {
        gtin: None,
        lot: "lot libre 7".into(),
        ..product_labels()[0].clone()
    });
    labels.push(ProductLabel {
        gtin: None,
        lot: "L261207-12".into(),
        ..product_labels()[0].clone()
    });
    labels.push(ProductLabel {
        lot: String::new(),
        ..product_labels()[0].clone()
    });
    let expected = product_expected(&labels);
    assert_eq!(expected.len(), 6);
    for (stock, name) in [
        (LabelStock::Letter2x5, "product-letter"),
        (LabelStock::Thermal4x6, "product-4x6"),
    ] {
        let pdf = product_labels_pdf(&labels, stock).expect("render");
        let path = write(DIR, &format!("{name}.pdf"), &pdf);
        match stock {
            LabelStock::Letter2x5 => {
                assert_eq!(page_count(&path), 1);
                assert_page_scans(&path, 1, &format!("{name}-1"), &expected);
            }
            LabelStock::Thermal4x6 => {
                assert_eq!(page_count(&path), 7);
                // Page 5 is the label without any code.
                let pages = [1, 2, 3, 4, 6, 7];
                for (page, e) in pages.into_iter().zip(&expected) {
                    assert_page_scans(
                        &path,
                        page,
                        &format!("{name}-{page}"),
                        std::slice::from_ref(e),
                    );
                }
                assert_page_scans(&path, 5, &format!("{name}-5"), &[]);
            }
        }
        let text = (1..=page_count(&path))
            .map(|p| page_text(&path, p))
            .collect::<String>();
        for label in labels.iter().filter(|l| !l.lot.is_empty()) {
            assert!(text.contains(&format!("Lot : {}", label.lot)), "{text}");
            if let Some(gtin) = &label.gtin {
                let voice =
                    gs1::VoicePickCode::new(gtin, &label.lot, label.pack_date).expect("voice");
                let (small, large) = (voice.small(), voice.large());
                let shown = text.lines().any(|line| {
                    let words: Vec<&str> = line.split_whitespace().collect();
                    words.windows(2).any(|w| w[0] == small && w[1] == large)
                });
                assert!(shown, "voice code {small} {large} in:\n{text}");
            }
        }
        for needle in [
            "Pommes Cortland",
            "Verger des Érables",
            "Emballé le : 7 décembre 2026",
            "Meilleur avant : 21 décembre 2026",
            "Poids : 1,250 kg",
            "Prix/kg : 4,40 $",
            "Prix : 5,50 $",
            "(01) 0061414100001 2 (13) 261207 (10) L2612-00",
        ] {
            assert!(text.contains(needle), "{needle:?} in:\n{text}");
        }
    }
    let zpl = product_labels_zpl(&labels).expect("zpl");
    // The label without any code has no ^BC; the others carry the PDF's data.
    let with_code: String = zpl
        .split_inclusive("^XZ\n")
        .filter(|l| l.contains("^BC"))
        .collect();
    assert_zpl_matches(&with_code, &expected);
    assert_eq!(zpl.matches("^XA").count(), 7);
}
