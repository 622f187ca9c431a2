//! The account of one user: enabling and disabling, lifting a lockout, passwords, the
//! required-actions email and signing out everywhere.

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::super::test_support::{call, sign_in};
use super::{
    ACME, HELPDESK, Throwaway, console, direct_grant, field_of, keycloak, on_user, token_request,
};
use crate::state::AppState;

/// The user's detail, read again until `done` holds of it (Keycloak counts sign-in failures
/// as it handles them), for at most ten seconds.
async fn detail_when(app: &Router, cookie: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..20 {
        let (status, detail) = on_user(app, cookie, "users/get", id, &[]).await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        if done(&detail) {
            return detail;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the user's detail never showed the expected state");
}

#[tokio::test]
async fn disabling_a_user_stops_their_sign_in_and_enabling_restores_it() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::with_password(&state, "Throwaway-1").await;

    let (disabled, _) =
        on_user(&app, &cookie, "users/enable", &user.id, &[("enabled", "false")]).await;
    let (refused, refusal) = direct_grant(&state, &user.username, "Throwaway-1").await;
    let (enabled, _) =
        on_user(&app, &cookie, "users/enable", &user.id, &[("enabled", "true")]).await;
    let (accepted, _) = direct_grant(&state, &user.username, "Throwaway-1").await;

    assert_eq!(disabled, StatusCode::OK);
    assert_eq!(refused, StatusCode::BAD_REQUEST);
    assert_eq!(refusal["error_description"], "Account disabled");
    assert_eq!(enabled, StatusCode::OK);
    assert_eq!(accepted, StatusCode::OK);
}

#[tokio::test]
async fn failed_sign_ins_lock_a_user_out_and_unlocking_lets_them_sign_in_again() {
    // The demo tenants protect against brute force: five failures lock a user out.
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::with_password(&state, "Throwaway-1").await;
    for _ in 0..6 {
        let (_, refusal) = direct_grant(&state, &user.username, "not-the-password").await;
        assert_eq!(refusal["error"], "invalid_grant");
    }
    let locked = detail_when(&app, &cookie, &user.id, |d| d["lockout"]["locked"] == true).await;
    let (refused, _) = direct_grant(&state, &user.username, "Throwaway-1").await;

    let (status, answer) = on_user(&app, &cookie, "users/unlock", &user.id, &[]).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(locked["lockout"]["failures"].as_u64().unwrap() >= 1, "{locked}");
    assert_ne!(refused, StatusCode::OK, "a locked-out user cannot sign in with the password");
    let (_, unlocked) = on_user(&app, &cookie, "users/get", &user.id, &[]).await;
    assert_eq!(
        unlocked["lockout"],
        json!({
            "locked": false, "failures": 0, "last_failure_ms": 0, "last_ip": null
        })
    );
    assert_eq!(direct_grant(&state, &user.username, "Throwaway-1").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_generated_password_is_answered_and_signs_the_user_in() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;

    let (status, answer) =
        on_user(&app, &cookie, "users/reset-password", &user.id, &[("temporary", "false")]).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["temporary"], false);
    let password = answer["generated"].as_str().expect("a generated password");
    assert_eq!(direct_grant(&state, &user.username, password).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_typed_temporary_password_is_not_echoed_and_must_be_changed_at_sign_in() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let typed = [("password", "Typed-password-1"), ("temporary", "true")];

    let (status, answer) = on_user(&app, &cookie, "users/reset-password", &user.id, &typed).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer, json!({ "generated": null, "temporary": true }));
    let held = keycloak(&state).user(ACME, &user.id).await.unwrap().required_actions;
    assert_eq!(held, ["UPDATE_PASSWORD"]);
    let (signed_in, refusal) = direct_grant(&state, &user.username, "Typed-password-1").await;
    assert_eq!(signed_in, StatusCode::BAD_REQUEST);
    assert_eq!(refusal["error_description"], "Account is not fully set up");
}

#[tokio::test]
async fn a_blank_typed_password_is_refused_on_the_password_field() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;

    let (status, answer) =
        on_user(&app, &cookie, "users/reset-password", &user.id, &[("password", "   ")]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(field_of(&answer), Some("password"));
}

#[tokio::test]
async fn a_password_the_realms_policy_refuses_is_refused_on_the_password_field() {
    // The demo tenants have no password policy; a realm of its own has one.
    let Some((app, state)) = console().await else { return };
    let realm = PolicyRealm::create(&state, "length(12)").await;
    let cookie = sign_in(&app, "pat.platform").await;
    let query = cloudtrust_backend::keycloak::UserQuery { max: 1, ..Default::default() };
    let id = keycloak(&state).list_users(&realm.name, &query).await.unwrap().remove(0).id;
    let short = [("tenant", realm.name.as_str()), ("id", &id), ("password", "Short-1")];
    let long = [("tenant", realm.name.as_str()), ("id", &id), ("password", "Long-enough-1")];

    let (refused, answer) = call(&app, &cookie, "users/reset-password", &short).await;
    let (accepted, _) = call(&app, &cookie, "users/reset-password", &long).await;

    assert_eq!(refused, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(field_of(&answer), Some("password"));
    assert!(answer["message"].as_str().unwrap().contains("policy"), "{answer}");
    assert_eq!(accepted, StatusCode::OK);
}

#[tokio::test]
async fn the_actions_email_without_an_smtp_server_says_the_email_could_not_be_sent() {
    // The demo tenants have no SMTP settings.
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({})).await;
    let args = [("actions[UPDATE_PASSWORD]", "on"), ("lifespan_hours", "12")];

    let (status, answer) = on_user(&app, &cookie, "users/actions-email", &user.id, &args).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert_eq!(answer["kind"], "Unavailable");
    assert!(answer["message"].as_str().unwrap().contains("SMTP"), "{answer}");
}

#[tokio::test]
async fn the_actions_email_to_a_user_without_an_email_address_is_refused() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::create(&state, json!({ "email": null })).await;
    let args = [("actions[UPDATE_PASSWORD]", "on"), ("lifespan_hours", "12")];

    let (status, answer) = on_user(&app, &cookie, "users/actions-email", &user.id, &args).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("no email address"), "{answer}");
}

