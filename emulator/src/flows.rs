//! The browser's side: `/{envId}/device…` starts a flow and sets the session cookie, the flow API
//! moves it through sign-on, code check and consent, `as/resume` and the hosted sign-on page end it.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use tracing::info;

use crate::codes;
use crate::error::{ApiError, Detail, json_response};
use crate::request::{
    BodyError, PathParams, cookie, html_escape, media_type, query_param, read_body, with_query,
};
use crate::store::{DeviceStatus, Flow, FlowStatus, Session, Shared, Store, now, rfc3339};

/// Where the API listener serves the demo application's icon.
pub(crate) const ICON_PATH: &str = "/assets/living-room-tv.svg";

const NOT_FOUND_FLOW: &str = "The flow was not found, or it expired.";

/// The four actions the flow API takes, named by their media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    UsernamePasswordCheck,
    UserCodeVerify,
    Consent,
    SessionReset,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::UsernamePasswordCheck => "usernamePassword.check",
            Action::UserCodeVerify => "userCode.verify",
            Action::Consent => "deviceAuthGrant.consent",
            Action::SessionReset => "session.reset",
        }
    }

    /// The action a `Content-Type` essence (lower-cased) names.
    pub fn from_media_type(essence: &str) -> Option<Action> {
        match essence {
            "application/vnd.pingidentity.usernamepassword.check+json" => {
                Some(Action::UsernamePasswordCheck)
            }
            "application/vnd.pingidentity.deviceauthgrant.usercode.verify+json" => {
                Some(Action::UserCodeVerify)
            }
            "application/vnd.pingidentity.deviceauthgrant.consent+json" => Some(Action::Consent),
            "application/vnd.pingidentity.session.reset+json" => Some(Action::SessionReset),
            _ => None,
        }
    }

    /// The label the hooks record for a POST with these headers.
    pub fn label(headers: &HeaderMap) -> String {
        match media_type(headers) {
            Some((essence, _)) => match Action::from_media_type(&essence) {
                Some(action) => action.name().to_owned(),
                None => format!("POST {}", truncate(&essence, 100)),
            },
            None => "POST".to_owned(),
        }
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// `GET /{envId}/device`
pub(crate) async fn enter_default(
    State(st): State<Arc<Shared>>,
    PathParams(env): PathParams<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    enter(&st, &env, None, &uri, &headers)
}

/// `GET /{envId}/device/{appIdentifier}`
pub(crate) async fn enter_app(
    State(st): State<Arc<Shared>>,
    PathParams((env, app)): PathParams<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    enter(&st, &env, Some(&app), &uri, &headers)
}

fn enter(st: &Shared, env: &str, app: Option<&str>, uri: &Uri, headers: &HeaderMap) -> Response {
    if !st.is_env(env) {
        return ApiError::not_found("The requested environment was not found.").into_response();
    }
    if let Some(app) = app
        && !st.app_matches(app)
    {
        return ApiError::not_found("The requested application was not found.").into_response();
    }
    let hint = query_param(uri, "user_code")
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && h.len() <= 64);

    let now = now();
    let mut store = st.lock();
    store.prune(now, st.session_idle());
    let existing = cookie(headers, &st.cfg.session_cookie.name).filter(|token| {
        store
            .session(token, now, st.session_idle())
            .is_some_and(|s| {
                s.last_used = now;
                true
            })
    });
    let token = match existing {
        Some(token) => token,
        None => {
            let token = codes::opaque_token();
            store.sessions.insert(
                token.clone(),
                Session {
                    id: uuid::Uuid::new_v4().to_string(),
                    user_id: None,
                    last_used: now,
                },
            );
            token
        }
    };
    let Some(session) = store.sessions.get(&token) else {
        return ApiError::unexpected("The session could not be created.").into_response();
    };
    let session_id = session.id.clone();
    let user_id = session.user_id.clone();
    let status = if user_id.is_some() {
        FlowStatus::DagUserCodeRequired
    } else {
        FlowStatus::UsernamePasswordRequired
    };
    let flow_id = uuid::Uuid::new_v4().to_string();
    let client_id = app.map(|_| st.cfg.application.client_id.clone());
    let location = match (&client_id, st.login_page_url()) {
        (Some(_), Some(login)) => with_query(
            login,
            &[("environmentId", env), ("flowId", flow_id.as_str())],
        ),
        _ => st.hosted_sign_on(&flow_id),
    };
    info!(flow = %flow_id, status = status.as_str(), "flow created");
    store.flows.insert(
        flow_id.clone(),
        Flow {
            id: flow_id.clone(),
            session_token: token.clone(),
            session_id,
            client_id,
            user_id,
            status,
            user_code_hint: hint,
            device_code: None,
            failed_code_attempts: 0,
            created_at: now,
            expires_at: now + st.flow_idle(),
            actions: Vec::new(),
            error: None,
        },
    );
    store.flow_order.push(flow_id);
    drop(store);

    let mut resp = StatusCode::FOUND.into_response();
    let headers = resp.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, value);
    }
    if let Ok(value) = HeaderValue::from_str(&session_cookie(st, &token)) {
        headers.insert(header::SET_COOKIE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn session_cookie(st: &Shared, token: &str) -> String {
    let c = &st.cfg.session_cookie;
    let mut value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite={}",
        c.name, c.same_site
    );
    if c.secure {
        value.push_str("; Secure");
    }
    value
}

/// The flow a request may act on: it exists, is not idle past its lifetime, and the request
/// carries the cookie of the session that created it. Records the attempt either way.
fn authorize<'a>(
    st: &Shared,
    store: &'a mut Store,
    flow_id: &str,
    headers: &HeaderMap,
    action: &str,
    now: OffsetDateTime,
) -> Result<&'a mut Flow, ApiError> {
    let token = cookie(headers, &st.cfg.session_cookie.name);
    let Some(flow) = store.flows.get_mut(flow_id) else {
        return Err(ApiError::not_found(NOT_FOUND_FLOW));
    };
    if flow.is_expired(now) {
        flow.record(action, Some(404), None);
        return Err(ApiError::not_found(NOT_FOUND_FLOW));
    }
    if token.as_deref() != Some(flow.session_token.as_str()) {
        flow.record(action, Some(401), None);
        return Err(ApiError::access_failed(
            "The request did not carry the session cookie of this flow.",
        ));
    }
    flow.expires_at = now + st.flow_idle();
    if let Some(session) = store.sessions.get_mut(&flow.session_token) {
        session.last_used = now;
    }
    match store.flows.get_mut(flow_id) {
        Some(flow) => Ok(flow),
        None => Err(ApiError::not_found(NOT_FOUND_FLOW)),
    }
}

