//! Requests about this user, for those who file them: an offboarding, a credential reset or a
//! change of access, each a small form that says what happens next (it waits for an approver,
//! and why, or runs now) with a link to the request.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use rust_i18n::t;

use super::actions::{BUTTON, DANGER};
use crate::AppError;
use crate::api::requests::{FileChangeAccess, FileCredentialReset, FileOffboarding, Filed};
use crate::api::user_changes::MAX_LIFESPAN_HOURS;
use crate::api::users::UserAccessResponse;
use crate::components::access_picker::{AccessPicker, ChosenAccess};
use crate::components::error_panel::ErrorPanel;
use crate::pages::requests::{action_words, filed_words};
use crate::policy::{Action, TenantRights};

/// The required actions a reset may ask for, and whether each is ticked at first.
const RESET_ACTIONS: [(&str, bool); 2] = [("UPDATE_PASSWORD", true), ("CONFIGURE_TOTP", false)];

/// How long a reset's emailed link lasts unless the requester says otherwise, in hours.
const DEFAULT_LIFESPAN_HOURS: u32 = 72;

/// The three request forms, for a person who may file requests in the tenant; `access` is
/// what the user holds now (absent when it failed to load: then nothing can be taken back).
#[component]
pub(crate) fn RequestPanel(
    held: TenantRights,
    id: String,
    access: Option<UserAccessResponse>,
) -> impl IntoView {
    held.can(Action::FileRequest).then(|| {
        let tenant = held.tenant.clone();
        view! {
            <section
                aria-labelledby="request-title"
                data-testid="request-panel"
                class="rounded border border-slate-200 bg-white p-4"
            >
                <h2 id="request-title" class="text-lg font-semibold">
                    {t!("user_requests.title").to_string()}
                </h2>
                <p class="text-sm text-slate-600">{t!("user_requests.help").to_string()}</p>
                <OffboardingForm tenant=tenant.clone() id=id.clone() />
                <ResetForm tenant=tenant.clone() id=id.clone() />
                <AccessForm tenant id access />
            </section>
        }
    })
}

