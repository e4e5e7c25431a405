//! How similar unrelated contacts of a category are, so that "alike" means the same thing for
//! short and long messages, terse and chatty categories, and any council's wording.
//!
//! Each category keeps a reservoir sample of recent contact vectors; every new contact is
//! compared with a few of them and the cosines go into a histogram. Two contacts are "alike"
//! when their cosine is in the top `share` of that background distribution.

use crate::text::{DIM, Quantised};

const RESERVOIR: usize = 256;
const PROBES: usize = 12;
const BINS: usize = 400;
const LOW: f32 = -0.2;
const HIGH: f32 = 1.0;

#[derive(Debug, Clone)]
pub struct Background {
    vectors: Vec<i8>,
    scales: Vec<f32>,
    seen: u64,
    rng: u64,
    histogram: Vec<u64>,
    pairs: u64,
}

impl Default for Background {
    fn default() -> Self {
        Background {
            vectors: Vec::new(),
            scales: Vec::new(),
            seen: 0,
            rng: 0x2545_f491_4f6c_dd1d,
            histogram: vec![0; BINS],
            pairs: 0,
        }
    }
}

impl Background {
    fn next(&mut self) -> u64 {
        // xorshift64*: a deterministic sample, so replays are repeatable.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Compares a new contact's vector with a few sampled ones, then maybe keeps it.
    pub fn observe(&mut self, v: &[i8], scale: f32) {
        if scale == 0.0 {
            return;
        }
        let held = self.scales.len();
        for _ in 0..PROBES.min(held) {
            let j = (self.next() % held as u64) as usize;
            let cos = Quantised::cosine(v, scale, &self.vectors[j * DIM..(j + 1) * DIM], self.scales[j]);
            let bin = (((cos - LOW) / (HIGH - LOW)) * BINS as f32).clamp(0.0, (BINS - 1) as f32) as usize;
            self.histogram[bin] += 1;
            self.pairs += 1;
        }
        self.seen += 1;
        if held < RESERVOIR {
            self.vectors.extend_from_slice(v);
            self.scales.push(scale);
        } else {
            let j = (self.next() % self.seen) as usize;
            if j < RESERVOIR {
                self.vectors[j * DIM..(j + 1) * DIM].copy_from_slice(v);
                self.scales[j] = scale;
            }
        }
    }

    /// Pairs compared so far.
    pub fn pairs(&self) -> u64 {
        self.pairs
    }

    /// The cosine above which only `share` of unrelated pairs lie.
    pub fn threshold(&self, share: f64) -> Option<f32> {
        if self.pairs == 0 {
            return None;
        }
        let allowed = (share * self.pairs as f64) as u64;
        let mut above = 0;
        for bin in (0..BINS).rev() {
            above += self.histogram[bin];
            if above > allowed {
                return Some(LOW + (bin + 1) as f32 * (HIGH - LOW) / BINS as f32);
            }
        }
        Some(LOW)
    }
}
