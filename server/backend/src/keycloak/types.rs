//! The representations the console reads from Keycloak, kept to the fields it uses. Unknown
//! fields are ignored on read. Nothing typed here is written back whole, so nothing is dropped:
//! a user is updated from [`UserRecord::raw`], the representation exactly as Keycloak sent it.

use serde::{Deserialize, Serialize};

mod access;
mod activity;
mod credentials;
mod profile;
mod user;

pub use access::{ClientBrief, ClientRoleMappings, GroupBrief, RoleBrief, RoleMappings};
pub use activity::{Consent, EventBrief, FederatedIdentity, SessionBrief};
pub use credentials::{BruteForceStatus, CredentialBrief};
pub use profile::{
    ProfileAttribute, ProfileGroup, ProfilePermissions, ProfileRequired, UserProfileConfig,
};
pub use user::UserRecord;

/// A realm as the realm list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RealmSummary {
    /// The realm's name, which is its id in every URL.
    pub realm: String,
    /// The name shown to people, when set.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Whether people can sign in.
    #[serde(default)]
    pub enabled: bool,
}

/// How a realm stores events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsConfig {
    /// Whether sign-in events are stored.
    #[serde(default)]
    pub events_enabled: bool,
    /// How long stored events are kept, in seconds; `None` or 0 keeps them forever.
    #[serde(default)]
    pub events_expiration: Option<i64>,
    /// Whether admin events are stored.
    #[serde(default)]
    pub admin_events_enabled: bool,
    /// Whether admin events keep the changed representation.
    #[serde(default)]
    pub admin_events_details_enabled: bool,
}

/// A user as lists show it (Keycloak's brief representation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserBrief {
    /// Keycloak's id of the user.
    pub id: String,
    /// The sign-in name.
    pub username: String,
    /// First name, when set.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name, when set.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Email address, when set.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the email address was verified.
    #[serde(default)]
    pub email_verified: bool,
    /// Whether the user may sign in.
    #[serde(default)]
    pub enabled: bool,
    /// When the user was created, in epoch milliseconds.
    #[serde(default)]
    pub created_timestamp: Option<i64>,
}

/// A user search: a free-text term, or field and attribute filters; and a page.
///
/// [`KeycloakAdmin::list_users`](super::KeycloakAdmin::list_users) and
/// [`KeycloakAdmin::count_users`](super::KeycloakAdmin::count_users) send the same filters, so
/// a page and its total agree. Keycloak's own rules apply: when `search` is set it ignores every
/// other filter but `enabled`; the field filters match anywhere in the value, ignoring case
/// (`exact` is never sent: `/users/count` has no such parameter, so the two would disagree);
/// `attributes` match whole values, ignoring case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Keycloak's `search` (prefix by default; `*x*` infix; `"x"` exact).
    pub search: Option<String>,
    /// Part of the username.
    pub username: Option<String>,
    /// Part of the email address.
    pub email: Option<String>,
    /// Part of the first name.
    pub first_name: Option<String>,
    /// Part of the last name.
    pub last_name: Option<String>,
    /// Attribute name and whole value pairs, all of which must hold (Keycloak's `q`). Neither
    /// may be empty, a name may appear once and hold no colon, and neither may hold a
    /// backslash: Keycloak's parser cannot carry those, so the call refuses them as
    /// [`KeycloakError::InvalidInput`](super::KeycloakError::InvalidInput).
    pub attributes: Vec<(String, String)>,
    /// Only enabled or only disabled users.
    pub enabled: Option<bool>,
    /// Only users whose email address is, or is not, verified.
    pub email_verified: Option<bool>,
    /// Index of the first result.
    pub first: u32,
    /// At most this many results.
    pub max: u32,
}

#[cfg(test)]
mod tests;
