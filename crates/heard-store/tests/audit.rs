//! The audit log on both engines: the chain verifies, tampering done behind the
//! triggers' back is found at the right row, concurrent appends never fork the chain,
//! and searches find entries by actor, customer, case, action and time.

use heard_store::audit::{AuditFilter, BreakReason, GENESIS, NewAuditEntry};
use heard_store::testing::TestDb;
use heard_store::{Dialect, Store};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

/// Runs `$body` once on SQLite and once on PostgreSQL, with `$db` and `$store`.
macro_rules! on_both {
    ($name:ident, |$db:ident, $store:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = TestDb::sqlite();
                let $store = $db.store().await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = TestDb::postgres().await else {
                    return;
                };
                let $store = $db.store().await;
                $body
            }
        }
    };
}

fn entry(i: usize) -> NewAuditEntry {
    let mut e = NewAuditEntry::new(
        Some(1 + (i % 3) as i64),
        format!("user{}@test.heard", i % 3),
        "case.read",
    );
    e.at = Timestamp::from_millisecond(1_770_000_000_000 + i as i64 * 1000).unwrap();
    e.target_kind = Some("case".into());
    e.target = Some(format!("HRD-{:06}", 1 + i % 4));
    e.case_reference = e.target.clone();
    e.customer_id = Some(100 + (i % 4) as i64);
    e.source = Some("192.0.2.7".into());
    e.detail = json!({"i": i, "note": "a \"quoted\" value, with ünïcode"});
    e
}

async fn append(store: &Store, n: usize) {
    let entries: Vec<_> = (0..n).map(entry).collect();
    // One by one, then in batches, so both paths are in the chain.
    for e in &entries[..n / 2] {
        store.record_audit(std::slice::from_ref(e)).await.unwrap();
    }
    for chunk in entries[n / 2..].chunks(7) {
        store.record_audit(chunk).await.unwrap();
    }
}

/// Runs SQL as the database's owner would, behind heard's back.
async fn as_dba(db: &TestDb, store: &Store, sql: &str) -> Result<(), String> {
    match store.dialect() {
        Dialect::Sqlite => {
            let path = db.url.strip_prefix("sqlite://").unwrap().to_string();
            let sql = sql.to_string();
            tokio::task::spawn_blocking(move || {
                let conn = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
                conn.execute_batch(&sql).map_err(|e| e.to_string())
            })
            .await
            .unwrap()
        }
        Dialect::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.map_err(|e| e.to_string())?;
            let r = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&pool)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
            pool.close().await;
            r
        }
    }
}

fn drop_triggers(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Dialect::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log;",
    }
}

on_both!(an_empty_log_and_a_written_one_verify, |db, store| {
    let v = store.verify_audit().await.unwrap();
    assert!(v.is_intact());
    assert_eq!((v.rows_checked, v.head), (0, None));
    append(&store, 40).await;
    let v = store.verify_audit().await.unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.rows_checked, 40);
    assert_eq!(v.head.as_ref().unwrap().0, 40);
    assert_eq!(store.audit_len().await.unwrap(), 40);
    // Row 1 chains from the genesis value; every row from the one before.
    let all = store
        .search_audit(&AuditFilter {
            limit: Some(100),
            ..Default::default()
        })
        .await
        .unwrap()
        .items;
    assert_eq!(all.len(), 40);
    assert_eq!(all.last().unwrap().prev_hash, GENESIS);
    for w in all.windows(2) {
        assert_eq!(w[0].prev_hash, w[1].hash);
    }
    // Detail comes back as it went in.
    assert_eq!(all.last().unwrap().detail["note"], "a \"quoted\" value, with ünïcode");
    let _ = &db;
});

on_both!(the_database_refuses_updates_and_deletes, |db, store| {
    append(&store, 3).await;
    let err = as_dba(&db, &store, "UPDATE audit_log SET actor = 'someone-else' WHERE id = 2")
        .await
        .unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    let err = as_dba(&db, &store, "DELETE FROM audit_log WHERE id = 2")
        .await
        .unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    if store.dialect() == Dialect::Postgres {
        let err = as_dba(&db, &store, "TRUNCATE audit_log").await.unwrap_err();
        assert!(err.contains("append-only"), "{err}");
    }
    assert!(store.verify_audit().await.unwrap().is_intact());
});

on_both!(a_row_changed_in_place_is_found_by_its_hash, |db, store| {
    append(&store, 12).await;
    let sql = format!(
        "{} UPDATE audit_log SET actor = 'someone-else@test.heard' WHERE id = 5;",
        drop_triggers(store.dialect())
    );
    as_dba(&db, &store, &sql).await.unwrap();
    let v = store.verify_audit().await.unwrap();
    let b = v.broken.clone().expect("tampering found");
    assert_eq!(b.id, 5, "{b}");
    assert!(matches!(b.reason, BreakReason::HashMismatch { .. }), "{b}");
    assert_eq!(v.rows_checked, 4);
    assert_eq!(v.head.unwrap().0, 4);
    assert!(b.to_string().contains("row 5: hash mismatch"), "{b}");
});

