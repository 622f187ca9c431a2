//! A tenant's backups: whether a key is set (and that losing it loses the backups), taking one
//! now with its progress, the schedule with its retention, and the list with each backup's
//! counts, size, what it leaves out, and who started it.

mod backup_item;
mod compare;
mod restore;
mod restore_item;

use leptos::prelude::*;
use rust_i18n::t;

use super::ForbiddenPanel;
use crate::AppError;
use crate::api::backups::{
    BackupOverview, KeyState, SaveBackupSchedule, StartBackup, list_backups,
};
use crate::api::restores::{ResumeRestore, StartRestore, list_restores};
use crate::components::current_tenant;
use crate::components::error_panel::{ErrorPanel, or_error_panel};
use crate::components::reload::{reload_after, reload_while};
use crate::policy::Action;
use crate::shell::RightsResource;
use backup_item::BackupItem;

/// A button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";
/// The main button's look.
const PRIMARY: &str = "rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800";

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum BackupsView {
    Forbidden,
    Held {
        tenant: String,
        overview: Box<Result<BackupOverview, AppError>>,
        restores: Result<Vec<crate::api::restores::RestoreRow>, AppError>,
    },
}

/// The backups of the tenant in the URL.
#[component]
pub fn BackupsPage() -> impl IntoView {
    let rights = expect_context::<RightsResource>();
    let tenant = current_tenant();
    let start = ServerAction::<StartBackup>::new();
    let schedule = ServerAction::<SaveBackupSchedule>::new();
    let restore = ServerAction::<StartRestore>::new();
    let resume = ServerAction::<ResumeRestore>::new();
    let tick = RwSignal::new(0_u32);
    reload_after(start, tick);
    reload_after(schedule, tick);
    reload_after(restore, tick);
    reload_after(resume, tick);
    let page = Resource::new(move || (tenant.get(), tick.get()), move |(t, _)| load(rights, t));
    reload_while(
        move || {
            page.with(|view| match view {
                Some(Ok(BackupsView::Held { overview, restores, .. })) => {
                    let Ok(overview) = overview.as_ref() else { return false };
                    let restoring = restores
                        .as_ref()
                        .is_ok_and(|rows| rows.iter().any(|r| r.state == "running"));
                    restoring || overview.backups.iter().any(|b| b.state == "running")
                }
                _ => false,
            })
        },
        tick,
    );

    view! {
        <Transition fallback=|| {
            view! { <p>{t!("error.loading").to_string()}</p> }
        }>
            {move || Suspend::new(async move {
                or_error_panel(
                    page.await,
                    |view| match view {
                        BackupsView::Forbidden => view! { <ForbiddenPanel /> }.into_any(),
                        BackupsView::Held { tenant, overview, restores } => {
                            or_error_panel(
                                *overview,
                                |overview| {
                                    let actions = Actions { start, schedule, restore, resume };
                                    view! { <BackupsPanels tenant overview restores actions /> }
                                },
                            )
                        }
                    },
                )
            })}
        </Transition>
    }
}

async fn load(rights: RightsResource, tenant: Option<String>) -> Result<BackupsView, AppError> {
    let rights = rights.await?;
    let Some(held) = tenant.and_then(|t| rights.tenant(&t)).filter(|h| h.can(Action::ViewBackups))
    else {
        return Ok(BackupsView::Forbidden);
    };
    let overview = list_backups(held.tenant.clone()).await;
    let restores = list_restores(held.tenant.clone()).await;
    Ok(BackupsView::Held { tenant: held.tenant, overview: Box::new(overview), restores })
}

/// The page's actions: each reloads the page when it ends.
#[derive(Clone, Copy)]
struct Actions {
    start: ServerAction<StartBackup>,
    schedule: ServerAction<SaveBackupSchedule>,
    restore: ServerAction<StartRestore>,
    resume: ServerAction<ResumeRestore>,
}

