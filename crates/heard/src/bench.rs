//! `heard bench …`: the measurements recorded in docs/BENCHMARKS.md.
//!
//! Each bench runs the real server as a child process (`heard serve`) and drives it over
//! loopback HTTP from this process, so the server's own CPU time and memory are read
//! from `/proc` apart from the load generator's.

use anyhow::{Context, bail};
use heard_core::{CaseKind, CaseStatus, Channel, CustomerKind, Direction, Identity, Priority};
use heard_store::seed::{CaseSpec, ContactSpec, CustomerSpec, ServiceSpec, TeamSpec};
use heard_store::users::NewUser;
use heard_store::{Store, StoreOptions};
use indicatif::{ProgressBar, ProgressStyle};
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod audit;
mod import_mail;
mod open311;
mod reports;
mod track;
mod workspace;

#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Contact intake through POST /api/v1/contacts with concurrent keep-alive clients.
    Intake {
        /// Database for the server: default a fresh SQLite file; or an empty PostgreSQL database.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 20_000)]
        contacts: usize,
    },
    /// The ceiling: plain batched inserts of contacts into the same SQLite schema.
    RawInsert {
        #[arg(long, default_value_t = 200_000)]
        contacts: usize,
        #[arg(long, default_value_t = 1_000)]
        batch: usize,
    },
    /// `heard import mail` of a generated mbox, against the raw insert ceiling.
    ImportMail {
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        #[arg(long, default_value_t = 5_000)]
        senders: usize,
        /// Keep the mbox and the imported store in this folder (default: a temporary one).
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Open311 `POST requests` with concurrent keep-alive clients, then the raw insert ceiling.
    Open311 {
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
    },
    /// Audit log appends per second (batches of 1 and 100, and 1 from many tasks), then verify.
    Audit {
        /// Database: default a fresh SQLite file; or a PostgreSQL database.
        #[arg(long)]
        database_url: Option<String>,
        /// Entries appended one per call (and in all by the concurrent tasks).
        #[arg(long, default_value_t = 2_000)]
        singles: usize,
        /// Calls of 100 entries each.
        #[arg(long, default_value_t = 200)]
        batches: usize,
        /// Tasks appending at once.
        #[arg(long, default_value_t = 32)]
        tasks: usize,
    },
    /// Case list and search latency over a large store; loads it first when empty.
    Search {
        /// Where the store lives (reused between runs: loading 1M contacts takes minutes).
        #[arg(long, default_value = "./heard-bench-search")]
        store_dir: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        contacts: usize,
        #[arg(long, default_value_t = 50)]
        repeat: usize,
    },
    /// The staff pages (queues, case page, counts, live poll) under concurrent signed-in
    /// sessions, over the `bench search` store; loads it first when empty.
    Workspace {
        /// The same folder as `bench search` by default, so one load serves both.
        #[arg(long, default_value = "./heard-bench-search")]
        store_dir: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        contacts: usize,
        /// Signed-in sessions at once, one agent each.
        #[arg(long, default_value_t = 50)]
        sessions: usize,
        /// Requests timed, shared by the sessions.
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        /// Requests first, untimed.
        #[arg(long, default_value_t = 1_000)]
        warmup: usize,
        /// Mean pause (ms) of each session between requests, as an agent reads the page;
        /// 0 keeps all sessions busy (the throughput ceiling).
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
    },
    /// The performance reports (`/reports`) over the `bench search` store, against the MOT
    /// pack of the same year; loads the store first when empty.
    Reports {
        /// The same folder as `bench search` by default.
        #[arg(long, default_value = "./heard-bench-search")]
        store_dir: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        contacts: usize,
        /// Times each report is asked for (after one untimed).
        #[arg(long, default_value_t = 20)]
        repeat: usize,
    },
    /// The resident's pages (the case by its signed link, the start page) under concurrent
    /// residents, with the staff case page of the same cases as the same-run baseline,
    /// over the `bench search` store; loads it first when empty.
    Track {
        /// The same folder as `bench search` and `bench workspace` by default.
        #[arg(long, default_value = "./heard-bench-search")]
        store_dir: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        contacts: usize,
        /// Residents at once, each on its own connection (and as many agents for the baseline).
        #[arg(long, default_value_t = 50)]
        residents: usize,
        /// Requests timed, shared by the residents (and again by the agents).
        #[arg(long, default_value_t = 10_000)]
        requests: usize,
        /// Requests first, untimed (each side).
        #[arg(long, default_value_t = 500)]
        warmup: usize,
        /// Mean pause (ms) of each client between requests, as a person reads the page;
        /// 0 keeps all clients busy (the throughput ceiling).
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
        /// Cases whose pages are requested and weighed (plus the heavy case).
        #[arg(long, default_value_t = 500)]
        sample: usize,
    },
}

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Intake {
            database_url,
            clients,
            contacts,
        } => intake(database_url, clients, contacts).await,
        BenchCommand::RawInsert { contacts, batch } => raw_insert(contacts, batch).await,
        BenchCommand::ImportMail {
            messages,
            senders,
            keep,
        } => import_mail::run(messages, senders, keep.as_deref()).await,
        BenchCommand::Open311 { clients, requests } => open311::run(clients, requests).await,
        BenchCommand::Audit {
            database_url,
            singles,
            batches,
            tasks,
        } => audit::run(database_url, singles, batches, tasks).await,
        BenchCommand::Search {
            store_dir,
            contacts,
            repeat,
        } => search(&store_dir, contacts, repeat).await,
        BenchCommand::Workspace {
            store_dir,
            contacts,
            sessions,
            requests,
            warmup,
            pause_ms,
        } => workspace::run(&store_dir, contacts, sessions, requests, warmup, pause_ms).await,
        BenchCommand::Reports {
            store_dir,
            contacts,
            repeat,
        } => reports::run(&store_dir, contacts, repeat).await,
        BenchCommand::Track {
            store_dir,
            contacts,
            residents,
            requests,
            warmup,
            pause_ms,
            sample,
        } => track::run(&store_dir, contacts, residents, requests, warmup, pause_ms, sample).await,
    }
}

