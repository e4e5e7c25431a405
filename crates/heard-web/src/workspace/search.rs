//! One search box, `/search?q=`: a case reference goes straight to its case; anything
//! else (a name, an email address, a phone number, a postcode, words from a message)
//! finds customers, cases and contacts, grouped, within the services the caller sees.

use crate::AppState;
use crate::pages::{Staff, page_error, render};
#[allow(unused_imports)] // used by the templates
use crate::time::London;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use heard_core::CaseReference;
use heard_store::{CaseRecord, SearchHit};
use serde::Deserialize;

/// Contact hits read to find cases; enough for a page of distinct cases.
const HITS: u32 = 60;
/// Cases shown.
const CASES: usize = 20;

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    q: String,
    error: Option<String>,
    customers: Vec<SearchHit>,
    cases: Vec<CaseRecord>,
    contacts: Vec<SearchHit>,
    total: i64,
    newest_first: bool,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Query(sq): Query<SearchQuery>,
) -> Response {
    let q = sq.q.trim().to_string();
    let mut page = SearchPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user.clone()),
        q: q.clone(),
        error: None,
        customers: Vec::new(),
        cases: Vec::new(),
        contacts: Vec::new(),
        total: 0,
        newest_first: false,
    };
    if q.is_empty() {
        return render(&page);
    }
    if q.len() > 500 {
        page.error = Some("Search for at most 500 characters".into());
        return (axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
    }
    // A reference (in any case, with or without its prefix's dash) opens the case.
    if let Ok(r) = q.to_uppercase().parse::<CaseReference>()
        && r.prefix() == state.settings().reference_prefix
        && super::visible_case(&state, &caller, &r.to_string()).await.is_ok()
    {
        return Redirect::to(&format!("/cases/{r}")).into_response();
    }
    let visible = caller.visible_services();
    let results = match state
        .store()
        .search(&q, Some(HITS), visible.as_deref(), &state.settings().reference_prefix)
        .await
    {
        Ok(r) => r,
        Err(e) => return page_error(e.into()),
    };
    page.total = results.total;
    page.newest_first = results.order == "newest";
    let mut seen = Vec::new();
    for hit in results.items {
        if hit.kind == "customer" {
            page.customers.push(hit);
            continue;
        }
        if let Some(r) = &hit.case_reference
            && !seen.contains(r)
            && seen.len() < CASES
        {
            seen.push(r.clone());
        }
        if page.contacts.len() < 20 {
            page.contacts.push(hit);
        }
    }
    for r in seen {
        match state.store().case(&r).await {
            Ok(c) if caller.sees(&c.service) => page.cases.push(c),
            Ok(_) | Err(heard_store::StoreError::NotFound(_)) => {}
            Err(e) => return page_error(e.into()),
        }
    }
    let shown: Vec<String> = page
        .customers
        .iter()
        .map(|c| format!("customer:{}", c.id))
        .chain(page.cases.iter().map(|c| c.reference.to_string()))
        .chain(page.contacts.iter().map(|c| format!("contact:{}", c.id)))
        .collect();
    let detail = serde_json::json!({"q": q, "shown": shown});
    if let Err(e) = state
        .audit(
            &caller,
            crate::audit::Action::SEARCH,
            crate::audit::Subject::none(),
            detail,
        )
        .await
    {
        return page_error(e);
    }
    render(&page)
}
