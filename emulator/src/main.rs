//! `emulator`: runs the local PingOne and the page listener until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Where the token the test hooks ask of other machines may be set (else a random one is made).
const HOOK_TOKEN_VAR: &str = "EMULATOR_HOOK_TOKEN";

/// A local PingOne for the device authorization flow, with the verification page beside it.
#[derive(Parser, Debug)]
#[command(
    version,
    about,
    after_help = "\
Environment:
  EMULATOR_HOOK_TOKEN  the token machines other than this one present to the test hooks
                       (Authorization: Bearer ...); a random one, printed, when unset"
)]
struct Args {
    /// Address of the PingOne API listener.
    #[arg(long, default_value = "127.0.0.1:9000")]
    api: SocketAddr,
    /// Address of the page listener (serves --dist and /config.json).
    #[arg(long, default_value = "127.0.0.1:8080")]
    page: SocketAddr,
    /// The built page to serve. Without the flag, `dist/` is used if it exists.
    #[arg(long)]
    dist: Option<PathBuf>,
    /// A TOML file replacing any of the demo environment's values.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The host name or IP to put in the URLs handed out (verification URI, login page, CORS
    /// origin, the page's authBase) instead of the bound address: for a phone on the same
    /// network, with --api 0.0.0.0:9000 --page 0.0.0.0:8080.
    #[arg(long)]
    public_host: Option<String>,
    /// Behave as a PingOne custom domain: no environment id in any URL, the hosted sign-on at
    /// /signon/ on the API listener (no apps listener).
    #[arg(long)]
    custom_domain: bool,
    /// Give each action in a flow's _links a URL of its own and accept the action only there.
    #[arg(long)]
    distinct_action_links: bool,
    /// Set the session cookie with SameSite=None; Secure (browsers keep Secure cookies over
    /// plain http only for localhost).
    #[arg(long)]
    cross_site_cookie: bool,
    /// Serve the demo portal, which embeds the page, on this port of the API's address, as
    /// http://localhost:PORT (another site than the page's) or --public-host; config.json lists
    /// it in embed.parentOrigins and the page's policy lets it frame the page.
    #[arg(long)]
    portal: Option<u16>,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("emulator=info,tower_http=info")),
        )
        .init();
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("emulator: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let mut config = match &args.config {
        Some(path) => emulator::Config::from_toml_file(path)?,
        None => emulator::Config::demo(),
    };
    if args.public_host.is_some() {
        config.public_host = args.public_host.clone();
    }
    // From the environment rather than a flag: other users of the machine can read flags.
    let token_given = std::env::var_os(HOOK_TOKEN_VAR).is_some();
    if let Some(token) = std::env::var_os(HOOK_TOKEN_VAR) {
        let token = token
            .into_string()
            .map_err(|_| anyhow::anyhow!("{HOOK_TOKEN_VAR} is not UTF-8"))?;
        config.hook_token = Some(token);
    }
    if let Some(port) = args.portal {
        config.demo_portal = Some(emulator::DemoPortal {
            host: args
                .public_host
                .clone()
                .unwrap_or_else(|| "localhost".to_owned()),
            port,
            listed: true,
        });
    }
    config.custom_domain |= args.custom_domain;
    config.action_links_distinct |= args.distinct_action_links;
    if args.cross_site_cookie {
        config.session_cookie = emulator::SessionCookie {
            name: config.session_cookie.name,
            ..emulator::SessionCookie::cross_site()
        };
    }
    let dist = match args.dist {
        Some(dist) => Some(dist),
        None if PathBuf::from("dist").is_dir() => Some(PathBuf::from("dist")),
        None => {
            tracing::warn!(
                "no dist/ directory: the page listener serves only /config.json (build the page, or pass --dist)"
            );
            None
        }
    };
    let running = emulator::start(emulator::Options {
        api_addr: args.api,
        page_addr: Some(args.page),
        dist,
        config,
    })
    .await?;

    let cfg = running.config();
    let page_url = running.page_url().unwrap_or_default();
    println!("PingOne emulator");
    println!("  environment id  {}", running.env_id());
    println!(
        "  client id       {} (device path id {:?})",
        running.client_id(),
        cfg.application.device_path_id
    );
    for user in &cfg.users {
        let locks = match user.lockout {
            Some(l) => format!(
                " (locks for {} s after {} wrong passwords)",
                l.seconds, l.failures
            ),
            None => String::new(),
        };
        println!(
            "  user            {} / {}{locks}",
            user.username, user.password
        );
    }
    println!("  PingOne API     {}", cfg.base());
    println!("  hosted sign-on  {}", cfg.hosted_sign_on_page());
    println!("  page            {page_url}/device");
    if let Some(portal) = running.portal_url() {
        println!("  demo portal     {portal}/");
    }
    println!("  test hooks      {}/__emulator/flows", running.api_url());
    if !args.api.ip().is_loopback() {
        println!(
            "The API listens on {} beyond this computer: anyone who can reach it can use the \
             emulated PingOne (its users and passwords above are public). The test hooks answer \
             other machines only with their token{}",
            args.api.ip(),
            if token_given {
                format!(" (from {HOOK_TOKEN_VAR})")
            } else {
                format!(":\n  Authorization: Bearer {}", running.hook_token())
            }
        );
    }
    println!("Ctrl-C stops it.");

    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    tracing::info!("Ctrl-C: shutting down");
    running.shutdown().await;
    Ok(())
}
