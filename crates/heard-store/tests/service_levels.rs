//! Service levels on stored cases, second part: the next-update target, the kept
//! first-response deadline and escalation to the team manager. Each test runs on SQLite
//! and on PostgreSQL.

use heard_core::contact::{ContactInput, ContactLimits};
use heard_core::service_level::{ServiceLevel, ServiceLevels, Target};
use heard_core::{CaseStatus, Channel, NewContact, Role, Router};
use heard_store::queries::{CaseFilter, Escalated};
use heard_store::seed::{ServiceSpec, TeamSpec};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_store::workspace::NewReply;
use heard_store::{IntakeConfig, Store};
use jiff::{SignedDuration, Timestamp};

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
            &[
                TeamSpec {
                    slug: "contact-centre".into(),
                    name: "Contact Centre".into(),
                },
                TeamSpec {
                    slug: "highways-team".into(),
                    name: "Highways".into(),
                },
            ],
            &[
                service("customer-services", "contact-centre"),
                service("highways", "highways-team"),
            ],
            &[],
        )
        .await
        .unwrap();
    store
}

fn service(slug: &str, team: &str) -> ServiceSpec {
    ServiceSpec {
        slug: slug.into(),
        name: slug.replace('-', " "),
        keywords: Vec::new(),
        team: Some(team.into()),
    }
}

fn config(levels: Vec<ServiceLevel>) -> IntakeConfig {
    IntakeConfig {
        reference_prefix: "HRD".into(),
        router: Router::new(Vec::new()),
        default_service: "customer-services".into(),
        learned: None,
        service_levels: ServiceLevels::new(levels).unwrap(),
    }
}

fn level(first: u32, resolution: u32, next_update: Option<u32>) -> ServiceLevel {
    ServiceLevel {
        service: None,
        kind: None,
        first_response_days: first,
        resolution_days: resolution,
        next_update_days: next_update,
        warn_before_hours: None,
    }
}

async fn user(store: &Store, email: &str, role: Role, team: &str) -> i64 {
    store
        .upsert_user(&NewUser {
            email: email.into(),
            name: email.split('@').next().unwrap_or(email).replace('.', " "),
            role,
            team: Some(team.into()),
            services: Vec::new(),
            password_hash: None,
        })
        .await
        .unwrap()
}

/// A contact received `days_ago` days ago (in the customer-services service).
fn contact(from: &str, days_ago: i64, direction: &str) -> NewContact {
    let now = Timestamp::now();
    let received = now - SignedDuration::from_hours(24 * days_ago);
    NewContact::validate(
        ContactInput {
            channel: "email".into(),
            from: from.into(),
            subject: Some("Council tax".into()),
            body: "About my council tax bill".into(),
            received_at: Some(received.to_string()),
            direction: Some(direction.into()),
            ..Default::default()
        },
        now,
        &ContactLimits::default(),
    )
    .unwrap()
}

fn reply(case: &heard_core::CaseReference, actor: i64, last: Option<i64>) -> NewReply {
    NewReply {
        case: case.clone(),
        actor,
        channel: Channel::Phone,
        to: "01234 567890".into(),
        subject: None,
        body: "We are looking into it.".into(),
        email: None,
        last_reply_seen: last,
    }
}

/// London 17:00 `days` working days after `at`, as `clocks` counts a deadline.
fn working_days_after(at: Timestamp, days: i64) -> Option<Timestamp> {
    heard_store::clocks::update_due(at.as_millisecond(), Some(days)).map(|ms| Timestamp::from_millisecond(ms).unwrap())
}

