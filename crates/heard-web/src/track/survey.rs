//! The satisfaction survey: one question and an optional comment, at
//! `/track/{reference}/survey`, reached from the link in the email that tells a
//! resident their case is resolved or closed. The link's key is the case's tracking key,
//! so whoever may see the case may answer for it; a second answer replaces the first.

use super::{opened, server_error};
use crate::AppState;
use crate::audit::{Action, Subject};
use crate::i18n::{Lang, Public, form_lang, public, t, tf};
use crate::pages::render;
use askama::Template;
use axum::extract::{Form, OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use heard_core::satisfaction::{MAX_COMMENT_CHARS, SCORES, check_score, is_unhappy};
use heard_store::satisfaction::NewAnswer;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "track_survey.html")]
struct SurveyPage {
    p: Public,
    reference: String,
    key: String,
    question: String,
    choices: Vec<(u8, &'static str)>,
    selected: u8,
    comment: String,
    error: Option<String>,
    /// `score` or `comment`: where the error is.
    error_field: &'static str,
    done: bool,
    unhappy: bool,
}

impl SurveyPage {
    fn new(p: Public, reference: String, key: String) -> SurveyPage {
        let question = tf(
            p.lang,
            "How satisfied are you with how we dealt with case {reference}?",
            &[("reference", &reference)],
        );
        let choices = SCORES.iter().map(|(v, label)| (*v, t(p.lang, label))).collect();
        SurveyPage {
            p,
            reference,
            key,
            question,
            choices,
            selected: 0,
            comment: String::new(),
            error: None,
            error_field: "",
            done: false,
            unhappy: false,
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct SurveyForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

pub(super) async fn page(
    State(state): State<AppState>,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(raw): Path<String>,
    Query(q): Query<SurveyForm>,
) -> Response {
    let d = match opened(&state, lang, &raw, &q.key).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let mut page = SurveyPage::new(public(&state, lang, &uri), d.case.reference.to_string(), q.key);
    // A link may carry the answer already chosen ("one click" from an email).
    page.selected = check_score(&q.score).unwrap_or(0);
    render(&page)
}

#[tracing::instrument(skip_all, fields(reference = %raw))]
pub(super) async fn answer(
    State(state): State<AppState>,
    lang: Lang,
    Path(raw): Path<String>,
    Form(f): Form<SurveyForm>,
) -> Response {
    let lang = form_lang(f.lang.as_deref(), lang);
    let d = match opened(&state, lang, &raw, &f.key).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let reference = d.case.reference.clone();
    let here = axum::http::Uri::from_static("/track");
    let mut page = SurveyPage::new(public(&state, lang, &here), reference.to_string(), f.key.clone());
    let comment = f.comment.trim().to_string();
    page.comment = comment.clone();
    let score = match check_score(&f.score) {
        Ok(s) => s,
        Err(why) => {
            page.error = Some(t(lang, why).to_string());
            page.error_field = "score";
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    page.selected = score;
    if comment.chars().count() > MAX_COMMENT_CHARS {
        page.error = Some(t(lang, "Your comment must be 2,000 characters or fewer").to_string());
        page.error_field = "comment";
        return (StatusCode::BAD_REQUEST, render(&page)).into_response();
    }
    // Card numbers are never kept, here as anywhere.
    let mut comment = comment;
    heard_understand::redact::redact_in_place(&mut comment);
    let unhappy = is_unhappy(score, &comment);
    let outcome = match state
        .store()
        .record_satisfaction(&NewAnswer {
            case: reference.clone(),
            score,
            comment,
            unhappy,
        })
        .await
    {
        Ok(o) => o,
        Err(e) => return server_error(e),
    };
    let detail = serde_json::json!({"score": score, "unhappy": unhappy, "reopened": outcome.reopened});
    if let Err(e) = state
        .audit_as(
            None,
            "public",
            Action::CASE_SATISFACTION,
            Subject::case(&d.case),
            detail,
        )
        .await
    {
        return server_error(e.detail.unwrap_or_default());
    }
    tracing::info!(%reference, score, unhappy, reopened = outcome.reopened, "satisfaction answered");
    page.done = true;
    page.unhappy = unhappy;
    render(&page)
}
