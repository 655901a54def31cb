//! What the device shows, in three forms: a TV-like terminal screen (big code, QR code, live
//! countdown, hidden cursor restored on every exit), tidy plain lines when stdout is not a
//! terminal, and JSON lines for scripts. The flow calls the same methods whatever the form.

use std::io::Write;

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;
use serde_json::{Value, json};
use tokio::time::{Duration, Instant};

use crate::bigtext;
use crate::client::{DeviceAuthorization, Error};
use crate::outcome::{Connected, Expiry, Outcome};
use crate::sanitize::for_terminal as shown;

/// How output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A terminal: the code drawn large, a QR code, a countdown redrawn in place, ANSI styles.
    Terminal,
    /// Not a terminal (a pipe, a log): plain lines, no QR code, no escape sequences.
    Plain,
    /// `--json`: one JSON object per line: when the code is issued, and at the end.
    Json,
}

const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";
const CLEAR_LINE: &str = "\r\x1b[2K";

/// The state of the live status line.
#[derive(Debug, Clone)]
struct Status {
    deadline: Instant,
    interval: Duration,
    note: Option<String>,
}

/// The device's screen over any writer.
pub(crate) struct Screen<W: Write> {
    out: W,
    mode: Mode,
    show_tokens: bool,
    styled: bool,
    status: Option<Status>,
    /// Terminal: a status line is on screen (no newline after it yet), cursor hidden.
    live: bool,
}

impl<W: Write> Screen<W> {
    pub fn new(out: W, mode: Mode, show_tokens: bool) -> Screen<W> {
        // https://no-color.org: styles off, but the countdown and QR code stay.
        let styled =
            mode == Mode::Terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Screen {
            out,
            mode,
            show_tokens,
            styled,
            status: None,
            live: false,
        }
    }

