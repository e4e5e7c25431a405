//! Facebook Page and Instagram messages in, through Meta's Messenger Platform webhooks
//! (`GET /webhooks/meta`: the subscription handshake; `POST /webhooks/meta`: deliveries,
//! each signed with the app secret), and the case page's side of replies out (who to
//! send to, and whether Meta's 24-hour window is still open).
//!
//! A delivery is checked whole before anything is stored: a bad signature is refused
//! (401), malformed JSON is a 400 and an unusable message event a 422, each with nothing
//! kept. Message events become contacts through the same intake as the API (redaction,
//! values and signals, `Store::intake`) with the sender's page-scoped id as the identity
//! and the message's `mid` as `external_id`, so Meta's retries are stored once. Echoes of
//! the Page's own messages, delivery and read receipts, and other events are ignored.
//! Photos are kept as their addresses in the text; nothing is fetched at intake.

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::problem::{ApiError, ApiResult};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use heard_core::contact::ContactInput;
use heard_core::error::FieldError;
use heard_core::{Channel, Direction, NewContact};
use heard_store::CustomerRecord;
use heard_store::queries::ContactFilter;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::collections::HashMap;

pub use heard_channels::meta::MetaSettings;

/// How long after the customer's last message a reply may still go (Meta's standard
/// messaging window for `messaging_type: RESPONSE`).
const WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/webhooks/meta", axum::routing::get(verify).post(deliver))
}

fn settings(state: &AppState) -> ApiResult<&MetaSettings> {
    state
        .settings()
        .meta
        .as_ref()
        .ok_or_else(|| ApiError::not_found("/webhooks/meta"))
}

/// Equal, in time that does not depend on where the two differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The subscription handshake: Meta proves it knows the verify token; we echo its challenge.
async fn verify(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Response> {
    let meta = settings(&state)?;
    let token = q.get("hub.verify_token").map(String::as_str).unwrap_or("");
    if q.get("hub.mode").map(String::as_str) != Some("subscribe")
        || meta.verify_token.is_empty()
        || !same(token.as_bytes(), meta.verify_token.as_bytes())
    {
        tracing::warn!("Meta webhook handshake refused: wrong mode or verify token");
        return Err(ApiError::new(StatusCode::FORBIDDEN, "the verify token does not match"));
    }
    let challenge = q.get("hub.challenge").cloned().unwrap_or_default();
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], challenge).into_response())
}

/// Whether `signature` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under `secret`.
fn signed(secret: &str, body: &[u8], signature: Option<&str>) -> bool {
    let Some(hex_sig) = signature.and_then(|s| s.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&sig).is_ok()
}

/// One webhook delivery, as the Messenger Platform documents it (unknown fields allowed:
/// Meta adds them).
#[derive(Debug, Deserialize)]
struct Delivery {
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    messaging: Vec<Event>,
}

#[derive(Debug, Deserialize)]
struct Event {
    sender: Option<Party>,
    /// Milliseconds since the epoch.
    timestamp: Option<i64>,
    message: Option<Message>,
}

