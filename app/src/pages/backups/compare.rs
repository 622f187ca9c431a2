//! Comparing two backups, or one with the live realm: what was added, removed or changed per
//! kind, down to the field.

use leptos::prelude::*;
use rust_i18n::t;

use crate::api::backups::{BackupDiff, BackupRow, DiffBackups, KindChanges, LIVE};
use crate::components::error_panel::ErrorPanel;
use crate::components::format::date_time;

/// A button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";

/// The form that picks two sides, and the differences it found.
#[component]
pub fn CompareForm(tenant: String, backups: Vec<BackupRow>) -> impl IntoView {
    let diff = ServerAction::<DiffBackups>::new();
    let complete: Vec<BackupRow> = backups.into_iter().filter(|b| b.state == "complete").collect();
    if complete.is_empty() {
        return ().into_any();
    }
    let option = |b: &BackupRow| {
        let label = format!("{} ({})", date_time(b.started_at_ms), b.started_by);
        view! { <option value=b.id.clone()>{label}</option> }
    };
    let from = complete.iter().map(option).collect_view();
    let to = complete.iter().map(option).collect_view();
    let result = move || match diff.value().get() {
        Some(Ok(found)) => Some(view! { <Differences found /> }.into_any()),
        Some(Err(error)) => Some(view! { <ErrorPanel error /> }.into_any()),
        None => None,
    };
    view! {
        <section aria-labelledby="backup-compare" class="mt-6">
            <h2 id="backup-compare" class="text-lg font-medium">
                {t!("backups.compare").to_string()}
            </h2>
            <ActionForm action=diff attr:class="mt-2 flex flex-wrap items-end gap-3">
                <input type="hidden" name="tenant" value=tenant />
                <label class="flex flex-col text-sm">
                    {t!("backups.compare_from").to_string()}
                    <select name="from" class="mt-1 rounded border border-slate-300 px-2 py-1">
                        {from}
                    </select>
                </label>
                <label class="flex flex-col text-sm">
                    {t!("backups.compare_to").to_string()}
                    <select name="to" class="mt-1 rounded border border-slate-300 px-2 py-1">
                        <option value=LIVE>{t!("backups.live").to_string()}</option>
                        {to}
                    </select>
                </label>
                <button type="submit" class=BUTTON data-testid="backup-compare">
                    {t!("backups.compare_go").to_string()}
                </button>
            </ActionForm>
            <div aria-live="polite" class="mt-3" data-testid="backup-diff">
                {move || diff.pending().get().then(|| t!("backups.comparing").to_string())}
                {result}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Differences(found: BackupDiff) -> impl IntoView {
    if found.identical {
        return view! { <p role="status">{t!("backups.identical").to_string()}</p> }.into_any();
    }
    let kinds = found
        .kinds
        .into_iter()
        .filter(|k| k.added_total + k.removed_total + k.changed_total > 0)
        .map(|kind| view! { <KindPanel kind /> }.into_any())
        .collect_view();
    view! { <div class="space-y-3">{kinds}</div> }.into_any()
}

#[component]
pub(super) fn KindPanel(kind: KindChanges) -> impl IntoView {
    let title = t!(
        "backups.kind_summary",
        kind = kind.kind.replace('_', " "),
        added = kind.added_total,
        removed = kind.removed_total,
        changed = kind.changed_total,
        same = kind.same
    )
    .to_string();
    let names = |label: String, names: Vec<String>, total: u64| {
        (!names.is_empty()).then(|| {
            let more = (total > names.len() as u64)
                .then(|| t!("backups.and_more", n = total - names.len() as u64).to_string());
            view! {
                <p class="text-sm">
                    <span class="font-medium">{label}</span>
                    " "
                    {names.join(", ")}
                    {more}
                </p>
            }
        })
    };
    let added = names(t!("backups.added").to_string(), kind.added, kind.added_total);
    let removed = names(t!("backups.removed").to_string(), kind.removed, kind.removed_total);
    let changed = kind
        .changed
        .into_iter()
        .map(|thing| {
            let fields = thing
                .fields
                .into_iter()
                .map(|f| {
                    let none = t!("backups.absent").to_string();
                    view! {
                        <li>
                            <code>{f.field}</code>
                            ": "
                            <span class="text-rose-900">
                                {f.before.unwrap_or_else(|| none.clone())}
                            </span>
                            " → "
                            <span class="text-emerald-900">{f.after.unwrap_or(none)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <li>
                    <span class="font-medium">{thing.name}</span>
                    <ul class="list-disc break-all pl-5 text-xs">{fields}</ul>
                </li>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <details class="rounded border border-slate-200 p-2" open>
            <summary class="cursor-pointer font-medium">{title}</summary>
            {added}
            {removed}
            <ul class="mt-1 space-y-1 text-sm">{changed}</ul>
        </details>
    }
}
