//! Reports of problems — Open311 service requests and the public "Report it" form — and
//! the service definitions they are made against.
//!
//! A report is a contact that opens a case of its own (never joined to another open
//! case of the reporter's), plus a `reports` row with its location and answers, written
//! in the same intake transaction (see [`crate::intake::IntakeOptions`]). Updates flow
//! back from the case: status changes and outbound contacts.

use crate::db::write_tx;
use crate::queries::{Cols, Param, Sql, fetch_sql};
use crate::{Result, Store, StoreError, from_millis};
use heard_core::service_form::{Answer, ServiceField};
use heard_core::{CaseReference, CaseStatus, Channel};
use jiff::Timestamp;

/// A service's public definition, set from the config.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDefinition {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Heading the service is listed under (Open311 `group`).
    pub group: String,
    pub keywords: Vec<String>,
    /// Questions asked when a problem is reported (Open311 attributes, form fields).
    pub fields: Vec<ServiceField>,
    /// Whether Open311 clients see this service.
    pub open311: bool,
    /// The name and description in Welsh; empty when not given.
    pub name_cy: String,
    pub description_cy: String,
}

impl ServiceDefinition {
    /// The name residents read in `lang` (`cy` or `en`): the Welsh when there is one.
    pub fn name_in(&self, lang: &str) -> &str {
        if lang == "cy" && !self.name_cy.is_empty() {
            &self.name_cy
        } else {
            &self.name
        }
    }

    /// The description residents read in `lang`.
    pub fn description_in(&self, lang: &str) -> &str {
        if lang == "cy" && !self.description_cy.is_empty() {
            &self.description_cy
        } else {
            &self.description
        }
    }
}

/// The part of a service definition the config sets beyond name and keywords.
#[derive(Debug, Clone, Default)]
pub struct ServiceDetails {
    pub slug: String,
    pub description: String,
    pub group: String,
    pub fields: Vec<ServiceField>,
    pub open311: bool,
    pub name_cy: String,
    pub description_cy: String,
}

/// What a report carries beyond its contact, stored with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewReport {
    /// Unguessable receipt: Open311's `token`.
    pub token: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub postcode: Option<String>,
    pub attributes: Vec<Answer>,
    pub media_url: Option<String>,
    pub account_id: Option<String>,
    pub device_id: Option<String>,
}

/// A stored report with its case, as Open311 and the form's receipt show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRecord {
    pub case_id: i64,
    pub contact_id: i64,
    pub reference: CaseReference,
    pub source: Channel,
    pub service: String,
    pub service_name: String,
    pub status: CaseStatus,
    /// The reporting contact's subject and text.
    pub subject: Option<String>,
    pub description: String,
    pub requested_at: Timestamp,
    pub updated_at: Timestamp,
    pub due_at: Option<Timestamp>,
    pub report: NewReport,
    /// The case this one duplicates, when staff linked it so.
    pub duplicate_of: Option<CaseReference>,
}

/// Which reports to list (Open311 `GET requests`).
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Only these cases; the other filters still apply when set.
    pub cases: Vec<i64>,
    pub services: Vec<String>,
    pub statuses: Vec<CaseStatus>,
    /// Requested at or after.
    pub from: Option<Timestamp>,
    /// Requested at or before.
    pub to: Option<Timestamp>,
    pub token: Option<String>,
    pub limit: u32,
}

/// Something that happened to a reported case that its reporter's app should hear.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportUpdate {
    /// `s<event id>` for a status change, `c<contact id>` for a reply.
    pub id: String,
    pub reference: CaseReference,
    pub at: Timestamp,
    /// The case status the update left it in.
    pub status: CaseStatus,
    pub description: String,
    pub duplicate_of: Option<CaseReference>,
}

/// Marks a status change made by a reporter's own update, so it is not echoed back.
pub const VIA_REPORTER: &str = "reporter";

