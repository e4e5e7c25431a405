//! Reports of problems, whatever door they come through (Open311, the public form):
//! the same steps as `POST /api/v1/contacts` — card details redacted, values read,
//! attachments stored, one intake transaction — plus the report's own row, so a
//! report always opens its own case.

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

/// Takes in a validated report contact: redacts, reads values, stores files, and runs
/// intake with the report row in the same transaction.
#[tracing::instrument(skip_all, fields(channel = %contact.channel, service = ?contact.service))]
pub(crate) async fn take_in(
    state: &AppState,
    mut contact: NewContact,
    files: &[ReportFile],
    report: &NewReport,
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
    Ok(state
        .store()
        .intake_report(&contact, &stored, &entities, &config, report)
        .await?)
}

/// A fresh unguessable token (128 random bits, hex): the report's receipt.
pub(crate) fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
