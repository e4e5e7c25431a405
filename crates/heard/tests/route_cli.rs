//! `heard route train|predict|eval`: the file contract, on synthetic data written here.

use std::path::{Path, PathBuf};
use std::process::Command;

fn heard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_heard"));
    c.env("RUST_LOG", "warn")
        .env_remove("HEARD_CONFIG")
        .env_remove("HEARD_DATA_DIR");
    c
}

/// Runs heard; (success, stdout, stderr).
fn run(args: &[&str]) -> (bool, String, String) {
    let out = heard().args(args).output().expect("run heard");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("heard-route-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SERVICES: &[(&str, &[&str])] = &[
    ("highways", &["pothole", "road", "pavement", "kerb", "tarmac"]),
    ("waste", &["bin", "collection", "recycling", "missed", "rubbish"]),
    ("libraries", &["library", "book", "loan", "wifi", "overdue"]),
];

/// `n` labelled contacts as JSON Lines.
fn write_contacts(path: &str, n: usize, offset: usize) {
    let mut s = String::new();
    for i in offset..offset + n {
        let (label, words) = SERVICES[i % SERVICES.len()];
        let text: Vec<&str> = (0..4).map(|k| words[(i * 7 + k * 3) % words.len()]).collect();
        let line = serde_json::json!({
            "id": format!("c{i}"),
            "subject": if i % 2 == 0 { Some(words[i % words.len()]) } else { None },
            "text": format!("{} please help", text.join(" ")),
            "label": label,
            "received_at": "2025-01-01T00:00:00Z",
        });
        s.push_str(&line.to_string());
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

fn lines(path: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn train_predict_eval() {
    let d = Dir::new("flow");
    let (train, dev, model, out) = (
        d.path("train.jsonl"),
        d.path("dev.jsonl"),
        d.path("model"),
        d.path("out.jsonl"),
    );
    write_contacts(&train, 300, 0);
    write_contacts(&dev, 60, 1000);

    let (ok, stdout, stderr) = run(&["route", "train", "--input", &train, "--model", &model]);
    assert!(ok, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["examples"], 300);
    assert_eq!(summary["labels"], 3);
    assert!(Path::new(&model).join("route.model").exists());

    let (ok, _, stderr) = run(&["route", "predict", "--model", &model, "--input", &dev, "--output", &out]);
    assert!(ok, "{stderr}");
    let predictions = lines(&out);
    let inputs = lines(&dev);
    assert_eq!(predictions.len(), inputs.len());
    for (p, i) in predictions.iter().zip(&inputs) {
        let keys: Vec<&String> = p.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 3, "{p}");
        assert_eq!(p["id"], i["id"], "in input order");
        assert_eq!(p["label"], i["label"], "{p} for {i}");
        let c = p["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
    }

    let (ok, stdout, stderr) = run(&["route", "eval", "--model", &model, "--input", &dev]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout.lines().count(), 1);
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(report["macro_f1"], 1.0);
    assert_eq!(report["accuracy"], 1.0);
    assert_eq!(report["per_label"]["waste"]["support"], 20);
    assert_eq!(report["per_label"].as_object().unwrap().len(), 3);

    // Triage flag on request.
    let (ok, _, stderr) = run(&[
        "route",
        "predict",
        "--model",
        &model,
        "--input",
        &dev,
        "--output",
        &out,
        "--triage-below",
        "1",
    ]);
    assert!(ok, "{stderr}");
    for p in lines(&out) {
        let triage = p["triage"].as_bool().expect("a triage flag on every line");
        if p["confidence"].as_f64().unwrap() < 1.0 {
            assert!(triage, "{p}");
        }
    }
    let (ok, stdout, _) = run(&[
        "route",
        "eval",
        "--model",
        &model,
        "--input",
        &dev,
        "--triage-below",
        "0",
    ]);
    assert!(ok);
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(report["triage"]["share"], 0.0);
}

#[test]
fn bad_training_input_names_the_lines() {
    let d = Dir::new("bad");
    let input = d.path("bad.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"pothole\", \"label\": \"highways\"}\n{\"id\": \"b\", \"text\": \"bin\"}\n{oops\n",
    )
    .unwrap();
    let (ok, _, stderr) = run(&["route", "train", "--input", &input, "--model", &d.path("m")]);
    assert!(!ok);
    assert!(stderr.contains("line 2: missing \"label\""), "{stderr}");
    assert!(stderr.contains("line 3: not valid JSON"), "{stderr}");
    assert!(!Path::new(&d.path("m")).exists(), "no model from bad input");

    // Unknown labels against an allowed list.
    let labels = d.path("labels.txt");
    std::fs::write(&labels, "highways\nwaste\n").unwrap();
    let good = d.path("good.jsonl");
    write_contacts(&good, 30, 0);
    let (ok, _, stderr) = run(&[
        "route",
        "train",
        "--input",
        &good,
        "--model",
        &d.path("m"),
        "--labels",
        &labels,
    ]);
    assert!(!ok);
    assert!(stderr.contains("line 3: unknown label \"libraries\""), "{stderr}");
}

#[test]
fn missing_or_corrupt_models_are_clear_errors() {
    let d = Dir::new("corrupt");
    let (input, model, out) = (d.path("in.jsonl"), d.path("model"), d.path("out.jsonl"));
    write_contacts(&input, 60, 0);

    let (ok, _, stderr) = run(&[
        "route", "predict", "--model", &model, "--input", &input, "--output", &out,
    ]);
    assert!(!ok);
    assert!(stderr.contains("no such model folder"), "{stderr}");

    let (ok, _, stderr) = run(&["route", "train", "--input", &input, "--model", &model]);
    assert!(ok, "{stderr}");
    let file = Path::new(&model).join("route.model");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() - 20;
    bytes[at] ^= 0xff;
    std::fs::write(&file, &bytes).unwrap();
    for cmd in [
        vec![
            "route", "predict", "--model", &model, "--input", &input, "--output", &out,
        ],
        vec!["route", "eval", "--model", &model, "--input", &input],
    ] {
        let (ok, _, stderr) = run(&cmd);
        assert!(!ok);
        assert!(stderr.contains("corrupt"), "{stderr}");
    }
    assert!(!Path::new(&out).exists(), "no output from a corrupt model");
}
