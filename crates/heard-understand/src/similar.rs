//! Which short texts a query reads like: BM25 over words, for suggesting knowledge
//! articles as a resident types ("my bin wasn't collected" → "Report a missed bin").
//!
//! Our own because the collections are small (a council's articles: tens to hundreds)
//! and change as staff edit them: an index crate (tantivy) would be a second store to
//! keep in step; ranking a few hundred texts per keystroke takes microseconds.

use std::collections::HashMap;

/// BM25's term-frequency saturation and length normalisation (the usual values).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Words too common to tell texts apart (English and Welsh).
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "for", "from", "has", "have", "how",
    "i", "if", "in", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "so", "that", "the", "their",
    "there", "this", "to", "was", "we", "what", "when", "where", "which", "who", "will", "with", "you", "your", "a'r",
    "ac", "am", "ar", "i'r", "mae", "o", "y", "yn", "yr", "wedi", "fy", "eich",
];

/// The words of `text` as the ranking compares them: lower case, letters and digits,
/// stop words dropped, and English plurals and endings trimmed so "bins" meets "bin"
/// and "collected" meets "collection".
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| w.chars().count() > 1 && !STOP.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

/// A light English stemmer: enough for council wording ("bins" meets "bin", "damaged"
/// meets "damage", "collection" meets "collected"), not a linguistic one.
fn stem(w: &str) -> String {
    let mut w = w.strip_suffix("n't").unwrap_or(w).to_string();
    let long = |root: &str| root.chars().count() >= 3;
    if let Some(root) = ["ations", "ation", "ions", "ion", "ings", "ing", "ed"]
        .iter()
        .find_map(|s| w.strip_suffix(s).filter(|r| long(r)))
    {
        w = root.to_string();
    } else if ["xes", "ches", "shes", "sses"].iter().any(|s| w.ends_with(s)) {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && w.chars().count() >= 4 {
        w.pop();
    }
    if w.ends_with('e') && w.chars().count() >= 4 {
        w.pop();
    }
    w
}

/// A ranked collection of texts.
#[derive(Debug, Clone, Default)]
pub struct Index {
    docs: Vec<HashMap<String, u32>>,
    lengths: Vec<f64>,
    /// Documents holding each word.
    df: HashMap<String, u32>,
    mean_length: f64,
}

impl Index {
    /// Indexes `texts` (each a title and body joined, say); positions are their ids.
    pub fn new<S: AsRef<str>>(texts: &[S]) -> Index {
        let mut index = Index::default();
        for t in texts {
            let mut tf: HashMap<String, u32> = HashMap::new();
            let ws = words(t.as_ref());
            for w in &ws {
                *tf.entry(w.clone()).or_default() += 1;
            }
            for w in tf.keys() {
                *index.df.entry(w.clone()).or_default() += 1;
            }
            index.lengths.push(ws.len() as f64);
            index.docs.push(tf);
        }
        let n = index.lengths.len().max(1) as f64;
        index.mean_length = (index.lengths.iter().sum::<f64>() / n).max(1.0);
        index
    }

    /// The texts `query` reads like, best first: (position, score), at most `limit`,
    /// only those sharing a word with it.
    pub fn rank(&self, query: &str, limit: usize) -> Vec<(usize, f64)> {
        let n = self.docs.len() as f64;
        let mut q = words(query);
        q.sort();
        q.dedup();
        let mut scores: Vec<(usize, f64)> = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(i, tf)| {
                let score: f64 = q
                    .iter()
                    .filter_map(|w| {
                        let f = f64::from(*tf.get(w)?);
                        let df = f64::from(self.df.get(w).copied().unwrap_or(0));
                        let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                        let norm = K1 * (1.0 - B + B * self.lengths[i] / self.mean_length);
                        Some(idf * f * (K1 + 1.0) / (f + norm))
                    })
                    .sum();
                (score > 0.0).then_some((i, score))
            })
            .collect();
        scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scores.truncate(limit);
        scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resident_s_words_find_the_article() {
        let articles = [
            "Report a missed bin. If your bin was not collected on your collection day, tell us.",
            "Get a replacement birth certificate. Order a copy of a birth certificate from the register office.",
            "Pay your council tax. Pay online, by direct debit or by phone.",
            "Report a pothole. Tell us about potholes and damaged roads.",
        ];
        let index = Index::new(&articles);
        let top = |q: &str| index.rank(q, 3).first().map(|(i, _)| *i);
        assert_eq!(top("my bins weren't collected yesterday"), Some(0));
        assert_eq!(top("I need a copy of my son's birth certificate"), Some(1));
        assert_eq!(top("how do I pay council tax by direct debit"), Some(2));
        assert_eq!(top("huge pothole on the road"), Some(3));
        assert!(index.rank("the and of", 3).is_empty(), "stop words alone match nothing");
        assert!(index.rank("", 3).is_empty());
    }

    #[test]
    fn words_are_trimmed_to_their_roots() {
        assert_eq!(words("Collected bins, COLLECTION!"), vec!["collect", "bin", "collect"]);
        assert_eq!(words("Potholes damaged; damage"), vec!["pothol", "damag", "damag"]);
        assert_eq!(words("taxes tax"), vec!["tax", "tax"]);
    }
}
