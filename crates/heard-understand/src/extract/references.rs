//! Council references (council tax and business rates accounts, benefit claims…): numbers that
//! look alike and are told apart by what is written around them.
//!
//! A number matching a [`ReferencePattern`] is taken when
//! - its pattern's `prefix` group matched (`CTAX 50012345`, `HB123456`), or
//! - the nearest label before it (within 60 bytes, one line break, no sentence break) is one of
//!   the pattern's labels ("council tax account 50012345"), or
//! - that label is generic ("account", "ref") and the nearest context word before it (else after
//!   it) belongs to the pattern, or — for "account" with no context word at all — the pattern is
//!   the configured fallback, or
//! - it continues a list or table of that pattern's references ("50012345, 50067890 and …",
//!   one per line).

use super::{CheckDigit, ConfigError, Found, ReferencePattern, alnum_at, alnum_before, list_next};
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

const GENERIC_ACCOUNT: &[&str] = &[
    "account",
    "accounts",
    "acc",
    "acct",
    "a/c",
    "account no",
    "account number",
    "account numbers",
    "account ref",
    "acc no",
];
const GENERIC_REF: &[&str] = &[
    "ref",
    "refs",
    "reference",
    "references",
    "ref no",
    "reference number",
    "your ref",
];

const NEUTRAL: &[&str] = &[
    "revenues and benefits",
    "revenues & benefits",
    "revs and bens",
    "revs & bens",
    "revenue and benefits",
    "revenues and benefit",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Of(usize),
    Account,
    Ref,
}

#[derive(Debug)]
struct Compiled {
    name: String,
    regex: Regex,
    check: Option<CheckDigit>,
}

#[derive(Debug)]
pub(crate) struct References {
    patterns: Vec<Compiled>,
    labels: Option<Regex>,
    label_of: HashMap<String, Label>,
    context: Option<Regex>,
    context_of: HashMap<String, usize>,
    fallback: Option<usize>,
}

fn key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// One case-insensitive alternation of phrases, longest first, whole words.
fn alternation(phrases: &[String]) -> Option<Regex> {
    if phrases.is_empty() {
        return None;
    }
    let mut sorted: Vec<&String> = phrases.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.len()));
    sorted.dedup();
    let alts: Vec<String> = sorted
        .iter()
        .map(|p| p.split_whitespace().map(regex::escape).collect::<Vec<_>>().join(r"\s+"))
        .collect();
    Regex::new(&format!(r"(?i)(?-u:\b)(?:{})(?-u:\b)", alts.join("|"))).ok()
}

