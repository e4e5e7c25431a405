//! Replaying a recorded history through the detector, day by day, never looking ahead.
//!
//! Input is the trend benchmark's format, which is also what `heard trends replay` takes from
//! a council's own export: a stream CSV with `timestamp,category,site,text_id` (other columns
//! ignored; rows need not be sorted) and a texts CSV with `text_id,text`.

use crate::detect::{Alarm, Detector, Evidence, Settings};
use jiff::civil::Date;
use std::collections::HashMap;
use std::io::{Read, Write};

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("{file}: {reason}")]
    Input { file: String, reason: String },
    #[error("writing alarms: {0}")]
    Output(#[from] std::io::Error),
    #[error("writing alarms: {0}")]
    Csv(#[from] csv::Error),
}

/// What a replay read and wrote, for the person running it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub contacts: u64,
    /// Rows that were out of time order in the input (they are sorted first).
    pub unsorted: u64,
    /// Rows with no site: they count towards no unit.
    pub without_site: u64,
    /// Rows whose text id had no text (scored on counts alone).
    pub without_text: u64,
    /// Rows that could not be read, with the first few reasons.
    pub rejected: u64,
    pub rejected_examples: Vec<String>,
    pub alarms: u64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
}

struct Row {
    day: i32,
    seconds: i64,
    category: String,
    site: String,
    text_id: String,
}

fn input_error(file: &str, reason: impl Into<String>) -> ReplayError {
    ReplayError::Input {
        file: file.to_string(),
        reason: reason.into(),
    }
}

fn column(headers: &csv::StringRecord, name: &str, file: &str) -> Result<usize, ReplayError> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            input_error(
                file,
                format!(
                    "has no `{name}` column (columns: {})",
                    headers.iter().collect::<Vec<_>>().join(",")
                ),
            )
        })
}

/// Days since 1970-01-01 and seconds into the day of `2024-02-26T08:04:48` (or a bare date).
fn parse_timestamp(s: &str) -> Option<(i32, i64)> {
    let s = s.trim();
    let date: Date = s.get(..10)?.parse().ok()?;
    let epoch = Date::constant(1970, 1, 1);
    let day = date.since(epoch).ok()?.get_days();
    let secs = match s.get(11..19) {
        Some(t) => {
            let t: jiff::civil::Time = t.parse().ok()?;
            i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second())
        }
        None => 0,
    };
    Some((day, secs))
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(day: i32) -> String {
    let epoch = Date::constant(1970, 1, 1);
    epoch
        .checked_add(jiff::Span::new().days(i64::from(day)))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Reads `texts` (`text_id,text`) into a map.
pub fn read_texts(texts: impl Read, file: &str) -> Result<HashMap<String, String>, ReplayError> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(texts);
    let headers = r.headers().map_err(|e| input_error(file, e.to_string()))?.clone();
    let id = column(&headers, "text_id", file)?;
    let text = column(&headers, "text", file)?;
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| input_error(file, e.to_string()))?;
        if let (Some(i), Some(t)) = (rec.get(id), rec.get(text)) {
            out.insert(i.to_string(), t.to_string());
        }
    }
    Ok(out)
}

/// Replays `stream` through a detector with `settings`, writing one CSV row
/// `category,site,alarm_date,score,evidence,window_days,observed,expected` per unit-day that scored at least `settings.min_score`.
pub fn replay(
    stream: impl Read,
    stream_name: &str,
    texts: &HashMap<String, String>,
    settings: Settings,
    out: impl Write,
) -> Result<Summary, ReplayError> {
    let mut summary = Summary::default();
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(stream);
    let headers = r
        .headers()
        .map_err(|e| input_error(stream_name, e.to_string()))?
        .clone();
    let (ts, cat, site, tid) = (
        column(&headers, "timestamp", stream_name)?,
        column(&headers, "category", stream_name)?,
        column(&headers, "site", stream_name)?,
        column(&headers, "text_id", stream_name)?,
    );
    let mut rows = Vec::new();
    let mut last = (i32::MIN, i64::MIN);
    for (n, rec) in r.records().enumerate() {
        let line = n + 2;
        let reject = |summary: &mut Summary, why: String| {
            summary.rejected += 1;
            if summary.rejected_examples.len() < 5 {
                summary.rejected_examples.push(format!("line {line}: {why}"));
            }
        };
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                reject(&mut summary, e.to_string());
                continue;
            }
        };
        let Some((day, seconds)) = rec.get(ts).and_then(parse_timestamp) else {
            reject(
                &mut summary,
                format!("timestamp {:?} is not an ISO 8601 date-time", rec.get(ts).unwrap_or("")),
            );
            continue;
        };
        let category = rec.get(cat).unwrap_or("").trim().to_string();
        if category.is_empty() {
            reject(&mut summary, "category is empty".to_string());
            continue;
        }
        if (day, seconds) < last {
            summary.unsorted += 1;
        }
        last = last.max((day, seconds));
        rows.push(Row {
            day,
            seconds,
            category,
            site: rec.get(site).unwrap_or("").trim().to_string(),
            text_id: rec.get(tid).unwrap_or("").to_string(),
        });
    }
    rows.sort_by_key(|r| (r.day, r.seconds));
    let mut detector = Detector::new(settings);
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "category",
        "site",
        "alarm_date",
        "score",
        "evidence",
        "window_days",
        "observed",
        "expected",
    ])?;
    let mut write = |alarms: Vec<Alarm>, summary: &mut Summary| -> Result<(), ReplayError> {
        for a in alarms {
            summary.alarms += 1;
            let evidence = match a.evidence {
                Evidence::Count => "count",
                Evidence::Similar => "similar",
            };
            w.write_record([
                &a.category,
                &a.site,
                &format_day(a.day),
                &format!("{:.4}", a.score),
                evidence,
                &a.window_days.to_string(),
                &a.observed.to_string(),
                &format!("{:.3}", a.expected),
            ])?;
        }
        Ok(())
    };
    for (i, row) in rows.iter().enumerate() {
        let text = texts.get(&row.text_id);
        summary.contacts += 1;
        if text.is_none() {
            summary.without_text += 1;
        }
        if row.site.is_empty() {
            summary.without_site += 1;
        }
        let site = Some(row.site.as_str()).filter(|s| !s.is_empty());
        let alarms = detector.observe(i as u64, row.day, &row.category, site, text.map_or("", |t| t.as_str()));
        write(alarms, &mut summary)?;
    }
    let alarms = detector.finish();
    write(alarms, &mut summary)?;
    summary.first_day = rows.first().map(|r| format_day(r.day));
    summary.last_day = rows.last().map(|r| format_day(r.day));
    w.flush()?;
    Ok(summary)
}
