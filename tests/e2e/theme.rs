//! The operator's brand from `config.json` (public/lazy/theme.js): with each example of
//! `deploy/themes/`, the primary button, the page's background and the logo follow the theme in
//! Chromium's light and dark `prefers-color-scheme`, on the code, consent and connected screens
//! (each kept as a screenshot and audited by axe); the service name, notice and links are the
//! operator's. Hostile values and a logo too large leave the default look; a theme below WCAG
//! AA contrast is corrected until axe finds nothing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};

use crate::harness::{self, PHONE, Test};
use crate::steps::CODE_FIELD;

const SCHEMES: [&str; 2] = ["light", "dark"];
const WAIT: Duration = Duration::from_secs(10);

/// What the page shows that a theme sets, read in the browser.
const LOOK: &str = r#"
const css = (el, p) => (el ? getComputedStyle(el).getPropertyValue(p) : null);
const button = document.querySelector('.button--primary');
const img = document.querySelector('header img');
return {
  mode: document.documentElement.dataset.themeMode ?? null,
  button: css(button, 'background-color'), buttonText: css(button, 'color'),
  radius: css(button, 'border-top-left-radius'),
  background: css(document.body, 'background-color'), text: css(document.body, 'color'),
  font: css(document.body, 'font-family'),
  bodyShown: css(document.body, 'display') !== 'none',
  logo: img && img.complete && img.naturalWidth > 0 ? img.currentSrc : null,
  logoHeight: img ? img.getBoundingClientRect().height : null,
  alt: img ? img.alt : null,
};
"#;

#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Look {
    mode: Option<String>,
    button: Option<String>,
    button_text: Option<String>,
    radius: Option<String>,
    background: String,
    text: String,
    font: String,
    body_shown: bool,
    logo: Option<String>,
    logo_height: Option<f64>,
    alt: Option<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `#rgb` or `#rrggbb` as getComputedStyle writes it: `rgb(r, g, b)`.
fn rgb(hex: &str) -> Result<String> {
    let digits = hex.strip_prefix('#').context("a colour starts with #")?;
    let long: String = match digits.len() {
        3 => digits.chars().flat_map(|c| [c, c]).collect(),
        6 => digits.to_owned(),
        _ => bail!("{hex} is not #rgb or #rrggbb"),
    };
    let n = u32::from_str_radix(&long, 16).with_context(|| format!("{hex} is not hex"))?;
    Ok(format!("rgb({}, {}, {})", n >> 16, (n >> 8) & 255, n & 255))
}

/// The stylesheet's own default of a colour in `scheme`, from its `light-dark(light, dark)`.
fn default_colour(property: &str, scheme: &str) -> Result<String> {
    let css = std::fs::read_to_string(root().join("style/main.css")).context("style/main.css")?;
    let value = css
        .split(&format!("{property}:"))
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .with_context(|| format!("style/main.css declares no {property}"))?;
    let pair = value
        .trim()
        .strip_prefix("light-dark(")
        .and_then(|v| v.strip_suffix(')'))
        .with_context(|| format!("{property} is not light-dark(…): {value}"))?;
    let (light, dark) = pair.split_once(',').context("light-dark takes two")?;
    rgb(if scheme == "dark" { dark } else { light }.trim())
}

/// A font stack without its quotes and spaces, as getComputedStyle and config.json may differ.
fn families(stack: &str) -> Vec<String> {
    stack
        .split(',')
        .map(|f| f.trim().trim_matches('"').trim_matches('\'').to_owned())
        .collect()
}

