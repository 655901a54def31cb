//! The environment as it runs: the configuration with every value that follows the listeners
//! worked out once, at start, into plain values, plus the URLs the emulator hands out. Handlers
//! read it and never decide again what a setting meant.

use crate::clock::secs;
use crate::config::{Config, DEMO_PAGE_ORIGIN, Link, Scope, SessionCookie, User, UserCodeCharset};
use crate::request::with_query;

/// Where the API listener serves the demo application's icon.
pub(crate) const ICON_PATH: &str = "/assets/living-room-tv.svg";

/// The environment in effect: [`Config`] resolved against the bound listeners.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// The UUID in every regional PingOne path.
    pub environment_id: String,
    /// Signs the access and ID tokens (HS256).
    pub signing_key: String,
    /// What user codes are made of.
    pub user_code_charset: UserCodeCharset,
    /// A flow left alone this long is gone.
    pub flow_idle: time::Duration,
    /// A session left alone this long is gone.
    pub session_idle: time::Duration,
    /// How long issued tokens are valid.
    pub token_lifetime: time::Duration,
    /// How many wrong user codes lock a flow.
    pub max_user_code_attempts: u32,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// The most flows, sessions and device authorizations held at once.
    pub max_flows: usize,
    /// See `max_flows`.
    pub max_sessions: usize,
    /// See `max_flows`.
    pub max_devices: usize,
    /// What a peer other than this computer presents to the test hooks
    /// (`Authorization: Bearer …`): the configured one, or one made at start.
    pub hook_token: String,
    /// Name and attributes of the session cookie.
    pub session_cookie: SessionCookie,
    /// The application, every value worked out.
    pub application: ResolvedApplication,
    /// Who can sign on.
    pub users: Vec<User>,
    /// `http://host:port` of the API listener: the `{authBase}` of every PingOne URL.
    pub api_url: String,
    /// `http://host:port` of the page listener, if there is one.
    pub page_url: Option<String>,
    /// The origins that may frame the page listener's page.
    pub portal_origins: Vec<String>,
    /// `http://host:port` of the hosted sign-on's host: the apps listener (PingOne's
    /// `apps.pingone.<region>`), or on a custom domain the API listener itself.
    pub apps_url: String,
    /// No environment id in any path (a PingOne custom domain).
    pub custom_domain: bool,
    /// Action links have URLs of their own, and actions are accepted only there.
    pub action_links_distinct: bool,
    /// Keys added to the page's `config.json`.
    pub page_settings: serde_json::Map<String, serde_json::Value>,
}

/// The device-grant application with nothing left to follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedApplication {
    /// Shown to the user before consent.
    pub name: String,
    /// The OAuth client id.
    pub client_id: String,
    /// `devicePathId`.
    pub device_path_id: String,
    /// The icon's id.
    pub icon_id: String,
    /// The icon's URL.
    pub icon_href: String,
    /// The scopes the application may request, with the text shown at consent.
    pub scopes: Vec<Scope>,
    /// `loginPageUrl`; `None` sends the hand-off to PingOne's hosted sign-on.
    pub login_page_url: Option<String>,
    /// The origins CORS answers (none: `ALLOW_NO_ORIGINS`).
    pub cors_origins: Vec<String>,
    /// `verification_uri` as devices receive it.
    pub verification_uri: String,
    /// `deviceTimeout`, seconds.
    pub device_timeout: u64,
    /// `devicePollingInterval`, seconds.
    pub device_polling_interval: u64,
}

