//! Case and product labels, as PDF sheets (krilla) and as ZPL for Zebra thermal printers.
//!
//! Each label is laid out once into label-local drawing operations (points from the label's
//! top-left corner), then drawn either into a PDF page at the label's place on the stock or,
//! for ZPL, scaled to a 4 × 6 in label at 203 dpi. Texts are measured with the embedded
//! DejaVu faces and shortened with "…" to fit; ZPL's font is narrower, so they fit there too.
//!
//! Barcodes: the linear code is Code 128 (GS1-128 for an SSCC or a GTIN, see `barcode` and
//! `gs1`), drawn with a 10-module quiet zone on each side and a module of 0.72 to 1.44 pt in
//! the PDF (whole pixels at 300 dpi: 3 to 6) and 2 to 4 dots in ZPL, the widest that fits the
//! 4 in label; data too long for 0.72 pt / 2 dots is refused. The PDF and the ZPL carry the
//! same symbol values: ZPL's `^BC` gets them written with its invocation codes (`>;`, `>8`...).
//! A case label's QR code (level M) holds the same text as its linear code's data: the
//! element string `00` + SSCC, or the plain case number.

use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use qrcode::{EcLevel, QrCode};
use thiserror::Error;

use crate::barcode::{BarcodeError, Code128, QUIET_ZONE};
use crate::draw::{self, Fonts};
use crate::gs1::{self, Element, Gs1Error, VoicePickCode};

/// The label stock a PDF is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStock {
    /// US Letter sheets of 4 × 2 in labels, 2 columns × 5 rows (the Avery 5163 layout).
    Letter2x5,
    /// One 4 × 6 in label per page, for thermal printers printing PDFs.
    Thermal4x6,
}

/// A shipping case's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLabel {
    /// The food hub's name.
    pub hub: String,
    /// The buyer, printed large.
    pub buyer: String,
    /// The delivery day, already formatted.
    pub delivery_day: String,
    /// Route and stop, e.g. "Route Nord · arrêt 3"; may be empty.
    pub route_stop: String,
    /// E.g. "Caisse 2 de 5".
    pub case_of: String,
    /// Products and lots, one per line, already formatted.
    pub lines: Vec<String>,
    /// The case's code.
    pub code: CaseCode,
}

/// The code a case label carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseCode {
    /// An SSCC (18 digits, check digit verified): GS1-128 with AI (00).
    Sscc(String),
    /// A case number such as "C000123": 1 to 40 ASCII letters, digits, `-`, `.` or `/`,
    /// as a plain Code 128.
    Plain(String),
}

impl CaseCode {
    /// What a scanner reads from the label's linear code and QR code: `00` + the SSCC, or
    /// the case number.
    pub fn scan_data(&self) -> String {
        match self {
            CaseCode::Sscc(sscc) => format!("00{sscc}"),
            CaseCode::Plain(code) => code.clone(),
        }
    }
}

/// A product's label (a case or a retail pack).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductLabel {
    /// The product's name, printed large.
    pub name: String,
    /// The producer.
    pub producer: String,
    /// Net weight, formatted (e.g. "1,250 kg").
    pub weight: Option<String>,
    /// Price per kilogram, formatted.
    pub price_per_kg: Option<String>,
    /// Price, formatted, printed in bold.
    pub price: Option<String>,
    /// Packing date, formatted.
    pub packed_on: String,
    /// Best-before date, formatted.
    pub best_before: Option<String>,
    /// The lot, empty when not known yet (a unit weighed before its lot was received). With a
    /// GTIN it is GS1's AI (10): 1 to 20 characters of GS1's set; without one, its code is the
    /// label's plain Code 128 (1 to 40 letters, digits, `-`, `.` or `/`).
    pub lot: String,
    /// A GTIN-8/12/13/14. With it the label has a GS1-128 symbol, (01) GTIN, (13) pack date
    /// when given, (10) lot when known, and, with a lot, the PTI voice pick code; without it,
    /// a plain Code 128 of the lot when it is 1 to 40 letters, digits, `-`, `.` or `/` (else
    /// no barcode).
    pub gtin: Option<String>,
    /// The packing date for AI (13) and the voice pick code.
    pub pack_date: Option<jiff::civil::Date>,
    /// The captions, in the reader's language.
    pub labels_text: LabelText,
}

