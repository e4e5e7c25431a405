//! The command-line contract: what outside checks and operators rely on.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn heard(data: &std::path::Path) -> Command {
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

/// A running `heard` that is killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `heard ARGS… --listen ADDR` and waits until `/healthz` answers.
async fn start(data: &std::path::Path, args: &[&str], timeout: Duration) -> (Running, String) {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = heard(data);
    cmd.args(args)
        .args(["--listen", &addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let running = Running(child);
    let base = format!("http://{addr}");
    let started = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status() == 200
        {
            break;
        }
        assert!(
            started.elapsed() < timeout,
            "heard did not become healthy in {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let printed: Vec<String> = rx.try_iter().collect();
    (running, printed.join("\n"))
}

#[test]
fn init_writes_a_config_once_and_bad_configs_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = run(heard(dir.path()).arg("init"));
    assert!(ok, "{out}");
    assert!(
        std::fs::read_to_string(dir.path().join("heard.toml"))
            .unwrap()
            .contains("reference_prefix")
    );
    let (ok, out) = run(heard(dir.path()).arg("init"));
    assert!(!ok && out.contains("already exists"), "{out}");
    std::fs::write(dir.path().join("heard.toml"), "[server]\nlisen = \"127.0.0.1:1\"\n").unwrap();
    let (ok, out) = run(heard(dir.path()).arg("migrate"));
    assert!(!ok && out.contains("lisen"), "{out}");
    std::fs::write(dir.path().join("heard.toml"), "[council]\nreference_prefix = \"1\"\n").unwrap();
    let (ok, out) = run(heard(dir.path()).arg("migrate"));
    assert!(!ok && out.contains("council.reference_prefix"), "{out}");
    std::fs::write(dir.path().join("heard.toml"), "[[retention]]\nafter_years = 0\n").unwrap();
    let (ok, out) = run(heard(dir.path()).arg("migrate"));
    assert!(!ok && out.contains("retention[0].after_years"), "{out}");
    // A good schedule: the dry run reports what is due (nothing, on a new store).
    std::fs::write(
        dir.path().join("heard.toml"),
        "[[retention]]\nkind = \"complaint\"\nafter_years = 6\n",
    )
    .unwrap();
    let (ok, out) = run(heard(dir.path()).arg("migrate"));
    assert!(ok, "{out}");
    let (ok, out) = run(heard(dir.path()).args(["retention", "report"]));
    assert!(
        ok && out.contains("0 case(s) would have their personal data removed"),
        "{out}"
    );
}

#[tokio::test]
async fn serve_refuses_an_unmigrated_or_newer_database() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = run(heard(dir.path()).args(["serve", "--listen", "127.0.0.1:0"]));
    assert!(!ok && out.contains("heard migrate"), "{out}");
    let (ok, out) = run(heard(dir.path()).arg("migrate"));
    assert!(ok && out.contains("applied ") && out.contains(" migration"), "{out}");
    // A migration from a newer heard.
    let url = format!("sqlite://{}", dir.path().join("heard.db").display());
    let store = heard_store::Store::open(&url, &Default::default()).await.unwrap();
    drop(store);
    let pool = sqlx_sqlite(&url).await;
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (99990101000000, 'future', TRUE, x'00', 0)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (ok, out) = run(heard(dir.path()).args(["serve", "--listen", "127.0.0.1:0"]));
    assert!(!ok && out.contains("newer heard"), "{out}");
    let (ok, out) = run(heard(dir.path()).arg("migrate"));
    assert!(!ok && out.contains("newer heard"), "{out}");
}

async fn sqlx_sqlite(url: &str) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(url).await.unwrap()
}

