//! `heard calendar …`: bank holidays and working-day deadlines from the command line, so
//! operators and outside checks can compare heard's calendar with GOV.UK's lists.

use anyhow::Context;
use heard_core::calendar::{Calendar, FIRST_YEAR, LAST_YEAR, Region};
use jiff::civil::Date;
use std::io::Write;

/// The largest N accepted: about forty years of working days. Anything larger is a typo.
const MAX_WORKING_DAYS: u32 = 10_000;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the date N working days after DATE. DATE itself is not counted; a DATE that
    /// is not a working day counts as the next working day.
    AddWorkingDays {
        /// england-and-wales, scotland or northern-ireland.
        #[arg(long, value_parser = parse_region)]
        region: Region,
        /// The start date, YYYY-MM-DD.
        #[arg(value_name = "DATE", value_parser = parse_date)]
        date: Date,
        /// How many working days (0 to 10000).
        #[arg(value_name = "N", allow_negative_numbers = true, value_parser = parse_count)]
        n: u32,
    },
    /// List a year's bank holidays, one `YYYY-MM-DD<TAB>name` line each, in date order.
    Holidays {
        /// england-and-wales, scotland or northern-ireland.
        #[arg(long, value_parser = parse_region)]
        region: Region,
        /// The year, e.g. 2026.
        #[arg(value_name = "YEAR", allow_negative_numbers = true, value_parser = parse_year)]
        year: i16,
    },
}

pub fn run(command: Command) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match command {
        Command::AddWorkingDays { region, date, n } => {
            let result = Calendar::new(region)
                .add_working_days(date, n)
                .with_context(|| format!("{n} working days after {date}"))?;
            writeln!(out, "{result}")?;
        }
        Command::Holidays { region, year } => {
            for holiday in Calendar::new(region).holidays(year.into())? {
                writeln!(out, "{}\t{}", holiday.date, holiday.name)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn parse_region(s: &str) -> Result<Region, String> {
    s.parse()
}

fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(format!("`{s}` is not a date: use YYYY-MM-DD"));
    }
    let date: Date = s.parse().map_err(|e| format!("`{s}` is not a date: {e}"))?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        return Err(format!("use a date from {FIRST_YEAR} to {LAST_YEAR}"));
    }
    Ok(date)
}

fn parse_count(s: &str) -> Result<u32, String> {
    let n: i64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number of working days"))?;
    if n < 0 {
        return Err("must be 0 or more (count forwards from DATE)".into());
    }
    u32::try_from(n)
        .ok()
        .filter(|n| *n <= MAX_WORKING_DAYS)
        .ok_or_else(|| format!("must be at most {MAX_WORKING_DAYS} working days"))
}

fn parse_year(s: &str) -> Result<i16, String> {
    s.parse::<i16>()
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
        .ok_or_else(|| format!("`{s}` is not a year from {FIRST_YEAR} to {LAST_YEAR}"))
}