/// Caption words, passed by the caller in the user's language, punctuation included (the
/// value follows after a space): e.g. "Lot :" and "Emballé le :" in French.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelText {
    /// Before the lot, e.g. "Lot :".
    pub lot: String,
    /// Before the packing date, e.g. "Emballé le :".
    pub packed_on: String,
    /// Before the best-before date, e.g. "Meilleur avant :".
    pub best_before: String,
    /// Before the price per kilogram, e.g. "Prix/kg :".
    pub price_per_kg: String,
    /// Before the weight, e.g. "Poids :".
    pub weight: String,
    /// Before the price, e.g. "Prix :".
    pub price: String,
}

/// Most labels in one call.
pub const MAX_LABELS: usize = 10_000;
/// Longer texts are cut to this many characters before layout.
const MAX_TEXT_CHARS: usize = 200;
/// Most product lines read from a case label (the rest only count in "+N").
const MAX_CASE_LINES: usize = 1_000;

/// Why labels could not be produced.
#[derive(Debug, Error)]
pub enum LabelError {
    /// More than [`MAX_LABELS`] labels.
    #[error("too many labels: {0}, at most {MAX_LABELS}")]
    TooMany(usize),
    /// A GTIN, SSCC, lot or date refused by GS1's rules.
    #[error("label {index}: {source}")]
    Gs1 {
        /// Position of the label.
        index: usize,
        /// The rule broken.
        source: Gs1Error,
    },
    /// A case number that is not 1 to 40 letters, digits, `-`, `.` or `/`.
    #[error("label {index}: case number {code:?} must be 1 to 40 letters, digits, '-', '.' or '/'")]
    PlainCode {
        /// Position of the label.
        index: usize,
        /// The code given.
        code: String,
    },
    /// Data that cannot be put in a Code 128 symbol.
    #[error("label {index}: {source}")]
    Barcode {
        /// Position of the label.
        index: usize,
        /// The encoder's error.
        source: BarcodeError,
    },
    /// A linear symbol too wide for a 4 in label at the smallest module.
    #[error(
        "label {index}: barcode of {modules} modules is too wide for a 4 in label (shorten the lot)"
    )]
    TooWide {
        /// Position of the label.
        index: usize,
        /// The symbol's width, quiet zones included.
        modules: u32,
    },
    /// A QR code that cannot be encoded.
    #[error("label {index}: QR code cannot be encoded: {source}")]
    Qr {
        /// Position of the label.
        index: usize,
        /// The encoder's error.
        source: qrcode::types::QrError,
    },
    /// The embedded font could not be loaded (a build problem, not a data problem).
    #[error("embedded font could not be loaded")]
    Font,
    /// The PDF writer failed (its message).
    #[error("PDF could not be written: {0}")]
    Pdf(String),
}

// Geometry, in points.
const LABEL_W: f32 = 288.0; // 4 in
const SMALL_H: f32 = 144.0; // 2 in
const LARGE_H: f32 = 432.0; // 6 in
const LETTER_W: f32 = 612.0;
const LETTER_H: f32 = 792.0;
/// Avery 5163: 5/32 in side margins, 3/16 in between the columns, 1/2 in top margin.
const SHEET_LEFT: f32 = 11.25;
const SHEET_GAP: f32 = 13.5;
const SHEET_TOP: f32 = 36.0;
const SHEET_COLS: usize = 2;
const SHEET_ROWS: usize = 5;
/// Labels on a Letter sheet.
pub const LABELS_PER_SHEET: usize = SHEET_COLS * SHEET_ROWS;

/// Module widths tried for PDF barcodes, widest first: 6, 5, 4 and 3 pixels at 300 dpi.
const PDF_MODULES: [f32; 4] = [1.44, 1.2, 0.96, 0.72];
/// One pixel at 300 dpi, the grid a PDF barcode's left edge is put on.
const PIXEL_300: f32 = 0.24;
/// Width kept for a barcode and its quiet zones on a 4 in label (1 pt of margin each side).
const BAR_ROOM: f32 = LABEL_W - 4.0;

// ZPL: 4 × 6 in at 203 dpi.
const ZPL_DPI: f32 = 203.0;
const ZPL_W: u32 = 812;
const ZPL_H: u32 = 1218;
const ZPL_MODULES: [u32; 3] = [4, 3, 2];

