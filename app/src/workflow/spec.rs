//! What a request asks for, and the steps it is turned into.
//!
//! A request's [`RequestSpec`] is what the requester chose, as they read it; when the request is
//! filed the server resolves it into [`StepAction`]s (one call to Keycloak each), which are
//! stored and run in order. Every step is idempotent, so running one again after a fault or a
//! restart finishes the work without doing it twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The four kinds of request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Joiners: new users from a template, one or many (a bulk import).
    Onboard,
    /// Movers: groups and roles added or taken back.
    ChangeAccess,
    /// Leavers: disabled, signed out, access taken back, perhaps deleted later.
    Offboard,
    /// A new password or second factor, by email or at next sign-in.
    CredentialReset,
}

impl RequestKind {
    /// Every kind.
    pub const ALL: [RequestKind; 4] = [
        RequestKind::Onboard,
        RequestKind::ChangeAccess,
        RequestKind::Offboard,
        RequestKind::CredentialReset,
    ];

    /// The stable name stored in the database and used in translation keys.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Onboard => "onboard",
            RequestKind::ChangeAccess => "change_access",
            RequestKind::Offboard => "offboard",
            RequestKind::CredentialReset => "credential_reset",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A group or role, as a request names it: with the names a person reads and whether it is
/// privileged, both resolved when the request is filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AccessItem {
    /// A group, by id and path.
    Group {
        /// Keycloak's id.
        id: String,
        /// The full path, such as `/Sales/EMEA`.
        path: String,
        /// Whether it (or a group above it) maps a privileged role.
        #[serde(default)]
        privileged: bool,
    },
    /// A realm role.
    RealmRole {
        /// Its name.
        name: String,
        /// Whether it is privileged.
        #[serde(default)]
        privileged: bool,
    },
    /// A role of a client.
    ClientRole {
        /// The client's internal id.
        client_uuid: String,
        /// The client's `clientId`.
        client_id: String,
        /// The role's name.
        name: String,
        /// Whether it is privileged.
        #[serde(default)]
        privileged: bool,
    },
}

impl AccessItem {
    /// Whether granting or taking it back needs a tenant admin.
    pub fn is_privileged(&self) -> bool {
        match self {
            AccessItem::Group { privileged, .. }
            | AccessItem::RealmRole { privileged, .. }
            | AccessItem::ClientRole { privileged, .. } => *privileged,
        }
    }

    /// How forms and lookups name it: `group/<id>`, `realm/<role>`, `client/<uuid>/<role>`.
    pub fn key(&self) -> String {
        match self {
            AccessItem::Group { id, .. } => format!("group/{id}"),
            AccessItem::RealmRole { name, .. } => format!("realm/{name}"),
            AccessItem::ClientRole { client_uuid, name, .. } => {
                format!("client/{client_uuid}/{name}")
            }
        }
    }

    /// How a person reads it: `the group /Sales`, `the realm role auditor`, `the role
    /// editor of crm`.
    pub fn describe(&self) -> String {
        match self {
            AccessItem::Group { path, .. } => format!("the group {path}"),
            AccessItem::RealmRole { name, .. } => format!("the realm role {name}"),
            AccessItem::ClientRole { client_id, name, .. } => {
                format!("the role {name} of {client_id}")
            }
        }
    }
}

/// How a new user gets a first credential. No password is ever stored with a request: a
/// request waits for its approval in the database, and a password there would outlive it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Credential {
    /// Keycloak emails the required actions (set a password, and those chosen).
    Email {
        /// How long the emailed link lasts, in hours.
        lifespan_hours: u32,
    },
    /// None now: the template's required actions apply, and a helpdesk agent sets a password
    /// later from the user's page.
    #[default]
    Later,
}

impl Credential {
    /// Why Keycloak could not email a new user this first credential, if it could not: it
    /// sends nothing to a user without an address, nor to a disabled one.
    pub fn undeliverable(&self, email: Option<&str>, enabled: bool) -> Option<&'static str> {
        if !matches!(self, Credential::Email { .. }) {
            return None;
        }
        if email.is_none_or(|e| e.trim().is_empty()) {
            return Some("No email address to send the first sign-in to.");
        }
        if !enabled {
            return Some("Keycloak sends no email to a disabled user: create it enabled.");
        }
        None
    }
}

/// One person to onboard: the profile's fields by attribute name, and what the row of a bulk
/// import adds to the template.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The profile's fields (`username`, `email`, `firstName`, `lastName`, attributes).
    pub fields: BTreeMap<String, String>,
    /// Groups and roles beyond the template's.
    #[serde(default)]
    pub access: Vec<AccessItem>,
}

