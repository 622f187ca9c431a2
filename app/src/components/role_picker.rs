//! The role picker: choose the realm or find a client, then find a role of it, all searched and
//! paged on the server (a realm can hold a hundred clients with roles). For a user, each role
//! says whether the user already holds it, directly or through a group or composite.

use leptos::prelude::*;
use rust_i18n::t;

use crate::api::membership::{SearchClients, SearchRoles};
use crate::api::users::RoleRow;
use crate::components::error_panel::ErrorPanel;

/// A button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";

/// Finds a role of the realm or of a client and hands the one picked to `on_pick`. `user`
/// names the user whose holdings are shown beside each role (empty for a user not yet
/// created); `pick_label` is the text of each role's button; `id_prefix` keeps the ids of its
/// fields apart when a page shows more than one picker.
#[component]
pub fn RolePicker(
    tenant: String,
    #[prop(optional)] user: String,
    #[prop(optional)] id_prefix: &'static str,
    on_pick: Callback<RoleRow>,
    pick_label: String,
) -> impl IntoView {
    let clients = ServerAction::<SearchClients>::new();
    let roles = ServerAction::<SearchRoles>::new();
    let client = RwSignal::new(None::<(String, String)>);
    let text = RwSignal::new(String::new());
    let find_roles = {
        let (tenant, user) = (tenant.clone(), user.clone());
        move || {
            let (client_uuid, client_id) = client.get_untracked().unwrap_or_default();
            roles.dispatch(SearchRoles {
                tenant: tenant.clone(),
                client_uuid,
                client_id,
                search: text.get_untracked(),
                page: 0,
                user_id: user.clone(),
            });
        }
    };
    let find_clients = move |search: String| {
        clients.dispatch(SearchClients { tenant: tenant.clone(), search });
    };
    let pick_client = find_roles.clone();
    let client_list = move || {
        clients.value().get().map(|result| match result {
            Err(error) => view! { <ErrorPanel error /> }.into_any(),
            Ok(found) => {
                let rows = found.into_iter().map(|c| {
                    let pick = pick_client.clone();
                    let chosen = (c.uuid.clone(), c.client_id.clone());
                    let choose = move |_| {
                        client.set(Some(chosen.clone()));
                        pick();
                    };
                    view! {
                        <li>
                            <button type="button" class="text-sm underline" on:click=choose>
                                {c.client_id.clone()}
                            </button>
                        </li>
                    }
                });
                view! { <ul class="flex flex-wrap gap-3">{rows.collect_view()}</ul> }.into_any()
            }
        })
    };
    let role_list = move || {
        roles.value().get().map(|result| match result {
            Err(error) => view! { <ErrorPanel error /> }.into_any(),
            Ok(found) if found.roles.is_empty() => {
                view! { <p class="text-sm">{t!("user.no_role").to_string()}</p> }.into_any()
            }
            Ok(found) => {
                let label = pick_label.clone();
                let rows = found.roles.into_iter().map(move |role| {
                    let held = found
                        .held_direct
                        .contains(&role.name)
                        .then(|| t!("user.held_direct"))
                        .or_else(|| {
                            found
                                .held_inherited
                                .contains(&role.name)
                                .then(|| t!("user.held_inherited"))
                        });
                    let privileged = role.privileged.then(|| {
                        view! {
                            <span class="ml-1 rounded bg-amber-100 px-1 text-xs">
                                {t!("user.privileged").to_string()}
                            </span>
                        }
                    });
                    let held_badge = held.clone().map(|h| {
                        view! { <span class="ml-1 text-xs text-slate-500">{h.to_string()}</span> }
                    });
                    let aria = t!("user.grant_role", role = role.name.clone()).to_string();
                    let name = role.name.clone();
                    let pick = (!found.held_direct.contains(&role.name)).then(|| {
                        let role = role.clone();
                        view! {
                            <button
                                type="button"
                                class="text-sm underline"
                                aria-label=aria
                                on:click=move |_| on_pick.run(role.clone())
                            >
                                {label.clone()}
                            </button>
                        }
                    });
                    view! {
                        <li class="flex items-center justify-between gap-2 py-1">
                            <span>{name}{privileged}{held_badge}</span>
                            {pick}
                        </li>
                    }
                });
                view! { <ul class="divide-y divide-slate-100">{rows.collect_view()}</ul> }
                    .into_any()
            }
        })
    };
    let current = move || match client.get() {
        Some((_, client_id)) => t!("user.roles_of", client = client_id).to_string(),
        None => t!("user.realm_roles").to_string(),
    };
    let realm_roles = find_roles.clone();
    let choose_realm = move |_| {
        client.set(None);
        realm_roles();
    };

    view! {
        <div class="mt-3 rounded border border-slate-200 p-3">
            <p class="text-sm font-medium">{t!("user.grant_a_role").to_string()}</p>
            <div class="mt-1 flex flex-wrap items-center gap-2">
                <button type="button" class=BUTTON on:click=choose_realm>
                    {t!("user.realm_roles").to_string()}
                </button>
                <label for=format!("{id_prefix}client-picker") class="sr-only">
                    {t!("user.find_client").to_string()}
                </label>
                <input
                    id=format!("{id_prefix}client-picker")
                    type="search"
                    class="rounded border border-slate-300 px-2 py-1"
                    placeholder=t!("user.find_client").to_string()
                    on:input=move |ev| find_clients(event_target_value(&ev))
                />
            </div>
            {client_list}
            <p class="mt-2 text-sm">{current}</p>
            <label for=format!("{id_prefix}role-picker") class="sr-only">
                {t!("user.find_role").to_string()}
            </label>
            <input
                id=format!("{id_prefix}role-picker")
                type="search"
                class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                placeholder=t!("user.find_role").to_string()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    find_roles();
                }
            />
            {role_list}
        </div>
    }
}
