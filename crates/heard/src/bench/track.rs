//! `heard bench track`: the resident's pages of issue 9 (`/track/{reference}?key=…`, the
//! case as a resident sees it, and the `/track` start page) under 50 residents at once,
//! over the 1,000,000-contact store `heard bench search` loads (the same folder by
//! default, so one load serves this, `bench search` and `bench workspace`; loaded here
//! when it is not there yet).
//!
//! The bench picks a sample of real cases and signs each a resident's link as heard does
//! in its emails (`heard_web::track_link`, with the key the store keeps for every node),
//! plus the heavy case `bench workspace` makes (the most contacts a case page shows).
//! Each resident has its own keep-alive connection and no cookie, and sends a fixed mix:
//! the case page of a random case of the sample, the heavy case's page, or the start page,
//! a quarter of them in Welsh (`lang=cy`).
//! Then, in the same run and over the same cases, the same number of signed-in agents
//! open the staff case page with the same mix and pauses (closing their oldest job at the
//! job limit, as `bench workspace` does), as the baseline the resident page compares
//! with. With `--pause-ms` each client pauses between requests (uniformly up to twice the
//! mean), as a person reads a page; without it every client sends its next request as
//! soon as the last is answered (the throughput ceiling). Latency is timed to the last
//! byte; anything but the expected status is an error. Every page of the sample is
//! weighed in English and in Welsh, as sent (the server does not compress), with the
//! stylesheets and scripts it links; images are not counted.

use super::workspace::{self, HEAVY_CONTACTS, HEAVY_MARK, Session};
use super::{Server, body_for, load, percentile, prepare};
use anyhow::{Context, bail};
use heard_core::{CaseKind, CaseReference, CaseStatus, Channel, CustomerKind, Direction, Identity, Priority};
use heard_store::Store;
use heard_store::queries::CaseFilter;
use heard_store::seed::{CaseSpec, ContactSpec, CustomerSpec};
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const PREFIX: &str = "HRD";
/// Per cent of requests for the heavy case's page, and for the start page (residents).
const HEAVY_PERCENT: u32 = 2;
const START_PERCENT: u32 = 10;
/// Per cent of residents' requests that ask for the page in Welsh (`lang=cy`).
const WELSH_PERCENT: u32 = 25;
/// The goals (issue 9): p95 and the weight of a page before images.
const GOAL_P95_MS: f64 = 30.0;
const GOAL_PAGE_BYTES: usize = 50 * 1024;
/// The worst case for the page's weight: a case whose every update is an email at least
/// as long as the page shows (weighed, not timed), found again by this word.
const LONG_CONTACTS: usize = 40;
const LONG_CHARS: usize = 2_400;
const LONG_MARK: &str = "trackweightlong";

/// One case of the sample: its reference and a resident's signed link to it.
#[derive(Clone)]
struct Case {
    reference: String,
    link: String,
}

/// What the requests are drawn from.
struct Plan {
    cases: Vec<Case>,
    heavy: Case,
    long: Case,
    job_limit: usize,
    /// Mean pause of a client between its requests (ms): 0 keeps every client busy.
    pause_ms: u64,
}

/// Who sends the requests: residents (track pages) or agents (staff case pages).
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Resident,
    Staff,
}

/// One timed request.
struct Sample {
    kind: &'static str,
    ms: f64,
    ok: bool,
}

