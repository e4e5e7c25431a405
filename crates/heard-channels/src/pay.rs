//! Payments by link through GOV.UK Pay: its documented public API (`POST /v1/payments`,
//! `GET /v1/payments/{payment_id}`, a bearer API key), behind a configurable base URL so
//! tests and councils' own proxies can stand in for it.
//!
//! heard asks Pay for a payment and sends the resident Pay's link (`next_url`); the
//! resident types their card details on Pay's own pages. heard never sees, asks for or
//! stores a card number: what comes back is only the payment's state. That state reaches
//! heard three ways, all ending in `Store::set_payment_status` (idempotent, never moving a
//! payment backwards): Pay's signed webhook, the resident arriving back on the return page,
//! and [`PayPoller`], which asks Pay about unfinished payments in case neither came.

use jiff::{SignedDuration, Timestamp};

/// Pay's own address.
pub const DEFAULT_BASE_URL: &str = "https://publicapi.payments.service.gov.uk";

/// The smallest and largest amounts Pay accepts, in pence (1p to £100,000).
pub const MIN_PENCE: i64 = 1;
pub const MAX_PENCE: i64 = 10_000_000;

/// Longest reference and description Pay accepts, in characters.
pub const MAX_TEXT_CHARS: usize = 255;

/// How a council's Pay service is reached.
#[derive(Clone)]
pub struct PaySettings {
    pub base_url: String,
    /// The service's API key (live or test), sent as a bearer token.
    pub api_key: String,
    /// The webhook signing secret: Pay signs each webhook body with it (`Pay-Signature`).
    pub webhook_secret: String,
}

/// Secrets stay out of logs and panics.
impl std::fmt::Debug for PaySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaySettings")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PayError {
    #[error("Pay settings: {0}")]
    Config(String),
    /// What we were about to send is not something Pay accepts (checked before sending).
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// Pay refused the request (4xx), naming the field and its error code where it did.
    #[error("Pay refused the request: {description} ({code}{})", field.as_deref().map(|f| format!(", field {f}")).unwrap_or_default())]
    Refused {
        field: Option<String>,
        code: String,
        description: String,
    },
    /// Pay did not accept the API key (401).
    #[error("Pay did not accept the API key")]
    Unauthorised,
    /// No such payment in this Pay account (404).
    #[error("Pay has no payment {0}")]
    NotFound(String),
    /// Pay is away or busy (5xx, 429, no connection, an answer we cannot read): try later.
    #[error("GOV.UK Pay is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] heard_store::StoreError),
}

/// An amount of money in pence, within what Pay accepts. Kept as whole pence, never as a
/// float, so £11.10 is exactly 1110.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(i64);

impl Amount {
    /// `pence` if Pay accepts it (1p to £100,000).
    pub fn from_pence(pence: i64) -> Result<Amount, PayError> {
        if pence < MIN_PENCE {
            return Err(PayError::Invalid {
                field: "amount",
                reason: "The amount must be at least 1p".into(),
            });
        }
        if pence > MAX_PENCE {
            return Err(PayError::Invalid {
                field: "amount",
                reason: "The amount must be £100,000 or less".into(),
            });
        }
        Ok(Amount(pence))
    }

    /// An amount in pounds as people type it: `11`, `11.5`, `11.00`, `£11.00`, `1,100.00`.
    /// No more than two decimal places; no signs, no exponents.
    pub fn parse_pounds(raw: &str) -> Result<Amount, PayError> {
        let bad = || PayError::Invalid {
            field: "amount",
            reason: "Enter the amount in pounds, like 11.00".into(),
        };
        let s = raw.trim();
        let s = s.strip_prefix('£').unwrap_or(s).trim();
        // Thousands separators only between digit groups of three.
        let (whole, fraction) = match s.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (s, None),
        };
        let groups: Vec<&str> = whole.split(',').collect();
        if groups.len() > 1 && groups.iter().skip(1).any(|g| g.len() != 3) {
            return Err(bad());
        }
        let whole: String = groups.concat();
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 9 {
            return Err(bad());
        }
        let pence_part = match fraction {
            None => 0,
            Some(f) if f.is_empty() || f.len() > 2 || !f.bytes().all(|b| b.is_ascii_digit()) => return Err(bad()),
            Some(f) if f.len() == 1 => f.parse::<i64>().map_err(|_| bad())? * 10,
            Some(f) => f.parse::<i64>().map_err(|_| bad())?,
        };
        let pounds: i64 = whole.parse().map_err(|_| bad())?;
        Amount::from_pence(pounds * 100 + pence_part)
    }

    pub fn pence(self) -> i64 {
        self.0
    }
}

/// `£11.00`, `£1,100.50`.
impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", pounds(self.0))
    }
}

