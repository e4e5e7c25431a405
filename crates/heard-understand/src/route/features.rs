//! Text → hashed n-gram counts.
//!
//! Two groups of features, each L2-normalised on its own (as a union of two TF-IDF
//! vectorisers would be), so long texts and short texts weigh the same:
//!
//! - **words**: unigrams and bigrams of lower-cased alphanumeric tokens;
//! - **characters**: n-grams (`char_min..=char_max`) inside each token padded with a space
//!   on either side, so prefixes and suffixes are their own features. They carry
//!   misspellings, compounds, inflections and scripts written without spaces.
//!
//! Every n-gram is reduced to a 64-bit hash (never 0: 0 marks an empty table slot); the
//! vocabulary learned in training maps hashes to feature numbers.

use serde::{Deserialize, Serialize};

/// Longest text (in characters, subject included) read for routing; the rest is ignored.
pub const MAX_CHARS: usize = 20_000;

/// How a text becomes features. Stored in the model, so prediction reads texts exactly as
/// training did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureConfig {
    /// Word n-grams up to this length (1 = unigrams only).
    pub word_max: u8,
    /// Character n-gram lengths.
    pub char_min: u8,
    pub char_max: u8,
    /// Minimum number of training texts a feature must occur in to be kept (a feature
    /// seen once cannot generalise, and dropping those halves the model).
    pub word_min_df: u32,
    pub char_min_df: u32,
    /// Term frequency transform: `1 + ln(tf)` when true, raw counts when false.
    pub sublinear_tf: bool,
    /// Weight of the character group relative to the word group.
    pub char_weight: f32,
    /// Subject words also count as features of their own (a subject is a summary).
    pub subject_words: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            word_max: 2,
            char_min: 3,
            char_max: 5,
            word_min_df: 2,
            char_min_df: 2,
            sublinear_tf: true,
            char_weight: 1.0,
            subject_words: true,
        }
    }
}

const K1: u64 = 0x9E37_79B9_7F4A_7C15;
const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const SEED_WORD: u64 = 0x5157_4f52_4431_0001;
const SEED_BIGRAM: u64 = 0x5157_4f52_4432_0002;
const SEED_CHAR: u64 = 0x4348_4152_0000_0003;
const SEED_SUBJECT: u64 = 0x5355_424a_0000_0004;

#[inline]
fn step(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(K1).rotate_left(29)
}

/// The final mix (from MurmurHash3), so nearby inputs land far apart.
#[inline]
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(K2);
    h ^= h >> 33;
    h.max(1)
}

/// Reusable buffers for turning texts into hashed n-grams.
#[derive(Default)]
pub(crate) struct Scratch {
    chars: Vec<char>,
    /// Token boundaries in `chars` (start, end).
    tokens: Vec<(usize, usize)>,
    pub(crate) words: Vec<u64>,
    pub(crate) grams: Vec<u64>,
    pub(crate) counter: Counter,
    pub(crate) acc: Vec<f32>,
    pub(crate) distinct: Vec<(u64, u32)>,
    pub(crate) found: Vec<(u32, u32)>,
}

impl Scratch {
    /// Fills `words` and `grams` with the hashes of every n-gram of the text (with
    /// repetitions, in text order).
    pub(crate) fn hash_text(&mut self, cfg: &FeatureConfig, subject: Option<&str>, text: &str) {
        self.chars.clear();
        self.tokens.clear();
        self.words.clear();
        self.grams.clear();
        let mut budget = MAX_CHARS;
        if let Some(subject) = subject {
            self.tokenise(subject, &mut budget);
        }
        let subject_tokens = self.tokens.len();
        self.tokenise(text, &mut budget);
        let word_max = cfg.word_max.max(1) as usize;
        let (cmin, cmax) = (cfg.char_min.max(1) as usize, cfg.char_max.max(cfg.char_min) as usize);
        let mut prev: Vec<u64> = Vec::with_capacity(word_max);
        for (t, &(s, e)) in self.tokens.iter().enumerate() {
            let token = &self.chars[s..e];
            let mut h = SEED_WORD;
            for &c in token {
                h = step(h, c as u64);
            }
            let hw = finish(h);
            self.words.push(hw);
            if cfg.subject_words && t < subject_tokens {
                self.words.push(finish(hw ^ SEED_SUBJECT));
            }
            // n-grams ending here: combine with the previous tokens' hashes.
            let mut acc = hw;
            for (k, &p) in prev.iter().rev().enumerate() {
                acc = finish(step(step(SEED_BIGRAM ^ (k as u64), p), acc));
                self.words.push(acc);
            }
            if word_max > 1 {
                if prev.len() == word_max - 1 {
                    prev.remove(0);
                }
                prev.push(hw);
            }
            // Character n-grams inside " token ".
            let padded = token.len() + 2;
            let at = |i: usize| -> u64 {
                if i == 0 || i == padded - 1 {
                    ' ' as u64
                } else {
                    token[i - 1] as u64
                }
            };
            for start in 0..padded {
                let mut h = SEED_CHAR;
                for n in 1..=cmax {
                    let i = start + n - 1;
                    if i >= padded {
                        break;
                    }
                    h = step(h, at(i));
                    if n >= cmin && !(n == 1 && (start == 0 || start == padded - 1)) {
                        self.grams.push(finish(h ^ (n as u64)));
                    }
                }
            }
        }
    }

