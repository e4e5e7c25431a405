//! Addresses: a house number and a street (`14 Mill Lane`, `Flat 2, 27a Station Road`,
//! `1 The Green`). The street is one to four words ending in a street word; lower-case streets
//! ("23 wharf road", as typed on social media) are taken only with the common street words.

use super::{Found, kinds};
use regex::Regex;
use std::sync::LazyLock;

/// A house number (`14`, `14a`, `14-16`) followed by a word.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([0-9]{1,3})([A-Za-z])?(?:[ \t]?[-–][ \t]?[0-9]{1,3}[A-Za-z]?)?(?-u:\b),?[ \t]+[A-Za-z]")
        .expect("regex")
});

/// "Flat 2, " / "Unit 4 " / "Apartment 12b, " just before the house number.
static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(flat|apartment|apt|unit|room|suite|studio)\.?[ \t]*([0-9]{1,4}[a-z]?|[a-z])(?-u:\b)[ \t]*,?[ \t]*$")
        .expect("regex")
});

/// Street words that make an address whatever the case of the words before them.
const STRONG: &[&str] = &[
    "road",
    "rd",
    "street",
    "st",
    "lane",
    "ln",
    "avenue",
    "ave",
    "close",
    "drive",
    "dr",
    "crescent",
    "cres",
    "terrace",
    "gardens",
    "gdns",
    "grove",
    "way",
    "place",
    "court",
    "mews",
    "boulevard",
];

/// Street words that make an address only after capitalised words ("Church Walk", not "a walk").
const WEAK: &[&str] = &[
    "hill",
    "park",
    "row",
    "square",
    "sq",
    "walk",
    "view",
    "rise",
    "green",
    "parade",
    "vale",
    "meadow",
    "meadows",
    "fields",
    "mead",
    "chase",
    "croft",
    "gate",
    "wharf",
    "quay",
    "yard",
    "path",
    "passage",
    "bank",
    "brow",
    "end",
    "side",
    "wynd",
    "embankment",
    "approach",
    "circus",
    "broadway",
    "hollow",
    "orchard",
    "paddock",
    "pl",
    "ct",
    "cl",
    "dene",
    "glade",
    "grange",
    "heights",
    "manor",
    "precinct",
    "promenade",
    "ridge",
    "villas",
    "wood",
    "lawn",
    "lawns",
    "copse",
];

/// Capitalised street words that name a street on their own.
const ALONE: &[&str] = &[
    "Promenade",
    "Broadway",
    "Esplanade",
    "Strand",
    "Parade",
    "Boulevard",
    "Embankment",
];

/// Words that never belong to a street name ("3 times in a row", "20 cars park").
const STOP: &[&str] = &[
    "a",
    "an",
    "and",
    "or",
    "the",
    "on",
    "in",
    "at",
    "of",
    "to",
    "for",
    "by",
    "with",
    "from",
    "near",
    "outside",
    "opposite",
    "behind",
    "number",
    "my",
    "our",
    "your",
    "their",
    "his",
    "her",
    "is",
    "was",
    "are",
    "were",
    "be",
    "this",
    "that",
    "it",
    "i",
    "we",
    "you",
    "they",
    "pounds",
    "pound",
    "years",
    "year",
    "days",
    "day",
    "weeks",
    "week",
    "months",
    "month",
    "minutes",
    "hours",
    "times",
    "people",
    "cars",
    "houses",
    "homes",
    "properties",
    "bins",
    "bags",
    "potholes",
    "pothole",
    "holes",
    "flats",
    "floors",
    "storey",
    "bedroom",
    "bed",
    "x",
    "more",
    "other",
    "of",
    "per",
    "am",
    "pm",
    "miles",
    "metres",
    "meters",
    "yards",
    "feet",
    "ft",
    "inches",
    "cm",
    "mm",
    "kg",
    "no",
    "not",
    "so",
    "but",
    "if",
    "as",
    "up",
    "down",
    "off",
    "over",
    "into",
    "onto",
    "out",
    "about",
    "every",
    "each",
    "all",
    "some",
    "any",
    "big",
    "small",
    "large",
    "different",
    "separate",
    "same",
    "times",
    "lots",
];

pub(crate) fn is_street_suffix(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    STRONG.contains(&w.as_str()) || WEAK.contains(&w.as_str())
}

