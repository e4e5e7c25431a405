//! `/api/v1/session`: signing people in and out.

use crate::auth::{SESSION_COOKIE, cookie_header};
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::{AppState, Caller};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    /// For an account with two-factor sign-in: the current code from its authenticator
    /// app, or a recovery code.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    pub user: heard_store::UserRecord,
    /// Send as `X-CSRF-Token` with every change made with this session.
    pub csrf_token: String,
}

/// Sign in with email and password; sets the session cookie.
#[utoipa::path(
    post, path = "/session", tag = "session", request_body = SignIn, security(()),
    responses((status = 200, body = SignedIn), (status = 401, body = Problem, content_type = "application/problem+json"))
)]
pub async fn sign_in(State(state): State<AppState>, ApiJson(b): ApiJson<SignIn>) -> ApiResult<Response> {
    let (secret, session) = crate::two_factor::api_sign_in(&state, &b.email, &b.password, b.code.as_deref()).await?;
    let cookie = cookie_header(&state, &secret, state.settings().session_hours * 3600);
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(SignedIn {
            user: session.user,
            csrf_token: session.csrf_token,
        }),
    )
        .into_response())
}

/// Sign out; ends the session.
#[utoipa::path(delete, path = "/session", tag = "session", responses((status = 204)))]
pub async fn sign_out(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    end_session(&state, &caller, &headers).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cookie_header(&state, "", 0))],
    )
        .into_response())
}

/// Ends the session named by the request's cookie, if any, and records the sign-out:
/// the API's `DELETE /session` and the pages' "Sign out" alike.
pub async fn end_session(state: &AppState, caller: &Caller, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let secret = crate::auth::cookie(headers, SESSION_COOKIE);
    if let Some(secret) = secret {
        state.store().delete_session(secret).await?;
    }
    state
        .audit(
            caller,
            crate::audit::Action::SIGN_OUT,
            crate::audit::Subject::none(),
            serde_json::json!({}),
        )
        .await
}
