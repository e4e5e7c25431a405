//! `/api/v1/cti/calls`: the phone system's webhook. It posts the caller's number as a
//! call rings; heard answers with the matching customer and the page to open for the
//! agent (the "log a call" form with that customer chosen), which the softphone pops.

use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::{AppState, Caller};
use axum::extract::State;
use heard_core::Identity;
use heard_store::CustomerRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A call ringing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomingCall {
    /// The caller's number as the phone system gives it (`07700 900123`, `+447700900123`);
    /// empty, `anonymous`, `withheld`, `private` or `unknown` when withheld.
    #[schema(example = "07700 900123")]
    pub caller: String,
}

/// Who is calling, and the page to open.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallMatch {
    /// The number in E.164, or null when withheld.
    #[schema(example = "+447700900123")]
    pub caller: Option<String>,
    /// The customer with that number, when there is exactly one.
    pub customer: Option<CustomerRecord>,
    /// Where the agent's browser goes: the "log a call" form, the customer chosen, or
    /// the number filled in for a new caller.
    #[schema(example = "/calls/new?customer=42")]
    pub open_url: String,
}

/// A call is ringing: find the caller.
#[utoipa::path(
    post, path = "/cti/calls", tag = "channels",
    request_body = IncomingCall,
    responses(
        (status = 200, body = CallMatch),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a phone number", body = Problem, content_type = "application/problem+json"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn incoming_call(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<IncomingCall>,
) -> ApiResult<axum::Json<CallMatch>> {
    let raw = body.caller.trim();
    let withheld = raw.is_empty()
        || ["anonymous", "withheld", "private", "unknown", "restricted"]
            .iter()
            .any(|w| raw.eq_ignore_ascii_case(w));
    if withheld {
        return Ok(axum::Json(CallMatch {
            caller: None,
            customer: None,
            open_url: "/calls/new".into(),
        }));
    }
    let identity = Identity::phone(raw).map_err(|e| ApiError::from(heard_core::Invalid::field("caller", e)))?;
    let customer = match state.store().customer_by_identity(&identity).await? {
        Some(id) => Some(state.store().customer(id).await?),
        None => None,
    };
    let open_url = match &customer {
        Some(c) => format!("/calls/new?customer={}", c.id),
        None => format!("/calls/new?phone={}", identity.value.replace('+', "%2B")),
    };
    tracing::info!(found = customer.is_some(), "incoming call");
    if let Some(c) = &customer {
        let detail = serde_json::json!({"via": "cti", "number": identity.value});
        state
            .audit(
                &caller,
                crate::audit::Action::CUSTOMER_READ,
                crate::audit::Subject::customer(c.id),
                detail,
            )
            .await?;
    }
    Ok(axum::Json(CallMatch {
        caller: Some(identity.value),
        customer,
        open_url,
    }))
}
