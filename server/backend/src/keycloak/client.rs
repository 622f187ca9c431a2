//! The HTTP side of the Admin API client: building URLs, attaching the token, retrying once after
//! a 401, and turning statuses into [`KeycloakError`]s.

use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::{debug, warn};
use url::Url;

use super::error::{ErrorBody, KeycloakError};
use super::token::TokenCache;
use crate::Secret;

/// Where Keycloak is and how the console's service account signs in.
#[derive(Clone, Debug)]
pub struct KeycloakSettings {
    /// Keycloak's base URL, such as `http://127.0.0.1:8180`.
    pub base_url: Url,
    /// The realm of the service account (`master` to administer every realm).
    pub realm: String,
    /// The service account's client id.
    pub client_id: String,
    /// The service account's client secret.
    pub client_secret: Secret,
    /// How long one call may take, connection included.
    pub timeout: Duration,
}

/// The Admin API client. Cheap to clone; clones share the token cache and connection pool.
#[derive(Clone)]
pub struct KeycloakAdmin {
    inner: std::sync::Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    token: TokenCache,
}

impl KeycloakAdmin {
    /// Builds the client. Nothing is sent until the first call.
    pub fn new(settings: KeycloakSettings) -> Result<KeycloakAdmin, KeycloakError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| KeycloakError::Unexpected { reason: e.to_string() })?;
        let endpoint = url_with(
            &settings.base_url,
            &["realms", &settings.realm, "protocol", "openid-connect", "token"],
        );
        let token = TokenCache::new(endpoint.into(), settings.client_id, settings.client_secret);
        Ok(KeycloakAdmin {
            inner: std::sync::Arc::new(Inner { http, base_url: settings.base_url, token }),
        })
    }

    /// Keycloak's base URL.
    pub(crate) fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The URL of `segments` under `/admin/realms`, each segment percent-encoded.
    pub(crate) fn admin_url(&self, segments: &[&str]) -> Url {
        let mut all = vec!["admin", "realms"];
        all.extend_from_slice(segments);
        url_with(&self.inner.base_url, &all)
    }

    /// GETs `url` with the service account's token and decodes the JSON answer. `what` names
    /// the call in errors and logs.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
        what: &str,
    ) -> Result<T, KeycloakError> {
        let response = self.send(what, |http| http.request(Method::GET, url.clone())).await?;
        response.json().await.map_err(KeycloakError::transport)
    }

    /// Sends `body` as JSON with `method` to `url`, through [`KeycloakAdmin::send`].
    pub(crate) async fn send_json<B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: Url,
        body: &B,
        what: &str,
    ) -> Result<Response, KeycloakError> {
        let response = self.send_json_unchecked(method, url, body, what).await?;
        check(what, response).await
    }

    /// Like [`KeycloakAdmin::send_json`], but hands back any status (see
    /// [`KeycloakAdmin::send_unchecked`]). The body is encoded once, so a retry sends the same
    /// bytes.
    pub(crate) async fn send_json_unchecked<B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: Url,
        body: &B,
        what: &str,
    ) -> Result<Response, KeycloakError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| KeycloakError::Unexpected { reason: format!("{what}: {e}") })?;
        self.send_unchecked(what, |http| {
            http.request(method.clone(), url.clone())
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone())
        })
        .await
    }

    /// Sends with the token, retries once with a fresh token after a 401, and maps error
    /// statuses. Returns the successful response.
    pub(crate) async fn send(
        &self,
        what: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, KeycloakError> {
        let response = self.send_unchecked(what, build).await?;
        check(what, response).await
    }

    /// Like [`KeycloakAdmin::send`], but hands back any status for the caller to read first.
    /// Only a 401 is handled here (renew the token, retry once); pass the answer to [`check`].
    pub(crate) async fn send_unchecked(
        &self,
        what: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, KeycloakError> {
        let mut retried = false;
        loop {
            let token = self.inner.token.get(&self.inner.http).await?;
            let started = std::time::Instant::now();
            let answer = build(&self.inner.http).bearer_auth(token.expose()).send().await;
            record_call(started, &answer);
            let response = answer.map_err(KeycloakError::transport)?;

            if response.status() == StatusCode::UNAUTHORIZED && !retried {
                debug!(call = what, "keycloak refused the cached token; renewing it once");
                self.inner.token.invalidate().await;
                retried = true;
                continue;
            }
            return Ok(response);
        }
    }
}

/// Counts the call and its duration for `/metrics`, by outcome (never by URL, which names
/// realms and users).
fn record_call(started: std::time::Instant, answer: &Result<Response, reqwest::Error>) {
    let outcome = match answer {
        Ok(r) if r.status().is_success() => "ok",
        Ok(r) if r.status().is_client_error() => "client_error",
        Ok(_) => "server_error",
        Err(e) if e.is_timeout() => "timeout",
        Err(_) => "unreachable",
    };
    metrics::histogram!("ctc_upstream_request_duration_seconds", "upstream" => "keycloak")
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("ctc_upstream_requests_total", "upstream" => "keycloak", "outcome" => outcome)
        .increment(1);
}

/// Turns an error status into its [`KeycloakError`]; passes a success through.
pub(crate) async fn check(what: &str, response: Response) -> Result<Response, KeycloakError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body: ErrorBody = response.json().await.unwrap_or_default();
    let what = what.to_owned();
    let error = match status {
        StatusCode::NOT_FOUND => KeycloakError::NotFound { what },
        StatusCode::CONFLICT => KeycloakError::Conflict { message: body.message() },
        StatusCode::BAD_REQUEST => {
            KeycloakError::InvalidInput { message: body.message(), errors: body.field_errors() }
        }
        StatusCode::FORBIDDEN => KeycloakError::Forbidden { what },
        StatusCode::UNAUTHORIZED => {
            KeycloakError::Credentials { reason: "token refused twice".to_owned() }
        }
        s if s.is_server_error() => KeycloakError::Unavailable { reason: format!("{what}: {s}") },
        s => KeycloakError::Unexpected { reason: format!("{what}: {s}") },
    };
    warn!(%error, status = status.as_u16(), "keycloak call failed");
    Err(error)
}

