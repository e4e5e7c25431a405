//! IMAP intake against a real Dovecot started here: messages are stored then moved to the
//! done folder, each mailbox's mail goes to its own service, a repeat is not stored twice,
//! and IDLE picks up new mail at once.

mod common;

use futures_util::TryStreamExt;
use heard_channels::imap::{ImapAccount, ImapIntake, Round, connect};
use heard_channels::ingest::{Ingestor, MailSettings, Mailbox};
use heard_channels::smtp::Security;
use heard_store::files::FileStore;
use heard_store::seed::ServiceSpec;
use heard_store::testing::TestDb;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

fn account(port: u16, user: &str) -> ImapAccount {
    ImapAccount {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: user.into(),
        password: "secret".into(),
        folder: "INBOX".into(),
        done_folder: "heard-done".into(),
        address: user.into(),
        ca_file: None,
    }
}

async fn count(port: u16, user: &str, folder: &str) -> usize {
    let mut s = connect(&account(port, user)).await.unwrap();
    s.select(folder).await.unwrap();
    let n = s.uid_search("ALL").await.unwrap().len();
    s.logout().await.unwrap();
    n
}

async fn deliver(port: u16, user: &str, raw: &[u8]) {
    let mut s = connect(&account(port, user)).await.unwrap();
    s.append("INBOX", None, None, raw).await.unwrap();
    s.logout().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailboxes_are_read_moved_and_watched() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let users = ["revsbens@council.example", "registrar@council.example"];
    let Some(_dovecot) = common::dovecot(port, &dir.path().join("dovecot"), &users) else {
        return;
    };
    let db = TestDb::sqlite();
    let store = db.store().await;
    let services = ["customer-services", "revenues-and-benefits", "registrar"].map(|s| ServiceSpec {
        slug: s.into(),
        name: s.into(),
        keywords: Vec::new(),
        team: None,
    });
    store.upsert_catalogue(&[], &services, &[]).await.unwrap();
    let settings = MailSettings {
        mailboxes: vec![
            Mailbox {
                address: users[0].into(),
                service: Some("revenues-and-benefits".into()),
            },
            Mailbox {
                address: users[1].into(),
                service: Some("registrar".into()),
            },
        ],
        ..Default::default()
    };
    let files = FileStore::local(dir.path().join("files"));
    let ingestor = Ingestor::new(store.clone(), files, settings, "HRD", "customer-services")
        .await
        .unwrap();
    let revs = ImapIntake::new(account(port, users[0]), ingestor.clone(), store.clone());
    let registrar = ImapIntake::new(account(port, users[1]), ingestor.clone(), store.clone());

    deliver(port, users[0], &fixture("plain.eml")).await;
    deliver(port, users[0], &fixture("autoreply.eml")).await;
    deliver(port, users[0], b"just some bytes, not an email").await;
    // To the registrar's mailbox: its service is the registrar's.
    deliver(port, users[1], &fixture("encoded.eml")).await;

    let round = revs.run_once().await.unwrap();
    assert_eq!(
        round,
        Round {
            imported: 2,
            already_present: 0,
            rejected: 1
        }
    );
    assert_eq!(count(port, users[0], "INBOX").await, 0, "handled mail leaves the inbox");
    assert_eq!(count(port, users[0], "heard-done").await, 3);
    let mut s = connect(&account(port, users[0])).await.unwrap();
    s.select("heard-done").await.unwrap();
    assert_eq!(s.uid_search("SEEN").await.unwrap().len(), 3);
    assert_eq!(s.uid_search("KEYWORD $HeardRejected").await.unwrap().len(), 1);
    let fetched: Vec<_> = s.uid_fetch("1:*", "FLAGS").await.unwrap().try_collect().await.unwrap();
    assert_eq!(fetched.len(), 3);
    drop(fetched);
    s.logout().await.unwrap();

    assert_eq!(registrar.run_once().await.unwrap().imported, 1);
    let case = |id: &'static str| {
        let store = store.clone();
        async move {
            let f = heard_store::queries::ContactFilter {
                limit: Some(50),
                ..Default::default()
            };
            let contacts = store.list_contacts(&f, "HRD").await.unwrap().items;
            let c = contacts
                .into_iter()
                .find(|c| c.external_id.as_deref() == Some(id))
                .unwrap();
            store.case(&c.case_reference).await.unwrap().service
        }
    };
    assert_eq!(case("plain-1@example.org").await, "revenues-and-benefits");
    assert_eq!(case("encoded-1@example.org").await, "registrar");

    // The same message again (a re-delivery, or a restart before the move): stored once.
    deliver(port, users[0], &fixture("plain.eml")).await;
    assert_eq!(
        revs.run_once().await.unwrap(),
        Round {
            imported: 0,
            already_present: 1,
            rejected: 0
        }
    );

    // Watching: IDLE wakes intake as soon as mail arrives (the poll interval is far longer).
    let watcher = revs.clone();
    let task = tokio::spawn(async move { watcher.run(Duration::from_secs(300), std::future::pending()).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    deliver(port, users[0], &fixture("reply.eml")).await;
    let started = Instant::now();
    while !store.email_known("reply-1@example.net").await.unwrap() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "IDLE did not pick up new mail"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    task.abort();
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imaps_with_the_councils_own_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let Some((ca, cert, key)) = common::test_certificates(dir.path()) else {
        return;
    };
    let port = common::free_port();
    let user = "revsbens@council.example";
    let Some(_dovecot) = common::dovecot_with(port, &dir.path().join("dovecot"), &[user], Some((&cert, &key))) else {
        return;
    };
    let tls = |ca_file: Option<std::path::PathBuf>| ImapAccount {
        security: Security::Tls,
        ca_file,
        ..account(port, user)
    };
    // Not trusted by the public roots: refused.
    assert!(
        connect(&tls(None)).await.is_err(),
        "an unknown certificate must be refused"
    );
    // Trusted through ca_file: logged in over TLS.
    let mut s = connect(&tls(Some(ca))).await.unwrap();
    s.select("INBOX").await.unwrap();
    s.logout().await.unwrap();
}
