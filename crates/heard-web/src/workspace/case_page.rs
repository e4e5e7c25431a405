//! The case page, `/cases/{reference}`: the jobs strip, one timeline of everything that
//! happened, the customer panel, values read from the contacts, and the forms that act
//! on the case. Opening it opens the case as one of the agent's jobs.

use super::visible_case;
use crate::AppState;
use crate::auth::Caller;
use crate::pages::{Staff, page_error, render};
use crate::time::London;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use heard_channels::prepare::signal_kinds::is_signal;
use heard_core::{CaseReference, CaseStatus, Direction, IdentityKind};
use heard_store::workspace::{FollowUpRecord, JobRecord};
use heard_store::{CaseEventRecord, CaseLinkRecord, CaseRecord, ContactRecord, CustomerRecord, ServiceRecord, UserRef};
use jiff::Timestamp;
use serde::Deserialize;

/// What a form left behind when it could not be applied: the errors, and everything
/// the agent typed, so the page comes back exactly as they left it.
#[derive(Debug, Default)]
pub(crate) struct FormState {
    /// (field id, message), in the order of the fields on the page.
    pub errors: Vec<(&'static str, String)>,
    pub reply_channel: Option<String>,
    pub reply_to: Option<String>,
    pub reply_subject: Option<String>,
    pub reply_body: Option<String>,
    pub note: Option<String>,
    pub follow_up_date: String,
    pub follow_up_note: String,
    pub transfer_service: String,
    pub transfer_reason: String,
    pub link_to: String,
    pub merge_into: String,
    /// The title typed for a case being split off.
    pub split_title: String,
    /// What stops the case from closing, when closing was tried.
    pub blockers: Vec<String>,
    /// Someone changed the case while this form was open.
    pub stale: Option<String>,
    pub status: Option<StatusCode>,
    /// A template the agent asked to start the reply from.
    pub template: Option<String>,
    /// Show the contacts before this cursor instead of the newest (earlier messages).
    pub before: Option<String>,
    /// What was typed in "Request a payment".
    pub payment: Option<super::payments::Typed>,
    /// "Request a payment" prefilled with an amount and what it is for (a certificate
    /// order's fee), from the page's query.
    pub payment_prefill: Option<(String, String)>,
}

impl FormState {
    pub(crate) fn error(field: &'static str, message: impl Into<String>) -> FormState {
        FormState {
            errors: vec![(field, message.into())],
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            ..Default::default()
        }
    }

    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// One line of the timeline: a contact, a note, or something that happened to the case.
pub(crate) struct TimelineEntry {
    pub at: Timestamp,
    /// `inbound`, `outbound`, `note` or `event`.
    pub kind: &'static str,
    pub contact: Option<ContactRecord>,
    pub text: String,
    pub actor: Option<String>,
    /// An inbound contact nobody has answered nor marked as needing no answer.
    pub needs_reply: bool,
    /// What the contact's signals say, in words ("Reads as dissatisfied: “still waiting”").
    pub signals: Vec<String>,
}

/// A way the agent can answer: (value, label).
type ChannelChoice = (&'static str, &'static str);

const EMAIL: ChannelChoice = ("email", "Email (sent to the customer)");
const RECORDED: &[ChannelChoice] = &[
    ("phone", "Phone call made (record what was said)"),
    ("letter", "Letter sent (record what it said)"),
    ("visit", "In person (record what was said)"),
];

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    case: CaseRecord,
    service_name: String,
    timeline: Vec<TimelineEntry>,
    unanswered: usize,
    contact_count: usize,
    customer: Option<CustomerRecord>,
    other_cases: Vec<CaseRecord>,
    links: Vec<CaseLinkRecord>,
    jobs: Vec<JobRecord>,
    current: String,
    job: Option<JobRecord>,
    job_colour: u8,
    job_notice: Option<String>,
    follow_ups: Vec<FollowUpRecord>,
    assignees: Vec<UserRef>,
    services: Vec<ServiceRecord>,
    statuses: Vec<CaseStatus>,
    link_kinds: &'static [heard_core::CaseLinkKind],
    /// The last merge into this case, while it can be undone.
    merge: Option<heard_store::workspace::MergeRecord>,
    channels: Vec<ChannelChoice>,
    reply_channel: String,
    reply_to: String,
    reply_subject: String,
    reply_body: String,
    note: String,
    last_reply_seen: String,
    version: i64,
    read_values: Vec<super::values::ReadValue>,
    /// (name, filled body) of the templates offered on this case.
    templates: Vec<(String, String)>,
    can_write: bool,
    form: FormState,
    done: Option<&'static str>,
    /// The deadlines still to meet, most pressing first.
    clocks: Vec<super::clocks::ClockView>,
    /// Who the case was last escalated to, while it is open.
    escalated: Option<String>,
    /// While the case waits in triage: the routing model's best guess (slug, name, % sure).
    routing_guess: Option<(String, String, u32)>,
    /// Open cases that look like the same issue, for one-click linking.
    duplicates: Vec<super::duplicates::DuplicateView>,
    /// More messages before those shown: the cursor for "Earlier messages".
    earlier: Option<String>,
    /// These are earlier messages, not the newest.
    showing_earlier: bool,
    /// Other customers who may be this case's customer (see `customers::matcher`).
    same_people: Vec<crate::customers::matcher::SamePerson>,
    /// The newest message reads as dissatisfied and the case is not a complaint: its cues,
    /// for the prompt to offer one.
    complaint_prompt: Option<String>,
    /// Payments by link on this case, and the form to request one (see `payments`).
    payments: Option<super::payments::Panel>,
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    done: Option<String>,
    /// A reply template to start the reply from (the no-script path of "Insert").
    template: Option<String>,
    /// Earlier messages: the cursor from the page's "Earlier messages" link.
    before: Option<String>,
    /// Prefills "Request a payment": the amount in pounds…
    pay_amount: Option<String>,
    /// …and what it is for.
    pay_for: Option<String>,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let reference = match visible_case(&state, &caller, &raw).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let done = q.done.as_deref().and_then(done_message);
    let form = FormState {
        template: q.template,
        before: q.before,
        payment_prefill: q.pay_amount.map(|a| (a, q.pay_for.unwrap_or_default())),
        ..Default::default()
    };
    render_case(&state, &caller, &reference, form, done).await
}

/// What a finished action says at the top of the page.
fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "reply" => "Your reply was recorded on the case.",
        "email" => "Your reply is in the outbox and will be emailed to the customer.",
        "message" => "Your reply is in the outbox and will be sent to the customer as a message.",
        "note" => "Note added.",
        "value" => "Value reviewed.",
        "assign" => "Owner changed.",
        "status" => "Status changed.",
        "follow-up" => "Follow-up added.",
        "follow-up-done" => "Follow-up marked as done.",
        "no-reply" => "Marked as needing no reply.",
        "reply-needed" => "Marked as needing a reply again.",
        "link" => "Cases linked.",
        "merged" => "The case was merged into this one.",
        "unmerged" => "The merge was undone: this case is back as it was.",
        "transferred" => "Case transferred.",
        "split" => "This case was split off: the messages you chose are here.",
        "payment" => "GOV.UK Pay created the payment, and its link is on its way to the customer.",
        _ => return None,
    })
}

