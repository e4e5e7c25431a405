//! What the email channel keeps beside contacts: notices (auto-replies, bounces, loops,
//! which never open a case), threading look-ups by Message-ID, and undeliverable
//! addresses. The outbox is in [`crate::outbox`].

use crate::db::{read, write_tx};
use crate::{Result, Store, to_millis};
use jiff::Timestamp;

/// An auto-reply, bounce or loop message: kept for the record, never a case of its own.
#[derive(Debug, Clone)]
pub struct NewEmailNotice {
    /// Message-ID without angle brackets (or a digest of the raw message when it has none).
    pub message_id: String,
    /// `auto_reply`, `bounce` or `loop`.
    pub kind: String,
    pub sender: String,
    pub subject: Option<String>,
    /// The case it answers, when threading found one.
    pub case_id: Option<i64>,
    pub raw_sha256: String,
    pub raw_size: i64,
    /// JSON: why it was recognised, which addresses bounced.
    pub detail: serde_json::Value,
    pub received_at: Timestamp,
}

impl Store {
    /// True when a message with this Message-ID is already stored, as a contact on the
    /// email channel or as a notice: a re-import is "already present".
    pub async fn email_known(&self, message_id: &str) -> Result<bool> {
        let n: i64 = read!(self, |pool, _d| sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM contacts WHERE channel = 'email' AND external_id = $1) \
             + (SELECT count(*) FROM email_notices WHERE message_id = $1)"
        )
        .bind(message_id)
        .fetch_one(pool)
        .await?);
        Ok(n > 0)
    }

    /// The cases of the messages `message_ids` names (In-Reply-To first, then References
    /// newest first), in that order without repeats: inbound contacts and our own replies.
    pub async fn email_thread_cases(&self, message_ids: &[String]) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for id in message_ids.iter().take(50) {
            let found: Option<i64> = read!(self, |pool, _d| sqlx::query_scalar(
                "SELECT case_id FROM contacts WHERE channel = 'email' AND external_id = $1 \
                 UNION ALL SELECT case_id FROM email_outbox WHERE message_id = $1 AND case_id IS NOT NULL LIMIT 1"
            )
            .bind(id)
            .fetch_optional(pool)
            .await?);
            if let Some(case) = found
                && !out.contains(&case)
            {
                out.push(case);
            }
        }
        Ok(out)
    }

    /// Stores a notice; false when its Message-ID was already stored.
    pub async fn record_email_notice(&self, n: &NewEmailNotice) -> Result<bool> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO email_notices (message_id, kind, sender, subject, case_id, raw_sha256, raw_size, detail, \
                 received_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (message_id) DO NOTHING RETURNING id",
            )
            .bind(&n.message_id)
            .bind(&n.kind)
            .bind(&n.sender)
            .bind(&n.subject)
            .bind(n.case_id)
            .bind(&n.raw_sha256)
            .bind(n.raw_size)
            .bind(n.detail.to_string())
            .bind(to_millis(n.received_at))
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            Ok::<_, crate::StoreError>(id.is_some())
        })
    }

    /// Marks email addresses undeliverable on whichever customer has them (a bounce);
    /// returns how many identities changed.
    pub async fn mark_email_undeliverable(&self, addresses: &[String]) -> Result<u64> {
        if addresses.is_empty() {
            return Ok(0);
        }
        write_tx!(self, |tx, _d| {
            let mut changed = 0;
            for a in addresses {
                changed += sqlx::query(
                    "UPDATE customer_identities SET undeliverable = TRUE \
                     WHERE kind = 'email' AND value = $1 AND undeliverable = FALSE",
                )
                .bind(a.to_lowercase())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            Ok::<_, crate::StoreError>(changed)
        })
    }

    /// Whether the identity `(kind, value)` is marked undeliverable (None: unknown).
    pub async fn identity_undeliverable(&self, kind: &str, value: &str) -> Result<Option<bool>> {
        Ok(read!(self, |pool, _d| sqlx::query_scalar(
            "SELECT undeliverable FROM customer_identities WHERE kind = $1 AND value = $2"
        )
        .bind(kind)
        .bind(value)
        .fetch_optional(pool)
        .await?))
    }

    /// How many email contacts from `sender` with this subject and body arrived since
    /// `since`: the same message again and again is a mail loop.
    pub async fn email_repeats(
        &self,
        sender: &str,
        subject: Option<&str>,
        body: &str,
        since: Timestamp,
    ) -> Result<i64> {
        Ok(read!(self, |pool, _d| sqlx::query_scalar(
            "SELECT count(*) FROM contacts c JOIN customer_identities i ON i.customer_id = c.customer_id \
             WHERE i.kind = 'email' AND i.value = $1 AND c.channel = 'email' AND c.received_at >= $2 \
             AND COALESCE(c.subject, '') = $3 AND c.body = $4"
        )
        .bind(sender)
        .bind(to_millis(since))
        .bind(subject.unwrap_or(""))
        .bind(body)
        .fetch_one(pool)
        .await?))
    }

    /// Notices kept for a case (or, with `None`, every notice), oldest first: (kind, sender, subject).
    pub async fn email_notices(&self, case_id: Option<i64>) -> Result<Vec<(String, String, Option<String>)>> {
        let rows: Vec<(String, String, Option<String>)> = read!(self, |pool, _d| sqlx::query_as(
            "SELECT kind, sender, subject FROM email_notices WHERE ($1 IS NULL OR case_id = $1) ORDER BY id"
        )
        .bind(case_id)
        .fetch_all(pool)
        .await?);
        Ok(rows)
    }
}

impl Store {
    /// The Message-IDs of a case's email, oldest first (inbound contacts and our own
    /// replies): a reply's `In-Reply-To` is the last, its `References` all of them.
    pub async fn case_email_ids(&self, case_id: i64) -> Result<Vec<String>> {
        let rows: Vec<(String, i64)> = read!(self, |pool, _d| sqlx::query_as(
            "SELECT external_id, received_at FROM contacts WHERE case_id = $1 AND channel = 'email' \
             AND external_id IS NOT NULL AND external_id NOT LIKE 'sha256:%' \
             UNION ALL SELECT message_id, created_at FROM email_outbox WHERE case_id = $1 ORDER BY 2"
        )
        .bind(case_id)
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(|(id, _)| id).collect())
    }
}

impl Store {
    /// How far IMAP intake has handled a mailbox: (UIDVALIDITY, last UID handled).
    pub async fn imap_position(&self, account: &str, mailbox: &str) -> Result<Option<(i64, i64)>> {
        Ok(read!(self, |pool, _d| sqlx::query_as(
            "SELECT uid_validity, last_uid FROM imap_mailboxes WHERE account = $1 AND mailbox = $2"
        )
        .bind(account)
        .bind(mailbox)
        .fetch_optional(pool)
        .await?))
    }

    /// Records that every message up to `last_uid` of a mailbox is stored.
    pub async fn set_imap_position(
        &self,
        account: &str,
        mailbox: &str,
        uid_validity: i64,
        last_uid: i64,
    ) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "INSERT INTO imap_mailboxes (account, mailbox, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (account, mailbox) DO UPDATE SET uid_validity = $3, last_uid = $4, updated_at = $5",
            )
            .bind(account)
            .bind(mailbox)
            .bind(uid_validity)
            .bind(last_uid)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok::<_, crate::StoreError>(())
        })
    }
}
