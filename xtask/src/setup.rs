//! `cargo xtask setup`: installs what building and testing the page needs, from the package
//! registries only (crates.io, npm, Debian), never from GitHub. Idempotent: each tool's version is
//! checked first and only what is missing or wrong is installed.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::project::{self, output, sh};

/// Trunk's newest release (0.22) needs a newer rustc than these machines have; 0.21 builds with
/// rustc 1.81 and later.
const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// axe-core, the accessibility checker the end-to-end suite injects into every screen.
const AXE_CORE_VERSION: &str = "4.14.1";
/// esbuild, which minifies the page's JavaScript (Trunk's minifier cannot read wasm-bindgen's glue).
const ESBUILD_VERSION: &str = "0.28.2";
/// CLDR's core data (plural rules, likely scripts, script directions) for the language checks.
const CLDR_CORE_VERSION: &str = "48.2.0";

/// The installed tools, and how to run them.
pub struct Tools {
    path: std::ffi::OsString,
    /// ChromeDriver, for wasm-bindgen-test and the end-to-end suite.
    pub chromedriver: PathBuf,
    /// Chromium.
    pub chromium: PathBuf,
    /// axe-core's browser bundle.
    pub axe_core_js: PathBuf,
    /// esbuild.
    pub esbuild: PathBuf,
    /// The `cldr-core` package folder.
    pub cldr: PathBuf,
    /// nginx and Caddy, for the hosting recipes' tests.
    pub nginx: PathBuf,
    pub caddy: PathBuf,
}

impl Tools {
    /// A command for a tool, with the project's tools first on PATH.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("PATH", &self.path);
        cmd
    }
}

/// The versions Trunk.toml pins.
struct Pins {
    wasm_bindgen: String,
    wasm_opt: String,
}

fn pins() -> Result<Pins> {
    let path = project::root().join("Trunk.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let doc: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let tool = |key: &str| -> Result<String> {
        doc.get("tools")
            .and_then(|t| t.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .with_context(|| format!("Trunk.toml has no [tools] {key} pin"))
    };
    if doc
        .get("build")
        .and_then(|b| b.get("offline"))
        .and_then(|v| v.as_bool())
        != Some(true)
    {
        bail!("Trunk.toml must set offline = true under [build]: Trunk may not download tools");
    }
    Ok(Pins {
        wasm_bindgen: tool("wasm_bindgen")?,
        wasm_opt: tool("wasm_opt")?,
    })
}

/// The `wasm-bindgen` version Cargo.lock pins; the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let path = project::root().join("Cargo.lock");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let lock: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    lock.get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(|n| n.as_str()) == Some("wasm-bindgen"))
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .context("Cargo.lock has no wasm-bindgen package")
}

/// Checks and installs everything; returns how to run the tools.
pub fn run() -> Result<Tools> {
    println!("== setup");
    let pins = pins()?;
    let locked = locked_wasm_bindgen()?;
    if pins.wasm_bindgen != locked {
        bail!(
            "Trunk.toml pins wasm_bindgen = \"{}\" but Cargo.lock has wasm-bindgen {locked}: \
             set the pin to {locked}",
            pins.wasm_bindgen
        );
    }
    let binaryen_bin = project::tools_dir().join("binaryen/node_modules/.bin");
    let tools = Tools {
        path: project::path_with(&[binaryen_bin.clone(), project::cargo_bin()])?,
        chromedriver: PathBuf::from("/usr/bin/chromedriver"),
        chromium: PathBuf::from("/usr/bin/chromium"),
        axe_core_js: project::tools_dir().join("axe/node_modules/axe-core/axe.min.js"),
        esbuild: project::tools_dir().join("esbuild/node_modules/.bin/esbuild"),
        cldr: project::tools_dir().join("cldr/node_modules/cldr-core"),
        nginx: PathBuf::from("/usr/sbin/nginx"),
        caddy: PathBuf::from("/usr/bin/caddy"),
    };

    wasm_target()?;
    cargo_tool(
        &tools,
        "trunk",
        "trunk",
        TRUNK_VERSION,
        &format!("trunk {TRUNK_VERSION}"),
    )?;
    cargo_tool(
        &tools,
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &locked,
        &format!("wasm-bindgen {locked}"),
    )?;
    cargo_tool(
        &tools,
        "wasm-bindgen-test-runner",
        "wasm-bindgen-cli",
        &locked,
        &format!("wasm-bindgen-test-runner {locked}"),
    )?;
    wasm_opt(&tools, &pins.wasm_opt, &binaryen_bin)?;
    axe_core(&tools)?;
    esbuild(&tools)?;
    npm_package(&tools, "cldr", "cldr-core", CLDR_CORE_VERSION)?;
    browser(&tools)?;
    web_servers(&tools)?;
    println!("== setup: all tools present");
    Ok(tools)
}