pub async fn run(
    store_dir: &Path,
    contacts: usize,
    residents: usize,
    requests: usize,
    warmup: usize,
    pause_ms: u64,
    sample: usize,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(store_dir)?;
    let url = format!("sqlite://{}", store_dir.join("heard.db").display());
    let (store, _) = prepare(&url).await?;
    if store.search("uniq0", Some(1), None, PREFIX).await?.total == 0 {
        eprintln!(
            "loading {contacts} contacts into {} (once; later runs reuse it)",
            store_dir.display()
        );
        load(&store, contacts).await?;
    }
    // One agent per resident for the staff baseline, and one to weigh the staff page.
    let agents = workspace::agents(&store, residents + 1).await?;
    let heavy = workspace::heavy_case(&store).await?;
    let long = long_case(&store).await?;
    let cases = store.count_cases(&CaseFilter::default(), u32::MAX).await? as i64;
    let chosen = pick(&store, cases, sample, &heavy).await?;
    // Links signed as heard signs them, with the key the store keeps for every node.
    let state = heard_web::AppState::new(
        store.clone(),
        heard_web::WebSettings::default(),
        heard_web::files::FileStore::local(store_dir.join("files")),
    )
    .await?;
    let mut signed = Vec::with_capacity(chosen.len());
    for reference in chosen.iter().chain([&heavy, &long]) {
        let parsed: CaseReference = reference.parse().map_err(anyhow::Error::msg)?;
        signed.push(Case {
            reference: reference.clone(),
            link: heard_web::track_link(&state, &parsed).await?,
        });
    }
    drop(state);
    store.close().await;
    let long = signed.pop().context("no long case")?;
    let heavy = signed.pop().context("no heavy case")?;
    let plan = Arc::new(Plan {
        cases: signed,
        heavy,
        long,
        job_limit: heard_core::job::DEFAULT_JOB_LIMIT,
        pause_ms,
    });

    let server = Server::start(store_dir, &url).await?;
    let base = server.base.clone();
    let mut staff = Vec::with_capacity(agents.len());
    for (_, email) in &agents {
        staff.push(workspace::sign_in(&base, email).await?);
    }
    let mut weigher = staff.pop().context("no weighing session")?;
    let weight = weigh(&base, &mut weigher, &plan).await?;

    let people: Vec<Session> = (0..residents).map(|_| resident()).collect::<anyhow::Result<_>>()?;
    let (people, _, _) = drive(&base, people, Side::Resident, warmup, plan.clone(), u64::MAX / 2).await?;
    let cpu0 = server.cpu_seconds();
    let (_, resident_samples, resident_wall) = drive(&base, people, Side::Resident, requests, plan.clone(), 0).await?;
    let resident_cpu = server.cpu_seconds() - cpu0;

    let (staff, _, _) = drive(&base, staff, Side::Staff, warmup, plan.clone(), u64::MAX / 3).await?;
    let cpu0 = server.cpu_seconds();
    let (_, staff_samples, staff_wall) = drive(&base, staff, Side::Staff, requests, plan.clone(), 0).await?;
    let staff_cpu = server.cpu_seconds() - cpu0;
    let rss = server.rss_mb();
    drop(server);

    let round = |x: f64| (x * 10.0).round() / 10.0;
    let mut rows = Vec::new();
    let mut summarise = |samples: &[Sample], wall: f64, all: &'static str| {
        let mut by_kind: BTreeMap<&'static str, (Vec<f64>, usize)> = BTreeMap::new();
        for s in samples {
            let e = by_kind.entry(s.kind).or_default();
            if s.ok {
                e.0.push(s.ms);
            } else {
                e.1 += 1;
            }
        }
        // The pages themselves, then all of them together; the job close is reported
        // on its own line and left out of the pages' figures.
        let mut together = (Vec::new(), 0);
        for (kind, (lat, errors)) in &by_kind {
            if !kind.starts_with("job") {
                together.0.extend(lat.iter().copied());
                together.1 += *errors;
            }
        }
        let mut p95 = BTreeMap::new();
        let kinds = by_kind.into_iter().chain([(all, together)]);
        for (kind, (mut lat, errors)) in kinds {
            lat.sort_by(f64::total_cmp);
            let row = json!({
                "kind": kind, "requests": lat.len() + errors, "errors": errors,
                "p50_ms": round(percentile(&lat, 50.0)), "p95_ms": round(percentile(&lat, 95.0)),
                "p99_ms": round(percentile(&lat, 99.0)), "per_s": ((lat.len() + errors) as f64 / wall).round(),
            });
            println!("{row}");
            rows.push(row);
            p95.insert(kind.to_string(), (percentile(&lat, 95.0), errors));
        }
        p95
    };
    let resident = summarise(&resident_samples, resident_wall, "resident pages, all");
    let staff = summarise(&staff_samples, staff_wall, "staff case pages, all");
    let p95_of = |m: &BTreeMap<String, (f64, usize)>, k: &str| m.get(k).map_or(f64::NAN, |v| round(v.0));
    let resident_errors: usize =
        resident.values().map(|v| v.1).sum::<usize>() - resident.get("resident pages, all").map_or(0, |v| v.1);
    let staff_errors: usize =
        staff.values().map(|v| v.1).sum::<usize>() - staff.get("staff case pages, all").map_or(0, |v| v.1);
    let goal_p95_met = resident.iter().all(|(_, (p95, _))| *p95 < GOAL_P95_MS) && resident_errors == 0;
    let per_request = |cpu: f64, n: usize| (cpu * 1000.0 / n.max(1) as f64 * 100.0).round() / 100.0;
    let summary = json!({
        "bench": "track", "engine": "sqlite", "cases": cases, "sample": plan.cases.len(), "residents": residents,
        "pause_ms": pause_ms, "requests": resident_samples.len(), "warmup_requests": warmup,
        "errors": resident_errors, "wall_s": round(resident_wall),
        "requests_per_s": (resident_samples.len() as f64 / resident_wall).round(),
        "resident_pages_p95_ms": p95_of(&resident, "resident pages, all"),
        "track_case_page_p95_ms": p95_of(&resident, "track case page"),
        "track_heavy_case_p95_ms": p95_of(&resident, "track case page, heavy case"),
        "track_start_page_p95_ms": p95_of(&resident, "track start page"),
        "server_cpu_ms_per_request": per_request(resident_cpu, resident_samples.len()),
        "baseline": {
            "what": "staff case page, same cases, same clients and pauses, same run",
            "requests": staff_samples.len(), "errors": staff_errors, "wall_s": round(staff_wall),
            "staff_case_pages_p95_ms": p95_of(&staff, "staff case pages, all"),
            "staff_case_page_p95_ms": p95_of(&staff, "staff case page"),
            "staff_heavy_case_p95_ms": p95_of(&staff, "staff case page, heavy case"),
            "server_cpu_ms_per_request": per_request(staff_cpu, staff_samples.len()),
        },
        "server_rss_mb": rss.round(),
        "page_bytes": weight,
        "goal_p95_met": goal_p95_met,
        "goal_weight_met": weight["under_50_kb"],
    });
    println!("{summary}");
    table(&rows, &summary);
    Ok(())
}