on_both!(a_reply_gives_the_first_response_and_starts_the_next_update, |store| {
    let agent = user(&store, "sam.carter@council.example", Role::Agent, "contact-centre").await;
    let cfg = config(vec![level(2, 20, Some(3))]);
    let a = store
        .intake(&contact("ann@example.org", 0, "inbound"), &[], &[], &cfg)
        .await
        .unwrap();
    let case = store.case(&a.case_reference).await.unwrap();
    let first = case.first_response_due_at.expect("first response deadline kept");
    assert_eq!(case.next_action_at, Some(first));
    assert_eq!((case.responded_at, case.update_due_at), (None, None));
    // A follow-up before the first reply does not hide the first response.
    store
        .add_follow_up(
            &a.case_reference,
            agent,
            first + SignedDuration::from_hours(24),
            "ring back",
        )
        .await
        .unwrap();
    assert_eq!(store.case(&a.case_reference).await.unwrap().next_action_at, Some(first));

    let before = Timestamp::now();
    store
        .record_reply(&reply(&a.case_reference, agent, None))
        .await
        .unwrap();
    let case = store.case(&a.case_reference).await.unwrap();
    assert!(
        case.responded_at
            .is_some_and(|t| t >= before - SignedDuration::from_secs(1))
    );
    let update = case.update_due_at.expect("next update due");
    assert!(
        working_days_after(before, 3).is_some_and(|d| update.duration_since(d).abs() < SignedDuration::from_hours(24)),
        "3 working days after the reply: {update}"
    );
    // The next action is now the earliest of the next update, the deadline and the
    // follow-up: the first response no longer counts.
    let follow_up = first + SignedDuration::from_hours(24);
    assert_eq!(
        case.next_action_at,
        Some(update.min(follow_up).min(case.due_at.unwrap()))
    );

    // No next-update target: a reply sets none.
    let b = store
        .intake(
            &contact("bob@example.org", 0, "inbound"),
            &[],
            &[],
            &config(vec![level(2, 20, None)]),
        )
        .await
        .unwrap();
    store
        .record_reply(&reply(&b.case_reference, agent, None))
        .await
        .unwrap();
    let case = store.case(&b.case_reference).await.unwrap();
    assert!(case.responded_at.is_some());
    assert_eq!(case.update_due_at, None);
    assert_eq!(case.next_action_at, case.due_at);
});

on_both!(an_outbound_contact_at_intake_is_a_response_too, |store| {
    let cfg = config(vec![level(2, 20, Some(5))]);
    let a = store
        .intake(&contact("cat@example.org", 1, "inbound"), &[], &[], &cfg)
        .await
        .unwrap();
    // Logged through the API: the council rang the customer back.
    store
        .intake(&contact("cat@example.org", 0, "outbound"), &[], &[], &cfg)
        .await
        .unwrap();
    let case = store.case(&a.case_reference).await.unwrap();
    assert!(case.responded_at.is_some());
    assert!(case.update_due_at.is_some());
});

on_both!(a_missed_deadline_is_escalated_to_the_team_manager_once, |store| {
    let manager = user(
        &store,
        "jo.fletcher@council.example",
        Role::TeamManager,
        "contact-centre",
    )
    .await;
    user(
        &store,
        "later.manager@council.example",
        Role::TeamManager,
        "contact-centre",
    )
    .await;
    let agent = user(&store, "sam.carter@council.example", Role::Agent, "contact-centre").await;
    // Received ten days ago: one working day to answer and three to resolve are gone.
    let cfg = config(vec![level(1, 3, Some(1))]);
    let a = store
        .intake(&contact("dee@example.org", 10, "inbound"), &[], &[], &cfg)
        .await
        .unwrap();
    let now = Timestamp::now();
    // Several nodes checking at once, then again after a restart: each breach once.
    let (x, y) = tokio::join!(store.escalate_breaches(now), store.escalate_breaches(now));
    let mut done = x.unwrap();
    done.extend(y.unwrap());
    done.sort_by_key(|e| e.target);
    assert_eq!(
        done.iter().map(|e| e.target).collect::<Vec<_>>(),
        [Target::FirstResponse, Target::Resolution]
    );
    assert!(done.iter().all(|e| e.manager.as_ref().map(|m| m.id) == Some(manager)));
    assert!(
        store.escalate_breaches(now).await.unwrap().is_empty(),
        "already escalated"
    );

    let detail = store.case_detail(&a.case_reference).await.unwrap();
    let escalated: Vec<_> = detail.history.iter().filter(|h| h.kind == "escalated").collect();
    assert_eq!(escalated.len(), 2, "one history entry per breach");
    assert_eq!(escalated[0].detail["manager"]["name"], "jo fletcher");
    assert!(escalated.iter().any(|h| h.detail["target"] == "first_response"));

    // In the manager's escalated queue, not in another's.
    let mine = CaseFilter {
        escalated: Some(Escalated::To(manager)),
        ..Default::default()
    };
    let listed = store.list_cases(&mine, "HRD").await.unwrap().items;
    assert_eq!(listed.iter().map(|c| c.id).collect::<Vec<_>>(), [a.case_id]);
    let theirs = CaseFilter {
        escalated: Some(Escalated::To(agent)),
        ..Default::default()
    };
    assert!(store.list_cases(&theirs, "HRD").await.unwrap().items.is_empty());
    assert_eq!(
        store
            .count_cases(
                &CaseFilter {
                    escalated: Some(Escalated::Any),
                    ..Default::default()
                },
                100
            )
            .await
            .unwrap(),
        1
    );

    // Answered late: the next update is a new target, missed only when it passes.
    store
        .record_reply(&reply(&a.case_reference, agent, None))
        .await
        .unwrap();
    assert!(store.escalate_breaches(Timestamp::now()).await.unwrap().is_empty());
    let later = store.case(&a.case_reference).await.unwrap().update_due_at.unwrap() + SignedDuration::from_mins(1);
    let next = store.escalate_breaches(later).await.unwrap();
    assert_eq!(next.iter().map(|e| e.target).collect::<Vec<_>>(), [Target::NextUpdate]);

    // Resolved: out of the escalated queue.
    store
        .set_case_status(&a.case_reference, CaseStatus::Resolved, None)
        .await
        .unwrap();
    assert!(store.list_cases(&mine, "HRD").await.unwrap().items.is_empty());
});