/// `GET /{envId}/flows/{flowId}`
pub(crate) async fn get_flow(
    State(st): State<Arc<Shared>>,
    PathParams((env, flow_id)): PathParams<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !st.is_env(&env) {
        return ApiError::not_found("The requested environment was not found.").into_response();
    }
    let now = now();
    let mut store = st.lock();
    let flow = match authorize(&st, &mut store, &flow_id, &headers, "GET", now) {
        Ok(flow) => flow,
        Err(err) => return err.into_response(),
    };
    flow.record("GET", Some(200), None);
    let body = flow_json(&st, &store, &flow_id);
    json_response(StatusCode::OK, &body)
}

/// `POST /{envId}/flows/{flowId}`: the `Content-Type` names the action.
pub(crate) async fn post_flow(
    State(st): State<Arc<Shared>>,
    PathParams((env, flow_id)): PathParams<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !st.is_env(&env) {
        return ApiError::not_found("The requested environment was not found.").into_response();
    }
    let bytes = read_body(body, st.cfg.max_body_bytes).await;
    let label = Action::label(&headers);
    let now = now();
    let mut store = st.lock();
    let result = match authorize(&st, &mut store, &flow_id, &headers, &label, now) {
        Err(err) => return err.into_response(),
        Ok(_) => act(&st, &mut store, &flow_id, &headers, bytes, now),
    };
    let status = match &result {
        Ok(()) => 200,
        Err(err) => err.status.as_u16(),
    };
    if let Some(flow) = store.flows.get_mut(&flow_id) {
        flow.record(&label, Some(status), None);
        info!(flow = %flow_id, action = %label, status, now = flow.status.as_str(), "flow action");
    }
    match result {
        Ok(()) => json_response(StatusCode::OK, &flow_json(&st, &store, &flow_id)),
        Err(err) => err.into_response(),
    }
}

