//! The flow API: `GET {base}/flows/{flowId}` reads a flow, `POST` takes the action its
//! `Content-Type` names — sign on, verify the user code, consent, reset the session — checked in
//! PingOne's order, each action one function.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use tracing::info;

use crate::clock::now;
use crate::codes;
use crate::error::{ApiError, Detail, json_response};
use crate::flow_resource::flow_json;
use crate::model::{Action, DeviceStatus, Flow, FlowStatus, Store};
use crate::request::{BodyError, PathParams, cookie, read_body};
use crate::state::Shared;

pub(crate) const NOT_FOUND_FLOW: &str = "The flow was not found, or it expired.";

/// The flow a request may act on: it exists, is not idle past its lifetime, and the request
/// carries the cookie of the session that created it. Records a refusal on the flow; an accepted
/// call extends the flow's lifetime and the session's.
pub(crate) fn authorize<'a>(
    st: &Shared,
    store: &'a mut Store,
    flow_id: &str,
    headers: &HeaderMap,
    action: &str,
    now: OffsetDateTime,
) -> Result<&'a mut Flow, ApiError> {
    let env = &st.env;
    let token = cookie(headers, &env.session_cookie.name);
    let flow = store
        .flows
        .get_mut(flow_id)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND_FLOW))?;
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
    flow.expires_at = now + env.flow_idle;
    if let Some(session) = store.sessions.get_mut(&flow.session_token) {
        session.last_used = now;
    }
    store
        .flows
        .get_mut(flow_id)
        .ok_or_else(|| ApiError::not_found(NOT_FOUND_FLOW))
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

/// `POST {base}/flows/{flowId}`: the `Content-Type` names the action.
pub(crate) async fn post_flow(
    State(st): State<Arc<Shared>>,
    PathParams(flow_id): PathParams<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let bytes = read_body(body, st.env.max_body_bytes).await;
    let label = Action::label(&headers);
    let now = now();
    let mut store = st.lock();
    authorize(&st, &mut store, &flow_id, &headers, &label, now)?;
    let result = act(&st, &mut store, &flow_id, &headers, bytes, now);
    if let Some(flow) = store.flows.get_mut(&flow_id) {
        let status = match &result {
            Ok(()) => 200,
            Err(err) => err.status.as_u16(),
        };
        flow.record(&label, Some(status), None);
        info!(flow = %flow_id, action = %label, status, now = flow.status.as_str(), "flow action");
    }
    result?;
    Ok(json_response(
        StatusCode::OK,
        &flow_json(&st.env, &store, &flow_id),
    ))
}

/// Checks the request in PingOne's order — media type, body, status — and takes the action.
fn act(
    st: &Shared,
    store: &mut Store,
    flow_id: &str,
    headers: &HeaderMap,
    bytes: Result<Bytes, BodyError>,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let action = Action::of_request(headers).ok_or_else(|| {
        ApiError::unsupported_media_type(
            "The Content-Type does not name a flow action this flow supports.",
        )
    })?;
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
        Action::UsernamePasswordCheck => sign_on(st, store, flow_id, &body),
        Action::UserCodeVerify => verify_code(st, store, flow_id, &body, now),
        Action::Consent => consent(store, flow_id, &body, now),
        Action::SessionReset => reset_session(store, flow_id),
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

/// `usernamePassword.check`: the user is attached to the flow and its session.
fn sign_on(
    st: &Shared,
    store: &mut Store,
    flow_id: &str,
    body: &Map<String, Value>,
) -> Result<(), ApiError> {
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
        .find(|u| u.username.eq_ignore_ascii_case(username.trim()) && u.password == password)
        .ok_or_else(|| {
            ApiError::invalid_data(vec![Detail::new(
                "INVALID_VALUE",
                "password",
                "Invalid username or password.",
            )])
        })?;
    let flow = flow_mut(store, flow_id)?;
    flow.user_id = Some(user.id.clone());
    flow.status = FlowStatus::DagUserCodeRequired;
    let token = flow.session_token.clone();
    if let Some(session) = store.sessions.get_mut(&token) {
        session.user_id = Some(user.id.clone());
    }
    Ok(())
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
        let user_id = flow
            .user_id
            .clone()
            .ok_or_else(|| ApiError::invalid_request("No user is signed on in this flow."))?;
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

/// `session.reset`: signs the session out and takes the flow back to the password.
fn reset_session(store: &mut Store, flow_id: &str) -> Result<(), ApiError> {
    let flow = flow_mut(store, flow_id)?;
    flow.user_id = None;
    flow.device_code = None;
    flow.status = FlowStatus::UsernamePasswordRequired;
    let token = flow.session_token.clone();
    if let Some(session) = store.sessions.get_mut(&token) {
        session.user_id = None;
    }
    Ok(())
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
