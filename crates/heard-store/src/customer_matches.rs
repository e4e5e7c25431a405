//! What the "possibly the same person" suggestion reads: a customer's facts (name,
//! addresses, emails, phones) and those of the customers sharing something cheap to look
//! up with it — a postcode, a word of the name, an email's local part — so the matcher
//! (heard-understand's `customers`, in heard-web) scores a few hundred, never the whole list.

use crate::queries::{Cols, Param, Sql, fetch_sql};
use crate::{AddressRecord, Result, Store};
use std::collections::HashMap;

/// Candidates read at most per customer (the blocking's budget).
pub const CANDIDATES: usize = 200;

/// One customer as the matcher reads it.
#[derive(Debug, Clone, Default)]
pub struct CustomerFacts {
    pub id: i64,
    /// `person` or `organisation`.
    pub kind: String,
    pub name: String,
    pub addresses: Vec<AddressRecord>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Words of a name worth looking up: three letters or more, lower case, longest first.
fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .split(|c: char| !c.is_alphabetic() && c != '\'')
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    words.truncate(3);
    words
}

impl Store {
    /// The facts of these customers (missing ids are left out), in no particular order.
    pub async fn customer_facts(&self, ids: &[i64]) -> Result<Vec<CustomerFacts>> {
        let mut out: HashMap<i64, CustomerFacts> = HashMap::new();
        for chunk in ids.chunks(500) {
            let list = |sql: &mut Sql| {
                chunk
                    .iter()
                    .map(|id| sql.bind(Param::Int(*id)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut sql = Sql::new("");
            let l = list(&mut sql);
            sql.push(&format!("SELECT id, kind, name FROM customers WHERE id IN ({l})"));
            for (id, kind, name) in fetch_sql!(self, sql, |r| Ok((r.int(0)?, r.text(1)?, r.text(2)?))) {
                out.insert(
                    id,
                    CustomerFacts {
                        id,
                        kind,
                        name,
                        ..Default::default()
                    },
                );
            }
            let mut sql = Sql::new("");
            let l = list(&mut sql);
            sql.push(&format!(
                "SELECT customer_id, kind, value FROM customer_identities WHERE customer_id IN ({l}) ORDER BY id"
            ));
            for (id, kind, value) in fetch_sql!(self, sql, |r| Ok((r.int(0)?, r.text(1)?, r.text(2)?))) {
                if let Some(f) = out.get_mut(&id) {
                    match kind.as_str() {
                        "email" => f.emails.push(value),
                        "phone" => f.phones.push(value),
                        _ => {}
                    }
                }
            }
            let mut sql = Sql::new("");
            let l = list(&mut sql);
            sql.push(&format!(
                "SELECT customer_id, line1, line2, town, postcode, uprn FROM customer_addresses \
                 WHERE customer_id IN ({l}) ORDER BY id"
            ));
            let rows = fetch_sql!(self, sql, |r| Ok((
                r.int(0)?,
                AddressRecord {
                    line1: r.text(1)?,
                    line2: r.opt_text(2)?,
                    town: r.text(3)?,
                    postcode: r.text(4)?,
                    uprn: r.opt_int(5)?,
                }
            )));
            for (id, a) in rows {
                if let Some(f) = out.get_mut(&id) {
                    f.addresses.push(a);
                }
            }
        }
        Ok(out.into_values().collect())
    }

    /// Customers that may be `customer` written again: of its kind, not merged away, and
    /// sharing a postcode, an email's local part or a word of the name (in that order of
    /// preference), at most [`CANDIDATES`]. Cheap blocking only; the matcher decides.
    pub async fn same_customer_candidates(&self, customer: i64) -> Result<Vec<i64>> {
        let Some(me) = self.customer_facts(&[customer]).await?.pop() else {
            return Ok(Vec::new());
        };
        let base =
            "SELECT DISTINCT c.id FROM customers c WHERE c.id <> $1 AND c.merged_into IS NULL AND c.kind = $2 AND ";
        let start = |sql_tail: &str| {
            let mut sql = Sql::new(base);
            sql.params.push(Param::Int(customer));
            sql.params.push(Param::Text(me.kind.clone()));
            sql.push(sql_tail);
            sql
        };
        let mut found: Vec<i64> = Vec::new();
        let add = |ids: Vec<i64>, found: &mut Vec<i64>| {
            for id in ids {
                if found.len() < CANDIDATES && !found.contains(&id) {
                    found.push(id);
                }
            }
        };
        let mut queries = Vec::new();
        if !me.addresses.is_empty() {
            let mut sql = start(
                "c.id IN (SELECT a.customer_id FROM customer_addresses a JOIN customer_addresses b \
                 ON b.postcode = a.postcode WHERE b.customer_id = $1)",
            );
            let l = sql.bind(Param::Int(CANDIDATES as i64));
            sql.push(&format!(" LIMIT {l}"));
            queries.push(sql);
        }
        for email in &me.emails {
            let Some((local, _)) = email.split_once('@') else {
                continue;
            };
            let mut sql =
                start("c.id IN (SELECT customer_id FROM customer_identities WHERE kind = 'email' AND value LIKE ");
            let p = sql.bind(Param::Text(format!("{}@%", like_escape(local))));
            sql.push(&format!("{p} ESCAPE '\\')"));
            let l = sql.bind(Param::Int(CANDIDATES as i64));
            sql.push(&format!(" LIMIT {l}"));
            queries.push(sql);
        }
        for word in name_words(&me.name) {
            let mut sql = start("LOWER(c.name) LIKE ");
            let p = sql.bind(Param::Text(format!("%{}%", like_escape(&word))));
            sql.push(&format!("{p} ESCAPE '\\'"));
            let l = sql.bind(Param::Int(CANDIDATES as i64));
            sql.push(&format!(" ORDER BY c.id DESC LIMIT {l}"));
            queries.push(sql);
        }
        for sql in queries {
            if found.len() >= CANDIDATES {
                break;
            }
            let ids = fetch_sql!(self, sql, |r| r.int(0));
            add(ids, &mut found);
        }
        Ok(found)
    }

    /// The newest `limit` people not merged away, with their facts: what the matcher's
    /// weights are learned from.
    pub async fn customer_sample(&self, limit: usize) -> Result<Vec<CustomerFacts>> {
        let mut sql = Sql::new(
            "SELECT id FROM customers WHERE kind = 'person' AND merged_into IS NULL ORDER BY id DESC LIMIT $1",
        );
        sql.params.push(Param::Int(limit as i64));
        let ids = fetch_sql!(self, sql, |r| r.int(0));
        self.customer_facts(&ids).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_match_only_what_they_say() {
        assert_eq!(super::like_escape("a_b%c\\"), "a\\_b\\%c\\\\");
        assert_eq!(
            super::name_words("Ann-Marie O'Neill Li"),
            vec!["o'neill", "marie", "ann"]
        );
    }
}
