//! Answers to read: knowledge articles for residents at `/help` (search and read), the
//! report form's suggestions as the resident types (`/report/{service}/suggest`), and
//! the staff editor at `/articles`. Articles are ranked by text similarity
//! (`heard_understand::similar`); an article opened from a suggestion is counted against
//! the form visit, so the editor shows how often it ended a visit without a report.

use crate::AppState;
use crate::i18n::{Lang, Public, public, t};
use crate::pages::{Staff, page_error, render};
use askama::Template;
use axum::extract::{Form, OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::get;
use heard_store::StoreError;
use heard_store::articles::{Article, NewArticle};
use heard_understand::similar::Index;
use serde::{Deserialize, Serialize};

/// Suggestions shown beside the report form.
const SUGGESTIONS: usize = 3;
/// Results on the help search page.
const RESULTS: usize = 10;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/help", get(search))
        .route("/help/{slug}", get(read))
        .route("/report/{service}/suggest", get(suggest))
        .route("/articles", get(list).post(save))
        .route("/articles/new", get(new_article))
        .route("/articles/{id}", get(edit).post(save_one))
        .layer(axum::middleware::from_fn(crate::i18n::remember))
}

/// A link to an article, as lists and suggestions show it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ArticleLink {
    pub title: String,
    pub url: String,
    /// The first sentence or so of the body.
    pub summary: String,
}

fn summary(body: &str) -> String {
    let first = body.trim().lines().next().unwrap_or("");
    match first.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &first[..i]),
        None => first.to_string(),
    }
}

fn link(a: &Article, visit: Option<&str>) -> ArticleLink {
    let url = match visit {
        Some(v) => format!("/help/{}?v={v}", a.slug),
        None => format!("/help/{}", a.slug),
    };
    ArticleLink {
        title: a.title.clone(),
        url,
        summary: summary(&a.body),
    }
}

/// Published articles matching `query`, best first, in the reader's language when any
/// are (else any language), within `service` and the general ones when given.
pub(crate) async fn matching(
    state: &AppState,
    lang: Lang,
    service: Option<&str>,
    query: &str,
    limit: usize,
) -> Result<Vec<Article>, StoreError> {
    let all = state.store().articles(true).await?;
    let scoped: Vec<Article> = all
        .into_iter()
        .filter(|a| service.is_none() || a.service.is_none() || a.service.as_deref() == service)
        .collect();
    let in_lang: Vec<Article> = scoped.iter().filter(|a| a.language == lang.code()).cloned().collect();
    let pool = if in_lang.is_empty() { scoped } else { in_lang };
    if query.trim().is_empty() {
        // Nothing typed yet: the service's own articles first.
        let mut own: Vec<Article> = pool
            .iter()
            .filter(|a| service.is_some() && a.service.as_deref() == service)
            .cloned()
            .collect();
        own.truncate(limit);
        return Ok(own);
    }
    let texts: Vec<String> = pool
        .iter()
        .map(|a| format!("{} {} {}", a.title, a.title, a.body))
        .collect();
    let index = Index::new(&texts);
    Ok(index
        .rank(query, limit)
        .into_iter()
        .map(|(i, _)| pool[i].clone())
        .collect())
}

/// The report form's suggestions for `service`, linked with the form visit `visit`
/// (`None`: the page adds its own).
pub(crate) async fn suggestions(
    state: &AppState,
    lang: Lang,
    service: &str,
    query: &str,
    visit: Option<&str>,
) -> Vec<ArticleLink> {
    match matching(state, lang, Some(service), query, SUGGESTIONS).await {
        Ok(found) => found.iter().map(|a| link(a, visit)).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "article suggestions failed");
            Vec::new()
        }
    }
}

#[derive(Deserialize, Default)]
struct SuggestQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    v: String,
}

/// Suggestions as JSON, for the form's script as the resident types.
async fn suggest(
    State(state): State<AppState>,
    lang: Lang,
    Path(service): Path<String>,
    Query(q): Query<SuggestQuery>,
) -> Response {
    let query: String = q.q.chars().take(500).collect();
    let visit: String = q.v.chars().filter(char::is_ascii_hexdigit).take(32).collect();
    let visit = Some(visit.as_str()).filter(|v| v.len() == 32);
    Json(suggestions(&state, lang, &service, &query, visit).await).into_response()
}

#[derive(Template)]
#[template(path = "help.html")]
struct SearchPage {
    p: Public,
    q: String,
    results: Vec<ArticleLink>,
    searched: bool,
}

#[derive(Deserialize, Default)]
struct HelpQuery {
    #[serde(default)]
    q: String,
}

async fn search(
    State(state): State<AppState>,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Query(hq): Query<HelpQuery>,
) -> Response {
    let q: String = hq.q.trim().chars().take(200).collect();
    let results = if q.is_empty() {
        state.store().articles(true).await.map(|all| {
            let mine: Vec<&Article> = all.iter().filter(|a| a.language == lang.code()).collect();
            let shown = if mine.is_empty() { all.iter().collect() } else { mine };
            shown.into_iter().map(|a| link(a, None)).collect()
        })
    } else {
        matching(&state, lang, None, &q, RESULTS)
            .await
            .map(|found| found.iter().map(|a| link(a, None)).collect())
    };
    match results {
        Ok(results) => render(&SearchPage {
            p: public(&state, lang, &uri),
            searched: !q.is_empty(),
            q,
            results,
        }),
        Err(e) => page_error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "help_article.html")]
