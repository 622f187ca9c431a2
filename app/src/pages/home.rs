//! The home page: the tenants the person holds, with their roles in each.

use leptos::prelude::*;
use rust_i18n::t;

use crate::components::error_panel::or_error_panel;
use crate::policy::{EffectiveRights, Role};
use crate::shell::RightsResource;

/// Lists the person's tenants.
#[component]
pub fn HomePage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();

    view! {
        <h1 class="text-2xl font-semibold">{t!("home.title").to_string()}</h1>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                or_error_panel(rights.await, |r| view! { <TenantList rights=r /> })
            })}
        </Transition>
    }
}

#[component]
fn TenantList(rights: EffectiveRights) -> impl IntoView {
    let intro = if rights.platform_admin { t!("home.platform_intro") } else { t!("home.intro") };
    let empty = rights
        .tenants
        .is_empty()
        .then(|| view! { <p class="mt-4">{t!("home.empty").to_string()}</p> });

    view! {
        <div>
            <p class="mt-1 text-slate-600">{intro.to_string()}</p>
            {empty}
            <ul class="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {rights
                    .tenants
                    .into_iter()
                    .map(|held| {
                        view! {
                            <li class="rounded border border-slate-200 bg-white p-4">
                                <a
                                    href=format!("/t/{}", held.tenant)
                                    class="text-lg font-medium text-sky-800 underline"
                                >
                                    {held.tenant.clone()}
                                </a>
                                <p class="mt-1 text-sm text-slate-600">{role_names(&held.roles)}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// The roles as a person reads them, comma-separated.
pub fn role_names(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| t!(format!("role.{}", r.as_str())).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
