//! The resident's side ("track my case"): the keys that sign tracking links, whether an
//! address belongs to a case's customer, and the one-time codes that let a resident in
//! by case reference and address.
//!
//! Codes are stored as keyed hashes made by the caller; this module never sees a code.
//! Limits are counted here, in the database, so every node agrees on them.

use crate::db::{read, write_tx};
use crate::{Result, Store, StoreError, to_millis};
use heard_core::CaseReference;
use jiff::{SignedDuration, Timestamp};

/// Wrong guesses a code survives; the next one kills it.
pub const MAX_CODE_ATTEMPTS: i64 = 5;

/// Why a code was not accepted. The resident is told the same thing for each (so a
/// guesser learns nothing), but the log and tests can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    /// Wrong code; the code still lives.
    Wrong,
    /// No live code for this case and address: never sent, used, expired, or killed
    /// by too many wrong guesses.
    NoLiveCode,
}

impl Store {
    /// The secret called `name`, made (32 random bytes) on first use. Every node reads
    /// the same one, so a link signed by one node opens on another.
    pub async fn site_key(&self, name: &str) -> Result<Vec<u8>> {
        let made = {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            hex::encode(bytes)
        };
        let now = to_millis(Timestamp::now());
        let secret: String = write_tx!(self, |tx, _d| {
            sqlx::query(
                "INSERT INTO site_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(&made)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let s: String = sqlx::query_scalar("SELECT secret FROM site_keys WHERE name = $1")
                .bind(name)
                .fetch_one(&mut *tx)
                .await?;
            Ok::<_, StoreError>(s)
        })?;
        hex::decode(&secret).map_err(|e| StoreError::Schema(format!("site key {name} is not hex: {e}")))
    }

    /// Whether `value` (a normalised email address or phone number, of identity `kind`)
    /// is one of the identities of the customer case `case` belongs to.
    pub async fn case_has_identity(&self, case: &CaseReference, kind: &str, value: &str) -> Result<bool> {
        read!(self, |pool, _d| {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT i.id FROM cases k JOIN customer_identities i ON i.customer_id = k.customer_id \
                 WHERE k.id = $1 AND i.kind = $2 AND i.value = $3",
            )
            .bind(case.number())
            .bind(kind)
            .bind(value)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// Records a code sent for `case` to `identity`, unless `per_hour` codes were
    /// already sent for the case in the last hour (then `false`, nothing written).
    /// Earlier live codes for the same address stop working: only the newest counts.
    pub async fn issue_track_code(
        &self,
        case: &CaseReference,
        identity: &str,
        code_hash: &str,
        lifetime: SignedDuration,
        per_hour: i64,
    ) -> Result<bool> {
        let now = Timestamp::now();
        let (at, hour_ago, expires) = (
            to_millis(now),
            to_millis(now - SignedDuration::from_hours(1)),
            to_millis(now + lifetime),
        );
        write_tx!(self, |tx, _d| {
            let sent: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM track_codes WHERE case_id = $1 AND created_at > $2")
                    .bind(case.number())
                    .bind(hour_ago)
                    .fetch_one(&mut *tx)
                    .await?;
            if sent >= per_hour {
                return Ok(false);
            }
            sqlx::query("UPDATE track_codes SET used_at = $1 WHERE case_id = $2 AND identity = $3 AND used_at IS NULL")
                .bind(at)
                .bind(case.number())
                .bind(identity)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO track_codes (case_id, identity, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(case.number())
            .bind(identity)
            .bind(code_hash)
            .bind(at)
            .bind(expires)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Checks a code for `case` and `identity`: the newest live code must have the hash
    /// `code_hash`. Every check counts as an attempt; an accepted code is used up.
    pub async fn redeem_track_code(&self, case: &CaseReference, identity: &str, code_hash: &str) -> Result<CodeCheck> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let live: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, code_hash FROM track_codes WHERE case_id = $1 AND identity = $2 AND used_at IS NULL \
                 AND expires_at > $3 AND attempts < $4 ORDER BY id DESC LIMIT 1",
            )
            .bind(case.number())
            .bind(identity)
            .bind(now)
            .bind(MAX_CODE_ATTEMPTS)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id, stored)) = live else {
                return Ok(CodeCheck::NoLiveCode);
            };
            let accepted = constant_time_eq(stored.as_bytes(), code_hash.as_bytes());
            sqlx::query("UPDATE track_codes SET attempts = attempts + 1, used_at = $1 WHERE id = $2")
                .bind(accepted.then_some(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(if accepted {
                CodeCheck::Accepted
            } else {
                CodeCheck::Wrong
            })
        })
    }
}

/// Compares two hashes without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Store {
    /// The identities (kind, value) of the customer `case` belongs to, email addresses
    /// first: what a resident's addition to the case is recorded as coming from.
    pub async fn case_customer_identities(&self, case: &CaseReference) -> Result<Vec<(String, String)>> {
        read!(self, |pool, _d| {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT i.kind, i.value FROM cases k JOIN customer_identities i ON i.customer_id = k.customer_id \
                 WHERE k.id = $1 ORDER BY CASE i.kind WHEN 'email' THEN 0 WHEN 'phone' THEN 1 ELSE 2 END, i.id",
            )
            .bind(case.number())
            .fetch_all(pool)
            .await?;
            Ok(rows)
        })
    }
}
