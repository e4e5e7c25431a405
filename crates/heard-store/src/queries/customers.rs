//! Customer lists and single customers.

use super::{Cols, Cursor, Param, Sql, fetch_sql, finish_page, fts5_query, page_size};
use crate::{
    AddressRecord, CustomerLinkRecord, CustomerRecord, CustomerSummary, Dialect, IdentityRecord, Page, Result, Store,
    StoreError,
};
use heard_core::{CustomerKind, Identity};

/// Filters for the customer list.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub kind: Option<CustomerKind>,
    /// Full-text query over names and identities.
    pub q: Option<String>,
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
}

impl Store {
    /// Customers, newest first.
    pub async fn list_customers(&self, f: &CustomerFilter) -> Result<Page<CustomerSummary>> {
        let limit = page_size(f.limit);
        let mut sql = Sql::new(
            "SELECT c.id, c.kind, c.organisation_kind, c.name, c.created_at FROM customers c WHERE c.merged_into IS NULL",
        );
        if let Some(k) = f.kind {
            let p = sql.bind(Param::Text(k.as_str().into()));
            sql.push(&format!(" AND c.kind = {p}"));
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            match (self.dialect(), fts5_query(q)) {
                (_, None) => sql.push(" AND 1 = 0"),
                (Dialect::Sqlite, Some(fts)) => {
                    let p = sql.bind(Param::Text(fts));
                    sql.push(&format!(
                        " AND c.id IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH {p})"
                    ));
                }
                (Dialect::Postgres, Some(_)) => {
                    let p = sql.bind(Param::Text(super::plain_words(q).unwrap_or_default()));
                    sql.push(&format!(" AND c.search @@ plainto_tsquery('simple', {p})"));
                }
            }
        }
        super::after_cursor(&mut sql, f.cursor, "c.created_at", "c.id");
        let lp = sql.bind(Param::Int(limit + 1));
        sql.push(&format!(" ORDER BY c.created_at DESC, c.id DESC LIMIT {lp}"));
        let items = fetch_sql!(self, sql, |r| Ok(CustomerSummary {
            id: r.int(0)?,
            kind: r.word(1)?,
            organisation_kind: r.opt_word(2)?,
            name: r.text(3)?,
            created_at: r.time(4)?,
        }));
        Ok(finish_page(items, limit, |c: &CustomerSummary| Cursor {
            at: c.created_at.as_millisecond(),
            id: c.id,
        }))
    }

    /// One customer with identities, addresses and organisation links.
    pub async fn customer(&self, id: i64) -> Result<CustomerRecord> {
        let mut sql = Sql::new(
            "SELECT id, kind, organisation_kind, name, created_at, updated_at, language FROM customers WHERE id = $1",
        );
        sql.params.push(Param::Int(id));
        let head = fetch_sql!(self, sql, |r| Ok((
            r.int(0)?,
            r.word(1)?,
            r.opt_word(2)?,
            r.text(3)?,
            r.time(4)?,
            r.time(5)?,
            r.opt_text(6)?
        )));
        let Some((id, kind, organisation_kind, name, created_at, updated_at, language)) = head.into_iter().next()
        else {
            return Err(StoreError::NotFound(format!("customer {id}")));
        };
        let mut sql =
            Sql::new("SELECT kind, value, undeliverable FROM customer_identities WHERE customer_id = $1 ORDER BY id");
        sql.params.push(Param::Int(id));
        let identities = fetch_sql!(self, sql, |r| Ok(IdentityRecord {
            kind: r.word(0)?,
            value: r.text(1)?,
            undeliverable: r.flag(2)?
        }));
        let mut sql = Sql::new(
            "SELECT line1, line2, town, postcode, uprn FROM customer_addresses WHERE customer_id = $1 ORDER BY id",
        );
        sql.params.push(Param::Int(id));
        let addresses = fetch_sql!(self, sql, |r| Ok(AddressRecord {
            line1: r.text(0)?,
            line2: r.opt_text(1)?,
            town: r.text(2)?,
            postcode: r.text(3)?,
            uprn: r.opt_int(4)?,
        }));
        let mut sql = Sql::new(
            "SELECT l.person_id, p.name, l.organisation_id, o.name, l.role FROM customer_links l \
             JOIN customers p ON p.id = l.person_id JOIN customers o ON o.id = l.organisation_id \
             WHERE l.person_id = $1 OR l.organisation_id = $1 ORDER BY o.name, p.name",
        );
        sql.params.push(Param::Int(id));
        let links = fetch_sql!(self, sql, |r| Ok(CustomerLinkRecord {
            person_id: r.int(0)?,
            person_name: r.text(1)?,
            organisation_id: r.int(2)?,
            organisation_name: r.text(3)?,
            role: r.word(4)?,
        }));
        Ok(CustomerRecord {
            id,
            language,
            kind,
            organisation_kind,
            name,
            identities,
            addresses,
            links,
            created_at,
            updated_at,
        })
    }

    /// The customer an identity belongs to, if any.
    pub async fn customer_by_identity(&self, identity: &Identity) -> Result<Option<i64>> {
        let mut sql = Sql::new("SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2");
        sql.params.push(Param::Text(identity.kind.as_str().into()));
        sql.params.push(Param::Text(identity.value.clone()));
        Ok(fetch_sql!(self, sql, |r| r.int(0)).into_iter().next())
    }
}
