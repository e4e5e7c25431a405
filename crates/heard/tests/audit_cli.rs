//! `heard audit verify` and `heard audit search`: the contract operators and monitors
//! rely on (exit 0 on an intact chain, 1 naming the first broken row), on both engines.

use heard_store::audit::NewAuditEntry;
use heard_store::testing::TestDb;
use std::path::Path;
use std::process::Command;

fn heard(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_heard"));
    c.arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .env_remove("HEARD_CONFIG")
        .env_remove("HEARD_DATA_DIR");
    c
}

/// Runs heard; (exit code, stdout + stderr).
fn run(c: &mut Command) -> (i32, String) {
    let out = c.output().expect("run heard");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn verify_then_tamper(db: TestDb, tamper: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("heard.toml"),
        format!("database_url = \"{}\"\n", db.url),
    )
    .unwrap();
    let (code, out) = run(heard(dir.path()).arg("migrate"));
    assert_eq!(code, 0, "{out}");
    let store = heard_store::Store::open(&db.url, &Default::default()).await.unwrap();
    let entries: Vec<_> = (0..10)
        .map(|i| {
            let mut e = NewAuditEntry::new(Some(7), "agent@test.heard", "case.read");
            e.target_kind = Some("case".into());
            e.target = Some(format!("HRD-{:06}", 1 + i % 3));
            e.case_reference = e.target.clone();
            e.customer_id = Some(40 + i as i64 % 3);
            e.source = Some("192.0.2.1".into());
            e
        })
        .collect();
    store.record_audit(&entries).await.unwrap();

    let (code, out) = run(heard(dir.path()).args(["audit", "verify"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("audit log OK: 10 row(s) checked"), "{out}");
    assert!(out.contains("head: row 10 "), "{out}");

    let (code, out) = run(heard(dir.path()).args(["audit", "search", "--case", "hrd-000002", "--since", "2020-01-01"]));
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("AT (UTC)") && lines[0].contains("ACTION"), "{out}");
    assert_eq!(lines.len(), 1 + 3, "{out}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains("case.read") && l.contains("HRD-000002")),
        "{out}"
    );
    let (code, out) = run(heard(dir.path()).args(["audit", "search", "--actor", "cli"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("audit.search"), "the CLI's own search is recorded: {out}");

    // Accounts and tokens made from the command line are on record.
    let (code, out) = run(heard(dir.path()).args([
        "user",
        "add",
        "--email",
        "ops@test.heard",
        "--name",
        "Ops",
        "--role",
        "admin",
    ]));
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(heard(dir.path()).args(["token", "create", "--user", "ops@test.heard"]));
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(heard(dir.path()).args(["audit", "search", "--actor", "cli"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("user.save") && out.contains("token.create"), "{out}");

    // A DBA drops the trigger and edits a row: verify names it and exits 1.
    match store.dialect() {
        heard_store::Dialect::Sqlite => {
            let conn = rusqlite::Connection::open(db.url.strip_prefix("sqlite://").unwrap()).unwrap();
            conn.execute_batch(tamper).unwrap();
        }
        heard_store::Dialect::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(tamper.to_string()))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
    store.close().await;
    let (code, out) = run(heard(dir.path()).args(["audit", "verify"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("audit log BROKEN at row 4: hash mismatch"), "{out}");
    assert!(out.contains("3 row(s) before it check out"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_exits_1_after_tampering_sqlite() {
    verify_then_tamper(
        TestDb::sqlite(),
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET customer_id = 99 WHERE id = 4;",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_exits_1_after_tampering_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    verify_then_tamper(
        db,
        "DROP TRIGGER audit_log_no_change ON audit_log; UPDATE audit_log SET customer_id = 99 WHERE id = 4;",
    )
    .await;
}
