//! The labelled evaluation set as a regression test: every labelled card number is removed,
//! nothing leaks, and extraction stays at the level measured in docs (see
//! `examples/eval_extraction.rs` for the per-type table).

use heard_understand::extract::{self, ExtractConfig, Extractor, kinds};
use heard_understand::redact::{self, Removed};
use serde::Deserialize;

#[derive(Deserialize)]
struct Gold {
    id: String,
    received: jiff::civil::Date,
    text: String,
    redacted_text: String,
    cards: usize,
    entities: Vec<GoldEntity>,
}

#[derive(Deserialize)]
struct GoldEntity {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

fn load() -> Vec<Gold> {
    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/eval/extraction.jsonl")).unwrap();
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_labelled_card_is_removed_and_nothing_else_is() {
    let set = load();
    assert!(set.len() >= 150);
    for g in &set {
        let r = redact::redact(&g.text);
        assert_eq!(r.count(Removed::CardNumber), g.cards, "{}", g.id);
        assert!(!redact::contains_card_number(&r.text), "{}", g.id);
        assert_eq!(r.text, g.redacted_text, "{}", g.id);
    }
}

#[test]
fn extraction_stays_above_the_floor() {
    let (mut gold, mut found, mut right) = (0usize, 0usize, 0usize);
    let mut extractors = std::collections::HashMap::new();
    for g in load() {
        let x = extractors.entry(g.received).or_insert_with(|| {
            Extractor::new(&ExtractConfig {
                reference_date: Some(g.received),
                ..Default::default()
            })
            .unwrap()
        });
        let got = x.analyse(&g.text).entities;
        let mut want: Vec<(&str, &str)> = g.entities.iter().map(|e| (e.kind.as_str(), e.value.as_str())).collect();
        gold += want.len();
        found += got.len();
        for e in &got {
            if let Some(i) = want.iter().position(|w| *w == (e.kind.as_str(), e.value.as_str())) {
                want.swap_remove(i);
                right += 1;
            }
        }
    }
    let (p, r) = (right as f64 / found as f64, right as f64 / gold as f64);
    assert!(p >= 0.97 && r >= 0.95, "precision {p:.3}, recall {r:.3}");
}

#[test]
fn a_landlord_email_naming_three_properties() {
    let text = "Dear Council Tax,\n\nTenancy changes:\n\
        1. 14 Mill Lane, Cheltenham GL50 1AA - account 50012345 - tenant left 28/02/2025\n\
        2. Flat 2, 27 Station Road, GL51 8NP (a/c 50067891): empty from 3rd March\n\
        3. 9 Priory Walk GL52 6BX, council tax ref 50111213, new tenant from 15/03/2025\n\nRegards";
    let e = extract::extract(text);
    let of = |k: &str| {
        e.iter()
            .filter(|x| x.kind == k)
            .map(|x| x.value.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of(kinds::ADDRESS),
        ["14 Mill Lane", "Flat 2, 27 Station Road", "9 Priory Walk"]
    );
    assert_eq!(of(kinds::COUNCIL_TAX_REF), ["50012345", "50067891", "50111213"]);
    assert_eq!(of(kinds::POSTCODE), ["GL50 1AA", "GL51 8NP", "GL52 6BX"]);
}
