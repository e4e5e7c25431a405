//! `heard bench reports`: the performance reports (issue 6) over the 1,000,000-contact
//! store `heard bench search` loads (the same folder by default; loaded here when it is not
//! there yet), each report asked for `repeat` times by one signed-in manager after a
//! warm-up, timed to the last byte. The MOT day pack of one service over the same year is
//! the same-run baseline: the other page that counts a period's contacts.

use super::workspace::{agents, get, sign_in};
use super::{Server, load, percentile, prepare};
use anyhow::bail;
use jiff::ToSpan;
use std::path::Path;
use std::time::Instant;

/// The goal (issue 6): every report under two seconds at a million contacts.
const GOAL_MS: f64 = 2_000.0;

pub async fn run(store_dir: &Path, contacts: usize, repeat: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(store_dir)?;
    let url = format!("sqlite://{}", store_dir.join("heard.db").display());
    let (store, _) = prepare(&url).await?;
    if store.search("uniq0", Some(1), None, "HRD").await?.total == 0 {
        eprintln!(
            "loading {contacts} contacts into {} (once; later runs reuse it)",
            store_dir.display()
        );
        load(&store, contacts).await?;
    }
    let manager = agents(&store, 1).await?;
    store.close().await;
    // Without routing training, which at start reads 300,000 settled cases on one core for a
    // minute or more: these figures are the reports' own.
    let server = Server::start_with(store_dir, &url, "[routing]\nenabled = false\n").await?;
    let base = server.base.clone();
    let session = sign_in(&base, &manager[0].1).await?;
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let year_ago = today.checked_sub(365.days())?;
    let year = format!("from={year_ago}&to={today}");
    let pages = [
        ("reports, 12 weeks, all services", "/reports".to_string()),
        ("reports, a year, all services", format!("/reports?{year}")),
        (
            "reports, a year, one service",
            format!("/reports?service=highways&{year}"),
        ),
        ("reports CSV, a year, all services", format!("/reports.csv?{year}")),
        (
            "baseline: MOT pack, a year, one service",
            format!("/mot?service=highways&{year}"),
        ),
    ];
    println!("| page | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|");
    let mut worst: f64 = 0.0;
    let mut out = Vec::new();
    for (name, path) in &pages {
        let (status, body) = get(&base, &session, path).await?;
        if status != 200 {
            bail!("{path}: {status} {}", body.chars().take(300).collect::<String>());
        }
        let mut ms = Vec::with_capacity(repeat);
        for _ in 0..repeat {
            let t = Instant::now();
            let (status, _) = get(&base, &session, path).await?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            if status != 200 {
                bail!("{path}: {status}");
            }
        }
        ms.sort_by(f64::total_cmp);
        let (p50, p95, max) = (percentile(&ms, 50.0), percentile(&ms, 95.0), percentile(&ms, 100.0));
        if path.starts_with("/reports") {
            worst = worst.max(p95);
        }
        println!("| {name} | {p50:.1} | {p95:.1} | {max:.1} |");
        out.push(serde_json::json!({"page": name, "p50_ms": p50, "p95_ms": p95}));
    }
    println!(
        "\nworst report p95: {worst:.1} ms (goal < {GOAL_MS:.0} ms: {}); server RSS {:.0} MB",
        if worst < GOAL_MS { "met" } else { "MISSED" },
        server.rss_mb()
    );
    println!(
        "{}",
        serde_json::json!({"bench": "reports", "contacts": contacts, "pages": out})
    );
    Ok(())
}
