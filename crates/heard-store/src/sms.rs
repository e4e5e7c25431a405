//! The text message outbox (migration 0012): messages for GOV.UK Notify, claimed with a
//! lease like emails (`SKIP LOCKED` on PostgreSQL), so several nodes never send one twice
//! and a node that dies mid-send gives it back when the lease ends.

use crate::db::{read, write_tx};
use crate::{Dialect, Result, Store, StoreError, from_millis, to_millis};
use jiff::{SignedDuration, Timestamp};

/// A text message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSms {
    pub case_id: Option<i64>,
    /// E.164, e.g. `+447700900123`.
    pub to: String,
    pub body: String,
}

/// A text message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxSms {
    pub id: i64,
    pub case_id: Option<i64>,
    pub to: String,
    pub body: String,
    /// Ours, unique per message, given to Notify.
    pub reference: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub notify_id: Option<String>,
}

/// Inserts `$sms` (a [`NewSms`]) into the outbox inside transaction `$tx`, due at `$now`.
macro_rules! insert_sms {
    ($tx:ident, $sms:expr, $now:expr) => {{
        let s: &$crate::sms::NewSms = $sms;
        let reference = format!("heard-{}-{:016x}", $now, rand::random::<u64>());
        sqlx::query(
            "INSERT INTO sms_outbox (case_id, to_number, body, reference, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(s.case_id)
        .bind(&s.to)
        .bind(&s.body)
        .bind(&reference)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_sms;

const COLUMNS: &str =
    "id, case_id, to_number, body, reference, status, attempts, next_attempt_at, last_error, notify_id";

type Row = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
);

fn sms(r: Row) -> OutboxSms {
    OutboxSms {
        id: r.0,
        case_id: r.1,
        to: r.2,
        body: r.3,
        reference: r.4,
        status: r.5,
        attempts: r.6,
        next_attempt_at: from_millis(r.7),
        last_error: r.8,
        notify_id: r.9,
    }
}

impl Store {
    /// Puts a text message in the outbox, due now.
    pub async fn enqueue_sms(&self, s: &NewSms) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            insert_sms!(tx, s, now);
            Ok::<_, StoreError>(())
        })
    }

    /// Claims the oldest message due at `now` for one attempt (see [`Store::claim_due_email`]).
    pub async fn claim_due_sms(&self, now: Timestamp, lease: SignedDuration) -> Result<Option<OutboxSms>> {
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres {
                " FOR UPDATE SKIP LOCKED"
            } else {
                ""
            };
            let sql = format!(
                "UPDATE sms_outbox SET next_attempt_at = $1, attempts = attempts + 1 WHERE id = (\
                 SELECT id FROM sms_outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
                 ORDER BY next_attempt_at, id LIMIT 1{lock}) RETURNING {COLUMNS}"
            );
            let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(to_millis(now + lease))
                .bind(to_millis(now))
                .fetch_optional(&mut *tx)
                .await?;
            Ok::<_, StoreError>(row.map(sms))
        })
    }

    /// Records a message Notify accepted, with Notify's id for it.
    pub async fn sms_sent(&self, id: i64, notify_id: &str) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "UPDATE sms_outbox SET status = 'sent', sent_at = $1, notify_id = $2, last_error = NULL WHERE id = $3",
            )
            .bind(now)
            .bind(notify_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Records a failed attempt: retried at `retry_at`, or (None) refused for good.
    pub async fn sms_failed(&self, id: i64, error: &str, retry_at: Option<Timestamp>) -> Result<()> {
        self.attempt_failed(crate::outbox::Outbox::Sms, id, error, retry_at)
            .await
    }

    /// The text message outbox, oldest first, for one case or all.
    pub async fn sms_outbox(&self, case_id: Option<i64>) -> Result<Vec<OutboxSms>> {
        let sql = format!("SELECT {COLUMNS} FROM sms_outbox WHERE ($1 IS NULL OR case_id = $1) ORDER BY id");
        let rows: Vec<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(case_id)
                .fetch_all(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(rows.into_iter().map(sms).collect())
    }
}