/// A drawing operation in label-local points.
#[derive(Debug, Clone)]
enum LabelOp {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    /// A rectangle outline.
    Frame { x: f32, y: f32, w: f32, h: f32 },
    /// A horizontal rule.
    Rule { x: f32, y: f32, w: f32 },
    /// The label's linear symbol, centred on the label, bars from `y` to `y + height`.
    Bars { y: f32, height: f32 },
    /// The label's QR code in a `side` square (quiet zone included).
    Qr { x: f32, y: f32, side: f32 },
}

/// A label validated and encoded, ready to lay out.
struct Prepared {
    symbol: Option<Code128>,
    qr: Option<(QrCode, String)>,
    hri: String,
    voice: Option<VoicePickCode>,
}

fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((end, _)) => format!("{}{}", &text[..end], draw::ELLIPSIS),
        None => text.to_owned(),
    }
}

fn check_count(count: usize) -> Result<(), LabelError> {
    if count > MAX_LABELS {
        return Err(LabelError::TooMany(count));
    }
    Ok(())
}

fn check_width(index: usize, symbol: &Code128) -> Result<(), LabelError> {
    let modules = symbol.modules() + 2 * QUIET_ZONE;
    let pdf_min = PDF_MODULES[PDF_MODULES.len() - 1];
    let zpl_min = ZPL_MODULES[ZPL_MODULES.len() - 1];
    if modules as f32 * pdf_min > BAR_ROOM || modules * zpl_min > ZPL_W {
        return Err(LabelError::TooWide { index, modules });
    }
    Ok(())
}

fn prepare_case(index: usize, label: &CaseLabel) -> Result<Prepared, LabelError> {
    let (symbol, hri) = match &label.code {
        CaseCode::Sscc(sscc) => {
            let elements =
                [Element::sscc(sscc).map_err(|source| LabelError::Gs1 { index, source })?];
            let symbol =
                gs1::gs1_128(&elements).map_err(|source| LabelError::Gs1 { index, source })?;
            (symbol, gs1::human_readable(&elements))
        }
        CaseCode::Plain(code) => (plain_symbol(index, code)?, code.clone()),
    };
    check_width(index, &symbol)?;
    let data = label.code.scan_data();
    let qr = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|source| LabelError::Qr { index, source })?;
    Ok(Prepared {
        symbol: Some(symbol),
        qr: Some((qr, data)),
        hri,
        voice: None,
    })
}

/// Whether a code is 1 to 40 letters, digits, `-`, `.` or `/`.
fn is_plain_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
}

/// A plain Code 128 of a code of 1 to 40 letters, digits, `-`, `.` or `/` (a case number, a
/// lot code).
fn plain_symbol(index: usize, code: &str) -> Result<Code128, LabelError> {
    if !is_plain_code(code) {
        return Err(LabelError::PlainCode {
            index,
            code: code.to_owned(),
        });
    }
    let symbol = Code128::plain(code).map_err(|source| LabelError::Barcode { index, source })?;
    check_width(index, &symbol)?;
    Ok(symbol)
}

fn prepare_product(index: usize, label: &ProductLabel) -> Result<Prepared, LabelError> {
    let lot = label.lot.trim();
    let Some(gtin) = &label.gtin else {
        // No GTIN: the lot's code as a plain Code 128, which the hub's scanners look up (a
        // GS1-128 needs a GTIN); no lot, or one outside the plain code's set, no barcode.
        let symbol = is_plain_code(lot)
            .then(|| plain_symbol(index, lot))
            .transpose()?;
        return Ok(Prepared {
            hri: if symbol.is_some() {
                lot.to_owned()
            } else {
                String::new()
            },
            symbol,
            qr: None,
            voice: None,
        });
    };
    let gs1_err = |source| LabelError::Gs1 { index, source };
    let mut elements = vec![Element::gtin(gtin).map_err(gs1_err)?];
    if let Some(date) = label.pack_date {
        elements.push(Element::pack_date(date).map_err(gs1_err)?);
    }
    // The voice pick code hashes GTIN and lot: without a lot there is none.
    let voice = if lot.is_empty() {
        None
    } else {
        elements.push(Element::lot(lot).map_err(gs1_err)?);
        Some(VoicePickCode::new(gtin, lot, label.pack_date).map_err(gs1_err)?)
    };
    let symbol = gs1::gs1_128(&elements).map_err(gs1_err)?;
    check_width(index, &symbol)?;
    Ok(Prepared {
        symbol: Some(symbol),
        qr: None,
        hri: gs1::human_readable(&elements),
        voice,
    })
}

