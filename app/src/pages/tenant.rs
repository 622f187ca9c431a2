//! A tenant's home: its state and size, how it stores events (for its admins), and the
//! person's roles there.

use leptos::prelude::*;
use rust_i18n::t;

use super::ForbiddenPanel;
use super::home::role_names;
use crate::api::tenants::{TenantOverviewResponse, TenantSettingsResponse, get_tenant_overview, get_tenant_settings};
use crate::components::current_tenant;
use crate::components::error_panel::show_errors;
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;

/// The overview of the tenant in the URL.
#[component]
pub fn TenantPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();

    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let rights = rights.await?;
                Ok::<_, crate::AppError>(
                    match tenant.get().and_then(|t| rights.tenant(&t).cloned()) {
                        Some(held) => view! { <TenantOverview held /> }.into_any(),
                        None => view! { <ForbiddenPanel /> }.into_any(),
                    },
                )
            })}
        </Transition>
    }
}

#[component]
fn TenantOverview(held: TenantRights) -> impl IntoView {
    let tenant = held.tenant.clone();
    let overview = Resource::new(move || tenant.clone(), get_tenant_overview);
    let tenant = held.tenant.clone();
    let settings = held.can(Action::ViewTenantSettings).then(|| {
        let settings = Resource::new(move || tenant.clone(), get_tenant_settings);
        view! {
            <Transition fallback=|| ()>
                <ErrorBoundary fallback=show_errors>
                    {move || Suspend::new(async move { settings.await.map(|s| view! { <SettingsCard settings=s /> }) })}
                </ErrorBoundary>
            </Transition>
        }
    });

    view! {
        <h1 class="text-2xl font-semibold">{t!("tenant.overview_title", tenant = held.tenant).to_string()}</h1>
        <p class="mt-1 text-slate-600">
            {t!("tenant.your_roles").to_string()}": "{role_names(&held.roles)}
        </p>
        <Transition fallback=|| view! { <p>{t!("error.loading").to_string()}</p> }>
            <ErrorBoundary fallback=show_errors>
                {move || Suspend::new(async move { overview.await.map(|o| view! { <OverviewCards overview=o /> }) })}
            </ErrorBoundary>
        </Transition>
        {settings}
    }
}

#[component]
fn OverviewCards(overview: TenantOverviewResponse) -> impl IntoView {
    let state = if overview.enabled { t!("tenant.enabled") } else { t!("tenant.disabled") };
    let card = |label: String, value: String| {
        view! {
            <div class="rounded border border-slate-200 bg-white p-4">
                <dt class="text-sm text-slate-600">{label}</dt>
                <dd class="text-2xl font-semibold">{value}</dd>
            </div>
        }
    };

    view! {
        <dl class="mt-4 grid gap-3 sm:grid-cols-3">
            {card(t!("tenant.users_count").to_string(), overview.users.to_string())}
            {card(t!("tenant.groups_count").to_string(), overview.groups.to_string())}
            {card(t!("tenant.status").to_string(), state.to_string())}
        </dl>
    }
}

#[component]
fn SettingsCard(settings: TenantSettingsResponse) -> impl IntoView {
    let yes_no = |b: bool| if b { t!("tenant.yes").to_string() } else { t!("tenant.no").to_string() };
    let kept = match settings.events_kept_days {
        Some(days) => t!("tenant.events_days", days = days).to_string(),
        None => t!("tenant.events_forever").to_string(),
    };
    let row = |label: String, value: String| {
        view! {
            <div class="flex justify-between gap-4 py-1">
                <dt>{label}</dt>
                <dd class="font-medium">{value}</dd>
            </div>
        }
    };

    view! {
        <section class="mt-6 rounded border border-slate-200 bg-white p-4" aria-labelledby="settings-title">
            <h2 id="settings-title" class="text-lg font-semibold">{t!("tenant.settings_title").to_string()}</h2>
            <dl class="mt-2 divide-y divide-slate-100">
                {row(t!("tenant.events_stored").to_string(), yes_no(settings.events_enabled))}
                {row(t!("tenant.events_kept").to_string(), kept)}
                {row(t!("tenant.admin_events_stored").to_string(), yes_no(settings.admin_events_enabled))}
                {row(t!("tenant.admin_events_details").to_string(), yes_no(settings.admin_events_details))}
            </dl>
        </section>
    }
}