/// Vocabulary shared with `../shared/peers/loadgen.py`, so results compare.
const COMMON: &[&str] = &[
    "invoice", "refund", "password", "login", "delivery", "account", "order", "payment",
];
const MEDIUM: &[&str] = &[
    "warranty",
    "cancellation",
    "upgrade",
    "subscription",
    "shipping",
    "discount",
    "printer",
    "router",
    "firmware",
    "voucher",
    "billing",
    "contract",
];
const FILLER: &str = "the a to and of in is it you that was for on are with as be at this have from or one had by but not what all \
    were we when your can said there use each which she do how their if will up other about out many then them these so some her would \
    make like him into time has look two more write go see number no way could people my than first water been call who oil its now find \
    long down day did get come made may part please help issue problem customer support request question thanks regards hello urgent \
    broken error message screen device product service team reply status update council tax bin pothole library wifi housing repair";

/// A deterministic message body: ~100 words, one COMMON word (1 in 8 messages each),
/// one MEDIUM word, `zephyrcase` in 1 of 1000, and `uniq<i>` exactly once.
fn body_for(i: usize, rng: &mut impl Rng) -> (String, String) {
    let filler: Vec<&str> = FILLER.split_whitespace().collect();
    let n = rng.random_range(40..160);
    let mut words: Vec<String> = (0..n)
        .map(|_| filler[rng.random_range(0..filler.len())].to_string())
        .collect();
    let common = COMMON[i % COMMON.len()];
    let medium = MEDIUM[rng.random_range(0..MEDIUM.len())];
    words.insert(rng.random_range(0..words.len()), common.into());
    words.insert(rng.random_range(0..words.len()), medium.into());
    if i % 1000 == 7 {
        words.insert(rng.random_range(0..words.len()), "zephyrcase".into());
    }
    words.push(format!("ref uniq{i}"));
    (format!("{common} {medium} #{i}"), words.join(" "))
}

