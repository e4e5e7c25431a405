//! What staff do with an emerging issue on `/trends`: acknowledge it (who and when is shown
//! to everyone), dismiss it with a reason, or open a problem from it in one action. Each
//! form names its alarm by unit and window start (the key decisions are stored under) and
//! is matched against the page's current run, so a decision is about what staff saw.
//!
//! A dismissal quietens its unit: see [`heard_store::problems::quietened`] for the rule,
//! which the page also states in words.

use crate::audit::{Action, Subject};
use crate::pages::{Staff, page_error, render};
use crate::trends::{DemandTable, Issue, demand_tables, view};
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use heard_core::CaseReference;
use heard_store::problems::{
    AlarmDecision, AlarmFacts, AlarmKey, Decision, NewProblem, QUIET_DAYS, QUIET_MARGIN, quietened,
};
use heard_store::{StoreError, UserRecord};
use heard_trends::ALARM_SCORE;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;

/// Decisions on alarms raised this far back are read (the page shows four weeks).
const DECISION_DAYS: i64 = 60;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/trends/acknowledge", post(acknowledge))
        .route("/trends/dismiss", post(dismiss))
        .route("/trends/problem", post(open_problem))
}

/// The form every alarm action posts: the alarm's key, and a reason to dismiss it.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct AlarmForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    reason: String,
}

impl AlarmForm {
    fn matches(&self, i: &Issue) -> bool {
        i.category == self.category && i.site == self.site && i.starts_on == self.starts_on
    }
}

/// One alarm as the page shows it, with what staff decided.
struct Shown {
    issue: Issue,
    title: String,
    /// "Acknowledged by … on …", if anyone did.
    decided: Option<String>,
    acknowledged: bool,
    problem: Option<i64>,
    /// The dismiss form's error and what was typed, when it came back.
    reason_error: Option<String>,
    reason: String,
}

/// A dismissed alarm, kept quiet, listed so the decision stays visible.
struct Quiet {
    title: String,
    decided: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "trends.html")]
struct TrendsPage {
    user: Option<UserRecord>,
    csrf: String,
    can_write: bool,
    issues: Vec<Shown>,
    quiet: Vec<Quiet>,
    errors: Vec<(String, String)>,
    contacts: String,
    computed_at: String,
    threshold: f64,
    quiet_days: i64,
    quiet_margin: f64,
    demand_tables: Vec<DemandTable>,
}

fn title_of(i: &Issue) -> String {
    let mut t = format!("{} at {}", i.service_name, i.site);
    if !i.label.is_empty() {
        t.push_str(": ");
        t.push_str(&i.label);
    }
    t
}

fn said(d: &AlarmDecision) -> String {
    let who = d.decided_by.as_deref().unwrap_or("someone no longer here");
    let when = crate::time::London::london(&d.decided_at, "%-d %b %Y at %H:%M");
    match (d.decision, d.problem_id) {
        (Decision::Dismissed, _) => format!("Dismissed by {who} on {when}"),
        (Decision::Acknowledged, Some(p)) => format!("Problem {p} opened by {who} on {when}"),
        (Decision::Acknowledged, None) => format!("Acknowledged by {who} on {when}"),
    }
}

fn today() -> Date {
    Timestamp::now().to_zoned(crate::time::london_tz()).date()
}

/// The emerging-issues page; `error` is a dismiss form that came back: (the form, message).
pub(crate) async fn page(state: &AppState, caller: &Caller, error: Option<(&AlarmForm, String)>) -> Response {
    let view = match view(state).await {
        Ok(v) => v,
        Err(e) => return page_error(e),
    };
    let since = today().checked_sub(DECISION_DAYS.days()).unwrap_or(today());
    let decisions = match state.store().alarm_decisions(since).await {
        Ok(d) => d,
        Err(e) => return page_error(e.into()),
    };
    let mut issues = Vec::new();
    let mut quiet = Vec::new();
    for i in view.issues.iter().filter(|i| i.services.iter().all(|s| caller.sees(s))) {
        let starts_on: Date = i.starts_on.parse().unwrap_or(Date::constant(1970, 1, 1));
        if let Some(d) = quietened(&decisions, &i.category, &i.site, starts_on, i.score) {
            quiet.push(Quiet {
                title: title_of(i),
                decided: said(d),
                reason: d.reason.clone(),
            });
            continue;
        }
        let own = decisions.iter().rev().find(|d| {
            d.facts.key.category == i.category
                && d.facts.key.site == i.site
                && d.facts.key.starts_on == starts_on
                && d.decision == Decision::Acknowledged
        });
        let returned = error.as_ref().filter(|(f, _)| f.matches(i));
        issues.push(Shown {
            title: title_of(i),
            decided: own.map(said),
            acknowledged: own.is_some(),
            problem: own.and_then(|d| d.problem_id),
            reason_error: returned.map(|(_, m)| m.clone()),
            reason: returned.map(|(f, _)| f.reason.clone()).unwrap_or_default(),
            issue: i.clone(),
        });
    }
    let errors = issues
        .iter()
        .enumerate()
        .filter_map(|(n, s)| s.reason_error.as_ref().map(|m| (format!("reason-{n}"), m.clone())))
        .collect::<Vec<_>>();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = TrendsPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        can_write: caller.user.role.can_write(),
        user: Some(caller.user.clone()),
        issues,
        quiet,
        errors,
        contacts: view.contacts.clone(),
        computed_at: view.computed_at.clone(),
        threshold: ALARM_SCORE,
        quiet_days: QUIET_DAYS,
        quiet_margin: QUIET_MARGIN,
        demand_tables: demand_tables(&view, caller),
    };
    (status, render(&page)).into_response()
}

