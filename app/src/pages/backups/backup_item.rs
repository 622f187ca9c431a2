//! One backup as listed: when and by whom, its state (with progress while it runs), its size,
//! what it holds and leaves out, and the link to it decrypted.

use leptos::prelude::*;
use rust_i18n::t;

use crate::api::backups::BackupRow;
use crate::components::format::date_time;

/// One backup: when, by whom, its state (with progress while it runs), and its details; with
/// `download` (the tenant, for those who manage backups), a link to it decrypted.
#[component]
pub(super) fn BackupItem(row: BackupRow, download: Option<String>) -> impl IntoView {
    let link = download.filter(|_| row.state == "complete").map(|tenant| {
        view! {
            <a
                class="ml-2 text-sm text-sky-800 underline"
                href=format!("/backups/t/{tenant}/{}/export.json", row.id)
                download
                rel="external"
                data-testid="backup-download"
            >
                {t!("restores.download").to_string()}
            </a>
        }
    });
    let state = match row.state.as_str() {
        "running" => {
            let total = row.users_total.max(row.users_done).max(1);
            view! {
                <span>
                    {t!("backups.running", done = row.users_done, total = row.users_total)
                        .to_string()}
                </span>
                <progress
                    class="ml-2 align-middle"
                    max=total.to_string()
                    value=row.users_done.to_string()
                    aria-label=t!("backups.progress").to_string()
                ></progress>
            }
            .into_any()
        }
        "complete" => view! {
            <span class="font-medium text-emerald-800">{t!("backups.complete").to_string()}</span>
        }
        .into_any(),
        _ => view! {
            <span class="font-medium text-rose-900">
                {t!("backups.failed", reason = row.error.clone().unwrap_or_default()).to_string()}
            </span>
        }
        .into_any(),
    };
    let size = row.size_bytes.map(|b| format!(" · {}", bytes(b)));
    let counts = (!row.counts.is_empty()).then(|| {
        let items = row.counts.iter().map(|(kind, n)| {
            view! {
                <li>
                    {kind.replace('_', " ")}
                    ": "
                    {n.to_string()}
                </li>
            }
        });
        view! {
            <ul class="grid grid-cols-2 gap-x-6 text-sm sm:grid-cols-4">{items.collect_view()}</ul>
        }
    });
    let missing = (!row.not_included.is_empty()).then(|| {
        let items = row.not_included.iter().map(|n| view! { <li>{n.clone()}</li> });
        view! {
            <h3 class="mt-2 text-sm font-medium">{t!("backups.not_included").to_string()}</h3>
            <ul class="list-disc pl-5 text-sm">{items.collect_view()}</ul>
        }
    });
    let source = row.keycloak_version.as_ref().map(|v| {
        let key = row.key_id.clone().unwrap_or_default();
        view! {
            <p class="mt-2 text-sm text-slate-600">
                {t!("backups.source", version = v, key = key).to_string()}
            </p>
        }
    });
    view! {
        <li
            class="rounded border border-slate-200 p-3"
            data-testid="backup"
            data-state=row.state.clone()
        >
            <p>
                <span class="font-medium">{date_time(row.started_at_ms)}</span>
                " · "
                {if row.uploaded {
                    t!("backups.uploaded_by", who = row.started_by).to_string()
                } else {
                    t!("backups.by", who = row.started_by).to_string()
                }}
                {size}
                " · "
                {state}
                {link}
            </p>
            <details class="mt-1">
                <summary class="cursor-pointer text-sm text-sky-800">
                    {t!("backups.details").to_string()}
                </summary>
                {counts}
                {missing}
                {source}
            </details>
        </li>
    }
}

/// A size in bytes as a person reads it.
fn bytes(n: i64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}
