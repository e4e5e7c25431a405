//! Resolving a problem: every linked case gets a history entry saying so, and when staff
//! tick "tell customers", each case's customer gets the update through the case page's
//! own reply path (composed as a reply on the case's email thread, queued to the email
//! outbox with its outbound contact and `replied` entry, audited as a reply). A customer
//! without a working email address is not guessed at: their case gets a note to tell them
//! another way.

use crate::audit::{Action, Subject};
use crate::pages::page_error;
use crate::problem::ApiError;
use crate::{AppState, Caller};
use axum::http::StatusCode;
use axum::response::Response;
use heard_core::{CaseReference, Direction, IdentityKind};
use heard_store::StoreError;
use heard_store::problems::ProblemEdit;
use heard_store::workspace::{NewReply, STALE_REPLY};

/// The update offered when resolving; `{title}`, `{fix}` and `{reference}` are filled in
/// per case, and staff may change any of it before sending.
pub(crate) const DEFAULT_MESSAGE: &str = "Hello,\n\n\
You contacted us about a problem that we have now fixed ({title}).\n\n\
What we did: {fix}\n\n\
Thank you for telling us about it. If anything is still wrong, reply to this email; \
your reference is {reference}.";

/// The message for one case.
fn fill(message: &str, edit: &ProblemEdit, reference: &CaseReference) -> String {
    message
        .replace("\r\n", "\n")
        .replace("{title}", edit.title.trim())
        .replace("{fix}", edit.fix.trim())
        .replace("{reference}", &reference.to_string())
}

/// After a problem `id` is resolved: a note on every linked case the caller may see and,
/// with `message`, the update to each one's customer. Returns (told, not told by email).
pub(crate) async fn resolved(
    state: &AppState,
    caller: &Caller,
    id: i64,
    edit: &ProblemEdit,
    message: Option<&str>,
) -> Result<(usize, usize), Response> {
    let store = state.store();
    let problem = store.problem(id).await.map_err(|e| page_error(e.into()))?;
    let prefix = state.settings().reference_prefix.clone();
    let cases: Vec<i64> = problem
        .cases
        .iter()
        .filter(|c| caller.sees(&c.service))
        .map(|c| c.case_id)
        .collect();
    let note = format!("Problem {id} resolved: {}", edit.fix.trim());
    store
        .note_problem_cases(id, &cases, &note, caller.user.id)
        .await
        .map_err(|e| page_error(e.into()))?;
    let Some(message) = message else {
        return Ok((0, 0));
    };
    let (mut told, mut untold) = (0, 0);
    for case in cases {
        let Ok(reference) = CaseReference::new(&prefix, case) else {
            continue;
        };
        let body = fill(message, edit, &reference);
        if tell_one(state, caller, &reference, &edit.title, &body).await? {
            told += 1;
        } else {
            untold += 1;
            let text = format!(
                "Problem {id} resolved, but the customer has no email address we can use: tell them another way"
            );
            store
                .note_problem_cases(id, &[case], &text, caller.user.id)
                .await
                .map_err(|e| page_error(e.into()))?;
        }
    }
    Ok((told, untold))
}

/// Emails `body` to the case's customer as a reply on the case; `false` when they have no
/// deliverable email address.
async fn tell_one(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    title: &str,
    body: &str,
) -> Result<bool, Response> {
    let store = state.store();
    let fail = |e: StoreError| page_error(e.into());
    let case = store.case(reference).await.map_err(fail)?;
    let customer = store.customer(case.customer.id).await.map_err(fail)?;
    let Some(to) = customer
        .identities
        .iter()
        .find(|i| i.kind == IdentityKind::Email && !i.undeliverable)
        .map(|i| i.value.clone())
    else {
        return Ok(false);
    };
    // Someone may reply on the case at the same moment: the reply is then refused as
    // stale, and tried once more over the newer thread.
    for _ in 0..2 {
        let detail = store.case_detail(reference).await.map_err(fail)?;
        let last_reply_seen = detail
            .contacts
            .iter()
            .filter(|c| c.direction == Direction::Outbound)
            .map(|c| c.id)
            .max();
        let reply = heard_channels::smtp::Reply {
            case_id: reference.number(),
            case_reference: reference.to_string(),
            to: to.clone(),
            subject: format!("Update: {}", title.trim()),
            body: body.to_string(),
            attachments: Vec::new(),
        };
        let email =
            match heard_channels::smtp::compose_reply(store, state.files(), &state.settings().reply_from, &reply).await
            {
                Ok(e) => e,
                Err(heard_channels::smtp::SmtpError::Undeliverable(_) | heard_channels::smtp::SmtpError::Config(_)) => {
                    return Ok(false);
                }
                Err(e) => {
                    tracing::error!(error = %e, "composing a problem update failed");
                    return Err(page_error(ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "the update could not be prepared; it has been logged",
                    )));
                }
            };
        let result = store
            .record_reply(&NewReply {
                case: reference.clone(),
                actor: caller.user.id,
                channel: heard_core::Channel::Email,
                to: to.clone(),
                subject: Some(email.subject.clone()),
                body: body.to_string(),
                email: Some(email),
                last_reply_seen,
            })
            .await;
        match result {
            Ok(contact) => {
                let detail = serde_json::json!({"channel": "email", "contact": contact, "problem_update": true});
                state
                    .audit(caller, Action::CASE_REPLY, Subject::case(&case), detail)
                    .await
                    .map_err(page_error)?;
                return Ok(true);
            }
            Err(StoreError::Conflict(m)) if m == STALE_REPLY => continue,
            Err(e) => return Err(fail(e)),
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use heard_store::problems::ProblemStatus;

    #[test]
    fn the_update_names_the_fix_and_the_case() {
        let edit = ProblemEdit {
            title: "Castle Street Library WiFi".into(),
            status: ProblemStatus::Resolved,
            owner: None,
            root_cause: String::new(),
            workaround: String::new(),
            fix: "We replaced the access point.".into(),
        };
        let r = CaseReference::new("HRD", 12).unwrap();
        let m = fill(DEFAULT_MESSAGE, &edit, &r);
        assert!(m.contains("(Castle Street Library WiFi)"), "{m}");
        assert!(m.contains("What we did: We replaced the access point."), "{m}");
        assert!(m.contains("HRD-000012"), "{m}");
    }
}
