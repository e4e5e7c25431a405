//! The Facebook and Instagram outbox (migration 0020): replies for the Messenger Platform's
//! Send API, claimed with a lease like email and text messages (`SKIP LOCKED` on
//! PostgreSQL), so several nodes never send one twice and a node that dies mid-send gives
//! it back when the lease ends.
//!
//! A reply is recorded by `Store::record_reply` in its own transaction, so its outbox row
//! is written around it: [`Store::hold_social`] before (a `held` row nobody sends), then
//! [`Store::release_social`] once the reply is committed, or [`Store::drop_social`] if it
//! was refused. Should the process stop between the two, the next round settles the held
//! row by whether its reply was committed (see [`HELD_FOR`]): nothing recorded is lost,
//! and nothing refused is sent.

use crate::db::{read, write_tx};
use crate::{Dialect, Result, Store, StoreError, from_millis, to_millis};
use heard_core::Channel;
use jiff::{SignedDuration, Timestamp};

/// How long a held row waits for its reply before a round settles it.
pub const HELD_FOR: SignedDuration = SignedDuration::from_secs(300);

/// A message to send on Facebook or Instagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSocialMessage {
    pub case_id: Option<i64>,
    /// [`Channel::Facebook`] or [`Channel::Instagram`].
    pub platform: Channel,
    /// The customer's page-scoped id (PSID, or IGSID on Instagram).
    pub recipient: String,
    pub body: String,
}

/// A message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxSocial {
    pub id: i64,
    pub case_id: Option<i64>,
    /// The outbound contact it sends.
    pub contact_id: Option<i64>,
    pub platform: String,
    pub recipient: String,
    pub body: String,
    /// `held`, `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    /// Meta's id for the message it accepted.
    pub message_id: Option<String>,
}

const COLUMNS: &str =
    "id, case_id, contact_id, platform, recipient, body, status, attempts, next_attempt_at, last_error, message_id";

type Row = (
    i64,
    Option<i64>,
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

fn social(r: Row) -> OutboxSocial {
    OutboxSocial {
        id: r.0,
        case_id: r.1,
        contact_id: r.2,
        platform: r.3,
        recipient: r.4,
        body: r.5,
        status: r.6,
        attempts: r.7,
        next_attempt_at: from_millis(r.8),
        last_error: r.9,
        message_id: r.10,
    }
}

/// The committed outbound contact a held row was written for: same case, channel and
/// words, recorded after the row.
const ITS_REPLY: &str = "FROM contacts c WHERE c.case_id = social_outbox.case_id AND c.direction = 'outbound' \
     AND c.channel = social_outbox.platform AND c.body = social_outbox.body AND c.created_at >= social_outbox.created_at";

impl Store {
    /// Writes a message as `held` (not sent) before its reply is recorded; returns its id.
    pub async fn hold_social(&self, m: &NewSocialMessage) -> Result<i64> {
        if !matches!(m.platform, Channel::Facebook | Channel::Instagram) {
            return Err(heard_core::error::Invalid::field("channel", "is not facebook or instagram").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO social_outbox (case_id, platform, recipient, body, status, next_attempt_at, created_at) \
                 VALUES ($1, $2, $3, $4, 'held', $5, $5) RETURNING id",
            )
            .bind(m.case_id)
            .bind(m.platform.as_str())
            .bind(&m.recipient)
            .bind(&m.body)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            Ok::<_, StoreError>(id)
        })
    }

    /// Its reply is recorded as `contact_id`: the held message may be sent, now.
    pub async fn release_social(&self, id: i64, contact_id: i64) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "UPDATE social_outbox SET status = 'pending', contact_id = $1, next_attempt_at = $2 \
                 WHERE id = $3 AND status = 'held'",
            )
            .bind(contact_id)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Its reply was refused (stale, say): the held message is never sent.
    pub async fn drop_social(&self, id: i64) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query("DELETE FROM social_outbox WHERE id = $1 AND status = 'held'")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Claims the oldest message due at `now` for one attempt, first settling rows held
    /// longer than [`HELD_FOR`]: released if their reply was committed, else dropped.
    pub async fn claim_due_social(&self, now: Timestamp, lease: SignedDuration) -> Result<Option<OutboxSocial>> {
        let settle_before = to_millis(now - HELD_FOR);
        write_tx!(self, |tx, d| {
            let release = format!(
                "UPDATE social_outbox SET status = 'pending', contact_id = (SELECT MIN(c.id) {ITS_REPLY}) \
                 WHERE status = 'held' AND created_at < $1 AND EXISTS (SELECT 1 {ITS_REPLY})"
            );
            sqlx::query(sqlx::AssertSqlSafe(release))
                .bind(settle_before)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM social_outbox WHERE status = 'held' AND created_at < $1")
                .bind(settle_before)
                .execute(&mut *tx)
                .await?;
            let lock = if d == Dialect::Postgres {
                " FOR UPDATE SKIP LOCKED"
            } else {
                ""
            };
            let sql = format!(
                "UPDATE social_outbox SET next_attempt_at = $1, attempts = attempts + 1 WHERE id = (\
                 SELECT id FROM social_outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
                 ORDER BY next_attempt_at, id LIMIT 1{lock}) RETURNING {COLUMNS}"
            );
            let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(to_millis(now + lease))
                .bind(to_millis(now))
                .fetch_optional(&mut *tx)
                .await?;
            Ok::<_, StoreError>(row.map(social))
        })
    }

    /// Records a message Meta accepted, with Meta's id for it. The words stay on the
    /// outbound contact only, where erasure and retention find them.
    pub async fn social_sent(&self, id: i64, message_id: &str) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "UPDATE social_outbox SET status = 'sent', sent_at = $1, message_id = $2, last_error = NULL, \
                 body = '' WHERE id = $3",
            )
            .bind(now)
            .bind(message_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Records a failed attempt: retried at `retry_at`, or (None) refused for good.
    pub async fn social_failed(&self, id: i64, error: &str, retry_at: Option<Timestamp>) -> Result<()> {
        self.attempt_failed(crate::outbox::Outbox::Social, id, error, retry_at)
            .await
    }

    /// The outbox, oldest first, for one case or all.
    pub async fn social_outbox(&self, case_id: Option<i64>) -> Result<Vec<OutboxSocial>> {
        let sql = format!("SELECT {COLUMNS} FROM social_outbox WHERE ($1 IS NULL OR case_id = $1) ORDER BY id");
        let rows: Vec<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(case_id)
                .fetch_all(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(rows.into_iter().map(social).collect())
    }
}
