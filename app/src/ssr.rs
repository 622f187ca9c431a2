//! What server functions stand on, on the server only: the shared services, the signed-in
//! identity kept in the session, and the one guard every server function calls first.

use std::sync::Arc;

use axum::http::StatusCode;
use cloudtrust_backend::keycloak::{KeycloakAdmin, KeycloakError};
use cloudtrust_backend::store::{AuditEntry, Outcome, Store};
use cloudtrust_backend::tenants::TenantDirectory;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use tracing::{error, warn};

use crate::policy::{Action, Rights};
use crate::{AppError, ErrorKind};

/// The session key of the signed-in [`Identity`].
pub const IDENTITY_KEY: &str = "identity";

/// The services every server function may use; provided as context by the server.
#[derive(Clone)]
pub struct ServerContext {
    /// The Admin API client, signed in as the console's service account.
    pub keycloak: KeycloakAdmin,
    /// The console's database.
    pub store: Store,
    /// The tenant realms.
    pub tenants: Arc<TenantDirectory>,
    /// The tenants' settings that decide the look-ups of a user list.
    pub realm_facts: Arc<cloudtrust_backend::realm_facts::RealmFactsCache>,
    /// The realm people sign in to, whose groups grant the console's roles.
    pub console_realm: String,
    /// This instance's name among several, for the request runners' claims.
    pub instance: String,
    /// Where backups and their keys are.
    pub vault: cloudtrust_backend::backup::Vault,
    /// The checks of the console's dependencies.
    pub health: Arc<cloudtrust_backend::health::HealthChecker>,
    /// The metrics store the charts read, when one is set.
    pub metrics: Option<Arc<dyn cloudtrust_backend::metrics::MetricsStore>>,
    /// The `job` label of Keycloak's own metrics in the metrics store.
    pub keycloak_metrics_job: String,
}

/// Who is signed in, as the sign-in established it. Kept in the session, on the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Keycloak's subject of the person (stable across renames).
    pub subject: String,
    /// The person's username in the console realm.
    pub username: String,
    /// The name to show.
    pub display_name: String,
    /// The grants read from the access claim at sign-in.
    pub rights: Rights,
}

/// A caller that passed the guard.
pub struct Caller {
    /// Who it is.
    pub identity: Identity,
    /// The request's id, for logs and audit records.
    pub request_id: String,
}

/// The guard: the caller must be signed in and the policy must allow `action` on `tenant`.
/// A refusal sets the response status, is logged at WARN and recorded in the audit trail, and
/// says nothing about the tenant.
pub async fn authorize(action: Action, tenant: Option<&str>) -> Result<Caller, AppError> {
    let request_id = request_id();
    let Some(identity) = current_identity().await? else {
        return Err(fail(AppError::unauthenticated()));
    };

    let excluded = tenant.is_some_and(|t| context().tenants.is_excluded(t));
    if !excluded && identity.rights.allows(action, tenant) {
        return Ok(Caller { identity, request_id });
    }

    warn!(user = %identity.username, ?action, tenant, "denied by policy");
    let entry = AuditEntry {
        request_id: request_id.clone(),
        actor_id: identity.subject.clone(),
        actor_username: identity.username.clone(),
        tenant: tenant.map(str::to_owned),
        action: format!("{action:?}"),
        target: None,
        outcome: Outcome::Denied,
        detail: None,
    };
    if let Err(err) = context().store.append_audit(&entry).await {
        error!(%err, "could not record a denial in the audit trail");
    }
    Err(fail(AppError::forbidden()))
}

/// What Keycloak's message key for a refused field means, in words; a message that is already
/// words (the console's own client writes some) is kept.
fn refusal(field: &str, key: &str) -> String {
    let reason = match key {
        "error-username-invalid-character" | "error-person-name-invalid-character" => {
            "contains characters Keycloak does not allow there"
        }
        "error-invalid-length"
        | "error-invalid-length-too-short"
        | "error-invalid-length-too-long" => "is too short or too long",
        "error-invalid-email" => "is not a valid email address",
        "error-user-attribute-required" => "is required",
        "error-invalid-value" | "error-invalid-blank" => "holds a value Keycloak does not accept",
        "error-user-attribute-read-only" => "cannot be changed",
        "error-username-exists" | "username-exists" => "is taken by another user",
        "error-email-exists" | "email-exists" => "is taken by another user",
        words if words.contains(' ') => return format!("Keycloak refused {field}: {words}."),
        _ => return format!("Keycloak refused {field} ({key})."),
    };
    format!("Keycloak refused {field}: it {reason}.")
}

/// A conflict on a user's username or email, with the field named, as the person should read
/// it; any other failure as [`from_keycloak`] says it.
pub fn user_conflict(err: KeycloakError) -> AppError {
    let field = match &err {
        KeycloakError::Conflict { message } if message.to_lowercase().contains("email") => "email",
        KeycloakError::Conflict { .. } => "username",
        _ => return from_keycloak(err),
    };
    warn!(%err, "keycloak call refused");
    let message = format!("Another user of this tenant already has this {field}.");
    fail(AppError::invalid(field, message))
}

