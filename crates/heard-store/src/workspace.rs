//! The agent workspace's writes and reads: jobs (cases open in an agent's tab strip)
//! with their drafts, replies, internal notes, follow-ups, "no reply needed" marks,
//! transfers, who is looking at a case, and saved queue views.
//!
//! Each change and its history entry are one transaction, as in [`crate::changes`]. A
//! case's `next_action_at` is recomputed in the same transaction as anything that moves
//! it, so the "slipping" queue is never behind.

use crate::db::{insert_event, read, write_tx};
use crate::outbox::{NewOutgoingEmail, insert_email};
use crate::{Result, Store, StoreError, UserRef, from_millis, to_millis};
use heard_core::job::{ContactFact, FollowUpFact, JOB_COLOURS, free_colour};
use heard_core::{CaseReference, CaseStatus, Channel, Direction, Invalid};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

/// A case an agent has open as a job, with what they were writing on it.
#[derive(Debug, Clone, Serialize)]
pub struct JobRecord {
    pub case_id: i64,
    pub reference: CaseReference,
    pub title: String,
    pub customer_name: String,
    pub service: String,
    pub service_name: String,
    pub status: CaseStatus,
    /// Palette index, distinct among the agent's jobs.
    pub colour: u8,
    pub reply_channel: Option<String>,
    pub reply_draft: String,
    pub note_draft: String,
    pub draft_saved_at: Option<Timestamp>,
}

/// A promise on a case.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpRecord {
    pub id: i64,
    pub due_at: Timestamp,
    pub note: String,
    pub created_at: Timestamp,
    pub done_at: Option<Timestamp>,
}

/// A queue an agent saved under a name.
#[derive(Debug, Clone, Serialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    /// The cases page's query string, without `?`.
    pub query: String,
}

/// A reply an agent sends on a case: stored as an outbound contact, and for email put
/// in the outbox in the same transaction, so it is sent exactly when it is recorded.
#[derive(Debug, Clone)]
pub struct NewReply {
    pub case: CaseReference,
    pub actor: i64,
    pub channel: Channel,
    /// The address or number it goes to (shown on the timeline).
    pub to: String,
    pub subject: Option<String>,
    pub body: String,
    pub email: Option<NewOutgoingEmail>,
    /// The newest outbound contact the agent had seen when writing; if someone else
    /// replied since, the reply is refused as stale rather than sent twice.
    pub last_reply_seen: Option<i64>,
}

/// Why a reply was refused as stale: someone else answered meanwhile.
pub const STALE_REPLY: &str = "stale-reply";

/// Working days a new case's first reply is due in, until service levels (per service
/// and kind) set their own.
pub const FIRST_REPLY_WORKING_DAYS: u32 = 2;

/// When a case received at `received` (ms) must first be answered: the end of the
/// office day (17:00 London) [`FIRST_REPLY_WORKING_DAYS`] working days after receipt,
/// England and Wales bank holidays respected. `None` outside the calendar's years.
pub fn first_reply_due(received: i64) -> Option<i64> {
    let london = jiff::tz::TimeZone::get("Europe/London").ok()?;
    let day = from_millis(received).to_zoned(london.clone()).date();
    let calendar = heard_core::calendar::Calendar::new(heard_core::calendar::Region::EnglandAndWales);
    let due = calendar.deadline_from_receipt(day, FIRST_REPLY_WORKING_DAYS).ok()?;
    let at = due.at(17, 0, 0, 0).to_zoned(london).ok()?;
    Some(at.timestamp().as_millisecond())
}

const JOB_COLUMNS: &str = "j.case_id, k.title, (SELECT name FROM customers WHERE id = k.customer_id), s.slug, s.name, \
     k.status, j.colour, j.reply_channel, j.reply_draft, j.note_draft, j.draft_saved_at";

