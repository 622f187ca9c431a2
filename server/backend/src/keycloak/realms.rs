//! Realm-level calls: which realms exist, and how one is configured.

use super::{EventsConfig, KeycloakAdmin, KeycloakError, RealmSummary};

impl KeycloakAdmin {
    /// Every realm the service account can see, sorted by name.
    pub async fn list_realms(&self) -> Result<Vec<RealmSummary>, KeycloakError> {
        let mut url = self.admin_url(&[]);
        url.query_pairs_mut().append_pair("briefRepresentation", "true");

        let mut realms: Vec<RealmSummary> = self.get_json(url, "list realms").await?;

        realms.sort_by(|a, b| a.realm.cmp(&b.realm));
        Ok(realms)
    }

    /// One realm's summary; [`KeycloakError::NotFound`] when it does not exist.
    pub async fn realm(&self, realm: &str) -> Result<RealmSummary, KeycloakError> {
        self.get_json(self.admin_url(&[realm]), "get realm").await
    }

    /// How the realm stores sign-in and admin events.
    pub async fn events_config(&self, realm: &str) -> Result<EventsConfig, KeycloakError> {
        self.get_json(self.admin_url(&[realm, "events", "config"]), "get events config").await
    }
}
