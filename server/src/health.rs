//! The console's own endpoints for orchestrators and monitoring: `/health` (everything, with
//! each dependency's state and duration; 503 when a required one is down), `/health/live`,
//! `/health/ready`, and `/metrics`. They need no session, so `/health` says nothing secret: no
//! URL, no tenant's name, no upstream body. `/metrics` names tenants and clients in its series,
//! so it asks for a bearer token when `metrics_token` is set. `/health` and `/metrics` are
//! rate-limited together, per instance; live and ready never are.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cloudtrust_backend::health::{CheckResult, CheckState, Scope, overall};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::json;
use tracing::{debug, error};

use crate::state::AppState;
use cloudtrust_backend::store::now_ms;

/// How many probe requests an instance answers per second, and in a burst.
const PROBES_PER_SECOND: u32 = 20;
const PROBES_BURST: u32 = 60;

/// The limiter shared by the probes of one instance.
pub fn probe_limiter() -> DefaultDirectRateLimiter {
    let rate = NonZeroU32::new(PROBES_PER_SECOND).expect("non-zero");
    let burst = NonZeroU32::new(PROBES_BURST).expect("non-zero");
    RateLimiter::direct(Quota::per_second(rate).allow_burst(burst))
}

/// Answers 429 with `Retry-After` once the probes' rate is spent.
pub async fn limit(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if state.probes.check().is_err() {
        debug!(path = request.uri().path(), "probe refused: rate limit");
        let mut response = (StatusCode::TOO_MANY_REQUESTS, "Too many requests.").into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    next.run(request).await
}

/// The process answers.
pub async fn live() -> impl IntoResponse {
    (StatusCode::OK, "live")
}

/// The console can serve: its database answers. Keycloak being down does not make the console
/// unready, since it still serves the sign-in page and says so.
pub async fn ready(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            debug!(%err, "readiness: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Every dependency: the global checks in full and the tenants' checks counted, from the
/// stored results while they hold, else from a run now. 503 when a required one is down.
pub async fn summary(State(state): State<Arc<AppState>>) -> Response {
    let store = &state.store;
    let (mut global, tenants) =
        match (store.health_checks(None).await, store.tenant_health_checks().await) {
            (Ok(global), Ok(tenants)) => (global, tenants),
            (Err(err), _) | (_, Err(err)) => return database_down(err),
        };
    let now = now_ms();
    if global.is_empty() || global.iter().any(|c| c.result.valid_until_ms < now) {
        if let Err(err) = state.services.health.refresh(Scope::Global).await {
            return database_down(err);
        }
        global = match store.health_checks(None).await {
            Ok(global) => global,
            Err(err) => return database_down(err),
        };
    }

    let tenant_results: Vec<&CheckResult> = tenants.iter().map(|c| &c.result).collect();
    let status = overall(global.iter().map(|c| &c.result).chain(tenant_results.iter().copied()));
    let count = |state: CheckState| tenant_results.iter().filter(|r| r.state == state).count();
    let checks: Vec<_> = global
        .iter()
        .map(|c| {
            json!({
                "name": c.result.name,
                "kind": c.result.kind,
                "required": c.result.required,
                "state": c.result.state,
                "duration_ms": c.result.duration_ms,
                "message": c.result.message,
                "checked_at_ms": c.result.checked_at_ms,
                "valid_until_ms": c.result.valid_until_ms,
                "since_ms": c.since_ms,
            })
        })
        .collect();
    let body = json!({
        "status": status,
        "checks": checks,
        "tenant_checks": {
            "up": count(CheckState::Up),
            "degraded": count(CheckState::Degraded),
            "down": count(CheckState::Down),
        },
    });

    let code =
        if status == CheckState::Down { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    let mut response = (code, Json(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The console's metrics in Prometheus' text format; with `metrics_token` set, only for a
/// request that carries it as a bearer token.
pub async fn metrics(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let token = &state.config.metrics_token;
    if !token.is_empty() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !crate::auth::constant_time_eq(given.as_bytes(), token.expose().as_bytes()) {
            let mut refused =
                (StatusCode::UNAUTHORIZED, "A bearer token is needed.").into_response();
            refused
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return refused;
        }
    }
    let Some(handle) = crate::telemetry::handle() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "metrics are not recorded").into_response();
    };
    let (open, idle) = state.store.pool_use();
    metrics::gauge!("ctc_db_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("ctc_db_pool_connections", "state" => "in_use")
        .set(open.saturating_sub(idle as u32) as f64);

    let text = handle.render();

    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

fn database_down(err: cloudtrust_backend::store::StoreError) -> Response {
    error!(%err, "health: the console's database does not answer");
    let body = json!({
        "status": CheckState::Down,
        "checks": [{
            "name": "database",
            "kind": "database",
            "required": true,
            "state": CheckState::Down,
            "message": "the console's database does not answer",
        }],
    });
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}
