//! `heard backup` and `heard restore`: a store backed up while `heard serve` is taking
//! contacts comes back whole — every row of every table and every attachment byte — and
//! restore refuses what it must (a non-empty target, a damaged backup).

use base64::Engine;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn heard(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_heard"));
    c.arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .env_remove("HEARD_CONFIG")
        .env_remove("HEARD_DATA_DIR");
    c
}

fn run(c: &mut Command) -> (bool, String) {
    let out = c.output().expect("run heard");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A running `heard serve`, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn serve(data: &Path) -> (Running, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = heard(data)
        .args(["serve", "--listen", &addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || for _ in BufReader::new(stdout).lines().map_while(Result::ok) {});
    let running = Running(child);
    let base = format!("http://{addr}");
    let started = Instant::now();
    while !matches!(reqwest::get(format!("{base}/healthz")).await, Ok(r) if r.status() == 200) {
        assert!(started.elapsed() < Duration::from_secs(60), "heard did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (running, base)
}

/// Posts one contact; every third carries a photo (the first photo twice, to share a file).
async fn post(http: &reqwest::Client, base: &str, token: &str, i: usize) -> bool {
    let mut body = serde_json::json!({"channel": "email", "from": format!("Resident {i} <r{i}@example.org>"),
        "subject": format!("Pothole {i}"), "body": format!("There is a pothole outside number {i} High Street"),
        "external_id": format!("bk-{i}")});
    if i.is_multiple_of(3) {
        let bytes: Vec<u8> = (0..2000 + i).map(|b| ((b * 31 + i.min(3) * 7) % 251) as u8).collect();
        body["attachments"] = serde_json::json!([{"filename": format!("photo-{i}.bin"),
            "content_type": "application/octet-stream",
            "content_base64": base64::engine::general_purpose::STANDARD.encode(&bytes)}]);
    }
    let r = http
        .post(format!("{base}/api/v1/contacts"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    r.status() == 201
}

/// Every table's rows (with rowids where the table has them), sorted, as text.
fn dump(db: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = std::collections::BTreeMap::new();
    for (name, sql) in tables {
        let sql = sql.to_ascii_uppercase();
        if sql.starts_with("CREATE VIRTUAL TABLE") {
            continue;
        }
        let cols = if sql.contains("WITHOUT ROWID") { "*" } else { "rowid, *" };
        let mut stmt = conn.prepare(&format!("SELECT {cols} FROM \"{name}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.insert(name, rows);
    }
    out
}

/// Every attachment file: relative path → bytes.
fn files(data: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(dirs) = std::fs::read_dir(data.join("files")) else {
        return out;
    };
    for d in dirs.map(Result::unwrap) {
        for f in std::fs::read_dir(d.path()).unwrap().map(Result::unwrap) {
            let rel = format!(
                "{}/{}",
                d.file_name().to_string_lossy(),
                f.file_name().to_string_lossy()
            );
            out.insert(rel, std::fs::read(f.path()).unwrap());
        }
    }
    out
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_backed_up_while_serving_is_restored_whole() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("heard.toml"),
        "[[services]]\nslug = \"highways\"\nname = \"Highways\"\nkeywords = [\"pothole\"]\n",
    )
    .unwrap();
    let (ok, out) = run(heard(&data).arg("migrate"));
    assert!(ok, "{out}");
    let (ok, out) = run(heard(&data).args([
        "user",
        "add",
        "--email",
        "ops@x.heard",
        "--name",
        "Ops",
        "--role",
        "agent",
    ]));
    assert!(ok, "{out}");
    let (ok, token) = run(heard(&data).args(["token", "create", "--user", "ops@x.heard"]));
    assert!(ok, "{token}");
    let token = token.trim().to_string();

    let (server, base) = serve(&data).await;
    let http = reqwest::Client::new();
    for i in 0..30 {
        assert!(post(&http, &base, &token, i).await, "contact {i}");
    }

    // Backed up while contacts keep arriving: a consistent snapshot of some prefix of them.
    let busy = root.path().join("busy");
    let writer = {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        tokio::spawn(async move {
            let mut i = 30;
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(3) {
                assert!(post(&http, &base, &token, i).await, "contact {i}");
                i += 1;
            }
            i
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (ok, out) = run(heard(&data).args(["backup", "--output"]).arg(&busy));
    assert!(ok, "{out}");
    let posted = writer.await.unwrap();
    assert!(posted > 31, "contacts kept arriving during the backup");

    // Backed up again while serving and quiet: restored, it is the source exactly.
    let quiet = root.path().join("quiet");
    let (ok, out) = run(heard(&data).args(["backup", "--output"]).arg(&quiet));
    assert!(ok, "{out}");
    assert!(out.contains("backed up to"), "{out}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(quiet.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["tables"]["contacts"], posted as i64, "{manifest}");
    assert!(manifest["schema"]["latest"].as_i64().unwrap() >= 17, "{manifest}");
    assert_eq!(manifest["missing_files"], serde_json::json!([]));
    let (ok, out) = run(heard(&data).args(["backup", "--output"]).arg(&quiet));
    assert!(!ok && out.contains("not empty"), "a backup never overwrites one: {out}");
    drop(server);

    let restored = root.path().join("restored");
    let (ok, out) = run(heard(&restored).args(["restore", "--input"]).arg(&quiet));
    assert!(ok, "{out}");
    let (src, dst) = (dump(&data.join("heard.db")), dump(&restored.join("heard.db")));
    assert_eq!(src.keys().collect::<Vec<_>>(), dst.keys().collect::<Vec<_>>());
    for (table, rows) in &src {
        assert_eq!(rows, &dst[table], "table {table} differs after the round trip");
    }
    assert!(src["attachments"].len() >= 10 && src["contacts"].len() == posted);
    let (src_files, dst_files) = (files(&data), files(&restored));
    assert!(src_files.len() >= 8, "{} files", src_files.len());
    assert_eq!(src_files, dst_files, "every attachment byte comes back");
    assert!(restored.join("heard.toml").exists(), "the config came with it");

    // The restored store serves, and its audit chain is whole.
    let (ok, out) = run(heard(&restored).args(["audit", "verify"]));
    assert!(ok && out.contains("audit log OK"), "{out}");
    {
        let (_server, base) = serve(&restored).await;
        let r = http
            .get(format!("{base}/api/v1/contacts?limit=1"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "the backup's tokens work on the restored store");
    }

    // The busy backup restores to a consistent store holding a prefix of the contacts.
    let busy_restored = root.path().join("busy-restored");
    let (ok, out) = run(heard(&busy_restored).args(["restore", "--input"]).arg(&busy));
    assert!(ok, "{out}");
    let db = busy_restored.join("heard.db");
    let n = count(&db, "SELECT count(*) FROM contacts");
    assert!((30..=posted as i64).contains(&n), "{n} contacts");
    assert_eq!(
        count(&db, "SELECT max(CAST(substr(external_id, 4) AS INTEGER)) FROM contacts") + 1,
        n,
        "a prefix: no contact missing before the newest"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM cases WHERE id = c.case_id)"
        ),
        0
    );
    let (ok, out) = run(heard(&busy_restored).args(["audit", "verify"]));
    assert!(ok && out.contains("audit log OK"), "{out}");

    // Restore refuses a store in place unless forced, and a damaged backup always.
    let (ok, out) = run(heard(&busy_restored).args(["restore", "--input"]).arg(&quiet));
    assert!(!ok && out.contains("--force"), "{out}");
    let (ok, out) = run(heard(&busy_restored)
        .args(["restore", "--force", "--input"])
        .arg(&quiet));
    assert!(ok, "{out}");
    assert_eq!(dump(&busy_restored.join("heard.db")), src);
    assert_eq!(files(&busy_restored), src_files);
    let (name, _) = src_files.iter().next().unwrap();
    let victim = quiet.join("files").join(name);
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&victim, bytes).unwrap();
    let fresh = root.path().join("fresh");
    let (ok, out) = run(heard(&fresh).args(["restore", "--input"]).arg(&quiet));
    assert!(!ok && out.contains("is damaged"), "{out}");
    assert!(
        !fresh.join("heard.db").exists(),
        "nothing restored from a damaged backup"
    );
}

#[test]
fn postgres_stores_are_pointed_at_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("heard.toml"),
        "database_url = \"postgres://heard@127.0.0.1:1/heard\"\n",
    )
    .unwrap();
    let (ok, out) = run(heard(dir.path()).args(["backup", "--output"]).arg(dir.path().join("b")));
    assert!(!ok && out.contains("pg_dump") && out.contains("PostgreSQL"), "{out}");
}
