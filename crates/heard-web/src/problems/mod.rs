//! Problem records (ITIL): one underlying cause behind many cases, at `/problems`. A problem
//! is opened from an alarm on `/trends` (see `alarms`) or by hand; its page links and
//! unlinks cases, records root cause, workaround and fix, moves it open → known error →
//! resolved, and on resolving offers to tell every linked case's customer (see `tell`).

mod tell;

use crate::audit::{Action, Subject};
use crate::pages::{Staff, page_error, render};
#[allow(unused_imports)] // used by the templates
use crate::time::London;
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use heard_core::CaseReference;
use heard_store::learning::{LearningAction, LearningFilter};
use heard_store::problems::{NewProblem, Problem, ProblemEdit, ProblemStatus, ProblemSummary};
use heard_store::{StoreError, UserRecord};
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/problems", get(list).post(create))
        .route("/problems/new", get(new_problem))
        .route("/problems/{id}", get(show).post(update))
        .route("/problems/{id}/cases", post(add_case))
        .route("/problems/{id}/cases/{case}/remove", post(remove_case))
}

#[derive(Template)]
#[template(path = "problems.html")]
struct ListPage {
    user: Option<UserRecord>,
    csrf: String,
    can_write: bool,
    problems: Vec<ProblemSummary>,
}

async fn list(State(state): State<AppState>, Staff(caller): Staff) -> Response {
    match state.store().problems().await {
        Ok(problems) => render(&ListPage {
            csrf: caller.csrf_token.clone().unwrap_or_default(),
            can_write: caller.user.role.can_write(),
            user: Some(caller.user),
            problems,
        }),
        Err(e) => page_error(e.into()),
    }
}

#[derive(Deserialize, Default, Clone)]
struct NewForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    /// Case references, separated by spaces, commas or lines.
    #[serde(default)]
    cases: String,
}

#[derive(Template)]
#[template(path = "problem_new.html")]
struct NewPage {
    user: Option<UserRecord>,
    csrf: String,
    form: NewForm,
    errors: Vec<(String, String)>,
}

impl NewPage {
    fn error(&self, id: &str) -> Option<&str> {
        field_error(&self.errors, id)
    }
}

pub(crate) fn field_error<'a>(errors: &'a [(String, String)], id: &str) -> Option<&'a str> {
    errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
}

/// Store errors about fields, as the page shows them: (field id, "Field: reason").
pub(crate) fn field_errors(e: heard_core::Invalid) -> Vec<(String, String)> {
    e.errors
        .into_iter()
        .map(|e| {
            (
                e.field.clone(),
                format!("{}: {}", crate::alarms::capitalised(&e.field), e.reason),
            )
        })
        .collect()
}

async fn new_problem(Staff(caller): Staff) -> Response {
    render(&NewPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user),
        form: NewForm::default(),
        errors: Vec::new(),
    })
}

/// The cases `raw` names (references the caller may see), or the field's error.
async fn cases_named(state: &AppState, caller: &Caller, raw: &str) -> Result<Vec<(i64, CaseReference)>, String> {
    let mut out = Vec::new();
    for word in raw
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        match crate::workspace::visible_case(state, caller, word.trim()).await {
            Ok(r) => out.push((r.number(), r)),
            Err(_) => return Err(format!("Cases: there is no case {word} that you can see")),
        }
    }
    Ok(out)
}

