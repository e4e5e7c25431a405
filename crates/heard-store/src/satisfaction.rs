//! Satisfaction answers (migration 0010) and the follow-up an unhappy one opens.
//!
//! An unhappy answer (`heard_core::satisfaction::is_unhappy`) must not slip: in the
//! same transaction as the answer, a closed or resolved case reopens, goes to its team's
//! manager, and gets a follow-up due in two working days — so it is in the manager's
//! queues until someone acts on it.

use crate::db::{insert_event, read, write_tx};
use crate::workspace::refresh_next_action;
use crate::{Result, Store, StoreError, to_millis};
use heard_core::CaseReference;
use jiff::Timestamp;
use serde::Serialize;

/// One answer to record.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    pub case: CaseReference,
    /// 1–5.
    pub score: u8,
    pub comment: String,
    pub unhappy: bool,
}

/// What recording an answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerOutcome {
    /// False when the resident had answered before (the new answer replaces it).
    pub first: bool,
    /// The case was reopened for a follow-up.
    pub reopened: bool,
    /// The manager the follow-up went to, when the team has one.
    pub manager: Option<i64>,
}

/// One line of the satisfaction report: a service, channel or staff member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SatisfactionRow {
    pub group: String,
    pub answers: i64,
    /// Mean score, 1–5.
    pub mean: f64,
    /// Share answering 4 or 5.
    pub satisfied: f64,
    /// Share whose answer was a dissatisfaction signal.
    pub unhappy: f64,
}

/// The report: by service, by channel, by the staff member who owned the case.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SatisfactionReport {
    pub total: Option<SatisfactionRow>,
    pub by_service: Vec<SatisfactionRow>,
    pub by_channel: Vec<SatisfactionRow>,
    pub by_agent: Vec<SatisfactionRow>,
}

/// (customer, service, status, owner, team) of the case answered about.
type CaseFacts = (i64, i64, String, Option<i64>, Option<i64>);
/// (group, answers, mean, satisfied share, unhappy share) as the database gives them.
type GroupRow = (String, i64, Option<f64>, Option<f64>, Option<f64>);

