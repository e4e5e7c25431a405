//! Service requests: `POST requests`, `GET requests` (filtered, 90 days / 1,000 by
//! default), `GET requests/{id}` and `GET tokens/{token}`. A request is a report: a
//! contact on channel `open311` that opens its own case of kind `request` in the
//! service named by its code. `service_request_id` is the case reference.

use super::error::Fail;
use super::render::{Doc, obj, respond, w3c};
use super::status::{spec_status, statuses_for};
use super::{Format, Params, api_writer, reporter, services, split_format};
use crate::AppState;
use crate::reports::{new_token, take_in};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use heard_core::contact::ContactInput;
use heard_core::error::Checker;
use heard_core::service_form::check_answers;
use heard_core::{CaseReference, NewContact};
use heard_store::reports::{NewReport, ReportFilter, ReportRecord};
use jiff::{SignedDuration, Timestamp};

/// The spec's default and widest window for `GET requests`.
const WINDOW: SignedDuration = SignedDuration::from_hours(90 * 24);
/// The most requests one `GET requests` returns.
const MAX_REQUESTS: u32 = 1000;
/// Longest description accepted (the spec's limit).
const MAX_DESCRIPTION: usize = 4000;

/// `POST requests.{xml,json}`: a new service request.
#[tracing::instrument(skip_all)]
pub(crate) async fn create(
    state: &AppState,
    params: &Params,
    headers: &HeaderMap,
    format: Format,
) -> Result<Response, Fail> {
    let caller = api_writer(state, params, headers, "make requests").await?;
    let user = &caller.user;
    let Some(code) = params.get("service_code") else {
        return Err(Fail::bad("service_code: is required"));
    };
    let service = services::find(state, code).await?;
    if !caller.sees(&service.slug) {
        return Err(Fail::forbidden(format!(
            "api_key may not make requests to service `{}`",
            service.slug
        )));
    }

    let mut c = Checker::new();
    let lat = number(&mut c, params, "lat", -90.0..=90.0);
    let long = number(&mut c, params, "long", -180.0..=180.0);
    if params.get("lat").is_some() != params.get("long").is_some() {
        c.fail("lat/long", "give both lat and long, or neither");
    }
    let address = params.get("address_string").map(str::to_string);
    let address_id = params.get("address_id").map(str::to_string);
    if params.get("lat").is_none() && address.is_none() && address_id.is_none() {
        c.fail(
            "location",
            "is required: give lat and long, address_string or address_id",
        );
    }
    for (field, v) in [("address_string", &address), ("address_id", &address_id)] {
        if v.as_ref().is_some_and(|v| v.len() > 1000) {
            c.fail(field, "is longer than 1,000 bytes");
        }
    }
    let description = params.get("description").unwrap_or("").to_string();
    if description.chars().count() > MAX_DESCRIPTION {
        c.fail("description", format!("is longer than {MAX_DESCRIPTION} characters"));
    }
    let media_url = params.get("media_url").map(str::to_string);
    if let Some(u) = &media_url
        && (!(u.starts_with("http://") || u.starts_with("https://"))
            || u.len() > 2000
            || u.contains(char::is_whitespace))
    {
        c.fail("media_url", "must be an http or https URL of at most 2,000 characters");
    }
    let answers = match check_answers(&service.fields, &params.attributes(), |code| {
        format!("attribute[{code}]")
    }) {
        Ok(a) => a,
        Err(e) => {
            for f in e.errors {
                c.fail(f.field, f.reason);
            }
            Vec::new()
        }
    };
    let from = reporter(params, user);
    let mut subject = service.name.clone();
    if let Some(a) = &address {
        subject = format!("{subject}: {a}");
    }
    let input = ContactInput {
        channel: "open311".into(),
        from,
        subject: Some(subject),
        body: description,
        external_id: Some(format!("request:{}:{}", user.id, params.fingerprint())),
        service: Some(service.slug.clone()),
        kind: Some("request".into()),
        ..Default::default()
    };
    let validated = NewContact::validate(input, Timestamp::now(), &state.settings().limits);
    let contact = match (c.finish(), validated) {
        (Ok(()), Ok(v)) => v,
        (Err(mut a), Err(b)) => {
            a.errors.extend(b.errors);
            return Err(a.into());
        }
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    let report = NewReport {
        token: new_token(),
        lat,
        long,
        address,
        address_id,
        postcode: None,
        attributes: answers,
        media_url,
        account_id: params.get("account_id").map(str::to_string),
        device_id: params.get("device_id").map(str::to_string),
    };
    let outcome = take_in(state, contact, &[], Some(&report), &[]).await?;
    let detail = serde_json::json!({"channel": "open311", "via": "open311", "created": outcome.created,
                                    "case_created": outcome.case_created, "customer_created": outcome.customer_created});
    state
        .audit_as(
            Some(user.id),
            &user.email,
            crate::audit::Action::CONTACT_CREATE,
            crate::audit::Subject::intake(&outcome),
            detail,
        )
        .await?;
    // A repeat answers with what the first post was given.
    let (reference, report, status) = if outcome.created {
        (outcome.case_reference, report, StatusCode::CREATED)
    } else {
        let prefix = &state.settings().reference_prefix;
        let first = state
            .store()
            .report_for_contact(outcome.contact_id, prefix)
            .await?
            .ok_or_else(|| {
                Fail::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the request was stored without its report",
                )
            })?;
        (first.reference, first.report, StatusCode::OK)
    };
    tracing::debug!(%reference, created = outcome.created, "open311 request");
    let body = Doc::List(vec![obj! {
        "service_request_id" => reference.to_string(),
        "token" => report.token,
        "service_notice" => "",
        "account_id" => report.account_id,
    }]);
    Ok(respond(format, "service_requests", status, &body))
}

