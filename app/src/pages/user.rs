//! One user of a tenant: status and the actions on it, the profile form, groups and roles, and
//! for those allowed the credentials, sessions, consents and recent events.

mod access;
mod actions;
mod profile;
mod requests;
mod security;

pub(crate) use profile::field_input as profile_field_input;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};
use rust_i18n::t;

use super::ForbiddenPanel;
use crate::AppError;
use crate::api::users::{
    UserAccessResponse, UserDetailResponse, UserSecurityResponse, get_user, get_user_access,
    get_user_security,
};
use crate::components::current_tenant;
use crate::components::error_panel::{ErrorPanel, or_error_panel};
use crate::components::format::date;
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;

/// Everything the user's page shows, loaded in one go.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[allow(clippy::large_enum_variant, reason = "one value per page load, never stored")]
enum UserView {
    Forbidden,
    Held {
        held: TenantRights,
        detail: Result<UserDetailResponse, AppError>,
        access: Result<UserAccessResponse, AppError>,
        security: Option<Result<UserSecurityResponse, AppError>>,
        group_search: String,
        group_page: u32,
    },
}

/// What the panels of the page share: a counter that reloads the page's data after a change,
/// and the last change's result, shown above the panels so that it outlives their reload.
#[derive(Clone, Copy)]
pub(crate) struct UserPageState {
    changed: RwSignal<u32>,
    notice: RwSignal<Option<Result<String, AppError>>>,
}

impl UserPageState {
    /// Reports `action`'s result in the notice and, on success, reloads the page's data.
    pub(crate) fn watch<S>(
        self,
        action: ServerAction<S>,
        message: impl Fn(&S::Output) -> String + Send + Sync + 'static,
    ) where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        Effect::new(move |_| {
            if let Some(result) = action.value().get() {
                let ok = result.is_ok();
                self.notice.set(Some(result.as_ref().map(&message).map_err(Clone::clone)));
                if ok {
                    self.changed.update(|n| *n += 1);
                }
            }
        });
    }
}

/// The user in the URL.
#[component]
pub fn UserPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let params = use_params_map();
    let query = use_query_map();
    let state = UserPageState { changed: RwSignal::new(0), notice: RwSignal::new(None) };
    provide_context(state);
    let page = Resource::new(
        move || {
            let id = params.with(|p| p.get("id")).unwrap_or_default();
            let groups = query.with(|q| q.get("groups")).unwrap_or_default();
            let group_page =
                query.with(|q| q.get("gpage")).and_then(|p| p.parse().ok()).unwrap_or(0);
            (tenant.get(), id, groups, group_page, state.changed.get())
        },
        move |(tenant, id, groups, group_page, _)| load(rights, tenant, id, groups, group_page),
    );

    view! {
        <Notice notice=state.notice />
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || Suspend::new(async move {
                or_error_panel(
                    page.await,
                    |view| match view {
                        UserView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        UserView::Held {
                            held,
                            detail,
                            access,
                            security,
                            group_search,
                            group_page,
                        } => {
                            match detail {
                                Ok(detail) => {
                                    view! {
                                        <UserPanels
                                            held
                                            detail
                                            access
                                            security
                                            group_search
                                            group_page
                                        />
                                    }
                                        .into_any()
                                }
                                Err(error) => view! { <ErrorPanel error /> }.into_any(),
                            }
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
    id: String,
    group_search: String,
    group_page: u32,
) -> Result<UserView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::ViewUser))
    else {
        return Ok(UserView::Forbidden);
    };

    let tenant = held.tenant.clone();
    let detail = get_user(tenant.clone(), id.clone());
    let access = get_user_access(tenant.clone(), id.clone(), group_search.clone(), group_page);
    let security = async {
        if held.can(Action::ViewUserSecrets) {
            Some(get_user_security(tenant.clone(), id.clone()).await)
        } else {
            None
        }
    };
    let (detail, access, security) = futures::join!(detail, access, security);
    Ok(UserView::Held { held, detail, access, security, group_search, group_page })
}

/// The result of the last change, announced to screen readers.
#[component]
fn Notice(notice: RwSignal<Option<Result<String, AppError>>>) -> impl IntoView {
    move || {
        notice.get().map(|result| match result {
            Ok(message) => view! {
                <p
                    role="status"
                    class="mb-4 rounded border border-emerald-300 bg-emerald-50 p-3 \
                    text-emerald-900"
                >
                    {message}
                </p>
            }
            .into_any(),
            Err(error) => {
                let field = error.field.clone().map(|f| {
                    let text = t!("user.field", field = f).to_string();
                    view! { <span class="ml-1 text-sm">{text}</span> }
                });
                view! {
                    <div class="mb-4">
                        <ErrorPanel error />
                        {field}
                    </div>
                }
                .into_any()
            }
        })
    }
}

#[component]
fn UserPanels(
    held: TenantRights,
    detail: UserDetailResponse,
    access: Result<UserAccessResponse, AppError>,
    security: Option<Result<UserSecurityResponse, AppError>>,
    group_search: String,
    group_page: u32,
) -> impl IntoView {
    let status = if detail.enabled { t!("users.enabled") } else { t!("users.disabled") };
    let locked = detail.lockout.as_ref().filter(|l| l.locked).map(|_| {
        view! {
            <span class="rounded bg-rose-100 px-2 py-0.5 text-sm text-rose-900">
                {t!("user.locked_out").to_string()}
            </span>
        }
    });
    let created = detail.created_ms.map(|ms| t!("user.created", date = date(ms)).to_string());
    let federated = detail.federation_link.clone().map(
        |link| view! { <p class="text-sm">{t!("user.federated", link = link).to_string()}</p> },
    );
    let tenant = held.tenant.clone();
    let id = detail.id.clone();
    let security = security.map(|s| {
        or_error_panel(
            s,
            |s| view! { <security::SecurityPanel held=held.clone() id=id.clone() security=s /> },
        )
    });

    view! {
        <div class="space-y-6">
            <div>
                <a href=format!("/t/{tenant}/users") class="text-sm underline">
                    {t!("user.back").to_string()}
                </a>
                <div class="mt-1 flex flex-wrap items-center gap-3">
                    <h1 class="text-2xl font-semibold">{detail.username.clone()}</h1>
                    <span class="rounded bg-slate-100 px-2 py-0.5 text-sm">
                        {status.to_string()}
                    </span>
                    {locked}
                </div>
                <p class="text-sm text-slate-600">{created}</p>
                {federated}
            </div>
            <actions::ActionsPanel held=held.clone() detail=detail.clone() />
            <requests::RequestPanel
                held=held.clone()
                id=detail.id.clone()
                access=access.clone().ok()
            />
            <profile::ProfilePanel held=held.clone() detail=detail.clone() />
            {or_error_panel(
                access,
                |access| {
                    view! {
                        <access::AccessPanel
                            held=held.clone()
                            id=detail.id.clone()
                            access
                            group_search
                            group_page
                        />
                    }
                },
            )}
            {security}
        </div>
    }
}
