//! Middleware in front of the pages: a page behind sign-in without a session goes through
//! sign-in and comes back; a state-changing request from another origin is refused.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cloudtrust_app::components::error_panel::encode_component;
use cloudtrust_app::ssr::{IDENTITY_KEY, Identity};
use tower_sessions::Session;
use tracing::warn;

use crate::state::AppState;

/// Paths anyone may reach: sign-in itself, the static files, the health probes and the
/// metrics for Prometheus. Server functions under `/api/` answer 401 themselves rather than
/// redirect.
const PUBLIC_PREFIXES: &[&str] =
    &["/signin", "/auth/", "/pkg/", "/api/", "/health", "/metrics", "/favicon.svg"];

/// Sends a request for a private page without a signed-in session to sign-in, with the page as
/// the place to return to.
pub async fn require_session(session: Session, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if PUBLIC_PREFIXES.iter().any(|p| path == p.trim_end_matches('/') || path.starts_with(p)) {
        return next.run(request).await;
    }

    let signed_in = matches!(session.get::<Identity>(IDENTITY_KEY).await, Ok(Some(_)));
    if signed_in {
        let mut response = next.run(request).await;
        // A private page must not be shown again from the cache after sign-out.
        response.headers_mut().insert(header::CACHE_CONTROL, "no-store".parse().expect("valid"));
        return response;
    }

    let here = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    Redirect::to(&format!("/auth/login?next={}", encode_component(here))).into_response()
}

/// Refuses a state-changing request whose `Origin` is not the console's own (CSRF). Browsers
/// send `Origin` on every cross-origin and same-origin POST.
pub async fn check_origin(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let origin = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let ours = state.config.public_url.origin().ascii_serialization();

    match origin {
        Some(origin) if !safe && origin != ours => {
            let path = request.uri().path();
            warn!(origin, path, "cross-origin state-changing request refused");
            (StatusCode::FORBIDDEN, "Cross-origin request refused.").into_response()
        }
        _ => next.run(request).await,
    }
}
