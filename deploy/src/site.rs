//! An operator's site: the values a recipe needs beyond the policy (host name, where the page
//! lives, PingOne's origin, icon hosts, portals). They end up inside server configuration files,
//! so each is checked to be what it claims and to hold nothing a config could misread.

use serde::Deserialize;

use crate::Error;

/// The example site the committed recipes are written for (`deploy/site.toml`).
const EXAMPLE: &str = include_str!("../site.toml");

/// The values an operator fills in.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The host name the page is served on.
    pub server_name: String,
    /// The absolute path of the built page on the server.
    pub dist: String,
    /// PingOne's origin (config.json's `authBase`).
    pub auth_base: String,
    /// Origins the application's icon may load from.
    #[serde(default)]
    pub icon_hosts: Vec<String>,
    /// Origins allowed to frame the page.
    #[serde(default)]
    pub portal_origins: Vec<String>,
    /// Plain HTTP on this address (`host:port` or `port`) behind a TLS-terminating proxy;
    /// `None`: HTTPS on 443 with a redirect from 80.
    #[serde(default)]
    pub listen: Option<String>,
    /// The folder for the access log; `None`: the server's usual one.
    #[serde(default)]
    pub log_dir: Option<String>,
}

impl Site {
    /// The placeholder site of `deploy/site.toml`.
    pub fn example() -> Result<Site, Error> {
        Site::parse(EXAMPLE, "deploy/site.toml")
    }

    /// A page served on this machine by a test double (the emulator's page listener): only the
    /// policy's origins matter, the rest are fixed local values.
    pub fn local(
        auth_base: &str,
        icon_hosts: Vec<String>,
        portal_origins: Vec<String>,
    ) -> Result<Site, Error> {
        let site = Site {
            server_name: "localhost".to_owned(),
            dist: "/".to_owned(),
            auth_base: auth_base.to_owned(),
            icon_hosts,
            portal_origins,
            listen: None,
            log_dir: None,
        };
        site.check()?;
        Ok(site)
    }

    /// Reads and checks a site file; `what` names it in errors.
    pub fn parse(text: &str, what: &str) -> Result<Site, Error> {
        let site: Site = toml::from_str(text).map_err(|source| Error::Toml {
            what: what.to_owned(),
            source,
        })?;
        site.check()?;
        Ok(site)
    }

    /// Checks every value; call it after changing fields by hand.
    pub fn check(&self) -> Result<(), Error> {
        let bad = |field: &'static str, value: &str, why: &'static str| {
            Err(Error::Site {
                field,
                value: value.to_owned(),
                why,
            })
        };
        if self.server_name.is_empty()
            || !self
                .server_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '*'))
        {
            return bad("server_name", &self.server_name, "is not a host name");
        }
        for (field, path) in [
            ("dist", Some(&self.dist)),
            ("log_dir", self.log_dir.as_ref()),
        ] {
            if let Some(path) = path
                && !plain_path(path)
            {
                return bad(
                    field,
                    path,
                    "must be an absolute path without spaces, quotes, `;`, `$`, `#` or braces",
                );
            }
        }
        if !origin(&self.auth_base, false) {
            return bad(
                "auth_base",
                &self.auth_base,
                "must be an origin: https://host[:port], no path",
            );
        }
        for (field, origins) in [
            ("icon_hosts", &self.icon_hosts),
            ("portal_origins", &self.portal_origins),
        ] {
            if let Some(wrong) = origins.iter().find(|o| !origin(o, true)) {
                return bad(
                    field,
                    wrong,
                    "must be an origin: https://host[:port] (a leading *. is allowed), no path",
                );
            }
        }
        if let Some(listen) = &self.listen
            && self.listen_parts().is_none()
        {
            return bad("listen", listen, "must be PORT or HOST:PORT");
        }
        Ok(())
    }

    /// `listen` as (host, port); the host is empty for every interface.
    pub fn listen_parts(&self) -> Option<(&str, u16)> {
        let listen = self.listen.as_deref()?;
        let (host, port) = match listen.rsplit_once(':') {
            Some((host, port)) => (host, port),
            None => ("", listen),
        };
        let host_ok = host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
        let port: u16 = port.parse().ok().filter(|p| *p > 0)?;
        host_ok.then_some((host, port))
    }
}

/// `scheme://host[:port]` with an http(s) scheme and nothing after the authority.
fn origin(value: &str, wildcard: bool) -> bool {
    let Some((scheme, authority)) = value.split_once("://") else {
        return false;
    };
    let host = match authority.strip_prefix("*.") {
        Some(rest) if wildcard => rest,
        _ => authority,
    };
    matches!(scheme, "https" | "http")
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

fn plain_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '"' | '\'' | ';' | '$' | '#' | '{' | '}' | '\\' | '`')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_valid_and_uses_placeholders() {
        let site = Site::example().expect("deploy/site.toml");
        assert!(site.server_name.ends_with("example.com"));
        assert!(site.auth_base.ends_with("example.com"));
        assert!(site.portal_origins.is_empty());
        assert_eq!(site.listen, None);
    }

    #[test]
    fn refuses_values_that_would_break_or_widen_a_recipe() {
        type Change = fn(&mut Site);
        let cases: [(&str, Change); 9] = [
            ("a path in auth_base", |s| {
                s.auth_base = "https://auth.example.com/as".into()
            }),
            ("a policy injected through auth_base", |s| {
                s.auth_base = "https://a.example.com; script-src *".into()
            }),
            ("no scheme", |s| s.auth_base = "auth.example.com".into()),
            ("a wildcard authBase", |s| {
                s.auth_base = "https://*.example.com".into()
            }),
            ("a keyword as a portal", |s| {
                s.portal_origins = vec!["'self'".into()]
            }),
            ("a relative dist", |s| s.dist = "dist".into()),
            ("an nginx variable in dist", |s| {
                s.dist = "/srv/$host".into()
            }),
            ("a server name with a space", |s| {
                s.server_name = "a.example.com b.example.com".into()
            }),
            ("a listen address without port", |s| {
                s.listen = Some("127.0.0.1:".into())
            }),
        ];
        for (what, change) in cases {
            let mut site = Site::example().expect("deploy/site.toml");
            change(&mut site);
            assert!(site.check().is_err(), "{what} was accepted");
        }
        let mut site = Site::example().expect("deploy/site.toml");
        site.icon_hosts = vec!["https://*.cdn.example.com".into()];
        site.portal_origins = vec!["https://portal.example.com:8443".into()];
        site.listen = Some("127.0.0.1:8080".into());
        site.check()
            .expect("wildcard icons, a portal with a port, a listen address");
        assert_eq!(site.listen_parts(), Some(("127.0.0.1", 8080)));
    }
}
