//! IMAP intake: each council mailbox is read over IMAP (TLS, or plain on loopback for
//! tests), every message is stored, then flagged `\Seen` and moved to a "done" folder.
//! The order makes restarts safe: a message leaves the inbox only after it is stored, and
//! storing is idempotent (Message-ID), so a crash between the two re-reads it as "already
//! present" rather than losing or doubling it. The last UID handled is recorded (per
//! UIDVALIDITY) before the move, so a message whose move failed is moved again without
//! being fetched. New mail is waited for with IDLE, or by polling when the server lacks it.

use crate::ingest::{IngestError, Ingested, Ingestor};
use crate::smtp::Security;
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use heard_store::{Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// Why a round of IMAP intake stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("IMAP: {0}")]
    Imap(#[from] async_imap::error::Error),
    #[error("IMAP connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("IMAP: {0}")]
    Protocol(String),
    #[error("storing a message failed: {0}")]
    Ingest(IngestError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Any byte stream a session runs over (TCP, or TLS over TCP).
pub trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug> Stream for T {}

/// A logged-in IMAP session.
pub type ImapSession = Session<Box<dyn Stream>>;

/// One council mailbox on an IMAP server.
#[derive(Debug, Clone)]
pub struct ImapAccount {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: String,
    /// Folder read, usually `INBOX`.
    pub folder: String,
    /// Where handled messages are moved (created when missing).
    pub done_folder: String,
    /// The council address this mailbox receives (its default service comes from it).
    pub address: String,
    /// PEM certificates trusted besides the public roots (a council's own CA).
    pub ca_file: Option<std::path::PathBuf>,
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub imported: usize,
    pub already_present: usize,
    /// Not messages, or over the size limit: moved aside with the `$HeardRejected` keyword.
    pub rejected: usize,
}

/// Connects and logs in.
pub async fn connect(a: &ImapAccount) -> Result<ImapSession, ImapError> {
    let tcp = tokio::time::timeout(Duration::from_secs(30), TcpStream::connect((a.host.as_str(), a.port)))
        .await
        .map_err(|_| ImapError::Protocol(format!("connecting to {}:{} timed out", a.host, a.port)))??;
    let stream: Box<dyn Stream> = match a.security {
        Security::None => Box::new(tcp),
        Security::Tls => Box::new(tls(a, tcp).await?),
        Security::StartTls => {
            let mut plain = Client::new(tcp);
            greeting(&mut plain).await?;
            plain.run_command_and_check_ok("STARTTLS", None).await?;
            Box::new(tls(a, plain.into_inner()).await?)
        }
    };
    let mut client = Client::new(stream);
    if a.security != Security::StartTls {
        greeting(&mut client).await?;
    }
    client
        .login(&a.username, &a.password)
        .await
        .map_err(|(e, _)| ImapError::Imap(e))
}

async fn greeting<T: Stream>(c: &mut Client<T>) -> Result<(), ImapError> {
    c.read_response()
        .await?
        .ok_or_else(|| ImapError::Protocol("the server closed the connection before greeting".into()))?;
    Ok(())
}

async fn tls(a: &ImapAccount, tcp: TcpStream) -> Result<tokio_rustls::client::TlsStream<TcpStream>, ImapError> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::{CertificateDer, pem::PemObject};
    let host = a.host.as_str();
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &a.ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| ImapError::Protocol(format!("reading {}: {e}", path.display())))?;
        for cert in certs {
            let cert = cert.map_err(|e| ImapError::Protocol(format!("reading {}: {e}", path.display())))?;
            roots
                .add(cert)
                .map_err(|e| ImapError::Protocol(format!("a certificate in {}: {e}", path.display())))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::Protocol(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| ImapError::Protocol(format!("TLS server name {host}: {e}")))?;
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await?)
}

/// Reads one council mailbox into heard.
#[derive(Clone)]
pub struct ImapIntake {
    account: ImapAccount,
    ingestor: Ingestor,
    store: Store,
}

impl ImapIntake {
    pub fn new(account: ImapAccount, ingestor: Ingestor, store: Store) -> ImapIntake {
        ImapIntake {
            account,
            ingestor,
            store,
        }
    }

    fn key(&self) -> String {
        format!("{}@{}", self.account.username, self.account.host)
    }

    /// Connects, handles every message waiting, and logs out.
    pub async fn run_once(&self) -> Result<Round, ImapError> {
        let mut session = connect(&self.account).await?;
        let round = self.handle_waiting(&mut session).await;
        let _ = session.logout().await;
        round
    }

    /// Handles every message in the folder, oldest first.
    #[tracing::instrument(skip_all, fields(mailbox = %self.account.address, folder = %self.account.folder))]
    pub async fn handle_waiting(&self, session: &mut ImapSession) -> Result<Round, ImapError> {
        let a = &self.account;
        if let Err(e) = session.create(&a.done_folder).await {
            tracing::trace!(error = %e, "done folder not created (it usually exists)");
        }
        let selected = session.select(&a.folder).await?;
        let validity = i64::from(selected.uid_validity.unwrap_or(0));
        let handled_up_to = match self.store.imap_position(&self.key(), &a.folder).await? {
            Some((v, last)) if v == validity => last,
            _ => 0,
        };
        let can_move = session.capabilities().await?.has_str("MOVE");
        let mut uids: Vec<u32> = session.uid_search("UNDELETED").await?.into_iter().collect();
        uids.sort_unstable();
        let mut round = Round::default();
        for uid in uids {
            if i64::from(uid) > handled_up_to {
                let fetched: Vec<_> = session
                    .uid_fetch(uid.to_string(), "(UID INTERNALDATE BODY.PEEK[])")
                    .await?
                    .try_collect()
                    .await?;
                let Some(f) = fetched.iter().find(|f| f.uid == Some(uid)) else {
                    continue; // expunged meanwhile
                };
                let raw = f.body().unwrap_or_default().to_vec();
                let when = f
                    .internal_date()
                    .and_then(|d| jiff::Timestamp::from_second(d.timestamp()).ok());
                match self.ingestor.ingest(raw, when, Some(&a.address)).await {
                    Ok(Ingested::AlreadyPresent) => round.already_present += 1,
                    Ok(_) => round.imported += 1,
                    Err(e @ (IngestError::NotAMessage(_) | IngestError::TooLarge { .. })) => {
                        tracing::warn!(uid, error = %e, "IMAP message refused; moved aside");
                        self.flag(session, uid, "$HeardRejected").await?;
                        round.rejected += 1;
                    }
                    Err(e) => return Err(ImapError::Ingest(e)),
                }
                self.store
                    .set_imap_position(&self.key(), &a.folder, validity, i64::from(uid))
                    .await?;
            }
            self.flag(session, uid, "\\Seen").await?;
            if can_move {
                session.uid_mv(uid.to_string(), &a.done_folder).await?;
            } else {
                session.uid_copy(uid.to_string(), &a.done_folder).await?;
                self.flag(session, uid, "\\Deleted").await?;
                let _: Vec<_> = session.expunge().await?.try_collect().await?;
            }
        }
        if round != Round::default() {
            tracing::info!(?round, "IMAP round");
        }
        Ok(round)
    }

    async fn flag(&self, session: &mut ImapSession, uid: u32, flag: &str) -> Result<(), ImapError> {
        let _: Vec<_> = session
            .uid_store(uid.to_string(), format!("+FLAGS.SILENT ({flag})"))
            .await?
            .try_collect()
            .await?;
        Ok(())
    }

    /// Reads the mailbox until `stop`: handles what waits, then waits for new mail with
    /// IDLE (re-issued every `poll`) or, without IDLE, polls every `poll`. Reconnects after
    /// errors with back-off.
    pub async fn run(&self, poll: Duration, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let mut failures = 0u32;
        loop {
            let result = tokio::select! {
                _ = &mut stop => return,
                r = self.session_loop(poll) => r,
            };
            if let Err(e) = result {
                failures += 1;
                let wait = Duration::from_secs((5u64 << failures.min(6)).min(300));
                tracing::warn!(mailbox = %self.account.address, error = %e, ?wait, "IMAP intake interrupted; reconnecting");
                tokio::select! {
                    _ = &mut stop => return,
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        }
    }

    async fn session_loop(&self, poll: Duration) -> Result<(), ImapError> {
        let mut session = connect(&self.account).await?;
        let idle = session.capabilities().await?.has_str("IDLE");
        loop {
            self.handle_waiting(&mut session).await?;
            if idle {
                let mut handle = session.idle();
                handle.init().await?;
                {
                    let (wait, _interrupt) = handle.wait_with_timeout(poll);
                    wait.await?;
                }
                session = handle.done().await?;
            } else {
                tokio::time::sleep(poll).await;
                session.noop().await?;
            }
        }
    }
}
