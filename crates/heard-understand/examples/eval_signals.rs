//! Precision and recall of the dissatisfaction and actionable signals on `eval/signals`.
//!
//! ```sh
//! cargo run --release -p heard-understand --example eval_signals            # dev and test
//! cargo run --release -p heard-understand --example eval_signals -- --dev   # dev only (while tuning)
//! cargo run --release -p heard-understand --example eval_signals -- --dev --errors
//! cargo run --release -p heard-understand --example eval_signals -- --fit   # refit the weights on dev
//! ```
//!
//! The test split is held out: it is scored once, with rules and weights frozen (see
//! `eval/signals/README.md`). `--fit` prints the weights for `src/signals/weights.rs`,
//! fitted on dev only, and a 5-fold cross-validated dev score for the fitting step.

use heard_understand::signals::{self, FEATURES, weights};
use serde_json::Value;

struct Item {
    id: String,
    subject: Option<String>,
    text: String,
    dissatisfied: bool,
    actionable: Option<bool>,
    safeguarding: bool,
}

fn load(split: &str) -> Vec<Item> {
    let path = format!("{}/eval/signals/{split}.jsonl", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json line");
            Item {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                subject: v["subject"].as_str().map(str::to_string),
                text: v["text"].as_str().unwrap_or_default().to_string(),
                dissatisfied: v["dissatisfied"].as_bool().unwrap_or(false),
                actionable: v["actionable"].as_bool(),
                safeguarding: v["safeguarding"].as_bool().unwrap_or(false),
            }
        })
        .collect()
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Counts {
    fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn line(&self, name: &str) -> String {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        format!(
            "{name:<34} n={:<4} positives={:<4} precision {p:.3}  recall {r:.3}  F1 {f:.3}",
            self.tp + self.fp + self.fn_ + self.tn,
            self.tp + self.fn_
        )
    }
}

fn score(split: &str, items: &[Item], errors: bool) {
    let mut d = Counts::default();
    let mut a = Counts::default();
    let mut sg = Counts::default();
    let mut sg_actionable = 0;
    for it in items {
        let s = signals::assess(it.subject.as_deref(), &it.text);
        d.add(it.dissatisfied, s.dissatisfied.is_on());
        if let Some(truth) = it.actionable {
            a.add(truth, s.actionable.is_on());
        }
        sg.add(it.safeguarding, s.safeguarding);
        if it.safeguarding && s.actionable.is_on() {
            sg_actionable += 1;
        }
        if errors {
            let cues = |sig: &signals::Signal| {
                sig.cues
                    .iter()
                    .map(|c| format!("{}:{:?}", c.label, &it.text.get(c.start..c.end).unwrap_or("(subject)")))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if it.dissatisfied != s.dissatisfied.is_on() {
                println!(
                    "  D {} {:.2} [{}] {} — {}",
                    if it.dissatisfied { "miss" } else { "extra" },
                    s.dissatisfied.probability,
                    it.id,
                    it.text,
                    cues(&s.dissatisfied)
                );
            }
            if it.actionable.is_some_and(|t| t != s.actionable.is_on()) {
                println!(
                    "  A {} {:.2} [{}] {} — {}",
                    if s.actionable.is_on() { "extra" } else { "miss" },
                    s.actionable.probability,
                    it.id,
                    it.text,
                    cues(&s.actionable)
                );
            }
            if it.safeguarding != s.safeguarding {
                println!(
                    "  S {} [{}] {}",
                    if it.safeguarding { "miss" } else { "extra" },
                    it.id,
                    it.text
                );
            }
        }
    }
    let n_sg = items.iter().filter(|i| i.safeguarding).count();
    println!("{split}: {} messages", items.len());
    println!("  {}", d.line("dissatisfied (all channels)"));
    println!("  {}", a.line("actionable (social and web)"));
    println!("  {}", sg.line("safeguarding cue"));
    println!("  safeguarding worries marked actionable: {sg_actionable}/{n_sg}");
}

fn fit(dev: &[Item]) {
    let xs: Vec<[f32; FEATURES]> = dev
        .iter()
        .map(|i| signals::features(i.subject.as_deref(), &i.text))
        .collect();
    let yd: Vec<bool> = dev.iter().map(|i| i.dissatisfied).collect();
    let act: Vec<usize> = (0..dev.len()).filter(|&k| dev[k].actionable.is_some()).collect();
    let xa: Vec<[f32; FEATURES]> = act.iter().map(|&k| xs[k]).collect();
    let ya: Vec<bool> = act.iter().map(|&k| dev[k].actionable == Some(true)).collect();
    for l2 in [0.003f32, 0.01, 0.03, 0.1] {
        // 5-fold cross-validation: how the fitted model does on dev messages it was not fitted on.
        let cv = |xs: &[[f32; FEATURES]], ys: &[bool], prior: &weights::Weights| {
            let mut c = Counts::default();
            for fold in 0..5 {
                let train: Vec<usize> = (0..xs.len()).filter(|k| k % 5 != fold).collect();
                let tx: Vec<_> = train.iter().map(|&k| xs[k]).collect();
                let ty: Vec<_> = train.iter().map(|&k| ys[k]).collect();
                let w = weights::fit(&tx, &ty, prior, l2);
                for k in (0..xs.len()).filter(|k| k % 5 == fold) {
                    c.add(ys[k], weights::logistic(&w, &xs[k]) >= signals::THRESHOLD);
                }
            }
            c
        };
        println!("l2 {l2}:");
        println!(
            "  {}",
            cv(&xs, &yd, &weights::PRIOR_DISSATISFIED).line("dissatisfied, 5-fold")
        );
        println!(
            "  {}",
            cv(&xa, &ya, &weights::PRIOR_ACTIONABLE).line("actionable, 5-fold")
        );
    }
    let l2 = std::env::args()
        .skip_while(|a| a != "--l2")
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.03);
    let names = signals::feature_names();
    for (name, w) in [
        ("DISSATISFIED", weights::fit(&xs, &yd, &weights::PRIOR_DISSATISFIED, l2)),
        ("ACTIONABLE", weights::fit(&xa, &ya, &weights::PRIOR_ACTIONABLE, l2)),
    ] {
        println!("\n// fitted on dev, l2 = {l2}\n#[rustfmt::skip]\npub const {name}: Weights = [");
        for (k, v) in w.iter().enumerate() {
            println!("    {v:.3}, // {}", names.get(k).copied().unwrap_or("bias"));
        }
        println!("];");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let has = |f: &str| args.iter().any(|a| a == f);
    let dev = load("dev");
    if has("--fit") {
        fit(&dev);
        return;
    }
    score("dev", &dev, has("--errors"));
    if !has("--dev") {
        score("test (held out)", &load("test"), has("--errors"));
    }
}
