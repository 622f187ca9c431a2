//! The charts: the range (presets and a custom one), then each chart as the server drew it,
//! with its unit, what it covers, the series it shows, and its numbers as CSV.

use leptos::prelude::*;
use rust_i18n::t;

use crate::api::health::{ChartRange, ChartView, HealthCharts, PRESETS};
use crate::components::error_panel::encode_component;
use crate::components::format::date_time;

/// The charts of a range.
#[component]
pub fn Charts(tenant: String, charts: HealthCharts, range: ChartRange) -> impl IntoView {
    let chosen = if range.preset.is_empty() { "24h".to_owned() } else { range.preset.clone() };
    let presets = PRESETS
        .iter()
        .map(|preset| {
            let current = (chosen == *preset).then_some("page");
            view! {
                <a
                    href=format!("?preset={preset}")
                    aria-current=current
                    class="rounded border border-slate-300 px-2 py-1 \
                    aria-[current=page]:bg-slate-800 aria-[current=page]:text-white"
                >
                    {t!(format!("health.preset.{preset}")).to_string()}
                </a>
            }
        })
        .collect_view();
    let query = range_query(&range);
    let covers = t!(
        "health.covers",
        from = date_time(charts.start_s * 1000),
        to = date_time(charts.end_s * 1000),
        step = charts.step_s
    )
    .to_string();
    let figures = charts
        .charts
        .into_iter()
        .map(|chart| {
            let csv = format!(
                "/export/t/{}/health/{}/series.csv?{query}",
                encode_component(&tenant),
                chart.id
            );
            view! { <ChartFigure chart csv /> }
        })
        .collect_view();

    view! {
        <section class="space-y-4" aria-labelledby="health-charts">
            <h2 id="health-charts" class="text-lg font-semibold">
                {t!("health.charts").to_string()}
            </h2>
            <nav
                class="flex flex-wrap items-center gap-2 text-sm"
                aria-label=t!("health.range").to_string()
            >
                {presets}
                <form method="get" class="flex flex-wrap items-center gap-2">
                    <input type="hidden" name="preset" value="custom" />
                    <TimeField name="from" label=t!("health.from").to_string() value=range.from />
                    <TimeField name="to" label=t!("health.to").to_string() value=range.to />
                    <button type="submit" class="rounded border border-slate-300 px-2 py-1">
                        {t!("health.show").to_string()}
                    </button>
                </form>
            </nav>
            <p class="text-sm text-slate-600">{covers}</p>
            <div class="grid gap-6 2xl:grid-cols-2">{figures}</div>
        </section>
    }
}

/// One end of a custom range, as the browser's date-and-time field.
#[component]
fn TimeField(name: &'static str, label: String, value: String) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                type="datetime-local"
                name=name
                value=value
                class="ml-1 rounded border border-slate-300 px-1"
            />
        </label>
    }
}

#[component]
fn ChartFigure(chart: ChartView, csv: String) -> impl IntoView {
    let scope = if chart.per_tenant { t!("health.this_tenant") } else { t!("health.shared") };
    let caption = format!("{} ({})", chart.title, chart.unit);
    let body = match (chart.svg, chart.problem) {
        (Some(svg), _) => view! { <div class="overflow-x-auto" inner_html=svg></div> }.into_any(),
        (None, problem) => view! {
            <p
                class="rounded border border-dashed border-slate-300 p-6 text-slate-600"
                data-testid="chart-problem"
            >
                {problem.unwrap_or_default()}
            </p>
        }
        .into_any(),
    };
    let legend = chart
        .series
        .into_iter()
        .map(|key| {
            view! {
                <li class="flex items-center gap-1">
                    <span inner_html=key.sample_svg></span>
                    <span>{key.name}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="space-y-2 rounded border border-slate-200 p-3" data-chart=chart.id.clone()>
            <figcaption class="flex flex-wrap items-baseline justify-between gap-2">
                <span class="font-medium">{caption}</span>
                <span class="text-xs text-slate-500">{scope.to_string()}</span>
            </figcaption>
            {body}
            <ul
                class="flex flex-wrap gap-x-4 gap-y-1 text-sm"
                aria-label=t!("health.legend").to_string()
            >
                {legend}
            </ul>
            <a href=csv class="text-sm text-sky-800 underline" download="">
                {t!("health.csv").to_string()}
            </a>
        </figure>
    }
}

/// The range as a query string, for the CSV links.
fn range_query(range: &ChartRange) -> String {
    let mut query = format!("preset={}", encode_component(&range.preset));
    if range.preset == "custom" {
        query.push_str(&format!(
            "&from={}&to={}",
            encode_component(&range.from),
            encode_component(&range.to)
        ));
    }
    query
}
