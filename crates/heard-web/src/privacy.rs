//! Subject access (UK GDPR article 15): one action, `GET /customers/{id}/export`, gives
//! everything heard holds about a customer as a ZIP: `summary.html` to read,
//! `data.json` for machines, and every file they sent or were sent under `files/`.
//! It holds their identities and addresses, every case with its history (notes
//! included), every contact in and out, their satisfaction answers, and the audit log
//! of who read or changed their data and when.
//!
//! Administrators and auditors may export; the export itself is audited.

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::pages::{Staff, page_error};
use crate::problem::ApiError;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use heard_core::Role;
use heard_store::audit::{AuditFilter, AuditRecord};
use heard_store::queries::{CaseFilter, ContactFilter, Cursor};
use heard_store::{CaseEventRecord, CaseRecord, ContactRecord, CustomerRecord};
use serde::Serialize;
use std::io::Write;

/// Rows read per page while gathering.
const PAGE: u32 = 100;

/// Everything held about one customer: `data.json`.
#[derive(Serialize)]
struct Export {
    generated_at: jiff::Timestamp,
    council: String,
    customer: CustomerRecord,
    cases: Vec<CaseExport>,
    /// Every contact from or to them, oldest first.
    contacts: Vec<ContactRecord>,
    /// Who read or changed their data, oldest first.
    audit: Vec<AuditRecord>,
}

#[derive(Serialize)]
struct CaseExport {
    #[serde(flatten)]
    case: CaseRecord,
    /// The case's history: status changes, assignments, notes, follow-ups.
    history: Vec<CaseEventRecord>,
}

#[derive(Template)]
#[template(path = "subject_access.html")]
struct Summary<'a> {
    export: &'a Export,
}

impl Summary<'_> {
    fn contacts_of(&self, reference: &str) -> Vec<&ContactRecord> {
        self.export
            .contacts
            .iter()
            .filter(|c| c.case_reference.to_string() == reference)
            .collect()
    }

    fn note(e: &CaseEventRecord) -> String {
        match e.kind.as_str() {
            "note" => e.detail["text"].as_str().unwrap_or("").to_string(),
            _ => e.detail.to_string(),
        }
    }

    fn when(t: &jiff::Timestamp) -> String {
        use crate::time::London;
        t.london("%-d %B %Y %H:%M")
    }
}

fn forbidden() -> Response {
    page_error(ApiError::forbidden(
        "only administrators and auditors may export a customer's data",
    ))
}

async fn gather(state: &AppState, id: i64) -> Result<Export, ApiError> {
    let store = state.store();
    let prefix = state.settings().reference_prefix.clone();
    let customer = store.customer(id).await?;
    let mut cases = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = store
            .list_cases(
                &CaseFilter {
                    customer: Some(id),
                    cursor,
                    limit: Some(PAGE),
                    ..Default::default()
                },
                &prefix,
            )
            .await?;
        for case in page.items {
            let history = store.case_detail(&case.reference).await?.history;
            cases.push(CaseExport { case, history });
        }
        match page.next_cursor {
            Some(c) => cursor = Some(Cursor::parse(&c)?),
            None => break,
        }
    }
    let mut contacts = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = store
            .list_contacts(
                &ContactFilter {
                    customer: Some(id),
                    oldest_first: true,
                    cursor,
                    limit: Some(PAGE),
                    ..Default::default()
                },
                &prefix,
            )
            .await?;
        contacts.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(Cursor::parse(&c)?),
            None => break,
        }
    }
    // The audit search flushes queued reads first, so this request's own reads show.
    state.flush_audit().await;
    let mut audit = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = store
            .search_audit(&AuditFilter {
                customer_id: Some(id),
                cursor,
                limit: Some(PAGE),
                ..Default::default()
            })
            .await?;
        audit.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(Cursor::parse(&c)?),
            None => break,
        }
    }
    audit.reverse();
    Ok(Export {
        generated_at: jiff::Timestamp::now(),
        council: state.settings().council_name.clone(),
        customer,
        cases,
        contacts,
        audit,
    })
}

/// A name safe inside the ZIP: no folders, no dots leading out.
fn zip_name(contact: i64, filename: &str) -> String {
    let clean: String = filename
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("files/{contact}-{}", clean.trim_start_matches('.'))
}

