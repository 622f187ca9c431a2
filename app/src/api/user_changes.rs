//! Changing one user: the profile by read-modify-write, enabling and disabling, lockouts,
//! passwords, the required-actions email, sessions, consents and linked identities.
//!
//! Every change asks the policy first and writes an audit record with what changed, before and
//! after, secrets left out.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod profile;

/// The required actions the forms offer, by Keycloak's alias. Others a user may have are kept
/// untouched by a change.
pub const REQUIRED_ACTIONS: [&str; 5] =
    ["UPDATE_PASSWORD", "VERIFY_EMAIL", "CONFIGURE_TOTP", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"];

/// The longest link lifespan the required-actions email may carry, in hours (Keycloak's own
/// admin console offers up to a few days).
pub const MAX_LIFESPAN_HOURS: u32 = 24 * 30;

/// What a profile change did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateUserResponse {
    /// The fields whose value changed.
    pub changed: Vec<String>,
}

/// What a password reset did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPasswordResponse {
    /// The password the console generated, shown once to the operator; `None` when the
    /// operator typed one.
    pub generated: Option<String>,
    /// Whether the user must change it at next sign-in.
    pub temporary: bool,
}

/// Saves the profile fields and required actions in `fields` and `actions` by
/// read-modify-write: what the form does not send is kept as Keycloak holds it. An attribute
/// that the realm's user profile would drop is refused, by name, before anything is written.
///
/// `fields` maps an attribute name to its value (several values one a line); `actions` holds
/// the offered required actions that are ticked, as keys.
#[server(endpoint = "users/update")]
pub async fn update_user(
    tenant: String,
    id: String,
    fields: BTreeMap<String, String>,
    #[server(default)] actions: BTreeMap<String, String>,
) -> Result<UpdateUserResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, fail, from_keycloak, record};
    use cloudtrust_backend::store::Outcome;

    let caller = authorize(Action::UpdateUser, Some(&tenant)).await?;

    let kc = &context().keycloak;
    let (user, config) =
        tokio::try_join!(kc.user(&tenant, &id), kc.user_profile(&tenant)).map_err(from_keycloak)?;
    let plan = profile::plan(&user, &config, &fields, &actions).map_err(fail)?;
    if plan.changes.is_empty() {
        return Ok(UpdateUserResponse { changed: Vec::new() });
    }

    let written = kc.update_user(&tenant, &id, &plan.representation).await;
    let kept = match written {
        Ok(()) => kc.user(&tenant, &id).await.map(|after| profile::lost(&plan, &after)),
        Err(err) => Err(err),
    };
    let detail = Some(profile::audit_detail(&plan.changes));
    match kept {
        Ok(lost) if lost.is_empty() => {
            record(&caller, &tenant, "user.update", Some(&id), Outcome::Success, detail).await;
            Ok(UpdateUserResponse { changed: plan.changes.iter().map(|c| c.0.clone()).collect() })
        }
        Ok(lost) => {
            record(&caller, &tenant, "user.update", Some(&id), Outcome::Failed, detail).await;
            let message = format!(
                "Keycloak did not keep {}: the realm's user profile does not declare it. The \
                 other changes were saved.",
                lost.join(", ")
            );
            Err(fail(AppError { field: lost.first().cloned(), ..AppError::conflict(message) }))
        }
        Err(err) => {
            record(&caller, &tenant, "user.update", Some(&id), Outcome::Failed, detail).await;
            Err(crate::ssr::user_conflict(err))
        }
    }
}

/// Enables or disables the user (read-modify-write of the whole representation).
#[server(endpoint = "users/enable")]
pub async fn set_user_enabled(tenant: String, id: String, enabled: bool) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, recorded};

    let caller = authorize(Action::LockUser, Some(&tenant)).await?;

    let kc = &context().keycloak;
    let user = kc.user(&tenant, &id).await.map_err(from_keycloak)?;
    let mut representation = user.raw.clone();
    representation["enabled"] = serde_json::Value::Bool(enabled);
    let result = kc.update_user(&tenant, &id, &representation).await;

    let action = if enabled { "user.enable" } else { "user.disable" };
    let detail = serde_json::json!({ "enabled": { "before": user.enabled, "after": enabled } });
    recorded(&caller, &tenant, action, &id, Some(detail), result).await.map_err(from_keycloak)
}