/// A human-readable table of the run, on stderr (stdout keeps the JSON lines).
fn table(rows: &[serde_json::Value], s: &serde_json::Value) {
    eprintln!();
    eprintln!(
        "{:<32} {:>8} {:>6} {:>8} {:>8} {:>8} {:>6}",
        "page", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "per s"
    );
    // serde_json's values ignore widths: each cell as a string first.
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::String(x) => x.clone(),
        x => x.to_string(),
    };
    for r in rows {
        eprintln!(
            "{:<32} {:>8} {:>6} {:>8} {:>8} {:>8} {:>6}",
            cell(&r["kind"]),
            cell(&r["requests"]),
            cell(&r["errors"]),
            cell(&r["p50_ms"]),
            cell(&r["p95_ms"]),
            cell(&r["p99_ms"]),
            cell(&r["per_s"])
        );
    }
    let w = &s["page_bytes"];
    eprintln!();
    eprintln!(
        "track case page: HTML {} / {} / {} bytes (min / median / max of {}), heavy case {} bytes; \
         with CSS and script ({} bytes): median {}, max {}, heavy {}",
        w["track_html_min"],
        w["track_html_median"],
        w["track_html_max"],
        w["sample"],
        w["track_heavy_html"],
        w["track_assets_bytes"],
        w["track_median_with_assets"],
        w["track_max_with_assets"],
        w["track_heavy_with_assets"]
    );
    eprintln!(
        "Welsh: HTML median {}, max {}, heavy case {}; track start page: {} bytes with CSS (larger language); staff case page (baseline): HTML median {}, max {}, heavy {}; \
         with CSS and script ({} bytes): median {}, heavy {}",
        w["track_cy_html_median"],
        w["track_cy_html_max"],
        w["track_cy_heavy_html"],
        w["track_start_with_assets"],
        w["staff_html_median"],
        w["staff_html_max"],
        w["staff_heavy_html"],
        w["staff_assets_bytes"],
        w["staff_median_with_assets"],
        w["staff_heavy_with_assets"]
    );
    eprintln!(
        "worst case (every update an email of {} characters or more): HTML {}, with CSS {} bytes",
        w["long_case_chars_each"], w["track_long_html"], w["track_long_with_assets"]
    );
    eprintln!(
        "goals (p95 < {GOAL_P95_MS} ms, < {} KB before images): p95 {}, weight {}",
        GOAL_PAGE_BYTES / 1024,
        if s["goal_p95_met"] == true { "met" } else { "MISSED" },
        if s["goal_weight_met"] == true { "met" } else { "MISSED" },
    );
}

