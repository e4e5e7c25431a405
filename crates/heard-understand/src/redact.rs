//! Payment card numbers never reach storage (PCI DSS).
//!
//! [`redact`] replaces every payment card number in a text — and the security code or expiry
//! date written next to it — with a visible marker, before the contact is written anywhere
//! (database, search index, logs, outbox). Intake calls it on every text field: subject, body,
//! social message, form fields, call notes and text extracted from attachments.
//!
//! # What counts as a card number
//!
//! A run of 13 to 19 ASCII digits, written continuously or in groups joined by spaces or
//! dashes (at most three separator characters between groups, at most one of them a dash or
//! dot; never a line break), that passes the Luhn check and does not start with `0`
//! (no card scheme issues numbers starting with 0; every UK national phone number does).
//! A grouped number must start with a group of exactly four digits, as every scheme prints
//! and people read them out (`4-4-4-4`, `4-6-5`, `4-4-4-4-3`, …); this keeps lists of
//! account references, UPRNs and sort code + account pairs apart. A run that follows `+`
//! (an international phone number) or letters and a dash (`HRD-000123`) is never a card.
//! When several lengths fit, the longest wins, so no trailing digits of a 19-digit card
//! are left behind.
//!
//! Near a card (in the words right after it, or labelled within 120 bytes either side) an
//! expiry date (`03/27`, `03/2027`, `exp 0327`) and a 3–4 digit security code are removed
//! too. A code labelled `CVV`, `CVC`, `CV2` or `CSC` is removed wherever it is; one labelled
//! "security code" wherever the text talks about a card. A 15–19 digit number labelled `IMEI`
//! or `ICCID` (device numbers that use Luhn too) is left alone.
//!
//! Luhn passes one in ten random numbers, so any 13–19 digit run of the shapes above is
//! treated as a card: a false redaction costs a re-typed number, a missed one a PCI breach.
//! Case references, UK phone numbers, 12-digit UPRNs and 8–10 digit account references are
//! out of those shapes and are never touched (property-tested in `tests/redact_props.rs`).
//!
//! Redaction always covers the whole text, however long: only analysis is truncated.

use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Replaces a card number. Contains no digit, so it can never look like one.
pub const CARD_MARKER: &str = "[card number removed]";
/// Replaces a card security code (CVV/CVC).
pub const SECURITY_CODE_MARKER: &str = "[security code removed]";
/// Replaces a card expiry date.
pub const EXPIRY_MARKER: &str = "[expiry date removed]";

/// What a marker stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Removed {
    CardNumber,
    SecurityCode,
    ExpiryDate,
}

impl Removed {
    pub fn marker(self) -> &'static str {
        match self {
            Removed::CardNumber => CARD_MARKER,
            Removed::SecurityCode => SECURITY_CODE_MARKER,
            Removed::ExpiryDate => EXPIRY_MARKER,
        }
    }
}

/// One marker in the redacted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub what: Removed,
    /// Byte range of the marker in [`Redacted::text`].
    pub span: Range<usize>,
}

/// A text with its card data replaced by markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// The text to store: the original with each removed value replaced by its marker.
    pub text: String,
    /// The markers, in order.
    pub markers: Vec<Marker>,
}

impl Redacted {
    /// How many values were removed.
    pub fn removed(&self) -> usize {
        self.markers.len()
    }

    /// How many card numbers were removed.
    pub fn cards(&self) -> usize {
        self.count(Removed::CardNumber)
    }

    pub fn count(&self, what: Removed) -> usize {
        self.markers.iter().filter(|m| m.what == what).count()
    }
}

/// Replaces card numbers, and the security codes and expiry dates beside them, with markers.
/// Never panics; linear in the length of the text.
pub fn redact(text: &str) -> Redacted {
    let found = find(text);
    if found.is_empty() {
        return Redacted {
            text: text.to_string(),
            markers: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len() + 16 * found.len());
    let mut markers = Vec::with_capacity(found.len());
    let mut at = 0;
    for (range, what) in found {
        out.push_str(&text[at..range.start]);
        let start = out.len();
        out.push_str(what.marker());
        markers.push(Marker {
            what,
            span: start..out.len(),
        });
        at = range.end;
    }
    out.push_str(&text[at..]);
    Redacted { text: out, markers }
}

/// Redacts a field where it stands (for intake: subject, body, form fields…); returns how many
/// values were removed. The string is left untouched when there is nothing to remove.
pub fn redact_in_place(text: &mut String) -> usize {
    if !might_hold_card_data(text) {
        return 0;
    }
    let r = redact(text);
    let removed = r.removed();
    if removed > 0 {
        *text = r.text;
    }
    removed
}

/// Whether the text holds a card number (as [`redact`] defines it).
pub fn contains_card_number(text: &str) -> bool {
    !find_cards(text).is_empty()
}

/// The Luhn (mod 10) check over the ASCII digits of `digits`; other characters are ignored.
/// False when there are no digits.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    let mut n = 0usize;
    for b in digits.bytes().rev().filter(u8::is_ascii_digit) {
        let d = u32::from(b - b'0');
        sum += if n % 2 == 1 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
        n += 1;
    }
    n > 0 && sum.is_multiple_of(10)
}

