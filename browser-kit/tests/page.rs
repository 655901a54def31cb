//! The kit against a real Chromium: a small page of its own (a data: address, no server) found
//! and used the way the suites use the real one, and the console and policy violations read
//! back. Needs Chromium and ChromeDriver, like the end-to-end suite.

use base64::Engine;
use browser_kit::{Browser, Key};

/// A page from its HTML, with no server.
fn data_url(html: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(html);
    format!("data:text/html;charset=utf-8;base64,{encoded}")
}

fn browser() -> Browser {
    Browser::from_env(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-kit"))
}

const FORM: &str = r#"<!doctype html>
<html lang="en"><title>Form</title>
<h1>Say hello</h1>
<label for="name">Your name</label> <input id="name">
<button type="button" onclick="document.getElementById('out').textContent = 'Hello, ' + document.getElementById('name').value + '!'">Greet</button>
<button type="button" disabled>Not yet</button>
<a href="https://example.com/more" target="_blank">More</a>
<p id="out" role="alert"></p>
</html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_finds_fields_buttons_links_and_headings_by_what_they_say() -> anyhow::Result<()> {
    let page = browser().open("kit-form", (390, 844)).await?;
    assert_eq!(page.viewport().await?, (390, 844));
    page.open(&data_url(FORM)).await?;
    page.expect_heading("Say hello").await?;

    page.fill("Your name", "Ada").await?;
    assert_eq!(page.value_of("Your name").await?, "Ada");
    page.click("Greet").await?;
    page.expect_alert("Hello, Ada!").await?;
    page.expect_text("Hello, Ada!").await?;
    page.expect_no_text("Hello, Grace!").await?;

    assert!(page.is_disabled("Not yet").await?);
    assert!(!page.is_disabled("Greet").await?);
    assert_eq!(
        page.link("More").await?,
        ("https://example.com/more".to_owned(), true)
    );

    // The keyboard alone: from the field, Tab reaches the button, and Enter presses it.
    page.fill("Your name", "Grace").await?;
    assert_eq!(page.focused().await?, "field Your name");
    assert_eq!(page.tab_to("button Greet", 2).await?, 1);
    page.press(Key::Enter).await?;
    page.expect_alert("Hello, Grace!").await?;

    // A wait that cannot succeed says what it waited for and what was on screen.
    let missing = page
        .wait(
            "a heading that is not there",
            std::time::Duration::from_millis(200),
            || async { Ok(None::<()>) },
        )
        .await
        .expect_err("nothing to find");
    let report = missing.to_string();
    assert!(
        report.contains("a heading that is not there") && report.contains("Hello, Grace!"),
        "{report}"
    );
    Ok(page.close().await?)
}

/// An image refused by the page's policy, and a message of the page's own.
const REFUSED: &str = r#"<!doctype html>
<html lang="en"><head>
<meta http-equiv="Content-Security-Policy" content="img-src 'none'">
<title>Refused</title></head>
<body><h1>Refused</h1><img alt="refused" src="http://127.0.0.1:9/refused.png">
<script>console.warn('a message of the page');</script></body></html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_and_policy_violations_are_read_back() -> anyhow::Result<()> {
    let page = browser().open("kit-console", (390, 844)).await?;
    page.watch_csp_violations().await?;
    page.open(&data_url(REFUSED)).await?;
    page.expect_heading("Refused").await?;

    let violations = page
        .wait(
            "the refused image's violation",
            browser_kit::TIMEOUT,
            || async {
                let v = page.csp_violations().await?;
                Ok((!v.is_empty()).then_some(v))
            },
        )
        .await?;
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].directive, "img-src");
    assert_eq!(violations[0].blocked, "http://127.0.0.1:9/refused.png");
    assert_eq!(violations[0].disposition, "enforce");

    let log = page.console_log().await?;
    assert!(
        log.iter()
            .any(|e| e.level == "WARNING" && e.message.contains("a message of the page")),
        "{log:#?}"
    );
    assert!(
        log.iter()
            .any(|e| e.level == "SEVERE" && e.message.contains("Content Security Policy")),
        "{log:#?}"
    );
    // Each message is handed out once.
    assert!(page.console_log().await?.is_empty());
    Ok(page.close().await?)
}