fn wasm_target() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .context("rustup is needed (https://rustup.rs): `rustup target list` failed")?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("ok   rust target {WASM_TARGET}");
        return Ok(());
    }
    sh(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Installs a cargo-installed tool unless `program --version` already prints `want`.
fn cargo_tool(tools: &Tools, program: &str, krate: &str, version: &str, want: &str) -> Result<()> {
    let found = output(tools.command(program).arg("--version"));
    if found.as_deref() == Some(want) {
        println!("ok   {want}");
        return Ok(());
    }
    println!(
        "need {want} (found: {})",
        found.as_deref().unwrap_or("nothing")
    );
    let locked =
        sh(tools
            .command("cargo")
            .args(["install", "--locked", krate, "--version", version]));
    if let Err(error) = locked {
        // A crate's lock file can name a dependency version the registry no longer serves
        // (wasm-bindgen-cli 0.2.130 locks a webpki-roots that was pulled): resolve afresh.
        println!("--locked install failed ({error:#}); retrying with a fresh resolution");
        sh(tools
            .command("cargo")
            .args(["install", "--force", krate, "--version", version]))?;
    }
    let found = output(tools.command(program).arg("--version"));
    if found.as_deref() != Some(want) {
        bail!("installed {krate} {version}, but `{program} --version` says {found:?}");
    }
    Ok(())
}

/// wasm-opt from the npm package `binaryen` (Debian's is years old), into `.tools/`.
fn wasm_opt(tools: &Tools, pin: &str, bin: &std::path::Path) -> Result<()> {
    let number = pin
        .strip_prefix("version_")
        .with_context(|| format!("Trunk.toml wasm_opt pin {pin:?} is not version_N"))?;
    let exe = bin.join("wasm-opt");
    let want = format!("wasm-opt version {number} ({pin})");
    let found = output(Command::new(&exe).arg("--version"));
    if found.as_deref() == Some(want.as_str()) {
        println!("ok   {want}");
        return Ok(());
    }
    println!(
        "need {want} (found: {})",
        found.as_deref().unwrap_or("nothing")
    );
    npm_install(tools, "binaryen", &format!("binaryen@{number}"))?;
    let found = output(Command::new(&exe).arg("--version"));
    if found.as_deref() != Some(want.as_str()) {
        bail!(
            "installed binaryen@{number}, but {} says {found:?}",
            exe.display()
        );
    }
    Ok(())
}

/// axe-core from npm into `.tools/axe`, checked by its package version.
fn axe_core(tools: &Tools) -> Result<()> {
    let prefix = project::tools_dir().join("axe");
    let manifest = prefix.join("node_modules/axe-core/package.json");
    let installed = std::fs::read_to_string(&manifest).ok().and_then(|text| {
        text.lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("\"version\": \"")?
                    .strip_suffix("\",")
            })
            .map(str::to_owned)
    });
    if installed.as_deref() == Some(AXE_CORE_VERSION) && tools.axe_core_js.is_file() {
        println!("ok   axe-core {AXE_CORE_VERSION}");
        return Ok(());
    }
    println!(
        "need axe-core {AXE_CORE_VERSION} (found: {})",
        installed.as_deref().unwrap_or("nothing")
    );
    npm_install(tools, "axe", &format!("axe-core@{AXE_CORE_VERSION}"))?;
    if !tools.axe_core_js.is_file() {
        bail!(
            "installed axe-core, but {} is missing",
            tools.axe_core_js.display()
        );
    }
    Ok(())
}

