//! Registrar requests: which certificate, for whom, and the date of the event.
//!
//! Only read when the text asks for a birth, marriage, civil partnership or death certificate:
//! `certificate_type`; `event_date` for a date right after "born", "died", "married", "date of
//! birth"…; `person_name` for capitalised names after "certificate for", "my late father,",
//! "name:", "married to", "between … and …", or before ", born"/", who died".

use super::{Found, kinds};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static CERT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:(birth|marriage|civil[ -]partnership|death)[ -]+(?:certificates?|certs?)|(?:certificates?|certs?)[ \t]+(?:of|for)[ \t]+(?:(?:the|my|our|his|her|a)[ \t]+)?(birth|marriage|civil[ -]partnership|death))(?-u:\b)",
    )
    .expect("regex")
});

static EVENT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:born|dob|d\.o\.b|date\s+of\s+(?:birth|death|marriage|the\s+marriage|the\s+wedding|civil\s+partnership|the\s+civil\s+partnership)|died|passed\s+away|passed|married|wed|wedding|marriage\s+(?:was\s+)?on|partnership\s+(?:was\s+)?(?:formed|registered|on)|death\s+(?:was\s+)?on|(?:was\s+)?(?:formed|took\s+place|held)\s+on)(?-u:\b)",
    )
    .expect("regex")
});

const WORD: &str = r"(?:Mc|Mac|O'|O’)?\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)?";
const TITLE: &str = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]+)?";

fn name() -> String {
    format!(r"({WORD}(?:[ \t]+{WORD}){{1,3}})")
}

static NAME_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let n = name();
    Regex::new(&format!(
        r"(?:(?i:certificates?|certs?|copy|copies)[ \t]+(?i:for|of)[ \t]+(?:(?i:my|our|his|her|the)[ \t]+(?:(?i:late)[ \t]+)?[a-z]+(?:[ \t]+in[ \t]+law)?,?[ \t]+)?|(?i:my|our)[ \t]+(?:(?i:late)[ \t]+)?(?i:mother|mum|mom|father|dad|son|daughter|husband|wife|partner|grandmother|grandfather|nan|nana|gran|granny|grandad|grandson|granddaughter|brother|sister|aunt|auntie|uncle|baby|child|stepfather|stepmother)(?:,?[ \t]+(?:is|was))?,?[ \t]+|(?i:full[ \t]+name|names?|maiden[ \t]+name|deceased|parents?|child's[ \t]+name|baby's[ \t]+name)(?:[ \t]+(?i:on[ \t]+(?:the[ \t]+)?cert(?:ificate)?|then|now|at[ \t]+birth|before[ \t]+marriage))?[ \t]*(?:is|was|:|-|–)?[ \t]*|(?i:mother|father|mum|dad|husband|wife|bride|groom|spouse|partner|informant)[ \t]*:[ \t]*|(?i:married[ \t]+to|married|between(?:[ \t]+(?:me|myself),?)?|marriage[ \t]+of|partnership[ \t]+(?:of|between)|estate[ \t]+of|the[ \t]+late|(?:they|who)[ \t]+were)[ \t]+){TITLE}{n}(?:[ \t]+(?i:and)[ \t]+{TITLE}{n})?"
    ))
    .expect("regex")
});

static NAME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let n = name();
    Regex::new(&format!(r"{TITLE}{n}[ \t]*[,(]?[ \t]*(?:(?i:who)[ \t]+)?(?:(?i:was)[ \t]+)?(?i:born|died|passed[ \t]+away|married)(?-u:\b)"))
        .expect("regex")
});

