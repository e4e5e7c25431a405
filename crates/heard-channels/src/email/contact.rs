//! A parsed message as a contact: the fields intake validates, always valid. A message
//! with a missing or damaged part still becomes a contact (the raw message is attached),
//! so the fallbacks here never refuse one.

use super::parse::ParsedEmail;
use heard_core::contact::{AttachmentMeta, ContactInput, ContactLimits};
use heard_core::{Channel, identity::Sender};
use jiff::{SignedDuration, Timestamp};

/// The sender used when a message names none that parses (it is still kept).
pub const UNKNOWN_SENDER: &str = "unknown-sender@unknown.invalid";

/// The file name of the raw message kept with every email contact.
pub const RAW_FILENAME: &str = "original.eml";

/// The contact's external id: the Message-ID, or a digest of the raw message when it has
/// none (or an unusable one), so a re-import is still recognised.
pub fn external_id(m: &ParsedEmail, raw_sha256: &str) -> String {
    match &m.message_id {
        Some(id) if id.len() <= 255 && !id.chars().any(char::is_control) && !id.trim().is_empty() => id.clone(),
        _ => format!("sha256:{raw_sha256}"),
    }
}

/// When the message arrived: its Date when believable, else `fallback` (the mbox
/// envelope time or now).
pub fn received_at(m: &ParsedEmail, fallback: Timestamp, now: Timestamp) -> Timestamp {
    let earliest = Timestamp::from_second(631_152_000).unwrap_or(Timestamp::UNIX_EPOCH); // 1990-01-01
    m.date
        .filter(|d| *d >= earliest && *d <= now + SignedDuration::from_hours(24))
        .unwrap_or(fallback)
}

/// The sender as `Name <address>`, or [`UNKNOWN_SENDER`] when it does not parse.
pub fn sender(m: &ParsedEmail) -> String {
    if let Some((name, addr)) = &m.from {
        let candidate = match name {
            Some(n) => format!("{} <{addr}>", n.replace(['<', '>', '"', '\r', '\n'], " ").trim()),
            None => addr.clone(),
        };
        if Sender::parse(Channel::Email, &candidate).is_ok() {
            return candidate;
        }
        if Sender::parse(Channel::Email, addr).is_ok() {
            return addr.clone();
        }
    }
    UNKNOWN_SENDER.to_string()
}

/// The contact for `m`: text within `limits` (the full text stays in the raw message),
/// the raw message first among the attachments.
pub fn to_input(
    m: &ParsedEmail,
    ext_id: &str,
    received: Timestamp,
    service: Option<&str>,
    raw_size: usize,
    limits: &ContactLimits,
) -> ContactInput {
    let mut body = m.text.replace('\0', "");
    let mut notes: Vec<String> = m.problems.clone();
    if body.len() > limits.max_body_bytes {
        truncate(&mut body, limits.max_body_bytes.saturating_sub(200));
        notes.push("the text is longer than the limit; the whole of it is in the original message".into());
    }
    if !notes.is_empty() {
        body.push_str("\n\n[heard: ");
        body.push_str(&notes.join("; "));
        body.push(']');
    }
    let subject = m.subject.as_ref().map(|s| {
        let mut s: String = s.chars().filter(|c| !c.is_control()).collect();
        if s.chars().count() > limits.max_subject_chars {
            s = s.chars().take(limits.max_subject_chars.saturating_sub(1)).collect();
            s.push('…');
        }
        s
    });
    let html = m
        .html
        .as_ref()
        .filter(|h| h.len() <= limits.max_body_bytes)
        .map(|h| h.replace('\0', ""));
    let mut attachments = vec![AttachmentMeta {
        filename: RAW_FILENAME.into(),
        content_type: "message/rfc822".into(),
        size: raw_size as u64,
    }];
    attachments.extend(m.parts.iter().map(|p| AttachmentMeta {
        filename: p.filename.clone(),
        content_type: p.content_type.clone(),
        size: p.bytes.len() as u64,
    }));
    ContactInput {
        channel: Channel::Email.as_str().into(),
        direction: None,
        from: sender(m),
        subject,
        body,
        body_html: html,
        received_at: Some(received.to_string()),
        external_id: Some(ext_id.to_string()),
        service: service.map(str::to_string),
        kind: None,
        priority: None,
        attachments,
    }
}

/// The limits to validate an email contact with: the raw message counts as one more
/// attachment and may be as large as a whole message.
pub fn validation_limits(limits: &ContactLimits, max_message_bytes: usize) -> ContactLimits {
    ContactLimits {
        max_attachments: limits.max_attachments + 1,
        max_attachment_bytes: limits.max_attachment_bytes.max(max_message_bytes),
        ..*limits
    }
}

fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
}
