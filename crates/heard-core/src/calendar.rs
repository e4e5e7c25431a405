//! Working-day calendars: UK bank holidays by region, council closure days, office hours,
//! and deadlines counted in working days or working hours.
//!
//! Bank holidays are computed by rule (the Banking and Financial Dealings Act 1971 as
//! observed today) and then corrected by [`KNOWN_CHANGES`], the one-off days proclaimed
//! for a single year that no rule can know (a jubilee, a state funeral, a coronation).
//! A council can add more ([`Change`]) and its own closure days, because a deadline
//! counted against the wrong calendar is a deadline missed.
//!
//! Everything here is civil (wall-clock) time in Europe/London. Deadlines are counted in
//! the days and hours the office sees, so converting an instant to and from London time
//! is the caller's job (or use [`Calendar::add_working_time_zoned`], which keeps the
//! caller's time zone).

use jiff::civil::{Date, DateTime, Time, Weekday, date, time};
use jiff::{SignedDuration, Zoned};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// The first year heard keeps calendars for: the first with every current rule in force
/// (St Andrew's Day became a Scottish bank holiday in 2007).
pub const FIRST_YEAR: i16 = 2007;
/// The last year heard keeps calendars for. Later years would be guesses about
/// proclamations not yet made; a deadline that far out is a bug.
pub const LAST_YEAR: i16 = 2099;

/// Why a calendar question has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("year {0} is outside the years heard keeps calendars for ({first}–{last})", first = FIRST_YEAR, last = LAST_YEAR)]
    YearOutOfRange(i64),
    #[error("{0} is outside the years heard keeps calendars for ({first}–{last})", first = FIRST_YEAR, last = LAST_YEAR)]
    DateOutOfRange(Date),
    #[error("there is no bank holiday on {0} to move")]
    NothingToMove(Date),
    #[error("office hours on {weekday:?} must open before they close (got {open}–{close})")]
    OfficeHoursBackwards { weekday: Weekday, open: Time, close: Time },
    #[error("the office hours have no open day, so no working time ever passes")]
    NoOfficeHours,
    #[error("working time to add cannot be negative")]
    NegativeDuration,
    #[error("the result cannot be placed in the caller's time zone: {0}")]
    TimeZone(String),
}

/// The three UK bank-holiday jurisdictions, named as GOV.UK names them
/// (`england-and-wales`, `scotland`, `northern-ireland`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    #[serde(alias = "england_and_wales")]
    EnglandAndWales,
    Scotland,
    #[serde(alias = "northern_ireland")]
    NorthernIreland,
}

impl Region {
    /// Every region, in GOV.UK's order.
    pub const ALL: &'static [Region] = &[Region::EnglandAndWales, Region::Scotland, Region::NorthernIreland];

    /// The stable text form (GOV.UK's division name).
    pub fn as_str(self) -> &'static str {
        match self {
            Region::EnglandAndWales => "england-and-wales",
            Region::Scotland => "scotland",
            Region::NorthernIreland => "northern-ireland",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = String;

    /// Accepts GOV.UK's hyphenated names and, for config files written in heard's
    /// snake_case habit, the same names with underscores.
    fn from_str(s: &str) -> Result<Self, String> {
        Region::ALL
            .iter()
            .copied()
            .find(|r| s == r.as_str() || s == r.as_str().replace('-', "_"))
            .ok_or_else(|| {
                let names: Vec<&str> = Region::ALL.iter().map(|r| r.as_str()).collect();
                format!("`{s}` is not a region: use one of {}", names.join(", "))
            })
    }
}

/// One bank holiday as published: the day it is observed and its GOV.UK name
/// (a substitute day says so: "Boxing Day (substitute day)").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BankHoliday {
    pub date: Date,
    pub name: Cow<'static, str>,
}

/// A one-off change to a year's bank holidays, made by royal proclamation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// An extra bank holiday (a coronation, a state funeral).
    Extra { date: Date, name: Cow<'static, str> },
    /// A usual bank holiday observed on another day; `name` replaces its name if given.
    Moved {
        from: Date,
        to: Date,
        #[serde(default)]
        name: Option<Cow<'static, str>>,
    },
}

/// A [`Change`] and the regions it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownChange {
    pub regions: &'static [Region],
    pub change: Change,
}

const UK: &[Region] = Region::ALL;

const fn extra(regions: &'static [Region], date: Date, name: &'static str) -> KnownChange {
    KnownChange {
        regions,
        change: Change::Extra {
            date,
            name: Cow::Borrowed(name),
        },
    }
}

const fn moved(from: Date, to: Date, name: &'static str) -> KnownChange {
    KnownChange {
        regions: UK,
        change: Change::Moved {
            from,
            to,
            name: Some(Cow::Borrowed(name)),
        },
    }
}

/// The proclaimed one-off changes since [`FIRST_YEAR`], as GOV.UK lists them. The rules
/// cannot know these; add new proclamations here (or in a council's config until then).
pub const KNOWN_CHANGES: &[KnownChange] = &[
    extra(UK, date(2011, 4, 29), "Royal wedding"),
    moved(date(2012, 5, 28), date(2012, 6, 4), "Spring bank holiday"),
    extra(UK, date(2012, 6, 5), "Queen’s Diamond Jubilee"),
    moved(date(2020, 5, 4), date(2020, 5, 8), "Early May bank holiday (VE day)"),
    moved(date(2022, 5, 30), date(2022, 6, 2), "Spring bank holiday"),
    extra(UK, date(2022, 6, 3), "Platinum Jubilee bank holiday"),
    extra(
        UK,
        date(2022, 9, 19),
        "Bank Holiday for the State Funeral of Queen Elizabeth II",
    ),
    extra(
        UK,
        date(2023, 5, 8),
        "Bank holiday for the coronation of King Charles III",
    ),
    extra(&[Region::Scotland], date(2026, 6, 15), "World Cup bank holiday"),
];

/// A holiday on a fixed day of the year, which moves to a substitute weekday when it
/// falls at a weekend.
struct Fixed {
    month: i8,
    day: i8,
    name: &'static str,
    substitute: &'static str,
}

