//! What the case page's forms do. Each validates on the server; a refusal re-renders
//! the page with the error next to its field and everything typed kept; a form older
//! than the case's last change is shown as stale rather than applied blindly.

use super::case_page::{FormState, render_case};
use super::{audit_case, back_to, changed, check_form, visible_case};
use crate::AppState;
use crate::audit::Action;
use crate::auth::Caller;
use crate::pages::{CsrfForm, Staff, page_error};
use crate::time::London;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use heard_core::{CaseReference, CaseStatus, Channel};
use heard_store::StoreError;
use heard_store::workspace::{NewReply, STALE_REPLY};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub(crate) struct ReplyForm {
    csrf_token: String,
    channel: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    last_reply_seen: String,
}

/// Sends (email, Facebook, Instagram) or records (a call made, a letter, a visit) a reply
/// to the customer.
pub(crate) async fn reply(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<ReplyForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let keep = |errors: Vec<(&'static str, String)>, stale: Option<String>, status: StatusCode| FormState {
        errors,
        stale,
        status: Some(status),
        reply_channel: Some(f.channel.clone()),
        reply_to: Some(f.to.clone()),
        reply_subject: Some(f.subject.clone()),
        reply_body: Some(f.body.clone()),
        ..Default::default()
    };
    let channel = match f.channel.parse::<Channel>() {
        Ok(c @ (Channel::Email | Channel::Phone | Channel::Letter | Channel::Visit)) => c,
        Ok(c @ (Channel::Facebook | Channel::Instagram)) if state.settings().meta.is_some() => c,
        _ => {
            let form = keep(
                vec![("reply_channel", "Choose how the reply goes".into())],
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
            return render_case(&state, &caller, &reference, form, None).await;
        }
    };
    let mut errors = Vec::new();
    if f.body.trim().is_empty() {
        errors.push(("reply_body", "Write the reply before sending it".to_string()));
    }
    if channel == Channel::Email && !looks_like_email(&f.to) {
        errors.push(("reply_to", "Enter the email address to send the reply to".to_string()));
    }
    // Facebook and Instagram: to the customer's page-scoped id, within Meta's window.
    let mut social = None;
    if matches!(channel, Channel::Facebook | Channel::Instagram) && errors.is_empty() {
        let target = match state.store().case(&reference).await {
            Ok(case) => crate::meta::target(&state, case.customer.id, channel).await,
            Err(e) => Err(e),
        };
        match target {
            Ok(crate::meta::Target::Ready(id)) => social = Some(id),
            Ok(crate::meta::Target::Unreachable) => errors.push((
                "reply_channel",
                format!("The customer has not written to us on {channel}: choose another way"),
            )),
            Ok(crate::meta::Target::WindowClosed) => errors.push((
                "reply_channel",
                format!(
                    "The customer last wrote on {channel} more than 24 hours ago, so Meta will not deliver a reply: \
                     choose another way"
                ),
            )),
            Err(e) => return store_error(&state, &caller, &reference, e, "reply_body").await,
        }
    }
    if !errors.is_empty() {
        let form = keep(errors, None, StatusCode::UNPROCESSABLE_ENTITY);
        return render_case(&state, &caller, &reference, form, None).await;
    }
    // Written `held` first and released once the reply is recorded (heard_store::social).
    let held = match &social {
        Some(recipient) => {
            let message = heard_store::social::NewSocialMessage {
                case_id: Some(reference.number()),
                platform: channel,
                recipient: recipient.clone(),
                body: f.body.clone(),
            };
            match state.store().hold_social(&message).await {
                Ok(id) => Some(id),
                Err(e) => return store_error(&state, &caller, &reference, e, "reply_body").await,
            }
        }
        None => None,
    };
    let email = if channel == Channel::Email {
        let reply = heard_channels::smtp::Reply {
            case_id: reference.number(),
            case_reference: reference.to_string(),
            to: f.to.trim().to_string(),
            subject: f.subject.trim().to_string(),
            body: f.body.clone(),
            attachments: Vec::new(),
        };
        match heard_channels::smtp::compose_reply(state.store(), state.files(), &state.settings().reply_from, &reply)
            .await
        {
            Ok(e) => Some(e),
            Err(heard_channels::smtp::SmtpError::Undeliverable(a)) => {
                let msg = format!("Mail to {a} bounced: reach the customer another way");
                let form = keep(vec![("reply_to", msg)], None, StatusCode::UNPROCESSABLE_ENTITY);
                return render_case(&state, &caller, &reference, form, None).await;
            }
            Err(heard_channels::smtp::SmtpError::Config(m)) => {
                let form = keep(
                    vec![("reply_to", format!("That address cannot be used: {m}"))],
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
                return render_case(&state, &caller, &reference, form, None).await;
            }
            Err(e) => {
                tracing::error!(error = %e, "composing a reply failed");
                return page_error(crate::problem::ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the reply could not be prepared; it has been logged",
                ));
            }
        }
    } else {
        None
    };
    let to = match channel {
        Channel::Email => f.to.trim().to_string(),
        _ => social.clone().unwrap_or_default(),
    };
    let subject = (channel == Channel::Email).then(|| email.as_ref().map(|e| e.subject.clone()).unwrap_or_default());
    let result = state
        .store()
        .record_reply(&NewReply {
            case: reference.clone(),
            actor: caller.user.id,
            channel,
            to,
            subject,
            body: f.body.clone(),
            email,
            last_reply_seen: f.last_reply_seen.trim().parse().ok(),
        })
        .await;
    if let Some(id) = held {
        let settled = match &result {
            Ok(contact) => state.store().release_social(id, *contact).await,
            Err(_) => state.store().drop_social(id).await,
        };
        if let Err(e) = settled {
            // The outbox's next round settles it by whether the reply was recorded.
            tracing::warn!(error = %e, id, "a held social message was not settled; the outbox will");
        }
    }
    match result {
        Ok(contact) => {
            let done = match channel {
                Channel::Email => "email",
                Channel::Facebook | Channel::Instagram => "message",
                _ => "reply",
            };
            let detail = json!({"channel": channel, "contact": contact});
            changed(&state, &caller, &reference, Action::CASE_REPLY, detail, done).await
        }
        Err(StoreError::Conflict(m)) if m == STALE_REPLY => {
            let form = keep(
                Vec::new(),
                Some(
                    "Someone else replied to the customer while you were writing. Your reply has not been sent; \
                     it is kept below. Read their reply in the timeline, then send yours if it is still needed."
                        .into(),
                ),
                StatusCode::CONFLICT,
            );
            render_case(&state, &caller, &reference, form, None).await
        }
        Err(e) => store_error(&state, &caller, &reference, e, "reply_body").await,
    }
}

/// Good enough to catch a slip of the keyboard; the outbox parses it properly.
fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    matches!(s.split_once('@'), Some((a, b)) if !a.is_empty() && b.contains('.') && !s.contains(char::is_whitespace))
}

