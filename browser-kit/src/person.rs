//! What a person does on a page and what they expect to see: find a button, a link or a field by
//! what it says, click, double-click, type, use the keyboard alone, read headings, text and
//! alerts. Every action first waits for its target, as a person looks before tapping.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use serde_json::Value;

use crate::error::{Doing, Error, Result};
use crate::locate;
use crate::page::{Page, TIMEOUT, squash};

impl Page {
    /// The first displayed element matching an XPath, if any.
    async fn displayed(&self, xpath: &str) -> Result<Option<Element>> {
        let found = self
            .client
            .find_all(Locator::XPath(xpath))
            .await
            .doing(|| format!("looking for {xpath}"))?;
        for element in found {
            if element.is_displayed().await.unwrap_or(false) {
                return Ok(Some(element));
            }
        }
        Ok(None)
    }

    /// Waits for a button or link called `name` to be on screen.
    pub async fn control(&self, name: &str) -> Result<Element> {
        let xpath = locate::control(name);
        self.wait(
            &format!("a button or link called “{name}”"),
            TIMEOUT,
            || self.displayed(&xpath),
        )
        .await
    }

    /// Waits for the button or link called `name` to be on screen and enabled.
    async fn enabled_control(&self, name: &str) -> Result<Element> {
        let xpath = locate::control(name);
        self.wait(
            &format!("an enabled button or link called “{name}”"),
            TIMEOUT,
            || async {
                match self.displayed(&xpath).await? {
                    Some(e) if e.is_enabled().await.doing(|| format!("“{name}”"))? => {
                        Ok(Some(e))
                    }
                    _ => Ok(None),
                }
            },
        )
        .await
    }

    /// Waits for the button or link called `name` to be on screen and enabled, and clicks it.
    pub async fn click(&self, name: &str) -> Result<()> {
        self.enabled_control(name)
            .await?
            .click()
            .await
            .doing(|| format!("clicking “{name}”"))
    }