#[tracing::instrument(skip_all, fields(customer = id))]
pub(crate) async fn export(State(state): State<AppState>, Staff(caller): Staff, Path(id): Path<i64>) -> Response {
    if !(caller.user.role.can_administer() || caller.user.role == Role::Auditor) {
        return forbidden();
    }
    let data = match gather(&state, id).await {
        Ok(d) => d,
        Err(e) => return page_error(e),
    };
    let html = match (Summary { export: &data }).render() {
        Ok(h) => h,
        Err(e) => return page_error(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
    };
    let json = match serde_json::to_vec_pretty(&data) {
        Ok(j) => j,
        Err(e) => return page_error(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut files = 0;
    let written: zip::result::ZipResult<()> = async {
        zip.start_file("summary.html", options)?;
        zip.write_all(html.as_bytes())?;
        zip.start_file("data.json", options)?;
        zip.write_all(&json)?;
        for c in &data.contacts {
            for a in &c.attachments {
                match state.files().get(&a.sha256).await {
                    Ok(Some(bytes)) => {
                        zip.start_file(zip_name(c.id, &a.filename), options)?;
                        zip.write_all(&bytes)?;
                        files += 1;
                    }
                    Ok(None) => tracing::warn!(sha256 = %a.sha256, "attachment missing from the store"),
                    Err(e) => return Err(zip::result::ZipError::Io(e)),
                }
            }
        }
        Ok(())
    }
    .await;
    let bytes = match written.and_then(|()| zip.finish()) {
        Ok(c) => c.into_inner(),
        Err(e) => {
            return page_error(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the export could not be written: {e}"),
            ));
        }
    };
    let detail = serde_json::json!({"cases": data.cases.len(), "contacts": data.contacts.len(), "files": files});
    if let Err(e) = state
        .audit(&caller, Action::CUSTOMER_EXPORT, Subject::customer(id), detail)
        .await
    {
        return page_error(e);
    }
    // A read, but this one is kept before the file leaves.
    state.flush_audit().await;
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"subject-access-customer-{id}.zip\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_cannot_leave_their_folder() {
        assert_eq!(super::zip_name(7, "../../etc/passwd"), "files/7-_.._etc_passwd");
        assert_eq!(super::zip_name(7, "photo 1.jpg"), "files/7-photo 1.jpg");
    }
}

#[derive(Template)]
#[template(path = "erase.html")]
struct ErasePage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    customer: CustomerRecord,
    cases: usize,
    error: Option<String>,
    /// After erasing: how much went.
    done: Option<heard_store::erasure::Erased>,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct EraseForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
}

async fn erase_page_for(state: &AppState, caller: &crate::Caller, id: i64) -> Result<ErasePage, Response> {
    let customer = state.store().customer(id).await.map_err(|e| page_error(e.into()))?;
    let cases = state
        .store()
        .count_cases(
            &CaseFilter {
                customer: Some(id),
                ..Default::default()
            },
            10_000,
        )
        .await
        .map_err(|e| page_error(e.into()))? as usize;
    Ok(ErasePage {
        user: Some(caller.user.clone()),
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        customer,
        cases,
        error: None,
        done: None,
    })
}

/// The erasure's confirmation page: what will go, and a reason to give.
pub(crate) async fn erase_page(State(state): State<AppState>, Staff(caller): Staff, Path(id): Path<i64>) -> Response {
    if !caller.user.role.can_administer() {
        return page_error(ApiError::forbidden("only administrators may erase a customer's data"));
    }
    match erase_page_for(&state, &caller, id).await {
        Ok(p) => crate::pages::render(&p),
        Err(r) => r,
    }
}

