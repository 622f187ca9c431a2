//! Credentials against the real Keycloak: passwords set by the helpdesk, actions emails without
//! an SMTP server, credential lists without data, sign-in failures and their reset.

use std::time::Duration;

use serde_json::{Value, json};

use super::fixtures::{REALM, Throwaway, client, settings, sign_in};
use crate::Secret;
use crate::keycloak::{BruteForceStatus, KeycloakAdmin, KeycloakError};

/// Brute-force detection records a failure after the sign-in answers: wait until it shows.
async fn status_after_failure(keycloak: &KeycloakAdmin, id: &str) -> BruteForceStatus {
    for _ in 0..20 {
        let status = keycloak.brute_force_status(REALM, id).await.expect("status");
        if status.num_failures > 0 {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no failure recorded for {id}");
}

#[tokio::test]
async fn a_password_set_by_the_helpdesk_lets_the_user_sign_in_with_the_direct_grant() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let password = Secret::new(format!("Pw-{}", uuid::Uuid::new_v4()));

    keycloak.reset_password(REALM, &user.id, &password, false).await.expect("set");
    let (status, answer) = sign_in(&settings, &user.username, password.expose(), "openid").await;

    assert_eq!(status, 200, "{answer}");
    assert!(answer["access_token"].is_string());
}

#[tokio::test]
async fn a_temporary_password_requires_a_new_one_before_any_sign_in() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let password = Secret::new(format!("Pw-{}", uuid::Uuid::new_v4()));

    keycloak.reset_password(REALM, &user.id, &password, true).await.expect("set");
    let record = keycloak.user(REALM, &user.id).await.expect("user");
    let (status, answer) = sign_in(&settings, &user.username, password.expose(), "openid").await;

    assert_eq!(record.required_actions, ["UPDATE_PASSWORD"]);
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"], "invalid_grant", "{answer}");
}

#[tokio::test]
async fn a_password_never_appears_in_an_error() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);
    let password = Secret::new("Distinctive-Pa55word-4711");

    let err = keycloak.reset_password(REALM, "no-such-user", &password, false).await.unwrap_err();

    assert!(matches!(err, KeycloakError::NotFound { .. }), "{err:?}");
    let shown = format!("{err} {err:?} {password:?} {password}");
    assert!(!shown.contains("Distinctive-Pa55word-4711"), "{shown}");
}

#[tokio::test]
async fn credentials_are_listed_without_their_data_and_deleted_one_by_one() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let password = Secret::new(format!("Pw-{}", uuid::Uuid::new_v4()));
    keycloak.reset_password(REALM, &user.id, &password, false).await.expect("set");

    let credentials = keycloak.user_credentials(REALM, &user.id).await.expect("listed");
    let url = keycloak.admin_url(&[REALM, "users", &user.id, "credentials"]);
    let sent: Value = keycloak.get_json(url, "list credentials").await.expect("raw");
    keycloak.delete_credential(REALM, &user.id, &credentials[0].id).await.expect("deleted");
    let (status, answer) = sign_in(&settings, &user.username, password.expose(), "openid").await;

    assert_eq!(credentials.len(), 1);
    assert_eq!(credentials[0].credential_type, "password");
    assert!(credentials[0].created_date.is_some_and(|t| t > 0));
    let ours = serde_json::to_string(&credentials).unwrap();
    assert!(!ours.contains("credentialData") && !ours.contains("secretData"), "{ours}");
    assert!(sent[0].get("secretData").is_none(), "keycloak sends no secret data: {sent}");
    assert!(!sent.to_string().contains(password.expose()));
    assert!(keycloak.user_credentials(REALM, &user.id).await.unwrap().is_empty());
    assert_eq!((status, &answer["error"]), (400, &json!("invalid_grant")), "no password: {answer}");
}

#[tokio::test]
async fn an_actions_email_without_an_smtp_server_is_unavailable() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let actions = ["UPDATE_PASSWORD".to_owned(), "VERIFY_EMAIL".to_owned()];

    let answer = keycloak
        .execute_actions_email(REALM, &user.id, &actions, Some(3600), Some("wiki"), None)
        .await;

    assert!(matches!(answer, Err(KeycloakError::Unavailable { .. })), "{answer:?}");
}

#[tokio::test]
async fn an_actions_email_to_a_user_without_email_or_disabled_is_invalid_input() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let no_email = Throwaway::create(&settings, json!({"email": null})).await;
    let disabled = Throwaway::create(&settings, json!({"enabled": false})).await;
    let actions = ["UPDATE_PASSWORD".to_owned()];

    let to_nobody =
        keycloak.execute_actions_email(REALM, &no_email.id, &actions, None, None, None).await;
    let to_disabled =
        keycloak.execute_actions_email(REALM, &disabled.id, &actions, None, None, None).await;

    assert!(matches!(to_nobody, Err(KeycloakError::InvalidInput { .. })), "{to_nobody:?}");
    assert!(matches!(to_disabled, Err(KeycloakError::InvalidInput { .. })), "{to_disabled:?}");
}

#[tokio::test]
async fn failed_sign_ins_are_counted_and_clearing_them_starts_over() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let password = Secret::new(format!("Pw-{}", uuid::Uuid::new_v4()));
    keycloak.reset_password(REALM, &user.id, &password, false).await.expect("set");
    let fresh = keycloak.brute_force_status(REALM, &user.id).await.expect("status");

    let (status, answer) = sign_in(&settings, &user.username, "wrong", "openid").await;
    let failed = status_after_failure(&keycloak, &user.id).await;
    keycloak.clear_brute_force(REALM, &user.id).await.expect("cleared");
    let cleared = keycloak.brute_force_status(REALM, &user.id).await.expect("status");

    assert_eq!((fresh.num_failures, fresh.disabled, fresh.last_ip_failure), (0, false, None));
    assert_eq!((status, &answer["error"]), (400, &json!("invalid_grant")), "{answer}");
    assert_eq!(failed.num_failures, 1);
    assert!(failed.last_failure > 0);
    assert_eq!(failed.last_ip_failure.as_deref(), Some("127.0.0.1"));
    assert_eq!((cleared.num_failures, cleared.disabled), (0, false));
}

#[tokio::test]
async fn the_demo_tenants_detect_brute_force_and_the_master_realm_does_not() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings);

    for tenant in ["acme", "globex"] {
        assert!(keycloak.realm_brute_force_protected(tenant).await.expect("realm"), "{tenant}");
    }
    assert!(!keycloak.realm_brute_force_protected("master").await.expect("master"));
}
