//! The drawing itself: axes with units and times, one styled line per series with markers
//! along it, and the sample of each line that the page's legend shows beside its name.

use cloudtrust_backend::metrics::Point;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters_backend::{BackendCoord, DrawingBackend, DrawingErrorKind};

use super::{ChartError, ChartSpec, Line, downsample};

/// The Okabe-Ito palette, told apart with colour-blindness (yellow left out: it does not
/// read on white).
const COLOURS: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x00, 0x00),
];

/// Dash and space lengths per line; `(0, 0)` is solid.
const DASHES: [(u32, u32); 4] = [(0, 0), (8, 4), (2, 3), (12, 4)];

/// Markers per line, shown every so often along it and in the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Marker {
    Circle,
    Triangle,
    Square,
    Cross,
}

const MARKERS: [Marker; 4] = [Marker::Circle, Marker::Triangle, Marker::Square, Marker::Cross];

/// How a line is drawn: colour, dash and marker; 7 × 4 × 4 lines before two look alike.
#[derive(Clone, Copy)]
struct LineStyle {
    colour: RGBColor,
    dash: (u32, u32),
    marker: Marker,
}

fn style_of(index: usize) -> LineStyle {
    LineStyle {
        colour: COLOURS[index % COLOURS.len()],
        dash: DASHES[index % DASHES.len()],
        marker: MARKERS[(index / DASHES.len() + index) % MARKERS.len()],
    }
}

/// Draws `lines` as an SVG document, each reduced to what the chart's pixels can show.
pub fn render_svg(spec: &ChartSpec, lines: &[Line]) -> Result<String, ChartError> {
    let columns = spec.size.0.saturating_sub(90).max(10) as usize;
    let reduced: Vec<Vec<Point>> = lines
        .iter()
        .map(|line| downsample(&line.points, spec.start_s, spec.end_s, columns))
        .collect();
    draw(spec, &reduced)
}

/// Draws every point of `lines` as it is: what a chart costs without [`downsample`], the
/// benchmark's baseline.
pub fn render_svg_unreduced(spec: &ChartSpec, lines: &[Line]) -> Result<String, ChartError> {
    let points: Vec<Vec<Point>> = lines.iter().map(|line| line.points.clone()).collect();
    draw(spec, &points)
}

fn draw(spec: &ChartSpec, reduced: &[Vec<Point>]) -> Result<String, ChartError> {
    let (width, height) = spec.size;
    let (low, high) = value_bounds(reduced);

    let mut svg = String::new();
    let mut paths = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fault)?;
        let end = spec.end_s.max(spec.start_s + 1);
        let ticks = time_ticks(spec.start_s, end);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(64)
            .build_cartesian_2d((spec.start_s..end).with_key_points(ticks), low..high)
            .map_err(fault)?;
        let span = spec.end_s - spec.start_s;
        chart
            .configure_mesh()
            .y_labels(5)
            .x_label_formatter(&|t| time_label(*t, span))
            .y_label_formatter(&|v| number_label(*v))
            .x_desc("time (UTC)")
            .y_desc(spec.unit.as_str())
            .light_line_style(RGBColor(0xE5, 0xE7, 0xEB))
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 12))
            .draw()
            .map_err(fault)?;

        for (index, points) in reduced.iter().enumerate() {
            let style = style_of(index);
            for run in runs(points) {
                paths.push_str(&polyline(&chart, &run, style));
                draw_markers(&mut chart, &run, style, points.len())?;
            }
        }
        root.present().map_err(fault)?;
    }
    // The lines go in as plain polylines that SVG itself dashes: drawn dash by dash, a noisy
    // line of a month would weigh megabytes.
    if let Some(close) = svg.rfind("</svg>") {
        svg.insert_str(close, &paths);
    }
    Ok(titled(svg, &spec.title, spec.size))
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::combinators::WithKeyPoints<plotters::coord::types::RangedCoordi64>,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// The runs of values between gaps.
fn runs(points: &[Point]) -> Vec<Vec<(i64, f64)>> {
    points
        .split(|p| p.v.is_none())
        .filter(|run| !run.is_empty())
        .map(|run| run.iter().filter_map(|p| p.v.map(|v| (p.t, v))).collect())
        .collect()
}

/// One run as an SVG polyline in the chart's pixels, a pixel repeated only once.
fn polyline(chart: &Chart<'_, '_>, run: &[(i64, f64)], style: LineStyle) -> String {
    let mut points = String::with_capacity(run.len() * 8);
    let mut last = None;
    for at in run {
        let pixel = chart.backend_coord(at);
        if last != Some(pixel) {
            points.push_str(&format!("{},{} ", pixel.0, pixel.1));
            last = Some(pixel);
        }
    }
    format!(
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\"/>\n",
        hex(style.colour),
        dash_attribute(style.dash),
        points.trim_end()
    )
}