const NEW_YEAR: Fixed = Fixed {
    month: 1,
    day: 1,
    name: "New Year’s Day",
    substitute: "New Year’s Day (substitute day)",
};
const SECOND_JANUARY: Fixed = Fixed {
    month: 1,
    day: 2,
    name: "2nd January",
    substitute: "2nd January (substitute day)",
};
const ST_PATRICK: Fixed = Fixed {
    month: 3,
    day: 17,
    name: "St Patrick’s Day",
    substitute: "St Patrick’s Day (substitute day)",
};
const BOYNE: Fixed = Fixed {
    month: 7,
    day: 12,
    name: "Battle of the Boyne (Orangemen’s Day)",
    substitute: "Battle of the Boyne (Orangemen’s Day) (substitute day)",
};
const ST_ANDREW: Fixed = Fixed {
    month: 11,
    day: 30,
    name: "St Andrew’s Day",
    substitute: "St Andrew’s Day (substitute day)",
};
const CHRISTMAS: Fixed = Fixed {
    month: 12,
    day: 25,
    name: "Christmas Day",
    substitute: "Christmas Day (substitute day)",
};
const BOXING_DAY: Fixed = Fixed {
    month: 12,
    day: 26,
    name: "Boxing Day",
    substitute: "Boxing Day (substitute day)",
};

fn fixed_holidays(region: Region) -> &'static [Fixed] {
    match region {
        Region::EnglandAndWales => &[NEW_YEAR, CHRISTMAS, BOXING_DAY],
        Region::Scotland => &[NEW_YEAR, SECOND_JANUARY, ST_ANDREW, CHRISTMAS, BOXING_DAY],
        Region::NorthernIreland => &[NEW_YEAR, ST_PATRICK, BOYNE, CHRISTMAS, BOXING_DAY],
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn check_year(year: i64) -> Result<i16, CalendarError> {
    i16::try_from(year)
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
        .ok_or(CalendarError::YearOutOfRange(year))
}

fn check_date(d: Date) -> Result<Date, CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(CalendarError::DateOutOfRange(d))
    }
}

/// The day after `d`, within the supported years.
fn next_day(d: Date) -> Result<Date, CalendarError> {
    d.tomorrow()
        .map_err(|_| CalendarError::DateOutOfRange(d))
        .and_then(check_date)
}

/// Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let (a, b, c) = (y.rem_euclid(19), y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    // n / 31 is 3 or 4 and n % 31 + 1 at most 31, so both fit an i8.
    date(year, (n / 31) as i8, (n % 31 + 1) as i8)
}

fn first_monday(year: i16, month: i8) -> Date {
    let first = date(year, month, 1);
    date(year, month, 1 + (7 - first.weekday().to_monday_zero_offset()) % 7)
}

fn last_monday(year: i16, month: i8) -> Date {
    let last = date(year, month, 1).last_of_month();
    date(year, month, last.day() - last.weekday().to_monday_zero_offset())
}

/// The holidays the standing rules give for a year, before one-off changes.
fn by_rule(region: Region, year: i16) -> Vec<BankHoliday> {
    let easter = easter_sunday(year);
    let mut days: Vec<(Date, &'static str)> = vec![(easter - jiff::Span::new().days(2), "Good Friday")];
    if region != Region::Scotland {
        days.push((easter + jiff::Span::new().days(1), "Easter Monday"));
    }
    days.push((first_monday(year, 5), "Early May bank holiday"));
    days.push((last_monday(year, 5), "Spring bank holiday"));
    let summer = match region {
        Region::Scotland => first_monday(year, 8),
        _ => last_monday(year, 8),
    };
    days.push((summer, "Summer bank holiday"));

    // A fixed holiday on a weekday keeps its day; one at a weekend (or on a day another
    // holiday already holds) takes the next weekday still free, in the order listed.
    // This is why Christmas on a Sunday gives Boxing Day on the 26th and the Christmas
    // substitute on the 27th.
    let mut displaced = Vec::new();
    for f in fixed_holidays(region) {
        let d = date(year, f.month, f.day);
        if is_weekend(d) || days.iter().any(|(t, _)| *t == d) {
            displaced.push(f);
        } else {
            days.push((d, f.name));
        }
    }
    for f in displaced {
        let mut d = date(year, f.month, f.day) + jiff::Span::new().days(1);
        while is_weekend(d) || days.iter().any(|(t, _)| *t == d) {
            d += jiff::Span::new().days(1);
        }
        days.push((d, f.substitute));
    }

    // Scotland's schedule moves a Sunday New Year's Day to 2 January and 2 January to the
    // 3rd, and GOV.UK names the days that way round.
    if region == Region::Scotland && date(year, 1, 1).weekday() == Weekday::Sunday {
        for (d, name) in &mut days {
            if *d == date(year, 1, 2) {
                *name = NEW_YEAR.substitute;
            } else if *d == date(year, 1, 3) {
                *name = SECOND_JANUARY.substitute;
            }
        }
    }

    let mut out: Vec<BankHoliday> = days
        .into_iter()
        .map(|(date, name)| BankHoliday {
            date,
            name: Cow::Borrowed(name),
        })
        .collect();
    out.sort();
    out
}

/// Applies one change to a list of holidays. Applying a change already in the list
/// (a config repeating a built-in proclamation) changes nothing.
fn apply(days: &mut BTreeMap<Date, Cow<'static, str>>, change: &Change) -> Result<(), CalendarError> {
    match change {
        Change::Extra { date, name } => {
            days.entry(*date).or_insert_with(|| name.clone());
        }
        Change::Moved { from, to, name } => match days.remove(from) {
            Some(old) => {
                days.insert(*to, name.clone().unwrap_or(old));
            }
            None if days.contains_key(to) => {}
            None => return Err(CalendarError::NothingToMove(*from)),
        },
    }
    Ok(())
}

fn year_of(change: &Change) -> i16 {
    match change {
        Change::Extra { date, .. } => date.year(),
        Change::Moved { from, .. } => from.year(),
    }
}

/// The rule holidays of one year with the built-in changes applied.
fn published(region: Region, year: i16) -> BTreeMap<Date, Cow<'static, str>> {
    let mut days: BTreeMap<_, _> = by_rule(region, year).into_iter().map(|h| (h.date, h.name)).collect();
    for known in KNOWN_CHANGES {
        if known.regions.contains(&region) && year_of(&known.change) == year {
            // The table is checked against GOV.UK's lists by the tests, so every move
            // finds its holiday.
            let _ = apply(&mut days, &known.change);
        }
    }
    days
}

