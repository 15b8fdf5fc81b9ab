//! PDFs read back by an independent tool (Debian's poppler-utils).

use std::process::Command;

/// The text of a PDF by pdftotext, white space made plain (see [`plain`]); `None` when the
/// tool is missing (required when `HALLES_REQUIRE_TOOLS` is set). `name` names the file.
pub fn pdf_text(pdf: &[u8], name: &str) -> Option<String> {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("halles-pdf");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    match Command::new("pdftotext").arg(&path).arg("-").output() {
        Ok(out) => Some(plain(&String::from_utf8_lossy(&out.stdout))),
        Err(_) if std::env::var_os("HALLES_REQUIRE_TOOLS").is_none() => None,
        Err(e) => panic!("pdftotext is required: {e}"),
    }
}

/// Every run of white space (no-break spaces included) as one space.
pub fn plain(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `/organizations/{org}{rest}`, an API path under an organization.
pub fn at(org: halles_core::OrgId, rest: &str) -> String {
    format!("/organizations/{org}{rest}")
}

/// Runs a tool and returns its output; `None` when it is missing (required when
/// `HALLES_REQUIRE_TOOLS` is set).
pub fn tool(name: &str, args: &[&str]) -> Option<String> {
    match Command::new(name).args(args).output() {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(_) if std::env::var_os("HALLES_REQUIRE_TOOLS").is_none() => {
            eprintln!("{name} is not installed: skipped");
            None
        }
        Err(e) => panic!("{name} is required: {e}"),
    }
}

/// Writes bytes to a file of the folder `dir` of the tests' scratch space; its path.
pub fn file(dir: &str, name: &str, bytes: &[u8]) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}
