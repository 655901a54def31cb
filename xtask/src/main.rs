//! `cargo xtask`: the project's tool setup, test, demo and bench commands, in Rust so they run
//! wherever cargo does.

mod bench;
mod demo;
mod inline;
mod languages;
mod names;
mod page;
mod precompress;
mod project;
mod recipes;
mod setup;
mod size;
mod test;

use clap::{Parser, Subcommand};

/// Project tasks for the PingOne /device verification page.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what the build and the tests need (idempotent; quick when all is there).
    Setup,
    /// Set up, then build the page for release into dist/ (what `test`, `demo` and `bench` build)
    /// and the suite's copy into target/e2e-dist.
    Build,
    /// Set up, then run every check: fmt, clippy (host and wasm32), tests, release build, size budget.
    Test,
    /// Set up, build the page, start the emulator serving it and run the device CLI against it.
    Demo {
        /// Address to listen on: 0.0.0.0 lets a phone on the same network open the page.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Host name or IP the links and the QR code carry (default: this machine's LAN
        /// address with --host 0.0.0.0, else --host).
        #[arg(long)]
        public_host: Option<String>,
        /// Also serve the demo portal (port 8090), which embeds the page and lists what the
        /// page tells it: open it, then the TV's link inside it.
        #[arg(long)]
        portal: bool,
    },
    /// Write the hosting recipes (nginx, Caddy, static hosts, CloudFront) from
    /// deploy/headers.toml: the committed examples, or with site values your own into --out.
    Hosting(recipes::HostingArgs),
    /// Build the page for release and measure it: weight, time to act in headless Chromium
    /// (redirect and typed path, cold/warm, default and slow phone) against an optional
    /// baseline revision, the emulator under load. Writes target/bench/report.{json,md}.
    Bench {
        /// Cold+warm page-load pairs per build, path and set of conditions (at least 15 for the report).
        #[arg(long, default_value_t = 15)]
        runs: usize,
        /// Device flows run concurrently against the emulator, end to end.
        #[arg(long, default_value_t = 1000)]
        flows: usize,
        /// Flows in flight in the second, bounded load pass (the first runs all at once): 32
        /// keeps two cores busy (client and emulator share them) without measuring queueing.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
        /// Serve the page without its precompressed .br/.gz files (the "before" figures).
        #[arg(long)]
        uncompressed: bool,
        /// A git revision (e.g. main) whose page is built too and timed in the same run,
        /// loads alternating, so time to act is reported as a ratio new/baseline.
        #[arg(long, value_name = "REV")]
        baseline: Option<String>,
        /// Time the page only under these conditions (`default`, `slow-phone`; repeatable):
        /// a quicker run while working on one of them. Every set by default.
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Setup => setup::run().map(|_| std::process::ExitCode::SUCCESS),
        Task::Build => setup::run()
            .and_then(|tools| {
                let root = project::root();
                page::build(&tools, &root, &root.join("dist"))?;
                // The suite's copy (pseudo-locales added), so `cargo test --test e2e` can run
                // against this build without the whole `cargo xtask test`.
                languages::test_dist(&root, &root.join("dist"), &root.join("target/e2e-dist"))
            })
            .map(|_| std::process::ExitCode::SUCCESS),
        Task::Test => test::run().map(|()| std::process::ExitCode::SUCCESS),
        Task::Demo {
            host,
            public_host,
            portal,
        } => demo::run(demo::DemoArgs {
            host,
            public_host,
            portal,
        }),
        Task::Hosting(args) => recipes::run(args).map(|()| std::process::ExitCode::SUCCESS),
        Task::Bench {
            runs,
            flows,
            concurrency,
            uncompressed,
            baseline,
            only,
        } => bench::run(bench::BenchArgs {
            runs,
            flows,
            concurrency,
            uncompressed,
            baseline,
            only,
        })
        .map(|()| std::process::ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
