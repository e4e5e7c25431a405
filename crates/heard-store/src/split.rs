//! Splitting a case: some of its messages are about another matter ("and while I'm
//! writing, the streetlight is out too"), so they move to a new case of their own — same
//! service (transfer it after if it belongs elsewhere), the customer who wrote the first of
//! them, the deadlines the original had (the clock started when the resident wrote) — and
//! the two cases are linked as related. Merging the new case back undoes it.

use crate::db::{insert_event, write_tx};
use crate::workspace::refresh_next_action;
use crate::{Result, Store, StoreError, to_millis};
use heard_core::{CaseKind, CaseReference, Invalid};
use jiff::Timestamp;

/// The longest title a split case may be given.
const MAX_TITLE: usize = 200;

impl Store {
    /// Moves `contacts` of case `from` to a new case titled `title`; returns its number.
    /// With `as_kind`, the new case is of that kind: a complaint taken from messages on a
    /// service request starts when the first of them was received, with the Complaint
    /// Handling Code's acknowledgement deadline instead of the original's.
    pub async fn split_case(
        &self,
        from: &CaseReference,
        contacts: &[i64],
        title: &str,
        as_kind: Option<CaseKind>,
        actor: i64,
    ) -> Result<i64> {
        let title = title.trim();
        if contacts.is_empty() {
            return Err(Invalid::field("contacts", "choose the messages that belong to the new case").into());
        }
        if title.is_empty() {
            return Err(Invalid::field("title", "give the new case a title").into());
        }
        if title.chars().count() > MAX_TITLE {
            return Err(Invalid::field("title", format!("at most {MAX_TITLE} characters")).into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let lock = if d == crate::Dialect::Postgres {
                " FOR UPDATE"
            } else {
                ""
            };
            type Row = (
                i64,
                String,
                String,
                Option<i64>,
                Option<i64>,
                Option<i64>,
                Option<i64>,
                Option<i64>,
            );
            let case: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT service_id, kind, priority, team_id, due_at, first_response_due_at, update_days, site_id \
                 FROM cases WHERE id = $1{lock}"
            )))
            .bind(from.number())
            .fetch_optional(&mut *tx)
            .await?;
            let (service, mut kind, priority, team, mut due_at, mut first_response, update_days, site) =
                case.ok_or_else(|| StoreError::NotFound(format!("case {from}")))?;
            let mine: Vec<(i64, i64, i64)> = sqlx::query_as(
                "SELECT id, customer_id, received_at FROM contacts WHERE case_id = $1 ORDER BY received_at, id",
            )
            .bind(from.number())
            .fetch_all(&mut *tx)
            .await?;
            if let Some(stray) = contacts.iter().find(|c| !mine.iter().any(|(id, _, _)| id == *c)) {
                return Err(Invalid::field("contacts", format!("message {stray} is not on case {from}")).into());
            }
            if mine.iter().all(|(id, _, _)| contacts.contains(id)) {
                return Err(Invalid::field(
                    "contacts",
                    "leave at least one message on this case (to move them all, transfer the case)",
                )
                .into());
            }
            let (customer, first_received) = mine
                .iter()
                .find(|(id, _, _)| contacts.contains(id))
                .map(|(_, c, at)| (*c, *at))
                .unwrap_or((0, now));
            let mut created = now;
            if let Some(k) = as_kind
                && k.as_str() != kind
            {
                kind = k.as_str().to_string();
                if k == CaseKind::Complaint {
                    created = first_received;
                    first_response = crate::complaints::acknowledge_due_ms(first_received);
                    due_at = None;
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO cases (service_id, kind, status, priority, team_id, customer_id, site_id, title, created_at, \
                 updated_at, due_at, first_response_due_at, update_days) \
                 VALUES ($1, $2, 'new', $3, $4, $5, $6, $7, $8, $12, $9, $10, $11) RETURNING id",
            )
            .bind(service)
            .bind(&kind)
            .bind(&priority)
            .bind(team)
            .bind(customer)
            .bind(site)
            .bind(title)
            .bind(created)
            .bind(due_at)
            .bind(first_response)
            .bind(update_days)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for c in contacts {
                sqlx::query("UPDATE contacts SET case_id = $1 WHERE id = $2 AND case_id = $3")
                    .bind(id)
                    .bind(c)
                    .bind(from.number())
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO case_links (from_case_id, to_case_id, kind, created_at, created_by) \
                 VALUES ($1, $2, 'related', $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(from.number())
            .bind(now)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
            let reference = CaseReference::new(from.prefix(), id).map_err(|e| StoreError::Schema(e.to_string()))?;
            let detail = serde_json::json!({"from": from.to_string(), "to": reference.to_string(), "contacts": contacts.len(), "kind": kind});
            insert_event!(tx, from.number(), now, Some(actor), "split_to", detail);
            insert_event!(tx, id, now, Some(actor), "split_from", detail);
            refresh_next_action!(tx, id, now);
            refresh_next_action!(tx, from.number(), now);
            Ok(id)
        })
    }
}
