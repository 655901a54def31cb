//! The page listener (static files, SPA fallback, generated `config.json`) and the values that
//! follow it: login page, verification URI, CORS origin.

use std::path::PathBuf;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_ENCODING, CONTENT_TYPE,
    ORIGIN, VARY,
};
use serde_json::json;

use emulator::Link;
use emulator::hooks::{Fault, Route};

use crate::common::*;

fn dist(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("emulator-test-dist-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dist");
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>the page</title>",
    )
    .expect("write");
    std::fs::write(dir.join("app.js"), "console.log(1)").expect("write");
    std::fs::write(dir.join("config.json"), r#"{"authBase":"http://stale"}"#).expect("write");
    dir
}

/// The page listener's `config.json`: status and body.
async fn config_json(emu: &Emu, page: &str) -> (StatusCode, serde_json::Value) {
    json_of(
        emu.http
            .get(format!("{page}/config.json"))
            .send()
            .await
            .expect("get"),
    )
    .await
}

#[tokio::test]
async fn the_page_listener_serves_the_page_and_its_config() {
    let dir = dist("serve");
    let emu = start_with(fast_config(), true, Some(dir.clone())).await;
    let page = emu.running.page_url().expect("page url");
    for path in ["/device", "/device/", "/device/anything/deeper", "/"] {
        let resp = emu
            .http
            .get(format!("{page}{path}"))
            .send()
            .await
            .expect("get");
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert!(
            resp.text().await.expect("text").contains("the page"),
            "{path}"
        );
    }
    let resp = emu
        .http
        .get(format!("{page}/app.js"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.text().await.expect("text"), "console.log(1)");
    let resp = emu
        .http
        .get(format!("{page}/elsewhere"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let (status, config) = config_json(&emu, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        config,
        json!({
            "authBase": emu.api,
            "environmentId": emu.env,
            "appIdentifier": "tv",
            "hostedSignOnUrl": format!(
                "{}/{}/signon/",
                emu.running.apps_url().expect("an apps listener"),
                emu.env
            ),
            "followResumeUrl": false,
        })
    );
    // The config route takes faults too.
    emu.fault(Route::Config, 1, Fault::Status { status: 503 });
    let resp = emu
        .http
        .get(format!("{page}/config.json"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    emu.running.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_page_settings_reach_config_json_and_the_webassembly_and_languages_take_faults() {
    let dir = dist("settings");
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm").expect("write");
    std::fs::create_dir_all(dir.join("i18n")).expect("i18n");
    std::fs::write(dir.join("i18n/de.json"), "{}").expect("write");
    let mut config = fast_config();
    config.page_settings = json!({"locales": {"default": "de"}, "followResumeUrl": true})
        .as_object()
        .cloned()
        .expect("an object");
    let emu = start_with(config, true, Some(dir.clone())).await;
    let page = emu.running.page_url().expect("page url");
    let (_, config) = config_json(&emu, &page).await;
    assert_eq!(config["locales"], json!({"default": "de"}));
    assert_eq!(config["followResumeUrl"], json!(true), "the settings win");
    assert_eq!(config["authBase"], json!(emu.api), "the rest stays");

    // A fault on the WebAssembly meets only the WebAssembly, one on the language files only
    // them: each request in order, with the status it gets.
    let (ok, unavailable) = (StatusCode::OK, StatusCode::SERVICE_UNAVAILABLE);
    for (route, answers) in [
        (
            Route::Wasm,
            [
                ("/app.js", ok),
                ("/config.json", ok),
                ("/app_bg.wasm", unavailable),
                ("/app_bg.wasm", ok),
            ],
        ),
        (
            Route::Language,
            [
                ("/app_bg.wasm", ok),
                ("/config.json", ok),
                ("/i18n/de.json", unavailable),
                ("/i18n/de.json", ok),
            ],
        ),
    ] {
        emu.fault(route, 1, Fault::Status { status: 503 });
        for (path, status) in answers {
            let got = emu
                .http
                .get(format!("{page}{path}"))
                .send()
                .await
                .expect("get");
            assert_eq!(got.status(), status, "{route:?} fault, GET {path}");
        }
    }
    emu.running.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn every_answer_carries_the_policy_that_ships() {
    let dir = dist("policy");
    std::fs::create_dir_all(dir.join("assets")).expect("assets");
    std::fs::write(dir.join("assets/app-1f2e.js"), "console.log(2)").expect("write");
    for (portals, frame_ancestors, x_frame_options) in [
        (vec![], "'none'", Some("DENY")),
        (
            vec!["http://portal.example:8443".to_owned()],
            "http://portal.example:8443",
            None,
        ),
    ] {
        let mut config = fast_config();
        config.portal_origins = portals;
        let emu = start_with(config, true, Some(dir.clone())).await;
        let page = emu.running.page_url().expect("page url");
        // authBase and the demo icon are both the emulator's API.
        let csp = format!(
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             connect-src 'self' {api}; img-src 'self' data: {api}; frame-ancestors \
             {frame_ancestors}; base-uri 'none'; form-action 'none'; object-src 'none'",
            api = emu.api
        );
        for (path, status, cache) in [
            (
                "/device?user_code=WDJB-MJHT",
                StatusCode::OK,
                Some("no-cache"),
            ),
            ("/config.json", StatusCode::OK, Some("no-cache")),
            (
                "/assets/app-1f2e.js",
                StatusCode::OK,
                Some("public, max-age=31536000, immutable"),
            ),
            ("/elsewhere", StatusCode::NOT_FOUND, None),
        ] {
            let resp = get(&emu.http, &format!("{page}{path}")).await;
            assert_eq!(resp.status(), status, "{path}");
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .map(|v| v.to_str().expect("ASCII").to_owned())
            };
            assert_eq!(
                header("content-security-policy"),
                Some(csp.clone()),
                "{path}"
            );
            assert_eq!(
                header("x-frame-options").as_deref(),
                x_frame_options,
                "{path}"
            );
            for (name, value) in [
                ("x-content-type-options", "nosniff"),
                ("referrer-policy", "no-referrer"),
                ("cross-origin-opener-policy", "same-origin"),
                (
                    "permissions-policy",
                    "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
                ),
            ] {
                assert_eq!(header(name).as_deref(), Some(value), "{path} {name}");
            }
            if let Some(cache) = cache {
                assert_eq!(header("cache-control").as_deref(), Some(cache), "{path}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

async fn get(http: &reqwest::Client, url: &str) -> reqwest::Response {
    http.get(url).send().await.expect("get")
}

#[tokio::test]
async fn precompressed_files_go_to_browsers_that_accept_them() {
    let dir = dist("precompressed");
    // The emulator sends the sibling's bytes as they are: any bytes show which file was sent.
    std::fs::write(dir.join("app.js.br"), b"brotli bytes of app.js").expect("write");
    std::fs::write(dir.join("app.js.gz"), b"gzip bytes of app.js").expect("write");
    std::fs::write(dir.join("app_bg.wasm"), b"\0asm raw").expect("write");
    std::fs::write(dir.join("app_bg.wasm.br"), b"brotli bytes of the wasm").expect("write");
    std::fs::write(dir.join("index.html.br"), b"brotli bytes of index.html").expect("write");
    std::fs::write(dir.join("config.json.br"), b"never sent").expect("write");
    let emu = start_with(fast_config(), true, Some(dir.clone())).await;
    let page = emu.running.page_url().expect("page url");
    // reqwest here has no decompression: it sends no Accept-Encoding unless told, and hands back
    // the bytes as they came.
    let get = |path: &str, accept: Option<&str>| {
        let mut req = emu.http.get(format!("{page}{path}"));
        if let Some(accept) = accept {
            req = req.header(ACCEPT_ENCODING, accept);
        }
        req.send()
    };

    for (path, accept, encoding, body, content_type) in [
        (
            "/app.js",
            Some("gzip, deflate, br, zstd"),
            Some("br"),
            &b"brotli bytes of app.js"[..],
            "javascript",
        ),
        (
            "/app.js",
            Some("gzip"),
            Some("gzip"),
            b"gzip bytes of app.js",
            "javascript",
        ),
        (
            "/app.js",
            Some("br;q=0, gzip"),
            Some("gzip"),
            b"gzip bytes of app.js",
            "javascript",
        ),
        ("/app.js", None, None, b"console.log(1)", "javascript"),
        (
            "/app.js",
            Some("identity"),
            None,
            b"console.log(1)",
            "javascript",
        ),
        (
            "/app_bg.wasm",
            Some("br"),
            Some("br"),
            b"brotli bytes of the wasm",
            "application/wasm",
        ),
        // No .gz sibling: the file as it is.
        (
            "/app_bg.wasm",
            Some("gzip"),
            None,
            b"\0asm raw",
            "application/wasm",
        ),
        (
            "/device",
            Some("br"),
            Some("br"),
            b"brotli bytes of index.html",
            "text/html",
        ),
        (
            "/device/deeper",
            Some("br"),
            Some("br"),
            b"brotli bytes of index.html",
            "text/html",
        ),
        (
            "/device",
            None,
            None,
            b"<!doctype html><title>the page</title>",
            "text/html",
        ),
    ] {
        let resp = get(path, accept).await.expect("get");
        let case = format!("{path} with Accept-Encoding {accept:?}");
        assert_eq!(resp.status(), StatusCode::OK, "{case}");
        let headers = resp.headers().clone();
        assert_eq!(
            headers.get(CONTENT_ENCODING).and_then(|v| v.to_str().ok()),
            encoding,
            "{case}"
        );
        assert!(
            headers[CONTENT_TYPE]
                .to_str()
                .expect("ascii")
                .contains(content_type),
            "{case}: {:?}",
            headers[CONTENT_TYPE]
        );
        assert!(
            headers.get_all(VARY).iter().any(|v| v
                .to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))),
            "{case}"
        );
        assert_eq!(&resp.bytes().await.expect("body")[..], body, "{case}");
    }

    // The configuration is generated, never a file from the directory.
    let resp = get("/config.json", Some("br")).await.expect("get");
    assert!(resp.headers().get(CONTENT_ENCODING).is_none());
    let (status, config) = json_of(resp).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(config["authBase"], emu.api.as_str());
    emu.running.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_missing_page_directory_is_an_error() {
    let result = emulator::start(emulator::Options {
        api_addr: "127.0.0.1:0".parse().expect("addr"),
        page_addr: Some("127.0.0.1:0".parse().expect("addr")),
        dist: Some(PathBuf::from("/nonexistent/dist")),
        config: emulator::Config::demo(),
    })
    .await;
    let err = result.err().expect("refused");
    assert!(format!("{err:#}").contains("/nonexistent/dist"));
}

#[tokio::test]
async fn defaults_follow_the_bound_page_listener() {
    let emu = start_with(fast_config(), true, None).await;
    let page = emu.running.page_url().expect("page url");
    let app = &emu.running.config().application;
    assert_eq!(
        app.login_page_url.as_deref(),
        Some(format!("{page}/device").as_str())
    );
    assert_eq!(app.cors_origins, [page.as_str()]);

    let (_, body) = emu.authorize_device_with(&[]).await;
    assert_eq!(body["verification_uri"], format!("{page}/device").as_str());
    let code = body["user_code"].as_str().expect("code");
    assert_eq!(
        body["verification_uri_complete"],
        format!("{page}/device?user_code={code}").as_str()
    );
    let (_, location) = emu.enter("device/tv").await;
    assert!(
        location.starts_with(&format!("{page}/device?environmentId=")),
        "{location}"
    );
}

#[tokio::test]
async fn explicit_values_win_over_the_page_listener() {
    let mut config = fast_config();
    config.application.login_page_url = Link::Url("https://login.example.com/activate".to_owned());
    config.application.device_custom_verification_uri = Link::Off;
    config.application.cors_origins = Some(vec!["https://login.example.com".to_owned()]);
    let emu = start_with(config, true, None).await;
    let (_, body) = emu.authorize_device_with(&[]).await;
    assert_eq!(body["verification_uri"], emu.url("device/tv").as_str());
    let (_, location) = emu.enter("device/tv").await;
    assert!(
        location.starts_with("https://login.example.com/activate?environmentId="),
        "{location}"
    );

    // No login page URL at all: PingOne's hosted sign-on.
    let mut config = fast_config();
    config.application.login_page_url = Link::Off;
    let emu = start_with(config, false, None).await;
    let (_, location) = emu.enter("device/tv").await;
    assert!(location.starts_with(&emu.hosted_sign_on("")), "{location}");
}

#[tokio::test]
async fn cors_answers_only_the_application_origins_with_credentials() {
    let emu = start_with(fast_config(), true, None).await;
    let page = emu.running.page_url().expect("page url");
    let (browser, flow) = emu.signed_on_flow().await;
    let url = emu.url(&format!("flows/{flow}"));

    let preflight = |origin: &str, headers: &str| {
        emu.http
            .request(reqwest::Method::OPTIONS, &url)
            .header(ORIGIN, origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", headers)
            .send()
    };
    let resp = preflight(&page, "content-type").await.expect("preflight");
    assert!(resp.status().is_success());
    let h = resp.headers();
    assert_eq!(h[ACCESS_CONTROL_ALLOW_ORIGIN], page.as_str());
    assert_eq!(h[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert!(
        h[ACCESS_CONTROL_ALLOW_METHODS]
            .to_str()
            .expect("ascii")
            .contains("POST")
    );
    assert!(
        h[ACCESS_CONTROL_ALLOW_HEADERS]
            .to_str()
            .expect("ascii")
            .to_lowercase()
            .contains("content-type")
    );

    for (origin, headers) in [
        ("http://evil.example", "content-type"),
        (page.as_str(), "x-secret"),
    ] {
        let resp = preflight(origin, headers).await.expect("preflight");
        assert!(!resp.status().is_success(), "{origin} {headers}");
        assert!(resp.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    }

    let resp = browser
        .get(&url)
        .header(ORIGIN, &page)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], page.as_str());
    assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert!(resp.headers().get_all(VARY).iter().any(|v| v == "Origin"));
    let resp = browser
        .get(&url)
        .header(ORIGIN, "http://evil.example")
        .send()
        .await
        .expect("get");
    assert!(resp.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).is_none());

    // Errors carry CORS headers too, so the page can read them.
    let resp = emu
        .http
        .get(&url)
        .header(ORIGIN, &page)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], page.as_str());
}

#[tokio::test]
async fn the_config_file_can_change_everything() {
    let path = std::env::temp_dir().join(format!("emulator-test-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        r#"
        environment_id = "11111111-2222-3333-4444-555555555555"
        [application]
        client_id = "radio-client"
        device_path_id = "radio"
        name = "Kitchen radio"
        device_timeout = 30
        device_polling_interval = 2
        "#,
    )
    .expect("write");
    let config = emulator::Config::from_toml_file(&path).expect("valid config");
    let _ = std::fs::remove_file(&path);
    let emu = start_with(config, false, None).await;
    assert_eq!(emu.env, "11111111-2222-3333-4444-555555555555");
    assert_eq!(emu.client_id, "radio-client");
    let (status, body) = emu.authorize_device_with(&[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["expires_in"], 30);
    assert_eq!(body["interval"], 2);
    assert_eq!(body["verification_uri"], emu.url("device/radio").as_str());
    let browser = browser();
    let resp = browser
        .get(emu.url("device/radio"))
        .send()
        .await
        .expect("entry");
    assert_eq!(resp.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn the_demo_portal_embeds_the_page_and_config_json_lists_it_when_asked() {
    let dir = dist("portal");
    for listed in [true, false] {
        let mut config = fast_config();
        config.portal_origins = vec!["https://intranet.example".to_owned()];
        config.demo_portal = Some(emulator::DemoPortal {
            listed,
            ..emulator::DemoPortal::default()
        });
        let emu = start_with(config, true, Some(dir.clone())).await;
        let page = emu.running.page_url().expect("page url");
        let portal = emu.running.portal_url().expect("portal url");
        assert!(portal.starts_with("http://localhost:"), "{portal}");

        // The policy lets the portal frame the page either way; config.json names it only when
        // listed, beside the configured portals.
        let resp = get(&emu.http, &format!("{page}/device")).await;
        let csp = resp.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            csp.contains(&format!(
                "frame-ancestors https://intranet.example {portal};"
            )),
            "{csp}"
        );
        let config: serde_json::Value = get(&emu.http, &format!("{page}/config.json"))
            .await
            .json()
            .await
            .expect("json");
        let mut parents = vec![json!("https://intranet.example")];
        if listed {
            parents.push(json!(portal));
        }
        assert_eq!(config["embed"]["parentOrigins"], json!(parents), "{listed}");

        // The portal embeds what `?device=` names only on the emulator's own origins.
        let link = format!("{page}/device?user_code=WDJB-MJHT");
        for (asked, framed) in [
            (link.as_str(), link.as_str()),
            ("https://evil.example/device", &format!("{page}/device")),
        ] {
            let resp = emu
                .http
                .get(format!("{portal}/"))
                .query(&[("device", asked)])
                .send()
                .await
                .expect("get");
            assert_eq!(resp.status(), StatusCode::OK);
            let policy = resp.headers()["content-security-policy"]
                .to_str()
                .expect("ascii")
                .to_owned();
            assert!(
                policy.contains(&format!("script-src 'self' {page};")),
                "{policy}"
            );
            let html = resp.text().await.expect("text");
            assert!(
                html.contains(&format!(r#"<script src="{page}/embed.js""#)),
                "{html}"
            );
            assert!(
                html.contains(&format!(
                    r#"<pingone-device src="{}""#,
                    framed.replace('&', "&amp;")
                )),
                "{asked}: {html}"
            );
        }
    }
}
