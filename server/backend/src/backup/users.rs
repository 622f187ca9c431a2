//! Every user of a realm, read while Keycloak runs, each once: page by page in Keycloak's order,
//! then the service accounts (which `GET /users` leaves out), then one more pass over the ids
//! alone for anyone a page boundary skipped while others were created or deleted. A user
//! deleted between the list and the read of their groups is left out and counted.

use std::collections::HashSet;

use futures::StreamExt;
use serde_json::Value;

use crate::keycloak::{KeycloakAdmin, KeycloakError};

/// Users read per page.
const USERS_PAGE: u32 = 100;
/// Users whose groups, roles and links are read at once.
const USERS_AT_ONCE: usize = 8;

/// Where the pager is.
enum Phase {
    /// Full pages from this offset.
    Pages(u32),
    /// The service accounts of the clients still in `services`.
    ServiceAccounts,
    /// The ids alone, from this offset, for those the pages missed.
    Missed(u32),
    /// Done.
    Done,
}

/// Hands out a realm's users a batch at a time, each as a realm export writes one.
pub struct UserPager<'a> {
    kc: &'a KeycloakAdmin,
    realm: &'a str,
    services: Vec<(String, String)>,
    seen: HashSet<String>,
    phase: Phase,
    /// Users listed but deleted before they could be read whole.
    pub vanished: u64,
}

impl<'a> UserPager<'a> {
    /// A pager over `realm`; `services` are the clients (internal id, clientId) whose service
    /// account is a user to include.
    pub fn new(
        kc: &'a KeycloakAdmin,
        realm: &'a str,
        services: Vec<(String, String)>,
    ) -> UserPager<'a> {
        UserPager { kc, realm, services, seen: HashSet::new(), phase: Phase::Pages(0), vanished: 0 }
    }

    /// The clients of a realm export whose service account is a user.
    pub fn service_clients(export: &Value) -> Vec<(String, String)> {
        export["clients"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["serviceAccountsEnabled"].as_bool() == Some(true))
            .filter_map(|c| {
                Some((c["id"].as_str()?.to_owned(), c["clientId"].as_str()?.to_owned()))
            })
            .collect()
    }

    /// The next batch of users not handed out before; `None` once every user was.
    pub async fn next_batch(&mut self) -> Result<Option<Vec<Value>>, KeycloakError> {
        loop {
            match self.phase {
                Phase::Pages(first) => {
                    let page = self.kc.users_full(self.realm, first, USERS_PAGE).await?;
                    // An empty page ends the list, not a short one: one may be short because
                    // a user was deleted meanwhile.
                    self.phase = if page.is_empty() {
                        Phase::ServiceAccounts
                    } else {
                        Phase::Pages(first + USERS_PAGE)
                    };
                    let fresh: Vec<Value> =
                        page.into_iter().filter(|u| self.first_time(u)).collect();
                    let batch = self.exported(fresh).await?;
                    if !batch.is_empty() {
                        return Ok(Some(batch));
                    }
                }
                Phase::ServiceAccounts => {
                    let Some((uuid, client_id)) = self.services.pop() else {
                        self.phase = Phase::Missed(0);
                        continue;
                    };
                    let url =
                        self.kc.admin_url(&[self.realm, "clients", &uuid, "service-account-user"]);
                    let mut user: Value = match self.kc.get_json(url, "get service account").await {
                        Ok(user) => user,
                        Err(KeycloakError::NotFound { .. }) => continue,
                        Err(err) => return Err(err),
                    };
                    if !self.first_time(&user) {
                        continue;
                    }
                    user["serviceAccountClientId"] = Value::String(client_id);
                    let batch = self.exported(vec![user]).await?;
                    if !batch.is_empty() {
                        return Ok(Some(batch));
                    }
                }
                Phase::Missed(first) => {
                    let mut url = self.kc.admin_url(&[self.realm, "users"]);
                    url.query_pairs_mut()
                        .append_pair("briefRepresentation", "true")
                        .append_pair("first", &first.to_string())
                        .append_pair("max", &(USERS_PAGE * 10).to_string());
                    let page: Vec<Value> = self.kc.get_json(url, "list user ids").await?;
                    self.phase = if page.is_empty() {
                        Phase::Done
                    } else {
                        Phase::Missed(first + USERS_PAGE * 10)
                    };
                    let unseen: Vec<Value> =
                        page.into_iter().filter(|u| self.first_time(u)).collect();
                    let mut missed = Vec::new();
                    for brief in &unseen {
                        let id = brief["id"].as_str().unwrap_or_default();
                        let url = self.kc.admin_url(&[self.realm, "users", id]);
                        match self.kc.get_json::<Value>(url, "get user").await {
                            Ok(user) => missed.push(user),
                            Err(KeycloakError::NotFound { .. }) => self.vanished += 1,
                            Err(err) => return Err(err),
                        }
                    }
                    let batch = self.exported(missed).await?;
                    if !batch.is_empty() {
                        return Ok(Some(batch));
                    }
                }
                Phase::Done => return Ok(None),
            }
        }
    }

    /// Whether the user was not handed out before; marks them as handed out.
    fn first_time(&mut self, user: &Value) -> bool {
        let id = user["id"].as_str().unwrap_or_default();
        !id.is_empty() && self.seen.insert(id.to_owned())
    }

    /// The users with their groups, roles and links; one deleted meanwhile is left out.
    async fn exported(&mut self, users: Vec<Value>) -> Result<Vec<Value>, KeycloakError> {
        let (kc, realm) = (self.kc, self.realm);
        let read: Vec<Result<Value, KeycloakError>> = futures::stream::iter(users)
            .map(|user| kc.exported_user(realm, user))
            .buffered(USERS_AT_ONCE)
            .collect()
            .await;
        let mut batch = Vec::with_capacity(read.len());
        for user in read {
            match user {
                Ok(user) => batch.push(user),
                Err(KeycloakError::NotFound { .. }) => self.vanished += 1,
                Err(err) => return Err(err),
            }
        }
        Ok(batch)
    }
}
