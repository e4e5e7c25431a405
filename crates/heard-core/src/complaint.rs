//! The Complaint Handling Code (the Housing Ombudsman's and the Local Government and Social
//! Care Ombudsman's joint code): exactly two stages, each acknowledged within
//! [`ACKNOWLEDGE_DAYS`] working days of receipt and answered within 10 (stage 1) or 20
//! (stage 2) working days of the acknowledgement; one extension per stage of at most as long
//! again, only with a reason and with the resident told (the Ombudsman's details included);
//! stage 2 handled by someone who did not handle stage 1; a complaint about something more
//! than twelve months old flagged for a decision with reasons; refusals recorded with their
//! reasons. Pure rules: the store keeps the facts, the web shows them.

use crate::Invalid;
use crate::calendar::{Calendar, CalendarError};
use crate::error::Checker;
use crate::service_level;
use crate::vocabulary;
use jiff::Zoned;
use jiff::civil::Date;

/// Working days from receipt to the acknowledgement, at either stage.
pub const ACKNOWLEDGE_DAYS: u32 = 5;
/// Months after the matter complained of within which a complaint is accepted without a
/// decision on lateness.
pub const LATE_AFTER_MONTHS: i8 = 12;
/// The longest text kept in one field of a complaint record.
pub const MAX_TEXT: usize = 10_000;

vocabulary! {
    /// The two stages of the code; there is no third.
    Stage {
        /// Investigation and response.
        One => "stage_1",
        /// A review of the stage 1 response, at the resident's request.
        Two => "stage_2",
    }
}

impl Stage {
    /// 1 or 2, as stored.
    pub fn number(self) -> i64 {
        match self {
            Stage::One => 1,
            Stage::Two => 2,
        }
    }

    /// The stage numbered `n`.
    pub fn from_number(n: i64) -> Option<Stage> {
        match n {
            1 => Some(Stage::One),
            2 => Some(Stage::Two),
            _ => None,
        }
    }

    /// Working days from the acknowledgement to the response.
    pub fn response_days(self) -> u32 {
        match self {
            Stage::One => 10,
            Stage::Two => 20,
        }
    }

    /// The longest extension the code allows, in working days.
    pub fn max_extension_days(self) -> u32 {
        self.response_days()
    }

    /// "Stage 1", "Stage 2".
    pub fn label(self) -> &'static str {
        match self {
            Stage::One => "Stage 1",
            Stage::Two => "Stage 2",
        }
    }
}

vocabulary! {
    /// What the response found.
    Decision {
        Upheld => "upheld",
        PartlyUpheld => "partly_upheld",
        NotUpheld => "not_upheld",
    }
}

impl Decision {
    /// In words, for pages and reports.
    pub fn label(self) -> &'static str {
        match self {
            Decision::Upheld => "Upheld",
            Decision::PartlyUpheld => "Partly upheld",
            Decision::NotUpheld => "Not upheld",
        }
    }
}

vocabulary! {
    /// Why a complaint was not taken through the code. The code lets a council decline only
    /// for reasons like these, each explained to the resident with the Ombudsman's details.
    Refusal {
        /// The matter happened more than twelve months before the complaint.
        OverTwelveMonths => "over_12_months",
        /// Legal proceedings have begun about it.
        LegalProceedings => "legal_proceedings",
        /// It was considered under the complaints policy before.
        AlreadyConsidered => "already_considered",
        /// It has its own route of appeal (a parking penalty, a council tax appeal, a
        /// planning decision).
        OwnAppealRoute => "own_appeal_route",
    }
}

impl Refusal {
    /// In words, for pages and reports.
    pub fn label(self) -> &'static str {
        match self {
            Refusal::OverTwelveMonths => "The matter is more than 12 months old",
            Refusal::LegalProceedings => "Legal proceedings have started",
            Refusal::AlreadyConsidered => "Already considered under the complaints policy",
            Refusal::OwnAppealRoute => "It has its own appeal route",
        }
    }
}