    /// Writes and flushes. A closed stdout must not stop the flow (the exit code still tells),
    /// so write errors are dropped here on purpose.
    fn emit(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    fn json_line(&mut self, value: &Value) {
        self.emit(&format!("{value}\n"));
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn paint(&self, sgr: &str, text: &str) -> String {
        if self.styled {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// The code was issued: show what a TV shows.
    pub fn issued(&mut self, auth: &DeviceAuthorization) {
        let complete = auth.verification_uri_complete.as_deref();
        match self.mode {
            Mode::Json => {
                let line = json!({
                    "event": "code",
                    "user_code": auth.user_code,
                    "verification_uri": auth.verification_uri,
                    "verification_uri_complete": complete,
                    "expires_in": auth.expires_in,
                    "interval": auth.interval,
                });
                self.json_line(&line);
            }
            Mode::Plain => {
                let mut text = format!(
                    "To connect this device, open {} and enter the code {}\n",
                    shown(&auth.verification_uri),
                    shown(&auth.user_code)
                );
                if let Some(complete) = complete {
                    text.push_str(&format!("(or open {})\n", shown(complete)));
                }
                text.push_str(&format!(
                    "The code expires in {}. Waiting for approval...\n",
                    human_duration(auth.expires_in)
                ));
                self.emit(&text);
            }
            Mode::Terminal => {
                // The QR code first: on a short terminal it is what scrolls away, while the
                // address, the code and the countdown stay at the bottom, in view.
                let mut text = String::from("\n");
                if let Some(qr) = complete.and_then(qr_lines) {
                    text.push_str(&format!("  {}\n\n", self.bold("Scan this with your phone")));
                    for line in qr {
                        text.push_str(&format!("  {line}\n"));
                    }
                    text.push_str("\n  or open\n");
                } else {
                    text.push_str(&format!(
                        "  {}\n",
                        self.bold("To connect this device, open")
                    ));
                }
                text.push_str(&format!(
                    "    {}\n",
                    self.paint("1;4", &shown(&auth.verification_uri))
                ));
                text.push_str("  and enter the code\n\n");
                if let Some(lines) = bigtext::render(&auth.user_code) {
                    for line in lines {
                        text.push_str(&format!("    {}\n", self.bold(&line)));
                    }
                    text.push('\n');
                }
                text.push_str(&format!("    {}\n\n", self.bold(&shown(&auth.user_code))));
                self.emit(&text);
            }
        }
    }

    /// Between polls: the deadline, the current interval and anything worth saying.
    pub fn waiting(&mut self, deadline: Instant, interval: Duration, note: Option<String>) {
        // A note can quote the server (an odd answer).
        let note = note.map(|note| shown(&note).into_owned());
        if self.mode == Mode::Plain
            && let Some(note) = &note
        {
            self.emit(&format!("{note}\n"));
        }
        self.status = Some(Status {
            deadline,
            interval,
            note,
        });
        self.tick();
    }

    /// Redraws the countdown (terminal only); called every second.
    pub fn tick(&mut self) {
        if self.mode != Mode::Terminal {
            return;
        }
        let Some(status) = self.status.clone() else {
            return;
        };
        let left = status.deadline.saturating_duration_since(Instant::now());
        // Round up, so the line says 0:00 only once the time is really over.
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let mut line = format!(
            "  Code expires in {}:{:02} · waiting for approval · checking every {}",
            secs / 60,
            secs % 60,
            short_secs(status.interval)
        );
        if let Some(note) = &status.note {
            line.push_str(&format!(" · {note}"));
        }
        let mut text = String::new();
        if !self.live {
            text.push_str(HIDE_CURSOR);
            self.live = true;
        }
        text.push_str(CLEAR_LINE);
        text.push_str(&line);
        self.emit(&text);
    }

    /// Takes the status line down and gives the cursor back.
    fn end_live(&mut self) {
        if self.live {
            self.live = false;
            self.emit(&format!("{CLEAR_LINE}{SHOW_CURSOR}"));
        }
    }

    /// The flow ended: say how, and hand the outcome back.
    pub fn finish(mut self, outcome: Outcome) -> Outcome {
        self.end_live();
        match self.mode {
            Mode::Json => {
                let line = self.outcome_json(&outcome);
                self.json_line(&line);
            }
            Mode::Plain | Mode::Terminal => {
                let text = self.outcome_text(&outcome);
                let text = if self.mode == Mode::Terminal {
                    text.lines().map(|l| format!("  {l}\n")).collect()
                } else {
                    text
                };
                self.emit(&text);
            }
        }
        outcome
    }

    fn outcome_text(&self, outcome: &Outcome) -> String {
        match outcome {
            Outcome::Connected(c) => self.connected_text(c),
            Outcome::Denied(description) => {
                let mut text = format!(
                    "{} the request was refused, so this device is not connected.\n",
                    self.paint("1;31", "✘ Access denied:")
                );
                if let Some(d) = description {
                    text.push_str(&format!("  server: {}\n", shown(d)));
                }
                text
            }
            Outcome::Expired(expiry) => {
                let mut text = format!(
                    "{} nobody approved it in time. Run device again for a new code.\n",
                    self.paint("1;31", "✘ The code expired:")
                );
                if let Expiry::Server(Some(d)) = expiry {
                    text.push_str(&format!("  server: {}\n", shown(d)));
                }
                text
            }
            Outcome::Failed(err) => self.error_text(err),
            Outcome::Interrupted => "Stopped.\n".to_owned(),
        }
    }

    fn connected_text(&self, c: &Connected) -> String {
        let who = match &c.user {
            Some(user) => user.display_name(),
            None => "(no id_token: ask for the openid scope to see who)".to_owned(),
        };
        let mut text = format!("{} {}\n", self.paint("1;32", "✔ Connected as"), shown(&who));
        let mut row =
            |label: &str, value: &str| text.push_str(&format!("  {label:<13} {}\n", shown(value)));
        if let Some(sub) = c.user.as_ref().and_then(|u| u.sub.as_deref()) {
            row("user id", sub);
        }
        if let Some(problem) = &c.id_token_problem {
            row("id_token", &format!("unreadable: {problem}"));
        }
        row("scope", c.scope.as_deref().unwrap_or("(not stated)"));
        let lifetime = match c.expires_in {
            Some(secs) => format!("valid for {} ({secs} s)", human_duration(secs)),
            None => "lifetime not stated".to_owned(),
        };
        row("access token", &format!("{}, {lifetime}", c.token_type));
        if self.show_tokens {
            row("access_token", &c.tokens.access_token);
            if let Some(t) = &c.tokens.id_token {
                row("id_token", t);
            }
            if let Some(t) = &c.tokens.refresh_token {
                row("refresh_token", t);
            }
        }
        text
    }

    fn error_text(&self, err: &Error) -> String {
        let failed = |what: &str| self.paint("1;31", what);
        match err {
            Error::Unreachable { url, reason } => format!(
                "{} {}\n  {}\n  Is --auth-base right, and is the server running?\n",
                failed("✘ Could not reach"),
                shown(url),
                shown(reason)
            ),
            Error::Server { url, status, body } => {
                let mut text = format!(
                    "{} {}\n  (HTTP {status} from {})\n",
                    failed("✘ The server refused:"),
                    shown(&body.to_string()),
                    shown(url)
                );
                if let Some(hint) = hint(body.error.as_deref(), body.code.as_deref(), *status) {
                    text.push_str(&format!("  {hint}\n"));
                }
                text
            }
            Error::Protocol { .. } => format!(
                "{} {}\n",
                failed("✘ Unexpected answer:"),
                shown(&err.to_string())
            ),
            Error::Config(message) => format!("{} {}\n", failed("✘"), shown(message)),
        }
    }

    fn outcome_json(&self, outcome: &Outcome) -> Value {
        let mut line = json!({"event": outcome.event(), "exit_code": outcome.exit_code()});
        match outcome {
            Outcome::Connected(c) => {
                line["scope"] = json!(c.scope);
                line["token_type"] = json!(c.token_type);
                line["expires_in"] = json!(c.expires_in);
                line["user"] = json!(c.user);
                if let Some(problem) = &c.id_token_problem {
                    line["id_token_problem"] = json!(problem);
                }
                if self.show_tokens {
                    line["access_token"] = json!(c.tokens.access_token);
                    line["id_token"] = json!(c.tokens.id_token);
                    if let Some(t) = &c.tokens.refresh_token {
                        line["refresh_token"] = json!(t);
                    }
                }
            }
            Outcome::Denied(description) => line["error_description"] = json!(description),
            Outcome::Expired(Expiry::Server(description)) => {
                line["error_description"] = json!(description);
                line["noticed_by"] = json!("server");
            }
            Outcome::Expired(Expiry::Local) => line["noticed_by"] = json!("device"),
            Outcome::Failed(err) => {
                line["message"] = json!(err.to_string());
                match err {
                    Error::Unreachable { url, reason } => {
                        line["url"] = json!(url);
                        line["reason"] = json!(reason);
                    }
                    Error::Server { url, status, body } => {
                        line["url"] = json!(url);
                        line["status"] = json!(status);
                        line["error"] = json!(body.error);
                        line["error_description"] = json!(body.error_description);
                        if body.code.is_some() {
                            line["code"] = json!(body.code);
                        }
                    }
                    Error::Protocol { url, status, .. } => {
                        line["url"] = json!(url);
                        line["status"] = json!(status);
                    }
                    Error::Config(_) => {}
                }
            }
            Outcome::Interrupted => {}
        }
        line
    }
}

impl<W: Write> Drop for Screen<W> {
    /// Whatever happens (a panic included), the terminal gets its cursor back.
    fn drop(&mut self) {
        self.end_live();
    }
}

/// What to check for a refusal, from PingOne's error codes.
fn hint(error: Option<&str>, code: Option<&str>, status: u16) -> Option<&'static str> {
    match (error, code, status) {
        (Some("invalid_client"), _, _) | (Some("unauthorized_client"), _, _) => {
            Some("Is --client-id right, and does the application allow the device grant?")
        }
        (Some("invalid_scope"), _, _) => Some("Does the application allow every --scope asked?"),
        (_, Some("NOT_FOUND"), _) | (None, None, 404) => {
            Some("Are --auth-base and --env-id right (or is it a --custom-domain)?")
        }
        _ => None,
    }
}

/// The QR code of `data`, drawn for a dark terminal (a light quiet zone around dark modules).
fn qr_lines(data: &str) -> Option<Vec<String>> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let image = code
        .render::<Dense1x2>()
        // On a dark background, "light" cells are drawn with block characters.
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build();
    Some(image.lines().map(str::to_owned).collect())
}

/// `5 s`, `0.5 s`.
fn short_secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `10 min`, `1 h`, `1 h 30 min`, `45 s`, `2 min 5 s`.
pub(crate) fn human_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let parts: Vec<String> = [(h, "h"), (m, "min"), (s, "s")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if parts.is_empty() {
        "0 s".to_owned()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_would_say_them() {
        for (secs, want) in [
            (0, "0 s"),
            (45, "45 s"),
            (600, "10 min"),
            (3600, "1 h"),
            (5400, "1 h 30 min"),
            (125, "2 min 5 s"),
        ] {
            assert_eq!(human_duration(secs), want);
        }
        assert_eq!(short_secs(Duration::from_secs(5)), "5 s");
        assert_eq!(short_secs(Duration::from_millis(500)), "0.5 s");
    }

    #[test]
    fn qr_codes_are_square_blocks() {
        let lines = qr_lines("http://127.0.0.1:9000/8d2f6a4e/device/tv?user_code=BVKV-2GZ2")
            .expect("a URL fits in a QR code");
        let width = lines[0].chars().count();
        assert!(width > 21, "at least a version-1 code plus quiet zone");
        assert!(lines.iter().all(|l| l.chars().count() == width));
        // Two modules per row of text.
        assert_eq!(lines.len(), width.div_ceil(2));
    }

    /// What a screen in `mode` writes for `show`.
    fn shown(mode: Mode, show: impl FnOnce(Screen<&mut Vec<u8>>)) -> String {
        let mut out = Vec::new();
        show(Screen::new(&mut out, mode, true));
        String::from_utf8(out).expect("UTF-8")
    }

    /// The escape sequences and invisible reorderings a server tries to put on the screen.
    const HOSTILE: [&str; 6] = [
        "\x1b]52;c;ZXZpbA==\x07",             // OSC 52: write the clipboard
        "\x1b]8;;https://evil.example\x1b\\", // OSC 8: a hidden link
        "\x1b[2J\x1b[H",                      // clear the screen, cursor home
        "\u{9b}31m",                          // C1 CSI
        "\u{202e}",                           // bidi override
        "\u{2066}",                           // bidi isolate
    ];

    fn assert_clean(text: &str, own_escapes: bool) {
        for hostile in HOSTILE {
            assert!(
                !text.contains(hostile),
                "{hostile:?} reached the screen: {text:?}"
            );
        }
        for c in ['\u{7f}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{7}'] {
            assert!(!text.contains(c), "{c:?} reached the screen: {text:?}");
        }
        if !own_escapes {
            assert!(
                !text.contains('\x1b'),
                "an escape reached the screen: {text:?}"
            );
        }
    }

    fn auth(verification_uri: &str) -> DeviceAuthorization {
        DeviceAuthorization {
            device_code: "dc".to_owned(),
            user_code: format!("BVKV-2GZ2{}", HOSTILE[2]),
            verification_uri: verification_uri.to_owned(),
            verification_uri_complete: Some(format!("{verification_uri}?user_code=BVKV-2GZ2")),
            expires_in: 600,
            interval: Some(5),
        }
    }

    #[test]
    fn an_ansi_laden_verification_uri_is_shown_inert() {
        let uri = format!("https://auth.example/device{}", HOSTILE.concat());
        let plain = shown(Mode::Plain, |mut s| s.issued(&auth(&uri)));
        assert_clean(&plain, false);
        assert!(
            plain.contains("https://auth.example/device\u{fffd}"),
            "{plain}"
        );
        // The terminal screen keeps its own styles, and nothing of the server's.
        let screen = shown(Mode::Terminal, |mut s| s.issued(&auth(&uri)));
        assert_clean(&screen, true);
        // --json stays exact: the values as the server sent them.
        let json = shown(Mode::Json, |mut s| s.issued(&auth(&uri)));
        let line: Value = serde_json::from_str(json.trim()).expect("one JSON line");
        assert_eq!(line["verification_uri"], uri);
        assert_eq!(line["user_code"], auth(&uri).user_code);
    }

    #[test]
    fn an_osc_8_link_in_an_error_description_is_shown_inert() {
        let description = format!(
            "{}Click here{}\x1b]8;;\x1b\\ to continue",
            HOSTILE[1], HOSTILE[0]
        );
        let endings = || {
            [
                Outcome::Denied(Some(description.clone())),
                Outcome::Expired(Expiry::Server(Some(description.clone()))),
                Outcome::Failed(Error::Server {
                    url: "https://auth.example/as/token".to_owned(),
                    status: 400,
                    body: Box::new(crate::client::ErrorBody::parse(
                        &json!({"error": "invalid_grant", "error_description": description})
                            .to_string(),
                    )),
                }),
                Outcome::Failed(Error::Protocol {
                    url: "https://auth.example/as/token".to_owned(),
                    status: 200,
                    problem: description.clone(),
                }),
            ]
        };
        for (plain, terminal) in endings().into_iter().zip(endings()) {
            let text = shown(Mode::Plain, |s| drop(s.finish(plain)));
            assert_clean(&text, false);
            assert!(text.contains("Click here"), "{text}");
            assert_clean(&shown(Mode::Terminal, |s| drop(s.finish(terminal))), true);
        }
        let json = shown(Mode::Json, |s| {
            drop(s.finish(Outcome::Denied(Some(description.clone()))))
        });
        let line: Value = serde_json::from_str(json.trim()).expect("one JSON line");
        assert_eq!(line["error_description"], description);
    }

    #[test]
    fn a_bidi_override_in_an_id_token_name_is_shown_inert() {
        let user = crate::outcome::User {
            sub: Some("5a8e\u{202e}".to_owned()),
            preferred_username: Some("ada\u{2066}\x1b[8m".to_owned()),
            given_name: Some("\u{202e}ecalevoL".to_owned()),
            family_name: Some("Ada".to_owned()),
            name: None,
        };
        let connected = || {
            Outcome::Connected(Box::new(Connected {
                scope: Some(format!("openid{}", HOSTILE[0])),
                token_type: "Bearer\u{9b}2J".to_owned(),
                expires_in: Some(3600),
                user: Some(user.clone()),
                id_token_problem: None,
                tokens: crate::outcome::Tokens {
                    access_token: format!("at{}", HOSTILE[2]),
                    id_token: Some("id\u{202e}".to_owned()),
                    refresh_token: Some("rt\u{2066}".to_owned()),
                },
            }))
        };
        let text = shown(Mode::Plain, |s| drop(s.finish(connected())));
        assert_clean(&text, false);
        assert!(
            text.contains("\u{fffd}ecalevoL Ada (ada\u{fffd}\u{fffd}[8m)"),
            "{text}"
        );
        assert_clean(
            &shown(Mode::Terminal, |s| drop(s.finish(connected()))),
            true,
        );
        let json = shown(Mode::Json, |s| drop(s.finish(connected())));
        let line: Value = serde_json::from_str(json.trim()).expect("one JSON line");
        assert_eq!(line["user"]["given_name"], "\u{202e}ecalevoL");
    }

    #[test]
    fn hints_follow_error_codes() {
        assert!(hint(Some("invalid_client"), None, 401).is_some_and(|h| h.contains("--client-id")));
        assert!(hint(None, Some("NOT_FOUND"), 404).is_some_and(|h| h.contains("--env-id")));
        assert_eq!(hint(Some("server_error"), None, 500), None);
    }
}
