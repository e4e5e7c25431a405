//! Intake: turning a validated [`NewContact`] into a stored contact on the right
//! customer and case, in one transaction.
//!
//! The rules, in order:
//! 1. A repeated `external_id` on the same channel is the same contact: nothing is
//!    written and the existing contact is returned (idempotent retries, webhook replays).
//! 2. The sender's identity finds the customer, or a new customer is created for it.
//! 3. A case reference quoted in the subject or body (`[HRD-000123]`) joins that case,
//!    when it is open and the customer's own.
//! 4. Otherwise the contact is routed to a service (the sender's hint, else keywords,
//!    else the default) and joins the customer's open case in that service, or opens
//!    a new case there (linked as related to any closed case it quoted).

use crate::db::{insert_event, write_tx};
use crate::{Dialect, Result, Store, StoreError, to_millis};
use heard_core::{CaseKind, CaseReference, CaseStatus, Channel, NewContact, Priority, Router};
use jiff::Timestamp;
use sqlx::Row;

/// What intake needs to know about the council.
#[derive(Debug, Clone)]
pub struct IntakeConfig {
    /// Case reference prefix, e.g. `HRD`.
    pub reference_prefix: String,
    /// Keyword routing, built from the services' keywords.
    pub router: Router,
    /// Where a contact goes when nothing routes it.
    pub default_service: String,
}

/// An attachment whose bytes are already in the attachment store.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// What intake did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeOutcome {
    pub contact_id: i64,
    pub customer_id: i64,
    pub case_id: i64,
    pub case_reference: CaseReference,
    pub case_status: CaseStatus,
    pub service: String,
    /// False when the contact was already stored (repeated `external_id`).
    pub created: bool,
    /// True when this contact opened a new case.
    pub case_created: bool,
    /// True when this contact created a new customer.
    pub customer_created: bool,
}

/// Internal signal that a concurrent transaction won a race; the whole intake retries.
const RACE: &str = "concurrent intake of the same identity or external id";

