//! Restoring: the choice (which backup, into a new realm or the live one, what to do with a
//! conflict, whether to email users), the dry run that must come first, the restore itself,
//! and the list of restores with each step, the check after, and running a stopped one again.
//! Also the upload of a realm export made elsewhere, a plain form that works without WASM.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rust_i18n::t;

use super::restore_item::RestoreItem;
use crate::AppError;
use crate::api::backups::BackupRow;
use crate::api::restores::{
    INTO_LIVE, INTO_NEW, PlanRestore, RestoreChoice, RestorePlanView, RestoreRow, ResumeRestore,
    StartRestore,
};
use crate::components::error_panel::{ErrorPanel, or_error_panel};
use crate::components::format::date_time;

/// A button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";
/// The main button's look.
const PRIMARY: &str = "rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 \
    disabled:opacity-50";
/// A field's look.
const FIELD: &str = "mt-1 rounded border border-slate-300 px-2 py-1";

/// The upload form, and what the last upload did (from the page's query).
#[component]
pub fn UploadForm(tenant: String) -> impl IntoView {
    let query = use_query_map();
    let said = move || {
        let query = query.get();
        if let Some(error) = query.get("error") {
            return Some(
                view! { <p role="alert" class="text-sm text-rose-900">{error}</p> }.into_any(),
            );
        }
        query.get("uploaded").map(|n| {
            view! {
                <p role="status" class="text-sm text-emerald-800">
                    {t!("restores.uploaded", n = n).to_string()}
                </p>
            }
            .into_any()
        })
    };
    view! {
        <section aria-labelledby="backup-upload" class="mt-6">
            <h2 id="backup-upload" class="text-lg font-medium">
                {t!("restores.upload").to_string()}
            </h2>
            <p class="text-sm text-slate-600">{t!("restores.upload_hint").to_string()}</p>
            <form
                method="post"
                enctype="multipart/form-data"
                action=format!("/backups/t/{tenant}/upload")
                class="mt-2 flex flex-wrap items-end gap-3"
            >
                <label class="flex flex-col text-sm">
                    {t!("restores.upload_file").to_string()}
                    <input type="file" name="file" accept=".json,application/json" required />
                </label>
                <button type="submit" class=BUTTON data-testid="backup-upload">
                    {t!("restores.upload_go").to_string()}
                </button>
            </form>
            <div aria-live="polite">{said}</div>
        </section>
    }
}

/// The restore form, the dry run's answer, and the list of restores (read with the page, so
/// that the page reloads it after a restore starts and while one runs).
#[component]
pub fn RestoreSection(
    tenant: String,
    backups: Vec<BackupRow>,
    restores: Result<Vec<RestoreRow>, AppError>,
    start: ServerAction<StartRestore>,
    resume: ServerAction<ResumeRestore>,
) -> impl IntoView {
    let complete: Vec<BackupRow> = backups.into_iter().filter(|b| b.state == "complete").collect();
    let plan = ServerAction::<PlanRestore>::new();
    let first = complete.first().map(|b| b.id.clone()).unwrap_or_default();
    let choice = RwSignal::new(RestoreChoice {
        source: first,
        into: INTO_NEW.to_owned(),
        new_realm: format!("{tenant}-restored"),
        conflicts: "skip".to_owned(),
        email_users: false,
    });
    let form = (!complete.is_empty()).then(|| {
        let tenant = tenant.clone();
        view! { <ChoiceForm tenant complete choice plan start /> }.into_any()
    });
    let list = or_error_panel(restores, move |rows| {
        if rows.is_empty() {
            return view! { <p class="text-slate-600">{t!("restores.none").to_string()}</p> }
                .into_any();
        }
        let items = rows
            .into_iter()
            .map(|row| {
                let tenant = tenant.clone();
                view! { <RestoreItem tenant row resume /> }.into_any()
            })
            .collect_view();
        view! { <ul class="space-y-3" data-testid="restores">{items}</ul> }.into_any()
    });
    view! {
        <section aria-labelledby="backup-restore" class="mt-6">
            <h2 id="backup-restore" class="text-lg font-medium">
                {t!("restores.title").to_string()}
            </h2>
            <p class="text-sm text-slate-600">{t!("restores.hint").to_string()}</p>
            {form}
            <h3 class="mt-4 font-medium">{t!("restores.list").to_string()}</h3>
            {list}
        </section>
    }
}

