//! "Track my case" end to end, as a resident's browser without JavaScript uses it: the
//! signed link from the report receipt, a code by email for reference and address,
//! what the resident may and may not see, and adding to the case. On SQLite and
//! PostgreSQL.

mod common;

use common::{PNG, Part, TestApp, multipart, no_redirects, open_form, send, spawn};
use heard_core::{CaseReference, Channel, Role};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_store::workspace::NewReply;
use reqwest::StatusCode;
use serde_json::Value;

/// Reports a pothole through the public form as `email`; returns the case reference
/// and the tracking link from the receipt page.
async fn report(app: &TestApp, email: &str, description: &str) -> (String, String) {
    let (token, cookie, _) = open_form(app, "highways").await;
    let (s, location, body) = send(
        app,
        "highways",
        Some(&cookie),
        &[
            Part::Text("csrf_token", &token),
            Part::Text("description", description),
            Part::Text("f_depth", "deep"),
            Part::Text("name", "Jo Bloggs"),
            Part::Text("email", email),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let receipt = app
        .http
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let reference = receipt
        .split("class=\"reference\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_string();
    let link = receipt
        .split("href=\"/track/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|r| format!("/track/{}", r.replace("&amp;", "&")))
        .unwrap_or_else(|| panic!("no tracking link on the receipt: {receipt}"));
    assert!(link.starts_with(&format!("/track/{reference}?key=")), "{link}");
    (reference, link)
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    let (s, h) = (r.status(), r.headers().clone());
    (s, r.text().await.unwrap(), h)
}

async fn staff(app: &TestApp) -> i64 {
    app.store
        .upsert_user(&NewUser {
            email: "officer@test.heard".into(),
            name: "Sam Officer".into(),
            role: Role::Agent,
            team: None,
            services: vec![],
            password_hash: None,
        })
        .await
        .unwrap()
}

on_both!(a_resident_follows_their_case_by_its_link_and_adds_to_it, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (reference, link) = report(
        &app,
        "jo@example.org",
        "Deep pothole outside number 12, it burst a tyre",
    )
    .await;

    let (s, html, headers) = page(&app, &link).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert_eq!(
        headers["referrer-policy"], "no-referrer",
        "the key must not leak to other sites"
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert!(html.contains(&format!("Case {reference}")), "{html}");
    assert!(html.contains("Potholes and roads"), "the service by name: {html}");
    assert!(html.contains(">Received<"), "the status in plain words: {html}");
    assert!(html.contains("What happens next"));
    assert!(html.contains("We have your case and will reply to you."), "{html}");
    assert!(
        html.contains("Deep pothole outside number 12"),
        "their own words: {html}"
    );
    assert!(!html.contains("<script"), "works without JavaScript");

    // Staff work on the case: a note (never shown), a reply (shown), a status change.
    let case: CaseReference = reference.parse().unwrap();
    let officer = staff(&app).await;
    app.store
        .add_note(
            &case,
            officer,
            "Internal: resident is known to the team, do not promise a date",
        )
        .await
        .unwrap();
    app.store
        .record_reply(&NewReply {
            case: case.clone(),
            actor: officer,
            channel: Channel::Email,
            to: "jo@example.org".into(),
            subject: Some("Your pothole report".into()),
            body: "Thank you. An inspector will visit this week.".into(),
            email: None,
            last_reply_seen: None,
        })
        .await
        .unwrap();
    app.store
        .set_case_status(&case, heard_core::CaseStatus::InProgress, Some(officer))
        .await
        .unwrap();
    let (_, html, _) = page(&app, &link).await;
    assert!(
        html.contains("We emailed you") && html.contains("An inspector will visit this week."),
        "{html}"
    );
    assert!(html.contains("Status: In progress"), "{html}");
    assert!(!html.contains("do not promise"), "staff notes never show: {html}");
    assert!(
        !html.contains("Sam Officer") && !html.contains("officer@test.heard"),
        "nor staff names"
    );

    // A damaged, moved or borrowed key opens nothing, and says nothing about the case.
    let (key_case, key) = link.split_once("?key=").unwrap();
    let other = report(&app, "someone@example.org", "Another pothole on Mill Lane").await;
    for bad in [
        format!(
            "{key_case}?key={}{}",
            &key[..key.len() - 1],
            if key.ends_with('0') { '1' } else { '0' }
        ),
        format!("{key_case}?key=1.{}", key.split_once('.').unwrap().1),
        key_case.to_string(),
        format!("/track/{}?key={key}", other.0),
        "/track/HRD-999999?key=1.00".to_string(),
        "/track/not-a-ref?key=x".to_string(),
    ] {
        let (s, html, _) = page(&app, &bad).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{bad}");
        assert!(html.contains("This link has expired"), "{bad}: {html}");
        assert!(!html.contains("pothole"), "{bad}: nothing of the case: {html}");
    }

    // Adding information: a message and a photo arrive on the case as a contact.
    let add = |parts: Vec<Part<'static>>| {
        let app = &app;
        let reference = reference.clone();
        async move {
            let (ct, body) = multipart(&parts);
            let r = app
                .http
                .post(app.url(&format!("/track/{reference}/add")))
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            let s = r.status();
            let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_string());
            (s, loc, r.text().await.unwrap())
        }
    };
    let key: &'static str = Box::leak(key.to_string().into_boxed_str());
    let (s, _, html) = add(vec![Part::Text("key", key), Part::Text("message", "  ")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("Enter what you want to tell us"), "{html}");
    let (s, _, html) = add(vec![
        Part::Text("key", key),
        Part::Text("message", "It is getting bigger"),
        Part::File("photo", "hole.jpg", b"not an image at all"),
    ])
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("The photo must be a JPG"), "{html}");
    assert!(html.contains("It is getting bigger"), "what was typed is kept: {html}");
    let (s, _, html) = add(vec![Part::Text("key", "1.00"), Part::Text("message", "forged")]).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{html}");

    let (s, loc, _) = add(vec![
        Part::Text("key", key),
        Part::Text("message", "It is getting bigger, a cyclist fell today"),
        Part::File("photo", "hole.png", PNG),
    ])
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let loc = loc.unwrap();
    assert!(loc.ends_with("&added=1"), "{loc}");
    let (_, html, _) = page(&app, &loc).await;
    assert!(html.contains("We have added what you sent to your case."), "{html}");
    assert!(
        html.contains("a cyclist fell today") && html.contains("Attached: hole.png"),
        "{html}"
    );
    let (_, case_json) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{reference}"), None)
        .await;
    let contacts = case_json["contacts"].as_array().unwrap();
    let added: Vec<&Value> = contacts
        .iter()
        .filter(|c| c["body"].as_str().unwrap_or("").contains("cyclist"))
        .collect();
    assert_eq!(added.len(), 1, "{case_json}");
    assert_eq!(added[0]["direction"], "inbound");
    assert_eq!(added[0]["sender"], "jo@example.org", "recorded as the resident's");
    assert_eq!(added[0]["attachments"][0]["content_type"], "image/png");
    assert_eq!(app.case_count().await, 2, "joined the case, opened none");

    // A closed case takes no more, and points to a new report.
    app.store
        .set_case_status(&case, heard_core::CaseStatus::Closed, Some(officer))
        .await
        .unwrap();
    let (_, html, _) = page(&app, &link).await;
    assert!(html.contains("We closed this case on"), "{html}");
    assert!(!html.contains("Tell us more"), "{html}");
    let (s, _, _) = add(vec![Part::Text("key", key), Part::Text("message", "Still there")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
});

/// The code in the newest email in the outbox to `to`.
async fn code_sent_to(app: &TestApp, reference: &str, to: &str) -> Option<String> {
    let case: CaseReference = reference.parse().unwrap();
    let mail = app.store.outbox(Some(case.number()), None).await.unwrap();
    let last = mail
        .iter()
        .rev()
        .find(|m| m.to == to && m.subject.contains("Your code"))?;
    last.body
        .split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
}

on_both!(a_resident_gets_in_with_a_code_sent_to_their_email, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (reference, _) = report(&app, "jo@example.org", "Deep pothole outside number 12").await;
    let (s, html, _) = page(&app, "/track").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("<label for=\"reference\">Case reference</label>"),
        "{html}"
    );

    // Mistakes come back beside their fields.
    let (s, html) = app.post("/track", &[("reference", "pothole"), ("contact", "jo")]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("Enter your case reference, like HRD-000123"), "{html}");
    assert!(html.contains("Enter an email address in the correct format"), "{html}");
    let (s, html) = app
        .post("/track", &[("reference", &reference), ("contact", "07700 900982")])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("only send a code by email"), "{html}");

    // An address the case was not raised with gets the same answer, and no email.
    let (s, html) = app
        .post(
            "/track",
            &[("reference", &reference), ("contact", "mallory@example.org")],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Check your email"), "{html}");
    assert_eq!(code_sent_to(&app, &reference, "mallory@example.org").await, None);

    // Typed as residents type it: lower case, no dashes, spaces.
    let typed = reference.to_lowercase().replace('-', " ");
    let (s, html) = app
        .post("/track", &[("reference", &typed), ("contact", " Jo@Example.org ")])
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains(&format!("If case {reference} was raised with jo@example.org")),
        "{html}"
    );
    let code = code_sent_to(&app, &reference, "jo@example.org")
        .await
        .expect("a code by email");
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let enter = |code: String| {
        let app = &app;
        let reference = reference.clone();
        async move {
            let r = app
                .http
                .post(app.url("/track/code"))
                .form(&[
                    ("reference", reference.as_str()),
                    ("contact", "jo@example.org"),
                    ("code", &code),
                ])
                .send()
                .await
                .unwrap();
            let s = r.status();
            let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_string());
            (s, loc, r.text().await.unwrap())
        }
    };
    let (s, _, html) = enter("12ab".into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("Enter the 6-digit code from the email"), "{html}");
    let (s, _, html) = enter(wrong.into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("The code is not right"), "{html}");
    let (s, loc, _) = enter(format!("{} {}", &code[..3], &code[3..])).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let loc = loc.unwrap();
    assert!(loc.starts_with(&format!("/track/{reference}?key=")), "{loc}");
    let (s, html, _) = page(&app, &loc).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Deep pothole outside number 12"), "{html}");
    // A code works once.
    let (s, _, _) = enter(code.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // The resident's view is in the audit log, as the public (written in the background).
    let mut seen = false;
    for _ in 0..50 {
        let r = app
            .http
            .get(app.url(&format!("/api/v1/audit?case={reference}&action=case.read")))
            .bearer_auth(&app.auditor_key)
            .send()
            .await
            .unwrap();
        let v: Value = r.json().await.unwrap();
        if v["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["actor"] == "public"))
        {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen, "the resident's read is audited");

    // Guessing is slowed: one address gets ten tries in ten minutes, then waits.
    let mut refused = None;
    for i in 0..12 {
        let (s, _, _) = enter(wrong.into()).await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(i);
            break;
        }
    }
    assert!(refused.is_some(), "guessing must be limited");
    let (s, _) = app
        .post("/track", &[("reference", &reference), ("contact", "jo@example.org")])
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
});
