//! Loading a council's catalogue (teams, services, sites) and bulk records (customers
//! and whole cases with their contacts) — for `heard seed`, the demo and imports.
//! Batches run as single transactions: a batch lands whole or not at all.

use crate::db::{insert_event, write_tx};
use crate::{Result, Store, to_millis};
use heard_core::customer::{MemberRole, OrganisationKind};
use heard_core::{Address, CaseKind, CaseStatus, Channel, CustomerKind, Direction, Identity, Priority};
use jiff::Timestamp;

/// A team to create or update.
#[derive(Debug, Clone)]
pub struct TeamSpec {
    pub slug: String,
    pub name: String,
}

/// A service to create or update.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    pub slug: String,
    pub name: String,
    pub keywords: Vec<String>,
    pub team: Option<String>,
}

/// A site to create or update.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub address: Option<Address>,
}

/// A customer to create.
#[derive(Debug, Clone)]
pub struct CustomerSpec {
    pub kind: CustomerKind,
    pub organisation_kind: Option<OrganisationKind>,
    pub name: String,
    pub identities: Vec<Identity>,
    pub addresses: Vec<Address>,
    /// Organisations (by customer id) this person belongs to or acts for.
    pub links: Vec<(i64, MemberRole)>,
}

/// A whole case to create, contacts included.
#[derive(Debug, Clone)]
pub struct CaseSpec {
    pub customer_id: i64,
    pub service: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub priority: Priority,
    pub owner_email: Option<String>,
    pub site: Option<String>,
    pub contacts: Vec<ContactSpec>,
}

/// One contact of a [`CaseSpec`].
#[derive(Debug, Clone)]
pub struct ContactSpec {
    pub channel: Channel,
    pub direction: Direction,
    pub sender: String,
    pub subject: Option<String>,
    pub body: String,
    pub received_at: Timestamp,
    pub external_id: Option<String>,
}

impl Store {
    /// Creates or updates teams, services and sites by slug.
    pub async fn upsert_catalogue(
        &self,
        teams: &[TeamSpec],
        services: &[ServiceSpec],
        sites: &[SiteSpec],
    ) -> Result<()> {
        write_tx!(self, |tx, d| {
            for t in teams {
                sqlx::query("INSERT INTO teams (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET name = excluded.name")
                    .bind(&t.slug)
                    .bind(&t.name)
                    .execute(&mut *tx)
                    .await?;
            }
            for s in services {
                sqlx::query(
                    "INSERT INTO services (slug, name, keywords, team_id) VALUES ($1, $2, $3, (SELECT id FROM teams WHERE slug = $4)) \
                     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, keywords = excluded.keywords, team_id = excluded.team_id",
                )
                .bind(&s.slug)
                .bind(&s.name)
                .bind(s.keywords.join("|"))
                .bind(s.team.as_deref())
                .execute(&mut *tx)
                .await?;
            }
            for s in sites {
                let a = s.address.as_ref();
                sqlx::query(
                    "INSERT INTO sites (slug, name, kind, line1, line2, town, postcode, uprn) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, kind = excluded.kind, line1 = excluded.line1, \
                     line2 = excluded.line2, town = excluded.town, postcode = excluded.postcode, uprn = excluded.uprn",
                )
                .bind(&s.slug)
                .bind(&s.name)
                .bind(&s.kind)
                .bind(a.map(|a| a.line1.clone()))
                .bind(a.and_then(|a| a.line2.clone()))
                .bind(a.map(|a| a.town.clone()))
                .bind(a.map(|a| a.postcode.to_string()))
                .bind(a.and_then(|a| a.uprn).map(|u| u.get()))
                .execute(&mut *tx)
                .await?;
            }
            Ok(())
        })
    }

