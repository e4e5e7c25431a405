//! Contact text as vectors, so that two differently worded reports of one problem can be
//! recognised as similar.
//!
//! Word unigrams and bigrams (stop-words dropped) and character 4-grams of each word (robust
//! to typos), weighted by sublinear tf × idf, the word and character blocks normalised
//! separately and given equal weight, then projected by signed feature hashing onto a dense
//! vector of [`DIM`] floats whose dot product approximates the cosine. Document frequencies
//! are learnt online from the contacts seen so far: nothing looks ahead.

/// Dimensions of the dense vectors.
pub const DIM: usize = 512;

/// Size of the hashed document-frequency table (collisions only blur rare features' idf).
const DF_SLOTS: usize = 1 << 20;

/// A contact's features: hashed feature id, whether it is a character feature, count.
#[derive(Debug, Clone, Default)]
pub struct Features {
    items: Vec<(u64, bool, u16)>,
}

/// Common function words, in English and Welsh, that say nothing about the problem.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from", "is", "are",
    "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "i", "im", "ive", "id", "me",
    "my", "we", "our", "us", "you", "your", "he", "she", "his", "her", "they", "them", "their", "there", "here", "as",
    "so", "not", "no", "do", "does", "did", "doesnt", "dont", "didnt", "have", "has", "had", "can", "cant", "could",
    "would", "should", "will", "wont", "just", "than", "then", "too", "very", "also", "about", "into", "over", "up",
    "out", "off", "again", "am", "get", "got", "still", "any", "some", "all", "one", "what", "when", "which", "who",
    "why", "how", "please", "thanks", "thank", "hi", "hello", "dear", "regards", "yours", "sir", "madam", "y", "yr",
    "ac", "ar", "yn", "i'r",
];