fn title(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn find(f: &mut Found) {
    let text = f.text;
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(c) = NUMBER.captures_at(text, from) {
        let all = c.get(0).expect("match");
        let num = c.get(1).expect("number");
        from = num.end();
        let start = num.start();
        if start > 0
            && matches!(b[start - 1], b'.' | b',' | b'/' | b'-' | b'+' | b'#' | b':')
            && start >= 2
            && b[start - 2].is_ascii_digit()
        {
            continue;
        }
        if text[..start].ends_with('£') || text[..start].ends_with('$') || text[..start].ends_with('€') {
            continue;
        }
        let number_end = {
            let head = &text[start..all.end() - 1];
            start + head.trim_end_matches([' ', '\t', ',']).len()
        };
        // The street words: letters with ' - . inside, up to five, stopping at punctuation.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut i = all.end() - 1;
        while words.len() < 5 && i < b.len() && b[i].is_ascii_alphabetic() {
            let ws = i;
            while i < b.len() && (b[i].is_ascii_alphabetic() || matches!(b[i], b'\'' | b'-')) {
                i += 1;
            }
            if text[i..].starts_with('’') {
                i += '’'.len_utf8();
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
            }
            let we = i;
            words.push((ws, we));
            // "St. John's Road": a dot after a leading "St" is Saint; any other dot ends the street.
            let saint_dot = i < b.len() && b[i] == b'.' && words.len() == 1 && text[ws..we].eq_ignore_ascii_case("st");
            if saint_dot {
                i += 1;
            }
            let sp = i;
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            if i == sp || i - sp > 2 {
                break;
            }
        }
        // Longest run ending in a street word, with a name word before it.
        let mut best: Option<usize> = None;
        for (k, &(ws, we)) in words.iter().enumerate() {
            let w = text[ws..we].trim_end_matches('.');
            let lw = w.to_ascii_lowercase();
            let first_the = k == 0 && lw == "the";
            if STOP.contains(&lw.as_str()) && !first_the && !(k > 0 && is_street_suffix(w)) {
                break;
            }
            if k > 0 && is_street_suffix(w) {
                let name = &words[..k];
                let capital = name
                    .iter()
                    .all(|&(s, e)| text[s..e].starts_with(|ch: char| ch.is_ascii_uppercase()))
                    && w.starts_with(|ch: char| ch.is_ascii_uppercase());
                let strong = STRONG.contains(&lw.as_str());
                let the_street = k == 1 && text[name[0].0..name[0].1].eq_ignore_ascii_case("the");
                if capital || strong || the_street {
                    best = Some(k);
                }
            }
        }
        // "1 Promenade", "12 Broadway": streets named by a street word alone.
        if best.is_none()
            && let Some(&(ws, we)) = words.first()
            && ALONE.contains(&&text[ws..we])
        {
            best = Some(0);
        }
        let Some(mut last) = best else { continue };
        // "Lyefield Road West"
        if let Some(&(ws, we)) = words.get(last + 1)
            && matches!(&text[ws..we], "North" | "South" | "East" | "West" | "Upper" | "Lower")
        {
            last += 1;
        }
        let end = words[last].1;
        let mut r = start..end;
        if !f.free(&r) {
            continue;
        }
        let lower = !text[words[0].0..end].bytes().any(|x| x.is_ascii_uppercase());
        let mut value = String::new();
        if let Some(u) = UNIT.captures(&text[floor(text, start.saturating_sub(20))..start]) {
            let unit_start = start - (u.get(0).expect("match").len());
            if f.free(&(unit_start..start)) {
                r.start = unit_start;
                value.push_str(&format!(
                    "{} {}, ",
                    title(&u[1].to_ascii_lowercase()),
                    u[2].to_ascii_uppercase()
                ));
            }
        }
        let number: String = text[start..number_end].split_whitespace().collect::<Vec<_>>().join("");
        value.push_str(&number.to_ascii_uppercase().replace('–', "-"));
        for &(ws, we) in &words[..=last] {
            value.push(' ');
            value.push_str(&title(&text[ws..we]));
        }
        f.push(kinds::ADDRESS, value, r, if lower { 0.75 } else { 0.9 });
        from = end;
    }
}

fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use crate::extract::{extract, kinds};

    fn addresses(text: &str) -> Vec<String> {
        extract(text)
            .into_iter()
            .filter(|e| e.kind == kinds::ADDRESS)
            .map(|e| e.value)
            .collect()
    }

    #[test]
    fn streets() {
        assert_eq!(
            addresses("Flat 2, 14a Mill Lane; 1 The Green; 23 wharf road; 14 St John's Road, Cheltenham; 9 Park Road"),
            [
                "Flat 2, 14A Mill Lane",
                "1 The Green",
                "23 Wharf Road",
                "14 St John's Road",
                "9 Park Road"
            ]
        );
        assert!(addresses("3 times in a row, 20 cars park, paid £12 Mill Lane, 2 weeks on the road").is_empty());
    }
}
