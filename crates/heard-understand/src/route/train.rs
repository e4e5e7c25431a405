//! Learning a router from labelled history.

use super::features::{FeatureConfig, Scratch};
use super::metrics::Evaluation;
use super::model::{MAX_FEATURES, ModelInfo, Router, Space, Vocab, softmax};
use super::svm::{Csr, Rng, SvmParams, parallel_map, train_binary};
use super::{Example, RouteError};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// How to train. [`TrainOptions::default`] is what `heard route train` uses; nothing in it
/// is tuned to one data set.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// SVM regularisation (larger fits the training data more closely).
    pub c: f32,
    pub features: FeatureConfig,
    /// Share of each label's examples held out to fit the confidence calibration and
    /// measure the model (the final model is then trained on everything).
    pub holdout: f32,
    /// Weigh each label's examples by `(1 / frequency) ^ class_balance` (normalised to
    /// a mean weight of 1), so rare services are not drowned by common ones: 0 weighs all
    /// examples alike, 1 gives every label the same total weight.
    pub class_balance: f32,
    pub threads: usize,
    pub seed: u64,
    /// Solver stopping tolerance (spread of projected gradients).
    pub tolerance: f32,
}

/// The softmax temperature when too few examples can be held out to fit one (typical of
/// the fitted values, which fall between 0.15 and 0.3).
const FALLBACK_TEMPERATURE: f32 = 0.25;

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            c: 0.3,
            features: FeatureConfig::default(),
            holdout: 0.15,
            class_balance: 0.5,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()).min(8),
            seed: 0x0048_4541_5244,
            tolerance: 0.1,
        }
    }
}

#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashCounts = HashMap<u64, u32, BuildHasherDefault<IdHasher>>;

/// Splits `0..n` into `parts` contiguous ranges.
fn chunks(n: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let parts = parts.clamp(1, n.max(1));
    (0..parts).map(|p| (n * p / parts)..(n * (p + 1) / parts)).collect()
}

