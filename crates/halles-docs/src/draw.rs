//! Drawing helpers shared by the PDF modules (card sheets, documents, labels): the embedded
//! DejaVu faces (drawn by krilla, measured by rustybuzz), text fitting and wrapping, filled
//! rectangles, QR matrices and linear barcodes drawn as vector rectangles.
//!
//! Coordinates are PDF points (1/72 in) with krilla's top-left origin, y growing downward.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use krilla::color::rgb;
use krilla::geom::{Path, PathBuilder, Point, Rect};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, Glyph, GlyphId};
use qrcode::{Color, QrCode};

/// The ellipsis put at the end of a shortened text.
pub(crate) const ELLIPSIS: char = '…';

/// The quiet zone, in modules, kept light around a QR code (the standard's minimum).
pub(crate) const QR_QUIET_MODULES: usize = 4;

/// The embedded faces, for drawing (krilla) and measuring (rustybuzz).
pub(crate) struct Fonts {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

/// One face: krilla's font and the rustybuzz face that shapes its texts.
pub(crate) struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
    space: f32,
    /// Texts already shaped (a batch of documents repeats its words, names and headings).
    shaped: RefCell<HashMap<String, Rc<Shaped>>>,
}

/// A text shaped once: its glyphs at size 1, for krilla to draw, and its width at size 1
/// (a width scales with the size: no hinting).
struct Shaped {
    glyphs: Vec<ShapedGlyph>,
    width: f32,
}

/// One glyph of a shaped text, at size 1: what krilla needs to draw it, in 24 bytes (its own
/// `KrillaGlyph` takes twice that, and a batch keeps thousands of texts).
#[derive(Debug, Clone, Copy)]
struct ShapedGlyph {
    id: u32,
    /// The bytes of the text the glyph's cluster covers.
    start: u32,
    end: u32,
    x_advance: f32,
    x_offset: f32,
    y_offset: f32,
}

impl Glyph for ShapedGlyph {
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(self.id)
    }

    fn text_range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    fn x_advance(&self, size: f32) -> f32 {
        self.x_advance * size
    }

    fn x_offset(&self, size: f32) -> f32 {
        self.x_offset * size
    }

    fn y_offset(&self, size: f32) -> f32 {
        self.y_offset * size
    }

    fn y_advance(&self, _size: f32) -> f32 {
        // Horizontal text only.
        0.0
    }

    fn location(&self) -> Option<krilla::surface::Location> {
        None
    }
}

/// Texts shaped are remembered up to this many per face; the cache starts over beyond. What
/// repeats in a batch (headings, column titles, products, producers, units) is far fewer;
/// the rest (a buyer's name, an order number) is drawn once or twice, so keeping all of it
/// would only grow memory with the batch.
const SHAPE_CACHE: usize = 4_096;

impl Fonts {
    /// Loads DejaVu Sans and DejaVu Sans Bold; `None` only if the embedded data is unreadable.
    pub(crate) fn load() -> Option<Self> {
        Some(Fonts {
            regular: Face::load(dejavu::sans::regular())?,
            bold: Face::load(dejavu::sans::bold())?,
        })
    }

    /// The bold face when `bold`, else the regular one.
    pub(crate) fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Self> {
        let font = Font::new(data.into(), 0)?;
        let shaper = rustybuzz::Face::from_slice(data, 0)?;
        let mut face = Face {
            font,
            shaper,
            space: 0.0,
            shaped: RefCell::new(HashMap::new()),
        };
        face.space = face.width(" ", 1.0);
        Some(face)
    }

