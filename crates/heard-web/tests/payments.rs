//! Payments by link through GOV.UK Pay: an agent asks for a payment from the case page, a
//! local stand-in speaking Pay's documented API creates it, and its link reaches the
//! resident by email and by text; the status comes back by a signed webhook (a bad
//! signature changes nothing), by the resident's return, or by polling; Pay being away and
//! bad amounts record nothing. On SQLite and PostgreSQL.

mod common;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use common::{Session, TestApp, spawn_with};
use heard_channels::pay::{PayClient, PayPoller, PaySettings};
use heard_core::{CaseReference, Role};
use heard_store::testing::TestDb;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const KEY: &str = "api_test_0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdef";
const SECRET: &str = "webhook_live_0123456789abcdef";

#[derive(Default)]
struct Pay {
    /// Payments by id, as Pay describes them.
    payments: HashMap<String, Value>,
    /// Every create request's body, in order.
    requests: Vec<Value>,
    /// Answer 503 to everything while set.
    away: bool,
}

type Shared = Arc<Mutex<Pay>>;

fn problem(status: StatusCode, field: Option<&str>, code: &str, description: &str) -> (StatusCode, Json<Value>) {
    let mut v = json!({"code": code, "description": description});
    if let Some(f) = field {
        v["field"] = f.into();
    }
    (status, Json(v))
}

/// Refuses what Pay refuses before anything else: away, or a wrong key.
fn refuse(pay: &Pay, headers: &HeaderMap) -> Option<(StatusCode, Json<Value>)> {
    if pay.away {
        return Some(problem(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            "P0999",
            "GOV.UK Pay is unavailable",
        ));
    }
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {KEY}")) {
        return Some((StatusCode::UNAUTHORIZED, Json(Value::Null)));
    }
    None
}

/// `POST /v1/payments`, as Pay documents it.
async fn create(State(pay): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    let mut p = pay.lock().unwrap();
    if let Some(r) = refuse(&p, &headers) {
        return r;
    }
    p.requests.push(body.clone());
    let amount = body["amount"].as_i64();
    if !matches!(amount, Some(1..=10_000_000)) {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("amount"),
            "P0102",
            "Invalid attribute value: amount. Must be less than or equal to 10000000",
        );
    }
    for field in ["reference", "description", "return_url"] {
        let v = body[field].as_str().unwrap_or("");
        if v.is_empty() || v.chars().count() > 255 {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(field),
                "P0102",
                &format!("Invalid attribute value: {field}"),
            );
        }
    }
    let id = format!("pay{:04}xq7u93", p.payments.len() + 1);
    let payment = json!({
        "payment_id": id,
        "amount": amount,
        "reference": body["reference"],
        "description": body["description"],
        "return_url": body["return_url"],
        "language": body["language"],
        "email": body["email"],
        "state": {"status": "created", "finished": false},
        "payment_provider": "sandbox",
        "created_date": "2026-11-22T12:00:00.000Z",
        "_links": {
            "self": {"href": format!("http://stand-in/v1/payments/{id}"), "method": "GET"},
            "next_url": {"href": format!("https://card.payments.service.gov.uk/secure/{id}-link"), "method": "GET"},
        }
    });
    p.payments.insert(id, payment.clone());
    (StatusCode::CREATED, Json(payment))
}

/// `GET /v1/payments/{payment_id}`.
async fn get(State(pay): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> (StatusCode, Json<Value>) {
    let p = pay.lock().unwrap();
    if let Some(r) = refuse(&p, &headers) {
        return r;
    }
    match p.payments.get(&id) {
        Some(v) => (StatusCode::OK, Json(v.clone())),
        None => problem(StatusCode::NOT_FOUND, None, "P0200", "Not found"),
    }
}

async fn stand_in() -> (String, Shared) {
    let shared: Shared = Arc::default();
    let app = axum::Router::new()
        .route("/v1/payments", axum::routing::post(create))
        .route("/v1/payments/{id}", axum::routing::get(get))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, shared)
}

