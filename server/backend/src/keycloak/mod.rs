//! A typed client for Keycloak's Admin REST API, signed in as the console's service account.
//!
//! The client gets its token with the client-credentials grant, caches it and renews it shortly
//! before it expires; a 401 from Keycloak drops the cached token and retries once. Every call has
//! a timeout, and every failure is typed by cause ([`KeycloakError`]), so that callers can tell a
//! missing user from a Keycloak that is down. Response bodies from Keycloak never leave this
//! module except as the typed values below.

mod client;
mod error;
mod realms;
mod token;
mod types;
mod users;

pub use client::{KeycloakAdmin, KeycloakSettings};
pub use error::{FieldError, KeycloakError};
pub use types::{EventsConfig, RealmSummary, UserBrief, UserQuery};

#[cfg(test)]
mod live_tests;
