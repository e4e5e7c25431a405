//! An imported email as staff see it through the API: the HTML body sanitised (scripts
//! gone, remote images only when asked, inline images served from the contact's own
//! attachments), and every file — the raw `original.eml` included — downloadable.

use heard_channels::ingest::{Ingested, Ingestor, MailSettings};
use heard_core::Role;
use heard_store::seed::ServiceSpec;
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_web::{AppState, WebSettings, files::FileStore};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../heard-channels/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_html_is_sanitised_and_files_download() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let services = [ServiceSpec {
        slug: "customer-services".into(),
        name: "Customer Services".into(),
        keywords: Vec::new(),
        team: None,
    }];
    store.upsert_catalogue(&[], &services, &[]).await.unwrap();
    let user = store
        .upsert_user(&NewUser {
            email: "agent@test.heard".into(),
            name: "Agent".into(),
            role: Role::Agent,
            team: None,
            services: Vec::new(),
            password_hash: None,
        })
        .await
        .unwrap();
    let token = store.create_token(user, "test").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = FileStore::local(dir.path());
    let ingestor = Ingestor::new(
        store.clone(),
        files.clone(),
        MailSettings::default(),
        "HRD",
        "customer-services",
    )
    .await
    .unwrap();
    let Ingested::Contact {
        contact_id: html_id, ..
    } = ingestor.ingest(fixture("nested.eml"), None, None).await.unwrap()
    else {
        panic!("not a contact")
    };
    let Ingested::Contact {
        contact_id: text_id, ..
    } = ingestor.ingest(fixture("plain.eml"), None, None).await.unwrap()
    else {
        panic!("not a contact")
    };
    let state = AppState::new(store, WebSettings::default(), files).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(heard_web::serve(listener, state, std::future::pending()));
    let http = reqwest::Client::new();
    let get = |path: String| http.get(format!("{base}{path}")).bearer_auth(&token).send();

    let r = get(format!("/api/v1/contacts/{html_id}/html")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(html.contains("<b>4 Castle Street</b>"), "{html}");
    assert!(!html.contains("script") && !html.contains("tracker.example"), "{html}");
    let src = html
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the inline image stays");
    assert!(
        src.starts_with(&format!("/api/v1/contacts/{html_id}/attachments/")),
        "{src}"
    );
    let image = get(src.to_string()).await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    assert!(image.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let remote = get(format!("/api/v1/contacts/{html_id}/html?remote_images=true"))
        .await
        .unwrap();
    assert!(
        remote
            .text()
            .await
            .unwrap()
            .contains("https://tracker.example/open.gif")
    );

    let contact: serde_json::Value = get(format!("/api/v1/contacts/{html_id}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let raw_id = contact["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["filename"] == "original.eml")
        .map(|a| a["id"].as_i64().unwrap())
        .expect("the raw message is kept");
    let raw = get(format!("/api/v1/contacts/{html_id}/attachments/{raw_id}"))
        .await
        .unwrap();
    assert_eq!(
        raw.headers()["content-disposition"],
        "attachment; filename=\"original.eml\""
    );
    assert!(String::from_utf8_lossy(&raw.bytes().await.unwrap()).contains("Message-ID: <nested-1@example.org>"));

    assert_eq!(
        get(format!("/api/v1/contacts/{text_id}/html")).await.unwrap().status(),
        404
    );
    assert_eq!(
        get(format!("/api/v1/contacts/{html_id}/attachments/999999"))
            .await
            .unwrap()
            .status(),
        404
    );
}
