//! The page's release build: one recipe for `cargo xtask test`, `demo` and `bench`, so what is
//! tested is what ships.
//!
//! 1. Trunk, with the size settings: the standard library rebuilt for size, panics that abort at
//!    once, and no `Debug` formatting or source locations (no panic messages or formatting
//!    machinery in the WebAssembly: 16 kB brotli of the page's 99 kB when measured). They are unstable compiler features, enabled on the stable
//!    toolchain with `RUSTC_BOOTSTRAP=1` for this one build only. `DEVICE_PAGE_STABLE_BUILD=1`
//!    builds without them (the page works the same, only heavier).
//!    Then the exports no page ever calls are pruned from the WebAssembly, with the code only
//!    they reach, before it is optimised for size ([`prune_exports`]), and the names between it
//!    and its glue shortened ([`names`]).
//! 2. The languages, checked elsewhere, compiled into `dist/i18n` as the page ships them.
//! 3. The JavaScript minified with esbuild (Trunk's minifier cannot read wasm-bindgen's glue),
//!    with the integrity hashes in `index.html` updated; the build fails if a file did not shrink.
//! 4. No inline script or style in `index.html`; `.br` and `.gz` siblings for static hosts.
//! 5. The portals' `embed.js` (`public/embed.js`), minified to `dist/embed.js` under that stable
//!    name (portals link it by URL), outside the page's budget but held to its own.

use std::path::Path;

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha384};

use crate::precompress::{self, Compressed};
use crate::project::sh;
use crate::setup::Tools;
use crate::{inline, languages, names};

/// Builds the page into `dist`.
pub fn build(tools: &Tools, root: &Path, dist: &Path) -> Result<Vec<Compressed>> {
    let mut trunk = tools.command("trunk");
    trunk
        .args(["build", "--release", "--dist"])
        .arg(dist)
        .current_dir(root);
    // Leptos's `erase_components` boxes each component's view instead of naming its whole
    // type: one rendering path per kind of view rather than one per component (2.5 kB brotli
    // less when measured), at no cost a person notices.
    // And LLVM inlines less than its default for `opt-level = "z"`: more calls, fewer copies of
    // the same code, which compresses better (−350 B brotli when measured; −5 and −25 did worse).
    let both = "--cfg=erase_components -Cllvm-args=-inline-threshold=0";
    if std::env::var_os("DEVICE_PAGE_STABLE_BUILD").is_none() {
        trunk
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
                format!("-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none {both}"),
            );
    } else {
        trunk.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", both);
    }
    sh(&mut trunk)?;
    prune_exports(tools, dist)?;
    shorten_names(dist)?;
    let shipped = languages::compile(&root.join("i18n"), &dist.join("i18n"))?;
    edit_index(dist, |index| {
        *index = languages::english_words(index, &root.join("i18n"))?;
        Ok(())
    })?;
    let lazy = lazy_modules(tools, &root.join("public/lazy"), &dist.join("assets"))?;
    minify_scripts(tools, dist, &shipped, &lazy)?;
    embed_script(tools, root, dist)?;
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

/// Exports the WebAssembly carries but the page never calls: leptos always builds its server
/// functions' streaming support, whose `wasm-streams` classes wasm-bindgen exports (and so keeps,
/// with everything they reach). A client-side page has no server functions.
const UNCALLED_EXPORTS: &[&str] = &["intounderlying", "__wbg_intounderlying"];

/// Functions only those exports lead to, which the module's function table still holds (each
/// future's vtable): found by name and made `unreachable` ([`names::stub_functions`]), 2.7 kB
/// brotli less when measured. Any monomorphisation naming wasm-streams exists only for it.
const UNREACHABLE_CODE: &[&str] = &["wasm_streams"];

/// The build's WebAssembly, in `dist/assets`.
fn the_wasm(dist: &Path) -> Result<std::path::PathBuf> {
    let assets = dist.join("assets");
    std::fs::read_dir(&assets)
        .with_context(|| format!("reading {}", assets.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "wasm"))
        .with_context(|| format!("no .wasm in {}", assets.display()))
}

