//! The audit log: who read or changed what, when, and from where.
//!
//! Append-only and hash-chained. Row *n* stores `prev_hash` (row *n − 1*'s `hash`, or
//! [`GENESIS`] for row 1) and `hash` = SHA-256 over `prev_hash` and an unambiguous
//! encoding of the row's own fields ([`chain_hash`]). Ids run 1, 2, 3… with no gaps,
//! assigned by the appender. So a row changed in place fails its own hash, a row removed
//! leaves a gap, and a row changed with its hash recomputed breaks the next row's link;
//! [`Store::verify_audit`] reports the first row where any of these happens.
//!
//! The chain must never fork, so appends are serialised: on PostgreSQL each append
//! takes a transaction-scoped advisory lock before reading the last hash; on SQLite
//! appends run on the single writer thread inside its `BEGIN IMMEDIATE` transaction.
//! Both databases refuse `UPDATE` and `DELETE` on the table with a trigger (see the
//! migration `0005_audit.sql`).
//!
//! What the chain cannot show on its own: someone able to drop the triggers could
//! rewrite the tail and recompute every later hash, or cut the newest rows off. Keeping
//! the head (`heard audit verify` prints its id and hash) somewhere else closes that.

use crate::db::{Db, read};
use crate::queries::{Cols, Cursor, Param, Sql, after_cursor, fetch_sql, finish_page, page_size};
use crate::sqlite_writer::db_err;
use crate::{Page, Result, Store, to_millis};
use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The PostgreSQL advisory lock key that serialises appends (`"heardaud"` as bytes).
const PG_APPEND_LOCK: i64 = 0x6865_6172_6461_7564;

/// Rows read per query while verifying.
const VERIFY_PAGE: i64 = 2_000;

/// One thing to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// When it happened (not when it was written: reads are written in batches).
    pub at: Timestamp,
    /// The staff user; `None` for systems, the CLI and failed sign-ins.
    pub actor_id: Option<i64>,
    /// Who, readably: the user's email, `cli`, or the address a failed sign-in tried.
    pub actor: String,
    /// What: `case.read`, `case.status`, `contact.create`, `session.sign_in`, …
    pub action: String,
    /// What kind of record it touched: `case`, `customer`, `contact`, `attachment`, …
    pub target_kind: Option<String>,
    /// That record's reference or id.
    pub target: Option<String>,
    /// The case concerned, when known (a contact's or attachment's case too).
    pub case_reference: Option<String>,
    /// The customer concerned, when known.
    pub customer_id: Option<i64>,
    /// Where from: the client's IP address, or `cli`.
    pub source: Option<String>,
    /// Anything else worth keeping (the change made, a list's filter and what it showed).
    pub detail: serde_json::Value,
}

impl NewAuditEntry {
    /// An entry now, by `actor`, with every optional field empty.
    pub fn new(actor_id: Option<i64>, actor: impl Into<String>, action: impl Into<String>) -> Self {
        NewAuditEntry {
            at: Timestamp::now(),
            actor_id,
            actor: actor.into(),
            action: action.into(),
            target_kind: None,
            target: None,
            case_reference: None,
            customer_id: None,
            source: None,
            detail: serde_json::Value::Object(Default::default()),
        }
    }
}

/// One stored audit entry.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditRecord {
    /// Position in the chain: 1, 2, 3…
    pub id: i64,
    pub at: Timestamp,
    pub actor_id: Option<i64>,
    pub actor: String,
    #[schema(example = "case.read")]
    pub action: String,
    pub target_kind: Option<String>,
    pub target: Option<String>,
    pub case_reference: Option<String>,
    pub customer_id: Option<i64>,
    /// Client IP address, or `cli`.
    pub source: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// What [`Store::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Rows that checked out, in order from the first.
    pub rows_checked: u64,
    /// The last good row: its id and hash (worth keeping elsewhere, see the module docs).
    pub head: Option<(i64, String)>,
    /// The first row that did not check out, if any.
    pub broken: Option<AuditBreak>,
}

