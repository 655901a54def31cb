//! A flow as the flow API shows it: its status, the `_links` of the actions it accepts now, and
//! the `_embedded` user, application and scopes that status has.

use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::environment::Environment;
use crate::model::{Action, Store};

/// The flow resource, or `null` for a flow the store does not hold.
pub(crate) fn flow_json(env: &Environment, store: &Store, flow_id: &str) -> Value {
    let Some(flow) = store.flows.get(flow_id) else {
        return Value::Null;
    };
    let href = env.flow_url(&flow.id);
    let mut links = Map::new();
    links.insert("self".to_owned(), json!({"href": href}));
    if let Some(action) = flow.status.action() {
        links.insert(action.name().to_owned(), json!({"href": href}));
    }
    if flow.user_id.is_some() && !flow.status.is_end() {
        links.insert(
            Action::SessionReset.name().to_owned(),
            json!({"href": href}),
        );
    }

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
        "session": {"id": flow.session_id},
        "resumeUrl": env.resume_url(&flow.id),
        "status": flow.status.as_str(),
        "createdAt": rfc3339(flow.created_at),
        "expiresAt": rfc3339(flow.expires_at),
    });
    if !embedded.is_empty() {
        body["_embedded"] = Value::Object(embedded);
    }
    if let Some((code, message)) = &flow.error {
        body["error"] = json!({"code": code, "message": message});
    }
    body
}
