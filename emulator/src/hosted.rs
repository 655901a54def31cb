//! The pages PingOne itself shows a browser: `as/resume` at the end of a flow, a stand-in for the
//! hosted sign-on that hand-offs land on, and the demo application's icon.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::clock::now;
use crate::error::ApiError;
use crate::flow_api::authorize;
use crate::model::FlowStatus;
use crate::request::{html_escape, query_param};
use crate::state::Shared;

/// `GET {base}/as/resume?flowId=…`: where a finished flow hands the browser back.
pub(crate) async fn resume(
    State(st): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let flow_id = query_param(&uri, "flowId")
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::invalid_request("flowId is required."))?;
    let mut store = st.lock();
    let flow = authorize(&st, &mut store, &flow_id, &headers, "resume", now())?;
    let (status, resp) = match flow.status {
        FlowStatus::Completed => (
            200,
            html_page(
                StatusCode::OK,
                "Device connected",
                "<h1>Device connected</h1><p>You can return to your device. You may close this window.</p>",
            ),
        ),
        FlowStatus::Failed => (
            200,
            html_page(
                StatusCode::OK,
                "Device not connected",
                "<h1>Device not connected</h1><p>The request was refused. You may close this window.</p>",
            ),
        ),
        _ => {
            let mut resp = StatusCode::FOUND.into_response();
            if let Ok(value) = HeaderValue::from_str(&st.env.hosted_sign_on(&flow_id)) {
                resp.headers_mut().insert(header::LOCATION, value);
            }
            (302, resp)
        }
    };
    flow.record("resume", Some(status), None);
    Ok(resp)
}

/// `GET {base}/signon/?flowId=…`: a stand-in for PingOne's hosted sign-on, so hand-off links
/// land on a real page.
pub(crate) async fn hosted_sign_on(State(st): State<Arc<Shared>>, uri: Uri) -> Response {
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

fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
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
