//! Facebook and Instagram through Meta's Messenger Platform: the webhook handshake, signed
//! deliveries becoming contacts (stored once, whatever Meta retries), refused signatures
//! and bodies storing nothing, and an agent's reply reaching a local stand-in for the
//! Graph API's Send API, waiting in the outbox while it is away. On SQLite and PostgreSQL.

mod common;

use axum::Json;
use axum::extract::{Query, State};
use common::{TestApp, hidden, spawn_with};
use heard_channels::meta::{GraphClient, MetaSettings, SocialOutbox};
use heard_core::Role;
use heard_store::testing::TestDb;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const VERIFY: &str = "council-chosen-verify-token";
const SECRET: &str = "app-secret-0123456789abcdef";
const TOKEN: &str = "EAAGpagetoken";
const PAGE: &str = "104567890123456";

#[derive(Default)]
struct Graph {
    /// Accepted messages: (recipient id, text, messaging_type).
    sent: Vec<(String, String, String)>,
    /// Answer 503 to everything while set.
    away: bool,
}

type Shared = Arc<Mutex<Graph>>;

/// The stand-in's Send API, as Meta documents it.
async fn messages(
    State(graph): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut g = graph.lock().unwrap();
    if g.away {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({"error": {"message": "Service temporarily unavailable", "type": "OAuthException",
                                  "code": 2, "is_transient": true}}),
            ),
        );
    }
    if q.get("access_token").map(String::as_str) != Some(TOKEN) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})),
        );
    }
    let recipient = body["recipient"]["id"].as_str().unwrap_or("").to_string();
    let text = body["message"]["text"].as_str().unwrap_or("").to_string();
    let kind = body["messaging_type"].as_str().unwrap_or("").to_string();
    g.sent.push((recipient.clone(), text, kind));
    let id = format!("m_stand-in-{}", g.sent.len());
    (
        StatusCode::OK,
        Json(json!({"recipient_id": recipient, "message_id": id})),
    )
}

async fn stand_in() -> (String, Shared) {
    let shared: Shared = Arc::default();
    let app = axum::Router::new()
        .route("/v19.0/me/messages", axum::routing::post(messages))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, shared)
}

fn settings(base: &str) -> MetaSettings {
    MetaSettings {
        verify_token: VERIFY.into(),
        app_secret: SECRET.into(),
        page_access_token: TOKEN.into(),
        base_url: base.into(),
    }
}

async fn app_with_graph(db: TestDb) -> (TestApp, String, Shared) {
    let (base, graph) = stand_in().await;
    let web = heard_web::WebSettings {
        meta: Some(settings(&base)),
        ..Default::default()
    };
    (spawn_with(db, web).await, base, graph)
}

