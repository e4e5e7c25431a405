//! Brief story 6: a formal complaint runs through stage 1 and stage 2 with the Complaint
//! Handling Code's working-day deadlines, an extension with its reason, a stage 2 reviewer
//! who did not handle stage 1, outstanding actions followed up, and the yearly report — as
//! a council officer does it in the pages. A dissatisfied message on a service request is
//! taken as a complaint of its own. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, no_redirects, spawn, user_id};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::json;

async fn new_case(app: &TestApp, body: &str, kind: Option<&str>) -> (String, i64) {
    let mut req = json!({"channel": "email", "from": "ruth@example.com", "subject": "Repairs",
        "body": body, "service": "revenues-and-benefits"});
    if let Some(k) = kind {
        req["kind"] = json!(k);
    }
    let (s, v) = app.api(reqwest::Method::POST, "/api/v1/contacts", Some(req)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let contact = v["contact"]["id"].as_i64().or(v["id"].as_i64()).expect("contact id");
    (v["case"]["reference"].as_str().expect("reference").to_string(), contact)
}

async fn a_complaint_through_both_stages(db: TestDb) {
    let app = spawn(db).await;
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (r, _) = new_case(
        &app,
        "I am complaining that my council tax refund has not come: I reported it three times.",
        Some("complaint"),
    )
    .await;
    let first = app
        .sign_in_as(
            "stage1@test.heard",
            "Sam Stageone",
            Role::BackOffice,
            &["revenues-and-benefits"],
        )
        .await;
    let second = app
        .sign_in_as("stage2@test.heard", "Rita Reviewer", Role::TeamManager, &[])
        .await;
    let page = format!("/cases/{r}/complaint");
    let (s, html) = first.page(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Stage 1: acknowledge by"), "{html}");

    // An acknowledgement needs the complaint as understood and the outcome sought.
    let (s, _, html) = first.post(&page, &[("step", "acknowledge"), ("understood", "")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Understood: say what the complaint is"), "{html}");
    assert!(html.contains("Outcome sought: say what outcome"), "{html}");

    // Reasonable adjustments, kept in view.
    let (s, _, html) = first
        .post(
            &page,
            &[
                ("step", "details"),
                ("category", "Repairs"),
                ("adjustments", "Large print letters; phone after 2pm"),
                ("ombudsman", "housing"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (s, _, html) = first
        .post(
            &page,
            &[
                ("step", "acknowledge"),
                ("understood", "Damp reported three times; no visit."),
                ("outcome_sought", "The damp fixed and an apology."),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = first.page(&page).await;
    assert!(html.contains("Large print letters; phone after 2pm"), "{html}");
    assert!(html.contains("Stage 1: respond by"), "{html}");

    // Extensions: at most 10 working days at stage 1, with a reason, the resident told.
    let (s, _, html) = first
        .post(&page, &[("step", "extend"), ("days", "11"), ("reasons", "Surveyor")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Stage 1 may be extended by at most 10 working days"),
        "{html}"
    );
    assert!(html.contains("the resident must be told of the extension"), "{html}");
    let (s, _, html) = first
        .post(
            &page,
            &[
                ("step", "extend"),
                ("days", "5"),
                ("reasons", "Awaiting the damp survey"),
                ("resident_told", "yes"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = first.page(&page).await;
    assert!(
        html.contains("extended by 5 working days: Awaiting the damp survey"),
        "{html}"
    );

    // The response, with an outstanding action followed up on the case.
    let (s, _, html) = first
        .post(
            &page,
            &[
                ("step", "respond"),
                ("decision", "upheld"),
                ("reasons", "Three reports were not acted on."),
                ("remedy", "Apology and £150 for the inconvenience"),
                ("actions", "Treat the damp in the bedroom"),
                ("actions_due", "2099-01-31"),
                ("learning", "Repeat damp reports now trigger a surveyor visit."),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, case_page) = first.page(&format!("/cases/{r}")).await;
    assert!(
        case_page.contains("Complaint action: Treat the damp in the bedroom"),
        "{case_page}"
    );

    // Stage 2: not by the stage 1 handler.
    let (_, html) = first.page(&page).await;
    let me = first_handler_id(&html, "Sam Stageone");
    assert!(me.is_none(), "the stage 1 handler is not offered for stage 2: {html}");
    let (s, _, html) = first
        .post(
            &page,
            &[
                ("step", "escalate"),
                ("handler", &user_id(&app, "stage1@test.heard").await.to_string()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("did not handle stage 1"), "{html}");
    let reviewer = user_id(&app, "stage2@test.heard").await.to_string();
    let (s, _, html) = first.post(&page, &[("step", "escalate"), ("handler", &reviewer)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = second.page(&page).await;
    assert!(html.contains("Stage 2: acknowledge by"), "{html}");
    for step in [
        vec![
            ("step", "acknowledge"),
            ("understood", "Unhappy with the remedy"),
            ("outcome_sought", "More compensation"),
        ],
        vec![
            ("step", "respond"),
            ("decision", "not_upheld"),
            ("reasons", "The remedy was fair."),
        ],
    ] {
        let (s, _, html) = second.post(&page, &step).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    }
    let (_, html) = second.page(&page).await;
    assert!(html.contains("Stage 2 answered"), "{html}");
    assert!(!html.contains("Take to stage 2"), "there is no third stage: {html}");

    // The year's report: both stages on time, the extension, the learning.
    let (s, report) = second.page("/complaints/report").await;
    assert_eq!(s, StatusCode::OK);
    assert!(report.contains("1 of 1 (100%)"), "{report}");
    assert!(
        report.contains("Repeat damp reports now trigger a surveyor visit."),
        "{report}"
    );
    let (s, csv) = second.page("/complaints/report.csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv.contains("stages,received,1,1"), "{csv}");
    assert!(csv.contains("stages,extended,1,0"), "{csv}");
    let (s, _) = second.page("/complaints/report?year=banana").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

/// `Some(id)` when the page offers `name` as a stage 2 handler.
fn first_handler_id(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!(">{name}</option>"))?;
    let before = &html[..at];
    let v = before.rfind("value=\"")?;
    Some(before[v + 7..].split('"').next()?.to_string())
}

async fn a_dissatisfied_message_is_taken_as_a_complaint(db: TestDb) {
    let app = spawn(db).await;
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (r, _) = new_case(&app, "My kitchen tap is leaking, please send someone.", None).await;
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(
                json!({"channel": "email", "from": "ruth@example.com", "subject": format!("Re: [{r}] Repairs"),
                "body": "Still waiting after three weeks. This is unacceptable.",
                "service": "revenues-and-benefits"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let chasing = v["contact"]["id"].as_i64().or(v["id"].as_i64()).expect("contact id");
    let agent = app.sign_in_as("agent@test.heard", "Ada Agent", Role::Agent, &[]).await;
    let (_, html) = agent.page(&format!("/cases/{r}/complaint")).await;
    assert!(html.contains("Take as a complaint"), "{html}");
    let (s, location, html) = agent
        .post(
            &format!("/cases/{r}/complaint"),
            &[
                ("step", "take"),
                ("contact", &chasing.to_string()),
                ("title", "Complaint: slow repair"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let new = location
        .trim_start_matches("/cases/")
        .split('/')
        .next()
        .expect("new reference")
        .to_string();
    assert_ne!(new, r);
    let (_, html) = agent.page(&format!("/cases/{new}/complaint")).await;
    assert!(html.contains("Stage 1: acknowledge by"), "{html}");
    let (_, html) = agent.page(&format!("/cases/{new}")).await;
    assert!(html.contains("Still waiting after three weeks"), "{html}");
    // A step that needs a complaint is refused on the service request.
    let (s, _, _) = agent
        .post(
            &format!("/cases/{r}/complaint"),
            &[("step", "acknowledge"), ("understood", "x"), ("outcome_sought", "y")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_complaint_about_an_old_matter_waits_for_a_decision(db: TestDb) {
    let app = spawn(db).await;
    let app = TestApp {
        http: no_redirects(&app),
        ..app
    };
    let (r, _) = new_case(
        &app,
        "I want to complain about how my 2023 bill was handled.",
        Some("complaint"),
    )
    .await;
    let officer = app
        .sign_in_as("officer@test.heard", "Olu Officer", Role::TeamManager, &[])
        .await;
    let page = format!("/cases/{r}/complaint");
    let (s, _, html) = officer
        .post(
            &page,
            &[
                ("step", "details"),
                ("matter_on", "2099-01-01"),
                ("ombudsman", "local_government"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("cannot have happened in the future"), "{html}");
    let (s, _, html) = officer
        .post(
            &page,
            &[
                ("step", "details"),
                ("matter_on", "2023-04-01"),
                ("ombudsman", "local_government"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = officer.page(&page).await;
    assert!(html.contains("more than 12 months before the complaint"), "{html}");
    assert!(html.contains("Decide on a late complaint"), "{html}");
    // No acknowledgement until someone decides, with reasons.
    let (s, _, html) = officer
        .post(
            &page,
            &[
                ("step", "acknowledge"),
                ("understood", "Old bill"),
                ("outcome_sought", "Refund"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("decide, with reasons, whether to take the complaint first"),
        "{html}"
    );
    let (s, _, html) = officer.post(&page, &[("step", "late"), ("late", "refuse")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "reasons are required: {html}");
    let (s, _, html) = officer
        .post(
            &page,
            &[
                ("step", "late"),
                ("late", "refuse"),
                ("reasons", "The bill was settled in 2023 and not disputed then."),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = officer.page(&page).await;
    assert!(
        html.contains("Refused: The matter is more than 12 months old."),
        "{html}"
    );
    assert!(html.contains("www.lgo.org.uk"), "the Ombudsman's details: {html}");
    let (_, report) = officer.page("/complaints/report").await;
    assert!(report.contains("1 of 1 refusals record their reasons"), "{report}");
    assert!(report.contains("1 of 1 decided"), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_sqlite() {
    a_complaint_about_an_old_matter_waits_for_a_decision(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_postgres() {
    if let Some(db) = TestDb::postgres().await {
        a_complaint_about_an_old_matter_waits_for_a_decision(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stages_sqlite() {
    a_complaint_through_both_stages(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stages_postgres() {
    if let Some(db) = TestDb::postgres().await {
        a_complaint_through_both_stages(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taken_sqlite() {
    a_dissatisfied_message_is_taken_as_a_complaint(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taken_postgres() {
    if let Some(db) = TestDb::postgres().await {
        a_dissatisfied_message_is_taken_as_a_complaint(db).await;
    }
}