/// Cheap pre-check: a card needs 13 digits, a labelled code 3.
fn might_hold_card_data(text: &str) -> bool {
    text.bytes().filter(u8::is_ascii_digit).take(3).count() >= 3
}

/// Everything to remove, sorted, non-overlapping.
fn find(text: &str) -> Vec<(Range<usize>, Removed)> {
    if !might_hold_card_data(text) {
        return Vec::new();
    }
    let cards = find_cards(text);
    let mut found: Vec<(Range<usize>, Removed)> = cards.iter().map(|r| (r.clone(), Removed::CardNumber)).collect();

    for card in &cards {
        tail(text, card.end, &mut found);
        let window = widen(text, card.start.saturating_sub(120), (card.end + 120).min(text.len()));
        let w = &text[window.clone()];
        for c in EXPIRY_LABELLED.captures_iter(w) {
            if let Some(m) = c.get(1) {
                found.push((window.start + m.start()..window.start + m.end(), Removed::ExpiryDate));
            }
        }
        for c in CODE_WEAK.captures_iter(w) {
            if let Some(m) = c.get(1) {
                found.push((window.start + m.start()..window.start + m.end(), Removed::SecurityCode));
            }
        }
    }
    for c in CODE_STRONG.captures_iter(text) {
        if let Some(m) = c.get(1) {
            found.push((m.range(), Removed::SecurityCode));
        }
    }
    {
        // "the security code on the back of my card is 123", away from the number or without it.
        for c in CODE_WEAK.captures_iter(text) {
            if let Some(m) = c.get(1) {
                let around = widen(text, m.start().saturating_sub(150), (m.end() + 150).min(text.len()));
                if CARD_WORD.is_match(&text[around]) {
                    found.push((m.range(), Removed::SecurityCode));
                }
            }
        }
    }
    merge(found)
}

/// Sorts and merges overlapping ranges; a merged range keeps the strongest kind (card first).
fn merge(mut found: Vec<(Range<usize>, Removed)>) -> Vec<(Range<usize>, Removed)> {
    found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<(Range<usize>, Removed)> = Vec::with_capacity(found.len());
    for (r, what) in found {
        if let Some((last, last_what)) = out.last_mut()
            && r.start < last.end
        {
            last.end = last.end.max(r.end);
            if what == Removed::CardNumber {
                *last_what = what;
            }
            continue;
        }
        out.push((r, what));
    }
    out
}

/// Moves `start` back and `end` forward to char boundaries.
fn widen(text: &str, mut start: usize, mut end: usize) -> Range<usize> {
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// A run of ASCII digits.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

impl Group {
    fn len(self) -> usize {
        self.end - self.start
    }
}

/// Whether the bytes between two digit groups join them into one number.
fn joins(gap: &str) -> bool {
    let mut chars = 0;
    let mut punct = 0;
    for c in gap.chars() {
        chars += 1;
        match c {
            ' ' | '\t' | '\u{a0}' | '\u{2007}' | '\u{2009}' | '\u{202f}' => {}
            '-' | '.' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => punct += 1,
            _ => return false,
        }
    }
    (1..=3).contains(&chars) && punct <= 1
}

/// Byte ranges of the card numbers in `text`, in order.
fn find_cards(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut groups: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            groups.push(Group { start, end: i });
        } else {
            i += 1;
        }
    }
    let mut cards = Vec::new();
    let mut digits = String::with_capacity(19);
    let mut g = 0;
    while g < groups.len() {
        let first = groups[g];
        if !may_start_card(b, first) {
            g += 1;
            continue;
        }
        let mut best: Option<usize> = None;
        let mut count = 0;
        digits.clear();
        let mut j = g;
        while j < groups.len() {
            let grp = groups[j];
            if j > g && (!joins(&text[groups[j - 1].end..grp.start]) || first.len() != 4 || grp.len() > 7) {
                break;
            }
            count += grp.len();
            if count > 19 {
                break;
            }
            digits.push_str(&text[grp.start..grp.end]);
            if count >= 13 && luhn_valid(&digits) {
                best = Some(j);
            }
            j += 1;
        }
        match best {
            Some(last) if device_number(text, first.start) => g = last + 1,
            Some(last) => {
                cards.push(first.start..groups[last].end);
                g = last + 1;
            }
            None => g += 1,
        }
    }
    cards
}

