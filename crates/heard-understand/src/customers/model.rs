//! The Fellegi–Sunter model: for each field and level, m (how often true matches show that
//! level) and u (how often two unrelated records do). u is counted on random pairs, m is
//! learned by expectation–maximisation on the blocked candidate pairs; no labels are used.
//! A pair's match weight is the sum of log2(m/u) over fields plus the prior log-odds, with
//! exact name agreement adjusted for how common the name is.

use super::compare::{FIELDS, Field, Levels};
use super::normalise::Prepared;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Jr against Sr, both written: two people, whatever else agrees.
const CONFLICT_BITS: f64 = -12.0;

/// Household members (and twins) as a second kind of "different people who look alike",
/// written down rather than learned (only their share is learned): given names differ (a
/// parent and child may share one), dates of birth differ when both are known (twins share
/// one), and they share a home, its postcode, often a surname, landline and email. Fixed,
/// because left free EM turns whichever cluster is largest (households, namesakes,
/// neighbours) into "one customer".
pub fn household(f: Field) -> &'static [f64] {
    match f {
        Field::GivenName => &[0.0, 0.03, 0.01, 0.02, 0.1, 0.04, 0.8],
        Field::Surname => &[0.0, 0.78, 0.04, 0.03, 0.15],
        Field::DateOfBirth => &[0.0, 0.03, 0.01, 0.01, 0.95],
        Field::Address => &[0.0, 0.78, 0.05, 0.03, 0.08, 0.01, 0.05],
        Field::Postcode => &[0.0, 0.88, 0.05, 0.02, 0.05],
        Field::Locality => &[0.0, 0.9, 0.05, 0.05],
        Field::OtherAddress => &[0.0, 0.8, 0.08, 0.12],
        Field::Email => &[0.0, 0.3, 0.02, 0.68],
        Field::Phone => &[0.0, 0.35, 0.01, 0.64],
    }
}

/// Share of one household's pairs of members who share a given name (a parent and child of
/// one name) or a date of birth (twins).
const HOUSEHOLD_SAME: f64 = 0.03;

/// The household class for this list: [`household`], except that two members' given names
/// and dates of birth are those of two different people, so they agree as often as two
/// strangers' do (u), except for the [`HOUSEHOLD_SAME`] share (twins, a parent and child of
/// one name) whose shared name or date is written twice with the slips of one customer's
/// (the prior m). The fixed table cannot know how often an initial or a typo-close name
/// agrees by chance in a given population.
pub fn household_for(u: &[Vec<f64>]) -> Vec<Vec<f64>> {
    Field::ALL
        .iter()
        .map(|&f| match f {
            Field::GivenName | Field::DateOfBirth => u[f as usize]
                .iter()
                .zip(prior_m(f))
                .enumerate()
                .map(|(l, (&x, &written_twice))| match l {
                    0 => 0.0,
                    _ => (1.0 - HOUSEHOLD_SAME) * x + HOUSEHOLD_SAME * written_twice,
                })
                .collect(),
            _ => household(f).to_vec(),
        })
        .collect()
}

/// Starting m per field and level (level 0 unused): what we expect of true matches in
/// messy data. Also the Dirichlet prior that keeps rare levels sensible.
fn prior_m(f: Field) -> &'static [f64] {
    match f {
        Field::GivenName => &[0.0, 0.78, 0.07, 0.06, 0.04, 0.03, 0.02],
        Field::Surname => &[0.0, 0.84, 0.06, 0.03, 0.07],
        Field::DateOfBirth => &[0.0, 0.9, 0.06, 0.02, 0.02],
        Field::Address => &[0.0, 0.65, 0.05, 0.01, 0.06, 0.03, 0.2],
        Field::Postcode => &[0.0, 0.72, 0.05, 0.05, 0.18],
        Field::Locality | Field::OtherAddress => &[0.0, 0.8, 0.08, 0.12],
        Field::Email => &[0.0, 0.65, 0.1, 0.25],
        Field::Phone => &[0.0, 0.65, 0.05, 0.3],
    }
}

/// At most this share of one customer's record pairs have given names that are different
/// names, or dates of birth that are different dates: without the cap, EM is free to call a
/// household "one customer" (it is the other cluster in the data).
const MAX_M_CONFLICT: f64 = 0.15;

/// Pseudo-pairs behind the prior (small next to thousands of candidate pairs).
const PRIOR_STRENGTH: f64 = 30.0;

