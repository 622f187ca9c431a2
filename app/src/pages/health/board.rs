//! The status board: everything together, each check with its state in words and a symbol
//! (never colour alone), and the changes of state.

use leptos::prelude::*;
use rust_i18n::t;

use crate::api::health::{ChangeView, CheckHealthNow, CheckView, HealthBoard};
use crate::components::error_panel::ErrorPanel;
use crate::components::format::date_time;

/// A button's look.
const BUTTON: &str = "rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";

/// The board, with the button that checks again now.
#[component]
pub fn Board(
    tenant: String,
    board: HealthBoard,
    check_now: ServerAction<CheckHealthNow>,
) -> impl IntoView {
    let failed = move || {
        check_now.value().get().and_then(Result::err).map(|error| view! { <ErrorPanel error /> })
    };
    let every = t!("health.every", seconds = board.interval_s).to_string();
    let rows = board.checks.into_iter().map(|check| view! { <CheckRow check /> }).collect_view();
    let changes = if board.changes.is_empty() {
        view! { <p class="text-slate-600">{t!("health.no_changes").to_string()}</p> }.into_any()
    } else {
        let items =
            board.changes.into_iter().map(|change| view! { <ChangeItem change /> }).collect_view();
        view! { <ol class="space-y-1 text-sm" data-testid="health-changes">{items}</ol> }.into_any()
    };

    view! {
        <section class="space-y-4" aria-labelledby="health-board">
            <div class="flex flex-wrap items-center gap-4">
                <h2 id="health-board" class="text-lg font-semibold">
                    {t!("health.board").to_string()}
                </h2>
                <StateBadge state=board.overall.clone() testid="health-overall" />
                <ActionForm action=check_now>
                    <input type="hidden" name="tenant" value=tenant />
                    <button type="submit" class=BUTTON disabled=move || check_now.pending().get()>
                        {t!("health.check_now").to_string()}
                    </button>
                </ActionForm>
                <span class="text-sm text-slate-600">{every}</span>
            </div>
            {failed}
            <table class="w-full text-left text-sm" data-testid="health-checks">
                <thead class="border-b border-slate-300 text-slate-600">
                    <tr>
                        <th scope="col" class="py-2">{t!("health.check").to_string()}</th>
                        <th scope="col">{t!("health.state").to_string()}</th>
                        <th scope="col">{t!("health.since").to_string()}</th>
                        <th scope="col">{t!("health.took").to_string()}</th>
                        <th scope="col">{t!("health.said").to_string()}</th>
                        <th scope="col">{t!("health.holds_until").to_string()}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3 class="font-semibold">{t!("health.changes").to_string()}</h3>
            {changes}
        </section>
    }
}

#[component]
fn CheckRow(check: CheckView) -> impl IntoView {
    let label = check_label(&check.name);
    let required = if check.required { String::new() } else { t!("health.optional").to_string() };
    view! {
        <tr class="border-b border-slate-100 align-top" data-check=check.name.clone()>
            <td class="py-2 pr-4">
                <span class="font-medium">{label}</span>
                <span class="ml-2 text-xs text-slate-500">{required}</span>
            </td>
            <td class="pr-4"><StateBadge state=check.state testid="health-state" /></td>
            <td class="pr-4 whitespace-nowrap">{date_time(check.since_ms)}</td>
            <td class="pr-4 whitespace-nowrap">{format!("{} ms", check.duration_ms)}</td>
            <td class="pr-4">{check.message}</td>
            <td class="whitespace-nowrap">{date_time(check.valid_until_ms)}</td>
        </tr>
    }
}

#[component]
fn ChangeItem(change: ChangeView) -> impl IntoView {
    let from = match &change.previous {
        Some(previous) => state_words(previous),
        None => t!("health.first_seen").to_string(),
    };
    view! {
        <li>
            <span class="whitespace-nowrap text-slate-600">{date_time(change.at_ms)}</span>
            " · "
            <span class="font-medium">{check_label(&change.name)}</span>
            " · "
            {from}
            " → "
            <strong>{state_words(&change.state)}</strong>
            " · "
            <span class="text-slate-600">{change.message}</span>
        </li>
    }
}

/// A state in a symbol and a word, coloured too.
#[component]
fn StateBadge(state: String, testid: &'static str) -> impl IntoView {
    let class = match state.as_str() {
        "up" => "bg-emerald-100 text-emerald-900",
        "degraded" => "bg-amber-100 text-amber-900",
        _ => "bg-red-100 text-red-900",
    };
    view! {
        <span
            class=format!("rounded px-2 py-0.5 text-sm font-medium {class}")
            data-testid=testid
            data-state=state.clone()
        >
            {state_words(&state)}
        </span>
    }
}

/// `✓ up`, `▲ degraded`, `✕ down`.
fn state_words(state: &str) -> String {
    match state {
        "up" => format!("✓ {}", t!("health.up")),
        "degraded" => format!("▲ {}", t!("health.degraded")),
        _ => format!("✕ {}", t!("health.down")),
    }
}

/// What a check is called on the board.
fn check_label(name: &str) -> String {
    match name {
        "keycloak.admin-api" => t!("health.checks.admin_api").to_string(),
        "keycloak.ready" => t!("health.checks.ready").to_string(),
        "keycloak.live" => t!("health.checks.live").to_string(),
        "keycloak.started" => t!("health.checks.started").to_string(),
        "database" => t!("health.checks.database").to_string(),
        "sessions" => t!("health.checks.sessions").to_string(),
        "metrics-store" => t!("health.checks.metrics").to_string(),
        other if other.ends_with(".realm") => t!("health.checks.realm").to_string(),
        other if other.ends_with(".mail") => t!("health.checks.mail").to_string(),
        other => other.to_owned(),
    }
}