impl References {
    pub(crate) fn new(patterns: &[ReferencePattern], fallback: Option<&str>) -> Result<Self, ConfigError> {
        let mut compiled = Vec::new();
        let mut label_of = HashMap::new();
        let mut context_of = HashMap::new();
        for (i, p) in patterns.iter().enumerate() {
            let bad = |problem: String| ConfigError::Reference {
                name: p.name.clone(),
                problem,
            };
            if p.name.is_empty()
                || !p
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(bad("the name must be snake_case letters, digits and _".into()));
            }
            if patterns[..i].iter().any(|q| q.name == p.name) {
                return Err(bad("is configured twice".into()));
            }
            let regex = Regex::new(&format!("(?:{})", p.regex)).map_err(|e| bad(format!("regex: {e}")))?;
            if regex.is_match("") {
                return Err(bad("the regex matches an empty string".into()));
            }
            for l in &p.labels {
                if l.trim().is_empty() {
                    return Err(bad("a label is empty".into()));
                }
                label_of.entry(key(l)).or_insert(Label::Of(i));
                context_of.entry(key(l)).or_insert(i);
            }
            for c in &p.context {
                if c.trim().is_empty() {
                    return Err(bad("a context word is empty".into()));
                }
                context_of.entry(key(c)).or_insert(i);
            }
            compiled.push(Compiled {
                name: p.name.clone(),
                regex,
                check: p.check_digit,
            });
        }
        for g in GENERIC_ACCOUNT {
            label_of.entry(key(g)).or_insert(Label::Account);
        }
        for g in GENERIC_REF {
            label_of.entry(key(g)).or_insert(Label::Ref);
        }
        let fallback = match fallback {
            None => None,
            Some(name) => Some(
                patterns
                    .iter()
                    .position(|p| p.name == name)
                    .ok_or_else(|| ConfigError::Reference {
                        name: name.to_string(),
                        problem: "is the fallback_reference but no reference has that name".into(),
                    })?,
            ),
        };
        let labels = alternation(&label_of.keys().cloned().collect::<Vec<_>>());
        // Department names say nothing about which reference a number is.
        for n in NEUTRAL {
            context_of.entry(key(n)).or_insert(usize::MAX);
        }
        let context = alternation(&context_of.keys().cloned().collect::<Vec<_>>());
        Ok(References {
            patterns: compiled,
            labels,
            label_of,
            context,
            context_of,
            fallback,
        })
    }

    pub(crate) fn find(&self, f: &mut Found) {
        if self.patterns.is_empty() {
            return;
        }
        let text = f.text;
        struct Candidate {
            range: Range<usize>,
            pattern: usize,
            value: String,
            prefixed: bool,
        }
        let mut cands: Vec<Candidate> = Vec::new();
        for (i, p) in self.patterns.iter().enumerate() {
            for c in p.regex.captures_iter(text) {
                let all = c.get(0).expect("match");
                let r = all.range();
                if alnum_before(text, r.start)
                    || alnum_at(text, r.end)
                    || (r.start > 0 && matches!(text.as_bytes()[r.start - 1], b'-' | b'/' | b'.' | b'+'))
                    || text[..r.start].ends_with('£')
                    || (text[r.end..].starts_with(['.', ',', '/']) && alnum_at(text, r.end + 1))
                    || !f.free(&r)
                {
                    continue;
                }
                let raw = c.name("value").map_or(all.as_str(), |m| m.as_str());
                let value: String = raw
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_uppercase();
                if value.is_empty() || p.check.is_some_and(|k| !k.check(&value)) {
                    continue;
                }
                let prefixed = c.name("prefix").is_some_and(|m| !m.is_empty());
                cands.push(Candidate {
                    range: r,
                    pattern: i,
                    value,
                    prefixed,
                });
            }
        }
        if cands.is_empty() {
            return;
        }
        cands.sort_by_key(|c| (c.range.start, std::cmp::Reverse(c.range.end), c.pattern));

        let labels: Vec<(Range<usize>, Label)> = self.labels.as_ref().map_or_else(Vec::new, |re| {
            re.find_iter(text)
                .filter_map(|m| self.label_of.get(&key(m.as_str())).map(|l| (m.range(), *l)))
                .collect()
        });
        let context: Vec<(Range<usize>, usize)> = self.context.as_ref().map_or_else(Vec::new, |re| {
            re.find_iter(text)
                .filter_map(|m| self.context_of.get(&key(m.as_str())).map(|p| (m.range(), *p)))
                .filter(|(_, p)| *p != usize::MAX)
                .collect()
        });

        let mut last: Option<(usize, usize)> = None; // (end, pattern) of the last reference taken
        for c in cands {
            if !f.free(&c.range) {
                continue;
            }
            let start = c.range.start;
            let nearest = labels
                .iter()
                .rev()
                .find(|(r, _)| r.end <= start && !(r.start < c.range.end && c.range.start < r.end))
                .filter(|(r, _)| start - r.end <= 60 && gap_ok(&text[r.end..start]));
            let conf = if c.prefixed {
                Some(0.95)
            } else if let Some((_, label)) = nearest {
                match label {
                    Label::Of(p) => (*p == c.pattern).then_some(0.95),
                    Label::Account | Label::Ref if bank_details(text, start) => None,
                    Label::Account | Label::Ref => match self.domain(&context, &c.range) {
                        Some(p) => (p == c.pattern).then_some(0.85),
                        None => (*label == Label::Account && self.fallback == Some(c.pattern)).then_some(0.75),
                    },
                }
            } else {
                None
            };
            let conf = conf.or_else(|| {
                let (end, p) = last?;
                if p != c.pattern || end > start {
                    return None;
                }
                let gap = &text[end..start];
                let listed = list_next(text, end) == Some(start);
                let next_row =
                    start - end <= 160 && gap.matches('\n').count() == 1 && !labels_between(&labels, end, start);
                (listed || next_row).then_some(0.85)
            });
            if let Some(conf) = conf {
                f.push(&self.patterns[c.pattern].name, c.value, c.range.clone(), conf);
                last = Some((c.range.end, c.pattern));
            }
        }
    }

    /// The pattern that the nearest context word before `r` (else after it) belongs to.
    fn domain(&self, context: &[(Range<usize>, usize)], r: &Range<usize>) -> Option<usize> {
        context
            .iter()
            .rev()
            .find(|(c, _)| c.end <= r.start)
            .or_else(|| context.iter().find(|(c, _)| c.start >= r.end))
            .map(|(_, p)| *p)
    }
}

