//! The `[email]` part of `heard.toml`: the council's mailboxes (each with its default
//! service) and limits.

use anyhow::bail;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Email {
    /// A message larger than this is refused whole.
    pub max_message_mb: usize,
    /// The same message from one sender this many times in an hour is a mail loop.
    pub loop_repeats: i64,
    pub mailboxes: Vec<Mailbox>,
}

impl Default for Email {
    fn default() -> Self {
        Email {
            max_message_mb: 64,
            loop_repeats: 3,
            mailboxes: Vec::new(),
        }
    }
}

/// One council address, e.g. `revsbens@council.gov.uk`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mailbox {
    pub address: String,
    /// Service slug mail to this address goes to (unless it threads to a case).
    pub service: Option<String>,
}

impl Email {
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.max_message_mb == 0 || self.max_message_mb > 1024 {
            bail!("email.max_message_mb: must be between 1 and 1024");
        }
        for (i, m) in self.mailboxes.iter().enumerate() {
            if heard_core::Identity::email(&m.address).is_err() {
                bail!("email.mailboxes[{i}].address: `{}` is not an email address", m.address);
            }
            if let Some(s) = &m.service
                && !heard_core::contact::is_slug(s)
            {
                bail!("email.mailboxes[{i}].service: `{s}` is not a service slug");
            }
        }
        Ok(())
    }

    /// The settings email intake runs with.
    pub fn mail_settings(&self, limits: &heard_core::contact::ContactLimits) -> heard_channels::ingest::MailSettings {
        heard_channels::ingest::MailSettings {
            mailboxes: self
                .mailboxes
                .iter()
                .map(|m| heard_channels::ingest::Mailbox {
                    address: m.address.to_lowercase(),
                    service: m.service.clone(),
                })
                .collect(),
            limits: heard_channels::email::EmailLimits {
                max_message_bytes: self.max_message_mb << 20,
                max_attachment_bytes: limits.max_attachment_bytes,
                max_attachments: limits.max_attachments,
            },
            contact_limits: *limits,
            loop_repeats: self.loop_repeats,
            ..Default::default()
        }
    }
}
