//! `/api/v1/cases`: lists, detail, changes, links.

use super::{cursor, finish, limit, opt, reference, time_bound};
use crate::audit::{Action, Subject, asked};
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::{AppState, Caller};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use heard_core::error::Checker;
use heard_core::{CaseKind, CaseLinkKind, CaseReference, CaseStatus, Priority};
use heard_store::changes::NewCase;
use heard_store::queries::{CaseFilter, OwnerFilter};
use heard_store::{CaseDetail, CaseRecord, Page};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Filters for listing cases.
#[derive(Debug, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Service slug.
    pub service: Option<String>,
    pub status: Option<String>,
    /// `true`: only cases still needing work; `false`: only resolved or closed.
    pub open: Option<bool>,
    pub kind: Option<String>,
    /// `me`, `none` (unassigned), or a user id.
    pub owner: Option<String>,
    pub customer: Option<i64>,
    /// Cases with a contact on this channel.
    pub channel: Option<String>,
    /// Cases held by this team (slug).
    pub team: Option<String>,
    /// Opened at or after (date or RFC 3339).
    pub from: Option<String>,
    /// Opened before (date or RFC 3339).
    pub to: Option<String>,
    /// Full-text query over the case's contacts: every word must match.
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// List cases, most recently active first.
#[utoipa::path(
    get, path = "/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = Page<CaseRecord>), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn list_cases(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> ApiResult<axum::Json<Page<CaseRecord>>> {
    let query = asked(&q);
    let mut c = Checker::new();
    let owner = match q.owner.as_deref() {
        None | Some("") => None,
        Some("me") => Some(OwnerFilter::User(caller.user.id)),
        Some("none") => Some(OwnerFilter::Unassigned),
        Some(id) => c.check(
            "owner",
            id.parse()
                .map(OwnerFilter::User)
                .map_err(|_| format!("`{id}` is not `me`, `none` or a user id")),
        ),
    };
    let filter = CaseFilter {
        service: q.service,
        team: q.team.filter(|t| !t.is_empty()),
        status: opt(&mut c, "status", &q.status),
        open: q.open,
        kind: opt(&mut c, "kind", &q.kind),
        owner,
        customer: q.customer,
        channel: opt(&mut c, "channel", &q.channel),
        from: time_bound(&mut c, "from", &q.from),
        to: time_bound(&mut c, "to", &q.to),
        q: q.q,
        visible_services: caller.visible_services(),
        cursor: cursor(&mut c, &q.cursor),
        limit: limit(&mut c, q.limit),
        ..Default::default()
    };
    finish(c)?;
    let page = state
        .store()
        .list_cases(&filter, &state.settings().reference_prefix)
        .await?;
    let shown: Vec<String> = page.items.iter().map(|c| c.reference.to_string()).collect();
    state
        .audit(
            &caller,
            Action::CASE_LIST,
            Subject::list(None, filter.customer),
            json!({"query": query, "shown": shown}),
        )
        .await?;
    Ok(axum::Json(page))
}

/// Looks a case up for `caller`: a case of a service they may not see is "not found".
async fn visible_case(state: &AppState, caller: &Caller, raw: &str) -> ApiResult<(CaseReference, CaseRecord)> {
    let r = reference(state, raw)?;
    let case = state.store().case(&r).await?;
    if !caller.sees(&case.service) {
        return Err(ApiError::not_found(format!("case {raw}")));
    }
    Ok((r, case))
}

/// One case with its contacts (oldest first), links and history.
#[utoipa::path(
    get, path = "/cases/{reference}", tag = "cases",
    params(("reference" = String, Path, description = "Case reference, e.g. HRD-000123")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<axum::Json<CaseDetail>> {
    let (r, _) = visible_case(&state, &caller, &raw).await?;
    let mut detail = state.store().case_detail(&r).await?;
    super::contacts::mask_for(&caller, &mut detail.contacts);
    state
        .audit(&caller, Action::CASE_READ, Subject::case(&detail.case), json!({}))
        .await?;
    Ok(axum::Json(detail))
}

/// A case to open by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseBody {
    pub service: String,
    pub kind: CaseKind,
    pub title: String,
    pub customer_id: i64,
    #[serde(default = "normal")]
    pub priority: Priority,
    pub owner_id: Option<i64>,
}

