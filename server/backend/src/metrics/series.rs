//! What a metrics store answers: series of timed points over a range cut into steps.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A time range cut into equal steps, in seconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    /// The first instant.
    pub start_s: i64,
    /// The last instant.
    pub end_s: i64,
    /// The distance between two points.
    pub step_s: i64,
}

impl TimeRange {
    /// The range from `start_s` to `end_s` with about `points` steps, each a whole number of
    /// seconds no shorter than `min_step_s`.
    pub fn with_points(start_s: i64, end_s: i64, points: i64, min_step_s: i64) -> TimeRange {
        let span = (end_s - start_s).max(1);
        let step_s = (span + points - 1) / points.max(1);
        TimeRange { start_s, end_s, step_s: step_s.max(min_step_s).max(1) }
    }

    /// How many steps the range holds, both ends included.
    pub fn steps(&self) -> usize {
        if self.end_s < self.start_s {
            return 0;
        }
        ((self.end_s - self.start_s) / self.step_s.max(1)) as usize + 1
    }
}

/// One point: an instant and its value, `None` where there is none (a gap).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Seconds since the epoch.
    pub t: i64,
    /// The value; never NaN or infinite.
    pub v: Option<f64>,
}

/// One series: its labels and its points in time order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// The labels that tell it from the other series of the answer.
    pub labels: BTreeMap<String, String>,
    /// One per step of the range asked.
    pub points: Vec<Point>,
}

impl Series {
    /// Puts `values` (instant, value; in time order, possibly with holes) on the grid of
    /// `range`: one point per step, a gap where no value falls, and a non-finite value (NaN,
    /// ±Inf) as a gap too, since it cannot be drawn.
    pub fn on_grid(
        labels: BTreeMap<String, String>,
        values: impl IntoIterator<Item = (f64, f64)>,
        range: &TimeRange,
    ) -> Series {
        let steps = range.steps();
        let mut points: Vec<Point> = (0..steps)
            .map(|i| Point { t: range.start_s + i as i64 * range.step_s, v: None })
            .collect();
        for (instant, value) in values {
            let offset = instant - range.start_s as f64;
            if offset < 0.0 || !value.is_finite() {
                continue;
            }
            let index = (offset / range.step_s as f64).round() as usize;
            if let Some(point) = points.get_mut(index) {
                point.v = Some(value);
            }
        }
        Series { labels, points }
    }

    /// Whether any point holds a value.
    pub fn has_values(&self) -> bool {
        self.points.iter().any(|p| p.v.is_some())
    }

    /// The labels as one readable name: the values joined, or `fallback` without labels.
    pub fn name(&self, fallback: &str) -> String {
        let values: Vec<&str> = self
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != "__name__")
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() { fallback.to_owned() } else { values.join(" · ") }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{Series, TimeRange};

    #[test]
    fn a_range_is_cut_into_whole_steps_no_shorter_than_asked() {
        let hour = TimeRange::with_points(0, 3600, 240, 15);
        let minute = TimeRange::with_points(0, 60, 240, 15);

        assert_eq!((hour.step_s, hour.steps()), (15, 241));
        assert_eq!((minute.step_s, minute.steps()), (15, 5));
    }

    #[test]
    fn missing_steps_and_non_finite_values_become_gaps_never_zeros() {
        let range = TimeRange { start_s: 100, end_s: 160, step_s: 15 };
        let values = [(100.0, 1.0), (115.0, f64::NAN), (145.0, f64::INFINITY), (160.0, 0.0)];

        let series = Series::on_grid(BTreeMap::new(), values, &range);

        let got: Vec<Option<f64>> = series.points.iter().map(|p| p.v).collect();
        assert_eq!(got, [Some(1.0), None, None, None, Some(0.0)]);
        assert_eq!(series.points[2].t, 130);
    }

    #[test]
    fn a_value_outside_the_range_is_not_put_on_its_edge() {
        let range = TimeRange { start_s: 100, end_s: 130, step_s: 15 };

        let series = Series::on_grid(BTreeMap::new(), [(40.0, 9.0), (400.0, 9.0)], &range);

        assert!(!series.has_values());
    }

    #[test]
    fn a_series_is_named_by_its_label_values() {
        let labels = BTreeMap::from([
            ("__name__".to_owned(), "up".to_owned()),
            ("client_id".to_owned(), "web".to_owned()),
            ("realm".to_owned(), "acme".to_owned()),
        ]);
        let series = Series { labels, points: Vec::new() };

        assert_eq!(series.name("all"), "web · acme");
        assert_eq!(Series { labels: BTreeMap::new(), points: Vec::new() }.name("all"), "all");
    }
}
