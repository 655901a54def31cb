//! The built `index.html` must run under `script-src 'self'` and `style-src 'self'`: no inline
//! script (a `<script>` without `src`, an `on…=` handler, a `javascript:` URL) and no inline
//! style (a `<style>` element, a `style=` attribute). A small scan of the tags, enough for the
//! HTML Trunk writes.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// Fails, naming each offence, when the file holds anything the policy would refuse.
pub fn check(index: &Path) -> Result<()> {
    let html =
        std::fs::read_to_string(index).with_context(|| format!("reading {}", index.display()))?;
    let found = offences(&html);
    if !found.is_empty() {
        bail!(
            "{} would break under the Content-Security-Policy (deploy/headers.toml):\n  {}",
            index.display(),
            found.join("\n  ")
        );
    }
    Ok(())
}

/// Every inline script or style in the document.
fn offences(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.split_once("-->").map_or("", |(_, after)| after);
            continue;
        }
        let (tag, after) = split_tag(&rest[1..]);
        rest = after;
        let mut parts = Attributes::new(tag);
        let Some(name) = parts.name() else { continue };
        let attrs: Vec<(String, String)> = parts.collect();
        let has = |n: &str| attrs.iter().any(|(a, _)| a == n);
        match name.as_str() {
            "script" if !has("src") => found.push("a <script> without src (inline code)".into()),
            "style" => found.push("a <style> element".into()),
            _ => {}
        }
        for (attr, value) in &attrs {
            if attr == "style" {
                found.push(format!("a style attribute on <{name}>"));
            } else if attr.starts_with("on") {
                found.push(format!("an {attr} handler on <{name}>"));
            } else if value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("javascript:")
            {
                found.push(format!("a javascript: URL in <{name} {attr}>"));
            }
        }
    }
    found
}

/// The tag's text up to its closing `>` (outside quotes), and what follows it.
fn split_tag(text: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return (&text[..i], &text[i + 1..]),
            _ => {}
        }
    }
    (text, "")
}

/// A tag's name and attributes, lowercased names, unquoted values.
struct Attributes<'a> {
    rest: &'a str,
}

impl<'a> Attributes<'a> {
    fn new(tag: &'a str) -> Self {
        Attributes { rest: tag }
    }

    /// The element's name; `None` for end tags and declarations.
    fn name(&mut self) -> Option<String> {
        if self.rest.starts_with(['/', '!', '?']) {
            return None;
        }
        let end = self
            .rest
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(self.rest.len());
        let name = self.rest[..end].to_ascii_lowercase();
        self.rest = &self.rest[end..];
        (!name.is_empty()).then_some(name)
    }
}

impl Iterator for Attributes<'_> {
    type Item = (String, String);

    fn next(&mut self) -> Option<(String, String)> {
        self.rest = self
            .rest
            .trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if self.rest.is_empty() {
            return None;
        }
        let end = self
            .rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(self.rest.len());
        let name = self.rest[..end].to_ascii_lowercase();
        self.rest = self.rest[end..].trim_start();
        let Some(after_eq) = self.rest.strip_prefix('=') else {
            return Some((name, String::new()));
        };
        let after_eq = after_eq.trim_start();
        let (value, rest) = match after_eq.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &after_eq[1..];
                let close = body.find(q).unwrap_or(body.len());
                (&body[..close], body.get(close + 1..).unwrap_or(""))
            }
            _ => {
                let close = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
                (&after_eq[..close], &after_eq[close..])
            }
        };
        self.rest = rest;
        Some((name, value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_scripts_and_stylesheets_pass() {
        let html = r#"<!doctype html><html lang=en><head><meta charset=utf-8>
            <!-- a <script>comment</script> is not code -->
            <link rel=stylesheet href=/assets/main-1.css integrity="sha384-a/b=">
            <script type=module src=/assets/boot-2.js integrity=sha384-c></script>
            <link rel=modulepreload href="/assets/page-3.js"></head>
            <body><p id=boot class="page page__status" role=status>Loading…</p></body></html>"#;
        assert_eq!(offences(html), Vec::<String>::new());
    }

    #[test]
    fn names_every_inline_script_and_style() {
        let html = r#"<html><head>
            <script type="module">import init from '/x.js'; await init();</script>
            <style>p { color: red }</style></head>
            <body><p style="color: red">x</p><button onclick=go()>Go</button>
            <a href=" JavaScript:void(0)">x</a><img src=a.png alt='a > b' STYLE=x></body></html>"#;
        assert_eq!(
            offences(html),
            [
                "a <script> without src (inline code)",
                "a <style> element",
                "a style attribute on <p>",
                "an onclick handler on <button>",
                "a javascript: URL in <a href>",
                "a style attribute on <img>",
            ]
        );
    }
}
