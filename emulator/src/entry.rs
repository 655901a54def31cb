//! The hand-off: `{base}/device[/{appIdentifier}]` starts a flow for the browser (signed on
//! already or not), sets the session cookie, and redirects to the login page with the flow id.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tracing::info;

use crate::clock::now;
use crate::codes;
use crate::error::ApiError;
use crate::model::{Flow, FlowStatus, Session};
use crate::request::{PathParams, cookie, query_param, with_query};
use crate::state::Shared;

/// `GET {base}/device`: the environment's default sign-on policy.
pub(crate) async fn enter_default(
    State(st): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    enter(&st, None, &uri, &headers)
}

/// `GET {base}/device/{appIdentifier}`: the application's, by client id or `devicePathId`.
pub(crate) async fn enter_app(
    State(st): State<Arc<Shared>>,
    PathParams(app): PathParams<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !st.env.app_matches(&app) {
        return Err(ApiError::not_found(
            "The requested application was not found.",
        ));
    }
    enter(&st, Some(&app), &uri, &headers)
}

fn enter(
    st: &Shared,
    app: Option<&str>,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let env = &st.env;
    let hint = query_param(uri, "user_code")
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && h.len() <= 64);

    let now = now();
    let mut store = st.lock();
    store.prune(now, env.session_idle);
    let existing = cookie(headers, &env.session_cookie.name).filter(|token| {
        store
            .session(token, now, env.session_idle)
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
    let session = store
        .sessions
        .get(&token)
        .ok_or_else(|| ApiError::unexpected("The session could not be created."))?;
    let session_id = session.id.clone();
    let user_id = session.user_id.clone();
    let status = if user_id.is_some() {
        FlowStatus::DagUserCodeRequired
    } else {
        FlowStatus::UsernamePasswordRequired
    };
    let flow_id = uuid::Uuid::new_v4().to_string();
    let client_id = app.map(|_| env.application.client_id.clone());
    let location = match (&client_id, &env.application.login_page_url) {
        (Some(_), Some(login)) => with_query(
            login,
            &[
                ("environmentId", env.environment_id.as_str()),
                ("flowId", flow_id.as_str()),
            ],
        ),
        _ => env.hosted_sign_on(&flow_id),
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
            expires_at: now + env.flow_idle,
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
    Ok(resp)
}

fn session_cookie(st: &Shared, token: &str) -> String {
    let c = &st.env.session_cookie;
    let mut value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite={}",
        c.name, c.same_site
    );
    if c.secure {
        value.push_str("; Secure");
    }
    value
}