/// `n` distinct cases that exist, drawn at random (seeded), not the heavy one.
async fn pick(store: &Store, cases: i64, n: usize, heavy: &str) -> anyhow::Result<Vec<String>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(n);
    let mut tries = 0;
    while out.len() < n && tries < n * 10 + 100 {
        tries += 1;
        let reference = CaseReference::new(PREFIX, rng.random_range(1..=cases.max(1))).map_err(anyhow::Error::msg)?;
        let r = reference.to_string();
        if r == heavy || !seen.insert(r.clone()) {
            continue;
        }
        if store.case(&reference).await.is_ok() {
            out.push(r);
        }
    }
    if out.is_empty() {
        bail!("no cases to sample: is the store empty?");
    }
    Ok(out)
}

/// The case with [`LONG_CONTACTS`] emails of [`LONG_CHARS`] characters or more, back and
/// forth, so every update the page shows is as long as it shows one: made once per store.
async fn long_case(store: &Store) -> anyhow::Result<String> {
    let find = CaseFilter {
        q: Some(LONG_MARK.into()),
        limit: Some(1),
        ..Default::default()
    };
    if let Some(c) = store.list_cases(&find, PREFIX).await?.items.first() {
        return Ok(c.reference.to_string());
    }
    let customer = store
        .create_customers(&[CustomerSpec {
            kind: CustomerKind::Person,
            organisation_kind: None,
            name: "Long Case Customer".into(),
            identities: vec![Identity::email("long.case@example.com").map_err(anyhow::Error::msg)?],
            addresses: vec![],
            links: vec![],
        }])
        .await?[0];
    let start = jiff::Timestamp::now().as_millisecond() - LONG_CONTACTS as i64 * 3_600_000;
    let contacts = (0..LONG_CONTACTS)
        .map(|k| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(8_000_000 + k as u64);
            let mut body = String::from(LONG_MARK);
            let mut subject = String::new();
            let mut n = 0;
            while body.chars().count() < LONG_CHARS {
                let (s, b) = body_for(8_000_000 + k * 100 + n, &mut rng);
                if subject.is_empty() {
                    subject = s;
                }
                body.push(' ');
                body.push_str(&b);
                n += 1;
            }
            ContactSpec {
                channel: Channel::Email,
                direction: if k % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                sender: "long.case@example.com".into(),
                subject: Some(subject),
                body,
                received_at: jiff::Timestamp::from_millisecond(start + k as i64 * 3_600_000)
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
                external_id: None,
            }
        })
        .collect();
    let id = store
        .create_cases(&[CaseSpec {
            customer_id: customer,
            service: "customer-services".into(),
            kind: CaseKind::Enquiry,
            status: CaseStatus::Open,
            priority: Priority::Normal,
            owner_email: None,
            site: None,
            contacts,
        }])
        .await?[0];
    Ok(CaseReference::new(PREFIX, id).map_err(anyhow::Error::msg)?.to_string())
}

/// A resident: a client with its own connection, no cookie, no redirects followed.
fn resident() -> anyhow::Result<Session> {
    Ok(Session {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1)
            .build()?,
        cookie: String::new(),
        csrf: String::new(),
        jobs: VecDeque::new(),
    })
}

/// GETs `path` as `s` (with its cookie if it has one): (status, body).
async fn get(base: &str, s: &Session, path: &str) -> anyhow::Result<(u16, String)> {
    if s.cookie.is_empty() {
        let r = s.http.get(format!("{base}{path}")).send().await?;
        let status = r.status().as_u16();
        return Ok((status, r.text().await?));
    }
    workspace::get(base, s, path).await
}

/// The stylesheets and scripts `html` links under /static/, fetched once: names, bytes.
async fn assets(base: &str, s: &Session, html: &str) -> anyhow::Result<(Vec<String>, usize)> {
    let mut bytes = 0;
    let mut names: Vec<String> = Vec::new();
    for attr in ["href=\"/static/", "src=\"/static/"] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len() - "/static/".len()..];
            let Some(path) = rest.split('"').next() else { continue };
            if names.iter().any(|n| n == path) {
                continue;
            }
            let (status, body) = get(base, s, path).await?;
            if status == 200 {
                bytes += body.len();
                names.push(path.to_string());
            }
        }
    }
    Ok((names, bytes))
}