/// Erases the customer (see `heard_store::erasure`), removes files nothing else uses,
/// and records it in the audit log.
#[tracing::instrument(skip_all, fields(customer = id))]
pub(crate) async fn erase(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    axum::extract::Form(f): axum::extract::Form<EraseForm>,
) -> Response {
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    if !caller.user.role.can_administer() {
        return page_error(ApiError::forbidden("only administrators may erase a customer's data"));
    }
    let mut page = match erase_page_for(&state, &caller, id).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let erased = match state.store().erase_customer(id, caller.user.id, &f.reason).await {
        Ok(e) => e,
        Err(heard_store::StoreError::Invalid(e)) => {
            page.error = e.errors.first().map(|e| format!("{}: {}", e.field, e.reason));
            return (StatusCode::BAD_REQUEST, crate::pages::render(&page)).into_response();
        }
        Err(e) => return page_error(e.into()),
    };
    for f in &erased.orphaned_files {
        if let Err(e) = state.files().remove(f).await {
            tracing::error!(sha256 = %f, error = %e, "an erased file could not be removed");
        }
    }
    let detail = serde_json::json!({"reason": f.reason.trim(), "cases": erased.cases, "contacts": erased.contacts,
                                    "files": erased.orphaned_files.len()});
    if let Err(e) = state
        .audit(&caller, Action::CUSTOMER_ERASE, Subject::customer(id), detail)
        .await
    {
        return page_error(e);
    }
    tracing::info!(cases = erased.cases, contacts = erased.contacts, "customer erased");
    match erase_page_for(&state, &caller, id).await {
        Ok(mut p) => {
            p.done = Some(erased);
            crate::pages::render(&p)
        }
        Err(r) => r,
    }
}

#[derive(Template)]
#[template(path = "redact.html")]
struct RedactPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    contact: ContactRecord,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct RedactForm {
    #[serde(default)]
    csrf_token: String,
    /// `all`, or an attachment's id.
    #[serde(default)]
    what: String,
    #[serde(default)]
    reason: String,
}

async fn redact_page_for(state: &AppState, caller: &crate::Caller, id: i64) -> Result<RedactPage, Response> {
    let contact = state
        .store()
        .contact(id, &state.settings().reference_prefix)
        .await
        .map_err(|e| page_error(e.into()))?;
    Ok(RedactPage {
        user: Some(caller.user.clone()),
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        contact,
        error: None,
    })
}

/// Choosing what of one message to redact (all of it, or one file), and why.
pub(crate) async fn redact_page(State(state): State<AppState>, Staff(caller): Staff, Path(id): Path<i64>) -> Response {
    if !caller.user.role.can_administer() {
        return page_error(ApiError::forbidden("only administrators may redact a message"));
    }
    match redact_page_for(&state, &caller, id).await {
        Ok(p) => crate::pages::render(&p),
        Err(r) => r,
    }
}

/// Redacts a message or one of its files (see `Store::redact_contact`), removes files
/// nothing else uses, audits it, and goes back to the case.
#[tracing::instrument(skip_all, fields(contact = id))]
pub(crate) async fn redact(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    axum::extract::Form(f): axum::extract::Form<RedactForm>,
) -> Response {
    if let Some(refused) = crate::workspace::check_form(&caller, &f.csrf_token) {
        return refused;
    }
    if !caller.user.role.can_administer() {
        return page_error(ApiError::forbidden("only administrators may redact a message"));
    }
    let mut page = match redact_page_for(&state, &caller, id).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let attachment = match f.what.as_str() {
        "all" => None,
        other => match other.parse::<i64>() {
            Ok(a) => Some(a),
            Err(_) => {
                page.error = Some("what: choose the whole message or one of its files".into());
                return (StatusCode::BAD_REQUEST, crate::pages::render(&page)).into_response();
            }
        },
    };
    let done = match state
        .store()
        .redact_contact(id, attachment, caller.user.id, &f.reason)
        .await
    {
        Ok(d) => d,
        Err(heard_store::StoreError::Invalid(e)) => {
            page.error = e.errors.first().map(|e| format!("{}: {}", e.field, e.reason));
            return (StatusCode::BAD_REQUEST, crate::pages::render(&page)).into_response();
        }
        Err(e) => return page_error(e.into()),
    };
    for file in &done.orphaned_files {
        if let Err(e) = state.files().remove(file).await {
            tracing::error!(sha256 = %file, error = %e, "a redacted file could not be removed");
        }
    }
    let detail = serde_json::json!({"attachment": attachment, "reason": f.reason.trim()});
    if let Err(e) = state
        .audit(&caller, Action::CONTACT_REDACT, Subject::contact(&page.contact), detail)
        .await
    {
        return page_error(e);
    }
    axum::response::Redirect::to(&format!("/cases/{}", page.contact.case_reference)).into_response()
}