#[derive(Deserialize)]
pub(crate) struct NoteForm {
    csrf_token: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn note(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<NoteForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    if f.note.trim().is_empty() {
        let mut form = FormState::error("note", "Write the note before adding it");
        form.note = Some(f.note);
        return render_case(&state, &caller, &reference, form, None).await;
    }
    match state.store().add_note(&reference, caller.user.id, &f.note).await {
        Ok(()) => changed(&state, &caller, &reference, Action::CASE_NOTE, json!({}), "note").await,
        Err(e) => store_error(&state, &caller, &reference, e, "note").await,
    }
}

#[derive(Deserialize)]
pub(crate) struct AssignForm {
    csrf_token: String,
    #[serde(default)]
    owner: String,
}

pub(crate) async fn assign(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<AssignForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let owner = match f.owner.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let form = FormState::error("owner", "Choose who the case goes to");
                return render_case(&state, &caller, &reference, form, None).await;
            }
        },
    };
    match state.store().assign_case(&reference, owner, Some(caller.user.id)).await {
        Ok(()) => {
            changed(
                &state,
                &caller,
                &reference,
                Action::CASE_ASSIGN,
                json!({"owner": owner}),
                "assign",
            )
            .await
        }
        Err(e) => store_error(&state, &caller, &reference, e, "owner").await,
    }
}

#[derive(Deserialize)]
pub(crate) struct StatusForm {
    csrf_token: String,
    status: String,
    #[serde(default)]
    version: i64,
}

pub(crate) async fn status(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<StatusForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    if let Some(res) = stale(&state, &caller, &reference, f.version).await {
        return res;
    }
    let to = match f.status.parse::<CaseStatus>() {
        Ok(s) => s,
        Err(_) => {
            let form = FormState::error("status", "Choose a status");
            return render_case(&state, &caller, &reference, form, None).await;
        }
    };
    // Resolving or closing is the close check's business: nothing may slip by this door.
    if !to.is_open() {
        return close_checked(&state, &caller, &reference, to).await;
    }
    match state
        .store()
        .set_case_status(&reference, to, Some(caller.user.id))
        .await
    {
        Ok(()) => {
            changed(
                &state,
                &caller,
                &reference,
                Action::CASE_STATUS,
                json!({"to": to}),
                "status",
            )
            .await
        }
        Err(e) => store_error(&state, &caller, &reference, e, "status").await,
    }
}

