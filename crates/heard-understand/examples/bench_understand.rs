//! The whole understanding step per contact, as intake runs it: card-number redaction,
//! value extraction, the dissatisfaction / actionable signals, routing, and matching the
//! sender against a blocked set of candidate customers. Goal: under 1 ms median.
//!
//! ```sh
//! cargo run --release -p heard-understand --example bench_understand [-- ROUTING_TRAIN.jsonl [ROUNDS]]
//! ```
//!
//! Messages are the extraction evaluation set's (in the repo). Routing is trained on the
//! given labelled file (default: the shared routing data's fixmystreet set, when present);
//! matching on a generated council customer list (2,000 households), each contact compared
//! with 20 candidates — what blocking by postcode, surname and phone typically leaves.

use heard_understand::customers::{Matcher, Options, synth};
use heard_understand::extract::{ExtractConfig, Extractor};
use heard_understand::route::{Labels, Router, TrainOptions, read_examples};
use heard_understand::{redact, signals};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Candidate customers each contact is compared with.
const CANDIDATES: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{name:<40} median {:>9.1?}  p90 {:>9.1?}  p99 {:>9.1?}",
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 0.99),
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let routing_file = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/routing/fixmystreet/train.jsonl"
        )
        .to_string()
    });
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);

    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/eval/extraction.jsonl")).expect("eval set");
    let texts: Vec<String> = raw
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let extractor = Extractor::new(&ExtractConfig::default()).expect("config");

    let router = match std::fs::read(&routing_file) {
        Ok(bytes) => {
            let examples = read_examples(&bytes, Labels::Required(None), 2).expect("routing examples");
            let t = Instant::now();
            let r = Router::train(&examples, &TrainOptions::default()).expect("trains");
            println!(
                "routing: {} examples, {} labels, trained in {:.1?}",
                examples.len(),
                r.labels().len(),
                t.elapsed()
            );
            Some(r)
        }
        Err(e) => {
            println!("routing: skipped ({routing_file}: {e})");
            None
        }
    };

    let list = synth::generate(&synth::SynthOptions {
        seed: 7,
        households: 2000,
    });
    let t = Instant::now();
    let matcher = Matcher::train(&list.records, &Options::default()).expect("matcher");
    println!(
        "matching: {} records, trained in {:.1?}; {CANDIDATES} candidates per contact",
        list.records.len(),
        t.elapsed()
    );
    println!("{} messages, {rounds} rounds\n", texts.len());

    let (mut all, mut red, mut ext, mut sig, mut route, mut matching) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let n = list.records.len();
    for round in 0..rounds {
        for (i, text) in texts.iter().enumerate() {
            let who = &list.records[(i * 7 + round) % n];
            let start = (i * 13 + round * 3) % (n - CANDIDATES);
            let candidates = &list.records[start..start + CANDIDATES];

            let t0 = Instant::now();
            let mut body = text.clone();
            black_box(redact::redact_in_place(&mut body));
            let t1 = Instant::now();
            black_box(extractor.analyse(&body));
            let t2 = Instant::now();
            black_box(signals::assess(None, &body));
            let t3 = Instant::now();
            if let Some(r) = &router {
                black_box(r.predict(None, &body));
            }
            let t4 = Instant::now();
            black_box(matcher.best_matches(who, candidates));
            let t5 = Instant::now();
            red.push(t1 - t0);
            ext.push(t2 - t1);
            sig.push(t3 - t2);
            route.push(t4 - t3);
            matching.push(t5 - t4);
            all.push(t5 - t0);
        }
    }
    report("redaction", red);
    report("extraction", ext);
    report("signals", sig);
    report("routing", route);
    report(&format!("matching ({CANDIDATES} candidates)"), matching);
    report("whole understanding step, per contact", all);
}