/// IMEIs (15 digits) and SIM serials (ICCID, 19–20 digits) use Luhn too: a number labelled as
/// one, just before it, is not a card.
fn device_number(text: &str, start: usize) -> bool {
    let mut from = start.saturating_sub(16);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    DEVICE_LABEL.is_match(&text[from..start])
}

/// A card starts with a non-zero digit, at a word start, not after `+` or `LETTERS-`.
fn may_start_card(b: &[u8], g: Group) -> bool {
    if b[g.start] == b'0' {
        return false;
    }
    if g.start == 0 {
        return true;
    }
    let prev = b[g.start - 1];
    if prev.is_ascii_alphanumeric() || prev == b'+' || prev == b'_' {
        return false;
    }
    if (prev == b'-' || prev == b'/') && g.start >= 2 && b[g.start - 2].is_ascii_alphanumeric() {
        return false;
    }
    true
}

/// The words right after a card: "exp 03/27 cvv 123", "03/27 123", "expiry: 0327, code 123".
fn tail(text: &str, from: usize, found: &mut Vec<(Range<usize>, Removed)>) {
    let b = text.as_bytes();
    let limit = (from + 60).min(b.len());
    let mut i = from;
    let mut expiry_label = false;
    let mut code_label = false;
    let mut got_expiry = false;
    let mut got_code = false;
    for _ in 0..10 {
        while i < limit
            && matches!(
                b[i],
                b' ' | b'\t'
                    | b','
                    | b';'
                    | b':'
                    | b'('
                    | b')'
                    | b'['
                    | b']'
                    | b'-'
                    | b'='
                    | b'#'
                    | b'.'
                    | b'/'
                    | b'\r'
                    | b'\n'
            )
        {
            i += 1;
        }
        if i >= limit {
            return;
        }
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let n = i - start;
            // MM/YY or MM/YYYY
            if (1..=2).contains(&n) && !got_expiry {
                let month = &text[start..i];
                let mut k = i;
                while k < b.len() && b[k] == b' ' && k < i + 1 {
                    k += 1;
                }
                if k < b.len() && matches!(b[k], b'/' | b'-' | b'.') {
                    k += 1;
                    while k < b.len() && b[k] == b' ' && k < i + 3 {
                        k += 1;
                    }
                    let ys = k;
                    while k < b.len() && b[k].is_ascii_digit() {
                        k += 1;
                    }
                    let yn = k - ys;
                    if valid_month(month) && (yn == 2 || (yn == 4 && b[ys..].starts_with(b"20"))) && !word_byte(b, k) {
                        found.push((start..k, Removed::ExpiryDate));
                        got_expiry = true;
                        i = k;
                        continue;
                    }
                }
                return;
            }
            if (n == 3 || n == 4) && !word_byte(b, i) {
                if n == 4 && expiry_label && !got_expiry && valid_month(&text[start..start + 2]) && !code_label {
                    found.push((start..i, Removed::ExpiryDate));
                    got_expiry = true;
                    continue;
                }
                if got_code {
                    return;
                }
                if !code_label && !expiry_label && looks_like_house_number(&text[i..]) {
                    return;
                }
                found.push((start..i, Removed::SecurityCode));
                got_code = true;
                continue;
            }
            return;
        }
        if b[i].is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'\'') {
                i += 1;
            }
            let word = text[start..i].to_ascii_lowercase();
            match word.as_str() {
                "exp" | "expiry" | "expires" | "expiring" | "expiration" | "valid" | "thru" | "through" | "until"
                | "end" | "ends" | "date" => expiry_label = true,
                "cvv" | "cvv2" | "cvc" | "cvc2" | "cv2" | "csc" | "security" | "sec" | "code" | "digits" => {
                    code_label = true;
                    expiry_label = false;
                }
                "is" | "and" | "the" | "to" | "number" | "no" | "num" | "on" | "back" | "of" | "its" | "it's"
                | "with" | "card" | "last" | "three" | "four" | "then" => {}
                _ => return,
            }
            continue;
        }
        if b[i] == b'&' {
            i += 1;
            continue;
        }
        return;
    }
}

fn word_byte(b: &[u8], i: usize) -> bool {
    i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_')
}

fn valid_month(m: &str) -> bool {
    matches!(m.parse::<u8>(), Ok(1..=12))
}

/// "123 Mill Lane": three digits after a card followed by a street are an address, not a code.
fn looks_like_house_number(rest: &str) -> bool {
    let mut words = rest.split_whitespace();
    for _ in 0..4 {
        match words.next() {
            Some(w) => {
                let w = w.trim_end_matches([',', '.']);
                if crate::extract::is_street_suffix(w) {
                    return true;
                }
                if !w.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                    return false;
                }
            }
            None => return false,
        }
    }
    false
}

