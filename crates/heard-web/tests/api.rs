//! The REST API end to end: the app on a random port over a fresh database, driven over
//! HTTP as a client would. The main flows run on both SQLite and PostgreSQL.

use heard_core::Role;
use heard_store::seed::{ServiceSpec, TeamSpec};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_web::{AppState, WebSettings, files::FileStore};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct TestApp {
    base: String,
    http: reqwest::Client,
    agent: String,
    auditor: String,
    back_office: String,
    files: std::path::PathBuf,
    _db: TestDb,
    _dir: tempfile::TempDir,
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn post(&self, token: &str, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

async fn spawn(db: TestDb) -> TestApp {
    let store = db.store().await;
    store
        .upsert_catalogue(
            &[TeamSpec {
                slug: "cc".into(),
                name: "Contact Centre".into(),
            }],
            &[
                svc("customer-services", &[]),
                svc("highways", &["pothole", "pavement"]),
                svc("revenues-and-benefits", &["council tax"]),
            ],
            &[],
        )
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for (email, role, services) in [
        ("agent@test.heard", Role::Agent, vec![]),
        ("auditor@test.heard", Role::Auditor, vec![]),
        (
            "bo@test.heard",
            Role::BackOffice,
            vec!["revenues-and-benefits".to_string()],
        ),
    ] {
        let id = store
            .upsert_user(&NewUser {
                email: email.into(),
                name: email.into(),
                role,
                team: None,
                services,
                password_hash: Some(heard_web::hash_password("correct horse battery").unwrap()),
            })
            .await
            .unwrap();
        tokens.push(store.create_token(id, "test").await.unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let settings = WebSettings {
        max_request_bytes: 256 << 10,
        ..Default::default()
    };
    let state = AppState::new(store, settings, FileStore::local(&files)).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(heard_web::serve(listener, state, std::future::pending()));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let [agent, auditor, back_office] = <[String; 3]>::try_from(tokens).unwrap();
    TestApp {
        base,
        http,
        agent,
        auditor,
        back_office,
        files,
        _db: db,
        _dir: dir,
    }
}

fn svc(slug: &str, keywords: &[&str]) -> ServiceSpec {
    ServiceSpec {
        slug: slug.into(),
        name: slug.into(),
        keywords: keywords.iter().map(|s| s.to_string()).collect(),
        team: Some("cc".into()),
    }
}

macro_rules! on_both {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = spawn(TestDb::sqlite()).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = TestDb::postgres().await else {
                    return;
                };
                let $app = spawn(db).await;
                $body
            }
        }
    };
}

on_both!(contact_intake_is_idempotent_and_names_the_case, |app| {
    let body =
        json!({"channel": "facebook", "from": "@spotter", "body": "Pothole on Wharf Road", "external_id": "m_1"});
    let (s1, first) = app.post(&app.agent, "/api/v1/contacts", &body).await;
    assert_eq!(s1, StatusCode::CREATED, "{first}");
    assert_eq!(first["case"]["service"], "highways");
    assert!(first["case"]["reference"].as_str().unwrap().starts_with("HRD-"));
    let (s2, again) = app.post(&app.agent, "/api/v1/contacts", &body).await;
    assert_eq!(s2, StatusCode::OK);
    assert_eq!(
        (again["id"].clone(), again["created"].clone()),
        (first["id"].clone(), json!(false))
    );
    assert_eq!(again["case"]["reference"], first["case"]["reference"]);

    let reference = first["case"]["reference"].as_str().unwrap();
    let (s, case) = app.get(&app.agent, &format!("/api/v1/cases/{reference}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(case["contacts"].as_array().unwrap().len(), 1);
    assert_eq!(case["history"][0]["kind"], "created");
    let (s, list) = app
        .get(&app.agent, "/api/v1/cases?service=highways&status=new&channel=facebook")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"][0]["reference"], reference);
    let (_, found) = app.get(&app.agent, "/api/v1/search?q=wharf").await;
    assert_eq!(found["total"], 1, "search is live");
});

on_both!(bad_input_gets_problem_documents, |app| {
    let r = app.http.get(app.url("/api/v1/cases")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    let (s, p) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "pigeon", "from": "x", "body": "", "received_at": "soon"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["channel", "body", "received_at"], "{p}");

    let (s, p) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "email", "from": "a@b.org", "body": "x", "colour": "red"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["field"], "colour");

    let (s, p) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "email", "from": 7, "body": "x"}),
        )
        .await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("from"))
    );

    let r = app
        .http
        .post(app.url("/api/v1/contacts"))
        .bearer_auth(&app.agent)
        .header("content-type", "application/json")
        .body("{\"channel\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .http
        .post(app.url("/api/v1/contacts"))
        .bearer_auth(&app.agent)
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let huge = "x".repeat(300 << 10);
    let (s, p) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "email", "from": "a@b.org", "body": huge}),
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{p}");

    let (s, _) = app.get(&app.agent, "/api/v1/cases?limit=1000&status=lost").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, p) = app.get(&app.agent, "/api/v1/cases?limit=abc").await;
    assert_eq!(
        (s, p["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")),
        "{p}"
    );
    let (s, _) = app.get(&app.agent, "/api/v1/cases/HRD-999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&app.agent, "/api/v1/cases/COVID-19").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&app.agent, "/api/v1/contacts/not-a-number").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .header("authorization", "Bearer nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
});

