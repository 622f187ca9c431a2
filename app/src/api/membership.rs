//! Groups and roles: pickers that search and page on the server (a realm can hold 18,000 groups
//! and a hundred clients with roles), and adding or removing one membership or grant.
//!
//! A helpdesk agent may grant roles, but not privileged ones: a role of the realm-management
//! client, or one whose Keycloak attribute `privileged` is `true`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::api::users::{GroupRow, RoleRow};

/// How many entries a picker shows at once.
pub const PICKER_SIZE: u32 = 10;

/// A page of groups matching a search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPickerResponse {
    /// The matching groups of this page, with their full paths.
    pub groups: Vec<GroupRow>,
    /// How many match in all.
    pub total: u64,
    /// The page shown, from 0.
    pub page: u32,
}

/// A client, as the role picker lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRow {
    /// The internal id.
    pub uuid: String,
    /// The `clientId`.
    pub client_id: String,
    /// Its name, when set.
    pub name: Option<String>,
}

/// A page of roles matching a search, realm-wide or of one client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolePickerResponse {
    /// The matching roles (at most one more than a page tells that more follow).
    pub roles: Vec<RoleRow>,
    /// Whether another page follows.
    pub more: bool,
    /// The page shown, from 0.
    pub page: u32,
    /// Of this page's roles, those the user named in the search holds directly.
    pub held_direct: Vec<String>,
    /// Of this page's roles, those the user holds only through a group or a composite.
    pub held_inherited: Vec<String>,
}

/// Groups whose name contains `search`, one page; every top-level group when empty.
#[server(endpoint = "groups/search")]
pub async fn search_groups(
    tenant: String,
    #[server(default)] search: String,
    #[server(default)] page: u32,
) -> Result<GroupPickerResponse, AppError> {
    use crate::api::users::convert;
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};

    authorize(Action::ManageMembership, Some(&tenant)).await?;
    let search = Some(search.trim()).filter(|s| !s.is_empty());
    let first = page.saturating_mul(PICKER_SIZE);

    let kc = &context().keycloak;
    let (groups, total) = tokio::try_join!(
        kc.search_groups(&tenant, search, first, PICKER_SIZE),
        kc.count_groups_matching(&tenant, search),
    )
    .map_err(from_keycloak)?;

    Ok(GroupPickerResponse {
        groups: groups.into_iter().map(convert::group).collect(),
        total,
        page,
    })
}

/// Clients whose `clientId` contains `search`, one page.
#[server(endpoint = "clients/search")]
pub async fn search_clients(
    tenant: String,
    #[server(default)] search: String,
) -> Result<Vec<ClientRow>, AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};

    authorize(Action::ManageMembership, Some(&tenant)).await?;
    let search = Some(search.trim()).filter(|s| !s.is_empty());

    let clients = context()
        .keycloak
        .search_clients(&tenant, search, 0, PICKER_SIZE)
        .await
        .map_err(from_keycloak)?;

    Ok(clients
        .into_iter()
        .map(|c| ClientRow { uuid: c.id, client_id: c.client_id, name: c.name })
        .collect())
}

