//! Data pulled out of a contact's text, so nobody types it twice.
//!
//! [`Extractor::analyse`] redacts card data first ([`crate::redact`]) and then reads the
//! redacted text; every [`Entity`] carries the byte span of what it was read from in that
//! redacted text, a normalised value and a confidence. [`Extractor::extract`] reads a text
//! that is already redacted.
//!
//! | kind | value | read from |
//! |---|---|---|
//! | `postcode` | `GL50 1AA` | UK postcodes, checked against the postcode areas and the letter rules |
//! | `address` | `Flat 2, 14 Mill Lane` | a house number and a street ending in a street word (Road, Lane, …) |
//! | `uprn` | `100023336956` | numbers labelled UPRN; unlabelled 12-digit `100…`/`200…` numbers |
//! | `council_tax_ref`, `business_rates_ref`, `hb_claim_ref`, … | `50012345` | [`ReferencePattern`]s: labelled numbers, configurable per council |
//! | `nino` (sensitive) | `QQ123456C` | National Insurance numbers (HMRC prefix rules; `QQ` is the specimen prefix) |
//! | `phone` | `+441242123456` | UK numbers (`01242 123456`, `+44 (0)7700 900123`) and `+` international ones, as E.164 |
//! | `email` | `jo@example.org` | addresses, lower-cased |
//! | `date` | `2025-03-03` | `03/03/2025`, `3/3/25`, `3rd March 2025`, `March 3rd`, `2025-03-03`; a date without a year takes the year that puts it nearest the reference date, or `--03-03` without one |
//! | `money` | `1234.50` | `£1,234.50`, `£2k`, `50 pounds`, `GBP 10`, `75p` |
//! | `vehicle_reg` | `AB12 CDE` | current-format plates; older prefix/suffix plates only when labelled ("reg", "car"…) |
//! | `case_ref` | `HRD-000123` | the council's own case references |
//! | `certificate_type` | `birth`, `marriage`, `civil_partnership`, `death` | registrar certificate requests |
//! | `event_date` | `1987-05-12` | in a certificate request, a date next to "born", "died", "married"… (also a `date`) |
//! | `person_name` | `Emily Rose Carter` | in a certificate request, the names the certificate is for |
//!
//! Analysis reads at most [`MAX_ANALYSIS_BYTES`] of a text (the whole text is still redacted
//! and kept); nothing here panics or takes more than linear time, whatever the input.

mod address;
mod dates;
mod references;
mod registrar;

pub(crate) use address::is_street_suffix;

use crate::redact::{self, Redacted};
use heard_core::{CaseReference, Identity, Postcode, Uprn};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

/// Analysis reads at most this many bytes of a text (cut at a character boundary).
pub const MAX_ANALYSIS_BYTES: usize = 100_000;

/// The built-in entity kinds (council reference kinds are configured: [`ReferencePattern::name`]).
pub mod kinds {
    pub const POSTCODE: &str = "postcode";
    pub const ADDRESS: &str = "address";
    pub const UPRN: &str = "uprn";
    pub const NINO: &str = "nino";
    pub const PHONE: &str = "phone";
    pub const EMAIL: &str = "email";
    pub const DATE: &str = "date";
    pub const MONEY: &str = "money";
    pub const VEHICLE_REG: &str = "vehicle_reg";
    pub const CASE_REF: &str = "case_ref";
    pub const CERTIFICATE_TYPE: &str = "certificate_type";
    pub const EVENT_DATE: &str = "event_date";
    pub const PERSON_NAME: &str = "person_name";
    pub const COUNCIL_TAX_REF: &str = "council_tax_ref";
    pub const BUSINESS_RATES_REF: &str = "business_rates_ref";
    pub const HB_CLAIM_REF: &str = "hb_claim_ref";
}

/// One value found in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    /// What it is: one of [`kinds`] or a configured reference name.
    #[serde(rename = "type")]
    pub kind: String,
    /// The normalised value (see the table in the module docs).
    pub value: String,
    /// Byte offsets of the text it was read from, in the (redacted) text analysed.
    pub start: usize,
    pub end: usize,
    /// How sure the rule that found it is, 0 to 1.
    pub confidence: f32,
    /// Personal data that only some roles may see (National Insurance numbers): show
    /// [`Entity::masked_value`] to the others.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

impl Entity {
    /// The span as a range.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The value for someone who may not see sensitive data: `QQ123456C` → `QQ******C`.
    /// Non-sensitive values are returned as they are.
    pub fn masked_value(&self) -> String {
        if !self.sensitive {
            return self.value.clone();
        }
        mask(&self.value)
    }

