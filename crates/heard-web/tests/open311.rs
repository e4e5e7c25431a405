//! Open311 GeoReport v2 (with mySociety's extensions) end to end: the app on a random
//! port over a fresh database, driven as FixMyStreet drives it — form-encoded posts,
//! XML read with quick-xml — and as JSON. Every flow runs on SQLite and PostgreSQL.

mod common;

use common::{Node, TestApp, spawn};
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A pothole report with every location and reporter field FixMyStreet sends.
fn pothole<'a>(key: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("api_key", key),
        ("service_code", "highways"),
        ("lat", "52.6291"),
        ("long", "-1.1324"),
        ("address_string", "12 Wharf Road, Demoshire DS1 4AB"),
        ("email", "jo@example.org"),
        ("first_name", "Jo"),
        ("last_name", "Bloggs"),
        ("description", description),
        ("media_url", "https://fms.example.org/photo/1.jpeg"),
        ("attribute[depth]", "deep"),
        ("attribute[width_cm]", "40"),
    ]
}

/// Posts a request and returns its service_request_id and token.
async fn create(app: &TestApp, form: &[(&str, &str)]) -> (String, String) {
    let (s, body) = app.post("/open311/v2/requests.xml", form).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let doc = Node::parse(&body);
    assert_eq!(doc.name, "service_requests");
    let req = doc.child("request");
    (req.get("service_request_id").to_string(), req.get("token").to_string())
}