/// Renders the case page for `caller`, with `form` carrying what a failed action left.
pub(crate) async fn render_case(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    form: FormState,
    done: Option<&'static str>,
) -> Response {
    match build(state, caller, reference, form, done).await {
        Ok((status, page)) => (status, render(&page)).into_response(),
        Err(e) => page_error(e),
    }
}

async fn build(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    form: FormState,
    done: Option<&'static str>,
) -> Result<(StatusCode, CasePage), crate::problem::ApiError> {
    let store = state.store();
    let can_write = caller.user.role.can_write();
    let mut job_notice = None;
    if can_write
        && let Err(e) = store
            .open_job(caller.user.id, reference, state.settings().job_limit)
            .await
    {
        match e {
            heard_store::StoreError::Invalid(inv) => {
                job_notice = Some(format!("{inv}. This case is shown, but not kept as a job."));
            }
            other => return Err(other.into()),
        }
    }
    let before = match form.before.as_deref().map(heard_store::queries::Cursor::parse) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => return Err(e.into()),
    };
    let mut detail = store.case_detail_before(reference, before).await?;
    let earlier = detail.earlier.clone();
    crate::api::contacts::mask_for(caller, &mut detail.contacts);
    state
        .audit(
            caller,
            crate::audit::Action::CASE_READ,
            crate::audit::Subject::case(&detail.case),
            serde_json::json!({"page": true}),
        )
        .await?;
    let others = heard_store::queries::CaseFilter {
        customer: Some(detail.case.customer.id),
        visible_services: caller.visible_services(),
        limit: Some(10),
        ..Default::default()
    };
    let (customer, other_cases, jobs, follow_ups, users, services, merge) = tokio::try_join!(
        store.customer(detail.case.customer.id),
        store.list_cases(&others, &state.settings().reference_prefix),
        store.jobs(caller.user.id, &state.settings().reference_prefix),
        store.follow_ups(reference),
        store.users(),
        store.services(),
        store.undoable_merge(reference),
    )?;
    let case = detail.case;
    let service_name = services
        .iter()
        .find(|s| s.slug == case.service)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| case.service.clone());
    let other_cases = other_cases.items.into_iter().filter(|c| c.id != case.id).collect();
    let facts: Vec<heard_core::job::ContactFact> = detail
        .contacts
        .iter()
        .map(|c| heard_core::job::ContactFact {
            id: c.id,
            direction: c.direction,
            at: c.received_at,
            no_reply_needed: c.no_reply_needed,
        })
        .collect();
    // Earlier messages are shown as they were; which still need a reply is the newest page's
    // business (a later reply may answer them).
    let unanswered: Vec<i64> = if before.is_some() {
        Vec::new()
    } else {
        heard_core::job::unanswered(&facts).iter().map(|c| c.id).collect()
    };
    let last_reply_seen = detail
        .contacts
        .iter()
        .filter(|c| c.direction == Direction::Outbound)
        .map(|c| c.id)
        .max();
    let read_values = super::values::read_values(&detail.contacts);
    let email_to = customer
        .identities
        .iter()
        .find(|i| i.kind == IdentityKind::Email && !i.undeliverable)
        .map(|i| i.value.clone());
    let last_inbound = detail.contacts.iter().rev().find(|c| c.direction == Direction::Inbound);
    let subject = last_inbound
        .and_then(|c| c.subject.clone())
        .map(|s| {
            if s.to_lowercase().starts_with("re:") {
                s
            } else {
                format!("Re: {s}")
            }
        })
        .unwrap_or_else(|| case.title.clone());
    let mut channels = Vec::new();
    if email_to.is_some() {
        channels.push(EMAIL);
    }
    // A customer who wrote on Facebook or Instagram is answered there first.
    for social in crate::meta::reply_choices(state, &customer) {
        match last_inbound.map(|c| c.channel.as_str()) {
            Some(c) if c == social.0 => channels.insert(0, social),
            _ => channels.push(social),
        }
    }
    channels.extend_from_slice(RECORDED);
    let job = jobs.iter().find(|j| j.case_id == case.id).cloned();
    let default_channel = job
        .as_ref()
        .and_then(|j| j.reply_channel.clone())
        .filter(|c| channels.iter().any(|(v, _)| v == c))
        .unwrap_or_else(|| channels[0].0.to_string());
    let names: std::collections::HashMap<i64, String> = users.iter().map(|u| (u.id, u.name.clone())).collect();
    // All the case's contacts, not only the page shown: the live check compares with this.
    let contact_count = if detail.earlier.is_some() || before.is_some() {
        usize::try_from(store.case_version(reference).await?.0).unwrap_or(0)
    } else {
        detail.contacts.len()
    };
    let mut templates = fill_templates(state, caller, &case, &service_name, &read_values);
    // The service's published articles (and the general ones) go in as they are, with
    // their address, so the resident can read them again.
    match state.store().articles(true).await {
        Ok(articles) => templates.extend(
            articles
                .into_iter()
                .filter(|a| a.service.is_none() || a.service.as_deref() == Some(case.service.as_str()))
                .map(|a| {
                    let label = if a.language == "cy" {
                        "Article (Cymraeg)"
                    } else {
                        "Article"
                    };
                    let body = format!(
                        "{}\n\n{}\n\n{}/help/{}",
                        a.title,
                        a.body.trim(),
                        state.settings().public_url,
                        a.slug
                    );
                    (format!("{label}: {}", a.title), body)
                }),
        ),
        Err(e) => tracing::warn!(error = %e, "articles not offered"),
    }
    let clocks = super::clocks::clocks(&state.settings().service_levels, &case, Timestamp::now());
    let escalated = detail
        .history
        .iter()
        .rev()
        .find(|e| e.kind == "escalated")
        .filter(|_| case.status.is_open())
        .map(|e| escalated_to(&e.detail));
    let routing_guess = routing_guess(state, &case, &detail.history, &services);
    let complaint_prompt = super::signals::complaint_prompt(&case, &detail.contacts);
    let duplicates = if can_write && case.status.is_open() {
        super::duplicates::suggestions(state, &case.reference).await
    } else {
        Vec::new()
    };
    let same_people = crate::customers::matcher::possibly_same(state, caller, customer.id).await;
    let payments = super::payments::panel(
        state,
        &case,
        &customer,
        can_write,
        form.payment.as_ref(),
        form.payment_prefill.as_ref(),
    )
    .await?;
    let timeline = timeline(detail.contacts, detail.history, &unanswered, &names);
    let assignees = users
        .into_iter()
        .filter(|u| u.active && u.role.can_write() && u.sees_service(&case.service))
        .map(|u| UserRef {
            id: u.id,
            email: u.email,
            name: u.name,
        })
        .collect();
    let statuses = case
        .kind
        .statuses()
        .iter()
        .copied()
        .filter(|s| *s != case.status && *s != CaseStatus::New && *s != CaseStatus::Closed)
        .collect();
    let status = form.status.unwrap_or(StatusCode::OK);
    let page = CasePage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user.clone()),
        service_name,
        unanswered: unanswered.len(),
        contact_count,
        customer: Some(customer),
        other_cases,
        links: detail.links,
        current: case.reference.to_string(),
        job_notice,
        follow_ups,
        assignees,
        services: services.into_iter().filter(|s| s.slug != case.service).collect(),
        statuses,
        link_kinds: heard_core::CaseLinkKind::ALL,
        merge,
        reply_channel: form.reply_channel.clone().unwrap_or(default_channel),
        reply_to: form.reply_to.clone().or(email_to).unwrap_or_default(),
        reply_subject: form.reply_subject.clone().unwrap_or(subject),
        reply_body: form
            .reply_body
            .clone()
            .or_else(|| {
                let name = form.template.as_deref()?;
                templates.iter().find(|(n, _)| n == name).map(|(_, b)| b.clone())
            })
            .or_else(|| job.as_ref().map(|j| j.reply_draft.clone()))
            .unwrap_or_default(),
        note: form
            .note
            .clone()
            .or_else(|| job.as_ref().map(|j| j.note_draft.clone()))
            .unwrap_or_default(),
        last_reply_seen: last_reply_seen.map(|i| i.to_string()).unwrap_or_default(),
        version: case.updated_at.as_millisecond(),
        channels,
        read_values,
        templates,
        timeline,
        jobs,
        job_colour: job.as_ref().map(|j| j.colour).unwrap_or(0),
        job,
        can_write,
        case,
        form,
        done,
        clocks,
        escalated,
        routing_guess,
        duplicates,
        earlier,
        showing_earlier: before.is_some(),
        same_people,
        complaint_prompt,
        payments,
    };
    Ok((status, page))
}