    /// The value as `viewer` may see it.
    pub fn value_for(&self, may_see_sensitive: bool) -> String {
        if may_see_sensitive {
            self.value.clone()
        } else {
            self.masked_value()
        }
    }
}

/// A check digit that a reference must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckDigit {
    /// Luhn (mod 10, doubling every second digit from the right).
    Luhn,
    /// Mod 11 with weights 2, 3, 4… from the rightmost digit before the check digit; the check
    /// digit is `(11 - sum % 11) % 11`, and a reference whose check would be 10 is invalid.
    Mod11,
}

impl CheckDigit {
    /// Whether the ASCII digits of `value` (other characters ignored) pass.
    pub fn check(self, value: &str) -> bool {
        match self {
            CheckDigit::Luhn => redact::luhn_valid(value),
            CheckDigit::Mod11 => {
                let digits: Vec<u32> = value
                    .bytes()
                    .filter(u8::is_ascii_digit)
                    .map(|b| u32::from(b - b'0'))
                    .collect();
                let Some((check, body)) = digits.split_last() else {
                    return false;
                };
                if body.is_empty() {
                    return false;
                }
                let sum: u32 = body.iter().rev().zip(2u32..).map(|(d, w)| d * w).sum();
                let want = (11 - sum % 11) % 11;
                want < 10 && want == *check
            }
        }
    }
}

/// How one council writes one kind of reference (council tax account, business rates account,
/// housing benefit claim…). Council config, e.g. in TOML:
///
/// ```toml
/// [[references]]
/// name = "council_tax_ref"
/// regex = '(?:(?P<prefix>CTAX)[ -]?)?(?P<value>[0-9]{8})'
/// labels = ["council tax", "ctax"]
/// context = ["single person discount"]
/// check_digit = "mod11"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferencePattern {
    /// The entity kind it yields, e.g. `council_tax_ref`.
    pub name: String,
    /// The reference as written, matched as a whole word. A group named `value` is the value
    /// (otherwise the whole match, spaces removed, upper-cased). When a group named `prefix`
    /// matched (`CTAX 50012345`), the reference needs no label.
    pub regex: String,
    /// Words that, just before a number, say it is this kind ("council tax", "NNDR").
    /// They also count as [`context`](Self::context).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Words anywhere in the text that make a generic label ("account", "ref") mean this
    /// kind; the nearest one before the number wins.
    #[serde(default)]
    pub context: Vec<String>,
    /// A check digit every value must pass.
    #[serde(default)]
    pub check_digit: Option<CheckDigit>,
}

/// What an [`Extractor`] is configured with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// The council's case reference prefix (`HRD` → `HRD-000123`).
    pub case_prefix: String,
    /// The council's reference kinds; [`default_reference_patterns`] by default.
    pub references: Vec<ReferencePattern>,
    /// Which reference kind a number labelled only "account" is when nothing in the text
    /// says which (`council_tax_ref` by default; `None` to drop such numbers).
    pub fallback_reference: Option<String>,
    /// The day the text was written: a date without a year ("3rd March") takes the year that
    /// puts it nearest this day. Without one, such dates are written `--03-03`.
    pub reference_date: Option<jiff::civil::Date>,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            case_prefix: "HRD".into(),
            references: default_reference_patterns(),
            fallback_reference: Some(kinds::COUNCIL_TAX_REF.into()),
            reference_date: None,
        }
    }
}