/// A region's bank holidays in `year`, in date order: the rules plus [`KNOWN_CHANGES`].
pub fn bank_holidays(region: Region, year: i64) -> Result<Vec<BankHoliday>, CalendarError> {
    let year = check_year(year)?;
    Ok(published(region, year)
        .into_iter()
        .map(|(date, name)| BankHoliday { date, name })
        .collect())
}

/// What a council configures about its calendar (its `[calendar]` settings).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSettings {
    #[serde(default = "default_region")]
    pub region: Region,
    /// Proclamations heard does not know about yet.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Days the council is closed that are not bank holidays (e.g. 24 December).
    #[serde(default)]
    pub closure_days: Vec<Date>,
}

fn default_region() -> Region {
    Region::EnglandAndWales
}

impl Default for Region {
    fn default() -> Self {
        default_region()
    }
}

/// A council's working-day calendar: its region's bank holidays for every supported year,
/// any configured changes, and its own closure days. A working day is a weekday that is
/// neither a bank holiday nor a closure day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    region: Region,
    holidays: BTreeMap<Date, Cow<'static, str>>,
    closures: BTreeSet<Date>,
}

impl Calendar {
    /// The region's published bank holidays ([`bank_holidays`]) for every supported year.
    pub fn new(region: Region) -> Calendar {
        let holidays = (FIRST_YEAR..=LAST_YEAR).flat_map(|y| published(region, y)).collect();
        Calendar {
            region,
            holidays,
            closures: BTreeSet::new(),
        }
    }

    /// A calendar from a council's settings; fails on the first setting that does not fit.
    pub fn from_settings(settings: &CalendarSettings) -> Result<Calendar, CalendarError> {
        let mut calendar = Calendar::new(settings.region);
        for change in &settings.changes {
            calendar = calendar.with_change(change)?;
        }
        for day in &settings.closure_days {
            calendar = calendar.with_closure_day(*day)?;
        }
        Ok(calendar)
    }

    /// Adds a proclaimed change for this calendar's region. Repeating a change heard
    /// already knows is harmless.
    pub fn with_change(mut self, change: &Change) -> Result<Calendar, CalendarError> {
        match change {
            Change::Extra { date, .. } => {
                check_date(*date)?;
            }
            Change::Moved { from, to, .. } => {
                check_date(*from)?;
                check_date(*to)?;
            }
        }
        apply(&mut self.holidays, change)?;
        Ok(self)
    }

    /// Adds a day the council is closed (not a bank holiday, so not listed as one).
    pub fn with_closure_day(mut self, day: Date) -> Result<Calendar, CalendarError> {
        self.closures.insert(check_date(day)?);
        Ok(self)
    }

    pub fn region(&self) -> Region {
        self.region
    }

    /// The bank holidays of `year`, in date order (closure days are not bank holidays).
    pub fn holidays(&self, year: i64) -> Result<Vec<BankHoliday>, CalendarError> {
        let year = check_year(year)?;
        Ok(self
            .holidays
            .range(date(year, 1, 1)..=date(year, 12, 31))
            .map(|(date, name)| BankHoliday {
                date: *date,
                name: name.clone(),
            })
            .collect())
    }

    /// The bank holiday's name, if `day` is one.
    pub fn holiday_name(&self, day: Date) -> Option<&str> {
        self.holidays.get(&day).map(|n| n.as_ref())
    }

    pub fn is_closure_day(&self, day: Date) -> bool {
        self.closures.contains(&day)
    }

    /// Whether `day` is a working day. Errs outside the supported years rather than guess.
    pub fn is_working_day(&self, day: Date) -> Result<bool, CalendarError> {
        check_date(day)?;
        Ok(!is_weekend(day) && !self.holidays.contains_key(&day) && !self.closures.contains(&day))
    }

    /// The first working day on or after `day`: when something arriving on `day` counts
    /// as received.
    pub fn first_working_day_from(&self, day: Date) -> Result<Date, CalendarError> {
        let mut d = check_date(day)?;
        while !self.is_working_day(d)? {
            d = next_day(d)?;
        }
        Ok(d)
    }

    /// The first working day strictly after `day`.
    pub fn next_working_day(&self, day: Date) -> Result<Date, CalendarError> {
        let mut d = next_day(check_date(day)?)?;
        while !self.is_working_day(d)? {
            d = next_day(d)?;
        }
        Ok(d)
    }

    /// "N working days after X": the Nth working day strictly after X, stepping a day
    /// at a time (so from a Saturday, one working day after is the Monday). With `n = 0`
    /// the answer is X itself. For a statutory clock that starts on receipt, where a
    /// receipt on a non-working day counts from the next working day, use
    /// [`Calendar::deadline_from_receipt`].
    pub fn add_working_days(&self, day: Date, n: u32) -> Result<Date, CalendarError> {
        let mut d = check_date(day)?;
        for _ in 0..n {
            d = self.next_working_day(d)?;
        }
        Ok(d)
    }

    /// A deadline "N working days from receipt": something received on a weekend, bank
    /// holiday or closure day counts as received on the next working day, and the N days
    /// follow that day — the convention of the Complaint Handling Code and the ICO.
    pub fn deadline_from_receipt(&self, received: Date, n: u32) -> Result<Date, CalendarError> {
        self.add_working_days(self.first_working_day_from(received)?, n)
    }

