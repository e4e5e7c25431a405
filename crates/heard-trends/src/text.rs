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

fn is_stop(word: &str) -> bool {
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

/// Dot product, written so the compiler vectorises it.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let chunks = a.len() / 8;
    for i in 0..chunks {
        for k in 0..8 {
            acc[k] += a[i * 8 + k] * b[i * 8 + k];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for i in chunks * 8..a.len() {
        s += a[i] * b[i];
    }
    s
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
    fn empty_text_is_the_zero_vector() {
        let v = Vectorizer::default();
        assert!(vec_of(&v, "  the and of ").iter().all(|&x| x == 0.0));
        assert_eq!(words("Isn't it, Café-2"), ["isnt", "it", "café", "2"]);
    }
}