/// Checks the request in PingOne's order and applies the action to the flow.
fn act(
    st: &Shared,
    store: &mut Store,
    flow_id: &str,
    headers: &HeaderMap,
    bytes: Result<axum::body::Bytes, BodyError>,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let action = match media_type(headers) {
        Some((essence, true)) => Action::from_media_type(&essence),
        _ => None,
    };
    let Some(action) = action else {
        return Err(ApiError::unsupported_media_type(
            "The Content-Type does not name a flow action this flow supports.",
        ));
    };
    let bytes = bytes.map_err(|e| match e {
        BodyError::TooLarge => ApiError::invalid_request("The request body is too large."),
        BodyError::Unreadable => ApiError::invalid_request("The request body could not be read."),
    })?;
    let body: Value = serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::invalid_request("The request body is not valid JSON."))?;
    let Value::Object(body) = body else {
        return Err(ApiError::invalid_request(
            "The request body must be a JSON object.",
        ));
    };

    let Store {
        flows,
        devices,
        sessions,
        user_codes,
        ..
    } = store;
    let Some(flow) = flows.get_mut(flow_id) else {
        return Err(ApiError::not_found(NOT_FOUND_FLOW));
    };
    let allowed = match action {
        Action::UsernamePasswordCheck => flow.status == FlowStatus::UsernamePasswordRequired,
        Action::UserCodeVerify => flow.status == FlowStatus::DagUserCodeRequired,
        Action::Consent => flow.status == FlowStatus::DagConsentRequired,
        Action::SessionReset => !matches!(flow.status, FlowStatus::Completed | FlowStatus::Failed),
    };
    if !allowed {
        return Err(ApiError::invalid_request(format!(
            "The action {} is not allowed while the flow is {}.",
            action.name(),
            flow.status.as_str()
        )));
    }

    match action {
        Action::UsernamePasswordCheck => {
            let mut details = Vec::new();
            let username = string_field(&body, "username", &mut details);
            let password = string_field(&body, "password", &mut details);
            let (Some(username), Some(password)) = (username, password) else {
                return Err(ApiError::invalid_data(details));
            };
            let user = st.cfg.users.iter().find(|u| {
                u.username.eq_ignore_ascii_case(username.trim()) && u.password == password
            });
            let Some(user) = user else {
                return Err(ApiError::invalid_data(vec![Detail::new(
                    "INVALID_VALUE",
                    "password",
                    "Invalid username or password.",
                )]));
            };
            flow.user_id = Some(user.id.clone());
            flow.status = FlowStatus::DagUserCodeRequired;
            if let Some(session) = sessions.get_mut(&flow.session_token) {
                session.user_id = Some(user.id.clone());
            }
            Ok(())
        }
        Action::UserCodeVerify => {
            let max = st.cfg.max_user_code_attempts;
            if flow.failed_code_attempts >= max {
                return Err(too_many_attempts());
            }
            let mut details = Vec::new();
            let Some(typed) = string_field(&body, "userCode", &mut details) else {
                return Err(ApiError::invalid_data(details));
            };
            let normalized = codes::normalize(&typed);
            let device = user_codes
                .get(&normalized)
                .and_then(|dc| devices.get(dc))
                .filter(|d| flow.client_id.as_ref().is_none_or(|c| *c == d.client_id));
            let Some(device) = device else {
                flow.failed_code_attempts += 1;
                if flow.failed_code_attempts >= max {
                    return Err(too_many_attempts());
                }
                let remaining = max - flow.failed_code_attempts;
                return Err(ApiError::invalid_data(vec![
                    Detail::new("INVALID_VALUE", "userCode", "The user code is not valid.")
                        .inner(json!({"reason": "MISMATCH", "remainingAttempts": remaining})),
                ]));
            };
            if device.status != DeviceStatus::Pending {
                return Err(code_unusable("ALREADY_USED"));
            }
            if device.is_expired(now) {
                return Err(code_unusable("EXPIRED"));
            }
            flow.device_code = Some(device.device_code.clone());
            flow.client_id = Some(device.client_id.clone());
            flow.status = FlowStatus::DagConsentRequired;
            Ok(())
        }
        Action::Consent => {
            let accept = match body.get("accept") {
                Some(Value::Bool(b)) => *b,
                None | Some(Value::Null) => {
                    return Err(ApiError::invalid_data(vec![Detail::new(
                        "REQUIRED_VALUE",
                        "accept",
                        "accept is required.",
                    )]));
                }
                Some(_) => {
                    return Err(ApiError::invalid_data(vec![Detail::new(
                        "INVALID_VALUE",
                        "accept",
                        "accept must be true or false.",
                    )]));
                }
            };
            let device = flow.device_code.as_ref().and_then(|dc| devices.get_mut(dc));
            let Some(device) = device else {
                return Err(code_unusable("EXPIRED"));
            };
            if device.status != DeviceStatus::Pending {
                return Err(code_unusable("ALREADY_USED"));
            }
            if device.is_expired(now) {
                return Err(code_unusable("EXPIRED"));
            }
            if accept {
                let Some(user_id) = flow.user_id.clone() else {
                    return Err(ApiError::invalid_request(
                        "No user is signed on in this flow.",
                    ));
                };
                device.status = DeviceStatus::Approved {
                    user_id,
                    session_id: flow.session_id.clone(),
                };
                flow.status = FlowStatus::Completed;
            } else {
                device.status = DeviceStatus::Denied;
                flow.status = FlowStatus::Failed;
                flow.error = Some((
                    "ACCESS_DENIED",
                    "The user refused to authorize the device.".to_owned(),
                ));
            }
            Ok(())
        }
        Action::SessionReset => {
            if let Some(session) = sessions.get_mut(&flow.session_token) {
                session.user_id = None;
            }
            flow.user_id = None;
            flow.device_code = None;
            flow.status = FlowStatus::UsernamePasswordRequired;
            Ok(())
        }
    }
}

