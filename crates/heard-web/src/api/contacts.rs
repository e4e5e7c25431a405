//! `/api/v1/contacts`: intake and reading contacts.

use super::{cursor, finish, limit, opt, time_bound};
use crate::audit::{Action, Subject, asked};
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::{AppState, Caller};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use heard_core::contact::{AttachmentMeta, ContactInput};
use heard_core::error::Checker;
use heard_core::{CaseStatus, NewContact};
use heard_store::intake::{NewEntity, StoredFile};
use heard_store::queries::ContactFilter;
use heard_store::{ContactRecord, Page};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// A contact to take in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    /// `email`, `facebook`, `instagram`, `x`, `web_form`, `open311`, `phone`, `sms`, `api`,
    /// `service_desk`, `letter` or `visit`.
    #[schema(example = "email")]
    pub channel: String,
    /// The sender: an email address (`Jane Smith <jane@example.org>`), a phone number, or
    /// a social handle, as fits the channel. Finds or creates the customer.
    #[schema(example = "jane@example.org")]
    pub from: String,
    pub subject: Option<String>,
    #[serde(default)]
    pub body: String,
    /// The original HTML, kept beside the text; sanitised before any display.
    pub body_html: Option<String>,
    /// `inbound` (default) or `outbound`.
    pub direction: Option<String>,
    /// When the contact arrived (RFC 3339); default now.
    pub received_at: Option<String>,
    /// The channel's own id for this message (Message-ID, webhook event id). A repeat on
    /// the same channel returns the stored contact (200) instead of a copy.
    pub external_id: Option<String>,
    /// Service slug, when the sending system knows it; otherwise heard routes the contact.
    pub service: Option<String>,
    /// Case kind for a new case: `enquiry`, `request`, `complaint`, `incident`, `problem`.
    pub kind: Option<String>,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: Option<String>,
    #[serde(default)]
    pub attachments: Vec<AttachmentBody>,
}

/// A file sent with a contact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentBody {
    pub filename: String,
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    /// The file's bytes, base64-encoded (standard alphabet, padded).
    pub content_base64: String,
}

