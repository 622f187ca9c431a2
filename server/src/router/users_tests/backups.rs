//! Backups against the real Keycloak: a tenant admin backs acme up, and the sealed file holds
//! every user, every group and the clients' real secrets, checked against Keycloak's own
//! answers; two backups compared, and a backup compared with the live realm, name what changed
//! between them; no key or the wrong role is refused; Keycloak unreachable half-way leaves a
//! failed backup and no file.

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use cloudtrust_backend::backup::{BackupReader, KeyRing, Record};
use cloudtrust_backend::keycloak::{KeycloakAdmin, UserQuery};
use serde_json::Value;

use super::super::test_support::{app, call, demo_config, keycloak_url, sign_in};
use super::{ACME, HELPDESK, TENANT_ADMIN, Throwaway, audit_trail, keycloak, service_settings};
use crate::state::AppState;

/// A key in base64, as a tenant would write it in its key file.
const KEY: &str = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";

/// A console whose backups and keys live in folders of their own; acme's key is set when
/// `with_key`.
pub(super) async fn console(with_key: bool) -> Option<(Router, std::sync::Arc<AppState>, PathBuf)> {
    let mut config = demo_config(keycloak_url()?);
    let root = std::env::temp_dir().join(format!("ctc-backups-{}", uuid::Uuid::new_v4()));
    let keys = root.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    if with_key {
        std::fs::write(keys.join("acme.key"), format!("{KEY}\n")).unwrap();
    }
    config.backup_dir = root.join("backups");
    config.backup_key_dir = Some(keys);
    let (app, state) = app(config).await;
    Some((app, state, root))
}

