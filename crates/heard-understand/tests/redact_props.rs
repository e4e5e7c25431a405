//! Property tests for card redaction: generated card numbers in every usual grouping are always
//! removed; phone numbers, UPRNs, case references and account references never are.

use heard_understand::redact::{CARD_MARKER, contains_card_number, luhn_valid, redact};
use proptest::prelude::*;

/// Appends the Luhn check digit to `body`.
fn with_check_digit(body: &str) -> String {
    for d in 0..10 {
        let candidate = format!("{body}{d}");
        if luhn_valid(&candidate) {
            return candidate;
        }
    }
    unreachable!()
}

/// A Luhn-valid card number of 13–19 digits with a real scheme prefix (or any non-zero start).
fn card_number() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just("4".to_string()),
        (51u32..=55).prop_map(|p| p.to_string()),
        (2221u32..=2720).prop_map(|p| p.to_string()),
        Just("34".to_string()),
        Just("37".to_string()),
        Just("6011".to_string()),
        Just("65".to_string()),
        (3528u32..=3589).prop_map(|p| p.to_string()),
        Just("36".to_string()),
        Just("5018".to_string()),
        Just("6759".to_string()),
        (1u32..=9).prop_map(|p| p.to_string()),
    ];
    (prefix, 13usize..=19, proptest::collection::vec(0u8..10, 19)).prop_map(|(prefix, len, digits)| {
        let mut body = prefix;
        let mut k = 0;
        while body.len() < len - 1 {
            body.push(char::from(b'0' + digits[k]));
            k += 1;
        }
        body.truncate(len - 1);
        with_check_digit(&body)
    })
}

/// Group sizes for a number of `len` digits: continuous, 4-4-4-…, 4-6-5 style, or 4 then 3–6s.
fn grouping(len: usize, style: u8, sizes: &[usize]) -> Vec<usize> {
    match style % 4 {
        0 => vec![len],
        1 => {
            let mut g = vec![4; len / 4];
            if !len.is_multiple_of(4) {
                g.push(len % 4);
            }
            g
        }
        2 => {
            let rest = len - 4;
            let mid = rest.div_ceil(2).min(6);
            let mut g = vec![4, mid];
            let mut left = rest - mid;
            while left > 0 {
                let n = left.min(6);
                g.push(n);
                left -= n;
            }
            g
        }
        _ => {
            let mut g = vec![4];
            let mut left = len - 4;
            let mut i = 0;
            while left > 0 {
                let n = sizes[i % sizes.len()].min(left);
                g.push(n);
                left -= n;
                i += 1;
            }
            g
        }
    }
}

fn layout(digits: &str, groups: &[usize], sep: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (i, n) in groups.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&digits[at..at + n]);
        at += n;
    }
    out
}

fn digits_of(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

const BEFORE: &[&str] = &[
    "",
    "My card number is ",
    "Card: ",
    "paid with ",
    "Caller read out their card ",
    "long number\n",
    "(",
    "card no.",
    "Wá ",
];
const AFTER: &[&str] = &[
    "",
    " thanks",
    ".",
    " exp 03/27",
    ", expiry 11/2028 and cvv 123",
    ")",
    "\nRegards",
    " 🙂",
];
const SEPS: &[&str] = &[" ", "-", " - ", "  ", "\u{a0}", "\u{2013}", ".", "\t"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_cards_never_survive(
        card in card_number(),
        style in 0u8..4,
        sizes in proptest::collection::vec(3usize..=6, 1..4),
        sep in 0usize..SEPS.len(),
        before in 0usize..BEFORE.len(),
        after in 0usize..AFTER.len(),
    ) {
        let written = layout(&card, &grouping(card.len(), style, &sizes), SEPS[sep]);
        let text = format!("{}{}{}", BEFORE[before], written, AFTER[after]);
        let out = redact(&text);
        prop_assert!(out.cards() >= 1, "not found: {text:?}");
        prop_assert!(out.text.contains(CARD_MARKER));
        prop_assert!(!digits_of(&out.text).contains(&card), "{text:?} → {:?}", out.text);
        prop_assert!(!out.text.contains(&written));
        prop_assert!(!out.text.contains("03/27") && !out.text.contains("11/2028") && !out.text.contains("123"));
        prop_assert!(!contains_card_number(&out.text));
        // Redacting twice changes nothing more.
        prop_assert_eq!(redact(&out.text).text, out.text);
    }

    #[test]
    fn two_cards_in_one_text(a in card_number(), b in card_number()) {
        let text = format!("first {a}, then {} after", layout(&b, &grouping(b.len(), 1, &[4]), " "));
        let out = redact(&text);
        prop_assert_eq!(out.cards(), 2, "{:?}", text);
    }

    #[test]
    fn uk_phone_numbers_survive(
        area in prop_oneof![Just("1"), Just("2"), Just("3"), Just("7"), Just("8")],
        rest in proptest::collection::vec(0u8..10, 9),
        style in 0u8..7,
        second in proptest::collection::vec(0u8..10, 10),
        joiner in prop_oneof![Just(", "), Just(" or "), Just(" / "), Just(" and "), Just("\n")],
    ) {
        let national: String = std::iter::once(area.to_string())
            .chain(rest.iter().map(|d| d.to_string()))
            .collect();
        let n = &national;
        let written = match style {
            0 => format!("0{}", n),
            1 => format!("0{} {}", &n[..4], &n[4..]),
            2 => format!("0{} {} {}", &n[..3], &n[3..6], &n[6..]),
            3 => format!("0{} {} {}", &n[..2], &n[2..6], &n[6..]),
            4 => format!("+44 {} {}", &n[..4], &n[4..]),
            5 => format!("+44 (0){} {}", &n[..4], &n[4..]),
            _ => format!("(0{}) {}", &n[..4], &n[4..]),
        };
        let other: String = second.iter().map(|d| d.to_string()).collect();
        let text = format!("Please call me on {written}{joiner}07{} {}", &other[..3], &other[3..9]);
        prop_assert_eq!(redact(&text).text, text);
    }

    #[test]
    fn uprns_case_and_account_references_survive(
        uprns in proptest::collection::vec(1u64..=999_999_999_999, 1..4),
        cases in proptest::collection::vec(1u64..=9_999_999_999, 1..4),
        accounts in proptest::collection::vec(10_000_000u64..=9_999_999_999, 1..5),
        sep in prop_oneof![Just(", "), Just(" and "), Just(" "), Just("\n"), Just(" / ")],
    ) {
        let u: Vec<String> = uprns.iter().map(u64::to_string).collect();
        let c: Vec<String> = cases.iter().map(|n| format!("HRD-{n:06}")).collect();
        let a: Vec<String> = accounts.iter().map(u64::to_string).collect();
        let text = format!(
            "UPRN {}\nRe: [{}]\nCouncil tax accounts {}\nthanks",
            u.join(", "),
            c.join(sep),
            a.join(sep)
        );
        prop_assert_eq!(redact(&text).text, text);
    }

    #[test]
    fn any_text_is_handled(text in "\\PC{0,400}") {
        let out = redact(&text);
        prop_assert_eq!(redact(&out.text).text, out.text.clone());
        for m in &out.markers {
            prop_assert!(out.text.get(m.span.clone()).is_some());
        }
    }

    #[test]
    fn digit_soup_is_handled(text in "[0-9 \\-./+a-zé€]{0,300}") {
        let out = redact(&text);
        prop_assert!(!contains_card_number(&out.text));
    }
}
