//! Starting an emulator and speaking to it as a browser, a device and a test.

#![allow(dead_code)]

use std::path::PathBuf;

use base64::Engine;
use emulator::hooks::{DeviceView, Fault, FaultRequest, FlowView, Route};
use emulator::{Config, Options, Running};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub const SIGN_ON: &str = "application/vnd.pingidentity.usernamePassword.check+json";
pub const VERIFY: &str = "application/vnd.pingidentity.deviceAuthGrant.userCode.verify+json";
pub const CONSENT: &str = "application/vnd.pingidentity.deviceAuthGrant.consent+json";
pub const RESET: &str = "application/vnd.pingidentity.session.reset+json";
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The demo environment with a one-second polling interval, so device tests run fast.
pub fn fast_config() -> Config {
    let mut config = Config::demo();
    config.application.device_polling_interval = 1;
    config
}

pub struct Emu {
    pub running: Running,
    pub api: String,
    pub env: String,
    pub client_id: String,
    /// A client without cookies, for the device and the hooks.
    pub http: reqwest::Client,
}

pub async fn start() -> Emu {
    start_with(fast_config(), false, None).await
}

pub async fn start_with(config: Config, page: bool, dist: Option<PathBuf>) -> Emu {
    let running = emulator::start(Options {
        api_addr: "127.0.0.1:0".parse().expect("address"),
        page_addr: page.then(|| "127.0.0.1:0".parse().expect("address")),
        dist,
        config,
    })
    .await
    .expect("emulator starts");
    Emu {
        api: running.api_url(),
        env: running.env_id().to_owned(),
        client_id: running.client_id().to_owned(),
        running,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    }
}

/// A browser: keeps cookies, does not follow redirects (the tests read them).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub async fn json_of(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.expect("body");
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}), status {status}: {text}"));
    (status, value)
}

/// The contract's error body: `id` (a UUID), `code`, `message`, and `details` if any.
pub fn assert_pingone_error(body: &Value, code: &str) {
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["id"].as_str().is_some_and(|id| id.len() == 36),
        "{body}"
    );
    assert!(body["message"].is_string(), "{body}");
    let keys: Vec<&String> = body.as_object().expect("object").keys().collect();
    assert!(
        keys.iter()
            .all(|k| ["id", "code", "message", "details"].contains(&k.as_str())),
        "{body}"
    );
}

