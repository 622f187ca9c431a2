//! The tenant switcher: the current tenant, and a search over the person's tenants on the
//! server, since realms can number in the hundreds.

use leptos::prelude::*;
use rust_i18n::t;

use super::current_tenant;
use super::error_panel::or_error_panel;
use crate::AppError;
use crate::api::tenants::{TenantSearchResponse, search_tenants};
use crate::shell::RightsResource;

/// Shows the current tenant and lets the person find and open another. Without a search it
/// lists the tenants the rights already name.
#[component]
pub fn TenantSwitcher() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let query = RwSignal::new(String::new());
    let results = Resource::new(move || query.get(), move |q| find(rights, q));

    let label = move || tenant.get().unwrap_or_else(|| t!("tenant.choose").to_string());

    view! {
        <details class="relative">
            <summary class="cursor-pointer list-none rounded border border-slate-300 px-3 py-1.5">
                <span class="mr-1 text-slate-500">{t!("tenant.switcher_label").to_string()}</span>
                <span class="font-medium">{label}</span>
            </summary>
            <div class="absolute right-0 z-10 mt-1 w-72 rounded \
             border border-slate-200 bg-white p-2 shadow">
                <label class="block text-sm font-medium" for="tenant-search">
                    {t!("tenant.search_label").to_string()}
                </label>
                <input
                    id="tenant-search"
                    type="search"
                    class="mt-1 w-full rounded border border-slate-300 px-2 py-1"
                    placeholder=t!("tenant.search_placeholder").to_string()
                    on:input=move |ev| query.set(event_target_value(&ev))
                    prop:value=move || query.get()
                />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move { or_error_panel(results.await, TenantList) })}
                </Transition>
            </div>
        </details>
    }
}

/// The tenants matching `query`, or those the rights name when it is empty.
async fn find(rights: RightsResource, query: String) -> Result<TenantSearchResponse, AppError> {
    if !query.trim().is_empty() {
        return search_tenants(query).await;
    }
    let rights = rights.await?;
    let tenants: Vec<String> = rights.tenants.iter().map(|t| t.tenant.clone()).collect();
    let total = tenants.len() + usize::from(rights.tenants_truncated);
    Ok(TenantSearchResponse { tenants, total })
}

#[allow(non_snake_case)]
fn TenantList(found: TenantSearchResponse) -> AnyView {
    if found.tenants.is_empty() {
        return view! { <p class="p-2 text-slate-600">{t!("tenant.none_found").to_string()}</p> }
            .into_any();
    }
    let more = (found.total > found.tenants.len()).then(|| {
        view! {
            <p class="p-2 text-sm text-slate-600">
                {t!("tenant.more", count = found.tenants.len()).to_string()}
            </p>
        }
    });

    view! {
        <div>
            <ul class="max-h-72 overflow-y-auto">
                {found
                    .tenants
                    .into_iter()
                    .map(|name| {
                        view! {
                            <li>
                                <a
                                    href=format!("/t/{name}")
                                    class="block px-3 py-1.5 hover:bg-sky-50"
                                >
                                    {name.clone()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {more}
        </div>
    }
    .into_any()
}
