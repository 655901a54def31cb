//! Test hooks under `/__emulator/` on the API listener: read what flows and devices received,
//! force expiry or a status, inject faults. Never part of the PingOne surface; no CORS.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::codes;
use crate::error::{ApiError, json_response};
use crate::faults::{FaultRequest, FaultRule};
use crate::request::{PathParams, read_body};
use crate::store::{Device, Flow, FlowStatus, Shared, Store, now, rfc3339};

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__emulator/flows", get(list_flows))
        .route("/__emulator/flows/{flow_id}", get(show_flow))
        .route("/__emulator/flows/{flow_id}/expire", post(expire_flow))
        .route("/__emulator/flows/{flow_id}/status", post(force_status))
        .route("/__emulator/devices", get(list_devices))
        .route("/__emulator/devices/{user_code}", get(show_device))
        .route(
            "/__emulator/devices/{user_code}/expire",
            post(expire_device),
        )
        .route(
            "/__emulator/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
}

fn flow_view(store: &Store, flow: &Flow, now: OffsetDateTime) -> Value {
    let user_code = flow
        .device_code
        .as_ref()
        .and_then(|dc| store.devices.get(dc))
        .map(|d| d.user_code.clone());
    let actions: Vec<Value> = flow
        .actions
        .iter()
        .map(|a| {
            let mut v =
                json!({"action": a.action, "at": rfc3339(a.at), "httpStatus": a.http_status});
            if let Some(fault) = a.fault {
                v["fault"] = json!(fault);
            }
            v
        })
        .collect();
    json!({
        "id": flow.id,
        "status": flow.status.as_str(),
        "userCode": user_code,
        "userCodeHint": flow.user_code_hint,
        "sessionId": flow.session_id,
        "userId": flow.user_id,
        "failedUserCodeAttempts": flow.failed_code_attempts,
        "actions": actions,
        "createdAt": rfc3339(flow.created_at),
        "expiresAt": rfc3339(flow.expires_at),
        "expired": flow.is_expired(now),
    })
}

fn device_view(device: &Device, now: OffsetDateTime) -> Value {
    let polls: Vec<String> = device.polls.iter().map(|t| rfc3339(*t)).collect();
    json!({
        "userCode": device.user_code,
        "deviceCode": device.device_code,
        "clientId": device.client_id,
        "scopes": device.scopes,
        "status": device.status_name(now),
        "interval": device.interval,
        "polls": polls,
        "createdAt": rfc3339(device.created_at),
        "expiresAt": rfc3339(device.expires_at),
    })
}

fn no_flow() -> Response {
    ApiError::not_found("No such flow.").into_response()
}

fn no_device() -> Response {
    ApiError::not_found("No device authorization has that user code.").into_response()
}

async fn list_flows(State(st): State<Arc<Shared>>) -> Response {
    let now = now();
    let store = st.lock();
    let flows: Vec<Value> = store
        .flow_order
        .iter()
        .filter_map(|id| store.flows.get(id))
        .map(|f| flow_view(&store, f, now))
        .collect();
    json_response(StatusCode::OK, &Value::Array(flows))
}

async fn show_flow(
    State(st): State<Arc<Shared>>,
    PathParams(flow_id): PathParams<String>,
) -> Response {
    let store = st.lock();
    match store.flows.get(&flow_id) {
        Some(flow) => json_response(StatusCode::OK, &flow_view(&store, flow, now())),
        None => no_flow(),
    }
}

async fn expire_flow(
    State(st): State<Arc<Shared>>,
    PathParams(flow_id): PathParams<String>,
) -> Response {
    let now = now();
    let mut store = st.lock();
    let Some(flow) = store.flows.get_mut(&flow_id) else {
        return no_flow();
    };
    flow.expires_at = now - time::Duration::seconds(1);
    let store = &*store;
    match store.flows.get(&flow_id) {
        Some(flow) => json_response(StatusCode::OK, &flow_view(store, flow, now)),
        None => no_flow(),
    }
}

