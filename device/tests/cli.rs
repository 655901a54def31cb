//! The device CLI against the in-process emulator: every outcome and its exit code, with the
//! approval done through the flow API the way the browser would, and the polling timetable
//! checked against what the emulator recorded.

use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use device::{Args, Expiry, Outcome, exit};
use emulator::hooks::{DeviceView, Fault, FaultRequest, Route};
use emulator::{Config, Options, Running};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const SIGN_ON: &str = "application/vnd.pingidentity.usernamePassword.check+json";
const VERIFY: &str = "application/vnd.pingidentity.deviceAuthGrant.userCode.verify+json";
const CONSENT: &str = "application/vnd.pingidentity.deviceAuthGrant.consent+json";

/// The device's stdout, shared with the test.
#[derive(Clone, Default)]
struct Screen(Arc<Mutex<Vec<u8>>>);

impl Screen {
    fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An emulator of the demo environment polling every second (the demo's 5 s would be slow).
async fn emulator() -> Result<Running> {
    emulator_with(false).await
}

/// The same, as a custom domain (no environment id in any URL) when `custom_domain`.
async fn emulator_with(custom_domain: bool) -> Result<Running> {
    let mut config = Config::demo();
    config.application.device_polling_interval = 1;
    config.custom_domain = custom_domain;
    emulator::start(Options {
        api_addr: "127.0.0.1:0".parse()?,
        page_addr: None,
        dist: None,
        config,
    })
    .await
}

fn args_for(emu: &Running) -> Args {
    Args {
        auth_base: emu.api_url(),
        env_id: Some(emu.env_id().to_owned()),
        client_id: emu.client_id().to_owned(),
        ..Args::default()
    }
}

/// A running device and its screen.
struct Device {
    screen: Screen,
    task: JoinHandle<Outcome>,
    cancel: Option<oneshot::Sender<()>>,
}

impl Device {
    /// Starts the CLI in-process; `terminal` picks the TV screen over plain lines.
    fn start(args: Args, terminal: bool) -> Device {
        let screen = Screen::default();
        let (cancel, cancelled) = oneshot::channel::<()>();
        let out = screen.clone();
        let task = tokio::spawn(async move {
            // Only an explicit send cancels; a dropped sender means "never".
            let cancel = async move {
                if cancelled.await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            device::run(&args, out, terminal, cancel).await
        });
        Device {
            screen,
            task,
            cancel: Some(cancel),
        }
    }

    /// Waits until the screen shows the user code, and returns it.
    async fn user_code(&self) -> Result<String> {
        for _ in 0..200 {
            let text = self.screen.text();
            if let Some(line) = text.lines().next().filter(|l| l.starts_with('{')) {
                let value: Value = serde_json::from_str(line).context("first JSON line")?;
                if let Some(code) = value["user_code"].as_str() {
                    return Ok(code.to_owned());
                }
            }
            if let Some((_, rest)) = text.split_once("enter the code ")
                && let Some(code) = rest.split_whitespace().next()
            {
                return Ok(code.to_owned());
            }
            if self.task.is_finished() {
                bail!("the device ended without a code:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("no code on the screen after 10 s:\n{}", self.screen.text())
    }

    /// Waits for the outcome (at most 30 s).
    async fn outcome(self) -> Result<(Outcome, String)> {
        let outcome = tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .context("the device did not finish in 30 s")?
            .context("the device task panicked")?;
        Ok((outcome, self.screen.text()))
    }
}

/// The emulator's record of a device.
fn device_record(emu: &Running, user_code: &str) -> Result<DeviceView> {
    emu.device(user_code)
        .with_context(|| format!("the emulator has no device for {user_code}"))
}

/// The seconds between the token polls the emulator recorded.
fn poll_gaps(emu: &Running, user_code: &str) -> Result<Vec<f64>> {
    let times = device_record(emu, user_code)?
        .polls
        .iter()
        .map(|t| OffsetDateTime::parse(t, &Rfc3339).with_context(|| format!("poll time {t}")))
        .collect::<Result<Vec<_>>>()?;
    Ok(times
        .windows(2)
        .map(|w| (w[1] - w[0]).as_seconds_f64())
        .collect())
}

/// Waits until the emulator has recorded at least `n` polls of the device.
async fn polls_reach(emu: &Running, user_code: &str, n: usize) -> Result<DeviceView> {
    for _ in 0..300 {
        let record = device_record(emu, user_code)?;
        if record.polls.len() >= n {
            return Ok(record);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("fewer than {n} polls after 15 s")
}

/// The user code of the one device authorization the emulator holds.
fn only_user_code(emu: &Running) -> Result<String> {
    match emu.devices().as_slice() {
        [device] => Ok(device.user_code.clone()),
        devices => bail!("not exactly one device: {devices:?}"),
    }
}

/// The next `count` requests to `route` meet `fault`.
fn fault(emu: &Running, route: Route, count: u32, fault: Fault) -> Result<()> {
    emu.add_fault(FaultRequest::new(route, count, fault))
        .context("adding a fault")?;
    Ok(())
}

/// What the verification page does in the browser: open the flow with the code, sign on as the
/// demo user, confirm the code, then accept or refuse.
async fn approve(emu: &Running, user_code: &str, accept: bool) -> Result<()> {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let base = emu.config().base();
    let resp = browser
        .get(format!("{base}/device/tv"))
        .query(&[("user_code", user_code)])
        .send()
        .await?;
    ensure!(
        resp.status() == StatusCode::FOUND,
        "device entry: {}",
        resp.status()
    );
    let location = resp
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .context("Location")?;
    let flow_id = location
        .split_once('?')
        .and_then(|(_, q)| q.split('&').find_map(|p| p.strip_prefix("flowId=")))
        .with_context(|| format!("no flowId in {location}"))?
        .to_owned();
    let flow_url = format!("{base}/flows/{flow_id}");
    for (media, body) in [
        (
            SIGN_ON,
            json!({"username": emulator::DEMO_USERNAME, "password": emulator::DEMO_PASSWORD}),
        ),
        (VERIFY, json!({"userCode": user_code})),
        (CONSENT, json!({"accept": accept})),
    ] {
        let resp = browser
            .post(&flow_url)
            .header(CONTENT_TYPE, media)
            .body(body.to_string())
            .send()
            .await?;
        let status = resp.status();
        let text = resp.text().await?;
        ensure!(status == StatusCode::OK, "{media}: {status} {text}");
    }
    Ok(())
}

#[tokio::test]
async fn connected_shows_the_user_scope_and_lifetime_and_polls_at_the_interval() -> Result<()> {
    let emu = emulator().await?;
    let device = Device::start(args_for(&emu), false);
    let code = device.user_code().await?;
    polls_reach(&emu, &code, 2).await?;
    approve(&emu, &code, true).await?;
    let (outcome, text) = device.outcome().await?;

    assert_eq!(outcome.exit_code(), exit::CONNECTED, "{text}");
    let Outcome::Connected(connected) = &outcome else {
        bail!("not connected: {outcome:?}");
    };
    let user = connected
        .user
        .as_ref()
        .context("a user from the id_token")?;
    assert_eq!(user.preferred_username.as_deref(), Some("ada"));
    assert!(text.contains("Connected as Ada Lovelace (ada)"), "{text}");
    assert!(text.contains("openid profile"), "{text}");
    assert!(text.contains("valid for 1 h (3600 s)"), "{text}");
    assert!(text.contains(user.sub.as_deref().context("sub")?), "{text}");
    assert!(
        !text.contains(&connected.tokens.access_token),
        "tokens only with --show-tokens"
    );
    assert!(!text.contains('\x1b'), "no escape sequences off a terminal");

    let gaps = poll_gaps(&emu, &code)?;
    assert!(gaps.len() >= 2, "{gaps:?}");
    assert!(
        gaps.iter().all(|g| *g >= 0.95),
        "polls at least `interval` (1 s) apart: {gaps:?}"
    );
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn connects_through_a_custom_domain_without_the_environment_id() -> Result<()> {
    let emu = emulator_with(true).await?;
    let args = Args {
        auth_base: emu.api_url(),
        env_id: None,
        custom_domain: true,
        ..Args::default()
    };
    let device = Device::start(args, false);
    let code = device.user_code().await?;
    approve(&emu, &code, true).await?;
    let (outcome, text) = device.outcome().await?;
    assert_eq!(outcome.exit_code(), exit::CONNECTED, "{text}");
    assert!(text.contains("Connected as Ada Lovelace (ada)"), "{text}");
    assert_eq!(device_record(&emu, &code)?.status, "ISSUED");

    // The regional URLs, with the environment id, are not there on a custom domain.
    let regional = Args {
        auth_base: emu.api_url(),
        env_id: Some(emu.env_id().to_owned()),
        ..Args::default()
    };
    let (outcome, text) = Device::start(regional, false).outcome().await?;
    assert_eq!(outcome.exit_code(), exit::SERVER_ERROR, "{text}");
    assert!(text.contains("HTTP 404"), "{text}");
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn json_mode_prints_one_line_at_the_code_and_one_at_the_end() -> Result<()> {
    let emu = emulator().await?;
    let args = Args {
        json: true,
        show_tokens: true,
        ..args_for(&emu)
    };
    let device = Device::start(args, true);
    let code = device.user_code().await?;
    polls_reach(&emu, &code, 1).await?;
    approve(&emu, &code, true).await?;
    let (outcome, text) = device.outcome().await?;

    assert_eq!(outcome.exit_code(), exit::CONNECTED, "{text}");
    let lines: Vec<Value> = text
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .with_context(|| format!("JSON lines only:\n{text}"))?;
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["event"], "code");
    assert_eq!(lines[0]["user_code"], code.as_str());
    assert_eq!(lines[0]["interval"], 1);
    assert!(
        lines[0]["verification_uri_complete"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("user_code={code}"))),
        "{text}"
    );
    let end = &lines[1];
    assert_eq!(end["event"], "connected");
    assert_eq!(end["exit_code"], 0);
    assert_eq!(end["scope"], "openid profile");
    assert_eq!(end["expires_in"], 3600);
    assert_eq!(end["user"]["preferred_username"], "ada");
    assert_eq!(end["user"]["given_name"], "Ada");
    assert_eq!(end["user"]["family_name"], "Lovelace");
    assert!(end["access_token"].as_str().is_some_and(|t| t.len() > 20));
    assert!(end["id_token"].as_str().is_some_and(|t| t.len() > 20));
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn refusing_consent_is_access_denied() -> Result<()> {
    let emu = emulator().await?;
    let device = Device::start(args_for(&emu), false);
    let code = device.user_code().await?;
    approve(&emu, &code, false).await?;
    let (outcome, text) = device.outcome().await?;
    assert!(matches!(outcome, Outcome::Denied(_)), "{outcome:?}");
    assert_eq!(outcome.exit_code(), exit::ACCESS_DENIED);
    assert!(text.contains("Access denied"), "{text}");
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn an_expired_code_is_expired_token() -> Result<()> {
    let emu = emulator().await?;
    let device = Device::start(args_for(&emu), false);
    let code = device.user_code().await?;
    polls_reach(&emu, &code, 1).await?;
    emu.expire_device(&code).context("expiring the code")?;
    let (outcome, text) = device.outcome().await?;
    assert!(
        matches!(outcome, Outcome::Expired(Expiry::Server(_))),
        "{outcome:?}"
    );
    assert_eq!(outcome.exit_code(), exit::EXPIRED);
    assert!(text.contains("The code expired"), "{text}");
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn slow_down_adds_five_seconds_to_every_later_poll() -> Result<()> {
    let emu = emulator().await?;
    // Poll every 0.5 s though the server says 1 s: the second poll is too soon, so the server
    // answers `slow_down` and (RFC 8628 §3.5) the device must wait 0.5 + 5 s from then on.
    let args = Args {
        interval: Some(Duration::from_millis(500)),
        ..args_for(&emu)
    };
    let device = Device::start(args, false);
    let code = device.user_code().await?;
    let record = polls_reach(&emu, &code, 2).await?;
    assert_eq!(record.interval, 6, "the server's interval grew: {record:?}");
    // Approve well before the next poll (5.5 s later), so that poll gets the tokens.
    approve(&emu, &code, true).await?;
    let (outcome, text) = device.outcome().await?;
    assert_eq!(outcome.exit_code(), exit::CONNECTED, "{text}");
    assert!(text.contains("slow down"), "{text}");

    let gaps = poll_gaps(&emu, &code)?;
    assert_eq!(
        gaps.len(),
        2,
        "three polls: pending, slow_down, tokens: {gaps:?}"
    );
    let (before, after) = (gaps[0], gaps[1]);
    assert!((0.45..1.0).contains(&before), "{gaps:?}");
    assert!(
        after - before >= 4.95 && after - before < 5.8,
        "the wait grew by 5 s after slow_down: {gaps:?}"
    );
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_bad_client_id_shows_pingones_error() -> Result<()> {
    let emu = emulator().await?;
    let args = Args {
        client_id: "not-a-client".to_owned(),
        ..args_for(&emu)
    };
    let (outcome, text) = Device::start(args, false).outcome().await?;
    assert_eq!(outcome.exit_code(), exit::SERVER_ERROR, "{outcome:?}");
    assert!(
        text.contains("invalid_client: Client authentication failed: unknown client."),
        "PingOne's error and error_description: {text}"
    );
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(text.contains("--client-id"), "a hint: {text}");
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn an_unknown_environment_shows_pingones_error() -> Result<()> {
    let emu = emulator().await?;
    let args = Args {
        env_id: Some("00000000-0000-4000-8000-000000000000".to_owned()),
        json: true,
        ..args_for(&emu)
    };
    let (outcome, text) = Device::start(args, false).outcome().await?;
    assert_eq!(outcome.exit_code(), exit::SERVER_ERROR, "{outcome:?}");
    let end: Value = serde_json::from_str(text.trim()).context("one JSON line")?;
    assert_eq!(end["event"], "error");
    assert_eq!(end["exit_code"], 5);
    assert_eq!(end["status"], 404);
    assert_eq!(end["code"], "NOT_FOUND");
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn an_unreachable_server_exits_6() -> Result<()> {
    // A port nobody listens on: bind one, then let it go.
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let args = Args {
        auth_base: format!("http://127.0.0.1:{port}"),
        ..Args::default()
    };
    let (outcome, text) = Device::start(args, false).outcome().await?;
    assert_eq!(outcome.exit_code(), exit::UNREACHABLE, "{outcome:?}");
    assert!(text.contains("Could not reach"), "{text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_dropped_connection_is_unreachable() -> Result<()> {
    let emu = emulator().await?;
    fault(&emu, Route::DeviceAuthorization, 1, Fault::Drop)?;
    let (outcome, text) = Device::start(args_for(&emu), false).outcome().await?;
    assert_eq!(
        outcome.exit_code(),
        exit::UNREACHABLE,
        "{outcome:?}\n{text}"
    );
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_passing_server_error_while_polling_is_retried() -> Result<()> {
    let emu = emulator().await?;
    fault(&emu, Route::Token, 1, Fault::Status { status: 503 })?;
    let device = Device::start(args_for(&emu), false);
    let code = device.user_code().await?;
    // The 503 never reaches the handler, so the first recorded poll is the retry.
    polls_reach(&emu, &code, 1).await?;
    approve(&emu, &code, true).await?;
    let (outcome, text) = device.outcome().await?;
    assert_eq!(outcome.exit_code(), exit::CONNECTED, "{text}");
    assert!(
        text.contains("The server answered HTTP 503; trying again in 2 s."),
        "{text}"
    );
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_server_that_keeps_failing_ends_the_run() -> Result<()> {
    let emu = emulator().await?;
    fault(&emu, Route::Token, 100, Fault::Status { status: 500 })?;
    let args = Args {
        interval: Some(Duration::from_millis(100)),
        ..args_for(&emu)
    };
    let (outcome, text) = Device::start(args, false).outcome().await?;
    assert_eq!(outcome.exit_code(), exit::SERVER_ERROR, "{outcome:?}");
    assert_eq!(
        text.matches("trying again").count(),
        device::MAX_RETRIES as usize,
        "{text}"
    );
    assert!(text.contains("HTTP 500"), "{text}");
    emu.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn ctrl_c_stops_cleanly_and_gives_the_cursor_back() -> Result<()> {
    let emu = emulator().await?;
    let mut device = Device::start(args_for(&emu), true);
    // Wait for the countdown, drawn once the code is on screen.
    for _ in 0..200 {
        if device.screen.text().contains("Code expires in") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let code = only_user_code(&emu)?;
    if let Some(cancel) = device.cancel.take() {
        let _ = cancel.send(());
    }
    let (outcome, text) = device.outcome().await?;
    assert!(matches!(outcome, Outcome::Interrupted), "{outcome:?}");
    assert_eq!(outcome.exit_code(), exit::INTERRUPTED);

    // The TV screen: the code in full, a QR code, a countdown, the cursor hidden then restored.
    assert!(text.contains(&code), "{text}");
    assert!(text.contains("Scan this with your phone"), "{text}");
    assert!(text.contains("▀▀▀"), "QR code and big letters: {text}");
    assert!(text.contains("Code expires in 10:00") || text.contains("Code expires in 9:5"));
    let hidden = text.matches("\x1b[?25l").count();
    let shown = text.matches("\x1b[?25h").count();
    assert_eq!((hidden, shown), (1, 1), "{text:?}");
    assert!(
        text.rfind("\x1b[?25h") > text.rfind("\x1b[?25l"),
        "restored last"
    );
    assert!(text.trim_end().ends_with("Stopped."), "{text:?}");
    emu.shutdown().await;
    Ok(())
}

#[test]
fn the_binary_exits_with_the_outcome_code_and_documents_them() -> Result<()> {
    let bin = env!("CARGO_BIN_EXE_device");
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let run = std::process::Command::new(bin)
        .args(["--auth-base", &format!("http://127.0.0.1:{port}"), "--json"])
        .output()?;
    assert_eq!(run.status.code(), Some(i32::from(exit::UNREACHABLE)));
    let end: Value = serde_json::from_slice(&run.stdout).context("one JSON line")?;
    assert_eq!(end["event"], "unreachable");
    assert!(
        run.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // An environment id beside --custom-domain is said to be ignored, on stderr (stdout stays
    // JSON), and left out of the URLs.
    let run = std::process::Command::new(bin)
        .args(["--auth-base", &format!("http://127.0.0.1:{port}"), "--json"])
        .args(["--custom-domain", "--env-id", "abc-123"])
        .output()?;
    let warning = String::from_utf8(run.stderr)?;
    assert!(warning.contains("--env-id abc-123 is ignored"), "{warning}");
    let end: Value = serde_json::from_slice(&run.stdout).context("one JSON line")?;
    assert_eq!(end["event"], "unreachable");
    assert!(
        !end.to_string().contains("abc-123"),
        "no environment id in the URL: {end}"
    );

    let help = std::process::Command::new(bin).arg("--help").output()?;
    assert_eq!(help.status.code(), Some(0));
    let help = String::from_utf8(help.stdout)?;
    for line in [
        "0    connected",
        "3    access_denied",
        "4    expired_token",
        "130  stopped",
    ] {
        assert!(help.contains(line), "{line}:\n{help}");
    }

    let usage = std::process::Command::new(bin)
        .arg("--no-such-flag")
        .output()?;
    assert_eq!(usage.status.code(), Some(i32::from(exit::USAGE)));
    Ok(())
}
