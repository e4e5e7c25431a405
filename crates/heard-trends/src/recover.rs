//! Putting a contact back where it belongs when its record is incomplete or wrong.
//!
//! Contact centres record a category and a site under time pressure: some contacts arrive with
//! no site, some under the wrong category, but the words the resident wrote still say what and
//! where. Two online naive Bayes classifiers, learnt from the stream itself as it arrives
//! (so they fit each council's own categories, sites and wording, with no training data of
//! ours), read the text: one proposes the site of a contact recorded without one, the other
//! the category of a contact whose text plainly belongs elsewhere. Each proposal is taken only
//! when the posterior is overwhelming; otherwise the record stands.

use crate::text::words;
use std::collections::HashMap;

/// Hashed feature table size per label (collisions only blur rare words).
const SLOTS: usize = 1 << 18;

/// A multinomial naive Bayes classifier over hashed words and word pairs, learnt online.
#[derive(Debug, Default)]
pub struct Classifier {
    labels: Vec<String>,
    index: HashMap<String, usize>,
    /// Per label: feature counts, total feature count, documents.
    counts: Vec<Vec<u32>>,
    totals: Vec<f64>,
    docs: Vec<f64>,
    all_docs: f64,
}

/// Features used for reading categories and sites: words and word pairs (character n-grams
/// would make the independence assumption, and so the posteriors, far too confident).
pub fn label_features(text: &str) -> Vec<usize> {
    let ws = words(text);
    let mut out: Vec<usize> = Vec::with_capacity(ws.len() * 2);
    for w in &ws {
        out.push(slot(&[w]));
    }
    for p in ws.windows(2) {
        out.push(slot(&[&p[0], &p[1]]));
    }
    out
}

fn slot(parts: &[&str]) -> usize {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    for p in parts {
        for b in p.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        h = (h ^ 0xff).wrapping_mul(0x100_0000_01b3);
    }
    h ^= h >> 29;
    (h as usize) & (SLOTS - 1)
}

/// A proposal: the label and how much more likely it is than the alternative (natural log).
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub label: String,
    pub log_odds: f64,
}

impl Classifier {
    fn label(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.labels.push(name.to_string());
        self.index.insert(name.to_string(), self.labels.len() - 1);
        self.counts.push(vec![0; SLOTS]);
        self.totals.push(0.0);
        self.docs.push(0.0);
        self.labels.len() - 1
    }

    pub fn learn(&mut self, features: &[usize], label: &str) {
        let l = self.label(label);
        for &f in features {
            self.counts[l][f] = self.counts[l][f].saturating_add(1);
        }
        self.totals[l] += features.len() as f64;
        self.docs[l] += 1.0;
        self.all_docs += 1.0;
    }

    /// Documents learnt so far.
    pub fn documents(&self) -> f64 {
        self.all_docs
    }

    fn log_posteriors(&self, features: &[usize]) -> Vec<f64> {
        const ALPHA: f64 = 0.1;
        let vocab = SLOTS as f64 * 0.05; // effective vocabulary for smoothing
        (0..self.labels.len())
            .map(|l| {
                let prior = ((self.docs[l] + 1.0) / (self.all_docs + self.labels.len() as f64)).ln();
                let denom = (self.totals[l] + ALPHA * vocab).ln();
                prior
                    + features
                        .iter()
                        .map(|&f| (f64::from(self.counts[l][f]) + ALPHA).ln() - denom)
                        .sum::<f64>()
            })
            .collect()
    }

    /// The most likely label and its log-odds against the runner-up.
    pub fn best(&self, features: &[usize]) -> Option<Proposal> {
        let lp = self.log_posteriors(features);
        let mut order: Vec<usize> = (0..lp.len()).collect();
        order.sort_by(|&a, &b| lp[b].total_cmp(&lp[a]));
        let first = *order.first()?;
        let second = order.get(1).map_or(f64::NEG_INFINITY, |&s| lp[s]);
        Some(Proposal {
            label: self.labels[first].clone(),
            log_odds: lp[first] - second,
        })
    }

    /// The most likely label and its log-odds against `against`.
    pub fn versus(&self, features: &[usize], against: &str) -> Option<Proposal> {
        let lp = self.log_posteriors(features);
        let first = (0..lp.len()).max_by(|&a, &b| lp[a].total_cmp(&lp[b]))?;
        let other = self.index.get(against).map_or(f64::NEG_INFINITY, |&i| lp[i]);
        Some(Proposal {
            label: self.labels[first].clone(),
            log_odds: lp[first] - other,
        })
    }
}

/// Settings for [`Recovery`].
#[derive(Debug, Clone)]
pub struct RecoverySettings {
    /// Log-odds a text must give another category over the recorded one to move it.
    pub category_log_odds: f64,
    /// Log-odds the text must give one site over every other to place a site-less contact.
    pub site_log_odds: f64,
    /// Contacts to learn from before proposing anything.
    pub warm_up: f64,
}

impl Default for RecoverySettings {
    fn default() -> Self {
        RecoverySettings {
            category_log_odds: 12.0,
            site_log_odds: 9.0,
            warm_up: 2_000.0,
        }
    }
}

/// Both classifiers, learning from every contact as it arrives.
#[derive(Debug, Default)]
pub struct Recovery {
    pub settings: RecoverySettings,
    categories: Classifier,
    sites: Classifier,
}

/// Where a contact ends up, and whether its record was changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub category: String,
    pub site: Option<String>,
    pub category_changed: bool,
    pub site_filled: bool,
}

impl Recovery {
    pub fn new(settings: RecoverySettings) -> Recovery {
        Recovery {
            settings,
            ..Recovery::default()
        }
    }

    /// Proposes the contact's placement (before learning from it), then learns from what was
    /// recorded.
    pub fn place(&mut self, text: &str, category: &str, site: Option<&str>) -> Placement {
        let f = label_features(text);
        let mut placement = Placement {
            category: category.to_string(),
            site: site.map(str::to_string),
            category_changed: false,
            site_filled: false,
        };
        if !f.is_empty() && self.categories.documents() >= self.settings.warm_up {
            if let Some(p) = self.categories.versus(&f, category)
                && p.label != category
                && p.log_odds >= self.settings.category_log_odds
            {
                placement.category = p.label;
                placement.category_changed = true;
            }
            if site.is_none()
                && self.sites.documents() >= self.settings.warm_up
                && let Some(p) = self.sites.best(&f)
                && p.log_odds >= self.settings.site_log_odds
            {
                placement.site = Some(p.label);
                placement.site_filled = true;
            }
        }
        if !f.is_empty() {
            self.categories.learn(&f, category);
            if let Some(s) = site {
                self.sites.learn(&f, s);
            }
        }
        placement
    }
}
