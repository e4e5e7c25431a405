//! A contact's files and its email's HTML: attachments (and the raw `original.eml` every
//! email keeps) for download, and the HTML body sanitised for display with its inline
//! images pointed at their attachments and remote images removed unless asked for.

use super::contacts::visible_contact;
use crate::audit::{Action, Subject};
use crate::extract::ApiQuery;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::{AppState, Caller};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use heard_store::ContactRecord;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use utoipa::IntoParams;

/// How to show an email's HTML.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HtmlQuery {
    /// Keep remote images (off by default: loading one tells the sender the message was read).
    #[serde(default)]
    pub remote_images: bool,
}

/// The contact's HTML body, sanitised (no scripts, handlers or forms; remote images only
/// when asked), with inline images pointing at the contact's attachments.
#[utoipa::path(
    get, path = "/contacts/{id}/html", tag = "contacts",
    params(("id" = i64, Path, description = "Contact id"), HtmlQuery),
    responses(
        (status = 200, description = "Sanitised HTML", body = String, content_type = "text/html"),
        (status = 404, description = "No such contact, or it has no HTML body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn contact_html(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HtmlQuery>,
) -> ApiResult<Response> {
    let contact = visible_contact(&state, &caller, &id).await?;
    let Some(html) = contact.body_html.as_deref() else {
        return Err(ApiError::not_found(format!("an HTML body for contact {id}")));
    };
    let cids = inline_images(&state, &contact).await;
    let safe = heard_channels::email::html::sanitise_with(html, q.remote_images, cids);
    let detail = serde_json::json!({"part": "html", "remote_images": q.remote_images});
    state
        .audit(&caller, Action::CONTACT_READ, Subject::contact(&contact), detail)
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], safe).into_response())
}

/// One of the contact's files, as a download.
#[utoipa::path(
    get, path = "/contacts/{id}/attachments/{attachment}", tag = "contacts",
    params(("id" = i64, Path, description = "Contact id"), ("attachment" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    let contact = visible_contact(&state, &caller, &id).await?;
    let missing = || ApiError::not_found(format!("attachment {attachment} of contact {id}"));
    let a = contact
        .attachments
        .iter()
        .find(|a| a.id.to_string() == attachment)
        .ok_or_else(missing)?;
    let bytes = state
        .files()
        .get(&a.sha256)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "attachment store read failed");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the attachment could not be read")
        })?
        .ok_or_else(missing)?;
    let detail = serde_json::json!({"contact": contact.id, "filename": a.filename, "size": a.size});
    state
        .audit(
            &caller,
            Action::ATTACHMENT_READ,
            Subject::attachment(&contact, a.id),
            detail,
        )
        .await?;
    let content_type =
        HeaderValue::from_str(&a.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let name: String = a
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Content id → attachment URL, read from the raw message kept with an email contact.
async fn inline_images(state: &AppState, contact: &ContactRecord) -> HashMap<String, String> {
    use heard_channels::email::contact::RAW_FILENAME;
    let mut out = HashMap::new();
    let Some(raw) = contact.attachments.iter().find(|a| a.filename == RAW_FILENAME) else {
        return out;
    };
    let Ok(Some(bytes)) = state.files().get(&raw.sha256).await else {
        return out;
    };
    let parsed = heard_channels::email::ParsedEmail::parse(&bytes, &Default::default());
    for part in parsed.parts {
        let (Some(cid), sha) = (part.content_id, hex::encode(Sha256::digest(&part.bytes))) else {
            continue;
        };
        if let Some(a) = contact.attachments.iter().find(|a| a.sha256 == sha) {
            out.insert(cid, format!("/api/v1/contacts/{}/attachments/{}", contact.id, a.id));
        }
    }
    out
}
