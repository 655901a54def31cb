//! Precompressed siblings for the built page: `name.br` (brotli, quality 11) and `name.gz`
//! (gzip -9) next to every text and WebAssembly file in `dist/`, so the emulator and any static
//! host that looks for them (nginx `brotli_static`/`gzip_static`, Caddy `precompressed`, a CDN
//! origin) send compressed bytes without compressing per request. Also measures every file raw,
//! gzip and brotli for the bench's weight table.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Files worth compressing; images and fonts are compressed already.
const COMPRESSIBLE: &[&str] = &[
    "html", "js", "mjs", "css", "wasm", "json", "svg", "txt", "xml", "map",
];

/// Files an operator edits on the host after deploying (the configuration, and `index.html`
/// whose `device-config` link may be pointed elsewhere): a sibling made at build time would go
/// stale and be served instead of the edited file. They are small; the hashed files are not.
const OPERATOR_EDITED: &[&str] = &["config.json", "index.html"];

/// One dist file's weight, and whether it now has precompressed siblings.
pub struct Compressed {
    /// Path relative to dist, `/`-separated.
    pub name: String,
    /// Bytes on disk.
    pub raw: u64,
    /// Bytes after gzip -9.
    pub gzip: u64,
    /// Bytes after brotli quality 11, window 22 (as `size.rs` measures).
    pub brotli: u64,
    /// Whether `name.br` and `name.gz` were written next to it.
    pub siblings: bool,
}

/// Writes `.br` and `.gz` siblings for the compressible files of `dist` (replacing old ones) and
/// returns every file's weight.
pub fn run(dist: &Path) -> Result<Vec<Compressed>> {
    analyse(dist, true)
}

/// Every file's weight (siblings skipped); writes the siblings when `write` is set, and removes
/// stale ones either way.
pub fn analyse(dist: &Path, write: bool) -> Result<Vec<Compressed>> {
    let mut files = Vec::new();
    walk(dist, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for path in files {
        if is_sibling(&path) {
            std::fs::remove_file(&path)
                .with_context(|| format!("removing the old {}", path.display()))?;
            continue;
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let gz = gzip(&bytes).with_context(|| format!("gzip of {}", path.display()))?;
        let br = brotli(&bytes).with_context(|| format!("brotli of {}", path.display()))?;
        let name = relative(dist, &path);
        // A sibling larger than the file (tiny files) would only cost bytes.
        let siblings = write && eligible(&name) && br.len() < bytes.len() && gz.len() < bytes.len();
        if siblings {
            for (ext, data) in [("br", &br), ("gz", &gz)] {
                let sibling = with_suffix(&path, ext);
                std::fs::write(&sibling, data)
                    .with_context(|| format!("writing {}", sibling.display()))?;
            }
        }
        out.push(Compressed {
            name,
            raw: bytes.len() as u64,
            gzip: gz.len() as u64,
            brotli: br.len() as u64,
            siblings,
        });
    }
    Ok(out)
}

/// Whether a file (relative name) gets siblings.
fn eligible(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    let ext = file.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    COMPRESSIBLE.contains(&ext) && !OPERATOR_EDITED.contains(&file)
}

fn is_sibling(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz"))
}

fn with_suffix(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn relative(dist: &Path, path: &Path) -> String {
    path.strip_prefix(dist)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// gzip -9 (no file name, zero mtime: the same input gives the same bytes).
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).context("gzip")?;
    encoder.finish().context("gzip")
}

/// Brotli at its best setting, as `size.rs` measures the budget.
pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).context("brotli")?;
        // Dropping the writer ends the stream.
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_for_text_and_wasm_only_and_never_for_the_operator_config() {
        for (name, expected) in [
            ("index.html", false),
            ("app-1234_bg.wasm", true),
            ("app-1234.js", true),
            ("style/main.css", true),
            ("config.json", false),
            ("nested/config.json", false),
            ("manifest.json", true),
            ("logo.png", false),
            ("README", false),
        ] {
            assert_eq!(eligible(name), expected, "{name}");
        }
    }

    #[test]
    fn writes_siblings_that_decompress_to_the_file_and_replaces_stale_ones() {
        let dir = std::env::temp_dir().join(format!("xtask-precompress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let js = "export function hello() { return 'hello, hello, hello'; }\n".repeat(50);
        std::fs::write(dir.join("app.js"), &js).expect("write");
        std::fs::write(dir.join("config.json"), "{}".repeat(200)).expect("write");
        std::fs::write(dir.join("tiny.css"), "a{}").expect("write");
        std::fs::write(dir.join("gone.js.br"), "stale").expect("write");

        let files = run(&dir).expect("precompress");
        let names: Vec<(&str, bool)> = files
            .iter()
            .map(|f| (f.name.as_str(), f.siblings))
            .collect();
        assert_eq!(
            names,
            [
                ("app.js", true),
                ("config.json", false),
                ("tiny.css", false)
            ]
        );
        assert!(!dir.join("gone.js.br").exists());
        assert!(!dir.join("config.json.br").exists());
        assert!(!dir.join("tiny.css.gz").exists());

        let gz = std::fs::read(dir.join("app.js.gz")).expect("gz");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text)
            .expect("gunzip");
        assert_eq!(text, js);
        let br = std::fs::read(dir.join("app.js.br")).expect("br");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut brotli::Decompressor::new(&br[..], 4096), &mut text)
            .expect("unbrotli");
        assert_eq!(text, js);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
