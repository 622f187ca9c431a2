//! The tenant switcher: the current tenant, and a search over the person's tenants on the
//! server, since realms can number in the hundreds.

use leptos::prelude::*;
use rust_i18n::t;

use super::current_tenant;
use crate::api::tenants::{SEARCH_LIMIT, search_tenants};
use crate::policy::EffectiveRights;

/// Shows the current tenant and lets the person find and open another.
#[component]
pub fn TenantSwitcher(rights: EffectiveRights) -> impl IntoView {
    let tenant = current_tenant();
    let query = RwSignal::new(String::new());
    let initial: Vec<String> = rights.tenants.iter().map(|t| t.tenant.clone()).collect();
    let results = Resource::new(
        move || query.get(),
        |q| async move {
            if q.trim().is_empty() { None } else { Some(search_tenants(q).await) }
        },
    );

    let label = move || tenant.get().unwrap_or_else(|| t!("tenant.choose").to_string());
    let list = move || {
        let found = results.get().flatten();
        let (names, total) = match found {
            Some(Ok(found)) => (found.tenants, found.total),
            Some(Err(err)) => return view! { <p class="p-2 text-rose-800">{err.message}</p> }.into_any(),
            None => (initial.clone(), initial.len()),
        };
        if names.is_empty() {
            return view! { <p class="p-2 text-slate-600">{t!("tenant.none_found").to_string()}</p> }.into_any();
        }
        let more = (total > names.len()).then(|| {
            view! {
                <p class="p-2 text-sm text-slate-600">
                    {t!("tenant.more", count = SEARCH_LIMIT.min(names.len())).to_string()}
                </p>
            }
        });
        view! {
            <ul class="max-h-72 overflow-y-auto">
                {names
                    .into_iter()
                    .map(|name| {
                        view! {
                            <li>
                                <a href=format!("/t/{name}") class="block px-3 py-1.5 hover:bg-sky-50">
                                    {name.clone()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {more}
        }
            .into_any()
    };

    view! {
        <details class="relative">
            <summary class="cursor-pointer list-none rounded border border-slate-300 px-3 py-1.5">
                <span class="text-slate-500">{t!("tenant.switcher_label").to_string()}": "</span>
                <span class="font-medium">{label}</span>
            </summary>
            <div class="absolute right-0 z-10 mt-1 w-72 rounded border border-slate-200 bg-white p-2 shadow">
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
                <Transition fallback=|| ()>{list}</Transition>
            </div>
        </details>
    }
}
