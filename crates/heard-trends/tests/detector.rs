//! The detector as a council would meet it: the brief's stories, told as streams.

use heard_trends::{ALARM_SCORE, Alarm, Detector, Evidence, Settings};

/// A small deterministic generator (tests must not depend on a random seed's luck).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Poisson by inversion (small means only).
    fn poisson(&mut self, mean: f64) -> u32 {
        let (mut k, mut p, l) = (0, 1.0, (-mean).exp());
        loop {
            p *= self.next();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() * xs.len() as f64) as usize % xs.len()]
    }
}

const DAY0: i32 = 19_000; // 2022-01-08, a Saturday
const BOOKS: &[&str] = &[
    "Can I renew my books online? The renewal page says my card is blocked.",
    "What time does the library open on Saturdays?",
    "I returned a book last week but it still shows as overdue.",
    "Do you have large print copies of the new crime novels?",
    "Is the children's story time still on Tuesdays?",
    "Lost my library card, how do I get a new one?",
];
const DESK: &[&str] = &[
    "Password reset please, locked out of my account after the holiday.",
    "Printer on the second floor keeps jamming.",
    "Outlook will not sync my calendar since this morning.",
    "Need access to the shared drive for the planning team.",
    "My laptop battery drains in an hour, can it be replaced?",
    "Teams has no audio in meetings.",
    "New starter needs an account and a laptop by Monday.",
    "VPN disconnects every few minutes when working from home.",
];

const ASIDES: &[&str] = &[
    "Thanks.",
    "Urgent please, I have a deadline.",
    "I am in room 3.12 if you need me.",
    "Call me on extension 4471.",
    "This started on Monday.",
    "Kind regards, Sam",
    "Not the first time this has happened.",
    "Whenever you get a chance.",
    "My manager asked me to log it.",
    "",
];

fn weekday_factor(day: i32) -> f64 {
    // 0 = Monday; quiet weekends.
    if (day + 3).rem_euclid(7) >= 5 { 0.1 } else { 1.0 }
}

/// Feeds `extra` (day, category, site, text) on top of a two-year baseline and returns every
/// alarm with the ids of the extra contacts (ids ≥ 1,000,000).
fn run(extra: &[(i32, &str, &str, &str)]) -> Vec<Alarm> {
    let mut rng = Lcg(42);
    let mut d = Detector::new(Settings::default());
    let mut alarms = Vec::new();
    let mut id = 0u64;
    for day in DAY0..DAY0 + 730 {
        let f = weekday_factor(day);
        for _ in 0..rng.poisson(0.05 * f) {
            let t = format!("{} {}", rng.pick(BOOKS), rng.pick(ASIDES));
            let t = t.as_str();
            alarms.extend(d.observe(id, day, "libraries", Some("Castle Street Library"), t));
            id += 1;
        }
        for _ in 0..rng.poisson(2.0 * f) {
            let t = format!("{} {}", rng.pick(DESK), rng.pick(ASIDES));
            let t = t.as_str();
            alarms.extend(d.observe(id, day, "it_service_desk", Some("Civic Centre"), t));
            id += 1;
        }
        for (k, (_, cat, site, text)) in extra.iter().enumerate().filter(|(_, e)| e.0 == day) {
            alarms.extend(d.observe(1_000_000 + k as u64, day, cat, Some(site), text));
        }
    }
    alarms.extend(d.finish());
    alarms
}

/// Prints the loudest alarms (for a failing test's output).
fn show(alarms: &[Alarm], at_least: f64) {
    for a in alarms.iter().filter(|a| a.score >= at_least) {
        eprintln!(
            "{} {} {} {:.2} {:?} w{} {} vs {:.3}",
            a.day - DAY0,
            a.category,
            a.site,
            a.score,
            a.evidence,
            a.window_days,
            a.observed,
            a.expected
        );
    }
}

fn best_for(alarms: &[Alarm], category: &str, days: std::ops::RangeInclusive<i32>) -> Option<Alarm> {
    alarms
        .iter()
        .filter(|a| a.category == category && days.contains(&a.day))
        .max_by(|a, b| a.score.total_cmp(&b.score))
        .cloned()
}

