//! Charts drawn on the server with plotters, as SVG the page shows as it is: the browser runs
//! no charting code, and the chart is there before the WASM loads.
//!
//! A chart is lines over time. Each line has a colour from a palette readable by people with
//! colour-blindness and, so that colour is never the only cue, a dash pattern and a marker of
//! its own; [`legend_sample`] draws the same for the page's legend, which names the lines in
//! text. A gap in the data is a gap in the line. Lines with more points than the chart has
//! pixels are reduced first ([`downsample`]), keeping peaks.

mod downsample;
mod svg;

use cloudtrust_backend::metrics::Point;

pub use downsample::downsample;
pub use svg::{legend_sample, render_svg, render_svg_unreduced};

/// What a chart shows.
#[derive(Clone, Debug)]
pub struct ChartSpec {
    /// The chart's name, for the SVG's title.
    pub title: String,
    /// The unit of the values, on the vertical axis.
    pub unit: String,
    /// The time range, in seconds since the epoch.
    pub start_s: i64,
    /// Its end.
    pub end_s: i64,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

/// One line: its name in the legend, and its points in time order.
#[derive(Clone, Debug)]
pub struct Line {
    /// The name in the legend.
    pub name: String,
    /// Points in time order, `None` for a gap.
    pub points: Vec<Point>,
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("the chart could not be drawn: {0}")]
pub struct ChartError(pub String);