/// Council tax accounts (8–10 digits, or `CTAX…`), business rates accounts (8–10 digits, or
/// `NNDR…`) and housing benefit claims (6–10 digits, or `HB…`), told apart by their labels.
pub fn default_reference_patterns() -> Vec<ReferencePattern> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        ReferencePattern {
            name: kinds::COUNCIL_TAX_REF.into(),
            regex: r"(?:(?P<prefix>CTAX|CTX)[ /-]?)?(?P<value>[0-9]{8,10})".into(),
            labels: s(&[
                "council tax",
                "ctax",
                "c/tax",
                "c tax",
                "ct account",
                "ct ref",
                "ct a/c",
                "council tax bill",
            ]),
            context: s(&[
                "single person discount",
                "liable for council tax",
                "council tax liability",
                "band",
                "exemption",
                "exempt",
                "discount",
                "empty homes premium",
            ]),
            check_digit: None,
        },
        ReferencePattern {
            name: kinds::BUSINESS_RATES_REF.into(),
            regex: r"(?:(?P<prefix>NNDR|BR)[ /-]?)?(?P<value>[0-9]{8,10})".into(),
            labels: s(&[
                "business rates",
                "business rate",
                "nndr",
                "non-domestic rates",
                "non domestic rates",
                "rates account",
                "rates ref",
                "rates reference",
                "rates a/c",
            ]),
            context: s(&[
                "rateable value",
                "rate relief",
                "small business",
                "sbrr",
                "retail relief",
                "rates bill",
            ]),
            check_digit: None,
        },
        ReferencePattern {
            name: kinds::HB_CLAIM_REF.into(),
            regex: r"(?:(?P<prefix>HB)[ /-]?)?(?P<value>[0-9]{6,10})".into(),
            labels: s(&[
                "housing benefit",
                "hb",
                "hb claim",
                "claim ref",
                "claim reference",
                "claim number",
                "claim no",
                "benefit ref",
                "benefit reference",
                "benefits ref",
                "council tax reduction",
                "council tax support",
                "ctr",
            ]),
            context: s(&[
                "benefit",
                "benefits",
                "claim",
                "universal credit",
                "change of circumstances",
            ]),
            check_digit: None,
        },
    ]
}

/// A bad [`ExtractConfig`].
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("case_prefix: {0}")]
    CasePrefix(String),
    #[error("reference `{name}`: {problem}")]
    Reference { name: String, problem: String },
}

/// A contact's text, redacted and read.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The text to store, card data removed.
    pub redacted: Redacted,
    /// What was found, spans into `redacted.text`, in order of position.
    pub entities: Vec<Entity>,
    /// Whether the text was longer than [`MAX_ANALYSIS_BYTES`] (only its start was read).
    pub truncated: bool,
}

/// A sensitive value as roles that may not see it are shown it: `QQ******C`.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 2 || i + 1 == n { *c } else { '*' })
        .collect()
}

/// A configured reader; build once, use from any thread.
#[derive(Debug)]
pub struct Extractor {
    case_ref: Regex,
    case_prefix: String,
    references: references::References,
    reference_date: Option<jiff::civil::Date>,
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor::new(&ExtractConfig::default()).expect("the default config is valid")
    }
}

static DEFAULT: LazyLock<Extractor> = LazyLock::new(Extractor::default);

/// Redacts and reads `raw` with the default configuration.
pub fn analyse(raw: &str) -> Analysis {
    DEFAULT.analyse(raw)
}

/// Reads an already redacted text with the default configuration.
pub fn extract(text: &str) -> Vec<Entity> {
    DEFAULT.extract(text)
}

impl Extractor {
    pub fn new(config: &ExtractConfig) -> Result<Self, ConfigError> {
        heard_core::case::validate_prefix(&config.case_prefix).map_err(ConfigError::CasePrefix)?;
        let case_ref = Regex::new(&format!(
            r"(?i)(?-u:\b){}(-|\s?)([0-9]{{1,10}})(?-u:\b)",
            regex::escape(&config.case_prefix)
        ))
        .expect("escaped prefix");
        Ok(Extractor {
            case_ref,
            case_prefix: config.case_prefix.to_ascii_uppercase(),
            references: references::References::new(&config.references, config.fallback_reference.as_deref())?,
            reference_date: config.reference_date,
        })
    }

    /// Redacts card data, then reads the redacted text.
    pub fn analyse(&self, raw: &str) -> Analysis {
        let redacted = redact::redact(raw);
        let entities = self.extract(&redacted.text);
        let truncated = redacted.text.len() > MAX_ANALYSIS_BYTES;
        Analysis {
            redacted,
            entities,
            truncated,
        }
    }

    /// Reads a text that is already redacted (only its first [`MAX_ANALYSIS_BYTES`]).
    pub fn extract(&self, text: &str) -> Vec<Entity> {
        self.extract_as_of(text, self.reference_date)
    }

    /// [`Extractor::extract`] with dates that lack a year placed nearest `today` — for a
    /// server, whose "today" moves while the extractor stays built.
    pub fn extract_as_of(&self, text: &str, today: Option<jiff::civil::Date>) -> Vec<Entity> {
        let text = truncate(text, MAX_ANALYSIS_BYTES);
        let mut f = Found::new(text);
        for m in URL.find_iter(text) {
            f.block(m.range());
        }
        emails(&mut f);
        self.case_refs(&mut f);
        phones(&mut f);
        ninos(&mut f);
        postcodes(&mut f);
        vehicle_regs(&mut f);
        uprns(&mut f);
        self.references.find(&mut f);
        money(&mut f);
        dates::find(&mut f, today);
        address::find(&mut f);
        registrar::find(&mut f);
        let mut out = f.entities;
        out.sort_by(|a, b| (a.start, a.end, &a.kind).cmp(&(b.start, b.end, &b.kind)));
        out
    }

