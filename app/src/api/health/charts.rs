//! The charts: what each one asks of the metrics store, the time range, and the drawing. The
//! queries run at once; a metrics store that is down or slow turns every chart into a message
//! saying so, never into a page that hangs or a line at zero.

use cloudtrust_backend::metrics::{MetricsError, MetricsStore, Series, TimeRange};
use tracing::warn;

pub use super::queries::{CHARTS, ChartDef, QueryArgs};
use super::{ChartRange, ChartView, HealthCharts, SeriesKey};
use crate::AppError;
use crate::charts::{ChartSpec, Line, legend_sample, render_svg};
use crate::components::format::parse_date;
use crate::policy::Action;
use crate::ssr::{authorize, context, fail};

/// About how many points a chart asks for.
const POINTS: i64 = 300;
/// The shortest step asked for: the demo's scrape interval.
const MIN_STEP_S: i64 = 15;
/// The longest range a custom one may span.
const MAX_SPAN_S: i64 = 400 * 86_400;
/// The size of every chart, in pixels.
const SIZE: (u32, u32) = (760, 280);

/// The board's charts of `tenant` over `range`.
pub async fn charts(tenant: &str, range: &ChartRange) -> Result<HealthCharts, AppError> {
    authorize(Action::ViewHealth, Some(tenant)).await?;
    let grid = time_range(range, now_s()).map_err(fail)?;
    let Some(store) = context().metrics else {
        let problem = "No metrics store is set (CTC_METRICS_URL): charts are off.";
        let charts = CHARTS.iter().map(|def| empty(def, problem.to_owned())).collect();
        return Ok(HealthCharts {
            start_s: grid.start_s,
            end_s: grid.end_s,
            step_s: grid.step_s,
            store: None,
            charts,
        });
    };

    let ctx = context();
    let (metrics, range_grid, job) = (store.as_ref(), &grid, ctx.keycloak_metrics_job.as_str());
    let drawn = CHARTS.iter().map(|def| async move {
        match chart_lines(metrics, def, tenant, job, range_grid).await {
            Ok(lines) => draw(def, &lines, range_grid),
            Err(err) => {
                warn!(%err, chart = def.id, "chart query failed");
                empty(def, err.to_string())
            }
        }
    });
    let charts = futures::future::join_all(drawn).await;

    Ok(HealthCharts {
        start_s: grid.start_s,
        end_s: grid.end_s,
        step_s: grid.step_s,
        store: Some(store.kind().to_owned()),
        charts,
    })
}

/// The lines of one chart: each query's series, named by their labels.
pub async fn chart_lines(
    store: &dyn MetricsStore,
    def: &ChartDef,
    tenant: &str,
    job: &str,
    grid: &TimeRange,
) -> Result<Vec<Line>, MetricsError> {
    let window = format!("{}s", (grid.step_s * 2).max(60));
    let (tenant, job) = (label_value(tenant), label_value(job));
    let args = QueryArgs { tenant: &tenant, window: &window, job: &job };
    let queries = (def.query)(&args);
    let answers =
        futures::future::join_all(queries.iter().map(|(_, query)| store.query_range(query, grid)))
            .await;

    let mut lines = Vec::new();
    for ((prefix, _), answer) in queries.iter().zip(answers) {
        for series in answer? {
            lines.push(line_of(prefix, def.fallback, series));
        }
    }
    lines.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(lines)
}

fn line_of(prefix: &str, fallback: &str, series: Series) -> Line {
    let name = if prefix.is_empty() { series.name(fallback) } else { prefix.to_owned() };
    Line { name, points: series.points }
}

fn draw(def: &ChartDef, lines: &[Line], grid: &TimeRange) -> ChartView {
    if !lines.iter().any(|l| l.points.iter().any(|p| p.v.is_some())) {
        return empty(def, "The metrics store holds no values for this range.".to_owned());
    }
    let spec = ChartSpec {
        title: def.title.to_owned(),
        unit: def.unit.to_owned(),
        start_s: grid.start_s,
        end_s: grid.end_s,
        size: SIZE,
    };
    match render_svg(&spec, lines) {
        Ok(svg) => ChartView {
            svg: Some(svg),
            series: lines
                .iter()
                .enumerate()
                .map(|(index, line)| SeriesKey {
                    name: if line.points.iter().any(|p| p.v.is_some()) {
                        line.name.clone()
                    } else {
                        format!("{} (no data)", line.name)
                    },
                    sample_svg: legend_sample(index),
                })
                .collect(),
            problem: None,
            ..empty(def, String::new())
        },
        Err(err) => {
            warn!(%err, chart = def.id, "chart drawing failed");
            empty(def, "The chart could not be drawn.".to_owned())
        }
    }
}

