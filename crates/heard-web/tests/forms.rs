//! The public "Report it" form end to end, as a browser without JavaScript uses it:
//! fetch the page (cookie + hidden token), post multipart, follow to the receipt. On
//! SQLite and PostgreSQL.

mod common;

use common::{PNG, Part, TestApp, multipart, no_redirects, open_form, send, spawn};
use heard_store::testing::TestDb;
use reqwest::StatusCode;

on_both!(the_form_takes_a_report_with_a_photo_and_gives_the_reference, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let r = app.http.get(app.url("/report")).send().await.unwrap();
    let index = r.text().await.unwrap();
    assert!(index.contains("href=\"/report/highways\""), "{index}");

    let (token, cookie, html) = open_form(&app, "highways").await;
    // Works without JavaScript: the only script is an optional, deferred enhancement.
    assert!(
        html.matches("<script").count() == 1 && html.contains("<script src=\"/static/report.js\" defer>"),
        "{html}"
    );
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(
        html.contains("<label for=\"f_depth\">How deep is it?</label>"),
        "configured fields: {html}"
    );
    assert!(html.contains("<option value=\"deep\">Deeper than 4cm</option>"));
    assert!(html.contains("<label for=\"f_width_cm\">About how wide, in cm? (optional)</label>"));

    let (s, location, body) = send(
        &app,
        "highways",
        Some(&cookie),
        &[
            Part::Text("csrf_token", &token),
            Part::Text("description", "Deep pothole by the bus stop, it has burst a tyre"),
            Part::Text("f_depth", "deep"),
            Part::Text("postcode", "le1 5fq"),
            Part::Text("location", "Outside 12 Wharf Road"),
            Part::Text("name", "Jo Bloggs"),
            Part::Text("email", "jo@example.org"),
            Part::File("photo", "../IMG 0042.JPG", PNG),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    assert!(location.starts_with("/report/receipt/"), "{location}");
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
        .split("<strong class=\"reference\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_string();
    assert!(reference.starts_with("HRD-"), "{receipt}");

    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{reference}"), None)
        .await;
    assert_eq!(case["service"], "highways");
    assert_eq!(case["kind"], "request");
    assert_eq!(case["customer"]["name"], "Jo Bloggs");
    let contact = &case["contacts"][0];
    assert_eq!(contact["channel"], "web_form");
    assert_eq!(contact["subject"], "Potholes and roads: LE1 5FQ");
    let photo = &contact["attachments"][0];
    assert_eq!(
        photo["content_type"], "image/png",
        "type from the bytes, not the browser"
    );
    assert_eq!(photo["filename"], "IMG 0042.png");
    assert_eq!(photo["size"], PNG.len());
    // The same report reaches Open311 clients, with its postcode.
    let (_, listed) = app.get_json(&format!("/open311/v2/requests/{reference}.json")).await;
    assert_eq!(listed[0]["zipcode"], "LE1 5FQ");
    assert_eq!(listed[0]["address"], "Outside 12 Wharf Road");

    // A double click sends the same form twice: one report, the same receipt.
    let (s, again, _) = send(
        &app,
        "highways",
        Some(&cookie),
        &[
            Part::Text("csrf_token", &token),
            Part::Text("description", "Deep pothole by the bus stop, it has burst a tyre"),
            Part::Text("f_depth", "deep"),
            Part::Text("postcode", "le1 5fq"),
            Part::Text("location", "Outside 12 Wharf Road"),
            Part::Text("name", "Jo Bloggs"),
            Part::Text("email", "jo@example.org"),
            Part::File("photo", "../IMG 0042.JPG", PNG),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(again, location);
    assert_eq!(app.case_count().await, 1);

    let r = app.http.get(app.url("/report/no-such-service")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
});

on_both!(mistakes_come_back_beside_their_fields_with_what_was_typed, |app| {
    let (token, cookie, _) = open_form(&app, "highways").await;
    let (s, _, html) = send(
        &app,
        "highways",
        Some(&cookie),
        &[
            Part::Text("csrf_token", &token),
            Part::Text("description", ""),
            Part::Text("f_width_cm", "wide <b>"),
            Part::Text("postcode", "NOT A CODE"),
            Part::Text("name", "Jo \"Quotes\" Bloggs & Co"),
            Part::Text("email", "jo@"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("<title>Error: Potholes and roads"), "{html}");
    assert!(html.contains("There is a problem"));
    for (id, text) in [
        ("description", "Tell us what you want to report or ask"),
        ("f_depth", "Answer: How deep is it?"),
        ("postcode", "Enter a real postcode"),
        ("email", "Enter an email address in the correct format"),
    ] {
        assert!(
            html.contains(&format!("<a href=\"#{id}\">")),
            "summary links to {id}: {html}"
        );
        let beside = html.split(&format!("id=\"{id}\"")).next().unwrap();
        let last_error = beside.rsplit("class=\"error-message\"").next().unwrap();
        assert!(last_error.contains(text), "{id}: {text} beside the field");
    }
    // What was typed is kept (escaped).
    assert!(html.contains("value=\"NOT A CODE\""));
    assert!(html.contains("value=\"Jo &#34;Quotes&#34; Bloggs &#38; Co\""), "{html}");
    assert!(html.contains("value=\"wide &#60;b&#62;\""), "{html}");
    assert!(html.contains("value=\"jo@\""));
    assert_eq!(app.case_count().await, 0, "nothing is stored");
});

on_both!(photos_are_checked_by_content_and_size, |app| {
    let (token, cookie, _) = open_form(&app, "street-lighting").await;
    let (s, _, html) = send(
        &app,
        "street-lighting",
        Some(&cookie),
        &[
            Part::Text("csrf_token", &token),
            Part::Text("description", "Light out"),
            Part::Text("phone", "07700 900123"),
            Part::File("photo", "lamp.jpg", b"%PDF-1.7 not really a photo"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("The photo must be a JPG, PNG, GIF, WebP or HEIC image"));
    assert!(html.contains("value=\"07700 900123\""));

    let mut big = PNG.to_vec();
    big.resize(11 << 20, 0);
    let (token, cookie, _) = open_form(&app, "street-lighting").await;
    let (s, _, html) = send(
        &app,
        "street-lighting",
        Some(&cookie),
        &[
            Part::Text("csrf_token", &token),
            Part::Text("description", "Light out"),
            Part::Text("phone", "07700 900123"),
            Part::File("photo", "lamp.png", &big),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(html.contains("The photo must be smaller than 10 MB"));
    assert!(html.contains("Light out"), "what was typed is kept");
    assert_eq!(app.case_count().await, 0);
    let stored = std::fs::read_dir(&app.files).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "no file kept from a refused form");
});

on_both!(forged_posts_are_refused, |app| {
    let (token, cookie, _) = open_form(&app, "street-lighting").await;
    fn parts(t: &str) -> Vec<Part<'_>> {
        vec![
            Part::Text("csrf_token", t),
            Part::Text("description", "Light out"),
            Part::Text("email", "jo@example.org"),
        ]
    }
    // No cookie (another site's page cannot send a SameSite=Strict one).
    let (s, _, _) = send(&app, "street-lighting", None, &parts(&token)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A cookie that does not match the token.
    let (s, _, _) = send(
        &app,
        "street-lighting",
        Some(&cookie),
        &parts("0123456789abcdef0123456789abcdef"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A cross-site Origin, even with a matching pair.
    let (ct, body) = multipart(&parts(&token));
    let r = app
        .http
        .post(app.url("/report/street-lighting"))
        .header("content-type", ct)
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = r.text().await.unwrap();
    assert!(html.contains("This form has expired"), "{html}");
    assert_eq!(app.case_count().await, 0);
});
