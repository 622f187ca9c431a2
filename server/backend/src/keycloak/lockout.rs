//! Brute-force detection: whether a realm locks users out after failed sign-ins, whether a user
//! is locked out now, and lifting it.

use serde::Deserialize;
use tracing::debug;

use super::{BruteForceStatus, KeycloakAdmin, KeycloakError};

impl KeycloakAdmin {
    /// Whether the realm's brute-force detection is on. When it is off, no user is ever locked
    /// out, so callers can skip [`KeycloakAdmin::brute_force_status`].
    pub async fn realm_brute_force_protected(&self, realm: &str) -> Result<bool, KeycloakError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Protection {
            #[serde(default)]
            brute_force_protected: bool,
        }

        let realm: Protection = self.get_json(self.admin_url(&[realm]), "get realm").await?;
        Ok(realm.brute_force_protected)
    }

    /// The user's failed sign-ins and whether they are locked out now.
    pub async fn brute_force_status(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<BruteForceStatus, KeycloakError> {
        let url = self.admin_url(&[realm, "attack-detection", "brute-force", "users", id]);

        self.get_json(url, "get brute force status").await
    }

    /// Forgets the user's failed sign-ins, which lifts a lockout.
    pub async fn clear_brute_force(&self, realm: &str, id: &str) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "attack-detection", "brute-force", "users", id]);

        self.send("clear brute force", |http| http.delete(url.clone())).await?;

        debug!(realm, user.id = id, "sign-in failures cleared");
        Ok(())
    }
}
