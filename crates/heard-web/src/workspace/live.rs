//! What the workspace's script asks for between page loads: saving a job's drafts as
//! the agent types, who else has a case open and whether anything new arrived on it,
//! and the queue counts. Each answers JSON to a signed-in session.

use super::visible_case;
use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// How long a page that stopped polling still counts as having the case open.
const PRESENCE_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_secs(30);

#[derive(Deserialize)]
pub(crate) struct Draft {
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    reply: String,
    #[serde(default)]
    note: String,
}

#[derive(Serialize)]
struct Saved {
    saved: bool,
    at: String,
}

/// Saves the job's drafts (`X-CSRF-Token` header required, as for any change).
pub(crate) async fn save_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    ApiJson(d): ApiJson<Draft>,
) -> Response {
    if let Err(e) = caller.require_write() {
        return e.into_response();
    }
    let reference = match visible_case(&state, &caller, &raw).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    const MAX: usize = 200_000;
    if d.reply.len() > MAX || d.note.len() > MAX {
        return ApiError::from(heard_core::Invalid::field(
            "reply",
            "a draft may be at most 200,000 bytes",
        ))
        .into_response();
    }
    match state
        .store()
        .save_draft(caller.user.id, &reference, d.channel.as_deref(), &d.reply, &d.note)
        .await
    {
        Ok(saved) => axum::Json(Saved {
            saved,
            at: jiff::Zoned::now().strftime("%H:%M:%S").to_string(),
        })
        .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Serialize)]
struct Live {
    /// Contacts on the case now: more than the page shows means something arrived.
    contacts: i64,
    /// The case's last change, in milliseconds.
    version: i64,
    /// Other people with the case open.
    viewers: Vec<String>,
}

/// Who else is here, and has anything changed. Also marks the caller as present.
pub(crate) async fn poll(State(state): State<AppState>, caller: Caller, Path(raw): Path<String>) -> Response {
    let reference = match visible_case(&state, &caller, &raw).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let store = state.store();
    let viewers = match store.touch_presence(&reference, caller.user.id, PRESENCE_WINDOW).await {
        Ok(v) => v,
        Err(e) => return ApiError::from(e).into_response(),
    };
    match store.case_version(&reference).await {
        Ok((contacts, at)) => axum::Json(Live {
            contacts,
            version: at.as_millisecond(),
            viewers: viewers.into_iter().map(|u| u.name).collect(),
        })
        .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The queue counts, for the cases page to refresh in place.
pub(crate) async fn counts(State(state): State<AppState>, caller: Caller) -> Response {
    match super::queues::counts(&state, &caller).await {
        Ok(c) => axum::Json(c).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
