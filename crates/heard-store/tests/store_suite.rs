//! The store test-suite: every test runs against SQLite and against PostgreSQL, so
//! the two engines are held to the same behaviour.

use heard_core::calendar::{Calendar, Region};
use heard_core::contact::{ContactInput, ContactLimits};
use heard_core::service_level::{ServiceLevel, ServiceLevels};
use heard_core::{CaseKind, CaseStatus, Channel, NewContact, Role, Router, ServiceRule};
use heard_store::queries::{CaseFilter, ContactFilter, CustomerFilter};
use heard_store::seed::{ServiceSpec, TeamSpec};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_store::{IntakeConfig, SchemaState, Store, StoreError};
use jiff::{SignedDuration, Timestamp};

/// Runs `$body` (an async block using `store`) once on SQLite, once on PostgreSQL.
macro_rules! on_both {
    ($name:ident, |$store:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = TestDb::sqlite();
                let $store = prepared(&db).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = TestDb::postgres().await else {
                    return;
                };
                let $store = prepared(&db).await;
                $body
            }
        }
    };
}

async fn prepared(db: &TestDb) -> Store {
    let store = db.store().await;
    store
        .upsert_catalogue(
            &[TeamSpec {
                slug: "contact-centre".into(),
                name: "Contact Centre".into(),
            }],
            &[
                service("customer-services", &[]),
                service("highways", &["pothole", "pavement"]),
                service("waste", &["bin", "fly tipping"]),
            ],
            &[],
        )
        .await
        .unwrap();
    store
}

fn service(slug: &str, keywords: &[&str]) -> ServiceSpec {
    ServiceSpec {
        slug: slug.into(),
        name: slug.replace('-', " "),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        team: Some("contact-centre".into()),
    }
}

fn config() -> IntakeConfig {
    IntakeConfig {
        reference_prefix: "HRD".into(),
        router: Router::new(vec![
            ServiceRule {
                service: "highways".into(),
                keywords: vec!["pothole".into(), "pavement".into()],
            },
            ServiceRule {
                service: "waste".into(),
                keywords: vec!["bin".into(), "fly tipping".into()],
            },
        ]),
        default_service: "customer-services".into(),
        learned: None,
        service_levels: Default::default(),
    }
}

fn contact(channel: &str, from: &str, subject: &str, body: &str) -> NewContact {
    NewContact::validate(
        ContactInput {
            channel: channel.into(),
            from: from.into(),
            subject: Some(subject.into()),
            body: body.into(),
            ..Default::default()
        },
        Timestamp::now(),
        &ContactLimits::default(),
    )
    .unwrap()
}

on_both!(migrations_are_tracked, |store| {
    assert_eq!(store.schema_state().await.unwrap(), SchemaState::Current);
    assert_eq!(store.migrate().await.unwrap(), 0, "migrating twice applies nothing");
});

