//! Recognising mail that no person wrote: auto-replies and out-of-office answers,
//! bounces (RFC 3464 delivery status notifications and the older free-text kind) and
//! mail loops. None of them opens a case or gets an automatic answer: answering an
//! auto-reply is how loops start. (Repeated identical messages are the one loop sign
//! that needs the store; [`crate::ingest`] checks that.)

use super::parse::ParsedEmail;

/// The header heard puts on every message it sends, so its own mail coming back is
/// recognised as a loop and never answered.
pub const LOOP_HEADER: &str = "X-Heard-Loop";

/// What a message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classification {
    /// Written by a person: becomes a contact.
    Person,
    /// Auto-reply or out-of-office.
    AutoReply { reason: String },
    /// Delivery failed (or was delayed): `failed` are the addresses that failed for good.
    Bounce { failed: Vec<String>, reason: String },
    /// heard's own mail coming back, or the same message again and again.
    Loop { reason: String },
}

impl Classification {
    /// The stored kind of a notice: `auto_reply`, `bounce`, `loop`; None for a person.
    pub fn notice_kind(&self) -> Option<&'static str> {
        match self {
            Classification::Person => None,
            Classification::AutoReply { .. } => Some("auto_reply"),
            Classification::Bounce { .. } => Some("bounce"),
            Classification::Loop { .. } => Some("loop"),
        }
    }

    /// Why, in words, for the record.
    pub fn reason(&self) -> &str {
        match self {
            Classification::Person => "",
            Classification::AutoReply { reason }
            | Classification::Bounce { reason, .. }
            | Classification::Loop { reason } => reason,
        }
    }
}

/// Classifies `m`; `own_addresses` are the council's mailbox addresses (lower-case).
pub fn classify(m: &ParsedEmail, own_addresses: &[String]) -> Classification {
    if let Some(v) = m.header("x-heard-loop") {
        return Classification::Loop {
            reason: format!("{LOOP_HEADER}: {v} (heard's own message came back)"),
        };
    }
    if let Some(v) = m.header("x-loop")
        && own_addresses.iter().any(|a| v.to_lowercase().contains(a.as_str()))
    {
        return Classification::Loop {
            reason: format!("X-Loop: {v}"),
        };
    }
    if let Some((_, from)) = &m.from
        && own_addresses.contains(&from.to_lowercase())
    {
        return Classification::Loop {
            reason: format!("sent from our own mailbox {from}"),
        };
    }
    if let Some(b) = bounce(m) {
        return b;
    }
    if let Some(reason) = auto_reply(m) {
        return Classification::AutoReply { reason };
    }
    Classification::Person
}

fn bounce(m: &ParsedEmail) -> Option<Classification> {
    if m.report_type.as_deref() == Some("delivery-status") || m.delivery_status.is_some() {
        let report = m.delivery_status.as_deref().unwrap_or("");
        let failed = failed_recipients(report);
        let reason = if failed.is_empty() {
            "delivery status notification (no permanent failure)".to_string()
        } else {
            format!("delivery status notification: failed for {}", failed.join(", "))
        };
        return Some(Classification::Bounce { failed, reason });
    }
    let from_local = m
        .from
        .as_ref()
        .map(|(_, a)| a.split('@').next().unwrap_or("").to_ascii_lowercase())
        .unwrap_or_default();
    let null_return = m.header("return-path").is_some_and(|r| r.trim() == "<>");
    let subject = m.subject.as_deref().unwrap_or("").to_lowercase();
    let bounce_subject = [
        "undeliverable",
        "undelivered mail",
        "delivery status notification (failure)",
        "mail delivery failed",
        "delivery failure",
        "returned mail",
        "failure notice",
    ]
    .iter()
    .any(|s| subject.contains(s));
    if from_local == "mailer-daemon" || from_local == "postmaster" || (null_return && bounce_subject) {
        let failed: Vec<String> = m
            .header("x-failed-recipients")
            .map(|v| {
                v.split(',')
                    .map(|a| a.trim().to_lowercase())
                    .filter(|a| a.contains('@'))
                    .collect()
            })
            .unwrap_or_default();
        return Some(Classification::Bounce {
            reason: format!("bounce from {from_local}"),
            failed,
        });
    }
    None
}

/// Addresses with `Action: failed` in an RFC 3464 report.
pub fn failed_recipients(report: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Per-recipient blocks are separated by blank lines; unfold continuation lines first.
    let unfolded = report.replace("\r\n", "\n").replace("\n ", " ").replace("\n\t", " ");
    for block in unfolded.split("\n\n") {
        let mut recipient = None;
        let mut original = None;
        let mut action = None;
        for line in block.lines() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            let addr = || {
                let a = value.split_once(';').map(|(_, a)| a).unwrap_or(value);
                a.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase()
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "final-recipient" => recipient = Some(addr()),
                "original-recipient" => original = Some(addr()),
                "action" => action = Some(value.to_ascii_lowercase()),
                _ => {}
            }
        }
        if action.as_deref() == Some("failed")
            && let Some(a) = recipient.or(original).filter(|a| a.contains('@'))
            && !out.contains(&a)
        {
            out.push(a);
        }
    }
    out
}

fn auto_reply(m: &ParsedEmail) -> Option<String> {
    if let Some(v) = m.header("auto-submitted")
        && !v.trim().eq_ignore_ascii_case("no")
    {
        return Some(format!("Auto-Submitted: {v}"));
    }
    if let Some(v) = m.header("x-auto-response-suppress")
        && !v.trim().is_empty()
        && !v.trim().eq_ignore_ascii_case("none")
    {
        return Some(format!("X-Auto-Response-Suppress: {v}"));
    }
    if let Some(v) = m.header("precedence") {
        let p = v.trim().to_ascii_lowercase();
        if matches!(p.as_str(), "bulk" | "junk" | "list" | "auto_reply" | "auto-reply") {
            return Some(format!("Precedence: {v}"));
        }
    }
    for h in ["x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-reply"] {
        if let Some(v) = m.header(h) {
            return Some(format!("{h}: {v}"));
        }
    }
    let subject = m.subject.as_deref().unwrap_or("").to_lowercase();
    for prefix in [
        "out of office",
        "automatic reply",
        "auto-reply",
        "autoreply",
        "auto reply",
        "auto response",
        "autoresponse",
        "away from the office",
    ] {
        if subject.starts_with(prefix) {
            return Some(format!("subject begins `{prefix}`"));
        }
    }
    None
}
