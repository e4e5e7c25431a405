//! Text messages through a local stand-in for GOV.UK Notify that speaks its documented
//! API (`POST /v2/notifications/sms`, JWT bearer auth checked): accepted messages are
//! recorded with Notify's id, a refused number fails for good, and while Notify is away
//! a message waits in the outbox for its retry. On SQLite and PostgreSQL.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use heard_channels::notify::{NotifyClient, NotifySettings, SmsOutbox};
use heard_store::sms::NewSms;
use heard_store::testing::TestDb;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

const SERVICE: &str = "26785a09-ab16-4eb0-8407-a37497a57506";
const SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";
const TEMPLATE: &str = "f33517ff-2a88-4f6e-b855-c550268ce08a";

#[derive(Default)]
struct Notify {
    /// Accepted messages: (phone_number, body, reference).
    sent: Vec<(String, String, String)>,
    /// Answer 503 to everything while set.
    away: bool,
}

type Shared = Arc<Mutex<Notify>>;

/// The stand-in's one endpoint, as Notify documents it.
async fn sms(State(notify): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    let error = |status: StatusCode, kind: &str, message: &str| {
        (
            status,
            Json(json!({"errors": [{"error": kind, "message": message}], "status_code": status.as_u16()})),
        )
    };
    if notify.lock().unwrap().away {
        return error(StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable", "try again later");
    }
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let parts: Vec<&str> = token.split('.').collect();
    let signed = parts.len() == 3 && {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        URL_SAFE_NO_PAD
            .decode(parts[2])
            .is_ok_and(|sig| mac.verify_slice(&sig).is_ok())
    };
    let claims: Value = parts
        .get(1)
        .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
        .and_then(|c| serde_json::from_slice(&c).ok())
        .unwrap_or(Value::Null);
    let fresh = claims["iat"]
        .as_i64()
        .is_some_and(|iat| (jiff::Timestamp::now().as_second() - iat).abs() < 30);
    if !signed || claims["iss"] != SERVICE || !fresh {
        return error(
            StatusCode::FORBIDDEN,
            "AuthError",
            "Invalid token: signature, api token not found",
        );
    }
    if body["template_id"] != TEMPLATE {
        return error(StatusCode::BAD_REQUEST, "BadRequestError", "Template not found");
    }
    let to = body["phone_number"].as_str().unwrap_or("").to_string();
    if to.ends_with("999") {
        return error(
            StatusCode::BAD_REQUEST,
            "ValidationError",
            "phone_number Not a UK mobile number",
        );
    }
    let text = body["personalisation"]["body"].as_str().unwrap_or("").to_string();
    let reference = body["reference"].as_str().unwrap_or("").to_string();
    let mut n = notify.lock().unwrap();
    n.sent.push((to, text.clone(), reference.clone()));
    let id = format!("740e5834-3a29-46b4-9a6f-{:012}", n.sent.len());
    (
        StatusCode::CREATED,
        Json(
            json!({"id": id, "reference": reference, "content": {"body": text, "from_number": "COUNCIL"},
                    "uri": format!("https://api.notifications.service.gov.uk/v2/notifications/{id}"),
                    "template": {"id": TEMPLATE, "version": 1, "uri": "x"}}),
        ),
    )
}

async fn stand_in() -> (String, Shared) {
    let shared: Shared = Arc::default();
    let app = axum::Router::new()
        .route("/v2/notifications/sms", axum::routing::post(sms))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, shared)
}

async fn texts_go_through_notify(db: TestDb) {
    let store = db.store().await;
    let (base, notify) = stand_in().await;
    let client = NotifyClient::new(&NotifySettings {
        base_url: base,
        api_key: format!("heard_test-{SERVICE}-{SECRET}"),
        sms_template_id: TEMPLATE.into(),
    })
    .unwrap();
    let outbox = SmsOutbox::new(store.clone(), client);
    let text = |to: &str, body: &str| NewSms {
        case_id: None,
        to: to.into(),
        body: body.into(),
    };

    // Notify is away: the message waits, with the reason, for a later round.
    notify.lock().unwrap().away = true;
    store
        .enqueue_sms(&text("+447700900001", "Your code is 123456"))
        .await
        .unwrap();
    assert_eq!(outbox.send_due().await.unwrap(), 0);
    let waiting = store.sms_outbox(None).await.unwrap();
    assert_eq!((waiting[0].status.as_str(), waiting[0].attempts), ("pending", 1));
    assert!(waiting[0].last_error.as_deref().unwrap().contains("503"), "{waiting:?}");
    assert!(
        waiting[0].next_attempt_at > jiff::Timestamp::now(),
        "retried later, not at once"
    );

    // Back again: the next due round sends it; a refused number fails for good.
    notify.lock().unwrap().away = false;
    store.enqueue_sms(&text("+447700900999", "Not a mobile")).await.unwrap();
    store
        .enqueue_sms(&text("+447700900002", "Your case HRD-000001 is now: Resolved"))
        .await
        .unwrap();
    assert_eq!(outbox.send_due().await.unwrap(), 1, "the waiting one is not due yet");
    let all = store.sms_outbox(None).await.unwrap();
    let by_to = |to: &str| all.iter().find(|m| m.to == to).unwrap().clone();
    assert_eq!(by_to("+447700900999").status, "failed");
    assert!(
        by_to("+447700900999")
            .last_error
            .unwrap()
            .contains("Not a UK mobile number")
    );
    let sent = by_to("+447700900002");
    assert_eq!(sent.status, "sent");
    assert!(sent.notify_id.unwrap().starts_with("740e5834-"));
    let got = notify.lock().unwrap().sent.clone();
    assert_eq!(
        got,
        vec![(
            "+447700900002".to_string(),
            "Your case HRD-000001 is now: Resolved".to_string(),
            sent.reference
        )]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn texts_go_through_notify_sqlite() {
    texts_go_through_notify(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn texts_go_through_notify_postgres() {
    if let Some(db) = TestDb::postgres().await {
        texts_go_through_notify(db).await;
    }
}
