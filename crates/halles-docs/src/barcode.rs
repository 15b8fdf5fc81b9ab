//! Code 128 symbols (ISO/IEC 15417), plain and GS1-128, as bar and space widths.
//!
//! The encoder is written here rather than taken from a crate: Code 128 is a small
//! table-driven symbology, and the crates looked at either leave the choice of code sets to
//! the caller (`barcoders`, whose older releases also carried a wrong pattern) or bring a
//! whole barcode-reading library along (`rxing`). This one uses code sets B and C only (no
//! control characters are ever printed), picks C for runs of four digits or more, and puts
//! FNC1 where GS1-128 needs it. Tests read its symbols back with zbar and ZXing.
//!
//! [`Code128::widths`] is what the PDF draws (one rectangle per bar) and
//! [`Code128::zpl_data`] the same symbol values written for a Zebra printer's `^BC` command,
//! so a PDF label and a ZPL label carry exactly the same data.

use thiserror::Error;

/// Quiet zone, in modules, to keep clear on each side of a Code 128 symbol (the standard's
/// minimum).
pub const QUIET_ZONE: u32 = 10;

/// Longest data accepted, in characters (a label has no room for more anyway).
pub const MAX_CHARS: usize = 80;

/// One character of Code 128 data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code128Char {
    /// A printable ASCII character, space to `~`.
    Ascii(u8),
    /// Function 1: first in a GS1-128 symbol, then the separator after a variable-length
    /// element that is not last.
    Fnc1,
}

/// Why data cannot be made a Code 128 symbol.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BarcodeError {
    /// No data.
    #[error("barcode data is empty")]
    Empty,
    /// Too much data for a label.
    #[error("barcode data has {0} characters, at most {MAX_CHARS}")]
    TooLong(usize),
    /// A character outside printable ASCII.
    #[error("character {0:?} cannot be put in a Code 128 symbol (printable ASCII only)")]
    Character(char),
}

/// An encoded Code 128 symbol: its symbol values, start character and check character
/// included, the stop character left implicit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code128 {
    values: Vec<u8>,
}

// Symbol values with a meaning of their own.
const CODE_C: u8 = 99;
const CODE_B: u8 = 100;
const FNC1: u8 = 102;
const START_B: u8 = 104;
const START_C: u8 = 105;

/// Bar/space widths of symbol values 0 to 105, in modules, bar first: six elements, eleven
/// modules each (from the symbology's table).
const PATTERNS: [u32; 106] = [
    212222, 222122, 222221, 121223, 121322, 131222, 122213, 122312, 132212, 221213, // 0
    221312, 231212, 112232, 122132, 122231, 113222, 123122, 123221, 223211, 221132, // 10
    221231, 213212, 223112, 312131, 311222, 321122, 321221, 312212, 322112, 322211, // 20
    212123, 212321, 232121, 111323, 131123, 131321, 112313, 132113, 132311, 211313, // 30
    231113, 231311, 112133, 112331, 132131, 113123, 113321, 133121, 313121, 211331, // 40
    231131, 213113, 213311, 213131, 311123, 311321, 331121, 312113, 312311, 332111, // 50
    314111, 221411, 431111, 111224, 111422, 121124, 121421, 141122, 141221, 112214, // 60
    112412, 122114, 122411, 142112, 142211, 241211, 221114, 413111, 241112, 134111, // 70
    111242, 121142, 121241, 114212, 124112, 124211, 411212, 421112, 421211, 212141, // 80
    214121, 412121, 111143, 111341, 131141, 114113, 114311, 411113, 411311, 113141, // 90
    114131, 311141, 411131, 211412, 211214, 211232, // 100
];

/// The stop character: seven elements, thirteen modules.
const STOP: [u8; 7] = [2, 3, 3, 1, 1, 1, 2];

impl Code128 {
    /// A plain symbol of printable ASCII `text` (e.g. a case number "C000123").
    pub fn plain(text: &str) -> Result<Self, BarcodeError> {
        let mut chars = Vec::with_capacity(text.len());
        for c in text.chars() {
            match u8::try_from(c) {
                Ok(b) if (32..=126).contains(&b) => chars.push(Code128Char::Ascii(b)),
                _ => return Err(BarcodeError::Character(c)),
            }
        }
        Self::encode(&chars)
    }

