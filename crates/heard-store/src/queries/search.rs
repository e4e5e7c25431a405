//! Ranked full-text search over contacts (and so cases) and customers, in the
//! database itself: FTS5 with BM25 on SQLite, tsvector with `ts_rank` on PostgreSQL.
//! Search is live: a contact is findable the moment its intake commits.

use super::cases::only_services;
use super::{Cols, Param, Sql, fetch_sql, fts5_query, plain_words};
use crate::intake::reference;
use crate::{Dialect, Result, SearchHit, SearchResults, Store};

/// Most contact matches ranked by relevance. Ranking costs as much as the matches are
/// many; past a few thousand a word is too common for relevance to say much, so the
/// newest matches lead instead (and the answer says so).
pub const RANK_AT_MOST: i64 = 2_000;

impl Store {
    /// Contacts and customers matching every word of `q`, best (or, for very broad
    /// queries, newest) first. `visible_services` limits contact hits to those services.
    pub async fn search(
        &self,
        q: &str,
        limit: Option<u32>,
        visible_services: Option<&[String]>,
        prefix: &str,
    ) -> Result<SearchResults> {
        let limit = super::page_size(limit);
        let (Some(fts), Some(words)) = (fts5_query(q), plain_words(q)) else {
            return Ok(SearchResults {
                query: q.to_string(),
                total: 0,
                order: "relevance".into(),
                items: Vec::new(),
            });
        };
        let d = self.dialect();
        // What each engine's MATCH takes: quoted FTS5 terms, or plain words.
        let terms = || {
            Param::Text(if d == Dialect::Sqlite {
                fts.clone()
            } else {
                words.clone()
            })
        };
        let scope = |sql: &mut Sql| {
            if let Some(v) = visible_services {
                sql.push(" AND x.case_id IN (SELECT k.id FROM cases k WHERE 1 = 1");
                only_services(sql, v, "k.service_id");
                sql.push(")");
            }
        };

        let mut sql = match (d, visible_services.is_some()) {
            (Dialect::Sqlite, false) => Sql::new("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH $1"),
            (Dialect::Sqlite, true) => Sql::new(
                "SELECT count(*) FROM contacts_fts JOIN contacts x ON x.id = contacts_fts.rowid WHERE contacts_fts MATCH $1",
            ),
            (Dialect::Postgres, _) => {
                Sql::new("SELECT count(*) FROM contacts x WHERE x.search @@ plainto_tsquery('english', $1)")
            }
        };
        sql.params.push(terms());
        scope(&mut sql);
        let contact_total = fetch_sql!(self, sql, |r| r.int(0)).into_iter().next().unwrap_or(0);
        let by_relevance = contact_total <= RANK_AT_MOST;

        let mut sql = match d {
            Dialect::Sqlite => Sql::new(
                "SELECT x.id, x.case_id, coalesce(x.subject, ''), snippet(contacts_fts, 1, '[', ']', '…', 12), x.received_at \
                 FROM contacts_fts JOIN contacts x ON x.id = contacts_fts.rowid WHERE contacts_fts MATCH $1",
            ),
            Dialect::Postgres => Sql::new(
                "SELECT x.id, x.case_id, coalesce(x.subject, ''), \
                 ts_headline('english', x.body, q, 'StartSel=[, StopSel=], MaxWords=24, MinWords=8'), x.received_at \
                 FROM contacts x, plainto_tsquery('english', $1) q WHERE x.search @@ q",
            ),
        };
        sql.params.push(terms());
        scope(&mut sql);
        let lp = sql.bind(Param::Int(limit));
        sql.push(&match (d, by_relevance) {
            (Dialect::Sqlite, true) => format!(" ORDER BY contacts_fts.rank LIMIT {lp}"),
            (Dialect::Postgres, true) => format!(" ORDER BY ts_rank(x.search, q) DESC, x.id DESC LIMIT {lp}"),
            // FTS5 walks its index backwards by rowid: no sort of all the matches.
            (Dialect::Sqlite, false) => format!(" ORDER BY contacts_fts.rowid DESC LIMIT {lp}"),
            (Dialect::Postgres, false) => format!(" ORDER BY x.id DESC LIMIT {lp}"),
        });
        let mut contacts = fetch_sql!(self, sql, |r| Ok(SearchHit {
            kind: "contact".into(),
            id: r.int(0)?,
            case_reference: Some(reference(prefix, r.int(1)?)?),
            title: r.text(2)?,
            snippet: r.text(3)?,
            at: r.time(4)?,
        }));

        let mut sql = match d {
            Dialect::Sqlite => Sql::new(
                "SELECT c.id, c.name, snippet(customers_fts, 0, '[', ']', '…', 8), c.created_at \
                 FROM customers_fts JOIN customers c ON c.id = customers_fts.rowid WHERE customers_fts MATCH $1 \
                 ORDER BY customers_fts.rank LIMIT $2",
            ),
            Dialect::Postgres => Sql::new(
                "SELECT c.id, c.name, c.search_text, c.created_at FROM customers c, plainto_tsquery('simple', $1) q \
                 WHERE c.search @@ q ORDER BY ts_rank(c.search, q) DESC, c.id DESC LIMIT $2",
            ),
        };
        sql.params.push(terms());
        sql.params.push(Param::Int(limit));
        let customers = fetch_sql!(self, sql, |r| Ok(SearchHit {
            kind: "customer".into(),
            id: r.int(0)?,
            case_reference: None,
            title: r.text(1)?,
            snippet: r.text(2)?,
            at: r.time(3)?,
        }));

        let total = contact_total + customers.len() as i64;
        // Customers are few and named exactly: a name match leads.
        let mut items = customers;
        items.append(&mut contacts);
        items.truncate(limit as usize);
        let order = if by_relevance { "relevance" } else { "newest" }.to_string();
        Ok(SearchResults {
            query: q.to_string(),
            total,
            order,
            items,
        })
    }
}
