//! GS1 identifiers and element strings for case and product labels: check digits, SSCC,
//! GTIN-14, the element strings `(00)`, `(01)`, `(10)` and `(13)` as GS1-128 data and as
//! human-readable text, and the Produce Traceability Initiative's voice pick code.

use std::fmt;

use crc::{CRC_16_ARC, Crc};
use jiff::civil::Date;
use thiserror::Error;

use crate::barcode::{BarcodeError, Code128, Code128Char};

/// The group separator (ASCII 29) that barcode readers return for an FNC1 separator.
pub const GS: char = '\u{1d}';

/// Longest batch or lot number, AI (10).
pub const MAX_LOT: usize = 20;

/// Why a GS1 identifier or element string is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Gs1Error {
    /// Something that must be digits is not.
    #[error("{0:?} is not all digits")]
    NotDigits(String),
    /// A number of the wrong length.
    #[error("{what} must have {expected} digits, got {got}")]
    Length {
        /// What was checked ("GTIN", "SSCC", ...).
        what: &'static str,
        /// The lengths accepted.
        expected: &'static str,
        /// The length given.
        got: usize,
    },
    /// The last digit is not the check digit of the others.
    #[error("{what} {value}: check digit should be {expected}")]
    CheckDigit {
        /// What was checked.
        what: &'static str,
        /// The number as given.
        value: String,
        /// The right check digit.
        expected: u8,
    },
    /// An SSCC extension digit above 9.
    #[error("SSCC extension digit must be 0 to 9, got {0}")]
    Extension(u8),
    /// A serial number that does not fit beside the company prefix.
    #[error("serial {serial} does not fit in {digits} digits")]
    Serial {
        /// The serial given.
        serial: u64,
        /// Digits left for it.
        digits: usize,
    },
    /// A lot number that is empty, too long or has a character outside GS1's set.
    #[error(
        "lot {0:?} must be 1 to 20 characters of the GS1 set (letters, digits, !\"%&'()*+,-./:;<=>?_)"
    )]
    Lot(String),
    /// A date outside 2000–2099 (YYMMDD cannot say the century).
    #[error("date {0} is outside 2000-2099")]
    Date(Date),
    /// An element string that cannot be read back.
    #[error("element string cannot be parsed at {0:?}")]
    Parse(String),
    /// The element string does not make a Code 128 symbol.
    #[error("{0}")]
    Barcode(#[from] BarcodeError),
}

fn digits_only(value: &str) -> Result<(), Gs1Error> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Gs1Error::NotDigits(value.to_owned()));
    }
    Ok(())
}

/// The GS1 check digit (mod 10, weights 3 and 1 from the right) of `digits`, which do not
/// include it: as for GTIN-8/12/13/14, SSCC and GLN.
pub fn check_digit(digits: &str) -> Result<u8, Gs1Error> {
    digits_only(digits)?;
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    Ok(((10 - sum % 10) % 10) as u8)
}

fn verify(what: &'static str, value: &str) -> Result<(), Gs1Error> {
    let (body, last) = value.split_at(value.len() - 1);
    let expected = check_digit(body)?;
    if last.as_bytes()[0] - b'0' != expected {
        return Err(Gs1Error::CheckDigit {
            what,
            value: value.to_owned(),
            expected,
        });
    }
    Ok(())
}

/// An SSCC (18 digits, check digit last) from its extension digit (0–9), the GS1 company
/// prefix (6 to 12 digits) and a serial reference that fits in the remaining digits.
pub fn sscc(extension: u8, company_prefix: &str, serial: u64) -> Result<String, Gs1Error> {
    if extension > 9 {
        return Err(Gs1Error::Extension(extension));
    }
    digits_only(company_prefix)?;
    if !(6..=12).contains(&company_prefix.len()) {
        return Err(Gs1Error::Length {
            what: "GS1 company prefix",
            expected: "6 to 12",
            got: company_prefix.len(),
        });
    }
    let digits = 16 - company_prefix.len();
    if serial >= 10u64.pow(digits as u32) {
        return Err(Gs1Error::Serial { serial, digits });
    }
    let body = format!("{extension}{company_prefix}{serial:0digits$}");
    let check = check_digit(&body)?;
    Ok(format!("{body}{check}"))
}

/// Checks an SSCC: 18 digits whose last is the check digit.
pub fn check_sscc(sscc: &str) -> Result<(), Gs1Error> {
    digits_only(sscc)?;
    if sscc.len() != 18 {
        return Err(Gs1Error::Length {
            what: "SSCC",
            expected: "18",
            got: sscc.len(),
        });
    }
    verify("SSCC", sscc)
}

