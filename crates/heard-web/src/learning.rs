//! Learning actions at `/learning`: what will change because of a complaint, a problem or an
//! MOT day (ICT fix, process change, training, learning opportunity), who owns it, when it
//! is due and the evidence it was done. An open action past its due date shows in its
//! owner's "slipping" queue (see `workspace::queues`), so it is followed up like a case.

use crate::audit::{Action, Subject};
use crate::pages::{Staff, page_error, render};
use crate::problems::{field_error, field_errors};
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use heard_core::CaseReference;
use heard_store::learning::{KINDS, LearningAction, LearningFilter, NewLearning, Source, kind_label};
use heard_store::{StoreError, UserRecord};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/learning", get(list).post(create))
        .route("/learning/new", get(new_action))
        .route("/learning/{id}", get(edit).post(update))
}

/// Today in London: what "overdue" is measured against.
pub(crate) fn today() -> Date {
    Timestamp::now().to_zoned(crate::time::london_tz()).date()
}

/// The caller's own open actions due before today, for the "slipping" queue.
pub(crate) async fn overdue_for(state: &AppState, caller: &Caller) -> Result<Vec<LearningAction>, StoreError> {
    state
        .store()
        .learning_actions(&LearningFilter {
            owner: Some(caller.user.id),
            open_only: true,
            due_before: Some(today()),
            ..Default::default()
        })
        .await
}

/// Where an action came from, as a link: (text, href).
pub(crate) fn source_link(a: &LearningAction, prefix: &str) -> (String, String) {
    match &a.source {
        Source::Complaint(case) => {
            let r = CaseReference::new(prefix, *case)
                .map(|r| r.to_string())
                .unwrap_or_default();
            (format!("Complaint {r}"), format!("/cases/{r}"))
        }
        Source::Problem(p) => (
            format!("Problem {p}: {}", a.problem_title.as_deref().unwrap_or("")),
            format!("/problems/{p}"),
        ),
        Source::Mot { service, on } => (
            format!("MOT day, {service}, {on}"),
            format!("/mot?service={service}&from={on}&to={on}"),
        ),
    }
}

/// One row of a list.
pub(crate) struct Row {
    pub id: i64,
    pub what: String,
    pub kind: &'static str,
    pub source: (String, String),
    pub owner: String,
    pub due_on: String,
    pub overdue: bool,
    pub done: bool,
}

pub(crate) fn rows(actions: &[LearningAction], prefix: &str) -> Vec<Row> {
    let today = today();
    actions
        .iter()
        .map(|a| Row {
            id: a.id,
            what: a.what.clone(),
            kind: kind_label(&a.kind),
            source: source_link(a, prefix),
            owner: a.owner_name.clone(),
            due_on: a.due_on.strftime("%-d %b %Y").to_string(),
            overdue: a.overdue(today),
            done: a.done,
        })
        .collect()
}

const VIEWS: &[(&str, &str)] = &[
    ("open", "Open"),
    ("mine", "Mine"),
    ("overdue", "Overdue"),
    ("all", "Everything"),
];

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    done: String,
}

#[derive(Template)]
#[template(path = "learning.html")]
struct ListPage {
    user: Option<UserRecord>,
    csrf: String,
    can_write: bool,
    view: String,
    views: &'static [(&'static str, &'static str)],
    rows: Vec<Row>,
    notice: Option<&'static str>,
}

async fn list(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<ListQuery>) -> Response {
    let view = VIEWS.iter().map(|v| v.0).find(|v| *v == q.view).unwrap_or("open");
    let mut f = LearningFilter {
        open_only: view != "all",
        ..Default::default()
    };
    match view {
        "mine" => f.owner = Some(caller.user.id),
        "overdue" => f.due_before = Some(today()),
        _ => {}
    }
    match state.store().learning_actions(&f).await {
        Ok(actions) => render(&ListPage {
            csrf: caller.csrf_token.clone().unwrap_or_default(),
            can_write: caller.user.role.can_write(),
            user: Some(caller.user.clone()),
            view: view.into(),
            views: VIEWS,
            rows: rows(&actions, &state.settings().reference_prefix),
            notice: (q.done == "saved").then_some("Learning action saved."),
        }),
        Err(e) => page_error(e.into()),
    }
}

/// The form, as typed or as stored. The source is fixed once the action exists.
#[derive(Deserialize, Default, Clone)]
struct ActionForm {
    #[serde(default)]
    csrf_token: String,
    /// complaint, problem or mot.
    #[serde(default)]
    source: String,
    #[serde(default)]
    case: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    mot_on: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    evidence: String,
    /// Where to go after saving (a page of ours).
    #[serde(default)]
    back: String,
}

#[derive(Template)]
#[template(path = "learning_edit.html")]
struct EditPage {
    user: Option<UserRecord>,
    csrf: String,
    id: Option<i64>,
    form: ActionForm,
    kinds: &'static [(&'static str, &'static str)],
    owners: Vec<(i64, String)>,
    services: Vec<(String, String)>,
    errors: Vec<(String, String)>,
}

impl EditPage {
    fn error(&self, id: &str) -> Option<&str> {
        field_error(&self.errors, id)
    }
}

async fn editor(
    state: &AppState,
    caller: &Caller,
    id: Option<i64>,
    form: ActionForm,
    errors: Vec<(String, String)>,
) -> Response {
    let (users, services) = match tokio::try_join!(state.store().users(), state.store().services()) {
        Ok(v) => v,
        Err(e) => return page_error(e.into()),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = EditPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user.clone()),
        id,
        form,
        kinds: KINDS,
        owners: users.into_iter().filter(|u| u.active).map(|u| (u.id, u.name)).collect(),
        services: services.into_iter().map(|s| (s.slug, s.name)).collect(),
        errors,
    };
    (status, render(&page)).into_response()
}