#[derive(Deserialize)]
pub(crate) struct CloseForm {
    csrf_token: String,
    #[serde(default)]
    version: i64,
}

/// Closes the case, unless something is left to do: then the page lists exactly what.
pub(crate) async fn close(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<CloseForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    if let Some(res) = stale(&state, &caller, &reference, f.version).await {
        return res;
    }
    close_checked(&state, &caller, &reference, CaseStatus::Closed).await
}

async fn close_checked(state: &AppState, caller: &Caller, reference: &CaseReference, to: CaseStatus) -> Response {
    let (contacts, follow_ups) = match state.store().close_facts(reference).await {
        Ok(f) => f,
        Err(e) => return page_error(e.into()),
    };
    let missing = match required_missing(state, reference).await {
        Ok(m) => m,
        Err(e) => return page_error(e.into()),
    };
    let blockers = heard_core::job::close_blockers(&contacts, &follow_ups, &missing);
    if !blockers.is_empty() {
        let form = FormState {
            blockers: blockers.iter().map(describe_blocker).collect(),
            status: Some(StatusCode::CONFLICT),
            ..Default::default()
        };
        return render_case(state, caller, reference, form, None).await;
    }
    match state.store().set_case_status(reference, to, Some(caller.user.id)).await {
        Ok(()) => {
            if let Some(refused) = audit_case(state, caller, reference, Action::CASE_STATUS, json!({"to": to})).await {
                return refused;
            }
            if let Err(e) = state.store().close_job(caller.user.id, reference).await {
                return page_error(e.into());
            }
            Redirect::to(&format!("/cases?done=closed&case={reference}")).into_response()
        }
        Err(e) => store_error(state, caller, reference, e, "status").await,
    }
}

/// The fields the council requires of this case (by service and kind) that no agent has
/// confirmed yet.
async fn required_missing(state: &AppState, reference: &CaseReference) -> Result<Vec<String>, StoreError> {
    let rules = &state.settings().required_fields;
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let detail = state.store().case_detail(reference).await?;
    let present: Vec<&str> = detail.values.iter().map(|v| v.kind.as_str()).collect();
    Ok(heard_core::job::missing_fields(
        rules,
        &detail.case.service,
        detail.case.kind,
        &present,
    ))
}

/// A blocker in words, with its times in London time.
pub(crate) fn describe_blocker(b: &heard_core::job::Blocker) -> String {
    use heard_core::job::Blocker;
    match b {
        Blocker::Unanswered { at, .. } => format!(
            "the customer's contact of {} has no reply and is not marked \"no reply needed\"",
            at.london("%-d %b %Y %H:%M")
        ),
        Blocker::FollowUpOpen { due_at, note, .. } => {
            format!(
                "the follow-up \"{note}\" due {} is not done",
                due_at.london("%-d %b %Y")
            )
        }
        Blocker::FieldMissing { .. } => b.to_string(),
    }
}

#[derive(Deserialize)]
pub(crate) struct FollowUpForm {
    csrf_token: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn add_follow_up(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<FollowUpForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let mut errors = Vec::new();
    let due = match f.due.trim().parse::<jiff::civil::Date>() {
        Ok(d) if d < jiff::Zoned::now().date() => {
            errors.push(("follow_up_date", "The date must be today or later".to_string()));
            None
        }
        Ok(d) => Some(end_of_office_day(d)),
        Err(_) => {
            errors.push((
                "follow_up_date",
                "Enter the date it is due, for example 27 3 2027".to_string(),
            ));
            None
        }
    };
    if f.note.trim().is_empty() {
        errors.push(("follow_up_note", "Say what is to be done".to_string()));
    }
    let (Some(due), true) = (due, errors.is_empty()) else {
        let form = FormState {
            errors,
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            follow_up_date: f.due,
            follow_up_note: f.note,
            ..Default::default()
        };
        return render_case(&state, &caller, &reference, form, None).await;
    };
    match state
        .store()
        .add_follow_up(&reference, caller.user.id, due, &f.note)
        .await
    {
        Ok(id) => {
            let detail = json!({"follow_up": id, "due": due.to_string()});
            changed(&state, &caller, &reference, Action::CASE_FOLLOW_UP, detail, "follow-up").await
        }
        Err(e) => store_error(&state, &caller, &reference, e, "follow_up_note").await,
    }
}

/// A follow-up due "on" a day is due by the end of that office day, London time.
fn end_of_office_day(d: jiff::civil::Date) -> jiff::Timestamp {
    d.at(17, 0, 0, 0)
        .in_tz("Europe/London")
        .map(|z| z.timestamp())
        .or_else(|_| {
            d.at(17, 0, 0, 0)
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp())
        })
        .unwrap_or_else(|_| jiff::Timestamp::now())
}

