//! A tenant's request settings: the approval rules, read by whoever files requests and set by
//! its tenant admins, and the onboarding templates, each with what it grants, and their
//! editor.

mod editor;
mod policy;
mod templates;

use leptos::prelude::*;
use rust_i18n::t;

use super::ForbiddenPanel;
use crate::AppError;
use crate::api::templates::{
    DeleteTemplate, SaveTemplate, SaveWorkflowPolicy, get_workflow_policy, list_templates,
};
use crate::components::current_tenant;
use crate::components::error_panel::or_error_panel;
use crate::components::reload::reload_after;
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;
use crate::workflow::{Template, WorkflowPolicy};

/// A button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";
/// A destructive button's look.
const DANGER: &str =
    "rounded border border-rose-400 bg-rose-50 px-3 py-1.5 text-rose-900 hover:bg-rose-100";

/// Everything the settings page shows, loaded in one go.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum SettingsView {
    Forbidden,
    Held {
        held: TenantRights,
        policy: Result<WorkflowPolicy, AppError>,
        templates: Result<Vec<Template>, AppError>,
    },
}

/// The page's writes. They are made at its top, so that their results (shown beside the
/// forms) outlive the reload that a success causes.
#[derive(Clone, Copy)]
struct SettingsActions {
    policy: ServerAction<SaveWorkflowPolicy>,
    save: ServerAction<SaveTemplate>,
    delete: ServerAction<DeleteTemplate>,
}

/// The approval rules and the templates of the tenant in the URL.
#[component]
pub fn RequestSettingsPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let actions = SettingsActions {
        policy: ServerAction::new(),
        save: ServerAction::new(),
        delete: ServerAction::new(),
    };
    provide_context(actions);
    let changed = RwSignal::new(0u32);
    reload_after(actions.policy, changed);
    reload_after(actions.save, changed);
    reload_after(actions.delete, changed);
    let page = Resource::new(
        move || (tenant.get(), changed.get()),
        move |(tenant, _)| load(rights, tenant),
    );

    view! {
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || Suspend::new(async move {
                or_error_panel(
                    page.await,
                    |view| match view {
                        SettingsView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        SettingsView::Held { held, policy, templates } => {
                            view! { <SettingsPanels held policy templates /> }.into_any()
                        }
                    },
                )
            })}
        </Transition>
    }
}

async fn load(rights: RightsResource, tenant: Option<String>) -> Result<SettingsView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::FileRequest))
    else {
        return Ok(SettingsView::Forbidden);
    };

    let tenant = held.tenant.clone();
    let (policy, templates) =
        futures::join!(get_workflow_policy(tenant.clone()), list_templates(tenant));
    Ok(SettingsView::Held { held, policy, templates })
}

#[component]
fn SettingsPanels(
    held: TenantRights,
    policy: Result<WorkflowPolicy, AppError>,
    templates: Result<Vec<Template>, AppError>,
) -> impl IntoView {
    let manage = held.can(Action::ManageWorkflowPolicy);
    let tenant = held.tenant.clone();
    let policy = or_error_panel(policy, |policy| {
        view! { <policy::PolicyPanel tenant=tenant.clone() policy manage /> }
    });
    let templates = or_error_panel(templates, |templates| {
        view! { <templates::TemplatesPanel tenant=tenant.clone() templates manage /> }
    });

    view! {
        <div class="space-y-6">
            <div>
                <a href=format!("/t/{}/requests", held.tenant) class="text-sm underline">
                    {t!("request_settings.back").to_string()}
                </a>
                <h1 class="mt-1 text-2xl font-semibold">
                    {t!("request_settings.title").to_string()}
                </h1>
            </div>
            {policy}
            {templates}
        </div>
    }
}