/// Learned parameters; serialisable so a model trained once can score intake cheaply.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// m[field][level]: one customer written twice.
    pub m: Vec<Vec<f64>>,
    /// h[field][level]: two members of one household (twins, parent and child, couple).
    pub h: Vec<Vec<f64>>,
    /// u[field][level]: two unrelated records (random pairs).
    pub u: Vec<Vec<f64>>,
    /// u for the fields that follow the address (postcode, locality, other address lines),
    /// by [`address_bucket`]: two strangers on one street share a postcode as a rule, so a
    /// shared postcode is no further evidence once the address agrees. Empty: use `u`.
    #[serde(default)]
    pub u_by_address: Vec<Vec<Vec<f64>>>,
    /// log2 odds that two random records are one customer.
    pub prior_bits: f64,
    /// log2 odds that two random records are one household's different members.
    pub household_bits: f64,
    /// Share of records carrying each given name / surname (for term-frequency weights).
    pub given_freq: HashMap<String, f64>,
    pub surname_freq: HashMap<String, f64>,
    /// Frequency assumed for names not seen in training.
    pub min_freq: f64,
    /// Candidate pairs and EM iterations used, for the record.
    pub candidate_pairs: usize,
    pub em_iterations: usize,
}

/// One field's part in a decision: shown to an agent as "why".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub field: Field,
    /// The comparison level, in words ("nickname or middle name", "different").
    pub level: &'static str,
    /// Evidence in bits for one customer against two unrelated people (log2 m/u).
    pub weight: f64,
    /// Evidence in bits for one customer against two members of one household (log2 m/h):
    /// a shared address or phone says little here, a different given name a lot.
    pub household_weight: f64,
}

/// The verdict on one pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Calibrated probability that the two records are one customer.
    pub probability: f64,
    /// Probability that they are two members of one household (twins, parent and child…).
    pub household_probability: f64,
    /// Given name and surname agreed the other way round.
    pub swapped_names: bool,
    /// Jr against Sr: two people.
    pub conflict: bool,
    /// Per-field evidence, in field order; missing fields are left out.
    pub reasons: Vec<Reason>,
}

fn log2_ratio(m: f64, u: f64) -> f64 {
    (m.max(1e-9) / u.max(1e-9)).log2()
}

/// Probability from log2 odds.
pub fn probability(bits: f64) -> f64 {
    1.0 / (1.0 + (-bits).exp2())
}

impl Model {
    /// Name agreement weighed by how common the name is: m/f instead of m/u for a name
    /// carried by a share f of people.
    fn tf_bits(&self, field: Field, x: f64, level_bits: f64, a: &Prepared) -> f64 {
        let (table, value) = match field {
            Field::GivenName => (&self.given_freq, &a.name.given),
            Field::Surname => (&self.surname_freq, &a.name.surname),
            _ => return level_bits,
        };
        let freq = table
            .get(value.as_str())
            .copied()
            .unwrap_or(self.min_freq)
            .max(self.min_freq);
        log2_ratio(x, freq).clamp(level_bits - 8.0, level_bits + 8.0)
    }

    /// Scores a compared pair; `a` is either record (used for the agreeing name's frequency).
    pub fn score(&self, levels: &Levels, a: &Prepared, with_reasons: bool) -> Comparison {
        let mut lm = self.prior_bits;
        let mut lh = self.household_bits;
        let mut reasons = Vec::with_capacity(if with_reasons { FIELDS } else { 0 });
        for f in Field::ALL {
            let level = levels.levels[f as usize] as usize;
            if level == 0 {
                continue;
            }
            let i = f as usize;
            let u = unrelated(&self.u, &self.u_by_address, levels, i)[level];
            let m = self.m[i][level];
            let h = if same_name_in_household(levels, f, level) {
                m
            } else {
                self.h[i][level]
            };
            let mut wm = log2_ratio(m, u);
            let mut wh = log2_ratio(h, u);
            let swapped_name = levels.swapped && matches!(f, Field::GivenName | Field::Surname);
            if level == 1 && !swapped_name {
                wm = self.tf_bits(f, m, wm, a);
                wh = self.tf_bits(f, h, wh, a);
            }
            lm += wm;
            lh += wh;
            if with_reasons {
                reasons.push(Reason {
                    field: f,
                    level: f.levels()[level],
                    weight: (wm * 100.0).round() / 100.0,
                    household_weight: ((wm - wh) * 100.0).round() / 100.0,
                });
            }
        }
        if levels.suffix_conflict {
            lm += CONFLICT_BITS;
        }
        // Three explanations: one customer, one household, strangers (odds 1).
        let top = lm.max(lh).max(0.0);
        let (pm, ph, pu) = ((lm - top).exp2(), (lh - top).exp2(), (-top).exp2());
        let z = pm + ph + pu;
        Comparison {
            probability: pm / z,
            household_probability: ph / z,
            swapped_names: levels.swapped,
            conflict: levels.suffix_conflict,
            reasons,
        }
    }
}