impl AuditVerification {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// The first row where the chain fails, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditBreak {
    pub id: i64,
    pub reason: BreakReason,
}

/// How a row fails the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BreakReason {
    /// Rows are missing before this one: `expected` was the next id.
    Gap { expected: i64 },
    /// Its `prev_hash` is not the previous row's hash (the previous row was rewritten
    /// with a fresh hash, or rows were removed or reordered).
    BrokenLink { expected_prev: String, found_prev: String },
    /// Its fields do not hash to its stored `hash`: the row was changed in place.
    HashMismatch { computed: String, stored: String },
}

impl std::fmt::Display for AuditBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = self.id;
        match &self.reason {
            BreakReason::Gap { expected } => write!(
                f,
                "row {id}: gap, expected row {expected} next (rows {expected}..{} are missing)",
                id - 1
            ),
            BreakReason::BrokenLink {
                expected_prev,
                found_prev,
            } => write!(
                f,
                "row {id}: broken link, its prev_hash {found_prev} is not the previous row's hash {expected_prev} \
                 (row {} was rewritten, or rows were removed or reordered)",
                id - 1
            ),
            BreakReason::HashMismatch { computed, stored } => write!(
                f,
                "row {id}: hash mismatch, its fields hash to {computed} but it stores {stored} (the row was changed)"
            ),
        }
    }
}

/// Filters for [`Store::search_audit`]; every one given must match.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    /// The actor as recorded (an email address, lower-cased; `cli`).
    pub actor: Option<String>,
    pub customer_id: Option<i64>,
    /// A case reference, e.g. `HRD-000123`: the case's own entries and those of its
    /// contacts and attachments.
    pub case_reference: Option<String>,
    /// An action (`case.read`), or every action under a prefix (`case.*`).
    pub action: Option<String>,
    /// At or after.
    pub from: Option<Timestamp>,
    /// Before.
    pub to: Option<Timestamp>,
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
}

/// A row's fields as hashed, borrowed from wherever they are.
struct Fields<'a> {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    actor: &'a str,
    action: &'a str,
    target_kind: Option<&'a str>,
    target: Option<&'a str>,
    case_ref: Option<&'a str>,
    customer_id: Option<i64>,
    source: Option<&'a str>,
    detail: &'a str,
}

/// SHA-256 (hex) over a version tag, `prev_hash` and the row's fields in a fixed order,
/// each as a presence byte (0 absent, 1 present) and, when present, its length as a
/// big-endian u64 and its UTF-8 bytes (integers in decimal). No two different rows
/// encode alike, whatever their text holds.
fn chain_hash(prev_hash: &str, r: &Fields<'_>) -> String {
    fn put(h: &mut Sha256, v: Option<&str>) {
        match v {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
        }
    }
    let int = |v: Option<i64>| v.map(|n| n.to_string());
    let mut h = Sha256::new();
    h.update(b"heard.audit.v1");
    put(&mut h, Some(prev_hash));
    put(&mut h, Some(&r.id.to_string()));
    put(&mut h, Some(&r.at.to_string()));
    put(&mut h, int(r.actor_id).as_deref());
    put(&mut h, Some(r.actor));
    put(&mut h, Some(r.action));
    put(&mut h, r.target_kind);
    put(&mut h, r.target);
    put(&mut h, r.case_ref);
    put(&mut h, int(r.customer_id).as_deref());
    put(&mut h, r.source);
    put(&mut h, Some(r.detail));
    hex::encode(h.finalize())
}

/// An entry ready to insert: its place in the chain fixed.
#[derive(Debug, Clone)]
struct Chained {
    id: i64,
    at: i64,
    detail: String,
    prev_hash: String,
    hash: String,
}

