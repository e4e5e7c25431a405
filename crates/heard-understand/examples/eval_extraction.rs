//! Precision and recall of redaction and extraction on the labelled set in
//! `eval/extraction.jsonl` (see `eval/README.md`).
//!
//! ```sh
//! cargo run --release -p heard-understand --example eval_extraction            # the table
//! cargo run --release -p heard-understand --example eval_extraction -- --errors # and every miss
//! ```
//!
//! A found entity is right when an unmatched labelled one has the same type, the same
//! normalised value and an overlapping span; "exact" counts those whose span is also exact.

use heard_understand::extract::{ExtractConfig, Extractor};
use heard_understand::redact::Removed;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize)]
struct Gold {
    id: String,
    split: String,
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
    start: usize,
    end: usize,
}

#[derive(Default)]
struct Score {
    gold: usize,
    found: usize,
    right: usize,
    exact: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.right as f64 / self.found as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.right as f64 / self.gold as f64
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_errors = args.iter().any(|a| a == "--errors");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/eval/extraction.jsonl").to_string());
    let raw = std::fs::read_to_string(&path)?;
    let mut golds = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if !line.trim().is_empty() {
            golds.push(serde_json::from_str::<Gold>(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?);
        }
    }
    for (title, split) in [
        ("Held-out (test) messages", Some("test")),
        ("Development messages", Some("dev")),
        ("All messages", None),
    ] {
        let chosen: Vec<&Gold> = golds.iter().filter(|g| split.is_none_or(|s| g.split == s)).collect();
        println!("## {title}\n");
        evaluate(&chosen, show_errors && split.is_none());
    }
    Ok(())
}

fn evaluate(golds: &[&Gold], show_errors: bool) {
    let mut extractors: HashMap<jiff::civil::Date, Extractor> = HashMap::new();
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let (mut messages, mut redacted_exact, mut leaks) = (0, 0, 0);
    let mut cards = Score::default();
    let mut errors = Vec::new();

    for g in golds {
        messages += 1;
        let x = extractors.entry(g.received).or_insert_with(|| {
            Extractor::new(&ExtractConfig {
                reference_date: Some(g.received),
                ..Default::default()
            })
            .expect("default config")
        });
        let a = x.analyse(&g.text);

        // Redaction
        let found_cards = a.redacted.count(Removed::CardNumber);
        cards.gold += g.cards;
        cards.found += found_cards;
        cards.right += g.cards.min(found_cards);
        if a.redacted.text == g.redacted_text {
            redacted_exact += 1;
        } else if show_errors {
            errors.push(format!(
                "{}: redacted text differs\n  want {:?}\n  got  {:?}",
                g.id, g.redacted_text, a.redacted.text
            ));
        }
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        let gold_digits = digits(&g.redacted_text);
        if digits(&a.redacted.text).len() > gold_digits.len() && g.cards > 0 {
            leaks += 1;
        }

        // Extraction: spans to characters
        let text = &a.redacted.text;
        let chars = |b: usize| text[..b].chars().count();
        let mut used = vec![false; g.entities.len()];
        for e in &a.entities {
            let (s, t) = (chars(e.start), chars(e.end));
            let score = scores.entry(e.kind.clone()).or_default();
            score.found += 1;
            let hit =
                g.entities.iter().enumerate().find(|(i, ge)| {
                    !used[*i] && ge.kind == e.kind && ge.value == e.value && ge.start < t && s < ge.end
                });
            match hit {
                Some((i, ge)) => {
                    used[i] = true;
                    score.right += 1;
                    if ge.start == s && ge.end == t {
                        score.exact += 1;
                    }
                }
                None => errors.push(format!(
                    "{}: extra {} {:?} from {:?}",
                    g.id,
                    e.kind,
                    e.value,
                    &text[e.start..e.end]
                )),
            }
        }
        for (i, ge) in g.entities.iter().enumerate() {
            scores.entry(ge.kind.clone()).or_default().gold += 1;
            if !used[i] {
                let surface: String = g.redacted_text.chars().skip(ge.start).take(ge.end - ge.start).collect();
                errors.push(format!("{}: missed {} {:?} in {:?}", g.id, ge.kind, ge.value, surface));
            }
        }
    }

    let total_entities: usize = scores.values().map(|s| s.gold).sum();
    println!(
        "{messages} messages, {total_entities} labelled entities, {} card numbers\n",
        cards.gold
    );
    println!("| type | labelled | found | right | precision | recall | exact span |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut all = Score::default();
    for (kind, s) in &scores {
        println!(
            "| `{kind}` | {} | {} | {} | {:.3} | {:.3} | {:.0}% |",
            s.gold,
            s.found,
            s.right,
            s.precision(),
            s.recall(),
            if s.right == 0 {
                0.0
            } else {
                100.0 * s.exact as f64 / s.right as f64
            }
        );
        all.gold += s.gold;
        all.found += s.found;
        all.right += s.right;
        all.exact += s.exact;
    }
    println!(
        "| **all** | {} | {} | {} | {:.3} | {:.3} | {:.0}% |",
        all.gold,
        all.found,
        all.right,
        all.precision(),
        all.recall(),
        100.0 * all.exact as f64 / all.right.max(1) as f64
    );
    println!(
        "| card number (redaction) | {} | {} | {} | {:.3} | {:.3} | |",
        cards.gold,
        cards.found,
        cards.right,
        cards.precision(),
        cards.recall()
    );
    println!("\nredacted text exactly as labelled: {redacted_exact}/{messages}; messages leaking card digits: {leaks}");
    println!();
    if show_errors {
        for e in &errors {
            println!("{e}");
        }
    }
}