/// Renders case labels as a PDF on `stock`. Each label is encoded and laid out when its sheet
/// is drawn, so memory holds one sheet's labels, not the batch's.
pub fn case_labels_pdf(labels: &[CaseLabel], stock: LabelStock) -> Result<Vec<u8>, LabelError> {
    check_count(labels.len())?;
    let fonts = Fonts::load().ok_or(LabelError::Font)?;
    render_pdf(labels.len(), stock, &fonts, "Case labels", |i| {
        let p = prepare_case(i, &labels[i])?;
        Ok((case_layout(&labels[i], &p, stock, &fonts), p))
    })
}

/// Renders product labels as a PDF on `stock`, laid out sheet by sheet like case labels.
pub fn product_labels_pdf(
    labels: &[ProductLabel],
    stock: LabelStock,
) -> Result<Vec<u8>, LabelError> {
    check_count(labels.len())?;
    let fonts = Fonts::load().ok_or(LabelError::Font)?;
    render_pdf(labels.len(), stock, &fonts, "Product labels", |i| {
        let p = prepare_product(i, &labels[i])?;
        Ok((product_layout(&labels[i], &p, stock, &fonts), p))
    })
}

/// Case labels as ZPL, one 4 × 6 in label (203 dpi) each: Code 128 with `^BC`, the QR code
/// with `^BQ`, texts UTF-8 (`^CI28`) with `^`, `~` and `_` written as `^FH` hex escapes.
pub fn case_labels_zpl(labels: &[CaseLabel]) -> Result<String, LabelError> {
    check_count(labels.len())?;
    let fonts = Fonts::load().ok_or(LabelError::Font)?;
    let mut out = String::new();
    for (index, label) in labels.iter().enumerate() {
        let prepared = prepare_case(index, label)?;
        let ops = case_layout(label, &prepared, LabelStock::Thermal4x6, &fonts);
        zpl_label(&mut out, &ops, &prepared);
    }
    Ok(out)
}

/// Product labels as ZPL, one 4 × 6 in label (203 dpi) each.
pub fn product_labels_zpl(labels: &[ProductLabel]) -> Result<String, LabelError> {
    check_count(labels.len())?;
    let fonts = Fonts::load().ok_or(LabelError::Font)?;
    let mut out = String::new();
    for (index, label) in labels.iter().enumerate() {
        let prepared = prepare_product(index, label)?;
        let ops = product_layout(label, &prepared, LabelStock::Thermal4x6, &fonts);
        zpl_label(&mut out, &ops, &prepared);
    }
    Ok(out)
}

/// Builds label-local operations with text fitted by the embedded faces.
struct Builder<'a> {
    fonts: &'a Fonts,
    ops: Vec<LabelOp>,
}

impl Builder<'_> {
    /// A line of text shortened with "…" to `width`.
    fn line(&mut self, x: f32, baseline: f32, size: f32, bold: bool, width: f32, text: &str) {
        let text = self.fonts.face(bold).truncate(&clip(text), size, width);
        if !text.is_empty() {
            self.ops.push(LabelOp::Text {
                x,
                baseline,
                size,
                bold,
                text,
            });
        }
    }

    /// A line whose size shrinks from `size` to `min` to fit, then is shortened.
    #[allow(clippy::too_many_arguments)]
    fn fitted(
        &mut self,
        x: f32,
        baseline: f32,
        size: f32,
        min: f32,
        bold: bool,
        width: f32,
        text: &str,
    ) {
        let text = clip(text);
        let size = self.fonts.face(bold).fit(&text, size, min, width);
        self.line(x, baseline, size, bold, width, &text);
    }

    /// A line centred on the label.
    fn centered(&mut self, baseline: f32, size: f32, width: f32, text: &str) {
        let face = &self.fonts.regular;
        let text = face.truncate(&clip(text), size, width);
        let x = (LABEL_W - face.width(&text, size)) / 2.0;
        self.line(x, baseline, size, false, width, &text);
    }

    /// A line ending at `right`.
    fn right(&mut self, right: f32, baseline: f32, size: f32, bold: bool, width: f32, text: &str) {
        let face = self.fonts.face(bold);
        let text = face.truncate(&clip(text), size, width);
        let w = face.width(&text, size);
        if !text.is_empty() {
            self.ops.push(LabelOp::Text {
                x: right - w,
                baseline,
                size,
                bold,
                text,
            });
        }
    }

    /// Product lines, at most `max` of them; when there are more, the last shown line ends
    /// with "+N" (N lines not shown).
    #[allow(clippy::too_many_arguments)]
    fn product_lines(
        &mut self,
        x: f32,
        first_baseline: f32,
        step: f32,
        size: f32,
        width: f32,
        max: usize,
        lines: &[String],
    ) {
        let lines = &lines[..lines.len().min(MAX_CASE_LINES)];
        let shown = lines.len().min(max);
        for (i, line) in lines.iter().take(shown).enumerate() {
            let baseline = first_baseline + i as f32 * step;
            if i + 1 == shown && lines.len() > shown {
                let more = format!("+{}", lines.len() - shown);
                let more_w = self.fonts.bold.width(&more, size) + size * 0.6;
                self.line(x, baseline, size, false, width - more_w, line);
                self.right(x + width, baseline, size, true, more_w, &more);
            } else {
                self.line(x, baseline, size, false, width, line);
            }
        }
    }

    /// A caption and its value on one line ("Lot : L2612").
    fn field(&mut self, x: f32, baseline: f32, size: f32, width: f32, caption: &str, value: &str) {
        let text = if caption.is_empty() {
            value.to_owned()
        } else {
            format!("{caption} {value}")
        };
        self.line(x, baseline, size, false, width, &text);
    }
}

