//! Routing learned from history: training, prediction, calibration, files and bad input,
//! on small synthetic data written here (never the shared development data).

use heard_understand::route::{Evaluation, Example, Labels, RouteError, Router, Routing, TrainOptions, read_examples};
use std::path::PathBuf;

/// A deterministic pseudo-random sequence (xorshift).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() % words.len() as u64) as usize]
    }
}

const SERVICES: &[(&str, &[&str])] = &[
    (
        "highways",
        &[
            "pothole",
            "road",
            "pavement",
            "kerb",
            "tarmac",
            "junction",
            "resurfacing",
        ],
    ),
    (
        "waste",
        &[
            "bin",
            "collection",
            "recycling",
            "missed",
            "rubbish",
            "fly-tipping",
            "wheelie",
        ],
    ),
    (
        "libraries",
        &["library", "book", "loan", "wifi", "reading", "overdue", "borrow"],
    ),
    (
        "council_tax",
        &["council", "tax", "bill", "band", "discount", "arrears", "direct debit"],
    ),
];
const FILLER: &[&str] = &[
    "please", "help", "today", "again", "outside", "number", "street", "thanks", "since", "week", "my", "the",
];

/// `n` contacts spread over the services; every `noisy`-th one is mislabelled.
fn contacts(seed: u64, n: usize, noisy: usize) -> Vec<Example> {
    let mut g = Gen(seed);
    (0..n)
        .map(|i| {
            let (label, words) = SERVICES[i % SERVICES.len()];
            let mut text = Vec::new();
            for _ in 0..3 + g.next() % 4 {
                text.push(g.pick(words));
                text.push(g.pick(FILLER));
            }
            let label = if noisy > 0 && i % noisy == 0 {
                SERVICES[(i + 1) % SERVICES.len()].0
            } else {
                label
            };
            Example {
                id: serde_json::json!(format!("c{i}")),
                subject: (i % 3 == 0).then(|| g.pick(words).to_string()),
                text: text.join(" "),
                label: Some(label.to_string()),
            }
        })
        .collect()
}

