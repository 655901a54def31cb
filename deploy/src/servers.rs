//! Real nginx and Caddy serving a built page with the recipe written for it: each on a free
//! loopback port, as an unprivileged process (a root caller runs it as `nobody`), with its
//! configuration, logs and scratch files in a folder of its own and no system service involved.
//! The tests use it to check the recipes on the servers operators run.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Error, Policy, Site, recipes};

/// How long a server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Where Debian's libnginx-mod-http-brotli-static puts the module the nginx recipe uses.
pub const BROTLI_STATIC_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";
/// The account a root caller runs the servers as (Debian's `nobody`/`nogroup`).
const NOBODY: u32 = 65534;

/// Which server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Nginx,
    Caddy,
}

impl Kind {
    /// Both, for tests that run each.
    pub const ALL: [Kind; 2] = [Kind::Nginx, Kind::Caddy];

    /// `nginx` or `caddy`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Nginx => "nginx",
            Kind::Caddy => "caddy",
        }
    }

    /// The server's binary: `$NGINX` or `$CADDY`, else where Debian installs it, else the first
    /// on PATH; `None` when there is none.
    pub fn binary(self) -> Option<PathBuf> {
        let (var, usual) = match self {
            Kind::Nginx => ("NGINX", "/usr/sbin/nginx"),
            Kind::Caddy => ("CADDY", "/usr/bin/caddy"),
        };
        if let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(path));
        }
        std::iter::once(PathBuf::from(usual))
            .chain(
                std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                    .map(|dir| dir.join(self.name())),
            )
            .find(|path| path.is_file())
    }
}