fn services() -> Vec<ServiceSpec> {
    [
        ("customer-services", "Customer Services", vec![]),
        (
            "revenues-and-benefits",
            "Revenues and Benefits",
            vec!["council tax", "invoice", "refund", "payment", "billing"],
        ),
        ("highways", "Highways", vec!["pothole", "pavement"]),
        ("waste", "Waste", vec!["bin", "delivery"]),
        (
            "ict-service-desk",
            "ICT Service Desk",
            vec!["password", "login", "printer", "router", "firmware"],
        ),
        ("libraries", "Libraries", vec!["library", "wifi"]),
    ]
    .into_iter()
    .map(|(slug, name, kw)| ServiceSpec {
        slug: slug.into(),
        name: name.into(),
        keywords: kw.into_iter().map(String::from).collect(),
        team: None,
    })
    .collect()
}

/// Opens a store, migrates it and gives it the bench services and a user with a token.
async fn prepare(url: &str) -> anyhow::Result<(Store, String)> {
    let store = Store::open(url, &StoreOptions::default()).await?;
    store.migrate().await?;
    store
        .upsert_catalogue(
            &[TeamSpec {
                slug: "cc".into(),
                name: "Contact Centre".into(),
            }],
            &services(),
            &[],
        )
        .await?;
    let uid = store
        .upsert_user(&NewUser {
            email: "bench@bench.heard".into(),
            name: "Bench".into(),
            role: heard_core::Role::Agent,
            team: None,
            services: vec![],
            password_hash: None,
        })
        .await?;
    let token = store.create_token(uid, "bench").await?;
    Ok((store, token))
}

/// `heard serve` as a child process on a free port; killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    async fn start(data_dir: &Path, database_url: &str) -> anyhow::Result<Server> {
        Server::start_with(data_dir, database_url, "").await
    }

    /// [`Server::start`] with more of `heard.toml` (`extra`, after the database URL).
    async fn start_with(data_dir: &Path, database_url: &str, extra: &str) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let config = data_dir.join("bench.toml");
        std::fs::write(&config, format!("database_url = {database_url:?}\n{extra}"))?;
        let child = Command::new(std::env::current_exe()?)
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--config")
            .arg(&config)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .context("starting heard serve")?;
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while reqwest::get(format!("{}/healthz", server.base))
            .await
            .map(|r| r.status() != 200)
            .unwrap_or(true)
        {
            if started.elapsed() > Duration::from_secs(60) {
                bail!("heard serve did not become healthy");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(server)
    }

    /// CPU seconds (user + system) the server has used.
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which may hold spaces) are space-separated.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = f.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
            + f.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
        ticks / 100.0 // USER_HZ is 100 on Linux
    }

    /// Resident memory in MB.
    fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let k = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[k.clamp(1, sorted.len()) - 1]
}

/// Sends `total` requests from `clients` concurrent keep-alive clients: `build` makes the
/// i-th, `good` says whether its status is the hoped-for answer. Returns the sorted
/// latencies (ms) of the good ones, the count of the rest, and the wall time (s).
async fn drive<B>(
    clients: usize,
    total: usize,
    build: B,
    good: fn(reqwest::StatusCode) -> bool,
) -> anyhow::Result<(Vec<f64>, usize, f64)>
where
    B: Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Clone + Send + 'static,
{
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, next, build) = (http.clone(), next.clone(), build.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return (lat, errors);
                }
                let request = build(&http, i);
                let t = Instant::now();
                match request.send().await {
                    Ok(r) if good(r.status()) => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                    _ => errors += 1,
                }
            }
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        lat.extend(l);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    Ok((lat, errors, wall))
}