/// The templates offered on `case`, filled from it, its customer and what was read.
fn fill_templates(
    state: &AppState,
    caller: &Caller,
    case: &CaseRecord,
    service_name: &str,
    read: &[super::values::ReadValue],
) -> Vec<(String, String)> {
    use heard_understand::extract::kinds;
    // Confirmed values come first in `read`, so a template fills from them.
    let first = |kind: &[&str]| {
        read.iter()
            .find(|r| kind.contains(&r.kind.as_str()))
            .map(|r| r.value.clone())
            .unwrap_or_default()
    };
    let values = std::collections::BTreeMap::from([
        ("customer.name", case.customer.name.clone()),
        (
            "customer.first_name",
            heard_core::reply_template::first_name(&case.customer.name),
        ),
        ("case.reference", case.reference.to_string()),
        ("case.title", case.title.clone()),
        ("service.name", service_name.to_string()),
        ("agent.name", caller.user.name.clone()),
        ("postcode", first(&[kinds::POSTCODE])),
        ("address", first(&[kinds::ADDRESS])),
        (
            "account_reference",
            first(&[kinds::COUNCIL_TAX_REF, kinds::BUSINESS_RATES_REF]),
        ),
        ("date", first(&[kinds::DATE])),
    ]);
    state
        .settings()
        .reply_templates
        .iter()
        .filter(|t| t.applies_to(&case.service))
        .map(|t| (t.name.clone(), t.fill(&values)))
        .collect()
}

