//! Graceful shutdown: on SIGTERM `heard serve` stops taking connections but finishes the
//! requests already in flight — a contact half-uploaded when the signal came is answered
//! and stored — then exits 0.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
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

fn ok(c: &mut Command) -> String {
    let out = c.output().expect("run heard");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn sigterm_finishes_requests_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    ok(heard(dir.path()).arg("migrate"));
    ok(heard(dir.path()).args([
        "user",
        "add",
        "--email",
        "ops@x.heard",
        "--name",
        "Ops",
        "--role",
        "agent",
    ]));
    let token = ok(heard(dir.path()).args(["token", "create", "--user", "ops@x.heard"]));
    let token = token.trim();
    std::fs::write(
        dir.path().join("heard.toml"),
        "[[services]]\nslug = \"customer-services\"\nname = \"Customer Services\"\n",
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = heard(dir.path())
        .args(["serve", "--listen", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut conn = loop {
        match std::net::TcpStream::connect(&addr) {
            Ok(c) => break c,
            Err(_) if started.elapsed() < Duration::from_secs(60) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("heard did not start: {e}"),
        }
    };

    // Headers and half the body, then the signal, then the rest.
    let body = serde_json::json!({"channel": "web_form", "from": "late@example.org",
        "body": "A streetlight is out on Mill Lane", "external_id": "in-flight-1"})
    .to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    write!(
        conn,
        "POST /api/v1/contacts HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    conn.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(500));
    // No new connections once shutting down (refused, or closed without an answer).
    if let Ok(mut late) = std::net::TcpStream::connect(&addr) {
        late.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = write!(
            late,
            "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        );
        let mut answer = String::new();
        let _ = late.read_to_string(&mut answer);
        assert!(
            !answer.starts_with("HTTP/1.1 200"),
            "a new request was served after SIGTERM: {answer}"
        );
    }
    conn.write_all(rest.as_bytes()).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "heard did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    let db = rusqlite::Connection::open(dir.path().join("heard.db")).unwrap();
    let n: i64 = db
        .query_row(
            "SELECT count(*) FROM contacts WHERE external_id = 'in-flight-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1, "the in-flight contact was stored");
}
