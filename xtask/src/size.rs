//! The page's weight as a phone downloads it: every dist file compressed with brotli (quality 11,
//! as a static host or CDN would precompress), and the budget the total must stay under.

use std::path::Path;

use anyhow::{Context, Result};

use crate::precompress;

/// The whole page, compressed, must stay under this many bytes. It only ever comes down: lowered
/// from 98,500 when the page weighed 97,073, after issue 14's smaller WebAssembly.
pub const BUDGET_BYTES: u64 = 97_500;

/// One dist file's weight.
pub struct FileSize {
    /// Path relative to dist.
    pub name: String,
    /// Bytes on disk.
    pub raw: u64,
    /// Bytes after brotli -q 11.
    pub brotli: u64,
}

/// Files a phone downloads only when the operator turns them on (the lazy modules), and those
/// only a portal loads (`embed.js`): listed, never in the page's total.
pub fn is_optional(name: &str) -> bool {
    name.starts_with("assets/lazy/") || name == crate::page::EMBED_FILE
}

/// What a phone downloads, sorted by name: every file under `dist` except the languages, of
/// which a phone downloads one (so the largest counts), the optional files ([`is_optional`]),
/// and precompressed siblings (`.br`, `.gz`).
pub fn measure(dist: &Path) -> Result<Vec<FileSize>> {
    let all: Vec<FileSize> = measure_all(dist)?
        .into_iter()
        .filter(|f| !is_optional(&f.name))
        .collect();
    let is_language = |f: &FileSize| f.name.starts_with("i18n/");
    let largest = all
        .iter()
        .filter(|f| is_language(f))
        .max_by_key(|f| f.brotli)
        .map(|f| f.name.clone());
    Ok(all
        .into_iter()
        .filter(|f| !is_language(f) || Some(&f.name) == largest.as_ref())
        .collect())
}

/// Every file under `dist`, sorted by name; precompressed siblings (`.br`, `.gz`) are skipped.
pub fn measure_all(dist: &Path) -> Result<Vec<FileSize>> {
    let mut files = Vec::new();
    precompress::walk(dist, &mut files)?;
    files.sort();
    files
        .into_iter()
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("br" | "gz")))
        .map(|path| {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let name = path
                .strip_prefix(dist)
                .unwrap_or(&path)
                .display()
                .to_string();
            Ok(FileSize {
                name,
                raw: bytes.len() as u64,
                brotli: brotli_len(&bytes)?,
            })
        })
        .collect()
}

/// Compressed size at brotli's best setting.
pub fn brotli_len(bytes: &[u8]) -> Result<u64> {
    precompress::brotli(bytes).map(|b| b.len() as u64)
}

/// A table of the files and the total, for the terminal.
pub fn table(files: &[FileSize]) -> String {
    let mut text = format!("{:<48} {:>10} {:>10}\n", "file", "raw", "brotli");
    for f in files {
        text += &format!("{:<48} {:>10} {:>10}\n", f.name, f.raw, f.brotli);
    }
    let raw: u64 = files.iter().map(|f| f.raw).sum();
    let brotli: u64 = files.iter().map(|f| f.brotli).sum();
    text += &format!("{:<48} {:>10} {:>10}\n", "total", raw, brotli);
    text
}
