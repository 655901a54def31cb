//! Whatever arrives — arbitrary bytes, headers, media types, paths, methods — the emulator answers
//! with a well-formed error (or a normal answer) and keeps serving. Never a 5xx, never a panic.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use reqwest::StatusCode;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::common::*;

/// Paths to probe and their weights: the flow the session owns, and the OAuth endpoints, most.
const TARGETS: &[(u32, &str)] = &[
    (3, "{api}/{env}/as/device_authorization"),
    (3, "{api}/{env}/as/token"),
    (1, "{api}/{env}/device"),
    (1, "{api}/{env}/device/tv"),
    (1, "{api}/{env}/device/{x}"),
    (8, "{api}/{env}/flows/{flow}"),
    (2, "{api}/{env}/flows/{x}"),
    (1, "{api}/{env}/as/resume?flowId={flow}"),
    (1, "{api}/{env}/as/resume?flowId={x}"),
    (1, "{api}/{env}/signon/?flowId={x}"),
    (1, "{api}/{env}/{x}"),
    (1, "{api}/11111111-2222-3333-4444-555555555555/flows/{flow}"),
    (1, "{api}/{x}"),
    (1, "{api}/__emulator/flows/{flow}"),
    (1, "{api}/__emulator/flows/{x}/status"),
    (1, "{api}/__emulator/devices/{x}"),
    (1, "{api}/__emulator/{x}"),
    (1, "{page}/config.json"),
    (1, "{page}/device/{x}"),
    (1, "{page}/{x}"),
];

const MEDIA: &[&str] = &[
    "application/vnd.pingidentity.usernamePassword.check+json",
    "application/vnd.pingidentity.deviceAuthGrant.userCode.verify+json",
    "application/vnd.pingidentity.deviceAuthGrant.consent+json",
    "application/vnd.pingidentity.session.reset+json",
    "application/x-www-form-urlencoded",
    "application/json",
    "multipart/form-data; boundary=x",
    "text/plain; charset=utf-8",
];

#[derive(Debug, Clone)]
struct Probe {
    target: usize,
    segment: String,
    method: usize,
    media: Option<String>,
    body: Vec<u8>,
    cookie: usize,
    origin: Option<String>,
    header: Option<(String, Vec<u8>)>,
}

fn json_body() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
        Just(Value::String(emulator::DEMO_PASSWORD.to_owned())),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("username".to_owned()),
                        Just("password".to_owned()),
                        Just("userCode".to_owned()),
                        Just("accept".to_owned()),
                        Just("status".to_owned()),
                        "[a-z]{1,8}",
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    });
    value.prop_map(|v| v.to_string().into_bytes())
}

fn form_body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        (
            prop_oneof![
                Just("client_id"),
                Just("grant_type"),
                Just("device_code"),
                Just("scope"),
                Just("client_secret"),
            ],
            prop_oneof![
                Just(emulator::DEMO_CLIENT_ID.to_owned()),
                Just(DEVICE_GRANT.to_owned()),
                ".{0,30}",
            ],
        ),
        0..5,
    )
    .prop_map(|pairs| {
        let mut ser = form_urlencoded_pairs(&pairs);
        std::mem::take(&mut ser).into_bytes()
    })
}

fn form_urlencoded_pairs(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn weighted(weights: impl Iterator<Item = u32>) -> impl Strategy<Value = usize> {
    prop::strategy::Union::new_weighted(
        weights
            .enumerate()
            .map(|(i, w)| (w, Just(i).boxed()))
            .collect(),
    )
}

fn probe() -> impl Strategy<Value = Probe> {
    (
        weighted(TARGETS.iter().map(|(w, _)| *w)),
        "[A-Za-z0-9%._~-]{0,24}",
        // GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD
        weighted([3, 6, 1, 1, 1, 1, 1].into_iter()),
        prop_oneof![
            1 => Just(None),
            4 => (0..MEDIA.len()).prop_map(|i| Some(MEDIA[i].to_owned())),
            1 => "[ -~]{0,60}".prop_map(Some),
        ],
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            json_body(),
            form_body(),
        ],
        // none, the flow's session, a forged one
        weighted([1, 3, 1].into_iter()),
        prop_oneof![
            Just(None),
            Just(Some("http://127.0.0.1:8080".to_owned())),
            "[ -~]{0,30}".prop_map(Some),
        ],
        prop::option::of((
            "[a-z][a-z-]{0,15}",
            prop::collection::vec(any::<u8>(), 0..40),
        )),
    )
        .prop_map(
            |(target, segment, method, media, body, cookie, origin, header)| Probe {
                target,
                segment,
                method,
                media,
                body,
                cookie,
                origin,
                header,
            },
        )
}

/// A PingOne error body, or an RFC 6749 one.
fn well_formed_error(body: &Value) -> bool {
    let Some(obj) = body.as_object() else {
        return false;
    };
    let pingone = obj.get("id").is_some_and(Value::is_string)
        && obj.get("code").is_some_and(Value::is_string)
        && obj.get("message").is_some_and(Value::is_string)
        && obj
            .keys()
            .all(|k| ["id", "code", "message", "details"].contains(&k.as_str()));
    let oauth = obj.get("error").is_some_and(Value::is_string)
        && obj
            .keys()
            .all(|k| ["error", "error_description"].contains(&k.as_str()));
    pingone || oauth
}

