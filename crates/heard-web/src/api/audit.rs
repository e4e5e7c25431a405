//! `/api/v1/audit`: searching the audit log. Auditors and administrators only.

use super::{cursor, finish, limit, time_bound};
use crate::audit::{Action, Subject, asked};
use crate::extract::ApiQuery;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::{AppState, Caller};
use axum::extract::State;
use heard_core::Role;
use heard_core::error::Checker;
use heard_store::Page;
use heard_store::audit::{AuditFilter, AuditRecord};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::IntoParams;

/// Filters for the audit log; every one given must match.
#[derive(Debug, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Who: a user id, or the actor as recorded (an email address; `cli`).
    pub actor: Option<String>,
    /// The customer concerned.
    pub customer: Option<i64>,
    /// A case reference: the case's own entries and those of its contacts and attachments.
    pub case: Option<String>,
    /// An action (`case.read`), or every action under a prefix (`case.*`).
    pub action: Option<String>,
    /// At or after (date or RFC 3339).
    pub from: Option<String>,
    /// Before (date or RFC 3339).
    pub to: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// Search the audit log, newest first: who read or changed what, when, from where.
#[utoipa::path(
    get, path = "/audit", tag = "audit", params(AuditQuery),
    responses(
        (status = 200, body = Page<AuditRecord>),
        (status = 403, description = "Not an auditor or administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search_audit(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<axum::Json<Page<AuditRecord>>> {
    if !matches!(caller.user.role, Role::Auditor | Role::Admin) {
        return Err(ApiError::forbidden(
            "only auditors and administrators may read the audit log",
        ));
    }
    let query = asked(&q);
    let mut c = Checker::new();
    let (actor_id, actor) = match q.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => (None, None),
        Some(a) => match a.parse::<i64>() {
            Ok(id) => (Some(id), None),
            Err(_) => (None, Some(a.to_string())),
        },
    };
    let case = match q.case.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => match raw.to_uppercase().parse::<heard_core::CaseReference>() {
            Ok(r) => Some(r.to_string()),
            Err(e) => {
                c.fail("case", e);
                None
            }
        },
    };
    let action = q.action.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(a) = action {
        let body = a.strip_suffix('*').unwrap_or(a);
        if !body
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '.' || ch == '_')
        {
            c.fail(
                "action",
                "is an action such as `case.read`, or a prefix such as `case.*`",
            );
        }
    }
    let filter = AuditFilter {
        actor_id,
        actor,
        customer_id: q.customer,
        case_reference: case.clone(),
        action: action.map(str::to_string),
        from: time_bound(&mut c, "from", &q.from),
        to: time_bound(&mut c, "to", &q.to),
        cursor: cursor(&mut c, &q.cursor),
        limit: limit(&mut c, q.limit),
    };
    finish(c)?;
    // This node's queued reads first, so the answer includes what was just done here.
    state.flush_audit().await;
    let page = state.store().search_audit(&filter).await?;
    // Reading the log is itself recorded: it names people and what they looked at.
    state
        .audit(
            &caller,
            Action::AUDIT_SEARCH,
            Subject::list(case, q.customer),
            json!({"query": query, "shown": page.items.len()}),
        )
        .await?;
    Ok(axum::Json(page))
}
