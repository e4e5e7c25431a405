//! What a contact's signals (marked at intake: see `heard_channels::prepare`) say to the
//! agent on the case page: dissatisfaction with its cues, a safeguarding worry, whether a
//! social post needs action; and the prompt to offer a complaint.

use heard_channels::prepare::signal_kinds::{ACTIONABLE, DISSATISFIED, SAFEGUARDING};
use heard_core::{CaseKind, Channel, Direction};
use heard_store::{CaseRecord, ContactRecord, EntityRecord};

/// Cue phrases shown at most per signal.
const CUES: usize = 3;

/// The signals of one contact, in words.
pub(crate) fn described(c: &ContactRecord) -> Vec<String> {
    let mut out = Vec::new();
    if c.direction != Direction::Inbound {
        return out;
    }
    if let Some(cues) = cues(c, SAFEGUARDING) {
        out.push(format!(
            "Possible safeguarding worry{cues}: follow the safeguarding procedure"
        ));
    }
    if let Some(cues) = cues(c, DISSATISFIED) {
        out.push(format!("Reads as dissatisfied{cues}"));
    }
    let social = matches!(c.channel, Channel::Facebook | Channel::Instagram | Channel::X);
    if social && let Some(a) = c.entities.iter().find(|e| e.kind == ACTIONABLE) {
        out.push(if a.value == "yes" {
            "Needs action".to_string()
        } else {
            "No action needed (thanks, a comment or chatter)".to_string()
        });
    }
    out
}

/// When the newest inbound message reads as dissatisfied and the case is not already a
/// complaint: its cues, for the prompt to offer one (the Complaint Handling Code counts
/// dissatisfaction, however expressed, as a complaint).
pub(crate) fn complaint_prompt(case: &CaseRecord, contacts: &[ContactRecord]) -> Option<String> {
    if case.kind == CaseKind::Complaint || !case.status.is_open() {
        return None;
    }
    let newest = contacts
        .iter()
        .filter(|c| c.direction == Direction::Inbound)
        .max_by_key(|c| (c.received_at, c.id))?;
    cues(newest, DISSATISFIED)
}

/// `Some(" (“still waiting”, “third time”)")` when `c` has entities of `kind` (the text
/// empty when none has a span), else `None`.
fn cues(c: &ContactRecord, kind: &str) -> Option<String> {
    let marked: Vec<&EntityRecord> = c.entities.iter().filter(|e| e.kind == kind).collect();
    if marked.is_empty() {
        return None;
    }
    let mut phrases: Vec<String> = Vec::new();
    for e in marked {
        let text = if e.field == "subject" {
            c.subject.as_deref().unwrap_or("")
        } else {
            c.body.as_str()
        };
        let phrase = usize::try_from(e.start)
            .ok()
            .zip(usize::try_from(e.end).ok())
            .and_then(|(s, t)| text.get(s..t))
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if let Some(p) = phrase
            && !phrases.iter().any(|q| q == p)
            && phrases.len() < CUES
        {
            phrases.push(p.to_string());
        }
    }
    Some(if phrases.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            phrases.iter().map(|p| format!("“{p}”")).collect::<Vec<_>>().join(", ")
        )
    })
}
