//! Dates in UK forms: day before month.

use super::{Found, alnum_at, alnum_before, kinds};
use jiff::civil::Date;
use regex::Regex;
use std::sync::LazyLock;

const MONTHS: &str = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";

/// `03/03/2025`, `3-3-25`, `3.3.2025`
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([0-9]{1,2})([/.-])([0-9]{1,2})([/.-])([0-9]{4}|[0-9]{2})(?-u:\b)").expect("regex")
});

/// `2025-03-03`
static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)((?:19|20)[0-9]{2})-([0-9]{2})-([0-9]{2})(?-u:\b)").expect("regex"));

/// `3rd March`, `3 Mar 2025`, `3rd of March, 2025`
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)([0-9]{{1,2}})(st|nd|rd|th)?(?:\s+of)?[ \t]+{MONTHS}\.?(?-u:\b)(?:,?[ \t]+((?:19|20)[0-9]{{2}})(?-u:\b))?"
    ))
    .expect("regex")
});

/// `March 3rd`, `March 3, 2025`
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b){MONTHS}\.?[ \t]+([0-9]{{1,2}})(st|nd|rd|th)?(?-u:\b)(?:,?[ \t]+((?:19|20)[0-9]{{2}})(?-u:\b))?"
    ))
    .expect("regex")
});