impl Store {
    /// Stores one contact (see the module docs for the rules). Atomic: on any error
    /// nothing of it is kept.
    pub async fn intake(
        &self,
        contact: &NewContact,
        files: &[StoredFile],
        config: &IntakeConfig,
    ) -> Result<IntakeOutcome> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(ext) = &contact.external_id
                && let Some(existing) = self
                    .contact_by_external_id(contact.channel, ext, &config.reference_prefix)
                    .await?
            {
                return Ok(existing);
            }
            match self.intake_once(contact, files, config).await {
                Err(e)
                    if attempt < 5
                        && (e.is_unique_violation() || matches!(&e, StoreError::Conflict(m) if m == RACE)) =>
                {
                    tracing::debug!(attempt, "intake raced another writer; retrying");
                }
                other => return other,
            }
        }
    }

    /// The contact already stored under `(channel, external_id)`, if any.
    pub async fn contact_by_external_id(
        &self,
        channel: Channel,
        external_id: &str,
        prefix: &str,
    ) -> Result<Option<IntakeOutcome>> {
        let row = crate::db::read!(self, |pool, d| {
            sqlx::query(
                "SELECT c.id, c.customer_id, c.case_id, k.status, s.slug FROM contacts c \
                 JOIN cases k ON k.id = c.case_id JOIN services s ON s.id = k.service_id \
                 WHERE c.channel = $1 AND c.external_id = $2",
            )
            .bind(channel.as_str())
            .bind(external_id)
            .fetch_optional(pool)
            .await?
            .map(|r| -> Result<_> {
                Ok((
                    r.try_get::<i64, _>(0)?,
                    r.try_get::<i64, _>(1)?,
                    r.try_get::<i64, _>(2)?,
                    r.try_get::<String, _>(3)?,
                    r.try_get::<String, _>(4)?,
                ))
            })
            .transpose()?
        });
        row.map(|(contact_id, customer_id, case_id, status, service)| {
            Ok(IntakeOutcome {
                contact_id,
                customer_id,
                case_id,
                case_reference: reference(prefix, case_id)?,
                case_status: parse_col(&status)?,
                service,
                created: false,
                case_created: false,
                customer_created: false,
            })
        })
        .transpose()
    }

    async fn intake_once(&self, c: &NewContact, files: &[StoredFile], config: &IntakeConfig) -> Result<IntakeOutcome> {
        let now = to_millis(Timestamp::now());
        let received = to_millis(c.received_at);
        let identity = &c.sender.identity;
        let text = c.text();
        let routed = match &c.service {
            Some(s) => s.clone(),
            None => config
                .router
                .route(&text)
                .unwrap_or(&config.default_service)
                .to_string(),
        };
        let quoted = c.quoted_references(&config.reference_prefix);
        let kind_hint = c.kind.map(|k| k.as_str());
        let new_kind = c.kind.unwrap_or(if c.channel == Channel::ServiceDesk {
            CaseKind::Incident
        } else {
            CaseKind::Enquiry
        });
        let priority = c.priority.unwrap_or(Priority::Normal);
        let title = case_title(c);

        write_tx!(self, |tx, d| {
            // 2. Customer by identity.
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2")
                    .bind(identity.kind.as_str())
                    .bind(&identity.value)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (customer_id, customer_created) = match existing {
                Some(id) => (id, false),
                None => {
                    let name = c.sender.display_name.clone().unwrap_or_else(|| identity.value.clone());
                    let search_text = format!("{name} {}", identity.value);
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO customers (kind, name, search_text, created_at, updated_at) VALUES ('person', $1, $2, $3, $3) RETURNING id",
                    )
                    .bind(&name)
                    .bind(&search_text)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    let inserted: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO customer_identities (customer_id, kind, value, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (kind, value) DO NOTHING RETURNING id",
                    )
                    .bind(id)
                    .bind(identity.kind.as_str())
                    .bind(&identity.value)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if inserted.is_none() {
                        return Err(StoreError::Conflict(RACE.into()));
                    }
                    (id, true)
                }
            };
            if d == Dialect::Postgres {
                // Serialise intake per customer across nodes, so two contacts arriving
                // together from one new customer cannot open two cases.
                sqlx::query("SELECT id FROM customers WHERE id = $1 FOR UPDATE")
                    .bind(customer_id)
                    .execute(&mut *tx)
                    .await?;
            }

            // 3. A quoted reference to one of the customer's open cases.
            let mut chosen: Option<(i64, String, String)> = None; // (case id, status, service slug)
            let mut closed_quoted: Option<i64> = None;
            for r in &quoted {
                let row = sqlx::query("SELECT k.id, k.status, s.slug, k.customer_id FROM cases k JOIN services s ON s.id = k.service_id WHERE k.id = $1")
                    .bind(r.number())
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(row) = row {
                    let (id, status, slug, owner): (i64, String, String, i64) =
                        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
                    if owner != customer_id {
                        continue;
                    }
                    if parse_col::<CaseStatus>(&status)?.is_open() {
                        chosen = Some((id, status, slug));
                        break;
                    }
                    closed_quoted.get_or_insert(id);
                }
            }

            // 4. The routed service: the customer's open case there, or a new one.
            let service_row = sqlx::query("SELECT id, team_id FROM services WHERE slug = $1")
                .bind(&routed)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(service_row) = service_row else {
                return Err(heard_core::Invalid::field("service", format!("no service `{routed}`")).into());
            };
            let (service_id, team_id): (i64, Option<i64>) = (service_row.try_get(0)?, service_row.try_get(1)?);
            if chosen.is_none() && closed_quoted.is_none() {
                let row = sqlx::query(
                    "SELECT id, status FROM cases WHERE customer_id = $1 AND service_id = $2 \
                     AND status NOT IN ('resolved', 'closed') AND ($3 IS NULL OR kind = $3) \
                     ORDER BY updated_at DESC, id DESC LIMIT 1",
                )
                .bind(customer_id)
                .bind(service_id)
                .bind(kind_hint)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = row {
                    chosen = Some((row.try_get(0)?, row.try_get(1)?, routed.clone()));
                }
            }
            let (case_id, status, service, case_created) = match chosen {
                Some((id, status, slug)) => {
                    let mut status: CaseStatus = parse_col(&status)?;
                    if status == CaseStatus::AwaitingCustomer && c.direction == heard_core::Direction::Inbound {
                        // The customer answered: the case is theirs to work again.
                        let resumed = CaseStatus::Open;
                        sqlx::query("UPDATE cases SET status = $1 WHERE id = $2")
                            .bind(resumed.as_str())
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        insert_event!(
                            tx,
                            id,
                            now,
                            None::<i64>,
                            "status",
                            serde_json::json!({"from": status, "to": resumed, "reason": "customer replied"})
                        );
                        status = resumed;
                    }
                    sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2 AND updated_at < $1")
                        .bind(received.max(now))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    (id, status, slug, false)
                }
                None => {
                    let status = CaseStatus::New;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO cases (service_id, kind, status, priority, team_id, customer_id, title, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    )
                    .bind(service_id)
                    .bind(new_kind.as_str())
                    .bind(status.as_str())
                    .bind(priority.as_str())
                    .bind(team_id)
                    .bind(customer_id)
                    .bind(&title)
                    .bind(received)
                    .bind(received.max(now))
                    .fetch_one(&mut *tx)
                    .await?;
                    insert_event!(
                        tx,
                        id,
                        now,
                        None::<i64>,
                        "created",
                        serde_json::json!({"channel": c.channel, "service": routed, "kind": new_kind})
                    );
                    if let Some(old) = closed_quoted {
                        sqlx::query("INSERT INTO case_links (from_case_id, to_case_id, kind, created_at) VALUES ($1, $2, 'related', $3)")
                            .bind(id)
                            .bind(old)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    (id, status, routed.clone(), true)
                }
            };

            let contact_id: i64 = sqlx::query_scalar(
                "INSERT INTO contacts (case_id, customer_id, channel, direction, sender, subject, body, body_html, received_at, created_at, external_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(case_id)
            .bind(customer_id)
            .bind(c.channel.as_str())
            .bind(c.direction.as_str())
            .bind(identity.to_string())
            .bind(c.subject.as_deref())
            .bind(&c.body)
            .bind(c.body_html.as_deref())
            .bind(received)
            .bind(now)
            .bind(c.external_id.as_deref())
            .fetch_one(&mut *tx)
            .await?;
            for f in files {
                sqlx::query("INSERT INTO attachments (contact_id, filename, content_type, size, sha256) VALUES ($1, $2, $3, $4, $5)")
                    .bind(contact_id)
                    .bind(&f.filename)
                    .bind(&f.content_type)
                    .bind(f.size)
                    .bind(&f.sha256)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(IntakeOutcome {
                contact_id,
                customer_id,
                case_id,
                case_reference: reference(&config.reference_prefix, case_id)?,
                case_status: status,
                service,
                created: true,
                case_created,
                customer_created,
            })
        })
    }
}

/// A case's title: its first subject, else the start of its first body.
fn case_title(c: &NewContact) -> String {
    if let Some(s) = &c.subject {
        return s.chars().take(200).collect();
    }
    let first_line = c.body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut t: String = first_line.trim().chars().take(80).collect();
    if first_line.trim().chars().count() > 80 {
        t.push('…');
    }
    if t.is_empty() {
        format!("{} contact", c.channel)
    } else {
        t
    }
}

/// The reference of case number `id`.
pub(crate) fn reference(prefix: &str, id: i64) -> Result<CaseReference> {
    CaseReference::new(prefix, id).map_err(|e| StoreError::Schema(format!("case {id}: {e}")))
}

/// Parses a vocabulary column; a bad value means the database was edited by hand.
pub(crate) fn parse_col<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T> {
    s.parse()
        .map_err(|e| StoreError::Schema(format!("unexpected value in database: {e}")))
}