    /// Creates customers in one transaction; returns their ids in order.
    pub async fn create_customers(&self, customers: &[CustomerSpec]) -> Result<Vec<i64>> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let mut ids = Vec::with_capacity(customers.len());
            for c in customers {
                let search_text = std::iter::once(c.name.as_str())
                    .chain(c.identities.iter().map(|i| i.value.as_str()))
                    .collect::<Vec<_>>()
                    .join(" ");
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO customers (kind, organisation_kind, name, search_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(c.kind.as_str())
                .bind(c.organisation_kind.map(|k| k.as_str()))
                .bind(&c.name)
                .bind(&search_text)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                for i in &c.identities {
                    sqlx::query("INSERT INTO customer_identities (customer_id, kind, value, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(id)
                        .bind(i.kind.as_str())
                        .bind(&i.value)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                for a in &c.addresses {
                    sqlx::query("INSERT INTO customer_addresses (customer_id, line1, line2, town, postcode, uprn) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(id)
                        .bind(&a.line1)
                        .bind(a.line2.as_deref())
                        .bind(&a.town)
                        .bind(a.postcode.as_str())
                        .bind(a.uprn.map(|u| u.get()))
                        .execute(&mut *tx)
                        .await?;
                }
                for (org, role) in &c.links {
                    let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM customers WHERE id = $1")
                        .bind(org)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if kind.as_deref() != Some("organisation") {
                        return Err(heard_core::Invalid::field(
                            "links",
                            format!("customer {org} is not an organisation"),
                        )
                        .into());
                    }
                    sqlx::query("INSERT INTO customer_links (person_id, organisation_id, role) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(org)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// Links a person to an organisation (member of it, or acting for it).
    pub async fn link_customers(&self, links: &[(i64, i64, MemberRole)]) -> Result<()> {
        write_tx!(self, |tx, d| {
            for (person, org, role) in links {
                sqlx::query("INSERT INTO customer_links (person_id, organisation_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(person)
                    .bind(org)
                    .bind(role.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        })
    }

    /// Creates whole cases with their contacts in one transaction; returns case ids.
    pub async fn create_cases(&self, cases: &[CaseSpec]) -> Result<Vec<i64>> {
        write_tx!(self, |tx, d| {
            let mut ids = Vec::with_capacity(cases.len());
            for c in cases {
                let (Some(first), Some(last)) = (c.contacts.first(), c.contacts.last()) else {
                    return Err(heard_core::Invalid::field("contacts", "a case needs at least one contact").into());
                };
                let opened = to_millis(first.received_at);
                let updated = to_millis(last.received_at);
                let closed = (!c.status.is_open()).then_some(updated);
                let next_action = if c.status.is_open() {
                    crate::workspace::first_reply_due(updated)
                } else {
                    None
                };
                let title = first
                    .subject
                    .clone()
                    .unwrap_or_else(|| first.body.lines().next().unwrap_or("").chars().take(80).collect());
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO cases (service_id, kind, status, priority, owner_id, team_id, customer_id, site_id, title, created_at, updated_at, closed_at, next_action_at) \
                     SELECT s.id, $2, $3, $4, (SELECT id FROM users WHERE email = $5), s.team_id, $6, (SELECT id FROM sites WHERE slug = $7), $8, $9, $10, $11, $12 \
                     FROM services s WHERE s.slug = $1 RETURNING id",
                )
                .bind(&c.service)
                .bind(c.kind.as_str())
                .bind(c.status.as_str())
                .bind(c.priority.as_str())
                .bind(c.owner_email.as_deref())
                .bind(c.customer_id)
                .bind(c.site.as_deref())
                .bind(&title)
                .bind(opened)
                .bind(updated)
                .bind(closed)
                .bind(next_action)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| heard_core::Invalid::field("service", format!("no service `{}`", c.service)))?;
                insert_event!(
                    tx,
                    id,
                    opened,
                    None::<i64>,
                    "created",
                    serde_json::json!({"channel": first.channel, "service": c.service, "kind": c.kind})
                );
                if c.status != CaseStatus::New {
                    insert_event!(
                        tx,
                        id,
                        updated,
                        None::<i64>,
                        "status",
                        serde_json::json!({"from": CaseStatus::New, "to": c.status})
                    );
                }
                for x in &c.contacts {
                    let contact_id: i64 = sqlx::query_scalar(
                        "INSERT INTO contacts (case_id, customer_id, channel, direction, sender, subject, body, received_at, created_at, external_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
                    )
                    .bind(id)
                    .bind(c.customer_id)
                    .bind(x.channel.as_str())
                    .bind(x.direction.as_str())
                    .bind(&x.sender)
                    .bind(x.subject.as_deref())
                    .bind(&x.body)
                    .bind(to_millis(x.received_at))
                    .bind(x.external_id.as_deref())
                    .fetch_one(&mut *tx)
                    .await?;
                    if d == crate::Dialect::Sqlite {
                        sqlx::query("INSERT INTO contacts_fts (rowid, subject, body) VALUES ($1, $2, $3)")
                            .bind(contact_id)
                            .bind(x.subject.as_deref())
                            .bind(&x.body)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                ids.push(id);
            }
            Ok(ids)
        })
    }
}