#[derive(Deserialize, Default)]
struct NewQuery {
    #[serde(default)]
    case: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    back: String,
}

async fn new_action(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<NewQuery>) -> Response {
    let source = if !q.problem.is_empty() {
        "problem"
    } else if !q.service.is_empty() {
        "mot"
    } else {
        "complaint"
    };
    let form = ActionForm {
        source: source.into(),
        case: q.case,
        problem: q.problem,
        service: q.service,
        mot_on: if q.day.is_empty() { today().to_string() } else { q.day },
        kind: "process_change".into(),
        owner: caller.user.id.to_string(),
        back: q.back,
        ..Default::default()
    };
    editor(&state, &caller, None, form, Vec::new()).await
}

async fn edit(State(state): State<AppState>, Staff(caller): Staff, Path(id): Path<i64>) -> Response {
    let a = match state.store().learning_action(id).await {
        Ok(a) => a,
        Err(e) => return page_error(e.into()),
    };
    let prefix = &state.settings().reference_prefix;
    let mut form = ActionForm {
        source: a.source.as_str().into(),
        what: a.what.clone(),
        kind: a.kind.clone(),
        owner: a.owner.to_string(),
        due_on: a.due_on.to_string(),
        done: a.done.then(|| "on".into()),
        evidence: a.evidence.clone(),
        ..Default::default()
    };
    match &a.source {
        Source::Complaint(c) => {
            form.case = CaseReference::new(prefix, *c)
                .map(|r| r.to_string())
                .unwrap_or_default()
        }
        Source::Problem(p) => form.problem = p.to_string(),
        Source::Mot { service, on } => {
            form.service = service.clone();
            form.mot_on = on.to_string();
        }
    }
    editor(&state, &caller, Some(id), form, Vec::new()).await
}

async fn create(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<ActionForm>) -> Response {
    save(&state, &caller, None, f).await
}

async fn update(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Response {
    save(&state, &caller, Some(id), f).await
}

/// The source the form names, or errors by field.
async fn source_of(state: &AppState, caller: &Caller, f: &ActionForm) -> Result<Source, Vec<(String, String)>> {
    let one = |field: &str, m: &str| vec![(field.to_string(), m.to_string())];
    match f.source.as_str() {
        "complaint" => match crate::workspace::visible_case(state, caller, f.case.trim()).await {
            Ok(r) => Ok(Source::Complaint(r.number())),
            Err(_) => Err(one("case", "Case: enter the reference of a complaint case you can see")),
        },
        "problem" => f
            .problem
            .trim()
            .parse()
            .map(Source::Problem)
            .map_err(|_| one("problem", "Problem: enter the problem's number")),
        "mot" => match f.mot_on.trim().parse::<Date>() {
            Ok(on) if !f.service.is_empty() => Ok(Source::Mot {
                service: f.service.clone(),
                on,
            }),
            Ok(_) => Err(one("service", "Service: choose the department of the MOT day")),
            Err(_) => Err(one("mot_on", "MOT day: enter the day, like 2027-03-31")),
        },
        _ => Err(one("source", "Source: choose a complaint, a problem or an MOT day")),
    }
}

async fn save(state: &AppState, caller: &Caller, id: Option<i64>, f: ActionForm) -> Response {
    if let Some(refused) = crate::workspace::check_form(caller, &f.csrf_token) {
        return refused;
    }
    let mut errors = Vec::new();
    let source = match source_of(state, caller, &f).await {
        Ok(s) => Some(s),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let due_on = f.due_on.trim().parse::<Date>().ok();
    if due_on.is_none() && !f.due_on.trim().is_empty() {
        errors.push(("due_on".into(), "Due on: enter a real date, like 2027-03-31".into()));
    }
    let action = NewLearning {
        id,
        source: source.clone().unwrap_or(Source::Problem(0)),
        what: f.what.clone(),
        kind: f.kind.clone(),
        owner: f.owner.trim().parse().ok(),
        due_on,
        done: f.done.is_some(),
        evidence: f.evidence.replace("\r\n", "\n"),
    };
    if let Err(e) = action.validate() {
        let known: Vec<String> = errors.iter().map(|e| e.0.clone()).collect();
        errors.extend(field_errors(e).into_iter().filter(|(f, _)| !known.contains(f)));
    }
    if !errors.is_empty() {
        return editor(state, caller, id, f, errors).await;
    }
    match state.store().save_learning(&action, caller.user.id).await {
        Ok(saved) => {
            let detail = serde_json::json!({
                "source": action.source.as_str(),
                "what": action.what.trim(),
                "kind": action.kind,
                "owner": action.owner,
                "due_on": action.due_on.map(|d| d.to_string()),
                "done": action.done,
            });
            if let Err(e) = state
                .audit(caller, Action::LEARNING_SAVE, Subject::learning(saved), detail)
                .await
            {
                return page_error(e);
            }
            let back =
                if f.back.starts_with('/') && !f.back.starts_with("//") && f.back.chars().all(|c| c.is_ascii_graphic())
                {
                    f.back.clone()
                } else {
                    "/learning?done=saved".into()
                };
            Redirect::to(&back).into_response()
        }
        Err(StoreError::Invalid(e)) => editor(state, caller, id, f, field_errors(e)).await,
        Err(e) => page_error(e.into()),
    }
}