fn too_many_attempts() -> ApiError {
    let mut err = ApiError::request_limited(
        "Too many wrong user codes: this flow accepts no more tries. Start again from the device.",
    );
    err.details.push(Detail::new(
        "LIMIT_EXCEEDED",
        "userCode",
        "Too many wrong user codes.",
    ));
    err
}

fn code_unusable(reason: &'static str) -> ApiError {
    let message = match reason {
        "EXPIRED" => "The user code has expired.",
        _ => "The user code was already used.",
    };
    ApiError::invalid_data(vec![
        Detail::new("INVALID_VALUE", "userCode", message).inner(json!({"reason": reason})),
    ])
}

/// A required, non-empty string field; problems go to `details`.
fn string_field(
    body: &Map<String, Value>,
    name: &'static str,
    details: &mut Vec<Detail>,
) -> Option<String> {
    match body.get(name) {
        None | Some(Value::Null) => {
            details.push(Detail::new(
                "REQUIRED_VALUE",
                name,
                format!("{name} is required."),
            ));
            None
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            details.push(Detail::new(
                "EMPTY_VALUE",
                name,
                format!("{name} must not be empty."),
            ));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            details.push(Detail::new(
                "INVALID_VALUE",
                name,
                format!("{name} must be a string."),
            ));
            None
        }
    }
}

/// The flow resource as PingOne shows it, with the links and embedded objects of its status.
pub(crate) fn flow_json(st: &Shared, store: &Store, flow_id: &str) -> Value {
    let Some(flow) = store.flows.get(flow_id) else {
        return Value::Null;
    };
    let href = format!("{}/flows/{}", st.env_base(), flow.id);
    let mut links = Map::new();
    links.insert("self".to_owned(), json!({"href": href}));
    let action = match flow.status {
        FlowStatus::UsernamePasswordRequired => Some(Action::UsernamePasswordCheck),
        FlowStatus::DagUserCodeRequired => Some(Action::UserCodeVerify),
        FlowStatus::DagConsentRequired => Some(Action::Consent),
        _ => None,
    };
    if let Some(action) = action {
        links.insert(action.name().to_owned(), json!({"href": href}));
    }
    let terminal = matches!(flow.status, FlowStatus::Completed | FlowStatus::Failed);
    if flow.user_id.is_some() && !terminal {
        links.insert(
            Action::SessionReset.name().to_owned(),
            json!({"href": href}),
        );
    }

    let mut embedded = Map::new();
    if let Some(user) = flow.user_id.as_deref().and_then(|id| st.user_by_id(id)) {
        embedded.insert(
            "user".to_owned(),
            json!({
                "id": user.id,
                "username": user.username,
                "name": {"given": user.given_name, "family": user.family_name},
            }),
        );
    }
    if flow.client_id.is_some() {
        let app = &st.cfg.application;
        embedded.insert(
            "application".to_owned(),
            json!({
                "name": app.name,
                "icon": {"id": app.icon_id, "href": st.icon_href()},
            }),
        );
    }
    if let Some(device) = flow
        .device_code
        .as_ref()
        .and_then(|dc| store.devices.get(dc))
    {
        let scopes: Vec<Value> = st
            .scopes_of(&device.scopes)
            .into_iter()
            .map(|s| json!({"name": s.name, "description": s.description}))
            .collect();
        embedded.insert("scopes".to_owned(), Value::Array(scopes));
    }

    let mut body = json!({
        "_links": links,
        "id": flow.id,
        "session": {"id": flow.session_id},
        "resumeUrl": with_query(&format!("{}/as/resume", st.env_base()), &[("flowId", &flow.id)]),
        "status": flow.status.as_str(),
        "createdAt": rfc3339(flow.created_at),
        "expiresAt": rfc3339(flow.expires_at),
    });
    if !embedded.is_empty() {
        body["_embedded"] = Value::Object(embedded);
    }
    if let Some((code, message)) = &flow.error {
        body["error"] = json!({"code": code, "message": message});
    }
    body
}

