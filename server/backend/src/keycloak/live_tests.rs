//! The client against the real Keycloak that `server/dev/test` starts, named by
//! `CTC_TEST_KEYCLOAK_URL`; without it each test says it was skipped. The demo realms are
//! those of `server/dev/realms`. Tests that write create their own users (`ctc-test-…`) and
//! delete them, so they run in any order, in parallel, and twice.

use std::time::Duration;

use url::Url;

use super::{KeycloakError, KeycloakSettings, UserQuery};
use crate::Secret;
use fixtures::{client, counting_alone, settings};

mod access;
mod activity;
mod credentials;
mod fixtures;
mod group_roles;
mod restore;
mod scale;
mod users;

#[tokio::test]
async fn lists_every_realm_of_the_demo_sorted() {
    let Some(settings) = settings() else { return };

    let realms = client(settings).list_realms().await.expect("realms");

    let names: Vec<&str> = realms.iter().map(|r| r.realm.as_str()).collect();
    for expected in ["acme", "console", "globex", "master"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
}

#[tokio::test]
async fn a_user_count_agrees_with_the_pages_it_counts() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);
    let _alone = counting_alone().await;

    for filter in [UserQuery::default(), UserQuery { enabled: Some(false), ..UserQuery::default() }]
    {
        let total = keycloak.count_users("acme", &filter).await.expect("count");
        let mut listed = 0;
        let mut page = UserQuery { max: 100, ..filter.clone() };
        loop {
            let users = keycloak.list_users("acme", &page).await.expect("page");
            listed += users.len() as u64;
            if users.len() < 100 {
                break;
            }
            page.first += 100;
        }
        assert_eq!(listed, total, "{filter:?}");
    }
    let all = keycloak.count_users("acme", &UserQuery::default()).await.unwrap();
    assert!(all >= 250, "the demo tenant holds a few hundred users, not {all}");
}

#[tokio::test]
async fn a_free_text_search_is_counted_with_the_same_filter() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);
    let first = keycloak
        .list_users("acme", &UserQuery { max: 1, ..UserQuery::default() })
        .await
        .expect("one user");
    let username = &first[0].username;

    let query =
        UserQuery { search: Some(format!("\"{username}\"")), max: 10, ..UserQuery::default() };
    let found = keycloak.list_users("acme", &query).await.expect("search");

    assert_eq!(found.len(), 1, "an exact search finds one user");
    assert_eq!(&found[0].username, username);
    assert_eq!(keycloak.count_users("acme", &query).await.unwrap(), 1);
}

#[tokio::test]
async fn the_demo_tenants_store_their_events_with_an_expiration() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);

    for tenant in ["acme", "globex"] {
        let events = keycloak.events_config(tenant).await.expect("events config");
        assert!(events.events_enabled && events.admin_events_enabled, "{tenant}: {events:?}");
        assert!(events.events_expiration.is_some_and(|s| s > 0), "{tenant}: {events:?}");
    }
    assert!(keycloak.count_groups("acme").await.unwrap() > 0);
}

#[tokio::test]
async fn a_missing_realm_is_not_found() {
    let Some(settings) = settings() else { return };

    let err = client(settings).realm("no-such-realm").await.unwrap_err();

    assert!(matches!(err, KeycloakError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn a_realm_name_with_path_characters_stays_one_segment() {
    let Some(settings) = settings() else { return };

    // Were the name not encoded, this would read the realm list's `acme` entry.
    let err = client(settings).realm("../acme").await.unwrap_err();

    assert!(matches!(err, KeycloakError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn a_wrong_service_secret_is_a_credentials_error() {
    let Some(settings) = settings() else { return };
    let wrong = KeycloakSettings { client_secret: Secret::new("wrong"), ..settings };

    let err = client(wrong).list_realms().await.unwrap_err();

    assert!(matches!(err, KeycloakError::Credentials { .. }), "{err:?}");
    assert!(!err.to_string().contains("wrong"), "the secret stays out of the message");
}

#[tokio::test]
async fn a_keycloak_that_does_not_answer_is_unavailable() {
    let Some(settings) = settings() else { return };
    let closed = KeycloakSettings {
        base_url: Url::parse("http://127.0.0.1:9").unwrap(),
        timeout: Duration::from_secs(2),
        ..settings
    };

    let err = client(closed).list_realms().await.unwrap_err();

    assert!(matches!(err, KeycloakError::Unavailable { .. }), "{err:?}");
}

#[tokio::test]
async fn a_revoked_token_is_renewed_once_and_the_call_succeeds() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    keycloak.realm("acme").await.expect("a first call caches a token");
    // Keycloak compares issue times in whole seconds: revoke in a later second than the cached
    // token's.
    tokio::time::sleep(Duration::from_millis(1100)).await;

    // Another client revokes every token of the service account's realm issued until now
    // (this also signs out whoever uses Keycloak's own admin console on this test server).
    let revoker = client(settings);
    let url = revoker.admin_url(&["master", "logout-all"]);
    revoker.send("logout all", |http| http.post(url.clone())).await.expect("revoked");

    let answer = keycloak.realm("acme").await;

    assert!(
        answer.is_ok(),
        "the cached token was refused, renewed and the call retried: {answer:?}"
    );
}
