//! Creating a user: the realm's user profile as a form, initial groups, and the first
//! credential (a temporary password, generated or typed, or an email with required actions).

use leptos::prelude::*;
use rust_i18n::t;

use super::ForbiddenPanel;
use super::user::profile_field_input;
use crate::AppError;
use crate::api::lifecycle::{CreateUser, CreateUserResponse};
use crate::api::membership::SearchGroups;
use crate::api::user_changes::REQUIRED_ACTIONS;
use crate::api::users::{ProfileField, RoleRow, get_user_profile};
use crate::components::current_tenant;
use crate::components::error_panel::{ErrorPanel, or_error_panel};
use crate::components::role_picker::RolePicker;
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum NewUserView {
    Forbidden,
    Held { held: TenantRights, profile: Result<Vec<ProfileField>, AppError> },
}

/// The form that creates a user in the tenant of the URL.
#[component]
pub fn NewUserPage() -> impl IntoView {
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
                        NewUserView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        NewUserView::Held { held, profile } => {
                            or_error_panel(
                                profile,
                                |profile| {
                                    view! { <NewUserForm held profile /> }
                                },
                            )
                        }
                    },
                )
            })}
        </Transition>
    }
}

async fn load(rights: RightsResource, tenant: Option<String>) -> Result<NewUserView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::CreateUser))
    else {
        return Ok(NewUserView::Forbidden);
    };
    let profile = get_user_profile(held.tenant.clone()).await;
    Ok(NewUserView::Held { held, profile })
}