/// Pence in pounds as the resident reads it: `£11.00`, `£1,100.50`.
pub fn pounds(pence: i64) -> String {
    let (p, d) = (pence / 100, (pence % 100).abs());
    let digits = p.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if pence < 0 { "-" } else { "" };
    format!("{sign}£{grouped}.{d:02}")
}

/// A payment's state as Pay names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    Created,
    Started,
    Submitted,
    Capturable,
    Success,
    Failed,
    Cancelled,
    Error,
}

impl PaymentStatus {
    pub const ALL: &[PaymentStatus] = &[
        PaymentStatus::Created,
        PaymentStatus::Started,
        PaymentStatus::Submitted,
        PaymentStatus::Capturable,
        PaymentStatus::Success,
        PaymentStatus::Failed,
        PaymentStatus::Cancelled,
        PaymentStatus::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Created => "created",
            PaymentStatus::Started => "started",
            PaymentStatus::Submitted => "submitted",
            PaymentStatus::Capturable => "capturable",
            PaymentStatus::Success => "success",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL.iter().copied().find(|p| p.as_str() == s)
    }

    /// Nothing more will happen to the payment: it succeeded, failed (declined, expired),
    /// was cancelled, or Pay had an error.
    pub fn finished(self) -> bool {
        matches!(
            self,
            PaymentStatus::Success | PaymentStatus::Failed | PaymentStatus::Cancelled | PaymentStatus::Error
        )
    }

    /// The status a webhook event type stands for, when its resource does not say.
    pub fn from_event(event_type: &str) -> Option<PaymentStatus> {
        Some(match event_type {
            "card_payment_started" => PaymentStatus::Started,
            "card_payment_submitted" => PaymentStatus::Submitted,
            "card_payment_captured" | "card_payment_succeeded" => PaymentStatus::Success,
            "card_payment_failed" | "card_payment_expired" => PaymentStatus::Failed,
            "card_payment_cancelled" => PaymentStatus::Cancelled,
            _ => return None,
        })
    }
}

impl std::fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment to ask Pay for.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub amount: Amount,
    /// Ours: the case reference, so the council's finance team can match it.
    pub reference: String,
    /// What the resident is paying for, as Pay shows it to them.
    pub description: String,
    /// Where Pay sends the resident when they finish (or give up).
    pub return_url: String,
    /// Prefills the email on Pay's page, for the receipt.
    pub email: Option<String>,
    /// `en` or `cy`: the language of Pay's pages.
    pub language: String,
}

impl NewPayment {
    /// Checks what Pay would refuse, naming the field.
    pub fn validate(&self) -> Result<(), PayError> {
        let invalid = |field, reason: &str| PayError::Invalid {
            field,
            reason: reason.into(),
        };
        Amount::from_pence(self.amount.pence())?;
        let reference = self.reference.trim();
        if reference.is_empty() || reference.chars().count() > MAX_TEXT_CHARS {
            return Err(invalid("reference", "must be 1 to 255 characters"));
        }
        let description = self.description.trim();
        if description.is_empty() {
            return Err(invalid("description", "say what the payment is for"));
        }
        if description.chars().count() > MAX_TEXT_CHARS {
            return Err(invalid("description", "must be 255 characters or fewer"));
        }
        if !return_url_ok(&self.return_url) {
            return Err(invalid(
                "return_url",
                "must be an https:// address (http:// only on this machine)",
            ));
        }
        if !matches!(self.language.as_str(), "en" | "cy") {
            return Err(invalid("language", "must be en or cy"));
        }
        Ok(())
    }
}

