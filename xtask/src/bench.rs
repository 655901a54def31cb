//! `cargo xtask bench`: the figures that matter to a person on a phone in front of a TV, measured
//! rather than guessed. Builds the page for release (with its precompressed siblings), then
//! writes `target/bench/report.json` and `target/bench/report.md`:
//! - weight: every dist file raw, gzip -9 and brotli, and the requests a cold load makes until
//!   the first actionable screen;
//! - time to act on the redirect and the typed path: headless Chromium, cold and warm cache, at
//!   the default CPU and at 4× CPU throttling with a slow-4G network, with the breakdown that
//!   explains it; with `--baseline <rev>` that revision's page is built and timed in the same
//!   run, loads alternating, so a change shows as a ratio;
//! - the emulator under load: N device flows at once, end to end over HTTP.
//!
//! Never part of `cargo xtask test`: it takes minutes and its figures depend on the machine.

mod act;
mod baseline;
mod load;
mod phases;
mod report;
mod site;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use browser_kit::{Browser, Network};

use crate::project::{self, output};
use crate::setup::{self, Tools};
use act::Conditions;
use site::Serving;

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
    /// A git revision whose page is timed against this tree's in the same run.
    pub baseline: Option<String>,
    /// The conditions to time under, by name; empty for all of them.
    pub only: Vec<String>,
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
    if let Some(unknown) = args
        .only
        .iter()
        .find(|n| !conditions().iter().any(|c| c.name == n.as_str()))
    {
        bail!("--only {unknown}: the conditions are default and slow-phone");
    }
    let started = Instant::now();
    let tools = setup::run()?;
    let root = project::root();
    let out = root.join("target/bench");
    let dist = out.join("dist");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

    println!("\n== bench: page build (release) into {}", dist.display());
    let files = crate::page::build(&tools, &root, &dist)?;
    let files = if args.uncompressed {
        println!("== bench: weight (no precompressed siblings: --uncompressed)");
        crate::precompress::analyse(&dist, false)?
    } else {
        files
    };
    let baseline = match &args.baseline {
        Some(rev) => {
            println!("\n== bench: the baseline's page ({rev})");
            let b = baseline::build(&tools, &root, rev, &out, !args.uncompressed)?;
            println!(
                "   {} \"{}\": built by {}, served by {}",
                b.commit,
                b.subject,
                b.recipe,
                b.serving.describe()
            );
            Some(b)
        }
        None => None,
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let (series, marks, load) = runtime.block_on(measure(
        &tools,
        &dist,
        baseline.as_ref(),
        &out,
        &args,
        steady,
    ))?;

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
    let new = report::Build {
        name: "new",
        label: ctx.commit.clone(),
        recipe: "this tree's release recipe (xtask/src/page.rs)".to_owned(),
        serving: Serving::Policy.describe(),
        marks: marks.new,
        files,
        counted: counted(&dist)?,
    };
    let old = match baseline {
        Some(b) => Some(report::Build {
            name: "baseline",
            label: format!("{} ({}: \"{}\")", b.commit, b.asked, b.subject),
            recipe: b.recipe.to_owned(),
            serving: b.serving.describe(),
            marks: marks.baseline,
            counted: counted(&b.dist)?,
            files: b.files,
        }),
        None => None,
    };
    let (json, md) = report::render(&ctx, &new, old.as_ref(), &series, &load);
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

/// The files of `dist` the size budget counts (it knows which language files a phone loads).
fn counted(dist: &Path) -> Result<Vec<String>> {
    Ok(crate::size::measure(dist)?
        .into_iter()
        .map(|f| f.name)
        .collect())
}

/// The marks each build sets, as found in its files.
struct Marks {
    new: Vec<&'static str>,
    baseline: Vec<&'static str>,
}

async fn measure(
    tools: &Tools,
    dist: &Path,
    baseline: Option<&baseline::Baseline>,
    out: &Path,
    args: &BenchArgs,
    steady: usize,
) -> Result<(Vec<act::Series>, Marks, Vec<load::Outcome>)> {
    let loopback = || "127.0.0.1:0".parse().context("loopback address");

    println!("\n== bench: time to act ({} runs per series)", args.runs);
    let mut served = Vec::new();
    if let Some(b) = baseline {
        served.push(site::serve("baseline", &b.dist, b.serving).await?);
    }
    served.push(site::serve("new", dist, Serving::Policy).await?);
    let sites: Vec<act::Site> = served.iter().map(|s| s.site.clone()).collect();
    let marks_of = |build: &str| {
        sites
            .iter()
            .find(|s| s.build == build)
            .map(|s| s.marks.clone())
            .unwrap_or_default()
    };
    let marks = Marks {
        new: marks_of("new"),
        baseline: marks_of("baseline"),
    };
    for s in &sites {
        println!(
            "   {}: page {}, API {}, marks besides {}: {}",
            s.build,
            s.page,
            s.api,
            act::ACTIONABLE_MARK,
            if s.marks.is_empty() {
                "none".to_owned()
            } else {
                s.marks.join(", ")
            }
        );
    }
    let browser = Browser {
        chromedriver: tools.chromedriver.clone(),
        chromium: tools.chromium.clone(),
        out: out.to_path_buf(),
    };
    let timed: Vec<Conditions> = conditions()
        .into_iter()
        .filter(|c| args.only.is_empty() || args.only.iter().any(|n| n == c.name))
        .collect();
    let series = act::measure(&browser, &sites, &timed, args.runs).await;
    for s in served {
        s.shutdown().await;
    }
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
    Ok((series, marks, passes))
}

fn command_line(args: &BenchArgs) -> String {
    let mut line = format!(
        "cargo xtask bench --runs {} --flows {} --concurrency {}",
        args.runs, args.flows, args.concurrency
    );
    if args.uncompressed {
        line += " --uncompressed";
    }
    if let Some(rev) = &args.baseline {
        line += &format!(" --baseline {rev}");
    }
    for name in &args.only {
        line += &format!(" --only {name}");
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
