//! Service levels: how many working days a case has for its first response and for its
//! resolution, per service and case kind, and the deadlines they give.
//!
//! A council configures levels (`[[service_levels]]`); the most specific entry for a
//! case wins: service and kind, then service, then kind, then the default (an entry
//! naming neither), then heard's own defaults ([`DEFAULT_FIRST_RESPONSE_DAYS`],
//! [`DEFAULT_RESOLUTION_DAYS`]). A deadline is the end of the office day ([`DUE_HOUR`])
//! on the working day N working days from receipt. While a case awaits the customer its
//! clock is paused, and on resuming the deadline moves later by the working days the
//! pause covered. Pure: the time zone travels with the [`Zoned`] values the caller gives.
//!
//! A level may also set a next-update target (`next_update_days`): once the customer has
//! had a first response, each update is due that many working days after the last one.
//! A deadline within `warn_before_hours` *working* hours (office hours, bank holidays
//! skipped) is "due soon", so a warning given on Friday afternoon still means Monday
//! morning's deadline, not a weekend's worth of plain hours ([`clocks`]).

use crate::CaseKind;
use crate::calendar::{Calendar, CalendarError, OfficeHours};
use jiff::Zoned;
use serde::{Deserialize, Serialize};

/// Working days for a first response when no service level says otherwise.
pub const DEFAULT_FIRST_RESPONSE_DAYS: u32 = 2;
/// Working days for a resolution when no service level says otherwise.
pub const DEFAULT_RESOLUTION_DAYS: u32 = 20;
/// The largest target accepted, in working days (about a year and a half).
pub const MAX_DAYS: u32 = 365;
/// Deadlines fall at the end of the office day: 17:00 on the deadline day.
pub const DUE_HOUR: i8 = 17;
/// Working hours before a deadline it is "due soon", when no level says otherwise:
/// about one office day.
pub const DEFAULT_WARN_BEFORE_HOURS: u32 = 8;
/// The longest warning accepted, in working hours (about four weeks of office days).
pub const MAX_WARN_BEFORE_HOURS: u32 = 160;

/// One configured level: the targets for a service (or all), a case kind (or all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevel {
    /// The service's slug; `None` for every service.
    #[serde(default)]
    pub service: Option<String>,
    /// The case kind; `None` for every kind.
    #[serde(default)]
    pub kind: Option<CaseKind>,
    /// Working days from receipt to the first response.
    pub first_response_days: u32,
    /// Working days from receipt to resolution (paused while awaiting the customer).
    pub resolution_days: u32,
    /// Working days from one update to the customer to the next; `None`: no such target.
    #[serde(default)]
    pub next_update_days: Option<u32>,
    /// Working hours before a deadline that it shows as "due soon"; 0 turns warnings
    /// off. Default [`DEFAULT_WARN_BEFORE_HOURS`].
    #[serde(default)]
    pub warn_before_hours: Option<u32>,
}

impl ServiceLevel {
    /// Checks the targets (1–[`MAX_DAYS`] working days each); the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        for (field, days) in [
            ("first_response_days", self.first_response_days),
            ("resolution_days", self.resolution_days),
        ] {
            if !(1..=MAX_DAYS).contains(&days) {
                return Err(format!(
                    "{field}: must be between 1 and {MAX_DAYS} working days (got {days})"
                ));
            }
        }
        if let Some(days) = self.next_update_days
            && !(1..=MAX_DAYS).contains(&days)
        {
            return Err(format!(
                "next_update_days: must be between 1 and {MAX_DAYS} working days (got {days})"
            ));
        }
        if let Some(hours) = self.warn_before_hours
            && hours > MAX_WARN_BEFORE_HOURS
        {
            return Err(format!(
                "warn_before_hours: must be between 0 and {MAX_WARN_BEFORE_HOURS} working hours (got {hours})"
            ));
        }
        if let Some(s) = &self.service
            && !crate::contact::is_slug(s)
        {
            return Err(format!("service: `{s}` is not a service slug"));
        }
        Ok(())
    }

    fn specificity(&self) -> u8 {
        match (&self.service, &self.kind) {
            (Some(_), Some(_)) => 3,
            (Some(_), None) => 2,
            (None, Some(_)) => 1,
            (None, None) => 0,
        }
    }

    fn applies(&self, service: &str, kind: CaseKind) -> bool {
        self.service.as_deref().is_none_or(|s| s == service) && self.kind.is_none_or(|k| k == kind)
    }
}