    /// Width of `text` at `size`, as it is drawn.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        self.shape(text).width * size
    }

    /// `text` shaped, from the cache or shaped now and remembered. Shaping (and reading the
    /// face's tables for it) is most of what a text costs to draw, so a text is shaped once
    /// per batch, for its width and its glyphs alike.
    fn shape(&self, text: &str) -> Rc<Shaped> {
        if let Some(s) = self.shaped.borrow().get(text) {
            return Rc::clone(s);
        }
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let backward = matches!(
            buffer.direction(),
            rustybuzz::Direction::RightToLeft | rustybuzz::Direction::BottomToTop
        );
        let out = rustybuzz::shape(&self.shaper, &[], buffer);
        let em = self.shaper.units_per_em() as f32;
        let infos = out.glyph_infos();
        let positions = out.glyph_positions();
        // A glyph's text is its cluster up to the next cluster in reading order (the glyphs
        // of a right-to-left run come last character first).
        let cluster_end = |i: usize| -> usize {
            let start = infos[i].cluster;
            let next = if backward {
                infos[..i].iter().rev().find(|g| g.cluster != start)
            } else {
                infos[i + 1..].iter().find(|g| g.cluster != start)
            };
            next.map_or(text.len(), |g| g.cluster as usize)
        };
        let glyphs: Vec<ShapedGlyph> = (0..infos.len())
            .map(|i| {
                let p = positions[i];
                ShapedGlyph {
                    id: infos[i].glyph_id,
                    start: infos[i].cluster,
                    end: u32::try_from(cluster_end(i)).unwrap_or(u32::MAX),
                    x_advance: p.x_advance as f32 / em,
                    x_offset: p.x_offset as f32 / em,
                    y_offset: p.y_offset as f32 / em,
                }
            })
            .collect();
        let width = positions.iter().map(|p| p.x_advance).sum::<i32>() as f32 / em;
        let shaped = Rc::new(Shaped { glyphs, width });
        let mut cache = self.shaped.borrow_mut();
        if cache.len() >= SHAPE_CACHE {
            cache.clear();
        }
        cache.insert(text.to_owned(), Rc::clone(&shaped));
        shaped
    }

    /// The largest size from `preferred` down to `min` (half-point steps) at which `text` fits.
    pub(crate) fn fit(&self, text: &str, preferred: f32, min: f32, max_width: f32) -> f32 {
        let mut size = preferred;
        while size > min && self.width(text, size) > max_width {
            size -= 0.5;
        }
        size.max(min)
    }

    /// `text` cut (at a character boundary) and ended with "…" so it fits in `max_width`.
    pub(crate) fn truncate(&self, text: &str, size: f32, max_width: f32) -> String {
        if self.width(text, size) <= max_width {
            return text.to_owned();
        }
        let chars: Vec<char> = text.chars().collect();
        // Binary search on the number of characters kept.
        let (mut low, mut high) = (0usize, chars.len());
        while low < high {
            let mid = (low + high).div_ceil(2);
            let candidate: String = chars[..mid].iter().chain([&ELLIPSIS]).collect();
            if self.width(&candidate, size) <= max_width {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        let kept: String = chars[..low].iter().collect();
        format!("{}{ELLIPSIS}", kept.trim_end())
    }

    /// Greedy word wrap of `text` into lines of at most `max_width` at `size`; a word wider
    /// than a line is broken between characters. Explicit line breaks are kept.
    pub(crate) fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let space = self.space * size;
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_width = 0.0;
            for word in paragraph.split_whitespace() {
                let mut word = word.to_owned();
                let mut width = self.width(&word, size);
                loop {
                    if line.is_empty() && width <= max_width {
                        line = word;
                        line_width = width;
                        break;
                    }
                    if !line.is_empty() && line_width + space + width <= max_width {
                        line.push(' ');
                        line.push_str(&word);
                        line_width += space + width;
                        break;
                    }
                    if !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_width = 0.0;
                        continue;
                    }
                    // A word wider than a whole line: keep what fits, carry the rest.
                    let (head, tail) = self.split_to_fit(&word, size, max_width);
                    lines.push(head);
                    word = tail;
                    width = self.width(&word, size);
                }
            }
            lines.push(line);
        }
        lines
    }

    /// Splits `word` into the longest head that fits (at least one character) and the rest.
    fn split_to_fit(&self, word: &str, size: f32, max_width: f32) -> (String, String) {
        let chars: Vec<char> = word.chars().collect();
        let mut keep = chars.len().saturating_sub(1).max(1);
        while keep > 1 && self.width(&chars[..keep].iter().collect::<String>(), size) > max_width {
            keep -= 1;
        }
        (
            chars[..keep].iter().collect(),
            chars[keep..].iter().collect(),
        )
    }

    /// Draws `text` with its baseline starting at (`x`, `baseline`).
    pub(crate) fn draw(
        &self,
        surface: &mut Surface<'_>,
        x: f32,
        baseline: f32,
        size: f32,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        let shaped = self.shape(text);
        surface.draw_glyphs(
            Point::from_xy(x, baseline),
            &shaped.glyphs,
            self.font.clone(),
            text,
            size,
            false,
        );
    }
}

