//! Storing one email message, whatever arrives: a person's message becomes a contact
//! (redacted, values read, raw message and attachments kept, threaded to its case); an
//! auto-reply, bounce or loop becomes a notice that never opens a case (a bounce marks
//! the address undeliverable); a repeat of a stored Message-ID changes nothing.

use crate::email::contact::{self, RAW_FILENAME};
use crate::email::parse::{self, EmailLimits, ParsedEmail};
use crate::email::{Classification, classify};
use crate::prepare;
use heard_core::NewContact;
use heard_core::contact::ContactLimits;
use heard_store::email::NewEmailNotice;
use heard_store::files::FileStore;
use heard_store::intake::StoredFile;
use heard_store::{IntakeConfig, Store, StoreError};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Why a message was not stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Not an email message at all (no header block).
    #[error("not an email message: {0}")]
    NotAMessage(String),
    #[error("the message is {size} bytes, over the {limit}-byte limit; nothing was stored")]
    TooLarge { size: u64, limit: usize },
    #[error("storing the message failed: {0}")]
    Store(#[from] StoreError),
    #[error("storing a file failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What happened to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// Stored as a contact on a case.
    Contact {
        contact_id: i64,
        case_reference: String,
        case_created: bool,
    },
    /// Stored as a notice (`auto_reply`, `bounce`, `loop`); no case opened.
    Notice { kind: &'static str, case_id: Option<i64> },
    /// Its Message-ID was already stored.
    AlreadyPresent,
}

/// A council mailbox: mail to `address` goes to `service` unless it threads elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub address: String,
    pub service: Option<String>,
}

/// How email intake behaves.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The council's own addresses, each with its default service.
    pub mailboxes: Vec<Mailbox>,
    pub limits: EmailLimits,
    pub contact_limits: ContactLimits,
    /// The same message from the same sender this many times within `loop_window` is a loop.
    pub loop_repeats: i64,
    pub loop_window: SignedDuration,
    /// The council's service levels (`[[service_levels]]`): a case opened by email gets
    /// its deadlines as one opened on the web does.
    pub service_levels: heard_core::service_level::ServiceLevels,
    /// Routing learned from history, for mail no mailbox sends to a service.
    pub learned: Option<heard_store::LearnedRouting>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            mailboxes: Vec::new(),
            limits: EmailLimits::default(),
            contact_limits: ContactLimits::default(),
            loop_repeats: 3,
            loop_window: SignedDuration::from_hours(1),
            service_levels: Default::default(),
            learned: None,
        }
    }
}

/// Stores email messages. Cheap to clone; safe to run many `ingest` calls at once (the
/// store's writer groups their commits).
#[derive(Clone)]
pub struct Ingestor(Arc<Inner>);

struct Inner {
    store: Store,
    files: FileStore,
    extractor: heard_understand::extract::Extractor,
    intake: IntakeConfig,
    settings: MailSettings,
    own: Vec<String>,
}

impl Ingestor {
    /// An ingestor over `store`, with routing read from the store's services.
    pub async fn new(
        store: Store,
        files: FileStore,
        settings: MailSettings,
        reference_prefix: &str,
        default_service: &str,
    ) -> Result<Ingestor, IngestError> {
        let mut intake = store.intake_config(reference_prefix, default_service).await?;
        intake.service_levels = settings.service_levels.clone();
        intake.learned = settings.learned.clone();
        let extractor = heard_understand::extract::Extractor::new(&heard_understand::extract::ExtractConfig {
            case_prefix: reference_prefix.to_string(),
            ..Default::default()
        })
        .map_err(|e| StoreError::Schema(format!("extraction settings: {e}")))?;
        let own = settings.mailboxes.iter().map(|m| m.address.to_lowercase()).collect();
        Ok(Ingestor(Arc::new(Inner {
            store,
            files,
            extractor,
            intake,
            settings,
            own,
        })))
    }

    pub fn settings(&self) -> &MailSettings {
        &self.0.settings
    }