#[component]
fn OffboardingForm(tenant: String, id: String) -> impl IntoView {
    let file = ServerAction::<FileOffboarding>::new();

    view! {
        <details class="mt-3 rounded border border-slate-200 p-3">
            <summary class="cursor-pointer font-medium">
                {t!("user_requests.offboard").to_string()}
            </summary>
            <FiledNotice tenant=tenant.clone() action=file />
            <ActionForm action=file>
                <Target tenant id />
                <p class="mt-2 text-sm">{t!("user_requests.offboard_explained").to_string()}</p>
                <div class="mt-2 grid gap-3 sm:grid-cols-2">
                    <div>
                        <label for="req-offboard-run-on" class="block text-sm font-medium">
                            {t!("user_requests.run_on").to_string()}
                        </label>
                        <input
                            id="req-offboard-run-on"
                            name="run_on"
                            type="date"
                            class="mt-1 rounded border border-slate-300 px-2 py-1"
                        />
                    </div>
                    <div>
                        <label for="req-offboard-delete" class="block text-sm font-medium">
                            {t!("user_requests.delete_after").to_string()}
                        </label>
                        <input
                            id="req-offboard-delete"
                            name="delete_after_days"
                            type="number"
                            min="0"
                            class="mt-1 w-32 rounded border border-slate-300 px-2 py-1"
                        />
                    </div>
                </div>
                <Reason form="offboard" />
                <label for="req-offboard-confirm" class="mt-2 flex items-center gap-1 text-sm">
                    <input id="req-offboard-confirm" type="checkbox" required />
                    {t!("user_requests.offboard_confirm").to_string()}
                </label>
                <button type="submit" class=format!("{DANGER} mt-2")>
                    {t!("user_requests.file_offboard").to_string()}
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn ResetForm(tenant: String, id: String) -> impl IntoView {
    let file = ServerAction::<FileCredentialReset>::new();
    let method = |value: &'static str, label: String, checked: bool| {
        let id = format!("req-reset-method-{value}");
        let label_for = id.clone();
        view! {
            <label for=label_for class="mr-4 inline-flex items-center gap-1">
                <input id=id type="radio" name="method" value=value checked=checked />
                {label}
            </label>
        }
    };
    let actions = RESET_ACTIONS.iter().map(|(alias, ticked)| {
        let id = format!("req-reset-action-{alias}");
        let label_for = id.clone();
        view! {
            <label for=label_for class="mr-3 inline-flex items-center gap-1">
                <input id=id type="checkbox" name="actions[]" value=*alias checked=*ticked />
                {action_words(alias)}
            </label>
        }
    });

    view! {
        <details class="mt-3 rounded border border-slate-200 p-3">
            <summary class="cursor-pointer font-medium">
                {t!("user_requests.reset").to_string()}
            </summary>
            <FiledNotice tenant=tenant.clone() action=file />
            <ActionForm action=file>
                <Target tenant id />
                <fieldset class="mt-2">
                    <legend class="text-sm font-medium">
                        {t!("user_requests.method").to_string()}
                    </legend>
                    {method("email", t!("user_requests.by_email").to_string(), true)}
                    {method("next_sign_in", t!("user_requests.next_sign_in").to_string(), false)}
                </fieldset>
                <fieldset class="mt-2">
                    <legend class="text-sm font-medium">
                        {t!("user_requests.actions").to_string()}
                    </legend>
                    <div class="text-sm">{actions.collect_view()}</div>
                </fieldset>
                <label for="req-reset-lifespan" class="mt-2 block text-sm font-medium">
                    {t!("user_requests.lifespan").to_string()}
                </label>
                <input
                    id="req-reset-lifespan"
                    name="lifespan_hours"
                    type="number"
                    required
                    min="1"
                    max=MAX_LIFESPAN_HOURS
                    value=DEFAULT_LIFESPAN_HOURS
                    class="mt-1 w-24 rounded border border-slate-300 px-2 py-1"
                />
                <Reason form="reset" />
                <button type="submit" class=format!("{BUTTON} mt-2")>
                    {t!("user_requests.file_reset").to_string()}
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn AccessForm(tenant: String, id: String, access: Option<UserAccessResponse>) -> impl IntoView {
    let file = ServerAction::<FileChangeAccess>::new();
    let held: Vec<ChosenAccess> = access
        .map(|access| {
            let groups = access.groups.iter().map(ChosenAccess::of_group);
            let roles = access.realm_roles.iter().chain(&access.client_roles);
            groups.chain(roles.filter(|r| r.direct).map(ChosenAccess::of_role)).collect()
        })
        .unwrap_or_default();
    let removable = if held.is_empty() {
        let none = t!("user_requests.nothing_held").to_string();
        view! { <p class="text-sm text-slate-600">{none}</p> }.into_any()
    } else {
        let rows = held.into_iter().enumerate().map(|(index, item)| {
            let box_id = format!("req-remove-{index}");
            let label_for = box_id.clone();
            view! {
                <li>
                    <label for=label_for class="inline-flex items-center gap-1">
                        <input id=box_id type="checkbox" name="remove[]" value=item.key />
                        {t!("user_requests.take_back", item = item.label).to_string()}
                    </label>
                </li>
            }
        });
        view! { <ul class="text-sm">{rows.collect_view()}</ul> }.into_any()
    };

    view! {
        <details class="mt-3 rounded border border-slate-200 p-3">
            <summary class="cursor-pointer font-medium">
                {t!("user_requests.change_access").to_string()}
            </summary>
            <FiledNotice tenant=tenant.clone() action=file />
            <ActionForm action=file>
                <Target tenant=tenant.clone() id=id.clone() />
                <fieldset class="mt-2 rounded border border-slate-200 p-3">
                    <legend class="px-1 text-sm font-medium">
                        {t!("user_requests.to_add").to_string()}
                    </legend>
                    <AccessPicker tenant name="add[]" id_prefix="req-add-" user=id />
                </fieldset>
                <fieldset class="mt-2 rounded border border-slate-200 p-3">
                    <legend class="px-1 text-sm font-medium">
                        {t!("user_requests.to_remove").to_string()}
                    </legend>
                    {removable}
                </fieldset>
                <Reason form="access" />
                <button type="submit" class=format!("{BUTTON} mt-2")>
                    {t!("user_requests.file_change").to_string()}
                </button>
            </ActionForm>
        </details>
    }
}

/// The hidden fields that say for which user of which tenant a request is filed.
#[component]
fn Target(tenant: String, id: String) -> impl IntoView {
    view! {
        <input type="hidden" name="tenant" value=tenant />
        <input type="hidden" name="user_id" value=id />
    }
}

/// Why the request is filed: required, and read by its approver.
#[component]
fn Reason(form: &'static str) -> impl IntoView {
    let id = format!("req-{form}-reason");

    view! {
        <label for=id.clone() class="mt-2 block text-sm font-medium">
            {t!("user_requests.reason").to_string()}
        </label>
        <textarea
            id=id
            name="reason"
            required
            rows="2"
            class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
        ></textarea>
    }
}

/// What became of the last request filed with `action`: what happens next, in words, with a
/// link to it, or why it was refused.
#[component]
fn FiledNotice<S>(tenant: String, action: ServerAction<S>) -> impl IntoView
where
    S: ServerFn<Output = Filed, Error = AppError> + Clone + Send + Sync + 'static,
{
    let result = move || {
        action.value().get().map(|result| match result {
            Ok(filed) => view! {
                <div
                    role="status"
                    class="rounded border border-emerald-300 bg-emerald-50 p-3 text-emerald-900"
                >
                    <p>{filed_words(&filed)}</p>
                    <a href=format!("/t/{tenant}/requests/{}", filed.id) class="underline">
                        {t!("user_requests.open").to_string()}
                    </a>
                </div>
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

    view! {
        <div aria-live="polite" class="mt-2">
            {result}
        </div>
    }
}
