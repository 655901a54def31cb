//! What the address bar brings: a `user_code` from the device's QR code or link, or the
//! `environmentId` and `flowId` PingOne appends when it sends the browser back to this page.

/// The query parameters the page understands; everything else in the query is ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// The code from `verification_uri_complete`, exactly as it arrived (not yet normalised).
    pub user_code: Option<String>,
    /// The PingOne environment, when PingOne redirected here.
    pub environment_id: Option<String>,
    /// The flow PingOne created for this browser.
    pub flow_id: Option<String>,
    /// A JSON-encoded PingOne error, when PingOne sent the browser back because something failed.
    pub error: Option<String>,
}

impl Query {
    /// Parses a query string, with or without its leading `?`. Empty values count as absent.
    pub fn parse(search: &str) -> Self {
        let search = search.strip_prefix('?').unwrap_or(search);
        let search = search.split('#').next().unwrap_or(search);
        let first = |key: &str| {
            form::values(search, key)
                .into_iter()
                .map(|value| value.trim().to_owned())
                .find(|value| !value.is_empty())
        };
        Query {
            user_code: first("user_code"),
            environment_id: first("environmentId"),
            flow_id: first("flowId"),
            error: first("error"),
        }
    }

    /// The query string with `user_code` removed, for replacing the address bar so the code is in
    /// no history entry, bookmark or `Referer`. A pair goes when [`Query::parse`] would read its
    /// key as `user_code` (`user%5Fcode` included: keys are compared decoded, as the parser reads
    /// them); other pairs keep their order and encoding, and a fragment stays as it was.
    pub fn without_user_code(search: &str) -> String {
        let search = search.strip_prefix('?').unwrap_or(search);
        let (query, fragment) = match search.split_once('#') {
            Some((query, fragment)) => (query, Some(fragment)),
            None => (search, None),
        };
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !is_user_code_key(pair))
            .collect();
        let mut out = String::new();
        if !kept.is_empty() {
            out = format!("?{}", kept.join("&"));
        }
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }
}

/// Whether one `key=value` pair's key, decoded as the parser decodes it, is `user_code`.
fn is_user_code_key(pair: &str) -> bool {
    !form::values(pair, "user_code").is_empty()
}

/// `application/x-www-form-urlencoded`, as the WHATWG URL standard defines it: in the page the
/// browser's own `URLSearchParams` and `encodeURIComponent` (no decoder in the WebAssembly),
/// natively the `form_urlencoded` crate, where the tests run. tests/web.rs reads this module's
/// cases through the browser's.
pub mod form {
    /// Every value of `key` in a query (no leading `?`), decoded, in order.
    #[cfg(target_arch = "wasm32")]
    pub fn values(query: &str, key: &str) -> Vec<String> {
        web_sys::UrlSearchParams::new_with_str(query)
            .map(|params| {
                params
                    .get_all(key)
                    .iter()
                    .filter_map(|v| v.as_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every value of `key` in a query (no leading `?`), decoded, in order.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn values(query: &str, key: &str) -> Vec<String> {
        form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .collect()
    }

    /// `value` encoded for a query. The two encodings differ in a few characters they leave as
    /// they are (`!~'()`) and in how they write a space; every decoder reads both alike.
    #[cfg(target_arch = "wasm32")]
    pub fn encode(value: &str) -> String {
        js_sys::encode_uri_component(value).into()
    }

    /// `value` encoded for a query.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn encode(value: &str) -> String {
        form_urlencoded::byte_serialize(value.as_bytes()).collect()
    }
}

/// Whether a path is the page's own: `/device` or `/device/`, possibly below a prefix the operator
/// hosts it under (`/portal/device`). A path with an empty segment (`//evil.example/device`), a
/// backslash or an encoded slash or backslash is not: links built from it could leave the site.
pub fn is_device_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if !path.starts_with('/')
        || path.contains("//")
        || path.contains('\\')
        || lower.contains("%2f")
        || lower.contains("%5c")
    {
        return false;
    }
    let path = path.strip_suffix('/').unwrap_or(path);
    path == "/device" || path.ends_with("/device")
}

#[cfg(test)]
mod tests {
    use super::*;

    include!("../tests/common/query_cases.rs");

    #[test]
    fn reads_and_scrubs_the_address_bar() {
        query_string_cases();
    }

    #[test]
    fn paths_that_lead_elsewhere_are_not_the_device_page() {
        for not in [
            "//evil.example/device",
            "//evil.example/device/",
            "/\\evil.example/device",
            "/\\/evil.example/device",
            "/%2F%2Fevil.example/device",
            "/%2fevil.example/device",
            "/evil%5Cexample/device",
            "/portal//device",
            "device",
        ] {
            assert!(!is_device_path(not), "{not}");
        }
    }

    #[test]
    fn knows_its_own_paths() {
        for ok in ["/device", "/device/", "/portal/device", "/portal/device/"] {
            assert!(is_device_path(ok), "{ok}");
        }
        for not in ["/", "", "/devices", "/device/x", "/foo", "/mydevice"] {
            assert!(!is_device_path(not), "{not}");
        }
    }
}