/// The term-frequency adjustment of a pair, in bits, for one customer (and one household)
/// against strangers: log2(u/f) for each name that agrees exactly, f being the share of
/// records with that name. Rare shared names are strong evidence, common ones weak.
pub fn tf_offset_bits(
    u: &[Vec<f64>],
    given_freq: &HashMap<String, f64>,
    surname_freq: &HashMap<String, f64>,
    min_freq: f64,
    levels: &Levels,
    a: &Prepared,
) -> f64 {
    if levels.swapped {
        return 0.0;
    }
    let mut bits = 0.0;
    for (f, table, value) in [
        (Field::GivenName, given_freq, &a.name.given),
        (Field::Surname, surname_freq, &a.name.surname),
    ] {
        if levels.levels[f as usize] == 1 {
            let freq = table.get(value.as_str()).copied().unwrap_or(min_freq).max(min_freq);
            bits += log2_ratio(u[f as usize][1], freq).clamp(-8.0, 8.0);
        }
    }
    bits
}

/// Records a name must be carried by to count as a name in its own right.
const COMMON_NAME_RECORDS: f64 = 3.0;

/// Two given names that are each common in the list are two names, not a typo of one:
/// a slip makes a rare spelling, so "Gary" and "Mary", or "Samantha" and "Sarah", are
/// "different" when both are common (spellings of one name, "Ann" and "Anne", differ in
/// length and stay "typo").
pub fn distinct_names(
    levels: &mut Levels,
    given_freq: &HashMap<String, f64>,
    min_freq: f64,
    a: &Prepared,
    b: &Prepared,
) {
    let g = Field::GivenName as usize;
    let level = levels.levels[g];
    if !(level == 3 || level == 5) || levels.swapped {
        return;
    }
    let (x, y) = (a.name.given.as_str(), b.name.given.as_str());
    let common = |v: &str| {
        given_freq
            .get(v)
            .is_some_and(|f| *f >= COMMON_NAME_RECORDS * min_freq * 0.999)
    };
    if (level == 5 || x.len() == y.len()) && common(x) && common(y) {
        levels.levels[g] = 6;
    }
}

/// Counts value frequencies (share of records) for the term-frequency adjustment.
pub fn frequencies<'a>(values: impl Iterator<Item = &'a str>) -> (HashMap<String, f64>, usize) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut n = 0usize;
    for v in values {
        n += 1;
        if !v.is_empty() {
            *counts.entry(v).or_default() += 1;
        }
    }
    let n_f = n.max(1) as f64;
    let table = counts
        .into_iter()
        .filter(|(_, c)| *c > 1)
        .map(|(v, c)| (v.to_string(), c as f64 / n_f))
        .collect();
    (table, n)
}

/// A shared given name where one record's suffix says the household has two people of the
/// name: as likely for one household as for one customer.
fn same_name_in_household(levels: &Levels, f: Field, level: usize) -> bool {
    levels.suffix_one_side && f == Field::GivenName && level == 1
}

/// Buckets of address agreement that postcode and locality are conditioned on: missing,
/// same or similar premises, same street, different.
pub const ADDRESS_BUCKETS: usize = 4;

/// The address bucket of a compared pair (see [`ADDRESS_BUCKETS`]).
pub fn address_bucket(levels: &Levels) -> usize {
    match levels.levels[Field::Address as usize] {
        0 => 0,
        1..=4 => 1,
        5 => 2,
        _ => 3,
    }
}

/// Whether a field's agreement follows from the address's (so its u is conditioned on it).
pub fn follows_address(f: Field) -> bool {
    matches!(f, Field::Postcode | Field::Locality | Field::OtherAddress)
}

