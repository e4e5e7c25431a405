//! Payments by link (migration 0022): a payment an agent asked GOV.UK Pay for on a case,
//! with Pay's id, the link sent to the resident (and how, and to where) and Pay's status.
//! Nothing card-related is stored: heard never sees card details, only the state Pay
//! reports.
//!
//! Every status change is a `payment_status` history entry on the case in the same
//! transaction, and a status only moves forward (created → started → submitted →
//! capturable → a finished state), so Pay's webhook, the return page and the poller may
//! each report the same change, in any order, on any node, and it is recorded once.

use crate::db::{insert_event, read, write_tx};
use crate::sms::{NewSms, insert_sms};
use crate::{Dialect, Result, Store, StoreError, from_millis, to_millis};
use jiff::{SignedDuration, Timestamp};

/// The statuses Pay reports, in the order a payment moves through them; the last four
/// are finished.
pub const STATUSES: &[&str] = &[
    "created",
    "started",
    "submitted",
    "capturable",
    "success",
    "failed",
    "cancelled",
    "error",
];

/// Whether nothing more will happen to a payment in `status`.
pub fn finished(status: &str) -> bool {
    matches!(status, "success" | "failed" | "cancelled" | "error")
}

/// How far along `status` is; every finished status is as far as a payment goes.
fn rank(status: &str) -> Option<usize> {
    let i = STATUSES.iter().position(|s| *s == status)?;
    Some(i.min(4))
}

/// A payment Pay has created, to record on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCasePayment {
    pub case_id: i64,
    pub amount_pence: i64,
    pub description: String,
    pub reference: String,
    /// Pay's `payment_id`.
    pub pay_id: String,
    pub next_url: String,
    pub status: String,
    /// `email` or `sms`.
    pub sent_by: String,
    pub sent_to: String,
    /// `en` or `cy`.
    pub language: String,
    /// SHA-256 (hex) of the return page's token.
    pub return_token_hash: String,
    pub created_by: i64,
}

/// A payment on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePayment {
    pub id: i64,
    pub case_id: i64,
    pub amount_pence: i64,
    pub description: String,
    pub reference: String,
    pub pay_id: String,
    pub next_url: String,
    pub status: String,
    pub failure_code: Option<String>,
    pub sent_by: String,
    pub sent_to: String,
    pub language: String,
    pub created_by: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

const COLUMNS: &str = "p.id, p.case_id, p.amount_pence, p.description, p.reference, p.pay_id, p.next_url, p.status, \
     p.failure_code, p.sent_by, p.sent_to, p.language, u.name, p.created_at, p.updated_at, p.finished_at";
const FROM: &str = "FROM case_payments p LEFT JOIN users u ON u.id = p.created_by";

type Row = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    i64,
    i64,
    Option<i64>,
);

fn payment(r: Row) -> CasePayment {
    CasePayment {
        id: r.0,
        case_id: r.1,
        amount_pence: r.2,
        description: r.3,
        reference: r.4,
        pay_id: r.5,
        next_url: r.6,
        status: r.7,
        failure_code: r.8,
        sent_by: r.9,
        sent_to: r.10,
        language: r.11,
        created_by: r.12,
        created_at: from_millis(r.13),
        updated_at: from_millis(r.14),
        finished_at: r.15.map(from_millis),
    }
}

