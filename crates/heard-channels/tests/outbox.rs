//! The outbox table on both engines: claimed with a lease, retried with back-off, never
//! lost, and refused-for-good kept as failed.

use heard_channels::smtp::backoff;
use heard_store::outbox::{NewOutgoingEmail, OutboxAttachment};
use heard_store::testing::TestDb;
use jiff::{SignedDuration, Timestamp};

async fn lifecycle(db: TestDb) {
    let store = db.store().await;
    let email = |n: u32| NewOutgoingEmail {
        case_id: None,
        message_id: format!("m{n}@council.example"),
        in_reply_to: Some("a@example.org".into()),
        references: vec!["a@example.org".into(), "b@example.org".into()],
        from: "contact@council.example".into(),
        to: "jo@example.org".into(),
        subject: "Re: x [HRD-000001]".into(),
        body: "Hello".into(),
        attachments: vec![OutboxAttachment {
            filename: "a.pdf".into(),
            content_type: "application/pdf".into(),
            sha256: "00".repeat(32),
        }],
    };
    let first = store.enqueue_email(&email(1)).await.unwrap();
    let second = store.enqueue_email(&email(2)).await.unwrap();
    let now = Timestamp::now() + SignedDuration::from_secs(1);
    let lease = SignedDuration::from_mins(5);
    let a = store.claim_due_email(now, lease).await.unwrap().unwrap();
    assert_eq!((a.id, a.attempts), (first, 1));
    assert_eq!(a.references, ["a@example.org", "b@example.org"]);
    assert_eq!(a.attachments.len(), 1);
    let b = store.claim_due_email(now, lease).await.unwrap().unwrap();
    assert_eq!(b.id, second);
    assert!(
        store.claim_due_email(now, lease).await.unwrap().is_none(),
        "both are leased"
    );
    store
        .email_failed(first, "connection refused", Some(now + backoff(1)))
        .await
        .unwrap();
    store.email_failed(second, "550 no such user", None).await.unwrap();
    assert_eq!(store.outbox(None, Some("pending")).await.unwrap().len(), 1);
    assert_eq!(
        store.outbox(None, Some("failed")).await.unwrap()[0]
            .last_error
            .as_deref(),
        Some("550 no such user")
    );
    let again = store.claim_due_email(now + backoff(1), lease).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (first, 2));
    store.email_sent(first).await.unwrap();
    assert_eq!(store.outbox(None, Some("sent")).await.unwrap().len(), 1);
    assert!(
        store
            .claim_due_email(now + SignedDuration::from_hours(9), lease)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_lifecycle_sqlite() {
    lifecycle(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_lifecycle_postgres() {
    if let Some(db) = TestDb::postgres().await {
        lifecycle(db).await;
    }
}

#[test]
fn backoff_doubles_to_an_hour() {
    assert_eq!(backoff(1), SignedDuration::from_secs(30));
    assert_eq!(backoff(2), SignedDuration::from_secs(60));
    assert_eq!(backoff(20), SignedDuration::from_secs(3600));
}
