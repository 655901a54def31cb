//! The TV: a minimal RFC 8628 device that asks the emulator for a code and polls for its token,
//! so every test can say what the device finally got.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use base64::Engine;
use serde::Deserialize;

/// The device authorization answer (RFC 8628 §3.2), as far as the TV needs it.
#[derive(Deserialize)]
struct Codes {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: String,
    interval: Option<u64>,
}

/// A token answer (RFC 6749 §5.1), as far as the tests check it.
#[derive(Debug, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: String,
    pub id_token: String,
}

/// An error answer (RFC 6749 §5.2).
#[derive(Deserialize)]
struct OAuthError {
    error: String,
}

/// The ID token's claims the tests check.
#[derive(Deserialize)]
struct Claims {
    sub: String,
    name: Option<String>,
}

/// A PingOne user as a token names them.
#[derive(Clone, Debug)]
pub struct Person {
    /// The user's id: the token's `sub`.
    pub id: String,
    /// Given and family name: the ID token's `name`.
    pub name: String,
}

/// Where the TV talks to, and who it expects to be connected to.
pub struct Endpoints {
    pub http: reqwest::Client,
    /// `{base}/as`: `http://127.0.0.1:PORT/{envId}/as`, or without the environment id on a
    /// custom domain.
    pub oauth: String,
    pub client_id: String,
    /// The demo user, whom most tests connect the TV to.
    pub user: Person,
}

/// A device showing a code and polling for its token (RFC 8628 §3.4–3.5).
pub struct Tv {
    at: Endpoints,
    device_code: String,
    /// The code on the TV's screen (`XXXX-XXXX`).
    pub user_code: String,
    pub verification_uri: String,
    /// The QR code's link: `verification_uri?user_code=…`.
    pub verification_uri_complete: String,
    interval: Duration,
    last_poll: Mutex<Option<Instant>>,
}

/// What one poll of the token endpoint answered.
#[derive(Debug)]
pub enum Poll {
    /// The tokens.
    Tokens(Tokens),
    /// An OAuth error code (`authorization_pending`, `access_denied`, `expired_token`, …).
    Error(String),
}

impl Tv {
    /// A TV that has just asked for a code.
    pub async fn ask(at: Endpoints) -> Result<Tv> {
        let resp = at
            .http
            .post(format!("{}/device_authorization", at.oauth))
            .form(&[
                ("client_id", at.client_id.as_str()),
                ("scope", "openid profile"),
            ])
            .send()
            .await
            .context("the TV asking for a code")?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .context("the device authorization answer")?;
        ensure!(
            status.is_success(),
            "device authorization answered {status}: {text}"
        );
        let codes: Codes = serde_json::from_str(&text)
            .with_context(|| format!("the device authorization answer {text}"))?;
        Ok(Tv {
            at,
            device_code: codes.device_code,
            user_code: codes.user_code,
            verification_uri: codes.verification_uri,
            verification_uri_complete: codes.verification_uri_complete,
            interval: Duration::from_secs(codes.interval.unwrap_or(5)),
            last_poll: Mutex::new(None),
        })
    }

    /// Polls once, keeping to the interval the server asked for (the wait is the protocol's).
    pub async fn poll(&self) -> Result<Poll> {
        let wait = {
            let last = self.last_poll.lock().map_err(|_| anyhow!("poisoned"))?;
            last.map(|at| (self.interval + Duration::from_millis(50)).saturating_sub(at.elapsed()))
        };
        if let Some(wait) = wait {
            tokio::time::sleep(wait).await;
        }
        let resp = self
            .at
            .http
            .post(format!("{}/token", self.at.oauth))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", self.device_code.as_str()),
                ("client_id", self.at.client_id.as_str()),
            ])
            .send()
            .await
            .context("the TV polling for its token")?;
        *self.last_poll.lock().map_err(|_| anyhow!("poisoned"))? = Some(Instant::now());
        let status = resp.status();
        let text = resp.text().await.context("the token endpoint's answer")?;
        if status.is_success() {
            let tokens =
                serde_json::from_str(&text).with_context(|| format!("the token answer {text}"))?;
            Ok(Poll::Tokens(tokens))
        } else {
            let error: OAuthError = serde_json::from_str(&text)
                .with_context(|| format!("the token endpoint answered {status}: {text}"))?;
            Ok(Poll::Error(error.error))
        }
    }

    /// Polls until the answer is no longer `authorization_pending`/`slow_down`.
    pub async fn outcome(&self) -> Result<Poll> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.poll().await? {
                Poll::Error(e) if e == "authorization_pending" || e == "slow_down" => {
                    if Instant::now() > deadline {
                        bail!("the TV was still waiting after 30 s");
                    }
                }
                other => return Ok(other),
            }
        }
    }

    /// Fails unless the device's poll returns tokens for the demo user.
    pub async fn expect_token(&self) -> Result<()> {
        self.expect_token_for(&self.at.user).await
    }

    /// Fails unless the device's poll returns tokens for `person`.
    pub async fn expect_token_for(&self, person: &Person) -> Result<()> {
        let tokens = match self.outcome().await? {
            Poll::Tokens(tokens) => tokens,
            Poll::Error(e) => bail!("the TV got {e:?} instead of a token"),
        };
        ensure!(
            !tokens.access_token.is_empty(),
            "no access token in {tokens:?}"
        );
        ensure!(tokens.token_type == "Bearer", "token_type in {tokens:?}");
        let claims = tokens
            .id_token
            .split('.')
            .nth(1)
            .context("the ID token is not a JWT")?;
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(claims)
            .context("the ID token's claims are not base64url")?;
        let claims: Claims =
            serde_json::from_slice(&claims).context("the ID token's claims are not JSON")?;
        ensure!(
            claims.sub == person.id && claims.name.as_deref() == Some(person.name.as_str()),
            "the token is for {} ({:?}) instead of {} ({})",
            claims.sub,
            claims.name,
            person.id,
            person.name
        );
        Ok(())
    }

    /// Fails unless the device's poll answers the OAuth error `want`.
    pub async fn expect_error(&self, want: &str) -> Result<()> {
        match self.outcome().await? {
            Poll::Error(e) if e == want => Ok(()),
            other => bail!("the TV got {other:?} instead of the error {want:?}"),
        }
    }

    /// Fails unless one poll answers `authorization_pending` (nobody approved it).
    pub async fn expect_still_waiting(&self) -> Result<()> {
        match self.poll().await? {
            Poll::Error(e) if e == "authorization_pending" => Ok(()),
            other => bail!("the TV should still be waiting, it got {other:?}"),
        }
    }
}