    fn case_refs(&self, f: &mut Found) {
        for c in self.case_ref.captures_iter(f.text) {
            let (Some(all), Some(sep), Some(num)) = (c.get(0), c.get(1), c.get(2)) else {
                continue;
            };
            let (found, conf) = match sep.as_str() {
                "-" => (
                    CaseReference::find_in(&self.case_prefix, all.as_str())
                        .into_iter()
                        .next(),
                    0.98,
                ),
                "" => (
                    num.as_str()
                        .parse()
                        .ok()
                        .and_then(|n| CaseReference::new(&self.case_prefix, n).ok()),
                    0.9,
                ),
                _ if num.len() >= 4 => (
                    num.as_str()
                        .parse()
                        .ok()
                        .and_then(|n| CaseReference::new(&self.case_prefix, n).ok()),
                    0.8,
                ),
                _ => (None, 0.0),
            };
            if let Some(r) = found {
                f.push(kinds::CASE_REF, r.to_string(), all.range(), conf);
            }
        }
    }
}

/// The longest prefix of `text` no longer than `max` bytes that ends at a character boundary.
pub fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The entities found so far and the spans they (or blockers such as URLs) cover.
pub(crate) struct Found<'a> {
    pub text: &'a str,
    pub entities: Vec<Entity>,
    /// Taken spans, start → end; callers take only free spans, so they never overlap.
    taken: BTreeMap<usize, usize>,
}

impl<'a> Found<'a> {
    fn new(text: &'a str) -> Self {
        Found {
            text,
            entities: Vec::new(),
            taken: BTreeMap::new(),
        }
    }

    /// Whether nothing found so far overlaps `r`.
    pub fn free(&self, r: &Range<usize>) -> bool {
        let end = r.end.max(r.start + 1);
        self.taken.range(..end).next_back().is_none_or(|(_, &e)| e <= r.start)
    }

    pub fn block(&mut self, r: Range<usize>) {
        self.take(r);
    }

    fn take(&mut self, r: Range<usize>) {
        if self.free(&r) {
            self.taken.insert(r.start, r.end);
        }
    }

    /// Records an entity and takes its span (later kinds skip it).
    pub fn push(&mut self, kind: &str, value: String, r: Range<usize>, confidence: f32) {
        self.take(r.clone());
        self.add(kind, value, r, confidence);
    }

    /// Records an entity without taking its span (it may coincide with another).
    pub fn add(&mut self, kind: &str, value: String, r: Range<usize>, confidence: f32) {
        self.entities.push(Entity {
            kind: kind.to_string(),
            value,
            start: r.start,
            end: r.end,
            confidence,
            sensitive: kind == kinds::NINO,
        });
    }
}

/// The byte before `at` is a letter or digit.
pub(crate) fn alnum_before(text: &str, at: usize) -> bool {
    at > 0 && text.as_bytes()[at - 1].is_ascii_alphanumeric()
}

/// The byte at `at` is a letter or digit.
pub(crate) fn alnum_at(text: &str, at: usize) -> bool {
    text.as_bytes().get(at).is_some_and(u8::is_ascii_alphanumeric)
}

/// Whether one of the words matched by `label` ends within `within` bytes before `at`,
/// with no line break between.
pub(crate) fn labelled(text: &str, at: usize, within: usize, label: &Regex) -> bool {
    let mut from = at.saturating_sub(within);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = &text[from..at];
    let line = before.rfind('\n').map_or(before, |i| &before[i + 1..]);
    label.is_match(line)
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?:https?://|www\.)[^\s<>\x22'()\[\]]+").expect("regex"));

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[a-z0-9_](?:[a-z0-9._%+'-]*[a-z0-9_%+-])?@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+",
    )
    .expect("regex")
});

fn emails(f: &mut Found) {
    for m in EMAIL.find_iter(f.text) {
        let tld = m.as_str().rsplit('.').next().unwrap_or("");
        if tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) || !f.free(&m.range()) {
            continue;
        }
        if let Ok(id) = Identity::email(m.as_str()) {
            f.push(kinds::EMAIL, id.value, m.range(), 0.98);
        }
    }
}

