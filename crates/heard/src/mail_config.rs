//! The `[email]` part of `heard.toml`: the council's mailboxes (each with its default
//! service), limits, the IMAP server mail is read from
//! and the SMTP server replies leave by.

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
    /// The IMAP server the mailboxes are read from (each mailbox with its own login).
    pub imap: Option<Imap>,
    /// Replies leave through this server; without it they wait in the outbox.
    pub smtp: Option<Smtp>,
}

impl Default for Email {
    fn default() -> Self {
        Email {
            max_message_mb: 64,
            loop_repeats: 3,
            mailboxes: Vec::new(),
            imap: None,
            smtp: None,
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
    /// IMAP login; default the address.
    pub imap_user: Option<String>,
    /// Environment variable holding the IMAP password: the mailbox is read over IMAP
    /// (when `[email.imap]` is set) only if this names one.
    pub imap_password_env: Option<String>,
    /// Folder to read; default `INBOX`.
    #[serde(default = "inbox")]
    pub imap_folder: String,
}

fn inbox() -> String {
    "INBOX".into()
}

/// How to reach the IMAP server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Imap {
    pub host: String,
    #[serde(default = "imap_port")]
    pub port: u16,
    /// `tls` (default), `starttls` or `none` (loopback only).
    #[serde(default = "tls")]
    pub security: String,
    /// Handled messages are flagged seen and moved here (created when missing).
    #[serde(default = "done_folder")]
    pub done_folder: String,
    /// Seconds between polls when the server has no IDLE (and between IDLE renewals).
    #[serde(default = "poll")]
    pub poll_seconds: u64,
    /// PEM file of certificates to trust besides the public roots (a council's own CA).
    pub ca_file: Option<std::path::PathBuf>,
}

fn imap_port() -> u16 {
    993
}
fn tls() -> String {
    "tls".into()
}
fn done_folder() -> String {
    "heard-done".into()
}
fn poll() -> u64 {
    300
}

/// How to reach the SMTP server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default = "smtp_port")]
    pub port: u16,
    /// `tls`, `starttls` (default) or `none` (loopback only).
    #[serde(default = "starttls")]
    pub security: String,
    pub username: Option<String>,
    /// Environment variable holding the SMTP password (never the password itself).
    pub password_env: Option<String>,
    /// The From address of replies, e.g. `Our Council <contact@council.example>`.
    pub from: String,
    /// Seconds between delivery rounds.
    #[serde(default = "every")]
    pub every_seconds: u64,
    /// PEM file of certificates to trust besides the public roots (a council's own CA).
    pub ca_file: Option<std::path::PathBuf>,
}

fn smtp_port() -> u16 {
    587
}
fn starttls() -> String {
    "starttls".into()
}
fn every() -> u64 {
    5
}

/// `tls`, `starttls` or `none`.
fn security(name: &str, s: &str) -> anyhow::Result<heard_channels::smtp::Security> {
    use heard_channels::smtp::Security;
    Ok(match s {
        "tls" => Security::Tls,
        "starttls" => Security::StartTls,
        "none" => Security::None,
        other => bail!("email.{name}.security: `{other}` is not tls, starttls or none"),
    })
}

impl Smtp {
    /// The settings the outbox sends with; the password is read from the environment.
    pub fn settings(&self) -> anyhow::Result<heard_channels::smtp::SmtpSettings> {
        let password = match &self.password_env {
            Some(var) => {
                Some(std::env::var(var).map_err(|_| anyhow::anyhow!("email.smtp.password_env: ${var} is not set"))?)
            }
            None => None,
        };
        Ok(heard_channels::smtp::SmtpSettings {
            host: self.host.clone(),
            port: self.port,
            security: security("smtp", &self.security)?,
            credentials: self.username.clone().zip(password),
            from: self.from.clone(),
            ca_file: self.ca_file.clone(),
        })
    }
}

/// Starts the email work `heard serve` does beside the web: the outbox's delivery rounds
/// and IMAP intake of every mailbox with a password configured.
pub async fn spawn(
    config: &crate::config::Config,
    store: &heard_store::Store,
    files: &heard_store::files::FileStore,
    routing: Option<&heard_web::routing::Routing>,
) -> anyhow::Result<()> {
    let email = &config.email;
    if let Some(smtp) = &email.smtp {
        let outbox = heard_channels::smtp::Outbox::new(store.clone(), files.clone(), &smtp.settings()?)?;
        let every = std::time::Duration::from_secs(smtp.every_seconds.max(1));
        tokio::spawn(async move { outbox.run(every, std::future::pending()).await });
        tracing::info!(host = %smtp.host, "email outbox running");
    }
    let Some(imap) = &email.imap else {
        return Ok(());
    };
    let mut web = config.web_settings();
    web.routing = routing.cloned();
    let ingestor = heard_channels::ingest::Ingestor::new(
        store.clone(),
        files.clone(),
        email.mail_settings(&web),
        &web.reference_prefix,
        &web.default_service,
    )
    .await?;
    for m in &email.mailboxes {
        let Some(var) = &m.imap_password_env else {
            continue;
        };
        let password = std::env::var(var).map_err(|_| anyhow::anyhow!("{}: ${var} is not set", m.address))?;
        let account = heard_channels::imap::ImapAccount {
            host: imap.host.clone(),
            port: imap.port,
            security: security("imap", &imap.security)?,
            username: m.imap_user.clone().unwrap_or_else(|| m.address.clone()),
            password,
            folder: m.imap_folder.clone(),
            done_folder: imap.done_folder.clone(),
            address: m.address.to_lowercase(),
            ca_file: imap.ca_file.clone(),
        };
        let intake = heard_channels::imap::ImapIntake::new(account, ingestor.clone(), store.clone());
        let poll = std::time::Duration::from_secs(imap.poll_seconds.max(5));
        tokio::spawn(async move { intake.run(poll, std::future::pending()).await });
        tracing::info!(mailbox = %m.address, host = %imap.host, "IMAP intake running");
    }
    Ok(())
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
        if let Some(smtp) = &self.smtp {
            security("smtp", &smtp.security)?;
        }
        if let Some(imap) = &self.imap {
            security("imap", &imap.security)?;
        }
        Ok(())
    }

    /// The settings email intake runs with: this section's, with the web's limits and
    /// service levels (so email and web intake give a case the same deadlines).
    pub fn mail_settings(&self, web: &heard_web::WebSettings) -> heard_channels::ingest::MailSettings {
        let limits = &web.limits;
        heard_channels::ingest::MailSettings {
            learned: web.routing.as_ref().map(heard_web::routing::Routing::learned),
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
            service_levels: web.service_levels.clone(),
            ..Default::default()
        }
    }
}
