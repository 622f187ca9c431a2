//! Router tests through `oneshot`, with no socket and no Keycloak: what a request without a
//! session meets, and that every route and server function is in the policy's catalogue.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cloudtrust_app::api::SERVER_FNS;
use cloudtrust_app::pages::PAGES;
use cloudtrust_backend::Secret;
use tower::ServiceExt;

use crate::config::Config;
use crate::state::AppState;

/// A state whose Keycloak is a closed port: everything that needs it is unavailable.
async fn state_without_keycloak() -> Arc<AppState> {
    let dir = std::env::temp_dir().join(format!("ctc-router-{}", uuid::Uuid::new_v4()));
    let config = Config {
        database_url: Secret::new(format!("sqlite://{}/console.db", dir.display())),
        keycloak_url: url::Url::parse("http://127.0.0.1:9").unwrap(),
        oidc_client_secret: Secret::new("test-oidc-secret"),
        admin_client_secret: Secret::new("test-admin-secret"),
        keycloak_timeout_secs: 2,
        ..Config::default()
    };
    let leptos = leptos::config::LeptosOptions::builder().output_name("cloudtrust-console").build();
    AppState::new(config, leptos).await.expect("state")
}

async fn send(request: Request<Body>) -> axum::response::Response {
    let app = super::build(state_without_keycloak().await);
    app.oneshot(request).await.expect("response")
}

fn location(response: &axum::response::Response) -> &str {
    response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn a_private_page_without_a_session_goes_through_sign_in_and_back() {
    let request = Request::get("/t/acme/users?q=ann").body(Body::empty()).unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/auth/login?next=/t/acme/users%3Fq%3Dann");
}

#[tokio::test]
async fn a_server_function_without_a_session_answers_401() {
    let request = Request::post("/api/rights").body(Body::empty()).unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_cross_origin_post_is_refused() {
    let request = Request::post("/auth/logout")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::empty())
        .unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signing_out_without_a_session_returns_to_the_sign_in_page() {
    let request = Request::post("/auth/logout")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .body(Body::empty())
        .unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/signin?reason=signed_out");
}

#[tokio::test]
async fn sign_in_while_keycloak_is_down_says_so_and_keeps_the_page_asked_for() {
    let request = Request::get("/auth/login?next=/t/acme").body(Body::empty()).unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/signin?reason=idp_unreachable&next=/t/acme");
}

#[tokio::test]
async fn a_callback_without_a_sign_in_in_progress_is_refused_without_a_session() {
    let request =
        Request::get("/auth/callback?code=forged&state=forged").body(Body::empty()).unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/signin?reason=refused"), "{}", location(&response));
}

#[tokio::test]
async fn the_health_probes_answer_without_a_session() {
    for path in ["/health/live", "/health/ready"] {
        let response = send(Request::get(path).body(Body::empty()).unwrap()).await;

        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_sign_in_page_is_public_and_explains_an_unreachable_provider() {
    let request = Request::get("/signin?reason=idp_unreachable").body(Body::empty()).unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("identity provider cannot be reached"), "{html}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let response = send(Request::get("/health/live").body(Body::empty()).unwrap()).await;

    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-request-id"].len(), 36);
}

#[test]
fn every_registered_server_function_is_in_the_catalogue_and_back() {
    let registered: Vec<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect();
    let catalogued: Vec<String> = SERVER_FNS.iter().map(|(e, _)| format!("/api/{e}")).collect();

    for path in &registered {
        assert!(catalogued.contains(path), "server function {path} is not in api::SERVER_FNS");
    }
    for path in &catalogued {
        assert!(registered.contains(path), "{path} is catalogued but not registered");
    }
}

#[test]
fn every_page_route_is_in_the_catalogue_and_back() {
    let served: Vec<String> = leptos_axum::generate_route_list(cloudtrust_app::App)
        .iter()
        .map(|route| route.path().to_owned())
        .collect();
    let catalogued: Vec<&str> = PAGES.iter().map(|(p, _)| *p).collect();

    for path in &served {
        assert!(catalogued.contains(&path.as_str()), "page {path} is not in pages::PAGES");
    }
    for path in &catalogued {
        assert!(served.iter().any(|s| s == path), "{path} is catalogued but not served");
    }
}

#[tokio::test]
async fn every_public_route_is_served_without_a_session() {
    for path in super::PUBLIC_ROUTES {
        let method = if *path == "/auth/logout" { "POST" } else { "GET" };
        let request = Request::builder().method(method).uri(*path).body(Body::empty()).unwrap();

        let response = send(request).await;

        assert_ne!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!location(&response).starts_with("/auth/login"), "{path} asks for a session");
    }
}

#[tokio::test]
async fn every_download_without_a_session_goes_through_sign_in() {
    for (path, _) in cloudtrust_app::api::DOWNLOADS {
        let path = path.replace("{tenant}", "acme");
        let request = Request::get(&path).body(Body::empty()).unwrap();

        let response = send(request).await;

        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&response).starts_with("/auth/login?next="), "{path}");
    }
}

#[tokio::test]
async fn a_server_function_whose_arguments_do_not_parse_answers_400_not_500() {
    let request = Request::post("/api/users/search")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("tenant=acme&search[page]=abc"))
        .unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["kind"], "InvalidInput");
}
