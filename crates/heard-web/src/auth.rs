//! Who is calling: systems with a bearer token, people with a session cookie.
//!
//! Cookie-authenticated requests that change something must also carry the session's
//! CSRF token (form field `csrf_token` or header `X-CSRF-Token`), so another site
//! cannot act in a signed-in user's name.

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::problem::ApiError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use heard_store::UserRecord;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "heard_session";

/// A signed-in user, or a system acting as one through its token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRecord,
    /// The session's CSRF token; `None` for bearer tokens (not sent automatically by
    /// browsers, so not open to cross-site forgery).
    pub csrf_token: Option<String>,
    /// A bearer token's limits within what its user may do (none for a session).
    pub scope: heard_store::users::TokenScope,
}

impl Caller {
    /// A caller by session: everything its user's role allows.
    pub fn session(user: UserRecord, csrf_token: String) -> Caller {
        Caller {
            user,
            csrf_token: Some(csrf_token),
            scope: Default::default(),
        }
    }

    /// Whether this caller may create or change things: its role may, and its token is
    /// not read only.
    pub fn can_write(&self) -> bool {
        self.user.role.can_write() && !self.scope.read_only
    }

    /// Refuses roles that may only read, and read-only tokens.
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.scope.read_only && self.user.role.can_write() {
            return Err(ApiError::forbidden("this token may read but not change anything"));
        }
        if self.can_write() {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the {} role may read but not change anything",
                self.user.role
            )))
        }
    }

    /// The services this caller may see, or `None` for all: the user's, narrowed by the
    /// token's services.
    pub fn visible_services(&self) -> Option<Vec<String>> {
        let own = (!self.user.role.sees_all_services()).then(|| self.user.services.clone());
        if self.scope.services.is_empty() {
            return own;
        }
        Some(match own {
            None => self.scope.services.clone(),
            Some(own) => own.into_iter().filter(|s| self.scope.services.contains(s)).collect(),
        })
    }

    /// Whether this caller may see cases of `service`.
    pub fn sees(&self, service: &str) -> bool {
        self.user.sees_service(service)
            && (self.scope.services.is_empty() || self.scope.services.iter().any(|s| s == service))
    }
}

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or_else(|| {
                    ApiError::new(
                        axum::http::StatusCode::UNAUTHORIZED,
                        "the Authorization header must be `Bearer <token>`",
                    )
                })?;
            let (user, scope) = state.store().token_holder(token).await?.ok_or_else(|| {
                ApiError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    "the token is not valid, or was revoked, or has expired",
                )
            })?;
            return Ok(Caller {
                user,
                csrf_token: None,
                scope,
            });
        }
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(ApiError::unauthorized());
        };
        let session = state
            .store()
            .session(secret)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        let changes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        // Form posts check the token in the form body themselves (see pages).
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if changes && !is_form {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
            if sent != Some(session.csrf_token.as_str()) {
                return Err(ApiError::forbidden(
                    "a signed-in change must carry the X-CSRF-Token header",
                ));
            }
        }
        Ok(Caller::session(session.user, session.csrf_token))
    }
}

/// Hashes a password with argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// What a right password leads to.
#[derive(Debug)]
pub enum PasswordOk {
    /// Signed in: the session secret (the cookie value) and the session.
    Session(String, heard_store::users::Session),
    /// The account uses two-factor sign-in: a code must follow (see `two_factor`).
    NeedsCode(UserRecord),
}

