//! Erasure (UK GDPR article 17): a customer's personal data removed, the council's
//! statistics kept. In one transaction the customer becomes "Erased customer N" with no
//! identities, addresses or links; every contact from or to them keeps its channel,
//! direction and time but loses its sender, words, values read and files; their cases
//! keep service, kind, status and dates but lose titles, notes, follow-up notes,
//! report locations and answers; queued messages to them are withdrawn. Each case gets
//! an `erased` history entry with the reason.
//!
//! The audit log is not touched: it is the record that the erasure happened, and holds
//! ids rather than words.

use crate::db::{insert_event, write_tx};
use crate::{Result, Store, StoreError, to_millis};
use heard_core::Invalid;
use jiff::Timestamp;

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    pub cases: usize,
    pub contacts: usize,
    /// Files no longer attached to anything: the caller removes their bytes.
    pub orphaned_files: Vec<String>,
}

/// The words left where personal data was.
pub const ERASED: &str = "[erased]";

/// Which contacts and cases a scrub reaches: two subqueries of ids, each using `$1`.
pub(crate) struct Scope {
    pub contacts: &'static str,
    pub cases: &'static str,
}

impl Scope {
    /// The statements that take personal data out of the scope's contacts and cases and
    /// leave their figures (channel, direction, times; service, kind, status, dates).
    /// Erasure and the retention schedule run the same ones, on a customer or a case.
    pub(crate) fn statements(&self) -> Vec<String> {
        let (contacts, cases) = (self.contacts, self.cases);
        vec![
            format!("DELETE FROM contact_entities WHERE contact_id IN ({contacts})"),
            format!("DELETE FROM attachments WHERE contact_id IN ({contacts})"),
            format!(
                "UPDATE reports SET lat = NULL, long = NULL, address = NULL, address_id = NULL, postcode = NULL, \
                 attributes = '[]', media_url = NULL, account_id = NULL, device_id = NULL WHERE contact_id IN ({contacts})"
            ),
            format!(
                "UPDATE contacts SET sender = '{ERASED}', subject = NULL, body = '{ERASED}', body_html = NULL \
                 WHERE id IN ({contacts})"
            ),
            format!("UPDATE cases SET title = '{ERASED}' WHERE id IN ({cases})"),
            format!(
                "UPDATE case_events SET detail = '{{\"text\": \"{ERASED}\"}}' \
                 WHERE kind IN ('note', 'satisfaction') AND case_id IN ({cases})"
            ),
            format!("UPDATE case_follow_ups SET note = '{ERASED}' WHERE case_id IN ({cases})"),
            format!("UPDATE satisfaction SET comment = '' WHERE case_id IN ({cases})"),
            format!("UPDATE agent_jobs SET reply_draft = '', note_draft = '' WHERE case_id IN ({cases})"),
            format!("DELETE FROM track_codes WHERE case_id IN ({cases})"),
            format!(
                "UPDATE email_outbox SET to_addr = '{ERASED}', subject = '{ERASED}', body = '{ERASED}', attachments = '[]', \
                 status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END, \
                 last_error = CASE WHEN status = 'pending' THEN 'withdrawn: its personal data was removed' ELSE last_error END \
                 WHERE case_id IN ({cases})"
            ),
            format!(
                "UPDATE sms_outbox SET to_number = '{ERASED}', body = '{ERASED}', \
                 status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END, \
                 last_error = CASE WHEN status = 'pending' THEN 'withdrawn: its personal data was removed' ELSE last_error END \
                 WHERE case_id IN ({cases})"
            ),
            format!(
                "UPDATE social_outbox SET recipient = '{ERASED}', body = '{ERASED}', \
                 status = CASE WHEN status IN ('pending', 'held') THEN 'failed' ELSE status END, \
                 last_error = CASE WHEN status IN ('pending', 'held') THEN 'withdrawn: its personal data was removed' \
                 ELSE last_error END \
                 WHERE case_id IN ({cases})"
            ),
            // A payment keeps its amount and status (figures); who it went to and what for go.
            format!(
                "UPDATE case_payments SET sent_to = '{ERASED}', description = '{ERASED}' WHERE case_id IN ({cases})"
            ),
        ]
    }

    /// The files of the scope's contacts, read before a scrub.
    pub(crate) fn files(&self) -> String {
        format!(
            "SELECT DISTINCT sha256 FROM attachments WHERE contact_id IN ({})",
            self.contacts
        )
    }
}

