//! Printable sheets of food-coupon cards (PDF).
//!
//! [`card_sheet`] lays out business-card-sized cards (3.5 × 2 in) two across and five down on
//! US Letter pages, with light-grey cut lines between them. Each card shows the program name,
//! a QR code (with its four-module quiet zone), the card number grouped by four digits and a
//! short hint, and the program's artwork when it has one; each page has the sheet title and its
//! page number in the top margin.
//!
//! Crates, chosen to avoid hand-written encoders:
//! - `krilla` draws the PDF: a maintained high-level writer (from the Typst ecosystem) that
//!   embeds and subsets TrueType fonts and writes a `ToUnicode` map, so the printed text can be
//!   searched and extracted. `printpdf` would also do; krilla's surface API (paths, fills,
//!   `draw_text`) maps directly onto what a card needs.
//! - `qrcode` gives the QR module matrix, drawn here as filled rectangles (vector, sharp at any
//!   printer resolution).
//! - `rustybuzz` (the shaper krilla itself uses) measures text, to fit translated strings.
//! - `dejavu` embeds DejaVu Sans (free Bitstream Vera licence), which covers French accents, so
//!   no system font is needed.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use qrcode::{EcLevel, QrCode};

use crate::draw::{Face, Fonts, draw_qr, rect_path};

/// One card to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPrint {
    /// The card number: exactly 16 ASCII digits, printed grouped by 4 ("1234 5678 9012 3456").
    pub number: String,
    /// The text encoded in the QR code, e.g. `https://halles.example/c/AB12...`. Keep it short
    /// (under about 80 bytes) so the modules stay large enough to scan.
    pub qr_value: String,
}

/// Printed texts, already translated by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSheetText {
    /// Program name, printed at the top of each card.
    pub program: String,
    /// Document title, printed at the top of each page and stored as the PDF title.
    pub title: String,
    /// Hint printed under the number, e.g. "Solde : scannez le code".
    pub balance_hint: String,
    /// The program's artwork (a JPEG), printed above the number on every card.
    pub artwork: Option<Vec<u8>>,
}

/// Why a card sheet could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum CardSheetError {
    /// A card number is not exactly 16 ASCII digits.
    #[error("card {index}: number must be 16 digits, got {number:?}")]
    InvalidNumber {
        /// Position of the card in the batch.
        index: usize,
        /// The number as given.
        number: String,
    },
    /// A QR value could not be encoded (too long for a QR code).
    #[error("card {index}: QR value cannot be encoded: {source}")]
    Qr {
        /// Position of the card in the batch.
        index: usize,
        /// The encoder's error.
        source: qrcode::types::QrError,
    },
    /// The embedded font could not be loaded (a build problem, not a data problem).
    #[error("embedded font could not be loaded")]
    Font,
    /// The artwork is not a JPEG the PDF writer reads.
    #[error("artwork is not a readable JPEG: {0}")]
    Artwork(String),
    /// The PDF writer failed (its message).
    #[error("PDF could not be written: {0}")]
    Pdf(String),
}

// Geometry, in PDF points (1/72 in). krilla's origin is the top-left corner, y grows downward.
const PAGE_W: f32 = 612.0; // 8.5 in
const PAGE_H: f32 = 792.0; // 11 in
pub(crate) const CARD_W: f32 = 252.0; // 3.5 in
pub(crate) const CARD_H: f32 = 144.0; // 2 in
const COLS: usize = 2;
const ROWS: usize = 5;
/// Cards per page.
pub const CARDS_PER_PAGE: usize = COLS * ROWS;
const LEFT: f32 = (PAGE_W - CARD_W * COLS as f32) / 2.0; // 0.75 in
const TOP: f32 = (PAGE_H - CARD_H * ROWS as f32) / 2.0; // 0.5 in

// Inside a card.
pub(crate) const PAD: f32 = 14.0;
/// The QR square, quiet zone included.
pub(crate) const QR_X: f32 = 6.0;
pub(crate) const QR_Y: f32 = 28.0;
pub(crate) const QR_SIDE: f32 = 110.0;
pub(crate) const COL_X: f32 = QR_X + QR_SIDE + 4.0;
pub(crate) const COL_W: f32 = CARD_W - COL_X - 10.0;
/// The artwork's box, in the text column above the number.
const ART_Y: f32 = 30.0;
const ART_H: f32 = 28.0;

