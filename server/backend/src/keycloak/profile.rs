//! The realm's user profile: which attributes users may carry.

use super::{KeycloakAdmin, KeycloakError, UserProfileConfig};

impl KeycloakAdmin {
    /// The realm's declarative user profile. Read it before writing attributes: Keycloak
    /// silently drops the ones it does not declare, unless its unmanaged-attribute policy
    /// keeps them.
    pub async fn user_profile(&self, realm: &str) -> Result<UserProfileConfig, KeycloakError> {
        self.get_json(self.admin_url(&[realm, "users", "profile"]), "get user profile").await
    }
}