on_both!(roles_and_services_limit_what_is_seen, |app| {
    let (_, pothole) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "email", "from": "p@x.org", "subject": "pothole", "body": "pothole"}),
        )
        .await;
    let (_, tax) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "email", "from": "t@x.org", "subject": "Council tax", "body": "council tax bill"}),
        )
        .await;
    // The auditor reads everything and changes nothing.
    let (s, _) = app.get(&app.auditor, "/api/v1/cases").await;
    assert_eq!(s, StatusCode::OK);
    let (s, p) = app
        .post(
            &app.auditor,
            "/api/v1/contacts",
            &json!({"channel": "email", "from": "a@x.org", "body": "hi"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
    // The back-office officer sees only Revenues and Benefits.
    let (_, list) = app.get(&app.back_office, "/api/v1/cases?limit=100").await;
    let services: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["revenues-and-benefits"]);
    let highways = pothole["case"]["reference"].as_str().unwrap();
    let (s, _) = app.get(&app.back_office, &format!("/api/v1/cases/{highways}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another service's case does not exist for them"
    );
    let (s, _) = app
        .get(&app.back_office, &format!("/api/v1/contacts/{}", pothole["id"]))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, found) = app.get(&app.back_office, "/api/v1/search?q=pothole").await;
    assert_eq!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["kind"] == "contact")
            .count(),
        0
    );
    let tax_ref = tax["case"]["reference"].as_str().unwrap();
    let (s, _) = app.get(&app.back_office, &format!("/api/v1/cases/{tax_ref}")).await;
    assert_eq!(s, StatusCode::OK);
});