fn case_layout(label: &CaseLabel, p: &Prepared, stock: LabelStock, fonts: &Fonts) -> Vec<LabelOp> {
    let mut b = Builder {
        fonts,
        ops: Vec::new(),
    };
    match stock {
        LabelStock::Letter2x5 => {
            let pad = 9.0;
            let qr_side = 64.0;
            let qr_x = LABEL_W - 4.0 - qr_side;
            let text_w = qr_x - pad - 2.0;
            b.line(pad, 13.0, 7.0, false, text_w, &label.hub);
            b.fitted(pad, 30.0, 15.0, 8.0, true, text_w, &label.buyer);
            b.line(pad, 42.0, 10.0, true, text_w, &label.case_of);
            b.line(pad, 53.0, 8.0, false, text_w, &label.delivery_day);
            b.line(pad, 63.0, 8.0, false, text_w, &label.route_stop);
            b.ops.push(LabelOp::Qr {
                x: qr_x,
                y: 3.0,
                side: qr_side,
            });
            b.product_lines(pad, 73.5, 8.0, 7.0, LABEL_W - 2.0 * pad, 2, &label.lines);
            b.ops.push(LabelOp::Bars {
                y: 86.0,
                height: 38.0,
            });
            b.centered(133.0, 7.0, LABEL_W - 2.0 * pad, &p.hri);
        }
        LabelStock::Thermal4x6 => {
            let pad = 14.0;
            let w = LABEL_W - 2.0 * pad;
            b.line(pad, 28.0, 10.0, false, w, &label.hub);
            b.fitted(pad, 60.0, 24.0, 11.0, true, w, &label.buyer);
            b.line(pad, 84.0, 12.0, false, w, &label.delivery_day);
            b.line(pad, 102.0, 12.0, false, w, &label.route_stop);
            b.ops.push(LabelOp::Rule {
                x: pad,
                y: 112.0,
                w,
            });
            b.product_lines(pad, 130.0, 13.0, 10.0, w, 8, &label.lines);
            b.ops.push(LabelOp::Rule {
                x: pad,
                y: 232.0,
                w,
            });
            b.ops.push(LabelOp::Qr {
                x: pad - 6.0,
                y: 236.0,
                side: 104.0,
            });
            b.fitted(
                122.0,
                294.0,
                20.0,
                10.0,
                true,
                LABEL_W - 122.0 - pad,
                &label.case_of,
            );
            b.ops.push(LabelOp::Bars {
                y: 346.0,
                height: 54.0,
            });
            b.centered(414.0, 9.0, w, &p.hri);
        }
    }
    b.ops
}

