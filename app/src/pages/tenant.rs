//! A tenant's home: its state and size, how it stores events (for its admins), and the
//! person's roles there.

use leptos::prelude::*;
use rust_i18n::t;

use super::ForbiddenPanel;
use super::home::role_names;
use crate::AppError;
use crate::api::tenants::{
    TenantOverviewResponse, TenantSettingsResponse, get_tenant_overview, get_tenant_settings,
};
use crate::components::current_tenant;
use crate::components::error_panel::or_error_panel;
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;

/// Everything the tenant page shows, loaded in one go.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum TenantView {
    /// The person does not hold the tenant.
    Forbidden,
    /// The person's rights there, the overview, and the settings when their role shows them.
    Held {
        held: TenantRights,
        overview: Result<TenantOverviewResponse, AppError>,
        settings: Option<Result<TenantSettingsResponse, AppError>>,
    },
}

/// The overview of the tenant in the URL.
#[component]
pub fn TenantPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    // One resource, created here rather than inside a suspense boundary, so that the browser
    // finds the data the server rendered with.
    let page = Resource::new(move || tenant.get(), move |tenant| load(rights, tenant));

    view! {
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || Suspend::new(async move {
                or_error_panel(
                    page.await,
                    |view| match view {
                        TenantView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        TenantView::Held { held, overview, settings } => {
                            view! { <TenantOverview held overview settings /> }.into_any()
                        }
                    },
                )
            })}
        </Transition>
    }
}

async fn load(rights: RightsResource, tenant: Option<String>) -> Result<TenantView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)) else {
        return Ok(TenantView::Forbidden);
    };

    let overview = get_tenant_overview(held.tenant.clone());
    let settings = async {
        if held.can(Action::ViewTenantSettings) {
            Some(get_tenant_settings(held.tenant.clone()).await)
        } else {
            None
        }
    };
    let (overview, settings) = futures::join!(overview, settings);
    Ok(TenantView::Held { held, overview, settings })
}

#[component]
fn TenantOverview(
    held: TenantRights,
    overview: Result<TenantOverviewResponse, AppError>,
    settings: Option<Result<TenantSettingsResponse, AppError>>,
) -> impl IntoView {
    let settings =
        settings.map(|s| or_error_panel(s, |settings| view! { <SettingsCard settings /> }));

    view! {
        <div>
            <h1 class="text-2xl font-semibold">
                {t!("tenant.overview_title", tenant = held.tenant).to_string()}
            </h1>
            <p class="mt-1 text-slate-600">
                {t!("tenant.your_roles", roles = role_names(&held.roles)).to_string()}
            </p>
            {or_error_panel(overview, |overview| view! { <OverviewCards overview /> })}
            {settings}
        </div>
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
    let yes_no =
        |b: bool| if b { t!("tenant.yes").to_string() } else { t!("tenant.no").to_string() };
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
        <section
            class="mt-6 rounded border border-slate-200 bg-white p-4"
            aria-labelledby="settings-title"
        >
            <h2 id="settings-title" class="text-lg font-semibold">
                {t!("tenant.settings_title").to_string()}
            </h2>
            <dl class="mt-2 divide-y divide-slate-100">
                {row(t!("tenant.events_stored").to_string(), yes_no(settings.events_enabled))}
                {row(t!("tenant.events_kept").to_string(), kept)}
                {row(
                    t!("tenant.admin_events_stored").to_string(),
                    yes_no(settings.admin_events_enabled),
                )}
                {row(
                    t!("tenant.admin_events_details").to_string(),
                    yes_no(settings.admin_events_details),
                )}
            </dl>
        </section>
    }
}
