//! Every route, as every role and as nobody (issue 8, "Identity and access").
//!
//! The list of routes is not written here: page routes are read from the crate's sources
//! (every `.route("PATH", get(..).post(..))`) and API routes from the OpenAPI document the
//! router is built from, so a new route fails this test until [`RULES`] says who may use
//! it. Each route is then visited with each of its methods (a form post carrying the
//! session's CSRF token, or JSON with the `X-CSRF-Token` header) by: no one, an auditor, a
//! back-office officer of `street-lighting` only, an agent, a team manager and an
//! administrator. It fails when
//! - anyone gets a success (2xx, or a redirect anywhere but the sign-in page) from a
//!   route the rules do not open to them — an auditor's post included;
//! - someone the rules do open a GET page to does not get it (rules too tight), or a
//!   writer's post is refused as forbidden;
//! - no one (anonymous) reads a seeded customer's name or email in any response;
//! - the back-office officer reads the `highways` case (its title, its words, or, outside
//!   the council-wide customer directory, its customer) in any response.
//!
//! On both engines (`on_both!`): the back-office limits are SQL filters written per engine.

mod common;

use common::{PNG, Part, TestApp, open_form, send, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

/// Who may succeed at a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    /// Anyone, signed in or not (residents' pages, sign-in, health, Open311 reads).
    Public,
    /// Only a system holding a secret (an Open311 `api_key` that may write, a webhook's
    /// signing key): never a session.
    System,
    /// Any signed-in role.
    Staff,
    /// Signed-in roles that may change things (not the auditor).
    Writer,
    /// Administrators only.
    Admin,
    /// Auditors and administrators.
    AuditorOrAdmin,
}

/// One route and method, what to send, and who may succeed.
#[derive(Debug, Clone, Copy)]
struct Rule {
    method: &'static str,
    /// The route as the router declares it.
    path: &'static str,
    who: Who,
    /// The path's parameters name the `highways` case (or its contact, problem…): the
    /// back-office officer of `street-lighting` must not succeed.
    highways: bool,
    /// Shows customers council-wide by design (the directory, search, the phone
    /// system's lookup): the back-office officer may read the highways case's customer
    /// there, never the case.
    directory: bool,
    /// A query string to add (`k=v&…`, placeholders allowed).
    query: &'static str,
    /// A form (`k=v&…`) or, for the API, a JSON body; placeholders allowed.
    body: &'static str,
    /// The status an allowed GET gets (0: 200).
    status: u16,
    /// Ends the session (sign out): visited last, by each role's own session.
    ends_session: bool,
}

const R: Rule = Rule {
    method: "GET",
    path: "",
    who: Who::Staff,
    highways: false,
    directory: false,
    query: "",
    body: "",
    status: 0,
    ends_session: false,
};

use Who::*;

