//! `cargo xtask hosting`: writes the hosting recipes (nginx, Caddy, static hosts, CloudFront) from
//! `deploy/headers.toml` and a site. Without site values it rewrites the committed examples in
//! `deploy/` (from `deploy/site.toml`); with them, an operator's own recipes into `--out`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use hosting::{Policy, Site};

use crate::project;

/// The operator's values; each flag replaces the site file's value.
#[derive(clap::Args)]
pub struct HostingArgs {
    /// A site file like deploy/site.toml (default: that file, whose values are placeholders).
    #[arg(long)]
    site: Option<PathBuf>,
    /// The host name the page is served on.
    #[arg(long)]
    server_name: Option<String>,
    /// The folder on the server holding the built page.
    #[arg(long)]
    dist: Option<String>,
    /// PingOne's origin, config.json's authBase (e.g. https://auth.example.com).
    #[arg(long)]
    auth_base: Option<String>,
    /// An origin the application's icon loads from (repeat for more; replaces the file's list).
    #[arg(long = "icon-host")]
    icon_hosts: Vec<String>,
    /// A portal origin allowed to frame the page (repeat for more; replaces the file's list).
    #[arg(long = "portal")]
    portal_origins: Vec<String>,
    /// Serve plain HTTP on PORT or HOST:PORT behind a TLS-terminating proxy.
    #[arg(long)]
    listen: Option<String>,
    /// The folder for the access log.
    #[arg(long)]
    log_dir: Option<String>,
    /// Where to write (required with any site value: deploy/ holds the committed examples).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: HostingArgs) -> Result<()> {
    let deploy = project::root().join("deploy");
    let custom = args.site.is_some()
        || args.server_name.is_some()
        || args.dist.is_some()
        || args.auth_base.is_some()
        || !args.icon_hosts.is_empty()
        || !args.portal_origins.is_empty()
        || args.listen.is_some()
        || args.log_dir.is_some();
    let out = match (&args.out, custom) {
        (Some(out), _) => out.clone(),
        (None, false) => deploy.clone(),
        (None, true) => bail!(
            "give --out DIR for your recipes: deploy/ holds the committed examples, written from \
             deploy/site.toml"
        ),
    };
    if custom && same_dir(&out, &deploy) {
        bail!("--out deploy/ would replace the committed examples with your site's recipes");
    }

    let mut site = match &args.site {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Site::parse(&text, &path.display().to_string())?
        }
        None => Site::example()?,
    };
    let HostingArgs {
        server_name,
        dist,
        auth_base,
        icon_hosts,
        portal_origins,
        listen,
        log_dir,
        ..
    } = args;
    site.server_name = server_name.unwrap_or(site.server_name);
    site.dist = dist.unwrap_or(site.dist);
    site.auth_base = auth_base.unwrap_or(site.auth_base);
    if !icon_hosts.is_empty() {
        site.icon_hosts = icon_hosts;
    }
    if !portal_origins.is_empty() {
        site.portal_origins = portal_origins;
    }
    site.listen = listen.or(site.listen);
    site.log_dir = log_dir.or(site.log_dir);

    let policy = Policy::shipped()?;
    for recipe in hosting::recipes::all(&policy, &site)? {
        let path = out.join(recipe.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &recipe.text)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
