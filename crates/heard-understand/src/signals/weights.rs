//! The two logistic models: one weight per feature (order of [`super::feature_names`]),
//! the bias last.
//!
//! `PRIOR_*` are set by hand from what each cue means; `DISSATISFIED` and `ACTIONABLE` are
//! fitted on the development split of `eval/signals` with an L2 pull towards the priors
//! (`cargo run --release -p heard-understand --example eval_signals -- --fit` prints them),
//! so a cue the set rarely shows keeps the weight a person would give it.

use super::FEATURES;

pub type Weights = [f32; FEATURES + 1];

#[rustfmt::skip]
pub const PRIOR_DISSATISFIED: Weights = [
    // chasing, elapsed, repeated, inaction, negative, not satisfied, complaint, about someone else
    2.5, 0.8, 1.2, 1.8, 2.5, 3.0, 2.5, -0.5,
    // escalation, conduct, mistake, council's doing, sarcasm, praise, positive, resolved
    1.5, 2.5, 1.2, 0.8, 1.5, -1.5, -0.5, -1.5,
    // no complaint, council post, general question, chatter, problem, request, own matter, photo
    -2.5, -3.0, -1.5, -1.0, 0.0, -0.3, 0.2, -0.3,
    // urgent, safeguarding, exclamations, shouting, question, length, place
    0.3, -0.5, 0.8, 1.0, 0.2, 0.0, -0.3,
    // bias
    -2.5,
];

#[rustfmt::skip]
pub const PRIOR_ACTIONABLE: Weights = [
    1.5, 0.3, 0.5, 0.8, 0.3, 0.5, 1.0, 2.0,
    1.0, 1.0, 1.0, 0.0, 0.3, -1.5, -0.5, -1.5,
    -1.0, -2.5, -2.0, -1.5, 2.0, 1.2, 1.0, 0.8,
    1.0, 3.0, 0.0, 0.0, -0.3, 0.3, 1.0,
    -1.0,
];

// fitted on dev, l2 = 0.01
#[rustfmt::skip]
pub const DISSATISFIED: Weights = [
    3.412, // chasing
    1.463, // time gone by
    1.935, // repeated
    2.353, // no action
    3.331, // negative
    3.100, // not satisfied
    2.536, // complaint
    -0.580, // about someone else
    1.580, // escalation
    2.541, // staff conduct
    1.508, // mistake
    1.310, // the council's doing
    1.859, // sarcasm
    -1.350, // praise
    -0.281, // positive
    -1.269, // resolved
    -2.513, // no complaint
    -3.019, // council post
    -1.404, // general question
    -1.243, // chatter
    -0.042, // problem
    -0.598, // request
    0.275, // own matter
    -0.244, // photo
    0.421, // urgent
    -1.104, // safeguarding
    0.758, // exclamations
    1.009, // shouting
    -0.142, // question
    0.355, // length
    -0.313, // place
    -2.272, // bias
];
// fitted on dev, l2 = 0.01
#[rustfmt::skip]
pub const ACTIONABLE: Weights = [
    1.781, // chasing
    0.789, // time gone by
    1.055, // repeated
    0.788, // no action
    -0.304, // negative
    0.567, // not satisfied
    1.170, // complaint
    2.032, // about someone else
    1.051, // escalation
    1.007, // staff conduct
    1.267, // mistake
    -0.271, // the council's doing
    0.452, // sarcasm
    -2.136, // praise
    -0.714, // positive
    -1.783, // resolved
    -1.130, // no complaint
    -2.537, // council post
    -2.154, // general question
    -2.041, // chatter
    2.789, // problem
    1.707, // request
    1.130, // own matter
    0.755, // photo
    1.005, // urgent
    3.261, // safeguarding
    -0.086, // exclamations
    0.051, // shouting
    -0.683, // question
    0.694, // length
    1.394, // place
    -0.955, // bias
];

/// The model's probability for features `x`.
pub fn logistic(w: &Weights, x: &[f32; FEATURES]) -> f32 {
    let z: f32 = w[FEATURES] + w.iter().zip(x).map(|(w, x)| w * x).sum::<f32>();
    1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp())
}

/// Fits weights by gradient descent on mean log loss plus `l2`/2 · ‖w − prior‖².
pub fn fit(xs: &[[f32; FEATURES]], ys: &[bool], prior: &Weights, l2: f32) -> Weights {
    let mut w = *prior;
    if xs.is_empty() {
        return w;
    }
    let n = xs.len() as f32;
    let rate = 0.5;
    for _ in 0..4000 {
        let mut grad = [0f32; FEATURES + 1];
        for (x, &y) in xs.iter().zip(ys) {
            let err = logistic(&w, x) - if y { 1.0 } else { 0.0 };
            for (g, xi) in grad.iter_mut().zip(x) {
                *g += err * xi;
            }
            grad[FEATURES] += err;
        }
        for k in 0..=FEATURES {
            w[k] -= rate * (grad[k] / n + l2 * (w[k] - prior[k]));
        }
    }
    w
}