/// Contacts and history as one list, newest first. A reply's history entry is left out:
/// the reply itself is on the timeline.
fn timeline(
    contacts: Vec<ContactRecord>,
    history: Vec<CaseEventRecord>,
    unanswered: &[i64],
    names: &std::collections::HashMap<i64, String>,
) -> Vec<TimelineEntry> {
    let mut out: Vec<TimelineEntry> = contacts
        .into_iter()
        .map(|mut c| {
            let signals = super::signals::described(&c);
            // Signals are shown in words; the values list is for values.
            c.entities.retain(|e| !is_signal(&e.kind));
            TimelineEntry {
                at: c.received_at,
                kind: if c.direction == Direction::Inbound {
                    "inbound"
                } else {
                    "outbound"
                },
                needs_reply: unanswered.contains(&c.id),
                text: String::new(),
                actor: None,
                signals,
                contact: Some(c),
            }
        })
        .collect();
    for e in history {
        let Some(text) = describe(&e, names) else { continue };
        out.push(TimelineEntry {
            at: e.at,
            kind: if e.kind == "note" { "note" } else { "event" },
            contact: None,
            text,
            actor: e.actor.map(|a| a.name),
            needs_reply: false,
            signals: Vec::new(),
        });
    }
    // Newest first; at the same instant a contact goes above the history entry it caused
    // (the case opening it), so each reads as the cause below its effect.
    out.sort_by_key(|e| std::cmp::Reverse((e.at, e.contact.is_some())));
    out
}

