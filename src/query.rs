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
        let mut query = Query::default();
        for (key, value) in form_urlencoded::parse(search.as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let slot = match key.as_ref() {
                "user_code" => &mut query.user_code,
                "environmentId" => &mut query.environment_id,
                "flowId" => &mut query.flow_id,
                "error" => &mut query.error,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.to_owned());
        }
        query
    }

    /// The query string with `user_code` removed, for replacing the address bar so the code is in
    /// no history entry, bookmark or `Referer`. Other parameters keep their order and encoding.
    pub fn without_user_code(search: &str) -> String {
        let search = search.strip_prefix('?').unwrap_or(search);
        let kept: Vec<&str> = search
            .split('&')
            .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("user_code"))
            .collect();
        if kept.is_empty() {
            String::new()
        } else {
            format!("?{}", kept.join("&"))
        }
    }
}

/// Whether a path is the page's own: `/device` or `/device/`, possibly below a prefix the operator
/// hosts it under (`/portal/device`).
pub fn is_device_path(path: &str) -> bool {
    let path = path.strip_suffix('/').unwrap_or(path);
    path == "/device" || path.ends_with("/device")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parameters_it_knows() {
        let q = Query::parse(
            "?user_code=gkhf%20jqbc&environmentId=env-1&flowId=f-2&other=x&error=%7B%22id%22%3A%22e%22%7D",
        );
        assert_eq!(q.error.as_deref(), Some(r#"{"id":"e"}"#));
        assert_eq!(q.user_code.as_deref(), Some("gkhf jqbc"));
        assert_eq!(q.environment_id.as_deref(), Some("env-1"));
        assert_eq!(q.flow_id.as_deref(), Some("f-2"));
    }

    #[test]
    fn plus_is_a_space_and_empty_is_absent() {
        let q = Query::parse("user_code=gkhf+jqbc&flowId=&environmentId=%20");
        assert_eq!(q.user_code.as_deref(), Some("gkhf jqbc"));
        assert_eq!(q.flow_id, None);
        assert_eq!(q.environment_id, None);
        assert_eq!(Query::parse(""), Query::default());
    }

    #[test]
    fn first_value_wins() {
        let q = Query::parse("flowId=a&flowId=b");
        assert_eq!(q.flow_id.as_deref(), Some("a"));
    }

    #[test]
    fn strips_only_the_user_code() {
        let cases = [
            ("?user_code=ABCD-EFGH", ""),
            ("", ""),
            (
                "?environmentId=e&user_code=X&flowId=f",
                "?environmentId=e&flowId=f",
            ),
            ("?user_code=X&user_code=Y&a=%20b", "?a=%20b"),
            ("?user_codex=1", "?user_codex=1"),
        ];
        for (input, want) in cases {
            assert_eq!(Query::without_user_code(input), want, "{input:?}");
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