/// Of `files`, those no attachment uses any more (inside the transaction).
macro_rules! orphaned {
    ($tx:ident, $files:expr) => {{
        let mut orphaned = Vec::new();
        for f in $files {
            let still: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE sha256 = $1")
                .bind(&f)
                .fetch_one(&mut *$tx)
                .await?;
            if still == 0 {
                orphaned.push(f);
            }
        }
        orphaned
    }};
}
pub(crate) use orphaned;

impl Store {
    /// Erases customer `id` (see the module docs); `reason` is required and recorded.
    pub async fn erase_customer(&self, id: i64, actor: i64, reason: &str) -> Result<Erased> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Invalid::field("reason", "say why the customer's data is erased").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let n = sqlx::query(
                "UPDATE customers SET name = $2, search_text = '', language = NULL, updated_at = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(format!("Erased customer {id}"))
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("customer {id}")));
            }
            for sql in [
                "DELETE FROM customer_identities WHERE customer_id = $1",
                "DELETE FROM customer_addresses WHERE customer_id = $1",
                "DELETE FROM customer_links WHERE person_id = $1 OR organisation_id = $1",
                "DELETE FROM update_opt_outs WHERE customer_id = $1",
                "UPDATE satisfaction SET comment = '' WHERE customer_id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            let cases: Vec<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE customer_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            let contacts: Vec<i64> = sqlx::query_scalar("SELECT id FROM contacts WHERE customer_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            let scope = Scope {
                contacts: "SELECT id FROM contacts WHERE customer_id = $1",
                cases: "SELECT id FROM cases WHERE customer_id = $1",
            };
            let files: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(scope.files()))
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            for sql in scope.statements() {
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(&mut *tx).await?;
            }
            for case in &cases {
                insert_event!(
                    tx,
                    *case,
                    now,
                    Some(actor),
                    "erased",
                    serde_json::json!({ "reason": reason })
                );
            }
            let orphaned = orphaned!(tx, files);
            Ok::<_, StoreError>(Erased {
                cases: cases.len(),
                contacts: contacts.len(),
                orphaned_files: orphaned,
            })
        })
    }
}

/// What redacting a contact removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redacted {
    pub case_id: i64,
    /// Files no longer attached to anything: the caller removes their bytes.
    pub orphaned_files: Vec<String>,
}

impl Store {
    /// Redacts one contact — its words, values read and files — or, with `attachment`,
    /// just that one file; `reason` is required and goes in the case's history with it.
    pub async fn redact_contact(
        &self,
        contact: i64,
        attachment: Option<i64>,
        actor: i64,
        reason: &str,
    ) -> Result<Redacted> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Invalid::field("reason", "say why it is redacted").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let case: Option<i64> = sqlx::query_scalar("SELECT case_id FROM contacts WHERE id = $1")
                .bind(contact)
                .fetch_optional(&mut *tx)
                .await?;
            let case = case.ok_or_else(|| StoreError::NotFound(format!("contact {contact}")))?;
            let files: Vec<String> = match attachment {
                Some(a) => {
                    let f: Option<String> =
                        sqlx::query_scalar("SELECT sha256 FROM attachments WHERE id = $1 AND contact_id = $2")
                            .bind(a)
                            .bind(contact)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let f = f.ok_or_else(|| Invalid::field("attachment", "not a file of this message"))?;
                    sqlx::query("DELETE FROM attachments WHERE id = $1")
                        .bind(a)
                        .execute(&mut *tx)
                        .await?;
                    vec![f]
                }
                None => {
                    let f: Vec<String> =
                        sqlx::query_scalar("SELECT DISTINCT sha256 FROM attachments WHERE contact_id = $1")
                            .bind(contact)
                            .fetch_all(&mut *tx)
                            .await?;
                    for sql in [
                        "DELETE FROM attachments WHERE contact_id = $1",
                        "DELETE FROM contact_entities WHERE contact_id = $1",
                        "UPDATE contacts SET subject = NULL, body = '[redacted]', body_html = NULL WHERE id = $1",
                    ] {
                        sqlx::query(sql).bind(contact).execute(&mut *tx).await?;
                    }
                    f
                }
            };
            insert_event!(
                tx,
                case,
                now,
                Some(actor),
                "redacted",
                serde_json::json!({"contact": contact, "attachment": attachment, "reason": reason})
            );
            let orphaned = orphaned!(tx, files);
            Ok::<_, StoreError>(Redacted {
                case_id: case,
                orphaned_files: orphaned,
            })
        })
    }
}