/// Every page of the sample weighed, resident's and staff's, plus the heavy case and the
/// start page: HTML in bytes as sent, and with the CSS and script each links.
async fn weigh(base: &str, staff: &mut Session, plan: &Plan) -> anyhow::Result<serde_json::Value> {
    let someone = resident()?;
    let mut track = Vec::with_capacity(plan.cases.len());
    let mut welsh = Vec::with_capacity(plan.cases.len());
    let mut first = String::new();
    for c in &plan.cases {
        for (sizes, link) in [
            (&mut track, c.link.clone()),
            (&mut welsh, format!("{}&lang=cy", c.link)),
        ] {
            let (status, html) = get(base, &someone, &link).await?;
            if status != 200 {
                bail!("/track/{}: {status}", c.reference);
            }
            sizes.push(html.len());
            if first.is_empty() {
                first = html;
            }
        }
    }
    track.sort_unstable();
    welsh.sort_unstable();
    let (status, heavy_html) = get(base, &someone, &plan.heavy.link).await?;
    if status != 200 {
        bail!("/track/{} (heavy case): {status}", plan.heavy.reference);
    }
    let shown = heavy_html.matches(HEAVY_MARK).count();
    let (status, heavy_cy) = get(base, &someone, &format!("{}&lang=cy", plan.heavy.link)).await?;
    if status != 200 {
        bail!("/track/{} (heavy case, Welsh): {status}", plan.heavy.reference);
    }
    let (status, long_html) = get(base, &someone, &plan.long.link).await?;
    if status != 200 {
        bail!("/track/{} (long case): {status}", plan.long.reference);
    }
    let (status, start_html) = get(base, &someone, "/track").await?;
    if status != 200 {
        bail!("/track: {status}");
    }
    let (status, start_cy) = get(base, &someone, "/track?lang=cy").await?;
    if status != 200 {
        bail!("/track?lang=cy: {status}");
    }
    let (track_assets, track_assets_bytes) = assets(base, &someone, &first).await?;
    let (_, start_assets_bytes) = assets(base, &someone, &start_html).await?;

    let mut desk = Vec::with_capacity(plan.cases.len());
    let mut first = String::new();
    for c in &plan.cases {
        let (status, html) = get(base, staff, &format!("/cases/{}", c.reference)).await?;
        if status != 200 {
            bail!("/cases/{}: {status}", c.reference);
        }
        desk.push(html.len());
        if first.is_empty() {
            first = html;
        }
    }
    desk.sort_unstable();
    let (status, staff_heavy) = get(base, staff, &format!("/cases/{}", plan.heavy.reference)).await?;
    if status != 200 {
        bail!("/cases/{} (heavy case): {status}", plan.heavy.reference);
    }
    let (staff_assets, staff_assets_bytes) = assets(base, staff, &first).await?;

    let median = |xs: &[usize]| xs[xs.len() / 2];
    let max = |xs: &[usize]| xs[xs.len() - 1];
    // The heavier of the two languages counts against the goal.
    let track_max = max(&track).max(max(&welsh)) + track_assets_bytes;
    let track_heavy = heavy_html.len().max(heavy_cy.len()) + track_assets_bytes;
    let start = start_html.len().max(start_cy.len()) + start_assets_bytes;
    Ok(json!({
        "sample": track.len(),
        "track_html_min": track[0], "track_html_median": median(&track), "track_html_max": max(&track),
        "heavy_case_contacts": HEAVY_CONTACTS, "track_heavy_html": heavy_html.len(),
        "track_heavy_updates_with_text": shown,
        "track_start_html": start_html.len(),
        "track_cy_html_median": median(&welsh), "track_cy_html_max": max(&welsh),
        "track_cy_heavy_html": heavy_cy.len(), "track_cy_start_html": start_cy.len(),
        "track_assets": track_assets, "track_assets_bytes": track_assets_bytes,
        "track_median_with_assets": median(&track) + track_assets_bytes,
        "track_max_with_assets": track_max, "track_heavy_with_assets": track_heavy,
        "track_start_with_assets": start, "with_assets_counts": "the larger of English and Welsh",
        "long_case_contacts": LONG_CONTACTS, "long_case_chars_each": LONG_CHARS,
        "track_long_html": long_html.len(), "track_long_with_assets": long_html.len() + track_assets_bytes,
        "long_under_50_kb": long_html.len() + track_assets_bytes < GOAL_PAGE_BYTES,
        "under_50_kb": track_max < GOAL_PAGE_BYTES && track_heavy < GOAL_PAGE_BYTES && start < GOAL_PAGE_BYTES,
        "staff_html_median": median(&desk), "staff_html_max": max(&desk), "staff_heavy_html": staff_heavy.len(),
        "staff_assets": staff_assets, "staff_assets_bytes": staff_assets_bytes,
        "staff_median_with_assets": median(&desk) + staff_assets_bytes,
        "staff_heavy_with_assets": staff_heavy.len() + staff_assets_bytes,
    }))
}

