//! The health chart benchmark: a 30-day chart of 10 series at one-minute resolution (432,000
//! points, with gaps and spikes) drawn into SVG, reduced as the console draws it, side by side
//! with the same chart drawn from every point. Prints a table and writes
//! `target/bench/health.json`. Goals: under 200 ms and under 300 KB.
//!
//! `server/dev/bench health` runs it (`cargo bench -p cloudtrust-app --features ssr --bench
//! charts`).

// A benchmark is a tool that prints its table.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use cloudtrust_app::charts::{ChartSpec, Line, render_svg, render_svg_unreduced};
use cloudtrust_backend::metrics::Point;

const SERIES: usize = 10;
const MINUTES: i64 = 30 * 24 * 60;
const RUNS: usize = 7;

/// Ten series of a month at one-minute steps: a daily wave, noise, a spike a day, and an
/// hour-long gap in every other series.
fn month() -> Vec<Line> {
    let start = 1_780_000_000_i64;
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 1000) as f64 / 1000.0
    };
    (0..SERIES)
        .map(|s| {
            let points = (0..MINUTES)
                .map(|m| {
                    let wave = ((m as f64 / 1440.0) * std::f64::consts::TAU).sin() * 40.0 + 60.0;
                    let spike = if m % 1440 == 700 + s as i64 * 13 { 400.0 } else { 0.0 };
                    let gap = s % 2 == 1 && (20_000..20_060).contains(&m);
                    let v = (!gap).then(|| wave + spike + noise() * 10.0 + s as f64 * 5.0);
                    Point { t: start + m * 60, v }
                })
                .collect();
            Line { name: format!("client-{s}"), points }
        })
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let lines = month();
    let spec = ChartSpec {
        title: "Sign-ins per client".into(),
        unit: "sign-ins per minute".into(),
        start_s: lines[0].points[0].t,
        end_s: lines[0].points.last().unwrap().t,
        size: (760, 280),
    };
    let points: usize = lines.iter().map(|l| l.points.len()).sum();

    let mut times = Vec::new();
    let mut svg = String::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        svg = render_svg(&spec, &lines).expect("the chart draws");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let started = Instant::now();
    let full = render_svg_unreduced(&spec, &lines).expect("the full chart draws");
    let full_ms = started.elapsed().as_secs_f64() * 1000.0;

    let render_ms = median(times);
    let svg_kb = svg.len() as f64 / 1024.0;
    let full_kb = full.len() as f64 / 1024.0;
    let figures = [
        ("chart_render_ms", render_ms, "ms", "every point drawn", full_ms),
        ("chart_svg_kb", svg_kb, "KB", "every point drawn", full_kb),
    ];

    println!("health chart: {SERIES} series, {points} points, 30 days at 1 min, median of {RUNS}");
    println!(
        "{:<18} {:>10} {:>6}   {:<20} {:>10} {:>7}",
        "figure", "value", "unit", "baseline", "value", "ratio"
    );
    let mut json = Vec::new();
    for (figure, value, unit, baseline, baseline_value) in figures {
        let ratio = value / baseline_value;
        println!(
            "{figure:<18} {value:>10.1} {unit:>6}   {baseline:<20} {baseline_value:>10.1} \
             {ratio:>7.3}"
        );
        json.push(format!(
            "  {{\"figure\": \"{figure}\", \"value\": {value:.3}, \"unit\": \"{unit}\", \
             \"baseline\": \"{baseline}\", \"baseline_value\": {baseline_value:.3}, \
             \"ratio\": {ratio:.5}}}"
        ));
    }
    println!(
        "goals: chart_render_ms < 200 ({}), chart_svg_kb < 300 ({})",
        if render_ms < 200.0 { "met" } else { "NOT met" },
        if svg_kb < 300.0 { "met" } else { "NOT met" }
    );

    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench");
    std::fs::create_dir_all(dir).expect("target/bench");
    let out = format!("{dir}/health.json");
    std::fs::write(&out, format!("[\n{}\n]\n", json.join(",\n"))).expect("health.json");
    println!("wrote {out}");
}
