//! The hand-off: `{base}/device[/{appIdentifier}]` starts a flow for the browser — at the
//! password, or at the code for a browser whose session cookie says it signed on earlier — and
//! redirects to the login page with the flow id. It sets no cookie: PingOne does that once it
//! knows the user.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tracing::info;

use crate::clock::now;
use crate::environment::Environment;
use crate::error::ApiError;
use crate::model::{Flow, FlowStatus};
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
    let first = store.next_flow.take();
    // A browser that signed on earlier brings its session; a test hook may stand in for that.
    let mut set_cookie = None;
    let session = match first.as_ref().and_then(|f| f.user_id.as_deref()) {
        Some(user_id) => {
            let (token, id) = store.start_session(user_id, now);
            set_cookie = Some(env.set_cookie(Some(&token)));
            Some((token, id, user_id.to_owned()))
        }
        None => cookie(headers, &env.session_cookie.name).and_then(|token| {
            let session = store.session(&token, now, env.session_idle)?;
            session.last_used = now;
            Some((token, session.id.clone(), session.user_id.clone()))
        }),
    };
    let status = match (first, &session) {
        (Some(first), _) => first.status,
        (None, Some(_)) => FlowStatus::DagUserCodeRequired,
        (None, None) => FlowStatus::UsernamePasswordRequired,
    };
    let (session_token, session_id, user_id) = match session {
        Some((token, id, user)) => (Some(token), Some(id), Some(user)),
        None => (None, None, None),
    };
    let flow_id = uuid::Uuid::new_v4().to_string();
    let client_id = app.map(|_| env.application.client_id.clone());
    let location = match (&client_id, &env.application.login_page_url) {
        (Some(_), Some(login)) => {
            let mut query = environment_query(env);
            query.push(("flowId", &flow_id));
            with_query(login, &query)
        }
        _ => env.hosted_sign_on(&flow_id),
    };
    info!(flow = %flow_id, status = status.as_str(), "flow created");
    store.add_flow(Flow {
        id: flow_id.clone(),
        session_token,
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
    });
    drop(store);

    let mut resp = redirect(&location);
    if let Some(value) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(resp)
}

/// `environmentId`, which the hand-off adds to the login page URL, except on a custom domain
/// (whose paths carry no environment id either).
fn environment_query(env: &Environment) -> Vec<(&str, &str)> {
    if env.custom_domain {
        Vec::new()
    } else {
        vec![("environmentId", env.environment_id.as_str())]
    }
}

/// The hand-off failing before any flow exists: back to the login page (or, without one or
/// without an application, the hosted sign-on) with `error`, a PingOne error body as JSON.
pub(crate) fn error_redirect(env: &Environment, path: &str, code: &str) -> Response {
    let with_app = path
        .strip_prefix(&env.base_path())
        .is_some_and(|rest| rest.starts_with("/device/"));
    let target = match (&env.application.login_page_url, with_app) {
        (Some(login), true) => login.clone(),
        _ => env.hosted_sign_on_page(),
    };
    let error = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "code": code,
        "message": "The sign-on could not be started (an error injected by the emulator).",
    })
    .to_string();
    let mut query = environment_query(env);
    query.push(("error", &error));
    redirect(&with_query(&target, &query))
}

/// A `302` to `location` that no cache keeps.
fn redirect(location: &str) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    let headers = resp.headers_mut();
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