on_both!(cases_change_and_link_with_history, |app| {
    let (_, a) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "service_desk", "from": "staff@council.example.org", "body": "WiFi down"}),
        )
        .await;
    let (_, me) = app.get(&app.agent, "/api/v1/me").await;
    let (s, customer) = app
        .post(
            &app.agent,
            "/api/v1/customers",
            &json!({"kind": "organisation", "organisation_kind": "internal_department", "name": "ICT",
            "identities": [{"kind": "email", "value": "ict@council.example.org"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{customer}");
    let (s, dup) = app
        .post(&app.agent, "/api/v1/customers", &json!({"kind": "person", "name": "Dup", "identities": [{"kind": "email", "value": "ICT@council.example.org"}]}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{dup}");
    let (s, agent) = app
        .post(
            &app.agent,
            "/api/v1/customers",
            &json!({"kind": "person", "name": "Lettings Agent", "links": [{"organisation_id": customer["id"], "role": "acts_for"}],
                "addresses": [{"line1": "1 High St", "town": "Demoton", "postcode": "dm1 1aa"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{agent}");
    assert_eq!(agent["links"][0]["organisation_name"], "ICT");
    assert_eq!(agent["addresses"][0]["postcode"], "DM1 1AA");
    let (s, bad) = app
        .post(
            &app.agent,
            "/api/v1/customers",
            &json!({"kind": "person", "name": "X", "links": [{"organisation_id": agent["id"], "role": "member"}]}),
        )
        .await;
    assert_eq!(
        (s, bad["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("links")),
        "{bad}"
    );
    let (s, bad) = app
        .post(&app.agent, "/api/v1/customers", &json!({"kind": "person", "name": "X", "addresses": [{"line1": "1 A St", "town": "T", "postcode": "NOT A CODE"}]}))
        .await;
    assert_eq!(
        (s, bad["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("addresses[0].postcode")),
        "{bad}"
    );
    let (_, org) = app
        .get(&app.agent, &format!("/api/v1/customers/{}", customer["id"]))
        .await;
    assert_eq!(
        org["links"][0]["person_name"], "Lettings Agent",
        "organisations list their people"
    );
    let (s, problem) = app
        .post(&app.agent, "/api/v1/cases", &json!({"service": "customer-services", "kind": "problem", "title": "Library WiFi", "customer_id": customer["id"]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{problem}");
    let incident = a["case"]["reference"].as_str().unwrap();
    let (s, detail) = app
        .post(
            &app.agent,
            &format!("/api/v1/cases/{incident}/links"),
            &json!({"kind": "incident_of", "to": problem["reference"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    assert_eq!(detail["links"][0]["kind"], "incident_of");
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/cases/{incident}")))
        .bearer_auth(&app.agent)
        .json(&json!({"status": "in_progress", "owner_id": me["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/cases/{incident}")))
        .bearer_auth(&app.agent)
        .json(&json!({"status": "stage_2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an incident has no stage 2"
    );
    let (_, detail) = app.get(&app.agent, &format!("/api/v1/cases/{incident}")).await;
    let kinds: Vec<_> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "linked", "assigned", "status"]);
    assert_eq!(detail["history"][2]["actor"]["email"], "agent@test.heard");
    let (_, mine) = app.get(&app.agent, "/api/v1/cases?owner=me").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
});

#[tokio::test]
async fn attachments_are_stored_by_content() {
    use base64::Engine;
    let app = spawn(TestDb::sqlite()).await;
    let photo = b"\xff\xd8\xff\xe0 not really a jpeg";
    let encoded = base64::engine::general_purpose::STANDARD.encode(photo);
    let (s, created) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "facebook", "from": "@p", "body": "pothole photo",
            "attachments": [{"filename": "pothole.jpg", "content_type": "image/jpeg", "content_base64": encoded}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let (_, contact) = app
        .get(&app.agent, &format!("/api/v1/contacts/{}", created["id"]))
        .await;
    let sha = contact["attachments"][0]["sha256"].as_str().unwrap();
    assert_eq!(contact["attachments"][0]["size"], photo.len());
    let stored = std::fs::read(app.files.join(&sha[..2]).join(sha)).unwrap();
    assert_eq!(stored, photo);
    let (s, p) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "email", "from": "a@b.org", "body": "x",
            "attachments": [{"filename": "../../etc/passwd", "content_type": "text/plain", "content_base64": "!!"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["attachments[0].content_base64"]);
}

#[tokio::test]
async fn people_sign_in_and_changes_need_the_csrf_token() {
    let app = spawn(TestDb::sqlite()).await;
    let r = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "agent@test.heard", "password": "wrong"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "Agent@Test.heard", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("HttpOnly"));
    let body: Value = r.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap();
    let contact = json!({"channel": "phone", "from": "07700 900123", "body": "Asked about bins"});
    let r = app
        .http
        .post(app.url("/api/v1/contacts"))
        .header("cookie", &cookie)
        .json(&contact)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let r = app
        .http
        .post(app.url("/api/v1/contacts"))
        .header("cookie", &cookie)
        .header("x-csrf-token", csrf)
        .json(&contact)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // Pages: signed out goes to sign in; signed in sees the case.
    let r = app.http.get(app.url("/cases")).send().await.unwrap();
    assert_eq!(
        (r.status(), r.headers()["location"].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/login")
    );
    let page = app
        .http
        .get(app.url("/cases"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("HRD-000001") && page.contains("Asked about bins"),
        "{page}"
    );
    let case = app
        .http
        .get(app.url("/cases/HRD-000001"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(case.status(), StatusCode::OK);
    let r = app
        .http
        .delete(app.url("/api/v1/session"))
        .header("cookie", &cookie)
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app
        .http
        .get(app.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "the session is over");
}

#[tokio::test]
async fn openapi_document_lists_every_api_route() {
    let app = spawn(TestDb::sqlite()).await;
    let doc: Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<_> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    for p in [
        "/api/v1/contacts",
        "/api/v1/contacts/{id}",
        "/api/v1/cases",
        "/api/v1/cases/{reference}",
        "/api/v1/cases/{reference}/links",
        "/api/v1/customers",
        "/api/v1/customers/{id}",
        "/api/v1/search",
        "/api/v1/services",
        "/api/v1/sites",
        "/api/v1/me",
        "/api/v1/session",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
    }
    // Every documented path answers (not 404/405) when called as documented.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "1").replace("{reference}", "HRD-000001");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app
                .http
                .request(m, app.url(&concrete))
                .bearer_auth(&app.agent)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_ne!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(r.status().as_u16() < 500, "{method} {path}: {}", r.status());
        }
    }
}

on_both!(card_numbers_never_reach_the_store, |app| {
    let body = json!({"channel": "phone", "from": "07700 900456", "subject": "Pay for 4111-1111-1111-1111",
        "body": "Caller read out her card 4111 1111 1111 1111, expiry 09/28, CVV 123, for the certificate fee. Ref HRD-000001, UPRN 100023336956."});
    let (s, created) = app.post(&app.agent, "/api/v1/contacts", &body).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let (_, contact) = app
        .get(&app.agent, &format!("/api/v1/contacts/{}", created["id"]))
        .await;
    let stored = format!("{} {}", contact["subject"], contact["body"]);
    assert!(!stored.contains("4111"), "{stored}");
    assert!(!stored.contains("123,"), "the security code goes too: {stored}");
    assert!(
        stored.contains("[card number removed]") && stored.contains("100023336956") && stored.contains("HRD-000001"),
        "{stored}"
    );
    let (_, found) = app.get(&app.agent, "/api/v1/search?q=4111").await;
    assert_eq!(found["total"], 0, "not in the search index either");
    let (_, case) = app
        .get(
            &app.agent,
            &format!("/api/v1/cases/{}", created["case"]["reference"].as_str().unwrap()),
        )
        .await;
    assert!(!case["title"].as_str().unwrap().contains("4111"));
});

on_both!(values_are_read_from_contacts_and_sensitive_ones_masked, |app| {
    let body = "Dear Council Tax team,\n\nI manage three properties for my landlord client:\n\
        14 Mill Lane, Demoton GL1 2AB (council tax account 50012345)\n\
        3 Castle Street, Demoton GL1 3BD (account 50023456)\n\
        27 Wharf Road, Demoton GL2 4EF (account 50034567)\n\
        The tenant's NI number is QQ 12 34 56 C. Please call 07700 900123.\n";
    let (s, created) = app
        .post(
            &app.agent,
            "/api/v1/contacts",
            &json!({"channel": "email", "from": "agent@lettings.example", "subject": "Three tenancies", "body": body}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let (_, contact) = app
        .get(&app.agent, &format!("/api/v1/contacts/{}", created["id"]))
        .await;
    let of = |kind: &str| -> Vec<String> {
        contact["entities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == kind)
            .map(|e| e["value"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(of("postcode"), ["GL1 2AB", "GL1 3BD", "GL2 4EF"], "{contact}");
    assert_eq!(of("council_tax_ref").len(), 3, "{contact}");
    assert_eq!(of("address").len(), 3, "{contact}");
    assert_eq!(of("phone"), ["+447700900123"]);
    assert_eq!(of("nino"), ["QQ123456C"]);
    // Spans point into the stored text.
    let e = contact["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "postcode")
        .unwrap();
    let stored = contact["body"].as_str().unwrap();
    assert_eq!(
        &stored[e["start"].as_u64().unwrap() as usize..e["end"].as_u64().unwrap() as usize],
        "GL1 2AB"
    );
    // The auditor sees the NI number masked.
    let (_, seen) = app
        .get(&app.auditor, &format!("/api/v1/contacts/{}", created["id"]))
        .await;
    let nino = seen["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "nino")
        .unwrap();
    assert_eq!(nino["value"], "QQ******C");
});
