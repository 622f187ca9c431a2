//! The profile form: the fields of the realm's user profile with their labels, limits and
//! read-only state, the required actions, and the attributes the profile does not declare.

use leptos::prelude::*;
use rust_i18n::t;

use super::UserPageState;
use super::actions::{BUTTON, target};
use crate::api::user_changes::{REQUIRED_ACTIONS, UpdateUser};
use crate::api::users::{ProfileField, UserDetailResponse};
use crate::policy::{Action, TenantRights};

#[component]
pub(crate) fn ProfilePanel(held: TenantRights, detail: UserDetailResponse) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let update = ServerAction::<UpdateUser>::new();
    state.watch(update, |done| {
        if done.changed.is_empty() {
            t!("user.nothing_changed").to_string()
        } else {
            t!("user.changed", fields = done.changed.join(", ")).to_string()
        }
    });
    let editable = held.can(Action::UpdateUser);
    let fields = detail
        .fields
        .iter()
        .map(|f| field_input(f, editable && f.editable && f.name != "username", "fields"))
        .collect_view();
    let required = detail.required_actions.clone();
    let actions = REQUIRED_ACTIONS.iter().map(move |alias| {
        let id = format!("required-{alias}");
        let label_for = id.clone();
        let checked = required.iter().any(|a| a == alias);
        view! {
            <label for=label_for class="mr-3 inline-flex items-center gap-1">
                <input
                    id=id
                    type="checkbox"
                    name=format!("actions[{alias}]")
                    value="on"
                    checked=checked
                    disabled=!editable
                />
                {t!(format!("required_action.{alias}")).to_string()}
            </label>
        }
    });
    let others = (!detail.other_attributes.is_empty()).then(|| {
        let rows = detail.other_attributes.iter().map(|(name, values)| {
            view! {
                <div class="flex gap-4 py-1">
                    <dt class="font-mono text-sm">{name.clone()}</dt>
                    <dd class="break-all text-sm">{values.join(", ")}</dd>
                </div>
            }
        });
        view! {
            <div class="mt-4">
                <h3 class="font-medium">{t!("user.other_attributes").to_string()}</h3>
                <p class="text-sm text-slate-600">{t!("user.other_attributes_help").to_string()}</p>
                <dl class="mt-1 divide-y divide-slate-100">{rows.collect_view()}</dl>
            </div>
        }
    });
    let save = editable.then(|| {
        view! {
            <button type="submit" class=format!("{BUTTON} mt-3")>
                {t!("user.save").to_string()}
            </button>
        }
    });

    let hidden = target(&held.tenant, &detail.id);
    view! {
        <section
            aria-labelledby="profile-title"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="profile-title" class="text-lg font-semibold">
                {t!("user.profile").to_string()}
            </h2>
            <ActionForm action=update>
                {hidden} <div class="mt-2 grid gap-3 sm:grid-cols-2">{fields}</div>
                <fieldset class="mt-3">
                    <legend class="font-medium">{t!("user.required_actions").to_string()}</legend>
                    <div class="text-sm">{actions.collect_view()}</div>
                </fieldset> {save}
            </ActionForm>
            {others}
        </section>
    }
}

/// One profile field: an input named `<prefix>[<name>]`, or read-only text.
pub(crate) fn field_input(field: &ProfileField, editable: bool, prefix: &str) -> AnyView {
    let id = format!("field-{}", field.name);
    let name = format!("{prefix}[{}]", field.name);
    let label = if field.required { format!("{} *", field.label) } else { field.label.clone() };
    let value = field.values.join("\n");
    if !editable {
        return view! {
            <div>
                <span class="block text-sm font-medium">{label}</span>
                <span class="mt-1 block break-all">{value}</span>
            </div>
        }
        .into_any();
    }
    let input = if !field.options.is_empty() {
        let chosen = value.clone();
        let options = field.options.iter().map(|o| {
            view! {
                <option value=o.clone() selected=*o == chosen>
                    {o.clone()}
                </option>
            }
        });
        view! {
            <select
                id=id.clone()
                name=name
                class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            >
                <option value="">{String::new()}</option>
                {options.collect_view()}
            </select>
        }
        .into_any()
    } else if field.multivalued || field.input_type == "textarea" {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="3"
                class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            >
                {value}
            </textarea>
        }
        .into_any()
    } else {
        let kind = match field.input_type.as_str() {
            "email" | "tel" | "url" | "number" | "date" => field.input_type.clone(),
            _ => "text".to_owned(),
        };
        view! {
            <input
                id=id.clone()
                name=name
                type=kind
                value=value
                required=field.required
                minlength=field.min_length.map(|n| n.to_string())
                maxlength=field.max_length.map(|n| n.to_string())
                class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            />
        }
        .into_any()
    };

    view! {
        <div>
            <label for=id class="block text-sm font-medium">
                {label}
            </label>
            {input}
        </div>
    }
    .into_any()
}