/// `GET /{envId}/as/resume?flowId=…`: where a finished flow hands the browser back.
pub(crate) async fn resume(
    State(st): State<Arc<Shared>>,
    PathParams(env): PathParams<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !st.is_env(&env) {
        return ApiError::not_found("The requested environment was not found.").into_response();
    }
    let Some(flow_id) = query_param(&uri, "flowId").filter(|f| !f.is_empty()) else {
        return ApiError::invalid_request("flowId is required.").into_response();
    };
    let now = now();
    let mut store = st.lock();
    let flow = match authorize(&st, &mut store, &flow_id, &headers, "resume", now) {
        Ok(flow) => flow,
        Err(err) => return err.into_response(),
    };
    match flow.status {
        FlowStatus::Completed => {
            flow.record("resume", Some(200), None);
            html_page(
                StatusCode::OK,
                "Device connected",
                "<h1>Device connected</h1><p>You can return to your device. You may close this window.</p>",
            )
        }
        FlowStatus::Failed => {
            flow.record("resume", Some(200), None);
            html_page(
                StatusCode::OK,
                "Device not connected",
                "<h1>Device not connected</h1><p>The request was refused. You may close this window.</p>",
            )
        }
        _ => {
            flow.record("resume", Some(302), None);
            let mut resp = StatusCode::FOUND.into_response();
            if let Ok(value) = HeaderValue::from_str(&st.hosted_sign_on(&flow_id)) {
                resp.headers_mut().insert(header::LOCATION, value);
            }
            resp
        }
    }
}

/// `GET /{envId}/signon/?flowId=…`: a stand-in for PingOne's hosted sign-on, so hand-off links
/// land on a real page.
pub(crate) async fn hosted_sign_on(
    State(st): State<Arc<Shared>>,
    PathParams(env): PathParams<String>,
    uri: Uri,
) -> Response {
    if !st.is_env(&env) {
        return ApiError::not_found("The requested environment was not found.").into_response();
    }
    let Some(flow_id) = query_param(&uri, "flowId").filter(|f| !f.is_empty()) else {
        return html_page(
            StatusCode::BAD_REQUEST,
            "PingOne sign-on",
            "<h1>PingOne hosted sign-on (emulated)</h1><p>No flow was given (<code>flowId</code> is missing).</p>",
        );
    };
    let status = {
        let store = st.lock();
        store
            .flows
            .get(&flow_id)
            .filter(|f| !f.is_expired(now()))
            .map(|f| f.status.as_str().to_owned())
    };
    let status_text = match status {
        Some(s) => format!("It is at step <code>{}</code>.", html_escape(&s)),
        None => "That flow does not exist or has expired.".to_owned(),
    };
    html_page(
        StatusCode::OK,
        "PingOne sign-on",
        &format!(
            "<h1>PingOne hosted sign-on (emulated)</h1><p>This is PingOne's hosted sign-on for flow <code id=\"flow-id\">{}</code>. {status_text}</p><p>The emulator does not implement the hosted pages; this page only marks where PingOne would continue.</p>",
            html_escape(&flow_id)
        ),
    )
}

/// The demo application's icon.
pub(crate) async fn icon() -> Response {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><rect x="6" y="10" width="52" height="34" rx="4" fill="#1f3b57"/><rect x="10" y="14" width="44" height="26" rx="2" fill="#6fb3e0"/><rect x="22" y="48" width="20" height="4" rx="2" fill="#1f3b57"/></svg>"##;
    let mut resp = svg.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    resp
}

pub(crate) fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}</style></head><body>{body}</body></html>\n",
        html_escape(title)
    );
    let mut resp = (status, html).into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_name_actions() {
        for action in [
            Action::UsernamePasswordCheck,
            Action::UserCodeVerify,
            Action::Consent,
            Action::SessionReset,
        ] {
            let media = match action {
                Action::UsernamePasswordCheck => {
                    "application/vnd.pingidentity.usernamePassword.check+json"
                }
                Action::UserCodeVerify => {
                    "application/vnd.pingidentity.deviceAuthGrant.userCode.verify+json"
                }
                Action::Consent => "application/vnd.pingidentity.deviceAuthGrant.consent+json",
                Action::SessionReset => "application/vnd.pingidentity.session.reset+json",
            };
            assert_eq!(
                Action::from_media_type(&media.to_ascii_lowercase()),
                Some(action)
            );
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
            assert_eq!(Action::label(&headers), action.name());
        }
        assert_eq!(Action::from_media_type("application/json"), None);
    }
}
