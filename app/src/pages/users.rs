//! The users of a tenant: a search on the server kept in the URL, a page of results with the
//! exact total, and links to each user, to a new user and to the CSV export.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use rust_i18n::t;

use super::ForbiddenPanel;
use crate::AppError;
use crate::api::users::{UserPageResponse, UserRow, UserSearch, search_users};
use crate::components::current_tenant;
use crate::components::error_panel::{ErrorPanel, or_error_panel};
use crate::components::format::{date, date_time};
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;

/// What the users page shows, loaded in one go.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[allow(clippy::large_enum_variant, reason = "one value per page load, never stored")]
enum UsersView {
    Forbidden,
    Held { held: TenantRights, search: UserSearch, found: Result<UserPageResponse, AppError> },
}

/// The search form and the page of users it finds.
#[component]
pub fn UsersPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let query = use_query_map();
    let search = Memo::new(move |_| {
        query.with(|q| {
            let pairs: Vec<(&str, String)> =
                UserSearch::KEYS.iter().filter_map(|k| q.get(k).map(|v| (*k, v))).collect();
            UserSearch::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        })
    });
    let page = Resource::new(
        move || (tenant.get(), search.get()),
        move |(tenant, search)| load(rights, tenant, search),
    );

    view! {
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || Suspend::new(async move {
                or_error_panel(
                    page.await,
                    |view| match view {
                        UsersView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        UsersView::Held { held, search, found } => {
                            view! { <UsersPanel held search found /> }.into_any()
                        }
                    },
                )
            })}
        </Transition>
    }
}

async fn load(
    rights: RightsResource,
    tenant: Option<String>,
    search: UserSearch,
) -> Result<UsersView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::SearchUsers))
    else {
        return Ok(UsersView::Forbidden);
    };
    let found = search_users(held.tenant.clone(), search.clone()).await;
    Ok(UsersView::Held { held, search, found })
}

#[component]
fn UsersPanel(
    held: TenantRights,
    search: UserSearch,
    found: Result<UserPageResponse, AppError>,
) -> impl IntoView {
    let tenant = held.tenant.clone();
    let new_user = held.can(Action::CreateUser).then(|| {
        view! {
            <a
                href=format!("/t/{tenant}/users/new")
                class="rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800"
            >
                {t!("users.new").to_string()}
            </a>
        }
    });
    let export = held.can(Action::ExportUsers).then(|| {
        let href = format!("/export/t/{}/users.csv?{}", held.tenant, search.to_query_string(0));
        view! {
            <a
                href=href
                rel="external"
                download="users.csv"
                class="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
            >
                {t!("users.export").to_string()}
            </a>
        }
    });
    let results = match found {
        Ok(found) => view! { <UserTable tenant=held.tenant.clone() search=search.clone() found /> }
            .into_any(),
        Err(error) => view! { <ErrorPanel error /> }.into_any(),
    };

    view! {
        <div>
            <div class="flex flex-wrap items-center gap-3">
                <h1 class="mr-auto text-2xl font-semibold">{t!("users.title").to_string()}</h1>
                {export}
                {new_user}
            </div>
            <SearchForm search />
            {results}
        </div>
    }
}

/// An input of the search form, labelled: `search` for text, `date` for a day (which browsers
/// send as `YYYY-MM-DD`).
fn filter_input(
    name: &'static str,
    kind: &'static str,
    label: String,
    value: String,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let label_for = id.clone();
    view! {
        <div>
            <label for=label_for class="block text-sm font-medium">
                {label}
            </label>
            <input
                id=id
                name=name
                type=kind
                value=value
                class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
            />
        </div>
    }
}

#[component]
fn SearchForm(search: UserSearch) -> impl IntoView {
    let fielded = [
        &search.username,
        &search.email,
        &search.first_name,
        &search.last_name,
        &search.created_from,
        &search.created_to,
    ]
    .iter()
    .any(|v| !v.is_empty())
        || !search.attribute.is_empty();
    let status = search.status.clone();
    let option = move |value: &'static str, label: String| {
        view! {
            <option value=value selected=status == value>
                {label}
            </option>
        }
    };

    view! {
        <Form method="GET" action="">
            <div role="search" class="mt-4 rounded border border-slate-200 bg-white p-4">
                <div class="flex flex-wrap items-end gap-3">
                    <div class="min-w-48 flex-1">
                        {filter_input(
                            "q",
                            "search",
                            t!("users.search").to_string(),
                            search.q.clone(),
                        )}
                    </div>
                    <div>
                        <label for="filter-status" class="block text-sm font-medium">
                            {t!("users.status").to_string()}
                        </label>
                        <select
                            id="filter-status"
                            name="status"
                            class="mt-1 rounded border border-slate-300 px-2 py-1"
                        >
                            {option("", t!("users.status_any").to_string())}
                            {option("enabled", t!("users.enabled").to_string())}
                            {option("disabled", t!("users.disabled").to_string())}
                        </select>
                    </div>
                    <button
                        type="submit"
                        class="rounded bg-sky-700 px-3 py-1.5 font-medium text-white"
                    >
                        {t!("users.search_button").to_string()}
                    </button>
                </div>
                <p class="mt-1 text-sm text-slate-600">{t!("users.search_help").to_string()}</p>
                <details class="mt-3" open=fielded>
                    <summary class="cursor-pointer text-sm font-medium">
                        {t!("users.by_field").to_string()}
                    </summary>
                    <div class="mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                        {filter_input(
                            "username",
                            "search",
                            t!("users.username").to_string(),
                            search.username.clone(),
                        )}
                        {filter_input(
                            "email",
                            "search",
                            t!("users.email").to_string(),
                            search.email.clone(),
                        )}
                        {filter_input(
                            "first_name",
                            "search",
                            t!("users.first_name").to_string(),
                            search.first_name.clone(),
                        )}
                        {filter_input(
                            "last_name",
                            "search",
                            t!("users.last_name").to_string(),
                            search.last_name.clone(),
                        )}
                        {filter_input(
                            "attribute",
                            "search",
                            t!("users.attribute").to_string(),
                            search.attribute.clone(),
                        )}
                        {filter_input(
                            "created_from",
                            "date",
                            t!("users.created_from").to_string(),
                            search.created_from.clone(),
                        )}
                        {filter_input(
                            "created_to",
                            "date",
                            t!("users.created_to").to_string(),
                            search.created_to.clone(),
                        )}
                    </div>
                </details>
            </div>
        </Form>
    }
}

