//! The flow API: `GET {base}/flows/{flowId}` reads a flow, `POST` takes the action its
//! `Content-Type` names — sign on, verify the user code, consent, reset the session — checked in
//! PingOne's order, each action one function.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use tracing::info;

use crate::clock::{now, secs};
use crate::codes;
use crate::config::User;
use crate::error::{ApiError, Detail, json_response};
use crate::flow_resource::flow_json;
use crate::model::{Action, DeviceStatus, Flow, FlowStatus, PasswordLock, Store};
use crate::request::{BodyError, PathParams, cookie, query_param, read_body};
use crate::state::Shared;

pub(crate) const NOT_FOUND_FLOW: &str = "The flow was not found, or it expired.";

/// The flow a request may act on: it exists, is not idle past its lifetime, and once its user is
/// known the request carries the cookie of its session (before that, knowing the flow's id is
/// enough). Records a refusal on the flow; an accepted call extends the flow's lifetime and the
/// session's.
pub(crate) fn authorize<'a>(
    st: &Shared,
    store: &'a mut Store,
    flow_id: &str,
    headers: &HeaderMap,
    action: &str,
    now: OffsetDateTime,
) -> Result<&'a mut Flow, ApiError> {
    let env = &st.env;
    let Store {
        flows, sessions, ..
    } = store;
    let flow = flows
        .get_mut(flow_id)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND_FLOW))?;
    if flow.is_expired(now) {
        flow.record(action, Some(404), None);
        return Err(ApiError::not_found(NOT_FOUND_FLOW));
    }
    if let Some(token) = &flow.session_token {
        let carried = cookie(headers, &env.session_cookie.name);
        let session = sessions
            .get_mut(token)
            .filter(|s| carried.as_ref() == Some(token) && s.last_used + env.session_idle > now);
        let Some(session) = session else {
            flow.record(action, Some(401), None);
            return Err(ApiError::access_failed(
                "The request did not carry the session cookie of this flow.",
            ));
        };
        session.last_used = now;
    }
    flow.expires_at = now + env.flow_idle;
    Ok(flow)
}

/// `GET {base}/flows/{flowId}`
pub(crate) async fn get_flow(
    State(st): State<Arc<Shared>>,
    PathParams(flow_id): PathParams<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut store = st.lock();
    authorize(&st, &mut store, &flow_id, &headers, "GET", now())?.record("GET", Some(200), None);
    Ok(json_response(
        StatusCode::OK,
        &flow_json(&st.env, &store, &flow_id),
    ))
}

/// `POST {base}/flows/{flowId}` (or the action's own link): the `Content-Type` names the
/// action.
pub(crate) async fn post_flow(
    State(st): State<Arc<Shared>>,
    PathParams(flow_id): PathParams<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let bytes = read_body(body, st.env.max_body_bytes).await;
    let label = Action::label(&headers);
    let now = now();
    let mut store = st.lock();
    authorize(&st, &mut store, &flow_id, &headers, &label, now)?;
    let result = act(&st, &mut store, &flow_id, &uri, &headers, bytes, now);
    if let Some(flow) = store.flows.get_mut(&flow_id) {
        let status = match &result {
            Ok(_) => 200,
            Err(err) => err.status.as_u16(),
        };
        flow.record(&label, Some(status), None);
        info!(flow = %flow_id, action = %label, status, now = flow.status.as_str(), "flow action");
    }
    let set_cookie = result?;
    let mut resp = json_response(StatusCode::OK, &flow_json(&st.env, &store, &flow_id));
    if let Some(value) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(resp)
}

/// A `Set-Cookie` value an action answers with.
type SetCookie = Option<String>;

