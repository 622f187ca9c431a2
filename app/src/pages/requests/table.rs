//! A page of requests as a table, with the links to the pages before and after it.

use leptos::prelude::*;
use rust_i18n::t;

use super::{ListQuery, StateBadge, kind_words};
use crate::api::requests::{LIST_SIZE, RequestList, RequestSummary};
use crate::components::format::date_time;

#[component]
pub(super) fn RequestTable(tenant: String, query: ListQuery, list: RequestList) -> impl IntoView {
    if list.requests.is_empty() {
        let text = if list.total > 0 {
            t!("requests.past_end", total = list.total)
        } else {
            t!("requests.none")
        };
        let first = (list.total > 0).then(|| {
            view! {
                <a href=query.href(&tenant, &query.inbox, 0) class="ml-1 underline">
                    {t!("requests.first_page").to_string()}
                </a>
            }
        });
        return view! { <p class="mt-4 text-slate-600">{text.to_string()} {first}</p> }.into_any();
    }
    let first = i64::from(list.page) * i64::from(LIST_SIZE) + 1;
    let last = first + list.requests.len() as i64 - 1;
    let previous = (list.page > 0).then(|| {
        view! {
            <a href=query.href(&tenant, &query.inbox, list.page - 1) class="underline">
                {t!("requests.previous").to_string()}
            </a>
        }
    });
    let next = (last < list.total).then(|| {
        view! {
            <a href=query.href(&tenant, &query.inbox, list.page + 1) class="underline">
                {t!("requests.next").to_string()}
            </a>
        }
    });
    let header = [
        t!("requests.summary"),
        t!("requests.kind"),
        t!("requests.state"),
        t!("requests.requester"),
        t!("requests.filed"),
        t!("requests.run_at"),
    ]
    .map(|label| {
        view! {
            <th scope="col" class="px-3 py-2">
                {label.to_string()}
            </th>
        }
    });
    let rows = list
        .requests
        .into_iter()
        .map(|request| view! { <RequestRow tenant=tenant.clone() request /> });

    view! {
        <div class="mt-4 overflow-x-auto rounded border border-slate-200 bg-white">
            <table data-testid="requests-table" class="w-full text-left text-sm">
                <caption class="sr-only">{t!("requests.title").to_string()}</caption>
                <thead class="bg-slate-100">
                    <tr>{header.into_iter().collect_view()}</tr>
                </thead>
                <tbody class="divide-y divide-slate-100">{rows.collect_view()}</tbody>
            </table>
        </div>
        <nav
            aria-label=t!("requests.pages").to_string()
            class="mt-2 flex items-center gap-4 text-sm"
        >
            <span>
                {t!("requests.showing", first = first, last = last, total = list.total).to_string()}
            </span>
            {previous}
            {next}
        </nav>
    }
    .into_any()
}

#[component]
fn RequestRow(tenant: String, request: RequestSummary) -> impl IntoView {
    let privileged = request.privileged.then(|| {
        view! {
            <span class="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">
                {t!("requests.privileged").to_string()}
            </span>
        }
    });

    view! {
        <tr data-testid="request-row" data-request-id=request.id.clone()>
            <td class="px-3 py-2">
                <a
                    href=format!("/t/{tenant}/requests/{}", request.id)
                    class="font-medium text-sky-800 underline"
                >
                    {request.summary.clone()}
                </a>
                {privileged}
            </td>
            <td class="px-3 py-2">{kind_words(request.kind)}</td>
            <td class="px-3 py-2">
                <StateBadge state=request.state />
            </td>
            <td class="px-3 py-2">{request.requester.clone()}</td>
            <td class="px-3 py-2">{date_time(request.created_at_ms)}</td>
            <td class="px-3 py-2">{request.run_at_ms.map(date_time).unwrap_or_default()}</td>
        </tr>
    }
}
