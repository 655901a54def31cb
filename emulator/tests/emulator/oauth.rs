//! The device's side: `as/device_authorization` and `as/token` as RFC 8628 and PingOne's docs
//! describe them, errors in RFC 6749's shape.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};

use crate::common::*;

/// A form, the status it must get and the RFC 6749 `error`.
type Case<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str);

fn is_code_char(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

#[tokio::test]
async fn device_authorization_answers_as_ping_documents() {
    let emu = start().await;
    let resp = emu
        .http
        .post(emu.url("as/device_authorization"))
        .form(&[
            ("client_id", emu.client_id.as_str()),
            ("scope", "openid profile"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.headers()[CACHE_CONTROL], "no-store");
    assert!(
        resp.headers()[CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    let (status, body) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK);
    let device_code = body["device_code"].as_str().expect("device_code");
    assert_eq!(device_code.len(), 36);
    let user_code = body["user_code"].as_str().expect("user_code");
    assert_eq!(user_code.len(), 9);
    assert_eq!(&user_code[4..5], "-");
    assert!(
        user_code.replace('-', "").chars().all(is_code_char),
        "{user_code}"
    );
    // Without a page listener: PingOne's own verification URI.
    let uri = emu.url("device/tv");
    assert_eq!(body["verification_uri"], uri.as_str());
    assert_eq!(
        body["verification_uri_complete"],
        format!("{uri}?user_code={user_code}").as_str()
    );
    assert_eq!(body["expires_in"], 600);
    assert_eq!(body["interval"], 1);
}

#[tokio::test]
async fn base20_codes_when_configured() {
    let mut config = fast_config();
    config.user_code_charset = emulator::UserCodeCharset::Base20;
    let emu = start_with(config, false, None).await;
    for _ in 0..20 {
        let (_, code) = emu.authorize_device().await;
        assert!(
            code.replace('-', "")
                .chars()
                .all(|c| "BCDFGHJKLMNPQRSTVWXZ".contains(c)),
            "{code}"
        );
    }
}

#[tokio::test]
async fn device_authorization_errors_follow_rfc_6749() {
    let emu = start().await;
    let url = emu.url("as/device_authorization");
    let cases: Vec<Case> = vec![
        (vec![], StatusCode::BAD_REQUEST, "invalid_request"),
        (
            vec![("client_id", "someone-else")],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            vec![
                ("client_id", emu.client_id.as_str()),
                ("scope", "openid email"),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_scope",
        ),
        (
            vec![
                ("client_id", emu.client_id.as_str()),
                ("client_id", emu.client_id.as_str()),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            vec![
                ("client_id", emu.client_id.as_str()),
                ("client_secret", "s3cret"),
            ],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
    ];
    for (form, want_status, want_error) in cases {
        let resp = emu.http.post(&url).form(&form).send().await.expect("post");
        let (status, body) = json_of(resp).await;
        assert_eq!(status, want_status, "{form:?}: {body}");
        assert_eq!(body["error"], want_error, "{form:?}: {body}");
        assert!(body["error_description"].is_string());
    }
    let resp = emu
        .http
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body(format!(r#"{{"client_id":"{}"}}"#, emu.client_id))
        .send()
        .await
        .expect("post");
    let (status, body) = json_of(resp).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let resp = emu.http.get(&url).send().await.expect("get");
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);

    // A subset of the scopes is granted as asked.
    let (status, body) = emu.authorize_device_with(&[("scope", "openid")]).await;
    assert_eq!(status, StatusCode::OK);
    let browser = browser();
    let code = body["user_code"].as_str().expect("code").to_owned();
    let approved = emu.approve(&browser, &code, true).await;
    assert_eq!(
        approved["_embedded"]["scopes"].as_array().map(Vec::len),
        Some(1)
    );
    let (_, tokens) = emu.poll(body["device_code"].as_str().expect("dc")).await;
    assert_eq!(tokens["scope"], "openid");
}

#[tokio::test]
async fn token_errors_follow_rfc_8628_and_6749() {
    let emu = start().await;
    let (device_code, user_code) = emu.authorize_device().await;
    let url = emu.url("as/token");
    let client_id = emu.client_id.clone();

    let (status, body) = emu.poll(&device_code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("authorization_pending"))
    );

    let cases: Vec<Case> = vec![
        (
            vec![("device_code", &device_code), ("client_id", &client_id)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("device_code", &device_code),
                ("client_id", &client_id),
            ],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
        (
            vec![("grant_type", DEVICE_GRANT), ("client_id", &client_id)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            vec![("grant_type", DEVICE_GRANT), ("device_code", &device_code)],
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", DEVICE_GRANT),
                ("device_code", &device_code),
                ("client_id", "someone-else"),
            ],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            vec![
                ("grant_type", DEVICE_GRANT),
                ("device_code", "not-a-code"),
                ("client_id", &client_id),
            ],
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        ),
    ];
    for (form, want_status, want_error) in cases {
        let resp = emu.http.post(&url).form(&form).send().await.expect("post");
        let (status, body) = json_of(resp).await;
        assert_eq!(status, want_status, "{form:?}: {body}");
        assert_eq!(body["error"], want_error, "{form:?}: {body}");
    }

    // Approved, then issued once; the code cannot be used again.
    emu.approve(&browser(), &user_code, true).await;
    let (status, tokens) = emu.poll(&device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (status, body) = emu.poll(&device_code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(emu.device(&user_code).status, "ISSUED");
}

#[tokio::test]
async fn polling_too_fast_gets_slow_down_and_a_longer_interval() {
    let emu = start().await;
    let (device_code, user_code) = emu.authorize_device().await;
    let (_, first) = emu.poll(&device_code).await;
    assert_eq!(first["error"], "authorization_pending");
    let (status, second) = emu.poll(&device_code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(second["error"], "slow_down");
    let device = emu.device(&user_code);
    assert_eq!(device.interval, 6);
    assert_eq!(device.polls.len(), 2);
    // Still too soon for the new interval.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, third) = emu.poll(&device_code).await;
    assert_eq!(third["error"], "slow_down");
}

#[tokio::test]
async fn expired_device_codes_get_expired_token() {
    let emu = start().await;
    let (device_code, user_code) = emu.authorize_device().await;
    emu.running.expire_device(&user_code).expect("a known code");
    let (status, body) = emu.poll(&device_code).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("expired_token"))
    );
}
