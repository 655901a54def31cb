//! Languages: the whole flow in Arabic (right to left), Japanese and German, and in both
//! pseudo-locales (`en-XA` longer, `ar-XB` mirrored) on a 360 px phone, every screen fitting;
//! the link's `?lang=` kept across PingOne's redirect; the picker switching language mid-flow
//! with the typed code kept. The words come from the built language files themselves, read
//! with the page's own catalog.

use anyhow::{Context, Result, ensure};
use emulator::hooks::{Fault, Route};
use serde_json::json;

use device_page::i18n::{Catalog, k};

use crate::harness::{Test, config, dist};
use crate::steps::{CODE_FIELD, PASSWORD, USERNAME};
use crate::tv::Tv;

/// A small phone: where longer and mirrored words break first.
const SMALL_PHONE: (u32, u32) = (360, 640);

/// A language as the page ships it (the suite's copy also holds the pseudo-locales).
pub(crate) fn words(tag: &str) -> Result<Catalog> {
    let path = dist()?.join("i18n").join(format!("{tag}.json"));
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Catalog::parse(&text).with_context(|| format!("{} is not a language file", path.display()))
}

/// The emulator's page, offering `tags` (the pseudo-locales only when listed).
async fn start(name: &str, tags: &[&str]) -> Result<(Test, Tv)> {
    let mut settings = config();
    settings.page_settings = json!({"locales": {"enabled": tags}})
        .as_object()
        .cloned()
        .context("an object")?;
    let t = Test::start_with(name, settings, SMALL_PHONE).await?;
    let tv = t.pingone.tv().await?;
    Ok((t, tv))
}

/// `<html lang dir>` as the page set them.
async fn lang_dir(t: &Test) -> Result<(String, String)> {
    let v = t
        .page
        .js(
            "return [document.documentElement.lang, document.documentElement.dir]",
            vec![],
        )
        .await?;
    Ok((
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
    ))
}

