//! Phone and in person: the "log a call" page as a signed-in agent uses it (plain form
//! posts), and the CTI webhook a phone system calls as a call rings. On SQLite and
//! PostgreSQL.

mod common;

use common::{TestApp, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A signed-in agent: (client, session cookie, CSRF token).
async fn sign_in(app: &TestApp) -> (reqwest::Client, String, String) {
    let s = app
        .sign_in_as("phones@test.heard", "Pat Phones", Role::Agent, &[])
        .await;
    (s.http, s.cookie, s.csrf)
}

async fn page(http: &reqwest::Client, app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = http.get(app.url(path)).header("cookie", cookie).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn post(
    http: &reqwest::Client,
    app: &TestApp,
    cookie: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let r = http
        .post(app.url("/calls/new"))
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

on_both!(a_call_is_logged_for_a_new_caller_then_found_again, |app| {
    let (http, cookie, csrf) = sign_in(&app).await;
    let (s, html) = page(&http, &app, &cookie, "/calls/new").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<h1>Log a call</h1>") && html.contains("src=\"/static/calls.js\""));
    let r = http.get(app.url("/calls/new")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "signed-out agents go to sign in");

    let notes = "Pothole outside the school. Paid by card 4111 1111 1111 1111 last time.";
    let (s, location, body) = post(
        &http,
        &app,
        &cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Sam Caller"),
            ("phone", "07700 900123"),
            ("service", "highways"),
            ("subject", "Pothole by the school"),
            ("notes", notes),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let reference = location.strip_prefix("/cases/").unwrap().to_string();
    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{reference}"), None)
        .await;
    assert_eq!(case["service"], "highways");
    assert_eq!(case["customer"]["name"], "Sam Caller");
    let contact = &case["contacts"][0];
    assert_eq!(contact["channel"], "phone");
    assert_eq!(contact["sender"], "+447700900123");
    assert!(!contact["body"].as_str().unwrap().contains("4111 1111"), "{contact}");
    let customer_id = case["customer"]["id"].as_i64().unwrap();

    // Found again by number (any format), by name, and live.
    let (_, html) = page(&http, &app, &cookie, "/calls/new?q=%2B44+7700+900123").await;
    assert!(
        html.contains(&format!("href=\"/calls/new?customer={customer_id}\">Sam Caller</a>")),
        "{html}"
    );
    let (_, html) = page(&http, &app, &cookie, "/calls/new?q=sam").await;
    assert!(html.contains("Sam Caller"));
    let r = http
        .get(app.url("/calls/lookup?q=07700900123"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let found: Value = r.json().await.unwrap();
    assert_eq!(found[0]["name"], "Sam Caller");
    assert_eq!(found[0]["detail"], "+447700900123");

    // A second call from the chosen customer joins their open case in the service.
    let (_, html) = page(&http, &app, &cookie, &format!("/calls/new?customer={customer_id}")).await;
    assert!(html.contains(&format!("name=\"customer_id\" value=\"{customer_id}\"")));
    let (s, again, _) = post(
        &http,
        &app,
        &cookie,
        &[
            ("csrf_token", &csrf),
            ("customer_id", &customer_id.to_string()),
            ("service", "highways"),
            ("notes", "Calling back: it is getting worse"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(again, location);
    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{reference}"), None)
        .await;
    assert_eq!(case["contacts"].as_array().unwrap().len(), 2);
});

on_both!(a_call_with_mistakes_comes_back_and_forgeries_are_refused, |app| {
    let (http, cookie, csrf) = sign_in(&app).await;
    let (s, _, html) = post(
        &http,
        &app,
        &cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Sam <Caller>"),
            ("phone", "12"),
            ("notes", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("There is a problem"));
    assert!(html.contains("Enter a phone number"), "{html}");
    assert!(html.contains("Write what the call was about"));
    assert!(
        html.contains("value=\"Sam &#60;Caller&#62;\""),
        "typed values kept, escaped: {html}"
    );
    let (s, _, _) = post(
        &http,
        &app,
        &cookie,
        &[("csrf_token", "forged"), ("phone", "07700 900123"), ("notes", "x")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(app.case_count().await, 0);
});

on_both!(the_cti_webhook_finds_the_caller_for_the_agent, |app| {
    let cti = |caller: &str| {
        app.http
            .post(app.url("/api/v1/cti/calls"))
            .bearer_auth(&app.key)
            .json(&json!({"caller": caller}))
            .send()
    };
    let r = cti("07700 900123").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let unknown: Value = r.json().await.unwrap();
    assert_eq!(unknown["caller"], "+447700900123");
    assert_eq!(unknown["customer"], Value::Null);
    let url = unknown["open_url"].as_str().unwrap().to_string();
    assert_eq!(url, "/calls/new?phone=%2B447700900123");
    let (http, cookie, csrf) = sign_in(&app).await;
    let (_, html) = page(&http, &app, &cookie, &url).await;
    assert!(
        html.contains("value=\"+447700900123\""),
        "the new caller's number is filled in"
    );

    post(
        &http,
        &app,
        &cookie,
        &[
            ("csrf_token", &csrf),
            ("name", "Sam Caller"),
            ("phone", "+447700900123"),
            ("notes", "First call"),
        ],
    )
    .await;
    let known: Value = cti("+44 7700 900123").await.unwrap().json().await.unwrap();
    assert_eq!(known["customer"]["name"], "Sam Caller");
    let id = known["customer"]["id"].as_i64().unwrap();
    assert_eq!(known["open_url"], format!("/calls/new?customer={id}"));
    let (_, html) = page(&http, &app, &cookie, known["open_url"].as_str().unwrap()).await;
    assert!(
        html.contains("<dd>Sam Caller</dd>"),
        "the customer is open for the agent"
    );

    let withheld: Value = cti("Anonymous").await.unwrap().json().await.unwrap();
    assert_eq!(withheld["caller"], Value::Null);
    assert_eq!(withheld["open_url"], "/calls/new");
    let r = cti("banana").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "caller");
    let r = app
        .http
        .post(app.url("/api/v1/cti/calls"))
        .json(&json!({"caller": "07700 900123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
});
