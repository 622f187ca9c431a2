//! The template editor: name, description, the required actions a new user gets, profile
//! fields it fills in, and the groups and roles it grants. The server function reads the
//! struct argument `template`, so every field is named `template[...]`.

use std::collections::BTreeMap;

use leptos::prelude::*;
use rust_i18n::t;

use super::{BUTTON, SettingsActions};
use crate::components::access_picker::{AccessPicker, ChosenAccess};
use crate::components::error_panel::ErrorPanel;
use crate::pages::requests::action_words;
use crate::workflow::Template;

/// The required actions a template may give a new user.
const TEMPLATE_ACTIONS: [&str; 4] =
    ["UPDATE_PASSWORD", "CONFIGURE_TOTP", "VERIFY_EMAIL", "UPDATE_PROFILE"];

/// How many empty rows for new profile fields the editor offers.
const NEW_FIELD_ROWS: usize = 2;

/// Edits `template`, or makes a new one when it is `None`.
#[component]
pub(super) fn TemplateEditor(tenant: String, template: Option<Template>) -> impl IntoView {
    let save = expect_context::<SettingsActions>().save;
    let heading = match &template {
        Some(t) => t!("request_settings.edit_template", name = t.name.clone()).to_string(),
        None => t!("request_settings.new_template").to_string(),
    };
    let start_new = template.as_ref().map(|_| {
        view! {
            <a href="?#template-editor" class="text-sm underline">
                {t!("request_settings.start_new").to_string()}
            </a>
        }
    });
    let template = template.unwrap_or_default();
    let result = move || {
        save.value().get().map(|result| match result {
            Ok(saved) => view! {
                <p
                    role="status"
                    class="rounded border border-emerald-300 bg-emerald-50 p-3 text-emerald-900"
                >
                    {t!("request_settings.template_saved", name = saved.name).to_string()}
                </p>
            }
            .into_any(),
            Err(error) => {
                let field = error.field.clone().map(
                    |f| view! { <p class="text-sm">{t!("user.field", field = f).to_string()}</p> },
                );
                view! {
                    <div>
                        <ErrorPanel error />
                        {field}
                    </div>
                }
                .into_any()
            }
        })
    };
    let ticked = template.required_actions.clone();
    let actions = TEMPLATE_ACTIONS.iter().map(move |alias| {
        let id = format!("template-action-{alias}");
        let label_for = id.clone();
        view! {
            <label for=label_for class="mr-3 inline-flex items-center gap-1">
                <input
                    id=id
                    type="checkbox"
                    name="template[required_actions][]"
                    value=*alias
                    checked=ticked.iter().any(|a| a == alias)
                />
                {action_words(alias)}
            </label>
        }
    });
    let access: Vec<ChosenAccess> = template.access.iter().map(ChosenAccess::of_item).collect();

    view! {
        <section
            id="template-editor"
            data-testid="template-editor"
            aria-labelledby="template-editor-title"
            class="mt-4 border-t border-slate-200 pt-4"
        >
            <div class="flex flex-wrap items-baseline gap-3">
                <h3 id="template-editor-title" class="font-medium">
                    {heading}
                </h3>
                {start_new}
            </div>
            <div aria-live="polite" class="mt-2">
                {result}
            </div>
            <ActionForm action=save>
                <input type="hidden" name="tenant" value=tenant.clone() />
                <input type="hidden" name="template[id]" value=template.id.clone() />
                <div class="mt-2 grid gap-3 sm:grid-cols-2">
                    <div>
                        <label for="template-name" class="block text-sm font-medium">
                            {t!("request_settings.template_name").to_string()}
                        </label>
                        <input
                            id="template-name"
                            name="template[name]"
                            required
                            value=template.name.clone()
                            class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                        />
                    </div>
                    <div>
                        <label for="template-description" class="block text-sm font-medium">
                            {t!("request_settings.template_description").to_string()}
                        </label>
                        <textarea
                            id="template-description"
                            name="template[description]"
                            rows="2"
                            class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                        >
                            {template.description.clone()}
                        </textarea>
                    </div>
                </div>
                <fieldset class="mt-3 rounded border border-slate-200 p-3">
                    <legend class="px-1 text-sm font-medium">
                        {t!("request_settings.required_actions").to_string()}
                    </legend>
                    <div class="text-sm">{actions.collect_view()}</div>
                </fieldset>
                <fieldset class="mt-3 rounded border border-slate-200 p-3">
                    <legend class="px-1 text-sm font-medium">
                        {t!("request_settings.fields").to_string()}
                    </legend>
                    <p class="text-sm text-slate-600">
                        {t!("request_settings.fields_help").to_string()}
                    </p>
                    <FieldRows fields=template.fields.clone() />
                </fieldset>
                <fieldset class="mt-3 rounded border border-slate-200 p-3">
                    <legend class="px-1 text-sm font-medium">
                        {t!("request_settings.grants").to_string()}
                    </legend>
                    <AccessPicker
                        tenant
                        name="template[access][]"
                        id_prefix="template-"
                        initial=access
                    />
                </fieldset>
                <button type="submit" class=format!("{BUTTON} mt-3")>
                    {t!("request_settings.save_template").to_string()}
                </button>
            </ActionForm>
        </section>
    }
}

/// A row per profile field the template fills in, and empty rows for new ones. A value is
/// sent as `template[fields][<attribute>]`, so a row whose attribute is emptied is dropped.
#[component]
fn FieldRows(fields: BTreeMap<String, String>) -> impl IntoView {
    let empty = std::iter::repeat_with(<(String, String)>::default).take(NEW_FIELD_ROWS);
    let rows = fields.into_iter().chain(empty).enumerate().map(|(index, (attribute, value))| {
        let row = index + 1;
        let (key_id, value_id) =
            (format!("template-field-{row}-name"), format!("template-field-{row}-value"));
        let attribute = RwSignal::new(attribute);
        let name = move || {
            attribute.with(|a| {
                let a = a.trim();
                (!a.is_empty()).then(|| format!("template[fields][{a}]"))
            })
        };
        view! {
            <div class="mt-2 grid gap-2 sm:grid-cols-2">
                <div>
                    <label for=key_id.clone() class="block text-sm">
                        {t!("request_settings.field_name", row = row).to_string()}
                    </label>
                    <input
                        id=key_id
                        value=attribute.get_untracked()
                        placeholder="department"
                        class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                        on:input=move |ev| attribute.set(event_target_value(&ev))
                    />
                </div>
                <div>
                    <label for=value_id.clone() class="block text-sm">
                        {t!("request_settings.field_value", row = row).to_string()}
                    </label>
                    <input
                        id=value_id
                        name=name
                        value=value
                        class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                    />
                </div>
            </div>
        }
    });

    rows.collect_view()
}
