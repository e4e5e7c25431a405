//! The Open311 contract outside checks rely on: `heard serve` answers under
//! `/open311/v2/`, services and their attributes come from `heard.toml`, and a token
//! from `heard token create` is accepted as the `api_key`.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = r#"
[[services]]
slug = "customer-services"
name = "Customer Services"

[[services]]
slug = "highways"
name = "Potholes and roads"
description = "Potholes, broken pavements"
group = "Streets"
keywords = ["pothole"]

[[services.fields]]
code = "depth"
description = "How deep is it?"
datatype = "singlevaluelist"
required = true
values = [{ key = "shallow", name = "Shallow" }, { key = "deep", name = "Deep" }]

[[services]]
slug = "revenues-and-benefits"
name = "Council tax"
open311 = false
"#;

fn heard(data: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_heard"));
    c.arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .env_remove("HEARD_CONFIG")
        .env_remove("HEARD_DATA_DIR");
    c
}

fn run(c: &mut Command) -> String {
    let out = c.output().expect("run heard");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A running `heard serve`, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn open311_on_the_serve_listener_with_a_cli_token() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    std::fs::write(data.join("heard.toml"), CONFIG).unwrap();
    run(heard(data).arg("migrate"));
    run(heard(data)
        .args([
            "user",
            "add",
            "--email",
            "fms@council.example",
            "--name",
            "FixMyStreet",
            "--role",
            "agent",
        ])
        .env("HEARD_PASSWORD", "not used by tokens"));
    let token = run(heard(data).args(["token", "create", "--user", "fms@council.example"]));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Running(
        heard(data)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz"))
        .await
        .map(|r| r.status() != 200)
        .unwrap_or(true)
    {
        assert!(started.elapsed() < Duration::from_secs(60), "heard serve did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let http = reqwest::Client::new();

    let discovery = http
        .get(format!("{base}/open311/v2/discovery.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(discovery.status(), 200);
    assert!(discovery.text().await.unwrap().contains("<discovery>"));
    let services: serde_json::Value = http
        .get(format!("{base}/open311/v2/services.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"highways") && !codes.contains(&"revenues-and-benefits"),
        "{codes:?}"
    );
    let def: serde_json::Value = http
        .get(format!("{base}/open311/v2/services/highways.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(def["attributes"][0]["code"], "depth");

    let form = [
        ("api_key", token.as_str()),
        ("service_code", "highways"),
        ("lat", "52.63"),
        ("long", "-1.13"),
        ("email", "jo@example.org"),
        ("description", "Deep pothole"),
        ("attribute[depth]", "deep"),
    ];
    let created = http
        .post(format!("{base}/open311/v2/requests.json"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.unwrap();
    let id = created[0]["service_request_id"].as_str().unwrap().to_string();
    let listed: serde_json::Value = http
        .get(format!("{base}/open311/v2/requests.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["service_request_id"], id.as_str());
    let one = http
        .get(format!("{base}/open311/v2/requests/{id}.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), 200);
    let bad = http
        .post(format!("{base}/open311/v2/requests.xml"))
        .form(&[("api_key", "not-a-token"), ("service_code", "highways")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 403);
    assert!(bad.text().await.unwrap().contains("<errors><error><code>403</code>"));
}
