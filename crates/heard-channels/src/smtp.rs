//! Email out: replies go into the outbox table first (so none is lost), then leave by
//! SMTP (lettre; implicit TLS, STARTTLS, or plain on loopback for tests). A failed
//! attempt is retried with exponential back-off and stays visible as pending; only a
//! permanent refusal (5xx) marks a reply failed, for an agent to act on.

use heard_store::files::FileStore;
use heard_store::outbox::{NewOutgoingEmail, OutboxAttachment, OutboxEmail};
use heard_store::{Store, StoreError};
use jiff::{SignedDuration, Timestamp};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// Why an email could not be queued or the outbox not run.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("{0}")]
    Config(String),
    /// Mail to this address bounced: the customer needs another channel.
    #[error("{0} is marked undeliverable (mail to it bounced); reach the customer another way")]
    Undeliverable(String),
    #[error("storing the email failed: {0}")]
    Store(#[from] StoreError),
    #[error("storing an attachment failed: {0}")]
    Io(#[from] std::io::Error),
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain, upgraded with STARTTLS (port 587); refuses a server that cannot.
    StartTls,
    /// No encryption: only for a server on loopback (tests).
    None,
}

/// The SMTP server and the address replies come from.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, String)>,
    /// The From of every reply, e.g. `Our Council <contact@council.example>`.
    pub from: String,
    /// PEM certificates trusted besides the public roots (a council's own CA).
    pub ca_file: Option<std::path::PathBuf>,
}

/// A reply an agent wrote on a case.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub case_id: i64,
    /// `HRD-000123`: put in the subject so the customer's answer threads even without headers.
    pub case_reference: String,
    pub to: String,
    pub subject: String,
    /// Plain text (always sent as a text/plain part).
    pub body: String,
    /// (file name, media type, bytes).
    pub attachments: Vec<(String, String, Vec<u8>)>,
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Failed this time; will be tried again.
    pub retrying: usize,
    /// Refused for good by the server.
    pub failed: usize,
}

/// The header on everything heard sends: its own mail coming back is a loop.
#[derive(Debug, Clone)]
struct HeardLoop(String);

impl Header for HeardLoop {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Heard-Loop")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(HeardLoop(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The outbox and the transport that empties it.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    files: FileStore,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Outbox {
    pub fn new(store: Store, files: FileStore, s: &SmtpSettings) -> Result<Outbox, SmtpError> {
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|e| SmtpError::Config(format!("from `{}`: {e}", s.from)))?;
        let builder = match s.security {
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host),
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host),
            Security::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)),
        }
        .map_err(|e| SmtpError::Config(format!("SMTP server {}: {e}", s.host)))?;
        let mut builder = builder.port(s.port).timeout(Some(Duration::from_secs(30)));
        if let Some(path) = &s.ca_file
            && s.security != Security::None
        {
            use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
            let pem = std::fs::read(path).map_err(|e| SmtpError::Config(format!("reading {}: {e}", path.display())))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| SmtpError::Config(format!("a certificate in {}: {e}", path.display())))?;
            let params = TlsParameters::builder(s.host.clone())
                .add_root_certificate(cert)
                .build()
                .map_err(|e| SmtpError::Config(format!("TLS for {}: {e}", s.host)))?;
            builder = builder.tls(match s.security {
                Security::Tls => Tls::Wrapper(params),
                _ => Tls::Required(params),
            });
        }
        if let Some((user, pass)) = &s.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(Outbox {
            store,
            files,
            transport: builder.build(),
            from,
        })
    }

    /// Queues a reply: attachments stored, threading headers taken from the case's
    /// email, the case reference in the subject. Returns the outbox id and Message-ID.
    /// Refused for an address a bounce marked undeliverable.
    #[tracing::instrument(skip_all, fields(case = %reply.case_reference))]
    pub async fn queue(&self, reply: &Reply) -> Result<(i64, String), SmtpError> {
        let email = compose_reply(&self.store, &self.files, &self.from.to_string(), reply).await?;
        let id = self.store.enqueue_email(&email).await?;
        Ok((id, email.message_id))
    }

    /// Sends every email due by `now`, one attempt each (an email that fails is not tried
    /// again in the same round, whatever `now` says).
    pub async fn deliver_due(&self, now: Timestamp) -> Result<Delivered, SmtpError> {
        let mut done = Delivered::default();
        let mut tried = std::collections::HashSet::new();
        while let Some(e) = self.store.claim_due_email(now, SignedDuration::from_mins(5)).await? {
            if !tried.insert(e.id) {
                // Claimed again: its retry time is still before `now`. Leave it for the next round.
                self.store
                    .email_failed(
                        e.id,
                        e.last_error.as_deref().unwrap_or(""),
                        Some(now + backoff(e.attempts)),
                    )
                    .await?;
                break;
            }
            let result = match self.compose(&e).await {
                Ok(message) => self.transport.send(message).await.map(|_| ()).map_err(|err| {
                    let permanent = err.is_permanent();
                    (err.to_string(), permanent)
                }),
                Err(why) => Err((why, true)),
            };
            match result {
                Ok(()) => {
                    self.store.email_sent(e.id).await?;
                    tracing::info!(id = e.id, to = %e.to, "email sent");
                    done.sent += 1;
                }
                Err((why, true)) => {
                    tracing::warn!(id = e.id, error = %why, "email refused for good");
                    self.store.email_failed(e.id, &why, None).await?;
                    done.failed += 1;
                }
                Err((why, false)) => {
                    let retry = now.max(Timestamp::now()) + backoff(e.attempts);
                    tracing::warn!(id = e.id, error = %why, attempts = e.attempts, %retry, "email not sent; will retry");
                    self.store.email_failed(e.id, &why, Some(retry)).await?;
                    done.retrying += 1;
                }
            }
        }
        Ok(done)
    }

    /// Delivers due email every `every` until `stop` resolves.
    pub async fn run(&self, every: Duration, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            if let Err(e) = self.deliver_due(Timestamp::now()).await {
                tracing::error!(error = %e, "outbox round failed");
            }
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }

    async fn compose(&self, e: &OutboxEmail) -> Result<lettre::Message, String> {
        let bracket = |id: &str| format!("<{id}>");
        let mut b = lettre::Message::builder()
            .from(e.from.parse().map_err(|err| format!("from: {err}"))?)
            .to(e.to.parse().map_err(|err| format!("to: {err}"))?)
            .subject(e.subject.clone())
            .message_id(Some(bracket(&e.message_id)))
            .header(HeardLoop(e.message_id.clone()));
        if let Some(r) = &e.in_reply_to {
            b = b.in_reply_to(bracket(r));
        }
        if !e.references.is_empty() {
            b = b.references(e.references.iter().map(|r| bracket(r)).collect::<Vec<_>>().join(" "));
        }
        let text = SinglePart::plain(e.body.clone());
        let message = if e.attachments.is_empty() {
            b.singlepart(text)
        } else {
            let mut parts = MultiPart::mixed().singlepart(text);
            for a in &e.attachments {
                let bytes = self
                    .files
                    .get(&a.sha256)
                    .await
                    .map_err(|err| format!("reading attachment {}: {err}", a.filename))?
                    .ok_or_else(|| format!("attachment {} is missing from the store", a.filename))?;
                let ct = ContentType::parse(&a.content_type).unwrap_or(ContentType::TEXT_PLAIN);
                parts = parts.singlepart(Attachment::new(a.filename.clone()).body(bytes, ct));
            }
            b.multipart(parts)
        };
        message.map_err(|err| format!("composing: {err}"))
    }
}