/// Checks a password and starts a session, or asks for the second factor. Unknown users
/// and wrong passwords get the same answer, after the same work, so the answer does not
/// reveal which accounts exist.
pub async fn sign_in(state: &AppState, email: &str, password: &str) -> Result<PasswordOk, ApiError> {
    let tried: String = email.trim().to_lowercase().chars().take(254).collect();
    if let Some(wait) = state.sign_in_limiter().refuse(&tried) {
        return Err(too_many(format!(
            "too many sign-in attempts for this address; try again in {} minutes",
            wait.as_secs().div_ceil(60).max(1)
        )));
    }
    let found = state.store().user_for_login(email).await?;
    let locked = match &found {
        Some((u, _)) => state.store().sign_in_locked_until(u.id).await?,
        None => None,
    };
    let ok = match &found {
        Some((user, Some(hash))) if user.active && locked.is_none() => verify_password(password, hash),
        _ => {
            // Spend the time a real check would.
            let _ = verify_password(password, DUMMY_HASH);
            false
        }
    };
    let Some((user, _)) = found.as_ref().filter(|_| ok) else {
        // Recorded with the account it was meant for, when there is one, so repeated
        // failures against one account stand out.
        let (actor_id, reason) = match &found {
            None => (None, "unknown account"),
            Some((u, _)) if locked.is_some() => (Some(u.id), "account locked"),
            Some((u, _)) if !u.active => (Some(u.id), "inactive account"),
            Some((u, None)) => (Some(u.id), "no password set"),
            Some((u, Some(_))) => (Some(u.id), "wrong password"),
        };
        state.sign_in_limiter().failed(&tried);
        let lock = match (&found, locked) {
            (_, Some(until)) => Some(until),
            (Some((u, Some(_))), None) if u.active => state.store().sign_in_failed(u.id).await?,
            _ => None,
        };
        state
            .audit_as(
                actor_id,
                &tried,
                Action::SIGN_IN_FAILED,
                Subject::none(),
                serde_json::json!({ "reason": reason }),
            )
            .await?;
        if let Some(until) = lock {
            return Err(too_many(format!(
                "this account is locked after repeated failed sign-ins; try again after {} or ask an administrator",
                crate::time::London::london(&until, "%H:%M")
            )));
        }
        return Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "the email address or password is not right",
        ));
    };
    state.store().sign_in_succeeded(user.id).await?;
    if state.store().two_factor(user.id).await?.secret.is_some() {
        return Ok(PasswordOk::NeedsCode(user.clone()));
    }
    let (secret, session) = start_session(state, user, serde_json::json!({})).await?;
    Ok(PasswordOk::Session(secret, session))
}

/// Starts a session for a user who has proved who they are, and records the sign-in.
pub(crate) async fn start_session(
    state: &AppState,
    user: &UserRecord,
    detail: serde_json::Value,
) -> Result<(String, heard_store::users::Session), ApiError> {
    let hours = state.settings().session_hours;
    let signed_in = state
        .store()
        .create_session(user.id, jiff::SignedDuration::from_hours(hours))
        .await?;
    state
        .audit_as(Some(user.id), &user.email, Action::SIGN_IN, Subject::none(), detail)
        .await?;
    Ok(signed_in)
}

fn too_many(detail: String) -> ApiError {
    ApiError::new(axum::http::StatusCode::TOO_MANY_REQUESTS, detail)
}

/// Failed sign-ins per address (known or not), counted in memory per node: after
/// [`SignInLimiter::MAX`] failures in a window of [`SignInLimiter::WINDOW`] the address
/// is refused until the window ends. The
/// per-account lock (in the database) is what holds across nodes; this stops a flood
/// of guesses, including at addresses that have no account, before any password work.
#[derive(Default)]
pub(crate) struct SignInLimiter(std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>);

impl SignInLimiter {
    const WINDOW: std::time::Duration = std::time::Duration::from_secs(600);
    const MAX: u32 = 10;

    /// `Some(wait)` when `key` has failed too often in the current window.
    pub(crate) fn refuse(&self, key: &str) -> Option<std::time::Duration> {
        let now = std::time::Instant::now();
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (start, failures) = *map.get(key)?;
        let age = now.duration_since(start);
        (age < Self::WINDOW && failures >= Self::MAX).then(|| Self::WINDOW - age)
    }

    /// Counts a failed attempt at `key`.
    pub(crate) fn failed(&self, key: &str) {
        let now = std::time::Instant::now();
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < Self::WINDOW);
        }
        let entry = map.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= Self::WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

/// A valid argon2id hash of a random password, for constant-work failures.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZbE4yqcF2bS9OJ4AzmzlbPCx3QWwi2PfBmx0UTwOb3Q";

/// The `Set-Cookie` value for the session cookie; `max_age` 0 clears it.
pub fn cookie_header(state: &AppState, secret: &str, max_age: i64) -> String {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_round_trip() {
        let h = super::hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify_password("correct horse", &h));
        assert!(!super::verify_password("wrong", &h));
        assert!(!super::verify_password("x", "not a hash"));
    }
}
