//! Who filed the request and why, why it needs approval and who decided it, its dates, and what
//! happened to it.

use leptos::prelude::*;
use rust_i18n::t;

use super::super::requests::state_words;
use crate::api::requests::{HistoryEntry, RequestDetail};
use crate::components::format::date_time;
use crate::workflow::RequestState;

/// One term and its description.
fn fact(term: String, value: AnyView) -> impl IntoView {
    view! {
        <div class="py-1.5 sm:grid sm:grid-cols-3 sm:gap-4">
            <dt class="text-sm font-medium text-slate-600">{term}</dt>
            <dd class="sm:col-span-2">{value}</dd>
        </div>
    }
}

/// A plain text as a fact's value.
fn text(value: String) -> AnyView {
    view! { <span class="whitespace-pre-line">{value}</span> }.into_any()
}

#[component]
pub(super) fn FactsPanel(detail: RequestDetail) -> impl IntoView {
    let summary = &detail.summary;
    let approval = if detail.approval_reasons.is_empty() {
        text(t!("requests.no_approval").to_string())
    } else {
        let reasons = detail.approval_reasons.iter().map(|r| view! { <li>{r.clone()}</li> });
        view! { <ul class="list-disc pl-5">{reasons.collect_view()}</ul> }.into_any()
    };
    let approver = detail.approver.clone().map(|approver| {
        let note = detail.decision_note.clone().filter(|n| !n.is_empty());
        let value = match note {
            Some(note) => t!("requests.decided_with_note", approver = approver, note = note),
            None => t!("requests.decided", approver = approver),
        };
        fact(t!("requests.decision").to_string(), text(value.to_string()))
    });
    // The expiry matters only while nobody has decided.
    let expiry = detail
        .expires_at_ms
        .filter(|_| summary.state == RequestState::Submitted)
        .map(|ms| fact(t!("requests.expires").to_string(), text(date_time(ms))));
    let run_at = summary.run_at_ms.map(|ms| {
        let value = t!("requests.scheduled_for", at = date_time(ms)).to_string();
        fact(t!("requests.run_at").to_string(), text(value))
    });

    view! {
        <section aria-labelledby="facts-title" class="rounded border border-slate-200 bg-white p-4">
            <h2 id="facts-title" class="text-lg font-semibold">
                {t!("requests.about").to_string()}
            </h2>
            <dl class="mt-2 divide-y divide-slate-100">
                {fact(t!("requests.state").to_string(), text(state_words(summary.state)))}
                {fact(t!("requests.requester").to_string(), text(summary.requester.clone()))}
                {fact(t!("requests.filed").to_string(), text(date_time(summary.created_at_ms)))}
                {fact(t!("requests.updated").to_string(), text(date_time(summary.updated_at_ms)))}
                {fact(t!("requests.reason").to_string(), text(detail.reason.clone()))}
                {fact(t!("requests.approval").to_string(), approval)} {approver} {expiry} {run_at}
            </dl>
        </section>
    }
}

/// What happened to the request, oldest first.
#[component]
pub(super) fn HistoryPanel(history: Vec<HistoryEntry>) -> impl IntoView {
    let entries = history.into_iter().map(|entry| {
        let change = match entry.from {
            Some(from) => format!("{} → {}", state_words(from), state_words(entry.to)),
            None => state_words(entry.to),
        };
        let note = entry.note.filter(|n| !n.is_empty()).map(|note| {
            view! { <p class="mt-0.5 whitespace-pre-line text-sm text-slate-700">{note}</p> }
        });
        view! {
            <li class="py-2">
                <span class="text-sm text-slate-600">{date_time(entry.at_ms)}</span>
                <span class="ml-2 font-medium">{entry.actor}</span>
                <span class="ml-2">{change}</span>
                {note}
            </li>
        }
    });

    view! {
        <section
            aria-labelledby="history-title"
            class="rounded border border-slate-200 bg-white p-4"
        >
            <h2 id="history-title" class="text-lg font-semibold">
                {t!("requests.history").to_string()}
            </h2>
            <ol data-testid="request-history" class="mt-1 divide-y divide-slate-100">
                {entries.collect_view()}
            </ol>
        </section>
    }
}
