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
    state_without_keycloak_and(|_| {}).await
}

/// [`state_without_keycloak`] with settings changed by `change`.
async fn state_without_keycloak_and(change: impl FnOnce(&mut Config)) -> Arc<AppState> {
    let dir = std::env::temp_dir().join(format!("ctc-router-{}", uuid::Uuid::new_v4()));
    let mut config = Config {
        database_url: Secret::new(format!("sqlite://{}/console.db", dir.display())),
        keycloak_url: url::Url::parse("http://127.0.0.1:9").unwrap(),
        oidc_client_secret: Secret::new("test-oidc-secret"),
        admin_client_secret: Secret::new("test-admin-secret"),
        keycloak_timeout_secs: 2,
        ..Config::default()
    };
    change(&mut config);
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

#[tokio::test]
async fn health_with_keycloak_out_of_reach_answers_503_naming_it_and_no_secret() {
    let request = Request::get("/health").body(Body::empty()).unwrap();

    let response = send(request).await;

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    let health: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(health["status"], "down");
    let state = |name: &str| {
        let checks = health["checks"].as_array().unwrap();
        checks.iter().find(|c| c["name"] == name).map(|c| c["state"].clone())
    };
    assert_eq!(state("keycloak.admin-api"), Some("down".into()));
    assert_eq!(state("database"), Some("up".into()));
    assert_eq!(state("metrics-store"), Some("degraded".into()), "no store set: charts off");
    for secret in ["test-admin-secret", "test-oidc-secret", "127.0.0.1:9", "sqlite://"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

/// The console's metrics as text, and the count of `PUT /health/live` answered 405 in it (a
/// request no other test makes).
async fn scrape(app: &axum::Router) -> (String, f64) {
    let response = app.clone().oneshot(Request::get("/metrics").body(Body::empty()).unwrap());
    let response = response.await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let body = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    let count = text
        .lines()
        .filter(|l| l.starts_with("ctc_http_requests_total{"))
        .filter(|l| l.contains("route=\"/health/live\"") && l.contains("method=\"PUT\""))
        .filter(|l| l.contains("status=\"405\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    (text, count)
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_method_and_status() {
    let app = super::build(state_without_keycloak().await);
    let (_, before) = scrape(&app).await;

    for _ in 0..3 {
        let put = Request::put("/health/live").body(Body::empty()).unwrap();
        app.clone().oneshot(put).await.unwrap();
    }

    let (text, after) = scrape(&app).await;
    assert_eq!(after - before, 3.0, "{text}");
    assert!(text.contains("ctc_http_request_duration_seconds_bucket{"), "{text}");
    assert!(text.contains("ctc_db_pool_connections"), "{text}");
    for secret in ["test-admin-secret", "test-oidc-secret", "sqlite://"] {
        assert!(!text.contains(secret), "{secret} in the metrics");
    }
}

#[tokio::test]
async fn the_probes_are_rate_limited_and_say_when_to_come_back() {
    let app = super::build(state_without_keycloak().await);

    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..120 {
        let request = Request::get("/metrics").body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = response.headers().get(header::RETRY_AFTER).cloned();
        }
        statuses.push(response.status());
    }

    assert!(statuses[..50].iter().all(|s| *s == StatusCode::OK), "a burst is answered");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "a flood is not");
    assert_eq!(retry_after.unwrap(), "1");
    let live = Request::get("/health/live").body(Body::empty()).unwrap();
    let probe = app.clone().oneshot(live).await.unwrap();
    assert_eq!(probe.status(), StatusCode::OK, "an orchestrator's probe is never refused");
}

#[tokio::test]
async fn metrics_with_a_token_set_answer_only_the_bearer_of_it() {
    let state =
        state_without_keycloak_and(|config| config.metrics_token = Secret::new("scrape-me")).await;
    let app = super::build(state);
    let scrape = |token: Option<&str>| {
        let mut request = Request::get("/metrics");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        request.body(Body::empty()).unwrap()
    };

    let without = app.clone().oneshot(scrape(None)).await.unwrap();
    let wrong = app.clone().oneshot(scrape(Some("scrape-you"))).await.unwrap();
    let right = app.clone().oneshot(scrape(Some("scrape-me"))).await.unwrap();

    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(right.status(), StatusCode::OK);
}
