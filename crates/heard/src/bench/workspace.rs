//! `heard bench workspace`: the staff pages of issue 4 under 50 signed-in sessions at
//! once, over the 1,000,000-contact store `heard bench search` loads (the same folder by
//! default, so one load serves both; loaded here when it is not there yet).
//!
//! Each session is one agent with its own keep-alive connection, signed in through
//! `POST /api/v1/session` as a browser would be. The sessions share a fixed number of
//! requests, each drawn from a fixed mix: queue pages (the six views, some narrowed to a
//! service, some with a text search), case pages of random cases, the queue counts and
//! the case page's live poll. Opening a case opens it as one of the agent's jobs; an
//! agent at the job limit closes its oldest job first (a form post, reported on its own
//! line), as an agent working through cases would, so every case page opened writes.
//! With `--pause-ms` each session pauses between requests (uniformly up to twice the
//! mean), as an agent reads a page; without it every session sends its next request as
//! soon as the last is answered, which measures the throughput ceiling: latency is then
//! the sessions' own queue (50 sessions / requests per second). Latency is timed to the
//! last byte of the answer; anything but the expected status is an error. The case
//! page's weight is measured on a sample of cases and on one case with the most contacts
//! the page shows.

use super::{COMMON, MEDIUM, Server, body_for, load, percentile, prepare, services};
use anyhow::{Context, bail};
use heard_core::{CaseKind, CaseReference, CaseStatus, Channel, CustomerKind, Direction, Identity, Priority, Role};
use heard_store::Store;
use heard_store::queries::{CaseFilter, OwnerFilter};
use heard_store::seed::{CaseSpec, ContactSpec, CustomerSpec};
use heard_store::users::NewUser;
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const PREFIX: &str = "HRD";
const PASSWORD: &str = "bench workspace password";
/// The queue views, as the cases page names them.
const VIEWS: [&str; 6] = ["mine", "slipping", "unassigned", "awaiting", "open", "all"];
/// Open cases each bench agent owns (a quarter of them awaiting the customer).
const OWNED_PER_AGENT: usize = 40;
/// Contacts on the heavy case: the most the case page shows.
pub(super) const HEAVY_CONTACTS: usize = 100;
/// A word only the heavy case's contacts hold, to find it again in a reused store.
pub(super) const HEAVY_MARK: &str = "pageweightheavy";
/// Cases whose page is weighed.
const WEIGH_SAMPLE: usize = 200;
/// The goals (issue 4).
const GOAL_P95_MS: f64 = 50.0;
const GOAL_PAGE_BYTES: usize = 100 * 1024;

/// One signed-in agent: a client with its own connection, and the jobs it has open.
pub(super) struct Session {
    pub(super) http: reqwest::Client,
    pub(super) cookie: String,
    pub(super) csrf: String,
    pub(super) jobs: VecDeque<String>,
}

/// What the requests are drawn from.
#[derive(Clone, Copy)]
struct Mix {
    cases: i64,
    contacts: usize,
    job_limit: usize,
    /// Mean pause of a session between its requests (ms): 0 keeps every session busy.
    pause_ms: u64,
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
    sessions: usize,
    requests: usize,
    warmup: usize,
    pause_ms: u64,
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
    let agents = agents(&store, sessions + 1).await?;
    give_cases(&store, &agents[..sessions]).await?;
    let heavy = heavy_case(&store).await?;
    let cases = store.count_cases(&CaseFilter::default(), u32::MAX).await? as i64;
    store.close().await;

    let server = Server::start(store_dir, &url).await?;
    let base = server.base.clone();
    let mut signed_in = Vec::with_capacity(agents.len());
    for (_, email) in &agents {
        signed_in.push(sign_in(&base, email).await?);
    }
    let mut weigher = signed_in.pop().context("no weighing session")?;
    let weight = weigh(&base, &mut weigher, cases, &heavy).await?;

    let mix = Mix {
        cases,
        contacts,
        job_limit: heard_core::job::DEFAULT_JOB_LIMIT,
        pause_ms,
    };
    let (signed_in, _, _) = drive(&base, signed_in, warmup, mix, u64::MAX / 2).await?;
    let cpu0 = server.cpu_seconds();
    let (_, samples, wall) = drive(&base, signed_in, requests, mix, 0).await?;
    let cpu = server.cpu_seconds() - cpu0;
    let rss = server.rss_mb();
    drop(server);

