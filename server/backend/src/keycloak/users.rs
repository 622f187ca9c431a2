//! User calls: search and count, read, create, replace, delete. Lists use brief representations;
//! totals come from `/users/count` with the same filters, so a page and its total never
//! disagree about what they count.

use reqwest::Method;
use reqwest::header::LOCATION;
use serde_json::Value;
use tracing::debug;

use super::user_query::apply_filters;
use super::{KeycloakAdmin, KeycloakError, UserBrief, UserQuery, UserRecord};

/// The field that [`KeycloakAdmin::users_with`] matches whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExactField {
    /// The username.
    Username,
    /// The email address.
    Email,
}

impl KeycloakAdmin {
    /// One page of users matching `query`.
    pub async fn list_users(
        &self,
        realm: &str,
        query: &UserQuery,
    ) -> Result<Vec<UserBrief>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users"]);
        apply_filters(&mut url, query)?;
        url.query_pairs_mut()
            .append_pair("briefRepresentation", "true")
            .append_pair("first", &query.first.to_string())
            .append_pair("max", &query.max.to_string());

        self.get_json(url, "list users").await
    }

    /// The users whose username, or email address, is `value` as a whole (Keycloak's `exact`;
    /// both are stored in lower case). A field filter of [`UserQuery`] matches anywhere in the
    /// value, so "is this name taken?" asked that way misses the one user among many that share
    /// the prefix.
    pub async fn users_with(
        &self,
        realm: &str,
        field: ExactField,
        value: &str,
    ) -> Result<Vec<UserBrief>, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users"]);
        let name = match field {
            ExactField::Username => "username",
            ExactField::Email => "email",
        };
        url.query_pairs_mut()
            .append_pair(name, value)
            .append_pair("exact", "true")
            .append_pair("briefRepresentation", "true")
            .append_pair("max", "20");
        self.get_json(url, "find users by exact value").await
    }

    /// How many users match `query`'s filters (its page is ignored).
    pub async fn count_users(&self, realm: &str, query: &UserQuery) -> Result<u64, KeycloakError> {
        let mut url = self.admin_url(&[realm, "users", "count"]);
        apply_filters(&mut url, query)?;

        self.get_json(url, "count users").await
    }

    /// The user's full representation; [`KeycloakError::NotFound`] when there is no such user.
    pub async fn user(&self, realm: &str, id: &str) -> Result<UserRecord, KeycloakError> {
        self.get_json(self.admin_url(&[realm, "users", id]), "get user").await
    }

    /// Creates a user from a representation (`username`, `email`, `attributes`, ...) and returns
    /// its id. A taken username or email is [`KeycloakError::Conflict`]; what the user profile
    /// refuses is [`KeycloakError::InvalidInput`] naming the fields.
    pub async fn create_user(
        &self,
        realm: &str,
        representation: &Value,
    ) -> Result<String, KeycloakError> {
        let url = self.admin_url(&[realm, "users"]);

        let response = self.send_json(Method::POST, url, representation, "create user").await?;

        let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok());
        let id = location.and_then(id_from_location).ok_or_else(|| KeycloakError::Unexpected {
            reason: "create user: no user id in the Location header".to_owned(),
        })?;
        debug!(realm, user.id = %id, "user created");
        Ok(id)
    }

    /// Replaces the user with `representation`. This is not a patch: lists and maps given
    /// (`attributes`, `requiredActions`) replace the old ones, so pass a modified
    /// [`UserRecord::raw`]. Attributes the user profile does not declare are dropped by
    /// Keycloak without an error unless its unmanaged-attribute policy keeps them.
    pub async fn update_user(
        &self,
        realm: &str,
        id: &str,
        representation: &Value,
    ) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id]);

        self.send_json(Method::PUT, url, representation, "update user").await?;

        debug!(realm, user.id = id, "user updated");
        Ok(())
    }

    /// Deletes the user, with their credentials, sessions and links.
    pub async fn delete_user(&self, realm: &str, id: &str) -> Result<(), KeycloakError> {
        let url = self.admin_url(&[realm, "users", id]);

        self.send("delete user", |http| http.delete(url.clone())).await?;

        debug!(realm, user.id = id, "user deleted");
        Ok(())
    }
}

/// The id a `201 Created` names: the last segment of its `Location`, percent-decoded.
pub(crate) fn id_from_location(location: &str) -> Option<String> {
    let url = url::Url::parse(location).ok()?;
    let last = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    let id = percent_decode(last)?;
    (!id.is_empty()).then_some(id)
}

fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::id_from_location;

    #[test]
    fn the_new_id_is_the_last_segment_of_the_location() {
        let location = "http://127.0.0.1:8180/admin/realms/acme/users/2f1d4c8e-0b6a-4e55-9d1c";

        assert_eq!(id_from_location(location).as_deref(), Some("2f1d4c8e-0b6a-4e55-9d1c"));
    }

    #[test]
    fn a_trailing_slash_or_an_encoded_segment_still_gives_the_id() {
        let slash = "https://sso.example.test/auth/admin/realms/a%20b/users/42/";
        let encoded = "https://sso.example.test/admin/realms/acme/users/a%2Bb";

        assert_eq!(id_from_location(slash).as_deref(), Some("42"));
        assert_eq!(id_from_location(encoded).as_deref(), Some("a+b"));
    }

    #[test]
    fn a_location_that_is_not_a_url_gives_no_id() {
        assert_eq!(id_from_location("users/42"), None);
        assert_eq!(id_from_location("http://kc/"), None);
        assert_eq!(id_from_location("http://kc/users/%zz"), None);
    }
}
