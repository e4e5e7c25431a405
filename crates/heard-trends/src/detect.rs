//! The emerging-issue detector: an incremental engine fed one contact at a time, in time
//! order, that closes each day with the alarms a person would have seen that evening.
//!
//! A *unit* is a category at a site (a service at a library, say). For every unit and day two
//! kinds of evidence are scored, each as −log10 of a tail probability under the unit's own
//! expected rate:
//!
//! * **counts**: how many contacts arrived in the last 1, 2, 3, 7 and 14 days, against the
//!   unit's rate over the year before the window, adjusted for the day of the week (learnt per
//!   category, pooled across sites). The rate is uncertain when the unit is quiet, so the
//!   predictive count is negative binomial (gamma–Poisson), not Poisson: two contacts at a
//!   unit that sees one a year is surprising, at a unit that sees one a month it is not.
//! * **similar contacts**: for each recent contact, how many contacts of the unit in the
//!   window read like it (text similarity above a threshold), against how many contacts like
//!   it the unit had in the previous year. A rare kind of problem recurring twice in a week at
//!   a busy unit is invisible in the counts but stands out here.
//!
//! The day's score of a unit is the largest of these; a caller chooses the threshold (the
//! false-alarm rate it can live with). Nothing about a day uses a contact from a later day.

use crate::background::Background;
use crate::recover::{Recovery, RecoverySettings};
use crate::stats::nb_upper_tail_score;
use crate::text::{DIM, Features, Quantised, Vectorizer};
use std::collections::HashMap;

/// The score from which a candidate is shown as an alarm, unless a council chooses another:
/// on the trend benchmark's outbreak-free streams it gives about five false alarms per 1,000
/// unit-weeks (one a week across 200 units), see docs/BENCHMARKS.md.
pub const ALARM_SCORE: f64 = 4.5;

/// Tuning that a council may change; the defaults are what the benchmark in
/// docs/BENCHMARKS.md was run with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Windows (days, ending today) over which counts are compared with the expected rate.
    pub count_windows: Vec<i32>,
    /// Windows over which groups of similar contacts are counted.
    pub text_windows: Vec<i32>,
    /// Cosine similarity at or above which two contacts are "alike" until a category has
    /// enough background pairs to set its own threshold from `alike_share`.
    pub similarity: f32,
    /// Two contacts are alike when their cosine is in this top share of the cosines between
    /// unrelated contacts of their category (`None`: always use `similarity`).
    pub alike_share: Option<f64>,
    /// Days of history behind each window that set the expected rate.
    pub history_days: i32,
    /// Extra weight of the weeks just before a window and of the same weeks a year earlier,
    /// on top of the whole year: seasonal problems (gritting, heating) and slow rises are
    /// expected, not alarming. 0 uses the plain yearly rate.
    pub season_weight: f64,
    /// A unit with less history than this is not scored yet.
    pub min_history_days: i32,
    /// Alarms below this score are not reported at all (candidates, not alarms).
    pub min_score: f64,
    /// Prior weight (in contacts) pulling a quiet unit's rate towards zero-inflated ignorance.
    pub prior_contacts: f64,
    /// Extra week-to-week variation of a unit's rate (negative binomial dispersion 1/shape)
    /// assumed until a category has a year of history; from then on it is measured, per
    /// category, from the spread of its units' weekly counts.
    pub dispersion: f64,
    /// Reading the site and category from the text when the record lacks or contradicts
    /// them; `None` takes every record as it is.
    pub recovery: Option<RecoverySettings>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            count_windows: vec![1, 2, 3, 7, 14],
            text_windows: vec![1, 3, 7, 14],
            similarity: 0.2,
            alike_share: Some(0.05),
            history_days: 364,
            season_weight: 2.0,
            min_history_days: 56,
            min_score: 1.0,
            prior_contacts: 0.5,
            dispersion: 0.1,
            recovery: Some(RecoverySettings::default()),
        }
    }
}

/// Which statistic raised an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// More contacts than expected at the unit.
    Count,
    /// More contacts that read alike than the unit's history of such contacts.
    Similar,
}