#[component]
fn NewUserForm(held: TenantRights, profile: Vec<ProfileField>) -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let fields = profile
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if f.name == "username" {
                f.required = false;
            }
            f
        })
        .map(|f| profile_field_input(&f, f.editable, "user[fields]"))
        .collect_view();
    let actions = REQUIRED_ACTIONS.iter().map(|alias| {
        let id = format!("new-action-{alias}");
        let label_for = id.clone();
        view! {
            <label for=label_for class="mr-3 inline-flex items-center gap-1">
                <input
                    id=id
                    type="checkbox"
                    name=format!("user[actions][{alias}]")
                    value="on"
                    checked=*alias == "UPDATE_PASSWORD"
                />
                {t!(format!("required_action.{alias}")).to_string()}
            </label>
        }
    });
    let groups = held
        .can(Action::ManageMembership)
        .then(|| view! { <InitialGroups tenant=held.tenant.clone() /> });
    let roles = held
        .can(Action::ManageMembership)
        .then(|| view! { <InitialRoles tenant=held.tenant.clone() /> });
    let tenant = held.tenant.clone();
    let result = move || {
        create.value().get().map(|r| match r {
            Ok(done) => view! { <Created tenant=tenant.clone() done /> }.into_any(),
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
    let radio = |value: &'static str, label: String, checked: bool| {
        let id = format!("credential-{value}");
        let label_for = id.clone();
        view! {
            <label for=label_for class="mr-4 inline-flex items-center gap-1">
                <input id=id type="radio" name="user[credential]" value=value checked=checked />
                {label}
            </label>
        }
    };

    view! {
        <div>
            <a href=format!("/t/{}/users", held.tenant) class="text-sm underline">
                {t!("user.back").to_string()}
            </a>
            <h1 class="mt-1 text-2xl font-semibold">{t!("new_user.title").to_string()}</h1>
            <div aria-live="polite" class="mt-3">
                {result}
            </div>
            <ActionForm action=create>
                <input type="hidden" name="tenant" value=held.tenant.clone() />
                <section class="mt-3 rounded border border-slate-200 bg-white p-4">
                    <p class="text-sm text-slate-600">{t!("new_user.username_help").to_string()}</p>
                    <div class="mt-2 grid gap-3 sm:grid-cols-2">{fields}</div>
                    <label for="new-enabled" class="mt-3 flex items-center gap-1">
                        <input
                            id="new-enabled"
                            type="checkbox"
                            name="user[enabled]"
                            value="true"
                            checked
                        />
                        {t!("new_user.enabled").to_string()}
                    </label>
                    <label for="new-verified" class="mt-1 flex items-center gap-1">
                        <input
                            id="new-verified"
                            type="checkbox"
                            name="user[email_verified]"
                            value="true"
                        />
                        {t!("new_user.email_verified").to_string()}
                    </label>
                </section>
                {groups}
                {roles}
                // What follows the choice shows only for it, by CSS, so it works before the WASM
                // loads too; the server reads only the fields of the choice made.
                <fieldset class="group mt-3 rounded border border-slate-200 bg-white p-4">
                    <legend class="px-1 font-medium">
                        {t!("new_user.credential").to_string()}
                    </legend>
                    {radio("temporary", t!("new_user.temporary").to_string(), true)}
                    {radio("email", t!("new_user.by_email").to_string(), false)}
                    {radio("none", t!("new_user.no_credential").to_string(), false)}
                    <div class="hidden group-has-[#credential-temporary:checked]:block">
                        <label for="new-password" class="mt-2 block text-sm">
                            {t!("new_user.password").to_string()}
                        </label>
                        <input
                            id="new-password"
                            name="user[password]"
                            type="password"
                            autocomplete="new-password"
                            class="mt-1 w-full rounded border border-slate-300 px-2 py-1 sm:w-80"
                        />
                    </div>
                    <div class="hidden group-has-[#credential-email:checked]:block">
                        <p class="mt-2 text-sm">{t!("new_user.email_actions").to_string()}</p>
                        <div class="text-sm">{actions.collect_view()}</div>
                        <label for="new-lifespan" class="mt-2 block text-sm">
                            {t!("user.lifespan").to_string()}
                        </label>
                        <input
                            id="new-lifespan"
                            name="user[lifespan_hours]"
                            type="number"
                            min="1"
                            max="720"
                            value="12"
                            class="mt-1 w-24 rounded border border-slate-300 px-2 py-1"
                        />
                    </div>
                </fieldset>
                <button
                    type="submit"
                    class="mt-3 rounded bg-sky-700 px-3 py-1.5 font-medium text-white"
                >
                    {t!("new_user.create").to_string()}
                </button>
            </ActionForm>
        </div>
    }
}

/// The groups the new user joins: found on the server, kept as hidden fields once picked.
#[component]
fn InitialGroups(tenant: String) -> impl IntoView {
    let search = ServerAction::<SearchGroups>::new();
    let picked = RwSignal::new(Vec::<(String, String)>::new());
    let chosen =
        move || {
            picked.get().into_iter().enumerate().map(|(index, (id, path))| {
        let remove_id = id.clone();
        view! {
            <li class="flex items-center gap-2">
                <input type="hidden" name=format!("user[groups][{index}]") value=id />
                <span>{path.clone()}</span>
                <button
                    type="button"
                    class="text-sm underline"
                    aria-label=t!("user.leave_group", group = path).to_string()
                    on:click=move |_| picked.update(|p| p.retain(|(i, _)| *i != remove_id))
                >
                    {t!("user.remove").to_string()}
                </button>
            </li>
        }
    }).collect_view()
        };
    let found =
        move || {
            search.value().get().map(|r| {
                match r {
        Err(error) => view! { <ErrorPanel error /> }.into_any(),
        Ok(found) => found.groups.into_iter().map(|g| {
            let entry = (g.id.clone(), g.path.clone());
            view! {
                <li>
                    <button
                        type="button"
                        class="text-sm underline"
                        aria-label=t!("user.join_group", group = g.path.clone()).to_string()
                        on:click=move |_| {
                            picked
                                .update(|p| {
                                    if !p.contains(&entry) {
                                        p.push(entry.clone())
                                    }
                                })
                        }
                    >
                        {g.path.clone()}
                    </button>
                </li>
            }
        }).collect_view().into_any(),
    }
            })
        };

    view! {
        <section class="mt-3 rounded border border-slate-200 bg-white p-4">
            <h2 class="font-medium">{t!("new_user.groups").to_string()}</h2>
            <ul class="mt-1">{chosen}</ul>
            <label for="new-group-picker" class="mt-2 block text-sm">
                {t!("user.add_group").to_string()}
            </label>
            <input
                id="new-group-picker"
                type="search"
                class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                placeholder=t!("user.type_group").to_string()
                on:input=move |ev| {
                    search
                        .dispatch(SearchGroups {
                            tenant: tenant.clone(),
                            search: event_target_value(&ev),
                            page: 0,
                        });
                }
            />
            <ul class="mt-1 space-y-1">{found}</ul>
        </section>
    }
}

/// The roles the new user is granted: found with the role picker, kept as hidden fields.
#[component]
fn InitialRoles(tenant: String) -> impl IntoView {
    let picked = RwSignal::new(Vec::<RoleRow>::new());
    let pick = Callback::new(move |role: RoleRow| {
        picked.update(|p| {
            if !p.contains(&role) {
                p.push(role)
            }
        })
    });
    let chosen = move || {
        picked
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, role)| {
                let key = format!(
                    "{}/{}",
                    role.client_uuid.clone().unwrap_or_else(|| "realm".to_owned()),
                    role.name
                );
                let label = match &role.client_id {
                    Some(client) => format!("{client}: {}", role.name),
                    None => role.name.clone(),
                };
                let aria = t!("user.revoke_role", role = label.clone()).to_string();
                view! {
                    <li class="flex items-center gap-2">
                        <input type="hidden" name=format!("user[roles][{index}]") value=key />
                        <span>{label}</span>
                        <button
                            type="button"
                            class="text-sm underline"
                            aria-label=aria
                            on:click=move |_| picked.update(|p| p.retain(|r| *r != role))
                        >
                            {t!("user.remove").to_string()}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <section class="mt-3 rounded border border-slate-200 bg-white p-4">
            <h2 class="font-medium">{t!("new_user.roles").to_string()}</h2>
            <ul class="mt-1">{chosen}</ul>
            <RolePicker tenant on_pick=pick pick_label=t!("user.add").to_string() />
        </section>
    }
}

#[component]
fn Created(tenant: String, done: CreateUserResponse) -> impl IntoView {
    let steps = done.steps.iter().map(|s| view! { <li>{s.describe()}</li> });
    let password = done.generated_password.clone().map(|p| {
        view! {
            <p class="mt-2">
                {t!("new_user.generated").to_string()}
                <code class="rounded bg-white px-1 font-mono">{p}</code>
            </p>
        }
    });

    view! {
        <div
            role="status"
            class="rounded border border-emerald-300 bg-emerald-50 p-3 text-emerald-900"
        >
            <p class="font-medium">
                {t!("new_user.created", username = done.username.clone()).to_string()}
            </p>
            {password}
            <ul class="mt-2 list-disc pl-5 text-sm">{steps.collect_view()}</ul>
            <a href=format!("/t/{tenant}/users/{}", done.id) class="mt-2 inline-block underline">
                {t!("new_user.open").to_string()}
            </a>
        </div>
    }
}