/// Checks the request in PingOne's order — media type, URL, body, status — and takes the action.
fn act(
    st: &Shared,
    store: &mut Store,
    flow_id: &str,
    uri: &Uri,
    headers: &HeaderMap,
    bytes: Result<Bytes, BodyError>,
    now: OffsetDateTime,
) -> Result<SetCookie, ApiError> {
    let action = Action::of_request(headers).ok_or_else(|| {
        ApiError::unsupported_media_type(
            "The Content-Type does not name a flow action this flow supports.",
        )
    })?;
    let linked = st.env.action_links_distinct.then(|| action.name());
    if query_param(uri, "action").as_deref() != linked {
        return Err(ApiError::invalid_request(format!(
            "Send {} to the href of its link in the flow's _links.",
            action.name()
        )));
    }
    let body = json_object(bytes)?;
    let flow = store
        .flows
        .get(flow_id)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND_FLOW))?;
    let allowed = match action {
        Action::SessionReset => !flow.status.is_end(),
        _ => flow.status.action() == Some(action),
    };
    if !allowed {
        return Err(ApiError::invalid_request(format!(
            "The action {} is not allowed while the flow is {}.",
            action.name(),
            flow.status.as_str()
        )));
    }
    match action {
        Action::UsernamePasswordCheck => sign_on(st, store, flow_id, &body, now).map(Some),
        Action::UserCodeVerify => verify_code(st, store, flow_id, &body, now).map(|()| None),
        Action::Consent => consent(store, flow_id, &body, now).map(|()| None),
        Action::SessionReset => reset_session(st, store, flow_id).map(Some),
    }
}

/// The body of a flow action: a JSON object.
fn json_object(bytes: Result<Bytes, BodyError>) -> Result<Map<String, Value>, ApiError> {
    let bytes = bytes.map_err(|e| match e {
        BodyError::TooLarge => ApiError::invalid_request("The request body is too large."),
        BodyError::Unreadable => ApiError::invalid_request("The request body could not be read."),
    })?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(_) => Err(ApiError::invalid_request(
            "The request body must be a JSON object.",
        )),
        Err(_) => Err(ApiError::invalid_request(
            "The request body is not valid JSON.",
        )),
    }
}

fn flow_mut<'a>(store: &'a mut Store, flow_id: &str) -> Result<&'a mut Flow, ApiError> {
    store
        .flows
        .get_mut(flow_id)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND_FLOW))
}

/// `usernamePassword.check`: the user becomes known, so a session starts; the flow is tied to
/// it and its cookie is set. Answers the `Set-Cookie` value.
fn sign_on(
    st: &Shared,
    store: &mut Store,
    flow_id: &str,
    body: &Map<String, Value>,
    now: OffsetDateTime,
) -> Result<String, ApiError> {
    let mut details = Vec::new();
    let username = string_field(body, "username", &mut details);
    let password = string_field(body, "password", &mut details);
    let (Some(username), Some(password)) = (username, password) else {
        return Err(ApiError::invalid_data(details));
    };
    let user = st
        .env
        .users
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(username.trim()))
        .ok_or_else(invalid_credentials)?;
    check_password(store, user, &password, now)?;
    let (token, session_id) = store.start_session(&user.id, now);
    let Store { flows, devices, .. } = store;
    let flow = flows
        .get_mut(flow_id)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND_FLOW))?;
    flow.user_id = Some(user.id.clone());
    flow.session_token = Some(token.clone());
    flow.session_id = Some(session_id);
    // A flow reset after its code was verified keeps the device: consent comes next.
    let device_bound = flow
        .device_code
        .as_ref()
        .is_some_and(|dc| devices.contains_key(dc));
    flow.status = if device_bound {
        FlowStatus::DagConsentRequired
    } else {
        FlowStatus::DagUserCodeRequired
    };
    Ok(st.env.set_cookie(Some(&token)))
}

/// The password against the user's, counting wrong ones towards the user's lockout if the user
/// has one.
fn check_password(
    store: &mut Store,
    user: &User,
    password: &str,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let Some(lockout) = user.lockout else {
        return if user.password == password {
            Ok(())
        } else {
            Err(invalid_credentials())
        };
    };
    let lock = store.password_locks.entry(user.id.clone()).or_default();
    match lock.locked_until {
        Some(until) if now < until => return Err(locked_out(until - now)),
        Some(_) => *lock = PasswordLock::default(),
        None => {}
    }
    if user.password == password {
        lock.failures = 0;
        return Ok(());
    }
    lock.failures += 1;
    if lock.failures < lockout.failures {
        return Err(invalid_credentials());
    }
    let lasts = secs(lockout.seconds);
    *lock = PasswordLock {
        failures: 0,
        locked_until: Some(now + lasts),
    };
    Err(locked_out(lasts))
}