impl Environment {
    /// Works out every value of `config` that follows the listeners: the API at `api_url`, the
    /// page at `page_url`, the hosted sign-on at `apps_url` (the API's own on a custom domain).
    pub(crate) fn resolve(
        config: Config,
        api_url: String,
        page_url: Option<String>,
        apps_url: Option<String>,
    ) -> Environment {
        let app = config.application;
        let page_origin = page_url.as_deref().unwrap_or(DEMO_PAGE_ORIGIN);
        let login_page_url = match app.login_page_url {
            Link::Automatic => Some(format!("{page_origin}/device")),
            Link::Off => None,
            Link::Url(url) => Some(url),
        };
        let base_path = base_path(config.custom_domain, &config.environment_id);
        let own_verification_uri = format!("{api_url}{base_path}/device/{}", app.device_path_id);
        let verification_uri = match (app.device_custom_verification_uri, &page_url) {
            (Link::Url(url), _) => url,
            (Link::Automatic, Some(page)) => format!("{page}/device"),
            (Link::Automatic, None) | (Link::Off, _) => own_verification_uri,
        };
        let application = ResolvedApplication {
            name: app.name,
            client_id: app.client_id,
            device_path_id: app.device_path_id,
            icon_id: app.icon_id,
            icon_href: app
                .icon_href
                .unwrap_or_else(|| format!("{api_url}{ICON_PATH}")),
            scopes: app.scopes,
            login_page_url,
            cors_origins: app
                .cors_origins
                .unwrap_or_else(|| vec![page_origin.to_owned()]),
            verification_uri,
            device_timeout: app.device_timeout,
            device_polling_interval: app.device_polling_interval,
        };
        Environment {
            environment_id: config.environment_id,
            signing_key: config.signing_key,
            user_code_charset: config.user_code_charset,
            flow_idle: secs(config.flow_idle_timeout),
            session_idle: secs(config.session_idle_timeout),
            token_lifetime: secs(config.access_token_lifetime),
            max_user_code_attempts: config.max_user_code_attempts,
            max_body_bytes: config.max_body_bytes,
            max_flows: config.max_flows,
            max_sessions: config.max_sessions,
            max_devices: config.max_devices,
            hook_token: config.hook_token.unwrap_or_else(crate::codes::opaque_token),
            session_cookie: config.session_cookie,
            application,
            users: config.users,
            apps_url: match apps_url {
                Some(apps) if !config.custom_domain => apps,
                _ => api_url.clone(),
            },
            api_url,
            page_url,
            portal_origins: config.portal_origins,
            custom_domain: config.custom_domain,
            action_links_distinct: config.action_links_distinct,
            page_settings: config.page_settings,
        }
    }

    /// `{base}`: `{authBase}/{envId}`, or `{authBase}` on a custom domain. Every PingOne URL
    /// of this environment starts with it.
    pub fn base(&self) -> String {
        format!("{}{}", self.api_url, self.base_path())
    }

    /// The path prefix of every PingOne route: `/{envId}`, or nothing on a custom domain.
    pub(crate) fn base_path(&self) -> String {
        base_path(self.custom_domain, &self.environment_id)
    }

    /// The application addressed by `/device/{identifier}`: client id or path id.
    pub(crate) fn app_matches(&self, identifier: &str) -> bool {
        let app = &self.application;
        identifier == app.client_id || identifier == app.device_path_id
    }

