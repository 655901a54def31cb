//! PingOne's flow resource (`GET /{envId}/flows/{flowId}`), read tolerantly: unknown fields are
//! ignored and an unknown status is kept as text, never an error, because PingOne may add both.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::json::{List, Obj, Text, decode};

/// Where a flow stands: what PingOne asks of the person next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Sign on with username and password.
    UsernamePasswordRequired,
    /// Confirm the code shown on the device.
    UserCodeRequired,
    /// Allow or deny the device.
    ConsentRequired,
    /// Done: the device is authorised.
    Completed,
    /// The flow ended without success (consent refused, for one).
    Failed,
    /// Any other step a sign-on policy can produce (MFA, password change, …), known or not.
    Other(String),
}

impl Status {
    /// Reads PingOne's status string.
    pub fn from_wire(status: &str) -> Self {
        match status {
            "USERNAME_PASSWORD_REQUIRED" => Status::UsernamePasswordRequired,
            "DAG_USER_CODE_REQUIRED" => Status::UserCodeRequired,
            "DAG_CONSENT_REQUIRED" => Status::ConsentRequired,
            "COMPLETED" => Status::Completed,
            "FAILED" => Status::Failed,
            other => Status::Other(other.to_owned()),
        }
    }
}

/// The parts of a flow the page uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// The flow id.
    pub id: String,
    /// What PingOne asks next.
    pub status: Status,
    /// Where PingOne would continue once the flow completes.
    pub resume_url: Option<String>,
    /// When the flow expires if nothing happens (RFC 3339).
    pub expires_at: Option<String>,
    /// The signed-on user's name (full name, else username), once known.
    pub user: Option<String>,
    /// The application (the device's client) asking for access.
    pub application: Option<String>,
    /// The application's icon, only when it is an absolute http(s) URL.
    pub icon: Option<String>,
    /// What the device asks to do: each scope's description, else its name.
    pub scopes: Vec<String>,
    /// Why a `FAILED` flow failed, when PingOne says (`ACCESS_DENIED`).
    pub error_code: Option<String>,
    /// The HAL links PingOne sent (`self`, one per action it accepts now, `signOnPage`), by name.
    pub links: Vec<(String, String)>,
}

impl Flow {
    /// The `href` of a link by name.
    pub fn link(&self, name: &str) -> Option<&str> {
        self.links
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, href)| href.as_str())
    }
}

/// Why a response body is not a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAFlow;

/// The flow resource as PingOne sends it: only `id` and `status` are required; every other field
/// is read when present and of the expected type.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    id: Text,
    status: Text,
    #[serde(default)]
    resume_url: Text,
    #[serde(default)]
    expires_at: Text,
    #[serde(default, rename = "_embedded")]
    embedded: Obj<Embedded>,
    #[serde(default)]
    error: Obj<Named>,
    #[serde(default, rename = "_links")]
    links: Links,
}

/// `_links`: an object of named `{href}` entries; entries without an `href` are skipped.
#[derive(Default)]
struct Links(Vec<(String, String)>);

#[derive(Default, Deserialize)]
#[serde(default)]
struct Href {
    href: Text,
}

