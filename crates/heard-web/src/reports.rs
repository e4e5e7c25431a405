//! Contacts from heard's own front doors (Open311, the public form, a logged call): the
//! same steps as `POST /api/v1/contacts` — card details redacted, values read,
//! attachments stored, one intake transaction. A report also stores its own row and
//! always opens its own case.

use crate::AppState;
use crate::api::contacts::{read_values, redact_contact};
use crate::problem::ApiError;
use axum::http::StatusCode;
use heard_core::NewContact;
use heard_store::IntakeOutcome;
use heard_store::intake::StoredFile;
use heard_store::reports::NewReport;

/// A file that came with a report, already checked.
#[derive(Debug, Clone)]
pub(crate) struct ReportFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Takes in a validated contact: redacts, reads values, stores files, and runs intake
/// (with the report row in the same transaction when it is a report). `thread` holds
/// cases the contact answers, tried first (see `Store::intake_in_thread`).
#[tracing::instrument(skip_all, fields(channel = %contact.channel, service = ?contact.service))]
pub(crate) async fn take_in(
    state: &AppState,
    mut contact: NewContact,
    files: &[ReportFile],
    report: Option<&NewReport>,
    thread: &[i64],
) -> Result<IntakeOutcome, ApiError> {
    let removed = redact_contact(&mut contact);
    if removed > 0 {
        tracing::info!(removed, "card details redacted from a report");
    }
    let mut stored = Vec::with_capacity(files.len());
    for f in files {
        let sha256 = state.files().put(&f.bytes).await.map_err(|e| {
            tracing::error!(error = %e, "attachment store failed");
            ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "the attachment could not be stored")
        })?;
        stored.push(StoredFile {
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            size: f.bytes.len() as i64,
            sha256,
        });
    }
    let entities = read_values(state, &contact);
    let config = state.intake().await;
    let store = state.store();
    Ok(match report {
        Some(r) => store.intake_report(&contact, &stored, &entities, &config, r).await?,
        None => {
            store
                .intake_in_thread(&contact, &stored, &entities, &config, thread)
                .await?
        }
    })
}

/// A fresh unguessable token (128 random bits, hex): the report's receipt.
pub(crate) fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
