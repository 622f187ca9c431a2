//! The identity provider as the console sees it: discovered lazily, cached, and discovered
//! again after a failure, so the console starts and recovers without a restart when Keycloak
//! is down.

use std::time::{Duration, Instant};

use cloudtrust_backend::Secret;
use openidconnect::core::CoreClient;
use openidconnect::{
    ClientId, ClientSecret, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IssuerUrl, ProviderMetadataWithLogout, RedirectUrl,
};
use tokio::sync::RwLock;
use tracing::{info, warn};

use crate::config::Config;

/// The OIDC client once the provider's metadata is known.
pub type OidcClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Discovered metadata is trusted this long before it is read again (keys rotate).
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// Why the identity provider cannot be used now.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// Keycloak does not answer.
    #[error("the identity provider at {issuer} cannot be reached: {reason}")]
    Unreachable {
        /// The issuer asked.
        issuer: String,
        /// Why.
        reason: String,
    },
    /// Keycloak answers, but the settings do not match it.
    #[error("{setting}: {reason}")]
    Misconfigured {
        /// The setting at fault.
        setting: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// A discovered provider: its client and where to end sessions.
#[derive(Clone)]
pub struct Discovered {
    /// The OIDC client.
    pub client: OidcClient,
    /// Keycloak's end-session endpoint, for RP-initiated logout.
    pub end_session: Option<EndSessionUrl>,
    at: Instant,
}

/// The provider, discovered on first use.
pub struct OidcProvider {
    issuer: IssuerUrl,
    token_url: url::Url,
    client_id: ClientId,
    client_secret: Secret,
    redirect: RedirectUrl,
    http: reqwest::Client,
    current: RwLock<Option<Discovered>>,
}

impl OidcProvider {
    /// Builds the provider from the settings; nothing is fetched yet.
    pub fn new(config: &Config) -> Result<OidcProvider, ProviderError> {
        let issuer_url = config
            .keycloak_url
            .join(&format!("realms/{}", config.oidc_realm))
            .map_err(|e| misconfigured("CTC_OIDC_REALM", e.to_string()))?;
        let token_url = issuer_url
            .join(&format!("{}/protocol/openid-connect/token", config.oidc_realm))
            .map_err(|e| misconfigured("CTC_OIDC_REALM", e.to_string()))?;
        let issuer = IssuerUrl::from_url(issuer_url);
        let redirect = config
            .public_url
            .join("auth/callback")
            .map(RedirectUrl::from_url)
            .map_err(|e| misconfigured("CTC_PUBLIC_URL", e.to_string()))?;
        // Following redirects on the back channel would open the server to SSRF.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.keycloak_timeout())
            .build()
            .map_err(|e| misconfigured("CTC_KEYCLOAK_URL", e.to_string()))?;

        Ok(OidcProvider {
            issuer,
            token_url,
            client_id: ClientId::new(config.oidc_client_id.clone()),
            client_secret: config.oidc_client_secret.clone(),
            redirect,
            http,
            current: RwLock::new(None),
        })
    }

    /// The HTTP client for the back channel (token exchange).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The discovered provider, discovering it when unknown or stale.
    pub async fn get(&self) -> Result<Discovered, ProviderError> {
        if let Some(found) = self.current.read().await.as_ref()
            && found.at.elapsed() < METADATA_TTL
        {
            return Ok(found.clone());
        }

        let discovered = self.discover().await?;
        *self.current.write().await = Some(discovered.clone());
        Ok(discovered)
    }

    /// Checks at start that Keycloak knows the issuer, accepts the client's credentials and
    /// sends people back to this console, and logs the setting to fix. The console starts
    /// either way.
    pub async fn check_at_start(&self) {
        match self.verify().await {
            Ok(()) => {
                let issuer = self.issuer.as_str();
                info!(issuer, "identity provider discovered and accepts the console")
            }
            Err(err @ ProviderError::Unreachable { .. }) => {
                warn!(%err, "identity provider unreachable; sign-in will retry when asked");
            }
            Err(err) => tracing::error!(%err, "identity provider misconfigured"),
        }
    }

    /// Discovers the provider, then checks the client's secret and redirect URI.
    pub async fn verify(&self) -> Result<(), ProviderError> {
        self.get().await?;
        self.check_client_secret().await?;
        self.check_redirect_uri().await
    }

    async fn discover(&self) -> Result<Discovered, ProviderError> {
        let metadata = ProviderMetadataWithLogout::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|err| self.discovery_error(err))?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let client = CoreClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            Some(ClientSecret::new(self.client_secret.expose().to_owned())),
        )
        .set_redirect_uri(self.redirect.clone());

        Ok(Discovered { client, end_session, at: Instant::now() })
    }

    fn discovery_error<E: std::error::Error>(
        &self,
        err: openidconnect::DiscoveryError<E>,
    ) -> ProviderError {
        use openidconnect::DiscoveryError;
        let issuer = self.issuer.as_str().to_owned();
        match err {
            DiscoveryError::Request(e) => {
                ProviderError::Unreachable { issuer, reason: e.to_string() }
            }
            DiscoveryError::Response(status, _, _) if status.as_u16() == 404 => misconfigured(
                "CTC_OIDC_REALM",
                format!(
                    "Keycloak has no realm at {issuer} (404); check the realm and CTC_KEYCLOAK_URL"
                ),
            ),
            DiscoveryError::Response(status, _, _) if status.is_server_error() => {
                ProviderError::Unreachable { issuer, reason: format!("answered {status}") }
            }
            DiscoveryError::Validation(reason) => misconfigured(
                "CTC_KEYCLOAK_URL",
                format!("the issuer Keycloak announces differs from {issuer}: {reason}"),
            ),
            other => {
                misconfigured("CTC_KEYCLOAK_URL", format!("discovery at {issuer} failed: {other}"))
            }
        }
    }

    /// Keycloak's token endpoint tells a wrong client id or secret ("Invalid client or Invalid
    /// client credentials") from right ones used for a grant the client does not allow ("Client
    /// not enabled to retrieve service account"), without a person signing in.
    async fn check_client_secret(&self) -> Result<(), ProviderError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        let response =
            self.http.post(self.token_url.clone()).form(&form).send().await.map_err(|e| {
                ProviderError::Unreachable {
                    issuer: self.issuer.as_str().into(),
                    reason: e.to_string(),
                }
            })?;
        if response.status().is_success() {
            return Ok(());
        }
        // Keycloak answers 401 both ways; only the description tells them apart.
        let body = response.text().await.unwrap_or_default();
        if body.contains("Invalid client") {
            return Err(misconfigured(
                "CTC_OIDC_CLIENT_ID or CTC_OIDC_CLIENT_SECRET",
                format!("Keycloak refuses the client {} with this secret", self.client_id.as_str()),
            ));
        }
        Ok(())
    }

    /// Asks Keycloak's authorization endpoint whether it would send a person back to this
    /// console: it answers 400 "Invalid parameter: redirect_uri" when the client does not list
    /// the address, which people would otherwise only meet on Keycloak's own error page.
    async fn check_redirect_uri(&self) -> Result<(), ProviderError> {
        let mut url = self.token_url.clone();
        url.set_path(&url.path().replace("/openid-connect/token", "/openid-connect/auth"));
        url.query_pairs_mut()
            .append_pair("client_id", self.client_id.as_str())
            .append_pair("redirect_uri", self.redirect.as_str())
            .append_pair("response_type", "code")
            .append_pair("scope", "openid");
        let response = self.http.get(url).send().await.map_err(|e| ProviderError::Unreachable {
            issuer: self.issuer.as_str().into(),
            reason: e.to_string(),
        })?;
        if response.status() != reqwest::StatusCode::BAD_REQUEST {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        if body.contains("redirect_uri") {
            return Err(misconfigured(
                "CTC_PUBLIC_URL",
                format!(
                    "Keycloak's client {} does not allow the redirect URI {}; add it to the \
                     client's valid redirect URIs or correct the public URL",
                    self.client_id.as_str(),
                    self.redirect.as_str()
                ),
            ));
        }
        Ok(())
    }
}

fn misconfigured(setting: &'static str, reason: String) -> ProviderError {
    ProviderError::Misconfigured { setting, reason }
}