/// Words that end a name: a capitalised run stops before them.
const NOT_NAMES: &[&str] = &[
    "January",
    "February",
    "March",
    "October",
    "November",
    "December",
    "St",
    "Saint",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Council",
    "Registrar",
    "Register",
    "Office",
    "Certificate",
    "Birth",
    "Death",
    "Marriage",
    "Hospital",
    "Church",
    "Street",
    "Road",
    "Lane",
    "Please",
    "Thanks",
    "Thank",
    "Regards",
    "Kind",
    "Many",
    "Dear",
    "Hi",
    "Hello",
    "The",
    "I",
    "We",
    "My",
    "Our",
    "Can",
    "Could",
    "Would",
    "Is",
    "It",
    "He",
    "She",
    "They",
    "And",
    "Born",
    "Died",
    "Passed",
    "Cheltenham",
];

fn trim_name(raw: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for w in raw.split_whitespace() {
        if NOT_NAMES.contains(&w) {
            break;
        }
        out.push(w);
    }
    (out.len() >= 2).then(|| out.join(" "))
}

pub(super) fn find(f: &mut Found) {
    let text = f.text;
    let mut any = false;
    for c in CERT.captures_iter(text) {
        let all = c.get(0).expect("match");
        let Some(kind) = c.get(1).or(c.get(2)) else { continue };
        let value = match kind.as_str().to_ascii_lowercase().as_str() {
            "birth" => "birth",
            "marriage" => "marriage",
            "death" => "death",
            _ => "civil_partnership",
        };
        f.add(kinds::CERTIFICATE_TYPE, value.to_string(), all.range(), 0.95);
        any = true;
    }
    if !any {
        return;
    }
    let mut dates: Vec<(usize, usize, String)> = f
        .entities
        .iter()
        .filter(|e| e.kind == kinds::DATE)
        .map(|e| (e.start, e.end, e.value.clone()))
        .collect();
    dates.sort();
    let cues: Vec<(usize, usize)> = EVENT_CUE.find_iter(text).map(|m| (m.start(), m.end())).collect();
    let mut prev_date_end = 0;
    for (s, e, v) in dates {
        // the nearest cue before the date, within 50 bytes, on the same line, with no date between
        let i = cues.partition_point(|&(_, ce)| ce <= s);
        let cued = i
            .checked_sub(1)
            .map(|i| cues[i].1)
            .is_some_and(|ce| s - ce <= 50 && ce >= prev_date_end && !text[ce..s].contains('\n'));
        if cued {
            f.add(kinds::EVENT_DATE, v, s..e, 0.85);
        }
        prev_date_end = e;
    }
    let mut names: BTreeMap<usize, (usize, String)> = BTreeMap::new();
    for c in NAME_AFTER.captures_iter(text).chain(NAME_BEFORE.captures_iter(text)) {
        for g in [c.get(1), c.get(2)].into_iter().flatten() {
            if let Some(v) = trim_name(g.as_str()) {
                let (start, end) = (g.start(), g.start() + v.len());
                let overlaps = names.range(..end).next_back().is_some_and(|(_, (e, _))| *e > start);
                if g.as_str().starts_with(&v) && !overlaps {
                    names.insert(start, (end, v));
                }
            }
        }
    }
    for (s, (e, v)) in names {
        f.add(kinds::PERSON_NAME, v, s..e, 0.8);
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::{extract, kinds};

    fn of(text: &str, kind: &str) -> Vec<String> {
        extract(text)
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.value)
            .collect()
    }

    #[test]
    fn certificate_requests() {
        let t = "I need a copy of the birth certificate for my son, Oliver James Walker, born on 12th May 2019 at Cheltenham General.";
        assert_eq!(of(t, kinds::CERTIFICATE_TYPE), ["birth"]);
        assert_eq!(of(t, kinds::EVENT_DATE), ["2019-05-12"]);
        assert_eq!(of(t, kinds::PERSON_NAME), ["Oliver James Walker"]);
        let t = "Marriage certificate please: married 14/06/1980, between John Smith and Mary Brown.";
        assert_eq!(of(t, kinds::CERTIFICATE_TYPE), ["marriage"]);
        assert_eq!(of(t, kinds::PERSON_NAME), ["John Smith", "Mary Brown"]);
        assert!(of("born on 12th May 2019, Oliver James Walker", kinds::PERSON_NAME).is_empty());
    }
}
