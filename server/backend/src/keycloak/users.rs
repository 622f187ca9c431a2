//! User calls. Lists use brief representations; totals come from `/users/count` with the same
//! filters, so a page and its total never disagree about what they count.

use url::Url;

use super::{KeycloakAdmin, KeycloakError, UserBrief, UserQuery};

impl KeycloakAdmin {
    /// One page of users matching `query`.
    pub async fn list_users(
        &self,
        realm: &str,
        query: &UserQuery,
    ) -> Result<Vec<UserBrief>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users"]);
        apply_filters(&mut url, query);
        url.query_pairs_mut()
            .append_pair("briefRepresentation", "true")
            .append_pair("first", &query.first.to_string())
            .append_pair("max", &query.max.to_string());

        self.get_json(url, "list users").await
    }

    /// How many users match `query`'s filters (its page is ignored).
    pub async fn count_users(&self, realm: &str, query: &UserQuery) -> Result<u64, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users", "count"]);
        apply_filters(&mut url, query);

        self.get_json(url, "count users").await
    }

    /// How many groups the realm has, at every level.
    pub async fn count_groups(&self, realm: &str) -> Result<u64, KeycloakError> {
        #[derive(serde::Deserialize)]
        struct Count {
            count: u64,
        }

        let url = self.admin_url(&[realm, "groups", "count"]);
        let count: Count = self.get_json(url, "count groups").await?;
        Ok(count.count)
    }
}

fn apply_filters(url: &mut Url, query: &UserQuery) {
    let mut pairs = url.query_pairs_mut();
    if let Some(search) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
        pairs.append_pair("search", search.trim());
    }
    if let Some(enabled) = query.enabled {
        pairs.append_pair("enabled", if enabled { "true" } else { "false" });
    }
}
