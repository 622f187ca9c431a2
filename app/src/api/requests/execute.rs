//! One step of a request carried out against Keycloak: what each [`StepAction`] calls, and how
//! a retried creation finds the user an earlier attempt made.

use cloudtrust_backend::keycloak::{ExactField, KeycloakAdmin, KeycloakError, RoleBrief};

use serde_json::{Value, json};

use crate::workflow::StepAction;

/// Runs one step against Keycloak; a creation answers the new user's id.
pub(super) async fn execute(
    kc: &KeycloakAdmin,
    tenant: &str,
    action: &StepAction,
    user: Option<&str>,
    retried: bool,
    since_ms: i64,
) -> Result<Option<String>, KeycloakError> {
    if let StepAction::CreateUser { representation } = action {
        return match kc.create_user(tenant, representation).await {
            Ok(id) => Ok(Some(id)),
            Err(KeycloakError::Conflict { message }) if retried => {
                let username = representation["username"].as_str().unwrap_or_default();
                adopt(kc, tenant, username, since_ms)
                    .await?
                    .map(Some)
                    .ok_or(KeycloakError::Conflict { message })
            }
            Err(err) => Err(err),
        };
    }
    let Some(user) = user else {
        return Err(KeycloakError::NotFound { what: "the user this row was to create".into() });
    };
    let gone_is_fine = |result: Result<(), KeycloakError>| match result {
        Err(KeycloakError::NotFound { .. }) => Ok(()),
        other => other,
    };
    match action {
        StepAction::CreateUser { .. } => unreachable!("handled above"),
        StepAction::JoinGroup { id, .. } => kc.add_user_to_group(tenant, user, id).await,
        StepAction::LeaveGroup { id, .. } => {
            gone_is_fine(kc.remove_user_from_group(tenant, user, id).await)
        }
        StepAction::GrantRealmRole { name } => {
            let role = kc.role_by_name(tenant, None, name).await?;
            kc.add_realm_roles(tenant, user, &[role]).await
        }
        StepAction::RevokeRealmRole { name } => {
            gone_is_fine(match kc.role_by_name(tenant, None, name).await {
                Ok(role) => kc.remove_realm_roles(tenant, user, &[role]).await,
                Err(err) => Err(err),
            })
        }
        StepAction::GrantClientRole { client_uuid, name, .. } => {
            let role = kc.role_by_name(tenant, Some(client_uuid), name).await?;
            kc.add_client_roles(tenant, user, client_uuid, &[role]).await
        }
        StepAction::RevokeClientRole { client_uuid, name, .. } => {
            gone_is_fine(match kc.role_by_name(tenant, Some(client_uuid), name).await {
                Ok(role) => kc.remove_client_roles(tenant, user, client_uuid, &[role]).await,
                Err(err) => Err(err),
            })
        }
        StepAction::Disable => {
            let mut raw = kc.user(tenant, user).await?.raw;
            raw["enabled"] = Value::Bool(false);
            kc.update_user(tenant, user, &raw).await
        }
        StepAction::EndSessions => kc.logout_user(tenant, user).await,
        StepAction::RemoveAllAccess => remove_all_access(kc, tenant, user).await,
        StepAction::RequireActions { actions } => {
            let record = kc.user(tenant, user).await?;
            let mut required = record.required_actions.clone();
            required
                .extend(actions.iter().filter(|a| !record.required_actions.contains(a)).cloned());
            let mut raw = record.raw;
            raw["requiredActions"] = json!(required);
            kc.update_user(tenant, user, &raw).await
        }
        StepAction::EmailActions { actions, lifespan_seconds } => {
            kc.execute_actions_email(tenant, user, actions, Some(*lifespan_seconds), None, None)
                .await
        }
        StepAction::DeleteUser => gone_is_fine(kc.delete_user(tenant, user).await),
    }
    .map(|()| None)
}

/// The user a creation that answered "taken" made itself on an earlier attempt: same
/// username, created since the request first ran.
async fn adopt(
    kc: &KeycloakAdmin,
    tenant: &str,
    username: &str,
    since_ms: i64,
) -> Result<Option<String>, KeycloakError> {
    let found = kc.users_with(tenant, ExactField::Username, username).await?;
    Ok(found
        .into_iter()
        .find(|u| u.username == username && u.created_timestamp.is_some_and(|t| t >= since_ms))
        .map(|u| u.id))
}

/// Takes back every direct role (the realm's default roles stay) and leaves every group.
async fn remove_all_access(
    kc: &KeycloakAdmin,
    tenant: &str,
    user: &str,
) -> Result<(), KeycloakError> {
    let mappings = kc.user_role_mappings(tenant, user).await?;
    let default_roles = format!("default-roles-{tenant}");
    let realm: Vec<RoleBrief> =
        mappings.realm.into_iter().filter(|r| r.name != default_roles).collect();
    if !realm.is_empty() {
        kc.remove_realm_roles(tenant, user, &realm).await?;
    }
    for mapping in mappings.clients.iter().filter(|m| !m.roles.is_empty()) {
        kc.remove_client_roles(tenant, user, &mapping.client.id, &mapping.roles).await?;
    }
    loop {
        let groups = kc.user_groups(tenant, user, None, 0, 100).await?;
        if groups.is_empty() {
            return Ok(());
        }
        for group in groups {
            kc.remove_user_from_group(tenant, user, &group.id).await?;
        }
    }
}
