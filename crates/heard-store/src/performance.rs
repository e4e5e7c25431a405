//! The figures of the performance reports (`/reports`): contacts by channel, week and
//! service over a period; first-contact resolution and the service levels met by the cases
//! closed in it; the first responses due on the cases opened in it; the open backlog by
//! age, now; complaints received. Each is one grouped query over an indexed range, the
//! contacts' read from indexes that hold every column they need (migration 0025), so the
//! report need not touch the contacts table itself (`heard bench reports`).

use crate::db::read;
use crate::{Result, Store, StoreError, to_millis};
use jiff::Timestamp;
use std::collections::BTreeMap;

const WEEK_MS: i64 = 7 * 86_400_000;
const DAY_MS: i64 = 86_400_000;

/// Age bands of the open backlog, in whole days since the case opened: up to 2, 3–7,
/// 8–20, 21–60, over 60.
pub const AGE_BANDS: [&str; 5] = ["0–2 days", "3–7 days", "8–20 days", "21–60 days", "over 60 days"];

/// One service's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFigures {
    pub slug: String,
    pub name: String,
    /// Inbound contacts in the period.
    pub contacts: i64,
    /// Cases opened in the period.
    pub opened: i64,
    /// Cases closed (or resolved) in the period.
    pub closed: i64,
    /// …of which the customer contacted us once only: resolved at first contact.
    pub first_contact: i64,
    /// …of which had a resolution deadline, and met it.
    pub with_deadline: i64,
    pub on_time: i64,
    /// Cases opened in the period whose first response is decided (given, or overdue),
    /// and how many of those were on time.
    pub first_response_due: i64,
    pub first_response_on_time: i64,
    /// Open now, by [`AGE_BANDS`], and how many of them are past their deadline.
    pub open_by_age: [i64; 5],
    pub overdue: i64,
}

impl ServiceFigures {
    /// Open cases now.
    pub fn open(&self) -> i64 {
        self.open_by_age.iter().sum()
    }

    fn add(&mut self, o: &ServiceFigures) {
        self.contacts += o.contacts;
        self.opened += o.opened;
        self.closed += o.closed;
        self.first_contact += o.first_contact;
        self.with_deadline += o.with_deadline;
        self.on_time += o.on_time;
        self.first_response_due += o.first_response_due;
        self.first_response_on_time += o.first_response_on_time;
        for (a, b) in self.open_by_age.iter_mut().zip(o.open_by_age) {
            *a += b;
        }
        self.overdue += o.overdue;
    }
}

/// The whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PerformanceFigures {
    /// Inbound contacts by channel, most first.
    pub by_channel: Vec<(String, i64)>,
    /// Inbound contacts in each week from the period's start (week 0 first).
    pub by_week: Vec<i64>,
    /// By service, by name; services with nothing to show are left out.
    pub by_service: Vec<ServiceFigures>,
    /// Every service together.
    pub total: ServiceFigures,
    /// Complaints received in the period at stage 1 (complaint cases opened), and taken to
    /// stage 2 in it.
    pub complaints: (i64, i64),
}

/// channel, week, service id, contacts
type ContactCounts = Vec<(String, i64, i64, i64)>;
/// service id, closed, first contact, with deadline, on time
type Closed = Vec<(i64, i64, i64, i64, i64)>;
/// service id, opened, first response decided, on time
type Opened = Vec<(i64, i64, i64, i64)>;
/// service id, five age bands, overdue
type Backlog = Vec<(i64, i64, i64, i64, i64, i64, i64)>;
type Services = Vec<(i64, String, String)>;

