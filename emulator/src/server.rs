//! Binding the two listeners, assembling the routers and serving them: an accept loop of our own
//! (instead of `axum::serve`) so a fault can close a connection without a response, with graceful
//! shutdown.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::{Level, debug, info, warn};

use crate::config::{Config, is_uuid};
use crate::environment::{Environment, ICON_PATH};
use crate::error::{ApiError, OAuthError};
use crate::faults::DropConnection;
use crate::hook_guard::HookAccess;
use crate::hooks::{
    DeviceView, FaultRequest, FaultRule, FlowView, HookError, NextFlowRequest, StoreSize,
};
use crate::state::Shared;
use crate::{cors, entry, faults, flow_api, hook_guard, hosted, oauth, page, portal, test_hooks};

/// How the emulator runs: where it listens, what page it serves, which environment it holds.
#[derive(Clone, Debug)]
pub struct Options {
    /// The PingOne API listener (`127.0.0.1:0` in tests).
    pub api_addr: SocketAddr,
    /// The page listener; `None` runs without one.
    pub page_addr: Option<SocketAddr>,
    /// The directory the page listener serves (the built page).
    pub dist: Option<PathBuf>,
    /// The environment.
    pub config: Config,
}

/// A started emulator. Dropping it stops the servers too; `shutdown` waits for them.
pub struct Running {
    api_url: String,
    page_url: Option<String>,
    apps_url: Option<String>,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
}

impl Running {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn api_url(&self) -> String {
        self.api_url.clone()
    }

    /// `http://127.0.0.1:PORT` of the page listener, if there is one.
    pub fn page_url(&self) -> Option<String> {
        self.page_url.clone()
    }

    /// `http://host:PORT` of the demo portal's listener, if the configuration asks for one.
    pub fn portal_url(&self) -> Option<String> {
        self.shared.env.portal_url.clone()
    }

    /// `http://127.0.0.1:PORT` of the apps listener (the hosted sign-on, PingOne's
    /// `apps.pingone.<region>`); none on a custom domain, which serves it itself.
    pub fn apps_url(&self) -> Option<String> {
        self.apps_url.clone()
    }

    /// The environment id.
    pub fn env_id(&self) -> &str {
        &self.shared.env.environment_id
    }

    /// The application's client id.
    pub fn client_id(&self) -> &str {
        &self.shared.env.application.client_id
    }

    /// What a peer other than this computer presents to the test hooks
    /// (`Authorization: Bearer …`).
    pub fn hook_token(&self) -> &str {
        &self.shared.env.hook_token
    }

    /// The environment in effect: the configuration with the values that follow the listeners
    /// worked out.
    pub fn config(&self) -> &Environment {
        &self.shared.env
    }

    /// Every flow, oldest first (`GET /__emulator/flows`).
    pub fn flows(&self) -> Vec<FlowView> {
        test_hooks::flows(&self.shared)
    }

    /// One flow by id (`GET /__emulator/flows/{id}`).
    pub fn flow(&self, flow_id: &str) -> Option<FlowView> {
        test_hooks::flow(&self.shared, flow_id)
    }

    /// Ends a flow's lifetime now, as 15 idle minutes would (`POST …/flows/{id}/expire`).
    pub fn expire_flow(&self, flow_id: &str) -> Option<FlowView> {
        test_hooks::expire_flow(&self.shared, flow_id)
    }

    /// Puts a flow in any status, as a sign-on policy would (`POST …/flows/{id}/status`).
    pub fn force_status(&self, flow_id: &str, status: &str) -> Result<FlowView, HookError> {
        test_hooks::force_status(&self.shared, flow_id, status)
    }

    /// Every device authorization, oldest first (`GET /__emulator/devices`).
    pub fn devices(&self) -> Vec<DeviceView> {
        test_hooks::devices(&self.shared)
    }

    /// The device authorization behind a user code in any spelling
    /// (`GET /__emulator/devices/{userCode}`).
    pub fn device(&self, user_code: &str) -> Option<DeviceView> {
        test_hooks::device(&self.shared, user_code)
    }

    /// Makes the codes behind a user code expire now (`POST …/devices/{userCode}/expire`).
    pub fn expire_device(&self, user_code: &str) -> Option<DeviceView> {
        test_hooks::expire_device(&self.shared, user_code)
    }

    /// The faults still waiting for requests (`GET /__emulator/faults`).
    pub fn faults(&self) -> Vec<FaultRule> {
        test_hooks::faults(&self.shared)
    }

    /// Registers a fault; returns every fault now waiting (`POST /__emulator/faults`).
    pub fn add_fault(&self, request: FaultRequest) -> Result<Vec<FaultRule>, HookError> {
        test_hooks::add_fault(&self.shared, request)
    }

    /// Chooses how the next flow the hand-off creates starts (`POST /__emulator/next-flow`).
    pub fn next_flow(&self, request: NextFlowRequest) -> Result<(), HookError> {
        test_hooks::next_flow(&self.shared, request)
    }

