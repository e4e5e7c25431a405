//! Payments by link through GOV.UK Pay, the outside's side: Pay's webhook
//! (`POST /webhooks/pay`) and the page Pay sends the resident back to
//! (`/pay/return/{token}`). The agent's side — asking for a payment from the case page —
//! is `workspace::payments`.
//!
//! The webhook is checked before anything is read: a `Pay-Signature` that is not the
//! HMAC-SHA256 of the exact body under the webhook secret is refused (401). A payment event
//! for one of our payments records its status (`Store::set_payment_status`: a repeat or a
//! late, older status changes nothing), so Pay's retries are harmless; anything else
//! signed by Pay is acknowledged and ignored. Pay gets its 200 as soon as that is stored.
//!
//! The return page is found by an unguessable token (only its SHA-256 is stored), shows
//! no personal data — the amount, what it was for, the case reference — and asks Pay
//! for the payment's status there and then, so the resident reads the truth even before
//! the webhook arrives.

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::i18n::{Lang, Public, public, t};
use crate::pages::render;
use crate::problem::{ApiError, ApiResult};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use heard_channels::pay::{PayClient, PayError, PaySettings, Payment, PaymentStatus, pounds};
use heard_store::payments::CasePayment;
use sha2::{Digest, Sha256};

/// Payment changes in the audit log (a payment requested; a status Pay reported).
pub(crate) const CASE_PAYMENT: Action = Action::change("case.payment");

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/pay", axum::routing::post(webhook))
        .route(
            "/pay/return/{token}",
            axum::routing::get(return_page).layer(axum::middleware::map_response(private)),
        )
        .layer(axum::middleware::from_fn(crate::i18n::remember))
}

/// The token travels in the address: the page tells no other site where it came from, and
/// no shared cache keeps it.
async fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Pay's settings, when `[pay]` is configured.
pub(crate) fn settings(state: &AppState) -> Option<&PaySettings> {
    state.settings().pay.as_ref()
}

/// A client for the configured Pay service.
pub(crate) fn client(state: &AppState) -> Result<PayClient, PayError> {
    let s = settings(state).ok_or_else(|| PayError::Config("[pay] is not configured".into()))?;
    PayClient::new(s)
}

/// A new return page token (256 random bits, hex) and the hash that is stored.
pub(crate) fn new_token() -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = token_hash(&token);
    (token, hash)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// One webhook message, as Pay documents it (unknown fields allowed: Pay adds them).
#[derive(Debug, serde::Deserialize)]
struct Message {
    webhook_message_id: Option<String>,
    resource_id: Option<String>,
    resource_type: Option<String>,
    event_type: Option<String>,
    resource: Option<serde_json::Value>,
}

async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let Some(pay) = settings(&state) else {
        return Err(ApiError::not_found("/webhooks/pay"));
    };
    let signature = headers.get("pay-signature").and_then(|v| v.to_str().ok());
    if !heard_channels::pay::signed(&pay.webhook_secret, &body, signature) {
        tracing::warn!(present = signature.is_some(), "Pay webhook refused: bad signature");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Pay-Signature is missing or does not match the body",
        ));
    }
    let m: Message = serde_json::from_slice(&body).map_err(|e| {
        tracing::warn!(error = %e, "Pay webhook is not the documented JSON");
        ApiError::bad_request(format!("the body is not a Pay webhook message: {e}"))
    })?;
    let ignored = |why: &str| {
        tracing::info!(message = ?m.webhook_message_id, why, "Pay webhook ignored");
        axum::Json(serde_json::json!({"recorded": false})).into_response()
    };
    if m.resource_type.as_deref() != Some("payment") {
        return Ok(ignored("not about a payment"));
    }
    let resource = m.resource.as_ref().and_then(Payment::from_json);
    let Some(pay_id) = m
        .resource_id
        .clone()
        .or_else(|| resource.as_ref().map(|r| r.payment_id.clone()))
    else {
        return Err(ApiError::from(heard_core::Invalid::field("resource_id", "is missing")));
    };
    // The resource is the payment as it was at the event; the event type says as much.
    let status = resource
        .as_ref()
        .map(|r| r.status)
        .or_else(|| m.event_type.as_deref().and_then(PaymentStatus::from_event));
    let Some(status) = status else {
        return Ok(ignored("an event that does not change a payment's status"));
    };
    let store = state.store();
    let Some(payment) = store.payment_by_pay_id(&pay_id).await? else {
        return Ok(ignored("not a payment heard asked for"));
    };
    let failure = resource.as_ref().and_then(|r| r.failure.as_ref()).map(|f| f.0.as_str());
    let changed = store
        .set_payment_status(payment.id, status.as_str(), "webhook", failure)
        .await?;
    if changed {
        audit_change(&state, &payment, status, "webhook").await?;
    }
    Ok(axum::Json(serde_json::json!({"recorded": changed})).into_response())
}