fn normal() -> Priority {
    Priority::Normal
}

/// Open a case by hand (a problem record, a walk-in).
#[utoipa::path(
    post, path = "/cases", tag = "cases", request_body = NewCaseBody,
    responses((status = 201, body = CaseRecord), (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn create_case(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<NewCaseBody>,
) -> ApiResult<Response> {
    caller.require_write()?;
    let title = b.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(heard_core::Invalid::field("title", "must be 1 to 200 characters").into());
    }
    if !caller.sees(&b.service) {
        return Err(ApiError::forbidden(format!(
            "you may not open cases for `{}`",
            b.service
        )));
    }
    let new = NewCase {
        service: b.service,
        kind: b.kind,
        priority: b.priority,
        title: title.into(),
        customer_id: b.customer_id,
        owner: b.owner_id,
    };
    let id = state.store().open_case(&new, Some(caller.user.id)).await?;
    let r = CaseReference::new(&state.settings().reference_prefix, id).map_err(ApiError::bad_request)?;
    let case = state.store().case(&r).await?;
    state
        .audit(
            &caller,
            Action::CASE_CREATE,
            Subject::case(&case),
            json!({"service": case.service, "kind": case.kind, "title": case.title}),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/cases/{r}"))],
        axum::Json(case),
    )
        .into_response())
}

/// Changes to a case; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseChange {
    /// New status; must be allowed by the case kind's lifecycle.
    pub status: Option<CaseStatus>,
    /// New owner's user id; `null` to unassign.
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<i64>>,
}

/// Distinguishes `"owner_id": null` (unassign) from an absent field.
fn some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// Change a case's status or owner; each change is recorded in its history.
#[utoipa::path(
    patch, path = "/cases/{reference}", tag = "cases", request_body = CaseChange,
    params(("reference" = String, Path, description = "Case reference")),
    responses((status = 200, body = CaseRecord), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json"))
)]
pub async fn update_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<CaseChange>,
) -> ApiResult<axum::Json<CaseRecord>> {
    caller.require_write()?;
    let (r, before) = visible_case(&state, &caller, &raw).await?;
    // Each change is recorded as soon as it is made, so a later failure cannot lose it.
    if let Some(owner) = b.owner_id {
        state.store().assign_case(&r, owner, Some(caller.user.id)).await?;
        let detail = json!({"from": before.owner.as_ref().map(|o| o.id), "to": owner});
        state
            .audit(&caller, Action::CASE_ASSIGN, Subject::case(&before), detail)
            .await?;
    }
    if let Some(status) = b.status {
        state.store().set_case_status(&r, status, Some(caller.user.id)).await?;
        let detail = json!({"from": before.status, "to": status});
        state
            .audit(&caller, Action::CASE_STATUS, Subject::case(&before), detail)
            .await?;
    }
    Ok(axum::Json(state.store().case(&r).await?))
}

/// A link from this case to another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    pub kind: CaseLinkKind,
    /// The other case's reference.
    pub to: String,
}

/// Link this case to another (related, duplicate of, child of, incident of a problem).
#[utoipa::path(
    post, path = "/cases/{reference}/links", tag = "cases", request_body = LinkBody,
    params(("reference" = String, Path, description = "Case reference")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
pub async fn link_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<LinkBody>,
) -> ApiResult<axum::Json<CaseDetail>> {
    caller.require_write()?;
    let (from, from_case) = visible_case(&state, &caller, &raw).await?;
    let (to, _) = visible_case(&state, &caller, &b.to)
        .await
        .map_err(|_| heard_core::Invalid::field("to", format!("no case {}", b.to)))?;
    state
        .store()
        .link_cases(&from, &to, b.kind, Some(caller.user.id))
        .await?;
    state
        .audit(
            &caller,
            Action::CASE_LINK,
            Subject::case(&from_case),
            json!({"kind": b.kind, "to": to.to_string()}),
        )
        .await?;
    let mut detail = state.store().case_detail(&from).await?;
    super::contacts::mask_for(&caller, &mut detail.contacts);
    Ok(axum::Json(detail))
}
