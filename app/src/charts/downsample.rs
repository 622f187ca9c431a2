//! Fewer points with the same look: per pixel column, the lowest and the highest value in the
//! order they came, so every peak and every trough survives; a gap stays a gap.

use cloudtrust_backend::metrics::Point;

/// `points` (in time order, from `start_s` to `end_s`) cut to at most two points per each of
/// `columns` columns, plus a gap wherever `points` has one.
pub fn downsample(points: &[Point], start_s: i64, end_s: i64, columns: usize) -> Vec<Point> {
    if points.len() <= columns * 2 || columns == 0 {
        return points.to_vec();
    }
    let span = (end_s - start_s).max(1) as i128;
    let column_of = |t: i64| -> usize {
        let offset = (t - start_s).clamp(0, end_s - start_s) as i128;
        ((offset * columns as i128) / (span + 1)) as usize
    };

    let mut out = Vec::with_capacity(columns * 2 + 16);
    let mut column = usize::MAX;
    let mut extremes: Option<(Point, Point)> = None;
    for point in points {
        let this = column_of(point.t);
        if this != column {
            flush(&mut out, extremes.take());
            column = this;
        }
        let Some(value) = point.v else {
            flush(&mut out, extremes.take());
            if out.last().is_some_and(|p: &Point| p.v.is_some()) {
                out.push(*point);
            }
            continue;
        };
        extremes = Some(match extremes {
            None => (*point, *point),
            Some((low, high)) => (
                if value < low.v.unwrap_or(f64::INFINITY) { *point } else { low },
                if value > high.v.unwrap_or(f64::NEG_INFINITY) { *point } else { high },
            ),
        });
    }
    flush(&mut out, extremes);
    out
}

/// The low and high point of a column, in time order, once if they are the same.
fn flush(out: &mut Vec<Point>, extremes: Option<(Point, Point)>) {
    let Some((low, high)) = extremes else { return };
    let (first, second) = if low.t <= high.t { (low, high) } else { (high, low) };
    out.push(first);
    if second.t != first.t {
        out.push(second);
    }
}

#[cfg(test)]
mod tests {
    use cloudtrust_backend::metrics::Point;

    use super::downsample;

    fn points(values: impl IntoIterator<Item = Option<f64>>) -> Vec<Point> {
        values.into_iter().enumerate().map(|(t, v)| Point { t: t as i64, v }).collect()
    }

    #[test]
    fn a_single_spike_survives_a_hundredfold_reduction() {
        let mut values = vec![Some(1.0); 100_000];
        values[31_337] = Some(500.0);
        values[77_001] = Some(-20.0);

        let small = downsample(&points(values), 0, 99_999, 500);

        assert!(small.len() <= 1000, "{} points", small.len());
        let max = small.iter().filter_map(|p| p.v).fold(f64::MIN, f64::max);
        let min = small.iter().filter_map(|p| p.v).fold(f64::MAX, f64::min);
        assert_eq!((max, min), (500.0, -20.0));
        assert!(small.windows(2).all(|w| w[0].t < w[1].t), "time order kept");
    }

    #[test]
    fn a_gap_stays_a_gap_and_never_becomes_a_zero() {
        let mut values = vec![Some(5.0); 10_000];
        for v in &mut values[4_000..4_100] {
            *v = None;
        }

        let small = downsample(&points(values), 0, 9_999, 100);

        let gaps: Vec<&Point> = small.iter().filter(|p| p.v.is_none()).collect();
        assert_eq!(gaps.len(), 1, "one gap marker for one gap");
        assert!((4_000..4_100).contains(&gaps[0].t));
        assert!(small.iter().filter_map(|p| p.v).all(|v| v == 5.0));
    }

    #[test]
    fn few_points_are_kept_as_they_are() {
        let few = points([Some(1.0), None, Some(3.0)]);

        assert_eq!(downsample(&few, 0, 2, 100), few);
    }
}