fn options() -> TrainOptions {
    TrainOptions {
        threads: 2,
        ..TrainOptions::default()
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heard-route-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn learns_services_from_history() {
    let train = contacts(1, 400, 10);
    let test = contacts(2, 200, 0);
    let router = Router::train(&train, &options()).unwrap();
    assert_eq!(router.labels(), ["council_tax", "highways", "libraries", "waste"]);
    let predicted = router.predict_many(&test, 2);
    assert_eq!(predicted.len(), test.len());
    let truth: Vec<&str> = test.iter().map(|e| e.label.as_deref().unwrap()).collect();
    let labels: Vec<&str> = predicted.iter().map(|p| p.label).collect();
    let ev = Evaluation::new(&truth, &labels);
    assert!(ev.macro_f1 > 0.95, "macro-F1 {}", ev.macro_f1);
    // One at a time gives the same as in bulk.
    for (e, p) in test.iter().zip(&predicted).take(20) {
        let one = router.predict(e.subject.as_deref(), &e.text);
        assert_eq!(one.label, p.label);
        assert!((one.confidence - p.confidence).abs() < 1e-6);
    }
    let info = router.info();
    assert_eq!(info.examples, 400);
    assert!(info.holdout_examples > 0 && info.holdout_macro_f1.is_some());
}

#[test]
fn probabilities_are_a_distribution_and_track_evidence() {
    let router = Router::train(&contacts(3, 400, 10), &options()).unwrap();
    let p = router.probabilities(None, "missed bin collection again");
    assert_eq!(p.len(), 4);
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    assert!(p.iter().all(|&x| (0.0..=1.0).contains(&x)));
    let strong = router.predict(None, "missed bin collection recycling wheelie bin rubbish");
    let vague = router.predict(None, "please help thanks");
    assert_eq!(strong.label, "waste");
    assert!(strong.confidence > 0.8, "{strong:?}");
    assert!(vague.confidence < strong.confidence, "{vague:?} vs {strong:?}");
    // Nothing to go on is no crash.
    let empty = router.predict(None, "");
    assert!(empty.confidence > 0.0 && empty.confidence < 1.0);
    let symbols = router.predict(Some("!!!"), "?? -- ..");
    assert!(symbols.confidence < 1.0);
}

#[test]
fn confidence_is_calibrated_on_noisy_labels() {
    // One in five labels is wrong, so a well-calibrated router cannot be sure of anything.
    let router = Router::train(&contacts(4, 1000, 5), &options()).unwrap();
    let test = contacts(5, 400, 5);
    let predicted = router.predict_many(&test, 2);
    let mean_conf = predicted.iter().map(|p| p.confidence as f64).sum::<f64>() / test.len() as f64;
    let accuracy = test
        .iter()
        .zip(&predicted)
        .filter(|(e, p)| e.label.as_deref() == Some(p.label))
        .count() as f64
        / test.len() as f64;
    assert!(
        (mean_conf - accuracy).abs() < 0.1,
        "confidence {mean_conf:.3} vs accuracy {accuracy:.3}"
    );
}

#[test]
fn training_is_deterministic_and_survives_a_round_trip() {
    let train = contacts(6, 300, 10);
    let a = Router::train(&train, &options()).unwrap();
    let b = Router::train(
        &train,
        &TrainOptions {
            threads: 1,
            ..options()
        },
    )
    .unwrap();
    let (da, db) = (temp_dir("det-a"), temp_dir("det-b"));
    a.save(&da).unwrap();
    b.save(&db).unwrap();
    let bytes = std::fs::read(da.join("route.model")).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(db.join("route.model")).unwrap(),
        "same model whatever the threads"
    );
    assert!(da.join("route.json").exists());
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(&da)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    let loaded = Router::load(&da).unwrap();
    let test = contacts(7, 50, 0);
    for e in &test {
        let (x, y) = (
            a.predict(e.subject.as_deref(), &e.text),
            loaded.predict(e.subject.as_deref(), &e.text),
        );
        assert_eq!(x, y);
    }
    // Saving again over an existing model replaces it.
    b.save(&da).unwrap();
    assert_eq!(Router::load(&da).unwrap().labels(), a.labels());
    let _ = std::fs::remove_dir_all(&da);
    let _ = std::fs::remove_dir_all(&db);
}

fn model_error(dir: &std::path::Path) -> String {
    match Router::load(dir) {
        Err(e @ RouteError::Model { .. }) => e.to_string(),
        Err(e) => panic!("expected a model error, got {e:?}"),
        Ok(_) => panic!("a bad model loaded"),
    }
}

#[test]
fn a_missing_or_damaged_model_is_a_clear_error() {
    let dir = temp_dir("damaged");
    assert!(model_error(&dir).contains("no such model folder"));
    std::fs::create_dir_all(&dir).unwrap();
    assert!(model_error(&dir).contains("no route.model in this folder"));

    let router = Router::train(&contacts(8, 200, 0), &options()).unwrap();
    router.save(&dir).unwrap();
    let path = dir.join("route.model");
    let good = std::fs::read(&path).unwrap();

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x10;
    std::fs::write(&path, &flipped).unwrap();
    assert!(model_error(&dir).contains("corrupt"));

    std::fs::write(&path, &good[..good.len() - 100]).unwrap();
    let e = model_error(&dir);
    assert!(e.contains("corrupt") || e.contains("truncated"), "{e}");

    std::fs::write(&path, &good[..5]).unwrap();
    assert!(model_error(&dir).contains("not a heard routing model"));

    std::fs::write(&path, b"{\"labels\": []}").unwrap();
    assert!(model_error(&dir).contains("not a heard routing model"));

    let mut newer = good.clone();
    newer[8] = 99;
    std::fs::write(&path, &newer).unwrap();
    let e = model_error(&dir);
    assert!(e.contains("format 99") && e.contains("retrain"), "{e}");

    std::fs::write(&path, &good).unwrap();
    assert!(Router::load(&dir).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_lines_are_reported_with_their_numbers() {
    let input = concat!(
        "{\"id\": \"a\", \"text\": \"pothole\", \"label\": \"highways\"}\n",
        "\n",
        "{\"id\": \"b\", \"text\": \"bin\"}\n",
        "not json\n",
        "{\"id\": \"c\", \"text\": 5, \"label\": \"waste\"}\n",
        "{\"text\": \"book\", \"label\": \"libraries\"}\n",
        "{\"id\": \"d\", \"text\": \"tax\", \"label\": \"\"}\n",
        "[1, 2]\n",
        "{\"id\": 7, \"text\": \"tax\", \"label\": 3}\n",
        "{\"id\": \"e\", \"text\": \"tax\", \"label\": \"council_tax\"}\r\n",
    );
    let err = read_examples(input.as_bytes(), Labels::Required(None), 2).unwrap_err();
    let RouteError::Input { problems, total } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*total, 7);
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9]);
    let text = err.to_string();
    assert!(text.contains("line 3: missing \"label\""), "{text}");
    assert!(text.contains("line 4: not valid JSON"), "{text}");
    assert!(text.contains("line 5: \"text\" must be a string"), "{text}");
    assert!(text.contains("line 6: missing \"id\""), "{text}");
    assert!(text.contains("line 7: empty \"label\""), "{text}");
    assert!(text.contains("line 8: not a JSON object"), "{text}");
    assert!(text.contains("line 9: \"label\" must be a string"), "{text}");

    // Prediction ignores labels.
    let ok = "{\"id\": 1, \"text\": \"x\", \"label\": 3}\n{\"id\": \"b\", \"subject\": \"s\", \"text\": \"y\"}";
    let examples = read_examples(ok.as_bytes(), Labels::Ignore, 1).unwrap();
    assert_eq!(examples.len(), 2);
    assert_eq!(examples[0].id, serde_json::json!(1));
    assert_eq!(examples[1].subject.as_deref(), Some("s"));
    assert_eq!(examples[1].label, None);
}

