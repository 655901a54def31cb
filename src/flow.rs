//! PingOne's flow resource (`GET /{envId}/flows/{flowId}`), read tolerantly: unknown fields are
//! ignored and an unknown status is kept as text, never an error, because PingOne may add both.

use serde::Deserialize;

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

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Status::from_wire(&s))
    }
}

/// The parts of a flow the page uses.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flow {
    /// The flow id.
    pub id: String,
    /// What PingOne asks next.
    pub status: Status,
    /// Where PingOne would continue once the flow completes.
    #[serde(default)]
    pub resume_url: Option<String>,
    /// When the flow expires if nothing happens (RFC 3339).
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Who and what the flow is about.
    #[serde(default, rename = "_embedded")]
    pub embedded: Embedded,
    /// Why a `FAILED` flow failed, when PingOne says.
    #[serde(default)]
    pub error: Option<FlowError>,
}

/// `_embedded`: the user, the application, the scopes asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Embedded {
    /// The signed-on user, once known.
    #[serde(default)]
    pub user: Option<User>,
    /// The application (the device's client) asking for access.
    #[serde(default)]
    pub application: Option<Application>,
    /// The scopes the device asks for, while consent is required.
    #[serde(default)]
    pub scopes: Vec<Scope>,
}

/// A PingOne user as the flow embeds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct User {
    /// The username.
    #[serde(default)]
    pub username: Option<String>,
    /// Given and family name.
    #[serde(default)]
    pub name: Option<Name>,
}

/// A person's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Name {
    /// Given name.
    #[serde(default)]
    pub given: Option<String>,
    /// Family name.
    #[serde(default)]
    pub family: Option<String>,
}

impl User {
    /// How to name the person: full name, else username.
    pub fn display_name(&self) -> Option<String> {
        let name = self.name.as_ref();
        let parts: Vec<&str> = [
            name.and_then(|n| n.given.as_deref()),
            name.and_then(|n| n.family.as_deref()),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
        if parts.is_empty() {
            self.username.clone().filter(|u| !u.trim().is_empty())
        } else {
            Some(parts.join(" "))
        }
    }
}

/// The application asking for access.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Application {
    /// Its name, as configured in PingOne.
    #[serde(default)]
    pub name: Option<String>,
    /// Its icon.
    #[serde(default)]
    pub icon: Option<Icon>,
}

/// An application icon.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Icon {
    /// Where the image is.
    #[serde(default)]
    pub href: Option<String>,
}

impl Application {
    /// The icon's address, only when it is an absolute http(s) URL.
    pub fn icon_url(&self) -> Option<&str> {
        let href = self.icon.as_ref()?.href.as_deref()?;
        (href.starts_with("https://") || href.starts_with("http://")).then_some(href)
    }
}

/// A scope the device asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Scope {
    /// The scope's name (`openid`).
    pub name: String,
    /// What it lets the device do, in words.
    #[serde(default)]
    pub description: Option<String>,
}

/// A flow's own error, on `FAILED`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct FlowError {
    /// PingOne's code, e.g. `ACCESS_DENIED`.
    #[serde(default)]
    pub code: Option<String>,
}

impl Flow {
    /// Parses a flow resource.
    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
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
        let app = flow.embedded.application.as_ref().expect("application");
        assert_eq!(app.name.as_deref(), Some("Living-room TV"));
        assert_eq!(app.icon_url(), Some("https://cdn.example/logo.png"));
        assert_eq!(flow.embedded.scopes.len(), 2);
        assert_eq!(flow.embedded.scopes[1].description, None);
        let user = flow.embedded.user.as_ref().expect("user");
        assert_eq!(user.display_name().as_deref(), Some("Ada Lovelace"));
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
        let flow = Flow::parse(r#"{"id":"f","status":"COMPLETED"}"#).expect("parses");
        assert_eq!(flow.embedded, Embedded::default());
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

    #[test]
    fn names_people_sensibly() {
        let user = |given: Option<&str>, family: Option<&str>, username: Option<&str>| User {
            username: username.map(Into::into),
            name: Some(Name {
                given: given.map(Into::into),
                family: family.map(Into::into),
            }),
        };
        assert_eq!(
            user(Some("Ada"), None, Some("ada"))
                .display_name()
                .as_deref(),
            Some("Ada")
        );
        assert_eq!(
            user(None, None, Some("ada")).display_name().as_deref(),
            Some("ada")
        );
        assert_eq!(user(Some(" "), None, None).display_name(), None);
    }

    #[test]
    fn only_web_icons() {
        let app = |href: &str| Application {
            name: None,
            icon: Some(Icon {
                href: Some(href.into()),
            }),
        };
        assert_eq!(app("javascript:alert(1)").icon_url(), None);
        assert_eq!(app("data:image/png;base64,xx").icon_url(), None);
        assert_eq!(app("https://x/y.png").icon_url(), Some("https://x/y.png"));
    }
}
