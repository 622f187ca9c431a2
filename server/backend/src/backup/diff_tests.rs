//! The diff and the reading of realm exports, on hand-made cases and on the real exports of
//! `../shared/data/keycloak-realms` (Keycloak 1.9 to 26, from public projects).

use serde_json::{Value, json};

use super::diff::{diff_named, normalise, realm_kinds, users_by_name};
use super::export_file::{ExportFileError, realms_in};
use crate::shared_data;

fn realm() -> Value {
    json!({
        "id": "1a2b", "realm": "acme", "enabled": true, "sslRequired": "external",
        "clients": [{
            "id": "c-1", "clientId": "crm", "redirectUris": ["https://a/*", "https://b/*"],
            "secret": "**********", "protocolMappers": [{ "id": "m1", "name": "email" }]
        }],
        "roles": {
            "realm": [{ "id": "r1", "name": "auditor" }],
            "client": { "crm": [{ "name": "editor" }] },
        },
        "groups": [{ "id": "g1", "name": "Sales", "path": "/Sales", "subGroups": [{
            "id": "g2", "name": "EMEA", "path": "/Sales/EMEA", "attributes": { "region": ["eu"] },
        }] }],
    })
}

#[test]
fn a_realm_compared_with_itself_or_with_new_ids_and_reordered_sets_shows_no_difference() {
    let before = realm_kinds(&realm());
    let mut moved = realm();
    moved["id"] = json!("other-id");
    moved["clients"][0]["id"] = json!("c-9");
    moved["clients"][0]["redirectUris"] = json!(["https://b/*", "https://a/*"]);
    moved["groups"][0]["subGroups"][0]["id"] = json!("g9");
    let after = realm_kinds(&moved);
    for (kind, things) in &before {
        let diff = diff_named(things, &after[kind]);
        assert!(diff.is_empty(), "{kind}: {diff:?}");
        assert_eq!(diff.same, things.len() as u64, "{kind}");
    }
}

#[test]
fn added_removed_and_changed_things_are_named_down_to_the_field() {
    let before = realm_kinds(&realm());
    let mut changed = realm();
    changed["sslRequired"] = json!("all");
    changed["clients"][0]["redirectUris"] = json!(["https://a/*"]);
    changed["clients"].as_array_mut().unwrap().push(json!({ "clientId": "erp" }));
    changed["groups"][0]["subGroups"][0]["attributes"]["region"] = json!(["us"]);
    changed["roles"]["realm"] = json!([]);
    let after = realm_kinds(&changed);

    let settings = diff_named(&before["settings"], &after["settings"]);
    assert_eq!(settings.changed[0].fields[0].field, "sslRequired");
    assert_eq!(settings.changed[0].fields[0].after.as_deref(), Some("\"all\""));
    let clients = diff_named(&before["clients"], &after["clients"]);
    assert_eq!(clients.added, vec!["erp"]);
    assert_eq!(clients.changed[0].name, "crm");
    assert_eq!(clients.changed[0].fields[0].field, "redirectUris");
    let groups = diff_named(&before["groups"], &after["groups"]);
    assert_eq!(groups.changed[0].name, "/Sales/EMEA");
    assert_eq!(groups.changed[0].fields[0].field, "attributes.region");
    assert_eq!(groups.same, 1, "/Sales itself is unchanged: its sub-group is compared apart");
    let roles = diff_named(&before["realm_roles"], &after["realm_roles"]);
    assert_eq!(roles.removed, vec!["auditor"]);
}

#[test]
fn a_masked_secret_is_not_compared_and_a_missing_field_equals_an_empty_one() {
    let masked =
        users_by_name([&json!({ "username": "ann", "secret": "**********", "groups": [] })]);
    let real = users_by_name([&json!({ "username": "ann", "secret": "s3cr3t" })]);
    assert!(diff_named(&masked, &real).is_empty());
    let mapped = normalise(&json!({ "protocolMappers": [{ "name": "b" }, { "name": "a" }] }));
    assert!(mapped["protocolMappers"]["a"].is_object(), "{mapped}");
}

#[test]
fn an_export_is_one_realm_or_a_list_and_anything_else_says_what_it_is() {
    assert_eq!(realms_in(b"{\"realm\": \"a\"}").unwrap().len(), 1);
    assert_eq!(
        realms_in(b"\xEF\xBB\xBF[{\"realm\": \"a\"}, {\"realm\": \"b\"}]").unwrap().len(),
        2
    );
    match realms_in(b"{\"realm\": \"a\",\n  \"clients\": [}") {
        Err(ExportFileError::NotJson { line: 2, .. }) => {}
        other => panic!("expected JSON refused on line 2, got {other:?}"),
    }
    assert!(matches!(realms_in(b"[]"), Err(ExportFileError::NotARealm(_))));
    assert!(
        matches!(realms_in(b"\"acme\""), Err(ExportFileError::NotARealm(m)) if m.contains("string"))
    );
    assert!(matches!(
        realms_in(b"[{\"id\": \"x\"}]"),
        Err(ExportFileError::NotARealm(m)) if m.contains("item 1")
    ));
    let old = br#"{"realm": "legacy", "applications": []}"#;
    assert!(matches!(realms_in(old), Err(ExportFileError::Unsupported { .. })));
    let bad = br#"{"realm": "a", "clients": {}}"#;
    assert!(matches!(realms_in(bad), Err(ExportFileError::NotARealm(m)) if m.contains("clients")));
}

#[test]
fn every_shared_realm_export_reads_and_equals_itself_after_a_round_trip() {
    let Some(dir) = shared_data::folder("keycloak-realms") else { return };
    let files = shared_data::json_files(&dir);
    assert!(files.len() >= 5, "{} exports", files.len());
    let mut realms_seen = 0;
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let realms = match realms_in(&bytes) {
            Ok(realms) => realms,
            Err(err) => {
                // A file of users alone (a `*-users-*.json` part of a split export) is no realm.
                assert!(
                    file.to_string_lossy().contains("users"),
                    "{}: refused: {err}",
                    file.display()
                );
                continue;
            }
        };
        for realm in realms {
            realms_seen += 1;
            let again: Value = serde_json::from_str(&realm.to_string()).unwrap();
            let (before, after) = (realm_kinds(&realm), realm_kinds(&again));
            for (kind, things) in &before {
                assert!(diff_named(things, &after[kind]).is_empty(), "{}: {kind}", file.display());
            }
            let users = users_by_name(realm["users"].as_array().into_iter().flatten());
            let listed = realm["users"].as_array().map_or(0, Vec::len);
            assert_eq!(users.len(), listed, "{}: every user has a username", file.display());
            assert!(before["settings"].len() == 1, "{}", file.display());
        }
    }
    assert!(realms_seen >= 5, "{realms_seen} realms read");
}
