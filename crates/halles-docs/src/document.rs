//! Printable fulfilment documents (purchase orders, pick lists, packing lists, drivers'
//! manifests) as US Letter PDFs.
//!
//! A [`Document`] is a title, a few lines under it, and sections, each a heading, lines and an
//! optional table. Each document is laid out twice, page by page: once to count its pages, so
//! that each page can carry "Page n de N", then again to draw each page with krilla and the
//! embedded DejaVu faces (the shared helpers of `draw`) as soon as it is laid out. Memory holds
//! one page's drawing operations, whatever the document's length. Rules:
//! - cell text wraps within its column, a right-aligned column aligns each line right;
//! - a row never splits across pages (a row taller than a whole page is cut, with "…");
//! - a table's header row is repeated at the top of every page the table continues on;
//! - a section heading always has its first line or its table's header and first row below
//!   it on the same page;
//! - every page has the title at the top (small after the first page) and, at the bottom,
//!   the footer on the left and the page label on the right.

use std::borrow::Borrow;

use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use thiserror::Error;

use crate::draw::{self, Fonts};

/// A document to print.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The title, printed large on the first page and small at the top of the others.
    pub title: String,
    /// Lines under the title: hub, producer, delivery day...
    pub lines: Vec<String>,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// Printed at the bottom left of each page.
    pub footer: String,
    /// Printed at the bottom right of each page, `{n}` and `{total}` replaced by the page
    /// number and the document's page count, e.g. "Page {n} de {total}".
    pub page_label: String,
}

/// A section: a heading, lines, then an optional table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    /// The heading, in bold.
    pub heading: String,
    /// Lines of text under the heading.
    pub lines: Vec<String>,
    /// A table after the lines.
    pub table: Option<DocTable>,
}

/// A table: columns, rows of cells (one per column) and an optional totals row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocTable {
    /// The columns, left to right.
    pub columns: Vec<Column>,
    /// The rows; each has exactly one cell per column.
    pub rows: Vec<Vec<String>>,
    /// A totals row printed in bold after the last row (one cell per column).
    pub totals: Option<Vec<String>>,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text.
    pub title: String,
    /// The column's relative share of the page width (any positive number).
    pub width: f32,
    /// How its cells are aligned.
    pub align: Align,
    /// Draws an empty tick box at the start of each row's cell (pick lists); the cell's text,
    /// if any, follows it.
    pub checkbox: bool,
}

/// Horizontal alignment of a column's text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Align {
    /// Left-aligned (text).
    #[default]
    Left,
    /// Right-aligned (quantities, amounts).
    Right,
}

/// Most table rows (totals included) in one call, all documents together.
pub const MAX_ROWS: usize = 100_000;
/// Most text lines (under titles and in sections) in one call.
pub const MAX_LINES: usize = 100_000;
/// Most sections in one call.
pub const MAX_SECTIONS: usize = 20_000;
/// Most documents in one call.
pub const MAX_DOCUMENTS: usize = 10_000;
/// Most columns in one table.
pub const MAX_COLUMNS: usize = 16;
/// Longer texts (cells, lines, headings, titles) are cut to this many characters, with "…".
pub const MAX_TEXT_CHARS: usize = 500;

/// Why a document could not be produced.
#[derive(Debug, Error)]
pub enum DocumentError {
    /// More than the limit of rows, lines, sections or documents.
    #[error("too many {what}: {count}, at most {max}")]
    TooLarge {
        /// What was counted.
        what: &'static str,
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// No document to print.
    #[error("no document to print")]
    Empty,
    /// A table without columns or with more than [`MAX_COLUMNS`].
    #[error(
        "document {document}, section {section}: a table needs 1 to {MAX_COLUMNS} columns, got {columns}"
    )]
    Columns {
        /// Position of the document.
        document: usize,
        /// Position of the section.
        section: usize,
        /// Columns given.
        columns: usize,
    },
    /// A column width that is not a positive number.
    #[error("document {document}, section {section}, column {column}: width must be positive")]
    ColumnWidth {
        /// Position of the document.
        document: usize,
        /// Position of the section.
        section: usize,
        /// Position of the column.
        column: usize,
    },
    /// A row (or the totals, `row` = number of rows) without one cell per column.
    #[error(
        "document {document}, section {section}, row {row}: {cells} cells for {columns} columns"
    )]
    RowWidth {
        /// Position of the document.
        document: usize,
        /// Position of the section.
        section: usize,
        /// Position of the row.
        row: usize,
        /// Cells given.
        cells: usize,
        /// Columns of the table.
        columns: usize,
    },
    /// The embedded font could not be loaded (a build problem, not a data problem).
    #[error("embedded font could not be loaded")]
    Font,
    /// The PDF writer failed (its message).
    #[error("PDF could not be written: {0}")]
    Pdf(String),
}

