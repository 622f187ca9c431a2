//! One request: what it asks for and why, where it stands and what happened to it, how far it
//! has run with a page of its steps, and what the person may do with it. A draft bulk import
//! shows the import's column mapping and row check instead. While the request is approved or
//! running, the browser reloads it every two seconds (the server renders it once).

mod actions;
mod facts;
mod import;
mod report;
mod spec;
mod steps;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};
use rust_i18n::t;

use super::ForbiddenPanel;
use super::requests::{StateBadge, filed_words, kind_words, state_words};
use crate::AppError;
use crate::api::import::{SubmitImport, preview_import};
use crate::api::requests::{
    ApproveRequest, CancelRequest, RejectRequest, RequestDetail, RetryRequest, get_request,
};
use crate::api::templates::list_templates;
use crate::components::current_tenant;
use crate::components::error_panel::{ErrorPanel, or_error_panel};
use crate::components::reload::reload_while;
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;
use crate::workflow::{RequestSpec, RequestState};

/// Everything the request's page shows, loaded in one go.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[allow(clippy::large_enum_variant, reason = "one value per page load, never stored")]
enum RequestView {
    Forbidden,
    Held {
        held: TenantRights,
        detail: Result<RequestDetail, AppError>,
        /// For a draft bulk import that the person may finish.
        import: Option<import::ImportDraft>,
    },
}

/// The result of the page's last action, shown above the panels so that it outlives their
/// reload.
type NoticeSignal = RwSignal<Option<Result<String, AppError>>>;

/// The actions that change the request. The page reloads when any of them has run, and
/// reports its result in the notice.
#[derive(Clone, Copy)]
struct RequestActions {
    approve: ServerAction<ApproveRequest>,
    reject: ServerAction<RejectRequest>,
    cancel: ServerAction<CancelRequest>,
    retry: ServerAction<RetryRequest>,
    submit: ServerAction<SubmitImport>,
}

impl RequestActions {
    fn new(notice: NoticeSignal) -> RequestActions {
        let actions = RequestActions {
            approve: ServerAction::new(),
            reject: ServerAction::new(),
            cancel: ServerAction::new(),
            retry: ServerAction::new(),
            submit: ServerAction::new(),
        };
        announce(actions.approve, notice, |state| {
            t!("requests.approved_notice", state = state_words(*state)).to_string()
        });
        announce(actions.reject, notice, |_| t!("requests.rejected_notice").to_string());
        announce(actions.cancel, notice, |_| t!("requests.cancelled_notice").to_string());
        announce(actions.retry, notice, |_| t!("requests.retried_notice").to_string());
        announce(actions.submit, notice, filed_words);
        actions
    }

    /// How many times they have run, together; read to reload after each.
    fn version(self) -> usize {
        self.approve.version().get()
            + self.reject.version().get()
            + self.cancel.version().get()
            + self.retry.version().get()
            + self.submit.version().get()
    }
}

/// Puts `action`'s result in the notice whenever it has run.
fn announce<S>(action: ServerAction<S>, notice: NoticeSignal, message: fn(&S::Output) -> String)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(result) = action.value().get() {
            notice.set(Some(result.as_ref().map(message).map_err(Clone::clone)));
        }
    });
}

/// The request in the URL, with the page of steps of `?steps=`.
#[component]
pub fn RequestPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let params = use_params_map();
    let query = use_query_map();
    let notice: NoticeSignal = RwSignal::new(None);
    let actions = RequestActions::new(notice);
    provide_context(actions);
    let tick = RwSignal::new(0_u32);
    let page = Resource::new(
        move || {
            let id = params.with(|p| p.get("id")).unwrap_or_default();
            let steps = query.with(|q| q.get("steps")).and_then(|s| s.parse().ok()).unwrap_or(0);
            (tenant.get(), id, steps, actions.version(), tick.get())
        },
        move |(tenant, id, steps, _, _)| load(rights, tenant, id, steps),
    );
    reload_while(
        move || {
            page.with(|view| match view {
                Some(Ok(RequestView::Held { detail: Ok(detail), .. })) => {
                    matches!(detail.summary.state, RequestState::Approved | RequestState::Running)
                }
                _ => false,
            })
        },
        tick,
    );

    view! {
        <Notice notice />
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || Suspend::new(async move {
                or_error_panel(
                    page.await,
                    |view| match view {
                        RequestView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        RequestView::Held { held, detail, import } => {
                            or_error_panel(
                                detail,
                                |detail| view! { <RequestPanels held detail import /> },
                            )
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
    steps_page: u32,
) -> Result<RequestView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::FileRequest))
    else {
        return Ok(RequestView::Forbidden);
    };

    let tenant = held.tenant.clone();
    let detail = get_request(tenant.clone(), id.clone(), steps_page).await;

    let import = match &detail {
        Ok(detail) if is_import_draft(detail) && held.can(Action::ImportUsers) => {
            let (preview, templates) =
                futures::join!(preview_import(tenant.clone(), id), list_templates(tenant));
            Some(import::ImportDraft { preview, templates })
        }
        _ => None,
    };
    Ok(RequestView::Held { held, detail, import })
}

/// Whether the request is a bulk import whose columns are still to be mapped.
fn is_import_draft(detail: &RequestDetail) -> bool {
    detail.summary.state == RequestState::Draft
        && matches!(&detail.spec, RequestSpec::Onboard { file_name: Some(_), .. })
}

/// The last action's result, announced to screen readers.
#[component]
fn Notice(notice: NoticeSignal) -> impl IntoView {
    let shown = move || {
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
            Err(error) => view! {
                <div class="mb-4">
                    <ErrorPanel error />
                </div>
            }
            .into_any(),
        })
    };

    view! { <div aria-live="polite">{shown}</div> }
}

#[component]
fn RequestPanels(
    held: TenantRights,
    detail: RequestDetail,
    import: Option<import::ImportDraft>,
) -> impl IntoView {
    let tenant = held.tenant.clone();
    let id = detail.summary.id.clone();
    let privileged = detail.summary.privileged.then(|| {
        view! {
            <span class="rounded bg-amber-100 px-2 py-0.5 text-sm text-amber-900">
                {t!("requests.privileged").to_string()}
            </span>
        }
    });
    let next = match import {
        Some(draft) => {
            view! { <import::ImportPanel tenant=tenant.clone() id=id.clone() draft /> }.into_any()
        }
        None => view! {
            <actions::ActionsPanel
                tenant=tenant.clone()
                id=id.clone()
                choices=detail.choices.clone()
            />
        }
        .into_any(),
    };

    view! {
        <div class="space-y-6">
            <div>
                <a href=format!("/t/{tenant}/requests") class="text-sm underline">
                    {t!("requests.back").to_string()}
                </a>
                <div class="mt-1 flex flex-wrap items-center gap-3">
                    <h1 class="text-2xl font-semibold">{detail.summary.summary.clone()}</h1>
                    <StateBadge state=detail.summary.state />
                    {privileged}
                </div>
                <p class="text-sm text-slate-600">{kind_words(detail.summary.kind)}</p>
            </div>
            <facts::FactsPanel detail=detail.clone() />
            <spec::SpecPanel
                tenant=tenant.clone()
                spec=detail.spec.clone()
                rows=detail.summary.rows
            />
            {next}
            <steps::StepsPanel tenant=tenant.clone() detail=detail.clone() />
            <facts::HistoryPanel history=detail.history.clone() />
        </div>
    }
}
