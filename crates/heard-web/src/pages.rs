//! Staff pages, server-rendered with askama (auto-escaped). A first, read-only view of
//! cases; the full agent workspace builds on it.

use crate::api::session::end_session;
use crate::auth::{Caller, cookie_header};
use crate::{AppState, problem::ApiError};
use askama::Template;
use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use heard_core::CaseStatus;
use heard_store::queries::CaseFilter;
use heard_store::{CaseDetail, CaseRecord, ServiceRecord, UserRecord};
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", get(|| async { Redirect::to("/cases") }))
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/cases", get(cases_page))
        .route("/cases/{reference}", get(case_page))
        .route("/static/heard.css", get(css))
}

/// A signed-in person on a page; anyone else is sent to sign in.
pub(crate) struct Staff(pub Caller);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        Caller::from_request_parts(parts, state)
            .await
            .map(Staff)
            .map_err(|_| Redirect::to("/login").into_response())
    }
}

/// Renders a template, or a plain 500 if the template itself fails.
pub(crate) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "page failed to render").into_response()
        }
    }
}

fn page_error(e: ApiError) -> Response {
    (e.status, e.detail.unwrap_or_default()).into_response()
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../static/heard.css"),
    )
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    user: Option<UserRecord>,
    csrf: String,
    email: String,
    error: Option<String>,
}

async fn login_page() -> Response {
    render(&LoginPage {
        user: None,
        csrf: String::new(),
        email: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

async fn login(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Response {
    match crate::auth::sign_in(&state, &f.email, &f.password).await {
        Ok((secret, _)) => {
            let cookie = cookie_header(&state, &secret, state.settings().session_hours * 3600);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/cases")).into_response()
        }
        Err(e) => {
            let page = LoginPage {
                user: None,
                csrf: String::new(),
                email: f.email,
                error: e.detail,
            };
            (StatusCode::UNAUTHORIZED, render(&page)).into_response()
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf_token: String,
}

async fn logout(
    State(state): State<AppState>,
    Staff(caller): Staff,
    headers: axum::http::HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    if caller.csrf_token.as_deref() != Some(f.csrf_token.as_str()) {
        return (StatusCode::FORBIDDEN, "the form has expired; reload the page").into_response();
    }
    if let Err(e) = end_session(&state, &headers).await {
        return page_error(e);
    }
    (
        [(header::SET_COOKIE, cookie_header(&state, "", 0))],
        Redirect::to("/login"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    user: Option<UserRecord>,
    csrf: String,
    cases: Vec<CaseRecord>,
    services: Vec<ServiceRecord>,
    statuses: &'static [CaseStatus],
    q: String,
    service: String,
    status: String,
    next: Option<String>,
}

#[derive(Deserialize)]
struct CasesQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    status: String,
    cursor: Option<String>,
}

async fn cases_page(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<CasesQuery>) -> Response {
    let filter = CaseFilter {
        service: Some(q.service.clone()).filter(|s| !s.is_empty()),
        status: q.status.parse().ok(),
        q: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
        visible_services: caller.visible_services(),
        cursor: q
            .cursor
            .as_deref()
            .and_then(|c| heard_store::queries::Cursor::parse(c).ok()),
        limit: Some(50),
        ..Default::default()
    };
    let store = state.store();
    let (page, services) = match tokio::try_join!(
        store.list_cases(&filter, &state.settings().reference_prefix),
        store.services()
    ) {
        Ok(v) => v,
        Err(e) => return page_error(e.into()),
    };
    let services = services.into_iter().filter(|s| caller.sees(&s.slug)).collect();
    let next = page.next_cursor.map(|c| {
        let mut qs = form_urlencoded_pairs(&[("q", &q.q), ("service", &q.service), ("status", &q.status)]);
        qs.push_str(&format!("&cursor={c}"));
        qs
    });
    render(&CasesPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user),
        cases: page.items,
        services,
        statuses: CaseStatus::ALL,
        q: q.q,
        service: q.service,
        status: q.status,
        next,
    })
}

/// `a=1&b=2`, percent-encoding every value.
fn form_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    user: Option<UserRecord>,
    csrf: String,
    case: CaseDetail,
}

async fn case_page(State(state): State<AppState>, Staff(caller): Staff, Path(raw): Path<String>) -> Response {
    let reference = match raw.parse::<heard_core::CaseReference>() {
        Ok(r) if r.prefix() == state.settings().reference_prefix => r,
        _ => return (StatusCode::NOT_FOUND, "no such case").into_response(),
    };
    let mut case = match state.store().case_detail(&reference).await {
        Ok(c) if caller.sees(&c.case.service) => c,
        Ok(_) => return (StatusCode::NOT_FOUND, "no such case").into_response(),
        Err(e) => return page_error(e.into()),
    };
    crate::api::contacts::mask_for(&caller, &mut case.contacts);
    render(&CasePage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user),
        case,
    })
}
