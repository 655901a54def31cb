//! The browser's side: `/device` redirects, the session cookie, and every step and error of the
//! flow API, as the contract describes them.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn a_whole_flow_walks_the_documented_statuses_and_issues_tokens() {
    let emu = start().await;
    let (device_code, user_code) = emu.authorize_device().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, Some(&user_code)).await;

    let (status, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "USERNAME_PASSWORD_REQUIRED");
    assert_eq!(body["id"], flow.as_str());
    let self_href = emu.url(&format!("flows/{flow}"));
    assert_eq!(body["_links"]["self"]["href"], self_href.as_str());
    assert_eq!(
        body["_links"]["usernamePassword.check"]["href"],
        self_href.as_str()
    );
    assert_eq!(
        body["resumeUrl"],
        emu.url(&format!("as/resume?flowId={flow}")).as_str()
    );
    // The session starts with the user.
    assert!(body.get("session").is_none(), "{body}");
    assert!(body["createdAt"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert!(body["expiresAt"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(
        body["_embedded"]["application"]["name"],
        emulator::DEMO_APP_NAME
    );
    assert!(body["_embedded"]["application"]["icon"]["href"].is_string());

    let body = emu.sign_on(&browser, &flow).await;
    assert_eq!(body["status"], "DAG_USER_CODE_REQUIRED");
    assert!(body["session"]["id"].is_string(), "{body}");
    assert!(body["_links"]["userCode.verify"]["href"].is_string());
    assert_eq!(body["_embedded"]["user"]["username"], "ada");
    assert_eq!(body["_embedded"]["user"]["name"]["given"], "Ada");
    assert_eq!(body["_embedded"]["user"]["name"]["family"], "Lovelace");

    // Typed in lower case, without the dash, with spaces: RFC 8628 §6.1.
    let typed = format!(" {} ", user_code.replace('-', " ").to_lowercase());
    let (status, body) = emu
        .act(&browser, &flow, VERIFY, json!({"userCode": typed}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "DAG_CONSENT_REQUIRED");
    assert!(body["_links"]["deviceAuthGrant.consent"]["href"].is_string());
    assert_eq!(
        body["_embedded"]["application"]["name"],
        emulator::DEMO_APP_NAME
    );
    let scopes = body["_embedded"]["scopes"].as_array().expect("scopes");
    assert_eq!(scopes.len(), 2);
    assert_eq!(scopes[0]["name"], "openid");
    assert!(
        scopes[0]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );

    let (status, _) = emu.poll(&device_code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = emu
        .act(&browser, &flow, CONSENT, json!({"accept": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "COMPLETED");
    assert_eq!(
        body["_embedded"]["application"]["name"],
        emulator::DEMO_APP_NAME
    );
    assert!(body["_embedded"]["scopes"].is_array());

    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let (status, tokens) = emu.poll(&device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["scope"], "openid profile");
    assert!(tokens["access_token"].is_string());
    let id = claims(tokens["id_token"].as_str().expect("id_token"));
    assert_eq!(id["sub"], body["_embedded"]["user"]["id"]);
    assert_eq!(id["preferred_username"], "ada");
    assert_eq!(id["given_name"], "Ada");
    assert_eq!(id["family_name"], "Lovelace");
    assert_eq!(id["aud"], emu.client_id.as_str());
    assert_eq!(id["iss"], emu.url("as").as_str());
    assert!(id["exp"].as_i64() > id["iat"].as_i64());

    // The hooks saw each action exactly once, in order.
    let record = emu.record(&flow);
    let actions: Vec<&str> = record.actions.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "GET",
            "usernamePassword.check",
            "userCode.verify",
            "deviceAuthGrant.consent"
        ]
    );
    assert_eq!(record.user_code, Some(user_code));
    assert_eq!(record.status, "COMPLETED");
}

#[tokio::test]
async fn the_hint_is_recorded_but_never_checked() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, Some("NOPE-NOPE")).await;
    let record = emu.record(&flow);
    assert_eq!(record.user_code_hint.as_deref(), Some("NOPE-NOPE"));
    assert_eq!(record.user_code, None);
}

#[tokio::test]
async fn sign_on_errors_name_the_field() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    for (body, code, target) in [
        (
            json!({"username": "ada", "password": "wrong"}),
            "INVALID_CREDENTIALS",
            "password",
        ),
        (
            json!({"username": "nobody", "password": "lovelace-1815"}),
            "INVALID_CREDENTIALS",
            "password",
        ),
        (json!({"password": "x"}), "REQUIRED_VALUE", "username"),
        (
            json!({"username": "", "password": "x"}),
            "EMPTY_VALUE",
            "username",
        ),
        (
            json!({"username": "ada", "password": 5}),
            "INVALID_VALUE",
            "password",
        ),
    ] {
        let (status, err) = emu.act(&browser, &flow, SIGN_ON, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_pingone_error(&err, "INVALID_DATA");
        assert_eq!(err["details"][0]["code"], code, "{body}: {err}");
        assert_eq!(err["details"][0]["target"], target, "{body}: {err}");
    }
    let (_, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(body["status"], "USERNAME_PASSWORD_REQUIRED");
    // Usernames are not case-sensitive.
    let (status, _) = emu
        .act(
            &browser,
            &flow,
            SIGN_ON,
            json!({"username": "ADA", "password": "lovelace-1815"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_codes_count_down_then_the_flow_locks() {
    let emu = start().await;
    let (_, user_code) = emu.authorize_device().await;
    let (browser, flow) = emu.signed_on_flow().await;
    for remaining in [4, 3, 2, 1] {
        let (status, err) = emu
            .act(&browser, &flow, VERIFY, json!({"userCode": "ZZZZ-ZZZ0"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_pingone_error(&err, "INVALID_DATA");
        let detail = &err["details"][0];
        assert_eq!(detail["code"], "INVALID_VALUE");
        assert_eq!(detail["target"], "userCode");
        assert_eq!(detail["innerError"]["reason"], "MISMATCH");
        assert_eq!(detail["innerError"]["remainingAttempts"], remaining);
    }
    // The lockout names the user code, which tells it from PingOne's platform rate limit.
    for code in ["ZZZZ-ZZZ0", user_code.as_str()] {
        let (status, err) = emu
            .act(&browser, &flow, VERIFY, json!({"userCode": code}))
            .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_pingone_error(&err, "REQUEST_LIMITED");
        assert_eq!(err["details"][0]["code"], "LIMIT_EXCEEDED", "{err}");
        assert_eq!(err["details"][0]["target"], "userCode", "{err}");
    }
    // Malformed bodies are not guesses.
    let (status, err) = emu.act(&browser, &flow, VERIFY, json!({})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{err}");
}

#[tokio::test]
async fn missing_or_empty_codes_are_not_counted() {
    let emu = start().await;
    let (browser, flow) = emu.signed_on_flow().await;
    for (body, code) in [
        (json!({}), "REQUIRED_VALUE"),
        (json!({"userCode": "  "}), "EMPTY_VALUE"),
        (json!({"userCode": 12345678}), "INVALID_VALUE"),
    ] {
        let (status, err) = emu.act(&browser, &flow, VERIFY, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(err["details"][0]["code"], code);
        assert_eq!(err["details"][0]["target"], "userCode");
    }
    assert_eq!(emu.record(&flow).failed_user_code_attempts, 0);
}

#[tokio::test]
async fn expired_and_used_codes_are_refused_with_their_reason() {
    let emu = start().await;
    let (_, expired) = emu.authorize_device().await;
    emu.running.expire_device(&expired).expect("a known code");
    let (_, used) = emu.authorize_device().await;
    emu.approve(&browser(), &used, true).await;

    let (browser, flow) = emu.signed_on_flow().await;
    for (code, reason) in [
        (expired.as_str(), "EXPIRED"),
        (used.as_str(), "ALREADY_USED"),
    ] {
        let (status, err) = emu
            .act(&browser, &flow, VERIFY, json!({"userCode": code}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_pingone_error(&err, "INVALID_DATA");
        assert_eq!(err["details"][0]["code"], "INVALID_VALUE");
        assert_eq!(err["details"][0]["target"], "userCode");
        assert_eq!(err["details"][0]["innerError"]["reason"], reason);
    }
}

#[tokio::test]
async fn a_code_expiring_before_consent_is_refused_at_consent() {
    let emu = start().await;
    let (device_code, user_code) = emu.authorize_device().await;
    let (browser, flow) = emu.signed_on_flow().await;
    let (status, _) = emu
        .act(&browser, &flow, VERIFY, json!({"userCode": user_code}))
        .await;
    assert_eq!(status, StatusCode::OK);
    emu.running.expire_device(&user_code).expect("a known code");
    let (status, err) = emu
        .act(&browser, &flow, CONSENT, json!({"accept": true}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["details"][0]["innerError"]["reason"], "EXPIRED");
    let (_, body) = emu.poll(&device_code).await;
    assert_eq!(body["error"], "expired_token");
}

#[tokio::test]
async fn refusing_consent_fails_the_flow_and_denies_the_device() {
    let emu = start().await;
    let (device_code, user_code) = emu.authorize_device().await;
    let body = emu.approve(&browser(), &user_code, false).await;
    assert_eq!(body["status"], "FAILED");
    assert_eq!(body["error"]["code"], "ACCESS_DENIED");
    assert!(body["error"]["message"].is_string());
    let (status, err) = emu.poll(&device_code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"], "access_denied");
    assert_eq!(emu.device(&user_code).status, "DENIED");
}

#[tokio::test]
async fn actions_out_of_turn_are_refused() {
    let emu = start().await;
    let (_, user_code) = emu.authorize_device().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    for (media, body) in [
        (VERIFY, json!({"userCode": user_code})),
        (CONSENT, json!({"accept": true})),
    ] {
        let (status, err) = emu.act(&browser, &flow, media, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_pingone_error(&err, "INVALID_REQUEST");
    }
    emu.sign_on(&browser, &flow).await;
    let (status, _) = emu.try_sign_on(&browser, &flow).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = emu
        .act(&browser, &flow, CONSENT, json!({"accept": true}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn media_types_and_bodies_are_checked_strictly() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let url = emu.url(&format!("flows/{flow}"));
    let good = r#"{"username":"ada","password":"wrong"}"#;

    for media in [
        Some("application/json"),
        Some("text/plain"),
        None,
        Some(&format!("{SIGN_ON}; charset=latin1")),
    ] {
        let mut req = browser.post(&url).body(good);
        if let Some(media) = media {
            req = req.header(CONTENT_TYPE, media);
        }
        let (status, err) = json_of(req.send().await.expect("post")).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{media:?}");
        assert_pingone_error(&err, "INVALID_REQUEST");
    }
    for body in ["{", "[1,2]", "\"text\"", "", "{\"username\":\"ada\",}"] {
        let resp = browser
            .post(&url)
            .header(CONTENT_TYPE, SIGN_ON)
            .body(body)
            .send()
            .await
            .expect("post");
        let (status, err) = json_of(resp).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_pingone_error(&err, "INVALID_REQUEST");
    }
    let huge = format!(
        r#"{{"username":"ada","password":"{}"}}"#,
        "x".repeat(100_000)
    );
    let resp = browser
        .post(&url)
        .header(CONTENT_TYPE, SIGN_ON)
        .body(huge)
        .send()
        .await
        .expect("post");
    let (status, err) = json_of(resp).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_pingone_error(&err, "INVALID_REQUEST");

    // Media types compare case-insensitively and may say charset=utf-8.
    let resp = browser
        .post(&url)
        .header(
            CONTENT_TYPE,
            format!("{}; charset=UTF-8", SIGN_ON.to_uppercase()),
        )
        .body(r#"{"username":"ada","password":"lovelace-1815"}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn idle_and_unknown_flows_are_404() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    emu.running.expire_flow(&flow).expect("a known flow");
    let (status, err) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_pingone_error(&err, "NOT_FOUND");
    let (status, _) = emu.try_sign_on(&browser, &flow).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = emu.get_flow(&browser, "no-such-flow").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_pingone_error(&err, "NOT_FOUND");
}

#[tokio::test]
async fn activity_extends_the_flow() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let (_, first) = emu.get_flow(&browser, &flow).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let (_, second) = emu.get_flow(&browser, &flow).await;
    assert!(second["expiresAt"].as_str() > first["expiresAt"].as_str());
}

#[tokio::test]
async fn resume_and_hosted_sign_on_land_on_real_pages() {
    let emu = start().await;
    let (_, user_code) = emu.authorize_device().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let resume = emu.url(&format!("as/resume?flowId={flow}"));

    let resp = browser.get(&resume).send().await.expect("resume");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()[LOCATION].to_str().expect("ascii").to_owned();
    assert_eq!(location, emu.hosted_sign_on(&flow));

    let resp = browser.get(&location).send().await.expect("signon");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.expect("html");
    assert!(html.contains("hosted sign-on"), "{html}");
    assert!(html.contains(&flow));
    assert!(html.contains("USERNAME_PASSWORD_REQUIRED"));

    let resp = emu
        .http
        .get(emu.hosted_sign_on("<script>"))
        .send()
        .await
        .expect("signon");
    let html = resp.text().await.expect("html");
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));

    emu.sign_on(&browser, &flow).await;
    emu.act(&browser, &flow, VERIFY, json!({"userCode": user_code}))
        .await;
    emu.act(&browser, &flow, CONSENT, json!({"accept": true}))
        .await;
    let resp = browser.get(&resume).send().await.expect("resume");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.text()
            .await
            .expect("html")
            .contains("Device connected")
    );

    // Once the user is known, only the session's cookie reaches the flow.
    let resp = emu.http.get(&resume).send().await.expect("resume");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}
