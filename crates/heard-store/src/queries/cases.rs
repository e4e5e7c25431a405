//! Case lists and case detail.

use super::{Cols, Cursor, Param, Sql, after_cursor, contact_match, fetch_sql, finish_page, fts5_query, page_size};
use crate::intake::reference;
use crate::{
    CaseDetail, CaseEventRecord, CaseLinkRecord, CaseRecord, CustomerRef, Page, Result, Store, StoreError, UserRef,
};
use heard_core::{CaseKind, CaseReference, CaseStatus, Channel};
use jiff::Timestamp;

/// Whose cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerFilter {
    User(i64),
    Unassigned,
}

/// Filters for the case list; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub service: Option<String>,
    /// Cases held by this team (slug).
    pub team: Option<String>,
    pub status: Option<CaseStatus>,
    /// Only cases that still need work (not resolved or closed).
    pub open: Option<bool>,
    pub kind: Option<CaseKind>,
    pub owner: Option<OwnerFilter>,
    pub customer: Option<i64>,
    /// Cases with at least one contact on this channel.
    pub channel: Option<Channel>,
    /// Created at or after.
    pub from: Option<Timestamp>,
    /// Created before.
    pub to: Option<Timestamp>,
    /// Full-text query over the case's contacts.
    pub q: Option<String>,
    /// When set, only cases of these services (a back-office officer's view).
    pub visible_services: Option<Vec<String>>,
    /// Only open cases whose next action is due before this time (the "slipping" queue).
    pub action_before: Option<Timestamp>,
    /// Only open cases escalated for a missed deadline (to this manager, when given).
    pub escalated: Option<Escalated>,
    /// Only cases whose contacts were marked as needing action (`true`: at least one was,
    /// or raised a safeguarding worry), or only cases none of whose contacts were (`false`:
    /// thanks, comments, chatter — to acknowledge or close together).
    pub needs_action: Option<bool>,
    /// Most urgent first (earliest next action) instead of most recently active; one
    /// page only, without a cursor.
    pub urgent_first: bool,
    pub cursor: Option<Cursor>,
    pub limit: Option<u32>,
}

/// Which escalated cases a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escalated {
    Any,
    /// Escalated to this user (a team manager's own queue).
    To(i64),
}

/// A case's columns. Names come from scalar subqueries rather than joins, so `cases`
/// is the only table the planner can drive from: it walks a `cases` index in list order
/// and stops after one page, instead of starting from a small table and sorting them all.
pub(crate) const CASE_COLUMNS: &str = "k.id, k.kind, k.status, k.priority, \
     (SELECT slug FROM services WHERE id = k.service_id), k.owner_id, \
     (SELECT email FROM users WHERE id = k.owner_id), (SELECT name FROM users WHERE id = k.owner_id), \
     (SELECT slug FROM teams WHERE id = k.team_id), k.customer_id, (SELECT name FROM customers WHERE id = k.customer_id), \
     (SELECT slug FROM sites WHERE id = k.site_id), k.title, k.created_at, k.updated_at, k.due_at, k.closed_at, k.next_action_at, \
     k.clock_paused_at, k.first_response_due_at, k.responded_at, k.update_due_at";

pub(crate) const CASE_FROM: &str = " FROM cases k";

/// Up to this many matching contacts, a case list with a text query starts from them.
const FEW_MATCHES: i64 = super::search::RANK_AT_MOST;

/// SQLite: start from the matches, not from an index of `cases`. The planner's guess of
/// how many cases `owner_id IS NULL` (say) selects is far too low once most cases are
/// unassigned, and it would walk that index checking each case against the matches.
const NO_INDEX: &str = " NOT INDEXED";

