//! Signing people in with Keycloak: OIDC authorization code with PKCE, tokens kept on the
//! server, the browser holding only the session cookie.

mod claims;
mod guard;
mod provider;
mod routes;

pub use guard::{check_origin, require_session};
pub use provider::OidcProvider;
#[cfg(test)]
pub(crate) use provider::ProviderError;
pub(crate) use routes::constant_time_eq;
pub use routes::{callback, login, logout};

/// The session key of the login in progress (state, nonce, PKCE verifier, where to return).
const PENDING_KEY: &str = "pending_login";

/// The session key of the ID token, kept for RP-initiated logout.
const ID_TOKEN_KEY: &str = "id_token";
