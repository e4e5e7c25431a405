//! Single sign-on with OpenID Connect (councils use Microsoft Entra ID): the authorisation
//! code flow with PKCE (S256), `state` and `nonce`, the ID token checked against the
//! provider's keys, and the account's groups (or app roles) mapped to a heard role.
//!
//! - `GET /login/oidc` finds the provider's endpoints (`{issuer}/.well-known/openid-configuration`,
//!   cached), makes a random `state`, `nonce` and PKCE verifier, keeps them in a short-lived
//!   cookie signed with a site key (HttpOnly, `SameSite=Lax` so it comes back on the
//!   provider's redirect, path `/login/oidc`) and sends the browser to the provider.
//! - `GET /login/oidc/callback` checks `state` against that cookie (and clears it: one
//!   try per start), exchanges the code with the verifier at the token endpoint, checks the
//!   ID token (signature against the provider's JWKS — RS*, PS*, ES256/ES384 — `iss`, `aud`,
//!   `azp`, `exp`/`iat`/`nbf` with a minute's leeway, `nonce`), maps the groups claim to a
//!   role (first rule wins; none: refused), creates or updates the heard user (never
//!   touching a password: one made here has none) and starts the same session a password
//!   sign-in starts, audited as `session.sign_in` with `method: oidc`.
//!
//! Every refusal is a page saying what happened with a 4xx status (502 when the provider
//! cannot be reached or answers nonsense), audited as `session.sign_in_failed` when it is
//! about someone signing in, and logged without codes or tokens. heard's own TOTP is not
//! asked after single sign-on: the council's provider decides how its accounts prove who
//! they are (Entra ID's multi-factor and conditional access).
//!
//! Why `jsonwebtoken` (9, without default features) and `reqwest` rather than the
//! `openidconnect` crate: the flow heard needs is small (one provider, code flow only), and
//! `openidconnect` brings its own crypto stack (`rsa`, `p256`, `p384`, `ed25519-dalek`),
//! `chrono`, `oauth2` and a second HTTP abstraction, a long build on two cores for what is
//! here a few hundred lines. `jsonwebtoken` 9 verifies signatures with `ring`, which rustls
//! already builds for heard, and reads JWKs; `reqwest` is already heard's HTTP client.
//! Nothing is fetched from anywhere but the configured issuer: the token endpoint and JWKS
//! must be on the issuer's own origin.

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::auth::{cookie, cookie_header, start_session};
use crate::pages::render;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use heard_core::Role;
use heard_store::UserRecord;
use heard_store::users::NewUser;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The cookie carrying `state`, `nonce` and the PKCE verifier between start and callback.
const FLOW_COOKIE: &str = "heard_oidc";
/// How long a started sign-in may take at the provider, in seconds.
const FLOW_SECONDS: i64 = 600;
/// Clock leeway for `exp`, `iat` and `nbf`, in seconds.
const LEEWAY: u64 = 60;
/// How long the provider's discovery document is kept.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// The provider's keys are read again after this, or sooner when a token names a key we
/// have not seen (keys rotate), but never more often than [`JWKS_MIN_REFRESH`].
const JWKS_TTL: Duration = Duration::from_secs(3600);
const JWKS_MIN_REFRESH: Duration = Duration::from_secs(30);

/// Signature algorithms accepted for ID tokens: asymmetric only (never `none` or HS*).
const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// What the web layer needs of `[oidc]` (built by the binary's config, which checks it).
#[derive(Clone)]
pub struct OidcSettings {
    /// The issuer URL, exactly as the provider's tokens name it (no trailing slash added).
    pub issuer: String,
    pub client_id: String,
    /// `None` for a public client (PKCE alone).
    pub client_secret: Option<String>,
    /// This heard's callback, registered with the provider.
    pub redirect_url: String,
    /// Space-separated scopes asked for (`openid` always among them).
    pub scopes: String,
    /// The claim listing the account's groups or roles (`groups`, or `roles` for app roles).
    pub groups_claim: String,
    /// Groups to heard roles, first match wins.
    pub roles: Vec<RoleRule>,
    /// The sign-in page's button.
    pub button_label: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("groups_claim", &self.groups_claim)
            .field("roles", &self.roles)
            .finish()
    }
}