    /// Stores one raw message. `envelope_time` (an mbox `From ` line, an IMAP internal
    /// date) stands in when the Date header is missing or unbelievable; `mailbox` is the
    /// address it was fetched from, when known.
    #[tracing::instrument(level = "debug", skip_all, fields(bytes = raw.len()))]
    pub async fn ingest(
        &self,
        raw: Vec<u8>,
        envelope_time: Option<Timestamp>,
        mailbox: Option<&str>,
    ) -> Result<Ingested, IngestError> {
        let me = &*self.0;
        let limits = &me.settings.limits;
        if raw.len() > limits.max_message_bytes {
            return Err(IngestError::TooLarge {
                size: raw.len() as u64,
                limit: limits.max_message_bytes,
            });
        }
        if !parse::looks_like_message(&raw) {
            return Err(IngestError::NotAMessage(
                "no header block with From:, To:, Subject:, Date: or Message-ID:".into(),
            ));
        }
        let sha = hex::encode(Sha256::digest(&raw));
        let parsed = ParsedEmail::parse(&raw, limits);
        let ext_id = contact::external_id(&parsed, &sha);
        if me.store.email_known(&ext_id).await? {
            return Ok(Ingested::AlreadyPresent);
        }
        let now = Timestamp::now();
        let received = contact::received_at(&parsed, envelope_time.unwrap_or(now), now);
        let thread = me.store.email_thread_cases(&parsed.thread_ids).await?;
        let mut class = classify(&parsed, &me.own);
        let service = self.service_for(&parsed, mailbox);
        let mut new_contact = None;
        if class == Classification::Person {
            let input = contact::to_input(
                &parsed,
                &ext_id,
                received,
                service.as_deref(),
                raw.len(),
                &me.settings.contact_limits,
            );
            let check_limits = contact::validation_limits(&me.settings.contact_limits, limits.max_message_bytes);
            let mut c = match NewContact::validate(input.clone(), now, &check_limits) {
                Ok(c) => c,
                Err(e) => {
                    // Only the service can fail here (a mailbox mapped to a bad slug): route instead.
                    tracing::warn!(error = %e, "email contact failed validation; routing without a service");
                    let input = heard_core::contact::ContactInput { service: None, ..input };
                    NewContact::validate(input, now, &check_limits)
                        .map_err(|e| StoreError::Schema(format!("email contact invalid: {e}")))?
                }
            };
            let removed = prepare::redact_contact(&mut c);
            if removed > 0 {
                tracing::info!(removed, "card details redacted from an email");
            }
            let since = received - me.settings.loop_window;
            let repeats = me
                .store
                .email_repeats(&c.sender.identity.value, c.subject.as_deref(), &c.body, since)
                .await?;
            if repeats >= me.settings.loop_repeats {
                class = Classification::Loop {
                    reason: format!("the same message {repeats} times within {:?}", me.settings.loop_window),
                };
            } else {
                new_contact = Some((c, removed));
            }
        }
        let Some((c, removed)) = new_contact else {
            return self
                .store_notice(&raw, &parsed, &class, &ext_id, received, thread.first().copied())
                .await;
        };
        let raw = if removed > 0 { redact_raw(raw) } else { raw };
        let mut files = Vec::with_capacity(1 + parsed.parts.len());
        files.push(StoredFile {
            filename: RAW_FILENAME.into(),
            content_type: "message/rfc822".into(),
            size: raw.len() as i64,
            sha256: me.files.put(&raw).await?,
        });
        for p in &parsed.parts {
            files.push(StoredFile {
                filename: p.filename.clone(),
                content_type: p.content_type.clone(),
                size: p.bytes.len() as i64,
                sha256: me.files.put(&p.bytes).await?,
            });
        }
        let entities = prepare::read_values(&me.extractor, &c, prepare::today());
        let out = me
            .store
            .intake_in_thread(&c, &files, &entities, &me.intake, &thread)
            .await?;
        if !out.created {
            return Ok(Ingested::AlreadyPresent);
        }
        Ok(Ingested::Contact {
            contact_id: out.contact_id,
            case_reference: out.case_reference.to_string(),
            case_created: out.case_created,
        })
    }

    async fn store_notice(
        &self,
        raw: &[u8],
        parsed: &ParsedEmail,
        class: &Classification,
        ext_id: &str,
        received: Timestamp,
        case_id: Option<i64>,
    ) -> Result<Ingested, IngestError> {
        let me = &*self.0;
        let kind = class.notice_kind().unwrap_or("loop");
        let failed = match class {
            Classification::Bounce { failed, .. } => failed.clone(),
            _ => Vec::new(),
        };
        let sha = me.files.put(raw).await?;
        let notice = NewEmailNotice {
            message_id: ext_id.to_string(),
            kind: kind.into(),
            sender: parsed.from.as_ref().map(|(_, a)| a.to_lowercase()).unwrap_or_default(),
            subject: parsed.subject.clone(),
            case_id,
            raw_sha256: sha,
            raw_size: raw.len() as i64,
            detail: serde_json::json!({"reason": class.reason(), "failed": failed}),
            received_at: received,
        };
        if !me.store.record_email_notice(&notice).await? {
            return Ok(Ingested::AlreadyPresent);
        }
        if !failed.is_empty() {
            let n = me.store.mark_email_undeliverable(&failed).await?;
            tracing::info!(addresses = ?failed, marked = n, "bounce: addresses marked undeliverable");
        }
        tracing::debug!(
            kind,
            reason = class.reason(),
            "automatic mail recognised; no case opened"
        );
        Ok(Ingested::Notice { kind, case_id })
    }

    /// The default service of the first council mailbox the message was sent to.
    fn service_for(&self, parsed: &ParsedEmail, mailbox: Option<&str>) -> Option<String> {
        let boxes = &self.0.settings.mailboxes;
        let by_addr = |a: &str| {
            boxes
                .iter()
                .find(|m| m.address.eq_ignore_ascii_case(a))
                .and_then(|m| m.service.clone())
        };
        mailbox
            .and_then(by_addr)
            .or_else(|| parsed.recipients.iter().find_map(|r| by_addr(r)))
    }
}

/// The raw message with card numbers redacted from its text. When a card number sits in
/// an encoded part (base64, quoted-printable) the text redaction cannot reach, the body
/// is withheld and only the headers are kept.
fn redact_raw(raw: Vec<u8>) -> Vec<u8> {
    use heard_understand::redact::redact_in_place;
    let mut text = String::from_utf8_lossy(&raw).into_owned();
    redact_in_place(&mut text);
    let reparsed = ParsedEmail::parse(text.as_bytes(), &EmailLimits::default());
    let mut check = reparsed.text.clone();
    if redact_in_place(&mut check) == 0 {
        return text.into_bytes();
    }
    let end = text
        .find("\r\n\r\n")
        .or_else(|| text.find("\n\n"))
        .unwrap_or(text.len());
    let mut headers = text[..end].to_string();
    headers.push_str("\n\n[heard: the original body contained card details in an encoded part and was withheld]\n");
    headers.into_bytes()
}