pub(crate) async fn follow_up_done(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path((raw, id)): Path<(String, i64)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    match state.store().complete_follow_up(&reference, caller.user.id, id).await {
        Ok(()) => {
            let detail = json!({"follow_up": id, "done": true});
            changed(
                &state,
                &caller,
                &reference,
                Action::CASE_FOLLOW_UP,
                detail,
                "follow-up-done",
            )
            .await
        }
        Err(e) => store_error(&state, &caller, &reference, e, "follow_up_note").await,
    }
}

#[derive(Deserialize)]
pub(crate) struct NoReplyForm {
    csrf_token: String,
    #[serde(default)]
    on: String,
}

pub(crate) async fn no_reply(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path((raw, id)): Path<(String, i64)>,
    Form(f): Form<NoReplyForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let on = f.on != "false";
    match state
        .store()
        .set_no_reply_needed(&reference, id, caller.user.id, on)
        .await
    {
        Ok(()) => {
            let done = if on { "no-reply" } else { "reply-needed" };
            let detail = json!({"contact": id, "no_reply_needed": on});
            changed(&state, &caller, &reference, Action::CONTACT_NO_REPLY, detail, done).await
        }
        Err(e) => store_error(&state, &caller, &reference, e, "timeline-heading").await,
    }
}

#[derive(Deserialize)]
pub(crate) struct TransferForm {
    csrf_token: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    reason: String,
}