    /// Double-clicks the enabled button called `name` with the mouse, as an impatient person
    /// does: two presses a few milliseconds apart.
    pub async fn double_click(&self, name: &str) -> Result<()> {
        let element = self.enabled_control(name).await?;
        let press = || {
            [
                PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                },
                PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                },
            ]
        };
        let mut mouse = MouseActions::new("mouse".to_owned()).then(PointerAction::MoveToElement {
            element,
            duration: None,
            x: 0.0,
            y: 0.0,
        });
        for action in press().into_iter().chain(press()) {
            mouse = mouse.then(action);
        }
        self.client
            .perform_actions(mouse)
            .await
            .doing(|| format!("double-clicking “{name}”"))?;
        self.release().await
    }

    /// Whether the button called `name` is on screen and disabled (greyed out while its action
    /// is on its way).
    pub async fn is_disabled(&self, name: &str) -> Result<bool> {
        let Some(element) = self.displayed(&locate::control(name)).await? else {
            return Ok(false);
        };
        Ok(!element.is_enabled().await.doing(|| format!("“{name}”"))?)
    }

    /// The address the link called `name` goes to, and whether it opens a new window.
    pub async fn link(&self, name: &str) -> Result<(String, bool)> {
        let element = self.control(name).await?;
        let href = element
            .prop("href")
            .await
            .doing(|| format!("reading where “{name}” goes"))?
            .ok_or_else(|| Error::Unexpected(format!("“{name}” is not a link")))?;
        let target = element
            .attr("target")
            .await
            .doing(|| format!("reading the target of “{name}”"))?;
        Ok((href, target.as_deref() == Some("_blank")))
    }

    /// Clicks the link called `name`, waits for the window it opens and carries on in it.
    pub async fn click_into_new_window(&self, name: &str) -> Result<()> {
        let windows = || async {
            self.client
                .windows()
                .await
                .doing(|| "listing the windows".to_owned())
        };
        let before = windows().await?;
        self.click(name).await?;
        let opened = self
            .wait(&format!("the window “{name}” opens"), TIMEOUT, || async {
                Ok(windows().await?.into_iter().find(|w| !before.contains(w)))
            })
            .await?;
        self.client
            .switch_to_window(opened)
            .await
            .doing(|| format!("switching to the window “{name}” opened"))
    }

    /// Carries on in the other of exactly two windows (back where a link opened a new one).
    pub async fn switch_to_other_window(&self) -> Result<()> {
        let current = self
            .client
            .window()
            .await
            .doing(|| "reading the current window".to_owned())?;
        let windows = self
            .client
            .windows()
            .await
            .doing(|| "listing the windows".to_owned())?;
        let [a, b] = <[_; 2]>::try_from(windows)
            .map_err(|w| Error::Unexpected(format!("{} windows, not two", w.len())))?;
        let other = if a == current { b } else { a };
        self.client
            .switch_to_window(other)
            .await
            .doing(|| "switching to the other window".to_owned())
    }

    /// Waits for the field labelled `label`.
    pub async fn field(&self, label: &str) -> Result<Element> {
        let xpath = locate::field(label);
        self.wait(&format!("a field labelled “{label}”"), TIMEOUT, || {
            self.displayed(&xpath)
        })
        .await
    }

    /// Types `text` into the field labelled `label`, replacing what was there.
    pub async fn fill(&self, label: &str, text: &str) -> Result<()> {
        let field = self.field(label).await?;
        field
            .clear()
            .await
            .doing(|| format!("clearing “{label}”"))?;
        field
            .send_keys(text)
            .await
            .doing(|| format!("typing into “{label}”"))
    }

    /// What the field labelled `label` holds.
    pub async fn value_of(&self, label: &str) -> Result<String> {
        let value = self
            .field(label)
            .await?
            .prop("value")
            .await
            .doing(|| format!("reading “{label}”"))?;
        Ok(value.unwrap_or_default())
    }

    /// An attribute of the field labelled `label`.
    pub async fn field_attr(&self, label: &str, attr: &str) -> Result<Option<String>> {
        self.field(label)
            .await?
            .attr(attr)
            .await
            .doing(|| format!("reading {attr} of “{label}”"))
    }

    /// Waits for the screen's heading to read `title`.
    pub async fn expect_heading(&self, title: &str) -> Result<()> {
        let xpath = locate::heading(title);
        self.wait(&format!("the heading “{title}”"), TIMEOUT, || async {
            Ok(self.displayed(&xpath).await?.map(|_| ()))
        })
        .await
    }

    /// Waits for the screen titled `heading`, then for each of `texts` on it.
    pub async fn expect_screen(&self, heading: &str, texts: &[&str]) -> Result<()> {
        self.expect_heading(heading).await?;
        for text in texts {
            self.expect_text(text).await?;
        }
        Ok(())
    }

    /// Waits for `text` to be readable on the page.
    pub async fn expect_text(&self, text: &str) -> Result<()> {
        self.expect_text_within(text, TIMEOUT).await
    }

    /// Waits up to `timeout` for `text` to be readable on the page.
    pub async fn expect_text_within(&self, text: &str, timeout: Duration) -> Result<()> {
        let want = squash(text);
        self.wait(&format!("the text “{want}”"), timeout, || async {
            Ok(self.text().await?.contains(&want).then_some(()))
        })
        .await
    }

    /// Fails if `text` is readable on the page now.
    pub async fn expect_no_text(&self, text: &str) -> Result<()> {
        let on_screen = self.text().await?;
        if on_screen.contains(&squash(text)) {
            let shot = self.screenshot("FAILED").await.unwrap_or_default();
            return Err(Error::Unexpected(format!(
                "“{text}” should not be on screen, but it shows: {on_screen}\n  screenshot: {shot}"
            )));
        }
        Ok(())
    }

    /// Waits for an alert (`role="alert"`, what a screen reader announces) saying `text`.
    pub async fn expect_alert(&self, text: &str) -> Result<()> {
        let want = squash(text);
        self.wait(&format!("an alert saying “{want}”"), TIMEOUT, || async {
            let alerts = self
                .js(
                    "return [...document.querySelectorAll('[role=alert]')].map(e => e.innerText);",
                    vec![],
                )
                .await?;
            let found = alerts
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|a| squash(a).contains(&want));
            Ok(found.then_some(()))
        })
        .await
    }

    /// Presses a key on whatever has focus (no mouse involved).
    pub async fn press(&self, key: Key) -> Result<()> {
        self.keys(std::iter::once(key.into())).await
    }

    /// Types text into whatever has focus, key by key.
    pub async fn type_text(&self, text: &str) -> Result<()> {
        self.keys(text.chars()).await
    }

    async fn keys(&self, keys: impl Iterator<Item = char>) -> Result<()> {
        let mut actions = KeyActions::new("keyboard".to_owned());
        for value in keys {
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(actions)
            .await
            .doing(|| "pressing keys".to_owned())?;
        self.release().await
    }

    async fn release(&self) -> Result<()> {
        self.client
            .release_actions()
            .await
            .doing(|| "releasing the keys and buttons".to_owned())
    }

    /// What has keyboard focus, as a person would name it: `field {label}`, or the element's
    /// tag and text (`button Allow`, `h2 Sign on`), or `nothing`.
    pub async fn focused(&self) -> Result<String> {
        let v = self
            .js(
                r#"const e = document.activeElement;
                   if (!e || e === document.body) return 'nothing';
                   if (e.labels && e.labels.length) return 'field ' + e.labels[0].innerText.trim();
                   const name = (e.getAttribute('aria-label') || e.innerText || '').trim().replace(/\s+/g, ' ');
                   return e.tagName.toLowerCase() + ' ' + name;"#,
                vec![],
            )
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Tabs forward (at most `limit` times) until the focused element is `want` (as `focused`
    /// names it), then returns how many presses it took.
    pub async fn tab_to(&self, want: &str, limit: usize) -> Result<usize> {
        let mut seen = Vec::new();
        for presses in 1..=limit {
            self.press(Key::Tab).await?;
            let now = self.focused().await?;
            if now == want {
                return Ok(presses);
            }
            seen.push(now);
        }
        Err(Error::Unexpected(format!(
            "Tab never reached “{want}” in {limit} presses; focus went: {seen:?}"
        )))
    }
}
