//! Before the WebAssembly: on `/device` opened by hand, `index.html`'s code field is usable while
//! the WebAssembly is still on its way (here the emulator holds it back), and what the person did
//! there (the text, the caret, focus, a pressed Enter) carries over when the page mounts.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use browser_kit::Key;
use emulator::hooks::{Fault, Route};

use crate::harness::Test;
use crate::steps::CODE_FIELD;

/// How long the emulator holds the WebAssembly back: time to type, short enough for the suite.
const HELD_BACK_MS: u64 = 4_000;

/// Whether the page has mounted (its own mark, set once the WebAssembly runs).
async fn mounted(t: &Test) -> browser_kit::Result<bool> {
    let v = t
        .page
        .js(
            "return performance.getEntriesByName('device:mounted').length > 0",
            vec![],
        )
        .await?;
    Ok(v.as_bool() == Some(true))
}

/// Waits for the page to mount.
async fn until_mounted(t: &Test) -> Result<()> {
    t.page
        .wait(
            "the page to mount",
            Duration::from_millis(HELD_BACK_MS) + browser_kit::TIMEOUT,
            || async { Ok(mounted(t).await?.then_some(())) },
        )
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_typed_before_the_webassembly_arrived_is_kept() -> Result<()> {
    let (t, tv) = Test::with_tv("before-wasm-typed").await?;
    t.pingone
        .fault(Route::Wasm, 1, Fault::Latency { ms: HELD_BACK_MS })?;
    t.page.open(&tv.verification_uri).await?;
    // index.html's field, in the language file's words, before the page runs.
    t.page.field(CODE_FIELD).await?.click().await?;
    let typed = tv.user_code.replace('-', "");
    t.page.type_text(&typed).await?;
    t.page.press(Key::Left).await?;
    t.page.press(Key::Left).await?;
    ensure!(
        !mounted(&t).await?,
        "the page mounted before the person typed: the WebAssembly was not held back"
    );
    t.screen("typed-before-wasm").await?;

    until_mounted(&t).await?;
    assert_eq!(
        t.page.value_of(CODE_FIELD).await?,
        typed,
        "the text is kept"
    );
    assert_eq!(
        t.page.focused().await?,
        format!("field {CODE_FIELD}"),
        "focus stays in the field"
    );
    let caret = t
        .page
        .js("return document.activeElement.selectionStart", vec![])
        .await?;
    assert_eq!(
        caret.as_u64(),
        Some(typed.len() as u64 - 2),
        "the caret stays where the person put it"
    );
    // The person goes on typing where the caret is, in the page's own field now.
    t.page.press(Key::End).await?;
    t.page.press(Key::Enter).await?;
    t.sign_on().await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, typed);
    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.user_code_hint.as_deref(), Some(tv.user_code.as_str()));
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_pressed_before_the_webassembly_arrived_submits_once_it_has() -> Result<()> {
    let (t, tv) = Test::with_tv("before-wasm-enter").await?;
    t.pingone
        .fault(Route::Wasm, 1, Fault::Latency { ms: HELD_BACK_MS })?;
    t.page.open(&tv.verification_uri).await?;
    t.page.field(CODE_FIELD).await?.click().await?;
    t.page.type_text(&tv.user_code.to_lowercase()).await?;
    t.page.press(Key::Enter).await?;
    ensure!(
        !mounted(&t).await?,
        "the page mounted before Enter was pressed: the WebAssembly was not held back"
    );
    ensure!(
        t.pingone.flows().is_empty(),
        "nothing reaches PingOne before the page runs"
    );

    // Once the page runs, the pressed Enter is sent: PingOne's hand-off, then its sign-on.
    t.sign_on().await?;
    let flows = t.pingone.flows();
    assert_eq!(flows.len(), 1, "the code was sent once: {flows:?}");
    assert_eq!(
        flows[0].user_code_hint.as_deref(),
        Some(tv.user_code.as_str())
    );
    t.finish().await
}

/// Whether the page has fetched any language file yet (Resource Timing lists a file once its
/// answer is complete).
async fn language_files_read(t: &Test) -> browser_kit::Result<u64> {
    let v = t
        .page
        .js(
            "return performance.getEntriesByType('resource').filter(r => r.name.includes('/i18n/')).length",
            vec![],
        )
        .await?;
    Ok(v.as_u64().unwrap_or(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_reader_gets_the_field_before_the_language_file() -> Result<()> {
    let (t, tv) = Test::with_tv("before-language-en").await?;
    t.pingone
        .fault(Route::Wasm, 1, Fault::Latency { ms: HELD_BACK_MS })?;
    t.pingone
        .fault(Route::Language, 1, Fault::Latency { ms: HELD_BACK_MS })?;
    t.page.open(&tv.verification_uri).await?;
    // index.html's own English words, while the language file and the WebAssembly are held back.
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    t.page.field(CODE_FIELD).await?.click().await?;
    t.page.type_text(&tv.user_code).await?;
    ensure!(
        language_files_read(&t).await? == 0 && !mounted(&t).await?,
        "the language file or the WebAssembly arrived before the field was used: not held back"
    );
    t.screen("english-before-language-file").await?;

    until_mounted(&t).await?;
    assert_eq!(t.page.value_of(CODE_FIELD).await?, tv.user_code);
    t.page.press(Key::Enter).await?;
    t.sign_on().await?;
    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.user_code_hint.as_deref(), Some(tv.user_code.as_str()));
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_of_another_language_never_sees_the_english_field() -> Result<()> {
    let (t, tv) = Test::with_tv("before-language-de").await?;
    let de = crate::languages::words("de")?;
    t.pingone
        .fault(Route::Language, 1, Fault::Latency { ms: 1_500 })?;
    t.page
        .open(&format!("{}?lang=de", tv.verification_uri))
        .await?;
    assert_nothing_shown_yet(
        &t,
        "nothing in English while the German words are on their way",
    )
    .await?;
    // Then the field, in German.
    t.page
        .expect_heading(&de.text(device_page::i18n::k::CODE_TITLE, &[]))
        .await?;
    t.page
        .field(&de.text(device_page::i18n::k::CODE_LABEL, &[]))
        .await?;
    t.finish().await
}

/// Half a second into a load whose language file is held back longer: no heading or label shows.
async fn assert_nothing_shown_yet(t: &Test, why: &str) -> Result<()> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shown = t
        .page
        .js(
            "return [...document.querySelectorAll('h1, h2, label')].filter(e => e.checkVisibility()).map(e => e.textContent)",
            vec![],
        )
        .await?;
    assert_eq!(shown, serde_json::json!([]), "{why}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_operators_service_name_the_field_waits_for_its_title() -> Result<()> {
    let mut settings = crate::harness::config();
    settings.page_settings = serde_json::json!({"service": "Acme TV"})
        .as_object()
        .cloned()
        .context("an object")?;
    let t = Test::start_with("before-language-service", settings, crate::harness::PHONE).await?;
    let tv = t.pingone.tv().await?;
    t.pingone
        .fault(Route::Language, 1, Fault::Latency { ms: 1_500 })?;
    t.page.open(&tv.verification_uri).await?;
    // English, but index.html's title is not this site's: the field waits for the words.
    assert_nothing_shown_yet(&t, "no title without the service's name").await?;
    t.page.expect_heading("Connect a device to Acme TV").await?;
    t.page.field(CODE_FIELD).await?;
    t.finish().await
}