/// Chains `entries` after the row (`last_id`, `last_hash`).
fn chain(entries: &[NewAuditEntry], details: &[String], mut last_id: i64, mut last_hash: String) -> Vec<Chained> {
    entries
        .iter()
        .zip(details)
        .map(|(e, detail)| {
            let id = last_id + 1;
            let at = to_millis(e.at);
            let hash = chain_hash(
                &last_hash,
                &Fields {
                    id,
                    at,
                    actor_id: e.actor_id,
                    actor: &e.actor,
                    action: &e.action,
                    target_kind: e.target_kind.as_deref(),
                    target: e.target.as_deref(),
                    case_ref: e.case_reference.as_deref(),
                    customer_id: e.customer_id,
                    source: e.source.as_deref(),
                    detail,
                },
            );
            let c = Chained {
                id,
                at,
                detail: detail.clone(),
                prev_hash: std::mem::replace(&mut last_hash, hash.clone()),
                hash,
            };
            last_id = id;
            c
        })
        .collect()
}

const LAST_ROW: &str = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
const INSERT: &str = "INSERT INTO audit_log (id, at, actor_id, actor, action, target_kind, target, case_ref, customer_id, \
     source, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
const COLUMNS: &str =
    "id, at, actor_id, actor, action, target_kind, target, case_ref, customer_id, source, detail, prev_hash, hash";

fn record_from_row(r: &impl Cols) -> Result<AuditRecord> {
    let detail = r.text(10)?;
    Ok(AuditRecord {
        id: r.int(0)?,
        at: r.time(1)?,
        actor_id: r.opt_int(2)?,
        actor: r.text(3)?,
        action: r.text(4)?,
        target_kind: r.opt_text(5)?,
        target: r.opt_text(6)?,
        case_reference: r.opt_text(7)?,
        customer_id: r.opt_int(8)?,
        source: r.opt_text(9)?,
        // A row whose detail is no longer JSON is shown as the text it holds.
        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
        prev_hash: r.text(11)?,
        hash: r.text(12)?,
    })
}

