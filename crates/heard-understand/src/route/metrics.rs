//! Scoring predictions against the truth.

use serde::Serialize;
use std::collections::BTreeMap;

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Examples whose true label this is.
    pub support: usize,
    /// Examples predicted as this label.
    pub predicted: usize,
}

/// Macro-F1 (the unweighted mean of per-label F1 over every label that is either true or
/// predicted somewhere, as scikit-learn computes it), accuracy and the per-label table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub macro_f1: f64,
    pub accuracy: f64,
    pub examples: usize,
    pub per_label: BTreeMap<String, LabelScore>,
}

impl Evaluation {
    /// Scores `predicted[i]` against `truth[i]`. Panics if the lengths differ.
    pub fn new<S: AsRef<str>, T: AsRef<str>>(truth: &[S], predicted: &[T]) -> Evaluation {
        assert_eq!(truth.len(), predicted.len(), "one prediction per true label");
        let mut names: Vec<&str> = truth
            .iter()
            .map(AsRef::as_ref)
            .chain(predicted.iter().map(AsRef::as_ref))
            .collect();
        names.sort_unstable();
        names.dedup();
        let id = |s: &str| names.binary_search(&s).expect("collected above") as u32;
        let t: Vec<u32> = truth.iter().map(|s| id(s.as_ref())).collect();
        let p: Vec<u32> = predicted.iter().map(|s| id(s.as_ref())).collect();
        let mut e = Evaluation::from_indices(&t, &p, names.len());
        e.per_label = std::mem::take(&mut e.per_label)
            .into_values()
            .enumerate()
            .map(|(i, s)| (names[i].to_string(), s))
            .collect();
        e
    }

    /// The same over label numbers `0..labels`; `per_label` is keyed by number (zero-padded,
    /// so the map keeps numeric order) and lists every label.
    pub(crate) fn from_indices(truth: &[u32], predicted: &[u32], labels: usize) -> Evaluation {
        let mut tp = vec![0usize; labels];
        let mut support = vec![0usize; labels];
        let mut pred = vec![0usize; labels];
        let mut correct = 0;
        for (&t, &p) in truth.iter().zip(predicted) {
            support[t as usize] += 1;
            pred[p as usize] += 1;
            if t == p {
                tp[t as usize] += 1;
                correct += 1;
            }
        }
        let mut per_label = BTreeMap::new();
        let (mut sum, mut present) = (0f64, 0usize);
        for k in 0..labels {
            let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
            let precision = ratio(tp[k], pred[k]);
            let recall = ratio(tp[k], support[k]);
            let f1 = if tp[k] == 0 {
                0.0
            } else {
                2.0 * precision * recall / (precision + recall)
            };
            if support[k] + pred[k] > 0 {
                sum += f1;
                present += 1;
            }
            per_label.insert(
                format!("{k:08}"),
                LabelScore {
                    precision,
                    recall,
                    f1,
                    support: support[k],
                    predicted: pred[k],
                },
            );
        }
        Evaluation {
            macro_f1: if present == 0 { 0.0 } else { sum / present as f64 },
            accuracy: if truth.is_empty() {
                0.0
            } else {
                correct as f64 / truth.len() as f64
            },
            examples: truth.len(),
            per_label,
        }
    }
}

/// Expected calibration error: the mean gap between confidence and accuracy over ten equal
/// confidence bins, weighted by how many predictions fall in each. 0 is perfectly calibrated.
pub fn calibration_error(confidence: &[f32], correct: &[bool]) -> f64 {
    let mut bins = [(0usize, 0f64, 0usize); 10];
    for (&c, &ok) in confidence.iter().zip(correct) {
        let b = ((c.clamp(0.0, 1.0) * 10.0) as usize).min(9);
        bins[b].0 += 1;
        bins[b].1 += c as f64;
        bins[b].2 += ok as usize;
    }
    let n = confidence.len().max(1) as f64;
    bins.iter()
        .filter(|b| b.0 > 0)
        .map(|&(count, conf, hits)| (conf / count as f64 - hits as f64 / count as f64).abs() * count as f64 / n)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_f1_matches_a_hand_count() {
        let truth = ["a", "a", "b", "c"];
        let pred = ["a", "b", "b", "b"];
        let e = Evaluation::new(&truth, &pred);
        // a: p=1 r=.5 f=2/3; b: p=1/3 r=1 f=.5; c: 0
        assert!((e.macro_f1 - (2.0 / 3.0 + 0.5) / 3.0).abs() < 1e-12);
        assert_eq!(e.accuracy, 0.5);
        assert_eq!(e.per_label["b"].predicted, 3);
        assert_eq!(e.per_label["c"].support, 1);
    }

    #[test]
    fn calibration_error_of_honest_confidence_is_small() {
        let conf = [0.75f32; 4];
        let ok = [true, true, true, false];
        assert!(calibration_error(&conf, &ok) < 1e-6);
        assert!((calibration_error(&[1.0], &[false]) - 1.0).abs() < 1e-6);
    }
}
