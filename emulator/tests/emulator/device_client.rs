//! The `oauth2` crate's RFC 8628 client — an independent, widely used implementation — against
//! the emulator: a complete flow, a refusal, an expiry.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, DeviceAuthorizationUrl, DeviceCodeErrorResponseType, RequestTokenError, Scope,
    StandardDeviceAuthorizationResponse, TokenResponse, TokenUrl,
};

use crate::common::*;

type DeviceClient = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn client(emu: &Emu) -> DeviceClient {
    BasicClient::new(ClientId::new(emu.client_id.clone()))
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(emu.url("as/device_authorization")).expect("url"),
        )
        .set_token_uri(TokenUrl::new(emu.url("as/token")).expect("url"))
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn begin(
    emu: &Emu,
    client: &DeviceClient,
    http: &reqwest::Client,
) -> StandardDeviceAuthorizationResponse {
    client
        .exchange_device_code()
        .add_scope(Scope::new("openid".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .request_async(http)
        .await
        .unwrap_or_else(|e| panic!("device authorization against {}: {e:?}", emu.api))
}

#[tokio::test]
async fn the_oauth2_crate_completes_a_device_flow() {
    let emu = start().await;
    let client = client(&emu);
    let http = http();
    let details = begin(&emu, &client, &http).await;
    assert_eq!(details.interval(), Duration::from_secs(1));
    assert_eq!(details.expires_in(), Duration::from_secs(600));
    let user_code = details.user_code().secret().clone();
    assert!(details.verification_uri_complete().is_some());

    let poller = client.exchange_device_access_token(&details).request_async(
        &http,
        tokio::time::sleep,
        Some(Duration::from_secs(20)),
    );
    let approver = async {
        // Let the device poll a couple of times first.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        emu.approve(&browser(), &user_code, true).await;
    };
    let (token, ()) = tokio::join!(poller, approver);
    let token = token.expect("the device gets its tokens");
    assert!(!token.access_token().secret().is_empty());
    let scopes: Vec<String> = token
        .scopes()
        .expect("scope in the response")
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(scopes, ["openid", "profile"]);

    // The client waited the interval between polls, so it never saw slow_down.
    let device = emu.device(&user_code);
    assert_eq!(device.status, "ISSUED");
    assert_eq!(device.interval, 1);
    assert!(device.polls.len() >= 2, "{device:?}");
}

#[tokio::test]
async fn the_oauth2_crate_sees_a_refusal_as_access_denied() {
    let emu = start().await;
    let client = client(&emu);
    let http = http();
    let details = begin(&emu, &client, &http).await;
    emu.approve(&browser(), details.user_code().secret(), false)
        .await;
    let result = client
        .exchange_device_access_token(&details)
        .request_async(&http, tokio::time::sleep, Some(Duration::from_secs(10)))
        .await;
    match result {
        Err(RequestTokenError::ServerResponse(err)) => {
            assert_eq!(err.error(), &DeviceCodeErrorResponseType::AccessDenied);
        }
        other => panic!("expected access_denied, got {other:?}"),
    }
}

#[tokio::test]
async fn the_oauth2_crate_sees_an_expired_code_as_expired_token() {
    let emu = start().await;
    let client = client(&emu);
    let http = http();
    let details = begin(&emu, &client, &http).await;
    let user_code = details.user_code().secret().clone();
    let expire = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        emu.running.expire_device(&user_code).expect("a known code");
    };
    let poller = client.exchange_device_access_token(&details).request_async(
        &http,
        tokio::time::sleep,
        Some(Duration::from_secs(10)),
    );
    let (result, ()) = tokio::join!(poller, expire);
    match result {
        Err(RequestTokenError::ServerResponse(err)) => {
            assert_eq!(err.error(), &DeviceCodeErrorResponseType::ExpiredToken);
        }
        other => panic!("expected expired_token, got {other:?}"),
    }
}
