//! A table of text cells, written as CSV (UTF-8 with a byte-order mark, so spreadsheet software
//! opens accents correctly) or as an XLSX workbook.

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

    /// CSV bytes, UTF-8 with BOM.
    pub fn to_csv(&self) -> Result<Vec<u8>, TableError> {
        self.check()?;
        let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
        w.write_record(&self.header)?;
        for r in &self.rows {
            w.write_record(r)?;
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
    fn a_ragged_row_is_refused() {
        let mut t = sample();
        t.push(vec!["seul".into()]);
        assert!(matches!(t.to_csv(), Err(TableError::Ragged(2, 1, 2))));
    }
}
