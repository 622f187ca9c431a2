//! Groups: a user's memberships, joining and leaving, and the group picker's search.
//!
//! The picker must page on the server (a realm may hold tens of thousands of groups). Keycloak
//! 26's `GET /groups?search=` pages over the groups whose name matches, at any depth, ordered by
//! name; by default it then answers each page as a tree: the top-level ancestors of the page's
//! matches, with the matches nested in `subGroups` and ancestors that do not match among them.
//! Flattening that tree would need Keycloak's matching rule repeated here to tell matches from
//! ancestors. With `populateHierarchy=false` it answers the page's matches themselves, each
//! with its full `path`: that list is what the picker shows, and `GET /groups/count?search=`
//! counts exactly those groups, so pages and total agree.

use serde::Deserialize;
use tracing::debug;
use url::Url;

use super::{GroupBrief, KeycloakAdmin, KeycloakError};

/// `{"count": n}`, as the group count endpoints answer.
#[derive(Deserialize)]
struct Count {
    count: u64,
}

impl KeycloakAdmin {
    /// How many groups the realm has, at every level.
    pub async fn count_groups(&self, realm: &str) -> Result<u64, KeycloakError> {
        let url = self.admin_url(&[realm, "groups", "count"]);
        let count: Count = self.get_json(url, "count groups").await?;
        Ok(count.count)
    }

    /// One page of the groups whose name contains `search` (any case, at any depth), each with
    /// its full path; with no `search`, one page of the top-level groups.
    pub async fn search_groups(
        &self,
        realm: &str,
        search: Option<&str>,
        first: u32,
        max: u32,
    ) -> Result<Vec<GroupBrief>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "groups"]);
        with_search(&mut url, search);
        url.query_pairs_mut()
            .append_pair("populateHierarchy", "false")
            .append_pair("subGroupsCount", "false");
        with_page(&mut url, first, max);

        self.get_json(url, "search groups").await
    }

    /// How many groups [`KeycloakAdmin::search_groups`] pages over: those whose name contains
    /// `search` at any depth, or the top-level groups when there is no `search`.
    pub async fn count_groups_matching(
        &self,
        realm: &str,
        search: Option<&str>,
    ) -> Result<u64, KeycloakError> {
        let mut url = self.admin_url(&[realm, "groups", "count"]);
        with_search(&mut url, search);
        if url.query().is_none() {
            url.query_pairs_mut().append_pair("top", "true");
        }

        let count: Count = self.get_json(url, "count groups").await?;
        Ok(count.count)
    }

    /// One page of the groups the user belongs to directly, whose name contains `search`.
    pub async fn user_groups(
        &self,
        realm: &str,
        id: &str,
        search: Option<&str>,
        first: u32,
        max: u32,
    ) -> Result<Vec<GroupBrief>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users", id, "groups"]);
        with_search(&mut url, search);
        with_page(&mut url, first, max);

        self.get_json(url, "list user groups").await
    }

    /// How many groups the user belongs to directly, whose name contains `search`.
    pub async fn count_user_groups(
        &self,
        realm: &str,
        id: &str,
        search: Option<&str>,
    ) -> Result<u64, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users", id, "groups", "count"]);
        with_search(&mut url, search);

        let count: Count = self.get_json(url, "count user groups").await?;
        Ok(count.count)
    }

    /// Makes the user a member of the group (by id).
    pub async fn add_user_to_group(
        &self,
        realm: &str,
        id: &str,
        group_id: &str,
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "groups", group_id]);

        self.send("add user to group", |http| http.put(url.clone())).await?;

        debug!(realm, user.id = id, group.id = group_id, "user added to group");
        Ok(())
    }

    /// Ends the user's membership of the group (by id).
    pub async fn remove_user_from_group(
        &self,
        realm: &str,
        id: &str,
        group_id: &str,
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id, "groups", group_id]);

        self.send("remove user from group", |http| http.delete(url.clone())).await?;

        debug!(realm, user.id = id, group.id = group_id, "user removed from group");
        Ok(())
    }
}

/// Appends `search` when it holds more than spaces.
pub(crate) fn with_search(url: &mut Url, search: Option<&str>) {
    if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
        url.query_pairs_mut().append_pair("search", search);
    }
}

/// Appends a page, and asks for brief representations.
pub(crate) fn with_page(url: &mut Url, first: u32, max: u32) {
    url.query_pairs_mut()
        .append_pair("briefRepresentation", "true")
        .append_pair("first", &first.to_string())
        .append_pair("max", &max.to_string());
}

#[cfg(test)]
mod tests {
    use super::GroupBrief;

    #[test]
    fn a_flat_search_page_reads_as_the_matches_with_their_full_paths() {
        // What Keycloak 26.7 answered to
        // `/groups?search=ing&populateHierarchy=false&first=1&max=2`.
        let page = r#"[
            {"id": "4718", "name": "Controlling", "path": "/Finance/Controlling",
             "parentId": "4db2", "subGroupCount": 0, "subGroups": [],
             "access": {"view": true, "manage": true}},
            {"id": "e671", "name": "Engineering", "path": "/Engineering",
             "subGroupCount": 3, "subGroups": [], "access": {"view": true}}
        ]"#;

        let groups: Vec<GroupBrief> = serde_json::from_str(page).unwrap();

        let paths: Vec<&str> = groups.iter().map(|g| g.path.as_str()).collect();
        assert_eq!(paths, ["/Finance/Controlling", "/Engineering"]);
        assert_eq!(groups[0].name, "Controlling");
    }
}
