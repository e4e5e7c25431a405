//! Routing learned from the council's own history, end to end: keywords route until there
//! is history; a model trained from settled cases then routes new contacts (and says so on
//! the case); what it is unsure of waits in the "To route" queue with its best guess, and
//! an agent's one click sends it on and is recorded as a correction. On SQLite and
//! PostgreSQL.

mod common;

use common::{TestApp, no_redirects, spawn_with};
use heard_core::Role;
use heard_core::contact::{ContactInput, ContactLimits};
use heard_store::testing::TestDb;
use heard_understand::route::LiveRouter;
use heard_web::routing::{Routing, Trained, train_from_history};
use reqwest::StatusCode;
use std::time::Duration;

async fn app(db: TestDb, model_dir: &std::path::Path) -> (TestApp, Routing) {
    let (model, problem) = LiveRouter::open(model_dir, 0.75);
    assert!(problem.is_none());
    let routing = Routing {
        model,
        triage_service: "triage".into(),
        retrain_after: 20,
        retrain_every: Duration::from_secs(7 * 24 * 3600),
    };
    let settings = heard_web::WebSettings {
        routing: Some(routing.clone()),
        ..Default::default()
    };
    // As `heard serve` does: the triage service exists before the web reads its services.
    let store = db.store().await;
    store
        .ensure_triage_service("triage", "Triage: to be routed", None)
        .await
        .unwrap();
    store.close().await;
    let app = spawn_with(db, settings).await;
    (
        TestApp {
            http: no_redirects(&app),
            ..app
        },
        routing,
    )
}

/// Last year's settled cases: reported to each service in many words, then closed.
async fn settle_history(app: &TestApp) {
    let places = [
        "Mill Lane",
        "the High Street",
        "Church Road",
        "Station Road",
        "Park Avenue",
    ];
    let texts: [(&str, &[&str]); 3] = [
        (
            "highways",
            &[
                "There is a deep pothole in the road on {p}, cars swerve round it",
                "The pavement on {p} is broken and a paving slab is sticking up",
                "Road surface crumbling on {p}, the potholes keep getting bigger",
                "A sunken drain cover in the carriageway on {p} is damaging tyres",
                "Cracked tarmac and a pothole by the bus stop on {p}",
                "The road markings have worn away at the junction on {p}",
            ],
        ),
        (
            "street-lighting",
            &[
                "The street light outside number 4 on {p} has been out for a week",
                "A lamp post on {p} is flickering on and off all night",
                "Street lamp on {p} stays on all day, wasting electricity",
                "The lamp column on {p} was hit by a car and is leaning",
                "Two street lights out on {p}, it is very dark walking home",
                "The light on {p} buzzes and flashes orange at night",
            ],
        ),
        (
            "revenues-and-benefits",
            &[
                "I have moved out of my flat on {p}, please close my council tax account",
                "My council tax bill for {p} is wrong, I should get the single person discount",
                "Can I pay my council tax in twelve instalments instead of ten",
                "I was charged twice by direct debit for council tax this month",
                "Please send me a copy of my council tax bill, I live on {p}",
                "Question about the council tax band of my house on {p}",
            ],
        ),
    ];
    let mut n = 0;
    for (service, templates) in texts {
        for t in templates {
            for p in places {
                n += 1;
                let contact = heard_core::NewContact::validate(
                    ContactInput {
                        channel: "web_form".into(),
                        from: format!("resident{n}@example.com"),
                        body: t.replace("{p}", p),
                        service: Some(service.into()),
                        ..Default::default()
                    },
                    jiff::Timestamp::now(),
                    &ContactLimits::default(),
                )
                .unwrap();
                let config = app.store.intake_config("HRD", "customer-services").await.unwrap();
                let done = app.store.intake(&contact, &[], &[], &config).await.unwrap();
                app.store
                    .set_case_status(&done.case_reference, heard_core::CaseStatus::Closed, None)
                    .await
                    .unwrap();
            }
        }
    }
}