impl<'de> Deserialize<'de> for Links {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Vec<(String, String)>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of links")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut links = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    if let Obj(Some(Href {
                        href: Text(Some(href)),
                    })) = map.next_value()?
                    {
                        links.push((name, href));
                    }
                }
                Ok(links)
            }
        }
        Ok(Links(d.deserialize_map(Entries).unwrap_or_default()))
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Embedded {
    user: Obj<User>,
    application: Obj<Application>,
    scopes: List<Scope>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct User {
    username: Text,
    name: Obj<Name>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Name {
    given: Text,
    family: Text,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Application {
    name: Text,
    icon: Obj<Icon>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Icon {
    href: Text,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Scope {
    name: Text,
    description: Text,
}

/// Anything with a `code` (the flow's `error`).
#[derive(Default, Deserialize)]
#[serde(default)]
struct Named {
    code: Text,
}

impl Flow {
    /// Parses a flow resource. Only `id` and `status` are required; every other field is read
    /// when present and of the expected type, and ignored otherwise.
    pub fn parse(json: &str) -> Result<Self, NotAFlow> {
        let Obj(Some(wire)) = decode::<Obj<Wire>>(json).map_err(|_| NotAFlow)? else {
            return Err(NotAFlow);
        };
        let (Text(Some(id)), Text(Some(status))) = (wire.id, wire.status) else {
            return Err(NotAFlow);
        };
        let embedded = wire.embedded.0.unwrap_or_default();
        let user = embedded.user.0.and_then(|user| {
            let name = user.name.0.unwrap_or_default();
            let parts: Vec<String> = [name.given.0, name.family.0]
                .into_iter()
                .flatten()
                .collect();
            if parts.is_empty() {
                user.username.0
            } else {
                Some(parts.join(" "))
            }
        });
        let application = embedded.application.0.unwrap_or_default();
        let icon = application
            .icon
            .0
            .and_then(|icon| icon.href.0)
            .filter(|href| href.starts_with("https://") || href.starts_with("http://"));
        let scopes = embedded
            .scopes
            .0
            .into_iter()
            .filter_map(|s| s.description.0.or(s.name.0))
            .collect();
        Ok(Flow {
            id,
            status: Status::from_wire(&status),
            resume_url: wire.resume_url.0,
            expires_at: wire.expires_at.0,
            user,
            application: application.name.0,
            icon,
            scopes,
            error_code: wire.error.0.and_then(|e| e.code.0),
            links: wire.links.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONSENT: &str = r#"{
      "_links": {"self": {"href": "https://auth.pingone.com/e/flows/f"},
                 "deviceAuthGrant.consent": {"href": "https://auth.pingone.com/e/flows/f"}},
      "id": "f", "session": {"id": "s"}, "resumeUrl": "https://auth.pingone.com/e/as/resume?flowId=f",
      "status": "DAG_CONSENT_REQUIRED", "createdAt": "2026-11-28T18:24:57.154Z",
      "expiresAt": "2026-11-28T18:40:17.259Z", "somethingNew": [1, 2],
      "_embedded": {
        "user": {"id": "u", "username": "ada", "name": {"given": "Ada", "family": "Lovelace"}},
        "application": {"name": "Living-room TV", "icon": {"id": "i", "href": "https://cdn.example/logo.png"}},
        "scopes": [{"name": "openid", "description": "Know who you are"}, {"name": "profile"}]
      }
    }"#;

    #[test]
    fn reads_a_consent_flow_and_ignores_the_rest() {
        let flow = Flow::parse(CONSENT).expect("parses");
        assert_eq!(flow.id, "f");
        assert_eq!(flow.status, Status::ConsentRequired);
        assert_eq!(flow.expires_at.as_deref(), Some("2026-11-28T18:40:17.259Z"));
        assert_eq!(
            flow.resume_url.as_deref(),
            Some("https://auth.pingone.com/e/as/resume?flowId=f")
        );
        assert_eq!(flow.application.as_deref(), Some("Living-room TV"));
        assert_eq!(flow.icon.as_deref(), Some("https://cdn.example/logo.png"));
        assert_eq!(
            flow.scopes,
            vec!["Know who you are".to_owned(), "profile".to_owned()]
        );
        assert_eq!(flow.user.as_deref(), Some("Ada Lovelace"));
    }

    #[test]
    fn reads_the_links_by_name() {
        let flow = Flow::parse(CONSENT).expect("parses");
        assert_eq!(
            flow.link("self"),
            Some("https://auth.pingone.com/e/flows/f")
        );
        assert_eq!(
            flow.link("deviceAuthGrant.consent"),
            Some("https://auth.pingone.com/e/flows/f")
        );
        assert_eq!(flow.link("userCode.verify"), None);
        let odd = Flow::parse(
            r#"{"id":"f","status":"X","_links":{"self":{"href":7},"a":"b","signOnPage":{"href":" https://apps.x/s "}}}"#,
        )
        .expect("parses");
        assert_eq!(
            odd.links,
            vec![("signOnPage".to_owned(), "https://apps.x/s".to_owned())]
        );
        let none = Flow::parse(r#"{"id":"f","status":"X","_links":[1]}"#).expect("parses");
        assert!(none.links.is_empty());
    }

    #[test]
    fn every_status_reads_and_unknown_ones_are_kept() {
        let cases = [
            (
                "USERNAME_PASSWORD_REQUIRED",
                Status::UsernamePasswordRequired,
            ),
            ("DAG_USER_CODE_REQUIRED", Status::UserCodeRequired),
            ("DAG_CONSENT_REQUIRED", Status::ConsentRequired),
            ("COMPLETED", Status::Completed),
            ("FAILED", Status::Failed),
            ("OTP_REQUIRED", Status::Other("OTP_REQUIRED".into())),
            (
                "SOMETHING_PINGONE_ADDS_LATER",
                Status::Other("SOMETHING_PINGONE_ADDS_LATER".into()),
            ),
        ];
        for (wire, want) in cases {
            let flow = Flow::parse(&format!(r#"{{"id":"f","status":"{wire}"}}"#)).expect(wire);
            assert_eq!(flow.status, want);
        }
    }

    #[test]
    fn a_minimal_flow_is_enough() {
        let flow =
            Flow::parse(r#"{"id":"f","status":"COMPLETED","_embedded":{"scopes":"not a list"}}"#)
                .expect("parses");
        assert_eq!((flow.user, flow.application, flow.icon), (None, None, None));
        assert!(flow.scopes.is_empty());
        assert_eq!(flow.resume_url, None);
    }

    #[test]
    fn rejects_what_is_not_a_flow() {
        for bad in [
            "",
            "{",
            "[]",
            r#"{"status":"COMPLETED"}"#,
            r#"{"id":"f"}"#,
            r#"{"id":"f","status":3}"#,
        ] {
            assert!(Flow::parse(bad).is_err(), "{bad:?}");
        }
    }

    fn with_user(user: &str) -> Option<String> {
        Flow::parse(&format!(
            r#"{{"id":"f","status":"X","_embedded":{{"user":{user}}}}}"#
        ))
        .expect("parses")
        .user
    }

    #[test]
    fn names_people_sensibly() {
        assert_eq!(
            with_user(r#"{"username":"ada","name":{"given":"Ada"}}"#).as_deref(),
            Some("Ada")
        );
        assert_eq!(
            with_user(r#"{"username":"ada","name":{"given":" "}}"#).as_deref(),
            Some("ada")
        );
        assert_eq!(with_user(r#"{"name":{}}"#), None);
    }

    #[test]
    fn only_web_icons() {
        let icon = |href: &str| {
            Flow::parse(&format!(
                r#"{{"id":"f","status":"X","_embedded":{{"application":{{"icon":{{"href":"{href}"}}}}}}}}"#
            ))
            .expect("parses")
            .icon
        };
        assert_eq!(icon("javascript:alert(1)"), None);
        assert_eq!(icon("data:image/png;base64,xx"), None);
        assert_eq!(icon("https://x/y.png").as_deref(), Some("https://x/y.png"));
    }
}