/// An alarm (or a low-scoring candidate): observed against expected, how unusual, the window.
#[derive(Debug, Clone)]
pub struct Alarm {
    pub day: i32,
    pub category: String,
    pub site: String,
    /// −log10 of the tail probability: 2 is "one in a hundred", 4 "one in ten thousand".
    pub score: f64,
    pub evidence: Evidence,
    pub window_days: i32,
    pub observed: u32,
    pub expected: f64,
    /// The contacts (caller's ids) behind it.
    pub contacts: Vec<u64>,
}

#[derive(Debug)]
struct Unit {
    category: usize,
    site: String,
    /// Prefix sums of daily counts: `cum[d - origin]` = contacts before day d.
    cum: Vec<u32>,
    /// Contacts still inside the longest look-back, oldest first.
    recent: Vec<Recent>,
    /// The recent contacts' text vectors, [`DIM`] bytes each, and their scales.
    vectors: Vec<i8>,
    scales: Vec<f32>,
}

#[derive(Debug)]
struct Recent {
    day: i32,
    id: u64,
    /// Alike contacts in the year before this contact's window, and the exposure
    /// (day-of-week weighted days) they were counted over. Worked out only once the contact
    /// has an alike partner in its window: the comparison with a year of history is the
    /// costly part, and a contact without a partner is never scored on it.
    history: Option<(f64, f64)>,
    /// Alike contacts within the text windows: (day, id).
    links: Vec<(i32, u64)>,
}

impl Unit {
    fn cosine(&self, i: usize, j: usize) -> f32 {
        Quantised::cosine(
            &self.vectors[i * DIM..(i + 1) * DIM],
            self.scales[i],
            &self.vectors[j * DIM..(j + 1) * DIM],
            self.scales[j],
        )
    }

    /// Contacts of days `lo..=hi` that read like contact `k`.
    fn count_alike(&self, k: usize, lo: i32, hi: i32, theta: f32) -> u32 {
        let start = self.recent.partition_point(|r| r.day < lo);
        let mut n = 0;
        for j in start..self.recent.len() {
            if self.recent[j].day > hi {
                break;
            }
            if j != k && self.cosine(k, j) >= theta {
                n += 1;
            }
        }
        n
    }
}

#[derive(Debug, Default)]
struct Category {
    name: String,
    dow_counts: [f64; 7],
    /// Measured week-to-week over-dispersion of its units' counts, once there is a year.
    dispersion: Option<f64>,
    background: Background,
    /// The category's own "alike" threshold, refreshed as the background grows.
    threshold: Option<f32>,
}

impl Category {
    fn dow_weights(&self) -> [f64; 7] {
        let total: f64 = self.dow_counts.iter().sum();
        let mut w = [1.0; 7];
        for (d, c) in self.dow_counts.iter().enumerate() {
            w[d] = 7.0 * (c + 1.0) / (total + 7.0);
        }
        w
    }
}

/// The incremental engine.
pub struct Detector {
    settings: Settings,
    vectorizer: Vectorizer,
    categories: Vec<Category>,
    category_index: HashMap<String, usize>,
    units: Vec<Unit>,
    unit_index: HashMap<(usize, String), usize>,
    origin: Option<i32>,
    /// The day being filled; contacts of earlier days are closed.
    today: Option<i32>,
    today_counts: HashMap<usize, u32>,
    scratch: Vec<f32>,
    recovery: Option<Recovery>,
}

/// Bounds on a category's learnt "alike" cosine.
const MIN_ALIKE: f32 = 0.1;
const MAX_ALIKE: f32 = 0.3;

/// Half-width (days) of the same-season block a year before a window.
const SEASON_HALF_WIDTH: i32 = 21;
/// Length (days) of the block just before a window.
const RECENT_DAYS: i32 = 28;

