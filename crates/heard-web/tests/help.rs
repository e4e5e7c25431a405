//! Answers to read, end to end: staff write an article, residents find and read it,
//! the report form suggests it as they type, agents insert it into replies, and the
//! editor counts how often a suggestion ended a visit without a report. On SQLite and
//! PostgreSQL.

mod common;

use common::{Part, TestApp, no_redirects, open_form, send, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::Value;

async fn get(app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    let s = r.status();
    (s, r.text().await.unwrap())
}

on_both!(
    staff_write_answers_residents_find_them_and_the_form_suggests_them,
    |app| {
        let app = TestApp {
            http: no_redirects(&app),
            ..app
        };
        let staff = app
            .sign_in_as("editor@test.heard", "Eddie Editor", Role::Agent, &[])
            .await;
        let (s, html) = staff.page("/articles/new").await;
        assert_eq!(s, StatusCode::OK, "{html}");

        // A mistake comes back by its field; then two articles, one a draft.
        let (s, _, html) = staff
            .post("/articles", &[("title", " "), ("body", "x"), ("language", "en")])
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(html.contains("title: write a title"), "{html}");
        let r = staff
            .http
            .post(app.url("/articles"))
            .header("cookie", &staff.cookie)
            .form(&[
                ("csrf_token", "forged"),
                ("title", "Forged"),
                ("body", "x"),
                ("language", "en"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let body = "Tell us about a pothole on a road or pavement, with a photo if you can.\n\n\
                We make dangerous potholes safe within 24 hours and repair others within 28 days.";
        let (s, _, location) = staff
            .post(
                "/articles",
                &[
                    ("title", "Report a pothole"),
                    ("service", "highways"),
                    ("language", "en"),
                    ("body", body),
                    ("published", "on"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{location}");
        staff
            .post(
                "/articles",
                &[
                    ("title", "Pothole compensation claims"),
                    ("service", "highways"),
                    ("language", "en"),
                    ("body", "Draft: not ready for residents."),
                ],
            )
            .await;

        // Residents find and read the published one only.
        let (_, html) = get(&app, "/help").await;
        assert!(
            html.contains("Report a pothole") && !html.contains("compensation"),
            "{html}"
        );
        let (_, html) = get(&app, "/help?q=there+is+a+huge+pothole+on+my+road").await;
        assert!(html.contains("href=\"/help/report-a-pothole\""), "{html}");
        let (s, html) = get(&app, "/help/report-a-pothole").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("<h1>Report a pothole</h1>") && html.contains("within 24 hours"),
            "{html}"
        );
        assert!(
            html.contains("href=\"/report/highways\""),
            "a way on to the form: {html}"
        );
        let (s, _) = get(&app, "/help/pothole-compensation-claims").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "drafts are not public");
        let (_, html) = get(&app, "/help?lang=cy").await;
        assert!(html.contains("Dod o hyd i ateb"), "{html}");

        // The report form suggests it; the script asks again as the resident types.
        let (token, _, html) = open_form(&app, "highways").await;
        assert!(html.contains("Answers that may help"), "{html}");
        assert!(
            html.contains(&format!("href=\"/help/report-a-pothole?v={token}\"")),
            "{html}"
        );
        assert!(html.contains("src=\"/static/report.js\""));
        let (s, json) = get(
            &app,
            &format!("/report/highways/suggest?q=big+pothole+outside+my+house&v={token}"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let found: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(found[0]["title"], "Report a pothole", "{json}");
        assert_eq!(found[0]["url"], format!("/help/report-a-pothole?v={token}"));
        let (s, _) = get(&app, "/static/report.js").await;
        assert_eq!(s, StatusCode::OK);

        // Visit one reads the answer and leaves; visit two reads it and reports anyway.
        get(&app, &format!("/help/report-a-pothole?v={token}")).await;
        let (second, cookie, _) = open_form(&app, "highways").await;
        get(&app, &format!("/help/report-a-pothole?v={second}")).await;
        let (s, _, body) = send(
            &app,
            "highways",
            Some(&cookie),
            &[
                Part::Text("csrf_token", &second),
                Part::Text("description", "The pothole is still there after a week"),
                Part::Text("f_depth", "deep"),
                Part::Text("email", "jo@example.org"),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        let (_, html) = staff.page("/articles").await;
        let row = html
            .split("<tr>")
            .find(|r| r.contains("Report a pothole"))
            .unwrap_or_else(|| panic!("{html}"));
        assert!(
            row.contains("<td class=\"numeric\">2</td>\n    <td class=\"numeric\">1</td>"),
            "opened twice from a suggestion, once ending the visit: {row}"
        );

        // Agents insert it into a reply on a highways case.
        let reference = app
            .store
            .list_cases(
                &heard_store::queries::CaseFilter {
                    limit: Some(1),
                    ..Default::default()
                },
                "HRD",
            )
            .await
            .unwrap()
            .items[0]
            .reference
            .to_string();
        let (_, html) = staff.page(&format!("/cases/{reference}")).await;
        assert!(html.contains("Article: Report a pothole"), "{html}");
    }
);