/// Markers along a run, about ten along a whole line, and one on a lone point.
fn draw_markers(
    chart: &mut Chart<'_, '_>,
    run: &[(i64, f64)],
    style: LineStyle,
    line_len: usize,
) -> Result<(), ChartError> {
    let every = (line_len / 10).max(1);
    let marked = run.iter().copied().enumerate().filter(|(i, _)| i % every == 0 || run.len() == 1);
    chart.draw_series(marked.map(|(_, at)| Mark { at, style })).map_err(fault)?;
    Ok(())
}

fn hex(colour: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
}

fn dash_attribute(dash: (u32, u32)) -> String {
    match dash {
        (0, 0) => String::new(),
        (on, off) => format!(" stroke-dasharray=\"{on} {off}\""),
    }
}

/// A sample of line `index` for a legend: its colour, dash and marker, 36 × 12 pixels.
pub fn legend_sample(index: usize) -> String {
    let style = style_of(index);
    let colour = hex(style.colour);
    let marker = match style.marker {
        Marker::Circle => format!("<circle cx=\"18\" cy=\"6\" r=\"3\" fill=\"{colour}\"/>"),
        Marker::Triangle => format!("<polygon points=\"18,2 14,9 22,9\" fill=\"{colour}\"/>"),
        Marker::Square => {
            format!("<rect x=\"15\" y=\"3\" width=\"6\" height=\"6\" fill=\"{colour}\"/>")
        }
        Marker::Cross => format!(
            "<path d=\"M14 2 L22 10 M14 10 L22 2\" stroke=\"{colour}\" stroke-width=\"2\"/>"
        ),
    };
    format!(
        "<svg width=\"36\" height=\"12\" viewBox=\"0 0 36 12\" aria-hidden=\"true\">\
         <line x1=\"1\" y1=\"6\" x2=\"35\" y2=\"6\" stroke=\"{colour}\" stroke-width=\"2\"{}/>\
         {marker}</svg>",
        dash_attribute(style.dash)
    )
}

/// A line's marker at a point of the chart.
struct Mark<C> {
    at: C,
    style: LineStyle,
}

impl<'a, C: 'a> PointCollection<'a, C> for &'a Mark<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;

    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for Mark<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = points.next() else { return Ok(()) };
        let stroke = self.style.colour.stroke_width(2);
        let fill = self.style.colour.filled();
        match self.style.marker {
            Marker::Circle => backend.draw_circle((x, y), 3, &fill, true),
            Marker::Triangle => {
                backend.fill_polygon(vec![(x, y - 4), (x - 4, y + 3), (x + 4, y + 3)], &fill)
            }
            Marker::Square => backend.draw_rect((x - 3, y - 3), (x + 3, y + 3), &fill, true),
            Marker::Cross => {
                backend.draw_line((x - 4, y - 4), (x + 4, y + 4), &stroke)?;
                backend.draw_line((x - 4, y + 4), (x + 4, y - 4), &stroke)
            }
        }
    }
}

/// The vertical range: from zero (or below, for negative values) to a little above the top.
fn value_bounds(lines: &[Vec<Point>]) -> (f64, f64) {
    let values = lines.iter().flatten().filter_map(|p| p.v);
    let (low, high) = values.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let high = if high <= low { low + 1.0 } else { high + (high - low) * 0.08 };
    (low, high)
}

/// Steps between two times on the axis, from a minute to a week.
const TICK_STEPS: [i64; 12] =
    [60, 300, 600, 900, 1800, 3600, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800];

/// The times marked on the axis: at most 7, on whole minutes, hours or days of the clock (UTC).
fn time_ticks(start_s: i64, end_s: i64) -> Vec<i64> {
    let span = end_s - start_s;
    let step = TICK_STEPS.iter().copied().find(|step| span / step <= 6).unwrap_or(604_800);
    let first =
        start_s.div_euclid(step) * step + if start_s.rem_euclid(step) == 0 { 0 } else { step };
    (0..).map(|i| first + i * step).take_while(|t| *t <= end_s).collect()
}

/// A time on the axis: hours and minutes within two days, the date beyond.
fn time_label(t: i64, span: i64) -> String {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(t) else { return String::new() };
    if span <= 2 * 86_400 {
        format!("{:02}:{:02}", at.hour(), at.minute())
    } else if at.hour() == 0 {
        format!("{:02}-{:02}", u8::from(at.month()), at.day())
    } else {
        format!("{:02}-{:02} {:02}:00", u8::from(at.month()), at.day(), at.hour())
    }
}

