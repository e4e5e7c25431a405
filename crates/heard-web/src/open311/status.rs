//! heard's case statuses in Open311's words, both ways: the spec's `open`/`closed`,
//! and mySociety's extended statuses that FixMyStreet shows its users.

use heard_core::CaseStatus;

/// The spec's two statuses.
pub(crate) fn spec_status(s: CaseStatus) -> &'static str {
    if s.is_open() { "open" } else { "closed" }
}

/// The extended status a reporter's app shows for a case in status `s`
/// (`duplicate` when staff linked the case as a duplicate of another before closing it).
pub fn extended_status(s: CaseStatus, duplicate: bool) -> &'static str {
    use CaseStatus::*;
    match s {
        New | Open => "open",
        InProgress => "in_progress",
        AwaitingCustomer | Stage1 | Stage2 => "investigating",
        AwaitingThirdParty | KnownError => "action_scheduled",
        Resolved => "fixed",
        Closed if duplicate => "duplicate",
        Closed => "closed",
    }
}

/// The heard status an extended status from a reporter's app asks for (any case).
pub fn from_extended(word: &str) -> Option<CaseStatus> {
    Some(match word.trim().to_ascii_lowercase().as_str() {
        "open" | "reopen" | "reopened" | "confirmed" => CaseStatus::Open,
        "investigating" | "in_progress" | "action_scheduled" | "internal_referral" => CaseStatus::InProgress,
        "fixed" | "resolved" => CaseStatus::Resolved,
        "closed" | "not_councils_responsibility" | "duplicate" | "no_further_action" | "unable_to_fix" | "wont_fix" => {
            CaseStatus::Closed
        }
        _ => return None,
    })
}

/// Which heard statuses a spec status (`open`/`closed`, or an extended one) selects.
pub(crate) fn statuses_for(word: &str) -> Option<Vec<CaseStatus>> {
    match word.trim().to_ascii_lowercase().as_str() {
        "open" => Some(CaseStatus::ALL.iter().copied().filter(|s| s.is_open()).collect()),
        "closed" => Some(CaseStatus::ALL.iter().copied().filter(|s| !s.is_open()).collect()),
        other => {
            let picked: Vec<CaseStatus> = CaseStatus::ALL
                .iter()
                .copied()
                .filter(|&s| extended_status(s, false) == other || (other == "duplicate" && s == CaseStatus::Closed))
                .collect();
            (!picked.is_empty()).then_some(picked)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_words_both_ways() {
        for &s in CaseStatus::ALL {
            let word = extended_status(s, false);
            let back = from_extended(word).unwrap();
            assert_eq!(spec_status(back), spec_status(s), "{s} → {word} → {back}");
        }
        assert_eq!(extended_status(CaseStatus::Closed, true), "duplicate");
        assert_eq!(from_extended("FIXED"), Some(CaseStatus::Resolved));
        assert_eq!(from_extended("not_councils_responsibility"), Some(CaseStatus::Closed));
        assert_eq!(from_extended("banana"), None);
        assert!(statuses_for("closed").unwrap().contains(&CaseStatus::Resolved));
        assert_eq!(statuses_for("in_progress"), Some(vec![CaseStatus::InProgress]));
    }
}
