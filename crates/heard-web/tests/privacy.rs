//! Subject access end to end: an administrator downloads one ZIP holding everything
//! heard has about a resident (readable summary, JSON, their files, who viewed them);
//! an agent may not. On SQLite and PostgreSQL.

mod common;

use common::{PNG, Part, TestApp, no_redirects, open_form, send, spawn};
use heard_core::{CaseReference, Role};
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::Read;

on_both!(one_action_exports_everything_held_about_a_customer, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (token, cookie, _) = open_form(&app, "highways").await;
    let (s, _, body) = send(
        &app,
        "highways",
        Some(&cookie),
        &[
            Part::Text("csrf_token", &token),
            Part::Text("description", "Deep pothole outside number 12"),
            Part::Text("f_depth", "deep"),
            Part::Text("name", "Jo Bloggs"),
            Part::Text("email", "jo@example.org"),
            Part::File("photo", "hole.png", PNG),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let case = app
        .store
        .list_cases(&Default::default(), "HRD")
        .await
        .unwrap()
        .items
        .remove(0);
    let reference: CaseReference = case.reference.clone();
    let agent = app.sign_in_as("agent@test.heard", "Agent", Role::Agent, &[]).await;
    let me = agent.user_id;
    app.store
        .add_note(&reference, me, "Called Jo back: inspector booked for Tuesday")
        .await
        .unwrap();
    let (s, _) = agent.page(&format!("/cases/{reference}")).await;
    assert_eq!(s, StatusCode::OK);

    // An agent may not export; an administrator may, from the case page.
    let path = format!("/customers/{}/export", case.customer.id);
    let (s, _) = agent.page(&path).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let admin = app.sign_in_as("admin@test.heard", "Admin", Role::Admin, &[]).await;
    let (_, html) = admin.page(&format!("/cases/{reference}")).await;
    assert!(
        html.contains(&format!("href=\"{path}\"")),
        "the case page offers it: {html}"
    );
    let r = admin
        .http
        .get(app.url(&path))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut read = |name: &str| {
        let mut f = zip.by_name(name).unwrap_or_else(|_| panic!("no {name} in the export"));
        let mut out = Vec::new();
        f.read_to_end(&mut out).unwrap();
        out
    };
    let summary = String::from_utf8(read("summary.html")).unwrap();
    assert!(
        summary.contains("Information Our Council holds about Jo Bloggs"),
        "{summary}"
    );
    assert!(summary.contains(&reference.to_string()) && summary.contains("Deep pothole outside number 12"));
    assert!(
        summary.contains("inspector booked for Tuesday"),
        "staff notes are theirs to see: {summary}"
    );
    let data: Value = serde_json::from_slice(&read("data.json")).unwrap();
    assert_eq!(data["customer"]["name"], "Jo Bloggs");
    assert!(data["customer"]["identities"].to_string().contains("jo@example.org"));
    assert_eq!(data["cases"][0]["reference"], reference.to_string());
    assert!(data["cases"][0]["history"].to_string().contains("inspector booked"));
    assert!(!data["contacts"].as_array().unwrap().is_empty());
    let readers: Vec<&str> = data["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "case.read")
        .map(|a| a["actor"].as_str().unwrap())
        .collect();
    assert!(readers.contains(&"agent@test.heard"), "who viewed them: {readers:?}");
    let contact = data["contacts"][0]["id"].as_i64().unwrap();
    assert_eq!(read(&format!("files/{contact}-hole.png")), PNG, "their photo, as sent");

    // The export itself is in the audit log.
    let audit: Value = app
        .http
        .get(app.url(&format!(
            "/api/v1/audit?customer={}&action=customer.export",
            case.customer.id
        )))
        .bearer_auth(&app.auditor_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["actor"], "admin@test.heard", "{audit}");
});
