//! The TV side of the OAuth 2.0 Device Authorization Grant (RFC 8628) against PingOne, as a
//! library so tests and `cargo xtask demo` drive the whole CLI in-process; `main.rs` only maps
//! the [`Outcome`] to the exit code.
//!
//! ```no_run
//! # async fn demo() {
//! // The emulator's demo environment, output to stdout, Ctrl-C to stop:
//! let outcome = device::run_on_stdout(&device::Args::default()).await;
//! std::process::exit(i32::from(outcome.exit_code()));
//! # }
//! ```

mod bigtext;
mod client;
mod flow;
mod id_token;
mod outcome;
mod sanitize;
mod screen;

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::Parser;

pub use client::{Client, DeviceAuthorization, Error, ErrorBody, Poll, TokenResponse};
pub use flow::{DEFAULT_INTERVAL, MAX_RETRIES, SLOW_DOWN_STEP};
pub use outcome::{Connected, Expiry, Outcome, Tokens, User, exit};
pub use screen::Mode;

/// The emulator's API address (`cargo run -p emulator`).
pub const DEFAULT_AUTH_BASE: &str = "http://127.0.0.1:9000";
/// The emulator's demo environment id.
pub const DEMO_ENV_ID: &str = "8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f";
/// The emulator's demo application (client) id.
pub const DEMO_CLIENT_ID: &str = "2c7e9b14-5d3a-4f68-a1b0-c9d8e7f6a5b4";
/// The scope asked for by default: enough to show who signed in.
pub const DEFAULT_SCOPE: &str = "openid profile";

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    connected: the user approved and tokens were issued
  1    internal error (the program could not start)
  2    the command line was not understood
  3    access_denied: the user refused
  4    expired_token: the code expired before anyone approved it
  5    the server refused or answered oddly (bad client id, unknown environment, ...);
       PingOne's error body is shown
  6    the server could not be reached (refused, DNS, timeout, connection dropped)
  130  stopped with Ctrl-C

Without --json, output is a TV-like screen on a terminal and plain lines otherwise;
text from the server is shown with control characters and bidi controls replaced by �.
With --json, stdout gets one JSON object when the code is issued and one at the end
(`event`: code, then connected | access_denied | expired_token | error | unreachable |
interrupted, with `exit_code`).";

/// Connects this "device" to a PingOne application with the OAuth 2.0 Device Authorization
/// Grant (RFC 8628): shows a code and a QR code, then waits for someone to approve it.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(name = "device", version, after_help = EXIT_CODES_HELP)]
pub struct Args {
    /// The authorization server: https://auth.pingone.com (or .eu, .ca, .asia, .com.au),
    /// a custom domain, or the emulator.
    #[arg(long, value_name = "URL", default_value = DEFAULT_AUTH_BASE, value_parser = parse_auth_base)]
    pub auth_base: String,
    /// The PingOne environment id [default: the emulator's demo environment]. Not used with
    /// --custom-domain.
    #[arg(long, value_name = "ID", value_parser = parse_env_id)]
    pub env_id: Option<String>,
    /// --auth-base is a PingOne custom domain: its URLs carry no environment id
    /// ({auth-base}/as/token rather than {auth-base}/{env-id}/as/token).
    #[arg(long)]
    pub custom_domain: bool,
    /// The client id of the application (a native app with the Device Authorization grant).
    #[arg(long, value_name = "ID", default_value = DEMO_CLIENT_ID)]
    pub client_id: String,
    /// The scopes to ask for, space-separated (`openid` lets the device show who signed in).
    #[arg(long, value_name = "SCOPES", default_value = DEFAULT_SCOPE)]
    pub scope: String,
    /// Print JSON lines for scripts instead of the screen.
    #[arg(long)]
    pub json: bool,
    /// Also print the raw tokens once connected.
    #[arg(long)]
    pub show_tokens: bool,
    /// Poll every SECS seconds whatever the server's `interval` says. For tests only: a client
    /// polling faster than `interval` is what makes a server answer `slow_down`.
    #[arg(long, value_name = "SECS", hide = true, value_parser = parse_interval)]
    pub interval: Option<Duration>,
}

impl Default for Args {
    /// The emulator's demo environment, as with no flags.
    fn default() -> Args {
        Args {
            auth_base: DEFAULT_AUTH_BASE.to_owned(),
            env_id: None,
            custom_domain: false,
            client_id: DEMO_CLIENT_ID.to_owned(),
            scope: DEFAULT_SCOPE.to_owned(),
            json: false,
            show_tokens: false,
            interval: None,
        }
    }
}

impl Args {
    /// Where the endpoints are: `{auth-base}/{env-id}`, or `{auth-base}` on a custom domain.
    pub fn base(&self) -> String {
        if self.custom_domain {
            self.auth_base.clone()
        } else {
            let env_id = self.env_id.as_deref().unwrap_or(DEMO_ENV_ID);
            format!("{}/{env_id}", self.auth_base)
        }
    }

    /// What the command line asks that will not be done, to tell the person.
    pub fn warnings(&self) -> Vec<String> {
        match (&self.env_id, self.custom_domain) {
            (Some(env_id), true) => vec![format!(
                "--env-id {env_id} is ignored: a custom domain's URLs carry no environment id"
            )],
            _ => Vec::new(),
        }
    }

