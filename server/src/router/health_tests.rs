//! The health checks against the real Keycloak and Prometheus that `server/dev/test` starts,
//! each seen through a forwarder the test can cut: Keycloak stopped turns its checks down
//! within one interval and back up after it returns, with both moments in the history;
//! Prometheus stopped only degrades, and the charts say the store cannot be reached; the
//! charts draw from the real Prometheus and give their numbers as CSV; bad ranges, other roles,
//! other tenants and names that are no tenant are refused.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cloudtrust_backend::health::CheckState;
use serde_json::Value;

use crate::config::CredentialedUrl;

use super::test_support::{Forwarder, app, call, demo_config, keycloak_url, send, sign_in};

/// A little more than one check interval (and than the gap between two runs).
const ONE_INTERVAL: Duration = Duration::from_millis(5_500);

/// Keycloak, its management port and Prometheus, or `None` (after saying so).
fn upstreams() -> Option<(url::Url, url::Url, url::Url)> {
    let keycloak = keycloak_url()?;
    let read = |name: &str, default: &str| {
        url::Url::parse(&std::env::var(name).unwrap_or_else(|_| default.to_owned())).unwrap()
    };
    let management = read("CTC_TEST_KEYCLOAK_MANAGEMENT_URL", "http://127.0.0.1:9180");
    let Ok(prometheus) = std::env::var("CTC_TEST_PROMETHEUS_URL") else {
        eprintln!("CTC_TEST_PROMETHEUS_URL not set: test against the real Prometheus skipped");
        return None;
    };
    Some((keycloak, management, url::Url::parse(&prometheus).unwrap()))
}

async fn health(app: &Router) -> (StatusCode, Value) {
    let response = send(app, Request::get("/health").body(Body::empty()).unwrap()).await;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

fn state_of<'a>(health: &'a Value, check: &str) -> &'a str {
    let checks = health["checks"].as_array().expect("checks");
    let found = checks.iter().find(|c| c["name"] == check);
    found.and_then(|c| c["state"].as_str()).unwrap_or_else(|| panic!("no {check} in {health}"))
}

#[tokio::test]
async fn keycloak_stopped_is_down_within_an_interval_and_up_again_after_with_both_moments_kept() {
    let Some((keycloak, management, prometheus)) = upstreams() else { return };
    let (kc, probes) = (Forwarder::start(&keycloak).await, Forwarder::start(&management).await);
    let mut config = demo_config(kc.url.clone());
    config.keycloak_management_url = Some(probes.url.clone());
    config.metrics_url = Some(CredentialedUrl(prometheus));
    (config.health_interval_secs, config.health_timeout_secs) = (5, 2);
    let (app, state) = app(config).await;
    let (status, before) = health(&app).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(state_of(&before, "keycloak.ready"), "up");

    kc.cut();
    probes.cut();
    tokio::time::sleep(ONE_INTERVAL).await;
    let (status, stopped) = health(&app).await;
    kc.restore();
    probes.restore();
    tokio::time::sleep(ONE_INTERVAL).await;
    let (status_after, after) = health(&app).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{stopped}");
    assert_eq!(stopped["status"], "down");
    for check in ["keycloak.admin-api", "keycloak.ready", "keycloak.live", "keycloak.started"] {
        assert_eq!(state_of(&stopped, check), "down", "{check}: {stopped}");
    }
    assert_eq!(state_of(&stopped, "database"), "up");
    assert_eq!(status_after, StatusCode::OK, "{after}");
    assert_eq!(state_of(&after, "keycloak.ready"), "up");
    let changes = state.store.health_changes(None, 0, 100).await.unwrap();
    let mut ready: Vec<_> = changes
        .iter()
        .filter(|c| c.name == "keycloak.ready")
        .map(|c| (c.previous, c.state))
        .collect();
    ready.reverse();
    assert_eq!(
        ready,
        [
            (None, CheckState::Up),
            (Some(CheckState::Up), CheckState::Down),
            (Some(CheckState::Down), CheckState::Up)
        ]
    );
}

#[tokio::test]
async fn prometheus_stopped_only_degrades_and_the_charts_say_the_store_is_unreachable() {
    let Some((keycloak, management, prometheus)) = upstreams() else { return };
    let store = Forwarder::start(&prometheus).await;
    let mut config = demo_config(keycloak);
    config.keycloak_management_url = Some(management);
    config.metrics_url = Some(CredentialedUrl(store.url.clone()));
    (config.health_interval_secs, config.health_timeout_secs) = (5, 2);
    let (app, _) = app(config).await;
    let (_, before) = health(&app).await;
    assert_eq!(state_of(&before, "metrics-store"), "up", "{before}");
    let admin = sign_in(&app, "alice.admin").await;

    store.cut();
    tokio::time::sleep(ONE_INTERVAL).await;
    let (status, stopped) = health(&app).await;
    let args = [("tenant", "acme"), ("range[preset]", "1h")];
    let charts =
        tokio::time::timeout(Duration::from_secs(20), call(&app, &admin, "health/charts", &args));
    let (chart_status, charts) = charts.await.expect("the charts answer, they do not hang");

    assert_eq!(status, StatusCode::OK, "{stopped}");
    assert_eq!(stopped["status"], "degraded");
    assert_eq!(state_of(&stopped, "metrics-store"), "down");
    assert_eq!(state_of(&stopped, "keycloak.admin-api"), "up");
    assert_eq!(chart_status, StatusCode::OK, "{charts}");
    for chart in charts["charts"].as_array().unwrap() {
        assert!(chart["svg"].is_null(), "{chart}");
        let problem = chart["problem"].as_str().unwrap_or_default();
        assert!(problem.contains("cannot be reached"), "{problem}");
    }
}

