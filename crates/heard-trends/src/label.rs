//! A readable label for a group of contacts: the words its contacts share that the rest of
//! the service rarely uses ("wifi · dropping", "error 500 · payment page").

use crate::text::{is_stop, words};
use std::collections::{HashMap, HashSet};

/// Words that say nothing about the problem beyond the vectoriser's stop-words: time and
/// persistence phrases every report uses.
const GENERIC: &[&str] = &["since", "keeps", "morning", "today", "yesterday"];

fn is_generic(word: &str) -> bool {
    is_stop(word) || GENERIC.contains(&word)
}

/// Document frequencies of words over a background of contacts.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    df: HashMap<String, u32>,
    docs: u32,
}

impl Vocabulary {
    pub fn learn(&mut self, text: &str) {
        self.docs += 1;
        let seen: HashSet<String> = words(text).into_iter().collect();
        for w in seen {
            *self.df.entry(w).or_default() += 1;
        }
    }

    /// Up to `n` words shared by at least two of `texts` (or the one text), most distinctive
    /// first, joined with " · ".
    pub fn label<'a>(&self, texts: impl IntoIterator<Item = &'a str>, n: usize) -> String {
        let mut count: HashMap<String, u32> = HashMap::new();
        let mut k = 0;
        for t in texts {
            k += 1;
            let seen: HashSet<String> = words(t).into_iter().collect();
            for w in seen {
                *count.entry(w).or_default() += 1;
            }
        }
        let need = if k >= 2 { 2 } else { 1 };
        let mut ranked: Vec<(f64, String)> = count
            .into_iter()
            .filter(|(w, c)| *c >= need && w.chars().count() >= 2 && !is_generic(w))
            .map(|(w, c)| {
                let df = f64::from(self.df.get(&w).copied().unwrap_or(0));
                let idf = ((1.0 + f64::from(self.docs)) / (1.0 + df)).ln() + 1.0;
                (f64::from(c) * idf, w)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        ranked
            .into_iter()
            .take(n)
            .map(|(_, w)| w)
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_named_by_what_it_shares_and_others_lack() {
        let mut v = Vocabulary::default();
        for t in [
            "my council tax bill is wrong",
            "council tax direct debit",
            "council tax discount please",
        ] {
            v.learn(t);
        }
        let group = [
            "Online payment page shows error 500 when paying council tax",
            "Error 500 on the council tax online payment page",
        ];
        for t in group {
            v.learn(t);
        }
        let label = v.label(group, 3);
        assert!(label.contains("500") && label.contains("error"), "{label}");
        assert!(
            !label.contains("council"),
            "common words do not name the problem: {label}"
        );
    }
}