async fn intake(database_url: Option<String>, clients: usize, contacts: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("heard.db").display()));
    let (store, token) = prepare(&url).await?;
    store.close().await;
    let server = Server::start(dir.path(), &url).await?;
    let cpu0 = server.cpu_seconds();
    let (token, base) = (token.clone(), server.base.clone());
    let build = move |http: &reqwest::Client, i: usize| {
        let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
        let (subject, body) = body_for(i, &mut rng);
        let payload = serde_json::json!({"channel": "api", "from": format!("customer{}@example.com", i % 5000), "subject": subject, "body": body});
        http.post(format!("{base}/api/v1/contacts"))
            .bearer_auth(&token)
            .json(&payload)
    };
    let (lat, errors, wall) = drive(clients, contacts, build, |s| s.is_success()).await?;
    let cpu = server.cpu_seconds() - cpu0;
    let ok = lat.len();
    let engine = if url.starts_with("postgres") {
        "postgresql"
    } else {
        "sqlite"
    };
    println!(
        "{}",
        serde_json::json!({
            "bench": "intake", "engine": engine, "clients": clients, "ok": ok, "errors": errors,
            "contacts_per_s": (ok as f64 / wall).round(), "lat_ms_p50": percentile(&lat, 50.0), "lat_ms_p95": percentile(&lat, 95.0),
            "server_cpu_ms_per_contact": (cpu * 1000.0 / ok.max(1) as f64 * 100.0).round() / 100.0, "server_rss_mb": server.rss_mb().round(),
        })
    );
    Ok(())
}

async fn raw_insert(contacts: usize, batch: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("heard.db").display());
    let (store, _) = prepare(&url).await?;
    drop(store);
    // Straight to the database, on the same driver as the intake writer, with the same
    // durability: the limit intake's own bookkeeping is measured against.
    let conn = rusqlite::Connection::open(dir.path().join("heard.db"))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
         INSERT INTO customers (id, kind, name, created_at, updated_at) VALUES (1, 'person', 'x', 0, 0); \
         INSERT INTO cases (id, service_id, kind, status, priority, customer_id, title, created_at, updated_at) \
         VALUES (1, 1, 'enquiry', 'new', 'normal', 1, 'x', 0, 0);",
    )?;
    let bodies: Vec<(String, String)> = (0..batch.min(contacts))
        .map(|i| body_for(i, &mut rand::rngs::StdRng::seed_from_u64(i as u64)))
        .collect();
    let started = Instant::now();
    let mut done = 0;
    while done < contacts {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        {
            let mut insert = conn.prepare_cached(
                "INSERT INTO contacts (case_id, customer_id, channel, direction, sender, subject, body, received_at, created_at) \
                 VALUES (1, 1, 'api', 'inbound', 'x@example.com', ?1, ?2, 0, 0)",
            )?;
            let mut index =
                conn.prepare_cached("INSERT INTO contacts_fts (rowid, subject, body) VALUES (?1, ?2, ?3)")?;
            for (subject, body) in bodies.iter().take(contacts - done) {
                insert.execute((subject, body))?;
                index.execute((conn.last_insert_rowid(), subject, body))?;
                done += 1;
            }
        }
        conn.execute_batch("COMMIT")?;
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"bench": "raw-insert", "engine": "sqlite", "batch": batch, "contacts": contacts, "contacts_per_s": (contacts as f64 / wall).round()})
    );
    Ok(())
}

