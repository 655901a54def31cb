//! `--baseline <rev>`: that revision's page, built by that revision's own recipe, so one bench
//! run can time it against this tree's page. The revision is checked out in a git worktree under
//! `target/bench/baseline/checkout` (kept between runs: its own `target/` makes the next build
//! quick). A revision with `xtask/src/page.rs` had the one release recipe (size flags,
//! languages, minified JS): it is run here on that checkout. An older one was built with
//! `trunk build --release`, then precompressed as this tree does.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::site::Serving;
use crate::precompress::{self, Compressed};
use crate::project::{output, sh};
use crate::setup::Tools;

/// The baseline, built.
pub struct Baseline {
    /// The revision as asked for.
    pub asked: String,
    /// Its short commit hash.
    pub commit: String,
    /// Its subject line.
    pub subject: String,
    /// How it was built, for the report.
    pub recipe: &'static str,
    /// How it is served.
    pub serving: Serving,
    /// Its built page.
    pub dist: PathBuf,
    /// Every dist file's weight.
    pub files: Vec<Compressed>,
}

/// Checks out and builds `rev` under `out/baseline`.
pub fn build(
    tools: &Tools,
    root: &Path,
    rev: &str,
    out: &Path,
    precompressed: bool,
) -> Result<Baseline> {
    let commit = git(
        root,
        &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
    )
    .with_context(|| format!("--baseline {rev} is not a commit of this repository"))?;
    let dir = out.join("baseline");
    let checkout = dir.join("checkout");
    check_out(root, &checkout, &commit)?;
    let short = git(&checkout, &["rev-parse", "--short", "HEAD"])?;
    let subject = git(&checkout, &["log", "-1", "--format=%s"])?;

    let dist = dir.join("dist");
    let (recipe, files) = if checkout.join("xtask/src/page.rs").is_file() {
        let files = crate::page::build(tools, &checkout, &dist)?;
        ("its release recipe (xtask/src/page.rs)", files)
    } else {
        sh(tools
            .command("trunk")
            .args(["build", "--release", "--dist"])
            .arg(&dist)
            .current_dir(&checkout))?;
        (
            "trunk build --release, then precompressed",
            precompress::run(&dist)?,
        )
    };
    let files = if precompressed {
        files
    } else {
        precompress::analyse(&dist, false)?
    };
    let serving = if checkout.join("deploy/headers.toml").is_file() {
        Serving::Policy
    } else {
        Serving::Plain
    };
    Ok(Baseline {
        asked: rev.to_owned(),
        commit: short,
        subject,
        recipe,
        serving,
        dist,
        files,
    })
}

/// Puts `commit` in the worktree at `checkout`, making the worktree when there is none.
fn check_out(root: &Path, checkout: &Path, commit: &str) -> Result<()> {
    let is_worktree = checkout.join(".git").exists()
        && output(
            Command::new("git")
                .args(["-C"])
                .arg(checkout)
                .args(["rev-parse", "--git-dir"]),
        )
        .is_some();
    if is_worktree {
        return sh(Command::new("git")
            .arg("-C")
            .arg(checkout)
            .args(["checkout", "--quiet", "--force", "--detach", commit]));
    }
    if checkout.exists() {
        std::fs::remove_dir_all(checkout)
            .with_context(|| format!("removing {}, not a git worktree", checkout.display()))?;
    }
    // A worktree whose folder went with `cargo clean` is still registered until pruned.
    sh(Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["worktree", "prune"]))?;
    sh(Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["worktree", "add", "--quiet", "--detach"])
        .arg(checkout)
        .arg(commit))
}

/// `git -C dir args…`'s output, or an error naming the command.
fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let answer = output(Command::new("git").arg("-C").arg(dir).args(args));
    match answer {
        Some(text) if !text.is_empty() => Ok(text),
        _ => bail!("`git {}` in {} failed", args.join(" "), dir.display()),
    }
}
