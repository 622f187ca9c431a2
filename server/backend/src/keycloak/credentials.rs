//! A user's credentials: setting a password, emailing required actions, listing and deleting
//! credentials. Passwords travel only in request bodies, never in a URL, error or log.

use reqwest::{Method, StatusCode};
use serde::Serialize;
use tracing::{debug, warn};

use super::client::check;
use super::error::ErrorBody;
use super::{CredentialBrief, KeycloakAdmin, KeycloakError};
use crate::Secret;

/// The body of `reset-password`. No `Debug`, so it cannot be logged by accident.
#[derive(Serialize)]
struct PasswordBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'a str,
    temporary: bool,
}

impl KeycloakAdmin {
    /// Sets the user's password. With `temporary`, Keycloak adds `UPDATE_PASSWORD`, so the user
    /// must choose a new one at the next sign-in. A password the realm's policy refuses is
    /// [`KeycloakError::InvalidInput`] with Keycloak's message key, never the password.
    pub async fn reset_password(
        &self,
        realm: &str,
        id: &str,
        password: &Secret,
        temporary: bool,
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "reset-password"]);
        let body = PasswordBody { kind: "password", value: password.expose(), temporary };

        self.send_json(Method::PUT, url, &body, "reset password").await?;

        debug!(realm, user.id = id, temporary, "password set");
        Ok(())
    }

    /// Emails the user a link to perform `actions` (required-action aliases such as
    /// `UPDATE_PASSWORD`, `VERIFY_EMAIL`). `lifespan_secs` bounds the link (Keycloak's default
    /// otherwise); `client_id` and `redirect_uri` say where the user lands afterwards, and a
    /// redirect needs a client.
    ///
    /// A user without an email address, or disabled, an unknown action or client, or a redirect
    /// without a client, is [`KeycloakError::InvalidInput`] (Keycloak answers 400). When Keycloak
    /// cannot send the email (it answers 500: no SMTP settings for the realm, or the mail server
    /// refused), the answer is [`KeycloakError::Unavailable`] with Keycloak's reason.
    pub async fn execute_actions_email(
        &self,
        realm: &str,
        id: &str,
        actions: &[String],
        lifespan_secs: Option<u32>,
        client_id: Option<&str>,
        redirect_uri: Option<&str>,
    ) -> Result<(), KeycloakError> {
        let mut url = self.admin_url(&[realm, "users", id, "execute-actions-email"]);
        {
            let mut pairs = url.query_pairs_mut();
            if let Some(lifespan) = lifespan_secs {
                pairs.append_pair("lifespan", &lifespan.to_string());
            }
            if let Some(client_id) = client_id {
                pairs.append_pair("client_id", client_id);
            }
            if let Some(redirect_uri) = redirect_uri {
                pairs.append_pair("redirect_uri", redirect_uri);
            }
        }
        let what = "execute actions email";

        let response = self.send_json_unchecked(Method::PUT, url, actions, what).await?;

        if response.status() == StatusCode::INTERNAL_SERVER_ERROR {
            // Keycloak's message names the mail failure ("Invalid sender address 'null'" when the
            // realm has no SMTP settings): worth the log, never the browser.
            let body: ErrorBody = response.json().await.unwrap_or_default();
            let error = KeycloakError::Unavailable {
                reason: format!("{what}: keycloak could not send the email: {}", body.message()),
            };
            warn!(%error, realm, user.id = id, "keycloak call failed");
            return Err(error);
        }
        check(what, response).await?;
        debug!(realm, user.id = id, actions = actions.len(), "actions email sent");
        Ok(())
    }

    /// The user's credentials (type, label, creation date), without any credential data.
    pub async fn user_credentials(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<Vec<CredentialBrief>, KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "credentials"]);

        self.get_json(url, "list credentials").await
    }

    /// Deletes one credential of the user (an OTP device, a password, ...).
    pub async fn delete_credential(
        &self,
        realm: &str,
        id: &str,
        credential_id: &str,
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "credentials", credential_id]);

        self.send("delete credential", |http| http.delete(url.clone())).await?;

        debug!(realm, user.id = id, "credential deleted");
        Ok(())
    }
}
