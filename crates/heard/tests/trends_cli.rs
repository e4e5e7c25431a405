//! `heard trends replay`: the file contract the trend benchmark and councils' backtests use.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// Runs heard; (success, stderr).
fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heard"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("HEARD_CONFIG")
        .env_remove("HEARD_DATA_DIR")
        .output()
        .expect("run heard");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// A year and a half of two units (rows deliberately not all in time order, with an extra
/// column and some blank sites), then three alike reports at the busy unit on one day.
fn write_stream(dir: &Path) -> String {
    let mut stream = String::from("timestamp,channel,category,site,text_id\n");
    let mut texts = String::from("text_id,text\n");
    let problems = [
        "Password reset please",
        "Printer jammed on floor two",
        "Outlook calendar not syncing",
        "Need access to the shared drive",
        "Laptop battery drains fast",
        "Teams has no audio",
    ];
    let mut n = 0;
    let start = jiff::civil::date(2024, 1, 1);
    let mut rows = Vec::new();
    for day in 0..540i64 {
        let date = start.checked_add(jiff::Span::new().days(day)).expect("date");
        let weekday = date.weekday().to_monday_zero_offset();
        if weekday >= 5 {
            continue;
        }
        for k in 0..(1 + (day * 7 + 3) % 3) {
            let site = if (day + k) % 13 == 0 { "" } else { "Civic Centre" };
            rows.push(format!("{date}T09:{:02}:00,phone,it_service_desk,{site},t{n}", 10 + k));
            let _ = writeln!(
                texts,
                "t{n},\"{} (ticket {})\"",
                problems[((day * 5 + k * 3) % 6) as usize],
                n
            );
            n += 1;
        }
        if day % 9 == 0 {
            rows.push(format!("{date}T11:00:00,email,libraries,Castle Street Library,t{n}"));
            let _ = writeln!(texts, "t{n},Can I renew my books online?");
            n += 1;
        }
    }
    rows.swap(10, 20); // out of time order
    let burst_day = "2025-06-02"; // a Monday, day 517
    for t in [
        "RevsPro keeps crashing since the 4.2 update",
        "RevsPro crashing after this morning's 4.2 update",
        "Since the RevsPro 4.2 update it keeps crashing",
    ] {
        rows.push(format!("{burst_day}T10:00:00,phone,it_service_desk,Civic Centre,t{n}"));
        let _ = writeln!(texts, "t{n},{t}");
        n += 1;
    }
    rows.push("not-a-date,phone,it_service_desk,Civic Centre,t0".to_string());
    for r in rows {
        stream.push_str(&r);
        stream.push('\n');
    }
    std::fs::write(dir.join("stream.csv"), stream).expect("write stream");
    std::fs::write(dir.join("texts.csv"), texts).expect("write texts");
    burst_day.to_string()
}

#[test]
fn replay_writes_scored_alarms_and_reports_what_it_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let burst_day = write_stream(dir.path());
    let out = dir.path().join("alarms.csv");
    let (ok, err) = run(&[
        "trends",
        "replay",
        "--stream",
        s(&dir.path().join("stream.csv")),
        "--texts",
        s(&dir.path().join("texts.csv")),
        "--output",
        s(&out),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("out of time order"), "{err}");
    assert!(err.contains("had no site"), "{err}");
    assert!(err.contains("could not be read") && err.contains("not-a-date"), "{err}");
    let text = std::fs::read_to_string(&out).expect("alarms written");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("category,site,alarm_date,score,evidence,window_days,observed,expected")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(
        rows.iter()
            .all(|r| r.len() == 8 && r[3].parse::<f64>().is_ok_and(|x| x >= 1.0))
    );
    let best = rows
        .iter()
        .filter(|r| r[0] == "it_service_desk")
        .max_by(|a, b| {
            a[3].parse::<f64>()
                .unwrap_or(0.0)
                .total_cmp(&b[3].parse::<f64>().unwrap_or(0.0))
        })
        .expect("some candidate at the desk");
    assert_eq!(best[2], burst_day, "the loudest day at the desk is the burst: {best:?}");
    assert_eq!(best[4], "similar");
}

#[test]
fn replay_refuses_to_overwrite_its_input_and_names_missing_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_stream(dir.path());
    let stream = dir.path().join("stream.csv");
    let before = std::fs::read(&stream).expect("read");
    let (ok, err) = run(&["trends", "replay", "--stream", s(&stream), "--output", s(&stream)]);
    assert!(!ok);
    assert!(err.contains("is one of the inputs"), "{err}");
    assert_eq!(std::fs::read(&stream).expect("read"), before, "input untouched");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "when,category,site\n2024-01-01,x,y\n").expect("write");
    let (ok, err) = run(&[
        "trends",
        "replay",
        "--stream",
        s(&bad),
        "--output",
        s(&dir.path().join("o.csv")),
    ]);
    assert!(!ok);
    assert!(err.contains("no `timestamp` column"), "{err}");
    assert!(!dir.path().join("o.csv").exists(), "no partial output");
}