fn signature(body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// A Messenger delivery with one message event, as Meta sends it.
fn message(object: &str, psid: &str, mid: &str, text: &str, at_ms: i64) -> Vec<u8> {
    json!({
        "object": object,
        "entry": [{
            "id": PAGE, "time": at_ms,
            "messaging": [{
                "sender": {"id": psid},
                "recipient": {"id": PAGE},
                "timestamp": at_ms,
                "message": {
                    "mid": mid,
                    "text": text,
                    "attachments": [{"type": "image", "payload": {"url": "https://scontent.example/pothole.jpg"}}]
                }
            }]
        }]
    })
    .to_string()
    .into_bytes()
}

async fn post(app: &TestApp, body: &[u8], signature: Option<&str>) -> (StatusCode, String, Value) {
    let mut r = app
        .http
        .post(app.url("/webhooks/meta"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(s) = signature {
        r = r.header("x-hub-signature-256", s);
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

async fn contacts(app: &TestApp, channel: &str) -> Vec<Value> {
    let (s, v) = app
        .api(Method::GET, &format!("/api/v1/contacts?channel={channel}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().unwrap().clone()
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

async fn the_handshake_answers_only_our_token(db: TestDb) {
    let (app, _, _) = app_with_graph(db).await;
    let get = |q: &'static str| {
        let http = app.http.clone();
        let url = app.url(&format!("/webhooks/meta?{q}"));
        async move {
            let r = http.get(url).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let ok = get("hub.mode=subscribe&hub.verify_token=council-chosen-verify-token&hub.challenge=1158201444").await;
    assert_eq!(ok, (StatusCode::OK, "1158201444".to_string()));
    for refused in [
        "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=council-chosen-verify-token&hub.challenge=1",
        "hub.challenge=1",
    ] {
        let (s, body) = get(refused).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{refused}");
        assert!(!body.contains("1158201444"));
    }

    // Without `[meta]` the webhook is not there at all.
    let plain = common::spawn(TestDb::sqlite()).await;
    let r = plain
        .http
        .get(plain.url("/webhooks/meta?hub.mode=subscribe&hub.verify_token=&hub.challenge=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn a_signed_message_becomes_a_contact_once(db: TestDb) {
    let (app, _, _) = app_with_graph(db).await;
    let body = message(
        "page",
        "6789012345678901",
        "m_AbCdEf123",
        "There is a big pothole outside 12 Wharf Road",
        now_ms(),
    );
    let (s, _, v) = post(&app, &body, Some(&signature(&body))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v, json!({"stored": 1, "already_present": 0}));
    let stored = contacts(&app, "facebook").await;
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(
        c["sender"], "facebook:@6789012345678901",
        "the sender's page-scoped id is their identity"
    );
    assert_eq!(c["external_id"], "m_AbCdEf123");
    assert_eq!(c["direction"], "inbound");
    assert_eq!(
        c["body"],
        "There is a big pothole outside 12 Wharf Road\nPhoto: https://scontent.example/pothole.jpg"
    );
    let reference = c["case_reference"].as_str().unwrap().to_string();
    let (_, case) = app.api(Method::GET, &format!("/api/v1/cases/{reference}"), None).await;
    assert_eq!(case["history"][0]["kind"], "created", "a new case: {case}");
    assert_eq!(case["history"][0]["detail"]["channel"], "facebook");
    assert_eq!(app.case_count().await, 1);

    // Meta retries the same delivery: stored once.
    let (s, _, v) = post(&app, &body, Some(&signature(&body))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!({"stored": 0, "already_present": 1}));
    assert_eq!(contacts(&app, "facebook").await.len(), 1);
    assert_eq!(app.case_count().await, 1);

    // Echoes of the Page's own messages and receipts are not contacts.
    let noise = json!({"object": "page", "entry": [{"id": PAGE, "time": now_ms(), "messaging": [
        {"sender": {"id": PAGE}, "recipient": {"id": "6789012345678901"}, "timestamp": now_ms(),
         "message": {"mid": "m_echo", "text": "We have passed this on", "is_echo": true, "app_id": 1}},
        {"sender": {"id": "6789012345678901"}, "recipient": {"id": PAGE}, "timestamp": now_ms(),
         "delivery": {"mids": ["m_echo"], "watermark": now_ms()}},
        {"sender": {"id": "6789012345678901"}, "recipient": {"id": PAGE}, "timestamp": now_ms(),
         "read": {"watermark": now_ms()}}
    ]}]})
    .to_string();
    let (s, _, v) = post(&app, noise.as_bytes(), Some(&signature(noise.as_bytes()))).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"stored": 0, "already_present": 0})));

    // Instagram deliveries come as `instagram`, the sender an Instagram-scoped id.
    let ig = message(
        "instagram",
        "17841400000000001",
        "aWdfZAG1",
        "Broken streetlight",
        now_ms(),
    );
    let (s, _, _) = post(&app, &ig, Some(&signature(&ig))).await;
    assert_eq!(s, StatusCode::OK);
    let stored = contacts(&app, "instagram").await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["sender"], "instagram:@17841400000000001");
    assert_eq!(contacts(&app, "facebook").await.len(), 1);
}

async fn bad_deliveries_store_nothing(db: TestDb) {
    let (app, _, _) = app_with_graph(db).await;
    let body = message("page", "6789012345678901", "m_forged", "Forged", now_ms());
    let forged = format!("sha256={}", "0".repeat(64));
    let mut other_body = body.clone();
    other_body.push(b' ');
    for sig in [
        None,
        Some(forged.as_str()),
        Some("sha1=abc"),
        Some(&*signature(&other_body)),
    ] {
        let (s, ct, v) = post(&app, &body, sig).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{sig:?}");
        assert!(ct.starts_with("application/problem+json"), "{ct}");
        assert_eq!(v["status"], 401);
    }
    // Signed but not JSON, or a message event without its id: refused whole.
    let junk = b"{\"object\": \"page\", \"entry\": [".to_vec();
    let (s, ct, _) = post(&app, &junk, Some(&signature(&junk))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    let half = json!({"object": "page", "entry": [{"id": PAGE, "time": now_ms(), "messaging": [
        {"sender": {"id": "111"}, "recipient": {"id": PAGE}, "timestamp": now_ms(),
         "message": {"mid": "m_good", "text": "A good one"}},
        {"sender": {"id": "222"}, "recipient": {"id": PAGE}, "timestamp": now_ms(),
         "message": {"text": "No mid"}}
    ]}]})
    .to_string();
    let (s, ct, v) = post(&app, half.as_bytes(), Some(&signature(half.as_bytes()))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    assert_eq!(v["errors"][0]["field"], "entry[0].messaging[1].message.mid", "{v}");
    assert!(contacts(&app, "facebook").await.is_empty());
    assert_eq!(app.case_count().await, 0);
}

async fn replies_reach_the_send_api(db: TestDb) {
    let (app, base, graph) = app_with_graph(db).await;
    let body = message(
        "page",
        "6789012345678901",
        "m_1",
        "Pothole outside 12 Wharf Road",
        now_ms(),
    );
    assert_eq!(post(&app, &body, Some(&signature(&body))).await.0, StatusCode::OK);
    let reference = contacts(&app, "facebook").await[0]["case_reference"]
        .as_str()
        .unwrap()
        .to_string();
    let sam = app.sign_in_as("sam@test.heard", "Sam Carter", Role::Agent, &[]).await;
    let (s, page) = sam.page(&format!("/cases/{reference}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("<option value=\"facebook\" selected>Facebook message"),
        "offered first, as they wrote there"
    );
    let reply = |text: &'static str, seen: String| {
        let sam = &sam;
        let reference = reference.clone();
        async move {
            sam.post(
                &format!("/cases/{reference}/reply"),
                &[("channel", "facebook"), ("body", text), ("last_reply_seen", &seen)],
            )
            .await
        }
    };
    let (s, loc, html) = reply(
        "Thank you, a crew will look at it this week.",
        hidden(&page, "last_reply_seen"),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(loc, format!("/cases/{reference}?done=message"));

    let outbox = SocialOutbox::new(app.store.clone(), GraphClient::new(&settings(&base)).unwrap());
    assert_eq!(outbox.send_due().await.unwrap(), 1);
    assert_eq!(
        graph.lock().unwrap().sent,
        vec![(
            "6789012345678901".to_string(),
            "Thank you, a crew will look at it this week.".to_string(),
            "RESPONSE".to_string()
        )]
    );
    let rows = app.store.social_outbox(None).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].status.as_str(), rows[0].platform.as_str()),
        ("sent", "facebook")
    );
    assert_eq!(rows[0].message_id.as_deref(), Some("m_stand-in-1"));
    assert!(rows[0].contact_id.is_some());
    let replies: Vec<Value> = contacts(&app, "facebook")
        .await
        .into_iter()
        .filter(|c| c["direction"] == "outbound")
        .collect();
    assert_eq!(replies.len(), 1, "the reply is on the case as an outbound contact");

    // Meta is away: the next reply waits in the outbox, and goes when it is back.
    graph.lock().unwrap().away = true;
    let (_, page) = sam.page(&format!("/cases/{reference}")).await;
    let (s, _, html) = reply("The crew has filled it.", hidden(&page, "last_reply_seen")).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(outbox.send_due().await.unwrap(), 0);
    let waiting = app.store.social_outbox(None).await.unwrap()[1].clone();
    assert_eq!((waiting.status.as_str(), waiting.attempts), ("pending", 1));
    assert!(waiting.last_error.as_deref().unwrap().contains("503"), "{waiting:?}");
    assert!(
        !waiting.last_error.as_deref().unwrap().contains(TOKEN),
        "the token never reaches the outbox"
    );
    assert!(
        waiting.next_attempt_at > jiff::Timestamp::now(),
        "retried later, not at once"
    );
    assert_eq!(outbox.send_due().await.unwrap(), 0, "not due yet");
    graph.lock().unwrap().away = false;
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(120);
    assert_eq!(outbox.send_due_at(later).await.unwrap(), 1);
    assert_eq!(graph.lock().unwrap().sent[1].1, "The crew has filled it.");
    assert_eq!(app.store.social_outbox(None).await.unwrap()[1].status, "sent");

    // A customer whose last message is older than Meta's 24-hour window: told, not queued.
    let old = now_ms() - 30 * 3600 * 1000;
    let body = message("page", "5550001112223334", "m_old", "Bins not collected", old);
    assert_eq!(post(&app, &body, Some(&signature(&body))).await.0, StatusCode::OK);
    let old_case = contacts(&app, "facebook")
        .await
        .into_iter()
        .find(|c| c["external_id"] == "m_old")
        .unwrap()["case_reference"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _, html) = sam
        .post(
            &format!("/cases/{old_case}/reply"),
            &[("channel", "facebook"), ("body", "Sorry"), ("last_reply_seen", "")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("more than 24 hours ago"), "{html}");
    assert_eq!(app.store.social_outbox(None).await.unwrap().len(), 2);
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

both!(the_handshake_answers_only_our_token);
both!(a_signed_message_becomes_a_contact_once);
both!(bad_deliveries_store_nothing);
both!(replies_reach_the_send_api);
