//! Clients (the realm's applications), as pickers list them.

use super::{ClientBrief, KeycloakAdmin, KeycloakError};

impl KeycloakAdmin {
    /// One client by its internal id; [`KeycloakError::NotFound`] when there is none.
    pub async fn client(
        &self,
        realm: &str,
        client_uuid: &str,
    ) -> Result<ClientBrief, KeycloakError> {
        self.get_json(self.admin_url(&[realm, "clients", client_uuid]), "get client").await
    }

    /// One page of the realm's clients whose `clientId` contains `search` (any case), or of
    /// all clients when `search` is `None`.
    pub async fn search_clients(
        &self,
        realm: &str,
        search: Option<&str>,
        first: u32,
        max: u32,
    ) -> Result<Vec<ClientBrief>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "clients"]);
        {
            let mut pairs = url.query_pairs_mut();
            if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
                pairs.append_pair("clientId", search).append_pair("search", "true");
            }
            pairs.append_pair("first", &first.to_string()).append_pair("max", &max.to_string());
        }

        self.get_json(url, "list clients").await
    }
}