vocabulary! {
    /// Which Ombudsman a complaint goes to when the council's process is done.
    Ombudsman {
        /// Complaints about a council's homes as landlord.
        Housing => "housing",
        /// Every other council service.
        LocalGovernment => "local_government",
    }
}

impl Ombudsman {
    /// Name and contact details as the resident is given them. Public contact details of
    /// the two Ombudsmen; a council can replace them in `[complaints]`.
    pub fn details(self) -> &'static str {
        match self {
            Ombudsman::Housing => {
                "the Housing Ombudsman Service: www.housing-ombudsman.org.uk, telephone 0300 111 3000, \
                 email info@housing-ombudsman.org.uk"
            }
            Ombudsman::LocalGovernment => {
                "the Local Government and Social Care Ombudsman: www.lgo.org.uk, telephone 0300 061 0614"
            }
        }
    }
}

/// When a stage's acknowledgement is due: [`ACKNOWLEDGE_DAYS`] working days after receipt,
/// at the end of the office day.
pub fn acknowledge_due(calendar: &Calendar, received: &Zoned) -> Result<Zoned, CalendarError> {
    service_level::deadline(calendar, received, ACKNOWLEDGE_DAYS)
}

/// When a stage's response is due: its working days after the acknowledgement, plus any
/// extension.
pub fn respond_due(
    calendar: &Calendar,
    stage: Stage,
    acknowledged: &Zoned,
    extended_days: u32,
) -> Result<Zoned, CalendarError> {
    service_level::deadline(calendar, acknowledged, stage.response_days() + extended_days)
}

/// An acknowledgement sets out the complaint as understood and the outcome the resident
/// seeks; both are required.
pub fn check_acknowledgement(understood: &str, outcome_sought: &str) -> Result<(), Invalid> {
    let mut c = Checker::new();
    text(
        &mut c,
        "understood",
        understood,
        "say what the complaint is, as you understood it",
    );
    text(
        &mut c,
        "outcome_sought",
        outcome_sought,
        "say what outcome the resident is seeking",
    );
    c.finish()
}

/// An extension: at most the stage's own length in all, with a reason, and only once the
/// resident has been told (with the Ombudsman's details).
pub fn check_extension(
    stage: Stage,
    already_extended: u32,
    days: u32,
    reason: &str,
    resident_told: bool,
) -> Result<(), Invalid> {
    let mut c = Checker::new();
    let max = stage.max_extension_days();
    let left = max.saturating_sub(already_extended);
    if days == 0 {
        c.fail("days", "give the number of working days to extend by");
    } else if days > left {
        c.fail(
            "days",
            if already_extended == 0 {
                format!("{} may be extended by at most {max} working days", stage.label())
            } else {
                format!(
                    "{} may be extended by at most {max} working days in all; {already_extended} are used, {left} remain",
                    stage.label()
                )
            },
        );
    }
    text(&mut c, "reason", reason, "record why more time is needed");
    if !resident_told {
        c.fail(
            "resident_told",
            "the resident must be told of the extension, with the Ombudsman's details",
        );
    }
    c.finish()
}

/// Stage 2 is handled by someone who did not handle stage 1.
pub fn check_reviewer(stage_1_handlers: &[i64], reviewer: i64) -> Result<(), Invalid> {
    if stage_1_handlers.contains(&reviewer) {
        return Err(Invalid::field(
            "handler",
            "stage 2 must be handled by someone who did not handle stage 1; choose another officer",
        ));
    }
    Ok(())
}

/// A response: a decision with its reasons; remedy, outstanding actions and learning as
/// they apply.
pub fn check_response(reasons: &str, remedy: &str, actions: &[String], learning: &str) -> Result<(), Invalid> {
    let mut c = Checker::new();
    text(&mut c, "reasons", reasons, "give the reasons for the decision");
    for (field, value) in [("remedy", remedy), ("learning", learning)] {
        if value.chars().count() > MAX_TEXT {
            c.fail(field, format!("at most {MAX_TEXT} characters"));
        }
    }
    for (i, a) in actions.iter().enumerate() {
        if a.chars().count() > 500 {
            c.fail(format!("actions[{i}]"), "at most 500 characters for one action");
        }
    }
    c.finish()
}

