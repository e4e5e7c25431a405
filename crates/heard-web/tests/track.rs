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
        .map(|r| {
            let r = r.replace("&amp;", "&").replace("&#38;", "&");
            // The link carries the page's language; the key is what matters here.
            format!("/track/{}", r.split("&lang=").next().unwrap_or(&r))
        })
        .unwrap_or_else(|| panic!("no tracking link on the receipt: {receipt}"));
    assert!(link.starts_with(&format!("/track/{reference}?key=")), "{link}");
    (reference, link)
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    let (s, h) = (r.status(), r.headers().clone());
    (s, r.text().await.unwrap(), h)
}

/// Sends the code page's form as a browser does: (status, Location, body).
async fn enter_code(app: &TestApp, form: &[(&str, &str)]) -> (StatusCode, Option<String>, String) {
    let r = app.http.post(app.url("/track/code")).form(form).send().await.unwrap();
    let s = r.status();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (s, location, r.text().await.unwrap())
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
    assert!(html.contains("a cyclist fell today"), "{html}");
    // The photo shows on the page, fetched with the case's key; not without it.
    let img = html
        .split("<img src=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no photo on the page: {html}"))
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(img.starts_with(&format!("/track/{reference}/files/")), "{img}");
    let r = app.http.get(app.url(&img)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    let (no_key, _) = img.split_once("?key=").unwrap();
    let (s, _, _) = page(&app, &format!("{no_key}?key=1.00")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = page(&app, &format!("/track/{reference}/files/999999?key={key}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "only the case's own photos");
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
            enter_code(
                app,
                &[
                    ("reference", reference.as_str()),
                    ("contact", "jo@example.org"),
                    ("code", &code),
                ],
            )
            .await
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
    let read = format!("case={reference}&action=case.read");
    assert!(
        common::audited(&app, &read, |e| e["actor"] == "public").await,
        "the resident's read is audited"
    );

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

/// Waits (the notifier runs every few seconds) for emails to `to` whose subject
/// contains `subject`; returns them all.
async fn emails_to(app: &TestApp, to: &str, subject: &str, want: usize) -> Vec<heard_store::outbox::OutboxEmail> {
    for _ in 0..150 {
        let all = app.store.outbox(None, None).await.unwrap();
        let found: Vec<_> = all
            .into_iter()
            .filter(|m| m.to == to && m.subject.contains(subject))
            .collect();
        if found.len() >= want {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no email to {to} about `{subject}`");
}

/// The path of the first link in `body` that starts with `prefix` (the emails carry the
/// configured public address, not the test's port).
fn link_in(body: &str, prefix: &str) -> String {
    let at = body
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in {body}"));
    let url = body[at..].split_whitespace().next().unwrap();
    url.trim_start_matches("http://127.0.0.1:8080").to_string()
}

on_both!(residents_hear_of_their_case_unasked_and_can_stop, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (first, _) = report(&app, "jo@example.org", "Deep pothole outside number 12").await;
    // An acknowledgement with the reference and the tracking link.
    let ack = emails_to(&app, "jo@example.org", "We have received your report", 1).await;
    assert_eq!(ack.len(), 1);
    assert!(ack[0].subject.ends_with(&format!("[{first}]")), "{}", ack[0].subject);
    assert!(ack[0].body.starts_with("Hello Jo,"), "{}", ack[0].body);
    assert!(
        ack[0].body.contains(&format!("Your reference is {first}")),
        "{}",
        ack[0].body
    );
    let track = link_in(&ack[0].body, "http://127.0.0.1:8080/track/");
    let (s, html, _) = page(&app, &track).await;
    assert_eq!(s, StatusCode::OK, "the emailed link opens the case: {html}");

    // A second resident reports the same pothole; staff link it as a duplicate.
    let (second, _) = report(&app, "sam@example.org", "Big pothole by number 12").await;
    emails_to(&app, "sam@example.org", "We have received your report", 1).await;
    let (a, b): (CaseReference, CaseReference) = (first.parse().unwrap(), second.parse().unwrap());
    app.store
        .link_cases(&b, &a, heard_core::CaseLinkKind::DuplicateOf, None)
        .await
        .unwrap();

    // Work starts on the first: both hear, each about their own case.
    app.store
        .set_case_status(&a, heard_core::CaseStatus::InProgress, None)
        .await
        .unwrap();
    let jo = emails_to(&app, "jo@example.org", "now: In progress", 1).await;
    assert!(
        jo[0].body.contains(&format!(
            "Your case {first} about Potholes and roads is now: In progress."
        )),
        "{}",
        jo[0].body
    );
    let sam = emails_to(&app, "sam@example.org", "now: In progress", 1).await;
    assert!(
        sam[0].body.contains(&format!(
            "You reported a problem ({second}) that we are dealing with as case {first}"
        )),
        "{}",
        sam[0].body
    );
    assert!(
        sam[0].subject.ends_with(&format!("[{second}]")),
        "replies join their own case"
    );
    assert!(
        !sam[0].body.contains("Deep pothole"),
        "nothing of the other resident's report"
    );

    // Jo stops updates: the link asks first (a mail scanner opening it changes nothing).
    let stop = link_in(
        &jo[0].body[jo[0].body.find("To stop").unwrap()..],
        "http://127.0.0.1:8080/track/",
    );
    assert!(stop.contains("/stop?c="), "{stop}");
    let (s, html, _) = page(&app, &stop).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Stop emails about this case?"), "{html}");
    let (path, query) = stop.split_once('?').unwrap();
    let form: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    let r = app.http.post(app.url(path)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("We will not email you again about case")
    );
    let forged: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| {
            if k == "c" {
                (k.clone(), "999".to_string())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let r = app.http.post(app.url(path)).form(&forged).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a stop link stops one person");

    // Resolved: Sam hears, Jo asked not to; closing after resolving is not told twice.
    app.store
        .set_case_status(&a, heard_core::CaseStatus::Resolved, None)
        .await
        .unwrap();
    let sam = emails_to(&app, "sam@example.org", "now: Resolved", 1).await;
    assert!(sam[0].body.contains("If the problem has come back"), "{}", sam[0].body);
    app.store
        .set_case_status(&a, heard_core::CaseStatus::Closed, None)
        .await
        .unwrap();
    let body = &sam[0].body;
    let case_link = link_in(
        &body[body.find("See your case").unwrap()..],
        "http://127.0.0.1:8080/track/",
    );
    let (_, html, _) = page(&app, &case_link).await;
    assert!(
        html.contains(&format!(
            "dealing with both together as case {first}. That case is: Closed"
        )),
        "{html}"
    );
    tokio::time::sleep(std::time::Duration::from_secs(8)).await;
    let all = app.store.outbox(None, None).await.unwrap();
    let to = |who: &str| {
        all.iter()
            .filter(|m| m.to == who)
            .map(|m| m.subject.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(to("jo@example.org").len(), 2, "{:?}", to("jo@example.org"));
    assert_eq!(to("sam@example.org").len(), 3, "{:?}", to("sam@example.org"));
});

on_both!(
    a_resident_reads_everything_in_welsh_and_staff_see_to_reply_in_welsh,
    |app| {
        let app = TestApp {
            http: no_redirects(&app),
            ..app
        };
        let (reference, _) = report(&app, "jo@example.org", "Twll mawr yn y ffordd").await;
        emails_to(&app, "jo@example.org", "We have received your report", 1).await;

        // The report form in Welsh too.
        let r = app.http.get(app.url("/report/highways?lang=cy")).send().await.unwrap();
        let html = r.text().await.unwrap();
        assert!(
            html.contains("<html lang=\"cy\">") && html.contains("Beth ydych chi am ei ddweud wrthym?"),
            "{html}"
        );
        assert!(
            html.contains("name=\"lang\" value=\"cy\""),
            "the form keeps its language: {html}"
        );
        assert!(
            html.contains("<h1>Tyllau yn y ffordd</h1>"),
            "the service's Welsh name: {html}"
        );
        assert!(
            html.contains("Pa mor ddwfn yw e?") && html.contains("Llai na 4cm"),
            "the service's questions and answers in Welsh: {html}"
        );
        assert!(
            html.contains("Deeper than 4cm"),
            "an answer with no Welsh falls back to English: {html}"
        );

        // Switching language: the page in Welsh, the choice remembered.
        let r = app.http.get(app.url("/track?lang=cy")).send().await.unwrap();
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cookie.starts_with("heard_lang=cy;"), "{cookie}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"cy\">"), "{html}");
        assert!(html.contains("<h1>Dilyn eich achos</h1>"), "{html}");
        assert!(
            html.contains("hreflang=\"en\"") && html.contains(">English</a>"),
            "a way back: {html}"
        );
        assert!(html.contains("HRD-000123"), "the example reference: {html}");
        let r = app
            .http
            .get(app.url("/track"))
            .header("cookie", "heard_lang=cy")
            .send()
            .await
            .unwrap();
        assert!(
            r.text().await.unwrap().contains("<h1>Dilyn eich achos</h1>"),
            "remembered"
        );
        let r = app
            .http
            .get(app.url("/track"))
            .header("accept-language", "cy-GB,cy;q=0.9,en;q=0.5")
            .send()
            .await
            .unwrap();
        assert!(
            r.text().await.unwrap().contains("<h1>Dilyn eich achos</h1>"),
            "the browser's language"
        );

        // Errors, the code email and the code page in Welsh.
        let (s, html) = app
            .post("/track", &[("lang", "cy"), ("reference", "x"), ("contact", "")])
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            html.contains("Mae problem wedi codi") && html.contains("Rhowch gyfeirnod eich achos, fel HRD-000123"),
            "{html}"
        );
        let (s, html) = app
            .post(
                "/track",
                &[("lang", "cy"), ("reference", &reference), ("contact", "jo@example.org")],
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains(&format!("Os cafodd achos {reference} ei godi gyda jo@example.org")),
            "{html}"
        );
        let mail = emails_to(&app, "jo@example.org", "Eich cod i weld achos", 1).await;
        let code = mail[0]
            .body
            .split_whitespace()
            .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
            .unwrap()
            .to_string();
        let (s, link, _) = enter_code(
            &app,
            &[
                ("lang", "cy"),
                ("reference", &reference),
                ("contact", "jo@example.org"),
                ("code", &code),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let link = link.unwrap();

        // The case in Welsh: status, what next, dates.
        let (_, html, _) = page(&app, &format!("{link}&lang=cy")).await;
        assert!(
            html.contains("Beth sy'n digwydd nesaf") || html.contains("Beth sy&#39;n digwydd nesaf"),
            "{html}"
        );
        assert!(html.contains(">Wedi dod i law<"), "{html}");
        assert!(html.contains("Dywedwch fwy wrthym"), "{html}");
        assert!(!html.contains("What happens next"), "nothing left in English: {html}");

        // They chose Welsh: staff see it, and the next update is written in Welsh.
        let case: CaseReference = reference.parse().unwrap();
        let customer = app.store.case(&case).await.unwrap().customer.id;
        assert_eq!(
            app.store.customer(customer).await.unwrap().language.as_deref(),
            Some("cy")
        );
        let staff = app.sign_in_as("agent@test.heard", "Agent", Role::Agent, &[]).await;
        let (_, html) = staff.page(&format!("/cases/{reference}")).await;
        assert!(html.contains("Reads Welsh: reply in Welsh"), "{html}");
        app.store
            .set_case_status(&case, heard_core::CaseStatus::InProgress, None)
            .await
            .unwrap();
        let update = emails_to(&app, "jo@example.org", "Statws eich achos nawr: Ar y gweill", 1).await;
        assert!(update[0].body.starts_with("Helo Jo,"), "{}", update[0].body);
        assert!(
            update[0].body.contains("I atal negeseuon e-bost am yr achos hwn:"),
            "{}",
            update[0].body
        );
        assert!(
            update[0].body.contains("&lang=cy"),
            "the link opens in Welsh: {}",
            update[0].body
        );
    }
);

on_both!(
    a_resolved_case_asks_one_question_and_an_unhappy_answer_goes_to_the_manager,
    |app| {
        let app = TestApp {
            http: no_redirects(&app),
            ..app
        };
        let manager = app
            .store
            .upsert_user(&NewUser {
                email: "manager@test.heard".into(),
                name: "Morgan Manager".into(),
                role: Role::TeamManager,
                team: Some("streets".into()),
                services: vec![],
                password_hash: None,
            })
            .await
            .unwrap();
        let (reference, _) = report(&app, "jo@example.org", "Deep pothole outside number 12").await;
        let case: CaseReference = reference.parse().unwrap();
        app.store
            .set_case_status(&case, heard_core::CaseStatus::Resolved, None)
            .await
            .unwrap();
        let done = emails_to(&app, "jo@example.org", "now: Resolved", 1).await;
        assert!(
            done[0].body.contains("How did we do? Tell us in one question:"),
            "{}",
            done[0].body
        );
        let survey = link_in(
            &done[0].body[done[0].body.find("How did we do").unwrap()..],
            "http://127.0.0.1:8080/track/",
        );
        assert!(survey.contains("/survey?key="), "{survey}");

        let (s, html, _) = page(&app, &survey).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(
            html.contains(&format!(
                "How satisfied are you with how we dealt with case {reference}?"
            )),
            "{html}"
        );
        assert!(
            html.contains("Very dissatisfied") && html.contains("type=\"radio\""),
            "{html}"
        );
        let (path, query) = survey.split_once('?').unwrap();
        let key: String = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .unwrap()
            .into_iter()
            .find(|(k, _)| k == "key")
            .unwrap()
            .1;
        let answer = |score: &'static str, comment: &'static str| {
            let app = &app;
            let (path, key) = (path.to_string(), key.clone());
            async move {
                let r = app
                    .http
                    .post(app.url(&path))
                    .form(&[("key", key.as_str()), ("score", score), ("comment", comment)])
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.text().await.unwrap())
            }
        };
        let (s, html) = answer("", "no score").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            html.contains("Choose how satisfied you are") && html.contains("no score"),
            "{html}"
        );
        let (s, html) = answer("5", "Thank you, quick work").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("Thank you for your feedback") && html.contains("improve our services"),
            "{html}"
        );
        assert_eq!(
            app.store.case(&case).await.unwrap().status,
            heard_core::CaseStatus::Resolved,
            "a happy answer changes nothing"
        );

        // They think again: nobody came. The case reopens for the team's manager, with a
        // follow-up that keeps it in front of them.
        let (s, html) = answer("4", "Nobody has filled the hole, it is still there").await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("A manager will look at what you told us"), "{html}");
        let after = app.store.case(&case).await.unwrap();
        assert_eq!(after.status, heard_core::CaseStatus::Open);
        assert_eq!(after.owner.map(|o| o.id), Some(manager));
        assert!(after.next_action_at.is_some(), "the follow-up is the next action");
        let follow_ups = app.store.follow_ups(&case).await.unwrap();
        assert_eq!(follow_ups.len(), 1);
        assert!(follow_ups[0].note.contains("dissatisfied (4/5)") && follow_ups[0].note.contains("still there"));

        let staff = app.sign_in_as("agent@test.heard", "Agent", Role::Agent, &[]).await;
        let (_, html) = staff.page(&format!("/cases/{reference}")).await;
        assert!(
            html.contains("The resident rated how we dealt with this 4/5")
                && html.contains("reopened for the team manager"),
            "{html}"
        );

        // The report: one answer per resident (the latest), by service, channel and staff.
        let staff = app.sign_in_as("agent@test.heard", "Agent", Role::Agent, &[]).await;
        let (s, html) = staff.page("/satisfaction").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("<th scope=\"row\">Potholes and roads</th>"), "{html}");
        assert!(html.contains("<th scope=\"row\">web_form</th>"), "{html}");
        let r = staff
            .http
            .get(app.url("/satisfaction.csv?days=30"))
            .header("cookie", &staff.cookie)
            .send()
            .await
            .unwrap();
        let csv = r.text().await.unwrap();
        assert!(csv.contains("service,Potholes and roads,1,4.00,1.000,1.000"), "{csv}");
        assert!(
            csv.starts_with("by,group,answers,mean_score,satisfied_share,unhappy_share\n"),
            "{csv}"
        );
    }
);

/// The case opened by a text message from `from`.
async fn texted_in(app: &TestApp, from: &str, body: &str) -> String {
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(serde_json::json!({"channel": "sms", "from": from, "body": body})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case"]["reference"].as_str().unwrap().to_string()
}

mod by_text_message {
    use super::*;
    use common::spawn_with;

    async fn app(db: TestDb) -> TestApp {
        let settings = heard_web::WebSettings {
            sms: true,
            ..Default::default()
        };
        let app = spawn_with(db, settings).await;
        TestApp {
            http: no_redirects(&app),
            ..app
        }
    }

    async fn residents_with_only_a_phone_get_codes_and_updates_by_text(app: TestApp) {
        let reference = texted_in(&app, "07700 900123", "The street light on Mill Lane is out").await;
        let case: CaseReference = reference.parse().unwrap();
        let (_, html, _) = page(&app, "/track").await;
        assert!(html.contains("Email address or mobile phone number"), "{html}");

        let (s, html) = app
            .post("/track", &[("reference", &reference), ("contact", "07700 900123")])
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("to that number by text message"), "{html}");
        let texts = app.store.sms_outbox(Some(case.number())).await.unwrap();
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert_eq!(texts[0].to, "+447700900123");
        // "… case HRD-000001 is 123456. It works once …": the digits after "is".
        let code: String = texts[0].body.split(" is ").nth(1).unwrap().chars().take(6).collect();
        let (s, _, _) = enter_code(
            &app,
            &[
                ("reference", reference.as_str()),
                ("contact", "07700 900123"),
                ("code", &code),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);

        // An update by text message, with the links.
        app.store
            .set_case_status(&case, heard_core::CaseStatus::InProgress, None)
            .await
            .unwrap();
        let mut update = None;
        for _ in 0..150 {
            let texts = app.store.sms_outbox(Some(case.number())).await.unwrap();
            if let Some(t) = texts.iter().find(|t| t.body.contains("is now: In progress")) {
                update = Some(t.clone());
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let update = update.expect("an update by text message");
        assert_eq!(update.to, "+447700900123");
        assert!(update.body.starts_with("Our Council: Your case"), "{}", update.body);
        assert!(
            update.body.contains(&format!("/track/{reference}?key=")),
            "{}",
            update.body
        );
        assert!(
            update.body.contains("To stop messages about this case:"),
            "{}",
            update.body
        );
        assert!(
            app.store.outbox(Some(case.number()), None).await.unwrap().is_empty(),
            "no email to send to"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        residents_with_only_a_phone_get_codes_and_updates_by_text(app(TestDb::sqlite()).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(db) = TestDb::postgres().await {
            residents_with_only_a_phone_get_codes_and_updates_by_text(app(db).await).await;
        }
    }
}

on_both!(a_case_of_long_emails_stays_light_and_shows_the_newest, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (reference, link) = report(&app, "jo@example.org", "Pothole outside number 12").await;
    // 40 long emails on the case, numbered; the newest must show, the page stay small.
    for n in 1..=40 {
        let body = format!(
            "Message {n:02}. {} End of message {n:02}.",
            "The pothole is still there and getting deeper. ".repeat(55)
        );
        let (s, v) = app
            .api(
                reqwest::Method::POST,
                "/api/v1/contacts",
                Some(serde_json::json!({"channel": "email", "from": "jo@example.org",
                    "subject": format!("Re: pothole [{reference}]"), "body": body})),
            )
            .await;
        assert!(s.is_success(), "{v}");
    }
    let (s, html, _) = page(&app, &link).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Message 40."), "the newest message shows");
    assert!(!html.contains("Message 05."), "only the newest 30 updates");
    eprintln!("a case of 40 long emails: the resident's page is {} bytes", html.len());
    assert!(html.len() < 50_000, "the page is {} bytes", html.len());
    // A shortened message can be read whole, with the case's key only.
    assert!(
        !html.contains("End of message 11."),
        "message 11 is shortened on the page"
    );
    let more = html
        .split("<a href=\"")
        .map(|r| r.split('"').next().unwrap_or(""))
        .filter(|href| href.contains("/messages/"))
        .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
        .collect::<Vec<_>>();
    assert!(!more.is_empty(), "shortened messages have a link: {html}");
    let mut whole = None;
    for href in &more {
        let (_, body, _) = page(&app, href).await;
        if body.contains("End of message 11.") {
            whole = Some((href.clone(), body));
        }
    }
    let (href, body) = whole.expect("message 11 read whole");
    assert!(
        body.contains("Message 11.") && body.contains("You emailed us"),
        "{body}"
    );
    let (no_key, _) = href.split_once("?key=").unwrap();
    let (s, _, _) = page(&app, &format!("{no_key}?key=1.00")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
});
