//! Server tests of the helpdesk's server functions and of the users export, against the real
//! Keycloak that `server/dev/test` starts (`CTC_TEST_KEYCLOAK_URL`), through the router, signed
//! in as the demo accounts through Keycloak's own form. Without the variable each test says it
//! was skipped.
//!
//! Every test that writes creates its own users (`ctc-t-…`) and deletes them when it ends, even
//! when it fails, so tests run in any order, in parallel, and again on the same Keycloak.
//! Searches are checked against the realm file the demo imports
//! (`server/dev/realms/acme-realm.json`, written by `generate-realms.py`): of the demo users,
//! an answer holds exactly those the filters match, and its total counts what it lists. Users
//! that other tests create meanwhile (the browser tests' `e2e.…`, for one) may add to an
//! answer, never change which demo users it holds.

mod account;
mod backups;
mod changes;
mod create;
mod export;
mod import;
mod lifecycle;
mod membership;
mod reads;
mod request_faults;
mod requests;
mod restores;
mod search;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use cloudtrust_backend::keycloak::{KeycloakAdmin, KeycloakError, KeycloakSettings, UserQuery};
use cloudtrust_backend::store::AuditEntry;
use serde_json::{Value, json};

use super::test_support::{app, call, demo_config, keycloak_url};
use crate::state::AppState;

/// The demo tenant the tests work in.
const ACME: &str = "acme";
/// Helpdesk of acme.
const HELPDESK: &str = "hugo.helpdesk";
/// Tenant admin of acme.
const TENANT_ADMIN: &str = "alice.admin";
/// Auditor of acme and globex.
const AUDITOR: &str = "aude.auditor";
/// Tenant admin of globex.
const GLOBEX_ADMIN: &str = "gina.globex";
/// The demo application whose public client allows the direct grant in the demo tenants.
const APP: &str = "wiki";

/// The console on the test Keycloak, or `None` (after saying so) when none is named.
async fn console() -> Option<(Router, Arc<AppState>)> {
    let keycloak = keycloak_url()?;
    Some(app(demo_config(keycloak)).await)
}