impl Store {
    /// The report from `from` up to `to`, for one service (a slug) or all; the backlog is
    /// as at `now`.
    pub async fn performance(
        &self,
        from: Timestamp,
        to: Timestamp,
        service: Option<&str>,
        now: Timestamp,
    ) -> Result<PerformanceFigures> {
        let (from, to, now) = (to_millis(from), to_millis(to), to_millis(now));
        // The service's id, or none for all; the clause is a constant, its value bound.
        let svc = if service.is_some() {
            " AND k.service_id = $3"
        } else {
            ""
        };
        // One pass over the period's contacts (index-only on `contacts_report`, one case
        // lookup each) gives channels, weeks and services at once.
        let contacts_sql = format!(
            "SELECT c.channel, (c.received_at - $1) / {WEEK_MS}, k.service_id, COUNT(*) FROM contacts c \
             JOIN cases k ON k.id = c.case_id WHERE c.direction = 'inbound' AND c.received_at >= $1 \
             AND c.received_at < $2{svc} GROUP BY 1, 2, 3"
        );
        let closed_sql = format!(
            "SELECT k.service_id, COUNT(*), \
             SUM(CASE WHEN (SELECT COUNT(*) FROM contacts c WHERE c.case_id = k.id AND c.direction = 'inbound') <= 1 \
               THEN 1 ELSE 0 END), \
             SUM(CASE WHEN k.due_at IS NOT NULL THEN 1 ELSE 0 END), \
             SUM(CASE WHEN k.due_at IS NOT NULL AND k.closed_at <= k.due_at THEN 1 ELSE 0 END) \
             FROM cases k WHERE k.closed_at >= $1 AND k.closed_at < $2{svc} GROUP BY k.service_id"
        );
        // A first response is decided once given, or once its deadline has passed ($4: now).
        let opened_sql = format!(
            "SELECT k.service_id, COUNT(*), \
             SUM(CASE WHEN k.first_response_due_at IS NOT NULL AND (k.responded_at IS NOT NULL \
               OR k.first_response_due_at < $4) THEN 1 ELSE 0 END), \
             SUM(CASE WHEN k.first_response_due_at IS NOT NULL AND k.responded_at IS NOT NULL \
               AND k.responded_at <= k.first_response_due_at THEN 1 ELSE 0 END) \
             FROM cases k WHERE k.created_at >= $1 AND k.created_at < $2{svc} GROUP BY k.service_id"
        );
        let backlog_sql = format!(
            "SELECT k.service_id, \
             SUM(CASE WHEN k.created_at > $4 - {d3} THEN 1 ELSE 0 END), \
             SUM(CASE WHEN k.created_at <= $4 - {d3} AND k.created_at > $4 - {d8} THEN 1 ELSE 0 END), \
             SUM(CASE WHEN k.created_at <= $4 - {d8} AND k.created_at > $4 - {d21} THEN 1 ELSE 0 END), \
             SUM(CASE WHEN k.created_at <= $4 - {d21} AND k.created_at > $4 - {d61} THEN 1 ELSE 0 END), \
             SUM(CASE WHEN k.created_at <= $4 - {d61} THEN 1 ELSE 0 END), \
             SUM(CASE WHEN k.due_at IS NOT NULL AND k.due_at < $4 AND k.clock_paused_at IS NULL THEN 1 ELSE 0 END) \
             FROM cases k WHERE k.status NOT IN ('resolved', 'closed') AND $1 <= $2{svc} GROUP BY k.service_id",
            d3 = 3 * DAY_MS,
            d8 = 8 * DAY_MS,
            d21 = 21 * DAY_MS,
            d61 = 61 * DAY_MS,
        );
        let complaints_sql = format!(
            "SELECT (SELECT COUNT(*) FROM cases k WHERE k.kind = 'complaint' AND k.created_at >= $1 \
               AND k.created_at < $2{svc}), \
             (SELECT COUNT(*) FROM complaint_stages st JOIN cases k ON k.id = st.case_id WHERE st.stage = 2 \
               AND st.received_at >= $1 AND st.received_at < $2{svc})"
        );
        type All = (ContactCounts, Closed, Opened, Backlog, (i64, i64), Services);
        let rows: All = read!(self, |pool, _d| {
            let service_id: Option<i64> = match service {
                Some(slug) => Some(
                    sqlx::query_scalar("SELECT id FROM services WHERE slug = $1")
                        .bind(slug)
                        .fetch_optional(pool)
                        .await?
                        .ok_or_else(|| StoreError::NotFound(format!("service {slug}")))?,
                ),
                None => None,
            };
            macro_rules! q {
                ($sql:expr) => {{
                    let q = sqlx::query_as(sqlx::AssertSqlSafe($sql.clone()))
                        .bind(from)
                        .bind(to);
                    let q = match service_id {
                        Some(id) => q.bind(id),
                        None => q,
                    };
                    q
                }};
            }
            // $4 (now) follows the optional $3; without a service, $3 is bound unused.
            let with_now = |sql: &str| match service_id {
                Some(_) => sql.to_string(),
                None => sql.replace("$4", "$3"),
            };
            let (opened_sql, backlog_sql) = (with_now(&opened_sql), with_now(&backlog_sql));
            // Each on its own connection of the pool: the two long scans (the contacts, the
            // closed cases) run side by side rather than one after the other.
            let all: All = tokio::try_join!(
                q!(contacts_sql).fetch_all(pool),
                q!(closed_sql).fetch_all(pool),
                q!(opened_sql).bind(now).fetch_all(pool),
                q!(backlog_sql).bind(now).fetch_all(pool),
                q!(complaints_sql).fetch_one(pool),
                sqlx::query_as("SELECT id, slug, name FROM services ORDER BY name").fetch_all(pool),
            )?;
            Ok::<_, StoreError>(all)
        })?;
        let (contacts, closed, opened, backlog, complaints, services) = rows;
        let n_weeks = ((to - from).max(0) + WEEK_MS - 1) / WEEK_MS;
        let mut by_week = vec![0; usize::try_from(n_weeks).unwrap_or(0)];
        let mut by_channel: BTreeMap<String, i64> = BTreeMap::new();
        let mut by_id: BTreeMap<i64, ServiceFigures> = BTreeMap::new();
        for (channel, w, service, n) in contacts {
            if let Some(slot) = usize::try_from(w).ok().and_then(|w| by_week.get_mut(w)) {
                *slot += n;
            }
            *by_channel.entry(channel).or_default() += n;
            by_id.entry(service).or_default().contacts += n;
        }
        let mut channels: Vec<(String, i64)> = by_channel.into_iter().collect();
        channels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (id, n, first, due, on_time) in closed {
            let f = by_id.entry(id).or_default();
            (f.closed, f.first_contact, f.with_deadline, f.on_time) = (n, first, due, on_time);
        }
        for (id, n, decided, on_time) in opened {
            let f = by_id.entry(id).or_default();
            (f.opened, f.first_response_due, f.first_response_on_time) = (n, decided, on_time);
        }
        for (id, a, b, c, d, e, overdue) in backlog {
            let f = by_id.entry(id).or_default();
            f.open_by_age = [a, b, c, d, e];
            f.overdue = overdue;
        }
        let mut out = PerformanceFigures {
            by_channel: channels,
            by_week,
            complaints,
            ..Default::default()
        };
        for (id, slug, name) in services {
            if let Some(mut f) = by_id.remove(&id) {
                f.slug = slug;
                f.name = name;
                out.total.add(&f);
                out.by_service.push(f);
            }
        }
        Ok(out)
    }
}