#[test]
fn two_wifi_complaints_at_a_quiet_library_are_an_emerging_issue() {
    let first = DAY0 + 600; // a weekday
    let extra = [
        (
            first,
            "libraries",
            "Castle Street Library",
            "The public wifi at Castle Street library keeps dropping out, I could not finish my job application.",
        ),
        (
            first + 2,
            "libraries",
            "Castle Street Library",
            "Complaint: the wifi in the library on Castle Street is dropping out every few minutes.",
        ),
    ];
    let quiet = run(&[]);
    let with = run(&extra);
    let before = best_for(&quiet, "libraries", first..=first + 7).map_or(0.0, |a| a.score);
    let alarm = best_for(&with, "libraries", first + 2..=first + 2).expect("an alarm on the second complaint's day");
    assert!(
        alarm.score >= 3.0,
        "score {} should be well past one-in-a-thousand",
        alarm.score
    );
    assert!(
        alarm.score > before + 1.5,
        "{} vs {before} without the complaints",
        alarm.score
    );
    assert!(
        alarm.contacts.contains(&1_000_001),
        "the evidence names the complaint: {:?}",
        alarm.contacts
    );
    assert!(alarm.observed >= 2 && alarm.expected < 1.0, "{alarm:?}");
}

#[test]
fn a_burst_after_an_update_is_flagged_the_same_day_even_at_a_busy_desk() {
    let day = DAY0 + 640 + (7 - (DAY0 + 640 + 3).rem_euclid(7)); // a Monday
    let burst: Vec<(i32, &str, &str, &str)> = [
        "RevsPro keeps crashing since the 4.2 update",
        "RevsPro crashing after this morning's 4.2 update, whole revenues team affected",
        "Since the RevsPro 4.2 update it keeps crashing on the account screen",
    ]
    .iter()
    .map(|t| (day, "it_service_desk", "Civic Centre", *t))
    .collect();
    let alarms = run(&burst);
    let alarm = best_for(&alarms, "it_service_desk", day..=day).expect("an alarm the same day");
    assert!(alarm.score >= 3.0, "{alarm:?}");
    assert_eq!(
        alarm.evidence,
        Evidence::Similar,
        "three alike reports stand out where the count alone does not"
    );
    assert_eq!(alarm.window_days, 1);
    let quiet = run(&[]);
    let usual = best_for(&quiet, "it_service_desk", DAY0 + 400..=DAY0 + 729).map_or(0.0, |a| a.score);
    assert!(
        alarm.score > usual,
        "burst {} should beat the busiest ordinary day {usual}",
        alarm.score
    );
}

#[test]
fn nothing_about_a_day_depends_on_later_contacts() {
    let cut = DAY0 + 500;
    let full = run(&[
        (cut + 3, "libraries", "Castle Street Library", "wifi down"),
        (cut + 3, "libraries", "Castle Street Library", "wifi down again"),
    ]);
    let plain = run(&[]);
    let key = |a: &Alarm| {
        (
            a.day,
            a.category.clone(),
            a.site.clone(),
            (a.score * 1e6).round() as i64,
        )
    };
    let upto = |xs: &[Alarm]| xs.iter().filter(|a| a.day < cut + 3).map(key).collect::<Vec<_>>();
    assert_eq!(upto(&full), upto(&plain));
}

#[test]
fn a_quiet_stream_raises_few_alarms() {
    let alarms = run(&[]);
    // Two units over about 95 scored weeks: at the default alarm score, at most a couple of
    // unit-weeks may alarm.
    let loud: std::collections::BTreeSet<_> = alarms
        .iter()
        .filter(|a| a.score >= ALARM_SCORE)
        .map(|a| (a.category.clone(), a.day / 7))
        .collect();
    show(&alarms, ALARM_SCORE);
    assert!(
        loud.len() <= 2,
        "{} unit-weeks alarmed on a stream with no outbreak",
        loud.len()
    );
}
