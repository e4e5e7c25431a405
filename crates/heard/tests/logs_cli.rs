//! Structured logs: with `HEARD_LOG_FORMAT=json`, `heard serve` writes one JSON object per
//! line, each request's lines carrying its request id (the caller's `X-Request-Id` here).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn json_logs_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let heard = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_heard"));
        c.arg("--data-dir")
            .arg(dir.path())
            .env_remove("HEARD_CONFIG")
            .env_remove("HEARD_DATA_DIR");
        c
    };
    assert!(heard().arg("migrate").output().unwrap().status.success());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = heard()
        .args(["serve", "--listen", &addr])
        .env("HEARD_LOG_FORMAT", "json")
        .env("RUST_LOG", "heard=info,tower_http=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = server.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let started = Instant::now();
    let mut conn = loop {
        match std::net::TcpStream::connect(&addr) {
            Ok(c) => break c,
            Err(_) if started.elapsed() < Duration::from_secs(60) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("heard did not start: {e}"),
        }
    };
    write!(
        conn,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Request-Id: trace-me-42\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.contains("x-request-id: trace-me-42"), "{answer}");

    let mut seen = Vec::new();
    let found = loop {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => {
                let v: serde_json::Value =
                    serde_json::from_str(&line).unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"));
                if v["span"]["request_id"] == "trace-me-42" {
                    break v;
                }
                seen.push(line);
            }
            Err(_) => panic!("no log line with the request id; saw:\n{}", seen.join("\n")),
        }
    };
    assert_eq!(found["span"]["path"], "/healthz", "{found}");
    assert!(found["timestamp"].is_string() && found["level"].is_string(), "{found}");
    let _ = server.kill();
    let _ = server.wait();
}
