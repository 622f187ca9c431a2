//! A tenant's onboarding templates and approval rules, set by its tenant admins and read by
//! whoever files requests.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::workflow::{Template, WorkflowPolicy};

#[cfg(feature = "ssr")]
pub(crate) mod store;

/// A template as the editor sends it: groups and roles by key (`group/<id>`, `realm/<role>`,
/// `client/<client uuid>/<role>`), resolved and checked on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateForm {
    /// Its id: lowercase letters, digits and dashes; a new one when empty.
    #[serde(default)]
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// The groups and roles it grants, by key.
    #[serde(default)]
    pub access: Vec<String>,
    /// The required actions a new user gets.
    #[serde(default)]
    pub required_actions: Vec<String>,
    /// Profile fields it fills in.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// The tenant's templates, by name.
#[server(endpoint = "templates/list")]
pub async fn list_templates(tenant: String) -> Result<Vec<Template>, AppError> {
    store::list(&tenant).await
}

/// Creates or replaces a template; its groups and roles must exist.
#[server(endpoint = "templates/save")]
pub async fn save_template(tenant: String, template: TemplateForm) -> Result<Template, AppError> {
    store::save(&tenant, template).await
}

/// Deletes a template. Requests filed from it keep what it granted.
#[server(endpoint = "templates/delete")]
pub async fn delete_template(tenant: String, id: String) -> Result<(), AppError> {
    store::delete(&tenant, &id).await
}

/// The tenant's approval rules (the defaults until a tenant admin sets them).
#[server(endpoint = "workflow/policy")]
pub async fn get_workflow_policy(tenant: String) -> Result<WorkflowPolicy, AppError> {
    store::policy(&tenant).await
}

/// Sets the tenant's approval rules.
#[server(endpoint = "workflow/policy-save")]
pub async fn save_workflow_policy(
    tenant: String,
    policy: WorkflowPolicy,
) -> Result<WorkflowPolicy, AppError> {
    store::save_policy(&tenant, policy).await
}
