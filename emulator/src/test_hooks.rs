//! The test hooks' one implementation: functions over the shared state that `Running`'s helpers
//! call in-process and the `/__emulator/` routes call over HTTP, so both always agree.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::clock::{now, rfc3339};
use crate::codes;
use crate::error::{ApiError, json_response};
use crate::hooks::{
    ActionView, DeviceView, FaultRequest, FaultRule, FlowView, HookError, NextFlowRequest,
    StatusRequest, StoreSize, is_status_name,
};
use crate::model::{Device, FirstStep, Flow, FlowStatus, Store};
use crate::request::{PathParams, read_body};
use crate::state::Shared;

fn flow_view(store: &Store, flow: &Flow, now: OffsetDateTime) -> FlowView {
    let user_code = flow
        .device_code
        .as_ref()
        .and_then(|dc| store.devices.get(dc))
        .map(|d| d.user_code.clone());
    FlowView {
        id: flow.id.clone(),
        status: flow.status.as_str().to_owned(),
        user_code,
        user_code_hint: flow.user_code_hint.clone(),
        session_id: flow.session_id.clone(),
        user_id: flow.user_id.clone(),
        failed_user_code_attempts: flow.failed_code_attempts,
        actions: flow
            .actions
            .iter()
            .map(|a| ActionView {
                action: a.action.clone(),
                at: rfc3339(a.at),
                http_status: a.http_status,
                fault: a.fault.map(str::to_owned),
            })
            .collect(),
        created_at: rfc3339(flow.created_at),
        expires_at: rfc3339(flow.expires_at),
        expired: flow.is_expired(now),
    }
}

fn device_view(device: &Device, now: OffsetDateTime) -> DeviceView {
    DeviceView {
        user_code: device.user_code.clone(),
        device_code: device.device_code.clone(),
        client_id: device.client_id.clone(),
        scopes: device.scopes.clone(),
        status: device.status_name(now).to_owned(),
        interval: device.interval,
        polls: device.polls.iter().map(|t| rfc3339(*t)).collect(),
        created_at: rfc3339(device.created_at),
        expires_at: rfc3339(device.expires_at),
    }
}

/// Every flow, oldest first.
pub(crate) fn flows(st: &Shared) -> Vec<FlowView> {
    let now = now();
    let store = st.lock();
    store
        .flow_order
        .iter()
        .filter_map(|id| store.flows.get(id))
        .map(|f| flow_view(&store, f, now))
        .collect()
}

/// One flow.
pub(crate) fn flow(st: &Shared, flow_id: &str) -> Option<FlowView> {
    let store = st.lock();
    let flow = store.flows.get(flow_id)?;
    Some(flow_view(&store, flow, now()))
}

/// Ends a flow's lifetime now.
pub(crate) fn expire_flow(st: &Shared, flow_id: &str) -> Option<FlowView> {
    let now = now();
    let mut store = st.lock();
    store.flows.get_mut(flow_id)?.expires_at = now - time::Duration::seconds(1);
    let flow = store.flows.get(flow_id)?;
    Some(flow_view(&store, flow, now))
}

/// Puts a flow in any status (upper-case letters and `_`).
pub(crate) fn force_status(
    st: &Shared,
    flow_id: &str,
    status: &str,
) -> Result<FlowView, HookError> {
    let status = status_named(status)?;
    let now = now();
    let mut store = st.lock();
    store
        .flows
        .get_mut(flow_id)
        .ok_or(HookError::NoFlow)?
        .status = status;
    let flow = store.flows.get(flow_id).ok_or(HookError::NoFlow)?;
    Ok(flow_view(&store, flow, now))
}

/// Every device authorization, oldest first.
pub(crate) fn devices(st: &Shared) -> Vec<DeviceView> {
    let now = now();
    let store = st.lock();
    let mut devices: Vec<&Device> = store.devices.values().collect();
    devices.sort_by_key(|d| d.created_at);
    devices.into_iter().map(|d| device_view(d, now)).collect()
}

fn device_code_of(store: &Store, user_code: &str) -> Option<String> {
    store.user_codes.get(&codes::normalize(user_code)).cloned()
}

/// The device authorization behind a user code, in any spelling.
pub(crate) fn device(st: &Shared, user_code: &str) -> Option<DeviceView> {
    let store = st.lock();
    let device = store.devices.get(&device_code_of(&store, user_code)?)?;
    Some(device_view(device, now()))
}

/// Makes the codes behind a user code expire now.
pub(crate) fn expire_device(st: &Shared, user_code: &str) -> Option<DeviceView> {
    let now = now();
    let mut store = st.lock();
    let device_code = device_code_of(&store, user_code)?;
    let device = store.devices.get_mut(&device_code)?;
    device.expires_at = now - time::Duration::seconds(1);
    Some(device_view(device, now))
}

/// The faults still waiting for requests.
pub(crate) fn faults(st: &Shared) -> Vec<FaultRule> {
    st.lock_faults().clone()
}

/// Registers a fault; answers every fault now waiting.
pub(crate) fn add_fault(st: &Shared, request: FaultRequest) -> Result<Vec<FaultRule>, HookError> {
    request.validate()?;
    let mut rules = st.lock_faults();
    rules.push(FaultRule {
        route: request.route,
        remaining: request.count,
        fault: request.fault,
    });
    Ok(rules.clone())
}