fn product_layout(
    label: &ProductLabel,
    p: &Prepared,
    stock: LabelStock,
    fonts: &Fonts,
) -> Vec<LabelOp> {
    let mut b = Builder {
        fonts,
        ops: Vec::new(),
    };
    let t = &label.labels_text;
    match stock {
        LabelStock::Letter2x5 => {
            let pad = 9.0;
            let (box_w, box_h) = (58.0, 30.0);
            let box_x = LABEL_W - pad - box_w;
            let top_w = if p.voice.is_some() {
                box_x - pad - 6.0
            } else {
                LABEL_W - 2.0 * pad
            };
            if let Some(voice) = p.voice {
                voice_box(&mut b, voice, box_x, 7.0, box_w, box_h, 10.0, 22.0);
            }
            b.fitted(pad, 21.0, 13.0, 8.0, true, top_w, &label.name);
            b.line(pad, 33.0, 8.5, false, top_w, &label.producer);
            let (left_w, right_x) = (150.0, pad + 156.0);
            let right_w = LABEL_W - pad - right_x;
            b.field(pad, 48.0, 7.5, left_w, &t.packed_on, &label.packed_on);
            if let Some(v) = &label.best_before {
                b.field(pad, 58.0, 7.5, left_w, &t.best_before, v);
            }
            if !label.lot.trim().is_empty() {
                b.field(pad, 68.0, 7.5, left_w, &t.lot, &label.lot);
            }
            if let Some(v) = &label.weight {
                b.field(right_x, 48.0, 7.5, right_w, &t.weight, v);
            }
            if let Some(v) = &label.price_per_kg {
                b.field(right_x, 58.0, 7.5, right_w, &t.price_per_kg, v);
            }
            if let Some(v) = &label.price {
                let text = format!("{} {v}", t.price);
                b.line(right_x, 70.0, 10.0, true, right_w, text.trim());
            }
            if p.symbol.is_some() {
                b.ops.push(LabelOp::Bars {
                    y: 77.0,
                    height: 45.0,
                });
                b.centered(132.0, 7.0, LABEL_W - 2.0 * pad, &p.hri);
            }
        }
        LabelStock::Thermal4x6 => {
            let pad = 14.0;
            let w = LABEL_W - 2.0 * pad;
            let (box_w, box_h) = (80.0, 44.0);
            let box_x = LABEL_W - pad - box_w;
            let top_w = if p.voice.is_some() {
                box_x - pad - 8.0
            } else {
                w
            };
            if let Some(voice) = p.voice {
                voice_box(&mut b, voice, box_x, 14.0, box_w, box_h, 14.0, 30.0);
            }
            b.fitted(pad, 38.0, 20.0, 11.0, true, top_w, &label.name);
            b.line(pad, 56.0, 11.0, false, top_w, &label.producer);
            b.ops.push(LabelOp::Rule { x: pad, y: 68.0, w });
            let mut y = 92.0;
            let mut field = |b: &mut Builder<'_>, caption: &str, value: &str| {
                b.field(pad, y, 12.0, w, caption, value);
                y += 19.0;
            };
            field(&mut b, &t.packed_on, &label.packed_on);
            if let Some(v) = &label.best_before {
                field(&mut b, &t.best_before, v);
            }
            if !label.lot.trim().is_empty() {
                field(&mut b, &t.lot, &label.lot);
            }
            if let Some(v) = &label.weight {
                field(&mut b, &t.weight, v);
            }
            if let Some(v) = &label.price_per_kg {
                field(&mut b, &t.price_per_kg, v);
            }
            if let Some(v) = &label.price {
                let text = format!("{} {v}", t.price);
                b.line(pad, 228.0, 22.0, true, w, text.trim());
            }
            if p.symbol.is_some() {
                b.ops.push(LabelOp::Bars {
                    y: 300.0,
                    height: 84.0,
                });
                b.centered(402.0, 9.0, w, &p.hri);
            }
        }
    }
    b.ops
}

/// The voice pick code in a box: two small digits, then two large ones.
#[allow(clippy::too_many_arguments)]
fn voice_box(
    b: &mut Builder<'_>,
    voice: VoicePickCode,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    small: f32,
    large: f32,
) {
    b.ops.push(LabelOp::Frame { x, y, w, h });
    let large_w = b.fonts.bold.width(&voice.large(), large);
    let small_w = b.fonts.regular.width(&voice.small(), small);
    let gap = small * 0.35;
    let left = x + (w - large_w - small_w - gap) / 2.0;
    let baseline = y + h / 2.0 + large * 0.36;
    b.ops.push(LabelOp::Text {
        x: left,
        baseline,
        size: small,
        bold: false,
        text: voice.small(),
    });
    b.ops.push(LabelOp::Text {
        x: left + small_w + gap,
        baseline,
        size: large,
        bold: true,
        text: voice.large(),
    });
}

