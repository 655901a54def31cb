//! Fault injection for the next N requests to a route (or one flow action) — latency, an error
//! status, PingOne's rate limit, a dropped connection, a truncated JSON body, a hand-off sent back
//! with an error — so tests can show how the page and the device cope.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::entry::error_redirect;
use crate::error::ApiError;
use crate::hooks::{Fault, Route};
use crate::model::Action;
use crate::state::Shared;

/// Marks a response whose connection the server must close without writing it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// The route kind of an API listener path under `base_path` (`/{envId}`), `None` for the rest
/// of the PingOne surface.
fn api_route(path: &str, base_path: &str) -> Option<Route> {
    let rest = path.strip_prefix(base_path)?.strip_prefix('/')?;
    if rest.starts_with("flows/") {
        Some(Route::Flows)
    } else if rest == "device" || rest.starts_with("device/") {
        Some(Route::Device)
    } else if rest == "as/device_authorization" {
        Some(Route::DeviceAuthorization)
    } else if rest == "as/token" {
        Some(Route::Token)
    } else {
        None
    }
}

/// Takes one use of the first fault matching the request's route `kind` and flow `action`.
fn take(st: &Shared, kind: Option<Route>, action: Option<Action>) -> Option<Fault> {
    let mut rules = st.lock_faults();
    let index = rules.iter().position(|r| match r.route {
        Route::Any => !matches!(kind, Some(Route::Wasm | Route::Language)),
        Route::FlowAction(wanted) => kind == Some(Route::Flows) && action == Some(wanted),
        route => Some(route) == kind,
    })?;
    let rule = &mut rules[index];
    rule.remaining = rule.remaining.saturating_sub(1);
    let fault = rule.fault.clone();
    if rule.remaining == 0 {
        rules.remove(index);
    }
    Some(fault)
}

/// Middleware for the API listener's PingOne surface.
pub(crate) async fn api_faults(
    State(st): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    if !(req.method() == Method::GET || req.method() == Method::POST) {
        return next.run(req).await;
    }
    let kind = api_route(req.uri().path(), &st.env.base_path());
    let action = (req.method() == Method::POST)
        .then(|| Action::of_request(req.headers()))
        .flatten();
    let Some(fault) = take(&st, kind, action) else {
        return next.run(req).await;
    };
    tracing::info!(path = %req.uri().path(), fault = fault.kind(), "injecting a fault");
    if kind == Some(Route::Flows) {
        record_on_flow(&st, &req, &fault);
    }
    apply(&st, fault, req, next).await
}

/// Middleware for the page listener's `/config.json`.
pub(crate) async fn config_faults(
    State(st): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    if !(req.method() == Method::GET || req.method() == Method::POST) {
        return next.run(req).await;
    }
    match take(&st, Some(Route::Config), None) {
        Some(fault) => apply(&st, fault, req, next).await,
        None => next.run(req).await,
    }
}

/// Middleware for the page listener's static files: only the WebAssembly and the language files
/// meet faults.
pub(crate) async fn page_file_faults(
    State(st): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let route = if path.ends_with(".wasm") {
        Route::Wasm
    } else if path.contains("/i18n/") && path.ends_with(".json") {
        Route::Language
    } else {
        return next.run(req).await;
    };
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    match take(&st, Some(route), None) {
        Some(fault) => apply(&st, fault, req, next).await,
        None => next.run(req).await,
    }
}

async fn apply(st: &Shared, fault: Fault, req: Request, next: Next) -> Response {
    match fault {
        Fault::Latency { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Fault::Status { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            ApiError::for_status(status).into_response()
        }
        Fault::Drop => {
            let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            resp.extensions_mut().insert(DropConnection);
            resp
        }
        Fault::MalformedJson => {
            let body = format!(
                "{{\"id\":\"{}\",\"status\":\"DAG_USER_CO",
                uuid::Uuid::new_v4()
            );
            let mut resp = (StatusCode::OK, body).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp
        }
        Fault::RateLimited { retry_after } => {
            let mut err =
                ApiError::request_limited("The request was rate limited. Try again in a moment.");
            err.retry_after = Some(retry_after);
            err.into_response()
        }
        Fault::ErrorRedirect { code } => error_redirect(&st.env, req.uri().path(), &code),
    }
}

/// A faulted flow request still counts as sent: the hooks show it, marked with the fault.
fn record_on_flow(st: &Shared, req: &Request, fault: &Fault) {
    let path = req.uri().path();
    let Some(flow_id) = path.rsplit('/').next() else {
        return;
    };
    let label = if req.method() == Method::GET {
        "GET".to_owned()
    } else {
        Action::label(req.headers())
    };
    let status = match fault {
        Fault::Status { status } => Some(*status),
        Fault::RateLimited { .. } => Some(429),
        Fault::ErrorRedirect { .. } => Some(302),
        Fault::MalformedJson => Some(200),
        Fault::Drop => None,
        Fault::Latency { .. } => return,
    };
    let mut store = st.lock();
    if let Some(flow) = store.flows.get_mut(flow_id) {
        flow.record(&label, status, Some(fault.kind()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f";

    #[test]
    fn paths_map_to_routes() {
        for (path, want) in [
            (
                "/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/flows/abc",
                Some(Route::Flows),
            ),
            (
                "/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/device",
                Some(Route::Device),
            ),
            (
                "/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/device/tv",
                Some(Route::Device),
            ),
            (
                "/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/as/device_authorization",
                Some(Route::DeviceAuthorization),
            ),
            (
                "/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/as/token",
                Some(Route::Token),
            ),
            ("/8d2f6a4e-1c3b-4d5e-9f70-2a4b6c8d0e1f/as/resume", None),
            ("/other/flows/abc", None),
            ("/", None),
        ] {
            assert_eq!(api_route(path, BASE), want, "{path}");
        }
    }
}
