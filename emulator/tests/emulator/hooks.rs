//! The test hooks: what tests read (flows, actions, devices, polls) and what they inject (expiry,
//! forced statuses, faults), over HTTP under `/__emulator/` and in-process on `Running`, which
//! must say the same thing.

use std::time::{Duration, Instant};

use emulator::hooks::{
    Action, DeviceView, Fault, FaultRequest, FaultRule, FlowView, HookError, NextFlowRequest,
    Route, StatusRequest,
};
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE, HOST, ORIGIN};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

const NO_BODY: Option<&()> = None;

#[tokio::test]
async fn flows_list_and_record_every_request_with_its_status() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, Some("ABCD-EFGH")).await;
    emu.sign_on_as(&browser, &flow, "ada", "no").await;
    emu.sign_on(&browser, &flow).await;
    emu.get_flow(&emu.http, &flow).await; // no cookie: 401, still recorded

    let list: Vec<FlowView> = emu.hook_ok(Method::GET, "flows", NO_BODY).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, flow);

    let record: FlowView = emu
        .hook_ok(Method::GET, &format!("flows/{flow}"), NO_BODY)
        .await;
    assert_eq!(record, list[0]);
    assert_eq!(Some(&record), emu.running.flows().first());
    assert_eq!(record.status, "DAG_USER_CODE_REQUIRED");
    assert_eq!(record.user_code, None);
    assert_eq!(record.user_code_hint.as_deref(), Some("ABCD-EFGH"));
    assert!(record.expires_at.ends_with('Z') && !record.expired);
    let actions: Vec<(&str, Option<u16>)> = record
        .actions
        .iter()
        .map(|a| {
            assert!(a.at.ends_with('Z'), "{a:?}");
            (a.action.as_str(), a.http_status)
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("usernamePassword.check", Some(400)),
            ("usernamePassword.check", Some(200)),
            ("GET", Some(401)),
        ]
    );
    let (status, err) = emu.hook_http(Method::GET, "flows/unknown", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_pingone_error(&err, "NOT_FOUND");
    assert_eq!(emu.running.flow("unknown"), None);
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
    let device: DeviceView = emu
        .hook_ok(Method::GET, &format!("devices/{lower}"), NO_BODY)
        .await;
    assert_eq!(device.user_code, user_code);
    assert_eq!(device.device_code, device_code);
    assert_eq!(device.status, "PENDING");
    assert_eq!(device.polls.len(), 2);
    assert!(device.polls.iter().all(|t| t.ends_with('Z')));
    assert_eq!(Some(&device), emu.running.devices().first());
    let (status, _) = emu.hook_http(Method::GET, "devices/NOPE-NOPE", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(emu.running.device("NOPE-NOPE"), None);
}

#[tokio::test]
async fn expiry_hooks_end_flows_and_codes_now() {
    let emu = start().await;
    let (_, user_code) = emu.authorize_device().await;
    let device: DeviceView = emu
        .hook_ok(
            Method::POST,
            &format!("devices/{user_code}/expire"),
            NO_BODY,
        )
        .await;
    assert_eq!(device.status, "EXPIRED");
    assert_eq!(emu.device(&user_code), device);

    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let record: FlowView = emu
        .hook_ok(Method::POST, &format!("flows/{flow}/expire"), NO_BODY)
        .await;
    assert!(record.expired);
    let (status, _) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = emu
        .hook_http(Method::POST, "flows/unknown/expire", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_forced_status_is_shown_for_hand_off() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let record: FlowView = emu
        .hook_ok(
            Method::POST,
            &format!("flows/{flow}/status"),
            Some(&StatusRequest {
                status: "OTP_REQUIRED".to_owned(),
            }),
        )
        .await;
    assert_eq!(record.status, "OTP_REQUIRED");
    let (_, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(body["status"], "OTP_REQUIRED");
    let links = body["_links"].as_object().expect("links");
    assert_eq!(links.keys().collect::<Vec<_>>(), ["self", "signOnPage"]);
    let (status, _) = emu.try_sign_on(&browser, &flow).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Malformed bodies, then a status that is not one.
    for bad in [
        r#"{"status":"lower"}"#,
        "{}",
        r#""OTP_REQUIRED""#,
        r#"{"status":"OTP_REQUIRED","extra":1}"#,
    ] {
        let (status, err) = emu
            .hook_http(
                Method::POST,
                &format!("flows/{flow}/status"),
                Some(bad.to_owned()),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_pingone_error(&err, "INVALID_REQUEST");
    }
    assert!(matches!(
        emu.running.force_status(&flow, "Otp"),
        Err(HookError::Invalid(_))
    ));
    assert_eq!(
        emu.running.force_status("unknown", "OTP_REQUIRED"),
        Err(HookError::NoFlow)
    );
}

#[tokio::test]
async fn status_faults_answer_instead_of_the_flow_and_are_recorded() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    emu.fault(Route::Flows, 2, Fault::Status { status: 503 });
    let (status, err) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_pingone_error(&err, "UNEXPECTED_ERROR");
    let (status, _) = emu.try_sign_on(&browser, &flow).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    // The sign-on did not happen; the next request is served normally.
    let (status, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "USERNAME_PASSWORD_REQUIRED");
    let actions = emu.record(&flow).actions;
    assert_eq!(actions.len(), 3);
    assert_eq!(actions[1].action, "usernamePassword.check");
    assert_eq!(actions[1].fault.as_deref(), Some("status"));
    assert_eq!(actions[1].http_status, Some(503));
    assert_eq!(actions[2].fault, None);
    // The device routes were never affected.
    let (status, _) = emu.authorize_device_with(&[]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn latency_faults_delay_then_answer() {
    let emu = start().await;
    let (device_code, _) = emu.authorize_device().await;
    emu.fault(Route::Token, 1, Fault::Latency { ms: 400 });
    let started = Instant::now();
    let (_, body) = emu.poll(&device_code).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(body["error"], "authorization_pending");
}

#[tokio::test]
async fn drop_faults_close_the_connection_without_an_answer() {
    let emu = start().await;
    emu.fault(Route::DeviceAuthorization, 1, Fault::Drop);
    let result = emu
        .http
        .post(emu.url("as/device_authorization"))
        .form(&[("client_id", emu.client_id.as_str())])
        .send()
        .await;
    assert!(result.is_err(), "{result:?}");
    let (status, _) = emu.authorize_device_with(&[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(emu.running.devices().len(), 1);
}

#[tokio::test]
async fn malformed_json_faults_truncate_the_body() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    emu.fault(Route::Any, 1, Fault::MalformedJson);
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
async fn faults_are_added_listed_and_cleared_over_http() {
    let emu = start().await;
    let request = FaultRequest::new(Route::Device, 5, Fault::Status { status: 500 });
    let rules: Vec<FaultRule> = emu.hook_ok(Method::POST, "faults", Some(&request)).await;
    assert_eq!(rules.len(), 1);
    assert_eq!(
        emu.enter("device/tv").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let rules: Vec<FaultRule> = emu.hook_ok(Method::GET, "faults", NO_BODY).await;
    assert_eq!(
        rules,
        [FaultRule {
            route: Route::Device,
            remaining: 4,
            fault: Fault::Status { status: 500 },
        }]
    );
    assert_eq!(emu.running.faults(), rules);
    let rules: Vec<FaultRule> = emu.hook_ok(Method::DELETE, "faults", NO_BODY).await;
    assert!(rules.is_empty());
    assert!(emu.running.faults().is_empty());
    assert_eq!(emu.enter("device/tv").await.0, StatusCode::FOUND);
}

#[tokio::test]
async fn fault_requests_are_validated_and_hooks_are_never_faulted() {
    let emu = start().await;
    for bad in [
        FaultRequest::new(Route::Any, 0, Fault::Drop),
        FaultRequest::new(Route::Any, 1, Fault::Status { status: 42 }),
        FaultRequest::new(Route::Any, 1, Fault::Latency { ms: 999_999 }),
    ] {
        assert!(
            matches!(
                emu.running.add_fault(bad.clone()),
                Err(HookError::Invalid(_))
            ),
            "{bad:?}"
        );
        let body = serde_json::to_string(&bad).expect("serialisable");
        let (status, err) = emu.hook_http(Method::POST, "faults", Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_pingone_error(&err, "INVALID_REQUEST");
    }
    // Bodies no fault type can hold.
    for bad in [
        r#"{"route":"nowhere","count":1,"fault":{"kind":"drop"}}"#,
        r#"{"route":"any","count":1,"fault":{"kind":"explode"}}"#,
        r#"{"route":"any","count":1}"#,
    ] {
        let (status, err) = emu
            .hook_http(Method::POST, "faults", Some(bad.to_owned()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_pingone_error(&err, "INVALID_REQUEST");
    }
    assert!(emu.running.faults().is_empty());
    emu.fault(Route::Any, 3, Fault::Status { status: 503 });
    let (status, _) = emu.hook_http(Method::GET, "flows", None).await;
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
        .request(Method::OPTIONS, emu.hook("faults"))
        .header(ORIGIN, &origin)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("options");
    assert!(resp.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    assert!(!resp.status().is_success());
}

#[tokio::test]
async fn rate_limit_faults_answer_429_without_lockout_details_and_leave_the_flow_alone() {
    let emu = start().await;
    let (browser, flow) = emu.signed_on_flow().await;
    emu.fault(Route::Any, 1, Fault::RateLimited { retry_after: 7 });
    let resp = browser
        .post(emu.url(&format!("flows/{flow}")))
        .header(CONTENT_TYPE, VERIFY)
        .body(json!({"userCode": "ZZZZ-ZZZ0"}).to_string())
        .send()
        .await
        .expect("verify");
    assert_eq!(resp.headers()["retry-after"], "7");
    let (status, err) = json_of(resp).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_pingone_error(&err, "REQUEST_LIMITED");
    assert!(err.get("details").is_none(), "{err}");

    let record = emu.record(&flow);
    assert_eq!(record.status, "DAG_USER_CODE_REQUIRED");
    assert_eq!(
        record.failed_user_code_attempts, 0,
        "the code was never looked at"
    );
    let last = record.actions.last().expect("recorded");
    assert_eq!(
        (
            last.action.as_str(),
            last.http_status,
            last.fault.as_deref()
        ),
        ("userCode.verify", Some(429), Some("rate_limited"))
    );
}

#[tokio::test]
async fn a_fault_can_aim_at_one_action() {
    let emu = start().await;
    let (browser, flow) = emu.signed_on_flow().await;
    let aimed = FaultRequest::new(
        Route::FlowAction(Action::UserCodeVerify),
        1,
        Fault::Status { status: 503 },
    );
    let rules: Vec<FaultRule> = emu.hook_ok(Method::POST, "faults", Some(&aimed)).await;
    assert_eq!(rules[0].route, Route::FlowAction(Action::UserCodeVerify));
    // Reads and other actions pass; the first verify meets it.
    let (status, _) = emu.get_flow(&browser, &flow).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = emu
        .act(&browser, &flow, CONSENT, json!({"accept": true}))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "consent is out of turn, not faulted"
    );
    let (status, _) = emu
        .act(&browser, &flow, VERIFY, json!({"userCode": "ZZZZ-ZZZ0"}))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(emu.running.faults().is_empty());
}

#[tokio::test]
async fn an_error_redirect_fault_sends_the_hand_off_back_with_an_error() {
    let emu = start().await;
    emu.fault(
        Route::Device,
        1,
        Fault::ErrorRedirect {
            code: "REQUEST_FAILED".to_owned(),
        },
    );
    let (status, location) = emu.enter("device/tv").await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        location.starts_with("http://127.0.0.1:8080/device?"),
        "the login page: {location}"
    );
    assert_eq!(query_value(&location, "flowId"), None);
    assert_eq!(
        query_value(&location, "environmentId").as_deref(),
        Some(emu.env.as_str())
    );
    let error: Value =
        serde_json::from_str(&query_value(&location, "error").expect("error")).expect("JSON");
    assert_pingone_error(&error, "REQUEST_FAILED");
    assert!(emu.running.flows().is_empty(), "no flow was created");
    // Once only.
    let (_, location) = emu.enter("device/tv").await;
    assert!(query_value(&location, "flowId").is_some(), "{location}");

    let misplaced = FaultRequest::new(
        Route::Flows,
        1,
        Fault::ErrorRedirect {
            code: "REQUEST_FAILED".to_owned(),
        },
    );
    assert!(matches!(
        emu.running.add_fault(misplaced),
        Err(HookError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_next_flow_can_start_where_a_test_needs_it() {
    let emu = start().await;
    // As a browser that signed on earlier: at the code, the user attached, the cookie set.
    let request = NextFlowRequest {
        status: "DAG_USER_CODE_REQUIRED".to_owned(),
        signed_on_as: Some("grace".to_owned()),
    };
    let _: Value = emu.hook_ok(Method::POST, "next-flow", Some(&request)).await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let (_, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(body["status"], "DAG_USER_CODE_REQUIRED");
    assert_eq!(body["_embedded"]["user"]["username"], "grace");
    assert!(body["_links"]["session.reset"]["href"].is_string());
    let (status, _) = emu.get_flow(&emu.http, &flow).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the flow is the session's"
    );

    // Once: the flow after it starts as usual.
    let other = emu.open_flow(&self::browser(), None).await;
    assert_eq!(emu.record(&other).status, "USERNAME_PASSWORD_REQUIRED");

    // Any status; a status after sign-on needs a user.
    emu.running
        .next_flow(NextFlowRequest {
            status: "OTP_REQUIRED".to_owned(),
            signed_on_as: None,
        })
        .expect("valid");
    let otp = emu.open_flow(&self::browser(), None).await;
    assert_eq!(emu.record(&otp).status, "OTP_REQUIRED");
    for (status, user) in [
        ("DAG_USER_CODE_REQUIRED", None),
        ("otp", None),
        ("OTP_REQUIRED", Some("nobody")),
    ] {
        let request = NextFlowRequest {
            status: status.to_owned(),
            signed_on_as: user.map(str::to_owned),
        };
        assert!(
            matches!(emu.running.next_flow(request), Err(HookError::Invalid(_))),
            "{status} {user:?}"
        );
    }
}

#[tokio::test]
async fn a_cross_site_text_plain_post_cannot_drive_a_hook() {
    let emu = start().await;
    let browser = browser();
    let flow = emu.open_flow(&browser, None).await;
    let fault = serde_json::to_string(&FaultRequest::new(Route::Any, 1, Fault::Drop))
        .expect("serialisable");
    let next = r#"{"status":"OTP_REQUIRED"}"#.to_owned();
    // What any web page can send without asking first: a "simple" POST (a form, or `fetch` in
    // no-cors mode) whose body is JSON but whose type is text/plain or a form's.
    for media in [
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        for (path, body) in [
            ("faults".to_owned(), fault.clone()),
            (format!("flows/{flow}/expire"), String::new()),
            ("next-flow".to_owned(), next.clone()),
        ] {
            let resp = emu
                .http
                .post(emu.hook(&path))
                .header(CONTENT_TYPE, media)
                .header(ORIGIN, "https://evil.example")
                .body(body)
                .send()
                .await
                .expect("post");
            assert_eq!(
                resp.status(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{media} {path}"
            );
        }
    }
    // Nothing changed: no fault, the flow alive, the next flow starts as usual.
    assert!(emu.running.faults().is_empty());
    assert!(!emu.record(&flow).expired);
    let (_, body) = emu.get_flow(&browser, &flow).await;
    assert_eq!(body["status"], "USERNAME_PASSWORD_REQUIRED");
    let fresh = emu.open_flow(&browser, None).await;
    assert_eq!(emu.record(&fresh).status, "USERNAME_PASSWORD_REQUIRED");
}

#[tokio::test]
async fn hooks_answer_only_a_host_that_names_this_listener() {
    let emu = start().await;
    emu.authorize_device().await;
    let port = emu.api.rsplit(':').next().expect("a port").to_owned();
    let devices_for = |host: String| {
        let req = emu.http.get(emu.hook("devices")).header(HOST, &host);
        async move { (json_of(req.send().await.expect("get")).await, host) }
    };
    // A site whose name was made to resolve to 127.0.0.1 (DNS rebinding) sends its own name.
    for host in [
        format!("rebind.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "127.0.0.1:1".to_owned(),
    ] {
        let ((status, body), host) = devices_for(host).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{host}");
        assert!(body.get(0).is_none(), "{host}: no device codes handed out");
    }
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let ((status, body), host) = devices_for(host).await;
        assert_eq!(status, StatusCode::OK, "{host}");
        assert_eq!(body.as_array().map(Vec::len), Some(1), "{host}");
    }
}