impl Store {
    /// Appends `entries`, in order, to the audit log in one transaction; durable when
    /// this returns. Concurrent callers (on any number of nodes) never fork the chain.
    pub async fn record_audit(&self, entries: &[NewAuditEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let details: Vec<String> = entries.iter().map(|e| e.detail.to_string()).collect();
        match &self.db {
            Db::Sqlite { writer, .. } => {
                let entries = entries.to_vec();
                writer
                    .run(move |conn| {
                        let last: Option<(i64, String)> = conn
                            .prepare_cached(LAST_ROW)
                            .and_then(|mut s| {
                                rusqlite::OptionalExtension::optional(s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))))
                            })
                            .map_err(db_err)?;
                        let (last_id, last_hash) = last.unwrap_or((0, GENESIS.to_string()));
                        let chained = chain(&entries, &details, last_id, last_hash);
                        let mut insert = conn.prepare_cached(INSERT).map_err(db_err)?;
                        for (e, c) in entries.iter().zip(&chained) {
                            insert
                                .execute(rusqlite::params![
                                    c.id,
                                    c.at,
                                    e.actor_id,
                                    e.actor,
                                    e.action,
                                    e.target_kind,
                                    e.target,
                                    e.case_reference,
                                    e.customer_id,
                                    e.source,
                                    c.detail,
                                    c.prev_hash,
                                    c.hash
                                ])
                                .map_err(db_err)?;
                        }
                        Ok(())
                    })
                    .await
            }
            Db::Postgres(pool) => {
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    match append_pg(pool, entries, &details).await {
                        // The lock makes this unreachable between heards; a hand-made
                        // insert racing us is the only way, and trying again is right.
                        Err(e) if attempt < 5 && e.is_unique_violation() => continue,
                        other => return other,
                    }
                }
            }
        }
    }

    /// Walks the whole chain from row 1 and reports the first row that fails it.
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        let mut out = AuditVerification {
            rows_checked: 0,
            head: None,
            broken: None,
        };
        let mut prev_hash = GENESIS.to_string();
        let mut expected_id = 1i64;
        loop {
            let mut sql = Sql::new(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE id >= $1 ORDER BY id LIMIT $2"
            ));
            sql.params.push(Param::Int(expected_id));
            sql.params.push(Param::Int(VERIFY_PAGE));
            // Read as text so a row whose detail is no longer JSON still hashes as stored.
            let rows = fetch_sql!(self, sql, |r| Ok((
                r.int(0)?,
                r.int(1)?,
                r.opt_int(2)?,
                r.text(3)?,
                r.text(4)?,
                r.opt_text(5)?,
                r.opt_text(6)?,
                r.opt_text(7)?,
                r.opt_int(8)?,
                r.opt_text(9)?,
                r.text(10)?,
                r.text(11)?,
                r.text(12)?
            )));
            let n = rows.len();
            for (
                id,
                at,
                actor_id,
                actor,
                action,
                target_kind,
                target,
                case_ref,
                customer_id,
                source,
                detail,
                prev,
                hash,
            ) in rows
            {
                let reason = if id != expected_id {
                    Some(BreakReason::Gap { expected: expected_id })
                } else if prev != prev_hash {
                    Some(BreakReason::BrokenLink {
                        expected_prev: prev_hash.clone(),
                        found_prev: prev.clone(),
                    })
                } else {
                    let computed = chain_hash(
                        &prev,
                        &Fields {
                            id,
                            at,
                            actor_id,
                            actor: &actor,
                            action: &action,
                            target_kind: target_kind.as_deref(),
                            target: target.as_deref(),
                            case_ref: case_ref.as_deref(),
                            customer_id,
                            source: source.as_deref(),
                            detail: &detail,
                        },
                    );
                    (computed != hash).then(|| BreakReason::HashMismatch {
                        computed,
                        stored: hash.clone(),
                    })
                };
                if let Some(reason) = reason {
                    out.broken = Some(AuditBreak { id, reason });
                    return Ok(out);
                }
                out.rows_checked += 1;
                out.head = Some((id, hash.clone()));
                prev_hash = hash;
                expected_id = id + 1;
            }
            if (n as i64) < VERIFY_PAGE {
                return Ok(out);
            }
        }
    }

    /// Audit entries matching `f`, newest first, paged.
    pub async fn search_audit(&self, f: &AuditFilter) -> Result<Page<AuditRecord>> {
        let limit = page_size(f.limit);
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM audit_log WHERE 1 = 1"));
        if let Some(id) = f.actor_id {
            let p = sql.bind(Param::Int(id));
            sql.push(&format!(" AND actor_id = {p}"));
        }
        if let Some(a) = f.actor.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            let p = sql.bind(Param::Text(a.to_lowercase()));
            sql.push(&format!(" AND actor = {p}"));
        }
        if let Some(id) = f.customer_id {
            let p = sql.bind(Param::Int(id));
            sql.push(&format!(" AND customer_id = {p}"));
        }
        if let Some(r) = f.case_reference.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            let p = sql.bind(Param::Text(r.to_uppercase()));
            sql.push(&format!(" AND case_ref = {p}"));
        }
        if let Some(a) = f.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            match a.strip_suffix('*') {
                Some(prefix) => {
                    // Actions are words, dots and underscores; escape LIKE's own wildcards.
                    let escaped = prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    let p = sql.bind(Param::Text(format!("{escaped}%")));
                    sql.push(&format!(" AND action LIKE {p} ESCAPE '\\'"));
                }
                None => {
                    let p = sql.bind(Param::Text(a.to_string()));
                    sql.push(&format!(" AND action = {p}"));
                }
            }
        }
        if let Some(t) = f.from {
            let p = sql.bind(Param::Int(to_millis(t)));
            sql.push(&format!(" AND at >= {p}"));
        }
        if let Some(t) = f.to {
            let p = sql.bind(Param::Int(to_millis(t)));
            sql.push(&format!(" AND at < {p}"));
        }
        after_cursor(&mut sql, f.cursor, "at", "id");
        let lp = sql.bind(Param::Int(limit + 1));
        sql.push(&format!(" ORDER BY at DESC, id DESC LIMIT {lp}"));
        let items = fetch_sql!(self, sql, |r| record_from_row(r));
        Ok(finish_page(items, limit, |a: &AuditRecord| Cursor {
            at: to_millis(a.at),
            id: a.id,
        }))
    }

    /// How many entries the audit log holds.
    pub async fn audit_len(&self) -> Result<i64> {
        Ok(read!(self, |pool, _d| sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log"
        )
        .fetch_one(pool)
        .await?))
    }
}

