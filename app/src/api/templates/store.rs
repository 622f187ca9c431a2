//! Templates and approval rules in the console's database, checked before they are kept: a
//! template's groups and roles must exist, its id is plain, and the rules' numbers are in range.

use cloudtrust_backend::store::{Outcome, TemplateRecord};
use serde_json::json;

use super::TemplateForm;
use crate::api::requests::decide::unavailable;
use crate::api::requests::file::{ACTIONS, POLICY_KEY};
use crate::api::requests::lookups::{load_policy, resolve_access};
use crate::policy::Action;
use crate::ssr::{authorize, context, fail, record};
use crate::workflow::{Template, WorkflowPolicy};
use crate::{AppError, ErrorKind};

/// The tenant's templates.
pub async fn list(tenant: &str) -> Result<Vec<Template>, AppError> {
    authorize(Action::FileRequest, Some(tenant)).await?;
    let records = context().store.templates(tenant).await.map_err(unavailable)?;
    Ok(records.iter().filter_map(read).collect())
}

/// The template `id` of the tenant; `None` for an empty id. An unknown id is refused.
pub async fn find(tenant: &str, id: &str) -> Result<Option<Template>, AppError> {
    if id.trim().is_empty() {
        return Ok(None);
    }
    let record = context().store.template(tenant, id.trim()).await.map_err(unavailable)?;
    match record.as_ref().and_then(read) {
        Some(template) => Ok(Some(template)),
        None => Err(fail(AppError::invalid("template", "This template no longer exists."))),
    }
}

/// Creates or replaces a template.
pub async fn save(tenant: &str, form: TemplateForm) -> Result<Template, AppError> {
    let caller = authorize(Action::ManageWorkflowPolicy, Some(tenant)).await?;
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(fail(AppError::invalid(
            "name",
            "Give the template a name of 1 to 120 characters.",
        )));
    }
    let id = match form.id.trim() {
        "" => slug(&name),
        id => id.to_owned(),
    };
    if id.is_empty()
        || id.len() > 60
        || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        let message = "The id holds lowercase letters, digits and dashes, at most 60.";
        return Err(fail(AppError::invalid("id", message)));
    }
    if let Some(unknown) = form.required_actions.iter().find(|a| !ACTIONS.contains(&a.as_str())) {
        let message = format!("{unknown:?} is not an action the console sets.");
        return Err(fail(AppError::invalid("required_actions", message)));
    }
    let kc = &context().keycloak;
    let access = resolve_access(kc, tenant, &form.access, "access").await?;
    let profile = kc.user_profile(tenant).await.map_err(crate::ssr::from_keycloak)?;
    let fields: std::collections::BTreeMap<String, String> = form
        .fields
        .into_iter()
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .collect();
    if let Some(unknown) = fields.keys().find(|k| !profile.is_declared(k)) {
        let message = format!("The realm's user profile does not declare {unknown}.");
        return Err(fail(AppError::invalid("fields", message)));
    }
    let mut required_actions = form.required_actions;
    required_actions.dedup();
    let template = Template {
        id: id.clone(),
        name: name.clone(),
        description: form.description.trim().to_owned(),
        access,
        required_actions,
        fields,
    };
    let spec = serde_json::to_string(&template).unwrap_or_default();
    let store = &context().store;
    let before = store.template(tenant, &id).await.map_err(unavailable)?;
    store
        .save_template(tenant, &id, &name, &spec, &caller.identity.username)
        .await
        .map_err(unavailable)?;
    let detail = json!({ "before": before.map(|b| b.spec), "after": spec });
    record(&caller, tenant, "template.save", Some(&id), Outcome::Success, Some(detail)).await;
    Ok(template)
}

/// Deletes a template.
pub async fn delete(tenant: &str, id: &str) -> Result<(), AppError> {
    let caller = authorize(Action::ManageWorkflowPolicy, Some(tenant)).await?;
    let store = &context().store;
    let before = store.template(tenant, id).await.map_err(unavailable)?;
    let Some(before) = before else {
        return Err(fail(AppError::new(ErrorKind::NotFound, "There is no such template.")));
    };
    store.delete_template(tenant, id).await.map_err(unavailable)?;
    let detail = json!({ "before": before.spec });
    record(&caller, tenant, "template.delete", Some(id), Outcome::Success, Some(detail)).await;
    Ok(())
}

/// The tenant's approval rules.
pub async fn policy(tenant: &str) -> Result<WorkflowPolicy, AppError> {
    authorize(Action::FileRequest, Some(tenant)).await?;
    load_policy(tenant).await
}

/// Sets the tenant's approval rules.
pub async fn save_policy(tenant: &str, policy: WorkflowPolicy) -> Result<WorkflowPolicy, AppError> {
    let caller = authorize(Action::ManageWorkflowPolicy, Some(tenant)).await?;
    policy.validate().map_err(|(field, message)| fail(AppError::invalid(field, message)))?;
    let before = load_policy(tenant).await?;
    let value = serde_json::to_string(&policy).unwrap_or_default();
    context()
        .store
        .set_tenant_setting(tenant, POLICY_KEY, &value, &caller.identity.username)
        .await
        .map_err(unavailable)?;
    let detail = json!({ "before": before, "after": policy });
    record(&caller, tenant, "workflow.policy", None, Outcome::Success, Some(detail)).await;
    Ok(policy)
}

fn read(record: &TemplateRecord) -> Option<Template> {
    match serde_json::from_str(&record.spec) {
        Ok(template) => Some(template),
        Err(err) => {
            tracing::error!(%err, id = record.id, "a stored template does not read back");
            None
        }
    }
}

/// An id from a name: `Sales — EMEA` becomes `sales-emea`.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(60).collect()
}
