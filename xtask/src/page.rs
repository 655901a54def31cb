//! The page's release build: one recipe for `cargo xtask test`, `demo` and `bench`, so what is
//! tested is what ships.
//!
//! 1. Trunk, with the size settings: the standard library rebuilt for size and panics that abort
//!    at once (no panic messages or formatting machinery in the WebAssembly; 13.5 kB brotli of the
//!    page's 99 kB when measured). They are unstable compiler features, enabled on the stable
//!    toolchain with `RUSTC_BOOTSTRAP=1` for this one build only. `DEVICE_PAGE_STABLE_BUILD=1`
//!    builds without them (the page works the same, only heavier).
//! 2. The languages, checked elsewhere, compiled into `dist/i18n` as the page ships them.
//! 3. The JavaScript minified with esbuild (Trunk's minifier cannot read wasm-bindgen's glue),
//!    with the integrity hashes in `index.html` updated; the build fails if a file did not shrink.
//! 4. No inline script or style in `index.html`; `.br` and `.gz` siblings for static hosts.

use std::path::Path;

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha384};

use crate::precompress::{self, Compressed};
use crate::project::sh;
use crate::setup::Tools;
use crate::{inline, languages};

/// Builds the page into `dist`.
pub fn build(tools: &Tools, root: &Path, dist: &Path) -> Result<Vec<Compressed>> {
    let mut trunk = tools.command("trunk");
    trunk
        .args(["build", "--release", "--dist"])
        .arg(dist)
        .current_dir(root);
    if std::env::var_os("DEVICE_PAGE_STABLE_BUILD").is_none() {
        trunk
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
                "-Zunstable-options -Cpanic=immediate-abort",
            );
    }
    sh(&mut trunk)?;
    languages::compile(&root.join("i18n"), &dist.join("i18n"))?;
    minify_scripts(tools, dist)?;
    inline::check(&dist.join("index.html"))?;
    println!("dist/index.html: no inline script or style");
    let files = precompress::run(dist)?;
    let written = files.iter().filter(|f| f.siblings).count();
    println!(
        "precompressed: .br and .gz next to {written} files in {}",
        dist.display()
    );
    Ok(files)
}

/// `sha384-…` as `integrity` attributes write it.
fn integrity(bytes: &[u8]) -> String {
    let digest = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Minifies every script under `dist/assets` in place and puts the new hashes in `index.html`.
fn minify_scripts(tools: &Tools, dist: &Path) -> Result<()> {
    let index_path = dist.join("index.html");
    let mut index = std::fs::read_to_string(&index_path)
        .with_context(|| format!("reading {}", index_path.display()))?;
    let assets = dist.join("assets");
    let mut scripts: Vec<_> = std::fs::read_dir(&assets)
        .with_context(|| format!("reading {}", assets.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .collect();
    scripts.sort();
    for script in scripts {
        let before =
            std::fs::read(&script).with_context(|| format!("reading {}", script.display()))?;
        sh(tools
            .command(&tools.esbuild.display().to_string())
            .arg(&script)
            .args([
                "--minify",
                "--format=esm",
                "--log-level=warning",
                "--allow-overwrite",
            ])
            .arg(format!("--outfile={}", script.display())))?;
        let after =
            std::fs::read(&script).with_context(|| format!("reading {}", script.display()))?;
        if after.len() >= before.len() {
            bail!(
                "minifying {} did not make it smaller ({} -> {} bytes)",
                script.display(),
                before.len(),
                after.len()
            );
        }
        let (old, new) = (integrity(&before), integrity(&after));
        if !index.contains(&old) {
            bail!(
                "{} has no integrity hash for {}: is it still referenced?",
                index_path.display(),
                script.display()
            );
        }
        index = index.replace(&old, &new);
        println!(
            "minified {}: {} -> {} bytes",
            script.file_name().unwrap_or_default().to_string_lossy(),
            before.len(),
            after.len()
        );
    }
    std::fs::write(&index_path, index).with_context(|| format!("writing {}", index_path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_is_the_sri_form_of_sha384() {
        // `printf abc | openssl dgst -sha384 -binary | base64`
        assert_eq!(
            integrity(b"abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
    }
}