/// How intake chose the service, as the "Case opened" entry ends.
fn routed(how: Option<&serde_json::Value>) -> String {
    let Some(how) = how else { return String::new() };
    let percent = how
        .get("confidence")
        .and_then(|c| c.as_f64())
        .map(|c| (c * 100.0).round());
    let guess = how
        .get("guess")
        .and_then(|g| g.as_str())
        .unwrap_or("")
        .replace('_', " ");
    match (how.get("by").and_then(|b| b.as_str()), percent) {
        (Some("model"), Some(p)) => format!(" (routed by the model learned from past cases, {p}% sure)"),
        (Some("triage"), Some(p)) => format!(" (routing was unsure: best guess {guess}, {p}% sure)"),
        (Some("keywords"), _) => " (routed by the service's keywords)".to_string(),
        (Some("default"), _) => " (nothing routed it: the default service)".to_string(),
        _ => String::new(),
    }
}

/// While `case` waits in the triage service, the routing model's best guess for it, when
/// that service still exists.
fn routing_guess(
    state: &AppState,
    case: &CaseRecord,
    history: &[CaseEventRecord],
    services: &[ServiceRecord],
) -> Option<(String, String, u32)> {
    let triage = state.settings().routing.as_ref()?;
    if case.service != triage.triage_service || !case.status.is_open() {
        return None;
    }
    let routed = history.iter().find(|e| e.kind == "created")?.detail.get("routed")?;
    let guess = routed.get("guess")?.as_str()?;
    let percent = (routed.get("confidence")?.as_f64()? * 100.0).round() as u32;
    let service = services.iter().find(|s| s.slug == guess)?;
    Some((service.slug.clone(), service.name.clone(), percent))
}

