//! Two-factor sign-in for local accounts: the TOTP secret, the replay guard, recovery
//! codes and the challenge between password and code. The codes themselves are checked in
//! the web layer; this module keeps what must hold across nodes (a code used once anywhere
//! is used everywhere).

use crate::db::{read, write_tx};
use crate::users::{new_secret, secret_hash};
use crate::{Result, Store, to_millis};
use jiff::{SignedDuration, Timestamp};

/// How long a right password waits for its code.
pub const CHALLENGE_TTL: SignedDuration = SignedDuration::from_mins(5);
/// Wrong codes a challenge survives; then the password must be given again.
pub const CHALLENGE_ATTEMPTS: i64 = 5;

/// A user's two-factor state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TwoFactor {
    /// Base32 secret, once set up and confirmed.
    pub secret: Option<String>,
    /// Base32 secret being set up (shown, not yet confirmed by a code).
    pub pending: Option<String>,
    /// Recovery codes not yet used.
    pub recovery_left: i64,
}

impl Store {
    /// The user's two-factor state.
    pub async fn two_factor(&self, user: i64) -> Result<TwoFactor> {
        read!(self, |pool, _d| {
            let row: Option<(Option<String>, Option<String>)> =
                sqlx::query_as("SELECT totp_secret, totp_pending FROM users WHERE id = $1")
                    .bind(user)
                    .fetch_optional(pool)
                    .await?;
            let left: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                    .bind(user)
                    .fetch_one(pool)
                    .await?;
            let (secret, pending) = row.unwrap_or_default();
            Ok(TwoFactor {
                secret,
                pending,
                recovery_left: left,
            })
        })
    }

    /// Starts setting up two-factor with `secret` (replacing any set-up not finished).
    pub async fn begin_two_factor(&self, user: i64, secret: &str) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
                .bind(secret)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }

    /// Turns two-factor on with the pending secret, whose code at `step` was just given,
    /// and replaces the recovery codes with `recovery` (plain; stored hashed).
    pub async fn enable_two_factor(&self, user: i64, step: i64, recovery: &[String]) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1 \
                 WHERE id = $2 AND totp_pending IS NOT NULL",
            )
            .bind(step)
            .bind(user)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            for code in recovery {
                sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                    .bind(user)
                    .bind(secret_hash(&normalise_recovery(code)))
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        })
    }

    /// Turns two-factor off (an administrator's reset, or the user with a valid code).
    pub async fn disable_two_factor(&self, user: i64) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = $1",
            )
            .bind(user)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }

    /// Records that the code of time step `step` was used; `false` when that step (or a
    /// later one) was used before: a code works once, on any node.
    pub async fn use_totp_step(&self, user: i64, step: i64) -> Result<bool> {
        write_tx!(self, |tx, _d| {
            let done = sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            Ok(done == 1)
        })
    }

    /// Uses up a recovery code; `false` when it is not one of the user's unused codes.
    pub async fn use_recovery_code(&self, user: i64, code: &str) -> Result<bool> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let done = sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(now)
            .bind(user)
            .bind(secret_hash(&normalise_recovery(code)))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            Ok(done == 1)
        })
    }

    /// After a right password: a challenge for the code; returns its secret (a cookie).
    pub async fn create_challenge(&self, user: i64) -> Result<String> {
        let secret = new_secret("");
        let now = Timestamp::now();
        write_tx!(self, |tx, _d| {
            sqlx::query("INSERT INTO sign_in_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)")
                .bind(secret_hash(&secret))
                .bind(user)
                .bind(to_millis(now + CHALLENGE_TTL))
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at < $1")
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?;
            Ok::<(), crate::StoreError>(())
        })?;
        Ok(secret)
    }

    /// The user a live challenge is for.
    pub async fn challenge(&self, secret: &str) -> Result<Option<i64>> {
        read!(self, |pool, _d| {
            let user: Option<i64> = sqlx::query_scalar(
                "SELECT user_id FROM sign_in_challenges WHERE token_hash = $1 AND expires_at > $2 AND attempts < $3",
            )
            .bind(secret_hash(secret))
            .bind(to_millis(Timestamp::now()))
            .bind(CHALLENGE_ATTEMPTS)
            .fetch_optional(pool)
            .await?;
            Ok(user)
        })
    }

    /// Counts a wrong code against a challenge; returns the attempts left.
    pub async fn challenge_failed(&self, secret: &str) -> Result<i64> {
        write_tx!(self, |tx, _d| {
            let attempts: Option<i64> = sqlx::query_scalar(
                "UPDATE sign_in_challenges SET attempts = attempts + 1 WHERE token_hash = $1 RETURNING attempts",
            )
            .bind(secret_hash(secret))
            .fetch_optional(&mut *tx)
            .await?;
            Ok((CHALLENGE_ATTEMPTS - attempts.unwrap_or(CHALLENGE_ATTEMPTS)).max(0))
        })
    }

    /// Ends a challenge (answered, or abandoned).
    pub async fn delete_challenge(&self, secret: &str) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
                .bind(secret_hash(secret))
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }
}

/// Recovery codes compare without case, spaces or dashes, as people type them.
fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
