//! The retention schedule on stored cases (migration 0014): which closed cases are past
//! their rule (`heard_core::retention`), and removing their personal data — the same
//! scrub as erasure (`erasure::Scope`), one case at a time, each with a `retention`
//! history entry and a row in `retention_log`, in one transaction.

use crate::db::{insert_event, read, write_tx};
use crate::erasure::{Scope, orphaned};
use crate::{Result, Store, StoreError, from_millis, to_millis};
use heard_core::retention::{RetentionRule, rule_for};
use heard_core::{CaseKind, CaseReference};
use jiff::{Timestamp, ToSpan, tz::TimeZone};

/// A closed case past its rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub case: CaseReference,
    pub service: String,
    pub kind: CaseKind,
    pub closed_at: Timestamp,
    /// The rule, described (`complaint cases of every service, 6 years`).
    pub rule: String,
}

/// What a run removed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub cases: Vec<Due>,
    /// Files nothing uses any more: the caller removes their bytes.
    pub orphaned_files: Vec<String>,
}

impl Store {
    /// Closed cases past their rule at `now`, not yet taken, oldest first: the dry run.
    pub async fn retention_due(&self, rules: &[RetentionRule], now: Timestamp, prefix: &str) -> Result<Vec<Due>> {
        let Some(shortest) = rules.iter().map(|r| r.after_years).min() else {
            return Ok(Vec::new());
        };
        // Nothing closed after the shortest rule's cut-off can be due: read only older.
        let cutoff = years_before(now, shortest)?;
        let rows: Vec<(i64, String, String, i64)> = read!(self, |pool, _d| {
            let r = sqlx::query_as(
                "SELECT k.id, s.slug, k.kind, k.closed_at FROM cases k JOIN services s ON s.id = k.service_id \
                 WHERE k.closed_at IS NOT NULL AND k.closed_at < $1 AND k.status IN ('closed', 'resolved') \
                 AND NOT EXISTS (SELECT 1 FROM retention_log l WHERE l.case_id = k.id) ORDER BY k.closed_at, k.id",
            )
            .bind(to_millis(cutoff))
            .fetch_all(pool)
            .await?;
            Ok::<_, StoreError>(r)
        })?;
        let mut due = Vec::new();
        for (id, service, kind, closed) in rows {
            let kind: CaseKind = kind.parse().map_err(StoreError::Schema)?;
            let Some(rule) = rule_for(rules, &service, kind) else {
                continue;
            };
            let closed_at = from_millis(closed);
            if closed_at < years_before(now, rule.after_years)? {
                due.push(Due {
                    case: CaseReference::new(prefix, id).map_err(StoreError::Schema)?,
                    service,
                    kind,
                    closed_at,
                    rule: rule.describe(),
                });
            }
        }
        Ok(due)
    }

    /// Removes the personal data of each case in `due` (see the module docs).
    pub async fn apply_retention(&self, due: &[Due]) -> Result<Applied> {
        let now = to_millis(Timestamp::now());
        let mut applied = Applied::default();
        let scope = Scope {
            contacts: "SELECT id FROM contacts WHERE case_id = $1",
            cases: "SELECT id FROM cases WHERE id = $1",
        };
        for d in due {
            let case = d.case.number();
            let files = write_tx!(self, |tx, _d| {
                let taken = sqlx::query(
                    "INSERT INTO retention_log (case_id, rule, closed_at, at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (case_id) DO NOTHING",
                )
                .bind(case)
                .bind(&d.rule)
                .bind(to_millis(d.closed_at))
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                // None: another node took it (the macro's body cannot return early).
                if taken == 0 {
                    Ok::<_, StoreError>(None)
                } else {
                    let files: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(scope.files()))
                        .bind(case)
                        .fetch_all(&mut *tx)
                        .await?;
                    for sql in scope.statements() {
                        sqlx::query(sqlx::AssertSqlSafe(sql))
                            .bind(case)
                            .execute(&mut *tx)
                            .await?;
                    }
                    insert_event!(
                        tx,
                        case,
                        now,
                        None::<i64>,
                        "retention",
                        serde_json::json!({ "rule": d.rule })
                    );
                    let orphaned = orphaned!(tx, files);
                    Ok(Some(orphaned))
                }
            })?;
            if let Some(files) = files {
                applied.orphaned_files.extend(files);
                applied.cases.push(d.clone());
            }
        }
        Ok(applied)
    }
}

/// `years` calendar years before `now` (in UTC: a day either way does not matter here).
fn years_before(now: Timestamp, years: u32) -> Result<Timestamp> {
    now.to_zoned(TimeZone::UTC)
        .checked_sub(i64::from(years).years())
        .map(|z| z.timestamp())
        .map_err(|e| StoreError::Schema(format!("retention date: {e}")))
}

#[cfg(feature = "testing")]
impl Store {
    /// Tests only: says a case closed at `at` (a schedule of years cannot wait).
    pub async fn backdate_closing(&self, case: &CaseReference, at: Timestamp) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query("UPDATE cases SET closed_at = $1 WHERE id = $2")
                .bind(to_millis(at))
                .bind(case.number())
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(())
        })
    }
}