    /// How output is written: `--json`, else a terminal screen when `terminal`, else plain lines.
    pub fn mode(&self, terminal: bool) -> Mode {
        match (self.json, terminal) {
            (true, _) => Mode::Json,
            (false, true) => Mode::Terminal,
            (false, false) => Mode::Plain,
        }
    }
}

fn parse_auth_base(s: &str) -> Result<String, String> {
    let trimmed = s.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("must start with https:// (or http:// for the emulator)")?;
    if rest.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err("must be a URL like https://auth.pingone.com".to_owned());
    }
    Ok(trimmed.to_owned())
}

fn parse_env_id(s: &str) -> Result<String, String> {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(s.to_owned())
    } else {
        Err("must be an environment id (a UUID)".to_owned())
    }
}

fn parse_interval(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|_| "must be a number of seconds")?;
    match Duration::try_from_secs_f64(secs) {
        Ok(d) if !d.is_zero() && d <= Duration::from_secs(3600) => Ok(d),
        _ => Err("must be more than 0 and at most 3600 seconds".to_owned()),
    }
}

/// Runs the device flow, writing to `out` in the form `args` and `terminal` choose, until it
/// ends or `cancel` finishes (then [`Outcome::Interrupted`], the screen tidied up).
pub async fn run<W, C>(args: &Args, out: W, terminal: bool, cancel: C) -> Outcome
where
    W: Write,
    C: Future<Output = ()>,
{
    let screen = screen::Screen::new(out, args.mode(terminal), args.show_tokens);
    let client = match Client::new(&args.base(), &args.client_id) {
        Ok(client) => client,
        Err(err) => return screen.finish(Outcome::Failed(err)),
    };
    let settings = flow::Settings {
        scope: Some(args.scope.as_str()),
        interval_override: args.interval,
    };
    flow::run(&client, settings, screen, cancel).await
}

/// [`run`] on stdout (a terminal screen when it is one), stopped by Ctrl-C, after the command
/// line's warnings on stderr: what the binary does.
pub async fn run_on_stdout(args: &Args) -> Outcome {
    for warning in args.warnings() {
        eprintln!("device: warning: {warning}");
    }
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    run(args, stdout, terminal, ctrl_c()).await
}

/// Finishes at the first Ctrl-C; never, if the handler cannot be installed.
pub async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_flags_means_the_emulator_demo() {
        let args = Args::try_parse_from(["device"]).expect("no flags parse");
        assert_eq!(args, Args::default());
    }

    #[test]
    fn flags_parse_and_bad_values_are_usage_errors() {
        let args = Args::try_parse_from([
            "device",
            "--auth-base",
            "https://auth.pingone.eu/",
            "--env-id",
            "abc-123",
            "--client-id",
            "c",
            "--scope",
            "openid",
            "--json",
            "--show-tokens",
            "--interval",
            "0.5",
        ])
        .expect("valid flags");
        assert_eq!(args.auth_base, "https://auth.pingone.eu");
        assert_eq!(args.base(), "https://auth.pingone.eu/abc-123");
        assert!(args.warnings().is_empty());
        assert_eq!(args.interval, Some(Duration::from_millis(500)));
        assert_eq!(args.mode(true), Mode::Json);
        for bad in [
            ["device", "--auth-base", "auth.pingone.com"],
            ["device", "--env-id", "a/b"],
            ["device", "--interval", "0"],
            ["device", "--interval", "soon"],
        ] {
            let err = Args::try_parse_from(bad).expect_err(bad[2]);
            assert_eq!(err.exit_code(), i32::from(exit::USAGE), "{}", bad[2]);
        }
    }

    #[test]
    fn the_base_follows_the_contracts_rule() {
        let regional = Args::try_parse_from(["device"]).expect("no flags");
        assert_eq!(
            regional.base(),
            format!("{DEFAULT_AUTH_BASE}/{DEMO_ENV_ID}")
        );
        let custom = Args::try_parse_from([
            "device",
            "--auth-base",
            "https://auth.example.com",
            "--custom-domain",
        ])
        .expect("valid flags");
        assert_eq!(custom.base(), "https://auth.example.com");
        assert!(custom.warnings().is_empty());
        let both = Args::try_parse_from(["device", "--custom-domain", "--env-id", "abc"])
            .expect("valid flags");
        assert_eq!(both.base(), DEFAULT_AUTH_BASE);
        assert!(both.warnings()[0].contains("--env-id abc is ignored"));
    }

    #[test]
    fn help_documents_every_exit_code() {
        let help = <Args as clap::CommandFactory>::command()
            .render_long_help()
            .to_string();
        for code in [
            exit::CONNECTED,
            exit::ACCESS_DENIED,
            exit::EXPIRED,
            exit::SERVER_ERROR,
            exit::UNREACHABLE,
            exit::INTERRUPTED,
        ] {
            assert!(
                help.contains(&format!("\n  {code} ")),
                "exit code {code}:\n{help}"
            );
        }
        assert!(!help.contains("--interval"), "the test flag stays hidden");
    }
}
