//! What joining a group grants: the roles mapped to the group and to each of its ancestors
//! (members of a sub-group hold its parents' roles too), composites expanded, with attributes,
//! so that the console can tell whether a membership hands out a privileged role.

use serde::Deserialize;

use super::roles::MappingsRepresentation;
use super::{KeycloakAdmin, KeycloakError, RoleBrief, RoleMappings};

/// A group as `GET /groups/{id}` answers it: with its path and its parent.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupDetail {
    /// Keycloak's id of the group.
    pub id: String,
    /// The full path from the top.
    pub path: String,
    /// The parent group's id; `None` for a top-level group.
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// A role a group's members hold, with the `clientId` of its client for a client role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldRole {
    /// The client's `clientId`, `None` for a realm role.
    pub client_id: Option<String>,
    /// The role, with its attributes.
    pub role: RoleBrief,
}

/// How deep a group tree may go before the walk up gives up (Keycloak sets no limit; a loop is
/// impossible, but a corrupt parent link must not spin forever).
const MAX_DEPTH: usize = 64;

impl KeycloakAdmin {
    /// One group with its path and parent.
    pub async fn group(&self, realm: &str, id: &str) -> Result<GroupDetail, KeycloakError> {
        self.get_json(self.admin_url(&[realm, "groups", id]), "get group").await
    }

    /// Every role a member of the group holds through it: for the group and each ancestor, the
    /// realm roles in effect and the client roles in effect of each client mapped there and of
    /// each client in `also_clients` (internal ids, for clients whose roles matter even when
    /// only reached through a composite).
    pub async fn group_held_roles(
        &self,
        realm: &str,
        id: &str,
        also_clients: &[(&str, &str)],
    ) -> Result<Vec<HeldRole>, KeycloakError> {
        let mut held = Vec::new();
        let mut next = Some(id.to_owned());
        for _ in 0..MAX_DEPTH {
            let Some(group) = next.take() else { break };
            let url = self.admin_url(&[realm, "groups", &group, "role-mappings"]);
            let mappings: MappingsRepresentation = self.get_json(url, "get group roles").await?;
            let mappings = RoleMappings::from(mappings);

            let segments = [realm, "groups", &group, "role-mappings", "realm", "composite"];
            let mut url = self.admin_url(&segments);
            url.query_pairs_mut().append_pair("briefRepresentation", "false");
            let realm_roles: Vec<RoleBrief> = self.get_json(url, "get group realm roles").await?;
            held.extend(realm_roles.into_iter().map(|role| HeldRole { client_id: None, role }));

            let mut clients: Vec<(String, String)> = mappings
                .clients
                .iter()
                .map(|m| (m.client.id.clone(), m.client.client_id.clone()))
                .collect();
            for (uuid, client_id) in also_clients {
                if !clients.iter().any(|(u, _)| u == uuid) {
                    clients.push(((*uuid).to_owned(), (*client_id).to_owned()));
                }
            }
            for (uuid, client_id) in clients {
                let segments =
                    [realm, "groups", &group, "role-mappings", "clients", &uuid, "composite"];
                let mut url = self.admin_url(&segments);
                url.query_pairs_mut().append_pair("briefRepresentation", "false");
                let roles: Vec<RoleBrief> = self.get_json(url, "get group client roles").await?;
                held.extend(
                    roles
                        .into_iter()
                        .map(|role| HeldRole { client_id: Some(client_id.clone()), role }),
                );
            }

            next = self.group(realm, &group).await?.parent_id;
        }
        Ok(held)
    }
}
