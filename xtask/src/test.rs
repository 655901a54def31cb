//! `cargo xtask test`: every check a change must pass, in the order that fails fastest.

use std::time::Instant;

use anyhow::{Result, bail};

use crate::project::{self, sh};
use crate::setup;
use crate::size;
use crate::{languages, page};

pub fn run() -> Result<()> {
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut step = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        println!("\n== {name}");
        let t = Instant::now();
        f()?;
        timings.push((name.to_owned(), t.elapsed()));
        Ok(())
    };

    let mut tools = None;
    step("setup", &mut || {
        tools = Some(setup::run()?);
        Ok(())
    })?;
    let Some(tools) = tools else {
        bail!("setup returned no tools")
    };
    let root = project::root();
    let wasm = ["--target", "wasm32-unknown-unknown"];

    step("fmt", &mut || {
        sh(tools
            .command("cargo")
            .args(["fmt", "--all", "--", "--check"])
            .current_dir(&root))
    })?;
    step("clippy (host)", &mut || {
        sh(tools
            .command("cargo")
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&root))
    })?;
    step("clippy (wasm32)", &mut || {
        sh(tools
            .command("cargo")
            .args(["clippy", "-p", "device-page", "--all-targets"])
            .args(wasm)
            .args(["--", "-D", "warnings"])
            .current_dir(&root))
    })?;
    step(
        "languages (every file against en.json and CLDR)",
        &mut || {
            let cldr = languages::Cldr::load(&tools.cldr)?;
            let checked = languages::check(&root.join("i18n"), &cldr)?;
            languages::check_own_messages(&root)?;
            let largest = checked.iter().max_by_key(|c| c.shipped_brotli);
            println!(
                "{} languages, complete; largest as shipped: {}",
                checked.len(),
                largest.map_or(String::new(), |c| format!(
                    "{} ({} bytes brotli)",
                    c.tag, c.shipped_brotli
                ))
            );
            Ok(())
        },
    )?;
    step("page build (trunk, release)", &mut || {
        page::build(&tools, &root, &root.join("dist")).map(drop)
    })?;
    step("size budget", &mut || {
        let files = size::measure(&root.join("dist"))?;
        print!("{}", size::table(&files));
        for optional in size::measure_all(&root.join("dist"))?
            .iter()
            .filter(|f| size::is_optional(&f.name))
        {
            println!(
                "(only when turned on, not in the total) {}: {} bytes brotli",
                optional.name, optional.brotli
            );
        }
        let total: u64 = files.iter().map(|f| f.brotli).sum();
        if total > size::BUDGET_BYTES {
            bail!(
                "the page weighs {total} bytes compressed with brotli, over its budget of {} bytes",
                size::BUDGET_BYTES
            );
        }
        println!(
            "within budget: {total} of {} bytes (brotli)",
            size::BUDGET_BYTES
        );
        Ok(())
    })?;
    step(
        "hosting recipes (drift, then real nginx and Caddy)",
        &mut || {
            sh(tools
                .command("cargo")
                .args(["test", "-p", "hosting"])
                .env("E2E_DIST", root.join("dist"))
                .env("NGINX", &tools.nginx)
                .env("CADDY", &tools.caddy)
                .env("HOSTING_REQUIRE_SERVERS", "1")
                .current_dir(&root))
        },
    )?;
    step(
        "native tests (unit, emulator, device CLI, end to end in Chromium)",
        &mut || {
            // The suite's copy of the page also speaks the two pseudo-locales.
            let e2e_dist = root.join("target/e2e-dist");
            languages::test_dist(&root, &root.join("dist"), &e2e_dist)?;
            sh(tools
                .command("cargo")
                .args(["test", "--workspace", "--exclude", "hosting"])
                .env("E2E_DIST", &e2e_dist)
                .env("NGINX", &tools.nginx)
                .env("CADDY", &tools.caddy)
                .env("HOSTING_REQUIRE_SERVERS", "1")
                .env("CHROMEDRIVER", &tools.chromedriver)
                .env("CHROMIUM", &tools.chromium)
                .env("AXE_CORE_JS", &tools.axe_core_js)
                .current_dir(&root))
        },
    )?;
    step(
        "browser tests (wasm-bindgen-test, headless Chromium)",
        &mut || {
            sh(tools
                .command("cargo")
                .args(["test", "-p", "device-page"])
                .args(wasm)
                .env("CHROMEDRIVER", &tools.chromedriver)
                .current_dir(&root))
        },
    )?;

    println!("\n== timings");
    for (name, took) in &timings {
        println!("{:>8.1}s  {name}", took.as_secs_f64());
    }
    println!("{:>8.1}s  total", started.elapsed().as_secs_f64());
    Ok(())
}
