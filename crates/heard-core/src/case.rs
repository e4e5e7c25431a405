//! Cases: the work to resolve one need. Kind, status lifecycle, reference, links.

use crate::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What sort of work a case is; each kind has its own status lifecycle.
    CaseKind {
        Enquiry => "enquiry",
        Request => "request",
        Complaint => "complaint",
        Incident => "incident",
        Problem => "problem",
        /// A replacement birth, marriage, civil partnership or death certificate: a
        /// request with a structured order (`certificate`).
        Certificate => "certificate",
    }
}

vocabulary! {
    /// Where a case is in its lifecycle. Not every status applies to every kind:
    /// see [`CaseKind::statuses`].
    CaseStatus {
        New => "new",
        Open => "open",
        InProgress => "in_progress",
        AwaitingCustomer => "awaiting_customer",
        AwaitingThirdParty => "awaiting_third_party",
        /// Complaint Handling Code stage 1 (investigation and response).
        Stage1 => "stage_1",
        /// Complaint Handling Code stage 2 (review of the stage 1 response).
        Stage2 => "stage_2",
        /// Problem whose root cause is known and has a workaround.
        KnownError => "known_error",
        Resolved => "resolved",
        Closed => "closed",
    }
}

vocabulary! {
    /// How urgent a case is.
    Priority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
}

vocabulary! {
    /// How two cases relate. Directional kinds read "from <kind> to".
    CaseLinkKind {
        Related => "related",
        /// This case reports the same thing as the target, which carries the work.
        DuplicateOf => "duplicate_of",
        /// This case is a child of the target.
        ChildOf => "child_of",
        /// This incident is caused by the target problem.
        IncidentOf => "incident_of",
    }
}

impl CaseStatus {
    /// Open cases still need work; a new contact from the customer can join one.
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Resolved | CaseStatus::Closed)
    }
}

impl CaseKind {
    /// The statuses a case of this kind may be in, in lifecycle order.
    pub fn statuses(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            CaseKind::Enquiry | CaseKind::Request | CaseKind::Certificate => &[
                New,
                Open,
                InProgress,
                AwaitingCustomer,
                AwaitingThirdParty,
                Resolved,
                Closed,
            ],
            CaseKind::Complaint => &[New, Stage1, Stage2, AwaitingCustomer, Resolved, Closed],
            CaseKind::Incident => &[
                New,
                Open,
                InProgress,
                AwaitingCustomer,
                AwaitingThirdParty,
                Resolved,
                Closed,
            ],
            CaseKind::Problem => &[New, Open, InProgress, KnownError, Resolved, Closed],
        }
    }

    /// Whether a case of this kind may move from `from` to `to`. Any open status may
    /// move to any other status of the kind, except that complaints never step back
    /// from stage 2 to stage 1; closed cases reopen only to `open` (or stage 1).
    pub fn allows(self, from: CaseStatus, to: CaseStatus) -> Result<(), String> {
        let statuses = self.statuses();
        if !statuses.contains(&to) {
            return Err(format!(
                "a {self} cannot be `{to}`; its statuses are {}",
                statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        if from == to {
            return Err(format!("the case is already `{to}`"));
        }
        if to == CaseStatus::New {
            return Err("a case cannot go back to `new`".into());
        }
        if self == CaseKind::Complaint && from == CaseStatus::Stage2 && to == CaseStatus::Stage1 {
            return Err("a complaint at stage 2 cannot return to stage 1".into());
        }
        if from == CaseStatus::Closed {
            let reopen = if self == CaseKind::Complaint {
                CaseStatus::Stage1
            } else {
                CaseStatus::Open
            };
            if to != reopen {
                return Err(format!("a closed {self} can only be reopened to `{reopen}`"));
            }
        }
        Ok(())
    }
}

/// A case's human-friendly reference, e.g. `HRD-000123`: a council prefix and the
/// case number. Residents quote it; emails carry it in the subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseReference {
    prefix: String,
    number: i64,
}

impl CaseReference {
    /// Builds a reference; the prefix is 2 to 5 ASCII letters.
    pub fn new(prefix: &str, number: i64) -> Result<Self, String> {
        validate_prefix(prefix)?;
        if number < 1 {
            return Err("case numbers start at 1".into());
        }
        Ok(CaseReference {
            prefix: prefix.to_ascii_uppercase(),
            number,
        })
    }

    pub fn number(&self) -> i64 {
        self.number
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Every reference with this council's `prefix` quoted in free text
    /// (`[HRD-000123]`, `hrd-123`), in order. Other prefixes are ignored, so
    /// `COVID-19` is never mistaken for a case.
    pub fn find_in(prefix: &str, text: &str) -> Vec<CaseReference> {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'-' && i >= 2 {
                let mut start = i;
                while start > 0 && bytes[start - 1].is_ascii_alphabetic() {
                    start -= 1;
                }
                let mut end = i + 1;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                let boundary_before = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
                let boundary_after = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
                if boundary_before
                    && boundary_after
                    && end > i + 1
                    && end - i - 1 <= 10
                    && text[start..i].eq_ignore_ascii_case(prefix)
                    && let Ok(r) = text[start..end].parse()
                {
                    found.push(r);
                }
                i = end;
            } else {
                i += 1;
            }
        }
        found
    }
}

/// Checks a council's reference prefix (config).
pub fn validate_prefix(prefix: &str) -> Result<(), String> {
    if (2..=5).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err(format!("`{prefix}` is not 2 to 5 letters"))
    }
}

impl std::fmt::Display for CaseReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:06}", self.prefix, self.number)
    }
}

impl std::str::FromStr for CaseReference {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (prefix, number) = s
            .split_once('-')
            .ok_or_else(|| format!("`{s}` is not a case reference like HRD-000123"))?;
        if number.is_empty() || number.len() > 10 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{s}` is not a case reference like HRD-000123"));
        }
        let number: i64 = number.parse().map_err(|_| format!("`{s}` has an invalid number"))?;
        CaseReference::new(prefix, number)
    }
}

impl TryFrom<String> for CaseReference {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<CaseReference> for String {
    fn from(r: CaseReference) -> String {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip_and_are_found_in_text() {
        let r = CaseReference::new("hrd", 123).unwrap();
        assert_eq!(r.to_string(), "HRD-000123");
        assert_eq!("HRD-000123".parse::<CaseReference>().unwrap(), r);
        assert_eq!("hrd-123".parse::<CaseReference>().unwrap(), r);
        let found = CaseReference::find_in("HRD", "Re: [HRD-000123] bins; also hrd-9, xHRD-1, HRD-12a, COVID-19");
        assert_eq!(found, vec![r, CaseReference::new("HRD", 9).unwrap()]);
        assert!("HRD-".parse::<CaseReference>().is_err());
        assert!("H-1".parse::<CaseReference>().is_err());
        assert!("HRD-0".parse::<CaseReference>().is_err());
    }

    #[test]
    fn lifecycles() {
        use CaseStatus::*;
        assert!(CaseKind::Complaint.allows(New, Stage1).is_ok());
        assert!(CaseKind::Complaint.allows(Stage2, Stage1).is_err());
        assert!(CaseKind::Request.allows(Open, Stage1).is_err());
        assert!(CaseKind::Request.allows(Closed, InProgress).is_err());
        assert!(CaseKind::Request.allows(Closed, Open).is_ok());
        assert!(CaseKind::Problem.allows(InProgress, KnownError).is_ok());
        for kind in CaseKind::ALL {
            assert!(kind.statuses().contains(&New) && kind.statuses().contains(&Closed));
        }
    }
}
