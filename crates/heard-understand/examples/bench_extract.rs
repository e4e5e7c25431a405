//! Time per contact for redaction + extraction, over the messages of the evaluation set.
//!
//! ```sh
//! cargo run --release -p heard-understand --example bench_extract [-- ROUNDS]
//! ```
//!
//! Each message is analysed once to warm up, then ROUNDS times (default 200); every call is
//! timed on its own and the median, 90th and 99th percentiles are printed, with the same for
//! one large message (a 100 KB email thread) and one enormous one (2 MB, read in part).

use heard_understand::extract::{ExtractConfig, Extractor};
use heard_understand::redact;
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

fn time<F: FnMut()>(rounds: usize, mut f: F) -> Vec<Duration> {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/eval/extraction.jsonl")).expect("eval set");
    let texts: Vec<String> = raw
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let x = Extractor::new(&ExtractConfig {
        reference_date: Some(jiff::civil::date(2025, 5, 1)),
        ..Default::default()
    })
    .expect("config");
    for t in &texts {
        black_box(x.analyse(t));
    }
    let mean_len = texts.iter().map(String::len).sum::<usize>() / texts.len();
    println!("{} messages, mean {} bytes, {rounds} rounds\n", texts.len(), mean_len);

    let mut all = Vec::new();
    let mut red = Vec::new();
    for _ in 0..rounds {
        for t in &texts {
            let s = Instant::now();
            black_box(x.analyse(black_box(t)));
            all.push(s.elapsed());
            let s = Instant::now();
            black_box(redact::redact(black_box(t)));
            red.push(s.elapsed());
        }
    }
    report("redact + extract, per message", all);
    report("redact only, per message", red);

    let thread: String = texts.iter().cycle().take(400).map(|t| format!("{t}\n> ")).collect();
    let thread = &thread[..heard_understand::extract::truncate(&thread, 100_000).len()];
    report(
        &format!("one {} KB email thread", thread.len() / 1000),
        time(20, || {
            black_box(x.analyse(black_box(thread)));
        }),
    );
    let huge: String = texts.iter().cycle().take(8000).map(|t| format!("{t}\n")).collect();
    report(
        &format!("one {} MB text (read 100 KB)", huge.len() / 1_000_000),
        time(5, || {
            black_box(x.analyse(black_box(&huge)));
        }),
    );
}