/// Waits until the backup is no longer running; answers its row.
pub(super) async fn settled(app: &Router, cookie: &str, id: &str) -> Value {
    for _ in 0..600 {
        let (status, overview) = call(app, cookie, "backups/list", &[("tenant", ACME)]).await;
        assert_eq!(status, StatusCode::OK, "{overview}");
        let row = overview["backups"].as_array().unwrap().iter().find(|b| b["id"] == id).cloned();
        let row = row.expect("the backup is listed");
        if row["state"] != "running" {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("backup {id} did not end in two minutes");
}

#[tokio::test]
async fn a_backup_holds_every_user_and_group_and_the_clients_real_secrets() {
    let Some((app, state, root)) = console(true).await else { return };
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let (status, overview) = call(&app, &admin, "backups/list", &[("tenant", ACME)]).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    let ring = KeyRing::parse(KEY, "test").unwrap();
    assert_eq!(overview["key"]["sealing_key"], ring.sealing().id(), "{overview}");

    let (status, id) = call(&app, &admin, "backups/start", &[("tenant", ACME)]).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_str().unwrap().to_owned();
    let row = settled(&app, &admin, &id).await;
    assert_eq!(row["state"], "complete", "{row}");

    let mut reader = BackupReader::open(&state.services.vault.path(ACME, &id), &ring).unwrap();
    let (mut realm, mut users) = (Value::Null, Vec::new());
    let manifest = loop {
        match reader.next_record().unwrap().expect("a record before the end") {
            Record::Realm(value) => realm = value,
            Record::UserProfile(profile) => assert!(profile["attributes"].is_array()),
            Record::Users(page) => users.extend(page),
            Record::Manifest(manifest) => break manifest,
        }
    };
    let kc = keycloak(&state);
    // Users created by tests running beside this one may come or go meanwhile.
    let now = kc.count_users(ACME, &UserQuery::default()).await.unwrap() as i64;
    assert!((users.len() as i64 - now).abs() <= 20, "{} users kept, {now} now", users.len());
    assert_eq!(manifest.counts["users"], users.len() as u64);
    let kept: std::collections::HashSet<&str> =
        users.iter().filter_map(|u| u["username"].as_str()).collect();
    let missing: Vec<String> = super::demo_usernames(|_| true)
        .into_iter()
        .filter(|u| !kept.contains(u.as_str()))
        .collect();
    assert!(missing.is_empty(), "demo users not backed up: {missing:?}");
    assert_eq!(row["users_done"], users.len() as u64, "{row}");
    assert!(manifest.not_included.iter().any(|n| n.contains("Passwords")), "{manifest:?}");

    let clients = realm["clients"].as_array().unwrap();
    let crm = clients.iter().find(|c| c["clientId"] == "crm").expect("crm is backed up");
    let secret = kc.client_secret(ACME, crm["id"].as_str().unwrap()).await.unwrap();
    assert_eq!(crm["secret"], secret.as_str(), "the real secret, not the mask");
    assert!(!clients.iter().any(|c| c["secret"] == "**********"), "no secret left masked");

    let ann = users.iter().find(|u| u["username"] == "amara.martin").expect("a demo user");
    assert!(ann["groups"].as_array().is_some_and(|g| !g.is_empty()), "{ann}");
    assert!(ann["realmRoles"].is_array() && ann["attributes"].is_object(), "{ann}");
    let groups = kc.count_groups(ACME).await.unwrap();
    assert_eq!(manifest.counts["groups"], groups, "{manifest:?}");

    let trail = audit_trail(&state).await;
    for action in ["backup.start", "backup.finish"] {
        assert!(trail.iter().any(|e| e.action == action && e.target.as_deref() == Some(&id)));
    }
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn a_backup_is_refused_without_a_key_and_to_a_helpdesk() {
    let Some((app, _state, root)) = console(false).await else { return };
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let (status, answer) = call(&app, &admin, "backups/start", &[("tenant", ACME)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("CTC_BACKUP_KEY_ACME") && message.contains("acme.key"), "{message}");
    let (_, overview) = call(&app, &admin, "backups/list", &[("tenant", ACME)]).await;
    assert!(overview["key"]["sealing_key"].is_null(), "{overview}");
    assert!(overview["backups"].as_array().unwrap().is_empty(), "nothing was started");

    let helpdesk = sign_in(&app, HELPDESK).await;
    for endpoint in ["backups/list", "backups/start"] {
        let (status, _) = call(&app, &helpdesk, endpoint, &[("tenant", ACME)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn keycloak_unreachable_during_a_backup_leaves_it_failed_and_no_file() {
    let Some((app, state, root)) = console(true).await else { return };
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let mut unreachable = service_settings(&state);
    unreachable.base_url = url::Url::parse("http://127.0.0.1:9/").unwrap();
    let mut cut_off = state.services.clone();
    cut_off.keycloak = KeycloakAdmin::new(unreachable).unwrap();

    let id = cloudtrust_app::api::backups::take::start(&cut_off, ACME, TENANT_ADMIN).await.unwrap();
    let row = settled(&app, &admin, &id).await;
    assert_eq!(row["state"], "failed", "{row}");
    assert!(row["error"].as_str().unwrap().contains("Keycloak"), "{row}");
    let path = state.services.vault.path(ACME, &id);
    assert!(!path.exists() && !path.with_extension("part").exists());

    // The next one runs normally.
    let (status, next) = call(&app, &admin, "backups/start", &[("tenant", ACME)]).await;
    assert_eq!(status, StatusCode::OK, "{next}");
    let next = settled(&app, &admin, next.as_str().unwrap()).await;
    assert_eq!(next["state"], "complete", "{next}");
    let _ = std::fs::remove_dir_all(root);
}

/// Takes a backup of acme as `cookie` and waits until it is complete; answers its id.
async fn backed_up(app: &Router, cookie: &str) -> String {
    let (status, id) = call(app, cookie, "backups/start", &[("tenant", ACME)]).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let id = id.as_str().unwrap().to_owned();
    let row = settled(app, cookie, &id).await;
    assert_eq!(row["state"], "complete", "{row}");
    id
}

/// The kind of a diff answer, by name.
fn kind<'a>(diff: &'a Value, name: &str) -> &'a Value {
    let kinds = diff["kinds"].as_array().expect("kinds");
    kinds.iter().find(|k| k["kind"] == name).unwrap_or_else(|| panic!("no kind {name}: {diff}"))
}

#[tokio::test]
async fn two_backups_and_a_backup_and_the_live_realm_are_compared_by_name() {
    let Some((app, state, root)) = console(true).await else { return };
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let first = backed_up(&app, &admin).await;
    let joiner = Throwaway::create(&state, serde_json::json!({})).await;
    let changed = Throwaway::create(&state, serde_json::json!({})).await;
    let second = backed_up(&app, &admin).await;

    let (status, diff) =
        call(&app, &admin, "backups/diff", &[("tenant", ACME), ("from", &first), ("to", &second)])
            .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert_eq!(diff["identical"], false);
    let users = kind(&diff, "users");
    let added: Vec<&str> =
        users["added"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(added.contains(&joiner.username.as_str()), "{users}");
    assert!(kind(&diff, "clients")["changed_total"] == 0, "{diff}");

    // Change one user in Keycloak after the second backup: live shows the field.
    let kc = keycloak(&state);
    let mut body = kc.user(ACME, &changed.id).await.unwrap().raw;
    body["attributes"]["department"] = serde_json::json!(["Audit"]);
    kc.update_user(ACME, &changed.id, &body).await.unwrap();
    let (status, live) =
        call(&app, &admin, "backups/diff", &[("tenant", ACME), ("from", &second), ("to", "live")])
            .await;
    assert_eq!(status, StatusCode::OK, "{live}");
    let users = kind(&live, "users");
    let entry = users["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == changed.username.as_str())
        .unwrap_or_else(|| panic!("{} is not listed as changed: {users}", changed.username));
    let field = &entry["fields"][0];
    assert_eq!(field["field"], "attributes.department", "{entry}");
    assert_eq!(field["before"], "[\"Testing\"]", "{entry}");
    assert_eq!(field["after"], "[\"Audit\"]", "{entry}");
    assert_eq!(kind(&live, "clients")["changed_total"], 0, "live secrets are masked, not compared");

    let (status, refused) =
        call(&app, &admin, "backups/diff", &[("tenant", ACME), ("from", &first), ("to", &first)])
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let (status, refused) = call(
        &app,
        &admin,
        "backups/diff",
        &[("tenant", ACME), ("from", "no-such-backup"), ("to", "live")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["field"], "from", "{refused}");
    drop((joiner, changed));
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn a_backup_changed_on_disk_is_refused_when_compared() {
    let Some((app, state, root)) = console(true).await else { return };
    let admin = sign_in(&app, TENANT_ADMIN).await;
    let id = backed_up(&app, &admin).await;
    let path = state.services.vault.path(ACME, &id);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&path, bytes).unwrap();

    let (status, refused) =
        call(&app, &admin, "backups/diff", &[("tenant", ACME), ("from", &id), ("to", "live")])
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("altered"), "{message}");
    let _ = std::fs::remove_dir_all(root);
}
