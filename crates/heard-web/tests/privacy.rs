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

/// Reports a deep pothole with a photo through the public form as jo@example.org, with
/// `fields` (a description, a name, a postcode) besides.
async fn report_with_photo(app: &TestApp, fields: &[(&str, &str)]) {
    let (token, cookie, _) = open_form(app, "highways").await;
    let mut parts = vec![
        Part::Text("csrf_token", &token),
        Part::Text("f_depth", "deep"),
        Part::Text("email", "jo@example.org"),
        Part::File("photo", "hole.png", PNG),
    ];
    parts.extend(fields.iter().map(|(k, v)| Part::Text(k, v)));
    let (s, _, body) = send(app, "highways", Some(&cookie), &parts).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
}

on_both!(one_action_exports_everything_held_about_a_customer, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    report_with_photo(
        &app,
        &[("description", "Deep pothole outside number 12"), ("name", "Jo Bloggs")],
    )
    .await;
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

on_both!(erasure_removes_the_person_and_keeps_the_figures, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    report_with_photo(
        &app,
        &[
            ("description", "Deep pothole outside number 12 Wharf Road"),
            ("postcode", "LE1 5FQ"),
            ("name", "Jo Bloggs"),
        ],
    )
    .await;
    let case = app
        .store
        .list_cases(&Default::default(), "HRD")
        .await
        .unwrap()
        .items
        .remove(0);
    let customer = case.customer.id;
    let agent = app.sign_in_as("agent@test.heard", "Agent", Role::Agent, &[]).await;
    app.store
        .add_note(&case.reference, agent.user_id, "Jo is at home on Tuesdays")
        .await
        .unwrap();
    let photo = app.store.list_contacts(&Default::default(), "HRD").await.unwrap().items[0].attachments[0]
        .sha256
        .clone();
    let files = heard_store::files::FileStore::local(&app.files);
    assert!(files.get(&photo).await.unwrap().is_some());

    let path = format!("/customers/{customer}/erase");
    let (s, _) = agent.page(&path).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only administrators erase");
    let admin = app.sign_in_as("admin@test.heard", "Admin", Role::Admin, &[]).await;
    let (s, html) = admin.page(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Erase Jo Bloggs") && html.contains("cannot be undone"),
        "{html}"
    );
    let (s, _, html) = admin.post(&path, &[("reason", " ")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("reason: say why"), "{html}");
    let (s, _, html) = admin
        .post(&path, &[("reason", "Erasure request of 3 March, checked by the DPO")])
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("Customer erased"), "{html}");

    // The person is gone: name, identities, words, values, files, notes, location.
    let gone = app.store.customer(customer).await.unwrap();
    assert_eq!(gone.name, format!("Erased customer {customer}"));
    assert!(gone.identities.is_empty() && gone.addresses.is_empty());
    let contact = app
        .store
        .list_contacts(&Default::default(), "HRD")
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(
        (contact.body.as_str(), contact.sender.as_str()),
        ("[erased]", "[erased]")
    );
    assert!(contact.attachments.is_empty() && contact.entities.is_empty() && contact.subject.is_none());
    assert!(
        files.get(&photo).await.unwrap().is_none(),
        "the photo's bytes are removed"
    );
    let detail = app.store.case_detail(&case.reference).await.unwrap();
    assert_eq!(detail.case.title, "[erased]");
    assert!(
        !format!("{:?}", detail.history).contains("Tuesdays"),
        "notes are erased"
    );
    assert!(detail.history.iter().any(|e| e.kind == "erased"));
    let (_, found) = app.api(reqwest::Method::GET, "/api/v1/search?q=Wharf", None).await;
    assert_eq!(
        found["items"].as_array().map(Vec::len),
        Some(0),
        "nothing left to find: {found}"
    );
    let (_, found) = app.api(reqwest::Method::GET, "/api/v1/search?q=Bloggs", None).await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(0), "{found}");

    // The figures stay: the case, its service, status and dates.
    assert_eq!(app.case_count().await, 1);
    assert_eq!(detail.case.service, "highways");
    assert_eq!(detail.case.created_at, case.created_at);
});

on_both!(
    an_administrator_redacts_one_file_or_a_whole_message_with_a_reason,
    |app| {
        let app = TestApp {
            http: no_redirects(&app),
            ..app
        };
        report_with_photo(
            &app,
            &[(
                "description",
                "Pothole by number 12; my neighbour's car is in the photo",
            )],
        )
        .await;
        let contact = app
            .store
            .list_contacts(&Default::default(), "HRD")
            .await
            .unwrap()
            .items
            .remove(0);
        let file = contact.attachments[0].clone();
        let path = format!("/contacts/{}/redact", contact.id);
        let agent = app.sign_in_as("agent@test.heard", "Agent", Role::Agent, &[]).await;
        let (s, _) = agent.page(&path).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let admin = app.sign_in_as("admin@test.heard", "Admin", Role::Admin, &[]).await;
        let (_, html) = admin.page(&format!("/cases/{}", contact.case_reference)).await;
        assert!(html.contains(&format!("href=\"{path}\"")), "{html}");
        let (s, html) = admin.page(&path).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Only the file hole.png"), "{html}");

        // One file first, then (no reason: refused) the whole message.
        let (s, location, html) = admin
            .post(
                &path,
                &[("what", &file.id.to_string()), ("reason", "A neighbour's number plate")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
        assert_eq!(location, format!("/cases/{}", contact.case_reference));
        let after = app.store.contact(contact.id, "HRD").await.unwrap();
        assert!(after.attachments.is_empty());
        assert!(after.body.contains("Pothole by number 12"), "only the file went");
        let files = heard_store::files::FileStore::local(&app.files);
        assert!(files.get(&file.sha256).await.unwrap().is_none());
        let (s, _, html) = admin.post(&path, &[("what", "all"), ("reason", "")]).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(html.contains("reason: say why"), "{html}");
        let (s, _, _) = admin
            .post(&path, &[("what", "all"), ("reason", "Names a third party")])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let after = app.store.contact(contact.id, "HRD").await.unwrap();
        assert_eq!(after.body, "[redacted]");
        assert!(after.entities.is_empty());
        let (_, html) = admin.page(&format!("/cases/{}", contact.case_reference)).await;
        assert!(
            html.contains("A file was redacted: A neighbour&#39;s number plate")
                || html.contains("A file was redacted: A neighbour's number plate"),
            "{html}"
        );
        assert!(html.contains("A message was redacted: Names a third party"), "{html}");
    }
);
