//! Server tests against the real Keycloak that `server/dev/test` starts (`CTC_TEST_KEYCLOAK_URL`):
//! a whole sign-in through Keycloak's own form, the rights it yields, cross-tenant refusal,
//! sign-out, and the start-up checks that name a wrong setting. Without the variable each test
//! says it was skipped.
//!
//! Keycloak marks its login cookies `Secure` even on plain http, so this client carries the
//! cookies itself instead of trusting a cookie jar to.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cloudtrust_backend::Secret;
use cloudtrust_backend::store::Outcome;
use tower::ServiceExt;

use crate::auth::{OidcProvider, ProviderError};
use crate::config::Config;
use crate::state::AppState;

const ORIGIN: &str = "http://127.0.0.1:3000";

fn keycloak_url() -> Option<url::Url> {
    match std::env::var("CTC_TEST_KEYCLOAK_URL") {
        Ok(url) => Some(url::Url::parse(&url).expect("CTC_TEST_KEYCLOAK_URL is a URL")),
        Err(_) => {
            eprintln!("CTC_TEST_KEYCLOAK_URL not set: test against the real Keycloak skipped");
            None
        }
    }
}

/// The settings of the demo environment (see `server/dev/console.toml`).
fn demo_config(keycloak: url::Url) -> Config {
    let dir = std::env::temp_dir().join(format!("ctc-kc-{}", uuid::Uuid::new_v4()));
    Config {
        database_url: Secret::new(format!("sqlite://{}/console.db", dir.display())),
        keycloak_url: keycloak,
        oidc_client_secret: Secret::new("demo-console-secret"),
        admin_client_secret: Secret::new("demo-service-secret"),
        ..Config::default()
    }
}

async fn app(config: Config) -> (Router, Arc<AppState>) {
    let leptos = leptos::config::LeptosOptions::builder().output_name("cloudtrust-console").build();
    let state = AppState::new(config, leptos).await.expect("state");
    (super::build(state.clone()), state)
}

async fn send(app: &Router, request: Request<Body>) -> axum::response::Response {
    app.clone().oneshot(request).await.expect("response")
}

fn location(headers: &axum::http::HeaderMap) -> String {
    headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The `name=value` pairs of the response's `Set-Cookie` headers that set a value.
fn set_cookies<'a>(
    values: impl Iterator<Item = &'a axum::http::HeaderValue>,
) -> Vec<(String, String)> {
    values
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn console_cookie(response: &axum::response::Response) -> Option<String> {
    set_cookies(response.headers().get_all(header::SET_COOKIE).iter())
        .into_iter()
        .find(|(name, value)| name == "ctc_session" && !value.is_empty())
        .map(|(name, value)| format!("{name}={value}"))
}

/// Signs `username` in through Keycloak's form, starting from the console's `/auth/login`,
/// and returns the callback URL Keycloak sends the browser to plus the console cookie that
/// holds the pending sign-in.
async fn through_keycloak(app: &Router, username: &str, next: &str) -> (String, String) {
    let login =
        send(app, Request::get(format!("/auth/login?next={next}")).body(Body::empty()).unwrap())
            .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let pending_cookie = console_cookie(&login).expect("the pending sign-in lives in a session");
    let authorize = location(login.headers());
    assert!(authorize.contains("code_challenge_method=S256"), "PKCE is used: {authorize}");

    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form_page = http.get(&authorize).send().await.expect("Keycloak's sign-in form");
    assert_eq!(form_page.status(), reqwest::StatusCode::OK);
    let cookies: Vec<String> = set_cookies(form_page.headers().get_all(header::SET_COOKIE).iter())
        .into_iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    let html = form_page.text().await.unwrap();
    let form = &html[html.find("kc-form-login").expect("Keycloak's login form")..];
    let action_start = form.find("action=\"").expect("the form's action") + "action=\"".len();
    let action =
        form[action_start..][..form[action_start..].find('"').unwrap()].replace("&amp;", "&");

    let answer = http
        .post(&action)
        .header(header::COOKIE, cookies.join("; "))
        .form(&[("username", username), ("password", "demo"), ("credentialId", "")])
        .send()
        .await
        .expect("Keycloak answers the form");
    assert_eq!(answer.status(), reqwest::StatusCode::FOUND, "Keycloak accepted {username}");
    let callback = location(answer.headers());
    let callback =
        callback.strip_prefix(ORIGIN).expect("Keycloak sends the browser back to the console");
    (callback.to_owned(), pending_cookie)
}

async fn rights(app: &Router, cookie: &str) -> (StatusCode, serde_json::Value) {
    let request = Request::post("/api/rights")
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, ORIGIN)
        .body(Body::empty())
        .unwrap();
    let response = send(app, request).await;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

async fn server_fn(app: &Router, cookie: &str, endpoint: &str, tenant: &str) -> StatusCode {
    let request = Request::post(format!("/api/{endpoint}"))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("tenant={tenant}")))
        .unwrap();
    send(app, request).await.status()
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

    let (callback, pending) = through_keycloak(&app, "hugo.helpdesk", "/").await;
    let done = send(
        &app,
        Request::get(&callback).header(header::COOKIE, &pending).body(Body::empty()).unwrap(),
    )
    .await;
    let session = console_cookie(&done).expect("a session cookie");

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