/// u of field `f` for this pair: conditioned on the address bucket where that is known.
pub fn unrelated<'a>(u: &'a [Vec<f64>], by_address: &'a [Vec<Vec<f64>>], levels: &Levels, f: usize) -> &'a [f64] {
    if follows_address(Field::ALL[f])
        && let Some(b) = by_address.get(address_bucket(levels))
        && let Some(x) = b.get(f)
    {
        return x;
    }
    &u[f]
}

/// Pseudo-pairs pulling each conditional u towards the plain u (few random pairs share a
/// street).
const U_PRIOR_STRENGTH: f64 = 20.0;

/// u conditioned on the address bucket, from level counts on random pairs per bucket,
/// shrunk towards the plain `u`.
pub fn u_by_address_from_counts(counts: &[[[u64; 8]; FIELDS]; ADDRESS_BUCKETS], u: &[Vec<f64>]) -> Vec<Vec<Vec<f64>>> {
    counts
        .iter()
        .map(|c| {
            Field::ALL
                .iter()
                .map(|&f| {
                    let fi = f as usize;
                    let n = f.levels().len();
                    let total: f64 = (1..n).map(|l| c[fi][l] as f64).sum::<f64>() + U_PRIOR_STRENGTH;
                    (0..n)
                        .map(|l| {
                            if l == 0 {
                                0.0
                            } else {
                                (c[fi][l] as f64 + U_PRIOR_STRENGTH * u[fi][l]) / total
                            }
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// u from level counts on random pairs, with a little smoothing so no level is impossible.
pub fn u_from_counts(counts: &[[u64; 8]; FIELDS]) -> Vec<Vec<f64>> {
    Field::ALL
        .iter()
        .map(|&f| {
            let n = f.levels().len();
            let c = &counts[f as usize];
            let total: f64 = (1..n).map(|l| c[l] as f64 + 0.5).sum();
            let mut u = vec![0.0; n];
            for l in 1..n {
                u[l] = (c[l] as f64 + 0.5) / total;
            }
            u
        })
        .collect()
}

/// Result of [`em`]: m per field and level (only the fields the session learned), and h
/// (learned only for the fields asked for; the others are returned as given).
pub struct EmResult {
    pub m: Vec<Vec<f64>>,
    pub h: Vec<Vec<f64>>,
    pub iterations: usize,
}

/// One expectation–maximisation session over distinct level patterns (with counts), in the
/// manner of Splink: the pairs were chosen by agreeing on some fields, which are therefore
/// `excluded` (no evidence there); u is fixed from random pairs; the household class h is
/// fixed by [`household`]. Three classes compete for each pattern: one customer (m, learned),
/// one household's members (h) and strangers (u). Jr/Sr pairs are never one customer.
pub fn em(patterns: &[(Levels, u64)], excluded: &[Field], u: &[Vec<f64>], max_iterations: usize) -> EmResult {
    let h: Vec<Vec<f64>> = Field::ALL.iter().map(|&f| household(f).to_vec()).collect();
    let patterns: Vec<(Levels, f64, u64)> = patterns.iter().map(|&(l, c)| (l, 0.0, c)).collect();
    em_with_household(&patterns, excluded, u, &[], &h, &[], max_iterations)
}

/// [`em`] with the household class given (see [`household_for`]); h is also learned for the
/// fields in `learn_h` (with the given h as its prior). Each pattern carries its pairs'
/// term-frequency adjustment in bits ([`tf_offset_bits`]), so that pairs sharing a common
/// name are not taken for evidence about how one customer's records differ. Given names and dates of birth should
/// not be among them: they are what tells a household from one customer, and left free the
/// two classes can trade places.
pub fn em_with_household(
    patterns: &[(Levels, f64, u64)],
    excluded: &[Field],
    u: &[Vec<f64>],
    u_by_address: &[Vec<Vec<f64>>],
    h_given: &[Vec<f64>],
    learn_h: &[Field],
    max_iterations: usize,
) -> EmResult {
    let mut m: Vec<Vec<f64>> = Field::ALL.iter().map(|&f| prior_m(f).to_vec()).collect();
    let mut h: Vec<Vec<f64>> = h_given.to_vec();
    let used: Vec<usize> = Field::ALL
        .iter()
        .filter(|f| !excluded.contains(f))
        .map(|&f| f as usize)
        .collect();
    let (mut lambda, mut lambda_h) = (0.3f64, 0.1f64);
    let total: f64 = patterns.iter().map(|(_, _, c)| *c as f64).sum();
    let mut iterations = 0;
    let ln = |x: f64| x.max(1e-12).ln();
    // Strangers' side of each pattern does not change between iterations.
    let lu_fields: Vec<f64> = patterns
        .iter()
        .map(|(p, _, _)| {
            used.iter()
                .filter(|&&f| p.levels[f] > 0)
                .map(|&f| ln(unrelated(u, u_by_address, p, f)[p.levels[f] as usize]))
                .sum()
        })
        .collect();
    for it in 0..max_iterations {
        iterations = it + 1;
        let ln_m: Vec<Vec<f64>> = m.iter().map(|r| r.iter().map(|&x| ln(x)).collect()).collect();
        let ln_h: Vec<Vec<f64>> = h.iter().map(|r| r.iter().map(|&x| ln(x)).collect()).collect();
        let mut m_acc: Vec<Vec<f64>> = m.iter().map(|x| vec![0.0; x.len()]).collect();
        let mut h_acc: Vec<Vec<f64>> = m_acc.clone();
        let (mut n_m, mut n_h) = (0.0, 0.0);
        for ((p, tf_bits, count), lu_p) in patterns.iter().zip(&lu_fields) {
            let c = *count as f64;
            let mut lm = lambda.ln() + tf_bits * std::f64::consts::LN_2;
            let mut lh = lambda_h.ln() + tf_bits * std::f64::consts::LN_2;
            let lu = (1.0 - lambda - lambda_h).max(1e-9).ln() + lu_p;
            for &f in &used {
                let l = p.levels[f] as usize;
                if l > 0 {
                    lm += ln_m[f][l];
                    lh += if same_name_in_household(p, Field::ALL[f], l) {
                        ln_m[f][l]
                    } else {
                        ln_h[f][l]
                    };
                }
            }
            if p.suffix_conflict {
                lm = f64::NEG_INFINITY;
            }
            let top = lm.max(lh).max(lu);
            let (em_, eh, eu) = ((lm - top).exp(), (lh - top).exp(), (lu - top).exp());
            let z = em_ + eh + eu;
            let (pm, ph) = (em_ / z, eh / z);
            n_m += pm * c;
            n_h += ph * c;
            for &f in &used {
                let l = p.levels[f] as usize;
                if l > 0 {
                    m_acc[f][l] += pm * c;
                    h_acc[f][l] += ph * c;
                }
            }
        }
        let mut change = 0.0f64;
        for &fi in &used {
            let f = Field::ALL[fi];
            let prior = prior_m(f);
            let n = prior.len();
            let sm: f64 = (1..n).map(|l| m_acc[fi][l] + PRIOR_STRENGTH * prior[l]).sum();
            for l in 1..n {
                let nm = (m_acc[fi][l] + PRIOR_STRENGTH * prior[l]) / sm;
                change = change.max((nm - m[fi][l]).abs());
                m[fi][l] = nm;
            }
            if let Some(c) = f.conflict_level().map(usize::from)
                && m[fi][c] > MAX_M_CONFLICT
            {
                let rest = 1.0 - m[fi][c];
                for (l, x) in m[fi].iter_mut().enumerate().skip(1) {
                    *x = if l == c {
                        MAX_M_CONFLICT
                    } else {
                        *x * (1.0 - MAX_M_CONFLICT) / rest
                    };
                }
            }
            if learn_h.contains(&f) {
                let prior = &h_given[fi];
                let sh: f64 = (1..n).map(|l| h_acc[fi][l] + PRIOR_STRENGTH * prior[l]).sum();
                for l in 1..n {
                    let nh = (h_acc[fi][l] + PRIOR_STRENGTH * prior[l]) / sh;
                    change = change.max((nh - h[fi][l]).abs());
                    h[fi][l] = nh;
                }
            }
        }
        let nl = (n_m / total.max(1.0)).clamp(1e-6, 0.98);
        let nh = (n_h / total.max(1.0)).clamp(1e-6, (0.99 - nl).max(1e-6));
        change = change.max((nl - lambda).abs()).max((nh - lambda_h).abs());
        lambda = nl;
        lambda_h = nh;
        if change < 1e-5 {
            break;
        }
    }
    EmResult { m, h, iterations }
}
