//! A table of text cells, written as CSV (UTF-8 with a byte-order mark, so spreadsheet software
//! opens accents correctly) or as an XLSX workbook.
//!
//! Formula injection: a spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or
//! `@` (or a tab or carriage return before one) as a formula, so a participant named
//! `=cmd|' /C calc'!A0` could run a command on the computer of whoever opens the export. Every
//! CSV download goes through [`Table::to_csv`], which writes such a text cell with a leading `'`
//! (shown as text, the OWASP advice). A cell that is a plain number (`-12.50`, `+3`, `-1 234,56 $`)
//! is left as it is, so amounts stay numbers a spreadsheet can add; a number cannot hold a
//! formula. XLSX cells are written as strings or typed values, never as formulas read from
//! data, so they need nothing.
//!
//! Typed cells ([`Cell`]): a row pushed with [`Table::push_cells`] keeps, beside each cell's
//! text (what CSV writes), its value for a workbook: amounts are numbers formatted as money,
//! counts integers, dates and instants Excel dates, so a spreadsheet can add and sort them.
//! [`Table::with_total`] adds a total row: in XLSX a `SUM` formula over each money or count
//! column (with its computed result cached, so readers that do not calculate see it), in CSV
//! the same sums as text.

use halles_core::money::Cents;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, XlsxError};
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

/// What a cell holds in a workbook (CSV writes the cell's text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Text, written as a string.
    Text,
    /// An amount, written as a number formatted as money.
    Money(Cents),
    /// A count, written as an integer.
    Count(i64),
    /// A day, written as an Excel date.
    Date(jiff::civil::Date),
    /// A local date and time, written as an Excel date and time.
    DateTime(jiff::civil::DateTime),
}

/// A cell: the text CSV writes and the value a workbook gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// As written in CSV.
    pub text: String,
    /// As written in XLSX.
    pub value: Value,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            value: Value::Text,
        }
    }

    /// An amount: `-12.50` in CSV, a money number in XLSX.
    pub fn money(c: Cents) -> Cell {
        Cell {
            text: c.plain(),
            value: Value::Money(c),
        }
    }

    /// A count.
    pub fn count(n: i64) -> Cell {
        Cell {
            text: n.to_string(),
            value: Value::Count(n),
        }
    }

    /// A day: ISO `YYYY-MM-DD` in CSV.
    pub fn date(d: jiff::civil::Date) -> Cell {
        Cell {
            text: d.to_string(),
            value: Value::Date(d),
        }
    }

    /// A local date and time, shown in CSV as `text` (the reader's wording).
    pub fn datetime(dt: jiff::civil::DateTime, text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            value: Value::DateTime(dt),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::text(text)
    }
}

/// Where the dollar sign goes in a workbook's money format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Currency {
    /// `1 234,56 $` (French).
    #[default]
    After,
    /// `$1,234.56` (English).
    Before,
}

/// A header and rows of text, with each cell's typed value for workbooks.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column titles.
    pub header: Vec<String>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
    /// The values of the rows' cells for XLSX, row by row (a row without them is text).
    pub values: Vec<Vec<Value>>,
    /// The label of the total row, when the table ends with one summed column by column.
    pub total: Option<String>,
    /// A total row given whole (for figures that do not add up, such as distinct counts).
    pub total_cells: Option<Vec<Cell>>,
    /// The money format of workbooks.
    pub currency: Currency,
}

impl Table {
    /// A table with these column titles.
    pub fn new(header: Vec<String>) -> Self {
        Self {
            header,
            ..Self::default()
        }
    }

    /// Adds a row of text.
    pub fn push(&mut self, row: Vec<String>) {
        self.values.push(vec![Value::Text; row.len()]);
        self.rows.push(row);
    }

    /// Adds a row of typed cells.
    pub fn push_cells(&mut self, row: Vec<Cell>) {
        let (text, values) = row.into_iter().map(|c| (c.text, c.value)).unzip();
        self.rows.push(text);
        self.values.push(values);
    }

    /// Ends the table with a total row labelled `label`: the sum of every money and count
    /// column (see the module's documentation).
    pub fn with_total(mut self, label: impl Into<String>) -> Self {
        self.total = Some(label.into());
        self
    }

    /// Ends the table with this total row, written in bold, its values as given.
    pub fn push_total(&mut self, row: Vec<Cell>) {
        self.total_cells = Some(row);
    }

    /// The value of a cell (text when none was given).
    fn value(&self, row: usize, col: usize) -> Value {
        self.values
            .get(row)
            .and_then(|r| r.get(col))
            .copied()
            .unwrap_or(Value::Text)
    }