/// The history a window starting on day `lo` is compared with: contacts counted by `count`
/// (days `a..=b`) and the exposure they were counted over, the whole year plus, with extra
/// weight, the weeks just before and the same weeks a year earlier. Days before `origin`
/// (before the stream began) count for nothing.
fn reference(s: &Settings, w: &[f64; 7], origin: i32, lo: i32, count: impl Fn(i32, i32) -> u32) -> (f64, f64) {
    let block = |a: i32, b: i32| -> (f64, f64) {
        let a = a.max(origin);
        if b < a {
            (0.0, 0.0)
        } else {
            (f64::from(count(a, b)), exposure(w, a, b))
        }
    };
    let (h_year, e_year) = block(lo - s.history_days, lo - 1);
    if s.season_weight == 0.0 {
        return (h_year, e_year);
    }
    let (h_recent, e_recent) = block(lo - RECENT_DAYS, lo - 1);
    let (h_season, e_season) = block(lo - 364 - SEASON_HALF_WIDTH, lo - 364 + SEASON_HALF_WIDTH);
    (
        h_year + s.season_weight * (h_recent + h_season),
        e_year + s.season_weight * (e_recent + e_season),
    )
}

/// Day number of a weekday: 0 = Monday (day 0 of the epoch, 1970-01-01, was a Thursday).
fn weekday(day: i32) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// Sum of day-of-week weights over days `lo..=hi`.
fn exposure(w: &[f64; 7], lo: i32, hi: i32) -> f64 {
    if hi < lo {
        return 0.0;
    }
    let n = hi - lo + 1;
    let full = f64::from(n / 7);
    let mut e = full * w.iter().sum::<f64>();
    for k in 0..n % 7 {
        e += w[weekday(lo + k)];
    }
    e
}

impl Detector {
    pub fn new(settings: Settings) -> Detector {
        Detector {
            recovery: settings.recovery.clone().map(Recovery::new),
            settings,
            vectorizer: Vectorizer::default(),
            categories: Vec::new(),
            category_index: HashMap::new(),
            units: Vec::new(),
            unit_index: HashMap::new(),
            origin: None,
            today: None,
            today_counts: HashMap::new(),
            scratch: vec![0.0; DIM],
        }
    }

    fn lookback(&self) -> i32 {
        let longest = self
            .settings
            .text_windows
            .iter()
            .chain(&self.settings.count_windows)
            .max()
            .copied();
        // A contact's history is worked out up to a window after it arrived.
        self.settings.history_days + 3 * longest.unwrap_or(14) + SEASON_HALF_WIDTH
    }

    fn category(&mut self, name: &str) -> usize {
        if let Some(&c) = self.category_index.get(name) {
            return c;
        }
        self.categories.push(Category {
            name: name.to_string(),
            ..Category::default()
        });
        self.category_index.insert(name.to_string(), self.categories.len() - 1);
        self.categories.len() - 1
    }

    fn unit(&mut self, category: usize, site: &str) -> usize {
        if let Some(&u) = self.unit_index.get(&(category, site.to_string())) {
            return u;
        }
        let origin = self.origin.unwrap_or(0);
        let days_so_far = self.today.map_or(0, |t| (t - origin).max(0) as usize);
        self.units.push(Unit {
            category,
            site: site.to_string(),
            cum: vec![0; days_so_far + 1],
            recent: Vec::new(),
            vectors: Vec::new(),
            scales: Vec::new(),
        });
        self.unit_index
            .insert((category, site.to_string()), self.units.len() - 1);
        self.units.len() - 1
    }

    /// Closes every day before `day` and returns their alarms (in day order).
    pub fn advance_to(&mut self, day: i32) -> Vec<Alarm> {
        let mut alarms = Vec::new();
        match self.today {
            None => {
                self.today = Some(day);
                self.origin = Some(day);
                for u in &mut self.units {
                    u.cum = vec![0];
                }
            }
            Some(mut t) => {
                while t < day {
                    alarms.extend(self.close_day());
                    t += 1;
                    self.today = Some(t);
                }
            }
        }
        alarms
    }

