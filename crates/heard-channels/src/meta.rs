//! Facebook Page and Instagram messages out, through Meta's documented Messenger Platform
//! Send API (`POST {base}/v19.0/me/messages?access_token=…`), behind a configurable base
//! URL so tests and councils' own proxies can stand in for the Graph API.
//!
//! Replies go through the store's social outbox (`heard_store::social`): [`SocialOutbox`]
//! claims each due message, sends it, and records Meta's `message_id`, or retries with
//! back-off while Meta is away (429, 5xx, a transient or rate-limit error, no connection),
//! or marks it failed when Meta refuses it for good (outside the 24-hour window, a
//! recipient who blocked the page, a bad token).

use jiff::{SignedDuration, Timestamp};

/// The Graph API's own address.
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";

/// The Graph API version heard speaks.
pub const GRAPH_VERSION: &str = "v19.0";

/// How a council's Facebook Page (and the Instagram account linked to it) is reached.
#[derive(Clone)]
pub struct MetaSettings {
    /// What Meta must send back in the webhook subscription handshake.
    pub verify_token: String,
    /// The app secret that signs every webhook delivery (`X-Hub-Signature-256`).
    pub app_secret: String,
    /// The Page access token replies are sent with.
    pub page_access_token: String,
    pub base_url: String,
}

/// Secrets stay out of logs and panics.
impl std::fmt::Debug for MetaSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetaSettings")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MetaError {
    #[error("Meta settings: {0}")]
    Config(String),
    /// Meta said no for good: retrying will not help.
    #[error("Meta refused the message: {0}")]
    Refused(String),
    /// Meta is away or busy: try again later.
    #[error("Meta is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] heard_store::StoreError),
}

/// A Send API client for one Page.
#[derive(Clone)]
pub struct GraphClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl GraphClient {
    /// Checks the settings, naming the field at fault.
    pub fn new(s: &MetaSettings) -> Result<GraphClient, MetaError> {
        if !(s.base_url.starts_with("https://") || s.base_url.starts_with("http://")) {
            return Err(MetaError::Config(format!("base_url: `{}` is not a URL", s.base_url)));
        }
        if s.page_access_token.trim().is_empty() {
            return Err(MetaError::Config("page_access_token: empty".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| MetaError::Config(e.to_string()))?;
        Ok(GraphClient {
            base: s.base_url.trim_end_matches('/').to_string(),
            token: s.page_access_token.trim().to_string(),
            http,
        })
    }

    /// Sends one text message as a response to the customer `recipient` (PSID or IGSID);
    /// returns Meta's `message_id`.
    pub async fn send_text(&self, recipient: &str, text: &str) -> Result<String, MetaError> {
        let r = self
            .http
            .post(format!("{}/{GRAPH_VERSION}/me/messages", self.base))
            .query(&[("access_token", &self.token)])
            .json(&serde_json::json!({
                "recipient": {"id": recipient},
                "messaging_type": "RESPONSE",
                "message": {"text": text},
            }))
            .send()
            .await
            // The URL carries the token: never let it into an error, a log or the outbox.
            .map_err(|e| MetaError::Unavailable(e.without_url().to_string()))?;
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        let reply: serde_json::Value = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
        if status.is_success() {
            return reply["message_id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| MetaError::Unavailable(format!("no message_id in Meta's answer: {body}")));
        }
        let error = &reply["error"];
        let message = error["message"].as_str().unwrap_or(&body);
        let code = error["code"].as_i64();
        let why = match code {
            Some(c) => format!("{status}: {message} (code {c})"),
            None => format!("{status}: {message}"),
        };
        // Meta's documented transient and rate-limit codes: 1, 2 (temporary), 4, 17, 32,
        // 613 (rate limits), and anything it marks `is_transient`.
        let transient =
            error["is_transient"].as_bool() == Some(true) || matches!(code, Some(1 | 2 | 4 | 17 | 32 | 613));
        if status.as_u16() == 429 || status.is_server_error() || transient {
            Err(MetaError::Unavailable(why))
        } else {
            Err(MetaError::Refused(why))
        }
    }
}

/// Sends the social outbox through the Send API.
pub struct SocialOutbox {
    store: heard_store::Store,
    client: GraphClient,
}

/// How long a claimed message is held before another node may try it.
const LEASE: SignedDuration = SignedDuration::from_secs(60);

impl SocialOutbox {
    pub fn new(store: heard_store::Store, client: GraphClient) -> SocialOutbox {
        SocialOutbox { store, client }
    }

    /// Sends every message due now; returns how many Meta accepted.
    pub async fn send_due(&self) -> Result<usize, MetaError> {
        self.send_due_at(Timestamp::now()).await
    }

    /// Sends every message due at `now` (a test's clock moved on to a retry).
    #[tracing::instrument(skip_all)]
    pub async fn send_due_at(&self, now: Timestamp) -> Result<usize, MetaError> {
        let mut sent = 0;
        while let Some(m) = self.store.claim_due_social(now, LEASE).await? {
            match self.client.send_text(&m.recipient, &m.body).await {
                Ok(id) => {
                    self.store.social_sent(m.id, &id).await?;
                    sent += 1;
                }
                Err(MetaError::Refused(why)) => {
                    tracing::warn!(id = m.id, %why, "social message refused for good");
                    self.store.social_failed(m.id, &why, None).await?;
                }
                Err(e) => {
                    // The email outbox's schedule: 30 s, 1 min, 2 min … at most an hour apart.
                    let wait = crate::smtp::backoff(m.attempts);
                    tracing::info!(id = m.id, error = %e, "social message not sent; will retry");
                    self.store
                        .social_failed(m.id, &e.to_string(), Some(Timestamp::now() + wait))
                        .await?;
                    // Meta is away: leave the rest for the next round.
                    break;
                }
            }
        }
        Ok(sent)
    }

    /// Sends due messages every `every` until `shutdown` resolves.
    pub async fn run(&self, every: std::time::Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.send_due().await {
                tracing::warn!(error = %e, "social outbox round failed");
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }
}