    /// The sums of the total row, per column: money, counts, or none (a text column). The first
    /// column carries the label.
    pub fn totals(&self) -> Vec<Option<Value>> {
        (0..self.header.len())
            .map(|c| {
                let mut sum: Option<Value> = None;
                for r in 0..self.rows.len() {
                    sum = match (sum, self.value(r, c)) {
                        (None, Value::Money(m)) => Some(Value::Money(m)),
                        (Some(Value::Money(a)), Value::Money(m)) => {
                            Some(Value::Money(Cents(a.0.saturating_add(m.0))))
                        }
                        (None, Value::Count(n)) => Some(Value::Count(n)),
                        (Some(Value::Count(a)), Value::Count(n)) => {
                            Some(Value::Count(a.saturating_add(n)))
                        }
                        (s, _) => s,
                    };
                }
                sum.filter(|_| c > 0)
            })
            .collect()
    }

    /// The total row as text (CSV), when the table has one.
    fn total_text(&self) -> Option<Vec<String>> {
        if let Some(cells) = &self.total_cells {
            return Some(cells.iter().map(|c| c.text.clone()).collect());
        }
        let label = self.total.as_ref()?;
        let mut row: Vec<String> = self
            .totals()
            .into_iter()
            .map(|s| match s {
                Some(Value::Money(m)) => m.plain(),
                Some(Value::Count(n)) => n.to_string(),
                _ => String::new(),
            })
            .collect();
        if let Some(first) = row.first_mut() {
            first.clone_from(label);
        }
        Some(row)
    }

    fn check(&self) -> Result<(), TableError> {
        for (i, r) in self.rows.iter().enumerate() {
            if r.len() != self.header.len() {
                return Err(TableError::Ragged(i + 1, r.len(), self.header.len()));
            }
        }
        if let Some(t) = &self.total_cells
            && t.len() != self.header.len()
        {
            return Err(TableError::Ragged(
                self.rows.len() + 1,
                t.len(),
                self.header.len(),
            ));
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
        self.write_csv(|c| std::borrow::Cow::Borrowed(c))
    }

    fn write_csv(
        &self,
        cell: impl for<'c> Fn(&'c str) -> std::borrow::Cow<'c, str>,
    ) -> Result<Vec<u8>, TableError> {
        self.check()?;
        let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
        w.write_record(self.header.iter().map(|c| cell(c).into_owned()))?;
        for r in &self.rows {
            w.write_record(r.iter().map(|c| cell(c).into_owned()))?;
        }
        if let Some(total) = self.total_text() {
            w.write_record(total.iter().map(|c| cell(c).into_owned()))?;
        }
        w.into_inner()
            .map_err(|e| TableError::Csv(csv::Error::from(e.into_error())))
    }