#[derive(Debug, Deserialize)]
struct Party {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Message {
    mid: Option<String>,
    text: Option<String>,
    #[serde(default)]
    is_echo: bool,
    #[serde(default)]
    attachments: Vec<Attachment>,
}

#[derive(Debug, Deserialize)]
struct Attachment {
    #[serde(rename = "type")]
    kind: Option<String>,
    payload: Option<AttachmentPayload>,
}

#[derive(Debug, Deserialize)]
struct AttachmentPayload {
    url: Option<String>,
}

/// A message's text with its attachments' addresses after it (photos are fetched later,
/// never at intake, so Meta gets its answer quickly).
fn message_text(m: &Message) -> String {
    let mut text = m.text.clone().unwrap_or_default();
    for a in &m.attachments {
        let Some(url) = a.payload.as_ref().and_then(|p| p.url.as_deref()) else {
            continue;
        };
        if !text.is_empty() {
            text.push('\n');
        }
        match a.kind.as_deref() {
            Some("image") => text.push_str(&format!("Photo: {url}")),
            Some(kind) => text.push_str(&format!("Attachment ({kind}): {url}")),
            None => text.push_str(&format!("Attachment: {url}")),
        }
    }
    text
}

/// The contacts a delivery carries, all valid, or every reason it is not.
fn contacts(state: &AppState, channel: Channel, d: &Delivery) -> Result<Vec<NewContact>, Vec<FieldError>> {
    let limits = &state.settings().limits;
    let now = jiff::Timestamp::now();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, entry) in d.entry.iter().enumerate() {
        for (j, event) in entry.messaging.iter().enumerate() {
            let Some(m) = &event.message else {
                continue; // delivery and read receipts, postbacks, reactions…
            };
            if m.is_echo {
                continue; // the Page's own message, sent by us or from Meta's inbox
            }
            let at = format!("entry[{i}].messaging[{j}]");
            let fail = |errors: &mut Vec<FieldError>, field: &str, reason: &str| {
                errors.push(FieldError {
                    field: format!("{at}.{field}"),
                    reason: reason.into(),
                })
            };
            let sender = event.sender.as_ref().map(|s| s.id.trim()).unwrap_or("");
            if sender.is_empty() {
                fail(&mut errors, "sender.id", "is missing");
                continue;
            }
            let Some(mid) = m.mid.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
                fail(&mut errors, "message.mid", "is missing");
                continue;
            };
            let body = message_text(m);
            if body.trim().is_empty() {
                tracing::info!(mid, "Meta message with neither text nor attachment ignored");
                continue;
            }
            let received_at = match event.timestamp.map(jiff::Timestamp::from_millisecond) {
                None => None,
                Some(Ok(t)) => Some(t.to_string()),
                Some(Err(_)) => {
                    fail(&mut errors, "timestamp", "is not a time in milliseconds");
                    continue;
                }
            };
            let input = ContactInput {
                channel: channel.as_str().into(),
                direction: None,
                from: sender.into(),
                subject: None,
                body,
                body_html: None,
                received_at,
                external_id: Some(mid.into()),
                service: None,
                kind: None,
                priority: None,
                attachments: Vec::new(),
            };
            match NewContact::validate(input, now, limits) {
                Ok(c) => out.push(c),
                Err(e) => errors.extend(e.errors.into_iter().map(|f| FieldError {
                    field: format!("{at}.{}", f.field),
                    reason: f.reason,
                })),
            }
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// A delivery: signature checked over the raw bytes, then every message event stored.
async fn deliver(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let meta = settings(&state)?;
    let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok());
    if !signed(&meta.app_secret, &body, signature) {
        tracing::warn!(
            present = signature.is_some(),
            "Meta webhook delivery refused: bad signature"
        );
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "X-Hub-Signature-256 is missing or does not match the body",
        ));
    }
    let delivery: Delivery = serde_json::from_slice(&body).map_err(|e| {
        tracing::warn!(error = %e, "Meta webhook delivery is not the documented JSON");
        ApiError::bad_request(format!("the body is not a webhook delivery: {e}"))
    })?;
    let channel = match delivery.object.as_str() {
        "page" => Channel::Facebook,
        "instagram" => Channel::Instagram,
        other => {
            // Signed by Meta, so not ours to refuse: an object we did not subscribe to.
            tracing::info!(object = other, "Meta webhook delivery for another object ignored");
            return Ok(axum::Json(serde_json::json!({"stored": 0, "already_present": 0})).into_response());
        }
    };
    let contacts = contacts(&state, channel, &delivery).map_err(|errors| {
        tracing::warn!(
            ?errors,
            "Meta webhook delivery has unusable message events; nothing stored"
        );
        ApiError::from(heard_core::error::Invalid { errors })
    })?;
    let (mut stored, mut present) = (0, 0);
    for mut contact in contacts {
        let removed = crate::api::contacts::redact_contact(&mut contact);
        if removed > 0 {
            tracing::info!(removed, "card details redacted from a social message");
        }
        let entities = crate::api::contacts::read_values(&state, &contact);
        let config = state.intake().await;
        let outcome = state.store().intake(&contact, &[], &entities, &config).await?;
        if outcome.created {
            stored += 1;
        } else {
            present += 1;
        }
        let detail = serde_json::json!({"channel": contact.channel, "via": "meta webhook", "created": outcome.created,
                                        "case_created": outcome.case_created, "customer_created": outcome.customer_created});
        state
            .audit_as(None, "meta", Action::CONTACT_CREATE, Subject::intake(&outcome), detail)
            .await?;
    }
    Ok(axum::Json(serde_json::json!({"stored": stored, "already_present": present})).into_response())
}

