//! Operations endpoints: `/readyz` says whether a node can take traffic, and `/metrics`
//! counts requests and intake for Prometheus — only for loopback clients or the token.

mod common;

use common::*;
use heard_store::testing::TestDb;
use reqwest::StatusCode;

/// The value of the sample `name{labels…}` in a Prometheus text body (0 when absent).
fn sample(body: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    body.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(series, _)| {
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            n == name && labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|(_, v)| v.parse::<f64>().unwrap())
        .sum()
}

async fn scrape(app: &TestApp) -> String {
    let r = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("openmetrics-text")
    );
    r.text().await.unwrap()
}

on_both!(ready_and_counted, |app| {
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap().trim(), "ready");

    let before = scrape(&app).await;
    let health = [("route", "/healthz"), ("status", "2xx")];
    let n0 = sample(&before, "heard_http_requests_total", &health);
    for _ in 0..3 {
        app.http.get(app.url("/healthz")).send().await.unwrap();
    }
    let (status, _) = app.api(reqwest::Method::GET, "/api/v1/cases/HRD-999999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let after = scrape(&app).await;
    assert_eq!(
        sample(&after, "heard_http_requests_total", &health),
        n0 + 3.0,
        "{after}"
    );
    // Routes are labelled by template, never by the reference asked for.
    assert!(
        sample(
            &after,
            "heard_http_requests_total",
            &[("route", "/api/v1/cases/{reference}"), ("status", "4xx")]
        ) >= 1.0,
        "{after}"
    );
    assert!(!after.contains("HRD-999999"));
    assert!(
        sample(
            &after,
            "heard_http_request_duration_seconds_count",
            &[("route", "/healthz")]
        ) >= 3.0
    );

    // A contact is counted by its channel, and its new case is in the unassigned queue.
    let intake0 = sample(&after, "heard_intake_contacts_total", &[("channel", "web_form")]);
    let (status, body) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(serde_json::json!({"channel": "web_form", "from": "ops@example.org",
                "body": "A pothole outside the library"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let last = scrape(&app).await;
    assert_eq!(
        sample(&last, "heard_intake_contacts_total", &[("channel", "web_form")]),
        intake0 + 1.0,
        "{last}"
    );
    assert!(
        sample(&last, "heard_open_cases", &[("queue", "unassigned")]) >= 1.0,
        "{last}"
    );
    for gauge in ["heard_outbox_pending", "heard_deadline_escalations"] {
        assert!(last.contains(&format!("# TYPE {gauge} gauge")), "{gauge}: {last}");
    }
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_loopback_or_the_token() {
    // Behind a trusted proxy the forwarded client counts, not the proxy's loopback address.
    let settings = heard_web::WebSettings {
        trusted_proxy: true,
        metrics_token: Some("s3cret-metrics-token".into()),
        ..Default::default()
    };
    let app = spawn_with(TestDb::sqlite(), settings).await;
    let get = |token: Option<&'static str>| {
        let mut r = app
            .http
            .get(app.url("/metrics"))
            .header("x-forwarded-for", "203.0.113.9");
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    assert_eq!(get(None).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(get(Some("wrong")).await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = get(Some("s3cret-metrics-token")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("heard_http_requests_total"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_ready_when_the_schema_is_behind() {
    let app = spawn(TestDb::sqlite()).await;
    // Forget the newest migration, as a database restored from an older heard would be.
    let pool = sqlx::SqlitePool::connect(&app._db.url).await.unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text().await.unwrap().contains("run `heard migrate`"));
    // Liveness is another matter: the process is up.
    assert_eq!(
        app.http.get(app.url("/healthz")).send().await.unwrap().status(),
        StatusCode::OK
    );
}

on_both!(every_response_carries_a_request_id, |app| {
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let again = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_ne!(again.headers()["x-request-id"].to_str().unwrap(), id, "one per request");
    // A caller's own id (a proxy's, say) is kept, so one id follows the request through.
    let r = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "proxy-7f3a")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "proxy-7f3a");
});