fn month_number(name: &str) -> Option<i8> {
    let n = name.to_ascii_lowercase();
    let m = match n.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// A two-digit year: `00`–`49` are 20xx, `50`–`99` 19xx.
fn full_year(y: &str) -> Option<i16> {
    let n: i16 = y.parse().ok()?;
    Some(match y.len() {
        2 if n < 50 => 2000 + n,
        2 => 1900 + n,
        4 => n,
        _ => return None,
    })
}

/// The ISO form of a day, taking the year nearest `reference` when none is written.
pub(super) fn resolve(day: i8, month: i8, year: Option<i16>, reference: Option<Date>) -> Option<String> {
    match (year, reference) {
        (Some(y), _) => Date::new(y, month, day).ok().map(|d| d.to_string()),
        (None, Some(r)) => {
            let mut best: Option<(i64, Date)> = None;
            for y in [r.year() - 1, r.year(), r.year() + 1] {
                if let Ok(d) = Date::new(y, month, day) {
                    let gap = (d.since(r).ok()?.get_days() as i64).abs();
                    if best.is_none_or(|(g, _)| gap < g) {
                        best = Some((gap, d));
                    }
                }
            }
            best.map(|(_, d)| d.to_string())
        }
        (None, None) => Date::new(2024, month, day)
            .ok()
            .map(|_| format!("--{month:02}-{day:02}")),
    }
}

pub(super) fn find(f: &mut Found, reference: Option<Date>) {
    let text = f.text;
    let b = text.as_bytes();
    for c in ISO.captures_iter(text) {
        let all = c.get(0).expect("match");
        if !f.free(&all.range()) || alnum_before(text, all.start()) {
            continue;
        }
        let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), c[2].parse(), c[3].parse()) else {
            continue;
        };
        if let Some(v) = resolve(d, m, Some(y), None) {
            f.push(kinds::DATE, v, all.range(), 0.97);
        }
    }
    for c in NUMERIC.captures_iter(text) {
        let all = c.get(0).expect("match");
        let (s, e) = (all.start(), all.end());
        if c[2] != c[4] || !f.free(&all.range()) {
            continue;
        }
        // part of a longer dotted/slashed run (versions, IP addresses, 1/2/3/4)
        let before = s >= 2 && matches!(b[s - 1], b'.' | b'/' | b'-') && b[s - 2].is_ascii_digit();
        let after = e + 1 < b.len() && matches!(b[e], b'.' | b'/' | b'-') && b[e + 1].is_ascii_digit();
        if before || after || (s > 0 && matches!(b[s - 1], b'v' | b'V')) {
            continue;
        }
        if &c[2] == "." && c[5].len() != 4 {
            continue;
        }
        let (Ok(d), Ok(m)) = (c[1].parse(), c[3].parse()) else {
            continue;
        };
        let Some(y) = full_year(&c[5]) else { continue };
        if let Some(v) = resolve(d, m, Some(y), None) {
            f.push(kinds::DATE, v, all.range(), if c[5].len() == 4 { 0.96 } else { 0.9 });
        }
    }
    for c in DAY_MONTH.captures_iter(text) {
        let all = c.get(0).expect("match");
        if !f.free(&all.range()) || alnum_at(text, all.end()) {
            continue;
        }
        let month_word = &c[3];
        // "3 may" is more often a verb than a month when nothing else says it is a date.
        if month_word == "may" && c.get(2).is_none() && c.get(4).is_none() {
            continue;
        }
        let (Ok(d), Some(m)) = (c[1].parse(), month_number(month_word)) else {
            continue;
        };
        let y = c.get(4).and_then(|y| y.as_str().parse().ok());
        if let Some(v) = resolve(d, m, y, reference) {
            f.push(kinds::DATE, v, all.range(), if y.is_some() { 0.96 } else { 0.9 });
        }
    }
    for c in MONTH_DAY.captures_iter(text) {
        let all = c.get(0).expect("match");
        if !f.free(&all.range()) || alnum_at(text, all.end()) {
            continue;
        }
        let month_word = &c[1];
        let capital = month_word.starts_with(|ch: char| ch.is_ascii_uppercase());
        let ordinal = c.get(3).is_some();
        let year = c.get(4).is_some();
        if !(capital || ordinal || year) || (month_word.eq_ignore_ascii_case("may") && !capital) {
            continue;
        }
        // "March 3" in "paid in March 3 times" — a following noun is not a date; accept only
        // when followed by punctuation, end, a year, or a small set of words.
        if !ordinal && !year {
            let rest = text[all.end()..].trim_start();
            let next: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            if !next.is_empty()
                && !matches!(
                    next.to_ascii_lowercase().as_str(),
                    "at" | "and" | "to" | "until" | "please" | "from"
                )
            {
                continue;
            }
        }
        let (Some(m), Ok(d)) = (month_number(month_word), c[2].parse()) else {
            continue;
        };
        let y = c.get(4).and_then(|y| y.as_str().parse().ok());
        if let Some(v) = resolve(d, m, y, reference) {
            f.push(kinds::DATE, v, all.range(), if y.is_some() { 0.95 } else { 0.85 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_resolve_near_the_reference() {
        let r = Date::new(2025, 5, 1).unwrap();
        assert_eq!(resolve(3, 3, None, Some(r)).unwrap(), "2025-03-03");
        assert_eq!(resolve(12, 12, None, Some(r)).unwrap(), "2024-12-12");
        assert_eq!(resolve(3, 3, None, None).unwrap(), "--03-03");
        assert_eq!(resolve(29, 2, None, None).unwrap(), "--02-29");
        assert!(resolve(31, 2, None, None).is_none());
        assert!(resolve(31, 4, Some(2025), None).is_none());
    }

    #[test]
    fn forms() {
        let cfg = crate::extract::ExtractConfig {
            reference_date: Some(Date::new(2025, 5, 1).unwrap()),
            ..Default::default()
        };
        let x = crate::extract::Extractor::new(&cfg).unwrap();
        let dates: Vec<String> = x
            .extract(
                "on 3rd March, 03/03/2025, 3/3/25, March 4th, 5 Jun 2024, 2025-01-02; v4.2.10; 10.1.1.2024; 1.2.2025",
            )
            .into_iter()
            .filter(|e| e.kind == kinds::DATE)
            .map(|e| e.value)
            .collect();
        assert_eq!(
            dates,
            [
                "2025-03-03",
                "2025-03-03",
                "2025-03-03",
                "2025-03-04",
                "2024-06-05",
                "2025-01-02",
                "2025-02-01"
            ]
        );
    }
}