#[tokio::test]
async fn signing_a_user_out_ends_their_sessions_and_their_refresh_token() {
    let Some((app, state)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let user = Throwaway::with_password(&state, "Throwaway-1").await;
    let (_, tokens) = direct_grant(&state, &user.username, "Throwaway-1").await;
    let refresh = tokens["refresh_token"].as_str().expect("a refresh token").to_owned();
    let (_, before) = on_user(&app, &cookie, "users/security", &user.id, &[]).await;

    let (status, answer) = on_user(&app, &cookie, "users/sign-out", &user.id, &[]).await;

    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(before["sessions"].as_array().unwrap().len(), 1, "{before}");
    let (_, after) = on_user(&app, &cookie, "users/security", &user.id, &[]).await;
    assert_eq!(after["sessions"], json!([]));
    let form =
        [("grant_type", "refresh_token"), ("client_id", super::APP), ("refresh_token", &refresh)];
    let (refreshed, _) = token_request(&state, &form).await;
    assert_eq!(refreshed, StatusCode::BAD_REQUEST, "the refresh token no longer works");
}

/// A realm of its own with a password policy and one user, deleted when dropped.
struct PolicyRealm {
    name: String,
    admin: url::Url,
    token: String,
}

impl PolicyRealm {
    async fn create(state: &AppState, policy: &str) -> PolicyRealm {
        let name = super::unique_name();
        let token = service_token(state).await;
        let admin = state.config.keycloak_url.join("admin/realms").unwrap();
        let realm = json!({
            "realm": name,
            "enabled": true,
            "passwordPolicy": policy,
            "users": [{ "username": "ctc-t-person", "enabled": true }],
        });

        let created = reqwest::Client::new()
            .post(admin.clone())
            .bearer_auth(&token)
            .json(&realm)
            .send()
            .await
            .expect("sent");

        assert_eq!(created.status(), reqwest::StatusCode::CREATED, "the realm {name}");
        PolicyRealm { name, admin, token }
    }
}

impl Drop for PolicyRealm {
    fn drop(&mut self) {
        let url = format!("{}/{}", self.admin, self.name);
        let token = self.token.clone();
        let deleted = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            let request = reqwest::Client::new().delete(url).bearer_auth(token).send();
            runtime.expect("a runtime").block_on(request).map(|r| r.status())
        })
        .join();
        if !matches!(deleted, Ok(Ok(status)) if status.is_success()) {
            eprintln!("realm {} not deleted: {deleted:?}", self.name);
        }
    }
}

/// A token of the console's service account, for what the console's client does not do.
async fn service_token(state: &AppState) -> String {
    let config = &state.config;
    let endpoint = config
        .keycloak_url
        .join(&format!("realms/{}/protocol/openid-connect/token", config.admin_realm))
        .unwrap();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", config.admin_client_id.as_str()),
        ("client_secret", config.admin_client_secret.expose()),
    ];

    let answer: Value = reqwest::Client::new()
        .post(endpoint)
        .form(&form)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("a token answer");

    answer["access_token"].as_str().expect("a token").to_owned()
}