    /// How many working days fall after `start`, up to and including `end` (so
    /// `working_days_between(x, add_working_days(x, n))` is `n`). Zero when `end` is not
    /// after `start`.
    pub fn working_days_between(&self, start: Date, end: Date) -> Result<u32, CalendarError> {
        let mut d = check_date(start)?;
        check_date(end)?;
        let mut count = 0;
        while d < end {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// "`work` working time after `start`": the clock runs only inside `office` hours, and
    /// not on bank holidays or closure days (a service open on Saturdays counts its
    /// Saturday hours). The answer is the earliest moment by which that much working time
    /// has passed, so work ending at closing time ends that day, not at the next opening.
    /// Civil Europe/London time: see the module documentation.
    pub fn add_working_time(
        &self,
        office: &OfficeHours,
        start: DateTime,
        work: SignedDuration,
    ) -> Result<DateTime, CalendarError> {
        if work.is_negative() {
            return Err(CalendarError::NegativeDuration);
        }
        if office.days.iter().all(Option::is_none) {
            return Err(CalendarError::NoOfficeHours);
        }
        let mut day = check_date(start.date())?;
        if work.is_zero() {
            return Ok(start);
        }
        let mut from = start.time();
        let mut left = work;
        loop {
            if let Some((open, close)) = office.on(day.weekday())
                && !self.holidays.contains_key(&day)
                && !self.closures.contains(&day)
            {
                let begin = from.max(open);
                if begin < close {
                    let available = begin.duration_until(close);
                    if left <= available {
                        // begin + left is no later than close, so it stays within the day.
                        let end = begin
                            .checked_add(left)
                            .map_err(|_| CalendarError::DateOutOfRange(day))?;
                        return Ok(day.to_datetime(end));
                    }
                    left -= available;
                }
            }
            day = next_day(day)?;
            from = Time::midnight();
        }
    }

    /// [`Calendar::add_working_time`] for whole hours ("N working hours after X").
    pub fn add_working_hours(
        &self,
        office: &OfficeHours,
        start: DateTime,
        hours: u32,
    ) -> Result<DateTime, CalendarError> {
        self.add_working_time(office, start, SignedDuration::from_hours(i64::from(hours)))
    }

    /// [`Calendar::add_working_time`] on the wall clock of `start`'s own time zone (which
    /// should be Europe/London), so a deadline across a clock change stays at office time.
    pub fn add_working_time_zoned(
        &self,
        office: &OfficeHours,
        start: &Zoned,
        work: SignedDuration,
    ) -> Result<Zoned, CalendarError> {
        let end = self.add_working_time(office, start.datetime(), work)?;
        end.to_zoned(start.time_zone().clone())
            .map_err(|e| CalendarError::TimeZone(e.to_string()))
    }
}

/// When a service's office is open, per weekday (each service may keep its own).
/// The default is the common council pattern: Monday to Thursday 08:30–17:00,
/// Friday 08:30–16:30.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeHours {
    /// Monday first; `None` when closed all day.
    days: [Option<(Time, Time)>; 7],
}

impl OfficeHours {
    /// Closed every day; open days are added with [`OfficeHours::with_day`].
    pub const fn closed() -> OfficeHours {
        OfficeHours { days: [None; 7] }
    }

    /// Opens `weekday` from `open` until `close`.
    pub fn with_day(mut self, weekday: Weekday, open: Time, close: Time) -> Result<OfficeHours, CalendarError> {
        if open >= close {
            return Err(CalendarError::OfficeHoursBackwards { weekday, open, close });
        }
        self.days[weekday.to_monday_zero_offset() as usize] = Some((open, close));
        Ok(self)
    }

