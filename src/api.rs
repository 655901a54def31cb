//! All HTTP the page does: one small typed client over `gloo-net`. No other module builds a URL
//! or sets a header.

use gloo_net::http::Request;
use thiserror::Error;

/// What went wrong talking to a server, in the terms a screen needs to decide what to show.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ApiError {
    /// The request never got an answer (offline, DNS, CORS refusal, dropped connection).
    #[error("could not reach {0}")]
    Network(String),
    /// The server answered with a status the call does not expect.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The address called.
        url: String,
        /// The HTTP status.
        status: u16,
    },
}

/// Fetches the deployment's configuration as text (it is parsed by [`crate::config::Config`]).
pub async fn fetch_config(url: &str) -> Result<String, ApiError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|_| ApiError::Network(url.to_owned()))?;
    if !response.ok() {
        return Err(ApiError::Status {
            url: url.to_owned(),
            status: response.status(),
        });
    }
    response
        .text()
        .await
        .map_err(|_| ApiError::Network(url.to_owned()))
}