/// Moves a payment on, as the resident paying (or not) would.
fn set_status(pay: &Shared, id: &str, status: &str, code: Option<&str>) {
    let mut p = pay.lock().unwrap();
    let payment = p.payments.get_mut(id).expect("a payment the stand-in made");
    let finished = matches!(status, "success" | "failed" | "cancelled" | "error");
    payment["state"] = json!({"status": status, "finished": finished});
    if let Some(c) = code {
        payment["state"]["code"] = c.into();
        payment["state"]["message"] = "Payment method rejected".into();
    }
}

fn settings(base: &str) -> PaySettings {
    PaySettings {
        base_url: base.into(),
        api_key: KEY.into(),
        webhook_secret: SECRET.into(),
    }
}

struct World {
    app: TestApp,
    pay: Shared,
    pay_base: String,
    agent: Session,
    reference: CaseReference,
}

/// heard with `[pay]` and text messages on, a case from Ann by email, and an agent.
async fn world(db: TestDb) -> World {
    let (pay_base, pay) = stand_in().await;
    let web = heard_web::WebSettings {
        pay: Some(settings(&pay_base)),
        sms: true,
        ..Default::default()
    };
    let app = spawn_with(db, web).await;
    let (s, v) = app
        .api(
            Method::POST,
            "/api/v1/contacts",
            Some(json!({"channel": "phone", "from": "Ann Example <ann@example.com>",
                        "body": "Caller wants a replacement birth certificate", "service": "customer-services"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reference: CaseReference = v["case"]["reference"].as_str().unwrap().parse().unwrap();
    let agent = app
        .sign_in_as("agent@test.heard", "Avery Agent", Role::Agent, &[])
        .await;
    World {
        app,
        pay,
        pay_base,
        agent,
        reference,
    }
}

impl World {
    async fn request(&self, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
        self.agent
            .post(&format!("/cases/{}/payments", self.reference), fields)
            .await
    }

    /// Requests £11.00 by email; returns Pay's id for it.
    async fn eleven_pounds(&self) -> String {
        let (s, location, body) = self
            .request(&[
                ("amount", "11.00"),
                ("description", "Replacement birth certificate"),
                ("by", "email"),
                ("email", "ann@example.com"),
            ])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(location, format!("/cases/{}?done=payment", self.reference));
        let p = self.pay.lock().unwrap();
        p.payments.keys().max().unwrap().clone()
    }

    async fn history(&self, kind: &str) -> Vec<Value> {
        let detail = self.app.store.case_detail(&self.reference).await.unwrap();
        detail
            .history
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.detail)
            .collect()
    }

    async fn status(&self) -> String {
        let payments = self.app.store.case_payments(self.reference.number()).await.unwrap();
        payments[0].status.clone()
    }

    async fn webhook(&self, body: &[u8], signature: Option<&str>) -> (StatusCode, String, Value) {
        let mut r = self
            .app
            .http
            .post(self.app.url("/webhooks/pay"))
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(s) = signature {
            r = r.header("pay-signature", s);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, ct, r.json().await.unwrap_or(Value::Null))
    }

    /// A webhook message about payment `id`, with Pay's current view of it.
    fn message(&self, id: &str, event: &str, message_id: &str) -> Vec<u8> {
        let resource = self.pay.lock().unwrap().payments[id].clone();
        json!({
            "webhook_message_id": message_id,
            "created_date": "2026-11-22T12:05:00.000Z",
            "resource_id": id,
            "api_version": 1,
            "resource_type": "payment",
            "event_type": event,
            "resource": resource,
        })
        .to_string()
        .into_bytes()
    }
}

fn signature(body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

async fn the_link_goes_by_email_and_by_text(db: TestDb) {
    let w = world(db).await;
    let (s, page) = w.agent.page(&format!("/cases/{}", w.reference)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Request a payment"), "{page}");
    assert!(
        page.contains(r#"id="pay_email" name="email" value="ann@example.com""#),
        "prefilled"
    );

    let id = w.eleven_pounds().await;
    {
        let p = w.pay.lock().unwrap();
        let sent = &p.requests[0];
        assert_eq!(sent["amount"], 1100, "{sent}");
        assert_eq!(sent["reference"], w.reference.to_string());
        assert_eq!(sent["description"], "Replacement birth certificate");
        assert_eq!(sent["email"], "ann@example.com");
        assert_eq!(sent["language"], "en");
        // The configured public address (here the default), then an unguessable token.
        let back = sent["return_url"].as_str().unwrap();
        let token = back.strip_prefix("http://127.0.0.1:8080/pay/return/").expect(back);
        assert!(
            token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
            "{back}"
        );
    }
    let link = format!("https://card.payments.service.gov.uk/secure/{id}-link");
    let mail = w.app.store.outbox(Some(w.reference.number()), None).await.unwrap();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].to, "ann@example.com");
    assert!(mail[0].body.contains(&link), "{}", mail[0].body);
    assert!(mail[0].body.contains("£11.00"), "{}", mail[0].body);
    assert!(
        mail[0].subject.contains("Replacement birth certificate"),
        "{}",
        mail[0].subject
    );

    // By text, to a number typed during the call.
    let (s, _, body) = w
        .request(&[
            ("amount", "£5"),
            ("description", "Postage"),
            ("by", "sms"),
            ("email", ""),
            ("phone", "07700 900123"),
        ])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(w.pay.lock().unwrap().requests[1]["amount"], 500);
    let texts = w.app.store.sms_outbox(Some(w.reference.number())).await.unwrap();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0].to, "+447700900123");
    assert!(
        texts[0].body.contains("£5.00") && texts[0].body.contains("-link"),
        "{}",
        texts[0].body
    );
    assert!(texts[0].body.contains(&w.reference.to_string()), "{}", texts[0].body);

    // The case shows both, with Pay's status, and its history says who asked.
    let (_, page) = w.agent.page(&format!("/cases/{}", w.reference)).await;
    assert_eq!(page.matches(r#"data-payment-status="created""#).count(), 2, "{page}");
    assert!(page.contains("£11.00 · Replacement birth certificate"), "{page}");
    assert!(
        page.contains("Payment of £11.00 requested through GOV.UK Pay"),
        "{page}"
    );
    let requested = w.history("payment_requested").await;
    assert_eq!(requested.len(), 2);
    assert_eq!(requested[1]["sent_by"], "sms");

    // The resident comes back from Pay: heard asks Pay, and says so in their language.
    let back = w.pay.lock().unwrap().requests[0]["return_url"]
        .as_str()
        .unwrap()
        .replace("http://127.0.0.1:8080", &w.app.base);
    let r = w.app.http.get(&back).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let html = r.text().await.unwrap();
    assert!(html.contains("We have not received your payment yet"), "{html}");
    assert!(!html.contains("ann@example.com"), "no personal data on the return page");
    set_status(&w.pay, &id, "success", None);
    let html = w.app.http.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Your payment has been received") && html.contains("£11.00"),
        "{html}"
    );
    let html = w
        .app
        .http
        .get(format!("{back}?lang=cy"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Rydym wedi cael eich taliad"), "{html}");
    let changes = w.history("payment_status").await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["via"], "return");
    let r = w
        .app
        .http
        .get(w.app.url(&format!("/pay/return/{}", "ab".repeat(32))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn a_signed_webhook_records_the_status_once(db: TestDb) {
    let w = world(db).await;
    let id = w.eleven_pounds().await;
    set_status(&w.pay, &id, "success", None);
    let body = w.message(&id, "card_payment_succeeded", "msg-1");

    // A bad signature, or none, is refused and changes nothing.
    for bad in [
        Some("00ff"),
        Some("not hex"),
        None,
        Some(signature(b"another body").as_str()),
    ] {
        let (s, ct, v) = w.webhook(&body, bad).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
        assert!(ct.starts_with("application/problem+json"), "{ct}");
    }
    assert_eq!(w.status().await, "created");
    assert!(w.history("payment_status").await.is_empty());

    let (s, _, v) = w.webhook(&body, Some(&signature(&body))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["recorded"], true);
    assert_eq!(w.status().await, "success");
    let changes = w.history("payment_status").await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["to"], "success");
    assert_eq!(changes[0]["via"], "webhook");
    let (_, page) = w.agent.page(&format!("/cases/{}", w.reference)).await;
    assert!(page.contains(r#"data-payment-status="success""#), "{page}");
    assert!(
        page.contains("Payment of £11.00: created → success (GOV.UK Pay told us)"),
        "{page}"
    );

    // Pay retries, and an older event arrives late: nothing more is recorded.
    let (s, _, v) = w.webhook(&body, Some(&signature(&body))).await;
    assert_eq!((s, v["recorded"].clone()), (StatusCode::OK, json!(false)));
    let mut late: Value = serde_json::from_slice(&w.message(&id, "card_payment_started", "msg-0")).unwrap();
    late["resource"]["state"] = json!({"status": "started", "finished": false});
    let late = late.to_string().into_bytes();
    let (s, _, v) = w.webhook(&late, Some(&signature(&late))).await;
    assert_eq!((s, v["recorded"].clone()), (StatusCode::OK, json!(false)));
    assert_eq!(w.status().await, "success");
    assert_eq!(w.history("payment_status").await.len(), 1);

    // Someone else's payment in the same Pay account, and malformed JSON.
    let other = json!({"webhook_message_id": "m", "resource_id": "elsewhere", "resource_type": "payment",
                       "event_type": "card_payment_succeeded"})
    .to_string()
    .into_bytes();
    let (s, _, v) = w.webhook(&other, Some(&signature(&other))).await;
    assert_eq!((s, v["recorded"].clone()), (StatusCode::OK, json!(false)));
    let (s, ct, _) = w.webhook(b"{not json", Some(&signature(b"{not json"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(ct.starts_with("application/problem+json"), "{ct}");

    // Without `[pay]` there is no webhook and no form.
    let plain = common::spawn(TestDb::sqlite()).await;
    let r = plain
        .http
        .post(plain.url("/webhooks/pay"))
        .header("pay-signature", signature(&body))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, v) = plain
        .api(
            Method::POST,
            "/api/v1/contacts",
            Some(
                json!({"channel": "phone", "from": "Bob <bob@example.com>", "body": "A call",
                        "service": "customer-services"}),
            ),
        )
        .await;
    let agent = plain.sign_in_as("a@test.heard", "A", Role::Agent, &[]).await;
    let reference = v["case"]["reference"].as_str().unwrap();
    let (_, page) = agent.page(&format!("/cases/{reference}")).await;
    assert!(!page.contains("Request a payment"));
    let (s, _, _) = agent
        .post(
            &format!("/cases/{reference}/payments"),
            &[
                ("amount", "1"),
                ("description", "x"),
                ("by", "email"),
                ("email", "bob@example.com"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn polling_finds_a_change_no_webhook_told(db: TestDb) {
    let w = world(db).await;
    let id = w.eleven_pounds().await;
    let client = PayClient::new(&settings(&w.pay_base)).unwrap();
    // Each unfinished payment is asked about at most once per round of this length.
    let every = std::time::Duration::from_millis(1500);
    let poller = PayPoller::new(w.app.store.clone(), client, every);
    assert_eq!(poller.poll_due().await.unwrap(), 0, "nothing changed yet");
    set_status(&w.pay, &id, "failed", Some("P0010"));
    assert_eq!(poller.poll_due().await.unwrap(), 0, "just asked: not due again yet");
    tokio::time::sleep(every + std::time::Duration::from_millis(300)).await;
    assert_eq!(poller.poll_due().await.unwrap(), 1);
    assert_eq!(w.status().await, "failed");
    let changes = w.history("payment_status").await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["via"], "poll");
    assert_eq!(changes[0]["code"], "P0010");
    let (_, page) = w.agent.page(&format!("/cases/{}", w.reference)).await;
    assert!(page.contains(r#"data-payment-status="failed""#), "{page}");
    // A finished payment is not asked about again.
    set_status(&w.pay, &id, "success", None);
    tokio::time::sleep(every + std::time::Duration::from_millis(300)).await;
    assert_eq!(poller.poll_due().await.unwrap(), 0);
    assert_eq!(w.status().await, "failed");
}

async fn pay_being_away_records_nothing(db: TestDb) {
    let w = world(db).await;
    w.pay.lock().unwrap().away = true;
    let (s, _, page) = w
        .request(&[
            ("amount", "11.00"),
            ("description", "Replacement birth certificate"),
            ("by", "email"),
            ("email", "ann@example.com"),
        ])
        .await;
    assert_eq!(s, StatusCode::BAD_GATEWAY, "{page}");
    assert!(page.contains("GOV.UK Pay could not be reached"), "{page}");
    assert!(page.contains(r##"href="#payment""##), "{page}");
    assert!(
        page.contains(r#"value="Replacement birth certificate""#),
        "what was typed is kept"
    );
    nothing_recorded(&w).await;

    // A key Pay does not accept: the same, said so.
    w.pay.lock().unwrap().away = false;
    let web = heard_web::WebSettings {
        pay: Some(PaySettings {
            api_key: "wrong".into(),
            ..settings(&w.pay_base)
        }),
        ..Default::default()
    };
    let other = spawn_with(TestDb::sqlite(), web).await;
    let (_, v) = other
        .api(
            Method::POST,
            "/api/v1/contacts",
            Some(
                json!({"channel": "phone", "from": "Bob <bob@example.com>", "body": "A call",
                        "service": "customer-services"}),
            ),
        )
        .await;
    let agent = other.sign_in_as("a@test.heard", "A", Role::Agent, &[]).await;
    let reference = v["case"]["reference"].as_str().unwrap();
    let (s, _, page) = agent
        .post(
            &format!("/cases/{reference}/payments"),
            &[
                ("amount", "1"),
                ("description", "x"),
                ("by", "email"),
                ("email", "bob@example.com"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_GATEWAY);
    assert!(page.contains("GOV.UK Pay did not accept heard&#39;s API key"), "{page}");
}

async fn nothing_recorded(w: &World) {
    let n = w.reference.number();
    assert!(w.app.store.case_payments(n).await.unwrap().is_empty());
    assert!(w.app.store.outbox(Some(n), None).await.unwrap().is_empty());
    assert!(w.app.store.sms_outbox(Some(n)).await.unwrap().is_empty());
    assert!(w.history("payment_requested").await.is_empty());
}

async fn bad_amounts_are_refused_by_field(db: TestDb) {
    let w = world(db).await;
    // A certificate order's "Request the fee by link" opens the form with the fee in it,
    // and the resident's address as usual.
    let (s, page) = w
        .agent
        .page(&format!(
            "/cases/{}?pay_amount=25.00&pay_for=Birth+certificate+(2+copies)",
            w.reference
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(r#"name="amount" value="25.00""#), "{page}");
    assert!(page.contains("Birth certificate (2 copies)"), "{page}");
    assert!(page.contains("ann@example.com"), "{page}");
    for (amount, says) in [
        ("0", "The amount must be at least 1p"),
        ("abc", "Enter the amount in pounds, like 11.00"),
        ("100000.01", "The amount must be £100,000 or less"),
    ] {
        let (s, _, page) = w
            .request(&[
                ("amount", amount),
                ("description", "Replacement birth certificate"),
                ("by", "email"),
                ("email", "ann@example.com"),
            ])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert!(page.contains(r##"<a href="#pay_amount">"##), "{amount}: {page}");
        assert!(page.contains(says), "{amount}: {page}");
        assert!(
            page.contains(&format!(r#"name="amount" value="{amount}""#)),
            "{amount}: typed kept"
        );
    }
    // Every field at fault at once, and a card number never goes anywhere.
    let (s, _, page) = w
        .request(&[("amount", ""), ("description", ""), ("by", "sms"), ("phone", "12")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["pay_amount", "pay_description", "pay_phone"] {
        assert!(page.contains(&format!(r##"<a href="#{field}">"##)), "{field}: {page}");
    }
    let (s, _, page) = w
        .request(&[
            ("amount", "11"),
            ("description", "Card 4111 1111 1111 1111"),
            ("by", "email"),
            ("email", "ann@example.com"),
        ])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(r##"<a href="#pay_description">"##), "{page}");
    assert!(w.pay.lock().unwrap().requests.is_empty(), "Pay was not asked");
    nothing_recorded(&w).await;
}

macro_rules! both {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(TestDb::sqlite()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = TestDb::postgres().await {
                    super::$name(db).await;
                }
            }
        }
    };
}

both!(the_link_goes_by_email_and_by_text);
both!(a_signed_webhook_records_the_status_once);
both!(polling_finds_a_change_no_webhook_told);
both!(pay_being_away_records_nothing);
both!(bad_amounts_are_refused_by_field);
