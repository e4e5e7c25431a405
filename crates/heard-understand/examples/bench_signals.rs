//! Time per contact for the dissatisfaction and actionable signals, over the messages of
//! `eval/signals` (dev and test).
//!
//! ```sh
//! cargo run --release -p heard-understand --example bench_signals [-- ROUNDS]
//! ```
//!
//! Each message is assessed once to warm up, then ROUNDS times (default 500); every call is
//! timed on its own and the median, 90th and 99th percentiles are printed, with the same for
//! one long email (30 KB, read up to the analysis limit) and a 2 MB one.

use heard_understand::signals::assess;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let total: Duration = times.iter().sum();
    println!(
        "{name:<34} n={:<7} median {:>9.1?}  p90 {:>9.1?}  p99 {:>9.1?}  mean {:>9.1?}",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 0.99),
        total / times.len() as u32
    );
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(500);
    let mut texts: Vec<(Option<String>, String)> = Vec::new();
    for split in ["dev", "test"] {
        let path = format!("{}/eval/signals/{split}.jsonl", env!("CARGO_MANIFEST_DIR"));
        let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for v in raw
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        {
            if let Some(t) = v["text"].as_str() {
                texts.push((v["subject"].as_str().map(str::to_string), t.to_string()));
            }
        }
    }
    for (s, t) in &texts {
        black_box(assess(s.as_deref(), t));
    }
    let mean_len = texts.iter().map(|(_, t)| t.len()).sum::<usize>() / texts.len();
    println!("{} messages, mean {mean_len} bytes, {rounds} rounds\n", texts.len());
    let mut all = Vec::with_capacity(rounds * texts.len());
    for _ in 0..rounds {
        for (s, t) in &texts {
            let start = Instant::now();
            black_box(assess(black_box(s.as_deref()), black_box(t)));
            all.push(start.elapsed());
        }
    }
    report("both signals, per message", all);
    for (name, size) in [("one 30 KB email", 30_000), ("one 2 MB email", 2_000_000)] {
        let long: String = texts
            .iter()
            .map(|(_, t)| format!("{t}\n"))
            .cycle()
            .take_while({
                let mut n = 0;
                move |s: &String| {
                    n += s.len();
                    n <= size
                }
            })
            .collect();
        let times = (0..50)
            .map(|_| {
                let start = Instant::now();
                black_box(assess(None, black_box(&long)));
                start.elapsed()
            })
            .collect();
        report(name, times);
    }
}
