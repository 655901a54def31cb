//! `headers.toml` read and checked: what every answer carries, which paths the page answers and
//! how each is cached. The recipes and the emulator ask this module, never the TOML.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Error, Site};

/// The source, compiled in: the emulator and the recipes cannot drift from the file.
const SHIPPED: &str = include_str!("../headers.toml");

/// The placeholders the policy's directives may hold.
const PLACEHOLDERS: [&str; 3] = ["{auth_base}", "{icon_hosts}", "{frame_ancestors}"];

/// A response header: name and value.
pub type Header = (String, String);

/// The page's response headers, as `headers.toml` describes them.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The Content-Security-Policy's directives, with placeholders.
    content_security_policy: Vec<String>,
    /// Headers on every answer, besides the Content-Security-Policy.
    every_answer: BTreeMap<String, String>,
    /// Headers on every answer when no portal may frame the page.
    unframed: BTreeMap<String, String>,
    /// The paths the page answers.
    paths: Vec<PathClass>,
    /// Content types by file extension.
    content_types: BTreeMap<String, String>,
}

/// A set of paths the page answers alike.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathClass {
    /// A short name (recipes use it for matchers and comments).
    pub name: String,
    /// One line saying what these paths are.
    pub about: String,
    /// Paths matched exactly.
    #[serde(default)]
    pub exact: Vec<String>,
    /// Or: every path under this prefix (ends with `/`).
    pub prefix: Option<String>,
    /// The file these paths answer with, when it is not the path itself.
    pub file: Option<String>,
    /// Headers these paths add to the ones on every answer.
    pub headers: BTreeMap<String, String>,
}

/// What a request path answers: its class and the file (relative to the page's root) to send.
#[derive(Clone, Debug)]
pub struct Route<'a> {
    pub class: &'a PathClass,
    /// `/index.html` for `/device`, the path itself for a file.
    pub file: String,
}

impl Policy {
    /// The policy in this repository's `deploy/headers.toml`.
    pub fn shipped() -> Result<Policy, Error> {
        Policy::parse(SHIPPED)
    }

    /// Reads and checks a policy.
    pub fn parse(text: &str) -> Result<Policy, Error> {
        let policy: Policy = toml::from_str(text).map_err(|source| Error::Toml {
            what: "deploy/headers.toml".to_owned(),
            source,
        })?;
        policy.check()?;
        Ok(policy)
    }