on_both!(
    paused_cases_are_not_escalated_and_a_team_without_a_manager_is_said,
    |store| {
        let cfg = config(vec![level(1, 3, None)]);
        let a = store
            .intake(&contact("eve@example.org", 10, "inbound"), &[], &[], &cfg)
            .await
            .unwrap();
        store
            .set_case_status(&a.case_reference, CaseStatus::AwaitingCustomer, None)
            .await
            .unwrap();
        assert!(store.escalate_breaches(Timestamp::now()).await.unwrap().is_empty());
        // Running again, still breached: escalated, with no manager to name.
        store
            .set_case_status(&a.case_reference, CaseStatus::Open, None)
            .await
            .unwrap();
        let done = store.escalate_breaches(Timestamp::now()).await.unwrap();
        assert!(!done.is_empty());
        assert!(done.iter().all(|e| e.manager.is_none()));
        let detail = store.case_detail(&a.case_reference).await.unwrap();
        let last = detail.history.last().unwrap();
        assert_eq!(
            (last.kind.as_str(), &last.detail["manager"]),
            ("escalated", &serde_json::Value::Null)
        );
    }
);

/// Two `heard serve` nodes on one PostgreSQL, each running the escalation round at the
/// same moments: every breach is escalated exactly once between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_postgres_escalate_each_breach_once() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let one = prepared(&db).await;
    let two = db.store().await;
    user(&one, "jo.fletcher@council.example", Role::TeamManager, "contact-centre").await;
    let cfg = config(vec![level(1, 3, None)]);
    let mut cases = Vec::new();
    for i in 0..20 {
        let o = one
            .intake(&contact(&format!("c{i}@example.org"), 10, "inbound"), &[], &[], &cfg)
            .await
            .unwrap();
        cases.push(o.case_reference);
    }
    let mut escalated = 0;
    for _ in 0..3 {
        let now = Timestamp::now();
        let (a, b) = tokio::join!(one.escalate_breaches(now), two.escalate_breaches(now));
        escalated += a.unwrap().len() + b.unwrap().len();
    }
    assert_eq!(escalated, 40, "a first response and a resolution for each of 20 cases");
    for c in &cases {
        let detail = two.case_detail(c).await.unwrap();
        assert_eq!(
            detail.history.iter().filter(|h| h.kind == "escalated").count(),
            2,
            "{c}"
        );
    }
}

on_both!(resuming_restarts_the_next_update_and_says_so_in_the_history, |store| {
    let agent = user(&store, "sam.carter@council.example", Role::Agent, "contact-centre").await;
    let cfg = config(vec![level(2, 20, Some(2))]);
    let a = store
        .intake(&contact("fay@example.org", 0, "inbound"), &[], &[], &cfg)
        .await
        .unwrap();
    store
        .record_reply(&reply(&a.case_reference, agent, None))
        .await
        .unwrap();
    store
        .set_case_status(&a.case_reference, CaseStatus::AwaitingCustomer, None)
        .await
        .unwrap();
    // Nothing is due while the customer has the next move.
    store
        .backdate_clock_pause(
            &a.case_reference,
            Timestamp::now() - SignedDuration::from_hours(24 * 14),
        )
        .await
        .unwrap();
    assert!(
        store
            .escalate_breaches(Timestamp::now() + SignedDuration::from_hours(24 * 30))
            .await
            .unwrap()
            .is_empty()
    );
    // The customer answers: the next update is counted from now.
    let before = Timestamp::now();
    store
        .intake(&contact("fay@example.org", 0, "inbound"), &[], &[], &cfg)
        .await
        .unwrap();
    let case = store.case(&a.case_reference).await.unwrap();
    let update = case.update_due_at.unwrap();
    assert!(update > before, "restarted, not left in the past");
    let detail = store.case_detail(&a.case_reference).await.unwrap();
    let resumed = detail.history.iter().rfind(|h| h.kind == "clock_resumed").unwrap();
    assert_eq!(resumed.detail["next_update_due"], update.to_string());
    assert_eq!(case.next_action_at, Some(update.min(case.due_at.unwrap())));
});
