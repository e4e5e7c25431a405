//! Contacts: one communication in or out. [`NewContact`] is what intake accepts,
//! validated as a whole so a sender hears every problem at once.

use crate::error::Checker;
use crate::identity::Sender;
use crate::{CaseKind, CaseReference, Channel, Direction, Invalid, Priority};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// Limits on what one contact may carry. Configurable; these defaults suit email.
#[derive(Debug, Clone, Copy)]
pub struct ContactLimits {
    pub max_subject_chars: usize,
    pub max_body_bytes: usize,
    pub max_attachments: usize,
    pub max_attachment_bytes: usize,
}

impl Default for ContactLimits {
    fn default() -> Self {
        ContactLimits {
            max_subject_chars: 998,
            max_body_bytes: 1 << 20,
            max_attachments: 20,
            max_attachment_bytes: 25 << 20,
        }
    }
}

/// An attachment as described by its sender, before its bytes are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentMeta {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

/// The raw fields of an incoming contact, as any channel hands them over.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub channel: String,
    pub direction: Option<String>,
    pub from: String,
    pub subject: Option<String>,
    pub body: String,
    pub body_html: Option<String>,
    pub received_at: Option<String>,
    pub external_id: Option<String>,
    pub service: Option<String>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
}

/// A validated contact, ready for intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub channel: Channel,
    pub direction: Direction,
    pub sender: Sender,
    pub subject: Option<String>,
    pub body: String,
    pub body_html: Option<String>,
    pub received_at: Timestamp,
    pub external_id: Option<String>,
    /// Service asked for by the sender (a system that already knows); else routed.
    pub service: Option<String>,
    pub kind: Option<CaseKind>,
    pub priority: Option<Priority>,
    pub attachments: Vec<AttachmentMeta>,
}

impl NewContact {
    /// Validates every field of `input`. `now` bounds `received_at`: a contact may not
    /// claim to arrive more than a day in the future (clock skew) or before 1990.
    pub fn validate(input: ContactInput, now: Timestamp, limits: &ContactLimits) -> Result<Self, Invalid> {
        let mut c = Checker::new();
        let channel = c.check("channel", input.channel.parse::<Channel>());
        let direction = match input.direction.as_deref() {
            None => Some(Direction::Inbound),
            Some(d) => c.check("direction", d.parse()),
        };
        let sender = channel.and_then(|ch| c.check("from", Sender::parse(ch, &input.from)));
        let subject = input.subject.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        if let Some(s) = &subject
            && s.chars().count() > limits.max_subject_chars
        {
            c.fail(
                "subject",
                format!("is longer than {} characters", limits.max_subject_chars),
            );
        }
        if input.body.len() > limits.max_body_bytes {
            c.fail("body", format!("is larger than {} bytes", limits.max_body_bytes));
        }
        if input.body.trim().is_empty() && subject.is_none() && input.attachments.is_empty() {
            c.fail("body", "is empty, and there is no subject or attachment");
        }
        if input.body.contains('\0') {
            c.fail("body", "contains a NUL character");
        }
        let received_at = match input.received_at.as_deref() {
            None => Some(now),
            Some(raw) => c
                .check(
                    "received_at",
                    raw.parse::<Timestamp>()
                        .map_err(|e| format!("`{raw}` is not an RFC 3339 time with offset: {e}")),
                )
                .and_then(|t| {
                    let earliest: Timestamp = "1990-01-01T00:00:00Z".parse().expect("constant");
                    if t > now + SignedDuration::from_hours(24) {
                        c.fail("received_at", "is more than a day in the future");
                        None
                    } else if t < earliest {
                        c.fail("received_at", "is before 1990");
                        None
                    } else {
                        Some(t)
                    }
                }),
        };
        let external_id = input.external_id.map(|e| e.trim().to_string());
        if let Some(e) = &external_id
            && (e.is_empty() || e.len() > 255 || e.chars().any(char::is_control))
        {
            c.fail("external_id", "must be 1 to 255 printable characters");
        }
        let kind = input.kind.as_deref().and_then(|k| c.check("kind", k.parse()));
        let priority = input.priority.as_deref().and_then(|p| c.check("priority", p.parse()));
        if let Some(s) = &input.service
            && !is_slug(s)
        {
            c.fail(
                "service",
                format!("`{s}` is not a service slug (lower-case letters, digits, hyphens)"),
            );
        }
        if input.attachments.len() > limits.max_attachments {
            c.fail(
                "attachments",
                format!("more than {} attachments", limits.max_attachments),
            );
        }
        for (i, a) in input.attachments.iter().enumerate() {
            if let Err(reason) = check_filename(&a.filename) {
                c.fail(format!("attachments[{i}].filename"), reason);
            }
            if a.size as usize > limits.max_attachment_bytes {
                c.fail(
                    format!("attachments[{i}]"),
                    format!("is larger than {} bytes", limits.max_attachment_bytes),
                );
            }
            if !is_media_type(&a.content_type) {
                c.fail(
                    format!("attachments[{i}].content_type"),
                    format!("`{}` is not a media type", a.content_type),
                );
            }
        }
        c.finish()?;
        // Every Option below is Some: `finish` fails when any check did not pass.
        let (Some(channel), Some(direction), Some(sender), Some(received_at)) =
            (channel, direction, sender, received_at)
        else {
            unreachable!("checker finished clean with a missing field");
        };
        Ok(NewContact {
            channel,
            direction,
            sender,
            subject,
            body: input.body,
            body_html: input.body_html,
            received_at,
            external_id,
            service: input.service,
            kind,
            priority,
            attachments: input.attachments,
        })
    }