async fn force_status(
    State(st): State<Arc<Shared>>,
    PathParams(flow_id): PathParams<String>,
    body: Body,
) -> Response {
    let value = match hook_json(&st, body).await {
        Ok(v) => v,
        Err(err) => return err.into_response(),
    };
    let status = value.get("status").and_then(Value::as_str).unwrap_or("");
    let valid = (1..=64).contains(&status.len())
        && status.starts_with(|c: char| c.is_ascii_uppercase())
        && status.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
    if !valid {
        return ApiError::invalid_request(
            "Body must be {\"status\":\"SOME_STATUS\"} (upper-case letters and '_').",
        )
        .into_response();
    }
    let now = now();
    let mut store = st.lock();
    let Some(flow) = store.flows.get_mut(&flow_id) else {
        return no_flow();
    };
    flow.status = FlowStatus::parse(status);
    let store = &*store;
    match store.flows.get(&flow_id) {
        Some(flow) => json_response(StatusCode::OK, &flow_view(store, flow, now)),
        None => no_flow(),
    }
}

async fn list_devices(State(st): State<Arc<Shared>>) -> Response {
    let now = now();
    let store = st.lock();
    let mut devices: Vec<&Device> = store.devices.values().collect();
    devices.sort_by_key(|d| d.created_at);
    let devices: Vec<Value> = devices.into_iter().map(|d| device_view(d, now)).collect();
    json_response(StatusCode::OK, &Value::Array(devices))
}

fn device_code_of(store: &Store, user_code: &str) -> Option<String> {
    store.user_codes.get(&codes::normalize(user_code)).cloned()
}

async fn show_device(
    State(st): State<Arc<Shared>>,
    PathParams(user_code): PathParams<String>,
) -> Response {
    let store = st.lock();
    match device_code_of(&store, &user_code).and_then(|dc| store.devices.get(&dc)) {
        Some(device) => json_response(StatusCode::OK, &device_view(device, now())),
        None => no_device(),
    }
}

async fn expire_device(
    State(st): State<Arc<Shared>>,
    PathParams(user_code): PathParams<String>,
) -> Response {
    let now = now();
    let mut store = st.lock();
    let device = device_code_of(&store, &user_code).and_then(|dc| store.devices.get_mut(&dc));
    match device {
        Some(device) => {
            device.expires_at = now - time::Duration::seconds(1);
            json_response(StatusCode::OK, &device_view(device, now))
        }
        None => no_device(),
    }
}

async fn list_faults(State(st): State<Arc<Shared>>) -> Response {
    let rules: Vec<FaultRule> = st.lock_faults().clone();
    json_response(StatusCode::OK, &json!(rules))
}

async fn add_fault(State(st): State<Arc<Shared>>, body: Body) -> Response {
    let value = match hook_json(&st, body).await {
        Ok(v) => v,
        Err(err) => return err.into_response(),
    };
    let request: FaultRequest = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => {
            return ApiError::invalid_request(format!("Not a fault: {e}")).into_response();
        }
    };
    if let Err(why) = request.validate() {
        return ApiError::invalid_request(why).into_response();
    }
    let mut rules = st.lock_faults();
    rules.push(FaultRule {
        route: request.route,
        remaining: request.count,
        fault: request.fault,
    });
    json_response(StatusCode::OK, &json!(*rules))
}

async fn clear_faults(State(st): State<Arc<Shared>>) -> Response {
    st.lock_faults().clear();
    json_response(StatusCode::OK, &json!([]))
}

async fn hook_json(st: &Shared, body: Body) -> Result<Value, ApiError> {
    let bytes = read_body(body, st.cfg.max_body_bytes)
        .await
        .map_err(|_| ApiError::invalid_request("The body is too large or unreadable."))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| ApiError::invalid_request("The body is not valid JSON."))
}
