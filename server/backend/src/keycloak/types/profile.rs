//! The realm's declarative user profile: which attributes a user may carry, who may see and edit
//! each, and how each is validated.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The user profile of a realm (`GET /users/profile`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfileConfig {
    /// The declared attributes, in the order forms show them.
    #[serde(default)]
    pub attributes: Vec<ProfileAttribute>,
    /// The groups attributes are shown under.
    #[serde(default)]
    pub groups: Vec<ProfileGroup>,
    /// What happens to attributes the profile does not declare: `None` (Keycloak's default)
    /// drops them silently on write; `ENABLED`, `ADMIN_EDIT` and `ADMIN_VIEW` keep them.
    #[serde(default)]
    pub unmanaged_attribute_policy: Option<String>,
}

impl UserProfileConfig {
    /// Whether the profile declares the attribute `name`, so that a write keeps it.
    pub fn is_declared(&self, name: &str) -> bool {
        self.attributes.iter().any(|a| a.name == name)
    }

    /// The declared attribute `name`, if any.
    pub fn attribute(&self, name: &str) -> Option<&ProfileAttribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// One declared attribute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileAttribute {
    /// The attribute's name (`email`, `department`, ...).
    pub name: String,
    /// The label, often a message key such as `${email}`.
    #[serde(default)]
    pub display_name: Option<String>,
    /// When set, the attribute is required for these roles or scopes.
    #[serde(default)]
    pub required: Option<ProfileRequired>,
    /// Who may see and edit the attribute; Keycloak lets only admins when absent.
    #[serde(default)]
    pub permissions: Option<ProfilePermissions>,
    /// The validators by name, with their settings (`{"length": {"max": 255}}`).
    #[serde(default)]
    pub validations: BTreeMap<String, Value>,
    /// Hints for forms (`inputType`, ...).
    #[serde(default)]
    pub annotations: BTreeMap<String, Value>,
    /// Whether the attribute may hold several values.
    #[serde(default)]
    pub multivalued: bool,
    /// The [`ProfileGroup`] it is shown under.
    #[serde(default)]
    pub group: Option<String>,
}

/// For whom an attribute is required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileRequired {
    /// `admin` (required when an admin edits), `user` (when the user edits).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Required only when one of these client scopes is requested.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Who may see and who may edit an attribute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePermissions {
    /// `admin`, `user`: who sees the attribute.
    #[serde(default)]
    pub view: Vec<String>,
    /// `admin`, `user`: who may change it.
    #[serde(default)]
    pub edit: Vec<String>,
}

/// A heading attributes are grouped under in forms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileGroup {
    /// The group's name, as attributes refer to it.
    pub name: String,
    /// The heading, often a message key.
    #[serde(default)]
    pub display_header: Option<String>,
    /// A sentence under the heading.
    #[serde(default)]
    pub display_description: Option<String>,
    /// Hints for forms.
    #[serde(default)]
    pub annotations: BTreeMap<String, Value>,
}
