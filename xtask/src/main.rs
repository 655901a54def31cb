//! `cargo xtask`: the project's tool setup, test, demo and bench commands, in Rust so they run
//! wherever cargo does.

mod project;
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
    /// Set up, then run every check: fmt, clippy (host and wasm32), tests, release build, size budget.
    Test,
    /// Set up, build the page (release) and serve it on 127.0.0.1.
    Demo,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Setup => setup::run().map(|_| ()),
        Task::Test => test::run(),
        Task::Demo => demo(),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn demo() -> anyhow::Result<()> {
    let tools = setup::run()?;
    let root = project::root();
    project::sh(
        tools
            .command("trunk")
            .args([
                "serve",
                "--release",
                "--address",
                "127.0.0.1",
                "--port",
                "8080",
            ])
            .arg("--no-autoreload")
            .current_dir(&root),
    )
}