    // Per kind, in a fixed order; then queue pages and case pages as the goal reads them.
    let mut by_kind: BTreeMap<&str, (Vec<f64>, usize)> = BTreeMap::new();
    for s in &samples {
        let e = by_kind.entry(s.kind).or_default();
        if s.ok {
            e.0.push(s.ms);
        } else {
            e.1 += 1;
        }
    }
    let line = |kind: &str, lat: &mut Vec<f64>, errors: usize| {
        lat.sort_by(f64::total_cmp);
        let round = |x: f64| (x * 10.0).round() / 10.0;
        println!(
            "{}",
            json!({
                "kind": kind, "requests": lat.len() + errors, "errors": errors,
                "p50_ms": round(percentile(lat, 50.0)), "p95_ms": round(percentile(lat, 95.0)),
                "p99_ms": round(percentile(lat, 99.0)), "per_s": ((lat.len() + errors) as f64 / wall).round(),
            })
        );
        percentile(lat, 95.0)
    };
    let mut queue_all = (Vec::new(), 0);
    for (kind, (lat, errors)) in &mut by_kind {
        if kind.starts_with("queue") {
            queue_all.0.extend(lat.iter().copied());
            queue_all.1 += *errors;
        }
        line(kind, lat, *errors);
    }
    let queue_p95 = line("queue pages, all", &mut queue_all.0, queue_all.1);
    let case_p95 = by_kind
        .get("case page")
        .map_or(f64::NAN, |(lat, _)| percentile(lat, 95.0));
    let errors: usize = by_kind.values().map(|(_, e)| e).sum();
    let total = samples.len();
    println!(
        "{}",
        json!({
            "bench": "workspace", "engine": "sqlite", "cases": cases, "sessions": sessions, "pause_ms": pause_ms,
            "requests": total,
            "warmup_requests": warmup, "errors": errors, "wall_s": (wall * 10.0).round() / 10.0,
            "requests_per_s": (total as f64 / wall).round(),
            "queue_pages_p95_ms": (queue_p95 * 10.0).round() / 10.0, "case_page_p95_ms": (case_p95 * 10.0).round() / 10.0,
            "server_cpu_s": (cpu * 10.0).round() / 10.0,
            "server_cpu_ms_per_request": (cpu * 1000.0 / total.max(1) as f64 * 100.0).round() / 100.0,
            "server_rss_mb": rss.round(),
            "case_page_bytes": weight,
            "goal_p95_met": queue_p95 < GOAL_P95_MS && case_p95 < GOAL_P95_MS && errors == 0,
        })
    );
    Ok(())
}

/// The bench agents (`agent0@bench.heard`, …), all with the same password; the last one
/// weighs pages. Their jobs from an earlier run are closed, so every run starts alike.
pub(super) async fn agents(store: &Store, n: usize) -> anyhow::Result<Vec<(i64, String)>> {
    let hash = heard_web::hash_password(PASSWORD).map_err(anyhow::Error::msg)?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let email = format!("agent{i}@bench.heard");
        let id = store
            .upsert_user(&NewUser {
                email: email.clone(),
                name: format!("Bench Agent {i}"),
                role: Role::Agent,
                team: None,
                services: vec![],
                password_hash: Some(hash.clone()),
            })
            .await?;
        for job in store.jobs(id, PREFIX).await? {
            store.close_job(id, &job.reference).await?;
        }
        out.push((id, email));
    }
    Ok(out)
}

/// Gives each agent [`OWNED_PER_AGENT`] open cases (once per store), a quarter of them
/// awaiting the customer, so "mine" and "awaiting" have something in them.
async fn give_cases(store: &Store, agents: &[(i64, String)]) -> anyhow::Result<()> {
    let Some((first, _)) = agents.first() else {
        return Ok(());
    };
    let mine = CaseFilter {
        owner: Some(OwnerFilter::User(*first)),
        ..Default::default()
    };
    if store.count_cases(&mine, 1).await? > 0 {
        return Ok(());
    }
    let mut filter = CaseFilter {
        open: Some(true),
        owner: Some(OwnerFilter::Unassigned),
        limit: Some(100),
        ..Default::default()
    };
    let mut free = Vec::new();
    while free.len() < agents.len() * OWNED_PER_AGENT {
        let page = store.list_cases(&filter, PREFIX).await?;
        free.extend(page.items.into_iter().map(|c| c.reference));
        match page.next_cursor {
            Some(c) => filter.cursor = Some(heard_store::queries::Cursor::parse(&c)?),
            None => break,
        }
    }
    eprintln!("giving {} open cases to {} agents", free.len(), agents.len());
    for (i, reference) in free.iter().enumerate() {
        let (owner, _) = &agents[i % agents.len()];
        store.assign_case(reference, Some(*owner), Some(*owner)).await?;
        if i % 4 == 3 {
            store
                .set_case_status(reference, CaseStatus::AwaitingCustomer, Some(*owner))
                .await?;
        }
    }
    Ok(())
}

