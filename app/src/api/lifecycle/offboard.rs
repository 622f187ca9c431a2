//! Offboarding a leaver: disable, sign out, take back the direct roles, leave the groups, as
//! steps that can be run again to finish what a fault left.

use cloudtrust_backend::keycloak::{KeycloakAdmin, RoleBrief};
use serde_json::{Value, json};

use super::OffboardResponse;
use super::steps::{Step, audited_steps, outcome_of, run};
use crate::AppError;
use crate::ssr::{Caller, context, from_keycloak, record};

/// Offboards the user: disable, sign out, take back the direct roles, leave the groups.
pub async fn offboard(
    caller: &Caller,
    tenant: &str,
    id: &str,
) -> Result<OffboardResponse, AppError> {
    let kc = &context().keycloak;
    let (user, mappings) = tokio::try_join!(kc.user(tenant, id), kc.user_role_mappings(tenant, id))
        .map_err(from_keycloak)?;
    let groups = all_groups(kc, tenant, id).await?;

    let mut disabled = user.raw.clone();
    disabled["enabled"] = Value::Bool(false);
    let default_roles = format!("default-roles-{tenant}");
    let realm_roles: Vec<RoleBrief> =
        mappings.realm.iter().filter(|r| r.name != default_roles).cloned().collect();

    let mut steps: Vec<Step> = vec![
        ("Disable the account".to_owned(), Box::pin(kc.update_user(tenant, id, &disabled))),
        ("End every session".to_owned(), Box::pin(kc.logout_user(tenant, id))),
    ];
    if !realm_roles.is_empty() {
        let names: Vec<&str> = realm_roles.iter().map(|r| r.name.as_str()).collect();
        steps.push((
            format!("Take back the realm roles {}", names.join(", ")),
            Box::pin(kc.remove_realm_roles(tenant, id, &realm_roles)),
        ));
    }
    for mapping in mappings.clients.iter().filter(|m| !m.roles.is_empty()) {
        let names: Vec<&str> = mapping.roles.iter().map(|r| r.name.as_str()).collect();
        let label =
            format!("Take back the roles {} of {}", names.join(", "), mapping.client.client_id);
        steps.push((
            label,
            Box::pin(kc.remove_client_roles(tenant, id, &mapping.client.id, &mapping.roles)),
        ));
    }
    for group in &groups {
        steps.push((
            format!("Leave the group {}", group.path),
            Box::pin(kc.remove_user_from_group(tenant, id, &group.id)),
        ));
    }
    let results = run(steps).await;

    let client_roles: Vec<_> = mappings
        .clients
        .iter()
        .map(|m| {
            let roles: Vec<_> = m.roles.iter().map(|r| &r.name).collect();
            json!({ "client": m.client.client_id, "roles": roles })
        })
        .collect();
    let detail = json!({
        "username": user.username,
        "enabled_before": user.enabled,
        "realm_roles": realm_roles.iter().map(|r| &r.name).collect::<Vec<_>>(),
        "client_roles": client_roles,
        "groups": groups.iter().map(|g| &g.path).collect::<Vec<_>>(),
        "steps": audited_steps(&results),
    });
    record(caller, tenant, "user.offboard", Some(id), outcome_of(&results), Some(detail)).await;

    Ok(OffboardResponse { steps: results })
}

/// Every group of the user, page by page.
pub(crate) async fn all_groups(
    kc: &KeycloakAdmin,
    tenant: &str,
    id: &str,
) -> Result<Vec<cloudtrust_backend::keycloak::GroupBrief>, AppError> {
    const PAGE: u32 = 100;
    let mut all = Vec::new();
    loop {
        let page = kc
            .user_groups(tenant, id, None, all.len() as u32, PAGE)
            .await
            .map_err(from_keycloak)?;
        let done = page.len() < PAGE as usize;
        all.extend(page);
        if done {
            return Ok(all);
        }
    }
}
