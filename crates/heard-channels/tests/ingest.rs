//! Storing messages end to end, on SQLite and on PostgreSQL: contacts on the right
//! case, threading, notices that open no case, bounces, loops, duplicates, redaction.

use heard_channels::ingest::{IngestError, Ingested, Ingestor, MailSettings, Mailbox};
use heard_store::Store;
use heard_store::files::FileStore;
use heard_store::queries::CaseFilter;
use heard_store::seed::ServiceSpec;
use heard_store::testing::TestDb;

macro_rules! on_both {
    ($name:ident, |$ing:ident, $store:ident, $files:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = TestDb::sqlite();
                let ($ing, $store, $files, _dir) = prepared(&db).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = TestDb::postgres().await else {
                    return;
                };
                let ($ing, $store, $files, _dir) = prepared(&db).await;
                $body
            }
        }
    };
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

async fn prepared(db: &TestDb) -> (Ingestor, Store, FileStore, tempfile::TempDir) {
    let store = db.store().await;
    let services = [
        "customer-services",
        "revenues-and-benefits",
        "registrar",
        "highways",
        "waste",
    ]
    .map(|s| ServiceSpec {
        slug: s.into(),
        name: s.into(),
        keywords: Vec::new(),
        team: None,
    });
    store.upsert_catalogue(&[], &services, &[]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = FileStore::local(dir.path());
    let settings = MailSettings {
        mailboxes: vec![
            Mailbox {
                address: "revsbens@council.example".into(),
                service: Some("revenues-and-benefits".into()),
            },
            Mailbox {
                address: "highways@council.example".into(),
                service: Some("highways".into()),
            },
        ],
        ..Default::default()
    };
    let ing = Ingestor::new(store.clone(), files.clone(), settings, "HRD", "customer-services")
        .await
        .unwrap();
    (ing, store, files, dir)
}

async fn cases(store: &Store) -> usize {
    let f = CaseFilter {
        limit: Some(100),
        ..Default::default()
    };
    store.list_cases(&f, "HRD").await.unwrap().items.len()
}

async fn contact(ing: &Ingestor, raw: Vec<u8>) -> (i64, String, bool) {
    match ing.ingest(raw, None, None).await.unwrap() {
        Ingested::Contact {
            contact_id,
            case_reference,
            case_created,
        } => (contact_id, case_reference, case_created),
        other => panic!("expected a contact, got {other:?}"),
    }
}

on_both!(
    a_message_becomes_a_redacted_contact_with_its_raw_kept,
    |ing, store, files| {
        let (id, reference, created) = contact(&ing, fixture("plain.eml")).await;
        assert!(created);
        let case = store.case(&reference.parse().unwrap()).await.unwrap();
        assert_eq!(case.service, "revenues-and-benefits", "the mailbox's default service");
        let c = store.contact(id, "HRD").await.unwrap();
        assert_eq!(c.external_id.as_deref(), Some("plain-1@example.org"));
        assert!(!c.body.contains("4111"), "card number redacted: {}", c.body);
        assert!(c.entities.iter().any(|e| e.kind == "postcode"), "{:?}", c.entities);
        let raw = c
            .attachments
            .iter()
            .find(|a| a.filename == "original.eml")
            .expect("raw kept");
        let bytes = files.get(&raw.sha256).await.unwrap().unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("Message-ID: <plain-1@example.org>") && !text.contains("4111 1111"),
            "{text}"
        );
        // The same Message-ID again: already present, nothing new.
        assert_eq!(
            ing.ingest(fixture("plain.eml"), None, None).await.unwrap(),
            Ingested::AlreadyPresent
        );
        assert_eq!(cases(&store).await, 1);
    }
);

on_both!(
    replies_thread_by_headers_and_by_subject_reference,
    |ing, store, _files| {
        let (_, reference, _) = contact(&ing, fixture("plain.eml")).await;
        // Another person replying in the thread joins the same case.
        let (_, r2, created) = contact(&ing, fixture("reply.eml")).await;
        assert_eq!((r2.as_str(), created), (reference.as_str(), false));
        // The customer quoting the reference in a new message (no headers) joins it too,
        // even though it went to another mailbox.
        let quoted = format!(
            "From: jo@example.org\r\nTo: highways@council.example\r\nSubject: [{reference}] one more thing\r\n\
         Message-ID: <quoted-1@example.org>\r\n\r\nAlso the parking permit.\r\n"
        );
        let (_, r3, _) = contact(&ing, quoted.into_bytes()).await;
        assert_eq!(r3, reference);
        assert_eq!(cases(&store).await, 1);
    }
);

