//! Merging two customers: the confirmation page (who stays, what moves, why they look
//! like one person, a required reason), the merge, and its undo. Each change is audited
//! under both customers before the answer.

use super::matcher;
use crate::AppState;
use crate::audit::{Action, Subject};
use crate::auth::Caller;
use crate::pages::{Staff, page_error};
use crate::problem::ApiError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use heard_store::queries::CaseFilter;
use heard_store::{CustomerRecord, StoreError};

#[derive(Template)]
#[template(path = "customer_merge.html")]
struct ConfirmPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    keep: CustomerRecord,
    from: CustomerRecord,
    /// Cases of `from` (all of them move, whoever may see them).
    from_cases: u64,
    likelihood: &'static str,
    reasons: Vec<String>,
    reason: String,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub(crate) struct ConfirmQuery {
    from: i64,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct MergeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    from: i64,
    #[serde(default)]
    reason: String,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct UndoForm {
    #[serde(default)]
    csrf_token: String,
}

fn read_only(caller: &Caller) -> Option<Response> {
    (!caller.user.role.can_write()).then(|| {
        page_error(ApiError::forbidden(format!(
            "the {} role may read but not merge customers",
            caller.user.role
        )))
    })
}

async fn confirm_page(state: &AppState, caller: &Caller, keep: i64, from: i64) -> Result<ConfirmPage, Response> {
    let store = state.store();
    let err = |e: StoreError| page_error(e.into());
    let (keep_c, from_c) = tokio::try_join!(store.customer(keep), store.customer(from)).map_err(err)?;
    for id in [keep, from] {
        if let Some(into) = store.merged_into(id).await.map_err(err)? {
            return Err(page_error(ApiError::new(
                StatusCode::CONFLICT,
                format!("customer {id} was already merged into customer {into}"),
            )));
        }
    }
    let filter = CaseFilter {
        customer: Some(from),
        ..Default::default()
    };
    let from_cases = store.count_cases(&filter, 100_000).await.map_err(err)?;
    let facts = store.customer_facts(&[keep, from]).await.map_err(err)?;
    let (mut likelihood, mut reasons) = ("", Vec::new());
    if let (Some(a), Some(b), Some(m)) = (
        facts.iter().find(|f| f.id == keep),
        facts.iter().find(|f| f.id == from),
        matcher::matcher(state).await,
    ) {
        let c = matcher::compare(&m, a, b);
        likelihood = if c.probability >= matcher::SUGGEST_FROM {
            matcher::likelihood(c.probability)
        } else {
            "unlikely to be the same person"
        };
        reasons = matcher::reasons(&c);
    }
    Ok(ConfirmPage {
        user: Some(caller.user.clone()),
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        keep: keep_c,
        from: from_c,
        from_cases,
        likelihood,
        reasons,
        reason: String::new(),
        error: None,
    })
}

/// `GET /customers/{keep}/merge?from=…`: what the merge will do, and a reason to give.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(keep): Path<i64>,
    Query(q): Query<ConfirmQuery>,
) -> Response {
    if let Some(refused) = read_only(&caller) {
        return refused;
    }
    let page = match confirm_page(&state, &caller, keep, q.from).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    for id in [keep, q.from] {
        let detail = serde_json::json!({"merge_page": true});
        if let Err(e) = state
            .audit(&caller, Action::CUSTOMER_READ, Subject::customer(id), detail)
            .await
        {
            return page_error(e);
        }
    }
    crate::pages::render(&page)
}

/// `POST /customers/{keep}/merge`: merges `from` into `keep`, audits it under both, and
/// shows the kept customer with the notice and its undo.
#[tracing::instrument(skip_all, fields(keep, from = f.from))]
pub(crate) async fn merge(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(keep): Path<i64>,
    axum::extract::Form(f): axum::extract::Form<MergeForm>,
) -> Response {
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    let id = match state
        .store()
        .merge_customers(keep, f.from, caller.user.id, &f.reason)
        .await
    {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => {
            let mut page = match confirm_page(&state, &caller, keep, f.from).await {
                Ok(p) => p,
                Err(r) => return r,
            };
            page.error = e.errors.first().map(|e| e.reason.clone());
            page.reason = f.reason;
            return (StatusCode::BAD_REQUEST, crate::pages::render(&page)).into_response();
        }
        Err(e) => return page_error(e.into()),
    };
    let moved = match state.store().customer_merge(id).await {
        Ok(m) => m.moved,
        Err(e) => return page_error(e.into()),
    };
    for (subject, other) in [(keep, f.from), (f.from, keep)] {
        let detail = serde_json::json!({"merge": id, "keep": keep, "from": f.from, "other": other,
            "reason": f.reason.trim(), "moved": super::moved_words(&moved)});
        if let Err(e) = state
            .audit(&caller, Action::CUSTOMER_MERGE, Subject::customer(subject), detail)
            .await
        {
            return page_error(e);
        }
    }
    tracing::info!(merge = id, "customers merged");
    Redirect::to(&format!("/customers/{keep}?done=merged&merge={id}")).into_response()
}

/// `POST /customer-merges/{id}/undo`: moves back what the merge moved, audited under both.
#[tracing::instrument(skip_all, fields(merge = id))]
pub(crate) async fn undo(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    axum::extract::Form(f): axum::extract::Form<UndoForm>,
) -> Response {
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    let merge = match state.store().undo_customer_merge(id, caller.user.id).await {
        Ok(m) => m,
        Err(e) => return page_error(e.into()),
    };
    for subject in [merge.keep_id, merge.from_id] {
        let detail = serde_json::json!({"merge": id, "keep": merge.keep_id, "from": merge.from_id});
        if let Err(e) = state
            .audit(&caller, Action::CUSTOMER_MERGE_UNDO, Subject::customer(subject), detail)
            .await
        {
            return page_error(e);
        }
    }
    Redirect::to(&format!("/customers/{}?done=unmerged", merge.from_id)).into_response()
}
