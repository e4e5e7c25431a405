//! What the "same issue, reported twice" suggestion compares: a case and the open cases of
//! its service reported within days of it, each with its first message, its point, site
//! and the places read from its messages. The comparison itself is heard-understand's.

use crate::db::read;
use crate::{Result, Store};
use heard_core::CaseReference;
use std::collections::HashMap;

/// One case's facts for the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub case_id: i64,
    pub title: String,
    pub created_at_ms: i64,
    /// The first inbound message, subject first.
    pub text: String,
    pub point: Option<(f64, f64)>,
    pub site: Option<String>,
    /// `kind:value` of every UPRN, address and postcode read from its messages or report,
    /// lower case.
    pub places: Vec<String>,
}

/// Open candidates read at most (the newest first).
const MAX_CANDIDATES: i64 = 300;

/// The columns of [`CaseFacts`], from `cases k` (first inbound contact, report, site).
const FACTS: &str = "SELECT k.id, k.title, k.created_at, c.subject, c.body, r.lat, r.long, s.slug, r.postcode, r.address_id \
     FROM cases k \
     LEFT JOIN contacts c ON c.id = (SELECT MIN(f.id) FROM contacts f WHERE f.case_id = k.id AND f.direction = 'inbound') \
     LEFT JOIN reports r ON r.case_id = k.id \
     LEFT JOIN sites s ON s.id = k.site_id ";

type FactRow = (
    i64,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn facts(row: FactRow) -> CaseFacts {
    let (case_id, title, created_at_ms, subject, body, lat, long, site, postcode, uprn) = row;
    let mut places = Vec::new();
    if let Some(p) = postcode.filter(|p| !p.trim().is_empty()) {
        places.push(format!("postcode:{}", p.trim().to_lowercase()));
    }
    if let Some(u) = uprn.filter(|u| !u.trim().is_empty()) {
        places.push(format!("uprn:{}", u.trim().to_lowercase()));
    }
    CaseFacts {
        case_id,
        title,
        created_at_ms,
        text: [subject.unwrap_or_default(), body.unwrap_or_default()].join("\n"),
        point: lat.zip(long).filter(|(a, b)| a.is_finite() && b.is_finite()),
        site,
        places,
    }
}

impl Store {
    /// `case` and the open cases of its service reported within `days` of it (not itself,
    /// not already linked to it), for the duplicate suggestion. `None`: no such case.
    pub async fn duplicate_candidates(
        &self,
        case: &CaseReference,
        days: i64,
    ) -> Result<Option<(CaseFacts, Vec<CaseFacts>)>> {
        let id = case.number();
        let window = days * 86_400_000;
        read!(self, |pool, _d| {
            let row: Option<FactRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{FACTS} WHERE k.id = $1")))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            let Some(row) = row else { return Ok(None) };
            let this = facts(row);
            // Open, same service, near in time, not linked either way.
            let candidates_where = "FROM cases k WHERE k.service_id = (SELECT service_id FROM cases WHERE id = $1) \
                 AND k.id <> $1 AND k.status NOT IN ('resolved', 'closed') \
                 AND k.created_at BETWEEN $2 AND $3 \
                 AND NOT EXISTS (SELECT 1 FROM case_links l WHERE (l.from_case_id = k.id AND l.to_case_id = $1) \
                                 OR (l.from_case_id = $1 AND l.to_case_id = k.id))";
            let rows: Vec<FactRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{FACTS} WHERE k.id IN (SELECT k.id {candidates_where} ORDER BY k.id DESC LIMIT {MAX_CANDIDATES}) \
                 ORDER BY k.id DESC"
            )))
            .bind(id)
            .bind(this.created_at_ms - window)
            .bind(this.created_at_ms + window)
            .fetch_all(pool)
            .await?;
            let mut all: Vec<CaseFacts> = std::iter::once(this).chain(rows.into_iter().map(facts)).collect();
            // Places read from every message of these cases (the same candidates, bound again).
            let read: Vec<(i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT c.case_id, e.kind, e.value FROM contact_entities e JOIN contacts c ON c.id = e.contact_id \
                 WHERE (c.case_id = $1 OR c.case_id IN (SELECT k.id {candidates_where} ORDER BY k.id DESC LIMIT {MAX_CANDIDATES})) \
                 AND e.kind IN ('uprn', 'address', 'postcode') AND e.status <> 'rejected'"
            )))
            .bind(id)
            .bind(all[0].created_at_ms - window)
            .bind(all[0].created_at_ms + window)
            .fetch_all(pool)
            .await?;
            let ids: Vec<i64> = all.iter().map(|f| f.case_id).collect();
            let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            for (case_id, kind, value) in read {
                if let Some(&i) = index.get(&case_id) {
                    let place = format!("{kind}:{}", value.trim().to_lowercase());
                    if !all[i].places.contains(&place) {
                        all[i].places.push(place);
                    }
                }
            }
            let this = all.remove(0);
            Ok(Some((this, all)))
        })
    }
}