static PHONE_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\+\s?[1-9]|(?-u:\b)00\s?[1-9]|\((?:0|\+44)|(?-u:\b)0[1-9])").expect("regex"));

static PHONE_LABEL_NOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:account|acc|a/c|ref|reference|claim|uprn|number plate|reg)(?:\s*(?:no|number|num))?\.?[\s:#]*$")
        .expect("regex")
});

static PHONE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:tel|telephone|phone|mobile|mob|call|ring|contact|landline|number|on|text|sms|whatsapp)(?-u:\b)")
        .expect("regex")
});

fn phones(f: &mut Found) {
    let text = f.text;
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(m) = PHONE_START.find_at(text, from) {
        from = m.end();
        let start = m.start();
        if alnum_before(text, start) || (start > 0 && matches!(b[start - 1], b'+' | b'-' | b'/' | b'.')) {
            continue;
        }
        // In the middle of a run of digit groups ("9826 0033 1124 7781") unless the group before
        // was itself a phone number.
        if start >= 2
            && matches!(b[start - 1], b' ' | b'-')
            && b[start - 2].is_ascii_digit()
            && f.free(&(start - 2..start - 1))
        {
            continue;
        }
        let Some(end) = phone_end(text, start) else {
            continue;
        };
        let mut r = start..end;
        // "(+44 7700 900123)": brackets around the whole number are not part of it.
        if b[start] == b'(' {
            let inner = &text[start + 1..end];
            match inner.find(')') {
                None => r.start += 1,
                Some(i) if i + 1 == inner.len() => r = start + 1..end - 1,
                Some(_) => {}
            }
        }
        if !f.free(&r) || PHONE_LABEL_NOT.is_match(&text[floor(text, start.saturating_sub(30))..start]) {
            continue;
        }
        if let Ok(id) = Identity::phone(&text[r.clone()]) {
            let conf = if labelled(text, start, 30, &PHONE_LABEL) {
                0.97
            } else {
                0.9
            };
            f.push(kinds::PHONE, id.value, r.clone(), conf);
            from = end;
        }
    }
}

fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Where the phone number starting at `start` ends, if it is one: walks digit groups joined by
/// single separators and takes the longest run of a valid length ending at a group boundary.
fn phone_end(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = start;
    let mut digits = String::with_capacity(16);
    let mut ends: Vec<(usize, usize)> = Vec::new(); // (byte end, digit count)
    let mut last_sep_run = 0;
    let mut open_paren = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            digits.push(c as char);
            last_sep_run = 0;
            i += 1;
            if i == b.len() || !b[i].is_ascii_digit() {
                ends.push((i, digits.len()));
            }
            if digits.len() > 15 {
                break;
            }
        } else if c == b'+' && (i == start || (i == start + 1 && b[start] == b'(')) {
            i += 1;
            if b.get(i) == Some(&b' ') {
                i += 1;
            }
        } else if matches!(c, b' ' | b'-' | b'.' | b'(' | b')') {
            if c == b'(' {
                open_paren = true;
            }
            if c == b')' {
                if !open_paren {
                    break;
                }
                open_paren = false;
                if i + 1 < b.len() && b[i + 1] != b' ' && !b[i + 1].is_ascii_digit() {
                    break;
                }
                if let Some(last) = ends.last_mut()
                    && last.0 == i
                {
                    last.0 = i + 1;
                }
                i += 1;
                continue;
            }
            last_sep_run += 1;
            if last_sep_run > 2 || (c == b'.' && !b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
                break;
            }
            i += 1;
        } else {
            break;
        }
    }
    let plus = b[start] == b'+' || b[start..].starts_with(b"(+");
    let intl_00 = digits.starts_with("00");
    let ok = |count: usize, d: &str| -> bool {
        let d = &d[..count];
        if plus || intl_00 {
            let body = if intl_00 { d.get(2..).unwrap_or("") } else { d };
            if let Some(national) = body.strip_prefix("44") {
                let national = national.strip_prefix('0').unwrap_or(national);
                uk_national_ok(national)
            } else {
                (8..=15).contains(&body.len()) && !body.starts_with('0')
            }
        } else if let Some(national) = d.strip_prefix('0') {
            uk_national_ok(national)
        } else {
            false
        }
    };
    ends.iter()
        .rev()
        .find(|(_, count)| *count <= digits.len() && ok(*count, &digits))
        .map(|(end, _)| *end)
        .filter(|&end| !alnum_at(text, end))
}

