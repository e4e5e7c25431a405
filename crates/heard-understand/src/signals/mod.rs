//! Two signals on each contact, for the agent and for trends:
//!
//! - **dissatisfied**: the contact expresses dissatisfaction with the council's service,
//!   actions or lack of action — the Complaint Handling Code's definition of a complaint,
//!   "however made", whether or not the word "complaint" is used. It prompts the agent to
//!   offer a complaint. A first report of a problem is a service request, not dissatisfaction;
//!   a complaint *about a neighbour* is a request about someone else (see
//!   `eval/signals/README.md` for the rules the labels follow).
//! - **actionable**: for social and web contacts, whether somebody needs to do something
//!   (a pothole, a missed bin, a request, a safeguarding worry) or the contact can be
//!   acknowledged or closed in bulk (thanks, chatter, a question a link answers). A worry
//!   about someone's safety or welfare is always actionable.
//!
//! How: a hand-written lexicon of cues ([`lexicon`]), with negation ("not happy", "no
//! complaints") and third-party complaints told apart, gives one feature per kind of cue;
//! a small logistic model per signal turns them into a probability. Its weights are fitted
//! on the development split of `eval/signals` around hand-set priors, so a cue the set
//! rarely shows still counts as a person would count it. Each signal carries the cues that
//! pushed it up, with their spans, so the agent sees why. Pure, no I/O, microseconds.

pub mod lexicon;
#[doc(hidden)]
pub mod weights;

use lexicon::{Hit, KINDS, Kind, Token};
use serde::Serialize;

/// Only this much of the text (bytes) is read; the rest is kept but not analysed. The
/// first few kilobytes of a message say whether it is dissatisfied; quoted history below
/// is the council's own words.
pub const MAX_TEXT: usize = 8 * 1024;
/// Only this much of the subject is read.
pub const MAX_SUBJECT: usize = 512;
/// A signal at or above this probability is "on".
pub const THRESHOLD: f32 = 0.5;

/// Which field a cue was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Subject,
    Text,
}

/// A phrase that moved a signal, for the agent: byte offsets into the field it was found in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cue {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    /// What kind of cue it is ("chasing", "not satisfied", "safeguarding"…).
    pub label: &'static str,
}

/// One signal: how likely, and the cues behind it (strongest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    pub probability: f32,
    pub cues: Vec<Cue>,
}

impl Signal {
    /// Whether the signal is on (probability at or above [`THRESHOLD`]).
    pub fn is_on(&self) -> bool {
        self.probability >= THRESHOLD
    }
}

/// Both signals for one contact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signals {
    pub dissatisfied: Signal,
    /// Meant for social and web contacts; computed for any text.
    pub actionable: Signal,
    /// A worry about someone's safety or welfare was found: show it first, never close in
    /// bulk. Implies `actionable.probability >= 0.95`.
    pub safeguarding: bool,
}

/// Assesses one contact: subject (if any) and text. Never panics; reads at most
/// [`MAX_SUBJECT`] and [`MAX_TEXT`] bytes.
pub fn assess(subject: Option<&str>, text: &str) -> Signals {
    let doc = Document::read(subject, text);
    let x = doc.features();
    let d = weights::logistic(&weights::DISSATISFIED, &x);
    let mut a = weights::logistic(&weights::ACTIONABLE, &x);
    let safeguarding = doc.count(Kind::Safeguarding) > 0;
    if safeguarding {
        // A rule, not a weight: recall on these matters more than calibration.
        a = a.max(SAFEGUARDING_FLOOR);
    }
    Signals {
        dissatisfied: Signal {
            probability: d,
            cues: doc.cues(&weights::DISSATISFIED),
        },
        actionable: Signal {
            probability: a,
            cues: doc.cues(&weights::ACTIONABLE),
        },
        safeguarding,
    }
}

/// The actionable probability of a contact with a safeguarding cue is at least this.
pub const SAFEGUARDING_FLOOR: f32 = 0.97;

/// Number of model features: one per cue kind, then the extras below.
pub const FEATURES: usize = KINDS + EXTRAS.len();
/// Features that are not cue kinds.
pub const EXTRAS: [&str; 5] = ["exclamations", "shouting", "question", "length", "place"];

/// The model's input for one contact, for fitting the weights (`examples/eval_signals.rs`).
#[doc(hidden)]
pub fn features(subject: Option<&str>, text: &str) -> [f32; FEATURES] {
    Document::read(subject, text).features()
}

/// The feature names, in order, for printing fitted weights.
#[doc(hidden)]
pub fn feature_names() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.label()).chain(EXTRAS).collect()
}

/// A contact read into tokens and cues.
struct Document {
    /// (field, tokens, hits) for subject and text.
    fields: Vec<(Field, Vec<Token>, Vec<Hit>)>,
    exclamations: usize,
    questions: usize,
    places: usize,
}

