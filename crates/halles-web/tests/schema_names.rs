//! One name, one schema: utoipa names a component after its Rust type, so two types of the same
//! name in different modules would share one entry of the OpenAPI document and one of them would
//! be described by the other's schema (a program's report once said it held a hub's totals).
//! This reads the crate's source and fails on any type deriving `ToSchema` whose name another
//! such type already has, unless one of them is renamed with `#[schema(as = ...)]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The names of the types deriving `ToSchema` in one file, with no `as` rename.
fn schema_types(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut pending = false;
    let mut renamed = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("#[derive(") && l.contains("ToSchema") {
            pending = true;
            renamed = false;
        } else if pending && l.starts_with("#[schema(") && l.contains(" as ") {
            renamed = true;
        } else if pending
            && (l.starts_with("pub struct ")
                || l.starts_with("pub enum ")
                || l.starts_with("struct ")
                || l.starts_with("enum "))
        {
            let name = l
                .split_whitespace()
                .find(|w| !matches!(*w, "pub" | "struct" | "enum"))
                .unwrap_or_default()
                .trim_end_matches(['{', '(', ';'])
                .split('<')
                .next()
                .unwrap_or_default()
                .to_owned();
            if !renamed {
                names.push(name);
            }
            pending = false;
        }
    }
    names
}

#[test]
fn every_schema_name_is_one_type() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 10, "found the sources");
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for name in schema_types(&text) {
            seen.entry(name)
                .or_default()
                .push(f.strip_prefix(&src).unwrap_or(f).display().to_string());
        }
    }
    assert!(seen.len() > 50, "found the schema types: {}", seen.len());
    let clashes: Vec<_> = seen.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(
        clashes.is_empty(),
        "schema names used by several types: {clashes:?}"
    );
}
