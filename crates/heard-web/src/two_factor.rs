//! Two-factor sign-in for local accounts: a time-based code (TOTP, RFC 6238: HMAC-SHA-1,
//! 30-second steps, 6 digits — what every authenticator app speaks) after the password,
//! or one of ten single-use recovery codes.
//!
//! Our own TOTP (a dozen lines over the `hmac` and `sha1` crates heard already trusts)
//! rather than a crate, because the check must go through the store's replay guard: a
//! code is accepted once, on any node.
//!
//! Pages: `/login/code` (the second step: a right password leaves a short-lived challenge
//! cookie, not a session), `/account/two-factor` (set up with a QR code, confirm with a
//! code, see the recovery codes once, turn off with a code).

use crate::audit::{Action, Subject};
use crate::auth::{PasswordOk, start_session};
use crate::pages::{CsrfForm, Staff, page_error, render};
use crate::problem::ApiError;
use crate::{AppState, auth};
use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use heard_store::UserRecord;
use hmac::{Hmac, Mac};
use serde::Deserialize;

/// The cookie holding a sign-in challenge between password and code.
const CHALLENGE_COOKIE: &str = "heard_challenge";
/// Seconds per code.
const STEP: u64 = 30;
/// Codes one step either side are accepted too (clocks drift; people are slow).
const DRIFT: u64 = 1;
/// Recovery codes issued when two-factor is turned on.
const RECOVERY_CODES: usize = 10;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/login/code", get(code_page).post(code_submit))
        .route("/account/two-factor", get(account_page))
        .route("/account/two-factor/start", post(start))
        .route("/account/two-factor/confirm", post(confirm))
        .route("/account/two-factor/disable", post(disable))
}

/// The 6-digit code of `secret` (raw bytes) at time step `step`.
pub fn code_at(secret: &[u8], step: u64) -> u32 {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return u32::MAX; // HMAC takes a key of any length; never reached
    };
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let at = usize::from(h[h.len() - 1] & 0x0f);
    let bin = u32::from_be_bytes([h[at] & 0x7f, h[at + 1], h[at + 2], h[at + 3]]);
    bin % 1_000_000
}

/// The time step whose code `code` is, within the allowed drift of `now` (Unix seconds).
pub fn matching_step(secret_b32: &str, code: &str, now: u64) -> Option<u64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let secret = data_encoding::BASE32_NOPAD.decode(secret_b32.as_bytes()).ok()?;
    let current = now / STEP;
    (current.saturating_sub(DRIFT)..=current + DRIFT).find(|&s| code_at(&secret, s) == wanted)
}

fn now_unix() -> u64 {
    jiff::Timestamp::now().as_second().max(0) as u64
}

/// A fresh secret (160 bits, as RFC 4226 recommends), base32 as apps expect it.
fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    data_encoding::BASE32_NOPAD.encode(&bytes)
}

