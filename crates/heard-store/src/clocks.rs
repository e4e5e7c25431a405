//! Service-level clocks on stored cases: the deadlines a new case gets at intake, and
//! the pause while it awaits the customer. The rules are `heard_core::service_level`'s;
//! this module turns stored milliseconds into London time for them and back.
//!
//! A deadline (`cases.due_at`) moves only with a history entry, in the same transaction:
//! set at intake (in the `created` entry), moved on resuming (`clock_resumed`), or set by
//! hand (`due`).
//!
//! The first-response deadline (`first_response_due_at`) counts until the customer has
//! had an outbound contact (`responded_at`); after that, when the case's level sets a
//! next-update target (`update_days`, fixed at intake), each outbound contact makes the
//! next update due that many working days later (`update_due_at`). Both feed
//! `next_action_at`. A missed deadline is escalated to the team's manager once
//! ([`crate::Store::escalate_breaches`]): the `case_escalations` row is unique per case,
//! target and deadline, so several nodes checking at once still escalate it once.

use crate::db::{insert_event, write_tx};
use crate::{Result, Store, UserRef, from_millis, to_millis};
use heard_core::calendar::{Calendar, Region};
use heard_core::service_level::{self, Target, Targets};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::Serialize;
use sqlx::Row;
use std::sync::OnceLock;

/// The calendar deadlines are counted in (England and Wales, as `first_reply_due`).
pub(crate) fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(|| Calendar::new(Region::EnglandAndWales))
}

pub(crate) fn london(ms: i64) -> Option<Zoned> {
    let tz = TimeZone::get("Europe/London").ok()?;
    Some(from_millis(ms).to_zoned(tz))
}

/// A new case's clocks: (first response due, resolution due), in ms. `None` outside the
/// calendar's years: a deadline is never guessed.
pub fn new_case_deadlines(received: i64, targets: Targets) -> (Option<i64>, Option<i64>) {
    let Some(at) = london(received) else {
        return (None, None);
    };
    let due = |days| {
        service_level::deadline(calendar(), &at, days)
            .ok()
            .map(|z| to_millis(z.timestamp()))
    };
    (due(targets.first_response_days), due(targets.resolution_days))
}

/// What resuming a clock paused at `paused` does at `now`: the working days the pause
/// covered, and the deadline `due` moved later by them (unchanged when it cannot be
/// computed, or there was none).
pub fn resume(due: Option<i64>, paused: i64, now: i64) -> (u32, Option<i64>) {
    let (Some(from), Some(to)) = (london(paused), london(now)) else {
        return (0, due);
    };
    let days = service_level::paused_working_days(calendar(), &from, &to).unwrap_or(0);
    let moved = due.map(|d| {
        london(d)
            .and_then(|z| service_level::extend(calendar(), &z, days).ok())
            .map(|z| to_millis(z.timestamp()))
            .unwrap_or(d)
    });
    (days, moved)
}

/// When the next update is due after an outbound contact at `at` (ms), for a level
/// with a next-update target of `days` working days (`None`: no target).
pub fn update_due(at: i64, days: Option<i64>) -> Option<i64> {
    let days = u32::try_from(days?).ok()?;
    let at = london(at)?;
    service_level::deadline(calendar(), &at, days)
        .ok()
        .map(|z| to_millis(z.timestamp()))
}

/// Recomputes a case's `next_action_at` ($1 the case): the earliest of its deadline, its
/// first response (until given) or next update, and its open follow-ups (as
/// `workspace`'s `refresh_next_action!`, without touching `updated_at`, which the status
/// change sets).
pub(crate) const REFRESH_NEXT_ACTION: &str = "UPDATE cases SET next_action_at = (SELECT MIN(t) FROM (\
     SELECT due_at AS t FROM cases WHERE id = $1 AND due_at IS NOT NULL \
     UNION ALL SELECT first_response_due_at FROM cases WHERE id = $1 AND responded_at IS NULL \
       AND first_response_due_at IS NOT NULL \
     UNION ALL SELECT update_due_at FROM cases WHERE id = $1 AND responded_at IS NOT NULL AND update_due_at IS NOT NULL \
     UNION ALL SELECT due_at FROM case_follow_ups WHERE case_id = $1 AND done_at IS NULL) n) WHERE id = $1";