/// Renders a PDF sheet of `cards`, ten per Letter page, as many pages as needed.
///
/// An empty batch gives a single page with the title only (no error): printing it is harmless
/// and tells the operator the batch was empty. Texts too long for a card are shrunk to fit; a
/// hint that still does not fit in four lines is cut after the fourth.
pub fn card_sheet(cards: &[CardPrint], text: &CardSheetText) -> Result<Vec<u8>, CardSheetError> {
    // Validate and encode everything first, so no half-built document is thrown away late.
    let mut prepared = Vec::with_capacity(cards.len());
    for (index, card) in cards.iter().enumerate() {
        let number = group_number(&card.number).ok_or_else(|| CardSheetError::InvalidNumber {
            index,
            number: card.number.clone(),
        })?;
        let qr = QrCode::with_error_correction_level(card.qr_value.as_bytes(), EcLevel::M)
            .map_err(|source| CardSheetError::Qr { index, source })?;
        prepared.push((number, qr));
    }

    let artwork = match &text.artwork {
        Some(jpeg) => Some(Artwork::new(jpeg)?),
        None => None,
    };
    sheet_pdf(&text.title, prepared.len(), |surface, fonts, i, x, y| {
        let (number, qr) = &prepared[i];
        draw_card(surface, fonts, text, number, qr, x, y);
        if let Some(art) = &artwork {
            art.draw(surface, x + COL_X, y + ART_Y);
        }
    })
}