#[component]
fn BackupsPanels(
    tenant: String,
    overview: BackupOverview,
    restores: Result<Vec<crate::api::restores::RestoreRow>, AppError>,
    actions: Actions,
) -> impl IntoView {
    let Actions { start, schedule, restore, resume } = actions;
    let can_start = overview.can_manage && overview.key.sealing_key.is_some();
    let running = overview.backups.iter().any(|b| b.state == "running");
    let start_tenant = tenant.clone();
    let start_form = overview.can_manage.then(move || {
        let failed = move || {
            start.value().get().and_then(Result::err).map(|error| view! { <ErrorPanel error /> })
        };
        view! {
            <ActionForm action=start>
                <input type="hidden" name="tenant" value=start_tenant />
                <button
                    type="submit"
                    class=PRIMARY
                    data-testid="backup-now"
                    disabled=!can_start || running
                >
                    {t!("backups.now").to_string()}
                </button>
            </ActionForm>
            {failed}
        }
        .into_any()
    });
    let schedule_form = overview.can_manage.then(|| {
        view! { <ScheduleForm tenant=tenant.clone() overview=overview.clone() schedule /> }
            .into_any()
    });
    let rows = overview.backups.clone();
    let manage = overview.can_manage;
    let download = manage.then(|| tenant.clone());
    let empty = rows.is_empty().then(|| {
        view! { <p class="mt-3 text-slate-600">{t!("backups.none").to_string()}</p> }
    });

    view! {
        <div>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h1 class="text-2xl font-semibold">{t!("backups.title").to_string()}</h1>
                {start_form}
            </div>
            {view! { <KeyPanel key=overview.key.clone() /> }.into_any()}
            {schedule_form}
            {view! {
                <compare::CompareForm tenant=tenant.clone() backups=overview.backups.clone() />
            }
                .into_any()}
            {manage
                .then(|| {
                    view! {
                        <restore::RestoreSection
                            tenant=tenant.clone()
                            backups=overview.backups.clone()
                            restores=restores.clone()
                            start=restore
                            resume
                        />
                        <restore::UploadForm tenant=tenant.clone() />
                    }
                        .into_any()
                })}
            <section aria-labelledby="backups-list" class="mt-6">
                <h2 id="backups-list" class="text-lg font-medium">
                    {t!("backups.list").to_string()}
                </h2>
                {empty}
                <ul class="mt-2 space-y-3" data-testid="backups">
                    {rows
                        .into_iter()
                        .map(|row| {
                            let download = download.clone();
                            view! { <BackupItem row download /> }.into_any()
                        })
                        .collect_view()}
                </ul>
            </section>
        </div>
    }
}

/// The key: its id, or why none can be used, and what losing it means.
#[component]
fn KeyPanel(key: KeyState) -> impl IntoView {
    let state = match (&key.sealing_key, &key.problem) {
        (Some(id), _) => view! {
            <p data-testid="backup-key">
                {t!("backups.key_set", id = id).to_string()}
                {(!key.earlier_keys.is_empty())
                    .then(|| {
                        t!("backups.key_earlier", ids = key.earlier_keys.join(", ")).to_string()
                    })}
            </p>
        }
        .into_any(),
        (None, problem) => view! {
            <p role="alert" class="font-medium text-rose-900" data-testid="backup-key">
                {problem.clone().unwrap_or_default()}
            </p>
        }
        .into_any(),
    };
    view! {
        <section
            aria-labelledby="backup-key-title"
            class="mt-4 rounded border border-amber-300 bg-amber-50 p-4 text-amber-950"
        >
            <h2 id="backup-key-title" class="font-medium">
                {t!("backups.key_title").to_string()}
            </h2>
            {state}
            <p class="mt-1 text-sm">{t!("backups.key_where", place = key.read_from).to_string()}</p>
            <p class="mt-1 text-sm font-medium">{t!("backups.key_loss").to_string()}</p>
        </section>
    }
}

#[component]
fn ScheduleForm(
    tenant: String,
    overview: BackupOverview,
    schedule: ServerAction<SaveBackupSchedule>,
) -> impl IntoView {
    let now = overview.schedule;
    let field = |name: &'static str, label: String, value: u32| {
        view! {
            <label class="flex flex-col text-sm">
                {label}
                <input
                    type="number"
                    min="0"
                    name=name
                    value=value.to_string()
                    class="mt-1 w-28 rounded border border-slate-300 px-2 py-1"
                />
            </label>
        }
    };
    let result = move || match schedule.value().get() {
        Some(Ok(_)) => Some(
            view! {
                <p role="status" class="text-sm text-emerald-800">
                    {t!("backups.saved").to_string()}
                </p>
            }
            .into_any(),
        ),
        Some(Err(error)) => Some(view! { <ErrorPanel error /> }.into_any()),
        None => None,
    };
    view! {
        <section aria-labelledby="backup-schedule" class="mt-6">
            <h2 id="backup-schedule" class="text-lg font-medium">
                {t!("backups.schedule").to_string()}
            </h2>
            <ActionForm action=schedule attr:class="mt-2 flex flex-wrap items-end gap-3">
                <input type="hidden" name="tenant" value=tenant />
                {field("every_hours", t!("backups.every_hours").to_string(), now.every_hours)}
                {field("keep_last", t!("backups.keep_last").to_string(), now.keep_last)}
                {field("keep_daily", t!("backups.keep_daily").to_string(), now.keep_daily)}
                {field("keep_weekly", t!("backups.keep_weekly").to_string(), now.keep_weekly)}
                <button type="submit" class=BUTTON>
                    {t!("backups.save").to_string()}
                </button>
            </ActionForm>
            {result}
        </section>
    }
}
