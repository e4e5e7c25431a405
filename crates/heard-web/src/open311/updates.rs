//! mySociety's `servicerequestupdates`: what happened to reported cases flows back to
//! the reporter's app (`GET`: status changes and replies, with extended statuses), and
//! the reporter's own updates flow in (`POST`: a contact on the case, and the status
//! they ask for when the case's lifecycle allows it).

use super::error::Fail;
use super::render::{Doc, obj, respond, w3c};
use super::requests::{reference, time_param};
use super::status::{extended_status, from_extended};
use super::{Format, Params, api_user, api_writer, reporter};
use crate::AppState;
use crate::api::contacts::{read_values, redact_contact};
use crate::audit::{Action, Subject};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use heard_core::contact::ContactInput;
use heard_core::{CaseStatus, NewContact};
use heard_store::reports::{ReportFilter, VIA_REPORTER};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

/// `GET servicerequestupdates.{xml,json}`: updates between `start_date` and `end_date`
/// (default: the last 90 days), oldest first, at most 1,000.
#[tracing::instrument(skip_all)]
pub(crate) async fn list(
    state: &AppState,
    params: &Params,
    headers: &HeaderMap,
    format: Format,
) -> Result<Response, Fail> {
    api_user(state, params, headers).await?;
    let now = Timestamp::now();
    let end = time_param(params, "end_date")?.unwrap_or(now);
    let start = time_param(params, "start_date")?.unwrap_or(end - SignedDuration::from_hours(90 * 24));
    if end < start {
        return Err(Fail::bad("end_date: is before start_date"));
    }
    let updates = state
        .store()
        .report_updates(start, end, 1000, &state.settings().reference_prefix)
        .await?;
    let items = updates
        .iter()
        .map(|u| {
            obj! {
                "update_id" => u.id.as_str(),
                "service_request_id" => u.reference.to_string(),
                "status" => extended_status(u.status, u.duplicate_of.is_some()),
                "updated_datetime" => w3c(u.at),
                "description" => u.description.as_str(),
                "media_url" => "",
            }
        })
        .collect();
    Ok(respond(
        format,
        "service_request_updates",
        StatusCode::OK,
        &Doc::List(items),
    ))
}

/// `POST servicerequestupdates.{xml,json}`: a reporter's update on their request.
#[tracing::instrument(skip_all)]
pub(crate) async fn create(
    state: &AppState,
    params: &Params,
    headers: &HeaderMap,
    format: Format,
) -> Result<Response, Fail> {
    let caller = api_writer(state, params, headers, "send updates").await?;
    let user = &caller.user;
    let mut missing = Vec::new();
    for field in ["service_request_id", "status", "description"] {
        if params.get(field).is_none() {
            missing.push(format!("{field}: is required"));
        }
    }
    if !missing.is_empty() {
        return Err(Fail {
            status: StatusCode::BAD_REQUEST,
            descriptions: missing,
        });
    }
    let raw_id = params.get("service_request_id").unwrap_or_default();
    let raw_status = params.get("status").unwrap_or_default();
    let asked = from_extended(raw_status)
        .ok_or_else(|| Fail::bad(format!("status: `{raw_status}` is not an Open311 status")))?;
    let case = reference(state, raw_id)?;
    let prefix = &state.settings().reference_prefix;
    let found = state
        .store()
        .reports(
            &ReportFilter {
                cases: vec![case.number()],
                limit: 1,
                ..Default::default()
            },
            prefix,
        )
        .await?;
    let Some(report) = found.into_iter().next() else {
        return Err(Fail::not_found(format!(
            "service_request_id `{raw_id}` is not a request here"
        )));
    };
    if !caller.sees(&report.service) {
        return Err(Fail::not_found(format!(
            "service_request_id `{raw_id}` is not a request here"
        )));
    }
    let external = match params.get("update_id") {
        Some(id) => format!("update:{}:{id}", user.id),
        None => format!("update:{}:{}", user.id, params.fingerprint()),
    };
    let mut body = params.get("description").unwrap_or_default().to_string();
    if let Some(m) = params.get("media_url") {
        body = format!("{body}\n\nPhoto: {m}");
    }
    let input = ContactInput {
        channel: "open311".into(),
        from: reporter(params, user),
        subject: Some(format!("Update on {}", report.reference)),
        body,
        received_at: params.get("updated_datetime").map(str::to_string),
        external_id: Some(external),
        service: Some(report.service.clone()),
        kind: Some("request".into()),
        ..Default::default()
    };
    let mut contact = NewContact::validate(input, Timestamp::now(), &state.settings().limits)?;
    let removed = redact_contact(&mut contact);
    if removed > 0 {
        tracing::info!(removed, "card details redacted from an open311 update");
    }
    // A reporter reopening a closed report reopens it first, so the update joins it.
    let reopening = !report.status.is_open() && asked.is_open();
    if reopening {
        change_status(state, user, &report.reference, report.status, asked).await?;
    }
    let entities = read_values(state, &contact);
    let config = state.intake().await;
    let outcome = state
        .store()
        .intake_in_thread(&contact, &[], &entities, &config, &[report.case_id])
        .await?;
    let detail = json!({"channel": "open311", "via": VIA_REPORTER, "created": outcome.created});
    state
        .audit_as(
            Some(user.id),
            &user.email,
            Action::CONTACT_CREATE,
            Subject::intake(&outcome),
            detail,
        )
        .await?;
    if outcome.created && !reopening && outcome.case_id == report.case_id {
        change_status(state, user, &report.reference, outcome.case_status, asked).await?;
    }
    tracing::info!(reference = %report.reference, created = outcome.created, "open311 update");
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = Doc::List(vec![obj! {"update_id" => format!("c{}", outcome.contact_id)}]);
    Ok(respond(format, "service_request_updates", status, &body))
}

/// Moves the case to the status the reporter asked for when its lifecycle allows; an
/// update that asks for what cannot be (or already is) is kept as a contact only.
async fn change_status(
    state: &AppState,
    client: &heard_store::UserRecord,
    case: &heard_core::CaseReference,
    from: CaseStatus,
    to: CaseStatus,
) -> Result<(), Fail> {
    if from == to || (from.is_open() == to.is_open() && to == CaseStatus::Open) {
        return Ok(());
    }
    let mut extra = serde_json::Map::new();
    extra.insert("via".into(), json!(VIA_REPORTER));
    match state.store().set_case_status_noted(case, to, None, extra).await {
        Ok(()) => {
            let detail = json!({"from": from, "to": to, "via": VIA_REPORTER});
            state
                .audit_as(
                    Some(client.id),
                    &client.email,
                    Action::CASE_STATUS,
                    Subject::case_reference(case),
                    detail,
                )
                .await?;
            Ok(())
        }
        Err(heard_store::StoreError::Invalid(e)) => {
            tracing::info!(%case, reason = %e, "a reporter's status was not applied");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