#[tokio::test]
async fn demo_loads_a_council_and_serves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, printed) = start(dir.path(), &["demo"], Duration::from_secs(300)).await;
    assert!(
        printed.contains("http://127.0.0.1:") && printed.contains("agent@demo.heard"),
        "{printed}"
    );
    let http = reqwest::Client::new();
    let base = printed
        .lines()
        .find_map(|l| l.split_whitespace().find(|w| w.starts_with("http://")))
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": "manager@demo.heard", "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let services: serde_json::Value = http
        .get(format!("{base}/api/v1/services"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(services.as_array().unwrap().len() >= 12);
    let wifi: serde_json::Value = http
        .get(format!("{base}/api/v1/search?q=castle+street+wifi"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        wifi["total"].as_i64().unwrap() >= 8,
        "the planted WiFi pattern is there: {wifi}"
    );
    let contacts: serde_json::Value = http
        .get(format!("{base}/api/v1/contacts?limit=1"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(contacts["items"][0]["received_at"].is_string());
    // The demo's street services are listed to Open311 clients with their questions.
    let open311: serde_json::Value = http
        .get(format!("{base}/open311/v2/services.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let highways = open311
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "highways")
        .expect("highways is an Open311 service");
    assert_eq!(highways["metadata"], true);
    let form = http.get(format!("{base}/report/highways")).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(
        form.contains("Report a pothole"),
        "the demo's answers are suggested: {form}"
    );
    let help = http.get(format!("{base}/help?q=bin+not+emptied")).send().await.unwrap();
    assert!(help.text().await.unwrap().contains("Report a missed bin collection"));

    // Tokens from the command line work against the running server.
    let (ok, token) = run(heard(dir.path()).args(["token", "create", "--user", "agent@demo.heard", "--label", "test"]));
    assert!(ok, "{token}");
    let me: serde_json::Value = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "agent@demo.heard");
    let (ok, out) = run(heard(dir.path()).args(["token", "create", "--user", "nobody@demo.heard"]));
    assert!(!ok && out.contains("no user"), "{out}");
}

#[tokio::test]
async fn acknowledged_contacts_survive_a_killed_server() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = run(heard(dir.path()).arg("migrate"));
    assert!(ok, "{out}");
    let (ok, out) = run(heard(dir.path()).args([
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
    let (ok, token) = run(heard(dir.path()).args(["token", "create", "--user", "ops@x.heard"]));
    assert!(ok, "{token}");
    let token = token.trim().to_string();
    std::fs::write(
        dir.path().join("heard.toml"),
        "[[services]]\nslug = \"customer-services\"\nname = \"Customer Services\"\n",
    )
    .unwrap();
    let (mut server, _) = start(dir.path(), &["serve"], Duration::from_secs(60)).await;
    let base = {
        // start() waited for /healthz on the address it passed with --listen.
        let cmdline = std::fs::read_to_string(format!("/proc/{}/cmdline", server.0.id())).unwrap();
        let addr = cmdline
            .split('\0')
            .skip_while(|a| *a != "--listen")
            .nth(1)
            .unwrap()
            .to_string();
        format!("http://{addr}")
    };
    let http = reqwest::Client::new();
    let acked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut acknowledged = Vec::new();
    let mut tasks = Vec::new();
    for i in 0..300 {
        let (http, base, token, acked) = (http.clone(), base.clone(), token.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let body = serde_json::json!({"channel": "web_form", "from": format!("r{i}@example.org"),
                "body": format!("report {i}"), "external_id": format!("wf-{i}")});
            let r = http
                .post(format!("{base}/api/v1/contacts"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .ok()?;
            let ok = r.status() == 201;
            if ok {
                acked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            ok.then_some(i)
        }));
    }
    // Kill the server without warning once some contacts are acknowledged and more are in flight.
    let killer = tokio::spawn(async move {
        let started = Instant::now();
        while acked.load(std::sync::atomic::Ordering::SeqCst) < 20 && started.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let _ = server.0.kill();
        let _ = server.0.wait();
        server
    });
    for t in tasks {
        if let Some(i) = t.await.unwrap() {
            acknowledged.push(i);
        }
    }
    drop(killer.await.unwrap());
    assert!(
        !acknowledged.is_empty(),
        "some contacts were acknowledged before the kill"
    );
    assert!(
        acknowledged.len() < 300,
        "the kill came while contacts were still in flight"
    );
    // Every acknowledged contact is there after a restart; none twice.
    let (_server, _) = start(dir.path(), &["serve"], Duration::from_secs(60)).await;
    let url = format!("sqlite://{}", dir.path().join("heard.db").display());
    let pool = sqlx_sqlite(&url).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT external_id FROM contacts")
        .fetch_all(&pool)
        .await
        .unwrap();
    for i in &acknowledged {
        assert!(
            stored.contains(&format!("wf-{i}")),
            "acknowledged contact wf-{i} was lost"
        );
    }
    let unique: std::collections::BTreeSet<_> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len());
}
