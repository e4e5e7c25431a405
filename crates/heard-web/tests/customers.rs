//! Customers who may be one person: suggested with reasons on the customer and case pages
//! (twins at one address are not), merged by an agent with a reason, audited, and undone
//! exactly; forged, stale and read-only forms refused. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, audited, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn customer(app: &TestApp, name: &str, identities: Value, line1: &str, postcode: &str) -> i64 {
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/customers",
            Some(json!({"kind": "person", "name": name, "identities": identities,
                "addresses": [{"line1": line1, "town": "Cheltenham", "postcode": postcode}]})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn case_from(app: &TestApp, from: &str, body: &str) -> String {
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(json!({"channel": "email", "from": from, "subject": "Help", "body": body})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["case"]["reference"].as_str().unwrap().to_string()
}

/// The "Possibly the same person" panel of a page, or "" when there is none.
fn panel(html: &str) -> &str {
    let Some(start) = html.find("Possibly the same person</h2>") else {
        return "";
    };
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

on_both!(one_person_twice_is_suggested_merged_and_unmerged, |app| {
    let ann = customer(
        &app,
        "Ann Smith",
        json!([{"kind": "email", "value": "ann@example.org"}]),
        "12 Mill Lane",
        "GL50 1AA",
    )
    .await;
    let again = customer(
        &app,
        "Ann Smith",
        json!([{"kind": "phone", "value": "07700 900123"}, {"kind": "email", "value": "a.smith@work.example"}]),
        "12 Mill Lane",
        "GL50 1AA",
    )
    .await;
    // A neighbour of another name, to show the list is not "everyone at the postcode".
    customer(
        &app,
        "Raj Patel",
        json!([{"kind": "email", "value": "raj@example.org"}]),
        "14 Mill Lane",
        "GL50 1AA",
    )
    .await;
    let home_case = case_from(&app, "ann@example.org", "My bin was not collected").await;
    let work_case = case_from(&app, "a.smith@work.example", "Council tax question").await;

    let agent = app.sign_in_as("merge@test.heard", "Meg Merge", Role::Agent, &[]).await;
    let (s, html) = agent.page(&format!("/customers/{ann}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let list = panel(&html);
    assert!(list.contains(&format!("href=\"/customers/{again}\"")), "{list}");
    assert!(list.contains("same address"), "{list}");
    assert!(list.contains("same surname"), "{list}");
    assert!(list.contains("the same person"), "{list}");
    assert!(!list.contains("Raj Patel"), "{list}");
    assert!(list.contains(&format!("/customers/{ann}/merge?from={again}")), "{list}");
    // The case page's customer panel says the same.
    let (_, case_html) = agent.page(&format!("/cases/{home_case}")).await;
    assert!(panel(&case_html).contains(&format!("/customers/{ann}/merge?from={again}")));
    assert!(
        audited(&app, &format!("customer={again}&action=customer.read"), |_| true).await,
        "showing a suggestion is a read of that customer"
    );

    // An auditor sees the suggestion but no button, and may not merge.
    let auditor = app.sign_in_as("audit@test.heard", "Aud Itor", Role::Auditor, &[]).await;
    let (_, html) = auditor.page(&format!("/customers/{ann}")).await;
    assert!(panel(&html).contains("Ann Smith") && !panel(&html).contains("Merge into"));
    let from = again.to_string();
    let (s, _, _) = auditor
        .post(&format!("/customers/{ann}/merge"), &[("from", &from), ("reason", "x")])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The confirmation page says what moves; a reason is required.
    let (s, html) = agent.page(&format!("/customers/{ann}/merge?from={again}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("a.smith@work.example") && html.contains("1 case"),
        "{html}"
    );
    let (s, _, html) = agent
        .post(&format!("/customers/{ann}/merge"), &[("from", &from), ("reason", " ")])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("There is a problem"), "{html}");

    // A forged form (no session token) is refused and nothing moves.
    let r = reqwest::Client::new()
        .post(app.url(&format!("/customers/{ann}/merge")))
        .header("cookie", &agent.cookie)
        .form(&[("csrf_token", "forged"), ("from", &from), ("reason", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let (s, location, _) = agent
        .post(
            &format!("/customers/{ann}/merge"),
            &[("from", &from), ("reason", "She confirmed both on the phone")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with(&format!("/customers/{ann}?done=merged&merge=")),
        "{location}"
    );
    let (_, html) = agent.page(&location).await;
    assert!(
        html.contains("Undo merge") && html.contains("a.smith@work.example"),
        "{html}"
    );
    let (_, kept) = app
        .api(reqwest::Method::GET, &format!("/api/v1/customers/{ann}"), None)
        .await;
    assert_eq!(kept["identities"].as_array().unwrap().len(), 3, "{kept}");
    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{work_case}"), None)
        .await;
    assert_eq!(case["customer"]["id"].as_i64(), Some(ann), "{case}");
    assert!(audited(&app, &format!("customer={again}&action=customer.merge"), |_| true).await);

    // A second, stale merge of the same customer is refused.
    let (s, _, _) = agent
        .post(
            &format!("/customers/{ann}/merge"),
            &[("from", &from), ("reason", "again")],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Undo: exactly what moved goes back.
    let merge = location.rsplit('=').next().unwrap().to_string();
    let (s, location, _) = agent.post(&format!("/customer-merges/{merge}/undo"), &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/customers/{again}?done=unmerged"));
    let (_, kept) = app
        .api(reqwest::Method::GET, &format!("/api/v1/customers/{ann}"), None)
        .await;
    assert_eq!(kept["identities"].as_array().unwrap().len(), 1, "{kept}");
    let (_, back) = app
        .api(reqwest::Method::GET, &format!("/api/v1/customers/{again}"), None)
        .await;
    assert_eq!(back["identities"].as_array().unwrap().len(), 2, "{back}");
    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{work_case}"), None)
        .await;
    assert_eq!(case["customer"]["id"].as_i64(), Some(again), "{case}");
    assert!(audited(&app, &format!("customer={ann}&action=customer.merge_undo"), |_| true).await);
    let (s, _, _) = agent.post(&format!("/customer-merges/{merge}/undo"), &[]).await;
    assert_eq!(s, StatusCode::CONFLICT, "undone once only");
});

on_both!(twins_at_one_address_are_not_one_person, |app| {
    let kate = customer(
        &app,
        "Kate Jones",
        json!([{"kind": "email", "value": "kate.jones@example.org"}]),
        "4 Park Road",
        "GL51 2BB",
    )
    .await;
    let lucy = customer(
        &app,
        "Lucy Jones",
        json!([{"kind": "email", "value": "lucy.jones@example.org"}]),
        "4 Park Road",
        "GL51 2BB",
    )
    .await;
    let agent = app.sign_in_as("twins@test.heard", "Tam Twins", Role::Agent, &[]).await;
    for (me, other) in [(kate, lucy), (lucy, kate)] {
        let (s, html) = agent.page(&format!("/customers/{me}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            !panel(&html).contains(&format!("/customers/{other}\"")),
            "{}",
            panel(&html)
        );
    }
});
