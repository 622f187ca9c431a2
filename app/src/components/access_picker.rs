//! Choosing groups and roles for a form: groups found on the server as the person types, roles
//! through the shared role picker. What is chosen is listed with a button that takes it out
//! again, and goes with the form as hidden fields holding the keys the server functions read:
//! `group/<id>`, `realm/<role>` or `client/<client uuid>/<role>`.

use leptos::prelude::*;
use rust_i18n::t;

use crate::api::membership::SearchGroups;
use crate::api::users::{GroupRow, RoleRow};
use crate::components::error_panel::ErrorPanel;
use crate::components::role_picker::RolePicker;
use crate::workflow::AccessItem;

/// A group or role chosen: the key a form sends and the words a person reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChosenAccess {
    /// `group/<id>`, `realm/<role>` or `client/<client uuid>/<role>`.
    pub key: String,
    /// How a person reads it, such as `the group /Sales`.
    pub label: String,
    /// Whether it is privileged, when that is known.
    pub privileged: bool,
}

impl ChosenAccess {
    /// A group or role a template or request already names.
    pub fn of_item(item: &AccessItem) -> ChosenAccess {
        ChosenAccess { key: item.key(), label: item.describe(), privileged: item.is_privileged() }
    }

    /// A group found by a search or held by a user; whether it is privileged is not known.
    pub fn of_group(group: &GroupRow) -> ChosenAccess {
        let (id, path) = (group.id.clone(), group.path.clone());
        ChosenAccess::of_item(&AccessItem::Group { id, path, privileged: false })
    }

    /// A role found by the role picker or held by a user.
    pub fn of_role(role: &RoleRow) -> ChosenAccess {
        let (name, privileged) = (role.name.clone(), role.privileged);
        let item = match &role.client_uuid {
            Some(client_uuid) => AccessItem::ClientRole {
                client_uuid: client_uuid.clone(),
                client_id: role.client_id.clone().unwrap_or_else(|| client_uuid.clone()),
                name,
                privileged,
            },
            None => AccessItem::RealmRole { name, privileged },
        };
        ChosenAccess::of_item(&item)
    }
}

/// The chosen groups and roles, sent as hidden fields named `name` (such as `add[]`), with
/// the pickers that add to them. `id_prefix` keeps the ids of its fields apart from the
/// page's others; `user` is the user whose roles the role picker marks as held, if any.
#[component]
pub fn AccessPicker(
    tenant: String,
    name: &'static str,
    id_prefix: &'static str,
    #[prop(optional)] initial: Vec<ChosenAccess>,
    #[prop(optional)] user: String,
) -> impl IntoView {
    let chosen = RwSignal::new(initial);
    let add = Callback::new(move |item: ChosenAccess| {
        chosen.update(|all| {
            if !all.iter().any(|c| c.key == item.key) {
                all.push(item);
            }
        })
    });
    let add_role = Callback::new(move |role: RoleRow| add.run(ChosenAccess::of_role(&role)));
    let list = move || {
        let all = chosen.get();
        if all.is_empty() {
            let none = t!("request_settings.access_none").to_string();
            return view! { <p class="text-sm text-slate-600">{none}</p> }.into_any();
        }
        let rows = all.into_iter().map(|item| {
            let privileged = item.privileged.then(|| {
                let words = t!("user.privileged").to_string();
                view! { <span class="rounded bg-amber-100 px-1 text-xs">{words}</span> }
            });
            let aria = t!("request_settings.access_remove", item = item.label.clone()).to_string();
            let key = item.key.clone();
            view! {
                <li class="flex items-center gap-2 py-1">
                    <input type="hidden" name=name value=item.key.clone() />
                    <span>{item.label.clone()}</span>
                    {privileged}
                    <button
                        type="button"
                        class="text-sm underline"
                        aria-label=aria
                        on:click=move |_| chosen.update(|all| all.retain(|c| c.key != key))
                    >
                        {t!("user.remove").to_string()}
                    </button>
                </li>
            }
        });
        view! { <ul class="divide-y divide-slate-100">{rows.collect_view()}</ul> }.into_any()
    };
    // Enter in a search field would send the whole form: the pickers search as one types.
    let keep_enter = |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter"
            && event_target::<leptos::web_sys::Element>(&ev).tag_name() == "INPUT"
        {
            ev.prevent_default();
        }
    };

    view! {
        <div on:keydown=keep_enter>
            {list} <GroupSearch tenant=tenant.clone() id_prefix on_pick=add />
            <RolePicker
                tenant
                user
                id_prefix
                on_pick=add_role
                pick_label=t!("user.add").to_string()
            />
        </div>
    }
}

