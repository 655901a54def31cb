//! Where everything is: the hand-off's redirect, the flow's `_links` (one per action it takes
//! now, and the hosted sign-on on its own host), action links with URLs of their own, and a
//! custom domain, whose URLs carry no environment id.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

/// The keys of a flow's `_links`, sorted.
fn link_keys(flow: &Value) -> Vec<String> {
    let mut keys: Vec<String> = flow["_links"]
        .as_object()
        .map(|links| links.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

fn href<'a>(flow: &'a Value, key: &str) -> &'a str {
    flow["_links"][key]["href"]
        .as_str()
        .unwrap_or_else(|| panic!("no _links.{key} in {flow}"))
}

/// A page from a GET: its status and text.
async fn page(emu: &Emu, url: &str) -> (StatusCode, String) {
    let resp = emu.http.get(url).send().await.expect("GET");
    (resp.status(), resp.text().await.expect("text"))
}

#[tokio::test]
async fn the_hand_off_redirects_to_the_login_page_with_the_flow_id() {
    let emu = start().await;
    let (status, location) = emu.enter("device/tv?user_code=ABCD-EFGH").await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        location.starts_with("http://127.0.0.1:8080/device?"),
        "{location}"
    );
    assert_eq!(
        query_value(&location, "environmentId").as_deref(),
        Some(emu.env.as_str())
    );
    assert!(query_value(&location, "flowId").is_some());
    assert_eq!(query_value(&location, "user_code"), None);

    // By client id too; unknown application or environment: 404.
    let (status, _) = emu.enter(&format!("device/{}", emu.client_id)).await;
    assert_eq!(status, StatusCode::FOUND);
    let (status, body) = json_of(
        emu.http
            .get(emu.url("device/radio"))
            .send()
            .await
            .expect("entry"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_pingone_error(&body, "NOT_FOUND");
    let wrong_env = format!("{}/11111111-2222-3333-4444-555555555555/device/tv", emu.api);
    let (status, body) = json_of(emu.http.get(wrong_env).send().await.expect("entry")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "The requested environment was not found.");

    // Without an application: the environment's default policy, PingOne's hosted sign-on.
    let (status, location) = emu.enter("device").await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.starts_with(&emu.hosted_sign_on("")), "{location}");
}