/// A case's next-update target in working days ($1 the case).
pub(crate) const UPDATE_DAYS: &str = "SELECT update_days FROM cases WHERE id = $1";

/// An outbound contact at $1 on case $3: the first response (if none yet), and the next
/// update due at $2 (never moved earlier by an older contact recorded late).
pub(crate) const OUTBOUND: &str = "UPDATE cases SET responded_at = COALESCE(responded_at, $1), \
     update_due_at = CASE WHEN $2 IS NULL THEN update_due_at WHEN update_due_at IS NULL OR update_due_at < $2 THEN $2 \
     ELSE update_due_at END WHERE id = $3";

/// On resuming: the next update, if the case has that target and has been answered, is
/// due $1 (the target counted from the resumption); $2 the case.
pub(crate) const RESTART_UPDATE: &str = "UPDATE cases SET update_due_at = $1 \
     WHERE id = $2 AND responded_at IS NOT NULL AND update_days IS NOT NULL";

/// A history entry's time, as the case page and API show it.
pub(crate) fn stamp(ms: Option<i64>) -> Option<String> {
    ms.map(|m| from_millis(m).to_string())
}

/// The `clock_resumed` history entry: working days paused, the deadline before and after.
pub(crate) fn resumed_detail(days: u32, before: Option<i64>, after: Option<i64>) -> serde_json::Value {
    serde_json::json!({"paused_working_days": days, "from": stamp(before), "due": stamp(after)})
}

/// A missed deadline escalated to a team manager.
#[derive(Debug, Clone, Serialize)]
pub struct EscalationRecord {
    pub case_id: i64,
    pub target: Target,
    pub due_at: Timestamp,
    /// The case's team's manager (the longest-standing active one); `None` when the team
    /// has none, which the history entry says.
    pub manager: Option<UserRef>,
}

/// Open, running cases past a deadline not yet escalated: (case, target, deadline,
/// manager id, email, name). Mirrors `heard_core::service_level::breaches`: the first
/// response until given, then the next update; and the resolution.
const BREACHES: &str = "SELECT b.case_id, b.target, b.due, u.id, u.email, u.name FROM (\
     SELECT k.id AS case_id, 'first_response' AS target, k.first_response_due_at AS due, k.team_id AS team FROM cases k \
       WHERE k.responded_at IS NULL AND k.first_response_due_at IS NOT NULL AND k.first_response_due_at <= $1 \
       AND k.status NOT IN ('resolved', 'closed') AND k.clock_paused_at IS NULL \
       AND NOT EXISTS (SELECT 1 FROM case_escalations e WHERE e.case_id = k.id AND e.target = 'first_response' \
         AND e.due_at = k.first_response_due_at) \
     UNION ALL SELECT k.id, 'next_update', k.update_due_at, k.team_id FROM cases k \
       WHERE k.update_due_at IS NOT NULL AND k.update_due_at <= $1 AND k.responded_at IS NOT NULL \
       AND k.status NOT IN ('resolved', 'closed') AND k.clock_paused_at IS NULL \
       AND NOT EXISTS (SELECT 1 FROM case_escalations e WHERE e.case_id = k.id AND e.target = 'next_update' \
         AND e.due_at = k.update_due_at) \
     UNION ALL SELECT k.id, 'resolution', k.due_at, k.team_id FROM cases k \
       WHERE k.due_at IS NOT NULL AND k.due_at <= $1 \
       AND k.status NOT IN ('resolved', 'closed') AND k.clock_paused_at IS NULL \
       AND NOT EXISTS (SELECT 1 FROM case_escalations e WHERE e.case_id = k.id AND e.target = 'resolution' \
         AND e.due_at = k.due_at)) b \
     LEFT JOIN users u ON u.id = (SELECT m.id FROM users m WHERE m.team_id = b.team AND m.role = 'team_manager' \
       AND m.active ORDER BY m.id LIMIT 1) \
     ORDER BY b.due, b.case_id, b.target LIMIT $2";

