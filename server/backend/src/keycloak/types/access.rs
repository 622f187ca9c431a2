//! Groups, roles and clients as membership and role-mapping screens show them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A group, without its members or sub-groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupBrief {
    /// Keycloak's id of the group.
    pub id: String,
    /// The group's own name.
    pub name: String,
    /// The full path from the top (`/Engineering/Platform`), unique in the realm.
    pub path: String,
}

/// A realm or client role.
///
/// Serialised as Keycloak's role representation, which is what role-mapping writes take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleBrief {
    /// Keycloak's id of the role.
    pub id: String,
    /// The role's name, unique in its realm or client.
    pub name: String,
    /// What the role is for, when described.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the role bundles other roles.
    #[serde(default)]
    pub composite: bool,
    /// Whether it belongs to a client rather than to the realm.
    #[serde(default)]
    pub client_role: bool,
    /// The realm's id, or the client's internal id for a client role.
    #[serde(default)]
    pub container_id: Option<String>,
    /// The role's attributes. The console reads `privileged` = `true` as a privileged role.
    /// Empty when Keycloak sent a brief representation: the calls here ask for full ones.
    #[serde(default)]
    pub attributes: BTreeMap<String, Vec<String>>,
}

impl RoleBrief {
    /// Whether the role carries the attribute `privileged` with the value `true`.
    pub fn is_privileged(&self) -> bool {
        self.attributes.get("privileged").is_some_and(|v| v.iter().any(|x| x == "true"))
    }
}

/// A client (an application of the realm).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientBrief {
    /// The client's internal id (a UUID), which client-role calls take.
    pub id: String,
    /// The client's public identifier, such as `crm`.
    pub client_id: String,
    /// The name shown to people, when set.
    #[serde(default)]
    pub name: Option<String>,
}

/// The roles of one client mapped to a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientRoleMappings {
    /// The client (Keycloak's mapping list names no display name: `name` is `None`).
    pub client: ClientBrief,
    /// Its roles mapped to the user.
    pub roles: Vec<RoleBrief>,
}

/// The roles mapped to a user directly (not through groups or composites).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleMappings {
    /// Realm roles.
    #[serde(default)]
    pub realm: Vec<RoleBrief>,
    /// Client roles, by client, sorted by `clientId`.
    #[serde(default)]
    pub clients: Vec<ClientRoleMappings>,
}
