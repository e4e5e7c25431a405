//! Replies through the outbox to a real SMTP server (aiosmtpd, started here): queued while
//! the server is down they wait as pending and are retried; once it is up they leave with
//! the threading headers, the case reference, a text part and the attachments.

mod common;

use heard_channels::ingest::{Ingested, Ingestor, MailSettings};
use heard_channels::smtp::{Outbox, Reply, Security, SmtpSettings};
use heard_store::files::FileStore;
use heard_store::seed::ServiceSpec;
use heard_store::testing::TestDb;
use mail_parser::{MessageParser, MimeHeaders};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_wait_in_the_outbox_until_the_server_takes_them() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let services = [ServiceSpec {
        slug: "customer-services".into(),
        name: "Customer Services".into(),
        keywords: Vec::new(),
        team: None,
    }];
    store.upsert_catalogue(&[], &services, &[]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = FileStore::local(dir.path().join("files"));
    let ingestor = Ingestor::new(
        store.clone(),
        files.clone(),
        MailSettings::default(),
        "HRD",
        "customer-services",
    )
    .await
    .unwrap();
    let raw = std::fs::read(format!("{}/tests/fixtures/plain.eml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let Ingested::Contact { case_reference, .. } = ingestor.ingest(raw, None, None).await.unwrap() else {
        panic!("not a contact");
    };
    let case = store.case(&case_reference.parse().unwrap()).await.unwrap();

    let port = common::free_port();
    let outbox = Outbox::new(
        store.clone(),
        files,
        &SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            credentials: None,
            from: "Demoshire Council <contact@council.example>".into(),
            ca_file: None,
        },
    )
    .unwrap();
    let reply = Reply {
        case_id: case.id,
        case_reference: case_reference.clone(),
        to: "Jo Bloggs <jo@example.org>".into(),
        subject: "Re: Council tax for 12 Wharf Road".into(),
        body: "Dear Jo,\n\nYour account is updated.\n".into(),
        attachments: vec![("bill.pdf".into(), "application/pdf".into(), b"%PDF-1.4 bill".to_vec())],
    };
    let (_, message_id) = outbox.queue(&reply).await.unwrap();

    // The server is down: the reply stays pending, with the error and a later retry.
    let now = jiff::Timestamp::now();
    let round = outbox.deliver_due(now).await.unwrap();
    assert_eq!((round.sent, round.retrying), (0, 1));
    let pending = store.outbox(Some(case.id), Some("pending")).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].attempts, 1);
    assert!(pending[0].last_error.is_some() && pending[0].next_attempt_at > now);
    assert_eq!(outbox.deliver_due(now).await.unwrap().retrying, 0, "not due again yet");

    // The server comes up; at the retry time the reply leaves.
    let maildir = dir.path().join("sink");
    let Some(_server) = common::aiosmtpd(port, &maildir) else {
        return;
    };
    let later = now + jiff::SignedDuration::from_hours(2);
    assert_eq!(outbox.deliver_due(later).await.unwrap().sent, 1);
    assert!(store.outbox(Some(case.id), Some("pending")).await.unwrap().is_empty());
    assert_eq!(store.outbox(Some(case.id), Some("sent")).await.unwrap().len(), 1);

    let delivered: Vec<_> = std::fs::read_dir(maildir.join("new"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(delivered.len(), 1);
    let bytes = std::fs::read(&delivered[0]).unwrap();
    let m = MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(m.message_id(), Some(message_id.as_str()));
    assert_eq!(m.in_reply_to().as_text(), Some("plain-1@example.org"));
    assert!(m.subject().unwrap().contains(&format!("[{case_reference}]")));
    assert_eq!(
        m.body_text(0).as_deref().map(str::trim),
        Some("Dear Jo,\n\nYour account is updated.")
    );
    assert_eq!(m.attachment(0).and_then(|a| a.attachment_name()), Some("bill.pdf"));
    assert!(m.header_raw("X-Heard-Loop").is_some());

    // Once mail to the customer bounces, a reply to that address is refused at once.
    let bounce = std::fs::read(format!("{}/tests/fixtures/bounce-dsn.eml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    ingestor.ingest(bounce, None, None).await.unwrap();
    let refused = outbox.queue(&reply).await.unwrap_err();
    assert!(refused.to_string().contains("undeliverable"), "{refused}");

    // The customer's answer to it threads back to the case by In-Reply-To alone.
    let answer = format!(
        "From: jo@example.org\r\nTo: contact@council.example\r\nSubject: thanks\r\nMessage-ID: <answer-1@example.org>\r\n\
         In-Reply-To: <{message_id}>\r\n\r\nThank you.\r\n"
    );
    match ingestor.ingest(answer.into_bytes(), None, None).await.unwrap() {
        Ingested::Contact { case_reference: r, .. } => assert_eq!(r, case_reference),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_with_the_councils_own_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let Some((ca, cert, key)) = common::test_certificates(dir.path()) else {
        return;
    };
    let port = common::free_port();
    let maildir = dir.path().join("sink");
    let Some(_server) = common::aiosmtpd_with(port, &maildir, Some((&cert, &key))) else {
        return;
    };
    let db = TestDb::sqlite();
    let store = db.store().await;
    let files = FileStore::local(dir.path().join("files"));
    let settings = |ca_file| SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::StartTls,
        credentials: None,
        from: "contact@council.example".into(),
        ca_file,
    };
    let email = heard_store::outbox::NewOutgoingEmail {
        case_id: None,
        message_id: "tls-1@council.example".into(),
        in_reply_to: None,
        references: Vec::new(),
        from: "contact@council.example".into(),
        to: "jo@example.org".into(),
        subject: "Over TLS".into(),
        body: "Hello".into(),
        attachments: Vec::new(),
    };
    store.enqueue_email(&email).await.unwrap();
    // An unknown certificate: not sent, still pending. (A round run "in the future" still
    // tries each email once: its retry is after that time.)
    let untrusted = Outbox::new(store.clone(), files.clone(), &settings(None)).unwrap();
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
    assert_eq!(untrusted.deliver_due(later).await.unwrap().retrying, 1);
    // Trusting the council's CA: sent over STARTTLS.
    let trusted = Outbox::new(store.clone(), files, &settings(Some(ca))).unwrap();
    let later = later + jiff::SignedDuration::from_hours(2);
    assert_eq!(trusted.deliver_due(later).await.unwrap().sent, 1);
    assert_eq!(std::fs::read_dir(maildir.join("new")).unwrap().count(), 1);
}