/// Removes [`UNCALLED_EXPORTS`] and the code only they reach (binaryen's `wasm-metadce`, every
/// other export a root), makes [`UNREACHABLE_CODE`] unreachable, optimises for size (the one
/// `wasm-opt` run: index.html's `data-wasm-opt="0"` has Trunk leave the module as wasm-bindgen
/// wrote it, function names included) and puts the new hash in `index.html`.
fn prune_exports(tools: &Tools, dist: &Path) -> Result<()> {
    let wasm = the_wasm(dist)?;
    let before = std::fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let exports =
        names::export_names(&before).with_context(|| format!("reading {}", wasm.display()))?;
    let kept: Vec<serde_json::Value> = exports
        .iter()
        .filter(|name| !UNCALLED_EXPORTS.iter().any(|p| name.starts_with(p)))
        .enumerate()
        .map(|(i, name)| serde_json::json!({"name": format!("e{i}"), "root": true, "export": name}))
        .collect();
    let graph = wasm.with_extension("graph.json");
    std::fs::write(&graph, serde_json::to_vec(&kept)?)
        .with_context(|| format!("writing {}", graph.display()))?;
    // The features Rust's wasm32 target emits (wasm-opt needs them named to read the module).
    let features = [
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
        "--enable-sign-ext",
        "--enable-mutable-globals",
        "--enable-reference-types",
        "--enable-multivalue",
    ];
    let pruned = wasm.with_extension("pruned.wasm");
    let mut metadce = tools.command("wasm-metadce");
    metadce
        .args(features)
        // Keep the function names for `stub_functions` (the final wasm-opt drops them).
        .arg("--debuginfo")
        .arg("--graph-file")
        .arg(&graph)
        .arg(&wasm)
        .arg("-o")
        .arg(&pruned);
    // metadce reports what it removed on stdout, one line per item: not worth the log.
    let out = metadce
        .output()
        .with_context(|| "running wasm-metadce (binaryen)")?;
    if !out.status.success() {
        bail!(
            "wasm-metadce failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // `--low-memory-unused` below lets wasm-opt fold constant offsets into loads and stores, which
    // is sound only if nothing lives in the first 1 KiB of memory. Rust's wasm32 layout puts the
    // stack first and the data from 1 MiB up, so only a stack about to overflow reaches there.
    match names::lowest_data_address(&before) {
        Ok(Some(address)) if address >= 1024 => {}
        other => bail!(
            "{}: the data does not start above the first 1 KiB of memory ({other:?}), which \
             `wasm-opt --low-memory-unused` assumes",
            wasm.display()
        ),
    }
    let (stubbed, count) = names::stub_functions(
        &std::fs::read(&pruned).with_context(|| format!("reading {}", pruned.display()))?,
        UNREACHABLE_CODE,
    )
    .with_context(|| format!("stubbing dead code in {}", pruned.display()))?;
    std::fs::write(&pruned, stubbed).with_context(|| format!("writing {}", pruned.display()))?;
    println!("stubbed {count} functions only the pruned exports reach");
    sh(tools
        .command("wasm-opt")
        // Twice: the second run finds more once the first has simplified (−220 B brotli when
        // measured; `--converge` found nothing beyond it).
        .args(["-Oz", "-Oz", "--low-memory-unused"])
        .args(features)
        .arg(&pruned)
        .arg("-o")
        .arg(&wasm))?;
    for temporary in [&graph, &pruned] {
        std::fs::remove_file(temporary)
            .with_context(|| format!("removing {}", temporary.display()))?;
    }
    let after = std::fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))?;
    edit_index(dist, |index| rehash(index, &wasm, &before, &after))?;
    println!(
        "pruned {} uncalled exports from {}: {} -> {} bytes",
        exports.len() - kept.len(),
        wasm.file_name().unwrap_or_default().to_string_lossy(),
        before.len(),
        after.len()
    );
    Ok(())
}