/// Finds groups on the server as the person types and hands the one picked to `on_pick`.
#[component]
fn GroupSearch(
    tenant: String,
    id_prefix: &'static str,
    on_pick: Callback<ChosenAccess>,
) -> impl IntoView {
    let search = ServerAction::<SearchGroups>::new();
    let found = move || {
        search.value().get().map(|result| match result {
            Err(error) => view! { <ErrorPanel error /> }.into_any(),
            Ok(found) if found.groups.is_empty() => {
                view! { <p class="text-sm">{t!("user.no_group").to_string()}</p> }.into_any()
            }
            Ok(found) => {
                let rows = found.groups.into_iter().map(|group| {
                    let aria = t!("request_settings.access_add", item = group.path.clone());
                    let item = ChosenAccess::of_group(&group);
                    view! {
                        <li class="flex items-center justify-between gap-2 py-1">
                            <span>{group.path.clone()}</span>
                            <button
                                type="button"
                                class="text-sm underline"
                                aria-label=aria.to_string()
                                on:click=move |_| on_pick.run(item.clone())
                            >
                                {t!("user.add").to_string()}
                            </button>
                        </li>
                    }
                });
                view! {
                    <p class="text-sm text-slate-600">
                        {t!("user.groups_found", count = found.total).to_string()}
                    </p>
                    <ul class="divide-y divide-slate-100">{rows.collect_view()}</ul>
                }
                .into_any()
            }
        })
    };
    let id = format!("{id_prefix}group-search");

    view! {
        <div class="mt-3 rounded border border-slate-200 p-3">
            <label for=id.clone() class="block text-sm font-medium">
                {t!("request_settings.access_find_group").to_string()}
            </label>
            <input
                id=id
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
            {found}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::ChosenAccess;
    use crate::api::users::RoleRow;
    use crate::workflow::AccessItem;

    fn role(name: &str, client: Option<(&str, &str)>) -> RoleRow {
        RoleRow {
            name: name.to_owned(),
            client_id: client.map(|(_, id)| id.to_owned()),
            client_uuid: client.map(|(uuid, _)| uuid.to_owned()),
            description: None,
            privileged: false,
            direct: true,
        }
    }

    #[test]
    fn each_kind_of_item_is_sent_under_the_key_the_server_reads() {
        let group = AccessItem::Group { id: "g1".into(), path: "/Sales".into(), privileged: false };
        let realm = AccessItem::RealmRole { name: "auditor".into(), privileged: true };

        assert_eq!(ChosenAccess::of_item(&group).key, "group/g1");
        assert_eq!(ChosenAccess::of_item(&realm).key, "realm/auditor");
        assert!(ChosenAccess::of_item(&realm).privileged);
    }

    #[test]
    fn a_role_is_a_realm_role_without_a_client_and_a_client_role_with_one() {
        assert_eq!(ChosenAccess::of_role(&role("auditor", None)).key, "realm/auditor");

        let editor = ChosenAccess::of_role(&role("editor", Some(("c-1", "crm"))));

        assert_eq!(editor.key, "client/c-1/editor");
        assert_eq!(editor.label, "the role editor of crm");
    }
}