    /// Adds one contact of `day` (days since 1970-01-01). Days must not go backwards; a contact
    /// of a later day first closes the days before it, whose alarms are returned.
    /// A contact without a site counts towards nothing site-based and is skipped.
    pub fn observe(&mut self, id: u64, day: i32, category: &str, site: Option<&str>, text: &str) -> Vec<Alarm> {
        let alarms = self.advance_to(day.max(self.today.unwrap_or(day)));
        let features = Features::of(text);
        let site = site.filter(|s| !s.trim().is_empty());
        let placement = self.recovery.as_mut().map(|r| r.place(text, category, site));
        let (category, site) = match &placement {
            Some(p) => (p.category.as_str(), p.site.as_deref()),
            None => (category, site),
        };
        let c = self.category(category);
        self.categories[c].dow_counts[weekday(day)] += 1.0;
        let Some(site) = site else {
            self.vectorizer.learn(&features);
            return alarms;
        };
        let u = self.unit(c, site);
        *self.today_counts.entry(u).or_default() += 1;
        self.vectorizer.embed(&features, &mut self.scratch);
        self.vectorizer.learn(&features);
        let today = self.today.unwrap_or(day);
        let window = self.settings.text_windows.iter().copied().max().unwrap_or(14);
        let theta = self.categories[c].threshold.unwrap_or(self.settings.similarity);
        let w = self.categories[c].dow_weights();
        let origin = self.origin.unwrap_or(today);
        let unit = &mut self.units[u];
        let mut links = Vec::new();
        let mut linked = Vec::new();
        let new = unit.recent.len();
        unit.vectors.resize((new + 1) * DIM, 0);
        let scale = Quantised::encode(&self.scratch, &mut unit.vectors[new * DIM..]);
        unit.scales.push(scale);
        let category = &mut self.categories[c];
        category.background.observe(&unit.vectors[new * DIM..], scale);
        if let Some(share) = self.settings.alike_share
            && category.background.pairs() >= 2_000
            && category.background.pairs() % 500 < 12
        {
            // Clamped: canned texts (identical form submissions) would otherwise push the
            // threshold to 1, and a very terse category towards matching anything.
            category.threshold = category
                .background
                .threshold(share)
                .map(|t| t.clamp(MIN_ALIKE, MAX_ALIKE));
        }
        if !features.is_empty() {
            for k in (0..new).rev() {
                if unit.recent[k].day <= today - window {
                    break;
                }
                if unit.cosine(new, k) >= theta {
                    links.push((unit.recent[k].day, unit.recent[k].id));
                    unit.recent[k].links.push((today, id));
                    linked.push(k);
                }
            }
        }
        unit.recent.push(Recent {
            day: today,
            id,
            history: None,
            links,
        });
        if !linked.is_empty() {
            linked.push(unit.recent.len() - 1);
            for k in linked {
                if unit.recent[k].history.is_none() {
                    let lo = unit.recent[k].day - window + 1;
                    let unit_ref = &*unit;
                    let found = reference(&self.settings, &w, origin, lo, |a, b| {
                        unit_ref.count_alike(k, a, b, theta)
                    });
                    unit.recent[k].history = Some(found);
                }
            }
        }
        alarms
    }

    /// Scores the open day and moves to the next one.
    fn close_day(&mut self) -> Vec<Alarm> {
        let Some(today) = self.today else { return Vec::new() };
        let origin = self.origin.unwrap_or(today);
        for (u, unit) in self.units.iter_mut().enumerate() {
            let n = self.today_counts.get(&u).copied().unwrap_or(0);
            let last = unit.cum.last().copied().unwrap_or(0);
            unit.cum.push(last + n);
        }
        self.today_counts.clear();
        if weekday(today) == 6 && today - origin >= 364 {
            self.measure_dispersion(today, origin);
        }
        let mut alarms = Vec::new();
        if today - origin >= self.settings.min_history_days {
            for u in 0..self.units.len() {
                if let Some(a) = self.score_unit(u, today, origin) {
                    alarms.push(a);
                }
            }
        }
        // Forget what no window or history will look at again.
        let oldest = today - self.lookback();
        for unit in &mut self.units {
            let keep_from = unit
                .recent
                .iter()
                .position(|r| r.day >= oldest)
                .unwrap_or(unit.recent.len());
            if keep_from > 256 || (keep_from > 0 && keep_from == unit.recent.len()) {
                unit.recent.drain(..keep_from);
                unit.vectors.drain(..keep_from * DIM);
                unit.scales.drain(..keep_from);
            }
        }
        alarms
    }

