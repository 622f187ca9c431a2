//! A user's full representation: typed fields to read, and the whole of what Keycloak sent to
//! write back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One user as `GET /users/{id}` returns it.
///
/// The typed fields are a read-only view. [`UserRecord::raw`] is the whole representation,
/// every field Keycloak sent included, and it is what is serialised: to change a user, modify
/// `raw` and pass it to [`KeycloakAdmin::update_user`](super::super::KeycloakAdmin::update_user),
/// which replaces the user (a PUT is not a patch), so a field left out would be lost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value", into = "Value")]
pub struct UserRecord {
    /// Keycloak's id of the user.
    pub id: String,
    /// The sign-in name.
    pub username: String,
    /// First name, when set.
    pub first_name: Option<String>,
    /// Last name, when set.
    pub last_name: Option<String>,
    /// Email address, when set.
    pub email: Option<String>,
    /// Whether the email address was verified.
    pub email_verified: bool,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// When the user was created, in epoch milliseconds.
    pub created_timestamp: Option<i64>,
    /// The user's attributes (those the user profile lets the service account see).
    pub attributes: BTreeMap<String, Vec<String>>,
    /// Actions the user must take at the next sign-in (`UPDATE_PASSWORD`, ...).
    pub required_actions: Vec<String>,
    /// The user storage provider the user comes from (LDAP, ...), when federated.
    pub federation_link: Option<String>,
    /// The whole representation, exactly as Keycloak returned it.
    pub raw: Value,
}

/// The typed view, read out of the raw representation.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    id: String,
    username: String,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: bool,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    created_timestamp: Option<i64>,
    #[serde(default)]
    attributes: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    required_actions: Vec<String>,
    #[serde(default)]
    federation_link: Option<String>,
}

impl TryFrom<Value> for UserRecord {
    type Error = serde_json::Error;

    fn try_from(raw: Value) -> Result<UserRecord, serde_json::Error> {
        let f = Fields::deserialize(&raw)?;
        Ok(UserRecord {
            id: f.id,
            username: f.username,
            first_name: f.first_name,
            last_name: f.last_name,
            email: f.email,
            email_verified: f.email_verified,
            enabled: f.enabled,
            created_timestamp: f.created_timestamp,
            attributes: f.attributes.unwrap_or_default(),
            required_actions: f.required_actions,
            federation_link: f.federation_link,
            raw,
        })
    }
}

impl From<UserRecord> for Value {
    fn from(user: UserRecord) -> Value {
        user.raw
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::UserRecord;

    #[test]
    fn a_record_keeps_every_field_keycloak_sent_and_serialises_back_to_it() {
        let sent = json!({
            "id": "7f0c", "username": "ada", "enabled": true, "emailVerified": false,
            "attributes": {"department": ["Legal"]}, "access": {"manage": true},
            "notBefore": 0, "totp": false
        });

        let user: UserRecord = serde_json::from_value(sent.clone()).unwrap();

        assert_eq!(user.attributes["department"], ["Legal"]);
        assert_eq!(user.first_name, None);
        assert_eq!(user.raw, sent);
        assert_eq!(serde_json::to_value(&user).unwrap(), sent);
    }

    #[test]
    fn a_user_without_attributes_reads_as_an_empty_map() {
        let user: UserRecord =
            serde_json::from_value(json!({"id": "1", "username": "bo", "attributes": null}))
                .unwrap();

        assert!(user.attributes.is_empty());
        assert!(user.required_actions.is_empty());
    }
}
