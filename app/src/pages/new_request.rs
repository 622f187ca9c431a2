//! Filing an onboarding: a template (or none) and what it grants, the new person's profile
//! fields, how they get a first credential, and the reason. The tenant's rules then say whether
//! it waits for an approver or runs at once, and the page says which.

use leptos::prelude::*;
use rust_i18n::t;

use super::ForbiddenPanel;
use super::requests::{action_words, filed_words};
use super::user::profile_field_input;
use crate::AppError;
use crate::api::requests::{FileOnboarding, Filed};
use crate::api::templates::list_templates;
use crate::api::user_changes::MAX_LIFESPAN_HOURS;
use crate::api::users::{ProfileField, get_user_profile};
use crate::components::current_tenant;
use crate::components::error_panel::{ErrorPanel, or_error_panel};
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;
use crate::workflow::Template;

/// What the page shows, loaded in one go.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum NewRequestView {
    Forbidden,
    Held {
        held: TenantRights,
        templates: Result<Vec<Template>, AppError>,
        profile: Result<Vec<ProfileField>, AppError>,
    },
}

/// The onboarding form for the tenant in the URL.
#[component]
pub fn NewRequestPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let page = Resource::new(move || tenant.get(), move |tenant| load(rights, tenant));

    view! {
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || Suspend::new(async move {
                or_error_panel(
                    page.await,
                    |view| match view {
                        NewRequestView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        NewRequestView::Held { held, templates, profile } => {
                            or_error_panel(
                                profile,
                                |profile| view! { <OnboardingForm held templates profile /> },
                            )
                        }
                    },
                )
            })}
        </Transition>
    }
}

async fn load(rights: RightsResource, tenant: Option<String>) -> Result<NewRequestView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::FileRequest))
    else {
        return Ok(NewRequestView::Forbidden);
    };

    let tenant = held.tenant.clone();
    let (templates, profile) =
        futures::join!(list_templates(tenant.clone()), get_user_profile(tenant));
    Ok(NewRequestView::Held { held, templates, profile })
}

#[component]
fn OnboardingForm(
    held: TenantRights,
    templates: Result<Vec<Template>, AppError>,
    profile: Vec<ProfileField>,
) -> impl IntoView {
    let file = ServerAction::<FileOnboarding>::new();
    let failed = Memo::new(move |_| file.value().get().and_then(Result::err));
    let chosen = RwSignal::new(String::new());
    let fields = profile.into_iter().map(|f| profile_field(failed, f)).collect_view();
    let template = match templates {
        Ok(templates) => {
            view! { <TemplateChoice templates chosen id="onboard-template" /> }.into_any()
        }
        Err(error) => view! { <ErrorPanel error /> }.into_any(),
    };
    let tenant = held.tenant.clone();
    let result = move || {
        file.value().get().map(|r| match r {
            Ok(filed) => view! { <FiledNotice tenant=tenant.clone() filed /> }.into_any(),
            Err(error) => view! { <ErrorPanel error /> }.into_any(),
        })
    };

    view! {
        <div>
            <a href=format!("/t/{}/requests", held.tenant) class="text-sm underline">
                {t!("requests.back").to_string()}
            </a>
            <h1 class="mt-1 text-2xl font-semibold">{t!("requests.new_title").to_string()}</h1>
            <div aria-live="polite" class="mt-3">
                {result}
            </div>
            <ActionForm action=file>
                <input type="hidden" name="tenant" value=held.tenant.clone() />
                <section class="mt-3 rounded border border-slate-200 bg-white p-4">
                    {template} {field_error(failed, "template".to_owned())}
                </section>
                <section class="mt-3 rounded border border-slate-200 bg-white p-4">
                    <h2 class="font-medium">{t!("requests.person").to_string()}</h2>
                    <p class="text-sm text-slate-600">{t!("requests.username_help").to_string()}</p>
                    <div class="mt-2 grid gap-3 sm:grid-cols-2">{fields}</div>
                </section>
                <FirstSignIn id="onboard" />
                {field_error(failed, "lifespan_hours".to_owned())}
                <ReasonField id="onboard-reason" />
                {field_error(failed, "reason".to_owned())}
                <button
                    type="submit"
                    class="mt-3 rounded bg-sky-700 px-3 py-1.5 font-medium text-white"
                >
                    {t!("requests.file").to_string()}
                </button>
            </ActionForm>
        </div>
    }
}

/// One field of the person, with its error beside it.
fn profile_field(failed: Memo<Option<AppError>>, mut field: ProfileField) -> impl IntoView {
    // An empty username is made from the first and last names, as for a new user.
    if field.name == "username" {
        field.required = false;
    }
    let input = profile_field_input(&field, field.editable, "fields");

    view! { <div>{input} {field_error(failed, field.name)}</div> }
}

/// The message of `failed` when it concerns `field`, to show beside that field.
pub(super) fn field_error(failed: Memo<Option<AppError>>, field: String) -> impl IntoView {
    move || {
        failed.get().filter(|e| e.field.as_deref() == Some(field.as_str())).map(|error| {
            view! { <p class="mt-1 text-sm font-medium text-rose-800">{error.message}</p> }
        })
    }
}