fn render_pdf(
    count: usize,
    stock: LabelStock,
    fonts: &Fonts,
    title: &str,
    label: impl Fn(usize) -> Result<(Vec<LabelOp>, Prepared), LabelError>,
) -> Result<Vec<u8>, LabelError> {
    let (page_w, page_h, per_page) = match stock {
        LabelStock::Letter2x5 => (LETTER_W, LETTER_H, LABELS_PER_SHEET),
        LabelStock::Thermal4x6 => (LABEL_W, LARGE_H, 1),
    };
    let mut document = krilla::Document::new();
    document.set_metadata(Metadata::new().title(title.to_owned()));
    // No label still prints one empty sheet.
    let sheets = count.div_ceil(per_page).max(1);
    for sheet in 0..sheets {
        let first = sheet * per_page;
        let laid = (first..count.min(first + per_page))
            .map(&label)
            .collect::<Result<Vec<_>, _>>()?;
        let settings = PageSettings::from_wh(page_w, page_h)
            .ok_or_else(|| LabelError::Pdf("invalid page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for (slot, (ops, prepared)) in laid.iter().enumerate() {
            let (ox, oy) = match stock {
                LabelStock::Letter2x5 => (
                    SHEET_LEFT + (slot % SHEET_COLS) as f32 * (LABEL_W + SHEET_GAP),
                    SHEET_TOP + (slot / SHEET_COLS) as f32 * SMALL_H,
                ),
                LabelStock::Thermal4x6 => (0.0, 0.0),
            };
            for op in ops {
                draw_op(&mut surface, fonts, op, prepared, ox, oy);
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| LabelError::Pdf(e.to_string()))
}

/// The widest PDF module (points) at which `symbol` and its quiet zones fit.
fn pdf_module(symbol: &Code128) -> f32 {
    let modules = (symbol.modules() + 2 * QUIET_ZONE) as f32;
    PDF_MODULES
        .into_iter()
        .find(|m| modules * m <= BAR_ROOM)
        .unwrap_or(PDF_MODULES[PDF_MODULES.len() - 1])
}

fn draw_op(surface: &mut Surface<'_>, fonts: &Fonts, op: &LabelOp, p: &Prepared, ox: f32, oy: f32) {
    match op {
        LabelOp::Text {
            x,
            baseline,
            size,
            bold,
            text,
        } => fonts
            .face(*bold)
            .draw(surface, ox + x, oy + baseline, *size, text),
        LabelOp::Frame { x, y, w, h } => draw::stroke_rect(surface, ox + x, oy + y, *w, *h, 0, 1.0),
        LabelOp::Rule { x, y, w } => draw::hline(surface, ox + x, ox + x + w, oy + y, 0, 0.8),
        LabelOp::Bars { y, height } => {
            if let Some(symbol) = &p.symbol {
                let module = pdf_module(symbol);
                let width = symbol.modules() as f32 * module;
                let left = ox + (LABEL_W - width) / 2.0;
                let left = (left / PIXEL_300).round() * PIXEL_300;
                draw::draw_bars(surface, &symbol.widths(), left, oy + y, module, *height);
            }
        }
        LabelOp::Qr { x, y, side } => {
            if let Some((qr, _)) = &p.qr {
                draw::draw_qr(surface, qr, ox + x, oy + y, *side);
            }
        }
    }
}

/// Points to ZPL dots.
fn dots(points: f32) -> u32 {
    (points * ZPL_DPI / 72.0).round().max(0.0) as u32
}

/// A text for a `^FH` field: `_` (the hex indicator), `^` and `~` as hex escapes.
fn zpl_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '_' => out.push_str("_5F"),
            '^' => out.push_str("_5E"),
            '~' => out.push_str("_7E"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn zpl_label(out: &mut String, ops: &[LabelOp], p: &Prepared) {
    use std::fmt::Write as _;
    out.push_str("^XA\n^CI28\n");
    let _ = writeln!(out, "^PW{ZPL_W}\n^LL{ZPL_H}\n^LH0,0");
    for op in ops {
        match op {
            LabelOp::Text {
                x,
                baseline,
                size,
                text,
                ..
            } => {
                let h = dots(*size);
                let _ = writeln!(
                    out,
                    "^FT{},{}^A0N,{h},{h}^FH^FD{}^FS",
                    dots(*x),
                    dots(*baseline),
                    zpl_escape(text)
                );
            }
            LabelOp::Frame { x, y, w, h } => {
                let _ = writeln!(
                    out,
                    "^FO{},{}^GB{},{},3^FS",
                    dots(*x),
                    dots(*y),
                    dots(*w),
                    dots(*h)
                );
            }
            LabelOp::Rule { x, y, w } => {
                let _ = writeln!(out, "^FO{},{}^GB{},2,2^FS", dots(*x), dots(*y), dots(*w));
            }
            LabelOp::Bars { y, height } => {
                if let Some(symbol) = &p.symbol {
                    let total = symbol.modules() + 2 * QUIET_ZONE;
                    let module = ZPL_MODULES
                        .into_iter()
                        .find(|m| total * m <= ZPL_W)
                        .unwrap_or(ZPL_MODULES[ZPL_MODULES.len() - 1]);
                    let left = ZPL_W.saturating_sub(symbol.modules() * module) / 2;
                    let h = dots(*height);
                    let _ = writeln!(
                        out,
                        "^FO{left},{}^BY{module}^BCN,{h},N,N,N,N^FD{}^FS",
                        dots(*y),
                        symbol.zpl_data()
                    );
                }
            }
            LabelOp::Qr { x, y, side } => {
                if let Some((qr, data)) = &p.qr {
                    let modules = (qr.width() + 2 * draw::QR_QUIET_MODULES) as u32;
                    let mag = (dots(*side) / modules).clamp(1, 10);
                    let _ = writeln!(
                        out,
                        "^FO{},{}^BQN,2,{mag}^FDMA,{data}^FS",
                        dots(*x) + 4 * mag,
                        dots(*y) + 4 * mag
                    );
                }
            }
        }
    }
    out.push_str("^XZ\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(code: CaseCode) -> CaseLabel {
        CaseLabel {
            hub: "Halles de Québec".into(),
            buyer: "Épicerie ^Chez~Ça_".into(),
            delivery_day: "jeudi 10 décembre".into(),
            route_stop: String::new(),
            case_of: "Caisse 1 de 1".into(),
            lines: (0..12).map(|i| format!("Produit {i}")).collect(),
            code,
        }
    }

    #[test]
    fn zpl_escapes_carets_tildes_and_underscores_in_text() -> Result<(), LabelError> {
        let zpl = case_labels_zpl(&[case(CaseCode::Plain("C000123".into()))])?;
        assert!(zpl.contains("^FH^FDÉpicerie _5EChez_7EÇa_5F^FS"), "{zpl}");
        assert!(
            zpl.contains("^BCN,") && zpl.contains("^FD>:C>5000123^FS"),
            "{zpl}"
        );
        assert!(zpl.contains("^FDMA,C000123^FS"), "{zpl}");
        assert!(zpl.contains("^FD+4^FS"), "{zpl}");
        assert_eq!(zpl.matches("^XA").count(), 1);
        Ok(())
    }

    #[test]
    fn bad_codes_are_refused() {
        let bad = [
            case(CaseCode::Plain("C 1".into())),
            case(CaseCode::Plain(String::new())),
            case(CaseCode::Sscc("106141411234567890".into())),
        ];
        for label in bad {
            assert!(case_labels_pdf(std::slice::from_ref(&label), LabelStock::Letter2x5).is_err());
            assert!(case_labels_zpl(&[label]).is_err());
        }
    }

    #[test]
    fn a_lot_too_long_for_the_label_is_refused() {
        let label = ProductLabel {
            name: "Carottes".into(),
            producer: "Ferme".into(),
            weight: None,
            price_per_kg: None,
            price: None,
            packed_on: "7 déc.".into(),
            best_before: None,
            lot: "ABCDEFGHIJKLMNOPQRST".into(),
            gtin: Some("0614141000012".into()),
            pack_date: Some(jiff::civil::date(2026, 12, 7)),
            labels_text: LabelText::default(),
        };
        assert!(matches!(
            product_labels_pdf(std::slice::from_ref(&label), LabelStock::Thermal4x6),
            Err(LabelError::TooWide { index: 0, .. })
        ));
        let short = ProductLabel {
            lot: "L2612-07".into(),
            ..label
        };
        assert!(product_labels_zpl(&[short]).is_ok());
    }
}