/// 30 s, 1 min, 2 min … capped at an hour: a reply is retried for as long as it takes.
pub fn backoff(attempts: i64) -> SignedDuration {
    let exp = attempts.clamp(1, 8) - 1;
    SignedDuration::from_secs((30i64 << exp).min(3600))
}

/// The outbox row for `reply`: attachments stored, threading headers taken from the
/// case's email, the case reference in the subject, a fresh Message-ID. Refused for an
/// address a bounce marked undeliverable. Shared by the outbox and the workspace (which
/// stores the row in the same transaction as the reply's contact).
pub async fn compose_reply(
    store: &Store,
    files: &FileStore,
    from: &str,
    reply: &Reply,
) -> Result<NewOutgoingEmail, SmtpError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| SmtpError::Config(format!("the reply address `{from}`: {e}")))?;
    let to: Mailbox = reply
        .to
        .parse()
        .map_err(|e| SmtpError::Config(format!("to `{}`: {e}", reply.to)))?;
    if store
        .identity_undeliverable("email", &to.email.to_string().to_lowercase())
        .await?
        == Some(true)
    {
        return Err(SmtpError::Undeliverable(to.email.to_string()));
    }
    let tag = format!("[{}]", reply.case_reference);
    let subject = if reply.subject.contains(&tag) {
        reply.subject.clone()
    } else {
        format!("{} {tag}", reply.subject.trim())
    };
    let domain = from.email.domain().to_string();
    let message_id = format!(
        "{}.{:016x}@{domain}",
        reply.case_reference.to_lowercase(),
        rand::random::<u64>()
    );
    let references = store.case_email_ids(reply.case_id).await?;
    let mut attachments = Vec::new();
    for (filename, content_type, bytes) in &reply.attachments {
        attachments.push(OutboxAttachment {
            filename: filename.clone(),
            content_type: content_type.clone(),
            sha256: files.put(bytes).await?,
        });
    }
    Ok(NewOutgoingEmail {
        case_id: Some(reply.case_id),
        message_id,
        in_reply_to: references.last().cloned(),
        references,
        from: from.to_string(),
        to: to.to_string(),
        subject,
        body: reply.body.clone(),
        attachments,
    })
}
