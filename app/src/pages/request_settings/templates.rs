//! The onboarding templates: each with what it grants, the required actions and the fields it
//! fills in; for those who set them, a link to edit each, a delete that asks to confirm, and
//! the editor (for the template named by `?edit=` in the URL, or a new one).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rust_i18n::t;

use super::editor::TemplateEditor;
use super::{DANGER, SettingsActions};
use crate::components::error_panel::ErrorPanel;
use crate::pages::requests::action_words;
use crate::workflow::Template;

#[component]
pub(super) fn TemplatesPanel(
    tenant: String,
    templates: Vec<Template>,
    manage: bool,
) -> impl IntoView {
    let delete = expect_context::<SettingsActions>().delete;
    let deleted = move || {
        delete.value().get().map(|result| match result {
            Ok(()) => view! {
                <p
                    role="status"
                    class="rounded border border-emerald-300 bg-emerald-50 p-3 text-emerald-900"
                >
                    {t!("request_settings.template_deleted").to_string()}
                </p>
            }
            .into_any(),
            Err(error) => view! { <ErrorPanel error /> }.into_any(),
        })
    };
    let list = if templates.is_empty() {
        view! { <p class="mt-2 text-sm">{t!("request_settings.no_template").to_string()}</p> }
            .into_any()
    } else {
        let cards = templates.iter().cloned().map(|template| {
            view! { <TemplateCard tenant=tenant.clone() template manage /> }
        });
        view! { <ul class="mt-3 space-y-3">{cards.collect_view()}</ul> }.into_any()
    };
    let editor = manage.then(|| {
        let query = use_query_map();
        let editing = Memo::new(move |_| query.with(|q| q.get("edit")).unwrap_or_default());
        move || {
            let id = editing.get();
            let template = templates.iter().find(|t| !id.is_empty() && t.id == id).cloned();
            view! { <TemplateEditor tenant=tenant.clone() template /> }
        }
    });

    view! {
        <section
            aria-labelledby="templates-title"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="templates-title" class="text-lg font-semibold">
                {t!("request_settings.templates").to_string()}
            </h2>
            <p class="text-sm text-slate-600">
                {t!("request_settings.templates_help").to_string()}
            </p>
            <div aria-live="polite" class="mt-2">
                {deleted}
            </div>
            {list}
            {editor}
        </section>
    }
}

/// One template as a person reads it.
#[component]
fn TemplateCard(tenant: String, template: Template, manage: bool) -> impl IntoView {
    let none =
        || view! { <dd class="mb-2 text-slate-600">{t!("request_settings.none").to_string()}</dd> };
    let grants = if template.access.is_empty() {
        none().into_any()
    } else {
        let items = template.access.iter().map(|item| {
            let privileged = item.is_privileged().then(|| {
                view! {
                    <span class="ml-1 rounded bg-amber-100 px-1 text-xs">
                        {t!("user.privileged").to_string()}
                    </span>
                }
            });
            view! { <li>{item.describe()}{privileged}</li> }
        });
        view! {
            <dd class="mb-2">
                <ul class="list-disc pl-5">{items.collect_view()}</ul>
            </dd>
        }
        .into_any()
    };
    let actions = if template.required_actions.is_empty() {
        none().into_any()
    } else {
        let names: Vec<String> =
            template.required_actions.iter().map(|a| action_words(a)).collect();
        view! { <dd class="mb-2">{names.join(", ")}</dd> }.into_any()
    };
    let fields = if template.fields.is_empty() {
        none().into_any()
    } else {
        let items = template.fields.iter().map(|(name, value)| {
            view! {
                <li>
                    <span class="font-mono text-sm">{name.clone()}</span>
                    ": "
                    {value.clone()}
                </li>
            }
        });
        view! {
            <dd class="mb-2">
                <ul>{items.collect_view()}</ul>
            </dd>
        }
        .into_any()
    };
    let controls = manage.then(|| view! { <TemplateControls tenant template=template.clone() /> });

    view! {
        <li data-testid="template" class="rounded border border-slate-200 p-3">
            <div class="flex flex-wrap items-baseline gap-2">
                <h3 class="font-semibold">{template.name.clone()}</h3>
                <span class="font-mono text-xs text-slate-500">{template.id.clone()}</span>
            </div>
            <p class="text-sm text-slate-700">{template.description.clone()}</p>
            <dl class="mt-2 text-sm">
                <dt class="font-medium">{t!("request_settings.grants").to_string()}</dt>
                {grants}
                <dt class="font-medium">{t!("request_settings.required_actions").to_string()}</dt>
                {actions}
                <dt class="font-medium">{t!("request_settings.fields").to_string()}</dt>
                {fields}
            </dl>
            {controls}
        </li>
    }
}

/// The link that opens a template in the editor, and its delete, confirmed by a box to tick.
#[component]
fn TemplateControls(tenant: String, template: Template) -> impl IntoView {
    let delete = expect_context::<SettingsActions>().delete;
    let confirm = format!("delete-confirm-{}", template.id);
    let confirm_for = confirm.clone();
    let edit_label = t!("request_settings.edit_named", name = template.name.clone()).to_string();
    let delete_label =
        t!("request_settings.delete_named", name = template.name.clone()).to_string();

    view! {
        <div class="mt-2 flex flex-wrap items-center gap-4">
            <a
                href=format!("?edit={}#template-editor", template.id)
                class="underline"
                aria-label=edit_label
            >
                {t!("request_settings.edit").to_string()}
            </a>
            <ActionForm action=delete>
                <input type="hidden" name="tenant" value=tenant />
                <input type="hidden" name="id" value=template.id.clone() />
                <label for=confirm_for class="mr-2 inline-flex items-center gap-1 text-sm">
                    <input id=confirm type="checkbox" required />
                    {t!("request_settings.delete_confirm", name = template.name.clone())
                        .to_string()}
                </label>
                <button type="submit" class=DANGER aria-label=delete_label>
                    {t!("request_settings.delete").to_string()}
                </button>
            </ActionForm>
        </div>
    }
}