/// A GTIN-8, -12, -13 or -14 as 14 digits (zeros in front), its check digit verified.
pub fn gtin14(gtin: &str) -> Result<String, Gs1Error> {
    digits_only(gtin)?;
    if ![8, 12, 13, 14].contains(&gtin.len()) {
        return Err(Gs1Error::Length {
            what: "GTIN",
            expected: "8, 12, 13 or 14",
            got: gtin.len(),
        });
    }
    verify("GTIN", gtin)?;
    Ok(format!("{gtin:0>14}"))
}

fn check_lot(lot: &str) -> Result<(), Gs1Error> {
    // GS1's character set 82 (the printable ASCII allowed in alphanumeric elements).
    let allowed = |c: char| c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c);
    if lot.is_empty() || lot.len() > MAX_LOT || !lot.chars().all(allowed) {
        return Err(Gs1Error::Lot(lot.to_owned()));
    }
    Ok(())
}

fn yymmdd(date: Date) -> Result<String, Gs1Error> {
    if !(2000..=2099).contains(&date.year()) {
        return Err(Gs1Error::Date(date));
    }
    Ok(format!(
        "{:02}{:02}{:02}",
        date.year() % 100,
        date.month(),
        date.day()
    ))
}

/// One GS1 element: an application identifier (AI) and its data, checked on construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// AI (00): an SSCC, 18 digits.
    Sscc(String),
    /// AI (01): a GTIN, 14 digits.
    Gtin(String),
    /// AI (13): the packaging date, written YYMMDD.
    PackDate(Date),
    /// AI (10): a batch or lot number, 1 to 20 characters (variable length).
    Lot(String),
}

impl Element {
    /// An (00) element; the SSCC's check digit is verified.
    pub fn sscc(sscc: &str) -> Result<Self, Gs1Error> {
        check_sscc(sscc)?;
        Ok(Element::Sscc(sscc.to_owned()))
    }

    /// A (01) element from a GTIN-8/12/13/14, normalized to 14 digits.
    pub fn gtin(gtin: &str) -> Result<Self, Gs1Error> {
        Ok(Element::Gtin(gtin14(gtin)?))
    }

    /// A (10) element.
    pub fn lot(lot: &str) -> Result<Self, Gs1Error> {
        check_lot(lot)?;
        Ok(Element::Lot(lot.to_owned()))
    }

    /// A (13) element (2000–2099).
    pub fn pack_date(date: Date) -> Result<Self, Gs1Error> {
        yymmdd(date)?;
        Ok(Element::PackDate(date))
    }

    /// The application identifier.
    pub fn ai(&self) -> &'static str {
        match self {
            Element::Sscc(_) => "00",
            Element::Gtin(_) => "01",
            Element::PackDate(_) => "13",
            Element::Lot(_) => "10",
        }
    }

    /// The element's data as encoded, without its AI.
    pub fn data(&self) -> String {
        match self {
            Element::Sscc(v) | Element::Gtin(v) | Element::Lot(v) => v.clone(),
            Element::PackDate(d) => yymmdd(*d).unwrap_or_default(),
        }
    }

    fn variable_length(&self) -> bool {
        matches!(self, Element::Lot(_))
    }

    fn validate(&self) -> Result<(), Gs1Error> {
        match self {
            Element::Sscc(v) => check_sscc(v),
            Element::Gtin(v) if v.len() == 14 => gtin14(v).map(|_| ()),
            Element::Gtin(v) => Err(Gs1Error::Length {
                what: "GTIN",
                expected: "14",
                got: v.len(),
            }),
            Element::PackDate(d) => yymmdd(*d).map(|_| ()),
            Element::Lot(v) => check_lot(v),
        }
    }
}

/// The element string as a barcode reader returns it: AIs and data run together, a group
/// separator ([`GS`]) after each variable-length element that is not last.
pub fn element_string(elements: &[Element]) -> Result<String, Gs1Error> {
    let mut out = String::new();
    for (i, element) in elements.iter().enumerate() {
        element.validate()?;
        out.push_str(element.ai());
        out.push_str(&element.data());
        if element.variable_length() && i + 1 < elements.len() {
            out.push(GS);
        }
    }
    Ok(out)
}