/// The alarm a form names, as the page's current run has it, if the caller may see it.
async fn find(state: &AppState, caller: &Caller, f: &AlarmForm) -> Result<(Issue, AlarmFacts), Response> {
    if let Some(refused) = crate::workspace::check_form(caller, &f.csrf_token) {
        return Err(refused);
    }
    let view = view(state).await.map_err(page_error)?;
    let issue = view
        .issues
        .iter()
        .find(|i| f.matches(i) && i.services.iter().all(|s| caller.sees(s)))
        .cloned()
        .ok_or_else(|| {
            (
                StatusCode::CONFLICT,
                "That alarm is no longer on the page (it has moved on since the page was loaded): reload it and try again",
            )
                .into_response()
        })?;
    let facts = AlarmFacts {
        key: AlarmKey {
            category: issue.category.clone(),
            site: issue.site.clone(),
            starts_on: issue.starts_on.parse().unwrap_or(Date::constant(1970, 1, 1)),
        },
        raised_on: issue.raised_on.parse().unwrap_or(Date::constant(1970, 1, 1)),
        window_days: i64::from(issue.window_days),
        score: issue.score,
        label: issue.label.clone(),
    };
    Ok((issue, facts))
}

fn detail(facts: &AlarmFacts) -> serde_json::Value {
    serde_json::json!({
        "category": facts.key.category,
        "site": facts.key.site,
        "starts_on": facts.key.starts_on.to_string(),
        "raised_on": facts.raised_on.to_string(),
        "score": facts.score,
    })
}

async fn acknowledge(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<AlarmForm>) -> Response {
    decide(&state, &caller, f, Decision::Acknowledged).await
}

async fn dismiss(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<AlarmForm>) -> Response {
    decide(&state, &caller, f, Decision::Dismissed).await
}

async fn decide(state: &AppState, caller: &Caller, f: AlarmForm, decision: Decision) -> Response {
    let (_, facts) = match find(state, caller, &f).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match state
        .store()
        .decide_alarm(&facts, decision, &f.reason, caller.user.id)
        .await
    {
        Ok(()) => {
            let (action, mut d) = match decision {
                Decision::Acknowledged => (Action::ALARM_ACKNOWLEDGE, detail(&facts)),
                Decision::Dismissed => (Action::ALARM_DISMISS, detail(&facts)),
            };
            d["reason"] = f.reason.trim().into();
            if let Err(e) = state.audit(caller, action, Subject::none(), d).await {
                return page_error(e);
            }
            Redirect::to("/trends").into_response()
        }
        Err(StoreError::Invalid(e)) => {
            let message = e
                .errors
                .iter()
                .map(|e| format!("{}: {}", capitalised(&e.field), e.reason))
                .collect::<Vec<_>>()
                .join("; ");
            page(state, caller, Some((&f, message))).await
        }
        Err(e) => page_error(e.into()),
    }
}

/// "reason" → "Reason", for messages that start with the field's name.
pub(crate) fn capitalised(field: &str) -> String {
    let field = field.replace('_', " ");
    let mut c = field.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Opens a problem from an alarm: its title from the alarm, every evidence case linked,
/// the alarm marked as acknowledged with the problem.
async fn open_problem(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<AlarmForm>) -> Response {
    let (issue, facts) = match find(&state, &caller, &f).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let cases: Vec<i64> = issue
        .cases
        .iter()
        .filter_map(|r| r.parse::<CaseReference>().ok())
        .map(|r| r.number())
        .collect();
    let title: String = title_of(&issue)
        .chars()
        .take(heard_store::problems::MAX_TITLE_CHARS)
        .collect();
    let problem = NewProblem {
        title,
        owner: Some(caller.user.id),
        cases,
        alarm: Some(facts.clone()),
    };
    match state.store().create_problem(&problem, caller.user.id).await {
        Ok(id) => {
            let mut d = detail(&facts);
            d["problem"] = id.into();
            d["cases"] = issue.cases.clone().into();
            if let Err(e) = state
                .audit(&caller, Action::PROBLEM_CREATE, Subject::problem(id), d)
                .await
            {
                return page_error(e);
            }
            Redirect::to(&format!("/problems/{id}?done=created")).into_response()
        }
        Err(e) => page_error(e.into()),
    }
}
