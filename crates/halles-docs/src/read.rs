//! Reading an uploaded spreadsheet: CSV (comma or semicolon, with or without a byte-order mark)
//! or the first sheet of an XLSX workbook, as a header and rows of text.

use crate::Table;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;
use thiserror::Error;

/// Why an uploaded file cannot be read.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The file is empty or has no header row.
    #[error("the file is empty")]
    Empty,
    /// Not valid CSV.
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    /// Not a readable XLSX workbook.
    #[error("xlsx: {0}")]
    Xlsx(String),
    /// Not UTF-8 text.
    #[error("the file is not UTF-8 text")]
    Encoding,
}

/// Reads CSV or XLSX bytes (XLSX is recognized by its ZIP signature). Blank rows are dropped;
/// short rows are padded to the header's width.
pub fn read_table(bytes: &[u8]) -> Result<Table, ReadError> {
    let mut rows = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    rows.retain(|r| r.iter().any(|c| !c.trim().is_empty()));
    if rows.is_empty() {
        return Err(ReadError::Empty);
    }
    let header: Vec<String> = rows
        .remove(0)
        .into_iter()
        .map(|c| c.trim().to_owned())
        .collect();
    let width = header.len();
    let rows = rows
        .into_iter()
        .map(|mut r| {
            r.resize(width, String::new());
            r.truncate(width);
            r
        })
        .collect();
    Ok(Table { header, rows })
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ReadError::Encoding)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // French spreadsheet software writes semicolons: use them when the header has more.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        out.push(record?.iter().map(str::to_owned).collect());
    }
    Ok(out)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| ReadError::Xlsx(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(ReadError::Empty)?
        .map_err(|e| ReadError::Xlsx(e.to_string()))?;
    Ok(range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    // Dates are day counts from 1899-12-30 in spreadsheets.
                    Data::DateTime(d) => jiff::civil::date(1899, 12, 30)
                        .checked_add(jiff::Span::new().days(d.as_f64().floor() as i64))
                        .map(|x| x.to_string())
                        .unwrap_or_else(|_| c.to_string()),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_and_a_bom_reads_like_xlsx() {
        let csv = "\u{feff}type;identifiant 1;nom\n1;PV-1;Élise\n\n2;PV-2\n".as_bytes();
        let t = read_table(csv).unwrap();
        assert_eq!(t.header, vec!["type", "identifiant 1", "nom"]);
        assert_eq!(
            t.rows,
            vec![vec!["1", "PV-1", "Élise"], vec!["2", "PV-2", ""]]
        );
        let mut out = Table::new(t.header.clone());
        for r in &t.rows {
            out.push(r.clone());
        }
        let xlsx = out.to_xlsx("Participants").unwrap();
        let back = read_table(&xlsx).unwrap();
        assert_eq!(back.header, t.header);
        assert_eq!(back.rows, t.rows);
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert!(matches!(read_table(b""), Err(ReadError::Empty)));
        assert!(matches!(read_table(b"\n\n"), Err(ReadError::Empty)));
    }
}