/// The targets a case has, in working days (the warning in working hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Targets {
    pub first_response_days: u32,
    pub resolution_days: u32,
    pub next_update_days: Option<u32>,
    pub warn_before_hours: u32,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            first_response_days: DEFAULT_FIRST_RESPONSE_DAYS,
            resolution_days: DEFAULT_RESOLUTION_DAYS,
            next_update_days: None,
            warn_before_hours: DEFAULT_WARN_BEFORE_HOURS,
        }
    }
}

/// A council's service levels (possibly none: then every case has the defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceLevels {
    levels: Vec<ServiceLevel>,
}

impl ServiceLevels {
    /// Validated levels; the error names the entry (`service_levels[2]`) and the field.
    /// Two entries for the same service and kind are refused: which would win?
    pub fn new(levels: Vec<ServiceLevel>) -> Result<ServiceLevels, String> {
        for (i, l) in levels.iter().enumerate() {
            l.validate().map_err(|e| format!("service_levels[{i}].{e}"))?;
            if let Some(j) = levels[..i]
                .iter()
                .position(|o| o.service == l.service && o.kind == l.kind)
            {
                return Err(format!(
                    "service_levels[{i}]: the same service and kind as service_levels[{j}]"
                ));
            }
        }
        Ok(ServiceLevels { levels })
    }

    pub fn levels(&self) -> &[ServiceLevel] {
        &self.levels
    }

    /// The targets for a case of `kind` in `service`: the most specific entry that
    /// applies, else heard's defaults.
    pub fn targets(&self, service: &str, kind: CaseKind) -> Targets {
        self.levels
            .iter()
            .filter(|l| l.applies(service, kind))
            .max_by_key(|l| l.specificity())
            .map(|l| Targets {
                first_response_days: l.first_response_days,
                resolution_days: l.resolution_days,
                next_update_days: l.next_update_days,
                warn_before_hours: l.warn_before_hours.unwrap_or(DEFAULT_WARN_BEFORE_HOURS),
            })
            .unwrap_or_default()
    }
}

crate::vocabulary! {
    /// A service-level target a case can miss.
    Target {
        FirstResponse => "first_response",
        NextUpdate => "next_update",
        Resolution => "resolution",
    }
}

impl Target {
    /// The target as a sentence names it ("first response target missed").
    pub fn label(self) -> &'static str {
        match self {
            Target::FirstResponse => "first response",
            Target::NextUpdate => "next update",
            Target::Resolution => "resolution",
        }
    }
}

/// Where a case stands against one of its deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    OnTrack,
    /// Within the warning window: act now to stay on time.
    DueSoon,
    /// Past the deadline: the target is missed.
    Overdue,
}

/// What is known of a case's clocks (deadlines in the case's own time zone).
#[derive(Debug, Clone, Default)]
pub struct ClockFacts {
    pub first_response_due: Option<Zoned>,
    /// Whether the customer has had any outbound contact yet.
    pub responded: bool,
    /// When the next update to the customer is due (set once they have had one).
    pub update_due: Option<Zoned>,
    pub resolution_due: Option<Zoned>,
    /// Awaiting the customer: nothing runs, so nothing is due.
    pub paused: bool,
    /// Resolved or closed: nothing is due either.
    pub finished: bool,
}

/// One deadline still to meet, and how it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    pub target: Target,
    pub due: Zoned,
    pub standing: Standing,
}

/// The deadlines a case still has to meet: the first response until the customer has
/// had one, then the next update (if the level sets one); and the resolution.
pub fn pending(facts: &ClockFacts) -> Vec<(Target, Zoned)> {
    if facts.paused || facts.finished {
        return Vec::new();
    }
    let mut out = Vec::new();
    if !facts.responded {
        out.extend(facts.first_response_due.clone().map(|d| (Target::FirstResponse, d)));
    } else {
        out.extend(facts.update_due.clone().map(|d| (Target::NextUpdate, d)));
    }
    out.extend(facts.resolution_due.clone().map(|d| (Target::Resolution, d)));
    out
}

/// How `due` stands at `now`: overdue once passed; due soon when no more than
/// `warn_hours` working hours (in `office` hours) remain. A window that cannot be
/// computed (outside the calendar's years) warns rather than stay quiet.
pub fn standing(calendar: &Calendar, office: &OfficeHours, now: &Zoned, due: &Zoned, warn_hours: u32) -> Standing {
    if due <= now {
        return Standing::Overdue;
    }
    if warn_hours == 0 {
        return Standing::OnTrack;
    }
    let span = jiff::SignedDuration::from_hours(i64::from(warn_hours));
    match calendar.add_working_time_zoned(office, now, span) {
        Ok(edge) if &edge < due => Standing::OnTrack,
        _ => Standing::DueSoon,
    }
}

