//! "Reported before?" on the case page: the open cases of the same service that look like
//! the same issue (heard-understand's `duplicates`), each with why, for the agent to link
//! as a duplicate with one click or Alt+L.

use crate::AppState;
use heard_core::CaseReference;
use heard_understand::duplicates::{Reason, Report, suggest};

/// Days either side of the case within which a report may be the same issue.
const WITHIN_DAYS: i64 = 14;
/// Suggestions shown at most.
const SHOWN: usize = 3;

/// One suggestion as the page shows it.
#[derive(Debug, Clone)]
pub(crate) struct DuplicateView {
    pub reference: String,
    pub title: String,
    /// The reasons, in words.
    pub why: String,
}

/// The suggestions for `case`; none when reading them fails (the page still opens).
pub(crate) async fn suggestions(state: &AppState, case: &CaseReference) -> Vec<DuplicateView> {
    let (this, candidates) = match state.store().duplicate_candidates(case, WITHIN_DAYS).await {
        Ok(Some(found)) => found,
        Ok(None) => return Vec::new(),
        Err(e) => {
            tracing::warn!(error = %e, "duplicate suggestions not read");
            return Vec::new();
        }
    };
    let report = |f: &heard_store::duplicates::CaseFacts| Report {
        text: f.text.clone(),
        at_ms: f.created_at_ms,
        point: f.point,
        site: f.site.clone(),
        places: f.places.clone(),
    };
    let reports: Vec<Report> = candidates.iter().map(report).collect();
    let prefix = &state.settings().reference_prefix;
    suggest(&report(&this), &reports, SHOWN)
        .into_iter()
        .filter_map(|s| {
            let c = candidates.get(s.index)?;
            Some(DuplicateView {
                reference: CaseReference::new(prefix, c.case_id).ok()?.to_string(),
                title: c.title.clone(),
                why: s.reasons.iter().map(words).collect::<Vec<_>>().join("; "),
            })
        })
        .collect()
}

fn words(reason: &Reason) -> String {
    match reason {
        Reason::Words(w) => format!("both mention {}", w.join(", ")),
        Reason::Near { metres } => format!("reported {metres} m apart"),
        Reason::SameSite(site) => format!("same site ({})", site.replace('-', " ")),
        Reason::SamePlace(place) => match place.split_once(':') {
            Some(("postcode", p)) => format!("same postcode ({})", p.to_uppercase()),
            Some(("uprn", u)) => format!("same property (UPRN {u})"),
            Some((_, a)) => format!("same address ({a})"),
            None => "same place".to_string(),
        },
        Reason::Days(0) => "reported the same day".to_string(),
        Reason::Days(1) => "reported a day apart".to_string(),
        Reason::Days(d) => format!("reported {d} days apart"),
    }
}