fn number(c: &mut Checker, params: &Params, field: &str, range: std::ops::RangeInclusive<f64>) -> Option<f64> {
    let raw = params.get(field)?;
    match raw.parse::<f64>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            c.fail(
                field,
                format!("`{raw}` is not a number from {} to {}", range.start(), range.end()),
            );
            None
        }
    }
}

/// A time parameter: ISO 8601 with an offset, or a date (midnight UTC).
pub(crate) fn time_param(params: &Params, field: &str) -> Result<Option<Timestamp>, Fail> {
    let Some(raw) = params.get(field) else {
        return Ok(None);
    };
    if let Ok(t) = raw.parse::<Timestamp>() {
        return Ok(Some(t));
    }
    raw.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| Some(z.timestamp()))
        .ok_or_else(|| {
            Fail::bad(format!(
                "{field}: `{raw}` is not an ISO 8601 time with a timezone (2026-03-01T09:00:00Z)"
            ))
        })
}

/// The reference in a `service_request_id`, or 404.
pub(crate) fn reference(state: &AppState, raw: &str) -> Result<CaseReference, Fail> {
    match raw.trim().parse::<CaseReference>() {
        Ok(r) if r.prefix() == state.settings().reference_prefix => Ok(r),
        _ => Err(Fail::not_found(format!(
            "service_request_id `{raw}` is not a request here"
        ))),
    }
}

