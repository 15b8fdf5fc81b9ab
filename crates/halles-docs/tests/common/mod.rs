//! Helpers shared by the read-back tests: running poppler, zbar and ZXing, scratch files.
//! Without the tools a test prints a note and returns, unless `HALLES_REQUIRE_TOOLS` is set
//! (as `.ci/run` does), in which case a missing tool fails it with the install command.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const INSTALL: &str = "apt-get install -y poppler-utils zbar-tools zxing-cpp-tools";

/// Runs `program` with `args` and returns its stdout; panics with a clear message if the tool
/// is missing or fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}): install the tools with `{INSTALL}`")
        });
    assert!(
        output.status.success(),
        "`{program} {}` failed ({}): {}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

/// The tools the label tests use.
pub const LABEL_TOOLS: &[&str] = &["pdfinfo", "pdftotext", "pdftoppm", "zbarimg", "ZXingReader"];
/// The tools the document tests use.
pub const TEXT_TOOLS: &[&str] = &["pdfinfo", "pdftotext"];

/// Whether `tools` are on the PATH; with `HALLES_REQUIRE_TOOLS` set, their absence fails the
/// test.
pub fn tools_ready(what: &str, tools: &[&str]) -> bool {
    let found = |t: &str| {
        std::env::var_os("PATH")
            .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(t).is_file()))
            .unwrap_or(false)
    };
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !found(t)).collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("HALLES_REQUIRE_TOOLS").is_some() {
        panic!("{what}: missing {missing:?}; install them with `{INSTALL}`");
    }
    eprintln!("{what} skipped: {missing:?} not installed (`{INSTALL}`)");
    false
}

/// A path in this test binary's scratch directory.
pub fn scratch(dir: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir.join(name)
}

/// Writes `bytes` to a scratch file and returns its path as a string.
pub fn write(dir: &str, name: &str, bytes: &[u8]) -> String {
    let path = scratch(dir, name);
    std::fs::write(&path, bytes).expect("write scratch file");
    path.to_str().expect("UTF-8 path").to_owned()
}

pub fn page_count(pdf: &str) -> usize {
    let info = run("pdfinfo", &[pdf]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output:\n{info}"))
}

/// The text of one page (`-layout` keeps a table's row on one line).
pub fn page_text(pdf: &str, page: usize) -> String {
    let page = page.to_string();
    run(
        "pdftotext",
        &[
            "-layout", "-enc", "UTF-8", "-f", &page, "-l", &page, pdf, "-",
        ],
    )
}

/// Renders one page at 300 dpi as PNG and returns its path.
pub fn rasterize(pdf: &str, page: usize, dir: &str, name: &str) -> String {
    let prefix = scratch(dir, name);
    let prefix = prefix.to_str().expect("UTF-8 path");
    let page = page.to_string();
    run(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-png",
            "-singlefile",
            "-f",
            &page,
            "-l",
            &page,
            pdf,
            prefix,
        ],
    );
    format!("{prefix}.png")
}

/// One decoded symbol.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Decoded {
    /// "CODE-128" / "QR-Code" (zbar) or "Code128" / "QRCode" (ZXing).
    pub format: String,
    /// The data, a group separator (29) where the symbol has an FNC1 separator.
    pub text: String,
    /// Whether the decoder reports GS1 content (ZXing only; always false for zbar).
    pub gs1: bool,
}

/// Every symbol zbar finds in `png`: `zbarimg` prints "FORMAT:data" per symbol and
/// `zbarimg --raw` the data alone, in the same order; both are read and must agree. zbar
/// drops a GS1-128 symbol's leading FNC1 and returns the element string.
pub fn zbar(png: &str) -> Vec<Decoded> {
    let out = |args: &[&str]| {
        // Exit status 4 means "no symbol found": an empty list, not a failure.
        let output = Command::new("zbarimg")
            .args(args)
            .arg(png)
            .output()
            .unwrap_or_else(|e| panic!("cannot run zbarimg ({e}): `{INSTALL}`"));
        String::from_utf8(output.stdout).expect("zbarimg output is UTF-8")
    };
    let typed = out(&["-q"]);
    let raw = out(&["-q", "--raw"]);
    assert_eq!(typed.lines().count(), raw.lines().count(), "{typed}\n{raw}");
    let mut found = Vec::new();
    for (line, data) in typed.lines().zip(raw.lines()) {
        let (format, rest) = line.split_once(':').expect("FORMAT:data");
        assert_eq!(rest, data, "zbar's two outputs agree");
        found.push(Decoded {
            format: format.to_owned(),
            text: data.to_owned(),
            gs1: false,
        });
    }
    found.sort();
    found
}

/// Every symbol ZXing finds in `png`, with its format and whether its content is GS1.
///
/// `-noscale`: ZXing 1.4 as Debian builds it aborts on an assertion when it compares the
/// same linear symbol found at two scales; 300 dpi pages need no downscaling anyway.
pub fn zxing(png: &str) -> Vec<Decoded> {
    let out = run("ZXingReader", &["-noscale", png]);
    let mut found = Vec::new();
    let mut current: Option<Decoded> = None;
    for line in out.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "Text" => {
                if let Some(d) = current.take() {
                    found.push(d);
                }
                let text = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(value);
                current = Some(Decoded {
                    format: String::new(),
                    text: text.replace("<GS>", "\u{1d}"),
                    gs1: false,
                });
            }
            "Format" => {
                if let Some(d) = current.as_mut() {
                    d.format = value.to_owned();
                }
            }
            "Content" => {
                if let Some(d) = current.as_mut() {
                    d.gs1 = value == "GS1";
                }
            }
            _ => {}
        }
    }
    if let Some(d) = current.take() {
        found.push(d);
    }
    found.sort();
    found
}