/// One `[[oidc.roles]]` entry: members of `group` sign in as `role` with `services`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRule {
    pub group: String,
    pub role: Role,
    pub services: Vec<String>,
}

/// The first rule whose group the account is in (exact match: Entra ID sends group object
/// ids, app role values or names as configured).
pub fn map_role<'a>(rules: &'a [RoleRule], groups: &[String]) -> Option<&'a RoleRule> {
    rules.iter().find(|r| groups.iter().any(|g| g == &r.group))
}

/// The groups claim as a list: an array of strings (anything else in it ignored), or one
/// string.
pub fn groups_of(claims: &serde_json::Map<String, Value>, claim: &str) -> Vec<String> {
    match claims.get(claim) {
        Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/login/oidc", get(start))
        .route("/login/oidc/callback", get(callback))
}

/// The provider's endpoints, from its discovery document.
#[derive(Debug, Deserialize)]
struct Discovered {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
}

/// What is kept between requests: the discovery document and the provider's keys.
pub(crate) struct Cache {
    http: Option<reqwest::Client>,
    discovered: tokio::sync::Mutex<Option<(Instant, Arc<Discovered>)>>,
    keys: tokio::sync::Mutex<Option<(Instant, Arc<Vec<jsonwebtoken::jwk::Jwk>>)>>,
    cookie_key: tokio::sync::OnceCell<Arc<Vec<u8>>>,
}

impl Default for Cache {
    fn default() -> Self {
        // Redirects are not followed: an endpoint answers for itself or not at all.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .user_agent("heard")
            .build()
            .map_err(|e| tracing::error!(error = %e, "the single sign-on HTTP client could not be built"))
            .ok();
        Cache {
            http,
            discovered: Default::default(),
            keys: Default::default(),
            cookie_key: Default::default(),
        }
    }
}

/// Why a sign-in did not happen: the status, the page's words, and what the audit log and
/// the server log record (never a code or token).
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    title: &'static str,
    message: String,
    /// For the audit log; `None` when the refusal is not about anyone signing in (the
    /// provider is away, the sign-in is not switched on).
    reason: Option<String>,
    /// Who it was about, when known.
    who: Option<(Option<i64>, String)>,
}

impl Refusal {
    fn new(status: StatusCode, title: &'static str, message: impl Into<String>, reason: impl Into<String>) -> Self {
        Refusal {
            status,
            title,
            message: message.into(),
            reason: Some(reason.into()),
            who: None,
        }
    }

    /// The provider could not be reached or answered nonsense: not about the person.
    fn provider(what: impl std::fmt::Display) -> Self {
        tracing::warn!(problem = %what, "single sign-on: the provider could not be used");
        Refusal {
            status: StatusCode::BAD_GATEWAY,
            title: "Your council account cannot be checked just now",
            message: "heard could not reach your council's sign-in service, or did not understand its answer. \
                      Try again in a few minutes; if it keeps happening, tell the IT service desk."
                .into(),
            reason: None,
            who: None,
        }
    }

    fn about(mut self, id: Option<i64>, email: &str) -> Self {
        self.who = Some((id, email.to_string()));
        self
    }
}

#[derive(Template)]
#[template(path = "login_oidc_error.html")]
struct ErrorPage<'a> {
    user: Option<UserRecord>,
    csrf: String,
    title: &'a str,
    message: &'a str,
}