/// Every pending deadline with its standing, most pressing first (overdue, then due
/// soon, then on track; earliest first within each).
pub fn clocks(
    calendar: &Calendar,
    office: &OfficeHours,
    now: &Zoned,
    warn_hours: u32,
    facts: &ClockFacts,
) -> Vec<Clock> {
    let mut out: Vec<Clock> = pending(facts)
        .into_iter()
        .map(|(target, due)| Clock {
            standing: standing(calendar, office, now, &due, warn_hours),
            target,
            due,
        })
        .collect();
    out.sort_by(|a, b| b.standing.cmp(&a.standing).then_with(|| a.due.cmp(&b.due)));
    out
}

/// The targets missed at `now`: what an escalation is raised for, once per deadline.
pub fn breaches(facts: &ClockFacts, now: &Zoned) -> Vec<(Target, Zoned)> {
    pending(facts).into_iter().filter(|(_, due)| due <= now).collect()
}

/// The deadline `days` working days from receipt: [`DUE_HOUR`] on the day
/// [`Calendar::deadline_from_receipt`] gives, in `received`'s time zone (which should be
/// Europe/London), so a deadline across a clock change stays at office time.
pub fn deadline(calendar: &Calendar, received: &Zoned, days: u32) -> Result<Zoned, CalendarError> {
    let day = calendar.deadline_from_receipt(received.date(), days)?;
    day.at(DUE_HOUR, 0, 0, 0)
        .to_zoned(received.time_zone().clone())
        .map_err(|e| CalendarError::TimeZone(e.to_string()))
}

/// Working days a pause covered: those after the day it began, up to and including the
/// day it ended (paused on Monday, resumed on Thursday: 3). Zero for a same-day pause.
pub fn paused_working_days(calendar: &Calendar, paused: &Zoned, resumed: &Zoned) -> Result<u32, CalendarError> {
    let end = resumed.with_time_zone(paused.time_zone().clone());
    calendar.working_days_between(paused.date(), end.date())
}