/// The GS1-128 symbol of `elements`: FNC1 first, FNC1 after each variable-length element
/// that is not last.
pub fn gs1_128(elements: &[Element]) -> Result<Code128, Gs1Error> {
    let data = element_string(elements)?;
    let mut chars = vec![Code128Char::Fnc1];
    chars.extend(data.bytes().map(|b| {
        if char::from(b) == GS {
            Code128Char::Fnc1
        } else {
            Code128Char::Ascii(b)
        }
    }));
    Ok(Code128::encode(&chars)?)
}

/// The human-readable text printed under a GS1-128 symbol, e.g.
/// `(01) 0061414100001 2 (13) 261207 (10) LOT12`: each AI in parentheses, the check digit of
/// a GTIN or SSCC set apart.
pub fn human_readable(elements: &[Element]) -> String {
    let parts: Vec<String> = elements
        .iter()
        .map(|e| {
            let data = e.data();
            match e {
                Element::Sscc(_) | Element::Gtin(_) if !data.is_empty() => {
                    let (body, check) = data.split_at(data.len() - 1);
                    format!("({}) {body} {check}", e.ai())
                }
                _ => format!("({}) {data}", e.ai()),
            }
        })
        .collect();
    parts.join(" ")
}

/// Reads back an element string as decoders return it (a leading `]C1` symbology identifier
/// is skipped; variable-length elements end at a [`GS`] or at the end). Only the AIs this
/// module writes are known: (00), (01), (10), (13). Check digits and dates are verified.
pub fn parse(data: &str) -> Result<Vec<Element>, Gs1Error> {
    let mut rest = data.strip_prefix("]C1").unwrap_or(data);
    let mut elements = Vec::new();
    while !rest.is_empty() {
        let err = || Gs1Error::Parse(rest.to_owned());
        let ai = rest.get(..2).ok_or_else(err)?;
        let body = &rest[2..];
        let fixed = |n: usize| body.get(..n).ok_or_else(err);
        let (element, used) = match ai {
            "00" => (Element::sscc(fixed(18)?)?, 18),
            "01" => {
                let v = fixed(14)?;
                (Element::gtin(v)?, 14)
            }
            "13" => {
                let v = fixed(6)?;
                digits_only(v)?;
                let n = |r: std::ops::Range<usize>| v[r].parse::<i8>().map_err(|_| err());
                let date =
                    Date::new(2000 + i16::from(n(0..2)?), n(2..4)?, n(4..6)?).map_err(|_| err())?;
                (Element::PackDate(date), 6)
            }
            "10" => {
                let end = body.find(GS).unwrap_or(body.len());
                (Element::lot(&body[..end])?, end)
            }
            _ => return Err(err()),
        };
        elements.push(element);
        rest = &body[used..];
        rest = rest.strip_prefix(GS).unwrap_or(rest);
    }
    Ok(elements)
}

/// The PTI voice pick code: a four-digit number printed beside a produce case's GS1-128
/// symbol, spoken by pickers instead of scanning.
///
/// Computed as the public descriptions of the Produce Traceability Initiative give it: the
/// CRC-16 with polynomial x¹⁶+x¹⁵+x²+1, reflected, initial value 0, no final XOR (the
/// catalogue's CRC-16/ARC) of the ASCII text GTIN-14 + lot (+ pack date YYMMDD when there
/// is one), no AIs or separators, then its value mod 10,000. Tested against the two worked
/// examples those descriptions publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoicePickCode(u16);

impl VoicePickCode {
    /// The code of a GTIN (8 to 14 digits, normalized to 14), a lot and an optional pack date.
    pub fn new(gtin: &str, lot: &str, pack_date: Option<Date>) -> Result<Self, Gs1Error> {
        let gtin = gtin14(gtin)?;
        check_lot(lot)?;
        let date = match pack_date {
            Some(d) => yymmdd(d)?,
            None => String::new(),
        };
        Ok(VoicePickCode::of_text(&format!("{gtin}{lot}{date}")))
    }

    /// The code of the text already put together.
    fn of_text(text: &str) -> Self {
        VoicePickCode(Crc::<u16>::new(&CRC_16_ARC).checksum(text.as_bytes()) % 10_000)
    }

    /// The value, 0 to 9999.
    pub fn value(self) -> u16 {
        self.0
    }

    /// The first two digits, printed small.
    pub fn small(self) -> String {
        format!("{:02}", self.0 / 100)
    }

    /// The last two digits, printed large.
    pub fn large(self) -> String {
        format!("{:02}", self.0 % 100)
    }
}

