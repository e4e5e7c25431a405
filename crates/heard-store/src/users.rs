//! Staff users, API tokens and sign-in sessions.
//!
//! Tokens and session ids are random secrets shown once; only their SHA-256 is stored,
//! so a copy of the database does not let anyone sign in. (A fast hash is right here:
//! the secrets are 256-bit random, not guessable passwords.)

use crate::db::{read, write_tx};
use crate::queries::{Cols, Param, Sql, fetch_sql};
use crate::{Result, Store, StoreError, UserRecord, from_millis, to_millis};
use heard_core::Role;
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new staff account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team: Option<String>,
    pub services: Vec<String>,
    /// An argon2id PHC string, or `None` for an account that signs in another way.
    pub password_hash: Option<String>,
}

/// What an API token may do, within what its user may: everything (the default), only
/// read, or only some services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenScope {
    pub read_only: bool,
    /// Service slugs; empty: every service the user may see.
    pub services: Vec<String>,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: i64,
    /// The user's email address.
    pub user: String,
    pub label: String,
    pub scope: TokenScope,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

fn split_services(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: UserRecord,
    /// The token every form of this session must carry (CSRF protection).
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// A random secret with a readable prefix, e.g. `hrd_3f9a…`.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// How secrets are stored.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The user columns `user_from_row` reads (0..=6), then `extra` columns, then the
/// `FROM` clause, which later joins may extend.
fn user_select(d: crate::Dialect, extra: &str) -> String {
    let agg = match d {
        crate::Dialect::Sqlite => "group_concat(s.slug, ',')",
        crate::Dialect::Postgres => "string_agg(s.slug, ',')",
    };
    format!(
        "SELECT u.id, u.email, u.name, u.role, t.slug, u.active, \
         (SELECT {agg} FROM user_services us JOIN services s ON s.id = us.service_id WHERE us.user_id = u.id){extra} \
         FROM users u LEFT JOIN teams t ON t.id = u.team_id"
    )
}

fn user_from_row(r: &impl Cols) -> Result<UserRecord> {
    Ok(UserRecord {
        id: r.int(0)?,
        email: r.text(1)?,
        name: r.text(2)?,
        role: r.word(3)?,
        team: r.opt_text(4)?,
        active: r.flag(5)?,
        services: r
            .opt_text(6)?
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

impl Store {
    /// Creates a user, or updates the one with that email (name, role, team, services;
    /// the password only when one is given).
    pub async fn upsert_user(&self, u: &NewUser) -> Result<i64> {
        let email = heard_core::Identity::email(&u.email)
            .map_err(|e| heard_core::Invalid::field("email", e))?
            .value;
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let team_id: Option<i64> = match &u.team {
                Some(slug) => Some(
                    sqlx::query_scalar("SELECT id FROM teams WHERE slug = $1")
                        .bind(slug)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| heard_core::Invalid::field("team", format!("no team `{slug}`")))?,
                ),
                None => None,
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, name, role, team_id, password_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6) \
                 ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, team_id = excluded.team_id, \
                 password_hash = coalesce(excluded.password_hash, users.password_hash) RETURNING id",
            )
            .bind(&email)
            .bind(&u.name)
            .bind(u.role.as_str())
            .bind(team_id)
            .bind(u.password_hash.as_deref())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM user_services WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for slug in &u.services {
                let n = sqlx::query(
                    "INSERT INTO user_services (user_id, service_id) SELECT $1, id FROM services WHERE slug = $2",
                )
                .bind(id)
                .bind(slug)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(heard_core::Invalid::field("services", format!("no service `{slug}`")).into());
                }
            }
            Ok(id)
        })
    }

    /// A user by email, with their password hash (for signing in).
    pub async fn user_for_login(&self, email: &str) -> Result<Option<(UserRecord, Option<String>)>> {
        let Ok(email) = heard_core::Identity::email(email) else {
            return Ok(None);
        };
        let mut sql = Sql::new(&format!("{} WHERE u.email = $1", user_select(self.dialect(), "")));
        sql.params.push(Param::Text(email.value.clone()));
        let Some(user) = fetch_sql!(self, sql, |r| user_from_row(r)).into_iter().next() else {
            return Ok(None);
        };
        let hash: Option<String> = read!(self, |pool, _d| sqlx::query_scalar(
            "SELECT password_hash FROM users WHERE id = $1"
        )
        .bind(user.id)
        .fetch_one(pool)
        .await?);
        Ok(Some((user, hash)))
    }

    /// A user by id.
    pub async fn user(&self, id: i64) -> Result<UserRecord> {
        let mut sql = Sql::new(&format!("{} WHERE u.id = $1", user_select(self.dialect(), "")));
        sql.params.push(Param::Int(id));
        fetch_sql!(self, sql, |r| user_from_row(r))
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound(format!("user {id}")))
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<UserRecord>> {
        let sql = Sql::new(&format!("{} ORDER BY u.name", user_select(self.dialect(), "")));
        Ok(fetch_sql!(self, sql, |r| user_from_row(r)))
    }

    /// Issues an API token for a user, with everything the user may do; the token is
    /// returned once and stored hashed.
    pub async fn create_token(&self, user_id: i64, label: &str) -> Result<String> {
        self.create_scoped_token(user_id, label, &TokenScope::default(), None)
            .await
    }

    /// Issues an API token limited by `scope`, valid until `expires` (or revoked).
    pub async fn create_scoped_token(
        &self,
        user_id: i64,
        label: &str,
        scope: &TokenScope,
        expires: Option<Timestamp>,
    ) -> Result<String> {
        let token = new_secret("hrd_");
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            sqlx::query(
                "INSERT INTO api_tokens (user_id, label, token_hash, created_at, read_only, services, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(user_id)
            .bind(label)
            .bind(secret_hash(&token))
            .bind(now)
            .bind(scope.read_only)
            .bind(scope.services.join(","))
            .bind(expires.map(to_millis))
            .execute(&mut *tx)
            .await?;
        });
        Ok(token)
    }

    /// The active user a live token (not revoked, not expired) belongs to, with the
    /// token's limits.
    pub async fn token_holder(&self, token: &str) -> Result<Option<(UserRecord, TokenScope)>> {
        let mut sql = Sql::new(&format!(
            "{} JOIN api_tokens k ON k.user_id = u.id WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND u.active \
             AND (k.expires_at IS NULL OR k.expires_at > $2)",
            user_select(self.dialect(), ", k.read_only, k.services")
        ));
        sql.params.push(Param::Text(secret_hash(token)));
        sql.params.push(Param::Int(to_millis(Timestamp::now())));
        Ok(fetch_sql!(self, sql, |r| Ok((
            user_from_row(r)?,
            TokenScope {
                read_only: r.flag(7)?,
                services: split_services(&r.text(8)?),
            }
        )))
        .into_iter()
        .next())
    }

    /// The active user an unrevoked, unexpired token belongs to (its limits aside: see
    /// [`Store::token_holder`]).
    pub async fn user_for_token(&self, token: &str) -> Result<Option<UserRecord>> {
        Ok(self.token_holder(token).await?.map(|(u, _)| u))
    }

    /// Every token, newest first, without its secret.
    pub async fn tokens(&self) -> Result<Vec<TokenRecord>> {
        let sql = Sql::new(
            "SELECT k.id, u.email, k.label, k.read_only, k.services, k.created_at, k.expires_at, k.revoked_at \
             FROM api_tokens k JOIN users u ON u.id = k.user_id ORDER BY k.id DESC",
        );
        Ok(fetch_sql!(self, sql, |r| Ok(TokenRecord {
            id: r.int(0)?,
            user: r.text(1)?,
            label: r.text(2)?,
            scope: TokenScope {
                read_only: r.flag(3)?,
                services: split_services(&r.text(4)?),
            },
            created_at: r.time(5)?,
            expires_at: r.opt_time(6)?,
            revoked_at: r.opt_time(7)?,
        })))
    }

    /// Revokes a token at once; `false` when there is no such live token.
    pub async fn revoke_token(&self, id: i64) -> Result<bool> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            Ok(done == 1)
        })
    }

    /// Starts a session for a user; returns the session secret (the cookie value).
    pub async fn create_session(&self, user_id: i64, ttl: SignedDuration) -> Result<(String, Session)> {
        let secret = new_secret("");
        let csrf = new_secret("");
        let now = Timestamp::now();
        let expires_at = now + ttl;
        write_tx!(self, |tx, d| {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(secret_hash(&secret))
                .bind(user_id)
                .bind(&csrf)
                .bind(to_millis(now))
                .bind(to_millis(expires_at))
                .execute(&mut *tx)
                .await?;
            // Old sessions go as new ones come, so the table stays small without a sweeper.
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                .bind(to_millis(now))
                .execute(&mut *tx)
                .await?;
        });
        let user = self.user(user_id).await?;
        Ok((
            secret,
            Session {
                user,
                csrf_token: csrf,
                expires_at,
            },
        ))
    }

    /// The live session for a cookie value.
    pub async fn session(&self, secret: &str) -> Result<Option<Session>> {
        let mut sql = Sql::new(&format!(
            "{} JOIN sessions x ON x.user_id = u.id WHERE x.token_hash = $1 AND x.expires_at > $2 AND u.active",
            user_select(self.dialect(), ", x.csrf_token, x.expires_at")
        ));
        sql.params.push(Param::Text(secret_hash(secret)));
        sql.params.push(Param::Int(to_millis(Timestamp::now())));
        let found = fetch_sql!(self, sql, |r| Ok((user_from_row(r)?, r.text(7)?, r.time(8)?)));
        let Some((user, csrf_token, expires_at)) = found.into_iter().next() else {
            return Ok(None);
        };
        Ok(Some(Session {
            user,
            csrf_token,
            expires_at,
        }))
    }

    /// Ends a session.
    pub async fn delete_session(&self, secret: &str) -> Result<()> {
        write_tx!(self, |tx, d| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(secret_hash(secret))
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }
}

