//! Signals an agent acts on, end to end: a message that reads as dissatisfied prompts the
//! agent to offer a complaint, with the words that gave it away; social posts are marked as
//! needing action or not, and the queue splits them so the chatter can be closed together.
//! On SQLite and PostgreSQL.

mod common;

use common::{TestApp, no_redirects, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::StatusCode;

async fn contact(app: &TestApp, channel: &str, from: &str, body: &str) -> String {
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(serde_json::json!({"channel": channel, "from": from, "body": body, "service": "highways"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case"]["reference"].as_str().unwrap().to_string()
}

on_both!(agents_see_dissatisfaction_and_what_needs_action, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let thanks = contact(
        &app,
        "facebook",
        "@happy",
        "Thanks so much to the team who fixed the street light on our road, great job!",
    )
    .await;
    let pothole = contact(
        &app,
        "facebook",
        "@spotter",
        "Huge pothole on Mill Lane by the school gates, someone is going to come off their bike",
    )
    .await;
    let chasing = contact(
        &app,
        "web_form",
        "fed.up@example.com",
        "This is the third time I have reported the broken pavement outside my house and nobody has got back to me. Still waiting.",
    )
    .await;

    let agent = app.sign_in_as("signals@test.heard", "Sig Nals", Role::Agent, &[]).await;

    // The chasing message: the prompt to offer a complaint, with its cues.
    let (s, html) = agent.page(&format!("/cases/{chasing}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("data-complaint-prompt"), "{html}");
    assert!(html.contains("The latest message reads as dissatisfied"), "{html}");
    assert!(html.contains("Still waiting") || html.contains("third time"), "{html}");
    // Signals are not listed among the values read.
    assert!(!html.contains("<dt>dissatisfied</dt>"), "{html}");

    // A plain report prompts nothing.
    let (_, html) = agent.page(&format!("/cases/{pothole}")).await;
    assert!(!html.contains("data-complaint-prompt"), "{html}");
    assert!(html.contains("Needs action"), "{html}");
    let (_, html) = agent.page(&format!("/cases/{thanks}")).await;
    assert!(html.contains("No action needed"), "{html}");

    // The social queue, split: what needs action, and the rest to close together.
    let rows = |html: &str, r: &str| html.contains(&format!("href=\"/cases/{r}\">{r}</a></td>"));
    let (_, needed) = agent.page("/cases?view=open&channel=facebook&action=needed").await;
    assert!(rows(&needed, &pothole), "{needed}");
    assert!(!rows(&needed, &thanks), "{needed}");
    let (_, none) = agent.page("/cases?view=open&channel=facebook&action=none").await;
    assert!(rows(&none, &thanks), "{none}");
    assert!(!rows(&none, &pothole), "{none}");
});

on_both!(agents_confirm_correct_and_turn_down_values_read, |app| {
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let reference = contact(
        &app,
        "web_form",
        "values@example.com",
        "The drain outside 14 Elm Road, GL51 9QQ is blocked. My council tax account is 12345678, call 01242 123456.",
    )
    .await;
    let agent = app.sign_in_as("values@test.heard", "Val Ues", Role::Agent, &[]).await;
    let (_, html) = agent.page(&format!("/cases/{reference}")).await;
    assert!(html.contains("GL51 9QQ"), "{html}");
    assert!(html.contains("+441242123456"), "{html}");

    // Confirm the postcode, correct the phone, turn down nothing yet.
    let (s, _, _) = agent
        .post(
            &format!("/cases/{reference}/values"),
            &[("kind", "postcode"), ("value", "GL51 9QQ"), ("action", "accept")],
        )
        .await;
    assert!(s.is_redirection(), "{s}");
    let (s, _, _) = agent
        .post(
            &format!("/cases/{reference}/values"),
            &[
                ("kind", "phone"),
                ("value", "+441242123456"),
                ("action", "correct"),
                ("corrected", "+441242123457"),
            ],
        )
        .await;
    assert!(s.is_redirection(), "{s}");
    // An empty correction is refused by its field, and loses nothing.
    let (s, _, html) = agent
        .post(
            &format!("/cases/{reference}/values"),
            &[
                ("kind", "postcode"),
                ("value", "GL51 9QQ"),
                ("action", "correct"),
                ("corrected", " "),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("write the value as it should be"), "{html}");

    // The API's case carries the confirmed values as structured fields.
    let (s, v) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{reference}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let values = v["values"].as_array().unwrap();
    assert!(
        values.contains(&serde_json::json!({"kind": "postcode", "value": "GL51 9QQ"})),
        "{v}"
    );
    assert!(
        values.contains(&serde_json::json!({"kind": "phone", "value": "+441242123457"})),
        "{v}"
    );
    assert!(
        !values.iter().any(|x| x["kind"] == "council_tax_ref"),
        "not confirmed yet: {v}"
    );

    let (_, html) = agent.page(&format!("/cases/{reference}")).await;
    assert!(html.contains("Confirmed"), "{html}");
    assert!(
        html.contains("phone corrected from +441242123456 to +441242123457"),
        "{html}"
    );
});
