//! `cloudtrust-console`: reads the settings, opens the database, and serves the console.
//!
//! Keycloak being down at start is not fatal: the console serves, says on the sign-in page that
//! the identity provider cannot be reached, and recovers when it is back.

mod auth;
mod backups;
mod charts;
mod config;
mod export;
mod health;
mod import;
mod jobs;
mod logging;
mod request_id;
mod router;
mod state;
mod telemetry;

use std::time::Duration;

use anyhow::Context;
use cloudtrust_backend::health::Scope;
use cloudtrust_backend::store::Store;
use tower_sessions::ExpiredDeletion;
use tracing::{error, info, warn};

use crate::config::Config;
use crate::state::AppState;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::load()?;
    logging::init(config.log_format);
    for variable in config::unknown_variables() {
        warn!(variable, "unknown CTC_ setting in the environment; ignored");
    }
    info!(?config, "starting");

    let leptos = leptos::config::get_configuration(None)?.leptos_options;
    let state = AppState::new(config, leptos).await?;

    check_keycloak(&state).await;
    start_jobs(&state.store, &state.services);

    let address = state.leptos.site_addr;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("listen on {address}"))?;
    info!(%address, "serving");
    axum::serve(listener, router::build(state)).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

/// Tells at start whether Keycloak answers and accepts both of the console's clients, naming
/// the setting to fix. Never fatal.
async fn check_keycloak(state: &AppState) {
    state.oidc.check_at_start().await;
    match state.services.keycloak.list_realms().await {
        Ok(realms) => info!(realms = realms.len(), "service account signed in to keycloak"),
        Err(err @ cloudtrust_backend::keycloak::KeycloakError::Credentials { .. }) => {
            error!(%err, "check CTC_ADMIN_REALM, CTC_ADMIN_CLIENT_ID and CTC_ADMIN_CLIENT_SECRET")
        }
        Err(err @ cloudtrust_backend::keycloak::KeycloakError::Forbidden { .. }) => error!(
            %err,
            "CTC_ADMIN_CLIENT_ID: the service account lacks the admin role in CTC_ADMIN_REALM"
        ),
        Err(err) => warn!(%err, "keycloak's admin api is not available yet; calls will retry"),
    }
}

fn start_jobs(store: &Store, services: &cloudtrust_app::ssr::ServerContext) {
    let holder = uuid::Uuid::new_v4().to_string();
    let ctx = services.clone();
    jobs::spawn_leased(
        store.clone(),
        "requests",
        holder.clone(),
        Duration::from_secs(5),
        move || {
            let ctx = ctx.clone();
            async move { cloudtrust_app::api::requests::run::tick(&ctx).await }
        },
    );
    let ctx = services.clone();
    jobs::spawn_leased(
        store.clone(),
        "backups",
        holder.clone(),
        Duration::from_secs(60),
        move || {
            let ctx = ctx.clone();
            async move { cloudtrust_app::api::backups::take::tick(&ctx).await }
        },
    );
    let health = services.health.clone();
    jobs::spawn_leased(store.clone(), "health", holder.clone(), health.interval(), move || {
        let health = health.clone();
        async move { health.refresh(Scope::All).await.map(|_| ()).map_err(|e| e.to_string()) }
    });
    let sessions = store.sessions();
    jobs::spawn_leased(
        store.clone(),
        "session-sweep",
        holder,
        Duration::from_secs(600),
        move || {
            let sessions = sessions.clone();
            async move { sessions.delete_expired().await.map_err(|e| e.to_string()) }
        },
    );
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
    info!("shutting down");
}
