//! Values read from a case's contacts, on the case page: each offered for one-click
//! confirming, correcting or turning down (see `heard_store::values`). Confirmed values come
//! first, so the standard replies fill from them.

use super::actions::{guard, store_error};
use super::changed;
use crate::AppState;
use crate::audit::Action;
use crate::pages::Staff;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use heard_channels::prepare::signal_kinds::is_signal;
use heard_store::ContactRecord;
use heard_store::values::Review;
use serde::Deserialize;

/// One value read from the case's contacts, as the page offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadValue {
    pub kind: String,
    pub value: String,
    /// An agent confirmed it (or typed it as a correction).
    pub confirmed: bool,
}

/// Every value read from the case's contacts, once each, confirmed ones first; values
/// turned down and signals (shown in words elsewhere) are left out.
pub(crate) fn read_values(contacts: &[ContactRecord]) -> Vec<ReadValue> {
    let mut out: Vec<ReadValue> = Vec::new();
    for e in contacts.iter().flat_map(|c| &c.entities) {
        if e.status == "rejected" || is_signal(&e.kind) {
            continue;
        }
        let confirmed = e.status == "accepted";
        match out.iter_mut().find(|r| r.kind == e.kind && r.value == e.value) {
            Some(r) => r.confirmed |= confirmed,
            None => out.push(ReadValue {
                kind: e.kind.clone(),
                value: e.value.clone(),
                confirmed,
            }),
        }
    }
    out.sort_by_key(|r| !r.confirmed);
    out
}

#[derive(Deserialize)]
pub(crate) struct ValueForm {
    csrf_token: String,
    kind: String,
    value: String,
    /// `accept`, `reject` or `correct`.
    action: String,
    #[serde(default)]
    corrected: String,
}

/// Confirms, corrects or turns down one value.
pub(crate) async fn review(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<ValueForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let review = match f.action.as_str() {
        "accept" => Review::Accept,
        "reject" => Review::Reject,
        _ => Review::Correct(f.corrected.clone()),
    };
    match state
        .store()
        .review_value(&reference, &f.kind, &f.value, &review, caller.user.id)
        .await
    {
        Ok(()) => {
            let detail = serde_json::json!({"kind": f.kind, "action": f.action});
            changed(&state, &caller, &reference, Action::CASE_VALUE, detail, "value").await
        }
        Err(e) => store_error(&state, &caller, &reference, e, "corrected").await,
    }
}
