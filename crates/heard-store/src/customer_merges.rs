//! Two customers who are one person, merged by an agent, and the merge undone (migration
//! 0017). A merge moves every row keyed by the merged customer — identities, addresses,
//! cases, contacts, organisation links, update opt-outs, satisfaction answers — to the
//! customer kept, and records the id of each row that moved, so undoing moves back exactly
//! those rows: an identity a later contact added to the kept customer stays with it. The
//! merged customer's row stays (the audit log and history name it) with `merged_into` set,
//! and its search text emptied, so lists, search and suggestions pass it by.

use crate::db::{insert_event, read, write_tx};
use crate::{Result, Store, StoreError, from_millis, to_millis};
use heard_core::Invalid;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The ids of the rows one merge moved, by table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    #[serde(default)]
    pub identities: Vec<i64>,
    #[serde(default)]
    pub addresses: Vec<i64>,
    #[serde(default)]
    pub cases: Vec<i64>,
    #[serde(default)]
    pub contacts: Vec<i64>,
    /// Organisations the merged person belonged to or acted for (`customer_links`).
    #[serde(default)]
    pub member_of: Vec<i64>,
    /// People linked to the merged organisation (`customer_links`).
    #[serde(default)]
    pub members: Vec<i64>,
    /// Cases whose update opt-out moved (`update_opt_outs`).
    #[serde(default)]
    pub opt_outs: Vec<i64>,
    /// Satisfaction answers (`satisfaction` ids).
    #[serde(default)]
    pub satisfaction: Vec<i64>,
}

/// One merge, as the customer page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerMergeRecord {
    pub id: i64,
    pub keep_id: i64,
    pub keep_name: String,
    pub from_id: i64,
    pub from_name: String,
    pub moved: Moved,
    pub reason: String,
    pub merged_at: Timestamp,
    pub merged_by: Option<String>,
    pub undone_at: Option<Timestamp>,
}

/// A `customer_merges` row joined with names: id, keep, keep name, from, from name, moved,
/// reason, merged at, merged by (name), undone at.
type MergeRow = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
);

const SELECT_MERGE: &str = "SELECT m.id, m.keep_id, k.name, m.from_id, f.name, m.moved, m.reason, m.merged_at, u.name, \
     m.undone_at FROM customer_merges m JOIN customers k ON k.id = m.keep_id JOIN customers f ON f.id = m.from_id \
     LEFT JOIN users u ON u.id = m.merged_by";

fn record(r: MergeRow) -> CustomerMergeRecord {
    let (id, keep_id, keep_name, from_id, from_name, moved, reason, merged_at, merged_by, undone_at) = r;
    CustomerMergeRecord {
        id,
        keep_id,
        keep_name,
        from_id,
        from_name,
        moved: serde_json::from_str(&moved).unwrap_or_default(),
        reason,
        merged_at: from_millis(merged_at),
        merged_by,
        undone_at: undone_at.map(from_millis),
    }
}

/// `$first, $first+1, …` for `n` bound values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Moves the listed rows (`$list` in the statement) from customer `$2` back to `$1`, in
/// chunks so no statement binds too many values.
macro_rules! move_listed {
    ($tx:ident, $sql:literal, $to:expr, $from:expr, $ids:expr) => {
        for chunk in $ids.chunks(500) {
            let sql = format!($sql, list = placeholders(3, chunk.len()));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind($to).bind($from);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *$tx).await?;
        }
    };
}

/// Rewrites a customer's search text from its name and identities (empty once merged away).
macro_rules! refresh_search {
    ($tx:ident, $customer:expr, $now:expr) => {{
        let merged: Option<i64> = sqlx::query_scalar("SELECT merged_into FROM customers WHERE id = $1")
            .bind($customer)
            .fetch_one(&mut *$tx)
            .await?;
        let text = if merged.is_some() {
            String::new()
        } else {
            let name: String = sqlx::query_scalar("SELECT name FROM customers WHERE id = $1")
                .bind($customer)
                .fetch_one(&mut *$tx)
                .await?;
            let values: Vec<String> =
                sqlx::query_scalar("SELECT value FROM customer_identities WHERE customer_id = $1 ORDER BY id")
                    .bind($customer)
                    .fetch_all(&mut *$tx)
                    .await?;
            std::iter::once(name).chain(values).collect::<Vec<_>>().join(" ")
        };
        sqlx::query("UPDATE customers SET search_text = $2, updated_at = $3 WHERE id = $1")
            .bind($customer)
            .bind(text)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
    }};
}

