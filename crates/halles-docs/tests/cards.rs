//! Card sheets read back by independent tools: poppler's `pdfinfo`/`pdftotext`/`pdftoppm` and
//! zbar's `zbarimg` (Debian packages poppler-utils and zbar-tools, installed by `.ci/run`).
//! The README's `cargo test` cannot assume they are installed: without them these tests print a
//! note and return, unless `HALLES_REQUIRE_TOOLS` is set (as `.ci/run` does), in which case a
//! missing tool fails the test with the install command.

use std::path::{Path, PathBuf};
use std::process::Command;

use halles_docs::cards::{CardPrint, CardSheetText, card_sheet};

/// Runs `program` with `args` and returns its stdout; panics with a clear message if the tool is
/// missing or fails.
fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run `{program}` ({e}): the card-sheet tests need poppler-utils and zbar-tools; \
             install them with `apt-get install -y poppler-utils zbar-tools`"
        )
    });
    assert!(
        output.status.success(),
        "`{program} {}` failed ({}): {}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

/// Whether the tools are here; with `HALLES_REQUIRE_TOOLS` set, their absence fails the test.
fn tools_ready() -> bool {
    let here = ["pdfinfo", "pdftotext", "pdftoppm", "zbarimg"]
        .iter()
        .all(|t| Command::new(t).arg("-v").output().is_ok());
    if !here && std::env::var_os("HALLES_REQUIRE_TOOLS").is_none() {
        eprintln!("card-sheet read-back skipped: poppler-utils and zbar-tools are not installed");
    }
    here || std::env::var_os("HALLES_REQUIRE_TOOLS").is_some()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("halles-docs-cards");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir.join(name)
}

fn text() -> CardSheetText {
    CardSheetText {
        program: "Marché solidaire — Épicerie à Québec".into(),
        title: "Cartes — lot 3".into(),
        balance_hint: "Solde : scannez le code".into(),
        artwork: None,
    }
}

fn batch(count: usize) -> Vec<CardPrint> {
    (0..count)
        .map(|i| CardPrint {
            number: format!("6037{:012}", 918_273_645_501 + 7_919_311 * i as u64),
            qr_value: format!("https://halles.example/c/K7Q2M9X4B8R1T{i:03}"),
        })
        .collect()
}

fn page_count(pdf: &str) -> usize {
    let info = run("pdfinfo", &[pdf]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output:\n{info}"))
}

fn page_text(pdf: &str, page: usize) -> String {
    let page = page.to_string();
    run(
        "pdftotext",
        &["-enc", "UTF-8", "-f", &page, "-l", &page, pdf, "-"],
    )
}

fn grouped(number: &str) -> String {
    let groups: Vec<&str> = (0..4).map(|i| &number[i * 4..i * 4 + 4]).collect();
    groups.join(" ")
}

/// Decodes every QR code on one page rendered at 150 dpi, sorted.
fn qr_values(pdf: &str, page: usize, name: &str) -> Vec<String> {
    let page = page.to_string();
    let prefix = scratch(name);
    let prefix = prefix.to_str().expect("UTF-8 path");
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            "-f",
            &page,
            "-l",
            &page,
            pdf,
            prefix,
        ],
    );
    let png = format!("{prefix}.png");
    let mut values: Vec<String> = run("zbarimg", &["-q", "--raw", &png])
        .lines()
        .map(str::to_owned)
        .collect();
    values.sort();
    values
}

#[test]
fn twelve_cards_read_back_as_text_and_scan() {
    if !tools_ready() {
        return;
    }
    let cards = batch(12);
    let bytes = card_sheet(&cards, &text()).expect("render");
    assert!(bytes.starts_with(b"%PDF-"));
    let path = scratch("twelve.pdf");
    std::fs::write(&path, &bytes).expect("write pdf");
    let pdf = path.to_str().expect("UTF-8 path");

    assert_eq!(page_count(pdf), 2);

    // Every card's grouped number is on its page, with the program name and the hint.
    for (page, range) in [(1, 0..10), (2, 10..12)] {
        let text = page_text(pdf, page);
        assert!(
            text.contains("Cartes — lot 3"),
            "title on page {page}:\n{text}"
        );
        assert_eq!(
            text.matches("Marché solidaire — Épicerie à Québec").count(),
            range.len(),
            "program name on each card of page {page}:\n{text}"
        );
        assert_eq!(
            text.matches("Solde : scannez le code").count(),
            range.len(),
            "hint on each card of page {page}:\n{text}"
        );
        for card in &cards[range] {
            let number = grouped(&card.number);
            assert!(text.contains(&number), "{number} on page {page}:\n{text}");
        }
    }

    // The QR codes on page 1 scan back to the first ten values.
    let mut expected: Vec<String> = cards[..10].iter().map(|c| c.qr_value.clone()).collect();
    expected.sort();
    assert_eq!(qr_values(pdf, 1, "twelve-page1"), expected);
}

#[test]
fn empty_batch_is_one_page_with_the_title() {
    if !tools_ready() {
        return;
    }
    let bytes = card_sheet(&[], &text()).expect("render");
    let path = scratch("empty.pdf");
    std::fs::write(&path, &bytes).expect("write pdf");
    let pdf = path.to_str().expect("UTF-8 path");
    assert_eq!(page_count(pdf), 1);
    let text = page_text(pdf, 1);
    assert!(text.contains("Cartes — lot 3"), "{text}");
    assert!(!text.contains("Marché"), "{text}");
}

#[test]
fn the_programs_artwork_is_on_every_card_and_the_codes_still_scan() {
    if !tools_ready() {
        return;
    }
    // A wide green-and-white picture, as an operator would upload it, made a JPEG.
    let picture = image::RgbImage::from_fn(300, 100, |x, _| {
        if x < 150 {
            image::Rgb([46, 125, 50])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    let jpeg = halles_docs::photo::to_jpeg(&png).expect("jpeg");
    let cards = batch(3);
    let with_art = CardSheetText {
        artwork: Some(jpeg),
        ..text()
    };
    let bytes = card_sheet(&cards, &with_art).expect("render");
    let path = scratch("artwork.pdf");
    std::fs::write(&path, &bytes).expect("write pdf");
    let pdf = path.to_str().expect("UTF-8 path");
    let images = run("pdfimages", &["-list", pdf]);
    let drawn = images
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .count();
    assert_eq!(drawn, 3, "one picture per card:\n{images}");
    let mut expected: Vec<String> = cards.iter().map(|c| c.qr_value.clone()).collect();
    expected.sort();
    assert_eq!(qr_values(pdf, 1, "artwork-page1"), expected);
    // Something that is not a JPEG is refused before anything is drawn.
    let broken = CardSheetText {
        artwork: Some(b"not a picture".to_vec()),
        ..text()
    };
    assert!(matches!(
        card_sheet(&cards, &broken),
        Err(halles_docs::CardSheetError::Artwork(_))
    ));
}
