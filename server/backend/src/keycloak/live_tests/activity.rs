//! What users do and hold, against the real Keycloak: sessions and signing out, offline tokens
//! and consents, events, links to identity providers.

use reqwest::Method;
use serde_json::json;

use super::fixtures::unique_name;
use super::fixtures::{APP, REALM, Throwaway, client, client_uuid, detached, settings, sign_in};
use crate::Secret;
use crate::keycloak::{FederatedIdentity, KeycloakAdmin, KeycloakError, KeycloakSettings};

/// A throwaway user who has a password, and the password.
async fn user_with_password(settings: &KeycloakSettings) -> (Throwaway, Secret) {
    let user = Throwaway::create(settings, json!({})).await;
    let password = Secret::new(format!("Pw-{}", uuid::Uuid::new_v4()));
    let keycloak = client(settings.clone());
    keycloak.reset_password(REALM, &user.id, &password, false).await.expect("a password");
    (user, password)
}

/// An identity provider made for one test (hidden from the sign-in page), deleted when dropped.
struct ThrowawayProvider {
    settings: KeycloakSettings,
    alias: String,
}

impl ThrowawayProvider {
    async fn create(settings: &KeycloakSettings) -> ThrowawayProvider {
        let (keycloak, alias) = (client(settings.clone()), unique_name());
        let url = keycloak.admin_url(&[REALM, "identity-provider", "instances"]);
        let provider = json!({
            "alias": alias, "providerId": "oidc", "enabled": true, "hideOnLogin": true,
            "config": {
                "authorizationUrl": "https://idp.example.test/auth",
                "tokenUrl": "https://idp.example.test/token",
                "clientId": "console-test", "clientSecret": "unused",
                "clientAuthMethod": "client_secret_post",
            },
        });

        keycloak.send_json(Method::POST, url, &provider, "create provider").await.expect("idp");

        ThrowawayProvider { settings: settings.clone(), alias }
    }
}

impl Drop for ThrowawayProvider {
    fn drop(&mut self) {
        let alias = self.alias.clone();
        let deleted = detached(&self.settings, async move |kc: KeycloakAdmin| {
            let url = kc.admin_url(&[REALM, "identity-provider", "instances", &alias]);
            kc.send("delete provider", |http| http.delete(url.clone())).await.map(drop)
        });
        if let Err(err) = deleted {
            eprintln!("throwaway identity provider {} not deleted: {err}", self.alias);
        }
    }
}

#[tokio::test]
async fn a_sign_in_opens_a_session_and_signing_the_user_out_ends_it() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let (user, password) = user_with_password(&settings).await;
    let (status, _) = sign_in(&settings, &user.username, password.expose(), "openid").await;
    assert_eq!(status, 200);

    let sessions = keycloak.user_sessions(REALM, &user.id).await.expect("sessions");
    keycloak.logout_user(REALM, &user.id).await.expect("signed out");
    let after = keycloak.user_sessions(REALM, &user.id).await.expect("sessions");

    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert!(sessions[0].clients.values().any(|c| c == APP), "{sessions:?}");
    assert_eq!(sessions[0].ip_address.as_deref(), Some("127.0.0.1"));
    assert!(sessions[0].start > 0 && sessions[0].last_access >= sessions[0].start);
    assert!(!sessions[0].remember_me);
    assert!(after.is_empty(), "{after:?}");
}

#[tokio::test]
async fn an_offline_token_is_an_offline_session_and_a_consent_until_revoked() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let (user, password) = user_with_password(&settings).await;
    let app = client_uuid(&keycloak, APP).await;
    let scope = "openid offline_access";
    let (status, answer) = sign_in(&settings, &user.username, password.expose(), scope).await;
    assert_eq!(status, 200, "{answer}");

    let offline = keycloak.user_offline_sessions(REALM, &user.id, &app).await.expect("offline");
    let consents = keycloak.user_consents(REALM, &user.id).await.expect("consents");
    keycloak.revoke_consent(REALM, &user.id, APP).await.expect("revoked");
    let offline_after = keycloak.user_offline_sessions(REALM, &user.id, &app).await.unwrap();
    let consents_after = keycloak.user_consents(REALM, &user.id).await.unwrap();

    assert_eq!(offline.len(), 1, "{offline:?}");
    assert_eq!(offline[0].clients.get(&app).map(String::as_str), Some(APP));
    let consent = consents.iter().find(|c| c.client_id == APP).expect("a consent");
    assert!(consent.additional_grants.iter().any(|g| g["key"] == "Offline Token"), "{consent:?}");
    assert!(offline_after.is_empty(), "{offline_after:?}");
    assert!(consents_after.is_empty(), "{consents_after:?}");
}

#[tokio::test]
async fn a_users_events_are_listed_newest_first() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let (user, password) = user_with_password(&settings).await;
    sign_in(&settings, &user.username, "wrong", "openid").await;
    // Keycloak stamps events in milliseconds: keep the two apart.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    sign_in(&settings, &user.username, password.expose(), "openid").await;

    let events = keycloak.user_events(REALM, &user.id, 10).await.expect("events");
    let one = keycloak.user_events(REALM, &user.id, 1).await.expect("events");

    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["LOGIN", "LOGIN_ERROR"], "{events:?}");
    assert!(events[0].time >= events[1].time);
    assert_eq!(events[0].client_id.as_deref(), Some(APP));
    assert_eq!(events[1].error.as_deref(), Some("invalid_user_credentials"));
    assert_eq!(events[0].details.get("username"), Some(&user.username));
    assert_eq!(one, events[..1]);
}

#[tokio::test]
async fn a_link_to_an_identity_provider_is_listed_and_unlinked() {
    let Some(settings) = settings() else { return };
    let keycloak = client(settings.clone());
    let user = Throwaway::create(&settings, json!({})).await;
    let provider = ThrowawayProvider::create(&settings).await;
    let link = FederatedIdentity {
        identity_provider: provider.alias.clone(),
        user_id: "ext-4711".into(),
        user_name: "ext.user".into(),
    };
    let url = keycloak.admin_url(&[
        REALM,
        "users",
        &user.id,
        "federated-identity",
        &link.identity_provider,
    ]);
    keycloak.send_json(Method::POST, url, &link, "link").await.expect("linked");

    let linked = keycloak.federated_identities(REALM, &user.id).await.expect("links");
    keycloak.unlink_identity(REALM, &user.id, &provider.alias).await.expect("unlinked");
    let after = keycloak.federated_identities(REALM, &user.id).await.expect("links");
    let again = keycloak.unlink_identity(REALM, &user.id, &provider.alias).await;

    assert_eq!(linked, [link]);
    assert!(after.is_empty());
    assert!(matches!(again, Err(KeycloakError::NotFound { .. })), "{again:?}");
}
