//! `cargo xtask demo`: the whole story in one terminal. Builds the page, starts the emulator
//! serving it, and runs the device CLI, which shows the code and a QR code and waits; a person
//! opens the link (or scans the code), signs on as the demo user, confirms and allows, and the
//! CLI says it is connected. Ctrl-C stops everything.

use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::{Child, Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::project::{self, output, sh};
use crate::setup;

/// Where to listen, and the host name the links should carry.
pub struct DemoArgs {
    /// Address the emulator's two listeners bind (`127.0.0.1`, or `0.0.0.0` for a phone).
    pub host: String,
    /// The host put in links and the QR code; defaults to the machine's first LAN address when
    /// `host` is `0.0.0.0`.
    pub public_host: Option<String>,
    /// Also serve the demo portal on port 8090.
    pub portal: bool,
}

/// Kills the emulator however the demo ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        // Already gone after a Ctrl-C (it gets the terminal's SIGINT too); then this is a no-op.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let tools = setup::run()?;
    let root = project::root();
    crate::page::build(&tools, &root, &root.join("dist"))?;
    sh(tools
        .command("cargo")
        .args(["build", "--quiet", "-p", "emulator", "-p", "device"])
        .current_dir(&root))?;

    let public_host = match (&args.public_host, args.host.as_str()) {
        (Some(host), _) => host.clone(),
        (None, "0.0.0.0") => lan_address()
            .context("could not tell this machine's network address: pass --public-host HOST")?,
        (None, host) => host.to_owned(),
    };
    let bin = root.join("target/debug");
    // Beyond loopback the hooks want a token from other machines: made here, so it can be told.
    let hook_token = (!is_loopback(&args.host)).then(emulator::new_hook_token);
    let mut emulator = Command::new(bin.join("emulator"));
    if let Some(token) = &hook_token {
        emulator.env("EMULATOR_HOOK_TOKEN", token);
    }
    emulator
        .args(["--api", &format!("{}:9000", args.host)])
        .args(["--page", &format!("{}:8080", args.host)])
        .args(["--public-host", &public_host])
        .args(
            args.portal
                .then_some(["--portal", "8090"])
                .into_iter()
                .flatten(),
        )
        .arg("--dist")
        .arg(root.join("dist"))
        // Request logs would scroll the device's screen away; warnings still show.
        .env("RUST_LOG", "warn")
        .current_dir(&root);
    let _emulator = Guard(emulator.spawn().context("starting the emulator")?);
    let reach = if args.host == "0.0.0.0" {
        "127.0.0.1"
    } else {
        args.host.as_str()
    };
    wait_for_port(&format!("{reach}:9000"), Duration::from_secs(20))?;

    // The terminal's Ctrl-C reaches the emulator and the device CLI directly (same process
    // group); xtask only waits for them, then cleans up.
    ctrlc::set_handler(|| {}).context("installing the Ctrl-C handler")?;
    println!();
    if let Some(token) = &hook_token {
        println!(
            "This demo listens on {} (ports 8080, 9000 and 9001), so anyone on this",
            args.host
        );
        println!(
            "network can open the page, use the emulated PingOne, and sign on as its demo users,"
        );
        println!(
            "whose passwords are public. The test hooks under /__emulator/ (which hand out device"
        );
        println!("codes and steer flows) answer other machines only with");
        println!("  Authorization: Bearer {token}");
        println!("Use it on a network you trust, and stop it with Ctrl-C when you are done.");
        println!();
    }
    if args.portal {
        println!("The demo portal http://{public_host}:8090/ shows /device in its frame: type the");
        println!("code there, and it lists what the page tells it.");
        println!();
    }
    println!("Open the link below on this machine (or scan the QR code on a phone on the same");
    println!("network with --host 0.0.0.0), sign on as ada / lovelace-1815, confirm and allow.");
    println!();
    let status = Command::new(bin.join("device"))
        .args(["--auth-base", &format!("http://{public_host}:9000")])
        .current_dir(&root)
        .status()
        .context("running the device CLI")?;
    Ok(ExitCode::from(
        status.code().unwrap_or(130).clamp(0, 255) as u8
    ))
}

fn wait_for_port(addr: &str, limit: Duration) -> Result<()> {
    let addr: SocketAddr = addr
        .parse()
        .with_context(|| format!("bad address {addr}"))?;
    let started = Instant::now();
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        if started.elapsed() > limit {
            bail!("the emulator did not listen on {addr} within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Whether a listen address reaches this computer alone.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The first address `hostname -I` lists (Linux), for links a phone on the LAN can open.
fn lan_address() -> Option<String> {
    output(Command::new("hostname").arg("-I"))?
        .split_whitespace()
        .find(|a| !a.starts_with("127.") && !a.contains(':'))
        .map(str::to_owned)
}
