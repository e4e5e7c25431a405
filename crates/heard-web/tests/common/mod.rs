//! The harness shared by the Open311 and web form tests: the app on a random port over a
//! fresh database with reporting services configured, and a small XML reader.
#![allow(dead_code)] // each test file uses its own part

use heard_core::Role;
use heard_core::service_form::{FieldChoice, FieldType, ServiceField};
use heard_store::reports::ServiceDetails;
use heard_store::seed::{ServiceSpec, TeamSpec};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_web::{AppState, WebSettings, files::FileStore};
use quick_xml::events::Event;
use reqwest::StatusCode;
use serde_json::Value;

/// A parsed XML element: enough of a DOM to check documents by structure.
#[derive(Debug, Default)]
pub struct Node {
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn parse(xml: &str) -> Node {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack: Vec<Node> = vec![Node::default()];
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => stack.push(Node {
                    name: e.name().as_ref().to_string(),
                    ..Default::default()
                }),
                Event::Empty(e) => {
                    let n = Node {
                        name: e.name().as_ref().to_string(),
                        ..Default::default()
                    };
                    stack.last_mut().unwrap().children.push(n);
                }
                Event::Text(t) => {
                    stack.last_mut().unwrap().text.push_str(&t.into_inner());
                }
                Event::GeneralRef(r) => {
                    let name = r.into_inner();
                    let s = match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    };
                    stack.last_mut().unwrap().text.push_str(s);
                }
                Event::End(_) => {
                    let done = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(done);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let mut doc = stack.pop().unwrap();
        assert_eq!(doc.children.len(), 1, "one document element");
        doc.children.pop().unwrap()
    }

    pub fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    pub fn child(&self, name: &str) -> &Node {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("<{}> has no <{name}>: {self:?}", self.name))
    }

    pub fn get(&self, name: &str) -> &str {
        &self.child(name).text
    }
}

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub key: String,
    pub auditor_key: String,
    pub files: std::path::PathBuf,
    pub store: heard_store::Store,
    pub _db: TestDb,
    pub _dir: tempfile::TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A form post, as FixMyStreet sends it.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let r = self.http.post(self.url(path)).form(form).send().await.unwrap();
        let status = r.status();
        (status, r.text().await.unwrap())
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        let status = r.status();
        if status.is_success() || status.is_client_error() {
            let ct = r.headers()["content-type"].to_str().unwrap().to_string();
            let body = r.text().await.unwrap();
            let want = if path.contains(".json") {
                "application/json"
            } else {
                "text/xml"
            };
            assert!(ct.starts_with(want) && ct.contains("utf-8"), "{path}: {ct}");
            return (status, body);
        }
        (status, r.text().await.unwrap())
    }

    pub async fn get_xml(&self, path: &str) -> (StatusCode, Node) {
        let (s, body) = self.get(path).await;
        assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{body}");
        (s, Node::parse(&body))
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let (s, body) = self.get(path).await;
        (
            s,
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")),
        )
    }

    /// The REST API, for checking what Open311 stored and for staff changes.
    pub async fn api(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = self.http.request(method, self.url(path)).bearer_auth(&self.key);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn case_count(&self) -> usize {
        let (_, list) = self.api(reqwest::Method::GET, "/api/v1/cases?limit=100", None).await;
        list["items"].as_array().unwrap().len()
    }
}

/// A person signed in through the sign-in API, on a client that does not follow
/// redirects: pages and form posts as a browser sends them.
pub struct Session {
    pub http: reqwest::Client,
    pub cookie: String,
    pub csrf: String,
    pub base: String,
    pub user_id: i64,
}

impl TestApp {
    /// Creates (or updates) a user with `role` and `services`, and signs them in.
    pub async fn sign_in_as(&self, email: &str, name: &str, role: Role, services: &[&str]) -> Session {
        let password = "correct horse battery";
        let user_id = self
            .store
            .upsert_user(&NewUser {
                email: email.into(),
                name: name.into(),
                role,
                team: None,
                services: services.iter().map(|s| s.to_string()).collect(),
                password_hash: Some(heard_web::hash_password(password).unwrap()),
            })
            .await
            .unwrap();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = http
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"email": email, "password": password}))
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
        let body: Value = r.json().await.unwrap();
        Session {
            http,
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_string(),
            base: self.base.clone(),
            user_id,
        }
    }
}

impl Session {
    /// A page: (status, body).
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// A form post with the session's CSRF token added: (status, Location, body).
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
        let mut fields: Vec<(&str, &str)> = vec![("csrf_token", &self.csrf)];
        fields.extend_from_slice(form);
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(&fields)
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

    /// A JSON request as the pages' script sends it (session cookie, CSRF header).
    pub async fn json(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }
}