impl fmt::Display for VoicePickCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn check_digits_of_known_numbers() {
        // GTIN-14 00614141000012 (the GS1 example company prefix 0614141).
        assert_eq!(check_digit("0061414100001"), Ok(2));
        // EAN-13 4006381333931.
        assert_eq!(check_digit("400638133393"), Ok(1));
        // UPC-A 036000291452.
        assert_eq!(check_digit("03600029145"), Ok(2));
        // GTIN-8 96385074.
        assert_eq!(check_digit("9638507"), Ok(4));
        assert!(check_digit("12a").is_err());
        assert!(check_digit("").is_err());
    }

    #[test]
    fn sscc_is_built_and_checked() {
        assert_eq!(
            sscc(1, "0614141", 123_456_789).as_deref(),
            Ok("106141411234567897")
        );
        assert_eq!(sscc(0, "0614141", 1).as_deref(), Ok("006141410000000012"));
        assert!(matches!(
            sscc(0, "0614141", 1_000_000_000),
            Err(Gs1Error::Serial { digits: 9, .. })
        ));
        assert_eq!(sscc(10, "0614141", 1), Err(Gs1Error::Extension(10)));
        assert!(sscc(0, "12345", 1).is_err());
        assert_eq!(check_sscc("106141411234567897"), Ok(()));
        assert!(matches!(
            check_sscc("106141411234567890"),
            Err(Gs1Error::CheckDigit { expected: 7, .. })
        ));
    }

    #[test]
    fn gtins_are_normalized_to_fourteen_digits() {
        assert_eq!(gtin14("0614141000012").as_deref(), Ok("00614141000012"));
        assert_eq!(gtin14("036000291452").as_deref(), Ok("00036000291452"));
        assert_eq!(gtin14("96385074").as_deref(), Ok("00000096385074"));
        assert_eq!(gtin14("10850510002011").as_deref(), Ok("10850510002011"));
        assert!(matches!(
            gtin14("0614141000013"),
            Err(Gs1Error::CheckDigit { expected: 2, .. })
        ));
        assert!(matches!(gtin14("12345"), Err(Gs1Error::Length { .. })));
    }

    #[test]
    fn element_strings_and_human_readable_text() -> Result<(), Gs1Error> {
        let elements = [
            Element::gtin("0614141000012")?,
            Element::pack_date(date(2026, 12, 7))?,
            Element::lot("LOT12")?,
        ];
        assert_eq!(
            element_string(&elements)?,
            "01006141410000121326120710LOT12"
        );
        assert_eq!(
            human_readable(&elements),
            "(01) 0061414100001 2 (13) 261207 (10) LOT12"
        );
        // A lot that is not last is followed by a separator.
        let elements = [
            Element::gtin("0614141000012")?,
            Element::lot("A1")?,
            Element::pack_date(date(2026, 1, 2))?,
        ];
        let data = element_string(&elements)?;
        assert_eq!(data, "0100614141000012".to_owned() + "10A1\u{1d}13260102");
        assert_eq!(parse(&data)?, elements);
        let symbol = gs1_128(&elements)?;
        assert!(symbol.is_gs1());
        assert!(symbol.zpl_data().contains("A1>8"), "{}", symbol.zpl_data());
        assert_eq!(
            parse("]C100106141411234567897")?,
            vec![Element::Sscc("106141411234567897".into())]
        );
        assert!(parse("00106141411234567890").is_err());
        assert!(parse("99abc").is_err());
        assert!(Element::lot("LOT 12").is_err());
        assert!(Element::lot(&"A".repeat(21)).is_err());
        assert!(Element::pack_date(date(1999, 12, 31)).is_err());
        Ok(())
    }

    #[test]
    fn voice_pick_codes_match_the_published_examples() -> Result<(), Gs1Error> {
        // The two worked examples of the public voice pick code descriptions.
        let code = VoicePickCode::new("10850510002011", "46587443HG234", None)?;
        assert_eq!(code.value(), 6359);
        assert_eq!((code.small().as_str(), code.large().as_str()), ("63", "59"));
        // The second example's GTIN has a wrong check digit, so it is checked on its text.
        assert_eq!(
            VoicePickCode::of_text("654578866767672100126").value(),
            5836
        );
        // With a pack date, its YYMMDD text is appended.
        let with_date =
            VoicePickCode::new("10850510002011", "46587443HG234", Some(date(2010, 1, 26)))?;
        assert_eq!(
            with_date,
            VoicePickCode::of_text("1085051000201146587443HG234100126")
        );
        assert_eq!(VoicePickCode(7).to_string(), "0007");
        Ok(())
    }
}
