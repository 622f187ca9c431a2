//! What the live tests share: the client, throwaway users that delete themselves, and sign-ins
//! through a demo application.
//!
//! Tests run in parallel. Those that create users take [`REALM_USERS`] shared; those that count
//! every user of a realm take it exclusively, so no throwaway user appears mid-count.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use url::Url;

use crate::Secret;
use crate::keycloak::{KeycloakAdmin, KeycloakError, KeycloakSettings};

/// The tenant realm the tests write to.
pub const REALM: &str = "acme";

/// The demo application whose public client allows the direct grant (see
/// `server/dev/generate-realms.py`: every demo application has direct access grants on).
pub const APP: &str = "wiki";

static REALM_USERS: RwLock<()> = RwLock::const_new(());

/// The settings of the test Keycloak, or `None` (after saying so) when none is named.
pub fn settings() -> Option<KeycloakSettings> {
    let Ok(url) = std::env::var("CTC_TEST_KEYCLOAK_URL") else {
        eprintln!("CTC_TEST_KEYCLOAK_URL not set: test against the real Keycloak skipped");
        return None;
    };
    Some(KeycloakSettings {
        base_url: Url::parse(&url).expect("CTC_TEST_KEYCLOAK_URL is a URL"),
        realm: "master".into(),
        client_id: "cloudtrust-console-service".into(),
        client_secret: Secret::new("demo-service-secret"),
        timeout: Duration::from_secs(10),
    })
}

/// A client for `settings`.
pub fn client(settings: KeycloakSettings) -> KeycloakAdmin {
    KeycloakAdmin::new(settings).expect("client")
}

/// Holds off user creation while a test counts every user of the realm.
pub async fn counting_alone() -> RwLockWriteGuard<'static, ()> {
    REALM_USERS.write().await
}

/// A name no other test run uses, such as `ctc-test-3f9c0a1b2d4e`.
pub fn unique_name() -> String {
    format!("ctc-test-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// A complete representation of a new user (everything the demo profile requires, so the user
/// can sign in), with `extra` merged over it.
pub fn new_user(username: &str, extra: Value) -> Value {
    let mut user = json!({
        "username": username,
        "email": format!("{username}@acme.example"),
        "firstName": "Test",
        "lastName": "Throwaway",
        "enabled": true,
        "emailVerified": true,
        "attributes": {
            "department": ["Legal"],
            "jobTitle": ["Paralegal"],
            "employeeNumber": ["T00001"],
            "costCenter": ["CC-1700"],
        },
    });
    if let (Some(base), Value::Object(extra)) = (user.as_object_mut(), extra) {
        base.extend(extra);
    }
    user
}

/// A user created for one test, deleted when dropped, even when the test panics.
pub struct Throwaway {
    settings: KeycloakSettings,
    /// The user's id.
    pub id: String,
    /// The user's username.
    pub username: String,
    _creating: RwLockReadGuard<'static, ()>,
}

impl Throwaway {
    /// Creates a user in [`REALM`] from [`new_user`] with a unique name.
    pub async fn create(settings: &KeycloakSettings, extra: Value) -> Throwaway {
        let creating = REALM_USERS.read().await;
        let username = unique_name();

        let id = client(settings.clone())
            .create_user(REALM, &new_user(&username, extra))
            .await
            .expect("a throwaway user is created");

        Throwaway { settings: settings.clone(), id, username, _creating: creating }
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        let id = self.id.clone();
        let deleted = detached(&self.settings, async move |kc| kc.delete_user(REALM, &id).await);
        if let Err(err) = deleted
            && !matches!(err, KeycloakError::NotFound { .. })
        {
            eprintln!("throwaway user {} not deleted: {err}", self.username);
        }
    }
}

/// Runs `call` to its end from a `Drop`: the test's runtime is blocked there, so on a thread
/// with a runtime and a client of its own (pooled connections belong to the runtime that
/// opened them).
pub fn detached<F>(settings: &KeycloakSettings, call: F) -> Result<(), KeycloakError>
where
    F: AsyncFnOnce(KeycloakAdmin) -> Result<(), KeycloakError> + Send + 'static,
{
    let settings = settings.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
        runtime.expect("a runtime").block_on(call(client(settings)))
    })
    .join()
    .unwrap_or_else(|_| Err(KeycloakError::Unexpected { reason: "clean-up panicked".into() }))
}

/// Signs `username` in to [`APP`] with the direct grant; returns the status and the answer.
pub async fn sign_in(
    settings: &KeycloakSettings,
    username: &str,
    password: &str,
    scope: &str,
) -> (u16, Value) {
    let token = settings
        .base_url
        .join(&format!("realms/{REALM}/protocol/openid-connect/token"))
        .expect("token endpoint");
    let form = [
        ("grant_type", "password"),
        ("client_id", APP),
        ("username", username),
        ("password", password),
        ("scope", scope),
    ];

    let response = reqwest::Client::new().post(token).form(&form).send().await.expect("sent");

    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The internal id of the demo client `client_id`.
pub async fn client_uuid(keycloak: &KeycloakAdmin, client_id: &str) -> String {
    let found = keycloak.search_clients(REALM, Some(client_id), 0, 20).await.expect("clients");
    found.into_iter().find(|c| c.client_id == client_id).expect("a demo client").id
}
