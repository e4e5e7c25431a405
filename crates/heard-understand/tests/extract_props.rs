//! Extraction never panics or stalls, and its spans always point into the redacted text.

use heard_understand::extract::{self, Extractor, MAX_ANALYSIS_BYTES, kinds};
use heard_understand::redact::CARD_MARKER;
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn check_spans(raw: &str) -> Result<(), TestCaseError> {
    let a = extract::analyse(raw);
    for e in &a.entities {
        prop_assert!(e.start < e.end, "{e:?}");
        prop_assert!(
            a.redacted.text.get(e.span()).is_some(),
            "{e:?} in {:?}",
            a.redacted.text
        );
        prop_assert!((0.0..=1.0).contains(&e.confidence));
        prop_assert!(!e.value.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn any_text(text in "\\PC{0,500}") {
        check_spans(&text)?;
    }
}

proptest! {
    // Slower per case (long texts full of near-entities): fewer cases.
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn council_looking_soup(parts in proptest::collection::vec(prop_oneof![
        Just("£".to_string()), Just("14 Mill Lane".to_string()), Just("GL50 1AA".to_string()),
        Just("council tax".to_string()), Just("account".to_string()), Just("UPRN".to_string()),
        Just("3rd March".to_string()), Just("born".to_string()), Just("birth certificate for".to_string()),
        Just("Flat".to_string()), Just("HRD-".to_string()), Just("+44".to_string()), Just("(0)".to_string()),
        Just("@".to_string()), Just(".".to_string()), Just("\n".to_string()), Just("ł".to_string()),
        Just("中文".to_string()), Just("'".to_string()), Just("’".to_string()), Just("/".to_string()),
        "[0-9]{1,14}", "[A-Za-z]{1,8}", " {1,3}",
    ], 0..40)) {
        check_spans(&parts.concat())?;
    }

    #[test]
    fn postcodes_phones_and_emails_round_trip(
        area in prop_oneof![Just("GL"), Just("SW"), Just("M"), Just("B"), Just("EH"), Just("CF")],
        district in 1u8..60,
        sector in 0u8..10,
        unit in "[ABD-HJLNP-UW-Z]{2}",
        local in "[a-z]{1,10}",
        mobile in 900000u32..999999,
    ) {
        let text = format!(
            "Pothole near {area}{district} {sector}{unit}; email {local}@Example.org or call 07700 {mobile}"
        );
        let entities = extract::extract(&text);
        let values = |k: &str| entities.iter().filter(|e| e.kind == k).map(|e| e.value.clone()).collect::<Vec<_>>();
        prop_assert_eq!(values(kinds::POSTCODE), vec![format!("{area}{district} {sector}{unit}")]);
        prop_assert_eq!(values(kinds::EMAIL), vec![format!("{local}@example.org")]);
        prop_assert_eq!(values(kinds::PHONE), vec![format!("+447700{mobile}")]);
    }
}

#[test]
fn empty_and_whitespace() {
    for t in ["", " ", "\n\n\t", "\0\0\0"] {
        let a = extract::analyse(t);
        assert!(a.entities.is_empty());
        assert_eq!(a.redacted.text, t);
    }
}

#[test]
fn enormous_text_is_kept_whole_and_read_in_part() {
    let para =
        "Card 4111 1111 1111 1111. Council tax account 50012345 for 14 Mill Lane GL50 1AA, £120.50 due 03/03/2025. ";
    let text = para.repeat(1_200_000 / para.len());
    let started = Instant::now();
    let a = extract::analyse(&text);
    let took = started.elapsed();
    assert!(a.truncated);
    assert!(!a.redacted.text.contains("4111"));
    assert_eq!(a.redacted.cards(), text.matches("4111 1111 1111 1111").count());
    assert!(a.entities.iter().all(|e| e.end <= MAX_ANALYSIS_BYTES));
    assert!(a.entities.iter().any(|e| e.kind == kinds::COUNCIL_TAX_REF));
    assert!(a.redacted.text.starts_with(&format!("Card {CARD_MARKER}.")));
    // Generous bound for a debug build on a busy 2-core machine; the release figure is in
    // docs/BENCHMARKS.md.
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn pathological_inputs_finish() {
    let inputs = [
        "1 ".repeat(200_000),
        "4".repeat(500_000),
        "4111-".repeat(100_000),
        "a@".repeat(100_000),
        "£".repeat(100_000),
        "cvv ".repeat(100_000),
        "Flat 1 ".repeat(50_000),
        "\u{1F600}".repeat(100_000),
        "0".repeat(100_000) + "\u{e9}",
        (0..50_000).map(|i| format!("{i} ")).collect::<String>(),
    ];
    for t in &inputs {
        let started = Instant::now();
        let a = extract::analyse(t);
        for e in &a.entities {
            assert!(a.redacted.text.get(e.span()).is_some());
        }
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}

#[test]
fn custom_reference_pattern() {
    let config: extract::ExtractConfig = serde_json::from_value(serde_json::json!({
        "case_prefix": "CBC",
        "references": [{
            "name": "council_tax_ref",
            "regex": "(?:(?P<prefix>CT)[ -]?)?(?P<value>[0-9]{7})",
            "labels": ["council tax"],
            "check_digit": "luhn",
        }],
    }))
    .unwrap();
    let x = Extractor::new(&config).unwrap();
    let e = x.extract("council tax 1234567, council tax 1234566, CT-7992738, CBC-000042, HRD-000042");
    let got: Vec<(&str, &str)> = e.iter().map(|e| (e.kind.as_str(), e.value.as_str())).collect();
    // 1234566 fails Luhn? (check both ways so the test does not depend on arithmetic by hand)
    let luhn = |s: &str| heard_understand::redact::luhn_valid(s);
    let mut want = Vec::new();
    for v in ["1234567", "1234566"] {
        if luhn(v) {
            want.push(("council_tax_ref", v));
        }
    }
    want.push(("council_tax_ref", "7992738"));
    want.push(("case_ref", "CBC-000042"));
    assert_eq!(got, want);
}
