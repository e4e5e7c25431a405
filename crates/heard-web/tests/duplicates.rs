//! "Same issue, reported twice": the case page suggests the open case a new report is
//! probably about too, says why, and links them as duplicates in one click. On SQLite and
//! PostgreSQL.

mod common;

use common::{TestApp, no_redirects, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::StatusCode;

async fn report(app: &TestApp, from: &str, body: &str) -> String {
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(serde_json::json!({"channel": "web_form", "from": from, "body": body, "service": "highways"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case"]["reference"].as_str().unwrap().to_string()
}

on_both!(a_second_report_of_one_pothole_is_suggested_as_its_duplicate, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    // Other potholes elsewhere, so "pothole" alone says little.
    for (n, street) in ["Hatherley Road", "London Road", "the A38 roundabout"]
        .iter()
        .enumerate()
    {
        report(
            &app,
            &format!("other{n}@example.com"),
            &format!("Pothole on {street}, please fix"),
        )
        .await;
    }
    let first = report(
        &app,
        "ann@example.com",
        "Deep pothole outside 12 Mill Lane, GL50 1AA. Cars are swerving round it.",
    )
    .await;
    let unrelated = report(
        &app,
        "cat@example.com",
        "The road markings at the Mill Lane junction have worn away",
    )
    .await;
    let second = report(
        &app,
        "bob@example.com",
        "Dangerous hole in the road on Mill Lane by number 12 (GL50 1AA), a cyclist nearly fell",
    )
    .await;

    let agent = app.sign_in_as("dupes@test.heard", "Dee Dupes", Role::Agent, &[]).await;
    let (s, html) = agent.page(&format!("/cases/{second}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("Reported before?"), "{html}");
    let panel = &html[html.find("Reported before?").unwrap()..];
    let panel = &panel[..panel.find("</section>").unwrap()];
    assert!(panel.contains(&format!("Duplicate of {first}")), "{panel}");
    assert!(panel.contains("same postcode (GL50 1AA)"), "{panel}");
    assert!(panel.contains("both mention 12, 1aa, gl50, lane"), "{panel}");
    assert!(
        !panel.contains(&unrelated),
        "a different problem on the same street: {panel}"
    );

    // One click links them; the suggestion has done its work and goes.
    let (s, _, _) = agent
        .post(
            &format!("/cases/{second}/links"),
            &[("to", first.as_str()), ("kind", "duplicate_of")],
        )
        .await;
    assert!(s.is_redirection(), "{s}");
    let (_, html) = agent.page(&format!("/cases/{second}")).await;
    assert!(!html.contains("Reported before?"), "{html}");
    assert!(html.contains(&first), "the link is shown: {html}");
});
