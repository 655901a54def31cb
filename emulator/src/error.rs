//! The two error shapes PingOne answers with: its own `{id, code, message, details}` body for the
//! flow and management surface, and RFC 6749's `{error, error_description}` for the OAuth endpoints.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The top-level message PingOne uses for `INVALID_DATA`.
pub(crate) const INVALID_DATA_MESSAGE: &str =
    "The request could not be completed. One or more validation errors were in the request.";

/// A PingOne API error body with its status.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<Detail>,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
}

/// One element of `details[]`.
#[derive(Debug, Clone)]
pub(crate) struct Detail {
    pub code: &'static str,
    pub target: Option<&'static str>,
    pub message: String,
    pub inner_error: Option<Value>,
}

impl Detail {
    pub fn new(code: &'static str, target: &'static str, message: impl Into<String>) -> Self {
        Detail {
            code,
            target: Some(target),
            message: message.into(),
            inner_error: None,
        }
    }

    pub fn inner(mut self, inner: Value) -> Self {
        self.inner_error = Some(inner);
        self
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
    }

    pub fn access_failed(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "ACCESS_FAILED", message)
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "INVALID_REQUEST",
            message,
        )
    }

    pub fn invalid_data(details: Vec<Detail>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "INVALID_DATA",
            message: INVALID_DATA_MESSAGE.to_owned(),
            details,
            retry_after: None,
        }
    }

    pub fn request_limited(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "REQUEST_LIMITED", message)
    }

    pub fn unexpected(message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNEXPECTED_ERROR",
            message,
        )
    }

    /// An error body for an arbitrary status (fault injection, method not allowed).
    pub fn for_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            401 | 403 => "ACCESS_FAILED",
            404 => "NOT_FOUND",
            429 => "REQUEST_LIMITED",
            400..=499 => "INVALID_REQUEST",
            _ => "UNEXPECTED_ERROR",
        };
        let reason = status.canonical_reason().unwrap_or("Error");
        ApiError::new(status, code, format!("{} {reason}", status.as_u16()))
    }

    pub fn body(&self) -> Value {
        let details: Vec<Value> = self
            .details
            .iter()
            .map(|d| {
                let mut v = json!({"code": d.code, "message": d.message});
                if let Some(target) = d.target {
                    v["target"] = json!(target);
                }
                if let Some(inner) = &d.inner_error {
                    v["innerError"] = inner.clone();
                }
                v
            })
            .collect();
        let mut body = json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "code": self.code,
            "message": self.message,
        });
        if !details.is_empty() {
            body["details"] = Value::Array(details);
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = json_response(self.status, &self.body());
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

/// An RFC 6749 §5.2 error from `as/device_authorization` or `as/token`.
#[derive(Debug, Clone)]
pub(crate) struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        let status = match error {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        };
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut resp = json_response(
            self.status,
            &json!({"error": self.error, "error_description": self.description}),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"PingOne\""),
            );
        }
        resp
    }
}

/// A JSON response that must never be cached (tokens, flows, errors).
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_body_has_the_contract_shape() {
        let err = ApiError::invalid_data(vec![
            Detail::new("INVALID_VALUE", "userCode", "wrong").inner(json!({"reason": "MISMATCH"})),
        ]);
        let body = err.body();
        assert!(body["id"].as_str().is_some_and(crate::config::is_uuid));
        assert_eq!(body["code"], "INVALID_DATA");
        assert_eq!(body["message"], INVALID_DATA_MESSAGE);
        assert_eq!(body["details"][0]["code"], "INVALID_VALUE");
        assert_eq!(body["details"][0]["target"], "userCode");
        assert_eq!(body["details"][0]["innerError"]["reason"], "MISMATCH");
    }

    #[test]
    fn status_codes_map_to_pingone_codes() {
        for (status, code) in [
            (503, "UNEXPECTED_ERROR"),
            (500, "UNEXPECTED_ERROR"),
            (429, "REQUEST_LIMITED"),
            (404, "NOT_FOUND"),
            (401, "ACCESS_FAILED"),
            (405, "INVALID_REQUEST"),
        ] {
            let status = StatusCode::from_u16(status).expect("valid status");
            assert_eq!(ApiError::for_status(status).code, code);
        }
    }
}
