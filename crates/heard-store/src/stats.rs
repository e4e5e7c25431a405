//! What monitoring reads (`/metrics`): counts this process keeps of its own intake, and
//! cheap capped counts of the queues people and outboxes work through.

use crate::db::read;
use crate::{Result, Store};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The most rows a queue gauge counts: past it the gauge reads as this, so a scrape stays
/// cheap however far a queue has run away (which the cap already says loudly).
pub const GAUGE_CAP: i64 = 100_000;

/// Contacts this process has stored, by channel, since it started. Kept in the store
/// because every channel's intake (API, forms, Open311, email) ends in it.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    intake: Mutex<BTreeMap<&'static str, u64>>,
}

impl Stats {
    pub(crate) fn intake(&self, channel: heard_core::Channel) {
        if let Ok(mut m) = self.intake.lock() {
            *m.entry(channel.as_str()).or_default() += 1;
        }
    }
}

/// Queue depths at one moment, each capped at [`GAUGE_CAP`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueDepths {
    /// Emails waiting to leave (pending in the outbox).
    pub email_outbox: i64,
    /// Text messages waiting to leave.
    pub sms_outbox: i64,
    /// Open cases nobody owns.
    pub unassigned: i64,
    /// Open, unpaused cases whose next action falls before the given time (the "slipping" queue).
    pub slipping: i64,
    /// Missed deadlines escalated, ever (one per case, target and deadline).
    pub escalations: i64,
}

impl Store {
    /// Contacts stored by this process since it started, by channel (`email`, `web_form`…).
    pub fn intake_counts(&self) -> Vec<(&'static str, u64)> {
        self.stats
            .intake
            .lock()
            .map(|m| m.iter().map(|(k, v)| (*k, *v)).collect())
            .unwrap_or_default()
    }

    /// The queue depths monitoring shows; `slipping_before` is the slipping queue's horizon.
    pub async fn queue_depths(&self, slipping_before: jiff::Timestamp) -> Result<QueueDepths> {
        let capped = |filter: &str| format!("SELECT count(*) FROM (SELECT 1 FROM {filter} LIMIT {GAUGE_CAP}) t");
        let email = capped("email_outbox WHERE status = 'pending'");
        let sms = capped("sms_outbox WHERE status = 'pending'");
        let unassigned = capped("cases WHERE owner_id IS NULL AND status NOT IN ('resolved', 'closed')");
        let slipping = capped(
            "cases WHERE next_action_at < $1 AND status NOT IN ('resolved', 'closed') AND clock_paused_at IS NULL",
        );
        let escalations = capped("case_escalations");
        let before = crate::to_millis(slipping_before);
        read!(self, |conn, d| {
            let one = |sql: String| sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(conn);
            Ok(QueueDepths {
                email_outbox: one(email).await?,
                sms_outbox: one(sms).await?,
                unassigned: one(unassigned).await?,
                slipping: sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(slipping))
                    .bind(before)
                    .fetch_one(conn)
                    .await?,
                escalations: one(escalations).await?,
            })
        })
    }
}