static BANK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:sort\s*code|bank|building\s+society|bacs|iban|swift|payee)(?-u:\b)").expect("regex")
});

/// "Sort code 20-00-00, account 12345678": a bank account, not a council one.
fn bank_details(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    BANK.is_match(&text[from..at])
}

fn labels_between(labels: &[(Range<usize>, Label)], from: usize, to: usize) -> bool {
    labels
        .iter()
        .any(|(r, l)| r.start >= from && r.end <= to && matches!(l, Label::Of(_)))
}

/// Between a label and its number: at most one line break (any number when the label only
/// introduces a list: "accounts:\n\n- 50012345"), and no sentence ends.
fn gap_ok(gap: &str) -> bool {
    if gap.matches('\n').count() > 1 {
        let rest = gap.trim_start_matches([' ', '\t', ':', '\r', '\n']);
        return rest.trim_start_matches(['-', '*', '•']).trim().is_empty()
            || rest
                .trim_end()
                .trim_end_matches(['.', ')'])
                .bytes()
                .all(|b| b.is_ascii_digit());
    }
    let b = gap.as_bytes();
    for i in 0..b.len() {
        if matches!(b[i], b'.' | b'!' | b'?') {
            let rest = &gap[i + 1..];
            let trimmed = rest.trim_start();
            if trimmed.len() < rest.len() && trimmed.starts_with(|c: char| c.is_ascii_uppercase()) {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::extract::{ExtractConfig, Extractor, extract, kinds};

    fn refs(text: &str) -> Vec<(String, String)> {
        extract(text)
            .into_iter()
            .filter(|e| e.kind.ends_with("_ref") && e.kind != kinds::CASE_REF)
            .map(|e| (e.kind, e.value))
            .collect()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn labels_decide() {
        assert_eq!(
            refs("Council tax account 50012345. Housing benefit claim 1234567. NNDR 60012345, and CTAX50099999."),
            [
                pair(kinds::COUNCIL_TAX_REF, "50012345"),
                pair(kinds::HB_CLAIM_REF, "1234567"),
                pair(kinds::BUSINESS_RATES_REF, "60012345"),
                pair(kinds::COUNCIL_TAX_REF, "50099999"),
            ]
        );
        assert_eq!(
            refs("Re business rates for Unit 4. Account number 60012345 and 60012346"),
            [
                pair(kinds::BUSINESS_RATES_REF, "60012345"),
                pair(kinds::BUSINESS_RATES_REF, "60012346")
            ]
        );
        assert_eq!(
            refs("Accounts:\n14 Mill Lane - 50012345\n16 Mill Lane - 50012346\n"),
            [
                pair(kinds::COUNCIL_TAX_REF, "50012345"),
                pair(kinds::COUNCIL_TAX_REF, "50012346")
            ]
        );
        assert!(refs("my number is 50012345 and the order 12345678").is_empty());
    }

    #[test]
    fn config_errors() {
        let mut cfg = ExtractConfig::default();
        cfg.references[0].regex = "(".into();
        assert!(Extractor::new(&cfg).is_err());
        let cfg = ExtractConfig {
            fallback_reference: Some("nope".into()),
            ..Default::default()
        };
        assert!(Extractor::new(&cfg).is_err());
    }
}