/// The case with [`HEAVY_CONTACTS`] contacts, made once per store.
pub(super) async fn heavy_case(store: &Store) -> anyhow::Result<String> {
    let find = CaseFilter {
        q: Some(HEAVY_MARK.into()),
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
            name: "Heavy Case Customer".into(),
            identities: vec![Identity::email("heavy.case@example.com").map_err(anyhow::Error::msg)?],
            addresses: vec![],
            links: vec![],
        }])
        .await?[0];
    let start = jiff::Timestamp::now().as_millisecond() - HEAVY_CONTACTS as i64 * 3_600_000;
    let contacts = (0..HEAVY_CONTACTS)
        .map(|k| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(9_000_000 + k as u64);
            let (subject, body) = body_for(9_000_000 + k, &mut rng);
            ContactSpec {
                channel: if k % 2 == 0 { Channel::Email } else { Channel::Phone },
                direction: if k % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                sender: "heavy.case@example.com".into(),
                subject: Some(subject),
                body: format!("{body} {HEAVY_MARK}"),
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

/// Signs `email` in as a browser does; the session's cookie and form token.
pub(super) async fn sign_in(base: &str, email: &str) -> anyhow::Result<Session> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .build()?;
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await?;
    if r.status() != 200 {
        bail!(
            "signing in {email}: {} {}",
            r.status(),
            r.text().await.unwrap_or_default()
        );
    }
    let cookie = r
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("no session cookie")?
        .to_string();
    let body: serde_json::Value = r.json().await?;
    let csrf = body["csrf_token"].as_str().context("no csrf_token")?.to_string();
    Ok(Session {
        http,
        cookie,
        csrf,
        jobs: VecDeque::new(),
    })
}

/// GETs `path` for `s`: (status, body).
pub(super) async fn get(base: &str, s: &Session, path: &str) -> anyhow::Result<(u16, String)> {
    let r = s
        .http
        .get(format!("{base}{path}"))
        .header(reqwest::header::COOKIE, &s.cookie)
        .send()
        .await?;
    let status = r.status().as_u16();
    Ok((status, r.text().await?))
}

/// The case page's weight: the HTML of a sample of random cases (min, median, max),
/// of the heavy case, and the stylesheets and script it links (fetched once, cached
/// after), in bytes as sent (the server does not compress).
async fn weigh(base: &str, s: &mut Session, cases: i64, heavy: &str) -> anyhow::Result<serde_json::Value> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let mut sizes = Vec::with_capacity(WEIGH_SAMPLE);
    let mut first = String::new();
    for _ in 0..WEIGH_SAMPLE {
        let reference = CaseReference::new(PREFIX, rng.random_range(1..=cases)).map_err(anyhow::Error::msg)?;
        let (status, html) = get(base, s, &format!("/cases/{reference}")).await?;
        if status != 200 {
            bail!("/cases/{reference}: {status}");
        }
        sizes.push(html.len());
        if first.is_empty() {
            first = html;
        }
    }
    sizes.sort_unstable();
    let (status, heavy_html) = get(base, s, &format!("/cases/{heavy}")).await?;
    if status != 200 {
        bail!("/cases/{heavy}: {status}");
    }
    let shown = heavy_html.matches(HEAVY_MARK).count();
    let mut assets = 0;
    let mut names = Vec::new();
    for attr in ["href=\"/static/", "src=\"/static/"] {
        for (at, _) in first.match_indices(attr) {
            let rest = &first[at + attr.len() - "/static/".len()..];
            let Some(path) = rest.split('"').next() else { continue };
            if names.iter().any(|n| n == path) {
                continue;
            }
            let (status, body) = get(base, s, path).await?;
            if status == 200 {
                assets += body.len();
                names.push(path.to_string());
            }
        }
    }
    let median = sizes[sizes.len() / 2];
    let max = sizes[sizes.len() - 1];
    Ok(json!({
        "sample": sizes.len(), "html_min": sizes[0], "html_median": median, "html_max": max,
        "heavy_case_contacts": HEAVY_CONTACTS, "heavy_case_contacts_shown": shown, "heavy_case_html": heavy_html.len(),
        "assets": names, "assets_bytes": assets,
        "median_with_assets": median + assets, "heavy_with_assets": heavy_html.len() + assets,
        "under_100_kb": max + assets < GOAL_PAGE_BYTES, "heavy_under_100_kb": heavy_html.len() + assets < GOAL_PAGE_BYTES,
    }))
}

