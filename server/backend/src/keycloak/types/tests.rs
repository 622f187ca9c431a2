//! The representations read what Keycloak has written across its versions: every realm and
//! every user of the public realm exports in the shared data (Keycloak 1.9 to 26) parses, and
//! none is dropped on the way.

use serde_json::Value;

use super::{EventsConfig, RealmSummary, UserBrief};
use crate::shared_data;

/// The realms of one export file: a single realm object, an array of realms, or a users chunk
/// (`{realm, users}`) of a split export.
fn realms_of(export: Value) -> Vec<Value> {
    match export {
        Value::Array(realms) => realms,
        realm @ Value::Object(_) => vec![realm],
        other => panic!("an export is an object or an array, not {other}"),
    }
}

#[test]
fn every_realm_and_user_of_the_public_exports_parses() {
    let Some(dir) = shared_data::folder("keycloak-realms") else { return };
    let files = shared_data::json_files(&dir);
    assert!(files.len() >= 5, "expected the realm exports in {}", dir.display());

    let (mut realms, mut users) = (0, 0);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let export: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for realm in realms_of(export) {
            let name = realm["realm"]
                .as_str()
                .unwrap_or_else(|| panic!("{}: a realm without a name", file.display()));
            let object = realm.as_object().expect("a realm is an object");
            let is_users_chunk = object.len() == 2 && object.contains_key("users");
            if !is_users_chunk {
                let summary: RealmSummary = serde_json::from_value(realm.clone())
                    .unwrap_or_else(|e| panic!("{}: realm {name}: {e}", file.display()));
                assert_eq!(summary.realm, name);
                let events: EventsConfig = serde_json::from_value(realm.clone())
                    .unwrap_or_else(|e| panic!("{}: events of {name}: {e}", file.display()));
                assert_eq!(
                    events.events_enabled,
                    realm["eventsEnabled"].as_bool().unwrap_or(false)
                );
                realms += 1;
            }
            // A hand-written import (no realm id) names no user ids; the API always does, so
            // only what Keycloak itself exported is read as the API's users.
            if !is_users_chunk && realm.get("id").is_none() {
                continue;
            }
            let listed = realm["users"].as_array().cloned().unwrap_or_default();
            let parsed: Vec<UserBrief> = listed
                .iter()
                .map(|u| serde_json::from_value(u.clone()))
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{}: a user of {name}: {e}", file.display()));
            assert_eq!(parsed.len(), listed.len());
            for (user, raw) in parsed.iter().zip(&listed) {
                assert_eq!(
                    Some(user.username.as_str()),
                    raw["username"].as_str(),
                    "{}",
                    file.display()
                );
            }
            users += parsed.len();
        }
    }
    eprintln!("{realms} realms and {users} users parsed");
    assert!(
        realms >= 10 && users >= 20,
        "{realms} realms, {users} users: fewer than the exports hold"
    );
}
