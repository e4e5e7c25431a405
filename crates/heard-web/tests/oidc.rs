//! Single sign-on against a real OpenID Connect provider: `tests/oidc/provider.mjs`
//! (oidc-provider from npm, under node) on a loopback port, with heard's client registered
//! and test accounts whose `groups` claim is mapped by `[oidc]`-style settings. The test
//! follows every redirect itself, keeping each server's cookies like a browser, and checks:
//! a mapped account lands signed in with its role and services, and is the same heard user
//! next time; an account in no mapped group is refused with the page saying so; a tampered
//! `state` and a replayed callback (the code used twice) are refused; an account that
//! already had a local password keeps it; the audit log records each sign-in and refusal.
//! The ID token is signed RS256 on SQLite and ES256 on PostgreSQL.
//!
//! Needs `node` and `npm ci` in `tests/oidc` (`.ci/run` does both). Without them the test
//! says why and passes, unless `HEARD_REQUIRE_BROWSER=1` (as the browser test).

use heard_core::Role;
use heard_store::seed::{ServiceSpec, TeamSpec};
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use heard_web::oidc::{OidcSettings, RoleRule};
use heard_web::{AppState, WebSettings, files::FileStore};
use reqwest::StatusCode;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

const CLIENT_ID: &str = "heard-test";
const CLIENT_SECRET: &str = "a-client-secret-for-tests-only";

fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Why the provider cannot run here, if it cannot.
fn missing_prerequisite() -> Option<String> {
    match std::process::Command::new("node").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => return Some("`node` is not on PATH (apt-get install nodejs npm)".into()),
    }
    let dir = provider_dir();
    for package in ["oidc-provider", "jose"] {
        if !dir.join("node_modules").join(package).join("package.json").is_file() {
            return Some(format!(
                "{package} is missing: run `npm ci --no-audit --no-fund` in {}",
                dir.display()
            ));
        }
    }
    None
}

/// Skips (or, with `HEARD_REQUIRE_BROWSER=1`, fails) when node or the packages are missing.
fn can_run() -> bool {
    if let Some(why) = missing_prerequisite() {
        assert!(
            std::env::var("HEARD_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "HEARD_REQUIRE_BROWSER=1 but the OpenID Connect test cannot run: {why}"
        );
        eprintln!("skipping the OpenID Connect test: {why}");
        return false;
    }
    true
}

/// The provider, stopped when dropped.
struct Provider {
    _child: tokio::process::Child,
    issuer: String,
}

async fn start_provider(redirect_uri: &str, alg: &str) -> Provider {
    let mut child = tokio::process::Command::new("node")
        .current_dir(provider_dir())
        .arg("provider.mjs")
        .args(["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET])
        .args(["--redirect-uri", redirect_uri, "--alg", alg])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let issuer = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("provider output") {
            if let Some(issuer) = line.strip_prefix("listening ") {
                return issuer.trim().to_string();
            }
        }
        panic!("the provider stopped before listening");
    })
    .await
    .expect("the provider listens within 30 s");
    // Keep reading (and showing) its output so it never blocks on a full pipe.
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            println!("provider: {line}");
        }
    });
    Provider { _child: child, issuer }
}

struct App {
    base: String,
    store: heard_store::Store,
    _provider: Provider,
    _db: TestDb,
    _dir: tempfile::TempDir,
}