async fn new_contact(app: &TestApp, from: &str, body: &str) -> (String, String) {
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(serde_json::json!({"channel": "web_form", "from": from, "body": body})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["case"]["reference"].as_str().unwrap().to_string(),
        v["case"]["service"].as_str().unwrap_or_default().to_string(),
    )
}

async fn routing_learns_from_history_and_from_corrections(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let (app, routing) = app(db, &dir.path().join("route-model")).await;

    // No model yet: the services' keywords route, as before (every test service has "pothole").
    let (first, service) = new_contact(&app, "first@example.com", "A pothole outside my house").await;
    assert_ne!(service, "triage");

    // Too little history: nothing is trained, keywords keep routing.
    match train_from_history(&app.store, &routing).await.unwrap() {
        Trained::TooLittle { .. } => {}
        other => panic!("expected too little history, got {other:?}"),
    }

    settle_history(&app).await;
    match train_from_history(&app.store, &routing).await.unwrap() {
        Trained::Model { info, corrections } => {
            assert_eq!(corrections, 0);
            assert!(info.labels.len() >= 3, "{:?}", info.labels);
        }
        other => panic!("expected a model, got {other:?}"),
    }
    assert!(
        dir.path().join("route-model").join("route.model").exists(),
        "the model is on disk"
    );

    // A street light, in words no keyword knows: the model routes it, and the case says how.
    let (reference, service) = new_contact(
        &app,
        "second@example.com",
        "The lamp post on Elm Grove has been flickering every night this week",
    )
    .await;
    assert_eq!(service, "street-lighting");
    let agent = app
        .sign_in_as("router@test.heard", "Rita Router", Role::Agent, &[])
        .await;
    let (s, html) = agent.page(&format!("/cases/{reference}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("routed by the model learned from past cases"), "{html}");
    let (_, html) = agent.page(&format!("/cases/{first}")).await;
    assert!(html.contains("routed by the service&#39;s keywords"), "{html}");

    // Something the model cannot place waits in "To route" with its best guess.
    let (reference, service) = new_contact(&app, "third@example.com", "I want to speak to a manager").await;
    assert_eq!(service, "triage");
    let (_, html) = agent.page("/cases?view=triage").await;
    assert!(html.contains(&reference), "{html}");
    let (_, html) = agent.page(&format!("/cases/{reference}")).await;
    assert!(html.contains("Route this case"), "{html}");
    assert!(html.contains("Routing was not sure where this belongs"), "{html}");
    let guess = ["Potholes and roads", "Street lights", "Council tax"]
        .into_iter()
        .find(|name| html.contains(&format!("Send to {name}")))
        .expect("a one-click send to the best guess");
    let slug = match guess {
        "Potholes and roads" => "highways",
        "Street lights" => "street-lighting",
        _ => "revenues-and-benefits",
    };

    // One click sends it on; the correction is recorded, and the queue empties.
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(5);
    let (s, _, _) = agent
        .post(
            &format!("/cases/{reference}/transfer"),
            &[("service", slug), ("reason", "Routed from triage")],
        )
        .await;
    assert!(s.is_redirection(), "{s}");
    assert_eq!(app.store.routing_corrections_since(since).await.unwrap(), 1);
    let case = app.store.case(&reference.parse().unwrap()).await.unwrap();
    assert_eq!(case.service, slug);

    // The next training counts it.
    match train_from_history(&app.store, &routing).await.unwrap() {
        Trained::Model { corrections, .. } => assert_eq!(corrections, 1),
        other => panic!("expected a model, got {other:?}"),
    }

    // The public report form does not offer the triage service.
    let html = app
        .http
        .get(app.url("/report"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Street lights"), "{html}");
    assert!(!html.contains("Triage: to be routed"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    routing_learns_from_history_and_from_corrections(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if let Some(db) = TestDb::postgres().await {
        routing_learns_from_history_and_from_corrections(db).await;
    }
}