#[component]
fn ChoiceForm(
    tenant: String,
    complete: Vec<BackupRow>,
    choice: RwSignal<RestoreChoice>,
    plan: ServerAction<PlanRestore>,
    start: ServerAction<StartRestore>,
) -> impl IntoView {
    let options = complete
        .iter()
        .map(|b| {
            let label = format!("{} ({})", date_time(b.started_at_ms), b.started_by);
            view! { <option value=b.id.clone()>{label}</option> }
        })
        .collect_view();
    let set = move |edit: fn(&mut RestoreChoice, String)| {
        move |ev| choice.update(|c| edit(c, event_target_value(&ev)))
    };
    let dry_tenant = tenant.clone();
    let dry_run = move |_| {
        let now = choice.get_untracked();
        plan.dispatch(PlanRestore { tenant: dry_tenant.clone(), choice: now });
    };
    let answer = move || match plan.value().get() {
        Some(Ok(found)) => {
            // The restore runs the choice the answer on screen was made for, and only while
            // the form still says the same and no newer dry run is on its way.
            let stale = found.choice != choice.get();
            let refused = found.refused.is_some();
            let (tenant, planned) = (tenant.clone(), found.choice.clone());
            let run = move |_| {
                let choice = planned.clone();
                start.dispatch(StartRestore { tenant: tenant.clone(), choice });
            };
            let started = start.value().get().and_then(Result::err).map(|error| {
                view! { <ErrorPanel error /> }
            });
            Some(
                view! {
                    <PlanPanel found />
                    {stale.then(|| {
                        view! {
                            <p role="status" class="text-sm text-amber-900">
                                {t!("restores.changed_since").to_string()}
                            </p>
                        }
                    })}
                    <button
                        type="button"
                        class=PRIMARY
                        data-testid="restore-start"
                        disabled=move || {
                            stale || refused || start.pending().get() || plan.pending().get()
                        }
                        on:click=run
                    >
                        {t!("restores.start").to_string()}
                    </button>
                    {started}
                }
                .into_any(),
            )
        }
        Some(Err(error)) => Some(view! { <ErrorPanel error /> }.into_any()),
        None => None,
    };
    let is_new = move || choice.with(|c| c.into == INTO_NEW);
    view! {
        <div class="mt-2 flex flex-wrap items-end gap-3">
            <label class="flex flex-col text-sm">
                {t!("restores.source").to_string()}
                <select
                    class=FIELD
                    on:change=set(|c, v| c.source = v)
                    prop:value=move || choice.with(|c| c.source.clone())
                    data-testid="restore-source"
                >
                    {options}
                </select>
            </label>
            <label class="flex flex-col text-sm">
                {t!("restores.into").to_string()}
                <select
                    class=FIELD
                    on:change=set(|c, v| c.into = v)
                    prop:value=move || choice.with(|c| c.into.clone())
                    data-testid="restore-into"
                >
                    <option value=INTO_NEW>{t!("restores.into_new").to_string()}</option>
                    <option value=INTO_LIVE>{t!("restores.into_live").to_string()}</option>
                </select>
            </label>
            <label class="flex flex-col text-sm" class:hidden=move || !is_new()>
                {t!("restores.new_realm").to_string()}
                <input
                    class=FIELD
                    prop:value=move || choice.with(|c| c.new_realm.clone())
                    on:input=set(|c, v| c.new_realm = v)
                    data-testid="restore-realm"
                />
            </label>
            <label class="flex flex-col text-sm" class:hidden=is_new>
                {t!("restores.conflicts").to_string()}
                <select
                    class=FIELD
                    on:change=set(|c, v| c.conflicts = v)
                    prop:value=move || choice.with(|c| c.conflicts.clone())
                    data-testid="restore-conflicts"
                >
                    <option value="skip">{t!("restores.skip").to_string()}</option>
                    <option value="overwrite">{t!("restores.overwrite").to_string()}</option>
                    <option value="fail">{t!("restores.fail").to_string()}</option>
                </select>
            </label>
            <label class="flex items-center gap-2 text-sm">
                <input
                    type="checkbox"
                    prop:checked=move || choice.with(|c| c.email_users)
                    on:change=move |ev| {
                        choice.update(|c| c.email_users = event_target_checked(&ev))
                    }
                />
                {t!("restores.email").to_string()}
            </label>
            <button type="button" class=BUTTON on:click=dry_run data-testid="restore-dry-run">
                {t!("restores.dry_run").to_string()}
            </button>
        </div>
        <div aria-live="polite" class="mt-3 space-y-3" data-testid="restore-plan">
            {move || plan.pending().get().then(|| t!("restores.planning").to_string())}
            {answer}
        </div>
    }
}