/// esbuild from npm into `.tools/esbuild`, checked by asking it its version.
fn esbuild(tools: &Tools) -> Result<()> {
    let found = output(Command::new(&tools.esbuild).arg("--version"));
    if found.as_deref() == Some(ESBUILD_VERSION) {
        println!("ok   esbuild {ESBUILD_VERSION}");
        return Ok(());
    }
    println!(
        "need esbuild {ESBUILD_VERSION} (found: {})",
        found.as_deref().unwrap_or("nothing")
    );
    npm_install(tools, "esbuild", &format!("esbuild@{ESBUILD_VERSION}"))?;
    let found = output(Command::new(&tools.esbuild).arg("--version"));
    if found.as_deref() != Some(ESBUILD_VERSION) {
        bail!("installed esbuild {ESBUILD_VERSION}, but it says {found:?}");
    }
    Ok(())
}

/// A data package from npm into `.tools/FOLDER`, checked by its `package.json` version.
fn npm_package(tools: &Tools, folder: &str, package: &str, version: &str) -> Result<()> {
    let manifest = project::tools_dir()
        .join(folder)
        .join("node_modules")
        .join(package)
        .join("package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned));
    if installed.as_deref() == Some(version) {
        println!("ok   {package} {version}");
        return Ok(());
    }
    println!(
        "need {package} {version} (found: {})",
        installed.as_deref().unwrap_or("nothing")
    );
    npm_install(tools, folder, &format!("{package}@{version}"))
}

/// `npm install PACKAGE` into `.tools/FOLDER` (installing Node.js and npm first if need be).
fn npm_install(tools: &Tools, folder: &str, package: &str) -> Result<()> {
    if output(Command::new("npm").arg("--version")).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    let prefix = project::tools_dir().join(folder);
    std::fs::create_dir_all(&prefix).with_context(|| format!("creating {}", prefix.display()))?;
    sh(tools
        .command("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--prefix",
        ])
        .arg(&prefix)
        .arg(package))
}

fn browser(tools: &Tools) -> Result<()> {
    let chromium = output(Command::new(&tools.chromium).arg("--version"));
    let driver = output(Command::new(&tools.chromedriver).arg("--version"));
    if let (Some(chromium), Some(driver)) = (&chromium, &driver) {
        println!(
            "ok   {chromium}; {}",
            driver.split(" (").next().unwrap_or(driver)
        );
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// nginx with its brotli_static module, Caddy and openssl: the hosting recipes are tested on them. The
/// tests run their own unprivileged processes; a system service the packages may start (on a
/// machine with systemd) is not used.
fn web_servers(tools: &Tools) -> Result<()> {
    // `nginx -v` writes to stderr.
    let nginx = Command::new(&tools.nginx)
        .arg("-v")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stderr).trim().to_owned());
    let brotli = std::path::Path::new(hosting::servers::BROTLI_STATIC_MODULE).is_file();
    let caddy = output(Command::new(&tools.caddy).arg("version"));
    let mut missing = Vec::new();
    if nginx.is_none() {
        missing.push("nginx-light");
    }
    if !brotli {
        missing.push("libnginx-mod-http-brotli-static");
    }
    if caddy.is_none() {
        missing.push("caddy");
    }
    // A throwaway certificate lets `nginx -t` read the committed recipe's TLS server.
    if output(Command::new("openssl").arg("version")).is_none() {
        missing.push("openssl");
    }
    if missing.is_empty() {
        let nginx = nginx.unwrap_or_default();
        let nginx = nginx.strip_prefix("nginx version: ").unwrap_or(&nginx);
        let caddy = caddy.unwrap_or_default();
        let caddy = caddy.split_whitespace().next().unwrap_or_default();
        println!("ok   {nginx} with brotli_static; caddy {caddy}");
        return Ok(());
    }
    apt_install(&missing)
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let sudo = |args: &[&str]| {
        let mut cmd = if root {
            Command::new(args[0])
        } else {
            let mut c = Command::new("sudo");
            c.arg(args[0]);
            c
        };
        cmd.args(&args[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    sh(&mut sudo(&["apt-get", "update", "-q"]))?;
    let mut install = sudo(&["apt-get", "install", "-y", "-q"]);
    install.args(packages);
    sh(&mut install)
}
