//! What a user does and holds: sessions, consents, linked identities and events.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A user session (regular or offline).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionBrief {
    /// The session's id.
    pub id: String,
    /// Where the session was started from, when known.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// When it started, in epoch milliseconds.
    #[serde(default)]
    pub start: i64,
    /// When it was last used, in epoch milliseconds.
    #[serde(default)]
    pub last_access: i64,
    /// The clients used in it: internal id to `clientId`.
    #[serde(default)]
    pub clients: BTreeMap<String, String>,
    /// Whether the user ticked "remember me".
    #[serde(default)]
    pub remember_me: bool,
}

/// What a user granted one client: consented scopes, and offline tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    /// The client's `clientId` (not its internal id), which revoking takes.
    pub client_id: String,
    /// The client scopes consented to.
    #[serde(default)]
    pub granted_client_scopes: Vec<String>,
    /// When consent was first given, in epoch milliseconds.
    #[serde(default)]
    pub created_date: Option<i64>,
    /// When it last changed, in epoch milliseconds.
    #[serde(default)]
    pub last_updated_date: Option<i64>,
    /// Other grants, such as `{"key": "Offline Token", "client": ...}` for an offline session.
    #[serde(default)]
    pub additional_grants: Vec<Value>,
}

/// A link between the user and an account at an identity provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FederatedIdentity {
    /// The identity provider's alias.
    pub identity_provider: String,
    /// The user's id at the provider.
    #[serde(default)]
    pub user_id: String,
    /// The user's name at the provider.
    #[serde(default)]
    pub user_name: String,
}

/// A sign-in event (LOGIN, LOGIN_ERROR, UPDATE_PASSWORD, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventBrief {
    /// When it happened, in epoch milliseconds.
    pub time: i64,
    /// Keycloak's event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The client it happened through, when any.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Where the request came from.
    #[serde(default)]
    pub ip_address: Option<String>,
    /// Keycloak's error key for a failure (`invalid_user_credentials`, ...).
    #[serde(default)]
    pub error: Option<String>,
    /// Details such as `username`, `auth_method`, `grant_type`.
    #[serde(default)]
    pub details: BTreeMap<String, String>,
}
