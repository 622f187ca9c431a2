//! A user's sign-in events, as the realm stores them (only while events are enabled, and for
//! the realm's expiration).

use super::{EventBrief, KeycloakAdmin, KeycloakError};

impl KeycloakAdmin {
    /// The user's latest `max` events, newest first.
    pub async fn user_events(
        &self,
        realm: &str,
        id: &str,
        max: u32,
    ) -> Result<Vec<EventBrief>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "events"]);
        url.query_pairs_mut()
            .append_pair("user", id)
            .append_pair("first", "0")
            .append_pair("max", &max.to_string());

        self.get_json(url, "list user events").await
    }

    /// When the user last signed in, from the realm's stored `LOGIN` events; `None` when none is
    /// stored (events off, expired, or never signed in).
    pub async fn last_sign_in(&self, realm: &str, id: &str) -> Result<Option<i64>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "events"]);
        url.query_pairs_mut()
            .append_pair("user", id)
            .append_pair("type", "LOGIN")
            .append_pair("first", "0")
            .append_pair("max", "1");

        let events: Vec<EventBrief> = self.get_json(url, "last sign-in").await?;
        Ok(events.first().map(|e| e.time))
    }
}