    /// Opening and closing time on `weekday`, if open.
    pub fn on(&self, weekday: Weekday) -> Option<(Time, Time)> {
        self.days[weekday.to_monday_zero_offset() as usize]
    }
}

impl Default for OfficeHours {
    fn default() -> Self {
        let day = Some((time(8, 30, 0, 0), time(17, 0, 0, 0)));
        let friday = Some((time(8, 30, 0, 0), time(16, 30, 0, 0)));
        OfficeHours {
            days: [day, day, day, day, friday, None, None],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // GOV.UK's published bank holidays (https://www.gov.uk/bank-holidays), 2018–2027,
    // written out as facts: the rules must reproduce them, names included.

    const ENGLAND_AND_WALES: &str = "
        2018-01-01 New Year’s Day
        2018-03-30 Good Friday
        2018-04-02 Easter Monday
        2018-05-07 Early May bank holiday
        2018-05-28 Spring bank holiday
        2018-08-27 Summer bank holiday
        2018-12-25 Christmas Day
        2018-12-26 Boxing Day
        2019-01-01 New Year’s Day
        2019-04-19 Good Friday
        2019-04-22 Easter Monday
        2019-05-06 Early May bank holiday
        2019-05-27 Spring bank holiday
        2019-08-26 Summer bank holiday
        2019-12-25 Christmas Day
        2019-12-26 Boxing Day
        2020-01-01 New Year’s Day
        2020-04-10 Good Friday
        2020-04-13 Easter Monday
        2020-05-08 Early May bank holiday (VE day)
        2020-05-25 Spring bank holiday
        2020-08-31 Summer bank holiday
        2020-12-25 Christmas Day
        2020-12-28 Boxing Day (substitute day)
        2021-01-01 New Year’s Day
        2021-04-02 Good Friday
        2021-04-05 Easter Monday
        2021-05-03 Early May bank holiday
        2021-05-31 Spring bank holiday
        2021-08-30 Summer bank holiday
        2021-12-27 Christmas Day (substitute day)
        2021-12-28 Boxing Day (substitute day)
        2022-01-03 New Year’s Day (substitute day)
        2022-04-15 Good Friday
        2022-04-18 Easter Monday
        2022-05-02 Early May bank holiday
        2022-06-02 Spring bank holiday
        2022-06-03 Platinum Jubilee bank holiday
        2022-08-29 Summer bank holiday
        2022-09-19 Bank Holiday for the State Funeral of Queen Elizabeth II
        2022-12-26 Boxing Day
        2022-12-27 Christmas Day (substitute day)
        2023-01-02 New Year’s Day (substitute day)
        2023-04-07 Good Friday
        2023-04-10 Easter Monday
        2023-05-01 Early May bank holiday
        2023-05-08 Bank holiday for the coronation of King Charles III
        2023-05-29 Spring bank holiday
        2023-08-28 Summer bank holiday
        2023-12-25 Christmas Day
        2023-12-26 Boxing Day
        2024-01-01 New Year’s Day
        2024-03-29 Good Friday
        2024-04-01 Easter Monday
        2024-05-06 Early May bank holiday
        2024-05-27 Spring bank holiday
        2024-08-26 Summer bank holiday
        2024-12-25 Christmas Day
        2024-12-26 Boxing Day
        2025-01-01 New Year’s Day
        2025-04-18 Good Friday
        2025-04-21 Easter Monday
        2025-05-05 Early May bank holiday
        2025-05-26 Spring bank holiday
        2025-08-25 Summer bank holiday
        2025-12-25 Christmas Day
        2025-12-26 Boxing Day
        2026-01-01 New Year’s Day
        2026-04-03 Good Friday
        2026-04-06 Easter Monday
        2026-05-04 Early May bank holiday
        2026-05-25 Spring bank holiday
        2026-08-31 Summer bank holiday
        2026-12-25 Christmas Day
        2026-12-28 Boxing Day (substitute day)
        2027-01-01 New Year’s Day
        2027-03-26 Good Friday
        2027-03-29 Easter Monday
        2027-05-03 Early May bank holiday
        2027-05-31 Spring bank holiday
        2027-08-30 Summer bank holiday
        2027-12-27 Christmas Day (substitute day)
        2027-12-28 Boxing Day (substitute day)
    ";

    const SCOTLAND: &str = "
        2018-01-01 New Year’s Day
        2018-01-02 2nd January
        2018-03-30 Good Friday
        2018-05-07 Early May bank holiday
        2018-05-28 Spring bank holiday
        2018-08-06 Summer bank holiday
        2018-11-30 St Andrew’s Day
        2018-12-25 Christmas Day
        2018-12-26 Boxing Day
        2019-01-01 New Year’s Day
        2019-01-02 2nd January
        2019-04-19 Good Friday
        2019-05-06 Early May bank holiday
        2019-05-27 Spring bank holiday
        2019-08-05 Summer bank holiday
        2019-12-02 St Andrew’s Day (substitute day)
        2019-12-25 Christmas Day
        2019-12-26 Boxing Day
        2020-01-01 New Year’s Day
        2020-01-02 2nd January
        2020-04-10 Good Friday
        2020-05-08 Early May bank holiday (VE day)
        2020-05-25 Spring bank holiday
        2020-08-03 Summer bank holiday
        2020-11-30 St Andrew’s Day
        2020-12-25 Christmas Day
        2020-12-28 Boxing Day (substitute day)
        2021-01-01 New Year’s Day
        2021-01-04 2nd January (substitute day)
        2021-04-02 Good Friday
        2021-05-03 Early May bank holiday
        2021-05-31 Spring bank holiday
        2021-08-02 Summer bank holiday
        2021-11-30 St Andrew’s Day
        2021-12-27 Christmas Day (substitute day)
        2021-12-28 Boxing Day (substitute day)
        2022-01-03 New Year’s Day (substitute day)
        2022-01-04 2nd January (substitute day)
        2022-04-15 Good Friday
        2022-05-02 Early May bank holiday
        2022-06-02 Spring bank holiday
        2022-06-03 Platinum Jubilee bank holiday
        2022-08-01 Summer bank holiday
        2022-09-19 Bank Holiday for the State Funeral of Queen Elizabeth II
        2022-11-30 St Andrew’s Day
        2022-12-26 Boxing Day
        2022-12-27 Christmas Day (substitute day)
        2023-01-02 New Year’s Day (substitute day)
        2023-01-03 2nd January (substitute day)
        2023-04-07 Good Friday
        2023-05-01 Early May bank holiday
        2023-05-08 Bank holiday for the coronation of King Charles III
        2023-05-29 Spring bank holiday
        2023-08-07 Summer bank holiday
        2023-11-30 St Andrew’s Day
        2023-12-25 Christmas Day
        2023-12-26 Boxing Day
        2024-01-01 New Year’s Day
        2024-01-02 2nd January
        2024-03-29 Good Friday
        2024-05-06 Early May bank holiday
        2024-05-27 Spring bank holiday
        2024-08-05 Summer bank holiday
        2024-12-02 St Andrew’s Day (substitute day)
        2024-12-25 Christmas Day
        2024-12-26 Boxing Day
        2025-01-01 New Year’s Day
        2025-01-02 2nd January
        2025-04-18 Good Friday
        2025-05-05 Early May bank holiday
        2025-05-26 Spring bank holiday
        2025-08-04 Summer bank holiday
        2025-12-01 St Andrew’s Day (substitute day)
        2025-12-25 Christmas Day
        2025-12-26 Boxing Day
        2026-01-01 New Year’s Day
        2026-01-02 2nd January
        2026-04-03 Good Friday
        2026-05-04 Early May bank holiday
        2026-05-25 Spring bank holiday
        2026-06-15 World Cup bank holiday
        2026-08-03 Summer bank holiday
        2026-11-30 St Andrew’s Day
        2026-12-25 Christmas Day
        2026-12-28 Boxing Day (substitute day)
        2027-01-01 New Year’s Day
        2027-01-04 2nd January (substitute day)
        2027-03-26 Good Friday
        2027-05-03 Early May bank holiday
        2027-05-31 Spring bank holiday
        2027-08-02 Summer bank holiday
        2027-11-30 St Andrew’s Day
        2027-12-27 Christmas Day (substitute day)
        2027-12-28 Boxing Day (substitute day)
    ";

    const NORTHERN_IRELAND: &str = "
        2018-01-01 New Year’s Day
        2018-03-19 St Patrick’s Day (substitute day)
        2018-03-30 Good Friday
        2018-04-02 Easter Monday
        2018-05-07 Early May bank holiday
        2018-05-28 Spring bank holiday
        2018-07-12 Battle of the Boyne (Orangemen’s Day)
        2018-08-27 Summer bank holiday
        2018-12-25 Christmas Day
        2018-12-26 Boxing Day
        2019-01-01 New Year’s Day
        2019-03-18 St Patrick’s Day (substitute day)
        2019-04-19 Good Friday
        2019-04-22 Easter Monday
        2019-05-06 Early May bank holiday
        2019-05-27 Spring bank holiday
        2019-07-12 Battle of the Boyne (Orangemen’s Day)
        2019-08-26 Summer bank holiday
        2019-12-25 Christmas Day
        2019-12-26 Boxing Day
        2020-01-01 New Year’s Day
        2020-03-17 St Patrick’s Day
        2020-04-10 Good Friday
        2020-04-13 Easter Monday
        2020-05-08 Early May bank holiday (VE day)
        2020-05-25 Spring bank holiday
        2020-07-13 Battle of the Boyne (Orangemen’s Day) (substitute day)
        2020-08-31 Summer bank holiday
        2020-12-25 Christmas Day
        2020-12-28 Boxing Day (substitute day)
        2021-01-01 New Year’s Day
        2021-03-17 St Patrick’s Day
        2021-04-02 Good Friday
        2021-04-05 Easter Monday
        2021-05-03 Early May bank holiday
        2021-05-31 Spring bank holiday
        2021-07-12 Battle of the Boyne (Orangemen’s Day)
        2021-08-30 Summer bank holiday
        2021-12-27 Christmas Day (substitute day)
        2021-12-28 Boxing Day (substitute day)
        2022-01-03 New Year’s Day (substitute day)
        2022-03-17 St Patrick’s Day
        2022-04-15 Good Friday
        2022-04-18 Easter Monday
        2022-05-02 Early May bank holiday
        2022-06-02 Spring bank holiday
        2022-06-03 Platinum Jubilee bank holiday
        2022-07-12 Battle of the Boyne (Orangemen’s Day)
        2022-08-29 Summer bank holiday
        2022-09-19 Bank Holiday for the State Funeral of Queen Elizabeth II
        2022-12-26 Boxing Day
        2022-12-27 Christmas Day (substitute day)
        2023-01-02 New Year’s Day (substitute day)
        2023-03-17 St Patrick’s Day
        2023-04-07 Good Friday
        2023-04-10 Easter Monday
        2023-05-01 Early May bank holiday
        2023-05-08 Bank holiday for the coronation of King Charles III
        2023-05-29 Spring bank holiday
        2023-07-12 Battle of the Boyne (Orangemen’s Day)
        2023-08-28 Summer bank holiday
        2023-12-25 Christmas Day
        2023-12-26 Boxing Day
        2024-01-01 New Year’s Day
        2024-03-18 St Patrick’s Day (substitute day)
        2024-03-29 Good Friday
        2024-04-01 Easter Monday
        2024-05-06 Early May bank holiday
        2024-05-27 Spring bank holiday
        2024-07-12 Battle of the Boyne (Orangemen’s Day)
        2024-08-26 Summer bank holiday
        2024-12-25 Christmas Day
        2024-12-26 Boxing Day
        2025-01-01 New Year’s Day
        2025-03-17 St Patrick’s Day
        2025-04-18 Good Friday
        2025-04-21 Easter Monday
        2025-05-05 Early May bank holiday
        2025-05-26 Spring bank holiday
        2025-07-14 Battle of the Boyne (Orangemen’s Day) (substitute day)
        2025-08-25 Summer bank holiday
        2025-12-25 Christmas Day
        2025-12-26 Boxing Day
        2026-01-01 New Year’s Day
        2026-03-17 St Patrick’s Day
        2026-04-03 Good Friday
        2026-04-06 Easter Monday
        2026-05-04 Early May bank holiday
        2026-05-25 Spring bank holiday
        2026-07-13 Battle of the Boyne (Orangemen’s Day) (substitute day)
        2026-08-31 Summer bank holiday
        2026-12-25 Christmas Day
        2026-12-28 Boxing Day (substitute day)
        2027-01-01 New Year’s Day
        2027-03-17 St Patrick’s Day
        2027-03-26 Good Friday
        2027-03-29 Easter Monday
        2027-05-03 Early May bank holiday
        2027-05-31 Spring bank holiday
        2027-07-12 Battle of the Boyne (Orangemen’s Day)
        2027-08-30 Summer bank holiday
        2027-12-27 Christmas Day (substitute day)
        2027-12-28 Boxing Day (substitute day)
    ";

    fn facts(table: &str) -> Vec<(Date, String)> {
        table
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (d, name) = l.split_once(' ').expect("a fact is `DATE NAME`");
                (d.parse().expect("a fact's date"), name.to_string())
            })
            .collect()
    }

