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
    pub async fn set_case_status(
        &self,
        reference: &CaseReference,
        status: CaseStatus,
        actor: Option<i64>,
    ) -> Result<()> {
        self.set_case_status_noted(reference, status, actor, serde_json::Map::new())
            .await
    }

    /// [`Store::set_case_status`], adding `extra` (e.g. a note, or who asked) to the
    /// history entry.
    pub async fn set_case_status_noted(
        &self,
        reference: &CaseReference,
        status: CaseStatus,
        actor: Option<i64>,
        extra: serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres { " FOR UPDATE" } else { "" };
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT kind, status, due_at, clock_paused_at FROM cases WHERE id = $1{lock}"
            )))
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
            let mut detail = extra.clone();
            detail.insert("from".into(), serde_json::json!(from));
            detail.insert("to".into(), serde_json::json!(status));
            insert_event!(
                tx,
                reference.number(),
                now,
                actor,
                "status",
                serde_json::Value::Object(detail)
            );
            // Service-level clocks stop while the customer has the next move.
            let due: Option<i64> = row.try_get(2)?;
            let paused: Option<i64> = row.try_get(3)?;
            if status == CaseStatus::AwaitingCustomer && paused.is_none() {
                sqlx::query("UPDATE cases SET clock_paused_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(reference.number())
                    .execute(&mut *tx)
                    .await?;
                insert_event!(
                    tx,
                    reference.number(),
                    now,
                    actor,
                    "clock_paused",
                    serde_json::json!({"due": crate::clocks::stamp(due)})
                );
            } else if status != CaseStatus::AwaitingCustomer
                && let Some(paused) = paused
            {
                let (days, moved) = crate::clocks::resume(due, paused, now);
                sqlx::query("UPDATE cases SET due_at = $1, clock_paused_at = NULL WHERE id = $2")
                    .bind(moved)
                    .bind(reference.number())
                    .execute(&mut *tx)
                    .await?;
                let mut detail = crate::clocks::resumed_detail(days, due, moved);
                // The next update, if the level sets one, is counted from the resumption.
                let update_days: Option<i64> = sqlx::query_scalar(crate::clocks::UPDATE_DAYS)
                    .bind(reference.number())
                    .fetch_one(&mut *tx)
                    .await?;
                if let Some(update) = crate::clocks::update_due(now, update_days) {
                    let restarted = sqlx::query(crate::clocks::RESTART_UPDATE)
                        .bind(update)
                        .bind(reference.number())
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if restarted > 0 {
                        detail["next_update_due"] = serde_json::json!(crate::clocks::stamp(Some(update)));
                    }
                }
                insert_event!(tx, reference.number(), now, actor, "clock_resumed", detail);
                if status.is_open() {
                    sqlx::query(crate::clocks::REFRESH_NEXT_ACTION)
                        .bind(reference.number())
                        .execute(&mut *tx)
                        .await?;
                }
            }
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
                let active: Option<bool> = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
                    .bind(uid)
                    .fetch_optional(&mut *tx)
                    .await?;
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
            insert_event!(
                tx,
                reference.number(),
                now,
                actor,
                "assigned",
                serde_json::json!({"from": previous, "to": owner})
            );
            Ok(())
        })
    }

    /// Links `from` to `to` (e.g. an incident to its problem), recorded on both cases.
    pub async fn link_cases(
        &self,
        from: &CaseReference,
        to: &CaseReference,
        kind: CaseLinkKind,
        actor: Option<i64>,
    ) -> Result<()> {
        if from == to {
            return Err(Invalid::field("to", "a case cannot be linked to itself").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            for r in [from, to] {
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
                    .bind(r.number())
                    .fetch_optional(&mut *tx)
                    .await?;
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

/// A case opened by hand (a problem record, a case for a walk-in), not by a contact.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub service: String,
    pub kind: CaseKind,
    pub priority: heard_core::Priority,
    pub title: String,
    pub customer_id: i64,
    pub owner: Option<i64>,
}

impl Store {
    /// Opens a case; returns its id.
    pub async fn open_case(&self, c: &NewCase, actor: Option<i64>) -> Result<i64> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let service: Option<(i64, Option<i64>)> =
                sqlx::query_as("SELECT id, team_id FROM services WHERE slug = $1")
                    .bind(&c.service)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (service_id, team_id) =
                service.ok_or_else(|| Invalid::field("service", format!("no service `{}`", c.service)))?;
            let customer: Option<i64> = sqlx::query_scalar("SELECT id FROM customers WHERE id = $1")
                .bind(c.customer_id)
                .fetch_optional(&mut *tx)
                .await?;
            if customer.is_none() {
                return Err(Invalid::field("customer_id", format!("no customer {}", c.customer_id)).into());
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (service_id, kind, status, priority, owner_id, team_id, customer_id, title, created_at, updated_at) \
                 VALUES ($1, $2, 'new', $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(service_id)
            .bind(c.kind.as_str())
            .bind(c.priority.as_str())
            .bind(c.owner)
            .bind(team_id)
            .bind(c.customer_id)
            .bind(&c.title)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            insert_event!(
                tx,
                id,
                now,
                actor,
                "created",
                serde_json::json!({"service": c.service, "kind": c.kind, "by_hand": true})
            );
            Ok(id)
        })
    }
}
