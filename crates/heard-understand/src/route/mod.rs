//! Routing learned from history: which service (and case kind) a contact belongs to, with a
//! calibrated confidence.
//!
//! A council trains a [`Router`] on last year's labelled contacts ([`Router::train`], or
//! `heard route train`), saves it as a folder ([`Router::save`]) and routes new contacts
//! with it ([`Router::route`]): a contact whose best service is less likely than a
//! configurable threshold goes to the triage queue instead.
//!
//! # Method
//!
//! - **Features** ([`FeatureConfig`]): word unigrams and bigrams plus character 3–5-grams
//!   inside words (Unicode lower-cased, so any script works, including those written
//!   without spaces), and the subject's words once more on their own. Every n-gram is
//!   hashed to 64 bits; the vocabulary keeps those seen in at least two training texts.
//!   TF-IDF weighted with sublinear term frequency; words and characters are each
//!   L2-normalised.
//! - **Classifier**: one linear SVM per label (squared hinge loss, solved in the dual by
//!   coordinate descent as LIBLINEAR does), labels trained in parallel. Each example is
//!   weighted by `(1 / frequency of its label)^0.5`, so the long tail of rare services is
//!   heard without drowning the common ones.
//! - **Calibration**: 15% of each label's examples are held out; a softmax temperature
//!   is fitted to the held-out scores (minimum negative log-likelihood), so a confidence
//!   of 0.8 is right about 80% of the time. The final model is trained on everything; the
//!   held-out macro-F1 and accuracy are kept in [`ModelInfo`].
//! - **Storage**: weights quantised to 8 bits per feature row and stored next to the
//!   feature's idf, so scoring an n-gram costs two memory reads (vocabulary slot, row),
//!   prefetched ahead. One binary file with a format version and a checksum, written
//!   atomically; loading reads it and checks it, nothing is rebuilt.
//!
//! Nothing is tuned to one data set: the same settings serve 8 or 80 labels, short or
//! long texts. Training and prediction are deterministic (fixed seeds; threads split the
//! work, never a sum).
//!
//! # Service and case kind
//!
//! A label is either a service (`highways`) or a service and a case kind joined by `/`
//! (`highways/complaint`). [`Router::route`] sums the probabilities of every label of a
//! service to decide the service, then picks the most likely kind within it.

mod features;
mod image;
mod live;
mod metrics;
mod model;
mod svm;
mod train;

pub use features::{FeatureConfig, MAX_CHARS};
pub use live::LiveRouter;
pub use metrics::{Evaluation, LabelScore, calibration_error};
pub use model::{ModelInfo, Router};
pub use train::TrainOptions;

use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The confidence below which a contact goes to triage, unless configured otherwise.
pub const DEFAULT_TRIAGE_THRESHOLD: f32 = 0.5;

pub use heard_core::routing::KIND_SEPARATOR;

/// One contact, as read from a JSON Lines file: `{"id", "text", "label"}` with an optional
/// `"subject"`; other fields are ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// As given (a string or a number), echoed back in predictions.
    pub id: serde_json::Value,
    pub subject: Option<String>,
    pub text: String,
    pub label: Option<String>,
}

/// The most likely label of a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction<'r> {
    pub label: &'r str,
    /// Calibrated probability that `label` is right.
    pub confidence: f32,
}

/// Where a contact should go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Routing<'r> {
    /// Confident enough: straight to the service.
    Service {
        service: &'r str,
        /// The case kind, when the labels carry one (`service/kind`).
        kind: Option<&'r str>,
        /// Probability of the service (all its kinds together).
        confidence: f32,
        /// Probability of the kind given the service.
        kind_confidence: f32,
    },
    /// Below the threshold: a person decides. `best` is the likeliest service, as a hint.
    Triage { best: &'r str, confidence: f32 },
}

/// One problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

