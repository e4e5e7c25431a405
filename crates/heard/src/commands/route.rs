//! `heard route train|predict|eval`: routing learned from history, on JSON Lines files.
//!
//! Input lines are `{"id", "text", "label"}` with an optional `"subject"` (other fields are
//! ignored); `predict` does not need labels. The model is a folder (`route.model`, binary,
//! plus `route.json`, a description for people).

use anyhow::Context;
use heard_understand::route::{Evaluation, Example, Labels, Router, TrainOptions, calibration_error, read_examples};
use serde_json::json;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Learn routing from labelled history; prints a summary as one JSON line.
    Train {
        /// JSON Lines: {"id", "text", "label"} with optional "subject".
        #[arg(long)]
        input: PathBuf,
        /// Folder to write the model into (created if missing; replaced atomically).
        #[arg(long)]
        model: PathBuf,
        /// The allowed labels, one per line; any other label in the input is an error.
        #[arg(long)]
        labels: Option<PathBuf>,
        /// Threads to use (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Predict the label of each line: writes {"id", "label", "confidence"} per input line,
    /// in order.
    Predict {
        #[arg(long)]
        model: PathBuf,
        /// JSON Lines: {"id", "text"} with optional "subject".
        #[arg(long)]
        input: PathBuf,
        /// Where to write the predictions ("-" for standard output).
        #[arg(long)]
        output: PathBuf,
        /// Also write "triage": true for predictions less confident than this (0–1).
        #[arg(long, value_parser = probability)]
        triage_below: Option<f32>,
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Score a model on labelled lines: prints one JSON line with macro_f1, accuracy and a
    /// per-label table.
    Eval {
        #[arg(long)]
        model: PathBuf,
        /// JSON Lines: {"id", "text", "label"} with optional "subject".
        #[arg(long)]
        input: PathBuf,
        /// Also report how many contacts would go to triage below this confidence, and
        /// the accuracy of the rest.
        #[arg(long, value_parser = probability)]
        triage_below: Option<f32>,
        #[arg(long)]
        threads: Option<usize>,
    },
}

fn probability(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{s:?} is not a probability between 0 and 1")),
    }
}

fn threads(n: Option<usize>) -> usize {
    n.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Train {
            input,
            model,
            labels,
            threads: t,
        } => train(&input, &model, labels.as_deref(), threads(t)),
        Command::Predict {
            model,
            input,
            output,
            triage_below,
            threads: t,
        } => predict(&model, &input, &output, triage_below, threads(t)),
        Command::Eval {
            model,
            input,
            triage_below,
            threads: t,
        } => eval(&model, &input, triage_below, threads(t)),
    }
}

fn read(path: &Path, labels: Labels<'_>, threads: usize) -> anyhow::Result<Vec<Example>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    read_examples(&bytes, labels, threads).with_context(|| format!("{}", path.display()))
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn train(input: &Path, model: &Path, labels: Option<&Path>, threads: usize) -> anyhow::Result<()> {
    let start = Instant::now();
    let allowed: Option<BTreeSet<String>> = match labels {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let set: BTreeSet<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect();
            anyhow::ensure!(!set.is_empty(), "{} lists no labels", p.display());
            Some(set)
        }
        None => None,
    };
    let examples = read(input, Labels::Required(allowed.as_ref()), threads)?;
    let options = TrainOptions {
        threads,
        ..TrainOptions::default()
    };
    let router = Router::train(&examples, &options).with_context(|| format!("training on {}", input.display()))?;
    router.save(model)?;
    let info = router.info();
    let summary = json!({
        "model": model.display().to_string(),
        "examples": info.examples,
        "labels": info.labels.len(),
        "features": info.features,
        "holdout_examples": info.holdout_examples,
        "holdout_macro_f1": info.holdout_macro_f1.map(round4),
        "holdout_accuracy": info.holdout_accuracy.map(round4),
        "temperature": round4(info.temperature as f64),
        "train_s": round4(start.elapsed().as_secs_f64()),
    });
    println!("{summary}");
    Ok(())
}

