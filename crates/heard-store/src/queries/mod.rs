//! Reads: lists with filters and cursors, single records, full-text search.
//!
//! Dynamic SQL is assembled from fixed fragments with `$n` placeholders only; every
//! value is bound, never spliced.

mod cases;
mod catalogue;
mod contacts;
mod customers;
mod search;
mod trends;
pub use trends::TrendContact;

pub use cases::{CaseFilter, Escalated, OwnerFilter};
pub use contacts::ContactFilter;
pub use customers::CustomerFilter;

use crate::{Dialect, Result, StoreError, from_millis};
use jiff::Timestamp;
use sqlx::Row;

/// A bound value for dynamically assembled SQL.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
}

/// Assembles `WHERE` clauses and their parameters.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub params: Vec<Param>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_string(),
            params: Vec::new(),
        }
    }

    /// The next placeholder (`$n`) for `p`.
    pub fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("${}", self.params.len())
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
}

/// Runs assembled SQL on either engine's pool and returns all rows mapped by `$map`.
macro_rules! fetch_sql {
    ($store:expr, $sql:expr, |$row:ident| $map:expr) => {
        $crate::db::read!($store, |pool, _d| {
            let sql: $crate::queries::Sql = $sql;
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.text));
            for p in sql.params {
                q = match p {
                    $crate::queries::Param::Int(v) => q.bind(v),
                    $crate::queries::Param::Text(v) => q.bind(v),
                };
            }
            let rows = q.fetch_all(pool).await?;
            rows.iter().map(|$row| $map).collect::<$crate::Result<Vec<_>>>()?
        })
    };
}
pub(crate) use fetch_sql;

/// Typed column access shared by both engines' rows, so mapping code is written once.
pub(crate) trait Cols {
    fn int(&self, i: usize) -> Result<i64>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>>;
    fn text(&self, i: usize) -> Result<String>;
    fn opt_text(&self, i: usize) -> Result<Option<String>>;
    fn flag(&self, i: usize) -> Result<bool>;
    fn real(&self, i: usize) -> Result<f64>;
    fn opt_real(&self, i: usize) -> Result<Option<f64>>;

    fn time(&self, i: usize) -> Result<Timestamp> {
        Ok(from_millis(self.int(i)?))
    }
    fn opt_time(&self, i: usize) -> Result<Option<Timestamp>> {
        Ok(self.opt_int(i)?.map(from_millis))
    }
    /// A vocabulary column (`status`, `kind`, …).
    fn word<T: std::str::FromStr<Err = String>>(&self, i: usize) -> Result<T> {
        crate::intake::parse_col(&self.text(i)?)
    }
    fn opt_word<T: std::str::FromStr<Err = String>>(&self, i: usize) -> Result<Option<T>> {
        self.opt_text(i)?.map(|s| crate::intake::parse_col(&s)).transpose()
    }
}

macro_rules! impl_cols {
    ($row:ty) => {
        impl Cols for $row {
            fn int(&self, i: usize) -> Result<i64> {
                Ok(self.try_get(i)?)
            }
            fn opt_int(&self, i: usize) -> Result<Option<i64>> {
                Ok(self.try_get(i)?)
            }
            fn text(&self, i: usize) -> Result<String> {
                Ok(self.try_get(i)?)
            }
            fn opt_text(&self, i: usize) -> Result<Option<String>> {
                Ok(self.try_get(i)?)
            }
            fn flag(&self, i: usize) -> Result<bool> {
                Ok(self.try_get(i)?)
            }
            fn real(&self, i: usize) -> Result<f64> {
                Ok(self.try_get(i)?)
            }
            fn opt_real(&self, i: usize) -> Result<Option<f64>> {
                Ok(self.try_get(i)?)
            }
        }
    };
}
impl_cols!(sqlx::sqlite::SqliteRow);
impl_cols!(sqlx::postgres::PgRow);

/// A position in a list ordered by (time, id) descending: `"<millis>.<id>"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        format!("{}.{}", self.at, self.id)
    }

    pub fn parse(s: &str) -> Result<Self> {
        let bad = || {
            StoreError::Invalid(heard_core::Invalid::field(
                "cursor",
                "is not a cursor from a previous page",
            ))
        };
        let (at, id) = s.split_once('.').ok_or_else(bad)?;
        Ok(Cursor {
            at: at.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// Adds the keyset condition for the page after `cursor` on columns `(at_col, id_col)`.
pub(crate) fn after_cursor(sql: &mut Sql, cursor: Option<Cursor>, at_col: &str, id_col: &str) {
    if let Some(c) = cursor {
        let a = sql.bind(Param::Int(c.at));
        let b = sql.bind(Param::Int(c.id));
        sql.push(&format!(" AND ({at_col} < {a} OR ({at_col} = {a} AND {id_col} < {b}))"));
    }
}

/// The match condition for a full-text query against contacts, as SQL selecting
/// contact ids; `None` when the query has no searchable words.
pub(crate) fn contact_match(sql: &mut Sql, d: Dialect, q: &str) -> Option<String> {
    match d {
        Dialect::Sqlite => {
            let fts = fts5_query(q)?;
            let p = sql.bind(Param::Text(fts));
            Some(format!("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH {p}"))
        }
        Dialect::Postgres => {
            let p = sql.bind(Param::Text(plain_words(q)?));
            Some(format!(
                "SELECT id FROM contacts WHERE search @@ plainto_tsquery('english', {p})"
            ))
        }
    }
}

/// Turns what a person typed into an FTS5 query: every word must match, each quoted so
/// FTS5 operators and punctuation in the input cannot break the query.
pub(crate) fn fts5_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The words of a query, space-separated, for PostgreSQL's `plainto_tsquery`: the
/// same every-word-must-match reading as [`fts5_query`].
pub(crate) fn plain_words(q: &str) -> Option<String> {
    let words: Vec<&str> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Clamps a requested page size.
pub(crate) fn page_size(limit: Option<u32>) -> i64 {
    i64::from(limit.unwrap_or(25).clamp(1, 100))
}

/// Splits one extra row off a page fetched with `limit + 1`, returning the next cursor.
pub(crate) fn finish_page<T>(mut items: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> Cursor) -> crate::Page<T> {
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|t| cursor_of(t).encode())
    } else {
        None
    };
    crate::Page { items, next_cursor }
}