/// Ten recovery codes like `7f3k-9q2m-x4tz`.
fn new_recovery_codes() -> Vec<String> {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            (0..3)
                .map(|_| {
                    (0..4)
                        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// Checks a second factor — a current code, or an unused recovery code — for `user`.
/// Returns how it was proved (`totp` or `recovery_code`).
pub(crate) async fn prove(state: &AppState, user: &UserRecord, code: &str) -> Result<&'static str, ApiError> {
    let tf = state.store().two_factor(user.id).await?;
    if let Some(secret) = &tf.secret
        && let Some(step) = matching_step(secret, code, now_unix())
    {
        if state.store().use_totp_step(user.id, step as i64).await? {
            return Ok("totp");
        }
        return Err(wrong_code(state, user, "code used before").await);
    }
    if code.trim().len() > 6 && state.store().use_recovery_code(user.id, code).await? {
        return Ok("recovery_code");
    }
    Err(wrong_code(state, user, "wrong code").await)
}

async fn wrong_code(state: &AppState, user: &UserRecord, reason: &str) -> ApiError {
    state.sign_in_limiter().failed(&user.email);
    let audited = state
        .audit_as(
            Some(user.id),
            &user.email,
            Action::SIGN_IN_FAILED,
            Subject::none(),
            serde_json::json!({ "reason": reason }),
        )
        .await;
    if let Err(e) = audited {
        return e;
    }
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "the code is not right: enter the 6 digits your authenticator app shows now, or a recovery code",
    )
}

/// After a right password on the sign-in page: a challenge cookie, and on to the code.
pub(crate) async fn ask_for_code(state: &AppState, user: &UserRecord) -> Response {
    match state.store().create_challenge(user.id).await {
        Ok(secret) => (
            [(header::SET_COOKIE, challenge_cookie(state, &secret, 300))],
            Redirect::to("/login/code"),
        )
            .into_response(),
        Err(e) => page_error(e.into()),
    }
}

fn challenge_cookie(state: &AppState, secret: &str, max_age: i64) -> String {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{CHALLENGE_COOKIE}={secret}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    user: Option<UserRecord>,
    csrf: String,
    error: Option<String>,
}

async fn code_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(secret) = auth::cookie(&headers, CHALLENGE_COOKIE) else {
        return Redirect::to("/login").into_response();
    };
    match state.store().challenge(secret).await {
        Ok(Some(_)) => render(&CodePage {
            user: None,
            csrf: String::new(),
            error: None,
        }),
        Ok(None) => Redirect::to("/login").into_response(),
        Err(e) => page_error(e.into()),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn code_submit(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<CodeForm>) -> Response {
    let Some(secret) = auth::cookie(&headers, CHALLENGE_COOKIE) else {
        return Redirect::to("/login").into_response();
    };
    let user = match state.store().challenge(secret).await {
        Ok(Some(id)) => match state.store().user(id).await {
            Ok(u) if u.active => u,
            Ok(_) => return Redirect::to("/login").into_response(),
            Err(e) => return page_error(e.into()),
        },
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(e) => return page_error(e.into()),
    };
    let proved = match prove(&state, &user, &f.code).await {
        Ok(how) => how,
        Err(e) => {
            let left = state.store().challenge_failed(secret).await.unwrap_or(0);
            if left == 0 {
                // Too many wrong codes: the password must be given again.
                let _ = state.store().delete_challenge(secret).await;
                return Redirect::to("/login").into_response();
            }
            let page = CodePage {
                user: None,
                csrf: String::new(),
                error: e.detail,
            };
            return (StatusCode::UNAUTHORIZED, render(&page)).into_response();
        }
    };
    if let Err(e) = state.store().delete_challenge(secret).await {
        return page_error(e.into());
    }
    match start_session(&state, &user, serde_json::json!({ "second_factor": proved })).await {
        Ok((session, _)) => {
            let mut res = Redirect::to("/cases").into_response();
            let h = res.headers_mut();
            for cookie in [
                auth::cookie_header(&state, &session, state.settings().session_hours * 3600),
                challenge_cookie(&state, "", 0),
            ] {
                if let Ok(v) = header::HeaderValue::from_str(&cookie) {
                    h.append(header::SET_COOKIE, v);
                }
            }
            res
        }
        Err(e) => page_error(e),
    }
}

/// The API's sign-in: a right password and, for an account with two-factor, a right code
/// in the same request.
pub(crate) async fn api_sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    code: Option<&str>,
) -> Result<(String, heard_store::users::Session), ApiError> {
    match auth::sign_in(state, email, password).await? {
        PasswordOk::Session(secret, session) => Ok((secret, session)),
        PasswordOk::NeedsCode(user) => {
            let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "this account signs in with a code from an authenticator app too: send it as `code`",
                ));
            };
            let how = prove(state, &user, code).await?;
            start_session(state, &user, serde_json::json!({ "second_factor": how })).await
        }
    }
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct AccountPage {
    user: Option<UserRecord>,
    csrf: String,
    enabled: bool,
    recovery_left: i64,
    /// While setting up: the secret (grouped for reading) and its QR code (SVG markup).
    pending: Option<(String, String)>,
    /// Just turned on: the recovery codes, shown this once.
    recovery: Vec<String>,
    error: Option<String>,
}