    /// Forgets the faults no request has met yet (`DELETE /__emulator/faults`).
    pub fn clear_faults(&self) {
        test_hooks::clear_faults(&self.shared);
    }

    /// How much the emulator holds now (`GET /__emulator/store`).
    pub fn store_size(&self) -> StoreSize {
        test_hooks::store_size(&self.shared)
    }

    /// Stops accepting, lets requests in flight finish (at most 5 s), and returns.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        for server in self.servers.drain(..) {
            if let Err(err) = server.await {
                warn!(%err, "a server task ended abnormally");
            }
        }
        info!("emulator stopped");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Binds the listeners, spawns the servers and returns at once. Besides the API and the page
/// there is the apps listener, the hosted sign-on's own host, on the API's port + 1 (any free
/// port when the API's is 0); a custom domain serves the hosted sign-on itself and has none.
pub async fn start(opts: Options) -> anyhow::Result<Running> {
    let Options {
        api_addr,
        page_addr,
        dist,
        config,
    } = opts;
    config.validate().context("invalid emulator config")?;
    if let Some(dist) = &dist
        && !dist.is_dir()
    {
        bail!("the page directory {} does not exist", dist.display());
    }

    let (api_listener, api_bound) = bind("API", api_addr).await?;
    let page = match page_addr {
        Some(addr) => Some(bind("page", addr).await?),
        None => None,
    };
    let apps = if config.custom_domain {
        None
    } else {
        let port = match api_addr.port() {
            0 => Some(0),
            port => port.checked_add(1),
        }
        .context("the API listener's port has no port after it for the apps listener")?;
        Some(bind("apps", SocketAddr::new(api_addr.ip(), port)).await?)
    };

    let portal = match &config.demo_portal {
        Some(demo) => {
            let addr = SocketAddr::new(api_addr.ip(), demo.port);
            let (listener, bound) = bind("portal", addr).await?;
            Some((listener, bound, demo.clone()))
        }
        None => None,
    };
    let public_host = config.public_host.clone();
    let url = |addr| url_of(addr, public_host.as_deref());
    let api_url = url(api_bound);
    let page_url = page.as_ref().map(|(_, addr)| url(*addr));
    let apps_url = apps.as_ref().map(|(_, addr)| url(*addr));
    let mut env = Environment::resolve(config, api_url.clone(), page_url.clone(), apps_url.clone());
    if let Some((_, bound, demo)) = &portal {
        env.add_portal(
            format!("http://{}:{}", demo.host, bound.port()),
            demo.listed,
        );
    }
    let hooks = HookAccess {
        port: api_bound.port(),
        public_host,
    };
    let shared = Arc::new(Shared::new(env, hooks));

    let (shutdown, _) = watch::channel(false);
    let mut servers = Vec::new();
    let mut spawn = |name, listener, router| {
        servers.push(tokio::spawn(serve(
            name,
            listener,
            router,
            shutdown.subscribe(),
        )));
    };
    spawn("api", api_listener, api_router(Arc::clone(&shared)));
    if let Some((listener, _)) = page {
        spawn(
            "page",
            listener,
            with_common_layers(page::router(Arc::clone(&shared), dist)?),
        );
    }
    if let Some((listener, _)) = apps {
        spawn("apps", listener, apps_router(Arc::clone(&shared)));
    }
    if let Some((listener, _, _)) = portal {
        spawn(
            "portal",
            listener,
            with_common_layers(portal::router(Arc::clone(&shared))),
        );
    }
    let portal_url = shared.env.portal_url.clone();
    info!(api = %api_url, page = ?page_url, apps = ?apps_url, portal = ?portal_url, "emulator listening");
    Ok(Running {
        api_url,
        page_url,
        apps_url,
        shared,
        shutdown,
        servers,
    })
}

async fn bind(name: &str, addr: SocketAddr) -> anyhow::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding the {name} listener to {addr}"))?;
    let bound = listener
        .local_addr()
        .with_context(|| format!("reading the {name} listener's address"))?;
    Ok((listener, bound))
}

