//! "Split into a new case" on the case page: the agent ticks the messages that are about
//! another matter and names it; they move to a new case (see `heard_store::split`).

use super::actions::{guard, store_error};
use super::audit_case;
use super::case_page::{FormState, render_case};
use crate::AppState;
use crate::audit::Action;
use crate::pages::Staff;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use heard_core::CaseReference;

/// The form's fields, read by hand: `contact` repeats, once per ticked message.
pub(crate) async fn split(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    body: String,
) -> Response {
    let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(&body) else {
        return (StatusCode::BAD_REQUEST, "the form could not be read").into_response();
    };
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.as_str());
    let reference = match guard(&state, &caller, &raw, get("csrf_token")).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let mut contacts = Vec::new();
    for (_, v) in pairs.iter().filter(|(n, _)| n == "contact") {
        match v.parse::<i64>() {
            Ok(id) => contacts.push(id),
            Err(_) => return (StatusCode::BAD_REQUEST, "contact: not a message id").into_response(),
        }
    }
    let title = get("title");
    let id = match state
        .store()
        .split_case(&reference, &contacts, title, None, caller.user.id)
        .await
    {
        Ok(id) => id,
        Err(heard_store::StoreError::Invalid(inv)) => {
            let field = if inv.to_string().starts_with("title") {
                "split_title"
            } else {
                "split_contacts"
            };
            let mut form = FormState::error(field, inv.to_string());
            form.split_title = title.to_string();
            return render_case(&state, &caller, &reference, form, None).await;
        }
        Err(e) => return store_error(&state, &caller, &reference, e, "split_contacts").await,
    };
    let Ok(new) = CaseReference::new(reference.prefix(), id) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the new case has no reference").into_response();
    };
    let detail = serde_json::json!({"to": new.to_string(), "contacts": contacts});
    if let Some(refused) = audit_case(&state, &caller, &reference, Action::CASE_SPLIT, detail).await {
        return refused;
    }
    Redirect::to(&format!("/cases/{new}?done=split")).into_response()
}