/// Records a refusal and answers with its page (clearing the flow cookie).
async fn refuse(state: &AppState, r: Refusal) -> Response {
    if let Some(reason) = &r.reason {
        let (id, actor) = r.who.clone().unwrap_or((None, "single sign-on".to_string()));
        tracing::info!(reason = %reason, actor = %actor, "single sign-on refused");
        let audited = state
            .audit_as(
                id,
                &actor,
                Action::SIGN_IN_FAILED,
                Subject::none(),
                json!({ "method": "oidc", "reason": reason }),
            )
            .await;
        if let Err(e) = audited {
            return crate::pages::page_error(e);
        }
    }
    let page = ErrorPage {
        user: None,
        csrf: String::new(),
        title: r.title,
        message: &r.message,
    };
    (
        r.status,
        [(header::SET_COOKIE, flow_cookie(state, "", 0))],
        render(&page),
    )
        .into_response()
}

fn not_configured() -> Response {
    (StatusCode::NOT_FOUND, "single sign-on is not set up on this heard").into_response()
}

fn flow_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{FLOW_COOKIE}={value}; Path=/login/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn random_b64(bytes: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    B64.encode(b)
}

/// The PKCE S256 challenge of a verifier (RFC 7636).
pub fn pkce_challenge(verifier: &str) -> String {
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

/// What the flow cookie carries.
#[derive(Debug, serde::Serialize, Deserialize)]
struct Flow {
    /// `state`
    s: String,
    /// `nonce`
    n: String,
    /// The PKCE verifier.
    v: String,
    /// Until when (Unix seconds).
    x: i64,
}

async fn cookie_key(state: &AppState) -> Result<Arc<Vec<u8>>, heard_store::StoreError> {
    state
        .oidc_cache()
        .cookie_key
        .get_or_try_init(|| async { state.store().site_key("oidc").await.map(Arc::new) })
        .await
        .cloned()
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

/// `payload.signature`, both base64url.
fn seal(key: &[u8], flow: &Flow) -> String {
    let payload = B64.encode(serde_json::to_vec(flow).unwrap_or_default());
    let mut m = mac(key);
    m.update(payload.as_bytes());
    format!("{payload}.{}", B64.encode(m.finalize().into_bytes()))
}

/// The flow in a cookie value, if its signature holds and it has not expired.
fn open(key: &[u8], value: &str, now: i64) -> Option<Flow> {
    let (payload, sig) = value.split_once('.')?;
    let sig = B64.decode(sig).ok()?;
    let mut m = mac(key);
    m.update(payload.as_bytes());
    m.verify_slice(&sig).ok()?;
    let flow: Flow = serde_json::from_slice(&B64.decode(payload).ok()?).ok()?;
    (flow.x > now).then_some(flow)
}

/// Compares two secrets in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `scheme://host[:port]` of a URL, lower-cased.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

fn http(state: &AppState) -> Result<&reqwest::Client, Refusal> {
    state
        .oidc_cache()
        .http
        .as_ref()
        .ok_or_else(|| Refusal::provider("no HTTP client"))
}

/// The provider's endpoints (cached for an hour).
async fn discover(state: &AppState, s: &OidcSettings) -> Result<Arc<Discovered>, Refusal> {
    let cache = state.oidc_cache();
    let mut slot = cache.discovered.lock().await;
    if let Some((at, d)) = &*slot
        && at.elapsed() < DISCOVERY_TTL
    {
        return Ok(d.clone());
    }
    let url = format!("{}/.well-known/openid-configuration", s.issuer.trim_end_matches('/'));
    let r = http(state)?
        .get(&url)
        .send()
        .await
        .map_err(|e| Refusal::provider(format!("discovery at {url}: {e}")))?;
    if !r.status().is_success() {
        return Err(Refusal::provider(format!("discovery at {url}: HTTP {}", r.status())));
    }
    let d: Discovered = r
        .json()
        .await
        .map_err(|e| Refusal::provider(format!("discovery at {url}: {e}")))?;
    // OpenID Connect Discovery 1.0 §4.3: the document's issuer is the one asked about.
    if d.issuer != s.issuer {
        return Err(Refusal::provider(format!(
            "discovery at {url} names issuer `{}`, not the configured `{}`",
            d.issuer, s.issuer
        )));
    }
    let home = origin(&s.issuer);
    for (what, endpoint) in [("token_endpoint", &d.token_endpoint), ("jwks_uri", &d.jwks_uri)] {
        if origin(endpoint) != home {
            return Err(Refusal::provider(format!(
                "discovery: {what} `{endpoint}` is not on the issuer's own origin"
            )));
        }
    }
    if !(d.authorization_endpoint.starts_with("https://") || d.authorization_endpoint.starts_with("http://")) {
        return Err(Refusal::provider(
            "discovery: authorization_endpoint is not a web address",
        ));
    }
    let d = Arc::new(d);
    *slot = Some((Instant::now(), d.clone()));
    Ok(d)
}

/// The provider's signing keys; read again when stale or when `kid` is not among them.
async fn keys(
    state: &AppState,
    d: &Discovered,
    kid: Option<&str>,
) -> Result<Arc<Vec<jsonwebtoken::jwk::Jwk>>, Refusal> {
    let cache = state.oidc_cache();
    let mut slot = cache.keys.lock().await;
    if let Some((at, keys)) = &*slot {
        let known = kid.is_none_or(|k| keys.iter().any(|j| j.common.key_id.as_deref() == Some(k)));
        if (known && at.elapsed() < JWKS_TTL) || at.elapsed() < JWKS_MIN_REFRESH {
            return Ok(keys.clone());
        }
    }
    let r = http(state)?
        .get(&d.jwks_uri)
        .send()
        .await
        .map_err(|e| Refusal::provider(format!("keys at {}: {e}", d.jwks_uri)))?;
    if !r.status().is_success() {
        return Err(Refusal::provider(format!(
            "keys at {}: HTTP {}",
            d.jwks_uri,
            r.status()
        )));
    }
    #[derive(Deserialize)]
    struct Set {
        keys: Vec<Value>,
    }
    let set: Set = r
        .json()
        .await
        .map_err(|e| Refusal::provider(format!("keys at {}: {e}", d.jwks_uri)))?;
    // Keys of kinds we do not read (encryption keys, say) are skipped, not fatal.
    let keys: Vec<jsonwebtoken::jwk::Jwk> = set
        .keys
        .into_iter()
        .filter_map(|k| serde_json::from_value(k).ok())
        .collect();
    let keys = Arc::new(keys);
    *slot = Some((Instant::now(), keys.clone()));
    Ok(keys)
}

/// `GET /login/oidc`: off to the provider.
async fn start(State(state): State<AppState>) -> Response {
    let Some(s) = state.settings().oidc.clone() else {
        return not_configured();
    };
    let d = match discover(&state, &s).await {
        Ok(d) => d,
        Err(r) => return refuse(&state, r).await,
    };
    let key = match cookie_key(&state).await {
        Ok(k) => k,
        Err(e) => return crate::pages::page_error(e.into()),
    };
    let flow = Flow {
        s: random_b64(32),
        n: random_b64(32),
        v: random_b64(32),
        x: jiff::Timestamp::now().as_second() + FLOW_SECONDS,
    };
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", s.client_id.as_str()),
        ("redirect_uri", s.redirect_url.as_str()),
        ("scope", s.scopes.as_str()),
        ("state", flow.s.as_str()),
        ("nonce", flow.n.as_str()),
        ("code_challenge", pkce_challenge(&flow.v).as_str()),
        ("code_challenge_method", "S256"),
    ])
    .unwrap_or_default();
    let sep = if d.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    let to = format!("{}{sep}{query}", d.authorization_endpoint);
    (
        [(
            header::SET_COOKIE,
            flow_cookie(&state, &seal(&key, &flow), FLOW_SECONDS),
        )],
        Redirect::to(&to),
    )
        .into_response()
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// RFC 9207: the issuer the answer comes from, when the provider says.
    iss: Option<String>,
}