/// Filler allowed between a label and its value: "cvv is 123", "security code: 123".
const FILLER: &str =
    r"(?:[^0-9A-Za-z\n]|(?i:is|are|was|were|number|no|code|on|the|back|of|my|your|a|card|it's|its)(?-u:\b)){0,20}?";

static CODE_STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:cvv2?|cvc2?|cv2|csc){FILLER}([0-9]{{3,4}})(?-u:\b)"
    ))
    .expect("regex")
});

static CODE_WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:security\s*(?:code|number|no|digits)|sec\.?\s*code|(?:3|three|4|four)[- ]digits?(?:\s+security)?\s*(?:code|number)?|(?:digits|numbers)\s+on\s+the\s+back){FILLER}([0-9]{{3,4}})(?-u:\b)"
    ))
    .expect("regex")
});

static EXPIRY_LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?:exp(?:iry|ires|iring|iration)?\.?(?:\s*date)?|valid\s*(?:to|thru|through|until)|end\s*date){FILLER}((?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?[0-9]{{2}}|(?:0[1-9]|1[0-2])[0-9]{{2}})(?-u:\b)"
    ))
    .expect("regex")
});

static DEVICE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:imei|iccid|sim(?:\s+card)?(?:\s+(?:no|number|serial))?)[\s:#.]*$").expect("regex")
});

static CARD_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?:card|visa|mastercard|amex|debit|credit|payment)").expect("regex"));

#[cfg(test)]
mod tests {
    use super::*;

    fn r(t: &str) -> String {
        redact(t).text
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        assert!(!luhn_valid(""));
    }

    #[test]
    fn cards_in_common_shapes_are_removed() {
        for t in [
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "4111111111111111",
            "3782 822463 10005",
            "5555 5555 5555 4444",
            "4222222222222",
            "4111 - 1111 - 1111 - 1111",
            "6011\u{a0}1111\u{a0}1111\u{a0}1117",
        ] {
            let out = r(&format!("my card is {t} thanks"));
            assert_eq!(out, format!("my card is {CARD_MARKER} thanks"), "{t}");
        }
    }

    #[test]
    fn expiry_and_code_beside_a_card() {
        assert_eq!(
            r("card 4111 1111 1111 1111 exp 03/27 cvv 123."),
            format!("card {CARD_MARKER} exp {EXPIRY_MARKER} cvv {SECURITY_CODE_MARKER}.")
        );
        assert_eq!(
            r("4111111111111111, 03/2027, 123"),
            format!("{CARD_MARKER}, {EXPIRY_MARKER}, {SECURITY_CODE_MARKER}")
        );
        assert_eq!(
            r("Expiry: 0327\nCard: 5555 5555 5555 4444\nSecurity code: 987"),
            format!("Expiry: {EXPIRY_MARKER}\nCard: {CARD_MARKER}\nSecurity code: {SECURITY_CODE_MARKER}")
        );
        assert_eq!(r("the CVV is 123"), format!("the CVV is {SECURITY_CODE_MARKER}"));
        assert_eq!(
            r("the security code on the back of the card is 4321"),
            format!("the security code on the back of the card is {SECURITY_CODE_MARKER}")
        );
    }

    #[test]
    fn look_alikes_survive() {
        for t in [
            "Re: [HRD-000123] and HRD-1234567890",
            "call 07700 900123 or +44 7700 900123 or 01242 262626",
            "UPRN 100023336956 and 200003012345",
            "accounts 50012345 50067891 5001234567",
            "sort code 20-00-00 account 12345678",
            "4111 1111 1111 1112",
            "the gate code is 1234",
            "permit expiry 03/27",
            "4111 1111 1111 111",
        ] {
            assert_eq!(r(t), t);
        }
    }

    #[test]
    fn a_house_number_after_a_card_stays() {
        assert_eq!(
            r("4111 1111 1111 1111 for 123 Mill Lane"),
            format!("{CARD_MARKER} for 123 Mill Lane")
        );
        assert_eq!(
            r("4111 1111 1111 1111 123 Mill Lane"),
            format!("{CARD_MARKER} 123 Mill Lane")
        );
    }

    #[test]
    fn odd_input() {
        for t in ["", "€", "4111 1111 1111 1111€", "é4111111111111111", "١٢٣٤"] {
            let _ = redact(t);
        }
        let long = "4111 1111 1111 1111 ".repeat(10_000);
        let out = redact(&long);
        assert_eq!(out.cards(), 10_000);
        assert!(!out.text.contains("4111"));
    }
}