/// The screen on show fits the phone (`fits`), no button cuts its words short, and focus
/// is on the new screen's heading, where the page puts it.
async fn settled(t: &Test, step: &str) -> Result<()> {
    t.fits(step).await?;
    let v = t
        .page
        .js(
            r#"const cut = [...document.querySelectorAll('button, a, label')]
                 .filter((e) => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
                 .map((e) => e.textContent.trim());
               const f = document.activeElement;
               return [cut, f && f.id === 'screen-title' ? '' : (f ? f.outerHTML.slice(0, 80) : 'nothing')];"#,
            vec![],
        )
        .await?;
    ensure!(
        v[0].as_array().is_some_and(Vec::is_empty),
        "“{step}”: words cut short in {}",
        v[0]
    );
    ensure!(
        v[1].as_str() == Some(""),
        "“{step}”: focus is on {} instead of the screen's heading",
        v[1]
    );
    Ok(())
}

/// The person follows the TV's link with `?lang={tag}`: PingOne's hand-off and redirect, then
/// sign-on, the code, consent and the end, each screen in that language and fitting the phone.
async fn whole_flow_in(tag: &str, dir: &str) -> Result<()> {
    let w = words(tag)?;
    let (t, tv) = start(&format!("language-{tag}"), &["en", tag]).await?;
    let link = format!("{}&lang={tag}", tv.verification_uri_complete);
    t.page.open(&link).await?;

    // After PingOne's redirect (which knows nothing of ?lang=), still this language.
    t.page
        .expect_heading(&w.text(k::SIGN_ON_TITLE, &[]))
        .await?;
    ensure!(
        !t.page.url().await?.contains("lang="),
        "the redirect came back with ?lang= (it should have been lost on the way)"
    );
    assert_eq!(lang_dir(&t).await?, (tag.to_owned(), dir.to_owned()));
    assert_eq!(
        t.page.js("return document.title", vec![]).await?,
        json!(w.text(k::PAGE_TITLE, &[]))
    );
    settled(&t, "sign-on").await?;
    t.page
        .fill(&w.text(k::SIGN_ON_USERNAME, &[]), USERNAME)
        .await?;
    t.page
        .fill(&w.text(k::SIGN_ON_PASSWORD, &[]), PASSWORD)
        .await?;
    t.page.click(&w.text(k::SIGN_ON_SUBMIT, &[])).await?;

    t.page
        .expect_screen(&w.text(k::CODE_FROM_LINK, &[]), &[tv.user_code.as_str()])
        .await?;
    settled(&t, "confirm-code").await?;
    t.page.click(&w.text(k::CODE_CONFIRM, &[])).await?;

    t.page
        .expect_heading(&w.text(k::CONSENT_TITLE, &[]))
        .await?;
    settled(&t, "consent").await?;
    // Allow waits for the box saying the device is in front of the person, labelled in this
    // language too.
    t.page
        .field(&w.text(k::CONSENT_CONFIRM, &[]))
        .await?
        .click()
        .await
        .context("ticking the confirmation box")?;
    t.page.click(&w.text(k::CONSENT_ALLOW, &[])).await?;
    t.page
        .expect_heading(&w.text(k::END_CONNECTED_TITLE, &[]))
        .await?;
    settled(&t, "connected").await?;
    tv.expect_token().await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_in_arabic_reads_right_to_left() -> Result<()> {
    whole_flow_in("ar", "rtl").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_in_japanese() -> Result<()> {
    whole_flow_in("ja", "ltr").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lang_de_survives_pingones_redirect() -> Result<()> {
    whole_flow_in("de", "ltr").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_fits_a_small_phone_in_longer_words() -> Result<()> {
    whole_flow_in("en-XA", "ltr").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_fits_a_small_phone_mirrored() -> Result<()> {
    whole_flow_in("ar-XB", "rtl").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picker_switches_language_mid_flow_and_keeps_the_typed_code() -> Result<()> {
    let (t, tv) = start("language-picker", &["en", "fr", "ar"]).await?;
    let (fr, ar) = (words("fr")?, words("ar")?);
    // /device typed by hand, the code typed, then sign-on and back to the code, in English.
    t.page.open(&tv.verification_uri).await?;
    t.type_code_and_sign_on(&tv.user_code).await?;
    // The person changes the code a little (still the TV's), then the language.
    let typed = tv.user_code.to_lowercase();
    t.page.fill(CODE_FIELD, &typed).await?;
    t.screen("picker-english").await?;
    t.page
        .field("Language")
        .await?
        .select_by_value("fr")
        .await
        .context("choosing Français")?;

    // The same step, in French, with what was typed.
    t.page.expect_heading(&fr.text(k::CODE_TITLE, &[])).await?;
    assert_eq!(lang_dir(&t).await?, ("fr".to_owned(), "ltr".to_owned()));
    assert_eq!(
        t.page.value_of(&fr.text(k::CODE_LABEL, &[])).await?,
        typed,
        "the typed code is kept"
    );
    t.screen("picker-french").await?;
    // The picker names each language in its own words.
    let names = t
        .page
        .js(
            "return [...document.querySelectorAll('#language-choice option')].map(o => o.textContent)",
            vec![],
        )
        .await?;
    assert_eq!(names, json!(["English", "français", "العربية"]));

    // Right to left, mid-flow, and on to the end.
    t.page
        .field(&fr.text(k::PAGE_LANGUAGE, &[]))
        .await?
        .select_by_value("ar")
        .await
        .context("choosing العربية")?;
    t.page.expect_heading(&ar.text(k::CODE_TITLE, &[])).await?;
    assert_eq!(lang_dir(&t).await?, ("ar".to_owned(), "rtl".to_owned()));
    assert_eq!(t.page.value_of(&ar.text(k::CODE_LABEL, &[])).await?, typed);
    t.screen("picker-arabic").await?;
    t.page.click(&ar.text(k::ACTION_CONTINUE, &[])).await?;
    t.page
        .expect_heading(&ar.text(k::CONSENT_TITLE, &[]))
        .await?;
    let flow = t.pingone.only_flow()?;
    assert_eq!(flow.user_code_hint.as_deref(), Some(tv.user_code.as_str()));
    t.finish().await
}

/// A broken config.json, for a person reading German: the screen speaks German, and the detail
/// for the site's operator (their messages are English only) is in English, not missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_config_speaks_the_language_with_the_operators_detail_in_english() -> Result<()> {
    let (de, en) = (words("de")?, words("en")?);
    let t = Test::start_with("language-config-broken", config(), SMALL_PHONE).await?;
    t.pingone.fault(Route::Config, 1, Fault::MalformedJson)?;
    t.page
        .open(&format!("{}?lang=de", t.pingone.page_url("/device")))
        .await?;
    t.page
        .expect_screen(
            &de.text(k::CONFIG_TITLE, &[]),
            &[
                de.text(k::CONFIG_BODY, &[]).as_str(),
                en.text(k::OPERATOR_SYNTAX, &[]).as_str(),
            ],
        )
        .await?;
    assert_eq!(lang_dir(&t).await?, ("de".to_owned(), "ltr".to_owned()));
    settled(&t, "config-broken").await?;
    t.finish().await
}