impl Emu {
    /// `{base}/{path}`: with the environment id, unless the emulator is a custom domain.
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.running.config().base(), path)
    }

    pub fn hook(&self, path: &str) -> String {
        format!("{}/__emulator/{}", self.api, path)
    }

    /// `as/device_authorization` with the given extra form fields.
    pub async fn authorize_device_with(&self, extra: &[(&str, &str)]) -> (StatusCode, Value) {
        let mut form = vec![("client_id", self.client_id.as_str())];
        form.extend_from_slice(extra);
        let resp = self
            .http
            .post(self.url("as/device_authorization"))
            .form(&form)
            .send()
            .await
            .expect("device authorization");
        json_of(resp).await
    }

    /// A fresh device authorization: `(device_code, user_code)`.
    pub async fn authorize_device(&self) -> (String, String) {
        let (status, body) = self.authorize_device_with(&[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (
            body["device_code"]
                .as_str()
                .expect("device_code")
                .to_owned(),
            body["user_code"].as_str().expect("user_code").to_owned(),
        )
    }

    /// One token poll.
    pub async fn poll(&self, device_code: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url("as/token"))
            .form(&[
                ("grant_type", DEVICE_GRANT),
                ("device_code", device_code),
                ("client_id", self.client_id.as_str()),
            ])
            .send()
            .await
            .expect("token poll");
        json_of(resp).await
    }

    /// `GET {base}/{path}` without cookies, as a hand-off: the status and the `Location`.
    pub async fn enter(&self, path: &str) -> (StatusCode, String) {
        let resp = self
            .http
            .get(self.url(path))
            .send()
            .await
            .expect("hand-off");
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (resp.status(), location)
    }

    /// `GET /{envId}/device/tv[?user_code=…]` in `browser`: the flow id from the redirect.
    pub async fn open_flow(&self, browser: &reqwest::Client, hint: Option<&str>) -> String {
        let mut req = browser.get(self.url("device/tv"));
        if let Some(hint) = hint {
            req = req.query(&[("user_code", hint)]);
        }
        let resp = req.send().await.expect("device entry");
        assert_eq!(resp.status(), StatusCode::FOUND);
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .expect("Location")
            .to_owned();
        query_value(&location, "flowId").expect("flowId in Location")
    }

    pub async fn get_flow(&self, browser: &reqwest::Client, flow: &str) -> (StatusCode, Value) {
        let resp = browser
            .get(self.url(&format!("flows/{flow}")))
            .send()
            .await
            .expect("flow GET");
        json_of(resp).await
    }

    /// A flow action POSTed to the flow's own URL.
    pub async fn act(
        &self,
        browser: &reqwest::Client,
        flow: &str,
        media: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        post_action(browser, &self.url(&format!("flows/{flow}")), media, body).await
    }

    pub async fn sign_on(&self, browser: &reqwest::Client, flow: &str) -> Value {
        let (status, body) = self.try_sign_on(browser, flow).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Sends the demo user's sign-on and returns whatever PingOne answered.
    pub async fn try_sign_on(&self, browser: &reqwest::Client, flow: &str) -> (StatusCode, Value) {
        self.sign_on_as(
            browser,
            flow,
            emulator::DEMO_USERNAME,
            emulator::DEMO_PASSWORD,
        )
        .await
    }

    /// Sends a sign-on with these credentials and returns whatever PingOne answered.
    pub async fn sign_on_as(
        &self,
        browser: &reqwest::Client,
        flow: &str,
        username: &str,
        password: &str,
    ) -> (StatusCode, Value) {
        let body = json!({"username": username, "password": password});
        self.act(browser, flow, SIGN_ON, body).await
    }

    /// Signs on, verifies the code and consents: the device is authorised.
    pub async fn approve(&self, browser: &reqwest::Client, user_code: &str, accept: bool) -> Value {
        let flow = self.open_flow(browser, Some(user_code)).await;
        let (_, body) = self.get_flow(browser, &flow).await;
        if body["status"] == "USERNAME_PASSWORD_REQUIRED" {
            self.sign_on(browser, &flow).await;
        }
        let (status, body) = self
            .act(browser, &flow, VERIFY, json!({"userCode": user_code}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = self
            .act(browser, &flow, CONSENT, json!({"accept": accept}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// A fresh browser with a flow opened and the demo user signed on in it.
    pub async fn signed_on_flow(&self) -> (reqwest::Client, String) {
        let browser = browser();
        let flow = self.signed_on_flow_in(&browser).await;
        (browser, flow)
    }

    /// A flow opened in `browser`, the demo user signed on.
    pub async fn signed_on_flow_in(&self, browser: &reqwest::Client) -> String {
        let flow = self.open_flow(browser, None).await;
        self.sign_on(browser, &flow).await;
        flow
    }

    /// The hosted sign-on on the apps listener (regional mode), `?flowId=` and `flow` after it.
    pub fn hosted_sign_on(&self, flow: &str) -> String {
        let apps = self.running.apps_url().expect("an apps listener");
        format!("{apps}/{}/signon/?flowId={flow}", self.env)
    }

    /// The emulator's record of a flow (in-process hook).
    pub fn record(&self, flow: &str) -> FlowView {
        self.running
            .flow(flow)
            .expect("the emulator knows the flow")
    }

    /// The emulator's record of a device authorization (in-process hook).
    pub fn device(&self, user_code: &str) -> DeviceView {
        self.running
            .device(user_code)
            .expect("the emulator knows the user code")
    }

    /// The next `count` requests to `route` meet `fault` (in-process hook).
    pub fn fault(&self, route: Route, count: u32, fault: Fault) {
        self.running
            .add_fault(FaultRequest::new(route, count, fault))
            .expect("a valid fault");
    }

    /// A hook over HTTP, with an optional raw JSON body: its status and its body. Every change
    /// is sent as `application/json`, as the hooks require.
    pub async fn hook_http(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        let changes = method != reqwest::Method::GET;
        let mut req = self.http.request(method, self.hook(path));
        if changes {
            req = req.header(CONTENT_TYPE, "application/json");
        }
        if let Some(body) = body {
            req = req.body(body);
        }
        json_of(req.send().await.expect("hook")).await
    }

    /// A hook over HTTP that must answer `200`, its body read as the hook's type.
    pub async fn hook_ok<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> T {
        let body = body.map(|b| serde_json::to_string(b).expect("serialisable"));
        let (status, value) = self.hook_http(method, path, body).await;
        assert_eq!(status, StatusCode::OK, "{path}: {value}");
        serde_json::from_value(value).unwrap_or_else(|e| panic!("{path}: not the hook's type: {e}"))
    }
}

/// A flow action POSTed to `url` (the flow's, or a link's `href`).
pub async fn post_action(
    browser: &reqwest::Client,
    url: &str,
    media: &str,
    body: Value,
) -> (StatusCode, Value) {
    let resp = browser
        .post(url)
        .header(CONTENT_TYPE, media)
        .body(body.to_string())
        .send()
        .await
        .expect("flow POST");
    json_of(resp).await
}

/// A query parameter of an absolute URL, decoded.
pub fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The claims of a JWT, without checking the signature.
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}