/// A way the agent can answer on Meta's platforms: (value, label).
pub(crate) const FACEBOOK: (&str, &str) = ("facebook", "Facebook message (sent to the customer)");
pub(crate) const INSTAGRAM: (&str, &str) = ("instagram", "Instagram message (sent to the customer)");

/// The social reply choices for `customer`: a platform is offered when Meta is set up and
/// the customer has a page-scoped id there (all digits; a handle typed by hand is not one).
pub(crate) fn reply_choices(state: &AppState, customer: &CustomerRecord) -> Vec<(&'static str, &'static str)> {
    if state.settings().meta.is_none() {
        return Vec::new();
    }
    [FACEBOOK, INSTAGRAM]
        .into_iter()
        .filter(|(v, _)| {
            customer
                .identities
                .iter()
                .any(|i| i.kind.as_str() == *v && is_scoped_id(&i.value))
        })
        .collect()
}

fn is_scoped_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Where a reply on `channel` can go, or why it cannot.
pub(crate) enum Target {
    /// The customer's page-scoped id, within the window.
    Ready(String),
    /// Meta is not set up, or the customer never wrote to us there.
    Unreachable,
    /// Their last message there is older than Meta's 24-hour window.
    WindowClosed,
}

/// The sender of the customer's newest message on `channel`, if it is recent enough.
pub(crate) async fn target(
    state: &AppState,
    customer_id: i64,
    channel: Channel,
) -> Result<Target, heard_store::StoreError> {
    if state.settings().meta.is_none() {
        return Ok(Target::Unreachable);
    }
    let filter = ContactFilter {
        customer: Some(customer_id),
        channel: Some(channel),
        direction: Some(Direction::Inbound),
        limit: Some(1),
        ..Default::default()
    };
    let page = state
        .store()
        .list_contacts(&filter, &state.settings().reference_prefix)
        .await?;
    let Some(newest) = page.items.first() else {
        return Ok(Target::Unreachable);
    };
    // Stored as the identity reads (`facebook:@<psid>`); a handle typed by hand is no id.
    let id = heard_core::identity::Sender::parse(channel, newest.sender.trim_start_matches(&format!("{channel}:")))
        .map(|s| s.identity.value)
        .unwrap_or_default();
    Ok(if !is_scoped_id(&id) {
        Target::Unreachable
    } else if newest.received_at + WINDOW < jiff::Timestamp::now() {
        Target::WindowClosed
    } else {
        Target::Ready(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_the_hmac_of_the_exact_body() {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"secret").unwrap();
        mac.update(b"{}");
        let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert!(signed("secret", b"{}", Some(&good)));
        assert!(!signed("secret", b"{} ", Some(&good)));
        assert!(!signed("other", b"{}", Some(&good)));
        assert!(!signed("secret", b"{}", None));
        assert!(!signed("secret", b"{}", Some("sha1=00")));
        assert!(!signed("secret", b"{}", Some("sha256=zz")));
    }

    #[test]
    fn attachments_follow_the_text() {
        let m: Message = serde_json::from_value(serde_json::json!({
            "mid": "m1", "text": "Pothole on Wharf Road",
            "attachments": [{"type": "image", "payload": {"url": "https://cdn.example/p.jpg"}}]
        }))
        .unwrap();
        assert_eq!(
            message_text(&m),
            "Pothole on Wharf Road\nPhoto: https://cdn.example/p.jpg"
        );
    }
}
