//! The `/__emulator/` hooks: what tests read (flows, actions, devices, polls) and what they
//! inject (expiry, forced statuses, faults).

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE, ORIGIN};
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn flows_list_and_record_every_request_with_its_status() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, Some("ABCD-EFGH")).await;
    emu.get_flow(&emu.http, &flow).await; // no cookie: 401, still recorded
    emu.act(
        &browser,
        &flow,
        SIGN_ON,
        json!({"username": "ada", "password": "no"}),
    )
    .await;
    emu.sign_on(&browser, &flow).await;

    let (status, list) = emu.hook_get("flows").await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], flow.as_str());

    let (status, record) = emu.hook_get(&format!("flows/{flow}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(record["status"], "DAG_USER_CODE_REQUIRED");
    assert_eq!(record["userCode"], Value::Null);
    assert!(record["expiresAt"].is_string());
    let actions: Vec<(String, u64)> = record["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            assert!(a["at"].as_str().is_some_and(|t| t.ends_with('Z')));
            (
                a["action"].as_str().expect("action").to_owned(),
                a["httpStatus"].as_u64().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("GET".to_owned(), 401),
            ("usernamePassword.check".to_owned(), 400),
            ("usernamePassword.check".to_owned(), 200),
        ]
    );
    let (status, err) = emu.hook_get("flows/unknown").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_pingone_error(&err, "NOT_FOUND");
}

#[tokio::test]
async fn devices_show_their_polls() {
    let emu = start().await;
    let (device_code, user_code) = emu.authorize_device().await;
    emu.poll(&device_code).await;
    tokio::time::sleep(Duration::from_millis(1050)).await;
    emu.poll(&device_code).await;
    // Any spelling of the code finds the device.
    let lower = user_code.to_lowercase().replace('-', "");
    let (status, device) = emu.hook_get(&format!("devices/{lower}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(device["userCode"], user_code.as_str());
    assert_eq!(device["deviceCode"], device_code.as_str());
    assert_eq!(device["status"], "PENDING");
    let polls = device["polls"].as_array().expect("polls");
    assert_eq!(polls.len(), 2);
    assert!(
        polls
            .iter()
            .all(|p| p.as_str().is_some_and(|t| t.ends_with('Z')))
    );
    let (status, _) = emu.hook_get("devices/NOPE-NOPE").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_forced_status_is_shown_for_hand_off() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let (status, record) = emu
        .hook_post(
            &format!("flows/{flow}/status"),
            json!({"status": "OTP_REQUIRED"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(record["status"], "OTP_REQUIRED");
    let (_, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(body["status"], "OTP_REQUIRED");
    let links = body["_links"].as_object().expect("links");
    assert_eq!(links.keys().collect::<Vec<_>>(), ["self"]);
    let (status, _) = emu.try_sign_on(&browser, &flow).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for bad in [json!({"status": "lower"}), json!({}), json!("OTP_REQUIRED")] {
        let (status, err) = emu.hook_post(&format!("flows/{flow}/status"), bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_pingone_error(&err, "INVALID_REQUEST");
    }
}

async fn add_fault(emu: &Emu, fault: Value) {
    let (status, body) = emu.hook_post("faults", fault).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn status_faults_answer_instead_of_the_flow_and_are_recorded() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    add_fault(
        &emu,
        json!({"route": "flows", "count": 2, "fault": {"kind": "status", "status": 503}}),
    )
    .await;
    let (status, err) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_pingone_error(&err, "UNEXPECTED_ERROR");
    let (status, _) = emu.try_sign_on(&browser, &flow).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    // The sign-on did not happen; the next request is served normally.
    let (status, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "USERNAME_PASSWORD_REQUIRED");
    let (_, record) = emu.hook_get(&format!("flows/{flow}")).await;
    let actions = record["actions"].as_array().expect("actions");
    assert_eq!(actions.len(), 3);
    assert_eq!(actions[1]["action"], "usernamePassword.check");
    assert_eq!(actions[1]["fault"], "status");
    assert_eq!(actions[1]["httpStatus"], 503);
    assert!(actions[2].get("fault").is_none());
    // The device routes were never affected.
    let (status, _) = emu.authorize_device_with(&[]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn latency_faults_delay_then_answer() {
    let emu = start().await;
    let (device_code, _) = emu.authorize_device().await;
    add_fault(
        &emu,
        json!({"route": "token", "count": 1, "fault": {"kind": "latency", "ms": 400}}),
    )
    .await;
    let started = Instant::now();
    let (_, body) = emu.poll(&device_code).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(body["error"], "authorization_pending");
}

#[tokio::test]
async fn drop_faults_close_the_connection_without_an_answer() {
    let emu = start().await;
    add_fault(
        &emu,
        json!({"route": "device_authorization", "count": 1, "fault": {"kind": "drop"}}),
    )
    .await;
    let result = emu
        .http
        .post(emu.url("as/device_authorization"))
        .form(&[("client_id", emu.client_id.as_str())])
        .send()
        .await;
    assert!(result.is_err(), "{result:?}");
    let (status, _) = emu.authorize_device_with(&[]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, devices) = emu.hook_get("devices").await;
    assert_eq!(devices.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn malformed_json_faults_truncate_the_body() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    add_fault(
        &emu,
        json!({"route": "any", "count": 1, "fault": {"kind": "malformed_json"}}),
    )
    .await;
    let resp = browser
        .get(emu.url(&format!("flows/{flow}")))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()[CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    let text = resp.text().await.expect("body");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    let (status, _) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn device_faults_hit_the_entry_and_faults_can_be_cleared() {
    let emu = start().await;
    add_fault(
        &emu,
        json!({"route": "device", "count": 5, "fault": {"kind": "status", "status": 500}}),
    )
    .await;
    let resp = emu
        .http
        .get(emu.url("device/tv"))
        .send()
        .await
        .expect("entry");
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let (_, rules) = emu.hook_get("faults").await;
    assert_eq!(rules[0]["remaining"], 4);
    let resp = emu
        .http
        .delete(emu.hook("faults"))
        .send()
        .await
        .expect("delete");
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = emu
        .http
        .get(emu.url("device/tv"))
        .send()
        .await
        .expect("entry");
    assert_eq!(resp.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn fault_requests_are_validated_and_hooks_are_never_faulted() {
    let emu = start().await;
    for bad in [
        json!({"route": "nowhere", "count": 1, "fault": {"kind": "drop"}}),
        json!({"route": "any", "count": 0, "fault": {"kind": "drop"}}),
        json!({"route": "any", "count": 1, "fault": {"kind": "status", "status": 42}}),
        json!({"route": "any", "count": 1, "fault": {"kind": "explode"}}),
        json!({"route": "any", "count": 1}),
    ] {
        let (status, err) = emu.hook_post("faults", bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_pingone_error(&err, "INVALID_REQUEST");
    }
    add_fault(
        &emu,
        json!({"route": "any", "count": 3, "fault": {"kind": "status", "status": 503}}),
    )
    .await;
    let (status, _) = emu.hook_get("flows").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn hooks_never_answer_cors() {
    let emu = start_with(fast_config(), true, None).await;
    let origin = emu.running.page_url().expect("page url");
    let resp = emu
        .http
        .get(emu.hook("flows"))
        .header(ORIGIN, &origin)
        .send()
        .await
        .expect("get");
    assert!(resp.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let resp = emu
        .http
        .request(reqwest::Method::OPTIONS, emu.hook("faults"))
        .header(ORIGIN, &origin)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("options");
    assert!(resp.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    assert!(!resp.status().is_success());
}