/// Pay requires https return addresses; plain http is allowed only for this machine (a
/// stand-in, a developer's heard), never for a public address.
fn return_url_ok(url: &str) -> bool {
    if url.starts_with("https://") && url.len() > "https://".len() {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// A payment as Pay describes it (never any card details: heard asks for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub payment_id: String,
    pub amount: i64,
    pub reference: String,
    pub description: String,
    pub status: PaymentStatus,
    pub finished: bool,
    /// Pay's failure code and message (`P0010`, "Payment method rejected").
    pub failure: Option<(String, String)>,
    /// Where the resident pays, while the payment can still be paid.
    pub next_url: Option<String>,
}

impl Payment {
    /// Reads Pay's payment object; `None` when it lacks an id or a known status.
    pub fn from_json(v: &serde_json::Value) -> Option<Payment> {
        let state = &v["state"];
        let status = PaymentStatus::parse(state["status"].as_str()?)?;
        let failure = state["code"]
            .as_str()
            .map(|c| (c.to_string(), state["message"].as_str().unwrap_or("").to_string()));
        Some(Payment {
            payment_id: v["payment_id"].as_str()?.to_string(),
            amount: v["amount"].as_i64().unwrap_or(0),
            reference: v["reference"].as_str().unwrap_or("").to_string(),
            description: v["description"].as_str().unwrap_or("").to_string(),
            status,
            finished: state["finished"].as_bool().unwrap_or(status.finished()),
            failure,
            next_url: v["_links"]["next_url"]["href"].as_str().map(str::to_string),
        })
    }
}

/// Whether `signature` (Pay's `Pay-Signature` header: hex HMAC-SHA256 of the body) is
/// right for `body` under `secret`. Compared in constant time.
pub fn signed(secret: &str, body: &[u8], signature: Option<&str>) -> bool {
    use hmac::{Hmac, Mac};
    let Some(sig) = signature.map(str::trim).and_then(|s| hex::decode(s).ok()) else {
        return false;
    };
    if secret.is_empty() {
        return false;
    }
    let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// A Pay client for one service.
#[derive(Clone)]
pub struct PayClient {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl PayClient {
    /// Checks the settings, naming the field at fault.
    pub fn new(s: &PaySettings) -> Result<PayClient, PayError> {
        if !(s.base_url.starts_with("https://") || s.base_url.starts_with("http://")) {
            return Err(PayError::Config(format!("base_url: `{}` is not a URL", s.base_url)));
        }
        if s.api_key.trim().is_empty() {
            return Err(PayError::Config("api_key: empty".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| PayError::Config(e.to_string()))?;
        Ok(PayClient {
            base: s.base_url.trim_end_matches('/').to_string(),
            key: s.api_key.trim().to_string(),
            http,
        })
    }

    /// Asks Pay for a payment; returns it with its `next_url` for the resident.
    pub async fn create_payment(&self, p: &NewPayment) -> Result<Payment, PayError> {
        p.validate()?;
        let mut body = serde_json::json!({
            "amount": p.amount.pence(),
            "reference": p.reference.trim(),
            "description": p.description.trim(),
            "return_url": p.return_url,
            "language": p.language,
        });
        if let Some(email) = p.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            body["email"] = email.into();
        }
        let r = self
            .http
            .post(format!("{}/v1/payments", self.base))
            .bearer_auth(&self.key)
            .json(&body)
            .send()
            .await
            .map_err(|e| PayError::Unavailable(e.to_string()))?;
        let payment = answer(r, "").await?;
        if payment.next_url.is_none() {
            return Err(PayError::Unavailable(format!(
                "Pay's answer for payment {} has no next_url",
                payment.payment_id
            )));
        }
        Ok(payment)
    }

    /// The payment's current state.
    pub async fn get_payment(&self, payment_id: &str) -> Result<Payment, PayError> {
        let id_ok = !payment_id.is_empty() && payment_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !id_ok {
            return Err(PayError::NotFound(payment_id.to_string()));
        }
        let r = self
            .http
            .get(format!("{}/v1/payments/{payment_id}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| PayError::Unavailable(e.to_string()))?;
        answer(r, payment_id).await
    }
}

/// Pay's answer as a payment, or the error it stands for.
async fn answer(r: reqwest::Response, payment_id: &str) -> Result<Payment, PayError> {
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    let reply: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    if status.is_success() {
        return Payment::from_json(&reply)
            .ok_or_else(|| PayError::Unavailable(format!("Pay's answer is not a payment: {status}")));
    }
    match status.as_u16() {
        401 | 403 => Err(PayError::Unauthorised),
        404 => Err(PayError::NotFound(payment_id.to_string())),
        429 | 500..=599 => Err(PayError::Unavailable(format!("{status}"))),
        _ => Err(PayError::Refused {
            field: reply["field"].as_str().map(str::to_string),
            code: reply["code"].as_str().unwrap_or("").to_string(),
            description: reply["description"].as_str().unwrap_or(status.as_str()).to_string(),
        }),
    }
}

/// How long after a payment was made heard stops asking Pay about it (Pay ends an unpaid
/// payment long before: its link expires after 90 minutes).
pub const GIVE_UP_AFTER: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Asks Pay about unfinished payments, so a status reaches the case even when no webhook
/// came and the resident never returned.
pub struct PayPoller {
    store: heard_store::Store,
    client: PayClient,
    every: SignedDuration,
}

impl PayPoller {
    /// Each unfinished payment is asked about at most once every `every`.
    pub fn new(store: heard_store::Store, client: PayClient, every: std::time::Duration) -> PayPoller {
        let every = SignedDuration::try_from(every).unwrap_or(SignedDuration::from_secs(60));
        PayPoller { store, client, every }
    }

    /// Asks about every payment due a check now; returns how many changed status.
    #[tracing::instrument(skip_all)]
    pub async fn poll_due(&self) -> Result<usize, PayError> {
        let mut changed = 0;
        let now = Timestamp::now();
        while let Some(p) = self
            .store
            .claim_payment_check(now, self.every, now - GIVE_UP_AFTER)
            .await?
        {
            match self.client.get_payment(&p.pay_id).await {
                Ok(found) => {
                    let failure = found.failure.as_ref().map(|f| f.0.as_str());
                    if self
                        .store
                        .set_payment_status(p.id, found.status.as_str(), "poll", failure)
                        .await?
                    {
                        changed += 1;
                    }
                }
                Err(PayError::Unavailable(why)) => {
                    // Pay is away: the rest wait for the next round.
                    tracing::info!(id = p.id, %why, "Pay unavailable; payment checks wait");
                    break;
                }
                Err(e) => tracing::warn!(id = p.id, error = %e, "a payment's status could not be read"),
            }
        }
        Ok(changed)
    }

    /// Polls every `every` until `shutdown` resolves.
    pub async fn run(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let pause = std::time::Duration::try_from(self.every).unwrap_or(std::time::Duration::from_secs(60));
        loop {
            if let Err(e) = self.poll_due().await {
                tracing::warn!(error = %e, "payment status round failed");
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_pounds_become_whole_pence() {
        for (typed, pence) in [
            ("11.00", 1100),
            ("11", 1100),
            ("11.5", 1150),
            ("£11.10", 1110),
            (" 0.01 ", 1),
            ("1,100.50", 110_050),
            ("100000", 10_000_000),
            ("100000.00", 10_000_000),
        ] {
            assert_eq!(Amount::parse_pounds(typed).unwrap().pence(), pence, "{typed}");
        }
    }

    #[test]
    fn bad_amounts_are_refused_naming_the_field() {
        for typed in [
            "",
            "0",
            "0.00",
            "abc",
            "100000.01",
            "-5",
            "1e3",
            "11.001",
            "11.",
            ".5",
            "1,00",
            "£",
            "12,345,67",
            "99999999999",
        ] {
            match Amount::parse_pounds(typed) {
                Err(PayError::Invalid { field, .. }) => assert_eq!(field, "amount", "{typed}"),
                other => panic!("{typed}: {other:?}"),
            }
        }
        assert!(Amount::from_pence(0).is_err());
        assert!(Amount::from_pence(10_000_001).is_err());
    }

    #[test]
    fn amounts_read_as_pounds() {
        assert_eq!(Amount::from_pence(1100).unwrap().to_string(), "£11.00");
        assert_eq!(pounds(110_050), "£1,100.50");
        assert_eq!(pounds(5), "£0.05");
        assert_eq!(pounds(10_000_000), "£100,000.00");
    }

    #[test]
    fn return_addresses_are_https_or_this_machine() {
        assert!(return_url_ok("https://contact.council.gov.uk/pay/return/abc"));
        assert!(return_url_ok("http://127.0.0.1:8080/pay/return/abc"));
        assert!(return_url_ok("http://localhost/pay"));
        assert!(!return_url_ok("http://contact.council.gov.uk/pay"));
        assert!(!return_url_ok("http://127.0.0.1.evil.example/pay"));
        assert!(!return_url_ok("ftp://x"));
    }

    #[test]
    fn a_signature_is_the_hex_hmac_of_the_exact_body() {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(b"secret").unwrap();
        mac.update(b"{}");
        let good = hex::encode(mac.finalize().into_bytes());
        assert!(signed("secret", b"{}", Some(&good)));
        assert!(!signed("secret", b"{} ", Some(&good)));
        assert!(!signed("other", b"{}", Some(&good)));
        assert!(!signed("", b"{}", Some(&good)));
        assert!(!signed("secret", b"{}", None));
        assert!(!signed("secret", b"{}", Some("zz")));
    }

    #[test]
    fn pay_payment_objects_are_read() {
        let v = serde_json::json!({
            "payment_id": "hu20sqlact5260q2nanm0q8u93", "amount": 1100, "reference": "HRD-000123",
            "description": "Replacement certificate", "state": {"status": "failed", "finished": true,
            "code": "P0030", "message": "Payment was cancelled by the user"},
            "_links": {"next_url": {"href": "https://card.payments.service.gov.uk/secure/x", "method": "GET"}}
        });
        let p = Payment::from_json(&v).unwrap();
        assert_eq!(p.status, PaymentStatus::Failed);
        assert!(p.finished);
        assert_eq!(p.failure.as_ref().unwrap().0, "P0030");
        assert!(Payment::from_json(&serde_json::json!({"payment_id": "x", "state": {"status": "odd"}})).is_none());
        assert_eq!(
            PaymentStatus::from_event("card_payment_succeeded"),
            Some(PaymentStatus::Success)
        );
        assert!(PaymentStatus::Success.finished() && !PaymentStatus::Started.finished());
    }
}