/// Renders one document as a US Letter portrait PDF.
pub fn document_pdf(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    documents_pdf(std::slice::from_ref(doc))
}

/// Renders several documents into one PDF, each starting on a new page with its own page
/// numbers (a day's pick lists, one per producer, printed at once). Documents are taken one at
/// a time, so a caller can make them as they are drawn (a lazy iterator) and memory holds one
/// document's layout, not the batch's.
pub fn documents_pdf<D: Borrow<Document>>(
    docs: impl IntoIterator<Item = D>,
) -> Result<Vec<u8>, DocumentError> {
    let fonts = Fonts::load().ok_or(DocumentError::Font)?;
    let mut pdf = krilla::Document::new();
    let mut budget = Budget::default();
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| DocumentError::Pdf("invalid page size".into()))?;
    for doc in docs {
        let doc = doc.borrow();
        if budget.documents == 0 {
            pdf.set_metadata(Metadata::new().title(clip(&doc.title)));
        }
        budget.check(doc)?;
        // Once to count the pages, once to draw them: one page's operations in memory.
        let total = lay_out(doc, &fonts, &mut |_| {});
        let mut number = 0;
        lay_out(doc, &fonts, &mut |ops| {
            number += 1;
            let mut page = pdf.start_page_with(settings.clone());
            let mut surface = page.surface();
            for op in &ops {
                op.draw(&mut surface, &fonts);
            }
            draw_footer(&mut surface, &fonts, doc, number, total);
            surface.finish();
            page.finish();
        });
    }
    if budget.documents == 0 {
        return Err(DocumentError::Empty);
    }
    pdf.finish().map_err(|e| DocumentError::Pdf(e.to_string()))
}

/// What the documents of one call used so far, against the limits.
#[derive(Default)]
struct Budget {
    documents: usize,
    sections: usize,
    lines: usize,
    rows: usize,
}

impl Budget {
    /// Counts `doc` and checks its tables are well formed.
    fn check(&mut self, doc: &Document) -> Result<(), DocumentError> {
        let document = self.documents;
        self.documents += 1;
        self.sections += doc.sections.len();
        self.lines += doc.lines.len() + doc.sections.iter().map(|s| s.lines.len()).sum::<usize>();
        self.rows += doc
            .sections
            .iter()
            .filter_map(|s| s.table.as_ref())
            .map(|t| t.rows.len() + usize::from(t.totals.is_some()))
            .sum::<usize>();
        let too_large = |what, count, max| {
            if count > max {
                Err(DocumentError::TooLarge { what, count, max })
            } else {
                Ok(())
            }
        };
        too_large("documents", self.documents, MAX_DOCUMENTS)?;
        too_large("sections", self.sections, MAX_SECTIONS)?;
        too_large("lines", self.lines, MAX_LINES)?;
        too_large("rows", self.rows, MAX_ROWS)?;
        for (section, s) in doc.sections.iter().enumerate() {
            let Some(table) = &s.table else { continue };
            let columns = table.columns.len();
            if columns == 0 || columns > MAX_COLUMNS {
                return Err(DocumentError::Columns {
                    document,
                    section,
                    columns,
                });
            }
            for (column, c) in table.columns.iter().enumerate() {
                if !(c.width.is_finite() && c.width > 0.0) {
                    return Err(DocumentError::ColumnWidth {
                        document,
                        section,
                        column,
                    });
                }
            }
            let rows = table.rows.iter().chain(&table.totals);
            for (row, cells) in rows.enumerate() {
                if cells.len() != columns {
                    return Err(DocumentError::RowWidth {
                        document,
                        section,
                        row,
                        cells: cells.len(),
                        columns,
                    });
                }
            }
        }
        Ok(())
    }
}