/// A UK national significant number (after the trunk 0): 10 digits, or 9 for some 01 and 0800.
fn uk_national_ok(n: &str) -> bool {
    match n.as_bytes().first() {
        Some(b'1') | Some(b'8') => n.len() == 10 || n.len() == 9,
        Some(b'2') | Some(b'3') | Some(b'5') | Some(b'7') | Some(b'9') => n.len() == 10,
        _ => false,
    }
}

static NINO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)([a-z]{2})[ -]?([0-9]{2})[ -]?([0-9]{2})[ -]?([0-9]{2})[ -]?([a-d])(?-u:\b)")
        .expect("regex")
});

static NINO_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:ni|nino|nino\.|national\s+insurance|n\.i\.?|insurance)(?-u:\b)").expect("regex")
});

/// HMRC's rules for the two prefix letters; `QQ` (the specimen prefix) is accepted too.
fn nino_prefix_ok(p: &str) -> bool {
    let p = p.to_ascii_uppercase();
    if p == "QQ" {
        return true;
    }
    let b = p.as_bytes();
    let first_ok = !matches!(b[0], b'D' | b'F' | b'I' | b'Q' | b'U' | b'V');
    let second_ok = !matches!(b[1], b'D' | b'F' | b'I' | b'O' | b'Q' | b'U' | b'V');
    first_ok && second_ok && !matches!(p.as_str(), "BG" | "GB" | "NK" | "KN" | "TN" | "NT" | "ZZ")
}

fn ninos(f: &mut Found) {
    for c in NINO.captures_iter(f.text) {
        let all = c.get(0).expect("match");
        let prefix = &c[1];
        if !nino_prefix_ok(prefix) || !f.free(&all.range()) {
            continue;
        }
        let upper = prefix.bytes().all(|b| b.is_ascii_uppercase()) && c[5].bytes().all(|b| b.is_ascii_uppercase());
        let label = labelled(f.text, all.start(), 40, &NINO_LABEL);
        if !upper && !label {
            continue;
        }
        let value = format!("{}{}{}{}{}", prefix, &c[2], &c[3], &c[4], &c[5]).to_ascii_uppercase();
        f.push(kinds::NINO, value, all.range(), if label { 0.98 } else { 0.93 });
    }
}

static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)([a-z]{1,2}[0-9][a-z0-9]?)[ \t]{0,2}([0-9][a-z]{2})(?-u:\b)").expect("regex")
});

/// The UK postcode areas (and BF for BFPO, BX non-geographic).
const POSTCODE_AREAS: &[&str] = &[
    "AB", "AL", "B", "BA", "BB", "BD", "BF", "BH", "BL", "BN", "BR", "BS", "BT", "BX", "CA", "CB", "CF", "CH", "CM",
    "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH", "EN", "EX",
    "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE",
    "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG",
    "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG",
    "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW",
    "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE",
];

/// A normalised postcode (`GL50 1AA`) checked against the areas and Royal Mail's letter rules.
pub(crate) fn valid_postcode(outward: &str, inward: &str) -> Option<String> {
    let pc = Postcode::parse(&format!("{outward} {inward}")).ok()?;
    let (out, inw) = pc.as_str().split_once(' ')?;
    let area: String = out.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    if !POSTCODE_AREAS.contains(&area.as_str()) {
        return None;
    }
    let ib = inw.as_bytes();
    if ib[1..].iter().any(|c| b"CIKMOV".contains(c)) {
        return None;
    }
    let ob = out.as_bytes();
    let last = ob[ob.len() - 1];
    if last.is_ascii_alphabetic() {
        // A9A (third position) or AA9A (fourth position)
        let allowed: &[u8] = if area.len() == 1 {
            b"ABCDEFGHJKPSTUW"
        } else {
            b"ABEHMNPRVWXY"
        };
        if !allowed.contains(&last) {
            return None;
        }
    }
    Some(pc.as_str().to_string())
}

fn postcodes(f: &mut Found) {
    for c in POSTCODE.captures_iter(f.text) {
        let all = c.get(0).expect("match");
        if !f.free(&all.range()) {
            continue;
        }
        if let Some(v) = valid_postcode(&c[1], &c[2]) {
            let s = all.as_str();
            let conf = if s.bytes().all(|b| !b.is_ascii_lowercase()) && s.contains(' ') {
                0.98
            } else {
                0.9
            };
            f.push(kinds::POSTCODE, v, all.range(), conf);
        }
    }
}

