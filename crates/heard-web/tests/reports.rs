//! Performance reports (`/reports`, issue 6): contacts by channel and service, first-contact
//! resolution and the backlog, as a manager reads them and as CSV; an officer limited to one
//! service sees only it; bad periods are refused naming the field. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, spawn};
use heard_core::{CaseReference, CaseStatus, Role};
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::json;

async fn contact(app: &TestApp, channel: &str, from: &str, body: &str, service: &str) -> String {
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(json!({"channel": channel, "from": from, "body": body, "service": service})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case"]["reference"].as_str().expect("reference").to_string()
}

async fn reports_count_what_came_in_and_what_is_open(db: TestDb) {
    let app = spawn(db).await;
    let pothole = contact(&app, "email", "a@example.com", "Pothole on Elm Road", "highways").await;
    contact(&app, "email", "b@example.com", "Another pothole on Oak Way", "highways").await;
    contact(
        &app,
        "web_form",
        "c@example.com",
        "Street light out on Ash Lane",
        "street-lighting",
    )
    .await;
    let r: CaseReference = pothole.parse().expect("reference");
    app.store
        .set_case_status(&r, CaseStatus::Resolved, None)
        .await
        .expect("resolved");

    let manager = app
        .sign_in_as("manager@test.heard", "Mo Manager", Role::TeamManager, &[])
        .await;
    let (s, html) = manager.page("/reports").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("3 contacts from residents"), "{html}");
    assert!(html.contains("<option value=\"\">All services</option>"), "{html}");
    assert!(html.contains("2 open cases, 0 past their deadline"), "{html}");
    // The one closed case had one contact: resolved at first contact.
    let all_row = html.split("data-all>").nth(1).expect("the all row");
    assert!(
        all_row.contains("<td class=\"numeric\">1</td><td class=\"numeric\">100%</td>"),
        "{all_row}"
    );
    let (s, csv) = manager.page("/reports.csv").await;
    assert_eq!(s, StatusCode::OK);
    for line in [
        "channel,email,inbound_contacts,2",
        "channel,web_form,inbound_contacts,1",
        "service,highways,cases_closed,1",
        "service,highways,closed_at_first_contact,1",
        "service,all,contacts,3",
        "service,all,open,2",
        "backlog_age,all,0–2 days,2",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} in {csv}");
    }

    // One service only for an officer of street lighting, and never the council's totals.
    let officer = app
        .sign_in_as(
            "lights@test.heard",
            "Lee Lights",
            Role::BackOffice,
            &["street-lighting"],
        )
        .await;
    let (s, html) = officer.page("/reports").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("1 contact from residents"), "{html}");
    assert!(!html.contains("All services"), "{html}");
    assert!(!html.contains("Potholes and roads"), "{html}");
    let (s, _) = officer.page("/reports?service=highways").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, html) = manager.page("/reports?from=2026-05-01&to=2026-04-01").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("From: must be on or before the To date"), "{html}");
    let (s, html) = manager.page("/reports?to=tomorrow").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("To: enter a date"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    reports_count_what_came_in_and_what_is_open(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if let Some(db) = TestDb::postgres().await {
        reports_count_what_came_in_and_what_is_open(db).await;
    }
}