on_both!(auto_replies_and_bounces_open_no_case, |ing, store, _files| {
    let (_, reference, _) = contact(&ing, fixture("plain.eml")).await;
    let case_id = store.case(&reference.parse().unwrap()).await.unwrap().id;
    let auto = ing.ingest(fixture("autoreply.eml"), None, None).await.unwrap();
    assert_eq!(
        auto,
        Ingested::Notice {
            kind: "auto_reply",
            case_id: Some(case_id)
        }
    );
    let ooo = ing.ingest(fixture("ooo.eml"), None, None).await.unwrap();
    assert_eq!(
        ooo,
        Ingested::Notice {
            kind: "auto_reply",
            case_id: None
        }
    );
    assert_eq!(
        store.identity_undeliverable("email", "jo@example.org").await.unwrap(),
        Some(false)
    );
    let bounce = ing.ingest(fixture("bounce-dsn.eml"), None, None).await.unwrap();
    assert!(matches!(bounce, Ingested::Notice { kind: "bounce", .. }));
    assert_eq!(
        store.identity_undeliverable("email", "jo@example.org").await.unwrap(),
        Some(true)
    );
    assert_eq!(
        ing.ingest(fixture("bounce-dsn.eml"), None, None).await.unwrap(),
        Ingested::AlreadyPresent
    );
    assert_eq!(cases(&store).await, 1, "no notice opened a case");
    assert_eq!(store.email_notices(Some(case_id)).await.unwrap().len(), 1);
    assert_eq!(store.email_notices(None).await.unwrap().len(), 3);
});

on_both!(the_same_message_again_and_again_is_a_loop, |ing, store, _files| {
    let msg = |n: usize| {
        format!("From: robot@example.org\r\nTo: revsbens@council.example\r\nSubject: Status\r\nMessage-ID: <loop-{n}@example.org>\r\n\r\nAll is well.\r\n")
            .into_bytes()
    };
    for n in 0..3 {
        contact(&ing, msg(n)).await;
    }
    assert!(matches!(
        ing.ingest(msg(3), None, None).await.unwrap(),
        Ingested::Notice { kind: "loop", .. }
    ));
    assert_eq!(cases(&store).await, 1);
});

on_both!(what_is_not_a_message_is_refused, |ing, store, _files| {
    assert!(matches!(
        ing.ingest(fixture("not-a-message.txt"), None, None).await,
        Err(IngestError::NotAMessage(_))
    ));
    let malformed = ing.ingest(fixture("malformed.eml"), None, None).await.unwrap();
    assert!(
        matches!(malformed, Ingested::Contact { .. }),
        "malformed MIME is still stored"
    );
    for f in ["encoded.eml", "nested.eml"] {
        contact(&ing, fixture(f)).await;
    }
    assert_eq!(cases(&store).await, 3);
});

on_both!(
    email_intake_gives_a_new_case_the_configured_service_level,
    |_ing, store, files| {
        use heard_core::service_level::{ServiceLevel, ServiceLevels};
        let levels = ServiceLevels::new(vec![ServiceLevel {
            service: Some("revenues-and-benefits".into()),
            kind: None,
            first_response_days: 1,
            resolution_days: 5,
            next_update_days: Some(3),
            warn_before_hours: None,
        }])
        .unwrap();
        let settings = MailSettings {
            mailboxes: vec![Mailbox {
                address: "revsbens@council.example".into(),
                service: Some("revenues-and-benefits".into()),
            }],
            service_levels: levels.clone(),
            ..Default::default()
        };
        let ing = Ingestor::new(store.clone(), files, settings, "HRD", "customer-services")
            .await
            .unwrap();
        let (id, reference, _) = contact(&ing, fixture("plain.eml")).await;
        let received = store.contact(id, "HRD").await.unwrap().received_at;
        let case = store.case(&reference.parse().unwrap()).await.unwrap();
        let targets = levels.targets("revenues-and-benefits", case.kind);
        let (first, due) = heard_store::clocks::new_case_deadlines(received.as_millisecond(), targets);
        let ms = |t: Option<jiff::Timestamp>| t.map(|t| t.as_millisecond());
        assert!(first.is_some() && due.is_some());
        assert_eq!((ms(case.first_response_due_at), ms(case.due_at)), (first, due));
    }
);