/// Runs `total` requests from the sessions at once (each session one request at a time,
/// on its own connection). `seed` sets the draw of each request, by its number.
async fn drive(
    base: &str,
    sessions: Vec<Session>,
    total: usize,
    mix: Mix,
    seed: u64,
) -> anyhow::Result<(Vec<Session>, Vec<Sample>, f64)> {
    let next = Arc::new(AtomicUsize::new(0));
    let errors_shown = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for mut s in sessions {
        let (next, errors_shown, base) = (next.clone(), errors_shown.clone(), base.to_string());
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return (s, samples);
                }
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed.wrapping_add(i as u64));
                if mix.pause_ms > 0 {
                    // An agent reading the page: uniform, so the mean is `pause_ms`.
                    let pause = rng.random_range(0..=2 * mix.pause_ms);
                    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                }
                for (kind, method, path, expect) in choose(&mut rng, &mut s, mix) {
                    let request = match method {
                        "POST" => s
                            .http
                            .post(format!("{base}{path}"))
                            .form(&[("csrf_token", s.csrf.as_str())]),
                        _ => s.http.get(format!("{base}{path}")),
                    };
                    let t = Instant::now();
                    let outcome = match request.header(reqwest::header::COOKIE, &s.cookie).send().await {
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
                    if outcome.0 && kind == "case page" {
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
    let mut sessions = Vec::new();
    let mut samples = Vec::new();
    for t in tasks {
        let (s, x) = t.await?;
        sessions.push(s);
        samples.extend(x);
    }
    Ok((sessions, samples, started.elapsed().as_secs_f64()))
}

/// The next thing an agent does: (kind, method, path, expected status), usually one
/// request; opening a case at the job limit closes the oldest job first.
fn choose(rng: &mut impl Rng, s: &mut Session, mix: Mix) -> Vec<(&'static str, &'static str, String, u16)> {
    let roll = rng.random_range(0..100);
    if roll < 40 {
        // A queue: one of the views; a quarter narrowed to a service, a sixth searched.
        let view = VIEWS[rng.random_range(0..VIEWS.len())];
        let extra = rng.random_range(0..12);
        let (kind, path) = if extra < 3 {
            let all = services();
            let service = &all[rng.random_range(0..all.len())].slug;
            ("queue + service", format!("/cases?view={view}&service={service}"))
        } else if extra < 5 {
            (
                "queue + search",
                format!("/cases?view={view}&q={}", search_word(rng, mix.contacts)),
            )
        } else {
            (queue_kind(view), format!("/cases?view={view}"))
        };
        return vec![(kind, "GET", path, 200)];
    }
    if roll < 70 {
        let mut out = Vec::new();
        let reference = random_case(rng, mix.cases);
        if s.jobs.contains(&reference) {
            s.jobs.retain(|j| *j != reference);
        } else if s.jobs.len() >= mix.job_limit
            && let Some(oldest) = s.jobs.pop_front()
        {
            out.push(("job close", "POST", format!("/cases/{oldest}/job/close"), 303));
        }
        out.push(("case page", "GET", format!("/cases/{reference}"), 200));
        return out;
    }
    if roll < 85 {
        return vec![("queue counts (JSON)", "GET", "/queues/counts".into(), 200)];
    }
    // The live poll of the case the agent has in front of it (its newest job).
    let reference = s.jobs.back().cloned().unwrap_or_else(|| random_case(rng, mix.cases));
    vec![("case live poll (JSON)", "GET", format!("/cases/{reference}/live"), 200)]
}

fn random_case(rng: &mut impl Rng, cases: i64) -> String {
    format!("{PREFIX}-{:06}", rng.random_range(1..=cases))
}

fn queue_kind(view: &str) -> &'static str {
    match view {
        "mine" => "queue mine",
        "slipping" => "queue slipping",
        "unassigned" => "queue unassigned",
        "awaiting" => "queue awaiting",
        "open" => "queue open",
        _ => "queue all",
    }
}

/// What an agent types into a queue's search: mostly something rare (a reference in a
/// message, an unusual word), sometimes a common word.
fn search_word(rng: &mut impl Rng, contacts: usize) -> String {
    match rng.random_range(0..10) {
        0..4 => format!("uniq{}", rng.random_range(0..contacts.max(1))),
        4..6 => "zephyrcase".into(),
        6..8 => MEDIUM[rng.random_range(0..MEDIUM.len())].into(),
        _ => COMMON[rng.random_range(0..COMMON.len())].into(),
    }
}