impl Document {
    fn read(subject: Option<&str>, text: &str) -> Document {
        let mut doc = Document {
            fields: Vec::with_capacity(2),
            exclamations: 0,
            questions: 0,
            places: 0,
        };
        if let Some(s) = subject {
            doc.add(Field::Subject, crate::extract::truncate(s, MAX_SUBJECT));
        }
        doc.add(Field::Text, own_words(crate::extract::truncate(text, MAX_TEXT)));
        doc
    }

    fn add(&mut self, field: Field, text: &str) {
        let (toks, stats) = tokenize(text);
        self.exclamations += stats.exclamations;
        self.questions += stats.questions;
        self.places += stats.places;
        let mut hits = lexicon::find(&toks);
        info_questions(text, &toks, &mut hits);
        self.fields.push((field, toks, hits));
    }

    fn count(&self, kind: Kind) -> usize {
        self.fields
            .iter()
            .map(|(_, _, h)| h.iter().filter(|h| h.kind == kind).count())
            .sum()
    }

    fn features(&self) -> [f32; FEATURES] {
        let mut x = [0f32; FEATURES];
        for (_, _, hits) in &self.fields {
            for h in hits {
                x[h.kind as usize] += 1.0;
            }
        }
        // Presence counts most; a second cue of a kind adds a little.
        for v in x.iter_mut().take(KINDS) {
            *v = if *v > 0.0 {
                1.0 + 0.25 * (*v - 1.0).min(2.0)
            } else {
                0.0
            };
        }
        let words: usize = self.fields.iter().map(|(_, t, _)| t.len()).sum();
        let shouted = self.fields.iter().flat_map(|(_, t, _)| t).filter(|t| t.shouted).count();
        x[KINDS] = (self.exclamations.min(3)) as f32 / 3.0;
        x[KINDS + 1] = if shouted > 0 && shouted * 3 < words { 1.0 } else { 0.0 };
        x[KINDS + 2] = if self.questions > 0 { 1.0 } else { 0.0 };
        x[KINDS + 3] = ((1 + words) as f32).ln() / 5.0;
        x[KINDS + 4] = if self.places > 0 { 1.0 } else { 0.0 };
        x
    }

    /// Cues of the kinds that push this signal up, strongest first.
    fn cues(&self, w: &[f32; FEATURES + 1]) -> Vec<Cue> {
        let mut out: Vec<(f32, Cue)> = Vec::new();
        for (field, toks, hits) in &self.fields {
            for h in hits {
                let weight = w[h.kind as usize];
                if weight <= 0.0 || h.first >= toks.len() || h.last == 0 {
                    continue;
                }
                let cue = Cue {
                    field: *field,
                    start: toks[h.first].start,
                    end: toks[(h.last - 1).min(toks.len() - 1)].end,
                    label: h.kind.label(),
                };
                out.push((weight, cue));
            }
        }
        out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.start.cmp(&b.1.start)));
        out.dedup_by(|a, b| a.1.start == b.1.start && a.1.end == b.1.end);
        out.truncate(8);
        out.into_iter().map(|(_, c)| c).collect()
    }
}

