//! How a case stands against its service levels, in words for the case page and the
//! queues: "Overdue" once a deadline has passed, "Due soon" within the level's warning
//! window (working hours, `heard_core::service_level::standing`). The window comes from
//! the configuration at read time, so changing it changes what pages show at once.

use crate::time::London;
use heard_core::calendar::{Calendar, OfficeHours, Region};
use heard_core::service_level::{self, ClockFacts, ServiceLevels, Standing, Target};
use heard_store::CaseRecord;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::sync::LazyLock;

/// The calendar the store counts deadlines in (England and Wales), built once.
static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| Calendar::new(Region::EnglandAndWales));

/// One pending deadline, as a page shows it.
#[derive(Debug, Clone)]
pub(crate) struct ClockView {
    /// `overdue`, `due_soon` or `on_track` (also the tag's CSS class).
    pub standing: &'static str,
    /// "First response", "Next update", "Resolution".
    pub target: &'static str,
    pub due: Timestamp,
    /// A short line: "Overdue: first response was due 24 Nov 17:00".
    pub text: String,
}

pub(crate) fn target_name(t: Target) -> &'static str {
    match t {
        Target::FirstResponse => "First response",
        Target::NextUpdate => "Next update",
        Target::Resolution => "Resolution",
    }
}

/// Every deadline `case` still has to meet, most pressing first; none while paused or
/// once resolved.
pub(crate) fn clocks(levels: &ServiceLevels, case: &CaseRecord, now: Timestamp) -> Vec<ClockView> {
    let Ok(tz) = TimeZone::get("Europe/London") else {
        return Vec::new();
    };
    let zoned = |t: Option<Timestamp>| t.map(|t| t.to_zoned(tz.clone()));
    let facts = ClockFacts {
        first_response_due: zoned(case.first_response_due_at),
        responded: case.responded_at.is_some(),
        update_due: zoned(case.update_due_at),
        resolution_due: zoned(case.due_at),
        paused: case.clock_paused_at.is_some(),
        finished: !case.status.is_open(),
    };
    let warn = levels.targets(&case.service, case.kind).warn_before_hours;
    let now = now.to_zoned(tz.clone());
    service_level::clocks(&CALENDAR, &OfficeHours::default(), &now, warn, &facts)
        .into_iter()
        .map(|c| {
            let due = c.due.timestamp();
            let when = due.london("%-d %b %H:%M");
            let name = c.target.label();
            let (standing, text) = match c.standing {
                Standing::Overdue => ("overdue", format!("Overdue: {name} was due {when}")),
                Standing::DueSoon => ("due_soon", format!("Due soon: {name} by {when}")),
                Standing::OnTrack => ("on_track", format!("{} by {when}", target_name(c.target))),
            };
            ClockView {
                standing,
                target: target_name(c.target),
                due,
                text,
            }
        })
        .collect()
}

/// The most pressing deadline, if it is overdue or due soon: what a queue row flags.
pub(crate) fn warning(levels: &ServiceLevels, case: &CaseRecord, now: Timestamp) -> Option<ClockView> {
    clocks(levels, case, now)
        .into_iter()
        .next()
        .filter(|c| c.standing != "on_track")
}
