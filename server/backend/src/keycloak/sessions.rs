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

/// How many sessions a client of a realm holds now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSessions {
    /// The client's id (`clientId`, not its internal id).
    pub client_id: String,
    /// Its regular sessions.
    pub active: u64,
    /// Its offline sessions.
    pub offline: u64,
}

impl KeycloakAdmin {
    /// The sessions of each client of the realm that holds any, as Keycloak counts them.
    pub async fn session_stats(&self, realm: &str) -> Result<Vec<ClientSessions>, KeycloakError> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Stat {
            client_id: String,
            #[serde(default)]
            active: serde_json::Value,
            #[serde(default)]
            offline: serde_json::Value,
        }
        // Keycloak writes the counts as strings ("3"); a number is read too.
        let count = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.parse().unwrap_or(0),
            other => other.as_u64().unwrap_or(0),
        };
        let url = self.admin_url(&[realm, "client-session-stats"]);

        let stats: Vec<Stat> = self.get_json(url, "client session stats").await?;

        Ok(stats
            .into_iter()
            .map(|s| ClientSessions {
                active: count(&s.active),
                offline: count(&s.offline),
                client_id: s.client_id,
            })
            .collect())
    }
}
