//! The check of a draft import (how many rows are good, which are skipped and why, whether it
//! will wait for approval) and the form that files its good rows as one onboarding request.

use leptos::prelude::*;
use rust_i18n::t;

use super::RequestActions;
use super::import::Mapping;
use crate::api::import::{CheckImport, ImportReport, PROBLEMS_SHOWN};
use crate::components::error_panel::ErrorPanel;
use crate::pages::new_request::{FirstSignIn, ReasonField, field_error};

/// The last check's report, or why it failed, with word while it runs.
#[component]
pub(super) fn CheckResult(check: ServerAction<CheckImport>) -> impl IntoView {
    let pending = move || {
        check.pending().get().then(|| {
            view! { <p class="text-sm text-slate-600">{t!("requests.checking").to_string()}</p> }
        })
    };
    let result = move || {
        check.value().get().map(|result| match result {
            Ok(report) => view! { <Report report /> }.into_any(),
            Err(error) => view! { <ErrorPanel error /> }.into_any(),
        })
    };

    view! {
        <div aria-live="polite" class="mt-3">
            {pending}
            {result}
        </div>
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let approval = if report.approval_reasons.is_empty() {
        view! { <p>{t!("requests.report_runs").to_string()}</p> }.into_any()
    } else {
        let reasons = report.approval_reasons.iter().map(|r| view! { <li>{r.clone()}</li> });
        view! {
            <p>{t!("requests.report_waits").to_string()}</p>
            <ul class="list-disc pl-5">{reasons.collect_view()}</ul>
        }
        .into_any()
    };
    let more = (report.skipped > report.problems.len() as u64).then(|| {
        view! {
            <p class="mt-1 text-sm text-slate-600">
                {t!("requests.report_more", shown = report.problems.len(), limit = PROBLEMS_SHOWN)
                    .to_string()}
            </p>
        }
    });
    let problems = (!report.problems.is_empty()).then(|| {
        let rows = report.problems.iter().map(|problem| {
            view! {
                <tr data-testid="import-problem">
                    <td class="px-3 py-1">{problem.line}</td>
                    <td class="px-3 py-1">{problem.username.clone()}</td>
                    <td class="px-3 py-1">{problem.reason.clone()}</td>
                </tr>
            }
        });
        view! {
            <div class="mt-2 overflow-x-auto rounded border border-slate-200 bg-white">
                <table class="w-full text-left text-sm">
                    <caption class="px-3 py-2 text-left font-medium">
                        {t!("requests.problems").to_string()}
                    </caption>
                    <thead class="bg-slate-100">
                        <tr>
                            <th scope="col" class="px-3 py-2">
                                {t!("requests.line").to_string()}
                            </th>
                            <th scope="col" class="px-3 py-2">
                                {t!("requests.username").to_string()}
                            </th>
                            <th scope="col" class="px-3 py-2">
                                {t!("requests.problem").to_string()}
                            </th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">{rows.collect_view()}</tbody>
                </table>
            </div>
            {more}
        }
    });
    let counts = t!(
        "requests.report_counts",
        rows = report.rows,
        good = report.good,
        skipped = report.skipped
    )
    .to_string();

    view! {
        <div
            role="status"
            data-testid="import-report"
            class="rounded border border-sky-200 bg-sky-50 p-3 text-sky-950"
        >
            <p class="font-medium">{counts}</p>
            {approval}
            {problems}
        </div>
    }
}

/// Files the good rows with the mapping and template chosen above; the page reloads after.
#[component]
pub(super) fn SubmitForm(
    tenant: String,
    id: String,
    mapping: Mapping,
    template: RwSignal<String>,
) -> impl IntoView {
    let submit = expect_context::<RequestActions>().submit;
    let failed = Memo::new(move |_| submit.value().get().and_then(Result::err));
    let chosen = move || {
        let fields = mapping.get().into_iter().map(|(field, header)| {
            view! { <input type="hidden" name=format!("mapping[{field}]") value=header /> }
        });
        view! {
            {fields.collect_view()}
            <input type="hidden" name="template" value=template.get() />
        }
    };
    let pending = move || {
        submit.pending().get().then(|| {
            view! { <p class="text-sm text-slate-600">{t!("requests.filing").to_string()}</p> }
        })
    };

    view! {
        <ActionForm action=submit>
            <fieldset class="mt-4 rounded border border-slate-200 p-3">
                <legend class="px-1 font-medium">{t!("requests.file_import").to_string()}</legend>
                <p class="text-sm">{t!("requests.file_import_explained").to_string()}</p>
                <input type="hidden" name="tenant" value=tenant />
                <input type="hidden" name="id" value=id />
                {chosen}
                {field_error(failed, "mapping".to_owned())}
                {field_error(failed, "template".to_owned())}
                <FirstSignIn id="import" />
                {field_error(failed, "lifespan_hours".to_owned())}
                <ReasonField id="import-reason" />
                {field_error(failed, "reason".to_owned())}
                <div aria-live="polite">{pending}</div>
                <button
                    type="submit"
                    data-testid="submit-import-button"
                    class="mt-3 rounded bg-sky-700 px-3 py-1.5 font-medium text-white"
                >
                    {t!("requests.file_import_button").to_string()}
                </button>
            </fieldset>
        </ActionForm>
    }
}