/// Recomputes a case's `next_action_at` inside the transaction: the earliest of its
/// deadline, its first response (until given) or next update, and its open follow-ups
/// (as `clocks::REFRESH_NEXT_ACTION`).
macro_rules! refresh_next_action {
    ($tx:ident, $case:expr, $now:expr) => {
        sqlx::query(
            "UPDATE cases SET updated_at = $2, next_action_at = (SELECT MIN(t) FROM (\
               SELECT due_at AS t FROM cases WHERE id = $1 AND due_at IS NOT NULL \
               UNION ALL SELECT first_response_due_at FROM cases WHERE id = $1 AND responded_at IS NULL \
                 AND first_response_due_at IS NOT NULL \
               UNION ALL SELECT update_due_at FROM cases WHERE id = $1 AND responded_at IS NOT NULL \
                 AND update_due_at IS NOT NULL \
               UNION ALL SELECT due_at FROM case_follow_ups WHERE case_id = $1 AND done_at IS NULL) n) WHERE id = $1",
        )
        .bind($case)
        .bind($now)
        .execute(&mut *$tx)
        .await?
    };
}

pub(crate) use refresh_next_action;

/// Fails with "not found" unless the case exists (inside the transaction).
macro_rules! ensure_case {
    ($tx:ident, $case:expr) => {{
        let case: &CaseReference = $case;
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
            .bind(case.number())
            .fetch_optional(&mut *$tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound(format!("case {case}")));
        }
    }};
}

