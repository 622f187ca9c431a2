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
}
