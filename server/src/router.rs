//! The HTTP surface: the pages and server functions (Leptos), the sign-in routes, the health
//! probes, and the layers every request passes (request id, tracing, session, origin check,
//! security headers, compression).

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use cloudtrust_app::{App, shell};
use cloudtrust_app::{AppError, ErrorKind};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth;
use crate::health;
use crate::state::AppState;

/// The routes outside Leptos, all public by design: sign-in must work without a session, and
/// orchestrators probe health without one.
#[cfg(test)]
pub const PUBLIC_ROUTES: &[&str] = &[
    "/auth/login",
    "/auth/callback",
    "/auth/logout",
    "/health",
    "/health/live",
    "/health/ready",
    "/metrics",
];

/// Builds the whole application.
pub fn build(state: Arc<AppState>) -> Router {
    let routes = generate_route_list(App);
    let services = state.services.clone();
    let leptos = state.leptos.clone();
    let sessions = SessionManagerLayer::new(state.store.sessions())
        .with_name("ctc_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            state.config.session_idle_minutes,
        )));
    let request_id = HeaderName::from_static(crate::request_id::HEADER);

    let auth_routes = Router::new()
        .route("/auth/login", get(auth::login))
        .route("/auth/callback", get(auth::callback))
        .route("/auth/logout", post(auth::logout))
        .route("/export/t/{tenant}/users.csv", get(crate::export::users_csv))
        .route(
            "/import/t/{tenant}/users",
            post(crate::import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::import::UPLOAD_BODY_LIMIT)),
        )
        .route("/export/t/{tenant}/requests/{id}/rows.csv", get(crate::import::rows_csv))
        .route(
            "/backups/t/{tenant}/upload",
            post(crate::backups::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::backups::EXPORT_BODY_LIMIT)),
        )
        .route("/backups/t/{tenant}/{id}/export.json", get(crate::backups::download))
        .route("/export/t/{tenant}/health/{chart}/series.csv", get(crate::charts::series_csv))
        .with_state(state.clone());
    // Orchestrators' probes are never refused for rate: a flood elsewhere must not get the
    // instance restarted.
    let probes = Router::new()
        .route("/health", get(health::summary))
        .route("/metrics", get(health::metrics))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), health::limit))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .with_state(state.clone());

    let pages = Router::new()
        .leptos_routes_with_context(&leptos, routes, move || provide_context(services.clone()), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos);

    auth_routes
        .merge(probes)
        .merge(pages)
        .layer(axum::middleware::from_fn(crate::telemetry::track))
        .layer(axum::middleware::from_fn(input_errors_answer_their_status))
        .layer(axum::middleware::from_fn(auth::require_session))
        .layer(axum::middleware::from_fn_with_state(state, auth::check_origin))
        .layer(sessions)
        // TODO(#10): a Content-Security-Policy with nonces for the hydration scripts, so that
        // inline scripts need no `unsafe-inline`.
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(CompressionLayer::new())
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(crate::logging::request_span))
                .layer(PropagateRequestIdLayer::new(request_id)),
        )
}

/// Leptos answers 500 when a server function's arguments do not parse (a page number that is
/// not a number, a missing argument), with our error in the body saying the input was not
/// understood: the status is made to say the same, so that bad input never reads as a fault of
/// the console.
async fn input_errors_answer_their_status(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }

    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && error.kind != ErrorKind::Internal
        && let Ok(status) = StatusCode::from_u16(error.kind.status())
    {
        parts.status = status;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod health_tests;

#[cfg(test)]
mod keycloak_tests;

#[cfg(test)]
mod test_support;

#[cfg(test)]
mod users_tests;
