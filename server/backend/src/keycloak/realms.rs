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

/// Where a realm sends its mail, as its `smtpServer` settings say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailServer {
    /// The server's host name.
    pub host: String,
    /// Its port (Keycloak's default: 465 with SSL, 25 without).
    pub port: u16,
    /// Whether the connection is TLS from the first byte.
    pub ssl: bool,
}

impl KeycloakAdmin {
    /// The mail server the realm is set to send through, or `None` when none is set.
    pub async fn realm_mail_server(
        &self,
        realm: &str,
    ) -> Result<Option<MailServer>, KeycloakError> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Realm {
            #[serde(default)]
            smtp_server: std::collections::BTreeMap<String, serde_json::Value>,
        }
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.trim().to_owned(),
            other => other.to_string(),
        };

        let realm: Realm = self.get_json(self.admin_url(&[realm]), "get realm").await?;

        let smtp = realm.smtp_server;
        let Some(host) = smtp.get("host").map(text).filter(|h| !h.is_empty()) else {
            return Ok(None);
        };
        let ssl = smtp.get("ssl").map(text).is_some_and(|s| s == "true");
        let port = smtp.get("port").map(text).and_then(|p| p.parse().ok()).unwrap_or(if ssl {
            465
        } else {
            25
        });
        Ok(Some(MailServer { host, port, ssl }))
    }
}
