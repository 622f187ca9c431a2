//! The requests of a tenant: the person's own, those waiting for their approval, or all, with a
//! state filter and the page kept in the URL, and the unread notices of requests that moved.

mod table;
mod words;

pub(super) use words::{
    StateBadge, action_words, filed_words, kind_words, state_words, step_words,
};

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use rust_i18n::t;
use serde::{Deserialize, Serialize};

use super::ForbiddenPanel;
use crate::AppError;
use crate::api::requests::{InboxCounts, ReadNotices, RequestList, get_inbox, list_requests};
use crate::components::current_tenant;
use crate::components::error_panel::{ErrorPanel, or_error_panel};
use crate::components::format::date_time;
use crate::policy::{Action, TenantRights};
use crate::shell::RightsResource;
use crate::workflow::RequestState;

/// The inboxes, as the URL names them.
const INBOXES: [&str; 3] = ["mine", "waiting", "all"];

/// Which requests the URL asks for, once checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct ListQuery {
    /// `mine`, `waiting` or `all`.
    inbox: String,
    /// A state's stored name, or empty for any.
    state: String,
    /// From 0.
    page: u32,
}

impl ListQuery {
    /// Reads the URL's values. Without a known inbox an approver starts with what waits for
    /// them and anyone else with their own requests (someone who approves nothing has nothing
    /// waiting); an unknown state means any.
    fn read(held: &TenantRights, inbox: String, state: String, page: u32) -> ListQuery {
        let approves = held.can(Action::ApproveRequest);
        let inbox = if INBOXES.contains(&inbox.as_str()) && (approves || inbox != "waiting") {
            inbox
        } else if approves {
            "waiting".to_owned()
        } else {
            "mine".to_owned()
        };
        let state = RequestState::parse(&state).map(|s| s.as_str().to_owned()).unwrap_or_default();
        ListQuery { inbox, state, page }
    }

    /// The list's address with `inbox` and `page`, keeping the state filter.
    fn href(&self, tenant: &str, inbox: &str, page: u32) -> String {
        let mut href = format!("/t/{tenant}/requests?inbox={inbox}");
        if !self.state.is_empty() {
            href.push_str(&format!("&state={}", self.state));
        }
        if page > 0 {
            href.push_str(&format!("&page={page}"));
        }
        href
    }
}

/// What the requests page shows, loaded in one go.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant, reason = "one value per page load, never stored")]
enum RequestsView {
    Forbidden,
    Held {
        held: TenantRights,
        query: ListQuery,
        list: Result<RequestList, AppError>,
        inbox: Result<InboxCounts, AppError>,
    },
}

