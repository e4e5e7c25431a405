//! API tokens scoped to what a system needs: read only, some services, an expiry, and
//! revocable at once — on the API and on Open311 alike. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use heard_store::users::{NewUser, TokenScope};
use reqwest::StatusCode;
use serde_json::json;

async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> StatusCode {
    let mut r = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap().status()
}

on_both!(tokens_do_only_what_they_are_scoped_to, |app| {
    let user = app
        .store
        .upsert_user(&NewUser {
            email: "system@test.heard".into(),
            name: "Integration".into(),
            role: Role::Agent,
            team: None,
            services: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let full = app.store.create_token(user, "full").await.unwrap();
    let read_only = app
        .store
        .create_scoped_token(
            user,
            "dashboard",
            &TokenScope {
                read_only: true,
                services: vec![],
            },
            None,
        )
        .await
        .unwrap();
    let lighting = app
        .store
        .create_scoped_token(
            user,
            "lighting contractor",
            &TokenScope {
                read_only: false,
                services: vec!["street-lighting".into()],
            },
            None,
        )
        .await
        .unwrap();
    let expired = app
        .store
        .create_scoped_token(
            user,
            "old",
            &TokenScope::default(),
            Some(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1)),
        )
        .await
        .unwrap();

    let post = |service: &str, from: &str| {
        Some(json!({"channel": "web_form", "from": from, "body": "A light is out on Mill Lane", "service": service}))
    };
    // A full token writes; a read-only one reads but may not write.
    assert_eq!(
        call(
            &app,
            &full,
            reqwest::Method::POST,
            "/api/v1/contacts",
            post("highways", "a@example.com")
        )
        .await,
        StatusCode::CREATED
    );
    assert_eq!(
        call(
            &app,
            &full,
            reqwest::Method::POST,
            "/api/v1/contacts",
            post("street-lighting", "b@example.com")
        )
        .await,
        StatusCode::CREATED
    );
    assert_eq!(
        call(&app, &read_only, reqwest::Method::GET, "/api/v1/cases", None).await,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &app,
            &read_only,
            reqwest::Method::POST,
            "/api/v1/contacts",
            post("highways", "c@example.com")
        )
        .await,
        StatusCode::FORBIDDEN
    );

    // A service-scoped token sees only its service's cases.
    let r = app
        .http
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&lighting)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cases: serde_json::Value = r.json().await.unwrap();
    let services: Vec<&str> = cases["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, vec!["street-lighting"], "{cases}");
    let highways = app
        .http
        .get(app.url("/api/v1/cases"))
        .bearer_auth(&full)
        .send()
        .await
        .unwrap();
    let all: serde_json::Value = highways.json().await.unwrap();
    let other = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["service"] == "highways")
        .unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_string();
    let status = call(
        &app,
        &lighting,
        reqwest::Method::GET,
        &format!("/api/v1/cases/{other}"),
        None,
    )
    .await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
        "{status}"
    );

    // Open311 honours the same limits: the read-only key may not post a request.
    let r = app
        .http
        .post(app.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", read_only.as_str()),
            ("service_code", "street-lighting"),
            ("lat", "51.9"),
            ("long", "-2.07"),
            ("description", "Light out"),
            ("email", "d@example.com"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Expired and revoked tokens open nothing.
    assert_eq!(
        call(&app, &expired, reqwest::Method::GET, "/api/v1/cases", None).await,
        StatusCode::UNAUTHORIZED
    );
    let id = app
        .store
        .tokens()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.label == "dashboard")
        .unwrap()
        .id;
    assert!(app.store.revoke_token(id).await.unwrap());
    assert!(!app.store.revoke_token(id).await.unwrap(), "revoked once");
    assert_eq!(
        call(&app, &read_only, reqwest::Method::GET, "/api/v1/cases", None).await,
        StatusCode::UNAUTHORIZED
    );
});