/// Roles whose name contains `search`: of the client `client_uuid`, or of the realm when it is
/// empty. With `user_id`, each says whether that user holds it, directly or in effect (through
/// a group or a composite role).
#[server(endpoint = "roles/search")]
pub async fn search_roles(
    tenant: String,
    #[server(default)] client_uuid: String,
    #[server(default)] client_id: String,
    #[server(default)] search: String,
    #[server(default)] page: u32,
    #[server(default)] user_id: String,
) -> Result<RolePickerResponse, AppError> {
    use crate::api::users::convert;
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak};

    authorize(Action::ManageMembership, Some(&tenant)).await?;
    let search = Some(search.trim()).filter(|s| !s.is_empty());
    let first = page.saturating_mul(PICKER_SIZE);

    let kc = &context().keycloak;
    let mut roles = if client_uuid.is_empty() {
        kc.realm_roles(&tenant, search, first, PICKER_SIZE + 1).await
    } else {
        kc.client_roles(&tenant, &client_uuid, search, first, PICKER_SIZE + 1).await
    }
    .map_err(from_keycloak)?;
    let more = roles.len() > PICKER_SIZE as usize;
    roles.truncate(PICKER_SIZE as usize);

    let (held_direct, held_inherited) = if user_id.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let container = Some(client_uuid.as_str()).filter(|c| !c.is_empty());
        let (direct, effective) =
            tokio::try_join!(kc.user_direct_role_names(&tenant, &user_id, container), async {
                match container {
                    None => kc.user_effective_realm_roles(&tenant, &user_id).await,
                    Some(uuid) => kc.user_effective_client_roles(&tenant, &user_id, uuid).await,
                }
            },)
            .map_err(from_keycloak)?;
        let on_page = |name: &String| roles.iter().any(|r| &r.name == name);
        let inherited: Vec<String> = effective
            .into_iter()
            .map(|r| r.name)
            .filter(|n| on_page(n) && !direct.contains(n))
            .collect();
        (direct.into_iter().filter(on_page).collect(), inherited)
    };

    let client = (!client_uuid.is_empty()).then_some((client_id.as_str(), client_uuid.as_str()));
    Ok(RolePickerResponse {
        roles: roles.into_iter().map(|r| convert::role(r, client, false)).collect(),
        more,
        page,
        held_direct,
        held_inherited,
    })
}

/// Adds the user to the group `group_id` (`member` true) or removes them. A group that hands
/// out a privileged role (itself or through an ancestor) needs a tenant admin either way.
#[server(endpoint = "users/group")]
pub async fn change_group(
    tenant: String,
    id: String,
    group_id: String,
    member: bool,
) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, recorded};

    let caller = authorize(Action::ManageMembership, Some(&tenant)).await?;

    let kc = &context().keycloak;
    let privileged = crate::api::users::convert::group_is_privileged(kc, &tenant, &group_id)
        .await
        .map_err(from_keycloak)?;
    if privileged {
        crate::ssr::authorize_privileged(&tenant).await?;
    }
    let result = if member {
        kc.add_user_to_group(&tenant, &id, &group_id).await
    } else {
        kc.remove_user_from_group(&tenant, &id, &group_id).await
    };

    let action = if member { "user.group_add" } else { "user.group_remove" };
    let detail = serde_json::json!({ "group_id": group_id });
    recorded(&caller, &tenant, action, &id, Some(detail), result).await.map_err(from_keycloak)
}

/// Grants the role `role` (of the client `client_uuid`, or of the realm when empty) to the
/// user (`granted` true) or takes it back. A privileged role needs a tenant admin.
#[server(endpoint = "users/role")]
pub async fn change_role(
    tenant: String,
    id: String,
    #[server(default)] client_uuid: String,
    role: String,
    granted: bool,
) -> Result<(), AppError> {
    use crate::policy::Action;
    use crate::ssr::{authorize, context, from_keycloak, recorded};

    let caller = authorize(Action::ManageMembership, Some(&tenant)).await?;
    let client = Some(client_uuid.as_str()).filter(|c| !c.is_empty());

    let kc = &context().keycloak;
    let found = kc.role_by_name(&tenant, client, &role).await.map_err(from_keycloak)?;
    let client_id = match client {
        Some(uuid) => Some(kc.client(&tenant, uuid).await.map_err(from_keycloak)?.client_id),
        None => None,
    };
    let privileged = crate::api::users::convert::role_grants_privileged(
        kc,
        &tenant,
        &found,
        client_id.as_deref(),
    )
    .await
    .map_err(from_keycloak)?;
    if privileged {
        crate::ssr::authorize_privileged(&tenant).await?;
    }
    let roles = [found];
    let result = match (client, granted) {
        (None, true) => kc.add_realm_roles(&tenant, &id, &roles).await,
        (None, false) => kc.remove_realm_roles(&tenant, &id, &roles).await,
        (Some(uuid), true) => kc.add_client_roles(&tenant, &id, uuid, &roles).await,
        (Some(uuid), false) => kc.remove_client_roles(&tenant, &id, uuid, &roles).await,
    };

    let action = if granted { "user.role_grant" } else { "user.role_revoke" };
    let detail = serde_json::json!({ "role": role, "client_id": client_id });
    recorded(&caller, &tenant, action, &id, Some(detail), result).await.map_err(from_keycloak)
}