    fn d(s: &str) -> Date {
        s.parse().expect("a test date")
    }

    fn dt(s: &str) -> DateTime {
        s.parse().expect("a test datetime")
    }

    #[test]
    fn published_lists_2018_to_2027() {
        let mut checked = 0;
        for (region, table) in [
            (Region::EnglandAndWales, ENGLAND_AND_WALES),
            (Region::Scotland, SCOTLAND),
            (Region::NorthernIreland, NORTHERN_IRELAND),
        ] {
            let facts = facts(table);
            let calendar = Calendar::new(region);
            for year in 2018..=2027 {
                let want: Vec<(Date, String)> = facts.iter().filter(|(d, _)| d.year() == year).cloned().collect();
                let got: Vec<(Date, String)> = bank_holidays(region, year.into())
                    .unwrap()
                    .into_iter()
                    .map(|h| (h.date, h.name.into_owned()))
                    .collect();
                assert_eq!(got, want, "{region} {year}");
                let from_calendar: Vec<BankHoliday> = calendar.holidays(year.into()).unwrap();
                assert_eq!(from_calendar, bank_holidays(region, year.into()).unwrap());
                checked += want.len();
            }
        }
        assert_eq!(checked, 83 + 94 + 103);
    }

    #[test]
    fn earlier_one_offs() {
        let ew = |y| -> Vec<Date> {
            bank_holidays(Region::EnglandAndWales, y)
                .unwrap()
                .into_iter()
                .map(|h| h.date)
                .collect()
        };
        assert!(ew(2011).contains(&d("2011-04-29")));
        let y2012 = ew(2012);
        assert!(y2012.contains(&d("2012-06-04")) && y2012.contains(&d("2012-06-05")));
        assert!(!y2012.contains(&d("2012-05-28")));
        // The World Cup day is Scotland's alone.
        assert!(!ew(2026).contains(&d("2026-06-15")));
        // St Andrew's Day before 2007 is outside the supported years.
        assert_eq!(
            bank_holidays(Region::Scotland, 2006),
            Err(CalendarError::YearOutOfRange(2006))
        );
        assert_eq!(
            bank_holidays(Region::Scotland, 2100),
            Err(CalendarError::YearOutOfRange(2100))
        );
    }

