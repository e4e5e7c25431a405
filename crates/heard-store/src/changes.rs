//! Changes to a case after intake. Each change and its history entry are one
//! transaction: the history can never miss a change, nor record one that did not land.

use crate::db::{insert_event, write_tx};
use crate::intake::parse_col;
use crate::{Dialect, Result, Store, StoreError, to_millis};
use heard_core::{CaseKind, CaseLinkKind, CaseReference, CaseStatus, Invalid};
use jiff::Timestamp;
use sqlx::Row;

impl Store {
    /// Moves a case to `status`, if its kind's lifecycle allows it.
    pub async fn set_case_status(&self, reference: &CaseReference, status: CaseStatus, actor: Option<i64>) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres { " FOR UPDATE" } else { "" };
            let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT kind, status FROM cases WHERE id = $1{lock}")))
                .bind(reference.number())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("case {reference}")))?;
            let kind: CaseKind = parse_col(&row.try_get::<String, _>(0)?)?;
            let from: CaseStatus = parse_col(&row.try_get::<String, _>(1)?)?;
            kind.allows(from, status).map_err(|e| Invalid::field("status", e))?;
            let closed_at = (!status.is_open()).then_some(now);
            sqlx::query("UPDATE cases SET status = $1, updated_at = $2, closed_at = $3 WHERE id = $4")
                .bind(status.as_str())
                .bind(now)
                .bind(closed_at)
                .bind(reference.number())
                .execute(&mut *tx)
                .await?;
            insert_event!(tx, reference.number(), now, actor, "status", serde_json::json!({"from": from, "to": status}));
            Ok(())
        })
    }

    /// Gives a case to a user (or to nobody).
    pub async fn assign_case(&self, reference: &CaseReference, owner: Option<i64>, actor: Option<i64>) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let previous: Option<Option<i64>> = sqlx::query_scalar("SELECT owner_id FROM cases WHERE id = $1")
                .bind(reference.number())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(previous) = previous else {
                return Err(StoreError::NotFound(format!("case {reference}")));
            };
            if let Some(uid) = owner {
                let active: Option<bool> = sqlx::query_scalar("SELECT active FROM users WHERE id = $1").bind(uid).fetch_optional(&mut *tx).await?;
                if active != Some(true) {
                    return Err(Invalid::field("owner", format!("no active user {uid}")).into());
                }
            }
            sqlx::query("UPDATE cases SET owner_id = $1, updated_at = $2 WHERE id = $3")
                .bind(owner)
                .bind(now)
                .bind(reference.number())
                .execute(&mut *tx)
                .await?;
            insert_event!(tx, reference.number(), now, actor, "assigned", serde_json::json!({"from": previous, "to": owner}));
            Ok(())
        })
    }

    /// Links `from` to `to` (e.g. an incident to its problem), recorded on both cases.
    pub async fn link_cases(&self, from: &CaseReference, to: &CaseReference, kind: CaseLinkKind, actor: Option<i64>) -> Result<()> {
        if from == to {
            return Err(Invalid::field("to", "a case cannot be linked to itself").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            for r in [from, to] {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1").bind(r.number()).fetch_optional(&mut *tx).await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound(format!("case {r}")));
                }
            }
            sqlx::query("INSERT INTO case_links (from_case_id, to_case_id, kind, created_at, created_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
                .bind(from.number())
                .bind(to.number())
                .bind(kind.as_str())
                .bind(now)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
            let detail = serde_json::json!({"kind": kind, "from": from.to_string(), "to": to.to_string()});
            insert_event!(tx, from.number(), now, actor, "linked", detail);
            insert_event!(tx, to.number(), now, actor, "linked", detail);
            Ok(())
        })
    }
}
