//! The service account's access token: fetched with the client-credentials grant, cached, and
//! renewed before it expires.

use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;

use super::error::{ErrorBody, KeycloakError};
use crate::Secret;

/// Renew this long before Keycloak says the token expires, so no call carries a dying token.
const RENEW_MARGIN: Duration = Duration::from_secs(30);

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
}

struct Cached {
    token: Secret,
    renew_at: Instant,
}

/// Holds the current token; one fetch at a time.
pub(crate) struct TokenCache {
    endpoint: String,
    client_id: String,
    client_secret: Secret,
    current: Mutex<Option<Cached>>,
}

impl TokenCache {
    pub fn new(endpoint: String, client_id: String, client_secret: Secret) -> TokenCache {
        TokenCache { endpoint, client_id, client_secret, current: Mutex::new(None) }
    }

    /// A valid token, fetched anew when none is cached or the cached one is about to expire.
    pub async fn get(&self, http: &reqwest::Client) -> Result<Secret, KeycloakError> {
        let mut current = self.current.lock().await;
        if let Some(cached) = current.as_ref().filter(|c| Instant::now() < c.renew_at) {
            return Ok(cached.token.clone());
        }

        let fetched = self.fetch(http).await?;
        let lifetime = Duration::from_secs(fetched.expires_in);
        let renew_at = Instant::now() + lifetime.saturating_sub(RENEW_MARGIN).max(lifetime / 2);
        let token = Secret::new(fetched.access_token);
        *current = Some(Cached { token: token.clone(), renew_at });
        Ok(token)
    }

    /// Forgets the cached token, after Keycloak refused it.
    pub async fn invalidate(&self) {
        *self.current.lock().await = None;
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<TokenResponse, KeycloakError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        let response =
            http.post(&self.endpoint).form(&form).send().await.map_err(KeycloakError::transport)?;

        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(KeycloakError::transport);
        }
        if status.is_server_error() {
            return Err(KeycloakError::Unavailable { reason: format!("token endpoint {status}") });
        }
        let body: ErrorBody = response.json().await.unwrap_or_default();
        let reason = match (status.as_u16(), body.message()) {
            (404, _) => "the service account's realm does not exist".to_owned(),
            (_, m) if m.is_empty() => format!("token endpoint answered {status}"),
            (_, m) => m,
        };
        Err(KeycloakError::Credentials { reason })
    }
}