impl Store {
    /// When the account's sign-in lock ends, if it is locked now.
    pub async fn sign_in_locked_until(&self, user: i64) -> Result<Option<Timestamp>> {
        let until: Option<Option<i64>> = read!(self, |pool, _d| sqlx::query_scalar(
            "SELECT locked_until FROM users WHERE id = $1"
        )
        .bind(user)
        .fetch_optional(pool)
        .await?);
        Ok(until.flatten().map(from_millis).filter(|t| *t > Timestamp::now()))
    }

    /// Counts a failed sign-in; returns when the account is now locked until, if the
    /// failures earned a lock (see [`heard_core::user::lockout_after`]).
    pub async fn sign_in_failed(&self, user: i64) -> Result<Option<Timestamp>> {
        let now = Timestamp::now();
        write_tx!(self, |tx, _d| {
            let failures: Option<i64> = sqlx::query_scalar(
                "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 RETURNING failed_sign_ins",
            )
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?;
            let lock = failures
                .and_then(|n| heard_core::user::lockout_after(u32::try_from(n).unwrap_or(u32::MAX)))
                .map(|d| now + d);
            if let Some(until) = lock {
                sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
                    .bind(to_millis(until))
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(lock)
        })
    }

    /// A successful sign-in clears the count of failures.
    pub async fn sign_in_succeeded(&self, user: i64) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1 AND failed_sign_ins > 0",
            )
            .bind(user)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    }
}
