//! Which complete backups a tenant's retention keeps: the last N, plus the newest of each of
//! the last D days and the newest of each of the last W weeks (UTC days; weeks are 7-day
//! spans counted from the epoch). Everything else may be removed. Failed backups hold no restorable
//! file and are not counted.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// How many backups to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// The newest this many, whatever their age.
    pub keep_last: u32,
    /// The newest of each of this many days.
    pub keep_daily: u32,
    /// The newest of each of this many weeks.
    pub keep_weekly: u32,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention { keep_last: 7, keep_daily: 14, keep_weekly: 8 }
    }
}

impl Retention {
    /// Of `backups` (id and start in ms since the epoch, in any order), the ids retention
    /// lets go of at `now_ms`. At least one backup is always kept.
    pub fn to_remove(&self, backups: &[(String, i64)], now_ms: i64) -> Vec<String> {
        let mut newest_first: Vec<&(String, i64)> = backups.iter().collect();
        newest_first.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        let mut kept: HashSet<&str> = HashSet::new();
        for (id, _) in newest_first.iter().take(self.keep_last.max(1) as usize) {
            kept.insert(id);
        }
        let mut keep_newest_per = |span_ms: i64, count: u32| {
            let mut seen = HashSet::new();
            for (id, at) in &newest_first {
                let bucket = (now_ms.div_euclid(span_ms) - at.div_euclid(span_ms)).max(0);
                if bucket < i64::from(count) && seen.insert(bucket) {
                    kept.insert(id);
                }
            }
        };
        keep_newest_per(DAY_MS, self.keep_daily);
        keep_newest_per(7 * DAY_MS, self.keep_weekly);
        newest_first
            .iter()
            .filter(|(id, _)| !kept.contains(id.as_str()))
            .map(|(id, _)| id.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{DAY_MS, Retention};

    /// Backups `b0`, `b1`, ... taken `hours` ago each.
    fn taken(now: i64, hours: &[i64]) -> Vec<(String, i64)> {
        hours.iter().enumerate().map(|(i, h)| (format!("b{i}"), now - h * 3_600_000)).collect()
    }

    #[test]
    fn the_last_n_are_kept_and_the_older_ones_go_without_daily_or_weekly_ones() {
        let now = 100 * DAY_MS;
        let backups = taken(now, &[1, 2, 3, 4, 5]);
        let policy = Retention { keep_last: 3, keep_daily: 0, keep_weekly: 0 };
        assert_eq!(policy.to_remove(&backups, now), vec!["b3", "b4"]);
    }

    #[test]
    fn the_newest_of_each_day_and_each_week_are_kept_beyond_the_last_n() {
        let now = 100 * DAY_MS + 12 * 3_600_000; // noon
        // Two today (1 h and 2 h ago), two yesterday (13 h and 14 h ago), then 3, 10 and 30
        // days ago.
        let backups = taken(now, &[1, 2, 13, 14, 72, 240, 720]);
        let policy = Retention { keep_last: 1, keep_daily: 2, keep_weekly: 2 };
        // Kept: b0 (the last, and the newest of today and of this week: days 98 to 104), b2
        // (the newest of yesterday), b4 (day 97: the newest of last week). Weeks are counted
        // in whole 7-day spans of the epoch, so "this week" began on day 98.
        assert_eq!(policy.to_remove(&backups, now), vec!["b1", "b3", "b5", "b6"]);
    }

    #[test]
    fn one_backup_is_always_kept() {
        let now = 100 * DAY_MS;
        let backups = taken(now, &[24 * 60]);
        let none = Retention { keep_last: 0, keep_daily: 0, keep_weekly: 0 };
        assert!(none.to_remove(&backups, now).is_empty());
    }
}
