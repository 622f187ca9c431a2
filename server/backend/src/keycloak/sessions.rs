//! A user's sessions, and signing a user out everywhere.

use tracing::debug;

use super::{KeycloakAdmin, KeycloakError, SessionBrief};

impl KeycloakAdmin {
    /// The user's regular sessions (offline ones are per client:
    /// [`KeycloakAdmin::user_offline_sessions`]).
    pub async fn user_sessions(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<Vec<SessionBrief>, KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "sessions"]);

        self.get_json(url, "list user sessions").await
    }

    /// The user's offline sessions with one client, by the client's internal id.
    pub async fn user_offline_sessions(
        &self,
        realm: &str,
        id: &str,
        client_uuid: &str,
    ) -> Result<Vec<SessionBrief>, KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "offline-sessions", client_uuid]);

        self.get_json(url, "list offline sessions").await
    }

    /// Ends every session of the user, offline ones included, and revokes their tokens.
    pub async fn logout_user(&self, realm: &str, id: &str) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "logout"]);

        self.send("log out user", |http| http.post(url.clone())).await?;

        debug!(realm, user.id = id, "user signed out everywhere");
        Ok(())
    }
}
