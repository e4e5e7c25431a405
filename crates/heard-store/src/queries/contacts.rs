//! Contact lists and single contacts.

use super::cases::only_services;
use super::{Cols, Cursor, Param, Sql, after_cursor, contact_match, fetch_sql, finish_page, page_size};
use crate::intake::reference;
use crate::{AttachmentRecord, ContactRecord, EntityRecord, Page, Result, Store, StoreError};
use heard_core::{Channel, Direction};
use jiff::Timestamp;

/// Filters for the contact list; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub case: Option<i64>,
    pub customer: Option<i64>,
    pub channel: Option<Channel>,
    pub direction: Option<Direction>,
    /// Received at or after.
    pub from: Option<Timestamp>,
    /// Received before.
    pub to: Option<Timestamp>,
    pub q: Option<String>,
    pub visible_services: Option<Vec<String>>,
    /// Oldest first (a case timeline) instead of newest first (an inbox).
    pub oldest_first: bool,
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
}

const CONTACT_COLUMNS: &str = "x.id, x.case_id, x.customer_id, x.channel, x.direction, x.sender, x.subject, x.body, \
     x.body_html, x.received_at, x.external_id, x.no_reply_needed_by, x.created_by";

fn contact_from_row(r: &impl Cols, prefix: &str) -> Result<ContactRecord> {
    Ok(ContactRecord {
        id: r.int(0)?,
        case_reference: reference(prefix, r.int(1)?)?,
        customer_id: r.int(2)?,
        channel: r.word(3)?,
        direction: r.word(4)?,
        sender: r.text(5)?,
        subject: r.opt_text(6)?,
        body: r.text(7)?,
        body_html: r.opt_text(8)?,
        received_at: r.time(9)?,
        external_id: r.opt_text(10)?,
        no_reply_needed: r.opt_int(11)?.is_some(),
        written_by: r.opt_int(12)?,
        attachments: Vec::new(),
        entities: Vec::new(),
    })
}

impl Store {
    /// Contacts, newest first unless `oldest_first`, one page at a time.
    pub async fn list_contacts(&self, f: &ContactFilter, prefix: &str) -> Result<Page<ContactRecord>> {
        let limit = page_size(f.limit);
        let mut sql = Sql::new(&format!("SELECT {CONTACT_COLUMNS} FROM contacts x"));
        sql.push(" WHERE 1 = 1");
        if let Some(v) = &f.visible_services {
            sql.push(" AND x.case_id IN (SELECT k.id FROM cases k WHERE 1 = 1");
            only_services(&mut sql, v, "k.service_id");
            sql.push(")");
        }
        if let Some(c) = f.case {
            let p = sql.bind(Param::Int(c));
            sql.push(&format!(" AND x.case_id = {p}"));
        }
        if let Some(c) = f.customer {
            let p = sql.bind(Param::Int(c));
            sql.push(&format!(" AND x.customer_id = {p}"));
        }
        if let Some(ch) = f.channel {
            let p = sql.bind(Param::Text(ch.as_str().into()));
            sql.push(&format!(" AND x.channel = {p}"));
        }
        if let Some(dir) = f.direction {
            let p = sql.bind(Param::Text(dir.as_str().into()));
            sql.push(&format!(" AND x.direction = {p}"));
        }
        if let Some(t) = f.from {
            let p = sql.bind(Param::Int(t.as_millisecond()));
            sql.push(&format!(" AND x.received_at >= {p}"));
        }
        if let Some(t) = f.to {
            let p = sql.bind(Param::Int(t.as_millisecond()));
            sql.push(&format!(" AND x.received_at < {p}"));
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            match contact_match(&mut sql, self.dialect(), q) {
                Some(m) => sql.push(&format!(" AND x.id IN ({m})")),
                None => sql.push(" AND 1 = 0"),
            }
        }
        if f.oldest_first {
            if let Some(c) = f.cursor {
                let a = sql.bind(Param::Int(c.at));
                let b = sql.bind(Param::Int(c.id));
                sql.push(&format!(
                    " AND (x.received_at > {a} OR (x.received_at = {a} AND x.id > {b}))"
                ));
            }
        } else {
            after_cursor(&mut sql, f.cursor, "x.received_at", "x.id");
        }
        let order = if f.oldest_first { "ASC" } else { "DESC" };
        let lp = sql.bind(Param::Int(limit + 1));
        sql.push(&format!(" ORDER BY x.received_at {order}, x.id {order} LIMIT {lp}"));
        let mut items = fetch_sql!(self, sql, |r| contact_from_row(r, prefix));
        self.attach_files(&mut items).await?;
        Ok(finish_page(items, limit, |c: &ContactRecord| Cursor {
            at: c.received_at.as_millisecond(),
            id: c.id,
        }))
    }

    /// One contact.
    pub async fn contact(&self, id: i64, prefix: &str) -> Result<ContactRecord> {
        let mut sql = Sql::new(&format!("SELECT {CONTACT_COLUMNS} FROM contacts x WHERE x.id = $1"));
        sql.params.push(Param::Int(id));
        let mut items = fetch_sql!(self, sql, |r| contact_from_row(r, prefix));
        self.attach_files(&mut items).await?;
        items.pop().ok_or_else(|| StoreError::NotFound(format!("contact {id}")))
    }

    /// Fills in each contact's attachments and read values, one query each.
    async fn attach_files(&self, contacts: &mut [ContactRecord]) -> Result<()> {
        if contacts.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new(
            "SELECT contact_id, id, filename, content_type, size, sha256 FROM attachments WHERE contact_id IN (",
        );
        let ps: Vec<String> = contacts.iter().map(|c| sql.bind(Param::Int(c.id))).collect();
        sql.push(&ps.join(", "));
        sql.push(") ORDER BY id");
        let files = fetch_sql!(self, sql, |r| Ok((
            r.int(0)?,
            AttachmentRecord {
                id: r.int(1)?,
                filename: r.text(2)?,
                content_type: r.text(3)?,
                size: r.int(4)?,
                sha256: r.text(5)?
            }
        )));
        for (contact_id, file) in files {
            if let Some(c) = contacts.iter_mut().find(|c| c.id == contact_id) {
                c.attachments.push(file);
            }
        }
        let mut sql = Sql::new(
            "SELECT contact_id, field, kind, value, start_byte, end_byte, confidence, sensitive, status \
             FROM contact_entities WHERE contact_id IN (",
        );
        let ps: Vec<String> = contacts.iter().map(|c| sql.bind(Param::Int(c.id))).collect();
        sql.push(&ps.join(", "));
        sql.push(") ORDER BY contact_id, field DESC, start_byte, id");
        let entities = fetch_sql!(self, sql, |r| Ok((
            r.int(0)?,
            EntityRecord {
                field: r.text(1)?,
                kind: r.text(2)?,
                value: r.text(3)?,
                start: r.int(4)?,
                end: r.int(5)?,
                confidence: r.real(6)?,
                sensitive: r.flag(7)?,
                status: r.text(8)?,
            }
        )));
        for (contact_id, entity) in entities {
            if let Some(c) = contacts.iter_mut().find(|c| c.id == contact_id) {
                c.entities.push(entity);
            }
        }
        Ok(())
    }
}