/// A value on the axis, short: 950, 1.2k, 3.4M; small fractions with their decimals.
fn number_label(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Puts the chart's name where assistive technology reads it, and lets the chart take the
/// width of its box (its `viewBox` keeps the proportions).
fn titled(svg: String, title: &str, (width, height): (u32, u32)) -> String {
    let escaped = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    match svg.find('>') {
        Some(end) => {
            let (open, rest) = svg.split_at(end + 1);
            let open = open.replacen("<svg", "<svg role=\"img\"", 1).replacen(
                &format!("width=\"{width}\" height=\"{height}\""),
                "width=\"100%\"",
                1,
            );
            format!("{open}<title>{escaped}</title>{rest}")
        }
        None => svg,
    }
}

fn fault<E: std::fmt::Debug>(err: E) -> ChartError {
    ChartError(format!("{err:?}"))
}

#[cfg(test)]
mod tests {
    use cloudtrust_backend::metrics::Point;

    use super::{ChartSpec, Line, number_label, render_svg};

    fn spec() -> ChartSpec {
        ChartSpec {
            title: "Sign-ins <per minute>".into(),
            unit: "per minute".into(),
            start_s: 0,
            end_s: 3600,
            size: (800, 300),
        }
    }

    fn line(name: &str, values: &[Option<f64>]) -> Line {
        let step = 3600 / (values.len().max(2) as i64 - 1);
        let points =
            values.iter().enumerate().map(|(i, v)| Point { t: i as i64 * step, v: *v }).collect();
        Line { name: name.into(), points }
    }

    #[test]
    fn a_line_with_a_gap_is_drawn_as_two_lines_not_through_zero() {
        let gapped = line("web", &[Some(2.0), Some(3.0), None, None, Some(4.0), Some(5.0)]);

        let svg = render_svg(&spec(), &[gapped]).unwrap();

        let drawn = svg.lines().filter(|l| l.contains("<polyline") && l.contains("#0072B2"));
        assert_eq!(drawn.count(), 2, "{svg}");
    }

    #[test]
    fn sixteen_lines_differ_in_dash_or_marker_not_in_colour_alone() {
        let looks: std::collections::HashSet<_> =
            (0..16).map(super::style_of).map(|s| (s.dash, s.marker)).collect();

        assert_eq!(looks.len(), 16);
    }

    #[test]
    fn a_dashed_line_is_dashed_by_svg_and_its_legend_sample_matches() {
        let lines = [line("web", &[Some(1.0), Some(2.0)]), line("admin", &[Some(2.0), Some(1.0)])];

        let svg = render_svg(&spec(), &lines).unwrap();
        let sample = super::legend_sample(1);

        let second = svg.lines().find(|l| l.contains("<polyline") && l.contains("#E69F00"));
        assert!(second.expect("the second line").contains("stroke-dasharray=\"8 4\""), "{svg}");
        assert!(sample.contains("stroke-dasharray=\"8 4\"") && sample.contains("<polygon"));
        assert!(svg.contains("<title>Sign-ins &lt;per minute&gt;</title>"));
        assert!(svg.contains("per minute"), "the unit is on the axis");
    }

    #[test]
    fn the_time_axis_is_marked_on_whole_times_of_the_clock() {
        let hour = super::time_ticks(1_000_030, 1_003_630);
        let month = super::time_ticks(1_000_000, 1_000_000 + 30 * 86_400);

        assert!(hour.iter().all(|t| t % 600 == 0) && (4..=7).contains(&hour.len()), "{hour:?}");
        assert!(month.iter().all(|t| t % 604_800 == 0), "{month:?}");
        assert!(hour[0] >= 1_000_030 && *hour.last().unwrap() <= 1_003_630);
    }

    #[test]
    fn the_chart_takes_the_width_of_its_box() {
        let svg = render_svg(&spec(), &[line("web", &[Some(1.0), Some(2.0)])]).unwrap();

        assert!(
            svg.starts_with("<svg role=\"img\" width=\"100%\" viewBox=\"0 0 800 300\""),
            "{svg}"
        );
    }

    #[test]
    fn values_on_the_axis_are_short() {
        assert_eq!(number_label(1_234_567.0), "1.2M");
        assert_eq!(number_label(12_500.0), "12.5k");
        assert_eq!(number_label(0.25), "0.25");
        assert_eq!(number_label(5.0), "5");
        assert_eq!(number_label(2.5), "2.5");
        assert_eq!(number_label(0.0), "0");
    }
}