static VEHICLE_CURRENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)([a-z]{2}[0-9]{2})[ ]?([a-z]{3})(?-u:\b)").expect("regex"));

static VEHICLE_OLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:([a-z][0-9]{1,3})[ ]?([a-z]{3})|([a-z]{3})[ ]?([0-9]{1,3}[a-z]))(?-u:\b)")
        .expect("regex")
});

static VEHICLE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:reg|registration|vrm|vrn|plate|plates|vehicle|car|van|motorbike|motorcycle|lorry|taxi|index|pcn|penalty\s+charge|parked|parking)(?-u:\b)",
    )
    .expect("regex")
});

fn vehicle_regs(f: &mut Found) {
    for c in VEHICLE_CURRENT.captures_iter(f.text) {
        let all = c.get(0).expect("match");
        if !f.free(&all.range()) {
            continue;
        }
        let (front, back) = (c[1].to_ascii_uppercase(), c[2].to_ascii_uppercase());
        let fb = front.as_bytes();
        let age: u8 = front[2..].parse().unwrap_or(0);
        let letters_ok =
            !b"IJQTUXZ".contains(&fb[0]) && !b"IQZ".contains(&fb[1]) && !back.bytes().any(|b| b == b'I' || b == b'Q');
        let age_ok = (2..=29).contains(&age) || (51..=79).contains(&age);
        let upper = all.as_str().bytes().all(|b| !b.is_ascii_lowercase());
        let label = labelled(f.text, all.start(), 40, &VEHICLE_LABEL);
        if letters_ok && age_ok && (upper || label) {
            f.push(
                kinds::VEHICLE_REG,
                format!("{front} {back}"),
                all.range(),
                if label { 0.97 } else { 0.92 },
            );
        }
    }
    for c in VEHICLE_OLD.captures_iter(f.text) {
        let all = c.get(0).expect("match");
        if !f.free(&all.range()) || !labelled(f.text, all.start(), 40, &VEHICLE_LABEL) {
            continue;
        }
        let upper = all.as_str().bytes().all(|b| !b.is_ascii_lowercase());
        if !upper {
            continue;
        }
        let value = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(a), Some(b), _, _) => format!("{} {}", a.as_str(), b.as_str()),
            (_, _, Some(a), Some(b)) => format!("{} {}", a.as_str(), b.as_str()),
            _ => continue,
        };
        if value.contains('I') || value.contains('Q') {
            continue;
        }
        f.push(kinds::VEHICLE_REG, value.to_ascii_uppercase(), all.range(), 0.85);
    }
}

static UPRN_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)uprns?(?-u:\b)(?:[\s:#.,=(-]|(?i:is|it's|it’s|it\s+is|no|number|are|for\s+the\s+property)(?-u:\b)){0,10}?([0-9]{1,12})(?-u:\b)")
        .expect("regex")
});

static UPRN_BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)(?:100|200)[0-9]{9}(?-u:\b)").expect("regex"));

static LIST_SEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[ \t]*(?:,|;|/|&|(?i:and|or)(?-u:\b))[ \t]*|[ \t]*\r?\n[ \t]*(?:[-*•]|[0-9]{1,2}[.)])?[ \t]*)(?:(?i:and)[ \t]+)?")
        .expect("regex")
});

/// After an item ending at `end`, the start of the next item of a list ("A, B and C"), if any.
pub(crate) fn list_next(text: &str, end: usize) -> Option<usize> {
    LIST_SEP.find(&text[end..]).map(|m| end + m.end())
}

fn uprns(f: &mut Found) {
    let text = f.text;
    for c in UPRN_LABELLED.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        let mut r = m.range();
        loop {
            if !f.free(&r)
                || alnum_at(text, r.end)
                || text[r.end..].starts_with(['.', ',']) && alnum_at(text, r.end + 1)
            {
                break;
            }
            let Some(uprn) = text[r.clone()].parse().ok().and_then(|n| Uprn::new(n).ok()) else {
                break;
            };
            f.push(kinds::UPRN, uprn.get().to_string(), r.clone(), 0.97);
            let Some(next) = list_next(text, r.end) else { break };
            let len = text[next..].bytes().take_while(u8::is_ascii_digit).count();
            if !(6..=12).contains(&len) {
                break;
            }
            r = next..next + len;
        }
    }
    for m in UPRN_BARE.find_iter(text) {
        if f.free(&m.range()) {
            f.push(kinds::UPRN, m.as_str().to_string(), m.range(), 0.75);
        }
    }
}

