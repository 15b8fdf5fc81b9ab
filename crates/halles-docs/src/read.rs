//! Reading an uploaded spreadsheet: CSV (comma or semicolon, with or without a byte-order mark)
//! or the first sheet of an XLSX workbook, as a header and rows of text.

use crate::Table;
use calamine::{Data, Reader, Xlsx};
use std::io::{Cursor, Read};
use thiserror::Error;

/// Most rows an uploaded list may have below its header, checked while the file is read,
/// before any row is kept: a far-away cell in a small XLSX file would otherwise make the reader
/// allocate every cell up to it.
pub const MAX_ROWS: usize = 20_000;
/// Most columns an uploaded list may have.
pub const MAX_COLUMNS: usize = 200;
/// Most bytes an XLSX workbook may hold once uncompressed (every entry of the archive), checked
/// from the archive's directory and again while inflating, before the workbook is parsed.
pub const MAX_UNCOMPRESSED: u64 = 32 * 1024 * 1024;

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
    /// The workbook would take more than [`MAX_UNCOMPRESSED`] bytes once uncompressed.
    #[error("the workbook holds more than {MAX_UNCOMPRESSED} bytes uncompressed")]
    TooLarge,
    /// More than [`MAX_ROWS`] rows or [`MAX_COLUMNS`] columns.
    #[error("more than {MAX_ROWS} rows or {MAX_COLUMNS} columns")]
    TooManyRows,
}

/// Reads CSV or XLSX bytes (XLSX is recognized by its ZIP signature). Blank rows are dropped;
/// short rows are padded to the header's width. A workbook larger than [`MAX_UNCOMPRESSED`]
/// once uncompressed, or a list beyond [`MAX_ROWS`] rows or [`MAX_COLUMNS`] columns, is refused
/// before it is held in memory.
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
    Ok(Table {
        header,
        rows,
        ..Table::default()
    })
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
        let record = record?;
        if out.len() > MAX_ROWS || record.len() > MAX_COLUMNS {
            return Err(ReadError::TooManyRows);
        }
        out.push(record.iter().map(str::to_owned).collect());
    }
    Ok(out)
}

/// Refuses a ZIP archive that would inflate beyond [`MAX_UNCOMPRESSED`]: first by the sizes its
/// directory declares, then by inflating every entry into nothing (constant memory), since a
/// forged directory can understate them.
fn check_uncompressed_size(bytes: &[u8]) -> Result<(), ReadError> {
    let bad = |e: zip::result::ZipError| ReadError::Xlsx(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        declared = declared.saturating_add(zip.by_index_raw(i).map_err(bad)?.size());
    }
    if declared > MAX_UNCOMPRESSED {
        return Err(ReadError::TooLarge);
    }
    let mut left = MAX_UNCOMPRESSED;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(bad)?;
        let n = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| ReadError::Xlsx(e.to_string()))?;
        if n > left {
            return Err(ReadError::TooLarge);
        }
        left -= n;
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    check_uncompressed_size(bytes)?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| ReadError::Xlsx(e.to_string()))?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(ReadError::Empty)?;
    // Cells one by one (not `worksheet_range`, which allocates every cell of the sheet's
    // rectangle first): a cell beyond the limits is refused before anything is kept.
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| ReadError::Xlsx(e.to_string()))?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| ReadError::Xlsx(e.to_string()))?
    {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        if r > MAX_ROWS || c >= MAX_COLUMNS {
            return Err(ReadError::TooManyRows);
        }
        let text = text_of(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        if rows.len() <= r {
            rows.resize(r + 1, Vec::new());
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    // Like a spreadsheet's used range, the table starts at its first column holding something.
    let skip = rows
        .iter()
        .filter_map(|r| r.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    for r in &mut rows {
        r.drain(..skip.min(r.len()));
    }
    Ok(rows)
}

/// A cell as the text a person typed.
fn text_of(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        // Dates are day counts from 1899-12-30 in spreadsheets.
        Data::DateTime(d) => jiff::civil::date(1899, 12, 30)
            .checked_add(jiff::Span::new().days(d.as_f64().floor() as i64))
            .map(|x| x.to_string())
            .unwrap_or_else(|_| c.to_string()),
        other => other.to_string(),
    }
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

    /// A small workbook with a header, one row and a cell far below: a few kilobytes, but the
    /// reader used to allocate every cell of the rectangle up to it (hundreds of megabytes).
    fn far_cell_workbook(row: u32, col: u16) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "type").unwrap();
        ws.write_string(1, 0, "1").unwrap();
        ws.write_string(row, col, "x").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_far_away_cell_is_refused_before_the_sheet_is_allocated() {
        let bomb = far_cell_workbook(150_000, 40);
        assert!(bomb.len() < 10_000, "the file is small: {}", bomb.len());
        assert!(matches!(read_table(&bomb), Err(ReadError::TooManyRows)));
        // Just within the limits, the same shape still reads.
        let ok = far_cell_workbook(MAX_ROWS as u32, 3);
        let t = read_table(&ok).unwrap();
        assert_eq!(t.rows.len(), 2, "blank rows are dropped");
    }

    #[test]
    fn a_compression_bomb_is_refused_before_the_workbook_is_parsed() {
        use std::io::Write;
        // A real workbook, plus an entry of 40 MB of spaces that deflates to a few kilobytes.
        let mut src = zip::ZipArchive::new(Cursor::new(far_cell_workbook(2, 2))).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..src.len() {
            let mut entry = src.by_index(i).unwrap();
            let mut content = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
            out.start_file(entry.name(), deflated).unwrap();
            out.write_all(&content).unwrap();
        }
        out.start_file("xl/padding.xml", deflated).unwrap();
        let spaces = vec![b' '; 1024 * 1024];
        for _ in 0..40 {
            out.write_all(&spaces).unwrap();
        }
        let bomb = out.finish().unwrap().into_inner();
        assert!(bomb.len() < 200_000, "the file is small: {}", bomb.len());
        assert!(matches!(read_table(&bomb), Err(ReadError::TooLarge)));
    }

    #[test]
    fn a_csv_with_too_many_rows_is_refused() {
        let mut csv = String::from("type\n");
        for _ in 0..=MAX_ROWS {
            csv.push_str("1\n");
        }
        assert!(matches!(
            read_table(csv.as_bytes()),
            Err(ReadError::TooManyRows)
        ));
        let wide = format!("{}\n", vec!["a"; MAX_COLUMNS + 1].join(","));
        assert!(matches!(
            read_table(wide.as_bytes()),
            Err(ReadError::TooManyRows)
        ));
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert!(matches!(read_table(b""), Err(ReadError::Empty)));
        assert!(matches!(read_table(b"\n\n"), Err(ReadError::Empty)));
    }
}