    fn check(&self) -> Result<(), Error> {
        let fail = |why: String| Err(Error::Policy(why));
        if self.content_security_policy.is_empty() {
            return fail("content_security_policy has no directives".to_owned());
        }
        for directive in &self.content_security_policy {
            let mut rest = directive.clone();
            for p in PLACEHOLDERS {
                rest = rest.replace(p, "");
            }
            if let Err(why) = header_value(&rest) {
                return fail(format!("the directive {directive:?} {why}"));
            }
            if rest.contains(';') {
                return fail(format!(
                    "the directive {directive:?} holds a `;`: one per entry"
                ));
            }
        }
        let mut fixed: Vec<(&String, &String)> = self.every_answer.iter().collect();
        fixed.extend(&self.unframed);
        for class in &self.paths {
            fixed.extend(&class.headers);
            let ok = match (&class.exact[..], &class.prefix) {
                ([], Some(prefix)) => prefix.starts_with('/') && prefix.ends_with('/'),
                (exact, None) if !exact.is_empty() => exact.iter().all(|p| p.starts_with('/')),
                _ => false,
            };
            let file_ok = class
                .file
                .as_ref()
                .is_none_or(|f| f.starts_with('/') && class.prefix.is_none());
            if !ok || !file_ok {
                return fail(format!(
                    "[[paths]] {:?} needs either `exact` paths or one `prefix` ending in `/`, all \
                     starting with `/` (and a `file` only with `exact`)",
                    class.name
                ));
            }
            for name in class.headers.keys() {
                if self.every_answer.contains_key(name) || self.unframed.contains_key(name) {
                    return fail(format!(
                        "{name} is both on every answer and on [[paths]] {:?}",
                        class.name
                    ));
                }
            }
        }
        for (name, value) in fixed {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return fail(format!("{name:?} is not a header name"));
            }
            if name.eq_ignore_ascii_case("content-security-policy") {
                return fail(
                    "the Content-Security-Policy belongs in content_security_policy".into(),
                );
            }
            if let Err(why) = header_value(value) {
                return fail(format!("{name}: {value:?} {why}"));
            }
        }
        for (ext, value) in &self.content_types {
            if let Err(why) = header_value(value) {
                return fail(format!("the content type of .{ext} {value:?} {why}"));
            }
        }
        Ok(())
    }

    /// The Content-Security-Policy for a site.
    pub fn csp(&self, site: &Site) -> String {
        let frame_ancestors = if site.portal_origins.is_empty() {
            "'none'".to_owned()
        } else {
            site.portal_origins.join(" ")
        };
        self.content_security_policy
            .iter()
            .map(|directive| {
                let filled = directive
                    .replace("{auth_base}", &site.auth_base)
                    .replace("{icon_hosts}", &site.icon_hosts.join(" "))
                    .replace("{frame_ancestors}", &frame_ancestors);
                filled.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The headers on every answer for a site: the Content-Security-Policy first, then the rest
    /// by name, then the ones for a page no portal frames.
    pub fn every_answer(&self, site: &Site) -> Vec<Header> {
        let mut headers = vec![("Content-Security-Policy".to_owned(), self.csp(site))];
        headers.extend(owned(&self.every_answer));
        if site.portal_origins.is_empty() {
            headers.extend(owned(&self.unframed));
        }
        headers
    }

    /// The path classes, in the order `headers.toml` lists them.
    pub fn paths(&self) -> &[PathClass] {
        &self.paths
    }

    /// What a request path answers, or `None` for a 404.
    pub fn route(&self, path: &str) -> Option<Route<'_>> {
        self.paths.iter().find_map(|class| {
            let hit = class.exact.iter().any(|p| p == path)
                || class
                    .prefix
                    .as_ref()
                    .is_some_and(|prefix| path.len() > prefix.len() && path.starts_with(prefix));
            hit.then(|| Route {
                class,
                file: class.file.clone().unwrap_or_else(|| path.to_owned()),
            })
        })
    }

    /// Content types by extension (`wasm` → `application/wasm`).
    pub fn content_types(&self) -> &BTreeMap<String, String> {
        &self.content_types
    }

    /// The content type of a file by its extension.
    pub fn content_type(&self, file: &str) -> Option<&str> {
        let name = file.rsplit('/').next().unwrap_or(file);
        let (_, ext) = name.rsplit_once('.')?;
        self.content_types.get(ext).map(String::as_str)
    }
}

impl PathClass {
    /// This class's own headers.
    pub fn headers(&self) -> Vec<Header> {
        owned(&self.headers)
    }
}

fn owned(map: &BTreeMap<String, String>) -> Vec<Header> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Whether a value can go into every recipe's quoting as it is: no quotes, backslashes, `$`
/// (an nginx variable), braces (Caddy placeholders) or control characters.
pub(crate) fn header_value(value: &str) -> Result<(), &'static str> {
    if value.trim().is_empty() {
        return Err("is empty");
    }
    if value
        .chars()
        .any(|c| c.is_control() || matches!(c, '"' | '\\' | '$' | '{' | '}' | '`'))
    {
        return Err("holds a quote, backslash, `$`, brace or control character");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(portals: &[&str]) -> Site {
        let mut site = Site::example().expect("the example site");
        site.portal_origins = portals.iter().map(|s| s.to_string()).collect();
        site
    }

    #[test]
    fn the_shipped_policy_is_the_one_issue_13_asks_for() {
        let policy = Policy::shipped().expect("deploy/headers.toml");
        let mut site = site(&[]);
        site.auth_base = "https://auth.example.com".into();
        site.icon_hosts = vec!["https://icons.example.com".into()];
        assert_eq!(
            policy.csp(&site),
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             connect-src 'self' https://auth.example.com; img-src 'self' data: \
             https://icons.example.com; frame-ancestors 'none'; base-uri 'none'; \
             form-action 'none'; object-src 'none'"
        );
        let headers = policy.every_answer(&site);
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("X-Frame-Options"), Some("DENY"));
        assert_eq!(get("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(get("Referrer-Policy"), Some("no-referrer"));
        assert_eq!(get("Cross-Origin-Opener-Policy"), Some("same-origin"));
        assert_eq!(
            get("Permissions-Policy"),
            Some("camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        );
        assert!(get("Strict-Transport-Security").is_some_and(|v| v.starts_with("max-age=")));
    }

    #[test]
    fn a_portal_widens_frame_ancestors_and_drops_x_frame_options() {
        let policy = Policy::shipped().expect("deploy/headers.toml");
        let site = site(&["https://portal.example.com", "https://intranet.example.org"]);
        assert!(policy.csp(&site).contains(
            "; frame-ancestors https://portal.example.com https://intranet.example.org;"
        ));
        assert!(
            policy
                .every_answer(&site)
                .iter()
                .all(|(name, _)| name != "X-Frame-Options")
        );
    }

    #[test]
    fn no_icon_hosts_leave_no_gap() {
        let policy = Policy::shipped().expect("deploy/headers.toml");
        let mut site = site(&[]);
        site.icon_hosts.clear();
        assert!(policy.csp(&site).contains("; img-src 'self' data:; "));
    }

    #[test]
    fn routes_the_page_its_files_and_nothing_else() {
        let policy = Policy::shipped().expect("deploy/headers.toml");
        let cases = [
            ("/device", Some(("page", "/index.html", "no-cache"))),
            ("/device/", Some(("page", "/index.html", "no-cache"))),
            ("/index.html", Some(("unhashed", "/index.html", "no-cache"))),
            (
                "/config.json",
                Some(("unhashed", "/config.json", "no-cache")),
            ),
            ("/embed.js", Some(("unhashed", "/embed.js", "no-cache"))),
            (
                "/assets/device-page-1f2e_bg.wasm",
                Some((
                    "assets",
                    "/assets/device-page-1f2e_bg.wasm",
                    "public, max-age=31536000, immutable",
                )),
            ),
            ("/assets/", None),
            ("/", None),
            ("/device/extra", None),
            ("/devices", None),
            ("/admin", None),
        ];
        for (path, expected) in cases {
            let got = policy.route(path).map(|r| {
                let cache = r.class.headers.get("Cache-Control").cloned();
                (r.class.name.clone(), r.file, cache.unwrap_or_default())
            });
            let expected =
                expected.map(|(c, f, cache)| (c.to_owned(), f.to_owned(), cache.to_owned()));
            assert_eq!(got, expected, "{path}");
        }
        assert_eq!(
            policy.content_type("/assets/x_bg.wasm"),
            Some("application/wasm")
        );
        assert_eq!(
            policy.content_type("/config.json"),
            Some("application/json")
        );
        assert_eq!(policy.content_type("/README"), None);
    }

    #[test]
    fn refuses_what_a_recipe_could_not_carry() {
        let good = SHIPPED;
        for (change, from, to) in [
            (
                "unknown placeholder",
                "'self' {auth_base}",
                "'self' {auth_host}",
            ),
            (
                "two directives in one",
                "\"style-src 'self'\"",
                "\"style-src 'self'; img-src *\"",
            ),
            (
                "a quote in a value",
                "\"no-referrer\"",
                "\"no-referrer\\\"\"",
            ),
            ("an nginx variable", "\"nosniff\"", "\"$nosniff\""),
            (
                "a prefix without slash",
                "prefix = \"/assets/\"",
                "prefix = \"/assets\"",
            ),
            (
                "a header twice",
                "Cache-Control = \"no-cache\" }",
                "Referrer-Policy = \"same-origin\" }",
            ),
            (
                "an unknown key",
                "[unframed]",
                "[unframed]\nX-Extra = \"1\"\n[surprise]",
            ),
        ] {
            let text = good.replacen(from, to, 1);
            assert_ne!(
                text, good,
                "{change}: the test's edit found nothing to change"
            );
            assert!(Policy::parse(&text).is_err(), "{change} was accepted");
        }
    }
}