/// Moves the case to another service. The agent usually cannot see it afterwards (a
/// back-office officer of the old service), so they go back to their queue.
pub(crate) async fn transfer(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<TransferForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let mut errors = Vec::new();
    if f.service.trim().is_empty() {
        errors.push(("transfer_service", "Choose the service the case goes to".to_string()));
    }
    if f.reason.trim().is_empty() {
        errors.push((
            "transfer_reason",
            "Say why the case is moving to another service".to_string(),
        ));
    }
    let keep = |errors| FormState {
        errors,
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        transfer_service: f.service.clone(),
        transfer_reason: f.reason.clone(),
        ..Default::default()
    };
    if !errors.is_empty() {
        return render_case(&state, &caller, &reference, keep(errors), None).await;
    }
    match state
        .store()
        .transfer_case(&reference, f.service.trim(), &f.reason, caller.user.id)
        .await
    {
        Ok(()) => {
            let detail = json!({"to": f.service.trim(), "reason": f.reason.trim()});
            if let Some(refused) = audit_case(&state, &caller, &reference, Action::CASE_TRANSFER, detail).await {
                return refused;
            }
            if caller.sees(f.service.trim()) {
                back_to(&reference, "transferred")
            } else {
                if let Err(e) = state.store().close_job(caller.user.id, &reference).await {
                    return page_error(e.into());
                }
                Redirect::to(&format!("/cases?done=transferred&case={reference}")).into_response()
            }
        }
        Err(StoreError::Invalid(inv)) => {
            let msg = inv.to_string();
            render_case(&state, &caller, &reference, keep(vec![("transfer_service", msg)]), None).await
        }
        Err(e) => page_error(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct LinkForm {
    csrf_token: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    kind: String,
}

/// Links this case to another: related, a duplicate of it, a child of it, or an incident
/// of a problem (brief story 5: the manager links the incidents to the problem record).
pub(crate) async fn link(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<LinkForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let keep = |message: String| FormState {
        errors: vec![("link_to", message)],
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        link_to: f.to.clone(),
        ..Default::default()
    };
    let Ok(kind) = f.kind.parse::<heard_core::CaseLinkKind>() else {
        return render_case(
            &state,
            &caller,
            &reference,
            keep("Choose how the cases are linked".into()),
            None,
        )
        .await;
    };
    let to = match visible_case(&state, &caller, f.to.trim().to_uppercase().as_str()).await {
        Ok(to) => to,
        Err(_) => {
            let msg = format!("There is no case {} you can see", f.to.trim());
            return render_case(&state, &caller, &reference, keep(msg), None).await;
        }
    };
    match state
        .store()
        .link_cases(&reference, &to, kind, Some(caller.user.id))
        .await
    {
        Ok(()) => {
            let detail = json!({"to": to.to_string(), "kind": kind});
            changed(&state, &caller, &reference, Action::CASE_LINK, detail, "link").await
        }
        Err(StoreError::Invalid(inv)) => render_case(&state, &caller, &reference, keep(inv.to_string()), None).await,
        Err(e) => page_error(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct MergeForm {
    csrf_token: String,
    #[serde(default)]
    into: String,
}

/// Merges this case into another of the same customer (a duplicate opened by a second
/// email, say); the case page of the case merged into offers to undo it.
pub(crate) async fn merge(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<MergeForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let keep = |message: String| FormState {
        errors: vec![("merge_into", message)],
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        merge_into: f.into.clone(),
        ..Default::default()
    };
    let into = match visible_case(&state, &caller, f.into.trim().to_uppercase().as_str()).await {
        Ok(r) => r,
        Err(_) => {
            let msg = format!("There is no case {} you can see", f.into.trim());
            return render_case(&state, &caller, &reference, keep(msg), None).await;
        }
    };
    match state.store().merge_case(&reference, &into, caller.user.id).await {
        Ok(id) => {
            let detail = json!({"into": into.to_string(), "merge": id});
            if let Some(refused) = audit_case(&state, &caller, &reference, Action::CASE_MERGE, detail).await {
                return refused;
            }
            if let Err(e) = state.store().close_job(caller.user.id, &reference).await {
                return page_error(e.into());
            }
            back_to(&into, "merged")
        }
        Err(StoreError::Invalid(inv)) => render_case(&state, &caller, &reference, keep(inv.to_string()), None).await,
        Err(e) => page_error(e.into()),
    }
}

/// Undoes a merge, from the page of the case it went into.
pub(crate) async fn undo_merge(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path((raw, id)): Path<(String, i64)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    match state.store().undoable_merge(&reference).await {
        Ok(Some(m)) if m.id == id => {}
        Ok(_) => {
            return (
                StatusCode::CONFLICT,
                "that merge is not the last one on this case, or was undone",
            )
                .into_response();
        }
        Err(e) => return page_error(e.into()),
    }
    match state
        .store()
        .undo_merge(id, caller.user.id, &state.settings().reference_prefix)
        .await
    {
        Ok(m) => {
            let detail = json!({"from": m.from.to_string(), "merge": id, "undo": true});
            changed(&state, &caller, &m.from, Action::CASE_MERGE, detail, "unmerged").await
        }
        Err(StoreError::Conflict(m)) => (StatusCode::CONFLICT, m).into_response(),
        Err(e) => page_error(e.into()),
    }
}

/// Takes the case out of the agent's jobs (it stays as it is).
pub(crate) async fn close_job(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    match state.store().close_job(caller.user.id, &reference).await {
        Ok(()) => Redirect::to("/cases").into_response(),
        Err(e) => page_error(e.into()),
    }
}

/// The checks every action makes first: the session's form token, a role that may
/// write, and a case the caller may see.
pub(super) async fn guard(
    state: &AppState,
    caller: &Caller,
    raw: &str,
    token: &str,
) -> Result<CaseReference, Response> {
    if let Some(refused) = check_form(caller, token) {
        return Err(refused);
    }
    visible_case(state, caller, raw).await
}

/// `Some(page)` when the case changed after the form was rendered.
async fn stale(state: &AppState, caller: &Caller, reference: &CaseReference, version: i64) -> Option<Response> {
    let case = match state.store().case(reference).await {
        Ok(c) => c,
        Err(e) => return Some(page_error(e.into())),
    };
    if case.updated_at.as_millisecond() == version {
        return None;
    }
    let form = FormState {
        stale: Some(format!(
            "It changed at {} after you opened it, so nothing was done. Check the timeline, then try again.",
            case.updated_at.london("%H:%M:%S")
        )),
        status: Some(StatusCode::CONFLICT),
        ..Default::default()
    };
    Some(render_case(state, caller, reference, form, None).await)
}

/// A refusal from the store, shown on the page against `field`.
pub(super) async fn store_error(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    e: StoreError,
    field: &'static str,
) -> Response {
    match e {
        StoreError::Invalid(inv) => {
            let msg = inv.to_string();
            render_case(state, caller, reference, FormState::error(field, msg), None).await
        }
        StoreError::NotFound(m) => (StatusCode::NOT_FOUND, m).into_response(),
        other => page_error(other.into()),
    }
}
