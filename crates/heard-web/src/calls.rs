//! "Log a call": the agent finds the caller (by phone number, email or name; live as
//! they type when scripts run, with a Find button when not) or takes the details of a
//! new one, writes the call's notes, and the notes become a `phone` contact through the
//! same intake as the API. `GET /calls/new?phone=…` is where a CTI screen pop lands
//! (see `api::cti`).

use crate::audit::{Action, Subject};
use crate::pages::{Staff, render};
use crate::reports::take_in;
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use heard_core::contact::ContactInput;
use heard_core::{Identity, IdentityKind, NewContact};
use heard_store::queries::CustomerFilter;
use heard_store::{CustomerRecord, ServiceRecord, UserRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/calls/new", get(call_page).post(log_call))
        .route("/calls/lookup", get(lookup))
        .route("/static/calls.js", get(script))
}

async fn script() -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../static/calls.js"),
    )
}

/// Records the callers a search showed (names, numbers and addresses are personal data).
async fn audit_matches(
    state: &AppState,
    caller: &Caller,
    q: &str,
    found: &[Match],
) -> Result<(), crate::problem::ApiError> {
    if found.is_empty() {
        return Ok(());
    }
    let shown: Vec<i64> = found.iter().map(|m| m.id).collect();
    let detail = serde_json::json!({"via": "log a call", "query": {"q": q}, "shown": shown});
    state
        .audit(caller, Action::CUSTOMER_LIST, Subject::none(), detail)
        .await
}

/// A customer who may be the caller.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Match {
    pub id: i64,
    pub name: String,
    /// Their phone numbers and email addresses, to tell namesakes apart.
    pub detail: String,
}

