//! The agent workspace as an agent uses it, through the pages' own forms: jobs with
//! drafts that survive a reload, replies (emailed through the outbox, or recorded),
//! notes, follow-ups, the close check, stale forms, queues with counts, and who may do
//! what. On SQLite and PostgreSQL.

mod common;

use common::{Session, TestApp, hidden, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A customer emails `service`; returns the case reference.
async fn email_in(app: &TestApp, from: &str, subject: &str, body: &str, service: &str) -> String {
    let (s, v) = app
        .api(
            Method::POST,
            "/api/v1/contacts",
            Some(json!({"channel": "email", "from": from, "subject": subject, "body": body, "service": service})),
        )
        .await;
    assert!(s.is_success(), "{s} {v}");
    v["case"]["reference"].as_str().unwrap().to_string()
}

async fn agent(app: &TestApp) -> Session {
    app.sign_in_as("sam@test.heard", "Sam Carter", Role::Agent, &[]).await
}

on_both!(opening_a_case_makes_it_a_job_whose_drafts_survive_a_reload, |app| {
    let a = email_in(
        &app,
        "ann@example.org",
        "Bin not emptied",
        "Our bin was missed on Tuesday.",
        "customer-services",
    )
    .await;
    let b = email_in(
        &app,
        "bob@example.org",
        "Pothole",
        "A deep pothole on Mill Lane.",
        "highways",
    )
    .await;
    let sam = agent(&app).await;
    let (s, html) = sam.page(&format!("/cases/{a}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Bin not emptied") && html.contains("1 awaiting reply"),
        "{html}"
    );
    let (_, html) = sam.page(&format!("/cases/{b}")).await;
    // Both jobs in the strip, in distinct colours, the current one marked.
    assert!(
        html.contains(&format!("href=\"/cases/{a}\" class=\"job-link\" data-job>")),
        "{html}"
    );
    assert!(html.contains(&format!(
        "href=\"/cases/{b}\" class=\"job-link\" data-job aria-current=\"page\""
    )));
    assert!(html.contains("job-colour-0") && html.contains("job-colour-1"));

    // Typing is saved as the agent goes; a reload (or a new sign-in) finds it.
    let (s, v) = sam
        .json(
            Method::POST,
            &format!("/cases/{a}/draft"),
            Some(json!({"channel": "phone", "reply": "Dear Ann, <b>sorry</b> about the bin", "note": "ring crew"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["saved"], true);
    let again = agent(&app).await;
    let (_, html) = again.page(&format!("/cases/{a}")).await;
    assert!(
        html.contains("Dear Ann, &#60;b&#62;sorry&#60;/b&#62; about the bin"),
        "draft escaped and restored"
    );
    assert!(html.contains(">ring crew</textarea>"));
    assert!(html.contains("<option value=\"phone\" selected>"));
    // The strip says which jobs hold a draft.
    assert!(html.contains("Draft</span>"));

    // A standard reply starts filled from the case (the no-script path of "Insert").
    let (_, html) = sam.page(&format!("/cases/{b}?template=Acknowledge")).await;
    let customer = app.store.case(&b.parse().unwrap()).await.unwrap().customer.name;
    assert!(html.contains(&format!(">Dear {customer},")), "{html}");
    assert!(html.contains("Yours sincerely,\nSam Carter</textarea>"));
    assert!(html.contains(&format!("Your reference is {b}")));

    // Without the CSRF header a draft is refused.
    let r = sam
        .http
        .post(format!("{}/cases/{a}/draft", app.base))
        .header("cookie", &sam.cookie)
        .json(&json!({"reply": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
});

on_both!(
    a_case_cannot_close_while_a_contact_is_unanswered_or_a_follow_up_open,
    |app| {
        let r = email_in(
            &app,
            "ann@example.org",
            "Council tax bill",
            "Why has my bill gone up?",
            "revenues-and-benefits",
        )
        .await;
        let sam = agent(&app).await;
        let (_, html) = sam.page(&format!("/cases/{r}")).await;
        let version = hidden(&html, "version");
        let (s, _, html) = sam.post(&format!("/cases/{r}/close"), &[("version", &version)]).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(html.contains("This case cannot be closed yet"), "{html}");
        assert!(html.contains("has no reply and is not marked"));

        // Reply by phone (recorded, not emailed), promise a follow-up: still blocked.
        let (s, loc, body) = sam
            .post(
                &format!("/cases/{r}/reply"),
                &[
                    ("channel", "phone"),
                    ("body", "Explained the new band."),
                    ("last_reply_seen", ""),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(loc, format!("/cases/{r}?done=reply"));
        let (s, _, body) = sam
            .post(
                &format!("/cases/{r}/follow-ups"),
                &[("due", "2999-01-01"), ("note", "")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("Say what is to be done") && body.contains("value=\"2999-01-01\""),
            "kept what was typed"
        );
        // Due before the case's resolution deadline (20 working days), so it comes first.
        let tomorrow = jiff::Zoned::now().date().tomorrow().unwrap();
        let (s, _, _) = sam
            .post(
                &format!("/cases/{r}/follow-ups"),
                &[("due", &tomorrow.to_string()), ("note", "Send the revised bill")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = sam.page(&format!("/cases/{r}")).await;
        assert!(
            html.contains(&format!("Next action by {}", tomorrow.strftime("%-d %b %Y"))),
            "the follow-up sets the next action"
        );
        let (s, _, html) = sam
            .post(&format!("/cases/{r}/close"), &[("version", &hidden(&html, "version"))])
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(html.contains("Send the revised bill"));
        assert!(!html.contains("has no reply"), "the phone reply answered the contact");

        // Done: it closes, leaves the agent's jobs, and the customer's answer is on record.
        let follow_up = app
            .store
            .follow_ups(&r.parse().unwrap())
            .await
            .unwrap()
            .first()
            .unwrap()
            .id;
        let (s, _, _) = sam.post(&format!("/cases/{r}/follow-ups/{follow_up}/done"), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = sam.page(&format!("/cases/{r}")).await;
        let (s, loc, _) = sam
            .post(&format!("/cases/{r}/close"), &[("version", &hidden(&html, "version"))])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(loc, format!("/cases?done=closed&case={r}"));
        let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{r}"), None).await;
        assert_eq!(v["status"], "closed");
        let outbound: Vec<&Value> = v["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["direction"] == "outbound")
            .collect();
        assert_eq!(outbound.len(), 1);
        assert_eq!(outbound[0]["channel"], "phone");
        let jobs = app.store.jobs(sam.user_id, "HRD").await.unwrap();
        assert!(jobs.is_empty(), "closing put the job down");
    }
);

on_both!(a_contact_marked_no_reply_needed_lets_the_case_close, |app| {
    let r = email_in(
        &app,
        "ann@example.org",
        "Thanks",
        "Thank you for fixing the light.",
        "customer-services",
    )
    .await;
    let sam = agent(&app).await;
    let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{r}"), None).await;
    let contact = v["contacts"][0]["id"].as_i64().unwrap();
    let (s, loc, _) = sam
        .post(&format!("/cases/{r}/contacts/{contact}/no-reply"), &[("on", "true")])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(loc.ends_with("done=no-reply"));
    let (_, html) = sam.page(&format!("/cases/{r}")).await;
    assert!(html.contains("No reply needed") && !html.contains("awaiting reply"));
    let (s, _, _) = sam
        .post(&format!("/cases/{r}/close"), &[("version", &hidden(&html, "version"))])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
});

on_both!(
    an_emailed_reply_goes_to_the_outbox_and_a_second_agent_cannot_overwrite_it,
    |app| {
        let r = email_in(
            &app,
            "ann@example.org",
            "Missed bin",
            "Missed again.",
            "customer-services",
        )
        .await;
        let sam = agent(&app).await;
        let kim = app.sign_in_as("kim@test.heard", "Kim Lee", Role::Agent, &[]).await;
        let (_, sam_page) = sam.page(&format!("/cases/{r}")).await;
        let (_, kim_page) = kim.page(&format!("/cases/{r}")).await;
        assert!(
            sam_page.contains("value=\"ann@example.org\""),
            "the customer's address is filled in"
        );
        let seen = hidden(&sam_page, "last_reply_seen");
        let (s, loc, body) = sam
            .post(
                &format!("/cases/{r}/reply"),
                &[
                    ("channel", "email"),
                    ("to", "ann@example.org"),
                    ("subject", "Re: Missed bin"),
                    ("body", "Sorry, the crew will return tomorrow."),
                    ("last_reply_seen", &seen),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
        assert!(loc.ends_with("done=email"));
        let outbox = agent_replies(&app).await;
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].status, "pending");
        assert_eq!(outbox[0].to, "ann@example.org");
        assert!(outbox[0].subject.contains(&format!("[{r}]")), "{}", outbox[0].subject);

        // The audit log has the reply (written with it) and the page views (batched).
        let logged = |action: &'static str| {
            let store = app.store.clone();
            let r = r.clone();
            async move {
                for _ in 0..50 {
                    let page = store
                        .search_audit(&heard_store::audit::AuditFilter {
                            case_reference: Some(r.clone()),
                            action: Some(action.into()),
                            ..Default::default()
                        })
                        .await
                        .unwrap();
                    if !page.items.is_empty() {
                        return page.items;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Vec::new()
            }
        };
        let replies = logged("case.reply").await;
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].actor, "sam@test.heard");
        assert!(
            logged("case.read").await.len() >= 2,
            "both agents' views are in the audit log"
        );

        // Kim wrote from the page as it was before Sam's reply: refused, text kept.
        let (s, _, html) = kim
            .post(
                &format!("/cases/{r}/reply"),
                &[
                    ("channel", "email"),
                    ("to", "ann@example.org"),
                    ("subject", "Re: Missed bin"),
                    ("body", "Kim's answer"),
                    ("last_reply_seen", &hidden(&kim_page, "last_reply_seen")),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(
            html.contains("Someone else replied") && html.contains(">Kim&#39;s answer</textarea>"),
            "{html}"
        );
        assert_eq!(agent_replies(&app).await.len(), 1);

        // A bad address is named against its field.
        let (s, _, html) = sam
            .post(
                &format!("/cases/{r}/reply"),
                &[
                    ("channel", "email"),
                    ("to", "not an address"),
                    ("body", "x"),
                    ("last_reply_seen", ""),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Enter the email address"));

        // Each sees the other: presence.
        let (_, v) = kim.json(Method::GET, &format!("/cases/{r}/live"), None).await;
        assert_eq!(v["viewers"], json!([]), "Sam has not polled yet");
        let (_, v) = sam.json(Method::GET, &format!("/cases/{r}/live"), None).await;
        assert_eq!(v["viewers"], json!(["Kim Lee"]));
        assert_eq!(v["contacts"], 2);
    }
);

on_both!(a_stale_status_change_is_shown_not_applied, |app| {
    let r = email_in(&app, "ann@example.org", "Noise", "Loud music.", "customer-services").await;
    let sam = agent(&app).await;
    let (_, html) = sam.page(&format!("/cases/{r}")).await;
    let version = hidden(&html, "version");
    // Meanwhile the customer writes again.
    email_in(&app, "ann@example.org", "Re: Noise", "Still loud.", "customer-services").await;
    let (s, _, html) = sam
        .post(
            &format!("/cases/{r}/status"),
            &[("status", "in_progress"), ("version", &version)],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(html.contains("The case changed while you were working on it"));
    let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{r}"), None).await;
    assert_eq!(v["status"], "new");
});

on_both!(queues_count_and_list_slipping_cases_most_urgent_first, |app| {
    let a = email_in(&app, "a@example.org", "One", "First.", "customer-services").await;
    let b = email_in(&app, "b@example.org", "Two", "Second.", "highways").await;
    let sam = agent(&app).await;
    let (s, html) = sam.page("/cases?view=unassigned").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&a) && html.contains(&b));
    // Sam takes one; a follow-up due soon makes the other slip.
    let (s, _, _) = sam
        .post(&format!("/cases/{a}/assign"), &[("owner", &sam.user_id.to_string())])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let today = jiff::Zoned::now().date().to_string();
    let (s, _, _) = sam
        .post(
            &format!("/cases/{b}/follow-ups"),
            &[("due", &today), ("note", "Inspect")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = sam.page("/cases?view=mine").await;
    assert!(html.contains(&a) && !html.contains(&format!(">{b}<")));
    let (_, html) = sam.page("/cases?view=slipping").await;
    assert!(html.contains(&format!(">{b}<")), "{html}");
    assert!(html.contains("most urgent first"));
    let (s, v) = sam.json(Method::GET, "/queues/counts", None).await;
    assert_eq!(s, StatusCode::OK);
    let count = |name: &str| {
        v["views"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x[0] == name)
            .map(|x| x[1].as_u64().unwrap())
            .unwrap()
    };
    assert_eq!(
        (count("mine"), count("unassigned"), count("slipping"), count("open")),
        (1, 1, 1, 2)
    );

    // Filters live in the URL; a view can be saved under a name.
    let (s, loc, _) = sam
        .post("/views", &[("name", "Roads"), ("query", "view=open&service=highways")])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{loc}");
    let (_, html) = sam.page("/cases?view=open&service=highways").await;
    assert!(html.contains(&b) && !html.contains(&format!(">{a}<")));
    assert!(html.contains(">Roads</a>"));
});

on_both!(an_agent_holds_at_most_five_jobs, |app| {
    let sam = agent(&app).await;
    let mut refs = Vec::new();
    for i in 0..6 {
        refs.push(
            email_in(
                &app,
                &format!("p{i}@example.org"),
                "Hello",
                "A question.",
                "customer-services",
            )
            .await,
        );
    }
    for r in &refs[..5] {
        let (_, html) = sam.page(&format!("/cases/{r}")).await;
        assert!(!html.contains("not kept as a job"));
    }
    let (s, html) = sam.page(&format!("/cases/{}", refs[5])).await;
    assert_eq!(s, StatusCode::OK, "the case is still shown");
    assert!(html.contains("you already have 5 jobs open"), "{html}");
    let (s, loc, _) = sam.post(&format!("/cases/{}/job/close", refs[0]), &[]).await;
    assert_eq!((s, loc.as_str()), (StatusCode::SEE_OTHER, "/cases"));
    let (_, html) = sam.page(&format!("/cases/{}", refs[5])).await;
    assert!(!html.contains("not kept as a job"));
    let colours: Vec<u8> = app
        .store
        .jobs(sam.user_id, "HRD")
        .await
        .unwrap()
        .iter()
        .map(|j| j.colour)
        .collect();
    let mut distinct = colours.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 5, "{colours:?}");
});

on_both!(roles_and_services_bound_what_the_workspace_shows_and_does, |app| {
    let r = email_in(
        &app,
        "ann@example.org",
        "Council tax",
        "My bill.",
        "revenues-and-benefits",
    )
    .await;
    let roads = app
        .sign_in_as("roads@test.heard", "Rhys Roads", Role::BackOffice, &["highways"])
        .await;
    let (s, _) = roads.page(&format!("/cases/{r}")).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another service's case does not exist for them"
    );
    let (s, _, _) = roads.post(&format!("/cases/{r}/note"), &[("note", "peek")]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, html) = roads.page("/cases?view=open").await;
    assert!(!html.contains(&r));

    let auditor = app
        .sign_in_as("audit@test.heard", "Ada Audit", Role::Auditor, &[])
        .await;
    let (s, html) = auditor.page(&format!("/cases/{r}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("Send reply"), "no forms for a read-only role");
    let (s, _, _) = auditor.post(&format!("/cases/{r}/note"), &[("note", "x")]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A form without the session's token is refused.
    let sam = agent(&app).await;
    let r2 = sam
        .http
        .post(format!("{}/cases/{r}/note", app.base))
        .header("cookie", &sam.cookie)
        .form(&[("csrf_token", "forged"), ("note", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r2.status(), StatusCode::FORBIDDEN);

    // Transfer needs a reason; with one, the case moves and says why.
    let (s, _, html) = sam
        .post(
            &format!("/cases/{r}/transfer"),
            &[("service", "highways"), ("reason", "")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Say why the case is moving"));
    let (s, _, _) = sam
        .post(
            &format!("/cases/{r}/transfer"),
            &[("service", "highways"), ("reason", "It is about a dropped kerb")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, html) = roads.page(&format!("/cases/{r}")).await;
    assert_eq!(s, StatusCode::OK, "now Highways sees it");
    assert!(html.contains("Transferred from revenues-and-benefits to highways: It is about a dropped kerb"));
    let (s, _, _) = roads
        .post(&format!("/cases/{r}/note"), &[("note", "Kerb team informed")])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = roads.page(&format!("/cases/{r}")).await;
    assert!(html.contains("Internal note") && html.contains("Kerb team informed"));
});

on_both!(one_search_box_finds_cases_customers_and_contacts, |app| {
    let r = email_in(
        &app,
        "gwen@example.org",
        "Streetlight",
        "The lamp by 4 Orchard Close flickers.",
        "highways",
    )
    .await;
    let other = email_in(
        &app,
        "ivor@example.org",
        "Tax",
        "Orchard Close band query.",
        "revenues-and-benefits",
    )
    .await;
    let sam = agent(&app).await;
    // A reference, typed any way, opens the case.
    let resp = sam
        .http
        .get(format!("{}/search?q={}", app.base, r.to_lowercase()))
        .header("cookie", &sam.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let loc = resp.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(loc, format!("/cases/{r}"));
    // Words find both cases, grouped; an officer of one service sees only theirs.
    let (s, html) = sam.page("/search?q=orchard").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&format!("href=\"/cases/{r}\"")) && html.contains(&format!("href=\"/cases/{other}\"")));
    assert!(html.contains("Cases (2)") && html.contains("[Orchard]"), "{html}");
    let roads = app
        .sign_in_as("roads@test.heard", "Rhys Roads", Role::BackOffice, &["highways"])
        .await;
    let (_, html) = roads.page("/search?q=orchard").await;
    assert!(html.contains(&r) && !html.contains(&other));
    // A customer by email address, and their cases from there.
    let (_, html) = sam.page("/search?q=gwen%40example.org").await;
    assert!(html.contains("Customers (1)"), "{html}");
    let customer = app.store.case(&r.parse().unwrap()).await.unwrap().customer.id;
    let (_, html) = sam.page(&format!("/cases?view=all&customer={customer}")).await;
    assert!(html.contains(&r) && !html.contains(&other));
});

on_both!(repeated_failed_sign_ins_lock_the_account_and_slow_guessing, |app| {
    let sam = agent(&app).await; // sets the password "correct horse battery"
    let http = &sam.http;
    let login = |email: &'static str, password: &'static str| {
        http.post(format!("{}/login", app.base))
            .form(&[("email", email), ("password", password)])
            .send()
    };
    for _ in 0..4 {
        assert_eq!(
            login("sam@test.heard", "wrong").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = login("sam@test.heard", "wrong").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("this account is locked"));
    // Locked: even the right password does not get in, on this node or any other.
    let r = login("sam@test.heard", "correct horse battery").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(app.store.sign_in_locked_until(sam.user_id).await.unwrap().is_some());

    // Addresses with no account are refused after ten failures, before any password work.
    for _ in 0..10 {
        assert_eq!(
            login("nobody@test.heard", "guess").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = login("nobody@test.heard", "guess").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("too many sign-in attempts"));

    // Another person is not affected, and a success clears their count.
    let kim = app.sign_in_as("kim@test.heard", "Kim Lee", Role::Agent, &[]).await;
    assert!(!kim.cookie.is_empty());
});

on_both!(cases_are_linked_from_the_case_page, |app| {
    let a = email_in(&app, "a@example.org", "Pothole", "Pothole on Mill Lane.", "highways").await;
    let b = email_in(
        &app,
        "b@example.org",
        "Pothole again",
        "Same pothole on Mill Lane.",
        "highways",
    )
    .await;
    let sam = agent(&app).await;
    let (s, _, html) = sam
        .post(
            &format!("/cases/{b}/links"),
            &[("to", "HRD-999999"), ("kind", "duplicate_of")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("There is no case HRD-999999 you can see") && html.contains("value=\"HRD-999999\""));
    let (s, loc, _) = sam
        .post(
            &format!("/cases/{b}/links"),
            &[("to", &a.to_lowercase()), ("kind", "duplicate_of")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(loc.ends_with("done=link"));
    let (_, html) = sam.page(&format!("/cases/{a}")).await;
    assert!(
        html.contains(&format!("href=\"/cases/{b}\"")),
        "the link shows on both cases"
    );
});

on_both!(
    a_duplicate_case_merges_into_another_and_the_merge_can_be_undone,
    |app| {
        let a = email_in(
            &app,
            "ann@example.org",
            "Missed bin",
            "Bin missed on Monday.",
            "customer-services",
        )
        .await;
        let sam = agent(&app).await;
        // A second message opens a second case (a new subject in another service, moved here).
        let b = email_in(&app, "ann@example.org", "Bin again", "Still not collected.", "highways").await;
        assert_ne!(a, b);
        let other = email_in(&app, "bob@example.org", "Bin", "Mine too.", "highways").await;
        let (s, _, html) = sam.post(&format!("/cases/{b}/merge"), &[("into", &other)]).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "another customer's case is linked, not merged"
        );
        assert!(html.contains("belongs to another customer"));
        let (s, loc, _) = sam.post(&format!("/cases/{b}/merge"), &[("into", &a)]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(loc, format!("/cases/{a}?done=merged"));
        let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{a}"), None).await;
        assert_eq!(v["contacts"].as_array().unwrap().len(), 2, "the contact moved");
        let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{b}"), None).await;
        assert_eq!(v["status"], "closed");
        let (_, html) = sam.page(&format!("/cases/{a}")).await;
        assert!(html.contains(&format!("{b} was merged into this case")) && html.contains("Undo the merge"));
        let merge = app.store.undoable_merge(&a.parse().unwrap()).await.unwrap().unwrap().id;
        let (s, loc, _) = sam.post(&format!("/cases/{a}/merges/{merge}/undo"), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert_eq!(loc, format!("/cases/{b}?done=unmerged"));
        let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{b}"), None).await;
        assert_eq!(v["status"], "new", "back as it was");
        assert_eq!(v["contacts"].as_array().unwrap().len(), 1);
        let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{a}"), None).await;
        assert_eq!(v["contacts"].as_array().unwrap().len(), 1);
        let (s, _, _) = sam.post(&format!("/cases/{a}/merges/{merge}/undo"), &[]).await;
        assert_eq!(s, StatusCode::CONFLICT, "undone once only");
    }
);

on_both!(awaiting_the_customer_pauses_the_clock_shown_on_the_case_page, |app| {
    let r = email_in(&app, "pat@example.org", "Fence", "The fence is down.", "highways").await;
    let sam = agent(&app).await;
    let (_, html) = sam.page(&format!("/cases/{r}")).await;
    assert!(
        html.contains("<dt>Deadline</dt>"),
        "a new case has its resolution deadline"
    );
    // A follow-up due today would make it slip…
    let today = jiff::Zoned::now().date().to_string();
    let (s, _, _) = sam
        .post(
            &format!("/cases/{r}/follow-ups"),
            &[("due", &today), ("note", "Ring back")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = sam.page(&format!("/cases/{r}")).await;
    let version = hidden(&html, "version");
    let (s, _, _) = sam
        .post(
            &format!("/cases/{r}/status"),
            &[("status", "awaiting_customer"), ("version", &version)],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = sam.page(&format!("/cases/{r}")).await;
    assert!(html.contains("Paused since") && html.contains("Clock paused while awaiting the customer"));
    // …but a paused case is not slipping.
    let (_, html) = sam.page("/cases?view=slipping").await;
    assert!(!html.contains(&format!(">{r}<")), "{html}");
    // The customer answers: the clock runs again, and the case slips (the follow-up).
    email_in(&app, "pat@example.org", "Re: Fence", "Here is a photo.", "highways").await;
    let (_, html) = sam.page(&format!("/cases/{r}")).await;
    assert!(!html.contains("Paused since") && html.contains("Clock resumed after 0 working days paused"));
    let (_, html) = sam.page("/cases?view=slipping").await;
    assert!(html.contains(&format!(">{r}<")), "{html}");
});

/// The outbox less heard's own notices to residents (acknowledgements and status
/// updates, whose Message-IDs start `update.`), which the notices loop queues meanwhile.
async fn agent_replies(app: &TestApp) -> Vec<heard_store::outbox::OutboxEmail> {
    let all = app.store.outbox(None, None).await.unwrap();
    all.into_iter()
        .filter(|m| !m.message_id.starts_with("update."))
        .collect()
}

on_both!(signing_out_from_the_pages_ends_the_session_and_is_audited, |app| {
    let agent = agent(&app).await;
    let (s, _, _) = agent.post("/logout", &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = agent.page("/cases").await;
    assert_eq!(s, StatusCode::SEE_OTHER, "the session is over: back to sign in");
    assert!(
        common::audited(&app, "action=session.sign_out", |_| true).await,
        "the sign-out is in the audit log"
    );
});

on_both!(
    a_long_case_shows_its_newest_messages_and_pages_back_to_the_first,
    |app| {
        // 130 messages from one resident join one case.
        let mut reference = String::new();
        for n in 1..=130 {
            let (s, v) = app
                .api(
                    reqwest::Method::POST,
                    "/api/v1/contacts",
                    Some(serde_json::json!({"channel": "web_form", "from": "chatty@example.com",
                    "body": format!("Message number {n:03} about the pothole"), "service": "highways"})),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            reference = v["case"]["reference"].as_str().unwrap().to_string();
        }
        let agent = app
            .sign_in_as("pager@test.heard", "Page Turner", Role::Agent, &[])
            .await;
        let (s, html) = agent.page(&format!("/cases/{reference}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("Message number 130"), "the newest is shown");
        assert!(html.contains("Message number 031"), "a page of the newest hundred");
        assert!(
            html.contains("data-contacts=\"130\""),
            "the live check counts them all, not the page"
        );
        assert!(
            !html.contains("Message number 030"),
            "older ones wait for the next page"
        );
        let at = html.find("?before=").expect("an Earlier messages link") + "?before=".len();
        let cursor = &html[at..at + html[at..].find('"').unwrap()];
        let (s, older) = agent.page(&format!("/cases/{reference}?before={cursor}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(older.contains("These are earlier messages"), "{older}");
        assert!(older.contains("Message number 001") && older.contains("Message number 030"));
        assert!(!older.contains("Message number 031"));
        assert!(!older.contains("data-earlier-link"), "nothing before the first");
        // The API says there is more, and hands the same cursor.
        let (_, v) = app
            .api(reqwest::Method::GET, &format!("/api/v1/cases/{reference}"), None)
            .await;
        assert_eq!(v["contacts"].as_array().unwrap().len(), 100);
        assert!(v["earlier"].is_string(), "{v}");
    }
);

on_both!(queues_and_the_api_filter_by_team, |app| {
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(json!({"channel": "web_form", "from": "teamed@example.com", "body": "A pothole", "service": "highways"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let reference = v["case"]["reference"].as_str().unwrap().to_string();
    let agent = app.sign_in_as("teams@test.heard", "Tim Teams", Role::Agent, &[]).await;
    let row = format!("href=\"/cases/{reference}\">{reference}</a></td>");
    let (_, html) = agent.page("/cases?view=all&team=streets").await;
    assert!(html.contains(&row), "the Streets team holds it: {html}");
    assert!(
        html.contains("<option value=\"streets\" selected>Streets</option>"),
        "{html}"
    );
    let (_, html) = agent.page("/cases?view=all&team=nobody").await;
    assert!(!html.contains(&row), "{html}");
    let (_, v) = app.api(Method::GET, "/api/v1/cases?team=streets", None).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    let (_, v) = app.api(Method::GET, "/api/v1/cases?team=nobody", None).await;
    assert!(v["items"].as_array().unwrap().is_empty(), "{v}");
});

on_both!(an_agent_splits_another_matter_into_its_own_case, |app| {
    let mut reference = String::new();
    for body in [
        "Pothole outside number 12",
        "Also, the street light by the church is out",
    ] {
        let (s, v) = app
            .api(
                Method::POST,
                "/api/v1/contacts",
                Some(json!({"channel": "web_form", "from": "two.things@example.com", "body": body, "service": "highways"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        reference = v["case"]["reference"].as_str().unwrap().to_string();
    }
    let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{reference}"), None).await;
    let contacts = v["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2, "both joined one case");
    let light = contacts[1]["id"].as_i64().unwrap().to_string();
    let all: Vec<String> = contacts.iter().map(|c| c["id"].as_i64().unwrap().to_string()).collect();
    let agent = app
        .sign_in_as("splitter@test.heard", "Sam Splitter", Role::Agent, &[])
        .await;
    let (_, html) = agent.page(&format!("/cases/{reference}")).await;
    assert!(html.contains("Split into a new case"), "{html}");

    // Nothing chosen, or everything: refused by the field, nothing moved.
    let (s, _, html) = agent
        .post(&format!("/cases/{reference}/split"), &[("title", "Street light")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("choose the messages that belong to the new case"),
        "{html}"
    );
    let (s, _, html) = agent
        .post(
            &format!("/cases/{reference}/split"),
            &[
                ("contact", all[0].as_str()),
                ("contact", all[1].as_str()),
                ("title", "Street light"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("leave at least one message"), "{html}");

    let (s, location, _) = agent
        .post(
            &format!("/cases/{reference}/split"),
            &[("contact", light.as_str()), ("title", "Street light out by the church")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let new = location
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(new, reference);
    let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{new}"), None).await;
    assert_eq!(v["title"], "Street light out by the church");
    assert_eq!(v["contacts"].as_array().unwrap().len(), 1);
    assert!(v["contacts"][0]["body"].as_str().unwrap().contains("street light"));
    let (_, v) = app.api(Method::GET, &format!("/api/v1/cases/{reference}"), None).await;
    assert_eq!(v["contacts"].as_array().unwrap().len(), 1, "one message stays");
    let (_, html) = agent.page(&format!("/cases/{reference}")).await;
    assert!(html.contains(&format!("Messages split off into {new}")), "{html}");
});
