//! The email outbox: replies are written here before any attempt to send them, so a reply
//! is never lost when the SMTP server is down; they are shown as pending, and retried with
//! back-off. A send is claimed with a lease (the next attempt time moves forward first),
//! so two nodes never send the same reply at once.

use crate::db::{read, write_tx};
use crate::{Dialect, Result, Store, from_millis, to_millis};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A file attached to an outgoing email (its bytes are in the attachment store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxAttachment {
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
}

/// An email to send.
#[derive(Debug, Clone)]
pub struct NewOutgoingEmail {
    pub case_id: Option<i64>,
    /// Without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// References, oldest first, without brackets.
    pub references: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<OutboxAttachment>,
}

/// An email in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    pub id: i64,
    pub case_id: Option<i64>,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<OutboxAttachment>,
    /// `pending`, `sent` or `failed` (refused for good by the server).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, case_id, message_id, in_reply_to, thread_refs, from_addr, to_addr, subject, body, attachments, \
     status, attempts, next_attempt_at, last_error";

fn from_row(r: &impl RowLike) -> Result<OutboxEmail> {
    let refs: String = r.text("thread_refs")?;
    let attachments: String = r.text("attachments")?;
    Ok(OutboxEmail {
        id: r.int("id")?,
        case_id: r.opt_int("case_id")?,
        message_id: r.text("message_id")?,
        in_reply_to: r.opt_text("in_reply_to")?,
        references: refs.split_whitespace().map(String::from).collect(),
        from: r.text("from_addr")?,
        to: r.text("to_addr")?,
        subject: r.text("subject")?,
        body: r.text("body")?,
        attachments: serde_json::from_str(&attachments).unwrap_or_default(),
        status: r.text("status")?,
        attempts: r.int("attempts")?,
        next_attempt_at: from_millis(r.int("next_attempt_at")?),
        last_error: r.opt_text("last_error")?,
    })
}

/// Column access shared by both engines' rows.
trait RowLike {
    fn text(&self, c: &str) -> Result<String>;
    fn opt_text(&self, c: &str) -> Result<Option<String>>;
    fn int(&self, c: &str) -> Result<i64>;
    fn opt_int(&self, c: &str) -> Result<Option<i64>>;
}

macro_rules! row_like {
    ($t:ty) => {
        impl RowLike for $t {
            fn text(&self, c: &str) -> Result<String> {
                Ok(self.try_get(c)?)
            }
            fn opt_text(&self, c: &str) -> Result<Option<String>> {
                Ok(self.try_get(c)?)
            }
            fn int(&self, c: &str) -> Result<i64> {
                Ok(self.try_get(c)?)
            }
            fn opt_int(&self, c: &str) -> Result<Option<i64>> {
                Ok(self.try_get(c)?)
            }
        }
    };
}
row_like!(sqlx::sqlite::SqliteRow);
row_like!(sqlx::postgres::PgRow);

/// Inserts `$e` (a [`NewOutgoingEmail`]) into the outbox inside transaction `$tx`, due
/// at `$now`; evaluates to its id. A macro so a reply and its outbox row share one
/// transaction on either engine.
macro_rules! insert_email {
    ($tx:ident, $e:expr, $now:expr) => {{
        let e: &$crate::outbox::NewOutgoingEmail = $e;
        let attachments = serde_json::to_string(&e.attachments).unwrap_or_else(|_| "[]".into());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO email_outbox (case_id, message_id, in_reply_to, thread_refs, from_addr, to_addr, subject, body, \
             attachments, status, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $10) RETURNING id",
        )
        .bind(e.case_id)
        .bind(&e.message_id)
        .bind(&e.in_reply_to)
        .bind(e.references.join(" "))
        .bind(&e.from)
        .bind(&e.to)
        .bind(&e.subject)
        .bind(&e.body)
        .bind(&attachments)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        id
    }};
}
pub(crate) use insert_email;

/// The two outboxes, by table: email and text messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outbox {
    Email,
    Sms,
    Social,
}

impl Outbox {
    fn table(self) -> &'static str {
        match self {
            Outbox::Email => "email_outbox",
            Outbox::Sms => "sms_outbox",
            Outbox::Social => "social_outbox",
        }
    }
}

impl Store {
    /// Puts an email in the outbox, due now. Returns its id.
    pub async fn enqueue_email(&self, e: &NewOutgoingEmail) -> Result<i64> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let id = insert_email!(tx, e, now);
            Ok::<_, crate::StoreError>(id)
        })
    }

    /// Claims the oldest email due at `now` for one attempt: its next attempt moves to
    /// `now + lease` and its attempt count goes up before anything is sent.
    pub async fn claim_due_email(&self, now: Timestamp, lease: SignedDuration) -> Result<Option<OutboxEmail>> {
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres {
                " FOR UPDATE SKIP LOCKED"
            } else {
                ""
            };
            let sql = format!(
                "UPDATE email_outbox SET next_attempt_at = $1, attempts = attempts + 1 WHERE id = (\
                 SELECT id FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
                 ORDER BY next_attempt_at, id LIMIT 1{lock}) RETURNING {COLUMNS}"
            );
            let q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(to_millis(now + lease))
                .bind(to_millis(now));
            let out = q.fetch_optional(&mut *tx).await?.map(|r| from_row(&r)).transpose()?;
            Ok::<_, crate::StoreError>(out)
        })
    }

    /// Records a successful send.
    pub async fn email_sent(&self, id: i64) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query("UPDATE email_outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// Records a failed attempt: retried at `retry_at`, or (None) refused for good.
    pub async fn email_failed(&self, id: i64, error: &str, retry_at: Option<Timestamp>) -> Result<()> {
        self.attempt_failed(Outbox::Email, id, error, retry_at).await
    }

    /// A failed attempt on any outbox: they share one lifecycle (pending, then sent or
    /// failed), so one statement serves them all.
    pub(crate) async fn attempt_failed(
        &self,
        outbox: Outbox,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), last_error = $3 WHERE id = $4",
            outbox.table()
        );
        write_tx!(self, |tx, _d| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(if retry_at.is_some() { "pending" } else { "failed" })
                .bind(retry_at.map(to_millis))
                .bind(error.chars().take(2000).collect::<String>())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Ok::<_, crate::StoreError>(())
        })
    }

    /// The outbox, oldest first: everything, or one case's emails, or (with `status`) only
    /// `pending`, `sent` or `failed` ones.
    pub async fn outbox(&self, case_id: Option<i64>, status: Option<&str>) -> Result<Vec<OutboxEmail>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM email_outbox WHERE ($1 IS NULL OR case_id = $1) AND ($2 IS NULL OR status = $2) ORDER BY id"
        );
        read!(self, |pool, _d| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(case_id)
                .bind(status)
                .fetch_all(pool)
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }
}