pub fn highways_fields() -> Vec<ServiceField> {
    vec![
        ServiceField {
            description_cy: "Pa mor ddwfn yw e?".into(),
            datatype_description_cy: String::new(),
            code: "depth".into(),
            description: "How deep is it?".into(),
            datatype: FieldType::Singlevaluelist,
            required: true,
            datatype_description: String::new(),
            values: vec![
                FieldChoice {
                    name_cy: "Llai na 4cm".into(),
                    key: "shallow".into(),
                    name: "Shallower than 4cm".into(),
                },
                FieldChoice {
                    name_cy: String::new(),
                    key: "deep".into(),
                    name: "Deeper than 4cm".into(),
                },
            ],
        },
        ServiceField {
            description_cy: String::new(),
            datatype_description_cy: String::new(),
            code: "width_cm".into(),
            description: "About how wide, in cm?".into(),
            datatype: FieldType::Number,
            required: false,
            datatype_description: String::new(),
            values: vec![],
        },
    ]
}

pub async fn spawn(db: TestDb) -> TestApp {
    spawn_with(db, WebSettings::default()).await
}

/// [`spawn`] with settings of the test's own (text messages on, say).
pub async fn spawn_with(db: TestDb, settings: WebSettings) -> TestApp {
    let store = db.store().await;
    let svc = |slug: &str, name: &str| ServiceSpec {
        slug: slug.into(),
        name: name.into(),
        keywords: vec!["pothole".into()],
        team: Some("streets".into()),
    };
    store
        .upsert_catalogue(
            &[TeamSpec {
                slug: "streets".into(),
                name: "Streets".into(),
            }],
            &[
                svc("customer-services", "Customer Services"),
                svc("highways", "Potholes and roads"),
                svc("street-lighting", "Street lights"),
                svc("revenues-and-benefits", "Council tax"),
            ],
            &[],
        )
        .await
        .unwrap();
    store
        .set_service_details(&[
            ServiceDetails {
                slug: "highways".into(),
                description: "Potholes, broken pavements, damaged roads".into(),
                group: "Streets".into(),
                fields: highways_fields(),
                open311: true,
                name_cy: "Tyllau yn y ffordd".into(),
                description_cy: "Tyllau, palmentydd wedi torri, ffyrdd wedi'u difrodi".into(),
            },
            ServiceDetails {
                slug: "street-lighting".into(),
                description: "A light out or damaged".into(),
                group: "Streets".into(),
                fields: vec![],
                open311: true,
                ..Default::default()
            },
            ServiceDetails {
                slug: "revenues-and-benefits".into(),
                open311: false,
                ..Default::default()
            },
        ])
        .await
        .unwrap();
    let mut keys = Vec::new();
    for (email, role) in [
        ("fixmystreet@test.heard", Role::Agent),
        ("auditor@test.heard", Role::Auditor),
    ] {
        let id = store
            .upsert_user(&NewUser {
                email: email.into(),
                name: email.into(),
                role,
                team: None,
                services: vec![],
                password_hash: None,
            })
            .await
            .unwrap();
        keys.push(store.create_token(id, "open311").await.unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let state = AppState::new(store.clone(), settings, FileStore::local(&files))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(heard_web::serve(listener, state, std::future::pending()));
    let [key, auditor_key] = <[String; 2]>::try_from(keys).unwrap();
    TestApp {
        base,
        http: reqwest::Client::new(),
        key,
        auditor_key,
        files,
        store,
        _db: db,
        _dir: dir,
    }
}

#[macro_export]
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

/// A tiny valid PNG (1×1).
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\x00\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// One part of a multipart body (the public forms): a text field, or a file (name, bytes).
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----heardtestboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
                body.extend_from_slice(value.as_bytes());
            }
            Part::File(name, filename, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                         Content-Type: image/jpeg\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The page's token and the cookie that pairs with it.
pub async fn open_form(app: &TestApp, service: &str) -> (String, String, String) {
    let r = app
        .http
        .get(app.url(&format!("/report/{service}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_string();
    let html = r.text().await.unwrap();
    let token = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    (token, cookie, html)
}

pub async fn send(
    app: &TestApp,
    service: &str,
    cookie: Option<&str>,
    parts: &[Part<'_>],
) -> (StatusCode, String, String) {
    let (ct, body) = multipart(parts);
    let mut r = app
        .http
        .post(app.url(&format!("/report/{service}")))
        .header("content-type", ct)
        .body(body);
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

pub fn no_redirects(app: &TestApp) -> reqwest::Client {
    let _ = app;
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Whether the audit log (searched with `query`, as an auditor) holds an entry `matches`
/// accepts, waiting up to 5 s: reads are written in the background.
pub async fn audited(app: &TestApp, query: &str, matches: impl Fn(&Value) -> bool) -> bool {
    for _ in 0..50 {
        let r = app
            .http
            .get(app.url(&format!("/api/v1/audit?{query}")))
            .bearer_auth(&app.auditor_key)
            .send()
            .await
            .unwrap();
        let v: Value = r.json().await.unwrap();
        if v["items"].as_array().is_some_and(|a| a.iter().any(&matches)) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

/// The value of the hidden form field `name` on a page (a form's version, say).
pub fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} on the page"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The id of the user signed up with `email` (as `sign_in_as` made them).
pub async fn user_id(app: &TestApp, email: &str) -> i64 {
    app.store
        .users()
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.email == email)
        .map(|u| u.id)
        .expect("user")
}