/// The template select (named `template`, empty for none) and what the chosen one grants.
#[component]
pub(super) fn TemplateChoice(
    templates: Vec<Template>,
    chosen: RwSignal<String>,
    id: &'static str,
) -> impl IntoView {
    let options = templates
        .iter()
        .map(|template| {
            let value = template.id.clone();
            view! {
                <option value=template.id.clone() selected=move || chosen.get() == value>
                    {template.name.clone()}
                </option>
            }
        })
        .collect_view();
    let grants = move || {
        chosen.with(|id| {
            templates.iter().find(|t| t.id == *id).map(|t| view! { <Grants template=t.clone() /> })
        })
    };

    view! {
        <label for=id class="block font-medium">
            {t!("requests.template").to_string()}
        </label>
        <select
            id=id
            name="template"
            class="mt-1 w-full rounded border border-slate-300 px-2 py-1 sm:w-96"
            on:change=move |ev| chosen.set(event_target_value(&ev))
        >
            <option value="">{t!("requests.no_template").to_string()}</option>
            {options}
        </select>
        <div aria-live="polite">{grants}</div>
    }
}

/// What a template gives each new user: groups and roles, required actions, filled fields.
#[component]
fn Grants(template: Template) -> impl IntoView {
    let access = if template.access.is_empty() {
        view! { <li>{t!("requests.grants_nothing").to_string()}</li> }.into_any()
    } else {
        template
            .access
            .iter()
            .map(|item| {
                let privileged = item.is_privileged().then(|| {
                    view! {
                        <span class="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900">
                            {t!("requests.privileged").to_string()}
                        </span>
                    }
                });
                view! { <li>{item.describe()} {privileged}</li> }
            })
            .collect_view()
            .into_any()
    };
    let actions = (!template.required_actions.is_empty()).then(|| {
        let names: Vec<String> =
            template.required_actions.iter().map(|a| action_words(a)).collect();
        view! { <p>{t!("requests.grants_actions", actions = names.join(", ")).to_string()}</p> }
    });
    let fields = (!template.fields.is_empty()).then(|| {
        let pairs: Vec<String> =
            template.fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        view! { <p>{t!("requests.grants_fields", fields = pairs.join(", ")).to_string()}</p> }
    });
    let description = (!template.description.is_empty())
        .then(|| view! { <p class="text-slate-600">{template.description.clone()}</p> });

    view! {
        <div class="mt-2 rounded bg-slate-50 p-3 text-sm" data-testid="template-grants">
            {description}
            <p class="font-medium">{t!("requests.grants").to_string()}</p>
            <ul class="list-disc pl-5">{access}</ul>
            {actions}
            {fields}
        </div>
    }
}

/// How the new users get a first credential (`credential`: `email` with `lifespan_hours`, or
/// `later`) and whether they may sign in at once (`enabled`). `id` makes the inputs' ids unique.
#[component]
pub(super) fn FirstSignIn(id: &'static str) -> impl IntoView {
    let at = move |input: &str| format!("{id}-{input}");

    // The lifespan shows only for the email, by CSS, so it works before the WASM loads too.
    view! {
        <fieldset class="group mt-3 rounded border border-slate-200 bg-white p-4">
            <legend class="px-1 font-medium">{t!("requests.credential").to_string()}</legend>
            <label for=at("credential-email") class="mr-4 inline-flex items-center gap-1">
                <input
                    id=at("credential-email")
                    type="radio"
                    name="credential"
                    value="email"
                    checked
                />
                {t!("requests.credential_email").to_string()}
            </label>
            <label for=at("credential-later") class="mr-4 inline-flex items-center gap-1">
                <input id=at("credential-later") type="radio" name="credential" value="later" />
                {t!("requests.credential_later").to_string()}
            </label>
            <div class="hidden group-has-[[name=credential][value=email]:checked]:block">
                <label for=at("lifespan") class="mt-2 block text-sm">
                    {t!("requests.lifespan").to_string()}
                </label>
                <input
                    id=at("lifespan")
                    name="lifespan_hours"
                    type="number"
                    min="1"
                    max=MAX_LIFESPAN_HOURS.to_string()
                    value="72"
                    class="mt-1 w-24 rounded border border-slate-300 px-2 py-1"
                />
            </div>
            <label for=at("enabled") class="mt-3 flex items-center gap-1">
                <input id=at("enabled") type="checkbox" name="enabled" value="true" checked />
                {t!("requests.enabled").to_string()}
            </label>
        </fieldset>
    }
}

/// The required reason, named `reason`.
#[component]
pub(super) fn ReasonField(id: &'static str) -> impl IntoView {
    view! {
        <div class="mt-3 rounded border border-slate-200 bg-white p-4">
            <label for=id class="block font-medium">
                {t!("requests.reason").to_string()}
            </label>
            <textarea
                id=id
                name="reason"
                rows="3"
                required
                class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            ></textarea>
        </div>
    }
}

/// A request just filed: what happens next, and its page.
#[component]
pub(super) fn FiledNotice(tenant: String, filed: Filed) -> impl IntoView {
    view! {
        <div
            role="status"
            data-testid="request-filed"
            class="rounded border border-emerald-300 bg-emerald-50 p-3 text-emerald-900"
        >
            <p class="font-medium">{filed_words(&filed)}</p>
            <a
                href=format!("/t/{tenant}/requests/{}", filed.id)
                class="mt-1 inline-block underline"
            >
                {t!("requests.open").to_string()}
            </a>
        </div>
    }
}
