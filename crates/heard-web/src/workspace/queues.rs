//! Queues: the cases page, `/cases`. A queue is a named view ("mine", "unassigned",
//! "slipping", "escalated", "to route", "awaiting customer", all open) narrowed by filters that live
//! in the URL, so a view can be bookmarked, shared or saved by name. Each view shows its
//! count, and each row a case overdue or due soon against its service level.
//! "Escalated" is a team manager's own: the open cases whose missed deadlines were
//! escalated to them (everyone else sees every escalated case they may see).

use super::check_form;
use crate::AppState;
use crate::auth::Caller;
use crate::pages::{CsrfForm, Staff, page_error, render};
#[allow(unused_imports)] // used by the templates
use crate::time::London;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use heard_core::{CaseKind, CaseReference, CaseStatus, Channel};
use heard_store::queries::{CaseFilter, Cursor, Escalated, OwnerFilter};
use heard_store::workspace::{JobRecord, SavedView};
use heard_store::{CaseRecord, ServiceRecord, StoreError};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Counts stop here: a queue says "1000+" rather than count a million rows.
const COUNT_CAP: u32 = 1000;

/// How far ahead "slipping" looks: cases whose next action is due within this time.
const SLIPPING_AHEAD: SignedDuration = SignedDuration::from_hours(24);

/// The named views, in the order the page lists them: (value, label).
const VIEWS: &[(&str, &str)] = &[
    ("mine", "My cases"),
    ("slipping", "Slipping"),
    ("escalated", "Escalated"),
    ("triage", "To route"),
    ("unassigned", "Unassigned"),
    ("awaiting", "Awaiting customer"),
    ("open", "All open"),
    ("all", "Everything"),
];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub(crate) struct QueueQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    channel: String,
    /// `needed`: cases a contact of which needs action (or raised a safeguarding worry);
    /// `none`: the rest — thanks, comments, chatter — to acknowledge or close together.
    #[serde(default)]
    action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer: Option<i64>,
    #[serde(default, skip_serializing)]
    cursor: Option<String>,
    #[serde(default, skip_serializing)]
    done: Option<String>,
    #[serde(default, skip_serializing)]
    case: Option<String>,
}

impl QueueQuery {
    fn view(&self) -> &str {
        if VIEWS.iter().any(|(v, _)| *v == self.view) {
            &self.view
        } else {
            // Everyone starts from the open work they may see; "My cases" is one click.
            "open"
        }
    }

    /// The query string that reproduces this view (without the page cursor).
    fn query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    /// This view's filter for `caller`.
    fn filter(&self, caller: &Caller, triage: &str) -> CaseFilter {
        let mut f = CaseFilter {
            service: Some(self.service.clone()).filter(|s| !s.is_empty()),
            team: Some(self.team.clone()).filter(|s| !s.is_empty()),
            status: self.status.parse().ok(),
            kind: self.kind.parse().ok(),
            channel: self.channel.parse().ok(),
            needs_action: match self.action.as_str() {
                "needed" => Some(true),
                "none" => Some(false),
                _ => None,
            },
            customer: self.customer,
            q: Some(self.q.clone()).filter(|s| !s.trim().is_empty()),
            visible_services: caller.visible_services(),
            cursor: self.cursor.as_deref().and_then(|c| Cursor::parse(c).ok()),
            limit: Some(50),
            ..Default::default()
        };
        view_filter(&mut f, self.view(), caller, triage);
        f
    }
}

/// The service whose queue is "To route": contacts routing was unsure of.
fn triage_service(state: &AppState) -> &str {
    state
        .settings()
        .routing
        .as_ref()
        .map_or("triage", |r| r.triage_service.as_str())
}

/// Narrows `f` to the named view.
fn view_filter(f: &mut CaseFilter, view: &str, caller: &Caller, triage: &str) {
    match view {
        "mine" => {
            f.owner = Some(OwnerFilter::User(caller.user.id));
            f.open = Some(true);
        }
        "unassigned" => {
            f.owner = Some(OwnerFilter::Unassigned);
            f.open = Some(true);
        }
        "slipping" => {
            f.action_before = Some(Timestamp::now() + SLIPPING_AHEAD);
            f.urgent_first = true;
            f.cursor = None;
        }
        "escalated" => {
            f.escalated = Some(if caller.user.role == heard_core::Role::TeamManager {
                Escalated::To(caller.user.id)
            } else {
                Escalated::Any
            });
        }
        "triage" => {
            f.service = Some(triage.to_string());
            f.open = Some(true);
        }
        "awaiting" => f.status = Some(CaseStatus::AwaitingCustomer),
        "open" => f.open = Some(true),
        _ => {}
    }
}