/// Problems listed in [`RouteError::Input`] (the total is always given).
const MAX_PROBLEMS: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    /// Lines of an input file that cannot be used; nothing was trained or predicted.
    #[error("{}", describe_problems(.problems, *.total))]
    Input { problems: Vec<LineProblem>, total: usize },
    /// Not enough to train on.
    #[error("{0}")]
    NoData(String),
    /// A model that cannot be read.
    #[error("cannot use the routing model {}: {reason}", .path.display())]
    Model { path: PathBuf, reason: String },
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl RouteError {
    pub(crate) fn model(path: &Path, reason: impl Into<String>) -> Self {
        RouteError::Model {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        RouteError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

fn describe_problems(problems: &[LineProblem], total: usize) -> String {
    let mut s = format!("{total} bad line{}", if total == 1 { "" } else { "s" });
    for p in problems {
        s.push_str(&format!("\n  line {}: {}", p.line, p.message));
    }
    if total > problems.len() {
        s.push_str(&format!("\n  … and {} more", total - problems.len()));
    }
    s
}

/// What [`read_examples`] demands of each line's `"label"`.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// Ignored (prediction).
    Ignore,
    /// Must be a non-empty string; with a list, one of those.
    Required(Option<&'a BTreeSet<String>>),
}

#[derive(Deserialize)]
struct Line {
    id: Option<serde_json::Value>,
    text: Option<String>,
    subject: Option<String>,
    label: Option<serde_json::Value>,
}

/// Reads JSON Lines (blank lines are skipped). Every bad line is reported with its number;
/// any bad line makes the whole file an error.
pub fn read_examples(input: &[u8], labels: Labels<'_>, threads: usize) -> Result<Vec<Example>, RouteError> {
    // Split into lines, remembering numbers.
    let mut lines: Vec<(usize, &[u8])> = Vec::new();
    for (i, line) in input.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.iter().all(u8::is_ascii_whitespace) {
            lines.push((i + 1, line));
        }
    }
    let parts = threads.clamp(1, 8).min(lines.len().div_ceil(2000).max(1));
    let ranges: Vec<_> = (0..parts)
        .map(|p| (lines.len() * p / parts)..(lines.len() * (p + 1) / parts))
        .collect();
    let results = svm::parallel_map(parts, parts, |p| {
        let mut ok = Vec::with_capacity(ranges[p].len());
        let mut bad = Vec::new();
        for &(n, line) in &lines[ranges[p].clone()] {
            match parse_line(line, labels) {
                Ok(e) => ok.push(e),
                Err(message) => bad.push(LineProblem { line: n, message }),
            }
        }
        (ok, bad)
    });
    let mut examples = Vec::with_capacity(lines.len());
    let mut problems = Vec::new();
    for (ok, bad) in results {
        examples.extend(ok);
        problems.extend(bad);
    }
    if !problems.is_empty() {
        let total = problems.len();
        problems.truncate(MAX_PROBLEMS);
        return Err(RouteError::Input { problems, total });
    }
    Ok(examples)
}

fn parse_line(line: &[u8], labels: Labels<'_>) -> Result<Example, String> {
    let parsed: Line = match serde_json::from_slice(line) {
        Ok(l) => l,
        Err(e) => return Err(diagnose(line, e)),
    };
    let id = match parsed.id {
        Some(id @ (serde_json::Value::String(_) | serde_json::Value::Number(_))) => id,
        Some(serde_json::Value::Null) | None => return Err("missing \"id\"".into()),
        Some(_) => return Err("\"id\" must be a string or a number".into()),
    };
    let text = parsed.text.ok_or("missing \"text\"")?;
    let label = match labels {
        Labels::Ignore => None,
        Labels::Required(allowed) => {
            let label = match parsed.label {
                Some(serde_json::Value::String(s)) => s,
                Some(serde_json::Value::Null) | None => return Err("missing \"label\"".into()),
                Some(_) => return Err("\"label\" must be a string".into()),
            };
            if label.trim().is_empty() {
                return Err("empty \"label\"".into());
            }
            if label.chars().any(char::is_control) || label.len() > 200 {
                return Err(format!(
                    "unusable label {label:?} (control characters or over 200 bytes)"
                ));
            }
            if let Some(allowed) = allowed
                && !allowed.contains(&label)
            {
                return Err(format!("unknown label {label:?}"));
            }
            Some(label)
        }
    };
    Ok(Example {
        id,
        subject: parsed.subject,
        text,
        label,
    })
}

/// Explains why a line did not parse, naming the field when it can.
fn diagnose(line: &[u8], err: serde_json::Error) -> String {
    let Ok(text) = std::str::from_utf8(line) else {
        return "not valid UTF-8".into();
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Err(e) => format!("not valid JSON ({e})"),
        Ok(serde_json::Value::Object(map)) => {
            for field in ["text", "subject"] {
                if let Some(v) = map.get(field)
                    && !(v.is_string() || v.is_null())
                {
                    return format!("\"{field}\" must be a string");
                }
            }
            format!("unreadable ({err})")
        }
        Ok(_) => "not a JSON object".into(),
    }
}

impl Router {
    /// Learns a router from labelled examples (every example needs a label; at least two
    /// distinct labels).
    pub fn train(examples: &[Example], options: &TrainOptions) -> Result<Router, RouteError> {
        train::train(examples, options)
    }

    /// How the model was trained.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The labels it predicts.
    pub fn labels(&self) -> &[String] {
        &self.info.labels
    }

    /// Calibrated probability of each label (in [`Router::labels`] order); sums to 1.
    pub fn probabilities(&self, subject: Option<&str>, text: &str) -> Vec<f32> {
        let mut scratch = features::Scratch::default();
        let mut p = vec![0f32; self.info.labels.len()];
        self.scores(&mut scratch, subject, text, &mut p);
        self.softmax(&mut p);
        p
    }

    /// The most likely label and its confidence.
    pub fn predict(&self, subject: Option<&str>, text: &str) -> Prediction<'_> {
        let p = self.probabilities(subject, text);
        let best = train::argmax(&p);
        Prediction {
            label: &self.info.labels[best],
            confidence: p[best],
        }
    }

    /// [`Router::predict`] for many examples, on up to `threads` threads, in order.
    pub fn predict_many(&self, examples: &[Example], threads: usize) -> Vec<Prediction<'_>> {
        let parts = threads.clamp(1, 64).min(examples.len().div_ceil(256).max(1));
        let ranges: Vec<_> = (0..parts)
            .map(|p| (examples.len() * p / parts)..(examples.len() * (p + 1) / parts))
            .collect();
        svm::parallel_map(parts, parts, |p| {
            let mut scratch = features::Scratch::default();
            let mut s = vec![0f32; self.info.labels.len()];
            examples[ranges[p].clone()]
                .iter()
                .map(|e| {
                    self.scores(&mut scratch, e.subject.as_deref(), &e.text, &mut s);
                    self.softmax(&mut s);
                    let best = train::argmax(&s);
                    Prediction {
                        label: &self.info.labels[best],
                        confidence: s[best],
                    }
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect()
    }

    /// Where a contact goes: its service (and case kind, when labels carry kinds), or the
    /// triage queue when the service's probability is below `threshold`.
    pub fn route(&self, subject: Option<&str>, text: &str, threshold: f32) -> Routing<'_> {
        let p = self.probabilities(subject, text);
        fn split(l: &str) -> (&str, Option<&str>) {
            match l.split_once(KIND_SEPARATOR) {
                Some((s, k)) => (s, Some(k)),
                None => (l, None),
            }
        }
        // Probability of each service: the sum over its labels.
        let labels = &self.info.labels;
        let mut services: Vec<(&str, f32)> = Vec::new();
        for (l, &q) in labels.iter().zip(&p) {
            let service = split(l).0;
            match services.iter_mut().find(|(s, _)| *s == service) {
                Some(entry) => entry.1 += q,
                None => services.push((service, q)),
            }
        }
        let mut best: Option<(&str, f32)> = None;
        for &(s, q) in &services {
            if best.is_none_or(|(_, b)| q > b) {
                best = Some((s, q));
            }
        }
        let (service, confidence) = best.expect("at least two labels");
        if confidence < threshold {
            return Routing::Triage {
                best: service,
                confidence,
            };
        }
        let mut kind: Option<(&str, f32)> = None;
        for (l, &q) in labels.iter().zip(&p) {
            let (s, k) = split(l);
            if s == service
                && let Some(k) = k
                && kind.is_none_or(|(_, b)| q > b)
            {
                kind = Some((k, q));
            }
        }
        Routing::Service {
            service,
            kind: kind.map(|k| k.0),
            confidence,
            kind_confidence: kind.map_or(1.0, |k| k.1 / confidence.max(f32::MIN_POSITIVE)),
        }
    }
}