/// One PostgreSQL append: lock, read the head, insert every entry in one statement.
async fn append_pg(pool: &sqlx::PgPool, entries: &[NewAuditEntry], details: &[String]) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(PG_APPEND_LOCK)
        .execute(&mut *tx)
        .await?;
    let last: Option<(i64, String)> = sqlx::query_as(LAST_ROW).fetch_optional(&mut *tx).await?;
    let (last_id, last_hash) = last.unwrap_or((0, GENESIS.to_string()));
    let chained = chain(entries, details, last_id, last_hash);
    let col = |f: fn(&NewAuditEntry) -> Option<String>| entries.iter().map(f).collect::<Vec<_>>();
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor, action, target_kind, target, case_ref, customer_id, source, \
         detail, prev_hash, hash) SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], \
         $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[])",
    )
    .bind(chained.iter().map(|c| c.id).collect::<Vec<_>>())
    .bind(chained.iter().map(|c| c.at).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.actor_id).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.actor.clone()).collect::<Vec<_>>())
    .bind(entries.iter().map(|e| e.action.clone()).collect::<Vec<_>>())
    .bind(col(|e| e.target_kind.clone()))
    .bind(col(|e| e.target.clone()))
    .bind(col(|e| e.case_reference.clone()))
    .bind(entries.iter().map(|e| e.customer_id).collect::<Vec<_>>())
    .bind(col(|e| e.source.clone()))
    .bind(chained.iter().map(|c| c.detail.clone()).collect::<Vec<_>>())
    .bind(chained.iter().map(|c| c.prev_hash.clone()).collect::<Vec<_>>())
    .bind(chained.iter().map(|c| c.hash.clone()).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(actor: &'a str, action: &'a str, target: Option<&'a str>) -> Fields<'a> {
        Fields {
            id: 1,
            at: 1_700_000_000_000,
            actor_id: Some(3),
            actor,
            action,
            target_kind: Some("case"),
            target,
            case_ref: None,
            customer_id: None,
            source: None,
            detail: "{}",
        }
    }

    #[test]
    fn the_encoding_is_unambiguous() {
        // Moving text from one field to the next changes the hash.
        let a = chain_hash(GENESIS, &fields("ab", "c", None));
        let b = chain_hash(GENESIS, &fields("a", "bc", None));
        assert_ne!(a, b);
        // An empty field is not an absent one.
        let c = chain_hash(GENESIS, &fields("a", "b", Some("")));
        let d = chain_hash(GENESIS, &fields("a", "b", None));
        assert_ne!(c, d);
        // The previous hash is part of it.
        assert_ne!(a, chain_hash(&"1".repeat(64), &fields("ab", "c", None)));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn chaining_links_each_row_to_the_one_before() {
        let e = NewAuditEntry::new(Some(1), "a@b.c", "case.read");
        let rows = chain(&[e.clone(), e], &["{}".into(), "{}".into()], 7, "f".repeat(64));
        assert_eq!((rows[0].id, rows[1].id), (8, 9));
        assert_eq!(rows[0].prev_hash, "f".repeat(64));
        assert_eq!(rows[1].prev_hash, rows[0].hash);
        assert_ne!(rows[0].hash, rows[1].hash);
    }
}