impl Store {
    /// Sets each service's description, group, questions and Open311 visibility (the
    /// services must exist: see [`Store::upsert_catalogue`]).
    pub async fn set_service_details(&self, details: &[ServiceDetails]) -> Result<()> {
        write_tx!(self, |tx, d| {
            for s in details {
                let fields = serde_json::to_string(&s.fields).map_err(|e| StoreError::Engine(e.to_string()))?;
                let done = sqlx::query(
                    "UPDATE services SET description = $1, group_name = $2, fields = $3, open311 = $4, name_cy = $6, \
                     description_cy = $7 WHERE slug = $5",
                )
                .bind(&s.description)
                .bind(&s.group)
                .bind(fields)
                .bind(s.open311)
                .bind(&s.slug)
                .bind(&s.name_cy)
                .bind(&s.description_cy)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound(format!("service {}", s.slug)));
                }
            }
            Ok(())
        })
    }

    /// Every service with its public definition, by name.
    pub async fn service_definitions(&self) -> Result<Vec<ServiceDefinition>> {
        self.definitions(None).await
    }

    /// One service's public definition, by slug.
    pub async fn service_definition(&self, slug: &str) -> Result<Option<ServiceDefinition>> {
        Ok(self.definitions(Some(slug)).await?.into_iter().next())
    }

    async fn definitions(&self, slug: Option<&str>) -> Result<Vec<ServiceDefinition>> {
        let mut sql = Sql::new(
            "SELECT slug, name, description, group_name, keywords, fields, open311, name_cy, description_cy FROM services",
        );
        if let Some(slug) = slug {
            let p = sql.bind(Param::Text(slug.into()));
            sql.push(&format!(" WHERE slug = {p}"));
        }
        sql.push(" ORDER BY name, slug");
        Ok(fetch_sql!(self, sql, |r| {
            let fields: Vec<ServiceField> =
                serde_json::from_str(&r.text(5)?).map_err(|e| StoreError::Schema(format!("services.fields: {e}")))?;
            Ok(ServiceDefinition {
                slug: r.text(0)?,
                name: r.text(1)?,
                description: r.text(2)?,
                group: r.text(3)?,
                keywords: r
                    .text(4)?
                    .split('|')
                    .filter(|k| !k.is_empty())
                    .map(str::to_string)
                    .collect(),
                fields,
                open311: r.flag(6)?,
                name_cy: r.text(7)?,
                description_cy: r.text(8)?,
            })
        }))
    }

    /// Reports matching `filter`, newest first.
    pub async fn reports(&self, filter: &ReportFilter, prefix: &str) -> Result<Vec<ReportRecord>> {
        let mut sql = Sql::new(
            "SELECT r.case_id, r.contact_id, r.source, s.slug, s.name, k.status, c.subject, c.body, k.created_at, \
             k.updated_at, k.due_at, r.token, r.lat, r.long, r.address, r.address_id, r.postcode, r.attributes, \
             r.media_url, r.account_id, r.device_id, \
             (SELECT MIN(l.to_case_id) FROM case_links l WHERE l.from_case_id = k.id AND l.kind = 'duplicate_of') \
             FROM reports r JOIN cases k ON k.id = r.case_id JOIN services s ON s.id = k.service_id \
             JOIN contacts c ON c.id = r.contact_id WHERE 1 = 1",
        );
        if !filter.cases.is_empty() {
            let list: Vec<String> = filter.cases.iter().map(|&c| sql.bind(Param::Int(c))).collect();
            sql.push(&format!(" AND r.case_id IN ({})", list.join(", ")));
        }
        if !filter.services.is_empty() {
            let list: Vec<String> = filter
                .services
                .iter()
                .map(|s| sql.bind(Param::Text(s.clone())))
                .collect();
            sql.push(&format!(" AND s.slug IN ({})", list.join(", ")));
        }
        if !filter.statuses.is_empty() {
            let list: Vec<String> = filter
                .statuses
                .iter()
                .map(|s| sql.bind(Param::Text(s.as_str().into())))
                .collect();
            sql.push(&format!(" AND k.status IN ({})", list.join(", ")));
        }
        if let Some(t) = filter.from {
            let p = sql.bind(Param::Int(t.as_millisecond()));
            sql.push(&format!(" AND k.created_at >= {p}"));
        }
        if let Some(t) = filter.to {
            let p = sql.bind(Param::Int(t.as_millisecond()));
            sql.push(&format!(" AND k.created_at <= {p}"));
        }
        if let Some(t) = &filter.token {
            let p = sql.bind(Param::Text(t.clone()));
            sql.push(&format!(" AND r.token = {p}"));
        }
        let p = sql.bind(Param::Int(i64::from(filter.limit.max(1))));
        sql.push(&format!(" ORDER BY k.created_at DESC, k.id DESC LIMIT {p}"));
        let reference =
            |n: i64| CaseReference::new(prefix, n).map_err(|e| StoreError::Schema(format!("case {n}: {e}")));
        Ok(fetch_sql!(self, sql, |r| {
            let attributes: Vec<Answer> = serde_json::from_str(&r.text(17)?)
                .map_err(|e| StoreError::Schema(format!("reports.attributes: {e}")))?;
            let subject = r.opt_text(6)?;
            let body = r.text(7)?;
            Ok(ReportRecord {
                case_id: r.int(0)?,
                contact_id: r.int(1)?,
                reference: reference(r.int(0)?)?,
                source: r.word(2)?,
                service: r.text(3)?,
                service_name: r.text(4)?,
                status: r.word(5)?,
                subject,
                description: body,
                requested_at: r.time(8)?,
                updated_at: r.time(9)?,
                due_at: r.opt_time(10)?,
                report: NewReport {
                    token: r.text(11)?,
                    lat: r.opt_real(12)?,
                    long: r.opt_real(13)?,
                    address: r.opt_text(14)?,
                    address_id: r.opt_text(15)?,
                    postcode: r.opt_text(16)?,
                    attributes,
                    media_url: r.opt_text(18)?,
                    account_id: r.opt_text(19)?,
                    device_id: r.opt_text(20)?,
                },
                duplicate_of: r.opt_int(21)?.map(reference).transpose()?,
            })
        }))
    }

    /// The report a contact made, if it made one (a repeated post finds its first).
    pub async fn report_for_contact(&self, contact_id: i64, prefix: &str) -> Result<Option<ReportRecord>> {
        let sql = {
            let mut s = Sql::new("SELECT case_id FROM reports WHERE contact_id = $1");
            s.params.push(Param::Int(contact_id));
            s
        };
        let cases = fetch_sql!(self, sql, |r| r.int(0));
        if cases.is_empty() {
            return Ok(None);
        }
        let found = self
            .reports(
                &ReportFilter {
                    cases,
                    limit: 1,
                    ..Default::default()
                },
                prefix,
            )
            .await?;
        Ok(found.into_iter().next())
    }

    /// Status changes and replies on reported cases between `from` and `to`, oldest
    /// first, at most `limit`. A reporter's own updates are left out (their app has them).
    pub async fn report_updates(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
        prefix: &str,
    ) -> Result<Vec<ReportUpdate>> {
        let (from, to) = (from.as_millisecond(), to.as_millisecond());
        let dup =
            "(SELECT MIN(l.to_case_id) FROM case_links l WHERE l.from_case_id = k.id AND l.kind = 'duplicate_of')";
        let mut events = Sql::new(&format!(
            "SELECT e.id, e.case_id, e.at, e.detail, k.status, {dup} FROM case_events e \
             JOIN reports r ON r.case_id = e.case_id JOIN cases k ON k.id = e.case_id \
             WHERE e.kind = 'status' AND e.at >= $1 AND e.at <= $2 ORDER BY e.at, e.id LIMIT $3"
        ));
        events.params = vec![Param::Int(from), Param::Int(to), Param::Int(i64::from(limit))];
        let mut replies = Sql::new(&format!(
            "SELECT c.id, c.case_id, c.received_at, c.body, k.status, {dup} FROM contacts c \
             JOIN reports r ON r.case_id = c.case_id JOIN cases k ON k.id = c.case_id \
             WHERE c.direction = 'outbound' AND c.received_at >= $1 AND c.received_at <= $2 \
             ORDER BY c.received_at, c.id LIMIT $3"
        ));
        replies.params = events.params.clone();
        let reference =
            |n: i64| CaseReference::new(prefix, n).map_err(|e| StoreError::Schema(format!("case {n}: {e}")));
        let mut out: Vec<ReportUpdate> = Vec::new();
        let rows = fetch_sql!(self, events, |r| Ok((
            r.int(0)?,
            r.int(1)?,
            r.int(2)?,
            r.text(3)?,
            r.opt_int(5)?
        )));
        for (id, case, at, detail, dup) in rows {
            let detail: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
            if detail.get("via").and_then(|v| v.as_str()) == Some(VIA_REPORTER) {
                continue;
            }
            let Some(status) = detail
                .get("to")
                .and_then(|v| v.as_str())
                .and_then(|s| s.parse::<CaseStatus>().ok())
            else {
                continue;
            };
            out.push(ReportUpdate {
                id: format!("s{id}"),
                reference: reference(case)?,
                at: from_millis(at),
                status,
                description: detail
                    .get("note")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                duplicate_of: dup.map(reference).transpose()?,
            });
        }
        let rows = fetch_sql!(self, replies, |r| Ok((
            r.int(0)?,
            r.int(1)?,
            r.int(2)?,
            r.text(3)?,
            r.word::<CaseStatus>(4)?,
            r.opt_int(5)?
        )));
        for (id, case, at, body, status, dup) in rows {
            out.push(ReportUpdate {
                id: format!("c{id}"),
                reference: reference(case)?,
                at: from_millis(at),
                status,
                description: body,
                duplicate_of: dup.map(reference).transpose()?,
            });
        }
        out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
        out.truncate(limit as usize);
        Ok(out)
    }
}
