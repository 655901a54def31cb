//! A flow as the flow API shows it: its status, the `_links` of the actions it accepts now and
//! of the hosted sign-on, its session once the user is known, and the `_embedded` user,
//! application and scopes that status has.

use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::environment::Environment;
use crate::model::{Action, Store};

/// The flow resource, or `null` for a flow the store does not hold.
pub(crate) fn flow_json(env: &Environment, store: &Store, flow_id: &str) -> Value {
    let Some(flow) = store.flows.get(flow_id) else {
        return Value::Null;
    };
    let mut links = Map::new();
    let mut link = |key: &str, href: String| {
        links.insert(key.to_owned(), json!({ "href": href }));
    };
    link("self", env.flow_url(&flow.id));
    let mut actions: Vec<Action> = flow.status.action().into_iter().collect();
    if flow.user_id.is_some() && !flow.status.is_end() {
        actions.push(Action::SessionReset);
    }
    for action in actions {
        link(action.name(), env.action_url(&flow.id, action.name()));
    }
    link("signOnPage", env.hosted_sign_on(&flow.id));

    let mut embedded = Map::new();
    if let Some(user) = flow.user_id.as_deref().and_then(|id| env.user_by_id(id)) {
        embedded.insert(
            "user".to_owned(),
            json!({
                "id": user.id,
                "username": user.username,
                "name": {"given": user.given_name, "family": user.family_name},
            }),
        );
    }
    if flow.client_id.is_some() {
        let app = &env.application;
        embedded.insert(
            "application".to_owned(),
            json!({
                "name": app.name,
                "icon": {"id": app.icon_id, "href": app.icon_href},
            }),
        );
    }
    if let Some(device) = flow
        .device_code
        .as_ref()
        .and_then(|dc| store.devices.get(dc))
    {
        let scopes: Vec<Value> = env
            .scopes_of(&device.scopes)
            .into_iter()
            .map(|s| json!({"name": s.name, "description": s.description}))
            .collect();
        embedded.insert("scopes".to_owned(), Value::Array(scopes));
    }

    let mut body = json!({
        "_links": links,
        "id": flow.id,
        "resumeUrl": env.resume_url(&flow.id),
        "status": flow.status.as_str(),
        "createdAt": rfc3339(flow.created_at),
        "expiresAt": rfc3339(flow.expires_at),
    });
    if let Some(session_id) = &flow.session_id {
        body["session"] = json!({ "id": session_id });
    }
    if !embedded.is_empty() {
        body["_embedded"] = Value::Object(embedded);
    }
    if let Some((code, message)) = &flow.error {
        body["error"] = json!({"code": code, "message": message});
    }
    body
}