/// What intake did with a contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactCreated {
    pub id: i64,
    /// False when this `external_id` was already stored on this channel.
    pub created: bool,
    pub customer: CustomerOutcome,
    pub case: CaseOutcome,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerOutcome {
    pub id: i64,
    /// True when this contact created the customer.
    pub created: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOutcome {
    pub id: i64,
    #[schema(example = "HRD-000123")]
    pub reference: String,
    pub service: String,
    pub status: CaseStatus,
    /// True when this contact opened the case.
    pub created: bool,
}

/// Take in one contact: store it, find or create its customer, and join it to the
/// customer's open case or open a new one.
#[utoipa::path(
    post, path = "/contacts", tag = "contacts",
    request_body = ContactBody,
    responses(
        (status = 201, description = "Stored", body = ContactCreated),
        (status = 200, description = "Already stored under this external_id", body = ContactCreated),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_contact(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ContactBody>,
) -> ApiResult<Response> {
    caller.require_write()?;
    let limits = &state.settings().limits;
    let mut c = Checker::new();
    let mut decoded = Vec::with_capacity(body.attachments.len());
    let mut metas = Vec::with_capacity(body.attachments.len());
    for (i, a) in body.attachments.iter().enumerate() {
        match base64::engine::general_purpose::STANDARD.decode(a.content_base64.trim()) {
            Ok(bytes) => {
                metas.push(AttachmentMeta {
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: bytes.len() as u64,
                });
                decoded.push(bytes);
            }
            Err(e) => c.fail(
                format!("attachments[{i}].content_base64"),
                format!("is not base64: {e}"),
            ),
        }
    }
    let input = ContactInput {
        channel: body.channel,
        direction: body.direction,
        from: body.from,
        subject: body.subject,
        body: body.body,
        body_html: body.body_html,
        received_at: body.received_at,
        external_id: body.external_id,
        service: body.service,
        kind: body.kind,
        priority: body.priority,
        attachments: metas,
    };
    let validated = NewContact::validate(input, jiff::Timestamp::now(), limits);
    let mut contact = match (c.finish(), validated) {
        (Ok(()), Ok(v)) => v,
        (Err(mut a), Err(b)) => {
            a.errors.extend(b.errors);
            return Err(a.into());
        }
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    // Card numbers (and a security code or expiry beside them) go before anything is
    // stored, indexed or logged.
    let removed = redact_contact(&mut contact);
    if removed > 0 {
        tracing::info!(removed, "card details redacted from a contact");
    }
    if let Some(visible) = caller.visible_services() {
        match &contact.service {
            Some(s) if visible.contains(s) => {}
            _ => {
                return Err(ApiError::forbidden(
                    "a back-office officer must name one of their own services in `service`",
                ));
            }
        }
    }
    let mut files = Vec::with_capacity(decoded.len());
    for (bytes, meta) in decoded.iter().zip(&contact.attachments) {
        let sha256 = state.files().put(bytes).await.map_err(|e| {
            tracing::error!(error = %e, "attachment store failed");
            ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "the attachment could not be stored")
        })?;
        files.push(StoredFile {
            filename: meta.filename.clone(),
            content_type: meta.content_type.clone(),
            size: meta.size as i64,
            sha256,
        });
    }
    let entities = read_values(&state, &contact);
    let config = state.intake().await;
    let outcome = state.store().intake(&contact, &files, &entities, &config).await?;
    state
        .audit(
            &caller,
            Action::CONTACT_CREATE,
            Subject::intake(&outcome),
            json!({
                "channel": contact.channel,
                "created": outcome.created,
                "case_created": outcome.case_created,
                "customer_created": outcome.customer_created,
                "attachments": files.len(),
            }),
        )
        .await?;
    let status = if outcome.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = format!("/api/v1/contacts/{}", outcome.contact_id);
    let body = ContactCreated {
        id: outcome.contact_id,
        created: outcome.created,
        customer: CustomerOutcome {
            id: outcome.customer_id,
            created: outcome.customer_created,
        },
        case: CaseOutcome {
            id: outcome.case_id,
            reference: outcome.case_reference.to_string(),
            service: outcome.service,
            status: outcome.case_status,
            created: outcome.case_created,
        },
    };
    Ok((status, [(header::LOCATION, location)], axum::Json(body)).into_response())
}

/// Filters for listing contacts.
#[derive(Debug, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    pub channel: Option<String>,
    /// `inbound` or `outbound`.
    pub direction: Option<String>,
    /// Case reference, e.g. `HRD-000123`.
    pub case: Option<String>,
    pub customer: Option<i64>,
    /// Received at or after (date or RFC 3339).
    pub from: Option<String>,
    /// Received before (date or RFC 3339).
    pub to: Option<String>,
    /// Full-text query: every word must match.
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// List contacts, newest first.
#[utoipa::path(
    get, path = "/contacts", tag = "contacts", params(ContactQuery),
    responses(
        (status = 200, body = Page<ContactRecord>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_contacts(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ContactQuery>,
) -> ApiResult<axum::Json<Page<ContactRecord>>> {
    let query = asked(&q);
    let mut c = Checker::new();
    let case_reference = q
        .case
        .as_deref()
        .and_then(|s| s.parse::<heard_core::CaseReference>().ok());
    let case = match q.case.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => match raw.parse::<heard_core::CaseReference>() {
            Ok(r) => Some(r.number()),
            Err(e) => {
                c.fail("case", e);
                None
            }
        },
        None => None,
    };
    let filter = ContactFilter {
        case,
        customer: q.customer,
        channel: opt(&mut c, "channel", &q.channel),
        direction: opt(&mut c, "direction", &q.direction),
        from: time_bound(&mut c, "from", &q.from),
        to: time_bound(&mut c, "to", &q.to),
        q: q.q,
        visible_services: caller.visible_services(),
        oldest_first: false,
        cursor: cursor(&mut c, &q.cursor),
        limit: limit(&mut c, q.limit),
    };
    finish(c)?;
    let page = state
        .store()
        .list_contacts(&filter, &state.settings().reference_prefix)
        .await?;
    let shown: Vec<i64> = page.items.iter().map(|c| c.id).collect();
    state
        .audit(
            &caller,
            Action::CONTACT_LIST,
            Subject::list(case_reference.map(|r| r.to_string()), filter.customer),
            json!({"query": query, "shown": shown}),
        )
        .await?;
    Ok(axum::Json(page))
}

/// One contact.
#[utoipa::path(
    get, path = "/contacts/{id}", tag = "contacts",
    params(("id" = i64, Path, description = "Contact id")),
    responses((status = 200, body = ContactRecord), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
pub async fn get_contact(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ContactRecord>> {
    let contact = visible_contact(&state, &caller, &id).await?;
    state
        .audit(&caller, Action::CONTACT_READ, Subject::contact(&contact), json!({}))
        .await?;
    Ok(axum::Json(contact))
}

/// The contact `id` as `caller` may see it (sensitive values masked), or not found.
pub(crate) async fn visible_contact(state: &AppState, caller: &Caller, id: &str) -> ApiResult<ContactRecord> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found(format!("contact {id}")))?;
    let prefix = &state.settings().reference_prefix;
    let mut contact = state.store().contact(id, prefix).await?;
    mask_for(caller, std::slice::from_mut(&mut contact));
    if caller.visible_services().is_some() {
        let case = state.store().case(&contact.case_reference).await?;
        if !caller.sees(&case.service) {
            return Err(ApiError::not_found(format!("contact {id}")));
        }
    }
    Ok(contact)
}

/// Redacts payment card details from every text field of a contact (the one rule every
/// channel shares: [`heard_channels::prepare::redact_contact`]).
pub(crate) fn redact_contact(contact: &mut NewContact) -> usize {
    heard_channels::prepare::redact_contact(contact)
}

/// Reads values (postcodes, references, dates…) from the redacted subject and body, so
/// nobody types them again. Dates without a year are placed nearest today.
pub(crate) fn read_values(state: &AppState, contact: &NewContact) -> Vec<NewEntity> {
    heard_channels::prepare::read_values(state.extractor(), contact, heard_channels::prepare::today())
}

/// Masks sensitive read values for roles that may not see them.
pub(crate) fn mask_for(caller: &Caller, contacts: &mut [ContactRecord]) {
    if caller.user.role.sees_sensitive() {
        return;
    }
    for e in contacts
        .iter_mut()
        .flat_map(|c| c.entities.iter_mut())
        .filter(|e| e.sensitive)
    {
        e.value = heard_understand::extract::mask(&e.value);
    }
}