/// `text` cut to [`MAX_TEXT_CHARS`] characters (with "…").
fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((end, _)) => format!("{}{}", &text[..end], draw::ELLIPSIS),
        None => text.to_owned(),
    }
}

// Geometry, in points. krilla's origin is the top-left corner.
const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN_X: f32 = 48.0;
const TOP: f32 = 48.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Content stops here; the footer is below.
const CONTENT_BOTTOM: f32 = PAGE_H - 54.0;
const FOOTER_BASELINE: f32 = PAGE_H - 30.0;

const TITLE_SIZE: f32 = 16.0;
const SMALL_TITLE_SIZE: f32 = 9.0;
const TEXT_SIZE: f32 = 10.0;
const HEADING_SIZE: f32 = 12.0;
const CELL_SIZE: f32 = 9.0;
const FOOTER_SIZE: f32 = 8.0;
const LEADING: f32 = 1.3;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.5;
const BOX: f32 = 8.5;
const SECTION_GAP: f32 = 14.0;
/// Where content starts on pages after the first (below the small title and its rule).
const CONTINUATION_TOP: f32 = TOP + SMALL_TITLE_SIZE * LEADING + 10.0;
/// Room kept for a section heading above a table's first row.
const HEADING_ROOM: f32 = 60.0;

/// One drawing operation, placed by the layout.
enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: u8,
    },
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
    },
}

impl Op {
    fn draw(&self, surface: &mut krilla::surface::Surface<'_>, fonts: &Fonts) {
        match self {
            Op::Text {
                x,
                baseline,
                size,
                bold,
                text,
            } => fonts.face(*bold).draw(surface, *x, *baseline, *size, text),
            Op::Fill { x, y, w, h, grey } => draw::fill_rect(surface, *x, *y, *w, *h, *grey),
            Op::Frame { x, y, w, h, width } => {
                draw::stroke_rect(surface, *x, *y, *w, *h, 0, *width)
            }
        }
    }
}

fn draw_footer(
    surface: &mut krilla::surface::Surface<'_>,
    fonts: &Fonts,
    doc: &Document,
    page: usize,
    total: usize,
) {
    let label = clip(&doc.page_label)
        .replace("{n}", &page.to_string())
        .replace("{total}", &total.to_string());
    let face = &fonts.regular;
    let label_w = face.width(&label, FOOTER_SIZE);
    face.draw(
        surface,
        PAGE_W - MARGIN_X - label_w,
        FOOTER_BASELINE,
        FOOTER_SIZE,
        &label,
    );
    let footer = face.truncate(&clip(&doc.footer), FOOTER_SIZE, CONTENT_W - label_w - 16.0);
    face.draw(surface, MARGIN_X, FOOTER_BASELINE, FOOTER_SIZE, &footer);
}

/// A table row laid out: each cell's lines, and the row's height.
struct Row {
    cells: Vec<Vec<String>>,
    height: f32,
}

struct Layout<'a> {
    fonts: &'a Fonts,
    doc: &'a Document,
    /// The page being laid out.
    page: Vec<Op>,
    /// Pages started so far.
    pages: usize,
    /// Takes each page once it is complete.
    done: &'a mut dyn FnMut(Vec<Op>),
    y: f32,
    /// Where content starts on the current page (below the title).
    page_top: f32,
}

/// Every page of `doc`, kept (for tests).
#[cfg(test)]
fn layout(doc: &Document, fonts: &Fonts) -> Vec<Vec<Op>> {
    let mut pages = Vec::new();
    lay_out(doc, fonts, &mut |page| pages.push(page));
    pages
}

/// Lays `doc` out page by page, handing each complete page to `done`; answers the number of
/// pages. Nothing is kept, so a caller that runs it twice (once to count the pages for
/// "Page n de N", once to draw) holds one page at a time.
fn lay_out(doc: &Document, fonts: &Fonts, done: &mut dyn FnMut(Vec<Op>)) -> usize {
    let mut l = Layout {
        fonts,
        doc,
        page: Vec::new(),
        pages: 0,
        done,
        y: 0.0,
        page_top: 0.0,
    };
    l.new_page();
    let lines: Vec<String> = doc
        .lines
        .iter()
        .flat_map(|line| fonts.regular.wrap(&clip(line), TEXT_SIZE, CONTENT_W))
        .collect();
    l.lines(lines);
    l.y += 6.0;
    for section in &doc.sections {
        l.section(section);
    }
    let last = std::mem::take(&mut l.page);
    (l.done)(last);
    l.pages
}

