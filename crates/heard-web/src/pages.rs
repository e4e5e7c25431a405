//! Staff pages' common parts, server-rendered with askama (auto-escaped): signing in and
//! out, the stylesheet, and the helpers every page uses. The workspace (queues and the
//! case page) is in [`crate::workspace`].

use crate::api::session::end_session;
use crate::auth::{Caller, cookie_header};
use crate::{AppState, problem::ApiError};
use askama::Template;
use axum::extract::{Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use heard_store::UserRecord;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", get(|| async { Redirect::to("/cases") }))
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
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

pub(crate) fn page_error(e: ApiError) -> Response {
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
    /// The single sign-on button's words, when `[oidc]` is set.
    sso: Option<String>,
}

fn sso_label(state: &AppState) -> Option<String> {
    state.settings().oidc.as_ref().map(|o| o.button_label.clone())
}

async fn login_page(State(state): State<AppState>) -> Response {
    render(&LoginPage {
        user: None,
        csrf: String::new(),
        email: String::new(),
        error: None,
        sso: sso_label(&state),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

async fn login(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Response {
    match crate::auth::sign_in(&state, &f.email, &f.password).await {
        Ok(crate::auth::PasswordOk::Session(secret, _)) => {
            let cookie = cookie_header(&state, &secret, state.settings().session_hours * 3600);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/cases")).into_response()
        }
        Ok(crate::auth::PasswordOk::NeedsCode(user)) => crate::two_factor::ask_for_code(&state, &user).await,
        Err(e) => {
            // Refusals keep their status (401, or 429 when locked or rate limited).
            let status = if e.status.is_client_error() {
                e.status
            } else {
                StatusCode::UNAUTHORIZED
            };
            let page = LoginPage {
                user: None,
                csrf: String::new(),
                email: f.email,
                error: e.detail,
                sso: sso_label(&state),
            };
            (status, render(&page)).into_response()
        }
    }
}

/// A form that carries nothing but the session's CSRF token (sign out, mark done…).
#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    pub csrf_token: String,
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
    if let Err(e) = end_session(&state, &caller, &headers).await {
        return page_error(e);
    }
    (
        [(header::SET_COOKIE, cookie_header(&state, "", 0))],
        Redirect::to("/login"),
    )
        .into_response()
}
