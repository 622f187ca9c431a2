//! The reads a backup is made of, as Keycloak's own JSON: the realm's configuration from the
//! partial export, each confidential client's real secret (the export masks them), and users
//! page by page with what the export format carries for each (groups by path, roles by name,
//! linked identities). Values are kept as JSON so that nothing Keycloak adds in a later
//! version is dropped on the way through.

use reqwest::Method;
use serde_json::{Map, Value};

use super::client::url_with;
use super::{KeycloakAdmin, KeycloakError};

/// Groups of a user read at a time.
const GROUPS_PAGE: u32 = 500;

impl KeycloakAdmin {
    /// The Keycloak server's version, from `/admin/serverinfo`.
    pub async fn server_version(&self) -> Result<String, KeycloakError> {
        let url = url_with(self.base_url(), &["admin", "serverinfo"]);
        let info: Value = self.get_json(url, "get server info").await?;
        Ok(info["systemInfo"]["version"].as_str().unwrap_or("unknown").to_owned())
    }

    /// The realm's settings, clients, client scopes, roles, groups, identity providers,
    /// authentication flows and components as the partial export gives them: without users,
    /// and with every secret masked.
    pub async fn partial_export(&self, realm: &str) -> Result<Value, KeycloakError> {
        let mut url = self.admin_url(&[realm, "partial-export"]);
        url.query_pairs_mut()
            .append_pair("exportClients", "true")
            .append_pair("exportGroupsAndRoles", "true");
        let response =
            self.send("partial export", |http| http.request(Method::POST, url.clone())).await?;
        response.json().await.map_err(KeycloakError::transport)
    }

    /// The realm's user profile configuration as Keycloak holds it.
    pub async fn user_profile_json(&self, realm: &str) -> Result<Value, KeycloakError> {
        self.get_json(self.admin_url(&[realm, "users", "profile"]), "get user profile").await
    }

    /// A client's secret as it is, by the client's internal id.
    pub async fn client_secret(&self, realm: &str, uuid: &str) -> Result<String, KeycloakError> {
        let url = self.admin_url(&[realm, "clients", uuid, "client-secret"]);
        let secret: Value = self.get_json(url, "get client secret").await?;
        Ok(secret["value"].as_str().unwrap_or_default().to_owned())
    }

    /// One page of full user representations, in Keycloak's order.
    pub async fn users_full(
        &self,
        realm: &str,
        first: u32,
        max: u32,
    ) -> Result<Vec<Value>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users"]);
        url.query_pairs_mut()
            .append_pair("briefRepresentation", "false")
            .append_pair("first", &first.to_string())
            .append_pair("max", &max.to_string());
        self.get_json(url, "list full users").await
    }

    /// A user as a realm export writes one: the representation with `groups` (paths),
    /// `realmRoles`, `clientRoles` (by `clientId`) and `federatedIdentities` added.
    pub async fn exported_user(
        &self,
        realm: &str,
        mut user: Value,
    ) -> Result<Value, KeycloakError> {
        let id = user["id"].as_str().unwrap_or_default().to_owned();
        let (groups, roles, linked) = tokio::try_join!(
            self.user_group_paths(realm, &id),
            self.get_json::<Value>(
                self.admin_url(&[realm, "users", &id, "role-mappings"]),
                "get user roles"
            ),
            self.get_json::<Value>(
                self.admin_url(&[realm, "users", &id, "federated-identity"]),
                "get linked identities"
            ),
        )?;
        let names = |roles: &Value| -> Vec<Value> {
            roles.as_array().into_iter().flatten().filter_map(|r| r.get("name").cloned()).collect()
        };
        let mut client_roles = Map::new();
        if let Some(clients) = roles["clientMappings"].as_object() {
            for (client_id, mapping) in clients {
                client_roles.insert(client_id.clone(), Value::Array(names(&mapping["mappings"])));
            }
        }
        if let Some(map) = user.as_object_mut() {
            map.insert(
                "groups".into(),
                Value::Array(groups.into_iter().map(Value::String).collect()),
            );
            map.insert("realmRoles".into(), Value::Array(names(&roles["realmMappings"])));
            map.insert("clientRoles".into(), Value::Object(client_roles));
            map.insert("federatedIdentities".into(), linked);
        }
        Ok(user)
    }

    /// Every group path of a user, page by page.
    pub(crate) async fn user_group_paths(
        &self,
        realm: &str,
        id: &str,
    ) -> Result<Vec<String>, KeycloakError> {
        let mut paths = Vec::new();
        let mut first = 0;
        loop {
            let mut url = self.admin_url(&[realm, "users", id, "groups"]);
            url.query_pairs_mut()
                .append_pair("briefRepresentation", "true")
                .append_pair("first", &first.to_string())
                .append_pair("max", &GROUPS_PAGE.to_string());
            let page: Vec<Value> = self.get_json(url, "get user groups").await?;
            let count = page.len() as u32;
            paths.extend(page.iter().filter_map(|g| g["path"].as_str().map(str::to_owned)));
            if count < GROUPS_PAGE {
                return Ok(paths);
            }
            first += GROUPS_PAGE;
        }
    }
}
