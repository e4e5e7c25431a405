//! Complaints under the Complaint Handling Code, at `/cases/{reference}/complaint`: the
//! stage, its deadlines as the code counts them, and a form for each step the code allows
//! next (see `heard_store::complaints`). On a case that is not a complaint the page takes
//! messages from it as a new complaint case. The yearly report is in [`report`].

pub(crate) mod report;

use crate::audit::Action;
use crate::pages::{Staff, page_error, render};
use crate::problems::field_errors;
use crate::time::London;
use crate::workspace::{audit_case, visible_case};
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use heard_core::complaint::{Decision, Ombudsman, Refusal, Stage};
use heard_core::{CaseKind, CaseReference, Direction};
use heard_store::complaints::{ComplaintRecord, StageRecord, Step};
use heard_store::{CaseRecord, StoreError, UserRef};
use jiff::Timestamp;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/cases/{reference}/complaint", get(page).post(step))
        .route("/complaints/report", get(report::page))
        .route("/complaints/report.csv", get(report::csv))
}

/// The Ombudsman a complaint about `service` goes to: the Housing Ombudsman for the
/// council's landlord services (`[complaints] housing_services`), otherwise the LGSCO.
pub(crate) fn ombudsman_for(state: &AppState, service: &str) -> Ombudsman {
    if state.settings().housing_services.iter().any(|s| s == service) {
        Ombudsman::Housing
    } else {
        Ombudsman::LocalGovernment
    }
}

/// One stage as the page shows it.
struct StageView {
    label: &'static str,
    received: String,
    acknowledge_due: String,
    acknowledged: String,
    acknowledged_late: bool,
    understood: String,
    outcome_sought: String,
    respond_due: String,
    extended_days: u32,
    extension_reasons: String,
    handler: String,
    responded: String,
    responded_late: bool,
    decision: String,
    reasons: String,
    remedy: String,
    actions: u32,
    learning: String,
}

fn day(t: Option<Timestamp>) -> String {
    t.map(|t| t.london("%-d %B %Y")).unwrap_or_default()
}

impl StageView {
    fn of(s: &StageRecord) -> StageView {
        StageView {
            label: s.stage.label(),
            received: day(Some(s.received_at)),
            acknowledge_due: day(s.acknowledge_due_at),
            acknowledged: day(s.acknowledged_at),
            acknowledged_late: s.acknowledged_on_time() == Some(false),
            understood: s.understood.clone(),
            outcome_sought: s.outcome_sought.clone(),
            respond_due: day(s.respond_due_at),
            extended_days: s.extended_days,
            extension_reasons: s.extension_reasons.clone(),
            handler: s.handler.clone().unwrap_or_default(),
            responded: day(s.responded_at),
            responded_late: s.responded_on_time() == Some(false),
            decision: s.decision.map(|d| d.label().to_string()).unwrap_or_default(),
            reasons: s.reasons.clone(),
            remedy: s.remedy.clone(),
            actions: s.actions,
            learning: s.learning.clone(),
        }
    }
}

/// What the officer typed, kept when a step is refused.
#[derive(Default, Clone)]
pub(crate) struct StepForm {
    csrf_token: String,
    step: String,
    category: String,
    matter_on: String,
    adjustments: String,
    ombudsman: String,
    ombudsman_ref: String,
    late: String,
    understood: String,
    outcome_sought: String,
    days: String,
    reasons: String,
    resident_told: String,
    decision: String,
    remedy: String,
    actions: String,
    actions_due: String,
    learning: String,
    handler: String,
    refusal: String,
    title: String,
    /// Messages taken as a complaint (the field repeats).
    contact: Vec<i64>,
}

