//! When things happen: UK office hours, quiet weekends, and the twelve months before `now`.
//!
//! Times are plain seconds since the epoch while generating (fast, no time zone database
//! needed); UK summer time is applied by rule so "office hours" are local office hours.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use rand::Rng;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const MINUTE: i64 = 60;

/// How a channel's traffic spreads over the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rhythm {
    /// Phone lines: weekdays 08:30–17:00 only.
    Office,
    /// Staff calling the service desk: weekdays 08:00–17:30, the odd Saturday.
    Desk,
    /// Email, forms and social media: any day, busiest in office hours, quieter weekends.
    Anytime,
}

/// The generation window: the 365 days up to `now`.
pub(crate) struct Clock {
    pub now: i64,
    /// Midnight UTC at the start of `now`'s UTC day.
    today: i64,
    /// Start and end (UTC seconds) of British Summer Time for the years in the window.
    bst: Vec<(i64, i64)>,
}

impl Clock {
    pub fn new(now: Timestamp) -> Self {
        let now = now.as_second();
        let today = now - now.rem_euclid(DAY);
        let year = Timestamp::from_second(now)
            .expect("now is a valid timestamp")
            .to_zoned(jiff::tz::TimeZone::UTC)
            .year();
        let bst = (year - 1..=year)
            .map(|y| (last_sunday_1am(y, 3), last_sunday_1am(y, 10)))
            .collect();
        Clock { now, today, bst }
    }

    /// The earliest time a generated contact may have.
    pub fn start(&self) -> i64 {
        self.now - 365 * DAY + HOUR
    }

    /// UK local offset from UTC at `t`, in seconds.
    fn offset(&self, t: i64) -> i64 {
        if self.bst.iter().any(|&(a, b)| t >= a && t < b) {
            HOUR
        } else {
            0
        }
    }

    /// Day of the week (Monday = 0) of the local date at `t`.
    pub fn weekday(&self, t: i64) -> i64 {
        let local = t + self.offset(t);
        (local.div_euclid(DAY) + 3).rem_euclid(7)
    }

    /// Month (1–12) of `t`, for seasonal topics.
    pub fn month(&self, t: i64) -> i8 {
        Timestamp::from_second(t)
            .expect("generated times are in range")
            .to_zoned(jiff::tz::TimeZone::UTC)
            .month()
    }

    /// Seconds since local midnight at `t`.
    fn local_seconds(&self, t: i64) -> i64 {
        (t + self.offset(t)).rem_euclid(DAY)
    }

    /// A time between `max_days_ago` and `min_days_ago` days before now, shaped by `rhythm`.
    /// Always inside the window and never after now.
    pub fn pick(&self, rng: &mut impl Rng, rhythm: Rhythm, min_days_ago: i64, max_days_ago: i64) -> i64 {
        let (lo, hi) = (min_days_ago.clamp(0, 364), max_days_ago.clamp(0, 364));
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        for _ in 0..64 {
            let d = rng.random_range(lo..=hi);
            let midnight_utc = self.today - d * DAY;
            let wd = (midnight_utc.div_euclid(DAY) + 3).rem_euclid(7);
            let weight = match (rhythm, wd) {
                (_, 0..=4) => 1.0,
                (Rhythm::Office, _) => 0.0,
                (Rhythm::Desk, 5) => 0.04,
                (Rhythm::Desk, _) => 0.0,
                (Rhythm::Anytime, 5) => 0.35,
                (Rhythm::Anytime, _) => 0.28,
            };
            if weight < 1.0 && !rng.random_bool(weight) {
                continue;
            }
            let secs = match rhythm {
                Rhythm::Office => rng.random_range(8 * HOUR + 30 * MINUTE..17 * HOUR),
                Rhythm::Desk => rng.random_range(8 * HOUR..17 * HOUR + 30 * MINUTE),
                Rhythm::Anytime if rng.random_bool(0.7) => rng.random_range(8 * HOUR..18 * HOUR),
                Rhythm::Anytime => rng.random_range(6 * HOUR + 30 * MINUTE..23 * HOUR + 30 * MINUTE),
            };
            let local = midnight_utc + secs;
            let t = local - self.offset(local);
            if t <= self.now && t >= self.start() {
                return t;
            }
        }
        // Only reachable when every day in the window is closed to `rhythm` (a weekend asked
        // for by a planted pattern): mid-morning on the first day, or just before now.
        let mut d = lo;
        while d < hi && ((self.today - d * DAY).div_euclid(DAY) + 3).rem_euclid(7) >= 5 {
            d += 1;
        }
        let t = self.today - d * DAY + 10 * HOUR;
        if t <= self.now {
            t
        } else {
            (self.now - rng.random_range(60..3 * HOUR)).max(self.start())
        }
    }

    /// The first moment a council officer could act at or after `t`: weekdays 08:30–17:15.
    pub fn office_after(&self, rng: &mut impl Rng, t: i64) -> i64 {
        let mut t = t;
        for _ in 0..8 {
            let wd = self.weekday(t);
            let s = self.local_seconds(t);
            if wd < 5 && (8 * HOUR + 30 * MINUTE..17 * HOUR + 15 * MINUTE).contains(&s) {
                return t;
            }
            let midnight = t - s;
            t = if wd < 5 && s < 8 * HOUR + 30 * MINUTE {
                midnight + 8 * HOUR + 30 * MINUTE + rng.random_range(0..90 * MINUTE)
            } else {
                midnight + DAY + 8 * HOUR + 30 * MINUTE + rng.random_range(0..90 * MINUTE)
            };
        }
        t
    }

    /// Midnight UTC `days_ago` days before today, for anchoring planted events.
    pub fn day(&self, days_ago: i64) -> i64 {
        self.today - days_ago * DAY
    }

    /// A weekday at least `days_ago` days before now (stepping further back over a weekend).
    pub fn weekday_near(&self, days_ago: i64) -> i64 {
        let mut d = days_ago;
        while (self.day(d).div_euclid(DAY) + 3).rem_euclid(7) >= 5 {
            d += 1;
        }
        d
    }

    /// `t` as a timestamp.
    pub fn ts(&self, t: i64) -> Timestamp {
        Timestamp::from_second(t).expect("generated times are in range")
    }

    /// A date in British style ("14 March") for text.
    pub fn date_text(&self, t: i64) -> String {
        let z = self.ts(t + self.offset(t)).to_zoned(jiff::tz::TimeZone::UTC);
        format!("{} {}", z.day(), MONTHS[(z.month() - 1) as usize])
    }

    /// A weekday name for text ("Tuesday").
    pub fn weekday_text(&self, t: i64) -> &'static str {
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][self.weekday(t) as usize]
    }

    /// A month name for text ("March").
    pub fn month_text(&self, t: i64) -> &'static str {
        MONTHS[(self.month(t) - 1) as usize]
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// 01:00 UTC on the last Sunday of `month` in `year`: when UK clocks change.
fn last_sunday_1am(year: i16, month: i8) -> i64 {
    Date::new(year, month, 1)
        .and_then(|d| d.nth_weekday_of_month(-1, Weekday::Sunday))
        .and_then(|d| d.at(1, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC))
        .map(|z| z.timestamp().as_second())
        .expect("the last Sunday of March and October always exists")
}

pub(crate) const HOURS: i64 = HOUR;
pub(crate) const DAYS: i64 = DAY;