/// A username no other test run uses, such as `ctc-t-3f9c0a1b2d4e`.
fn unique_name() -> String {
    format!("ctc-t-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// The realm acme as the demo imports it.
fn demo_realm() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/dev/realms/acme-realm.json");
    let text = std::fs::read_to_string(path).expect("the realm file");
    serde_json::from_str(&text).expect("the realm file is JSON")
}

/// The users of acme as the demo imports them.
fn demo_users() -> Vec<Value> {
    demo_realm()["users"].as_array().expect("users").clone()
}

/// The demo users matching `keep`, by username, sorted.
fn demo_usernames(keep: impl Fn(&Value) -> bool) -> Vec<String> {
    let mut names: Vec<String> = demo_users()
        .iter()
        .filter(|u| keep(u))
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The names among `usernames` that the demo data holds: other tests create users of their
/// own while a search runs, and those may match it too.
fn demo_only(usernames: &[String]) -> Vec<String> {
    let demo = demo_usernames(|_| true);
    usernames.iter().filter(|u| demo.binary_search(u).is_ok()).cloned().collect()
}

/// The `(step, outcome)` pairs of a multi-step answer (a creation, an offboarding).
fn steps(answer: &Value) -> Vec<(String, String)> {
    let text = |step: &Value, key: &str| step[key].as_str().unwrap().to_owned();
    let steps = answer["steps"].as_array().expect("steps");
    steps.iter().map(|s| (text(s, "step"), text(s, "outcome"))).collect()
}

/// The field an error answer names.
fn field_of(answer: &Value) -> Option<&str> {
    answer["field"].as_str()
}

/// The usernames of a page of `users/search`, sorted.
fn usernames(page: &Value) -> Vec<String> {
    let mut names: Vec<String> = page["users"]
        .as_array()
        .expect("a page of users")
        .iter()
        .map(|u| u["username"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The audit trail of this console, newest first.
async fn audit_trail(state: &AppState) -> Vec<AuditEntry> {
    let trail = state.store.recent_audit(None, 200).await.expect("the audit trail");
    trail.into_iter().map(|r| r.entry).collect()
}

/// The service account's settings, for clients of their own.
fn service_settings(state: &AppState) -> KeycloakSettings {
    KeycloakSettings {
        base_url: state.config.keycloak_url.clone(),
        realm: state.config.admin_realm.clone(),
        client_id: state.config.admin_client_id.clone(),
        client_secret: state.config.admin_client_secret.clone(),
        timeout: Duration::from_secs(10),
    }
}

/// The service account's client, to arrange and to check what Keycloak holds.
fn keycloak(state: &AppState) -> &KeycloakAdmin {
    &state.services.keycloak
}

/// A user of acme made for one test, deleted when dropped, even when the test panics.
struct Throwaway {
    id: String,
    username: String,
    settings: KeycloakSettings,
}

impl Throwaway {
    /// Creates a user with every field of the demo profile filled, `extra` merged over it.
    async fn create(state: &AppState, extra: Value) -> Throwaway {
        let username = unique_name();
        let mut user = json!({
            "username": username,
            "email": format!("{username}@acme.example"),
            "firstName": "Ctc",
            "lastName": "Throwaway",
            "enabled": true,
            "emailVerified": true,
            "attributes": {
                "department": ["Testing"],
                "jobTitle": ["Tester"],
                "employeeNumber": ["T-0001"],
                "costCenter": ["CC-9990"],
            },
        });
        if let (Some(base), Value::Object(extra)) = (user.as_object_mut(), extra) {
            base.extend(extra);
        }

        let id = keycloak(state).create_user(ACME, &user).await.expect("a throwaway user");

        Throwaway { id, username, settings: service_settings(state) }
    }

    /// Creates a user who can sign in to acme's demo applications with `password`.
    async fn with_password(state: &AppState, password: &str) -> Throwaway {
        let credential = json!([{ "type": "password", "value": password, "temporary": false }]);
        Throwaway::create(state, json!({ "credentials": credential })).await
    }

    /// Deletes the user called `username` when dropped, if there is one: for the users a test
    /// creates through the console, and those it expects the console not to create.
    fn by_name(state: &AppState, username: &str) -> Throwaway {
        let settings = service_settings(state);
        Throwaway { id: String::new(), username: username.to_owned(), settings }
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        // The test's runtime is blocked here, so on a thread with a runtime and a client of its
        // own (pooled connections belong to the runtime that opened them).
        let (settings, id, username) =
            (self.settings.clone(), self.id.clone(), self.username.clone());
        let deleted = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            let client = KeycloakAdmin::new(settings).expect("a client");
            runtime.expect("a runtime").block_on(async move {
                let id = if id.is_empty() { id_of(&client, &username).await? } else { Some(id) };
                match id {
                    Some(id) => client.delete_user(ACME, &id).await,
                    None => Ok(()),
                }
            })
        })
        .join();
        match deleted {
            Ok(Ok(())) | Ok(Err(KeycloakError::NotFound { .. })) => {}
            Ok(Err(err)) => eprintln!("throwaway user {} not deleted: {err}", self.username),
            Err(_) => eprintln!("throwaway user {} not deleted: clean-up panicked", self.username),
        }
    }
}

/// The id of acme's user called exactly `username`, if there is one.
async fn id_of(keycloak: &KeycloakAdmin, username: &str) -> Result<Option<String>, KeycloakError> {
    let search = Some(format!("\"{username}\""));
    let query = UserQuery { search, max: 10, ..UserQuery::default() };
    let found = keycloak.list_users(ACME, &query).await?;
    Ok(found.into_iter().find(|u| u.username == username).map(|u| u.id))
}

/// Whether acme has a user called exactly `username`.
async fn exists(state: &AppState, username: &str) -> bool {
    id_of(keycloak(state), username).await.expect("a search").is_some()
}

/// Signs `username` in to acme's demo application with the direct grant; returns the status
/// and Keycloak's answer (the tokens, or the error).
async fn direct_grant(state: &AppState, username: &str, password: &str) -> (StatusCode, Value) {
    let form = [
        ("grant_type", "password"),
        ("client_id", APP),
        ("username", username),
        ("password", password),
        ("scope", "openid"),
    ];
    token_request(state, &form).await
}

/// A request to acme's token endpoint.
async fn token_request(state: &AppState, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let endpoint = state
        .config
        .keycloak_url
        .join(&format!("realms/{ACME}/protocol/openid-connect/token"))
        .expect("the token endpoint");

    let response = reqwest::Client::new().post(endpoint).form(form).send().await.expect("sent");

    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The internal id of acme's client `client_id`.
async fn client_uuid(state: &AppState, client_id: &str) -> String {
    let found =
        keycloak(state).search_clients(ACME, Some(client_id), 0, 20).await.expect("clients");
    found.into_iter().find(|c| c.client_id == client_id).expect("a demo client").id
}

/// The id of acme's group at `path`.
async fn group_id(state: &AppState, path: &str) -> String {
    let name = path.rsplit('/').next().unwrap();
    let found = keycloak(state).search_groups(ACME, Some(name), 0, 50).await.expect("groups");
    found.into_iter().find(|g| g.path == path).expect("a demo group").id
}

/// Calls the server function `endpoint` on the user `id` of acme with the other `args`.
async fn on_user(
    app: &Router,
    cookie: &str,
    endpoint: &str,
    id: &str,
    args: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = vec![("tenant", ACME), ("id", id)];
    form.extend_from_slice(args);

    call(app, cookie, endpoint, &form).await
}

/// Calls `users/search` on `tenant` with `filters` (the `UserSearch` fields by name).
async fn search_in(
    app: &Router,
    cookie: &str,
    tenant: &str,
    filters: &[(&str, &str)],
) -> (StatusCode, Value) {
    let keys: Vec<String> = filters.iter().map(|(k, _)| format!("search[{k}]")).collect();
    let mut args = vec![("tenant", tenant)];
    args.extend(keys.iter().map(String::as_str).zip(filters.iter().map(|(_, v)| *v)));
    if filters.is_empty() {
        // `search` must be sent even when no filter is set.
        args.push(("search[page]", "0"));
    }

    call(app, cookie, "users/search", &args).await
}

/// Calls `users/search` on acme.
async fn search(app: &Router, cookie: &str, filters: &[(&str, &str)]) -> (StatusCode, Value) {
    search_in(app, cookie, ACME, filters).await
}
