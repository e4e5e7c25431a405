//! Service-level clocks on stored cases: the deadlines a new case gets at intake, and
//! the pause while it awaits the customer. The rules are `heard_core::service_level`'s;
//! this module turns stored milliseconds into London time for them and back.
//!
//! A deadline (`cases.due_at`) moves only with a history entry, in the same transaction:
//! set at intake (in the `created` entry), moved on resuming (`clock_resumed`), or set by
//! hand (`due`).

use crate::{from_millis, to_millis};
use heard_core::calendar::{Calendar, Region};
use heard_core::service_level::{self, Targets};
use jiff::Zoned;
use jiff::tz::TimeZone;
use std::sync::OnceLock;

/// The calendar deadlines are counted in (England and Wales, as `first_reply_due`).
fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(|| Calendar::new(Region::EnglandAndWales))
}

fn london(ms: i64) -> Option<Zoned> {
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

/// Recomputes a case's `next_action_at` ($1 the case): the earliest of its deadline and
/// its open follow-ups (as `workspace`'s `refresh_next_action!`, without touching
/// `updated_at`, which the status change sets).
pub(crate) const REFRESH_NEXT_ACTION: &str = "UPDATE cases SET next_action_at = (SELECT MIN(t) FROM (\
     SELECT due_at AS t FROM cases WHERE id = $1 AND due_at IS NOT NULL \
     UNION ALL SELECT due_at FROM case_follow_ups WHERE case_id = $1 AND done_at IS NULL) n) WHERE id = $1";

/// A history entry's time, as the case page and API show it.
pub(crate) fn stamp(ms: Option<i64>) -> Option<String> {
    ms.map(|m| from_millis(m).to_string())
}

/// The `clock_resumed` history entry: working days paused, the deadline before and after.
pub(crate) fn resumed_detail(days: u32, before: Option<i64>, after: Option<i64>) -> serde_json::Value {
    serde_json::json!({"paused_working_days": days, "from": stamp(before), "due": stamp(after)})
}

#[cfg(feature = "testing")]
impl crate::Store {
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