/// The writer's own words: quoted lines ("> …") and everything after a forwarded or quoted
/// message header are dropped — they are usually the council's reply.
fn own_words(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let quoted_header = t.starts_with("-----Original Message")
            || t.starts_with("From: ")
            || t.starts_with(">")
            || (t.starts_with("On ") && t.trim_end().ends_with("wrote:"));
        if offset > 0 && quoted_header {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

#[derive(Default)]
struct Stats {
    exclamations: usize,
    questions: usize,
    places: usize,
}

const STREET_WORDS: &[&str] = &[
    "road", "rd", "street", "st", "lane", "avenue", "close", "way", "walk", "court", "crescent", "park", "drive",
    "square", "gardens", "hill", "parade", "terrace", "place", "grove", "mews", "row", "heol", "stryd", "ffordd",
];

/// Splits text into words: runs of letters and digits, apostrophes dropped (so "haven't"
/// is "havent"), Welsh "'r" split off, lower case, Welsh accents folded. Sentences end at
/// `.`, `!`, `?` and line breaks.
fn tokenize(text: &str) -> (Vec<Token>, Stats) {
    let mut toks: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);
    let mut stats = Stats::default();
    let mut sentence = 0u32;
    let mut cur: Option<(usize, String, usize, usize)> = None; // start, norm, uppercase, letters
    let mut chars = text.char_indices().peekable();
    let mut prev_upper_start = false;
    let flush = |cur: &mut Option<(usize, String, usize, usize)>, end: usize, toks: &mut Vec<Token>, sentence| {
        if let Some((start, norm, upper, letters)) = cur.take()
            && !norm.is_empty()
        {
            toks.push(Token {
                start,
                end,
                norm,
                sentence,
                shouted: letters >= 4 && upper == letters,
            });
        }
    };
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            let entry = cur.get_or_insert_with(|| (i, String::new(), 0, 0));
            if c.is_alphabetic() {
                entry.3 += 1;
                if c.is_uppercase() {
                    entry.2 += 1;
                }
            }
            for l in c.to_lowercase() {
                entry.1.push(fold(l));
            }
            continue;
        }
        if matches!(c, '\'' | '’' | '‘') && cur.is_some() {
            // Welsh "'r" ("mae'r") is a word of its own; English contractions join up.
            let next = chars.peek().map(|&(_, n)| n);
            let after = text.get(i + c.len_utf8()..).and_then(|s| s.chars().nth(1));
            let welsh_r = matches!(next, Some('r')) && !after.is_some_and(char::is_alphanumeric);
            if !welsh_r {
                continue;
            }
        }
        flush(&mut cur, i, &mut toks, sentence);
        match c {
            '.' | '!' | '?' | '\n' | ';' => {
                if c == '!' {
                    stats.exclamations += 1;
                }
                if c == '?' {
                    stats.questions += 1;
                }
                // "3.5" or "e.g." are not sentence ends worth the trouble; a new sentence costs nothing.
                sentence += 1;
            }
            _ => {}
        }
    }
    flush(&mut cur, text.len(), &mut toks, sentence);
    // A capitalised word before a street word ("Brunswick Road") is a place.
    for (k, t) in toks.iter().enumerate() {
        let upper = text[t.start..].chars().next().is_some_and(char::is_uppercase);
        if k > 0 && STREET_WORDS.contains(&t.norm.as_str()) && prev_upper_start {
            stats.places += 1;
        }
        prev_upper_start = upper;
    }
    (toks, stats)
}

fn fold(c: char) -> char {
    match c {
        'â' | 'á' | 'à' | 'ä' => 'a',
        'ê' | 'é' | 'è' | 'ë' => 'e',
        'î' | 'í' | 'ì' | 'ï' => 'i',
        'ô' | 'ó' | 'ò' | 'ö' => 'o',
        'û' | 'ú' | 'ù' | 'ü' => 'u',
        'ŵ' | 'ẃ' | 'ẁ' | 'ẅ' => 'w',
        'ŷ' | 'ý' | 'ỳ' | 'ÿ' => 'y',
        _ => c,
    }
}

const QUESTION_STARTS: &[&str] = &[
    "what", "whats", "when", "whens", "where", "wheres", "which", "how", "is", "are", "does", "do", "has", "have",
    "will", "any", "who", "can", "could", "pryd", "ble", "sut", "oes", "beth",
];

/// A short question that starts like a general one ("What time…?", "Is the pool open…?")
/// and asks nothing about the writer's own matter.
fn info_questions(text: &str, toks: &[Token], hits: &mut Vec<Hit>) {
    let mut i = 0;
    while i < toks.len() {
        let s = toks[i].sentence;
        let mut j = i;
        while j < toks.len() && toks[j].sentence == s {
            j += 1;
        }
        let ends_with_q = text[toks[j - 1].end..]
            .trim_start_matches([' ', '"', ')'])
            .starts_with('?');
        let first = toks[i].norm.as_str();
        let personal = toks[i..j]
            .iter()
            .any(|t| matches!(t.norm.as_str(), "my" | "our" | "me" | "fy"));
        let you_do = first == "can" || first == "could";
        let asks_us = you_do
            && toks
                .get(i + 1)
                .is_some_and(|t| matches!(t.norm.as_str(), "you" | "someone" | "it"));
        // "Can you tell me when…?" asks for information, not for something to be done.
        let you = asks_us && toks.get(i + 2).is_none_or(|t| t.norm != "tell");
        if ends_with_q && QUESTION_STARTS.contains(&first) && !personal && !you && j - i <= 20 {
            hits.push(Hit {
                kind: Kind::InfoQuestion,
                first: i,
                last: j,
            });
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokenize(s).0.into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn contractions_join_and_welsh_r_splits() {
        assert_eq!(words("I haven't heard"), ["i", "havent", "heard"]);
        assert_eq!(words("Mae'r bin"), ["mae", "r", "bin"]);
        assert_eq!(words("Ŵyn LLŶN"), ["wyn", "llyn"]);
    }

    #[test]
    fn quoted_history_is_not_read() {
        assert_eq!(own_words("Thanks.\n> Not happy? Here's how"), "Thanks.\n");
        assert_eq!(own_words("> only quoted"), "> only quoted");
    }
}
