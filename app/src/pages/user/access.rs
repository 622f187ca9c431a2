//! The user's groups and roles, with pickers that search and page on the server.

use leptos::prelude::*;
use leptos_router::components::Form;
use rust_i18n::t;

use super::UserPageState;
use super::actions::target;
use crate::api::membership::{ChangeGroup, ChangeRole, SearchGroups};
use crate::api::users::{PAGE_SIZE, RoleRow, UserAccessResponse};
use crate::components::error_panel::ErrorPanel;
use crate::policy::{Action, TenantRights};

#[component]
pub(crate) fn AccessPanel(
    held: TenantRights,
    id: String,
    access: UserAccessResponse,
    group_search: String,
    group_page: u32,
) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let change = ServerAction::<ChangeGroup>::new();
    state.watch(change, |_| t!("user.saved").to_string());
    let can_change = held.can(Action::ManageMembership);
    let (tenant, user) = (held.tenant.clone(), id.clone());
    let groups = access.groups.clone().into_iter().map(|g| {
        let remove = can_change.then(|| {
            let hidden = target(&tenant, &user);
            let label = t!("user.leave_group", group = g.path.clone()).to_string();
            let group_id = g.id.clone();
            view! {
                <ActionForm action=change>
                    {hidden} <input type="hidden" name="group_id" value=group_id />
                    <input type="hidden" name="member" value="false" />
                    <button type="submit" class="text-sm underline" aria-label=label>
                        {t!("user.remove").to_string()}
                    </button>
                </ActionForm>
            }
        });
        view! {
            <li class="flex items-center justify-between gap-2 py-1">
                <span>{g.path.clone()}</span>
                {remove}
            </li>
        }
    });
    let shown_to = u64::from(group_page) * u64::from(PAGE_SIZE) + access.groups.len() as u64;
    let page_link = |page: u32| {
        format!(
            "?groups={}&gpage={page}",
            crate::components::error_panel::encode_component(&group_search)
        )
    };
    let previous = (group_page > 0).then(|| {
        view! {
            <a href=page_link(group_page - 1) class="underline">
                {t!("users.previous").to_string()}
            </a>
        }
    });
    let next = (shown_to < access.groups_total).then(|| {
        view! {
            <a href=page_link(group_page + 1) class="underline">
                {t!("users.next").to_string()}
            </a>
        }
    });
    let group_picker =
        can_change.then(|| view! { <GroupPicker tenant=held.tenant.clone() id=id.clone() /> });
    let role_picker =
        can_change.then(|| view! { <RolePicker tenant=held.tenant.clone() id=id.clone() /> });

    view! {
        <section
            aria-labelledby="access-title"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="access-title" class="text-lg font-semibold">
                {t!("user.access").to_string()}
            </h2>
            <div class="mt-2 grid gap-6 md:grid-cols-2">
                <div>
                    <h3 class="font-medium">
                        {t!("user.groups", count = access.groups_total).to_string()}
                    </h3>
                    <Form method="GET" action="">
                        <label for="group-filter" class="sr-only">
                            {t!("user.filter_groups").to_string()}
                        </label>
                        <input
                            id="group-filter"
                            name="groups"
                            type="search"
                            value=group_search.clone()
                            placeholder=t!("user.filter_groups").to_string()
                            class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                        />
                    </Form>
                    <ul class="mt-2 divide-y divide-slate-100">{groups.collect_view()}</ul>
                    <p class="mt-1 flex gap-3 text-sm">{previous}{next}</p>
                    {group_picker}
                </div>
                <div>
                    <h3 class="font-medium">{t!("user.roles").to_string()}</h3>
                    <RoleList held=held.clone() id=id.clone() roles=access.realm_roles.clone() />
                    <RoleList held=held.clone() id=id.clone() roles=access.client_roles.clone() />
                    {role_picker}
                </div>
            </div>
        </section>
    }
}

