//! Who may call a flow: the browser that has its id until PingOne knows the user, then only the
//! session the sign-on started (its cookie); an earlier session skipping the password;
//! `session.reset`; and a password that locks after wrong tries.

use std::sync::Arc;
use std::time::Duration;

use emulator::{DEMO_LOCKABLE_PASSWORD, DEMO_LOCKABLE_USERNAME, Lockout, SessionCookie};
use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::SET_COOKIE;
use serde_json::{Value, json};

use crate::common::*;

fn api_url(emu: &Emu) -> reqwest::Url {
    emu.api.parse().expect("the API's URL")
}

/// A browser keeping its cookies in `jar`, where the test can read them.
fn browser_with(jar: Arc<Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The cookies `jar` sends to the emulator, as a `Cookie` header (`ST=…`), or nothing.
fn held_cookie(jar: &Jar, emu: &Emu) -> String {
    jar.cookies(&api_url(emu))
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        .unwrap_or_default()
}

/// The `Set-Cookie` header of a sign-on, and the flow it answered.
async fn sign_on_cookie(emu: &Emu, browser: &reqwest::Client, flow: &str) -> (String, Value) {
    let resp = browser
        .post(emu.url(&format!("flows/{flow}")))
        .header(reqwest::header::CONTENT_TYPE, SIGN_ON)
        .body(
            json!({"username": emulator::DEMO_USERNAME, "password": emulator::DEMO_PASSWORD})
                .to_string(),
        )
        .send()
        .await
        .expect("sign-on");
    let cookie = resp
        .headers()
        .get(SET_COOKIE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (status, body) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (cookie, body)
}

#[tokio::test]
async fn the_cookie_comes_with_the_sign_on_and_is_needed_from_then_on() {
    let emu = start().await;
    let resp = emu
        .http
        .get(emu.url("device/tv"))
        .send()
        .await
        .expect("hand-off");
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert!(resp.headers().get(SET_COOKIE).is_none(), "no cookie yet");

    // Before the user is known the flow is the browser's by its id alone [model]: the page reads
    // it right after the hand-off, whatever cookies it holds.
    let owner = browser();
    let flow = emu.open_flow(&owner, None).await;
    for client in [&emu.http, &owner] {
        let (status, body) = emu.get_flow(client, &flow).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let (cookie, _) = sign_on_cookie(&emu, &owner, &flow).await;
    assert!(cookie.starts_with("ST="), "{cookie}");
    for attribute in ["HttpOnly", "Path=/", "SameSite=Lax"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");

    let stranger = browser();
    emu.signed_on_flow_in(&stranger).await;
    for client in [&stranger, &emu.http] {
        let (status, body) = emu.get_flow(client, &flow).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_pingone_error(&body, "ACCESS_FAILED");
        let (status, body) = emu.act(client, &flow, RESET, json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_pingone_error(&body, "ACCESS_FAILED");
    }
    let (status, body) = emu.get_flow(&owner, &flow).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "DAG_USER_CODE_REQUIRED");
}

#[tokio::test]
async fn the_cookie_can_be_cross_site() {
    let mut config = fast_config();
    config.session_cookie = SessionCookie::cross_site();
    let emu = start_with(config, false, None).await;
    let flow = emu.open_flow(&emu.http, None).await;
    let (cookie, _) = sign_on_cookie(&emu, &emu.http, &flow).await;
    assert!(cookie.contains("SameSite=None"), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn a_signed_on_browser_starts_at_the_user_code() {
    let emu = start().await;
    let (browser, first) = emu.signed_on_flow().await;

    let resp = browser
        .get(emu.url("device/tv"))
        .send()
        .await
        .expect("hand-off");
    assert!(
        resp.headers().get(SET_COOKIE).is_none(),
        "the cookie it has"
    );
    let second = emu.open_flow(&browser, None).await;
    let (_, body) = emu.get_flow(&browser, &second).await;
    assert_eq!(body["status"], "DAG_USER_CODE_REQUIRED");
    assert_eq!(body["_embedded"]["user"]["username"], "ada");
    assert!(body["_links"]["session.reset"]["href"].is_string());
    // The same session, so it needs the cookie from the start.
    assert_eq!(
        emu.record(&second).session_id,
        emu.record(&first).session_id
    );
    let (status, _) = emu.get_flow(&emu.http, &second).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let fresh = self::browser();
    let third = emu.open_flow(&fresh, None).await;
    let (_, body) = emu.get_flow(&fresh, &third).await;
    assert_eq!(body["status"], "USERNAME_PASSWORD_REQUIRED");
}

#[tokio::test]
async fn session_reset_detaches_the_user_and_ends_the_session() {
    let emu = start().await;
    let (device_code, user_code) = emu.authorize_device().await;
    let jar = Arc::new(Jar::default());
    let browser = browser_with(Arc::clone(&jar));
    let first = emu.signed_on_flow_in(&browser).await;
    let flow = emu.open_flow(&browser, None).await;
    let session_cookie = held_cookie(&jar, &emu);
    assert!(session_cookie.starts_with("ST="), "{session_cookie}");
    let (_, wrong) = emu
        .act(&browser, &flow, VERIFY, json!({"userCode": "ZZZZ-ZZZ0"}))
        .await;
    assert_eq!(wrong["details"][0]["innerError"]["remainingAttempts"], 4);
    let (status, _) = emu
        .act(&browser, &flow, VERIFY, json!({"userCode": user_code}))
        .await;
    assert_eq!(status, StatusCode::OK);

    let resp = browser
        .post(emu.url(&format!("flows/{flow}")))
        .header(reqwest::header::CONTENT_TYPE, RESET)
        .body("{}")
        .send()
        .await
        .expect("reset");
    let cleared = resp.headers()[SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        cleared.starts_with("ST=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    let (status, body) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "USERNAME_PASSWORD_REQUIRED");
    assert!(body["_embedded"].get("user").is_none(), "{body}");
    assert!(body.get("session").is_none(), "{body}");
    assert!(body["_links"].get("session.reset").is_none(), "{body}");
    let record = emu.record(&flow);
    assert_eq!(record.user_id, None);
    assert_eq!(
        record.failed_user_code_attempts, 1,
        "the wrong code still counts"
    );

    // The session is over: its cookie, sent again, opens none of its flows; a new hand-off
    // asks for the password.
    assert_eq!(held_cookie(&jar, &emu), "", "the cookie was cleared");
    let replay = Jar::default();
    replay.add_cookie_str(&session_cookie, &api_url(&emu));
    let replay = browser_with(Arc::new(replay));
    let (status, _) = emu.get_flow(&replay, &first).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let fresh_flow = emu.open_flow(&browser, None).await;
    let (_, body) = emu.get_flow(&browser, &fresh_flow).await;
    assert_eq!(body["status"], "USERNAME_PASSWORD_REQUIRED");

    // Another user signs on; the verified code is kept, so consent comes next, as that user.
    let (status, body) = emu
        .sign_on_as(
            &browser,
            &flow,
            DEMO_LOCKABLE_USERNAME,
            DEMO_LOCKABLE_PASSWORD,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "DAG_CONSENT_REQUIRED");
    assert_eq!(body["_embedded"]["user"]["username"], "grace");
    let (status, _) = emu
        .act(&browser, &flow, CONSENT, json!({"accept": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (_, tokens) = emu.poll(&device_code).await;
    let id = claims(tokens["id_token"].as_str().expect("id_token"));
    assert_eq!(id["preferred_username"], "grace");
}

#[tokio::test]
async fn a_lockable_password_locks_and_counts_down_to_unlock() {
    let mut config = fast_config();
    let grace = config
        .users
        .iter_mut()
        .find(|u| u.username == DEMO_LOCKABLE_USERNAME)
        .expect("the demo's lockable user");
    assert_eq!(
        grace.lockout,
        Some(Lockout {
            failures: 3,
            seconds: 60
        })
    );
    grace.lockout = Some(Lockout {
        failures: 3,
        seconds: 3,
    });
    let emu = start_with(config, false, None).await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let try_password =
        |password: &'static str| emu.sign_on_as(&browser, &flow, DEMO_LOCKABLE_USERNAME, password);

    for _ in 0..2 {
        let (_, err) = try_password("wrong").await;
        assert_eq!(err["details"][0]["code"], "INVALID_CREDENTIALS", "{err}");
    }
    let (status, err) = try_password("wrong").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_pingone_error(&err, "INVALID_DATA");
    let detail = &err["details"][0];
    assert_eq!(detail["code"], "PASSWORD_LOCKED_OUT", "{err}");
    assert_eq!(detail["innerError"]["secondsUntilUnlock"], 3, "{err}");

    // Locked: even the right password is refused, and the wait shrinks in real time.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, err) = try_password(DEMO_LOCKABLE_PASSWORD).await;
    assert_eq!(err["details"][0]["code"], "PASSWORD_LOCKED_OUT", "{err}");
    assert_eq!(err["details"][0]["innerError"]["secondsUntilUnlock"], 2);
    // ada has no lockout and is not affected.
    let (_, err) = emu.sign_on_as(&browser, &flow, "ada", "wrong").await;
    assert_eq!(err["details"][0]["code"], "INVALID_CREDENTIALS", "{err}");

    tokio::time::sleep(Duration::from_millis(2000)).await;
    let (status, body) = try_password(DEMO_LOCKABLE_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["_embedded"]["user"]["username"], "grace");
}
