//! What a request runs: each step's Keycloak call and whom it acts on, as stored with the
//! request so that a runner after a restart reads back exactly what was approved.

use serde::{Deserialize, Serialize};

use super::AccessItem;

/// Whom a step acts on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StepSubject {
    /// A user that exists, by id.
    User {
        /// Keycloak's id.
        id: String,
    },
    /// The user that the request's creation step of this row created.
    CreatedInRow,
}

/// One call to Keycloak that a request runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum StepAction {
    /// Creates the user; a retry after a fault that finds the username taken by the user this
    /// step created goes on with it.
    CreateUser {
        /// The representation to send, without any credential.
        representation: serde_json::Value,
    },
    /// Joins a group.
    JoinGroup {
        /// The group.
        id: String,
        /// Its path, for people.
        path: String,
    },
    /// Leaves a group.
    LeaveGroup {
        /// The group.
        id: String,
        /// Its path, for people.
        path: String,
    },
    /// Grants a realm role.
    GrantRealmRole {
        /// The role's name.
        name: String,
    },
    /// Takes back a realm role.
    RevokeRealmRole {
        /// The role's name.
        name: String,
    },
    /// Grants a client role.
    GrantClientRole {
        /// The client's internal id.
        client_uuid: String,
        /// The client's `clientId`.
        client_id: String,
        /// The role's name.
        name: String,
    },
    /// Takes back a client role.
    RevokeClientRole {
        /// The client's internal id.
        client_uuid: String,
        /// The client's `clientId`.
        client_id: String,
        /// The role's name.
        name: String,
    },
    /// Disables the account.
    Disable,
    /// Ends every session.
    EndSessions,
    /// Takes back every role granted directly (the realm's default roles stay) and leaves every
    /// group, as they are when the step runs.
    RemoveAllAccess,
    /// Adds required actions to the user.
    RequireActions {
        /// The actions.
        actions: Vec<String>,
    },
    /// Emails the required actions.
    EmailActions {
        /// The actions.
        actions: Vec<String>,
        /// How long the link lasts, in seconds.
        lifespan_seconds: u32,
    },
    /// Deletes the user for good.
    DeleteUser,
}

impl StepAction {
    /// The step as a person reads it.
    pub fn describe(&self) -> String {
        match self {
            StepAction::CreateUser { representation } => {
                let name = representation["username"].as_str().unwrap_or("the user");
                format!("Create the user {name}")
            }
            StepAction::JoinGroup { path, .. } => format!("Join the group {path}"),
            StepAction::LeaveGroup { path, .. } => format!("Leave the group {path}"),
            StepAction::GrantRealmRole { name } => format!("Grant the realm role {name}"),
            StepAction::RevokeRealmRole { name } => format!("Take back the realm role {name}"),
            StepAction::GrantClientRole { client_id, name, .. } => {
                format!("Grant the role {name} of {client_id}")
            }
            StepAction::RevokeClientRole { client_id, name, .. } => {
                format!("Take back the role {name} of {client_id}")
            }
            StepAction::Disable => "Disable the account".to_owned(),
            StepAction::EndSessions => "End every session".to_owned(),
            StepAction::RemoveAllAccess => {
                "Take back every direct role and leave every group".to_owned()
            }
            StepAction::RequireActions { actions } => {
                format!("Require at next sign-in: {}", actions.join(", "))
            }
            StepAction::EmailActions { actions, .. } => {
                format!("Email the actions {}", actions.join(", "))
            }
            StepAction::DeleteUser => "Delete the user".to_owned(),
        }
    }

    /// The step that grants `item`.
    pub fn grant(item: &AccessItem) -> StepAction {
        match item.clone() {
            AccessItem::Group { id, path, .. } => StepAction::JoinGroup { id, path },
            AccessItem::RealmRole { name, .. } => StepAction::GrantRealmRole { name },
            AccessItem::ClientRole { client_uuid, client_id, name, .. } => {
                StepAction::GrantClientRole { client_uuid, client_id, name }
            }
        }
    }

    /// The step that takes `item` back.
    pub fn revoke(item: &AccessItem) -> StepAction {
        match item.clone() {
            AccessItem::Group { id, path, .. } => StepAction::LeaveGroup { id, path },
            AccessItem::RealmRole { name, .. } => StepAction::RevokeRealmRole { name },
            AccessItem::ClientRole { client_uuid, client_id, name, .. } => {
                StepAction::RevokeClientRole { client_uuid, client_id, name }
            }
        }
    }
}
