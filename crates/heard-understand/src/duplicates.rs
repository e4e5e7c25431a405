//! "Same issue, reported twice": which open cases a new report is probably about too.
//!
//! Residents report one pothole, one broken light, one fly-tip several times, in different
//! words. Words alone mislead (every pothole report says "pothole"); place alone misleads
//! (a street has many problems). So a suggestion needs both kinds of evidence to agree, or
//! the words to be very alike: the text's likeness (over stemmed words weighted by idf from
//! the cases compared, so a service's everyday words count for little: the mean of the
//! cosine and of how much of the lighter text the other contains, because a two-line form
//! and a long email about one pothole share few words in proportion), plus the
//! place (points a few metres apart, the same site, the same UPRN, address or postcode),
//! with points far apart counting against. The agent confirms; nothing is linked unasked.

use crate::similar::words;
use std::collections::HashMap;

/// One case as the comparison sees it.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The words of the case (its first message, with the subject).
    pub text: String,
    /// When it was reported, in milliseconds since the epoch.
    pub at_ms: i64,
    /// Latitude and longitude, when the report had a point.
    pub point: Option<(f64, f64)>,
    /// A named site (a library, a park), by slug.
    pub site: Option<String>,
    /// Places read from the text or the report: UPRNs, addresses, postcodes, each as
    /// `kind:value`, normalised so equal places compare equal.
    pub places: Vec<String>,
}

/// Why two cases look like one issue, in words an agent can check.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Distinctive words both use.
    Words(Vec<String>),
    /// Reported this many metres apart.
    Near {
        metres: u32,
    },
    SameSite(String),
    /// The same UPRN, address or postcode (`kind:value`).
    SamePlace(String),
    /// Reported this many days apart.
    Days(i64),
}

/// An open case the new one may duplicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Index into the candidates given.
    pub index: usize,
    /// Higher is likelier; suggestions start at [`SUGGEST_AT`].
    pub score: f32,
    pub reasons: Vec<Reason>,
}

/// The score at which a candidate is suggested.
pub const SUGGEST_AT: f32 = 0.45;
/// Words alike at least this much (cosine) suggest a candidate whatever the place says
/// (unless the points are far apart).
const WORDS_ALONE: f32 = 0.6;
/// Without this much likeness in the words, no place makes two reports one issue.
const WORDS_NEEDED: f32 = 0.15;

/// The candidates `new` probably duplicates, likeliest first, at most `max`.
pub fn suggest(new: &Report, candidates: &[Report], max: usize) -> Vec<Suggestion> {
    if candidates.is_empty() || max == 0 {
        return Vec::new();
    }
    let docs: Vec<Vec<String>> = std::iter::once(new)
        .chain(candidates)
        .map(|r| words(&truncate(&r.text)))
        .collect();
    let idf = idf(&docs);
    let surface = surface_forms(&truncate(&new.text));
    let vectors: Vec<HashMap<&str, f32>> = docs.iter().map(|d| vector(d, &idf)).collect();
    let mut out: Vec<Suggestion> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (cos, shared) = cosine(&vectors[0], &vectors[i + 1]);
            let text = (cos + containment(&vectors[0], &vectors[i + 1], &idf)) / 2.0;
            let mut reasons = Vec::new();
            let mut place = 0f32;
            let mut far = false;
            if let (Some(a), Some(b)) = (new.point, c.point) {
                let metres = haversine_m(a, b);
                if metres <= 50.0 {
                    place += 0.35;
                } else if metres <= 150.0 {
                    place += 0.2;
                } else if metres > 1000.0 {
                    far = true;
                }
                if metres <= 150.0 {
                    reasons.push(Reason::Near {
                        metres: metres.round() as u32,
                    });
                }
            }
            if let (Some(a), Some(b)) = (&new.site, &c.site)
                && a == b
            {
                place += 0.3;
                reasons.push(Reason::SameSite(a.clone()));
            }
            if let Some(p) = new.places.iter().find(|p| c.places.contains(p)) {
                place += if p.starts_with("postcode:") { 0.2 } else { 0.3 };
                reasons.push(Reason::SamePlace(p.clone()));
            }
            let place = place.min(0.45);
            let score = if far { text - 0.3 } else { text + place };
            let suggested = !far && text >= WORDS_NEEDED && (score >= SUGGEST_AT || text >= WORDS_ALONE);
            if !suggested {
                return None;
            }
            if !shared.is_empty() {
                // As the resident wrote them, not as stemmed ("lane", not "lan").
                let shown = shared
                    .into_iter()
                    .map(|w| surface.get(&w).cloned().unwrap_or(w))
                    .collect();
                reasons.insert(0, Reason::Words(shown));
            }
            reasons.push(Reason::Days((new.at_ms - c.at_ms).abs() / 86_400_000));
            Some(Suggestion {
                index: i,
                score: score.max(SUGGEST_AT),
                reasons,
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
    out.truncate(max);
    out
}

/// Analysis reads at most this much of a case's text: the start says what it is about.
const MAX_TEXT: usize = 4000;

fn truncate(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= MAX_TEXT {
        return text.into();
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].into()
}

/// Each stem of `text`, with the first word (lower case) it came from.
fn surface_forms(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for token in text.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        if let Some(stem) = words(token).into_iter().next() {
            out.entry(stem)
                .or_insert_with(|| token.trim_matches('\'').to_lowercase());
        }
    }
    out
}

fn idf(docs: &[Vec<String>]) -> HashMap<&str, f32> {
    let mut df: HashMap<&str, u32> = HashMap::new();
    for d in docs {
        let mut seen: Vec<&str> = d.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for w in seen {
            *df.entry(w).or_default() += 1;
        }
    }
    let n = docs.len() as f32;
    df.into_iter()
        .map(|(w, f)| (w, ((n + 1.0) / (f as f32 + 0.5)).ln().max(0.0)))
        .collect()
}

fn vector<'a>(doc: &'a [String], idf: &HashMap<&str, f32>) -> HashMap<&'a str, f32> {
    let mut v: HashMap<&str, f32> = HashMap::new();
    for w in doc {
        *v.entry(w.as_str()).or_default() += 1.0;
    }
    for (w, x) in v.iter_mut() {
        *x = (1.0 + x.ln()) * idf.get(w).copied().unwrap_or(0.0);
    }
    let norm = v.values().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.values_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Cosine of two unit vectors, and the shared words that weigh most in it (at most four).
