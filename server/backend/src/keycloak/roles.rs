//! Roles: the realm's and a client's, and which a user holds directly or in effect.
//!
//! Role lists are read with `briefRepresentation=false`: a brief role carries no attributes, and
//! the console tells privileged roles by their `privileged` attribute.

use std::collections::{BTreeMap, HashSet};

use reqwest::Method;
use serde::Deserialize;
use tracing::debug;
use url::Url;

use super::{
    ClientBrief, ClientRoleMappings, KeycloakAdmin, KeycloakError, RoleBrief, RoleMappings,
};

/// `GET /users/{id}/role-mappings` as Keycloak writes it: client mappings keyed by `clientId`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MappingsRepresentation {
    #[serde(default)]
    realm_mappings: Vec<RoleBrief>,
    #[serde(default)]
    client_mappings: BTreeMap<String, ClientMappingsRepresentation>,
}

#[derive(Deserialize)]
struct ClientMappingsRepresentation {
    id: String,
    client: String,
    #[serde(default)]
    mappings: Vec<RoleBrief>,
}

impl From<MappingsRepresentation> for RoleMappings {
    fn from(kc: MappingsRepresentation) -> RoleMappings {
        let clients = kc
            .client_mappings
            .into_values()
            .map(|c| ClientRoleMappings {
                client: ClientBrief { id: c.id, client_id: c.client, name: None },
                roles: c.mappings,
            })
            .collect();
        RoleMappings { realm: kc.realm_mappings, clients }
    }
}

impl KeycloakAdmin {
    /// The roles mapped to the user directly, realm and client ones, with their attributes.
    ///
    /// Keycloak's direct mappings are brief (no attributes, and no way to ask for more), so the
    /// attributes are filled in from the effective roles, which hold every direct one: one
    /// more call for the realm roles, and one for each client with direct mappings.
    pub async fn user_role_mappings(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<RoleMappings, KeycloakError> {
        Ok(self.user_roles(realm, id).await?.0)
    }

    /// The direct mappings of [`KeycloakAdmin::user_role_mappings`] together with the realm
    /// roles the user holds in effect, which filling the attributes reads anyway.
    pub async fn user_roles(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<(RoleMappings, Vec<RoleBrief>), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "role-mappings"]);
        let (kc, effective): (MappingsRepresentation, _) = tokio::try_join!(
            self.get_json(url, "get role mappings"),
            self.user_effective_realm_roles(realm, id),
        )?;
        let mut mappings = RoleMappings::from(kc);