struct ArticlePage {
    p: Public,
    article: Article,
    paragraphs: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ReadQuery {
    /// The report form visit the article was suggested in.
    #[serde(default)]
    v: String,
}

async fn read(
    State(state): State<AppState>,
    lang: Lang,
    OriginalUri(uri): OriginalUri,
    Path(slug): Path<String>,
    Query(q): Query<ReadQuery>,
) -> Response {
    let article = match state.store().article(&slug).await {
        Ok(a) if a.published => a,
        Ok(_) | Err(StoreError::NotFound(_)) => {
            return (StatusCode::NOT_FOUND, t(lang, "There is no such page.")).into_response();
        }
        Err(e) => return page_error(e.into()),
    };
    let visit: String = q.v.chars().filter(char::is_ascii_hexdigit).take(32).collect();
    if visit.len() == 32
        && let Err(e) = state.store().article_opened(article.id, &visit).await
    {
        tracing::warn!(error = %e, "article view not counted");
    }
    let paragraphs = article
        .body
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    render(&ArticlePage {
        p: public(&state, lang, &uri),
        article,
        paragraphs,
    })
}

// The staff editor.

#[derive(Template)]
#[template(path = "articles.html")]
struct ListPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    articles: Vec<Article>,
}

async fn list(State(state): State<AppState>, Staff(caller): Staff) -> Response {
    match state.store().articles(false).await {
        Ok(articles) => render(&ListPage {
            csrf: caller.csrf_token.clone().unwrap_or_default(),
            user: Some(caller.user.clone()),
            articles,
        }),
        Err(e) => page_error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "article_edit.html")]
struct EditPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    id: Option<i64>,
    slug: String,
    services: Vec<(String, String)>,
    form: ArticleForm,
    errors: Vec<(String, String)>,
}

impl EditPage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default, Clone)]
struct ArticleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    published: Option<String>,
}

async fn services(state: &AppState) -> Result<Vec<(String, String)>, Response> {
    state
        .service_definitions()
        .await
        .map(|all| all.iter().map(|s| (s.slug.clone(), s.name.clone())).collect())
        .map_err(|e| page_error(e.into()))
}

async fn editor(
    state: &AppState,
    caller: &crate::Caller,
    id: Option<i64>,
    slug: String,
    form: ArticleForm,
    errors: Vec<(String, String)>,
) -> Response {
    let services = match services(state).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = EditPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user.clone()),
        id,
        slug,
        services,
        form,
        errors,
    };
    (status, render(&page)).into_response()
}

async fn new_article(State(state): State<AppState>, Staff(caller): Staff) -> Response {
    let form = ArticleForm {
        language: "en".into(),
        ..Default::default()
    };
    editor(&state, &caller, None, String::new(), form, Vec::new()).await
}

async fn edit(State(state): State<AppState>, Staff(caller): Staff, Path(id): Path<i64>) -> Response {
    match state.store().article(&id.to_string()).await {
        Ok(a) => {
            let form = ArticleForm {
                csrf_token: String::new(),
                service: a.service.clone().unwrap_or_default(),
                language: a.language.clone(),
                title: a.title.clone(),
                body: a.body.clone(),
                published: a.published.then(|| "on".to_string()),
            };
            editor(&state, &caller, Some(a.id), a.slug, form, Vec::new()).await
        }
        Err(e) => page_error(e.into()),
    }
}

async fn save(State(state): State<AppState>, Staff(caller): Staff, Form(f): Form<ArticleForm>) -> Response {
    store_article(&state, &caller, None, f).await
}

async fn save_one(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(id): Path<i64>,
    Form(f): Form<ArticleForm>,
) -> Response {
    store_article(&state, &caller, Some(id), f).await
}

#[tracing::instrument(skip_all, fields(article = ?id))]
async fn store_article(state: &AppState, caller: &crate::Caller, id: Option<i64>, f: ArticleForm) -> Response {
    if let Some(refused) = crate::workspace::check_form(caller, &f.csrf_token) {
        return refused;
    }
    let article = NewArticle {
        id,
        service: Some(f.service.clone()).filter(|s| !s.is_empty()),
        language: f.language.clone(),
        title: f.title.clone(),
        body: f.body.replace("\r\n", "\n"),
        published: f.published.is_some(),
    };
    match state.store().save_article(&article, Some(caller.user.id)).await {
        Ok(saved) => {
            let detail = serde_json::json!({"id": saved, "title": article.title, "published": article.published});
            if let Err(e) = state
                .audit(
                    caller,
                    crate::audit::Action::ARTICLE_SAVE,
                    crate::audit::Subject::none(),
                    detail,
                )
                .await
            {
                return page_error(e);
            }
            Redirect::to("/articles").into_response()
        }
        Err(StoreError::Invalid(e)) => {
            let errors = e
                .errors
                .into_iter()
                .map(|e| (e.field.clone(), format!("{}: {}", e.field, e.reason)))
                .collect();
            editor(state, caller, id, String::new(), f, errors).await
        }
        Err(e) => page_error(e.into()),
    }
}