on_both!(intake_finds_or_creates_customer_and_case, |store| {
    let cfg = config();
    let a = store
        .intake(
            &contact(
                "email",
                "Ann <ann@example.org>",
                "Pothole on Mill Lane",
                "Deep pothole.",
            ),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    assert!(a.created && a.case_created && a.customer_created);
    assert_eq!(a.service, "highways");
    assert_eq!(a.case_reference.to_string(), format!("HRD-{:06}", a.case_id));

    // Same sender, same service: joins the open case.
    let b = store
        .intake(
            &contact("email", "ANN@example.org", "More on the pothole", "It is getting worse"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    assert_eq!(
        (b.customer_id, b.case_id, b.case_created),
        (a.customer_id, a.case_id, false)
    );

    // Same sender, another service: a new case for the same customer.
    let c = store
        .intake(
            &contact("email", "ann@example.org", "Missed bin", "Bin not collected"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    assert_eq!(c.customer_id, a.customer_id);
    assert_ne!(c.case_id, a.case_id);
    assert_eq!(c.service, "waste");

    // The same person by phone is a different identity until someone links them.
    let d = store
        .intake(
            &contact("phone", "07700 900123", "Call", "Asked about a bin"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    assert_ne!(d.customer_id, a.customer_id);

    let customer = store.customer(a.customer_id).await.unwrap();
    assert_eq!(customer.name, "Ann");
    assert_eq!(customer.identities[0].value, "ann@example.org");
});

on_both!(quoted_reference_joins_its_case, |store| {
    let cfg = config();
    let a = store
        .intake(
            &contact("email", "bob@example.org", "Pothole", "pothole"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    let waste = store
        .intake(&contact("email", "bob@example.org", "Bins", "bin"), &[], &[], &cfg)
        .await
        .unwrap();
    // A reply quoting the highways case joins it, though its words say "bin".
    let subject = format!("Re: [{}] bin by the pothole", a.case_reference);
    let r = store
        .intake(&contact("email", "bob@example.org", &subject, "bin"), &[], &[], &cfg)
        .await
        .unwrap();
    assert_eq!(r.case_id, a.case_id);
    assert_ne!(r.case_id, waste.case_id);
    // Another customer quoting it does not join someone else's case.
    let other = store
        .intake(
            &contact("email", "eve@example.org", &subject, "pothole"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    assert_ne!(other.case_id, a.case_id);
});

on_both!(external_id_makes_intake_idempotent, |store| {
    let cfg = config();
    let mut c = contact("facebook", "@pothole.spotter", "", "Pothole outside no. 4");
    c.external_id = Some("m_123".into());
    let first = store.intake(&c, &[], &[], &cfg).await.unwrap();
    let again = store.intake(&c, &[], &[], &cfg).await.unwrap();
    assert!(first.created && !again.created);
    assert_eq!((again.contact_id, again.case_id), (first.contact_id, first.case_id));
    let page = store.list_contacts(&ContactFilter::default(), "HRD").await.unwrap();
    assert_eq!(page.items.len(), 1, "no second copy");
    // The same id on another channel is another contact.
    let mut x = contact("x", "@pothole.spotter", "", "Pothole outside no. 4");
    x.external_id = Some("m_123".into());
    assert!(store.intake(&x, &[], &[], &cfg).await.unwrap().created);
});

on_both!(
    concurrent_intake_of_one_new_sender_makes_one_customer_and_case,
    |store| {
        let cfg = config();
        let mut tasks = Vec::new();
        for i in 0..16 {
            let (store, cfg) = (store.clone(), cfg.clone());
            tasks.push(tokio::spawn(async move {
                store
                    .intake(
                        &contact("email", "new@example.org", &format!("Pothole {i}"), "pothole"),
                        &[],
                        &[],
                        &cfg,
                    )
                    .await
                    .unwrap()
            }));
        }
        let mut outcomes = Vec::new();
        for t in tasks {
            outcomes.push(t.await.unwrap());
        }
        let customers: std::collections::BTreeSet<_> = outcomes.iter().map(|o| o.customer_id).collect();
        let cases: std::collections::BTreeSet<_> = outcomes.iter().map(|o| o.case_id).collect();
        assert_eq!(customers.len(), 1, "{outcomes:?}");
        assert_eq!(cases.len(), 1, "{outcomes:?}");
        assert_eq!(
            store
                .list_contacts(&ContactFilter::default(), "HRD")
                .await
                .unwrap()
                .items
                .len(),
            16
        );
    }
);

on_both!(failed_intake_leaves_nothing, |store| {
    let cfg = config();
    let mut c = contact("email", "carol@example.org", "Hello", "hello");
    c.service = Some("no-such-service".into());
    let err = store.intake(&c, &[], &[], &cfg).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let customers = store.list_customers(&CustomerFilter::default()).await.unwrap();
    assert!(
        customers.items.is_empty(),
        "the customer made before the failure was rolled back"
    );
});

on_both!(customer_reply_resumes_awaiting_case, |store| {
    let cfg = config();
    let a = store
        .intake(
            &contact("email", "dan@example.org", "Pothole", "pothole"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    store
        .set_case_status(&a.case_reference, CaseStatus::AwaitingCustomer, None)
        .await
        .unwrap();
    let b = store
        .intake(
            &contact(
                "email",
                "dan@example.org",
                "Re: pothole",
                "here is the photo of the pothole",
            ),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    assert_eq!(b.case_id, a.case_id);
    assert_eq!(b.case_status, CaseStatus::Open);
    let detail = store.case_detail(&a.case_reference).await.unwrap();
    let kinds: Vec<_> = detail.history.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "status", "clock_paused", "status", "clock_resumed"]);
    assert_eq!(detail.case.clock_paused_at, None);
    assert_eq!(detail.contacts.len(), 2);
    assert!(detail.contacts[0].received_at <= detail.contacts[1].received_at);
});

on_both!(lists_filter_and_page, |store| {
    let cfg = config();
    for i in 0..30 {
        let (subject, body) = if i % 3 == 0 {
            ("Pothole", "a deep pothole")
        } else {
            ("Bins", "the bin was missed")
        };
        store
            .intake(
                &contact("email", &format!("p{i}@example.org"), subject, body),
                &[],
                &[],
                &cfg,
            )
            .await
            .unwrap();
    }
    let all = store
        .list_cases(
            &CaseFilter {
                limit: Some(7),
                ..Default::default()
            },
            "HRD",
        )
        .await
        .unwrap();
    assert_eq!(all.items.len(), 7);
    // Walk every page: each case once, newest activity first.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .list_cases(
                &CaseFilter {
                    limit: Some(7),
                    cursor,
                    ..Default::default()
                },
                "HRD",
            )
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|c| (c.updated_at, c.id)));
        match page.next_cursor {
            Some(c) => cursor = Some(heard_store::queries::Cursor::parse(&c).unwrap()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 30);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
    let highways = store
        .list_cases(
            &CaseFilter {
                service: Some("highways".into()),
                ..Default::default()
            },
            "HRD",
        )
        .await
        .unwrap();
    assert_eq!(highways.items.len(), 10);
    let q = store
        .list_cases(
            &CaseFilter {
                q: Some("potholes".into()),
                limit: Some(100),
                ..Default::default()
            },
            "HRD",
        )
        .await
        .unwrap();
    assert_eq!(q.items.len(), 10, "stemmed search finds pothole for potholes");
    let visible = store
        .list_cases(
            &CaseFilter {
                visible_services: Some(vec!["waste".into()]),
                limit: Some(100),
                ..Default::default()
            },
            "HRD",
        )
        .await
        .unwrap();
    assert!(visible.items.iter().all(|c| c.service == "waste") && visible.items.len() == 20);
    let none = store
        .list_cases(
            &CaseFilter {
                visible_services: Some(vec![]),
                ..Default::default()
            },
            "HRD",
        )
        .await
        .unwrap();
    assert!(none.items.is_empty());
    let email = store
        .list_cases(
            &CaseFilter {
                channel: Some(Channel::Sms),
                ..Default::default()
            },
            "HRD",
        )
        .await
        .unwrap();
    assert!(email.items.is_empty());
});

on_both!(search_is_ranked_and_live, |store| {
    let cfg = config();
    store
        .intake(
            &contact("email", "a@example.org", "Streetlight", "The light is out"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    store
        .intake(
            &contact(
                "email",
                "b@example.org",
                "Flooding",
                "Flooding flooding flooding on the road, the drain is flooding",
            ),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    store
        .intake(
            &contact("email", "c@example.org", "Garden", "some flooding in the park"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    let r = store.search("flooding", None, None, "HRD").await.unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(r.items[0].title, "Flooding", "the denser match ranks first");
    assert!(
        r.items[0].snippet.contains("[Flooding]") || r.items[0].snippet.contains("[flooding]"),
        "{}",
        r.items[0].snippet
    );
    // Quotes, brackets and operators in the query are words, not syntax: every word
    // must match. (Stop words such as "or" are engine-specific, so not tested here.)
    assert_eq!(
        store
            .search("\"flooding\" -drain (", None, None, "HRD")
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        store.search("flooding* zebra", None, None, "HRD").await.unwrap().total,
        0
    );
    let people = store.search("b@example.org", None, None, "HRD").await.unwrap();
    assert!(people.items.iter().any(|h| h.kind == "customer"));
    assert_eq!(store.search("   ", None, None, "HRD").await.unwrap().total, 0);
});

on_both!(tokens_and_sessions, |store| {
    let id = store
        .upsert_user(&NewUser {
            email: "Agent@Demo.heard".into(),
            name: "Agent".into(),
            role: Role::Agent,
            team: Some("contact-centre".into()),
            services: vec![],
            password_hash: Some("$argon2id$fake".into()),
        })
        .await
        .unwrap();
    let token = store.create_token(id, "test").await.unwrap();
    assert_eq!(
        store.user_for_token(&token).await.unwrap().unwrap().email,
        "agent@demo.heard"
    );
    assert!(store.user_for_token("hrd_wrong").await.unwrap().is_none());
    let (secret, session) = store.create_session(id, SignedDuration::from_hours(8)).await.unwrap();
    let again = store.session(&secret).await.unwrap().unwrap();
    assert_eq!(again.csrf_token, session.csrf_token);
    store.delete_session(&secret).await.unwrap();
    assert!(store.session(&secret).await.unwrap().is_none());
    let (user, hash) = store.user_for_login("agent@demo.heard").await.unwrap().unwrap();
    assert_eq!((user.role, hash.as_deref()), (Role::Agent, Some("$argon2id$fake")));
    let bo = store
        .upsert_user(&NewUser {
            email: "bo@demo.heard".into(),
            name: "Back Office".into(),
            role: Role::BackOffice,
            team: None,
            services: vec!["waste".into(), "highways".into()],
            password_hash: None,
        })
        .await
        .unwrap();
    let mut services = store.user(bo).await.unwrap().services;
    services.sort();
    assert_eq!(services, ["highways", "waste"]);
});

on_both!(jobs_are_claimed_once, |store| {
    for i in 0..40 {
        store
            .enqueue_job("test", &serde_json::json!({"n": i}), Timestamp::now())
            .await
            .unwrap();
    }
    let mut workers = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        workers.push(tokio::spawn(async move {
            let node = format!("node-{w}");
            let mut done = Vec::new();
            while let Some(job) = store
                .claim_job(&node, &["test"], SignedDuration::from_secs(60))
                .await
                .unwrap()
            {
                assert!(store.complete_job(job.id, &node).await.unwrap());
                done.push(job.id);
            }
            done
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!((before, all.len()), (40, 40), "every job ran exactly once");
    assert!(
        store
            .claim_job("late", &["test"], SignedDuration::from_secs(60))
            .await
            .unwrap()
            .is_none()
    );
});

on_both!(one_failing_contact_does_not_sink_those_committed_with_it, |store| {
    let cfg = config();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (store, cfg) = (store.clone(), cfg.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = contact("email", &format!("batch{i}@example.org"), "Pothole", "pothole");
            if i % 4 == 0 {
                c.service = Some("no-such-service".into());
            } else {
                // Pairs of good contacts share an external id: each pair is one contact.
                c.external_id = Some(format!("<{}@example.org>", i / 2));
            }
            store.intake(&c, &[], &[], &cfg).await
        }));
    }
    let mut ok = 0;
    let mut failed = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Invalid(_)) => failed += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((ok, failed), (18, 6));
    let stored = store
        .list_contacts(
            &ContactFilter {
                limit: Some(100),
                ..Default::default()
            },
            "HRD",
        )
        .await
        .unwrap();
    let ids: std::collections::BTreeSet<_> = stored.items.iter().map(|c| c.external_id.clone().unwrap()).collect();
    assert_eq!(stored.items.len(), ids.len(), "no external id stored twice");
    assert_eq!(
        stored.items.len(),
        12,
        "12 distinct external ids among the 18 good contacts"
    );
});

/// London 17:00 on a civil date, as a timestamp.
fn five_pm(d: jiff::civil::Date) -> Timestamp {
    d.at(17, 0, 0, 0).in_tz("Europe/London").unwrap().timestamp()
}

fn level(service: Option<&str>, kind: Option<CaseKind>, first: u32, resolution: u32) -> ServiceLevel {
    ServiceLevel {
        service: service.map(str::to_string),
        kind,
        first_response_days: first,
        resolution_days: resolution,
        next_update_days: None,
        warn_before_hours: None,
    }
}

on_both!(new_cases_get_deadlines_from_the_most_specific_service_level, |store| {
    let mut cfg = config();
    cfg.service_levels = ServiceLevels::new(vec![
        level(None, None, 3, 30),
        level(Some("waste"), None, 1, 5),
        level(Some("waste"), Some(CaseKind::Complaint), 2, 10),
        level(None, Some(CaseKind::Complaint), 4, 15),
    ])
    .unwrap();
    // Thursday 24 December 2026, 10:00: the 25th and 28th are bank holidays, the 26th
    // and 27th a weekend.
    let received = jiff::civil::date(2026, 12, 24)
        .at(10, 0, 0, 0)
        .in_tz("Europe/London")
        .unwrap()
        .timestamp();
    let at = |kind: &str, service: &str, from: &str| {
        NewContact::validate(
            ContactInput {
                channel: "email".into(),
                from: from.into(),
                subject: Some("Christmas".into()),
                body: "about my bin".into(),
                received_at: Some(received.to_string()),
                service: Some(service.into()),
                kind: Some(kind.into()),
                ..Default::default()
            },
            received,
            &ContactLimits::default(),
        )
        .unwrap()
    };
    let d = jiff::civil::date;
    for (kind, service, from, first, due) in [
        // service + kind: 2 and 10 working days (New Year's Day is a bank holiday too)
        ("complaint", "waste", "a@example.org", d(2026, 12, 30), d(2027, 1, 12)),
        // service: 1 and 5
        ("request", "waste", "b@example.org", d(2026, 12, 29), d(2027, 1, 5)),
        // kind: 4 and 15
        ("complaint", "highways", "c@example.org", d(2027, 1, 4), d(2027, 1, 19)),
        // the default entry: 3 and 30
        ("enquiry", "highways", "e@example.org", d(2026, 12, 31), d(2027, 2, 9)),
    ] {
        let o = store.intake(&at(kind, service, from), &[], &[], &cfg).await.unwrap();
        let case = store.case(&o.case_reference).await.unwrap();
        assert_eq!(case.due_at, Some(five_pm(due)), "{kind} in {service}");
        assert_eq!(case.next_action_at, Some(five_pm(first)), "{kind} in {service}");
    }
    // No levels configured: 2 working days to a first response, 20 to resolve.
    let o = store
        .intake(&at("enquiry", "highways", "f@example.org"), &[], &[], &config())
        .await
        .unwrap();
    let case = store.case(&o.case_reference).await.unwrap();
    assert_eq!(case.next_action_at, Some(five_pm(d(2026, 12, 30))));
    assert_eq!(case.due_at, Some(five_pm(d(2027, 1, 26))));
    let detail = store.case_detail(&o.case_reference).await.unwrap();
    assert_eq!(detail.history[0].kind, "created");
    assert_eq!(detail.history[0].detail["due"], five_pm(d(2027, 1, 26)).to_string());
});

on_both!(
    awaiting_the_customer_pauses_the_clock_and_resuming_moves_the_deadline,
    |store| {
        let cfg = config();
        let a = store
            .intake(
                &contact("email", "gil@example.org", "Pothole", "pothole"),
                &[],
                &[],
                &cfg,
            )
            .await
            .unwrap();
        let before = store.case(&a.case_reference).await.unwrap();
        let due = before.due_at.unwrap();
        store
            .set_case_status(&a.case_reference, CaseStatus::AwaitingCustomer, None)
            .await
            .unwrap();
        let paused = store.case(&a.case_reference).await.unwrap();
        assert!(paused.clock_paused_at.is_some());
        // Overdue, but paused: not slipping.
        let slipping = CaseFilter {
            action_before: Some(Timestamp::now() + SignedDuration::from_hours(24 * 365)),
            urgent_first: true,
            ..Default::default()
        };
        let listed = store.list_cases(&slipping, "HRD").await.unwrap().items;
        assert!(
            listed.iter().all(|c| c.id != a.case_id),
            "a paused case is not slipping"
        );
        // As if paused three working days ago.
        let cal = Calendar::new(Region::EnglandAndWales);
        let today = Timestamp::now().in_tz("Europe/London").unwrap().date();
        let mut day = today;
        while cal.working_days_between(day, today).unwrap() < 3 {
            day = day.yesterday().unwrap();
        }
        store
            .backdate_clock_pause(&a.case_reference, five_pm(day) - SignedDuration::from_hours(6))
            .await
            .unwrap();
        store
            .set_case_status(&a.case_reference, CaseStatus::Open, None)
            .await
            .unwrap();
        let resumed = store.case(&a.case_reference).await.unwrap();
        assert_eq!(resumed.clock_paused_at, None);
        let due_day = due.in_tz("Europe/London").unwrap().date();
        let moved = five_pm(cal.add_working_days(due_day, 3).unwrap());
        assert_eq!(resumed.due_at, Some(moved), "moved by 3 working days");
        // Never answered, so the first response (which a pause does not move) is still
        // the next action, if it comes first.
        assert_eq!(resumed.next_action_at, resumed.first_response_due_at.min(Some(moved)));
        let listed = store.list_cases(&slipping, "HRD").await.unwrap().items;
        assert!(listed.iter().any(|c| c.id == a.case_id), "running again: listed");
        let detail = store.case_detail(&a.case_reference).await.unwrap();
        let last = detail.history.last().unwrap();
        assert_eq!(last.kind, "clock_resumed");
        assert_eq!(last.detail["paused_working_days"], 3);
        assert_eq!(last.detail["due"], moved.to_string());
        // Closing straight from awaiting the customer clears the pause too.
        store
            .set_case_status(&a.case_reference, CaseStatus::AwaitingCustomer, None)
            .await
            .unwrap();
        store
            .set_case_status(&a.case_reference, CaseStatus::Resolved, None)
            .await
            .unwrap();
        assert_eq!(store.case(&a.case_reference).await.unwrap().clock_paused_at, None);
    }
);

on_both!(a_customer_reply_resumes_the_clock_with_the_deadline_moved, |store| {
    let cfg = config();
    let a = store
        .intake(&contact("email", "hal@example.org", "Bin", "my bin"), &[], &[], &cfg)
        .await
        .unwrap();
    let due = store.case(&a.case_reference).await.unwrap().due_at.unwrap();
    store
        .set_case_status(&a.case_reference, CaseStatus::AwaitingCustomer, None)
        .await
        .unwrap();
    let cal = Calendar::new(Region::EnglandAndWales);
    let today = Timestamp::now().in_tz("Europe/London").unwrap().date();
    let mut day = today;
    while cal.working_days_between(day, today).unwrap() < 3 {
        day = day.yesterday().unwrap();
    }
    store
        .backdate_clock_pause(&a.case_reference, five_pm(day))
        .await
        .unwrap();
    let b = store
        .intake(
            &contact("email", "hal@example.org", "Re: Bin", "the bin again"),
            &[],
            &[],
            &cfg,
        )
        .await
        .unwrap();
    assert_eq!((b.case_id, b.case_status), (a.case_id, CaseStatus::Open));
    let case = store.case(&a.case_reference).await.unwrap();
    let moved = five_pm(
        cal.add_working_days(due.in_tz("Europe/London").unwrap().date(), 3)
            .unwrap(),
    );
    assert_eq!((case.due_at, case.clock_paused_at), (Some(moved), None));
    assert_eq!(case.next_action_at, case.first_response_due_at.min(Some(moved)));
    let detail = store.case_detail(&a.case_reference).await.unwrap();
    let last = detail.history.last().unwrap();
    assert_eq!(
        (last.kind.as_str(), &last.detail["paused_working_days"]),
        ("clock_resumed", &serde_json::json!(3))
    );
});

// A case list with a text query starts from the matching contacts when they are few
// (at most 2,000) and walks the cases otherwise; both give the same cases in the same order.
on_both!(text_search_lists_the_same_cases_however_many_contacts_match, |store| {
    use heard_core::{CustomerKind, Direction, Identity, Priority};
    use heard_store::seed::{CaseSpec, ContactSpec, CustomerSpec};
    let customer = store
        .create_customers(&[CustomerSpec {
            kind: CustomerKind::Person,
            organisation_kind: None,
            name: "Many Cases".into(),
            identities: vec![Identity::email("many@example.org").unwrap()],
            addresses: vec![],
            links: vec![],
        }])
        .await
        .unwrap()[0];
    let start = Timestamp::now() - SignedDuration::from_hours(3000);
    let cases: Vec<CaseSpec> = (0..2_100)
        .map(|i| CaseSpec {
            customer_id: customer,
            service: if i % 2 == 0 { "highways" } else { "waste" }.into(),
            kind: CaseKind::Enquiry,
            status: if i % 3 == 0 {
                CaseStatus::Closed
            } else {
                CaseStatus::Open
            },
            priority: Priority::Normal,
            owner_email: None,
            site: None,
            contacts: vec![ContactSpec {
                channel: Channel::Email,
                direction: Direction::Inbound,
                sender: "many@example.org".into(),
                subject: Some(format!("Case {i}")),
                body: if i % 99 == 7 {
                    "a common word and a rarer one".into()
                } else {
                    "a common word".into()
                },
                received_at: start + SignedDuration::from_mins(i),
                external_id: None,
            }],
        })
        .collect();
    store.create_cases(&cases).await.unwrap();
    let list = |q: &str, open: Option<bool>, service: Option<&str>| {
        let f = CaseFilter {
            q: Some(q.into()),
            open,
            service: service.map(String::from),
            limit: Some(100),
            ..Default::default()
        };
        let store = store.clone();
        async move {
            let ids: Vec<i64> = store
                .list_cases(&f, "HRD")
                .await
                .unwrap()
                .items
                .iter()
                .map(|c| c.id)
                .collect();
            (ids, store.count_cases(&f, 5_000).await.unwrap())
        }
    };
    // "rarer" is in 22 contacts (from the matches); "common" in 2,100 (walking the cases).
    let (rare, n) = list("rarer", None, None).await;
    assert_eq!((rare.len(), n), (22, 22));
    let (both, _) = list("common rarer", None, None).await;
    assert_eq!(both, rare);
    let (common, n) = list("common", None, None).await;
    assert_eq!((common.len(), n), (100, 2_100));
    assert!(common.windows(2).all(|w| w[0] > w[1]), "newest first");
    for (open, service) in [
        (Some(true), None),
        (Some(true), Some("waste")),
        (None, Some("highways")),
    ] {
        let (rare_only, _) = list("rarer", open, service).await;
        let (common_then_rare, _) = list("common", open, service).await;
        let expected: Vec<i64> = common_then_rare
            .iter()
            .copied()
            .filter(|id| rare.contains(id))
            .collect();
        assert!(rare_only.len() >= 5, "{open:?} {service:?}");
        assert_eq!(rare_only[..expected.len()], expected[..], "{open:?} {service:?}");
    }
});

on_both!(track_codes_work_once_and_die_after_wrong_guesses, |store| {
    use heard_store::track::{CodeCheck, MAX_CODE_ATTEMPTS};
    let case = store
        .intake(
            &contact("email", "resident@example.org", "Missed bin", "My bin was missed"),
            &[],
            &[],
            &config(),
        )
        .await
        .unwrap()
        .case_reference;
    let me = "resident@example.org";
    assert!(store.case_has_identity(&case, "email", me).await.unwrap());
    assert!(
        !store
            .case_has_identity(&case, "email", "someone@example.org")
            .await
            .unwrap()
    );
    let life = SignedDuration::from_mins(15);
    assert!(store.issue_track_code(&case, me, "h1", life, 3).await.unwrap());
    assert_eq!(
        store.redeem_track_code(&case, me, "nope").await.unwrap(),
        CodeCheck::Wrong
    );
    assert_eq!(
        store.redeem_track_code(&case, me, "h1").await.unwrap(),
        CodeCheck::Accepted
    );
    // Used up.
    assert_eq!(
        store.redeem_track_code(&case, me, "h1").await.unwrap(),
        CodeCheck::NoLiveCode
    );
    // A newer code replaces an older one; wrong guesses kill it.
    assert!(store.issue_track_code(&case, me, "h2", life, 3).await.unwrap());
    assert!(store.issue_track_code(&case, me, "h3", life, 3).await.unwrap());
    assert_eq!(
        store.redeem_track_code(&case, me, "h2").await.unwrap(),
        CodeCheck::Wrong
    );
    for _ in 1..MAX_CODE_ATTEMPTS {
        store.redeem_track_code(&case, me, "x").await.unwrap();
    }
    assert_eq!(
        store.redeem_track_code(&case, me, "h3").await.unwrap(),
        CodeCheck::NoLiveCode
    );
    // Three codes an hour for one case, then no more.
    assert!(!store.issue_track_code(&case, me, "h4", life, 3).await.unwrap());
    // An expired code does not open.
    let other = store
        .intake(
            &contact("email", "b@example.org", "Pothole", "A pothole"),
            &[],
            &[],
            &config(),
        )
        .await
        .unwrap()
        .case_reference;
    assert!(
        store
            .issue_track_code(&other, "b@example.org", "e1", SignedDuration::from_secs(-1), 3)
            .await
            .unwrap()
    );
    assert_eq!(
        store.redeem_track_code(&other, "b@example.org", "e1").await.unwrap(),
        CodeCheck::NoLiveCode
    );
    // The key is made once and then read back; each purpose has its own.
    let k = store.site_key("track").await.unwrap();
    assert_eq!(k.len(), 32);
    assert_eq!(store.site_key("track").await.unwrap(), k);
    assert_ne!(store.site_key("other").await.unwrap(), k);
});

on_both!(
    the_retention_schedule_removes_personal_data_from_old_closed_cases_once,
    |store| {
        use heard_core::retention::RetentionRule;
        let opened = |from: &'static str, kind: &'static str, body: &'static str| {
            let store = store.clone();
            async move {
                let c = NewContact::validate(
                    ContactInput {
                        channel: "email".into(),
                        from: from.into(),
                        subject: Some("About my bin".into()),
                        body: body.into(),
                        kind: Some(kind.into()),
                        ..Default::default()
                    },
                    Timestamp::now(),
                    &ContactLimits::default(),
                )
                .unwrap();
                let r = store.intake(&c, &[], &[], &config()).await.unwrap().case_reference;
                store.set_case_status(&r, CaseStatus::Closed, None).await.unwrap();
                r
            }
        };
        let complaint = opened("old@example.org", "complaint", "The crew were rude to me").await;
        let request = opened("recent@example.org", "request", "Please collect my bin").await;
        let now = Timestamp::now();
        store
            .backdate_closing(&complaint, now - SignedDuration::from_hours(24 * 365 * 7))
            .await
            .unwrap();
        store
            .backdate_closing(&request, now - SignedDuration::from_hours(24 * 365))
            .await
            .unwrap();
        let rules = vec![
            RetentionRule {
                service: None,
                kind: None,
                after_years: 2,
            },
            RetentionRule {
                service: None,
                kind: Some(CaseKind::Complaint),
                after_years: 6,
            },
        ];
        let due = store.retention_due(&rules, now, "HRD").await.unwrap();
        assert_eq!(due.len(), 1, "{due:?}");
        assert_eq!(due[0].case, complaint);
        assert_eq!(due[0].rule, "complaint cases of every service, 6 years");
        let applied = store.apply_retention(&due).await.unwrap();
        assert_eq!(applied.cases.len(), 1);
        let detail = store.case_detail(&complaint).await.unwrap();
        assert_eq!(detail.contacts[0].body, "[erased]");
        assert!(detail.history.iter().any(|e| e.kind == "retention"));
        assert_eq!(detail.case.status, CaseStatus::Closed, "the figures stay");
        // Taken once: a second run finds nothing, and the other case keeps its words.
        assert!(store.retention_due(&rules, now, "HRD").await.unwrap().is_empty());
        assert!(store.apply_retention(&due).await.unwrap().cases.is_empty());
        let other = store.case_detail(&request).await.unwrap();
        assert_eq!(other.contacts[0].body, "Please collect my bin");
    }
);

/// A stand-in for the learned model: sure about bins, unsure (guessing highways) about
/// anything mentioning a "lamp", silent otherwise.
#[derive(Debug)]
struct FakeModel;

impl heard_core::LearnedRouter for FakeModel {
    fn route(&self, _subject: Option<&str>, text: &str) -> Option<heard_core::Learned> {
        if text.contains("bin") {
            Some(heard_core::Learned::Service {
                service: "waste".into(),
                kind: Some(CaseKind::Request),
                confidence: 0.93,
            })
        } else if text.contains("lamp") {
            Some(heard_core::Learned::Triage {
                best: "highways".into(),
                confidence: 0.41,
            })
        } else {
            None
        }
    }
}

on_both!(
    learned_routing_sends_unsure_contacts_to_triage_and_learns_from_corrections,
    |store| {
        store
            .ensure_triage_service("triage", "Triage", Some("contact-centre"))
            .await
            .unwrap();
        let config = IntakeConfig {
            learned: Some(heard_store::LearnedRouting {
                model: std::sync::Arc::new(FakeModel),
                triage_service: "triage".into(),
            }),
            ..store.intake_config("HRD", "customer-services").await.unwrap()
        };
        // Confident: the model's service and kind, said on the case's history.
        let bin = store
            .intake(
                &contact("web_form", "a@example.com", "Bin", "my bin was missed"),
                &[],
                &[],
                &config,
            )
            .await
            .unwrap();
        assert_eq!(bin.service, "waste");
        let case = store.case(&bin.case_reference).await.unwrap();
        assert_eq!(
            case.kind,
            CaseKind::Request,
            "the model's kind for a contact that named none"
        );
        // Unsure: triage, with the guess kept.
        let lamp = store
            .intake(
                &contact("web_form", "b@example.com", "Light", "the lamp post flickers"),
                &[],
                &[],
                &config,
            )
            .await
            .unwrap();
        assert_eq!(lamp.service, "triage");
        // The model silent: keywords, as before.
        let hole = store
            .intake(
                &contact("web_form", "c@example.com", "Road", "a pothole here"),
                &[],
                &[],
                &config,
            )
            .await
            .unwrap();
        assert_eq!(hole.service, "highways");
        // The sender's own choice wins over the model.
        let mut named = contact("web_form", "d@example.com", "Bin", "my bin again");
        named.service = Some("customer-services".into());
        assert_eq!(
            store.intake(&named, &[], &[], &config).await.unwrap().service,
            "customer-services"
        );

        // Nothing settled yet: no history to learn from (the model's own guesses don't count).
        assert!(store.routing_history("triage", 100).await.unwrap().is_empty());

        // An agent routes the triage case: a correction, recorded once.
        let agent = store
            .upsert_user(&NewUser {
                email: "router@demo.heard".into(),
                name: "Router".into(),
                role: Role::Agent,
                team: Some("contact-centre".into()),
                services: vec![],
                password_hash: None,
            })
            .await
            .unwrap();
        let before = Timestamp::now() - SignedDuration::from_secs(1);
        store
            .transfer_case(&lamp.case_reference, "highways", "street lighting is highways", agent)
            .await
            .unwrap();
        assert_eq!(store.routing_corrections_since(before).await.unwrap(), 1);
        store
            .transfer_case(&lamp.case_reference, "waste", "moved again", agent)
            .await
            .unwrap();
        assert_eq!(
            store.routing_corrections_since(before).await.unwrap(),
            1,
            "one correction per case"
        );

        // A keyword-routed case that is closed is settled too; the corrected one is marked.
        store
            .set_case_status(&hole.case_reference, CaseStatus::Closed, None)
            .await
            .unwrap();
        let history = store.routing_history("triage", 100).await.unwrap();
        let labels: Vec<(&str, bool)> = history.iter().map(|e| (e.label.as_str(), e.corrected)).collect();
        assert!(labels.contains(&("highways/enquiry", false)), "{labels:?}");
        assert!(
            history.iter().any(|e| e.corrected && e.text.contains("lamp post")),
            "{labels:?}"
        );
        assert!(
            !history.iter().any(|e| e.text.contains("my bin")),
            "unchecked model routes are not evidence"
        );
    }
);

// Two customers who are one person: a merge moves everything of one to the other and
// records what moved; undoing moves exactly that back (a contact that arrived meanwhile
// stays), revives the merged customer, and is refused twice.
on_both!(merge_customers_and_undo_exactly, |store| {
    let cfg = config();
    let agent = store
        .upsert_user(&NewUser {
            email: "merger@demo.heard".into(),
            name: "Merger".into(),
            role: Role::Agent,
            team: Some("contact-centre".into()),
            services: vec![],
            password_hash: None,
        })
        .await
        .unwrap();
    let home = contact(
        "email",
        "Ann Smith <ann@example.org>",
        "Pothole",
        "Pothole on Mill Lane",
    );
    let a = store.intake(&home, &[], &[], &cfg).await.unwrap();
    let work = contact(
        "email",
        "Ann Smith <ann.smith@work.example>",
        "Bin",
        "My bin was missed",
    );
    let b = store.intake(&work, &[], &[], &cfg).await.unwrap();
    let (keep, from) = (a.customer_id, b.customer_id);
    assert_ne!(keep, from);
    assert_eq!(
        store.same_customer_candidates(keep).await.unwrap(),
        vec![from],
        "the shared name and email local part find each other"
    );

    for (k, f, reason) in [(keep, from, "  "), (keep, keep, "same")] {
        assert!(matches!(
            store.merge_customers(k, f, agent, reason).await,
            Err(StoreError::Invalid(_))
        ));
    }
    let merge = store
        .merge_customers(keep, from, agent, "Same person: confirmed on the phone")
        .await
        .unwrap();
    let kept = store.customer(keep).await.unwrap();
    let values: Vec<&str> = kept.identities.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(values, ["ann@example.org", "ann.smith@work.example"]);
    let theirs = CaseFilter {
        customer: Some(keep),
        ..Default::default()
    };
    assert_eq!(store.list_cases(&theirs, "HRD").await.unwrap().items.len(), 2);
    assert_eq!(store.merged_into(from).await.unwrap(), Some(keep));
    let listed = store.list_customers(&CustomerFilter::default()).await.unwrap();
    assert!(
        !listed.items.iter().any(|c| c.id == from),
        "a merged customer is not listed"
    );
    assert!(store.same_customer_candidates(keep).await.unwrap().is_empty());
    assert!(matches!(
        store.merge_customers(keep, from, agent, "again").await,
        Err(StoreError::Conflict(_))
    ));
    let record = store.customer_merge(merge).await.unwrap();
    assert_eq!(record.moved.cases, vec![b.case_id]);
    assert_eq!(record.moved.contacts, vec![b.contact_id]);
    assert_eq!(record.merged_by.as_deref(), Some("Merger"));
    let history = store.case_detail(&b.case_reference).await.unwrap().history;
    assert!(history.iter().any(|e| e.kind == "customer_merged"));

    // Meanwhile the work address writes again: it is the kept customer now, and stays so.
    let later = contact("email", "ann.smith@work.example", "Bin again", "Still not collected");
    let c = store.intake(&later, &[], &[], &cfg).await.unwrap();
    assert_eq!(c.customer_id, keep);

    let undone = store.undo_customer_merge(merge, agent).await.unwrap();
    assert!(undone.undone_at.is_some());
    assert_eq!(store.merged_into(from).await.unwrap(), None);
    let back = store.customer(from).await.unwrap();
    assert_eq!(back.identities.len(), 1);
    assert_eq!(back.identities[0].value, "ann.smith@work.example");
    assert_eq!(store.customer(keep).await.unwrap().identities.len(), 1);
    assert_eq!(store.case(&b.case_reference).await.unwrap().customer.id, from);
    let contacts = store.case_detail(&c.case_reference).await.unwrap().contacts;
    let newer = contacts.iter().find(|x| x.id == c.contact_id).unwrap();
    assert_eq!(newer.customer_id, keep, "what came after the merge stays");
    let history = store.case_detail(&b.case_reference).await.unwrap().history;
    assert!(history.iter().any(|e| e.kind == "customer_merge_undone"));
    assert!(matches!(
        store.undo_customer_merge(merge, agent).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.customer_merges(from).await.unwrap().len(), 1);
});