/// Runs `total` requests from the clients at once (each one request at a time, on its own
/// connection). `seed` sets the draw of each request, by its number.
async fn drive(
    base: &str,
    clients: Vec<Session>,
    side: Side,
    total: usize,
    plan: Arc<Plan>,
    seed: u64,
) -> anyhow::Result<(Vec<Session>, Vec<Sample>, f64)> {
    let next = Arc::new(AtomicUsize::new(0));
    let errors_shown = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for mut s in clients {
        let (next, errors_shown, base, plan) = (next.clone(), errors_shown.clone(), base.to_string(), plan.clone());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return (s, samples);
                }
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed.wrapping_add(i as u64));
                if plan.pause_ms > 0 {
                    // A person reading the page: uniform, so the mean is `pause_ms`.
                    let pause = rng.random_range(0..=2 * plan.pause_ms);
                    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                }
                for (kind, method, path, expect) in choose(&mut rng, &mut s, side, &plan) {
                    let request = match method {
                        "POST" => s
                            .http
                            .post(format!("{base}{path}"))
                            .form(&[("csrf_token", s.csrf.as_str())]),
                        _ => s.http.get(format!("{base}{path}")),
                    };
                    let request = if s.cookie.is_empty() {
                        request
                    } else {
                        request.header(reqwest::header::COOKIE, &s.cookie)
                    };
                    let t = Instant::now();
                    let outcome = match request.send().await {
                        Ok(r) => {
                            let status = r.status().as_u16();
                            let body = r.text().await.unwrap_or_default();
                            (
                                status == expect,
                                format!("{status} {}", body.chars().take(200).collect::<String>()),
                            )
                        }
                        Err(e) => (false, e.to_string()),
                    };
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    if !outcome.0 && errors_shown.fetch_add(1, Ordering::Relaxed) < 10 {
                        eprintln!("error: {method} {path}: {}", outcome.1);
                    }
                    if outcome.0 && side == Side::Staff && kind.starts_with("staff case page") {
                        s.jobs.push_back(path.trim_start_matches("/cases/").to_string());
                    }
                    samples.push(Sample {
                        kind,
                        ms,
                        ok: outcome.0,
                    });
                }
            }
        }));
    }
    let mut clients = Vec::new();
    let mut samples = Vec::new();
    for t in tasks {
        let (s, x) = t.await?;
        clients.push(s);
        samples.extend(x);
    }
    Ok((clients, samples, started.elapsed().as_secs_f64()))
}

/// The next thing a client does: (kind, method, path, expected status). A resident opens
/// a case's page by its link, the heavy case's, or the start page; an agent opens the
/// same cases' staff page, closing its oldest job first at the job limit.
fn choose(
    rng: &mut impl Rng,
    s: &mut Session,
    side: Side,
    plan: &Plan,
) -> Vec<(&'static str, &'static str, String, u16)> {
    let roll = rng.random_range(0..100);
    let case = if roll < HEAVY_PERCENT {
        &plan.heavy
    } else {
        &plan.cases[rng.random_range(0..plan.cases.len())]
    };
    if side == Side::Resident {
        let welsh = rng.random_range(0..100) < WELSH_PERCENT;
        let link = if welsh {
            format!("{}&lang=cy", case.link)
        } else {
            case.link.clone()
        };
        return vec![if roll < HEAVY_PERCENT {
            ("track case page, heavy case", "GET", link, 200)
        } else if roll < HEAVY_PERCENT + START_PERCENT {
            let start = if welsh { "/track?lang=cy" } else { "/track" };
            ("track start page", "GET", start.into(), 200)
        } else {
            ("track case page", "GET", link, 200)
        }];
    }
    let mut out = Vec::new();
    if s.jobs.contains(&case.reference) {
        s.jobs.retain(|j| *j != case.reference);
    } else if s.jobs.len() >= plan.job_limit
        && let Some(oldest) = s.jobs.pop_front()
    {
        out.push(("job close (staff)", "POST", format!("/cases/{oldest}/job/close"), 303));
    }
    let kind = if roll < HEAVY_PERCENT {
        "staff case page, heavy case"
    } else {
        "staff case page"
    };
    out.push((kind, "GET", format!("/cases/{}", case.reference), 200));
    out
}