pub(crate) fn case_from_row(r: &impl Cols, prefix: &str) -> Result<CaseRecord> {
    let id = r.int(0)?;
    Ok(CaseRecord {
        id,
        reference: reference(prefix, id)?,
        kind: r.word(1)?,
        status: r.word(2)?,
        priority: r.word(3)?,
        service: r.text(4)?,
        owner: match r.opt_int(5)? {
            Some(uid) => Some(UserRef {
                id: uid,
                email: r.text(6)?,
                name: r.text(7)?,
            }),
            None => None,
        },
        team: r.opt_text(8)?,
        customer: CustomerRef {
            id: r.int(9)?,
            name: r.text(10)?,
        },
        site: r.opt_text(11)?,
        title: r.text(12)?,
        created_at: r.time(13)?,
        updated_at: r.time(14)?,
        due_at: r.opt_time(15)?,
        closed_at: r.opt_time(16)?,
        next_action_at: r.opt_time(17)?,
        clock_paused_at: r.opt_time(18)?,
        first_response_due_at: r.opt_time(19)?,
        responded_at: r.opt_time(20)?,
        update_due_at: r.opt_time(21)?,
    })
}

/// Restricts `sql` to cases of the given services, by the column holding a service id
/// (none given: nothing visible).
pub(crate) fn only_services(sql: &mut Sql, services: &[String], service_id_col: &str) {
    if services.is_empty() {
        sql.push(" AND 1 = 0");
        return;
    }
    let ps: Vec<String> = services.iter().map(|s| sql.bind(Param::Text(s.clone()))).collect();
    sql.push(&format!(
        " AND {service_id_col} IN (SELECT id FROM services WHERE slug IN ({}))",
        ps.join(", ")
    ));
}

impl Store {
    /// Cases, most recently active first, one page at a time.
    pub async fn list_cases(&self, f: &CaseFilter, prefix: &str) -> Result<Page<CaseRecord>> {
        let limit = page_size(f.limit);
        // The page's ids first, then their columns: a sort (a date range, say) then
        // carries ids, not every column of every candidate.
        let from_matches = self.few_matches(f).await?;
        let mut sql = Sql::new(&format!(
            "SELECT {CASE_COLUMNS}{CASE_FROM} WHERE k.id IN (SELECT k.id FROM cases k{} WHERE 1 = 1",
            if from_matches { NO_INDEX } else { "" }
        ));
        self.case_conditions(&mut sql, f, from_matches);
        if f.urgent_first {
            let lp = sql.bind(Param::Int(limit));
            sql.push(&format!(
                " ORDER BY k.next_action_at, k.id LIMIT {lp}) ORDER BY k.next_action_at, k.id"
            ));
            let items = fetch_sql!(self, sql, |r| case_from_row(r, prefix));
            return Ok(Page {
                items,
                next_cursor: None,
            });
        }
        after_cursor(&mut sql, f.cursor, "k.updated_at", "k.id");
        let lp = sql.bind(Param::Int(limit + 1));
        sql.push(&format!(
            " ORDER BY k.updated_at DESC, k.id DESC LIMIT {lp}) ORDER BY k.updated_at DESC, k.id DESC"
        ));
        let items = fetch_sql!(self, sql, |r| case_from_row(r, prefix));
        Ok(finish_page(items, limit, |c: &CaseRecord| Cursor {
            at: c.updated_at.as_millisecond(),
            id: c.id,
        }))
    }