/// Emulates the person's colour scheme.
async fn prefer(t: &Test, scheme: &str) -> Result<()> {
    t.page
        .devtools(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await?;
    Ok(())
}

async fn look(t: &Test) -> browser_kit::Result<Look> {
    let v = t.page.js(LOOK, vec![]).await?;
    serde_json::from_value(v.clone()).map_err(|e| browser_kit::Error::Answer {
        doing: format!("reading the page's look ({e})"),
        answer: v.to_string(),
    })
}

/// The built page with the example logos under `/brand/` (and `extra` files there), served by
/// an emulator whose `config.json` carries `brand`'s keys.
async fn branded(name: &str, brand: &Value, extra: &[(&str, &[u8])]) -> Result<Test> {
    let dist = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-theme")
        .join(name);
    let _ = std::fs::remove_dir_all(&dist);
    harness::copy_dir(&harness::dist()?, &dist)?;
    harness::copy_dir(&root().join("deploy/themes/brand"), &dist.join("brand"))?;
    for (file, bytes) in extra {
        std::fs::write(dist.join("brand").join(file), bytes).context("writing a logo")?;
    }
    let mut config = harness::config();
    config.page_settings = brand
        .as_object()
        .context("a brand is a JSON object")?
        .clone();
    Test::start_serving(&format!("theme-{name}"), config, PHONE, &dist).await
}

fn example(name: &str) -> Result<Value> {
    let path = root().join(format!("deploy/themes/{name}.json"));
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}", path.display()))
}

/// What `brand` asks for in `scheme`.
struct Want {
    button: String,
    button_text: String,
    background: String,
    logo: String,
    logo_height: f64,
    alt: String,
    radius: String,
    font: Vec<String>,
}

fn want(brand: &Value, scheme: &str) -> Result<Want> {
    let theme = &brand["theme"];
    let set = match theme["mode"].as_str().unwrap_or("auto") {
        "auto" => scheme,
        forced => forced,
    };
    let colours = &theme[set];
    let colour = |key: &str| {
        colours[key]
            .as_str()
            .with_context(|| format!("the example has no {set}.{key}"))
            .and_then(rgb)
    };
    let logo = &theme["logo"];
    let other = if set == "dark" { "light" } else { "dark" };
    let src = logo[set]
        .as_str()
        .or(logo[other].as_str())
        .context("the example has no logo")?;
    Ok(Want {
        button: colour("primary")?,
        button_text: colour("onPrimary")?,
        background: colour("background")?,
        logo: src.to_owned(),
        logo_height: logo["height"].as_f64().context("logo.height")?,
        alt: logo["alt"]
            .as_str()
            .or(logo["alt"]["en"].as_str())
            .unwrap_or_default()
            .to_owned(),
        radius: format!("{}px", theme["radius"].as_f64().context("radius")?),
        font: families(theme["font"].as_str().context("font")?),
    })
}

/// The screen on show follows `brand` in light and in dark; each is kept and audited.
async fn branded_screen(t: &Test, brand: &Value, screen: &str) -> Result<()> {
    for scheme in SCHEMES {
        prefer(t, scheme).await?;
        let want = want(brand, scheme)?;
        let seen = t
            .page
            .wait(&format!("the {scheme} logo and colours"), WAIT, || async {
                let seen = look(t).await?;
                let ready = seen
                    .logo
                    .as_deref()
                    .is_some_and(|l| l.ends_with(&want.logo))
                    && seen.background == want.background;
                Ok(ready.then_some(seen))
            })
            .await
            .with_context(|| format!("{screen} in {scheme}"))?;
        let context = || format!("{screen} in {scheme}: {seen:?}");
        if let Some(button) = &seen.button {
            ensure!(*button == want.button, "primary button: {}", context());
            ensure!(
                seen.button_text.as_deref() == Some(want.button_text.as_str()),
                "primary button's words: {}",
                context()
            );
            ensure!(
                seen.radius.as_deref() == Some(want.radius.as_str()),
                "radius: {}",
                context()
            );
        }
        ensure!(
            seen.logo_height == Some(want.logo_height),
            "logo height: {}",
            context()
        );
        ensure!(
            seen.alt.as_deref() == Some(want.alt.as_str()),
            "alt: {}",
            context()
        );
        ensure!(families(&seen.font) == want.font, "font: {}", context());
        t.screen(&format!("{screen}-{scheme}")).await?;
    }
    prefer(t, "light").await
}