#[tokio::test]
async fn links_name_the_actions_of_the_status_and_the_hosted_sign_on() {
    let emu = start().await;
    let (_, user_code) = emu.authorize_device().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let self_href = emu.url(&format!("flows/{flow}"));

    let (_, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(
        link_keys(&body),
        ["self", "signOnPage", "usernamePassword.check"]
    );
    assert_eq!(href(&body, "self"), self_href);
    assert_eq!(href(&body, "usernamePassword.check"), self_href);
    let body = emu.sign_on(&browser, &flow).await;
    assert_eq!(
        link_keys(&body),
        ["self", "session.reset", "signOnPage", "userCode.verify"]
    );
    let (_, body) = emu
        .act(&browser, &flow, VERIFY, json!({"userCode": user_code}))
        .await;
    assert_eq!(
        link_keys(&body),
        [
            "deviceAuthGrant.consent",
            "self",
            "session.reset",
            "signOnPage"
        ]
    );
    let (_, body) = emu
        .act(&browser, &flow, CONSENT, json!({"accept": true}))
        .await;
    assert_eq!(link_keys(&body), ["self", "signOnPage"]);

    // The hosted sign-on is on the apps host, like apps.pingone.com; the API host has none.
    let sign_on_page = href(&body, "signOnPage");
    assert_eq!(sign_on_page, emu.hosted_sign_on(&flow));
    let (status, html) = page(&emu, sign_on_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&flow) && html.contains("COMPLETED"), "{html}");
    let (status, _) = page(&emu, &emu.url(&format!("signon/?flowId={flow}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn distinct_action_links_are_the_only_place_an_action_is_taken() {
    let mut config = fast_config();
    config.action_links_distinct = true;
    let emu = start_with(config, false, None).await;
    let (device_code, user_code) = emu.authorize_device().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let (_, body) = emu.get_flow(&browser, &flow).await;
    let check = href(&body, "usernamePassword.check").to_owned();
    assert_ne!(check, href(&body, "self"));

    // Built from the flow's URL instead of taken from the link: refused, nothing happens.
    let (status, err) = emu.try_sign_on(&browser, &flow).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_pingone_error(&err, "INVALID_REQUEST");
    // Another action's link will not do either.
    let (status, _) = post_action(&browser, &check, VERIFY, json!({"userCode": user_code})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(emu.record(&flow).status, "USERNAME_PASSWORD_REQUIRED");

    // Following the links goes all the way, "not you?" included.
    let credentials =
        json!({"username": emulator::DEMO_USERNAME, "password": emulator::DEMO_PASSWORD});
    let mut body = body;
    for (key, media, payload) in [
        ("usernamePassword.check", SIGN_ON, credentials.clone()),
        ("session.reset", RESET, json!({})),
        ("usernamePassword.check", SIGN_ON, credentials),
        ("userCode.verify", VERIFY, json!({"userCode": user_code})),
        ("deviceAuthGrant.consent", CONSENT, json!({"accept": true})),
    ] {
        let (status, next) = post_action(&browser, href(&body, key), media, payload).await;
        assert_eq!(status, StatusCode::OK, "{key}: {next}");
        body = next;
    }
    assert_eq!(body["status"], "COMPLETED");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (status, tokens) = emu.poll(&device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
}

#[tokio::test]
async fn a_custom_domain_drops_the_environment_id_everywhere() {
    let mut config = fast_config();
    config.custom_domain = true;
    let emu = start_with(config, true, None).await;
    let api = emu.api.clone();
    assert_eq!(emu.url("flows/x"), format!("{api}/flows/x"));
    assert_eq!(emu.running.apps_url(), None);

    // Every PingOne path works without the environment id…
    let (device_code, user_code) = emu.authorize_device().await;
    let (status, location) = emu.enter("device/tv").await;
    assert_eq!(status, StatusCode::FOUND);
    let page_url = emu.running.page_url().expect("a page listener");
    assert!(
        location.starts_with(&format!("{page_url}/device?flowId=")),
        "no environmentId on a custom domain: {location}"
    );
    let browser = browser();
    let flow = emu.open_flow(&browser, Some(&user_code)).await;
    let (_, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(href(&body, "self"), format!("{api}/flows/{flow}"));
    assert_eq!(body["resumeUrl"], format!("{api}/as/resume?flowId={flow}"));
    let sign_on_page = href(&body, "signOnPage");
    assert_eq!(sign_on_page, format!("{api}/signon/?flowId={flow}"));
    let (status, html) = page(&emu, sign_on_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&flow), "{html}");
    emu.approve(&browser, &user_code, true).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (status, tokens) = emu.poll(&device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(
        claims(tokens["id_token"].as_str().expect("id_token"))["iss"],
        format!("{api}/as")
    );

    // …and none works with it.
    let env = &emu.env;
    for path in [
        format!("{env}/device/tv"),
        format!("{env}/flows/{flow}"),
        format!("{env}/as/resume?flowId={flow}"),
        format!("{env}/signon/?flowId={flow}"),
    ] {
        let (status, _) = page(&emu, &format!("{api}/{path}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    for path in ["as/device_authorization", "as/token"] {
        let resp = emu
            .http
            .post(format!("{api}/{env}/{path}"))
            .form(&[("client_id", emu.client_id.as_str())])
            .send()
            .await
            .expect("POST");
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // The page's configuration is a custom domain's: no environment id.
    let (_, config) = json_of(
        emu.http
            .get(format!("{page_url}/config.json"))
            .send()
            .await
            .expect("config"),
    )
    .await;
    assert_eq!(
        config,
        json!({
            "authBase": api,
            "customDomain": true,
            "appIdentifier": "tv",
            "hostedSignOnUrl": format!("{api}/signon/"),
            "followResumeUrl": false,
        })
    );
}
