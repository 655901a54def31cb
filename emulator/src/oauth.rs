//! The device's side of RFC 8628: `as/device_authorization` hands out codes, `as/token` answers
//! polls with `authorization_pending`, `slow_down`, `access_denied`, `expired_token` or tokens.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde_json::json;
use tracing::info;

use crate::clock::{now, secs};
use crate::codes;
use crate::error::{OAuthError, json_response};
use crate::jwt;
use crate::model::{Device, DeviceStatus};
use crate::request::{BodyError, media_type, parse_form, read_body};
use crate::state::Shared;

/// The grant type of RFC 8628 §3.4.
pub(crate) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// `POST {base}/as/device_authorization`
pub(crate) async fn device_authorization(
    State(st): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OAuthError> {
    let form = read_form(&st, &headers, body).await?;
    let client_id = client_of(&st, &headers, &form)?;
    let env = &st.env;
    let app = &env.application;

    let scopes: Vec<String> = match form.get("scope").map(|s| s.split_whitespace()) {
        Some(requested) => {
            let mut scopes: Vec<String> = Vec::new();
            for scope in requested {
                if !app.scopes.iter().any(|s| s.name == scope) {
                    return Err(OAuthError::new(
                        "invalid_scope",
                        format!("The scope {scope:?} is not granted to this application."),
                    ));
                }
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_owned());
                }
            }
            if scopes.is_empty() {
                app.scopes.iter().map(|s| s.name.clone()).collect()
            } else {
                scopes
            }
        }
        None => app.scopes.iter().map(|s| s.name.clone()).collect(),
    };

    let now = now();
    let mut store = st.lock();
    store.prune(now, env.session_idle);
    let mut user_code = codes::new_user_code(env.user_code_charset);
    let mut tries = 0;
    while store.user_codes.contains_key(&codes::normalize(&user_code)) {
        tries += 1;
        if tries > 1000 {
            return Err(
                OAuthError::new("server_error", "No free user code; try again later.")
                    .with_status(StatusCode::SERVICE_UNAVAILABLE),
            );
        }
        user_code = codes::new_user_code(env.user_code_charset);
    }
    let device_code = uuid::Uuid::new_v4().to_string();
    let expires_in = app.device_timeout;
    let interval = app.device_polling_interval;
    store.add_device(
        codes::normalize(&user_code),
        Device {
            device_code: device_code.clone(),
            user_code: user_code.clone(),
            client_id,
            scopes: scopes.clone(),
            created_at: now,
            expires_at: now + secs(expires_in),
            interval,
            status: DeviceStatus::Pending,
            polls: Vec::new(),
            last_poll: None,
        },
    );
    drop(store);
    info!(%user_code, scopes = %scopes.join(" "), "device authorization started");

    let verification_uri = &app.verification_uri;
    let complete = crate::request::with_query(verification_uri, &[("user_code", &user_code)]);
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": complete,
            "expires_in": expires_in,
            "interval": interval,
        }),
    ))
}

