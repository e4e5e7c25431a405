//! The Facebook and Instagram outbox: a message held around its reply is never sent
//! before the reply is recorded, is sent once it is, and one left held by a process that
//! stopped is settled by whether its reply was committed. On SQLite and PostgreSQL.

use heard_core::contact::{ContactInput, ContactLimits};
use heard_core::{Channel, NewContact, Role, Router};
use heard_store::IntakeConfig;
use heard_store::seed::{ServiceSpec, TeamSpec};
use heard_store::social::{HELD_FOR, NewSocialMessage};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_store::workspace::NewReply;
use jiff::{SignedDuration, Timestamp};

async fn held_messages_wait_for_their_reply(db: TestDb) {
    let store = db.store().await;
    store
        .upsert_catalogue(
            &[TeamSpec {
                slug: "cc".into(),
                name: "Contact Centre".into(),
            }],
            &[ServiceSpec {
                slug: "customer-services".into(),
                name: "Customer Services".into(),
                keywords: Vec::new(),
                team: Some("cc".into()),
            }],
            &[],
        )
        .await
        .unwrap();
    let config = IntakeConfig {
        reference_prefix: "HRD".into(),
        router: Router::new(Vec::new()),
        default_service: "customer-services".into(),
        learned: None,
        service_levels: Default::default(),
    };
    let contact = NewContact::validate(
        ContactInput {
            channel: "facebook".into(),
            from: "6789012345678901".into(),
            body: "Pothole on Wharf Road".into(),
            external_id: Some("m_1".into()),
            ..Default::default()
        },
        Timestamp::now(),
        &ContactLimits::default(),
    )
    .unwrap();
    let case = store.intake(&contact, &[], &[], &config).await.unwrap();
    let agent = store
        .upsert_user(&NewUser {
            email: "sam@test.heard".into(),
            name: "Sam".into(),
            role: Role::Agent,
            team: None,
            services: Vec::new(),
            password_hash: None,
        })
        .await
        .unwrap();
    let message = |body: &str| NewSocialMessage {
        case_id: Some(case.case_id),
        platform: Channel::Facebook,
        recipient: "6789012345678901".into(),
        body: body.into(),
    };
    let reply = |body: &str, last: Option<i64>| NewReply {
        case: case.case_reference.clone(),
        actor: agent,
        channel: Channel::Facebook,
        to: "6789012345678901".into(),
        subject: None,
        body: body.into(),
        email: None,
        last_reply_seen: last,
    };
    let lease = SignedDuration::from_secs(60);
    let now = Timestamp::now();

    // Held: nobody sends it; released once its reply is recorded: sent.
    let id = store.hold_social(&message("First")).await.unwrap();
    assert_eq!(store.claim_due_social(now, lease).await.unwrap(), None);
    let first = store.record_reply(&reply("First", None)).await.unwrap();
    store.release_social(id, first).await.unwrap();
    let claimed = store.claim_due_social(Timestamp::now(), lease).await.unwrap().unwrap();
    assert_eq!((claimed.id, claimed.contact_id, claimed.attempts), (id, Some(first), 1));
    store.social_sent(id, "m_sent_1").await.unwrap();

    // Two left held by a process that stopped: the one whose reply was committed is sent,
    // the one whose reply never was is dropped, once they have been held long enough.
    let committed = store.hold_social(&message("Second")).await.unwrap();
    let second = store.record_reply(&reply("Second", Some(first))).await.unwrap();
    let never = store.hold_social(&message("Never recorded")).await.unwrap();
    assert_eq!(store.claim_due_social(Timestamp::now(), lease).await.unwrap(), None);
    let later = Timestamp::now() + HELD_FOR + SignedDuration::from_secs(1);
    let claimed = store.claim_due_social(later, lease).await.unwrap().unwrap();
    assert_eq!((claimed.id, claimed.contact_id), (committed, Some(second)));
    let rows = store.social_outbox(Some(case.case_id)).await.unwrap();
    assert!(rows.iter().all(|r| r.id != never), "{rows:?}");
    assert_eq!(rows.len(), 2);

    // Refused for good: failed, with Meta's reason; a sent one keeps no words.
    store
        .social_failed(committed, "400: outside the allowed window (code 10)", None)
        .await
        .unwrap();
    let rows = store.social_outbox(None).await.unwrap();
    assert_eq!((rows[0].status.as_str(), rows[0].body.as_str()), ("sent", ""));
    assert_eq!(rows[0].message_id.as_deref(), Some("m_sent_1"));
    assert_eq!(rows[1].status, "failed");

    // Only Facebook and Instagram are social platforms.
    let mut sms = message("x");
    sms.platform = Channel::Sms;
    assert!(store.hold_social(&sms).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_messages_wait_for_their_reply_sqlite() {
    held_messages_wait_for_their_reply(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_messages_wait_for_their_reply_postgres() {
    if let Some(db) = TestDb::postgres().await {
        held_messages_wait_for_their_reply(db).await;
    }
}