#[test]
fn arbitrary_requests_get_well_formed_answers() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dist = std::env::temp_dir().join(format!("emulator-fuzz-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).expect("temp dist");
    std::fs::write(dist.join("index.html"), "<!doctype html>").expect("write");
    let (emu, flow, session) = rt.block_on(async {
        let emu = start_with(fast_config(), true, Some(dist.clone())).await;
        let browser = browser();
        let flow = emu.open_flow(&browser, None).await;
        (emu, flow, browser)
    });
    let no_cookies = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = emu.running.page_url().expect("page url");
    let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];

    let mut runner = TestRunner::new(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&probe(), |p| {
        let url = TARGETS[p.target]
            .1
            .replace("{api}", &emu.api)
            .replace("{page}", &page)
            .replace("{env}", &emu.env)
            .replace("{flow}", &flow)
            .replace("{x}", &p.segment);
        let method = reqwest::Method::from_bytes(methods[p.method].as_bytes()).expect("method");
        let client = if p.cookie == 1 { &session } else { &no_cookies };
        let mut req = client.request(method.clone(), &url).body(p.body.clone());
        if let Some(media) = &p.media
            && let Ok(value) = HeaderValue::from_str(media)
        {
            req = req.header("content-type", value);
        }
        if p.cookie == 2 {
            req = req.header("cookie", "ST=forged-session-token");
        }
        if let Some(origin) = &p.origin
            && let Ok(value) = HeaderValue::from_str(origin)
        {
            req = req.header("origin", value);
        }
        if let Some((name, value)) = &p.header
            && let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_bytes(value),
            )
            && !["host", "content-length", "transfer-encoding", "connection"]
                .contains(&name.as_str())
        {
            req = req.header(name, value);
        }
        let (status, text) = rt.block_on(async {
            let resp = req.send().await.expect("the server answers");
            let status = resp.status();
            (status, resp.text().await.expect("a body"))
        });
        prop_assert!(
            status.as_u16() < 500,
            "{method} {url} answered {status}: {text}"
        );
        // The page listener is a static file server, not PingOne: only "no 5xx" holds there.
        if status.is_client_error() && method != reqwest::Method::HEAD && url.starts_with(&emu.api)
        {
            let body: Value = serde_json::from_str(&text).map_err(|e| {
                TestCaseError::fail(format!("{method} {url} {status}: not JSON ({e}): {text}"))
            })?;
            prop_assert!(well_formed_error(&body), "{method} {url} {status}: {body}");
        }
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }

    still_serving(&rt, &emu);
    let _ = std::fs::remove_dir_all(dist);
}

#[test]
fn garbage_on_the_socket_does_not_hurt_the_server() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let emu = rt.block_on(start());
    let addr = emu.api.trim_start_matches("http://").to_owned();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let garbage = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        (
            "[A-Z]{1,7}",
            "[ -~]{0,80}",
            prop::collection::vec("[ -~]{0,60}", 0..6)
        )
            .prop_map(|(method, target, headers)| {
                format!(
                    "{method} {target} HTTP/1.1\r\n{}\r\n\r\n",
                    headers.join("\r\n")
                )
                .into_bytes()
            }),
    ];
    let result = runner.run(&garbage, |bytes| {
        let mut stream = TcpStream::connect(&addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let _ = stream.write_all(&bytes);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        if answer.starts_with(b"HTTP/1.1 5") {
            return Err(TestCaseError::fail(
                String::from_utf8_lossy(&answer).into_owned(),
            ));
        }
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    still_serving(&rt, &emu);
}

/// After the onslaught the emulator still answers a device normally.
fn still_serving(rt: &tokio::runtime::Runtime, emu: &Emu) {
    rt.block_on(async {
        let (status, _) = emu.authorize_device_with(&[]).await;
        assert_eq!(status, StatusCode::OK);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_hand_offs_leave_bounded_memory() {
    let emu = start().await;
    let url = emu.url("device");
    // 10,000 `GET {base}/device`, each making a flow, from 16 clients at once.
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (http, url) = (emu.http.clone(), url.clone());
        clients.spawn(async move {
            for _ in 0..625 {
                let resp = http.get(&url).send().await.expect("hand-off");
                assert_eq!(resp.status(), StatusCode::FOUND);
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.expect("a client finished");
    }
    let flows = emu.running.flows().len();
    assert!(flows <= 5_000, "{flows} flows held after 10,000 hand-offs");
    // Everything else the store holds, as the hooks count it.
    let size = emu.running.store_size();
    assert_eq!((size.flows, size.listed_flows), (flows, flows), "{size:?}");
    assert_eq!(
        (size.sessions, size.devices, size.actions),
        (0, 0, 0),
        "{size:?}"
    );
    let (status, body) = emu.hook_http(reqwest::Method::GET, "store", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["flows"], flows);
}