/// `GET /login/oidc/callback`: the provider's answer.
async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(s) = state.settings().oidc.clone() else {
        return not_configured();
    };
    let answer = match query {
        Ok(Query(q)) => finish(&state, &s, &headers, q).await,
        Err(_) => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Sign-in could not be completed",
            "The answer from your council's sign-in service could not be read. Start again.",
            "unreadable callback",
        )),
    };
    match answer {
        Ok((secret, user)) => {
            tracing::info!(user = user.id, "signed in with single sign-on");
            let session = cookie_header(&state, &secret, state.settings().session_hours * 3600);
            let mut res = Redirect::to("/cases").into_response();
            let h = res.headers_mut();
            for c in [session, flow_cookie(&state, "", 0)] {
                if let Ok(v) = header::HeaderValue::from_str(&c) {
                    h.append(header::SET_COOKIE, v);
                }
            }
            res
        }
        Err(r) => refuse(&state, r).await,
    }
}

fn start_again(reason: &str) -> Refusal {
    Refusal::new(
        StatusCode::BAD_REQUEST,
        "Sign-in could not be completed",
        "This sign-in has expired, was already used, or was started in another browser. Start again from the sign-in page.",
        reason,
    )
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct Tokens {
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: Option<String>,
}

/// The callback's work: the session secret and user, or why not.
async fn finish(
    state: &AppState,
    s: &OidcSettings,
    headers: &HeaderMap,
    q: CallbackQuery,
) -> Result<(String, UserRecord), Refusal> {
    if q.iss.as_deref().is_some_and(|iss| iss != s.issuer) {
        return Err(start_again("the answer names another issuer"));
    }
    if let Some(error) = &q.error {
        // The provider said no (the person cancelled, or is not allowed this application).
        let error: String = error.chars().filter(|c| c.is_ascii_graphic()).take(64).collect();
        let described: String = q
            .error_description
            .as_deref()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "Your council account did not sign you in",
            format!(
                "Your council's sign-in service answered: {error}{}{described}. Start again, or use a heard account.",
                if described.is_empty() { "" } else { " — " }
            ),
            format!("provider answered {error}"),
        ));
    }
    let key = cookie_key(state)
        .await
        .map_err(|e| Refusal::provider(format!("the site key: {e}")))?;
    let now = jiff::Timestamp::now().as_second();
    let flow = cookie(headers, FLOW_COOKIE)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| start_again("no sign-in in progress (no flow cookie)"))?;
    let flow = open(&key, flow, now).ok_or_else(|| start_again("sign-in cookie expired or altered"))?;
    let Some(sent) = q.state.as_deref() else {
        return Err(start_again("no state in the callback"));
    };
    if !same(sent, &flow.s) {
        return Err(start_again("state does not match"));
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(start_again("no code in the callback"));
    };
    let d = discover(state, s).await?;

    // The code for tokens, with the verifier.
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", s.redirect_url.as_str()),
        ("code_verifier", flow.v.as_str()),
    ];
    let mut req = http(state)?.post(&d.token_endpoint);
    match &s.client_secret {
        // client_secret_basic unless the provider offers only client_secret_post.
        Some(secret)
            if !d.token_endpoint_auth_methods_supported.is_empty()
                && !d
                    .token_endpoint_auth_methods_supported
                    .iter()
                    .any(|m| m == "client_secret_basic") =>
        {
            form.push(("client_id", s.client_id.as_str()));
            form.push(("client_secret", secret.as_str()));
        }
        Some(secret) => {
            // RFC 6749 §2.3.1: each part form-encoded before Basic.
            let enc = |v: &str| {
                serde_urlencoded::to_string([("", v)])
                    .map(|s| s.trim_start_matches('=').to_string())
                    .unwrap_or_default()
            };
            req = req.basic_auth(enc(&s.client_id), Some(enc(secret)));
        }
        None => form.push(("client_id", s.client_id.as_str())),
    }
    let r = req
        .form(&form)
        .send()
        .await
        .map_err(|e| Refusal::provider(format!("token endpoint: {}", e.without_url())))?;
    let status = r.status();
    if status.is_client_error() {
        // invalid_grant: the code was used before, has expired, or the verifier is wrong.
        let error = r
            .json::<TokenError>()
            .await
            .ok()
            .and_then(|e| e.error)
            .unwrap_or_else(|| format!("HTTP {status}"));
        let error: String = error.chars().filter(|c| c.is_ascii_graphic()).take(64).collect();
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Sign-in could not be completed",
            "Your council's sign-in service did not accept this sign-in (it may have been used already, or have expired). Start again from the sign-in page.",
            format!("token endpoint refused the code: {error}"),
        ));
    }
    if !status.is_success() {
        return Err(Refusal::provider(format!("token endpoint: HTTP {status}")));
    }
    let tokens: Tokens = r
        .json()
        .await
        .map_err(|e| Refusal::provider(format!("token endpoint: {}", e.without_url())))?;
    let id_token = tokens
        .id_token
        .ok_or_else(|| Refusal::provider("token endpoint: no id_token in the answer"))?;

    let claims = validate(state, s, &d, &id_token, &flow.n).await?;
    let who = identity(&claims)?;
    let groups = groups_of(&claims, &s.groups_claim);
    let existing = state
        .store()
        .user_for_login(&who.email)
        .await
        .map_err(|e| Refusal::provider(format!("reading the user: {e}")))?
        .map(|(u, _)| u);
    let existing_id = existing.as_ref().map(|u| u.id);
    let Some(rule) = map_role(&s.roles, &groups) else {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "Your account has no heard role",
            format!(
                "You signed in to your council account as {}, but it is not in any group that gives a role in heard. \
                 Ask your manager or the IT service desk to add you to the right group.",
                who.email
            ),
            format!(
                "no heard role for the account's {} ({} listed)",
                s.groups_claim,
                groups.len()
            ),
        )
        .about(existing_id, &who.email));
    };
    if let Some(u) = &existing
        && !u.active
    {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "Your heard account is switched off",
            "Your heard account has been switched off. Ask an administrator to switch it back on.",
            "inactive account",
        )
        .about(existing_id, &who.email));
    }
    let name = who
        .name
        .clone()
        .or_else(|| existing.as_ref().map(|u| u.name.clone()))
        .unwrap_or_else(|| who.email.clone());
    let id = state
        .store()
        .upsert_user(&NewUser {
            email: who.email.clone(),
            name,
            role: rule.role,
            // The team is heard's own business (escalations): kept as it was.
            team: existing.as_ref().and_then(|u| u.team.clone()),
            services: rule.services.clone(),
            // Untouched: a local password stays, and an account made here has none.
            password_hash: None,
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, group = %rule.group, "single sign-on: the mapped account could not be saved");
            Refusal::new(
                StatusCode::FORBIDDEN,
                "Your heard account could not be set up",
                "Your council account maps to a heard role that heard could not apply (a service in the mapping may not exist). Tell an administrator.",
                format!("account could not be saved: {e}"),
            )
            .about(existing_id, &who.email)
        })?;
    let user = state
        .store()
        .user(id)
        .await
        .map_err(|e| Refusal::provider(format!("reading the user: {e}")))?;
    let detail = json!({
        "method": "oidc",
        "issuer": s.issuer,
        "subject": who.subject,
        "group": rule.group,
        "role": rule.role.as_str(),
        "created": existing.is_none(),
    });
    let (secret, _) = start_session(state, &user, detail).await.map_err(|e| {
        tracing::error!(error = ?e.detail, "single sign-on: the session could not start");
        Refusal::provider("the session could not start")
    })?;
    Ok((secret, user))
}

