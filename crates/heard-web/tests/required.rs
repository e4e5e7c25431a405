//! Required fields: a council can say which values a case must have confirmed before it
//! closes (a council tax complaint needs the account reference); closing lists what is
//! missing, and confirming the value lets it close. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, hidden, no_redirects, spawn_with};
use heard_core::Role;
use heard_core::job::RequiredFields;
use heard_store::testing::TestDb;
use reqwest::StatusCode;

async fn a_case_closes_only_once_its_required_values_are_confirmed(db: TestDb) {
    let settings = heard_web::WebSettings {
        required_fields: vec![RequiredFields {
            service: Some("revenues-and-benefits".into()),
            kind: None,
            fields: vec!["council_tax_ref".into(), "postcode".into()],
        }],
        ..Default::default()
    };
    let app = spawn_with(db, settings).await;
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(serde_json::json!({"channel": "web_form", "from": "payer@example.com",
                "body": "Please check my council tax account 12345678, I live at GL50 1AA",
                "service": "revenues-and-benefits"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = v["case"]["reference"].as_str().unwrap().to_string();
    let contact = v["contact"]["id"]
        .as_i64()
        .or(v["id"].as_i64())
        .expect("the contact id")
        .to_string();
    let agent = app
        .sign_in_as("closer@test.heard", "Cleo Closer", Role::Agent, &[])
        .await;
    agent
        .post(&format!("/cases/{r}/contacts/{contact}/no-reply"), &[("on", "true")])
        .await;

    // Read but not confirmed: closing lists both fields.
    let (_, html) = agent.page(&format!("/cases/{r}")).await;
    let (s, _, html) = agent
        .post(&format!("/cases/{r}/close"), &[("version", &hidden(&html, "version"))])
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{html}");
    assert!(
        html.contains("the council tax ref is required before closing"),
        "{html}"
    );
    assert!(html.contains("the postcode is required before closing"), "{html}");

    for (kind, value) in [("council_tax_ref", "12345678"), ("postcode", "GL50 1AA")] {
        let (s, _, body) = agent
            .post(
                &format!("/cases/{r}/values"),
                &[("kind", kind), ("value", value), ("action", "accept")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{kind}: {body}");
    }
    let (_, html) = agent.page(&format!("/cases/{r}")).await;
    let (s, location, html) = agent
        .post(&format!("/cases/{r}/close"), &[("version", &hidden(&html, "version"))])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    assert!(location.contains("done=closed"), "{location}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    a_case_closes_only_once_its_required_values_are_confirmed(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if let Some(db) = TestDb::postgres().await {
        a_case_closes_only_once_its_required_values_are_confirmed(db).await;
    }
}
