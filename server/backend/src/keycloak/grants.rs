//! What a user granted or linked: consents to clients, and accounts at identity providers.

use tracing::debug;

use super::{Consent, FederatedIdentity, KeycloakAdmin, KeycloakError};

impl KeycloakAdmin {
    /// The clients the user consented to or holds offline tokens for.
    pub async fn user_consents(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<Vec<Consent>, KeycloakError> {
        self.get_json(self.admin_url(&[realm, "users", id, "consents"]), "list consents").await
    }

    /// Revokes the user's consent to a client (by `clientId`) and its offline tokens.
    pub async fn revoke_consent(
        &self,
        realm: &str,
        id: &str,
        client_id: &str,
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "consents", client_id]);

        self.send("revoke consent", |http| http.delete(url.clone())).await?;

        debug!(realm, user.id = id, client_id, "consent revoked");
        Ok(())
    }

    /// The user's links to accounts at identity providers.
    pub async fn federated_identities(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<Vec<FederatedIdentity>, KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "federated-identity"]);

        self.get_json(url, "list federated identities").await
    }

    /// Removes the user's link to the identity provider `provider` (its alias).
    pub async fn unlink_identity(
        &self,
        realm: &str,
        id: &str,
        provider: &str,
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "federated-identity", provider]);

        self.send("unlink identity", |http| http.delete(url.clone())).await?;

        debug!(realm, user.id = id, provider, "identity unlinked");
        Ok(())
    }
}