#[derive(Template)]
#[template(path = "complaint.html")]
struct ComplaintPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    case: CaseRecord,
    can_write: bool,
    /// The complaint; `None` on a case that is not one (the page offers to take one).
    complaint: Option<ComplaintRecord>,
    stages: Vec<StageView>,
    /// The next step's stage and what it waits for, in words.
    next: String,
    /// Which forms to offer.
    can_acknowledge: bool,
    can_extend: bool,
    can_respond: bool,
    can_escalate: bool,
    can_refuse: bool,
    needs_late_decision: bool,
    extension_left: u32,
    /// Officers who may handle stage 2 (not those who handled stage 1).
    reviewers: Vec<UserRef>,
    /// The text to tell the resident on an extension, with the Ombudsman's details.
    extension_letter: String,
    ombudsman_details: &'static str,
    /// Inbound messages, for taking as a complaint: (id, when, first words).
    messages: Vec<(i64, String, String)>,
    decisions: &'static [Decision],
    refusals: &'static [Refusal],
    form: StepForm,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
}

impl ComplaintPage {
    /// The error on `field` of the `step` form, when that form was the one sent.
    fn err(&self, step: &str, field: &str) -> Option<&str> {
        if self.form.step != step {
            return None;
        }
        crate::problems::field_error(&self.errors, field)
    }
}

#[derive(Deserialize)]
struct PageQuery {
    done: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let reference = match visible_case(&state, &caller, &raw).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let done = q.done.as_deref().and_then(|d| {
        Some(match d {
            "details" => "The complaint's details were saved.",
            "late" => "The decision on the late complaint was recorded.",
            "acknowledge" => "The complaint was acknowledged; the response is now due by the date shown.",
            "extend" => "The response deadline was extended.",
            "respond" => "The response was recorded; its actions are follow-ups on the case.",
            "escalate" => "The complaint is at stage 2 with the officer chosen.",
            "refuse" => "The refusal was recorded.",
            "taken" => "This complaint was opened from the messages chosen.",
            _ => return None,
        })
    });
    render_page(&state, &caller, &reference, StepForm::default(), Vec::new(), done).await
}

async fn render_page(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    form: StepForm,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match build(state, caller, reference, form, errors, done).await {
        Ok(p) => (status, render(&p)).into_response(),
        Err(e) => page_error(e.into()),
    }
}

async fn build(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    form: StepForm,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
) -> Result<ComplaintPage, StoreError> {
    let store = state.store();
    let case = store.case(reference).await?;
    let ombudsman = ombudsman_for(state, &case.service);
    let complaint = store.complaint(reference, ombudsman).await?;
    let mut page = ComplaintPage {
        user: Some(caller.user.clone()),
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        can_write: caller.user.role.can_write(),
        case,
        complaint: None,
        stages: Vec::new(),
        next: String::new(),
        can_acknowledge: false,
        can_extend: false,
        can_respond: false,
        can_escalate: false,
        can_refuse: false,
        needs_late_decision: false,
        extension_left: 0,
        reviewers: Vec::new(),
        extension_letter: String::new(),
        ombudsman_details: ombudsman.details(),
        messages: Vec::new(),
        decisions: Decision::ALL,
        refusals: Refusal::ALL,
        form,
        errors,
        done,
    };
    let Some(c) = complaint else {
        let detail = store.case_detail(reference).await?;
        page.messages = detail
            .contacts
            .iter()
            .filter(|m| m.direction == Direction::Inbound)
            .map(|m| {
                let words: String = m.body.chars().take(160).collect();
                (m.id, m.received_at.london("%-d %b %Y %H:%M"), words)
            })
            .collect();
        if page.form.title.is_empty() {
            page.form.title = format!("Complaint: {}", page.case.title);
        }
        return Ok(page);
    };
    let cur = c.current();
    let open = c.refusal.is_none();
    page.needs_late_decision = open && c.late && c.late_decision.is_none();
    page.can_acknowledge = open && !page.needs_late_decision && cur.acknowledged_at.is_none();
    page.can_extend = open && cur.acknowledged_at.is_some() && cur.responded_at.is_none();
    page.can_respond = page.can_extend;
    page.can_refuse = open && cur.responded_at.is_none();
    page.can_escalate = open && cur.stage == Stage::One && cur.responded_at.is_some();
    page.extension_left = cur.stage.max_extension_days().saturating_sub(cur.extended_days);
    page.next = if !open {
        "Refused: nothing more is due under the code.".to_string()
    } else if page.needs_late_decision {
        "Decide whether to take this complaint: the matter is more than 12 months old.".to_string()
    } else if cur.acknowledged_at.is_none() {
        format!("{}: acknowledge by {}", cur.stage.label(), day(cur.acknowledge_due_at))
    } else if cur.responded_at.is_none() {
        format!("{}: respond by {}", cur.stage.label(), day(cur.respond_due_at))
    } else if cur.stage == Stage::One {
        "Stage 1 answered. If the resident asks, take it to stage 2.".to_string()
    } else {
        "Stage 2 answered: the council's process is complete; the resident may go to the Ombudsman.".to_string()
    };
    if page.can_escalate {
        let stage_one: Vec<i64> = c.stages.first().and_then(|s| s.handler_id).into_iter().collect();
        let service = page.case.service.clone();
        page.reviewers = store
            .users()
            .await?
            .into_iter()
            .filter(|u| u.active && u.role.can_write() && u.sees_service(&service) && !stage_one.contains(&u.id))
            .map(|u| UserRef {
                id: u.id,
                email: u.email,
                name: u.name,
            })
            .collect();
    }
    page.extension_letter = format!(
        "We need more time to respond to your complaint ({reference}). [Why: the reason you record.] We will \
         respond by [the new date]. If you are unhappy with this, you can contact {}.",
        ombudsman.details()
    );
    if page.form.ombudsman.is_empty() {
        page.form.category = c.category.clone();
        page.form.matter_on = c.matter_on.map(|d| d.to_string()).unwrap_or_default();
        page.form.adjustments = c.adjustments.clone();
        page.form.ombudsman = c.ombudsman.as_str().to_string();
        page.form.ombudsman_ref = c.ombudsman_ref.clone();
    }
    page.stages = c.stages.iter().map(StageView::of).collect();
    page.complaint = Some(c);
    Ok(page)
}

