//! Jobs: the cases an agent has open side by side, and the rule that nothing slips —
//! a case may not close while a customer is left without an answer, a promised
//! follow-up is open, or a field its kind needs is empty.

use crate::Direction;
use jiff::Timestamp;

/// How many distinct job colours there are. An agent never holds more jobs than this,
/// so two open jobs never share a colour.
pub const JOB_COLOURS: u8 = 8;

/// How many jobs an agent may hold at once unless the config says otherwise.
pub const DEFAULT_JOB_LIMIT: usize = 5;

/// The first colour no open job uses (jobs beyond [`JOB_COLOURS`] reuse from the start,
/// which the job limit prevents).
pub fn free_colour(used: &[u8]) -> u8 {
    (0..JOB_COLOURS).find(|c| !used.contains(c)).unwrap_or(0)
}

/// One contact on a case, as far as closing cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFact {
    pub id: i64,
    pub direction: Direction,
    pub at: Timestamp,
    /// An agent marked it as needing no answer.
    pub no_reply_needed: bool,
}

/// An open promise on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpFact {
    pub id: i64,
    pub due_at: Timestamp,
    pub note: String,
}

/// One thing left to do before a case may close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// The customer wrote and nobody answered (nor marked it as needing no answer).
    Unanswered { contact_id: i64, at: Timestamp },
    /// A follow-up was promised and is not done.
    FollowUpOpen { id: i64, due_at: Timestamp, note: String },
    /// A field the case's kind needs is empty.
    FieldMissing { field: String },
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Blocker::Unanswered { at, .. } => write!(
                f,
                "the customer's contact of {} has no reply and is not marked \"no reply needed\"",
                at.strftime("%-d %b %Y %H:%M")
            ),
            Blocker::FollowUpOpen { due_at, note, .. } => {
                write!(
                    f,
                    "the follow-up \"{note}\" due {} is not done",
                    due_at.strftime("%-d %b %Y")
                )
            }
            Blocker::FieldMissing { field } => write!(
                f,
                "the {} is required before closing: confirm or correct it under \"Read from the contacts\"",
                field.replace('_', " ")
            ),
        }
    }
}

/// Inbound contacts still waiting for an answer: those after the last outbound contact
/// (a reply answers everything before it), less those marked as needing none.
pub fn unanswered(contacts: &[ContactFact]) -> Vec<&ContactFact> {
    let last_reply = contacts
        .iter()
        .filter(|c| c.direction == Direction::Outbound)
        .map(|c| c.at)
        .max();
    contacts
        .iter()
        .filter(|c| c.direction == Direction::Inbound && !c.no_reply_needed)
        .filter(|c| last_reply.is_none_or(|r| c.at > r))
        .collect()
}

/// Values a case must have confirmed before it closes (`[[required_fields]]`): e.g. a
/// council tax complaint needs the account reference, a missed bin the address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredFields {
    /// The service (slug) the rule is for; omitted: every service.
    pub service: Option<String>,
    /// The case kind; omitted: every kind.
    pub kind: Option<crate::CaseKind>,
    /// Value kinds as heard reads them (`postcode`, `address`, `council_tax_ref`, …).
    pub fields: Vec<String>,
}

impl RequiredFields {
    /// Checks the rule reads sensibly (field names as heard names values).
    pub fn validate(&self) -> Result<(), String> {
        if self.fields.is_empty() {
            return Err("fields: name at least one value kind".into());
        }
        if let Some(f) = self.fields.iter().find(|f| {
            f.is_empty()
                || !f
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        }) {
            return Err(format!(
                "fields: `{f}` is not a value kind (lower case and underscores, like `council_tax_ref`)"
            ));
        }
        Ok(())
    }
}

/// The fields every rule matching `service` and `kind` requires that are not in `present`,
/// each once, in the rules' order.
pub fn missing_fields(rules: &[RequiredFields], service: &str, kind: crate::CaseKind, present: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rules {
        if r.service.as_deref().is_some_and(|s| s != service) || r.kind.is_some_and(|k| k != kind) {
            continue;
        }
        for f in &r.fields {
            if !present.contains(&f.as_str()) && !out.contains(f) {
                out.push(f.clone());
            }
        }
    }
    out
}