/// A refusal: why, in the resident's terms.
pub fn check_refusal(reasons: &str) -> Result<(), Invalid> {
    let mut c = Checker::new();
    text(
        &mut c,
        "reasons",
        reasons,
        "explain the refusal; the resident is told it",
    );
    c.finish()
}

/// A complaint made more than [`LATE_AFTER_MONTHS`] months after the matter it is about:
/// it needs a decision, with reasons, on whether to take it.
pub fn is_late(matter: Date, received: Date) -> bool {
    matter
        .checked_add(jiff::Span::new().months(LATE_AFTER_MONTHS))
        .map(|limit| received > limit)
        .unwrap_or(false)
}

fn text(c: &mut Checker, field: &str, value: &str, missing: &str) {
    let v = value.trim();
    if v.is_empty() {
        c.fail(field, missing);
    } else if v.chars().count() > MAX_TEXT {
        c.fail(field, format!("at most {MAX_TEXT} characters"));
    }
}

/// What a stage is waiting for, for the case page and the slipping queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The acknowledgement, due then.
    Acknowledge(Zoned),
    /// The response, due then.
    Respond(Zoned),
    /// Nothing: the stage is answered.
    Done,
}

/// The facts of one stage the rules need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageFacts {
    pub stage: Stage,
    pub received: Zoned,
    pub acknowledged: Option<Zoned>,
    pub extended_days: u32,
    pub responded: Option<Zoned>,
}

impl StageFacts {
    /// What the stage waits for next, and by when.
    pub fn next(&self, calendar: &Calendar) -> Result<Next, CalendarError> {
        if self.responded.is_some() {
            return Ok(Next::Done);
        }
        match &self.acknowledged {
            None => acknowledge_due(calendar, &self.received).map(Next::Acknowledge),
            Some(a) => respond_due(calendar, self.stage, a, self.extended_days).map(Next::Respond),
        }
    }

    /// Was the acknowledgement on time? `None` while there is none.
    pub fn acknowledged_on_time(&self, calendar: &Calendar) -> Result<Option<bool>, CalendarError> {
        let Some(a) = &self.acknowledged else {
            return Ok(None);
        };
        Ok(Some(*a <= acknowledge_due(calendar, &self.received)?))
    }