    /// How many cases match `f`, counting no further than `cap` (a queue shows "1,000+"
    /// rather than scanning a million rows for an exact figure).
    pub async fn count_cases(&self, f: &CaseFilter, cap: u32) -> Result<u64> {
        let from_matches = self.few_matches(f).await?;
        let mut sql = Sql::new(&format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM cases k{} WHERE 1 = 1",
            if from_matches { NO_INDEX } else { "" }
        ));
        self.case_conditions(&mut sql, f, from_matches);
        let p = sql.bind(Param::Int(i64::from(cap)));
        sql.push(&format!(" LIMIT {p}) t"));
        let n = fetch_sql!(self, sql, |r| r.int(0));
        Ok(n.first().copied().unwrap_or(0).max(0) as u64)
    }

    /// Whether `f`'s text query matches so few contacts (SQLite) that the list should
    /// start from the matches rather than walk the cases looking for them: a word in one
    /// contact in a million would otherwise have the walk visit every open case (seconds).
    async fn few_matches(&self, f: &CaseFilter) -> Result<bool> {
        let Some(fts) = f.q.as_deref().and_then(fts5_query) else {
            return Ok(false);
        };
        if self.dialect() != crate::Dialect::Sqlite {
            return Ok(false);
        }
        let mut sql =
            Sql::new("SELECT count(*) FROM (SELECT 1 FROM contacts_fts WHERE contacts_fts MATCH $1 LIMIT $2) t");
        sql.params.push(Param::Text(fts));
        sql.params.push(Param::Int(FEW_MATCHES + 1));
        let n = fetch_sql!(self, sql, |r| r.int(0));
        Ok(n.first().copied().unwrap_or(0) <= FEW_MATCHES)
    }

    /// Appends `f`'s conditions (everything but the cursor and order) to `sql`;
    /// `from_matches` as [`Store::few_matches`] says.
    fn case_conditions(&self, sql: &mut Sql, f: &CaseFilter, from_matches: bool) {
        if let Some(s) = &f.service {
            let p = sql.bind(Param::Text(s.clone()));
            sql.push(&format!(
                " AND k.service_id = (SELECT id FROM services WHERE slug = {p})"
            ));
        }
        if let Some(t) = &f.team {
            let p = sql.bind(Param::Text(t.clone()));
            sql.push(&format!(" AND k.team_id = (SELECT id FROM teams WHERE slug = {p})"));
        }
        if let Some(v) = &f.visible_services {
            only_services(sql, v, "k.service_id");
        }
        if let Some(s) = f.status {
            let p = sql.bind(Param::Text(s.as_str().into()));
            sql.push(&format!(" AND k.status = {p}"));
        }
        match f.open {
            Some(true) => sql.push(" AND k.status NOT IN ('resolved', 'closed')"),
            Some(false) => sql.push(" AND k.status IN ('resolved', 'closed')"),
            None => {}
        }
        if let Some(k) = f.kind {
            let p = sql.bind(Param::Text(k.as_str().into()));
            sql.push(&format!(" AND k.kind = {p}"));
        }
        match &f.owner {
            Some(OwnerFilter::User(id)) => {
                let p = sql.bind(Param::Int(*id));
                sql.push(&format!(" AND k.owner_id = {p}"));
            }
            Some(OwnerFilter::Unassigned) => sql.push(" AND k.owner_id IS NULL"),
            None => {}
        }
        if let Some(c) = f.customer {
            let p = sql.bind(Param::Int(c));
            sql.push(&format!(" AND k.customer_id = {p}"));
        }
        if let Some(ch) = f.channel {
            let p = sql.bind(Param::Text(ch.as_str().into()));
            sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM contacts x WHERE x.case_id = k.id AND x.channel = {p})"
            ));
        }
        if let Some(t) = f.from {
            let p = sql.bind(Param::Int(t.as_millisecond()));
            sql.push(&format!(" AND k.created_at >= {p}"));
        }
        if let Some(t) = f.to {
            let p = sql.bind(Param::Int(t.as_millisecond()));
            sql.push(&format!(" AND k.created_at < {p}"));
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
            match contact_match(sql, self.dialect(), q) {
                // The matching contacts' cases, each looked up, then sorted: a few
                // thousand at most.
                Some(m) if from_matches => sql.push(&format!(
                    " AND k.id IN (SELECT x.case_id FROM contacts x WHERE x.id IN ({m}))"
                )),
                // Walks cases newest first and stops at a page: matches come early.
                Some(m) => sql.push(&format!(
                    " AND EXISTS (SELECT 1 FROM contacts x WHERE x.case_id = k.id AND x.id IN ({m}))"
                )),
                None => sql.push(" AND 1 = 0"),
            }
        }
        if let Some(e) = f.escalated {
            let to = match e {
                Escalated::Any => String::new(),
                Escalated::To(user) => format!(" AND e.manager_id = {}", sql.bind(Param::Int(user))),
            };
            // From the escalations (few) to their cases, not a walk of every open case.
            sql.push(&format!(
                " AND k.status NOT IN ('resolved', 'closed') \
                 AND k.id IN (SELECT e.case_id FROM case_escalations e WHERE 1 = 1{to})"
            ));
        }
        if let Some(needs) = f.needs_action {
            sql.push(&format!(
                " AND {}EXISTS (SELECT 1 FROM contacts x JOIN contact_entities e ON e.contact_id = x.id \
                 WHERE x.case_id = k.id AND ((e.kind = 'actionable' AND e.value = 'yes') OR e.kind = 'safeguarding'))",
                if needs { "" } else { "NOT " }
            ));
        }
        if let Some(t) = f.action_before {
            let p = sql.bind(Param::Int(t.as_millisecond()));
            sql.push(&format!(
                " AND k.next_action_at < {p} AND k.status NOT IN ('resolved', 'closed') AND k.clock_paused_at IS NULL"
            ));
        }
    }

    /// One case, without its timeline.
    pub async fn case(&self, reference: &CaseReference) -> Result<CaseRecord> {
        let mut sql = Sql::new(&format!("SELECT {CASE_COLUMNS}{CASE_FROM} WHERE k.id = "));
        let p = sql.bind(Param::Int(reference.number()));
        sql.push(&p);
        let prefix = reference.prefix().to_string();
        fetch_sql!(self, sql, |r| case_from_row(r, &prefix))
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound(format!("case {reference}")))
    }

    /// One case with its newest [`CASE_CONTACTS`] contacts (oldest of them first), links
    /// and history.
    pub async fn case_detail(&self, reference: &CaseReference) -> Result<CaseDetail> {
        self.case_detail_before(reference, None).await
    }

    /// [`Store::case_detail`] with the contacts before `before` (a cursor from
    /// [`CaseDetail::earlier`]) instead of the newest: a case with hundreds of messages is
    /// read a page at a time, newest first, and never loses its latest ones.
    pub async fn case_detail_before(&self, reference: &CaseReference, before: Option<Cursor>) -> Result<CaseDetail> {
        let case = self.case(reference).await?;
        let prefix = reference.prefix().to_string();
        let page = self
            .list_contacts(
                &super::ContactFilter {
                    case: Some(case.id),
                    cursor: before,
                    limit: Some(CASE_CONTACTS),
                    ..Default::default()
                },
                &prefix,
            )
            .await?;
        let earlier = page.next_cursor;
        let mut contacts = page.items;
        contacts.reverse();
        let mut sql = Sql::new(
            "SELECT kind, to_case_id, CAST(0 AS BIGINT) FROM case_links WHERE from_case_id = $1 \
             UNION ALL SELECT kind, from_case_id, CAST(1 AS BIGINT) FROM case_links WHERE to_case_id = $1",
        );
        sql.params.push(Param::Int(case.id));
        let links = fetch_sql!(self, sql, |r| Ok(CaseLinkRecord {
            kind: r.word(0)?,
            case: reference_of(&prefix, r.int(1)?)?,
            inbound: r.int(2)? == 1,
        }));
        let mut sql = Sql::new(
            "SELECT e.at, u.id, u.email, u.name, e.kind, e.detail FROM case_events e \
             LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.at, e.id",
        );
        sql.params.push(Param::Int(case.id));
        let history = fetch_sql!(self, sql, |r| Ok(CaseEventRecord {
            at: r.time(0)?,
            actor: match r.opt_int(1)? {
                Some(id) => Some(UserRef {
                    id,
                    email: r.text(2)?,
                    name: r.text(3)?
                }),
                None => None,
            },
            kind: r.text(4)?,
            detail: serde_json::from_str(&r.text(5)?).unwrap_or(serde_json::Value::Null),
        }));
        let mut values: Vec<crate::CaseValue> = Vec::new();
        for e in contacts.iter().flat_map(|c| &c.entities) {
            if e.status == "accepted" && !values.iter().any(|v| v.kind == e.kind && v.value == e.value) {
                values.push(crate::CaseValue {
                    kind: e.kind.clone(),
                    value: e.value.clone(),
                });
            }
        }
        Ok(CaseDetail {
            case,
            values,
            earlier,
            contacts,
            links,
            history,
        })
    }
}

/// Contacts a case detail holds at most (a page; see [`Store::case_detail_before`]).
pub const CASE_CONTACTS: u32 = 100;

fn reference_of(prefix: &str, id: i64) -> Result<CaseReference> {
    reference(prefix, id)
}