on_both!(discovery_and_services_in_xml_and_json, |app| {
    let (s, doc) = app.get_xml("/open311/v2/discovery.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc.name, "discovery");
    let endpoint = doc.child("endpoints").child("endpoint");
    assert_eq!(endpoint.get("url"), app.url("/open311/v2"));
    assert_eq!(endpoint.get("specification"), "http://wiki.open311.org/GeoReport_v2");
    let formats: Vec<_> = endpoint
        .child("formats")
        .all("format")
        .iter()
        .map(|f| f.text.clone())
        .collect();
    assert_eq!(formats, ["text/xml", "application/json"]);
    assert!(doc.get("changeset").ends_with("+00:00"));
    let (_, json) = app.get_json("/open311/v2/discovery.json").await;
    assert_eq!(json["endpoints"][0]["url"], app.url("/open311/v2"));

    let (s, doc) = app.get_xml("/open311/v2/services.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc.name, "services");
    let codes: Vec<_> = doc
        .all("service")
        .iter()
        .map(|s| s.get("service_code").to_string())
        .collect();
    assert!(codes.contains(&"highways".to_string()), "{codes:?}");
    assert!(
        !codes.contains(&"revenues-and-benefits".to_string()),
        "hidden from Open311"
    );
    let highways = doc
        .all("service")
        .into_iter()
        .find(|s| s.get("service_code") == "highways")
        .unwrap();
    assert_eq!(highways.get("service_name"), "Potholes and roads");
    assert_eq!(highways.get("metadata"), "true");
    assert_eq!(highways.get("type"), "realtime");
    assert_eq!(highways.get("group"), "Streets");
    let (_, json) = app.get_json("/open311/v2/services.json").await;
    let lights = json
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "street-lighting")
        .unwrap();
    assert_eq!(lights["metadata"], false);

    let (s, def) = app.get_xml("/open311/v2/services/highways.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(def.name, "service_definition");
    assert_eq!(def.get("service_code"), "highways");
    let attrs = def.child("attributes").all("attribute");
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs[0].get("code"), "depth");
    assert_eq!(attrs[0].get("datatype"), "singlevaluelist");
    assert_eq!(attrs[0].get("required"), "true");
    assert_eq!(attrs[0].get("order"), "1");
    assert_eq!(attrs[0].get("variable"), "true");
    let keys: Vec<_> = attrs[0]
        .child("values")
        .all("value")
        .iter()
        .map(|v| v.get("key").to_string())
        .collect();
    assert_eq!(keys, ["shallow", "deep"]);
    let (_, json) = app.get_json("/open311/v2/services/highways.json").await;
    assert_eq!(json["attributes"][1]["datatype"], "number");
    assert_eq!(json["attributes"][0]["values"][1]["name"], "Deeper than 4cm");

    for path in [
        "/open311/v2/services/nope.xml",
        "/open311/v2/services/revenues-and-benefits.xml",
    ] {
        let (s, err) = app.get_xml(path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(err.name, "errors");
        assert_eq!(err.child("error").get("code"), "404");
        assert!(err.child("error").get("description").contains("service_code"));
    }
    let (s, err) = app.get_json("/open311/v2/services/nope.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(err[0]["code"], 404);
});

on_both!(a_request_becomes_a_case_through_the_same_intake, |app| {
    let description = "Deep pothole by the bus stop, LE1 5FQ. Card 4111 1111 1111 1111 — ünïcødé ok";
    let form = pothole(&app.key, description);
    let (id, token) = create(&app, &form).await;
    assert!(id.starts_with("HRD-"), "{id}");
    assert_eq!(token.len(), 32);

    // Stored as a contact on channel open311, kind request, in the service of the code,
    // with card numbers redacted and values read.
    let (s, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(case["service"], "highways");
    assert_eq!(case["kind"], "request");
    assert_eq!(case["customer"]["name"], "Jo Bloggs");
    let contact = &case["contacts"][0];
    assert_eq!(contact["channel"], "open311");
    assert_eq!(contact["sender"], "jo@example.org");
    let body = contact["body"].as_str().unwrap();
    assert!(!body.contains("4111 1111"), "{body}");
    assert!(body.contains("ünïcødé"), "UTF-8 kept: {body}");
    assert!(
        contact["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "postcode"),
        "{contact}"
    );

    // Read back in both formats.
    let (s, doc) = app.get_xml(&format!("/open311/v2/requests/{id}.xml")).await;
    assert_eq!(s, StatusCode::OK);
    let r = doc.child("request");
    assert_eq!(r.children[0].name, "service_request_id", "the spec's order");
    assert_eq!(r.get("service_request_id"), id);
    assert_eq!(r.get("status"), "open");
    assert_eq!(r.get("service_code"), "highways");
    assert_eq!(r.get("service_name"), "Potholes and roads");
    assert_eq!(r.get("lat"), "52.6291");
    assert_eq!(r.get("long"), "-1.1324");
    assert_eq!(r.get("address"), "12 Wharf Road, Demoshire DS1 4AB");
    assert_eq!(r.get("media_url"), "https://fms.example.org/photo/1.jpeg");
    assert!(r.get("description").contains("ünïcødé"));
    let requested = r.get("requested_datetime");
    assert!(requested.ends_with("+00:00"), "{requested}");
    assert!(requested.parse::<jiff::Timestamp>().is_ok(), "{requested}");
    let (_, json) = app.get_json(&format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(json[0]["service_request_id"], id.as_str());
    assert_eq!(json[0]["lat"], 52.6291);

    let (s, tok) = app.get_xml(&format!("/open311/v2/tokens/{token}.xml")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(tok.child("request").get("service_request_id"), id);
    let (_, tok) = app.get_json(&format!("/open311/v2/tokens/{token}.json")).await;
    assert_eq!(tok[0]["service_request_id"], id.as_str());
    let (s, _) = app.get_xml("/open311/v2/tokens/nothing.xml").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_json("/open311/v2/requests/HRD-999999.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The same reporter's second, different report is a case of its own; JSON post.
    let mut second = pothole(&app.key, "Another one further down");
    second.retain(|(k, _)| *k != "lat" && *k != "long" && *k != "address_string");
    second.push(("address_id", "100012345678"));
    let r = app
        .http
        .post(app.url("/open311/v2/requests.json"))
        .form(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let json: Value = r.json().await.unwrap();
    let other = json[0]["service_request_id"].as_str().unwrap();
    assert_ne!(other, id);
    let (_, one) = app.get_json(&format!("/open311/v2/requests/{other}.json")).await;
    assert_eq!(one[0]["address_id"], "100012345678");
});

on_both!(duplicate_posts_are_stored_once, |app| {
    let form = pothole(&app.key, "Pothole outside number 12");
    let (first, token) = create(&app, &form).await;
    let (s, body) = app.post("/open311/v2/requests.xml", &form).await;
    assert_eq!(s, StatusCode::OK, "a repeat is answered, not stored again: {body}");
    let again = Node::parse(&body);
    assert_eq!(again.child("request").get("service_request_id"), first);
    assert_eq!(again.child("request").get("token"), token);
    assert_eq!(app.case_count().await, 1);
    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{first}"), None)
        .await;
    assert_eq!(case["contacts"].as_array().unwrap().len(), 1);
});

/// A form, the status it must get, and a word its error must mention.
type BadPost<'a> = (Vec<(&'a str, &'a str)>, StatusCode, &'a str);

on_both!(bad_requests_get_spec_errors_and_store_nothing, |app| {
    let key = app.key.clone();
    let cases: Vec<BadPost<'_>> = vec![
        (
            vec![("service_code", "highways"), ("lat", "1"), ("long", "1")],
            StatusCode::FORBIDDEN,
            "api_key",
        ),
        (
            vec![
                ("api_key", "wrong"),
                ("service_code", "highways"),
                ("lat", "1"),
                ("long", "1"),
            ],
            StatusCode::FORBIDDEN,
            "api_key",
        ),
        (
            vec![
                ("api_key", &app.auditor_key),
                ("service_code", "highways"),
                ("lat", "1"),
                ("long", "1"),
            ],
            StatusCode::FORBIDDEN,
            "role",
        ),
        (
            vec![("api_key", &key), ("lat", "1"), ("long", "1")],
            StatusCode::BAD_REQUEST,
            "service_code",
        ),
        (
            vec![
                ("api_key", &key),
                ("service_code", "no-such"),
                ("lat", "1"),
                ("long", "1"),
            ],
            StatusCode::NOT_FOUND,
            "service_code",
        ),
        (
            vec![
                ("api_key", &key),
                ("service_code", "highways"),
                ("lat", "1"),
                ("long", "1"),
            ],
            StatusCode::BAD_REQUEST,
            "attribute[depth]",
        ),
        (
            vec![
                ("api_key", &key),
                ("service_code", "highways"),
                ("attribute[depth]", "deep"),
            ],
            StatusCode::BAD_REQUEST,
            "location",
        ),
        (
            vec![
                ("api_key", &key),
                ("service_code", "highways"),
                ("lat", "200"),
                ("long", "1"),
                ("attribute[depth]", "bottomless"),
                ("attribute[colour]", "red"),
            ],
            StatusCode::BAD_REQUEST,
            "lat",
        ),
        (
            vec![
                ("api_key", &key),
                ("service_code", "street-lighting"),
                ("address_string", "Outside the school"),
                ("media_url", "javascript:alert(1)"),
            ],
            StatusCode::BAD_REQUEST,
            "media_url",
        ),
    ];
    for (form, status, mentions) in cases {
        let (s, body) = app.post("/open311/v2/requests.xml", &form).await;
        assert_eq!(s, status, "{form:?}: {body}");
        let doc = Node::parse(&body);
        assert_eq!(doc.name, "errors");
        let errors = doc.all("error");
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| e.get("code") == status.as_str()));
        assert!(
            errors.iter().any(|e| e.get("description").contains(mentions)),
            "{form:?}: {body}"
        );
        // And the JSON form of the same error.
        let r = app
            .http
            .post(app.url("/open311/v2/requests.json"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status);
        let json: Value = r.json().await.unwrap();
        assert_eq!(json[0]["code"], status.as_u16());
    }
    // Every invalid field is named at once.
    let (_, body) = app
        .post(
            "/open311/v2/requests.xml",
            &[
                ("api_key", &key),
                ("service_code", "highways"),
                ("lat", "200"),
                ("long", "1"),
                ("attribute[depth]", "bottomless"),
                ("attribute[colour]", "red"),
            ],
        )
        .await;
    let doc = Node::parse(&body);
    let all: Vec<_> = doc
        .all("error")
        .iter()
        .map(|e| e.get("description").to_string())
        .collect();
    assert!(all.iter().any(|d| d.starts_with("attribute[depth]")), "{all:?}");
    assert!(all.iter().any(|d| d.starts_with("attribute[colour]")), "{all:?}");
    let r = app
        .http
        .post(app.url("/open311/v2/requests.xml"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "api_key={key}&service_code=highways&lat=1&long=1&attribute%5Bdepth%5D=deep&description=caf%E9"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "Latin-1, not UTF-8");
    assert!(
        Node::parse(&r.text().await.unwrap())
            .child("error")
            .get("description")
            .contains("UTF-8")
    );
    let r = app
        .http
        .post(app.url("/open311/v2/requests.xml"))
        .json(&json!({"api_key": key, "service_code": "highways"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let doc = Node::parse(&r.text().await.unwrap());
    assert!(doc.child("error").get("description").contains("x-www-form-urlencoded"));
    let (s, _) = app.get_xml("/open311/v2/unknown.xml").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get_xml("/open311/v2/requests.xml?start_date=yesterday").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(app.case_count().await, 0, "nothing partial is stored");
});

on_both!(request_lists_filter_and_default_to_90_days, |app| {
    let (a, _) = create(&app, &pothole(&app.key, "First pothole")).await;
    let (b, _) = create(&app, &pothole(&app.key, "Second pothole")).await;
    let (c, _) = create(
        &app,
        &[
            ("api_key", &app.key),
            ("service_code", "street-lighting"),
            ("address_string", "Lamp post 14, Castle Street"),
            ("phone", "07700 900123"),
        ],
    )
    .await;
    let ids = |doc: &Node| -> Vec<String> {
        doc.all("request")
            .iter()
            .map(|r| r.get("service_request_id").to_string())
            .collect()
    };
    let (s, all) = app.get_xml("/open311/v2/requests.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        ids(&all),
        [c.clone(), b.clone(), a.clone()],
        "newest first, last 90 days"
    );
    let (_, lights) = app
        .get_xml("/open311/v2/requests.xml?service_code=street-lighting")
        .await;
    assert_eq!(ids(&lights), std::slice::from_ref(&c));
    let (_, some) = app
        .get_xml(&format!(
            "/open311/v2/requests.xml?service_request_id={a},{c},HRD-999999"
        ))
        .await;
    assert_eq!(ids(&some), [c.clone(), a.clone()]);

    app.api(
        reqwest::Method::PATCH,
        &format!("/api/v1/cases/{b}"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    let (_, closed) = app.get_xml("/open311/v2/requests.xml?status=closed").await;
    assert_eq!(ids(&closed), std::slice::from_ref(&b));
    let (_, open) = app
        .get_json("/open311/v2/requests.json?status=open&service_code=highways")
        .await;
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert_eq!(open[0]["service_request_id"], a.as_str());

    let now = jiff::Timestamp::now();
    let hour = jiff::SignedDuration::from_hours(1);
    let q = format!(
        "/open311/v2/requests.xml?start_date={}&end_date={}",
        (now - hour).to_string().replace('+', "%2B"),
        (now + hour).to_string().replace('+', "%2B")
    );
    let (_, window) = app.get_xml(&q).await;
    assert_eq!(ids(&window).len(), 3);
    let (_, before) = app
        .get_xml("/open311/v2/requests.xml?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00%2B01:00")
        .await;
    assert!(ids(&before).is_empty());
    let (s, err) = app
        .get_xml("/open311/v2/requests.xml?start_date=2020-01-01T00:00:00Z&end_date=2020-12-01T00:00:00Z")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err.child("error").get("description").contains("90 days"));
});

on_both!(updates_flow_both_ways, |app| {
    let (id, _) = create(&app, &pothole(&app.key, "Pothole by the school gates")).await;
    let start = "2020-01-01T00:00:00Z";

    // Staff work the case: the reporter's app hears of it.
    let (s, _) = app
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{id}"),
            Some(json!({"status": "in_progress"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .get_xml(&format!("/open311/v2/servicerequestupdates.xml?start_date={start}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "updates need an api_key");
    let path = format!(
        "/open311/v2/servicerequestupdates.xml?api_key={}&start_date={start}",
        app.key
    );
    let (s, doc) = app.get_xml(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc.name, "service_request_updates");
    let updates = doc.all("request_update");
    assert_eq!(updates.len(), 1, "{doc:?}");
    assert_eq!(updates[0].get("service_request_id"), id);
    assert_eq!(updates[0].get("status"), "in_progress");
    assert!(updates[0].get("updated_datetime").ends_with("+00:00"));
    assert!(!updates[0].get("update_id").is_empty());

    // A reply from staff on the case flows back too, with its text.
    let (s, reply) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(
                json!({"channel": "open311", "direction": "outbound", "from": "jo@example.org",
                "subject": format!("Re: [{id}]"), "body": "A repair is booked for Tuesday."}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{reply}");
    assert_eq!(reply["case"]["reference"], id.as_str());
    let (_, doc) = app.get_xml(&path).await;
    let updates = doc.all("request_update");
    assert_eq!(updates.len(), 2, "{doc:?}");
    assert_eq!(updates[1].get("description"), "A repair is booked for Tuesday.");
    assert_eq!(updates[1].get("status"), "in_progress");

    // The reporter's update flows in as a contact on the case, and marks it fixed.
    let form = [
        ("api_key", app.key.as_str()),
        ("service_request_id", id.as_str()),
        ("update_id", "fms-update-1"),
        ("status", "FIXED"),
        ("description", "Filled in this morning, thanks"),
        ("email", "jo@example.org"),
        ("first_name", "Jo"),
        ("last_name", "Bloggs"),
        ("updated_datetime", "2026-01-01T09:00:00+00:00"),
    ];
    let (s, body) = app.post("/open311/v2/servicerequestupdates.xml", &form).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let doc = Node::parse(&body);
    let update_id = doc.child("request_update").get("update_id").to_string();
    // A retry of the same update is recognised.
    let (s, body) = app.post("/open311/v2/servicerequestupdates.xml", &form).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(Node::parse(&body).child("request_update").get("update_id"), update_id);

    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(case["status"], "resolved");
    let contacts = case["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 3, "{case}");
    assert!(
        contacts
            .iter()
            .any(|c| c["body"] == "Filled in this morning, thanks" && c["channel"] == "open311")
    );
    let (_, doc) = app.get_xml(&path).await;
    assert_eq!(
        doc.all("request_update").len(),
        2,
        "the reporter's own change is not echoed"
    );
    let (_, one) = app.get_json(&format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(one[0]["status"], "closed");

    // Staff close it as a duplicate of another report: the extended status says so.
    let (other, _) = create(&app, &pothole(&app.key, "Same pothole, other reporter")).await;
    let (s, _) = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{other}/links"),
            Some(json!({"kind": "duplicate_of", "to": id})),
        )
        .await;
    assert!(s.is_success(), "{s}");
    app.api(
        reqwest::Method::PATCH,
        &format!("/api/v1/cases/{other}"),
        Some(json!({"status": "closed"})),
    )
    .await;
    let json_path = format!(
        "/open311/v2/servicerequestupdates.json?api_key={}&start_date={start}",
        app.key
    );
    let (_, list) = app.get_json(&json_path).await;
    let last = list.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["service_request_id"], other.as_str());
    assert_eq!(last["status"], "duplicate");

    // A reporter reopening the fixed report reopens it.
    let reopen = [
        ("api_key", app.key.as_str()),
        ("service_request_id", id.as_str()),
        ("update_id", "fms-update-2"),
        ("status", "OPEN"),
        ("description", "It has opened up again"),
        ("email", "jo@example.org"),
    ];
    let (s, body) = app.post("/open311/v2/servicerequestupdates.json", &reopen).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (_, case) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(case["status"], "open");
    assert_eq!(case["contacts"].as_array().unwrap().len(), 4);

    // Bad updates: spec errors.
    for (form, status) in [
        (
            vec![("api_key", app.key.as_str()), ("status", "OPEN")],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![
                ("api_key", app.key.as_str()),
                ("service_request_id", "HRD-999999"),
                ("status", "OPEN"),
                ("description", "x"),
            ],
            StatusCode::NOT_FOUND,
        ),
        (
            vec![
                ("api_key", app.key.as_str()),
                ("service_request_id", id.as_str()),
                ("status", "MAYBE"),
                ("description", "x"),
            ],
            StatusCode::BAD_REQUEST,
        ),
        (
            vec![
                ("service_request_id", id.as_str()),
                ("status", "OPEN"),
                ("description", "x"),
            ],
            StatusCode::FORBIDDEN,
        ),
    ] {
        let (s, body) = app.post("/open311/v2/servicerequestupdates.xml", &form).await;
        assert_eq!(s, status, "{form:?}: {body}");
        assert_eq!(Node::parse(&body).name, "errors");
    }
});