static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:£|(?-u:\b)gbp\s?)\s?((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,12})(?:\.[0-9]{1,2})?)(?:\s?(k|m|bn|million|thousand)(?-u:\b)|(?-u:\b))|(?-u:\b)((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,12})(?:\.[0-9]{2})?)\s?(?:pounds?|quid|gbp)(?-u:\b)|(?-u:\b)([0-9]{1,2})p(?-u:\b)",
    )
    .expect("regex")
});

fn money(f: &mut Found) {
    for c in MONEY.captures_iter(f.text) {
        let all = c.get(0).expect("match");
        if !f.free(&all.range()) {
            continue;
        }
        let value = if let Some(n) = c.get(1).or(c.get(3)) {
            let mult = match c.get(2).map(|m| m.as_str().to_ascii_lowercase()).as_deref() {
                Some("k") | Some("thousand") => 1_000,
                Some("m") | Some("million") => 1_000_000,
                Some("bn") => 1_000_000_000,
                _ => 1,
            };
            pounds(n.as_str(), mult)
        } else if let Some(p) = c.get(4) {
            if alnum_before(f.text, p.start()) {
                continue;
            }
            p.as_str().parse::<u32>().ok().map(|p| format!("0.{p:02}"))
        } else {
            None
        };
        if let Some(v) = value {
            f.push(kinds::MONEY, v, all.range(), 0.95);
        }
    }
}

/// `1,234.5` × `mult` → `1234.50`.
fn pounds(n: &str, mult: u128) -> Option<String> {
    let n: String = n.chars().filter(|c| *c != ',').collect();
    let (int, frac) = n.split_once('.').unwrap_or((&n, ""));
    let int: u128 = int.parse().ok()?;
    let frac_pence: u128 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u128>().ok()? * 10,
        _ => frac[..2].parse().ok()?,
    };
    let pence = (int * 100 + frac_pence) * mult;
    Some(format!("{}.{:02}", pence / 100, pence % 100))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str, kind: &str) -> Vec<String> {
        extract(text)
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.value)
            .collect()
    }

    #[test]
    fn spans_point_at_the_text() {
        let text = "Pothole outside 23 wharf road, gl50 1aa — £1,234.5 — call 01242 262626";
        for e in extract(text) {
            assert!(text.get(e.span()).is_some(), "{e:?}");
        }
    }

    #[test]
    fn postcodes_phones_emails() {
        assert_eq!(
            values("at gl50 1aa and SW1A1AA, not AAA1 1AA", kinds::POSTCODE),
            ["GL50 1AA", "SW1A 1AA"]
        );
        assert_eq!(
            values(
                "ring 01242 262626, (01242) 262627, +44 (0)7700 900123, 07700900124 or +353 87 123 4567",
                kinds::PHONE
            ),
            [
                "+441242262626",
                "+441242262627",
                "+447700900123",
                "+447700900124",
                "+353871234567"
            ]
        );
        assert_eq!(
            values("Mail Jo.Bloggs@Example.ORG.", kinds::EMAIL),
            ["jo.bloggs@example.org"]
        );
    }

    #[test]
    fn money_dates_ninos() {
        assert_eq!(
            values("owes £1,234.5, £50, £2k, 30 pounds and 75p", kinds::MONEY),
            ["1234.50", "50.00", "2000.00", "30.00", "0.75"]
        );
        assert_eq!(
            values("NI number qq 12 34 56 c; AB123456C", kinds::NINO),
            ["QQ123456C", "AB123456C"]
        );
        let e = extract("NI QQ123456C").remove(0);
        assert!(e.sensitive);
        assert_eq!(e.masked_value(), "QQ******C");
    }

    #[test]
    fn mod11() {
        // 2×8 … weights from the right: 1234567 → check digit
        let body = "1234567";
        let sum: u32 = body
            .bytes()
            .rev()
            .zip(2u32..)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let check = (11 - sum % 11) % 11;
        if check < 10 {
            assert!(CheckDigit::Mod11.check(&format!("{body}{check}")));
            assert!(!CheckDigit::Mod11.check(&format!("{body}{}", (check + 1) % 10)));
        }
    }

    #[test]
    fn truncates_on_a_char_boundary() {
        let s = "é".repeat(60_000);
        assert!(truncate(&s, MAX_ANALYSIS_BYTES).len() <= MAX_ANALYSIS_BYTES);
        let _ = extract(&s);
    }
}
