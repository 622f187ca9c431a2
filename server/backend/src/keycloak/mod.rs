//! A typed client for Keycloak's Admin REST API, signed in as the console's service account.
//!
//! The client gets its token with the client-credentials grant, caches it and renews it shortly
//! before it expires; a 401 from Keycloak drops the cached token and retries once. Every call has
//! a timeout, and every failure is typed by cause ([`KeycloakError`]), so that callers can tell a
//! missing user from a Keycloak that is down. Response bodies from Keycloak never leave this
//! module except as the typed values below.
//!
//! The calls are grouped by what they touch: users, their credentials and lockout, groups,
//! roles, clients, sessions, consents and links, events, the user profile, and the reads and
//! writes of backups and restores.

mod client;
mod clients;
mod credentials;
mod error;
mod events;
mod export;
mod grants;
mod group_roles;
mod groups;
mod import;
mod lockout;
mod profile;
mod realms;
mod roles;
mod sessions;
mod token;
mod types;
mod user_query;
mod users;

pub use client::{KeycloakAdmin, KeycloakSettings};
pub use error::{FieldError, KeycloakError};
pub use group_roles::{GroupDetail, HeldRole};
pub use import::{IfExists, ImportAnswer, ImportResult};
pub use realms::MailServer;
pub use sessions::ClientSessions;
pub use types::{
    BruteForceStatus, ClientBrief, ClientRoleMappings, Consent, CredentialBrief, EventBrief,
    EventsConfig, FederatedIdentity, GroupBrief, ProfileAttribute, ProfileGroup,
    ProfilePermissions, ProfileRequired, RealmSummary, RoleBrief, RoleMappings, SessionBrief,
    UserBrief, UserProfileConfig, UserQuery, UserRecord,
};
pub use users::ExactField;

#[cfg(test)]
mod live_tests;