/// `base` with `segments` appended as path segments, each percent-encoded.
pub(crate) fn url_with(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.path_segments_mut()
        .expect("a Keycloak base URL is http(s) and can take path segments")
        .pop_if_empty()
        .extend(segments);
    url
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{KeycloakAdmin, KeycloakSettings, url_with};
    use crate::Secret;
    use crate::keycloak::KeycloakError;

    #[tokio::test]
    async fn a_keycloak_that_accepts_but_never_answers_is_a_timeout() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        // Accept connections and hold them open without a word.
        std::thread::spawn(move || listener.incoming().collect::<Vec<_>>());
        let keycloak = KeycloakAdmin::new(KeycloakSettings {
            base_url: url::Url::parse(&format!("http://{address}")).unwrap(),
            realm: "master".into(),
            client_id: "cloudtrust-console-service".into(),
            client_secret: Secret::new("unused"),
            timeout: Duration::from_millis(300),
        })
        .unwrap();

        let err = keycloak.list_realms().await.unwrap_err();

        assert!(matches!(err, KeycloakError::Timeout { .. }), "{err:?}");
    }

    #[test]
    fn path_segments_are_encoded_so_a_realm_name_cannot_change_the_path() {
        let base = url::Url::parse("http://127.0.0.1:8180/").unwrap();

        let url = url_with(&base, &["admin", "realms", "../master", "users"]);

        assert_eq!(url.as_str(), "http://127.0.0.1:8180/admin/realms/..%2Fmaster/users");
    }

    #[test]
    fn a_base_url_with_a_path_keeps_it() {
        let base = url::Url::parse("https://sso.example.test/auth/").unwrap();

        let url = url_with(&base, &["realms", "acme"]);

        assert_eq!(url.as_str(), "https://sso.example.test/auth/realms/acme");
    }
}