/// A history entry in words, or `None` for entries the timeline shows otherwise.
fn describe(e: &CaseEventRecord, names: &std::collections::HashMap<i64, String>) -> Option<String> {
    let d = &e.detail;
    let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("").replace('_', " ");
    Some(match e.kind.as_str() {
        "replied" | "contact" => return None,
        "note" => s("text"),
        "value_accepted" => format!("{} {} confirmed", s("kind"), s("value")),
        "value_rejected" => format!("{} {} turned down as misread", s("kind"), s("value")),
        "value_corrected" => format!("{} corrected from {} to {}", s("kind"), s("from"), s("to")),
        "created" => format!("Case opened for {}{}", s("service"), routed(d.get("routed"))),
        "status" => format!("Status changed from {} to {}", s("from"), s("to")),
        "assigned" => match d.get("to").and_then(|v| v.as_i64()) {
            Some(id) => format!(
                "Assigned to {}",
                names.get(&id).map(String::as_str).unwrap_or("someone no longer here")
            ),
            None => "Made unassigned".to_string(),
        },
        "transferred" => format!("Transferred from {} to {}: {}", s("from"), s("to"), s("reason")),
        "follow_up" => format!("Follow-up promised: {} (due {})", s("note"), date_of(&s("due"))),
        "follow_up_done" => "Follow-up done".to_string(),
        "no_reply_needed" => "A contact was marked as needing no reply".to_string(),
        "reply_needed" => "A contact was marked as needing a reply again".to_string(),
        "linked" => format!("Linked ({}) {} → {}", s("kind"), s("from"), s("to")),
        "merged_into" => format!("Merged into {} ({} contacts moved)", s("into"), d["contacts"]),
        "merged_from" => format!("{} was merged into this case", s("from")),
        "split_to" => format!("Messages split off into {} ({} moved)", s("to"), d["contacts"]),
        "split_from" => format!("Split off from {}", s("from")),
        "payment_requested" | "payment_status" => super::payments::describe(&e.kind, d),
        "merge_undone" => format!("Merge of {} into {} undone", s("from"), s("into")),
        "due" => match d.get("due").and_then(|v| v.as_str()) {
            Some(t) => format!("Deadline set to {}", date_of(t)),
            None => "Deadline removed".to_string(),
        },
        "clock_paused" => "Clock paused while awaiting the customer".to_string(),
        "redacted" => match d.get("attachment").and_then(|v| v.as_i64()) {
            Some(_) => format!("A file was redacted: {}", s("reason")),
            None => format!("A message was redacted: {}", s("reason")),
        },
        "erased" => format!("The customer's personal data was erased: {}", s("reason")),
        "customer_merged" => format!("Customer {} merged into customer {} (one person)", d["from"], d["into"]),
        "customer_merge_undone" => format!("Merge of customer {} into customer {} undone", d["from"], d["into"]),
        "retention" => format!("Personal data removed under the retention schedule ({})", s("rule")),
        "satisfaction" => {
            let mut line = format!("The resident rated how we dealt with this {}/5", d["score"]);
            let comment = s("comment");
            if !comment.is_empty() {
                line.push_str(&format!(": \"{}\"", d["comment"].as_str().unwrap_or("")));
            }
            if d["unhappy"].as_bool() == Some(true) {
                line.push_str(" (dissatisfied: reopened for the team manager)");
            }
            line
        }
        "escalated" => {
            let target = d["target"]
                .as_str()
                .and_then(|t| t.parse().ok())
                .map(super::clocks::target_name)
                .unwrap_or("Service level");
            let mut line = format!("{target} target missed");
            match d["manager"]["name"].as_str() {
                Some(name) => line.push_str(&format!(", escalated to {name}")),
                None => line.push_str("; the team has no manager to escalate to"),
            }
            line
        }
        "clock_resumed" => {
            let mut line = match d.get("due").and_then(|v| v.as_str()) {
                Some(t) => {
                    let n = d["paused_working_days"].as_u64().unwrap_or(0);
                    let days = if n == 1 { "day" } else { "days" };
                    format!(
                        "Clock resumed after {n} working {days} paused; deadline now {}",
                        date_of(t)
                    )
                }
                None => "Clock resumed".to_string(),
            };
            if let Some(t) = d.get("next_update_due").and_then(|v| v.as_str()) {
                line.push_str(&format!("; next update due {}", date_of(t)));
            }
            line
        }
        other => other.replace('_', " "),
    })
}

/// Who an `escalated` history entry went to, as the case header says it.
fn escalated_to(d: &serde_json::Value) -> String {
    match d["manager"]["name"].as_str() {
        Some(name) => format!("Escalated to {name}"),
        None => "Escalated (no team manager)".to_string(),
    }
}

fn date_of(ts: &str) -> String {
    ts.parse::<Timestamp>()
        .map(|t| t.london("%-d %b %Y"))
        .unwrap_or_else(|_| ts.to_string())
}