    pub(crate) fn user_by_id(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The configured scopes among `names`, in the application's order.
    pub(crate) fn scopes_of(&self, names: &[String]) -> Vec<&Scope> {
        self.application
            .scopes
            .iter()
            .filter(|s| names.contains(&s.name))
            .collect()
    }

    /// A `Set-Cookie` value for the session cookie: `token`, or `None` to clear it.
    pub(crate) fn set_cookie(&self, token: Option<&str>) -> String {
        let c = &self.session_cookie;
        let mut value = format!(
            "{}={}; Path=/; HttpOnly; SameSite={}",
            c.name,
            token.unwrap_or_default(),
            c.same_site
        );
        if c.secure {
            value.push_str("; Secure");
        }
        if token.is_none() {
            value.push_str("; Max-Age=0");
        }
        value
    }

    /// A flow's URL.
    pub(crate) fn flow_url(&self, flow_id: &str) -> String {
        format!("{}/flows/{flow_id}", self.base())
    }

    /// Where a flow takes `action`: the flow's URL, or with `action_links_distinct` its own.
    pub(crate) fn action_url(&self, flow_id: &str, action: &str) -> String {
        let flow = self.flow_url(flow_id);
        if self.action_links_distinct {
            with_query(&flow, &[("action", action)])
        } else {
            flow
        }
    }

    /// Where a flow hands the browser back once it ends.
    pub(crate) fn resume_url(&self, flow_id: &str) -> String {
        with_query(
            &format!("{}/as/resume", self.base()),
            &[("flowId", flow_id)],
        )
    }

    /// PingOne's hosted sign-on: `{apps}/{envId}/signon/`, or `{authBase}/signon/` on a
    /// custom domain.
    pub fn hosted_sign_on_page(&self) -> String {
        format!("{}{}/signon/", self.apps_url, self.base_path())
    }

    /// The hosted sign-on for a flow.
    pub(crate) fn hosted_sign_on(&self, flow_id: &str) -> String {
        with_query(&self.hosted_sign_on_page(), &[("flowId", flow_id)])
    }
}

fn base_path(custom_domain: bool, environment_id: &str) -> String {
    if custom_domain {
        String::new()
    } else {
        format!("/{environment_id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: &str = "http://127.0.0.1:1";

    #[test]
    fn automatic_values_follow_the_page_listener() {
        let env = Environment::resolve(
            Config::demo(),
            API.to_owned(),
            Some("http://127.0.0.1:2".to_owned()),
            None,
        );
        let app = &env.application;
        assert_eq!(
            app.login_page_url.as_deref(),
            Some("http://127.0.0.1:2/device")
        );
        assert_eq!(app.cors_origins, ["http://127.0.0.1:2"]);
        assert_eq!(app.verification_uri, "http://127.0.0.1:2/device");
        assert_eq!(
            app.icon_href,
            "http://127.0.0.1:1/assets/living-room-tv.svg"
        );
    }

    #[test]
    fn without_a_page_listener_the_demo_origin_and_pingones_own_uri() {
        let env = Environment::resolve(Config::demo(), API.to_owned(), None, None);
        let app = &env.application;
        assert_eq!(
            app.login_page_url.as_deref(),
            Some("http://127.0.0.1:8080/device")
        );
        assert_eq!(app.cors_origins, [DEMO_PAGE_ORIGIN]);
        assert_eq!(
            app.verification_uri,
            format!("{API}/{}/device/tv", env.environment_id)
        );
    }

    #[test]
    fn given_and_switched_off_values_win() {
        let mut config = Config::demo();
        config.application.login_page_url = Link::Off;
        config.application.device_custom_verification_uri =
            Link::Url("https://tv.example/activate".to_owned());
        config.application.cors_origins = Some(Vec::new());
        config.application.icon_href = Some("https://cdn.example/tv.png".to_owned());
        let env =
            Environment::resolve(config, API.to_owned(), Some("http://page".to_owned()), None);
        let app = &env.application;
        assert_eq!(app.login_page_url, None);
        assert_eq!(app.verification_uri, "https://tv.example/activate");
        assert!(app.cors_origins.is_empty());
        assert_eq!(app.icon_href, "https://cdn.example/tv.png");

        let mut config = Config::demo();
        config.application.device_custom_verification_uri = Link::Off;
        let env =
            Environment::resolve(config, API.to_owned(), Some("http://page".to_owned()), None);
        assert!(env.application.verification_uri.ends_with("/device/tv"));
    }

    #[test]
    fn a_custom_domain_drops_the_environment_id_from_every_url() {
        let apps = Some("http://127.0.0.1:3".to_owned());
        let env = Environment::resolve(Config::demo(), API.to_owned(), None, apps.clone());
        let id = env.environment_id.clone();
        assert_eq!(env.base(), format!("{API}/{id}"));
        assert_eq!(env.flow_url("f"), format!("{API}/{id}/flows/f"));
        assert_eq!(
            env.hosted_sign_on("f"),
            format!("http://127.0.0.1:3/{id}/signon/?flowId=f")
        );

        let mut config = Config::demo();
        config.custom_domain = true;
        config.action_links_distinct = true;
        let env = Environment::resolve(config, API.to_owned(), None, apps);
        assert_eq!(env.base(), API);
        assert_eq!(env.flow_url("f"), format!("{API}/flows/f"));
        assert_eq!(
            env.action_url("f", "userCode.verify"),
            format!("{API}/flows/f?action=userCode.verify")
        );
        assert_eq!(env.resume_url("f"), format!("{API}/as/resume?flowId=f"));
        assert_eq!(env.hosted_sign_on("f"), format!("{API}/signon/?flowId=f"));
        assert_eq!(env.application.verification_uri, format!("{API}/device/tv"));
    }
}