/// How a credential reset is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResetMethod {
    /// Keycloak emails the actions (`UPDATE_PASSWORD`, `CONFIGURE_TOTP`, …).
    Email {
        /// The required actions to email.
        actions: Vec<String>,
        /// How long the link lasts, in hours.
        lifespan_hours: u32,
    },
    /// The user must do the actions at the next sign-in; every session is ended now.
    NextSignIn {
        /// The required actions to set.
        actions: Vec<String>,
    },
}

/// What a request asks for, as the requester chose it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestSpec {
    /// New users from a template.
    Onboard {
        /// The template's id, when one was used.
        template: Option<String>,
        /// The template's name as it was when filed.
        template_name: Option<String>,
        /// The people; one, or every good row of an import.
        people: Vec<Person>,
        /// What each gets in common: the template's groups and roles.
        access: Vec<AccessItem>,
        /// The required actions each gets.
        required_actions: Vec<String>,
        /// How each gets a first credential.
        credential: Credential,
        /// Whether the accounts may sign in at once.
        enabled: bool,
        /// The import's file name, for a bulk request.
        file_name: Option<String>,
    },
    /// Groups and roles added to or taken from one user.
    ChangeAccess {
        /// The user's id.
        user_id: String,
        /// The username, as it was when filed.
        username: String,
        /// What to add.
        add: Vec<AccessItem>,
        /// What to take back.
        remove: Vec<AccessItem>,
    },
    /// A leaver.
    Offboard {
        /// The user's id.
        user_id: String,
        /// The username, as it was when filed.
        username: String,
        /// Delete the user this many days after the offboarding ran; kept when `None`.
        delete_after_days: Option<u32>,
    },
    /// A new password or second factor.
    CredentialReset {
        /// The user's id.
        user_id: String,
        /// The username, as it was when filed.
        username: String,
        /// How.
        method: ResetMethod,
    },
}

impl RequestSpec {
    /// The kind of request.
    pub fn kind(&self) -> RequestKind {
        match self {
            RequestSpec::Onboard { .. } => RequestKind::Onboard,
            RequestSpec::ChangeAccess { .. } => RequestKind::ChangeAccess,
            RequestSpec::Offboard { .. } => RequestKind::Offboard,
            RequestSpec::CredentialReset { .. } => RequestKind::CredentialReset,
        }
    }

    /// How many people it concerns: the rows of an import, or one.
    pub fn rows(&self) -> usize {
        match self {
            RequestSpec::Onboard { people, .. } => people.len(),
            _ => 1,
        }
    }

    /// Whether it grants or takes back anything privileged.
    pub fn touches_privileged(&self) -> bool {
        match self {
            RequestSpec::Onboard { people, access, .. } => access
                .iter()
                .chain(people.iter().flat_map(|p| p.access.iter()))
                .any(AccessItem::is_privileged),
            RequestSpec::ChangeAccess { add, remove, .. } => {
                add.iter().chain(remove).any(AccessItem::is_privileged)
            }
            RequestSpec::Offboard { .. } | RequestSpec::CredentialReset { .. } => false,
        }
    }

    /// One line for lists: `Onboard alice.martin`, `Onboard 2,400 people from staff.csv`.
    pub fn summary(&self) -> String {
        match self {
            RequestSpec::Onboard { people, file_name, .. } => {
                match (people.as_slice(), file_name) {
                    ([one], None) => {
                        let name = one.fields.get("username").filter(|u| !u.is_empty());
                        let fallback = || {
                            let first = one.fields.get("firstName").cloned().unwrap_or_default();
                            let last = one.fields.get("lastName").cloned().unwrap_or_default();
                            format!("{first} {last}").trim().to_owned()
                        };
                        format!("Onboard {}", name.cloned().unwrap_or_else(fallback))
                    }
                    (people, Some(file)) => format!("Onboard {} people from {file}", people.len()),
                    (people, None) => format!("Onboard {} people", people.len()),
                }
            }
            RequestSpec::ChangeAccess { username, add, remove, .. } => {
                format!("Change the access of {username}: +{} −{}", add.len(), remove.len())
            }
            RequestSpec::Offboard { username, delete_after_days, .. } => match delete_after_days {
                Some(days) => format!("Offboard {username}, delete after {days} days"),
                None => format!("Offboard {username}"),
            },
            RequestSpec::CredentialReset { username, .. } => {
                format!("Reset the credentials of {username}")
            }
        }
    }
}

/// An onboarding template of a tenant: a department or job role and what it grants.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// Its id: lowercase letters, digits and dashes.
    pub id: String,
    /// Its name, such as `Sales — EMEA account manager`.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// The groups and roles it grants.
    #[serde(default)]
    pub access: Vec<AccessItem>,
    /// The required actions a new user gets (`UPDATE_PASSWORD`, `CONFIGURE_TOTP`, …).
    #[serde(default)]
    pub required_actions: Vec<String>,
    /// Profile fields it fills in, such as `department`; the person's own values win.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests;