/// The form's fields, read by hand: `contact` repeats, once per message taken.
fn read_form(body: &str) -> Option<StepForm> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(body).ok()?;
    let mut f = StepForm::default();
    for (k, v) in pairs {
        let slot = match k.as_str() {
            "contact" => {
                f.contact.push(v.parse().ok()?);
                continue;
            }
            "csrf_token" => &mut f.csrf_token,
            "step" => &mut f.step,
            "category" => &mut f.category,
            "matter_on" => &mut f.matter_on,
            "adjustments" => &mut f.adjustments,
            "ombudsman" => &mut f.ombudsman,
            "ombudsman_ref" => &mut f.ombudsman_ref,
            "late" => &mut f.late,
            "understood" => &mut f.understood,
            "outcome_sought" => &mut f.outcome_sought,
            "days" => &mut f.days,
            "reasons" => &mut f.reasons,
            "resident_told" => &mut f.resident_told,
            "decision" => &mut f.decision,
            "remedy" => &mut f.remedy,
            "actions" => &mut f.actions,
            "actions_due" => &mut f.actions_due,
            "learning" => &mut f.learning,
            "handler" => &mut f.handler,
            "refusal" => &mut f.refusal,
            "title" => &mut f.title,
            _ => continue,
        };
        *slot = v;
    }
    Some(f)
}