/// Checks the ID token and returns its claims.
async fn validate(
    state: &AppState,
    s: &OidcSettings,
    d: &Discovered,
    token: &str,
    nonce: &str,
) -> Result<serde_json::Map<String, Value>, Refusal> {
    let invalid = |why: String| {
        Refusal::new(
            StatusCode::UNAUTHORIZED,
            "Sign-in could not be completed",
            "heard could not confirm the answer from your council's sign-in service. Start again; if it keeps happening, tell the IT service desk.",
            format!("ID token refused: {why}"),
        )
    };
    let header = jsonwebtoken::decode_header(token).map_err(|e| invalid(format!("header: {e}")))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(invalid(format!("algorithm {:?} is not accepted", header.alg)));
    }
    let keys = keys(state, d, header.kid.as_deref()).await?;
    let jwk = keys
        .iter()
        .filter(|k| header.kid.is_none() || k.common.key_id == header.kid)
        .find(|k| {
            DecodingKey::from_jwk(k).is_ok()
                && k.common
                    .key_algorithm
                    .is_none_or(|a| format!("{a:?}") == format!("{:?}", header.alg))
        })
        .ok_or_else(|| {
            invalid(format!(
                "no key `{}` for {:?}",
                header.kid.as_deref().unwrap_or(""),
                header.alg
            ))
        })?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(format!("key: {e}")))?;
    let mut v = Validation::new(header.alg);
    v.leeway = LEEWAY;
    v.validate_exp = true;
    v.validate_nbf = true;
    v.set_issuer(&[&s.issuer]);
    v.set_audience(&[&s.client_id]);
    v.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    let data =
        jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, &key, &v).map_err(|e| invalid(format!("{e}")))?;
    let claims = data.claims;
    let now = jiff::Timestamp::now().as_second();
    match claims.get("iat").and_then(Value::as_i64) {
        Some(iat) if iat <= now + LEEWAY as i64 => {}
        _ => return Err(invalid("iat is missing or in the future".into())),
    }
    match claims.get("nonce").and_then(Value::as_str) {
        Some(n) if same(n, nonce) => {}
        _ => return Err(invalid("nonce does not match".into())),
    }
    // Core §3.1.3.7: several audiences need an azp, and an azp must be us.
    let several = claims.get("aud").and_then(Value::as_array).is_some_and(|a| a.len() > 1);
    match claims.get("azp").and_then(Value::as_str) {
        Some(azp) if azp != s.client_id => return Err(invalid("azp is another client".into())),
        None if several => return Err(invalid("several audiences and no azp".into())),
        _ => {}
    }
    Ok(claims)
}