fn invalid_credentials() -> ApiError {
    ApiError::invalid_data(vec![Detail::new(
        "INVALID_CREDENTIALS",
        "password",
        "Invalid username or password.",
    )])
}

/// `PASSWORD_LOCKED_OUT` with the whole seconds left, rounded up.
fn locked_out(left: time::Duration) -> ApiError {
    let seconds = (left.whole_milliseconds().max(1) + 999) / 1000;
    ApiError::invalid_data(vec![
        Detail::new(
            "PASSWORD_LOCKED_OUT",
            "password",
            "Too many wrong passwords: the account is locked for a while.",
        )
        .inner(json!({ "secondsUntilUnlock": seconds })),
    ])
}

/// `userCode.verify`: binds the device authorization whose code was typed; wrong codes count
/// towards the flow's lockout.
fn verify_code(
    st: &Shared,
    store: &mut Store,
    flow_id: &str,
    body: &Map<String, Value>,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let max = st.env.max_user_code_attempts;
    let Store {
        flows,
        devices,
        user_codes,
        ..
    } = store;
    let flow = flows
        .get_mut(flow_id)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND_FLOW))?;
    if flow.failed_code_attempts >= max {
        return Err(too_many_attempts());
    }
    let mut details = Vec::new();
    let Some(typed) = string_field(body, "userCode", &mut details) else {
        return Err(ApiError::invalid_data(details));
    };
    let device = user_codes
        .get(&codes::normalize(&typed))
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
    usable(
        device.status == DeviceStatus::Pending,
        device.is_expired(now),
    )?;
    flow.device_code = Some(device.device_code.clone());
    flow.client_id = Some(device.client_id.clone());
    flow.status = FlowStatus::DagConsentRequired;
    Ok(())
}

/// `deviceAuthGrant.consent`: allowing approves the device for the signed-on user, refusing
/// denies it and fails the flow; either way the code is used.
fn consent(
    store: &mut Store,
    flow_id: &str,
    body: &Map<String, Value>,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
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
    let Store { flows, devices, .. } = store;
    let flow = flows
        .get_mut(flow_id)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND_FLOW))?;
    let device = flow
        .device_code
        .as_ref()
        .and_then(|dc| devices.get_mut(dc))
        .ok_or_else(|| code_unusable("EXPIRED"))?;
    usable(
        device.status == DeviceStatus::Pending,
        device.is_expired(now),
    )?;
    if accept {
        let (Some(user_id), Some(session_id)) = (flow.user_id.clone(), flow.session_id.clone())
        else {
            return Err(ApiError::invalid_request(
                "No user is signed on in this flow.",
            ));
        };
        device.status = DeviceStatus::Approved {
            user_id,
            session_id,
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

/// `session.reset`: "not you?". The user is detached and the session ends (its cookie is
/// cleared); the flow goes back to the password, keeping its application, its verified code and
/// its count of wrong codes. Answers the `Set-Cookie` value that clears the cookie.
fn reset_session(st: &Shared, store: &mut Store, flow_id: &str) -> Result<String, ApiError> {
    let flow = flow_mut(store, flow_id)?;
    flow.user_id = None;
    flow.session_id = None;
    flow.status = FlowStatus::UsernamePasswordRequired;
    if let Some(token) = flow.session_token.take() {
        store.sessions.remove(&token);
    }
    Ok(st.env.set_cookie(None))
}

/// A code is usable while its device is still waiting and it has not expired.
fn usable(pending: bool, expired: bool) -> Result<(), ApiError> {
    if !pending {
        Err(code_unusable("ALREADY_USED"))
    } else if expired {
        Err(code_unusable("EXPIRED"))
    } else {
        Ok(())
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
