//! Background work claimed through the database, so that several `heard serve` nodes
//! sharing one PostgreSQL never run the same job twice: PostgreSQL claims with
//! `FOR UPDATE SKIP LOCKED`; SQLite has one writer, so its claim is atomic as it is.
//! A claim is a lease: a node that dies mid-job loses it when the lease runs out.

use crate::db::write_tx;
use crate::{Dialect, Result, Store, to_millis};
use jiff::{SignedDuration, Timestamp};
use sqlx::Row;

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    /// 1 on the first run.
    pub attempt: i64,
}

impl Store {
    /// Queues a job to run at `run_at` (now, if in the past).
    pub async fn enqueue_job(&self, kind: &str, payload: &serde_json::Value, run_at: Timestamp) -> Result<i64> {
        write_tx!(self, |tx, d| {
            let id: i64 =
                sqlx::query_scalar("INSERT INTO jobs (kind, payload, run_at) VALUES ($1, $2, $3) RETURNING id")
                    .bind(kind)
                    .bind(payload.to_string())
                    .bind(to_millis(run_at))
                    .fetch_one(&mut *tx)
                    .await?;
            Ok(id)
        })
    }

    /// Claims the oldest due job of one of `kinds` for `node`, leased for `lease`.
    pub async fn claim_job(&self, node: &str, kinds: &[&str], lease: SignedDuration) -> Result<Option<Job>> {
        let now = Timestamp::now();
        let kinds = kinds.join(",");
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres {
                " FOR UPDATE SKIP LOCKED"
            } else {
                ""
            };
            let sql = format!(
                "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 WHERE id = (\
                 SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $3 \
                 AND (locked_until IS NULL OR locked_until < $3) \
                 AND ',' || $4 || ',' LIKE '%,' || kind || ',%' \
                 ORDER BY run_at, id LIMIT 1{lock}) RETURNING id, kind, payload, attempts"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(node)
                .bind(to_millis(now + lease))
                .bind(to_millis(now))
                .bind(&kinds)
                .fetch_optional(&mut *tx)
                .await?;
            match row {
                Some(r) => Ok(Some(Job {
                    id: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    payload: serde_json::from_str(&r.try_get::<String, _>(2)?).unwrap_or(serde_json::Value::Null),
                    attempt: r.try_get(3)?,
                })),
                None => Ok(None),
            }
        })
    }

    /// Marks a claimed job done. Returns false if `node` no longer holds its lease.
    pub async fn complete_job(&self, id: i64, node: &str) -> Result<bool> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let n = sqlx::query("UPDATE jobs SET done_at = $1, locked_until = NULL WHERE id = $2 AND locked_by = $3 AND done_at IS NULL")
                .bind(now)
                .bind(id)
                .bind(node)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            Ok(n == 1)
        })
    }

    /// Gives a failed job back to the queue, to run again at `retry_at`.
    pub async fn fail_job(&self, id: i64, node: &str, error: &str, retry_at: Timestamp) -> Result<()> {
        write_tx!(self, |tx, d| {
            sqlx::query("UPDATE jobs SET locked_by = NULL, locked_until = NULL, last_error = $1, run_at = $2 WHERE id = $3 AND locked_by = $4")
                .bind(error)
                .bind(to_millis(retry_at))
                .bind(id)
                .bind(node)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }
}