        with_attributes(&mut mappings.realm, &effective);
        for client in &mut mappings.clients {
            let full = self.user_effective_client_roles(realm, id, &client.client.id).await?;
            with_attributes(&mut client.roles, &full);
        }
        Ok((mappings, effective))
    }

    /// The names of the roles mapped to the user directly, of the realm (`client_uuid` `None`)
    /// or of one client: one brief call, for when attributes do not matter.
    pub async fn user_direct_role_names(
        &self,
        realm: &str,
        id: &str,
        client_uuid: Option<&str>,
    ) -> Result<Vec<String>, KeycloakError> {
        let url = match client_uuid {
            None => self.admin_url(&[realm, "users", id, "role-mappings", "realm"]),
            Some(uuid) => self.admin_url(&[realm, "users", id, "role-mappings", "clients", uuid]),
        };
        let roles: Vec<RoleBrief> = self.get_json(url, "get direct roles").await?;
        Ok(roles.into_iter().map(|r| r.name).collect())
    }

    /// The realm roles the user holds in effect: direct, through groups, and through composites.
    pub async fn user_effective_realm_roles(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<Vec<RoleBrief>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users", id, "role-mappings", "realm", "composite"]);
        url.query_pairs_mut().append_pair("briefRepresentation", "false");

        self.get_json(url, "get effective realm roles").await
    }

    /// The roles of one client (by internal id) the user holds in effect.
    pub async fn user_effective_client_roles(
        &self,
        realm: &str,
        id: &str,
        client_uuid: &str,
    ) -> Result<Vec<RoleBrief>, KeycloakError> {
        let segments = [realm, "users", id, "role-mappings", "clients", client_uuid, "composite"];
        let mut url = self.admin_url(&segments);
        url.query_pairs_mut().append_pair("briefRepresentation", "false");

        self.get_json(url, "get effective client roles").await
    }

    /// One page of the realm's roles whose name contains `search`.
    pub async fn realm_roles(
        &self,
        realm: &str,
        search: Option<&str>,
        first: u32,
        max: u32,
    ) -> Result<Vec<RoleBrief>, KeycloakError> {
        let url = role_page(self.admin_url(&[realm, "roles"]), search, first, max);

        self.get_json(url, "list realm roles").await
    }

    /// One page of a client's roles (client by internal id) whose name contains `search`.
    pub async fn client_roles(
        &self,
        realm: &str,
        client_uuid: &str,
        search: Option<&str>,
        first: u32,
        max: u32,
    ) -> Result<Vec<RoleBrief>, KeycloakError> {
        let url = self.admin_url(&[realm, "clients", client_uuid, "roles"]);

        self.get_json(role_page(url, search, first, max), "list client roles").await
    }

    /// A realm role, or a client's role when `client_uuid` is given, by name, with attributes.
    pub async fn role_by_name(
        &self,
        realm: &str,
        client_uuid: Option<&str>,
        name: &str,
    ) -> Result<RoleBrief, KeycloakError> {
        let url = match client_uuid {
            Some(client) => self.admin_url(&[realm, "clients", client, "roles", name]),
            None => self.admin_url(&[realm, "roles", name]),
        };

        self.get_json(url, "get role").await
    }

    /// Every role that holding `role` grants besides itself, composites followed however deep,
    /// each with its attributes. Keycloak lists a composite's members without attributes, so
    /// each member is read again by id; a role reached twice is read once.
    pub async fn roles_within(
        &self,
        realm: &str,
        role: &RoleBrief,
    ) -> Result<Vec<RoleBrief>, KeycloakError> {
        let mut seen = HashSet::from([role.id.clone()]);
        let mut open = if role.composite { vec![role.id.clone()] } else { Vec::new() };
        let mut found = Vec::new();
        while let Some(id) = open.pop() {
            let url = self.admin_url(&[realm, "roles-by-id", &id, "composites"]);
            let members: Vec<RoleBrief> = self.get_json(url, "get composite roles").await?;
            for member in members {
                if !seen.insert(member.id.clone()) {
                    continue;
                }
                let url = self.admin_url(&[realm, "roles-by-id", &member.id]);
                let member: RoleBrief = self.get_json(url, "get role").await?;
                if member.composite {
                    open.push(member.id.clone());
                }
                found.push(member);
            }
        }
        Ok(found)
    }

    /// Maps realm roles to the user. Each role needs its `id` and `name`.
    pub async fn add_realm_roles(
        &self,
        realm: &str,
        id: &str,
        roles: &[RoleBrief],
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "role-mappings", "realm"]);
        self.map_roles(Method::POST, url, roles, "add realm roles").await
    }

    /// Unmaps realm roles from the user (roles held through groups stay).
    pub async fn remove_realm_roles(
        &self,
        realm: &str,
        id: &str,
        roles: &[RoleBrief],
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "role-mappings", "realm"]);
        self.map_roles(Method::DELETE, url, roles, "remove realm roles").await
    }

    /// Maps roles of one client (by internal id) to the user.
    pub async fn add_client_roles(
        &self,
        realm: &str,
        id: &str,
        client_uuid: &str,
        roles: &[RoleBrief],
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "role-mappings", "clients", client_uuid]);
        self.map_roles(Method::POST, url, roles, "add client roles").await
    }

    /// Unmaps roles of one client (by internal id) from the user.
    pub async fn remove_client_roles(
        &self,
        realm: &str,
        id: &str,
        client_uuid: &str,
        roles: &[RoleBrief],
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "role-mappings", "clients", client_uuid]);
        self.map_roles(Method::DELETE, url, roles, "remove client roles").await
    }

    async fn map_roles(
        &self,
        method: Method,
        url: Url,
        roles: &[RoleBrief],
        what: &str,
    ) -> Result<(), KeycloakError> {
        if roles.is_empty() {
            return Ok(());
        }
        self.send_json(method, url, roles, what).await?;

        debug!(call = what, roles = roles.len(), "role mappings changed");
        Ok(())
    }
}

/// Copies each role's attributes from its full representation in `full`, found by id.
fn with_attributes(roles: &mut [RoleBrief], full: &[RoleBrief]) {
    for role in roles.iter_mut() {
        if let Some(known) = full.iter().find(|f| f.id == role.id) {
            role.attributes.clone_from(&known.attributes);
        }
    }
}

/// `url` with a role list's page: full representations, `search` when given.
fn role_page(mut url: Url, search: Option<&str>, first: u32, max: u32) -> Url {
    let mut pairs = url.query_pairs_mut();
    if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
        pairs.append_pair("search", search);
    }
    pairs
        .append_pair("briefRepresentation", "false")
        .append_pair("first", &first.to_string())
        .append_pair("max", &max.to_string());
    drop(pairs);
    url
}