#[component]
fn UserTable(tenant: String, search: UserSearch, found: UserPageResponse) -> impl IntoView {
    if found.users.is_empty() && found.total > 0 {
        let first = format!("/t/{tenant}/users?{}", search.to_query_string(0));
        return view! {
            <p class="mt-4 text-slate-600">
                {t!("users.past_end", total = found.total).to_string()} " "
                <a href=first class="underline">
                    {t!("users.first_page").to_string()}
                </a>
            </p>
        }
        .into_any();
    }
    if found.users.is_empty() {
        let text = if search.is_filtered() { t!("users.none_match") } else { t!("users.none") };
        return view! { <p class="mt-4 text-slate-600">{text.to_string()}</p> }.into_any();
    }
    let first = u64::from(found.page) * u64::from(found.page_size) + 1;
    let last = first + found.users.len() as u64 - 1;
    let base = format!("/t/{tenant}/users");
    let link = |page: u32| {
        let query = search.to_query_string(page);
        if query.is_empty() { base.clone() } else { format!("{base}?{query}") }
    };
    let previous = (found.page > 0).then(|| {
        view! {
            <a href=link(found.page - 1) class="underline">
                {t!("users.previous").to_string()}
            </a>
        }
    });
    let next = (last < found.total).then(|| {
        view! {
            <a href=link(found.page + 1) class="underline">
                {t!("users.next").to_string()}
            </a>
        }
    });
    let rows =
        found.users.into_iter().map(|user| view! { <UserRowView tenant=tenant.clone() user /> });

    view! {
        <div class="mt-4 overflow-x-auto rounded border border-slate-200 bg-white">
            <table class="w-full text-left text-sm">
                <caption class="sr-only">{t!("users.title").to_string()}</caption>
                <thead class="bg-slate-100">
                    <tr>
                        <th scope="col" class="px-3 py-2">
                            {t!("users.username").to_string()}
                        </th>
                        <th scope="col" class="px-3 py-2">
                            {t!("users.name").to_string()}
                        </th>
                        <th scope="col" class="px-3 py-2">
                            {t!("users.email").to_string()}
                        </th>
                        <th scope="col" class="px-3 py-2">
                            {t!("users.status").to_string()}
                        </th>
                        <th scope="col" class="px-3 py-2">
                            {t!("users.locked").to_string()}
                        </th>
                        <th scope="col" class="px-3 py-2">
                            {t!("users.created").to_string()}
                        </th>
                        <th scope="col" class="px-3 py-2">
                            {t!("users.last_sign_in").to_string()}
                        </th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">{rows.collect_view()}</tbody>
            </table>
        </div>
        <nav aria-label=t!("users.pages").to_string() class="mt-2 flex items-center gap-4 text-sm">
            <span>
                {t!("users.showing", first = first, last = last, total = found.total).to_string()}
            </span>
            {previous}
            {next}
        </nav>
    }
    .into_any()
}

#[component]
fn UserRowView(tenant: String, user: UserRow) -> impl IntoView {
    let verified = match (&user.email, user.email_verified) {
        (Some(_), true) => t!("users.verified").to_string(),
        (Some(_), false) => t!("users.unverified").to_string(),
        (None, _) => String::new(),
    };
    let status = if user.enabled { t!("users.enabled") } else { t!("users.disabled") };
    let locked = match user.locked {
        Some(true) => t!("users.locked_yes"),
        Some(false) => t!("users.locked_no"),
        None => t!("users.locked_unknown"),
    };

    let last_sign_in =
        user.last_sign_in_ms.map(date_time).unwrap_or_else(|| t!("users.unknown").to_string());

    view! {
        <tr>
            <td class="px-3 py-2">
                <a
                    href=format!("/t/{tenant}/users/{}", user.id)
                    class="font-medium text-sky-800 underline"
                >
                    {user.username.clone()}
                </a>
            </td>
            <td class="px-3 py-2">{user.name.clone()}</td>
            <td class="px-3 py-2">
                {user.email.clone().unwrap_or_default()}
                <span class="ml-1 text-xs text-slate-500">{verified}</span>
            </td>
            <td class="px-3 py-2">{status.to_string()}</td>
            <td class="px-3 py-2">{locked.to_string()}</td>
            <td class="px-3 py-2">{user.created_ms.map(date).unwrap_or_default()}</td>
            <td class="px-3 py-2">{last_sign_in}</td>
        </tr>
    }
}