/// Who the ID token says signed in.
struct Who {
    email: String,
    name: Option<String>,
    subject: String,
}

fn identity(claims: &serde_json::Map<String, Value>) -> Result<Who, Refusal> {
    let text = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let no_email = |reason: &str| {
        Refusal::new(
            StatusCode::FORBIDDEN,
            "Your account has no email address heard can use",
            "Your council account did not give heard a verified email address, which heard uses to know who you are. \
             Ask the IT service desk to check your account's email address.",
            reason,
        )
    };
    if claims.get("email_verified").and_then(Value::as_bool) == Some(false) {
        return Err(no_email("email not verified"));
    }
    // Entra ID sends `email` only when the account has a mailbox address; its
    // `preferred_username` (the sign-in name) is an email address for council accounts.
    let raw = text("email")
        .or_else(|| text("preferred_username").filter(|u| u.contains('@')))
        .ok_or_else(|| no_email("no email claim"))?;
    let email = heard_core::Identity::email(raw)
        .map_err(|_| no_email("email claim is not an email address"))?
        .value;
    Ok(Who {
        email,
        name: text("name").map(|n| n.chars().take(200).collect()),
        subject: text("sub").unwrap_or("").chars().take(200).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(group: &str, role: Role, services: &[&str]) -> RoleRule {
        RoleRule {
            group: group.into(),
            role,
            services: services.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let rules = [
            rule("heard-admins", Role::Admin, &[]),
            rule("heard-agents", Role::Agent, &[]),
            rule("lighting", Role::BackOffice, &["street-lighting"]),
        ];
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            map_role(&rules, &groups(&["lighting", "heard-agents"])).map(|r| r.role),
            Some(Role::Agent)
        );
        assert_eq!(
            map_role(&rules, &groups(&["heard-agents", "heard-admins"])).map(|r| r.role),
            Some(Role::Admin)
        );
        let officer = map_role(&rules, &groups(&["lighting"])).unwrap();
        assert_eq!(officer.services, vec!["street-lighting".to_string()]);
        assert_eq!(map_role(&rules, &groups(&["finance"])), None);
        assert_eq!(map_role(&rules, &[]), None);
        // Exact: no prefixes, no case folding.
        assert_eq!(map_role(&rules, &groups(&["heard-agent", "Heard-Agents"])), None);
    }

    #[test]
    fn groups_come_as_a_list_or_one_value() {
        let claims: serde_json::Map<String, Value> = serde_json::from_value(json!({
            "groups": ["a", 7, "b"], "roles": "approver", "other": {"x": 1}
        }))
        .unwrap();
        assert_eq!(groups_of(&claims, "groups"), vec!["a", "b"]);
        assert_eq!(groups_of(&claims, "roles"), vec!["approver"]);
        assert!(groups_of(&claims, "other").is_empty());
        assert!(groups_of(&claims, "missing").is_empty());
    }

    #[test]
    fn pkce_matches_rfc_7636() {
        // RFC 7636 appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn the_flow_cookie_is_sealed() {
        let flow = Flow {
            s: "state".into(),
            n: "nonce".into(),
            v: "verifier".into(),
            x: 2_000,
        };
        let sealed = seal(b"key", &flow);
        let back = open(b"key", &sealed, 1_000).unwrap();
        assert_eq!(
            (back.s.as_str(), back.n.as_str(), back.v.as_str()),
            ("state", "nonce", "verifier")
        );
        assert!(open(b"other key", &sealed, 1_000).is_none(), "another key");
        assert!(open(b"key", &sealed, 2_000).is_none(), "expired");
        let (payload, sig) = sealed.split_once('.').unwrap();
        let forged = B64.encode(br#"{"s":"mine","n":"nonce","v":"verifier","x":2000}"#);
        assert!(open(b"key", &format!("{forged}.{sig}"), 1_000).is_none(), "altered");
        assert!(open(b"key", payload, 1_000).is_none(), "unsigned");
    }

    #[test]
    fn identity_needs_a_usable_email() {
        let c = |v: Value| serde_json::from_value::<serde_json::Map<String, Value>>(v).unwrap();
        let w = identity(&c(
            json!({"sub": "1", "email": "Jo.Bloggs@Council.GOV.uk", "name": "Jo"}),
        ))
        .unwrap();
        assert_eq!(w.email, "jo.bloggs@council.gov.uk");
        let w = identity(&c(json!({"sub": "1", "preferred_username": "jo@council.gov.uk"}))).unwrap();
        assert_eq!((w.email.as_str(), w.name), ("jo@council.gov.uk", None));
        assert!(identity(&c(json!({"sub": "1", "preferred_username": "jo"}))).is_err());
        assert!(identity(&c(json!({"sub": "1", "email": "jo@x.org", "email_verified": false}))).is_err());
        assert!(identity(&c(json!({"sub": "1", "email": "not an address"}))).is_err());
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://Login.microsoftonline.com/tenant/v2.0").as_deref(),
            Some("https://login.microsoftonline.com")
        );
        assert_eq!(
            origin("http://127.0.0.1:4000/jwks").as_deref(),
            Some("http://127.0.0.1:4000")
        );
        assert_ne!(origin("http://127.0.0.1:4001/jwks"), origin("http://127.0.0.1:4000"));
        assert_eq!(origin("nonsense"), None);
    }
}