/// `POST {base}/as/token`: one poll of a device.
pub(crate) async fn token(
    State(st): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, OAuthError> {
    let form = read_form(&st, &headers, body).await?;
    match form.get("grant_type").map(String::as_str) {
        None | Some("") => {
            return Err(OAuthError::new(
                "invalid_request",
                "grant_type is required.",
            ));
        }
        Some(DEVICE_CODE_GRANT) => {}
        Some(other) => {
            return Err(OAuthError::new(
                "unsupported_grant_type",
                format!("The grant type {other:?} is not supported for this application."),
            ));
        }
    }
    let client_id = client_of(&st, &headers, &form)?;
    let device_code = match form.get("device_code") {
        Some(code) if !code.is_empty() => code,
        _ => {
            return Err(OAuthError::new(
                "invalid_request",
                "device_code is required.",
            ));
        }
    };

    let now = now();
    let mut store = st.lock();
    let Some(device) = store
        .devices
        .get_mut(device_code)
        .filter(|d| d.client_id == client_id)
    else {
        return Err(OAuthError::new(
            "invalid_grant",
            "The device code is not valid.",
        ));
    };
    if device.polls.len() < 10_000 {
        device.polls.push(now);
    }
    let previous_poll = device.last_poll.replace(Instant::now());

    if device.status == DeviceStatus::Issued {
        return Err(OAuthError::new(
            "invalid_grant",
            "The device code was already exchanged for tokens.",
        ));
    }
    if device.status == DeviceStatus::Denied {
        return Err(OAuthError::new(
            "access_denied",
            "The user refused to authorize the device.",
        ));
    }
    if device.is_expired(now) {
        return Err(OAuthError::new(
            "expired_token",
            "The device code has expired.",
        ));
    }
    let (user_id, session_id) = match &device.status {
        DeviceStatus::Approved {
            user_id,
            session_id,
        } => (user_id.clone(), session_id.clone()),
        _ => {
            let too_soon = previous_poll
                .is_some_and(|prev| prev.elapsed() < Duration::from_secs(device.interval));
            if too_soon {
                device.interval = device.interval.saturating_add(5);
                return Err(OAuthError::new(
                    "slow_down",
                    format!(
                        "Polling too often; wait at least {} seconds between requests.",
                        device.interval
                    ),
                ));
            }
            return Err(OAuthError::new(
                "authorization_pending",
                "The user has not yet authorized the device.",
            ));
        }
    };
    device.status = DeviceStatus::Issued;
    let scopes = device.scopes.clone();
    let user_code = device.user_code.clone();
    drop(store);

    let env = &st.env;
    let lifetime = env.token_lifetime.whole_seconds();
    let iat = now.unix_timestamp();
    let exp = iat.saturating_add(lifetime);
    let issuer = format!("{}/as", env.base());
    let scope = scopes.join(" ");
    let key = env.signing_key.as_bytes();
    let access_token = jwt::sign_hs256(
        &json!({
            "client_id": client_id,
            "iss": issuer,
            "jti": uuid::Uuid::new_v4().to_string(),
            "iat": iat,
            "exp": exp,
            "aud": [env.api_url],
            "scope": scope,
            "sub": user_id,
            "sid": session_id,
            "env": env.environment_id,
        }),
        key,
    );
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": scope,
    });
    if scopes.iter().any(|s| s == "openid") {
        let user = env.user_by_id(&user_id);
        let id_token = jwt::sign_hs256(
            &json!({
                "sub": user_id,
                "preferred_username": user.map(|u| u.username.as_str()),
                "given_name": user.map(|u| u.given_name.as_str()),
                "family_name": user.map(|u| u.family_name.as_str()),
                "name": user.map(|u| format!("{} {}", u.given_name, u.family_name)),
                "aud": client_id,
                "iss": issuer,
                "iat": iat,
                "exp": exp,
                "auth_time": iat,
                "amr": ["pwd"],
                "sid": session_id,
                "env": env.environment_id,
            }),
            key,
        );
        body["id_token"] = json!(id_token);
    }
    info!(%user_code, "tokens issued to the device");
    Ok(json_response(StatusCode::OK, &body))
}

/// A form body, checked as RFC 6749 wants it.
async fn read_form(
    st: &Shared,
    headers: &HeaderMap,
    body: Body,
) -> Result<std::collections::HashMap<String, String>, OAuthError> {
    match media_type(headers) {
        Some((essence, true)) if essence == "application/x-www-form-urlencoded" => {}
        _ => {
            return Err(OAuthError::new(
                "invalid_request",
                "The request must be application/x-www-form-urlencoded.",
            ));
        }
    }
    let bytes = read_body(body, st.env.max_body_bytes)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => OAuthError::new("invalid_request", "The request is too large."),
            BodyError::Unreadable => {
                OAuthError::new("invalid_request", "The request body could not be read.")
            }
        })?;
    parse_form(&bytes).map_err(|name| {
        OAuthError::new(
            "invalid_request",
            format!("The parameter {name:?} is repeated."),
        )
    })
}

/// The client making the request: a public client, identified by `client_id` in the body (or
/// HTTP Basic with an empty secret). It has no secret, so one presented is refused.
fn client_of(
    st: &Shared,
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> Result<String, OAuthError> {
    let from_form = form.get("client_id").filter(|c| !c.is_empty());
    let from_basic = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(basic_client_id(value.as_bytes())?),
    };
    if form.get("client_secret").is_some_and(|s| !s.is_empty()) {
        return Err(OAuthError::new(
            "invalid_client",
            "The application is a public client (token endpoint authentication NONE); no secret is accepted.",
        ));
    }
    let client_id = match (from_basic, from_form) {
        (Some(b), Some(f)) if b != *f => {
            return Err(OAuthError::new(
                "invalid_request",
                "client_id differs between the Authorization header and the body.",
            ));
        }
        (Some(b), _) => b,
        (None, Some(f)) => f.clone(),
        (None, None) => {
            return Err(OAuthError::new("invalid_request", "client_id is required."));
        }
    };
    if client_id != st.env.application.client_id {
        return Err(OAuthError::new(
            "invalid_client",
            "Client authentication failed: unknown client.",
        ));
    }
    Ok(client_id)
}

fn basic_client_id(value: &[u8]) -> Result<String, OAuthError> {
    let bad = || OAuthError::new("invalid_client", "The Authorization header is not valid.");
    let text = std::str::from_utf8(value).map_err(|_| bad())?;
    let encoded = text
        .strip_prefix("Basic ")
        .or_else(|| text.strip_prefix("basic "))
        .ok_or_else(bad)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    if !secret.is_empty() {
        return Err(OAuthError::new(
            "invalid_client",
            "The application is a public client (token endpoint authentication NONE); no secret is accepted.",
        ));
    }
    let id: String = form_urlencoded::parse(format!("id={id}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if id.is_empty() {
        return Err(bad());
    }
    Ok(id)
}
