//! Behind real servers: the built page served by nginx and by Caddy with the recipe `cargo xtask
//! hosting` writes (the committed one's shape, written for the emulator's API as authBase), and
//! the whole flow in Chromium against the emulator's API: sign on, confirm, allow, the TV gets its
//! token, all under the headers the server sends.

use std::path::Path;

use anyhow::{Context, Result};
use emulator::Link;
use hosting::servers::{self, Kind, Server};
use hosting::{Policy, Site};

use crate::harness::{self, PHONE, Test};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nginx_the_whole_flow_works() -> Result<()> {
    whole_flow(Kind::Nginx).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_caddy_the_whole_flow_works() -> Result<()> {
    whole_flow(Kind::Caddy).await
}

async fn whole_flow(kind: Kind) -> Result<()> {
    let Some(binary) = servers::binary_for_tests(kind)? else {
        return Ok(());
    };
    // The page's origin comes first: the application's login page, verification URI and CORS
    // origin name it, as an operator's PingOne application names their page.
    let port = servers::free_port()?;
    let origin = format!("http://127.0.0.1:{port}");
    let mut config = harness::config();
    config.application.login_page_url = Link::Url(format!("{origin}/device"));
    config.application.device_custom_verification_uri = Link::Url(format!("{origin}/device"));
    config.application.cors_origins = Some(vec![origin.clone()]);
    let t = Test::start_with(&format!("behind-{}", kind.name()), config, PHONE).await?;

    // What an operator deploys: the build, with a config.json for this PingOne.
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-real-servers")
        .join(kind.name());
    let dist = scratch.join("dist");
    harness::copy_dir(&harness::dist()?, &dist)?;
    let config_json = reqwest::get(t.pingone.page_url("/config.json"))
        .await?
        .error_for_status()?
        .text()
        .await?;
    std::fs::write(dist.join("config.json"), config_json).context("writing config.json")?;
    let api = t.pingone.api_origin();
    let site = Site {
        dist: dist.to_str().context("a UTF-8 path")?.to_owned(),
        auth_base: api.clone(),
        icon_hosts: vec![api],
        ..Site::example()?
    };
    let server = Server::start_on(
        kind,
        &binary,
        &Policy::shipped()?,
        &site,
        &scratch.join("server"),
        port,
    )?;

    let tv = t.pingone.tv().await?;
    assert!(
        tv.verification_uri_complete.starts_with(&origin),
        "{}",
        tv.verification_uri_complete
    );
    t.page.open(&tv.verification_uri_complete).await?;
    t.sign_on().await?;
    t.confirm(&tv).await?;
    t.allow(&tv).await?;
    t.screen("connected").await?;
    assert_eq!(t.pingone.only_flow()?.status, "COMPLETED");

    let served = server.access_log()?;
    assert!(
        served.contains("/device"),
        "{} served no /device:\n{served}",
        kind.name()
    );
    t.finish().await
}
