//! The probes orchestrators use. TODO(#6): `/health` with every dependency, its state and
//! duration, and `/metrics`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use tracing::debug;

use crate::state::AppState;

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