/// `http://host:port` for a bound address; an unspecified address is reached on loopback.
fn url_of(addr: SocketAddr, public_host: Option<&str>) -> String {
    if let Some(host) = public_host {
        return format!("http://{host}:{}", addr.port());
    }
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

fn api_router(st: Arc<Shared>) -> Router {
    // The environment's own prefix is part of every route, so a request for another environment
    // never reaches a handler: it is the fallback's 404.
    let base = st.env.base_path();
    let at = |path: &str| format!("{base}{path}");
    let pingone = Router::new()
        .route(
            &at("/as/device_authorization"),
            post(oauth::device_authorization),
        )
        .route(&at("/as/token"), post(oauth::token))
        .route(&at("/as/resume"), get(hosted::resume))
        .route(&at("/device"), get(entry::enter_default))
        .route(&at("/device/{app}"), get(entry::enter_app))
        .route(
            &at("/flows/{flow_id}"),
            get(flow_api::get_flow).post(flow_api::post_flow),
        )
        .route(ICON_PATH, get(hosted::icon));
    // A custom domain serves the hosted sign-on itself; regionally it is the apps host's.
    let pingone = if st.env.custom_domain {
        with_hosted_sign_on(pingone, "")
    } else {
        pingone
    }
    .fallback(not_found)
    // Before the layers, so 405s (and preflights) pass through CORS too.
    .method_not_allowed_fallback(method_not_allowed)
    .layer(from_fn_with_state(Arc::clone(&st), faults::api_faults))
    .layer(from_fn_with_state(Arc::clone(&st), cors::cors));
    let hooks = test_hooks::router()
        .route_layer(from_fn_with_state(Arc::clone(&st), hook_guard::guard))
        .method_not_allowed_fallback(method_not_allowed);
    with_common_layers(hooks.merge(pingone).with_state(st))
}

/// The apps host: only the hosted sign-on, at `/{envId}/signon/`.
fn apps_router(st: Arc<Shared>) -> Router {
    let base = st.env.base_path();
    let router = with_hosted_sign_on(Router::new(), &base)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(st);
    with_common_layers(router)
}

fn with_hosted_sign_on(router: Router<Arc<Shared>>, base: &str) -> Router<Arc<Shared>> {
    router
        .route(&format!("{base}/signon"), get(hosted::hosted_sign_on))
        .route(&format!("{base}/signon/"), get(hosted::hosted_sign_on))
}

fn with_common_layers(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(|_panic| {
            ApiError::unexpected("An unexpected error occurred.").into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// PingOne's `404`, naming the environment when the path starts with another one's id.
async fn not_found(uri: Uri) -> ApiError {
    let first = uri.path().trim_start_matches('/').split('/').next();
    if first.is_some_and(is_uuid) {
        ApiError::not_found("The requested environment was not found.")
    } else {
        ApiError::not_found("The requested resource was not found.")
    }
}

async fn method_not_allowed(uri: Uri) -> Response {
    let path = uri.path();
    if path.ends_with("/as/token") || path.ends_with("/as/device_authorization") {
        OAuthError::new("invalid_request", "Only POST is allowed here.")
            .with_status(StatusCode::METHOD_NOT_ALLOWED)
            .into_response()
    } else {
        ApiError::for_status(StatusCode::METHOD_NOT_ALLOWED).into_response()
    }
}

/// The error a service returns to make hyper close the connection without answering.
#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedOnPurpose {}

/// Resolves once shutdown is asked for (or the `Running` is gone).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Accepts connections until shutdown, then lets open ones finish (at most 5 s).
async fn serve(
    name: &'static str,
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stopped(&mut shutdown) => break,
        };
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(err) => {
                // Out of file descriptors and the like: wait a moment rather than spin.
                warn!(listener = name, %err, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        let mut stop = shutdown.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let router = router.clone();
                async move {
                    let mut req = req.map(axum::body::Body::new);
                    // Who is asking, for the test hooks' guard.
                    req.extensions_mut().insert(ConnectInfo(peer));
                    let resp = match router.oneshot(req).await {
                        Ok(resp) => resp,
                        Err(never) => match never {},
                    };
                    if resp.extensions().get::<DropConnection>().is_some() {
                        Err(DroppedOnPurpose)
                    } else {
                        Ok(resp)
                    }
                }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30));
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            let result = tokio::select! {
                result = conn.as_mut() => result,
                () = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    conn.as_mut().await
                }
            };
            if let Err(err) = result {
                debug!(listener = name, %peer, %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let drained = tokio::time::timeout(Duration::from_secs(5), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        warn!(
            listener = name,
            "connections still open after 5 s; closing them"
        );
        connections.abort_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_use_loopback_for_unspecified_addresses() {
        let addr: SocketAddr = "0.0.0.0:9000".parse().expect("addr");
        assert_eq!(url_of(addr, None), "http://127.0.0.1:9000");
        let addr: SocketAddr = "[::]:9000".parse().expect("addr");
        assert_eq!(url_of(addr, None), "http://[::1]:9000");
        let addr: SocketAddr = "127.0.0.1:1234".parse().expect("addr");
        assert_eq!(url_of(addr, None), "http://127.0.0.1:1234");
    }

    #[test]
    fn urls_use_the_public_host_when_set() {
        let addr: SocketAddr = "0.0.0.0:8080".parse().expect("addr");
        assert_eq!(
            url_of(addr, Some("192.168.1.20")),
            "http://192.168.1.20:8080"
        );
        assert_eq!(
            url_of(addr, Some("tv-demo.local")),
            "http://tv-demo.local:8080"
        );
    }
}
