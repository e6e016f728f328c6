//! Embeds every message catalogue found in `locales/`, so that a new language is a new file there and
//! nothing else.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // The directory cargo gives when it runs this script, not the one it was compiled in: cargo
    // reuses a compiled build script for a copy of the workspace elsewhere that shares the target
    // directory, and the copy's catalogues may be gone.
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into());
    let dir = Path::new(&manifest).join("locales");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<(String, String)> = Vec::new();
    if let Ok(read) = std::fs::read_dir(&dir) {
        for entry in read.flatten() {
            let path = entry.path();
            println!("cargo:rerun-if-changed={}", path.display());
            if path.extension().and_then(|e| e.to_str()) == Some("messages") {
                if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                    entries.push((stem.to_string(), path.display().to_string()));
                }
            }
        }
    }
    entries.sort();
    // A build without messages would print catalogue keys instead of sentences: stop it here.
    assert!(
        entries.iter().any(|(locale, _)| locale == "en"),
        "no message catalogue in {} (en.messages is needed)",
        dir.display()
    );
    let mut out = String::from("/// Embedded catalogues: (locale, text).\npub(crate) static EMBEDDED: &[(&str, &str)] = &[\n");
    for (locale, path) in &entries {
        let _ = writeln!(out, "    ({locale:?}, include_str!({path:?})),");
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let _ = std::fs::write(Path::new(&out_dir).join("locales.rs"), out);
}