    #[test]
    fn easter_computus() {
        for (year, easter) in [
            (2008, "2008-03-23"),
            (2011, "2011-04-24"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ] {
            assert_eq!(easter_sunday(year), d(easter), "{year}");
        }
    }

    #[test]
    fn every_supported_year_is_sane() {
        for &region in Region::ALL {
            for year in FIRST_YEAR..=LAST_YEAR {
                let days = bank_holidays(region, year.into()).unwrap();
                let expected = match region {
                    Region::EnglandAndWales => 8,
                    Region::Scotland => 9,
                    Region::NorthernIreland => 10,
                };
                assert!(days.len() >= expected, "{region} {year}: {days:?}");
                for pair in days.windows(2) {
                    assert!(pair[0].date < pair[1].date, "{region} {year}: {days:?}");
                }
                for h in &days {
                    assert_eq!(h.date.year(), year);
                    assert!(!is_weekend(h.date), "{region} {h:?}");
                }
            }
        }
    }

    #[test]
    fn regions_parse_by_their_gov_uk_names() {
        for &r in Region::ALL {
            assert_eq!(r.as_str().parse::<Region>(), Ok(r));
            assert_eq!(r.as_str().replace('-', "_").parse::<Region>(), Ok(r));
        }
        let err = "wales".parse::<Region>().unwrap_err();
        assert!(err.contains("england-and-wales, scotland, northern-ireland"), "{err}");
    }

    #[test]
    fn add_working_days_table() {
        use Region::*;
        let cases = [
            // Friday before the early May bank holiday: Tuesday.
            (EnglandAndWales, "2024-05-03", 1, "2024-05-07"),
            (EnglandAndWales, "2024-05-03", 0, "2024-05-03"),
            // From a Saturday, one working day after is the Monday.
            (EnglandAndWales, "2024-05-11", 0, "2024-05-11"),
            (EnglandAndWales, "2024-05-11", 1, "2024-05-13"),
            // From Easter Saturday: Easter Monday is a holiday in England, not in Scotland.
            (EnglandAndWales, "2024-03-30", 5, "2024-04-08"),
            (Scotland, "2024-03-30", 5, "2024-04-05"),
            // Complaint Handling Code: acknowledge within 5 working days of receipt.
            (EnglandAndWales, "2024-12-19", 5, "2024-12-30"),
            // Christmas 2021 on a Saturday: substitutes on Monday 27 and Tuesday 28.
            (EnglandAndWales, "2021-12-24", 1, "2021-12-29"),
            // New Year 2022: Scotland loses the 3rd and the 4th, England only the 3rd.
            (EnglandAndWales, "2021-12-31", 1, "2022-01-04"),
            (Scotland, "2021-12-31", 1, "2022-01-05"),
            (NorthernIreland, "2025-07-11", 1, "2025-07-15"),
            (EnglandAndWales, "2025-07-11", 1, "2025-07-14"),
            // The 2022 Platinum Jubilee weekend and the state funeral.
            (EnglandAndWales, "2022-06-01", 1, "2022-06-06"),
            (EnglandAndWales, "2022-09-16", 1, "2022-09-20"),
            // Twenty working days, the FOI pattern, across the spring bank holiday.
            (EnglandAndWales, "2025-05-14", 20, "2025-06-12"),
            (Scotland, "2026-06-12", 1, "2026-06-16"),
        ];
        for (region, from, n, want) in cases {
            let got = Calendar::new(region).add_working_days(d(from), n);
            assert_eq!(got, Ok(d(want)), "{region} {from} + {n}");
        }
    }

    #[test]
    fn deadlines_from_receipt_start_on_the_next_working_day() {
        use Region::*;
        let cases = [
            // Received on a Saturday: counts as Monday, so one working day later is Tuesday.
            (EnglandAndWales, "2024-05-11", 0, "2024-05-13"),
            (EnglandAndWales, "2024-05-11", 1, "2024-05-14"),
            // Received on Easter Saturday.
            (EnglandAndWales, "2024-03-30", 5, "2024-04-09"),
            (Scotland, "2024-03-30", 5, "2024-04-08"),
            // On a working day the two readings agree.
            (EnglandAndWales, "2024-12-19", 5, "2024-12-30"),
        ];
        for (region, from, n, want) in cases {
            let got = Calendar::new(region).deadline_from_receipt(d(from), n);
            assert_eq!(got, Ok(d(want)), "{region} {from} + {n}");
        }
    }

    #[test]
    fn closure_days_and_configured_changes() {
        let settings = CalendarSettings {
            region: Region::EnglandAndWales,
            changes: vec![
                // A council repeating proclamations heard already knows changes nothing.
                Change::Extra {
                    date: d("2023-05-08"),
                    name: "Coronation".into(),
                },
                Change::Extra {
                    date: d("2022-09-19"),
                    name: "State funeral".into(),
                },
                Change::Moved {
                    from: d("2022-05-30"),
                    to: d("2022-06-02"),
                    name: None,
                },
                // A proclamation heard does not know yet.
                Change::Extra {
                    date: d("2029-06-04"),
                    name: "Some future occasion".into(),
                },
            ],
            closure_days: vec![d("2024-12-24"), d("2024-12-27"), d("2024-12-30"), d("2024-12-31")],
        };
        let calendar = Calendar::from_settings(&settings).unwrap();
        assert_eq!(
            calendar.holidays(2023).unwrap(),
            Calendar::new(Region::EnglandAndWales).holidays(2023).unwrap()
        );
        assert_eq!(
            calendar.holiday_name(d("2023-05-08")),
            Some("Bank holiday for the coronation of King Charles III")
        );
        assert_eq!(calendar.holiday_name(d("2029-06-04")), Some("Some future occasion"));
        assert_eq!(calendar.is_working_day(d("2029-06-04")), Ok(false));
        // Closures are not bank holidays, but they are not working days either.
        assert_eq!(calendar.holiday_name(d("2024-12-24")), None);
        assert!(calendar.is_closure_day(d("2024-12-24")));
        assert_eq!(calendar.add_working_days(d("2024-12-19"), 5), Ok(d("2025-01-06")));

        let moved_nothing = Calendar::new(Region::Scotland).with_change(&Change::Moved {
            from: d("2024-05-28"),
            to: d("2024-06-03"),
            name: None,
        });
        assert_eq!(moved_nothing, Err(CalendarError::NothingToMove(d("2024-05-28"))));
        let moved = Calendar::new(Region::Scotland)
            .with_change(&Change::Moved {
                from: d("2024-05-27"),
                to: d("2024-06-03"),
                name: None,
            })
            .unwrap();
        assert_eq!(moved.holiday_name(d("2024-06-03")), Some("Spring bank holiday"));
        assert_eq!(moved.is_working_day(d("2024-05-27")), Ok(true));
        assert_eq!(
            Calendar::new(Region::Scotland).with_closure_day(d("2100-01-04")),
            Err(CalendarError::DateOutOfRange(d("2100-01-04")))
        );
    }

    #[test]
    fn out_of_range() {
        let calendar = Calendar::new(Region::EnglandAndWales);
        assert_eq!(
            calendar.add_working_days(d("2099-12-30"), 3),
            Err(CalendarError::DateOutOfRange(d("2100-01-01")))
        );
        assert_eq!(
            calendar.is_working_day(d("2006-12-29")),
            Err(CalendarError::DateOutOfRange(d("2006-12-29")))
        );
        assert!(calendar.add_working_days(d("2024-01-01"), u32::MAX).is_err());
    }

    #[test]
    fn working_hours_table() {
        let office = OfficeHours::default();
        let ew = Calendar::new(Region::EnglandAndWales);
        let cases = [
            // Ends at closing time: that day, not the next morning.
            ("2024-05-02T16:00", 1, "2024-05-02T17:00"),
            // Friday closes at 16:30; Monday 6 May is a bank holiday.
            ("2024-05-03T16:00", 2, "2024-05-07T10:00"),
            // Before opening, the clock starts at opening.
            ("2024-05-07T07:00", 1, "2024-05-07T09:30"),
            // After closing and at the weekend, it starts at the next opening.
            ("2024-05-09T19:00", 1, "2024-05-10T09:30"),
            ("2024-05-11T12:00", 1, "2024-05-13T09:30"),
            // A whole week of hours, Monday to Thursday 8.5 h, Friday 8 h.
            ("2024-06-03T08:30", 42, "2024-06-07T16:30"),
            ("2024-06-03T08:30", 43, "2024-06-10T09:30"),
            // Across Christmas and Boxing Day 2024 (Wednesday and Thursday).
            ("2024-12-24T16:00", 3, "2024-12-27T10:30"),
            ("2024-05-11T12:00", 0, "2024-05-11T12:00"),
        ];
        for (start, hours, want) in cases {
            assert_eq!(
                ew.add_working_hours(&office, dt(start), hours),
                Ok(dt(want)),
                "{start} + {hours}h"
            );
        }
        assert_eq!(
            ew.add_working_time(&office, dt("2024-05-02T16:00"), SignedDuration::from_mins(-1)),
            Err(CalendarError::NegativeDuration)
        );
        assert_eq!(
            ew.add_working_hours(&OfficeHours::closed(), dt("2024-05-02T16:00"), 1),
            Err(CalendarError::NoOfficeHours)
        );
        let noon = time(12, 0, 0, 0);
        assert!(OfficeHours::closed().with_day(Weekday::Monday, noon, noon).is_err());
        // A service open on Saturday mornings only.
        let saturdays = OfficeHours::closed()
            .with_day(Weekday::Saturday, time(9, 0, 0, 0), time(12, 0, 0, 0))
            .unwrap();
        assert_eq!(
            ew.add_working_hours(&saturdays, dt("2024-05-06T10:00"), 4),
            Ok(dt("2024-05-18T10:00"))
        );
    }

    #[test]
    fn working_hours_across_the_clock_change() {
        let london = jiff::tz::TimeZone::posix("GMT0BST,M3.5.0/1,M10.5.0").unwrap();
        let ew = Calendar::new(Region::EnglandAndWales);
        // Thursday before Easter 2024, GMT; BST begins on Easter Sunday.
        let start = dt("2024-03-28T16:00").to_zoned(london).unwrap();
        let end = ew
            .add_working_time_zoned(&OfficeHours::default(), &start, SignedDuration::from_hours(2))
            .unwrap();
        assert_eq!(end.datetime(), dt("2024-04-02T09:30"));
        assert_eq!(end.offset(), jiff::tz::offset(1));
    }

    proptest! {
        #[test]
        fn add_then_count_agree(start in 0i64..3650, n in 0u32..80, region in 0usize..3) {
            let calendar = Calendar::new(Region::ALL[region]);
            let x = d("2018-01-01") + jiff::Span::new().days(start);
            let end = calendar.add_working_days(x, n).unwrap();
            prop_assert!(n == 0 || calendar.is_working_day(end).unwrap());
            prop_assert!(end >= x);
            prop_assert_eq!(calendar.working_days_between(x, end).unwrap(), n);
            let later = calendar.add_working_days(x, n + 1).unwrap();
            prop_assert!(later > end);
            // Every day strictly between is not a working day.
            let mut day = next_day(end).unwrap();
            while day < later {
                prop_assert!(!calendar.is_working_day(day).unwrap());
                day = next_day(day).unwrap();
            }
        }

        #[test]
        fn working_time_composes(start_min in 0i64..(3650 * 24 * 60), a in 0i64..3000, b in 0i64..3000) {
            let calendar = Calendar::new(Region::EnglandAndWales);
            let office = OfficeHours::default();
            let start = dt("2018-01-01T00:00") + SignedDuration::from_mins(start_min);
            let (a, b) = (SignedDuration::from_mins(a), SignedDuration::from_mins(b));
            let whole = calendar.add_working_time(&office, start, a + b).unwrap();
            let mid = calendar.add_working_time(&office, start, a).unwrap();
            prop_assert_eq!(calendar.add_working_time(&office, mid, b).unwrap(), whole);
            prop_assert!(whole >= start);
        }
    }
}