async fn account(state: &AppState, caller: &crate::Caller, error: Option<String>, recovery: Vec<String>) -> Response {
    let tf = match state.store().two_factor(caller.user.id).await {
        Ok(tf) => tf,
        Err(e) => return page_error(e.into()),
    };
    let pending = tf.pending.as_deref().map(|secret| {
        let label = format!("heard:{}", caller.user.email);
        let uri = format!(
            "otpauth://totp/{}?secret={secret}&issuer=heard&algorithm=SHA1&digits=6&period=30",
            urlencode(&label)
        );
        let qr = qrcode::QrCode::new(uri.as_bytes())
            .map(|q| {
                q.render::<qrcode::render::svg::Color<'_>>()
                    .min_dimensions(200, 200)
                    .build()
            })
            .unwrap_or_default();
        let grouped = secret
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        (grouped, qr)
    });
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccountPage {
        user: Some(caller.user.clone()),
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        enabled: tf.secret.is_some(),
        recovery_left: tf.recovery_left,
        pending,
        recovery,
        error,
    };
    (status, render(&page)).into_response()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' => char::from(b).to_string(),
            b'@' => "%40".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn account_page(State(state): State<AppState>, Staff(caller): Staff) -> Response {
    account(&state, &caller, None, Vec::new()).await
}

fn csrf_ok(caller: &crate::Caller, token: &str) -> bool {
    caller.csrf_token.as_deref() == Some(token)
}

async fn start(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<CsrfForm>) -> Response {
    if !csrf_ok(&caller, &f.csrf_token) {
        return (StatusCode::FORBIDDEN, "the form has expired; reload the page").into_response();
    }
    match state.store().begin_two_factor(caller.user.id, &new_secret()).await {
        Ok(()) => Redirect::to("/account/two-factor").into_response(),
        Err(e) => page_error(e.into()),
    }
}

#[derive(Deserialize)]
struct CodeCsrfForm {
    csrf_token: String,
    #[serde(default)]
    code: String,
}

async fn confirm(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<CodeCsrfForm>) -> Response {
    if !csrf_ok(&caller, &f.csrf_token) {
        return (StatusCode::FORBIDDEN, "the form has expired; reload the page").into_response();
    }
    let pending = match state.store().two_factor(caller.user.id).await {
        Ok(tf) => tf.pending,
        Err(e) => return page_error(e.into()),
    };
    let Some(secret) = pending else {
        return Redirect::to("/account/two-factor").into_response();
    };
    let Some(step) = matching_step(&secret, &f.code, now_unix()) else {
        let msg = "Code: enter the 6 digits your authenticator app shows for heard now".to_string();
        return account(&state, &caller, Some(msg), Vec::new()).await;
    };
    let recovery = new_recovery_codes();
    if let Err(e) = state
        .store()
        .enable_two_factor(caller.user.id, step as i64, &recovery)
        .await
    {
        return page_error(e.into());
    }
    let audited = state
        .audit(
            &caller,
            Action::TWO_FACTOR_ON,
            Subject::none(),
            serde_json::json!({ "user": caller.user.id }),
        )
        .await;
    if let Err(e) = audited {
        return page_error(e);
    }
    account(&state, &caller, None, recovery).await
}

async fn disable(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<CodeCsrfForm>) -> Response {
    if !csrf_ok(&caller, &f.csrf_token) {
        return (StatusCode::FORBIDDEN, "the form has expired; reload the page").into_response();
    }
    if prove(&state, &caller.user, &f.code).await.is_err() {
        let msg = "Code: enter a current code or a recovery code to turn two-factor sign-in off".to_string();
        return account(&state, &caller, Some(msg), Vec::new()).await;
    }
    if let Err(e) = state.store().disable_two_factor(caller.user.id).await {
        return page_error(e.into());
    }
    let audited = state
        .audit(
            &caller,
            Action::TWO_FACTOR_OFF,
            Subject::none(),
            serde_json::json!({ "user": caller.user.id }),
        )
        .await;
    match audited {
        Ok(()) => Redirect::to("/account/two-factor").into_response(),
        Err(e) => page_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column (8 digits there; the last 6 here).
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59u64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
        ] {
            assert_eq!(code_at(secret, time / STEP), eight % 1_000_000, "t = {time}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_only() {
        let b32 = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890");
        let now = 1_111_111_111;
        let code = format!("{:06}", code_at(b"12345678901234567890", now / STEP));
        assert_eq!(matching_step(&b32, &code, now), Some(now / STEP));
        assert_eq!(
            matching_step(&b32, &code, now + STEP),
            Some(now / STEP),
            "one step late"
        );
        assert_eq!(matching_step(&b32, &code, now + 3 * STEP), None, "too late");
        assert_eq!(matching_step(&b32, "12345", now), None);
        assert_eq!(matching_step(&b32, "abcdef", now), None);
        assert_eq!(matching_step("not base32!", &code, now), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_readable() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| c.len() == 14 && c.matches('-').count() == 2));
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }
}