    /// Encodes `chars`, choosing code sets B and C to keep the symbol short.
    pub fn encode(chars: &[Code128Char]) -> Result<Self, BarcodeError> {
        if chars.is_empty() {
            return Err(BarcodeError::Empty);
        }
        if chars.len() > MAX_CHARS {
            return Err(BarcodeError::TooLong(chars.len()));
        }
        for c in chars {
            if let Code128Char::Ascii(b) = c
                && !(32..=126).contains(b)
            {
                return Err(BarcodeError::Character(char::from(*b)));
            }
        }
        let digits_at = |i: usize| {
            chars[i..]
                .iter()
                .take_while(|c| matches!(c, Code128Char::Ascii(b) if b.is_ascii_digit()))
                .count()
        };
        let first_data = chars
            .iter()
            .position(|c| *c != Code128Char::Fnc1)
            .unwrap_or(chars.len());
        let leading = if first_data < chars.len() {
            digits_at(first_data)
        } else {
            0
        };
        let mut set_c = leading >= 4 || (leading >= 2 && first_data + leading == chars.len());
        let mut values = vec![if set_c { START_C } else { START_B }];
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                Code128Char::Fnc1 => {
                    values.push(FNC1);
                    i += 1;
                }
                Code128Char::Ascii(b) if set_c => {
                    if digits_at(i) >= 2 {
                        let next = match chars[i + 1] {
                            Code128Char::Ascii(n) => n,
                            Code128Char::Fnc1 => b'0', // unreachable: digits_at counted it
                        };
                        values.push((b - b'0') * 10 + (next - b'0'));
                        i += 2;
                    } else {
                        values.push(CODE_B);
                        set_c = false;
                    }
                }
                Code128Char::Ascii(b) => {
                    let run = digits_at(i);
                    // Set C pays off for 4 digits at the end (or before FNC1), 6 elsewhere.
                    let ends = chars.get(i + run).is_none_or(|c| *c == Code128Char::Fnc1);
                    if run >= if ends { 4 } else { 6 } && run % 2 == 0 {
                        values.push(CODE_C);
                        set_c = true;
                    } else {
                        values.push(b - 32);
                        i += 1;
                    }
                }
            }
        }
        let sum = values
            .iter()
            .enumerate()
            .map(|(i, v)| i.max(1) as u32 * u32::from(*v))
            .sum::<u32>();
        values.push((sum % 103) as u8);
        Ok(Code128 { values })
    }

    /// Symbol values: start character, data, check character (the stop is not listed).
    pub fn values(&self) -> &[u8] {
        &self.values
    }

    /// Whether the symbol is GS1-128 (FNC1 right after the start character).
    pub fn is_gs1(&self) -> bool {
        self.values.get(1) == Some(&FNC1)
    }

    /// Bar and space widths in modules, starting and ending with a bar, stop included, quiet
    /// zones not included.
    pub fn widths(&self) -> Vec<u8> {
        let mut widths = Vec::with_capacity(self.values.len() * 6 + STOP.len());
        for value in &self.values {
            let pattern = PATTERNS[usize::from(*value)];
            for k in (0..6).rev() {
                widths.push(((pattern / 10u32.pow(k)) % 10) as u8);
            }
        }
        widths.extend_from_slice(&STOP);
        widths
    }

    /// Width of the symbol in modules, quiet zones not included.
    pub fn modules(&self) -> u32 {
        self.values.len() as u32 * 11 + 13
    }

    /// The field data for ZPL's `^BC` in its default mode (`N`), where `>;`/`>:` start code
    /// set C/B, `>5`/`>6` switch to C/B and `>8` is FNC1: the printer draws exactly these
    /// symbol values and computes the same check character.
    pub fn zpl_data(&self) -> String {
        let mut out = String::new();
        let data = &self.values[..self.values.len() - 1];
        let mut set_c = false;
        for (i, value) in data.iter().enumerate() {
            match (*value, i) {
                (START_C, 0) => {
                    out.push_str(">;");
                    set_c = true;
                }
                (START_B, 0) => out.push_str(">:"),
                (FNC1, _) => out.push_str(">8"),
                (CODE_C, _) if !set_c => {
                    out.push_str(">5");
                    set_c = true;
                }
                (CODE_B, _) if set_c => {
                    out.push_str(">6");
                    set_c = false;
                }
                (v, _) if set_c => out.push_str(&format!("{v:02}")),
                (v, _) => {
                    let c = char::from(v + 32);
                    match c {
                        '>' => out.push_str("><"),
                        _ => out.push(c),
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_eleven_modules_with_an_even_bar_sum() {
        for (value, pattern) in PATTERNS.iter().enumerate() {
            let digits: Vec<u32> = (0..6)
                .rev()
                .map(|k| (pattern / 10u32.pow(k)) % 10)
                .collect();
            assert_eq!(digits.iter().sum::<u32>(), 11, "value {value}");
            assert_eq!((digits[0] + digits[2] + digits[4]) % 2, 0, "value {value}");
            assert!(digits.iter().all(|d| (1..=4).contains(d)), "value {value}");
        }
        assert_eq!(STOP.iter().map(|w| u32::from(*w)).sum::<u32>(), 13);
        // Every pattern is distinct.
        let mut sorted = PATTERNS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), PATTERNS.len());
    }

    #[test]
    fn a_plain_code_in_set_b() {
        // Start B, P J J 1 2 3 C; check = (104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6
        // + 35·7) mod 103 = 879 mod 103 = 55.
        let code = Code128::plain("PJJ123C").expect("encode");
        assert_eq!(code.values(), &[104, 48, 42, 42, 17, 18, 19, 35, 55]);
        assert!(!code.is_gs1());
        assert_eq!(code.modules(), 9 * 11 + 13);
        let widths = code.widths();
        assert_eq!(widths.len(), 9 * 6 + 7);
        assert_eq!(&widths[..6], &[2, 1, 1, 2, 1, 4]); // start B
        assert_eq!(
            widths.iter().map(|w| u32::from(*w)).sum::<u32>(),
            code.modules()
        );
        assert_eq!(code.zpl_data(), ">:PJJ123C");
    }

    #[test]
    fn digit_runs_switch_to_set_c() {
        let code = Code128::plain("C000123").expect("encode");
        // Start B, "C", Code C, 00 01 23, check.
        assert_eq!(&code.values()[..6], &[104, 35, 99, 0, 1, 23]);
        assert_eq!(code.zpl_data(), ">:C>5000123");
        // An odd run: one digit in B first, then pairs.
        let code = Code128::plain("A12345").expect("encode");
        assert_eq!(&code.values()[..6], &[104, 33, 17, 99, 23, 45]);
        // Four digits in the middle stay in set B; six switch.
        let code = Code128::plain("L2612-07").expect("encode");
        assert_eq!(code.values().len(), 1 + 8 + 1);
        let code = Code128::plain("L261207X").expect("encode");
        assert_eq!(&code.values()[..7], &[104, 44, 99, 26, 12, 7, 100]);
        // All digits, odd count: C then back to B for the last one.
        let code = Code128::plain("12345").expect("encode");
        assert_eq!(&code.values()[..5], &[105, 12, 34, 100, 21]);
        assert_eq!(code.zpl_data(), ">;1234>65");
        let code = Code128::plain("a>b").expect("encode");
        assert_eq!(code.zpl_data(), ">:a><b");
    }

    #[test]
    fn a_gs1_sscc_symbol() {
        let mut chars = vec![Code128Char::Fnc1];
        chars.extend(
            b"00106141411234567897"
                .iter()
                .map(|b| Code128Char::Ascii(*b)),
        );
        let code = Code128::encode(&chars).expect("encode");
        let values = code.values();
        assert_eq!(
            &values[..12],
            &[105, 102, 0, 10, 61, 41, 41, 12, 34, 56, 78, 97]
        );
        let sum: u32 = 105
            + values[1..12]
                .iter()
                .enumerate()
                .map(|(i, v)| (i as u32 + 1) * u32::from(*v))
                .sum::<u32>();
        assert_eq!(u32::from(values[12]), sum % 103);
        assert!(code.is_gs1());
        assert_eq!(code.zpl_data(), ">;>800106141411234567897");
    }

    /// Runs a tool; `None` when it is not installed (then the test is skipped, unless
    /// `HALLES_REQUIRE_TOOLS` is set).
    fn tool(program: &str, args: &[&str]) -> Option<String> {
        match std::process::Command::new(program).args(args).output() {
            Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
            Err(e) if std::env::var_os("HALLES_REQUIRE_TOOLS").is_some() => panic!(
                "cannot run {program} ({e}): apt-get install -y poppler-utils zbar-tools zxing-cpp-tools"
            ),
            Err(_) => None,
        }
    }

    /// Every data value of sets B and C, FNC1 first and as a separator: drawn, rasterized
    /// at 300 dpi and read back by zbar and ZXing.
    #[test]
    fn every_symbol_value_scans_with_zbar_and_zxing() {
        let ascii: Vec<u8> = (32..=126).collect();
        let mut texts: Vec<String> = ascii
            .chunks(16)
            .map(|c| format!("x{}x", String::from_utf8_lossy(c)))
            .collect();
        let pairs: String = (0..100).map(|n| format!("{n:02}")).collect();
        texts.extend(
            pairs
                .as_bytes()
                .chunks(40)
                .map(|c| String::from_utf8_lossy(c).into_owned()),
        );
        let mut symbols: Vec<(Code128, String)> = texts
            .iter()
            .map(|t| (Code128::plain(t).expect("encode"), t.clone()))
            .collect();
        let mut gs1: Vec<Code128Char> = vec![Code128Char::Fnc1];
        gs1.extend(b"10A1".iter().map(|b| Code128Char::Ascii(*b)));
        gs1.push(Code128Char::Fnc1);
        gs1.extend(b"13260102".iter().map(|b| Code128Char::Ascii(*b)));
        symbols.push((
            Code128::encode(&gs1).expect("encode"),
            "10A1\u{1d}13260102".into(),
        ));

        let mut document = krilla::Document::new();
        let Some(settings) = krilla::page::PageSettings::from_wh(612.0, 792.0) else {
            panic!("page size");
        };
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for (i, (symbol, _)) in symbols.iter().enumerate() {
            let module = 1.2;
            let x = (612.0 - symbol.modules() as f32 * module) / 2.0;
            let x = (x / 0.24).round() * 0.24;
            let y = 30.0 + i as f32 * 62.0;
            crate::draw::draw_bars(&mut surface, &symbol.widths(), x, y, module, 40.0);
        }
        surface.finish();
        page.finish();
        let pdf = document.finish().expect("pdf");
        let dir = std::env::temp_dir().join(format!("halles-docs-barcode-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let pdf_path = dir.join("symbols.pdf");
        std::fs::write(&pdf_path, pdf).expect("write");
        let prefix = dir.join("symbols");
        let (pdf_path, prefix) = (pdf_path.to_string_lossy(), prefix.to_string_lossy());
        if tool(
            "pdftoppm",
            &["-r", "300", "-png", "-singlefile", &pdf_path, &prefix],
        )
        .is_none()
        {
            eprintln!("Code 128 read-back skipped: poppler-utils is not installed");
            return;
        }
        let png = format!("{prefix}.png");
        let mut want: Vec<String> = symbols.iter().map(|(_, t)| t.clone()).collect();
        want.sort();
        let Some(zbar) = tool("zbarimg", &["-q", "--raw", &png]) else {
            eprintln!("Code 128 read-back skipped: zbar-tools is not installed");
            return;
        };
        // zbar returns the GS1 symbol's data without its leading FNC1.
        let mut by_zbar: Vec<String> = zbar.lines().map(str::to_owned).collect();
        by_zbar.sort();
        assert_eq!(by_zbar, want, "zbar");
        let Some(zxing) = tool("ZXingReader", &["-noscale", "-format", "Code128", &png]) else {
            eprintln!("Code 128 read-back skipped: zxing-cpp-tools is not installed");
            return;
        };
        let mut by_zxing: Vec<String> = zxing
            .lines()
            .filter_map(|l| l.strip_prefix("Text:"))
            .map(|t| {
                let t = t.trim_start();
                t.strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .unwrap_or(t)
                    .to_owned()
            })
            .collect();
        by_zxing.sort();
        assert_eq!(by_zxing, want, "ZXing:\n{zxing}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_data_is_refused() {
        assert_eq!(Code128::plain(""), Err(BarcodeError::Empty));
        assert_eq!(Code128::plain("é"), Err(BarcodeError::Character('é')));
        assert_eq!(Code128::plain("a\tb"), Err(BarcodeError::Character('\t')));
        assert!(matches!(
            Code128::plain(&"x".repeat(81)),
            Err(BarcodeError::TooLong(81))
        ));
    }
}
