//! Registrar certificate orders (issue 6): an order is filled in from what the resident
//! wrote (nothing typed twice), priced from the council's prices, refused while impossible,
//! posted only once paid (by link through GOV.UK Pay, or recorded as paid another way), and
//! posting resolves the case. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, no_redirects, spawn_with, user_id};
use heard_core::certificate::Prices;
use heard_core::{CaseReference, CaseStatus, Role};
use heard_store::payments::NewCasePayment;
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::json;

async fn an_order_from_a_message_to_the_post(db: TestDb) {
    let settings = heard_web::WebSettings {
        certificate_prices: Prices {
            birth_pence: 1100,
            ..Prices::default()
        },
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
            Some(json!({"channel": "email", "from": "parent@example.com", "kind": "certificate",
                "subject": "Birth certificate copies",
                "body": "Please could I order 2 copies of the birth certificate for Oliver James Walker, born on 12th May 2019.",
                "service": "customer-services"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = v["case"]["reference"].as_str().expect("reference").to_string();
    let officer = app
        .sign_in_as("registrar@test.heard", "Rae Registrar", Role::Agent, &[])
        .await;
    let page = format!("/cases/{r}/certificate");
    let (s, html) = officer.page(&format!("/cases/{r}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-certificate-link"), "{html}");

    // Filled in from the message.
    let (_, html) = officer.page(&page).await;
    assert!(html.contains("value=\"Oliver James Walker\""), "{html}");
    assert!(html.contains("value=\"2019-05-12\""), "{html}");
    assert!(html.contains("value=\"birth\" checked"), "{html}");
    assert!(html.contains("Birth certificate (£11.00 a copy)"), "{html}");

    let order = |place: &'static str, copies: &'static str| {
        vec![
            ("step", "save"),
            ("certificate", "birth"),
            ("names", "Oliver James Walker"),
            ("event_on", "2019-05-12"),
            ("event_place", place),
            ("copies", copies),
            ("delivery_address", "12 Elm Road, Cheltenham GL50 1AA"),
        ]
    };
    let (s, _, html) = officer.post(&page, &order("", "11")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Event place: say where the event was registered"),
        "{html}"
    );
    assert!(html.contains("Copies: order between 1 and 10 copies"), "{html}");
    let (s, _, html) = officer.post(&page, &order("Cheltenham", "2")).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = officer.page(&page).await;
    assert!(html.contains("data-fee>£22.00"), "{html}");
    assert!(html.contains("Not paid yet"), "{html}");
    assert!(html.contains("pay_amount=22.00"), "{html}");
    // The link to the case page's payment form carries the fee (the form itself is shown
    // with `[pay]`: tests/payments.rs).
    let (s, _) = officer
        .page(&format!("/cases/{r}?pay_amount=22.00&pay_for=Birth+certificate"))
        .await;
    assert_eq!(s, StatusCode::OK);

    // Not posted before it is paid.
    let (s, _, html) = officer.post(&page, &[("step", "dispatch")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("the fee is not paid yet"), "{html}");

    // Paid by link: a successful payment for the fee.
    let reference: CaseReference = r.parse().expect("reference");
    let id = app
        .store
        .record_payment(
            &NewCasePayment {
                case_id: reference.number(),
                amount_pence: 2200,
                description: "Birth certificate (2 copies)".into(),
                reference: r.clone(),
                pay_id: "pay-cert-1".into(),
                next_url: "https://pay.example/next".into(),
                status: "created".into(),
                sent_by: "email".into(),
                sent_to: "parent@example.com".into(),
                language: "en".into(),
                return_token_hash: "0".repeat(64),
                created_by: user_id(&app, "registrar@test.heard").await,
            },
            None,
        )
        .await
        .expect("payment");
    app.store
        .set_payment_status(id, "success", "webhook", None)
        .await
        .expect("paid");
    let (_, html) = officer.page(&page).await;
    assert!(html.contains("Paid by link (£22.00)"), "{html}");
    let (s, _, html) = officer.post(&page, &[("step", "dispatch")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = officer.page(&page).await;
    assert!(html.contains("data-posted>"), "{html}");
    assert_eq!(
        app.store.case(&reference).await.expect("case").status,
        CaseStatus::Resolved
    );
    // A posted order does not change.
    let (s, _, html) = officer.post(&page, &order("Gloucester", "1")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("the certificates were posted"), "{html}");
}

async fn paid_another_way_is_recorded(db: TestDb) {
    let app = spawn_with(db, heard_web::WebSettings::default()).await;
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(
                json!({"channel": "phone", "from": "07700 900123", "kind": "certificate",
                "body": "Death certificate for my late father", "service": "customer-services"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = v["case"]["reference"].as_str().expect("reference").to_string();
    let officer = app.sign_in_as("desk@test.heard", "Dee Desk", Role::Agent, &[]).await;
    let page = format!("/cases/{r}/certificate");
    let (s, _, html) = officer
        .post(
            &page,
            &[
                ("step", "save"),
                ("certificate", "death"),
                ("names", "Arthur Brown"),
                ("event_on", "2026-01-02"),
                ("event_place", "Gloucester"),
                ("copies", "1"),
                ("delivery_address", "3 Oak Way, Gloucester GL1 2AB"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = officer.page(&page).await;
    assert!(html.contains("data-fee>£12.50"), "the default price: {html}");
    let (s, _, html) = officer
        .post(
            &page,
            &[
                ("step", "dispatch"),
                ("paid_otherwise", "Card at the register office desk"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = officer.page(&page).await;
    assert!(
        html.contains("Paid another way: Card at the register office desk"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_sqlite() {
    an_order_from_a_message_to_the_post(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_postgres() {
    if let Some(db) = TestDb::postgres().await {
        an_order_from_a_message_to_the_post(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_otherwise_sqlite() {
    paid_another_way_is_recorded(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_otherwise_postgres() {
    if let Some(db) = TestDb::postgres().await {
        paid_another_way_is_recorded(db).await;
    }
}