#[tokio::test]
async fn the_charts_draw_keycloak_metrics_from_prometheus_and_give_their_numbers_as_csv() {
    let Some((keycloak, management, prometheus)) = upstreams() else { return };
    let mut config = demo_config(keycloak);
    config.keycloak_management_url = Some(management);
    config.metrics_url = Some(CredentialedUrl(prometheus));
    let (app, _) = app(config).await;
    let admin = sign_in(&app, "alice.admin").await;

    let args = [("tenant", "acme"), ("range[preset]", "1h")];
    let (status, charts) = call(&app, &admin, "health/charts", &args).await;
    let csv = send(
        &app,
        Request::get("/export/t/acme/health/jvm-memory/series.csv?preset=1h")
            .header(header::COOKIE, &admin)
            .body(Body::empty())
            .unwrap(),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{charts}");
    let memory = charts["charts"].as_array().unwrap().iter().find(|c| c["id"] == "jvm-memory");
    let memory = memory.expect("the memory chart");
    assert!(memory["svg"].as_str().unwrap_or_default().starts_with("<svg"), "{memory}");
    let series: Vec<&str> =
        memory["series"].as_array().unwrap().iter().filter_map(|s| s["name"].as_str()).collect();
    assert!(series.contains(&"heap") && series.contains(&"nonheap"), "{series:?}");
    assert_eq!(csv.status(), StatusCode::OK);
    let body = axum::body::to_bytes(csv.into_body(), 1 << 22).await.unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("time,series,value"));
    let heap: Vec<&str> = lines.filter(|l| l.contains(",heap,")).collect();
    assert!(heap.len() > 100, "a point per step of the hour: {}", heap.len());
    assert!(heap.iter().any(|l| !l.ends_with(',')), "some of them hold a value");
}

#[tokio::test]
async fn bad_ranges_are_refused_naming_the_field_and_other_roles_are_refused() {
    let Some((keycloak, _, prometheus)) = upstreams() else { return };
    let mut config = demo_config(keycloak);
    config.metrics_url = Some(CredentialedUrl(prometheus));
    let (app, _) = app(config).await;
    let admin = sign_in(&app, "alice.admin").await;
    let helpdesk = sign_in(&app, "hugo.helpdesk").await;
    let platform = sign_in(&app, "pat.platform").await;

    let custom = |from: &'static str, to: &'static str| {
        [("tenant", "acme"), ("range[preset]", "custom"), ("range[from]", from), ("range[to]", to)]
    };
    let (malformed, malformed_body) =
        call(&app, &admin, "health/charts", &custom("yesterday", "2026-12-01T10:00")).await;
    let (reversed, reversed_body) =
        call(&app, &admin, "health/charts", &custom("2026-12-02T10:00", "2026-12-01T10:00")).await;
    let (board, board_body) = call(&app, &admin, "health/board", &[("tenant", "acme")]).await;
    let refusals = [
        call(&app, &helpdesk, "health/board", &[("tenant", "acme")]).await.0,
        call(&app, &helpdesk, "health/check", &[("tenant", "acme")]).await.0,
        call(&app, &helpdesk, "health/charts", &[("tenant", "acme"), ("range[preset]", "1h")])
            .await
            .0,
        call(&app, &admin, "health/board", &[("tenant", "globex")]).await.0,
        csv_status(&app, &helpdesk, "acme").await,
        csv_status(&app, &admin, "globex").await,
    ];
    let (unknown, _) = call(&app, &platform, "health/board", &[("tenant", "no-such-tenant")]).await;

    assert_eq!(malformed, StatusCode::BAD_REQUEST);
    assert_eq!(malformed_body["field"], "from");
    assert!(malformed_body["message"].as_str().unwrap().contains("yesterday"));
    assert_eq!(reversed, StatusCode::BAD_REQUEST);
    assert_eq!(reversed_body["field"], "to");
    assert_eq!(board, StatusCode::OK, "{board_body}");
    let realm =
        board_body["checks"].as_array().unwrap().iter().find(|c| c["name"] == "tenant.acme.realm");
    assert_eq!(realm.expect("the tenant's own check")["state"], "up");
    assert_eq!(refusals, [StatusCode::FORBIDDEN; 6]);
    assert_eq!(unknown, StatusCode::NOT_FOUND, "a name Keycloak does not know makes no checks");
}

async fn csv_status(app: &Router, cookie: &str, tenant: &str) -> StatusCode {
    let path = format!("/export/t/{tenant}/health/sign-ins/series.csv?preset=1h");
    let request = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    send(app, request).await.status()
}
