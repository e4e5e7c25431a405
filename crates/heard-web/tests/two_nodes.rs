//! Two `heard serve` nodes sharing one PostgreSQL behave as one: contacts taken in by
//! either node land on one customer and one case, and background jobs run once.

use heard_store::seed::{ServiceSpec, TeamSpec};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_store::{Store, StoreOptions};
use heard_web::{AppState, WebSettings, files::FileStore};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

async fn node(url: &str, files: &std::path::Path) -> (String, Store) {
    let store = Store::open(url, &StoreOptions::default()).await.unwrap();
    let state = AppState::new(store.clone(), WebSettings::default(), FileStore::local(files))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(heard_web::serve(listener, state, std::future::pending()));
    (base, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_one_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    let setup = db.store().await;
    setup
        .upsert_catalogue(
            &[TeamSpec {
                slug: "cc".into(),
                name: "Contact Centre".into(),
            }],
            &[
                ServiceSpec {
                    slug: "customer-services".into(),
                    name: "Customer Services".into(),
                    keywords: vec![],
                    team: None,
                },
                ServiceSpec {
                    slug: "waste".into(),
                    name: "Waste".into(),
                    keywords: vec!["bin".into()],
                    team: None,
                },
            ],
            &[],
        )
        .await
        .unwrap();
    let uid = setup
        .upsert_user(&NewUser {
            email: "agent@test.heard".into(),
            name: "Agent".into(),
            role: heard_core::Role::Agent,
            team: None,
            services: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let token = setup.create_token(uid, "nodes").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (a, store_a) = node(&db.url, dir.path()).await;
    let (b, store_b) = node(&db.url, dir.path()).await;

    // 20 residents each write 4 times, alternately to each node, all at once.
    let http = reqwest::Client::new();
    let mut tasks = Vec::new();
    for person in 0..20 {
        for n in 0..4 {
            let (http, token) = (http.clone(), token.clone());
            let base = if (person + n) % 2 == 0 { a.clone() } else { b.clone() };
            tasks.push(tokio::spawn(async move {
                let body = json!({"channel": "email", "from": format!("resident{person}@example.org"),
                    "subject": "Missed bin", "body": format!("bin not emptied, message {n}"), "external_id": format!("<{person}.{n}@example.org>")});
                let r = http.post(format!("{base}/api/v1/contacts")).bearer_auth(&token).json(&body).send().await.unwrap();
                assert_eq!(r.status(), 201);
                let v: Value = r.json().await.unwrap();
                (person, v["customer"]["id"].as_i64().unwrap(), v["case"]["reference"].as_str().unwrap().to_string())
            }));
        }
    }
    let mut by_person: BTreeMap<i32, (BTreeSet<i64>, BTreeSet<String>)> = BTreeMap::new();
    for t in tasks {
        let (person, customer, case) = t.await.unwrap();
        let e = by_person.entry(person).or_default();
        e.0.insert(customer);
        e.1.insert(case);
    }
    for (person, (customers, cases)) in &by_person {
        assert_eq!(customers.len(), 1, "resident {person} became {customers:?}");
        assert_eq!(cases.len(), 1, "resident {person} has cases {cases:?}");
    }
    // A replayed message on the other node is the same contact.
    let replay = json!({"channel": "email", "from": "resident0@example.org", "subject": "Missed bin", "body": "bin not emptied, message 0", "external_id": "<0.0@example.org>"});
    let r = http
        .post(format!("{b}/api/v1/contacts"))
        .bearer_auth(&token)
        .json(&replay)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Jobs queued once are run once, whichever node claims them.
    for i in 0..30 {
        setup
            .enqueue_job("sweep", &json!({"n": i}), jiff::Timestamp::now())
            .await
            .unwrap();
    }
    let mut workers = Vec::new();
    for (name, store) in [
        ("node-a", store_a.clone()),
        ("node-b", store_b.clone()),
        ("node-a2", store_a),
        ("node-b2", store_b),
    ] {
        workers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            while let Some(job) = store
                .claim_job(name, &["sweep"], jiff::SignedDuration::from_secs(30))
                .await
                .unwrap()
            {
                assert!(store.complete_job(job.id, name).await.unwrap());
                done.push(job.id);
            }
            done
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let unique: BTreeSet<_> = all.iter().collect();
    assert_eq!((all.len(), unique.len()), (30, 30));
}
