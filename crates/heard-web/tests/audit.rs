//! The audit trail over HTTP: reads and changes through the API are recorded with who
//! and from where, sign-ins (good and bad) too, and only auditors and administrators
//! may search the log. On SQLite and PostgreSQL.

use heard_core::Role;
use heard_store::seed::{ServiceSpec, TeamSpec};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_web::{AppState, WebSettings, files::FileStore};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct App {
    base: String,
    http: reqwest::Client,
    agent: String,
    auditor: String,
    admin: String,
    store: heard_store::Store,
    _db: TestDb,
    _dir: tempfile::TempDir,
}

impl App {
    async fn call(&self, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        if status.is_client_error() {
            let ct = r.headers()["content-type"].to_str().unwrap().to_string();
            assert_eq!(ct, "application/problem+json", "{path}");
        }
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(token, reqwest::Method::GET, path, None).await
    }

    /// The audit entries matching `query`, as the auditor sees them.
    async fn audit(&self, query: &str) -> Vec<Value> {
        let (s, page) = self
            .get(&self.auditor, &format!("/api/v1/audit?limit=100&{query}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        page["items"].as_array().unwrap().clone()
    }
}

async fn spawn(db: TestDb) -> App {
    let store = db.store().await;
    let svc = |slug: &str, keywords: &[&str]| ServiceSpec {
        slug: slug.into(),
        name: slug.into(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        team: Some("cc".into()),
    };
    store
        .upsert_catalogue(
            &[TeamSpec {
                slug: "cc".into(),
                name: "Contact Centre".into(),
            }],
            &[svc("customer-services", &[]), svc("highways", &["pothole"])],
            &[],
        )
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for (email, role) in [
        ("agent@test.heard", Role::Agent),
        ("auditor@test.heard", Role::Auditor),
        ("admin@test.heard", Role::Admin),
    ] {
        let id = store
            .upsert_user(&NewUser {
                email: email.into(),
                name: email.into(),
                role,
                team: None,
                services: vec![],
                password_hash: Some(heard_web::hash_password("correct horse battery").unwrap()),
            })
            .await
            .unwrap();
        tokens.push(store.create_token(id, "test").await.unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        store.clone(),
        WebSettings::default(),
        FileStore::local(dir.path().join("files")),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(heard_web::serve(listener, state, std::future::pending()));
    let [agent, auditor, admin] = <[String; 3]>::try_from(tokens).unwrap();
    App {
        base,
        http: reqwest::Client::new(),
        agent,
        auditor,
        admin,
        store,
        _db: db,
        _dir: dir,
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

on_both!(reads_and_changes_are_recorded_with_who_and_where, |app| {
    let (s, created) = app
        .call(
            &app.agent,
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(json!({"channel": "email", "from": "Ann <ann@example.org>", "subject": "Pothole", "body": "Deep."})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let reference = created["case"]["reference"].as_str().unwrap().to_string();
    let customer = created["customer"]["id"].as_i64().unwrap();
    let contact = created["id"].as_i64().unwrap();

    let (s, _) = app.get(&app.agent, &format!("/api/v1/cases/{reference}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get(&app.agent, &format!("/api/v1/customers/{customer}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get(&app.agent, &format!("/api/v1/contacts/{contact}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .call(
            &app.agent,
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{reference}"),
            Some(json!({"status": "in_progress"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // An auditor searches by case: newest first, the agent named, the client's address kept.
    let by_case = app.audit(&format!("case={}", reference.to_lowercase())).await;
    let actions: Vec<&str> = by_case.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["case.status", "contact.read", "case.read", "contact.create"],
        "{by_case:#?}"
    );
    let read = &by_case[2];
    assert_eq!(read["actor"], "agent@test.heard");
    assert!(read["actor_id"].as_i64().is_some());
    assert_eq!(read["target_kind"], "case");
    assert_eq!(read["target"], reference.as_str());
    assert_eq!(read["customer_id"], customer);
    assert_eq!(read["source"], "127.0.0.1");
    assert_eq!(by_case[0]["detail"], json!({"from": "new", "to": "in_progress"}));

    // By customer: the customer read too; by actor and action.
    let by_customer = app.audit(&format!("customer={customer}")).await;
    assert!(by_customer.iter().any(|e| e["action"] == "customer.read"));
    assert_eq!(by_customer.len(), 5);
    let reads = app.audit("actor=agent@test.heard&action=case.*").await;
    assert_eq!(reads.len(), 2);

    // Lists and searches say what they showed.
    let (s, _) = app.get(&app.agent, "/api/v1/search?q=pothole").await;
    assert_eq!(s, StatusCode::OK);
    let searches = app.audit("action=search").await;
    assert_eq!(searches[0]["detail"]["q"], "pothole");
    assert_eq!(searches[0]["detail"]["shown"], json!([format!("contact:{contact}")]));

    // The auditor's own searches are on record, and the chain holds.
    assert!(
        !app.audit("action=audit.search&actor=auditor@test.heard")
            .await
            .is_empty()
    );
    assert!(app.store.verify_audit().await.unwrap().is_intact());
});

on_both!(only_auditors_and_administrators_read_the_log, |app| {
    let (s, problem) = app.get(&app.agent, "/api/v1/audit").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(problem["status"], 403);
    let (s, _) = app.get(&app.admin, "/api/v1/audit").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get(&app.auditor, "/api/v1/audit?case=HRD-000001").await;
    assert_eq!(s, StatusCode::OK);
    let (s, problem) = app
        .get(&app.auditor, "/api/v1/audit?case=nonsense&action=DROP%20TABLE")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["case", "action"], "{problem}");
});

on_both!(sign_ins_are_recorded_good_and_bad, |app| {
    let sign_in = |email: &str, password: &str| {
        let r = app
            .http
            .post(format!("{}/api/v1/session", app.base))
            .json(&json!({"email": email, "password": password}));
        async move { r.send().await.unwrap().status() }
    };
    assert_eq!(sign_in("agent@test.heard", "wrong").await, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in("Nobody@Test.heard", "x").await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        sign_in("agent@test.heard", "correct horse battery").await,
        StatusCode::OK
    );
    let entries = app.audit("action=session.*").await;
    let got: Vec<(&str, &str, Option<&str>)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor"].as_str().unwrap(),
                e["detail"]["reason"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("session.sign_in", "agent@test.heard", None),
            ("session.sign_in_failed", "nobody@test.heard", Some("unknown account")),
            ("session.sign_in_failed", "agent@test.heard", Some("wrong password")),
        ]
    );
    assert!(
        entries[2]["actor_id"].is_i64(),
        "a failure names the account it was meant for"
    );
    assert!(entries[1]["actor_id"].is_null());
    assert!(entries.iter().all(|e| e["source"] == "127.0.0.1"));
});

#[tokio::test]
async fn the_audit_route_is_in_the_openapi_document() {
    let doc = serde_json::to_value(heard_web::api::openapi()).unwrap();
    let op = &doc["paths"]["/api/v1/audit"]["get"];
    assert!(op.is_object(), "GET /api/v1/audit is documented");
    assert!(op["responses"]["403"].is_object());
    let params: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in ["actor", "customer", "case", "action", "from", "to", "cursor", "limit"] {
        assert!(params.contains(&p), "{p} in {params:?}");
    }
}

on_both!(concurrent_reads_and_changes_all_land_in_one_chain, |app| {
    let app = std::sync::Arc::new(app);
    let mut set = tokio::task::JoinSet::new();
    for i in 0..16 {
        let app = app.clone();
        set.spawn(async move {
            let body = json!({"channel": "sms", "from": format!("+4477009001{i:02}"), "body": "Bin not collected"});
            let (s, created) = app
                .call(&app.agent, reqwest::Method::POST, "/api/v1/contacts", Some(body))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{created}");
            let reference = created["case"]["reference"].as_str().unwrap().to_string();
            for _ in 0..3 {
                let (s, _) = app.get(&app.agent, &format!("/api/v1/cases/{reference}")).await;
                assert_eq!(s, StatusCode::OK);
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    assert_eq!(app.audit("action=contact.create").await.len(), 16);
    assert_eq!(app.audit("action=case.read").await.len(), 48);
    let v = app.store.verify_audit().await.unwrap();
    assert!(v.is_intact(), "{v:?}");
    // And the first audit search; the second's own entry may still be queued.
    assert!((16 + 48 + 1..=16 + 48 + 2).contains(&v.rows_checked), "{v:?}");
});

on_both!(finding_a_caller_is_recorded, |app| {
    let body = json!({"channel": "phone", "from": "+447700900123", "body": "Called about a missed bin"});
    let (s, created) = app
        .call(&app.agent, reqwest::Method::POST, "/api/v1/contacts", Some(body))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let customer = created["customer"]["id"].as_i64().unwrap();
    let (s, found) = app.get(&app.agent, "/calls/lookup?q=07700%20900123").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(found[0]["id"], customer);
    let (s, _) = app.get(&app.agent, &format!("/calls/new?customer={customer}")).await;
    assert_eq!(s, StatusCode::OK);
    let entries = app.audit("actor=agent@test.heard&action=customer.*").await;
    let got: Vec<(&str, &Value)> = entries
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), &e["detail"]["via"]))
        .collect();
    assert_eq!(
        got,
        [
            ("customer.read", &json!("log a call")),
            ("customer.list", &json!("log a call"))
        ]
    );
    assert_eq!(entries[0]["customer_id"], customer);
    assert_eq!(entries[1]["detail"]["shown"], json!([customer]));
});

on_both!(open311_requests_are_recorded_as_their_client, |app| {
    let r = app
        .http
        .post(format!("{}/open311/v2/requests.json", app.base))
        .form(&[
            ("api_key", app.agent.as_str()),
            ("service_code", "highways"),
            ("lat", "52.63"),
            ("long", "-1.13"),
            ("email", "jo@example.org"),
            ("description", "Deep pothole by the bus stop"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let entries = app.audit("action=contact.create").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor"], "agent@test.heard");
    assert_eq!(entries[0]["detail"]["via"], "open311");
    assert!(entries[0]["case_reference"].is_string() && entries[0]["customer_id"].is_i64());
});
