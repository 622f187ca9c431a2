//! A backup made ready for a new realm: no id left anywhere, no masked value restored as
//! asterisks, users made to set a password; on hand-made cases and on every shared export.

use serde_json::{Value, json};

use super::prepare::{prepare_realm, prepare_user};
use crate::backup::collect::MASKED;
use crate::backup::export_file::realms_in;
use crate::shared_data;

/// Whether `key` appears at any depth of `value`.
fn has_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

/// Whether an id of the backup is left: the flows' ids are new ones the clients follow.
fn has_old_id(prepared: &Value, original: &Value) -> bool {
    let mut rest = prepared.clone();
    let flows = rest.as_object_mut().and_then(|m| m.remove("authenticationFlows"));
    let old: Vec<&Value> = original["authenticationFlows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("id"))
        .collect();
    let reused = flows
        .iter()
        .flat_map(|f| f.as_array().cloned().unwrap_or_default())
        .any(|f| f.get("id").is_some_and(|id| old.contains(&id)));
    reused || has_key(&rest, "id")
}

fn has_masked(value: &Value) -> bool {
    match value {
        Value::String(s) => s == MASKED,
        Value::Object(map) => map.values().any(has_masked),
        Value::Array(items) => items.iter().any(has_masked),
        _ => false,
    }
}

#[test]
fn a_prepared_realm_has_its_new_name_no_ids_and_no_masked_values_and_says_what_to_set() {
    let realm = json!({
        "id": "r-1", "realm": "acme", "users": [{ "username": "ann" }],
        "clients": [{ "id": "c-1", "clientId": "crm", "secret": "real",
                      "protocolMappers": [{ "id": "m-1", "name": "email" }] }],
        "identityProviders": [{ "alias": "google", "config": { "clientSecret": MASKED } }],
        "smtpServer": { "host": "mail", "password": MASKED },
        "components": {
            "org.keycloak.keys.KeyProvider": [{ "id": "k", "config": { "privateKey": [MASKED] } }],
            "org.keycloak.storage.UserStorageProvider": [{
                "id": "l", "parentId": "r-1", "config": { "bindCredential": [MASKED] } }],
        },
    });
    let prepared = prepare_realm(&realm, "acme-restored");
    assert_eq!(prepared.realm["realm"], "acme-restored");
    assert!(prepared.realm.get("users").is_none());
    assert!(!has_old_id(&prepared.realm, &realm) && !has_key(&prepared.realm, "parentId"));
    assert!(!has_masked(&prepared.realm), "{}", prepared.realm);
    assert_eq!(prepared.realm["clients"][0]["secret"], "real", "a real secret is kept");
    assert_eq!(prepared.realm["smtpServer"]["host"], "mail");
    let said = prepared.to_set_again.join(" ");
    for part in ["google", "mail server", "key providers", "masked in the backup: 1"] {
        assert!(said.contains(part), "{part}: {said}");
    }
}

#[test]
fn a_prepared_user_keeps_its_access_and_must_set_a_password() {
    let user = json!({
        "id": "u-1", "username": "ann", "requiredActions": ["VERIFY_EMAIL"],
        "credentials": [{ "type": "password", "hashedSaltedValue": "x" }],
        "groups": ["/Sales"], "realmRoles": ["auditor"], "clientRoles": { "crm": ["editor"] },
    });
    let prepared = prepare_user(&user);
    assert!(prepared.get("id").is_none() && prepared.get("credentials").is_none());
    assert_eq!(prepared["requiredActions"], json!(["VERIFY_EMAIL", "UPDATE_PASSWORD"]));
    assert_eq!(prepared["groups"], json!(["/Sales"]));
    assert_eq!(prepare_user(&prepared)["requiredActions"], prepared["requiredActions"], "once");
}

#[test]
fn every_shared_export_prepares_without_an_id_or_a_masked_value_left() {
    let Some(dir) = shared_data::folder("keycloak-realms") else { return };
    let mut prepared_realms = 0;
    for file in shared_data::json_files(&dir) {
        let Ok(realms) = realms_in(&std::fs::read(&file).unwrap()) else { continue };
        for realm in realms {
            let prepared = prepare_realm(&realm, "restored");
            let shown = file.display();
            assert!(!has_old_id(&prepared.realm, &realm), "{shown}: an id is left");
            assert!(!has_masked(&prepared.realm), "{shown}: a masked value is left");
            assert_eq!(prepared.realm["realm"], "restored", "{shown}");
            for user in realm["users"].as_array().into_iter().flatten() {
                let user = prepare_user(user);
                assert!(!has_key(&user, "id") && user.get("credentials").is_none(), "{shown}");
            }
            prepared_realms += 1;
        }
    }
    assert!(prepared_realms >= 5, "{prepared_realms} realms prepared");
}

#[test]
fn a_client_overriding_a_flow_follows_it_to_its_new_id() {
    let realm = json!({
        "realm": "acme",
        "authenticationFlows": [{ "id": "f-1", "alias": "strict browser" }],
        "clients": [{ "clientId": "crm", "authenticationFlowBindingOverrides":
                        { "browser": "f-1", "direct_grant": "gone" } }],
    });
    let prepared = prepare_realm(&realm, "acme-2");
    let new = prepared.realm["authenticationFlows"][0]["id"].as_str().unwrap().to_owned();
    assert_ne!(new, "f-1");
    let overrides = &prepared.realm["clients"][0]["authenticationFlowBindingOverrides"];
    assert_eq!(overrides, &json!({ "browser": new }));
    assert!(
        prepared
            .to_set_again
            .iter()
            .any(|s| s.contains("direct_grant flow override of the client crm"))
    );
}