/// Writes a status Pay reported into the audit log, as Pay.
async fn audit_change(state: &AppState, p: &CasePayment, status: PaymentStatus, via: &str) -> ApiResult<()> {
    let reference = heard_core::CaseReference::new(&state.settings().reference_prefix, p.case_id)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let case = state.store().case(&reference).await?;
    let detail = serde_json::json!({"payment": p.id, "status": status.as_str(), "via": via});
    state
        .audit_as(None, "gov.uk pay", CASE_PAYMENT, Subject::case(&case), detail)
        .await
}

#[derive(Template)]
#[template(path = "pay_return.html")]
struct ReturnPage {
    p: Public,
    /// `paid`, `failed`, `waiting`, or `unknown` (no such payment).
    outcome: &'static str,
    amount: String,
    description: String,
    reference: String,
}

/// Where Pay sends the resident back. Asks Pay for the payment's status (when it is not
/// finished already) and says in the resident's language whether it went through.
async fn return_page(State(state): State<AppState>, lang: Lang, uri: Uri, Path(token): Path<String>) -> Response {
    let p = public(&state, lang, &uri);
    let unknown = |p: Public| {
        let page = ReturnPage {
            p,
            outcome: "unknown",
            amount: String::new(),
            description: String::new(),
            reference: String::new(),
        };
        (StatusCode::NOT_FOUND, render(&page)).into_response()
    };
    let found = if token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
        state.store().payment_by_return_token(&token_hash(&token)).await
    } else {
        Ok(None)
    };
    let mut payment = match found {
        Ok(Some(p)) => p,
        Ok(None) => return unknown(p),
        Err(e) => {
            tracing::error!(error = %e, "a payment return page could not be read");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                t(lang, "Sorry, there is a problem with the service"),
            )
                .into_response();
        }
    };
    if !heard_store::payments::finished(&payment.status) {
        match client(&state) {
            Ok(c) => match c.get_payment(&payment.pay_id).await {
                Ok(now) => {
                    let failure = now.failure.as_ref().map(|f| f.0.as_str());
                    match state
                        .store()
                        .set_payment_status(payment.id, now.status.as_str(), "return", failure)
                        .await
                    {
                        Ok(true) => {
                            if let Err(e) = audit_change(&state, &payment, now.status, "return").await {
                                tracing::warn!(error = ?e.detail, "a payment status was not audited");
                            }
                            payment.status = now.status.as_str().to_string();
                        }
                        Ok(false) => {}
                        Err(e) => tracing::warn!(error = %e, "a payment status was not recorded"),
                    }
                }
                // The page still answers; the webhook or the poller brings the status later.
                Err(e) => tracing::warn!(error = %e, "Pay was not asked for a returning resident's payment"),
            },
            Err(e) => tracing::warn!(error = %e, "Pay is not configured for a returning resident"),
        }
    }
    let outcome = match payment.status.as_str() {
        "success" => "paid",
        "failed" | "cancelled" | "error" => "failed",
        _ => "waiting",
    };
    let page = ReturnPage {
        p,
        outcome,
        amount: pounds(payment.amount_pence),
        description: payment.description,
        reference: payment.reference,
    };
    render(&page)
}