impl Store {
    /// Records the case's customer's answer (replacing an earlier one) with a
    /// `satisfaction` history entry; when it is unhappy, reopens the case for its team's
    /// manager with a follow-up (see the module docs). One transaction.
    pub async fn record_satisfaction(&self, a: &NewAnswer) -> Result<AnswerOutcome> {
        let now = to_millis(Timestamp::now());
        let case = a.case.number();
        let follow_up_due = crate::workspace::first_reply_due(now).unwrap_or(now + 2 * 86_400_000);
        write_tx!(self, |tx, d| {
            let lock = if d == crate::Dialect::Postgres {
                " FOR UPDATE"
            } else {
                ""
            };
            let row: Option<CaseFacts> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT customer_id, service_id, status, owner_id, team_id FROM cases WHERE id = $1{lock}"
            )))
            .bind(case)
            .fetch_optional(&mut *tx)
            .await?;
            let (customer, service, status, owner, team) =
                row.ok_or_else(|| StoreError::NotFound(format!("case {}", a.case)))?;
            let channel: Option<String> =
                sqlx::query_scalar("SELECT channel FROM contacts WHERE case_id = $1 ORDER BY id LIMIT 1")
                    .bind(case)
                    .fetch_optional(&mut *tx)
                    .await?;
            let before: Option<i64> =
                sqlx::query_scalar("SELECT id FROM satisfaction WHERE case_id = $1 AND customer_id = $2")
                    .bind(case)
                    .bind(customer)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO satisfaction (case_id, customer_id, score, comment, unhappy, service_id, channel, owner_id, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (case_id, customer_id) DO UPDATE SET \
                 score = excluded.score, comment = excluded.comment, unhappy = excluded.unhappy, at = excluded.at",
            )
            .bind(case)
            .bind(customer)
            .bind(i64::from(a.score))
            .bind(&a.comment)
            .bind(a.unhappy)
            .bind(service)
            .bind(&channel)
            .bind(owner)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            insert_event!(
                tx,
                case,
                now,
                None::<i64>,
                "satisfaction",
                serde_json::json!({"score": a.score, "comment": a.comment, "unhappy": a.unhappy})
            );
            let mut outcome = AnswerOutcome {
                first: before.is_none(),
                reopened: false,
                manager: None,
            };
            if !a.unhappy {
                return Ok(outcome);
            }
            if status == "resolved" || status == "closed" {
                sqlx::query("UPDATE cases SET status = 'open', closed_at = NULL WHERE id = $1")
                    .bind(case)
                    .execute(&mut *tx)
                    .await?;
                insert_event!(
                    tx,
                    case,
                    now,
                    None::<i64>,
                    "status",
                    serde_json::json!({"from": status, "to": "open", "via": "satisfaction"})
                );
                outcome.reopened = true;
            }
            let manager: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM users WHERE team_id = $1 AND role = 'team_manager' AND active ORDER BY id LIMIT 1",
            )
            .bind(team)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(m) = manager
                && owner != Some(m)
            {
                sqlx::query("UPDATE cases SET owner_id = $1 WHERE id = $2")
                    .bind(m)
                    .bind(case)
                    .execute(&mut *tx)
                    .await?;
                insert_event!(
                    tx,
                    case,
                    now,
                    None::<i64>,
                    "assigned",
                    serde_json::json!({"from": owner, "to": m, "via": "satisfaction"})
                );
            }
            outcome.manager = manager;
            let note = if a.comment.trim().is_empty() {
                format!(
                    "The resident is dissatisfied ({}/5). Contact them, and offer a complaint.",
                    a.score
                )
            } else {
                format!(
                    "The resident is dissatisfied ({}/5): \"{}\". Contact them, and offer a complaint.",
                    a.score,
                    a.comment.trim()
                )
            };
            sqlx::query(
                "INSERT INTO case_follow_ups (case_id, due_at, note, created_by, created_at) VALUES ($1, $2, $3, NULL, $4)",
            )
            .bind(case)
            .bind(follow_up_due)
            .bind(&note)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            refresh_next_action!(tx, case, now);
            Ok::<_, StoreError>(outcome)
        })
    }

    /// Answers since `since`, grouped three ways; `services` limits them to those
    /// services (a back-office officer's), `None` for all.
    pub async fn satisfaction_report(
        &self,
        since: Timestamp,
        services: Option<&[String]>,
    ) -> Result<SatisfactionReport> {
        let since = to_millis(since);
        // The service filter as bound slugs: at most a handful.
        let (filter, slugs): (String, Vec<String>) = match services {
            None => (String::new(), Vec::new()),
            Some(list) => {
                let marks: Vec<String> = (0..list.len()).map(|i| format!("${}", i + 2)).collect();
                let marks = if marks.is_empty() {
                    "NULL".to_string()
                } else {
                    marks.join(", ")
                };
                (format!(" AND s.slug IN ({marks})"), list.to_vec())
            }
        };
        let grouped = |key: &str| {
            format!(
                "SELECT CAST({key} AS TEXT), COUNT(*), CAST(AVG(a.score) AS DOUBLE PRECISION), \
                 CAST(AVG(CASE WHEN a.score >= 4 THEN 1.0 ELSE 0.0 END) AS DOUBLE PRECISION), \
                 CAST(AVG(CASE WHEN a.unhappy THEN 1.0 ELSE 0.0 END) AS DOUBLE PRECISION) \
                 FROM satisfaction a JOIN services s ON s.id = a.service_id LEFT JOIN users u ON u.id = a.owner_id \
                 WHERE a.at >= $1{filter} GROUP BY 1 ORDER BY 2 DESC, 1"
            )
        };
        let mut report = SatisfactionReport::default();
        for (i, key) in [
            "'All'",
            "s.name",
            "COALESCE(a.channel, 'unknown')",
            "COALESCE(u.name, 'Nobody')",
        ]
        .iter()
        .enumerate()
        {
            let sql = grouped(key);
            let rows: Vec<GroupRow> = read!(self, |pool, _d| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(since);
                for s in &slugs {
                    q = q.bind(s);
                }
                let r = q.fetch_all(pool).await?;
                Ok::<_, StoreError>(r)
            })?;
            let rows: Vec<SatisfactionRow> = rows
                .into_iter()
                .map(|(group, answers, mean, satisfied, unhappy)| SatisfactionRow {
                    group,
                    answers,
                    mean: mean.unwrap_or(0.0),
                    satisfied: satisfied.unwrap_or(0.0),
                    unhappy: unhappy.unwrap_or(0.0),
                })
                .collect();
            match i {
                0 => report.total = rows.into_iter().next(),
                1 => report.by_service = rows,
                2 => report.by_channel = rows,
                _ => report.by_agent = rows,
            }
        }
        Ok(report)
    }
}