    /// Splits into lower-cased alphanumeric tokens.
    fn tokenise(&mut self, text: &str, budget: &mut usize) {
        let mut start = None;
        for c in text.chars() {
            if *budget == 0 {
                break;
            }
            *budget -= 1;
            if c.is_alphanumeric() {
                if start.is_none() {
                    start = Some(self.chars.len());
                }
                if c.is_ascii() {
                    self.chars.push(c.to_ascii_lowercase());
                } else {
                    self.chars.extend(c.to_lowercase());
                }
            } else if let Some(s) = start.take() {
                self.tokens.push((s, self.chars.len()));
            }
        }
        if let Some(s) = start {
            self.tokens.push((s, self.chars.len()));
        }
        // A subject and its text never join into one token.
        *budget = budget.saturating_sub(1);
    }
}

/// Counts repeated hashes with a small reusable hash table.
#[derive(Default)]
pub(crate) struct Counter {
    keys: Vec<u64>,
    counts: Vec<u32>,
    used: Vec<u32>,
}

impl Counter {
    /// Calls `f(hash, count)` once for each distinct hash, in order of first occurrence.
    #[inline]
    pub(crate) fn each(&mut self, hashes: &[u64], mut f: impl FnMut(u64, u32)) {
        let want = (hashes.len() * 2).next_power_of_two().max(64);
        if self.keys.len() < want {
            self.keys = vec![0; want];
            self.counts = vec![0; want];
        }
        let mask = self.keys.len() - 1;
        self.used.clear();
        for &h in hashes {
            let mut i = (h >> 7) as usize & mask;
            loop {
                let k = self.keys[i];
                if k == h {
                    self.counts[i] += 1;
                    break;
                }
                if k == 0 {
                    self.keys[i] = h;
                    self.counts[i] = 1;
                    self.used.push(i as u32);
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        for &i in &self.used {
            let i = i as usize;
            f(self.keys[i], self.counts[i]);
            self.keys[i] = 0;
        }
    }
}

/// Term frequency transform.
#[inline]
pub(crate) fn tf(cfg: &FeatureConfig, count: u32) -> f32 {
    if count == 1 {
        1.0
    } else if cfg.sublinear_tf {
        1.0 + (count as f32).ln()
    } else {
        count as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str) -> (Vec<u64>, Vec<u64>) {
        let mut s = Scratch::default();
        s.hash_text(&FeatureConfig::default(), None, text);
        let (mut w, mut g) = (s.words.clone(), s.grams.clone());
        w.sort_unstable();
        g.sort_unstable();
        (w, g)
    }

    #[test]
    fn counter_counts_each_hash_once() {
        let mut c = Counter::default();
        let mut seen = Vec::new();
        c.each(&[5, 9, 5, 5, 7, 9], |h, n| seen.push((h, n)));
        assert_eq!(seen, vec![(5, 3), (9, 2), (7, 1)]);
        seen.clear();
        c.each(&[9], |h, n| seen.push((h, n)));
        assert_eq!(seen, vec![(9, 1)]);
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        assert_eq!(hashes("Fly-tipping, AGAIN!"), hashes("fly tipping again"));
        assert_eq!(hashes("ÉCOLE"), hashes("école"));
    }

    #[test]
    fn counts_unigrams_bigrams_and_char_grams() {
        let (w, g) = hashes("ab cd");
        // ab, cd, "ab cd"
        assert_eq!(w.len(), 3);
        // " ab " → 3-grams " ab", "ab "; 4-gram " ab " (×2 tokens)
        assert_eq!(g.len(), 6);
        assert!(w.iter().chain(&g).all(|&h| h != 0));
    }

    #[test]
    fn empty_and_symbol_only_texts_have_no_features() {
        assert_eq!(hashes(""), (vec![], vec![]));
        assert_eq!(hashes(" -- !! "), (vec![], vec![]));
    }

    #[test]
    fn non_latin_scripts_get_character_features() {
        let (w, g) = hashes("路灯坏了");
        assert_eq!(w.len(), 1);
        assert!(g.len() > 5);
    }
}