/// Lays out `count` business-card-sized items, ten per Letter page with the title and the page
/// number in the top margin, each drawn by `draw_one(surface, fonts, index, x, y)` in its slot
/// after its cut line. No item gives one page with the title only.
pub(crate) fn sheet_pdf(
    title: &str,
    count: usize,
    mut draw_one: impl FnMut(&mut Surface<'_>, &Fonts, usize, f32, f32),
) -> Result<Vec<u8>, CardSheetError> {
    let fonts = Fonts::load().ok_or(CardSheetError::Font)?;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(title.to_owned()));
    let page_count = count.div_ceil(CARDS_PER_PAGE).max(1);
    for page_index in 0..page_count {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| CardSheetError::Pdf("invalid page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        draw_header(&mut surface, &fonts, title, page_index + 1, page_count);
        let first = page_index * CARDS_PER_PAGE;
        for i in first..count.min(first + CARDS_PER_PAGE) {
            let slot = i - first;
            let x = LEFT + (slot % COLS) as f32 * CARD_W;
            let y = TOP + (slot / COLS) as f32 * CARD_H;
            draw_cut_line(&mut surface, x, y);
            draw_one(&mut surface, &fonts, i, x, y);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| CardSheetError::Pdf(e.to_string()))
}

/// The light-grey cut line around an item at (`x`, `y`); leaves a black fill set.
fn draw_cut_line(surface: &mut Surface<'_>, x: f32, y: f32) {
    if let Some(path) = rect_path(x, y, CARD_W, CARD_H) {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(190, 190, 190).into(),
            width: 0.5,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
    surface.set_fill(Some(Fill::default()));
}

/// The artwork, read once and fitted into its box (keeping its proportions).
struct Artwork {
    image: Image,
    size: Size,
}

impl Artwork {
    fn new(jpeg: &[u8]) -> Result<Self, CardSheetError> {
        let image =
            Image::from_jpeg(jpeg.to_vec().into(), true).map_err(CardSheetError::Artwork)?;
        let (w, h) = image.size();
        if w == 0 || h == 0 {
            return Err(CardSheetError::Artwork("empty image".into()));
        }
        let scale = (COL_W / w as f32).min(ART_H / h as f32);
        let size = Size::from_wh(w as f32 * scale, h as f32 * scale)
            .ok_or_else(|| CardSheetError::Artwork("invalid size".into()))?;
        Ok(Artwork { image, size })
    }

    fn draw(&self, surface: &mut Surface<'_>, x: f32, y: f32) {
        surface.push_transform(&Transform::from_translate(x, y));
        surface.draw_image(self.image.clone(), self.size);
        surface.pop();
    }
}

/// "1234567890123456" → "1234 5678 9012 3456"; `None` unless exactly 16 ASCII digits.
fn group_number(number: &str) -> Option<String> {
    if number.len() != 16 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = (0..4).map(|i| &number[i * 4..i * 4 + 4]).collect();
    Some(groups.join(" "))
}

fn draw_header(surface: &mut Surface<'_>, fonts: &Fonts, title: &str, page: usize, pages: usize) {
    let baseline = TOP - 12.0;
    let right = LEFT + CARD_W * COLS as f32;
    let folio = format!("{page}/{pages}");
    let folio_width = fonts.regular.width(&folio, 9.0);
    let size = fonts
        .bold
        .fit(title, 11.0, 6.0, right - LEFT - folio_width - 18.0);
    fonts.bold.draw(surface, LEFT, baseline, size, title);
    fonts
        .regular
        .draw(surface, right - folio_width, baseline, 9.0, &folio);
}

fn draw_card(
    surface: &mut Surface<'_>,
    fonts: &Fonts,
    text: &CardSheetText,
    number: &str,
    qr: &QrCode,
    x: f32,
    y: f32,
) {
    let program_size = fonts.bold.fit(&text.program, 12.0, 6.0, CARD_W - 2.0 * PAD);
    fonts
        .bold
        .draw(surface, x + PAD, y + 21.0, program_size, &text.program);

    draw_qr(surface, qr, x + QR_X, y + QR_Y, QR_SIDE);

    let number_size = fonts.regular.fit(number, 10.5, 7.0, COL_W);
    fonts
        .regular
        .draw(surface, x + COL_X, y + 70.0, number_size, number);

    let (hint_size, lines) = wrap(&fonts.regular, &text.balance_hint, 8.0, 5.5, COL_W, 4);
    for (i, line) in lines.iter().enumerate() {
        let baseline = y + 88.0 + i as f32 * hint_size * 1.25;
        fonts
            .regular
            .draw(surface, x + COL_X, baseline, hint_size, line);
    }
}

/// Greedy word wrap of `text` into at most `max_lines` lines of `max_width`, shrinking from
/// `preferred` to `min` size until it fits; at `min` the lines past `max_lines` are dropped.
pub(crate) fn wrap(
    face: &Face,
    text: &str,
    preferred: f32,
    min: f32,
    max_width: f32,
    max_lines: usize,
) -> (f32, Vec<String>) {
    let mut size = preferred;
    loop {
        let mut lines: Vec<String> = Vec::new();
        let mut too_wide = false;
        for word in text.split_whitespace() {
            too_wide |= face.width(word, size) > max_width;
            match lines.last_mut() {
                Some(line) if face.width(&format!("{line} {word}"), size) <= max_width => {
                    line.push(' ');
                    line.push_str(word);
                }
                _ => lines.push(word.to_owned()),
            }
        }
        if (!too_wide && lines.len() <= max_lines) || size <= min {
            lines.truncate(max_lines);
            return (size, lines);
        }
        size -= 0.5;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_four() {
        assert_eq!(
            group_number("1234567890123456").as_deref(),
            Some("1234 5678 9012 3456")
        );
        assert_eq!(group_number("123456789012345"), None);
        assert_eq!(group_number("12345678901234567"), None);
        assert_eq!(group_number("1234 5678 9012 34"), None);
        assert_eq!(group_number("١٢٣٤٥٦٧٨٩٠١٢٣٤٥"), None);
    }

    #[test]
    fn long_hints_wrap_then_shrink() -> Result<(), CardSheetError> {
        let fonts = Fonts::load().ok_or(CardSheetError::Font)?;
        let (size, lines) = wrap(
            &fonts.regular,
            "Solde : scannez le code",
            8.0,
            5.5,
            COL_W,
            4,
        );
        assert_eq!((size, lines.len()), (8.0, 1));
        let long = "Pour connaître le solde de votre carte, scannez le code avec votre téléphone \
                    ou présentez la carte à un kiosque du marché participant.";
        let (size, lines) = wrap(&fonts.regular, long, 8.0, 5.5, COL_W, 4);
        assert!(lines.len() <= 4 && size >= 5.5, "{size} {lines:?}");
        for line in &lines {
            assert!(fonts.regular.width(line, size) <= COL_W, "{line}");
        }
        Ok(())
    }

    #[test]
    fn bad_numbers_are_rejected() {
        let cards = [CardPrint {
            number: "12".into(),
            qr_value: "x".into(),
        }];
        let text = CardSheetText {
            program: "P".into(),
            title: "T".into(),
            balance_hint: "H".into(),
            artwork: None,
        };
        assert!(matches!(
            card_sheet(&cards, &text),
            Err(CardSheetError::InvalidNumber { index: 0, .. })
        ));
    }
}