    /// Method-of-moments estimate, per category, of how much more its units' weekly counts
    /// vary over the last year than a Poisson count would (variance = mean + κ·mean²).
    fn measure_dispersion(&mut self, today: i32, origin: i32) {
        let mut sums = vec![(0.0f64, 0.0f64); self.categories.len()];
        for unit in &self.units {
            let at = |d: i32| unit.cum[(d - origin).clamp(0, unit.cum.len() as i32 - 1) as usize];
            let weeks: Vec<f64> = (0..52)
                .map(|k| f64::from(at(today + 1 - 7 * k) - at(today + 1 - 7 * (k + 1))))
                .collect();
            let mean = weeks.iter().sum::<f64>() / 52.0;
            if mean <= 0.0 {
                continue;
            }
            let excess: f64 = weeks.iter().map(|y| (y - mean).powi(2) - y).sum();
            sums[unit.category].0 += excess;
            sums[unit.category].1 += 52.0 * mean * mean;
        }
        for (c, (excess, scale)) in sums.into_iter().enumerate() {
            if scale > 0.0 {
                self.categories[c].dispersion = Some((excess / scale).clamp(0.02, 1.0));
            }
        }
    }

    fn score_unit(&self, u: usize, today: i32, origin: i32) -> Option<Alarm> {
        let unit = &self.units[u];
        let s = &self.settings;
        let w = self.categories[unit.category].dow_weights();
        let dispersion = self.categories[unit.category].dispersion.unwrap_or(s.dispersion);
        let idx = |d: i32| (d - origin).clamp(0, unit.cum.len() as i32 - 1) as usize;
        // contacts in days lo..=hi
        let count = |lo: i32, hi: i32| unit.cum[idx(hi + 1)] - unit.cum[idx(lo)];
        let mut best: Option<Alarm> = None;
        let beats =
            |best: &Option<Alarm>, score: f64| score >= s.min_score && best.as_ref().is_none_or(|b| score > b.score);
        let recent_any = count(today - 13, today) > 0;
        if !recent_any {
            return None;
        }
        for &win in &s.count_windows {
            let lo = today - win + 1;
            let y = count(lo, today);
            if y == 0 {
                continue;
            }
            let (h, e_hist) = reference(s, &w, origin, lo, count);
            let e_win = exposure(&w, lo, today);
            let shape = 1.0 / (1.0 / (h + s.prior_contacts) + dispersion);
            let mean = (h + s.prior_contacts) / e_hist.max(1.0) * e_win;
            let score = nb_upper_tail_score(y, mean, shape);
            if !beats(&best, score) {
                continue;
            }
            best = Some(Alarm {
                day: today,
                category: String::new(),
                site: String::new(),
                score,
                evidence: Evidence::Count,
                window_days: win,
                observed: y,
                expected: mean,
                contacts: unit
                    .recent
                    .iter()
                    .filter(|r| r.day >= lo && r.day <= today)
                    .map(|r| r.id)
                    .collect(),
            });
        }
        for r in unit.recent.iter().rev() {
            if r.day < today - 13 {
                break;
            }
            for &win in &s.text_windows {
                let lo = today - win + 1;
                if r.day < lo {
                    continue;
                }
                let alike = r.links.iter().filter(|(d, _)| *d >= lo && *d <= today).count() as u32;
                if alike == 0 {
                    continue;
                }
                let n = alike + 1;
                let e_win = exposure(&w, lo, today);
                let Some((h, history_exposure)) = r.history else {
                    continue;
                };
                let shape = 1.0 / (1.0 / (h + s.prior_contacts) + dispersion);
                let mean = (h + s.prior_contacts) / history_exposure.max(1.0) * e_win;
                let score = nb_upper_tail_score(n, mean, shape);
                if beats(&best, score) {
                    let mut contacts = vec![r.id];
                    contacts.extend(
                        r.links
                            .iter()
                            .filter(|(d, _)| *d >= lo && *d <= today)
                            .map(|(_, id)| *id),
                    );
                    best = Some(Alarm {
                        day: today,
                        category: String::new(),
                        site: String::new(),
                        score,
                        evidence: Evidence::Similar,
                        window_days: win,
                        observed: n,
                        expected: mean,
                        contacts,
                    });
                }
            }
        }
        best.map(|mut a| {
            a.category = self.categories[unit.category].name.clone();
            a.site = unit.site.clone();
            a
        })
    }

    /// Closes the open day (end of input) and returns its alarms.
    pub fn finish(&mut self) -> Vec<Alarm> {
        let alarms = self.close_day();
        self.today = self.today.map(|t| t + 1);
        alarms
    }
}
