//! `cargo xtask bench`: the figures that matter to a person on a phone in front of a TV, measured
//! rather than guessed. Builds the page for release (with its precompressed siblings), then
//! writes `target/bench/report.json` and `target/bench/report.md`:
//! - weight: every dist file raw, gzip -9 and brotli, and the requests a cold load makes until
//!   the first actionable screen;
//! - time to act: headless Chromium, cold and warm cache, at the default CPU and at 4× CPU
//!   throttling with a slow-4G network;
//! - the emulator under load: N device flows at once, end to end over HTTP.
//!
//! Never part of `cargo xtask test`: it takes minutes and its figures depend on the machine.

mod act;
mod load;
mod report;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use browser_kit::{Browser, Network};

use crate::project::{self, output};
use crate::setup::{self, Tools};
use act::Conditions;

/// What to measure, and how much.
pub struct BenchArgs {
    /// Cold+warm page-load pairs per set of conditions.
    pub runs: usize,
    /// Device flows for the load run.
    pub flows: usize,
    /// Flows in flight at once in the bounded pass (the burst pass runs them all at once).
    pub concurrency: usize,
    /// Measure without the `.br`/`.gz` siblings (the "before" of that reduction).
    pub uncompressed: bool,
}

/// The conditions the page is timed under.
fn conditions() -> Vec<Conditions> {
    vec![
        Conditions {
            name: "default",
            description: "default CPU, loopback network",
            cpu_slowdown: 1.0,
            network: None,
        },
        Conditions {
            name: "slow-phone",
            description: "4× CPU throttling, slow 4G (150 ms RTT, 1.6 Mbps down, 750 kbps up)",
            cpu_slowdown: 4.0,
            network: Some(Network {
                latency_ms: 150.0,
                down_bps: 1.6e6,
                up_bps: 750e3,
            }),
        },
    ]
}

pub fn run(args: BenchArgs) -> Result<()> {
    if !(1..=1000).contains(&args.runs) {
        bail!("--runs must be 1 to 1000 (got {})", args.runs);
    }
    if !(1..=100_000).contains(&args.flows) {
        bail!("--flows must be 1 to 100000 (got {})", args.flows);
    }
    let steady = args.concurrency.clamp(1, args.flows);
    if args.runs < 15 {
        println!(
            "note: {} runs per series; the report wants at least 15",
            args.runs
        );
    }
    let started = Instant::now();
    let tools = setup::run()?;
    let root = project::root();
    let out = root.join("target/bench");
    let dist = out.join("dist");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

    println!(
        "\n== bench: page build (trunk, release) into {}",
        dist.display()
    );
    crate::page::build(&tools, &root, &dist)?;
    let compressing = Instant::now();
    let files = if args.uncompressed {
        println!("== bench: weight (no precompressed siblings: --uncompressed)");
        crate::precompress::analyse(&dist, false)?
    } else {
        println!("== bench: weight, and the precompressed siblings");
        crate::precompress::run(&dist)?
    };
    println!("   ({:.1} s)", compressing.elapsed().as_secs_f64());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let (series, load) = runtime.block_on(measure(&tools, &dist, &out, &args, steady))?;

    let ctx = report::Context {
        command: command_line(&args),
        generated: output(std::process::Command::new("date").args(["-u", "+%FT%TZ"]))
            .unwrap_or_default(),
        commit: commit(&root),
        chromium: output(std::process::Command::new(&tools.chromium).arg("--version"))
            .unwrap_or_else(|| "Chromium (version unknown)".to_owned()),
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        precompressed: !args.uncompressed,
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    };
    let (json, md) = report::render(&ctx, &files, &series, &load);
    for (name, text) in [("report.json", &json), ("report.md", &md)] {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    println!("\n{md}");
    println!(
        "== bench: wrote {} and report.md in {:.0} s",
        out.join("report.json").display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn measure(
    tools: &Tools,
    dist: &Path,
    out: &Path,
    args: &BenchArgs,
    steady: usize,
) -> Result<(Vec<act::Series>, Vec<load::Outcome>)> {
    let loopback = || "127.0.0.1:0".parse().context("loopback address");

    println!("\n== bench: time to act ({} runs per series)", args.runs);
    let emu = emulator::start(emulator::Options {
        api_addr: loopback()?,
        page_addr: Some(loopback()?),
        dist: Some(dist.to_path_buf()),
        config: emulator::Config::demo(),
    })
    .await
    .context("starting the emulator for the page")?;
    let browser = Browser {
        chromedriver: tools.chromedriver.clone(),
        chromium: tools.chromium.clone(),
        out: out.to_path_buf(),
    };
    let api = emu.api_url();
    let target = act::Target {
        api: &api,
        env: emu.env_id(),
        client_id: emu.client_id(),
    };
    let series = act::measure(&browser, &target, &conditions(), args.runs).await;
    emu.shutdown().await;
    let series = series?;

    let mut passes = Vec::new();
    let mut widths = vec![args.flows];
    if steady < args.flows {
        widths.push(steady);
    }
    for concurrency in widths {
        println!(
            "\n== bench: emulator under load ({} flows, {concurrency} in flight)",
            args.flows
        );
        let emu = emulator::start(emulator::Options {
            api_addr: loopback()?,
            page_addr: None,
            dist: None,
            config: emulator::Config::demo(),
        })
        .await
        .context("starting the emulator for the load run")?;
        let api = load::Api {
            url: emu.api_url(),
            env: emu.env_id().to_owned(),
            client_id: emu.client_id().to_owned(),
        };
        let outcome = load::run(api, args.flows, concurrency).await;
        // The emulator's own record: every flow whose TV got a token was completed there.
        let recorded = emu
            .flows()
            .iter()
            .filter(|f| f.status == "COMPLETED")
            .count();
        emu.shutdown().await;
        let outcome = outcome?;
        println!(
            "  {} of {} completed ({recorded} completed as the emulator recorded them), {} errors, \
             {:.0} flows/s",
            outcome.completed,
            outcome.flows,
            outcome.errors.values().sum::<usize>(),
            outcome.flows_per_second()
        );
        if recorded < outcome.completed {
            bail!(
                "{} flows got tokens but the emulator completed only {recorded}",
                outcome.completed
            );
        }
        passes.push(outcome);
    }
    Ok((series, passes))
}

fn command_line(args: &BenchArgs) -> String {
    let mut line = format!(
        "cargo xtask bench --runs {} --flows {} --concurrency {}",
        args.runs, args.flows, args.concurrency
    );
    if args.uncompressed {
        line += " --uncompressed";
    }
    line
}

/// The commit the figures belong to, `-dirty` with uncommitted changes.
fn commit(root: &Path) -> String {
    let git = |args: &[&str]| {
        output(
            std::process::Command::new("git")
                .args(args)
                .current_dir(root),
        )
    };
    let head = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    match git(&["status", "--porcelain"]) {
        Some(changes) if !changes.is_empty() => format!("{head}-dirty"),
        _ => head,
    }
}
