//! The emerging-issues page over real stored contacts: a burst of alike reports shows up
//! with its evidence, only for staff who may see that service. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use reqwest::StatusCode;
use serde_json::json;

const TOPICS: &[&str] = &[
    "My council tax bill seems too high this year",
    "Please set up a direct debit for my council tax",
    "I have moved house, please close my council tax account",
    "Can I get a single person discount?",
    "Why has my council tax gone up?",
    "I need a copy of my council tax bill for my landlord",
    "My payment has not shown on my account",
    "Can I pay my council tax in twelve instalments instead of ten?",
];

async fn post(app: &TestApp, n: usize, subject: &str, received_at: jiff::Timestamp) -> String {
    let (status, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(json!({
                "channel": "email",
                "from": format!("Resident {n} <resident{n}@example.org>"),
                "subject": subject,
                "body": "Thanks.",
                "service": "revenues-and-benefits",
                "received_at": received_at.to_string(),
            })),
        )
        .await;
    assert!(status.is_success(), "{status} {v}");
    v["case"]["reference"]
        .as_str()
        .or(v["case_reference"].as_str())
        .unwrap_or_default()
        .to_string()
}

async fn page(app: &TestApp, token: &str) -> (StatusCode, String) {
    let r = app
        .http
        .get(app.url("/trends"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.text().await.unwrap())
}

on_both!(a_burst_of_alike_reports_is_an_emerging_issue, |app| {
    let now = jiff::Timestamp::now();
    let day = jiff::SignedDuration::from_hours(24);
    // Half a year of ordinary council tax contacts, one every two days.
    for n in 0..90 {
        let at = now - day * (2 * (90 - n as i32) + 3);
        post(&app, n, TOPICS[(n * 5) % TOPICS.len()], at).await;
    }
    let (status, html) = page(&app, &app.key).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No emerging issues"), "quiet history: {html}");

    // Yesterday: four people report the same failure of the online payment page.
    let mut refs = Vec::new();
    for (k, s) in [
        "Online payment page shows error 500 when paying council tax",
        "Error 500 on the council tax online payment page",
        "Your online council tax payment page keeps giving error 500",
        "Cannot pay council tax online, the payment page says error 500",
    ]
    .iter()
    .enumerate()
    {
        refs.push(post(&app, 100 + k, s, now - day + jiff::SignedDuration::from_mins(k as i64)).await);
    }
    // Two residents chase: failure demand.
    post(&app, 200, "I am still waiting for my council tax refund", now - day * 2).await;
    post(
        &app,
        201,
        "This is the third time I have asked about my refund",
        now - day * 3,
    )
    .await;
    // The page caches its run for a minute per node: a new node (state) sees it at once.
    let fresh = heard_web::AppState::new(
        app.store.clone(),
        heard_web::WebSettings::default(),
        heard_web::files::FileStore::local(&app.files),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(heard_web::serve(listener, fresh, std::future::pending()));
    let r = app
        .http
        .get(format!("{base}/trends"))
        .bearer_auth(&app.key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Council tax at (no site recorded): "), "{html}");
    assert!(html.contains("500"), "labelled by the words the reports share: {html}");
    assert!(
        html.contains("Contacts that read alike") || html.contains("More contacts than usual"),
        "{html}"
    );
    let linked = refs
        .iter()
        .filter(|r| !r.is_empty() && html.contains(&format!("/cases/{r}")))
        .count();
    assert!(linked >= 2, "the evidence links the reports' cases ({refs:?}): {html}");
    assert!(html.contains("<svg"), "a chart of daily contacts");
    assert!(html.contains("Failure demand, last 12 weeks"), "{html}");
    let table = &html[html.find("By service").expect("a table by service")..];
    assert!(
        table.contains("<td>Council tax</td>") && table.contains("chasing progress"),
        "{table}"
    );

    // A back-office officer of another service does not see it.
    let id = app
        .store
        .upsert_user(&NewUser {
            email: "roads@test.heard".into(),
            name: "Roads Officer".into(),
            role: Role::BackOffice,
            team: None,
            services: vec!["highways".into()],
            password_hash: None,
        })
        .await
        .unwrap();
    let token = app.store.create_token(id, "test").await.unwrap();
    let r = app
        .http
        .get(format!("{base}/trends"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(!html.contains("Council tax at"), "{html}");
    assert!(
        !html.contains("<td>Council tax</td>"),
        "no other service's figures: {html}"
    );
    assert!(html.contains("No emerging issues"));
});