fn predict(model: &Path, input: &Path, output: &Path, triage: Option<f32>, threads: usize) -> anyhow::Result<()> {
    // Load the model while the input is read and parsed.
    let (router, examples) = std::thread::scope(|s| {
        let loading = s.spawn(|| Router::load(model));
        let examples = read(input, Labels::Ignore, threads);
        let router = loading.join().expect("model loading panicked");
        (router, examples)
    });
    let router = router?;
    let examples = examples?;
    let predictions = router.predict_many(&examples, threads);
    let mut out = Vec::with_capacity(examples.len() * 64);
    for (e, p) in examples.iter().zip(&predictions) {
        out.extend_from_slice(b"{\"id\":");
        serde_json::to_writer(&mut out, &e.id)?;
        out.extend_from_slice(b",\"label\":");
        serde_json::to_writer(&mut out, p.label)?;
        write!(out, ",\"confidence\":{}", round4(p.confidence as f64))?;
        if let Some(t) = triage {
            write!(out, ",\"triage\":{}", p.confidence < t)?;
        }
        out.extend_from_slice(b"}\n");
    }
    if output == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&out)?;
        stdout.flush()?;
    } else {
        std::fs::write(output, &out).with_context(|| format!("writing {}", output.display()))?;
    }
    Ok(())
}

fn eval(model: &Path, input: &Path, triage: Option<f32>, threads: usize) -> anyhow::Result<()> {
    let router = Router::load(model)?;
    let examples = read(input, Labels::Required(None), threads)?;
    anyhow::ensure!(!examples.is_empty(), "{} has no examples", input.display());
    let start = Instant::now();
    let predictions = router.predict_many(&examples, threads);
    let seconds = start.elapsed().as_secs_f64();
    let truth: Vec<&str> = examples
        .iter()
        .map(|e| e.label.as_deref().unwrap_or_default())
        .collect();
    let predicted: Vec<&str> = predictions.iter().map(|p| p.label).collect();
    let known: BTreeSet<&str> = router.labels().iter().map(String::as_str).collect();
    let unknown: BTreeSet<&str> = truth.iter().copied().filter(|l| !known.contains(l)).collect();
    if !unknown.is_empty() {
        eprintln!(
            "warning: {} label(s) in {} are not in the model and are always wrong: {}",
            unknown.len(),
            input.display(),
            unknown.iter().copied().collect::<Vec<_>>().join(", ")
        );
    }
    let ev = Evaluation::new(&truth, &predicted);
    let confidence: Vec<f32> = predictions.iter().map(|p| p.confidence).collect();
    let correct: Vec<bool> = truth.iter().zip(&predicted).map(|(t, p)| t == p).collect();
    let per_label: serde_json::Map<String, serde_json::Value> = ev
        .per_label
        .iter()
        .map(|(label, s)| {
            (
                label.clone(),
                json!({
                    "precision": round4(s.precision),
                    "recall": round4(s.recall),
                    "f1": round4(s.f1),
                    "support": s.support,
                    "predicted": s.predicted,
                }),
            )
        })
        .collect();
    let mut report = json!({
        "macro_f1": round4(ev.macro_f1),
        "accuracy": round4(ev.accuracy),
        "examples": ev.examples,
        "calibration_error": round4(calibration_error(&confidence, &correct)),
        "predict_per_s": (examples.len() as f64 / seconds.max(1e-9)).round(),
        "per_label": per_label,
    });
    if let Some(t) = triage {
        let routed: Vec<bool> = confidence.iter().map(|&c| c >= t).collect();
        let n_routed = routed.iter().filter(|&&r| r).count();
        let right = routed.iter().zip(&correct).filter(|&(&r, &c)| r && c).count();
        report["triage"] = json!({
            "below": t,
            "share": round4(1.0 - n_routed as f64 / examples.len() as f64),
            "routed_accuracy": if n_routed == 0 { None } else { Some(round4(right as f64 / n_routed as f64)) },
        });
    }
    println!("{report}");
    Ok(())
}
