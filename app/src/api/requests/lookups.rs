//! What filing a request reads before it stores anything: the tenant's approval rules and what
//! they ask of a request, each access item looked up in Keycloak with whether it is
//! privileged, and whether a username or an email address is taken.

use cloudtrust_backend::keycloak::{ExactField, KeycloakAdmin, KeycloakError};

use super::file::POLICY_KEY;
use crate::api::users::convert::{group_is_privileged, role_grants_privileged};
use crate::policy::Action;
use crate::ssr::{Caller, context, fail, from_keycloak};
use crate::workflow::{AccessItem, ApprovalNeed, RequestFacts, RequestSpec, WorkflowPolicy};
use crate::{AppError, ErrorKind};

/// Why the request needs approval (empty when it does not), and whether only a tenant admin
/// may approve it. Whatever the tenant's rules, a request the requester could not carry out
/// themselves (a privileged grant, a deletion) waits for someone who can.
pub(crate) fn approval_of(
    caller: &Caller,
    tenant: &str,
    policy: &WorkflowPolicy,
    spec: &RequestSpec,
) -> (Vec<String>, bool) {
    let rights = &caller.identity.rights;
    let mut reasons = match policy.approval(RequestFacts::of(spec)) {
        ApprovalNeed::None => Vec::new(),
        ApprovalNeed::Required { reasons } => reasons,
    };
    let deletes = matches!(spec, RequestSpec::Offboard { delete_after_days: Some(_), .. });
    let privileged = spec.touches_privileged() || deletes;
    let can_privileged = rights.allows(Action::GrantPrivilegedRole, Some(tenant));
    if spec.touches_privileged() && !can_privileged && reasons.is_empty() {
        reasons.push("it grants or takes back privileged access, which you may not".to_owned());
    }
    if deletes && !rights.allows(Action::DeleteUser, Some(tenant)) && reasons.is_empty() {
        reasons.push("it deletes the user, which only a tenant admin may".to_owned());
    }
    (reasons, privileged)
}

/// The tenant's approval rules, or the defaults.
pub async fn load_policy(tenant: &str) -> Result<WorkflowPolicy, AppError> {
    let stored = context().store.tenant_setting(tenant, POLICY_KEY).await.map_err(|err| {
        tracing::error!(%err, "could not read the approval rules");
        fail(AppError::new(ErrorKind::Unavailable, "The console's database cannot be read now."))
    })?;
    Ok(stored.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
}

/// Resolves access keys (`group/<id>`, `realm/<role>`, `client/<uuid>/<role>`) into items with
/// their names and whether each is privileged; an unknown one is refused by name.
pub async fn resolve_access(
    kc: &KeycloakAdmin,
    tenant: &str,
    keys: &[String],
    field: &str,
) -> Result<Vec<AccessItem>, AppError> {
    let mut items: Vec<AccessItem> = Vec::with_capacity(keys.len());
    for key in keys {
        let gone = |err: KeycloakError| match err {
            KeycloakError::NotFound { .. } => {
                fail(AppError::invalid(field, format!("{key} no longer exists in Keycloak.")))
            }
            other => from_keycloak(other),
        };
        let item = match key.split('/').collect::<Vec<_>>().as_slice() {
            ["group", id] => {
                let group = kc.group(tenant, id).await.map_err(gone)?;
                let privileged =
                    group_is_privileged(kc, tenant, id).await.map_err(from_keycloak)?;
                AccessItem::Group { id: group.id, path: group.path, privileged }
            }
            ["realm", name] => {
                let role = kc.role_by_name(tenant, None, name).await.map_err(gone)?;
                let privileged =
                    role_grants_privileged(kc, tenant, &role, None).await.map_err(from_keycloak)?;
                AccessItem::RealmRole { name: role.name, privileged }
            }
            ["client", uuid, name] => {
                let client = kc.client(tenant, uuid).await.map_err(gone)?;
                let role = kc.role_by_name(tenant, Some(uuid), name).await.map_err(gone)?;
                let privileged = role_grants_privileged(kc, tenant, &role, Some(&client.client_id))
                    .await
                    .map_err(from_keycloak)?;
                AccessItem::ClientRole {
                    client_uuid: client.id,
                    client_id: client.client_id,
                    name: role.name,
                    privileged,
                }
            }
            _ => return Err(fail(AppError::invalid(field, format!("{key:?} names nothing.")))),
        };
        if !items.contains(&item) {
            items.push(item);
        }
    }
    Ok(items)
}

/// Which of username or email another user already has, if either.
pub async fn taken(
    kc: &KeycloakAdmin,
    tenant: &str,
    username: &str,
    email: Option<&String>,
) -> Result<Option<&'static str>, AppError> {
    let found =
        kc.users_with(tenant, ExactField::Username, username).await.map_err(from_keycloak)?;
    if found.iter().any(|u| u.username.eq_ignore_ascii_case(username)) {
        return Ok(Some("username"));
    }
    if let Some(email) = email.filter(|e| !e.is_empty()) {
        let found = kc.users_with(tenant, ExactField::Email, email).await.map_err(from_keycloak)?;
        if found.iter().any(|u| u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email))) {
            return Ok(Some("email"));
        }
    }
    Ok(None)
}
