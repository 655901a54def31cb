//! Who may use the test hooks. They hand out device codes and steer flows, so they answer this
//! computer, or a peer that presents the token made at start (`Authorization: Bearer …`), and
//! never a web page: a cross-site form or `fetch` can send a `text/plain` POST without asking
//! (so every change needs `application/json`, which a page can only send after a CORS
//! preflight the hooks never grant), and a site whose name is made to resolve to 127.0.0.1 (DNS
//! rebinding) still sends its own name as `Host`, which must name this listener.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::request::media_type;
use crate::state::Shared;

/// What the guard knows of the API listener, besides the token (in the environment).
#[derive(Clone, Debug)]
pub(crate) struct HookAccess {
    /// The port the API listener is bound to.
    pub port: u16,
    /// The host name the emulator's URLs carry instead of the bound address, if any.
    pub public_host: Option<String>,
}

/// Answers the refusal, or passes the request on to the hook.
pub(crate) async fn guard(State(st): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    match check(&st, peer, req.method(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(refusal) => refusal.into_response(),
    }
}

fn check(
    st: &Shared,
    peer: Option<IpAddr>,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let local = peer.is_some_and(|ip| ip.to_canonical().is_loopback());
    if !local && !presents(headers, &st.env.hook_token) {
        return Err(forbidden(
            "The test hooks answer this computer, or a peer that presents the hook token \
             (Authorization: Bearer …) the emulator printed at start.",
        ));
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|host| names_listener(host, &st.hooks)) {
        return Err(forbidden(
            "The Host header does not name this emulator's API listener.",
        ));
    }
    let reads = matches!(*method, Method::GET | Method::HEAD);
    if !reads && media_type(headers) != Some(("application/json".to_owned(), true)) {
        return Err(ApiError::unsupported_media_type(
            "The test hooks take Content-Type: application/json.",
        ));
    }
    Ok(())
}

fn forbidden(message: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "ACCESS_FAILED", message)
}

/// Whether `Authorization` is `Bearer {token}` (compared in constant time).
fn presents(headers: &HeaderMap, token: &str) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, given)) = value.trim().split_once(' ') else {
        return false;
    };
    let (given, token) = (given.trim().as_bytes(), token.as_bytes());
    scheme.eq_ignore_ascii_case("bearer")
        && given.len() == token.len()
        && given
            .iter()
            .zip(token)
            .fold(0, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// Whether a `Host` header names the API listener: its port, and an IP address (which no DNS
/// rebinding can forge), `localhost`, or the public host the emulator was given.
fn names_listener(host: &str, access: &HookAccess) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') => (name, port.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    if port != Some(access.port) {
        return false;
    }
    let ip = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().is_ok(),
        None => name.parse::<Ipv4Addr>().is_ok(),
    };
    ip || name.eq_ignore_ascii_case("localhost")
        || access
            .public_host
            .as_deref()
            .is_some_and(|public| public.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_host_must_name_this_listener() {
        let access = HookAccess {
            port: 9000,
            public_host: Some("tv-demo.local".to_owned()),
        };
        for ok in [
            "127.0.0.1:9000",
            "localhost:9000",
            "LOCALHOST:9000",
            "[::1]:9000",
            "192.168.1.20:9000",
            "tv-demo.local:9000",
        ] {
            assert!(names_listener(ok, &access), "{ok}");
        }
        for refused in [
            "evil.example:9000",
            "localhost.evil.example:9000",
            "127.0.0.1:9001",
            "127.0.0.1",
            "localhost",
            "[::1]",
            "::1:9000",
            "127.0.0.1:9000:9000",
            "",
        ] {
            assert!(!names_listener(refused, &access), "{refused}");
        }
        let on_80 = HookAccess {
            port: 80,
            public_host: None,
        };
        assert!(names_listener("localhost", &on_80));
        assert!(names_listener("[::1]", &on_80));
    }

    #[test]
    fn other_peers_need_the_token() {
        let env = crate::environment::Environment::resolve(
            crate::Config::demo(),
            "http://192.168.1.20:9000".to_owned(),
            None,
            None,
        );
        let token = env.hook_token.clone();
        let st = Shared::new(
            env,
            HookAccess {
                port: 9000,
                public_host: None,
            },
        );
        let headers = |authorization: Option<String>| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_static("192.168.1.20:9000"));
            if let Some(value) = authorization {
                headers.insert(
                    header::AUTHORIZATION,
                    HeaderValue::from_str(&value).expect("header"),
                );
            }
            headers
        };
        let lan: IpAddr = "192.168.1.30".parse().expect("ip");
        let refused = check(&st, Some(lan), &Method::GET, &headers(None)).expect_err("no token");
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let wrong = Some("Bearer not-the-token-at-all".to_owned());
        assert!(check(&st, Some(lan), &Method::GET, &headers(wrong)).is_err());
        let right = Some(format!("Bearer {token}"));
        assert!(check(&st, Some(lan), &Method::GET, &headers(right)).is_ok());
        assert!(check(&st, None, &Method::GET, &headers(None)).is_err());
        // This computer needs none, over IPv4, IPv6 or IPv4 mapped into IPv6.
        for local in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            let ip: IpAddr = local.parse().expect("ip");
            assert!(
                check(&st, Some(ip), &Method::GET, &headers(None)).is_ok(),
                "{local}"
            );
        }
        assert!(token.len() >= 32, "a random token by default");
    }

    #[test]
    fn only_the_right_bearer_token_passes() {
        let token = "s3cret-token-of-the-emulator";
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            headers
        };
        assert!(presents(
            &with("Bearer s3cret-token-of-the-emulator"),
            token
        ));
        assert!(presents(
            &with("bearer s3cret-token-of-the-emulator"),
            token
        ));
        for wrong in [
            "Bearer s3cret-token-of-the-emulatoR",
            "Bearer s3cret",
            "Basic s3cret-token-of-the-emulator",
            "s3cret-token-of-the-emulator",
            "Bearer ",
        ] {
            assert!(!presents(&with(wrong), token), "{wrong}");
        }
        assert!(!presents(&HeaderMap::new(), token));
    }
}