/// The inbox tabs, the state filter, a page of requests and the unread notices.
#[component]
pub fn RequestsPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let query = use_query_map();
    let mark_read = ServerAction::<ReadNotices>::new();
    let page = Resource::new(
        move || {
            let (inbox, state, page) = query.with(|q| {
                let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0);
                (q.get("inbox").unwrap_or_default(), q.get("state").unwrap_or_default(), page)
            });
            (tenant.get(), inbox, state, page, mark_read.version().get())
        },
        move |(tenant, inbox, state, page, _)| load(rights, tenant, inbox, state, page),
    );

    view! {
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || Suspend::new(async move {
                or_error_panel(
                    page.await,
                    move |view| match view {
                        RequestsView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        RequestsView::Held { held, query, list, inbox } => {
                            view! { <RequestsPanel held query list inbox mark_read /> }.into_any()
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
    inbox: String,
    state: String,
    page: u32,
) -> Result<RequestsView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::FileRequest))
    else {
        return Ok(RequestsView::Forbidden);
    };

    let query = ListQuery::read(&held, inbox, state, page);
    let tenant = held.tenant.clone();
    let list = list_requests(tenant.clone(), query.inbox.clone(), query.state.clone(), page);
    let (list, inbox) = futures::join!(list, get_inbox(tenant));
    Ok(RequestsView::Held { held, query, list, inbox })
}

#[component]
fn RequestsPanel(
    held: TenantRights,
    query: ListQuery,
    list: Result<RequestList, AppError>,
    inbox: Result<InboxCounts, AppError>,
    mark_read: ServerAction<ReadNotices>,
) -> impl IntoView {
    let tenant = held.tenant.clone();
    let import = held.can(Action::ImportUsers).then(|| {
        view! {
            <a href=format!("/t/{tenant}/requests/import") class=BUTTON>
                {t!("requests.import").to_string()}
            </a>
        }
    });
    let counts = inbox.as_ref().ok().cloned().unwrap_or_default();
    let notices = match inbox {
        Ok(inbox) => view! { <Notices tenant=tenant.clone() inbox mark_read /> }.into_any(),
        Err(error) => view! { <ErrorPanel error /> }.into_any(),
    };
    let results = match list {
        Ok(list) => {
            view! { <table::RequestTable tenant=tenant.clone() query=query.clone() list /> }
                .into_any()
        }
        Err(error) => view! { <ErrorPanel error /> }.into_any(),
    };

    view! {
        <div>
            <div class="flex flex-wrap items-center gap-3">
                <h1 class="mr-auto text-2xl font-semibold">{t!("requests.title").to_string()}</h1>
                <a href=format!("/t/{tenant}/requests/settings") class=BUTTON>
                    {t!("requests.settings").to_string()}
                </a>
                {import}
                <a
                    href=format!("/t/{tenant}/requests/new")
                    class="rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800"
                >
                    {t!("requests.new").to_string()}
                </a>
            </div>
            <div aria-live="polite" class="mt-3">
                {notices}
            </div>
            <Tabs
                tenant=tenant.clone()
                query=query.clone()
                counts
                approves=held.can(Action::ApproveRequest)
            />
            <StateFilter query />
            {results}
        </div>
    }
}

/// A plain button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";

/// The unread notices, newest first, with the button that marks them read.
#[component]
fn Notices(
    tenant: String,
    inbox: InboxCounts,
    mark_read: ServerAction<ReadNotices>,
) -> impl IntoView {
    let failed = move || {
        mark_read.value().get().and_then(Result::err).map(|error| view! { <ErrorPanel error /> })
    };
    let Some(newest) = inbox.notices.iter().map(|n| n.id).max() else {
        return failed.into_any();
    };
    let items = inbox.notices.iter().map(|notice| {
        view! {
            <li>
                <a href=format!("/t/{tenant}/requests/{}", notice.request_id) class="underline">
                    {notice.message.clone()}
                </a>
                <span class="ml-2 text-sm text-slate-600">{date_time(notice.at_ms)}</span>
            </li>
        }
    });

    view! {
        <section
            aria-labelledby="notices-title"
            data-testid="request-notices"
            class="rounded border border-sky-200 bg-sky-50 p-3 text-sky-950"
        >
            <h2 id="notices-title" class="font-medium">
                {t!("requests.notices").to_string()}
            </h2>
            <ul class="mt-1 list-disc space-y-1 pl-5">{items.collect_view()}</ul>
            <ActionForm action=mark_read>
                <input type="hidden" name="tenant" value=tenant.clone() />
                <input type="hidden" name="up_to" value=newest.to_string() />
                <button type="submit" class=format!("{BUTTON} mt-2 text-sm")>
                    {t!("requests.mark_read").to_string()}
                </button>
            </ActionForm>
            {failed}
        </section>
    }
    .into_any()
}

/// The inboxes as links that keep the state filter; "waiting for me" only for an approver.
#[component]
fn Tabs(tenant: String, query: ListQuery, counts: InboxCounts, approves: bool) -> impl IntoView {
    let shown = INBOXES.into_iter().filter(|inbox| approves || *inbox != "waiting");
    let tabs = shown.map(|inbox| {
        let (label, count) = match inbox {
            "mine" => (t!("requests.tab_mine"), counts.mine_open),
            "waiting" => (t!("requests.tab_waiting"), counts.waiting_for_me),
            _ => (t!("requests.tab_all"), 0),
        };
        let current = query.inbox == inbox;
        let look = if current {
            "border-b-2 border-sky-700 px-3 py-2 font-medium text-sky-900"
        } else {
            "border-b-2 border-transparent px-3 py-2 text-slate-700 hover:text-slate-900"
        };
        let count = (count > 0).then(|| {
            view! { <span class="ml-1 rounded-full bg-slate-200 px-1.5 text-xs">{count}</span> }
        });
        view! {
            <a
                href=query.href(&tenant, inbox, 0)
                data-testid=format!("requests-tab-{inbox}")
                aria-current=current.then_some("page")
                class=look
            >
                {label.to_string()}
                {count}
            </a>
        }
    });

    view! {
        <nav
            aria-label=t!("requests.inboxes").to_string()
            data-testid="requests-tabs"
            class="mt-4 flex gap-1 border-b border-slate-200"
        >
            {tabs.into_iter().collect_view()}
        </nav>
    }
}

/// The state filter: a GET form on this page, keeping the inbox.
#[component]
fn StateFilter(query: ListQuery) -> impl IntoView {
    let options = RequestState::ALL.map(|state| {
        view! {
            <option value=state.as_str() selected=query.state == state.as_str()>
                {state_words(state)}
            </option>
        }
    });

    view! {
        <Form method="GET" action="">
            <div class="mt-3 flex flex-wrap items-end gap-3">
                <input type="hidden" name="inbox" value=query.inbox.clone() />
                <div>
                    <label for="requests-state" class="block text-sm font-medium">
                        {t!("requests.state").to_string()}
                    </label>
                    <select
                        id="requests-state"
                        name="state"
                        class="mt-1 rounded border border-slate-300 px-2 py-1"
                    >
                        <option value="" selected=query.state.is_empty()>
                            {t!("requests.state_any").to_string()}
                        </option>
                        {options.into_iter().collect_view()}
                    </select>
                </div>
                <button type="submit" class=BUTTON>
                    {t!("requests.filter").to_string()}
                </button>
            </div>
        </Form>
    }
}
