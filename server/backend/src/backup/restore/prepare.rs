//! What a backup becomes when it is restored into a new realm: the realm's representation made
//! fit for `POST /admin/realms` on a Keycloak that may still hold the original (so every id is
//! dropped and Keycloak makes new ones; names carry every reference), the values Keycloak
//! masked taken out rather than restored as ten asterisks, and each user made to set a new
//! password. Pure: the calls that carry it out come apart.

use serde_json::Value;

use crate::backup::collect::MASKED;

/// Keys that hold an id Keycloak makes (or a reference to one) and that a new realm must not
/// reuse: the database keys are unique across realms.
const IDS: [&str; 6] = ["id", "containerId", "parentId", "flowId", "internalId", "_id"];

/// A realm ready to be created, and what a person must set again by hand.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedRealm {
    /// The representation for `POST /admin/realms`, without users.
    pub realm: Value,
    /// What was taken out, in sentences.
    pub to_set_again: Vec<String>,
}

/// Prepares `realm` (a backup's or an export's) to be created as `new_name`.
pub fn prepare_realm(realm: &Value, new_name: &str) -> PreparedRealm {
    let mut realm = realm.clone();
    let mut to_set_again = Vec::new();
    if let Some(map) = realm.as_object_mut() {
        map.remove("users");
        map.remove("federatedUsers");
        map.insert("realm".into(), Value::String(new_name.to_owned()));
    }
    // Keys of old exports (before key providers) as top-level fields: a new realm makes its
    // own, and Keycloak refuses a certificate it cannot check.
    if let Some(map) = realm.as_object_mut() {
        let legacy = ["privateKey", "publicKey", "certificate", "codeSecret"];
        if legacy.iter().filter(|k| map.remove(**k).is_some()).count() > 0 {
            to_set_again.push(
                "The realm's keys of an old export: the new realm makes new keys.".to_owned(),
            );
        }
    }
    // Key providers come back masked: a new realm makes its own keys.
    if let Some(components) = realm["components"].as_object_mut()
        && let Some(keys) = components.remove("org.keycloak.keys.KeyProvider")
    {
        let count = keys.as_array().map_or(0, Vec::len);
        if count > 0 {
            to_set_again.push(format!(
                "The realm's {count} key providers: the new realm makes new keys, so tokens \
                 signed by the old realm are not valid there."
            ));
        }
    }
    for provider in realm["identityProviders"].as_array_mut().into_iter().flatten() {
        let alias = provider["alias"].as_str().unwrap_or_default().to_owned();
        if let Some(config) = provider["config"].as_object_mut()
            && config.get("clientSecret").and_then(Value::as_str) == Some(MASKED)
        {
            config.remove("clientSecret");
            to_set_again.push(format!("The client secret of the identity provider {alias}."));
        }
    }
    if let Some(smtp) = realm["smtpServer"].as_object_mut()
        && smtp.get("password").and_then(Value::as_str) == Some(MASKED)
    {
        smtp.remove("password");
        to_set_again.push("The mail server's password.".to_owned());
    }
    let masked = drop_masked(&mut realm);
    if masked > 0 {
        to_set_again.push(format!("Other values Keycloak masked in the backup: {masked}."));
    }
    let flows = new_flow_ids(&realm);
    drop_ids(&mut realm);
    follow_flows(&mut realm, &flows, &mut to_set_again);
    PreparedRealm { realm, to_set_again }
}

/// Each flow's id and alias, with the new id it gets: clients name the flows that override
/// theirs by id, so the new realm's flows get ids of their own that the clients follow.
fn new_flow_ids(realm: &Value) -> Vec<(String, String, String)> {
    let flows = realm["authenticationFlows"].as_array().into_iter().flatten();
    flows
        .filter_map(|flow| {
            let (id, alias) = (flow["id"].as_str()?, flow["alias"].as_str()?);
            Some((id.to_owned(), alias.to_owned(), uuid::Uuid::new_v4().to_string()))
        })
        .collect()
}

/// Gives the flows their new ids and points each client's overrides at them; an override
/// naming a flow the backup does not hold is dropped and said.
fn follow_flows(realm: &mut Value, flows: &[(String, String, String)], said: &mut Vec<String>) {
    for flow in realm["authenticationFlows"].as_array_mut().into_iter().flatten() {
        if let Some((_, _, new)) = flows.iter().find(|(_, alias, _)| flow["alias"] == *alias) {
            flow["id"] = Value::String(new.clone());
        }
    }
    for client in realm["clients"].as_array_mut().into_iter().flatten() {
        let name = client["clientId"].as_str().unwrap_or_default().to_owned();
        let Some(overrides) = client["authenticationFlowBindingOverrides"].as_object_mut() else {
            continue;
        };
        overrides.retain(|binding, id| {
            match flows.iter().find(|(old, _, _)| id.as_str() == Some(old)) {
                Some((_, _, new)) => {
                    *id = Value::String(new.clone());
                    true
                }
                None => {
                    said.push(format!("The {binding} flow override of the client {name}."));
                    false
                }
            }
        });
    }
}

/// A user ready to be imported into the new realm: without its id and credentials, and made
/// to set a new password at the next sign-in (the backup holds no password), unless it is a
/// service account.
pub fn prepare_user(user: &Value) -> Value {
    let mut user = user.clone();
    if let Some(map) = user.as_object_mut() {
        map.remove("credentials");
        map.remove("federationLink");
        let mut actions: Vec<Value> =
            map.get("requiredActions").and_then(Value::as_array).cloned().unwrap_or_default();
        // A service account signs in with its client's secret, never with a password.
        let service_account = map.contains_key("serviceAccountClientId");
        if !service_account && !actions.iter().any(|a| a == "UPDATE_PASSWORD") {
            actions.push(Value::String("UPDATE_PASSWORD".into()));
        }
        map.insert("requiredActions".into(), Value::Array(actions));
    }
    drop_ids(&mut user);
    user
}

/// Removes every id key, at every depth.
pub(crate) fn drop_ids(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in IDS {
                map.remove(key);
            }
            map.values_mut().for_each(drop_ids);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_ids),
        _ => {}
    }
}

/// Removes every masked value left, at every depth (a component's config holds lists of
/// strings); returns how many.
pub(crate) fn drop_masked(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let masked: Vec<String> =
                map.iter().filter(|(_, v)| is_masked(v)).map(|(k, _)| k.clone()).collect();
            for key in &masked {
                map.remove(key);
            }
            masked.len() + map.values_mut().map(drop_masked).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(drop_masked).sum(),
        _ => 0,
    }
}

fn is_masked(value: &Value) -> bool {
    match value {
        Value::String(s) => s == MASKED,
        Value::Array(items) => {
            !items.is_empty() && items.iter().all(|i| i.as_str() == Some(MASKED))
        }
        _ => false,
    }
}