    /// Case references quoted in the subject, then the body: a reply names its case.
    pub fn quoted_references(&self, prefix: &str) -> Vec<CaseReference> {
        let mut refs = self
            .subject
            .as_deref()
            .map(|s| CaseReference::find_in(prefix, s))
            .unwrap_or_default();
        refs.extend(CaseReference::find_in(prefix, &self.body));
        refs
    }

    /// The text that routing and search read: subject and body.
    pub fn text(&self) -> String {
        match &self.subject {
            Some(s) => format!("{s}\n{}", self.body),
            None => self.body.clone(),
        }
    }
}

/// A service or site slug: `revenues-and-benefits`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A file name as a sender gave it: no path, no control characters, not empty.
pub fn check_filename(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 255 {
        return Err("must be 1 to 255 bytes".into());
    }
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(format!("`{name}` contains a path"));
    }
    if name.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    Ok(())
}

fn is_media_type(s: &str) -> bool {
    let Some((top, sub)) = s.split_once('/') else {
        return false;
    };
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    token(top) && token(sub.split(';').next().unwrap_or("").trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ContactInput {
        ContactInput {
            channel: "email".into(),
            from: "Jane <jane@example.org>".into(),
            subject: Some("Council tax".into()),
            body: "Please update my direct debit.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_contact() {
        let now = Timestamp::now();
        let c = NewContact::validate(input(), now, &ContactLimits::default()).unwrap();
        assert_eq!(c.channel, Channel::Email);
        assert_eq!(c.direction, Direction::Inbound);
        assert_eq!(c.received_at, now);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ContactInput {
            channel: "pigeon".into(),
            from: "".into(),
            body: "x".into(),
            received_at: Some("yesterday".into()),
            external_id: Some("".into()),
            kind: Some("moan".into()),
            service: Some("Not A Slug".into()),
            attachments: vec![AttachmentMeta {
                filename: "../etc/passwd".into(),
                content_type: "text".into(),
                size: 1,
            }],
            ..Default::default()
        };
        let err = NewContact::validate(bad, Timestamp::now(), &ContactLimits::default()).unwrap_err();
        let fields: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "channel",
                "received_at",
                "external_id",
                "kind",
                "service",
                "attachments[0].filename",
                "attachments[0].content_type"
            ]
        );
        let future = ContactInput {
            received_at: Some("2999-01-01T00:00:00Z".into()),
            ..input()
        };
        assert!(NewContact::validate(future, Timestamp::now(), &ContactLimits::default()).is_err());
    }
}
