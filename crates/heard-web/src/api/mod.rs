//! The REST API, `/api/v1`. Every route is declared with its OpenAPI description next
//! to its handler and registered through `utoipa-axum`, so the served document at
//! `/api/v1/openapi.json` is built from the same list as the router.

mod audit;
mod cases;
mod contact_files;
pub(crate) mod contacts;
mod cti;
mod customers;
mod meta;
mod search;
pub(crate) mod session;

use crate::AppState;
use crate::problem::Problem;
use heard_core::Invalid;
use heard_core::error::Checker;
use jiff::Timestamp;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "heard",
        description = "Customer contact and case management for UK councils. Authenticate with \
            `Authorization: Bearer <token>` (see `heard token create`) or a session cookie from \
            `POST /api/v1/session` (then send `X-CSRF-Token` on changes). Errors are RFC 9457 \
            problem documents naming each invalid field. Request bodies reject unknown fields. \
            Lists are newest first and paged with `cursor` and `limit` (1–100, default 25)."
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

/// Every API route, with the OpenAPI document that describes them.
pub fn router(max_request_bytes: usize) -> OpenApiRouter<AppState> {
    let routes = OpenApiRouter::new()
        .routes(routes!(contacts::create_contact, contacts::list_contacts))
        .routes(routes!(contacts::get_contact))
        .routes(routes!(contact_files::contact_html))
        .routes(routes!(contact_files::get_attachment))
        .routes(routes!(cases::list_cases, cases::create_case))
        .routes(routes!(cases::get_case, cases::update_case))
        .routes(routes!(cases::link_case))
        .routes(routes!(customers::list_customers, customers::create_customer))
        .routes(routes!(customers::get_customer))
        .routes(routes!(search::search))
        .routes(routes!(cti::incoming_call))
        .routes(routes!(meta::services))
        .routes(routes!(meta::sites))
        .routes(routes!(meta::me))
        .routes(routes!(session::sign_in, session::sign_out))
        .routes(routes!(audit::search_audit))
        .layer(axum::extract::DefaultBodyLimit::max(max_request_bytes));
    let api = OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", routes);
    let mut doc = api.get_openapi().clone();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    let doc = std::sync::Arc::new(doc);
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
}

/// The OpenAPI document, for tests and `heard openapi`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = router(1).into_openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc
}

/// Parses an optional query value, recording a field error.
fn opt<T: std::str::FromStr<Err = String>>(c: &mut Checker, field: &str, v: &Option<String>) -> Option<T> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| c.check(field, s.parse()))
}

/// A time bound: RFC 3339 (`2026-03-01T09:00:00Z`) or a date (`2026-03-01`, midnight UTC).
fn time_bound(c: &mut Checker, field: &str, v: &Option<String>) -> Option<Timestamp> {
    let s = v.as_deref().filter(|s| !s.is_empty())?;
    let parsed = s.parse::<Timestamp>().or_else(|_| {
        s.parse::<jiff::civil::Date>().map_err(|e| e.to_string()).and_then(|d| {
            d.to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp())
                .map_err(|e| e.to_string())
        })
    });
    c.check(
        field,
        parsed.map_err(|_| format!("`{s}` is not a date (2026-03-01) or RFC 3339 time")),
    )
}

fn cursor(c: &mut Checker, v: &Option<String>) -> Option<heard_store::queries::Cursor> {
    let s = v.as_deref().filter(|s| !s.is_empty())?;
    c.check(
        "cursor",
        heard_store::queries::Cursor::parse(s).map_err(|_| "is not a cursor from a previous page".to_string()),
    )
}

fn limit(c: &mut Checker, v: Option<i64>) -> Option<u32> {
    let n = v?;
    if (1..=100).contains(&n) {
        Some(n as u32)
    } else {
        c.fail("limit", "must be between 1 and 100");
        None
    }
}

/// Parses a case reference from a path, 404 when it is not one of ours.
fn reference(state: &AppState, raw: &str) -> Result<heard_core::CaseReference, crate::problem::ApiError> {
    match raw.parse::<heard_core::CaseReference>() {
        Ok(r) if r.prefix() == state.settings().reference_prefix => Ok(r),
        _ => Err(crate::problem::ApiError::not_found(format!("case {raw}"))),
    }
}

fn finish(c: Checker) -> Result<(), Invalid> {
    c.finish()
}