async fn create(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<NewForm>) -> Response {
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    let back = |errors: Vec<(String, String)>| {
        let page = NewPage {
            csrf: caller.csrf_token.clone().unwrap_or_default(),
            user: Some(caller.user.clone()),
            form: f.clone(),
            errors,
        };
        (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
    };
    let cases = match cases_named(&state, &caller, &f.cases).await {
        Ok(c) => c,
        Err(m) => return back(vec![("cases".into(), m)]),
    };
    let problem = NewProblem {
        title: f.title.clone(),
        owner: Some(caller.user.id),
        cases: cases.iter().map(|c| c.0).collect(),
        alarm: None,
    };
    match state.store().create_problem(&problem, caller.user.id).await {
        Ok(id) => {
            let refs: Vec<String> = cases.iter().map(|c| c.1.to_string()).collect();
            let detail = serde_json::json!({"title": problem.title.trim(), "cases": refs});
            if let Err(e) = state
                .audit(&caller, Action::PROBLEM_CREATE, Subject::problem(id), detail)
                .await
            {
                return page_error(e);
            }
            Redirect::to(&format!("/problems/{id}?done=created")).into_response()
        }
        Err(StoreError::Invalid(e)) => back(field_errors(e)),
        Err(e) => page_error(e.into()),
    }
}

/// A linked case as the problem page lists it.
struct CaseRow {
    reference: String,
    title: String,
    customer: String,
    status: String,
}

/// The problem's edit form as typed (or as stored).
#[derive(Deserialize, Default, Clone)]
pub(crate) struct EditForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    workaround: String,
    #[serde(default)]
    fix: String,
    /// Tell every linked case's customer when resolving.
    #[serde(default)]
    tell: Option<String>,
    #[serde(default)]
    message: String,
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage {
    user: Option<UserRecord>,
    csrf: String,
    can_write: bool,
    problem: Problem,
    form: EditForm,
    statuses: &'static [ProblemStatus],
    owners: Vec<(i64, String)>,
    cases: Vec<CaseRow>,
    hidden_cases: usize,
    actions: Vec<LearningAction>,
    today: jiff::civil::Date,
    errors: Vec<(String, String)>,
    notice: Option<String>,
}

impl ProblemPage {
    fn error(&self, id: &str) -> Option<&str> {
        field_error(&self.errors, id)
    }
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
    #[serde(default)]
    told: Option<usize>,
    #[serde(default)]
    untold: Option<usize>,
}

impl Done {
    fn notice(&self) -> Option<String> {
        Some(match self.done.as_str() {
            "created" => "Problem opened.".into(),
            "saved" => "Problem saved.".into(),
            "linked" => "Case linked.".into(),
            "unlinked" => "Case unlinked.".into(),
            "resolved" => {
                let mut s = "Problem resolved.".to_string();
                if let Some(n) = self.told {
                    s.push_str(&format!(
                        " {n} customer{} told by email.",
                        if n == 1 { "" } else { "s" }
                    ));
                }
                if let Some(n) = self.untold.filter(|n| *n > 0) {
                    s.push_str(&format!(
                        " {n} could not be told by email: their cases have a note to tell them another way."
                    ));
                }
                s
            }
            _ => return None,
        })
    }
}

async fn show(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Response {
    render_problem(&state, &caller, id, None, Vec::new(), done.notice()).await
}

/// The problem page; `form` is what was typed when it came back with `errors`.
pub(crate) async fn render_problem(
    state: &AppState,
    caller: &Caller,
    id: i64,
    form: Option<EditForm>,
    errors: Vec<(String, String)>,
    notice: Option<String>,
) -> Response {
    let store = state.store();
    let filter = LearningFilter {
        problem: Some(id),
        ..Default::default()
    };
    let (problem, users, actions) =
        match tokio::try_join!(store.problem(id), store.users(), store.learning_actions(&filter)) {
            Ok(v) => v,
            Err(e) => return page_error(e.into()),
        };
    let prefix = &state.settings().reference_prefix;
    let cases: Vec<CaseRow> = problem
        .cases
        .iter()
        .filter(|c| caller.sees(&c.service))
        .map(|c| CaseRow {
            reference: CaseReference::new(prefix, c.case_id)
                .map(|r| r.to_string())
                .unwrap_or_default(),
            title: c.title.clone(),
            customer: c.customer.clone(),
            status: c.status.replace('_', " "),
        })
        .collect();
    let hidden_cases = problem.cases.len() - cases.len();
    let shown: Vec<&str> = cases.iter().map(|c| c.reference.as_str()).collect();
    if let Err(e) = state
        .audit(
            caller,
            Action::PROBLEM_READ,
            Subject::problem(id),
            serde_json::json!({"shown": shown}),
        )
        .await
    {
        return page_error(e);
    }
    let form = form.unwrap_or_else(|| EditForm {
        title: problem.edit.title.clone(),
        status: problem.edit.status.as_str().into(),
        owner: problem.edit.owner.map(|o| o.to_string()).unwrap_or_default(),
        root_cause: problem.edit.root_cause.clone(),
        workaround: problem.edit.workaround.clone(),
        fix: problem.edit.fix.clone(),
        tell: None,
        message: tell::DEFAULT_MESSAGE.into(),
        ..Default::default()
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ProblemPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        can_write: caller.user.role.can_write(),
        user: Some(caller.user.clone()),
        owners: users.into_iter().filter(|u| u.active).map(|u| (u.id, u.name)).collect(),
        statuses: ProblemStatus::ALL,
        problem,
        form,
        cases,
        hidden_cases,
        actions,
        today: crate::learning::today(),
        errors,
        notice,
    };
    (status, render(&page)).into_response()
}

async fn update(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Response {
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    let before = match state.store().problem(id).await {
        Ok(p) => p,
        Err(e) => return page_error(e.into()),
    };
    let mut errors = Vec::new();
    let status = match f.status.parse::<ProblemStatus>() {
        Ok(s) => s,
        Err(e) => {
            errors.extend(field_errors(e));
            before.edit.status
        }
    };
    let owner = match f.owner.trim() {
        "" => None,
        o => match o.parse::<i64>() {
            Ok(o) => Some(o),
            Err(_) => {
                errors.push(("owner".into(), "Owner: choose someone from the list".into()));
                None
            }
        },
    };
    let edit = ProblemEdit {
        title: f.title.clone(),
        status,
        owner,
        root_cause: f.root_cause.replace("\r\n", "\n"),
        workaround: f.workaround.replace("\r\n", "\n"),
        fix: f.fix.replace("\r\n", "\n"),
    };
    if let Err(e) = edit.validate() {
        errors.extend(field_errors(e));
    }
    let resolving = status == ProblemStatus::Resolved && before.edit.status != ProblemStatus::Resolved;
    let telling = resolving && f.tell.is_some();
    if telling && f.message.trim().is_empty() {
        errors.push((
            "message".into(),
            "Message: write the update to send, or untick the box".into(),
        ));
    }
    if !errors.is_empty() {
        return render_problem(&state, &caller, id, Some(f), errors, None).await;
    }
    match state.store().update_problem(id, &edit).await {
        Ok(()) => {}
        Err(StoreError::Invalid(e)) => {
            return render_problem(&state, &caller, id, Some(f), field_errors(e), None).await;
        }
        Err(e) => return page_error(e.into()),
    }
    let detail = serde_json::json!({
        "title": edit.title.trim(),
        "status": edit.status.as_str(),
        "from": before.edit.status.as_str(),
        "owner": edit.owner,
        "tell": telling,
    });
    if let Err(e) = state
        .audit(&caller, Action::PROBLEM_UPDATE, Subject::problem(id), detail)
        .await
    {
        return page_error(e);
    }
    if !resolving {
        return Redirect::to(&format!("/problems/{id}?done=saved")).into_response();
    }
    match tell::resolved(&state, &caller, id, &edit, telling.then_some(f.message.as_str())).await {
        Ok((told, untold)) => {
            let counts = if telling {
                format!("&told={told}&untold={untold}")
            } else {
                String::new()
            };
            Redirect::to(&format!("/problems/{id}?done=resolved{counts}")).into_response()
        }
        Err(r) => r,
    }
}

#[derive(Deserialize, Default)]
struct CaseForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    case: String,
}

async fn add_case(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    Form(f): Form<CaseForm>,
) -> Response {
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    let reference = match crate::workspace::visible_case(&state, &caller, f.case.trim()).await {
        Ok(r) => r,
        Err(_) => {
            let message = if f.case.trim().is_empty() {
                "Case: enter the case reference, like HRD-000123".to_string()
            } else {
                format!("Case: there is no case {} that you can see", f.case.trim())
            };
            return render_problem(&state, &caller, id, None, vec![("case".into(), message)], None).await;
        }
    };
    match state
        .store()
        .link_problem_case(id, reference.number(), caller.user.id)
        .await
    {
        Ok(_) => link_changed(&state, &caller, id, &reference, Action::PROBLEM_LINK, "linked").await,
        Err(StoreError::Invalid(e)) => render_problem(&state, &caller, id, None, field_errors(e), None).await,
        Err(e) => page_error(e.into()),
    }
}

async fn remove_case(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path((id, case)): Path<(i64, String)>,
    Form(f): Form<crate::pages::CsrfForm>,
) -> Response {
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    let reference = match crate::workspace::visible_case(&state, &caller, &case).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    match state
        .store()
        .unlink_problem_case(id, reference.number(), caller.user.id)
        .await
    {
        Ok(_) => link_changed(&state, &caller, id, &reference, Action::PROBLEM_UNLINK, "unlinked").await,
        Err(e) => page_error(e.into()),
    }
}

/// Audits a link change on the case (and names the problem), then back to the problem.
async fn link_changed(
    state: &AppState,
    caller: &Caller,
    id: i64,
    reference: &CaseReference,
    action: Action,
    done: &str,
) -> Response {
    let detail = serde_json::json!({"problem": id});
    if let Some(refused) = crate::workspace::audit_case(state, caller, reference, action, detail).await {
        return refused;
    }
    Redirect::to(&format!("/problems/{id}?done={done}")).into_response()
}
