//! A tenant's health board: the checks of every dependency (Keycloak, the database, the
//! session store, the metrics store) and of the tenant's own realm and mail server, each with
//! since when it is in its state and when it changed, checking again on demand; and the charts
//! of Keycloak's metrics over a time range, drawn on the server.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[cfg(feature = "ssr")]
pub mod board;
#[cfg(feature = "ssr")]
pub mod charts;
#[cfg(feature = "ssr")]
mod queries;

/// How many changes of state the board lists.
pub const CHANGES_SHOWN: i64 = 50;

/// One check as the board shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// Its stable name.
    pub name: String,
    /// What kind of dependency it checks.
    pub kind: String,
    /// Whether the console cannot work without it.
    pub required: bool,
    /// `up`, `degraded` or `down`.
    pub state: String,
    /// How long it took.
    pub duration_ms: i64,
    /// What it said.
    pub message: String,
    /// When it was taken, in ms since the epoch.
    pub checked_at_ms: i64,
    /// Until when it holds.
    pub valid_until_ms: i64,
    /// Since when it is in its state.
    pub since_ms: i64,
}

/// A check that changed state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeView {
    /// The check.
    pub name: String,
    /// The state it left; `None` the first time it was seen.
    pub previous: Option<String>,
    /// The state it entered.
    pub state: String,
    /// What it said then.
    pub message: String,
    /// When, in ms since the epoch.
    pub at_ms: i64,
}

/// The board in one answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthBoard {
    /// Everything together: `up`, `degraded` or `down`.
    pub overall: String,
    /// The global checks, then the tenant's own.
    pub checks: Vec<CheckView>,
    /// The newest changes of state, newest first.
    pub changes: Vec<ChangeView>,
    /// Seconds between two scheduled runs.
    pub interval_s: u64,
}

/// The time range of the charts: a preset (`1h`, `24h`, `7d`, `30d`) or `custom` with `from`
/// and `to` (UTC, `YYYY-MM-DDTHH:MM`, as a `datetime-local` field sends them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartRange {
    /// The preset, or `custom`; empty means `24h`.
    #[serde(default)]
    pub preset: String,
    /// The start of a custom range.
    #[serde(default)]
    pub from: String,
    /// The end of a custom range.
    #[serde(default)]
    pub to: String,
}

/// The presets offered, in order.
pub const PRESETS: [&str; 4] = ["1h", "24h", "7d", "30d"];

/// One chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartView {
    /// Its id, in the CSV download's URL.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What the values are in.
    pub unit: String,
    /// Whether it shows the tenant alone (or the Keycloak every tenant shares).
    pub per_tenant: bool,
    /// The SVG, when there was something to draw.
    pub svg: Option<String>,
    /// The series drawn, in the legend's order.
    pub series: Vec<SeriesKey>,
    /// Why there is no chart: the metrics store is down, or holds nothing for this range.
    pub problem: Option<String>,
}

/// One line of a chart as the legend shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesKey {
    /// Its name, with "(no data)" when it has no value in the range.
    pub name: String,
    /// A small SVG of its colour, dash and marker.
    pub sample_svg: String,
}

/// The charts of a range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCharts {
    /// The range drawn, in seconds since the epoch.
    pub start_s: i64,
    /// Its end.
    pub end_s: i64,
    /// Seconds between two points.
    pub step_s: i64,
    /// The metrics store's kind, or `None` when none is set.
    pub store: Option<String>,
    /// Every chart, with or without data.
    pub charts: Vec<ChartView>,
}

/// The board of `tenant`; checks are run first when the stored ones no longer hold.
#[server(endpoint = "health/board")]
pub async fn read_health_board(tenant: String) -> Result<HealthBoard, AppError> {
    board::board(&tenant, false).await
}

/// Runs every check now (at most once in a few seconds, however many ask) and answers the
/// board.
#[server(endpoint = "health/check")]
pub async fn check_health_now(tenant: String) -> Result<HealthBoard, AppError> {
    board::board(&tenant, true).await
}

/// The charts of `tenant` over `range`.
#[server(endpoint = "health/charts")]
pub async fn read_health_charts(
    tenant: String,
    range: ChartRange,
) -> Result<HealthCharts, AppError> {
    charts::charts(&tenant, &range).await
}