impl Store {
    /// Opens `case` as a job for `user` (or returns it, already open). Refused when the
    /// user already holds `limit` jobs: they close one first.
    pub async fn open_job(&self, user: i64, case: &CaseReference, limit: usize) -> Result<()> {
        let now = to_millis(Timestamp::now());
        let limit = limit.min(usize::from(JOB_COLOURS));
        write_tx!(self, |tx, _d| {
            let open: Vec<(i64, i64)> = sqlx::query_as("SELECT case_id, colour FROM agent_jobs WHERE user_id = $1")
                .bind(user)
                .fetch_all(&mut *tx)
                .await?;
            if open.iter().any(|(c, _)| *c == case.number()) {
                return Ok(());
            }
            if open.len() >= limit {
                return Err(Invalid::field(
                    "job",
                    format!("you already have {limit} jobs open; close one before opening another"),
                )
                .into());
            }
            let used: Vec<u8> = open.iter().map(|(_, c)| *c as u8).collect();
            sqlx::query("INSERT INTO agent_jobs (user_id, case_id, opened_at, colour) VALUES ($1, $2, $3, $4)")
                .bind(user)
                .bind(case.number())
                .bind(now)
                .bind(i64::from(free_colour(&used)))
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }

    /// Closes a job (the case stays as it is). Its drafts go with it.
    pub async fn close_job(&self, user: i64, case: &CaseReference) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query("DELETE FROM agent_jobs WHERE user_id = $1 AND case_id = $2")
                .bind(user)
                .bind(case.number())
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }

    /// A user's open jobs, in the order they were opened.
    pub async fn jobs(&self, user: i64, prefix: &str) -> Result<Vec<JobRecord>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM agent_jobs j JOIN cases k ON k.id = j.case_id \
             JOIN services s ON s.id = k.service_id WHERE j.user_id = $1 ORDER BY j.opened_at, j.case_id"
        );
        read!(self, |pool, _d| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user).fetch_all(pool).await?;
            rows.iter()
                .map(|r| {
                    let id: i64 = r.try_get(0)?;
                    Ok(JobRecord {
                        case_id: id,
                        reference: crate::intake::reference(prefix, id)?,
                        title: r.try_get(1)?,
                        customer_name: r.try_get(2)?,
                        service: r.try_get(3)?,
                        service_name: r.try_get(4)?,
                        status: crate::intake::parse_col(&r.try_get::<String, _>(5)?)?,
                        colour: r.try_get::<i64, _>(6)? as u8,
                        reply_channel: r.try_get(7)?,
                        reply_draft: r.try_get(8)?,
                        note_draft: r.try_get(9)?,
                        draft_saved_at: r.try_get::<Option<i64>, _>(10)?.map(from_millis),
                    })
                })
                .collect()
        })
    }

    /// Saves a job's drafts as the agent types. Returns false when the job is not open
    /// (closed in another tab): the page then says so instead of losing the text quietly.
    pub async fn save_draft(
        &self,
        user: i64,
        case: &CaseReference,
        reply_channel: Option<&str>,
        reply: &str,
        note: &str,
    ) -> Result<bool> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let n = sqlx::query(
                "UPDATE agent_jobs SET reply_channel = $1, reply_draft = $2, note_draft = $3, draft_saved_at = $4 \
                 WHERE user_id = $5 AND case_id = $6",
            )
            .bind(reply_channel)
            .bind(reply)
            .bind(note)
            .bind(now)
            .bind(user)
            .bind(case.number())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            Ok(n > 0)
        })
    }

    /// Records a reply (see [`NewReply`]); returns the new contact's id. Clears the
    /// agent's reply draft on the case in the same transaction.
    pub async fn record_reply(&self, r: &NewReply) -> Result<i64> {
        if r.body.trim().is_empty() {
            return Err(Invalid::field("body", "write the reply before sending it").into());
        }
        let now = to_millis(Timestamp::now());
        let case = r.case.number();
        write_tx!(self, |tx, d| {
            let lock = if d == crate::Dialect::Postgres {
                " FOR UPDATE"
            } else {
                ""
            };
            let row: Option<(i64, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT customer_id, update_days FROM cases WHERE id = $1{lock}"
            )))
            .bind(case)
            .fetch_optional(&mut *tx)
            .await?;
            let (customer, update_days) = row.ok_or_else(|| StoreError::NotFound(format!("case {}", r.case)))?;
            let last: Option<i64> =
                sqlx::query_scalar("SELECT MAX(id) FROM contacts WHERE case_id = $1 AND direction = 'outbound'")
                    .bind(case)
                    .fetch_one(&mut *tx)
                    .await?;
            if last.is_some() && last != r.last_reply_seen {
                return Err(StoreError::Conflict(STALE_REPLY.into()));
            }
            let sender: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(r.actor)
                .fetch_one(&mut *tx)
                .await?;
            let external_id = r.email.as_ref().map(|e| e.message_id.clone());
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO contacts (case_id, customer_id, channel, direction, sender, subject, body, received_at, \
                 created_at, external_id, created_by) VALUES ($1, $2, $3, 'outbound', $4, $5, $6, $7, $7, $8, $9) RETURNING id",
            )
            .bind(case)
            .bind(customer)
            .bind(r.channel.as_str())
            .bind(&sender)
            .bind(&r.subject)
            .bind(&r.body)
            .bind(now)
            .bind(&external_id)
            .bind(r.actor)
            .fetch_one(&mut *tx)
            .await?;
            if d == crate::Dialect::Sqlite {
                sqlx::query("INSERT INTO contacts_fts (rowid, subject, body) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(&r.subject)
                    .bind(&r.body)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(e) = &r.email {
                insert_email!(tx, e, now);
            }
            // Answered: the first response is given and the next update's clock starts;
            // the next action is now the earliest of those, the deadline and follow-ups.
            sqlx::query(crate::clocks::OUTBOUND)
                .bind(now)
                .bind(crate::clocks::update_due(now, update_days))
                .bind(case)
                .execute(&mut *tx)
                .await?;
            refresh_next_action!(tx, case, now);
            sqlx::query(
                "UPDATE agent_jobs SET reply_draft = '', draft_saved_at = $1 WHERE user_id = $2 AND case_id = $3",
            )
            .bind(now)
            .bind(r.actor)
            .bind(case)
            .execute(&mut *tx)
            .await?;
            insert_event!(
                tx,
                case,
                now,
                Some(r.actor),
                "replied",
                serde_json::json!({"channel": r.channel, "to": r.to, "contact": id})
            );
            Ok(id)
        })
    }

    /// Adds an internal note (never shown to the customer); clears the note draft.
    pub async fn add_note(&self, case: &CaseReference, actor: i64, text: &str) -> Result<()> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Invalid::field("note", "write the note before adding it").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            ensure_case!(tx, case);
            insert_event!(
                tx,
                case.number(),
                now,
                Some(actor),
                "note",
                serde_json::json!({"text": text})
            );
            sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(case.number())
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE agent_jobs SET note_draft = '', draft_saved_at = $1 WHERE user_id = $2 AND case_id = $3",
            )
            .bind(now)
            .bind(actor)
            .bind(case.number())
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    }

    /// Promises a follow-up by `due_at`; the case's next action date moves with it.
    pub async fn add_follow_up(&self, case: &CaseReference, actor: i64, due_at: Timestamp, note: &str) -> Result<i64> {
        let note = note.trim();
        if note.is_empty() {
            return Err(Invalid::field("follow_up_note", "say what is to be done").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            ensure_case!(tx, case);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO case_follow_ups (case_id, due_at, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(case.number())
            .bind(to_millis(due_at))
            .bind(note)
            .bind(actor)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            insert_event!(
                tx,
                case.number(),
                now,
                Some(actor),
                "follow_up",
                serde_json::json!({"id": id, "due": due_at.to_string(), "note": note})
            );
            refresh_next_action!(tx, case.number(), now);
            Ok(id)
        })
    }

    /// Marks a follow-up done.
    pub async fn complete_follow_up(&self, case: &CaseReference, actor: i64, id: i64) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let n = sqlx::query(
                "UPDATE case_follow_ups SET done_at = $1, done_by = $2 WHERE id = $3 AND case_id = $4 AND done_at IS NULL",
            )
            .bind(now)
            .bind(actor)
            .bind(id)
            .bind(case.number())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("open follow-up {id} on {case}")));
            }
            insert_event!(
                tx,
                case.number(),
                now,
                Some(actor),
                "follow_up_done",
                serde_json::json!({"id": id})
            );
            refresh_next_action!(tx, case.number(), now);
            Ok(())
        })
    }

    /// A case's follow-ups, open ones first by due date.
    pub async fn follow_ups(&self, case: &CaseReference) -> Result<Vec<FollowUpRecord>> {
        read!(self, |pool, _d| {
            let rows: Vec<(i64, i64, String, i64, Option<i64>)> = sqlx::query_as(
                "SELECT id, due_at, note, created_at, done_at FROM case_follow_ups WHERE case_id = $1 \
                 ORDER BY (CASE WHEN done_at IS NULL THEN 0 ELSE 1 END), due_at, id",
            )
            .bind(case.number())
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, due, note, created, done)| FollowUpRecord {
                    id,
                    due_at: from_millis(due),
                    note,
                    created_at: from_millis(created),
                    done_at: done.map(from_millis),
                })
                .collect())
        })
    }

    /// Marks an inbound contact as needing no answer (or clears the mark).
    pub async fn set_no_reply_needed(&self, case: &CaseReference, contact: i64, actor: i64, on: bool) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let n = sqlx::query(
                "UPDATE contacts SET no_reply_needed_by = $1 WHERE id = $2 AND case_id = $3 AND direction = 'inbound'",
            )
            .bind(on.then_some(actor))
            .bind(contact)
            .bind(case.number())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("inbound contact {contact} on {case}")));
            }
            insert_event!(
                tx,
                case.number(),
                now,
                Some(actor),
                if on { "no_reply_needed" } else { "reply_needed" },
                serde_json::json!({"contact": contact})
            );
            Ok(())
        })
    }

    /// Moves a case to another service, with the reason (required: the receiving team
    /// must know why it came to them).
    pub async fn transfer_case(&self, case: &CaseReference, service: &str, reason: &str, actor: i64) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Invalid::field("reason", "say why the case is moving to another service").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let from: Option<String> =
                sqlx::query_scalar("SELECT s.slug FROM cases k JOIN services s ON s.id = k.service_id WHERE k.id = $1")
                    .bind(case.number())
                    .fetch_optional(&mut *tx)
                    .await?;
            let from = from.ok_or_else(|| StoreError::NotFound(format!("case {case}")))?;
            if from == service {
                return Err(Invalid::field("service", format!("the case is already with {service}")).into());
            }
            let to: Option<(i64, Option<i64>)> = sqlx::query_as("SELECT id, team_id FROM services WHERE slug = $1")
                .bind(service)
                .fetch_optional(&mut *tx)
                .await?;
            let (service_id, team) = to.ok_or_else(|| Invalid::field("service", format!("no service `{service}`")))?;
            sqlx::query(
                "UPDATE cases SET service_id = $1, team_id = $2, owner_id = NULL, updated_at = $3 WHERE id = $4",
            )
            .bind(service_id)
            .bind(team)
            .bind(now)
            .bind(case.number())
            .execute(&mut *tx)
            .await?;
            insert_event!(
                tx,
                case.number(),
                now,
                Some(actor),
                "transferred",
                serde_json::json!({"from": from, "to": service, "reason": reason})
            );
            crate::routing::record_correction!(tx, case.number(), service, actor, now);
            Ok(())
        })
    }

    /// What closing a case depends on: its contacts and its open follow-ups.
    pub async fn close_facts(&self, case: &CaseReference) -> Result<(Vec<ContactFact>, Vec<FollowUpFact>)> {
        read!(self, |pool, _d| {
            let contacts: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
                "SELECT id, direction, received_at, no_reply_needed_by FROM contacts WHERE case_id = $1 ORDER BY received_at, id",
            )
            .bind(case.number())
            .fetch_all(pool)
            .await?;
            let follow_ups: Vec<(i64, i64, String)> = sqlx::query_as(
                "SELECT id, due_at, note FROM case_follow_ups WHERE case_id = $1 AND done_at IS NULL ORDER BY due_at, id",
            )
            .bind(case.number())
            .fetch_all(pool)
            .await?;
            let contacts = contacts
                .into_iter()
                .map(|(id, dir, at, marked)| {
                    Ok(ContactFact {
                        id,
                        direction: dir.parse::<Direction>().map_err(StoreError::Engine)?,
                        at: from_millis(at),
                        no_reply_needed: marked.is_some(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let follow_ups = follow_ups
                .into_iter()
                .map(|(id, due, note)| FollowUpFact {
                    id,
                    due_at: from_millis(due),
                    note,
                })
                .collect();
            Ok((contacts, follow_ups))
        })
    }

    /// Notes that `user` has `case` open now; returns the others who had it open in
    /// the last `window`.
    pub async fn touch_presence(
        &self,
        case: &CaseReference,
        user: i64,
        window: jiff::SignedDuration,
    ) -> Result<Vec<UserRef>> {
        let now = Timestamp::now();
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "INSERT INTO case_presence (case_id, user_id, seen_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (case_id, user_id) DO UPDATE SET seen_at = excluded.seen_at",
            )
            .bind(case.number())
            .bind(user)
            .bind(to_millis(now))
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })?;
        read!(self, |pool, _d| {
            let rows: Vec<(i64, String, String)> = sqlx::query_as(
                "SELECT u.id, u.email, u.name FROM case_presence p JOIN users u ON u.id = p.user_id \
                 WHERE p.case_id = $1 AND p.user_id <> $2 AND p.seen_at >= $3 ORDER BY u.name",
            )
            .bind(case.number())
            .bind(user)
            .bind(to_millis(now - window))
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, email, name)| UserRef { id, email, name })
                .collect())
        })
    }

    /// What a case page polls to notice changes: (contacts on the case, last change).
    pub async fn case_version(&self, case: &CaseReference) -> Result<(i64, Timestamp)> {
        read!(self, |pool, _d| {
            let row: Option<(i64, i64)> = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM contacts WHERE case_id = $1), updated_at FROM cases WHERE id = $1",
            )
            .bind(case.number())
            .fetch_optional(pool)
            .await?;
            let (n, at) = row.ok_or_else(|| StoreError::NotFound(format!("case {case}")))?;
            Ok((n, from_millis(at)))
        })
    }

    /// Keeps a queue under a name (replacing one of the same name).
    pub async fn save_view(&self, user: i64, name: &str, query: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(Invalid::field("name", "give the view a name of 1 to 60 characters").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "INSERT INTO saved_views (user_id, name, query, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query",
            )
            .bind(user)
            .bind(name)
            .bind(query)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    }

    /// A user's saved views, by name.
    pub async fn saved_views(&self, user: i64) -> Result<Vec<SavedView>> {
        read!(self, |pool, _d| {
            let rows: Vec<(i64, String, String)> =
                sqlx::query_as("SELECT id, name, query FROM saved_views WHERE user_id = $1 ORDER BY name")
                    .bind(user)
                    .fetch_all(pool)
                    .await?;
            Ok(rows
                .into_iter()
                .map(|(id, name, query)| SavedView { id, name, query })
                .collect())
        })
    }

    /// Forgets a saved view.
    pub async fn delete_view(&self, user: i64, id: i64) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }

    /// Sets when the case must next be acted on by hand (without a follow-up note);
    /// `None` leaves only its deadline and follow-ups.
    pub async fn set_due(&self, case: &CaseReference, actor: i64, due_at: Option<Timestamp>) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            ensure_case!(tx, case);
            sqlx::query("UPDATE cases SET due_at = $1, updated_at = $2 WHERE id = $3")
                .bind(due_at.map(to_millis))
                .bind(now)
                .bind(case.number())
                .execute(&mut *tx)
                .await?;
            insert_event!(
                tx,
                case.number(),
                now,
                Some(actor),
                "due",
                serde_json::json!({"due": due_at.map(|t| t.to_string())})
            );
            refresh_next_action!(tx, case.number(), now);
            Ok(())
        })
    }
}

