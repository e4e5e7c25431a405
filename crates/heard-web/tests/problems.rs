//! What staff do with an emerging issue, end to end on SQLite and PostgreSQL: acknowledge
//! an alarm (everyone sees who), dismiss it only with a reason (then it stays quiet), open a
//! problem from it that links every evidence case, resolve the problem telling each linked
//! case's customer by email, and learning actions that slip into their owner's queue.

mod common;

use common::{Session, TestApp, spawn};
use heard_core::{CaseReference, Role};
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::json;

const TOPICS: &[&str] = &[
    "My council tax bill seems too high this year",
    "Please set up a direct debit for my council tax",
    "I have moved house, please close my council tax account",
    "Can I get a single person discount?",
    "Why has my council tax gone up?",
    "I need a copy of my council tax bill for my landlord",
    "My payment has not shown on my account",
    "Can I pay my council tax in twelve instalments instead of ten?",
];

async fn post(app: &TestApp, n: usize, subject: &str, received_at: jiff::Timestamp) -> String {
    let (status, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(json!({
                "channel": "email",
                "from": format!("Resident {n} <resident{n}@example.org>"),
                "subject": subject,
                "body": "Thanks.",
                "service": "revenues-and-benefits",
                "received_at": received_at.to_string(),
            })),
        )
        .await;
    assert!(status.is_success(), "{status} {v}");
    v["case"]["reference"]
        .as_str()
        .or(v["case_reference"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Half a year of ordinary contacts, then four alike reports yesterday: one alarm. Returns
/// the four cases.
async fn burst(app: &TestApp) -> Vec<String> {
    let now = jiff::Timestamp::now();
    let day = jiff::SignedDuration::from_hours(24);
    for n in 0..90 {
        let at = now - day * (2 * (90 - n as i32) + 3);
        post(app, n, TOPICS[(n * 5) % TOPICS.len()], at).await;
    }
    let mut refs = Vec::new();
    for (k, s) in [
        "Online payment page shows error 500 when paying council tax",
        "Error 500 on the council tax online payment page",
        "Your online council tax payment page keeps giving error 500",
        "Cannot pay council tax online, the payment page says error 500",
    ]
    .iter()
    .enumerate()
    {
        refs.push(post(app, 100 + k, s, now - day + jiff::SignedDuration::from_mins(k as i64)).await);
    }
    refs
}

/// The value of the first hidden input `name` on the page.
fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        .replace("&#40;", "(")
        .replace("&#41;", ")")
}

fn alarm_form(html: &str) -> Vec<(&'static str, String)> {
    vec![
        ("category", hidden(html, "category")),
        ("site", hidden(html, "site")),
        ("starts_on", hidden(html, "starts_on")),
    ]
}

async fn send(s: &Session, path: &str, form: &[(&'static str, String)]) -> (StatusCode, String, String) {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.post(path, &fields).await
}

on_both!(staff_acknowledge_dismiss_and_open_a_problem_from_an_alarm, |app| {
    let refs = burst(&app).await;
    let staff = app
        .sign_in_as("alice@test.heard", "Alice Agent", Role::Agent, &[])
        .await;
    let (s, html) = staff.page("/trends").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Council tax at (no site recorded)"), "{html}");
    let alarm = alarm_form(&html);

    // Dismissing needs a reason, and the error names the field.
    let mut dismiss = alarm.clone();
    dismiss.push(("reason", "  ".into()));
    let (s, _, html) = send(&staff, "/trends/dismiss", &dismiss).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Reason: say why the alarm is dismissed"), "{html}");
    assert!(
        html.contains("href=\"#reason-0\""),
        "the summary links to the field: {html}"
    );

    // Acknowledged: everyone sees who did it.
    let (s, location, _) = send(&staff, "/trends/acknowledge", &alarm).await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/trends"));
    let other = app.sign_in_as("bob@test.heard", "Bob Agent", Role::Agent, &[]).await;
    let (_, html) = other.page("/trends").await;
    assert!(html.contains("Acknowledged by Alice Agent on"), "{html}");

    // A problem in one action, linking every evidence case.
    let (s, location, _) = send(&other, "/trends/problem", &alarm).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{location}");
    assert!(location.starts_with("/problems/"), "{location}");
    let (s, html) = other.page(&location).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("Council tax at (no site recorded)"),
        "title from the alarm: {html}"
    );
    for r in &refs {
        assert!(html.contains(r.as_str()), "{r} linked: {html}");
    }
    let (_, html) = other.page("/trends").await;
    assert!(html.contains("Problem 1 opened by Bob Agent"), "{html}");
    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{}", refs[0]), None)
        .await;
    assert!(
        case.to_string().contains("Linked to problem 1"),
        "a history entry: {case}"
    );
    assert!(common::audited(&app, "action=problem.create", |e| e.to_string().contains("HRD-")).await);

    // Dismissed with a reason: quiet, and the reason is shown.
    let mut dismiss = alarm.clone();
    dismiss.push(("reason", "Payment supplier outage, already handled".into()));
    let (s, _, _) = send(&staff, "/trends/dismiss", &dismiss).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = staff.page("/trends").await;
    assert!(html.contains("No emerging issues in the last four weeks."), "{html}");
    assert!(html.contains("Dismissed by Alice Agent on"), "{html}");
    assert!(html.contains("Payment supplier outage, already handled"), "{html}");
});

on_both!(resolving_a_problem_tells_every_linked_customer_once, |app| {
    let now = jiff::Timestamp::now();
    let mut refs = Vec::new();
    for n in 0..3 {
        refs.push(post(&app, n, "The payment page says error 500", now).await);
    }
    let staff = app
        .sign_in_as("alice@test.heard", "Alice Agent", Role::Agent, &[])
        .await;
    let cases = refs.join(", ");
    let (s, location, html) = staff
        .post("/problems", &[("title", "Payment page error 500"), ("cases", &cases)])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let id = location
        .trim_start_matches("/problems/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let path = format!("/problems/{id}");

    // Resolving needs the fix.
    let form = |fix: &'static str| {
        vec![
            ("title", "Payment page error 500"),
            ("status", "resolved"),
            ("owner", ""),
            ("fix", fix),
            ("tell", "on"),
            (
                "message",
                "Hello,\n\nThe payment page works again ({title}).\n\n{fix}\n\nReference {reference}.",
            ),
        ]
    };
    let (s, _, html) = staff.post(&path, &form("")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Fix: say what fixed the problem before resolving it"),
        "{html}"
    );
    assert!(html.contains("href=\"#fix\""), "{html}");

    let (s, location, html) = staff.post(&path, &form("The supplier renewed the certificate.")).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    assert!(location.contains("told=3"), "{location}");
    let (_, html) = staff.page(&location).await;
    assert!(html.contains("3 customers told by email"), "{html}");
    for r in &refs {
        let reference: CaseReference = r.parse().unwrap();
        let queued = app.store.outbox(Some(reference.number()), None).await.unwrap();
        assert_eq!(queued.len(), 1, "one email for {r}: {queued:?}");
        let e = &queued[0];
        assert!(e.to.contains("@example.org"), "{}", e.to);
        assert!(e.body.contains("The supplier renewed the certificate."), "{}", e.body);
        assert!(e.body.contains(&format!("Reference {r}.")), "{}", e.body);
        assert!(
            e.subject.contains(r.as_str()),
            "threaded by the reference: {}",
            e.subject
        );
        let (_, case) = app.api(reqwest::Method::GET, &format!("/api/v1/cases/{r}"), None).await;
        assert!(case.to_string().contains("resolved: The supplier renewed"), "{case}");
    }
    // Saving again does not tell anyone twice.
    let (s, _, _) = staff.post(&path, &form("The supplier renewed the certificate.")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let reference: CaseReference = refs[0].parse().unwrap();
    assert_eq!(app.store.outbox(Some(reference.number()), None).await.unwrap().len(), 1);
});

on_both!(an_overdue_learning_action_slips_into_its_owners_queue, |app| {
    let owner = app
        .sign_in_as("olive@test.heard", "Olive Owner", Role::Agent, &[])
        .await;
    let other = app.sign_in_as("bob@test.heard", "Bob Agent", Role::Agent, &[]).await;
    let (s, location, _) = owner.post("/problems", &[("title", "Library printer jams")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let problem = location
        .trim_start_matches("/problems/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let owner_id = owner.user_id.to_string();

    // Every missing field is named.
    let (s, _, html) = owner
        .post(
            "/learning",
            &[("source", "problem"), ("problem", &problem), ("kind", "training")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "What: say what will change",
        "Owner: choose who owns the action",
        "Due on: enter the date it is due",
    ] {
        assert!(html.contains(m), "{m}: {html}");
    }

    let (s, _, html) = owner
        .post(
            "/learning",
            &[
                ("source", "problem"),
                ("problem", &problem),
                ("what", "Train library staff to clear printer jams"),
                ("kind", "training"),
                ("owner", &owner_id),
                ("due_on", "2020-01-31"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = owner.page("/cases?view=slipping").await;
    assert!(html.contains("Your overdue learning actions"), "{html}");
    assert!(html.contains("Train library staff to clear printer jams"), "{html}");
    assert!(html.contains("Overdue: 31 Jan 2020"), "{html}");
    let (_, html) = other.page("/cases?view=slipping").await;
    assert!(!html.contains("Train library staff"), "only the owner's: {html}");
    let (_, html) = owner.page(&format!("/problems/{problem}")).await;
    assert!(html.contains("Train library staff to clear printer jams"), "{html}");

    // A complaint's action needs a complaint case.
    let r = post(&app, 1, "Where is my refund?", jiff::Timestamp::now()).await;
    let (s, _, html) = owner
        .post(
            "/learning",
            &[
                ("source", "complaint"),
                ("case", &r),
                ("what", "Explain refunds on the website"),
                ("kind", "process_change"),
                ("owner", &owner_id),
                ("due_on", "2030-01-31"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Case: learning actions come from complaint cases"),
        "{html}"
    );
});

on_both!(an_mot_pack_counts_the_department_and_takes_findings, |app| {
    let now = jiff::Timestamp::now();
    let refs = [
        post(&app, 1, "Please set up a direct debit", now).await,
        post(&app, 2, "My bill is wrong", now).await,
    ];
    let staff = app.sign_in_as("mo@test.heard", "Mo Tester", Role::Agent, &[]).await;
    let (s, html) = staff.page("/mot?service=revenues-and-benefits").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("MOT day pack: Council tax"), "{html}");
    assert!(html.contains("<td>email</td><td>2</td>"), "contacts by channel: {html}");
    let (s, html) = staff
        .page("/mot?service=revenues-and-benefits&from=2027-01-01&to=2026-01-01")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("From: must be on or before the To date"), "{html}");
    let (s, _) = staff.page("/mot?service=no-such-service").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A finding recorded on the day comes back to the pack.
    let me = staff.user_id.to_string();
    let (s, location, html) = staff
        .post(
            "/learning",
            &[
                ("source", "mot"),
                ("service", "revenues-and-benefits"),
                ("mot_on", "2026-11-20"),
                ("what", "Let landlords upload tenancy lists"),
                ("kind", "ict_fix"),
                ("owner", &me),
                ("due_on", "2030-01-31"),
                ("back", "/mot?service=revenues-and-benefits"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(location, "/mot?service=revenues-and-benefits");
    let (_, html) = staff.page(&location).await;
    assert!(html.contains("Let landlords upload tenancy lists"), "{html}");
    let (s, csv) = staff.page("/mot.csv?service=revenues-and-benefits").await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv.starts_with("section,item,detail,value\n"), "{csv}");
    assert!(csv.contains("contacts by channel,email,,2\n"), "{csv}");
    assert!(
        csv.contains("open learning action,Let landlords upload tenancy lists,"),
        "{csv}"
    );
    assert!(!refs[0].is_empty());
});
