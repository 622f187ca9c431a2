//! How far the request has run: a progress bar with the counts of steps and rows, a page of its
//! steps, and for an onboarding the per-row result as a CSV download.

use leptos::prelude::*;
use rust_i18n::t;

use super::super::requests::step_words;
use crate::api::requests::{Progress, RequestDetail, STEPS_SIZE, StepView};
use crate::components::format::date_time;
use crate::workflow::{RequestSpec, RequestState, StepState};

#[component]
pub(super) fn StepsPanel(tenant: String, detail: RequestDetail) -> impl IntoView {
    let id = detail.summary.id.clone();
    let progress = detail.progress;
    // A draft has run nothing, so it has no result to download yet.
    let ran = detail.summary.state != RequestState::Draft;
    let rows_csv = (ran && matches!(detail.spec, RequestSpec::Onboard { .. })).then(|| {
        // `rel="external"` so that the router lets the browser download it.
        view! {
            <a
                href=format!("/export/t/{tenant}/requests/{id}/rows.csv")
                rel="external"
                download=format!("request-{id}-rows.csv")
                class="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm \
                hover:bg-slate-50"
            >
                {t!("requests.rows_csv").to_string()}
            </a>
        }
    });
    let steps = if progress.total == 0 {
        view! { <p class="mt-2 text-slate-600">{t!("requests.no_steps").to_string()}</p> }
            .into_any()
    } else {
        let base = format!("/t/{tenant}/requests/{id}");
        view! { <StepTable base steps=detail.steps page=detail.steps_page total=progress.total /> }
            .into_any()
    };

    view! {
        <section aria-labelledby="steps-title" class="rounded border border-slate-200 bg-white p-4">
            <div class="flex flex-wrap items-center gap-3">
                <h2 id="steps-title" class="mr-auto text-lg font-semibold">
                    {t!("requests.progress").to_string()}
                </h2>
                {rows_csv}
            </div>
            <ProgressBar progress />
            {steps}
        </section>
    }
}

#[component]
fn ProgressBar(progress: Progress) -> impl IntoView {
    let label = t!(
        "requests.progress_text",
        done = progress.done,
        total = progress.total,
        created = progress.rows_done,
        skipped = progress.rows_skipped,
        failed = progress.rows_failed,
        pending = progress.rows_pending
    )
    .to_string();
    let failed = (progress.failed > 0).then(|| {
        view! {
            <p class="text-sm font-medium text-rose-800">
                {t!("requests.steps_failed", count = progress.failed).to_string()}
            </p>
        }
    });

    view! {
        <div class="mt-2">
            <progress
                data-testid="request-progress"
                aria-labelledby="progress-text"
                max=progress.total.max(1).to_string()
                value=progress.done.to_string()
                class="h-3 w-full"
            ></progress>
            <p id="progress-text" class="text-sm">
                {label}
            </p>
            {failed}
        </div>
    }
}

#[component]
fn StepTable(base: String, steps: Vec<StepView>, page: u32, total: i64) -> impl IntoView {
    let link = |page: u32| {
        if page == 0 { base.clone() } else { format!("{base}?steps={page}") }
    };
    let shown_to = i64::from(page) * i64::from(STEPS_SIZE) + steps.len() as i64;
    let previous = (page > 0).then(|| {
        view! {
            <a href=link(page - 1) class="underline">
                {t!("requests.previous").to_string()}
            </a>
        }
    });
    let next = (shown_to < total).then(|| {
        view! {
            <a href=link(page + 1) class="underline">
                {t!("requests.next").to_string()}
            </a>
        }
    });
    let header = [
        t!("requests.step"),
        t!("requests.row"),
        t!("requests.step_state"),
        t!("requests.step_message"),
        t!("requests.attempts"),
    ]
    .map(|label| {
        view! {
            <th scope="col" class="px-3 py-2">
                {label.to_string()}
            </th>
        }
    });
    let first = i64::from(page) * i64::from(STEPS_SIZE) + 1;

    view! {
        <div class="mt-3 overflow-x-auto rounded border border-slate-200">
            <table data-testid="request-steps" class="w-full text-left text-sm">
                <caption class="sr-only">{t!("requests.steps").to_string()}</caption>
                <thead class="bg-slate-100">
                    <tr>{header.into_iter().collect_view()}</tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {steps.into_iter().map(|step| view! { <StepRow step /> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav
            aria-label=t!("requests.step_pages").to_string()
            class="mt-2 flex items-center gap-4 text-sm"
        >
            <span>
                {t!("requests.showing", first = first, last = shown_to, total = total).to_string()}
            </span>
            {previous}
            {next}
        </nav>
    }
}

#[component]
fn StepRow(step: StepView) -> impl IntoView {
    let look = match step.state {
        StepState::Failed => "font-medium text-rose-800",
        StepState::Done => "text-emerald-800",
        StepState::Pending | StepState::Running => "",
    };
    let not_before = step.not_before_ms.map(|ms| {
        view! {
            <span class="block text-xs text-slate-600">
                {t!("requests.not_before", at = date_time(ms)).to_string()}
            </span>
        }
    });

    view! {
        <tr data-testid="request-step" data-state=step.state.as_str()>
            <td class="px-3 py-2">{step.label}</td>
            <td class="px-3 py-2">{step.row_no + 1}</td>
            <td class=format!("px-3 py-2 {look}")>{step_words(step.state)} {not_before}</td>
            <td class="px-3 py-2">{step.message.unwrap_or_default()}</td>
            <td class="px-3 py-2">{step.attempts}</td>
        </tr>
    }
}