on_both!(a_relinked_row_and_a_removed_row_are_found, |db, store| {
    append(&store, 12).await;
    let triggers = drop_triggers(store.dialect());
    // Rewriting a row's link (as a forger re-hashing an earlier row must) breaks it.
    as_dba(
        &db,
        &store,
        &format!(
            "{triggers} UPDATE audit_log SET prev_hash = '{}' WHERE id = 8;",
            "a".repeat(64)
        ),
    )
    .await
    .unwrap();
    let b = store.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(b.id, 8, "{b}");
    assert!(matches!(b.reason, BreakReason::BrokenLink { .. }), "{b}");
    // A removed row earlier in the chain is a gap, reported first.
    as_dba(&db, &store, "DELETE FROM audit_log WHERE id = 3").await.unwrap();
    let b = store.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(b.id, 4, "{b}");
    assert_eq!(b.reason, BreakReason::Gap { expected: 3 });
});

on_both!(concurrent_appends_leave_one_unbroken_chain, |db, store| {
    let tasks = 24;
    let per_task = 25;
    let mut set = tokio::task::JoinSet::new();
    for t in 0..tasks {
        let store = store.clone();
        set.spawn(async move {
            let mut i = 0;
            while i < per_task {
                // Batches of 1 to 4, so batches interleave with single appends.
                let n = (1 + (t + i) % 4).min(per_task - i);
                let batch: Vec<_> = (i..i + n).map(|k| entry(t * 1000 + k)).collect();
                store.record_audit(&batch).await.unwrap();
                i += n;
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    let v = store.verify_audit().await.unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.rows_checked, (tasks * per_task) as u64);
    assert_eq!(v.head.unwrap().0, (tasks * per_task) as i64);
    let _ = &db;
});

on_both!(search_filters_and_pages_newest_first, |db, store| {
    append(&store, 24).await;
    let mut sign_in = NewAuditEntry::new(None, "nobody@test.heard", "session.sign_in_failed");
    sign_in.at = Timestamp::from_millisecond(1_770_000_000_000 + 100_000).unwrap();
    store.record_audit(&[sign_in]).await.unwrap();
    let search = |f: AuditFilter| {
        let store = store.clone();
        async move { store.search_audit(&f).await.unwrap() }
    };
    let by_case = search(AuditFilter {
        case_reference: Some("hrd-000002".into()),
        limit: Some(100),
        ..Default::default()
    })
    .await;
    assert_eq!(by_case.items.len(), 6);
    assert!(
        by_case
            .items
            .iter()
            .all(|a| a.case_reference.as_deref() == Some("HRD-000002"))
    );
    assert!(by_case.items.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    let by_actor = search(AuditFilter {
        actor: Some("USER1@test.heard".into()),
        limit: Some(100),
        ..Default::default()
    })
    .await;
    assert_eq!(by_actor.items.len(), 8);
    let by_actor_id = search(AuditFilter {
        actor_id: Some(2),
        limit: Some(100),
        ..Default::default()
    })
    .await;
    assert_eq!(by_actor_id.items, by_actor.items);
    let by_customer = search(AuditFilter {
        customer_id: Some(103),
        limit: Some(100),
        ..Default::default()
    })
    .await;
    assert_eq!(by_customer.items.len(), 6);
    let sessions = search(AuditFilter {
        action: Some("session.*".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(sessions.items.len(), 1);
    assert_eq!(sessions.items[0].actor_id, None);
    let exact = search(AuditFilter {
        action: Some("case.read".into()),
        limit: Some(100),
        ..Default::default()
    })
    .await;
    assert_eq!(exact.items.len(), 24);
    let none = search(AuditFilter {
        action: Some("case_read".into()),
        ..Default::default()
    })
    .await;
    assert!(none.items.is_empty(), "`_` is not a wildcard");
    // Time range: [from, to).
    let start = Timestamp::from_millisecond(1_770_000_000_000).unwrap();
    let ranged = search(AuditFilter {
        from: Some(start + SignedDuration::from_secs(5)),
        to: Some(start + SignedDuration::from_secs(10)),
        ..Default::default()
    })
    .await;
    assert_eq!(ranged.items.len(), 5);
    // Pages follow on without repeats or holes.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = search(AuditFilter {
            cursor,
            limit: Some(7),
            ..Default::default()
        })
        .await;
        seen.extend(page.items.iter().map(|a| a.id));
        match page.next_cursor {
            Some(c) => cursor = Some(heard_store::queries::Cursor::parse(&c).unwrap()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen[0], 25, "the sign-in failure is the newest");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 25);
    let _ = &db;
});