/// Renames the imports and long exports between the WebAssembly and its glue ([`names`]) and
/// puts both files' new hashes in `index.html`.
fn shorten_names(dist: &Path) -> Result<()> {
    let assets = dist.join("assets");
    let wasm = the_wasm(dist)?;
    let stem = wasm
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix("_bg.wasm"))
        .with_context(|| format!("{} is not wasm-bindgen's", wasm.display()))?;
    let glue = assets.join(format!("{stem}.js"));
    let module = std::fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let text =
        std::fs::read_to_string(&glue).with_context(|| format!("reading {}", glue.display()))?;
    let pruned = names::drop_classes(&text, UNCALLED_EXPORTS)
        .with_context(|| format!("dropping the pruned classes from {}", glue.display()))?;
    let (short_module, short_text) = names::shorten(&module, &pruned)
        .with_context(|| format!("shortening the names of {}", wasm.display()))?;
    edit_index(dist, |index| {
        for (path, before, after) in [
            (&wasm, module.as_slice(), short_module.as_slice()),
            (&glue, text.as_bytes(), short_text.as_bytes()),
        ] {
            rehash(index, path, before, after)?;
            std::fs::write(path, after).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    })?;
    println!(
        "shortened the names between {} and its glue: {} -> {} and {} -> {} bytes",
        wasm.file_name().unwrap_or_default().to_string_lossy(),
        module.len(),
        short_module.len(),
        text.len(),
        short_text.len()
    );
    Ok(())
}

/// The most `dist/embed.js` may weigh, brotli-compressed: a portal loads it on every visit.
pub const EMBED_BUDGET_BYTES: u64 = 2_048;

/// `public/embed.js` minified to `dist/embed.js`, not hashed: portals reference a stable URL.
fn embed_script(tools: &Tools, root: &Path, dist: &Path) -> Result<()> {
    let out = dist.join(EMBED_FILE);
    minify(tools, &root.join("public/embed.js"), &out)?;
    let bytes = std::fs::read(&out).with_context(|| format!("reading {}", out.display()))?;
    let brotli = crate::size::brotli_len(&bytes)?;
    if brotli > EMBED_BUDGET_BYTES {
        bail!("{EMBED_FILE} weighs {brotli} bytes with brotli, over its {EMBED_BUDGET_BYTES}");
    }
    println!("{EMBED_FILE}: {} bytes, {brotli} with brotli", bytes.len());
    Ok(())
}

/// The portals' script in `dist/`.
pub const EMBED_FILE: &str = "embed.js";

/// Reads `dist/index.html`, lets `edit` change it, and writes it back.
fn edit_index(dist: &Path, edit: impl FnOnce(&mut String) -> Result<()>) -> Result<()> {
    let path = dist.join("index.html");
    let mut index =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    edit(&mut index)?;
    std::fs::write(&path, index).with_context(|| format!("writing {}", path.display()))
}

/// Puts `after`'s integrity hash in `index.html` where `path`'s was (`before`'s): every rewrite
/// of a file the page loads goes through here, so none is left with a stale hash.
fn rehash(index: &mut String, path: &Path, before: &[u8], after: &[u8]) -> Result<()> {
    let old = integrity(before);
    if !index.contains(&old) {
        bail!(
            "index.html has no integrity hash for {}: is it still referenced?",
            path.display()
        );
    }
    *index = index.replace(&old, &integrity(after));
    Ok(())
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
/// minified into `assets/lazy/` under names carrying their hash (outside the page's budget: a
/// phone downloads one only when its operator turned it on); returns `name → [file, integrity]`
/// with `file` relative to `assets/`.
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
        let dir = assets.join("lazy");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let scratch = dir.join(format!("{name}.min.js"));
        minify(tools, &source, &scratch)?;
        let bytes =
            std::fs::read(&scratch).with_context(|| format!("reading {}", scratch.display()))?;
        let hash = Sha384::digest(&bytes);
        let file = format!(
            "lazy/{name}-{:x}.js",
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
        rehash(&mut index, &script, &before, &after)?;
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
