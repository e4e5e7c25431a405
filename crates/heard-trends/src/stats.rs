//! Tail probabilities for small counts.
//!
//! Written here rather than pulled from a statistics crate: we need two functions (the
//! log-gamma and a gamma-Poisson upper tail), and the crates that offer them bring a linear
//! algebra library with them.

/// ln Γ(x) for x > 0 (Lanczos, g = 7; relative error below 1e-13 on the range we use).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps accuracy near zero.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// −log10 P(Y ≥ y) for Y negative binomial with the given mean and shape (a Poisson whose
/// rate is uncertain: shape → ∞ is Poisson). The tail is summed directly from `y` upwards so
/// that very small probabilities keep their precision.
pub fn nb_upper_tail_score(y: u32, mean: f64, shape: f64) -> f64 {
    if y == 0 {
        return 0.0;
    }
    let mean = mean.max(1e-9);
    let shape = shape.max(1e-3);
    let ln_p = (mean / (shape + mean)).ln(); // per-count factor
    let ln_q = (shape / (shape + mean)).ln();
    let yf = f64::from(y);
    // ln pmf(y); for a very large shape the gamma–Poisson is a Poisson, and the difference of
    // two huge log-gammas would lose the digits that matter.
    let ln_pmf = if shape > 1e6 {
        -mean + yf * mean.ln() - ln_gamma(yf + 1.0)
    } else {
        ln_gamma(yf + shape) - ln_gamma(shape) - ln_gamma(yf + 1.0) + shape * ln_q + yf * ln_p
    };
    let ratio_limit = if shape > 1e6 {
        mean / shape
    } else {
        mean / (shape + mean)
    };
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut k = yf;
    for _ in 0..10_000 {
        term *= if shape > 1e6 {
            mean / (k + 1.0)
        } else {
            (k + shape) / (k + 1.0) * ratio_limit
        };
        sum += term;
        k += 1.0;
        if term < sum * 1e-12 {
            break;
        }
    }
    let ln_tail = ln_pmf + sum.ln();
    (-ln_tail / std::f64::consts::LN_10).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_matches_factorials() {
        for n in 1..20u32 {
            let fact: f64 = (1..n).map(f64::from).product();
            assert!((ln_gamma(f64::from(n)) - fact.ln()).abs() < 1e-10, "n={n}");
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-10);
    }

    #[test]
    fn poisson_limit_matches_direct_sum() {
        // P(Pois(0.5) >= 3) = 1 - e^-0.5 (1 + 0.5 + 0.125)
        let p: f64 = 1.0 - (-0.5f64).exp() * (1.0 + 0.5 + 0.125);
        let s = nb_upper_tail_score(3, 0.5, 1e9);
        assert!((s - (-p.log10())).abs() < 1e-6, "{s}");
    }

    #[test]
    fn overdispersion_makes_high_counts_less_surprising() {
        assert!(nb_upper_tail_score(6, 1.0, 1.0) < nb_upper_tail_score(6, 1.0, 100.0));
        assert_eq!(nb_upper_tail_score(0, 3.0, 2.0), 0.0);
    }
}