fn empty(def: &ChartDef, problem: String) -> ChartView {
    ChartView {
        id: def.id.to_owned(),
        title: def.title.to_owned(),
        unit: def.unit.to_owned(),
        per_tenant: def.per_tenant,
        svg: None,
        series: Vec::new(),
        problem: Some(problem),
    }
}

/// The range asked, cut into steps: a preset ending now, or a custom one whose ends are
/// checked (readable, in order, not too long; an end in the future is now).
pub fn time_range(range: &ChartRange, now: i64) -> Result<TimeRange, AppError> {
    let span = match range.preset.as_str() {
        "" | "24h" => 86_400,
        "1h" => 3_600,
        "7d" => 7 * 86_400,
        "30d" => 30 * 86_400,
        "custom" => return custom_range(range, now),
        other => {
            return Err(AppError::invalid(
                "preset",
                format!("{other:?} is not a range: choose 1h, 24h, 7d, 30d or custom."),
            ));
        }
    };
    Ok(TimeRange::with_points(now - span, now, POINTS, MIN_STEP_S))
}

fn custom_range(range: &ChartRange, now: i64) -> Result<TimeRange, AppError> {
    let from = parse_minute(&range.from).ok_or_else(|| {
        AppError::invalid(
            "from",
            format!("{:?} is not a date and time (YYYY-MM-DDTHH:MM, UTC).", range.from),
        )
    })?;
    let to = parse_minute(&range.to).ok_or_else(|| {
        AppError::invalid(
            "to",
            format!("{:?} is not a date and time (YYYY-MM-DDTHH:MM, UTC).", range.to),
        )
    })?;
    let to = to.min(now);
    if from >= to {
        return Err(AppError::invalid(
            "to",
            "The end must come after the start (and the start before now).",
        ));
    }
    if to - from > MAX_SPAN_S {
        return Err(AppError::invalid("from", "A range may span at most 400 days."));
    }
    Ok(TimeRange::with_points(from, to, POINTS, MIN_STEP_S))
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM` (or with a space, or `:SS`), in UTC.
fn parse_minute(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, clock) = text.split_once(['T', ' '])?;
    let day_ms = parse_date(date)?;
    let mut parts = clock.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    let seconds: i64 = parts.next().map_or(Some(0), |s| s.parse().ok())?;
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    Some(day_ms / 1000 + hours * 3600 + minutes * 60 + seconds)
}

/// A realm name as a PromQL string: realm names are plain already, but quotes and
/// backslashes are escaped anyway.
fn label_value(tenant: &str) -> String {
    tenant.replace('\\', "\\\\").replace('"', "\\\"")
}

fn now_s() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The chart with this id.
pub fn chart_def(id: &str) -> Option<&'static ChartDef> {
    CHARTS.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::{ChartRange, parse_minute, time_range};

    fn custom(from: &str, to: &str) -> ChartRange {
        ChartRange { preset: "custom".into(), from: from.into(), to: to.into() }
    }

    #[test]
    fn a_preset_ends_now_with_about_three_hundred_points() {
        let range =
            time_range(&ChartRange { preset: "30d".into(), ..Default::default() }, 10_000_000)
                .unwrap();

        assert_eq!(range.end_s, 10_000_000);
        assert_eq!(range.end_s - range.start_s, 30 * 86_400);
        assert!((250..=310).contains(&range.steps()), "{}", range.steps());
    }

    #[test]
    fn a_reversed_range_is_refused_naming_its_end() {
        let now = parse_minute("2026-12-04T12:00").unwrap();

        let err = time_range(&custom("2026-12-03T10:00", "2026-12-02T10:00"), now).unwrap_err();

        assert_eq!(err.field.as_deref(), Some("to"));
    }

    #[test]
    fn a_malformed_date_is_refused_naming_its_field_and_value() {
        let err =
            time_range(&custom("2026-02-30T10:00", "2026-03-01T10:00"), 2_000_000_000).unwrap_err();

        assert_eq!(err.field.as_deref(), Some("from"));
        assert!(err.message.contains("2026-02-30T10:00"), "{}", err.message);
    }

    #[test]
    fn an_unknown_preset_is_refused() {
        let range = ChartRange { preset: "1y".into(), ..Default::default() };

        assert_eq!(time_range(&range, 0).unwrap_err().field.as_deref(), Some("preset"));
    }

    #[test]
    fn a_custom_end_in_the_future_is_now() {
        let now = parse_minute("2026-12-04T12:00").unwrap();

        let range = time_range(&custom("2026-12-04T11:00", "2027-01-01T00:00"), now).unwrap();

        assert_eq!(range.end_s, now);
        assert_eq!(
            parse_minute("2026-12-04 11:00:30").unwrap()
                - parse_minute("2026-12-04T11:00").unwrap(),
            30
        );
        assert_eq!(parse_minute("2026-12-04T24:00"), None);
    }
}
