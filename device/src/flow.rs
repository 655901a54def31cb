//! The device's side of RFC 8628 as one async function: ask for a code, show it, poll the token
//! endpoint every `interval` (5 s more after each `slow_down`, backing off on transient
//! failures), stop at `expires_in`, and give up cleanly when cancelled.

use std::future::Future;
use std::io::Write;

use tokio::time::{Duration, Instant, Interval, MissedTickBehavior, sleep_until};

use crate::client::{Client, DeviceAuthorization, Error, Poll};
use crate::id_token;
use crate::outcome::{Connected, Expiry, Outcome, Tokens};
use crate::screen::Screen;

/// RFC 8628 §3.5: `slow_down` adds 5 s to the interval, for this and every later request.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// RFC 8628 §3.2: the interval when the server names none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// Transient failures in a row (no answer, 429, 5xx) tolerated while polling, each waiting twice
/// as long as the one before; one more ends the run.
pub const MAX_RETRIES: u32 = 3;

/// The longest pause between polls after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// What the flow needs besides the client.
pub(crate) struct Settings<'a> {
    pub scope: Option<&'a str>,
    pub interval_override: Option<Duration>,
}

/// Runs the whole flow; `cancel` finishing stops it with [`Outcome::Interrupted`].
pub(crate) async fn run<W, C>(
    client: &Client,
    settings: Settings<'_>,
    mut screen: Screen<W>,
    cancel: C,
) -> Outcome
where
    W: Write,
    C: Future<Output = ()>,
{
    let mut cancel = std::pin::pin!(cancel);
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut io = Io {
        screen: &mut screen,
        cancel: &mut cancel,
        ticker: &mut ticker,
    };
    let outcome = match io.race(client.authorize(settings.scope)).await {
        None => Outcome::Interrupted,
        Some(Err(err)) => Outcome::Failed(err),
        Some(Ok(auth)) => {
            let deadline = Instant::now() + Duration::from_secs(auth.expires_in);
            io.screen.issued(&auth);
            poll(client, &auth, deadline, settings.interval_override, &mut io).await
        }
    };
    screen.finish(outcome)
}

/// The screen, the cancel signal and the countdown ticker, borrowed together.
struct Io<'a, W: Write, C> {
    screen: &'a mut Screen<W>,
    cancel: &'a mut C,
    ticker: &'a mut Interval,
}

impl<W: Write, C: Future<Output = ()> + Unpin> Io<'_, W, C> {
    /// Awaits `fut`, redrawing the countdown every second; `None` when cancelled first.
    async fn race<F: Future>(&mut self, fut: F) -> Option<F::Output> {
        let mut fut = std::pin::pin!(fut);
        loop {
            tokio::select! {
                biased;
                () = &mut *self.cancel => return None,
                out = &mut fut => return Some(out),
                _ = self.ticker.tick() => self.screen.tick(),
            }
        }
    }
}

async fn poll<W: Write, C: Future<Output = ()> + Unpin>(
    client: &Client,
    auth: &DeviceAuthorization,
    deadline: Instant,
    interval_override: Option<Duration>,
    io: &mut Io<'_, W, C>,
) -> Outcome {
    let mut interval = interval_override.unwrap_or_else(|| {
        auth.interval
            .map_or(DEFAULT_INTERVAL, |s| Duration::from_secs(s.max(1)))
    });
    let mut wait = interval;
    let mut failures = 0u32;
    let mut note: Option<String> = None;
    loop {
        io.screen.waiting(deadline, interval, note.take());
        let at = Instant::now() + wait;
        if at >= deadline {
            // The next poll would come after the code's end: wait for the end, and say so.
            return match io.race(sleep_until(deadline)).await {
                None => Outcome::Interrupted,
                Some(()) => Outcome::Expired(Expiry::Local),
            };
        }
        if io.race(sleep_until(at)).await.is_none() {
            return Outcome::Interrupted;
        }
        let Some(answer) = io.race(client.poll(&auth.device_code)).await else {
            return Outcome::Interrupted;
        };
        match answer {
            Ok(Poll::Pending) => {
                failures = 0;
                wait = interval;
            }
            Ok(Poll::SlowDown) => {
                failures = 0;
                interval += SLOW_DOWN_STEP;
                wait = interval;
                note = Some(format!(
                    "The server asked to slow down: checking every {} s from now on.",
                    interval.as_secs_f64()
                ));
            }
            Ok(Poll::Tokens(tokens)) => return connected(*tokens),
            Ok(Poll::Denied(description)) => return Outcome::Denied(description),
            Ok(Poll::Expired(description)) => return Outcome::Expired(Expiry::Server(description)),
            Err(err) if err.is_transient() && failures < MAX_RETRIES => {
                failures += 1;
                wait = (interval * 2u32.pow(failures))
                    .min(MAX_BACKOFF)
                    .max(interval);
                note = Some(format!(
                    "{}; trying again in {} s.",
                    brief(&err),
                    wait.as_secs_f64()
                ));
            }
            Err(err) => return Outcome::Failed(err),
        }
    }
}

/// A failure in a few words, for the status line.
fn brief(err: &Error) -> String {
    match err {
        Error::Unreachable { .. } => "No answer from the server".to_owned(),
        Error::Server { status, .. } => format!("The server answered HTTP {status}"),
        Error::Protocol { .. } | Error::Config(_) => err.to_string(),
    }
}

fn connected(tokens: crate::client::TokenResponse) -> Outcome {
    let (user, id_token_problem) = match tokens.id_token.as_deref().map(id_token::user_of) {
        None => (None, None),
        Some(Ok(user)) => (Some(user), None),
        Some(Err(problem)) => (None, Some(problem)),
    };
    Outcome::Connected(Box::new(Connected {
        scope: tokens.scope,
        token_type: tokens.token_type.unwrap_or_else(|| "Bearer".to_owned()),
        expires_in: tokens.expires_in,
        user,
        id_token_problem,
        tokens: Tokens {
            access_token: tokens.access_token,
            id_token: tokens.id_token,
            refresh_token: tokens.refresh_token,
        },
    }))
}