/// heard on a loopback port with `[oidc]` pointing at a fresh provider that knows heard's
/// callback.
async fn spawn(db: TestDb, alg: &str) -> App {
    let store = db.store().await;
    let svc = |slug: &str, name: &str| ServiceSpec {
        slug: slug.into(),
        name: name.into(),
        keywords: vec![],
        team: Some("streets".into()),
    };
    store
        .upsert_catalogue(
            &[TeamSpec {
                slug: "streets".into(),
                name: "Streets".into(),
            }],
            &[
                svc("customer-services", "Customer Services"),
                svc("street-lighting", "Street lights"),
            ],
            &[],
        )
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let redirect_url = format!("{base}/login/oidc/callback");
    let provider = start_provider(&redirect_url, alg).await;
    let rule = |group: &str, role: Role, services: &[&str]| RoleRule {
        group: group.into(),
        role,
        services: services.iter().map(|s| s.to_string()).collect(),
    };
    let settings = WebSettings {
        oidc: Some(OidcSettings {
            issuer: provider.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            redirect_url,
            scopes: "openid email profile".into(),
            groups_claim: "groups".into(),
            roles: vec![
                rule("heard-admins", Role::Admin, &[]),
                rule("street-lighting-officers", Role::BackOffice, &["street-lighting"]),
                rule("heard-agents", Role::Agent, &[]),
                rule("heard-managers", Role::TeamManager, &[]),
            ],
            button_label: "Sign in with your council account".into(),
        }),
        ..WebSettings::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(store.clone(), settings, FileStore::local(dir.path().join("files")))
        .await
        .unwrap();
    tokio::spawn(heard_web::serve(listener, state, std::future::pending()));
    App {
        base,
        store,
        _provider: provider,
        _db: db,
        _dir: dir,
    }
}

/// A browser, as far as redirects and cookies go: each origin's cookies (name → value)
/// kept and sent back to it. (reqwest's own cookie store needs a feature the workspace does
/// not build.)
struct Browser {
    http: reqwest::Client,
    jar: HashMap<String, HashMap<String, String>>,
}

/// Where a sign-in ended: the last response's status, its URL and its body.
struct Landing {
    status: StatusCode,
    url: String,
    body: String,
}

fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    format!("{scheme}://{}", rest.split('/').next().unwrap())
}

impl Browser {
    fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: HashMap::new(),
        }
    }

    /// One GET, cookies sent and kept: (status, Location, body).
    async fn get(&mut self, url: &str) -> (StatusCode, Option<String>, String) {
        let o = origin(url);
        let cookies = self
            .jar
            .get(&o)
            .map(|c| c.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; "));
        let mut req = self.http.get(url);
        if let Some(c) = cookies.filter(|c| !c.is_empty()) {
            req = req.header("cookie", c);
        }
        let r = req.send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            let gone = attrs.to_ascii_lowercase().contains("max-age=0") || attrs.contains("1970");
            let jar = self.jar.entry(o.clone()).or_default();
            if gone || val.is_empty() {
                jar.remove(k.trim());
            } else {
                jar.insert(k.trim().to_string(), val.to_string());
            }
        }
        let status = r.status();
        let location = r.headers().get("location").map(|l| {
            let l = l.to_str().unwrap();
            if l.starts_with('/') {
                format!("{o}{l}")
            } else {
                l.to_string()
            }
        });
        (status, location, r.text().await.unwrap())
    }

    /// GETs `url` and follows redirects (at most 10), calling `edit` on each URL first.
    async fn follow(&mut self, url: &str, edit: &dyn Fn(&str) -> String) -> Landing {
        let mut url = edit(url);
        for _ in 0..10 {
            let (status, location, body) = self.get(&url).await;
            match location {
                Some(next) if status.is_redirection() => url = edit(&next),
                _ => return Landing { status, url, body },
            }
        }
        panic!("too many redirects, at {url}");
    }

    fn heard_cookie(&self, base: &str, name: &str) -> Option<String> {
        self.jar.get(base)?.get(name).cloned()
    }
}

/// Adds the test account's `login_hint` to the authorisation request (the provider's
/// interaction signs that account in).
fn as_account(account: &'static str) -> impl Fn(&str) -> String {
    move |url: &str| {
        if url.contains("/auth?") && !url.contains("login_hint=") {
            format!("{url}&login_hint={account}")
        } else {
            url.to_string()
        }
    }
}

