//! The reference for support: a problem screen shows the `id` of PingOne's error body in small
//! type, what Ping's support asks for, and drops it once the retry succeeds.

use anyhow::{Context, Result};
use emulator::hooks::{Fault, Route};
use serde::Deserialize;

use crate::harness::Test;
use crate::pingone::Received;

/// Keeps the body of every flow API answer that is not a success, as the browser received it,
/// in `window.e2eErrorBodies`: PingOne's error ids are fresh each time and recorded nowhere else.
const KEEP_ERROR_BODIES: &str = r#"
(() => {
  const fetch = window.fetch;
  window.e2eErrorBodies = [];
  window.fetch = (...args) => fetch(...args).then(answer => {
    if (!answer.ok) {
      answer.clone().text().then(body => window.e2eErrorBodies.push(body));
    }
    return answer;
  });
})();
"#;

#[derive(Deserialize)]
struct ErrorBody {
    id: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_problem_screen_shows_the_errors_id_for_support() -> Result<()> {
    let (t, tv) = Test::with_tv("support-reference").await?;
    t.page.run_in_every_document(KEEP_ERROR_BODIES).await?;
    t.pingone
        .fault(Route::Flows, 1, Fault::Status { status: 500 })?;
    t.page.open(&tv.verification_uri_complete).await?;

    t.page
        .expect_screen(
            "Couldn't load your sign-on",
            &["The sign-on service had a problem (HTTP 500). Try again in a moment."],
        )
        .await?;
    let bodies = t
        .page
        .js("return window.e2eErrorBodies;", Vec::new())
        .await?;
    let bodies: Vec<String> = serde_json::from_value(bodies.clone())
        .with_context(|| format!("the kept error bodies {bodies}"))?;
    let [body] = bodies.as_slice() else {
        anyhow::bail!("one error should have reached the page: {bodies:?}");
    };
    let error: ErrorBody =
        serde_json::from_str(body).with_context(|| format!("PingOne's error {body}"))?;
    t.page
        .expect_text(&format!("Reference for support: {}", error.id))
        .await?;
    t.screen("load-failed-with-reference").await?;

    t.page.click("Try again").await?;
    t.page.expect_heading("Sign on").await?;
    t.page.expect_no_text("Reference for support").await?;
    assert_eq!(
        t.pingone.only_flow()?.all(),
        ["GET 500 (status)", "GET 200"]
    );
    t.finish().await
}