impl Store {
    /// Merges customer `from` into `keep` (see the module docs); returns the merge's id for
    /// [`Store::undo_customer_merge`]. Each moved case gets a `customer_merged` history
    /// entry. Refused for one customer twice, a customer already merged, customers of
    /// different kinds (a person is never merged into an organisation) and without a reason.
    pub async fn merge_customers(&self, keep: i64, from: i64, actor: i64, reason: &str) -> Result<i64> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Invalid::field("reason", "say why these are one customer").into());
        }
        if reason.chars().count() > 2000 {
            return Err(Invalid::field("reason", "must be at most 2000 characters").into());
        }
        if keep == from {
            return Err(Invalid::field("from", "a customer cannot be merged into itself").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let lock = if d == crate::Dialect::Postgres {
                " FOR UPDATE"
            } else {
                ""
            };
            let mut kinds = Vec::new();
            for id in [keep, from] {
                let row: Option<(String, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT kind, merged_into FROM customers WHERE id = $1{lock}"
                )))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let (kind, merged) = row.ok_or_else(|| StoreError::NotFound(format!("customer {id}")))?;
                if merged.is_some() {
                    return Err(StoreError::Conflict(format!(
                        "customer {id} was already merged into another"
                    )));
                }
                kinds.push(kind);
            }
            if kinds[0] != kinds[1] {
                return Err(Invalid::field("from", "a person and an organisation are never one customer").into());
            }
            let ids = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).bind(keep).bind(from);
            let moved = Moved {
                identities: ids("UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2 RETURNING id")
                    .fetch_all(&mut *tx)
                    .await?,
                addresses: ids("UPDATE customer_addresses SET customer_id = $1 WHERE customer_id = $2 RETURNING id")
                    .fetch_all(&mut *tx)
                    .await?,
                cases: ids("UPDATE cases SET customer_id = $1 WHERE customer_id = $2 RETURNING id")
                    .fetch_all(&mut *tx)
                    .await?,
                contacts: ids("UPDATE contacts SET customer_id = $1 WHERE customer_id = $2 RETURNING id")
                    .fetch_all(&mut *tx)
                    .await?,
                member_of: ids(
                    "UPDATE customer_links SET person_id = $1 WHERE person_id = $2 AND organisation_id <> $1 \
                     AND organisation_id NOT IN (SELECT organisation_id FROM customer_links WHERE person_id = $1) \
                     RETURNING organisation_id",
                )
                .fetch_all(&mut *tx)
                .await?,
                members: ids(
                    "UPDATE customer_links SET organisation_id = $1 WHERE organisation_id = $2 AND person_id <> $1 \
                     AND person_id NOT IN (SELECT person_id FROM customer_links WHERE organisation_id = $1) \
                     RETURNING person_id",
                )
                .fetch_all(&mut *tx)
                .await?,
                opt_outs: ids("UPDATE update_opt_outs SET customer_id = $1 WHERE customer_id = $2 \
                     AND case_id NOT IN (SELECT case_id FROM update_opt_outs WHERE customer_id = $1) RETURNING case_id")
                .fetch_all(&mut *tx)
                .await?,
                satisfaction: ids("UPDATE satisfaction SET customer_id = $1 WHERE customer_id = $2 \
                     AND case_id NOT IN (SELECT case_id FROM satisfaction WHERE customer_id = $1) RETURNING id")
                .fetch_all(&mut *tx)
                .await?,
            };
            sqlx::query("UPDATE customers SET merged_into = $1 WHERE id = $2")
                .bind(keep)
                .bind(from)
                .execute(&mut *tx)
                .await?;
            refresh_search!(tx, keep, now);
            refresh_search!(tx, from, now);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO customer_merges (keep_id, from_id, moved, reason, merged_at, merged_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(keep)
            .bind(from)
            .bind(serde_json::to_string(&moved).unwrap_or_else(|_| "{}".into()))
            .bind(reason)
            .bind(now)
            .bind(actor)
            .fetch_one(&mut *tx)
            .await?;
            let detail = serde_json::json!({"from": from, "into": keep, "merge": id});
            for case in &moved.cases {
                insert_event!(tx, *case, now, Some(actor), "customer_merged", detail);
            }
            Ok(id)
        })
    }

    /// Undoes a customer merge: the rows it moved go back (those still with the kept
    /// customer), the merged customer returns, and each case that goes back gets a
    /// `customer_merge_undone` entry. Refused when already undone, or when the kept
    /// customer has since been merged itself (undo that first).
    pub async fn undo_customer_merge(&self, id: i64, actor: i64) -> Result<CustomerMergeRecord> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let lock = if d == crate::Dialect::Postgres {
                " FOR UPDATE OF m"
            } else {
                ""
            };
            let row: Option<MergeRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_MERGE} WHERE m.id = $1{lock}")))
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let merge = record(row.ok_or_else(|| StoreError::NotFound(format!("customer merge {id}")))?);
            if merge.undone_at.is_some() {
                return Err(StoreError::Conflict(format!("customer merge {id} was already undone")));
            }
            let (keep, from) = (merge.keep_id, merge.from_id);
            let later: Option<i64> = sqlx::query_scalar("SELECT merged_into FROM customers WHERE id = $1")
                .bind(keep)
                .fetch_one(&mut *tx)
                .await?;
            if let Some(into) = later {
                return Err(StoreError::Conflict(format!(
                    "customer {keep} has since been merged into customer {into}: undo that merge first"
                )));
            }
            let m = &merge.moved;
            move_listed!(
                tx,
                "UPDATE customer_identities SET customer_id = $1 WHERE customer_id = $2 AND id IN ({list})",
                from,
                keep,
                m.identities
            );
            move_listed!(
                tx,
                "UPDATE customer_addresses SET customer_id = $1 WHERE customer_id = $2 AND id IN ({list})",
                from,
                keep,
                m.addresses
            );
            move_listed!(
                tx,
                "UPDATE cases SET customer_id = $1 WHERE customer_id = $2 AND id IN ({list})",
                from,
                keep,
                m.cases
            );
            move_listed!(
                tx,
                "UPDATE contacts SET customer_id = $1 WHERE customer_id = $2 AND id IN ({list})",
                from,
                keep,
                m.contacts
            );
            move_listed!(
                tx,
                "UPDATE customer_links SET person_id = $1 WHERE person_id = $2 AND organisation_id IN ({list})",
                from,
                keep,
                m.member_of
            );
            move_listed!(
                tx,
                "UPDATE customer_links SET organisation_id = $1 WHERE organisation_id = $2 AND person_id IN ({list})",
                from,
                keep,
                m.members
            );
            move_listed!(
                tx,
                "UPDATE update_opt_outs SET customer_id = $1 WHERE customer_id = $2 AND case_id IN ({list})",
                from,
                keep,
                m.opt_outs
            );
            move_listed!(
                tx,
                "UPDATE satisfaction SET customer_id = $1 WHERE customer_id = $2 AND id IN ({list})",
                from,
                keep,
                m.satisfaction
            );
            sqlx::query("UPDATE customers SET merged_into = NULL WHERE id = $1")
                .bind(from)
                .execute(&mut *tx)
                .await?;
            refresh_search!(tx, keep, now);
            refresh_search!(tx, from, now);
            sqlx::query("UPDATE customer_merges SET undone_at = $1, undone_by = $2 WHERE id = $3")
                .bind(now)
                .bind(actor)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let detail = serde_json::json!({"from": from, "into": keep, "merge": id});
            for case in &m.cases {
                insert_event!(tx, *case, now, Some(actor), "customer_merge_undone", detail);
            }
            Ok(CustomerMergeRecord {
                undone_at: Some(from_millis(now)),
                ..merge
            })
        })
    }

    /// One customer merge.
    pub async fn customer_merge(&self, id: i64) -> Result<CustomerMergeRecord> {
        let row: Option<MergeRow> = read!(self, |pool, _d| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_MERGE} WHERE m.id = $1"
        )))
        .bind(id)
        .fetch_optional(pool)
        .await?);
        row.map(record)
            .ok_or_else(|| StoreError::NotFound(format!("customer merge {id}")))
    }

    /// The merges a customer took part in, on either side, newest first.
    pub async fn customer_merges(&self, customer: i64) -> Result<Vec<CustomerMergeRecord>> {
        let rows: Vec<MergeRow> = read!(self, |pool, _d| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_MERGE} WHERE m.keep_id = $1 OR m.from_id = $1 ORDER BY m.id DESC LIMIT 50"
        )))
        .bind(customer)
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(record).collect())
    }

    /// The customer `customer` was merged into, while the merge stands.
    pub async fn merged_into(&self, customer: i64) -> Result<Option<i64>> {
        let row: Option<Option<i64>> = read!(self, |pool, _d| sqlx::query_scalar(
            "SELECT merged_into FROM customers WHERE id = $1"
        )
        .bind(customer)
        .fetch_optional(pool)
        .await?);
        row.ok_or_else(|| StoreError::NotFound(format!("customer {customer}")))
    }
}