impl Layout<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        &mut self.page
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, text: String) {
        if !text.is_empty() {
            self.ops().push(Op::Text {
                x,
                baseline,
                size,
                bold,
                text,
            });
        }
    }

    fn remaining(&self) -> f32 {
        CONTENT_BOTTOM - self.y
    }

    fn at_page_top(&self) -> bool {
        self.y <= self.page_top + 0.01
    }

    /// Starts a page with the title: large with the lines under it on the first page, a
    /// small reminder on the others.
    fn new_page(&mut self) {
        let first = self.pages == 0;
        if !first {
            let page = std::mem::take(&mut self.page);
            (self.done)(page);
        }
        self.pages += 1;
        self.y = TOP;
        let title = clip(&self.doc.title);
        if first {
            let lines = self.fonts.bold.wrap(&title, TITLE_SIZE, CONTENT_W);
            for line in lines.into_iter().take(3) {
                self.y += TITLE_SIZE * LEADING;
                self.text(MARGIN_X, self.y - 4.0, TITLE_SIZE, true, line);
            }
            self.y += 4.0;
        } else {
            let title = self
                .fonts
                .bold
                .truncate(&title, SMALL_TITLE_SIZE, CONTENT_W);
            self.y += SMALL_TITLE_SIZE * LEADING;
            self.text(MARGIN_X, self.y - 3.0, SMALL_TITLE_SIZE, true, title);
            self.y += 2.0;
            let y = self.y;
            self.ops().push(Op::Fill {
                x: MARGIN_X,
                y,
                w: CONTENT_W,
                h: 0.5,
                grey: 160,
            });
            self.y = CONTINUATION_TOP;
        }
        self.page_top = self.y;
    }

    /// Text lines, already wrapped, flowing onto new pages as needed.
    fn lines(&mut self, lines: Vec<String>) {
        let line_h = TEXT_SIZE * LEADING;
        for line in lines {
            if line_h > self.remaining() {
                self.new_page();
            }
            self.y += line_h;
            self.text(MARGIN_X, self.y - 3.0, TEXT_SIZE, false, line);
        }
    }

    fn section(&mut self, section: &Section) {
        let heading = self
            .fonts
            .bold
            .wrap(&clip(&section.heading), HEADING_SIZE, CONTENT_W);
        let heading_h = heading.len() as f32 * HEADING_SIZE * LEADING + 4.0;
        let lines: Vec<String> = section
            .lines
            .iter()
            .flat_map(|l| self.fonts.regular.wrap(&clip(l), TEXT_SIZE, CONTENT_W))
            .collect();
        let line_h = TEXT_SIZE * LEADING;
        let table = section
            .table
            .as_ref()
            .map(|t| TableLayout::new(t, self.fonts));
        // What must stay with the heading: its first line, or its table's header and first row.
        let first = if !lines.is_empty() {
            line_h
        } else if let Some(t) = &table {
            t.header.height + t.rows.first().map_or(0.0, |r| r.height)
        } else {
            0.0
        };
        let gap = if self.at_page_top() { 0.0 } else { SECTION_GAP };
        // A fresh page helps unless this one is already fresh and as roomy.
        let fresh_helps = !self.at_page_top() || self.page_top > CONTINUATION_TOP + 0.01;
        if gap + heading_h + first > self.remaining() && fresh_helps {
            self.new_page();
        } else {
            self.y += gap;
        }
        for line in heading {
            self.y += HEADING_SIZE * LEADING;
            self.text(MARGIN_X, self.y - 3.5, HEADING_SIZE, true, line);
        }
        self.y += 4.0;
        self.lines(lines);
        if let Some(table) = table {
            if !section.lines.is_empty() {
                self.y += 6.0;
            }
            self.table(table);
        }
    }

    fn table(&mut self, mut t: TableLayout<'_>) {
        let first_row = t.rows.first().map_or(0.0, |r| r.height);
        if t.header.height + first_row > self.remaining() && !self.at_page_top() {
            self.new_page();
        }
        self.header_row(&t);
        let rows = std::mem::take(&mut t.rows);
        let count = rows.len();
        for (i, row) in rows.into_iter().enumerate() {
            let is_totals = t.has_totals && i + 1 == count;
            if row.height > self.remaining() {
                self.new_page();
                self.header_row(&t);
            }
            self.row(&t, &row, is_totals);
        }
    }

    fn header_row(&mut self, t: &TableLayout<'_>) {
        let y = self.y;
        self.ops().push(Op::Fill {
            x: MARGIN_X,
            y,
            w: CONTENT_W,
            h: t.header.height,
            grey: 225,
        });
        self.cells(t, &t.header, true, false);
    }

    fn row(&mut self, t: &TableLayout<'_>, row: &Row, totals: bool) {
        let y = self.y;
        if totals {
            self.ops().push(Op::Fill {
                x: MARGIN_X,
                y,
                w: CONTENT_W,
                h: 0.9,
                grey: 0,
            });
        }
        self.cells(t, row, totals, !totals);
        if !totals {
            let y = self.y;
            self.ops().push(Op::Fill {
                x: MARGIN_X,
                y: y - 0.25,
                w: CONTENT_W,
                h: 0.5,
                grey: 190,
            });
        }
    }

    /// Draws a row's cells from the current position and moves below it.
    fn cells(&mut self, t: &TableLayout<'_>, row: &Row, bold: bool, boxes: bool) {
        let top = self.y;
        let size = CELL_SIZE;
        for (c, lines) in row.cells.iter().enumerate() {
            let column = &t.table.columns[c];
            let (x, w) = t.x_w[c];
            let mut text_x = x + CELL_PAD_X;
            let mut text_w = w - 2.0 * CELL_PAD_X;
            if column.checkbox && boxes {
                self.ops().push(Op::Frame {
                    x: text_x,
                    y: top + CELL_PAD_Y + 0.5,
                    w: BOX,
                    h: BOX,
                    width: 0.8,
                });
            }
            if column.checkbox {
                text_x += BOX + 4.0;
                text_w -= BOX + 4.0;
            }
            for (i, line) in lines.iter().enumerate() {
                let baseline = top + CELL_PAD_Y + (i as f32 + 1.0) * size * LEADING - 3.0;
                let line_x = match column.align {
                    Align::Left => text_x,
                    Align::Right => text_x + text_w - self.fonts.face(bold).width(line, size),
                };
                self.text(line_x, baseline, size, bold, line.clone());
            }
        }
        self.y = top + row.height;
    }
}