async fn search(store_dir: &Path, contacts: usize, repeat: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(store_dir)?;
    let url = format!("sqlite://{}", store_dir.join("heard.db").display());
    let (store, token) = prepare(&url).await?;
    let have = store.search("uniq0", Some(1), None, "HRD").await?.total;
    if have == 0 {
        load(&store, contacts).await?;
    }
    store.close().await;
    let server = Server::start(store_dir, &url).await?;
    let http = reqwest::Client::new();
    let queries: Vec<(&str, String)> = vec![
        ("case list, newest", "/api/v1/cases".into()),
        (
            "case list, one service + status",
            "/api/v1/cases?service=highways&status=open".into(),
        ),
        (
            "case list, open, unassigned",
            "/api/v1/cases?open=true&owner=none".into(),
        ),
        (
            "case list, date range",
            "/api/v1/cases?from=2026-01-01&to=2026-02-01".into(),
        ),
        ("case list + text, rare word", "/api/v1/cases?q=zephyrcase".into()),
        ("case list + text, common word", "/api/v1/cases?q=invoice".into()),
        ("contact list, channel", "/api/v1/contacts?channel=email".into()),
        ("search, one hit", format!("/api/v1/search?q=uniq{}", contacts / 2)),
        ("search, rare word (0.1%)", "/api/v1/search?q=zephyrcase".into()),
        ("search, medium word (8%)", "/api/v1/search?q=warranty".into()),
        ("search, common word (12.5%)", "/api/v1/search?q=invoice".into()),
        ("search, two words", "/api/v1/search?q=invoice+warranty".into()),
    ];
    let mut all = Vec::new();
    for (label, path) in &queries {
        let mut lat = Vec::new();
        let mut total = serde_json::Value::Null;
        for r in 0..repeat + 2 {
            let t = Instant::now();
            let res = http
                .get(format!("{}{path}", server.base))
                .bearer_auth(&token)
                .send()
                .await?;
            if !res.status().is_success() {
                bail!("{path}: {}", res.status());
            }
            let v: serde_json::Value = res.json().await?;
            if r >= 2 {
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            total = v
                .get("total")
                .cloned()
                .unwrap_or_else(|| serde_json::json!(v["items"].as_array().map_or(0, |a| a.len())));
        }
        lat.sort_by(f64::total_cmp);
        all.extend(lat.iter().copied());
        println!(
            "{}",
            serde_json::json!({"query": label, "hits": total, "p50_ms": (percentile(&lat, 50.0) * 10.0).round() / 10.0, "p95_ms": (percentile(&lat, 95.0) * 10.0).round() / 10.0})
        );
    }
    all.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({"bench": "search", "contacts": contacts, "all_queries_p95_ms": (percentile(&all, 95.0) * 10.0).round() / 10.0, "server_rss_mb": server.rss_mb().round()})
    );
    Ok(())
}

/// Bulk-loads `contacts` contacts (about 2.5 per case) over the last year.
async fn load(store: &Store, contacts: usize) -> anyhow::Result<()> {
    let customers = (contacts / 10).max(1);
    let bar = ProgressBar::new((customers + contacts) as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("customers");
    let mut ids = Vec::with_capacity(customers);
    for start in (0..customers).step_by(2_000) {
        let specs: Vec<_> = (start..(start + 2_000).min(customers))
            .map(|i| CustomerSpec {
                kind: CustomerKind::Person,
                organisation_kind: None,
                name: format!("Customer {i}"),
                identities: vec![Identity::email(&format!("customer{i}@example.com")).expect("valid")],
                addresses: vec![],
                links: vec![],
            })
            .collect();
        ids.extend(store.create_customers(&specs).await?);
        bar.inc(specs.len() as u64);
    }
    bar.set_message("contacts");
    let services = services();
    let now = jiff::Timestamp::now().as_millisecond();
    let year = 365 * 24 * 3600 * 1000_i64;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut i = 0;
    let mut batch = Vec::new();
    while i < contacts {
        let n = rng.random_range(1..=4).min(contacts - i);
        let start = now - year + (i as i64 * year / contacts as i64);
        let customer = ids[rng.random_range(0..ids.len())];
        let service = services[rng.random_range(0..services.len())].slug.clone();
        let open = rng.random_bool(0.2);
        let mut xs = Vec::with_capacity(n);
        for k in 0..n {
            let (subject, body) = body_for(i + k, &mut rand::rngs::StdRng::seed_from_u64((i + k) as u64));
            xs.push(ContactSpec {
                channel: if k % 2 == 0 { Channel::Email } else { Channel::Phone },
                direction: if k % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                sender: format!("customer{customer}@example.com"),
                subject: Some(subject),
                body,
                received_at: jiff::Timestamp::from_millisecond(start + k as i64 * 3_600_000)
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
                external_id: None,
            });
        }
        batch.push(CaseSpec {
            customer_id: customer,
            service,
            kind: CaseKind::Enquiry,
            status: if open { CaseStatus::Open } else { CaseStatus::Closed },
            priority: Priority::Normal,
            owner_email: None,
            site: None,
            contacts: xs,
        });
        i += n;
        if batch.len() == 2_000 || i >= contacts {
            let count: usize = batch.iter().map(|c| c.contacts.len()).sum();
            store.create_cases(&batch).await?;
            bar.inc(count as u64);
            batch.clear();
        }
    }
    bar.finish_and_clear();
    Ok(())
}
