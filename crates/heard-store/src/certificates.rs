//! Registrar certificate orders on certificate cases (migration 0024): the order with its
//! fee fixed when saved, whether it is paid (a successful payment by link on the case for at
//! least the fee, or recorded as paid another way), and its dispatch. Saving, and
//! dispatching, each write the case's history entry in the same transaction; dispatching
//! resolves the case.

use crate::db::{insert_event, read, write_tx};
use crate::intake::parse_col;
use crate::{Dialect, Result, Store, StoreError, from_millis, to_millis};
use heard_core::certificate::{CertificateOrder, CertificateType};
use heard_core::{CaseKind, CaseReference, CaseStatus, Invalid};
use jiff::Timestamp;

/// A stored order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    pub order: CertificateOrder,
    pub fee_pence: i64,
    pub created_at: Timestamp,
    pub dispatched_at: Option<Timestamp>,
    pub dispatched_by: Option<String>,
    /// How it was paid when not by link ("cash at the register office"); empty otherwise.
    pub paid_otherwise: String,
    /// Pence paid by link on this case (payments that succeeded).
    pub paid_by_link_pence: i64,
}

impl OrderRecord {
    /// Paid in full, by link or another way.
    pub fn paid(&self) -> bool {
        self.paid_by_link_pence >= self.fee_pence || !self.paid_otherwise.is_empty()
    }
}

type Row = (
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    String,
    i64,
);

const ORDER: &str = "SELECT o.certificate, o.names, o.event_on, o.event_place, o.copies, o.delivery_address, \
     o.fee_pence, o.created_at, o.dispatched_at, u.name, o.paid_otherwise, \
     CAST(COALESCE((SELECT SUM(p.amount_pence) FROM case_payments p WHERE p.case_id = o.case_id \
       AND p.status = 'success'), 0) AS BIGINT) \
     FROM certificate_orders o LEFT JOIN users u ON u.id = o.dispatched_by WHERE o.case_id = $1";

fn record(r: Row) -> Result<OrderRecord> {
    let certificate: CertificateType = parse_col(&r.0)?;
    let event_on =
        r.2.parse()
            .map_err(|e| StoreError::Schema(format!("certificate_orders.event_on: {e}")))?;
    Ok(OrderRecord {
        order: CertificateOrder {
            certificate,
            names: r.1,
            event_on,
            event_place: r.3,
            copies: u32::try_from(r.4).unwrap_or(0),
            delivery_address: r.5,
        },
        fee_pence: r.6,
        created_at: from_millis(r.7),
        dispatched_at: r.8.map(from_millis),
        dispatched_by: r.9,
        paid_otherwise: r.10,
        paid_by_link_pence: r.11,
    })
}

impl Store {
    /// The order on case `reference`, if one was saved.
    pub async fn certificate_order(&self, reference: &CaseReference) -> Result<Option<OrderRecord>> {
        let row: Option<Row> = read!(self, |pool, _d| {
            sqlx::query_as(ORDER)
                .bind(reference.number())
                .fetch_optional(pool)
                .await?
        });
        row.map(record).transpose()
    }

    /// Saves (or corrects, until dispatched) the order on a certificate case, with its fee.
    pub async fn save_certificate_order(
        &self,
        reference: &CaseReference,
        order: &CertificateOrder,
        fee_pence: u32,
        actor: i64,
    ) -> Result<()> {
        let now = to_millis(Timestamp::now());
        let case_id = reference.number();
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres { " FOR UPDATE" } else { "" };
            let kind: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT kind FROM cases WHERE id = $1{lock}"
            )))
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
            let kind: CaseKind = parse_col(&kind.ok_or_else(|| StoreError::NotFound(format!("case {reference}")))?)?;
            if kind != CaseKind::Certificate {
                return Err(Invalid::field("kind", "this case is not a certificate order").into());
            }
            let dispatched: Option<Option<i64>> =
                sqlx::query_scalar("SELECT dispatched_at FROM certificate_orders WHERE case_id = $1")
                    .bind(case_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if matches!(dispatched, Some(Some(_))) {
                return Err(
                    Invalid::field("certificate", "the certificates were posted; the order cannot change").into(),
                );
            }
            let existed = dispatched.is_some();
            let sql = if existed {
                "UPDATE certificate_orders SET certificate = $2, names = $3, event_on = $4, event_place = $5, copies = $6, \
                 delivery_address = $7, fee_pence = $8, updated_at = $9 WHERE case_id = $1"
            } else {
                "INSERT INTO certificate_orders (case_id, certificate, names, event_on, event_place, copies, \
                 delivery_address, fee_pence, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $9, $9)"
            };
            let q = sqlx::query(sql)
                .bind(case_id)
                .bind(order.certificate.as_str())
                .bind(&order.names)
                .bind(order.event_on.to_string())
                .bind(&order.event_place)
                .bind(i64::from(order.copies))
                .bind(&order.delivery_address)
                .bind(i64::from(fee_pence))
                .bind(now);
            let q = if existed { q } else { q.bind(actor) };
            q.execute(&mut *tx).await?;
            sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            insert_event!(
                tx,
                case_id,
                now,
                Some(actor),
                if existed {
                    "certificate_order_changed"
                } else {
                    "certificate_order"
                },
                serde_json::json!({
                    "certificate": order.certificate,
                    "copies": order.copies,
                    "fee_pence": fee_pence,
                })
            );
            Ok::<(), StoreError>(())
        })
    }

    /// Records the certificates as posted and resolves the case. Refused until the fee is
    /// paid, unless `paid_otherwise` says how it was (then recorded).
    pub async fn dispatch_certificates(
        &self,
        reference: &CaseReference,
        paid_otherwise: &str,
        actor: i64,
    ) -> Result<()> {
        let now = to_millis(Timestamp::now());
        let case_id = reference.number();
        let paid_otherwise = paid_otherwise.trim();
        if paid_otherwise.chars().count() > 200 {
            return Err(Invalid::field("paid_otherwise", "at most 200 characters").into());
        }
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres { " FOR UPDATE OF o" } else { "" };
            let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{ORDER}{lock}")))
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                return Err(Invalid::field("certificate", "save the order before posting it").into());
            };
            let mut order = record(row)?;
            if order.dispatched_at.is_some() {
                return Err(Invalid::field("dispatch", "the certificates were posted already").into());
            }
            if !paid_otherwise.is_empty() {
                order.paid_otherwise = paid_otherwise.to_string();
            }
            if !order.paid() {
                return Err(Invalid::field(
                    "paid_otherwise",
                    "the fee is not paid yet: wait for the payment, or say how it was paid",
                )
                .into());
            }
            sqlx::query(
                "UPDATE certificate_orders SET dispatched_at = $1, dispatched_by = $2, paid_otherwise = $3, updated_at = $1 \
                 WHERE case_id = $4",
            )
            .bind(now)
            .bind(actor)
            .bind(&order.paid_otherwise)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
            insert_event!(
                tx,
                case_id,
                now,
                Some(actor),
                "certificates_dispatched",
                serde_json::json!({"copies": order.order.copies, "paid_otherwise": order.paid_otherwise})
            );
            let from: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_one(&mut *tx)
                .await?;
            let from: CaseStatus = parse_col(&from)?;
            if from.is_open() {
                sqlx::query("UPDATE cases SET status = 'resolved', closed_at = $1, updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
                insert_event!(
                    tx,
                    case_id,
                    now,
                    Some(actor),
                    "status",
                    serde_json::json!({"from": from, "to": CaseStatus::Resolved})
                );
            }
            Ok::<(), StoreError>(())
        })
    }
}
