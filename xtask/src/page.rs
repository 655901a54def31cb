//! The page's release build: one recipe for `cargo xtask test`, `demo` and `bench`, so what is
//! tested is what ships.
//!
//! 1. Trunk, with the size settings: the standard library rebuilt for size, panics that abort at
//!    once, and no `Debug` formatting or source locations (no panic messages or formatting
//!    machinery in the WebAssembly: 16 kB brotli of the page's 99 kB when measured). They are unstable compiler features, enabled on the stable
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
                "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none",
            );
    }
    sh(&mut trunk)?;
    let shipped = languages::compile(&root.join("i18n"), &dist.join("i18n"))?;
    let lazy = lazy_modules(tools, &root.join("public/lazy"), &dist.join("assets"))?;
    minify_scripts(tools, dist, &shipped, &lazy)?;
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

/// Minifies a script with esbuild into `out`.
fn minify(tools: &Tools, from: &Path, out: &Path) -> Result<()> {
    sh(tools
        .command(&tools.esbuild.display().to_string())
        .arg(from)
        .args([
            "--minify",
            "--format=esm",
            "--log-level=warning",
            "--allow-overwrite",
        ])
        .arg(format!("--outfile={}", out.display())))
}

/// The modules boot.js loads only when the configuration asks for them (`public/lazy/*.js`),
/// minified into `assets/` under names carrying their hash; returns `name → [file, integrity]`.
fn lazy_modules(
    tools: &Tools,
    from: &Path,
    assets: &Path,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut map = serde_json::Map::new();
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(map);
    };
    let mut sources: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .collect();
    sources.sort();
    for source in sources {
        let name = source
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let scratch = assets.join(format!("{name}.min.js"));
        minify(tools, &source, &scratch)?;
        let bytes =
            std::fs::read(&scratch).with_context(|| format!("reading {}", scratch.display()))?;
        let hash = Sha384::digest(&bytes);
        let file = format!(
            "{name}-{:x}.js",
            u64::from_be_bytes(hash[..8].try_into().unwrap_or_default())
        );
        std::fs::rename(&scratch, assets.join(&file))
            .with_context(|| format!("naming {}", scratch.display()))?;
        println!("lazy module {name}: {file} ({} bytes)", bytes.len());
        map.insert(name, serde_json::json!([file, integrity(&bytes)]));
    }
    Ok(map)
}

/// Puts the build's facts into boot.js: the languages it ships and its lazy modules.
fn fill_boot(
    text: &str,
    languages: &[String],
    lazy: &serde_json::Map<String, serde_json::Value>,
) -> Result<String> {
    let mut out = text.to_owned();
    for (placeholder, value) in [
        (
            "const LANGUAGES = ['en'];",
            serde_json::to_string(languages)?,
        ),
        ("const LAZY = {};", serde_json::to_string(lazy)?),
    ] {
        if !out.contains(placeholder) {
            bail!("boot.js no longer has `{placeholder}` for the build to fill in");
        }
        let name = placeholder.split(' ').nth(1).unwrap_or_default();
        out = out.replace(placeholder, &format!("const {name} = {value};"));
    }
    Ok(out)
}

/// Minifies every script under `dist/assets` in place (boot.js with the build's facts filled in)
/// and puts the new hashes in `index.html`.
fn minify_scripts(
    tools: &Tools,
    dist: &Path,
    languages: &[String],
    lazy: &serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    let index_path = dist.join("index.html");
    let mut index = std::fs::read_to_string(&index_path)
        .with_context(|| format!("reading {}", index_path.display()))?;
    let assets = dist.join("assets");
    let lazy_files: Vec<&str> = lazy.values().filter_map(|v| v[0].as_str()).collect();
    let mut scripts: Vec<_> = std::fs::read_dir(&assets)
        .with_context(|| format!("reading {}", assets.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| lazy_files.contains(&n))
        })
        .collect();
    scripts.sort();
    for script in scripts {
        let before =
            std::fs::read(&script).with_context(|| format!("reading {}", script.display()))?;
        let is_boot = script
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("boot-"));
        if is_boot {
            let filled = fill_boot(&String::from_utf8_lossy(&before), languages, lazy)?;
            std::fs::write(&script, filled)
                .with_context(|| format!("writing {}", script.display()))?;
        }
        minify(tools, &script, &script)?;
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