impl Store {
    /// Records a payment Pay created, with its `payment_requested` history entry and, when
    /// the link goes by text, the message in the SMS outbox: one transaction.
    pub async fn record_payment(&self, p: &NewCasePayment, sms: Option<&NewSms>) -> Result<i64> {
        if rank(&p.status).is_none() {
            return Err(heard_core::Invalid::field("status", "is not a status GOV.UK Pay reports").into());
        }
        let now = to_millis(Timestamp::now());
        let finished_at = finished(&p.status).then_some(now);
        write_tx!(self, |tx, _d| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO case_payments (case_id, amount_pence, description, reference, pay_id, next_url, status, \
                 sent_by, sent_to, language, return_token_hash, created_by, created_at, updated_at, finished_at, \
                 next_check_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $13) \
                 RETURNING id",
            )
            .bind(p.case_id)
            .bind(p.amount_pence)
            .bind(&p.description)
            .bind(&p.reference)
            .bind(&p.pay_id)
            .bind(&p.next_url)
            .bind(&p.status)
            .bind(&p.sent_by)
            .bind(&p.sent_to)
            .bind(&p.language)
            .bind(&p.return_token_hash)
            .bind(p.created_by)
            .bind(now)
            .bind(finished_at)
            .fetch_one(&mut *tx)
            .await?;
            insert_event!(
                tx,
                p.case_id,
                now,
                Some(p.created_by),
                "payment_requested",
                serde_json::json!({"payment": id, "amount_pence": p.amount_pence, "description": p.description,
                                   "sent_by": p.sent_by, "to": p.sent_to, "status": p.status})
            );
            if let Some(sms) = sms {
                insert_sms!(tx, sms, now);
            }
            Ok::<_, StoreError>(id)
        })
    }

    /// Records Pay's `status` for payment `id`, reported `via` (webhook, return, poll),
    /// with Pay's failure code if any. Returns whether it changed anything: a status the
    /// payment already has, or one behind it, or any change to a finished payment, is
    /// ignored (reports arrive repeated and out of order). A change writes its
    /// `payment_status` history entry in the same transaction.
    pub async fn set_payment_status(&self, id: i64, status: &str, via: &str, failure: Option<&str>) -> Result<bool> {
        let Some(new_rank) = rank(status) else {
            return Err(heard_core::Invalid::field("status", "is not a status GOV.UK Pay reports").into());
        };
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres { " FOR UPDATE" } else { "" };
            let sql = format!("SELECT case_id, status, amount_pence FROM case_payments WHERE id = $1{lock}");
            let row: Option<(i64, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((case_id, old, amount)) = row else {
                return Err(StoreError::NotFound(format!("payment {id}")));
            };
            if finished(&old) || rank(&old).is_some_and(|r| r >= new_rank) {
                return Ok(false);
            }
            sqlx::query(
                "UPDATE case_payments SET status = $1, failure_code = COALESCE($2, failure_code), updated_at = $3, \
                 finished_at = $4 WHERE id = $5",
            )
            .bind(status)
            .bind(failure)
            .bind(now)
            .bind(finished(status).then_some(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            insert_event!(
                tx,
                case_id,
                now,
                None::<i64>,
                "payment_status",
                serde_json::json!({"payment": id, "from": old, "to": status, "via": via, "amount_pence": amount,
                                   "code": failure})
            );
            Ok::<_, StoreError>(true)
        })
    }

    /// A case's payments, newest first.
    pub async fn case_payments(&self, case_id: i64) -> Result<Vec<CasePayment>> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE p.case_id = $1 ORDER BY p.id DESC");
        let rows: Vec<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(case_id)
                .fetch_all(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(rows.into_iter().map(payment).collect())
    }

    /// The payment Pay knows as `pay_id`, if it is one of ours.
    pub async fn payment_by_pay_id(&self, pay_id: &str) -> Result<Option<CasePayment>> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE p.pay_id = $1");
        let row: Option<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(pay_id)
                .fetch_optional(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(row.map(payment))
    }

    /// The payment whose return page token hashes to `hash`.
    pub async fn payment_by_return_token(&self, hash: &str) -> Result<Option<CasePayment>> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE p.return_token_hash = $1");
        let row: Option<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(hash)
                .fetch_optional(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(row.map(payment))
    }

    /// Claims the unfinished payment (made after `since`) due a check with Pay at `now`,
    /// putting its next check `again` later, so other rounds and nodes leave it meanwhile
    /// (`SKIP LOCKED` on PostgreSQL).
    pub async fn claim_payment_check(
        &self,
        now: Timestamp,
        again: SignedDuration,
        since: Timestamp,
    ) -> Result<Option<CasePayment>> {
        let claimed: Option<i64> = write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres {
                " FOR UPDATE SKIP LOCKED"
            } else {
                ""
            };
            let sql = format!(
                "UPDATE case_payments SET next_check_at = $1 WHERE id = (SELECT id FROM case_payments \
                 WHERE finished_at IS NULL AND next_check_at <= $2 AND created_at >= $3 \
                 ORDER BY next_check_at, id LIMIT 1{lock}) RETURNING id"
            );
            let id: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(to_millis(now + again))
                .bind(to_millis(now))
                .bind(to_millis(since))
                .fetch_optional(&mut *tx)
                .await?;
            Ok::<_, StoreError>(id)
        })?;
        let Some(id) = claimed else { return Ok(None) };
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE p.id = $1");
        let row: Option<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(row.map(payment))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_only_move_forward() {
        assert!(rank("created") < rank("started"));
        assert!(rank("capturable") < rank("success"));
        assert_eq!(rank("success"), rank("failed"));
        assert_eq!(rank("bogus"), None);
        assert!(finished("cancelled") && !finished("submitted"));
    }
}