/// Everything that stops a case from closing, in the order an agent would deal with it.
/// Empty means it may close.
pub fn close_blockers(
    contacts: &[ContactFact],
    follow_ups: &[FollowUpFact],
    missing_fields: &[String],
) -> Vec<Blocker> {
    let mut out: Vec<Blocker> = unanswered(contacts)
        .into_iter()
        .map(|c| Blocker::Unanswered {
            contact_id: c.id,
            at: c.at,
        })
        .collect();
    out.extend(follow_ups.iter().map(|f| Blocker::FollowUpOpen {
        id: f.id,
        due_at: f.due_at,
        note: f.note.clone(),
    }));
    out.extend(
        missing_fields
            .iter()
            .map(|f| Blocker::FieldMissing { field: f.clone() }),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn contact(id: i64, direction: Direction, t: &str) -> ContactFact {
        ContactFact {
            id,
            direction,
            at: at(t),
            no_reply_needed: false,
        }
    }

    #[test]
    fn a_reply_answers_everything_before_it() {
        let cs = [
            contact(1, Direction::Inbound, "2026-03-02T09:00:00Z"),
            contact(2, Direction::Inbound, "2026-03-02T10:00:00Z"),
            contact(3, Direction::Outbound, "2026-03-02T11:00:00Z"),
        ];
        assert!(close_blockers(&cs, &[], &[]).is_empty());
    }

    #[test]
    fn a_contact_after_the_reply_blocks_closing_until_marked() {
        let mut cs = vec![
            contact(1, Direction::Inbound, "2026-03-02T09:00:00Z"),
            contact(2, Direction::Outbound, "2026-03-02T11:00:00Z"),
            contact(3, Direction::Inbound, "2026-03-03T08:00:00Z"),
        ];
        let b = close_blockers(&cs, &[], &[]);
        assert_eq!(
            b,
            vec![Blocker::Unanswered {
                contact_id: 3,
                at: at("2026-03-03T08:00:00Z")
            }]
        );
        assert!(b[0].to_string().contains("3 Mar 2026 08:00"));
        cs[2].no_reply_needed = true;
        assert!(close_blockers(&cs, &[], &[]).is_empty());
    }

    #[test]
    fn a_case_with_no_reply_at_all_lists_every_contact() {
        let cs = [
            contact(1, Direction::Inbound, "2026-03-02T09:00:00Z"),
            contact(2, Direction::Inbound, "2026-03-02T10:00:00Z"),
        ];
        assert_eq!(unanswered(&cs).len(), 2);
    }

    #[test]
    fn follow_ups_and_fields_are_listed_after_contacts() {
        let f = FollowUpFact {
            id: 7,
            due_at: at("2026-03-09T00:00:00Z"),
            note: "ring back about the refund".into(),
        };
        let b = close_blockers(&[], std::slice::from_ref(&f), &["certificate_type".to_string()]);
        assert_eq!(b.len(), 2);
        assert!(b[0].to_string().contains("ring back about the refund"));
        assert!(
            b[1].to_string()
                .starts_with("the certificate type is required before closing"),
            "{}",
            b[1]
        );
    }

    #[test]
    fn colours_are_never_shared() {
        assert_eq!(free_colour(&[]), 0);
        assert_eq!(free_colour(&[0, 1, 3]), 2);
        let all: Vec<u8> = (0..JOB_COLOURS).collect();
        assert_eq!(free_colour(&all), 0);
    }
}

#[cfg(test)]
mod required_tests {
    use super::*;
    use crate::CaseKind;

    #[test]
    fn rules_match_by_service_and_kind_and_ask_only_for_what_is_missing() {
        let rules = vec![
            RequiredFields {
                service: Some("revenues-and-benefits".into()),
                kind: Some(CaseKind::Complaint),
                fields: vec!["council_tax_ref".into(), "address".into()],
            },
            RequiredFields {
                service: None,
                kind: Some(CaseKind::Complaint),
                fields: vec!["address".into()],
            },
        ];
        let m = missing_fields(&rules, "revenues-and-benefits", CaseKind::Complaint, &["address"]);
        assert_eq!(m, vec!["council_tax_ref".to_string()]);
        assert_eq!(
            missing_fields(&rules, "waste", CaseKind::Complaint, &[]),
            vec!["address".to_string()]
        );
        assert!(missing_fields(&rules, "waste", CaseKind::Request, &[]).is_empty());
        assert!(rules[0].validate().is_ok());
        let bad = RequiredFields {
            service: None,
            kind: None,
            fields: vec!["Post Code".into()],
        };
        assert!(bad.validate().unwrap_err().contains("Post Code"));
    }
}