/// Customers matching what the agent typed: an exact phone number or email first,
/// else a search of names.
pub(crate) async fn find_callers(state: &AppState, q: &str) -> Result<Vec<Match>, heard_store::StoreError> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let exact = Identity::phone(q).or_else(|_| Identity::email(q));
    let ids: Vec<i64> = match exact {
        Ok(identity) => state
            .store()
            .customer_by_identity(&identity)
            .await?
            .into_iter()
            .collect(),
        Err(_) => state
            .store()
            .list_customers(&CustomerFilter {
                q: Some(q.to_string()),
                limit: Some(10),
                ..Default::default()
            })
            .await?
            .items
            .into_iter()
            .map(|c| c.id)
            .collect(),
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let c = state.store().customer(id).await?;
        out.push(Match {
            id: c.id,
            detail: c
                .identities
                .iter()
                .map(|i| i.value.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            name: c.name,
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
struct Lookup {
    #[serde(default)]
    q: String,
}

/// The live search behind the page's script.
async fn lookup(State(state): State<AppState>, Staff(caller): Staff, Query(l): Query<Lookup>) -> Response {
    match find_callers(&state, &l.q).await {
        Ok(m) => match audit_matches(&state, &caller, &l.q, &m).await {
            Ok(()) => axum::Json(m).into_response(),
            Err(e) => e.into_response(),
        },
        Err(e) => {
            tracing::error!(error = %e, "caller lookup failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    user: Option<UserRecord>,
    csrf: String,
    q: String,
    searched: bool,
    matches: Vec<Match>,
    customer: Option<CustomerRecord>,
    services: Vec<ServiceRecord>,
    values: BTreeMap<String, String>,
    errors: Vec<(String, String)>,
}

impl CallPage {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default)]
struct CallQuery {
    #[serde(default)]
    q: String,
    customer: Option<i64>,
    /// The caller's number, from a CTI screen pop.
    #[serde(default)]
    phone: String,
}

async fn show(
    state: &AppState,
    caller: Caller,
    status: StatusCode,
    q: CallQuery,
    mut values: BTreeMap<String, String>,
    errors: Vec<(String, String)>,
) -> Response {
    let mut matches = Vec::new();
    let mut customer = None;
    let result = async {
        if !q.q.trim().is_empty() {
            matches = find_callers(state, &q.q).await?;
        }
        let mut chosen = q.customer;
        if chosen.is_none() && !q.phone.is_empty() {
            let found = find_callers(state, &q.phone).await?;
            match found.as_slice() {
                [one] => chosen = Some(one.id),
                _ => {
                    values.entry("phone".into()).or_insert_with(|| q.phone.clone());
                }
            }
        }
        if let Some(id) = chosen {
            customer = Some(state.store().customer(id).await?);
        }
        state.store().services().await
    }
    .await;
    let audited = async {
        if result.is_err() {
            return Ok(());
        }
        if let Some(c) = &customer {
            let detail = serde_json::json!({"via": "log a call"});
            state
                .audit(&caller, Action::CUSTOMER_READ, Subject::customer(c.id), detail)
                .await?;
        }
        audit_matches(state, &caller, &q.q, &matches).await
    }
    .await;
    if let Err(e) = audited {
        return e.into_response();
    }
    let services = match result {
        Ok(s) => s.into_iter().filter(|s| caller.sees(&s.slug)).collect(),
        Err(heard_store::StoreError::NotFound(_)) => {
            return (StatusCode::NOT_FOUND, "no such customer").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "call page failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be shown").into_response();
        }
    };
    let page = render(&CallPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user),
        searched: !q.q.trim().is_empty(),
        q: q.q,
        matches,
        customer,
        services,
        values,
        errors,
    });
    (status, page).into_response()
}

async fn call_page(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<CallQuery>) -> Response {
    show(&state, caller, StatusCode::OK, q, BTreeMap::new(), Vec::new()).await
}

/// Stores the call's notes as a `phone` contact and opens its case.
#[tracing::instrument(skip_all)]
async fn log_call(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let get = |k: &str| values.get(k).map_or("", |v| v.trim());
    if caller.csrf_token.as_deref() != Some(get("csrf_token")) {
        return (StatusCode::FORBIDDEN, "the form has expired; reload the page").into_response();
    }
    if let Err(e) = caller.require_write() {
        return (StatusCode::FORBIDDEN, e.detail.unwrap_or_default()).into_response();
    }
    let customer_id = get("customer_id").parse::<i64>().ok();
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut from = None;
    if let Some(id) = customer_id {
        match state.store().customer(id).await {
            Ok(c) => {
                let best = c
                    .identities
                    .iter()
                    .find(|i| i.kind == IdentityKind::Phone)
                    .or_else(|| c.identities.iter().find(|i| i.kind == IdentityKind::Email));
                match best {
                    Some(i) => from = Some(i.value.clone()),
                    None => errors.push((
                        "phone".into(),
                        "This customer has no phone number or email address: add one to their record".into(),
                    )),
                }
            }
            Err(_) => errors.push((
                "q".into(),
                "That customer no longer exists: find the caller again".into(),
            )),
        }
    } else {
        let (phone, email) = (get("phone"), get("email"));
        if !phone.is_empty() {
            match Identity::phone(phone) {
                Ok(i) => from = Some(i.value),
                Err(e) => errors.push(("phone".into(), format!("Enter a phone number, like 01632 960 001: {e}"))),
            }
        }
        if !email.is_empty() {
            match Identity::email(email) {
                Ok(i) => {
                    from.get_or_insert(i.value);
                }
                Err(e) => errors.push((
                    "email".into(),
                    format!("Enter an email address, like name@example.com: {e}"),
                )),
            }
        }
        if phone.is_empty() && email.is_empty() {
            errors.push((
                "phone".into(),
                "Enter the caller's phone number or email address, or find them above".into(),
            ));
        }
    }
    let notes = get("notes").to_string();
    if notes.is_empty() {
        errors.push(("notes".into(), "Write what the call was about".into()));
    }
    let service = Some(get("service").to_string()).filter(|s| !s.is_empty());
    if let Some(visible) = caller.visible_services()
        && !service.as_ref().is_some_and(|s| visible.contains(s))
    {
        errors.push(("service".into(), "Choose one of your services".into()));
    }
    let back = |errors: Vec<(String, String)>| {
        let q = CallQuery {
            customer: customer_id,
            ..Default::default()
        };
        show(
            &state,
            caller.clone(),
            StatusCode::BAD_REQUEST,
            q,
            values.clone(),
            errors,
        )
    };
    let Some(from) = from.filter(|_| errors.is_empty()) else {
        return back(errors).await;
    };
    let name = get("name").replace(['<', '>', '"'], "");
    let input = ContactInput {
        channel: "phone".into(),
        from: if name.is_empty() || customer_id.is_some() {
            from
        } else {
            format!("{name} <{from}>")
        },
        subject: Some(get("subject").to_string()).filter(|s| !s.is_empty()),
        body: notes,
        service,
        ..Default::default()
    };
    let contact = match NewContact::validate(input, jiff::Timestamp::now(), &state.settings().limits) {
        Ok(c) => c,
        Err(e) => {
            let errors = e
                .errors
                .into_iter()
                .map(|f| {
                    let id = if f.field == "subject" { "subject" } else { "notes" };
                    (id.to_string(), format!("{}: {}", f.field, f.reason))
                })
                .collect();
            return back(errors).await;
        }
    };
    match take_in(&state, contact, &[], None, &[]).await {
        Ok(o) => {
            tracing::info!(reference = %o.case_reference, "call logged");
            let subject = Subject::intake(&o);
            let detail = serde_json::json!({"channel": "phone", "via": "log a call", "case_created": o.case_created,
                                            "customer_created": o.customer_created});
            if let Err(e) = state.audit(&caller, Action::CONTACT_CREATE, subject, detail).await {
                return e.into_response();
            }
            Redirect::to(&format!("/cases/{}", o.case_reference)).into_response()
        }
        Err(e) => {
            let message = e
                .errors
                .first()
                .map(|f| format!("{}: {}", f.field, f.reason))
                .or(e.detail)
                .unwrap_or_else(|| "the call could not be saved".into());
            let id = if message.starts_with("service") {
                "service"
            } else {
                "notes"
            };
            back(vec![(id.into(), message)]).await
        }
    }
}