    /// XLSX bytes, one sheet, bold header, frozen first row; typed cells as numbers and dates,
    /// and the total row, if any, as `SUM` formulas in bold.
    pub fn to_xlsx(&self, sheet: &str) -> Result<Vec<u8>, TableError> {
        self.check()?;
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(sheet)?;
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format(match self.currency {
            Currency::After => "#,##0.00 \"$\";-#,##0.00 \"$\"",
            Currency::Before => "\"$\"#,##0.00;-\"$\"#,##0.00",
        });
        let count = Format::new().set_num_format("#,##0");
        let day = Format::new().set_num_format("yyyy-mm-dd");
        let instant = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        for (c, h) in self.header.iter().enumerate() {
            ws.write_string_with_format(0, col(c), h, &bold)?;
        }
        let formats = Formats {
            money: money.clone(),
            count: count.clone(),
            day,
            instant,
            text: Format::new(),
        };
        for (r, row) in self.rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                write_cell(
                    ws,
                    (row_num(r + 1), col(c)),
                    text,
                    self.value(r, c),
                    &formats,
                )?;
            }
        }
        if let Some(cells) = &self.total_cells {
            let at = row_num(self.rows.len() + 1);
            let bold_formats = formats.bold();
            for (c, cell) in cells.iter().enumerate() {
                write_cell(ws, (at, col(c)), &cell.text, cell.value, &bold_formats)?;
            }
        } else if let Some(label) = &self.total {
            let at = row_num(self.rows.len() + 1);
            let last = self.rows.len() + 1;
            ws.write_string_with_format(at, 0, label, &bold)?;
            for (c, sum) in self.totals().into_iter().enumerate() {
                let letter = rust_xlsxwriter::utility::column_number_to_name(col(c));
                let (result, format) = match sum {
                    Some(Value::Money(m)) => (dollars(m).to_string(), money.clone().set_bold()),
                    Some(Value::Count(n)) => (n.to_string(), count.clone().set_bold()),
                    _ => continue,
                };
                let f = Formula::new(format!("=SUM({letter}2:{letter}{last})")).set_result(result);
                ws.write_formula_with_format(at, col(c), f, &format)?;
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

/// The number formats of a workbook's typed cells.
struct Formats {
    money: Format,
    count: Format,
    day: Format,
    instant: Format,
    text: Format,
}

impl Formats {
    fn bold(&self) -> Formats {
        Formats {
            money: self.money.clone().set_bold(),
            count: self.count.clone().set_bold(),
            day: self.day.clone().set_bold(),
            instant: self.instant.clone().set_bold(),
            text: self.text.clone().set_bold(),
        }
    }
}

/// Writes a cell as its value says.
fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    (row, c): (u32, u16),
    text: &str,
    value: Value,
    f: &Formats,
) -> Result<(), XlsxError> {
    match value {
        Value::Text => ws.write_string_with_format(row, c, text, &f.text)?,
        Value::Money(m) => ws.write_number_with_format(row, c, dollars(m), &f.money)?,
        Value::Count(n) => ws.write_number_with_format(row, c, n as f64, &f.count)?,
        Value::Date(d) => ws.write_datetime_with_format(row, c, excel_date(d)?, &f.day)?,
        Value::DateTime(dt) => {
            let t = excel_date(dt.date())?.and_hms(
                u16::try_from(dt.hour()).unwrap_or(0),
                u8::try_from(dt.minute()).unwrap_or(0),
                f64::from(dt.second()),
            )?;
            ws.write_datetime_with_format(row, c, t, &f.instant)?
        }
    };
    Ok(())
}

fn row_num(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// Cents as a workbook number of dollars (exact to the cent for any amount Halles bounds).
fn dollars(c: Cents) -> f64 {
    c.0 as f64 / 100.0
}

fn excel_date(d: jiff::civil::Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )
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
    fn typed_cells_are_numbers_and_dates_with_a_summed_total_row() {
        use calamine::Data;
        let serial = |v: Option<&Data>| match v {
            Some(Data::DateTime(d)) => d.as_f64(),
            other => panic!("not a date: {other:?}"),
        };
        let mut t = Table::new(vec!["Jour".into(), "Montant".into(), "Achats".into()]);
        t.push_cells(vec![
            Cell::date(jiff::civil::date(2026, 7, 1)),
            Cell::money(Cents(1250)),
            Cell::count(3),
        ]);
        t.push_cells(vec![
            Cell::datetime(jiff::civil::date(2026, 7, 2).at(14, 5, 0, 0), "2 juillet"),
            Cell::money(Cents(-250)),
            Cell::count(2),
        ]);
        let t = t.with_total("Total");
        let csv = String::from_utf8(t.to_csv().unwrap()[3..].to_vec()).unwrap();
        assert_eq!(
            csv,
            "Jour,Montant,Achats\n2026-07-01,12.50,3\n2 juillet,-2.50,2\nTotal,10.00,5\n"
        );
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(t.to_xlsx("Rapport").unwrap())).unwrap();
        let range = book.worksheet_range("Rapport").unwrap();
        assert_eq!(range.get_value((1, 1)), Some(&Data::Float(12.5)));
        assert_eq!(range.get_value((1, 2)), Some(&Data::Float(3.0)));
        // Excel's serial dates: days since 1899-12-30, the time of day as a fraction.
        assert_eq!(serial(range.get_value((1, 0))), 46204.0);
        let when = serial(range.get_value((2, 0)));
        assert!((when - (46205.0 + (14.0 * 60.0 + 5.0) / 1440.0)).abs() < 1e-9);
        assert_eq!(range.get_value((3, 0)).unwrap().to_string(), "Total");
        assert_eq!(range.get_value((3, 1)), Some(&Data::Float(10.0)));
        assert_eq!(range.get_value((3, 2)), Some(&Data::Float(5.0)));
        let formulas = book.worksheet_formula("Rapport").unwrap();
        assert_eq!(formulas.get_value((3, 1)).unwrap(), "SUM(B2:B3)");
    }

    #[test]
    fn a_ragged_row_is_refused() {
        let mut t = sample();
        t.push(vec!["seul".into()]);
        assert!(matches!(t.to_csv(), Err(TableError::Ragged(2, 1, 2))));
    }
}
