//! `/api/v1/search`.

use crate::extract::ApiQuery;
use crate::problem::{ApiResult, Problem};
use crate::{AppState, Caller};
use axum::extract::State;
use heard_core::error::Checker;
use heard_store::SearchResults;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find; every word must match (stemmed for contacts).
    pub q: String,
    pub limit: Option<i64>,
}

/// Ranked full-text search over contacts (so cases) and customers. Live: a contact is
/// findable as soon as it is stored.
#[utoipa::path(
    get, path = "/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = SearchResults), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<axum::Json<SearchResults>> {
    let mut c = Checker::new();
    let limit = super::limit(&mut c, q.limit);
    if q.q.len() > 500 {
        c.fail("q", "is longer than 500 characters");
    }
    super::finish(c)?;
    let visible = caller.visible_services();
    let results = state
        .store()
        .search(&q.q, limit, visible.as_deref(), &state.settings().reference_prefix)
        .await?;
    let shown: Vec<String> = results.items.iter().map(|h| format!("{}:{}", h.kind, h.id)).collect();
    state
        .audit(
            &caller,
            crate::audit::Action::SEARCH,
            crate::audit::Subject::none(),
            serde_json::json!({"q": q.q, "total": results.total, "shown": shown}),
        )
        .await?;
    Ok(axum::Json(results))
}