/// How many cases each view holds (within the caller's services and the chosen
/// service), for the page and its live refresh.
#[derive(Debug, Serialize)]
pub(crate) struct Counts {
    /// (view, count, capped): capped counts read "1000+".
    views: Vec<(String, u64, bool)>,
}

pub(crate) async fn counts(state: &AppState, caller: &Caller) -> Result<Counts, StoreError> {
    counts_for(state, caller, "").await
}

async fn counts_for(state: &AppState, caller: &Caller, service: &str) -> Result<Counts, StoreError> {
    let store = state.store();
    let mut views = Vec::new();
    for (view, _) in VIEWS.iter().filter(|(v, _)| *v != "all") {
        let mut f = CaseFilter {
            service: Some(service.to_string()).filter(|s| !s.is_empty()),
            visible_services: caller.visible_services(),
            ..Default::default()
        };
        view_filter(&mut f, view, caller, triage_service(state));
        let n = store.count_cases(&f, COUNT_CAP).await?;
        views.push((view.to_string(), n, n >= u64::from(COUNT_CAP)));
    }
    Ok(Counts { views })
}

#[derive(Template)]
#[template(path = "cases.html")]
struct QueuePage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    view: String,
    views: Vec<(&'static str, &'static str, String)>,
    heading: &'static str,
    cases: Vec<CaseRecord>,
    services: Vec<ServiceRecord>,
    teams: Vec<heard_store::TeamRecord>,
    statuses: &'static [CaseStatus],
    kinds: &'static [CaseKind],
    channels: &'static [Channel],
    query: QueueQuery,
    query_string: String,
    saved: Vec<SavedView>,
    jobs: Vec<JobRecord>,
    current: String,
    next: Option<String>,
    notice: Option<String>,
    can_write: bool,
    slipping: bool,
    now_ms: i64,
    /// Per row of `cases`: its most pressing deadline, when overdue or due soon.
    warnings: Vec<Option<super::clocks::ClockView>>,
    /// In "slipping": the caller's own overdue learning actions.
    learning: Vec<crate::learning::Row>,
}

pub(crate) async fn page(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<QueueQuery>) -> Response {
    let store = state.store();
    let prefix = &state.settings().reference_prefix;
    let filter = q.filter(&caller, triage_service(&state));
    let result = tokio::try_join!(
        store.list_cases(&filter, prefix),
        store.services(),
        counts_for(&state, &caller, &q.service),
        store.saved_views(caller.user.id),
        store.jobs(caller.user.id, prefix),
        store.teams(),
    );
    let (page, services, counts, saved, jobs, teams) = match result {
        Ok(v) => v,
        Err(e) => return page_error(e.into()),
    };
    let shown: Vec<String> = page.items.iter().map(|c| c.reference.to_string()).collect();
    let detail = serde_json::json!({"view": q.view(), "query": q.query_string(), "shown": shown});
    if let Err(e) = state
        .audit(
            &caller,
            crate::audit::Action::CASE_LIST,
            crate::audit::Subject::none(),
            detail,
        )
        .await
    {
        return page_error(e);
    }
    let view = q.view().to_string();
    let learning = if view == "slipping" {
        match crate::learning::overdue_for(&state, &caller).await {
            Ok(a) => crate::learning::rows(&a, prefix),
            Err(e) => return page_error(e.into()),
        }
    } else {
        Vec::new()
    };
    let views = VIEWS
        .iter()
        .map(|(v, label)| {
            let count = counts
                .views
                .iter()
                .find(|(name, _, _)| name == v)
                .map(|(_, n, capped)| if *capped { format!("{n}+") } else { n.to_string() })
                .unwrap_or_default();
            (*v, *label, count)
        })
        .collect();
    let heading = VIEWS
        .iter()
        .find(|(v, _)| *v == view)
        .map(|(_, l)| *l)
        .unwrap_or("Cases");
    let query_string = q.query_string();
    let next = page.next_cursor.map(|c| format!("{query_string}&cursor={c}"));
    let notice = match (q.done.as_deref(), q.case.as_deref()) {
        (Some("closed"), Some(c)) => Some(format!("{c} is closed.")),
        (Some("transferred"), Some(c)) => Some(format!("{c} was transferred.")),
        (Some("saved"), _) => Some("View saved.".into()),
        (Some(_), _) => None,
        _ => None,
    };
    let now = Timestamp::now();
    let levels = &state.settings().service_levels;
    let warnings = page
        .items
        .iter()
        .map(|c| super::clocks::warning(levels, c, now))
        .collect();
    render(&QueuePage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        can_write: caller.user.role.can_write(),
        user: Some(caller.user.clone()),
        slipping: view == "slipping",
        view,
        views,
        heading,
        cases: page.items,
        services: services.into_iter().filter(|s| caller.sees(&s.slug)).collect(),
        teams,
        statuses: CaseStatus::ALL,
        kinds: CaseKind::ALL,
        channels: Channel::ALL,
        query: q,
        query_string,
        saved,
        jobs,
        current: String::new(),
        next,
        notice,
        now_ms: now.as_millisecond(),
        warnings,
        learning,
    })
}

