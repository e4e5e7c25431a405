//! Open311 GeoReport v2 under `/open311/v2/`, with mySociety's extensions that
//! FixMyStreet uses (`servicerequestupdates` and extended statuses), so reporting apps
//! send problems straight into heard and hear back as the case moves.
//!
//! Every resource comes as `.xml` (the spec's required format) or `.json`. Errors are in
//! the spec's shape (`<errors><error><code/><description/></error></errors>`, or a JSON
//! array) with 400 for missing or invalid fields, 403 for a bad `api_key` and 404 for an
//! unknown service or request. Times are ISO 8601 with an offset. An `api_key` is an API
//! token from `heard token create`.

mod error;
mod render;
mod requests;
mod services;
mod status;
mod updates;

pub use status::{extended_status, from_extended};

use crate::AppState;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::get;
use error::Fail;
use heard_store::UserRecord;

/// The Open311 routes, mounted at the root (paths start `/open311/v2/`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(top).post(top))
        .route("/open311/v2/services/{file}", get(services::definition))
        .route("/open311/v2/requests/{file}", get(requests::one))
        .route("/open311/v2/tokens/{file}", get(requests::token))
        .layer(axum::extract::DefaultBodyLimit::max(1 << 20))
}

/// The two renderings of every resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Xml,
    Json,
}

/// Splits `name.xml` / `name.json`; `None` for any other suffix.
pub(crate) fn split_format(file: &str) -> Option<(&str, Format)> {
    if let Some(stem) = file.strip_suffix(".xml") {
        Some((stem, Format::Xml))
    } else {
        file.strip_suffix(".json").map(|stem| (stem, Format::Json))
    }
}

/// Request parameters, from the query string and (for POST) the form body, in order.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: Option<&str>, body: Option<&[u8]>) -> Result<Params, Fail> {
        let mut out = Vec::new();
        for raw in [query.map(str::as_bytes), body].into_iter().flatten() {
            if !decodes_to_utf8(raw) {
                return Err(Fail::bad("the parameters are not UTF-8"));
            }
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(raw)
                .map_err(|e| Fail::bad(format!("the parameters cannot be read: {e}")))?;
            out.extend(pairs);
        }
        Ok(Params(out))
    }

    /// The first non-empty value of `key`, trimmed.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// `attribute[code]` and `attribute[code][]` pairs, as (code, value).
    pub fn attributes(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(k, v)| {
                let inner = k.strip_prefix("attribute[")?;
                let code = inner.strip_suffix("][]").or_else(|| inner.strip_suffix(']'))?;
                Some((code.to_string(), v.clone()))
            })
            .collect()
    }

    /// Every pair except the api_key, sorted: the request's identity for spotting repeats.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        let mut pairs: Vec<_> = self.0.iter().filter(|(k, _)| k != "api_key").collect();
        pairs.sort();
        let mut h = sha2::Sha256::new();
        for (k, v) in pairs {
            h.update(k.as_bytes());
            h.update([0]);
            h.update(v.as_bytes());
            h.update([0]);
        }
        hex::encode(h.finalize())
    }
}

/// The caller behind an `api_key` that may change things (`doing` names what, for the
/// refusal); 403 otherwise (a read-only role or token).
pub(crate) async fn api_writer(
    state: &AppState,
    params: &Params,
    headers: &HeaderMap,
    doing: &str,
) -> Result<crate::Caller, Fail> {
    let caller = api_user(state, params, headers).await?;
    if caller.scope.read_only {
        return Err(Fail::forbidden(format!("api_key is read only, so may not {doing}")));
    }
    if !caller.can_write() {
        return Err(Fail::forbidden(format!(
            "api_key belongs to the {} role, which may not {doing}",
            caller.user.role
        )));
    }
    Ok(caller)
}

/// The reporter as intake reads a sender: `First Last <email>`, else their phone, else
/// the reporting application itself (the api_key's account).
pub(crate) fn reporter(params: &Params, user: &UserRecord) -> String {
    let name = [params.get("first_name"), params.get("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['<', '>', '"'], "");
    let addr = params
        .get("email")
        .or_else(|| params.get("phone"))
        .unwrap_or(&user.email);
    if name.is_empty() {
        addr.to_string()
    } else {
        format!("{name} <{addr}>")
    }
}

/// Whether form-encoded `raw`, its percent escapes decoded, is UTF-8 (a decoder would
/// otherwise put U+FFFD in place of bad bytes and store a mangled report).
fn decodes_to_utf8(raw: &[u8]) -> bool {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (
            raw[i],
            raw.get(i + 1).copied().and_then(hex),
            raw.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&out).is_ok()
}

/// The user behind `api_key` (or a bearer token); 403 when missing or not valid.
pub(crate) async fn api_user(state: &AppState, params: &Params, headers: &HeaderMap) -> Result<crate::Caller, Fail> {
    let key = params.get("api_key").or_else(|| {
        headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
    });
    let Some(key) = key else {
        return Err(Fail::forbidden("api_key is required"));
    };
    match state.store().token_holder(key).await? {
        Some((user, scope)) if user.active => Ok(crate::Caller {
            user,
            csrf_token: None,
            scope,
        }),
        _ => Err(Fail::forbidden("api_key is not valid")),
    }
}

/// `/open311/v2/{discovery,services,requests,servicerequestupdates}.{xml,json}`.
async fn top(
    State(state): State<AppState>,
    method: Method,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let Some((stem, format)) = split_format(&file) else {
        return Fail::not_found(format!("no resource `{file}`: name it .xml or .json")).render(Format::Xml);
    };
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("application/x-www-form-urlencoded"));
    if method == Method::POST && !form && !body.is_empty() {
        return Fail::bad("send the parameters as application/x-www-form-urlencoded").render(format);
    }
    let body = (method == Method::POST).then_some(&body[..]);
    let params = match Params::parse(query.as_deref(), body) {
        Ok(p) => p,
        Err(f) => return f.render(format),
    };
    let result = match (stem, method) {
        ("discovery", Method::GET) => Ok(services::discovery(&state, &headers, format)),
        ("services", Method::GET) => services::list(&state, format).await,
        ("requests", Method::GET) => requests::list(&state, &params, format).await,
        ("requests", Method::POST) => requests::create(&state, &params, &headers, format).await,
        ("servicerequestupdates", Method::GET) => updates::list(&state, &params, &headers, format).await,
        ("servicerequestupdates", Method::POST) => updates::create(&state, &params, &headers, format).await,
        (_, Method::GET | Method::POST) => Err(Fail::not_found(format!("no resource `{file}`"))),
        _ => Err(Fail::new(axum::http::StatusCode::METHOD_NOT_ALLOWED, "use GET or POST")),
    };
    result.unwrap_or_else(|f| f.render(format))
}