/// `due` moved later by `days` working days, at the same time of day.
pub fn extend(calendar: &Calendar, due: &Zoned, days: u32) -> Result<Zoned, CalendarError> {
    let day = calendar.add_working_days(due.date(), days)?;
    day.to_datetime(due.time())
        .to_zoned(due.time_zone().clone())
        .map_err(|e| CalendarError::TimeZone(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Region;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn london() -> TimeZone {
        TimeZone::get("Europe/London").unwrap()
    }

    fn at(y: i16, m: i8, d: i8, h: i8) -> Zoned {
        date(y, m, d).at(h, 0, 0, 0).to_zoned(london()).unwrap()
    }

    fn level(service: Option<&str>, kind: Option<CaseKind>, first: u32, resolution: u32) -> ServiceLevel {
        ServiceLevel {
            service: service.map(str::to_string),
            kind,
            first_response_days: first,
            resolution_days: resolution,
            next_update_days: None,
            warn_before_hours: None,
        }
    }

    #[test]
    fn the_most_specific_level_wins() {
        let levels = ServiceLevels::new(vec![
            level(None, None, 3, 30),
            level(None, Some(CaseKind::Complaint), 5, 10),
            level(Some("waste"), None, 1, 5),
            level(Some("waste"), Some(CaseKind::Complaint), 4, 15),
        ])
        .unwrap();
        let t = |s, k| {
            let t = levels.targets(s, k);
            (t.first_response_days, t.resolution_days)
        };
        assert_eq!(t("waste", CaseKind::Complaint), (4, 15));
        assert_eq!(t("waste", CaseKind::Request), (1, 5));
        assert_eq!(t("housing", CaseKind::Complaint), (5, 10));
        assert_eq!(t("housing", CaseKind::Enquiry), (3, 30));
        let none = ServiceLevels::default().targets("housing", CaseKind::Enquiry);
        assert_eq!((none.first_response_days, none.resolution_days), (2, 20));
        // Order in the file does not matter.
        let reversed = ServiceLevels::new(vec![
            level(Some("waste"), Some(CaseKind::Complaint), 4, 15),
            level(Some("waste"), None, 1, 5),
        ])
        .unwrap();
        assert_eq!(reversed.targets("waste", CaseKind::Complaint).resolution_days, 15);
    }

    #[test]
    fn impossible_targets_are_refused_by_name() {
        let e = ServiceLevels::new(vec![level(None, None, 0, 20)]).unwrap_err();
        assert!(e.contains("service_levels[0].first_response_days"), "{e}");
        let e = ServiceLevels::new(vec![level(None, None, 2, 20), level(Some("waste"), None, 2, 366)]).unwrap_err();
        assert!(e.contains("service_levels[1].resolution_days"), "{e}");
        let e = ServiceLevels::new(vec![level(Some("Waste Team"), None, 2, 20)]).unwrap_err();
        assert!(e.contains("service_levels[0].service"), "{e}");
        let e = ServiceLevels::new(vec![
            level(Some("waste"), None, 2, 20),
            level(Some("waste"), None, 3, 20),
        ])
        .unwrap_err();
        assert!(
            e.contains("service_levels[1]") && e.contains("service_levels[0]"),
            "{e}"
        );
        assert!(ServiceLevels::new(vec![level(None, None, 1, 365)]).is_ok());
    }

    #[test]
    fn deadlines_skip_bank_holidays_and_fall_at_five() {
        let cal = Calendar::new(Region::EnglandAndWales);
        // Thursday 24 December 2026: 25 (Christmas), 26–27 (weekend) and 28 (Boxing Day
        // substitute) are not working days, so one working day on is Tuesday 29 and two
        // are Wednesday 30.
        assert_eq!(deadline(&cal, &at(2026, 12, 24, 10), 1).unwrap(), at(2026, 12, 29, 17));
        assert_eq!(deadline(&cal, &at(2026, 12, 24, 10), 2).unwrap(), at(2026, 12, 30, 17));
        // Received on a Saturday: counted from Monday.
        assert_eq!(deadline(&cal, &at(2026, 11, 21, 9), 1).unwrap(), at(2026, 11, 24, 17));
        // Across the clocks going back (25 October 2026) it stays 17:00 London time.
        let due = deadline(&cal, &at(2026, 10, 23, 12), 2).unwrap();
        assert_eq!(due, at(2026, 10, 27, 17));
        assert_eq!(due.offset().seconds(), 0);
        assert!(deadline(&cal, &at(2026, 3, 27, 12), 2).unwrap().offset().seconds() == 3600);
    }

    #[test]
    fn a_pause_moves_the_deadline_by_the_working_days_it_covered() {
        let cal = Calendar::new(Region::EnglandAndWales);
        // Paused Monday 16 November 2026, resumed Thursday 19th: 3 working days.
        let days = paused_working_days(&cal, &at(2026, 11, 16, 11), &at(2026, 11, 19, 9)).unwrap();
        assert_eq!(days, 3);
        let due = at(2026, 11, 20, 17);
        assert_eq!(extend(&cal, &due, days).unwrap(), at(2026, 11, 25, 17));
        // Over Christmas: paused Wed 23 December, resumed Tue 29th covers 24 and 29.
        assert_eq!(
            paused_working_days(&cal, &at(2026, 12, 23, 16), &at(2026, 12, 29, 9)).unwrap(),
            2
        );
        // A pause within one day moves nothing.
        assert_eq!(
            paused_working_days(&cal, &at(2026, 11, 16, 9), &at(2026, 11, 16, 16)).unwrap(),
            0
        );
        assert_eq!(extend(&cal, &due, 0).unwrap(), due);
    }

    #[test]
    fn next_update_and_warning_are_checked_by_name() {
        let mut l = level(None, None, 2, 20);
        l.next_update_days = Some(0);
        let e = ServiceLevels::new(vec![l.clone()]).unwrap_err();
        assert!(e.contains("service_levels[0].next_update_days"), "{e}");
        l.next_update_days = Some(5);
        l.warn_before_hours = Some(MAX_WARN_BEFORE_HOURS + 1);
        let e = ServiceLevels::new(vec![level(None, None, 2, 20), {
            let mut w = l.clone();
            w.service = Some("waste".into());
            w
        }])
        .unwrap_err();
        assert!(e.contains("service_levels[1].warn_before_hours"), "{e}");
        l.warn_before_hours = Some(0);
        let levels = ServiceLevels::new(vec![l]).unwrap();
        let t = levels.targets("waste", CaseKind::Request);
        assert_eq!((t.next_update_days, t.warn_before_hours), (Some(5), 0));
        let t = ServiceLevels::default().targets("waste", CaseKind::Request);
        assert_eq!(
            (t.next_update_days, t.warn_before_hours),
            (None, DEFAULT_WARN_BEFORE_HOURS)
        );
    }

    #[test]
    fn the_first_response_then_the_next_update_is_pending() {
        let facts = ClockFacts {
            first_response_due: Some(at(2026, 11, 24, 17)),
            responded: false,
            update_due: Some(at(2026, 11, 30, 17)),
            resolution_due: Some(at(2026, 12, 18, 17)),
            ..Default::default()
        };
        let targets = |f: &ClockFacts| pending(f).into_iter().map(|(t, _)| t).collect::<Vec<_>>();
        assert_eq!(targets(&facts), [Target::FirstResponse, Target::Resolution]);
        let answered = ClockFacts {
            responded: true,
            ..facts.clone()
        };
        assert_eq!(targets(&answered), [Target::NextUpdate, Target::Resolution]);
        assert!(
            pending(&ClockFacts {
                paused: true,
                ..facts.clone()
            })
            .is_empty()
        );
        assert!(
            pending(&ClockFacts {
                finished: true,
                ..facts.clone()
            })
            .is_empty()
        );
        // Breached: only what is past, and only what is still pending.
        let now = at(2026, 12, 1, 9);
        assert_eq!(breaches(&facts, &now), [(Target::FirstResponse, at(2026, 11, 24, 17))]);
        assert_eq!(breaches(&answered, &now), [(Target::NextUpdate, at(2026, 11, 30, 17))]);
        assert!(breaches(&facts, &at(2026, 11, 24, 16)).is_empty());
    }

    #[test]
    fn due_soon_counts_working_hours_not_the_weekend() {
        let cal = Calendar::new(Region::EnglandAndWales);
        let office = OfficeHours::default();
        // Due Monday 23 November 2026 at 17:00; Monday's office opens at 08:30, so the
        // last 8 working hours begin at 09:00 on Monday.
        let due = at(2026, 11, 23, 17);
        let on = |now: Zoned, hours| standing(&cal, &office, &now, &due, hours);
        assert_eq!(
            on(at(2026, 11, 20, 16), 8),
            Standing::OnTrack,
            "Friday: a weekend ahead"
        );
        assert_eq!(
            on(at(2026, 11, 21, 12), 8),
            Standing::OnTrack,
            "Saturday counts nothing"
        );
        let quarter_to_nine = date(2026, 11, 23).at(8, 45, 0, 0).to_zoned(london()).unwrap();
        assert_eq!(on(quarter_to_nine, 8), Standing::OnTrack);
        assert_eq!(on(at(2026, 11, 23, 9), 8), Standing::DueSoon);
        // 9 working hours reach back into Friday afternoon (Friday closes at 16:30).
        assert_eq!(on(at(2026, 11, 20, 16), 9), Standing::DueSoon);
        assert_eq!(on(at(2026, 11, 23, 17), 8), Standing::Overdue);
        // No warning window: on track until missed.
        assert_eq!(on(at(2026, 11, 23, 16), 0), Standing::OnTrack);
        // Over Christmas: due Tuesday 29 December. From Thursday 24th at noon, 16 working
        // hours skip the 25th to the 28th and pass 17:00 on the 29th.
        let xmas = |now: Zoned, hours| standing(&cal, &office, &now, &at(2026, 12, 29, 17), hours);
        assert_eq!(xmas(at(2026, 12, 24, 12), 16), Standing::DueSoon);
        assert_eq!(xmas(at(2026, 12, 24, 12), 8), Standing::OnTrack);
    }

    #[test]
    fn clocks_put_the_most_pressing_first() {
        let cal = Calendar::new(Region::EnglandAndWales);
        let facts = ClockFacts {
            first_response_due: Some(at(2026, 11, 24, 17)),
            resolution_due: Some(at(2026, 11, 20, 17)),
            ..Default::default()
        };
        let now = at(2026, 11, 24, 10);
        let c = clocks(&cal, &OfficeHours::default(), &now, 8, &facts);
        assert_eq!(
            c.iter().map(|c| (c.target, c.standing)).collect::<Vec<_>>(),
            [
                (Target::Resolution, Standing::Overdue),
                (Target::FirstResponse, Standing::DueSoon)
            ]
        );
        assert_eq!(Target::FirstResponse.label(), "first response");
        assert_eq!("next_update".parse::<Target>(), Ok(Target::NextUpdate));
    }
}