fn cosine(a: &HashMap<&str, f32>, b: &HashMap<&str, f32>) -> (f32, Vec<String>) {
    let mut parts: Vec<(&str, f32)> = a
        .iter()
        .filter_map(|(w, x)| b.get(w).map(|y| (*w, x * y)))
        .filter(|(_, p)| *p > 0.0)
        .collect();
    let sum = parts.iter().map(|(_, p)| p).sum::<f32>().min(1.0);
    parts.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
    (sum, parts.iter().take(4).map(|(w, _)| w.to_string()).collect())
}

/// How much of the lighter text (by idf mass of its distinct words) the other shares.
fn containment(a: &HashMap<&str, f32>, b: &HashMap<&str, f32>, idf: &HashMap<&str, f32>) -> f32 {
    let mass = |v: &HashMap<&str, f32>| v.keys().map(|w| idf.get(w).copied().unwrap_or(0.0)).sum::<f32>();
    let lighter = mass(a).min(mass(b));
    if lighter <= 0.0 {
        return 0.0;
    }
    let shared: f32 = a
        .keys()
        .filter(|w| b.contains_key(*w))
        .map(|w| idf.get(w).copied().unwrap_or(0.0))
        .sum();
    (shared / lighter).min(1.0)
}

/// Great-circle distance in metres.
fn haversine_m((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().clamp(0.0, 1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn report(text: &str, day: i64, point: Option<(f64, f64)>) -> Report {
        Report {
            text: text.into(),
            at_ms: day * DAY,
            point,
            ..Default::default()
        }
    }

    /// Other potholes and other problems on the same service, so "pothole" is common.
    fn background() -> Vec<Report> {
        vec![
            report("Pothole on the A38 near the roundabout", 1, Some((51.90, -2.08))),
            report(
                "Large pothole outside the school on Hatherley Road",
                2,
                Some((51.88, -2.10)),
            ),
            report("Pothole by the bus stop on London Road", 3, Some((51.89, -2.05))),
            report("Road markings worn at the junction", 3, None),
        ]
    }

    #[test]
    fn the_same_pothole_in_other_words_nearby_is_suggested_with_reasons() {
        let mut candidates = background();
        candidates.push(report(
            "Deep pothole in Mill Lane outside number 12, a cyclist nearly came off",
            4,
            Some((51.9000, -2.0700)),
        ));
        let new = report(
            "There's a dangerous hole in the road on Mill Lane by no. 12",
            6,
            Some((51.90015, -2.07005)),
        );
        let got = suggest(&new, &candidates, 3);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].index, 4);
        assert!(
            got[0]
                .reasons
                .iter()
                .any(|r| matches!(r, Reason::Near { metres } if *metres < 30))
        );
        assert!(got[0].reasons.contains(&Reason::Days(2)));
        assert!(
            got[0]
                .reasons
                .iter()
                .any(|r| matches!(r, Reason::Words(w) if w.contains(&"mill".to_string())))
        );
    }

    #[test]
    fn the_same_words_far_apart_are_not_one_issue() {
        let candidates = vec![report("Pothole outside 12 Mill Lane", 1, Some((51.90, -2.07)))];
        let new = report("Pothole outside 12 Mill Lane", 2, Some((52.20, -2.20)));
        assert!(suggest(&new, &candidates, 3).is_empty(), "another town's Mill Lane");
    }

    #[test]
    fn a_shared_site_and_alike_words_suggest_without_points() {
        let mut library = report("The wifi at the library keeps dropping out", 1, None);
        library.site = Some("central-library".into());
        let mut new = report("Library wifi not working again, can't connect", 3, None);
        new.site = Some("central-library".into());
        let mut candidates = background();
        candidates.push(library);
        let got = suggest(&new, &candidates, 3);
        assert_eq!(got.first().map(|s| s.index), Some(4), "{got:?}");
        assert!(got[0].reasons.contains(&Reason::SameSite("central-library".into())));
    }

    #[test]
    fn unrelated_reports_at_one_place_are_not_suggested() {
        let mut bins = report("My green bin was not emptied this week", 1, None);
        bins.places = vec!["uprn:100120001234".into()];
        let mut new = report("Noise from the pub next door every night", 2, None);
        new.places = vec!["uprn:100120001234".into()];
        assert!(suggest(&new, &[bins], 3).is_empty());
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "é".repeat(10_000);
        let candidates = vec![report("", 0, None), report(&long, 0, Some((f64::NAN, 0.0)))];
        let _ = suggest(&report(&long, 0, Some((0.0, 0.0))), &candidates, 3);
        assert!(suggest(&report("x", 0, None), &[], 3).is_empty());
    }
}