/// A table with its columns placed and every row wrapped.
struct TableLayout<'a> {
    table: &'a DocTable,
    fonts: &'a Fonts,
    /// Each column's left edge and width.
    x_w: Vec<(f32, f32)>,
    header: Row,
    /// The rows, then the totals row when there is one.
    rows: Vec<Row>,
    has_totals: bool,
}

impl<'a> TableLayout<'a> {
    fn new(table: &'a DocTable, fonts: &'a Fonts) -> Self {
        let total: f32 = table.columns.iter().map(|c| c.width).sum();
        let mut x = MARGIN_X;
        let x_w: Vec<(f32, f32)> = table
            .columns
            .iter()
            .map(|c| {
                let w = CONTENT_W * c.width / total;
                let placed = (x, w);
                x += w;
                placed
            })
            .collect();
        let mut t = TableLayout {
            table,
            fonts,
            x_w,
            header: Row {
                cells: Vec::new(),
                height: 0.0,
            },
            rows: Vec::with_capacity(table.rows.len() + 1),
            has_totals: table.totals.is_some(),
        };
        let titles: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
        t.header = t.wrap_row(&titles, true);
        // A row taller than a continuation page (below its header, with room for a section
        // heading) is cut, so every row fits on one page.
        let room = CONTENT_BOTTOM - CONTINUATION_TOP - t.header.height - HEADING_ROOM;
        for cells in &table.rows {
            let mut row = t.wrap_row(cells, false);
            t.cut(&mut row, room);
            t.rows.push(row);
        }
        if let Some(totals) = &table.totals {
            let mut row = t.wrap_row(totals, true);
            t.cut(&mut row, room);
            t.rows.push(row);
        }
        t
    }

    fn text_width(&self, column: usize) -> f32 {
        let mut w = self.x_w[column].1 - 2.0 * CELL_PAD_X;
        if self.table.columns[column].checkbox {
            w -= BOX + 4.0;
        }
        w.max(1.0)
    }