#[derive(Deserialize)]
pub(crate) struct SaveViewForm {
    csrf_token: String,
    name: String,
    query: String,
}

pub(crate) async fn save_view(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Form(f): Form<SaveViewForm>,
) -> Response {
    if let Some(res) = check_form(&caller, &f.csrf_token) {
        return res;
    }
    match state.store().save_view(caller.user.id, &f.name, &f.query).await {
        Ok(()) => Redirect::to(&format!("/cases?{}&done=saved", f.query)).into_response(),
        Err(StoreError::Invalid(inv)) => (StatusCode::UNPROCESSABLE_ENTITY, inv.to_string()).into_response(),
        Err(e) => page_error(e.into()),
    }
}

pub(crate) async fn delete_view(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(res) = check_form(&caller, &f.csrf_token) {
        return res;
    }
    match state.store().delete_view(caller.user.id, id).await {
        Ok(()) => Redirect::to("/cases").into_response(),
        Err(e) => page_error(e.into()),
    }
}

/// Bulk actions on the ticked cases: take them, unassign them, or close them. Closing
/// keeps the close check: cases with something left to do stay open and are named.
pub(crate) async fn bulk(State(state): State<AppState>, Staff(caller): Staff, body: String) -> Response {
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_str(&body) {
        Ok(p) => p,
        Err(_) => return (StatusCode::BAD_REQUEST, "the form could not be read").into_response(),
    };
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    if let Some(res) = check_form(&caller, get("csrf_token")) {
        return res;
    }
    let back = get("back");
    let back = if back.starts_with("view=") || back.is_empty() {
        back
    } else {
        ""
    };
    let action = get("action");
    let mut refused = Vec::new();
    let mut done = 0usize;
    for raw in pairs.iter().filter(|(k, _)| k == "case").map(|(_, v)| v) {
        let reference = match super::visible_case(&state, &caller, raw).await {
            Ok(r) => r,
            Err(_) => {
                refused.push(format!("{raw}: no such case"));
                continue;
            }
        };
        let outcome = match action {
            "take" => {
                state
                    .store()
                    .assign_case(&reference, Some(caller.user.id), Some(caller.user.id))
                    .await
            }
            "unassign" => state.store().assign_case(&reference, None, Some(caller.user.id)).await,
            "close" => close_one(&state, &caller, &reference).await,
            _ => {
                return (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "choose what to do with the ticked cases",
                )
                    .into_response();
            }
        };
        match outcome {
            Ok(()) => done += 1,
            Err(e) => refused.push(format!("{reference}: {}", describe(e))),
        }
    }
    if refused.is_empty() {
        return Redirect::to(&format!("/cases?{back}")).into_response();
    }
    let detail = format!(
        "{done} done. Not done:\n{}\n\nGo back to the queue: /cases?{back}",
        refused.join("\n")
    );
    (StatusCode::CONFLICT, detail).into_response()
}

async fn close_one(state: &AppState, caller: &Caller, reference: &CaseReference) -> Result<(), StoreError> {
    let (contacts, follow_ups) = state.store().close_facts(reference).await?;
    let blockers = heard_core::job::close_blockers(&contacts, &follow_ups, &[]);
    if let Some(b) = blockers.first() {
        return Err(StoreError::Conflict(super::actions::describe_blocker(b)));
    }
    state
        .store()
        .set_case_status(reference, CaseStatus::Closed, Some(caller.user.id))
        .await
}

fn describe(e: StoreError) -> String {
    match e {
        StoreError::Conflict(m) | StoreError::NotFound(m) => m,
        StoreError::Invalid(inv) => inv.to_string(),
        other => {
            tracing::error!(error = %other, "bulk action failed");
            "could not be changed; the error has been logged".into()
        }
    }
}