/// `GET requests.{xml,json}`.
#[tracing::instrument(skip_all)]
pub(crate) async fn list(state: &AppState, params: &Params, format: Format) -> Result<Response, Fail> {
    let mut filter = ReportFilter {
        limit: MAX_REQUESTS,
        ..Default::default()
    };
    if let Some(ids) = params.get("service_request_id") {
        // The spec: with ids, every other parameter is ignored. Ids not here are left out.
        filter.cases = ids
            .split(',')
            .filter_map(|id| reference(state, id).ok())
            .map(|r| r.number())
            .collect();
        if filter.cases.is_empty() {
            return Ok(render_requests(format, &[]));
        }
    } else {
        if let Some(codes) = params.get("service_code") {
            filter.services = codes.split(',').map(|s| s.trim().to_string()).collect();
        }
        if let Some(words) = params.get("status") {
            for w in words.split(',') {
                let picked = statuses_for(w)
                    .ok_or_else(|| Fail::bad(format!("status: `{w}` is not open, closed or an extended status")))?;
                filter.statuses.extend(picked);
            }
        }
        let start = time_param(params, "start_date")?;
        let end = time_param(params, "end_date")?;
        let (from, to) = match (start, end) {
            (None, None) => {
                let now = Timestamp::now();
                (now - WINDOW, now)
            }
            (Some(s), None) => (s, s + WINDOW),
            (None, Some(e)) => (e - WINDOW, e),
            (Some(s), Some(e)) => (s, e),
        };
        if to < from {
            return Err(Fail::bad("end_date: is before start_date"));
        }
        if to.duration_since(from) > WINDOW {
            return Err(Fail::bad(
                "start_date/end_date: the range may not span more than 90 days",
            ));
        }
        filter.from = Some(from);
        filter.to = Some(to);
    }
    let found = state
        .store()
        .reports(&filter, &state.settings().reference_prefix)
        .await?;
    Ok(render_requests(format, &found))
}

/// `GET requests/{id}.{xml,json}`.
pub(crate) async fn one(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((id, format)) = split_format(&file) else {
        return Fail::not_found(format!("no resource `{file}`: name it .xml or .json")).render(Format::Xml);
    };
    let found = async {
        let r = reference(&state, id)?;
        let filter = ReportFilter {
            cases: vec![r.number()],
            limit: 1,
            ..Default::default()
        };
        let found = state
            .store()
            .reports(&filter, &state.settings().reference_prefix)
            .await?;
        if found.is_empty() {
            return Err(Fail::not_found(format!(
                "service_request_id `{id}` is not a request here"
            )));
        }
        Ok(render_requests(format, &found))
    };
    found.await.unwrap_or_else(|f| f.render(format))
}

/// `GET tokens/{token}.{xml,json}`: the request a token became.
pub(crate) async fn token(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((token, format)) = split_format(&file) else {
        return Fail::not_found(format!("no resource `{file}`: name it .xml or .json")).render(Format::Xml);
    };
    let found = async {
        let filter = ReportFilter {
            token: Some(token.to_string()),
            limit: 1,
            ..Default::default()
        };
        let found = state
            .store()
            .reports(&filter, &state.settings().reference_prefix)
            .await?;
        let Some(r) = found.first() else {
            return Err(Fail::not_found(format!("token `{token}` is not known here")));
        };
        let body = Doc::List(vec![
            obj! {"service_request_id" => r.reference.to_string(), "token" => r.report.token.as_str()},
        ]);
        Ok(respond(format, "service_requests", StatusCode::OK, &body))
    };
    found.await.unwrap_or_else(|f| f.render(format))
}

fn render_requests(format: Format, found: &[ReportRecord]) -> Response {
    let items = found.iter().map(request_doc).collect();
    respond(format, "service_requests", StatusCode::OK, &Doc::List(items))
}

/// One request as the spec lists it, its fields in the spec's order.
fn request_doc(r: &ReportRecord) -> Doc {
    obj! {
        "service_request_id" => r.reference.to_string(),
        "status" => spec_status(r.status),
        "status_notes" => None::<String>,
        "service_name" => r.service_name.as_str(),
        "service_code" => r.service.as_str(),
        "description" => r.description.as_str(),
        "agency_responsible" => None::<String>,
        "service_notice" => None::<String>,
        "requested_datetime" => w3c(r.requested_at),
        "updated_datetime" => w3c(r.updated_at),
        "expected_datetime" => r.due_at.map(w3c),
        "address" => r.report.address.clone(),
        "address_id" => r.report.address_id.clone(),
        "zipcode" => r.report.postcode.clone(),
        "lat" => r.report.lat,
        "long" => r.report.long,
        "media_url" => r.report.media_url.clone(),
    }
}
