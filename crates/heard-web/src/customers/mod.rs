//! Customers who may be one person (issue 5): the customer page (`/customers/{id}`: who
//! they are, their cases, "possibly the same person", merges), the merge's confirmation
//! page and the merge itself (a required reason, audited, undoable from the notice and
//! from the customer's history). The case page's customer panel shows the same
//! suggestions. Only roles that may write see the buttons; every form carries the
//! session's CSRF token.

pub(crate) mod matcher;
mod merge;

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::pages::{Staff, page_error};
#[allow(unused_imports)] // the template formats times
use crate::time::London;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use heard_store::customer_merges::CustomerMergeRecord;
use heard_store::queries::CaseFilter;
use heard_store::{CaseRecord, CustomerRecord};
use matcher::SamePerson;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/customers/{id}", get(page))
        .route("/customers/{id}/merge", get(merge::confirm).post(merge::merge))
        .route("/customer-merges/{id}/undo", post(merge::undo))
}

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    customer: CustomerRecord,
    /// The customer this one was merged into, while the merge stands.
    merged_into: Option<(i64, String)>,
    cases: Vec<CaseRecord>,
    same_people: Vec<SamePerson>,
    merges: Vec<CustomerMergeRecord>,
    can_write: bool,
    done: Option<String>,
    /// The merge just done, for its "Undo merge" button.
    just_merged: Option<i64>,
}

impl CustomerPage {
    fn moved(&self, m: &CustomerMergeRecord) -> String {
        moved_words(&m.moved)
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct PageQuery {
    done: Option<String>,
    merge: Option<i64>,
}

async fn page(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Response {
    let store = state.store();
    let customer = match store.customer(id).await {
        Ok(c) => c,
        Err(e) => return page_error(e.into()),
    };
    if let Err(e) = state
        .audit(
            &caller,
            Action::CUSTOMER_READ,
            Subject::customer(id),
            serde_json::json!({"page": true}),
        )
        .await
    {
        return page_error(e);
    }
    let filter = CaseFilter {
        customer: Some(id),
        visible_services: caller.visible_services(),
        limit: Some(50),
        ..Default::default()
    };
    let prefix = &state.settings().reference_prefix;
    let (cases, merges, merged) = match tokio::try_join!(
        store.list_cases(&filter, prefix),
        store.customer_merges(id),
        store.merged_into(id)
    ) {
        Ok(x) => x,
        Err(e) => return page_error(e.into()),
    };
    let merged_into = match merged {
        Some(into) => match store.customer(into).await {
            Ok(c) => Some((into, c.name)),
            Err(e) => return page_error(e.into()),
        },
        None => None,
    };
    let same_people = if merged_into.is_none() {
        matcher::possibly_same(&state, &caller, id).await
    } else {
        Vec::new()
    };
    let done = match q.done.as_deref() {
        Some("merged") => Some("The customers were merged: everything of the other is now here.".to_string()),
        Some("unmerged") => Some("The merge was undone: both customers are as they were.".to_string()),
        _ => None,
    };
    let just_merged = q
        .merge
        .filter(|m| q.done.as_deref() == Some("merged") && merges.iter().any(|r| r.id == *m && r.undone_at.is_none()));
    crate::pages::render(&CustomerPage {
        user: Some(caller.user.clone()),
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        customer,
        merged_into,
        cases: cases.items,
        same_people,
        merges,
        can_write: caller.user.role.can_write(),
        done,
        just_merged,
    })
}

/// What a merge moved, in words ("2 identities, 1 address, 3 cases").
pub(crate) fn moved_words(m: &heard_store::customer_merges::Moved) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        count(
            m.identities.len(),
            "email address or phone number",
            "email addresses and phone numbers",
        ),
        count(m.addresses.len(), "address", "addresses"),
        count(m.cases.len(), "case", "cases"),
        count(m.contacts.len(), "contact", "contacts"),
        count(
            m.member_of.len() + m.members.len(),
            "organisation link",
            "organisation links",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}
