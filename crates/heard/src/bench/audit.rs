//! `heard bench audit`: audit log appends per second straight into the store (no HTTP),
//! with the durability heard runs with (SQLite `synchronous=FULL`; PostgreSQL's own
//! commit). Three ways of appending: one entry per call, one after another (what a
//! change written in its request costs); 100 entries per call (the web batcher under
//! load); and one entry per call from many tasks at once (SQLite's writer then commits
//! them together; PostgreSQL serialises them on the append lock). Then a full
//! `verify_audit` of everything written.

use super::percentile;
use heard_store::audit::NewAuditEntry;
use heard_store::{Store, StoreOptions};
use serde_json::json;
use std::time::Instant;

pub async fn run(database_url: Option<String>, singles: usize, batches: usize, tasks: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("heard.db").display()));
    let store = Store::open(&url, &StoreOptions::default()).await?;
    store.migrate().await?;
    let engine = if url.starts_with("postgres") {
        "postgresql"
    } else {
        "sqlite"
    };
    let before = store.audit_len().await?;
    if before > 0 {
        eprintln!("note: the audit log already holds {before} rows; appending after them");
    }

    // One entry per call, one call after another.
    let mut lat = Vec::with_capacity(singles);
    let started = Instant::now();
    for i in 0..singles {
        let t = Instant::now();
        store.record_audit(&[entry(i)]).await?;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    report(engine, "batch_1", 1, singles, started.elapsed().as_secs_f64(), &mut lat);

    // 100 entries per call.
    let mut lat = Vec::with_capacity(batches);
    let started = Instant::now();
    for b in 0..batches {
        let batch: Vec<_> = (0..100).map(|i| entry(b * 100 + i)).collect();
        let t = Instant::now();
        store.record_audit(&batch).await?;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    report(
        engine,
        "batch_100",
        1,
        batches * 100,
        started.elapsed().as_secs_f64(),
        &mut lat,
    );

    // One entry per call from `tasks` tasks at once.
    let per_task = singles.div_ceil(tasks).max(1);
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for t in 0..tasks {
        let store = store.clone();
        set.spawn(async move {
            let mut lat = Vec::with_capacity(per_task);
            for i in 0..per_task {
                let s = Instant::now();
                store.record_audit(&[entry(t * per_task + i)]).await?;
                lat.push(s.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok(lat)
        });
    }
    let mut lat = Vec::new();
    while let Some(r) = set.join_next().await {
        lat.extend(r??);
    }
    report(
        engine,
        "batch_1",
        tasks,
        tasks * per_task,
        started.elapsed().as_secs_f64(),
        &mut lat,
    );

    let started = Instant::now();
    let v = store.verify_audit().await?;
    let wall = started.elapsed().as_secs_f64();
    anyhow::ensure!(v.is_intact(), "the chain broke during the bench: {:?}", v.broken);
    println!(
        "{}",
        json!({"bench": "audit", "engine": engine, "mode": "verify", "rows": v.rows_checked,
               "rows_per_s": (v.rows_checked as f64 / wall).round()})
    );
    store.close().await;
    Ok(())
}

fn report(engine: &str, mode: &str, tasks: usize, appended: usize, wall: f64, lat: &mut [f64]) {
    lat.sort_by(f64::total_cmp);
    println!(
        "{}",
        json!({"bench": "audit", "engine": engine, "mode": mode, "tasks": tasks, "entries": appended,
               "entries_per_s": (appended as f64 / wall).round(),
               "call_ms_p50": (percentile(lat, 50.0) * 100.0).round() / 100.0,
               "call_ms_p99": (percentile(lat, 99.0) * 100.0).round() / 100.0})
    );
}

/// A typical entry: an agent reading a case.
fn entry(i: usize) -> NewAuditEntry {
    let mut e = NewAuditEntry::new(
        Some(1 + (i % 40) as i64),
        format!("agent{}@council.example", i % 40),
        "case.read",
    );
    e.target_kind = Some("case".into());
    e.target = Some(format!("HRD-{:06}", 1 + i % 50_000));
    e.case_reference = e.target.clone();
    e.customer_id = Some(1 + (i % 20_000) as i64);
    e.source = Some("10.20.30.40".into());
    e.detail = json!({"contacts": i % 7});
    e
}
