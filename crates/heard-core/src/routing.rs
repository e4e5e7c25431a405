//! First-line routing: which service a new contact belongs to, from its words.
//!
//! A keyword rule set, configured per service, and the seam for a model learned from the
//! council's history ([`LearnedRouter`], implemented by the understanding layer). The model
//! comes first when one is loaded; the keywords stay as the cold-start fallback.

use crate::CaseKind;

/// The words that send a contact to one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRule {
    pub service: String,
    /// Lower-case words or phrases; a phrase matches on word boundaries.
    pub keywords: Vec<String>,
}

/// Scores each service by how many of its keywords the text contains.
#[derive(Debug, Clone, Default)]
pub struct Router {
    rules: Vec<ServiceRule>,
}

impl Router {
    pub fn new(rules: Vec<ServiceRule>) -> Self {
        let rules = rules
            .into_iter()
            .map(|r| ServiceRule {
                service: r.service,
                keywords: r
                    .keywords
                    .into_iter()
                    .map(|k| normalise(&k))
                    .filter(|k| !k.is_empty())
                    .collect(),
            })
            .collect();
        Router { rules }
    }

    /// The best-matching service, or `None` when no keyword matched.
    /// Ties go to the service listed first.
    pub fn route(&self, text: &str) -> Option<&str> {
        let padded = format!(" {} ", normalise(text));
        let mut best: Option<(&str, usize)> = None;
        for rule in &self.rules {
            let score = rule
                .keywords
                .iter()
                .filter(|k| padded.contains(&format!(" {k} ")))
                .count();
            if score > 0 && best.is_none_or(|(_, s)| score > s) {
                best = Some((&rule.service, score));
            }
        }
        best.map(|(s, _)| s)
    }

    /// Whether `service` is one of the services the rules were built from.
    pub fn knows(&self, service: &str) -> bool {
        self.rules.iter().any(|r| r.service == service)
    }
}

/// Separates service and case kind in a learned router's label (`highways/complaint`).
pub const KIND_SEPARATOR: char = '/';

/// What a learned router says about one contact.
#[derive(Debug, Clone, PartialEq)]
pub enum Learned {
    /// Confident enough: straight to this service, as this kind of case when the model
    /// learnt kinds too.
    Service {
        service: String,
        kind: Option<CaseKind>,
        /// Calibrated probability of the service.
        confidence: f32,
    },
    /// Below the council's threshold: a person decides. `best` is the likeliest service.
    Triage { best: String, confidence: f32 },
}

/// Routing learned from the council's own history. A trait here, not a type, because
/// intake (in the store) sits below the crate that trains and runs the model.
pub trait LearnedRouter: Send + Sync + std::fmt::Debug {
    /// `None` while no model is loaded: the keywords decide.
    fn route(&self, subject: Option<&str>, text: &str) -> Option<Learned>;
}

/// Lower-cases and turns every run of non-alphanumerics into one space, so
/// `Fly-tipping!` and `fly tipping` compare equal.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_keywords() {
        let r = Router::new(vec![
            ServiceRule {
                service: "highways".into(),
                keywords: vec!["pothole".into(), "pavement".into()],
            },
            ServiceRule {
                service: "waste".into(),
                keywords: vec!["bin".into(), "fly-tipping".into()],
            },
        ]);
        assert_eq!(r.route("Huge POTHOLE on Mill Lane"), Some("highways"));
        assert_eq!(r.route("Fly tipping behind the bin store"), Some("waste"));
        assert_eq!(r.route("binoculars lost"), None);
        assert_eq!(r.route("hello"), None);
    }
}