#[component]
fn RoleList(held: TenantRights, id: String, roles: Vec<RoleRow>) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let change = ServerAction::<ChangeRole>::new();
    state.watch(change, |_| t!("user.saved").to_string());
    let may = |role: &RoleRow| {
        held.can(Action::ManageMembership)
            && (!role.privileged || held.can(Action::GrantPrivilegedRole))
    };
    let rows = roles.into_iter().map(|role| {
        let name = match &role.client_id {
            Some(client) => format!("{client}: {}", role.name),
            None => role.name.clone(),
        };
        let how = if role.direct { t!("user.direct") } else { t!("user.inherited") };
        let privileged = role.privileged.then(|| {
            view! {
                <span class="ml-1 rounded bg-amber-100 px-1 text-xs">
                    {t!("user.privileged").to_string()}
                </span>
            }
        });
        let remove = (role.direct && may(&role)).then(|| {
            let hidden = target(&held.tenant, &id);
            let label = t!("user.revoke_role", role = name.clone()).to_string();
            let (client_uuid, role_name) =
                (role.client_uuid.clone().unwrap_or_default(), role.name.clone());
            view! {
                <ActionForm action=change>
                    {hidden} <input type="hidden" name="client_uuid" value=client_uuid />
                    <input type="hidden" name="role" value=role_name />
                    <input type="hidden" name="granted" value="false" />
                    <button type="submit" class="text-sm underline" aria-label=label>
                        {t!("user.remove").to_string()}
                    </button>
                </ActionForm>
            }
        });
        view! {
            <li class="flex items-center justify-between gap-2 py-1">
                <span>
                    {name.clone()}
                    <span class="ml-1 text-xs text-slate-500">{how.to_string()}</span>{privileged}
                </span>
                {remove}
            </li>
        }
    });
    view! { <ul class="mt-1 divide-y divide-slate-100">{rows.collect_view()}</ul> }
}

/// Finds groups on the server as the operator types, and adds the user to one.
#[component]
fn GroupPicker(tenant: String, id: String) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let search = ServerAction::<SearchGroups>::new();
    let change = ServerAction::<ChangeGroup>::new();
    state.watch(change, |_| t!("user.saved").to_string());
    let page = RwSignal::new(0u32);
    let text = RwSignal::new(String::new());
    let run = {
        let tenant = tenant.clone();
        move || {
            search.dispatch(SearchGroups {
                tenant: tenant.clone(),
                search: text.get_untracked(),
                page: page.get_untracked(),
            });
        }
    };
    let run_input = run.clone();
    let found = move || {
        search.value().get().map(|result| match result {
            Err(error) => view! { <ErrorPanel error /> }.into_any(),
            Ok(found) if found.groups.is_empty() => {
                view! { <p class="text-sm">{t!("user.no_group").to_string()}</p> }.into_any()
            }
            Ok(found) => {
                let rows = found.groups.into_iter().map(|g| {
                    let hidden = target(&tenant, &id);
                    let label = t!("user.join_group", group = g.path.clone()).to_string();
                    view! {
                        <li class="flex items-center justify-between gap-2 py-1">
                            <span>{g.path.clone()}</span>
                            <ActionForm action=change>
                                {hidden} <input type="hidden" name="group_id" value=g.id />
                                <input type="hidden" name="member" value="true" />
                                <button type="submit" class="text-sm underline" aria-label=label>
                                    {t!("user.add").to_string()}
                                </button>
                            </ActionForm>
                        </li>
                    }
                });
                let more = (u64::from(found.page + 1)
                    * u64::from(crate::api::membership::PICKER_SIZE)
                    < found.total)
                    .then(|| {
                        let run = run.clone();
                        view! {
                            <button
                                type="button"
                                class="text-sm underline"
                                on:click=move |_| {
                                    page.update(|p| *p += 1);
                                    run();
                                }
                            >
                                {t!("users.next").to_string()}
                            </button>
                        }
                    });
                view! {
                    <div>
                        <p class="text-sm text-slate-600">
                            {t!("user.groups_found", count = found.total).to_string()}
                        </p>
                        <ul class="divide-y divide-slate-100">{rows.collect_view()}</ul>
                        {more}
                    </div>
                }
                .into_any()
            }
        })
    };

    view! {
        <div class="mt-3 rounded border border-slate-200 p-3">
            <label for="group-picker" class="block text-sm font-medium">
                {t!("user.add_group").to_string()}
            </label>
            <input
                id="group-picker"
                type="search"
                class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                placeholder=t!("user.type_group").to_string()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    page.set(0);
                    run_input();
                }
            />
            {found}
        </div>
    }
}

/// The shared role picker, granting the role picked to the user at once.
#[component]
fn RolePicker(tenant: String, id: String) -> impl IntoView {
    let state = expect_context::<UserPageState>();
    let change = ServerAction::<ChangeRole>::new();
    state.watch(change, |_| t!("user.saved").to_string());
    let grant = {
        let (tenant, id) = (tenant.clone(), id.clone());
        Callback::new(move |role: RoleRow| {
            change.dispatch(ChangeRole {
                tenant: tenant.clone(),
                id: id.clone(),
                client_uuid: role.client_uuid.unwrap_or_default(),
                role: role.name,
                granted: true,
            });
        })
    };

    view! {
        <crate::components::role_picker::RolePicker
            tenant
            user=id
            on_pick=grant
            pick_label=t!("user.grant").to_string()
        />
    }
}
