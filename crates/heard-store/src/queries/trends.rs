//! What the trend detector reads: inbound contacts with their service, site and words.

use super::{Cols, Param, Sql, fetch_sql};
use crate::{Result, Store, to_millis};
use jiff::Timestamp;

/// One contact as the trend detector sees it.
#[derive(Debug, Clone)]
pub struct TrendContact {
    pub id: i64,
    pub case_id: i64,
    pub received_at: Timestamp,
    pub channel: String,
    /// From a resident (not one of our replies).
    pub inbound: bool,
    pub service: String,
    pub service_name: String,
    /// The case's site, if it has one.
    pub site: Option<String>,
    /// Subject and body, as stored (card numbers already redacted).
    pub text: String,
}

impl Store {
    /// Contacts (inbound and our replies) received at or after `since`, oldest first; at most the newest
    /// `limit` of them, so a page reading them cannot exhaust memory on a large install.
    pub async fn contacts_for_trends(&self, since: Timestamp, limit: u32) -> Result<Vec<TrendContact>> {
        let mut sql = Sql::new(
            "SELECT c.id, c.case_id, c.received_at, s.slug, s.name, si.name, COALESCE(c.subject, ''), c.body, c.channel, c.direction \
             FROM contacts c JOIN cases k ON k.id = c.case_id JOIN services s ON s.id = k.service_id \
             LEFT JOIN sites si ON si.id = k.site_id WHERE c.received_at >= ",
        );
        let p = sql.bind(Param::Int(to_millis(since)));
        sql.push(&p);
        sql.push(" ORDER BY c.received_at DESC, c.id DESC LIMIT ");
        let p = sql.bind(Param::Int(i64::from(limit)));
        sql.push(&p);
        let mut rows = fetch_sql!(self, sql, |r| {
            let subject = r.text(6)?;
            let body = r.text(7)?;
            Ok(TrendContact {
                id: r.int(0)?,
                case_id: r.int(1)?,
                received_at: r.time(2)?,
                channel: r.text(8)?,
                inbound: r.text(9)? == "inbound",
                service: r.text(3)?,
                service_name: r.text(4)?,
                site: r.opt_text(5)?,
                text: if subject.is_empty() {
                    body
                } else {
                    format!("{subject}. {body}")
                },
            })
        });
        rows.reverse();
        Ok(rows)
    }
}