/// Clears the user's brute-force lockout and failure count.
#[server(endpoint = "users/unlock")]
pub async fn unlock_user(tenant: String, id: String) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, recorded};

    let caller = authorize(Action::LockUser, Some(&tenant)).await?;

    let result = context().keycloak.clear_brute_force(&tenant, &id).await;

    recorded(&caller, &tenant, "user.unlock", &id, None, result).await.map_err(from_keycloak)
}

/// Sets a new password: the one given, or a generated one shown once when `password` is
/// empty. A temporary password makes the user choose their own at next sign-in.
#[server(endpoint = "users/reset-password")]
pub async fn reset_password(
    tenant: String,
    id: String,
    #[server(default)] password: String,
    #[server(default)] temporary: bool,
) -> Result<ResetPasswordResponse, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, recorded};
    use cloudtrust_backend::Secret;

    let caller = authorize(Action::ResetCredentials, Some(&tenant)).await?;
    let generated = password.is_empty().then(profile::generate_password);
    let secret = Secret::new(generated.clone().unwrap_or(password));

    let result = context().keycloak.reset_password(&tenant, &id, &secret, temporary).await;

    let detail = serde_json::json!({ "temporary": temporary, "generated": generated.is_some() });
    recorded(&caller, &tenant, "user.reset_password", &id, Some(detail), result)
        .await
        .map_err(|err| profile::password_error(from_keycloak(err)))?;
    Ok(ResetPasswordResponse { generated, temporary })
}

/// Sends the user an email with the ticked required actions and a link valid for
/// `lifespan_hours`.
#[server(endpoint = "users/actions-email")]
pub async fn send_actions_email(
    tenant: String,
    id: String,
    #[server(default)] actions: BTreeMap<String, String>,
    lifespan_hours: u32,
) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, fail, recorded};

    let caller = authorize(Action::ResetCredentials, Some(&tenant)).await?;
    let actions = profile::chosen_actions(&actions).map_err(fail)?;
    if actions.is_empty() {
        return Err(fail(AppError::invalid("actions", "Tick at least one action to ask for.")));
    }
    if lifespan_hours == 0 || lifespan_hours > MAX_LIFESPAN_HOURS {
        let message = format!("The link lasts from 1 to {MAX_LIFESPAN_HOURS} hours.");
        return Err(fail(AppError::invalid("lifespan_hours", message)));
    }

    let lifespan = Some(lifespan_hours * 3600);
    let result = context()
        .keycloak
        .execute_actions_email(&tenant, &id, &actions, lifespan, None, None)
        .await;

    let detail = serde_json::json!({ "actions": actions, "lifespan_hours": lifespan_hours });
    recorded(&caller, &tenant, "user.actions_email", &id, Some(detail), result)
        .await
        .map_err(profile::email_error)
}

/// Signs the user out of every session, in every client.
#[server(endpoint = "users/sign-out")]
pub async fn sign_out_user(tenant: String, id: String) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, recorded};

    let caller = authorize(Action::EndUserSessions, Some(&tenant)).await?;

    let result = context().keycloak.logout_user(&tenant, &id).await;

    recorded(&caller, &tenant, "user.sign_out", &id, None, result).await.map_err(from_keycloak)
}

/// Revokes the consent the user gave `client_id`, and its offline tokens.
#[server(endpoint = "users/revoke-consent")]
pub async fn revoke_consent(tenant: String, id: String, client_id: String) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, recorded};

    let caller = authorize(Action::EndUserSessions, Some(&tenant)).await?;

    let result = context().keycloak.revoke_consent(&tenant, &id, &client_id).await;

    let detail = serde_json::json!({ "client_id": client_id });
    recorded(&caller, &tenant, "user.revoke_consent", &id, Some(detail), result)
        .await
        .map_err(from_keycloak)
}

/// Unlinks the user's account at identity provider `provider`.
#[server(endpoint = "users/unlink-identity")]
pub async fn unlink_identity(tenant: String, id: String, provider: String) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, recorded};

    let caller = authorize(Action::UpdateUser, Some(&tenant)).await?;

    let result = context().keycloak.unlink_identity(&tenant, &id, &provider).await;

    let detail = serde_json::json!({ "provider": provider });
    recorded(&caller, &tenant, "user.unlink_identity", &id, Some(detail), result)
        .await
        .map_err(from_keycloak)
}