/// Chooses how the next flow the hand-off creates starts.
pub(crate) fn next_flow(st: &Shared, request: NextFlowRequest) -> Result<(), HookError> {
    let status = status_named(&request.status)?;
    let user_id = match &request.signed_on_as {
        Some(name) => Some(
            st.env
                .users
                .iter()
                .find(|u| u.username.eq_ignore_ascii_case(name))
                .map(|u| u.id.clone())
                .ok_or_else(|| HookError::Invalid(format!("no user is called {name:?}")))?,
        ),
        None => None,
    };
    let needs_user = matches!(
        status,
        FlowStatus::DagUserCodeRequired | FlowStatus::DagConsentRequired
    );
    if needs_user && user_id.is_none() {
        return Err(HookError::Invalid(format!(
            "a flow at {} has a signed-on user: name one in signedOnAs",
            status.as_str()
        )));
    }
    st.lock().next_flow = Some(FirstStep { status, user_id });
    Ok(())
}

fn status_named(status: &str) -> Result<FlowStatus, HookError> {
    if is_status_name(status) {
        Ok(FlowStatus::parse(status))
    } else {
        Err(HookError::Invalid(format!(
            "status {status:?} must be upper-case letters and '_', like OTP_REQUIRED"
        )))
    }
}

/// Forgets every fault no request has met yet.
pub(crate) fn clear_faults(st: &Shared) {
    st.lock_faults().clear();
}

/// How much the store holds.
pub(crate) fn store_size(st: &Shared) -> StoreSize {
    let store = st.lock();
    StoreSize {
        flows: store.flows.len(),
        listed_flows: store.flow_order.len(),
        actions: store.flows.values().map(|f| f.actions.len()).sum(),
        sessions: store.sessions.len(),
        devices: store.devices.len(),
        user_codes: store.user_codes.len(),
    }
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__emulator/flows", get(http_flows))
        .route("/__emulator/flows/{flow_id}", get(http_flow))
        .route(
            "/__emulator/flows/{flow_id}/{change}",
            post(http_change_flow),
        )
        .route("/__emulator/next-flow", post(http_next_flow))
        .route("/__emulator/devices", get(http_devices))
        .route("/__emulator/devices/{user_code}", get(http_device))
        .route("/__emulator/devices/{user_code}/expire", post(http_device))
        .route(
            "/__emulator/faults",
            get(http_faults)
                .post(http_add_fault)
                .delete(http_clear_faults),
        )
        .route("/__emulator/store", get(http_store_size))
}

impl From<HookError> for ApiError {
    fn from(err: HookError) -> ApiError {
        match err {
            HookError::NoFlow => ApiError::not_found("No such flow."),
            HookError::NoDevice => {
                ApiError::not_found("No device authorization has that user code.")
            }
            HookError::Invalid(why) => ApiError::invalid_request(why),
        }
    }
}

fn ok<T: Serialize>(value: T) -> Response {
    match serde_json::to_value(value) {
        Ok(body) => json_response(StatusCode::OK, &body),
        Err(_) => ApiError::unexpected("The hook's answer could not be written.").into_response(),
    }
}

async fn typed_body<T: DeserializeOwned>(st: &Shared, body: Body) -> Result<T, ApiError> {
    let bytes = read_body(body, st.env.max_body_bytes)
        .await
        .map_err(|_| ApiError::invalid_request("The body is too large or unreadable."))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::invalid_request(format!("The body is not what this hook takes: {e}"))
    })
}

async fn http_flows(State(st): State<Arc<Shared>>) -> Response {
    ok(flows(&st))
}

async fn http_flow(
    State(st): State<Arc<Shared>>,
    PathParams(flow_id): PathParams<String>,
) -> Result<Response, ApiError> {
    Ok(ok(flow(&st, &flow_id).ok_or(HookError::NoFlow)?))
}

/// `POST /__emulator/flows/{id}/expire` and `…/status`.
async fn http_change_flow(
    State(st): State<Arc<Shared>>,
    PathParams((flow_id, change)): PathParams<(String, String)>,
    body: Body,
) -> Result<Response, ApiError> {
    let view = match change.as_str() {
        "expire" => expire_flow(&st, &flow_id).ok_or(HookError::NoFlow)?,
        "status" => {
            let request: StatusRequest = typed_body(&st, body).await?;
            force_status(&st, &flow_id, &request.status)?
        }
        _ => return Err(ApiError::not_found("No such hook.")),
    };
    Ok(ok(view))
}

async fn http_next_flow(State(st): State<Arc<Shared>>, body: Body) -> Result<Response, ApiError> {
    let request: NextFlowRequest = typed_body(&st, body).await?;
    next_flow(&st, request)?;
    Ok(ok(serde_json::Value::Object(serde_json::Map::new())))
}

async fn http_devices(State(st): State<Arc<Shared>>) -> Response {
    ok(devices(&st))
}

/// `GET /__emulator/devices/{userCode}`, and `POST …/expire`.
async fn http_device(
    State(st): State<Arc<Shared>>,
    PathParams(user_code): PathParams<String>,
    method: Method,
) -> Result<Response, ApiError> {
    let view = if method == Method::POST {
        expire_device(&st, &user_code)
    } else {
        device(&st, &user_code)
    };
    Ok(ok(view.ok_or(HookError::NoDevice)?))
}

async fn http_faults(State(st): State<Arc<Shared>>) -> Response {
    ok(faults(&st))
}

async fn http_add_fault(State(st): State<Arc<Shared>>, body: Body) -> Result<Response, ApiError> {
    let request: FaultRequest = typed_body(&st, body).await?;
    Ok(ok(add_fault(&st, request)?))
}

async fn http_store_size(State(st): State<Arc<Shared>>) -> Response {
    ok(store_size(&st))
}

async fn http_clear_faults(State(st): State<Arc<Shared>>) -> Response {
    clear_faults(&st);
    ok(Vec::<FaultRule>::new())
}