/// True for a common function word (English or Welsh).
pub fn is_stop(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// FNV-1a, seeded by a namespace byte; stable across runs and platforms.
fn hash(namespace: u8, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(namespace);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    // Final mix so low bits are usable for bucketing.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// Splits `text` into lower-case alphanumeric words (apostrophes dropped, so "isn't" is "isnt").
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in text.chars() {
        if ch == '\'' || ch == '’' {
            continue;
        }
        if ch.is_alphanumeric() {
            cur.extend(ch.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl Features {
    pub fn of(text: &str) -> Features {
        let toks: Vec<String> = words(text).into_iter().filter(|w| !is_stop(w)).collect();
        let mut items: Vec<(u64, bool, u16)> = Vec::with_capacity(toks.len() * 8);
        for pair in toks.windows(2) {
            items.push((hash(b'b', &[&pair[0], &pair[1]]), false, 1));
        }
        for t in &toks {
            items.push((hash(b'w', &[t]), false, 1));
            if t.chars().count() >= 3 {
                let padded: Vec<char> = std::iter::once(' ')
                    .chain(t.chars())
                    .chain(std::iter::once(' '))
                    .collect();
                for w in padded.windows(4) {
                    let g: String = w.iter().collect();
                    items.push((hash(b'c', &[&g]), true, 1));
                }
            }
        }
        items.sort_unstable_by_key(|&(h, _, _)| h);
        let mut merged: Vec<(u64, bool, u16)> = Vec::with_capacity(items.len());
        for it in items {
            match merged.last_mut() {
                Some(last) if last.0 == it.0 => last.2 = last.2.saturating_add(1),
                _ => merged.push(it),
            }
        }
        Features { items: merged }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Online document frequencies and the projection to dense vectors.
#[derive(Debug, Clone)]
pub struct Vectorizer {
    df: Vec<u32>,
    docs: u32,
}

impl Default for Vectorizer {
    fn default() -> Self {
        Vectorizer {
            df: vec![0; DF_SLOTS],
            docs: 0,
        }
    }
}

impl Vectorizer {
    /// Counts a document's features towards the document frequencies.
    pub fn learn(&mut self, f: &Features) {
        self.docs += 1;
        for &(h, _, _) in &f.items {
            let slot = (h as usize) & (DF_SLOTS - 1);
            self.df[slot] = self.df[slot].saturating_add(1);
        }
    }

    fn idf(&self, h: u64) -> f32 {
        let df = self.df[(h as usize) & (DF_SLOTS - 1)];
        (((1.0 + self.docs as f64) / (1.0 + df as f64)).ln() + 1.0) as f32
    }

    /// Writes the unit-length dense vector of `f` into `out` (all zeros for an empty text).
    pub fn embed(&self, f: &Features, out: &mut [f32]) {
        debug_assert_eq!(out.len(), DIM);
        out.iter_mut().for_each(|x| *x = 0.0);
        let mut norms = [0f32; 2];
        let weights: Vec<f32> = f
            .items
            .iter()
            .map(|&(h, is_char, c)| {
                let w = (1.0 + f32::from(c).ln()) * self.idf(h);
                norms[usize::from(is_char)] += w * w;
                w
            })
            .collect();
        let scale = [
            1.0 / norms[0].sqrt().max(1e-9) / std::f32::consts::SQRT_2,
            1.0 / norms[1].sqrt().max(1e-9) / std::f32::consts::SQRT_2,
        ];
        for (&(h, is_char, _), w) in f.items.iter().zip(weights) {
            let bucket = ((h >> 20) as usize) % DIM;
            let sign = if (h >> 60) & 1 == 0 { 1.0 } else { -1.0 };
            out[bucket] += sign * w * scale[usize::from(is_char)];
        }
        let n = dot(out, out).sqrt();
        if n > 0.0 {
            out.iter_mut().for_each(|x| *x /= n);
        }
    }
}

/// A unit vector stored in a quarter of the space: one signed byte per dimension and a scale.
/// A busy unit compares each contact with a year of others, and that scan is bound by memory
/// bandwidth, so the smaller vectors make it about four times faster; the rounding error
/// (well under 0.01 of cosine) is far below the noise of feature hashing.
#[derive(Debug, Clone, Copy)]
pub struct Quantised;

impl Quantised {
    /// Quantises `v` into `out` (same length) and returns the scale.
    pub fn encode(v: &[f32], out: &mut [i8]) -> f32 {
        let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
        if max == 0.0 {
            out.iter_mut().for_each(|q| *q = 0);
            return 0.0;
        }
        let k = 127.0 / max;
        for (q, x) in out.iter_mut().zip(v) {
            *q = (x * k).round().clamp(-127.0, 127.0) as i8;
        }
        max / 127.0
    }

    /// Cosine of two quantised unit vectors.
    #[inline]
    pub fn cosine(a: &[i8], sa: f32, b: &[i8], sb: f32) -> f32 {
        dot_i8(a, b) as f32 * sa * sb
    }
}

/// Integer dot product; the plain loop compiles to widening multiply-adds on any x86-64, and
/// to AVX2 ones where the processor has them (checked once).
#[inline]
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::sync::OnceLock;
        static FAST: OnceLock<bool> = OnceLock::new();
        if *FAST.get_or_init(|| is_x86_feature_detected!("avx2")) {
            // SAFETY: the processor was just checked to support AVX2.
            return unsafe { dot_i8_avx2(a, b) };
        }
    }
    dot_i8_portable(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn dot_i8_avx2(a: &[i8], b: &[i8]) -> i32 {
    dot_i8_portable(a, b)
}

#[inline(always)]
fn dot_i8_portable(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 32];
    let (xs, ys) = (a.chunks_exact(32), b.chunks_exact(32));
    let tail: i32 = xs
        .remainder()
        .iter()
        .zip(ys.remainder())
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum();
    for (x, y) in xs.zip(ys) {
        for k in 0..32 {
            acc[k] += i32::from(x[k]) * i32::from(y[k]);
        }
    }
    acc.iter().sum::<i32>() + tail
}

/// Dot product of two float vectors (used once per contact, not in the scans).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vec_of(v: &Vectorizer, text: &str) -> Vec<f32> {
        let mut out = vec![0.0; DIM];
        v.embed(&Features::of(text), &mut out);
        out
    }

    #[test]
    fn paraphrases_are_closer_than_unrelated_reports() {
        let corpus = [
            "The wifi at Castle Street library keeps dropping out",
            "Bin not collected on Elm Grove again",
            "Pothole outside number 12 Wharf Road",
            "Council tax bill is wrong, I paid in March",
            "Street light flickering on Church Lane",
        ];
        let mut v = Vectorizer::default();
        for t in corpus {
            v.learn(&Features::of(t));
        }
        let a = vec_of(&v, "wifi in the library keeps dropping");
        let b = vec_of(&v, "library wi-fi dropping out all afternoon");
        let c = vec_of(&v, "my bin was not collected");
        assert!(dot(&a, &b) > dot(&a, &c) + 0.1, "{} vs {}", dot(&a, &b), dot(&a, &c));
        assert!((dot(&a, &a) - 1.0).abs() < 1e-4);
    }

    #[test]
    fn quantised_cosines_are_close_to_exact_ones() {
        let mut v = Vectorizer::default();
        let texts = [
            "wifi in the library keeps dropping",
            "library wi-fi dropping out",
            "bin not collected",
        ];
        for t in texts {
            v.learn(&Features::of(t));
        }
        let vs: Vec<Vec<f32>> = texts.iter().map(|t| vec_of(&v, t)).collect();
        let qs: Vec<(Vec<i8>, f32)> = vs
            .iter()
            .map(|x| {
                let mut q = vec![0i8; DIM];
                let s = Quantised::encode(x, &mut q);
                (q, s)
            })
            .collect();
        for i in 0..3 {
            for j in 0..3 {
                let exact = dot(&vs[i], &vs[j]);
                let approx = Quantised::cosine(&qs[i].0, qs[i].1, &qs[j].0, qs[j].1);
                assert!((exact - approx).abs() < 0.01, "{exact} vs {approx}");
                assert_eq!(dot_i8(&qs[i].0, &qs[j].0), dot_i8_portable(&qs[i].0, &qs[j].0));
            }
        }
    }

    #[test]
    fn empty_text_is_the_zero_vector() {
        let v = Vectorizer::default();
        assert!(vec_of(&v, "  the and of ").iter().all(|&x| x == 0.0));
        assert_eq!(words("Isn't it, Café-2"), ["isnt", "it", "café", "2"]);
    }
}