/// A `case_merges` row: from, into, contact ids, follow-up ids, from status, merged at, undone at.
type MergeRow = (i64, i64, String, String, String, i64, Option<i64>);

/// A merge that can still be undone.
#[derive(Debug, Clone, Serialize)]
pub struct MergeRecord {
    pub id: i64,
    pub from: CaseReference,
    pub into: CaseReference,
    pub merged_at: Timestamp,
}

impl Store {
    /// Merges case `from` into case `into`: its contacts and open follow-ups move over,
    /// and it closes as a duplicate of `into`. Only cases of one customer merge (cases of
    /// different customers about one thing are linked instead). Undone by
    /// [`Store::undo_merge`] with the returned id.
    pub async fn merge_case(&self, from: &CaseReference, into: &CaseReference, actor: i64) -> Result<i64> {
        if from == into {
            return Err(Invalid::field("into", "a case cannot be merged into itself").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, d| {
            let lock = if d == crate::Dialect::Postgres {
                " FOR UPDATE"
            } else {
                ""
            };
            let mut cases = Vec::new();
            for r in [from, into] {
                let row: Option<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT customer_id, status FROM cases WHERE id = $1{lock}"
                )))
                .bind(r.number())
                .fetch_optional(&mut *tx)
                .await?;
                cases.push(row.ok_or_else(|| StoreError::NotFound(format!("case {r}")))?);
            }
            let (from_customer, from_status) = cases[0].clone();
            let (into_customer, into_status) = cases[1].clone();
            if from_customer != into_customer {
                return Err(Invalid::field(
                    "into",
                    format!("{into} belongs to another customer: link the cases instead of merging them"),
                )
                .into());
            }
            if matches!(into_status.as_str(), "closed" | "resolved") {
                return Err(Invalid::field("into", format!("{into} is {into_status}; merge into an open case")).into());
            }
            let contacts: Vec<i64> = sqlx::query_scalar("SELECT id FROM contacts WHERE case_id = $1 ORDER BY id")
                .bind(from.number())
                .fetch_all(&mut *tx)
                .await?;
            let follow_ups: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM case_follow_ups WHERE case_id = $1 AND done_at IS NULL ORDER BY id")
                    .bind(from.number())
                    .fetch_all(&mut *tx)
                    .await?;
            sqlx::query("UPDATE contacts SET case_id = $1 WHERE case_id = $2")
                .bind(into.number())
                .bind(from.number())
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE case_follow_ups SET case_id = $1 WHERE case_id = $2 AND done_at IS NULL")
                .bind(into.number())
                .bind(from.number())
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE cases SET status = 'closed', closed_at = $1, updated_at = $1, next_action_at = NULL WHERE id = $2",
            )
            .bind(now)
            .bind(from.number())
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO case_links (from_case_id, to_case_id, kind, created_at, created_by) \
                 VALUES ($1, $2, 'duplicate_of', $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(from.number())
            .bind(into.number())
            .bind(now)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO case_merges (from_case_id, into_case_id, contact_ids, follow_up_ids, from_status, merged_at, merged_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(from.number())
            .bind(into.number())
            .bind(serde_json::to_string(&contacts).unwrap_or_else(|_| "[]".into()))
            .bind(serde_json::to_string(&follow_ups).unwrap_or_else(|_| "[]".into()))
            .bind(&from_status)
            .bind(now)
            .bind(actor)
            .fetch_one(&mut *tx)
            .await?;
            let detail = serde_json::json!({"from": from.to_string(), "into": into.to_string(), "merge": id, "contacts": contacts.len()});
            insert_event!(tx, from.number(), now, Some(actor), "merged_into", detail);
            insert_event!(tx, into.number(), now, Some(actor), "merged_from", detail);
            refresh_next_action!(tx, into.number(), now);
            // What moved may need an answer on its new case.
            sqlx::query("UPDATE cases SET next_action_at = COALESCE(next_action_at, $1) WHERE id = $2")
                .bind(first_reply_due(now))
                .bind(into.number())
                .execute(&mut *tx)
                .await?;
            Ok(id)
        })
    }

    /// Undoes a merge: the contacts and follow-ups that moved go back, the merged case
    /// returns to the status it had, and the duplicate link goes. Returns the merge.
    pub async fn undo_merge(&self, id: i64, actor: i64, prefix: &str) -> Result<MergeRecord> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let row: Option<MergeRow> = sqlx::query_as(
                "SELECT from_case_id, into_case_id, contact_ids, follow_up_ids, from_status, merged_at, undone_at \
                 FROM case_merges WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let (from, into, contacts, follow_ups, status, merged_at, undone) =
                row.ok_or_else(|| StoreError::NotFound(format!("merge {id}")))?;
            if undone.is_some() {
                return Err(StoreError::Conflict(format!("merge {id} was already undone")));
            }
            let contacts: Vec<i64> = serde_json::from_str(&contacts).unwrap_or_default();
            let follow_ups: Vec<i64> = serde_json::from_str(&follow_ups).unwrap_or_default();
            for c in &contacts {
                sqlx::query("UPDATE contacts SET case_id = $1 WHERE id = $2 AND case_id = $3")
                    .bind(from)
                    .bind(c)
                    .bind(into)
                    .execute(&mut *tx)
                    .await?;
            }
            for f in &follow_ups {
                sqlx::query("UPDATE case_follow_ups SET case_id = $1 WHERE id = $2 AND case_id = $3")
                    .bind(from)
                    .bind(f)
                    .bind(into)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE cases SET status = $1, closed_at = NULL, updated_at = $2, next_action_at = $3 WHERE id = $4",
            )
            .bind(&status)
            .bind(now)
            .bind(first_reply_due(now))
            .bind(from)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM case_links WHERE from_case_id = $1 AND to_case_id = $2 AND kind = 'duplicate_of'")
                .bind(from)
                .bind(into)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE case_merges SET undone_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let from_ref = crate::intake::reference(prefix, from)?;
            let into_ref = crate::intake::reference(prefix, into)?;
            let detail = serde_json::json!({"from": from_ref.to_string(), "into": into_ref.to_string(), "merge": id});
            insert_event!(tx, from, now, Some(actor), "merge_undone", detail);
            insert_event!(tx, into, now, Some(actor), "merge_undone", detail);
            refresh_next_action!(tx, into, now);
            Ok(MergeRecord {
                id,
                from: from_ref,
                into: into_ref,
                merged_at: from_millis(merged_at),
            })
        })
    }

    /// The newest merge into `case` that can still be undone.
    pub async fn undoable_merge(&self, case: &CaseReference) -> Result<Option<MergeRecord>> {
        let row: Option<(i64, i64, i64)> = read!(self, |pool, _d| sqlx::query_as(
            "SELECT id, from_case_id, merged_at FROM case_merges WHERE into_case_id = $1 AND undone_at IS NULL \
             ORDER BY id DESC LIMIT 1"
        )
        .bind(case.number())
        .fetch_optional(pool)
        .await?);
        row.map(|(id, from, at)| {
            Ok(MergeRecord {
                id,
                from: crate::intake::reference(case.prefix(), from)?,
                into: case.clone(),
                merged_at: from_millis(at),
            })
        })
        .transpose()
    }
}