#[test]
fn labels_outside_the_allowed_list_are_reported() {
    let allowed = ["highways", "waste"].map(String::from).into_iter().collect();
    let input = "{\"id\": \"a\", \"text\": \"x\", \"label\": \"highways\"}\n{\"id\": \"b\", \"text\": \"y\", \"label\": \"Highways\"}\n";
    let err = read_examples(input.as_bytes(), Labels::Required(Some(&allowed)), 1).unwrap_err();
    assert!(err.to_string().contains("line 2: unknown label \"Highways\""), "{err}");
}

#[test]
fn many_bad_lines_are_summarised() {
    let input = "oops\n".repeat(50);
    let err = read_examples(input.as_bytes(), Labels::Required(None), 2).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("50 bad lines"), "{text}");
    assert!(text.contains("and 30 more"), "{text}");
}

#[test]
fn training_needs_two_labels() {
    let one: Vec<Example> = contacts(9, 40, 0)
        .into_iter()
        .map(|mut e| {
            e.label = Some("highways".into());
            e
        })
        .collect();
    let err = Router::train(&one, &options()).unwrap_err();
    assert!(matches!(err, RouteError::NoData(_)), "{err:?}");
    assert!(Router::train(&[], &options()).is_err());
}

#[test]
fn tiny_histories_and_rare_labels_still_train() {
    // Too few to hold any out, and one label seen once.
    let mut few = contacts(10, 12, 0);
    few[0].label = Some("registrar".into());
    let router = Router::train(&few, &options()).unwrap();
    assert_eq!(router.labels().len(), 5);
    assert_eq!(router.info().holdout_examples, 0);
    let p = router.predict(None, "pothole road pavement");
    assert!(p.confidence > 0.0 && p.confidence <= 1.0);
}

#[test]
fn routes_to_triage_below_the_threshold() {
    let router = Router::train(&contacts(11, 400, 10), &options()).unwrap();
    match router.route(None, "pothole in the road by the junction, tarmac gone", 0.5) {
        Routing::Service {
            service,
            kind,
            confidence,
            ..
        } => {
            assert_eq!(service, "highways");
            assert_eq!(kind, None);
            assert!(confidence >= 0.5);
        }
        other => panic!("{other:?}"),
    }
    match router.route(None, "please help thanks", 0.99) {
        Routing::Triage { confidence, .. } => assert!(confidence < 0.99),
        other => panic!("{other:?}"),
    }
}

#[test]
fn service_and_kind_labels_route_to_the_service_first() {
    // Highways contacts split over two kinds: the service is certain, the kind less so.
    let train: Vec<Example> = contacts(12, 600, 0)
        .into_iter()
        .enumerate()
        .map(|(i, mut e)| {
            let l = e.label.take().unwrap();
            e.label = Some(if l == "highways" {
                if i % 3 == 0 {
                    "highways/complaint".into()
                } else {
                    "highways/request".into()
                }
            } else {
                format!("{l}/request")
            });
            e
        })
        .collect();
    let router = Router::train(&train, &options()).unwrap();
    match router.route(None, "pothole road pavement kerb", 0.7) {
        Routing::Service {
            service,
            kind,
            confidence,
            kind_confidence,
        } => {
            assert_eq!(service, "highways");
            assert!(matches!(kind, Some("request" | "complaint")));
            assert!(confidence > 0.7);
            assert!(kind_confidence <= 1.0 + 1e-6);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn reads_any_script() {
    let mut train = Vec::new();
    let sets: &[(&str, &[&str])] = &[
        (
            "highways",
            &["ffordd", "twll", "palmant", "дорога", "яма", "路面", "坑洼"],
        ),
        (
            "waste",
            &["bin", "sbwriel", "casglu", "мусор", "контейнер", "垃圾", "回收"],
        ),
    ];
    let mut g = Gen(99);
    for i in 0..200 {
        let (label, words) = sets[i % 2];
        let text: Vec<&str> = (0..4).map(|_| g.pick(words)).collect();
        train.push(Example {
            id: serde_json::json!(i),
            subject: None,
            text: text.join(""),
            label: Some(label.into()),
        });
    }
    let router = Router::train(&train, &options()).unwrap();
    assert_eq!(router.predict(None, "Mae twll yn y ffordd").label, "highways");
    assert_eq!(router.predict(None, "ЯМА на дороге").label, "highways");
    assert_eq!(router.predict(None, "垃圾没有回收").label, "waste");
    // Very long texts are read up to a limit, without trouble.
    let long = "垃圾 ".repeat(100_000);
    assert_eq!(router.predict(None, &long).label, "waste");
}
