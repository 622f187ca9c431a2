//! One restore as listed: its state, each step with what it did, the check after, and the
//! button that runs a stopped one again.

use leptos::prelude::*;
use rust_i18n::t;

use super::compare::KindPanel;
use crate::api::restores::{RestoreRow, ResumeRestore};
use crate::components::format::date_time;

/// A button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";

/// One restore: its state, each step, and the check.
#[component]
pub fn RestoreItem(
    tenant: String,
    row: RestoreRow,
    resume: ServerAction<ResumeRestore>,
) -> impl IntoView {
    let reason = row.error.clone().unwrap_or_default();
    let state = match row.state.as_str() {
        "running" => t!("restores.running").to_string(),
        "done" => t!("restores.done").to_string(),
        "interrupted" => t!("restores.interrupted", reason = reason).to_string(),
        _ => t!("restores.failed", reason = reason).to_string(),
    };
    let again = matches!(row.state.as_str(), "failed" | "interrupted").then(|| {
        view! {
            <ActionForm action=resume attr:class="mt-2">
                <input type="hidden" name="tenant" value=tenant />
                <input type="hidden" name="id" value=row.id.clone() />
                <button type="submit" class=BUTTON data-testid="restore-again">
                    {t!("restores.again").to_string()}
                </button>
            </ActionForm>
        }
    });
    let steps = row
        .steps
        .iter()
        .map(|s| {
            let counts = t!(
                "restores.step_counts",
                added = s.added,
                skipped = s.skipped,
                overwritten = s.overwritten
            )
            .to_string();
            let notes = s.notes.iter().chain(s.error.iter()).cloned().collect::<Vec<_>>();
            view! {
                <li data-state=s.state.clone()>
                    {t!("restores.step", label = s.label, state = s.state).to_string()}
                    " ("
                    {counts}
                    ")"
                    {(!notes.is_empty()).then(|| {
                        view! {
                            <span class="block text-xs text-slate-600">{notes.join(" ")}</span>
                        }
                    })}
                </li>
            }
        })
        .collect_view();
    let check = row.check.clone().map(|check| {
        let verdict = if check.matches {
            view! {
                <p class="font-medium text-emerald-800" data-testid="restore-check">
                    {t!("restores.check_matches").to_string()}
                </p>
            }
            .into_any()
        } else {
            view! {
                <p class="font-medium text-rose-900" data-testid="restore-check">
                    {t!("restores.check_differs").to_string()}
                </p>
            }
            .into_any()
        };
        let counts = check
            .counts
            .iter()
            .map(|(kind, backup, realm)| {
                let kind = kind.replace('_', " ");
                let said = t!("restores.counts", kind = kind, backup = backup, realm = realm);
                view! { <li>{said.to_string()}</li> }
            })
            .collect_view();
        let expected = check.expected.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view();
        let differences = check
            .differences
            .into_iter()
            .map(|kind| view! { <KindPanel kind /> }.into_any())
            .collect_view();
        view! {
            {verdict}
            <ul class="grid grid-cols-1 text-sm sm:grid-cols-2">{counts}</ul>
            <h4 class="mt-1 text-sm font-medium">{t!("restores.expected").to_string()}</h4>
            <ul class="list-disc pl-5 text-sm">{expected}</ul>
            <details class="mt-1">
                <summary class="cursor-pointer text-sm text-sky-800">
                    {t!("backups.details").to_string()}
                </summary>
                <div class="space-y-2">{differences}</div>
            </details>
        }
        .into_any()
    });
    let line = t!(
        "restores.row",
        when = date_time(row.started_at_ms),
        realm = row.realm,
        conflicts = row.conflicts,
        who = row.started_by
    )
    .to_string();
    view! {
        <li
            class="rounded border border-slate-200 p-3"
            data-testid="restore"
            data-state=row.state.clone()
        >
            <p>{line} " · " <span class="font-medium">{state}</span></p>
            <ol class="mt-1 list-decimal pl-5 text-sm">{steps}</ol>
            {check}
            {again}
        </li>
    }
}
