//! Text messages out through GOV.UK Notify: its documented REST API
//! (`POST /v2/notifications/sms`, a JWT signed with the service's secret key), behind a
//! configurable base URL so tests and councils' own proxies can stand in for it.
//!
//! Messages go through the store's SMS outbox (`heard_store::sms`): [`SmsOutbox::run`]
//! claims each due message, sends it, and records Notify's id, or retries with back-off
//! while Notify is away (429, 5xx, no connection), or marks it failed when Notify refuses
//! it for good (400, 403). One Notify template, `((body))`, carries heard's text.
//!
//! The JWT is made here (HS256 over two small JSON objects) rather than with a JWT
//! crate: Notify asks for exactly `iss` and `iat`, nothing to parse or verify.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::Sha256;

/// Notify's own address.
pub const DEFAULT_BASE_URL: &str = "https://api.notifications.service.gov.uk";

/// How a council's Notify account is reached.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    pub base_url: String,
    /// The API key as Notify shows it: `name-{service id}-{secret key}`.
    pub api_key: String,
    /// A template whose whole text is `((body))`.
    pub sms_template_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("Notify settings: {0}")]
    Config(String),
    /// Notify said no for good (a bad number, a bad key): retrying will not help.
    #[error("Notify refused the message: {0}")]
    Refused(String),
    /// Notify is away or busy: try again later.
    #[error("Notify is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] heard_store::StoreError),
}

/// A Notify client for one service.
#[derive(Clone)]
pub struct NotifyClient {
    base: String,
    service_id: String,
    secret: String,
    template: String,
    http: reqwest::Client,
}

impl NotifyClient {
    /// Checks the settings: the key must hold a service id and a secret (two UUIDs).
    pub fn new(s: &NotifySettings) -> Result<NotifyClient, NotifyError> {
        let key = s.api_key.trim();
        // The last 73 characters are `{service id}-{secret}`, 36 each.
        if key.len() < 74 || !key.is_char_boundary(key.len() - 73) {
            return Err(NotifyError::Config(
                "api key: not a Notify API key (name-serviceid-secret)".into(),
            ));
        }
        let tail = &key[key.len() - 73..];
        let (service_id, secret) = (&tail[..36], &tail[37..]);
        let uuid = |u: &str| u.len() == 36 && u.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if !uuid(service_id) || !uuid(secret) || tail.as_bytes()[36] != b'-' {
            return Err(NotifyError::Config(
                "api key: not a Notify API key (name-serviceid-secret)".into(),
            ));
        }
        if !(s.base_url.starts_with("https://") || s.base_url.starts_with("http://")) {
            return Err(NotifyError::Config(format!("base_url: `{}` is not a URL", s.base_url)));
        }
        if s.sms_template_id.trim().is_empty() {
            return Err(NotifyError::Config("sms_template_id: missing".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| NotifyError::Config(e.to_string()))?;
        Ok(NotifyClient {
            base: s.base_url.trim_end_matches('/').to_string(),
            service_id: service_id.to_string(),
            secret: secret.to_string(),
            template: s.sms_template_id.trim().to_string(),
            http,
        })
    }

    /// The bearer token Notify expects: a JWT (HS256) with `iss` and `iat`.
    fn token(&self, now: Timestamp) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let claims = serde_json::json!({"iss": self.service_id, "iat": now.as_second()});
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing = format!("{header}.{claims}");
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.secret.as_bytes()).unwrap_or_else(|_| unreachable!("any key"));
        mac.update(signing.as_bytes());
        format!("{signing}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    /// Sends one text message; returns Notify's id for it.
    pub async fn send_sms(&self, to: &str, body: &str, reference: &str) -> Result<String, NotifyError> {
        let r = self
            .http
            .post(format!("{}/v2/notifications/sms", self.base))
            .bearer_auth(self.token(Timestamp::now()))
            .json(&serde_json::json!({
                "phone_number": to,
                "template_id": self.template,
                "personalisation": {"body": body},
                "reference": reference,
            }))
            .send()
            .await
            .map_err(|e| NotifyError::Unavailable(e.to_string()))?;
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        let reply: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        if status.is_success() {
            return reply["id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| NotifyError::Unavailable(format!("no id in Notify's answer: {text}")));
        }
        let message = reply["errors"][0]["message"].as_str().unwrap_or(&text).to_string();
        let why = format!("{status}: {message}");
        if status.as_u16() == 429 || status.is_server_error() {
            Err(NotifyError::Unavailable(why))
        } else {
            Err(NotifyError::Refused(why))
        }
    }
}

/// Sends the SMS outbox through Notify.
pub struct SmsOutbox {
    store: heard_store::Store,
    client: NotifyClient,
}

/// How long a claimed message is held before another node may try it.
const LEASE: SignedDuration = SignedDuration::from_secs(60);

impl SmsOutbox {
    pub fn new(store: heard_store::Store, client: NotifyClient) -> SmsOutbox {
        SmsOutbox { store, client }
    }

    /// Sends every message due now; returns how many Notify accepted.
    #[tracing::instrument(skip_all)]
    pub async fn send_due(&self) -> Result<usize, NotifyError> {
        let mut sent = 0;
        while let Some(m) = self.store.claim_due_sms(Timestamp::now(), LEASE).await? {
            match self.client.send_sms(&m.to, &m.body, &m.reference).await {
                Ok(id) => {
                    self.store.sms_sent(m.id, &id).await?;
                    sent += 1;
                }
                Err(NotifyError::Refused(why)) => {
                    tracing::warn!(id = m.id, %why, "text message refused for good");
                    self.store.sms_failed(m.id, &why, None).await?;
                }
                Err(e) => {
                    // The email outbox's schedule: 30 s, 1 min, 2 min … at most an hour apart.
                    let wait = crate::smtp::backoff(m.attempts);
                    tracing::info!(id = m.id, error = %e, "text message not sent; will retry");
                    self.store
                        .sms_failed(m.id, &e.to_string(), Some(Timestamp::now() + wait))
                        .await?;
                    // Notify is away: leave the rest for the next round.
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
                tracing::warn!(error = %e, "text message outbox round failed");
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "heard_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0";

    fn settings(key: &str) -> NotifySettings {
        NotifySettings {
            base_url: DEFAULT_BASE_URL.into(),
            api_key: key.into(),
            sms_template_id: "f33517ff-2a88-4f6e-b855-c550268ce08a".into(),
        }
    }

    #[test]
    fn the_key_holds_the_service_and_the_secret() {
        let c = NotifyClient::new(&settings(KEY)).unwrap();
        assert_eq!(c.service_id, "26785a09-ab16-4eb0-8407-a37497a57506");
        assert_eq!(c.secret, "3d844edf-8d35-48ac-975b-e847b4f122b0");
        for bad in [
            "",
            "short",
            "x-26785a09-ab16-4eb0-8407-a37497a57506_3d844edf-8d35-48ac-975b-e847b4f122b0",
        ] {
            assert!(NotifyClient::new(&settings(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_token_is_a_signed_jwt_with_iss_and_iat() {
        let c = NotifyClient::new(&settings(KEY)).unwrap();
        let now: Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
        let t = c.token(now);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["iss"], "26785a09-ab16-4eb0-8407-a37497a57506");
        assert_eq!(claims["iat"], now.as_second());
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"3d844edf-8d35-48ac-975b-e847b4f122b0").unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        assert!(mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).is_ok());
    }
}