/// How many breaches one round escalates; the next round takes the rest.
pub const ESCALATION_BATCH: i64 = 200;

impl Store {
    /// Escalates every deadline missed by `now` that was not escalated before (up to
    /// [`ESCALATION_BATCH`]): a `case_escalations` row and an `escalated` history entry
    /// naming the manager, in one transaction. Safe to run on several nodes at once and
    /// after a restart: the row's uniqueness decides, and only the node whose row went
    /// in writes the history entry. Returns what this call escalated.
    pub async fn escalate_breaches(&self, now: Timestamp) -> Result<Vec<EscalationRecord>> {
        let at = to_millis(now);
        write_tx!(self, |tx, _d| {
            let rows = sqlx::query(BREACHES)
                .bind(at)
                .bind(ESCALATION_BATCH)
                .fetch_all(&mut *tx)
                .await?;
            let mut done = Vec::new();
            for r in rows {
                let case: i64 = r.try_get(0)?;
                let target: String = r.try_get(1)?;
                let due: i64 = r.try_get(2)?;
                let manager = match r.try_get::<Option<i64>, _>(3)? {
                    Some(id) => Some(UserRef {
                        id,
                        email: r.try_get(4)?,
                        name: r.try_get(5)?,
                    }),
                    None => None,
                };
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO case_escalations (case_id, target, due_at, manager_id, at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (case_id, target, due_at) DO NOTHING RETURNING id",
                )
                .bind(case)
                .bind(&target)
                .bind(due)
                .bind(manager.as_ref().map(|m| m.id))
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
                if inserted.is_none() {
                    continue; // another node escalated it first
                }
                let target: Target = target.parse().map_err(crate::StoreError::Engine)?;
                let detail = serde_json::json!({
                    "target": target, "due": stamp(Some(due)),
                    "manager": manager.as_ref().map(|m| serde_json::json!({"id": m.id, "name": m.name, "email": m.email})),
                });
                insert_event!(tx, case, at, None::<i64>, "escalated", detail);
                done.push(EscalationRecord {
                    case_id: case,
                    target,
                    due_at: from_millis(due),
                    manager,
                });
            }
            Ok(done)
        })
    }
}

#[cfg(feature = "testing")]
impl crate::Store {
    /// Tests only: moves a case's first-response deadline to `at` (a deadline cannot be
    /// made to fall an hour from now otherwise, whatever the day and time).
    pub async fn set_first_response_due(
        &self,
        case: &heard_core::CaseReference,
        at: jiff::Timestamp,
    ) -> crate::Result<()> {
        crate::db::write_tx!(self, |tx, _d| {
            sqlx::query("UPDATE cases SET first_response_due_at = $1 WHERE id = $2")
                .bind(to_millis(at))
                .bind(case.number())
                .execute(&mut *tx)
                .await?;
            sqlx::query(REFRESH_NEXT_ACTION)
                .bind(case.number())
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }

    /// Tests only: as if the case's paused clock had been paused at `at` (a pause cannot
    /// be made to last days in a test otherwise).
    pub async fn backdate_clock_pause(
        &self,
        case: &heard_core::CaseReference,
        at: jiff::Timestamp,
    ) -> crate::Result<()> {
        crate::db::write_tx!(self, |tx, _d| {
            sqlx::query("UPDATE cases SET clock_paused_at = $1 WHERE id = $2 AND clock_paused_at IS NOT NULL")
                .bind(to_millis(at))
                .bind(case.number())
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }
}
