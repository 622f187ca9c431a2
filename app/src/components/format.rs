//! Dates and times as the pages show them: ISO dates in UTC, the same on the server and in the
//! browser, so hydration finds the text it rendered.

/// `2026-12-03` for epoch milliseconds.
pub fn date(ms: i64) -> String {
    let (y, m, d) = civil(ms.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-12-03 14:05 UTC` for epoch milliseconds.
pub fn date_time(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{} {:02}:{:02} UTC", date(ms), minutes / 60, minutes % 60)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::{date, date_time};

    #[test]
    fn epoch_milliseconds_read_as_utc_dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_796_083_200_000), "2026-12-01");
        assert_eq!(date(951_782_400_000), "2000-02-29");
        assert_eq!(date_time(1_796_083_200_000 + 14 * 3_600_000 + 5 * 60_000), "2026-12-01 14:05 UTC");
        assert_eq!(date(-86_400_000), "1969-12-31");
    }
}