pub(crate) fn train(examples: &[Example], opts: &TrainOptions) -> Result<Router, RouteError> {
    let threads = opts.threads.max(1);
    // Labels, sorted for a stable order.
    let mut labels: Vec<String> = Vec::new();
    for e in examples {
        match &e.label {
            Some(l) => labels.push(l.clone()),
            None => return Err(RouteError::NoData("every training example needs a label".into())),
        }
    }
    labels.sort();
    labels.dedup();
    if labels.len() < 2 {
        return Err(RouteError::NoData(format!(
            "training needs at least two labels; the input has {}",
            labels.len()
        )));
    }
    let index: HashMap<&str, u32> = labels.iter().enumerate().map(|(i, l)| (l.as_str(), i as u32)).collect();
    let y: Vec<u32> = examples.iter().map(|e| index[e.label.as_deref().unwrap()]).collect();
    let mut label_counts = vec![0usize; labels.len()];
    for &k in &y {
        label_counts[k as usize] += 1;
    }

    // Vocabulary: document frequencies of every n-gram.
    let cfg = &opts.features;
    let ranges = chunks(examples.len(), threads);
    let counted = parallel_map(ranges.len(), threads, |p| {
        let mut s = Scratch::default();
        let (mut words, mut grams) = (HashCounts::default(), HashCounts::default());
        for e in &examples[ranges[p].clone()] {
            s.hash_text(cfg, e.subject.as_deref(), &e.text);
            s.counter.each(&s.words, |h, _| *words.entry(h).or_default() += 1);
            s.counter.each(&s.grams, |h, _| *grams.entry(h).or_default() += 1);
        }
        (words, grams)
    });
    let mut parts = counted.into_iter();
    let (mut words, mut grams) = parts.next().unwrap_or_default();
    for (w, g) in parts {
        for (h, c) in w {
            *words.entry(h).or_default() += c;
        }
        for (h, c) in g {
            *grams.entry(h).or_default() += c;
        }
    }
    let keep = |m: HashCounts, min: u32| {
        let mut v: Vec<(u64, u32)> = m.into_iter().filter(|&(_, c)| c >= min.max(1)).collect();
        v.sort_unstable();
        v
    };
    let mut kept = keep(words, cfg.word_min_df);
    kept.extend(keep(grams, cfg.char_min_df));
    if kept.len() > MAX_FEATURES {
        // Keep the most frequent (ties by hash, so the choice is stable).
        kept.sort_unstable_by_key(|&(h, df)| (std::cmp::Reverse(df), h));
        kept.truncate(MAX_FEATURES);
        kept.sort_unstable();
    }
    let n = examples.len();
    let hashes: Vec<u64> = kept.iter().map(|&(h, _)| h).collect();
    let idf: Vec<f32> = kept
        .iter()
        .map(|&(_, df)| ((1.0 + n as f64) / (1.0 + df as f64)).ln() as f32 + 1.0)
        .collect();
    drop(kept);
    let vocab = Vocab::build(&hashes);
    let dim = hashes.len();
    drop(hashes);

    // Feature vectors.
    let space = Space {
        cfg,
        vocab: &vocab,
        idf: &idf,
    };
    let blocks = parallel_map(ranges.len(), threads, |p| {
        let mut s = Scratch::default();
        let mut row = Vec::new();
        let mut x = Csr::new();
        for e in &examples[ranges[p].clone()] {
            space.vectorise(&mut s, e.subject.as_deref(), &e.text, &mut row);
            x.push_row(&row);
        }
        x
    });
    let mut x = Csr::new();
    for b in blocks {
        let base = x.indices.len();
        x.indices.extend_from_slice(&b.indices);
        x.values.extend_from_slice(&b.values);
        x.indptr.extend(b.indptr[1..].iter().map(|p| p + base));
    }

    // Held-out split (stratified; every label keeps at least one training example).
    let mut rng = Rng::new(opts.seed);
    let mut by_label: Vec<Vec<usize>> = vec![Vec::new(); labels.len()];
    for (i, &k) in y.iter().enumerate() {
        by_label[k as usize].push(i);
    }
    let mut held = vec![false; n];
    for members in &mut by_label {
        rng.shuffle(members);
        let take = ((members.len() as f32 * opts.holdout).round() as usize).min(members.len().saturating_sub(1));
        for &i in &members[..take] {
            held[i] = true;
        }
    }
    let held_out: Vec<usize> = (0..n).filter(|&i| held[i]).collect();
    let fit_on: Vec<usize> = (0..n).filter(|&i| !held[i]).collect();
    let can_hold_out = held_out.len() >= 20.max(2 * labels.len()) && opts.holdout > 0.0;

    let fit = |rows: Option<&[usize]>, c: f32| -> (Vec<Vec<f32>>, Vec<f32>) {
        let sub;
        let (xs, ys): (&Csr, Vec<u32>) = match rows {
            Some(r) => {
                sub = x.select(r);
                (&sub, r.iter().map(|&i| y[i]).collect())
            }
            None => (&x, y.clone()),
        };
        let mut counts = vec![0usize; labels.len()];
        for &k in &ys {
            counts[k as usize] += 1;
        }
        let m = ys.len();
        let per_label: Vec<f64> = counts
            .iter()
            .map(|&k| {
                if k == 0 {
                    0.0
                } else {
                    (m as f64 / k as f64).powf(opts.class_balance as f64)
                }
            })
            .collect();
        let mean = ys.iter().map(|&k| per_label[k as usize]).sum::<f64>() / m as f64;
        let cost: Vec<f32> = ys
            .iter()
            .map(|&k| (c as f64 * per_label[k as usize] / mean) as f32)
            .collect();
        let sq: Vec<f32> = (0..m).map(|i| xs.row(i).1.iter().map(|v| v * v).sum()).collect();
        let params = |k: usize| SvmParams {
            eps: opts.tolerance,
            max_epochs: 1000,
            seed: opts.seed ^ (k as u64).wrapping_mul(0x9E37_79B9),
        };
        let out = parallel_map(labels.len(), threads, |k| {
            train_binary(xs, dim, &sq, |i| ys[i] == k as u32, &cost, params(k))
        });
        out.into_iter().unzip()
    };
    let score = |w: &[Vec<f32>], b: &[f32], i: usize| -> Vec<f32> {
        let (idx, val) = x.row(i);
        w.iter()
            .zip(b)
            .map(|(wk, &bk)| bk + idx.iter().zip(val).map(|(&j, &v)| wk[j as usize] * v).sum::<f32>())
            .collect()
    };

    let c = opts.c;
    let (mut temperature, mut holdout_f1, mut holdout_acc) = (FALLBACK_TEMPERATURE, None, None);
    if can_hold_out {
        let truth: Vec<u32> = held_out.iter().map(|&i| y[i]).collect();
        let (w, b) = fit(Some(&fit_on), c);
        let scores: Vec<Vec<f32>> = held_out.iter().map(|&i| score(&w, &b, i)).collect();
        drop((w, b));
        let pred: Vec<u32> = scores.iter().map(|s| argmax(s) as u32).collect();
        let ev = Evaluation::from_indices(&truth, &pred, labels.len());
        holdout_f1 = Some(ev.macro_f1);
        holdout_acc = Some(ev.accuracy);
        temperature = fit_temperature(&scores, &truth);
    }
    let (w, bias) = fit(None, c);
    Ok(Router::assemble(
        ModelInfo {
            labels,
            label_counts,
            examples: n,
            features: dim,
            c,
            temperature,
            holdout_macro_f1: holdout_f1,
            holdout_accuracy: holdout_acc,
            holdout_examples: if can_hold_out { held_out.len() } else { 0 },
            feature_config: cfg.clone(),
            trained_by: format!("heard {}", env!("CARGO_PKG_VERSION")),
        },
        &vocab,
        &idf,
        &w,
        &bias,
    ))
}

pub(crate) fn argmax(s: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in s.iter().enumerate() {
        if v > s[best] {
            best = i;
        }
    }
    best
}

/// The softmax temperature that minimises the held-out negative log-likelihood
/// (temperature scaling, Guo et al. 2017); golden-section search over log β.
fn fit_temperature(scores: &[Vec<f32>], truth: &[u32]) -> f32 {
    let nll = |log_beta: f64| -> f64 {
        let beta = log_beta.exp() as f32;
        let mut total = 0f64;
        let mut p = Vec::new();
        for (s, &t) in scores.iter().zip(truth) {
            p.clear();
            p.extend_from_slice(s);
            softmax(&mut p, beta);
            total -= (p[t as usize].max(1e-12) as f64).ln();
        }
        total
    };
    let (mut lo, mut hi) = ((0.01f64).ln(), (1000f64).ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (hi - g * (hi - lo), lo + g * (hi - lo));
    let (mut fa, mut fb) = (nll(a), nll(b));
    for _ in 0..60 {
        if fa < fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - g * (hi - lo);
            fa = nll(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + g * (hi - lo);
            fb = nll(b);
        }
    }
    (1.0 / ((lo + hi) / 2.0).exp()) as f32
}