/// The server's binary for a test, or `None` when it is absent and the test may skip: it says so
/// on stderr. With `CI` or `HOSTING_REQUIRE_SERVERS` set (`cargo xtask test` sets the latter) an
/// absent server is an error instead.
pub fn binary_for_tests(kind: Kind) -> Result<Option<PathBuf>, Error> {
    if let Some(path) = kind.binary() {
        return Ok(Some(path));
    }
    let required = ["CI", "HOSTING_REQUIRE_SERVERS"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
    if required {
        return Err(Error::Server(format!(
            "{} is not installed (run `cargo xtask setup`, or set ${})",
            kind.name(),
            kind.name().to_uppercase()
        )));
    }
    eprintln!(
        "SKIPPED: {} is not installed; `cargo xtask setup` installs it (and `cargo xtask test` \
         never skips this)",
        kind.name()
    );
    Ok(None)
}

/// A running server; dropping it stops the process.
pub struct Server {
    kind: Kind,
    child: Child,
    port: u16,
    run: PathBuf,
    /// How to ask the server to stop (nginx's workers outlive a killed master).
    stop: Option<Command>,
}

impl Server {
    /// Starts `kind` from `binary` serving `site.dist` with the recipe for `site` (its `listen`
    /// and `log_dir` replaced by a free loopback port and `dir`), everything it writes in `dir`.
    pub fn start(
        kind: Kind,
        binary: &Path,
        policy: &Policy,
        site: &Site,
        dir: &Path,
    ) -> Result<Server, Error> {
        Server::start_on(kind, binary, policy, site, dir, free_port()?)
    }

    /// [`Server::start`] on a loopback port chosen beforehand (from [`free_port`]), for callers
    /// that must name the page's origin before it is served.
    pub fn start_on(
        kind: Kind,
        binary: &Path,
        policy: &Policy,
        site: &Site,
        dir: &Path,
        port: u16,
    ) -> Result<Server, Error> {
        let run = dir.join("run");
        let mut site = site.clone();
        site.listen = Some(format!("127.0.0.1:{port}"));
        site.log_dir = Some(path_text(&run)?);
        site.check()?;
        let recipe = match kind {
            Kind::Nginx => recipes::nginx(policy, &site),
            Kind::Caddy => recipes::caddyfile(policy, &site),
        };
        let main = prepare(kind, &recipe, dir)?;

        let mut cmd = match kind {
            Kind::Nginx => nginx_command(binary, dir),
            Kind::Caddy => {
                let mut cmd = Command::new(binary);
                cmd.args(["run", "--adapter", "caddyfile", "--config"])
                    .arg(&main)
                    .env("XDG_DATA_HOME", run.join("data"))
                    .env("XDG_CONFIG_HOME", run.join("config"))
                    .env("HOME", &run);
                cmd
            }
        };
        let output = run.join("output.log");
        let log = fs::File::create(&output)
            .map_err(Error::io(format!("creating {}", output.display())))?;
        let log2 = log
            .try_clone()
            .map_err(Error::io(format!("opening {}", output.display())))?;
        cmd.stdin(Stdio::null()).stdout(log).stderr(log2);
        unprivileged(&mut cmd);
        let stop = (kind == Kind::Nginx).then(|| {
            let mut stop = nginx_command(binary, dir);
            stop.args(["-s", "stop"])
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            unprivileged(&mut stop);
            stop
        });
        let child = cmd.spawn().map_err(Error::io(format!(
            "starting {} ({})",
            kind.name(),
            binary.display()
        )))?;
        let mut server = Server {
            kind,
            child,
            port,
            run,
            stop,
        };
        server.wait_until_listening()?;
        Ok(server)
    }

    fn wait_until_listening(&mut self) -> Result<(), Error> {
        let started = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            let exited = self.child.try_wait().ok().flatten();
            if exited.is_some() || started.elapsed() > START_TIMEOUT {
                let why = match exited {
                    Some(status) => format!("exited ({status})"),
                    None => format!("did not listen within {START_TIMEOUT:?}"),
                };
                return Err(Error::Server(format!(
                    "{} {why}; its output:\n{}",
                    self.kind.name(),
                    self.logs()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The loopback port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The access log so far.
    pub fn access_log(&self) -> Result<String, Error> {
        let path = self.run.join("device-page.access.log");
        fs::read_to_string(&path).map_err(Error::io(format!("reading {}", path.display())))
    }

    /// What the server printed and logged as errors, for failure messages.
    pub fn logs(&self) -> String {
        ["output.log", "error.log"]
            .iter()
            .filter_map(|name| fs::read_to_string(self.run.join(name)).ok())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already gone is fine; there is nothing else to do about a stop or kill that fails.
        if let Some(stop) = &mut self.stop
            && stop.status().is_ok_and(|s| s.success())
        {
            let asked = Instant::now();
            while asked.elapsed() < Duration::from_secs(5) {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether nginx accepts a recipe as it stands (`nginx -t`, run as [`Server::start`] would run
/// it, serving nothing), with its output when it does not.
pub fn nginx_accepts(binary: &Path, recipe: &str, dir: &Path) -> Result<(), Error> {
    prepare(Kind::Nginx, recipe, dir)?;
    let mut cmd = nginx_command(binary, dir);
    cmd.arg("-t");
    unprivileged(&mut cmd);
    let out = cmd
        .output()
        .map_err(Error::io(format!("running {} -t", binary.display())))?;
    if out.status.success() {
        return Ok(());
    }
    Err(Error::Server(format!(
        "nginx -t refuses the recipe:\n{}",
        String::from_utf8_lossy(&out.stderr)
    )))
}

/// nginx with the prefix, configuration and error log [`prepare`] wrote into `dir`.
fn nginx_command(binary: &Path, dir: &Path) -> Command {
    let run = dir.join("run");
    let mut cmd = Command::new(binary);
    cmd.arg("-p")
        .arg(&run)
        .arg("-c")
        .arg(dir.join("nginx.conf"));
    cmd.arg("-e").arg(run.join("error.log"));
    cmd
}

/// Empties `dir`, makes the folders the server writes in (under `run/`, handed to it) and writes
/// the recipe and the main configuration around it; returns the main configuration's path.
fn prepare(kind: Kind, recipe: &str, dir: &Path) -> Result<PathBuf, Error> {
    let run = dir.join("run");
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(Error::io(format!("clearing {}", dir.display())))?;
    }
    for sub in [
        &run,
        &run.join("tmp"),
        &run.join("data"),
        &run.join("config"),
    ] {
        fs::create_dir_all(sub).map_err(Error::io(format!("creating {}", sub.display())))?;
        give_away(sub)?;
    }
    let (recipe_name, main_name, main) = match kind {
        Kind::Nginx => (
            "device-page.conf",
            "nginx.conf",
            nginx_main(&run, &dir.join("device-page.conf"))?,
        ),
        Kind::Caddy => (
            "device-page.Caddyfile",
            "Caddyfile",
            format!(
                "{{\n\tadmin off\n}}\n\nimport {}\n",
                path_text(&dir.join("device-page.Caddyfile"))?
            ),
        ),
    };
    for (name, text) in [(recipe_name, recipe), (main_name, &main)] {
        let path = dir.join(name);
        fs::write(&path, text).map_err(Error::io(format!("writing {}", path.display())))?;
    }
    Ok(dir.join(main_name))
}

/// The main configuration around the recipe: the brotli_static module, everything writable under
/// `run`, the process in the foreground.
fn nginx_main(run: &Path, recipe: &Path) -> Result<String, Error> {
    let run = path_text(run)?;
    let recipe = path_text(recipe)?;
    let temp: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .iter()
        .map(|t| format!("    {t}_temp_path {run}/tmp/{t};\n"))
        .collect();
    Ok(format!(
        "load_module {BROTLI_STATIC_MODULE};\n\
         daemon off;\n\
         worker_processes 1;\n\
         pid {run}/nginx.pid;\n\
         error_log {run}/error.log warn;\n\
         events {{\n    worker_connections 256;\n}}\n\
         http {{\n{temp}    include {recipe};\n}}\n"
    ))
}

/// A loopback port nothing listens on now.
pub fn free_port() -> Result<u16, Error> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(Error::io("finding a free loopback port"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(Error::io("finding a free loopback port"))
}

/// Runs a command as `nobody` when this process is root.
fn unprivileged(cmd: &mut Command) {
    if running_as_root() {
        use std::os::unix::process::CommandExt;
        cmd.uid(NOBODY).gid(NOBODY);
    }
}

/// Whether this process is root (its `/proc/self` belongs to its user).
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Lets the unprivileged server write in a folder root made.
fn give_away(dir: &Path) -> Result<(), Error> {
    if running_as_root() {
        std::os::unix::fs::chown(dir, Some(NOBODY), Some(NOBODY))
            .map_err(Error::io(format!("handing {} to nobody", dir.display())))?;
    }
    Ok(())
}

fn path_text(path: &Path) -> Result<String, Error> {
    path.to_str().map(str::to_owned).ok_or_else(|| Error::Site {
        field: "dist",
        value: path.display().to_string(),
        why: "is not UTF-8",
    })
}