/// Code, consent and connected, in light and dark, with the operator's name, notice and links.
async fn example_path(name: &str) -> Result<()> {
    let brand = example(name)?;
    let t = branded(name, &brand, &[]).await?;
    let tv = t.pingone.tv().await?;
    t.page.open(&tv.verification_uri).await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    let service = brand["service"]
        .as_str()
        .or(brand["service"]["en"].as_str())
        .context("the example names its service")?;
    t.page
        .expect_text(&format!("Connect a device to {service}"))
        .await?;
    if let Some(notice) = brand["notice"].as_str().or(brand["notice"]["en"].as_str()) {
        t.page.expect_text(notice).await?;
    }
    for (key, label) in [("help", "Help"), ("privacy", "Privacy"), ("terms", "Terms")] {
        let Some(href) = brand["links"][key]
            .as_str()
            .or(brand["links"][key]["en"].as_str())
        else {
            t.page.expect_no_text(label).await?;
            continue;
        };
        let (to, new_window) = t.page.link(label).await?;
        ensure!(
            to == href && new_window,
            "{label} leads to {to} (new window: {new_window})"
        );
    }
    branded_screen(&t, &brand, "code").await?;

    t.type_code_and_sign_on(&tv.user_code).await?;
    t.page.click("Continue").await?;
    t.page.expect_heading("Allow this device?").await?;
    branded_screen(&t, &brand, "consent").await?;
    t.allow(&tv).await?;
    branded_screen(&t, &brand, "connected").await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_light_brand_in_light_and_dark() -> Result<()> {
    example_path("light-brand").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dark_brand_in_light_and_dark() -> Result<()> {
    example_path("dark-brand").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_high_contrast_brand_in_light_and_dark() -> Result<()> {
    example_path("high-contrast").await
}

/// The page's default look in `scheme`, from the stylesheet, once the theme module has run.
async fn expect_default_look(t: &Test, scheme: &str) -> Result<Look> {
    prefer(t, scheme).await?;
    let button = default_colour("--device-accent", scheme)?;
    let background = default_colour("--device-bg", scheme)?;
    let seen = t
        .page
        .wait("the theme module to have run", WAIT, || async {
            let seen = look(t).await?;
            Ok(seen.mode.is_some().then_some(seen))
        })
        .await?;
    ensure!(seen.body_shown, "the page is hidden: {seen:?}");
    ensure!(
        seen.button.as_deref() == Some(button.as_str()),
        "primary button in {scheme}: {seen:?}"
    );
    ensure!(
        seen.background == background,
        "background in {scheme}: {seen:?}"
    );
    ensure!(seen.radius.as_deref() == Some("10px"), "radius: {seen:?}");
    ensure!(seen.logo_height.is_none(), "a logo is shown: {seen:?}");
    Ok(seen)
}

/// The theme module's console warnings so far.
async fn warnings(t: &Test) -> browser_kit::Result<Vec<String>> {
    Ok(t.page
        .console_log()
        .await?
        .into_iter()
        .filter(|e| e.message.contains("device page theme:"))
        .map(|e| e.message)
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_values_leave_the_default_look() -> Result<()> {
    let brand = json!({
        "service": "<img src=x onerror=alert(1)>",
        "links": { "help": "javascript:alert(1)" },
        "theme": {
            "mode": "dark;color:red",
            "radius": "12px;}*{display:none",
            "font": "A".repeat(200),
            "logo": { "light": "javascript:alert(1)", "alt": "x" },
            "light": { "primary": "red;}body{display:none", "background": "url(https://example.com/x)" },
            "dark": { "primary": "#12345", "background": "expression(alert(1))" },
        },
    });
    let t = branded("hostile", &brand, &[]).await?;
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    t.page.expect_text("Connect a device").await?;
    t.page.expect_no_text("Connect a device to").await?;
    for scheme in SCHEMES {
        let seen = expect_default_look(&t, scheme).await?;
        let font = std::fs::read_to_string(root().join("style/main.css"))?;
        let default_font = font
            .split("--device-font:")
            .nth(1)
            .and_then(|r| r.split(';').next())
            .context("style/main.css --device-font")?;
        ensure!(
            families(&seen.font) == families(default_font),
            "font: {seen:?}"
        );
        t.screen(&format!("hostile-{scheme}")).await?;
    }
    t.page.expect_no_text("Help").await?;
    let warned = warnings(&t).await?;
    for about in ["primary", "radius", "font", "logo", "links.help", "mode"] {
        ensure!(
            warned.iter().any(|w| w.contains(about)),
            "no warning about {about}: {warned:?}"
        );
    }
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logo_too_large_is_taken_away() -> Result<()> {
    // 5 MB of SVG: a picture, but no logo.
    let mut huge =
        br#"<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><!--"#.to_vec();
    huge.resize(5_000_000, b' ');
    huge.extend_from_slice(b"--><rect width=\"160\" height=\"40\"/></svg>");
    let brand = json!({ "theme": { "logo": { "light": "/brand/huge.svg", "alt": "Huge" } } });
    let t = branded("huge-logo", &brand, &[("huge.svg", &huge)]).await?;
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    t.page
        .wait("the large logo to be taken away", WAIT, || async {
            let warned = warnings(&t).await?;
            Ok(warned.iter().any(|w| w.contains("bytes")).then_some(()))
        })
        .await?;
    let seen = expect_default_look(&t, "light").await?;
    ensure!(seen.alt.is_none(), "{seen:?}");
    t.screen("huge-logo").await?;
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_low_contrast_theme_is_corrected() -> Result<()> {
    let brand = json!({ "theme": {
        "light": { "primary": "#ffcc00", "onPrimary": "#ffffff", "text": "#bbbbbb", "muted": "#cccccc" },
        "dark": { "primary": "#222222", "onPrimary": "#333333", "text": "#333333", "danger": "#401010" },
    } });
    let t = branded("low-contrast", &brand, &[]).await?;
    t.page.open(&t.pingone.page_url("/device")).await?;
    t.page
        .expect_heading("Enter the code from your device")
        .await?;
    // The brand colour stays; the words on it and the text turn black or white.
    for (scheme, button, words, text) in [
        ("light", "#ffcc00", "#000000", "#000000"),
        ("dark", "#222222", "#ffffff", "#ffffff"),
    ] {
        prefer(&t, scheme).await?;
        let seen = t
            .page
            .wait("the theme module to have run", WAIT, || async {
                let seen = look(&t).await?;
                Ok(seen.mode.is_some().then_some(seen))
            })
            .await?;
        ensure!(seen.button == Some(rgb(button)?), "{scheme}: {seen:?}");
        ensure!(seen.button_text == Some(rgb(words)?), "{scheme}: {seen:?}");
        ensure!(seen.text == rgb(text)?, "{scheme}: {seen:?}");
        t.screen(&format!("low-contrast-{scheme}")).await?;
        // A problem shown in the corrected danger colour, audited too.
        t.page.fill(CODE_FIELD, "A").await?;
        t.page.click("Continue").await?;
        t.page.expect_text("the code has 8").await?;
        t.screen(&format!("low-contrast-problem-{scheme}")).await?;
        t.page.fill(CODE_FIELD, "").await?;
    }
    let warned = warnings(&t).await?;
    ensure!(
        warned.iter().any(|w| w.contains("WCAG")),
        "no warning about contrast: {warned:?}"
    );
    t.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operators_words_and_links_without_a_theme_in_german() -> Result<()> {
    let example = example("light-brand")?;
    let brand = json!({
        "service": example["service"],
        "notice": example["notice"],
        "links": example["links"],
    });
    let t = branded("words", &brand, &[]).await?;
    t.page.open(&t.pingone.page_url("/device?lang=de")).await?;
    t.page.expect_text("Gerät mit Acme TV verbinden").await?;
    let title = t.page.js("return document.title;", vec![]).await?;
    ensure!(
        title == "Gerät mit Acme TV verbinden",
        "the tab says {title}"
    );
    t.page
        .expect_text(
            example["notice"]["de"]
                .as_str()
                .context("a German notice")?,
        )
        .await?;
    for (label, key) in [
        ("Hilfe", "help"),
        ("Datenschutz", "privacy"),
        ("Nutzungsbedingungen", "terms"),
    ] {
        let want = example["links"][key]
            .as_str()
            .or(example["links"][key]["de"].as_str())
            .context("a link")?;
        let (to, new_window) = t.page.link(label).await?;
        ensure!(to == want && new_window, "{label} leads to {to}");
    }
    // Below the page's own screens, and no logo.
    let order = t
        .page
        .js(
            "return [document.body.lastElementChild.tagName, !!document.querySelector('header img')];",
            vec![],
        )
        .await?;
    ensure!(order == json!(["FOOTER", false]), "{order}");
    t.screen("words-de").await?;
    t.finish().await
}