/// A rectangle as a path (`None` for an empty or invalid one).
pub(crate) fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<Path> {
    let mut builder = PathBuilder::new();
    builder.push_rect(Rect::from_xywh(x, y, w, h)?);
    builder.finish()
}

/// Fills a rectangle with a grey level (0 black, 255 white).
pub(crate) fn fill_rect(surface: &mut Surface<'_>, x: f32, y: f32, w: f32, h: f32, grey: u8) {
    if let Some(path) = rect_path(x, y, w, h) {
        surface.set_stroke(None);
        surface.set_fill(Some(Fill {
            paint: rgb::Color::new(grey, grey, grey).into(),
            ..Fill::default()
        }));
        surface.draw_path(&path);
        surface.set_fill(Some(Fill::default()));
    }
}

/// Strokes a rectangle's outline with a grey level and a line width.
pub(crate) fn stroke_rect(
    surface: &mut Surface<'_>,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    grey: u8,
    width: f32,
) {
    if let Some(path) = rect_path(x, y, w, h) {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(grey, grey, grey).into(),
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
    }
}

/// Draws a horizontal rule from `x1` to `x2` at `y`.
pub(crate) fn hline(surface: &mut Surface<'_>, x1: f32, x2: f32, y: f32, grey: u8, width: f32) {
    fill_rect(surface, x1, y - width / 2.0, x2 - x1, width, grey);
}

/// Draws the QR code in a `side`-point square at (`x`, `y`), the quiet zone included: dark
/// modules become filled rectangles, one per horizontal run so rows have no seams.
pub(crate) fn draw_qr(surface: &mut Surface<'_>, qr: &QrCode, x: f32, y: f32, side: f32) {
    let width = qr.width();
    let module = side / (width + 2 * QR_QUIET_MODULES) as f32;
    let origin_x = x + QR_QUIET_MODULES as f32 * module;
    let origin_y = y + QR_QUIET_MODULES as f32 * module;
    let mut builder = PathBuilder::new();
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if qr[(col, row)] != Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < width && qr[(col, row)] == Color::Dark {
                col += 1;
            }
            if let Some(rect) = Rect::from_xywh(
                origin_x + start as f32 * module,
                origin_y + row as f32 * module,
                (col - start) as f32 * module,
                module,
            ) {
                builder.push_rect(rect);
            }
        }
    }
    if let Some(path) = builder.finish() {
        surface.set_fill(Some(Fill::default()));
        surface.draw_path(&path);
    }
}

/// Draws a linear barcode whose first bar starts at `x`: `widths` alternate bar, space, bar...
/// in modules of `module` points; bars are `height` tall from `y`. Quiet zones are the
/// caller's to keep clear.
pub(crate) fn draw_bars(
    surface: &mut Surface<'_>,
    widths: &[u8],
    x: f32,
    y: f32,
    module: f32,
    height: f32,
) {
    let mut builder = PathBuilder::new();
    let mut cursor = x;
    for (i, w) in widths.iter().enumerate() {
        let w = f32::from(*w) * module;
        if i % 2 == 0
            && let Some(rect) = Rect::from_xywh(cursor, y, w, height)
        {
            builder.push_rect(rect);
        }
        cursor += w;
    }
    if let Some(path) = builder.finish() {
        surface.set_fill(Some(Fill::default()));
        surface.draw_path(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_width_and_breaks_long_words() {
        let fonts = Fonts::load().expect("fonts");
        let face = &fonts.regular;
        let text = "Carottes nantaises biologiques — botte de 1 kg, lavées à la main \
                    Supercalifragilisticexpialidociousmentlongmotsansespace";
        let lines = face.wrap(text, 9.0, 80.0);
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            assert!(face.width(line, 9.0) <= 80.0 + 0.01, "{line}");
        }
        let joined: String = lines.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined, original);
        assert_eq!(face.wrap("", 9.0, 80.0), vec![String::new()]);
    }

    #[test]
    fn truncate_adds_an_ellipsis_only_when_needed() {
        let fonts = Fonts::load().expect("fonts");
        let face = &fonts.regular;
        assert_eq!(face.truncate("Pommes", 9.0, 200.0), "Pommes");
        let cut = face.truncate("Pommes de terre Yukon Gold, sac de 10 lb", 9.0, 60.0);
        assert!(cut.ends_with('…') && face.width(&cut, 9.0) <= 60.0, "{cut}");
    }
}