/// The signed-in user, through the API with the session cookie.
async fn me(b: &mut Browser, base: &str) -> serde_json::Value {
    let (status, _, body) = b.get(&format!("{base}/api/v1/me")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn audit(app: &App, action: &str) -> Vec<heard_store::audit::AuditRecord> {
    // Changes are committed before the answer (sign-ins wait for their batch).
    app.store
        .search_audit(&heard_store::audit::AuditFilter {
            action: Some(action.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .items
}

async fn scenario(app: App) {
    let base = app.base.clone();

    // The sign-in page offers the button.
    let mut b = Browser::new();
    let (status, _, page) = b.get(&format!("{base}/login")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("href=\"/login/oidc\"") && page.contains("Sign in with your council account"),
        "{page}"
    );
    assert!(page.contains("name=\"password\""), "local accounts stay");

    // A back-office officer: signed in with the mapped role and services.
    let landed = b.follow(&format!("{base}/login/oidc"), &as_account("lena")).await;
    assert_eq!(landed.status, StatusCode::OK, "{}: {}", landed.url, landed.body);
    assert_eq!(landed.url, format!("{base}/cases"));
    assert!(b.heard_cookie(&base, "heard_session").is_some());
    assert!(
        b.heard_cookie(&base, "heard_oidc").is_none(),
        "the flow cookie is cleared"
    );
    let lena = me(&mut b, &base).await;
    assert_eq!(lena["email"], "lena@council.example");
    assert_eq!(lena["name"], "Lena Lights");
    assert_eq!(lena["role"], "back_office");
    assert_eq!(lena["services"], serde_json::json!(["street-lighting"]));
    let (_, hash) = app.store.user_for_login("lena@council.example").await.unwrap().unwrap();
    assert_eq!(hash, None, "an account made by single sign-on has no password");

    // Again, in a new browser: the same heard user.
    let mut again = Browser::new();
    let landed = again.follow(&format!("{base}/login/oidc"), &as_account("lena")).await;
    assert_eq!(landed.status, StatusCode::OK, "{}", landed.body);
    assert_eq!(me(&mut again, &base).await["id"], lena["id"]);
    assert_eq!(
        app.store
            .users()
            .await
            .unwrap()
            .iter()
            .filter(|u| u.email == "lena@council.example")
            .count(),
        1
    );

    // An agent.
    let mut b = Browser::new();
    let landed = b.follow(&format!("{base}/login/oidc"), &as_account("alice")).await;
    assert_eq!(landed.status, StatusCode::OK, "{}", landed.body);
    assert_eq!(me(&mut b, &base).await["role"], "agent");

    // A local account with a password (and a team) signs in by single sign-on too: found by
    // email, role from the mapping, password and team untouched, so both ways keep working.
    let password = "correct horse battery";
    let pat_id = app
        .store
        .upsert_user(&NewUser {
            email: "pat.local@council.example".into(),
            name: "Pat".into(),
            role: Role::Agent,
            team: Some("streets".into()),
            services: vec![],
            password_hash: Some(heard_web::hash_password(password).unwrap()),
        })
        .await
        .unwrap();
    let mut b = Browser::new();
    let landed = b.follow(&format!("{base}/login/oidc"), &as_account("pat")).await;
    assert_eq!(landed.status, StatusCode::OK, "{}", landed.body);
    let pat = me(&mut b, &base).await;
    assert_eq!(
        (pat["id"].as_i64(), pat["role"].as_str()),
        (Some(pat_id), Some("team_manager"))
    );
    assert_eq!(pat["team"], "streets");
    let (_, hash) = app
        .store
        .user_for_login("pat.local@council.example")
        .await
        .unwrap()
        .unwrap();
    assert!(
        heard_web::verify_password(password, &hash.unwrap()),
        "the password is kept"
    );

    // In no mapped group: refused, with the page saying so, and no session.
    let mut b = Browser::new();
    let landed = b.follow(&format!("{base}/login/oidc"), &as_account("bob")).await;
    assert_eq!(landed.status, StatusCode::FORBIDDEN, "{}", landed.body);
    assert!(
        landed.body.contains("Your account has no heard role"),
        "{}",
        landed.body
    );
    assert!(landed.body.contains("bob@council.example"));
    assert!(landed.body.contains("href=\"/login\""));
    assert!(b.heard_cookie(&base, "heard_session").is_none());
    assert!(app.store.user_for_login("bob@council.example").await.unwrap().is_none());

    // A tampered state: refused before any code is exchanged.
    let mut b = Browser::new();
    let tamper = |url: &str| {
        let url = as_account("alice")(url);
        if url.starts_with(&format!("{base}/login/oidc/callback")) {
            url.replacen("state=", "state=x", 1)
        } else {
            url
        }
    };
    let landed = b.follow(&format!("{base}/login/oidc"), &tamper).await;
    assert_eq!(landed.status, StatusCode::BAD_REQUEST, "{}", landed.body);
    assert!(landed.body.contains("Start again"), "{}", landed.body);
    assert!(b.heard_cookie(&base, "heard_session").is_none());

    // No sign-in in progress (no flow cookie): refused.
    let mut b = Browser::new();
    let (status, _, body) = b.get(&format!("{base}/login/oidc/callback?code=abc&state=def")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // The provider's own refusal is shown, not a 500.
    let (status, _, body) = b
        .get(&format!(
            "{base}/login/oidc/callback?error=access_denied&error_description=no+such+test+account"
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("access_denied"), "{body}");

    // A replayed callback: the code used a second time, even with the flow cookie kept
    // (say, copied), is refused — the provider will not exchange a code twice.
    let mut b = Browser::new();
    let stop_at_callback = |url: &str| as_account("alice")(url);
    let (_, to_provider, _) = b.get(&format!("{base}/login/oidc")).await;
    let flow_cookie = b.heard_cookie(&base, "heard_oidc").expect("the flow cookie");
    let mut url = stop_at_callback(&to_provider.unwrap());
    let callback = loop {
        let (status, location, body) = b.get(&url).await;
        assert!(status.is_redirection(), "{url}: {status} {body}");
        let next = stop_at_callback(&location.unwrap());
        if next.starts_with(&format!("{base}/login/oidc/callback")) {
            break next;
        }
        url = next;
    };
    let (status, location, body) = b.get(&callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location.as_deref(), Some(format!("{base}/cases").as_str()));
    let mut thief = Browser::new();
    thief
        .jar
        .entry(base.clone())
        .or_default()
        .insert("heard_oidc".into(), flow_cookie);
    let (status, _, body) = thief.get(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("Start again"), "{body}");
    assert!(thief.heard_cookie(&base, "heard_session").is_none());

    // The audit log has every sign-in and refusal, and no secret.
    let signed_in = audit(&app, "session.sign_in").await;
    let oidc_sign_ins: Vec<_> = signed_in.iter().filter(|e| e.detail["method"] == "oidc").collect();
    assert_eq!(oidc_sign_ins.len(), 5, "{signed_in:?}");
    let first = oidc_sign_ins
        .iter()
        .find(|e| e.actor == "lena@council.example")
        .unwrap();
    assert_eq!(first.actor_id, lena["id"].as_i64());
    assert_eq!(first.detail["role"], "back_office");
    assert_eq!(first.detail["group"], "street-lighting-officers");
    assert_eq!(first.detail["issuer"], app._provider.issuer.as_str());
    let failed = audit(&app, "session.sign_in_failed").await;
    let reasons: Vec<String> = failed
        .iter()
        .map(|e| format!("{} {}", e.actor, e.detail["reason"].as_str().unwrap_or("")))
        .collect();
    let has = |actor: &str, reason: &str| reasons.iter().any(|r| r.starts_with(actor) && r.contains(reason));
    assert!(has("bob@council.example", "no heard role"), "{reasons:?}");
    assert!(has("single sign-on", "state does not match"), "{reasons:?}");
    assert!(has("single sign-on", "no flow cookie"), "{reasons:?}");
    assert!(has("single sign-on", "provider answered access_denied"), "{reasons:?}");
    assert!(
        has("single sign-on", "token endpoint refused the code: invalid_grant"),
        "{reasons:?}"
    );
    let everything = format!("{signed_in:?}{failed:?}");
    assert!(
        !everything.contains(CLIENT_SECRET) && !everything.contains("code="),
        "no secrets audited"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    if !can_run() {
        return;
    }
    scenario(spawn(TestDb::sqlite(), "RS256").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if !can_run() {
        return;
    }
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    scenario(spawn(db, "ES256").await).await;
}

/// The provider away: a clear page, 502, never a 500; and without `[oidc]` the routes are
/// not there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_away_and_not_configured() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    // A port nothing listens on.
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", unused.local_addr().unwrap());
    drop(unused);
    for oidc in [
        Some(OidcSettings {
            issuer,
            client_id: CLIENT_ID.into(),
            client_secret: None,
            redirect_url: "http://127.0.0.1/login/oidc/callback".into(),
            scopes: "openid".into(),
            groups_claim: "groups".into(),
            roles: vec![],
            button_label: "Council sign-in".into(),
        }),
        None,
    ] {
        let configured = oidc.is_some();
        let settings = WebSettings {
            oidc,
            ..WebSettings::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(store.clone(), settings, FileStore::local(dir.path().join("files")))
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(heard_web::serve(listener, state, std::future::pending()));
        let mut b = Browser::new();
        let (_, _, login) = b.get(&format!("{base}/login")).await;
        assert_eq!(login.contains("Council sign-in"), configured);
        assert_eq!(login.contains("/login/oidc"), configured);
        let (status, _, body) = b.get(&format!("{base}/login/oidc")).await;
        if configured {
            assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
            assert!(body.contains("cannot be checked just now"), "{body}");
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        }
        let (status, _, _) = b.get(&format!("{base}/login/oidc/callback?code=a&state=b")).await;
        assert_eq!(
            status,
            if configured {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::NOT_FOUND
            }
        );
    }
}
