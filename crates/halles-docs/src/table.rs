//! A table of text cells, written as CSV (UTF-8 with a byte-order mark, so spreadsheet software
//! opens accents correctly) or as an XLSX workbook.
//!
//! Formula injection: a spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or
//! `@` (or a tab or carriage return before one) as a formula, so a participant named
//! `=cmd|' /C calc'!A0` could run a command on the computer of whoever opens the export. Every
//! CSV download goes through [`Table::to_csv`], which writes such a text cell with a leading `'`
//! (shown as text, the OWASP advice). A cell that is a plain number (`-12.50`, `+3`, `-1 234,56 $`)
//! is left as it is, so amounts stay numbers a spreadsheet can add; a number cannot hold a
//! formula. XLSX cells are written as strings, never as formulas, so they need nothing.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use thiserror::Error;

/// A failure while writing an export.
#[derive(Debug, Error)]
pub enum TableError {
    /// CSV writing failed.
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    /// XLSX writing failed.
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    /// A row does not have as many cells as the header.
    #[error("row {0} has {1} cells, the header has {2}")]
    Ragged(usize, usize, usize),
}

/// A header and rows of text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column titles.
    pub header: Vec<String>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new(header: Vec<String>) -> Self {
        Self {
            header,
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    fn check(&self) -> Result<(), TableError> {
        for (i, r) in self.rows.iter().enumerate() {
            if r.len() != self.header.len() {
                return Err(TableError::Ragged(i + 1, r.len(), self.header.len()));
            }
        }
        Ok(())
    }

    /// CSV bytes for a download, UTF-8 with BOM; text cells that a spreadsheet would run as a
    /// formula are neutralized (see the module's documentation).
    pub fn to_csv(&self) -> Result<Vec<u8>, TableError> {
        self.write_csv(neutralize)
    }

    /// CSV bytes exactly as the cells are, for text Halles reads back itself (an import's
    /// preview carries its rows to the import this way); never for a download.
    pub fn to_raw_csv(&self) -> Result<Vec<u8>, TableError> {
        self.write_csv(std::borrow::Cow::Borrowed)
    }

    fn write_csv<'a>(
        &'a self,
        cell: impl Fn(&'a str) -> std::borrow::Cow<'a, str>,
    ) -> Result<Vec<u8>, TableError> {
        self.check()?;
        let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
        w.write_record(self.header.iter().map(|c| cell(c).into_owned()))?;
        for r in &self.rows {
            w.write_record(r.iter().map(|c| cell(c).into_owned()))?;
        }
        w.into_inner()
            .map_err(|e| TableError::Csv(csv::Error::from(e.into_error())))
    }

    /// XLSX bytes, one sheet, bold header, frozen first row.
    pub fn to_xlsx(&self, sheet: &str) -> Result<Vec<u8>, TableError> {
        self.check()?;
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(sheet)?;
        let bold = Format::new().set_bold();
        for (c, h) in self.header.iter().enumerate() {
            ws.write_string_with_format(0, col(c), h, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(u32::try_from(r + 1).unwrap_or(u32::MAX), col(c), v)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
        Ok(book.save_to_buffer()?)
    }
}

/// A cell as written in a CSV download: a text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, unless it is a plain number.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A signed number with digits, optional group spaces (plain, no-break or narrow no-break), one
/// decimal point or comma, and an optional trailing ` $`: what Halles writes for amounts.
fn is_plain_number(cell: &str) -> bool {
    let body = cell
        .strip_prefix(['-', '+'])
        .unwrap_or(cell)
        .trim_end_matches('$')
        .trim_end_matches([' ', '\u{a0}', '\u{202f}']);
    let mut digits = 0;
    let mut separators = 0;
    for (i, ch) in body.char_indices() {
        match ch {
            '0'..='9' => digits += 1,
            '.' | ',' => separators += 1,
            ' ' | '\u{a0}' | '\u{202f}' if i > 0 => {}
            _ => return false,
        }
    }
    digits > 0 && separators <= 1 && body.starts_with(|c: char| c.is_ascii_digit())
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};
    use std::io::Cursor;

    fn sample() -> Table {
        let mut t = Table::new(vec!["Quand".into(), "Entité".into()]);
        t.push(vec!["28 novembre 2026".into(), "membre, « admin »".into()]);
        t
    }

    #[test]
    fn csv_keeps_accents_and_quotes_commas() {
        let bytes = sample().to_csv().unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "Quand,Entité\n28 novembre 2026,\"membre, « admin »\"\n"
        );
    }

    #[test]
    fn xlsx_reads_back_with_an_independent_reader() {
        let bytes = sample().to_xlsx("Journal").unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Journal").unwrap();
        assert_eq!(range.get_value((0, 1)).unwrap().to_string(), "Entité");
        assert_eq!(
            range.get_value((1, 1)).unwrap().to_string(),
            "membre, « admin »"
        );
    }

    #[test]
    fn csv_cells_that_would_run_as_formulas_are_neutralized() {
        let mut t = Table::new(vec!["Nom".into(), "Montant".into()]);
        for (name, amount) in [
            ("=cmd|' /C calc'!A0", "-12.50"),
            ("+1+1", "+3"),
            ("@SUM(A1)", "-1\u{202f}234,56 $"),
            ("-2+3+cmd|' /C calc'!A0", "12.50"),
            ("\t=1+1", "-"),
            ("\r=1+1", "-12.50.1"),
            ("Élise = 1", "- 12"),
        ] {
            t.push(vec![name.into(), amount.into()]);
        }
        let text = String::from_utf8(t.to_csv().unwrap()[3..].to_vec()).unwrap();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let got: Vec<Vec<String>> = rows
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let want = [
            ["'=cmd|' /C calc'!A0", "-12.50"],
            ["'+1+1", "+3"],
            ["'@SUM(A1)", "-1\u{202f}234,56 $"],
            ["'-2+3+cmd|' /C calc'!A0", "12.50"],
            ["'\t=1+1", "'-"],
            ["'\r=1+1", "'-12.50.1"],
            ["Élise = 1", "'- 12"],
        ];
        assert_eq!(got, want.map(|r| r.map(str::to_owned).to_vec()).to_vec());
        // What Halles reads back itself keeps every cell as it is.
        let raw = String::from_utf8(t.to_raw_csv().unwrap()[3..].to_vec()).unwrap();
        assert!(raw.contains("\n=cmd|' /C calc'!A0,"));
    }

    #[test]
    fn a_ragged_row_is_refused() {
        let mut t = sample();
        t.push(vec!["seul".into()]);
        assert!(matches!(t.to_csv(), Err(TableError::Ragged(2, 1, 2))));
    }
}