/// The dry run's answer: per kind what happens, then the traps and what to set again.
#[component]
fn PlanPanel(found: RestorePlanView) -> impl IntoView {
    let conflicts = match found.choice.conflicts.as_str() {
        "overwrite" => t!("restores.overwrite"),
        "fail" => t!("restores.fail"),
        _ => t!("restores.skip"),
    };
    let said_choice = if found.new_realm {
        t!("restores.plan_new", email = yes_no(found.choice.email_users)).to_string()
    } else {
        t!("restores.plan_live", conflicts = conflicts, email = yes_no(found.choice.email_users))
            .to_string()
    };
    let refused = found.refused.clone().map(|reason| {
        view! {
            <p role="alert" class="font-medium text-rose-900">
                {t!("restores.refused", reason = reason).to_string()}
            </p>
        }
    });
    let kinds = found
        .kinds
        .iter()
        .filter(|k| k.create_total + k.conflicts_total > 0)
        .map(|k| {
            let title = t!(
                "restores.plan_kind",
                kind = k.kind.replace('_', " "),
                create = k.create_total,
                conflicts = k.conflicts_total,
                same = k.same,
                only = k.only_in_realm
            )
            .to_string();
            let not_restored = (!k.restored).then(|| t!("restores.not_restored").to_string());
            let created = (!k.create.is_empty()).then(|| {
                view! {
                    <p class="text-sm">
                        <span class="font-medium">{t!("restores.created").to_string()}</span>
                        " "
                        {k.create.join(", ")}
                    </p>
                }
            });
            let conflicts = k
                .conflicts
                .iter()
                .map(|c| {
                    let fields: Vec<String> = c.fields.iter().map(|f| f.field.clone()).collect();
                    view! {
                        <li>
                            <span class="font-medium">{c.name.clone()}</span>
                            ": "
                            {fields.join(", ")}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <details class="rounded border border-slate-200 p-2">
                    <summary class="cursor-pointer">{title} " " {not_restored}</summary>
                    {created}
                    <ul class="list-disc pl-5 text-sm">{conflicts}</ul>
                </details>
            }
            .into_any()
        })
        .collect_view();
    let list = |title: String, items: Vec<String>| {
        (!items.is_empty()).then(|| {
            let items = items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view();
            view! {
                <h4 class="text-sm font-medium">{title}</h4>
                <ul class="list-disc pl-5 text-sm">{items}</ul>
            }
        })
    };
    view! {
        <div class="space-y-2">
            <h3 class="font-medium">
                {t!("restores.plan_title", realm = found.realm).to_string()}
            </h3>
            <p class="text-sm">{said_choice}</p>
            {refused}
            {kinds}
            {list(t!("restores.warnings").to_string(), found.warnings)}
            {list(t!("restores.set_again").to_string(), found.to_set_again)}
        </div>
    }
}

fn yes_no(yes: bool) -> String {
    if yes { t!("restores.email_yes") } else { t!("restores.email_no") }.to_string()
}
