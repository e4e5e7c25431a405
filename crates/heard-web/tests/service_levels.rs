//! Service levels as staff see them: a case overdue or due soon against its first
//! response, on the case page and in the queues, and a missed deadline escalated to the
//! team's manager, who finds it in their "Escalated" queue. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use jiff::{SignedDuration, Timestamp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A customer's email to `service`, received `ago` before now; returns the case reference.
async fn email_in(app: &TestApp, from: &str, subject: &str, ago: SignedDuration) -> String {
    let received = (Timestamp::now() - ago).to_string();
    let (s, v) = app
        .api(
            Method::POST,
            "/api/v1/contacts",
            Some(
                json!({"channel": "email", "from": from, "subject": subject, "body": "Please help.",
                "service": "highways", "received_at": received}),
            ),
        )
        .await;
    assert!(s.is_success(), "{s} {v}");
    v["case"]["reference"].as_str().unwrap().to_string()
}

/// The table row of `reference` on a queue page.
fn row<'a>(html: &'a str, reference: &str) -> &'a str {
    let at = html
        .find(&format!("<a href=\"/cases/{reference}\">"))
        .unwrap_or_else(|| panic!("{reference} not listed: {html}"));
    let end = html[at..].find("</tr>").map(|e| at + e).unwrap_or(html.len());
    &html[at..end]
}

on_both!(due_soon_overdue_and_escalated_cases_are_shown_to_staff, |app| {
    // Ten days ago: the two working days to a first response are gone.
    let late = email_in(
        &app,
        "ann@example.org",
        "Pothole on Mill Lane",
        SignedDuration::from_hours(240),
    )
    .await;
    // Just now, with its first response due in half an hour.
    let soon = email_in(&app, "bob@example.org", "Broken pavement", SignedDuration::ZERO).await;
    app.store
        .set_first_response_due(&soon.parse().unwrap(), Timestamp::now() + SignedDuration::from_mins(30))
        .await
        .unwrap();
    let fresh = email_in(&app, "cat@example.org", "Street light out", SignedDuration::ZERO).await;

    let sam = app.sign_in_as("sam@test.heard", "Sam Carter", Role::Agent, &[]).await;
    let (s, html) = sam.page(&format!("/cases/{late}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Overdue: first response was due"), "{html}");
    assert!(html.contains("data-sla=\"overdue\""));
    let (_, html) = sam.page(&format!("/cases/{soon}")).await;
    assert!(html.contains("Due soon: first response by"), "{html}");
    assert!(!html.contains("Overdue:"), "due soon is not overdue: {html}");
    let (_, html) = sam.page(&format!("/cases/{fresh}")).await;
    assert!(!html.contains("data-sla="), "on track: no warning: {html}");
    assert!(html.contains("First response</dt>"), "its deadline is listed: {html}");

    // The queues flag each row the same way.
    let (_, html) = sam.page("/cases?view=open").await;
    assert!(row(&html, &late).contains("Overdue: first response was due"));
    assert!(row(&html, &soon).contains("Due soon: first response by"));
    assert!(!row(&html, &fresh).contains("data-sla"));
    let (_, html) = sam.page("/cases?view=slipping").await;
    assert!(row(&html, &late).contains("tag-overdue"));
    assert!(row(&html, &soon).contains("tag-due_soon"));

    // The team's manager (Streets owns highways) is escalated to, once, by the job
    // `heard serve` runs.
    let jo = app
        .sign_in_as("jo@test.heard", "Jo Fletcher", Role::TeamManager, &[])
        .await;
    app.store
        .upsert_user(&NewUser {
            email: "jo@test.heard".into(),
            name: "Jo Fletcher".into(),
            role: Role::TeamManager,
            team: Some("streets".into()),
            services: Vec::new(),
            password_hash: None,
        })
        .await
        .unwrap();
    let done = app.store.escalate_breaches(Timestamp::now()).await.unwrap();
    assert_eq!(done.len(), 1, "{done:?}");
    assert!(app.store.escalate_breaches(Timestamp::now()).await.unwrap().is_empty());

    let (_, html) = sam.page(&format!("/cases/{late}")).await;
    assert!(html.contains("Escalated to Jo Fletcher"), "{html}");
    assert!(
        html.contains("First response target missed, escalated to Jo Fletcher"),
        "in the timeline: {html}"
    );
    assert_eq!(html.matches("First response target missed").count(), 1);

    // In front of the manager: their escalated queue holds the late case only.
    let (s, html) = jo.page("/cases?view=escalated").await;
    assert_eq!(s, StatusCode::OK);
    assert!(row(&html, &late).contains("Overdue"));
    assert!(!html.contains(&format!("/cases/{soon}\"")), "{html}");
    // Another manager's escalated queue is empty.
    let kim = app
        .sign_in_as("kim@test.heard", "Kim Lee", Role::TeamManager, &[])
        .await;
    let (_, html) = kim.page("/cases?view=escalated").await;
    assert!(html.contains("No cases in this view."), "{html}");
});
