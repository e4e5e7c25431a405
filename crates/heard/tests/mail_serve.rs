//! `heard serve` with `[email.imap]` and `[email.smtp]` against real servers started here
//! (Dovecot, aiosmtpd): mail delivered to the council mailbox becomes a contact in the
//! mailbox's service and leaves the inbox; a reply put in the outbox reaches the SMTP server.

#[path = "../../heard-channels/tests/common/mod.rs"]
mod common;

use heard_channels::imap::{ImapAccount, connect};
use heard_channels::smtp::{Outbox, Reply, Security, SmtpSettings};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const USER: &str = "revsbens@council.example";

fn account(port: u16) -> ImapAccount {
    ImapAccount {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: USER.into(),
        password: "secret".into(),
        folder: "INBOX".into(),
        done_folder: "heard-done".into(),
        address: USER.into(),
        ca_file: None,
    }
}

async fn in_folder(port: u16, folder: &str) -> usize {
    let mut s = connect(&account(port)).await.unwrap();
    s.select(folder).await.map(|_| ()).unwrap_or(());
    let n = s.uid_search("ALL").await.map(|u| u.len()).unwrap_or(0);
    let _ = s.logout().await;
    n
}

async fn wait_until<F: std::future::Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reads_mailboxes_and_sends_replies() {
    let dir = tempfile::tempdir().unwrap();
    let (imap_port, smtp_port) = (common::free_port(), common::free_port());
    let Some(_dovecot) = common::dovecot(imap_port, &dir.path().join("dovecot"), &[USER]) else {
        return;
    };
    let sink = dir.path().join("sink");
    let Some(_smtp) = common::aiosmtpd(smtp_port, &sink) else {
        return;
    };
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("heard.toml"),
        format!(
            "[email]\n\
             [[email.mailboxes]]\naddress = \"{USER}\"\nservice = \"revenues-and-benefits\"\nimap_password_env = \"HEARD_TEST_IMAP_PASSWORD\"\n\
             [email.imap]\nhost = \"127.0.0.1\"\nport = {imap_port}\nsecurity = \"none\"\npoll_seconds = 5\n\
             [email.smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"none\"\nfrom = \"Council <{USER}>\"\nevery_seconds = 1\n\
             [[services]]\nslug = \"customer-services\"\nname = \"Customer Services\"\n\
             [[services]]\nslug = \"revenues-and-benefits\"\nname = \"Revenues and Benefits\"\n"
        ),
    )
    .unwrap();
    let heard = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_heard"));
        c.arg("--data-dir")
            .arg(&data)
            .env("RUST_LOG", "warn")
            .env_remove("HEARD_CONFIG");
        c
    };
    assert!(heard().arg("migrate").stdout(Stdio::null()).status().unwrap().success());
    let listen = format!("127.0.0.1:{}", common::free_port());
    let child = heard()
        .args(["serve", "--listen", &listen])
        .env("HEARD_TEST_IMAP_PASSWORD", "secret")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let _serve = common::Server { child, port: 0 };

    // Mail arrives in the council mailbox: heard stores it and moves it out of the inbox.
    let raw = std::fs::read(format!(
        "{}/../heard-channels/tests/fixtures/plain.eml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut s = connect(&account(imap_port)).await.unwrap();
    s.append("INBOX", None, None, &raw).await.unwrap();
    s.logout().await.unwrap();
    wait_until("the message to be moved to heard-done", || async move {
        in_folder(imap_port, "heard-done").await == 1
    })
    .await;
    assert_eq!(in_folder(imap_port, "INBOX").await, 0);

    let store = heard_store::Store::open(
        &format!("sqlite://{}", data.join("heard.db").display()),
        &heard_store::StoreOptions::default(),
    )
    .await
    .unwrap();
    assert!(store.email_known("plain-1@example.org").await.unwrap());
    let f = heard_store::queries::ContactFilter {
        limit: Some(10),
        ..Default::default()
    };
    let contact = store.list_contacts(&f, "HRD").await.unwrap().items.remove(0);
    let case = store.case(&contact.case_reference).await.unwrap();
    assert_eq!(case.service, "revenues-and-benefits");

    // A reply in the outbox leaves through the SMTP server heard serve is configured with.
    let files = heard_store::files::FileStore::local(data.join("files"));
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: smtp_port,
        security: Security::None,
        credentials: None,
        from: format!("Council <{USER}>"),
        ca_file: None,
    };
    let outbox = Outbox::new(store.clone(), files, &settings).unwrap();
    let reply = Reply {
        case_id: case.id,
        case_reference: contact.case_reference.to_string(),
        to: "jo@example.org".into(),
        subject: "Re: Council tax".into(),
        body: "Done.".into(),
        attachments: Vec::new(),
    };
    outbox.queue(&reply).await.unwrap();
    let new = sink.join("new");
    // So does heard's own acknowledgement of the new case to the sender (`[updates]`).
    wait_until("the reply and the acknowledgement to reach the SMTP server", || {
        let n = std::fs::read_dir(&new).map(|d| d.count()).unwrap_or(0);
        async move { n == 2 }
    })
    .await;
    let mut sent: Vec<String> = store
        .outbox(Some(case.id), Some("sent"))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.subject)
        .collect();
    sent.sort();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].starts_with("Re: Council tax"), "{sent:?}");
    assert!(sent[1].starts_with("We have received your message ["), "{sent:?}");
}