    /// Was the response on time (against the extended deadline)? `None` while there is none.
    pub fn responded_on_time(&self, calendar: &Calendar) -> Result<Option<bool>, CalendarError> {
        let (Some(a), Some(r)) = (&self.acknowledged, &self.responded) else {
            return Ok(None);
        };
        Ok(Some(*r <= respond_due(calendar, self.stage, a, self.extended_days)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Region;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn at(s: &str) -> Zoned {
        s.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(TimeZone::get("Europe/London").unwrap())
            .unwrap()
    }

    fn ew() -> Calendar {
        Calendar::new(Region::EnglandAndWales)
    }

    #[test]
    fn deadlines_count_working_days_and_skip_bank_holidays() {
        // Received Thursday 18 December 2025: the five working days are 19, 22, 23, 24 and
        // (after Christmas and Boxing Day) 29 December.
        let received = at("2025-12-18T10:00");
        assert_eq!(acknowledge_due(&ew(), &received).unwrap(), at("2025-12-29T17:00"));
        // Acknowledged Monday 29 December: ten working days skip New Year's Day.
        let ack = at("2025-12-29T11:00");
        assert_eq!(respond_due(&ew(), Stage::One, &ack, 0).unwrap(), at("2026-01-13T17:00"));
        assert_eq!(respond_due(&ew(), Stage::Two, &ack, 0).unwrap(), at("2026-01-27T17:00"));
        // An extension of ten more.
        assert_eq!(
            respond_due(&ew(), Stage::One, &ack, 10).unwrap(),
            at("2026-01-27T17:00")
        );
    }

    #[test]
    fn scotland_keeps_its_own_holidays() {
        // 2 January is a bank holiday in Scotland, not in England.
        let received = at("2025-12-31T09:00");
        let sc = Calendar::new(Region::Scotland);
        assert_eq!(acknowledge_due(&ew(), &received).unwrap(), at("2026-01-08T17:00"));
        assert_eq!(acknowledge_due(&sc, &received).unwrap(), at("2026-01-09T17:00"));
    }

    #[test]
    fn extensions_are_bounded_and_need_a_reason_and_the_resident_told() {
        assert!(check_extension(Stage::One, 0, 10, "Awaiting a surveyor's report", true).is_ok());
        let e = check_extension(Stage::One, 0, 11, "x", true).unwrap_err();
        assert_eq!(e.errors[0].field, "days");
        assert!(e.errors[0].reason.contains("at most 10"), "{}", e.errors[0].reason);
        let e = check_extension(Stage::One, 6, 5, "x", true).unwrap_err();
        assert!(
            e.errors[0].reason.contains("6 are used, 4 remain"),
            "{}",
            e.errors[0].reason
        );
        assert!(check_extension(Stage::Two, 0, 20, "x", true).is_ok());
        assert!(check_extension(Stage::Two, 0, 21, "x", true).is_err());
        let e = check_extension(Stage::Two, 0, 0, " ", false).unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["days", "reason", "resident_told"]);
    }

    #[test]
    fn stage_two_needs_a_different_person() {
        assert!(check_reviewer(&[4, 7], 9).is_ok());
        let e = check_reviewer(&[4, 7], 7).unwrap_err();
        assert_eq!(e.errors[0].field, "handler");
        assert!(e.errors[0].reason.contains("did not handle stage 1"));
    }

    #[test]
    fn twelve_months_is_the_line() {
        assert!(!is_late(date(2025, 3, 1), date(2026, 3, 1)));
        assert!(is_late(date(2025, 3, 1), date(2026, 3, 2)));
        assert!(!is_late(date(2025, 3, 1), date(2025, 3, 1)));
        // A leap day matter: twelve months on is 28 February.
        assert!(is_late(date(2024, 2, 29), date(2025, 3, 1)));
    }

    #[test]
    fn what_a_stage_waits_for() {
        let mut s = StageFacts {
            stage: Stage::One,
            received: at("2026-03-02T09:00"),
            acknowledged: None,
            extended_days: 0,
            responded: None,
        };
        assert_eq!(s.next(&ew()).unwrap(), Next::Acknowledge(at("2026-03-09T17:00")));
        s.acknowledged = Some(at("2026-03-09T18:00"));
        assert_eq!(s.acknowledged_on_time(&ew()).unwrap(), Some(false));
        assert_eq!(s.next(&ew()).unwrap(), Next::Respond(at("2026-03-23T17:00")));
        s.responded = Some(at("2026-03-23T16:59"));
        assert_eq!(s.responded_on_time(&ew()).unwrap(), Some(true));
        assert_eq!(s.next(&ew()).unwrap(), Next::Done);
    }

    #[test]
    fn acknowledgements_and_responses_name_what_is_missing() {
        let e = check_acknowledgement("", " ").unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["understood", "outcome_sought"]);
        assert!(check_response("Missed twice", "", &[], "").is_ok());
        assert_eq!(check_response("", "", &[], "").unwrap_err().errors[0].field, "reasons");
        let long = "x".repeat(501);
        assert_eq!(
            check_response("r", "", &[long], "").unwrap_err().errors[0].field,
            "actions[0]"
        );
        assert!(check_refusal("").is_err());
    }
}