    fn wrap_row(&self, cells: &[String], bold: bool) -> Row {
        let face = self.fonts.face(bold);
        let cells: Vec<Vec<String>> = cells
            .iter()
            .enumerate()
            .map(|(c, text)| {
                let mut lines = face.wrap(&clip(text), CELL_SIZE, self.text_width(c));
                if lines.len() == 1 && lines[0].is_empty() {
                    lines.clear();
                }
                lines
            })
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let box_h = if self.table.columns.iter().any(|c| c.checkbox) {
            BOX + 1.0
        } else {
            0.0
        };
        let height = (lines as f32 * CELL_SIZE * LEADING).max(box_h) + 2.0 * CELL_PAD_Y;
        Row { cells, height }
    }

    /// Cuts `row` to `room` points if taller, the last kept line of each cut cell ending
    /// with "…".
    fn cut(&self, row: &mut Row, room: f32) {
        if row.height <= room {
            return;
        }
        let keep = (((room - 2.0 * CELL_PAD_Y) / (CELL_SIZE * LEADING)).floor() as usize).max(1);
        for cell in &mut row.cells {
            if cell.len() > keep {
                cell.truncate(keep);
                if let Some(last) = cell.last_mut() {
                    last.push(draw::ELLIPSIS);
                }
            }
        }
        row.height = keep as f32 * CELL_SIZE * LEADING + 2.0 * CELL_PAD_Y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(title: &str, width: f32, align: Align) -> Column {
        Column {
            title: title.into(),
            width,
            align,
            checkbox: false,
        }
    }

    fn doc(rows: usize) -> Document {
        Document {
            title: "Liste de cueillette".into(),
            lines: vec!["Halles de Québec".into()],
            sections: vec![Section {
                heading: "Ferme du Ruisseau".into(),
                lines: vec![],
                table: Some(DocTable {
                    columns: vec![
                        column("Produit", 3.0, Align::Left),
                        column("Qté", 1.0, Align::Right),
                    ],
                    rows: (0..rows)
                        .map(|i| vec![format!("Produit {i}"), i.to_string()])
                        .collect(),
                    totals: None,
                }),
            }],
            footer: "Halles".into(),
            page_label: "Page {n} de {total}".into(),
        }
    }

    #[test]
    fn rows_flow_onto_new_pages_with_the_header_repeated() {
        let fonts = Fonts::load().expect("fonts");
        let pages = layout(&doc(120), &fonts);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for page in &pages {
            let headers = page
                .iter()
                .filter(|op| matches!(op, Op::Text { text, .. } if text == "Produit"))
                .count();
            assert_eq!(headers, 1);
            for op in page {
                if let Op::Text { baseline, .. } = op {
                    assert!(*baseline <= CONTENT_BOTTOM, "{baseline}");
                }
            }
        }
    }

    #[test]
    fn bad_tables_are_refused() {
        let mut d = doc(2);
        if let Some(t) = d.sections[0].table.as_mut() {
            t.rows[1].push("x".into());
        }
        assert!(matches!(
            document_pdf(&d),
            Err(DocumentError::RowWidth {
                row: 1,
                cells: 3,
                ..
            })
        ));
        let mut d = doc(2);
        if let Some(t) = d.sections[0].table.as_mut() {
            t.columns[0].width = 0.0;
        }
        assert!(matches!(
            document_pdf(&d),
            Err(DocumentError::ColumnWidth { column: 0, .. })
        ));
        assert!(matches!(
            documents_pdf(&[doc(50_000), doc(50_001)]),
            Err(DocumentError::TooLarge {
                what: "rows",
                count: 100_001,
                ..
            })
        ));
        assert!(matches!(documents_pdf(&[]), Err(DocumentError::Empty)));
    }

    #[test]
    fn long_texts_are_clipped() {
        let long = "é".repeat(MAX_TEXT_CHARS + 10);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("court"), "court");
    }

    #[test]
    fn a_huge_row_is_cut_to_fit_one_page() {
        let fonts = Fonts::load().expect("fonts");
        let mut d = doc(1);
        if let Some(t) = d.sections[0].table.as_mut() {
            t.columns[0].width = 0.1;
            t.rows[0][0] = "mot ".repeat(200);
        }
        let pages = layout(&d, &fonts);
        assert_eq!(pages.len(), 1);
    }
}
