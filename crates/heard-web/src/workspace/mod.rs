//! The agent workspace: queues of cases, the case page with the agent's jobs strip,
//! and the actions taken from it (reply, note, assign, status, follow-ups, transfer,
//! close). Server-rendered; `static/workspace.js` adds switching jobs by keyboard,
//! saving drafts as the agent types and live updates, but every action is a plain form
//! that works without it.

mod actions;
mod case_page;
mod clocks;
mod duplicates;
mod live;
mod payments;
mod queues;
mod search;
mod signals;
mod split;
mod values;

pub(crate) use values::read_values;

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::auth::Caller;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use heard_core::CaseReference;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/cases", get(queues::page))
        .route("/cases/bulk", post(queues::bulk))
        .route("/views", post(queues::save_view))
        .route("/views/{id}/delete", post(queues::delete_view))
        .route("/queues/counts", get(live::counts))
        .route("/search", get(search::page))
        .route("/cases/{reference}", get(case_page::page))
        .route("/cases/{reference}/reply", post(actions::reply))
        .route("/cases/{reference}/note", post(actions::note))
        .route("/cases/{reference}/assign", post(actions::assign))
        .route("/cases/{reference}/status", post(actions::status))
        .route("/cases/{reference}/follow-ups", post(actions::add_follow_up))
        .route("/cases/{reference}/follow-ups/{id}/done", post(actions::follow_up_done))
        .route("/cases/{reference}/contacts/{id}/no-reply", post(actions::no_reply))
        .route("/cases/{reference}/transfer", post(actions::transfer))
        .route("/cases/{reference}/links", post(actions::link))
        .route("/cases/{reference}/values", post(values::review))
        .route("/cases/{reference}/split", post(split::split))
        .route("/cases/{reference}/payments", post(payments::request))
        .route("/cases/{reference}/merge", post(actions::merge))
        .route("/cases/{reference}/merges/{id}/undo", post(actions::undo_merge))
        .route("/cases/{reference}/close", post(actions::close))
        .route("/cases/{reference}/job/close", post(actions::close_job))
        .route("/cases/{reference}/draft", post(live::save_draft))
        .route("/cases/{reference}/live", get(live::poll))
        .route("/static/workspace.js", get(script))
        .route("/static/workspace.css", get(style))
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("../../static/workspace.js"),
    )
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("../../static/workspace.css"),
    )
}

/// The case named in a path, if it exists and the caller may see it; otherwise the
/// response to give (a case of a service the caller may not see does not exist for them).
pub(crate) async fn visible_case(state: &AppState, caller: &Caller, raw: &str) -> Result<CaseReference, Response> {
    let not_found = || (StatusCode::NOT_FOUND, "no such case").into_response();
    let reference = match raw.parse::<CaseReference>() {
        Ok(r) if r.prefix() == state.settings().reference_prefix => r,
        _ => return Err(not_found()),
    };
    match state.store().case(&reference).await {
        Ok(c) if caller.sees(&c.service) => Ok(reference),
        Ok(_) | Err(heard_store::StoreError::NotFound(_)) => Err(not_found()),
        Err(e) => Err(crate::pages::page_error(e.into())),
    }
}

/// The refusal for a form without the session's CSRF token, or from a role that may
/// only read; `None` when the form may go ahead.
pub(crate) fn check_form(caller: &Caller, token: &str) -> Option<Response> {
    if caller.csrf_token.as_deref() != Some(token) {
        return Some(
            (
                StatusCode::FORBIDDEN,
                "the form has expired; reload the page and try again",
            )
                .into_response(),
        );
    }
    if !caller.user.role.can_write() {
        return Some(
            (
                StatusCode::FORBIDDEN,
                format!("the {} role may read but not change anything", caller.user.role),
            )
                .into_response(),
        );
    }
    None
}

/// Back to the case page after a change, saying what was done (Post/Redirect/Get, so a
/// reload never repeats the change).
pub(crate) fn back_to(reference: &CaseReference, done: &str) -> Response {
    Redirect::to(&format!("/cases/{reference}?done={done}")).into_response()
}

/// Writes a change to the case in the audit log; `Some(refusal)` when the entry could
/// not be written (the change is then reported as failed, never passed over in silence).
pub(crate) async fn audit_case(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    action: Action,
    detail: serde_json::Value,
) -> Option<Response> {
    let case = match state.store().case(reference).await {
        Ok(c) => c,
        Err(e) => return Some(crate::pages::page_error(e.into())),
    };
    state
        .audit(caller, action, Subject::case(&case), detail)
        .await
        .err()
        .map(crate::pages::page_error)
}

/// [`audit_case`], then [`back_to`] the case page.
pub(crate) async fn changed(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    action: Action,
    detail: serde_json::Value,
    done: &str,
) -> Response {
    match audit_case(state, caller, reference, action, detail).await {
        Some(refused) => refused,
        None => back_to(reference, done),
    }
}
