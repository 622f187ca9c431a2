//! The writes a restore is made of, in Keycloak's own JSON: a new realm from a whole
//! representation, the partial import (whose answer names every thing it added or skipped), and
//! updates in place of the things a partial import would delete and re-create.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{KeycloakAdmin, KeycloakError};

/// What the partial import does with a thing that exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IfExists {
    /// Leave it as it is.
    Skip,
    /// Refuse the whole import.
    Fail,
}

impl IfExists {
    fn as_str(self) -> &'static str {
        match self {
            IfExists::Skip => "SKIP",
            IfExists::Fail => "FAIL",
        }
    }
}

/// The partial import's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ImportAnswer {
    /// How many things it added.
    #[serde(default)]
    pub added: u64,
    /// How many it skipped because they exist.
    #[serde(default)]
    pub skipped: u64,
    /// How many it overwrote.
    #[serde(default)]
    pub overwritten: u64,
    /// Each thing, with what was done.
    #[serde(default)]
    pub results: Vec<ImportResult>,
}

/// One thing of a partial import.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    /// `ADDED`, `SKIPPED` or `OVERWRITTEN`.
    pub action: String,
    /// `USER`, `CLIENT`, `GROUP`, `REALM_ROLE`, `CLIENT_ROLE`, `IDP`.
    pub resource_type: String,
    /// Its name.
    #[serde(default)]
    pub resource_name: String,
    /// Its id in the realm.
    #[serde(default)]
    pub id: Option<String>,
}

impl KeycloakAdmin {
    /// Whether a realm of that name exists.
    pub async fn realm_exists(&self, realm: &str) -> Result<bool, KeycloakError> {
        match self.get_json::<Value>(self.admin_url(&[realm]), "get realm").await {
            Ok(_) => Ok(true),
            Err(KeycloakError::NotFound { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Creates a realm from a whole representation (`POST /admin/realms`); Keycloak creates it
    /// in one transaction, so it exists whole or not at all.
    pub async fn create_realm(&self, representation: &Value) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[]);
        self.send_json(Method::POST, url, representation, "create realm").await?;
        Ok(())
    }

    /// The component providers this Keycloak has, as `(type, id)`, from `/admin/serverinfo`
    /// (an extension's appear only where it is installed).
    pub async fn component_providers(&self) -> Result<Vec<(String, String)>, KeycloakError> {
        let url = super::client::url_with(self.base_url(), &["admin", "serverinfo"]);
        let info: Value = self.get_json(url, "get server info").await?;
        let mut known = Vec::new();
        for (kind, providers) in info["componentTypes"].as_object().into_iter().flatten() {
            for provider in providers.as_array().into_iter().flatten() {
                if let Some(id) = provider["id"].as_str() {
                    known.push((kind.clone(), id.to_owned()));
                }
            }
        }
        Ok(known)
    }

    /// Deletes a realm and everything in it.
    pub async fn delete_realm(&self, realm: &str) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm]);
        self.send("delete realm", |http| http.request(Method::DELETE, url.clone())).await?;
        Ok(())
    }

    /// Imports `body` (`users`, `clients`, `groups`, `roles`, `identityProviders`) into the
    /// realm, all in one transaction.
    pub async fn partial_import(
        &self,
        realm: &str,
        body: &Value,
        if_exists: IfExists,
    ) -> Result<ImportAnswer, KeycloakError> {
        let mut body = body.clone();
        if let Some(map) = body.as_object_mut() {
            map.insert("ifResourceExists".into(), Value::String(if_exists.as_str().into()));
        }
        let url = self.admin_url(&[realm, "partialImport"]);
        let response = self.send_json(Method::POST, url, &body, "partial import").await?;
        response.json().await.map_err(KeycloakError::transport)
    }

    /// Reads the JSON at `segments` under the realm, with `query`.
    pub async fn read_json(
        &self,
        realm: &str,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Value, KeycloakError> {
        let mut all = vec![realm];
        all.extend_from_slice(segments);
        let mut url = self.admin_url(&all);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        self.get_json(url, "read for a restore").await
    }

    /// Writes `body` at `segments` under the realm with `method` (`PUT` to update in place,
    /// `POST` to create under a parent).
    pub async fn write_json(
        &self,
        method: Method,
        realm: &str,
        segments: &[&str],
        body: &Value,
    ) -> Result<(), KeycloakError> {
        let mut all = vec![realm];
        all.extend_from_slice(segments);
        self.send_json(method, self.admin_url(&all), body, "write for a restore").await?;
        Ok(())
    }
}
