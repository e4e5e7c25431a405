//! heard's pages in real headless Chromium: the app on a random port over a fresh SQLite
//! database with a few cases, then `tests/browser/pages.mjs` (playwright-core and axe-core
//! from npm, Debian's /usr/bin/chromium) signs in by typing, walks the pages, checks them
//! with axe and saves screenshots to `<target>/browser-artifacts/`.
//!
//! Needs `node`, `npm ci` in `tests/browser` and `/usr/bin/chromium` (`.ci/run` installs
//! them). Without them the test says why and passes, unless `HEARD_REQUIRE_BROWSER=1`.
//! SQLite only: the browser does not care about the engine.

mod common;

use common::{TestApp, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use heard_store::users::NewUser;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const EMAIL: &str = "admin@test.heard";
const PASSWORD: &str = "correct horse battery";
/// A contact body a browser must show as text: if it became markup, the page would gain an
/// `<img src=x>` (and, without the CSP, a dialog).
const HOSTILE: &str = "Please see below.\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\nThanks.";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("HEARD_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// `$CARGO_TARGET_DIR/browser-artifacts`: the target directory is the one this test binary
/// was built in (`<target>/<profile>/deps/browser-…`), or `CARGO_TARGET_DIR` when absolute.
fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            Some(
                std::env::current_exe()
                    .ok()?
                    .parent()?
                    .parent()?
                    .parent()?
                    .to_path_buf(),
            )
        })
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("browser-artifacts")
}

/// Why the browser test cannot run here, if it cannot.
fn missing_prerequisite() -> Option<String> {
    let dir = browser_dir();
    match std::process::Command::new("node").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => return Some("`node` is not on PATH (apt-get install nodejs npm)".into()),
    }
    for package in ["playwright-core", "axe-core"] {
        if !dir.join("node_modules").join(package).join("package.json").is_file() {
            return Some(format!(
                "{} is missing: run `npm ci --no-audit --no-fund` in {}",
                dir.join("node_modules").join(package).display(),
                dir.display()
            ));
        }
    }
    if !chromium().is_file() {
        return Some(format!(
            "{} is missing (apt-get install chromium)",
            chromium().display()
        ));
    }
    None
}

async fn post(app: &TestApp, contact: serde_json::Value) {
    let (status, v) = app.api(reqwest::Method::POST, "/api/v1/contacts", Some(contact)).await;
    assert!(status.is_success(), "{status} {v}");
}

/// A staff member who signs in with a password, and cases to look at: half a year of
/// ordinary council tax email, yesterday's burst of alike reports (an emerging issue, with
/// its chart, on /trends), a few other channels and services, and — newest, so first in the
/// list — an email whose body carries markup that must stay text.
async fn seed(app: &TestApp) {
    app.store
        .upsert_user(&NewUser {
            email: EMAIL.into(),
            name: "Alex Admin".into(),
            role: Role::Admin,
            team: None,
            services: vec![],
            password_hash: Some(heard_web::hash_password(PASSWORD).unwrap()),
        })
        .await
        .unwrap();
    let now = jiff::Timestamp::now();
    let day = jiff::SignedDuration::from_hours(24);
    let topics = [
        "My council tax bill seems too high this year",
        "Please set up a direct debit for my council tax",
        "I have moved house, please close my council tax account",
        "Can I get a single person discount?",
        "Can I pay my council tax in twelve instalments instead of ten?",
    ];
    let burst = [
        "Online payment page shows error 500 when paying council tax",
        "Error 500 on the council tax online payment page",
        "Your online council tax payment page keeps giving error 500",
        "Cannot pay council tax online, the payment page says error 500",
    ];
    let history = (0..90).map(|n| (n, topics[n % topics.len()], now - day * (2 * (90 - n as i32) + 3)));
    let yesterday = burst
        .iter()
        .enumerate()
        .map(|(k, s)| (100 + k, *s, now - day + jiff::SignedDuration::from_mins(k as i64)));
    for (n, subject, at) in history.chain(yesterday) {
        post(
            app,
            json!({"channel": "email", "from": format!("Resident {n} <resident{n}@example.org>"),
                   "subject": subject, "body": "Thanks.", "service": "revenues-and-benefits",
                   "received_at": at.to_string()}),
        )
        .await;
    }
    let contacts = [
        json!({"channel": "email", "from": "Lettings Ltd <office@lettings.example>",
               "subject": "Council tax for three tenants",
               "body": "Tenants moved in at 1, 2 and 3 Wharf Road, LE1 1AA on 1 March.",
               "service": "revenues-and-benefits"}),
        json!({"channel": "phone", "from": "07700 900123", "subject": "Pothole by the school",
               "body": "Deep pothole outside the primary school on Castle Street.", "service": "highways"}),
        json!({"channel": "web_form", "from": "Sam Resident <sam@example.org>", "subject": "Street light out",
               "body": "The light outside 12 Mill Lane has been out for a week.", "service": "street-lighting"}),
        json!({"channel": "email", "from": "Mallory <mallory@example.org>",
               "subject": "<b>Bold</b> claims", "body": HOSTILE, "service": "highways"}),
    ];
    for c in contacts {
        post(app, c).await;
        // Distinct activity times, so the hostile case is the newest: first in the list.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_pages_in_a_real_browser() {
    if let Some(why) = missing_prerequisite() {
        assert!(
            std::env::var("HEARD_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "HEARD_REQUIRE_BROWSER=1 but the browser test cannot run: {why}"
        );
        eprintln!("skipping the browser test: {why}");
        return;
    }
    let app = spawn(TestDb::sqlite()).await;
    seed(&app).await;
    let out = artifacts_dir();
    scenario(
        &app,
        "pages.mjs",
        &["--case-text", "<img src=x onerror=alert(1)>"],
        &out,
    )
    .await;
    // Story 4 with stories 1 and 3's cases: three jobs, drafts, keyboard, the close check.
    scenario(&app, "workspace.mjs", &[], &out).await;
    assert!(
        out.join("case.png").is_file(),
        "no screenshot of the case page in {}",
        out.display()
    );
}

/// Runs one scenario file against `app`, printing its output; fails the test if it fails.
async fn scenario(app: &TestApp, file: &str, extra: &[&str], out: &std::path::Path) {
    let started = Instant::now();
    let output = tokio::process::Command::new("node")
        .current_dir(browser_dir())
        .arg(file)
        .args(["--base", &app.base, "--email", EMAIL, "--password", PASSWORD])
        .arg("--out")
        .arg(out)
        .args(extra)
        .arg("--chromium")
        .arg(chromium())
        .kill_on_drop(true)
        .output()
        .await
        .expect("node runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{log}");
    println!(
        "{file} took {:.1}s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        out.display()
    );
    assert!(output.status.success(), "{file} failed ({}):\n{log}", output.status);
}
