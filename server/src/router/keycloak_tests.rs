//! Server tests against the real Keycloak that `server/dev/test` starts (`CTC_TEST_KEYCLOAK_URL`):
//! a whole sign-in through Keycloak's own form, the rights it yields, cross-tenant refusal,
//! sign-out, and the start-up checks that name a wrong setting. Without the variable each test
//! says it was skipped.
//!
//! The helpers they share with the other Keycloak tests live in `test_support`.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cloudtrust_backend::Secret;
use cloudtrust_backend::store::Outcome;

use super::test_support::{
    ORIGIN, app, call, console_cookie, demo_config, keycloak_url, location, send, sign_in,
    through_keycloak,
};
use crate::auth::{OidcProvider, ProviderError};
use crate::config::Config;

async fn rights(app: &axum::Router, cookie: &str) -> (StatusCode, serde_json::Value) {
    call(app, cookie, "rights", &[]).await
}

async fn server_fn(app: &axum::Router, cookie: &str, endpoint: &str, tenant: &str) -> StatusCode {
    call(app, cookie, endpoint, &[("tenant", tenant)]).await.0
}

#[tokio::test]
async fn a_tenant_admin_signs_in_through_keycloak_holds_their_tenant_only_and_signs_out() {
    let Some(keycloak) = keycloak_url() else { return };
    let (app, state) = app(demo_config(keycloak)).await;

    let (callback, pending) = through_keycloak(&app, "alice.admin", "/t/acme").await;
    let done = send(
        &app,
        Request::get(&callback).header(header::COOKIE, &pending).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(done.headers()), "/t/acme", "back to the page asked for");
    let session = console_cookie(&done).expect("a session cookie");
    assert_ne!(session, pending, "the session id is renewed at sign-in");

    let (status, body) = rights(&app, &session).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["username"], "alice.admin");
    let tenants: Vec<&str> =
        body["tenants"].as_array().unwrap().iter().map(|t| t["tenant"].as_str().unwrap()).collect();
    assert_eq!(tenants, ["acme"]);
    assert_eq!(body["tenants"][0]["roles"], serde_json::json!(["TenantAdmin"]));

    assert_eq!(server_fn(&app, &session, "tenant/settings", "acme").await, StatusCode::OK);
    assert_eq!(server_fn(&app, &session, "tenant/overview", "globex").await, StatusCode::FORBIDDEN);
    let (old, _) = rights(&app, &pending).await;
    assert_eq!(old, StatusCode::UNAUTHORIZED, "the pre-sign-in session id opens nothing");

    let logout = Request::post("/auth/logout")
        .header(header::COOKIE, &session)
        .header(header::ORIGIN, ORIGIN)
        .body(Body::empty())
        .unwrap();
    let logout = send(&app, logout).await;
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    let end_session = location(logout.headers());
    assert!(
        end_session.contains("/realms/console/protocol/openid-connect/logout"),
        "{end_session}"
    );
    assert!(end_session.contains("id_token_hint="), "Keycloak's session ends too: {end_session}");
    let (after, _) = rights(&app, &session).await;
    assert_eq!(after, StatusCode::UNAUTHORIZED);

    let trail = state.store.recent_audit(None, 10).await.unwrap();
    let actions: Vec<(&str, Outcome)> =
        trail.iter().rev().map(|r| (r.entry.action.as_str(), r.entry.outcome)).collect();
    assert!(actions.contains(&("sign_in", Outcome::Success)), "{actions:?}");
    assert!(actions.contains(&("sign_out", Outcome::Success)), "{actions:?}");
    assert!(
        trail
            .iter()
            .any(|r| r.entry.outcome == Outcome::Denied
                && r.entry.tenant.as_deref() == Some("globex"))
    );
}

#[tokio::test]
async fn a_helpdesk_agent_is_refused_the_tenant_admin_server_function() {
    let Some(keycloak) = keycloak_url() else { return };
    let (app, _) = app(demo_config(keycloak)).await;

    let session = sign_in(&app, "hugo.helpdesk").await;

    assert_eq!(server_fn(&app, &session, "tenant/overview", "acme").await, StatusCode::OK);
    assert_eq!(server_fn(&app, &session, "tenant/settings", "acme").await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_person_without_a_console_role_is_signed_out_of_keycloak_and_told_why() {
    let Some(keycloak) = keycloak_url() else { return };
    let (app, _) = app(demo_config(keycloak)).await;

    let (callback, pending) = through_keycloak(&app, "nora.norole", "/").await;
    let done = send(
        &app,
        Request::get(&callback).header(header::COOKIE, &pending).body(Body::empty()).unwrap(),
    )
    .await;

    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let to = location(done.headers());
    assert!(to.contains("/protocol/openid-connect/logout"), "{to}");
    assert!(to.contains("signin%3Freason%3Dno_access"), "{to}");
    if let Some(cookie) = console_cookie(&done) {
        assert_eq!(rights(&app, &cookie).await.0, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let Some(keycloak) = keycloak_url() else { return };
    let (app, _) = app(demo_config(keycloak)).await;

    let (callback, pending) = through_keycloak(&app, "gina.globex", "/").await;
    let first = send(
        &app,
        Request::get(&callback).header(header::COOKIE, &pending).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let session = console_cookie(&first).expect("a session cookie");

    // The same code and state again, on the new session: nothing is pending any more.
    let again = send(
        &app,
        Request::get(&callback).header(header::COOKIE, &session).body(Body::empty()).unwrap(),
    )
    .await;
    assert!(
        location(again.headers()).starts_with("/signin?reason=refused"),
        "{}",
        location(again.headers())
    );
}

#[tokio::test]
async fn the_start_checks_name_the_setting_that_keycloak_refuses() {
    let Some(keycloak) = keycloak_url() else { return };
    let check = |config: Config| async move { OidcProvider::new(&config).unwrap().verify().await };

    check(demo_config(keycloak.clone())).await.expect("the demo settings are right");

    let wrong_secret = Config {
        oidc_client_secret: Secret::new("not-the-secret"),
        ..demo_config(keycloak.clone())
    };
    assert_setting(check(wrong_secret).await, "CTC_OIDC_CLIENT_ID or CTC_OIDC_CLIENT_SECRET");

    let wrong_realm =
        Config { oidc_realm: "no-such-realm".into(), ..demo_config(keycloak.clone()) };
    assert_setting(check(wrong_realm).await, "CTC_OIDC_REALM");

    let wrong_address = Config {
        public_url: url::Url::parse("https://console.elsewhere.example").unwrap(),
        ..demo_config(keycloak.clone())
    };
    assert_setting(check(wrong_address).await, "CTC_PUBLIC_URL");

    let wrong_client = Config { oidc_client_id: "no-such-client".into(), ..demo_config(keycloak) };
    // Keycloak answers an unknown client as it answers a wrong secret.
    assert_setting(check(wrong_client).await, "CTC_OIDC_CLIENT_ID or CTC_OIDC_CLIENT_SECRET");
}

fn assert_setting(result: Result<(), ProviderError>, expected: &str) {
    match result {
        Err(ProviderError::Misconfigured { setting, .. }) => assert_eq!(setting, expected),
        other => panic!("expected {expected} to be named, got {other:?}"),
    }
}