/// Records what `caller` did in `tenant` in the audit trail. `detail` is JSON (what changed,
/// before and after, never a secret). A trail that cannot be written is logged at ERROR: the
/// change has already happened in Keycloak and must not be reported as failed.
pub async fn record(
    caller: &Caller,
    tenant: &str,
    action: &str,
    target: Option<&str>,
    outcome: Outcome,
    detail: Option<serde_json::Value>,
) {
    let entry = AuditEntry {
        request_id: caller.request_id.clone(),
        actor_id: caller.identity.subject.clone(),
        actor_username: caller.identity.username.clone(),
        tenant: Some(tenant.to_owned()),
        action: action.to_owned(),
        target: target.map(str::to_owned),
        outcome,
        detail: detail.map(|d| d.to_string()),
    };
    if let Err(err) = context().store.append_audit(&entry).await {
        error!(%err, action, "could not record a change in the audit trail");
    }
}

/// Records a change that Keycloak answered, as a success or a failure, and hands the answer on
/// for the caller to map.
pub async fn recorded<T>(
    caller: &Caller,
    tenant: &str,
    action: &str,
    target: &str,
    detail: Option<serde_json::Value>,
    result: Result<T, KeycloakError>,
) -> Result<T, KeycloakError> {
    let outcome = if result.is_ok() { Outcome::Success } else { Outcome::Failed };
    record(caller, tenant, action, Some(target), outcome, detail).await;
    result
}

/// The guard for a privileged grant: like [`authorize`] with
/// [`Action::GrantPrivilegedRole`], but a refusal says why.
pub async fn authorize_privileged(tenant: &str) -> Result<Caller, AppError> {
    authorize(Action::GrantPrivilegedRole, Some(tenant)).await.map_err(|err| match err.kind {
        ErrorKind::Forbidden => AppError::new(
            ErrorKind::Forbidden,
            "This role or group is privileged: only a tenant admin may grant or take it back.",
        ),
        _ => err,
    })
}

/// The tenants named in `rights`, less the realms that are never tenants (`master`, the
/// console's own), even when a misplaced group names them.
pub fn held_tenants(rights: &Rights) -> Vec<String> {
    let directory = context().tenants;
    rights.named_tenants().into_iter().filter(|t| !directory.is_excluded(t)).collect()
}

/// The signed-in identity of this request, if any.
pub async fn current_identity() -> Result<Option<Identity>, AppError> {
    let session: Session = leptos_axum::extract().await.map_err(|err| {
        error!(%err, "session layer missing from the server function's request");
        fail(AppError::new(ErrorKind::Internal, "The session store is not available."))
    })?;
    session.get::<Identity>(IDENTITY_KEY).await.map_err(|err| {
        error!(%err, "could not read the session");
        fail(AppError::new(ErrorKind::Unavailable, "Your session could not be read. Try again."))
    })
}

/// The server's services.
pub fn context() -> ServerContext {
    expect_context::<ServerContext>()
}

/// The `x-request-id` the server's middleware gave this request.
pub fn request_id() -> String {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
        })
        .unwrap_or_default()
}

/// Sets the response status to match `err`, and returns it.
pub fn fail(err: AppError) -> AppError {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        let status =
            StatusCode::from_u16(err.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        options.set_status(status);
    }
    err
}

/// A Keycloak failure as the person should read it, and the response status to match. The
/// cause is logged here, once; no upstream text reaches the browser.
pub fn from_keycloak(err: KeycloakError) -> AppError {
    fail(explain_keycloak(err))
}

/// A Keycloak failure as the person should read it, logged once, without touching the
/// response status: for a step that failed inside a call that still answers (the steps of a
/// creation or an offboarding).
pub fn explain_keycloak(err: KeycloakError) -> AppError {
    let app = match &err {
        KeycloakError::NotFound { .. } => {
            AppError::new(ErrorKind::NotFound, "It no longer exists in Keycloak.")
        }
        KeycloakError::Conflict { .. } => {
            AppError::new(ErrorKind::Conflict, "Keycloak already holds something with that name.")
        }
        KeycloakError::InvalidInput { errors, .. } => match errors.first() {
            Some(first) => AppError::invalid(&first.field, refusal(&first.field, &first.message)),
            None => AppError::new(ErrorKind::InvalidInput, "Keycloak refused the input."),
        },
        KeycloakError::Forbidden { .. } | KeycloakError::Credentials { .. } => AppError::new(
            ErrorKind::Unavailable,
            "The console's service account is not allowed to do this in Keycloak. \
             Tell your platform administrator.",
        ),
        KeycloakError::Timeout { .. } => AppError::new(
            ErrorKind::Unavailable,
            "Keycloak took too long to answer. Try again in a moment.",
        ),
        KeycloakError::Unavailable { .. } => AppError::new(
            ErrorKind::Unavailable,
            "Keycloak cannot be reached right now. Try again in a moment.",
        ),
        KeycloakError::Unexpected { .. } => AppError::new(
            ErrorKind::Internal,
            "Keycloak gave an answer the console did not expect.",
        ),
    };
    match app.kind {
        ErrorKind::Internal | ErrorKind::Unavailable => error!(%err, "keycloak call failed"),
        _ => warn!(%err, "keycloak call refused"),
    }
    app
}