/// Reads the form into a step; a field that cannot be read is named.
fn read_step(f: &StepForm) -> Result<Step, (String, String)> {
    let bad = |field: &str, msg: &str| {
        (
            field.to_string(),
            format!("{}: {msg}", crate::alarms::capitalised(field)),
        )
    };
    Ok(match f.step.as_str() {
        "details" => Step::Details {
            category: f.category.clone(),
            matter_on: match f.matter_on.trim() {
                "" => None,
                d => Some(
                    d.parse()
                        .map_err(|_| bad("matter_on", "enter a date like 2026-03-31"))?,
                ),
            },
            adjustments: f.adjustments.clone(),
            ombudsman: f
                .ombudsman
                .parse()
                .map_err(|_| bad("ombudsman", "choose the Ombudsman"))?,
            ombudsman_ref: f.ombudsman_ref.clone(),
        },
        "late" => Step::DecideLate {
            accept: match f.late.as_str() {
                "accept" => true,
                "refuse" => false,
                _ => return Err(bad("late", "choose whether to take the complaint")),
            },
            reasons: f.reasons.clone(),
        },
        "acknowledge" => Step::Acknowledge {
            understood: f.understood.clone(),
            outcome_sought: f.outcome_sought.clone(),
        },
        "extend" => Step::Extend {
            days: f
                .days
                .trim()
                .parse()
                .map_err(|_| bad("days", "enter a whole number of working days"))?,
            reasons: f.reasons.clone(),
            resident_told: f.resident_told == "yes",
        },
        "respond" => Step::Respond {
            decision: f
                .decision
                .parse()
                .map_err(|_| bad("decision", "choose upheld, partly upheld or not upheld"))?,
            reasons: f.reasons.clone(),
            remedy: f.remedy.clone(),
            actions: f.actions.lines().map(str::to_string).collect(),
            actions_due: match f.actions_due.trim() {
                "" => None,
                d => Some(
                    d.parse::<jiff::civil::Date>()
                        .ok()
                        .and_then(|d| d.at(17, 0, 0, 0).to_zoned(crate::time::london_tz()).ok())
                        .map(|z| z.timestamp())
                        .ok_or_else(|| bad("actions_due", "enter a date like 2026-03-31"))?,
                ),
            },
            learning: f.learning.clone(),
        },
        "escalate" => Step::Escalate {
            handler: f
                .handler
                .parse()
                .map_err(|_| bad("handler", "choose who handles stage 2"))?,
        },
        "refuse" => Step::Refuse {
            refusal: f
                .refusal
                .parse()
                .map_err(|_| bad("refusal", "choose why the complaint is refused"))?,
            reasons: f.reasons.clone(),
        },
        _ => return Err(bad("step", "choose what to do")),
    })
}

async fn step(State(state): State<AppState>, Staff(caller): Staff, Path(raw): Path<String>, body: String) -> Response {
    let Some(f) = read_form(&body) else {
        return (StatusCode::BAD_REQUEST, "the form could not be read").into_response();
    };
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    let reference = match visible_case(&state, &caller, &raw).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    if f.step == "take" {
        return take(&state, &caller, &reference, f).await;
    }
    let step = match read_step(&f) {
        Ok(s) => s,
        Err(e) => return render_page(&state, &caller, &reference, f, vec![e], None).await,
    };
    let case = match state.store().case(&reference).await {
        Ok(c) => c,
        Err(e) => return page_error(e.into()),
    };
    let ombudsman = ombudsman_for(&state, &case.service);
    match state
        .store()
        .complaint_step(&reference, &step, ombudsman, caller.user.id)
        .await
    {
        Ok(_) => {
            let detail = serde_json::json!({"step": f.step});
            if let Some(refused) = audit_case(&state, &caller, &reference, Action::CASE_COMPLAINT, detail).await {
                return refused;
            }
            Redirect::to(&format!("/cases/{reference}/complaint?done={}", f.step)).into_response()
        }
        Err(StoreError::Invalid(inv)) => render_page(&state, &caller, &reference, f, field_errors(inv), None).await,
        Err(e) => page_error(e.into()),
    }
}

/// Takes the chosen messages of a case that is not a complaint as a new complaint case.
async fn take(state: &AppState, caller: &Caller, reference: &CaseReference, f: StepForm) -> Response {
    let title = f.title.clone();
    match state
        .store()
        .split_case(reference, &f.contact, &title, Some(CaseKind::Complaint), caller.user.id)
        .await
    {
        Ok(id) => {
            let Ok(new) = CaseReference::new(reference.prefix(), id) else {
                return (StatusCode::INTERNAL_SERVER_ERROR, "the new case has no reference").into_response();
            };
            let detail = serde_json::json!({"step": "take", "to": new.to_string(), "contacts": f.contact});
            if let Some(refused) = audit_case(state, caller, reference, Action::CASE_COMPLAINT, detail).await {
                return refused;
            }
            Redirect::to(&format!("/cases/{new}/complaint?done=taken")).into_response()
        }
        Err(StoreError::Invalid(inv)) => render_page(state, caller, reference, f, field_errors(inv), None).await,
        Err(e) => page_error(e.into()),
    }
}
