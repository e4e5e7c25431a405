//! Knowledge articles (migration 0011): what staff write for residents and agents to
//! read, per service and language, and how often a suggested article ended a visit to
//! the report form without a report.

use crate::db::{read, write_tx};
use crate::{Result, Store, StoreError, from_millis, to_millis};
use heard_core::Invalid;
use jiff::Timestamp;
use serde::Serialize;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest body, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// An article as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticle {
    /// `None` to add one; `Some(id)` to change it.
    pub id: Option<i64>,
    /// A service slug; `None` for the council in general.
    pub service: Option<String>,
    pub language: String,
    pub title: String,
    pub body: String,
    pub published: bool,
}

impl NewArticle {
    /// Checks every field; errors name the field.
    pub fn validate(&self) -> std::result::Result<(), Invalid> {
        let mut c = heard_core::error::Checker::new();
        let title = self.title.trim();
        if title.is_empty() {
            c.fail("title", "write a title");
        } else if title.chars().count() > MAX_TITLE_CHARS {
            c.fail("title", "must be 200 characters or fewer");
        }
        if self.body.trim().is_empty() {
            c.fail("body", "write the article");
        } else if self.body.len() > MAX_BODY_BYTES {
            c.fail("body", "must be 64 KB or less");
        }
        if !matches!(self.language.as_str(), "en" | "cy") {
            c.fail("language", "must be en or cy");
        }
        c.finish()
    }
}

/// A stored article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub service: Option<String>,
    pub service_name: Option<String>,
    pub language: String,
    pub title: String,
    pub body: String,
    pub published: bool,
    pub updated_at: Timestamp,
    /// Opened from a report form's suggestion, and how many of those visits sent no
    /// report (the article answered them).
    pub suggested_opens: i64,
    pub ended_without_report: i64,
}

/// A URL-safe slug from a title: "Report a missed bin" → `report-a-missed-bin`.
pub fn slug_of(title: &str) -> String {
    let mut slug = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 80 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() { "article".into() } else { slug }
}

const COLUMNS: &str = "a.id, a.slug, s.slug, s.name, a.language, a.title, a.body, a.published, a.updated_at, \
     (SELECT COUNT(*) FROM article_views v WHERE v.article_id = a.id), \
     (SELECT COUNT(*) FROM article_views v WHERE v.article_id = a.id \
        AND NOT EXISTS (SELECT 1 FROM form_visits_sent f WHERE f.visit = v.visit))";

type Row = (
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    bool,
    i64,
    i64,
    i64,
);

fn article(r: Row) -> Article {
    Article {
        id: r.0,
        slug: r.1,
        service: r.2,
        service_name: r.3,
        language: r.4,
        title: r.5,
        body: r.6,
        published: r.7,
        updated_at: from_millis(r.8),
        suggested_opens: r.9,
        ended_without_report: r.10,
    }
}

impl Store {
    /// Adds or changes an article; returns its id. A new article's slug comes from its
    /// title (made unique with a number); a changed one keeps its slug, so links last.
    pub async fn save_article(&self, a: &NewArticle, actor: Option<i64>) -> Result<i64> {
        a.validate()?;
        let now = to_millis(Timestamp::now());
        let base = slug_of(&a.title);
        write_tx!(self, |tx, _d| {
            let service: Option<i64> = match &a.service {
                None => None,
                Some(slug) => Some(
                    sqlx::query_scalar("SELECT id FROM services WHERE slug = $1")
                        .bind(slug)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| Invalid::field("service", format!("there is no service `{slug}`")))?,
                ),
            };
            let id = match a.id {
                Some(id) => {
                    let n = sqlx::query(
                        "UPDATE articles SET service_id = $1, language = $2, title = $3, body = $4, published = $5, \
                         updated_by = $6, updated_at = $7 WHERE id = $8",
                    )
                    .bind(service)
                    .bind(&a.language)
                    .bind(a.title.trim())
                    .bind(&a.body)
                    .bind(a.published)
                    .bind(actor)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if n == 0 {
                        return Err(StoreError::NotFound(format!("article {id}")));
                    }
                    id
                }
                None => {
                    let taken: Vec<String> =
                        sqlx::query_scalar("SELECT slug FROM articles WHERE slug = $1 OR slug LIKE $2")
                            .bind(&base)
                            .bind(format!("{base}-%"))
                            .fetch_all(&mut *tx)
                            .await?;
                    let slug = (1..)
                        .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
                        .find(|s| !taken.contains(s))
                        .unwrap_or_else(|| base.clone());
                    sqlx::query_scalar(
                        "INSERT INTO articles (service_id, slug, language, title, body, published, updated_by, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(service)
                    .bind(&slug)
                    .bind(&a.language)
                    .bind(a.title.trim())
                    .bind(&a.body)
                    .bind(a.published)
                    .bind(actor)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            Ok::<_, StoreError>(id)
        })
    }

    /// Articles, newest first; only published ones when `published_only`.
    pub async fn articles(&self, published_only: bool) -> Result<Vec<Article>> {
        let filter = if published_only { " WHERE a.published" } else { "" };
        let sql = format!(
            "SELECT {COLUMNS} FROM articles a LEFT JOIN services s ON s.id = a.service_id{filter} \
             ORDER BY a.updated_at DESC, a.id DESC"
        );
        let rows: Vec<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(rows.into_iter().map(article).collect())
    }

    /// One article by slug or id.
    pub async fn article(&self, slug: &str) -> Result<Article> {
        let sql = format!(
            "SELECT {COLUMNS} FROM articles a LEFT JOIN services s ON s.id = a.service_id \
             WHERE a.slug = $1 OR CAST(a.id AS TEXT) = $1"
        );
        let row: Option<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(slug)
                .fetch_optional(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        row.map(article)
            .ok_or_else(|| StoreError::NotFound(format!("article {slug}")))
    }

    /// Records that `visit` (a report form's token) opened `article` from a suggestion.
    pub async fn article_opened(&self, article: i64, visit: &str) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "INSERT INTO article_views (article_id, visit, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (article_id, visit) DO NOTHING",
            )
            .bind(article)
            .bind(visit)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })
    }

    /// Records that `visit` went on to send a report.
    pub async fn form_visit_sent(&self, visit: &str) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query("INSERT INTO form_visits_sent (visit, at) VALUES ($1, $2) ON CONFLICT (visit) DO NOTHING")
                .bind(visit)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(())
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_read_like_their_titles() {
        assert_eq!(super::slug_of("Report a missed bin"), "report-a-missed-bin");
        assert_eq!(super::slug_of("  Council tax: pay online! "), "council-tax-pay-online");
        assert_eq!(super::slug_of("Talu'r dreth gyngor"), "talu-r-dreth-gyngor");
        assert_eq!(super::slug_of("!!!"), "article");
    }
}