/// Who may do what, route by route, as each handler decides it.
#[rustfmt::skip]
const RULES: &[Rule] = &[
    // Signing in and out, the front door, assets.
    Rule { path: "/", who: Public, status: 303, ..R },
    Rule { path: "/login", who: Public, ..R },
    Rule { method: "POST", path: "/login", who: Public, body: "email=nobody@example.com&password=wrong", ..R },
    Rule { method: "POST", path: "/logout", who: Staff, ends_session: true, ..R },
    Rule { path: "/login/code", who: Public, status: 303, ..R },
    Rule { method: "POST", path: "/login/code", who: Public, body: "code=123456", ..R },
    // Single sign-on: without `[oidc]` (as here) neither route is there.
    Rule { path: "/login/oidc", who: Public, status: 404, ..R },
    Rule { path: "/login/oidc/callback", who: Public, query: "code=x&state=y", status: 404, ..R },
    Rule { path: "/account/two-factor", ..R },
    // One's own sign-in: an auditor may protect their account too.
    Rule { method: "POST", path: "/account/two-factor/start", ..R },
    Rule { method: "POST", path: "/account/two-factor/confirm", body: "code=000000", ..R },
    Rule { method: "POST", path: "/account/two-factor/disable", body: "code=000000", ..R },
    Rule { path: "/static/heard.css", who: Public, ..R },
    Rule { path: "/static/workspace.js", who: Public, ..R },
    Rule { path: "/static/workspace.css", who: Public, ..R },
    Rule { path: "/static/calls.js", who: Public, ..R },
    Rule { path: "/static/mot.css", who: Public, ..R },
    Rule { path: "/static/report.js", who: Public, ..R },
    Rule { path: "/healthz", who: Public, ..R },
    Rule { path: "/readyz", who: Public, ..R },
    // Loopback clients need no token, and this test is one (see `metrics`).
    Rule { path: "/metrics", who: Public, ..R },
    // The workspace.
    Rule { path: "/cases", ..R },
    Rule { method: "POST", path: "/cases/bulk", who: Writer, body: "action=close&cases={street_ref}", ..R },
    Rule { method: "POST", path: "/views", who: Writer, body: "name=Mine&query=view%3Dmine", ..R },
    Rule { method: "POST", path: "/views/{id}/delete", who: Writer, ..R },
    Rule { path: "/queues/counts", ..R },
    Rule { path: "/search", directory: true, query: "q=Zebedee", ..R },
    Rule { path: "/cases/{reference}", highways: true, ..R },
    Rule { path: "/cases/{reference}/live", highways: true, ..R },
    Rule { method: "POST", path: "/cases/{reference}/reply", who: Writer, highways: true, body: "channel=phone&body=Rang+back", ..R },
    Rule { method: "POST", path: "/cases/{reference}/note", who: Writer, highways: true, body: "note=Checked", ..R },
    Rule { method: "POST", path: "/cases/{reference}/assign", who: Writer, highways: true, body: "owner=", ..R },
    Rule { method: "POST", path: "/cases/{reference}/status", who: Writer, highways: true, body: "status=in_progress&version=0", ..R },
    Rule { method: "POST", path: "/cases/{reference}/follow-ups", who: Writer, highways: true, body: "what=Ring&due_on=2030-01-01", ..R },
    Rule { method: "POST", path: "/cases/{reference}/follow-ups/{id}/done", who: Writer, highways: true, ..R },
    Rule { method: "POST", path: "/cases/{reference}/contacts/{id}/no-reply", who: Writer, highways: true, ..R },
    Rule { method: "POST", path: "/cases/{reference}/transfer", who: Writer, highways: true, body: "service=highways", ..R },
    Rule { method: "POST", path: "/cases/{reference}/links", who: Writer, highways: true, body: "other={street_ref}&kind=related", ..R },
    Rule { method: "POST", path: "/cases/{reference}/values", who: Writer, highways: true, body: "kind=postcode&value=LE1+5FQ&action=reject", ..R },
    Rule { method: "POST", path: "/cases/{reference}/split", who: Writer, highways: true, body: "title=", ..R },
    // Without `[pay]` a writer's request is "not set up" (404), never a forbidden.
    Rule { method: "POST", path: "/cases/{reference}/payments", who: Writer, highways: true, body: "amount=11.00&description=Fee&by=email&email=zebedee@example.com", ..R },
    Rule { path: "/cases/{reference}/complaint", highways: true, ..R },
    Rule { path: "/cases/{reference}/certificate", highways: true, ..R },
    Rule { method: "POST", path: "/cases/{reference}/certificate", who: Writer, highways: true, body: "step=save&certificate=birth", ..R },
    Rule { method: "POST", path: "/cases/{reference}/complaint", who: Writer, highways: true, body: "step=details&ombudsman=housing", ..R },
    Rule { method: "POST", path: "/cases/{reference}/merge", who: Writer, highways: true, body: "into=HRD-999999", ..R },
    Rule { method: "POST", path: "/cases/{reference}/merges/{id}/undo", who: Writer, highways: true, ..R },
    Rule { method: "POST", path: "/cases/{reference}/close", who: Writer, highways: true, body: "status=bogus&version=0", ..R },
    Rule { method: "POST", path: "/cases/{reference}/job/close", who: Writer, highways: true, ..R },
    Rule { method: "POST", path: "/cases/{reference}/draft", who: Writer, highways: true, body: r#"{"reply": "draft", "note": ""}"#, ..R },
    // Customers: the page is the directory; its cases are filtered by service.
    Rule { path: "/customers/{id}", directory: true, ..R },
    Rule { path: "/customers/{id}/merge", who: Writer, directory: true, query: "from={other_customer}", ..R },
    Rule { method: "POST", path: "/customers/{id}/merge", who: Writer, directory: true, body: "from={other_customer}&reason=+", ..R },
    Rule { method: "POST", path: "/customer-merges/{id}/undo", who: Writer, ..R },
    Rule { path: "/customers/{id}/export", who: AuditorOrAdmin, ..R },
    Rule { path: "/customers/{id}/erase", who: Admin, ..R },
    Rule { method: "POST", path: "/customers/{id}/erase", who: Admin, body: "reason=+", ..R },
    Rule { path: "/contacts/{id}/redact", who: Admin, ..R },
    Rule { method: "POST", path: "/contacts/{id}/redact", who: Admin, body: "reason=+", ..R },
    Rule { path: "/calls/new", directory: true, query: "customer={customer}", ..R },
    Rule { method: "POST", path: "/calls/new", who: Writer, body: "notes=", ..R },
    Rule { path: "/calls/lookup", directory: true, query: "q=zebedee@example.com", ..R },
    // Reports and learning.
    Rule { path: "/trends", ..R },
    Rule { method: "POST", path: "/trends/acknowledge", who: Writer, body: "key=none", ..R },
    Rule { method: "POST", path: "/trends/dismiss", who: Writer, body: "key=none&reason=x", ..R },
    Rule { method: "POST", path: "/trends/problem", who: Writer, body: "key=none", ..R },
    Rule { path: "/problems", ..R },
    Rule { method: "POST", path: "/problems", who: Writer, body: "title=", ..R },
    Rule { path: "/problems/new", ..R },
    Rule { path: "/problems/{id}", ..R },
    Rule { method: "POST", path: "/problems/{id}", who: Writer, body: "title=", ..R },
    Rule { method: "POST", path: "/problems/{id}/cases", who: Writer, body: "cases=", ..R },
    Rule { method: "POST", path: "/problems/{id}/cases/{case}/remove", who: Writer, highways: true, ..R },
    Rule { path: "/learning", ..R },
    Rule { method: "POST", path: "/learning", who: Writer, body: "source=problem", ..R },
    Rule { path: "/learning/new", ..R },
    Rule { path: "/learning/{id}", ..R },
    Rule { method: "POST", path: "/learning/{id}", who: Writer, body: "what=", ..R },
    Rule { path: "/mot", ..R },
    Rule { path: "/mot.csv", query: "service=street-lighting", ..R },
    Rule { path: "/satisfaction", ..R },
    Rule { path: "/complaints/report", ..R },
    Rule { path: "/reports", ..R },
    Rule { path: "/reports.csv", ..R },
    Rule { path: "/complaints/report.csv", ..R },
    Rule { path: "/satisfaction.csv", ..R },
    Rule { path: "/articles", ..R },
    Rule { method: "POST", path: "/articles", who: Writer, body: "title=&language=en", ..R },
    Rule { path: "/articles/new", ..R },
    Rule { path: "/articles/{id}", ..R },
    Rule { method: "POST", path: "/articles/{id}", who: Writer, body: "title=&language=en", ..R },
    // Residents: no sign-in; a case opens only with its signed link or a code.
    Rule { path: "/help", who: Public, ..R },
    Rule { path: "/help/{slug}", who: Public, ..R },
    Rule { path: "/report", who: Public, ..R },
    Rule { path: "/report/{service}", who: Public, ..R },
    Rule { method: "POST", path: "/report/{service}", who: Public, body: "description=x", ..R },
    Rule { path: "/report/{service}/suggest", who: Public, query: "q=pothole", ..R },
    Rule { path: "/report/receipt/{token}", who: Public, ..R },
    Rule { path: "/track", who: Public, ..R },
    Rule { method: "POST", path: "/track", who: Public, body: "reference={reference}&email=someone@example.net", ..R },
    Rule { method: "POST", path: "/track/code", who: Public, body: "reference={reference}&email=someone@example.net&code=000000", ..R },
    // Without the signed link: "this link has expired" (403), and nothing of the case.
    Rule { path: "/track/{reference}", who: Public, status: 403, ..R },
    Rule { path: "/track/{reference}/stop", who: Public, status: 403, ..R },
    Rule { method: "POST", path: "/track/{reference}/stop", who: Public, ..R },
    Rule { path: "/track/{reference}/files/{id}", who: Public, status: 403, ..R },
    Rule { path: "/track/{reference}/messages/{id}", who: Public, status: 403, ..R },
    Rule { path: "/track/{reference}/survey", who: Public, status: 403, ..R },
    Rule { method: "POST", path: "/track/{reference}/survey", who: Public, body: "score=5", ..R },
    Rule { method: "POST", path: "/track/{reference}/add", who: Public, body: "message=hello", ..R },
    // Back from GOV.UK Pay: only a payment's own token opens it (here none: 404).
    Rule { path: "/pay/return/{token}", who: Public, status: 404, ..R },
    // Open311: reads are public; writes need an api_key that may write, never a cookie.
    Rule { path: "/open311/v2/{file}", who: Public, ..R },
    Rule { method: "POST", path: "/open311/v2/{file}", who: System, body: "service_code=highways&description=Hole+here&lat=52.6&long=-1.1&email=zebedee@example.com", ..R },
    Rule { path: "/open311/v2/services/{file}", who: Public, ..R },
    Rule { path: "/open311/v2/requests/{file}", who: Public, ..R },
    Rule { path: "/open311/v2/tokens/{file}", who: Public, ..R },
    // Webhooks: signed by the sender (and here, unconfigured: 404).
    Rule { path: "/webhooks/meta", who: System, ..R },
    Rule { method: "POST", path: "/webhooks/meta", who: System, body: r#"{"object": "page", "entry": []}"#, ..R },
    Rule { method: "POST", path: "/webhooks/pay", who: System, body: r#"{"resource_type": "payment", "resource_id": "x"}"#, ..R },
    // The API (paths and methods from its OpenAPI document).
    Rule { path: "/api/v1/openapi.json", who: Public, ..R },
    Rule { method: "POST", path: "/api/v1/session", who: Public, body: r#"{"email": "nobody@example.com", "password": "wrong"}"#, ..R },
    Rule { method: "DELETE", path: "/api/v1/session", ends_session: true, ..R },
    Rule { path: "/api/v1/me", ..R },
    Rule { path: "/api/v1/services", ..R },
    Rule { path: "/api/v1/sites", ..R },
    Rule { path: "/api/v1/audit", who: AuditorOrAdmin, ..R },
    Rule { path: "/api/v1/search", directory: true, query: "q=Zebedee", ..R },
    Rule { path: "/api/v1/contacts", ..R },
    Rule { method: "POST", path: "/api/v1/contacts", who: Writer, body: r#"{"channel": "phone", "from": "07700 900999", "body": "A call", "service": "street-lighting"}"#, ..R },
    Rule { path: "/api/v1/contacts/{id}", highways: true, ..R },
    Rule { path: "/api/v1/contacts/{id}/html", highways: true, ..R },
    Rule { path: "/api/v1/contacts/{id}/attachments/{attachment}", highways: true, ..R },
    Rule { path: "/api/v1/cases", ..R },
    Rule { method: "POST", path: "/api/v1/cases", who: Writer, body: r#"{"customer_id": {other_customer}, "service": "street-lighting", "kind": "enquiry", "title": "Another lamp"}"#, ..R },
    Rule { path: "/api/v1/cases/{reference}", highways: true, ..R },
    Rule { method: "PATCH", path: "/api/v1/cases/{reference}", who: Writer, highways: true, body: r#"{"status": "in_progress"}"#, ..R },
    Rule { method: "POST", path: "/api/v1/cases/{reference}/links", who: Writer, highways: true, body: r#"{"kind": "related", "to": "{street_ref}"}"#, ..R },
    Rule { path: "/api/v1/customers", directory: true, ..R },
    Rule { method: "POST", path: "/api/v1/customers", who: Writer, body: r#"{"kind": "person", "name": "Nobody Newperson"}"#, ..R },
    Rule { path: "/api/v1/customers/{id}", directory: true, ..R },
    Rule { method: "POST", path: "/api/v1/cti/calls", directory: true, body: r#"{"caller": "07700 900123"}"#, ..R },
];

/// The roles visited, with the services each is limited to.
const ROLES: &[(&str, Role, &[&str])] = &[
    ("auditor", Role::Auditor, &[]),
    ("back_office", Role::BackOffice, &["street-lighting"]),
    ("agent", Role::Agent, &[]),
    ("team_manager", Role::TeamManager, &[]),
    ("admin", Role::Admin, &[]),
];

/// Words of the `highways` case (its title and its report's text).
const HIGHWAYS_WORDS: &str = "Bollardgate";
/// The seeded customers' names and addresses.
const PERSONAL: &[&str] = &[
    "Zebedee",
    "Quillfeather",
    "zebedee@example.com",
    "Lampwick",
    "Dimsdale",
    "lampwick@example.com",
];

/// Every route the crate serves, as (method, path): page routes read from its sources,
/// API routes from its OpenAPI document.
fn served_routes() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 20, "the sources were not found: {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (path, methods) in page_routes(&text) {
            assert!(
                !methods.is_empty(),
                "{}: route {path} has no method I can read",
                f.display()
            );
            for m in methods {
                out.insert((m, path.clone()));
            }
        }
    }
    let doc = serde_json::to_value(heard_web::api::openapi()).unwrap();
    let paths = doc["paths"].as_object().expect("the OpenAPI document has paths");
    assert!(paths.len() > 10, "{paths:?}");
    for (path, item) in paths {
        for m in ["get", "post", "put", "patch", "delete"] {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The `.route("PATH", get(..).post(..))` calls in one source file: each path with the
/// methods named inside its call.
fn page_routes(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let trimmed = rest.trim_start();
        let Some(literal) = trimmed.strip_prefix('"') else {
            continue;
        };
        let path = &literal[..literal.find('"').unwrap()];
        // The call's arguments: up to the parenthesis that closes `.route(`.
        let mut depth = 1;
        let mut end = rest.len();
        let mut in_str = false;
        for (i, c) in rest.char_indices() {
            match c {
                '"' => in_str = !in_str,
                '(' if !in_str => depth += 1,
                ')' if !in_str => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let args = &rest[..end];
        let mut methods = Vec::new();
        for m in ["get", "post", "put", "patch", "delete"] {
            let call = format!("{m}(");
            let named = args
                .match_indices(&call)
                .any(|(i, _)| i == 0 || !args[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
            if named {
                methods.push(m.to_uppercase());
            }
        }
        out.push((path.to_string(), methods));
    }
    out
}

/// The seeded records the routes' parameters name.
struct Seed {
    /// The `highways` case (Zebedee's), its first contact and that contact's photo.
    reference: String,
    contact: i64,
    attachment: i64,
    /// An email on the highways case, with HTML.
    email_contact: i64,
    /// Zebedee; and Lampwick, whose case is in `street-lighting`.
    customer: i64,
    other_customer: i64,
    street_ref: String,
    article: i64,
    slug: String,
    problem: i64,
    learning: i64,
    /// The form report's receipt token.
    token: String,
}

impl Seed {
    /// `template` with its placeholders filled; `{id}` by what the route's `{id}` is.
    fn fill(&self, pattern: &str, template: &str) -> String {
        let nothing = "999999".to_string();
        let id = if pattern.starts_with("/customers/") || pattern.starts_with("/api/v1/customers/") {
            self.customer.to_string()
        } else if pattern.starts_with("/problems/") {
            self.problem.to_string()
        } else if pattern.starts_with("/learning/") {
            self.learning.to_string()
        } else if pattern.starts_with("/articles/") {
            self.article.to_string()
        } else if pattern == "/api/v1/contacts/{id}/html" {
            self.email_contact.to_string()
        } else if pattern.contains("/files/") {
            self.attachment.to_string()
        } else if pattern.starts_with("/contacts/")
            || pattern.starts_with("/api/v1/contacts/")
            || pattern.contains("/contacts/{id}")
            || pattern.contains("/messages/")
        {
            self.contact.to_string()
        } else {
            // Saved views, follow-ups, merges: none of the caller's, so none to find.
            nothing
        };
        let file = if pattern.starts_with("/open311/v2/services/") {
            "highways.json".to_string()
        } else if pattern.starts_with("/open311/v2/requests/") {
            format!("{}.json", self.reference)
        } else if pattern.starts_with("/open311/v2/tokens/") {
            format!("{}.json", self.token)
        } else {
            "requests.json".to_string()
        };
        template
            .replace("{reference}", &self.reference)
            .replace("{case}", &self.reference)
            .replace("{street_ref}", &self.street_ref)
            .replace("{other_customer}", &self.other_customer.to_string())
            .replace("{customer}", &self.customer.to_string())
            .replace("{attachment}", &self.attachment.to_string())
            .replace("{slug}", &self.slug)
            .replace("{service}", "highways")
            .replace("{token}", &self.token)
            .replace("{file}", &file)
            .replace("{id}", &id)
    }
}

async fn seed(app: &TestApp) -> Seed {
    let admin = app.sign_in_as("seed@test.heard", "Sid Seeder", Role::Admin, &[]).await;
    // Zebedee reports through the public form, with a photo: a highways case.
    let (token, cookie, _) = open_form(app, "highways").await;
    let (s, _, body) = send(
        app,
        "highways",
        Some(&cookie),
        &[
            Part::Text("csrf_token", &token),
            Part::Text(
                "description",
                "Bollardgate: the sinkhole on Mill Lane swallowed two bollards",
            ),
            Part::Text("f_depth", "deep"),
            Part::Text("postcode", "le1 5fq"),
            Part::Text("location", "Mill Lane"),
            Part::Text("name", "Zebedee Quillfeather"),
            Part::Text("email", "zebedee@example.com"),
            Part::File("photo", "hole.png", PNG),
        ],
    )
    .await;
    // The harness follows the redirect to the receipt, whose address holds the token.
    assert_eq!(s, StatusCode::OK, "{body}");
    let receipt = body
        .split("/report/receipt/")
        .nth(1)
        .and_then(|r| r.split(['?', '"']).next())
        .expect(&body)
        .to_string();
    let (_, found) = app
        .api(reqwest::Method::GET, "/api/v1/cases?service=highways", None)
        .await;
    let reference = found["items"][0]["reference"]
        .as_str()
        .expect("the highways case")
        .to_string();
    let (s, detail) = app
        .api(reqwest::Method::GET, &format!("/api/v1/cases/{reference}"), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    let contact = &detail["contacts"][0];
    let customer = detail["customer"]["id"].as_i64().expect("the case's customer");
    let attachment = contact["attachments"][0]["id"].as_i64().expect("the photo");
    let contact = contact["id"].as_i64().unwrap();

    // Zebedee writes again, by email: the same case.
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(
                json!({"channel": "email", "from": "Zebedee Quillfeather <zebedee@example.com>",
                "subject": "Bollardgate again", "body": "Bollardgate: still there",
                "body_html": "<p>Bollardgate: still there, says Zebedee Quillfeather</p>", "service": "highways"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["case"]["reference"], reference.as_str(), "{v}");
    let email_contact = v["id"].as_i64().unwrap();

    // Lampwick writes about a street light.
    let (s, v) = app
        .api(
            reqwest::Method::POST,
            "/api/v1/contacts",
            Some(
                json!({"channel": "email", "from": "Lampwick Dimsdale <lampwick@example.com>",
                "subject": "Lamp flickering on Elm Row", "body": "The lamp outside 4 Elm Row flickers all night",
                "service": "street-lighting"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let street_ref = v["case"]["reference"].as_str().unwrap().to_string();
    let other_customer = v["customer"]["id"].as_i64().unwrap();

    // An article, a problem with both cases, and a learning action from it.
    let (s, _, html) = admin
        .post(
            "/articles",
            &[
                ("title", "Reporting a street light"),
                ("body", "Tell us the column number."),
                ("language", "en"),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let article = app
        .store
        .article("reporting-a-street-light")
        .await
        .expect("the article");
    let cases = format!("{reference} {street_ref}");
    let (s, location, html) = admin
        .post("/problems", &[("title", "Mill Lane drainage"), ("cases", &cases)])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let problem: i64 = location
        .trim_start_matches("/problems/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .expect(&location);
    let problem_s = problem.to_string();
    let owner = admin.user_id.to_string();
    let (s, _, html) = admin
        .post(
            "/learning",
            &[
                ("source", "problem"),
                ("problem", &problem_s),
                ("what", "Inspect gullies after storms"),
                ("kind", "process_change"),
                ("owner", &owner),
                ("due_on", "2030-01-31"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, list) = admin.page("/learning").await;
    let learning: i64 = list
        .split("href=\"/learning/")
        .filter_map(|r| r.split('"').next()?.parse().ok())
        .next()
        .unwrap_or_else(|| panic!("no learning action listed: {list}"));
    Seed {
        reference,
        contact,
        email_contact,
        attachment,
        customer,
        other_customer,
        street_ref,
        article: article.id,
        slug: article.slug,
        problem,
        learning,
        token: receipt,
    }
}

/// Whether a response lets the caller through: a 2xx, or a redirect anywhere but the
/// sign-in page.
fn succeeded(status: StatusCode, location: &str) -> bool {
    status.is_success() || (status.is_redirection() && !location.starts_with("/login"))
}

/// Who may succeed at `rule`: `None` is no one signed in.
fn allowed(rule: &Rule, role: Option<Role>) -> bool {
    let by_role = match (rule.who, role) {
        (Public, _) => true,
        (System, _) | (_, None) => false,
        (Staff, Some(_)) => true,
        (Writer, Some(r)) => r.can_write(),
        (Admin, Some(r)) => r == Role::Admin,
        (AuditorOrAdmin, Some(r)) => matches!(r, Role::Auditor | Role::Admin),
    };
    by_role && !(rule.highways && role == Some(Role::BackOffice))
}

/// Up to 200 characters of `body` around `at` (or its start).
fn snippet(body: &str, at: Option<usize>) -> String {
    let start = at.map_or(0, |i| i.saturating_sub(80));
    body.char_indices()
        .skip_while(|(i, _)| *i < start)
        .take(200)
        .map(|(_, c)| c)
        .collect::<String>()
        .replace('\n', " ")
}

/// A caller: a label, a role (none: not signed in), a session, and sessions to sign out.
type Actor = (
    &'static str,
    Option<Role>,
    Option<common::Session>,
    Vec<common::Session>,
);

struct Reply {
    status: StatusCode,
    location: String,
    body: String,
}

/// One request as `who` (a session's cookie and CSRF token, or nothing) sends it.
async fn request(
    http: &reqwest::Client,
    base: &str,
    session: Option<&common::Session>,
    method: &str,
    path: &str,
    body: &str,
) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut r = http.request(method.clone(), format!("{base}{path}"));
    if let Some(s) = session {
        r = r.header("cookie", &s.cookie).header("x-csrf-token", &s.csrf);
    }
    if method != reqwest::Method::GET {
        if body.starts_with('{') {
            r = r.header("content-type", "application/json").body(body.to_string());
        } else if !path.starts_with("/api/") {
            let token = session.map_or(String::new(), |s| format!("csrf_token={}", s.csrf));
            let form = [token.as_str(), body]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>();
            r = r
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form.join("&"));
        }
    }
    let res = r.send().await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&res.bytes().await.unwrap()).into_owned();
    Reply { status, location, body }
}

on_both!(every_route_as_every_role, |app| {
    let started = std::time::Instant::now();
    // 1. The table covers every route served.
    let served = served_routes();
    let table: BTreeSet<(String, String)> = RULES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(table.len(), RULES.len(), "a route is in the table twice");
    let missing: Vec<_> = served.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "routes with no rule in tests/authz.rs — say who may use them: {missing:?}"
    );
    for gone in table.difference(&served) {
        eprintln!("note: the rule for {gone:?} names a route no longer served");
    }
    let rules: Vec<&Rule> = RULES
        .iter()
        .filter(|r| served.contains(&(r.method.to_string(), r.path.to_string())))
        .collect();

    // 2. The data the routes name.
    let seed = seed(&app).await;

    // 3. Sessions: one for every role, and one more for each way of signing out (signed
    // in now, before any visit could change how this user signs in).
    let leavers = rules.iter().filter(|r| r.ends_session).count();
    let mut actors: Vec<Actor> = vec![("anonymous", None, None, Vec::new())];
    for (label, role, services) in ROLES {
        let email = format!("{label}@authz.test");
        let name = format!("Staff {label}");
        let session = app.sign_in_as(&email, &name, *role, services).await;
        let mut leaving = Vec::new();
        for _ in 0..leavers {
            leaving.push(app.sign_in_as(&email, &name, *role, services).await);
        }
        actors.push((label, Some(*role), Some(session), leaving));
    }
    let http = common::no_redirects(&app);
    let mut order: Vec<&Rule> = rules.iter().copied().filter(|r| r.method == "GET").collect();
    order.extend(rules.iter().filter(|r| r.method != "GET" && !r.ends_session));
    order.extend(rules.iter().filter(|r| r.ends_session));

    let mut failures = Vec::new();
    let mut visits = 0;
    let verbose = std::env::var("AUTHZ_VERBOSE").is_ok();
    for (label, role, session, leaving) in &mut actors {
        for rule in &order {
            let mut path = seed.fill(rule.path, rule.path);
            if !rule.query.is_empty() {
                path = format!("{path}?{}", seed.fill(rule.path, rule.query));
            }
            let body = seed.fill(rule.path, rule.body);
            let own;
            let who = if rule.ends_session && role.is_some() {
                own = leaving.pop();
                own.as_ref()
            } else {
                session.as_ref()
            };
            let reply = request(&http, &app.base, who, rule.method, &path, &body).await;
            visits += 1;
            let (status, location) = (reply.status, reply.location.as_str());
            if verbose {
                eprintln!("{label:>12} {:6} {path} → {status} {location}", rule.method);
            }
            let mut fail = |why: &str, at: Option<usize>| {
                failures.push(format!(
                    "{label} {} {path} ({}): {why}; got {status} {location} — {}",
                    rule.method,
                    rule.path,
                    snippet(&reply.body, at)
                ))
            };
            let may = allowed(rule, *role);
            if !may && succeeded(status, location) {
                fail("succeeded where it may not", None);
            } else if may && rule.method == "GET" {
                let want = if rule.status == 0 { 200 } else { rule.status };
                if status.as_u16() != want {
                    fail(&format!("should get {want}"), None);
                }
            } else if may
                && rule.who != Public
                && (matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                    // Signing out ends on the sign-in page.
                    || (location.starts_with("/login") && !rule.ends_session))
            {
                fail("was refused where it may", None);
            }
            // An auditor's change is refused as such, not merely by a form it could not read.
            if *role == Some(Role::Auditor)
                && rule.method != "GET"
                && matches!(rule.who, Writer | Admin)
                && status != StatusCode::FORBIDDEN
            {
                fail("an auditor's change should be refused with 403", None);
            }
            if role.is_none() {
                for word in PERSONAL {
                    if let Some(at) = reply.body.find(word) {
                        fail(&format!("shows {word} to someone not signed in"), Some(at));
                    }
                }
            }
            // What residents may read (Open311's public requests) anyone may read.
            if *role == Some(Role::BackOffice) && rule.who != Public {
                let mut words = vec![HIGHWAYS_WORDS];
                if !rule.directory {
                    words.extend(["Zebedee", "zebedee@example.com"]);
                }
                for word in words {
                    if let Some(at) = reply.body.find(word) {
                        fail(
                            &format!("shows the highways case ({word}) to street-lighting's officer"),
                            Some(at),
                        );
                    }
                }
            }
        }
    }

    // Open311 writes take an api_key, and an auditor's key may not write.
    let (s, body) = app
        .post(
            "/open311/v2/requests.json",
            &[
                ("api_key", &app.auditor_key),
                ("service_code", "highways"),
                ("description", "A hole"),
                ("lat", "52.6"),
                ("long", "-1.1"),
            ],
        )
        .await;
    visits += 1;
    if s != StatusCode::FORBIDDEN {
        failures.push(format!(
            "auditor api_key POST /open311/v2/requests.json: got {s} — {}",
            snippet(&body, None)
        ));
    }

    eprintln!(
        "{} routes × {} callers: {visits} requests in {:.1?}",
        rules.len(),
        actors.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
});

#[test]
fn the_route_reader_reads_methods() {
    let src = r#"
        .route("/a", get(x).post(y))
        .route(
            "/b/{id}",
            post(add).layer(DefaultBodyLimit::max(2 * photo::MAX_PHOTO_BYTES)),
        )
        .route("/", get(|| async { Redirect::to("/cases") }))
    "#;
    let found = page_routes(src);
    assert_eq!(
        found,
        vec![
            ("/a".to_string(), vec!["GET".to_string(), "POST".to_string()]),
            ("/b/{id}".to_string(), vec!["POST".to_string()]),
            ("/".to_string(), vec!["GET".to_string()]),
        ]
    );
}
