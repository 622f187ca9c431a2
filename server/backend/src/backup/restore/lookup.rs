//! Things of a restore's target realm found by name (a client by `clientId`, a group by path,
//! a user by username, roles and scopes by name), each asked of Keycloak once per step.

use std::collections::HashMap;

use serde_json::Value;

use crate::keycloak::{KeycloakAdmin, KeycloakError};

/// Finds things of the target realm by name, each asked once.
pub struct Lookup<'a> {
    pub(super) kc: &'a KeycloakAdmin,
    pub(super) realm: &'a str,
    clients: HashMap<String, Option<String>>,
    scopes: Option<HashMap<String, String>>,
    realm_roles: HashMap<String, Option<Value>>,
    client_roles: HashMap<(String, String), Option<Value>>,
}

impl<'a> Lookup<'a> {
    /// Lookups in `realm`.
    pub fn new(kc: &'a KeycloakAdmin, realm: &'a str) -> Lookup<'a> {
        Lookup {
            kc,
            realm,
            clients: HashMap::new(),
            scopes: None,
            realm_roles: HashMap::new(),
            client_roles: HashMap::new(),
        }
    }

    pub(super) async fn read(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Value, KeycloakError> {
        self.kc.read_json(self.realm, segments, query).await
    }

    /// What may be missing: `None` for a 404.
    async fn maybe(&self, segments: &[&str]) -> Result<Option<Value>, KeycloakError> {
        match self.read(segments, &[]).await {
            Ok(value) => Ok(Some(value)),
            Err(KeycloakError::NotFound { .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// A client's internal id, by `clientId`.
    pub async fn client(&mut self, client_id: &str) -> Result<Option<String>, KeycloakError> {
        if let Some(known) = self.clients.get(client_id) {
            return Ok(known.clone());
        }
        let found = self.read(&["clients"], &[("clientId", client_id)]).await?;
        let id = found.as_array().into_iter().flatten().find(|c| c["clientId"] == client_id);
        let id = id.and_then(|c| c["id"].as_str()).map(str::to_owned);
        self.clients.insert(client_id.to_owned(), id.clone());
        Ok(id)
    }

    /// A client scope's id, by name.
    pub async fn client_scope(&mut self, name: &str) -> Result<Option<String>, KeycloakError> {
        if self.scopes.is_none() {
            let all = self.read(&["client-scopes"], &[]).await?;
            let by_name = all.as_array().into_iter().flatten().filter_map(|s| {
                Some((s["name"].as_str()?.to_owned(), s["id"].as_str()?.to_owned()))
            });
            self.scopes = Some(by_name.collect());
        }
        Ok(self.scopes.as_ref().and_then(|s| s.get(name).cloned()))
    }

    /// A group's id, by path (never remembered: a restore creates groups).
    pub async fn group(&self, path: &str) -> Result<Option<String>, KeycloakError> {
        let mut segments = vec!["group-by-path"];
        segments.extend(path.trim_start_matches('/').split('/'));
        Ok(self.maybe(&segments).await?.and_then(|g| g["id"].as_str().map(str::to_owned)))
    }

    /// A user's id, by username.
    pub async fn user(&self, username: &str) -> Result<Option<String>, KeycloakError> {
        let found = self.read(&["users"], &[("username", username), ("exact", "true")]).await?;
        let user = found.as_array().into_iter().flatten().find(|u| u["username"] == username);
        Ok(user.and_then(|u| u["id"].as_str()).map(str::to_owned))
    }

    pub(super) async fn realm_role(&mut self, name: &str) -> Result<Option<Value>, KeycloakError> {
        if !self.realm_roles.contains_key(name) {
            let role = self.maybe(&["roles", name]).await?;
            self.realm_roles.insert(name.to_owned(), role);
        }
        Ok(self.realm_roles[name].clone())
    }

    pub(super) async fn client_role(
        &mut self,
        uuid: &str,
        name: &str,
    ) -> Result<Option<Value>, KeycloakError> {
        let key = (uuid.to_owned(), name.to_owned());
        if !self.client_roles.contains_key(&key) {
            let role = self.maybe(&["clients", uuid, "roles", name]).await?;
            self.client_roles.insert(key.clone(), role);
        }
        Ok(self.client_roles[&key].clone())
    }
}
