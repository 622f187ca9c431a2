//! The adapters the console's server stands on: a typed client for Keycloak's Admin REST API and
//! the console's own database (audit trail, sessions, job leases), and [`import`], the pure
//! reader that checks bulk-import CSV files.
//!
//! Nothing here knows about HTTP requests from the browser or about who is asking: the server and
//! the server functions decide that, then call in here.

pub mod backup;
pub mod health;
pub mod import;
pub mod keycloak;
pub mod metrics;
pub mod realm_facts;
pub mod secret;
pub mod store;
pub mod tenants;

pub use secret::Secret;

#[cfg(test)]
mod shared_data;
